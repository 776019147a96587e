package controllers

import (
	"context"
	"fmt"
	"slices"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

// portalInputs is what a OneStopShop or DocExchangeNode takes from the
// ProvincePortal of its namespace: its province, SubCA, national wiring,
// release and the configuration it publishes.
type portalInputs struct {
	portal   *platformv1alpha1.ProvincePortal
	national *platformv1alpha1.NationalPlatform
	// release is set once it is resolved and conformant: the stack runs it.
	release   string
	component platformv1alpha1.Component
	// releaseExpiry is when the release's first declaration expires.
	releaseExpiry time.Time
	config        render.PortalConfig
	// gateway is the IntegrationPlatform the stack reaches NDXP through; nil: directly.
	gateway *platformv1alpha1.IntegrationPlatform
	// applied is set once the follower's stack is applied with release.
	applied bool
}

// report records in a follower's status the province its portal serves and
// the release it runs: the one its stack was last applied with, not one it
// waits to apply.
func (p portalInputs) report(status *platformv1alpha1.ProvinceStatus) {
	if p.portal != nil {
		status.Province = string(p.portal.Spec.Province.Code)
	}
	if p.applied {
		status.Release = p.release
	}
}

// resolvePortal resolves the ProvincePortal named by ref and what follows
// from it, recording the PortalReady condition on obj. A missing portal is a
// user error. A portal that is paused, Stalled, whose SubCA does not issue
// yet or whose ConfigMaps do not hold the current national configuration is
// waited for: the follower applies nothing meanwhile, so its pods roll once,
// together with the ConfigMaps they read. The release is checked at now.
func resolvePortal(ctx context.Context, c client.Client, obj object, ref platformv1alpha1.LocalObjectReference, component string, now time.Time) (portalInputs, error) {
	var in portalInputs
	conds := &obj.StatusCommon().Conditions
	national, err := getNational(ctx, c)
	if err != nil {
		return in, err
	}
	portal := &platformv1alpha1.ProvincePortal{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: ref.Name}, portal); apierrors.IsNotFound(err) {
		err := conditions.Stalled(platformv1alpha1.ReasonPortalNotFound,
			"ProvincePortal %q does not exist in namespace %s: create it, or fix spec.portalRef", ref.Name, obj.GetNamespace())
		conditions.Set(conds, obj.GetGeneration(), platformv1alpha1.ConditionPortalReady, false, platformv1alpha1.ReasonPortalNotFound, err.(*conditions.UserError).Message)
		return in, err
	} else if err != nil {
		return in, err
	}
	in.portal, in.national = portal, national
	release, err := effectiveRelease(ctx, c, portal, national.Spec.DefaultRelease)
	if err != nil {
		return in, err
	}
	// A release not found or not conformant is never rendered; status.release
	// names a release only once the stack is applied with it (applied).
	if in.component, in.releaseExpiry, err = getRelease(ctx, c, release, component, now); err != nil {
		return in, err
	}
	in.release = release
	if in.gateway, err = routingGateway(ctx, c, obj.GetNamespace()); err != nil {
		return in, err
	}
	want := render.Interconnect(portal, national, in.gateway)
	if _, isGateway := obj.(*platformv1alpha1.IntegrationPlatform); isGateway {
		// The gateway imports no interconnect configuration and waits for
		// none to name it; but its certificate and its calls to NDXP name
		// the portal's province and agency, so it waits for the portal to
		// publish them, which it does only once it has checked them.
		want = map[string]string{render.ProvinceCodeKey: want[render.ProvinceCodeKey], render.OrganIDKey: want[render.OrganIDKey]}
	}
	var waiting string
	if in.config, waiting, err = awaitPortal(ctx, c, portal, want); err != nil {
		return in, err
	} else if waiting != "" {
		conditions.Set(conds, obj.GetGeneration(), platformv1alpha1.ConditionPortalReady, false, platformv1alpha1.ReasonWaitingForPortal, waiting)
		return in, errWaiting
	}
	conditions.Set(conds, obj.GetGeneration(), platformv1alpha1.ConditionPortalReady, true, platformv1alpha1.ReasonReady,
		fmt.Sprintf("ProvincePortal %s issues through %s", portal.Name, render.SubCAIssuerName(portal.Name)))
	return in, nil
}

// awaitPortal returns the configuration the portal publishes, or why a
// follower must wait for it: the portal is paused or Stalled, its SubCA
// does not issue yet, or its ConfigMaps are not current.
func awaitPortal(ctx context.Context, c client.Reader, portal *platformv1alpha1.ProvincePortal, want map[string]string) (render.PortalConfig, string, error) {
	if paused(portal) {
		return render.PortalConfig{}, fmt.Sprintf("ProvincePortal %s is paused (annotation %s): nothing changes until it resumes",
			portal.Name, platformv1alpha1.PausedAnnotation), nil
	}
	if stalled := meta.FindStatusCondition(portal.Status.Conditions, platformv1alpha1.ConditionStalled); stalled != nil && stalled.Status == metav1.ConditionTrue {
		return render.PortalConfig{}, fmt.Sprintf("ProvincePortal %s is stalled (%s): nothing changes until it is fixed", portal.Name, stalled.Reason), nil
	}
	// The followers' certificates name the portal's agency. Checked here
	// too, not only through the portal's status and ConfigMaps, which lag
	// behind its spec and which a namespace admin may edit.
	unit, _ := provinces.Lookup(string(portal.Spec.Province.Code))
	if problem := unit.OrganIDProblem(string(portal.Spec.OrganID)); problem != "" {
		return render.PortalConfig{}, fmt.Sprintf("ProvincePortal %s: %s: nothing changes until it is fixed", portal.Name, problem), nil
	}
	issuer := &cmapi.Issuer{}
	issuerName := render.SubCAIssuerName(portal.Name)
	if err := c.Get(ctx, types.NamespacedName{Namespace: portal.Namespace, Name: issuerName}, issuer); client.IgnoreNotFound(err) != nil {
		return render.PortalConfig{}, "", err
	}
	ready := false
	for _, cond := range issuer.Status.Conditions {
		ready = ready || (cond.Type == cmapi.IssuerConditionReady && cond.Status == cmmeta.ConditionTrue)
	}
	if !ready {
		return render.PortalConfig{}, fmt.Sprintf("waiting for the provincial SubCA Issuer %s of ProvincePortal %s to be ready", issuerName, portal.Name), nil
	}
	return publishedConfig(ctx, c, portal, want)
}

// publishedConfig reads the configuration the portal publishes from its
// ConfigMaps, as the pods will read it. It returns what to wait for while
// they are missing or do not hold the interconnect configuration want the
// follower renders its own from yet: applying then would roll the pods twice, once
// against the old ConfigMap.
func publishedConfig(ctx context.Context, c client.Reader, portal *platformv1alpha1.ProvincePortal, want map[string]string) (render.PortalConfig, string, error) {
	var config render.PortalConfig
	data := map[string]map[string]string{}
	owner := render.PortalOwner(portal)
	for _, role := range []string{render.RoleInterconnect, render.RoleTrustBundle} {
		cm := &corev1.ConfigMap{}
		err := c.Get(ctx, types.NamespacedName{Namespace: portal.Namespace, Name: owner.Name(role)}, cm)
		if apierrors.IsNotFound(err) || (err == nil && !ownedBy(cm, portal)) {
			return config, fmt.Sprintf("waiting for ProvincePortal %s to create its ConfigMap %s", portal.Name, owner.Name(role)), nil
		} else if err != nil {
			return config, "", err
		}
		data[role] = cm.Data
	}
	config = render.PortalConfig{Interconnect: data[render.RoleInterconnect], TrustBundle: data[render.RoleTrustBundle][render.TrustBundleKey]}
	// Keys of other managers are the pods' too, and no reason to wait.
	for k, v := range want {
		if config.Interconnect[k] != v {
			return config, fmt.Sprintf("waiting for ProvincePortal %s to apply the current configuration to its ConfigMap %s (%s)",
				portal.Name, owner.Name(render.RoleInterconnect), k), nil
		}
	}
	return config, "", nil
}

// followers lists the objects of one kind that follow a portal, and maps a
// change of a shared input to exactly those it affects.
type followers struct {
	client.Client
	// list lists the kind in a namespace (all namespaces when empty) and
	// returns each object with the portal it names and the user Secrets it uses.
	list func(ctx context.Context, namespace string) ([]follower, error)
}

type follower struct {
	key     types.NamespacedName
	portal  string
	secrets []string
}

func (f followers) where(ctx context.Context, namespace string, keep func(follower) bool) []reconcile.Request {
	items, err := f.list(ctx, namespace)
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list objects to fan out a change")
		return nil
	}
	var reqs []reconcile.Request
	for _, it := range items {
		if keep(it) {
			reqs = append(reqs, reconcile.Request{NamespacedName: it.key})
		}
	}
	return reqs
}

// all: every follower (a NationalPlatform spec change).
func (f followers) all(ctx context.Context, _ client.Object) []reconcile.Request {
	return f.where(ctx, "", func(follower) bool { return true })
}

// ofPortal: the followers of a ProvincePortal.
func (f followers) ofPortal(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return it.portal == obj.GetName() })
}

// ofIssuer: the followers of the portal whose SubCA Issuer this is.
func (f followers) ofIssuer(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return render.SubCAIssuerName(it.portal) == obj.GetName() })
}

// ofSubCA: the followers of the portal whose SubCA Certificate this is: a
// reissued SubCA means their leaves must be reissued too.
func (f followers) ofSubCA(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return render.SubCACertificateName(it.portal) == obj.GetName() })
}

// ofSecret: the followers in the Secret's namespace that use it, directly or
// through their portal (the national credentials the sync worker mounts),
// and those whose leaves their portal's SubCA key pair signs: the leaves
// are checked against the version of it the Secret cache shows.
func (f followers) ofSecret(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool {
		if slices.Contains(it.secrets, obj.GetName()) || render.KeypairSecret(render.SubCACertificateName(it.portal)) == obj.GetName() {
			return true
		}
		portal := &platformv1alpha1.ProvincePortal{}
		err := f.Get(ctx, types.NamespacedName{Namespace: it.key.Namespace, Name: it.portal}, portal)
		return err == nil && slices.Contains(render.PortalSecretRefs(portal.Spec), obj.GetName())
	})
}

// ofRelease: the followers whose portal runs the release.
func (f followers) ofRelease(ctx context.Context, obj client.Object) []reconcile.Request {
	defaultRelease := platformv1alpha1.ReleaseName("")
	if national, err := getNational(ctx, f.Client); err == nil {
		defaultRelease = national.Spec.DefaultRelease
	}
	return f.where(ctx, "", func(it follower) bool {
		portal := &platformv1alpha1.ProvincePortal{}
		if err := f.Get(ctx, types.NamespacedName{Namespace: it.key.Namespace, Name: it.portal}, portal); err != nil {
			return false
		}
		release, err := effectiveRelease(ctx, f.Client, portal, defaultRelease)
		return err == nil && release == obj.GetName()
	})
}

// ofAssignment: the followers whose portal serves the assignment's province and environment.
func (f followers) ofAssignment(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, "", func(it follower) bool {
		portal := &platformv1alpha1.ProvincePortal{}
		if err := f.Get(ctx, types.NamespacedName{Namespace: it.key.Namespace, Name: it.portal}, portal); err != nil {
			return false
		}
		return assignedTo(obj, portal)
	})
}

// ofPortalConfigMap: the followers of the portal whose ConfigMap this is
// (the interconnect configuration or the trust bundle): their pods import
// or mount it.
func (f followers) ofPortalConfigMap(ctx context.Context, obj client.Object) []reconcile.Request {
	owner := metav1.GetControllerOf(obj)
	if owner == nil || owner.APIVersion != platformv1alpha1.GroupVersion.String() || owner.Kind != "ProvincePortal" {
		return nil
	}
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return it.portal == owner.Name })
}

// portalGateChanged passes the portal changes a follower acts on: its spec,
// and whether it is paused or Stalled (a follower waits meanwhile).
var portalGateChanged = predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
	stalled := func(obj client.Object) bool {
		p, ok := obj.(*platformv1alpha1.ProvincePortal)
		return ok && conditions.IsTrue(p.Status.Conditions, platformv1alpha1.ConditionStalled)
	}
	return e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() ||
		paused(e.ObjectOld) != paused(e.ObjectNew) || stalled(e.ObjectOld) != stalled(e.ObjectNew)
}}

// inNamespace: every other follower of the namespace (an arrival, a
// departure or a spec change, such as a new organId, may settle a rival's
// claim).
func (f followers) inNamespace(ctx context.Context, obj client.Object) []reconcile.Request {
	return f.where(ctx, obj.GetNamespace(), func(it follower) bool { return it.key.Name != obj.GetName() })
}

// watch adds the watches a follower kind needs: its portal (spec changes,
// pause and stall), the ConfigMaps the portal publishes, the portal's SubCA
// Issuer and Certificate, the NationalPlatform, releases and Provinces
// (spec changes), the arrivals, departures and spec changes of its own
// kind in the namespace, and the IntegrationPlatforms that switch the
// namespace's path to NDXP. The Secrets it uses are watched namespace
// by namespace: see complete.
func (f followers) watch(b *builder.Builder, self client.Object) *builder.Builder {
	specChanges := builder.WithPredicates(predicate.GenerationChangedPredicate{})
	return b.
		Watches(&platformv1alpha1.ProvincePortal{}, handler.EnqueueRequestsFromMapFunc(f.ofPortal), builder.WithPredicates(portalGateChanged)).
		Watches(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(f.ofPortalConfigMap)).
		Watches(&cmapi.Issuer{}, handler.EnqueueRequestsFromMapFunc(f.ofIssuer)).
		Watches(&cmapi.Certificate{}, handler.EnqueueRequestsFromMapFunc(f.ofSubCA)).
		Watches(&platformv1alpha1.NationalPlatform{}, handler.EnqueueRequestsFromMapFunc(f.all), specChanges).
		Watches(&platformv1alpha1.PlatformRelease{}, handler.EnqueueRequestsFromMapFunc(f.ofRelease), specChanges).
		Watches(&platformv1alpha1.Province{}, handler.EnqueueRequestsFromMapFunc(f.ofProvince), specChanges).
		Watches(&platformv1alpha1.ProvinceAssignment{}, handler.EnqueueRequestsFromMapFunc(f.ofAssignment), specChanges).
		Watches(self, handler.EnqueueRequestsFromMapFunc(f.inNamespace), specChanges).
		Watches(&platformv1alpha1.IntegrationPlatform{}, handler.EnqueueRequestsFromMapFunc(f.ofNamespace), builder.WithPredicates(routingChanged))
}

// complete builds the controller of a follower kind and sends it the events
// of the Secrets its objects use, from the province namespaces' Secret watches.
func (f followers) complete(b *builder.Builder, r reconcile.Reconciler, secrets *provinceSecrets) error {
	c, err := b.Build(r)
	if err != nil {
		return err
	}
	secrets.register(c, handler.EnqueueRequestsFromMapFunc(f.ofSecret))
	return nil
}
