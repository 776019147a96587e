package controllers

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// Where the cluster serves ServiceMonitors, the portal's are applied like
// any child: created once, not written again while they match, and never
// taken over from someone else.
func TestServiceMonitorsAreAppliedOnceAndNeverTakenOver(t *testing.T) {
	installOptionalAPI(t, "testdata/servicemonitor-crd.yaml", render.ServiceMonitorGVK)
	ensureNational(t)
	p := waitReady(t, province(t, "91"))
	a := Applier{Client: k8s, Reader: k8s, Scheme: k8s.Scheme()}
	monitors := render.ServiceMonitors(render.PortalOwner(p))
	for _, m := range monitors[1:] {
		for round, wantWrite := range []bool{true, false} {
			wrote, err := a.Apply(context.Background(), m.DeepCopy())
			if err != nil || wrote != wantWrite {
				t.Fatalf("apply %d of %s: wrote %v (%v), want %v", round, m.GetName(), wrote, err, wantWrite)
			}
		}
	}
	// Someone else's ServiceMonitor has the portal's name for the first one.
	theirs := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"endpoints": []any{}}}}
	theirs.SetGroupVersionKind(render.ServiceMonitorGVK)
	theirs.SetNamespace(p.Namespace)
	theirs.SetName(monitors[0].GetName())
	create(t, theirs)
	_, err := a.Apply(context.Background(), monitors[0].DeepCopy())
	if u, ok := conditions.AsUserError(err); !ok || u.Reason != platformv1alpha1.ReasonNameConflict {
		t.Fatalf("applying over someone else's ServiceMonitor: %v", err)
	}
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(render.ServiceMonitorGVK)
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(theirs), live); err != nil || metav1.GetControllerOf(live) != nil {
		t.Errorf("someone else's ServiceMonitor was taken over: %v, %v", err, live.GetOwnerReferences())
	}
}

// The manager started where the cluster served no ServiceMonitor: the
// portal says its components' metrics are not scraped, and is Ready.
func TestWithoutThePrometheusOperatorThePortalSaysMetricsAreNotScraped(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "92"))
	c := condition(p, platformv1alpha1.ConditionServiceMonitorsConfigured)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != platformv1alpha1.ReasonPrometheusOperatorAbsent {
		t.Errorf("ServiceMonitorsConfigured: %+v", c)
	}
}
