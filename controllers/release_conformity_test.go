package controllers

import (
	"context"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// A stack checks its release at the reconciler's clock: until the first
// declaration expires it gets the component and the expiry to come back at;
// from then on the release is refused.
func TestGetReleaseRefusesAReleaseWhoseDeclarationExpired(t *testing.T) {
	rel := platformRelease("egov-expiring", otherDigest)
	rel.Spec.Components[2].Conformity.ValidUntil = "2026-12-31"
	c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(rel).Build()
	expiry := time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*60*60))

	comp, next, err := getRelease(context.Background(), c, rel.Name, platformv1alpha1.ComponentPortal, expiry.Add(-time.Second))
	if err != nil || comp.Name != platformv1alpha1.ComponentPortal || !next.Equal(expiry) {
		t.Fatalf("before the expiry: component %q, next check %v, error %v", comp.Name, next, err)
	}
	_, _, err = getRelease(context.Background(), c, rel.Name, platformv1alpha1.ComponentPortal, expiry)
	u, ok := conditions.AsUserError(err)
	if !ok || u.Reason != platformv1alpha1.ReasonReleaseNotConformant ||
		!strings.Contains(u.Message, `PlatformRelease "egov-expiring"`) || !strings.Contains(u.Message, "component docExchange declaration CB-1 expired after 2026-12-31") {
		t.Fatalf("at the expiry: %v", err)
	}
}

// A non-conformant release is never applied: the portal and its
// one-stop-shop stall and their workloads stay as they were; pointing them
// to a conformant release recovers both.
func TestNonConformantReleaseStallsTheStackAndChangesNothing(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "44"))
	shop := oneStopShop(t, p, true)
	waitObjectReady(t, shop)
	portalDeployment := portalChild(p, &appsv1.Deployment{}, render.RolePortal)
	shopDeployment := &appsv1.Deployment{}
	shopDeployment.Namespace, shopDeployment.Name = p.Namespace, render.OneStopShopOwner(shop, p).Name(render.RoleMotcuaWeb)
	before := map[client.Object]string{}
	for _, d := range []client.Object{portalDeployment, shopDeployment} {
		if err := exists(d); err != nil {
			t.Fatal(err)
		}
		before[d] = d.GetResourceVersion()
	}

	bad := platformRelease("egov-undeclared", otherDigest)
	bad.Spec.Components[2].Conformity.Regulations = []string{"QCVN 109:2017/BTTTT"}
	create(t, bad)
	change(t, p, func() { p.Spec.Release = platformv1alpha1.ReleaseName(bad.Name) })
	stalled := waitStalled(t, p, platformv1alpha1.ReasonReleaseNotConformant)
	if !strings.Contains(stalled.Message, bad.Name) || !strings.Contains(stalled.Message, "component docExchange does not declare conformity to QCVN 102:2016/BTTTT") {
		t.Errorf("message: %s", stalled.Message)
	}
	waitObjectStalled(t, shop, platformv1alpha1.ReasonReleaseNotConformant)
	// Give a wrong apply time to land.
	time.Sleep(2 * time.Second)
	for d, version := range before {
		if err := exists(d); err != nil {
			t.Fatal(err)
		}
		if d.GetResourceVersion() != version {
			t.Errorf("Deployment %s was written while its release is not conformant", d.GetName())
		}
	}
	if live := getPortal(t, p); live.Status.Release != testRelease || shop.Status.Release != testRelease {
		t.Errorf("status.release %q and %q, want the release still running, %s", live.Status.Release, shop.Status.Release, testRelease)
	}

	good := platformRelease("egov-declared", otherDigest)
	create(t, good)
	change(t, p, func() { p.Spec.Release = platformv1alpha1.ReleaseName(good.Name) })
	waitReady(t, p)
	waitObjectReady(t, shop)
	if err := exists(portalDeployment); err != nil {
		t.Fatal(err)
	}
	if image := portalDeployment.(*appsv1.Deployment).Spec.Template.Spec.Containers[0].Image; !strings.HasSuffix(image, otherDigest) {
		t.Errorf("the portal runs %s, not the conformant release", image)
	}
}
