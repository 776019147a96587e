package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/render"
)

// The inputs every kind resolves the same way. A missing input is a user
// error (Stalled); a failed read is transient (retried).

func getNational(ctx context.Context, c client.Reader) (*platformv1alpha1.NationalPlatform, error) {
	n := &platformv1alpha1.NationalPlatform{}
	err := c.Get(ctx, types.NamespacedName{Name: platformv1alpha1.NationalPlatformName}, n)
	if apierrors.IsNotFound(err) {
		return nil, conditions.Stalled(platformv1alpha1.ReasonNationalPlatformNotFound,
			"there is no NationalPlatform named %q: central ops must create it before provinces can be served", platformv1alpha1.NationalPlatformName)
	}
	return n, err
}

// getRelease reads the named release and returns its component, as
// inputs.Release does.
func getRelease(ctx context.Context, c client.Reader, name, component string, now time.Time) (platformv1alpha1.Component, time.Time, error) {
	var found *platformv1alpha1.PlatformRelease
	if name != "" {
		rel := &platformv1alpha1.PlatformRelease{}
		if err := c.Get(ctx, types.NamespacedName{Name: name}, rel); err == nil {
			found = rel
		} else if !apierrors.IsNotFound(err) {
			return platformv1alpha1.Component{}, time.Time{}, err
		}
	}
	return inputs.Release(name, found, component, now)
}

// earliest returns the earliest of the times that are set, zero when none is.
func earliest(times ...time.Time) time.Time {
	var first time.Time
	for _, t := range times {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// checkIssuer returns the referenced issuer, or a user error with reason when
// it is missing. A namespaced Issuer is the user's and carries no label of
// the operator, so it is read from the API server: the cache holds only the
// operator's own.
func (d deps) checkIssuer(ctx context.Context, namespace string, ref platformv1alpha1.IssuerReference, reason string) (*cmapi.ClusterIssuer, *cmapi.Issuer, error) {
	var err error
	if ref.Kind == cmapi.IssuerKind {
		iss := &cmapi.Issuer{}
		if err = d.APIReader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: ref.Name}, iss); err == nil {
			return nil, iss, nil
		}
	} else {
		ci := &cmapi.ClusterIssuer{}
		if err = d.Get(ctx, types.NamespacedName{Name: ref.Name}, ci); err == nil {
			return ci, nil, nil
		}
	}
	if apierrors.IsNotFound(err) {
		return nil, nil, conditions.Stalled(reason, "%s %q does not exist", ref.Kind, ref.Name)
	}
	return nil, nil, err
}

// resolvePublicIssuer returns the spec of the public issuer a portal names
// for TLS, nil when it names none. A production portal must name one while
// central ops require public certificates, and only one central ops allow.
// The national CA is never a public issuer, nor is another CA issuer backed
// by its key, even if listed: through them a certificate would be signed by
// the national root itself, beyond the SubCA's name constraints.
func (d deps) resolvePublicIssuer(ctx context.Context, p *platformv1alpha1.ProvincePortal, n *platformv1alpha1.NationalPlatform) (*cmapi.IssuerSpec, error) {
	trust := n.Spec.Trust
	ref := render.PublicIssuerRef(p)
	if ref == nil {
		if p.Spec.Environment == platformv1alpha1.ProductionEnvironment && trust.PublicTLS != platformv1alpha1.PublicTLSOptional {
			return nil, conditions.Stalled(platformv1alpha1.ReasonPublicIssuerRequired,
				"ProvincePortal %s serves citizens in production at %s, which needs a publicly trusted certificate: set spec.ingress.issuerRef to %s, or central ops set NationalPlatform spec.trust.publicTLS to Optional on a closed network",
				p.Name, p.Spec.Domain, allowedIssuers(trust))
		}
		return nil, nil
	}
	notAllowed := func(why string) error {
		return conditions.Stalled(platformv1alpha1.ReasonIssuerNotAllowed,
			"ProvincePortal %s spec.ingress.issuerRef names %s %q, %s: name %s, or remove issuerRef to use the provincial SubCA",
			p.Name, ref.Kind, ref.Name, why, allowedIssuers(trust))
	}
	if ref.Kind == cmapi.ClusterIssuerKind && ref.Name == trust.CAIssuerRef.Name {
		return nil, notAllowed("which signs with the national CA")
	}
	if !slices.Contains(trust.AllowedPublicIssuers, *ref) {
		return nil, notAllowed("which is not among the public issuers central ops allow")
	}
	clusterIssuer, issuer, err := d.checkIssuer(ctx, p.Namespace, *ref, platformv1alpha1.ReasonIssuerNotFound)
	if err != nil {
		return nil, err
	}
	if issuer != nil {
		return &issuer.Spec, nil
	}
	nationalCA := &cmapi.ClusterIssuer{}
	if err := d.Get(ctx, types.NamespacedName{Name: trust.CAIssuerRef.Name}, nationalCA); client.IgnoreNotFound(err) != nil {
		return nil, err
	}
	if clusterIssuer.Spec.CA != nil && nationalCA.Spec.CA != nil && clusterIssuer.Spec.CA.SecretName == nationalCA.Spec.CA.SecretName {
		return nil, notAllowed("which signs with the national CA")
	}
	return &clusterIssuer.Spec, nil
}

// allowedIssuers names the public issuers central ops allow, for messages.
func allowedIssuers(trust platformv1alpha1.Trust) string {
	if len(trust.AllowedPublicIssuers) == 0 {
		return "a public issuer central ops first list in NationalPlatform spec.trust.allowedPublicIssuers (none is listed)"
	}
	names := make([]string, len(trust.AllowedPublicIssuers))
	for i, ref := range trust.AllowedPublicIssuers {
		names[i] = fmt.Sprintf("%s %q", ref.Kind, ref.Name)
	}
	return "one of the public issuers of NationalPlatform spec.trust.allowedPublicIssuers: " + strings.Join(names, ", ")
}

// secretKeys checks a user's Secret holds the keys and returns a digest of
// their values (inputs.SecretVersion). The data is read straight from the
// API server (Secret data is never cached), and again only when the
// Secret's version in the metadata cache changed.
func (d deps) secretKeys(ctx context.Context, namespace, name string, keys ...string) (string, error) {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	version, err := d.secretVersion(ctx, key)
	if err != nil {
		return "", err
	}
	// The digest depends on the keys asked for as much as on the data.
	version = versionOf(version, strings.Join(keys, ","))
	if digest, ok := d.SecretDigests.get(key, version); ok {
		return digest, nil
	}
	s := &corev1.Secret{}
	if err := d.APIReader.Get(ctx, key, s); apierrors.IsNotFound(err) {
		return "", conditions.Stalled(platformv1alpha1.ReasonSecretNotFound,
			"Secret %q does not exist in namespace %s: create it with the keys %v", name, namespace, keys)
	} else if err != nil {
		return "", err
	}
	digest, err := inputs.SecretVersion(s, keys...)
	if err == nil {
		d.SecretDigests.put(key, version, digest)
	}
	return digest, err
}

// certificateRevisions returns the issuance revision of each of the owner's
// Certificates, keyed certificate/<name>: pods that mount a key pair roll
// when it is reissued, not when cert-manager touches its Secret's metadata.
func certificateRevisions(ctx context.Context, c client.Reader, owner render.Owner) (map[string]string, error) {
	list := &cmapi.CertificateList{}
	if err := c.List(ctx, list, client.InNamespace(owner.Object.GetNamespace()), client.MatchingLabels(owner.OwnedSelector())); err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	revisions := map[string]string{}
	for i := range list.Items {
		cert := &list.Items[i]
		if ownedBy(cert, owner.Object) && cert.Status.Revision != nil {
			revisions["certificate/"+cert.Name] = revisionOf(cert)
		}
	}
	return revisions, nil
}

// revisionOf is a Certificate's issuance revision as the pod templates'
// checksums read it, empty before the first issuance.
func revisionOf(cert *cmapi.Certificate) string {
	if cert.Status.Revision == nil {
		return ""
	}
	return fmt.Sprint(*cert.Status.Revision)
}

// recordInput records conditionType on obj from the outcome of resolving an
// input, and reports whether resolving failed.
func recordInput(obj object, conditionType string, err error, okMessage string) bool {
	conds := &obj.StatusCommon().Conditions
	if u, ok := conditions.AsUserError(err); ok {
		conditions.Set(conds, obj.GetGeneration(), conditionType, false, u.Reason, u.Message)
		return true
	}
	if err != nil {
		return true
	}
	conditions.Set(conds, obj.GetGeneration(), conditionType, true, platformv1alpha1.ReasonReady, okMessage)
	return false
}

// recordDisabled records a feature the user turned off as configured.
func recordDisabled(obj object, conditionType, message string) {
	conditions.Set(&obj.StatusCommon().Conditions, obj.GetGeneration(), conditionType, true, platformv1alpha1.ReasonDisabled, message)
}

// mergeRevisions adds the owner's certificate revisions to versions.
func mergeRevisions(ctx context.Context, c client.Reader, owner render.Owner, versions map[string]string) error {
	revisions, err := certificateRevisions(ctx, c, owner)
	for k, v := range revisions {
		versions[k] = v
	}
	return err
}
