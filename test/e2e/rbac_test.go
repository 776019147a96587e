//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// The operator ran every test above as the ServiceAccount the Helm chart
// installs, under the chart's RBAC; a missing permission shows in its log.
func TestOperatorNeededNoPermissionItLacks(t *testing.T) {
	log, err := os.ReadFile(filepath.Join(state, "logs", "operator.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 {
		t.Fatal("the operator's log is empty")
	}
	for _, line := range strings.Split(string(log), "\n") {
		if strings.Contains(strings.ToLower(line), "forbidden") {
			t.Errorf("operator log: %s", line)
		}
	}
}

// The operator's identity is no administrator: it may not do anything anywhere.
func TestOperatorIsNotAnAdministrator(t *testing.T) {
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               "system:serviceaccount:" + fleet.OperatorNamespace + ":" + fleet.OperatorServiceAccount,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "*", Group: "*", Resource: "*"},
	}}
	if err := k8s.Create(ctx(), review); err != nil {
		t.Fatal(err)
	}
	if review.Status.Allowed {
		t.Fatal("the operator's ServiceAccount may do anything: it must run under its own ClusterRole")
	}
}

// The operator reads Secrets in the province namespaces central ops bound
// it in, and nowhere else: not the national root's key in cert-manager's
// namespace, not the Secrets of the whole cluster.
func TestOperatorReadsSecretsOnlyInProvinceNamespaces(t *testing.T) {
	hanoi, _ := provinces.Lookup("01")
	for _, c := range []struct {
		namespace, verb, name string
		allowed               bool
	}{
		{fleet.CANamespace, "get", fleet.RootCertificate, false},
		{fleet.CANamespace, "list", "", false},
		{"", "list", "", false},
		{"", "watch", "", false},
		{fleet.Namespace(hanoi), "get", "national-credentials", true},
		{fleet.Namespace(hanoi), "watch", "", true},
	} {
		review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: "system:serviceaccount:" + fleet.OperatorNamespace + ":" + fleet.OperatorServiceAccount,
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Verb: c.verb, Resource: "secrets", Namespace: c.namespace, Name: c.name,
			},
		}}
		if err := k8s.Create(ctx(), review); err != nil {
			t.Fatal(err)
		}
		if review.Status.Allowed != c.allowed {
			t.Errorf("%s secrets in namespace %q: allowed %v, want %v", c.verb, c.namespace, review.Status.Allowed, c.allowed)
		}
	}
}
