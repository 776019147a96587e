package conformity

import (
	"os"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// declared is a component with a declaration of conformity to regulations.
func declared(name, validUntil string, regulations ...string) platformv1alpha1.Component {
	return platformv1alpha1.Component{Name: name, Conformity: platformv1alpha1.Conformity{
		Regulations: regulations, DeclarationID: "CB-" + name, ValidUntil: validUntil}}
}

// meeting adds the functional criteria a component meets.
func meeting(c platformv1alpha1.Component, criteria ...string) platformv1alpha1.Component {
	c.Conformity.Criteria = criteria
	return c
}

func conformantComponents() []platformv1alpha1.Component {
	return []platformv1alpha1.Component{
		meeting(platformv1alpha1.Component{Name: "portal"}, "TT 22/2019/TT-BTTTT", "TCVN 11930:2017"),
		meeting(declared("oneStopShop", "2027-03-31", "QCVN 109:2017/BTTTT"), "TT 22/2019/TT-BTTTT"),
		declared("docExchange", "2028-12-31", "QCVN 102:2016/BTTTT"),
	}
}

// vietnamTime is a wall-clock time in Vietnam (UTC+7).
func vietnamTime(value string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, value, vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCheck(t *testing.T) {
	now := vietnamTime("2026-11-24 10:00:00")
	tests := []struct {
		name       string
		components func([]platformv1alpha1.Component) []platformv1alpha1.Component
		now        time.Time
		problems   []string
		nextExpiry time.Time
	}{{
		name:       "every role declares its regulations and meets its criteria",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component { return c },
		nextExpiry: vietnamTime("2027-04-01 00:00:00"),
	}, {
		name: "docExchange without QCVN 102",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			c[2].Conformity.Regulations = []string{"QCVN 109:2017/BTTTT"}
			return c
		},
		problems:   []string{"component docExchange does not declare conformity to QCVN 102:2016/BTTTT"},
		nextExpiry: vietnamTime("2027-04-01 00:00:00"),
	}, {
		name: "oneStopShop not meeting TT 22",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			c[1].Conformity.Criteria = nil
			return c
		},
		problems:   []string{"component oneStopShop does not state it meets TT 22/2019/TT-BTTTT"},
		nextExpiry: vietnamTime("2027-04-01 00:00:00"),
	}, {
		name: "functional criteria declared as a regulation do not count",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			c[0] = meeting(declared("portal", "2027-06-30", "TT 22/2019/TT-BTTTT"), "TCVN 11930:2017")
			return c
		},
		problems:   []string{"component portal does not state it meets TT 22/2019/TT-BTTTT"},
		nextExpiry: vietnamTime("2027-04-01 00:00:00"),
	}, {
		name: "an expired declaration",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			c[1].Conformity.ValidUntil = "2026-11-23"
			return c
		},
		problems:   []string{"component oneStopShop declaration CB-oneStopShop expired after 2026-11-23"},
		nextExpiry: vietnamTime("2029-01-01 00:00:00"),
	}, {
		name:       "valid through its last day in Vietnam",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component { return c },
		now:        vietnamTime("2027-03-31 23:59:59"),
		nextExpiry: vietnamTime("2027-04-01 00:00:00"),
	}, {
		name:       "expired from the next day on",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component { return c },
		now:        vietnamTime("2027-04-01 00:00:00"),
		problems:   []string{"component oneStopShop declaration CB-oneStopShop expired after 2027-03-31"},
		nextExpiry: vietnamTime("2029-01-01 00:00:00"),
	}, {
		name: "missing and expired in one component, a second at fault",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			c[1] = declared("oneStopShop", "2025-01-01", "QCVN 109:2017/BTTTT")
			c[2].Conformity.Regulations = []string{"QCVN 102:2016/BTTTT amendment 1:2022"}
			return c
		},
		problems: []string{
			"component oneStopShop does not state it meets TT 22/2019/TT-BTTTT and declaration CB-oneStopShop expired after 2025-01-01",
			"component docExchange does not declare conformity to QCVN 102:2016/BTTTT",
		},
		nextExpiry: vietnamTime("2029-01-01 00:00:00"),
	}, {
		name: "a role outside the table needs only a current declaration",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			return append(c, declared("reporting", "2026-12-31", "QCVN 109:2017/BTTTT"))
		},
		nextExpiry: vietnamTime("2027-01-01 00:00:00"),
	}, {
		name: "integration meeting the e-Government Architecture Framework",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			return append(c, meeting(declared("integration", "2027-02-28", "QCVN 109:2017/BTTTT"), "QĐ 2323/QĐ-BTTTT"))
		},
		nextExpiry: vietnamTime("2027-03-01 00:00:00"),
	}, {
		name: "integration not meeting the e-Government Architecture Framework",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			return append(c, declared("integration", "2027-02-28", "QĐ 2323/QĐ-BTTTT"))
		},
		problems:   []string{"component integration does not state it meets QĐ 2323/QĐ-BTTTT"},
		nextExpiry: vietnamTime("2027-03-01 00:00:00"),
	}, {
		name: "a validUntil that is no date",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			c[2].Conformity.ValidUntil = "31/12/2028"
			return c
		},
		problems:   []string{`component docExchange has validUntil "31/12/2028", which is not a date (YYYY-MM-DD)`},
		nextExpiry: vietnamTime("2027-04-01 00:00:00"),
	}, {
		name: "criteria met carry no expiry",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			return c[:1]
		},
		now: vietnamTime("2040-01-01 00:00:00"),
	}, {
		name: "every declaration expired: nothing left to wait for",
		components: func(c []platformv1alpha1.Component) []platformv1alpha1.Component {
			return c[2:]
		},
		now:      vietnamTime("2029-01-01 00:00:00"),
		problems: []string{"component docExchange declaration CB-docExchange expired after 2028-12-31"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := now
			if !tt.now.IsZero() {
				at = tt.now
			}
			got := Check(platformv1alpha1.PlatformReleaseSpec{Components: tt.components(conformantComponents())}, at)
			if strings.Join(got.Problems, "\n") != strings.Join(tt.problems, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got.Problems, "\n"), strings.Join(tt.problems, "\n"))
			}
			if got.Conformant() != (len(tt.problems) == 0) {
				t.Errorf("Conformant() = %v with problems %v", got.Conformant(), got.Problems)
			}
			if !got.NextExpiry.Equal(tt.nextExpiry) {
				t.Errorf("next expiry %v, want %v", got.NextExpiry, tt.nextExpiry)
			}
		})
	}
}

// The sample release central ops start from passes the check it will meet.
func TestTheSampleReleaseIsConformant(t *testing.T) {
	data, err := os.ReadFile("../../config/samples/platform_v1alpha1_platformrelease.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rel platformv1alpha1.PlatformRelease
	if err := yaml.Unmarshal(data, &rel); err != nil {
		t.Fatal(err)
	}
	if got := Check(rel.Spec, vietnamTime("2026-11-24 10:00:00")); !got.Conformant() {
		t.Errorf("the sample release is not conformant: %s", got.Message())
	}
}
