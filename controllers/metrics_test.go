package controllers

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// scrape reads the manager's metrics endpoint as Prometheus would.
func scrape() (map[string]*dto.MetricFamily, error) {
	resp, err := http.Get(metricsURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", metricsURL, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	return parser.TextToMetricFamilies(resp.Body)
}

// series returns the values of a metric's series whose labels include
// match, keyed by their full label set.
func series(families map[string]*dto.MetricFamily, name string, match map[string]string) map[string]float64 {
	found := map[string]float64{}
	family, ok := families[name]
	if !ok {
		return found
	}
	for _, m := range family.GetMetric() {
		labels := map[string]string{}
		for _, pair := range m.GetLabel() {
			labels[pair.GetName()] = pair.GetValue()
		}
		matches := true
		for k, v := range match {
			matches = matches && labels[k] == v
		}
		if matches {
			found[fmt.Sprint(labels)] = m.GetGauge().GetValue()
		}
	}
	return found
}

// expectSeries checks that exactly the wanted series of a metric match.
func expectSeries(families map[string]*dto.MetricFamily, name string, match map[string]string, want map[string]float64) error {
	if got := series(families, name, match); !maps.Equal(got, want) {
		return fmt.Errorf("%s%v: got %v, want %v", name, match, got, want)
	}
	return nil
}

// seriesKey keys a series the way series does.
func seriesKey(l map[string]string) string { return fmt.Sprint(l) }

func TestFleetMetricsAreServedAndVanishWithTheirObjects(t *testing.T) {
	ctx := context.Background()
	ensureNational(t)
	expired := platformRelease("egov-2019.12", "9a6d4f6ce3fb8e4fce2e2b3b5d9d5cc0e9b2f9f4d8b2c6cae4a0fa7b2d3e4f51")
	expired.Spec.Components[2].Conformity.ValidUntil = "2020-12-31"
	create(t, expired)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), expired) })
	waitRelease(t, expired.Name, conformant(metav1.ConditionFalse))

	// An environment of its own, so no other test's stacks of 66 count here.
	portal := province(t, "66", func(p *platformv1alpha1.ProvincePortal) { p.Spec.Environment = "canary" })
	waitPortalOn(t, portal, testRelease)
	// The rollout's environment has no stack of 66: the province is skipped.
	fr := &platformv1alpha1.FleetRollout{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-canary"},
		Spec: platformv1alpha1.FleetRolloutSpec{
			Release: testRelease, Environment: "canary-empty",
			Waves: []platformv1alpha1.Wave{{Name: "only", Provinces: []platformv1alpha1.ProvinceCode{"66"}}},
		},
	}
	create(t, fr)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), fr) })

	certs := &cmapi.CertificateList{}
	if err := k8s.List(ctx, certs, client.InNamespace(portal.Namespace)); err != nil {
		t.Fatal(err)
	}
	wantCerts := map[string]float64{}
	for _, c := range certs.Items {
		if c.Status.NotAfter == nil {
			t.Fatalf("Certificate %s is not issued", c.Name)
		}
		wantCerts[seriesKey(map[string]string{"province": "66", "namespace": portal.Namespace, "certificate": c.Name})] = float64(c.Status.NotAfter.Unix())
	}
	if len(wantCerts) == 0 {
		t.Fatal("the portal's stack has no certificates")
	}
	rollout := map[string]string{"rollout": fr.Name}
	wantRollout := map[string]float64{}
	for _, state := range []string{"pending", "waiting-window", "progressing", "soaking", "done", "failed", "skipped"} {
		wantRollout[seriesKey(map[string]string{"rollout": fr.Name, "state": state})] = 0
	}
	wantRollout[seriesKey(map[string]string{"rollout": fr.Name, "state": "skipped"})] = 1
	stack := map[string]string{"province": "66", "environment": "canary"}
	ofExpired, ofStack := map[string]string{"release": expired.Name}, map[string]string{"namespace": portal.Namespace}

	eventually(t, "the fleet's metrics", func() error {
		families, err := scrape()
		if err != nil {
			return err
		}
		for _, err := range []error{
			expectSeries(families, "egov_province_ready", stack, map[string]float64{seriesKey(stack): 1}),
			expectSeries(families, "egov_component_info", stack, map[string]float64{seriesKey(map[string]string{
				"province": "66", "environment": "canary", "component": "portal", "release": testRelease, "version": "4.2.0",
			}): 1}),
			expectSeries(families, "egov_certificate_expiry_timestamp_seconds", ofStack, wantCerts),
			expectSeries(families, "egov_rollout_provinces", rollout, wantRollout),
			expectSeries(families, "egov_release_conformant", ofExpired, map[string]float64{seriesKey(ofExpired): 0}),
			expectSeries(families, "egov_release_conformant", map[string]string{"release": testRelease}, map[string]float64{seriesKey(map[string]string{"release": testRelease}): 1}),
		} {
			if err != nil {
				return err
			}
		}
		// controller-runtime's own metrics are served beside the fleet's.
		if _, ok := families["controller_runtime_reconcile_total"]; !ok {
			return fmt.Errorf("no controller_runtime_reconcile_total")
		}
		return nil
	})

	deletePortal(t, portal)
	for _, obj := range []client.Object{fr, expired} {
		if err := k8s.Delete(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the deleted objects' series gone", func() error {
		families, err := scrape()
		if err != nil {
			return err
		}
		none := map[string]float64{}
		for _, err := range []error{
			expectSeries(families, "egov_province_ready", stack, none),
			expectSeries(families, "egov_component_info", stack, none),
			expectSeries(families, "egov_certificate_expiry_timestamp_seconds", ofStack, none),
			expectSeries(families, "egov_rollout_provinces", rollout, none),
			expectSeries(families, "egov_release_conformant", ofExpired, none),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// The collector reads each component of a stack with the version its
// release gives it, once per release, and nothing from a portal whose
// namespace is not assigned to the province it claims.
func TestFleetCollectorReportsEachComponentOnce(t *testing.T) {
	ns := func(name, code string) *corev1.Namespace {
		return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{platformv1alpha1.ProvinceLabel: code}}}
	}
	stackMeta := func(name, namespace, release string) (metav1.ObjectMeta, platformv1alpha1.ProvinceStatus) {
		return metav1.ObjectMeta{Name: name, Namespace: namespace}, platformv1alpha1.ProvinceStatus{Province: "42", Release: release}
	}
	portal := func(namespace string) *platformv1alpha1.ProvincePortal {
		p := &platformv1alpha1.ProvincePortal{Spec: platformv1alpha1.ProvincePortalSpec{Province: platformv1alpha1.ProvinceRef{Code: "42"}, Environment: "production"}}
		p.ObjectMeta, p.Status.ProvinceStatus = stackMeta("hatinh", namespace, testRelease)
		return p
	}
	shop := &platformv1alpha1.OneStopShop{}
	shop.ObjectMeta, shop.Status.ProvinceStatus = stackMeta("motcua", "egov-hatinh", testRelease)
	nodes := make([]client.Object, 3)
	for i, release := range []string{testRelease, testRelease, "egov-2027.01"} {
		node := &platformv1alpha1.DocExchangeNode{}
		node.ObjectMeta, node.Status.ProvinceStatus = stackMeta(fmt.Sprintf("edxml-%d", i), "egov-hatinh", release)
		nodes[i] = node
	}
	unjudged := platformRelease("egov-2027.01", "1e6d4f6ce3fb8e4fce2e2b3b5d9d5cc0e9b2f9f4d8b2c6cae4a0fa7b2d3e4f50")
	unjudged.Spec.Components[2].Version = "2.6.0"
	c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).
		WithObjects(ns("egov-hatinh", "42"), ns("egov-squatter", "91"), portal("egov-hatinh"), portal("egov-squatter"), shop, platformRelease(testRelease, "0d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"), unjudged).
		WithObjects(nodes...).Build()

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
	info := func(component, release, version string) string {
		return seriesKey(map[string]string{"province": "42", "environment": "production", "component": component, "release": release, "version": version})
	}
	if err := expectSeries(families, "egov_component_info", nil, map[string]float64{
		info("portal", testRelease, "4.2.0"): 1, info("oneStopShop", testRelease, "3.8.1"): 1,
		info("docExchange", testRelease, "2.5.0"): 1, info("docExchange", "egov-2027.01", "2.6.0"): 1,
	}); err != nil {
		t.Error(err)
	}
	// Neither release's conformity is judged yet.
	if err := expectSeries(families, "egov_release_conformant", nil, map[string]float64{}); err != nil {
		t.Error(err)
	}
}
