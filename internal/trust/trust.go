// Package trust checks the national trusted roots before they go into the
// provinces' trust bundles: each must be a current CA certificate, and a
// certificate listed twice appears once.
package trust

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Result is the outcome of checking the trusted roots at one instant.
type Result struct {
	// Valid are the roots that go into the bundle, in spec order, de-duplicated.
	Valid []platformv1alpha1.TrustedRoot
	// Statuses report every root, valid or not.
	Statuses []platformv1alpha1.TrustedRootStatus
	// NextExpiry is the earliest notAfter among valid roots (zero when none):
	// the bundle must be rebuilt then.
	NextExpiry time.Time
}

// Invalid returns the statuses of the roots left out of the bundle.
func (r Result) Invalid() []platformv1alpha1.TrustedRootStatus {
	var out []platformv1alpha1.TrustedRootStatus
	for _, s := range r.Statuses {
		if !s.Valid {
			out = append(out, s)
		}
	}
	return out
}

// Check checks each root at now.
func Check(roots []platformv1alpha1.TrustedRoot, now time.Time) Result {
	var res Result
	seen := map[[32]byte]string{}
	for _, root := range roots {
		status := platformv1alpha1.TrustedRootStatus{Name: root.Name}
		cert, err := parseCertificate(root.PEM)
		switch {
		case err != nil:
			status.Message = err.Error()
		case !cert.IsCA || !cert.BasicConstraintsValid:
			status.Message = "not a CA certificate (basicConstraints CA:TRUE missing)"
		case now.After(cert.NotAfter):
			status.Message = fmt.Sprintf("expired on %s", cert.NotAfter.UTC().Format(time.RFC3339))
		case now.Before(cert.NotBefore):
			status.Message = fmt.Sprintf("not valid before %s", cert.NotBefore.UTC().Format(time.RFC3339))
		}
		if cert != nil {
			status.NotAfter = &metav1.Time{Time: cert.NotAfter.UTC()}
		}
		if status.Message == "" {
			fingerprint := sha256.Sum256(cert.Raw)
			if first, dup := seen[fingerprint]; dup {
				status.Message = "the same certificate as " + first + "; included once"
				status.Valid = true
				res.Statuses = append(res.Statuses, status)
				continue
			}
			seen[fingerprint] = root.Name
			status.Valid = true
			res.Valid = append(res.Valid, root)
			if res.NextExpiry.IsZero() || cert.NotAfter.Before(res.NextExpiry) {
				res.NextExpiry = cert.NotAfter
			}
		}
		res.Statuses = append(res.Statuses, status)
	}
	return res
}

// parseCertificate decodes exactly one PEM certificate.
func parseCertificate(data string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(data))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("no PEM CERTIFICATE block")
	}
	if extra, _ := pem.Decode(rest); extra != nil {
		return nil, fmt.Errorf("more than one PEM block: list each root separately")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("unparseable certificate: %w", err)
	}
	return cert, nil
}
