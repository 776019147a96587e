package controllers

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/render"
)

// OneStopShopReconciler renders and applies each province's one-stop-shop
// system: web and sync worker, client certificate, configuration and policies.
type OneStopShopReconciler struct {
	deps
}

type shopScope struct {
	// written are the children this reconcile wrote.
	written writes
	// heldFor are the certificates new workloads wait for.
	heldFor []string
	shop    *platformv1alpha1.OneStopShop
	portal  portalInputs
	inputs  render.OneStopShopInputs
}

// +kubebuilder:rbac:groups=platform.egov.vn,resources=onestopshops,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=onestopshops/status,verbs=get;patch
// +kubebuilder:rbac:groups=platform.egov.vn,resources=onestopshops/finalizers,verbs=update

// Reconcile converges one OneStopShop.
func (r *OneStopShopReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	shop := &platformv1alpha1.OneStopShop{}
	if err := r.Get(ctx, req.NamespacedName, shop); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if done, err := prelude(ctx, r.Client, shop, platformv1alpha1.PrivateKeysFinalizer, func(ctx context.Context) error {
		_, err := r.deleteKeypairs(ctx, render.Owner{Object: shop})
		return err
	}); done || err != nil {
		return ctrl.Result{}, err
	}
	s := &shopScope{shop: shop}
	orig := shop.DeepCopy()
	err := runPhases(ctx, s, r.resolveInputs, r.checkSingleton, r.checkTLS, r.resolveSecrets, r.reconcileChildren, r.observeChildren)
	s.portal.report(&shop.Status.ProvinceStatus)
	if s.portal.portal != nil {
		shop.Status.URL = render.OneStopShopURL(shop, s.portal.portal)
	}
	err = finish(ctx, r.Client, r.Recorder, shop, orig, err, "the one-stop-shop system is served at "+shop.Status.URL,
		platformv1alpha1.ConditionPortalReady, platformv1alpha1.ConditionDatabaseConfigured,
		platformv1alpha1.ConditionNationalSyncConfigured, platformv1alpha1.ConditionPostalDeliveryConfigured, platformv1alpha1.ConditionSSOConfigured,
		platformv1alpha1.ConditionCertificatesReady, platformv1alpha1.ConditionWorkloadReady)
	return resultAt(r.Clock, s.portal.releaseExpiry, err)
}

func (r *OneStopShopReconciler) resolveInputs(ctx context.Context, s *shopScope) error {
	var err error
	s.portal, err = resolvePortal(ctx, r.Client, s.shop, s.shop.Spec.PortalRef, platformv1alpha1.ComponentOneStopShop, r.Clock.Now())
	return err
}

// checkSingleton lets the oldest OneStopShop of a namespace serve it.
func (r *OneStopShopReconciler) checkSingleton(ctx context.Context, s *shopScope) error {
	return checkSingleton(ctx, r.Client, s.shop, "OneStopShop", &platformv1alpha1.OneStopShopList{})
}

// checkTLS refuses to serve the system at a host outside its province's
// domains, whether its own spec.domain or its portal's, and whoever would
// sign its certificate; and refuses a certificate of its own from the
// national CA, named as the portal's public issuer.
func (r *OneStopShopReconciler) checkTLS(ctx context.Context, s *shopScope) error {
	portal := s.portal.portal
	host, _ := render.OneStopShopHost(s.shop, portal)
	if s.shop.Spec.Domain == "" {
		return r.checkHost(ctx, "the domain of ProvincePortal "+portal.Name, host, portal.Spec.Province.Code)
	}
	if err := r.checkHost(ctx, "spec.domain", host, portal.Spec.Province.Code); err != nil {
		return err
	}
	_, err := r.resolvePublicIssuer(ctx, portal, s.portal.national)
	return err
}

// resolveSecrets checks the database, postal and synchronisation inputs and
// records a condition for each.
func (r *OneStopShopReconciler) resolveSecrets(ctx context.Context, s *shopScope) error {
	shop, n := s.shop, s.portal.national
	// Watch the namespace's Secrets before reading any: a missing one brings the object back when it comes.
	if _, err := r.Secrets.in(ctx, shop.Namespace); err != nil {
		return err
	}
	versions := map[string]string{}
	db := shop.Spec.Database.SecretRef
	version, err := r.secretKeys(ctx, shop.Namespace, db.Name, db.Key)
	if recordInput(shop, platformv1alpha1.ConditionDatabaseConfigured, err,
		fmt.Sprintf("database connection from Secret %s, key %s", db.Name, db.Key)) {
		return err
	}
	versions[db.Name] = version

	if err := r.resolveNationalSync(ctx, s, versions); err != nil {
		return err
	}

	pd := shop.Spec.PostalDelivery
	switch {
	case pd == nil || !pd.Enabled:
		recordDisabled(shop, platformv1alpha1.ConditionPostalDeliveryConfigured, "results are not handed to the postal service")
	case n.Spec.Postal == nil:
		err := conditions.Stalled(platformv1alpha1.ReasonPostalNotConfigured,
			"postal delivery is on but NationalPlatform %s names no postal service: ask central ops to set spec.postal, or turn postal delivery off", n.Name)
		recordInput(shop, platformv1alpha1.ConditionPostalDeliveryConfigured, err, "")
		return err
	default:
		version, err := r.secretKeys(ctx, shop.Namespace, pd.CredentialsSecretRef.Name, inputs.PostalCredentialKeys...)
		if recordInput(shop, platformv1alpha1.ConditionPostalDeliveryConfigured, err, "results are handed to "+string(n.Spec.Postal.URL)) {
			return err
		}
		versions[pd.CredentialsSecretRef.Name] = version
		if err := r.resolveCallerEndpoint(ctx, s, render.RoleMotcuaPostalCallback, platformv1alpha1.ConditionPostalDeliveryConfigured,
			"results are handed to "+string(n.Spec.Postal.URL), versions); err != nil {
			return err
		}
	}

	if err := r.resolveSSO(ctx, s, versions); err != nil {
		return err
	}

	if err := mergeRevisions(ctx, r.Client, render.OneStopShopOwner(shop, s.portal.portal), versions); err != nil {
		return err
	}
	if ref := s.portal.portal.Spec.NationalCredentialsSecretRef; ref != nil && s.portal.gateway == nil {
		if versions[ref.Name], err = r.secretKeys(ctx, shop.Namespace, ref.Name, inputs.NationalCredentialKeys...); err != nil {
			return err
		}
	}
	s.inputs = render.OneStopShopInputs{
		Shop: shop, Portal: s.portal.portal, National: n, Release: s.portal.release, Component: s.portal.component,
		PortalConfig: s.portal.config, SecretVersions: versions, Gateway: s.portal.gateway,
	}
	return nil
}

func (r *OneStopShopReconciler) reconcileChildren(ctx context.Context, s *shopScope) error {
	owner := render.OneStopShopOwner(s.shop, s.portal.portal)
	var err error
	s.written, s.heldFor, err = applyAndRecord(ctx, r.applier(), r.Recorder, s.shop, owner, render.OneStopShopStack(s.inputs), s.inputs.SecretVersions)
	s.portal.applied = err == nil
	return err
}

func (r *OneStopShopReconciler) observeChildren(ctx context.Context, s *shopScope) error {
	owner := render.OneStopShopOwner(s.shop, s.portal.portal)
	if err := r.renewStaleLeavesInto(ctx, owner, s.portal.portal.Name, s.written); err != nil {
		return err
	}
	if _, err := observeCertificatesInto(ctx, r.Client, s.shop, owner, s.written, platformv1alpha1.ConditionCertificatesReady); err != nil {
		return err
	}
	workloads := []client.Object{named(&appsv1.Deployment{}, owner.Name(render.RoleMotcuaWeb)), named(&appsv1.Deployment{}, owner.Name(render.RoleMotcuaWorker))}
	for _, e := range render.CallerEndpoints(s.shop, s.portal.portal, s.portal.national) {
		workloads = append(workloads, named(&appsv1.Deployment{}, owner.Name(e.Role)))
	}
	return observeWorkloads(ctx, r.Client, s.shop, s.written, s.heldFor, workloads...)
}

// SetupWithManager registers the controller and its watches.
func (r *OneStopShopReconciler) SetupWithManager(mgr ctrl.Manager) error {
	f := followers{Client: r.Client, list: func(ctx context.Context, namespace string) ([]follower, error) {
		list := &platformv1alpha1.OneStopShopList{}
		if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return nil, err
		}
		out := make([]follower, 0, len(list.Items))
		for _, s := range list.Items {
			out = append(out, follower{key: types.NamespacedName{Namespace: s.Namespace, Name: s.Name},
				portal: s.Spec.PortalRef.Name, secrets: render.OneStopShopSecretRefs(s.Spec)})
		}
		return out, nil
	}}
	return f.complete(f.watch(ownChildren(ctrl.NewControllerManagedBy(mgr).
		For(&platformv1alpha1.OneStopShop{}, builder.WithPredicates(predicate.Or(
			predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{})))), &platformv1alpha1.OneStopShop{}), r, r.Secrets)
}
