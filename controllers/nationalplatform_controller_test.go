package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func rootPEM(t *testing.T, name string, notAfter time.Time) string {
	t.Helper()
	cert, _, err := issueUntil(name, true, notAfter, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(cert)
}

// An expired root is reported on the NationalPlatform and left out of every
// province's trust bundle; the current one goes in.
func TestTrustedRootsAreCheckedAndReported(t *testing.T) {
	ensureNational(t)
	ctx := context.Background()
	p := waitReady(t, province(t, "44"))
	n := national()
	if err := exists(n); err != nil {
		t.Fatal(err)
	}
	// A merge patch: the operator writes the NationalPlatform's status meanwhile.
	orig := n.DeepCopy()
	n.Spec.Trust.TrustedRoots = []platformv1alpha1.TrustedRoot{
		{Name: "specialised-ca", PEM: rootPEM(t, "specialised", time.Now().Add(10*365*24*time.Hour))},
		{Name: "old-public-ca", PEM: rootPEM(t, "old public", time.Now().Add(-24*time.Hour))},
	}
	if err := k8s.Patch(ctx, n, client.MergeFrom(orig)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		restore := national()
		if err := exists(restore); err == nil {
			orig := restore.DeepCopy()
			restore.Spec.Trust.TrustedRoots = nil
			_ = k8s.Patch(ctx, restore, client.MergeFrom(orig))
		}
	})
	eventually(t, "the expired root reported", func() error {
		if err := exists(n); err != nil {
			return err
		}
		c := condOf(n, platformv1alpha1.ConditionTrustRootsValid)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, "old-public-ca: expired") {
			return fmt.Errorf("TrustRootsValid %+v", c)
		}
		if len(n.Status.TrustedRoots) != 2 || !n.Status.TrustedRoots[0].Valid || n.Status.TrustedRoots[1].Valid {
			return fmt.Errorf("status.trustedRoots %+v", n.Status.TrustedRoots)
		}
		return nil
	})
	eventually(t, "the bundle holds only the current root", func() error {
		cm := portalChild(p, &corev1.ConfigMap{}, "trust-bundle").(*corev1.ConfigMap)
		if err := exists(cm); err != nil {
			return err
		}
		bundle := cm.Data["ca-bundle.crt"]
		if !strings.Contains(bundle, "# specialised-ca") || strings.Contains(bundle, "old-public-ca") {
			return fmt.Errorf("bundle:\n%s", bundle)
		}
		return nil
	})
}
