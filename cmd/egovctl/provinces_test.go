package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// run runs egovctl with args against c and returns what it printed.
func run(t *testing.T, c *cluster, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCommandFor("egovctl", c)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestProvincesListsThe34Units(t *testing.T) {
	out, err := run(t, newCluster(), "provinces", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []unitRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 34 {
		t.Fatalf("want 34 units, got %d", len(rows))
	}
	hatinh := rows[17]
	if hatinh.Code != "42" || hatinh.Name != "Tỉnh Hà Tĩnh" || hatinh.Region != "central" || hatinh.Domains[0] != "hatinh.gov.vn" || hatinh.OrganID != "000.00.00.H27" {
		t.Errorf("unit 42: %+v", hatinh)
	}
}

func TestProvincesMapsAnOldCode(t *testing.T) {
	for _, args := range [][]string{{"--legacy", "02"}, {"--legacy=02"}} {
		out, err := run(t, newCluster(), append([]string{"provinces", "-o", "json"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var rows []legacyRow
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0] != (legacyRow{OldCode: "02", OldName: "Hà Giang", Code: "08", Name: "Tỉnh Tuyên Quang"}) {
			t.Errorf("%v: %+v", args, rows)
		}
	}
}

func TestProvincesLegacyAloneMapsEveryOldCode(t *testing.T) {
	out, err := run(t, newCluster(), "provinces", "--legacy", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "oldCode:"); n != 63 {
		t.Errorf("want the 63 old codes, got %d", n)
	}
}

func TestProvincesNamesTheSuccessorOfAnOldCode(t *testing.T) {
	_, err := run(t, newCluster(), "provinces", "02")
	if err == nil || !strings.Contains(err.Error(), "Tỉnh Tuyên Quang (08)") {
		t.Errorf("want the successor named, got %v", err)
	}
}

func TestInvokedAsKubectlPluginItsUsageSaysKubectlEgov(t *testing.T) {
	name := commandName("/usr/local/bin/kubectl-egov")
	if name != "kubectl egov" {
		t.Fatalf("name %q", name)
	}
	cmd := newRootCommandFor(name, newCluster())
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"provinces", "--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "kubectl egov provinces [CODE...]") || !strings.Contains(out.String(), "kubectl egov provinces --legacy 02") {
		t.Errorf("usage:\n%s", out.String())
	}
}
