package main

import (
	"bytes"
	"os"
	"testing"
)

// The committed ProvinceCode type must be what the province table produces.
func TestProvinceCodeTypeIsCurrent(t *testing.T) {
	want, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../api/v1alpha1/zz_generated.provincecode.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("api/v1alpha1/zz_generated.provincecode.go is stale: run `make generate`")
	}
}
