package controllers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	// What a metric name cannot be: string literals, label matchers, ranges,
	// and the label lists of grouping and matching clauses.
	promQLStrings   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promQLMatchers  = regexp.MustCompile(`\{[^}]*\}`)
	promQLRanges    = regexp.MustCompile(`\[[^\]]*\]`)
	promQLGroupings = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	// An identifier, and whether a call's parenthesis follows it.
	promQLIdentifiers = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
	// Grafana's variable query label_values(<selector>, <label>).
	grafanaLabelValues = regexp.MustCompile(`^label_values\((.*),\s*\w+\)$`)
	descName           = regexp.MustCompile(`fqName: "([^"]+)"`)
)

// promQLKeywords are the identifiers of PromQL that are neither functions nor metrics.
var promQLKeywords = []string{"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"}

// metricNames returns the metrics a PromQL expression, or a Grafana
// label_values query, reads.
func metricNames(expr string) []string {
	if m := grafanaLabelValues.FindStringSubmatch(expr); m != nil {
		expr = m[1]
	}
	for _, re := range []*regexp.Regexp{promQLStrings, promQLMatchers, promQLRanges, promQLGroupings} {
		expr = re.ReplaceAllString(expr, " ")
	}
	var names []string
	for _, m := range promQLIdentifiers.FindAllStringSubmatch(expr, -1) {
		if m[1] == "" && !slices.Contains(promQLKeywords, strings.ToLower(m[0])) {
			names = append(names, m[0])
		}
	}
	return names
}

func TestMetricNamesOfPromQL(t *testing.T) {
	for expr, want := range map[string][]string{
		`sum by (environment) (egov_province_ready{job="$job"})`:                                                 {"egov_province_ready"},
		`count((egov_certificate_expiry_timestamp_seconds{job="$job"} - time()) < 30 * 86400) or vector(0)`:      {"egov_certificate_expiry_timestamp_seconds"},
		`histogram_quantile(0.9, sum(rate(workqueue_work_duration_seconds_bucket[5m])) by (instance, name, le))`: {"workqueue_work_duration_seconds_bucket"},
		`a_total / on (pod) group_left b_total unless c`:                                                         {"a_total", "b_total", "c"},
		`label_values(controller_runtime_reconcile_total{namespace=~"$namespace"}, job)`:                         {"controller_runtime_reconcile_total"},
	} {
		if got := metricNames(expr); !slices.Equal(got, want) {
			t.Errorf("metricNames(%s) = %v, want %v", expr, got, want)
		}
	}
}

// servedMetrics are the names of the metrics the manager serves: the
// fleet's, and those controller-runtime registered, with the series names
// of their histograms and summaries.
func servedMetrics() (map[string]bool, error) {
	served := map[string]bool{}
	descs := make(chan *prometheus.Desc, 16)
	fleetCollector{}.Describe(descs)
	close(descs)
	for desc := range descs {
		served[descName.FindStringSubmatch(desc.String())[1]] = true
	}
	families, err := metrics.Registry.Gather()
	for _, f := range families {
		served[f.GetName()] = true
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			served[f.GetName()+suffix] = true
		}
	}
	return served, err
}

// Every query of every dashboard reads only metrics the manager serves, so
// a renamed metric breaks this test rather than a dashboard.
func TestDashboardsQueryOnlyServedMetrics(t *testing.T) {
	var dashboards []string
	err := filepath.WalkDir("../grafana", func(path string, _ os.DirEntry, err error) error {
		if strings.HasSuffix(path, ".json") {
			dashboards = append(dashboards, path)
		}
		return err
	})
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("no dashboards under grafana/ (%v)", err)
	}
	reads := map[string]string{} // metric → a dashboard and query reading it
	for _, path := range dashboards {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var dashboard any
		if err := json.Unmarshal(raw, &dashboard); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		queries := queriesOf(dashboard)
		if len(queries) == 0 {
			t.Errorf("%s has no queries", path)
		}
		for _, query := range queries {
			for _, name := range metricNames(query) {
				reads[name] = path + ": " + query
			}
		}
	}
	// controller-runtime's metrics have series once its controllers start.
	eventually(t, "every metric the dashboards read served", func() error {
		served, err := servedMetrics()
		if err != nil {
			return err
		}
		var missing []string
		for name, where := range reads {
			if !served[name] {
				missing = append(missing, name+" (read by "+where+")")
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("the manager does not serve %s", strings.Join(missing, "; "))
		}
		return nil
	})
}

// queriesOf returns every PromQL expression of a dashboard: the panels'
// targets and the variables' queries.
func queriesOf(node any) []string {
	var queries []string
	switch n := node.(type) {
	case map[string]any:
		for key, value := range n {
			if s, ok := value.(string); ok && (key == "expr" || key == "query") {
				queries = append(queries, s)
			} else {
				queries = append(queries, queriesOf(value)...)
			}
		}
	case []any:
		for _, value := range n {
			queries = append(queries, queriesOf(value)...)
		}
	}
	return queries
}
