package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// FleetRolloutSpec moves provinces to a release wave by wave.
type FleetRolloutSpec struct {
	// release is the PlatformRelease the provinces move to.
	// +required
	Release ReleaseName `json:"release"`
	// waves are rolled out in order; a wave starts when the one before it is healthy.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=34
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.all(b, a.name == b.name || !has(a.provinces) || !has(b.provinces) || !a.provinces.exists(p, p in b.provinces)))",message="a province code may appear in at most one wave"
	Waves []Wave `json:"waves"`
	// progressDeadlineSeconds is how long a wave may take to become healthy
	// before the rollout stops and says so.
	// +optional
	// +kubebuilder:default=1800
	// +kubebuilder:validation:Minimum=60
	// +kubebuilder:validation:Maximum=604800
	ProgressDeadlineSeconds int32 `json:"progressDeadlineSeconds,omitempty"`
	// paused holds the rollout at its current wave.
	// +optional
	Paused bool `json:"paused,omitempty"`
}

// Wave is a group of provinces moved together.
// +kubebuilder:validation:XValidation:rule="has(self.provinces) != has(self.selector)",message="a wave names its provinces either by code (provinces) or by label (selector), exactly one of the two"
type Wave struct {
	// name of the wave, e.g. pilot.
	// +required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="name must be a DNS label, e.g. pilot or wave-2"
	Name string `json:"name"`
	// provinces are the codes of the provinces in this wave.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=34
	Provinces []ProvinceCode `json:"provinces,omitempty"`
	// selector picks the wave's ProvincePortals by their labels.
	// +optional
	Selector *LabelSelector `json:"selector,omitempty"`
	// maxUnavailable is how many of the wave's provinces may be updating at
	// once: a positive number or a percentage.
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:MaxLength=4
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self > 0 : self.matches('^(100|[1-9][0-9]?)%$')",message="maxUnavailable must be a positive integer or a percentage from 1% to 100%"
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
}

// FleetRolloutStatus reports the rollout's progress.
type FleetRolloutStatus struct {
	CommonStatus `json:",inline"`
	// currentWave is the name of the wave being rolled out.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	CurrentWave string `json:"currentWave,omitempty"`
}

// FleetRollout moves provinces to a PlatformRelease in waves, each gated on
// the health of the one before. At most one is active at a time.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=fro,categories=egov
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.spec.release`
// +kubebuilder:printcolumn:name="Wave",type=string,JSONPath=`.status.currentWave`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FleetRollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec names the release and the waves.
	// +required
	Spec FleetRolloutSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status FleetRolloutStatus `json:"status,omitempty"`
}

// FleetRolloutList is a list of FleetRollouts.
// +kubebuilder:object:root=true
type FleetRolloutList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FleetRollout `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &FleetRollout{}, &FleetRolloutList{})
}
