package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Labels the operator sets on every Province; central ops may add their own.
const (
	// CodeLabel on a Province holds its code, for selectors.
	CodeLabel = "platform.egov.vn/code"
	// RegionLabel on a Province holds its region: north, central or south.
	RegionLabel = "platform.egov.vn/region"
)

// ProvinceSpec identifies a province and the names it may use. The operator
// writes code and displayName; only central ops have RBAC on Provinces, so
// no province's administrator can widen its own domains.
type ProvinceSpec struct {
	// code is the province's two-digit code (QĐ 19/2025/QĐ-TTg). It cannot change.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="code is immutable"
	Code ProvinceCode `json:"code"`
	// displayName is the official name, e.g. Tỉnh Hà Tĩnh.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	DisplayName string `json:"displayName"`
	// domains are the province's own domains: its portals' hosts, and the
	// names its certificates and SubCA carry, must be one of them or under
	// one. The operator fills them from its province table when the list is
	// empty and never changes them after; central ops may add or remove
	// domains, and the province's portals and one-stop-shops follow.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	Domains []DNSName `json:"domains,omitempty"`
}

// EnvironmentStatus reports one of the province's stacks: the ProvincePortal
// of an environment and the OneStopShop and DocExchangeNodes beside it.
type EnvironmentStatus struct {
	// environment the stack serves, e.g. production.
	// +kubebuilder:validation:MaxLength=63
	Environment string `json:"environment"`
	// namespace the stack runs in.
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
	// release is the PlatformRelease the portal runs.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Release string `json:"release,omitempty"`
	// ready is true when every object of the stack is Ready.
	Ready bool `json:"ready"`
	// reason is the Ready reason of the first object that is not Ready, or Ready.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason,omitempty"`
	// message names the first object that is not Ready and says why.
	// +optional
	// +kubebuilder:validation:MaxLength=32768
	Message string `json:"message,omitempty"`
	// stalled is true when some object of the stack is Stalled: a user must act.
	// +optional
	Stalled bool `json:"stalled,omitempty"`
	// readySince is when the last of the stack's objects became Ready.
	// +optional
	ReadySince *metav1.Time `json:"readySince,omitempty"`
}

// ExpiringCertificate is one certificate of a province and when it expires.
type ExpiringCertificate struct {
	// name of the cert-manager Certificate.
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// namespace of the Certificate.
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
	// notAfter is when the certificate expires.
	NotAfter metav1.Time `json:"notAfter"`
}

// ProvinceReport is the province's report: its stacks and certificates.
type ProvinceReport struct {
	// conditions: Ready (every stack is Ready) and Degraded (some stack is not).
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// observedGeneration is the generation of the spec the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// environments reports each of the province's stacks.
	// +optional
	// +listType=map
	// +listMapKey=environment
	// +kubebuilder:validation:MaxItems=16
	Environments []EnvironmentStatus `json:"environments,omitempty"`
	// release is the release of the production stack, or of the first
	// environment when there is none, for kubectl get provinces.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Release string `json:"release,omitempty"`
	// certificates are the province's certificates that expire soonest.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=5
	Certificates []ExpiringCertificate `json:"certificates,omitempty"`
}

// Province is one of the 34 provincial-level units: the fleet's inventory.
// The operator creates one per province code, named by the code, and never
// deletes it. Its status reports the province's stacks.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=prov,categories=egov
// +kubebuilder:printcolumn:name="Province",type=string,JSONPath=`.spec.displayName`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.metadata.labels.platform\.egov\.vn/region`
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.status.release`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="self.metadata.name == self.spec.code",message="a Province is named by its code"
type Province struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec identifies the province.
	// +required
	Spec ProvinceSpec `json:"spec"`
	// status reports the province's stacks.
	// +optional
	Status ProvinceReport `json:"status,omitempty"`
}

// ProvinceList is a list of Provinces.
// +kubebuilder:object:root=true
type ProvinceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Province `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &Province{}, &ProvinceList{})
}

// ConditionDegraded is True on a Province when some object of its stacks is not Ready.
const ConditionDegraded = "Degraded"

// Reasons of a Province's conditions.
const (
	// ReasonNoStacks means no ProvincePortal serves the province yet.
	ReasonNoStacks = "NoStacks"
	// ReasonStacksNotReady means some object of the province's stacks is not Ready yet.
	ReasonStacksNotReady = "StacksNotReady"
	// ReasonStacksStalled means some object of the province's stacks is Stalled: a user must act.
	ReasonStacksStalled = "StacksStalled"
)
