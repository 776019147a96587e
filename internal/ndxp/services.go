// Package ndxp holds what the operator knows of the national data exchange
// platform (NDXP/NGSP): the national databases a province's integration
// platform may connect to, each with its service code at NDXP and the data
// it gives a province.
package ndxp

import (
	"slices"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Service is a national database reachable over NDXP.
type Service struct {
	// Name is the name connectors use (spec.connectors[].service).
	Name string
	// Code is the service code the gateway asks NDXP for. Codes starting
	// with PLACEHOLDER- are not published: replace them with the code NDXP
	// assigns the province's platform when it is registered.
	Code string
	// Scope is what the province may ask of it.
	Scope string
	// MessageStructure is the technical regulation its messages follow, if any.
	MessageStructure string
}

// Services are the national databases, by name. Keep this table in step
// with the official registrations: it is data, not code.
var Services = map[string]Service{
	platformv1alpha1.ServicePopulation: {
		Name: platformv1alpha1.ServicePopulation, Code: "PLACEHOLDER-NDXP-CSDLQGDC",
		Scope:            "look up and verify citizens' identity and residence records for the dossiers they submit",
		MessageStructure: "QCVN 109:2017/BTTTT",
	},
	platformv1alpha1.ServiceBusinessRegistration: {
		Name: platformv1alpha1.ServiceBusinessRegistration, Code: "PLACEHOLDER-NDXP-CSDLQGDKDN",
		Scope: "look up enterprises' registration records",
	},
	platformv1alpha1.ServiceCivilStatus: {
		Name: platformv1alpha1.ServiceCivilStatus, Code: "PLACEHOLDER-NDXP-CSDLHTDT",
		Scope: "look up and record births, marriages and deaths the province registers",
	},
	platformv1alpha1.ServiceJudicialRecords: {
		Name: platformv1alpha1.ServiceJudicialRecords, Code: "PLACEHOLDER-NDXP-CSDLLLTP",
		Scope: "request judicial record certificates for citizens' dossiers",
	},
	platformv1alpha1.ServiceSocialInsurance: {
		Name: platformv1alpha1.ServiceSocialInsurance, Code: "PLACEHOLDER-NDXP-CSDLQGBH",
		Scope: "look up social and health insurance participation",
	},
	platformv1alpha1.ServiceLand: {
		Name: platformv1alpha1.ServiceLand, Code: "PLACEHOLDER-NDXP-CSDLQGDD",
		Scope: "look up land parcels and land use rights records",
	},
}

// Lookup returns the national database named name.
func Lookup(name string) (Service, bool) {
	s, ok := Services[name]
	return s, ok
}

// Names are the names of the national databases, sorted.
func Names() []string {
	names := make([]string, 0, len(Services))
	for name := range Services {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
