package controllers

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// ProvinceReconciler keeps one Province per unit of the province table and
// reports on each the province's stacks. It never deletes a Province.
type ProvinceReconciler struct {
	deps
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=provinces,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=provinces/status,verbs=get;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=onestopshops;docexchangenodes,verbs=get;list;watch

// Reconcile makes the Province of one code hold what the operator owns,
// then reports its stacks.
func (r *ProvinceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	unit, ok := provinces.Lookup(req.Name)
	if !ok {
		return ctrl.Result{}, nil
	}
	ctx = ctrl.LoggerInto(ctx, ctrl.LoggerFrom(ctx).WithValues("province", unit.Code))
	p := &platformv1alpha1.Province{}
	err := r.Get(ctx, req.NamespacedName, p)
	if client.IgnoreNotFound(err) != nil {
		return ctrl.Result{}, err
	}
	ownedInPlace := err == nil && holdsOwnedFields(p, unit)
	if noDomains := len(p.Spec.Domains) == 0; !ownedInPlace || noDomains {
		// The write brings the Province back through its watch, to be reported then.
		return ctrl.Result{}, r.writeOwnedFields(ctx, unit, ownedInPlace, noDomains)
	}
	orig := p.DeepCopy()
	if err := r.report(ctx, p); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{}, patchStatusIfChanged(ctx, r.Client, p, orig)
}

// holdsOwnedFields reports whether the Province already holds the fields
// the operator applies, so that an idle operator writes nothing.
func holdsOwnedFields(p *platformv1alpha1.Province, unit provinces.Unit) bool {
	return string(p.Spec.Code) == unit.Code && p.Spec.DisplayName == unit.FullName() &&
		p.Labels[platformv1alpha1.CodeLabel] == unit.Code && p.Labels[platformv1alpha1.RegionLabel] == unit.Region()
}

// writeOwnedFields applies the fields the operator owns (unless they are in
// place already) and fills empty domains from the province table. The
// domains are written by a merge patch, not the apply: a field an apply
// owns is removed by the next apply that leaves it out, and the operator
// must leave the domains central ops set alone. Labels other managers set
// are theirs and stay.
func (r *ProvinceReconciler) writeOwnedFields(ctx context.Context, unit provinces.Unit, ownedInPlace, noDomains bool) error {
	if !ownedInPlace {
		desired := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": platformv1alpha1.GroupVersion.String(),
			"kind":       "Province",
			"metadata": map[string]any{
				"name": unit.Code,
				"labels": map[string]any{
					platformv1alpha1.CodeLabel:   unit.Code,
					platformv1alpha1.RegionLabel: unit.Region(),
				},
			},
			"spec": map[string]any{"code": unit.Code, "displayName": unit.FullName()},
		}}
		if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired),
			client.FieldOwner(render.ManagedBy), client.ForceOwnership); err != nil {
			return fmt.Errorf("apply Province %s: %w", unit.Code, err)
		}
	}
	if !noDomains {
		return nil
	}
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"domains": unit.Domains()}})
	if err != nil {
		return err
	}
	p := &platformv1alpha1.Province{}
	p.Name = unit.Code
	if err := r.Patch(ctx, p, client.RawPatch(types.MergePatchType, patch), client.FieldOwner(render.ManagedBy)); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("default the domains of Province %s: %w", unit.Code, err)
	}
	return nil
}

// everyProvince asks for a reconcile of each unit of the province table
// when the controller starts: the Provinces that do not exist yet are
// created then.
var everyProvince = source.Func(func(_ context.Context, queue workqueue.TypedRateLimitingInterface[reconcile.Request]) error {
	for _, code := range provinces.Codes() {
		queue.Add(reconcile.Request{NamespacedName: types.NamespacedName{Name: code}})
	}
	return nil
})

// SetupWithManager registers the controller: the table at start, changes of
// a Province's spec or labels (healed when they drift), and any change of
// the stacks it reports.
func (r *ProvinceReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.Province{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.LabelChangedPredicate{}))).
		WatchesRawSource(everyProvince).
		Watches(&platformv1alpha1.ProvincePortal{}, handler.EnqueueRequestsFromMapFunc(provinceOfStack)).
		Watches(&platformv1alpha1.OneStopShop{}, handler.EnqueueRequestsFromMapFunc(provinceOfStack)).
		Watches(&platformv1alpha1.DocExchangeNode{}, handler.EnqueueRequestsFromMapFunc(provinceOfStack)).
		Complete(r)
}

// provinceOfStack maps an object of a stack to its Province: a portal's
// by its spec, a follower's by the province its status reports.
func provinceOfStack(_ context.Context, obj client.Object) []reconcile.Request {
	code := stackStatus(obj).Province
	if p, ok := obj.(*platformv1alpha1.ProvincePortal); ok {
		code = string(p.Spec.Province.Code)
	}
	if code == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Name: code}}}
}
