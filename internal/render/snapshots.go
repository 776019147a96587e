package render

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// RoleEdxmlSnapshot labels the VolumeSnapshots of a node's document claims.
const RoleEdxmlSnapshot = "edxml-snapshot"

// VolumeSnapshotGVK is the CSI snapshot API's VolumeSnapshot. It is built
// as unstructured: the API is optional in a cluster, and the few fields the
// operator writes do not justify the external-snapshotter client module.
var VolumeSnapshotGVK = schema.GroupVersionKind{Group: "snapshot.storage.k8s.io", Version: "v1", Kind: "VolumeSnapshot"}

// SnapshotTakenAtAnnotation records, in RFC 3339, when the operator took a
// snapshot by its own clock: the schedule runs on that clock alone.
const SnapshotTakenAtAnnotation = "platform.egov.vn/taken-at"

// snapshotTimeFormat stamps a snapshot's name with its UTC time; it sorts
// as the times do and stays a DNS label.
const snapshotTimeFormat = "20060102-150405"

// DocumentSnapshot returns the VolumeSnapshot of a node's document claim
// taken at the given time, named <claim>-<UTC time>. It has no owner
// reference: deleting the node must not delete the snapshots of its
// documents.
func DocumentSnapshot(o Owner, claim string, class *string, at time.Time) *unstructured.Unstructured {
	spec := map[string]any{"source": map[string]any{"persistentVolumeClaimName": claim}}
	if class != nil {
		spec["volumeSnapshotClassName"] = *class
	}
	s := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	s.SetGroupVersionKind(VolumeSnapshotGVK)
	s.SetName(claim + "-" + at.UTC().Format(snapshotTimeFormat))
	s.SetNamespace(o.Object.GetNamespace())
	s.SetLabels(o.Labels(RoleEdxmlSnapshot))
	s.SetAnnotations(map[string]string{SnapshotTakenAtAnnotation: at.UTC().Format(time.RFC3339)})
	return s
}

// SnapshotTakenAt returns when the operator took a snapshot; zero when it
// does not say, so such a snapshot counts as the oldest.
func SnapshotTakenAt(s *unstructured.Unstructured) time.Time {
	at, _ := time.Parse(time.RFC3339, s.GetAnnotations()[SnapshotTakenAtAnnotation])
	return at
}

// SnapshotSource returns the claim a VolumeSnapshot was taken of.
func SnapshotSource(s *unstructured.Unstructured) string {
	claim, _, _ := unstructured.NestedString(s.Object, "spec", "source", "persistentVolumeClaimName")
	return claim
}
