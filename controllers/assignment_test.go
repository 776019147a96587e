package controllers

import (
	"context"
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// waitRelease plays the missing controllers until the portal and its
// one-stop-shop report the release.
func waitStackOnRelease(t *testing.T, p *platformv1alpha1.ProvincePortal, shop *platformv1alpha1.OneStopShop, want string) {
	t.Helper()
	eventually(t, fmt.Sprintf("ProvincePortal %s and its OneStopShop on %s", p.Name, want), func() error {
		_ = playControllers(p.Namespace)
		for _, obj := range []client.Object{p, shop} {
			if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
		}
		if p.Status.Release != want || shop.Status.Release != want {
			return fmt.Errorf("the portal runs %q, the one-stop-shop %q", p.Status.Release, shop.Status.Release)
		}
		return nil
	})
}

func TestEffectiveReleaseIsThePinThenTheAssignmentThenTheDefault(t *testing.T) {
	ctx := context.Background()
	ensureNational(t)
	next := &platformv1alpha1.PlatformRelease{}
	if err := k8s.Get(ctx, client.ObjectKey{Name: testRelease}, next); err != nil {
		t.Fatal(err)
	}
	next.ObjectMeta = metav1.ObjectMeta{Name: "egov-2026.12"}
	create(t, next)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), next) })

	p := province(t, "42", func(p *platformv1alpha1.ProvincePortal) { p.Spec.Environment = "training" })
	shop := oneStopShop(t, p, true)
	waitStackOnRelease(t, p, shop, testRelease)

	assignment := &platformv1alpha1.ProvinceAssignment{
		ObjectMeta: metav1.ObjectMeta{Name: "42-training"},
		Spec: platformv1alpha1.ProvinceAssignmentSpec{
			Province: "42", Environment: "training", Release: "egov-2026.12", PreviousRelease: testRelease,
			Rollout: "to-2026-12", Wave: "pilot",
		},
	}
	create(t, assignment)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), assignment) })
	waitStackOnRelease(t, p, shop, "egov-2026.12")

	change(t, p, func() { p.Spec.Release = testRelease })
	waitStackOnRelease(t, p, shop, testRelease)

	change(t, p, func() { p.Spec.Release = "" })
	waitStackOnRelease(t, p, shop, "egov-2026.12")
	if err := k8s.Delete(ctx, assignment); err != nil {
		t.Fatal(err)
	}
	waitStackOnRelease(t, p, shop, testRelease)
}
