// Package conformity decides whether a PlatformRelease may be applied: every
// component is declared conformant to the technical regulations its role
// requires (công bố hợp quy), meets the functional criteria its role requires,
// and no declaration has expired. It is pure: the caller passes the time.
package conformity

import (
	"fmt"
	"slices"
	"strings"
	"time"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Requirement is what a component role must be declared conformant to and
// must meet.
type Requirement struct {
	// Component is the role, a component name of a release.
	Component string
	// Regulations are the national technical regulations (QCVN) its
	// declaration of conformity must name.
	Regulations []string
	// Criteria are the functional criteria it must state it meets: they are
	// compliance, for which the law has no declaration of conformity.
	Criteria []string
}

// The regulations and criteria below were issued by the Ministry of
// Information and Communications (BTTTT), merged into the Ministry of Science
// and Technology in 2025, which maintains them now; they keep their numbers.
//
// Required is the one table of what each component role requires; a role
// absent from it must only hold no expired declaration. Update it when a
// decision changes the regulations or the criteria.
var Required = []Requirement{
	// Functional criteria for provincial public-service portals and
	// one-stop-shop systems (Thông tư 22/2019/TT-BTTTT).
	{Component: platformv1alpha1.ComponentPortal, Criteria: []string{"TT 22/2019/TT-BTTTT"}},
	{Component: platformv1alpha1.ComponentOneStopShop, Criteria: []string{"TT 22/2019/TT-BTTTT"}},
	// edXML, the document exchange packet format, a technical regulation.
	{Component: platformv1alpha1.ComponentDocExchange, Regulations: []string{"QCVN 102:2016/BTTTT"}},
	// The telemetry collector processes no dossier: no regulation names it.
	{Component: platformv1alpha1.ComponentCollector},
	// The provincial data integration platform (LGSP) as the e-Government
	// Architecture Framework 2.0 (QĐ 2323/QĐ-BTTTT) defines it: a framework,
	// so criteria met, not a regulation declared.
	{Component: platformv1alpha1.ComponentIntegration, Criteria: []string{"QĐ 2323/QĐ-BTTTT"}},
}

// vietnam is the time zone a declaration's last day is counted in; Vietnam
// keeps no daylight saving time, so a fixed offset is exact.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Result is the verdict on a release at a given time.
type Result struct {
	// Problems are what makes the release non-conformant, one per component
	// at fault, in the release's order; none when it is conformant.
	Problems []string
	// NextExpiry is when the earliest declaration still valid expires (zero
	// when none is): the verdict can change then without the release changing.
	NextExpiry time.Time
}

// Conformant reports whether the release may be applied.
func (r Result) Conformant() bool { return len(r.Problems) == 0 }

// Message says what is wrong, or that nothing is.
func (r Result) Message() string {
	if r.Conformant() {
		return "every component declares the regulations and meets the criteria its role requires, and every declaration is valid"
	}
	return strings.Join(r.Problems, "; ")
}

// Check judges a release's declarations at now.
func Check(spec platformv1alpha1.PlatformReleaseSpec, now time.Time) Result {
	var r Result
	for _, c := range spec.Components {
		var faults []string
		regulations, criteria := missing(c)
		if len(regulations) > 0 {
			faults = append(faults, "does not declare conformity to "+strings.Join(regulations, ", "))
		}
		if len(criteria) > 0 {
			faults = append(faults, "does not state it meets "+strings.Join(criteria, ", "))
		}
		// Criteria met carry no declaration, so only a declaration expires.
		if c.Conformity.ValidUntil != "" {
			expiry, err := expiryOf(c.Conformity.ValidUntil)
			switch {
			case err != nil:
				faults = append(faults, err.Error())
			case !now.Before(expiry):
				faults = append(faults, fmt.Sprintf("declaration %s expired after %s", c.Conformity.DeclarationID, c.Conformity.ValidUntil))
			case r.NextExpiry.IsZero() || expiry.Before(r.NextExpiry):
				r.NextExpiry = expiry
			}
		}
		if len(faults) > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("component %s %s", c.Name, strings.Join(faults, " and ")))
		}
	}
	return r
}

// expiryOf is the instant a declaration valid until the given day
// (YYYY-MM-DD) stops being valid: the end of that day in Vietnam.
func expiryOf(validUntil string) (time.Time, error) {
	day, err := time.ParseInLocation(time.DateOnly, validUntil, vietnam)
	if err != nil {
		return time.Time{}, fmt.Errorf("has validUntil %q, which is not a date (YYYY-MM-DD)", validUntil)
	}
	return day.AddDate(0, 0, 1), nil
}

// missing returns the regulations and criteria the component's role
// requires that it does not name.
func missing(c platformv1alpha1.Component) (regulations, criteria []string) {
	absent := func(required, named []string) []string {
		var out []string
		for _, s := range required {
			if !slices.Contains(named, s) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, req := range Required {
		if req.Component == c.Name {
			regulations = append(regulations, absent(req.Regulations, c.Conformity.Regulations)...)
			criteria = append(criteria, absent(req.Criteria, c.Conformity.Criteria)...)
		}
	}
	return regulations, criteria
}
