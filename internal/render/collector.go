package render

import (
	"net/url"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Roles of the collector's children, beside the portal's.
const (
	RoleCollector       = "collector"
	RoleCollectorClient = "collector-client"
)

// Where the collector listens and finds its configuration.
const (
	otlpGRPCPort          = 4317
	otlpHTTPPort          = 4318
	collectorHealthPort   = 13133
	CollectorConfigFile   = "config.yaml"
	CollectorSOCCAFile    = "soc-ca.crt"
	collectorConfigPath   = "/etc/otelcol"
	collectorSOCCAPath    = "/etc/egov/soc-ca"
	provinceSOCCAKey      = "ca.crt"
	collectorClientPath   = "/etc/egov/collector-client"
	collectorMemoryTarget = 80
)

// SOCTarget is the SOC a province's collector exports to.
type SOCTarget struct {
	platformv1alpha1.TelemetryEndpoint
	// CAFile is the file in the collector's pod that verifies the SOC.
	CAFile string
	// CAPEM is the national root written into the collector's ConfigMap, if any.
	CAPEM string
	// CAConfigMap is the province's ConfigMap the collector mounts, if any.
	CAConfigMap string
	// ProvincesOwn is true for the province's own SOC, set in place of the
	// national one.
	ProvincesOwn bool
}

// EffectiveSOC is the SOC a portal's collector exports to: the province's
// own when it sets one, else the national SOC; nil when neither is set.
// roots are the current trusted roots, the national caRef's candidates.
func EffectiveSOC(p *platformv1alpha1.ProvincePortal, n *platformv1alpha1.NationalPlatform, roots []platformv1alpha1.TrustedRoot) *SOCTarget {
	bundle := TrustBundleMountPath + "/" + TrustBundleKey
	if m := p.Spec.Monitoring; m != nil && m.SOC != nil {
		target := &SOCTarget{TelemetryEndpoint: m.SOC.TelemetryEndpoint, CAFile: bundle, ProvincesOwn: true}
		if m.SOC.CARef != nil {
			target.CAConfigMap = m.SOC.CARef.Name
			target.CAFile = collectorSOCCAPath + "/" + provinceSOCCAKey
		}
		return target
	}
	m := n.Spec.Monitoring
	if m == nil || m.SOC == nil {
		return nil
	}
	target := &SOCTarget{TelemetryEndpoint: m.SOC.TelemetryEndpoint, CAFile: bundle}
	if m.SOC.CARef != nil {
		for _, r := range roots {
			if r.Name == m.SOC.CARef.Name {
				target.CAPEM = r.PEM
				target.CAFile = collectorConfigPath + "/" + CollectorSOCCAFile
			}
		}
	}
	return target
}

// nationalNCSC is the national monitoring centre, if set.
func nationalNCSC(n *platformv1alpha1.NationalPlatform) *platformv1alpha1.TelemetryEndpoint {
	if n.Spec.Monitoring == nil {
		return nil
	}
	return n.Spec.Monitoring.NCSC
}

// CollectorConfig is the collector's configuration: OTLP in over gRPC and
// HTTP from the namespace, logs and traces out over OTLP/HTTP with the
// province's client certificate to the SOC and the NCSC. The province's
// code and organId are stamped on every record, so a component cannot pass
// its telemetry off as another province's.
func CollectorConfig(p *platformv1alpha1.ProvincePortal, soc *SOCTarget, ncsc *platformv1alpha1.TelemetryEndpoint) string {
	clientTLS := func(caFile string) map[string]any {
		return map[string]any{
			"ca_file":   caFile,
			"cert_file": collectorClientPath + "/tls.crt",
			"key_file":  collectorClientPath + "/tls.key",
		}
	}
	exporters := map[string]any{
		"otlphttp/soc": map[string]any{"endpoint": string(soc.Endpoint), "tls": clientTLS(soc.CAFile)},
	}
	names := []string{"otlphttp/soc"}
	if ncsc != nil {
		exporters["otlphttp/ncsc"] = map[string]any{"endpoint": string(ncsc.Endpoint), "tls": clientTLS(TrustBundleMountPath + "/" + TrustBundleKey)}
		names = append(names, "otlphttp/ncsc")
	}
	pipeline := map[string]any{
		"receivers":  []string{"otlp"},
		"processors": []string{"memory_limiter", "resource", "batch"},
		"exporters":  names,
	}
	config := map[string]any{
		"receivers": map[string]any{"otlp": map[string]any{"protocols": map[string]any{
			"grpc": map[string]any{"endpoint": listen(otlpGRPCPort)},
			"http": map[string]any{"endpoint": listen(otlpHTTPPort)},
		}}},
		"processors": map[string]any{
			"memory_limiter": map[string]any{"check_interval": "1s", "limit_percentage": collectorMemoryTarget, "spike_limit_percentage": 20},
			"resource": map[string]any{"attributes": []map[string]any{
				{"key": AttributeProvinceCode, "value": string(p.Spec.Province.Code), "action": "upsert"},
				{"key": AttributeEnvironment, "value": p.Spec.Environment, "action": "upsert"},
			}},
			"batch": map[string]any{},
		},
		"exporters":  exporters,
		"extensions": map[string]any{"health_check": map[string]any{"endpoint": listen(collectorHealthPort)}},
		"service": map[string]any{
			"extensions": []string{"health_check"},
			"pipelines":  map[string]any{"logs": pipeline, "traces": pipeline},
		},
	}
	out, _ := yaml.Marshal(config) // plain maps, strings and numbers always marshal
	return string(out)
}

// listen is a listening address on every interface: IPv6 too where the
// node has it, IPv4 alone where it does not.
func listen(port int) string { return ":" + strconv.Itoa(port) }

// CollectorInputs are what the collector's objects are built from.
type CollectorInputs struct {
	Portal   *platformv1alpha1.ProvincePortal
	National *platformv1alpha1.NationalPlatform
	// Release is the effective release and Component its collector image.
	Release   string
	Component platformv1alpha1.Component
	SOC       *SOCTarget
	// TrustBundle is the bundle the pods mount; ClientRevision the revision
	// of the collector's client certificate.
	TrustBundle, ClientRevision string
}

// CollectorObjects are the collector of a portal's namespace: its client
// certificate, configuration, Deployment, Service and network policies.
// It holds a client certificate of its own rather than the portal's: a
// compromised collector then cannot call the national systems as the province.
func CollectorObjects(in CollectorInputs) []client.Object {
	p, n := in.Portal, in.National
	o := PortalOwner(p).WithRelease(in.Release)
	ncsc := nationalNCSC(n)
	config := map[string]string{CollectorConfigFile: CollectorConfig(p, in.SOC, ncsc)}
	if in.SOC.CAPEM != "" {
		config[CollectorSOCCAFile] = in.SOC.CAPEM
	}
	mounts := []Mount{
		{Name: "config", Path: collectorConfigPath, ConfigMap: o.Name(RoleCollector)},
		{Name: "client", Path: collectorClientPath, Secret: KeypairSecret(o.Name(RoleCollectorClient))},
		{Name: "trust", Path: TrustBundleMountPath, ConfigMap: o.Name(RoleTrustBundle)},
	}
	if in.SOC.CAConfigMap != "" {
		mounts = append(mounts, Mount{Name: "soc-ca", Path: collectorSOCCAPath, ConfigMap: in.SOC.CAConfigMap})
	}
	replicas := ReplicasForLevel(int32(p.Spec.SecurityLevel))
	deployment := Deployment(o, Workload{
		Component: RoleCollector, Image: in.Component.Image, Version: in.Component.Version,
		Replicas: replicas, SecurityLevel: int32(p.Spec.SecurityLevel), Resources: Resources(nil), Mounts: mounts,
		Checksum: Checksum(checksumInputs(config, nil, in.TrustBundle,
			map[string]string{"certificate/" + o.Name(RoleCollectorClient): in.ClientRevision})),
		Args: []string{"--config=" + collectorConfigPath + "/" + CollectorConfigFile},
	})
	container := &deployment.Spec.Template.Spec.Containers[0]
	container.Ports = []corev1.ContainerPort{
		{Name: "otlp-grpc", ContainerPort: otlpGRPCPort, Protocol: corev1.ProtocolTCP},
		{Name: "otlp-http", ContainerPort: otlpHTTPPort, Protocol: corev1.ProtocolTCP},
		{Name: "health", ContainerPort: collectorHealthPort, Protocol: corev1.ProtocolTCP},
	}
	health := corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("health"), Scheme: corev1.URISchemeHTTP}}
	container.ReadinessProbe = &corev1.Probe{ProbeHandler: health, PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3}
	container.LivenessProbe = &corev1.Probe{ProbeHandler: health, PeriodSeconds: 20, TimeoutSeconds: 2, FailureThreshold: 3}

	service := Service(o, RoleCollector)
	service.Spec.Ports = []corev1.ServicePort{
		{Name: "otlp-grpc", Port: otlpGRPCPort, TargetPort: intstr.FromString("otlp-grpc"), Protocol: corev1.ProtocolTCP},
		{Name: "otlp-http", Port: otlpHTTPPort, TargetPort: intstr.FromString("otlp-http"), Protocol: corev1.ProtocolTCP},
	}
	objs := []client.Object{
		ServiceAccount(o, RoleCollector),
		ClientCertificate(o, RoleCollectorClient, provinceUnit(p).FullName(), PortalAgency(p), SubCAIssuerRef(p.Name)),
		ConfigMap(o, RoleCollector, config),
		deployment,
		service,
		collectorPolicy(o, in.SOC.TelemetryEndpoint, ncsc),
		TelemetryEgressPolicy(o),
	}
	if replicas >= 2 {
		objs = append(objs, PodDisruptionBudget(o, RoleCollector))
	}
	return objs
}

var otlpPorts = []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, otlpGRPCPort), port(corev1.ProtocolTCP, otlpHTTPPort)}

// collectorPolicy lets the namespace's pods send OTLP to the collector, and
// the collector reach the SOC and NCSC endpoints and nothing else.
func collectorPolicy(o Owner, soc platformv1alpha1.TelemetryEndpoint, ncsc *platformv1alpha1.TelemetryEndpoint) *networkingv1.NetworkPolicy {
	np := ComponentPolicy(o, RoleCollector, nil, nil)
	np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{
		From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}},
		Ports: otlpPorts,
	}}
	for _, e := range []*platformv1alpha1.TelemetryEndpoint{&soc, ncsc} {
		if e != nil {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{
				To: CIDRPeers(CIDRs(e.EgressCIDRs)), Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, endpointPort(e.Endpoint))},
			})
		}
	}
	return np
}

// TelemetryEgressPolicy lets every pod of the namespace send OTLP to the collector.
func TelemetryEgressPolicy(o Owner) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		TypeMeta:   networkPolicyType,
		ObjectMeta: o.Meta("allow-telemetry", "network"),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{PodSelector: metaSelector(o.SelectorLabels(RoleCollector))}},
				Ports: otlpPorts,
			}},
		},
	}
}

// endpointPort is an https URL's port, 443 when it names none; admission
// guarantees the URL parses.
func endpointPort(endpoint platformv1alpha1.HTTPSURL) int32 {
	u, _ := url.Parse(string(endpoint))
	if n, err := strconv.ParseInt(u.Port(), 10, 32); err == nil {
		return int32(n)
	}
	return 443
}
