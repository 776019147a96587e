package reliabilityreport

import (
	"strings"
	"testing"
	"time"

	"github.com/egov-vn/egov-operator/internal/benchenv"
)

func TestMarkdownTellsEveryScenarioTheMachineAndTheSize(t *testing.T) {
	run, err := Parse(strings.NewReader(events))
	if err != nil {
		t.Fatal(err)
	}
	r := Report{
		Machine:  benchenv.Machine{CPU: "Test CPU", Cores: 2, MemoryGiB: 23.4},
		Versions: []benchenv.Version{{Name: "Go", Version: "go1.26.8"}},
		Scenarios: []Scenario{
			{Name: "TestKilled", Description: "The manager is killed | again."},
			{Name: "TestFight", Description: "A fight."},
			{Name: "TestStuck", Description: "Stuck."},
			{Name: "TestNew", Description: "Not run."},
		},
		Run: run,
		Log: ".state/reliability/go-test.json",
	}
	doc := r.Markdown()
	for _, want := range []string{
		"Run on 2026-11-25 03:00 UTC on Test CPU (2 cores, 23.4 GiB).",
		"Flags: none (`make test-reliability`), the default size, the one CI runs. The full size is `make test-reliability RELIABILITY_FLAGS='-args -provinces 34 -kills 10'`.",
		"Result: **FAIL** in 60 min 01 s",
		"| `TestKilled` | The manager is killed \\| again. | PASS | 55.4 s | 4 | 6 |",
		"| `TestFight` | A fight. | FAIL | 3.2 s | 1 | 0 |",
		"| `TestStuck` | Stuck. | FAIL (did not finish) | – | – | – |",
		"| `TestNew` | Not run. | NOT RUN | – | – | – |",
		"| Go | go1.26.8 |",
		"`.state/reliability/go-test.json`",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q:\n%s", want, doc)
		}
	}
	r.Flags = " " + FullSize
	if doc := r.Markdown(); !strings.Contains(doc, "Flags: `RELIABILITY_FLAGS='"+FullSize+"'`, the full size.") {
		t.Errorf("the full size is not said:\n%s", doc)
	}
	r.Flags, r.Run = "-run TestKilled", Run{}
	if doc := r.Markdown(); !strings.Contains(doc, "Flags: `RELIABILITY_FLAGS='-run TestKilled'`. The default size") || !strings.Contains(doc, "Result: **FAIL: the run ended before go test gave its verdict**") {
		t.Errorf("other flags or a run without verdict:\n%s", doc)
	}
}

func TestDurationIsReadable(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1500 * time.Millisecond:               "1.5 s",
		59*time.Second + 940*time.Millisecond: "59.9 s",
		11*time.Minute + 30*time.Second:       "11 min 30 s",
		61*time.Minute + 5*time.Second:        "61 min 05 s",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%s) = %q, want %q", d, got, want)
		}
	}
}
