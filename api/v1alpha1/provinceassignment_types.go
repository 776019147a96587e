package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ProvinceAssignmentSpec is the release a rollout assigned to the stack of
// one province in one environment.
type ProvinceAssignmentSpec struct {
	// province is the code of the province whose stack runs the release.
	// +required
	Province ProvinceCode `json:"province"`
	// environment of the stack.
	// +required
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="environment must be a DNS label, e.g. production, staging or training"
	Environment string `json:"environment"`
	// release the stack runs, unless its ProvincePortal pins another.
	// +required
	Release ReleaseName `json:"release"`
	// previousRelease is the release the stack ran before; a rollback
	// returns to it. Empty when the stack followed the national default.
	// +optional
	PreviousRelease ReleaseName `json:"previousRelease,omitempty"`
	// rollout is the name of the FleetRollout that wrote the assignment.
	// +required
	// +kubebuilder:validation:MaxLength=253
	Rollout string `json:"rollout"`
	// wave is the name of the rollout's wave the province was moved in.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Wave string `json:"wave"`
}

// ProvinceAssignment records the release a FleetRollout assigned to the
// stack of one province and environment; it is named <code>-<environment>
// and only the rollout controller writes it. It outlives its rollout:
// deleting a rollout never rolls the fleet back, and a later rollout
// overwrites it.
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=pas,categories=egov
// +kubebuilder:validation:XValidation:rule="self.metadata.name == self.spec.province + '-' + self.spec.environment",message="a ProvinceAssignment's metadata.name must be <province>-<environment> of its spec, e.g. 42-production"
// +kubebuilder:printcolumn:name="Province",type=string,JSONPath=`.spec.province`
// +kubebuilder:printcolumn:name="Env",type=string,JSONPath=`.spec.environment`
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.spec.release`
// +kubebuilder:printcolumn:name="Previous",type=string,JSONPath=`.spec.previousRelease`
// +kubebuilder:printcolumn:name="Rollout",type=string,JSONPath=`.spec.rollout`
// +kubebuilder:printcolumn:name="Wave",type=string,JSONPath=`.spec.wave`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ProvinceAssignment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec names the release assigned to the stack.
	// +required
	Spec ProvinceAssignmentSpec `json:"spec"`
}

// ProvinceAssignmentName is the name of the assignment of a province's
// stack in an environment.
func ProvinceAssignmentName(code, environment string) string {
	return code + "-" + environment
}

// ProvinceAssignmentList is a list of ProvinceAssignments.
// +kubebuilder:object:root=true
type ProvinceAssignmentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProvinceAssignment `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &ProvinceAssignment{}, &ProvinceAssignmentList{})
}
