package render

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

var testCollector = platformv1alpha1.Component{Name: "collector", Version: "0.139.0",
	Image: "registry.egov.vn/platform/otelcol@sha256:3d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"}

// testPortalInputsWithSOC are the portal's inputs with a national SOC and
// NCSC and a release that ships a collector.
func testPortalInputsWithSOC(level int32) PortalInputs {
	in := testPortalInputs(level)
	in.National.Spec.Monitoring.SOC = &platformv1alpha1.NationalSOC{
		TelemetryEndpoint: platformv1alpha1.TelemetryEndpoint{Endpoint: "https://soc.egov.vn:4318", EgressCIDRs: []platformv1alpha1.PeerCIDR{"198.51.100.64/28"}},
		CARef:             &platformv1alpha1.TrustedRootReference{Name: "specialised-ca"},
	}
	in.National.Spec.Monitoring.NCSC = &platformv1alpha1.TelemetryEndpoint{Endpoint: "https://otlp.ncsc.gov.vn", EgressCIDRs: []platformv1alpha1.PeerCIDR{"198.51.100.80/28"}}
	in.Collector = &testCollector
	in.SecretVersions["certificate/hatinh-collector-client"] = "7"
	return in
}

func TestPortalStackWithSOCGolden(t *testing.T) {
	checkGolden(t, "portal-soc-level3", PortalStack(testPortalInputsWithSOC(3)))
}

func TestCollectorRunsOnlyWithASOCAndACollectorComponent(t *testing.T) {
	noSOC := testPortalInputsWithSOC(3)
	noSOC.National.Spec.Monitoring.SOC = nil
	noComponent := testPortalInputsWithSOC(3)
	noComponent.Collector = nil
	for name, tc := range map[string]struct {
		in   PortalInputs
		want bool
	}{
		"SOC and collector component": {testPortalInputsWithSOC(3), true},
		"no SOC":                      {noSOC, false},
		"no collector component":      {noComponent, false},
	} {
		t.Run(name, func(t *testing.T) {
			objs := PortalStack(tc.in)
			deployment := findObject[*appsv1.Deployment](objs, "hatinh-collector") != nil
			policy := findObject[*networkingv1.NetworkPolicy](objs, "hatinh-allow-telemetry") != nil
			if deployment != tc.want || policy != tc.want {
				t.Errorf("collector Deployment %v and telemetry policy %v, want %v", deployment, policy, tc.want)
			}
		})
	}
}

type collectorConfig struct {
	Exporters map[string]struct {
		Endpoint string            `json:"endpoint"`
		TLS      map[string]string `json:"tls"`
	} `json:"exporters"`
	Service struct {
		Pipelines map[string]struct {
			Receivers []string `json:"receivers"`
			Exporters []string `json:"exporters"`
		} `json:"pipelines"`
	} `json:"service"`
}

func parseCollectorConfig(t *testing.T, objs []client.Object) (collectorConfig, *corev1.ConfigMap) {
	t.Helper()
	cm := findObject[*corev1.ConfigMap](objs, "hatinh-collector")
	if cm == nil {
		t.Fatal("no collector ConfigMap")
	}
	var config collectorConfig
	if err := yaml.Unmarshal([]byte(cm.Data[CollectorConfigFile]), &config); err != nil {
		t.Fatal(err)
	}
	return config, cm
}

func hasVolume(d *appsv1.Deployment, match func(corev1.Volume) bool) bool {
	return slices.ContainsFunc(d.Spec.Template.Spec.Volumes, match)
}

func TestCollectorExportsToTheSOCAndNCSCWithItsOwnClientCertificate(t *testing.T) {
	objs := PortalStack(testPortalInputsWithSOC(3))
	config, cm := parseCollectorConfig(t, objs)
	soc, ncsc := config.Exporters["otlphttp/soc"], config.Exporters["otlphttp/ncsc"]
	if soc.Endpoint != "https://soc.egov.vn:4318" || soc.TLS["ca_file"] != "/etc/otelcol/soc-ca.crt" {
		t.Errorf("SOC exporter %+v", soc)
	}
	if ncsc.Endpoint != "https://otlp.ncsc.gov.vn" {
		t.Errorf("NCSC exporter %+v", ncsc)
	}
	for name, e := range config.Exporters {
		if e.TLS["cert_file"] != "/etc/egov/collector-client/tls.crt" || e.TLS["key_file"] != "/etc/egov/collector-client/tls.key" {
			t.Errorf("%s does not present the collector's client certificate: %v", name, e.TLS)
		}
	}
	if !strings.Contains(cm.Data[CollectorSOCCAFile], "BEGIN CERTIFICATE") {
		t.Errorf("the SOC's CA is not in the ConfigMap: %q", cm.Data[CollectorSOCCAFile])
	}
	for _, signal := range []string{"logs", "traces"} {
		p := config.Service.Pipelines[signal]
		if !slices.Equal(p.Receivers, []string{"otlp"}) || !slices.Equal(p.Exporters, []string{"otlphttp/soc", "otlphttp/ncsc"}) {
			t.Errorf("%s pipeline %+v", signal, p)
		}
	}
	d := findObject[*appsv1.Deployment](objs, "hatinh-collector")
	if !hasVolume(d, func(v corev1.Volume) bool {
		return v.Secret != nil && v.Secret.SecretName == "hatinh-collector-client-keypair"
	}) {
		t.Error("the collector does not mount its client certificate")
	}
	if findObject[client.Object](objs, "hatinh-collector-client") == nil {
		t.Error("no client certificate of the collector's own")
	}
}

func TestProvinceSOCReplacesTheNationalOne(t *testing.T) {
	in := testPortalInputsWithSOC(3)
	in.National.Spec.Monitoring.NCSC = nil
	in.Portal.Spec.Monitoring.SOC = &platformv1alpha1.ProvinceSOC{
		TelemetryEndpoint: platformv1alpha1.TelemetryEndpoint{Endpoint: "https://soc.hatinh.gov.vn", EgressCIDRs: []platformv1alpha1.PeerCIDR{"10.42.0.0/24"}},
		CARef:             &platformv1alpha1.LocalObjectReference{Name: "soc-ca"},
	}
	objs := PortalStack(in)
	config, cm := parseCollectorConfig(t, objs)
	if soc := config.Exporters["otlphttp/soc"]; soc.Endpoint != "https://soc.hatinh.gov.vn" || soc.TLS["ca_file"] != "/etc/egov/soc-ca/ca.crt" {
		t.Errorf("SOC exporter %+v, want the province's SOC verified by its CA", soc)
	}
	if _, ok := cm.Data[CollectorSOCCAFile]; ok {
		t.Error("the national SOC's CA is still written")
	}
	d := findObject[*appsv1.Deployment](objs, "hatinh-collector")
	if !hasVolume(d, func(v corev1.Volume) bool { return v.ConfigMap != nil && v.ConfigMap.Name == "soc-ca" }) {
		t.Error("the collector does not mount the province's SOC CA")
	}
	policy := findObject[*networkingv1.NetworkPolicy](objs, "hatinh-collector")
	if got := egressTargets(policy); !slices.Equal(got, []string{"10.42.0.0/24:443"}) {
		t.Errorf("collector egress %v, want only the province's SOC", got)
	}
}

// egressTargets lists a policy's egress as cidr:port.
func egressTargets(policy *networkingv1.NetworkPolicy) []string {
	var targets []string
	for _, rule := range policy.Spec.Egress {
		for _, peer := range rule.To {
			for _, p := range rule.Ports {
				targets = append(targets, peer.IPBlock.CIDR+":"+p.Port.String())
			}
		}
	}
	return targets
}

func TestCollectorPolicyAdmitsOTLPFromTheNamespaceAndReachesOnlyTheEndpoints(t *testing.T) {
	policy := findObject[*networkingv1.NetworkPolicy](PortalStack(testPortalInputsWithSOC(3)), "hatinh-collector")
	if len(policy.Spec.Ingress) != 1 || len(policy.Spec.Ingress[0].From) != 1 || len(policy.Spec.Ingress[0].From[0].PodSelector.MatchLabels) != 0 ||
		policy.Spec.Ingress[0].From[0].NamespaceSelector != nil {
		t.Errorf("ingress %+v, want every pod of the namespace", policy.Spec.Ingress)
	}
	var ports []string
	for _, p := range policy.Spec.Ingress[0].Ports {
		ports = append(ports, p.Port.String())
	}
	if !slices.Equal(ports, []string{"4317", "4318"}) {
		t.Errorf("ingress ports %v, want the OTLP ports", ports)
	}
	if got := egressTargets(policy); !slices.Equal(got, []string{"198.51.100.64/28:4318", "198.51.100.80/28:443"}) {
		t.Errorf("collector egress %v, want the SOC and the NCSC only", got)
	}
}

func TestEveryWorkloadCarriesTheTelemetryEnvironment(t *testing.T) {
	var objs []client.Object
	objs = append(objs, PortalStack(testPortalInputsWithSOC(3))...)
	objs = append(objs, OneStopShopStack(testShopInputs(false))...)
	objs = append(objs, DocExchangeStack(testNodeInputs())...)
	workloads := 0
	for _, o := range objs {
		var template corev1.PodTemplateSpec
		switch w := o.(type) {
		case *appsv1.Deployment:
			template = w.Spec.Template
		case *appsv1.StatefulSet:
			template = w.Spec.Template
		default:
			continue
		}
		workloads++
		env := map[string]string{}
		for _, e := range template.Spec.Containers[0].Env {
			env[e.Name] = e.Value
		}
		component := template.Labels[LabelName]
		if got := env[EnvOTLPEndpoint]; got != "http://hatinh-collector:4318" {
			t.Errorf("%s: %s = %q", Describe(o), EnvOTLPEndpoint, got)
		}
		if got := env[EnvServiceName]; got != o.GetName() {
			t.Errorf("%s: %s = %q, want the workload's name", Describe(o), EnvServiceName, got)
		}
		attributes := strings.Split(env[EnvResourceAttributes], ",")
		for _, want := range []string{"egov.province.code=42", "deployment.environment.name=production", "egov.release=egov-2026.11", "egov.component=" + component} {
			if !slices.Contains(attributes, want) {
				t.Errorf("%s: %s = %v lacks %s", Describe(o), EnvResourceAttributes, attributes, want)
			}
		}
		if !slices.ContainsFunc(attributes, func(a string) bool { return strings.HasPrefix(a, "egov.organ.id=000.00.00.") }) {
			t.Errorf("%s: %s = %v lacks the organId", Describe(o), EnvResourceAttributes, attributes)
		}
	}
	if workloads != 7 {
		t.Errorf("want the portal, collector, web, worker, inbound, postal callback and node workloads, checked %d", workloads)
	}
}

// The collector rolls when its client certificate is reissued or the trust
// bundle changes, and not when a Secret only the portal mounts does.
func TestCollectorChecksumFollowsWhatItMounts(t *testing.T) {
	checksum := func(mutate func(*PortalInputs)) string {
		in := testPortalInputsWithSOC(3)
		mutate(&in)
		return findObject[*appsv1.Deployment](PortalStack(in), "hatinh-collector").Spec.Template.Annotations[ChecksumAnnotation]
	}
	base := checksum(func(*PortalInputs) {})
	for name, tc := range map[string]struct {
		mutate func(*PortalInputs)
		rolls  bool
	}{
		"client certificate reissued": {func(in *PortalInputs) { in.SecretVersions["certificate/hatinh-collector-client"] = "8" }, true},
		"trusted root added": {func(in *PortalInputs) {
			in.TrustedRoots = append(in.TrustedRoots, platformv1alpha1.TrustedRoot{Name: "public-ca", PEM: "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"})
		}, true},
		"portal's credentials rotated": {func(in *PortalInputs) { in.SecretVersions["national-credentials"] = "999" }, false},
	} {
		if rolled := checksum(tc.mutate) != base; rolled != tc.rolls {
			t.Errorf("%s: collector rolls %v, want %v", name, rolled, tc.rolls)
		}
	}
}
