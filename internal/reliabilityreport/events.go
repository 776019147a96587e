// Package reliabilityreport turns a run of the reliability suite
// (test/reliability), as `go test -json` reports it, into
// docs/reliability.md: every scenario with its result, its duration and the
// size it ran at, the machine and the versions.
package reliabilityreport

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Outcomes of a scenario and of a run.
const (
	Pass = "PASS"
	Fail = "FAIL"
	Skip = "SKIP"
	// NotRun is a scenario the run never started: the suite did not build,
	// its cluster did not come up, or -run left it out.
	NotRun = "NOT RUN"
	// Unfinished is a scenario the run started and never ended: the suite
	// timed out or was killed in it.
	Unfinished = "FAIL (did not finish)"
)

// Event is one line of `go test -json` (`go doc test2json`).
type Event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

// Result is what a run reported of one scenario.
type Result struct {
	Outcome string
	Elapsed time.Duration
	// Provinces and Kills are the size the scenario ran at, from the line
	// SizeLine it logged; Sized says it logged one.
	Provinces, Kills int
	Sized            bool
}

// Run is one run of the suite.
type Run struct {
	// Started is the time of the run's first event.
	Started time.Time
	// Outcome is the package's: Pass, Fail, or empty when the events ended
	// before go test gave it.
	Outcome string
	// Elapsed is the whole run's, the cluster's start and teardown included.
	Elapsed time.Duration
	// Results holds every top-level test the run started, by name.
	Results map[string]*Result
}

// sizeLine is what SizeLine prints and Record reads back.
var sizeLine = regexp.MustCompile(`size: (\d+) provinces, (\d+) manager kills`)

// SizeLine is the line a scenario logs to say the size it ran at: how many
// provinces it served and how many times it SIGKILLed the manager.
func SizeLine(provinces, kills int) string {
	return fmt.Sprintf("size: %d provinces, %d manager kills", provinces, kills)
}

// Record adds one event to the run. Subtests' events count as their
// top-level test's output.
func (r *Run) Record(e Event) {
	if r.Started.IsZero() && !e.Time.IsZero() {
		r.Started = e.Time
	}
	elapsed := time.Duration(e.Elapsed * float64(time.Second))
	if e.Test == "" {
		switch e.Action {
		case "pass":
			r.Outcome, r.Elapsed = Pass, elapsed
		case "fail", "build-fail":
			r.Outcome, r.Elapsed = Fail, elapsed
		}
		return
	}
	name, sub, _ := strings.Cut(e.Test, "/")
	if r.Results == nil {
		r.Results = map[string]*Result{}
	}
	res, ok := r.Results[name]
	if !ok {
		res = &Result{Outcome: Unfinished}
		r.Results[name] = res
	}
	switch {
	case e.Action == "output":
		if m := sizeLine.FindStringSubmatch(e.Output); m != nil {
			res.Provinces, _ = strconv.Atoi(m[1])
			res.Kills, _ = strconv.Atoi(m[2])
			res.Sized = true
		}
	case sub != "":
	case e.Action == "pass":
		res.Outcome, res.Elapsed = Pass, elapsed
	case e.Action == "fail":
		res.Outcome, res.Elapsed = Fail, elapsed
	case e.Action == "skip":
		res.Outcome, res.Elapsed = Skip, elapsed
	}
}

// Result is the result of the scenario named, NotRun when the run never
// started it.
func (r Run) Result(name string) Result {
	if res, ok := r.Results[name]; ok {
		return *res
	}
	return Result{Outcome: NotRun}
}

// Decode reads one line of `go test -json`; ok is false when the line is
// not an event (a line the go command printed as text).
func Decode(line []byte) (e Event, ok bool) {
	if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
		return Event{}, false
	}
	return e, true
}

// Parse reads a whole `go test -json` stream, skipping lines that are not
// events.
func Parse(in io.Reader) (Run, error) {
	var run Run
	lines := bufio.NewReader(in)
	for {
		line, err := lines.ReadBytes('\n')
		if e, ok := Decode(line); ok {
			run.Record(e)
		}
		if errors.Is(err, io.EOF) {
			return run, nil
		}
		if err != nil {
			return run, err
		}
	}
}
