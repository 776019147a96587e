package provinces

import (
	"fmt"
	"strings"
)

// committee is a People's Committee's identifier in the national catalogue of
// agency identifiers (mã định danh điện tử, QĐ 20/2020/QĐ-TTg, amended by QĐ
// 09/2025/QĐ-TTg), and where it was found.
type committee struct {
	organID string
	source  string
}

// committees are the level-1 identifiers (000.00.00.Hnn) of the People's
// Committees, by unit code. The nn is the catalogue's own number, not the
// unit code, and is not in alphabetical order: never derive it. QĐ
// 09/2025/QĐ-TTg keeps, for a unit formed by merger, the identifier of the
// former province whose name it took, and closes the others' (Hậu Giang's
// H30, Thái Bình's H54, Đắk Nông's H16…). Units absent here have no
// identifier confirmed in a published source yet: add them with their
// source when one is.
var committees = map[string]committee{
	"01": {"000.00.00.H26", "QĐ 2918/QĐ-UBND of 17 August 2022, Hà Nội"},
	"04": {"000.00.00.H14", "QĐ 931/QĐ-UBND of 2020, Cao Bằng"},
	"11": {"000.00.00.H18", "procedure codes of Điện Biên's one-stop-shop system"},
	"12": {"000.00.00.H35", "procedure codes of Lai Châu's one-stop-shop system"},
	"14": {"000.00.00.H52", "agency identifiers published on data.sonla.gov.vn"},
	"15": {"000.00.00.H38", "procedure codes on dichvucong.laocai.gov.vn"},
	"19": {"000.00.00.H55", "procedure and agency codes on dichvucong.thainguyen.gov.vn"},
	"22": {"000.00.00.H49", "QĐ 3739/QĐ-UBND of 3 November 2016, Quảng Ninh"},
	"24": {"000.00.00.H05", "agency identifiers of Bắc Ninh's document system, qlvbdh.bacninh.gov.vn"},
	"38": {"000.00.00.H56", "agency data of Thanh Hóa's provincial systems"},
	"40": {"000.00.00.H41", "edXML exchange data of Nghệ An's People's Committee and its procedure codes"},
	"42": {"000.00.00.H27", "QĐ 2803/QĐ-UBND of 2017, Hà Tĩnh"},
	"44": {"000.00.00.H50", "reporting interface documentation naming Quảng Trị's People's Committee"},
	"46": {"000.00.00.H57", "QĐ 09/2025/QĐ-TTg (Thành phố Huế, formerly Thừa Thiên Huế)"},
	"48": {"000.00.00.H17", "the Ministry of Information and Communications' report on Đà Nẵng's identifiers"},
	"51": {"000.00.00.H48", "procedure codes of Quảng Ngãi's one-stop-shop system"},
	"52": {"000.00.00.H21", "procedure codes of Gia Lai's one-stop-shop system"},
	"68": {"000.00.00.H36", "document exchange settings of Lâm Đồng (lienthongvanban.lamdong.gov.vn)"},
	"75": {"000.00.00.H19", "procedure codes of Đồng Nai's one-stop-shop system"},
	"79": {"000.00.00.H29", "procedure codes on dichvucong.hochiminhcity.gov.vn"},
	"80": {"000.00.00.H53", "document exchange settings of Tây Ninh's People's Committee office"},
	"82": {"000.00.00.H20", "edXML exchange data of Đồng Tháp's People's Committee"},
}

// closedNumbers are catalogue numbers QĐ 09/2025/QĐ-TTg closed, by the
// former province that held them: no unit's systems may use them again.
var closedNumbers = map[string]string{
	"16": "Đắk Nông",
	"30": "Hậu Giang",
	"54": "Thái Bình",
}

// ownerOfNumber maps a catalogue number (the nn of Hnn) to its unit.
var ownerOfNumber = func() map[string]string {
	m := make(map[string]string, len(committees))
	for code, c := range committees {
		m[catalogueNumber(c.organID)] = code
	}
	return m
}()

// CommitteeOrganID returns the People's Committee's level-1 identifier and
// its source, if one is confirmed.
func (u Unit) CommitteeOrganID() (organID, source string, ok bool) {
	c, ok := committees[u.Code]
	return c.organID, c.source, ok
}

// catalogueNumber is the number of an identifier's level-1 part: 26 for
// 000.00.01.H26 (a unit under Hà Nội's People's Committee) and for
// 000.00.00.K26 (Hà Nội's People's Council), empty when it has none.
func catalogueNumber(organID string) string {
	last := organID[strings.LastIndex(organID, ".")+1:]
	if len(last) < 2 || (last[0] != 'H' && last[0] != 'K') {
		return ""
	}
	return last[1:]
}

// OrganIDProblem says why the unit's systems may not use organID, or returns
// "" when they may: an identifier must sit under the unit's own level-1
// identifier, and, where that is not confirmed yet, under a People's
// Committee or Council number (H or K) that is neither another unit's nor
// closed. Certificates carry it, so it must not name another province or a
// ministry.
func (u Unit) OrganIDProblem(organID string) string {
	number := catalogueNumber(organID)
	if own, _, ok := u.CommitteeOrganID(); ok {
		if number != catalogueNumber(own) {
			return fmt.Sprintf("organId %s is not under %s, the identifier of %s", organID, own, u.PeoplesCommittee())
		}
		return ""
	}
	if number == "" {
		return fmt.Sprintf("organId %s is not under a provincial People's Committee or Council (000.00.00.Hnn or 000.00.00.Knn)", organID)
	}
	if owner, taken := ownerOfNumber[number]; taken {
		other := byCode[owner]
		return fmt.Sprintf("organId %s is under %s, the identifier of %s", organID, committees[owner].organID, other.PeoplesCommittee())
	}
	if former, closed := closedNumbers[number]; closed {
		return fmt.Sprintf("organId %s is under number %s, closed with the former province of %s (QĐ 09/2025/QĐ-TTg)", organID, number, former)
	}
	return ""
}
