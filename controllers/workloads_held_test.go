package controllers

import (
	"context"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

// A Certificate recreated over a key pair Secret that is still current is
// Ready without a revision: cert-manager issues nothing. Its workloads must
// not wait for an issuance that never comes; a Certificate not Ready, or
// issuing, still holds them, and so does one issued again after the stack
// was rendered, whose workload would roll at the next reconcile.
func TestHeldWorkloadsWaitOnlyForCertificatesNotSettled(t *testing.T) {
	ready := cmapi.CertificateCondition{Type: cmapi.CertificateConditionReady, Status: cmmeta.ConditionTrue}
	issuingNow := cmapi.CertificateCondition{Type: cmapi.CertificateConditionIssuing, Status: cmmeta.ConditionTrue}
	issued := cmapi.CertificateStatus{Revision: ptr.To(1), Conditions: []cmapi.CertificateCondition{ready}}
	renderedAt := func(revision string) map[string]string {
		return map[string]string{"certificate/hatinh-portal": revision}
	}
	cases := map[string]struct {
		status   cmapi.CertificateStatus
		versions map[string]string
		wantHeld bool
	}{
		"issued":                             {issued, renderedAt("1"), false},
		"Ready over a current Secret":        {cmapi.CertificateStatus{Conditions: []cmapi.CertificateCondition{ready}}, nil, false},
		"not Ready":                          {cmapi.CertificateStatus{}, nil, true},
		"Ready while issuing a new key pair": {cmapi.CertificateStatus{Revision: ptr.To(1), Conditions: []cmapi.CertificateCondition{ready, issuingNow}}, renderedAt("1"), true},
		"issued after the render read it":    {issued, nil, true},
		"issued again after the render read": {cmapi.CertificateStatus{Revision: ptr.To(2), Conditions: []cmapi.CertificateCondition{ready}}, renderedAt("1"), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			meta := metav1.ObjectMeta{Namespace: "egov-hatinh", Name: "hatinh-portal"}
			live := &cmapi.Certificate{ObjectMeta: meta, Status: tc.status}
			c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(live).Build()
			stack := []client.Object{&cmapi.Certificate{ObjectMeta: meta}, &appsv1.Deployment{ObjectMeta: meta}}
			held, waitingFor, err := heldWorkloads(context.Background(), c, stack, tc.versions)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(held) > 0; got != tc.wantHeld {
				t.Errorf("held %v (waiting for %v), want held %v", held, waitingFor, tc.wantHeld)
			}
		})
	}
}
