package controllers

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
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

// release runs before a platform goes. While the portal and the
// one-stop-shop still reach NDXP through the gateway, it waits: they switch
// back to the direct path as soon as the platform is being deleted, and the
// gateway serves until their workloads have rolled. Then the gateway's
// private key is deleted and its audit volumes are left retained.
func (r *IntegrationPlatformReconciler) release(ctx context.Context, platform *platformv1alpha1.IntegrationPlatform) error {
	if platform.Status.GatewayURL != "" {
		if waiting, err := r.stillRouted(ctx, platform); err != nil {
			return err
		} else if waiting != "" {
			ctrl := fmt.Sprintf("IntegrationPlatform %s waits for %s", platform.Name, waiting)
			r.Recorder.Eventf(platform, nil, corev1.EventTypeNormal, "WaitingForSwitchBack", "Delete", ctrl)
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

// stillRouted says what still reaches NDXP through the platform's gateway:
// the portal's interconnect ConfigMap pointing at it, or a workload of the
// namespace that has not rolled since. "" when nothing does.
func (r *IntegrationPlatformReconciler) stillRouted(ctx context.Context, platform *platformv1alpha1.IntegrationPlatform) (string, error) {
	portal := &platformv1alpha1.ProvincePortal{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: platform.Namespace, Name: platform.Spec.PortalRef.Name}, portal); apierrors.IsNotFound(err) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	cm := &corev1.ConfigMap{}
	name := render.PortalOwner(portal).Name(render.RoleInterconnect)
	if err := r.Get(ctx, types.NamespacedName{Namespace: platform.Namespace, Name: name}, cm); client.IgnoreNotFound(err) != nil {
		return "", err
	}
	if cm.Data[render.DataExchangeGatewayKey] == platform.Status.GatewayURL {
		return "ConfigMap " + name + " to point back at NDXP", nil
	}
	deployments := &appsv1.DeploymentList{}
	if err := r.List(ctx, deployments, client.InNamespace(platform.Namespace), client.MatchingLabels{render.LabelManagedBy: render.ManagedBy}); err != nil {
		return "", err
	}
	for i := range deployments.Items {
		d := &deployments.Items[i]
		if d.Labels[render.LabelName] == render.RoleLGSPGateway {
			continue
		}
		if done, message := rolledOut(d); !done {
			return message, nil
		}
	}
	return "", nil
}
