package controllers

import (
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// reportProvince records the observations particular to a ProvincePortal;
// the shared conditions are summarised by finish.
func (r *ProvincePortalReconciler) reportProvince(s *portalScope) {
	p := s.portal
	unit, _ := provinces.Lookup(string(p.Spec.Province.Code))
	p.Status.Province = unit.Code
	p.Status.ProvinceName = unit.FullName()
	p.Status.URL = render.PortalURL(p)
	// The release the stack was last applied with, not one it waits to apply.
	if s.applied {
		p.Status.Release = s.inputs.Release
	}
}
