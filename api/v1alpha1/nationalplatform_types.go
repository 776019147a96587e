package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// NationalPlatformSpec describes the national systems every province connects to.
// +kubebuilder:validation:XValidation:rule="!has(self.monitoring) || !has(self.monitoring.soc) || !has(self.monitoring.soc.caRef) || (has(self.trust.trustedRoots) && self.trust.trustedRoots.exists(r, r.name == self.monitoring.soc.caRef.name))",message="monitoring.soc.caRef.name must name an entry of trust.trustedRoots",fieldPath=".monitoring.soc.caRef.name"
type NationalPlatformSpec struct {
	// publicServicePortal is the national public service portal (dichvucong.gov.vn)
	// and its single sign-on.
	// +required
	PublicServicePortal PublicServicePortal `json:"publicServicePortal"`
	// dataExchange is the national data exchange platform (NDXP).
	// +required
	DataExchange DataExchange `json:"dataExchange"`
	// documentAxis is the national document exchange axis (edXML).
	// +required
	DocumentAxis DocumentAxis `json:"documentAxis"`
	// postal is the public postal service (VNPost) that collects dossiers and
	// delivers results (QĐ 45/2016/QĐ-TTg).
	// +optional
	Postal *Postal `json:"postal,omitempty"`
	// trust names the CA that signs every provincial SubCA and the roots that
	// form the cross-certified trust bundle.
	// +required
	Trust Trust `json:"trust"`
	// network says where the national systems, the ingress controller and DNS are,
	// for the provinces' network policies.
	// +optional
	// +kubebuilder:default={}
	Network NationalNetwork `json:"network,omitempty"`
	// tenancy says how namespaces are assigned to provinces.
	// +optional
	// +kubebuilder:default={}
	Tenancy Tenancy `json:"tenancy,omitempty"`
	// sso holds the national single sign-on's federation settings.
	// +optional
	SSO *NationalSSO `json:"sso,omitempty"`
	// monitoring names the national monitoring systems provinces report to.
	// +optional
	Monitoring *NationalMonitoring `json:"monitoring,omitempty"`
	// defaultRelease is the PlatformRelease a province runs when neither its own
	// pin nor a fleet rollout decides.
	// +optional
	DefaultRelease ReleaseName `json:"defaultRelease,omitempty"`
}

// PublicServicePortal is the national public service portal. Since 1 July
// 2025 citizens submit online dossiers there and it forwards them to the
// provinces' one-stop-shop systems (Công văn 623/TTg-KSTT; Nghị định
// 118/2025/NĐ-CP); the systems push every dossier and its progress back.
type PublicServicePortal struct {
	// url is the portal's public address.
	// +required
	URL HTTPSURL `json:"url"`
	// authURL is where a one-stop-shop system authenticates with its
	// credentials; it returns the session the calls below carry.
	// +optional
	AuthURL HTTPSURL `json:"authURL,omitempty"`
	// syncURL is where one-stop-shop systems push dossiers, new or updated
	// (DongBoHoSoMC, with isUpdating).
	// +required
	SyncURL HTTPSURL `json:"syncURL"`
	// progressURL is where one-stop-shop systems push a dossier's progress
	// and status (CapNhatTienDoHoSoMC).
	// +optional
	ProgressURL HTTPSURL `json:"progressURL,omitempty"`
	// catalogueURL is where one-stop-shop systems pull the national
	// procedure catalogue (LayThuTuc).
	// +optional
	CatalogueURL HTTPSURL `json:"catalogueURL,omitempty"`
	// sourceCIDRs are the networks the portal forwards dossiers from: the
	// only sources a one-stop-shop's inbound endpoint admits.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	SourceCIDRs []CIDR `json:"sourceCIDRs,omitempty"`
	// ssoIssuerURL is the OIDC issuer of the national single sign-on (VNeID accounts).
	// +required
	SSOIssuerURL HTTPSURL `json:"ssoIssuerURL"`
}

// DataExchange is the national data exchange platform.
type DataExchange struct {
	// gatewayURL is the API gateway in front of the national databases.
	// +required
	GatewayURL HTTPSURL `json:"gatewayURL"`
	// tokenURL issues OAuth2 client-credentials tokens for the gateway.
	// +required
	TokenURL HTTPSURL `json:"tokenURL"`
	// egressCIDRs are the networks of the gateway and token endpoint: the
	// only addresses a province's integration platform may reach (with
	// DNS). network.nationalEgressCIDRs when unset.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	EgressCIDRs []CIDR `json:"egressCIDRs,omitempty"`
}

// DocumentAxis is the national document exchange axis.
type DocumentAxis struct {
	// url is the axis endpoint edXML packets are sent to and fetched from.
	// +required
	URL HTTPSURL `json:"url"`
}

// Postal is the public postal service's API.
type Postal struct {
	// url is the postal service's API endpoint.
	// +required
	URL HTTPSURL `json:"url"`
	// egressCIDRs are the networks the postal API is reached at.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	EgressCIDRs []CIDR `json:"egressCIDRs,omitempty"`
	// sourceCIDRs are the networks the postal service calls back from: the
	// only sources a one-stop-shop's delivery callback admits.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	SourceCIDRs []CIDR `json:"sourceCIDRs,omitempty"`
}

// Trust holds the national certificate authority and the trusted roots.
type Trust struct {
	// caIssuerRef is the cert-manager ClusterIssuer that signs every provincial SubCA.
	// +required
	// +kubebuilder:validation:XValidation:rule="self.kind == 'ClusterIssuer'",message="caIssuerRef.kind must be ClusterIssuer: the national CA serves every province's namespace",fieldPath=".kind"
	CAIssuerRef IssuerReference `json:"caIssuerRef"`
	// trustedRoots are the root certificates of the specialised CA (Ban Cơ yếu
	// Chính phủ) and of the public CAs; together they form the trust bundle every
	// province mounts. Expired or non-CA certificates are reported and left out.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	TrustedRoots []TrustedRoot `json:"trustedRoots,omitempty"`
	// allowedPublicIssuers are the only issuers a ProvincePortal may name in
	// spec.ingress.issuerRef for the hosts citizens reach (e.g. an ACME
	// ClusterIssuer of a publicly trusted CA); a portal naming another is
	// Stalled with IssuerNotAllowed. The national CA, and any CA issuer signing
	// with its key, stays refused even when listed.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	AllowedPublicIssuers []IssuerReference `json:"allowedPublicIssuers,omitempty"`
	// publicTLS says whether hosts citizens reach need a publicly trusted
	// certificate. Required (the default): in the production environment a
	// ProvincePortal without spec.ingress.issuerRef is Stalled with
	// PublicIssuerRequired, since browsers do not trust the provincial SubCA.
	// Optional: for closed networks whose clients trust the national root.
	// +optional
	// +kubebuilder:default=Required
	PublicTLS PublicTLSPolicy `json:"publicTLS,omitempty"`
}

// PublicTLSPolicy says whether production hosts need a public certificate.
// +kubebuilder:validation:Enum=Required;Optional
type PublicTLSPolicy string

const (
	// PublicTLSRequired makes production hosts carry a publicly trusted certificate.
	PublicTLSRequired PublicTLSPolicy = "Required"
	// PublicTLSOptional lets production hosts use the provincial SubCA, for closed networks.
	PublicTLSOptional PublicTLSPolicy = "Optional"
)

// ProductionEnvironment is the environment citizens use.
const ProductionEnvironment = "production"

// TrustedRoot is one root certificate of the trust bundle.
type TrustedRoot struct {
	// name identifies the root, e.g. specialised-ca or a public CA's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// pem is the PEM-encoded root certificate.
	// +required
	// +kubebuilder:validation:MaxLength=65536
	// +kubebuilder:validation:XValidation:rule="self.contains('-----BEGIN CERTIFICATE-----')",message="pem must hold a PEM-encoded certificate (-----BEGIN CERTIFICATE-----)"
	PEM string `json:"pem"`
}

// NationalNetwork locates the peers the provinces' network policies allow.
type NationalNetwork struct {
	// nationalEgressCIDRs are the networks of the national systems; province
	// workloads may reach them on port 443.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	NationalEgressCIDRs []CIDR `json:"nationalEgressCIDRs,omitempty"`
	// ingressControllerSelector selects the ingress controller's pods, the only
	// ones allowed to reach the portals.
	// +optional
	// +kubebuilder:default={namespaceSelector: {matchLabels: {"kubernetes.io/metadata.name": "ingress-nginx"}}, podSelector: {matchLabels: {"app.kubernetes.io/name": "ingress-nginx"}}}
	IngressControllerSelector *PeerSelector `json:"ingressControllerSelector,omitempty"`
	// dnsSelector selects the cluster DNS pods the workloads may query.
	// +optional
	// +kubebuilder:default={namespaceSelector: {matchLabels: {"kubernetes.io/metadata.name": "kube-system"}}, podSelector: {matchLabels: {"k8s-app": "kube-dns"}}}
	DNSSelector *PeerSelector `json:"dnsSelector,omitempty"`
	// metricsScraperSelector selects the Prometheus pods that scrape the
	// components' metrics where the cluster runs the Prometheus Operator
	// (the operator then adds a ServiceMonitor per component).
	// +optional
	// +kubebuilder:default={namespaceSelector: {matchLabels: {"kubernetes.io/metadata.name": "monitoring"}}, podSelector: {matchLabels: {"app.kubernetes.io/name": "prometheus"}}}
	MetricsScraperSelector *PeerSelector `json:"metricsScraperSelector,omitempty"`
}

// IngressController returns the ingress controller's selector; the API server
// defaults it, and the same default applies to objects built elsewhere.
func (n NationalNetwork) IngressController() PeerSelector {
	if n.IngressControllerSelector != nil {
		return *n.IngressControllerSelector
	}
	return peerSelector("ingress-nginx", "app.kubernetes.io/name", "ingress-nginx")
}

// DNS returns the cluster DNS selector, defaulted like IngressController.
func (n NationalNetwork) DNS() PeerSelector {
	if n.DNSSelector != nil {
		return *n.DNSSelector
	}
	return peerSelector("kube-system", "k8s-app", "kube-dns")
}

// MetricsScraper returns the Prometheus pods' selector, defaulted like IngressController.
func (n NationalNetwork) MetricsScraper() PeerSelector {
	if n.MetricsScraperSelector != nil {
		return *n.MetricsScraperSelector
	}
	return peerSelector("monitoring", "app.kubernetes.io/name", "prometheus")
}

func peerSelector(namespace, podLabel, podValue string) PeerSelector {
	return PeerSelector{
		NamespaceSelector: &LabelSelector{MatchLabels: map[string]LabelValue{"kubernetes.io/metadata.name": LabelValue(namespace)}},
		PodSelector:       &LabelSelector{MatchLabels: map[string]LabelValue{podLabel: LabelValue(podValue)}},
	}
}

// Tenancy says how namespaces are assigned to provinces.
type Tenancy struct {
	// requireNamespaceLabel, when true, serves a ProvincePortal only in a
	// namespace central ops labelled platform.egov.vn/province: "<code>".
	// +optional
	// +kubebuilder:default=true
	RequireNamespaceLabel *bool `json:"requireNamespaceLabel,omitempty"`
}

// FleetSummary counts the provinces of the fleet, from their Provinces.
type FleetSummary struct {
	// total is the number of Provinces.
	Total int32 `json:"total"`
	// ready is the number of them whose every stack is Ready.
	Ready int32 `json:"ready"`
	// degraded is the number of them with a stack not Ready, none Stalled.
	// +optional
	Degraded int32 `json:"degraded,omitempty"`
	// stalled is the number of them with a Stalled stack: a user must act.
	// +optional
	Stalled int32 `json:"stalled,omitempty"`
}

// ReleaseStacks counts the stacks that run a release.
type ReleaseStacks struct {
	// release is the PlatformRelease's name.
	// +kubebuilder:validation:MaxLength=63
	Release string `json:"release"`
	// stacks is how many stacks (a province's environment) run it.
	Stacks int32 `json:"stacks"`
}

// CertificateExpiry reports the fleet's certificates expiring soon.
type CertificateExpiry struct {
	// count is the number of the fleet's certificates expiring within 30 days.
	Count int32 `json:"count"`
	// soonest are the first of them to expire.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=5
	Soonest []ExpiringCertificate `json:"soonest,omitempty"`
}

// TrustedRootStatus reports one trusted root as the operator checked it.
type TrustedRootStatus struct {
	// name of the root in spec.trust.trustedRoots.
	Name string `json:"name"`
	// valid is true when the root is a current CA certificate and is in the bundle.
	Valid bool `json:"valid"`
	// notAfter is when the root expires.
	// +optional
	NotAfter *metav1.Time `json:"notAfter,omitempty"`
	// message says why an invalid root was left out of the bundle.
	// +optional
	Message string `json:"message,omitempty"`
}

// NationalPlatformStatus reports the national issuer, the trust roots and the fleet.
type NationalPlatformStatus struct {
	CommonStatus `json:",inline"`
	// provinces summarises the fleet's Provinces.
	// +optional
	Provinces *FleetSummary `json:"provinces,omitempty"`
	// releases counts, per release, the stacks that run it.
	// +optional
	// +listType=map
	// +listMapKey=release
	// +kubebuilder:validation:MaxItems=64
	Releases []ReleaseStacks `json:"releases,omitempty"`
	// expiringCertificates reports the certificates of every province that
	// expire within 30 days.
	// +optional
	ExpiringCertificates *CertificateExpiry `json:"expiringCertificates,omitempty"`
	// trustedRoots reports each trusted root and whether it is in the bundle.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	TrustedRoots []TrustedRootStatus `json:"trustedRoots,omitempty"`
}

// NationalPlatform describes the national systems, trust roots and CA that
// every province's stack is wired to. There is exactly one, named "national".
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=natp,categories=egov
// +kubebuilder:printcolumn:name="Default Release",type=string,JSONPath=`.spec.defaultRelease`
// +kubebuilder:printcolumn:name="Provinces",type=integer,JSONPath=`.status.provinces.total`
// +kubebuilder:printcolumn:name="Provinces Ready",type=integer,JSONPath=`.status.provinces.ready`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == 'national'",message="there is one NationalPlatform and its metadata.name must be 'national'"
type NationalPlatform struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the national systems.
	// +required
	Spec NationalPlatformSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status NationalPlatformStatus `json:"status,omitempty"`
}

// NationalPlatformList is a list of NationalPlatforms.
// +kubebuilder:object:root=true
type NationalPlatformList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NationalPlatform `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &NationalPlatform{}, &NationalPlatformList{})
}
