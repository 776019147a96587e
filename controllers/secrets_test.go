package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// Pods roll when a value they read changes, not when a tool labels or
// annotates a Secret (kubectl label, Argo CD or Flux tracking metadata).
func TestLabellingACredentialsSecretRollsNothingChangingAKeyRollsOnce(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "80"))
	deployment := portalChild(p, &appsv1.Deployment{}, "portal").(*appsv1.Deployment)
	generation := func() int64 {
		if err := exists(deployment); err != nil {
			t.Fatal(err)
		}
		return deployment.Generation
	}
	before := generation()
	secret := &corev1.Secret{}
	secret.Namespace, secret.Name = p.Namespace, "national-credentials"
	change(t, secret, func() { secret.Labels = map[string]string{"argocd.argoproj.io/instance": "egov-" + p.Name} })
	reconciled := reconciles(t, "provinceportal")
	eventually(t, "the portal reconciled after the label", func() error {
		if reconciles(t, "provinceportal") <= reconciled {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	if got := generation(); got != before {
		t.Fatalf("labelling the Secret changed the Deployment: generation %d → %d", before, got)
	}

	change(t, secret, func() { secret.Data["clientSecret"] = []byte("rotated") })
	eventually(t, "the Deployment rolled for the new value", func() error {
		if got := generation(); got != before+1 {
			return fmt.Errorf("generation %d, want %d", got, before+1)
		}
		return nil
	})
	waitReady(t, p)
	if got := generation(); got != before+1 {
		t.Errorf("one changed value rolled the Deployment %d times", got-before)
	}
}

// Where central ops have not bound the operator's province ClusterRole, the
// operator may not read Secrets: the object stalls and says who must act.
func TestANamespaceWhereTheOperatorMayNotReadSecretsStalls(t *testing.T) {
	forbidden := interceptor.NewClient(fake.NewClientBuilder().WithScheme(testenv.Scheme()).Build(), interceptor.Funcs{
		List: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) error {
			return apierrors.NewForbidden(corev1.Resource("secrets"), "", errors.New("no RoleBinding"))
		},
	})
	secrets := newProvinceSecrets(nil, cache.Options{}, forbidden)
	secrets.ctx = context.Background()
	_, err := secrets.in(context.Background(), "egov-hanoi")
	u, ok := conditions.AsUserError(err)
	if !ok || u.Reason != platformv1alpha1.ReasonSecretsNotPermitted || !strings.Contains(u.Message, "egov-hanoi") {
		t.Fatalf("reading Secrets without permission: %v", err)
	}
}

// One namespace whose Secret cache is slow to start holds up no reconcile of
// another namespace, and one that could not start is tried again.
func TestASlowNamespaceHoldsUpNoOtherNamespace(t *testing.T) {
	slow, release := make(chan struct{}), make(chan struct{})
	probed := map[string]int{}
	probe := interceptor.NewClient(fake.NewClientBuilder().WithScheme(testenv.Scheme()).Build(), interceptor.Funcs{
		List: func(_ context.Context, _ client.WithWatch, _ client.ObjectList, opts ...client.ListOption) error {
			listOpts := &client.ListOptions{}
			listOpts.ApplyOptions(opts)
			probed[listOpts.Namespace]++
			if listOpts.Namespace == "egov-hanoi" {
				close(slow)
				<-release
			}
			return apierrors.NewForbidden(corev1.Resource("secrets"), "", errors.New("no RoleBinding"))
		},
	})
	secrets := newProvinceSecrets(nil, cache.Options{}, probe)
	secrets.ctx = context.Background()
	hanoi := make(chan error)
	go func() {
		_, err := secrets.in(context.Background(), "egov-hanoi")
		hanoi <- err
	}()
	<-slow
	// Hà Nội's start is under way and blocked; Hà Tĩnh's goes through.
	if _, err := secrets.in(context.Background(), "egov-hatinh"); !strings.Contains(fmt.Sprint(err), "egov-hatinh") {
		t.Fatalf("Hà Tĩnh's Secrets while Hà Nội's start: %v", err)
	}
	close(release)
	if err := <-hanoi; !strings.Contains(fmt.Sprint(err), "egov-hanoi") {
		t.Fatalf("Hà Nội's Secrets: %v", err)
	}
	if _, err := secrets.in(context.Background(), "egov-hatinh"); err == nil || probed["egov-hatinh"] != 2 {
		t.Errorf("a failed start is not tried again: probed %d times (%v)", probed["egov-hatinh"], err)
	}
}

// Deleting a province's namespace deletes the RoleBinding that lets the
// operator read and delete its Secrets, often before the finalizers run,
// and an operator started meanwhile cannot even list them: the key pairs
// then go with the namespace, and the finalizers do not wait forever.
func TestKeyPairsOfATerminatingNamespaceGoWithIt(t *testing.T) {
	owner := testOwner()
	forbidden := interceptor.Funcs{List: func(context.Context, client.WithWatch, client.ObjectList, ...client.ListOption) error {
		return apierrors.NewForbidden(corev1.Resource("secrets"), "", errors.New("no RoleBinding"))
	}}
	for _, terminating := range []bool{false, true} {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "egov-hanoi"}}
		if terminating {
			ns.DeletionTimestamp, ns.Finalizers = &metav1.Time{Time: time.Now()}, []string{"kubernetes"}
		}
		c := fake.NewClientBuilder().WithScheme(testenv.Scheme()).WithObjects(ns).Build()
		secrets := newProvinceSecrets(nil, cache.Options{}, interceptor.NewClient(c, forbidden))
		secrets.ctx = context.Background()
		_, err := deps{Client: c, Secrets: secrets}.deleteKeypairs(context.Background(), owner)
		if terminating != (err == nil) {
			t.Errorf("namespace terminating %v: %v", terminating, err)
		}
	}
}
