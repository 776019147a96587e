package controllers

import (
	"context"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// certificateExpiryWarning is how close to expiry a certificate is reported
// on the NationalPlatform.
const certificateExpiryWarning = 30 * 24 * time.Hour

// reportFleet summarises the Provinces' reports and the fleet's expiring
// certificates on the NationalPlatform. It returns when the report goes
// stale without any watched change: when the next certificate comes within
// the warning.
func (r *NationalPlatformReconciler) reportFleet(ctx context.Context, n *platformv1alpha1.NationalPlatform) (time.Time, error) {
	list := &platformv1alpha1.ProvinceList{}
	if err := r.List(ctx, list); err != nil {
		return time.Time{}, err
	}
	summary := &platformv1alpha1.FleetSummary{Total: int32(len(list.Items))}
	stacks := map[string]int32{}
	for i := range list.Items {
		status := list.Items[i].Status
		switch degraded := meta.FindStatusCondition(status.Conditions, platformv1alpha1.ConditionDegraded); {
		case conditions.IsTrue(status.Conditions, platformv1alpha1.ConditionReady):
			summary.Ready++
		case !conditions.IsTrue(status.Conditions, platformv1alpha1.ConditionDegraded):
			// No stack yet: counted in total alone.
		case degraded.Reason == platformv1alpha1.ReasonStacksStalled:
			summary.Stalled++
		default:
			summary.Degraded++
		}
		for _, env := range status.Environments {
			if env.Release != "" {
				stacks[env.Release]++
			}
		}
	}
	n.Status.Provinces = summary
	n.Status.Releases = nil
	for release, count := range stacks {
		n.Status.Releases = append(n.Status.Releases, platformv1alpha1.ReleaseStacks{Release: release, Stacks: count})
	}
	sort.Slice(n.Status.Releases, func(i, j int) bool { return n.Status.Releases[i].Release < n.Status.Releases[j].Release })
	return r.reportExpiringCertificates(ctx, n)
}

// reportExpiringCertificates counts the certificates of every stack that
// expire within the warning, read from the portals' and nodes' status.
func (r *NationalPlatformReconciler) reportExpiringCertificates(ctx context.Context, n *platformv1alpha1.NationalPlatform) (time.Time, error) {
	portals := &platformv1alpha1.ProvincePortalList{}
	if err := r.List(ctx, portals); err != nil {
		return time.Time{}, err
	}
	nodes := &platformv1alpha1.DocExchangeNodeList{}
	if err := r.List(ctx, nodes); err != nil {
		return time.Time{}, err
	}
	var all []platformv1alpha1.ExpiringCertificate
	for i := range portals.Items {
		all = append(all, portalCertificates(&portals.Items[i])...)
	}
	for i := range nodes.Items {
		all = append(all, nodeCertificates(&nodes.Items[i])...)
	}
	expiry, next := expiringCertificates(all, r.Clock.Now())
	n.Status.ExpiringCertificates = expiry
	return next, nil
}

// expiringCertificates reports the certificates that expire within the
// warning, and when the next of the others comes within it.
func expiringCertificates(all []platformv1alpha1.ExpiringCertificate, now time.Time) (*platformv1alpha1.CertificateExpiry, time.Time) {
	horizon := now.Add(certificateExpiryWarning)
	var expiring []platformv1alpha1.ExpiringCertificate
	var next time.Time
	for _, c := range all {
		if c.NotAfter.Time.Before(horizon) {
			expiring = append(expiring, c)
		} else {
			next = earliest(next, c.NotAfter.Add(-certificateExpiryWarning))
		}
	}
	return &platformv1alpha1.CertificateExpiry{Count: int32(len(expiring)), Soonest: soonest(expiring, soonestCertificates)}, next
}
