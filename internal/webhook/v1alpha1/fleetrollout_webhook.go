package v1alpha1

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// SetupFleetRolloutWebhookWithManager registers the webhook for FleetRollout in the manager.
func SetupFleetRolloutWebhookWithManager(mgr ctrl.Manager) error {
	return ctrl.NewWebhookManagedBy(mgr, &platformv1alpha1.FleetRollout{}).
		WithValidator(&FleetRolloutCustomValidator{Client: mgr.GetClient()}).
		Complete()
}

// Warnings only, so failurePolicy Ignore: an outage costs a warning, never a write.
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-fleetrollout,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=fleetrollouts,verbs=create;update,versions=v1alpha1,name=vfleetrollout-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5

// FleetRolloutCustomValidator warns about a rollout to a release that does
// not exist (yet).
type FleetRolloutCustomValidator struct {
	Client client.Reader
}

// ValidateCreate warns when spec.release names no PlatformRelease.
func (v *FleetRolloutCustomValidator) ValidateCreate(ctx context.Context, obj *platformv1alpha1.FleetRollout) (admission.Warnings, error) {
	return v.warnings(ctx, obj), nil
}

// ValidateUpdate warns when spec.release names no PlatformRelease.
func (v *FleetRolloutCustomValidator) ValidateUpdate(ctx context.Context, _, newObj *platformv1alpha1.FleetRollout) (admission.Warnings, error) {
	return v.warnings(ctx, newObj), nil
}

// ValidateDelete is never called: deletes are not intercepted.
func (v *FleetRolloutCustomValidator) ValidateDelete(context.Context, *platformv1alpha1.FleetRollout) (admission.Warnings, error) {
	return nil, nil
}

func (v *FleetRolloutCustomValidator) warnings(ctx context.Context, obj *platformv1alpha1.FleetRollout) admission.Warnings {
	return missingRelease(ctx, v.Client, field.NewPath("spec", "release"), obj.Spec.Release, "the rollout assigns no province")
}
