package controllers

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestAFinalizerAddedFromAStaleReadKeepsAnotherControllersFinalizer(t *testing.T) {
	ensureNational(t)
	// Paused, so that the running operator leaves the finalizers to this test.
	p := province(t, "15", func(p *platformv1alpha1.ProvincePortal) {
		p.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"}
	})
	stale := getPortal(t, p)

	const backup = "backup.example.org/snapshot"
	live := getPortal(t, p)
	change(t, live, func() { controllerutil.AddFinalizer(live, backup) })
	t.Cleanup(func() { change(t, live, func() { controllerutil.RemoveFinalizer(live, backup) }) })

	// The operator's view from before the other controller's finalizer, unpaused.
	delete(stale.Annotations, platformv1alpha1.PausedAnnotation)
	if _, err := prelude(context.Background(), k8s, stale, platformv1alpha1.PrivateKeysFinalizer, nil); !apierrors.IsConflict(err) {
		t.Errorf("adding a finalizer from a stale read: got %v, want a conflict", err)
	}
	if now := getPortal(t, p); !controllerutil.ContainsFinalizer(now, backup) {
		t.Errorf("the other controller's finalizer was dropped: %v", now.Finalizers)
	}
}
