package controllers

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// telemetryConfiguredDesc: per stack, since a province's staging and
// production stacks each have their collector.
var telemetryConfiguredDesc = prometheus.NewDesc("egov_telemetry_configured",
	"Whether the province's stack in the environment ships its logs and traces to a SOC (1) or not (0), as the ProvincePortal's MonitoringConnected condition reports it.",
	[]string{"province", "environment"}, nil)

// collectTelemetry reports each serving portal's MonitoringConnected.
func (c fleetCollector) collectTelemetry(ctx context.Context, ch chan<- prometheus.Metric) error {
	portals, err := c.deps.servingPortals(ctx, func(*platformv1alpha1.ProvincePortal) bool { return true })
	if err != nil {
		return err
	}
	for _, p := range portals {
		connected := conditions.IsTrue(p.Status.Conditions, platformv1alpha1.ConditionMonitoringConnected)
		ch <- prometheus.MustNewConstMetric(telemetryConfiguredDesc, prometheus.GaugeValue, boolValue(connected), string(p.Spec.Province.Code), p.Spec.Environment)
	}
	return nil
}
