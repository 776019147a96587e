// Package provinces holds Vietnam's provincial-level units as reorganised on
// 1 July 2025 (Nghị quyết 202/2025/QH15, codes of QĐ 19/2025/QĐ-TTg; the
// district level went at the same time, Nghị quyết 203/2025/QH15 and the Law
// on the Organisation of Local Government 72/2025/QH15) and the
// map from the 63 codes of QĐ 124/2004 to them. It is the one table the API
// validation, the renderer and the demo read: update it here when an official
// decision changes it, then run `make generate`.
package provinces

import (
	"slices"
	"sort"
)

// Kind tells a centrally-run city from a province.
type Kind string

const (
	// City is a centrally-run city (thành phố trực thuộc trung ương).
	City Kind = "City"
	// Province is a province (tỉnh).
	Province Kind = "Province"
)

// Unit is one provincial-level administrative unit.
type Unit struct {
	// Code is the two-digit code; codes are never reused.
	Code string
	// Name is the official Vietnamese name without the "Thành phố"/"Tỉnh" prefix.
	Name string
	// Slug is a lowercase ASCII name usable in DNS labels and object names.
	Slug string
	// Kind says whether the unit is a centrally-run city or a province.
	Kind Kind
	// domains are the unit's own domains under gov.vn.
	domains []string
}

// Domains returns the unit's own domains under gov.vn: its hosts and
// certificates may only name these domains and their subdomains.
func (u Unit) Domains() []string { return slices.Clone(u.domains) }

// FullName is the official name with its "Thành phố"/"Tỉnh" prefix.
func (u Unit) FullName() string {
	if u.Kind == City {
		return "Thành phố " + u.Name
	}
	return "Tỉnh " + u.Name
}

// PeoplesCommittee is the name of the unit's People's Committee, the agency
// that runs its e-government systems, e.g. Ủy ban nhân dân tỉnh Hà Tĩnh.
func (u Unit) PeoplesCommittee() string {
	if u.Kind == City {
		return "Ủy ban nhân dân thành phố " + u.Name
	}
	return "Ủy ban nhân dân tỉnh " + u.Name
}

// FormerName is the name the unit's code carried before 1 July 2025 when that
// was another unit (code 24 named Bắc Giang, now Bắc Ninh's code), so a
// message that names the code can say it no longer means what it used to.
func (u Unit) FormerName() (string, bool) {
	old := oldToNew[u.Code]
	return old.Name, old.Name != u.Name
}

// Retired is a code of the 63-unit scheme and the unit it now belongs to.
type Retired struct {
	// Name is the unit's name before 1 July 2025.
	Name string
	// NewCode is the code of the unit it is part of since 1 July 2025.
	NewCode string
}

// units are the 34 units. Their domains are those of each People's
// Committee's portal (Cổng thông tin điện tử, https://<domain>, with the
// public-service portal at https://dichvucong.<domain>) after 1 July 2025: a
// merged unit kept its surviving member's domain, and Huế, a centrally-run
// city since then, moved from thuathienhue.gov.vn to hue.gov.vn. Source:
// the portals at those addresses, as public listings of the 34 units'
// portals and public-service portals named them when checked in November
// 2026. Every domain is the slug under gov.vn except Hồ Chí Minh's
// (hochiminhcity.gov.vn).
var units = []Unit{
	{"01", "Hà Nội", "hanoi", City, []string{"hanoi.gov.vn"}},
	{"04", "Cao Bằng", "caobang", Province, []string{"caobang.gov.vn"}},
	{"08", "Tuyên Quang", "tuyenquang", Province, []string{"tuyenquang.gov.vn"}},
	{"11", "Điện Biên", "dienbien", Province, []string{"dienbien.gov.vn"}},
	{"12", "Lai Châu", "laichau", Province, []string{"laichau.gov.vn"}},
	{"14", "Sơn La", "sonla", Province, []string{"sonla.gov.vn"}},
	{"15", "Lào Cai", "laocai", Province, []string{"laocai.gov.vn"}},
	{"19", "Thái Nguyên", "thainguyen", Province, []string{"thainguyen.gov.vn"}},
	{"20", "Lạng Sơn", "langson", Province, []string{"langson.gov.vn"}},
	{"22", "Quảng Ninh", "quangninh", Province, []string{"quangninh.gov.vn"}},
	{"24", "Bắc Ninh", "bacninh", Province, []string{"bacninh.gov.vn"}},
	{"25", "Phú Thọ", "phutho", Province, []string{"phutho.gov.vn"}},
	{"31", "Hải Phòng", "haiphong", City, []string{"haiphong.gov.vn"}},
	{"33", "Hưng Yên", "hungyen", Province, []string{"hungyen.gov.vn"}},
	{"37", "Ninh Bình", "ninhbinh", Province, []string{"ninhbinh.gov.vn"}},
	{"38", "Thanh Hóa", "thanhhoa", Province, []string{"thanhhoa.gov.vn"}},
	{"40", "Nghệ An", "nghean", Province, []string{"nghean.gov.vn"}},
	{"42", "Hà Tĩnh", "hatinh", Province, []string{"hatinh.gov.vn"}},
	{"44", "Quảng Trị", "quangtri", Province, []string{"quangtri.gov.vn"}},
	{"46", "Huế", "hue", City, []string{"hue.gov.vn"}},
	{"48", "Đà Nẵng", "danang", City, []string{"danang.gov.vn"}},
	{"51", "Quảng Ngãi", "quangngai", Province, []string{"quangngai.gov.vn"}},
	{"52", "Gia Lai", "gialai", Province, []string{"gialai.gov.vn"}},
	{"56", "Khánh Hòa", "khanhhoa", Province, []string{"khanhhoa.gov.vn"}},
	{"66", "Đắk Lắk", "daklak", Province, []string{"daklak.gov.vn"}},
	{"68", "Lâm Đồng", "lamdong", Province, []string{"lamdong.gov.vn"}},
	{"75", "Đồng Nai", "dongnai", Province, []string{"dongnai.gov.vn"}},
	{"79", "Hồ Chí Minh", "hochiminh", City, []string{"hochiminhcity.gov.vn"}},
	{"80", "Tây Ninh", "tayninh", Province, []string{"tayninh.gov.vn"}},
	{"82", "Đồng Tháp", "dongthap", Province, []string{"dongthap.gov.vn"}},
	{"86", "Vĩnh Long", "vinhlong", Province, []string{"vinhlong.gov.vn"}},
	{"91", "An Giang", "angiang", Province, []string{"angiang.gov.vn"}},
	{"92", "Cần Thơ", "cantho", City, []string{"cantho.gov.vn"}},
	{"96", "Cà Mau", "camau", Province, []string{"camau.gov.vn"}},
}

// oldToNew maps each code of QĐ 124/2004 to the unit it belongs to now.
var oldToNew = map[string]Retired{
	"01": {"Hà Nội", "01"},
	"02": {"Hà Giang", "08"},
	"04": {"Cao Bằng", "04"},
	"06": {"Bắc Kạn", "19"},
	"08": {"Tuyên Quang", "08"},
	"10": {"Lào Cai", "15"},
	"11": {"Điện Biên", "11"},
	"12": {"Lai Châu", "12"},
	"14": {"Sơn La", "14"},
	"15": {"Yên Bái", "15"},
	"17": {"Hòa Bình", "25"},
	"19": {"Thái Nguyên", "19"},
	"20": {"Lạng Sơn", "20"},
	"22": {"Quảng Ninh", "22"},
	"24": {"Bắc Giang", "24"},
	"25": {"Phú Thọ", "25"},
	"26": {"Vĩnh Phúc", "25"},
	"27": {"Bắc Ninh", "24"},
	"30": {"Hải Dương", "31"},
	"31": {"Hải Phòng", "31"},
	"33": {"Hưng Yên", "33"},
	"34": {"Thái Bình", "33"},
	"35": {"Hà Nam", "37"},
	"36": {"Nam Định", "37"},
	"37": {"Ninh Bình", "37"},
	"38": {"Thanh Hóa", "38"},
	"40": {"Nghệ An", "40"},
	"42": {"Hà Tĩnh", "42"},
	"44": {"Quảng Bình", "44"},
	"45": {"Quảng Trị", "44"},
	"46": {"Thừa Thiên Huế", "46"},
	"48": {"Đà Nẵng", "48"},
	"49": {"Quảng Nam", "48"},
	"51": {"Quảng Ngãi", "51"},
	"52": {"Bình Định", "52"},
	"54": {"Phú Yên", "66"},
	"56": {"Khánh Hòa", "56"},
	"58": {"Ninh Thuận", "56"},
	"60": {"Bình Thuận", "68"},
	"62": {"Kon Tum", "51"},
	"64": {"Gia Lai", "52"},
	"66": {"Đắk Lắk", "66"},
	"67": {"Đắk Nông", "68"},
	"68": {"Lâm Đồng", "68"},
	"70": {"Bình Phước", "75"},
	"72": {"Tây Ninh", "80"},
	"74": {"Bình Dương", "79"},
	"75": {"Đồng Nai", "75"},
	"77": {"Bà Rịa - Vũng Tàu", "79"},
	"79": {"Hồ Chí Minh", "79"},
	"80": {"Long An", "80"},
	"82": {"Tiền Giang", "82"},
	"83": {"Bến Tre", "86"},
	"84": {"Trà Vinh", "86"},
	"86": {"Vĩnh Long", "86"},
	"87": {"Đồng Tháp", "82"},
	"89": {"An Giang", "91"},
	"91": {"Kiên Giang", "91"},
	"92": {"Cần Thơ", "92"},
	"93": {"Hậu Giang", "92"},
	"94": {"Sóc Trăng", "92"},
	"95": {"Bạc Liêu", "96"},
	"96": {"Cà Mau", "96"},
}

var byCode = func() map[string]Unit {
	m := make(map[string]Unit, len(units))
	for _, u := range units {
		m[u.Code] = u
	}
	return m
}()

// All returns the 34 units ordered by code.
func All() []Unit {
	return append([]Unit(nil), units...)
}

// Codes returns the 34 codes in order.
func Codes() []string {
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	return codes
}

// Lookup returns the unit with the given current code.
func Lookup(code string) (Unit, bool) {
	u, ok := byCode[code]
	return u, ok
}

// FromOldCode returns the unit an old (QĐ 124/2004) code belongs to now.
func FromOldCode(old string) (Unit, Retired, bool) {
	r, ok := oldToNew[old]
	if !ok {
		return Unit{}, Retired{}, false
	}
	return byCode[r.NewCode], r, true
}

// OldCodes returns the 63 old codes in order.
func OldCodes() []string {
	codes := make([]string, 0, len(oldToNew))
	for c := range oldToNew {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// RetiredCodes returns, in order, the old codes that are not current codes:
// an object using one of them gets a message naming its successor.
func RetiredCodes() []string {
	var codes []string
	for _, c := range OldCodes() {
		if _, current := byCode[c]; !current {
			codes = append(codes, c)
		}
	}
	return codes
}

// Regions a unit belongs to, by code.
const (
	North   = "north"
	Central = "central"
	South   = "south"
)

// Region returns the unit's region: north for codes 01–37, central (the
// Central Highlands included) for 38–68, south for 75–96.
func (u Unit) Region() string {
	switch {
	case u.Code <= "37":
		return North
	case u.Code <= "68":
		return Central
	default:
		return South
	}
}
