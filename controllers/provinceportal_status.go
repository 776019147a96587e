package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// patchStatus derives the summary conditions and writes the status once,
// only when it changed. observedGeneration advances on every verdict, Stalled
// included, but not after a transient error.
func (r *ProvincePortalReconciler) patchStatus(ctx context.Context, s *portalScope, before *platformv1alpha1.ProvincePortalStatus, reconcileErr error) error {
	p := s.portal
	userErr, isUserErr := conditions.AsUserError(reconcileErr)
	if reconcileErr != nil && !isUserErr {
		return nil
	}
	unit, _ := provinces.Lookup(string(p.Spec.Province.Code))
	p.Status.Province = unit.Code
	p.Status.ProvinceName = unit.FullName()
	p.Status.URL = render.PortalURL(p)
	if s.inputs.Release != "" {
		p.Status.Release = s.inputs.Release
	}
	conditions.Summarize(&p.Status.Conditions, p.Generation, userErr,
		platformv1alpha1.ConditionInterconnectConfigured,
		platformv1alpha1.ConditionCertificatesReady,
		platformv1alpha1.ConditionWorkloadReady)
	p.Status.ObservedGeneration = p.Generation
	if equality.Semantic.DeepEqual(*before, p.Status) {
		return nil
	}
	r.recordTransition(p, before)
	orig := p.DeepCopy()
	orig.Status = *before
	return r.Status().Patch(ctx, p, client.MergeFrom(orig))
}

// recordTransition emits an Event when the portal stalls, recovers or becomes Ready.
func (r *ProvincePortalReconciler) recordTransition(p *platformv1alpha1.ProvincePortal, before *platformv1alpha1.ProvincePortalStatus) {
	wasStalled := conditions.IsTrue(before.Conditions, platformv1alpha1.ConditionStalled)
	wasReady := conditions.IsTrue(before.Conditions, platformv1alpha1.ConditionReady)
	switch {
	case conditions.IsTrue(p.Status.Conditions, platformv1alpha1.ConditionStalled) && !wasStalled:
		c := meta.FindStatusCondition(p.Status.Conditions, platformv1alpha1.ConditionStalled)
		r.Recorder.Eventf(p, nil, corev1.EventTypeWarning, c.Reason, "Reconcile", c.Message)
	case conditions.IsTrue(p.Status.Conditions, platformv1alpha1.ConditionReady) && !wasReady:
		r.Recorder.Eventf(p, nil, corev1.EventTypeNormal, "Ready", "Reconcile", "province %s is served at %s", p.Status.Province, p.Status.URL)
	case wasStalled && !conditions.IsTrue(p.Status.Conditions, platformv1alpha1.ConditionStalled):
		r.Recorder.Eventf(p, nil, corev1.EventTypeNormal, "Recovered", "Reconcile", "the inputs are resolved again")
	}
}
