package controllers

import (
	"context"
	"slices"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// The map functions below route a change of a shared input to exactly the
// ProvincePortals it affects.

func (r *ProvincePortalReconciler) portalsWhere(ctx context.Context, keep func(*platformv1alpha1.ProvincePortal) bool, opts ...client.ListOption) []reconcile.Request {
	list := &platformv1alpha1.ProvincePortalList{}
	if err := r.List(ctx, list, opts...); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list ProvincePortals to fan out a change")
		return nil
	}
	var reqs []reconcile.Request
	for i := range list.Items {
		if keep(&list.Items[i]) {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: list.Items[i].Namespace, Name: list.Items[i].Name}})
		}
	}
	return reqs
}

func (r *ProvincePortalReconciler) allPortals(ctx context.Context, _ client.Object) []reconcile.Request {
	return r.portalsWhere(ctx, func(*platformv1alpha1.ProvincePortal) bool { return true })
}

// portalsOfRelease: the pinned portals, and the unpinned ones when the
// release is the national default.
func (r *ProvincePortalReconciler) portalsOfRelease(ctx context.Context, obj client.Object) []reconcile.Request {
	national, err := getNational(ctx, r.Client)
	defaultRelease := ""
	if err == nil {
		defaultRelease = string(national.Spec.DefaultRelease)
	}
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		release, err := effectiveRelease(ctx, r.Client, p, platformv1alpha1.ReleaseName(defaultRelease))
		return err == nil && release == obj.GetName()
	})
}

// portalsOfAssignment: the portals of the assignment's province and environment.
func (r *ProvincePortalReconciler) portalsOfAssignment(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool { return assignedTo(obj, p) })
}

// portalsOfClusterIssuer: every portal when it is the national CA, else the
// portals using it as their public issuer.
func (r *ProvincePortalReconciler) portalsOfClusterIssuer(ctx context.Context, obj client.Object) []reconcile.Request {
	if national, err := getNational(ctx, r.Client); err == nil && national.Spec.Trust.CAIssuerRef.Name == obj.GetName() {
		return r.allPortals(ctx, obj)
	}
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		ref := render.PublicIssuerRef(p)
		return ref != nil && ref.Kind == cmapi.ClusterIssuerKind && ref.Name == obj.GetName()
	})
}

// portalsOfIssuer: the portals of the Issuer's namespace naming it as their
// public issuer.
func (r *ProvincePortalReconciler) portalsOfIssuer(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		ref := render.PublicIssuerRef(p)
		return ref != nil && ref.Kind == cmapi.IssuerKind && ref.Name == obj.GetName()
	}, client.InNamespace(obj.GetNamespace()))
}

// userIssuers watches the metadata alone of every namespaced Issuer, through
// a cache of its own added to the manager: the operator's cache holds only
// the Issuers it labelled, and a portal's public Issuer is the province's
// own. Its metadata (a new generation) says it came or changed; the portal
// reads its spec uncached, so no Issuer's spec is held in memory.
func (r *ProvincePortalReconciler) userIssuers(mgr ctrl.Manager) (source.Source, error) {
	issuers, err := cache.New(mgr.GetConfig(), cache.Options{
		Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper(), DefaultTransform: cache.TransformStripManagedFields(),
	})
	if err != nil {
		return nil, err
	}
	if err := mgr.Add(issuers); err != nil {
		return nil, err
	}
	issuer := &metav1.PartialObjectMetadata{}
	issuer.SetGroupVersionKind(cmapi.SchemeGroupVersion.WithKind(cmapi.IssuerKind))
	return source.Kind[client.Object](issuers, issuer, handler.EnqueueRequestsFromMapFunc(r.portalsOfIssuer), predicate.GenerationChangedPredicate{}), nil
}

// portalsOfSecret: the portals in the Secret's namespace that mount it, or
// whose SubCA key pair it holds (their leaves are checked against the
// version of it the Secret cache shows).
func (r *ProvincePortalReconciler) portalsOfSecret(ctx context.Context, obj client.Object) []reconcile.Request {
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		return slices.Contains(render.PortalSecretRefs(p.Spec), obj.GetName()) ||
			render.KeypairSecret(render.SubCACertificateName(p.Name)) == obj.GetName()
	}, client.InNamespace(obj.GetNamespace()))
}

// portalsInNamespace: the portals of a namespace whose assignment changed,
// and the portals of the same provinces elsewhere, whose claims it may settle.
func (r *ProvincePortalReconciler) portalsInNamespace(ctx context.Context, obj client.Object) []reconcile.Request {
	codes := map[platformv1alpha1.ProvinceCode]bool{}
	r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		codes[p.Spec.Province.Code] = true
		return false
	}, client.InNamespace(obj.GetName()))
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		return p.Namespace == obj.GetName() || codes[p.Spec.Province.Code]
	})
}

// rivalPortals: the portals whose claim the given one may settle.
func (r *ProvincePortalReconciler) rivalPortals(ctx context.Context, obj client.Object) []reconcile.Request {
	changed, ok := obj.(*platformv1alpha1.ProvincePortal)
	if !ok {
		return nil
	}
	return r.portalsWhere(ctx, func(p *platformv1alpha1.ProvincePortal) bool {
		return p.UID != changed.UID && (p.Namespace == changed.Namespace || p.Spec.Province.Code == changed.Spec.Province.Code)
	})
}
