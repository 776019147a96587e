package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// A province's Argo CD project admits exactly the kinds ClusterRole
// egov-province-admin lets the province's administrators create: no more,
// and nothing they may write but cannot sync.
func TestProvinceProjectsAdmitWhatTheProvinceRoleWrites(t *testing.T) {
	roles, err := fleet.ReadManifests("../../config/rbac/user_roles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writable := map[string]bool{}
	for _, role := range roles {
		if role.GetName() != "egov-province-admin" {
			continue
		}
		rules, _, _ := unstructured.NestedSlice(role.Object, "rules")
		for _, r := range rules {
			rule := r.(map[string]any)
			verbs, _, _ := unstructured.NestedStringSlice(rule, "verbs")
			groups, _, _ := unstructured.NestedStringSlice(rule, "apiGroups")
			resources, _, _ := unstructured.NestedStringSlice(rule, "resources")
			if !slices.Contains(verbs, "create") {
				continue
			}
			for _, g := range groups {
				for _, res := range resources {
					writable[g+"/"+res] = true
				}
			}
		}
	}
	files, err := Render("../..")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := fleet.DecodeManifests(files[argoCDProvincesFile])
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range objs {
		if obj.GetKind() != "AppProject" {
			continue
		}
		admitted := map[string]bool{}
		list, _, _ := unstructured.NestedSlice(obj.Object, "spec", "namespaceResourceWhitelist")
		for _, e := range list {
			entry := e.(map[string]any)
			admitted[fmt.Sprint(entry["group"])+"/"+strings.ToLower(fmt.Sprint(entry["kind"]))+"s"] = true
		}
		if !maps.Equal(admitted, writable) {
			t.Fatalf("AppProject %s admits %v; the province role creates %v", obj.GetName(), slices.Sorted(maps.Keys(admitted)), slices.Sorted(maps.Keys(writable)))
		}
	}
}
