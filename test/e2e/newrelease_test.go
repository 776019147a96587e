//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

const newRelease = "egov-2026.12"

// components are the pod names each kind runs, to find its pods.
var components = map[string][]string{
	"ProvincePortal":  {render.RolePortal},
	"OneStopShop":     {render.RoleMotcuaWeb, render.RoleMotcuaWorker},
	"DocExchangeNode": {render.RoleEdxmlNode},
}

// publishNewRelease publishes a release with every image and version changed.
func publishNewRelease(t *testing.T, from string) map[string]string {
	t.Helper()
	old := &platformv1alpha1.PlatformRelease{}
	if err := k8s.Get(ctx(), client.ObjectKey{Name: from}, old); err != nil {
		t.Fatal(err)
	}
	rel := &platformv1alpha1.PlatformRelease{ObjectMeta: metav1.ObjectMeta{Name: newRelease}, Spec: *old.Spec.DeepCopy()}
	rel.Spec.Version = "2026.12.0"
	versions := map[string]string{}
	for i := range rel.Spec.Components {
		c := &rel.Spec.Components[i]
		c.Image = c.Image[:len(c.Image)-4] + "beef"
		c.Version += "-1"
		versions[c.Name] = c.Version
	}
	if err := k8s.Create(ctx(), rel); err != nil {
		t.Fatal(err)
	}
	return versions
}

// A release change rolls every stack, and no object reports Ready on the
// new release while an old pod still runs: each passes through Ready=False
// (RollingOut) first, and when it is Ready again every pod runs the new version.
func TestReleaseChangeIsReadyOnlyWhenNoOldPodRemains(t *testing.T) {
	national := &platformv1alpha1.NationalPlatform{}
	if err := k8s.Get(ctx(), client.ObjectKey{Name: platformv1alpha1.NationalPlatformName}, national); err != nil {
		t.Fatal(err)
	}
	versions := publishNewRelease(t, string(national.Spec.DefaultRelease))
	wantVersion := map[string]string{
		"ProvincePortal": versions[platformv1alpha1.ComponentPortal], "OneStopShop": versions[platformv1alpha1.ComponentOneStopShop],
		"DocExchangeNode": versions[platformv1alpha1.ComponentDocExchange],
	}
	// The whole fleet rolls (about 450 pods on three kwok nodes): a budget
	// for a busy machine, not a measure of speed.
	watchCtx, cancel := context.WithTimeout(ctx(), 12*time.Minute)
	defer cancel()
	events := make(chan watch.Event)
	remaining := map[string]bool{}
	for _, list := range []client.ObjectList{&platformv1alpha1.ProvincePortalList{}, &platformv1alpha1.OneStopShopList{}, &platformv1alpha1.DocExchangeNodeList{}} {
		if err := k8s.List(ctx(), list); err != nil {
			t.Fatal(err)
		}
		items, _ := meta.ExtractList(list)
		for _, it := range items {
			// Only serving stacks move (a province deleted above leaves its followers stalled).
			if obj := it.(stackObject); meta.IsStatusConditionTrue(obj.StatusCommon().Conditions, platformv1alpha1.ConditionReady) {
				remaining[key(obj)] = true
			}
		}
		w, err := k8s.Watch(watchCtx, list)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		go func() {
			for e := range w.ResultChan() {
				events <- e
			}
		}()
	}
	national.Spec.DefaultRelease = newRelease
	if err := k8s.Update(ctx(), national); err != nil {
		t.Fatal(err)
	}

	// Watch events show every transition; a periodic list backs them up
	// should a watch end early.
	notReadySeen := map[string]bool{}
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	for len(remaining) > 0 {
		var seen []runtime.Object
		select {
		case e := <-events:
			seen = []runtime.Object{e.Object}
		case <-ticker.C:
			seen = listStacks(t)
		case <-watchCtx.Done():
			t.Fatalf("%d objects never became Ready on %s: %v", len(remaining), newRelease, describeRemaining(t, remaining))
		}
		for _, o := range seen {
			obj, ok := o.(stackObject)
			if !ok || !remaining[key(obj)] {
				continue
			}
			status := obj.StatusCommon()
			if !meta.IsStatusConditionTrue(status.Conditions, platformv1alpha1.ConditionReady) || status.ObservedGeneration != obj.GetGeneration() {
				notReadySeen[key(obj)] = true
				continue
			}
			if obj.StackStatus().Release != newRelease {
				continue
			}
			delete(remaining, key(obj))
			if !notReadySeen[key(obj)] {
				t.Errorf("%s reported Ready on %s without passing through Ready=False", key(obj), newRelease)
			}
			kind := kindName(obj)
			if old := oldPods(t, obj, components[kind], wantVersion[kind]); len(old) > 0 {
				t.Errorf("%s reported Ready on %s while old pods still ran: %v", key(obj), newRelease, old)
			}
		}
	}
}

// stackObject is a ProvincePortal, OneStopShop or DocExchangeNode.
type stackObject interface {
	client.Object
	StatusCommon() *platformv1alpha1.CommonStatus
	StackStatus() platformv1alpha1.ProvinceStatus
}

// listStacks lists every ProvincePortal, OneStopShop and DocExchangeNode.
func listStacks(t *testing.T) []runtime.Object {
	t.Helper()
	var all []runtime.Object
	for _, list := range []client.ObjectList{&platformv1alpha1.ProvincePortalList{}, &platformv1alpha1.OneStopShopList{}, &platformv1alpha1.DocExchangeNodeList{}} {
		if err := k8s.List(ctx(), list); err != nil {
			t.Fatal(err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, items...)
	}
	return all
}

// describeRemaining says where each object still waiting stands.
func describeRemaining(t *testing.T, remaining map[string]bool) []string {
	var out []string
	for _, o := range listStacks(t) {
		obj := o.(stackObject)
		if remaining[key(obj)] {
			ready := meta.FindStatusCondition(obj.StatusCommon().Conditions, platformv1alpha1.ConditionReady)
			out = append(out, fmt.Sprintf("%s on %s: %+v", key(obj), obj.StackStatus().Release, ready))
		}
	}
	return out
}

func key(obj client.Object) string {
	return kindName(obj) + " " + obj.GetNamespace() + "/" + obj.GetName()
}

func kindName(obj client.Object) string {
	switch obj.(type) {
	case *platformv1alpha1.ProvincePortal:
		return "ProvincePortal"
	case *platformv1alpha1.OneStopShop:
		return "OneStopShop"
	}
	return "DocExchangeNode"
}

// oldPods lists the owner's running pods (not terminating) of another version.
func oldPods(t *testing.T, owner client.Object, names []string, version string) []string {
	t.Helper()
	pods := &corev1.PodList{}
	if err := k8s.List(ctx(), pods, client.InNamespace(owner.GetNamespace()), client.MatchingLabels{render.LabelInstance: owner.GetName()}); err != nil {
		t.Fatal(err)
	}
	var old []string
	for _, p := range pods.Items {
		if p.DeletionTimestamp != nil || !slices.Contains(names, p.Labels[render.LabelName]) {
			continue
		}
		if p.Labels[render.LabelVersion] != version {
			old = append(old, fmt.Sprintf("%s (%s)", p.Name, p.Labels[render.LabelVersion]))
		}
	}
	return old
}
