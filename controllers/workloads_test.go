package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

func deployment(replicas int32, mutate func(*appsv1.DeploymentStatus)) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "hanoi-portal", Generation: 2},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr.To(replicas), ProgressDeadlineSeconds: ptr.To[int32](600)},
		Status:     rolledOutDeployment(2, replicas),
	}
	mutate(&d.Status)
	return d
}

func statefulSet(partition int32, mutate func(*appsv1.StatefulSetStatus)) *appsv1.StatefulSet {
	s := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "hanoi-edxml-node", Generation: 2},
		Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](3), UpdateStrategy: appsv1.StatefulSetUpdateStrategy{
			Type: appsv1.RollingUpdateStatefulSetStrategyType, RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr.To(partition)},
		}},
		Status: rolledOutStatefulSet(2, 3),
	}
	mutate(&s.Status)
	return s
}

// kstatusOf is what kstatus, the library Flux's health checks use, reads.
func kstatusOf(t *testing.T, obj client.Object) status.Status {
	t.Helper()
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	gvk, err := apiutil.GVKForObject(obj, testenv.Scheme())
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(gvk)
	res, err := status.Compute(u)
	if err != nil {
		t.Fatal(err)
	}
	return res.Status
}

func TestRolledOutJudgesAsKubectlAndKstatus(t *testing.T) {
	none := func(*appsv1.DeploymentStatus) {}
	cases := []struct {
		name     string
		workload client.Object
		done     bool
		// message is a fragment of the progress message.
		message string
	}{
		{"deployment rolled out", deployment(3, none), true, "3 replicas updated and available"},
		{"surge: an old pod still runs beside the new ones", deployment(3, func(s *appsv1.DeploymentStatus) { s.Replicas = 4 }), false, "1 old replicas pending termination"},
		{"old pods terminating, all available counts them", deployment(3, func(s *appsv1.DeploymentStatus) {
			s.Replicas, s.UpdatedReplicas = 3, 1
		}), false, "1 of 3 replicas updated"},
		{"new pods not yet available", deployment(3, func(s *appsv1.DeploymentStatus) { s.AvailableReplicas = 2 }), false, "2 of 3 updated replicas available"},
		{"generation not observed", deployment(3, func(s *appsv1.DeploymentStatus) { s.ObservedGeneration = 1 }), false, "has not observed its latest spec"},
		{"progress deadline exceeded", deployment(3, func(s *appsv1.DeploymentStatus) {
			s.Conditions[0] = appsv1.DeploymentCondition{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "ProgressDeadlineExceeded", Message: "ReplicaSet hanoi-portal-7c9 has timed out progressing"}
		}), false, "progress deadline is exceeded"},
		{"counts complete but the controller has not said so", deployment(3, func(s *appsv1.DeploymentStatus) {
			s.Conditions[0].Reason = "ReplicaSetUpdated"
		}), false, "has not reported the new ReplicaSet available"},
		{"statefulset rolled out", statefulSet(0, func(*appsv1.StatefulSetStatus) {}), true, "3 replicas updated and available"},
		{"statefulset pod not ready", statefulSet(0, func(s *appsv1.StatefulSetStatus) { s.ReadyReplicas = 2 }), false, "2 of 3 replicas ready"},
		{"statefulset still updating", statefulSet(0, func(s *appsv1.StatefulSetStatus) { s.UpdatedReplicas = 1 }), false, "1 of 3 replicas updated"},
		{"statefulset revision not current", statefulSet(0, func(s *appsv1.StatefulSetStatus) { s.CurrentRevision = "rev-1" }), false, "revision rev-2 is not yet current"},
		{"statefulset generation not observed", statefulSet(0, func(s *appsv1.StatefulSetStatus) { s.ObservedGeneration = 1 }), false, "has not observed its latest spec"},
		{"statefulset extra pod terminating", statefulSet(0, func(s *appsv1.StatefulSetStatus) { s.Replicas = 4 }), false, "1 replicas pending termination"},
		{"partitioned statefulset: ordinals above the partition updated", statefulSet(2, func(s *appsv1.StatefulSetStatus) {
			s.UpdatedReplicas, s.CurrentRevision = 1, "rev-1"
		}), true, "replicas updated and available"},
		{"partitioned statefulset: ordinal above the partition not updated", statefulSet(2, func(s *appsv1.StatefulSetStatus) {
			s.UpdatedReplicas, s.CurrentRevision = 0, "rev-1"
		}), false, "0 of the 1 replicas above partition 2 updated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done, message := rolledOut(c.workload)
			if done != c.done || !strings.Contains(message, c.message) {
				t.Errorf("rolledOut = %v, %q; want %v, a message with %q", done, message, c.done, c.message)
			}
			// Never more lenient than kstatus: done only when it reads Current.
			if got := kstatusOf(t, c.workload); done && got != status.CurrentStatus {
				t.Errorf("done while kstatus reads %s", got)
			}
		})
	}
}

// A new stack's workloads are created once, after the certificates they
// mount are issued: a workload created earlier would roll its pods as soon
// as the certificates' revisions enter its pod template.
func TestNewStackCreatesEachWorkloadOnceWithItsCertificates(t *testing.T) {
	ensureNational(t)
	p := province(t, "15")
	eventually(t, "the portal waits for its certificates", func() error {
		live := getPortal(t, p)
		for _, c := range []string{platformv1alpha1.ConditionWorkloadReady, platformv1alpha1.ConditionReady} {
			if cond := condition(live, c); cond == nil || cond.Reason != platformv1alpha1.ReasonWaitingForCertificates {
				return fmt.Errorf("%s: %+v", c, cond)
			}
		}
		return nil
	})
	portal := named(&appsv1.Deployment{}, render.PortalOwner(p).Name(render.RolePortal))
	portal.Namespace = p.Namespace
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(portal), portal); !apierrors.IsNotFound(err) {
		t.Errorf("the portal Deployment exists before its certificates are issued (%v)", err)
	}
	waitReady(t, p)

	// The followers' own certificates are not issued yet: their workloads wait too.
	s := oneStopShop(t, p, true)
	d := docExchangeNode(t, p)
	shopOwner, nodeOwner := render.OneStopShopOwner(s, p), render.DocExchangeOwner(d, p)
	workloads := []client.Object{
		portal,
		named(&appsv1.Deployment{}, shopOwner.Name(render.RoleMotcuaWeb)),
		named(&appsv1.Deployment{}, shopOwner.Name(render.RoleMotcuaWorker)),
		named(&appsv1.StatefulSet{}, nodeOwner.Name(render.RoleEdxmlNode)),
	}
	for _, obj := range []object{s, d} {
		eventually(t, fmt.Sprintf("%T waits for its certificates", obj), func() error {
			if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
			if cond := condOf(obj, platformv1alpha1.ConditionWorkloadReady); cond == nil || cond.Reason != platformv1alpha1.ReasonWaitingForCertificates {
				return fmt.Errorf("WorkloadReady: %+v", cond)
			}
			return nil
		})
	}
	for _, w := range workloads[1:] {
		w.SetNamespace(p.Namespace)
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(w), w); !apierrors.IsNotFound(err) {
			t.Errorf("%s %s exists before its certificates are issued (%v)", kindOf(w), w.GetName(), err)
		}
	}
	waitObjectReady(t, s)
	waitObjectReady(t, d)
	for _, w := range workloads {
		w.SetNamespace(p.Namespace)
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(w), w); err != nil {
			t.Fatal(err)
		}
		if w.GetGeneration() != 1 {
			t.Errorf("%s %s is at generation %d: its spec changed after creation, its pods rolled", kindOf(w), w.GetName(), w.GetGeneration())
		}
	}
}

// While a workload still runs an old pod, its owner is not Ready: it reads
// RollingOut and Reconciling (kstatus InProgress), then Ready again.
func TestOwnerReadsRollingOutWhileAnOldPodRemains(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "20"))
	deploy := &appsv1.Deployment{}
	key := types.NamespacedName{Namespace: p.Namespace, Name: render.PortalOwner(p).Name(render.RolePortal)}
	if err := k8s.Get(context.Background(), key, deploy); err != nil {
		t.Fatal(err)
	}
	replicas := *deploy.Spec.Replicas
	deploy.Status.Replicas, deploy.Status.UpdatedReplicas = replicas+1, replicas
	if err := k8s.Status().Update(context.Background(), deploy); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the portal reads RollingOut", func() error {
		live := getPortal(t, p)
		ready, reconciling := condition(live, platformv1alpha1.ConditionReady), condition(live, platformv1alpha1.ConditionReconciling)
		if ready == nil || ready.Status != metav1.ConditionFalse || ready.Reason != platformv1alpha1.ReasonRollingOut ||
			!strings.Contains(ready.Message, fmt.Sprintf("%d of %d replicas updated, 1 old replicas pending termination", replicas, replicas)) {
			return fmt.Errorf("Ready: %+v", ready)
		}
		if reconciling == nil || reconciling.Status != metav1.ConditionTrue {
			return fmt.Errorf("Reconciling: %+v", reconciling)
		}
		return nil
	})
	deploy.Status = rolledOutDeployment(deploy.Generation, replicas)
	if err := k8s.Status().Update(context.Background(), deploy); err != nil {
		t.Fatal(err)
	}
	waitReady(t, p)
}
