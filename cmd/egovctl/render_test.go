package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/egov-vn/egov-operator/internal/fleet"
)

const samples = "../../config/samples"

// clusterAt is a cluster whose clock reads now, for commands that read no cluster.
func clusterAt(now time.Time) *cluster {
	c := newCluster()
	c.clock = clocktesting.NewFakePassiveClock(now)
	return c
}

// renderedAt is a day the samples' release and trusted roots are valid.
var renderedAt = time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)

func TestRenderPrintsOneProvincesStackSorted(t *testing.T) {
	c := clusterAt(renderedAt)
	out, err := run(t, c, "render", "-f", samples, "--province", "42", "--environment", "production")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := fleet.DecodeManifests([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatal("nothing rendered")
	}
	var last string
	for _, u := range objs {
		if u.GetNamespace() != "egov-hatinh" {
			t.Errorf("%s %s is not Hà Tĩnh's", u.GetKind(), u.GetName())
		}
		key := u.GetKind() + "/" + u.GetNamespace() + "/" + u.GetName()
		if key < last {
			t.Errorf("%s after %s: not sorted", key, last)
		}
		last = key
	}
	// The issuer references carry the group the CRD defaults them to, as in the cluster.
	if !strings.Contains(out, "group: cert-manager.io") {
		t.Error("the CRDs' defaults were not applied")
	}
}

func TestRenderRefusesAReleaseNoLongerConformant(t *testing.T) {
	// The samples' exchange node is declared conformant until 2028-12-31.
	c := clusterAt(time.Date(2029, 1, 2, 0, 0, 0, 0, time.UTC))
	_, err := run(t, c, "render", "-f", samples, "--province", "42")
	if err == nil || !strings.Contains(err.Error(), "is not conformant") {
		t.Errorf("want the release refused, got %v", err)
	}
}

func TestRenderNeedsTheNationalPlatform(t *testing.T) {
	c := clusterAt(renderedAt)
	_, err := run(t, c, "render", "-f", samples+"/province_42_hatinh.yaml")
	if err == nil || !strings.Contains(err.Error(), "no NationalPlatform") {
		t.Errorf("want the missing NationalPlatform named, got %v", err)
	}
}

func TestRenderRefusesAFollowerWithoutItsPortal(t *testing.T) {
	// A one-stop-shop without its portal: the portal's document is dropped.
	hatinh, err := os.ReadFile(samples + "/province_42_hatinh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, doc := range strings.Split(string(hatinh), "\n---\n") {
		if !strings.Contains(doc, "kind: ProvincePortal") {
			kept = append(kept, doc)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hatinh.yaml"), []byte(strings.Join(kept, "\n---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = run(t, clusterAt(renderedAt), "render", "-f", samples+"/platform_v1alpha1_nationalplatform.yaml", "-f", dir)
	if err == nil || !strings.Contains(err.Error(), "follows ProvincePortal hatinh, which is not in the manifests") {
		t.Errorf("want the missing portal named, got %v", err)
	}
}
