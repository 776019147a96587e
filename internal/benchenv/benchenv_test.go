package benchenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProcFieldReadsTheFirstLineOfThatName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpuinfo")
	data := "processor\t: 0\nmodel name\t: Test CPU @ 2.20GHz\nprocessor\t: 1\nmodel name\t: Other CPU\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, ok := ProcField(path, "model name"); !ok || v != "Test CPU @ 2.20GHz" {
		t.Errorf("model name: %q, %v", v, ok)
	}
	if _, ok := ProcField(path, "MemTotal"); ok {
		t.Error("found a field the file does not hold")
	}
	if _, ok := ProcField(filepath.Join(t.TempDir(), "missing"), "model name"); ok {
		t.Error("found a field in a missing file")
	}
}

func TestModuleVersionFallsBackToWhatTheModuleRequires(t *testing.T) {
	// The test binary links controller-runtime only if this package
	// imports it, which it does not: the version comes from go list.
	if v := ModuleVersion("sigs.k8s.io/controller-runtime"); v == "unknown" || v[0] != 'v' {
		t.Errorf("controller-runtime's version: %q", v)
	}
	if v := ModuleVersion("example.com/not/a/dependency"); v != "unknown" {
		t.Errorf("a module the build does not require: %q, want unknown", v)
	}
}
