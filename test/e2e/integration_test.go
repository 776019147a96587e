//go:build e2e

package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// The demo's integration platforms let the portal and the one-stop-shop
// reach national data: kwok enforces no network policy, so the gateway's
// policy is read as a CNI would apply it, its selectors evaluated against
// the namespace's live pods.
var demoGatewayCallers = []string{"motcua-web", "motcua-worker", "portal"}

// Every province reaches national data only through its own gateway, which
// only the listed systems may reach; only the gateway holds the NDXP
// credentials; every pod carries the OTLP settings; and the collector
// exports to the national SOC and the NCSC with a client certificate.
func TestEveryProvinceReachesNationalDataOnlyThroughItsGateway(t *testing.T) {
	national := &platformv1alpha1.NationalPlatform{}
	if err := k8s.Get(ctx(), client.ObjectKey{Name: platformv1alpha1.NationalPlatformName}, national); err != nil {
		t.Fatal(err)
	}
	for _, u := range provinces.All() {
		ns := fleet.Namespace(u)
		t.Run(u.Code, func(t *testing.T) {
			platform := &platformv1alpha1.IntegrationPlatform{}
			if err := k8s.Get(ctx(), client.ObjectKey{Namespace: ns, Name: u.Slug}, platform); err != nil {
				t.Fatal(err)
			}
			gatewayURL := fmt.Sprintf("http://%s-lgsp-gateway.%s.svc", u.Slug, ns)
			if !meta.IsStatusConditionTrue(platform.Status.Conditions, platformv1alpha1.ConditionReady) || platform.Status.GatewayURL != gatewayURL {
				t.Fatalf("IntegrationPlatform %s: gateway %q, conditions %+v", u.Slug, platform.Status.GatewayURL, platform.Status.Conditions)
			}
			pods := &corev1.PodList{}
			if err := k8s.List(ctx(), pods, client.InNamespace(ns)); err != nil {
				t.Fatal(err)
			}
			if callers := gatewayCallers(t, ns, u.Slug+"-lgsp-gateway", pods.Items); !slices.Equal(callers, demoGatewayCallers) {
				t.Errorf("the gateway admits the pods of %v, want exactly %v", callers, demoGatewayCallers)
			}
			interconnect := &corev1.ConfigMap{}
			if err := k8s.Get(ctx(), client.ObjectKey{Namespace: ns, Name: u.Slug + "-interconnect"}, interconnect); err != nil {
				t.Fatal(err)
			}
			if got := interconnect.Data["EGOV_DATA_EXCHANGE_GATEWAY_URL"]; got != gatewayURL {
				t.Errorf("the province reaches NDXP at %s, not its gateway", got)
			}
			for _, p := range pods.Items {
				role := p.Labels["app.kubernetes.io/name"]
				for _, v := range p.Spec.Volumes {
					if v.Secret != nil && v.Secret.SecretName == "national-credentials" {
						t.Errorf("pod %s (%s) mounts the NDXP credentials; only the gateway may", p.Name, role)
					}
				}
				if p.Labels["app.kubernetes.io/managed-by"] != "egov-operator" {
					continue
				}
				env := map[string]bool{}
				for _, e := range p.Spec.Containers[0].Env {
					env[e.Name] = true
				}
				for _, name := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"} {
					if !env[name] {
						t.Errorf("pod %s (%s) lacks %s", p.Name, role, name)
					}
				}
			}
			expectCollectorExportsTo(t, ns, u.Slug, national)
		})
	}
}

// gatewayCallers evaluates the ingress of the gateway's NetworkPolicy
// against the namespace's pods, and returns the roles of the pods admitted.
func gatewayCallers(t *testing.T, namespace, name string, pods []corev1.Pod) []string {
	t.Helper()
	policy := &networkingv1.NetworkPolicy{}
	if err := k8s.Get(ctx(), client.ObjectKey{Namespace: namespace, Name: name}, policy); err != nil {
		t.Fatal(err)
	}
	roles := map[string]bool{}
	for _, rule := range policy.Spec.Ingress {
		for _, peer := range rule.From {
			if peer.NamespaceSelector != nil || peer.IPBlock != nil || peer.PodSelector == nil {
				t.Errorf("the gateway admits %+v, beyond pods of its namespace", peer)
				continue
			}
			selector, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pods {
				if selector.Matches(labels.Set(p.Labels)) {
					roles[p.Labels["app.kubernetes.io/name"]] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(roles))
}

// expectCollectorExportsTo checks the namespace's collector is rolled out
// and exports to the national SOC and the NCSC with its client certificate.
func expectCollectorExportsTo(t *testing.T, namespace, portal string, national *platformv1alpha1.NationalPlatform) {
	t.Helper()
	collector := &appsv1.Deployment{}
	if err := k8s.Get(ctx(), client.ObjectKey{Namespace: namespace, Name: portal + "-collector"}, collector); err != nil {
		t.Fatal(err)
	}
	if collector.Status.AvailableReplicas != *collector.Spec.Replicas || collector.Status.ObservedGeneration != collector.Generation {
		t.Errorf("collector not rolled out: %+v", collector.Status)
	}
	cm := &corev1.ConfigMap{}
	if err := k8s.Get(ctx(), client.ObjectKey{Namespace: namespace, Name: portal + "-collector"}, cm); err != nil {
		t.Fatal(err)
	}
	var config struct {
		Exporters map[string]struct {
			Endpoint string `json:"endpoint"`
			TLS      struct {
				CertFile string `json:"cert_file"`
			} `json:"tls"`
		} `json:"exporters"`
	}
	if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &config); err != nil {
		t.Fatal(err)
	}
	want := []string{string(national.Spec.Monitoring.SOC.Endpoint), string(national.Spec.Monitoring.NCSC.Endpoint)}
	var got []string
	for name, e := range config.Exporters {
		got = append(got, e.Endpoint)
		if !strings.HasSuffix(e.TLS.CertFile, "tls.crt") {
			t.Errorf("exporter %s sends without a client certificate", name)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the collector exports to %v, want %v", got, want)
	}
}
