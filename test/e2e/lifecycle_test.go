//go:build e2e

package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

func gone(obj client.Object) func() error {
	return func() error {
		if err := k8s.Get(ctx(), client.ObjectKeyFromObject(obj), obj); !apierrors.IsNotFound(err) {
			return fmt.Errorf("%T %s still there (%v)", obj, obj.GetName(), err)
		}
		return nil
	}
}

func claims(t *testing.T, namespace string) map[string]corev1.PersistentVolumeClaim {
	t.Helper()
	list := &corev1.PersistentVolumeClaimList{}
	if err := k8s.List(ctx(), list, client.InNamespace(namespace)); err != nil {
		t.Fatal(err)
	}
	out := map[string]corev1.PersistentVolumeClaim{}
	for _, c := range list.Items {
		out[c.Name] = c
	}
	return out
}

// Deleting a DocExchangeNode garbage-collects its StatefulSet and keeps its
// claims and volumes; recreating it reuses the very same claims.
func TestDocExchangeNodeStorageSurvivesItsNode(t *testing.T) {
	u, _ := provinces.Lookup("42")
	ns := fleet.Namespace(u)
	before := claims(t, ns)
	if len(before) == 0 {
		t.Fatal("the node has no claim")
	}
	node := &platformv1alpha1.DocExchangeNode{}
	node.Namespace, node.Name = ns, u.Slug
	if err := k8s.Delete(ctx(), node); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "node deleted", gone(node))
	sts := &appsv1.StatefulSet{}
	sts.Namespace, sts.Name = ns, u.Slug+"-"+render.RoleEdxmlNode
	eventually(t, time.Minute, "StatefulSet garbage-collected", gone(sts))
	after := claims(t, ns)
	for name, c := range before {
		kept, ok := after[name]
		if !ok || kept.UID != c.UID {
			t.Fatalf("claim %s was not kept", name)
		}
		pv := &corev1.PersistentVolume{}
		if err := k8s.Get(ctx(), types.NamespacedName{Name: kept.Spec.VolumeName}, pv); err != nil {
			t.Fatal(err)
		}
		if pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain {
			t.Errorf("volume %s reclaim policy %s", pv.Name, pv.Spec.PersistentVolumeReclaimPolicy)
		}
	}

	for _, obj := range fleet.Province(u) {
		if _, isNode := obj.(*platformv1alpha1.DocExchangeNode); isNode {
			if err := fleet.Apply(ctx(), k8s, obj); err != nil {
				t.Fatal(err)
			}
		}
	}
	recreated := &platformv1alpha1.DocExchangeNode{}
	eventually(t, 2*time.Minute, "recreated node Ready", func() error {
		if err := k8s.Get(ctx(), types.NamespacedName{Namespace: ns, Name: u.Slug}, recreated); err != nil {
			return err
		}
		if !meta.IsStatusConditionTrue(recreated.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("conditions %+v", recreated.Status.Conditions)
		}
		return nil
	})
	now := claims(t, ns)
	for name, c := range before {
		if now[name].UID != c.UID || !slices.Contains(recreated.Status.Claims, name) {
			t.Errorf("the recreated node does not reuse claim %s (status %v)", name, recreated.Status.Claims)
		}
	}
}

// Deleting a ProvincePortal removes its children and private keys, and
// touches nothing outside its namespace.
func TestDeletingAProvinceLeavesTheRestOfTheFleet(t *testing.T) {
	u, _ := provinces.Lookup("96")
	ns := fleet.Namespace(u)
	portal := &platformv1alpha1.ProvincePortal{}
	portal.Namespace, portal.Name = ns, u.Slug
	if err := k8s.Get(ctx(), client.ObjectKeyFromObject(portal), portal); err != nil {
		t.Fatal(err)
	}
	keys := render.PortalKeypairSecrets(portal)
	if err := k8s.Delete(ctx(), portal); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "portal deleted", gone(portal))
	deployment := &appsv1.Deployment{}
	deployment.Namespace, deployment.Name = ns, u.Slug+"-portal"
	eventually(t, time.Minute, "children garbage-collected", gone(deployment))
	for _, name := range keys {
		s := &corev1.Secret{}
		s.Namespace, s.Name = ns, name
		eventually(t, time.Minute, "private key "+name+" deleted", gone(s))
	}
	if err := k8s.Get(ctx(), types.NamespacedName{Namespace: ns, Name: "national-credentials"}, &corev1.Secret{}); err != nil {
		t.Errorf("the province's own Secret must stay: %v", err)
	}
	portals := &platformv1alpha1.ProvincePortalList{}
	if err := k8s.List(ctx(), portals); err != nil {
		t.Fatal(err)
	}
	for i := range portals.Items {
		p := &portals.Items[i]
		if !meta.IsStatusConditionTrue(p.Status.Conditions, platformv1alpha1.ConditionReady) {
			t.Errorf("%s/%s is no longer Ready", p.Namespace, p.Name)
		}
	}
	if len(portals.Items) != 33 {
		t.Errorf("%d portals left, want 33", len(portals.Items))
	}
	if err := k8s.Get(ctx(), types.NamespacedName{Namespace: fleet.CANamespace, Name: fleet.RootCertificate}, &corev1.Secret{}); err != nil {
		t.Errorf("the national root must stay: %v", err)
	}
}
