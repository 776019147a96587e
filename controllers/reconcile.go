package controllers

import (
	"context"
	"errors"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// object is what every kind of the operator is: an API object with the
// shared status.
type object interface {
	client.Object
	StatusCommon() *platformv1alpha1.CommonStatus
}

// prelude does what every reconcile of a namespaced kind does before its
// phases: on deletion it runs cleanup and drops the finalizer; while paused it
// only records the Paused condition; otherwise it makes sure the finalizer is
// set. done is true when the reconcile ends here.
func prelude(ctx context.Context, c client.Client, obj object, finalizer string, cleanup func(context.Context) error) (done bool, err error) {
	if !obj.GetDeletionTimestamp().IsZero() {
		if !controllerutil.ContainsFinalizer(obj, finalizer) {
			return true, nil
		}
		if err := cleanup(ctx); err != nil {
			return true, err
		}
		// A reconcile racing this one may have let the object go already.
		return true, client.IgnoreNotFound(patchFinalizers(ctx, c, obj, controllerutil.RemoveFinalizer, finalizer))
	}
	if paused(obj) {
		return true, pause(ctx, c, obj)
	}
	if !controllerutil.ContainsFinalizer(obj, finalizer) {
		return false, patchFinalizers(ctx, c, obj, controllerutil.AddFinalizer, finalizer)
	}
	return false, nil
}

// patchFinalizers makes change (controllerutil.AddFinalizer or
// RemoveFinalizer) to obj's finalizers and patches it. A merge patch
// replaces the whole list, so it carries obj's resourceVersion: made from a
// stale read, it would drop a finalizer another controller added since.
// That conflict is returned, and the reconcile retried.
func patchFinalizers(ctx context.Context, c client.Client, obj client.Object, change func(client.Object, string) bool, finalizer string) error {
	orig := obj.DeepCopyObject().(client.Object)
	change(obj, finalizer)
	return c.Patch(ctx, obj, client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{}))
}

func paused(obj client.Object) bool {
	return obj.GetAnnotations()[platformv1alpha1.PausedAnnotation] == "true"
}

// pause records the Paused condition and changes nothing else.
func pause(ctx context.Context, c client.Client, obj object) error {
	orig := obj.DeepCopyObject().(object)
	conditions.Pause(&obj.StatusCommon().Conditions, obj.GetGeneration())
	return patchStatusIfChanged(ctx, c, obj, orig)
}

// runPhases runs phases in order. Each needs the ones before it, so the
// first error ends the run.
func runPhases[S any](ctx context.Context, s S, phases ...func(context.Context, S) error) error {
	for _, phase := range phases {
		if err := phase(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// patchStatusIfChanged writes obj's status when it differs from orig's: an
// unchanged status is no write.
func patchStatusIfChanged(ctx context.Context, c client.Client, obj, orig client.Object) error {
	if equality.Semantic.DeepEqual(statusOf(obj), statusOf(orig)) {
		return nil
	}
	// An object deleted meanwhile needs no status.
	return client.IgnoreNotFound(c.Status().Patch(ctx, obj, client.MergeFrom(orig)))
}

// statusOf returns an object's whole status (its Status field) for comparison.
func statusOf(obj client.Object) any {
	return reflect.ValueOf(obj).Elem().FieldByName("Status").Interface()
}

// errWaiting ends a reconcile that must wait for another object (a watch on
// it brings the reconcile back): the status says Reconciling, nothing retries.
var errWaiting = errors.New("waiting for a dependency")

// summarize sets the summary conditions and observedGeneration after a
// reconcile reached a verdict; a transient error leaves the status alone.
func summarize(obj object, reconcileErr error, details ...string) bool {
	userErr, isUserErr := conditions.AsUserError(reconcileErr)
	if reconcileErr != nil && !isUserErr && !errors.Is(reconcileErr, errWaiting) {
		return false
	}
	status := obj.StatusCommon()
	conditions.Summarize(&status.Conditions, obj.GetGeneration(), userErr, details...)
	status.ObservedGeneration = obj.GetGeneration()
	return true
}

// recordTransition emits an Event when obj stalls, recovers or becomes Ready.
func recordTransition(recorder events.EventRecorder, obj object, before *platformv1alpha1.CommonStatus, readyNote string) {
	now := obj.StatusCommon().Conditions
	wasStalled := conditions.IsTrue(before.Conditions, platformv1alpha1.ConditionStalled)
	switch {
	case conditions.IsTrue(now, platformv1alpha1.ConditionStalled) && !wasStalled:
		c := meta.FindStatusCondition(now, platformv1alpha1.ConditionStalled)
		recorder.Eventf(obj, nil, corev1.EventTypeWarning, c.Reason, "Reconcile", c.Message)
	case conditions.IsTrue(now, platformv1alpha1.ConditionReady) && !conditions.IsTrue(before.Conditions, platformv1alpha1.ConditionReady):
		recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Ready", "Reconcile", readyNote)
	case wasStalled && !conditions.IsTrue(now, platformv1alpha1.ConditionStalled):
		recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Recovered", "Reconcile", "the inputs are resolved again")
	}
}

// finish ends a reconcile of obj: it summarises the status, records the
// transition and writes the status once, if it changed. A user error ends
// here (logged, not retried: a watch brings the object back).
func finish(ctx context.Context, c client.Client, recorder events.EventRecorder, obj, orig object, reconcileErr error, readyNote string, details ...string) error {
	if goesWithNamespace(ctx, c, obj, reconcileErr) {
		ctrl.LoggerFrom(ctx).V(1).Info("the namespace is being deleted, and the object with it", "refused", reconcileErr.Error())
		return nil
	}
	if summarize(obj, reconcileErr, details...) {
		recordTransition(recorder, obj, orig.StatusCommon(), readyNote)
		if err := patchStatusIfChanged(ctx, c, obj, orig); err != nil && reconcileErr == nil {
			return err
		}
	}
	if u, ok := conditions.AsUserError(reconcileErr); ok {
		ctrl.LoggerFrom(ctx).Info("stalled", "reason", u.Reason, "message", u.Message)
		return nil
	}
	if errors.Is(reconcileErr, errWaiting) {
		return nil
	}
	return reconcileErr
}

// goesWithNamespace reports whether err is the API server refusing a
// request because obj's namespace is being deleted: creates there are
// refused, and the RoleBinding that let the operator read the province's
// Secrets may go first. obj goes with the namespace (its finalizer still
// runs); retrying would only repeat the refusal until then.
func goesWithNamespace(ctx context.Context, c client.Reader, obj client.Object, err error) bool {
	if !apierrors.IsForbidden(err) {
		return false
	}
	if apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause) {
		return true
	}
	terminating, terr := namespaceTerminating(ctx, c, obj.GetNamespace())
	return terr == nil && terminating
}
