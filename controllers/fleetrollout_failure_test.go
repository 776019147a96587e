package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// aheadClock is the real clock moved ahead by what the tests skip.
type aheadClock struct{ ahead atomic.Int64 }

func (c *aheadClock) Now() time.Time                  { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *aheadClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Step moves the clock ahead by d.
func (c *aheadClock) Step(d time.Duration) { c.ahead.Add(int64(d)) }

// Reset brings the clock back to the real time, for a test that measures
// from objects it creates (their timestamps are the API server's).
func (c *aheadClock) Reset() { c.ahead.Store(0) }

// generations reads the generation of each object, by kind and name.
func generations(t *testing.T, objs ...client.Object) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, obj := range objs {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%T %s/%s", obj, obj.GetNamespace(), obj.GetName())] = obj.GetGeneration()
	}
	return out
}

// waitRollout waits until the rollout's status satisfies check.
func waitRollout(t *testing.T, fr *platformv1alpha1.FleetRollout, what string, check func() error) {
	t.Helper()
	eventually(t, "FleetRollout "+fr.Name+" "+what, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(fr), fr); err != nil {
			return err
		}
		if err := check(); err != nil {
			return fmt.Errorf("%w; conditions %+v, waves %+v", err, fr.Status.Conditions, fr.Status.Waves)
		}
		return nil
	})
}

// provinceState is the state the rollout reports of a province.
func provinceState(fr *platformv1alpha1.FleetRollout, code string) platformv1alpha1.ProvinceRolloutStatus {
	for _, w := range fr.Status.Waves {
		for _, p := range w.Provinces {
			if p.Code == code {
				return p
			}
		}
	}
	return platformv1alpha1.ProvinceRolloutStatus{}
}

// A province of the first wave whose stacks never become Ready on the new
// release fails its wave at the progress deadline, on the operator's clock:
// the rollout is Stalled naming the province and what its stacks report,
// the later wave never gets an assignment, and with the Rollback policy
// the province is sent back to the release it ran. Through all of it the
// operator changes no object a user wrote.
func TestAProvincePastItsDeadlineStallsTheRolloutBeforeTheNextWave(t *testing.T) {
	ensureNational(t)
	next := platformRelease("egov-2027.02", "7a3c1e9d5b2f4a6c8e0d2b4f6a8c0e2d4b6f8a0c2e4d6b8f0a2c4e6d8b0f2a4c")
	create(t, next)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), next) })
	waitRelease(t, next.Name, conformant(metav1.ConditionTrue))

	for _, tc := range []struct {
		policy, environment, reason string
		// failedAssignedTo is what the failed province is assigned after the halt.
		failedAssignedTo string
	}{
		{platformv1alpha1.FailurePolicyHalt, "preprod", platformv1alpha1.ReasonProgressDeadlineExceeded, next.Name},
		{platformv1alpha1.FailurePolicyRollback, "uat", platformv1alpha1.ReasonRolledBack, testRelease},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			ctx := context.Background()
			inEnvironment := func(p *platformv1alpha1.ProvincePortal) { p.Spec.Environment = tc.environment }
			failing, later := province(t, "42", inEnvironment), province(t, "38", inEnvironment)
			shop, node := oneStopShop(t, failing, true), docExchangeNode(t, failing)
			waitStackOnRelease(t, failing, shop, testRelease)
			waitObjectReady(t, node)
			waitPortalOn(t, later, testRelease)
			// Central ops pick the later wave by a label of their own.
			waveLabel := "example.org/wave-" + tc.environment
			patchProvince(t, "38", fmt.Sprintf(`{"metadata":{"labels":{%q:"later"}}}`, waveLabel))
			t.Cleanup(func() { patchProvince(t, "38", fmt.Sprintf(`{"metadata":{"labels":{%q:null}}}`, waveLabel)) })

			fr := &platformv1alpha1.FleetRollout{
				ObjectMeta: metav1.ObjectMeta{Name: tc.environment + "-to-2027-02"},
				Spec: platformv1alpha1.FleetRolloutSpec{
					Release: platformv1alpha1.ReleaseName(next.Name), Environment: tc.environment,
					SoakSeconds: ptr.To[int32](0), ProgressDeadlineSeconds: 300, FailurePolicy: tc.policy,
					Waves: []platformv1alpha1.Wave{
						{Name: "pilot", Provinces: []platformv1alpha1.ProvinceCode{"42"}},
						{Name: "later", Selector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{waveLabel: "later"}}},
					},
				},
			}
			create(t, fr)
			failingAssignment := platformv1alpha1.ProvinceAssignmentName("42", tc.environment)
			laterAssignment := platformv1alpha1.ProvinceAssignmentName("38", tc.environment)
			t.Cleanup(func() {
				_ = k8s.Delete(context.Background(), fr)
				for _, name := range []string{failingAssignment, laterAssignment} {
					_ = k8s.Delete(context.Background(), &platformv1alpha1.ProvinceAssignment{ObjectMeta: metav1.ObjectMeta{Name: name}})
				}
			})
			userWritten := []client.Object{failing, shop, node, later, fr, national(),
				&platformv1alpha1.Province{ObjectMeta: metav1.ObjectMeta{Name: "42"}},
				&platformv1alpha1.Province{ObjectMeta: metav1.ObjectMeta{Name: "38"}}}
			before := generations(t, userWritten...)

			// The test plays no controller for the pilot province from here on:
			// its stacks never become Ready on the new release.
			waitAssignment(t, failingAssignment, next.Name)
			waitRollout(t, fr, "reporting 42 progressing", func() error {
				if s := provinceState(fr, "42"); s.State != platformv1alpha1.RolloutProgressing || s.StartedAt == nil {
					return fmt.Errorf("42 is %+v", s)
				}
				return nil
			})
			operatorClock.Step(301 * time.Second)
			change(t, fr, func() { fr.Annotations = map[string]string{"example.org/deadline-passed": "yes"} })

			waitRollout(t, fr, "Stalled naming 42", func() error {
				stalled := meta.FindStatusCondition(fr.Status.Conditions, platformv1alpha1.ConditionStalled)
				if stalled == nil || stalled.Status != metav1.ConditionTrue || stalled.Reason != tc.reason {
					return fmt.Errorf("not Stalled with %s", tc.reason)
				}
				for _, part := range []string{"wave pilot failed", "province 42", "ProvincePortal " + failing.Namespace + "/" + failing.Name} {
					if !strings.Contains(stalled.Message, part) {
						return fmt.Errorf("Stalled message %q lacks %q", stalled.Message, part)
					}
				}
				return nil
			})
			waitAssignment(t, failingAssignment, tc.failedAssignedTo)
			if tc.policy == platformv1alpha1.FailurePolicyRollback {
				waitStackOnRelease(t, failing, shop, testRelease)
			}
			if s := provinceState(fr, "38"); s.State != platformv1alpha1.RolloutPending {
				t.Errorf("the later wave's province is %+v, want pending", s)
			}
			// Give a wrongly started later wave the time to show.
			time.Sleep(2 * time.Second)
			if err := k8s.Get(ctx, client.ObjectKey{Name: laterAssignment}, &platformv1alpha1.ProvinceAssignment{}); !apierrors.IsNotFound(err) {
				t.Errorf("the later wave started after the pilot failed (%v)", err)
			}
			for name, generation := range generations(t, userWritten...) {
				if before[name] != generation {
					t.Errorf("%s went from generation %d to %d during the rollout", name, before[name], generation)
				}
			}
		})
	}
}

// A plan made from a rollout that changed since is reported stale, not as
// an error: the change's own event plans the rollout again.
func TestAStalePlanOfARolloutIsDroppedQuietly(t *testing.T) {
	ctx := context.Background()
	fr := &platformv1alpha1.FleetRollout{
		ObjectMeta: metav1.ObjectMeta{Name: "stale-plan"},
		Spec: platformv1alpha1.FleetRolloutSpec{
			Release: "egov-never-published", Environment: "stale",
			Waves: []platformv1alpha1.Wave{{Name: "pilot", Provinces: []platformv1alpha1.ProvinceCode{"42"}}},
		},
	}
	create(t, fr)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), fr) })
	planned := fr.DeepCopy()
	change(t, fr, func() { fr.Annotations = map[string]string{"example.org/touched": "yes"} })

	stale := planned.DeepCopy()
	stale.Status.CurrentWave = "from-a-stale-plan"
	r := &FleetRolloutReconciler{deps: deps{Client: k8s}}
	if isStale, err := r.writeStatus(ctx, stale, planned); !isStale || err != nil {
		t.Fatalf("a stale plan is taken for fresh (%t) or is an error (%v)", !isStale, err)
	}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(fr), fr); err != nil {
		t.Fatal(err)
	}
	if fr.Status.CurrentWave == stale.Status.CurrentWave {
		t.Errorf("a stale plan was written: %+v", fr.Status)
	}
}

// A rollout is planned again when a stack changes what the plan reads of
// it, not on every status patch of the 34 provinces' stacks.
func TestRolloutsArePlannedOnlyOnChangesOfWhatTheyRead(t *testing.T) {
	base := &platformv1alpha1.OneStopShop{ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh", Generation: 2}}
	base.Status.ObservedGeneration, base.Status.Release = 2, testRelease
	base.Status.Conditions = []metav1.Condition{
		{Type: platformv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: platformv1alpha1.ReasonReady, Message: "ready"},
		{Type: platformv1alpha1.ConditionCertificatesReady, Status: metav1.ConditionTrue, Reason: platformv1alpha1.ReasonReady, Message: "1 certificates issued"},
	}
	cases := map[string]struct {
		change func(*platformv1alpha1.OneStopShop)
		plans  bool
	}{
		"another condition's message": {func(s *platformv1alpha1.OneStopShop) { s.Status.Conditions[1].Message = "2 certificates issued" }, false},
		"Ready":                       {func(s *platformv1alpha1.OneStopShop) { s.Status.Conditions[0].Status = metav1.ConditionFalse }, true},
		"the release":                 {func(s *platformv1alpha1.OneStopShop) { s.Status.Release = "egov-next" }, true},
		"the spec":                    {func(s *platformv1alpha1.OneStopShop) { s.Generation = 3 }, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			updated := base.DeepCopy()
			tc.change(updated)
			if got := plannedUpdate(event.UpdateEvent{ObjectOld: base, ObjectNew: updated}); got != tc.plans {
				t.Errorf("plans again: %v, want %v", got, tc.plans)
			}
		})
	}
}

// A province's integration platform runs the release too, and its systems
// reach national data through it: the plan reads it with the other stacks.
func TestARolloutJudgesTheProvincesGatewayToo(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "egov-hatinh", Labels: map[string]string{platformv1alpha1.ProvinceLabel: "42"}}}
	portal := &platformv1alpha1.ProvincePortal{ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: ns.Name},
		Spec: platformv1alpha1.ProvincePortalSpec{Province: platformv1alpha1.ProvinceRef{Code: "42"}, Environment: "production"}}
	older := metav1.NewTime(time.Now().Add(-time.Hour))
	gateway := &platformv1alpha1.IntegrationPlatform{ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: ns.Name, CreationTimestamp: older}}
	// A newer duplicate is Stalled and applies nothing; a shop being
	// deleted runs nothing more: neither may hold the province back.
	duplicate := &platformv1alpha1.IntegrationPlatform{ObjectMeta: metav1.ObjectMeta{Name: "decoy", Namespace: ns.Name, CreationTimestamp: metav1.Now()}}
	leaving := &platformv1alpha1.OneStopShop{ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: ns.Name,
		DeletionTimestamp: &older, Finalizers: []string{platformv1alpha1.PrivateKeysFinalizer}}}
	c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(ns, national(), portal, gateway, duplicate, leaving).Build()
	stacks, err := (&FleetRolloutReconciler{deps: deps{Client: c}}).stacks(context.Background(), "production")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range stacks {
		names = append(names, s.Name)
	}
	if !slices.Contains(names, "IntegrationPlatform egov-hatinh/hatinh") {
		t.Errorf("the plan reads %v, not the province's integration platform", names)
	}
	for _, ignored := range []string{"IntegrationPlatform egov-hatinh/decoy", "OneStopShop egov-hatinh/hatinh"} {
		if slices.Contains(names, ignored) {
			t.Errorf("the plan reads %v, with %s", names, ignored)
		}
	}
}
