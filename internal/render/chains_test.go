package render

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/cert-manager/pkg/util/pki"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

// issued is a certificate as cert-manager's CA issuer would sign it.
type issued struct {
	cert *x509.Certificate
	pem  []byte
	key  crypto.Signer
}

// testRoot is a national root CA, unconstrained, as central ops run it.
func testRoot(t *testing.T) issued {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "National e-Government Root CA", Country: []string{"VN"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	certPEM, cert, err := pki.SignCertificate(tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return issued{cert: cert, pem: certPEM, key: key}
}

// issueAs signs a rendered Certificate with parent's key the way
// cert-manager does: a CSR generated from the spec (name constraints
// included, as with cert-manager's NameConstraints feature on), turned into
// a template with the spec's duration, basic constraints and usages.
func issueAs(t *testing.T, crt *cmapi.Certificate, parent issued) issued {
	t.Helper()
	key, err := pki.GeneratePrivateKeyForCertificate(crt)
	if err != nil {
		t.Fatal(err)
	}
	csrTemplate, err := pki.GenerateCSR(crt, pki.WithNameConstraints(true), pki.WithEncodeBasicConstraintsInRequest(crt.Spec.IsCA))
	if err != nil {
		t.Fatal(err)
	}
	csrDER, err := pki.EncodeCSR(csrTemplate, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(csrDER)
	if err != nil {
		t.Fatal(err)
	}
	keyUsage, extKeyUsage, err := pki.KeyUsagesForCertificateOrCertificateRequest(crt.Spec.Usages, crt.Spec.IsCA)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := pki.CertificateTemplateFromCSR(csr,
		pki.CertificateTemplateOverrideDuration(crt.Spec.Duration.Duration),
		pki.CertificateTemplateValidateAndOverrideBasicConstraints(crt.Spec.IsCA, nil),
		pki.CertificateTemplateValidateAndOverrideKeyUsages(keyUsage, extKeyUsage))
	if err != nil {
		t.Fatal(err)
	}
	certPEM, cert, err := pki.SignCertificate(tmpl, parent.cert, key.Public(), parent.key)
	if err != nil {
		t.Fatalf("sign %s: %v", crt.Name, err)
	}
	return issued{cert: cert, pem: certPEM, key: key}
}

// certificatesOf returns the Certificates among objs.
func certificatesOf(objs []client.Object) []*cmapi.Certificate {
	var certs []*cmapi.Certificate
	for _, obj := range objs {
		if c, ok := obj.(*cmapi.Certificate); ok {
			certs = append(certs, c)
		}
	}
	return certs
}

// opensslChecks says how a leaf is verified in OpenSSL, from its usages:
// the TLS purpose it must pass, or the key usage a signing leaf must carry.
func opensslChecks(crt *cmapi.Certificate) (purpose, keyUsage string) {
	for _, u := range crt.Spec.Usages {
		switch u {
		case cmapi.UsageServerAuth:
			return "sslserver", ""
		case cmapi.UsageClientAuth:
			return "sslclient", ""
		}
	}
	return "", "Digital Signature, Non Repudiation"
}

func TestEveryLeafOfTheStackVerifiesInGoAndOpenSSL(t *testing.T) {
	stacks := map[string][]client.Object{
		"portal":             PortalStack(testPortalInputs(3)),
		"one-stop-shop":      OneStopShopStack(testShopInputs(true)),
		"doc-exchange node":  DocExchangeStack(testNodeInputs()),
		"one-stop-shop path": OneStopShopStack(testShopInputs(false)),
	}
	root := testRoot(t)
	portalCerts := certificatesOf(stacks["portal"])
	var subCA issued
	for _, c := range portalCerts {
		if c.Spec.IsCA {
			subCA = issueAs(t, c, root)
		}
	}
	if subCA.cert == nil {
		t.Fatal("the portal stack has no SubCA")
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.cert)
	intermediates.AddCert(subCA.cert)
	leaves := 0
	for name, objs := range stacks {
		for _, c := range certificatesOf(objs) {
			if c.Spec.IsCA {
				continue
			}
			leaves++
			leaf := issueAs(t, c, subCA)
			if _, err := leaf.cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				t.Errorf("%s %s: crypto/x509: %v", name, c.Name, err)
			}
			purpose, keyUsage := opensslChecks(c)
			var args []string
			if purpose != "" {
				args = []string{"-purpose", purpose}
			}
			if err := testenv.OpenSSLVerify(root.pem, subCA.pem, leaf.pem, args...); err != nil {
				t.Errorf("%s %s (CN %q): %v", name, c.Name, c.Spec.CommonName, err)
			}
			if keyUsage != "" {
				got, err := testenv.OpenSSLKeyUsage(leaf.pem)
				if err != nil || got != keyUsage {
					t.Errorf("%s %s: key usage %q (%v), want %q", name, c.Name, got, err, keyUsage)
				}
			}
		}
	}
	if leaves < 6 {
		t.Errorf("checked %d leaves, want every leaf of the four stacks (at least 6)", leaves)
	}
}

func TestLeavesIdentifyTheAgencyByNameAndOrganID(t *testing.T) {
	for _, c := range certificatesOf(DocExchangeStack(testNodeInputs())) {
		block, _ := pem.Decode(issueAs(t, c, testRoot(t)).pem)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		s := cert.Subject
		if s.CommonName != "Văn phòng UBND Hà Tĩnh" || s.SerialNumber != "000.00.00.H30" || len(s.OrganizationalUnit) != 1 || s.OrganizationalUnit[0] != "000.00.00.H30" {
			t.Errorf("subject %s: want the agency's name as CN and its organId as serialNumber and OU", s)
		}
	}
	for _, c := range certificatesOf(PortalStack(testPortalInputs(3))) {
		if c.Spec.Usages[0] == cmapi.UsageClientAuth && c.Spec.CommonName != "Ủy ban nhân dân tỉnh Hà Tĩnh" {
			t.Errorf("portal client CN %q, want the People's Committee", c.Spec.CommonName)
		}
	}
}
