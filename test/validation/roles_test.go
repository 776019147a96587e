package validation

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// access asks the API server whether user may verb resource in namespace.
func access(t *testing.T, user, verb, group, resource, namespace string) bool {
	t.Helper()
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User:               user,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: verb, Group: group, Resource: resource, Namespace: namespace},
	}}
	if err := k8s.Create(context.Background(), review); err != nil {
		t.Fatal(err)
	}
	return review.Status.Allowed
}

// The roles of config/rbac/user_roles.yaml give each kind of user what it
// needs and no more: a provincial IT centre bound in its namespace reaches
// nothing of another province's, nor the cluster-scoped kinds.
func TestEachKindOfUserReachesOnlyWhatItsRoleGives(t *testing.T) {
	ctx := context.Background()
	roles, err := fleet.ReadManifests(filepath.Join(testenv.RepoRoot(), "config", "rbac", "user_roles.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var created []client.Object
	for _, r := range roles {
		created = append(created, r)
	}
	hanoi := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "egov-hanoi-"}}
	hatinh := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "egov-hatinh-"}}
	created = append(created, hanoi, hatinh)
	for _, obj := range created {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	bindings := []client.Object{
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "hanoi-it", Namespace: hanoi.Name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "egov-province-admin"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "hanoi-it"}}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "central-ops"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "egov-central-ops"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "central-ops"}}},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "auditor"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "egov-viewer"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "auditor"}}},
	}
	for _, obj := range bindings {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, obj := range append(created, bindings...) {
			_ = k8s.Delete(ctx, obj)
		}
	})
	const egov = "platform.egov.vn"
	cases := []struct {
		user, verb, group, resource, namespace string
		allowed                                bool
	}{
		{"hanoi-it", "create", egov, "provinceportals", hanoi.Name, true},
		{"hanoi-it", "create", "", "secrets", hanoi.Name, true},
		{"hanoi-it", "create", "", "configmaps", hanoi.Name, true}, // the CA of the province's own SOC
		{"hanoi-it", "create", "", "configmaps", hatinh.Name, false},
		{"hanoi-it", "get", egov, "provinceportals", hatinh.Name, false},
		{"hanoi-it", "update", egov, "onestopshops", hatinh.Name, false},
		{"hanoi-it", "get", "", "secrets", hatinh.Name, false},
		{"hanoi-it", "list", "", "secrets", "", false},
		{"hanoi-it", "update", "apps", "deployments", hanoi.Name, false},
		{"hanoi-it", "update", egov, "nationalplatforms", "", false},
		{"hanoi-it", "create", egov, "fleetrollouts", "", false},
		{"hanoi-it", "patch", egov, "provinces", "", false},
		{"central-ops", "update", egov, "nationalplatforms", "", true},
		{"central-ops", "create", egov, "fleetrollouts", "", true},
		{"central-ops", "patch", egov, "provinces", "", true},
		{"central-ops", "create", egov, "provinceassignments", "", false},
		{"central-ops", "update", egov, "provinceportals", hanoi.Name, false},
		{"central-ops", "get", "", "secrets", hanoi.Name, false},
		{"auditor", "list", egov, "provinceportals", "", true},
		{"auditor", "get", egov, "provinces", "", true},
		{"auditor", "update", egov, "provinceportals", hanoi.Name, false},
		{"auditor", "get", "", "secrets", hanoi.Name, false},
	}
	for _, c := range cases {
		if got := access(t, c.user, c.verb, c.group, c.resource, c.namespace); got != c.allowed {
			t.Errorf("%s %s %s in %q: allowed %v, want %v", c.user, c.verb, c.resource, c.namespace, got, c.allowed)
		}
	}
}

// A province's kinds cannot name anything outside their namespace: no
// field of their specs holds a namespace, so a province administrator
// cannot point the operator at another namespace's Secret, Issuer or portal.
func TestNamespacedKindsReferenceNothingOutsideTheirNamespace(t *testing.T) {
	for _, kind := range []string{"provinceportals", "onestopshops", "docexchangenodes"} {
		data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "crd", "bases", "platform.egov.vn_"+kind+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, crd); err != nil {
			t.Fatal(err)
		}
		spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
		for _, path := range namespaceFields("spec", spec) {
			t.Errorf("%s: %s names a namespace", kind, path)
		}
	}
}

// namespaceFields lists the paths of properties named namespace in s.
func namespaceFields(path string, s apiextensionsv1.JSONSchemaProps) []string {
	var found []string
	for name, p := range s.Properties {
		if name == "namespace" {
			found = append(found, path+".namespace")
		}
		found = append(found, namespaceFields(path+"."+name, p)...)
	}
	if s.Items != nil && s.Items.Schema != nil {
		found = append(found, namespaceFields(path+"[]", *s.Items.Schema)...)
	}
	return found
}
