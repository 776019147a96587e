package v1alpha1

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestRolloutToMissingReleaseIsAWarning(t *testing.T) {
	c, warned := warningClient(t)
	rollout := &platformv1alpha1.FleetRollout{
		ObjectMeta: metav1.ObjectMeta{Name: "egov-2099.02"},
		Spec: platformv1alpha1.FleetRolloutSpec{Release: "egov-2099.02", Waves: []platformv1alpha1.Wave{
			{Name: "pilot", Provinces: []platformv1alpha1.ProvinceCode{"42"}},
		}},
	}
	if err := c.Create(context.Background(), rollout); err != nil {
		t.Fatalf("a missing release must not refuse the rollout: %v", err)
	}
	wantWarning(t, warned, "spec.release", `PlatformRelease "egov-2099.02" does not exist`)
}

func TestMissingDefaultReleaseIsAWarning(t *testing.T) {
	c, warned := warningClient(t)
	national := &platformv1alpha1.NationalPlatform{ObjectMeta: metav1.ObjectMeta{Name: platformv1alpha1.NationalPlatformName}}
	national.Spec = platformv1alpha1.NationalPlatformSpec{
		PublicServicePortal: platformv1alpha1.PublicServicePortal{URL: "https://dichvucong.gov.vn", SyncURL: "https://dichvucong.gov.vn/api/dongbo", SSOIssuerURL: "https://xacthuc.dichvucong.gov.vn"},
		DataExchange:        platformv1alpha1.DataExchange{GatewayURL: "https://api.ndxp.gov.vn", TokenURL: "https://api.ndxp.gov.vn/oauth2/token"},
		DocumentAxis:        platformv1alpha1.DocumentAxis{URL: "https://truclienthong.chinhphu.vn"},
		Trust:               platformv1alpha1.Trust{CAIssuerRef: platformv1alpha1.IssuerReference{Name: "national-ca"}},
		Network:             platformv1alpha1.NationalNetwork{NationalEgressCIDRs: []platformv1alpha1.CIDR{"198.51.100.0/24"}},
		DefaultRelease:      "egov-2099.03",
	}
	if err := c.Create(context.Background(), national); err != nil {
		t.Fatalf("a missing release must not refuse the NationalPlatform: %v", err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), national) })
	wantWarning(t, warned, "spec.defaultRelease", `PlatformRelease "egov-2099.03" does not exist`)
}

func TestPortalRefToMissingPortalIsAWarning(t *testing.T) {
	ns := namespace(t, "42")
	for _, obj := range []client.Object{
		&platformv1alpha1.OneStopShop{
			ObjectMeta: metav1.ObjectMeta{Name: "motcua", Namespace: ns},
			Spec: platformv1alpha1.OneStopShopSpec{
				PortalRef: platformv1alpha1.LocalObjectReference{Name: "hatinh"},
				Database:  platformv1alpha1.Database{SecretRef: platformv1alpha1.SecretKeyReference{Name: "motcua-database", Key: "url"}},
			},
		},
		&platformv1alpha1.DocExchangeNode{
			ObjectMeta: metav1.ObjectMeta{Name: "edxml", Namespace: ns},
			Spec: platformv1alpha1.DocExchangeNodeSpec{
				PortalRef: platformv1alpha1.LocalObjectReference{Name: "hatinh"},
				OrganID:   "000.00.00.H26",
				Agencies:  []platformv1alpha1.Agency{{OrganID: "000.00.00.H26", Name: "Văn phòng UBND"}},
				Storage:   platformv1alpha1.DocumentStorage{Size: resource.MustParse("20Gi")},
			},
		},
	} {
		c, warned := warningClient(t)
		if err := c.Create(context.Background(), obj); err != nil {
			t.Fatalf("a missing portal must not refuse %s: %v", obj.GetName(), err)
		}
		wantWarning(t, warned, "spec.portalRef.name", `ProvincePortal "hatinh" does not exist in namespace `+ns)
	}
}
