package render

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// The OpenTelemetry variables every workload of the stack receives: the
// contract vendors build their components' logs and traces against.
const (
	EnvOTLPEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvOTLPProtocol       = "OTEL_EXPORTER_OTLP_PROTOCOL"
	EnvServiceName        = "OTEL_SERVICE_NAME"
	EnvResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES"
)

// Resource attribute keys the operator stamps on every component's telemetry.
const (
	AttributeProvinceCode = "egov.province.code"
	AttributeOrganID      = "egov.organ.id"
	AttributeEnvironment  = "deployment.environment.name"
	AttributeRelease      = "egov.release"
	AttributeComponent    = "egov.component"
	AttributeVersion      = "service.version"
)

// Telemetry is what a workload's telemetry says about where it comes from.
type Telemetry struct {
	// Collector is the Service of the province's collector.
	Collector string
	// OrganID is the agency the workload serves.
	OrganID platformv1alpha1.OrganID
	// Release is the PlatformRelease the workload runs.
	Release string
}

// portalTelemetry points a workload of the portal's namespace at the portal's collector.
func portalTelemetry(p *platformv1alpha1.ProvincePortal, organID platformv1alpha1.OrganID) Telemetry {
	return Telemetry{Collector: CollectorService(p), OrganID: organID}
}

// WithRelease returns the owner whose workloads report running release.
func (o Owner) WithRelease(release string) Owner {
	o.Telemetry.Release = release
	return o
}

// CollectorService names the Service of the collector of a portal's namespace.
func CollectorService(p *platformv1alpha1.ProvincePortal) string {
	return p.Name + "-" + RoleCollector
}

// TelemetryEnv is the OpenTelemetry environment of one workload. The
// endpoint is set whether or not the collector runs, so a collector added
// or removed later never rolls the province's workloads; an SDK drops what
// it cannot export.
func (o Owner) TelemetryEnv(w Workload) []corev1.EnvVar {
	attributes := []string{
		AttributeProvinceCode + "=" + o.Province,
		AttributeEnvironment + "=" + o.Environment,
		AttributeComponent + "=" + w.Component,
	}
	for key, value := range map[string]string{AttributeOrganID: string(o.Telemetry.OrganID), AttributeRelease: o.Telemetry.Release, AttributeVersion: w.Version} {
		if value != "" {
			attributes = append(attributes, key+"="+value)
		}
	}
	slices.Sort(attributes)
	return []corev1.EnvVar{
		{Name: EnvOTLPEndpoint, Value: fmt.Sprintf("http://%s:%d", o.Telemetry.Collector, otlpHTTPPort)},
		{Name: EnvOTLPProtocol, Value: "http/protobuf"},
		{Name: EnvServiceName, Value: o.Name(w.Component)},
		{Name: EnvResourceAttributes, Value: strings.Join(attributes, ",")},
	}
}
