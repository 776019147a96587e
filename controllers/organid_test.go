package controllers

import (
	"strings"
	"testing"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Certificates carry the organIds: a province's stack may act only as its
// own agencies, never under another People's Committee's identifier.
func TestAProvinceActsOnlyAsItsOwnAgencies(t *testing.T) {
	ensureNational(t)
	p := province(t, "42", func(p *platformv1alpha1.ProvincePortal) { p.Spec.OrganID = "000.00.00.H26" })
	stalled := waitStalled(t, p, platformv1alpha1.ReasonOrganIDNotAssigned)
	for _, want := range []string{"spec.organId", "000.00.00.H27", "Hà Tĩnh"} {
		if !strings.Contains(stalled.Message, want) {
			t.Errorf("the message lacks %q: %s", want, stalled.Message)
		}
	}
	change(t, p, func() { p.Spec.OrganID = "000.00.01.H27" })
	waitReady(t, p)

	node := docExchangeNode(t, p, func(d *platformv1alpha1.DocExchangeNode) {
		d.Spec.Agencies = append(d.Spec.Agencies, platformv1alpha1.Agency{OrganID: "000.00.05.H26", Name: "Sở Nội vụ Hà Nội"})
	})
	stalled = waitObjectStalled(t, node, platformv1alpha1.ReasonOrganIDNotAssigned)
	if !strings.Contains(stalled.Message, "spec.agencies[1].organId") {
		t.Errorf("the message must name the agency: %s", stalled.Message)
	}
	change(t, node, func() { node.Spec.Agencies = node.Spec.Agencies[:1] })
	waitObjectReady(t, node)
}
