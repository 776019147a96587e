package controllers

import (
	"context"
	"fmt"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// changePolicy changes one of a ready portal's network policies with an
// ordinary update, as a province administrator could, then waits for the
// operator to restore the policy it rendered.
func changePolicy(t *testing.T, p *platformv1alpha1.ProvincePortal, role string, mutate func(*networkingv1.NetworkPolicySpec)) {
	t.Helper()
	rendered := portalChild(p, &networkingv1.NetworkPolicy{}, role).(*networkingv1.NetworkPolicy)
	if err := exists(rendered); err != nil {
		t.Fatal(err)
	}
	want := rendered.Spec.DeepCopy()
	changed := rendered.DeepCopy()
	mutate(&changed.Spec)
	if err := k8s.Update(context.Background(), changed, client.FieldOwner("provincial-admin")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "NetworkPolicy "+rendered.Name+" restored", func() error {
		live := portalChild(p, &networkingv1.NetworkPolicy{}, role).(*networkingv1.NetworkPolicy)
		if err := exists(live); err != nil {
			return err
		}
		if !equality.Semantic.DeepEqual(live.Spec, *want) {
			return fmt.Errorf("spec %+v", live.Spec)
		}
		return nil
	})
}

func TestAllowAllRuleAppendedToAPortalPolicyIsReverted(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "04"))
	changePolicy(t, p, "portal", func(spec *networkingv1.NetworkPolicySpec) {
		spec.Ingress = append(spec.Ingress, networkingv1.NetworkPolicyIngressRule{})
	})
}

func TestPodSelectorGivenToTheDefaultDenyPolicyIsReverted(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "08"))
	changePolicy(t, p, "default-deny", func(spec *networkingv1.NetworkPolicySpec) {
		spec.PodSelector.MatchLabels = map[string]string{"app": "nothing"}
	})
}
