package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func certPEM(t *testing.T, isCA bool, notBefore, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test root"},
		NotBefore: notBefore, NotAfter: notAfter,
		IsCA: isCA, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestCheckKeepsCurrentCAsOnceAndReportsTheRest(t *testing.T) {
	good := certPEM(t, true, now.Add(-time.Hour), now.Add(48*time.Hour))
	later := certPEM(t, true, now.Add(-time.Hour), now.Add(96*time.Hour))
	roots := []platformv1alpha1.TrustedRoot{
		{Name: "specialised-ca", PEM: good},
		{Name: "public-ca", PEM: later},
		{Name: "copy-of-specialised", PEM: good},
		{Name: "expired", PEM: certPEM(t, true, now.Add(-48*time.Hour), now.Add(-time.Hour))},
		{Name: "leaf", PEM: certPEM(t, false, now.Add(-time.Hour), now.Add(time.Hour))},
		{Name: "future", PEM: certPEM(t, true, now.Add(time.Hour), now.Add(48*time.Hour))},
		{Name: "garbage", PEM: "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----"},
		{Name: "two-in-one", PEM: good + later},
	}
	res := Check(roots, now)
	if len(res.Valid) != 2 || res.Valid[0].Name != "specialised-ca" || res.Valid[1].Name != "public-ca" {
		t.Fatalf("valid roots: got %+v", res.Valid)
	}
	if !res.NextExpiry.Equal(now.Add(48 * time.Hour).Truncate(time.Second)) {
		t.Errorf("next expiry: got %s", res.NextExpiry)
	}
	wantInvalid := map[string]string{
		"expired": "expired on", "leaf": "not a CA", "future": "not valid before",
		"garbage": "no PEM CERTIFICATE block", "two-in-one": "more than one PEM block",
	}
	invalid := res.Invalid()
	if len(invalid) != len(wantInvalid) {
		t.Fatalf("invalid roots: got %+v", invalid)
	}
	for _, s := range invalid {
		if want, ok := wantInvalid[s.Name]; !ok || !strings.Contains(s.Message, want) {
			t.Errorf("%s: message %q, want %q", s.Name, s.Message, want)
		}
	}
	if len(res.Statuses) != len(roots) {
		t.Errorf("every root gets a status: got %d", len(res.Statuses))
	}
}
