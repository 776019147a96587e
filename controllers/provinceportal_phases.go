package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/trust"
)

func (r *ProvincePortalReconciler) resolveNational(ctx context.Context, s *portalScope) error {
	n, err := getNational(ctx, r.Client)
	s.national = n
	return err
}

// checkTenancy enforces one ProvincePortal per namespace, one per province
// and environment in the cluster, and the namespace assignment by central ops.
// The older claim keeps working, ties broken by namespace/name; a claim
// counts only from a namespace assigned to its province, so a portal that
// claims another province's code locks nobody out.
func (r *ProvincePortalReconciler) checkTenancy(ctx context.Context, s *portalScope) error {
	p := s.portal
	if assigned, label, err := r.namespaceAssigned(ctx, s.national, p); err != nil {
		return err
	} else if !assigned {
		return conditions.Stalled(platformv1alpha1.ReasonNamespaceNotAssigned,
			"namespace %s is not assigned to province %s: central ops must label it %s=%q (it has %q)",
			p.Namespace, p.Spec.Province.Code, platformv1alpha1.ProvinceLabel, p.Spec.Province.Code, label)
	}
	all := &platformv1alpha1.ProvincePortalList{}
	if err := r.List(ctx, all); err != nil {
		return err
	}
	for i := range all.Items {
		other := &all.Items[i]
		sameCode := other.Spec.Province.Code == p.Spec.Province.Code && other.Spec.Environment == p.Spec.Environment
		if other.UID == p.UID || !other.DeletionTimestamp.IsZero() || !olderThan(other, p) || (other.Namespace != p.Namespace && !sameCode) {
			continue
		}
		if assigned, _, err := r.namespaceAssigned(ctx, s.national, other); err != nil {
			return err
		} else if !assigned {
			continue
		}
		if other.Namespace == p.Namespace {
			return conditions.Stalled(platformv1alpha1.ReasonDuplicateInNamespace,
				"namespace %s is already served by ProvincePortal %s: a namespace holds one ProvincePortal; delete this one",
				p.Namespace, other.Name)
		}
		return conditions.Stalled(platformv1alpha1.ReasonProvinceClaimed,
			"province %s (%s) is already served by ProvincePortal %s/%s: use another environment or delete one of the two",
			p.Spec.Province.Code, p.Spec.Environment, other.Namespace, other.Name)
	}
	return nil
}

// namespaceAssigned reports whether central ops assigned a portal's
// namespace to the province it claims, and the namespace's province label.
// Every namespace counts as assigned when the NationalPlatform does not
// require the label.
func (d deps) namespaceAssigned(ctx context.Context, n *platformv1alpha1.NationalPlatform, p *platformv1alpha1.ProvincePortal) (bool, string, error) {
	if required := n.Spec.Tenancy.RequireNamespaceLabel; required != nil && !*required {
		return true, "", nil
	}
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := d.Get(ctx, types.NamespacedName{Name: p.Namespace}, ns); err != nil {
		return false, "", client.IgnoreNotFound(err)
	}
	label := ns.Labels[platformv1alpha1.ProvinceLabel]
	return label == string(p.Spec.Province.Code), label, nil
}

// checkDomain serves the portal, and issues its SubCA and certificates, only
// at a host of its province's domains and as one of its agencies.
func (r *ProvincePortalReconciler) checkDomain(ctx context.Context, s *portalScope) error {
	p := s.portal
	if err := checkOrganIDs(p.Spec.Province.Code, fieldOrganID{"spec.organId", p.Spec.OrganID}); err != nil {
		return err
	}
	return r.checkHost(ctx, "spec.domain", string(p.Spec.Domain), p.Spec.Province.Code)
}

// olderThan orders claims: creation time, then namespace/name.
func olderThan(a, b client.Object) bool {
	at, bt := a.GetCreationTimestamp(), b.GetCreationTimestamp()
	if !at.Equal(&bt) {
		return at.Before(&bt)
	}
	return a.GetNamespace()+"/"+a.GetName() < b.GetNamespace()+"/"+b.GetName()
}

// resolveInputs gathers everything the render needs and checks it exists.
func (r *ProvincePortalReconciler) resolveInputs(ctx context.Context, s *portalScope) error {
	p, n := s.portal, s.national
	if _, _, err := r.checkIssuer(ctx, "", n.Spec.Trust.CAIssuerRef, platformv1alpha1.ReasonCAIssuerNotFound); err != nil {
		return err
	}
	// Watch the namespace's Secrets before reading any: a missing one brings the object back when it comes.
	if _, err := r.Secrets.in(ctx, p.Namespace); err != nil {
		return err
	}
	release, err := effectiveRelease(ctx, r.Client, p, n.Spec.DefaultRelease)
	if err != nil {
		return err
	}
	component, releaseExpiry, err := getRelease(ctx, r.Client, release, platformv1alpha1.ComponentPortal, r.Clock.Now())
	if err != nil {
		return err
	}
	gateway, err := routingGateway(ctx, r.Client, p.Namespace)
	if err != nil {
		return err
	}
	versions := map[string]string{}
	if ref := p.Spec.NationalCredentialsSecretRef; ref != nil && gateway == nil {
		if versions[ref.Name], err = r.secretKeys(ctx, p.Namespace, ref.Name, inputs.NationalCredentialKeys...); err != nil {
			return err
		}
	}
	if p.Spec.SSO != nil && p.Spec.SSO.ClientSecretRef != nil {
		name := p.Spec.SSO.ClientSecretRef.Name
		if versions[name], err = r.secretKeys(ctx, p.Namespace, name, inputs.SSOKeys...); err != nil {
			return err
		}
	}
	if err := mergeRevisions(ctx, r.Client, render.PortalOwner(p), versions); err != nil {
		return err
	}
	publicIssuer, err := r.resolvePublicIssuer(ctx, p, n)
	if err != nil {
		return err
	}
	domains, err := r.provinceDomains(ctx, p.Spec.Province.Code)
	if err != nil {
		return err
	}
	checked := trust.Check(n.Spec.Trust.TrustedRoots, r.Clock.Now())
	s.requeueAt = earliest(checked.NextExpiry, releaseExpiry)
	s.inputs = render.PortalInputs{
		Portal: p, National: n, Domains: domains, Release: release, Component: component,
		TrustedRoots: checked.Valid, SecretVersions: versions, PublicIssuerSolvesHTTP01: inputs.SolvesHTTP01(publicIssuer), Gateway: gateway,
		ScrapeMetrics: r.serviceMonitorAPI,
	}
	return nil
}

// reconcileChildren applies the rendered stack and deletes what it no longer holds.
func (r *ProvincePortalReconciler) reconcileChildren(ctx context.Context, s *portalScope) error {
	p := s.portal
	var err error
	if s.written, s.heldFor, err = applyAndRecord(ctx, r.applier(), r.Recorder, p, render.PortalOwner(p), render.PortalStack(s.inputs), s.inputs.SecretVersions); err != nil {
		return err
	}
	s.applied = true
	conditions.Set(&p.Status.Conditions, p.Generation, platformv1alpha1.ConditionInterconnectConfigured, true, platformv1alpha1.ReasonReady,
		fmt.Sprintf("wired to the national systems of NationalPlatform %s with %d trusted roots", s.national.Name, len(s.inputs.TrustedRoots)))
	return nil
}

// observeChildren reads the certificates and the Deployment back into status.
func (r *ProvincePortalReconciler) observeChildren(ctx context.Context, s *portalScope) error {
	p := s.portal
	owner := render.PortalOwner(p)
	if err := r.renewStaleLeavesInto(ctx, owner, p.Name, s.written); err != nil {
		return err
	}
	certs, err := observeCertificatesInto(ctx, r.Client, p, owner, s.written, platformv1alpha1.ConditionCertificatesReady)
	if err != nil {
		return err
	}
	p.Status.Certificates = certs
	return observeWorkloads(ctx, r.Client, p, s.written, s.heldFor, named(&appsv1.Deployment{}, owner.Name(render.RolePortal)))
}
