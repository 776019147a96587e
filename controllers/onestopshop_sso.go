package controllers

import (
	"context"
	"net/url"
	"strings"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/render"
)

// resolveSSO checks the system's login clients and records SSOConfigured:
// each client's Secret must hold clientSecret, and the citizens' redirect
// URIs must be on the system's own host, since the national single sign-on
// sends citizens' login codes there.
func (r *OneStopShopReconciler) resolveSSO(ctx context.Context, s *shopScope, versions map[string]string) error {
	shop := s.shop
	sso := shop.Spec.SSO
	if sso == nil || (sso.Citizen == nil && sso.Officials == nil) {
		recordDisabled(shop, platformv1alpha1.ConditionSSOConfigured, "no single sign-on client is registered")
		return nil
	}
	var logins []string
	if c := sso.Citizen; c != nil {
		host, _ := render.OneStopShopHost(shop, s.portal.portal)
		if err := redirectURIsOnHost(host, append(append([]platformv1alpha1.RedirectURI(nil), c.RedirectURIs...), c.PostLogoutRedirectURIs...)); err != nil {
			recordInput(shop, platformv1alpha1.ConditionSSOConfigured, err, "")
			return err
		}
		logins = append(logins, "citizens through "+string(s.portal.national.Spec.PublicServicePortal.SSOIssuerURL))
	}
	if o := sso.Officials; o != nil {
		logins = append(logins, "officials through "+string(o.IssuerURL))
	}
	for _, name := range render.SSOSecretRefs(sso) {
		version, err := r.secretKeys(ctx, shop.Namespace, name, inputs.SSOKeys...)
		if recordInput(shop, platformv1alpha1.ConditionSSOConfigured, err, "") {
			return err
		}
		versions[name] = version
	}
	recordInput(shop, platformv1alpha1.ConditionSSOConfigured, nil, "log in: "+strings.Join(logins, "; "))
	return nil
}

// redirectURIsOnHost refuses a redirect URI off the system's host.
func redirectURIsOnHost(host string, uris []platformv1alpha1.RedirectURI) error {
	for _, uri := range uris {
		if u, err := url.Parse(string(uri)); err != nil || u.Hostname() != host {
			return conditions.Stalled(platformv1alpha1.ReasonRedirectURIOffHost,
				"spec.sso.citizen redirect URI %s is not on the system's host %s: the single sign-on would send citizens' login codes elsewhere", uri, host)
		}
	}
	return nil
}
