package v1alpha1

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// SetupOneStopShopWebhookWithManager registers the webhook for OneStopShop in the manager.
func SetupOneStopShopWebhookWithManager(mgr ctrl.Manager) error {
	return ctrl.NewWebhookManagedBy(mgr, &platformv1alpha1.OneStopShop{}).
		WithValidator(&OneStopShopCustomValidator{Client: mgr.GetClient()}).
		Complete()
}

// Warnings only, so failurePolicy Ignore: an outage costs a warning, never a write.
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-onestopshop,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=onestopshops,verbs=create;update,versions=v1alpha1,name=vonestopshop-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5

// OneStopShopCustomValidator warns about a one-stop-shop whose portalRef names no
// ProvincePortal in its namespace (yet).
type OneStopShopCustomValidator struct {
	Client client.Reader
}

// ValidateCreate warns when spec.portalRef names no ProvincePortal.
func (v *OneStopShopCustomValidator) ValidateCreate(ctx context.Context, obj *platformv1alpha1.OneStopShop) (admission.Warnings, error) {
	return missingPortal(ctx, v.Client, obj, obj.Spec.PortalRef), nil
}

// ValidateUpdate warns when spec.portalRef names no ProvincePortal.
func (v *OneStopShopCustomValidator) ValidateUpdate(ctx context.Context, _, newObj *platformv1alpha1.OneStopShop) (admission.Warnings, error) {
	return missingPortal(ctx, v.Client, newObj, newObj.Spec.PortalRef), nil
}

// ValidateDelete is never called: deletes are not intercepted.
func (v *OneStopShopCustomValidator) ValidateDelete(context.Context, *platformv1alpha1.OneStopShop) (admission.Warnings, error) {
	return nil, nil
}
