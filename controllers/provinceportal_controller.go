package controllers

import (
	"context"
	"fmt"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// ProvincePortalReconciler renders and applies each province's portal, SubCA,
// certificates, trust bundle, interconnect configuration and network policies.
type ProvincePortalReconciler struct {
	deps
	// serviceMonitorAPI is whether the cluster served the Prometheus
	// Operator's ServiceMonitors when the manager started.
	serviceMonitorAPI bool
}

// portalScope is what the phases of one reconcile share.
type portalScope struct {
	// written are the children this reconcile wrote.
	written writes
	// heldFor are the certificates new workloads wait for.
	heldFor  []string
	portal   *platformv1alpha1.ProvincePortal
	national *platformv1alpha1.NationalPlatform
	inputs   render.PortalInputs
	// requeueAt is when the result goes stale without any watched change
	// (a trusted root or a release's declaration expiring).
	requeueAt time.Time
	// applied is set once the stack is applied with inputs.Release.
	applied bool
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=provinceportals,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=provinceportals/status,verbs=get;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=provinceportals/finalizers,verbs=update
// +kubebuilder:rbac:groups=platform.egov.vn,resources=nationalplatforms;platformreleases;provinceassignments,verbs=get;list;watch
// +kubebuilder:rbac:groups=cert-manager.io,resources=certificates;issuers,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=cert-manager.io,resources=certificates/status,verbs=patch
// +kubebuilder:rbac:groups=cert-manager.io,resources=clusterissuers,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=configmaps;services;serviceaccounts,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=networking.k8s.io,resources=ingresses;networkpolicies,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile converges one ProvincePortal.
func (r *ProvincePortalReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	portal := &platformv1alpha1.ProvincePortal{}
	if err := r.Get(ctx, req.NamespacedName, portal); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	ctx = ctrl.LoggerInto(ctx, ctrl.LoggerFrom(ctx).WithValues("province", portal.Spec.Province.Code, "environment", portal.Spec.Environment))
	if done, err := prelude(ctx, r.Client, portal, platformv1alpha1.PrivateKeysFinalizer, func(ctx context.Context) error {
		return r.deletePrivateKeys(ctx, portal)
	}); done || err != nil {
		return ctrl.Result{}, err
	}

	s := &portalScope{portal: portal}
	orig := portal.DeepCopy()
	err := runPhases(ctx, s, r.resolveNational, r.checkTenancy, r.checkDomain, r.resolveInputs, r.resolveCollector, r.reconcileChildren, r.observeChildren, r.observeTelemetry)
	r.reportProvince(s)
	err = finish(ctx, r.Client, r.Recorder, portal, orig, err,
		fmt.Sprintf("province %s is served at %s", portal.Status.Province, portal.Status.URL),
		platformv1alpha1.ConditionInterconnectConfigured, platformv1alpha1.ConditionCertificatesReady, platformv1alpha1.ConditionWorkloadReady)
	return resultAt(r.Clock, s.requeueAt, err)
}

// deletePrivateKeys deletes the province's Certificates and the Secrets
// holding their private keys; garbage collection removes the other children.
func (r *ProvincePortalReconciler) deletePrivateKeys(ctx context.Context, portal *platformv1alpha1.ProvincePortal) error {
	secrets, err := r.deleteKeypairs(ctx, render.PortalOwner(portal))
	if err != nil {
		return err
	}
	r.Recorder.Eventf(portal, nil, corev1.EventTypeNormal, "PrivateKeysDeleted", "Delete",
		"deleted the Certificates and the Secrets holding the province's private keys: %v", secrets)
	return nil
}

// SetupWithManager registers the controller and its watches.
func (r *ProvincePortalReconciler) SetupWithManager(mgr ctrl.Manager) error {
	specChanges := builder.WithPredicates(predicate.GenerationChangedPredicate{})
	var err error
	if r.serviceMonitorAPI, err = servesKind(mgr.GetRESTMapper(), render.ServiceMonitorGVK); err != nil {
		return err
	}
	issuers, err := r.userIssuers(mgr)
	if err != nil {
		return err
	}
	c, err := ownChildren(ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.ProvincePortal{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{})))).
		Watches(&platformv1alpha1.NationalPlatform{}, handler.EnqueueRequestsFromMapFunc(r.allPortals), specChanges).
		Watches(&platformv1alpha1.PlatformRelease{}, handler.EnqueueRequestsFromMapFunc(r.portalsOfRelease), specChanges).
		Watches(&platformv1alpha1.ProvinceAssignment{}, handler.EnqueueRequestsFromMapFunc(r.portalsOfAssignment), specChanges).
		Watches(&cmapi.ClusterIssuer{}, handler.EnqueueRequestsFromMapFunc(r.portalsOfClusterIssuer), specChanges).
		Watches(&platformv1alpha1.Province{}, handler.EnqueueRequestsFromMapFunc(r.portalsOfProvince), specChanges).
		Watches(&platformv1alpha1.IntegrationPlatform{}, handler.EnqueueRequestsFromMapFunc(portalsOfIntegration),
			builder.WithPredicates(routingChanged)).
		WatchesRawSource(issuers).
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(r.portalsInNamespace), builder.OnlyMetadata,
			builder.WithPredicates(predicate.LabelChangedPredicate{})).
		// A portal that arrives or goes may settle a rival's claim.
		Watches(&platformv1alpha1.ProvincePortal{}, handler.EnqueueRequestsFromMapFunc(r.rivalPortals),
			builder.WithPredicates(predicate.Funcs{
				UpdateFunc: func(event.UpdateEvent) bool { return false },
			})).
		Build(r)
	if err != nil {
		return err
	}
	// The Secrets the portals mount, from the province namespaces' Secret watches.
	r.Secrets.register(c, handler.EnqueueRequestsFromMapFunc(r.portalsOfSecret))
	return nil
}
