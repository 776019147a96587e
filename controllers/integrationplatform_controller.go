package controllers

import (
	"context"
	"errors"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// IntegrationPlatformReconciler renders and applies each province's data
// integration platform: the audited gateway to the national databases.
type IntegrationPlatformReconciler struct {
	deps
}

type integrationScope struct {
	// written are the children this reconcile wrote.
	written writes
	// heldFor are the certificates new workloads wait for.
	heldFor  []string
	platform *platformv1alpha1.IntegrationPlatform
	portal   portalInputs
	inputs   render.IntegrationInputs
	// startDeadline is when a gateway that has never served stops holding
	// the province's new workloads.
	startDeadline time.Time
}

// switchBackPoll is how often a deleted platform checks whether the
// systems it served have rolled back to their direct path.
const switchBackPoll = 5 * time.Second

// gatewayStartBudget bounds how long a new gateway may take to serve for
// the first time, as a Deployment's default progress deadline does: until
// then the province's new workloads wait for it, so that they start on the
// path through it.
const gatewayStartBudget = 10 * time.Minute

// +kubebuilder:rbac:groups=platform.egov.vn,resources=integrationplatforms,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=integrationplatforms/status,verbs=get;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=integrationplatforms/finalizers,verbs=update

// Reconcile converges one IntegrationPlatform.
func (r *IntegrationPlatformReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	platform := &platformv1alpha1.IntegrationPlatform{}
	if err := r.Get(ctx, req.NamespacedName, platform); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	done, err := prelude(ctx, r.Client, platform, platformv1alpha1.PrivateKeysFinalizer, func(ctx context.Context) error {
		return r.release(ctx, platform)
	})
	if errors.Is(err, errWaiting) {
		return ctrl.Result{RequeueAfter: switchBackPoll}, nil
	}
	if done || err != nil {
		return ctrl.Result{}, err
	}
	s := &integrationScope{platform: platform}
	orig := platform.DeepCopy()
	err = runPhases(ctx, s, r.resolveInputs, r.checkSingleton, r.checkConnectors, r.resolveCredentials,
		r.reconcileChildren, r.reconcileAuditStorage, r.observeChildren)
	s.portal.report(&platform.Status.ProvinceStatus)
	err = finish(ctx, r.Client, r.Recorder, platform, orig, err, "the province's systems reach NDXP through "+render.GatewayURL(platform),
		platformv1alpha1.ConditionPortalReady, platformv1alpha1.ConditionConnectorsConfigured, platformv1alpha1.ConditionCredentialsValid,
		platformv1alpha1.ConditionCertificatesReady, platformv1alpha1.ConditionWorkloadReady)
	return resultAt(r.Clock, earliest(s.portal.releaseExpiry, s.startDeadline), err)
}

func (r *IntegrationPlatformReconciler) resolveInputs(ctx context.Context, s *integrationScope) error {
	var err error
	s.portal, err = resolvePortal(ctx, r.Client, s.platform, s.platform.Spec.PortalRef, platformv1alpha1.ComponentIntegration, r.Clock.Now())
	return err
}

// checkSingleton lets the oldest IntegrationPlatform of a namespace serve it.
func (r *IntegrationPlatformReconciler) checkSingleton(ctx context.Context, s *integrationScope) error {
	return checkSingleton(ctx, r.Client, s.platform, "IntegrationPlatform", &platformv1alpha1.IntegrationPlatformList{})
}

// resolveCredentials checks the NDXP credentials and gathers the versions
// of what the gateway mounts.
func (r *IntegrationPlatformReconciler) resolveCredentials(ctx context.Context, s *integrationScope) error {
	platform := s.platform
	// Watch the namespace's Secrets before reading any: a missing one brings the object back when it comes.
	if _, err := r.Secrets.in(ctx, platform.Namespace); err != nil {
		return err
	}
	versions := map[string]string{}
	for name, keys := range render.IntegrationSecretKeys(platform.Spec) {
		version, err := r.secretKeys(ctx, platform.Namespace, name, keys...)
		if recordInput(platform, platformv1alpha1.ConditionCredentialsValid, err, "Secret "+name+" holds clientID and clientSecret") {
			return err
		}
		versions[name] = version
	}
	if err := mergeRevisions(ctx, r.Client, render.IntegrationOwner(platform, s.portal.portal), versions); err != nil {
		return err
	}
	s.inputs = render.IntegrationInputs{
		Platform: platform, Portal: s.portal.portal, National: s.portal.national, Release: s.portal.release,
		Component: s.portal.component, TrustBundle: s.portal.config.TrustBundle, SecretVersions: versions,
	}
	return nil
}

func (r *IntegrationPlatformReconciler) reconcileChildren(ctx context.Context, s *integrationScope) error {
	owner := render.IntegrationOwner(s.platform, s.portal.portal)
	var err error
	s.written, s.heldFor, err = applyAndRecord(ctx, r.applier(), r.Recorder, s.platform, owner, render.IntegrationStack(s.inputs), s.inputs.SecretVersions)
	s.portal.applied = err == nil
	return err
}

// reconcileAuditStorage sets the audit claims' bound volumes to Retain and
// reports the claims.
func (r *IntegrationPlatformReconciler) reconcileAuditStorage(ctx context.Context, s *integrationScope) error {
	claims, err := retainedClaims(ctx, r.Client, s.platform, render.RoleLGSPGateway)
	if err != nil {
		return err
	}
	var names []string
	for i := range claims {
		names = append(names, claims[i].Name)
		if _, err := retainVolume(ctx, r.Client, &claims[i]); err != nil {
			return err
		}
	}
	s.platform.Status.Claims = names
	return nil
}

func (r *IntegrationPlatformReconciler) observeChildren(ctx context.Context, s *integrationScope) error {
	owner := render.IntegrationOwner(s.platform, s.portal.portal)
	if err := r.renewStaleLeavesInto(ctx, owner, s.portal.portal.Name, s.written); err != nil {
		return err
	}
	if _, err := observeCertificatesInto(ctx, r.Client, s.platform, owner, s.written, platformv1alpha1.ConditionCertificatesReady); err != nil {
		return err
	}
	var gateway client.Object = named(&appsv1.Deployment{}, owner.Name(render.RoleLGSPGateway))
	if s.platform.Spec.Audit != nil {
		gateway = named(&appsv1.StatefulSet{}, owner.Name(render.RoleLGSPGateway))
	}
	if err := observeWorkloads(ctx, r.Client, s.platform, s.written, s.heldFor, gateway); err != nil {
		return err
	}
	switch {
	case conditions.IsTrue(s.platform.Status.Conditions, platformv1alpha1.ConditionWorkloadReady):
		// The gateway serves: the portal and the one-stop-shop switch to it,
		// and stay switched until the platform is deleted.
		s.platform.Status.GatewayURL = render.GatewayURL(s.platform)
	case s.platform.Status.GatewayURL == "":
		deadline := s.platform.CreationTimestamp.Add(gatewayStartBudget)
		if r.Clock.Now().Before(deadline) {
			s.startDeadline = deadline
			return nil
		}
		workload := meta.FindStatusCondition(s.platform.Status.Conditions, platformv1alpha1.ConditionWorkloadReady)
		return conditions.Stalled(platformv1alpha1.ReasonGatewayNotServing,
			"the gateway has not served within %s of the platform's creation (%s): the province's new workloads no longer wait for it and start on the direct path to NDXP",
			gatewayStartBudget, workload.Message)
	}
	return nil
}

// SetupWithManager registers the controller and its watches.
func (r *IntegrationPlatformReconciler) SetupWithManager(mgr ctrl.Manager) error {
	f := followers{Client: r.Client, list: func(ctx context.Context, namespace string) ([]follower, error) {
		list := &platformv1alpha1.IntegrationPlatformList{}
		if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return nil, err
		}
		out := make([]follower, 0, len(list.Items))
		for _, i := range list.Items {
			out = append(out, follower{key: types.NamespacedName{Namespace: i.Namespace, Name: i.Name}, portal: i.Spec.PortalRef.Name,
				secrets: []string{i.Spec.NDXPCredentialsSecretRef.Name}})
		}
		return out, nil
	}}
	// A system appearing or leaving the namespace settles a connector naming it.
	systems := builder.WithPredicates(predicate.Funcs{UpdateFunc: func(event.UpdateEvent) bool { return false }})
	return f.complete(f.watch(ownChildren(ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.IntegrationPlatform{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{})))), &platformv1alpha1.IntegrationPlatform{}).
		Watches(&platformv1alpha1.OneStopShop{}, handler.EnqueueRequestsFromMapFunc(f.ofNamespace), systems).
		Watches(&platformv1alpha1.DocExchangeNode{}, handler.EnqueueRequestsFromMapFunc(f.ofNamespace), systems).
		Watches(&corev1.PersistentVolumeClaim{}, handler.EnqueueRequestsFromMapFunc(ownerOfClaim(render.RoleLGSPGateway))), r, r.Secrets)
}

// ofNamespace: every follower of the object's namespace.
func (f followers) ofNamespace(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(follower) bool { return true })
}
