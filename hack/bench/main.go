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
	"strconv"
	"strings"
	"time"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/egov-vn/egov-operator/internal/benchenv"
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
	flag.StringVar(&o.freshCluster, "fresh-cluster", "", "bash command that replaces the cluster with a new, empty one with the operator's chart installed; each scale run starts on one")
	flag.Func("scale", "comma-separated numbers of environments each province runs a stack in, measured once each after the runs, e.g. 10,30", func(v string) error {
		for f := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("%q is not a number of environments", f)
			}
			o.scale = append(o.scale, n)
		}
		return nil
	})
	flag.Parse()
	ctrllog.SetLogger(logr.Discard())
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	state, manager, kubectl, samples, out string
	// freshCluster is a bash command that replaces the cluster with a new,
	// empty one, the operator's chart installed.
	freshCluster    string
	runs, provinces int
	idle            time.Duration
	scale           []int
}

func run(ctx context.Context, o options) error {
	report := Report{Date: time.Now(), Machine: benchenv.ThisMachine(), Runs: o.runs}
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
	var cost ManagerCost
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
		var after *Report
		if i == o.runs {
			after = &report
		}
		var operator time.Duration
		if operator, cost, err = b.operatorRun(ctx, after); err != nil {
			return fmt.Errorf("operator: %w", err)
		}
		report.Operator = append(report.Operator, operator)
	}
	report.Provinces = len(b.units)
	report.Scale = []ScaleRow{{Environments: 1, Stacks: b.stackCount(), Children: report.Objects,
		Floor: spreadOf(report.Floor).Median, Operator: spreadOf(report.Operator).Median, Cost: cost}}
	// The report is written after every measure: a failure at a larger
	// scale keeps what was measured before it.
	write := func() error { return os.WriteFile(o.out, []byte(report.Markdown()), 0o644) }
	if err := write(); err != nil {
		return err
	}
	b.keepFleet = true
	for _, n := range o.scale {
		b.setEnvironments(n)
		step("scale: %d provinces × %d environments (%d stacks)", len(b.units), n, b.stackCount())
		row := ScaleRow{Environments: n, Stacks: b.stackCount()}
		if err := b.freshCluster(ctx); err != nil {
			return err
		}
		var err error
		if row.Floor, row.Children, err = b.floorRun(ctx, b.applyFloor); err != nil {
			return fmt.Errorf("floor at %d environments: %w", n, err)
		}
		if err := b.freshCluster(ctx); err != nil {
			return err
		}
		if row.Operator, row.Cost, err = b.operatorRun(ctx, nil); err != nil {
			return fmt.Errorf("operator at %d environments: %w", n, err)
		}
		report.Scale = append(report.Scale, row)
		if err := write(); err != nil {
			return err
		}
	}
	fmt.Print(report.Markdown())
	return nil
}

func step(format string, args ...any) { fmt.Fprintf(os.Stderr, "==> "+format+"\n", args...) }
