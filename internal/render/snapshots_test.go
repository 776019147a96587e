package render

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestDocumentSnapshotIsNamedByItsClaimAndUTCTimeAndOwnedByNoOne(t *testing.T) {
	node := &platformv1alpha1.DocExchangeNode{ObjectMeta: metav1.ObjectMeta{Name: "hanoi", Namespace: "egov-01", UID: "u1"}}
	o := Owner{Object: node, Kind: "DocExchangeNode", Province: "01", Environment: "production"}
	at := time.Date(2026, 11, 25, 7, 30, 5, 0, time.FixedZone("ICT", 7*3600))

	s := DocumentSnapshot(o, "documents-hanoi-edxml-node-0", ptr.To("csi-snapclass"), at)

	if got, want := s.GetName(), "documents-hanoi-edxml-node-0-20261125-003005"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	if s.GetNamespace() != "egov-01" {
		t.Errorf("namespace %q", s.GetNamespace())
	}
	if refs := s.GetOwnerReferences(); len(refs) != 0 {
		t.Errorf("owner references %v: deleting the node would delete its snapshots", refs)
	}
	for key, want := range map[string]string{LabelManagedBy: ManagedBy, LabelInstance: "hanoi", LabelName: RoleEdxmlSnapshot} {
		if got := s.GetLabels()[key]; got != want {
			t.Errorf("label %s = %q, want %q", key, got, want)
		}
	}
	if got := SnapshotSource(s); got != "documents-hanoi-edxml-node-0" {
		t.Errorf("source %q", got)
	}
	if got := SnapshotTakenAt(s); !got.Equal(at) {
		t.Errorf("taken at %v, want %v", got, at)
	}
	if got := s.Object["spec"].(map[string]any)["volumeSnapshotClassName"]; got != "csi-snapclass" {
		t.Errorf("class %v", got)
	}
	if _, set := DocumentSnapshot(o, "c", nil, at).Object["spec"].(map[string]any)["volumeSnapshotClassName"]; set {
		t.Error("a class is set where none was asked: the cluster default must apply")
	}
}
