package controllers

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// childKinds are the kinds of child the operator may render: every
// controller watches them as owned, and children of these kinds that a
// render no longer produces are deleted.
func childKinds() []struct {
	obj  client.Object
	list client.ObjectList
} {
	return []struct {
		obj  client.Object
		list client.ObjectList
	}{
		{&corev1.ServiceAccount{}, &corev1.ServiceAccountList{}},
		{&corev1.ConfigMap{}, &corev1.ConfigMapList{}},
		{&corev1.Service{}, &corev1.ServiceList{}},
		{&appsv1.Deployment{}, &appsv1.DeploymentList{}},
		{&appsv1.StatefulSet{}, &appsv1.StatefulSetList{}},
		{&networkingv1.Ingress{}, &networkingv1.IngressList{}},
		{&networkingv1.NetworkPolicy{}, &networkingv1.NetworkPolicyList{}},
		{&policyv1.PodDisruptionBudget{}, &policyv1.PodDisruptionBudgetList{}},
		{&cmapi.Certificate{}, &cmapi.CertificateList{}},
		{&cmapi.Issuer{}, &cmapi.IssuerList{}},
	}
}

// ownChildren makes a controller watch every kind of child it owns.
func ownChildren(b *builder.Builder) *builder.Builder {
	for _, k := range childKinds() {
		b = b.Owns(k.obj)
	}
	return b
}

// resultAt requeues at t, when set, unless the reconcile failed: the result
// of a reconcile goes stale then without any watched change.
func resultAt(clk clock.PassiveClock, t time.Time, err error) (ctrl.Result, error) {
	if err != nil || t.IsZero() {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: max(t.Sub(clk.Now()), time.Second)}, nil
}

// applyParallelism is how many children one reconcile applies at once:
// one after another, a stack's thirty applies kept a reconcile waiting on
// the API server for seconds while it had capacity to spare.
const applyParallelism = 8

// applyChildren applies every desired child but the held ones, then deletes
// the children of owner the render no longer produces (a held child is still
// produced: a lagging cache must not make it stale). It returns the names of
// what it wrote. The workloads are applied after every other child is in
// place: their pods mount the ConfigMaps and Secrets, run as the
// ServiceAccounts and are confined by the NetworkPolicies applied before them.
func applyChildren(ctx context.Context, a Applier, owner render.Owner, desired []client.Object, held map[string]bool) ([]string, error) {
	want := map[string]bool{}
	var others, workloads []client.Object
	for _, obj := range desired {
		want[render.Describe(obj)] = true
		switch {
		case held[render.Describe(obj)]:
		case isWorkload(obj):
			workloads = append(workloads, obj)
		default:
			others = append(others, obj)
		}
	}
	written, err := applyConcurrently(ctx, a, others)
	if err != nil {
		return written, err
	}
	wroteWorkloads, err := applyConcurrently(ctx, a, workloads)
	written = append(written, wroteWorkloads...)
	if err != nil {
		return written, err
	}
	deleted, err := deleteStale(ctx, a.Client, owner, want)
	if err != nil {
		return append(written, deleted...), err
	}
	// A pruned Certificate's key pair goes with it.
	keep := map[string]bool{}
	for _, obj := range desired {
		if cert, ok := obj.(*cmapi.Certificate); ok {
			keep[cert.Spec.SecretName] = true
		}
	}
	secrets, err := a.Secrets.in(ctx, owner.Object.GetNamespace())
	if err != nil {
		return append(written, deleted...), err
	}
	keys, err := deleteKeypairsExcept(ctx, a.Client, secrets, owner, keep)
	for _, name := range keys {
		deleted = append(deleted, "-Secret/"+name)
	}
	return append(written, deleted...), err
}

// applyConcurrently applies objs, applyParallelism at a time. It returns
// what it wrote and, when applies failed, the first failure in objs' order,
// so the error a reconcile reports does not depend on timing.
func applyConcurrently(ctx context.Context, a Applier, objs []client.Object) ([]string, error) {
	wrote, errs := make([]bool, len(objs)), make([]error, len(objs))
	var g errgroup.Group
	g.SetLimit(applyParallelism)
	for i, obj := range objs {
		g.Go(func() error {
			wrote[i], errs[i] = a.Apply(ctx, obj)
			return nil
		})
	}
	_ = g.Wait()
	var written []string
	for i, obj := range objs {
		if wrote[i] {
			written = append(written, render.Describe(obj))
		}
	}
	for _, err := range errs {
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

func deleteStale(ctx context.Context, c client.Client, owner render.Owner, want map[string]bool) ([]string, error) {
	var deleted []string
	for _, kind := range childKinds() {
		list := kind.list
		if err := c.List(ctx, list, client.InNamespace(owner.Object.GetNamespace()), client.MatchingLabels(owner.OwnedSelector())); err != nil {
			return deleted, fmt.Errorf("list children: %w", err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return deleted, err
		}
		for _, item := range items {
			obj := item.(client.Object)
			name := kindOf(obj) + "/" + obj.GetName()
			if want[name] || !ownedBy(obj, owner.Object) {
				continue
			}
			if err := c.Delete(ctx, obj); client.IgnoreNotFound(err) != nil {
				return deleted, fmt.Errorf("delete %s: %w", name, err)
			}
			deleted = append(deleted, "-"+name)
		}
	}
	return deleted, nil
}

func ownedBy(obj, owner client.Object) bool {
	for _, ref := range obj.GetOwnerReferences() {
		if ref.UID == owner.GetUID() && ref.Controller != nil && *ref.Controller {
			return true
		}
	}
	return false
}

// observeCertificates reports each of the owner's Certificates, and whether
// all are Ready for their current spec.
func observeCertificates(ctx context.Context, c client.Reader, owner render.Owner, written writes) ([]platformv1alpha1.CertificateStatus, []string, error) {
	list := &cmapi.CertificateList{}
	if err := c.List(ctx, list, client.InNamespace(owner.Object.GetNamespace()), client.MatchingLabels(owner.OwnedSelector())); err != nil {
		return nil, nil, fmt.Errorf("list certificates: %w", err)
	}
	var statuses []platformv1alpha1.CertificateStatus
	var notReady []string
	seen := map[string]bool{}
	for i := range list.Items {
		cert := &list.Items[i]
		if !ownedBy(cert, owner.Object) {
			continue
		}
		seen["Certificate/"+cert.Name] = true
		// A Certificate written in this reconcile has not been issued for its new spec yet.
		ready := certificateReady(cert) && !written["Certificate/"+cert.Name]
		statuses = append(statuses, platformv1alpha1.CertificateStatus{Name: cert.Name, Ready: ready, NotAfter: cert.Status.NotAfter})
		if !ready {
			notReady = append(notReady, cert.Name)
		}
	}
	// A Certificate this reconcile created is not in the cache yet: it is not ready either.
	for name := range written {
		if cert, ok := strings.CutPrefix(name, "Certificate/"); ok && !seen[name] {
			notReady = append(notReady, cert)
		}
	}
	sort.Slice(statuses, func(i, j int) bool { return statuses[i].Name < statuses[j].Name })
	sort.Strings(notReady)
	return statuses, notReady, nil
}

// certificateReady reports whether cert-manager has issued a Certificate for its current spec.
func certificateReady(cert *cmapi.Certificate) bool {
	for _, cond := range cert.Status.Conditions {
		if cond.Type == cmapi.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue && cond.ObservedGeneration >= cert.Generation {
			return true
		}
	}
	return false
}

// deleteKeypairs deletes an owner's Certificates, so cert-manager cannot
// issue again, then every Secret holding their private keys. It returns the
// Secrets it deleted.
func (d deps) deleteKeypairs(ctx context.Context, owner render.Owner) ([]string, error) {
	terminating, err := namespaceTerminating(ctx, d.Client, owner.Object.GetNamespace())
	if err != nil || terminating {
		// The namespace takes the key pairs with it, and with them the
		// RoleBinding that let the operator read and delete its Secrets:
		// waiting for access that is gone would hold the namespace for good.
		return nil, err
	}
	secrets, err := d.Secrets.in(ctx, owner.Object.GetNamespace())
	if err != nil {
		return nil, err
	}
	c := d.Client
	certs := &cmapi.CertificateList{}
	if err := c.List(ctx, certs, client.InNamespace(owner.Object.GetNamespace()), client.MatchingLabels(owner.OwnedSelector())); err != nil {
		return nil, err
	}
	for i := range certs.Items {
		if ownedBy(&certs.Items[i], owner.Object) {
			if err := c.Delete(ctx, &certs.Items[i]); client.IgnoreNotFound(err) != nil {
				return nil, fmt.Errorf("delete Certificate %s: %w", certs.Items[i].Name, err)
			}
		}
	}
	return deleteKeypairsExcept(ctx, c, secrets, owner, nil)
}

// deleteKeypairsExcept deletes the owner's private key Secrets (found by
// their label, so keys of a Certificate pruned long ago are found too) but
// those named in keep.
func deleteKeypairsExcept(ctx context.Context, c client.Client, secrets client.Reader, owner render.Owner, keep map[string]bool) ([]string, error) {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
	if err := secrets.List(ctx, list, client.InNamespace(owner.Object.GetNamespace()), client.MatchingLabels(owner.KeypairSelector())); err != nil {
		return nil, fmt.Errorf("list key pair Secrets: %w", err)
	}
	var deleted []string
	for i := range list.Items {
		s := &list.Items[i]
		if keep[s.Name] {
			continue
		}
		if err := c.Delete(ctx, s); client.IgnoreNotFound(err) != nil {
			return deleted, fmt.Errorf("delete Secret %s: %w", s.Name, err)
		}
		deleted = append(deleted, s.Name)
	}
	return deleted, nil
}

// writes names the children a reconcile wrote (kind/name): the cache still
// holds their previous state, so their status says nothing yet about the
// spec just written.
type writes map[string]bool

// applyAndRecord applies a stack rendered with versions, holding back new
// workloads until the stack's certificates are issued at the revisions the
// stack was rendered with, and records an Event naming what it
// wrote. It returns what it wrote and the certificates held workloads wait for.
func applyAndRecord(ctx context.Context, a Applier, recorder events.EventRecorder, obj client.Object, owner render.Owner, stack []client.Object, versions map[string]string) (writes, []string, error) {
	held, unissued, err := heldWorkloads(ctx, a.Client, stack, versions)
	if err != nil {
		return nil, nil, err
	}
	written, err := applyChildren(ctx, a, owner, stack, held)
	if len(written) > 0 {
		sort.Strings(written)
		recorder.Eventf(obj, nil, corev1.EventTypeNormal, "Applied", "Apply", "applied %v", written)
	}
	w := writes{}
	for _, name := range written {
		w[name] = true
	}
	return w, unissued, err
}

// observeCertificatesInto records the owner's certificates as conditionType
// on obj, and returns their statuses.
func observeCertificatesInto(ctx context.Context, c client.Reader, obj object, owner render.Owner, written writes, conditionType string) ([]platformv1alpha1.CertificateStatus, error) {
	certs, notReady, err := observeCertificates(ctx, c, owner, written)
	if err != nil {
		return nil, err
	}
	conds := &obj.StatusCommon().Conditions
	if len(notReady) > 0 {
		conditions.Set(conds, obj.GetGeneration(), conditionType, false,
			platformv1alpha1.ReasonWaitingForCertificates, fmt.Sprintf("waiting for cert-manager to issue %v", notReady))
	} else {
		conditions.Set(conds, obj.GetGeneration(), conditionType, true, platformv1alpha1.ReasonReady, fmt.Sprintf("%d certificates issued", len(certs)))
	}
	return certs, nil
}

// kindOf names an object's kind from its Go type (cached objects carry no TypeMeta).
func kindOf(obj any) string {
	return reflect.TypeOf(obj).Elem().Name()
}

// named returns obj with its name set, to name a child to read.
func named[T client.Object](obj T, name string) T {
	obj.SetName(name)
	return obj
}

// namespaceTerminating reports whether namespace is being deleted.
func namespaceTerminating(ctx context.Context, c client.Reader, namespace string) (bool, error) {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := c.Get(ctx, client.ObjectKey{Name: namespace}, ns); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return !ns.DeletionTimestamp.IsZero(), nil
}
