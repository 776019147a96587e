//go:build reliability

package reliability

import (
	"fmt"
	"maps"
	"slices"
	"syscall"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// Every child of a province is deleted at once: the operator recreates
// all of them and the province is Ready again, its children single and
// owned. A workload may roll once per Certificate of its owner: its pod
// template digests their revisions, and a recreated Certificate starts
// without one (cert-manager finds its key pair's Secret current and issues
// nothing), which the operator may see after it recreated the workload.
func TestEveryChildOfAProvinceDeletedAtOnceIsRecreated(t *testing.T) {
	codes := served(t)
	province := codes[len(codes)-1:]
	before := deleteChildren(t, province, func(client.Object) bool { return true })
	recreated(t, province, before)
	eventually(t, convergeTimeout(), "the province Ready", func() error { return converged(province) })
	objs, err := children(province)
	if err != nil {
		t.Fatal(err)
	}
	certificates := map[string]int{}
	for _, o := range objs {
		if isKind[*cmapi.Certificate](o) {
			certificates[controllerName(o)]++
		}
	}
	nothingDuplicatedOrOrphaned(t, province, slices.Max(slices.Collect(maps.Values(certificates))))
}

// A DocExchangeNode is deleted while the manager is down (its finalizer
// holds it until the manager is back and has retained its volumes), then
// created again while the manager is down once more: the node that comes
// back uses the very claims (same UIDs) the first one left, so no document
// is lost.
func TestADocExchangeNodeRecreatedWhileTheManagerIsDownKeepsItsClaims(t *testing.T) {
	codes := served(t)
	u, _ := provinces.Lookup(codes[0])
	ns := namespaceOf(codes[0])
	before := claims(t, ns)
	if len(before) == 0 {
		t.Fatal("the node has no claim")
	}
	node := &platformv1alpha1.DocExchangeNode{}
	node.Namespace, node.Name = ns, u.Slug

	manager := running(t, "operator")
	manager.stop(t, syscall.SIGKILL)
	if err := k8s.Delete(ctx(), node); err != nil {
		t.Fatal(err)
	}
	manager = manager.restart(t)
	eventually(t, convergeTimeout(), "the node deleted", func() error {
		if err := k8s.Get(ctx(), client.ObjectKeyFromObject(node), node); !apierrors.IsNotFound(err) {
			return fmt.Errorf("the node is still there (%v)", err)
		}
		return nil
	})
	sameClaims(t, ns, before)

	manager.stop(t, syscall.SIGKILL)
	for _, obj := range fleet.Province(u) {
		if _, isNode := obj.(*platformv1alpha1.DocExchangeNode); isNode {
			if err := fleet.Apply(ctx(), k8s, obj); err != nil {
				t.Fatal(err)
			}
		}
	}
	manager.restart(t)
	eventually(t, convergeTimeout(), "the recreated node Ready", func() error {
		if err := k8s.Get(ctx(), client.ObjectKeyFromObject(node), node); err != nil {
			return err
		}
		if !meta.IsStatusConditionTrue(node.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("conditions %+v", node.Status.Conditions)
		}
		return nil
	})
	sameClaims(t, ns, before)
	for name := range before {
		if !slices.Contains(node.Status.Claims, name) {
			t.Errorf("the recreated node does not report claim %s (status %v)", name, node.Status.Claims)
		}
	}
}

// sameClaims fails unless the namespace holds exactly the claims of before, same UIDs.
func sameClaims(t *testing.T, namespace string, before map[string]corev1.PersistentVolumeClaim) {
	t.Helper()
	now := claims(t, namespace)
	for name, c := range before {
		if now[name].UID != c.UID {
			t.Errorf("claim %s/%s was %s, is now %q", namespace, name, c.UID, now[name].UID)
		}
	}
	if len(now) != len(before) {
		t.Errorf("%d claims in %s, %d before", len(now), namespace, len(before))
	}
}

// claims maps the namespace's PersistentVolumeClaims by name.
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

// deleteChildren deletes the provinces' children that keep returns true
// for, and returns their UIDs.
func deleteChildren(t *testing.T, codes []string, keep func(client.Object) bool) map[string]string {
	t.Helper()
	all, err := children(codes)
	if err != nil {
		t.Fatal(err)
	}
	var deleted []client.Object
	for _, child := range all {
		if !keep(child) {
			continue
		}
		if err := k8s.Delete(ctx(), child, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {
			t.Fatal(err)
		}
		deleted = append(deleted, child)
	}
	if len(deleted) == 0 {
		t.Fatal("no child to delete")
	}
	return uids(deleted)
}

// recreated waits until every child in before exists again as a new object.
func recreated(t *testing.T, codes []string, before map[string]string) {
	t.Helper()
	eventually(t, convergeTimeout(), fmt.Sprintf("%d deleted children recreated", len(before)), func() error {
		missing, err := notRecreated(codes, before)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return fmt.Errorf("%s is not recreated (%d of %d are not)", missing[0], len(missing), len(before))
		}
		return nil
	})
}

// notRecreated lists, in order, the children in before that do not exist
// again as new objects.
func notRecreated(codes []string, before map[string]string) ([]string, error) {
	objs, err := children(codes)
	if err != nil {
		return nil, err
	}
	now := uids(objs)
	var missing []string
	for _, key := range sortedKeys(before) {
		if uid, ok := now[key]; !ok || uid == before[key] {
			missing = append(missing, key)
		}
	}
	return missing, nil
}

// uids maps each object to its UID, by kind, namespace and name.
func uids(objs []client.Object) map[string]string {
	out := map[string]string{}
	for _, o := range objs {
		out[fmt.Sprintf("%T %s/%s", o, o.GetNamespace(), o.GetName())] = string(o.GetUID())
	}
	return out
}

// sortedKeys returns m's keys in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
