package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// A Certificate a reconcile has just created is not in the cache yet; the
// status must not read Ready until the cache shows it issued.
func TestACertificateJustCreatedIsNotReportedReady(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "82"))
	s := oneStopShop(t, p, true)
	waitObjectReady(t, s)
	host := "motcua." + string(p.Spec.Domain)
	change(t, s, func() { s.Spec.Domain = platformv1alpha1.DNSName(host) })
	tls := render.OneStopShopOwner(s, p).Name(render.RoleMotcuaTLS)
	eventually(t, "the new generation observed", func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(s), s); err != nil {
			return err
		}
		if s.Status.ObservedGeneration != s.Generation {
			return fmt.Errorf("observedGeneration %d of %d", s.Status.ObservedGeneration, s.Generation)
		}
		return nil
	})
	ready, certs := condOf(s, platformv1alpha1.ConditionReady), condOf(s, platformv1alpha1.ConditionCertificatesReady)
	if ready == nil || ready.Status != metav1.ConditionFalse {
		t.Errorf("Ready before the new TLS certificate is issued: %+v", ready)
	}
	if certs == nil || certs.Status != metav1.ConditionFalse || !strings.Contains(certs.Message, tls) {
		t.Errorf("CertificatesReady does not wait for %s: %+v", tls, certs)
	}
	waitObjectReady(t, s)
}

// The cache may lag behind a write: a Certificate written in this reconcile
// and not yet in the cache counts as not ready.
func TestObserveCertificatesCountsAWrittenCertificateTheCacheLacks(t *testing.T) {
	shop := &platformv1alpha1.OneStopShop{ObjectMeta: metav1.ObjectMeta{Name: "camau", Namespace: "egov-camau", UID: "u1"}}
	owner := render.Owner{Object: shop, Kind: "OneStopShop"}
	emptyCache := fake.NewClientBuilder().WithScheme(testenv.Scheme()).Build()
	_, notReady, err := observeCertificates(context.Background(), emptyCache, owner, writes{"Certificate/camau-motcua-tls": true})
	if err != nil {
		t.Fatal(err)
	}
	if len(notReady) != 1 || notReady[0] != "camau-motcua-tls" {
		t.Errorf("not ready: %v, want the certificate just written", notReady)
	}
}

// Pruning a Certificate deletes the Secret holding its private key: no key
// outlives its certificate.
func TestAPrunedCertificateTakesItsPrivateKey(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "96"))
	s := oneStopShop(t, p, true, func(s *platformv1alpha1.OneStopShop) {
		s.Spec.Domain = platformv1alpha1.DNSName("motcua." + string(p.Spec.Domain))
	})
	waitObjectReady(t, s)
	keypair := &corev1.Secret{}
	keypair.Namespace, keypair.Name = p.Namespace, render.KeypairSecret(render.OneStopShopOwner(s, p).Name(render.RoleMotcuaTLS))
	if err := exists(keypair); err != nil {
		t.Fatal(err)
	}
	change(t, s, func() { s.Spec.Domain = "" })
	eventually(t, "the TLS key pair deleted with its Certificate", func() error {
		if err := exists(keypair); !apierrors.IsNotFound(err) {
			return fmt.Errorf("Secret %s still there (%v)", keypair.Name, err)
		}
		return nil
	})
	waitObjectReady(t, s)
}
