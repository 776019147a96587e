package rollout

import (
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// Defaults the API server applies; the planner applies them too so that an
// object built in code means the same.
const (
	defaultEnvironment = platformv1alpha1.ProductionEnvironment
	defaultSoakSeconds = 300
	defaultTimeZone    = "Asia/Ho_Chi_Minh"
)

// planner holds the input, indexed.
type planner struct {
	Input
	rollout     *platformv1alpha1.FleetRollout
	environment string
	target      string
	soak        time.Duration
	deadline    time.Duration
	now         time.Time
	stacks      map[string][]Stack
	assignments map[string]platformv1alpha1.ProvinceAssignmentSpec
	// previous is the last reported state of each province, kept only when it
	// describes the current generation (a changed spec is judged afresh).
	previous map[string]platformv1alpha1.ProvinceRolloutStatus
}

func newPlanner(in Input) *planner {
	r := in.Rollout
	p := &planner{
		Input: in, rollout: r, now: in.Now, target: string(r.Spec.Release),
		environment: r.Spec.Environment,
		soak:        defaultSoakSeconds * time.Second,
		deadline:    time.Duration(r.Spec.ProgressDeadlineSeconds) * time.Second,
		stacks:      map[string][]Stack{},
		assignments: map[string]platformv1alpha1.ProvinceAssignmentSpec{},
		previous:    map[string]platformv1alpha1.ProvinceRolloutStatus{},
	}
	if p.environment == "" {
		p.environment = defaultEnvironment
	}
	if r.Spec.SoakSeconds != nil {
		p.soak = time.Duration(*r.Spec.SoakSeconds) * time.Second
	}
	for _, s := range in.Stacks {
		p.stacks[s.Province] = append(p.stacks[s.Province], s)
	}
	for _, a := range in.Assignments {
		if a.Environment == p.environment {
			p.assignments[string(a.Province)] = a
		}
	}
	if r.Status.ObservedGeneration == r.Generation {
		for _, w := range r.Status.Waves {
			for _, pr := range w.Provinces {
				p.previous[pr.Code] = pr
			}
		}
	}
	return p
}

// Active reports whether a rollout holds its environment: it has not
// completed and is not stalled for the generation it last judged.
func Active(r *platformv1alpha1.FleetRollout) bool {
	if r.Status.ObservedGeneration != r.Generation {
		return true
	}
	return !conditions.IsTrue(r.Status.Conditions, platformv1alpha1.ConditionReady) &&
		!conditions.IsTrue(r.Status.Conditions, platformv1alpha1.ConditionStalled)
}

// isNewer reports whether the named rollout was created after this one.
func (p *planner) isNewer(name string) bool {
	for _, o := range p.OtherRollouts {
		if o.Name == name {
			return olderThan(p.rollout.Name, p.rollout.CreationTimestamp.Time, o)
		}
	}
	return false
}

// olderThan orders rollouts by creation, then by name.
func olderThan(name string, created time.Time, o OtherRollout) bool {
	if created.Equal(o.Created) {
		return name < o.Name
	}
	return created.Before(o.Created)
}

// Plan decides what a rollout writes and reports. Waves run in order; in
// the current wave, pending provinces start while fewer than maxUnavailable
// are moving or unavailable, and only inside a maintenance window. A
// province not done by its deadline fails its wave: the rollout halts there
// and, with the Rollback policy, sends the wave back.
func Plan(in Input) Output {
	p := newPlanner(in)
	hold, loc := p.hold()
	var out Output
	status := &out.Status
	status.Conditions = slices.Clone(p.rollout.Status.Conditions)
	previousWaves := map[string]platformv1alpha1.WaveStatus{}
	for _, w := range p.rollout.Status.Waves {
		previousWaves[w.Name] = w
	}
	// A complete rollout stays complete: a stack appearing later is left to the next rollout.
	ended := p.rollout.Status.ObservedGeneration == p.rollout.Generation &&
		conditions.IsTrue(p.rollout.Status.Conditions, platformv1alpha1.ConditionReady)
	var current, failedWave string
	var failed []verdict
	earlierUnavailable := 0
	var regressed []string
	for i, members := range p.waveMembers() {
		wave := p.rollout.Spec.Waves[i]
		verdicts := make([]verdict, len(members))
		for j, code := range members {
			verdicts[j] = p.judgeProvince(code)
			out.WakeAt = earliest(out.WakeAt, verdicts[j].wakeAt)
			if verdicts[j].status.State == platformv1alpha1.RolloutDone && verdicts[j].unavailable {
				regressed = append(regressed, code)
			}
		}
		state := waveState(verdicts)
		switch {
		case current != "":
			// A later wave: nothing starts in it.
		case state == platformv1alpha1.RolloutFailed:
			current, failedWave, failed = wave.Name, wave.Name, verdicts
			if p.failurePolicy() == platformv1alpha1.FailurePolicyRollback && !p.rollout.Spec.Paused {
				out.Assignments = append(out.Assignments, p.rollBack(verdicts)...)
			}
		case state == platformv1alpha1.RolloutDone:
			earlierUnavailable += countUnavailable(verdicts)
		case ended:
			for j := range verdicts {
				if verdicts[j].status.State == platformv1alpha1.RolloutPending {
					verdicts[j].status.Reason = "its stack appeared after the rollout completed: a later rollout moves it"
				}
			}
		default:
			current = wave.Name
			admitted, waitingWindow, wake := p.admit(wave, verdicts, earlierUnavailable, hold, loc)
			out.Assignments = append(out.Assignments, admitted...)
			out.WakeAt = earliest(out.WakeAt, wake)
			if waitingWindow && !hasStarted(verdicts) {
				state = platformv1alpha1.RolloutWaitingWindow
			}
		}
		status.Waves = append(status.Waves, p.waveStatus(wave.Name, state, verdicts, previousWaves[wave.Name]))
	}
	status.CurrentWave = current
	status.Counts = count(status.Waves)
	status.ObservedGeneration = p.rollout.Generation
	p.setConditions(status, hold, failedWave, failed, regressed)
	if (hold != "" && hold != platformv1alpha1.ReasonWaitingForWindow) || failedWave != "" || ended {
		out.WakeAt = time.Time{}
	}
	return out
}

// failurePolicy is the failure policy, Halt when unset.
func (p *planner) failurePolicy() string {
	if p.rollout.Spec.FailurePolicy == "" {
		return platformv1alpha1.FailurePolicyHalt
	}
	return p.rollout.Spec.FailurePolicy
}

// hold returns the reason no province may start, if any, and the location
// the windows are read in.
func (p *planner) hold() (string, *time.Location) {
	tz := p.rollout.Spec.TimeZone
	if tz == "" {
		tz = defaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	switch {
	case err != nil:
		return platformv1alpha1.ReasonInvalidTimeZone, time.UTC
	case !p.Target.Found:
		return platformv1alpha1.ReasonReleaseNotFound, loc
	case !p.Target.Conformant:
		return platformv1alpha1.ReasonReleaseNotConformant, loc
	case p.rollout.Spec.Paused:
		return platformv1alpha1.ReasonPaused, loc
	case p.olderActive() != "":
		return platformv1alpha1.ReasonWaitingForRollout, loc
	case len(p.Provinces) == 0 && slices.ContainsFunc(p.rollout.Spec.Waves, func(w platformv1alpha1.Wave) bool { return w.Selector != nil }):
		return platformv1alpha1.ReasonWaitingForProvinces, loc
	}
	return "", loc
}

// olderActive names the oldest active rollout of the environment created
// before this one, if any.
func (p *planner) olderActive() string {
	name := ""
	for _, o := range p.OtherRollouts {
		if o.Active && !olderThan(p.rollout.Name, p.rollout.CreationTimestamp.Time, o) && (name == "" || o.Name < name) {
			name = o.Name
		}
	}
	return name
}

// waveMembers lists each wave's province codes: those it names, or those
// its selector matches (by code) that no wave names and no earlier wave selected.
func (p *planner) waveMembers() [][]string {
	taken := map[string]bool{}
	for _, w := range p.rollout.Spec.Waves {
		for _, c := range w.Provinces {
			taken[string(c)] = true
		}
	}
	provinces := slices.Clone(p.Provinces)
	slices.SortFunc(provinces, func(a, b Province) int { return strings.Compare(a.Code, b.Code) })
	members := make([][]string, len(p.rollout.Spec.Waves))
	for i, w := range p.rollout.Spec.Waves {
		for _, c := range w.Provinces {
			members[i] = append(members[i], string(c))
		}
		if w.Selector == nil {
			continue
		}
		selector, err := metav1.LabelSelectorAsSelector(w.Selector.Selector())
		if err != nil {
			// Admission validates selectors; one that still does not parse selects nothing.
			continue
		}
		for _, pr := range provinces {
			if !taken[pr.Code] && selector.Matches(labels.Set(pr.Labels)) {
				taken[pr.Code] = true
				members[i] = append(members[i], pr.Code)
			}
		}
	}
	return members
}

// admit starts the pending provinces of the current wave that fit within
// maxUnavailable, when nothing holds the rollout and a window is open. It
// reports whether provinces wait for a window and when the plan should be
// made again.
func (p *planner) admit(wave platformv1alpha1.Wave, verdicts []verdict, earlierUnavailable int, hold string, loc *time.Location) ([]platformv1alpha1.ProvinceAssignmentSpec, bool, time.Time) {
	limit := maxUnavailable(wave.MaxUnavailable, countMoved(verdicts))
	unavailable := earlierUnavailable + countUnavailable(verdicts)
	open, nextWindow := windowState(p.now, p.rollout.Spec.Windows, loc)
	var admitted []platformv1alpha1.ProvinceAssignmentSpec
	waiting := false
	for j := range verdicts {
		v := &verdicts[j]
		if v.status.State != platformv1alpha1.RolloutPending || hold != "" {
			continue
		}
		extra := 1
		if v.unavailable {
			extra = 0
		}
		if unavailable+extra > limit {
			v.status.Reason = fmt.Sprintf("waiting: %d provinces are moving or unavailable, maxUnavailable is %d", unavailable, limit)
			continue
		}
		if !open {
			waiting = true
			v.status.State = platformv1alpha1.RolloutWaitingWindow
			v.status.Reason = "outside the maintenance windows; the next opens at " + stamp(nextWindow)
			continue
		}
		unavailable += extra
		a := p.assignment(v.status.Code, wave.Name)
		admitted = append(admitted, a)
		v.status.State, v.status.Reason = platformv1alpha1.RolloutProgressing, "assigned "+p.target
		v.status.StartedAt = p.stamp()
	}
	if !waiting {
		nextWindow = time.Time{}
	}
	return admitted, waiting, nextWindow
}

// assignment moves a province to the target, remembering what it ran:
// its current assignment's release, or else the national default.
func (p *planner) assignment(code, wave string) platformv1alpha1.ProvinceAssignmentSpec {
	previous := platformv1alpha1.ReleaseName(p.DefaultRelease)
	if a, ok := p.assignments[code]; ok {
		previous = a.Release
	}
	return platformv1alpha1.ProvinceAssignmentSpec{
		Province: platformv1alpha1.ProvinceCode(code), Environment: p.environment,
		Release: platformv1alpha1.ReleaseName(p.target), PreviousRelease: previous,
		Rollout: p.rollout.Name, Wave: wave,
	}
}

// rollBack sends every province of a failed wave that this rollout moved
// back to the release it ran before.
func (p *planner) rollBack(verdicts []verdict) []platformv1alpha1.ProvinceAssignmentSpec {
	var out []platformv1alpha1.ProvinceAssignmentSpec
	for j := range verdicts {
		v := &verdicts[j]
		a := v.assignment
		if a == nil {
			continue
		}
		if a.PreviousRelease == "" {
			v.status.Reason += "; it ran no known release before, so it stays on " + p.target
			continue
		}
		back := *a
		back.Release, back.PreviousRelease = a.PreviousRelease, a.Release
		out = append(out, back)
		reason := fmt.Sprintf("sent back to %s after its wave failed", back.Release)
		if v.status.State == platformv1alpha1.RolloutFailed {
			// Keep why it failed: that is what central ops must fix.
			reason = fmt.Sprintf("sent back to %s: %s", back.Release, v.status.Reason)
		}
		v.status.State, v.status.Reason = platformv1alpha1.RolloutFailed, reason
		if v.status.FinishedAt == nil {
			v.status.FinishedAt = p.stamp()
		}
	}
	return out
}

// maxUnavailable resolves a wave's maxUnavailable against its size:
// a percentage rounds down, and at least one province may move.
func maxUnavailable(value *intstr.IntOrString, size int) int {
	if value == nil {
		return 1
	}
	n, err := intstr.GetScaledValueFromIntOrPercent(value, size, false)
	if err != nil || n < 1 {
		return 1
	}
	return n
}
