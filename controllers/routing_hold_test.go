package controllers

import (
	"context"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// A new stack's workloads wait for the namespace's gateway about to serve,
// since the systems switch to it then and would roll their first pods, and
// for a render through a gateway that began to serve after the stack was
// rendered; a serving, paused, Stalled or absent gateway holds nothing, nor
// the gateway itself.
func TestNewWorkloadsWaitForTheGatewayAboutToServe(t *testing.T) {
	platform := func(mutate func(*platformv1alpha1.IntegrationPlatform)) *platformv1alpha1.IntegrationPlatform {
		p := &platformv1alpha1.IntegrationPlatform{ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh"}}
		mutate(p)
		return p
	}
	const gatewayURL = "http://hatinh-lgsp-gateway.egov-hatinh.svc"
	portalWorkload := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "hatinh-portal", Namespace: "egov-hatinh",
		Annotations: map[string]string{render.DataExchangeAnnotation: "https://api.ndxp.gov.vn"}}}
	throughGateway := portalWorkload.DeepCopy()
	throughGateway.Annotations[render.DataExchangeAnnotation] = gatewayURL
	gatewayWorkload := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "hatinh-lgsp-gateway", Namespace: "egov-hatinh",
		OwnerReferences: []metav1.OwnerReference{{Kind: "IntegrationPlatform", Name: "hatinh"}}}}
	tests := []struct {
		name     string
		platform *platformv1alpha1.IntegrationPlatform
		stack    client.Object
		want     []string
	}{
		{"gateway starting", platform(func(*platformv1alpha1.IntegrationPlatform) {}), portalWorkload, []string{"the gateway of IntegrationPlatform hatinh"}},
		{"gateway serving", platform(func(p *platformv1alpha1.IntegrationPlatform) { p.Status.GatewayURL = gatewayURL }), throughGateway, nil},
		{"gateway serving since the render", platform(func(p *platformv1alpha1.IntegrationPlatform) { p.Status.GatewayURL = gatewayURL }), portalWorkload,
			[]string{"a render through the gateway of IntegrationPlatform hatinh, which now serves"}},
		{"platform paused", platform(func(p *platformv1alpha1.IntegrationPlatform) {
			p.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"}
		}), portalWorkload, nil},
		{"gateway not serving within its budget", platform(func(p *platformv1alpha1.IntegrationPlatform) {
			p.Status.Conditions = []metav1.Condition{{Type: platformv1alpha1.ConditionStalled, Status: metav1.ConditionTrue, Reason: platformv1alpha1.ReasonGatewayNotServing}}
		}), portalWorkload, nil},
		{"platform stalled", platform(func(p *platformv1alpha1.IntegrationPlatform) {
			p.Status.Conditions = []metav1.Condition{{Type: platformv1alpha1.ConditionStalled, Status: metav1.ConditionTrue, Reason: "ComponentMissing"}}
		}), portalWorkload, nil},
		{"no platform", nil, portalWorkload, nil},
		{"the gateway's own workload", platform(func(*platformv1alpha1.IntegrationPlatform) {}), gatewayWorkload, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fake.NewClientBuilder().WithScheme(testenv.Scheme())
			if tt.platform != nil {
				b = b.WithObjects(tt.platform)
			}
			got, err := routingToSettle(context.Background(), b.Build(), []client.Object{tt.stack})
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("waits for %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}
