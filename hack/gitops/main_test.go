package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// The committed files must be what the generator writes now.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := Render("../..")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("../..", path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `make generate`", path)
		}
	}
}

// The generated GitOps objects parse, and give every province of the table
// its own Application, AppProject and Kustomization.
func TestEveryProvinceHasItsGitOpsObjects(t *testing.T) {
	files, err := Render("../..")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, path := range []string{argoCDProvincesFile, fluxProvincesFile} {
		objs, err := fleet.DecodeManifests(files[path])
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, obj := range objs {
			count[obj.GetKind()]++
			if obj.GetKind() != "ApplicationSet" {
				continue
			}
			elements, _, err := unstructured.NestedSlice(obj.Object, "spec", "generators")
			if err != nil || len(elements) != 1 {
				t.Fatalf("ApplicationSet generators %v: %v", elements, err)
			}
			list, _, _ := unstructured.NestedSlice(elements[0].(map[string]any), "list", "elements")
			count["element"] = len(list)
		}
	}
	n := len(provinces.All())
	want := map[string]int{"AppProject": n, "ApplicationSet": 1, "element": n, "Kustomization": n}
	if !maps.Equal(count, want) {
		t.Errorf("generated %v; want %v", count, want)
	}
}
