package controllers

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// checkConnectors makes sure every system a connector names by name is in
// the namespace, and records ConnectorsConfigured with what each connector
// lets through.
func (r *IntegrationPlatformReconciler) checkConnectors(ctx context.Context, s *integrationScope) error {
	platform := s.platform
	present := map[string]bool{platformv1alpha1.SystemPortal: true}
	shops := &platformv1alpha1.OneStopShopList{}
	if err := r.List(ctx, shops, client.InNamespace(platform.Namespace)); err != nil {
		return err
	}
	nodes := &platformv1alpha1.DocExchangeNodeList{}
	if err := r.List(ctx, nodes, client.InNamespace(platform.Namespace)); err != nil {
		return err
	}
	present[platformv1alpha1.SystemOneStopShop] = len(shops.Items) > 0
	present[platformv1alpha1.SystemDocExchange] = len(nodes.Items) > 0
	kinds := map[string]string{platformv1alpha1.SystemOneStopShop: "OneStopShop", platformv1alpha1.SystemDocExchange: "DocExchangeNode"}

	var routes []string
	for i, c := range platform.Spec.Connectors {
		var allowed []string
		for j, system := range c.Systems {
			if system.Selector != nil {
				allowed = append(allowed, "pods selected by spec.connectors["+fmt.Sprint(i)+"].systems["+fmt.Sprint(j)+"].selector")
				continue
			}
			if !present[system.Name] {
				err := conditions.Stalled(platformv1alpha1.ReasonSystemNotFound,
					"connector %s lets system %s through, but namespace %s has no %s: create it, or remove it from spec.connectors[%d].systems",
					c.Name, system.Name, platform.Namespace, kinds[system.Name], i)
				recordInput(platform, platformv1alpha1.ConditionConnectorsConfigured, err, "")
				return err
			}
			allowed = append(allowed, system.Name)
		}
		routes = append(routes, fmt.Sprintf("%s (%s): %s", c.Name, c.Service, strings.Join(allowed, ", ")))
	}
	recordInput(platform, platformv1alpha1.ConditionConnectorsConfigured, nil, strings.Join(routes, "; "))
	return nil
}

// release runs before a platform goes. While a workload of the namespace
// still reaches NDXP through the gateway, it waits and says so in Ready:
// the systems switch back to the direct path as soon as the platform is
// being deleted, and the gateway serves until their workloads have rolled.
// Then the gateway's private key is deleted and its audit volumes are left
// retained.
func (r *IntegrationPlatformReconciler) release(ctx context.Context, platform *platformv1alpha1.IntegrationPlatform) error {
	if platform.Status.GatewayURL != "" {
		if waiting, err := r.stillRouted(ctx, platform); err != nil {
			return err
		} else if waiting != "" {
			orig := platform.DeepCopy()
			conditions.Set(&platform.Status.Conditions, platform.Generation, platformv1alpha1.ConditionReady, false,
				platformv1alpha1.ReasonWaitingForSwitchBack, "being deleted: the gateway serves until "+waiting)
			if err := patchStatusIfChanged(ctx, r.Client, platform, orig); err != nil {
				return err
			}
			return errWaiting
		}
	}
	claims, err := retainedClaims(ctx, r.Client, platform, render.RoleLGSPGateway)
	if err != nil {
		return err
	}
	for i := range claims {
		if _, err := retainVolume(ctx, r.Client, &claims[i]); err != nil {
			return err
		}
	}
	_, err = r.deleteKeypairs(ctx, render.Owner{Object: platform})
	return err
}

// stillRouted says which workload of the namespace may still reach NDXP
// through the platform's gateway: one whose owner has not switched it back
// yet (a paused or stalled owner never does), or one still rolling its pods
// since. "" when none does. Workloads that import no interconnect
// configuration carry no DataExchangeAnnotation and are not waited for.
func (r *IntegrationPlatformReconciler) stillRouted(ctx context.Context, platform *platformv1alpha1.IntegrationPlatform) (string, error) {
	var workloads []client.Object
	deployments, sets := &appsv1.DeploymentList{}, &appsv1.StatefulSetList{}
	for _, list := range []client.ObjectList{deployments, sets} {
		if err := r.List(ctx, list, client.InNamespace(platform.Namespace), client.MatchingLabels{render.LabelManagedBy: render.ManagedBy}); err != nil {
			return "", err
		}
	}
	for i := range deployments.Items {
		workloads = append(workloads, &deployments.Items[i])
	}
	for i := range sets.Items {
		workloads = append(workloads, &sets.Items[i])
	}
	for _, w := range workloads {
		via, imports := w.GetAnnotations()[render.DataExchangeAnnotation]
		switch {
		case !imports:
			continue
		case via == platform.Status.GatewayURL:
			return fmt.Sprintf("%s %s is switched back to the direct path by its owner", kindOf(w), w.GetName()), nil
		}
		if done, message := rolledOut(w); !done {
			return message, nil
		}
	}
	return "", nil
}
