package controllers

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// An inbound endpoint is served only once the Secret with the credentials
// the national portal presents exists, a login client once its secret does;
// until then the system says which.
func TestInboundEndpointWaitsForItsCredentials(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "82"))
	s := oneStopShop(t, p, true, func(s *platformv1alpha1.OneStopShop) {
		s.Spec.Units = []platformv1alpha1.ReceivingUnit{{Code: "000.00.01.H56", Name: "Trung tâm Phục vụ hành chính công"}}
		s.Spec.NationalSync.Inbound = &platformv1alpha1.InboundDossiers{
			CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "dvcqg-inbound"}}
	})
	waitObjectStalled(t, s, platformv1alpha1.ReasonSecretNotFound)

	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "dvcqg-inbound", Namespace: p.Namespace},
		StringData: map[string]string{"clientID": "dvcqg", "clientSecret": "secret"}})
	waitObjectReady(t, s)

	// A citizens' login client waits for its Secret the same way.
	change(t, s, func() {
		s.Spec.SSO = &platformv1alpha1.SystemSSO{Citizen: &platformv1alpha1.CitizenSSOClient{
			ClientID: "motcua", ClientSecretRef: platformv1alpha1.LocalObjectReference{Name: "sso-citizen"},
			RedirectURIs: []platformv1alpha1.RedirectURI{platformv1alpha1.RedirectURI(render.OneStopShopURL(s, p) + "/sso/callback")}}}
	})
	waitObjectStalled(t, s, platformv1alpha1.ReasonSecretNotFound)
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sso-citizen", Namespace: p.Namespace},
		StringData: map[string]string{"clientSecret": "secret"}})
	waitObjectReady(t, s)
	inbound := &appsv1.Deployment{}
	inbound.Namespace, inbound.Name = p.Namespace, render.OneStopShopOwner(s, p).Name(render.RoleMotcuaInbound)
	if err := exists(inbound); err != nil {
		t.Fatal(err)
	}
}

// Without its caller's networks an endpoint would be open to anyone: the
// system is Stalled and says who must act, for the national portal's
// inbound endpoint and for the postal service's delivery callback alike.
func TestCallerEndpointNeedsItsCallersNetworks(t *testing.T) {
	n := national()
	n.Spec.PublicServicePortal.SourceCIDRs, n.Spec.Postal.SourceCIDRs = nil, nil
	credentials := platformv1alpha1.LocalObjectReference{Name: "caller"}
	shop := &platformv1alpha1.OneStopShop{Spec: platformv1alpha1.OneStopShopSpec{
		NationalSync: platformv1alpha1.NationalSync{Inbound: &platformv1alpha1.InboundDossiers{CredentialsSecretRef: credentials}},
		PostalDelivery: &platformv1alpha1.PostalDelivery{Enabled: true, CredentialsSecretRef: &credentials,
			Callback: &platformv1alpha1.PostalCallback{CredentialsSecretRef: credentials}},
	}}
	portal := &platformv1alpha1.ProvincePortal{Spec: platformv1alpha1.ProvincePortalSpec{Domain: "dichvucong.camau.gov.vn"}}
	s := &shopScope{shop: shop, portal: portalInputs{national: n, portal: portal}}
	for _, tc := range []struct{ role, condition, field string }{
		{render.RoleMotcuaInbound, platformv1alpha1.ConditionNationalSyncConfigured, "spec.publicServicePortal.sourceCIDRs"},
		{render.RoleMotcuaPostalCallback, platformv1alpha1.ConditionPostalDeliveryConfigured, "spec.postal.sourceCIDRs"},
	} {
		err := (&OneStopShopReconciler{}).resolveCallerEndpoint(context.Background(), s, tc.role, tc.condition, "", map[string]string{})
		if u, ok := conditions.AsUserError(err); !ok || u.Reason != platformv1alpha1.ReasonCallerNetworksMissing || !strings.Contains(u.Message, tc.field) {
			t.Errorf("%s: got %v, want a user error %s naming %s", tc.role, err, platformv1alpha1.ReasonCallerNetworksMissing, tc.field)
		}
	}
}
