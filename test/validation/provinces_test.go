package validation

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
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
		wants := []string{"spec.province.code", retired.Name, successor.Code + " " + successor.Name}
		if former, reused := successor.FormerName(); reused {
			// 27 (Bắc Ninh) → 24 Bắc Ninh must say 24 used to be Bắc Giang.
			wants = append(wants, "code "+successor.Code+" named "+former)
		}
		for _, want := range wants {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("retired code %s: message lacks %q: %v", old, want, err)
			}
		}
	}
}

// The schema's network defaults are the ones the renderer falls back to.
func TestNetworkDefaultsMatchTheRenderer(t *testing.T) {
	ctx := context.Background()
	n := &platformv1alpha1.NationalPlatform{
		ObjectMeta: metav1.ObjectMeta{Name: platformv1alpha1.NationalPlatformName},
		Spec: platformv1alpha1.NationalPlatformSpec{
			PublicServicePortal: platformv1alpha1.PublicServicePortal{URL: "https://a.gov.vn", SyncURL: "https://a.gov.vn/s", SSOIssuerURL: "https://b.gov.vn"},
			DataExchange:        platformv1alpha1.DataExchange{GatewayURL: "https://c.gov.vn", TokenURL: "https://c.gov.vn/t"},
			DocumentAxis:        platformv1alpha1.DocumentAxis{URL: "https://d.gov.vn"},
			Trust:               platformv1alpha1.Trust{CAIssuerRef: platformv1alpha1.IssuerReference{Name: "national-ca"}},
		},
	}
	if err := k8s.Create(ctx, n, client.DryRunAll); err != nil {
		t.Fatal(err)
	}
	net := n.Spec.Network
	if net.IngressControllerSelector == nil || net.DNSSelector == nil {
		t.Fatalf("the API server did not default the selectors: %+v", net)
	}
	var fallback platformv1alpha1.NationalNetwork
	if !equality.Semantic.DeepEqual(*net.IngressControllerSelector, fallback.IngressController()) ||
		!equality.Semantic.DeepEqual(*net.DNSSelector, fallback.DNS()) {
		t.Errorf("schema defaults %+v / %+v differ from the renderer's", *net.IngressControllerSelector, *net.DNSSelector)
	}
	if n.Spec.Tenancy.RequireNamespaceLabel == nil || !*n.Spec.Tenancy.RequireNamespaceLabel {
		t.Errorf("tenancy.requireNamespaceLabel must default to true")
	}
}
