package v1alpha1

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// The webhooks below only warn, so their failurePolicy is Ignore: an outage
// costs a warning, never a write. They warn about a reference that does not
// exist yet, since GitOps may apply it next.
//
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-onestopshop,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=onestopshops,verbs=create;update,versions=v1alpha1,name=vonestopshop-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-docexchangenode,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=docexchangenodes,verbs=create;update,versions=v1alpha1,name=vdocexchangenode-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-fleetrollout,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=fleetrollouts,verbs=create;update,versions=v1alpha1,name=vfleetrollout-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-nationalplatform,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=nationalplatforms,verbs=create;update,versions=v1alpha1,name=vnationalplatform-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5

// SetupOneStopShopWebhookWithManager warns when a OneStopShop's portalRef
// names no ProvincePortal in its namespace.
func SetupOneStopShopWebhookWithManager(mgr ctrl.Manager) error {
	return setupWarner(mgr, &platformv1alpha1.OneStopShop{}, func(ctx context.Context, c client.Reader, s *platformv1alpha1.OneStopShop) admission.Warnings {
		return missingPortal(ctx, c, s, s.Spec.PortalRef)
	})
}

// SetupDocExchangeNodeWebhookWithManager warns when a DocExchangeNode's
// portalRef names no ProvincePortal in its namespace.
func SetupDocExchangeNodeWebhookWithManager(mgr ctrl.Manager) error {
	return setupWarner(mgr, &platformv1alpha1.DocExchangeNode{}, func(ctx context.Context, c client.Reader, d *platformv1alpha1.DocExchangeNode) admission.Warnings {
		return missingPortal(ctx, c, d, d.Spec.PortalRef)
	})
}

// SetupFleetRolloutWebhookWithManager warns when a FleetRollout's release
// names no PlatformRelease.
func SetupFleetRolloutWebhookWithManager(mgr ctrl.Manager) error {
	return setupWarner(mgr, &platformv1alpha1.FleetRollout{}, func(ctx context.Context, c client.Reader, r *platformv1alpha1.FleetRollout) admission.Warnings {
		return missingRelease(ctx, c, field.NewPath("spec", "release"), r.Spec.Release, "the rollout assigns no province")
	})
}

// SetupNationalPlatformWebhookWithManager warns when the NationalPlatform's
// defaultRelease names no PlatformRelease.
func SetupNationalPlatformWebhookWithManager(mgr ctrl.Manager) error {
	return setupWarner(mgr, &platformv1alpha1.NationalPlatform{}, func(ctx context.Context, c client.Reader, n *platformv1alpha1.NationalPlatform) admission.Warnings {
		return missingRelease(ctx, c, field.NewPath("spec", "defaultRelease"), n.Spec.DefaultRelease,
			"every portal that neither pins a release nor was assigned one stays Stalled (ReleaseNotFound)")
	})
}

// warner validates a kind by warnings alone, the same on create and update.
type warner[T client.Object] struct {
	client client.Reader
	check  func(context.Context, client.Reader, T) admission.Warnings
}

func setupWarner[T client.Object](mgr ctrl.Manager, obj T, check func(context.Context, client.Reader, T) admission.Warnings) error {
	return ctrl.NewWebhookManagedBy(mgr, obj).WithValidator(&warner[T]{client: mgr.GetClient(), check: check}).Complete()
}

// ValidateCreate returns the object's warnings.
func (w *warner[T]) ValidateCreate(ctx context.Context, obj T) (admission.Warnings, error) {
	return w.check(ctx, w.client, obj), nil
}

// ValidateUpdate returns the new object's warnings.
func (w *warner[T]) ValidateUpdate(ctx context.Context, _, obj T) (admission.Warnings, error) {
	return w.check(ctx, w.client, obj), nil
}

// ValidateDelete is never called: deletes are not intercepted.
func (w *warner[T]) ValidateDelete(context.Context, T) (admission.Warnings, error) {
	return nil, nil
}
