package controllers

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sort"
	"strings"
	"sync"

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
	secrets, err := d.Secrets.in(ctx, namespace)
	if err != nil {
		return nil, err
	}
	subCAKey := types.NamespacedName{Namespace: namespace, Name: render.KeypairSecret(render.SubCACertificateName(portalName))}
	subCAVersion, err := secretVersion(ctx, secrets, subCAKey)
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
		leafVersion, err := secretVersion(ctx, secrets, leafKey)
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

// secretVersion returns the resourceVersion of a Secret in the metadata
// cache, "" when it has none.
func secretVersion(ctx context.Context, secrets client.Reader, key types.NamespacedName) (string, error) {
	meta := secretMetadata()
	if err := secrets.Get(ctx, key, meta); apierrors.IsNotFound(err) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	return meta.ResourceVersion, nil
}

// byVersion remembers, per Secret, what the operator derived from its data
// (and its SubCA's) at the versions the metadata cache showed, so the data
// is read again only when a version changes. The version the cache shows
// may be older than the data then read; the next version it shows is read
// again. A Secret the cache does not hold yet has no version (""): it is
// read every time, never remembered. Entries are a few bytes per Secret and
// are not pruned.
type byVersion[T any] struct {
	mu      sync.Mutex
	entries map[types.NamespacedName]versioned[T]
}

type versioned[T any] struct {
	version string
	value   T
}

// versionOf joins the versions a value derives from, "" when one is unknown.
func versionOf(versions ...string) string {
	for _, v := range versions {
		if v == "" {
			return ""
		}
	}
	return strings.Join(versions, "/")
}

func newByVersion[T any]() *byVersion[T] {
	return &byVersion[T]{entries: map[types.NamespacedName]versioned[T]{}}
}

// get returns what was derived from key at version, if anything was.
func (b *byVersion[T]) get(key types.NamespacedName, version string) (T, bool) {
	var zero T
	if b == nil || version == "" {
		return zero, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.entries[key]
	if !ok || e.version != version {
		return zero, false
	}
	return e.value, true
}

func (b *byVersion[T]) put(key types.NamespacedName, version string, value T) {
	if b == nil || version == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.entries[key] = versioned[T]{version: version, value: value}
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
