package controllers

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// nodeSigningCertificate reports the certificate a node signs documents
// with: the one its external signer returned, published in
// signing.external.certificateSecretRef, or else the SubCA-issued one (nil
// while it is not issued), read again only when its Secret changed.
func (d deps) nodeSigningCertificate(ctx context.Context, node *platformv1alpha1.DocExchangeNode) (*platformv1alpha1.SigningCertificateStatus, error) {
	ext := node.Spec.Signing.External
	c := d.APIReader
	if ext == nil {
		key := types.NamespacedName{Namespace: node.Namespace, Name: render.DocExchangeKeypairSecret(node)}
		version, err := d.secretVersion(ctx, key)
		if err != nil {
			return nil, err
		}
		if status, ok := d.SigningCertificates.get(key, version); ok {
			return status.DeepCopy(), nil
		}
		cert, err := firstCertificate(ctx, c, key)
		if err != nil || cert == nil {
			return nil, err
		}
		status := certificateStatus(cert)
		d.SigningCertificates.put(key, version, status.DeepCopy())
		return status, nil
	}
	ref := ext.CertificateSecretRef
	s := &corev1.Secret{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: node.Namespace, Name: ref.Name}, s); err != nil {
		return nil, err
	}
	block, _ := pem.Decode(s.Data[ref.Key])
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, conditions.Stalled(platformv1alpha1.ReasonSigningCertificateInvalid,
			"key %q of Secret %q holds no PEM certificate: publish there the certificate the signing service or token returns", ref.Key, ref.Name)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, conditions.Stalled(platformv1alpha1.ReasonSigningCertificateInvalid,
			"key %q of Secret %q holds a certificate that does not parse: %v", ref.Key, ref.Name, err)
	}
	return certificateStatus(cert), nil
}

// certificateStatus is the serial number and expiry of a certificate.
func certificateStatus(cert *x509.Certificate) *platformv1alpha1.SigningCertificateStatus {
	return &platformv1alpha1.SigningCertificateStatus{
		SerialNumber: fmt.Sprintf("%x", cert.SerialNumber),
		NotAfter:     &metav1.Time{Time: cert.NotAfter.UTC()},
	}
}
