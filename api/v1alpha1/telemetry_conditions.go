package v1alpha1

// The ProvincePortal's telemetry condition and its reasons. It is not part
// of Ready: a province without telemetry still serves its citizens.
const (
	// ConditionMonitoringConnected is True when the province's OpenTelemetry
	// Collector is rolled out and exports to a configured SOC.
	ConditionMonitoringConnected = "MonitoringConnected"

	// ReasonSOCNotConfigured means neither the NationalPlatform nor the
	// ProvincePortal names a SOC endpoint, so no collector runs.
	ReasonSOCNotConfigured = "SOCNotConfigured"
	// ReasonCollectorNotReady means the collector is not rolled out yet.
	ReasonCollectorNotReady = "CollectorNotReady"

	// ConditionServiceMonitorsConfigured is True when a ServiceMonitor of
	// the Prometheus Operator scrapes each component of the namespace;
	// False with PrometheusOperatorAbsent where the cluster has none.
	ConditionServiceMonitorsConfigured = "ServiceMonitorsConfigured"

	// ReasonPrometheusOperatorAbsent means the cluster does not serve the
	// Prometheus Operator's ServiceMonitors: no metrics are scraped, and
	// that is not an error.
	ReasonPrometheusOperatorAbsent = "PrometheusOperatorAbsent"
)
