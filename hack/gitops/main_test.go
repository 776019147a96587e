package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
