package offline_test

import (
	"path/filepath"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/offline"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// Read from a cluster, a Certificate issued twice (cert-manager may at
// birth) renders its workloads with its revision, as the operator does;
// without it, a Certificate counts as issued once.
func TestCertificatesGivenRenderAtTheirRevision(t *testing.T) {
	samples := filepath.Join(testenv.RepoRoot(), "config", "samples")
	checksum := func(revision int64) string {
		t.Helper()
		var docs []*unstructured.Unstructured
		files, err := fleet.ManifestFiles(samples)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			objs, err := fleet.ReadManifests(file)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, objs...)
		}
		if revision > 0 {
			cert := &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"revision": revision}}}
			cert.SetAPIVersion("cert-manager.io/v1")
			cert.SetKind("Certificate")
			cert.SetNamespace("egov-hatinh")
			cert.SetName("hatinh-client")
			docs = append(docs, cert)
		}
		m, err := offline.Decode(docs)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := m.Render(offline.Filter{}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, obj := range objs {
			if d, ok := obj.(*appsv1.Deployment); ok && d.Namespace == "egov-hatinh" && d.Name == "hatinh-portal" {
				return d.Spec.Template.Annotations[render.ChecksumAnnotation]
			}
		}
		t.Fatal("no portal Deployment of Hà Tĩnh rendered")
		return ""
	}
	if unknown, once := checksum(0), checksum(1); unknown != once {
		t.Errorf("without the Certificate the render is not the one of a Certificate issued once")
	}
	if once, twice := checksum(1), checksum(2); once == twice {
		t.Errorf("a Certificate issued twice renders the same checksum as one issued once")
	}
}
