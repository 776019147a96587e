package controllers

import (
	"context"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// resolveNationalSync records how the system synchronises with the national
// public service portal. An inbound endpoint needs the credentials the
// national portal presents and the networks it calls from: without those
// networks the endpoint would be open to anyone, so it is not served.
func (r *OneStopShopReconciler) resolveNationalSync(ctx context.Context, s *shopScope, versions map[string]string) error {
	shop, n := s.shop, s.portal.national
	if e := shop.Spec.NationalSync.Enabled; e != nil && !*e {
		recordDisabled(shop, platformv1alpha1.ConditionNationalSyncConfigured, "dossier synchronisation with the national portal is off")
		return nil
	}
	message := "dossiers synchronise with " + string(n.Spec.PublicServicePortal.SyncURL) + " every " + shop.Spec.NationalSync.Interval
	inbound := shop.Spec.NationalSync.Inbound
	if inbound == nil {
		recordInput(shop, platformv1alpha1.ConditionNationalSyncConfigured, nil, message)
		return nil
	}
	if len(n.Spec.PublicServicePortal.SourceCIDRs) == 0 {
		err := conditions.Stalled(platformv1alpha1.ReasonNationalPortalSourcesMissing,
			"spec.nationalSync.inbound is set but NationalPlatform %s names no spec.publicServicePortal.sourceCIDRs: ask central ops to set the national portal's networks, or remove spec.nationalSync.inbound", n.Name)
		recordInput(shop, platformv1alpha1.ConditionNationalSyncConfigured, err, "")
		return err
	}
	ref := inbound.CredentialsSecretRef.Name
	version, err := secretKeys(ctx, r.APIReader, shop.Namespace, ref, "clientID", "clientSecret")
	if recordInput(shop, platformv1alpha1.ConditionNationalSyncConfigured, err,
		message+"; forwarded dossiers arrive at "+render.InboundPath(shop, s.portal.portal)) {
		return err
	}
	versions[ref] = version
	return nil
}
