package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Failure policies of a FleetRollout.
const (
	// FailurePolicyHalt stops the rollout at the failed wave.
	FailurePolicyHalt = "Halt"
	// FailurePolicyRollback sends the failed wave's provinces back to the
	// release they ran before, then stops the rollout.
	FailurePolicyRollback = "Rollback"
)

// FleetRolloutSpec moves the stacks of one environment to a release, wave by wave.
type FleetRolloutSpec struct {
	// release is the PlatformRelease the provinces move to.
	// +required
	Release ReleaseName `json:"release"`
	// environment is the environment whose stacks move; staging first is a
	// rollout of its own.
	// +optional
	// +kubebuilder:default=production
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="environment must be a DNS label, e.g. production, staging or training"
	Environment string `json:"environment,omitempty"`
	// waves are rolled out in order; a wave starts when the one before it is done.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=34
	// +kubebuilder:validation:XValidation:rule="self.all(a, self.all(b, a.name == b.name || !has(a.provinces) || !has(b.provinces) || !a.provinces.exists(p, p in b.provinces)))",message="a province code may appear in at most one wave"
	Waves []Wave `json:"waves"`
	// progressDeadlineSeconds is how long a province may take, from the
	// moment it is assigned the release, to be done before its wave fails.
	// +optional
	// +kubebuilder:default=1800
	// +kubebuilder:validation:Minimum=60
	// +kubebuilder:validation:Maximum=604800
	ProgressDeadlineSeconds int32 `json:"progressDeadlineSeconds,omitempty"`
	// soakSeconds is how long a province must have been Ready on the release
	// before it counts as done; 0 counts it done as soon as it is Ready.
	// +optional
	// +kubebuilder:default=300
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=604800
	SoakSeconds *int32 `json:"soakSeconds,omitempty"`
	// paused holds the rollout where it is: no province starts.
	// +optional
	Paused bool `json:"paused,omitempty"`
	// failurePolicy says what happens when a province misses its deadline:
	// Halt stops the rollout at its wave; Rollback also sends the wave's
	// provinces back to the release they ran before.
	// +optional
	// +kubebuilder:default=Halt
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self in ['Halt', 'Rollback']",message="failurePolicy must be Halt or Rollback"
	FailurePolicy string `json:"failurePolicy,omitempty"`
	// windows are the times at which new provinces may start (public services
	// run in office hours; rollouts run at night and at weekends). A province
	// already moving finishes outside them. Without windows, any time will do.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	Windows []MaintenanceWindow `json:"windows,omitempty"`
	// timeZone is the IANA time zone the windows are read in.
	// +optional
	// +kubebuilder:default=Asia/Ho_Chi_Minh
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z][-+_/A-Za-z0-9]*$')",message="timeZone must be an IANA time zone name, e.g. Asia/Ho_Chi_Minh or UTC"
	TimeZone string `json:"timeZone,omitempty"`
}

// MaintenanceWindow is a time of day, on some days of the week, at which
// provinces may start moving. A window whose end is before its start runs
// past midnight into the next day.
// +kubebuilder:validation:XValidation:rule="self.start != self.end",message="a window's start and end must differ"
type MaintenanceWindow struct {
	// days of the week the window opens on: Mon, Tue, Wed, Thu, Fri, Sat, Sun.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=7
	// +kubebuilder:validation:items:MaxLength=9
	// +kubebuilder:validation:XValidation:rule="self.all(d, d in ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])",message="days must be among Mon, Tue, Wed, Thu, Fri, Sat and Sun"
	Days []string `json:"days"`
	// start is the time of day the window opens, HH:MM (24-hour).
	// +required
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",message="start must be a time of day HH:MM from 00:00 to 23:59, e.g. 22:00"
	Start string `json:"start"`
	// end is the time of day the window closes, HH:MM (24-hour); before
	// start, the window closes the next day.
	// +required
	// +kubebuilder:validation:MaxLength=5
	// +kubebuilder:validation:XValidation:rule="self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",message="end must be a time of day HH:MM from 00:00 to 23:59, e.g. 05:00"
	End string `json:"end"`
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
	// selector picks the wave's provinces by the labels of their Province
	// objects. A province an earlier wave already holds stays in that wave.
	// +optional
	Selector *LabelSelector `json:"selector,omitempty"`
	// maxUnavailable is how many of the wave's provinces may be moving or not
	// Ready at once: a positive number, or a percentage of the wave (rounded
	// down, at least 1).
	// +optional
	// +kubebuilder:default=1
	// +kubebuilder:validation:XIntOrString
	// +kubebuilder:validation:MaxLength=4
	// +kubebuilder:validation:XValidation:rule="type(self) == int ? self > 0 : self.matches('^(100|[1-9][0-9]?)%$')",message="maxUnavailable must be a positive integer or a percentage from 1% to 100%"
	MaxUnavailable *intstr.IntOrString `json:"maxUnavailable,omitempty"`
}

// RolloutState is where a province or a wave stands in a rollout.
type RolloutState string

// Rollout states of a province or a wave.
const (
	// RolloutPending waits for its turn.
	RolloutPending RolloutState = "pending"
	// RolloutWaitingWindow may start, but not outside the maintenance windows.
	RolloutWaitingWindow RolloutState = "waiting-window"
	// RolloutProgressing is assigned the release and moves to it.
	RolloutProgressing RolloutState = "progressing"
	// RolloutSoaking runs the release, Ready, for less than soakSeconds.
	RolloutSoaking RolloutState = "soaking"
	// RolloutDone runs the release and has soaked.
	RolloutDone RolloutState = "done"
	// RolloutFailed missed its progress deadline.
	RolloutFailed RolloutState = "failed"
	// RolloutSkipped is not moved: a pin holds the province, or it has no stack.
	RolloutSkipped RolloutState = "skipped"
)

// WaveStatus reports one wave.
type WaveStatus struct {
	// name of the wave.
	// +required
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// state of the wave.
	// +required
	// +kubebuilder:validation:MaxLength=16
	State RolloutState `json:"state"`
	// startedAt is when the wave's first province was assigned the release.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// finishedAt is when the wave was done or failed.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
	// provinces reports each province the wave holds.
	// +optional
	// +listType=map
	// +listMapKey=code
	// +kubebuilder:validation:MaxItems=34
	Provinces []ProvinceRolloutStatus `json:"provinces,omitempty"`
}

// ProvinceRolloutStatus reports one province of a wave.
type ProvinceRolloutStatus struct {
	// code of the province.
	// +required
	// +kubebuilder:validation:MaxLength=2
	Code string `json:"code"`
	// state of the province.
	// +required
	// +kubebuilder:validation:MaxLength=16
	State RolloutState `json:"state"`
	// reason says why the province is in its state, e.g. which stack it waits for.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Reason string `json:"reason,omitempty"`
	// startedAt is when the province was assigned the release.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// finishedAt is when the province was done or failed.
	// +optional
	FinishedAt *metav1.Time `json:"finishedAt,omitempty"`
}

// RolloutCounts counts provinces by state.
type RolloutCounts struct {
	// total provinces the waves hold.
	Total int32 `json:"total"`
	// pending provinces, waiting for their turn or for a window.
	Pending int32 `json:"pending"`
	// progressing provinces, moving or soaking.
	Progressing int32 `json:"progressing"`
	// done provinces.
	Done int32 `json:"done"`
	// failed provinces.
	Failed int32 `json:"failed"`
	// skipped provinces.
	Skipped int32 `json:"skipped"`
}

// FleetRolloutStatus reports the rollout's progress.
type FleetRolloutStatus struct {
	CommonStatus `json:",inline"`
	// currentWave is the name of the wave being rolled out.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	CurrentWave string `json:"currentWave,omitempty"`
	// waves reports each wave, in order.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=34
	Waves []WaveStatus `json:"waves,omitempty"`
	// counts of the provinces by state.
	// +optional
	Counts RolloutCounts `json:"counts,omitempty"`
}

// StatusCommon gives the operator's shared status code access to every kind.
func (r *FleetRollout) StatusCommon() *CommonStatus { return &r.Status.CommonStatus }

// FleetRollout moves the stacks of one environment to a PlatformRelease in
// waves, each gated on the health of its provinces. At most one is active
// per environment.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=fro,categories=egov
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.spec.release`
// +kubebuilder:printcolumn:name="Env",type=string,JSONPath=`.spec.environment`
// +kubebuilder:printcolumn:name="Wave",type=string,JSONPath=`.status.currentWave`
// +kubebuilder:printcolumn:name="Done",type=integer,JSONPath=`.status.counts.done`
// +kubebuilder:printcolumn:name="Total",type=integer,JSONPath=`.status.counts.total`
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
