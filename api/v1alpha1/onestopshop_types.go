package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Levels of government a one-stop-shop system serves. The district level was
// abolished on 1 July 2025 (Nghị quyết 203/2025/QH15, Luật 72/2025/QH15).
const (
	// LevelProvince serves the provincial level.
	LevelProvince = "Province"
	// LevelCommune serves the commune level.
	LevelCommune = "Commune"
)

// OneStopShopSpec declares a province's one-stop-shop information system.
type OneStopShopSpec struct {
	// portalRef names the ProvincePortal of this namespace whose certificates,
	// trust bundle and national wiring the system uses.
	// +required
	PortalRef LocalObjectReference `json:"portalRef"`
	// domain gives the system a host of its own, with its own certificate;
	// without it the system is served at /motcua under the portal's domain.
	// Either host must be one of the province's own domains or under one,
	// whoever signs the certificate; otherwise the system is Stalled
	// (DomainNotAssigned) and not served.
	// +optional
	Domain DNSName `json:"domain,omitempty"`
	// database is the relational database holding the dossiers.
	// +required
	Database Database `json:"database"`
	// levels of government served: Province, Commune or both.
	// +optional
	// +kubebuilder:default={Province,Commune}
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=2
	// +kubebuilder:validation:items:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="!self.exists(l, l == 'District')",message="levels: the district level was abolished on 1 July 2025; dossiers are served at Province or Commune level"
	// +kubebuilder:validation:XValidation:rule="self.all(l, l in ['Province', 'Commune', 'District'])",message="levels may only contain Province and Commune"
	Levels []string `json:"levels,omitempty"`
	// units are the receiving desks of the province and its communes, each
	// identified at the national public service portal by its code (madonvi).
	// +optional
	// +listType=map
	// +listMapKey=code
	// +kubebuilder:validation:MaxItems=512
	Units []ReceivingUnit `json:"units,omitempty"`
	// nationalSync synchronises dossiers with the national public service portal.
	// +optional
	// +kubebuilder:default={}
	NationalSync NationalSync `json:"nationalSync,omitempty"`
	// postalDelivery connects the system to the public postal service
	// (VNPost): dossiers collected by post and results delivered home.
	// +optional
	PostalDelivery *PostalDelivery `json:"postalDelivery,omitempty"`
	// securityLevel is the one-stop-shop system's own approved security
	// level, 3 or 4; the portal's when unset. Its web/API replicas default by it.
	// +optional
	SecurityLevel *SecurityLevel `json:"securityLevel,omitempty"`
	// sso registers the system with the identity providers citizens and
	// officials log in through.
	// +optional
	SSO *SystemSSO `json:"sso,omitempty"`
	// monitoring reports the system's dossier events to national monitoring (EMC).
	// +optional
	Monitoring *Monitoring `json:"monitoring,omitempty"`
	// replicas of the web/API deployment; defaults by the security level.
	// +optional
	Replicas *Replicas `json:"replicas,omitempty"`
	// resources of the web/API container; sensible defaults when unset.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}

// DefaultDatabasePort is the database port when spec.database.port is unset: PostgreSQL's.
const DefaultDatabasePort = 5432

// Database locates the system's relational database.
type Database struct {
	// secretRef names the Secret key holding the database connection string;
	// it is passed by reference, never copied.
	// +required
	SecretRef SecretKeyReference `json:"secretRef"`
	// port the database listens on (TCP); the network policies let the
	// system reach the database on this port only.
	// +optional
	// +kubebuilder:default=5432
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port int32 `json:"port,omitempty"`
	// network says where the database is, so network policies let the system reach it.
	// +optional
	Network *DatabaseNetwork `json:"network,omitempty"`
}

// EffectivePort is spec.database.port; the API server defaults it, and the
// same default applies to objects built elsewhere.
func (d Database) EffectivePort() int32 {
	if d.Port == 0 {
		return DefaultDatabasePort
	}
	return d.Port
}

// DatabaseNetwork locates a database for network policies.
type DatabaseNetwork struct {
	// cidrs of the database servers, each no wider than /16 (IPv4) or /48
	// (IPv6). A database sits in a subnet of its own: a /16 (65,536
	// addresses) is already a whole site's private range and a /48 an IPv6
	// site allocation, so a wider network would open the system's egress to
	// far more than its database: a block of the specialised network, or
	// with /0 the internet.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	CIDRs []PeerCIDR `json:"cidrs,omitempty"`
	// namespaceSelector selects the namespaces of in-cluster database pods by
	// label: matchLabels, or a matchExpressions entry with operator In. An
	// empty selector, or one of NotIn, Exists and DoesNotExist only, would
	// select (nearly) every namespace of the cluster.
	// +optional
	// +kubebuilder:validation:XValidation:rule="(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && self.matchExpressions.exists(e, e.operator == 'In'))",message="namespaceSelector must name the database's namespaces by label (matchLabels, or a matchExpressions entry with operator In); an empty selector matches every namespace"
	NamespaceSelector *LabelSelector `json:"namespaceSelector,omitempty"`
}

// NationalSync configures dossier synchronisation with the national portal.
type NationalSync struct {
	// enabled turns synchronisation on.
	// +optional
	// +kubebuilder:default=true
	Enabled *bool `json:"enabled,omitempty"`
	// interval between synchronisation runs, at least 1m.
	// +optional
	// +kubebuilder:default="5m"
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') && duration(self) >= duration('1m')",message="interval must be a duration of at least 1m, e.g. 5m or 1h"
	Interval string `json:"interval,omitempty"`
	// inbound serves the endpoint the national portal forwards online
	// dossiers to; without it the system only pushes and pulls.
	// +optional
	Inbound *InboundDossiers `json:"inbound,omitempty"`
}

// PostalDelivery configures the public-administration postal service
// (VNPost, QĐ 45/2016/QĐ-TTg), both ways: dossiers collected from citizens
// by post (receipt channel 3) and results delivered to their homes.
// +kubebuilder:validation:XValidation:rule="!self.enabled || has(self.credentialsSecretRef)",message="postalDelivery.enabled requires credentialsSecretRef (a Secret with customerCode and apiKey)",fieldPath=".credentialsSecretRef"
type PostalDelivery struct {
	// enabled turns the postal service on.
	// +required
	Enabled bool `json:"enabled"`
	// credentialsSecretRef names a Secret holding the keys customerCode and apiKey.
	// +optional
	CredentialsSecretRef *LocalObjectReference `json:"credentialsSecretRef,omitempty"`
	// collection accepts dossiers the postal service collects from citizens
	// (receipt channel 3) besides delivering results.
	// +optional
	// +kubebuilder:default=true
	Collection *bool `json:"collection,omitempty"`
	// callback serves the endpoint the postal service calls when it has
	// delivered a result, so the dossier becomes status 10, result returned.
	// +optional
	Callback *PostalCallback `json:"callback,omitempty"`
	// fees says who pays what the postal service charges and collects.
	// +optional
	Fees *PostalFees `json:"fees,omitempty"`
}

// PostalCallback is the endpoint the postal service reports deliveries to.
// It is served by pods of its own, which alone hold the credentials the
// postal service presents.
type PostalCallback struct {
	// path of the endpoint on the system's host, e.g. /motcua/api/vnpost;
	// without it the endpoint is served at api/vnpost under the system's own
	// path. The Ingress admits only the postal service's networks
	// (NationalPlatform spec.postal.sourceCIDRs).
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.matches('^(/[-._~A-Za-z0-9]+)+$')",message="postalDelivery.callback.path must be an absolute path of one or more segments, e.g. /motcua/api/vnpost"
	Path string `json:"path,omitempty"`
	// credentialsSecretRef names a Secret holding the keys clientID and
	// clientSecret: what the postal service presents when it calls back.
	// +required
	CredentialsSecretRef LocalObjectReference `json:"credentialsSecretRef"`
}

// Who pays the postage.
const (
	// PostagePayerCitizen: the citizen pays the postage.
	PostagePayerCitizen = "Citizen"
	// PostagePayerAgency: the receiving agency pays the postage.
	PostagePayerAgency = "Agency"
)

// PostalFees says who pays the postage and whether the postal service
// collects the procedure's fees and charges on the agency's behalf.
type PostalFees struct {
	// postagePayer is who pays the postage: Citizen or Agency.
	// +optional
	// +kubebuilder:default=Citizen
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self in ['Citizen', 'Agency']",message="postalDelivery.fees.postagePayer must be Citizen or Agency"
	PostagePayer string `json:"postagePayer,omitempty"`
	// collectProcedureFees lets the postal service collect the procedure's
	// fees and charges from the citizen on the agency's behalf.
	// +optional
	CollectProcedureFees bool `json:"collectProcedureFees,omitempty"`
}

// OneStopShopStatus reports the one-stop-shop system.
type OneStopShopStatus struct {
	CommonStatus   `json:",inline"`
	ProvinceStatus `json:",inline"`
	// url is where officials reach the system.
	// +optional
	URL string `json:"url,omitempty"`
}

// OneStopShop is a province's one-stop-shop information system (một cửa điện
// tử): it receives, processes and returns dossiers, synchronises them with the
// national public service portal and hands results to VNPost. At most one per
// namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=oss,categories=egov
// +kubebuilder:printcolumn:name="Province",type=string,JSONPath=`.status.province`
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.status.release`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 40",message="metadata.name must be at most 40 characters: the names of its children (<name>-<role>) must fit Kubernetes' 63-character labels"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be lowercase letters, digits and '-', starting with a letter: it begins the names of Services"
type OneStopShop struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the system.
	// +required
	Spec OneStopShopSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status OneStopShopStatus `json:"status,omitempty"`
}

// OneStopShopList is a list of OneStopShops.
// +kubebuilder:object:root=true
type OneStopShopList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []OneStopShop `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &OneStopShop{}, &OneStopShopList{})
}
