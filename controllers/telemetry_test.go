package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

const telemetryRelease = "egov-2026.11-telemetry"

// ensureTelemetryRelease publishes the test release with a collector.
func ensureTelemetryRelease(t *testing.T) {
	t.Helper()
	rel := platformRelease(telemetryRelease, "4d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f")
	rel.Spec.Components = append(rel.Spec.Components, platformv1alpha1.Component{Name: platformv1alpha1.ComponentCollector,
		Image:   "registry.egov.vn/platform/otelcol@sha256:4d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f",
		Version: "0.139.0", Vendor: "OpenTelemetry",
		// The role requires nothing; the schema wants every component to state something.
		Conformity: platformv1alpha1.Conformity{Criteria: []string{"TCVN 11930:2017"}}})
	create(t, rel)
}

// provinceSOC gives a portal its own SOC, leaving the shared NationalPlatform alone.
func provinceSOC(p *platformv1alpha1.ProvincePortal) {
	p.Spec.Monitoring = &platformv1alpha1.PortalMonitoring{SOC: &platformv1alpha1.ProvinceSOC{TelemetryEndpoint: platformv1alpha1.TelemetryEndpoint{
		Endpoint: "https://soc.example.gov.vn:4318", EgressCIDRs: []platformv1alpha1.PeerCIDR{"198.51.100.64/28"}}}}
}

func pinRelease(release string) func(*platformv1alpha1.ProvincePortal) {
	return func(p *platformv1alpha1.ProvincePortal) { p.Spec.Release = platformv1alpha1.ReleaseName(release) }
}

// waitMonitoring plays the missing controllers until MonitoringConnected
// has the given status and reason for the portal's current generation.
func waitMonitoring(t *testing.T, p *platformv1alpha1.ProvincePortal, status metav1.ConditionStatus, reason string) *metav1.Condition {
	t.Helper()
	var c *metav1.Condition
	eventually(t, fmt.Sprintf("MonitoringConnected %s %s", status, reason), func() error {
		if err := playControllers(p.Namespace); err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return err
		}
		live := getPortal(t, p)
		c = condition(live, platformv1alpha1.ConditionMonitoringConnected)
		if c == nil || c.Status != status || c.Reason != reason || c.ObservedGeneration != live.Generation {
			return fmt.Errorf("MonitoringConnected: %+v", c)
		}
		return nil
	})
	return c
}

func TestMonitoringConnectedOnceTheCollectorExportsToTheSOC(t *testing.T) {
	ensureNational(t)
	ensureTelemetryRelease(t)
	p := waitReady(t, province(t, "44", pinRelease(telemetryRelease), provinceSOC))
	c := waitMonitoring(t, p, metav1.ConditionTrue, platformv1alpha1.ReasonReady)
	if !strings.Contains(c.Message, "the province's own SOC (spec.monitoring.soc) at https://soc.example.gov.vn:4318") {
		t.Errorf("message %q does not name the province's own SOC", c.Message)
	}
	for _, child := range []client.Object{
		portalChild(p, &corev1.ConfigMap{}, render.RoleCollector), portalChild(p, &corev1.Service{}, render.RoleCollector),
		portalChild(p, &networkingv1.NetworkPolicy{}, render.RoleCollector), portalChild(p, &networkingv1.NetworkPolicy{}, "allow-telemetry"),
	} {
		if err := exists(child); err != nil {
			t.Errorf("%T %s: %v", child, child.GetName(), err)
		}
	}
	expectTelemetryEnv(t, p)
}

func TestMonitoringIsNotConnectedWithoutASOC(t *testing.T) {
	ensureNational(t)
	ensureTelemetryRelease(t)
	p := waitReady(t, province(t, "44", pinRelease(telemetryRelease)))
	waitMonitoring(t, p, metav1.ConditionFalse, platformv1alpha1.ReasonSOCNotConfigured)
	expectNoCollector(t, p)
	expectTelemetryEnv(t, p)
}

// A release without a collector leaves the stack Ready, without one.
func TestReleaseWithoutACollectorDoesNotStallTheStack(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "44", provinceSOC))
	c := waitMonitoring(t, p, metav1.ConditionFalse, platformv1alpha1.ReasonComponentMissing)
	if !strings.Contains(c.Message, testRelease) {
		t.Errorf("message %q does not name the release", c.Message)
	}
	expectNoCollector(t, p)
}

func expectNoCollector(t *testing.T, p *platformv1alpha1.ProvincePortal) {
	t.Helper()
	if err := exists(portalChild(p, &appsv1.Deployment{}, render.RoleCollector)); !apierrors.IsNotFound(err) {
		t.Errorf("collector Deployment: %v, want none", err)
	}
}

// expectTelemetryEnv checks the portal's workloads carry the OpenTelemetry contract.
func expectTelemetryEnv(t *testing.T, p *platformv1alpha1.ProvincePortal) {
	t.Helper()
	list := &appsv1.DeploymentList{}
	if err := k8s.List(context.Background(), list, client.InNamespace(p.Namespace)); err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Items {
		env := map[string]string{}
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			env[e.Name] = e.Value
		}
		if env[render.EnvOTLPEndpoint] != "http://"+p.Name+"-collector:4318" || env[render.EnvServiceName] != d.Name ||
			!strings.Contains(env[render.EnvResourceAttributes], "egov.province.code=44") {
			t.Errorf("Deployment %s: telemetry environment %v", d.Name, env)
		}
	}
}

func TestTelemetryConfiguredMetricFollowsMonitoringConnected(t *testing.T) {
	portal := func(namespace, code string, connected metav1.ConditionStatus) client.Object {
		p := &platformv1alpha1.ProvincePortal{
			ObjectMeta: metav1.ObjectMeta{Name: "portal", Namespace: namespace},
			Spec:       platformv1alpha1.ProvincePortalSpec{Province: platformv1alpha1.ProvinceRef{Code: platformv1alpha1.ProvinceCode(code)}, Environment: "production"},
		}
		p.Status.Conditions = []metav1.Condition{{Type: platformv1alpha1.ConditionMonitoringConnected, Status: connected, Reason: "Test"}}
		return p
	}
	ns := func(name, code string) client.Object {
		return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{platformv1alpha1.ProvinceLabel: code}}}
	}
	c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).
		WithObjects(ns("egov-hatinh", "42"), ns("egov-hanoi", "01"), portal("egov-hatinh", "42", metav1.ConditionTrue), portal("egov-hanoi", "01", metav1.ConditionFalse)).
		Build()
	registry := prometheus.NewPedanticRegistry()
	if err := registry.Register(fleetCollector{deps: deps{Client: c}}); err != nil {
		t.Fatal(err)
	}
	gathered, err := registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	families := map[string]*dto.MetricFamily{}
	for _, f := range gathered {
		families[f.GetName()] = f
	}
	key := func(code string) string {
		return seriesKey(map[string]string{"province": code, "environment": "production"})
	}
	if err := expectSeries(families, "egov_telemetry_configured", nil, map[string]float64{key("42"): 1, key("01"): 0}); err != nil {
		t.Error(err)
	}
}
