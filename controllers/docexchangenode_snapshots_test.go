package controllers

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	testclock "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

func TestTheSnapshotAPIIsFoundByTheRESTMapper(t *testing.T) {
	mapper := meta.NewDefaultRESTMapper(nil)
	if present, err := snapshotAPIPresent(mapper); present || err != nil {
		t.Fatalf("without VolumeSnapshot: present %v, err %v", present, err)
	}
	mapper.Add(render.VolumeSnapshotGVK, meta.RESTScopeNamespace)
	if present, err := snapshotAPIPresent(mapper); !present || err != nil {
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

func TestBoundClaimsAreSnapshottedOnScheduleAndTheOldestPruned(t *testing.T) {
	ctx := context.Background()
	installSnapshotAPI(t)
	ns := fmt.Sprint("snapshots-", time.Now().UnixNano()%100000)
	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	node := &platformv1alpha1.DocExchangeNode{
		ObjectMeta: metav1.ObjectMeta{Name: "archive", Namespace: ns},
		Spec:       platformv1alpha1.DocExchangeNodeSpec{Snapshots: platformv1alpha1.DocumentSnapshots{IntervalHours: 24, Keep: 2}},
	}
	portal := &platformv1alpha1.ProvincePortal{Spec: platformv1alpha1.ProvincePortalSpec{
		Province: platformv1alpha1.ProvinceRef{Code: "68"}, Environment: "production"}}
	documentClaim(t, node, "documents-archive-edxml-node-0", corev1.ClaimBound)
	documentClaim(t, node, "documents-archive-edxml-node-1", corev1.ClaimPending)

	start := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
	clk := testclock.NewFakePassiveClock(start)
	r := &DocExchangeNodeReconciler{deps: deps{Client: k8s, APIReader: k8s, Clock: clk}, snapshotAPI: true}
	expect := func(at time.Duration, dueAt time.Duration, reason string, snapshots ...string) {
		t.Helper()
		clk.SetTime(start.Add(at))
		s := &nodeScope{node: node, portal: portalInputs{portal: portal}}
		if err := r.reconcileSnapshots(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got := snapshotNames(t, ns); !slices.Equal(got, snapshots) {
			t.Errorf("at +%v: snapshots %v, want %v", at, got, snapshots)
		}
		if want := start.Add(dueAt); dueAt > 0 && !s.snapshotsDueAt.Equal(want) {
			t.Errorf("at +%v: next due at %v, want %v", at, s.snapshotsDueAt, want)
		}
		if c := condOf(node, platformv1alpha1.ConditionSnapshotsScheduled); c == nil || c.Reason != reason {
			t.Errorf("at +%v: SnapshotsScheduled %+v, want reason %s", at, c, reason)
		}
	}
	day := 24 * time.Hour
	first, second, third := "documents-archive-edxml-node-0-20261125-010000", "documents-archive-edxml-node-0-20261126-010000", "documents-archive-edxml-node-0-20261127-010000"

	expect(0, day, platformv1alpha1.ReasonReady, first)
	expect(day-time.Minute, day, platformv1alpha1.ReasonReady, first)
	expect(day, 2*day, platformv1alpha1.ReasonReady, first, second)
	expect(2*day, 3*day, platformv1alpha1.ReasonReady, second, third)

	node.Spec.Snapshots.Enabled = ptr.To(false)
	expect(5*day, 0, platformv1alpha1.ReasonSnapshotsDisabled, second, third)
}

// installSnapshotAPI installs a minimal VolumeSnapshot CRD, as a cluster's
// CSI snapshot controller would, and waits until it is served. The manager
// looked for the API when it started, so its own reconciles still go
// without.
func installSnapshotAPI(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile("testdata/volumesnapshot-crd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	crd := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &crd.Object); err != nil {
		t.Fatal(err)
	}
	create(t, crd)
	eventually(t, "VolumeSnapshots served", func() error {
		_, err := listSnapshots("default")
		return err
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
