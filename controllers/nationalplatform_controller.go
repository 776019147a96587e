package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
	"github.com/egov-vn/egov-operator/internal/trust"
)

// NationalPlatformReconciler reports the national CA issuer, the trusted
// roots and the fleet's readiness on the NationalPlatform.
type NationalPlatformReconciler struct {
	deps
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=nationalplatforms/status,verbs=get;patch

// Reconcile refreshes the NationalPlatform's status.
func (r *NationalPlatformReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	n := &platformv1alpha1.NationalPlatform{}
	if err := r.Get(ctx, req.NamespacedName, n); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(n) {
		return ctrl.Result{}, pause(ctx, r.Client, n)
	}
	orig := n.DeepCopy()

	checked := trust.Check(n.Spec.Trust.TrustedRoots, r.Clock.Now())
	n.Status.TrustedRoots = checked.Statuses
	if invalid := checked.Invalid(); len(invalid) > 0 {
		var parts []string
		for _, s := range invalid {
			parts = append(parts, s.Name+": "+s.Message)
		}
		conditions.Set(&n.Status.Conditions, n.Generation, platformv1alpha1.ConditionTrustRootsValid, false,
			platformv1alpha1.ReasonInvalidTrustedRoots, "left out of the trust bundle: "+strings.Join(parts, "; "))
	} else {
		conditions.Set(&n.Status.Conditions, n.Generation, platformv1alpha1.ConditionTrustRootsValid, true,
			platformv1alpha1.ReasonReady, fmt.Sprintf("%d trusted roots in the bundle", len(checked.Valid)))
	}

	ready, reason, message, err := r.caIssuerReady(ctx, n.Spec.Trust.CAIssuerRef.Name)
	if err != nil {
		return ctrl.Result{}, err
	}
	conditions.Set(&n.Status.Conditions, n.Generation, platformv1alpha1.ConditionCAIssuerReady, ready, reason, message)

	staleAt, err := r.reportFleet(ctx, n)
	if err != nil {
		return ctrl.Result{}, err
	}

	// Invalid roots are reported but do not stop the platform: the valid ones serve.
	conditions.Summarize(&n.Status.Conditions, n.Generation, nil, platformv1alpha1.ConditionCAIssuerReady)
	n.Status.ObservedGeneration = n.Generation

	if !conditions.IsTrue(n.Status.Conditions, platformv1alpha1.ConditionTrustRootsValid) &&
		conditions.IsTrue(orig.Status.Conditions, platformv1alpha1.ConditionTrustRootsValid) {
		r.Recorder.Eventf(n, nil, corev1.EventTypeWarning, platformv1alpha1.ReasonInvalidTrustedRoots, "Check",
			"some trusted roots were left out of the provinces' trust bundles; see status.trustedRoots")
	}
	return resultAt(r.Clock, earliest(checked.NextExpiry, staleAt), patchStatusIfChanged(ctx, r.Client, n, orig))
}

func (r *NationalPlatformReconciler) caIssuerReady(ctx context.Context, name string) (bool, string, string, error) {
	ci := &cmapi.ClusterIssuer{}
	if err := r.Get(ctx, types.NamespacedName{Name: name}, ci); apierrors.IsNotFound(err) {
		return false, platformv1alpha1.ReasonCAIssuerNotFound, fmt.Sprintf("ClusterIssuer %q does not exist: create the national CA issuer", name), nil
	} else if err != nil {
		return false, "", "", err
	}
	for _, c := range ci.Status.Conditions {
		if c.Type == cmapi.IssuerConditionReady && c.Status == cmmeta.ConditionTrue {
			return true, platformv1alpha1.ReasonReady, fmt.Sprintf("ClusterIssuer %q is ready", name), nil
		}
	}
	return false, platformv1alpha1.ReasonCAIssuerNotReady, fmt.Sprintf("ClusterIssuer %q is not ready yet", name), nil
}

// fleetReportDelay is how long the fleet's report on the NationalPlatform
// may lag a change in the fleet: each report reads the whole fleet, and
// while thousands of stacks converge their status changes would otherwise
// reconcile it back to back.
const fleetReportDelay = 5 * time.Second

// SetupWithManager registers the controller: its own spec, the national CA
// issuer, the Provinces' reports and the certificates the portals and
// document exchange nodes report feed the status.
func (r *NationalPlatformReconciler) SetupWithManager(mgr ctrl.Manager) error {
	national := reconcile.Request{NamespacedName: types.NamespacedName{Name: platformv1alpha1.NationalPlatformName}}
	toNational := handler.EnqueueRequestsFromMapFunc(func(context.Context, client.Object) []reconcile.Request {
		return []reconcile.Request{national}
	})
	fromFleet := enqueueAfter(national, fleetReportDelay)
	return ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.NationalPlatform{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&cmapi.ClusterIssuer{}, toNational).
		Watches(&platformv1alpha1.Province{}, fromFleet).
		Watches(&platformv1alpha1.ProvincePortal{}, fromFleet).
		Watches(&platformv1alpha1.DocExchangeNode{}, fromFleet).
		Complete(r)
}

// enqueueAfter enqueues req delay after any event, so the events of one
// stretch of delay make one reconcile: the queue keeps an item waiting at
// its earliest time.
func enqueueAfter(req reconcile.Request, delay time.Duration) handler.EventHandler {
	add := func(q workqueue.TypedRateLimitingInterface[reconcile.Request]) { q.AddAfter(req, delay) }
	return handler.Funcs{
		CreateFunc: func(_ context.Context, _ event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
		UpdateFunc: func(_ context.Context, _ event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
		DeleteFunc: func(_ context.Context, _ event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
		GenericFunc: func(_ context.Context, _ event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(q)
		},
	}
}
