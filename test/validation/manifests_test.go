package validation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// readDocs decodes every YAML document of a file.
func readDocs(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := fleet.ReadManifests(path)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// createNamespace creates a namespace for one test and deletes it afterwards.
func createNamespace(t *testing.T, name string) {
	t.Helper()
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	ns.SetName(name)
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), ns) })
}

func TestEverySampleIsAccepted(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(testenv.RepoRoot(), "config", "samples")
	var kustomization struct {
		Resources []string `json:"resources"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := sigsyaml.Unmarshal(data, &kustomization); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(kustomization.Resources) != len(files)-1 {
		t.Fatalf("config/samples/kustomization.yaml lists %d files, the directory holds %d samples", len(kustomization.Resources), len(files)-1)
	}
	kinds := map[string]int{}
	for _, file := range kustomization.Resources {
		for _, obj := range readDocs(t, filepath.Join(dir, file)) {
			if err := k8s.Create(ctx, obj); err != nil {
				t.Errorf("%s: %s %s refused: %v", file, obj.GetKind(), obj.GetName(), err)
				continue
			}
			kinds[obj.GetKind()]++
			t.Cleanup(func() { _ = k8s.Delete(context.Background(), obj) })
		}
	}
	want := map[string]int{"NationalPlatform": 1, "PlatformRelease": 2, "FleetRollout": 2,
		"ProvincePortal": 3, "OneStopShop": 3, "DocExchangeNode": 3, "Namespace": 3}
	for kind, n := range want {
		if kinds[kind] != n {
			t.Errorf("samples created %d %s, want %d", kinds[kind], kind, n)
		}
	}
}

// TestInvalidManifestsAreRejected applies each manifest of test/testdata/invalid.
// All documents but the last are valid and created first; the last must be
// refused (as a create, or as an update of an earlier document) with a
// message naming the field.
func TestInvalidManifestsAreRejected(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "test", "testdata", "invalid", "*.yaml"))
	if len(files) < 30 {
		t.Fatalf("the invalid corpus holds %d manifests, want at least 30", len(files))
	}
	for i, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			ctx := context.Background()
			want, err := testenv.ReadExpectation(file)
			if err != nil {
				t.Fatal(err)
			}
			docs := readDocs(t, file)
			namespace := fmt.Sprintf("invalid-%d", i)
			createNamespace(t, namespace)
			for _, obj := range docs {
				if namespaced, err := k8s.IsObjectNamespaced(obj); err != nil {
					t.Fatal(err)
				} else if namespaced {
					obj.SetNamespace(namespace)
				}
			}
			setup, invalid := docs[:len(docs)-1], docs[len(docs)-1]
			for _, obj := range setup {
				if err := k8s.Create(ctx, obj); err != nil {
					t.Fatalf("setup %s %s refused: %v", obj.GetKind(), obj.GetName(), err)
				}
				t.Cleanup(func() { _ = k8s.Delete(context.Background(), obj) })
			}
			err = applyOnce(ctx, invalid)
			if err == nil {
				t.Cleanup(func() { _ = k8s.Delete(context.Background(), invalid) })
				t.Fatalf("%s %s was accepted; want a rejection of %s", invalid.GetKind(), invalid.GetName(), want.Field)
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			t.Log(err)
			if msg := err.Error(); !strings.Contains(msg, want.Field) || !strings.Contains(msg, want.Message) {
				t.Errorf("rejection does not name %q with %q:\n%s", want.Field, want.Message, msg)
			}
		})
	}
}

// applyOnce creates obj, or updates it when an object of that name exists.
func applyOnce(ctx context.Context, obj *unstructured.Unstructured) error {
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(obj.GroupVersionKind())
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), live); apierrors.IsNotFound(err) {
		return k8s.Create(ctx, obj)
	} else if err != nil {
		return err
	}
	obj.SetResourceVersion(live.GetResourceVersion())
	return k8s.Update(ctx, obj)
}
