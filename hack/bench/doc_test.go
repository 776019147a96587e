package main

import (
	"strings"
	"testing"
	"time"
)

func TestMarkdownTellsTheMachineAndTheRatioToTheFloor(t *testing.T) {
	start := time.Date(2026, 11, 24, 21, 0, 0, 0, time.UTC)
	milestones := []Milestone{
		{What: "Certificates created", Owner: "operator", At: start.Add(2 * time.Second)},
		{What: "Certificates issued (Ready)", Owner: "cert-manager", At: start.Add(10 * time.Second)},
	}
	r := Report{
		Machine:  Machine{CPU: "Test CPU", Cores: 2, MemoryGiB: 7.5, Load: "11.58 12.70 13.50"},
		Date:     start,
		Versions: []Version{{"Go", "go1.26.0"}},
		Runs:     3, Provinces: 34, Objects: 700,
		Operator:   []time.Duration{4 * time.Second, 6 * time.Second, 5 * time.Second},
		Floor:      []time.Duration{2 * time.Second, 3 * time.Second, 2 * time.Second},
		Kubectl:    []time.Duration{30 * time.Second, 31 * time.Second, 29 * time.Second},
		ReadyStart: start, Milestones: milestones, Shares: attribute(start, milestones), Ready: 10 * time.Second,
		Idle: RequestCost{Window: 2 * time.Minute, Reads: 30, Writes: 8, WritesByResource: map[string]float64{"coordination.k8s.io/leases": 8}},
		Scale: []ScaleRow{{Environments: 10, Stacks: 340, Children: 21420, Floor: 400 * time.Second, Operator: 500 * time.Second,
			Cost: ManagerCost{Reconciles: 5000, P50: 20 * time.Millisecond, P99: 1500 * time.Millisecond, Requests: 68000, PeakRSS: 150 << 20, CPU: 90 * time.Second}}},
	}
	doc := r.Markdown()
	for _, want := range []string{
		"on Test CPU (2 cores, 7.5 GiB), load average 11.58 12.70 13.50 at the start; 3 run(s) of 34 provinces.",
		"| Go | go1.26.0 |",
		"| operator | 5.0 s | 4.0 s | 6.0 s | 2.5× |",
		"| floor (16 workers) | 2.0 s | 2.0 s | 3.0 s | 1.0× |",
		"| `kubectl apply --server-side` | 30.0 s | 29.0 s | 31.0 s | 15.0× |",
		"| Certificates issued (Ready) | +10.0 s | cert-manager |",
		"| cert-manager | 8.0 s | 80 % |",
		"| writes to the operator's kinds | 0 | 0.0 |",
		"| reads (get, list), every client | 30 | 15.0 |",
		"Writes by resource: coordination.k8s.io/leases 8.",
		"| 10 | 340 | 21420 | 400.0 s | 500.0 s | 1.2× | 10.0 | 20 ms | 1500 ms | 150 MiB | 90.0 s | 200 |",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report lacks %q:\n%s", want, doc)
		}
	}
}
