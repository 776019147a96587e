package render

import (
	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// RoleMotcuaUnits is the ConfigMap of the system's receiving units, mounted
// as UnitsFile under unitsMountPath. It is a file, not a variable: 512 units
// with their names would not fit a process's environment.
const (
	RoleMotcuaUnits = "motcua-units"
	UnitsFile       = "units.json"
	unitsMountPath  = "/etc/egov/units"
)

// OneStopShopUnits is the system's receiving units as a JSON list of
// {code, name, postalCustomerCode}, the content of the file MOTCUA_UNITS_FILE names.
func OneStopShopUnits(s *platformv1alpha1.OneStopShop) string {
	units := make([]map[string]string, len(s.Spec.Units))
	for i, u := range s.Spec.Units {
		units[i] = map[string]string{"code": u.Code, "name": u.Name}
		if u.PostalCustomerCode != "" {
			units[i]["postalCustomerCode"] = u.PostalCustomerCode
		}
	}
	return jsonString(units)
}

// nationalPortalConfig tells the system how to talk to the national public
// service portal: authenticate for a session, push dossiers (DongBoHoSoMC,
// already in MOTCUA_SYNC_URL) and progress (CapNhatTienDoHoSoMC), pull the
// procedure catalogue (LayThuTuc), each keyed by a receiving unit's madonvi.
func nationalPortalConfig(n *platformv1alpha1.NationalPlatform, data map[string]string) {
	portal := n.Spec.PublicServicePortal
	for key, url := range map[string]platformv1alpha1.HTTPSURL{
		"MOTCUA_NATIONAL_AUTH_URL":      portal.AuthURL,
		"MOTCUA_NATIONAL_PROGRESS_URL":  portal.ProgressURL,
		"MOTCUA_NATIONAL_CATALOGUE_URL": portal.CatalogueURL,
	} {
		if url != "" {
			data[key] = string(url)
		}
	}
	data["MOTCUA_UNITS_FILE"] = unitsMountPath + "/" + UnitsFile
}

// emcConfig tells the system where to post every dossier event for national
// monitoring (EMC's TrackingMCDT) and under which site ID; without both the
// system reports nothing.
func emcConfig(s *platformv1alpha1.OneStopShop, n *platformv1alpha1.NationalPlatform, data map[string]string) {
	emc := nationalEMC(n)
	if emc == nil || s.Spec.Monitoring == nil || s.Spec.Monitoring.EMCSiteID == "" {
		data["MOTCUA_EMC_ENABLED"] = "false"
		return
	}
	data["MOTCUA_EMC_ENABLED"] = "true"
	data["MOTCUA_EMC_EVENTS_URL"] = string(emc.EventsURL)
	data["MOTCUA_EMC_SITE_ID"] = string(s.Spec.Monitoring.EMCSiteID)
}

// nationalEMC is the national monitoring's tracking service, if central ops named one.
func nationalEMC(n *platformv1alpha1.NationalPlatform) *platformv1alpha1.EMC {
	if n.Spec.Monitoring == nil {
		return nil
	}
	return n.Spec.Monitoring.EMC
}

// postalConfig says which ways the postal service works for the system
// (QĐ 45/2016/QĐ-TTg): collecting dossiers (receipt channel 3) besides
// delivering results, and who pays what. Each unit's customer code is in
// the units file.
func postalConfig(s *platformv1alpha1.OneStopShop, data map[string]string) {
	pd := s.Spec.PostalDelivery
	if pd == nil || !pd.Enabled {
		return
	}
	data["MOTCUA_POSTAL_COLLECTION_ENABLED"] = boolString(pd.Collection == nil || *pd.Collection)
	fees := platformv1alpha1.PostalFees{PostagePayer: platformv1alpha1.PostagePayerCitizen}
	if pd.Fees != nil {
		fees = *pd.Fees
	}
	if fees.PostagePayer == "" {
		fees.PostagePayer = platformv1alpha1.PostagePayerCitizen
	}
	data["MOTCUA_POSTAL_POSTAGE_PAYER"] = fees.PostagePayer
	data["MOTCUA_POSTAL_COLLECT_PROCEDURE_FEES"] = boolString(fees.CollectProcedureFees)
}
