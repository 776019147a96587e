package controllers

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/render"
)

// reissuedReason marks a renewal the operator asked for, in cert-manager's
// manual-renewal way (the Issuing condition).
const reissuedReason = "SubCAReissued"

// renewStaleLeaves asks cert-manager to reissue every certificate of owner
// that the provincial SubCA signed with a key it no longer holds (its
// signature does not verify with the SubCA's current public key): when the
// SubCA is reissued (renewal, rotation), leaves signed by the old key stop
// chaining to it, and cert-manager does not reissue them by itself. It
// returns the names of the leaves being reissued.
//
// Secret data is read straight from the API server (never cached), and only
// for a leaf whose key pair, or the SubCA's, changed since its signature was
// last found good: read on every reconcile, the key pairs made a third of
// the operator's requests.
func (d deps) renewStaleLeaves(ctx context.Context, owner render.Owner, portalName string) ([]string, error) {
	namespace := owner.Object.GetNamespace()
	subCAKey := types.NamespacedName{Namespace: namespace, Name: render.KeypairSecret(render.SubCACertificateName(portalName))}
	subCAVersion, err := d.secretVersion(ctx, subCAKey)
	if err != nil {
		return nil, err
	}
	list := &cmapi.CertificateList{}
	if err := d.List(ctx, list, client.InNamespace(namespace), client.MatchingLabels(owner.OwnedSelector())); err != nil {
		return nil, err
	}
	var subCA *x509.Certificate
	var stale []string
	for i := range list.Items {
		cert := &list.Items[i]
		if !ownedBy(cert, owner.Object) || cert.Spec.IssuerRef != render.SubCAIssuerRef(portalName) {
			continue
		}
		leafKey := types.NamespacedName{Namespace: namespace, Name: cert.Spec.SecretName}
		leafVersion, err := d.secretVersion(ctx, leafKey)
		if err != nil {
			return nil, err
		}
		checked := versionOf(leafVersion, subCAVersion)
		if _, good := d.GoodSignatures.get(leafKey, checked); good {
			continue
		}
		if subCA == nil {
			if subCA, err = firstCertificate(ctx, d.APIReader, subCAKey); err != nil || subCA == nil {
				return nil, err
			}
		}
		leaf, err := firstCertificate(ctx, d.APIReader, leafKey)
		if err != nil {
			return nil, err
		}
		if leaf == nil {
			continue
		}
		if leaf.CheckSignatureFrom(subCA) == nil {
			d.GoodSignatures.put(leafKey, checked, struct{}{})
			continue
		}
		stale = append(stale, cert.Name)
		if issuing(cert) {
			continue
		}
		orig := cert.DeepCopy()
		now := metav1.Now()
		setCondition(cert, cmapi.CertificateCondition{
			Type: cmapi.CertificateConditionIssuing, Status: cmmeta.ConditionTrue, Reason: reissuedReason,
			Message: "the provincial SubCA was reissued: this certificate is reissued so that it chains to it", LastTransitionTime: &now,
			ObservedGeneration: cert.Generation,
		})
		if err := d.Status().Patch(ctx, cert, client.MergeFrom(orig)); err != nil {
			return nil, fmt.Errorf("reissue Certificate %s: %w", cert.Name, err)
		}
	}
	sort.Strings(stale)
	return stale, nil
}

// setCondition replaces the condition of the same type, or adds it.
func setCondition(cert *cmapi.Certificate, cond cmapi.CertificateCondition) {
	for i := range cert.Status.Conditions {
		if cert.Status.Conditions[i].Type == cond.Type {
			cert.Status.Conditions[i] = cond
			return
		}
	}
	cert.Status.Conditions = append(cert.Status.Conditions, cond)
}

func issuing(cert *cmapi.Certificate) bool {
	for _, c := range cert.Status.Conditions {
		if c.Type == cmapi.CertificateConditionIssuing && c.Status == cmmeta.ConditionTrue {
			return true
		}
	}
	return false
}

// firstCertificate returns the first certificate of a key pair Secret's
// tls.crt, nil when the Secret or a parseable certificate is not there yet.
func firstCertificate(ctx context.Context, c client.Reader, key types.NamespacedName) (*x509.Certificate, error) {
	s := &corev1.Secret{}
	if err := c.Get(ctx, key, s); apierrors.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(s.Data[corev1.TLSCertKey])
	if block == nil {
		return nil, nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil // cert-manager rewrites what it cannot parse
	}
	return cert, nil
}

// renewStaleLeavesInto renews stale leaves and counts them as written, so
// they are not reported Ready before they are reissued.
func (d deps) renewStaleLeavesInto(ctx context.Context, owner render.Owner, portalName string, written writes) error {
	stale, err := d.renewStaleLeaves(ctx, owner, portalName)
	for _, name := range stale {
		written["Certificate/"+name] = true
	}
	return err
}
