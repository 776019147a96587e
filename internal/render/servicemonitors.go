package render

import (
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// ServiceMonitorGVK is the Prometheus Operator's ServiceMonitor, handled as
// unstructured like VolumeSnapshots: the API is optional in a cluster.
var ServiceMonitorGVK = schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}

// MonitoredComponents are the components whose Services a ServiceMonitor
// scrapes: those the vendors' contract has serve /metrics on port http.
var MonitoredComponents = []string{RolePortal, RoleMotcuaWeb, RoleEdxmlNode, RoleLGSPGateway}

// metricsPath is where a component serves its Prometheus metrics.
const metricsPath = "/metrics"

// ServiceMonitors are the ServiceMonitors of a portal's namespace, one per
// monitored component, selecting the component's Services of every owner in
// the namespace (a namespace may hold several exchange nodes).
func ServiceMonitors(o Owner) []*unstructured.Unstructured {
	monitors := make([]*unstructured.Unstructured, 0, len(MonitoredComponents))
	for _, component := range MonitoredComponents {
		m := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{
				LabelName: component, LabelManagedBy: ManagedBy,
			}},
			"namespaceSelector": map[string]any{"matchNames": []any{o.Object.GetNamespace()}},
			"endpoints":         []any{map[string]any{"port": "http", "path": metricsPath, "interval": "30s"}},
		}}}
		meta := o.Meta(component+"-metrics", "metrics")
		m.SetGroupVersionKind(ServiceMonitorGVK)
		m.SetName(meta.Name)
		m.SetNamespace(meta.Namespace)
		m.SetLabels(meta.Labels)
		m.SetOwnerReferences(meta.OwnerReferences)
		monitors = append(monitors, m)
	}
	return monitors
}

// MetricsScrapePolicy lets the cluster's Prometheus reach the namespace's
// components on their http port, where they serve /metrics.
func MetricsScrapePolicy(o Owner, scraper platformv1alpha1.PeerSelector) *networkingv1.NetworkPolicy {
	return admitPolicy(o, "allow-metrics", map[string]string{LabelManagedBy: ManagedBy}, scraper, httpPort)
}
