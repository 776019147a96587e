package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/rollout"
)

// FleetRolloutReconciler writes the plans of the rollout planner: it
// gathers the planner's input from the cache, applies the
// ProvinceAssignments the plan starts or sends back, and reports the plan.
type FleetRolloutReconciler struct {
	deps
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=fleetrollouts,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=fleetrollouts/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=provinceassignments,verbs=get;list;watch;create;patch

// Reconcile plans one rollout, reports the plan, writes its assignments,
// and comes back when the plan changes with time alone.
func (r *FleetRolloutReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	fr := &platformv1alpha1.FleetRollout{}
	if err := r.Get(ctx, req.NamespacedName, fr); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused(fr) {
		return ctrl.Result{}, pause(ctx, r.Client, fr)
	}
	in, err := r.planInput(ctx, fr)
	if err != nil {
		return ctrl.Result{}, err
	}
	plan := rollout.Plan(in)
	// The report goes first: once a failed wave's assignments are sent back,
	// only the report still says why it failed. A plan made from a rollout
	// that has changed since writes nothing: the change's own event plans
	// the rollout afresh.
	orig := fr.DeepCopy()
	fr.Status = plan.Status
	if stale, err := r.writeStatus(ctx, fr, orig); stale || err != nil {
		return ctrl.Result{}, err
	}
	r.recordWaves(fr, orig.Status.Waves)
	for _, a := range plan.Assignments {
		if err := r.writeAssignment(ctx, a); err != nil {
			return ctrl.Result{}, err
		}
	}
	return resultAt(r.Clock, plan.WakeAt, nil)
}

// writeStatus writes the status when it changed. It replaces the whole
// status: a merge patch would leave behind the fields the plan dropped
// (currentWave) and omit the zero counts the API requires. The update holds
// only if the rollout is still the one planned from; it reports a plan
// that is stale.
func (r *FleetRolloutReconciler) writeStatus(ctx context.Context, fr, orig *platformv1alpha1.FleetRollout) (stale bool, err error) {
	if equality.Semantic.DeepEqual(fr.Status, orig.Status) {
		return false, nil
	}
	err = r.Status().Update(ctx, fr)
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		return true, nil
	}
	return false, err
}

// planInput gathers what the planner needs from the cache.
func (r *FleetRolloutReconciler) planInput(ctx context.Context, fr *platformv1alpha1.FleetRollout) (rollout.Input, error) {
	in := rollout.Input{Rollout: fr, Now: r.Clock.Now()}
	provinces := &platformv1alpha1.ProvinceList{}
	if err := r.List(ctx, provinces); err != nil {
		return in, err
	}
	for _, p := range provinces.Items {
		in.Provinces = append(in.Provinces, rollout.Province{Code: string(p.Spec.Code), Labels: p.Labels})
	}
	stacks, err := r.stacks(ctx, fr.Spec.Environment)
	if err != nil {
		return in, err
	}
	in.Stacks = stacks
	assignments := &platformv1alpha1.ProvinceAssignmentList{}
	if err := r.List(ctx, assignments); err != nil {
		return in, err
	}
	for _, a := range assignments.Items {
		in.Assignments = append(in.Assignments, a.Spec)
	}
	if in.Target, err = r.target(ctx, string(fr.Spec.Release)); err != nil {
		return in, err
	}
	national, err := getNational(ctx, r.Client)
	if _, missing := conditions.AsUserError(err); !missing && err != nil {
		return in, err
	} else if err == nil {
		in.DefaultRelease = string(national.Spec.DefaultRelease)
	}
	rollouts := &platformv1alpha1.FleetRolloutList{}
	if err := r.List(ctx, rollouts); err != nil {
		return in, err
	}
	for i := range rollouts.Items {
		other := &rollouts.Items[i]
		if other.Name != fr.Name && other.Spec.Environment == fr.Spec.Environment {
			in.OtherRollouts = append(in.OtherRollouts, rollout.OtherRollout{
				Name: other.Name, Created: other.CreationTimestamp.Time, Active: rollout.Active(other),
			})
		}
	}
	return in, nil
}

// stacks lists the objects of every stack of the environment: the portal
// serving each province in it (a claim from a namespace not assigned to the
// province counts for nothing), with the one-stop-shops, document exchange
// nodes and integration platforms of its namespace.
func (r *FleetRolloutReconciler) stacks(ctx context.Context, environment string) ([]rollout.Stack, error) {
	portals, err := r.servingPortals(ctx, func(p *platformv1alpha1.ProvincePortal) bool { return p.Spec.Environment == environment })
	if err != nil {
		return nil, err
	}
	var stacks []rollout.Stack
	for _, portal := range portals {
		code := string(portal.Spec.Province.Code)
		led := stackObject(code, "ProvincePortal", portal)
		led.Pin = string(portal.Spec.Release)
		stacks = append(stacks, led)
		// The followers run the release too; the gateway as well, and the
		// portal and one-stop-shop reach national data through it: a broken
		// gateway fails the province. Only what serves counts: an object
		// being deleted, or a duplicate of a kind a namespace holds one of
		// (Stalled, it applies nothing), would hold the province back forever.
		for _, followers := range []struct {
			kind      string
			list      client.ObjectList
			singleton bool
		}{
			{"OneStopShop", &platformv1alpha1.OneStopShopList{}, true},
			{"DocExchangeNode", &platformv1alpha1.DocExchangeNodeList{}, false},
			{"IntegrationPlatform", &platformv1alpha1.IntegrationPlatformList{}, true},
		} {
			if err := r.List(ctx, followers.list, client.InNamespace(portal.Namespace)); err != nil {
				return nil, err
			}
			items, err := meta.ExtractList(followers.list)
			if err != nil {
				return nil, err
			}
			var serving []object
			for _, item := range items {
				follower, ok := item.(object)
				if !ok {
					return nil, fmt.Errorf("%s is not one of the operator's kinds", followers.kind)
				}
				if !follower.GetDeletionTimestamp().IsZero() {
					continue
				}
				if followers.singleton && len(serving) == 1 {
					if olderThan(follower, serving[0]) {
						serving[0] = follower
					}
					continue
				}
				serving = append(serving, follower)
			}
			for _, follower := range serving {
				stacks = append(stacks, stackObject(code, followers.kind, follower))
			}
		}
	}
	return stacks, nil
}

// stackObject is what the planner reads of one object of a province's stack.
func stackObject(code, kind string, obj object) rollout.Stack {
	status := obj.StatusCommon()
	s := rollout.Stack{
		Province: code, Name: fmt.Sprintf("%s %s/%s", kind, obj.GetNamespace(), obj.GetName()),
		Release: stackStatus(obj).Release, Observed: status.ObservedGeneration == obj.GetGeneration(),
		Reason: "not reconciled yet",
	}
	if ready := meta.FindStatusCondition(status.Conditions, platformv1alpha1.ConditionReady); ready != nil {
		s.Ready, s.Reason = ready.Status == metav1.ConditionTrue, ready.Message
		if s.Ready {
			s.ReadySince = ready.LastTransitionTime.Time
		}
	}
	return s
}

// target reads whether the rollout's release exists and is conformant.
func (r *FleetRolloutReconciler) target(ctx context.Context, name string) (rollout.Target, error) {
	rel := &platformv1alpha1.PlatformRelease{}
	if err := r.Get(ctx, types.NamespacedName{Name: name}, rel); apierrors.IsNotFound(err) {
		return rollout.Target{}, nil
	} else if err != nil {
		return rollout.Target{}, err
	}
	t := rollout.Target{Found: true, Message: "its conformity has not been judged yet"}
	if c := meta.FindStatusCondition(rel.Status.Conditions, platformv1alpha1.ConditionConformant); c != nil {
		t.Conformant, t.Message = c.Status == metav1.ConditionTrue, c.Message
	}
	return t, nil
}

// writeAssignment applies an assignment of the plan, unless the live one
// already holds it: an idle rollout writes nothing.
func (r *FleetRolloutReconciler) writeAssignment(ctx context.Context, spec platformv1alpha1.ProvinceAssignmentSpec) error {
	name := platformv1alpha1.ProvinceAssignmentName(string(spec.Province), spec.Environment)
	live := &platformv1alpha1.ProvinceAssignment{}
	err := r.Get(ctx, types.NamespacedName{Name: name}, live)
	if err == nil && live.Spec == spec {
		return nil
	}
	if client.IgnoreNotFound(err) != nil {
		return err
	}
	desired := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": platformv1alpha1.GroupVersion.String(),
		"kind":       "ProvinceAssignment",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"province": string(spec.Province), "environment": spec.Environment,
			"release": string(spec.Release), "previousRelease": string(spec.PreviousRelease),
			"rollout": spec.Rollout, "wave": spec.Wave,
		},
	}}
	if spec.PreviousRelease == "" {
		unstructured.RemoveNestedField(desired.Object, "spec", "previousRelease")
	}
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired),
		client.FieldOwner(render.ManagedBy), client.ForceOwnership); err != nil {
		return fmt.Errorf("apply ProvinceAssignment %s: %w", name, err)
	}
	return nil
}

// Reasons of the Events a rollout records as its waves move.
const (
	eventWaveStarted    = "WaveStarted"
	eventWaveDone       = "WaveDone"
	eventWaveFailed     = "WaveFailed"
	eventWaveRolledBack = "WaveRolledBack"
)

// recordWaves records an Event for each wave that started, finished or
// failed since the status last reported it.
func (r *FleetRolloutReconciler) recordWaves(fr *platformv1alpha1.FleetRollout, before []platformv1alpha1.WaveStatus) {
	previous := map[string]platformv1alpha1.RolloutState{}
	for _, w := range before {
		previous[w.Name] = w.State
	}
	for _, w := range fr.Status.Waves {
		was := previous[w.Name]
		if was == w.State {
			continue
		}
		switch w.State {
		case platformv1alpha1.RolloutProgressing:
			if was == "" || was == platformv1alpha1.RolloutPending || was == platformv1alpha1.RolloutWaitingWindow {
				r.Recorder.Eventf(fr, nil, corev1.EventTypeNormal, eventWaveStarted, "Rollout", "wave %s moves to %s", w.Name, fr.Spec.Release)
			}
		case platformv1alpha1.RolloutDone:
			r.Recorder.Eventf(fr, nil, corev1.EventTypeNormal, eventWaveDone, "Rollout", "every province of wave %s runs %s", w.Name, fr.Spec.Release)
		case platformv1alpha1.RolloutFailed:
			reason, note := eventWaveFailed, "wave %s failed: the rollout halts"
			if fr.Spec.FailurePolicy == platformv1alpha1.FailurePolicyRollback {
				reason, note = eventWaveRolledBack, "wave %s failed: its provinces are sent back to the releases they ran before"
			}
			r.Recorder.Eventf(fr, nil, corev1.EventTypeWarning, reason, "Rollout", note, w.Name)
		}
	}
}

// SetupWithManager registers the controller. Any change of the inputs of a
// plan (rollouts, Provinces, stacks, assignments, releases) asks for a plan
// of every rollout: there are few, and a plan that changes nothing writes nothing.
func (r *FleetRolloutReconciler) SetupWithManager(mgr ctrl.Manager) error {
	every := handler.EnqueueRequestsFromMapFunc(r.everyRollout)
	return ctrl.NewControllerManagedBy(mgr).
		Named("fleetrollout").
		// An older rollout that ends lets a newer one of its environment start.
		Watches(&platformv1alpha1.FleetRollout{}, every).
		Watches(&platformv1alpha1.Province{}, every).
		Watches(&platformv1alpha1.ProvincePortal{}, every, planned).
		Watches(&platformv1alpha1.OneStopShop{}, every, planned).
		Watches(&platformv1alpha1.DocExchangeNode{}, every, planned).
		Watches(&platformv1alpha1.IntegrationPlatform{}, every, planned).
		Watches(&platformv1alpha1.ProvinceAssignment{}, every).
		Watches(&platformv1alpha1.PlatformRelease{}, every).
		Complete(r)
}

// everyRollout asks for a plan of every FleetRollout.
// planned passes the stack events that change what a plan reads of the
// stack (stackObject): its release, generations and Ready condition, not
// every status patch.
var planned = builder.WithPredicates(predicate.Funcs{UpdateFunc: plannedUpdate})

func plannedUpdate(e event.UpdateEvent) bool {
	old, okOld := e.ObjectOld.(object)
	updated, okNew := e.ObjectNew.(object)
	if !okOld || !okNew {
		return true
	}
	was, is := stackObject("", "", old), stackObject("", "", updated)
	sameSince := was.ReadySince.Equal(is.ReadySince)
	was.ReadySince, is.ReadySince = time.Time{}, time.Time{}
	return was != is || !sameSince
}

func (r *FleetRolloutReconciler) everyRollout(ctx context.Context, _ client.Object) []reconcile.Request {
	list := &platformv1alpha1.FleetRolloutList{}
	if err := r.List(ctx, list); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list FleetRollouts")
		return nil
	}
	requests := make([]reconcile.Request, 0, len(list.Items))
	for _, fr := range list.Items {
		requests = append(requests, reconcile.Request{NamespacedName: types.NamespacedName{Name: fr.Name}})
	}
	return requests
}
