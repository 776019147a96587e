// Package inputs turns the objects a province's stack depends on into what
// internal/render takes. The operator reads those objects from the cluster
// and egovctl render from files; both go through these functions, so both
// resolve releases, domains and credential digests alike.
package inputs

import (
	"sort"
	"strings"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/conformity"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// The keys each kind of credential Secret must hold.
var (
	// NationalCredentialKeys are the national platforms' OAuth2 client credentials.
	NationalCredentialKeys = []string{"clientID", "clientSecret"}
	// SSOKeys are the national SSO client's secret.
	SSOKeys = []string{"clientSecret"}
	// PostalCredentialKeys are the postal service's credentials.
	PostalCredentialKeys = []string{"customerCode", "apiKey"}
)

// Release returns the named component of release name, found as rel (nil
// when there is no such PlatformRelease), and when the release's first
// declaration expires (when to check again). No release, a missing one or
// one that is not conformant at now is a user error: nothing of it is
// applied, so the stack keeps running what it ran.
func Release(name string, rel *platformv1alpha1.PlatformRelease, component string, now time.Time) (platformv1alpha1.Component, time.Time, error) {
	var none platformv1alpha1.Component
	if name == "" {
		return none, time.Time{}, conditions.Stalled(platformv1alpha1.ReasonNoRelease,
			"no release: set spec.release, or ask central ops to set NationalPlatform spec.defaultRelease")
	}
	if rel == nil {
		return none, time.Time{}, conditions.Stalled(platformv1alpha1.ReasonReleaseNotFound,
			"PlatformRelease %q does not exist: publish it or pin an existing release in spec.release", name)
	}
	checked := conformity.Check(rel.Spec, now)
	if !checked.Conformant() {
		return none, time.Time{}, conditions.Stalled(platformv1alpha1.ReasonReleaseNotConformant,
			"PlatformRelease %q is not conformant (%s): nothing of it is applied; pin a conformant release in spec.release, or ask central ops to publish one",
			name, checked.Message())
	}
	comp, ok := render.FindComponent(rel, component)
	if !ok {
		return none, time.Time{}, conditions.Stalled(platformv1alpha1.ReasonComponentMissing,
			"PlatformRelease %q has no %q component: pin a release that has one", name, component)
	}
	return comp, checked.NextExpiry, nil
}

// Domains returns the domains assigned to province code: its hosts, and the
// names its certificates and SubCA carry, must be one of them or under one.
// They come from its Province (nil when there is none), which only central
// ops may change, or from the province table while there is none or it
// lists none: a province's names never come from what its administrator
// writes.
func Domains(p *platformv1alpha1.Province, code platformv1alpha1.ProvinceCode) []string {
	if p != nil && len(p.Spec.Domains) > 0 {
		domains := make([]string, len(p.Spec.Domains))
		for i, domain := range p.Spec.Domains {
			domains[i] = string(domain)
		}
		return domains
	}
	unit, _ := provinces.Lookup(string(code))
	return unit.Domains()
}

// CheckHost refuses a host that is neither one of the province's domains
// nor under one; source says what names the host, e.g. spec.domain.
func CheckHost(domains []string, source, host string, code platformv1alpha1.ProvinceCode) error {
	for _, domain := range domains {
		if host == domain || strings.HasSuffix(host, "."+domain) {
			return nil
		}
	}
	return conditions.Stalled(platformv1alpha1.ReasonDomainNotAssigned,
		"%s %s is not assigned to province %s: use %s or a host under it, or ask central ops to add it to Province %s",
		source, host, code, strings.Join(domains, " or "), code)
}

// SecretVersion checks a user's Secret holds the keys and returns a digest
// of their values: the pods roll when a value they read changes, not when a
// label, an annotation or managedFields change the Secret's
// resourceVersion. The values themselves never leave this function.
func SecretVersion(s *corev1.Secret, keys ...string) (string, error) {
	var missing []string
	values := map[string]string{}
	for _, k := range keys {
		v, ok := s.Data[k]
		if !ok {
			missing = append(missing, k)
		}
		values[k] = string(v)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", conditions.Stalled(platformv1alpha1.ReasonSecretKeyMissing,
			"Secret %q lacks the key(s) %v", s.Name, missing)
	}
	return render.Checksum(values), nil
}

// SolvesHTTP01 reports whether an issuer is an ACME issuer with an HTTP-01
// solver: the portal's ingress must then let the solver's requests in.
func SolvesHTTP01(issuer *cmapi.IssuerSpec) bool {
	if issuer == nil || issuer.ACME == nil {
		return false
	}
	for _, solver := range issuer.ACME.Solvers {
		if solver.HTTP01 != nil {
			return true
		}
	}
	return false
}
