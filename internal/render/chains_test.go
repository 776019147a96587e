package render

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/cert-manager/cert-manager/pkg/util/pki"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
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
		if s.CommonName != "Văn phòng UBND Hà Tĩnh" || s.SerialNumber != "000.00.00.H27" || len(s.OrganizationalUnit) != 1 || s.OrganizationalUnit[0] != "000.00.00.H27" {
			t.Errorf("subject %s: want the agency's name as CN and its organId as serialNumber and OU", s)
		}
	}
	for _, c := range certificatesOf(PortalStack(testPortalInputs(3))) {
		if c.Spec.Usages[0] == cmapi.UsageClientAuth && c.Spec.CommonName != "Ủy ban nhân dân tỉnh Hà Tĩnh" {
			t.Errorf("portal client CN %q, want the People's Committee", c.Spec.CommonName)
		}
	}
}

// The SubCA vouches only for names under the province's domains, whatever
// kind of name a leaf carries: a leaf naming an IP address, or an e-mail
// address or URI elsewhere, fails in crypto/x509 and in OpenSSL, while names
// under the province's domains pass.
func TestSubCAConstrainsEveryKindOfName(t *testing.T) {
	root := testRoot(t)
	in := testPortalInputs(3)
	var subCA issued
	for _, c := range certificatesOf(PortalStack(in)) {
		if c.Spec.IsCA {
			subCA = issueAs(t, c, root)
		}
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.cert)
	intermediates.AddCert(subCA.cert)
	const host = "dichvucong.hatinh.gov.vn"
	cases := []struct {
		name    string
		names   func(*cmapi.CertificateSpec)
		allowed bool
	}{
		{"a host under the province's domain", func(*cmapi.CertificateSpec) {}, true},
		{"the province's domain and a deeper host", func(s *cmapi.CertificateSpec) {
			s.DNSNames = append(s.DNSNames, "hatinh.gov.vn", "motcua.sotttt.hatinh.gov.vn")
		}, true},
		{"e-mail addresses at and under the province's domain", func(s *cmapi.CertificateSpec) {
			s.EmailAddresses = []string{"vanthu@hatinh.gov.vn", "vanthu@sotttt.hatinh.gov.vn"}
		}, true},
		{"URIs at and under the province's domain", func(s *cmapi.CertificateSpec) {
			s.URIs = []string{"https://hatinh.gov.vn/", "https://" + host + "/motcua"}
		}, true},
		{"another province's host", func(s *cmapi.CertificateSpec) { s.DNSNames = append(s.DNSNames, "dichvucong.hanoi.gov.vn") }, false},
		{"a host that merely ends like the province's domain", func(s *cmapi.CertificateSpec) { s.DNSNames = append(s.DNSNames, "nothatinh.gov.vn") }, false},
		{"an IPv4 address", func(s *cmapi.CertificateSpec) { s.IPAddresses = []string{"10.20.0.5"} }, false},
		{"an IPv6 address", func(s *cmapi.CertificateSpec) { s.IPAddresses = []string{"2001:db8::5"} }, false},
		{"a foreign e-mail address", func(s *cmapi.CertificateSpec) { s.EmailAddresses = []string{"vanthu@hanoi.gov.vn"} }, false},
		{"an e-mail address at a host ending like the province's domain", func(s *cmapi.CertificateSpec) {
			s.EmailAddresses = []string{"vanthu@nothatinh.gov.vn"}
		}, false},
		{"a foreign URI", func(s *cmapi.CertificateSpec) { s.URIs = []string{"https://dichvucong.hanoi.gov.vn/"} }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			crt := ServingCertificate(PortalOwner(in.Portal), "leaf", host, SubCAIssuerRef(in.Portal.Name))
			c.names(&crt.Spec)
			leaf := issueAs(t, crt, subCA)
			_, goErr := leaf.cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
			opensslErr := testenv.OpenSSLVerify(root.pem, subCA.pem, leaf.pem, "-purpose", "sslserver")
			if c.allowed {
				if goErr != nil || opensslErr != nil {
					t.Errorf("refused: crypto/x509: %v; %v", goErr, opensslErr)
				}
				return
			}
			var invalid x509.CertificateInvalidError
			if !errors.As(goErr, &invalid) || invalid.Reason != x509.CANotAuthorizedForThisName {
				t.Errorf("crypto/x509 accepted it or refused it for another reason: %v", goErr)
			}
			if opensslErr == nil || !strings.Contains(opensslErr.Error(), "subtree violation") {
				t.Errorf("OpenSSL accepted it or refused it for another reason: %v", opensslErr)
			}
		})
	}
}

// cert-manager refuses a certificate whose common name exceeds 64 bytes,
// which a Vietnamese agency name reaches well before 64 letters: the common
// name is cut between two letters, and the certificate still issues and
// identifies the agency by its organId.
func TestALongAgencyNameStillIssues(t *testing.T) {
	in := testNodeInputs()
	long := "Trung tâm Phục vụ hành chính công và Kiểm soát thủ tục hành chính tỉnh Hà Tĩnh"
	in.Node.Spec.Agencies = []platformv1alpha1.Agency{{OrganID: "000.00.00.H27", Name: long}}
	for _, c := range certificatesOf(DocExchangeStack(in)) {
		cn := c.Spec.CommonName
		if len(cn) > 64 || !utf8.ValidString(cn) || !strings.HasPrefix(long, cn) || len(cn) < 60 {
			t.Errorf("common name %q (%d bytes): want the longest prefix of the name in 64 bytes", cn, len(cn))
		}
		block, _ := pem.Decode(issueAs(t, c, testRoot(t)).pem)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if cert.Subject.SerialNumber != "000.00.00.H27" {
			t.Errorf("subject %s: want the organId as serialNumber", cert.Subject)
		}
	}
}
