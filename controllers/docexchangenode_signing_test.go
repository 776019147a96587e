package controllers

import (
	"context"
	"slices"
	"testing"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

func TestAnExternallySigningNodeReportsTheCertificateTheServiceReturned(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "33"))
	notAfter := time.Date(2029, 3, 1, 0, 0, 0, 0, time.UTC)
	certPEM, _, err := issueUntil("Văn phòng UBND", false, notAfter, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	signer := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "signer", Namespace: p.Namespace},
		Data:       map[string][]byte{"certificate.pem": certPEM, "clientID": []byte("id"), "clientSecret": []byte("secret")},
	}
	create(t, signer)
	d := docExchangeNode(t, p, func(d *platformv1alpha1.DocExchangeNode) {
		d.Spec.Signing.External = &platformv1alpha1.ExternalSigner{
			Remote: &platformv1alpha1.RemoteSigner{URL: "https://kyso.hue.gov.vn",
				CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "signer"}},
			CertificateSecretRef: platformv1alpha1.SecretKeyReference{Name: "signer", Key: "certificate.pem"},
		}
	})
	waitObjectReady(t, d)
	if sig := d.Status.SigningCertificate; sig == nil || !sig.NotAfter.Time.Equal(notAfter) {
		t.Errorf("status.signingCertificate %+v, want the external certificate, expiring %s", sig, notAfter)
	}
	authentication := &cmapi.Certificate{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: d.Namespace, Name: d.Name + "-" + render.RoleEdxmlSigning}, authentication); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(authentication.Spec.Usages, cmapi.UsageContentCommitment) {
		t.Errorf("the SubCA certificate of an externally signing node claims content commitment: %v", authentication.Spec.Usages)
	}

	change(t, signer, func() { signer.Data["certificate.pem"] = []byte("not a certificate") })
	waitObjectStalled(t, d, platformv1alpha1.ReasonSigningCertificateInvalid)
}
