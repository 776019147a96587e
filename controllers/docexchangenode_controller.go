package controllers

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	appsv1apply "k8s.io/client-go/applyconfigurations/apps/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// DocExchangeNodeReconciler renders and applies each edXML document exchange
// node, and keeps its documents' storage: claims retained, volumes Retain,
// claims grown in place.
type DocExchangeNodeReconciler struct {
	deps
	// snapshotAPI is whether the cluster served VolumeSnapshots when the
	// operator started.
	snapshotAPI bool
}

type nodeScope struct {
	// written are the children this reconcile wrote.
	written writes
	// heldFor are the certificates new workloads wait for.
	heldFor []string
	node    *platformv1alpha1.DocExchangeNode
	portal  portalInputs
	inputs  render.DocExchangeInputs
	// snapshotsDueAt is when the next snapshot of a claim is due.
	snapshotsDueAt time.Time
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=docexchangenodes,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=docexchangenodes/status,verbs=get;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=docexchangenodes/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=persistentvolumeclaims,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups="",resources=persistentvolumes,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=storage.k8s.io,resources=storageclasses,verbs=get;list;watch

// Reconcile converges one DocExchangeNode.
func (r *DocExchangeNodeReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	node := &platformv1alpha1.DocExchangeNode{}
	if err := r.Get(ctx, req.NamespacedName, node); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if done, err := prelude(ctx, r.Client, node, platformv1alpha1.DocumentStorageFinalizer, func(ctx context.Context) error {
		return r.release(ctx, node)
	}); done || err != nil {
		return ctrl.Result{}, err
	}
	s := &nodeScope{node: node}
	orig := node.DeepCopy()
	err := runPhases(ctx, s, r.resolveInputs, r.checkSecurityLevel, r.checkOrganID, r.reconcileChildren, r.reconcileStorage, r.observeChildren)
	// The documents are snapshotted on schedule whatever holds the rest
	// back: the node's pod keeps running and writing while it waits or is
	// stalled.
	if snapshotErr := r.reconcileSnapshots(ctx, s); err == nil {
		err = snapshotErr
	} else if snapshotErr != nil {
		ctrl.LoggerFrom(ctx).Error(snapshotErr, "snapshot the documents")
	}
	s.portal.report(&node.Status.ProvinceStatus)
	err = finish(ctx, r.Client, r.Recorder, node, orig, err, "the node exchanges documents as "+string(node.Spec.OrganID),
		platformv1alpha1.ConditionPortalReady, platformv1alpha1.ConditionSigningCertificateReady,
		platformv1alpha1.ConditionStorageBound, platformv1alpha1.ConditionWorkloadReady)
	return resultAt(r.Clock, earliest(s.portal.releaseExpiry, s.snapshotsDueAt), err)
}

func (r *DocExchangeNodeReconciler) resolveInputs(ctx context.Context, s *nodeScope) error {
	var err error
	node := s.node
	if s.portal, err = resolvePortal(ctx, r.Client, node, node.Spec.PortalRef, platformv1alpha1.ComponentDocExchange, r.Clock.Now()); err != nil {
		return err
	}
	// Watch the namespace's Secrets before reading any: a missing one brings the object back when it comes.
	if _, err := r.Secrets.in(ctx, node.Namespace); err != nil {
		return err
	}
	versions := map[string]string{}
	keys := render.DocExchangeSecretKeys(node.Spec)
	for _, name := range render.DocExchangeSecretRefs(node.Spec) {
		if versions[name], err = r.secretKeys(ctx, node.Namespace, name, keys[name]...); err != nil {
			return err
		}
	}
	if err := mergeRevisions(ctx, r.Client, render.DocExchangeOwner(node, s.portal.portal), versions); err != nil {
		return err
	}
	templateSize, err := r.templateSize(ctx, node)
	if err != nil {
		return err
	}
	s.inputs = render.DocExchangeInputs{
		Node: node, Portal: s.portal.portal, National: s.portal.national, Release: s.portal.release,
		Component: s.portal.component, PortalConfig: s.portal.config, TemplateSize: templateSize, SecretVersions: versions,
		Gateway: s.portal.gateway,
	}
	return nil
}

// checkOrganID lets a node act only as its province's agencies, and lets the
// oldest node of the namespace use an organId. A node
// that loses its organId to an older one, by either moving, stops its pod.
func (r *DocExchangeNodeReconciler) checkOrganID(ctx context.Context, s *nodeScope) error {
	ids := []fieldOrganID{{"spec.organId", s.node.Spec.OrganID}}
	for i, agency := range s.node.Spec.Agencies {
		ids = append(ids, fieldOrganID{fmt.Sprintf("spec.agencies[%d].organId", i), agency.OrganID})
	}
	if err := checkOrganIDs(s.portal.portal.Spec.Province.Code, ids...); err != nil {
		return err
	}
	list := &platformv1alpha1.DocExchangeNodeList{}
	if err := r.List(ctx, list, client.InNamespace(s.node.Namespace)); err != nil {
		return err
	}
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID != s.node.UID && other.DeletionTimestamp.IsZero() && other.Spec.OrganID == s.node.Spec.OrganID && olderThan(other, s.node) {
			stopped, err := r.scaleToZero(ctx, s.node)
			if err != nil {
				return err
			}
			return conditions.Stalled(platformv1alpha1.ReasonDuplicateOrganID,
				"DocExchangeNode %s already exchanges documents as %s in namespace %s: each node needs its own organId%s",
				other.Name, s.node.Spec.OrganID, s.node.Namespace, stopped)
		}
	}
	return nil
}

// scaleToZero stops the pod of a node that may not use its organId: two
// nodes must never exchange documents as one agency. It applies back the
// fields egov-operator owns in the StatefulSet with zero replicas, so
// nothing else of the node changes (its signing certificate keeps its
// identity, its claims stay). It returns what to tell the user, "" when the
// node has no StatefulSet.
func (r *DocExchangeNodeReconciler) scaleToZero(ctx context.Context, node *platformv1alpha1.DocExchangeNode) (string, error) {
	sts := &appsv1.StatefulSet{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: node.Namespace, Name: render.DocExchangeStatefulSet(node)}, sts); apierrors.IsNotFound(err) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	if !ownedBy(sts, node) {
		return "", nil
	}
	stopped := "; its StatefulSet " + sts.Name + " runs no pod until then"
	if replicasOf(sts.Spec.Replicas) == 0 {
		return stopped, nil
	}
	owned, err := appsv1apply.ExtractStatefulSet(sts, render.ManagedBy)
	if err != nil {
		return "", fmt.Errorf("read the fields egov-operator owns in StatefulSet %s: %w", sts.Name, err)
	}
	if owned.Spec == nil {
		owned.WithSpec(appsv1apply.StatefulSetSpec())
	}
	owned.Spec.WithReplicas(0)
	if err := r.Apply(ctx, owned, client.FieldOwner(render.ManagedBy), client.ForceOwnership); err != nil {
		return "", fmt.Errorf("scale StatefulSet %s to zero: %w", sts.Name, err)
	}
	return stopped, nil
}

func (r *DocExchangeNodeReconciler) reconcileChildren(ctx context.Context, s *nodeScope) error {
	owner := render.DocExchangeOwner(s.node, s.portal.portal)
	var err error
	s.written, s.heldFor, err = applyAndRecord(ctx, r.applier(), r.Recorder, s.node, owner, render.DocExchangeStack(s.inputs), s.inputs.SecretVersions)
	s.portal.applied = err == nil
	return err
}

func (r *DocExchangeNodeReconciler) observeChildren(ctx context.Context, s *nodeScope) error {
	owner := render.DocExchangeOwner(s.node, s.portal.portal)
	if err := r.renewStaleLeavesInto(ctx, owner, s.portal.portal.Name, s.written); err != nil {
		return err
	}
	if _, err := observeCertificatesInto(ctx, r.Client, s.node, owner, s.written, platformv1alpha1.ConditionSigningCertificateReady); err != nil {
		return err
	}
	signing, err := r.nodeSigningCertificate(ctx, s.node)
	if err != nil {
		return err
	}
	s.node.Status.SigningCertificate = signing
	return observeWorkloads(ctx, r.Client, s.node, s.written, s.heldFor, named(&appsv1.StatefulSet{}, render.DocExchangeStatefulSet(s.node)))
}

// SetupWithManager registers the controller and its watches.
func (r *DocExchangeNodeReconciler) SetupWithManager(mgr ctrl.Manager) error {
	var err error
	if r.snapshotAPI, err = servesKind(mgr.GetRESTMapper(), render.VolumeSnapshotGVK); err != nil {
		return fmt.Errorf("discover the snapshot API: %w", err)
	}
	f := followers{Client: r.Client, list: func(ctx context.Context, namespace string) ([]follower, error) {
		list := &platformv1alpha1.DocExchangeNodeList{}
		if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return nil, err
		}
		out := make([]follower, 0, len(list.Items))
		for i := range list.Items {
			d := &list.Items[i]
			// Its signing key pair too: the status reports its certificate.
			out = append(out, follower{key: types.NamespacedName{Namespace: d.Namespace, Name: d.Name}, portal: d.Spec.PortalRef.Name,
				secrets: append(render.DocExchangeSecretRefs(d.Spec), render.DocExchangeKeypairSecret(d))})
		}
		return out, nil
	}}
	return f.complete(f.watch(ownChildren(ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.DocExchangeNode{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{})))), &platformv1alpha1.DocExchangeNode{}).
		Watches(&corev1.PersistentVolumeClaim{}, handler.EnqueueRequestsFromMapFunc(nodeOfClaim)).
		Watches(&storagev1.StorageClass{}, handler.EnqueueRequestsFromMapFunc(r.nodesOfStorageClass)).
		Watches(&corev1.PersistentVolume{}, handler.EnqueueRequestsFromMapFunc(r.nodeOfVolume),
			builder.WithPredicates(predicate.NewPredicateFuncs(notRetained))), r, r.Secrets)
}

// nodesOfStorageClass maps a StorageClass to the nodes whose claims use it:
// a class that starts allowing expansion lets their waiting claims grow.
func (r *DocExchangeNodeReconciler) nodesOfStorageClass(ctx context.Context, obj client.Object) []reconcile.Request {
	claims := &corev1.PersistentVolumeClaimList{}
	if err := r.List(ctx, claims); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list claims to fan out a StorageClass change")
		return nil
	}
	var reqs []reconcile.Request
	for i := range claims.Items {
		if class := claims.Items[i].Spec.StorageClassName; class != nil && *class == obj.GetName() {
			reqs = append(reqs, nodeOfClaim(ctx, &claims.Items[i])...)
		}
	}
	return reqs
}

// nodeOfVolume maps a volume to the node whose documents claim it is bound to.
func (r *DocExchangeNodeReconciler) nodeOfVolume(ctx context.Context, obj client.Object) []reconcile.Request {
	pv, ok := obj.(*corev1.PersistentVolume)
	if !ok || pv.Spec.ClaimRef == nil {
		return nil
	}
	claim := &corev1.PersistentVolumeClaim{}
	// The cache holds only the claims the operator labelled.
	if err := r.Get(ctx, types.NamespacedName{Namespace: pv.Spec.ClaimRef.Namespace, Name: pv.Spec.ClaimRef.Name}, claim); err != nil {
		return nil
	}
	return nodeOfClaim(ctx, claim)
}

// notRetained passes the volumes a node has something to do about: one set
// back to another reclaim policy than Retain.
func notRetained(obj client.Object) bool {
	pv, ok := obj.(*corev1.PersistentVolume)
	return ok && pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimRetain
}

// nodeOfClaim maps a documents claim to its node through the claim
// template's labels.
var nodeOfClaim = ownerOfClaim(render.RoleEdxmlNode)

// ownerOfClaim maps a claim a retained StatefulSet of component made to the
// object owning it, through the claim template's labels.
func ownerOfClaim(component string) handler.TypedMapFunc[client.Object, reconcile.Request] {
	return func(_ context.Context, obj client.Object) []reconcile.Request {
		l := obj.GetLabels()
		if l[render.LabelManagedBy] != render.ManagedBy || l[render.LabelName] != component || l[render.LabelInstance] == "" {
			return nil
		}
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: l[render.LabelInstance]}}}
	}
}
