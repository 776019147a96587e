package reliabilityreport

import (
	"fmt"
	"strings"
	"time"

	"github.com/egov-vn/egov-operator/internal/benchenv"
)

// FullSize is the RELIABILITY_FLAGS of the suite's full size.
const FullSize = "-args -provinces 34 -kills 10"

// Report is docs/reliability.md: one run of the suite, where it ran and
// what it ran.
type Report struct {
	Machine  benchenv.Machine
	Versions []benchenv.Version
	// Flags are the RELIABILITY_FLAGS the suite ran with; empty is the
	// default size, the one CI runs.
	Flags     string
	Scenarios []Scenario
	Run       Run
	// Log is where the run's events are kept.
	Log string
}

// Markdown is the report as docs/reliability.md holds it.
func (r Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# Reliability")
	p("")
	p("<!-- Written by `make test-reliability` (hack/reliability-report, from `go test -json`); do not edit. -->")
	p("")
	p("Run on %s on %s (%d cores, %.1f GiB).", r.Run.Started.UTC().Format("2006-01-02 15:04 MST"),
		r.Machine.CPU, r.Machine.Cores, r.Machine.MemoryGiB)
	p("")
	p("%s", r.size())
	p("")
	outcome := r.Run.Outcome
	if outcome == "" {
		outcome = Fail + ": the run ended before go test gave its verdict"
	}
	p("Result: **%s** in %s, the local cluster's start and teardown included. Each scenario is a test of [`test/reliability`](../test/reliability); what it checks is its doc comment's first sentence.", outcome, duration(r.Run.Elapsed))
	p("")
	p("| Scenario | What it checks | Result | Duration | Provinces | Manager kills |")
	p("|---|---|---|---|---|---|")
	for _, s := range r.Scenarios {
		res := r.Run.Result(s.Name)
		provinces, kills, elapsed := "–", "–", "–"
		if res.Sized {
			provinces, kills = fmt.Sprint(res.Provinces), fmt.Sprint(res.Kills)
		}
		if res.Outcome != NotRun && res.Outcome != Unfinished {
			elapsed = duration(res.Elapsed)
		}
		p("| `%s` | %s | %s | %s | %s | %s |", s.Name, cell(s.Description), res.Outcome, elapsed, provinces, kills)
	}
	p("")
	p("| Component | Version |")
	p("|---|---|")
	for _, v := range r.Versions {
		p("| %s | %s |", v.Name, v.Version)
	}
	if r.Log != "" {
		p("")
		p("The run's `go test -json` events are in `%s` until the next run.", r.Log)
	}
	return b.String()
}

// size says which size the suite ran at, from its flags.
func (r Report) size() string {
	full := "`make test-reliability RELIABILITY_FLAGS='" + FullSize + "'`"
	switch flags := strings.TrimSpace(r.Flags); flags {
	case "":
		return "Flags: none (`make test-reliability`), the default size, the one CI runs. The full size is " + full + "."
	case FullSize:
		return "Flags: `RELIABILITY_FLAGS='" + flags + "'`, the full size."
	default:
		return "Flags: `RELIABILITY_FLAGS='" + flags + "'`. The default size (no flags) is the one CI runs; the full size is " + full + "."
	}
}

// cell keeps text within one table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// duration prints d to the tenth of a second under a minute, to the second above.
func duration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
}
