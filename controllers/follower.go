package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/trust"
)

// portalInputs is what a OneStopShop or DocExchangeNode takes from the
// ProvincePortal of its namespace: its province, SubCA, trust bundle,
// national wiring and release.
type portalInputs struct {
	portal    *platformv1alpha1.ProvincePortal
	national  *platformv1alpha1.NationalPlatform
	release   string
	component platformv1alpha1.Component
	roots     []platformv1alpha1.TrustedRoot
	// rootsExpireAt is when the trust bundle must be rebuilt.
	rootsExpireAt time.Time
}

// resolvePortal resolves the ProvincePortal named by ref and what follows
// from it, recording the PortalReady condition on obj. A missing portal is a
// user error; a portal whose SubCA does not issue yet is waited for.
func resolvePortal(ctx context.Context, c client.Client, clk clock.PassiveClock, obj object, ref platformv1alpha1.LocalObjectReference, component string) (portalInputs, error) {
	var in portalInputs
	conds := &obj.StatusCommon().Conditions
	national, err := getNational(ctx, c)
	if err != nil {
		return in, err
	}
	portal := &platformv1alpha1.ProvincePortal{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: ref.Name}, portal); apierrors.IsNotFound(err) {
		err := conditions.Stalled(platformv1alpha1.ReasonPortalNotFound,
			"ProvincePortal %q does not exist in namespace %s: create it, or fix spec.portalRef", ref.Name, obj.GetNamespace())
		conditions.Set(conds, obj.GetGeneration(), platformv1alpha1.ConditionPortalReady, false, platformv1alpha1.ReasonPortalNotFound, err.(*conditions.UserError).Message)
		return in, err
	} else if err != nil {
		return in, err
	}
	in.portal, in.national = portal, national
	in.release = render.EffectiveRelease(portal.Spec.Release, national.Spec.DefaultRelease)
	if in.component, err = getRelease(ctx, c, in.release, component); err != nil {
		return in, err
	}
	checked := trust.Check(national.Spec.Trust.TrustedRoots, clk.Now())
	in.roots, in.rootsExpireAt = checked.Valid, checked.NextExpiry

	issuer := &cmapi.Issuer{}
	issuerName := render.SubCAIssuerName(portal.Name)
	ready := false
	if err := c.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: issuerName}, issuer); client.IgnoreNotFound(err) != nil {
		return in, err
	}
	for _, cond := range issuer.Status.Conditions {
		ready = ready || (cond.Type == cmapi.IssuerConditionReady && cond.Status == cmmeta.ConditionTrue)
	}
	if !ready {
		conditions.Set(conds, obj.GetGeneration(), platformv1alpha1.ConditionPortalReady, false, platformv1alpha1.ReasonWaitingForPortal,
			fmt.Sprintf("waiting for the provincial SubCA Issuer %s of ProvincePortal %s to be ready", issuerName, portal.Name))
		return in, errWaiting
	}
	conditions.Set(conds, obj.GetGeneration(), platformv1alpha1.ConditionPortalReady, true, platformv1alpha1.ReasonReady,
		fmt.Sprintf("ProvincePortal %s issues through %s", portal.Name, issuerName))
	return in, nil
}

// followers lists the objects of one kind that follow a portal, and maps a
// change of a shared input to exactly those it affects.
type followers struct {
	client.Client
	// list lists the kind in a namespace (all namespaces when empty) and
	// returns each object with the portal it names and the user Secrets it uses.
	list func(ctx context.Context, namespace string) ([]follower, error)
}

type follower struct {
	key     types.NamespacedName
	portal  string
	secrets []string
}

func (f followers) where(ctx context.Context, namespace string, keep func(follower) bool) []reconcile.Request {
	items, err := f.list(ctx, namespace)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list objects to fan out a change")
		return nil
	}
	var reqs []reconcile.Request
	for _, it := range items {
		if keep(it) {
			reqs = append(reqs, reconcile.Request{NamespacedName: it.key})
		}
	}
	return reqs
}

// all: every follower (a NationalPlatform spec change).
func (f followers) all(ctx context.Context, _ client.Object) []reconcile.Request {
	return f.where(ctx, "", func(follower) bool { return true })
}

// ofPortal: the followers of a ProvincePortal.
func (f followers) ofPortal(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return it.portal == obj.GetName() })
}

// ofIssuer: the followers of the portal whose SubCA Issuer this is.
func (f followers) ofIssuer(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return render.SubCAIssuerName(it.portal) == obj.GetName() })
}

// ofSubCA: the followers of the portal whose SubCA Certificate this is: a
// reissued SubCA means their leaves must be reissued too.
func (f followers) ofSubCA(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return render.SubCACertificateName(it.portal) == obj.GetName() })
}

// ofSecret: the followers in the Secret's namespace that use it, directly or
// through their portal (the national credentials the sync worker mounts).
func (f followers) ofSecret(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool {
		if slices.Contains(it.secrets, obj.GetName()) {
			return true
		}
		portal := &platformv1alpha1.ProvincePortal{}
		err := f.Get(ctx, types.NamespacedName{Namespace: it.key.Namespace, Name: it.portal}, portal)
		return err == nil && slices.Contains(render.PortalSecretRefs(portal.Spec), obj.GetName())
	})
}

// ofRelease: the followers whose portal runs the release.
func (f followers) ofRelease(ctx context.Context, obj client.Object) []reconcile.Request {
	defaultRelease := platformv1alpha1.ReleaseName("")
	if national, err := getNational(ctx, f.Client); err == nil {
		defaultRelease = national.Spec.DefaultRelease
	}
	return f.where(ctx, "", func(it follower) bool {
		portal := &platformv1alpha1.ProvincePortal{}
		if err := f.Get(ctx, types.NamespacedName{Namespace: it.key.Namespace, Name: it.portal}, portal); err != nil {
			return false
		}
		return render.EffectiveRelease(portal.Spec.Release, defaultRelease) == obj.GetName()
	})
}

// inNamespace: every other follower of the namespace (an arrival, a
// departure or a spec change, such as a new organId, may settle a rival's
// claim).
func (f followers) inNamespace(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return it.key.Name != obj.GetName() })
}

// watch adds the watches a follower kind needs: its portal (spec changes),
// the portal's SubCA Issuer and Certificate, the NationalPlatform and
// releases (spec changes), the Secrets it uses (metadata only), and the
// arrivals, departures and spec changes of its own kind in the namespace.
func (f followers) watch(b *builder.Builder, self client.Object) *builder.Builder {
	specChanges := builder.WithPredicates(predicate.GenerationChangedPredicate{})
	return b.
		Watches(&platformv1alpha1.ProvincePortal{}, handler.EnqueueRequestsFromMapFunc(f.ofPortal), specChanges).
		Watches(&cmapi.Issuer{}, handler.EnqueueRequestsFromMapFunc(f.ofIssuer)).
		Watches(&cmapi.Certificate{}, handler.EnqueueRequestsFromMapFunc(f.ofSubCA)).
		Watches(&platformv1alpha1.NationalPlatform{}, handler.EnqueueRequestsFromMapFunc(f.all), specChanges).
		Watches(&platformv1alpha1.PlatformRelease{}, handler.EnqueueRequestsFromMapFunc(f.ofRelease), specChanges).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(f.ofSecret), builder.OnlyMetadata).
		Watches(self, handler.EnqueueRequestsFromMapFunc(f.inNamespace), specChanges)
}
