package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

// execute runs the command with args and returns what it printed.
func execute(args ...string) (string, error) {
	cmd := newValidateCommand("egovctl")
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestValidateFailsOnAnErrorWithItsFileAndLine(t *testing.T) {
	file := filepath.Join(testenv.RepoRoot(), "test", "testdata", "invalid", "provinceportal-code-unknown.yaml")
	out, err := execute("-f", file)
	if err == nil {
		t.Fatalf("an invalid manifest passed:\n%s", out)
	}
	if want := file + ":12: error: ProvincePortal hanoi: spec.province.code:"; !strings.Contains(out, want) {
		t.Errorf("the output does not hold %q:\n%s", want, out)
	}
}

func TestValidatePassesWithWarningsOnly(t *testing.T) {
	out, err := execute("-f", filepath.Join(testenv.RepoRoot(), "internal", "validate", "testdata", "missing-references.yaml"))
	if err != nil {
		t.Fatalf("warnings failed the command: %v\n%s", err, out)
	}
	if got := strings.Count(out, ": warning: "); got != 2 {
		t.Errorf("printed %d warnings, want 2:\n%s", got, out)
	}
}

func TestValidatePassesOnTheSamples(t *testing.T) {
	out, err := execute("-f", filepath.Join(testenv.RepoRoot(), "config", "samples"))
	if err != nil || out != "" {
		t.Errorf("the samples: %v\n%s", err, out)
	}
}
