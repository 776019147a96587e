//go:build e2e

package e2e

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// The operator's webhook server, with its certificate from the cluster's
// cert-manager, refuses a second portal for a province that is served.
func TestDuplicateProvinceIsRefusedAtAdmission(t *testing.T) {
	u, _ := provinces.Lookup("42")
	first := &platformv1alpha1.ProvincePortal{}
	first.Namespace, first.Name = fleet.Namespace(u), u.Slug
	if err := k8s.Get(ctx(), client.ObjectKeyFromObject(first), first); err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "egov-duplicate-42",
		Labels: map[string]string{platformv1alpha1.ProvinceLabel: "42"}}}
	if err := k8s.Create(ctx(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(ctx(), ns) })

	second := &platformv1alpha1.ProvincePortal{ObjectMeta: metav1.ObjectMeta{Name: u.Slug, Namespace: ns.Name}, Spec: first.Spec}
	err := k8s.Create(ctx(), second)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), first.Namespace) {
		t.Fatalf("a second portal for province 42: want a refusal naming namespace %s, got %v", first.Namespace, err)
	}
}
