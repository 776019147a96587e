package render

import "testing"

// The one-stop-shop posts dossier events to EMC only with both the national
// events endpoint and its own numeric site ID.
func TestEMCReportingNeedsEndpointAndSiteID(t *testing.T) {
	in := testShopInputs(false)
	config := OneStopShopConfig(in.Shop, in.Portal, in.National)
	if config["MOTCUA_EMC_ENABLED"] != "true" || config["MOTCUA_EMC_SITE_ID"] != "2042" ||
		config["MOTCUA_EMC_EVENTS_URL"] != "https://f-emc.ngsp.gov.vn/tracking/TrackingMCDT" {
		t.Errorf("EMC settings %v", config)
	}
	in.National.Spec.Monitoring = nil
	if config := OneStopShopConfig(in.Shop, in.Portal, in.National); config["MOTCUA_EMC_ENABLED"] != "false" || config["MOTCUA_EMC_EVENTS_URL"] != "" {
		t.Errorf("EMC reporting on without a national endpoint: %v", config)
	}
}
