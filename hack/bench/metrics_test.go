package main

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseRequestCountsSumsOverOtherLabels(t *testing.T) {
	text := `# HELP apiserver_request_total [STABLE] Counter of apiserver requests.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="APPLY",version="v1"} 3
apiserver_request_total{code="409",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="APPLY",version="v1"} 1
apiserver_request_total{code="200",component="apiserver",dry_run="",group="platform.egov.vn",resource="provinceportals",scope="resource",subresource="status",verb="PATCH",version="v1alpha1"} 2
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"} 7
# TYPE other_total counter
other_total 5
`
	counts, err := parseRequestCounts(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := RequestCounts{
		{"APPLY", "apps/deployments"}:                        4,
		{"PATCH", "platform.egov.vn/provinceportals/status"}: 2,
		{"LIST", "configmaps"}:                               7,
	}
	if len(counts) != len(want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%v = %v, want %v", k, counts[k], v)
		}
	}
}

func TestManagerMetricsSumEveryControllerAndInterpolateQuantiles(t *testing.T) {
	text := `# TYPE controller_runtime_reconcile_total counter
controller_runtime_reconcile_total{controller="provinceportal",result="success"} 30
controller_runtime_reconcile_total{controller="provinceportal",result="requeue"} 10
controller_runtime_reconcile_total{controller="onestopshop",result="success"} 60
# TYPE rest_client_requests_total counter
rest_client_requests_total{code="200",host="127.0.0.1:6443",method="GET"} 120
rest_client_requests_total{code="201",host="127.0.0.1:6443",method="POST"} 80
# TYPE controller_runtime_reconcile_time_seconds histogram
controller_runtime_reconcile_time_seconds_bucket{controller="provinceportal",le="0.1"} 20
controller_runtime_reconcile_time_seconds_bucket{controller="provinceportal",le="1"} 40
controller_runtime_reconcile_time_seconds_bucket{controller="provinceportal",le="+Inf"} 40
controller_runtime_reconcile_time_seconds_sum{controller="provinceportal"} 12
controller_runtime_reconcile_time_seconds_count{controller="provinceportal"} 40
controller_runtime_reconcile_time_seconds_bucket{controller="onestopshop",le="0.1"} 30
controller_runtime_reconcile_time_seconds_bucket{controller="onestopshop",le="1"} 59
controller_runtime_reconcile_time_seconds_bucket{controller="onestopshop",le="+Inf"} 60
controller_runtime_reconcile_time_seconds_sum{controller="onestopshop"} 20
controller_runtime_reconcile_time_seconds_count{controller="onestopshop"} 60
`
	cost, err := parseManagerMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if cost.Reconciles != 100 || cost.Requests != 200 {
		t.Errorf("reconciles %v, requests %v; want 100, 200", cost.Reconciles, cost.Requests)
	}
	// 100 reconciles, 50 within 0.1 s: the median is the 0.1 s bound.
	if cost.P50 != 100*time.Millisecond {
		t.Errorf("p50 = %s, want 100ms", cost.P50)
	}
	// The 99th falls within (0.1 s, 1 s], 49 of 49 reconciles in: 1 s.
	if cost.P99 != time.Second {
		t.Errorf("p99 = %s, want 1s", cost.P99)
	}
}

func TestQuantileInterpolatesWithinItsBucketAndStopsAtTheLastFiniteBound(t *testing.T) {
	buckets := map[float64]float64{0.5: 10, 1: 30, math.Inf(1): 40}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{
		{0.125, 250 * time.Millisecond}, // rank 5 of the first 10, in [0, 0.5]
		{0.5, 750 * time.Millisecond},   // rank 20: halfway through (0.5, 1]
		{0.9, time.Second},              // rank 36 lies in +Inf: the highest finite bound
	} {
		if got := quantile(c.q, buckets); got != c.want {
			t.Errorf("quantile(%v) = %s, want %s", c.q, got, c.want)
		}
	}
	if got := quantile(0.5, map[float64]float64{}); got != 0 {
		t.Errorf("an empty histogram's median = %s, want 0", got)
	}
}

func TestCPUTimeAddsUserAndSystemTicksAfterTheCommandName(t *testing.T) {
	// A command name with spaces and a parenthesis must not shift the fields.
	stat := "4242 (my (odd) manager) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 130 0 0 20 0 12 0 1000 2000000 3000"
	got, err := cpuTime(stat)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3800 * time.Millisecond; got != want {
		t.Errorf("cpu = %s, want %s", got, want)
	}
	if _, err := cpuTime("garbage"); err == nil {
		t.Error("a malformed stat line was accepted")
	}
}

func TestProcessCostReadsThisProcessesPeakMemory(t *testing.T) {
	peak, _, err := processCost(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// A Go test binary holds at least a few MiB.
	if peak < 1<<20 {
		t.Errorf("peak RSS %d bytes", peak)
	}
}
