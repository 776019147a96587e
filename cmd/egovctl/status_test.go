package main

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/scheme"
)

var created = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// fakeCluster serves objs, at a clock three days after created.
func fakeCluster(objs ...client.Object) (*cluster, client.WithWatch) {
	k := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(objs...).
		WithStatusSubresource(&platformv1alpha1.Province{}, &platformv1alpha1.FleetRollout{}).Build()
	c := clusterAt(created.Add(72 * time.Hour))
	c.connect = func() (client.WithWatch, error) { return k, nil }
	return c, k
}

func provinceObject(code, name, region string, envs ...platformv1alpha1.EnvironmentStatus) *platformv1alpha1.Province {
	p := &platformv1alpha1.Province{
		ObjectMeta: metav1.ObjectMeta{Name: code, Labels: map[string]string{platformv1alpha1.RegionLabel: region}, CreationTimestamp: metav1.NewTime(created)},
		Spec:       platformv1alpha1.ProvinceSpec{Code: platformv1alpha1.ProvinceCode(code), DisplayName: name},
	}
	p.Status.Environments = envs
	if len(envs) == 0 {
		p.Status.Conditions = []metav1.Condition{{Type: platformv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: platformv1alpha1.ReasonNoStacks}}
	}
	return p
}

func TestStatusListsEveryStackOfTheFleet(t *testing.T) {
	c, _ := fakeCluster(
		provinceObject("42", "Tỉnh Hà Tĩnh", "central",
			platformv1alpha1.EnvironmentStatus{Environment: "production", Namespace: "egov-hatinh", Release: "egov-2026.11", Ready: true, Reason: "Ready"},
			platformv1alpha1.EnvironmentStatus{Environment: "staging", Namespace: "egov-hatinh-staging", Release: "egov-2026.12", Reason: "SecretNotFound", Stalled: true}),
		provinceObject("01", "Thành phố Hà Nội", "north"),
	)
	out, err := run(t, c, "status")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := [][]string{
		{"CODE", "NAME", "REGION", "ENVIRONMENT", "RELEASE", "READY", "REASON", "AGE"},
		{"01", "Thành", "phố", "Hà", "Nội", "north", "-", "-", "false", "NoStacks", "3d"},
		{"42", "Tỉnh", "Hà", "Tĩnh", "central", "production", "egov-2026.11", "true", "Ready", "3d"},
		{"42", "Tỉnh", "Hà", "Tĩnh", "central", "staging", "egov-2026.12", "false", "SecretNotFound", "3d"},
	}
	if len(lines) != len(want) {
		t.Fatalf("want %d lines, got:\n%s", len(want), out)
	}
	for i, fields := range want {
		if got := strings.Fields(lines[i]); strings.Join(got, " ") != strings.Join(fields, " ") {
			t.Errorf("line %d: want %q, got %q", i, fields, got)
		}
	}

	out, err = run(t, c, "status", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []stackRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[2].Namespace != "egov-hatinh-staging" || rows[2].Reason != "SecretNotFound" || rows[0].Reason != platformv1alpha1.ReasonNoStacks {
		t.Errorf("rows: %+v", rows)
	}
}

func TestStatusWatchPrintsTheFleetAgainOnAChange(t *testing.T) {
	c, k := fakeCluster(provinceObject("42", "Tỉnh Hà Tĩnh", "central"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := newRootCommandFor("egovctl", c)
	out := &syncBuffer{}
	cmd.SetOut(out)
	cmd.SetArgs([]string{"status", "--watch"})
	done := make(chan error)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	waitFor(t, func() bool { return strings.Contains(out.String(), "NoStacks") })
	p := &platformv1alpha1.Province{}
	if err := k.Get(ctx, client.ObjectKey{Name: "42"}, p); err != nil {
		t.Fatal(err)
	}
	p.Status.Environments = []platformv1alpha1.EnvironmentStatus{{Environment: "production", Namespace: "egov-hatinh", Release: "egov-2026.11", Ready: true, Reason: "Ready"}}
	if err := k.Status().Update(ctx, p); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(out.String(), "egov-2026.11") })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestStatusRolloutShowsEachWaveAndItsProvinces(t *testing.T) {
	r := &platformv1alpha1.FleetRollout{
		ObjectMeta: metav1.ObjectMeta{Name: "egov-2026.12"},
		Spec:       platformv1alpha1.FleetRolloutSpec{Release: "egov-2026.12", Environment: "production"},
	}
	r.Status.CurrentWave = "central"
	r.Status.Waves = []platformv1alpha1.WaveStatus{
		{Name: "pilot", State: platformv1alpha1.RolloutDone, Provinces: []platformv1alpha1.ProvinceRolloutStatus{{Code: "42", State: platformv1alpha1.RolloutDone}}},
		{Name: "central", State: platformv1alpha1.RolloutProgressing, Provinces: []platformv1alpha1.ProvinceRolloutStatus{
			{Code: "38", State: platformv1alpha1.RolloutSoaking}, {Code: "40", State: platformv1alpha1.RolloutProgressing, Reason: "waiting for OneStopShop nghean"}}},
	}
	c, _ := fakeCluster(r)
	out, err := run(t, c, "status", "rollout", "egov-2026.12")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"FleetRollout egov-2026.12: release egov-2026.12, environment production, current wave central",
		"central progressing 38 soaking -",
		"central progressing 40 progressing waiting for OneStopShop nghean",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if _, err := run(t, c, "status", "rollout", "egov-2027.01"); err == nil || !strings.Contains(err.Error(), "egov-2027.01") {
		t.Errorf("a missing rollout must be an error naming it, got %v", err)
	}
}

// syncBuffer is a buffer the command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met")
}
