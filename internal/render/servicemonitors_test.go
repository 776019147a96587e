package render

import (
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Where the cluster serves ServiceMonitors, the portal's stack has one per
// monitored component of the namespace and lets the cluster's Prometheus
// reach the components' http port; elsewhere it has neither.
func TestPortalStackScrapesEachComponentWhereServiceMonitorsAre(t *testing.T) {
	for _, scrape := range []bool{false, true} {
		in := testPortalInputs(3)
		in.ScrapeMetrics = scrape
		objs := PortalStack(in)
		var scraped []string
		for _, obj := range objs {
			m, ok := obj.(*unstructured.Unstructured)
			if !ok || m.GroupVersionKind() != ServiceMonitorGVK {
				continue
			}
			component, _, _ := unstructured.NestedString(m.Object, "spec", "selector", "matchLabels", LabelName)
			namespaces, _, _ := unstructured.NestedStringSlice(m.Object, "spec", "namespaceSelector", "matchNames")
			endpoints, _, _ := unstructured.NestedSlice(m.Object, "spec", "endpoints")
			if !slices.Equal(namespaces, []string{"egov-hatinh"}) || len(endpoints) != 1 || endpoints[0].(map[string]any)["port"] != "http" {
				t.Errorf("ServiceMonitor %s: namespaces %v, endpoints %v", m.GetName(), namespaces, endpoints)
			}
			scraped = append(scraped, component)
		}
		policy := findObject[*networkingv1.NetworkPolicy](objs, "hatinh-allow-metrics")
		if !scrape {
			if len(scraped) > 0 || policy != nil {
				t.Errorf("without ServiceMonitors the stack scrapes %v (policy %v)", scraped, policy != nil)
			}
			continue
		}
		if !slices.Equal(scraped, MonitoredComponents) {
			t.Errorf("ServiceMonitors select %v, want %v", scraped, MonitoredComponents)
		}
		if policy == nil || len(policy.Spec.Ingress) != 1 || policy.Spec.Ingress[0].Ports[0].Port.IntValue() != httpPort ||
			policy.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "monitoring" {
			t.Errorf("the scrape policy: %+v", policy)
		}
	}
}
