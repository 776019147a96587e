package rollout

import (
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

const soak = 300 * time.Second

func TestThreeWavesRollOutInOrder(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"), wave("north", intstr.FromInt32(2), "01", "04"), wave("rest", intstr.FromString("100%"), "79", "92", "96"))
	var order [][]string
	for step := 0; step < 20 && !f.complete(); step++ {
		out := f.plan()
		if len(out.Assignments) > 0 {
			var codes []string
			for _, a := range out.Assignments {
				codes = append(codes, string(a.Province)+"/"+a.Wave)
			}
			order = append(order, codes)
		}
		f.converge()
		f.advance(soak)
	}
	want := [][]string{{"42/pilot"}, {"01/north", "04/north"}, {"79/rest", "92/rest", "96/rest"}}
	if !slices.EqualFunc(order, want, slices.Equal) {
		t.Fatalf("provinces started in %v, want %v", order, want)
	}
	if c := f.in.Rollout.Status.Counts; c.Done != 6 || c.Total != 6 || f.in.Rollout.Status.CurrentWave != "" {
		t.Errorf("a finished rollout reports %+v, current wave %q", c, f.in.Rollout.Status.CurrentWave)
	}
	for _, a := range f.in.Assignments {
		if a.PreviousRelease != oldRelease {
			t.Errorf("province %s: previousRelease %q, want %s", a.Province, a.PreviousRelease, oldRelease)
		}
	}
}

func TestMaxUnavailableBoundsTheProvincesMovingAtOnce(t *testing.T) {
	for _, tc := range []struct {
		maxUnavailable intstr.IntOrString
		want           int
	}{
		{intstr.FromInt32(1), 1},
		{intstr.FromInt32(2), 2},
		{intstr.FromString("50%"), 2},
		{intstr.FromString("20%"), 1}, // 0.8 rounds down to 0, and at least one moves
	} {
		t.Run(tc.maxUnavailable.String(), func(t *testing.T) {
			f := newFleet(t, wave("all", tc.maxUnavailable, "01", "04", "08", "11"))
			f.plan()
			if got := len(f.assigned()); got != tc.want {
				t.Fatalf("%d provinces started, want %d", got, tc.want)
			}
			f.advance(time.Minute)
			f.plan()
			if got := len(f.assigned()); got != tc.want {
				t.Errorf("%d provinces moving after a second plan, want still %d", got, tc.want)
			}
			f.converge()
			f.advance(soak)
			f.plan()
			if got := len(f.assigned()); got != min(2*tc.want, 4) {
				t.Errorf("%d provinces started once the first were done, want %d", got, min(2*tc.want, 4))
			}
		})
	}
}

func TestAProvinceUnavailableBeforeItStartsCountsAgainstMaxUnavailable(t *testing.T) {
	f := newFleet(t, wave("all", one(), "01", "04"))
	f.stacks("04")[0].Ready = false
	f.plan()
	if got := f.assigned(); !slices.Equal(got, []string{"04"}) {
		t.Errorf("started %v; with 04 already unavailable only 04 itself may start", got)
	}
}

func TestADeadlineMissHaltsAndLaterWavesNeverStart(t *testing.T) {
	f := newFleet(t, wave("pilot", intstr.FromInt32(2), "42", "38"), wave("rest", one(), "01"))
	f.plan()
	f.stacks("42")[0].Release, f.stacks("42")[0].Ready, f.stacks("42")[0].Reason = newRelease, false, "RollingOut: 0 of 2 replicas updated"
	f.advance(1800 * time.Second)
	out := f.plan()
	if f.state("42") != platformv1alpha1.RolloutFailed || f.waveState("pilot") != platformv1alpha1.RolloutFailed {
		t.Fatalf("42 is %s, pilot %s; want both failed", f.state("42"), f.waveState("pilot"))
	}
	stalled := f.condition(platformv1alpha1.ConditionStalled)
	if stalled == nil || stalled.Reason != platformv1alpha1.ReasonProgressDeadlineExceeded || !strings.Contains(stalled.Message, "province 42") || !strings.Contains(stalled.Message, "RollingOut: 0 of 2 replicas updated") {
		t.Errorf("Stalled is %+v; want it to name province 42 and its stack's reason", stalled)
	}
	if len(out.Assignments) != 0 || !out.WakeAt.IsZero() {
		t.Errorf("a halted rollout writes %v and wakes at %v", out.Assignments, out.WakeAt)
	}
	f.converge()
	for range 5 {
		f.advance(time.Hour)
		f.plan()
	}
	if slices.Contains(f.assigned(), "01") || f.state("01") != platformv1alpha1.RolloutPending {
		t.Errorf("the later wave started after the halt: 01 is %s", f.state("01"))
	}
	if f.state("42") != platformv1alpha1.RolloutFailed {
		t.Errorf("a failed province turned %s once Ready; a halt is final", f.state("42"))
	}
}

func TestRollbackSendsTheFailedWaveBack(t *testing.T) {
	f := newFleet(t, wave("pilot", intstr.FromInt32(2), "42", "38"), wave("rest", one(), "01"))
	f.in.Rollout.Spec.FailurePolicy = platformv1alpha1.FailurePolicyRollback
	f.plan()
	f.converge()
	f.stacks("38")[0].Ready = false
	f.advance(1800 * time.Second)
	out := f.plan()
	if len(out.Assignments) != 2 {
		t.Fatalf("rollback wrote %v, want both provinces of the wave", out.Assignments)
	}
	for _, a := range out.Assignments {
		if a.Release != oldRelease || a.PreviousRelease != newRelease || a.Rollout != "to-2026-12" {
			t.Errorf("province %s reassigned to %+v, want back on %s", a.Province, a, oldRelease)
		}
	}
	// The rollback keeps why the wave failed, on later plans too.
	for range 2 {
		if c := f.condition(platformv1alpha1.ConditionStalled); c == nil || c.Reason != platformv1alpha1.ReasonRolledBack ||
			!strings.Contains(c.Message, "province 38 sent back to "+oldRelease+": not done within") {
			t.Errorf("Stalled is %+v, want RolledBack naming why 38 failed", c)
		}
		if again := f.plan(); len(again.Assignments) != 0 || f.state("42") != platformv1alpha1.RolloutFailed {
			t.Errorf("a rolled-back wave is rolled back again (%v) or 42 is %s", again.Assignments, f.state("42"))
		}
	}
}

func TestAStackThatHasNotObservedItsGenerationIsNotDone(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"))
	f.plan()
	f.converge()
	f.stacks("42")[0].Observed = false
	f.advance(soak)
	f.plan()
	if f.state("42") != platformv1alpha1.RolloutProgressing || !strings.Contains(f.province("42").Reason, "has not observed its latest generation") {
		t.Errorf("42 is %s (%s), want progressing on an unobserved generation", f.state("42"), f.province("42").Reason)
	}
}

func TestAProvinceSoaksBeforeItIsDone(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"), wave("rest", one(), "01"))
	f.plan()
	f.converge()
	f.advance(soak - time.Second)
	out := f.plan()
	if f.state("42") != platformv1alpha1.RolloutSoaking || slices.Contains(f.assigned(), "01") {
		t.Fatalf("42 is %s and %v assigned; want 42 soaking and the next wave waiting", f.state("42"), f.assigned())
	}
	if !out.WakeAt.Equal(f.in.Now.Add(time.Second)) {
		t.Errorf("wakes at %v, want the end of the soak %v", out.WakeAt, f.in.Now.Add(time.Second))
	}
	f.advance(time.Second)
	f.plan()
	if f.state("42") != platformv1alpha1.RolloutDone {
		t.Errorf("42 is %s once soaked, want done", f.state("42"))
	}
}

func TestAReadySinceInTheFutureIsNotTrusted(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"))
	f.in.Rollout.Spec.SoakSeconds = new(int32)
	f.plan()
	f.converge()
	f.stacks("42")[0].ReadySince = f.in.Now.Add(10 * time.Minute)
	f.plan()
	if f.state("42") != platformv1alpha1.RolloutSoaking || !strings.Contains(f.province("42").Reason, "in the future") {
		t.Errorf("42 is %s (%s), want soaking until the future readySince", f.state("42"), f.province("42").Reason)
	}
	f.advance(10 * time.Minute)
	f.plan()
	if f.state("42") != platformv1alpha1.RolloutDone {
		t.Errorf("42 is %s once its readySince passed, want done", f.state("42"))
	}
}

func TestPauseHoldsAndResumeGoesOn(t *testing.T) {
	f := newFleet(t, wave("all", one(), "01", "04"))
	f.in.Rollout.Spec.Paused = true
	if out := f.plan(); len(out.Assignments) != 0 {
		t.Fatalf("a paused rollout wrote %v", out.Assignments)
	}
	if c := f.condition(platformv1alpha1.ConditionPaused); c == nil || c.Status != "True" {
		t.Errorf("Paused is %+v, want True", c)
	}
	f.in.Rollout.Spec.Paused = false
	f.in.Rollout.Generation++
	f.plan()
	if got := f.assigned(); !slices.Equal(got, []string{"01"}) || f.condition(platformv1alpha1.ConditionPaused) != nil {
		t.Errorf("after resume %v started and Paused is %+v", got, f.condition(platformv1alpha1.ConditionPaused))
	}
}

func TestProvincesStartOnlyInsideAWindowAndFinishAcrossItsEnd(t *testing.T) {
	// 22:00–05:00 in Hà Nội (UTC+7) on Saturdays: from 15:00 to 22:00 UTC.
	f := newFleet(t, wave("all", one(), "01", "04"))
	f.in.Rollout.Spec.Windows = []platformv1alpha1.MaintenanceWindow{{Days: []string{"Sat"}, Start: "22:00", End: "05:00"}}
	f.in.Now = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	out := f.plan()
	if len(out.Assignments) != 0 || f.state("01") != platformv1alpha1.RolloutWaitingWindow || f.waveState("all") != platformv1alpha1.RolloutWaitingWindow {
		t.Fatalf("outside the window: wrote %v, 01 is %s", out.Assignments, f.state("01"))
	}
	if opens := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC); !out.WakeAt.Equal(opens) {
		t.Errorf("wakes at %v, want the window's opening %v", out.WakeAt, opens)
	}
	f.in.Now = time.Date(2026, 11, 21, 21, 50, 0, 0, time.UTC)
	f.plan()
	if got := f.assigned(); !slices.Equal(got, []string{"01"}) {
		t.Fatalf("inside the window %v started, want 01", got)
	}
	f.advance(20 * time.Minute) // the window closed at 22:00 UTC
	f.converge()
	f.advance(soak)
	f.plan()
	if f.state("01") != platformv1alpha1.RolloutDone || slices.Contains(f.assigned(), "04") || f.state("04") != platformv1alpha1.RolloutWaitingWindow {
		t.Errorf("after the window: 01 is %s, 04 is %s (assigned %v); want 01 done, 04 waiting", f.state("01"), f.state("04"), f.assigned())
	}
}

func TestPinnedProvincesAreSkipped(t *testing.T) {
	f := newFleet(t, wave("all", intstr.FromInt32(2), "01", "04"))
	f.stacks("04")[0].Pin = oldRelease
	f.plan()
	if got := f.assigned(); !slices.Equal(got, []string{"01"}) || f.state("04") != platformv1alpha1.RolloutSkipped || !strings.Contains(f.province("04").Reason, "pinned to "+oldRelease) {
		t.Fatalf("started %v, 04 is %s (%s); want 04 skipped as pinned", got, f.state("04"), f.province("04").Reason)
	}
	f.converge()
	f.advance(soak)
	f.plan()
	if c := f.condition(platformv1alpha1.ConditionReady); c.Status != "True" || f.in.Rollout.Status.Counts.Skipped != 1 {
		t.Errorf("Ready is %+v with counts %+v; want complete with one skipped", c, f.in.Rollout.Status.Counts)
	}
}

func TestAStackAddedMidRolloutJoinsItsWave(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"), platformv1alpha1.Wave{
		Name: "north", MaxUnavailable: new(intstr.FromInt32(5)),
		Selector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"platform.egov.vn/region": "north"}},
	})
	f.addProvince("01", map[string]string{"platform.egov.vn/region": "north"})
	f.in.Provinces = append(f.in.Provinces, Province{Code: "04", Labels: map[string]string{"platform.egov.vn/region": "north"}})
	f.plan()
	if f.state("04") != platformv1alpha1.RolloutSkipped {
		t.Fatalf("04 without a stack is %s, want skipped", f.state("04"))
	}
	f.addStack("04", "ProvincePortal egov-04/portal")
	f.converge()
	f.advance(soak)
	f.plan()
	if got := f.assigned(); !slices.Equal(got, []string{"01", "04", "42"}) {
		t.Errorf("started %v once 04's stack appeared, want 01, 04 and 42", got)
	}
}

func TestAMissingOrNonConformantTargetAdmitsNoOne(t *testing.T) {
	for _, tc := range []struct {
		target Target
		reason string
	}{
		{Target{Found: false}, platformv1alpha1.ReasonReleaseNotFound},
		{Target{Found: true, Message: "component docExchange lacks QCVN 102:2016/BTTTT"}, platformv1alpha1.ReasonReleaseNotConformant},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			f := newFleet(t, wave("pilot", one(), "42"))
			f.in.Target = tc.target
			if out := f.plan(); len(out.Assignments) != 0 {
				t.Fatalf("wrote %v for a release that may not run", out.Assignments)
			}
			if c := f.condition(platformv1alpha1.ConditionStalled); c == nil || c.Reason != tc.reason || !strings.Contains(c.Message, tc.target.Message) {
				t.Errorf("Stalled is %+v, want %s", c, tc.reason)
			}
			f.in.Target = Target{Found: true, Conformant: true}
			f.plan()
			if got := f.assigned(); !slices.Equal(got, []string{"42"}) || f.condition(platformv1alpha1.ConditionStalled) != nil {
				t.Errorf("once the release is conformant %v started and Stalled is %+v; want 42 started", got, f.condition(platformv1alpha1.ConditionStalled))
			}
		})
	}
}

func TestASecondRolloutWaitsForTheFirst(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"))
	f.in.OtherRollouts = []OtherRollout{{Name: "to-2026-11", Created: start.Add(-time.Hour), Active: true}}
	if out := f.plan(); len(out.Assignments) != 0 {
		t.Fatalf("a second rollout wrote %v", out.Assignments)
	}
	if c := f.condition(platformv1alpha1.ConditionReconciling); c == nil || c.Reason != platformv1alpha1.ReasonWaitingForRollout || !strings.Contains(c.Message, "to-2026-11") {
		t.Errorf("Reconciling is %+v, want it to name the first rollout", c)
	}
	f.in.OtherRollouts[0].Active = false
	f.plan()
	if got := f.assigned(); !slices.Equal(got, []string{"42"}) {
		t.Errorf("once the first ended %v started, want 42", got)
	}
}

func TestAnEmptyWaveCompletes(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"), platformv1alpha1.Wave{
		Name: "pilots", Selector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"platform.egov.vn/pilot": "true"}},
	}, wave("rest", one(), "01"))
	f.plan()
	f.converge()
	f.advance(soak)
	f.plan()
	if f.waveState("pilots") != platformv1alpha1.RolloutDone || !slices.Contains(f.assigned(), "01") {
		t.Errorf("the empty wave is %s and %v started; want it done and the next wave started", f.waveState("pilots"), f.assigned())
	}
}

func TestADoneProvinceThatTurnsUnavailableIsReportedAndHoldsTheWave(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"), wave("rest", one(), "01", "04"))
	for range 2 {
		f.plan()
		f.converge()
		f.advance(soak)
	}
	f.stacks("42")[0].Ready, f.stacks("42")[0].Reason = false, "RollingOut: 1 of 2 replicas available"
	f.plan()
	if f.state("42") != platformv1alpha1.RolloutDone || !strings.Contains(f.province("42").Reason, "now unavailable") {
		t.Errorf("42 is %s (%s), want done and reported unavailable", f.state("42"), f.province("42").Reason)
	}
	if c := f.condition(platformv1alpha1.ConditionReconciling); c == nil || !strings.Contains(c.Message, "done but now unavailable: 42") {
		t.Errorf("Reconciling is %+v, want it to report 42", c)
	}
	if got := f.assigned(); !slices.Equal(got, []string{"01", "42"}) || f.state("01") != platformv1alpha1.RolloutDone {
		t.Errorf("started %v (01 %s) while 42 uses the only unavailable slot; want 04 held", got, f.state("01"))
	}
}

func TestStatusIsRebuiltFromAssignmentsAfterItIsWiped(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"), wave("rest", intstr.FromInt32(2), "01", "04", "08"))
	for range 2 {
		f.plan()
		f.converge()
		f.advance(soak)
	}
	f.plan()
	before := f.in.Rollout.Status.Counts
	f.in.Rollout.Status = platformv1alpha1.FleetRolloutStatus{}
	out := f.plan()
	if len(out.Assignments) != 0 || f.in.Rollout.Status.Counts != before {
		t.Errorf("after a wipe: wrote %v, counts %+v; want no writes and %+v", out.Assignments, f.in.Rollout.Status.Counts, before)
	}
	if f.state("42") != platformv1alpha1.RolloutDone || f.state("04") != platformv1alpha1.RolloutDone || f.state("08") != platformv1alpha1.RolloutProgressing {
		t.Errorf("rebuilt states: 42 %s, 04 %s, 08 %s", f.state("42"), f.state("04"), f.state("08"))
	}
}

func TestAnUnknownTimeZoneStartsNoOne(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42"))
	f.in.Rollout.Spec.TimeZone = "Asia/Hanoi_City"
	if out := f.plan(); len(out.Assignments) != 0 {
		t.Fatalf("wrote %v with windows read in an unknown time zone", out.Assignments)
	}
	if c := f.condition(platformv1alpha1.ConditionStalled); c == nil || c.Reason != platformv1alpha1.ReasonInvalidTimeZone || !strings.Contains(c.Message, "Asia/Hanoi_City") {
		t.Errorf("Stalled is %+v, want InvalidTimeZone naming the zone", c)
	}
}

func TestACompleteRolloutStaysComplete(t *testing.T) {
	f := newFleet(t, wave("pilot", one(), "42", "01"))
	f.in.Stacks = slices.DeleteFunc(f.in.Stacks, func(s Stack) bool { return s.Province == "01" })
	f.plan()
	f.converge()
	f.advance(soak)
	f.plan()
	if !f.complete() {
		t.Fatalf("not complete: %+v", f.in.Rollout.Status)
	}
	f.addStack("01", "ProvincePortal egov-01/portal")
	if out := f.plan(); len(out.Assignments) != 0 || !f.complete() || f.state("01") != platformv1alpha1.RolloutPending {
		t.Errorf("a complete rollout wrote %v, complete %v, 01 %s; want no writes, still complete, 01 pending", out.Assignments, f.complete(), f.state("01"))
	}
}
