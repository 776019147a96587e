//go:build reliability

package reliability

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
)

const (
	sampleRollout = "rollout_egov-2027.01.yaml"
	sampleRelease = "egov-2027.01"
)

// killManager SIGKILLs the manager n times and starts it again each time.
// The first kill comes as soon as atWork finds the manager at work, if
// given; the others (and the first, without atWork) at a random moment up
// to ten seconds after the manager was (re)started. Before each kill,
// observe records what the test must find unchanged.
func killManager(t *testing.T, n int, atWork func() error, observe func()) {
	t.Helper()
	for i := range n {
		if i == 0 && atWork != nil {
			eventually(t, convergeTimeout(), "the manager at work", atWork)
		} else {
			time.Sleep(time.Duration(1000+rand.IntN(9000)) * time.Millisecond)
		}
		observe()
		manager := running(t, "operator")
		manager.stop(t, syscall.SIGKILL)
		t.Logf("killed the manager (%d of %d)", i+1, n)
		manager.restart(t)
	}
}

// The manager dies by SIGKILL again and again while the provinces converge
// and while a rollout moves them: every stack converges anyway, no child is
// duplicated or orphaned, the rollout resumes where it was (a province done
// is never moved again) and no province is assigned twice.
func TestTheManagerKilledRepeatedlyLosesNothing(t *testing.T) {
	codes := servedCodes()
	// Its file sorts first, so Go runs it before the other tests, which serve
	// the same provinces: it must find them not served yet.
	if converged(codes) == nil {
		t.Fatal("the provinces are served already: run this test first")
	}
	serve(t, codes)
	convergingKills := 0
	// The first kill comes once the manager has created a child: with
	// several workers per kind the provinces converge within seconds,
	// often before a random moment would come.
	killManager(t, *kills, func() error {
		objs, err := children(codes)
		if err == nil && len(objs) == 0 {
			err = errors.New("no child of the served provinces yet")
		}
		return err
	}, func() {
		if converged(codes) != nil {
			convergingKills++
		}
	})
	t.Logf("%d of %d kills while the provinces converged", convergingKills, *kills)
	if convergingKills == 0 {
		t.Error("no kill happened while the provinces converged")
	}
	eventually(t, convergeTimeout(), "the served provinces Ready", func() error { return converged(codes) })
	nothingDuplicatedOrOrphaned(t, codes, 0)

	objs, err := fleet.ReadManifests(filepath.Join(root, "config", "samples", sampleRollout))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restoreRelease(t, codes) })
	for _, o := range objs {
		if err := fleet.Apply(ctx(), k8s, o); err != nil {
			t.Fatal(err)
		}
	}
	// finished records when each province was done, as the rollout reported it before a kill.
	finished := map[string]string{}
	rollout := &platformv1alpha1.FleetRollout{}
	killManager(t, *kills, nil, func() {
		if err := k8s.Get(ctx(), client.ObjectKey{Name: sampleRelease}, rollout); err != nil {
			t.Fatal(err)
		}
		for _, w := range rollout.Status.Waves {
			for _, p := range w.Provinces {
				if p.State == platformv1alpha1.RolloutDone {
					finished[p.Code] = stamp(p.FinishedAt)
				}
			}
		}
	})
	t.Logf("%d provinces were done before the last kill", len(finished))
	eventually(t, convergeTimeout(), "the rollout complete", func() error {
		if err := k8s.Get(ctx(), client.ObjectKey{Name: sampleRelease}, rollout); err != nil {
			return err
		}
		if !meta.IsStatusConditionTrue(rollout.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("not complete: counts %+v, conditions %+v", rollout.Status.Counts, rollout.Status.Conditions)
		}
		return nil
	})
	if c := rollout.Status.Counts; c.Done != int32(len(codes)) || c.Failed != 0 {
		t.Errorf("the complete rollout counts %+v, want %d done", c, len(codes))
	}
	waveOf := map[string]string{}
	for _, w := range rollout.Status.Waves {
		for _, p := range w.Provinces {
			if p.State == platformv1alpha1.RolloutSkipped {
				continue
			}
			if other, twice := waveOf[p.Code]; twice {
				t.Errorf("province %s is in waves %s and %s", p.Code, other, w.Name)
			}
			waveOf[p.Code] = w.Name
			if before, done := finished[p.Code]; done && before != stamp(p.FinishedAt) {
				t.Errorf("province %s was done at %s before a kill, and again at %s: the rollout did not resume where it was", p.Code, before, stamp(p.FinishedAt))
			}
		}
	}
	assignments := &platformv1alpha1.ProvinceAssignmentList{}
	if err := k8s.List(ctx(), assignments); err != nil {
		t.Fatal(err)
	}
	assigned := map[string]int{}
	for _, a := range assignments.Items {
		code := string(a.Spec.Province)
		assigned[code]++
		if a.Spec.Rollout != sampleRelease || a.Spec.Release != sampleRelease || a.Spec.Wave != waveOf[code] {
			t.Errorf("ProvinceAssignment %s: %+v, want release and rollout %s in wave %s", a.Name, a.Spec, sampleRelease, waveOf[code])
		}
	}
	for _, code := range codes {
		if assigned[code] != 1 {
			t.Errorf("province %s has %d assignments, want 1", code, assigned[code])
		}
	}
	eventually(t, convergeTimeout(), "the served provinces Ready on the release", func() error { return converged(codes) })
	nothingDuplicatedOrOrphaned(t, codes, 1)
	managerDidNotPanic(t)
}

// restoreRelease deletes the rollouts and their assignments, and waits
// until the provinces run the national default release again.
func restoreRelease(t *testing.T, codes []string) {
	t.Helper()
	if err := k8s.DeleteAllOf(ctx(), &platformv1alpha1.FleetRollout{}); err != nil {
		t.Error(err)
	}
	if err := k8s.DeleteAllOf(ctx(), &platformv1alpha1.ProvinceAssignment{}); err != nil {
		t.Error(err)
	}
	eventually(t, convergeTimeout(), "the served provinces Ready on the default release", func() error {
		for _, code := range codes {
			p := &platformv1alpha1.Province{}
			if err := k8s.Get(ctx(), client.ObjectKey{Name: code}, p); err != nil {
				return err
			}
			if p.Status.Release == sampleRelease {
				return fmt.Errorf("Province %s still runs %s", code, sampleRelease)
			}
		}
		return converged(codes)
	})
}

// stamp prints a status timestamp, empty when unset.
func stamp(at *metav1.Time) string {
	if at == nil {
		return ""
	}
	return at.UTC().Format(time.RFC3339)
}
