package ndxp

import (
	"slices"
	"strings"
	"testing"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// TestServicesMatchTheAPI keeps the table and the services admission
// accepts the same: a connector admitted must find its service here.
func TestServicesMatchTheAPI(t *testing.T) {
	api := slices.Sorted(slices.Values(platformv1alpha1.NationalServices))
	if got := Names(); !slices.Equal(got, api) {
		t.Fatalf("table has %v, the API accepts %v", got, api)
	}
	for name, s := range Services {
		if s.Name != name || s.Code == "" || s.Scope == "" {
			t.Errorf("%s: incomplete entry %+v", name, s)
		}
	}
}

// TestUnpublishedCodesAreMarked makes sure no code reads as a real one
// unless it was checked against NDXP's registrations.
func TestUnpublishedCodesAreMarked(t *testing.T) {
	for name, s := range Services {
		if !strings.HasPrefix(s.Code, "PLACEHOLDER-") {
			t.Errorf("%s: code %q is not marked as a placeholder", name, s.Code)
		}
	}
}
