package controllers

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// ServingPortal returns the ProvincePortal that serves a province and
// environment, as the controllers decide it (see servingPortals), or nil when
// none does. Admission uses it to refuse a second claim before it is stored.
func ServingPortal(ctx context.Context, c client.Client, code platformv1alpha1.ProvinceCode, environment string) (*platformv1alpha1.ProvincePortal, error) {
	portals, err := deps{Client: c}.servingPortals(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		return p.Spec.Province.Code == code && p.Spec.Environment == environment
	})
	if err != nil || len(portals) == 0 {
		return nil, err
	}
	return portals[0], nil
}
