package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/egov-vn/egov-operator/internal/benchenv"
)

// Report is everything one `make bench` measured, and where.
type Report struct {
	Machine  Machine
	Date     time.Time
	Versions []Version
	// Runs is how many times the convergence was measured.
	Runs      int
	Provinces int
	// Objects is how many children the floor applies.
	Objects                  int
	Operator, Floor, Kubectl []time.Duration
	// Ready is the time from creating the custom resources to every stack
	// Ready in the last run, split by who spent it.
	Ready      time.Duration
	Milestones []Milestone
	Shares     []Share
	ReadyStart time.Time
	Idle       RequestCost
	Change     ChangeCost
	// Scale is one row per number of environments: the first the runs
	// above (medians, the last run's manager), the others measured once.
	Scale []ScaleRow
}

// ScaleRow is the convergence of a fleet whose provinces each run a stack
// in Environments environments.
type ScaleRow struct {
	Environments, Stacks, Children int
	Floor, Operator                time.Duration
	Cost                           ManagerCost
}

// Machine is where the benchmark ran.
type Machine = benchenv.Machine

// Version is one component's version.
type Version struct {
	Name, Version string
}

// RequestCost is what the API server counted over a window.
type RequestCost struct {
	Window time.Duration
	// OperatorWrites are writes to the kinds the operator renders and to
	// the operator's own API group; Writes and Reads count every client.
	OperatorWrites, Writes, Reads float64
	// WritesByResource breaks Writes down.
	WritesByResource map[string]float64
}

func (c RequestCost) perMinute(n float64) float64 {
	if c.Window <= 0 {
		return 0
	}
	return n / c.Window.Minutes()
}

// ChangeCost is what one change to the NationalPlatform and one release
// rollout cost.
type ChangeCost struct {
	Field string
	// ChildrenChanged is how many children the change re-renders.
	ChildrenChanged int
	Converged       time.Duration
	Requests        RequestCost
	Rollout         time.Duration
}

// Markdown is docs/benchmarks.md.
func (r Report) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# Benchmarks")
	p("")
	p("<!-- Written by `make bench` (hack/bench); do not edit. -->")
	p("")
	p("Measured %s on %s (%d cores, %.1f GiB), load average %s at the start; %d run(s) of %d provinces.",
		r.Date.UTC().Format("2006-01-02 15:04 MST"), r.Machine.CPU, r.Machine.Cores, r.Machine.MemoryGiB, r.Machine.Load, r.Runs, r.Provinces)
	p("")
	p("| Component | Version |")
	p("|---|---|")
	for _, v := range r.Versions {
		p("| %s | %s |", v.Name, v.Version)
	}
	p("")
	p("## Convergence against the floor")
	p("")
	p("From creating the %d provinces' custom resources until every child (%d objects) exists with its desired content, against the floor: the same objects, as `egovctl render` prints them, applied with server-side apply by 16 workers with no client-side rate limit.", r.Provinces, r.Objects)
	p("")
	p("| Applied by | Median | Min | Max | Median / floor |")
	p("|---|---|---|---|---|")
	floor := spreadOf(r.Floor)
	for _, row := range []struct {
		name    string
		samples []time.Duration
	}{{"operator", r.Operator}, {"floor (16 workers)", r.Floor}, {"`kubectl apply --server-side`", r.Kubectl}} {
		s := spreadOf(row.samples)
		p("| %s | %s | %s | %s | %s |", row.name, seconds(s.Median), seconds(s.Min), seconds(s.Max), ratio(s.Median, floor.Median))
	}
	p("")
	p("## Scale")
	p("")
	p("The %d provinces each running a stack in 1 or more environments (a namespace each). Convergence as above; the manager's figures from its start until convergence: reconciles and their latency from controller-runtime's metrics (all controllers), requests it sent (rest_client_requests_total), peak resident memory (VmHWM) and CPU time from /proc. The first row is the runs above (medians; the manager of the last run), the others one run each: the floor and the operator each on a fresh cluster, since deleting thousands of stacks between them would take the namespace controller longer than the runs.", r.Provinces)
	p("")
	p("| Environments | Stacks | Children | Floor | Operator | Operator / floor | Reconciles/s | p50 | p99 | Peak RSS | CPU | Requests per stack |")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, row := range r.Scale {
		c := row.Cost
		p("| %d | %d | %d | %s | %s | %s | %.1f | %s | %s | %.0f MiB | %s | %.0f |", row.Environments, row.Stacks, row.Children,
			seconds(row.Floor), seconds(row.Operator), ratio(row.Operator, row.Floor), perSecond(c.Reconciles, row.Operator),
			milliseconds(c.P50), milliseconds(c.P99), float64(c.PeakRSS)/(1<<20), seconds(c.CPU), c.Requests/float64(max(row.Stacks, 1)))
	}
	p("")
	p("## Where the time goes until Ready")
	p("")
	p("The last run: %s from creating the custom resources until every ProvincePortal, OneStopShop and DocExchangeNode is Ready. Each line is the moment the last object of the fleet got there, from the objects' own timestamps (whole seconds); the stretch from one line to the next is its owner's, a line reached before the one above adds nothing.", seconds(r.Ready))
	p("")
	p("| Last of the fleet | At | Owner |")
	p("|---|---|---|")
	for _, m := range r.Milestones {
		p("| %s | +%s | %s |", m.What, seconds(m.At.Sub(r.ReadyStart)), m.Owner)
	}
	p("")
	p("| Owner | Time | Share |")
	p("|---|---|---|")
	for _, s := range r.Shares {
		p("| %s | %s | %s |", s.Owner, seconds(s.Time), percent(s.Time, r.Ready))
	}
	p("")
	p("## Idle cost")
	p("")
	p("Requests the API server counted (apiserver_request_total) over %s after every stack was Ready, per minute.", r.Idle.Window.Round(time.Second))
	p("")
	r.requestTable(&b, r.Idle)
	p("")
	p("## Change cost")
	p("")
	p("Changing %s on the NationalPlatform re-renders %d children: every stack reflected it after %s. Requests from the change until then:", r.Change.Field, r.Change.ChildrenChanged, seconds(r.Change.Converged))
	p("")
	r.requestTable(&b, r.Change.Requests)
	p("")
	p("A new release rolled to all %d provinces in one wave (a FleetRollout, soakSeconds 0): done after %s.", r.Provinces, seconds(r.Change.Rollout))
	return b.String()
}

func (r Report) requestTable(b *strings.Builder, c RequestCost) {
	fmt.Fprintf(b, "| Requests | Count | Per minute |\n|---|---|---|\n")
	for _, row := range []struct {
		name string
		n    float64
	}{{"writes to the operator's kinds", c.OperatorWrites}, {"writes, every client", c.Writes}, {"reads (get, list), every client", c.Reads}} {
		fmt.Fprintf(b, "| %s | %.0f | %.1f |\n", row.name, row.n, c.perMinute(row.n))
	}
	resources := make([]string, 0, len(c.WritesByResource))
	for res := range c.WritesByResource {
		resources = append(resources, res)
	}
	slices.Sort(resources)
	if len(resources) > 0 {
		fmt.Fprintf(b, "\nWrites by resource: ")
		for i, res := range resources {
			sep := ", "
			if i == len(resources)-1 {
				sep = ".\n"
			}
			fmt.Fprintf(b, "%s %.0f%s", res, c.WritesByResource[res], sep)
		}
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func milliseconds(d time.Duration) string {
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

func perSecond(n float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

func ratio(d, floor time.Duration) string {
	if floor <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", float64(d)/float64(floor))
}

func percent(part, whole time.Duration) string {
	if whole <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*float64(part)/float64(whole))
}
