package main

import (
	"bytes"
	"os"
	"testing"
)

// The province IT centre's guide lists every reason the code gives.
func TestGuideListsEveryReason(t *testing.T) {
	table, err := Table("../../api/v1alpha1")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/province-it.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Splice(doc, table)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		t.Fatal("docs/province-it.md lists other reasons than the code gives: run `make manifests`")
	}
	for _, reason := range []string{"`DomainNotAssigned`", "`ReleaseNotConformant`", "`PublicIssuerRequired`", "`ProgressDeadlineExceeded`"} {
		if !bytes.Contains(doc, []byte(reason)) {
			t.Errorf("the guide lacks %s", reason)
		}
	}
}
