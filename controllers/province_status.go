package controllers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// soonestCertificates is how many certificates a report lists.
const soonestCertificates = 5

// report computes the Province's status from its stacks: one per
// environment, led by the ProvincePortal that serves the province there.
func (r *ProvinceReconciler) report(ctx context.Context, p *platformv1alpha1.Province) error {
	portals, err := r.servingPortals(ctx, func(portal *platformv1alpha1.ProvincePortal) bool { return portal.Spec.Province.Code == p.Spec.Code })
	if err != nil {
		return err
	}
	p.Status.Environments = nil
	var certs []platformv1alpha1.ExpiringCertificate
	for _, portal := range portals {
		env, stackCerts, err := r.reportStack(ctx, portal)
		if err != nil {
			return err
		}
		p.Status.Environments = append(p.Status.Environments, env)
		certs = append(certs, stackCerts...)
	}
	p.Status.Certificates = soonest(certs, soonestCertificates)
	p.Status.Release = ""
	for i, env := range p.Status.Environments {
		if i == 0 || env.Environment == platformv1alpha1.ProductionEnvironment {
			p.Status.Release = env.Release
		}
	}
	summarizeProvince(p)
	return nil
}

// servingPortals returns, among the portals keep accepts, the one serving
// each province and environment, ordered by code and environment: in a
// namespace assigned to the province, the oldest claim. A claim from an
// unassigned namespace, or a younger one (both Stalled), speaks for no one.
func (d deps) servingPortals(ctx context.Context, keep func(*platformv1alpha1.ProvincePortal) bool) ([]*platformv1alpha1.ProvincePortal, error) {
	national, err := getNational(ctx, d.Client)
	if _, missing := conditions.AsUserError(err); missing {
		// Namespaces must then be labelled, as by default.
		national, err = &platformv1alpha1.NationalPlatform{}, nil
	}
	if err != nil {
		return nil, err
	}
	list := &platformv1alpha1.ProvincePortalList{}
	if err := d.List(ctx, list); err != nil {
		return nil, err
	}
	serving := map[string]*platformv1alpha1.ProvincePortal{}
	key := func(p *platformv1alpha1.ProvincePortal) string {
		return string(p.Spec.Province.Code) + "/" + p.Spec.Environment
	}
	for i := range list.Items {
		portal := &list.Items[i]
		if !keep(portal) || !portal.DeletionTimestamp.IsZero() {
			continue
		}
		if assigned, _, err := d.namespaceAssigned(ctx, national, portal); err != nil {
			return nil, err
		} else if !assigned {
			continue
		}
		if other, ok := serving[key(portal)]; !ok || olderThan(portal, other) {
			serving[key(portal)] = portal
		}
	}
	portals := make([]*platformv1alpha1.ProvincePortal, 0, len(serving))
	for _, portal := range serving {
		portals = append(portals, portal)
	}
	sort.Slice(portals, func(i, j int) bool { return key(portals[i]) < key(portals[j]) })
	return portals, nil
}

// reportStack reports the stack a portal leads: the portal, then the
// one-stop-shops and document exchange nodes of its namespace.
func (r *ProvinceReconciler) reportStack(ctx context.Context, portal *platformv1alpha1.ProvincePortal) (platformv1alpha1.EnvironmentStatus, []platformv1alpha1.ExpiringCertificate, error) {
	env := platformv1alpha1.EnvironmentStatus{
		Environment: portal.Spec.Environment, Namespace: portal.Namespace, Release: portal.Status.Release, Ready: true,
	}
	shops := &platformv1alpha1.OneStopShopList{}
	if err := r.List(ctx, shops, client.InNamespace(portal.Namespace)); err != nil {
		return env, nil, err
	}
	nodes := &platformv1alpha1.DocExchangeNodeList{}
	if err := r.List(ctx, nodes, client.InNamespace(portal.Namespace)); err != nil {
		return env, nil, err
	}
	recordMember(&env, "ProvincePortal", portal)
	for i := range shops.Items {
		recordMember(&env, "OneStopShop", &shops.Items[i])
	}
	certs := portalCertificates(portal)
	for i := range nodes.Items {
		recordMember(&env, "DocExchangeNode", &nodes.Items[i])
		certs = append(certs, nodeCertificates(&nodes.Items[i])...)
	}
	if env.Ready {
		env.Reason = platformv1alpha1.ReasonReady
	} else {
		env.ReadySince = nil
	}
	return env, certs, nil
}

// recordMember adds one object of a stack to its environment's report:
// the stack is Ready while each of its objects is Ready for its latest
// generation, since the last of them became so.
func recordMember(env *platformv1alpha1.EnvironmentStatus, kind string, obj object) {
	status := obj.StatusCommon()
	env.Stalled = env.Stalled || conditions.IsTrue(status.Conditions, platformv1alpha1.ConditionStalled)
	ready := meta.FindStatusCondition(status.Conditions, platformv1alpha1.ConditionReady)
	switch {
	case ready == nil:
		notReady(env, platformv1alpha1.ReasonProgressing, fmt.Sprintf("%s %s: not reconciled yet", kind, obj.GetName()))
	case status.ObservedGeneration != obj.GetGeneration():
		notReady(env, platformv1alpha1.ReasonProgressing, fmt.Sprintf("%s %s: generation %d not observed yet", kind, obj.GetName(), obj.GetGeneration()))
	case ready.Status != metav1.ConditionTrue:
		notReady(env, ready.Reason, fmt.Sprintf("%s %s: %s", kind, obj.GetName(), ready.Message))
	case env.ReadySince == nil || env.ReadySince.Before(&ready.LastTransitionTime):
		env.ReadySince = ready.LastTransitionTime.DeepCopy()
	}
}

// notReady records the first object of a stack that is not Ready.
func notReady(env *platformv1alpha1.EnvironmentStatus, reason, message string) {
	if env.Ready {
		env.Ready, env.Reason, env.Message = false, reason, message
	}
}

// summarizeProvince sets Ready (every stack Ready) and Degraded (some
// stack not Ready; StacksStalled when a user must act).
func summarizeProvince(p *platformv1alpha1.Province) {
	conds, generation := &p.Status.Conditions, p.Generation
	p.Status.ObservedGeneration = generation
	if len(p.Status.Environments) == 0 {
		message := "no ProvincePortal serves province " + string(p.Spec.Code) + " yet"
		conditions.Set(conds, generation, platformv1alpha1.ConditionReady, false, platformv1alpha1.ReasonNoStacks, message)
		conditions.Set(conds, generation, platformv1alpha1.ConditionDegraded, false, platformv1alpha1.ReasonNoStacks, message)
		return
	}
	var notReady []string
	reason := platformv1alpha1.ReasonStacksNotReady
	for _, env := range p.Status.Environments {
		if !env.Ready {
			notReady = append(notReady, env.Environment+" ("+env.Namespace+"): "+env.Message)
		}
		if env.Stalled {
			reason = platformv1alpha1.ReasonStacksStalled
		}
	}
	if len(notReady) == 0 {
		message := fmt.Sprintf("%d stacks are Ready", len(p.Status.Environments))
		conditions.Set(conds, generation, platformv1alpha1.ConditionReady, true, platformv1alpha1.ReasonReady, message)
		conditions.Set(conds, generation, platformv1alpha1.ConditionDegraded, false, platformv1alpha1.ReasonReady, message)
		return
	}
	message := strings.Join(notReady, "; ")
	conditions.Set(conds, generation, platformv1alpha1.ConditionReady, false, reason, message)
	conditions.Set(conds, generation, platformv1alpha1.ConditionDegraded, true, reason, message)
}

// portalCertificates are the certificates a portal reports, with the
// expiry cert-manager recorded.
func portalCertificates(p *platformv1alpha1.ProvincePortal) []platformv1alpha1.ExpiringCertificate {
	var certs []platformv1alpha1.ExpiringCertificate
	for _, c := range p.Status.Certificates {
		if c.NotAfter != nil {
			certs = append(certs, platformv1alpha1.ExpiringCertificate{Name: c.Name, Namespace: p.Namespace, NotAfter: *c.NotAfter})
		}
	}
	return certs
}

// nodeCertificates is a document exchange node's signing certificate, once issued.
func nodeCertificates(d *platformv1alpha1.DocExchangeNode) []platformv1alpha1.ExpiringCertificate {
	sig := d.Status.SigningCertificate
	if sig == nil || sig.NotAfter == nil {
		return nil
	}
	return []platformv1alpha1.ExpiringCertificate{{Name: d.Name + "-" + render.RoleEdxmlSigning, Namespace: d.Namespace, NotAfter: *sig.NotAfter}}
}

// soonest returns the first n certificates to expire, in order.
func soonest(certs []platformv1alpha1.ExpiringCertificate, n int) []platformv1alpha1.ExpiringCertificate {
	sort.SliceStable(certs, func(i, j int) bool {
		if !certs[i].NotAfter.Equal(&certs[j].NotAfter) {
			return certs[i].NotAfter.Before(&certs[j].NotAfter)
		}
		return certs[i].Namespace+"/"+certs[i].Name < certs[j].Namespace+"/"+certs[j].Name
	})
	return certs[:min(n, len(certs))]
}
