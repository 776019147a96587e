package controllers

import (
	"context"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/render"
)

// resolveNationalSync records how the system synchronises with the national
// public service portal, including the endpoint the portal forwards online
// dossiers to.
func (r *OneStopShopReconciler) resolveNationalSync(ctx context.Context, s *shopScope, versions map[string]string) error {
	shop, n := s.shop, s.portal.national
	if e := shop.Spec.NationalSync.Enabled; e != nil && !*e {
		recordDisabled(shop, platformv1alpha1.ConditionNationalSyncConfigured, "dossier synchronisation with the national portal is off")
		return nil
	}
	message := "dossiers synchronise with " + string(n.Spec.PublicServicePortal.SyncURL) + " every " + shop.Spec.NationalSync.Interval
	return r.resolveCallerEndpoint(ctx, s, render.RoleMotcuaInbound, platformv1alpha1.ConditionNationalSyncConfigured, message, versions)
}

// resolveCallerEndpoint checks the endpoint of role, when the system serves
// it, and records condition: it needs the credentials its caller presents
// and the networks the caller calls from; without those networks the
// endpoint would be open to anyone, so it is not served.
func (r *OneStopShopReconciler) resolveCallerEndpoint(ctx context.Context, s *shopScope, role, condition, message string, versions map[string]string) error {
	shop, n := s.shop, s.portal.national
	var endpoint *render.CallerEndpoint
	for _, e := range render.CallerEndpoints(shop, s.portal.portal, n) {
		if e.Role == role {
			endpoint = &e
		}
	}
	if endpoint == nil {
		recordInput(shop, condition, nil, message)
		return nil
	}
	if len(endpoint.Sources) == 0 {
		err := conditions.Stalled(platformv1alpha1.ReasonCallerNetworksMissing,
			"%s is set but NationalPlatform %s names no %s: ask central ops to set the caller's networks, or remove %s",
			endpoint.Field, n.Name, endpoint.SourcesField, endpoint.Field)
		recordInput(shop, condition, err, "")
		return err
	}
	version, err := r.secretKeys(ctx, shop.Namespace, endpoint.CredentialsSecret, inputs.NationalCredentialKeys...)
	if recordInput(shop, condition, err, message+"; called back at "+endpoint.Path) {
		return err
	}
	versions[endpoint.CredentialsSecret] = version
	return nil
}
