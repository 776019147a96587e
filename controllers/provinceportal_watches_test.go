package controllers

import (
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// A province's own Issuer is not in the operator's cache, yet the portals
// naming it follow it: its arrival and its solvers.
func TestAPortalFollowsTheIssuerOfItsNamespaceItNames(t *testing.T) {
	ensureNational(t)
	certPEM, keyPEM, err := issue("Public CA", true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := province(t, "96", func(p *platformv1alpha1.ProvincePortal) {
		create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "public-ca", Namespace: p.Namespace}, Type: corev1.SecretTypeTLS,
			Data: map[string][]byte{corev1.TLSCertKey: certPEM, corev1.TLSPrivateKeyKey: keyPEM}})
		p.Spec.Ingress = &platformv1alpha1.PortalIngress{IssuerRef: &platformv1alpha1.IssuerReference{Name: "public-ca", Kind: cmapi.IssuerKind}}
	})
	waitStalled(t, p, platformv1alpha1.ReasonIssuerNotFound)

	issuer := &cmapi.Issuer{ObjectMeta: metav1.ObjectMeta{Name: "public-ca", Namespace: p.Namespace},
		Spec: cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: "public-ca"}}}}
	create(t, issuer)
	waitReady(t, p)
	solverPolicy := portalChild(p, &networkingv1.NetworkPolicy{}, "acme-solver")
	if exists(solverPolicy) == nil {
		t.Fatal("a CA issuer solves no challenge, yet the ACME solver policy exists")
	}

	change(t, issuer, func() {
		issuer.Spec.IssuerConfig = cmapi.IssuerConfig{ACME: &cmacme.ACMEIssuer{
			Server:     "https://acme.example.org/directory",
			PrivateKey: cmmeta.SecretKeySelector{LocalObjectReference: cmmeta.LocalObjectReference{Name: "acme-account"}},
			Solvers:    []cmacme.ACMEChallengeSolver{{HTTP01: &cmacme.ACMEChallengeSolverHTTP01{Ingress: &cmacme.ACMEChallengeSolverHTTP01Ingress{}}}},
		}}
	})
	eventually(t, "ACME solver policy for the new HTTP-01 solver", func() error { return exists(solverPolicy) })
}
