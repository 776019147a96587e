//go:build e2e

package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// rolloutSample publishes a second release and the three-wave rollout to it.
const (
	rolloutSample  = "rollout_egov-2027.01.yaml"
	sampleRelease  = "egov-2027.01"
	failedProvince = "01"
)

// releaseComponents are the release components each pod role runs.
var releaseComponents = map[string]string{
	render.RolePortal:       platformv1alpha1.ComponentPortal,
	render.RoleMotcuaWeb:    platformv1alpha1.ComponentOneStopShop,
	render.RoleMotcuaWorker: platformv1alpha1.ComponentOneStopShop,
	render.RoleEdxmlNode:    platformv1alpha1.ComponentDocExchange,
}

// podsNotOn lists the operator's running pods in the provinces' namespaces
// whose image is not the one the release gives their component.
func podsNotOn(t *testing.T, release string, codes []string) []string {
	t.Helper()
	rel := &platformv1alpha1.PlatformRelease{}
	if err := k8s.Get(ctx(), client.ObjectKey{Name: release}, rel); err != nil {
		t.Fatal(err)
	}
	images := map[string]string{}
	for _, c := range rel.Spec.Components {
		images[c.Name] = c.Image
	}
	var off []string
	for _, code := range codes {
		u, _ := provinces.Lookup(code)
		pods := &corev1.PodList{}
		if err := k8s.List(ctx(), pods, client.InNamespace(fleet.Namespace(u))); err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			role := p.Labels[render.LabelName]
			component, ours := releaseComponents[role]
			if !ours || p.DeletionTimestamp != nil {
				continue
			}
			for _, c := range p.Spec.Containers {
				if c.Name == role && c.Image != images[component] {
					off = append(off, fmt.Sprintf("%s/%s runs %s", p.Namespace, p.Name, c.Image))
				}
			}
		}
	}
	return off
}

// waitRollout waits until check accepts the rollout's status.
func waitRollout(t *testing.T, name string, timeout time.Duration, check func(*platformv1alpha1.FleetRollout) error) *platformv1alpha1.FleetRollout {
	t.Helper()
	fr := &platformv1alpha1.FleetRollout{}
	eventually(t, timeout, "FleetRollout "+name, func() error {
		if err := k8s.Get(ctx(), client.ObjectKey{Name: name}, fr); err != nil {
			return err
		}
		if err := check(fr); err != nil {
			return fmt.Errorf("%w (counts %+v, current wave %q, conditions %+v)", err, fr.Status.Counts, fr.Status.CurrentWave, fr.Status.Conditions)
		}
		return nil
	})
	return fr
}

// servedCodes lists the provinces with a production stack.
func servedCodes(t *testing.T) []string {
	t.Helper()
	portals := &platformv1alpha1.ProvincePortalList{}
	if err := k8s.List(ctx(), portals); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range portals.Items {
		codes = append(codes, string(p.Spec.Province.Code))
	}
	return codes
}

// The sample rollout moves every served province to its release, wave by
// wave, until every pod runs the release's images and every Province
// reports it. Then a rollout back, with a province of the second wave that
// cannot start, halts in that wave, names the province, and leaves the
// last wave on the sample's images.
func TestAFleetRolloutMovesTheFleetInWavesAndHaltsOnAFailingProvince(t *testing.T) {
	national := &platformv1alpha1.NationalPlatform{}
	if err := k8s.Get(ctx(), client.ObjectKey{Name: platformv1alpha1.NationalPlatformName}, national); err != nil {
		t.Fatal(err)
	}
	previous := string(national.Spec.DefaultRelease)
	objs, err := fleet.ReadManifests(filepath.Join(testenv.RepoRoot(), "config", "samples", rolloutSample))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restoreFleet(t) })
	for _, o := range objs {
		if err := fleet.Apply(ctx(), k8s, o); err != nil {
			t.Fatal(err)
		}
	}
	codes := servedCodes(t)
	fr := waitRollout(t, sampleRelease, 15*time.Minute, func(fr *platformv1alpha1.FleetRollout) error {
		if !meta.IsStatusConditionTrue(fr.Status.Conditions, platformv1alpha1.ConditionReady) {
			return fmt.Errorf("not complete")
		}
		return nil
	})
	if c := fr.Status.Counts; c.Done != int32(len(codes)) || c.Failed != 0 {
		t.Errorf("the complete rollout counts %+v, want %d done", c, len(codes))
	}
	if off := podsNotOn(t, sampleRelease, codes); len(off) > 0 {
		t.Errorf("pods not on %s after its rollout: %v", sampleRelease, off)
	}
	eventually(t, time.Minute, "every served Province on "+sampleRelease, func() error {
		for _, code := range codes {
			p := &platformv1alpha1.Province{}
			if err := k8s.Get(ctx(), client.ObjectKey{Name: code}, p); err != nil {
				return err
			}
			if p.Status.Release != sampleRelease {
				return fmt.Errorf("Province %s reports %q", code, p.Status.Release)
			}
		}
		return nil
	})

	// Hà Nội, in the north wave, loses its one-stop-shop's database Secret.
	u, _ := provinces.Lookup(failedProvince)
	database := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "motcua-database", Namespace: fleet.Namespace(u)}}
	if err := k8s.Delete(ctx(), database); err != nil {
		t.Fatal(err)
	}
	// The same waves, back to the release the fleet ran, with a short deadline.
	back := &platformv1alpha1.FleetRollout{}
	for _, o := range objs {
		if o.GetKind() == "FleetRollout" {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, back); err != nil {
				t.Fatal(err)
			}
		}
	}
	back.ObjectMeta = metav1.ObjectMeta{Name: "back-to-" + previous}
	back.Spec.Release, back.Spec.ProgressDeadlineSeconds = platformv1alpha1.ReleaseName(previous), 120
	if err := k8s.Create(ctx(), back); err != nil {
		t.Fatal(err)
	}
	back = waitRollout(t, back.Name, 10*time.Minute, func(fr *platformv1alpha1.FleetRollout) error {
		stalled := meta.FindStatusCondition(fr.Status.Conditions, platformv1alpha1.ConditionStalled)
		if stalled == nil || stalled.Status != metav1.ConditionTrue {
			return fmt.Errorf("not Stalled")
		}
		if stalled.Reason != platformv1alpha1.ReasonProgressDeadlineExceeded ||
			!strings.Contains(stalled.Message, "wave north failed") || !strings.Contains(stalled.Message, "province "+failedProvince+" ") {
			return fmt.Errorf("Stalled does not name wave north and province %s", failedProvince)
		}
		return nil
	})
	var rest []string
	for _, w := range back.Status.Waves {
		if w.Name != "rest" {
			continue
		}
		for _, p := range w.Provinces {
			if p.State != platformv1alpha1.RolloutSkipped {
				rest = append(rest, p.Code)
			}
			if p.State != platformv1alpha1.RolloutPending && p.State != platformv1alpha1.RolloutSkipped {
				t.Errorf("province %s of the wave after the failed one is %s", p.Code, p.State)
			}
		}
	}
	if len(rest) == 0 {
		t.Fatalf("the last wave holds no province: %+v", back.Status.Waves)
	}
	if off := podsNotOn(t, sampleRelease, rest); len(off) > 0 {
		t.Errorf("pods of the wave after the failed one left %s: %v", sampleRelease, off)
	}
}

// restoreFleet undoes the test: the Secret it deleted is back, its
// rollouts and their assignments are gone, and every province serves the
// national default release again.
func restoreFleet(t *testing.T) {
	t.Helper()
	u, _ := provinces.Lookup(failedProvince)
	for _, o := range fleet.Province(u) {
		if s, ok := o.(*corev1.Secret); ok && s.Name == "motcua-database" {
			if err := fleet.Apply(ctx(), k8s, s); err != nil {
				t.Error(err)
			}
		}
	}
	rollouts := &platformv1alpha1.FleetRolloutList{}
	if err := k8s.List(ctx(), rollouts); err != nil {
		t.Fatal(err)
	}
	for i := range rollouts.Items {
		if err := k8s.Delete(ctx(), &rollouts.Items[i]); err != nil {
			t.Error(err)
		}
	}
	if err := k8s.DeleteAllOf(ctx(), &platformv1alpha1.ProvinceAssignment{}); err != nil {
		t.Error(err)
	}
	eventually(t, 6*time.Minute, "every Province Ready on the default release", func() error {
		list := &platformv1alpha1.ProvinceList{}
		if err := k8s.List(ctx(), list); err != nil {
			return err
		}
		for _, p := range list.Items {
			if len(p.Status.Environments) > 0 && (!meta.IsStatusConditionTrue(p.Status.Conditions, platformv1alpha1.ConditionReady) || p.Status.Release == sampleRelease) {
				return fmt.Errorf("Province %s on %q: %+v", p.Name, p.Status.Release, p.Status.Conditions)
			}
		}
		return nil
	})
}
