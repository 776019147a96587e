package fleet

import (
	"testing"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

func TestEachEnvironmentOfAProvinceRunsInANamespaceAndUnderAHostOfItsOwn(t *testing.T) {
	u := provinces.All()[0]
	seen := map[string]bool{}
	for _, env := range []string{platformv1alpha1.ProductionEnvironment, "staging", "env-02"} {
		var portal *platformv1alpha1.ProvincePortal
		namespaces := map[string]bool{}
		for _, obj := range Stack(u, env) {
			namespaces[obj.GetNamespace()] = true
			if p, ok := obj.(*platformv1alpha1.ProvincePortal); ok {
				portal = p
			}
		}
		delete(namespaces, "") // the Namespace object itself
		ns := EnvironmentNamespace(u, env)
		if len(namespaces) != 1 || !namespaces[ns] {
			t.Errorf("%s: objects in namespaces %v, want only %s", env, namespaces, ns)
		}
		if portal == nil || portal.Spec.Environment != env {
			t.Fatalf("%s: no ProvincePortal of that environment in %v", env, portal)
		}
		host := string(portal.Spec.Domain)
		if seen[ns] || seen[host] {
			t.Errorf("%s: namespace %s or host %s is another environment's", env, ns, host)
		}
		seen[ns], seen[host] = true, true
	}
	if Namespace(u) != EnvironmentNamespace(u, platformv1alpha1.ProductionEnvironment) || Domain(u) != "dichvucong."+u.Domains()[0] {
		t.Errorf("production runs in %s under %s", Namespace(u), Domain(u))
	}
}
