package controllers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// +kubebuilder:rbac:groups=snapshot.storage.k8s.io,resources=volumesnapshots,verbs=list;create;delete

// servesKind reports whether the cluster serves an optional API (the CSI
// snapshot API, the Prometheus Operator's): its absence is an answer, not
// an error.
func servesKind(mapper meta.RESTMapper, gvk schema.GroupVersionKind) (bool, error) {
	_, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		return false, nil
	}
	return err == nil, err
}

// reconcileSnapshots snapshots each bound document claim whose newest
// snapshot is an interval old, deletes the oldest beyond spec.snapshots.keep,
// and schedules the reconcile for the next one due.
func (r *DocExchangeNodeReconciler) reconcileSnapshots(ctx context.Context, s *nodeScope) error {
	node, spec := s.node, s.node.Spec.Snapshots
	conds, gen := &node.Status.Conditions, node.Generation
	if s.portal.portal == nil {
		// Without its portal the node's snapshots cannot be labelled as its
		// province's; the node is Stalled saying so.
		return nil
	}
	if !r.snapshotAPI {
		conditions.Set(conds, gen, platformv1alpha1.ConditionSnapshotsScheduled, false, platformv1alpha1.ReasonSnapshotAPIAbsent,
			"the cluster does not serve snapshot.storage.k8s.io/v1 VolumeSnapshots, so no snapshot is taken; the documents are kept by their retained volumes")
		return nil
	}
	if spec.Enabled != nil && !*spec.Enabled {
		conditions.Set(conds, gen, platformv1alpha1.ConditionSnapshotsScheduled, false, platformv1alpha1.ReasonSnapshotsDisabled,
			"spec.snapshots.enabled is false: no snapshot is taken; the ones taken before are kept")
		return nil
	}
	bound, err := r.boundClaims(ctx, node)
	if err != nil {
		return err
	}
	if len(bound) == 0 {
		conditions.Set(conds, gen, platformv1alpha1.ConditionSnapshotsScheduled, false, platformv1alpha1.ReasonWaitingForStorage,
			"no document claim is bound yet: there is nothing to snapshot")
		return nil
	}
	taken, err := r.snapshotsByClaim(ctx, node)
	if err != nil {
		return err
	}
	owner := render.DocExchangeOwner(node, s.portal.portal)
	interval, now := time.Duration(spec.IntervalHours)*time.Hour, r.Clock.Now()
	var next time.Time
	var failed []string
	for _, claim := range bound {
		series := taken[claim]
		newest := time.Time{}
		if len(series) > 0 {
			newest = render.SnapshotTakenAt(series[len(series)-1])
		}
		if now.Sub(newest) >= interval {
			snap := render.DocumentSnapshot(owner, claim, spec.VolumeSnapshotClassName, now)
			if err := r.Create(ctx, snap); err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("snapshot claim %s: %w", claim, err)
			}
			series, newest = append(series, snap), now
		}
		next = earliest(next, newest.Add(interval))
		if err := r.prune(ctx, series, int(spec.Keep)); err != nil {
			return err
		}
		if name, failure := lastOutcome(series); failure != "" {
			failed = append(failed, fmt.Sprintf("%s: %s", name, failure))
		}
	}
	s.snapshotsDueAt = next
	if len(failed) > 0 {
		conditions.Set(conds, gen, platformv1alpha1.ConditionSnapshotsScheduled, false, platformv1alpha1.ReasonSnapshotFailed,
			fmt.Sprintf("the latest snapshots failed (%s); the last %d ready ones are kept; the next is due at %s",
				strings.Join(failed, "; "), spec.Keep, next.UTC().Format(time.RFC3339)))
		return nil
	}
	conditions.Set(conds, gen, platformv1alpha1.ConditionSnapshotsScheduled, true, platformv1alpha1.ReasonReady,
		fmt.Sprintf("claims %v are snapshotted every %dh, the last %d ready ones kept; the next is due at %s",
			bound, spec.IntervalHours, spec.Keep, next.UTC().Format(time.RFC3339)))
	return nil
}

// snapshotState says whether the snapshot controller made a snapshot ready
// to use, and the error it reports on it, if any.
func snapshotState(snapshot *unstructured.Unstructured) (ready bool, failure string) {
	ready, _, _ = unstructured.NestedBool(snapshot.Object, "status", "readyToUse")
	failure, _, _ = unstructured.NestedString(snapshot.Object, "status", "error", "message")
	return ready, failure
}

// boundClaims names the node's document claims that are bound to a volume.
func (r *DocExchangeNodeReconciler) boundClaims(ctx context.Context, node *platformv1alpha1.DocExchangeNode) ([]string, error) {
	claims, err := r.claims(ctx, node)
	var bound []string
	for _, claim := range claims {
		if claim.Status.Phase == corev1.ClaimBound {
			bound = append(bound, claim.Name)
		}
	}
	return bound, err
}

// snapshotsByClaim returns the node's snapshots by claim, oldest first. The
// cache holds no snapshots (the API may be absent, and a node reads its own
// few only on its schedule), so they are listed from the API server.
func (r *DocExchangeNodeReconciler) snapshotsByClaim(ctx context.Context, node *platformv1alpha1.DocExchangeNode) (map[string][]*unstructured.Unstructured, error) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(render.VolumeSnapshotGVK.GroupVersion().WithKind(render.VolumeSnapshotGVK.Kind + "List"))
	if err := r.APIReader.List(ctx, list, client.InNamespace(node.Namespace), client.MatchingLabels{
		render.LabelInstance: node.Name, render.LabelName: render.RoleEdxmlSnapshot, render.LabelManagedBy: render.ManagedBy,
	}); err != nil {
		return nil, fmt.Errorf("list the snapshots of node %s: %w", node.Name, err)
	}
	sort.SliceStable(list.Items, func(i, j int) bool {
		a, b := render.SnapshotTakenAt(&list.Items[i]), render.SnapshotTakenAt(&list.Items[j])
		return a.Before(b) || a.Equal(b) && list.Items[i].GetName() < list.Items[j].GetName()
	})
	byClaim := map[string][]*unstructured.Unstructured{}
	for i := range list.Items {
		claim := render.SnapshotSource(&list.Items[i])
		byClaim[claim] = append(byClaim[claim], &list.Items[i])
	}
	return byClaim, nil
}

// lastOutcome names the newest snapshot of a series the snapshot controller
// has finished, ready or failed, and its error; snapshots still being taken
// say nothing yet.
func lastOutcome(series []*unstructured.Unstructured) (name, failure string) {
	for _, snapshot := range slices.Backward(series) {
		if ready, failure := snapshotState(snapshot); ready || failure != "" {
			return snapshot.GetName(), failure
		}
	}
	return "", ""
}

// prune deletes a series' snapshots beyond its newest keep ready ones and
// beyond its newest keep others (still being taken, or failed): a failing
// snapshot controller never costs a ready snapshot, nor piles up failures.
func (r *DocExchangeNodeReconciler) prune(ctx context.Context, series []*unstructured.Unstructured, keep int) error {
	var ready, others []*unstructured.Unstructured
	for _, snapshot := range series {
		if ok, _ := snapshotState(snapshot); ok {
			ready = append(ready, snapshot)
		} else {
			others = append(others, snapshot)
		}
	}
	for _, old := range slices.Concat(ready[:max(len(ready)-keep, 0)], others[:max(len(others)-keep, 0)]) {
		if err := r.Delete(ctx, old); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("delete snapshot %s: %w", old.GetName(), err)
		}
	}
	return nil
}
