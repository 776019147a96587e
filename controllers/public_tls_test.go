package controllers

import (
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Browsers do not trust the provincial SubCA: while central ops require
// public certificates, a production portal must name a public issuer, and
// only one they allow; other environments may keep the SubCA.
func TestProductionPortalsNeedAnAllowedPublicIssuer(t *testing.T) {
	ensureNational(t)
	n := &platformv1alpha1.NationalPlatform{ObjectMeta: metav1.ObjectMeta{Name: platformv1alpha1.NationalPlatformName}}
	change(t, n, func() { n.Spec.Trust.PublicTLS = platformv1alpha1.PublicTLSRequired })
	t.Cleanup(func() { change(t, n, func() { n.Spec.Trust.PublicTLS = platformv1alpha1.PublicTLSOptional }) })
	create(t, &cmapi.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "public-tls"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
	})
	create(t, &cmapi.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: "unlisted-tls"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
	})

	p := province(t, "86")
	stalled := waitStalled(t, p, platformv1alpha1.ReasonPublicIssuerRequired)
	for _, want := range []string{"spec.ingress.issuerRef", `ClusterIssuer "public-tls"`, "publicTLS"} {
		if !strings.Contains(stalled.Message, want) {
			t.Errorf("the message lacks %q: %s", want, stalled.Message)
		}
	}
	staging := waitReady(t, province(t, "86", func(p *platformv1alpha1.ProvincePortal) { p.Spec.Environment = "staging" }))
	if staging.Spec.Ingress != nil {
		t.Fatalf("the staging portal names an issuer: %+v", staging.Spec.Ingress)
	}

	change(t, p, func() {
		p.Spec.Ingress = &platformv1alpha1.PortalIngress{IssuerRef: &platformv1alpha1.IssuerReference{Name: "unlisted-tls"}}
	})
	stalled = waitStalled(t, p, platformv1alpha1.ReasonIssuerNotAllowed)
	if !strings.Contains(stalled.Message, `"unlisted-tls", which is not among the public issuers central ops allow`) {
		t.Errorf("message: %s", stalled.Message)
	}
	change(t, p, func() {
		p.Spec.Ingress = &platformv1alpha1.PortalIngress{IssuerRef: &platformv1alpha1.IssuerReference{Name: "public-tls"}}
	})
	waitReady(t, p)
}
