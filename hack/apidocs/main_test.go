package main

import (
	"bytes"
	"os"
	"testing"
)

// The committed API reference must describe the committed CRDs.
func TestAPIReferenceIsCurrent(t *testing.T) {
	want, err := Render("../../config/crd/bases")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/api.md is stale: run `make manifests`")
	}
	for _, field := range []string{"`spec.province.code`", "`spec.components[].image`", "`spec.waves[].maxUnavailable`", "`spec.storage.size`", "| `docExchange` | QCVN 102:2016/BTTTT |"} {
		if !bytes.Contains(got, []byte(field)) {
			t.Errorf("docs/api.md lacks %s", field)
		}
	}
}
