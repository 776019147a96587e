package controllers

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/conformity"
)

// PlatformReleaseReconciler reports whether each release is conformant, and
// which provinces' stacks run it.
type PlatformReleaseReconciler struct {
	deps
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=platformreleases/status,verbs=get;patch

// Reconcile judges one release and counts its stacks. A declaration expires
// without the release changing, so it comes back at the next expiry.
func (r *PlatformReleaseReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	rel := &platformv1alpha1.PlatformRelease{}
	if err := r.Get(ctx, req.NamespacedName, rel); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(rel) {
		return ctrl.Result{}, pause(ctx, r.Client, rel)
	}
	orig := rel.DeepCopy()
	checked := conformity.Check(rel.Spec, r.Clock.Now())
	var verdict error
	if !checked.Conformant() {
		verdict = conditions.Stalled(platformv1alpha1.ReasonReleaseNotConformant,
			"%s: provinces cannot run it; publish a release whose declarations are complete and current", checked.Message())
	}
	recordInput(rel, platformv1alpha1.ConditionConformant, verdict, checked.Message())
	usage, err := r.usage(ctx, rel.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	rel.Status.Provinces = usage
	err = finish(ctx, r.Client, r.Recorder, rel, orig, verdict, "the release is conformant", platformv1alpha1.ConditionConformant)
	return resultAt(r.Clock, checked.NextExpiry, err)
}

// usage counts the stacks (a namespace's portal, one-stop-shop and exchange
// nodes: one province and environment) of which some object reports the
// release as the one it runs.
func (r *PlatformReleaseReconciler) usage(ctx context.Context, release string) (*platformv1alpha1.ReleaseUsage, error) {
	usage := &platformv1alpha1.ReleaseUsage{}
	stacks := map[string]bool{}
	for _, list := range []client.ObjectList{&platformv1alpha1.ProvincePortalList{}, &platformv1alpha1.OneStopShopList{}, &platformv1alpha1.DocExchangeNodeList{}} {
		if err := r.List(ctx, list); err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return nil, err
		}
		for _, item := range items {
			s := stackStatus(item.(client.Object))
			if s.Release != release {
				continue
			}
			stacks[item.(client.Object).GetNamespace()] = true
			if s.Province != "" && !slices.Contains(usage.Codes, s.Province) {
				usage.Codes = append(usage.Codes, s.Province)
			}
		}
	}
	slices.Sort(usage.Codes)
	usage.Stacks = int32(len(stacks))
	return usage, nil
}

// stackStatus returns what an object of a stack reports about its province
// and release; other objects report nothing.
func stackStatus(obj client.Object) platformv1alpha1.ProvinceStatus {
	if s, ok := obj.(interface {
		StackStatus() platformv1alpha1.ProvinceStatus
	}); ok {
		return s.StackStatus()
	}
	return platformv1alpha1.ProvinceStatus{}
}

// stackReleaseChanged passes the stack changes a release's count follows:
// arrivals, departures, and a new release or province in its status.
var stackReleaseChanged = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
	return stackStatus(e.ObjectOld) != stackStatus(e.ObjectNew)
}}

// releasesOfStack wakes the release a stack ran and the one it runs now.
var releasesOfStack = handler.Funcs{
	CreateFunc: func(_ context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		enqueueRelease(q, e.Object)
	},
	UpdateFunc: func(_ context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		enqueueRelease(q, e.ObjectOld)
		enqueueRelease(q, e.ObjectNew)
	},
	DeleteFunc: func(_ context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		enqueueRelease(q, e.Object)
	},
}

func enqueueRelease(q workqueue.TypedRateLimitingInterface[reconcile.Request], stack client.Object) {
	if release := stackStatus(stack).Release; release != "" {
		q.Add(reconcile.Request{NamespacedName: types.NamespacedName{Name: release}})
	}
}

// SetupWithManager registers the controller: the release itself, and the
// stacks reporting which release they run.
func (r *PlatformReleaseReconciler) SetupWithManager(mgr ctrl.Manager) error {
	stacks := builder.WithPredicates(stackReleaseChanged)
	return ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.PlatformRelease{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&platformv1alpha1.ProvincePortal{}, releasesOfStack, stacks).
		Watches(&platformv1alpha1.OneStopShop{}, releasesOfStack, stacks).
		Watches(&platformv1alpha1.DocExchangeNode{}, releasesOfStack, stacks).
		Complete(r)
}
