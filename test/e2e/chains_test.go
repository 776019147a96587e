//go:build e2e

package e2e

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

func certificateIn(t *testing.T, namespace, secret string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(certificatePEMIn(t, namespace, secret))
	if block == nil {
		t.Fatalf("Secret %s/%s holds no certificate", namespace, secret)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// certificatePEMIn returns the tls.crt of a key pair Secret.
func certificatePEMIn(t *testing.T, namespace, secret string) []byte {
	t.Helper()
	s := &corev1.Secret{}
	if err := k8s.Get(ctx(), types.NamespacedName{Namespace: namespace, Name: secret}, s); err != nil {
		t.Fatalf("Secret %s/%s: %v", namespace, secret, err)
	}
	return s.Data[corev1.TLSCertKey]
}

// Every province's leaves chain to its SubCA and through it to the national
// root, with the usages asked for, in crypto/x509 and in OpenSSL (which
// checks name constraints Go ignores); the SubCA is a CA constrained to the
// province's domains for every kind of name.
func TestCertificateChains(t *testing.T) {
	rootPEM := certificatePEMIn(t, fleet.CANamespace, fleet.RootCertificate)
	root := certificateIn(t, fleet.CANamespace, fleet.RootCertificate)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	for _, u := range provinces.All() {
		t.Run(u.Code, func(t *testing.T) {
			ns, domain := fleet.Namespace(u), fleet.Domain(u)
			subCASecret := render.KeypairSecret(render.SubCACertificateName(u.Slug))
			subCA := certificateIn(t, ns, subCASecret)
			if !subCA.IsCA || !subCA.PermittedDNSDomainsCritical || !slices.Equal(subCA.PermittedDNSDomains, u.Domains()) {
				t.Errorf("SubCA: isCA %v, permitted %v (critical %v)", subCA.IsCA, subCA.PermittedDNSDomains, subCA.PermittedDNSDomainsCritical)
			}
			checkSubCAConstraints(t, subCA, u.Domains())
			if err := subCA.CheckSignatureFrom(root); err != nil {
				t.Errorf("SubCA not signed by the national root: %v", err)
			}
			intermediates := x509.NewCertPool()
			intermediates.AddCert(subCA)
			// purpose is OpenSSL's -purpose; a signing leaf has none and is
			// checked for its key usage instead.
			leaves := []struct {
				secret   string
				usages   []x509.ExtKeyUsage
				keyUsage x509.KeyUsage
				dnsName  string
				purpose  string
			}{
				{render.KeypairSecret(u.Slug + "-portal"), []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, x509.KeyUsageDigitalSignature, domain, "sslserver"},
				{render.KeypairSecret(u.Slug + "-client"), []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, x509.KeyUsageDigitalSignature, "", "sslclient"},
				{render.KeypairSecret(u.Slug + "-motcua-client"), []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, x509.KeyUsageDigitalSignature, "", "sslclient"},
				{render.KeypairSecret(u.Slug + "-edxml-signing"), []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
					x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment, "", ""},
			}
			subCAPEM := certificatePEMIn(t, ns, subCASecret)
			for _, l := range leaves {
				leaf := certificateIn(t, ns, l.secret)
				if leaf.IsCA {
					t.Errorf("%s is a CA", l.secret)
				}
				if leaf.KeyUsage&l.keyUsage != l.keyUsage {
					t.Errorf("%s: key usage %b, want %b", l.secret, leaf.KeyUsage, l.keyUsage)
				}
				if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: l.usages, DNSName: l.dnsName}); err != nil {
					t.Errorf("%s does not chain to the SubCA and the national root: %v", l.secret, err)
				}
				leafPEM := certificatePEMIn(t, ns, l.secret)
				args := []string{}
				if l.purpose != "" {
					args = append(args, "-purpose", l.purpose)
				} else if got, err := testenv.OpenSSLKeyUsage(leafPEM); err != nil || got != "Digital Signature, Non Repudiation" {
					t.Errorf("%s: OpenSSL reads key usage %q (%v), want Digital Signature, Non Repudiation", l.secret, got, err)
				}
				if err := testenv.OpenSSLVerify(rootPEM, subCAPEM, leafPEM, args...); err != nil {
					t.Errorf("%s: %v", l.secret, err)
				}
			}
		})
	}
}

// checkSubCAConstraints checks that cert-manager carried every name
// constraint the operator asked for into the issued SubCA (it drops them
// without a word when its NameConstraints feature gate is off): no IP
// address at all, and e-mail addresses and URIs only under the province's
// domains.
func checkSubCAConstraints(t *testing.T, subCA *x509.Certificate, domains []string) {
	t.Helper()
	want := render.SubCANameConstraints(domains)
	var excluded []string
	for _, r := range subCA.ExcludedIPRanges {
		excluded = append(excluded, r.String())
	}
	if !slices.Equal(excluded, []string{"0.0.0.0/0", "::/0"}) || len(subCA.PermittedIPRanges) != 0 {
		t.Errorf("SubCA: excluded IP ranges %v, permitted %v; want every address excluded", excluded, subCA.PermittedIPRanges)
	}
	if !slices.Equal(subCA.PermittedEmailAddresses, want.Permitted.EmailAddresses) || len(subCA.ExcludedEmailAddresses) != 0 {
		t.Errorf("SubCA: permitted e-mail addresses %v, want %v", subCA.PermittedEmailAddresses, want.Permitted.EmailAddresses)
	}
	if !slices.Equal(subCA.PermittedURIDomains, want.Permitted.URIDomains) || len(subCA.ExcludedURIDomains) != 0 {
		t.Errorf("SubCA: permitted URI domains %v, want %v", subCA.PermittedURIDomains, want.Permitted.URIDomains)
	}
	if !slices.Contains(subCA.PermittedEmailAddresses, "."+domains[0]) {
		t.Errorf("SubCA: e-mail addresses under %s are not permitted: %v", domains[0], subCA.PermittedEmailAddresses)
	}
}

// A certificate the provincial CA issues for another province's domain does
// not verify: the SubCA's name constraint holds even where cert-manager signs.
func TestSubCACannotVouchForAnotherProvince(t *testing.T) {
	hatinh, _ := provinces.Lookup("42")
	hanoi, _ := provinces.Lookup("01")
	ns := fleet.Namespace(hatinh)
	rogue := &cmapi.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: "rogue", Namespace: ns},
		Spec: cmapi.CertificateSpec{
			SecretName: "rogue-keypair", DNSNames: []string{fleet.Domain(hanoi)},
			IssuerRef: render.SubCAIssuerRef(hatinh.Slug),
		},
	}
	if err := k8s.Create(ctx(), rogue); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = k8s.Delete(ctx(), rogue)
		_ = k8s.Delete(ctx(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "rogue-keypair", Namespace: ns}})
	})
	eventually(t, 60e9, "the rogue certificate is signed", func() error {
		s := &corev1.Secret{}
		if err := k8s.Get(ctx(), types.NamespacedName{Namespace: ns, Name: "rogue-keypair"}, s); err != nil {
			return err
		}
		if len(s.Data[corev1.TLSCertKey]) == 0 {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	root := certificateIn(t, fleet.CANamespace, fleet.RootCertificate)
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	intermediates.AddCert(certificateIn(t, ns, render.KeypairSecret(hatinh.Slug+"-subca")))
	_, err := certificateIn(t, ns, "rogue-keypair").Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, DNSName: fleet.Domain(hanoi)})
	var invalid x509.CertificateInvalidError
	if !errors.As(err, &invalid) || invalid.Reason != x509.CANotAuthorizedForThisName {
		t.Fatalf("Hà Tĩnh's SubCA vouched for %s: %v", fleet.Domain(hanoi), err)
	}
}
