package controllers

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// provinceDomains returns the domains assigned to a province: its hosts, and
// the names its certificates and SubCA carry, must be one of them or under
// one. They come from its Province, which only central ops may change, or
// from the province table while the Province does not exist or lists none:
// a province's names never come from what its administrator writes.
func (d deps) provinceDomains(ctx context.Context, code platformv1alpha1.ProvinceCode) ([]string, error) {
	p := &platformv1alpha1.Province{}
	err := d.Get(ctx, types.NamespacedName{Name: string(code)}, p)
	if client.IgnoreNotFound(err) != nil {
		return nil, err
	}
	if err == nil && len(p.Spec.Domains) > 0 {
		domains := make([]string, len(p.Spec.Domains))
		for i, domain := range p.Spec.Domains {
			domains[i] = string(domain)
		}
		return domains, nil
	}
	unit, _ := provinces.Lookup(string(code))
	return unit.Domains(), nil
}

// checkHost refuses a host that is neither one of the province's domains nor
// under one; what names the host is given as source, e.g. spec.domain.
func (d deps) checkHost(ctx context.Context, source, host string, code platformv1alpha1.ProvinceCode) error {
	domains, err := d.provinceDomains(ctx, code)
	if err != nil {
		return err
	}
	for _, domain := range domains {
		if host == domain || strings.HasSuffix(host, "."+domain) {
			return nil
		}
	}
	return conditions.Stalled(platformv1alpha1.ReasonDomainNotAssigned,
		"%s %s is not assigned to province %s: use %s or a host under it, or ask central ops to add it to Province %s",
		source, host, code, strings.Join(domains, " or "), code)
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
