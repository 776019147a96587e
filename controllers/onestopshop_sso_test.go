package controllers

import (
	"context"
	"testing"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// The national single sign-on sends citizens' login codes to the redirect
// URIs: one off the system's host is refused before anything is applied.
func TestRedirectURIOffTheSystemsHostIsStalled(t *testing.T) {
	portal := &platformv1alpha1.ProvincePortal{Spec: platformv1alpha1.ProvincePortalSpec{Domain: "dichvucong.camau.gov.vn"}}
	for _, uri := range []platformv1alpha1.RedirectURI{"https://attacker.example/cb", "https://dichvucong.camau.gov.vn.attacker.example/cb"} {
		shop := &platformv1alpha1.OneStopShop{Spec: platformv1alpha1.OneStopShopSpec{SSO: &platformv1alpha1.SystemSSO{
			Citizen: &platformv1alpha1.CitizenSSOClient{ClientID: "motcua", RedirectURIs: []platformv1alpha1.RedirectURI{"https://dichvucong.camau.gov.vn/motcua/cb"},
				PostLogoutRedirectURIs: []platformv1alpha1.RedirectURI{uri}}}}}
		s := &shopScope{shop: shop, portal: portalInputs{national: national(), portal: portal}}
		err := (&OneStopShopReconciler{}).resolveSSO(context.Background(), s, map[string]string{})
		if u, ok := conditions.AsUserError(err); !ok || u.Reason != platformv1alpha1.ReasonRedirectURIOffHost {
			t.Errorf("%s: got %v, want a user error %s", uri, err, platformv1alpha1.ReasonRedirectURIOffHost)
		}
	}
}
