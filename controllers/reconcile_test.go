package controllers

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/testenv"
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

func TestARefusalBecauseTheNamespaceIsBeingDeletedEndsTheReconcileQuietly(t *testing.T) {
	refusedCreate := apierrors.NewForbidden(corev1.Resource("configmaps"), "hanoi-portal",
		errors.New("unable to create new content in namespace egov-hanoi because it is being terminated"))
	refusedCreate.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: corev1.NamespaceTerminatingCause, Field: "metadata.namespace"}}
	noRoleBinding := apierrors.NewForbidden(corev1.Resource("secrets"), "sso-client", errors.New("no RoleBinding"))
	for _, c := range []struct {
		name        string
		terminating bool
		err         error
		retried     bool
	}{
		{"a create refused in a terminating namespace", false, fmt.Errorf("apply ConfigMap/hanoi-portal: %w", refusedCreate), false},
		{"a Secret unreadable in a terminating namespace", true, noRoleBinding, false},
		{"a Secret unreadable in a namespace that stays", false, noRoleBinding, true},
		{"another error in a terminating namespace", true, errors.New("connection refused"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "egov-hanoi"}}
			if c.terminating {
				ns.DeletionTimestamp, ns.Finalizers = &metav1.Time{Time: time.Now()}, []string{"kubernetes"}
			}
			cl := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(ns).Build()
			portal := &platformv1alpha1.ProvincePortal{ObjectMeta: metav1.ObjectMeta{Name: "hanoi", Namespace: "egov-hanoi"}}
			err := finish(context.Background(), cl, nil, portal, portal.DeepCopy(), c.err, "")
			if c.retried != (err != nil) {
				t.Errorf("finish returned %v; retried %v", err, c.retried)
			}
		})
	}
}
