package main

import (
	"strings"
	"testing"
)

func TestParseRequestCountsSumsOverOtherLabels(t *testing.T) {
	text := `# HELP apiserver_request_total [STABLE] Counter of apiserver requests.
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="APPLY",version="v1"} 3
apiserver_request_total{code="409",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="APPLY",version="v1"} 1
apiserver_request_total{code="200",component="apiserver",dry_run="",group="platform.egov.vn",resource="provinceportals",scope="resource",subresource="status",verb="PATCH",version="v1alpha1"} 2
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"} 7
# TYPE other_total counter
other_total 5
`
	counts, err := parseRequestCounts(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := RequestCounts{
		{"APPLY", "apps/deployments"}:                        4,
		{"PATCH", "platform.egov.vn/provinceportals/status"}: 2,
		{"LIST", "configmaps"}:                               7,
	}
	if len(counts) != len(want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%v = %v, want %v", k, counts[k], v)
		}
	}
}
