package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/egov-vn/egov-operator/internal/benchenv"
)

// parseRequestCounts reads apiserver_request_total from an API server's
// /metrics text, summed over the labels other than verb and resource.
func parseRequestCounts(metrics io.Reader) (RequestCounts, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(metrics)
	if err != nil {
		return nil, fmt.Errorf("parse /metrics: %w", err)
	}
	counts := RequestCounts{}
	family, ok := families["apiserver_request_total"]
	if !ok {
		return nil, fmt.Errorf("/metrics has no apiserver_request_total")
	}
	for _, m := range family.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		resource := labels["resource"]
		if labels["group"] != "" {
			resource = labels["group"] + "/" + resource
		}
		if labels["subresource"] != "" {
			resource += "/" + labels["subresource"]
		}
		counts[RequestKey{Verb: labels["verb"], Resource: resource}] += m.GetCounter().GetValue()
	}
	return counts, nil
}

// ManagerCost is what the manager spent from its start until the fleet
// converged: from its own /metrics and, for memory and CPU, from /proc.
type ManagerCost struct {
	// Reconciles is controller_runtime_reconcile_total over every controller.
	Reconciles float64
	// P50 and P99 are quantiles of controller_runtime_reconcile_time_seconds
	// over every controller, interpolated within buckets.
	P50, P99 time.Duration
	// Requests is rest_client_requests_total: every request the manager sent.
	Requests float64
	// PeakRSS is the manager's resident memory high-water mark (VmHWM).
	PeakRSS int64
	// CPU is the manager's user and system CPU time.
	CPU time.Duration
}

// parseManagerMetrics reads the reconcile and request counts of a
// controller-runtime manager's /metrics text.
func parseManagerMetrics(metrics io.Reader) (ManagerCost, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(metrics)
	if err != nil {
		return ManagerCost{}, fmt.Errorf("parse the manager's /metrics: %w", err)
	}
	var cost ManagerCost
	for _, m := range families["controller_runtime_reconcile_total"].GetMetric() {
		cost.Reconciles += m.GetCounter().GetValue()
	}
	for _, m := range families["rest_client_requests_total"].GetMetric() {
		cost.Requests += m.GetCounter().GetValue()
	}
	buckets := map[float64]float64{}
	for _, m := range families["controller_runtime_reconcile_time_seconds"].GetMetric() {
		for _, b := range m.GetHistogram().GetBucket() {
			buckets[b.GetUpperBound()] += float64(b.GetCumulativeCount())
		}
	}
	cost.P50, cost.P99 = quantile(0.5, buckets), quantile(0.99, buckets)
	return cost, nil
}

// quantile estimates the q-quantile of a histogram given as cumulative
// counts by upper bound, as Prometheus's histogram_quantile does: linearly
// within the bucket it falls in, the lowest bucket starting at 0 and the
// +Inf bucket answered with the highest finite bound.
func quantile(q float64, cumulative map[float64]float64) time.Duration {
	bounds := make([]float64, 0, len(cumulative))
	for le := range cumulative {
		bounds = append(bounds, le)
	}
	slices.Sort(bounds)
	if len(bounds) == 0 {
		return 0
	}
	total := cumulative[bounds[len(bounds)-1]]
	if total == 0 {
		return 0
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for _, le := range bounds {
		count := cumulative[le]
		if count >= rank {
			if math.IsInf(le, 1) {
				return seconds64(lower)
			}
			if count == below {
				return seconds64(le)
			}
			return seconds64(lower + (le-lower)*(rank-below)/(count-below))
		}
		lower, below = le, count
	}
	return seconds64(lower)
}

func seconds64(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// processCost reads a process's peak resident memory and CPU time from /proc.
func processCost(pid int) (peakRSS int64, cpu time.Duration, err error) {
	status := fmt.Sprintf("/proc/%d/status", pid)
	v, ok := benchenv.ProcField(status, "VmHWM")
	if !ok {
		return 0, 0, fmt.Errorf("%s has no VmHWM", status)
	}
	kib, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("VmHWM %q: %w", v, err)
	}
	peakRSS = kib << 10
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	cpu, err = cpuTime(string(stat))
	return peakRSS, cpu, err
}

// userHZ is the unit of /proc's CPU times, fixed by the Linux ABI.
const userHZ = 100

// cpuTime is utime + stime of a /proc/<pid>/stat line. The command name
// in parentheses may hold spaces, so fields count from its closing one.
func cpuTime(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc stat %q", stat)
	}
	// After ") ": state is field 3; utime and stime are fields 14 and 15.
	fields := strings.Fields(stat[i+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("malformed /proc stat %q", stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc stat field %q: %w", f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
