package argocd

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestEveryKindWithAStatusIsChecked(t *testing.T) {
	want := []string{"DocExchangeNode", "FleetRollout", "IntegrationPlatform", "NationalPlatform", "OneStopShop", "PlatformRelease", "Province", "ProvincePortal"}
	if got := Kinds(); !slices.Equal(got, want) {
		t.Errorf("Kinds() = %v; want %v (ProvinceAssignment has no status)", got, want)
	}
}

func TestConfigMapRegistersTheScriptForEveryKind(t *testing.T) {
	const script = "return { status = \"Healthy\" }\n"
	data, err := ConfigMap(script)
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	if cm.Name != "argocd-cm" || len(cm.Data) != len(Kinds()) {
		t.Errorf("ConfigMap %s holds %d keys; want argocd-cm with one per kind", cm.Name, len(cm.Data))
	}
	for _, kind := range Kinds() {
		if got := cm.Data["resource.customizations.health.platform.egov.vn_"+kind]; got != script {
			t.Errorf("%s's health check is %q; want the script", kind, got)
		}
	}
}

func TestAssessRefusesWhatArgoCDRefuses(t *testing.T) {
	for script, problem := range map[string]string{
		`return { status = "Fine" }`: "does not know",
		`return "Healthy"`:           "not a table",
		`return obj.status.phase`:    "nil",
	} {
		if _, err := Assess(script, map[string]any{"metadata": map[string]any{"name": "hanoi"}}); err == nil || !strings.Contains(err.Error(), problem) {
			t.Errorf("%s: error %v; want one saying %q", script, err, problem)
		}
	}
}
