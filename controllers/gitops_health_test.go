package controllers

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/argocd"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/rollout"
)

// healthCase is an object of one kind in one state, its status written by
// the operator's own status code, and the health Argo CD must read from it.
type healthCase struct {
	kind, state string
	obj         client.Object
	// argo is the health config/argocd/health.lua must give.
	argo string
	// message is part of the message Argo CD must show.
	message string
	// whilePaused is what kstatus reads of a Suspended object: it knows no
	// pause, and reads the conditions the object kept.
	whilePaused status.Status
}

// kstatusOfHealth is how kstatus (what Flux waits on) must read an object
// Argo CD reads as Healthy, Progressing or Degraded.
var kstatusOfHealth = map[string]status.Status{
	"Healthy":     status.CurrentStatus,
	"Progressing": status.InProgressStatus,
	"Degraded":    status.FailedStatus,
}

// Argo CD and kstatus read every kind alike: Healthy and Current once
// Ready, Progressing and InProgress while the operator converges or has not
// seen the latest generation, Degraded and Failed when a user must act, and
// Argo CD shows Suspended while a pause holds.
func TestArgoCDAndKstatusReadEveryKindAlike(t *testing.T) {
	script := healthScript(t)
	var cases []healthCase
	cases = append(cases, commonHealthCases("NationalPlatform", func() object { return &platformv1alpha1.NationalPlatform{} }, platformv1alpha1.ConditionCAIssuerReady)...)
	cases = append(cases, commonHealthCases("PlatformRelease", func() object { return &platformv1alpha1.PlatformRelease{} }, platformv1alpha1.ConditionConformant)...)
	for kind, newObj := range map[string]func() object{
		"ProvincePortal":      func() object { return &platformv1alpha1.ProvincePortal{} },
		"OneStopShop":         func() object { return &platformv1alpha1.OneStopShop{} },
		"DocExchangeNode":     func() object { return &platformv1alpha1.DocExchangeNode{} },
		"IntegrationPlatform": func() object { return &platformv1alpha1.IntegrationPlatform{} },
	} {
		cases = append(cases, commonHealthCases(kind, newObj, platformv1alpha1.ConditionWorkloadReady)...)
		cases = append(cases, rollingOutCase(t, kind, newObj()))
	}
	cases = append(cases, provinceHealthCases()...)
	cases = append(cases, fleetRolloutHealthCases(t)...)

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.kind] = true
		t.Run(c.kind+"/"+c.state, func(t *testing.T) {
			health, err := argocd.Assess(script, c.obj)
			if err != nil {
				t.Fatal(err)
			}
			if health.Status != c.argo || !strings.Contains(health.Message, c.message) {
				t.Errorf("Argo CD reads %s %q; want %s with %q", health.Status, health.Message, c.argo, c.message)
			}
			want := kstatusOfHealth[c.argo]
			if c.argo == "Suspended" {
				want = c.whilePaused
			}
			if got := kstatusOf(t, c.obj); got != want {
				t.Errorf("kstatus reads %s; want %s", got, want)
			}
		})
	}
	for _, kind := range argocd.Kinds() {
		if !covered[kind] {
			t.Errorf("no case reads the health of %s", kind)
		}
	}
}

// Before its first report Argo CD waits; kstatus, which only knows the
// conditions it sees, reads an object without status as Current.
func TestArgoCDWaitsForTheOperatorsFirstReport(t *testing.T) {
	health, err := argocd.Assess(healthScript(t), &platformv1alpha1.ProvincePortal{ObjectMeta: metav1.ObjectMeta{Name: "hanoi", Generation: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if health.Status != "Progressing" {
		t.Errorf("a new object reads %s %q; want Progressing", health.Status, health.Message)
	}
}

func healthScript(t *testing.T) string {
	t.Helper()
	script, err := os.ReadFile("../config/argocd/health.lua")
	if err != nil {
		t.Fatal(err)
	}
	return string(script)
}

// commonHealthCases are the states of a kind whose reconciler summarises
// its detail conditions with summarize and pauses with the annotation.
func commonHealthCases(kind string, newObj func() object, detail string) []healthCase {
	state := func(generation int64, detailReady bool, reconcileErr error) object {
		obj := newObj()
		obj.SetName("hanoi")
		obj.SetGeneration(generation)
		reason, message := platformv1alpha1.ReasonReady, "the detail holds"
		if !detailReady {
			reason, message = platformv1alpha1.ReasonWaitingForCertificates, "the certificates [hanoi-portal] are not issued yet"
		}
		conditions.Set(&obj.StatusCommon().Conditions, generation, detail, detailReady, reason, message)
		summarize(obj, reconcileErr, detail)
		return obj
	}
	ready := func() object { return state(1, true, nil) }
	pausedAt := func(generation int64) object {
		obj := ready()
		obj.SetAnnotations(map[string]string{platformv1alpha1.PausedAnnotation: "true"})
		obj.SetGeneration(generation)
		conditions.Pause(&obj.StatusCommon().Conditions, generation)
		return obj
	}
	unobserved := ready()
	unobserved.SetGeneration(2)
	stalled := conditions.Stalled(platformv1alpha1.ReasonReleaseNotFound, "PlatformRelease egov-2026.12 does not exist")
	return []healthCase{
		{kind: kind, state: "Ready", obj: ready(), argo: "Healthy"},
		{kind: kind, state: "Progressing", obj: state(1, false, errWaiting), argo: "Progressing", message: "not issued yet"},
		{kind: kind, state: "Stalled", obj: state(1, true, stalled), argo: "Degraded", message: "ReleaseNotFound: PlatformRelease egov-2026.12 does not exist"},
		{kind: kind, state: "GenerationNotObserved", obj: unobserved, argo: "Progressing", message: "generation 2 is not observed"},
		{kind: kind, state: "Paused", obj: pausedAt(1), argo: "Suspended", message: platformv1alpha1.PausedAnnotation, whilePaused: status.CurrentStatus},
		{kind: kind, state: "PausedAfterAChange", obj: pausedAt(2), argo: "Suspended", message: platformv1alpha1.PausedAnnotation, whilePaused: status.InProgressStatus},
	}
}

// rollingOutCase is a stack object whose workload rolls out a new spec.
func rollingOutCase(t *testing.T, kind string, obj object) healthCase {
	workload := deployment(3, func(s *appsv1.DeploymentStatus) { s.UpdatedReplicas = 1 })
	reader := fake.NewClientBuilder().WithObjects(workload).Build()
	obj.SetName("hanoi")
	obj.SetGeneration(1)
	if err := observeWorkloads(context.Background(), reader, obj, nil, nil, named(&appsv1.Deployment{}, workload.Name)); err != nil {
		t.Fatal(err)
	}
	summarize(obj, nil, platformv1alpha1.ConditionWorkloadReady)
	return healthCase{kind: kind, state: "RollingOut", obj: obj, argo: "Progressing", message: platformv1alpha1.ReasonRollingOut + ": Deployment hanoi-portal"}
}

// provinceHealthCases are the states summarizeProvince reports. A Province
// is Ready when its stacks are; while a stack object is Stalled, that
// object reads Degraded and the Province waits for it.
func provinceHealthCases() []healthCase {
	province := func(generation int64, envs ...platformv1alpha1.EnvironmentStatus) *platformv1alpha1.Province {
		p := &platformv1alpha1.Province{ObjectMeta: metav1.ObjectMeta{Name: "42", Generation: generation}, Spec: platformv1alpha1.ProvinceSpec{Code: "42"}}
		p.Status.Environments = envs
		summarizeProvince(p)
		return p
	}
	ready := platformv1alpha1.EnvironmentStatus{Environment: "production", Namespace: "egov-hatinh", Ready: true}
	waiting := platformv1alpha1.EnvironmentStatus{Environment: "production", Namespace: "egov-hatinh", Message: "ProvincePortal hatinh: the certificates are not issued yet"}
	stalled := waiting
	stalled.Stalled = true
	unobserved := province(1, ready)
	unobserved.Generation = 2
	return []healthCase{
		{kind: "Province", state: "Ready", obj: province(1, ready), argo: "Healthy"},
		{kind: "Province", state: "NoStacks", obj: province(1), argo: "Progressing", message: platformv1alpha1.ReasonNoStacks},
		{kind: "Province", state: "StackProgressing", obj: province(1, waiting), argo: "Progressing", message: "not issued yet"},
		{kind: "Province", state: "StackStalled", obj: province(1, stalled), argo: "Progressing", message: platformv1alpha1.ReasonStacksStalled},
		{kind: "Province", state: "GenerationNotObserved", obj: unobserved, argo: "Progressing", message: "generation 2 is not observed"},
	}
}

// fleetRolloutHealthCases are the states rollout.Plan reports.
func fleetRolloutHealthCases(t *testing.T) []healthCase {
	now := time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)
	plan := func(mutate func(*rollout.Input)) *platformv1alpha1.FleetRollout {
		r := &platformv1alpha1.FleetRollout{
			ObjectMeta: metav1.ObjectMeta{Name: "egov-2026.12", Generation: 1, CreationTimestamp: metav1.NewTime(now)},
			Spec: platformv1alpha1.FleetRolloutSpec{
				Release: "egov-2026.12", Environment: "production", ProgressDeadlineSeconds: 1800,
				Waves: []platformv1alpha1.Wave{{Name: "pilot", Provinces: []platformv1alpha1.ProvinceCode{"42"}}},
			},
		}
		in := rollout.Input{
			Rollout: r, Target: rollout.Target{Found: true, Conformant: true}, DefaultRelease: "egov-2026.11", Now: now,
			Provinces: []rollout.Province{{Code: "42"}},
			Stacks: []rollout.Stack{{
				Province: "42", Name: "ProvincePortal egov-hatinh/hatinh", Release: "egov-2026.11", Observed: true, Ready: true, ReadySince: now.Add(-time.Hour),
			}},
		}
		mutate(&in)
		r.Status = rollout.Plan(in).Status
		return r
	}
	complete := plan(func(in *rollout.Input) {
		in.Rollout.Spec.Waves[0] = platformv1alpha1.Wave{Name: "pilot", Selector: &platformv1alpha1.LabelSelector{
			MatchLabels: map[string]platformv1alpha1.LabelValue{"platform.egov.vn/pilot": "true"},
		}}
	})
	rollingOut := plan(func(*rollout.Input) {})
	unobserved := plan(func(*rollout.Input) {})
	unobserved.Generation = 2
	if rollingOut.Status.CurrentWave != "pilot" {
		t.Fatalf("the rollout is at wave %q; want pilot", rollingOut.Status.CurrentWave)
	}
	return []healthCase{
		{kind: "FleetRollout", state: "Complete", obj: complete, argo: "Healthy"},
		{kind: "FleetRollout", state: "RollingOut", obj: rollingOut, argo: "Progressing", message: "pilot"},
		{kind: "FleetRollout", state: "Stalled", obj: plan(func(in *rollout.Input) { in.Target = rollout.Target{} }), argo: "Degraded",
			message: platformv1alpha1.ReasonReleaseNotFound + ": PlatformRelease egov-2026.12 does not exist"},
		{kind: "FleetRollout", state: "GenerationNotObserved", obj: unobserved, argo: "Progressing", message: "generation 2 is not observed"},
		{kind: "FleetRollout", state: "Paused", obj: plan(func(in *rollout.Input) { in.Rollout.Spec.Paused = true }), argo: "Suspended",
			message: "spec.paused", whilePaused: status.InProgressStatus},
	}
}
