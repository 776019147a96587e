package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ComponentIntegration is the release component an IntegrationPlatform runs:
// the data integration platform's gateway.
const ComponentIntegration = "integration"

// National databases a connector reaches through the national data exchange
// platform. internal/ndxp holds each one's service code and scope.
const (
	// ServicePopulation is the national population database (message
	// structure of QCVN 109:2017/BTTTT).
	ServicePopulation = "population"
	// ServiceBusinessRegistration is the national business registration database.
	ServiceBusinessRegistration = "businessRegistration"
	// ServiceCivilStatus is the electronic civil status database.
	ServiceCivilStatus = "civilStatus"
	// ServiceJudicialRecords is the judicial records database.
	ServiceJudicialRecords = "judicialRecords"
	// ServiceSocialInsurance is the national social insurance database.
	ServiceSocialInsurance = "socialInsurance"
	// ServiceLand is the national land database.
	ServiceLand = "land"
)

// NationalServices are the national databases a connector may name, in the
// order admission lists them.
var NationalServices = []string{
	ServicePopulation, ServiceBusinessRegistration, ServiceCivilStatus,
	ServiceJudicialRecords, ServiceSocialInsurance, ServiceLand,
}

// Systems of the province's stack a connector may let through the gateway.
const (
	// SystemPortal is the namespace's ProvincePortal.
	SystemPortal = "portal"
	// SystemOneStopShop is the namespace's OneStopShop.
	SystemOneStopShop = "oneStopShop"
	// SystemDocExchange is the namespace's DocExchangeNodes.
	SystemDocExchange = "docExchange"
)

// IntegrationPlatformSpec declares a province's data integration platform
// (LGSP): the one gateway through which its systems reach the national
// databases over the national data exchange platform (NDXP).
// +kubebuilder:validation:XValidation:rule="has(self.audit) == has(oldSelf.audit)",message="spec.audit cannot be added to or removed from a platform: the gateway would move between a Deployment and a StatefulSet with retained claims, and the province's systems would lose it meanwhile. Create a new IntegrationPlatform instead"
type IntegrationPlatformSpec struct {
	// portalRef names the ProvincePortal of this namespace whose SubCA
	// issues the gateway's client certificate and whose release it runs.
	// +required
	PortalRef LocalObjectReference `json:"portalRef"`
	// connectors say which national database each system of the province
	// may query through the gateway; a system not listed reaches none.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=12
	Connectors []Connector `json:"connectors"`
	// ndxpCredentialsSecretRef names a Secret holding the keys clientID and
	// clientSecret, the province's OAuth2 client credentials at the national
	// data exchange platform. Only the gateway mounts them.
	// +required
	NDXPCredentialsSecretRef LocalObjectReference `json:"ndxpCredentialsSecretRef"`
	// audit keeps the gateway's record of who asked which national database
	// what, on retained storage.
	// +optional
	Audit *IntegrationAudit `json:"audit,omitempty"`
	// replicas of the gateway; defaults by the portal's security level.
	// +optional
	Replicas *Replicas `json:"replicas,omitempty"`
	// resources of the gateway container; sensible defaults when unset.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`
}

// Connector lets some of the province's systems query one national database.
type Connector struct {
	// name of the connector, unique in the platform.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="name must be lowercase letters, digits and '-', starting with a letter"
	Name string `json:"name"`
	// service is the national database: population, businessRegistration,
	// civilStatus, judicialRecords, socialInsurance or land.
	// +required
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self in ['population', 'businessRegistration', 'civilStatus', 'judicialRecords', 'socialInsurance', 'land']",message="service must be one of population, businessRegistration, civilStatus, judicialRecords, socialInsurance, land"
	Service string `json:"service"`
	// systems may call the connector.
	// +required
	// +listType=atomic
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=4
	Systems []ConnectorSystem `json:"systems"`
}

// ConnectorSystem is one of the province's systems: a system of the stack
// by name, or the pods a label selector picks in the namespace (the
// province's own systems).
// +kubebuilder:validation:XValidation:rule="has(self.name) != has(self.selector)",message="set exactly one of name and selector"
type ConnectorSystem struct {
	// name of a system of the stack: portal, oneStopShop or docExchange.
	// +optional
	// +kubebuilder:validation:MaxLength=16
	// +kubebuilder:validation:XValidation:rule="self in ['portal', 'oneStopShop', 'docExchange']",message="name must be portal, oneStopShop or docExchange"
	Name string `json:"name,omitempty"`
	// selector picks the pods of one of the province's own systems in this namespace.
	// +optional
	Selector *LabelSelector `json:"selector,omitempty"`
}

// IntegrationAudit configures the gateway's audit log.
type IntegrationAudit struct {
	// retentionDays the gateway keeps each record.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=3650
	RetentionDays int32 `json:"retentionDays"`
}

// IntegrationPlatformStatus reports the platform.
type IntegrationPlatformStatus struct {
	CommonStatus   `json:",inline"`
	ProvinceStatus `json:",inline"`
	// gatewayURL is where the province's systems reach the gateway, set once
	// the gateway first served: from then on, until the platform is deleted,
	// the portal and the one-stop-shop reach NDXP only through it.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	GatewayURL string `json:"gatewayURL,omitempty"`
	// claims are the PersistentVolumeClaims holding the audit log.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	Claims []string `json:"claims,omitempty"`
}

// IntegrationPlatform is a province's data integration platform (LGSP): the
// audited gateway through which its systems reach the national databases.
// At most one serves a namespace; while it exists, the portal and the
// one-stop-shop reach national data only through it.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=lgsp,categories=egov
// +kubebuilder:printcolumn:name="Province",type=string,JSONPath=`.status.province`
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.status.release`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 40",message="metadata.name must be at most 40 characters: the names of its children (<name>-<role>) must fit Kubernetes' 63-character labels"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be lowercase letters, digits and '-', starting with a letter: it begins the names of Services"
type IntegrationPlatform struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the platform.
	// +required
	Spec IntegrationPlatformSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status IntegrationPlatformStatus `json:"status,omitempty"`
}

// IntegrationPlatformList is a list of IntegrationPlatforms.
// +kubebuilder:object:root=true
type IntegrationPlatformList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []IntegrationPlatform `json:"items"`
}

// StackStatus is what an object of a province's stack reports.
func (i *IntegrationPlatform) StackStatus() ProvinceStatus { return i.Status.ProvinceStatus }

// StatusCommon gives the operator's shared status code access to every kind.
func (i *IntegrationPlatform) StatusCommon() *CommonStatus { return &i.Status.CommonStatus }

func init() {
	knownTypes = append(knownTypes, &IntegrationPlatform{}, &IntegrationPlatformList{})
}
