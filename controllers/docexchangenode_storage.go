package controllers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// templateSize is the size the StatefulSet's claim template already has:
// templates are immutable, so a grown spec.storage.size is applied to the
// claims themselves.
func (r *DocExchangeNodeReconciler) templateSize(ctx context.Context, node *platformv1alpha1.DocExchangeNode) (resource.Quantity, error) {
	sts := &appsv1.StatefulSet{}
	err := r.Get(ctx, types.NamespacedName{Namespace: node.Namespace, Name: render.DocExchangeStatefulSet(node)}, sts)
	if apierrors.IsNotFound(err) {
		return node.Spec.Storage.Size, nil
	} else if err != nil {
		return resource.Quantity{}, err
	}
	for _, t := range sts.Spec.VolumeClaimTemplates {
		if t.Name == render.DocumentsVolume {
			return t.Spec.Resources.Requests[corev1.ResourceStorage], nil
		}
	}
	return node.Spec.Storage.Size, nil
}

// claims lists the node's documents claims, by name.
func (r *DocExchangeNodeReconciler) claims(ctx context.Context, node *platformv1alpha1.DocExchangeNode) ([]corev1.PersistentVolumeClaim, error) {
	return retainedClaims(ctx, r.Client, node, render.RoleEdxmlNode)
}

// retainedClaims lists, by name, the claims the StatefulSet of owner's
// component made from its template (render.RetainedStatefulSet labels them).
func retainedClaims(ctx context.Context, c client.Reader, owner client.Object, component string) ([]corev1.PersistentVolumeClaim, error) {
	list := &corev1.PersistentVolumeClaimList{}
	err := c.List(ctx, list, client.InNamespace(owner.GetNamespace()), client.MatchingLabels{
		render.LabelInstance: owner.GetName(), render.LabelName: component, render.LabelManagedBy: render.ManagedBy,
	})
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	return list.Items, err
}

// reconcileStorage grows the claims to spec.storage.size where the
// StorageClass allows, sets every bound volume's reclaim policy to Retain and
// reports StorageBound and StorageResized.
func (r *DocExchangeNodeReconciler) reconcileStorage(ctx context.Context, s *nodeScope) error {
	node := s.node
	claims, err := r.claims(ctx, node)
	if err != nil {
		return err
	}
	want := node.Spec.Storage.Size
	var names, unbound, waiting, fixed []string
	for i := range claims {
		claim := &claims[i]
		names = append(names, claim.Name)
		if claim.Status.Phase != corev1.ClaimBound {
			unbound = append(unbound, claim.Name)
			continue
		}
		if _, err := retainVolume(ctx, r.Client, claim); err != nil {
			return err
		}
		requested := claim.Spec.Resources.Requests[corev1.ResourceStorage]
		if requested.Cmp(want) < 0 {
			expandable, err := r.expandable(ctx, claim)
			if err != nil {
				return err
			}
			if !expandable {
				fixed = append(fixed, claim.Name)
				continue
			}
			orig := claim.DeepCopy()
			claim.Spec.Resources.Requests[corev1.ResourceStorage] = want
			if err := r.Patch(ctx, claim, client.MergeFrom(orig)); err != nil {
				return fmt.Errorf("grow claim %s: %w", claim.Name, err)
			}
		}
		if capacity := claim.Status.Capacity[corev1.ResourceStorage]; capacity.Cmp(want) < 0 {
			waiting = append(waiting, claim.Name)
		}
	}
	node.Status.Claims = names
	conds, gen := &node.Status.Conditions, node.Generation
	switch {
	case len(claims) == 0:
		conditions.Set(conds, gen, platformv1alpha1.ConditionStorageBound, false, platformv1alpha1.ReasonWaitingForStorage, "the StatefulSet has not created its claim yet")
	case len(unbound) > 0:
		conditions.Set(conds, gen, platformv1alpha1.ConditionStorageBound, false, platformv1alpha1.ReasonWaitingForStorage, fmt.Sprintf("claims not bound yet: %v", unbound))
	default:
		conditions.Set(conds, gen, platformv1alpha1.ConditionStorageBound, true, platformv1alpha1.ReasonReady, fmt.Sprintf("claims %v are bound; their volumes are retained", names))
	}
	switch {
	case len(fixed) > 0:
		conditions.Set(conds, gen, platformv1alpha1.ConditionStorageResized, false, platformv1alpha1.ReasonExpansionNotSupported,
			fmt.Sprintf("claims %v cannot grow to %s: their StorageClass does not allow volume expansion", fixed, want.String()))
	case len(waiting) > 0:
		conditions.Set(conds, gen, platformv1alpha1.ConditionStorageResized, false, platformv1alpha1.ReasonResizing,
			fmt.Sprintf("claims %v requested %s; waiting for their volumes to grow", waiting, want.String()))
	case len(claims) > 0:
		conditions.Set(conds, gen, platformv1alpha1.ConditionStorageResized, true, platformv1alpha1.ReasonReady, "every claim holds "+want.String())
	}
	return nil
}

// expandable reports whether a claim's StorageClass lets it grow.
func (r *DocExchangeNodeReconciler) expandable(ctx context.Context, claim *corev1.PersistentVolumeClaim) (bool, error) {
	if claim.Spec.StorageClassName == nil || *claim.Spec.StorageClassName == "" {
		return false, nil
	}
	sc := &storagev1.StorageClass{}
	if err := r.Get(ctx, types.NamespacedName{Name: *claim.Spec.StorageClassName}, sc); apierrors.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return sc.AllowVolumeExpansion != nil && *sc.AllowVolumeExpansion, nil
}

// retainVolume sets the reclaim policy of a claim's volume to Retain, so
// deleting the claim (or the namespace) never deletes the data, and
// returns the volume's name. It touches only the volume of a Bound claim
// whose claimRef names that very claim (namespace, name and UID): anyone who
// may write claims in the namespace can make one with the owner's labels and
// a spec.volumeName naming any volume of the cluster. It returns "" for a
// claim without a volume of its own.
func retainVolume(ctx context.Context, c client.Client, claim *corev1.PersistentVolumeClaim) (string, error) {
	if claim.Status.Phase != corev1.ClaimBound || claim.Spec.VolumeName == "" {
		return "", nil
	}
	pv := &corev1.PersistentVolume{}
	if err := c.Get(ctx, types.NamespacedName{Name: claim.Spec.VolumeName}, pv); err != nil {
		return "", client.IgnoreNotFound(err)
	}
	if ref := pv.Spec.ClaimRef; ref == nil || ref.Namespace != claim.Namespace || ref.Name != claim.Name || ref.UID != claim.UID {
		return "", nil
	}
	if pv.Spec.PersistentVolumeReclaimPolicy == corev1.PersistentVolumeReclaimRetain {
		return pv.Name, nil
	}
	orig := pv.DeepCopy()
	pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimRetain
	if err := c.Patch(ctx, pv, client.MergeFrom(orig)); err != nil {
		return "", fmt.Errorf("retain volume %s: %w", pv.Name, err)
	}
	return pv.Name, nil
}

// release runs before a node goes: its volumes are made Retain, an Event
// says where the documents are, and its signing key is deleted. The claims
// stay: the StatefulSet retains them, and a new node of the same name
// reattaches them.
func (r *DocExchangeNodeReconciler) release(ctx context.Context, node *platformv1alpha1.DocExchangeNode) error {
	claims, err := r.claims(ctx, node)
	if err != nil {
		return err
	}
	var names, volumes []string
	for i := range claims {
		names = append(names, claims[i].Name)
		volume, err := retainVolume(ctx, r.Client, &claims[i])
		if err != nil {
			return err
		}
		if volume != "" {
			volumes = append(volumes, volume)
		}
	}
	if _, err := r.deleteKeypairs(ctx, render.Owner{Object: node}); err != nil {
		return err
	}
	r.Recorder.Eventf(node, nil, corev1.EventTypeNormal, "DocumentStorageRetained", "Delete",
		"the documents of %s stay in namespace %s: claims [%s] on volumes [%s] (reclaim policy Retain); a new DocExchangeNode named %s reattaches them",
		node.Spec.OrganID, node.Namespace, strings.Join(names, ", "), strings.Join(volumes, ", "), node.Name)
	return nil
}
