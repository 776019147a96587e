//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

func TestAllProvincesAreReady(t *testing.T) {
	portals := &platformv1alpha1.ProvincePortalList{}
	if err := k8s.List(ctx(), portals); err != nil {
		t.Fatal(err)
	}
	ready := 0
	for i := range portals.Items {
		if meta.IsStatusConditionTrue(portals.Items[i].Status.Conditions, platformv1alpha1.ConditionReady) {
			ready++
		}
	}
	if ready != 34 {
		t.Fatalf("%d of %d ProvincePortals Ready, want 34", ready, len(portals.Items))
	}
	national := &platformv1alpha1.NationalPlatform{}
	eventually(t, 30e9, "the fleet summary", func() error {
		if err := k8s.Get(ctx(), client.ObjectKey{Name: platformv1alpha1.NationalPlatformName}, national); err != nil {
			return err
		}
		if p := national.Status.Provinces; p == nil || p.Total != 34 || p.Ready != 34 {
			return fmt.Errorf("NationalPlatform status.provinces %+v", p)
		}
		return nil
	})
}

// After the demo every Province reads Ready: kubectl get provinces shows the
// whole country served.
func TestEveryProvinceReadsReady(t *testing.T) {
	eventually(t, 30e9, "every Province Ready", func() error {
		list := &platformv1alpha1.ProvinceList{}
		if err := k8s.List(ctx(), list); err != nil {
			return err
		}
		if len(list.Items) != len(provinces.Codes()) {
			return fmt.Errorf("%d Provinces, want %d", len(list.Items), len(provinces.Codes()))
		}
		for _, p := range list.Items {
			if !meta.IsStatusConditionTrue(p.Status.Conditions, platformv1alpha1.ConditionReady) {
				return fmt.Errorf("Province %s (%s) is not Ready: %+v", p.Name, p.Spec.DisplayName, p.Status.Conditions)
			}
			if p.Labels[platformv1alpha1.RegionLabel] == "" || p.Status.Release == "" {
				return fmt.Errorf("Province %s: labels %v, release %q", p.Name, p.Labels, p.Status.Release)
			}
		}
		return nil
	})
}

// Every generated pod was admitted under `enforce: restricted` and runs on a kwok node.
func TestWorkloadsRunOnKwokNodesUnderRestrictedPodSecurity(t *testing.T) {
	for _, u := range provinces.All() {
		ns := &corev1.Namespace{}
		if err := k8s.Get(ctx(), client.ObjectKey{Name: fleet.Namespace(u)}, ns); err != nil {
			t.Fatal(err)
		}
		if ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			t.Errorf("%s does not enforce the restricted standard: %v", ns.Name, ns.Labels)
		}
		pods := &corev1.PodList{}
		if err := k8s.List(ctx(), pods, client.InNamespace(ns.Name)); err != nil {
			t.Fatal(err)
		}
		byComponent := map[string]int{}
		for _, p := range pods.Items {
			if p.Status.Phase != corev1.PodRunning || !strings.HasPrefix(p.Spec.NodeName, "kwok-node-") {
				t.Errorf("%s/%s: phase %s on node %q", ns.Name, p.Name, p.Status.Phase, p.Spec.NodeName)
			}
			byComponent[p.Labels["app.kubernetes.io/name"]]++
		}
		want := map[string]int{"portal": 2, "motcua-web": 2, "motcua-worker": 1, "motcua-inbound": 2, "motcua-postal-callback": 2, "edxml-node": 1}
		for component, n := range want {
			if byComponent[component] < n {
				t.Errorf("%s: %d %s pods running, want %d", ns.Name, byComponent[component], component, n)
			}
		}
	}
}

// Every workload was created once, with its final pod template: each
// Deployment has a single ReplicaSet (revision 1), each StatefulSet runs one
// revision and never deleted a pod to replace it. A workload may roll only
// when cert-manager reissued one of its owner's certificates (a new key pair
// must reach the pods); such rolls are counted against the reissues.
func TestWorkloadsWereCreatedOnce(t *testing.T) {
	owned := client.MatchingLabels{render.LabelManagedBy: render.ManagedBy}
	certificates := &cmapi.CertificateList{}
	if err := k8s.List(ctx(), certificates, owned); err != nil {
		t.Fatal(err)
	}
	reissues := map[string]int{}
	for _, c := range certificates.Items {
		if c.Status.Revision != nil {
			reissues[ownerOf(&c)] += *c.Status.Revision - 1
		}
	}
	deployments := &appsv1.DeploymentList{}
	if err := k8s.List(ctx(), deployments, owned); err != nil {
		t.Fatal(err)
	}
	sets := &appsv1.ReplicaSetList{}
	if err := k8s.List(ctx(), sets); err != nil {
		t.Fatal(err)
	}
	replicaSets := map[string]int{}
	for _, rs := range sets.Items {
		if ref := metav1.GetControllerOf(&rs); ref != nil && ref.Kind == "Deployment" {
			replicaSets[rs.Namespace+"/"+ref.Name]++
		}
	}
	for _, d := range deployments.Items {
		got, allowed := replicaSets[d.Namespace+"/"+d.Name], 1+reissues[ownerOf(&d)]
		if got > allowed || got == 0 {
			t.Errorf("Deployment %s/%s has %d ReplicaSets; its owner's certificates were reissued %d times", d.Namespace, d.Name, got, allowed-1)
		} else if got > 1 {
			t.Logf("Deployment %s/%s rolled %d times, once per reissue of its owner's certificates", d.Namespace, d.Name, got-1)
		}
	}
	statefulSets := &appsv1.StatefulSetList{}
	if err := k8s.List(ctx(), statefulSets, owned); err != nil {
		t.Fatal(err)
	}
	events := &eventsv1.EventList{}
	if err := k8s.List(ctx(), events); err != nil {
		t.Fatal(err)
	}
	podsDeleted := map[string]int{}
	for _, e := range events.Items {
		if e.Regarding.Kind == "StatefulSet" && e.Reason == "SuccessfulDelete" {
			podsDeleted[e.Regarding.Namespace+"/"+e.Regarding.Name] += max(1, int(e.DeprecatedCount))
		}
	}
	for _, s := range statefulSets.Items {
		if s.Status.CurrentRevision != s.Status.UpdateRevision {
			t.Errorf("StatefulSet %s/%s: current revision %s, update revision %s", s.Namespace, s.Name, s.Status.CurrentRevision, s.Status.UpdateRevision)
		}
		if got, allowed := podsDeleted[s.Namespace+"/"+s.Name], reissues[ownerOf(&s)]; got > allowed {
			t.Errorf("StatefulSet %s/%s deleted %d pods; its owner's certificates were reissued %d times", s.Namespace, s.Name, got, allowed)
		}
	}
	if len(deployments.Items) < 3*34 || len(statefulSets.Items) < 34 {
		t.Errorf("%d Deployments and %d StatefulSets, want the whole fleet's", len(deployments.Items), len(statefulSets.Items))
	}
}

// ownerOf names an object's controller as kind namespace/name.
func ownerOf(obj client.Object) string {
	ref := metav1.GetControllerOf(obj)
	if ref == nil {
		return ""
	}
	return ref.Kind + " " + obj.GetNamespace() + "/" + ref.Name
}
