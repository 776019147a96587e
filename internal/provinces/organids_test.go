package provinces

import (
	"strings"
	"testing"
)

func TestCommitteeIdentifiersAreDistinctAndWellFormed(t *testing.T) {
	seen := map[string]string{}
	for code, c := range committees {
		if _, ok := Lookup(code); !ok {
			t.Errorf("identifier for unknown unit %s", code)
		}
		if !strings.HasPrefix(c.organID, "000.00.00.H") || len(c.organID) != len("000.00.00.H26") || c.source == "" {
			t.Errorf("unit %s: identifier %q from %q", code, c.organID, c.source)
		}
		if other, dup := seen[c.organID]; dup {
			t.Errorf("units %s and %s share %s", code, other, c.organID)
		}
		seen[c.organID] = code
	}
	for number, former := range closedNumbers {
		if owner, taken := ownerOfNumber[number]; taken {
			t.Errorf("number %s, closed with %s, is the identifier of unit %s", number, former, owner)
		}
	}
}

func TestOrganIDProblem(t *testing.T) {
	hanoi, _ := Lookup("01")
	hatinh, _ := Lookup("42")
	tuyenQuang, _ := Lookup("08") // no confirmed identifier
	tests := []struct {
		unit    Unit
		organID string
		problem string
	}{
		{hanoi, "000.00.00.H26", ""},
		{hanoi, "000.00.01.H26", ""}, // a unit under the People's Committee
		{hanoi, "000.00.00.K26", ""}, // the People's Council
		{hatinh, "000.00.00.H26", "organId 000.00.00.H26 is not under 000.00.00.H27, the identifier of Ủy ban nhân dân tỉnh Hà Tĩnh"},
		{hatinh, "000.00.00.H30", "not under 000.00.00.H27"}, // Hậu Giang's, closed in 2025
		{hatinh, "000.00.00.G22", "not under 000.00.00.H27"}, // a ministry's
		{tuyenQuang, "000.00.00.H60", ""},
		{tuyenQuang, "000.00.03.H26", "organId 000.00.03.H26 is under 000.00.00.H26, the identifier of Ủy ban nhân dân thành phố Hà Nội"},
		{tuyenQuang, "000.00.00.G22", "not under a provincial People's Committee or Council"}, // a ministry's
		{tuyenQuang, "000.00.00.H30", "closed with the former province of Hậu Giang"},
		{tuyenQuang, "000.00.02.K54", "closed with the former province of Thái Bình"},
		{tuyenQuang, "000.00.00.H00", ""}, // the placeholder until the unit's number is confirmed
	}
	for _, tt := range tests {
		got := tt.unit.OrganIDProblem(tt.organID)
		if (tt.problem == "") != (got == "") || !strings.Contains(got, tt.problem) {
			t.Errorf("%s %s: problem %q, want %q", tt.unit.Code, tt.organID, got, tt.problem)
		}
	}
}
