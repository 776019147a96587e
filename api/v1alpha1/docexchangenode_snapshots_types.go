package v1alpha1

// DocumentSnapshots schedules CSI VolumeSnapshots (snapshot.storage.k8s.io/v1)
// of a node's document volumes. Every node runs at security level 3 or
// above, where every tier is redundant, so snapshots are on unless turned
// off, wherever the cluster serves the snapshot API. The operator never
// deletes a node's snapshots with the node: they outlive it, like its
// volumes.
type DocumentSnapshots struct {
	// enabled turns the schedule off when false; true when unset. Without
	// the snapshot API in the cluster nothing is taken either way, and the
	// condition SnapshotsScheduled says why.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// intervalHours is the time between two snapshots of a claim, in hours.
	// +optional
	// +kubebuilder:default=24
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=8760
	IntervalHours int32 `json:"intervalHours,omitempty"`
	// keep is how many snapshots of each claim are kept; the oldest beyond
	// it are deleted.
	// +optional
	// +kubebuilder:default=7
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100
	Keep int32 `json:"keep,omitempty"`
	// volumeSnapshotClassName is the VolumeSnapshotClass the snapshots use;
	// the cluster's default class when unset.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	VolumeSnapshotClassName *string `json:"volumeSnapshotClassName,omitempty"`
}

// ConditionSnapshotsScheduled is True when the node's document volumes are
// snapshotted on schedule; False says why they are not (the snapshot API is
// absent, the schedule is off, no claim is bound yet, or the latest
// snapshot failed). It does not hold Ready back: snapshots are a safeguard,
// not part of serving.
const ConditionSnapshotsScheduled = "SnapshotsScheduled"

const (
	// ReasonSnapshotAPIAbsent means the cluster does not serve
	// snapshot.storage.k8s.io/v1 VolumeSnapshots, so none are taken.
	ReasonSnapshotAPIAbsent = "SnapshotAPIAbsent"
	// ReasonSnapshotsDisabled means spec.snapshots.enabled is false.
	ReasonSnapshotsDisabled = "SnapshotsDisabled"
	// ReasonSnapshotFailed means the snapshot controller reports an error on
	// the latest snapshot of a claim: the ready ones are kept meanwhile.
	ReasonSnapshotFailed = "SnapshotFailed"
)
