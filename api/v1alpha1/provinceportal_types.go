package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ProvincePortalSpec declares a province's portal and the certificates and
// national wiring the rest of its stack shares.
// +kubebuilder:validation:XValidation:rule="!has(self.replicas) || self.securityLevel < 3 || self.replicas >= 2",message="replicas must be at least 2 at securityLevel 3 or above (redundancy is required from level 3)",fieldPath=".replicas"
type ProvincePortalSpec struct {
	// province identifies the province this stack serves.
	// +required
	Province ProvinceRef `json:"province"`
	// environment is the stack's purpose: production, staging, training…
	// A province runs each environment in a namespace of its own.
	// +optional
	// +kubebuilder:default=production
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="environment must be a DNS label, e.g. production, staging or training"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="environment is immutable: create the new environment's stack in a namespace of its own"
	Environment string `json:"environment,omitempty"`
	// organId is the agency identifier of the provincial people's committee,
	// e.g. 000.00.00.H26. The client certificates of the portal and the
	// one-stop-shop identify the agency by it: the subject's serialNumber
	// (2.5.4.5, where relying parties look for it) and OU hold the organId,
	// the CN is the People's Committee's name (e.g. Ủy ban nhân dân tỉnh Hà
	// Tĩnh) and O the province's official name. The organId is never the CN,
	// so OpenSSL does not read it as a host name.
	// +required
	OrganID OrganID `json:"organId"`
	// domain is the portal's host name, e.g. dichvucong.hanoi.gov.vn. It must
	// be one of the province's own domains (hanoi.gov.vn for 01) or under
	// one; otherwise the portal is Stalled (DomainNotAssigned) and nothing is
	// issued or served. The provincial SubCA may only issue for the
	// province's domains and their subdomains.
	// +required
	Domain DNSName `json:"domain"`
	// securityLevel is the portal's approved information-system security
	// level, 3 or 4 (Nghị định 85/2016/NĐ-CP); the one-stop-shop and exchange
	// nodes default to it. From level 3 the portal runs redundantly across
	// nodes.
	// +optional
	// +kubebuilder:default=3
	SecurityLevel SecurityLevel `json:"securityLevel,omitempty"`
	// release pins the PlatformRelease this province runs; without it the fleet
	// rollout or the national default release decides.
	// +optional
	Release ReleaseName `json:"release,omitempty"`
	// replicas of the portal; defaults by security level: 1 at levels 1–2,
	// 2 at level 3, 3 at levels 4–5.
	// +optional
	Replicas *Replicas `json:"replicas,omitempty"`
	// resources of the portal container; sensible defaults when unset.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
	// ingress exposes the portal.
	// +optional
	Ingress *PortalIngress `json:"ingress,omitempty"`
	// sso configures login through the national single sign-on (OIDC).
	// +optional
	SSO *SSO `json:"sso,omitempty"`
	// nationalCredentialsSecretRef names a Secret holding the keys clientID and
	// clientSecret, the province's credentials for the national data exchange
	// platform. It is mounted, never copied.
	// +optional
	NationalCredentialsSecretRef *LocalObjectReference `json:"nationalCredentialsSecretRef,omitempty"`
	// monitoring connects the portal to national monitoring.
	// +optional
	Monitoring *PortalMonitoring `json:"monitoring,omitempty"`
}

// ProvinceRef identifies a province.
type ProvinceRef struct {
	// code is the province's two-digit code (QĐ 19/2025/QĐ-TTg), e.g. 01 for Hà Nội.
	// It cannot change.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="province.code is immutable: create a new ProvincePortal for another province"
	Code ProvinceCode `json:"code"`
}

// PortalIngress exposes the portal through an ingress controller.
type PortalIngress struct {
	// className is the IngressClass to use; the cluster default when unset.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	ClassName string `json:"className,omitempty"`
	// issuerRef names a public issuer (e.g. an ACME ClusterIssuer) for the
	// portal's TLS certificate, and the one-stop-shop's on a host of its own;
	// the provincial SubCA issues them when unset. The national CA (and any
	// CA ClusterIssuer backed by its key) is refused: the portal is Stalled
	// with IssuerNotAllowed.
	// +optional
	IssuerRef *IssuerReference `json:"issuerRef,omitempty"`
}

// SSO configures the national single sign-on client.
type SSO struct {
	// clientID is the portal's OIDC client ID at the national SSO.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	ClientID string `json:"clientID"`
	// clientSecretRef names a Secret holding the key clientSecret.
	// +optional
	ClientSecretRef *LocalObjectReference `json:"clientSecretRef,omitempty"`
}

// Monitoring connects a system to national monitoring.
type Monitoring struct {
	// emcSiteID is the numeric site ID EMC assigned to the system: the
	// portal embeds it in the tracking script, the one-stop-shop sends it
	// with every dossier event.
	// +optional
	EMCSiteID EMCSiteID `json:"emcSiteID,omitempty"`
}

// PortalMonitoring connects the portal to national monitoring and says
// where the province's security telemetry goes.
type PortalMonitoring struct {
	Monitoring `json:",inline"`
	// soc is the province's own security operations centre; its collector
	// exports there instead of to NationalPlatform spec.monitoring.soc.
	// +optional
	SOC *ProvinceSOC `json:"soc,omitempty"`
}

// ProvinceSOC is a province's own security operations centre.
type ProvinceSOC struct {
	TelemetryEndpoint `json:",inline"`
	// caRef names a ConfigMap in the portal's namespace whose key ca.crt
	// holds the CA that signed the SOC's server certificate; the collector
	// mounts it. Without it the collector trusts the province's trust bundle.
	// +optional
	CARef *LocalObjectReference `json:"caRef,omitempty"`
}

// CertificateStatus reports one certificate of the stack.
type CertificateStatus struct {
	// name of the cert-manager Certificate.
	Name string `json:"name"`
	// ready is true when the certificate is issued and current.
	Ready bool `json:"ready"`
	// notAfter is when the certificate expires.
	// +optional
	NotAfter *metav1.Time `json:"notAfter,omitempty"`
}

// ProvincePortalStatus reports the province's portal.
type ProvincePortalStatus struct {
	CommonStatus   `json:",inline"`
	ProvinceStatus `json:",inline"`
	// provinceName is the official name of the province.
	// +optional
	ProvinceName string `json:"provinceName,omitempty"`
	// url is where citizens reach the portal.
	// +optional
	URL string `json:"url,omitempty"`
	// certificates reports the stack's certificates.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=16
	Certificates []CertificateStatus `json:"certificates,omitempty"`
}

// ProvincePortal is the root of a province's stack: its information portal
// (Cổng thông tin điện tử), its provincial SubCA, certificates and trust
// bundle, its national interconnect and the namespace's network policies.
// Since 1 July 2025 citizens submit online dossiers on the national public
// service portal, not on a provincial one (Công văn 623/TTg-KSTT; Nghị định
// 118/2025/NĐ-CP): the portal informs, the OneStopShop receives. One per
// namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=pp,categories=egov
// +kubebuilder:printcolumn:name="Province",type=string,JSONPath=`.status.province`
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=`.status.provinceName`,priority=1
// +kubebuilder:printcolumn:name="Env",type=string,JSONPath=`.spec.environment`
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.status.release`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 40",message="metadata.name must be at most 40 characters: the names of its children (<name>-<role>) must fit Kubernetes' 63-character labels"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be lowercase letters, digits and '-', starting with a letter: it begins the names of Services"
// +kubebuilder:validation:XValidation:rule="!self.metadata.name.endsWith('-motcua')",message="metadata.name must not end in -motcua: a one-stop-shop's children are named <name>-motcua-<role>, and the portal's <name>-client would collide with them"
type ProvincePortal struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the province's portal.
	// +required
	Spec ProvincePortalSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status ProvincePortalStatus `json:"status,omitempty"`
}

// ProvincePortalList is a list of ProvincePortals.
// +kubebuilder:object:root=true
type ProvincePortalList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProvincePortal `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &ProvincePortal{}, &ProvincePortalList{})
}
