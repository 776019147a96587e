package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestCertificatesWithin30DaysAreReportedAndTheRestWakeTheReport(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	cert := func(name string, days int) platformv1alpha1.ExpiringCertificate {
		return platformv1alpha1.ExpiringCertificate{Name: name, Namespace: "egov-hatinh", NotAfter: metav1.NewTime(now.Add(time.Duration(days) * 24 * time.Hour))}
	}
	expiry, next := expiringCertificates([]platformv1alpha1.ExpiringCertificate{
		cert("later", 90), cert("soon", 10), cert("sooner", 2), cert("next", 45),
	}, now)
	if expiry.Count != 2 || len(expiry.Soonest) != 2 || expiry.Soonest[0].Name != "sooner" || expiry.Soonest[1].Name != "soon" {
		t.Errorf("expiring %+v", expiry)
	}
	if want := now.Add(15 * 24 * time.Hour); !next.Equal(want) {
		t.Errorf("next report at %v, want %v (when the certificate 'next' comes within 30 days)", next, want)
	}
}
