package controllers

import (
	"context"
	"fmt"
	"strings"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// heldWorkloads names (kind/name) the Deployments and StatefulSets of stack
// that do not exist yet while some Certificate of the stack is not issued
// and settled (Ready for its current spec, no issuance under way) or was
// issued again since versions, the revisions the stack was rendered with,
// were read: the pod template's checksum covers the certificates'
// revisions, so a workload created before them, or from revisions already
// stale, would roll its pods as soon as the next reconcile applies them. A
// workload that exists is always applied. It returns the held workloads
// and, when any is held, the certificates they wait for.
func heldWorkloads(ctx context.Context, c client.Reader, stack []client.Object, versions map[string]string) (map[string]bool, []string, error) {
	var unissued []string
	for _, obj := range stack {
		if _, ok := obj.(*cmapi.Certificate); !ok {
			continue
		}
		live := &cmapi.Certificate{}
		err := c.Get(ctx, client.ObjectKeyFromObject(obj), live)
		if client.IgnoreNotFound(err) != nil {
			return nil, nil, err
		}
		// Ready with no revision is settled too: a Certificate recreated over
		// a key pair that is still current is Ready and never issued.
		if err != nil || !certificateReady(live) || issuing(live) || revisionOf(live) != versions["certificate/"+live.Name] {
			unissued = append(unissued, obj.GetName())
		}
	}
	waitFor, err := routingToSettle(ctx, c, stack)
	if err != nil {
		return nil, nil, err
	}
	waitFor = append(unissued, waitFor...)
	if len(waitFor) == 0 {
		return nil, nil, nil
	}
	held := map[string]bool{}
	for _, obj := range stack {
		if !isWorkload(obj) {
			continue
		}
		live := obj.DeepCopyObject().(client.Object)
		if err := c.Get(ctx, client.ObjectKeyFromObject(obj), live); apierrors.IsNotFound(err) {
			held[render.Describe(obj)] = true
		} else if err != nil {
			return nil, nil, err
		}
	}
	if len(held) == 0 {
		return nil, nil, nil
	}
	return held, waitFor, nil
}

// routingToSettle names the IntegrationPlatforms of the stack's namespace
// the stack's new workloads must wait for, as a workload created now would
// roll its pods at once: a gateway about to serve (holdsNewWorkloads), the
// province's systems switching to it then; and a gateway that serves while
// the stack was rendered on another path (it began to serve after the
// render read the namespace's platforms). The gateway's own workloads never
// wait for it.
func routingToSettle(ctx context.Context, c client.Reader, stack []client.Object) ([]string, error) {
	namespace := ""
	renderedPaths := map[string]bool{}
	for _, obj := range stack {
		if isWorkload(obj) {
			for _, ref := range obj.GetOwnerReferences() {
				if ref.Kind == "IntegrationPlatform" {
					return nil, nil
				}
			}
			namespace = obj.GetNamespace()
			if via, imports := obj.GetAnnotations()[render.DataExchangeAnnotation]; imports {
				renderedPaths[via] = true
			}
		}
	}
	if namespace == "" {
		return nil, nil
	}
	list := &platformv1alpha1.IntegrationPlatformList{}
	if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	var waiting []string
	for i := range list.Items {
		p := &list.Items[i]
		switch {
		case holdsNewWorkloads(p):
			waiting = append(waiting, "the gateway of IntegrationPlatform "+p.Name)
		case routes(p) && len(renderedPaths) > 0 && !renderedPaths[p.Status.GatewayURL]:
			waiting = append(waiting, "a render through the gateway of IntegrationPlatform "+p.Name+", which now serves")
		}
	}
	return waiting, nil
}

func isWorkload(obj client.Object) bool {
	switch obj.(type) {
	case *appsv1.Deployment, *appsv1.StatefulSet:
		return true
	}
	return false
}

// observeWorkloads records WorkloadReady on obj: True when every named
// Deployment or StatefulSet (given as empty objects with a name) has rolled
// out its current spec; False with reason RollingOut, naming the workload
// and how far it got, while one rolls; False with WaitingForCertificates
// while new workloads are held for the certificates heldFor.
func observeWorkloads(ctx context.Context, c client.Reader, obj object, written writes, heldFor []string, workloads ...client.Object) error {
	var messages []string
	set := func(ready bool, reason, message string) {
		conditions.Set(&obj.StatusCommon().Conditions, obj.GetGeneration(), platformv1alpha1.ConditionWorkloadReady, ready, reason, message)
	}
	if len(heldFor) > 0 {
		set(false, platformv1alpha1.ReasonWaitingForCertificates,
			fmt.Sprintf("the workloads are created once %v are ready (certificates issued, the gateway serving), so their first pods start with them", heldFor))
		return nil
	}
	for _, w := range workloads {
		what := kindOf(w) + " " + w.GetName()
		err := c.Get(ctx, client.ObjectKey{Namespace: obj.GetNamespace(), Name: w.GetName()}, w)
		switch {
		case apierrors.IsNotFound(err):
			set(false, platformv1alpha1.ReasonWaitingForWorkload, what+" does not exist yet")
			return nil
		case err != nil:
			return err
		case written[kindOf(w)+"/"+w.GetName()]:
			set(false, platformv1alpha1.ReasonRollingOut, what+" is rolling out the spec just applied")
			return nil
		}
		done, message := rolledOut(w)
		if !done {
			set(false, platformv1alpha1.ReasonRollingOut, message)
			return nil
		}
		messages = append(messages, message)
	}
	set(true, platformv1alpha1.ReasonReady, strings.Join(messages, "; "))
	return nil
}

// rolledOut reports whether a live Deployment or StatefulSet has rolled out
// its latest spec as `kubectl rollout status` and kstatus judge it; the
// message names the workload and says how far it got.
func rolledOut(w client.Object) (bool, string) {
	what := kindOf(w) + " " + w.GetName()
	var want, updated int32
	var observed int64
	var pending string
	switch t := w.(type) {
	case *appsv1.Deployment:
		want, updated, observed = replicasOf(t.Spec.Replicas), t.Status.UpdatedReplicas, t.Status.ObservedGeneration
		pending = deploymentPending(t, want)
	case *appsv1.StatefulSet:
		want, updated, observed = replicasOf(t.Spec.Replicas), t.Status.UpdatedReplicas, t.Status.ObservedGeneration
		pending = statefulSetPending(t, want)
	}
	if observed < w.GetGeneration() {
		return false, what + " has not observed its latest spec yet"
	}
	if pending != "" {
		return false, fmt.Sprintf("%s: %d of %d replicas updated, %s", what, updated, want, pending)
	}
	return true, fmt.Sprintf("%s: %d replicas updated and available", what, want)
}

// deploymentPending says what a Deployment's rollout still waits for, or
// "". Besides the replica counts it needs the controller's own verdict, as
// kstatus does: Progressing with reason NewReplicaSetAvailable, and Available.
func deploymentPending(d *appsv1.Deployment, want int32) string {
	s := d.Status
	complete, available := false, false
	for _, c := range s.Conditions {
		switch {
		case c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded":
			return "its progress deadline is exceeded: " + c.Message
		case c.Type == appsv1.DeploymentProgressing:
			complete = c.Status == corev1.ConditionTrue && c.Reason == "NewReplicaSetAvailable"
		case c.Type == appsv1.DeploymentAvailable:
			available = c.Status == corev1.ConditionTrue
		}
	}
	switch {
	case s.UpdatedReplicas < want:
		return "rolling out"
	case s.Replicas > s.UpdatedReplicas:
		return fmt.Sprintf("%d old replicas pending termination", s.Replicas-s.UpdatedReplicas)
	case s.AvailableReplicas < s.UpdatedReplicas:
		return fmt.Sprintf("%d of %d updated replicas available", s.AvailableReplicas, s.UpdatedReplicas)
	case s.ReadyReplicas < want:
		return fmt.Sprintf("%d of %d replicas ready", s.ReadyReplicas, want)
	case !complete:
		return "the Deployment controller has not reported the new ReplicaSet available"
	case !available:
		return "the Deployment is not Available"
	}
	return ""
}

// statefulSetPending says what a StatefulSet's rollout still waits for, or
// "". A partitioned StatefulSet is done when the ordinals at or above the
// partition are updated; the others keep the current revision by design.
func statefulSetPending(sts *appsv1.StatefulSet, want int32) string {
	s := sts.Status
	partition := int32(0)
	if ru := sts.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
		partition = *ru.Partition
	}
	switch {
	case s.ReadyReplicas < want:
		return fmt.Sprintf("%d of %d replicas ready", s.ReadyReplicas, want)
	case s.Replicas > want:
		return fmt.Sprintf("%d replicas pending termination", s.Replicas-want)
	case partition > 0:
		if s.UpdatedReplicas < want-partition {
			return fmt.Sprintf("%d of the %d replicas above partition %d updated", s.UpdatedReplicas, want-partition, partition)
		}
	case s.UpdatedReplicas < want:
		return "rolling out"
	case s.CurrentRevision != s.UpdateRevision:
		return fmt.Sprintf("revision %s is not yet current (pods still run %s)", s.UpdateRevision, s.CurrentRevision)
	}
	return ""
}

func replicasOf(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}
