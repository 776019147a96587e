package v1alpha1

// NationalMonitoring holds the national monitoring systems provinces report to.
type NationalMonitoring struct {
	// emc is the national e-government monitoring system (EMC), the source of
	// central ops' fleet-wide dossier figures.
	// +optional
	EMC *EMC `json:"emc,omitempty"`
	// soc is the security operations centre every province's collector
	// exports logs and traces to (Chỉ thị 14/CT-TTg), unless the province
	// sets its own in ProvincePortal spec.monitoring.soc.
	// +optional
	SOC *NationalSOC `json:"soc,omitempty"`
	// ncsc is the national cyber security monitoring centre; every
	// province's collector exports to it as well when set.
	// +optional
	NCSC *TelemetryEndpoint `json:"ncsc,omitempty"`
}

// EMC is the national e-government monitoring system's tracking service.
type EMC struct {
	// trackingURL serves the tracking script websites embed with their site
	// ID, e.g. https://f-emc.ngsp.gov.vn/tracking.
	// +required
	TrackingURL HTTPSURL `json:"trackingURL"`
	// eventsURL receives every dossier event a one-stop-shop system posts
	// (site ID, province code, whether the dossier came from the national
	// portal or by post, payment form), e.g.
	// https://f-emc.ngsp.gov.vn/tracking/TrackingMCDT.
	// +required
	EventsURL HTTPSURL `json:"eventsURL"`
}

// TelemetryEndpoint is where a province's OpenTelemetry Collector ships the
// logs and traces of its components, over OTLP/HTTP with mutual TLS.
type TelemetryEndpoint struct {
	// endpoint is the OTLP/HTTP base URL; the collector appends /v1/logs and
	// /v1/traces, e.g. https://soc.example.gov.vn:4318.
	// +required
	Endpoint HTTPSURL `json:"endpoint"`
	// egressCIDRs are the endpoint's addresses: the collector's network
	// policy lets it reach them, and nothing else, on the endpoint's port.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=16
	EgressCIDRs []PeerCIDR `json:"egressCIDRs"`
}

// NationalSOC is the security operations centre provinces ship their
// telemetry to, unless a province runs its own.
type NationalSOC struct {
	TelemetryEndpoint `json:",inline"`
	// caRef names the entry of spec.trust.trustedRoots that signed the SOC's
	// server certificate; without it the collector trusts the whole bundle.
	// +optional
	CARef *TrustedRootReference `json:"caRef,omitempty"`
}

// TrustedRootReference names an entry of the NationalPlatform's
// spec.trust.trustedRoots.
type TrustedRootReference struct {
	// name of the trusted root.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
}
