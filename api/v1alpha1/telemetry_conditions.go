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
)
