package controllers

import (
	"context"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// The fleet's metrics, served with controller-runtime's own on the
// manager's metrics endpoint.
var (
	provinceReadyDesc = prometheus.NewDesc("egov_province_ready",
		"Whether the province's stack in the environment is Ready (1) or not (0), as the Province's status reports it.",
		[]string{"province", "environment"}, nil)
	componentInfoDesc = prometheus.NewDesc("egov_component_info",
		"A component of a province's stack in an environment, with the release it runs and that release's version of the component; always 1.",
		[]string{"province", "environment", "component", "release", "version"}, nil)
	certificateExpiryDesc = prometheus.NewDesc("egov_certificate_expiry_timestamp_seconds",
		"When a certificate the operator manages for a province expires (cert-manager's notAfter), in seconds since the Unix epoch.",
		[]string{"province", "namespace", "certificate"}, nil)
	rolloutProvincesDesc = prometheus.NewDesc("egov_rollout_provinces",
		"How many provinces of a FleetRollout are in a state: pending, waiting-window, progressing, soaking, done, failed or skipped.",
		[]string{"rollout", "state"}, nil)
	releaseConformantDesc = prometheus.NewDesc("egov_release_conformant",
		"Whether a PlatformRelease is Conformant (1) or not (0); a release whose conformity is not judged yet has no series.",
		[]string{"release"}, nil)
)

// rolloutStates are every state a province can be in during a rollout: each
// is reported, zeros included, so a query for one state never finds nothing.
var rolloutStates = []platformv1alpha1.RolloutState{
	platformv1alpha1.RolloutPending, platformv1alpha1.RolloutWaitingWindow, platformv1alpha1.RolloutProgressing,
	platformv1alpha1.RolloutSoaking, platformv1alpha1.RolloutDone, platformv1alpha1.RolloutFailed, platformv1alpha1.RolloutSkipped,
}

// scrapeTimeout bounds the cache reads of one scrape; they only wait when
// the cache has not synced yet.
const scrapeTimeout = 10 * time.Second

// fleetCollector computes the fleet's metrics from the manager's cache at
// each scrape, as kube-state-metrics does: an object's series live exactly
// as long as the object, and no reconcile keeps bookkeeping that could go
// stale.
type fleetCollector struct {
	deps deps
}

// registerMetrics serves the fleet's metrics on the manager's metrics endpoint.
func registerMetrics(d deps) error {
	return metrics.Registry.Register(fleetCollector{deps: d})
}

// Describe sends the descriptors of every metric the collector reports.
func (c fleetCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{provinceReadyDesc, componentInfoDesc, certificateExpiryDesc, rolloutProvincesDesc, releaseConformantDesc, telemetryConfiguredDesc} {
		ch <- desc
	}
}

// Collect reads the cache and sends the current value of every series. A
// failed read leaves its metric out of this scrape, so controller-runtime's
// own metrics are still served.
func (c fleetCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for name, collect := range map[string]func(context.Context, chan<- prometheus.Metric) error{
		"provinces": c.collectProvinces, "stacks": c.collectStacks, "rollouts": c.collectRollouts, "releases": c.collectReleases,
		"telemetry": c.collectTelemetry,
	} {
		if err := collect(ctx, ch); err != nil {
			ctrl.Log.WithName("metrics").Error(err, "cannot collect metrics", "of", name)
		}
	}
}

// collectProvinces reports each Province's stacks, one per environment.
func (c fleetCollector) collectProvinces(ctx context.Context, ch chan<- prometheus.Metric) error {
	list := &platformv1alpha1.ProvinceList{}
	if err := c.deps.List(ctx, list); err != nil {
		return err
	}
	for _, p := range list.Items {
		for _, env := range p.Status.Environments {
			ch <- prometheus.MustNewConstMetric(provinceReadyDesc, prometheus.GaugeValue, boolValue(env.Ready), string(p.Spec.Code), env.Environment)
		}
	}
	return nil
}

// collectStacks reports the components and certificates of the stack of
// each portal that serves a province: a claim from a namespace not assigned
// to the province speaks for no one, here as in the Province's report.
func (c fleetCollector) collectStacks(ctx context.Context, ch chan<- prometheus.Metric) error {
	portals, err := c.deps.servingPortals(ctx, func(*platformv1alpha1.ProvincePortal) bool { return true })
	if err != nil {
		return err
	}
	releases := &platformv1alpha1.PlatformReleaseList{}
	if err := c.deps.List(ctx, releases); err != nil {
		return err
	}
	versions := componentVersions(releases.Items)
	// A second portal in a namespace (Stalled) must not report its certificates twice.
	certificatesOf := map[string]bool{}
	for _, portal := range portals {
		code, env := string(portal.Spec.Province.Code), portal.Spec.Environment
		components, err := c.stackComponents(ctx, portal)
		if err != nil {
			return err
		}
		for _, rc := range components {
			ch <- prometheus.MustNewConstMetric(componentInfoDesc, prometheus.GaugeValue, 1, code, env, rc.component, rc.release, versions[rc])
		}
		if certificatesOf[portal.Namespace] {
			continue
		}
		certificatesOf[portal.Namespace] = true
		certs := &cmapi.CertificateList{}
		if err := c.deps.List(ctx, certs, client.InNamespace(portal.Namespace), client.MatchingLabels{render.LabelManagedBy: render.ManagedBy}); err != nil {
			return err
		}
		for _, cert := range certs.Items {
			if cert.Status.NotAfter != nil {
				ch <- prometheus.MustNewConstMetric(certificateExpiryDesc, prometheus.GaugeValue, float64(cert.Status.NotAfter.Unix()), code, portal.Namespace, cert.Name)
			}
		}
	}
	return nil
}

// releaseComponent is a component of a release.
type releaseComponent struct{ release, component string }

// componentVersions maps each component of each release to its version.
func componentVersions(releases []platformv1alpha1.PlatformRelease) map[releaseComponent]string {
	versions := map[releaseComponent]string{}
	for _, rel := range releases {
		for _, comp := range rel.Spec.Components {
			versions[releaseComponent{rel.Name, comp.Name}] = comp.Version
		}
	}
	return versions
}

// stackComponents returns the components a portal's stack runs, each with
// the release its object reports, once: the document exchange nodes of a
// namespace that run the same release are one series.
func (c fleetCollector) stackComponents(ctx context.Context, portal *platformv1alpha1.ProvincePortal) ([]releaseComponent, error) {
	shops := &platformv1alpha1.OneStopShopList{}
	if err := c.deps.List(ctx, shops, client.InNamespace(portal.Namespace)); err != nil {
		return nil, err
	}
	nodes := &platformv1alpha1.DocExchangeNodeList{}
	if err := c.deps.List(ctx, nodes, client.InNamespace(portal.Namespace)); err != nil {
		return nil, err
	}
	var components []releaseComponent
	seen := map[releaseComponent]bool{}
	add := func(component string, obj client.Object) {
		rc := releaseComponent{release: stackStatus(obj).Release, component: component}
		if rc.release != "" && !seen[rc] {
			seen[rc] = true
			components = append(components, rc)
		}
	}
	add(platformv1alpha1.ComponentPortal, portal)
	for i := range shops.Items {
		add(platformv1alpha1.ComponentOneStopShop, &shops.Items[i])
	}
	for i := range nodes.Items {
		add(platformv1alpha1.ComponentDocExchange, &nodes.Items[i])
	}
	return components, nil
}

// collectRollouts counts each FleetRollout's provinces by state.
func (c fleetCollector) collectRollouts(ctx context.Context, ch chan<- prometheus.Metric) error {
	list := &platformv1alpha1.FleetRolloutList{}
	if err := c.deps.List(ctx, list); err != nil {
		return err
	}
	for _, fr := range list.Items {
		counts := map[platformv1alpha1.RolloutState]int{}
		for _, wave := range fr.Status.Waves {
			for _, p := range wave.Provinces {
				counts[p.State]++
			}
		}
		for _, state := range rolloutStates {
			ch <- prometheus.MustNewConstMetric(rolloutProvincesDesc, prometheus.GaugeValue, float64(counts[state]), fr.Name, string(state))
		}
	}
	return nil
}

// collectReleases reports each PlatformRelease's conformity, once judged.
func (c fleetCollector) collectReleases(ctx context.Context, ch chan<- prometheus.Metric) error {
	list := &platformv1alpha1.PlatformReleaseList{}
	if err := c.deps.List(ctx, list); err != nil {
		return err
	}
	for _, rel := range list.Items {
		if conformant := meta.FindStatusCondition(rel.Status.Conditions, platformv1alpha1.ConditionConformant); conformant != nil {
			ch <- prometheus.MustNewConstMetric(releaseConformantDesc, prometheus.GaugeValue, boolValue(conformant.Status == metav1.ConditionTrue), rel.Name)
		}
	}
	return nil
}

// boolValue is a gauge's value for a yes or no.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
