// Command reliability-report reads the reliability suite's `go test -json`
// on its standard input (`make test-reliability` pipes it in), prints the
// tests' output as `go test -v` would, keeps the events in -log, and at
// the end writes -out (docs/reliability.md): every scenario of -suite with
// its result, duration and size, the machine, the date and the versions.
// It writes the report whatever the tests' result; the make target takes
// its exit status from go test.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/egov-vn/egov-operator/internal/benchenv"
	"github.com/egov-vn/egov-operator/internal/reliabilityreport"
)

func main() {
	var (
		logPath, out, suite, flags string
		kubernetes, kwok           string
	)
	flag.StringVar(&logPath, "log", "", "file to keep the events in (none if empty)")
	flag.StringVar(&out, "out", "docs/reliability.md", "the report to write")
	flag.StringVar(&suite, "suite", "test/reliability", "directory of the suite's tests, read for their names and doc comments")
	flag.StringVar(&flags, "flags", "", "the RELIABILITY_FLAGS the suite ran with")
	flag.StringVar(&kubernetes, "kubernetes", "unknown", "the Kubernetes version the local cluster is built at (hack/versions.env)")
	flag.StringVar(&kwok, "kwok", "unknown", "the kwok version the local cluster is built at (hack/versions.env)")
	flag.Parse()

	run, err := follow(os.Stdin, os.Stdout, logPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability-report:", err)
	}
	scenarios, err := reliabilityreport.Scenarios(os.DirFS(suite))
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability-report:", err)
		os.Exit(1)
	}
	report := reliabilityreport.Report{
		Machine: benchenv.ThisMachine(),
		Versions: []benchenv.Version{
			{Name: "egov-operator", Version: benchenv.OperatorVersion()},
			{Name: "Go", Version: runtime.Version()},
			{Name: "Kubernetes", Version: kubernetes},
			{Name: "controller-runtime", Version: benchenv.ModuleVersion("sigs.k8s.io/controller-runtime")},
			{Name: "cert-manager", Version: benchenv.ModuleVersion("github.com/cert-manager/cert-manager")},
			{Name: "kwok", Version: kwok},
		},
		Flags:     flags,
		Scenarios: scenarios,
		Run:       run,
		Log:       logPath,
	}
	if err := os.WriteFile(out, []byte(report.Markdown()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "reliability-report:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "reliability-report: wrote %s (%s)\n", out, run.Outcome)
}

// follow reads events from in until it ends, printing their output to
// show and keeping every line in the file logPath. It reads to the end
// even when the log cannot be written, so go test is never cut off.
func follow(in io.Reader, show io.Writer, logPath string) (reliabilityreport.Run, error) {
	var run reliabilityreport.Run
	var keep io.Writer = io.Discard
	var logErr error
	if logPath != "" {
		f, err := os.Create(logPath)
		if err != nil {
			logErr = err
		} else {
			defer f.Close()
			keep = f
		}
	}
	lines := bufio.NewReader(in)
	for {
		line, err := lines.ReadBytes('\n')
		if _, werr := keep.Write(line); werr != nil && logErr == nil {
			logErr, keep = werr, io.Discard
		}
		if e, ok := reliabilityreport.Decode(line); ok {
			run.Record(e)
			fmt.Fprint(show, e.Output)
		} else {
			// A line the go command printed as text.
			_, _ = show.Write(line)
		}
		if errors.Is(err, io.EOF) {
			return run, logErr
		}
		if err != nil {
			return run, errors.Join(err, logErr)
		}
	}
}
