package main

import (
	"fmt"
	"io"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// parseRequestCounts reads apiserver_request_total from an API server's
// /metrics text, summed over the labels other than verb and resource.
func parseRequestCounts(metrics io.Reader) (RequestCounts, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(metrics)
	if err != nil {
		return nil, fmt.Errorf("parse /metrics: %w", err)
	}
	counts := RequestCounts{}
	family, ok := families["apiserver_request_total"]
	if !ok {
		return nil, fmt.Errorf("/metrics has no apiserver_request_total")
	}
	for _, m := range family.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		resource := labels["resource"]
		if labels["group"] != "" {
			resource = labels["group"] + "/" + resource
		}
		if labels["subresource"] != "" {
			resource += "/" + labels["subresource"]
		}
		counts[RequestKey{Verb: labels["verb"], Resource: resource}] += m.GetCounter().GetValue()
	}
	return counts, nil
}
