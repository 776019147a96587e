package controllers

import (
	"context"
	"sort"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// routingGateway returns the IntegrationPlatform of the namespace the stack
// reaches NDXP through, or nil for the direct path. A platform routes once
// its gateway has served (status.gatewayURL) and until it is deleted: the
// systems switch to the gateway only after it is up, and back while it
// still runs (its deletion waits for them).
func routingGateway(ctx context.Context, c client.Reader, namespace string) (*platformv1alpha1.IntegrationPlatform, error) {
	list := &platformv1alpha1.IntegrationPlatformList{}
	if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	sort.Slice(list.Items, func(i, j int) bool { return list.Items[i].Name < list.Items[j].Name })
	for i := range list.Items {
		if routes(&list.Items[i]) {
			return &list.Items[i], nil
		}
	}
	return nil, nil
}

// routes reports whether the stack reaches NDXP through the platform.
func routes(obj client.Object) bool {
	p, ok := obj.(*platformv1alpha1.IntegrationPlatform)
	return ok && p.Status.GatewayURL != "" && p.DeletionTimestamp.IsZero()
}

// holdsNewWorkloads reports whether the platform's gateway is about to
// serve, so that the namespace's new workloads wait to start on the path
// through it (routingToSettle). A gateway that serves, a platform going
// away, paused or Stalled (among others, one whose gateway has not served
// within gatewayStartBudget) holds nothing.
func holdsNewWorkloads(obj client.Object) bool {
	p, ok := obj.(*platformv1alpha1.IntegrationPlatform)
	return ok && p.Status.GatewayURL == "" && p.DeletionTimestamp.IsZero() && !paused(p) &&
		!meta.IsStatusConditionTrue(p.Status.Conditions, platformv1alpha1.ConditionStalled)
}

// routingChanged passes the IntegrationPlatform events that switch a
// stack's path to NDXP (the gateway first serving, the platform's
// deletion) or release the stack's held workloads.
var routingChanged = predicate.Funcs{
	CreateFunc:  func(e event.CreateEvent) bool { return routes(e.Object) },
	DeleteFunc:  func(e event.DeleteEvent) bool { return true },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		return routes(e.ObjectOld) != routes(e.ObjectNew) || holdsNewWorkloads(e.ObjectOld) != holdsNewWorkloads(e.ObjectNew)
	},
}

// portalsOfIntegration maps an IntegrationPlatform to its portal.
func portalsOfIntegration(_ context.Context, obj client.Object) []reconcile.Request {
	p, ok := obj.(*platformv1alpha1.IntegrationPlatform)
	if !ok {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: p.Namespace, Name: p.Spec.PortalRef.Name}}}
}
