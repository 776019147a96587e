package controllers

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	testclock "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

func TestAnOptionalAPIIsFoundByTheRESTMapper(t *testing.T) {
	mapper := meta.NewDefaultRESTMapper(nil)
	if present, err := servesKind(mapper, render.VolumeSnapshotGVK); present || err != nil {
		t.Fatalf("without VolumeSnapshot: present %v, err %v", present, err)
	}
	mapper.Add(render.VolumeSnapshotGVK, meta.RESTScopeNamespace)
	if present, err := servesKind(mapper, render.VolumeSnapshotGVK); !present || err != nil {
		t.Fatalf("with VolumeSnapshot: present %v, err %v", present, err)
	}
}

func TestWithoutTheSnapshotAPITheNodeSaysSnapshotsAreOff(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "68"))
	d := docExchangeNode(t, p)
	eventually(t, "SnapshotsScheduled False with SnapshotAPIAbsent", func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(d), d); err != nil {
			return err
		}
		if c := condOf(d, platformv1alpha1.ConditionSnapshotsScheduled); c == nil || c.Status != metav1.ConditionFalse ||
			c.Reason != platformv1alpha1.ReasonSnapshotAPIAbsent {
			return fmt.Errorf("SnapshotsScheduled %+v", c)
		}
		return nil
	})
}

// snapshotSchedule runs a node's snapshot phase at times of a fake clock
// against the API server, with one bound and one pending document claim.
type snapshotSchedule struct {
	t       *testing.T
	node    *platformv1alpha1.DocExchangeNode
	portal  *platformv1alpha1.ProvincePortal
	start   time.Time
	clock   *testclock.FakePassiveClock
	nodeRec *DocExchangeNodeReconciler
}

func newSnapshotSchedule(t *testing.T, keep int32) *snapshotSchedule {
	installSnapshotAPI(t)
	ns := fmt.Sprint("snapshots-", time.Now().UnixNano()%100000)
	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	node := &platformv1alpha1.DocExchangeNode{
		ObjectMeta: metav1.ObjectMeta{Name: "archive", Namespace: ns},
		Spec:       platformv1alpha1.DocExchangeNodeSpec{Snapshots: platformv1alpha1.DocumentSnapshots{IntervalHours: 24, Keep: keep}},
	}
	documentClaim(t, node, "documents-archive-edxml-node-0", corev1.ClaimBound)
	documentClaim(t, node, "documents-archive-edxml-node-1", corev1.ClaimPending)
	start := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
	clk := testclock.NewFakePassiveClock(start)
	return &snapshotSchedule{t: t, node: node, start: start, clock: clk,
		portal: &platformv1alpha1.ProvincePortal{Spec: platformv1alpha1.ProvincePortalSpec{
			Province: platformv1alpha1.ProvinceRef{Code: "68"}, Environment: "production"}},
		nodeRec: &DocExchangeNodeReconciler{deps: deps{Client: k8s, APIReader: k8s, Clock: clk}, snapshotAPI: true}}
}

// expect runs the phase at start+at and checks the snapshots left, when the
// next is due (unless dueAt is 0) and the condition's reason.
func (s *snapshotSchedule) expect(at, dueAt time.Duration, reason string, snapshots ...string) *metav1.Condition {
	t := s.t
	t.Helper()
	s.clock.SetTime(s.start.Add(at))
	scope := &nodeScope{node: s.node, portal: portalInputs{portal: s.portal}}
	if err := s.nodeRec.reconcileSnapshots(context.Background(), scope); err != nil {
		t.Fatal(err)
	}
	if got := snapshotNames(t, s.node.Namespace); !slices.Equal(got, snapshots) {
		t.Errorf("at +%v: snapshots %v, want %v", at, got, snapshots)
	}
	if want := s.start.Add(dueAt); dueAt > 0 && !scope.snapshotsDueAt.Equal(want) {
		t.Errorf("at +%v: next due at %v, want %v", at, scope.snapshotsDueAt, want)
	}
	c := condOf(s.node, platformv1alpha1.ConditionSnapshotsScheduled)
	if c == nil || c.Reason != reason {
		t.Errorf("at +%v: SnapshotsScheduled %+v, want reason %s", at, c, reason)
	}
	return c
}

// report sets a snapshot's status as the snapshot controller would.
func (s *snapshotSchedule) report(name string, status map[string]any) {
	s.t.Helper()
	snapshot := &unstructured.Unstructured{}
	snapshot.SetGroupVersionKind(render.VolumeSnapshotGVK)
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: s.node.Namespace, Name: name}, snapshot); err != nil {
		s.t.Fatal(err)
	}
	snapshot.Object["status"] = status
	if err := k8s.Status().Update(context.Background(), snapshot); err != nil {
		s.t.Fatal(err)
	}
}

// snapshotOfDay names the bound claim's snapshot taken day days after the start.
func snapshotOfDay(day int) string {
	return fmt.Sprintf("documents-archive-edxml-node-0-202611%02d-010000", 25+day)
}

func TestBoundClaimsAreSnapshottedOnScheduleAndTheOldestPruned(t *testing.T) {
	s := newSnapshotSchedule(t, 2)
	day := 24 * time.Hour
	first, second, third := snapshotOfDay(0), snapshotOfDay(1), snapshotOfDay(2)

	s.expect(0, day, platformv1alpha1.ReasonReady, first)
	s.expect(day-time.Minute, day, platformv1alpha1.ReasonReady, first)
	s.expect(day, 2*day, platformv1alpha1.ReasonReady, first, second)
	s.expect(2*day, 3*day, platformv1alpha1.ReasonReady, second, third)

	s.node.Spec.Snapshots.Enabled = ptr.To(false)
	s.expect(5*day, 0, platformv1alpha1.ReasonSnapshotsDisabled, second, third)
}

// When the snapshot controller starts failing, the ready snapshots are kept
// however many failed ones follow, the failures are bounded too, and the
// condition says which failed and why.
func TestAFailingSnapshotControllerNeverCostsAReadySnapshot(t *testing.T) {
	s := newSnapshotSchedule(t, 2)
	day := 24 * time.Hour
	ready := map[string]any{"readyToUse": true}
	failed := map[string]any{"readyToUse": false, "error": map[string]any{"message": "the CSI driver refused the snapshot"}}

	s.expect(0, day, platformv1alpha1.ReasonReady, snapshotOfDay(0))
	s.report(snapshotOfDay(0), ready)
	s.expect(day, 2*day, platformv1alpha1.ReasonReady, snapshotOfDay(0), snapshotOfDay(1))
	s.report(snapshotOfDay(1), ready)
	s.expect(2*day, 3*day, platformv1alpha1.ReasonReady, snapshotOfDay(0), snapshotOfDay(1), snapshotOfDay(2))
	s.report(snapshotOfDay(2), failed)
	s.expect(3*day, 4*day, platformv1alpha1.ReasonSnapshotFailed, snapshotOfDay(0), snapshotOfDay(1), snapshotOfDay(2), snapshotOfDay(3))
	s.report(snapshotOfDay(3), failed)
	s.expect(4*day, 5*day, platformv1alpha1.ReasonSnapshotFailed, snapshotOfDay(0), snapshotOfDay(1), snapshotOfDay(3), snapshotOfDay(4))
	s.report(snapshotOfDay(4), failed)
	c := s.expect(5*day, 6*day, platformv1alpha1.ReasonSnapshotFailed, snapshotOfDay(0), snapshotOfDay(1), snapshotOfDay(4), snapshotOfDay(5))
	if !strings.Contains(c.Message, snapshotOfDay(4)+": the CSI driver refused the snapshot") {
		t.Errorf("the condition does not say which snapshot failed and why: %s", c.Message)
	}
}

// installSnapshotAPI installs a minimal VolumeSnapshot CRD, as a cluster's
// CSI snapshot controller would, and waits until it is served. The manager
// looked for the API when it started, so its own reconciles still go
// without.
func installSnapshotAPI(t *testing.T) {
	t.Helper()
	installOptionalAPI(t, "testdata/volumesnapshot-crd.yaml", render.VolumeSnapshotGVK)
}

// installOptionalAPI installs the CRD of file and waits until its kind is served.
func installOptionalAPI(t *testing.T, file string, gvk schema.GroupVersionKind) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	crd := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &crd.Object); err != nil {
		t.Fatal(err)
	}
	create(t, crd)
	eventually(t, gvk.Kind+"s served", func() error {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		return k8s.List(context.Background(), list, client.InNamespace("default"))
	})
}

func listSnapshots(namespace string) ([]unstructured.Unstructured, error) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(render.VolumeSnapshotGVK.GroupVersion().WithKind("VolumeSnapshotList"))
	err := k8s.List(context.Background(), list, client.InNamespace(namespace))
	return list.Items, err
}

// snapshotNames lists the names of a namespace's VolumeSnapshots, in order.
func snapshotNames(t *testing.T, namespace string) []string {
	t.Helper()
	items, err := listSnapshots(namespace)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range items {
		names = append(names, s.GetName())
	}
	slices.Sort(names)
	return names
}

// documentClaim creates a document claim of the node, labelled as the
// StatefulSet's template labels it, in the given phase.
func documentClaim(t *testing.T, node *platformv1alpha1.DocExchangeNode, name string, phase corev1.PersistentVolumeClaimPhase) {
	t.Helper()
	claim := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: node.Namespace, Labels: map[string]string{
			render.LabelInstance: node.Name, render.LabelName: render.RoleEdxmlNode, render.LabelManagedBy: render.ManagedBy}},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	create(t, claim)
	claim.Status.Phase = phase
	if err := k8s.Status().Update(context.Background(), claim); err != nil {
		t.Fatal(err)
	}
}
