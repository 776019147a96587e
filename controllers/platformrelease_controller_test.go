package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

const otherDigest = "1e6d4f6ce3fb8e4acd2e2b3b5d9d5cac1e9b2f9f4d8b2c6cac4f0a7b2d3e4f50"

// waitRelease waits until the release's status satisfies check for its
// current generation, and returns the live release.
func waitRelease(t *testing.T, name string, check func(*platformv1alpha1.PlatformRelease) error) *platformv1alpha1.PlatformRelease {
	t.Helper()
	rel := &platformv1alpha1.PlatformRelease{}
	eventually(t, "PlatformRelease "+name, func() error {
		if err := k8s.Get(context.Background(), types.NamespacedName{Name: name}, rel); err != nil {
			return err
		}
		if rel.Status.ObservedGeneration != rel.Generation {
			return fmt.Errorf("observedGeneration %d of %d", rel.Status.ObservedGeneration, rel.Generation)
		}
		return check(rel)
	})
	return rel
}

// conformant checks the Conformant condition and that Ready follows it.
func conformant(want metav1.ConditionStatus, messageParts ...string) func(*platformv1alpha1.PlatformRelease) error {
	return func(rel *platformv1alpha1.PlatformRelease) error {
		c := meta.FindStatusCondition(rel.Status.Conditions, platformv1alpha1.ConditionConformant)
		ready := meta.FindStatusCondition(rel.Status.Conditions, platformv1alpha1.ConditionReady)
		if c == nil || c.Status != want || ready == nil || ready.Status != want {
			return fmt.Errorf("conditions %+v", rel.Status.Conditions)
		}
		for _, part := range messageParts {
			if !strings.Contains(c.Message, part) {
				return fmt.Errorf("Conformant message %q lacks %q", c.Message, part)
			}
		}
		return nil
	}
}

func TestReleaseConformityIsReported(t *testing.T) {
	good := platformRelease("egov-conformity-good", otherDigest)
	undeclared := platformRelease("egov-conformity-undeclared", otherDigest)
	undeclared.Spec.Components[2].Conformity.Regulations = []string{"QCVN 109:2017/BTTTT"}
	expired := platformRelease("egov-conformity-expired", otherDigest)
	expired.Spec.Components[2].Conformity.ValidUntil = "2020-01-01"
	for _, rel := range []*platformv1alpha1.PlatformRelease{good, undeclared, expired} {
		create(t, rel)
	}
	waitRelease(t, good.Name, conformant(metav1.ConditionTrue))
	waitRelease(t, undeclared.Name, conformant(metav1.ConditionFalse, "component docExchange does not declare conformity to QCVN 102:2016/BTTTT"))
	rel := waitRelease(t, expired.Name, conformant(metav1.ConditionFalse, "component docExchange declaration CB-1 expired after 2020-01-01"))
	if stalled := meta.FindStatusCondition(rel.Status.Conditions, platformv1alpha1.ConditionStalled); stalled == nil ||
		stalled.Reason != platformv1alpha1.ReasonReleaseNotConformant {
		t.Errorf("a non-conformant release is not Stalled with %s: %+v", platformv1alpha1.ReasonReleaseNotConformant, rel.Status.Conditions)
	}
}

// Time alone turns a release non-conformant: the reconcile asks to come
// back when the first declaration expires, and then says so.
func TestReleaseTurnsNonConformantWhenADeclarationExpires(t *testing.T) {
	rel := platformRelease("egov-expiring", otherDigest)
	rel.Spec.Components[2].Conformity.ValidUntil = "2026-12-31"
	c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(rel).WithStatusSubresource(rel).Build()
	ictMidnight := time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*60*60))
	clock := clocktesting.NewFakeClock(ictMidnight.Add(-48 * time.Hour))
	r := &PlatformReleaseReconciler{deps: deps{Client: c, Recorder: events.NewFakeRecorder(10), Clock: clock}}
	reconcileAt := func() (ctrl.Result, *metav1.Condition) {
		t.Helper()
		result, err := r.Reconcile(context.Background(), ctrl.Request{NamespacedName: types.NamespacedName{Name: rel.Name}})
		if err != nil {
			t.Fatal(err)
		}
		live := &platformv1alpha1.PlatformRelease{}
		if err := c.Get(context.Background(), client.ObjectKeyFromObject(rel), live); err != nil {
			t.Fatal(err)
		}
		return result, meta.FindStatusCondition(live.Status.Conditions, platformv1alpha1.ConditionConformant)
	}

	result, cond := reconcileAt()
	if cond == nil || cond.Status != metav1.ConditionTrue {
		t.Fatalf("Conformant before the expiry: %+v", cond)
	}
	if result.RequeueAfter != 48*time.Hour {
		t.Errorf("requeued after %v, want at the expiry, 48h later", result.RequeueAfter)
	}
	clock.Step(result.RequeueAfter)
	_, cond = reconcileAt()
	if cond == nil || cond.Status != metav1.ConditionFalse || !strings.Contains(cond.Message, "component docExchange declaration CB-1 expired after 2026-12-31") {
		t.Errorf("Conformant at the expiry: %+v", cond)
	}
}

func TestReleaseCountsTheStacksThatRunIt(t *testing.T) {
	ensureNational(t)
	const name = "egov-counted"
	create(t, platformRelease(name, otherDigest))
	pin := func(p *platformv1alpha1.ProvincePortal) { p.Spec.Release = name }
	hatinh := waitReady(t, province(t, "42", pin))
	waitObjectReady(t, oneStopShop(t, hatinh, true))
	hanoi := waitReady(t, province(t, "01", pin))
	usage := func(stacks int32, codes ...string) func(*platformv1alpha1.PlatformRelease) error {
		return func(rel *platformv1alpha1.PlatformRelease) error {
			got := rel.Status.Provinces
			if got == nil || got.Stacks != stacks || !slices.Equal(got.Codes, codes) {
				return fmt.Errorf("provinces %+v, want %d stacks in %v", got, stacks, codes)
			}
			return nil
		}
	}
	waitRelease(t, name, usage(2, "01", "42"))

	change(t, hanoi, func() { hanoi.Spec.Release = testRelease })
	waitReady(t, hanoi)
	waitRelease(t, name, usage(1, "42"))
}

// Only a stack's release (or province) moves a release's count; its other
// status changes do not wake the release.
func TestOnlyAStackReleaseChangeWakesItsRelease(t *testing.T) {
	old := &platformv1alpha1.OneStopShop{}
	old.Status.Province, old.Status.Release = "42", testRelease
	conditionsOnly := old.DeepCopy()
	conditionsOnly.Status.Conditions = []metav1.Condition{{Type: platformv1alpha1.ConditionReady, Status: metav1.ConditionTrue}}
	moved := old.DeepCopy()
	moved.Status.Release = "egov-2026.12"
	if stackReleaseChanged.Update(event.UpdateEvent{ObjectOld: old, ObjectNew: conditionsOnly}) {
		t.Error("a change of conditions alone wakes the release")
	}
	if !stackReleaseChanged.Update(event.UpdateEvent{ObjectOld: old, ObjectNew: moved}) {
		t.Error("a new release in status does not wake the releases")
	}
}

func TestIdleReleaseMakesNoWrites(t *testing.T) {
	ensureNational(t)
	rel := waitRelease(t, testRelease, conformant(metav1.ConditionTrue))
	expectNoWritesAfter(t, func() {
		change(t, rel, func() { rel.Annotations = map[string]string{"example.org/touched": "yes"} })
	}, "platformrelease")
}
