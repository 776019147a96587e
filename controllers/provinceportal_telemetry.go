package controllers

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// resolveCollector finds the effective release's collector component. A
// release without one is not an error: the stack runs without a collector
// and MonitoringConnected says why.
func (r *ProvincePortalReconciler) resolveCollector(ctx context.Context, s *portalScope) error {
	rel := &platformv1alpha1.PlatformRelease{}
	if err := r.Get(ctx, types.NamespacedName{Name: s.inputs.Release}, rel); err != nil {
		return err
	}
	if c, ok := render.FindComponent(rel, platformv1alpha1.ComponentCollector); ok {
		s.inputs.Collector = &c
	}
	return nil
}

// observeTelemetry reports whether the province's telemetry reaches a SOC.
// It is not part of Ready: a province without telemetry still serves.
func (r *ProvincePortalReconciler) observeTelemetry(ctx context.Context, s *portalScope) error {
	p := s.portal
	r.reportServiceMonitors(p)
	set := func(connected bool, reason, message string) {
		conditions.Set(&p.Status.Conditions, p.Generation, platformv1alpha1.ConditionMonitoringConnected, connected, reason, message)
	}
	soc := render.EffectiveSOC(p, s.national, s.inputs.TrustedRoots)
	switch {
	case soc == nil:
		set(false, platformv1alpha1.ReasonSOCNotConfigured,
			"no SOC endpoint: central ops set NationalPlatform spec.monitoring.soc, or set spec.monitoring.soc for the province's own SOC")
		return nil
	case s.inputs.Collector == nil:
		set(false, platformv1alpha1.ReasonComponentMissing, fmt.Sprintf(
			"PlatformRelease %q has no %q component, so no collector runs: pin a release that has one", s.inputs.Release, platformv1alpha1.ComponentCollector))
		return nil
	}
	name := render.CollectorService(p)
	collector := &appsv1.Deployment{}
	err := r.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: name}, collector)
	switch {
	case apierrors.IsNotFound(err):
		set(false, platformv1alpha1.ReasonCollectorNotReady, "Deployment "+name+" does not exist yet")
		return nil
	case err != nil:
		return err
	case s.written["Deployment/"+name]:
		set(false, platformv1alpha1.ReasonCollectorNotReady, "Deployment "+name+" is rolling out the spec just applied")
		return nil
	}
	if done, message := rolledOut(collector); !done {
		set(false, platformv1alpha1.ReasonCollectorNotReady, message)
		return nil
	}
	whose := "the national SOC"
	if soc.ProvincesOwn {
		whose = "the province's own SOC (spec.monitoring.soc)"
	}
	message := fmt.Sprintf("collector %s exports logs and traces to %s at %s", name, whose, soc.Endpoint)
	if m := s.national.Spec.Monitoring; m != nil && m.NCSC != nil {
		message += " and to the NCSC at " + string(m.NCSC.Endpoint)
	}
	set(true, platformv1alpha1.ReasonReady, message)
	return nil
}

// +kubebuilder:rbac:groups=monitoring.coreos.com,resources=servicemonitors,verbs=get;create;patch

// reportServiceMonitors says whether the Prometheus Operator scrapes the
// namespace's components: the portal applies a ServiceMonitor per component
// and lets the cluster's Prometheus reach them where the cluster serves
// ServiceMonitors. Like telemetry, it is not part of Ready.
func (r *ProvincePortalReconciler) reportServiceMonitors(p *platformv1alpha1.ProvincePortal) {
	if !r.serviceMonitorAPI {
		conditions.Set(&p.Status.Conditions, p.Generation, platformv1alpha1.ConditionServiceMonitorsConfigured, false,
			platformv1alpha1.ReasonPrometheusOperatorAbsent,
			"the cluster did not serve monitoring.coreos.com/v1 ServiceMonitors when the operator started: no component's metrics are scraped")
		return
	}
	conditions.Set(&p.Status.Conditions, p.Generation, platformv1alpha1.ConditionServiceMonitorsConfigured, true, platformv1alpha1.ReasonReady,
		fmt.Sprintf("a ServiceMonitor per component (%s) scrapes /metrics on port http", strings.Join(render.MonitoredComponents, ", ")))
}
