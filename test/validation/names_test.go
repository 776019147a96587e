package validation

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// The namespaced kinds admit names up to MaxNameLength characters, the
// length the renderer's tests prove every child name fits in, and no longer.
func TestNamespacedKindsAdmitNamesUpToMaxNameLength(t *testing.T) {
	ctx := context.Background()
	createNamespace(t, "names")
	kinds := map[string]func(name string) client.Object{
		"ProvincePortal": func(name string) client.Object {
			p := portalFor("01")
			p.Name, p.Namespace = name, "names"
			return p
		},
		"OneStopShop": func(name string) client.Object {
			return &platformv1alpha1.OneStopShop{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "names"},
				Spec: platformv1alpha1.OneStopShopSpec{
					PortalRef: platformv1alpha1.LocalObjectReference{Name: "hanoi"},
					Database:  platformv1alpha1.Database{SecretRef: platformv1alpha1.SecretKeyReference{Name: "motcua-database", Key: "url"}},
				},
			}
		},
		"DocExchangeNode": func(name string) client.Object {
			return &platformv1alpha1.DocExchangeNode{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "names"},
				Spec: platformv1alpha1.DocExchangeNodeSpec{
					PortalRef: platformv1alpha1.LocalObjectReference{Name: "hanoi"},
					OrganID:   "000.00.00.H26",
					Storage:   platformv1alpha1.DocumentStorage{Size: resource.MustParse("20Gi")},
				},
			}
		},
	}
	longest := "a" + strings.Repeat("b", platformv1alpha1.MaxNameLength-1)
	for kind, object := range kinds {
		if err := k8s.Create(ctx, object(longest), client.DryRunAll); err != nil {
			t.Errorf("%s named with %d characters refused: %v", kind, len(longest), err)
		}
		for name, want := range map[string]string{
			longest + "c":  "metadata.name must be at most 40 characters",
			"hanoi.portal": "metadata.name must be lowercase letters, digits and '-', starting with a letter",
			"01-hanoi":     "metadata.name must be lowercase letters, digits and '-', starting with a letter",
		} {
			err := k8s.Create(ctx, object(name), client.DryRunAll)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s named %q: want %q, got %v", kind, name, want, err)
			}
		}
	}
}
