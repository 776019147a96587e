package reliabilityreport

import (
	"strings"
	"testing"
	"time"
)

// A run as go test -json reports it: the suite's TestMain output, a test
// that passed and logged its size, one that failed, one the run stopped in
// (timed out), and lines the go command printed as text.
const events = `go: downloading example.com/x v1.0.0
{"Time":"2026-11-25T03:00:00Z","Action":"start","Package":"example.com/test/reliability"}
{"Time":"2026-11-25T03:00:01Z","Action":"output","Package":"example.com/test/reliability","Output":"cluster: ready\n"}
{"Time":"2026-11-25T03:01:00Z","Action":"run","Package":"example.com/test/reliability","Test":"TestKilled"}
{"Time":"2026-11-25T03:01:00Z","Action":"output","Package":"example.com/test/reliability","Test":"TestKilled","Output":"=== RUN   TestKilled\n"}
{"Time":"2026-11-25T03:02:00Z","Action":"output","Package":"example.com/test/reliability","Test":"TestKilled","Output":"    fleet_test.go:60: size: 4 provinces, 6 manager kills\n"}
{"Time":"2026-11-25T03:02:00Z","Action":"output","Package":"example.com/test/reliability","Test":"TestKilled","Output":"--- PASS: TestKilled (55.36s)\n"}
{"Time":"2026-11-25T03:02:00Z","Action":"pass","Package":"example.com/test/reliability","Test":"TestKilled","Elapsed":55.36}
{"Time":"2026-11-25T03:02:00Z","Action":"run","Package":"example.com/test/reliability","Test":"TestFight"}
{"Time":"2026-11-25T03:02:01Z","Action":"run","Package":"example.com/test/reliability","Test":"TestFight/replicas"}
{"Time":"2026-11-25T03:02:02Z","Action":"fail","Package":"example.com/test/reliability","Test":"TestFight/replicas","Elapsed":1}
{"Time":"2026-11-25T03:02:03Z","Action":"output","Package":"example.com/test/reliability","Test":"TestFight","Output":"    fleet_test.go:60: size: 1 provinces, 0 manager kills\n"}
{"Time":"2026-11-25T03:02:03Z","Action":"fail","Package":"example.com/test/reliability","Test":"TestFight","Elapsed":3.2}
{"Time":"2026-11-25T03:02:03Z","Action":"run","Package":"example.com/test/reliability","Test":"TestStuck"}
{"Time":"2026-11-25T04:00:00Z","Action":"output","Package":"example.com/test/reliability","Test":"TestStuck","Output":"panic: test timed out after 1h0m0s\n"}
{"Time":"2026-11-25T04:00:01Z","Action":"output","Package":"example.com/test/reliability","Output":"FAIL\texample.com/test/reliability\t3601.002s\n"}
{"Time":"2026-11-25T04:00:01Z","Action":"fail","Package":"example.com/test/reliability","Elapsed":3601.002}
`

func TestParseGivesEachTestItsResultDurationAndSize(t *testing.T) {
	run, err := Parse(strings.NewReader(events))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC); !run.Started.Equal(want) {
		t.Errorf("started %s, want %s", run.Started, want)
	}
	if run.Outcome != Fail || run.Elapsed != 3601002*time.Millisecond {
		t.Errorf("the run: %s in %s, want FAIL in 1h0m1.002s", run.Outcome, run.Elapsed)
	}
	for name, want := range map[string]Result{
		"TestKilled": {Outcome: Pass, Elapsed: 55360 * time.Millisecond, Provinces: 4, Kills: 6, Sized: true},
		// A failed subtest's own verdict is not its parent's.
		"TestFight":   {Outcome: Fail, Elapsed: 3200 * time.Millisecond, Provinces: 1, Sized: true},
		"TestStuck":   {Outcome: Unfinished},
		"TestMissing": {Outcome: NotRun},
	} {
		if got := run.Result(name); got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	if len(run.Results) != 3 {
		t.Errorf("%d tests, want 3 (no subtest on its own): %v", len(run.Results), run.Results)
	}
}

func TestParseOfASuiteThatDidNotBuildFailsWithNoTest(t *testing.T) {
	run, err := Parse(strings.NewReader(`{"ImportPath":"x [x.test]","Action":"build-output","Output":"./a_test.go:5:35: undefined: y\n"}
{"ImportPath":"x [x.test]","Action":"build-fail"}
{"Time":"2026-11-25T03:20:22Z","Action":"start","Package":"x"}
{"Time":"2026-11-25T03:20:22Z","Action":"output","Package":"x","Output":"FAIL\tx [build failed]\n"}
{"Time":"2026-11-25T03:20:22Z","Action":"fail","Package":"x","Elapsed":0,"FailedBuild":"x [x.test]"}
`))
	if err != nil {
		t.Fatal(err)
	}
	if run.Outcome != Fail || len(run.Results) != 0 {
		t.Errorf("outcome %q with %d tests, want FAIL with none", run.Outcome, len(run.Results))
	}
}

func TestParseOfACutStreamHasNoVerdict(t *testing.T) {
	run, err := Parse(strings.NewReader(`{"Time":"2026-11-25T03:00:00Z","Action":"run","Package":"x","Test":"TestA"}` + "\n" + `{"Time":"2026-11-25T03:00:01Z","Action":"pa`))
	if err != nil {
		t.Fatal(err)
	}
	if run.Outcome != "" || run.Result("TestA").Outcome != Unfinished {
		t.Errorf("outcome %q, TestA %+v: want no verdict for either", run.Outcome, run.Result("TestA"))
	}
}

func TestSizeLineIsReadBack(t *testing.T) {
	var run Run
	run.Record(Event{Action: "output", Test: "TestA", Output: "    x_test.go:1: " + SizeLine(34, 20) + "\n"})
	if got := run.Result("TestA"); !got.Sized || got.Provinces != 34 || got.Kills != 20 {
		t.Errorf("%+v, want 34 provinces and 20 kills", got)
	}
}
