package v1alpha1

// Citizens and officials log in through different identity providers:
// citizens through the national single sign-on of the public service portal
// (VNeID accounts), officials through an identity provider of their own.
// The national endpoints live in NationalPlatform; each system registers as
// a client of its own.

// NationalSSO holds the national single sign-on's federation settings.
type NationalSSO struct {
	// citizen is the citizens' national single sign-on, whose OIDC issuer is
	// spec.publicServicePortal.ssoIssuerURL.
	// +optional
	Citizen *NationalCitizenSSO `json:"citizen,omitempty"`
}

// NationalCitizenSSO is the citizens' national single sign-on.
type NationalCitizenSSO struct {
	// vneidFederationHost is the host through which the national single
	// sign-on federates VNeID accounts (the national electronic
	// identification app), for the systems that show or check it. Take it
	// from the national SSO's integration documents.
	// +optional
	VNeIDFederationHost DNSName `json:"vneidFederationHost,omitempty"`
}

// SystemSSO registers a system with the identity providers its users log in
// through.
type SystemSSO struct {
	// citizen is the system's client at the national single sign-on.
	// +optional
	Citizen *CitizenSSOClient `json:"citizen,omitempty"`
	// officials is the system's client at the officials' identity provider.
	// +optional
	Officials *OfficialsSSOClient `json:"officials,omitempty"`
}

// CitizenSSOClient is a system's OIDC client at the national single sign-on.
type CitizenSSOClient struct {
	// clientID is the system's client ID at the national single sign-on.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClientID string `json:"clientID"`
	// clientSecretRef names a Secret holding the key clientSecret.
	// +required
	ClientSecretRef LocalObjectReference `json:"clientSecretRef"`
	// redirectURIs are the system's registered login callbacks; each must be
	// on the system's own host, or the system is Stalled (RedirectURIOffHost).
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=4
	RedirectURIs []RedirectURI `json:"redirectURIs"`
	// postLogoutRedirectURIs are where the single sign-on returns citizens
	// after logout; on the system's own host as well.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=4
	PostLogoutRedirectURIs []RedirectURI `json:"postLogoutRedirectURIs,omitempty"`
	// acrValues is the assurance level the system asks the single sign-on
	// for (OIDC acr_values), space-separated, as the national SSO publishes
	// them (e.g. the level of a level-2 VNeID account).
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.matches('^[!#-~]+( [!#-~]+)*$')",message="sso.citizen.acrValues must be space-separated values of printable ASCII"
	ACRValues string `json:"acrValues,omitempty"`
}

// OfficialsSSOClient is a system's OIDC client at the identity provider its
// officials log in through, separate from the citizens' national one.
type OfficialsSSOClient struct {
	// issuerURL is the officials' identity provider's OIDC issuer.
	// +required
	IssuerURL HTTPSURL `json:"issuerURL"`
	// clientID is the system's client ID there.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClientID string `json:"clientID"`
	// clientSecretRef names a Secret holding the key clientSecret.
	// +required
	ClientSecretRef LocalObjectReference `json:"clientSecretRef"`
	// egressCIDRs are the identity provider's networks, which the system's
	// web pods may reach on port 443; each no wider than /16 (IPv4) or /48
	// (IPv6): one provider, not a whole network.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	EgressCIDRs []PeerCIDR `json:"egressCIDRs,omitempty"`
}

// RedirectURI is an absolute https URL an identity provider sends users back to.
// +kubebuilder:validation:MaxLength=512
// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getScheme() == 'https' && size(url(self).getHostname()) > 0",message="must be an absolute https:// URL"
type RedirectURI string
