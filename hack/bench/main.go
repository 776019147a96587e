// Command bench measures the operator on the local cluster of hack/ (see
// hack/bench.sh, `make bench`): its convergence against the floor of
// applying the same children directly, where the time until Ready goes, its
// idle cost and the cost of a change. It writes docs/benchmarks.md and
// prints the same.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

func main() {
	var o options
	flag.StringVar(&o.state, "state", ".state/bench", "state directory of the bench's cluster (hack/cluster.sh)")
	flag.StringVar(&o.manager, "manager", "", "the manager binary to run")
	flag.StringVar(&o.kubectl, "kubectl", "bin/k8s/kubectl", "the kubectl binary")
	flag.StringVar(&o.samples, "samples", "config/samples", "directory of the national samples")
	flag.IntVar(&o.provinces, "provinces", 34, "how many provinces (the first of the table) to set up; fewer for a quick check")
	flag.IntVar(&o.runs, "runs", 5, "how many times to measure convergence (operator, floor and kubectl each)")
	flag.DurationVar(&o.idle, "idle", time.Minute, "how long to count idle requests (5m for the full measure)")
	flag.StringVar(&o.out, "out", "docs/benchmarks.md", "the file the report is written to")
	flag.Parse()
	ctrllog.SetLogger(logr.Discard())
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	state, manager, kubectl, samples, out string
	runs, provinces                       int
	idle                                  time.Duration
}

func run(ctx context.Context, o options) error {
	report := Report{Date: time.Now(), Machine: machine(), Runs: o.runs}
	b, err := newBench(o)
	if err != nil {
		return err
	}
	defer b.stopOperator()
	if report.Versions, err = b.versions(); err != nil {
		return err
	}
	if err := b.setUpNational(ctx); err != nil {
		return err
	}
	for i := 1; i <= o.runs; i++ {
		step("run %d of %d", i, o.runs)
		floor, objects, err := b.floorRun(ctx, b.applyFloor)
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		report.Floor, report.Objects = append(report.Floor, floor), objects
		kubectl, _, err := b.floorRun(ctx, b.applyKubectl)
		if err != nil {
			return fmt.Errorf("kubectl: %w", err)
		}
		report.Kubectl = append(report.Kubectl, kubectl)
		last := i == o.runs
		operator, err := b.operatorRun(ctx, &report, last)
		if err != nil {
			return fmt.Errorf("operator: %w", err)
		}
		report.Operator = append(report.Operator, operator)
	}
	report.Provinces = len(b.units)
	doc := report.Markdown()
	fmt.Print(doc)
	return os.WriteFile(o.out, []byte(doc), 0o644)
}

func step(format string, args ...any) { fmt.Fprintf(os.Stderr, "==> "+format+"\n", args...) }
