package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// The followers' pods import the portal's interconnect ConfigMap: they roll
// with it, once, not with a national change the portal has not applied.
func TestFollowersWaitForTheirPausedPortalThenRollOnceWithItsConfigMap(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	p := waitReady(t, province(t, "04"))
	s := oneStopShop(t, p, true)
	d := docExchangeNode(t, p)
	waitObjectReady(t, s)
	waitObjectReady(t, d)
	shop := render.OneStopShopOwner(s, p)
	workloads := []client.Object{
		named(&appsv1.Deployment{}, shop.Name(render.RoleMotcuaWeb)), named(&appsv1.Deployment{}, shop.Name(render.RoleMotcuaWorker)),
		named(&appsv1.StatefulSet{}, render.DocExchangeStatefulSet(d)),
	}
	generations := func() map[string]int64 {
		t.Helper()
		out := map[string]int64{}
		for _, w := range workloads {
			w.SetNamespace(p.Namespace)
			if err := exists(w); err != nil {
				t.Fatal(err)
			}
			out[w.GetName()] = w.GetGeneration()
		}
		return out
	}
	before := generations()

	change(t, p, func() { p.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"} })
	n := national()
	syncURL := n.Spec.PublicServicePortal.SyncURL
	change(t, n, func() { n.Spec.PublicServicePortal.SyncURL = "https://dichvucong.gov.vn/api/v2/dongbo" })
	t.Cleanup(func() { change(t, n, func() { n.Spec.PublicServicePortal.SyncURL = syncURL }) })
	reconciled := reconciles(t, "onestopshop") + reconciles(t, "docexchangenode")
	// Wake them besides the national change, and count their reconciles.
	for _, obj := range []client.Object{s, d} {
		change(t, obj, func() { obj.SetAnnotations(map[string]string{"example.org/touched": "yes"}) })
	}
	eventually(t, "the followers reconciled", func() error {
		if reconciles(t, "onestopshop")+reconciles(t, "docexchangenode") < reconciled+2 {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	// Give a wrongly applied change time to land.
	time.Sleep(time.Second)
	if got := generations(); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("the followers of a paused portal changed their workloads: %v → %v", before, got)
	}
	for _, obj := range []object{s, d} {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			t.Fatal(err)
		}
		if c := condOf(obj, platformv1alpha1.ConditionPortalReady); c == nil || c.Reason != platformv1alpha1.ReasonWaitingForPortal || !strings.Contains(c.Message, "paused") {
			t.Errorf("%T says why it waits in PortalReady: %+v", obj, c)
		}
	}

	change(t, p, func() { delete(p.Annotations, platformv1alpha1.PausedAnnotation) })
	interconnect := portalChild(p, &corev1.ConfigMap{}, render.RoleInterconnect).(*corev1.ConfigMap)
	eventually(t, "the portal applies the new sync URL", func() error {
		if err := exists(interconnect); err != nil {
			return err
		}
		if got := interconnect.Data["EGOV_NATIONAL_SYNC_URL"]; got != "https://dichvucong.gov.vn/api/v2/dongbo" {
			return fmt.Errorf("EGOV_NATIONAL_SYNC_URL %s", got)
		}
		return nil
	})
	waitObjectReady(t, s)
	waitObjectReady(t, d)
	// Let a second roll, if any, happen.
	time.Sleep(time.Second)
	for name, g := range generations() {
		if g != before[name]+1 {
			t.Errorf("%s rolled %d times, want once", name, g-before[name])
		}
	}
}

// The gateway's certificate and its calls to NDXP name the portal's
// province and agency: it takes them only once the portal has published
// them, and never another province's agency, even from ConfigMaps a
// namespace admin edited to match (here Hà Nội's committee from Hà Tĩnh).
func TestTheGatewayTakesOnlyTheAgencyThePortalPublishedAndMayUse(t *testing.T) {
	n := national()
	portal := &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh", UID: "portal"},
		Spec: platformv1alpha1.ProvincePortalSpec{Province: platformv1alpha1.ProvinceRef{Code: "42"},
			OrganID: "000.00.00.H27", Domain: "dichvucong.hatinh.gov.vn"},
	}
	owned := metav1.ObjectMeta{Namespace: portal.Namespace,
		OwnerReferences: []metav1.OwnerReference{{Kind: "ProvincePortal", Name: portal.Name, UID: portal.UID, Controller: ptr.To(true)}}}
	configMap := func(role string, data map[string]string) *corev1.ConfigMap {
		cm := &corev1.ConfigMap{ObjectMeta: *owned.DeepCopy(), Data: data}
		cm.Name = render.PortalOwner(portal).Name(role)
		return cm
	}
	issuer := &cmapi.Issuer{ObjectMeta: metav1.ObjectMeta{Name: render.SubCAIssuerName(portal.Name), Namespace: portal.Namespace},
		Status: cmapi.IssuerStatus{Conditions: []cmapi.IssuerCondition{{Type: cmapi.IssuerConditionReady, Status: cmmeta.ConditionTrue}}}}
	cases := map[string]struct {
		spec, published platformv1alpha1.OrganID
		waitsFor        string
	}{
		"published":              {"000.00.00.H27", "000.00.00.H27", ""},
		"not yet published":      {"000.00.01.H27", "000.00.00.H27", render.OrganIDKey},
		"another province's":     {"000.00.00.H26", "000.00.00.H26", "not under 000.00.00.H27"},
		"another, not published": {"000.00.00.H26", "000.00.00.H27", "not under 000.00.00.H27"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			live, publishedBy := portal.DeepCopy(), portal.DeepCopy()
			live.Spec.OrganID, publishedBy.Spec.OrganID = tc.spec, tc.published
			c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(n, platformRelease(testRelease, "0d5c"), live, issuer,
				configMap(render.RoleInterconnect, render.Interconnect(publishedBy, n, nil)),
				configMap(render.RoleTrustBundle, map[string]string{render.TrustBundleKey: "bundle"})).Build()
			gateway := &platformv1alpha1.IntegrationPlatform{ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: portal.Namespace}}
			_, err := resolvePortal(context.Background(), c, gateway, platformv1alpha1.LocalObjectReference{Name: portal.Name},
				platformv1alpha1.ComponentIntegration, time.Now())
			ready := meta.FindStatusCondition(gateway.Status.Conditions, platformv1alpha1.ConditionPortalReady)
			if tc.waitsFor == "" {
				if err != nil || ready == nil || ready.Status != metav1.ConditionTrue {
					t.Errorf("the gateway waits for a portal that published its organId: %v, %+v", err, ready)
				}
				return
			}
			if !errors.Is(err, errWaiting) || ready == nil || ready.Reason != platformv1alpha1.ReasonWaitingForPortal ||
				!strings.Contains(ready.Message, tc.waitsFor) {
				t.Errorf("the gateway must wait for %q: %v, %+v", tc.waitsFor, err, ready)
			}
		})
	}
}

// A follower's status.release names the release its stack was last applied
// with: while it waits to apply a new one (here for its paused portal), it
// keeps naming the one its pods run.
func TestAFollowerReportsTheReleaseItApplied(t *testing.T) {
	ensureNational(t)
	create(t, platformRelease("egov-next", otherDigest))
	p := waitReady(t, province(t, "25"))
	shop := oneStopShop(t, p, true)
	waitObjectReady(t, shop)

	change(t, p, func() {
		p.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"}
		p.Spec.Release = "egov-next"
	})
	change(t, shop, func() { shop.Annotations = map[string]string{"example.org/touched": "yes"} })
	eventually(t, "the one-stop-shop waits for its paused portal", func() error {
		if err := exists(shop); err != nil {
			return err
		}
		if c := condOf(shop, platformv1alpha1.ConditionPortalReady); c == nil || c.Reason != platformv1alpha1.ReasonWaitingForPortal || c.ObservedGeneration != shop.Generation {
			return fmt.Errorf("PortalReady: %+v", c)
		}
		return nil
	})
	if shop.Status.Release != testRelease {
		t.Errorf("waiting to apply egov-next, the one-stop-shop reports release %q, want %q", shop.Status.Release, testRelease)
	}

	change(t, p, func() { p.Annotations = nil })
	eventually(t, "the one-stop-shop on egov-next", func() error {
		_ = playControllers(p.Namespace)
		if err := exists(shop); err != nil {
			return err
		}
		if shop.Status.Release != "egov-next" {
			return fmt.Errorf("release %q", shop.Status.Release)
		}
		return nil
	})
}
