package main

import (
	"testing"
	"time"
)

func TestSpreadOf(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []time.Duration
		want    Spread
	}{
		{"none", nil, Spread{}},
		{"odd count", []time.Duration{5, 1, 3}, Spread{Median: 3, Min: 1, Max: 5}},
		{"even count", []time.Duration{4, 1, 2, 9}, Spread{Median: 3, Min: 1, Max: 9}},
	} {
		if got := spreadOf(tc.samples); got != tc.want {
			t.Errorf("%s: spreadOf(%v) = %+v, want %+v", tc.name, tc.samples, got, tc.want)
		}
	}
}

func TestAttributeAddsUpToTheTotalWhenStepsOverlap(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	shares := attribute(start, []Milestone{
		{What: "certificates created", Owner: "operator", At: at(2)},
		{What: "certificates issued", Owner: "cert-manager", At: at(7)},
		// Created while the certificates were being issued: no time of its own.
		{What: "workloads created", Owner: "operator", At: at(5)},
		{What: "pods Ready", Owner: "workloads", At: at(10)},
		{What: "stacks Ready", Owner: "operator", At: at(11)},
	})
	want := map[string]time.Duration{"operator": 3 * time.Second, "cert-manager": 5 * time.Second, "workloads": 3 * time.Second}
	if len(shares) != len(want) {
		t.Fatalf("shares %+v, want %v", shares, want)
	}
	for _, s := range shares {
		if s.Time != want[s.Owner] {
			t.Errorf("%s: %s, want %s", s.Owner, s.Time, want[s.Owner])
		}
	}
}

func TestRequestCountsSinceAndSum(t *testing.T) {
	before := RequestCounts{{"PATCH", "apps/deployments"}: 10, {"GET", "configmaps"}: 4}
	after := RequestCounts{{"PATCH", "apps/deployments"}: 12, {"GET", "configmaps"}: 9, {"PUT", "coordination.k8s.io/leases"}: 3}
	delta := after.since(before)
	if got := delta.sum(writeVerbs, anyResource); got != 5 {
		t.Errorf("writes = %v, want 5", got)
	}
	if got := delta.sum(writeVerbs, func(r string) bool { return r == "apps/deployments" }); got != 2 {
		t.Errorf("deployment writes = %v, want 2", got)
	}
	if got := delta.sum(readVerbs, anyResource); got != 5 {
		t.Errorf("reads = %v, want 5", got)
	}
}
