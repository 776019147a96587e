package validation

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

func portalFor(code string) *platformv1alpha1.ProvincePortal {
	return &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: "p" + code, Namespace: "province-codes"},
		Spec: platformv1alpha1.ProvincePortalSpec{
			Province: platformv1alpha1.ProvinceRef{Code: platformv1alpha1.ProvinceCode(code)},
			OrganID:  "000.00.00.H26",
			Domain:   "dichvucong.example.gov.vn",
		},
	}
}

// The API server accepts exactly the codes of internal/provinces and names
// the successor of every retired code, so the CRD and the table agree.
func TestAdmissionFollowsTheProvinceTable(t *testing.T) {
	ctx := context.Background()
	createNamespace(t, "province-codes")
	dryRun := client.DryRunAll
	for _, u := range provinces.All() {
		if err := k8s.Create(ctx, portalFor(u.Code), dryRun); err != nil {
			t.Errorf("code %s (%s) refused: %v", u.Code, u.Name, err)
		}
	}
	for _, old := range provinces.RetiredCodes() {
		successor, retired, _ := provinces.FromOldCode(old)
		err := k8s.Create(ctx, portalFor(old), dryRun)
		if err == nil {
			t.Errorf("retired code %s (%s) accepted", old, retired.Name)
			continue
		}
		for _, want := range []string{"spec.province.code", retired.Name, successor.Code + " " + successor.Name} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("retired code %s: message lacks %q: %v", old, want, err)
			}
		}
	}
}
