package validation

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// The schema's database port default is the one the renderer falls back to.
func TestDatabasePortDefaultMatchesTheRenderer(t *testing.T) {
	createNamespace(t, "database-port")
	s := &platformv1alpha1.OneStopShop{
		ObjectMeta: metav1.ObjectMeta{Name: "hanoi", Namespace: "database-port"},
		Spec: platformv1alpha1.OneStopShopSpec{
			PortalRef: platformv1alpha1.LocalObjectReference{Name: "hanoi"},
			Database:  platformv1alpha1.Database{SecretRef: platformv1alpha1.SecretKeyReference{Name: "motcua-database", Key: "url"}},
		},
	}
	if err := k8s.Create(context.Background(), s, client.DryRunAll); err != nil {
		t.Fatal(err)
	}
	if s.Spec.Database.Port != platformv1alpha1.DefaultDatabasePort || (platformv1alpha1.Database{}).EffectivePort() != s.Spec.Database.Port {
		t.Errorf("the API server defaults the port to %d, the renderer to %d", s.Spec.Database.Port, (platformv1alpha1.Database{}).EffectivePort())
	}
}
