package v1alpha1

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func TestSecondPortalForProvinceIsRefusedNamingTheFirst(t *testing.T) {
	ctx := context.Background()
	first := portal(namespace(t, "42"), "42")
	createSeen(t, first)

	second := portal(namespace(t, "42"), "42")
	err := k8s.Create(ctx, second)
	if !apierrors.IsInvalid(err) {
		t.Fatalf("second portal for province 42 (production): want Invalid, got %v", err)
	}
	for _, want := range []string{"spec.province.code", first.Namespace, first.Name} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not name %q", err, want)
		}
	}

	staging := portal(second.Namespace, "42")
	staging.Spec.Environment = "staging"
	if err := k8s.Create(ctx, staging); err != nil {
		t.Errorf("the same province in another environment: %v", err)
	}
}

// A hostile administrator's portal claiming another province from a
// namespace not assigned to it must not lock the real province out.
func TestClaimFromUnassignedNamespaceBlocksNobody(t *testing.T) {
	createSeen(t, portal(namespace(t, "38"), "01"))
	if err := k8s.Create(context.Background(), portal(namespace(t, "01"), "01")); err != nil {
		t.Errorf("province 01 in its own namespace: %v", err)
	}
}

func TestPinnedReleaseThatDoesNotExistIsAWarning(t *testing.T) {
	c, warned := warningClient(t)
	p := portal(namespace(t, "40"), "40")
	p.Spec.Release = "egov-2099.01"
	if err := c.Create(context.Background(), p); err != nil {
		t.Fatalf("a missing release must not refuse the portal: %v", err)
	}
	wantWarning(t, warned, "spec.release", `PlatformRelease "egov-2099.01" does not exist`)
}

func TestExistingReleaseGivesNoWarning(t *testing.T) {
	c, warned := warningClient(t)
	release := &platformv1alpha1.PlatformRelease{ObjectMeta: metav1.ObjectMeta{Name: "egov-2026.11"}, Spec: platformv1alpha1.PlatformReleaseSpec{
		Version: "2026.11.0", Components: []platformv1alpha1.Component{{
			Name: "portal", Image: "registry.egov.vn/platform/portal@sha256:" + strings.Repeat("0d", 32), Version: "4.2.0", Vendor: "Example JSC",
			Conformity: platformv1alpha1.Conformity{Criteria: []string{"TT 22/2019/TT-BTTTT"}},
		}},
	}}
	createSeen(t, release)
	p := portal(namespace(t, "44"), "44")
	p.Spec.Release = platformv1alpha1.ReleaseName(release.Name)
	if err := c.Create(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if got := warned.all(); len(got) != 0 {
		t.Errorf("warnings for an existing release: %q", got)
	}
}

// wantWarning fails the test unless a warning holds every part.
func wantWarning(t *testing.T, warned *warnings, parts ...string) {
	t.Helper()
	for _, w := range warned.all() {
		found := true
		for _, part := range parts {
			found = found && strings.Contains(w, part)
		}
		if found {
			return
		}
	}
	t.Errorf("no warning with %q; got %q", parts, warned.all())
}
