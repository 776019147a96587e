package v1alpha1

// Document axis versions and levels a DocExchangeNode connects to.
const (
	// AxisV1 is the axis reached at an endpoint with a systemId and secret.
	AxisV1 = "v1"
	// AxisV2 is the axis reached through an X-Road security server.
	AxisV2 = "v2"
	// AxisNational is the national document axis of the Government Office.
	AxisNational = "national"
	// AxisProvincial is the province's own axis, which hops to the national
	// one (QĐ 28/2018/QĐ-TTg).
	AxisProvincial = "provincial"
)

// DocumentAxisConnection says which document axis a node exchanges documents
// on, and how it reaches it.
// +kubebuilder:validation:XValidation:rule="self.version != 'v2' || has(self.xroad)",message="axis.xroad is required when axis.version is v2: the security server and the node's memberClass, memberCode and subsystemCode",fieldPath=".xroad"
// +kubebuilder:validation:XValidation:rule="self.version != 'v1' || !has(self.xroad)",message="axis.xroad is only for axis.version v2: a v1 node uses axis.endpoint and axis.credentialsSecretRef",fieldPath=".xroad"
// +kubebuilder:validation:XValidation:rule="self.version != 'v2' || !has(self.endpoint)",message="axis.endpoint is only for axis.version v1: a v2 node reaches the axis through axis.xroad.securityServer",fieldPath=".endpoint"
// +kubebuilder:validation:XValidation:rule="self.version != 'v2' || !has(self.credentialsSecretRef)",message="axis.credentialsSecretRef is only for axis.version v1: X-Road authenticates the node's security server by its certificates",fieldPath=".credentialsSecretRef"
// +kubebuilder:validation:XValidation:rule="self.version != 'v2' || !has(self.egressCIDRs)",message="axis.egressCIDRs is only for axis.version v1: a v2 node reaches only its security server (axis.xroad.securityServer.egressCIDRs)",fieldPath=".egressCIDRs"
// +kubebuilder:validation:XValidation:rule="self.version != 'v1' || self.level != 'provincial' || has(self.endpoint)",message="axis.endpoint is required for a v1 node on the provincial axis: the NationalPlatform only names the national axis",fieldPath=".endpoint"
// +kubebuilder:validation:XValidation:rule="self.version != 'v1' || self.level != 'provincial' || has(self.egressCIDRs)",message="axis.egressCIDRs is required for a v1 node on the provincial axis: the network policy lets the node reach only the addresses of its axis",fieldPath=".egressCIDRs"
type DocumentAxisConnection struct {
	// version of the axis protocol: v1 (an endpoint, a systemId and a
	// secret) or v2 (an X-Road client of a security server).
	// +optional
	// +kubebuilder:default=v1
	// +kubebuilder:validation:MaxLength=2
	// +kubebuilder:validation:XValidation:rule="self in ['v1', 'v2']",message="axis.version must be v1 or v2"
	Version string `json:"version,omitempty"`
	// level is the axis the node is a member of: national (the Government
	// Office's axis) or provincial (the province's axis, which hops to the
	// national one under QĐ 28/2018/QĐ-TTg).
	// +optional
	// +kubebuilder:default=national
	// +kubebuilder:validation:MaxLength=10
	// +kubebuilder:validation:XValidation:rule="self in ['national', 'provincial']",message="axis.level must be national or provincial"
	Level string `json:"level,omitempty"`
	// endpoint is the v1 axis's URL. On the national axis it defaults to the
	// NationalPlatform's documentAxis.url; on the provincial axis it is
	// required.
	// +optional
	Endpoint HTTPSURL `json:"endpoint,omitempty"`
	// credentialsSecretRef names a Secret holding the keys systemID and
	// secretKey, the node's v1 credentials at the axis. It is mounted, never
	// copied.
	// +optional
	CredentialsSecretRef *LocalObjectReference `json:"credentialsSecretRef,omitempty"`
	// egressCIDRs are the addresses of a v1 provincial axis, the only ones
	// the node may reach. On the national axis the NationalPlatform's
	// nationalEgressCIDRs apply.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	EgressCIDRs []PeerCIDR `json:"egressCIDRs,omitempty"`
	// xroad identifies the node on a v2 axis, an X-Road network.
	// +optional
	XRoad *XRoadClient `json:"xroad,omitempty"`
}

// XRoadClient identifies a node as an X-Road client subsystem and names the
// security server it sends through. The identifiers follow the X-Road
// message protocol (PR-MESS: member class, member code, subsystem code). That
// the Government Office's axis v2 SDK is an X-Road client is not confirmed by
// published documentation: its published samples (SDKVXP) authenticate with
// a systemId and secret, the v1 model. docs/document-axis.md says so.
//
// The security server's authentication
// and signing keys and certificates belong to the security server, not to
// the node: they are enrolled there with the X-Road central server and
// never pass through the operator.
type XRoadClient struct {
	// securityServer is the province's X-Road security server the node calls.
	// +required
	SecurityServer XRoadSecurityServer `json:"securityServer"`
	// memberClass is the X-Road member class of the node's organisation,
	// e.g. GOV.
	// +required
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9_-]+$')",message="axis.xroad.memberClass must be letters, digits, '_' or '-', e.g. GOV"
	MemberClass string `json:"memberClass"`
	// memberCode is the X-Road member code of the node's organisation.
	// +required
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9._-]+$')",message="axis.xroad.memberCode must be letters, digits, '.', '_' or '-'"
	MemberCode string `json:"memberCode"`
	// subsystemCode is the X-Road subsystem the node sends and receives as.
	// +required
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9._-]+$')",message="axis.xroad.subsystemCode must be letters, digits, '.', '_' or '-'"
	SubsystemCode string `json:"subsystemCode"`
}

// XRoadSecurityServer is where a node reaches its X-Road security server.
type XRoadSecurityServer struct {
	// url of the security server's client interface, e.g.
	// https://ss.hatinh.gov.vn. The node presents its SubCA-issued
	// certificate there (mTLS).
	// +required
	URL HTTPSURL `json:"url"`
	// egressCIDRs are the security server's addresses, the only ones a v2
	// node may reach.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=8
	EgressCIDRs []PeerCIDR `json:"egressCIDRs"`
}

// AxisCredentials is the Secret holding the node's v1 axis credentials:
// axis.credentialsSecretRef, or the deprecated axisCredentialsSecretRef.
func (s *DocExchangeNodeSpec) AxisCredentials() *LocalObjectReference {
	if s.Axis.CredentialsSecretRef != nil {
		return s.Axis.CredentialsSecretRef
	}
	return s.AxisCredentialsSecretRef
}
