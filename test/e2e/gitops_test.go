//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/argocd"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/scheme"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// Once the fleet is Ready, Flux (kstatus) reads every object of every kind
// as Current, and Argo CD, with the operator's health check, as Healthy:
// a GitOps tool waiting on the fleet is done.
func TestGitOpsToolsReadTheWholeFleetAsDone(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "argocd", "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for _, kind := range argocd.Kinds() {
		checked[kind] = true
	}
	eventually(t, 60e9, "every object Current and Healthy", func() error {
		var notDone []string
		seen := map[string]int{}
		for listKind := range scheme.New().KnownTypes(platformv1alpha1.GroupVersion) {
			kind, isList := strings.CutSuffix(listKind, "List")
			if !isList {
				continue
			}
			list := &unstructured.UnstructuredList{}
			list.SetGroupVersionKind(platformv1alpha1.GroupVersion.WithKind(listKind))
			if err := k8s.List(ctx(), list); err != nil {
				return err
			}
			for i := range list.Items {
				obj := &list.Items[i]
				seen[kind]++
				what := kind + " " + obj.GetNamespace() + "/" + obj.GetName()
				res, err := status.Compute(obj)
				if err != nil {
					return err
				}
				if res.Status != status.CurrentStatus {
					notDone = append(notDone, fmt.Sprintf("%s reads %s in kstatus: %s", what, res.Status, res.Message))
				}
				if !checked[kind] {
					continue
				}
				health, err := argocd.Assess(string(script), obj.Object)
				if err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
				if health.Status != "Healthy" {
					notDone = append(notDone, fmt.Sprintf("%s reads %s in Argo CD: %s", what, health.Status, health.Message))
				}
			}
		}
		if len(notDone) > 0 {
			return fmt.Errorf("%d objects are not done, e.g. %s", len(notDone), strings.Join(notDone[:min(5, len(notDone))], "; "))
		}
		if seen["Province"] != len(provinces.Codes()) || seen["ProvincePortal"] < len(provinces.Codes()) {
			return fmt.Errorf("read %v; want every Province and ProvincePortal", seen)
		}
		return nil
	})
}
