// Package conformity decides whether a PlatformRelease may be applied: every
// component declares the standards its role requires, and no declaration
// has expired. It is pure: the caller passes the time.
package conformity

import (
	"fmt"
	"slices"
	"strings"
	"time"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Requirement is what a component role must declare conformity to.
type Requirement struct {
	// Component is the role, a component name of a release.
	Component string
	// Standards are the regulations its declaration must name.
	Standards []string
}

// Required is the one table of the standards each component role must
// declare; a role absent from it must only hold a current declaration.
// Update it when a decision changes the regulations.
var Required = []Requirement{
	// Functional criteria for provincial public-service portals and one-stop-shop systems.
	{Component: platformv1alpha1.ComponentPortal, Standards: []string{"TT 22/2019/TT-BTTTT"}},
	{Component: platformv1alpha1.ComponentOneStopShop, Standards: []string{"TT 22/2019/TT-BTTTT"}},
	// edXML, the document exchange format.
	{Component: platformv1alpha1.ComponentDocExchange, Standards: []string{"QCVN 102:2016/BTTTT"}},
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
		return "every component declares the standards its role requires, and every declaration is valid"
	}
	return strings.Join(r.Problems, "; ")
}

// Check judges a release's declarations at now.
func Check(spec platformv1alpha1.PlatformReleaseSpec, now time.Time) Result {
	var r Result
	for _, c := range spec.Components {
		var faults []string
		if missing := missingStandards(c); len(missing) > 0 {
			faults = append(faults, "does not declare "+strings.Join(missing, ", "))
		}
		expiry, err := expiryOf(c.Conformity.ValidUntil)
		switch {
		case err != nil:
			faults = append(faults, err.Error())
		case !now.Before(expiry):
			faults = append(faults, fmt.Sprintf("declaration %s expired after %s", c.Conformity.DeclarationID, c.Conformity.ValidUntil))
		case r.NextExpiry.IsZero() || expiry.Before(r.NextExpiry):
			r.NextExpiry = expiry
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

func missingStandards(c platformv1alpha1.Component) []string {
	var missing []string
	for _, req := range Required {
		if req.Component != c.Name {
			continue
		}
		for _, s := range req.Standards {
			if !slices.Contains(c.Conformity.Standards, s) {
				missing = append(missing, s)
			}
		}
	}
	return missing
}
