package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

func TestTheCacheHoldsOnlyWhatTheOperatorOwns(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "11"))
	ctx := context.Background()

	foreign := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "archive-notes", Namespace: p.Namespace},
		Data:       map[string]string{"notes": strings.Repeat("x", 64*1024)},
	}
	create(t, foreign)
	// A child changed after the foreign ConfigMap was created: once the
	// cache shows the change, it has seen every earlier ConfigMap event.
	child := portalChild(p, &corev1.ConfigMap{}, render.RoleTrustBundle)
	change(t, child, func() { child.SetAnnotations(map[string]string{"example.org/reviewed": "yes"}) })
	if len(child.GetManagedFields()) < 2 {
		t.Fatalf("the child should have the operator's and the test's managedFields entries: %+v", child.GetManagedFields())
	}
	cached := portalChild(p, &corev1.ConfigMap{}, render.RoleTrustBundle)
	eventually(t, "the cache shows the child's change", func() error {
		if err := operatorCache.Get(ctx, client.ObjectKeyFromObject(cached), cached); err != nil {
			return err
		}
		if cached.GetAnnotations()["example.org/reviewed"] != "yes" {
			return fmt.Errorf("annotations %v", cached.GetAnnotations())
		}
		return nil
	})

	if err := operatorCache.Get(ctx, client.ObjectKeyFromObject(foreign), &corev1.ConfigMap{}); !apierrors.IsNotFound(err) {
		t.Errorf("an unlabelled ConfigMap entered the operator's cache (%v)", err)
	}
	if fields := cached.GetManagedFields(); len(fields) != 1 || !isOwnApply(fields[0]) {
		t.Errorf("the cached child should keep egov-operator's apply entry alone: %+v", fields)
	}
	cachedPortal := &platformv1alpha1.ProvincePortal{}
	if err := operatorCache.Get(ctx, client.ObjectKeyFromObject(p), cachedPortal); err != nil {
		t.Fatal(err)
	}
	if len(cachedPortal.ManagedFields) != 0 {
		t.Errorf("the cached ProvincePortal should keep no managedFields: %+v", cachedPortal.ManagedFields)
	}
}

func TestPortalServedByAnIssuerOfItsNamespaceBecomesReady(t *testing.T) {
	ensureNational(t)
	certPEM, keyPEM, err := issue("Public CA", true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := waitReady(t, province(t, "12", func(p *platformv1alpha1.ProvincePortal) {
		// The province's own CA issuer, which the operator neither made nor caches.
		create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "public-ca", Namespace: p.Namespace}, Type: corev1.SecretTypeTLS,
			Data: map[string][]byte{corev1.TLSCertKey: certPEM, corev1.TLSPrivateKeyKey: keyPEM}})
		create(t, &cmapi.Issuer{ObjectMeta: metav1.ObjectMeta{Name: "public-ca", Namespace: p.Namespace},
			Spec: cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: "public-ca"}}}})
		p.Spec.Ingress = &platformv1alpha1.PortalIngress{IssuerRef: &platformv1alpha1.IssuerReference{Name: "public-ca", Kind: cmapi.IssuerKind}}
	}))

	serving := portalChild(p, &cmapi.Certificate{}, render.RolePortal).(*cmapi.Certificate)
	if err := exists(serving); err != nil {
		t.Fatal(err)
	}
	if serving.Spec.IssuerRef.Name != "public-ca" || serving.Spec.IssuerRef.Kind != cmapi.IssuerKind {
		t.Errorf("the portal's certificate is issued by %+v", serving.Spec.IssuerRef)
	}
}
