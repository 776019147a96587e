package render

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// With names as long as admission allows, every child of the three stacks
// still has a valid name and labels, and so do the objects Kubernetes derives
// from them (a StatefulSet's pods, claims and revision label, a
// Deployment's ReplicaSets): nothing fails later for its name.
func TestTheLongestNamesAdmittedGiveValidChildren(t *testing.T) {
	name := "a" + strings.Repeat("b", platformv1alpha1.MaxNameLength-1)
	portal, shop, node := testPortalInputs(4), testShopInputs(true), testNodeInputs()
	portal.PublicIssuerSolvesHTTP01 = true
	for _, p := range []*platformv1alpha1.ProvincePortal{portal.Portal, shop.Portal, node.Portal} {
		p.Name = name
	}
	shop.Shop.Name, node.Node.Name = name, name
	var objs []client.Object
	objs = append(objs, PortalStack(portal)...)
	objs = append(objs, OneStopShopStack(shop)...)
	objs = append(objs, DocExchangeStack(node)...)

	// The longest hash Kubernetes appends: a 32-bit FNV hash in decimal.
	const longestHash = "4294967295"
	check := func(what, value string, errs []string) {
		t.Helper()
		if len(errs) > 0 {
			t.Errorf("%s %q: %s", what, value, strings.Join(errs, "; "))
		}
	}
	checkLabels := func(owner string, labels map[string]string) {
		t.Helper()
		for k, v := range labels {
			check(owner+" label "+k, v, validation.IsValidLabelValue(v))
		}
	}
	for _, obj := range objs {
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		if kind == "Service" {
			check("Service name", obj.GetName(), validation.IsDNS1035Label(obj.GetName()))
		} else {
			check(kind+" name", obj.GetName(), validation.IsDNS1123Subdomain(obj.GetName()))
		}
		checkLabels(Describe(obj), obj.GetLabels())
		switch w := obj.(type) {
		case *appsv1.Deployment:
			check("ReplicaSet name", w.Name+"-"+longestHash, validation.IsDNS1123Subdomain(w.Name+"-"+longestHash))
			checkLabels(Describe(obj)+" pod", w.Spec.Template.Labels)
		case *appsv1.StatefulSet:
			pod := w.Name + "-0"
			check("pod name, its hostname", pod, validation.IsDNS1123Label(pod))
			check("controller-revision-hash label", w.Name+"-"+longestHash, validation.IsValidLabelValue(w.Name+"-"+longestHash))
			check("statefulset.kubernetes.io/pod-name label", pod, validation.IsValidLabelValue(pod))
			for _, c := range w.Spec.VolumeClaimTemplates {
				check("claim name", c.Name+"-"+pod, validation.IsDNS1123Subdomain(c.Name+"-"+pod))
				checkLabels("claim", c.Labels)
			}
			checkLabels(Describe(obj)+" pod", w.Spec.Template.Labels)
		}
	}
}
