package provinces

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestThirtyFourUnitsWithUniqueCodesAndSlugs(t *testing.T) {
	all := All()
	if len(all) != 34 {
		t.Fatalf("want 34 provincial-level units, got %d", len(all))
	}
	codes, slugs := map[string]bool{}, map[string]bool{}
	cities := 0
	code := regexp.MustCompile(`^[0-9]{2}$`)
	slug := regexp.MustCompile(`^[a-z]+$`)
	for i, u := range all {
		if !code.MatchString(u.Code) || !slug.MatchString(u.Slug) || u.Name == "" {
			t.Errorf("malformed unit %+v", u)
		}
		if codes[u.Code] || slugs[u.Slug] {
			t.Errorf("duplicate code or slug in %+v", u)
		}
		codes[u.Code], slugs[u.Slug] = true, true
		if i > 0 && all[i-1].Code >= u.Code {
			t.Errorf("units not ordered by code at %s", u.Code)
		}
		if u.Kind == City {
			cities++
		}
	}
	if cities != 6 {
		t.Errorf("want 6 centrally-run cities, got %d", cities)
	}
}

func TestOldCodesAllMapToCurrentUnits(t *testing.T) {
	old := OldCodes()
	if len(old) != 63 {
		t.Fatalf("want the 63 codes of QĐ 124/2004, got %d", len(old))
	}
	reached := map[string]bool{}
	for _, c := range old {
		u, r, ok := FromOldCode(c)
		if !ok || u.Code != r.NewCode || u.Code == "" {
			t.Errorf("old code %s (%s) does not map to a current unit", c, r.Name)
		}
		reached[u.Code] = true
	}
	if len(reached) != 34 {
		t.Errorf("old codes reach %d current units, want all 34", len(reached))
	}
}

func TestExamplesFromTheReorganisation(t *testing.T) {
	cases := map[string]string{"02": "08", "74": "79", "95": "96", "01": "01", "15": "15", "10": "15"}
	for old, want := range cases {
		if u, _, _ := FromOldCode(old); u.Code != want {
			t.Errorf("old %s: got %s, want %s", old, u.Code, want)
		}
	}
	// Every current code was also an old code, so 29 old codes are retired
	// (old 10, Lào Cai, among them: Lào Cai now carries Yên Bái's 15).
	if len(RetiredCodes()) != 63-34 {
		t.Errorf("got %d retired codes, want 29", len(RetiredCodes()))
	}
}

func TestLookupAndFullName(t *testing.T) {
	u, ok := Lookup("42")
	if !ok || u.FullName() != "Tỉnh Hà Tĩnh" {
		t.Errorf("Lookup(42) = %+v, %v", u, ok)
	}
	if u, _ := Lookup("01"); u.FullName() != "Thành phố Hà Nội" {
		t.Errorf("got %q", u.FullName())
	}
	if _, ok := Lookup("02"); ok {
		t.Error("retired code 02 must not be a current unit")
	}
}

// Every unit owns at least one gov.vn domain, and no domain of one unit is
// another's or lies under another's: a SubCA constrained to one unit's
// domains must not be able to issue for a second unit.
func TestEveryUnitOwnsDomainsNoOtherUnitOwns(t *testing.T) {
	dns := regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.gov\.vn$`)
	owner := map[string]string{}
	for _, u := range All() {
		if len(u.Domains()) == 0 {
			t.Errorf("%s (%s) has no domain", u.Code, u.Name)
		}
		for _, d := range u.Domains() {
			if !dns.MatchString(d) {
				t.Errorf("%s: domain %q is not a lowercase name under gov.vn", u.Code, d)
			}
			owner[d] = u.Code
		}
	}
	for d, code := range owner {
		for other, otherCode := range owner {
			if code != otherCode && (d == other || strings.HasSuffix(d, "."+other)) {
				t.Errorf("%s's domain %s lies under %s's domain %s", code, d, otherCode, other)
			}
		}
	}
	if hcmc, _ := Lookup("79"); hcmc.Domains()[0] != "hochiminhcity.gov.vn" {
		t.Errorf("Hồ Chí Minh's domain: %v", hcmc.Domains())
	}
}

func TestDomainsCannotBeChangedThroughACopy(t *testing.T) {
	u, _ := Lookup("42")
	u.Domains()[0] = "hanoi.gov.vn"
	if again, _ := Lookup("42"); again.Domains()[0] != "hatinh.gov.vn" {
		t.Errorf("the table changed through a returned slice: %v", again.Domains())
	}
}

func TestCodesThatNamedAnotherUnitBefore2025(t *testing.T) {
	var reused []string
	for _, u := range All() {
		if former, ok := u.FormerName(); ok {
			reused = append(reused, u.Code+" "+former)
		}
	}
	// Seven codes now name the unit their province merged into; Huế's code
	// named the province of Thừa Thiên Huế.
	want := []string{"15 Yên Bái", "24 Bắc Giang", "44 Quảng Bình", "46 Thừa Thiên Huế",
		"52 Bình Định", "80 Long An", "82 Tiền Giang", "91 Kiên Giang"}
	if !slices.Equal(reused, want) {
		t.Errorf("codes that named another unit: got %v, want %v", reused, want)
	}
}
