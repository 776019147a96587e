// Package chart checks what users install: the Helm chart of charts/chart,
// through the helm built into bin/, and dist/install.yaml. The chart lints,
// renders with its defaults and with other values, refuses wrong values
// with a message naming the value, and grants the operator no wildcard and
// no Secret outside the province namespaces.
package chart

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

const (
	release   = "egov-operator"
	namespace = "egov-operator-system"
)

var root = testenv.RepoRoot()

// helm runs bin/helm on the chart; a failure carries helm's own message.
func helm(args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(root, "bin", "helm"), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("helm %s: %w: %s%s", strings.Join(args, " "), err, stderr.String(), stdout.String())
	}
	return stdout.Bytes(), nil
}

// withValues appends a --set flag for each value.
func withValues(args []string, values []string) []string {
	for _, v := range values {
		args = append(args, "--set", v)
	}
	return args
}

// renderIn renders the chart into a namespace with the given values.
func renderIn(ns string, values ...string) ([]*unstructured.Unstructured, error) {
	out, err := helm(withValues([]string{"template", release, filepath.Join(root, "charts", "chart"), "--namespace", ns}, values)...)
	if err != nil {
		return nil, err
	}
	return fleet.DecodeManifests(out)
}

func render(t *testing.T, values ...string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := renderIn(namespace, values...)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// named returns the objects of a kind, by name.
func named(objs []*unstructured.Unstructured, kind string) map[string]*unstructured.Unstructured {
	found := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		if o.GetKind() == kind {
			found[o.GetName()] = o
		}
	}
	return found
}

func convert[T any](t *testing.T, u *unstructured.Unstructured) *T {
	t.Helper()
	out := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out); err != nil {
		t.Fatalf("%s %s: %v", u.GetKind(), u.GetName(), err)
	}
	return out
}

// otherValues turns every toggle away from its default.
var otherValues = []string{
	"manager.replicas=3", "manager.image.repository=registry.example.gov.vn/egov-operator",
	"manager.image.tag=v1.2.0", "manager.image.pullPolicy=Always", "metrics.port=9443",
	"prometheus.enabled=true", "networkPolicy.enabled=false", "crd.keep=false",
}

func TestChartLints(t *testing.T) {
	for name, values := range map[string][]string{"defaults": nil, "other values": otherValues} {
		t.Run(name, func(t *testing.T) {
			if _, err := helm(withValues([]string{"lint", "--strict", filepath.Join(root, "charts", "chart"), "--namespace", namespace}, values)...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// By default the chart runs the manager as config/default does: two
// leader-elected replicas, restricted, with probes, resources and a PDB.
func TestChartInstallsAHardenedManagerByDefault(t *testing.T) {
	objs := render(t)
	deployment := named(objs, "Deployment")[release+"-controller-manager"]
	if deployment == nil {
		t.Fatal("no manager Deployment rendered")
	}
	d := convert[appsv1.Deployment](t, deployment)
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas: %v, want 2", d.Spec.Replicas)
	}
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != release+"-controller-manager" {
		t.Errorf("serviceAccountName %q", pod.ServiceAccountName)
	}
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot ||
		pod.SecurityContext.SeccompProfile == nil {
		t.Errorf("pod securityContext %+v is not restricted", pod.SecurityContext)
	}
	c := pod.Containers[0]
	for _, arg := range []string{"--leader-elect", "--metrics-bind-address=:8443", "--health-probe-bind-address=:8081"} {
		if !slices.Contains(c.Args, arg) {
			t.Errorf("args %v lack %s", c.Args, arg)
		}
	}
	sc := c.SecurityContext
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation || sc.ReadOnlyRootFilesystem == nil ||
		!*sc.ReadOnlyRootFilesystem || sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
		t.Errorf("container securityContext %+v is not restricted", sc)
	}
	if c.LivenessProbe == nil || c.ReadinessProbe == nil {
		t.Error("the manager has no liveness or readiness probe")
	}
	if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources %+v lack a memory request and limit", c.Resources)
	}
	for kind, names := range map[string][]string{
		"PodDisruptionBudget":              {release + "-controller-manager"},
		"NetworkPolicy":                    {release + "-allow-metrics-traffic"},
		"Service":                          {release + "-controller-manager-metrics-service"},
		"ServiceAccount":                   {release + "-controller-manager"},
		"ValidatingAdmissionPolicy":        {release + "-managed-by-label", release + "-national-ca"},
		"ValidatingAdmissionPolicyBinding": {release + "-managed-by-label-binding", release + "-national-ca-binding"},
		"ClusterRole":                      {"egov-province-admin", "egov-central-ops", "egov-viewer", release + "-province-role"},
	} {
		for _, name := range names {
			if named(objs, kind)[name] == nil {
				t.Errorf("no %s %s rendered", kind, name)
			}
		}
	}
	if n := len(named(objs, "CustomResourceDefinition")); n != 9 {
		t.Errorf("%d CRDs rendered, want 9", n)
	}
	if len(named(objs, "ServiceMonitor")) != 0 {
		t.Error("a ServiceMonitor is rendered by default: it needs the Prometheus Operator's CRD")
	}
}

func TestChartFollowsItsValues(t *testing.T) {
	objs := render(t, otherValues...)
	d := convert[appsv1.Deployment](t, named(objs, "Deployment")[release+"-controller-manager"])
	c := d.Spec.Template.Spec.Containers[0]
	if *d.Spec.Replicas != 3 || c.Image != "registry.example.gov.vn/egov-operator:v1.2.0" || c.ImagePullPolicy != "Always" ||
		!slices.Contains(c.Args, "--metrics-bind-address=:9443") {
		t.Errorf("manager: replicas %d, image %s (%s), args %v", *d.Spec.Replicas, c.Image, c.ImagePullPolicy, c.Args)
	}
	service := named(objs, "Service")[release+"-controller-manager-metrics-service"]
	ports, _, _ := unstructured.NestedSlice(service.Object, "spec", "ports")
	if port := ports[0].(map[string]any); fmt.Sprint(port["port"], port["targetPort"]) != "9443 9443" {
		t.Errorf("metrics Service port %v, want 9443 to 9443", port)
	}
	if named(objs, "ServiceMonitor")[release+"-controller-manager-metrics-monitor"] == nil {
		t.Error("prometheus.enabled rendered no ServiceMonitor")
	}
	if len(named(objs, "NetworkPolicy")) != 0 {
		t.Error("networkPolicy.enabled=false still rendered a NetworkPolicy")
	}
	for _, crd := range named(objs, "CustomResourceDefinition") {
		if crd.GetAnnotations()["helm.sh/resource-policy"] == "keep" {
			t.Errorf("crd.keep=false still keeps %s", crd.GetName())
		}
	}
}

// With manager.enabled=false the chart installs everything a manager run
// elsewhere needs (the local cluster runs it as a process): its
// ServiceAccount and RBAC, but no Deployment.
func TestChartWithoutTheManagerKeepsItsIdentity(t *testing.T) {
	objs := render(t, "manager.enabled=false")
	if len(named(objs, "Deployment")) != 0 {
		t.Error("manager.enabled=false still rendered the Deployment")
	}
	if named(objs, "ServiceAccount")[release+"-controller-manager"] == nil ||
		named(objs, "ClusterRoleBinding")[release+"-manager-rolebinding"] == nil {
		t.Error("manager.enabled=false dropped the manager's ServiceAccount or its ClusterRoleBinding")
	}
}

func TestChartRefusesWrongValues(t *testing.T) {
	for _, c := range []struct {
		value, namespace, message string
	}{
		{"manager.replicas=two", namespace, "at '/manager/replicas': got string, want integer"},
		{"manager.replicsa=2", namespace, "additional properties 'replicsa' not allowed"},
		{"manager.image.pullPolicy=Sometimes", namespace, "at '/manager/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"},
		{"rbac.namespaced=true", namespace, "at '/rbac/namespaced': value must be false"},
		{"metrics.port=443", namespace, "at '/metrics/port': minimum: got 443"},
		{"manager.args[0]=leader-elect", namespace, "at '/manager/args/0'"},
		{"manager.replicas=2", "default", "install egov-operator into namespace egov-operator-system"},
	} {
		t.Run(c.value+" in "+c.namespace, func(t *testing.T) {
			_, err := renderIn(c.namespace, c.value)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.message) {
				t.Fatalf("refused without saying %q: %v", c.message, err)
			}
		})
	}
}

// The operator's RBAC, from the chart and from dist/install.yaml alike,
// names every verb and resource, and no ClusterRoleBinding lets anyone read
// Secrets across the cluster: the operator's Secret access is the province
// ClusterRole, bound namespace by namespace.
func TestInstalledRBACIsLeastPrivilege(t *testing.T) {
	install, err := fleet.ReadManifests(filepath.Join(root, "dist", "install.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for source, objs := range map[string][]*unstructured.Unstructured{"chart": render(t), "dist/install.yaml": install} {
		t.Run(source, func(t *testing.T) {
			for _, problem := range rbacProblems(t, objs) {
				t.Error(problem)
			}
		})
	}
}

// rbacProblems lists the wildcards in the roles of objs and the
// ClusterRoleBindings that grant Secrets cluster-wide or bind a ClusterRole
// objs do not define.
func rbacProblems(t *testing.T, objs []*unstructured.Unstructured) []string {
	var problems []string
	clusterRoles := map[string][]rbacv1.PolicyRule{}
	for _, o := range objs {
		var rules []rbacv1.PolicyRule
		switch o.GetKind() {
		case "ClusterRole":
			rules = convert[rbacv1.ClusterRole](t, o).Rules
			clusterRoles[o.GetName()] = rules
		case "Role":
			rules = convert[rbacv1.Role](t, o).Rules
		}
		for _, rule := range rules {
			for _, field := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs, rule.NonResourceURLs} {
				if slices.Contains(field, "*") {
					problems = append(problems, fmt.Sprintf("%s %s has a wildcard: %+v", o.GetKind(), o.GetName(), rule))
				}
			}
		}
	}
	for _, o := range objs {
		if o.GetKind() != "ClusterRoleBinding" {
			continue
		}
		binding := convert[rbacv1.ClusterRoleBinding](t, o)
		rules, defined := clusterRoles[binding.RoleRef.Name]
		if !defined {
			problems = append(problems, fmt.Sprintf("ClusterRoleBinding %s binds ClusterRole %s, which the install does not define", binding.Name, binding.RoleRef.Name))
		}
		for _, rule := range rules {
			if slices.Contains(rule.APIGroups, "") && slices.Contains(rule.Resources, "secrets") &&
				slices.ContainsFunc(rule.Verbs, func(v string) bool { return v == "get" || v == "list" || v == "watch" }) {
				problems = append(problems, fmt.Sprintf("ClusterRoleBinding %s grants Secrets %v in every namespace", binding.Name, rule.Verbs))
			}
		}
	}
	return problems
}
