package rollout

import (
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// start is a Saturday, 20:00 UTC: 03:00 on Sunday in Hà Nội.
var start = time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)

const (
	oldRelease = "egov-2026.11"
	newRelease = "egov-2026.12"
)

// fleet plays the stack controllers around the planner: it writes the
// assignments a plan asks for, keeps the status it reports, and moves
// stacks when a test says they converged.
type fleet struct {
	t  *testing.T
	in Input
}

// newFleet is a rollout of the waves over their provinces, each with one
// Ready stack on the old release, soaking 300 s with a 1800 s deadline.
func newFleet(t *testing.T, waves ...platformv1alpha1.Wave) *fleet {
	r := &platformv1alpha1.FleetRollout{
		ObjectMeta: metav1.ObjectMeta{Name: "to-2026-12", Generation: 1, CreationTimestamp: metav1.NewTime(start)},
		Spec: platformv1alpha1.FleetRolloutSpec{
			Release: newRelease, Environment: "production", Waves: waves,
			ProgressDeadlineSeconds: 1800, SoakSeconds: ptr.To[int32](300),
		},
	}
	f := &fleet{t: t, in: Input{Rollout: r, Target: Target{Found: true, Conformant: true}, DefaultRelease: oldRelease, Now: start}}
	for _, w := range waves {
		for _, c := range w.Provinces {
			f.addProvince(string(c), nil)
		}
	}
	return f
}

// addProvince adds a Province with labels and one Ready stack on the old release.
func (f *fleet) addProvince(code string, labels map[string]string) {
	f.in.Provinces = append(f.in.Provinces, Province{Code: code, Labels: labels})
	f.addStack(code, "ProvincePortal egov-"+code+"/portal")
}

func (f *fleet) addStack(code, name string) {
	f.in.Stacks = append(f.in.Stacks, Stack{
		Province: code, Name: name, Release: oldRelease, Observed: true, Ready: true, ReadySince: start.Add(-24 * time.Hour),
	})
}

// plan makes a plan, writes its assignments and keeps its status.
func (f *fleet) plan() Output {
	f.t.Helper()
	out := Plan(f.in)
	for _, a := range out.Assignments {
		f.in.Assignments = slices.DeleteFunc(f.in.Assignments, func(b platformv1alpha1.ProvinceAssignmentSpec) bool {
			return b.Province == a.Province && b.Environment == a.Environment
		})
		f.in.Assignments = append(f.in.Assignments, a)
	}
	f.in.Rollout.Status = out.Status
	return out
}

// stack returns a province's stacks for a test to change.
func (f *fleet) stacks(code string) []*Stack {
	var out []*Stack
	for i := range f.in.Stacks {
		if f.in.Stacks[i].Province == code {
			out = append(out, &f.in.Stacks[i])
		}
	}
	return out
}

// converge makes the stacks of every assigned province run and be Ready
// on their assigned release from now on.
func (f *fleet) converge() {
	for _, a := range f.in.Assignments {
		for _, s := range f.stacks(string(a.Province)) {
			if s.Release != string(a.Release) {
				s.Release, s.Ready, s.Observed, s.ReadySince = string(a.Release), true, true, f.in.Now
			}
		}
	}
}

func (f *fleet) advance(d time.Duration) { f.in.Now = f.in.Now.Add(d) }

// assigned lists the provinces assigned the new release, in order.
func (f *fleet) assigned() []string {
	var out []string
	for _, a := range f.in.Assignments {
		if a.Release == newRelease {
			out = append(out, string(a.Province))
		}
	}
	slices.Sort(out)
	return out
}

// state is a province's state in the last reported status.
func (f *fleet) state(code string) platformv1alpha1.RolloutState {
	return f.province(code).State
}

func (f *fleet) province(code string) platformv1alpha1.ProvinceRolloutStatus {
	for _, w := range f.in.Rollout.Status.Waves {
		for _, p := range w.Provinces {
			if p.Code == code {
				return p
			}
		}
	}
	f.t.Fatalf("province %s is in no wave of the status", code)
	return platformv1alpha1.ProvinceRolloutStatus{}
}

func (f *fleet) waveState(name string) platformv1alpha1.RolloutState {
	for _, w := range f.in.Rollout.Status.Waves {
		if w.Name == name {
			return w.State
		}
	}
	f.t.Fatalf("wave %s is not in the status", name)
	return ""
}

// condition returns a condition of the last reported status, or nil.
func (f *fleet) condition(conditionType string) *metav1.Condition {
	return meta.FindStatusCondition(f.in.Rollout.Status.Conditions, conditionType)
}

func wave(name string, maxUnavailable intstr.IntOrString, codes ...string) platformv1alpha1.Wave {
	w := platformv1alpha1.Wave{Name: name, MaxUnavailable: &maxUnavailable}
	for _, c := range codes {
		w.Provinces = append(w.Provinces, platformv1alpha1.ProvinceCode(c))
	}
	return w
}

func one() intstr.IntOrString { return intstr.FromInt32(1) }

// complete reports whether the last status says every wave is done.
func (f *fleet) complete() bool {
	c := f.condition(platformv1alpha1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionTrue && c.Reason == platformv1alpha1.ReasonRolloutComplete
}
