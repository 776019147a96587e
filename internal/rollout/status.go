package rollout

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// waveState derives a wave's state from its provinces': failed when one
// failed, done when every one is done or skipped (an empty wave included),
// progressing when one has started, pending otherwise.
func waveState(verdicts []verdict) platformv1alpha1.RolloutState {
	state := platformv1alpha1.RolloutDone
	for _, v := range verdicts {
		switch v.status.State {
		case platformv1alpha1.RolloutFailed:
			return platformv1alpha1.RolloutFailed
		case platformv1alpha1.RolloutDone, platformv1alpha1.RolloutSkipped:
		case platformv1alpha1.RolloutPending:
			if state == platformv1alpha1.RolloutDone {
				state = platformv1alpha1.RolloutPending
			}
		default:
			state = platformv1alpha1.RolloutProgressing
		}
	}
	if state == platformv1alpha1.RolloutPending && hasStarted(verdicts) {
		return platformv1alpha1.RolloutProgressing
	}
	return state
}

// hasStarted reports whether this rollout assigned the target to a province of the wave.
func hasStarted(verdicts []verdict) bool {
	for _, v := range verdicts {
		if v.status.StartedAt != nil {
			return true
		}
	}
	return false
}

// countUnavailable counts the provinces that count against maxUnavailable.
func countUnavailable(verdicts []verdict) int {
	n := 0
	for _, v := range verdicts {
		if v.unavailable {
			n++
		}
	}
	return n
}

// countMoved counts the provinces the wave moves: all but the skipped.
func countMoved(verdicts []verdict) int {
	n := 0
	for _, v := range verdicts {
		if v.status.State != platformv1alpha1.RolloutSkipped {
			n++
		}
	}
	return n
}

// waveStatus reports a wave, keeping the times it last reported.
func (p *planner) waveStatus(name string, state platformv1alpha1.RolloutState, verdicts []verdict, previous platformv1alpha1.WaveStatus) platformv1alpha1.WaveStatus {
	w := platformv1alpha1.WaveStatus{Name: name, State: state}
	for _, v := range verdicts {
		w.Provinces = append(w.Provinces, v.status)
		if s := v.status.StartedAt; s != nil && (w.StartedAt == nil || s.Before(w.StartedAt)) {
			w.StartedAt = s
		}
	}
	if state == platformv1alpha1.RolloutDone || state == platformv1alpha1.RolloutFailed {
		w.FinishedAt = previous.FinishedAt
		if previous.State != state || w.FinishedAt == nil {
			w.FinishedAt = p.stamp()
		}
	}
	return w
}

// count counts the provinces of every wave by state.
func count(waves []platformv1alpha1.WaveStatus) platformv1alpha1.RolloutCounts {
	var c platformv1alpha1.RolloutCounts
	for _, w := range waves {
		for _, pr := range w.Provinces {
			c.Total++
			switch pr.State {
			case platformv1alpha1.RolloutPending, platformv1alpha1.RolloutWaitingWindow:
				c.Pending++
			case platformv1alpha1.RolloutProgressing, platformv1alpha1.RolloutSoaking:
				c.Progressing++
			case platformv1alpha1.RolloutDone:
				c.Done++
			case platformv1alpha1.RolloutFailed:
				c.Failed++
			case platformv1alpha1.RolloutSkipped:
				c.Skipped++
			}
		}
	}
	return c
}

// setConditions sets Ready, Reconciling, Stalled and Paused with kstatus
// meaning: Stalled when a user must act (a missing or non-conformant
// release, a bad time zone, a failed wave), Ready when every wave is done,
// Reconciling otherwise.
func (p *planner) setConditions(status *platformv1alpha1.FleetRolloutStatus, hold, failedWave string, failed []verdict, regressed []string) {
	conds, gen := &status.Conditions, p.rollout.Generation
	set := func(t string, ok bool, reason, message string) {
		conditions.SetAt(conds, gen, t, ok, reason, message, p.now)
	}
	if p.rollout.Spec.Paused {
		set(platformv1alpha1.ConditionPaused, true, platformv1alpha1.ReasonPaused, "spec.paused holds the rollout: no province starts; set it to false to resume")
	} else {
		meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionPaused)
	}
	reason, message, stalled := p.verdict(status, hold, failedWave, failed, regressed)
	switch {
	case reason == platformv1alpha1.ReasonRolloutComplete:
		meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionStalled)
		meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionReconciling)
		set(platformv1alpha1.ConditionReady, true, reason, message)
		return
	case stalled:
		meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionReconciling)
		set(platformv1alpha1.ConditionStalled, true, reason, message)
	default:
		meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionStalled)
		set(platformv1alpha1.ConditionReconciling, true, reason, message)
	}
	set(platformv1alpha1.ConditionReady, false, reason, message)
}

// verdict is the rollout's reason and message, and whether a user must act.
func (p *planner) verdict(status *platformv1alpha1.FleetRolloutStatus, hold, failedWave string, failed []verdict, regressed []string) (string, string, bool) {
	switch {
	case failedWave != "":
		reason := platformv1alpha1.ReasonProgressDeadlineExceeded
		if p.failurePolicy() == platformv1alpha1.FailurePolicyRollback {
			reason = platformv1alpha1.ReasonRolledBack
		}
		return reason, fmt.Sprintf("wave %s failed, later waves do not start: %s", failedWave, failures(failed)), true
	case hold == platformv1alpha1.ReasonInvalidTimeZone:
		return hold, fmt.Sprintf("spec.timeZone %q is not a known IANA time zone", p.rollout.Spec.TimeZone), true
	case hold == platformv1alpha1.ReasonReleaseNotFound:
		return hold, fmt.Sprintf("PlatformRelease %s does not exist: no province starts", p.target), true
	case hold == platformv1alpha1.ReasonReleaseNotConformant:
		return hold, fmt.Sprintf("PlatformRelease %s is not conformant, no province starts: %s", p.target, p.Target.Message), true
	case status.CurrentWave == "":
		return platformv1alpha1.ReasonRolloutComplete, fmt.Sprintf("every wave is done: %d provinces run %s, %d skipped", status.Counts.Done, p.target, status.Counts.Skipped), false
	case hold == platformv1alpha1.ReasonPaused:
		return hold, "spec.paused holds the rollout at wave " + status.CurrentWave, false
	case hold == platformv1alpha1.ReasonWaitingForRollout:
		return hold, fmt.Sprintf("the older rollout %s of environment %s is active; this one starts when it ends", p.olderActive(), p.environment), false
	case hold == platformv1alpha1.ReasonWaitingForProvinces:
		return hold, "waves select provinces by label and no Province objects are known yet", false
	}
	for _, w := range status.Waves {
		if w.Name == status.CurrentWave && w.State == platformv1alpha1.RolloutWaitingWindow {
			return platformv1alpha1.ReasonWaitingForWindow, "wave " + w.Name + " waits for a maintenance window", false
		}
	}
	return platformv1alpha1.ReasonProgressing, progress(status, regressed), false
}

// progress says how far the current wave is, and names the done provinces
// that are no longer available.
func progress(status *platformv1alpha1.FleetRolloutStatus, regressed []string) string {
	var done, total int
	for _, w := range status.Waves {
		if w.Name != status.CurrentWave {
			continue
		}
		for _, pr := range w.Provinces {
			if pr.State != platformv1alpha1.RolloutSkipped {
				total++
			}
			if pr.State == platformv1alpha1.RolloutDone {
				done++
			}
		}
	}
	message := fmt.Sprintf("wave %s: %d of %d provinces done", status.CurrentWave, done, total)
	if len(regressed) > 0 {
		message += "; done but now unavailable: " + strings.Join(regressed, ", ")
	}
	return message
}

// failures names the failed provinces of a wave and why.
func failures(verdicts []verdict) string {
	var out []string
	for _, v := range verdicts {
		if v.status.State == platformv1alpha1.RolloutFailed {
			out = append(out, fmt.Sprintf("province %s %s", v.status.Code, v.status.Reason))
		}
	}
	return strings.Join(out, "; ")
}
