package render

import (
	networkingv1 "k8s.io/api/networking/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Where the web pods mount the login clients' secrets.
const (
	citizenSSOSecretDir   = CredentialsMountPath + "/sso-citizen"
	officialsSSOSecretDir = CredentialsMountPath + "/sso-officials"
)

// RoleMotcuaSSO is the ConfigMap of the system's login clients, mounted in
// the web pods only as SSOFile under ssoMountPath: a file, since the
// redirect URIs and issuers would crowd the environment every pod imports.
const (
	RoleMotcuaSSO = "motcua-sso"
	SSOFile       = "sso.json"
	ssoMountPath  = "/etc/egov/sso"
)

// ssoClient is one login client as the web pods read it.
type ssoClient struct {
	IssuerURL              string                         `json:"issuerURL"`
	ClientID               string                         `json:"clientID"`
	ClientSecretDir        string                         `json:"clientSecretDir"`
	RedirectURIs           []platformv1alpha1.RedirectURI `json:"redirectURIs,omitempty"`
	PostLogoutRedirectURIs []platformv1alpha1.RedirectURI `json:"postLogoutRedirectURIs,omitempty"`
	ACRValues              string                         `json:"acrValues,omitempty"`
	VNeIDFederationHost    string                         `json:"vneidFederationHost,omitempty"`
}

// OneStopShopSSO is the content of the file MOTCUA_SSO_FILE names: how
// citizens log in (the national single sign-on, VNeID accounts) and how
// officials do (their own identity provider), as {citizen, officials}.
func OneStopShopSSO(s *platformv1alpha1.OneStopShop, n *platformv1alpha1.NationalPlatform) string {
	clients := map[string]ssoClient{}
	if sso := s.Spec.SSO; sso != nil && sso.Citizen != nil {
		c := sso.Citizen
		client := ssoClient{
			IssuerURL: string(n.Spec.PublicServicePortal.SSOIssuerURL), ClientID: c.ClientID, ClientSecretDir: citizenSSOSecretDir,
			RedirectURIs: c.RedirectURIs, PostLogoutRedirectURIs: c.PostLogoutRedirectURIs, ACRValues: c.ACRValues,
		}
		if n.Spec.SSO != nil && n.Spec.SSO.Citizen != nil {
			client.VNeIDFederationHost = string(n.Spec.SSO.Citizen.VNeIDFederationHost)
		}
		clients["citizen"] = client
	}
	if sso := s.Spec.SSO; sso != nil && sso.Officials != nil {
		o := sso.Officials
		clients["officials"] = ssoClient{IssuerURL: string(o.IssuerURL), ClientID: o.ClientID, ClientSecretDir: officialsSSOSecretDir}
	}
	return jsonString(clients)
}

// ssoMounts are the login clients' settings and secrets, which only the web
// pods mount.
func ssoMounts(o Owner, s *platformv1alpha1.OneStopShop) []Mount {
	mounts := []Mount{{Name: "sso", Path: ssoMountPath, ConfigMap: o.Name(RoleMotcuaSSO)}}
	if s.Spec.SSO == nil {
		return mounts
	}
	if c := s.Spec.SSO.Citizen; c != nil {
		mounts = append(mounts, Mount{Name: "sso-citizen", Path: citizenSSOSecretDir, Secret: c.ClientSecretRef.Name})
	}
	if o := s.Spec.SSO.Officials; o != nil {
		mounts = append(mounts, Mount{Name: "sso-officials", Path: officialsSSOSecretDir, Secret: o.ClientSecretRef.Name})
	}
	return mounts
}

// ssoPeers are where the web pods exchange login codes for tokens: the
// national systems for citizens, the officials' identity provider's networks.
func ssoPeers(s *platformv1alpha1.OneStopShop, n *platformv1alpha1.NationalPlatform) []networkingv1.NetworkPolicyPeer {
	if s.Spec.SSO == nil {
		return nil
	}
	var cidrs [][]platformv1alpha1.CIDR
	if s.Spec.SSO.Citizen != nil {
		cidrs = append(cidrs, n.Spec.Network.NationalEgressCIDRs)
	}
	if o := s.Spec.SSO.Officials; o != nil {
		cidrs = append(cidrs, CIDRs(o.EgressCIDRs))
	}
	return CIDRPeers(cidrs...)
}

// SSOSecretRefs names the Secrets of a system's login clients.
func SSOSecretRefs(sso *platformv1alpha1.SystemSSO) []string {
	if sso == nil {
		return nil
	}
	var names []string
	if sso.Citizen != nil {
		names = append(names, sso.Citizen.ClientSecretRef.Name)
	}
	if sso.Officials != nil {
		names = append(names, sso.Officials.ClientSecretRef.Name)
	}
	return names
}
