package main

import (
	"bytes"
	"os"
	"testing"
)

// The vendors' guide describes the workloads the operator renders.
func TestVendorsGuideDescribesTheRenderedWorkloads(t *testing.T) {
	contract, err := Contract("../../internal/render/testdata")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/vendors.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Splice(doc, contract)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		t.Fatal("docs/vendors.md does not describe what the operator renders: run `make manifests`")
	}
	for _, fact := range []string{"`hatinh-portal`", "`EGOV_ORGAN_ID`", "`/etc/egov/trust`", "StatefulSet `hatinh-edxml-node`"} {
		if !bytes.Contains(doc, []byte(fact)) {
			t.Errorf("the guide lacks %s", fact)
		}
	}
}
