package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/fleet"
)

// waitPortalOn plays the missing controllers until the portal runs the
// release, Ready.
func waitPortalOn(t *testing.T, p *platformv1alpha1.ProvincePortal, release string) {
	t.Helper()
	eventually(t, fmt.Sprintf("ProvincePortal %s on %s", p.Name, release), func() error {
		_ = playControllers(p.Namespace)
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(p), p); err != nil {
			return err
		}
		if p.Status.Release != release || !conditions.IsTrue(p.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("runs %q, conditions %+v", p.Status.Release, p.Status.Conditions)
		}
		return nil
	})
}

// waitAssignment waits for the assignment of a province's stack to name the release.
func waitAssignment(t *testing.T, name, release string) {
	t.Helper()
	eventually(t, "ProvinceAssignment "+name+" of "+release, func() error {
		a := &platformv1alpha1.ProvinceAssignment{}
		if err := k8s.Get(context.Background(), client.ObjectKey{Name: name}, a); err != nil {
			return err
		}
		if string(a.Spec.Release) != release {
			return fmt.Errorf("assigns %s", a.Spec.Release)
		}
		return nil
	})
}

func TestAFleetRolloutMovesItsWavesInOrderThenIdles(t *testing.T) {
	ctx := context.Background()
	ensureNational(t)
	// New images, so that a stack takes a rollout of its workloads to move.
	next := platformRelease("egov-2027.01", "1e6d4f6ce3fb8e4fce2e2b3b5d9d5cc0e9b2f9f4d8b2c6cae4a0fa7b2d3e4f50")
	create(t, next)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), next) })
	waitRelease(t, next.Name, conformant(metav1.ConditionTrue))

	staging := func(p *platformv1alpha1.ProvincePortal) { p.Spec.Environment = "staging" }
	first, second := province(t, "01", staging), province(t, "04", staging)
	waitPortalOn(t, first, testRelease)
	waitPortalOn(t, second, testRelease)

	fr := &platformv1alpha1.FleetRollout{
		ObjectMeta: metav1.ObjectMeta{Name: "staging-to-2027-01"},
		Spec: platformv1alpha1.FleetRolloutSpec{
			Release: platformv1alpha1.ReleaseName(next.Name), Environment: "staging", SoakSeconds: ptr.To[int32](0),
			Waves: []platformv1alpha1.Wave{
				{Name: "first", Provinces: []platformv1alpha1.ProvinceCode{"01"}},
				{Name: "second", Provinces: []platformv1alpha1.ProvinceCode{"04"}},
			},
		},
	}
	create(t, fr)
	t.Cleanup(func() {
		_ = k8s.Delete(context.Background(), fr)
		for _, name := range []string{"01-staging", "04-staging"} {
			_ = k8s.Delete(context.Background(), &platformv1alpha1.ProvinceAssignment{ObjectMeta: metav1.ObjectMeta{Name: name}})
		}
	})

	waitAssignment(t, "01-staging", next.Name)
	if err := k8s.Get(ctx, client.ObjectKey{Name: "04-staging"}, &platformv1alpha1.ProvinceAssignment{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the second wave started before the first was done (%v)", err)
	}
	waitPortalOn(t, first, next.Name)
	waitAssignment(t, "04-staging", next.Name)
	waitPortalOn(t, second, next.Name)
	eventually(t, "FleetRollout Ready", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(fr), fr); err != nil {
			return err
		}
		if !conditions.IsTrue(fr.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("conditions %+v, waves %+v", fr.Status.Conditions, fr.Status.Waves)
		}
		return nil
	})
	if c := fr.Status.Counts; c.Done != 2 || c.Total != 2 {
		t.Errorf("a finished rollout counts %+v, want 2 of 2 done", c)
	}

	// Wake the finished rollout once the stacks settled: it writes nothing.
	expectNoWritesAfter(t, func() {
		change(t, fr, func() { fr.Annotations = map[string]string{"example.org/touched": "yes"} })
	}, "fleetrollout")
}

// A portal claiming a province from a namespace not assigned to it (a
// squatter in another province's namespace) speaks for no one: it can
// neither pin the province out of a rollout nor hold its wave back.
func TestASquattingPortalIsNoStackOfTheProvince(t *testing.T) {
	ensureNational(t)
	real := waitReady(t, province(t, "86"))
	squatter := &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: "vinhlong", Namespace: province(t, "91").Namespace},
		Spec: platformv1alpha1.ProvincePortalSpec{
			Province: platformv1alpha1.ProvinceRef{Code: "86"}, OrganID: fleet.PlaceholderOrganID,
			Domain: "dichvucong.vinhlong.gov.vn", Release: "egov-pinned-away",
		},
	}
	create(t, squatter)
	t.Cleanup(func() { deletePortal(t, squatter) })
	waitStalled(t, squatter, platformv1alpha1.ReasonNamespaceNotAssigned)
	stacks, err := (&FleetRolloutReconciler{deps: deps{Client: k8s}}).stacks(context.Background(), "production")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stacks {
		if s.Province == "86" && (s.Pin != "" || strings.Contains(s.Name, squatter.Namespace)) {
			t.Errorf("province 86 counts %s (pin %q), a claim from a namespace assigned to 91", s.Name, s.Pin)
		}
	}
	found := false
	for _, s := range stacks {
		found = found || s.Name == "ProvincePortal "+real.Namespace+"/"+real.Name
	}
	if !found {
		t.Errorf("the portal serving 86 is not among the stacks: %+v", stacks)
	}
}
