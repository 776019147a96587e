package controllers

import (
	"context"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// checkSecurityLevel reports the level the node runs at and holds back a
// level-4 node that names no off-site backup target: admission cannot tell,
// since the level may come from the portal.
func (r *DocExchangeNodeReconciler) checkSecurityLevel(_ context.Context, s *nodeScope) error {
	level := render.SecurityLevel(s.node.Spec.SecurityLevel, s.portal.portal)
	s.node.Status.SecurityLevel = level
	s.node.Status.OffSiteBackup = ""
	if b := s.node.Spec.OffSiteBackup; b != nil {
		s.node.Status.OffSiteBackup = string(b.URL)
	}
	if level >= 4 && s.node.Spec.OffSiteBackup == nil {
		return conditions.Stalled(platformv1alpha1.ReasonOffSiteBackupRequired,
			"the node runs at security level 4, which needs an off-site backup: set spec.offSiteBackup (url, credentialsSecretRef, egressCIDRs)")
	}
	return nil
}
