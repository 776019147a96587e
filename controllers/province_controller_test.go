package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

func getProvince(code string) (*platformv1alpha1.Province, error) {
	p := &platformv1alpha1.Province{}
	return p, k8s.Get(context.Background(), client.ObjectKey{Name: code}, p)
}

// patchProvince changes a Province as central ops would, with a merge patch
// under a field manager of their own.
func patchProvince(t *testing.T, code, patch string) {
	t.Helper()
	p := &platformv1alpha1.Province{ObjectMeta: metav1.ObjectMeta{Name: code}}
	if err := k8s.Patch(context.Background(), p, client.RawPatch("application/merge-patch+json", []byte(patch)), client.FieldOwner("central-ops")); err != nil {
		t.Fatal(err)
	}
}

func TestEveryProvinceIsCreatedWithItsLabels(t *testing.T) {
	eventually(t, "34 Provinces", func() error {
		for _, unit := range provinces.All() {
			p, err := getProvince(unit.Code)
			if err != nil {
				return err
			}
			if string(p.Spec.Code) != unit.Code || p.Spec.DisplayName != unit.FullName() ||
				p.Labels[platformv1alpha1.CodeLabel] != unit.Code || p.Labels[platformv1alpha1.RegionLabel] != unit.Region() {
				return fmt.Errorf("Province %s: spec %+v, labels %v", unit.Code, p.Spec, p.Labels)
			}
			if len(p.Spec.Domains) == 0 {
				return fmt.Errorf("Province %s has no domains", unit.Code)
			}
		}
		return nil
	})
	p, _ := getProvince("42")
	if p.Labels[platformv1alpha1.RegionLabel] != "central" || p.Spec.DisplayName != "Tỉnh Hà Tĩnh" || !slices.Equal(p.Spec.Domains, []platformv1alpha1.DNSName{"hatinh.gov.vn"}) {
		t.Errorf("Province 42: labels %v, spec %+v", p.Labels, p.Spec)
	}
}

// Central ops' own label and domains survive the operator healing the
// labels it owns.
func TestCentralOpsChangesSurviveReconciles(t *testing.T) {
	eventually(t, "Province 12", func() error { _, err := getProvince("12"); return err })
	patchProvince(t, "12", `{"metadata":{"labels":{"platform.egov.vn/pilot":"true"}},"spec":{"domains":["laichau.gov.vn","laichau.vn"]}}`)
	t.Cleanup(func() {
		patchProvince(t, "12", `{"metadata":{"labels":{"platform.egov.vn/pilot":null}},"spec":{"domains":["laichau.gov.vn"]}}`)
	})
	// Someone removes a label the operator owns: the operator puts it back.
	patchProvince(t, "12", `{"metadata":{"labels":{"platform.egov.vn/region":null}}}`)
	eventually(t, "the region label restored, the others' changes kept", func() error {
		p, err := getProvince("12")
		if err != nil {
			return err
		}
		if p.Labels[platformv1alpha1.RegionLabel] != "north" {
			return fmt.Errorf("labels %v", p.Labels)
		}
		if p.Labels["platform.egov.vn/pilot"] != "true" || len(p.Spec.Domains) != 2 {
			return fmt.Errorf("central ops' changes lost: labels %v, domains %v", p.Labels, p.Spec.Domains)
		}
		return nil
	})
}

// waitProvince waits until the Province's Ready condition has the status
// and reason wanted, and returns it.
func waitProvince(t *testing.T, code string, ready metav1.ConditionStatus, reason string) *platformv1alpha1.Province {
	t.Helper()
	var p *platformv1alpha1.Province
	eventually(t, fmt.Sprintf("Province %s Ready=%s (%s)", code, ready, reason), func() error {
		var err error
		if p, err = getProvince(code); err != nil {
			return err
		}
		c := meta.FindStatusCondition(p.Status.Conditions, platformv1alpha1.ConditionReady)
		if c == nil || c.Status != ready || c.Reason != reason || p.Status.ObservedGeneration != p.Generation {
			return fmt.Errorf("conditions %+v", p.Status.Conditions)
		}
		return nil
	})
	return p
}

func TestProvinceReportsItsStack(t *testing.T) {
	ensureNational(t)
	portal := waitReady(t, province(t, "86"))
	p := waitProvince(t, "86", metav1.ConditionTrue, platformv1alpha1.ReasonReady)
	if len(p.Status.Environments) != 1 {
		t.Fatalf("environments %+v", p.Status.Environments)
	}
	env := p.Status.Environments[0]
	if env.Environment != "production" || env.Namespace != portal.Namespace || env.Release != testRelease || !env.Ready || env.ReadySince == nil {
		t.Errorf("environment %+v", env)
	}
	if p.Status.Release != testRelease || len(p.Status.Certificates) == 0 || p.Status.Certificates[0].Namespace != portal.Namespace {
		t.Errorf("release %q, certificates %+v", p.Status.Release, p.Status.Certificates)
	}
	if c := meta.FindStatusCondition(p.Status.Conditions, platformv1alpha1.ConditionDegraded); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("Degraded %+v", c)
	}

	// The portal stalls: the province is degraded and says why.
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: portal.Namespace, Name: "national-credentials"}}
	if err := k8s.Delete(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	p = waitProvince(t, "86", metav1.ConditionFalse, platformv1alpha1.ReasonStacksStalled)
	if env := p.Status.Environments[0]; env.Ready || !env.Stalled || env.Reason != platformv1alpha1.ReasonSecretNotFound ||
		!strings.Contains(env.Message, "ProvincePortal "+portal.Name) || env.ReadySince != nil {
		t.Errorf("environment %+v", env)
	}
	if c := meta.FindStatusCondition(p.Status.Conditions, platformv1alpha1.ConditionDegraded); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("Degraded %+v", c)
	}
	eventually(t, "the NationalPlatform counts the stalled province", func() error {
		n := national()
		if err := exists(n); err != nil {
			return err
		}
		if s := n.Status.Provinces; s == nil || s.Total != 34 || s.Stalled < 1 {
			return fmt.Errorf("status.provinces %+v", s)
		}
		if !slices.ContainsFunc(n.Status.Releases, func(r platformv1alpha1.ReleaseStacks) bool { return r.Release == testRelease && r.Stacks >= 1 }) {
			return fmt.Errorf("status.releases %+v", n.Status.Releases)
		}
		return nil
	})

	// The Secret is back: so is the province.
	create(t, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "national-credentials", Namespace: portal.Namespace},
		StringData: map[string]string{"clientID": "id", "clientSecret": "secret"},
	})
	waitReady(t, portal)
	waitProvince(t, "86", metav1.ConditionTrue, platformv1alpha1.ReasonReady)
}

// The domains a portal may use are its Province's, which central ops change.
func TestProvinceDomainsDecideWhereAPortalIsServed(t *testing.T) {
	ensureNational(t)
	eventually(t, "Province 82", func() error { _, err := getProvince("82"); return err })
	t.Cleanup(func() { patchProvince(t, "82", `{"spec":{"domains":["dongthap.gov.vn"]}}`) })
	portal := province(t, "82", func(p *platformv1alpha1.ProvincePortal) { p.Spec.Domain = "dichvucong.dongthap.vn" })
	waitStalled(t, portal, platformv1alpha1.ReasonDomainNotAssigned)

	patchProvince(t, "82", `{"spec":{"domains":["dongthap.gov.vn","dongthap.vn"]}}`)
	waitReady(t, portal)

	patchProvince(t, "82", `{"spec":{"domains":["dongthap.gov.vn"]}}`)
	waitStalled(t, portal, platformv1alpha1.ReasonDomainNotAssigned)
}

func TestIdleProvincesMakeNoWrites(t *testing.T) {
	eventually(t, "Province 14", func() error { _, err := getProvince("14"); return err })
	// A label of central ops wakes the Province; nothing the operator owns changed.
	t.Cleanup(func() { patchProvince(t, "14", `{"metadata":{"labels":{"example.org/touched":null}}}`) })
	expectNoWritesAfter(t, func() {
		patchProvince(t, "14", `{"metadata":{"labels":{"example.org/touched":"yes"}}}`)
	}, "province")
}
