package v1alpha1

// NationalMonitoring holds the national monitoring systems provinces report to.
type NationalMonitoring struct {
	// emc is the national e-government monitoring system (EMC), the source of
	// central ops' fleet-wide dossier figures.
	// +optional
	EMC *EMC `json:"emc,omitempty"`
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
