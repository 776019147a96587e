package rollout

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// health is what a province's stacks say about the target release.
type health struct {
	// available: every stack has observed its latest generation and is Ready.
	available bool
	// done: available on the target and soaked.
	done bool
	// soaking: available on the target, soak not yet over; soakEnd says until when.
	soaking bool
	soakEnd time.Time
	// reason explains why the province is not done.
	reason string
}

// judgeStacks tells whether every stack runs the target, has observed its
// latest generation and has been Ready for soak. Missing data (no release,
// no readySince) never counts as done; a readySince in the future (clock
// skew) only counts once it has passed.
func judgeStacks(stacks []Stack, target string, soak time.Duration, now time.Time) health {
	h := health{available: true}
	var problems []string
	var readySince time.Time
	for _, s := range stacks {
		h.available = h.available && s.Observed && s.Ready
		switch {
		case s.Release != target:
			problems = append(problems, fmt.Sprintf("%s runs %q, not %s", s.Name, s.Release, target))
		case !s.Observed:
			problems = append(problems, s.Name+" has not observed its latest generation")
		case !s.Ready:
			problems = append(problems, fmt.Sprintf("%s is not Ready: %s", s.Name, s.Reason))
		case s.ReadySince.IsZero():
			problems = append(problems, s.Name+" reports no readySince")
		case s.ReadySince.After(readySince):
			readySince = s.ReadySince
		}
	}
	if len(problems) > 0 {
		h.reason = strings.Join(problems, "; ")
		return h
	}
	h.soakEnd = readySince.Add(soak)
	if now.Before(h.soakEnd) {
		h.soaking = true
		h.reason = fmt.Sprintf("Ready on %s since %s, soaking until %s", target, stamp(readySince), stamp(h.soakEnd))
		if readySince.After(now) {
			h.reason = fmt.Sprintf("reports Ready since %s, in the future: not trusted before %s", stamp(readySince), stamp(h.soakEnd))
		}
		return h
	}
	h.done = true
	return h
}

// verdict is where one province stands.
type verdict struct {
	status platformv1alpha1.ProvinceRolloutStatus
	// assignment is this rollout's assignment of the target to the province, if written.
	assignment *platformv1alpha1.ProvinceAssignmentSpec
	// unavailable counts against the wave's maxUnavailable.
	unavailable bool
	// wakeAt is when the verdict may change with time alone.
	wakeAt time.Time
}

// judgeProvince finds where a province stands from its stacks, its
// assignment and what the rollout last reported of it.
func (p *planner) judgeProvince(code string) verdict {
	v := verdict{status: platformv1alpha1.ProvinceRolloutStatus{Code: code}}
	stacks := p.stacks[code]
	assignment, assigned := p.assignments[code]
	if reason := p.skipReason(code, stacks); reason != "" {
		v.status.State, v.status.Reason = platformv1alpha1.RolloutSkipped, reason
		return v
	}
	h := judgeStacks(stacks, p.target, p.soak, p.now)
	ours := assigned && assignment.Rollout == p.rollout.Name
	switch {
	case ours && string(assignment.Release) == p.target:
		v.assignment = &assignment
		p.judgeStarted(&v, h)
	case ours && string(assignment.PreviousRelease) == p.target:
		v.status.State = platformv1alpha1.RolloutFailed
		v.status.Reason = fmt.Sprintf("sent back to %s after its wave failed", assignment.Release)
		if p.keepTimes(&v) == platformv1alpha1.RolloutFailed {
			v.status.Reason = p.previous[code].Reason
		}
	default:
		v.status.State, v.status.Reason = platformv1alpha1.RolloutPending, "waiting for its turn"
		v.unavailable = !h.available
	}
	return v
}

// skipReason says why a province is not moved: no stack, a pin, or a newer
// rollout that took it over. Empty when it is moved.
func (p *planner) skipReason(code string, stacks []Stack) string {
	if len(stacks) == 0 {
		return fmt.Sprintf("no stack in environment %s", p.environment)
	}
	for _, s := range stacks {
		if s.Pin != "" {
			return fmt.Sprintf("pinned to %s by %s", s.Pin, s.Name)
		}
	}
	if a, ok := p.assignments[code]; ok && p.isNewer(a.Rollout) {
		return fmt.Sprintf("taken over by the newer rollout %s", a.Rollout)
	}
	return ""
}

// judgeStarted judges a province assigned the target by this rollout.
// Done and failed are final for the rollout; a done province that is no
// longer available is reported and counts against maxUnavailable.
func (p *planner) judgeStarted(v *verdict, h health) {
	previous := p.keepTimes(v)
	if v.status.StartedAt == nil {
		// The status was lost: the deadline counts from now rather than fail on a guess.
		v.status.StartedAt = p.stamp()
	}
	switch {
	case previous == platformv1alpha1.RolloutFailed:
		v.status.State, v.status.Reason = previous, p.previous[v.status.Code].Reason
	case previous == platformv1alpha1.RolloutDone || h.done:
		v.status.State, v.status.Reason = platformv1alpha1.RolloutDone, "runs "+p.target
		if v.status.FinishedAt == nil {
			v.status.FinishedAt = p.stamp()
		}
		if !h.available {
			v.status.Reason, v.unavailable = "was done, now unavailable: "+h.reason, true
		}
	case !p.rollout.Spec.Paused && !p.now.Before(v.status.StartedAt.Add(p.deadline)):
		v.status.State, v.unavailable = platformv1alpha1.RolloutFailed, true
		v.status.Reason = fmt.Sprintf("not done within %s of its start: %s", p.deadline, h.reason)
		v.status.FinishedAt = p.stamp()
	case h.soaking:
		v.status.State, v.status.Reason, v.unavailable = platformv1alpha1.RolloutSoaking, h.reason, true
		v.wakeAt = earliest(h.soakEnd, v.status.StartedAt.Add(p.deadline))
	default:
		v.status.State, v.status.Reason, v.unavailable = platformv1alpha1.RolloutProgressing, h.reason, true
		v.wakeAt = v.status.StartedAt.Add(p.deadline)
	}
}

// keepTimes copies the times the rollout last reported for the province
// and returns the state it last reported.
func (p *planner) keepTimes(v *verdict) platformv1alpha1.RolloutState {
	previous, ok := p.previous[v.status.Code]
	if !ok {
		return ""
	}
	v.status.StartedAt, v.status.FinishedAt = previous.StartedAt, previous.FinishedAt
	if v.status.FinishedAt == nil && previous.State == platformv1alpha1.RolloutFailed {
		v.status.FinishedAt = p.stamp()
	}
	return previous.State
}

func (p *planner) stamp() *metav1.Time {
	t := metav1.NewTime(p.now)
	return &t
}

// stamp formats a time for messages.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// earliest is the earlier of two times, ignoring zero ones.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
