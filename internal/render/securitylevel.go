package render

import platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"

// SecurityLevel is a system's own approved security level, else its
// portal's: levels are approved per information system.
func SecurityLevel(own *platformv1alpha1.SecurityLevel, p *platformv1alpha1.ProvincePortal) int32 {
	if own != nil {
		return int32(*own)
	}
	return int32(p.Spec.SecurityLevel)
}
