package inputs

import (
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// reasonOf is the Stalled reason of err, "" for no error.
func reasonOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	u, ok := conditions.AsUserError(err)
	if !ok {
		t.Fatalf("%v is not a user error", err)
	}
	return u.Reason
}

func TestReleaseIsRefusedUnlessFoundConformantAndComplete(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	functional := platformv1alpha1.Conformity{Criteria: []string{"TT 22/2019/TT-BTTTT"}}
	release := func(validUntil string) *platformv1alpha1.PlatformRelease {
		return &platformv1alpha1.PlatformRelease{Spec: platformv1alpha1.PlatformReleaseSpec{Components: []platformv1alpha1.Component{
			{Name: platformv1alpha1.ComponentPortal, Image: "portal@sha256:1", Conformity: functional},
			{Name: platformv1alpha1.ComponentDocExchange, Image: "edxml@sha256:1", Conformity: platformv1alpha1.Conformity{
				Regulations: []string{"QCVN 102:2016/BTTTT"}, DeclarationID: "CB-1", ValidUntil: validUntil}},
		}}}
	}
	for _, tc := range []struct {
		name, release, component, reason string
		rel                              *platformv1alpha1.PlatformRelease
	}{
		{"no release", "", platformv1alpha1.ComponentPortal, platformv1alpha1.ReasonNoRelease, nil},
		{"missing", "egov-2026.11", platformv1alpha1.ComponentPortal, platformv1alpha1.ReasonReleaseNotFound, nil},
		{"expired declaration", "egov-2026.11", platformv1alpha1.ComponentPortal, platformv1alpha1.ReasonReleaseNotConformant, release("2026-01-01")},
		{"no such component", "egov-2026.11", platformv1alpha1.ComponentOneStopShop, platformv1alpha1.ReasonComponentMissing, release("2028-12-31")},
		{"conformant", "egov-2026.11", platformv1alpha1.ComponentPortal, "", release("2028-12-31")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			comp, expiry, err := Release(tc.release, tc.rel, tc.component, now)
			if got := reasonOf(t, err); got != tc.reason {
				t.Fatalf("reason %q, want %q", got, tc.reason)
			}
			if tc.reason == "" && (comp.Image != "portal@sha256:1" || expiry.IsZero()) {
				t.Errorf("component %+v, next expiry %v", comp, expiry)
			}
		})
	}
}

func TestDomainsComeFromTheProvinceElseTheTable(t *testing.T) {
	if got := Domains(nil, "42"); len(got) != 1 || got[0] != "hatinh.gov.vn" {
		t.Errorf("without a Province: %v", got)
	}
	empty := &platformv1alpha1.Province{}
	if got := Domains(empty, "42"); len(got) != 1 || got[0] != "hatinh.gov.vn" {
		t.Errorf("with a Province listing none: %v", got)
	}
	listed := &platformv1alpha1.Province{Spec: platformv1alpha1.ProvinceSpec{Domains: []platformv1alpha1.DNSName{"hatinh.gov.vn", "dvc.hatinh.vn"}}}
	if got := Domains(listed, "42"); len(got) != 2 || got[1] != "dvc.hatinh.vn" {
		t.Errorf("with a Province listing two: %v", got)
	}
}

func TestCheckHostAcceptsOnlyTheDomainsAndHostsUnderThem(t *testing.T) {
	domains := []string{"hatinh.gov.vn"}
	for host, reason := range map[string]string{
		"hatinh.gov.vn":            "",
		"dichvucong.hatinh.gov.vn": "",
		"evilhatinh.gov.vn":        platformv1alpha1.ReasonDomainNotAssigned,
		"dichvucong.hanoi.gov.vn":  platformv1alpha1.ReasonDomainNotAssigned,
	} {
		if got := reasonOf(t, CheckHost(domains, "spec.domain", host, "42")); got != reason {
			t.Errorf("%s: reason %q, want %q", host, got, reason)
		}
	}
}

func TestSecretVersionDigestsTheValuesOfTheKeysOnly(t *testing.T) {
	secret := func(data map[string]string, labels map[string]string) *corev1.Secret {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "axis-credentials", Labels: labels}, Data: map[string][]byte{}}
		for k, v := range data {
			s.Data[k] = []byte(v)
		}
		return s
	}
	axisKeys := []string{"systemID", "secretKey"}
	base, err := SecretVersion(secret(map[string]string{"systemID": "a", "secretKey": "b"}, nil), axisKeys...)
	if err != nil {
		t.Fatal(err)
	}
	if same, _ := SecretVersion(secret(map[string]string{"systemID": "a", "secretKey": "b", "note": "x"}, map[string]string{"team": "it"}), axisKeys...); same != base {
		t.Error("a label or an unused key changed the digest")
	}
	if rotated, _ := SecretVersion(secret(map[string]string{"systemID": "a", "secretKey": "c"}, nil), axisKeys...); rotated == base {
		t.Error("a rotated value kept the digest")
	}
	_, err = SecretVersion(secret(map[string]string{"systemID": "a"}, nil), axisKeys...)
	if got := reasonOf(t, err); got != platformv1alpha1.ReasonSecretKeyMissing {
		t.Errorf("missing key: reason %q", got)
	}
}

func TestSolvesHTTP01OnlyForAnACMEIssuerWithAnHTTP01Solver(t *testing.T) {
	acme := func(solvers ...acmev1.ACMEChallengeSolver) *cmapi.IssuerSpec {
		return &cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{ACME: &acmev1.ACMEIssuer{Solvers: solvers}}}
	}
	for name, tc := range map[string]struct {
		issuer *cmapi.IssuerSpec
		want   bool
	}{
		"none":        {nil, false},
		"self-signed": {&cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}}, false},
		"ACME DNS-01": {acme(acmev1.ACMEChallengeSolver{DNS01: &acmev1.ACMEChallengeSolverDNS01{}}), false},
		"ACME HTTP-01": {acme(acmev1.ACMEChallengeSolver{DNS01: &acmev1.ACMEChallengeSolverDNS01{}},
			acmev1.ACMEChallengeSolver{HTTP01: &acmev1.ACMEChallengeSolverHTTP01{}}), true},
	} {
		if got := SolvesHTTP01(tc.issuer); got != tc.want {
			t.Errorf("%s: %t, want %t", name, got, tc.want)
		}
	}
}
