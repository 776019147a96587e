package validate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

// rootField is how the API server names the object itself as a field.
const rootField = "<nil>"

func newValidator(t *testing.T) *Validator {
	t.Helper()
	v, err := ForOperator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// errorsOf returns the findings that are errors.
func errorsOf(findings []Finding) []Finding {
	var errs []Finding
	for _, f := range findings {
		if !f.Warning {
			errs = append(errs, f)
		}
	}
	return errs
}

// Every manifest the API server refuses in test/testdata/invalid is refused
// offline too, at the same field with the same message.
func TestInvalidManifestsAreRefusedAsTheAPIServerRefusesThem(t *testing.T) {
	v := newValidator(t)
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "test", "testdata", "invalid", "*.yaml"))
	if len(files) < 30 {
		t.Fatalf("the invalid corpus holds %d manifests, want at least 30", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			want, err := testenv.ReadExpectation(file)
			if err != nil {
				t.Fatal(err)
			}
			findings, err := v.Files(context.Background(), file)
			if err != nil {
				t.Fatal(err)
			}
			errs := errorsOf(findings)
			if len(errs) == 0 {
				t.Fatalf("accepted; want a refusal of %s", want.Field)
			}
			for _, f := range errs {
				// A rule on the whole object that checks metadata.name names
				// the field in its message, as the API server's answer does.
				atField := f.Field == want.Field || f.Field == rootField && strings.Contains(f.Message, want.Field)
				if atField && strings.Contains(f.Message, want.Message) {
					return
				}
			}
			t.Errorf("no error at %s with %q:\n%s", want.Field, want.Message, joinFindings(errs))
		})
	}
}

func TestEverySampleValidatesClean(t *testing.T) {
	findings, err := newValidator(t).Files(context.Background(), filepath.Join(testenv.RepoRoot(), "config", "samples"))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) > 0 {
		t.Errorf("the samples have findings:\n%s", joinFindings(findings))
	}
}

func joinFindings(findings []Finding) string {
	lines := make([]string, len(findings))
	for i, f := range findings {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}

// wantFinding is a finding a test expects: its message holds message.
type wantFinding struct {
	file    string
	line    int
	field   string
	message string
	warning bool
}

func (w wantFinding) matches(f Finding) bool {
	return filepath.Base(f.File) == w.file && f.Line == w.line && f.Field == w.field &&
		strings.Contains(f.Message, w.message) && f.Warning == w.warning
}

// The operator's rules between objects are checked among the manifests
// given; the earlier document plays the older object. Each finding points
// at the line of its field.
func TestFindings(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  []wantFinding
	}{{
		name:  "an update of the live object that grows storage is allowed",
		files: []string{"portal.yaml", "storage-grows.yaml"},
	}, {
		name:  "a second ProvincePortal in a namespace",
		files: []string{"portal.yaml", "second-portal-in-namespace.yaml"},
		want: []wantFinding{{file: "second-portal-in-namespace.yaml", line: 5, field: "metadata.namespace",
			message: "namespace egov-hatinh is already served by ProvincePortal hatinh"}},
	}, {
		name:  "a province and environment served twice",
		files: []string{"portal.yaml", "province-served-twice.yaml"},
		want: []wantFinding{{file: "province-served-twice.yaml", line: 8, field: "spec.province.code",
			message: "province 42 (production) is already served by ProvincePortal egov-hatinh/hatinh"}},
	}, {
		name:  "a second OneStopShop in a namespace",
		files: []string{"portal.yaml", "second-one-stop-shop.yaml"},
		want: []wantFinding{{file: "second-one-stop-shop.yaml", line: 18, field: "metadata.namespace",
			message: "namespace egov-hatinh is already served by OneStopShop hatinh"}},
	}, {
		name:  "two DocExchangeNodes with one organId",
		files: []string{"portal.yaml", "organid-twice.yaml"},
		want: []wantFinding{{file: "organid-twice.yaml", line: 21, field: "spec.organId",
			message: "DocExchangeNode hatinh already exchanges documents as 000.00.00.H27"}},
	}, {
		name:  "references to objects the manifests lack are warnings",
		files: []string{"missing-references.yaml"},
		want: []wantFinding{
			{file: "missing-references.yaml", line: 11, field: "spec.release", message: "no PlatformRelease egov-2026.11", warning: true},
			{file: "missing-references.yaml", line: 20, field: "spec.portalRef.name", message: "no ProvincePortal ha-tinh in namespace egov-hatinh", warning: true},
		},
	}, {
		name:  "the items of a List, as kubectl get prints several objects",
		files: []string{"list.yaml"},
		want:  []wantFinding{{file: "list.yaml", line: 22, field: "spec.organId", message: "NNN.NN.NN.XNN"}},
	}, {
		name:  "an unknown field",
		files: []string{"unknown-field.yaml"},
		want:  []wantFinding{{file: "unknown-field.yaml", line: 11, field: "spec.replica", message: "unknown field"}},
	}}
	v := newValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths := make([]string, len(tt.files))
			for i, file := range tt.files {
				paths[i] = filepath.Join("testdata", file)
			}
			findings, err := v.Files(context.Background(), paths...)
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) != len(tt.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(findings), len(tt.want), joinFindings(findings))
			}
			for i, want := range tt.want {
				if !want.matches(findings[i]) {
					t.Errorf("finding %d is %s, want %+v", i, findings[i], want)
				}
			}
		})
	}
}
