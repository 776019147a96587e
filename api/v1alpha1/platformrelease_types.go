package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Component names the operator deploys from a release.
const (
	// ComponentPortal is the provincial portal and public-service portal.
	ComponentPortal = "portal"
	// ComponentOneStopShop is the one-stop-shop information system.
	ComponentOneStopShop = "oneStopShop"
	// ComponentDocExchange is the edXML document exchange node.
	ComponentDocExchange = "docExchange"
	// ComponentCollector is the OpenTelemetry Collector that ships a
	// province's logs and traces to its SOC.
	ComponentCollector = "collector"
)

// The condition and reason of a release's conformity.
const (
	// ConditionConformant is True when every component of a PlatformRelease
	// declares the regulations and meets the criteria its role requires, and
	// no declaration has expired.
	ConditionConformant = "Conformant"
	// ReasonReleaseNotConformant means a PlatformRelease lacks a required
	// regulation or criterion, or holds an expired declaration: the message names the
	// component. A stack whose release it is applies nothing.
	ReasonReleaseNotConformant = "ReleaseNotConformant"
)

// PlatformReleaseSpec is an immutable bundle of component images.
// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="a PlatformRelease is immutable: publish a new release with a new name instead"
type PlatformReleaseSpec struct {
	// version of the platform, e.g. 2026.11.0.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Version string `json:"version"`
	// components are the images the release is made of, one per component name.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=32
	Components []Component `json:"components"`
}

// Component is one image of a release.
type Component struct {
	// name of the component: portal, oneStopShop, docExchange, or another the
	// platform adds.
	// +required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z][a-zA-Z0-9]*$')",message="name must be a lowerCamelCase word such as portal, oneStopShop or docExchange"
	Name string `json:"name"`
	// image is the component's container image, pinned by digest
	// (registry/repository@sha256:<64 hex digits>).
	// +required
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches('^[^@[:space:]]+@sha256:[a-f0-9]{64}$')",message="image must be pinned by digest: <repository>@sha256:<64 lowercase hex digits>"
	Image string `json:"image"`
	// version is the vendor's version of the component.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Version string `json:"version"`
	// vendor supplies and supports the component.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Vendor string `json:"vendor"`
	// conformity is what the vendor states about the component against the
	// national rules for its role: the technical regulations it is declared
	// conformant to, and the functional criteria it meets.
	// +required
	Conformity Conformity `json:"conformity"`
}

// Conformity keeps apart two things Vietnamese law keeps apart: a declaration
// of conformity (công bố hợp quy), which exists only for national technical
// regulations (QCVN, e.g. QCVN 102:2016/BTTTT for edXML) and is published
// with an identifier and a validity, and functional criteria a system meets
// (e.g. TT 22/2019/TT-BTTTT for public-service portals and one-stop-shop
// systems), which are compliance, not declared.
// +kubebuilder:validation:XValidation:rule="has(self.regulations) || has(self.criteria)",message="conformity must name the regulations declared or the criteria met"
// +kubebuilder:validation:XValidation:rule="has(self.regulations) == has(self.declarationID) && has(self.regulations) == has(self.validUntil)",message="regulations, declarationID and validUntil go together: a declaration of conformity names its regulations, its published identifier and its last valid day"
type Conformity struct {
	// regulations are the national technical regulations (QCVN) the component
	// is declared conformant to, e.g. QCVN 102:2016/BTTTT.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=128
	Regulations []string `json:"regulations,omitempty"`
	// declarationID identifies the published declaration of conformity to
	// the regulations.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	DeclarationID string `json:"declarationID,omitempty"`
	// validUntil is the last day the declaration is valid (YYYY-MM-DD).
	// +optional
	// +kubebuilder:validation:Format=date
	// +kubebuilder:validation:MaxLength=10
	ValidUntil string `json:"validUntil,omitempty"`
	// criteria are the functional criteria and standards the component meets,
	// e.g. TT 22/2019/TT-BTTTT or TCVN 11930:2017.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=128
	Criteria []string `json:"criteria,omitempty"`
}

// PlatformReleaseStatus reports the checks made on a release and who runs it.
type PlatformReleaseStatus struct {
	CommonStatus `json:",inline"`
	// provinces are the stacks that run the release.
	// +optional
	Provinces *ReleaseUsage `json:"provinces,omitempty"`
}

// ReleaseUsage counts the stacks that report a release as theirs.
type ReleaseUsage struct {
	// stacks is how many stacks (the ProvincePortal, OneStopShop and
	// DocExchangeNodes of one namespace: a province in one environment) have
	// an object that reports the release in its status.release.
	// +required
	Stacks int32 `json:"stacks"`
	// codes are the codes of their provinces, sorted, each once.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=34
	// +kubebuilder:validation:items:MaxLength=2
	Codes []string `json:"codes,omitempty"`
}

// PlatformRelease is an immutable, conformity-checked bundle of the component
// images provinces run, named like egov-2026.11.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=prel,categories=egov
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.spec.version`
// +kubebuilder:printcolumn:name="Conformant",type=string,JSONPath=`.status.conditions[?(@.type=="Conformant")].status`
// +kubebuilder:printcolumn:name="Stacks",type=integer,JSONPath=`.status.provinces.stacks`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type PlatformRelease struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec lists the release's components; it cannot change once created.
	// +required
	Spec PlatformReleaseSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status PlatformReleaseStatus `json:"status,omitempty"`
}

// PlatformReleaseList is a list of PlatformReleases.
// +kubebuilder:object:root=true
type PlatformReleaseList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PlatformRelease `json:"items"`
}

// StatusCommon gives the operator's shared status code access to every kind.
func (r *PlatformRelease) StatusCommon() *CommonStatus { return &r.Status.CommonStatus }

func init() {
	knownTypes = append(knownTypes, &PlatformRelease{}, &PlatformReleaseList{})
}
