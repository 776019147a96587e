package v1alpha1

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// SetupNationalPlatformWebhookWithManager registers the webhook for NationalPlatform in the manager.
func SetupNationalPlatformWebhookWithManager(mgr ctrl.Manager) error {
	return ctrl.NewWebhookManagedBy(mgr, &platformv1alpha1.NationalPlatform{}).
		WithValidator(&NationalPlatformCustomValidator{Client: mgr.GetClient()}).
		Complete()
}

// Warnings only, so failurePolicy Ignore: an outage costs a warning, never a write.
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-nationalplatform,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=nationalplatforms,verbs=create;update,versions=v1alpha1,name=vnationalplatform-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5

// NationalPlatformCustomValidator warns about a default release that does
// not exist (yet).
type NationalPlatformCustomValidator struct {
	Client client.Reader
}

// ValidateCreate warns when spec.defaultRelease names no PlatformRelease.
func (v *NationalPlatformCustomValidator) ValidateCreate(ctx context.Context, obj *platformv1alpha1.NationalPlatform) (admission.Warnings, error) {
	return v.warnings(ctx, obj), nil
}

// ValidateUpdate warns when spec.defaultRelease names no PlatformRelease.
func (v *NationalPlatformCustomValidator) ValidateUpdate(ctx context.Context, _, newObj *platformv1alpha1.NationalPlatform) (admission.Warnings, error) {
	return v.warnings(ctx, newObj), nil
}

// ValidateDelete is never called: deletes are not intercepted.
func (v *NationalPlatformCustomValidator) ValidateDelete(context.Context, *platformv1alpha1.NationalPlatform) (admission.Warnings, error) {
	return nil, nil
}

func (v *NationalPlatformCustomValidator) warnings(ctx context.Context, obj *platformv1alpha1.NationalPlatform) admission.Warnings {
	return missingRelease(ctx, v.Client, field.NewPath("spec", "defaultRelease"), obj.Spec.DefaultRelease,
		"every portal that neither pins a release nor was assigned one stays Stalled (ReleaseNotFound)")
}
