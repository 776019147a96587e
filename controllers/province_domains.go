package controllers

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// provinceDomains returns the domains assigned to a province, from its
// Province or the province table (inputs.Domains).
func (d deps) provinceDomains(ctx context.Context, code platformv1alpha1.ProvinceCode) ([]string, error) {
	p := &platformv1alpha1.Province{}
	if err := d.Get(ctx, types.NamespacedName{Name: string(code)}, p); apierrors.IsNotFound(err) {
		return inputs.Domains(nil, code), nil
	} else if err != nil {
		return nil, err
	}
	return inputs.Domains(p, code), nil
}

// checkHost refuses a host outside the province's domains (inputs.CheckHost).
func (d deps) checkHost(ctx context.Context, source, host string, code platformv1alpha1.ProvinceCode) error {
	domains, err := d.provinceDomains(ctx, code)
	if err != nil {
		return err
	}
	return inputs.CheckHost(domains, source, host, code)
}

// fieldOrganID is an agency identifier and the field that gives it.
type fieldOrganID struct {
	field   string
	organID platformv1alpha1.OrganID
}

// checkOrganIDs refuses identifiers that are not the province's: certificates
// carry them, and no province may act as another's agency.
func checkOrganIDs(code platformv1alpha1.ProvinceCode, ids ...fieldOrganID) error {
	unit, _ := provinces.Lookup(string(code))
	for _, id := range ids {
		if problem := unit.OrganIDProblem(string(id.organID)); problem != "" {
			return conditions.Stalled(platformv1alpha1.ReasonOrganIDNotAssigned,
				"%s: %s; province %s's agencies use identifiers under its People's Committee's (QĐ 20/2020/QĐ-TTg)", id.field, problem, code)
		}
	}
	return nil
}

// portalsOfProvince: the portals of a Province whose domains changed.
func (r *ProvincePortalReconciler) portalsOfProvince(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		return string(p.Spec.Province.Code) == obj.GetName()
	})
}

// ofProvince: the followers of the portals of a Province whose domains
// changed (a one-stop-shop's own host must be one of them).
func (f followers) ofProvince(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, "", func(it follower) bool {
		portal := &platformv1alpha1.ProvincePortal{}
		if err := f.Get(ctx, types.NamespacedName{Namespace: it.key.Namespace, Name: it.portal}, portal); err != nil {
			return false
		}
		return string(portal.Spec.Province.Code) == obj.GetName()
	})
}
