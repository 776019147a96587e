//go:build reliability

package reliability

import (
	"errors"
	"fmt"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// pilot is the sample rollout's first wave.
const pilot = "42"

// servedCodes are the provinces the suite serves: the pilot and the first
// others in code order, -provinces in all.
func servedCodes() []string {
	codes := []string{pilot}
	for _, code := range provinces.Codes() {
		if len(codes) < *provinceCount && code != pilot {
			codes = append(codes, code)
		}
	}
	return codes
}

func namespaceOf(code string) string {
	u, _ := provinces.Lookup(code)
	return fleet.Namespace(u)
}

// serve applies the provinces' namespaces, Secrets and custom resources.
func serve(t *testing.T, codes []string) {
	t.Helper()
	sz := sizeOf(t)
	sz.provinces = max(sz.provinces, len(codes))
	for _, code := range codes {
		u, _ := provinces.Lookup(code)
		if err := fleet.Apply(ctx(), k8s, fleet.Province(u)...); err != nil {
			t.Fatal(err)
		}
	}
}

// converged says which of the provinces' stacks is not Ready, if any.
func converged(codes []string) error {
	for _, code := range codes {
		ns := namespaceOf(code)
		u, _ := provinces.Lookup(code)
		stacks := []interface {
			client.Object
			StatusCommon() *platformv1alpha1.CommonStatus
		}{&platformv1alpha1.ProvincePortal{}, &platformv1alpha1.OneStopShop{}, &platformv1alpha1.DocExchangeNode{}}
		for _, stack := range stacks {
			if err := k8s.Get(ctx(), client.ObjectKey{Namespace: ns, Name: u.Slug}, stack); err != nil {
				return err
			}
			ready := meta.FindStatusCondition(stack.StatusCommon().Conditions, platformv1alpha1.ConditionReady)
			if ready == nil || ready.Status != metav1.ConditionTrue || ready.ObservedGeneration != stack.GetGeneration() {
				return fmt.Errorf("%T %s/%s is not Ready: %+v", stack, ns, stack.GetName(), ready)
			}
		}
	}
	return nil
}

// convergeTimeout is how long the served provinces may take to be Ready
// on this loaded 2-core machine.
func convergeTimeout() time.Duration { return time.Duration(2+*provinceCount/2) * time.Minute }

// served serves the provinces and waits until they are Ready.
func served(t *testing.T) []string {
	t.Helper()
	codes := servedCodes()
	serve(t, codes)
	eventually(t, convergeTimeout(), "the served provinces Ready", func() error { return converged(codes) })
	return codes
}

// childLists are the kinds of child the operator renders.
func childLists() []client.ObjectList {
	return []client.ObjectList{
		&corev1.ServiceAccountList{}, &corev1.ConfigMapList{}, &corev1.ServiceList{},
		&appsv1.DeploymentList{}, &appsv1.StatefulSetList{}, &networkingv1.IngressList{},
		&networkingv1.NetworkPolicyList{}, &policyv1.PodDisruptionBudgetList{},
		&cmapi.CertificateList{}, &cmapi.IssuerList{},
	}
}

// children lists the operator's children in the provinces' namespaces.
func children(codes []string) ([]client.Object, error) {
	var out []client.Object
	for _, code := range codes {
		for _, list := range childLists() {
			if err := k8s.List(ctx(), list, client.InNamespace(namespaceOf(code)), client.MatchingLabels{render.LabelManagedBy: render.ManagedBy}); err != nil {
				return nil, err
			}
			if err := meta.EachListItem(list, func(o runtime.Object) error {
				out = append(out, o.(client.Object))
				return nil
			}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// ownerExists says whether obj's controller exists with the UID obj names.
func ownerExists(obj client.Object) error {
	ref := metav1.GetControllerOf(obj)
	if ref == nil {
		return fmt.Errorf("%T %s/%s has no controller", obj, obj.GetNamespace(), obj.GetName())
	}
	owner := &unstructured.Unstructured{}
	owner.SetGroupVersionKind(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind))
	if err := k8s.Get(ctx(), client.ObjectKey{Namespace: obj.GetNamespace(), Name: ref.Name}, owner); err != nil {
		return fmt.Errorf("%T %s/%s: its controller %s %s: %w", obj, obj.GetNamespace(), obj.GetName(), ref.Kind, ref.Name, err)
	}
	if owner.GetUID() != ref.UID {
		return fmt.Errorf("%T %s/%s names controller %s %s with UID %s, which is now %s", obj, obj.GetNamespace(), obj.GetName(), ref.Kind, ref.Name, ref.UID, owner.GetUID())
	}
	return nil
}

// duplicatesOrOrphans checks the provinces' children and what the cluster
// made of them: every child, ReplicaSet and pod has its live controller; no
// two Certificates write one Secret; each Deployment runs exactly its
// replicas from one ReplicaSet, and rolled at most rolls times beyond its
// owner's certificate reissues (a new key pair must reach the pods): a
// manager that rendered differently after a restart would roll more.
func duplicatesOrOrphans(codes []string, rolls int) error {
	var problems []error
	reissues := map[string]int{}
	secrets := map[string]string{}
	objs, err := children(codes)
	if err != nil {
		return err
	}
	for _, child := range objs {
		if err := ownerExists(child); err != nil {
			problems = append(problems, err)
		}
		if c, ok := child.(*cmapi.Certificate); ok {
			key := c.Namespace + "/" + c.Spec.SecretName
			if other, taken := secrets[key]; taken {
				problems = append(problems, fmt.Errorf("Certificates %s and %s both write Secret %s", other, c.Name, key))
			}
			secrets[key] = c.Name
			if c.Status.Revision != nil {
				reissues[controllerName(c)] += *c.Status.Revision - 1
			}
		}
	}
	for _, code := range codes {
		ns := client.InNamespace(namespaceOf(code))
		sets, pods, deployments := &appsv1.ReplicaSetList{}, &corev1.PodList{}, &appsv1.DeploymentList{}
		for _, list := range []client.ObjectList{sets, pods, deployments} {
			if err := k8s.List(ctx(), list, ns); err != nil {
				return err
			}
		}
		for i := range pods.Items {
			if err := ownerExists(&pods.Items[i]); err != nil {
				problems = append(problems, err)
			}
		}
		perDeployment, active := map[string]int{}, map[string]int{}
		for i := range sets.Items {
			rs := &sets.Items[i]
			if err := ownerExists(rs); err != nil {
				problems = append(problems, err)
				continue
			}
			perDeployment[metav1.GetControllerOf(rs).Name]++
			if rs.Status.Replicas > 0 {
				active[metav1.GetControllerOf(rs).Name]++
			}
		}
		for _, d := range deployments.Items {
			allowed := 1 + rolls + reissues[controllerName(&d)]
			if got := perDeployment[d.Name]; got == 0 || got > allowed {
				problems = append(problems, fmt.Errorf("Deployment %s/%s has %d ReplicaSets, want 1 to %d", d.Namespace, d.Name, got, allowed))
			}
			if active[d.Name] != 1 || d.Status.Replicas != *d.Spec.Replicas {
				problems = append(problems, fmt.Errorf("Deployment %s/%s runs %d pods from %d ReplicaSets, want %d from one", d.Namespace, d.Name, d.Status.Replicas, active[d.Name], *d.Spec.Replicas))
			}
		}
	}
	return errors.Join(problems...)
}

// nothingDuplicatedOrOrphaned waits for the pods of the last roll to
// settle, then for duplicatesOrOrphans to find nothing.
func nothingDuplicatedOrOrphaned(t *testing.T, codes []string, rolls int) {
	t.Helper()
	eventually(t, 2*time.Minute, "no child duplicated or orphaned", func() error { return duplicatesOrOrphans(codes, rolls) })
}

// controllerName names an object's controller as kind namespace/name.
func controllerName(obj client.Object) string {
	ref := metav1.GetControllerOf(obj)
	if ref == nil {
		return ""
	}
	return ref.Kind + " " + obj.GetNamespace() + "/" + ref.Name
}
