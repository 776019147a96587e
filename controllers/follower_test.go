package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
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
