package v1alpha1

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/controllers"
)

// SetupProvincePortalWebhookWithManager registers the webhook for ProvincePortal in the manager.
func SetupProvincePortalWebhookWithManager(mgr ctrl.Manager) error {
	return ctrl.NewWebhookManagedBy(mgr, &platformv1alpha1.ProvincePortal{}).
		WithValidator(&ProvincePortalCustomValidator{Client: mgr.GetClient()}).
		Complete()
}

// One path, two webhooks with disjoint verbs, so each may fail its own way.
// Create refuses a second claim on a province (failurePolicy Fail: while the
// webhook is down no portal is created, so no duplicate slips in). Update
// only warns (failurePolicy Ignore: an outage must not block the operator's
// finalizer removal, which would wedge deletion). province.code and
// environment are immutable (CEL), so an update never makes a new claim.
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-provinceportal,mutating=false,failurePolicy=fail,sideEffects=None,groups=platform.egov.vn,resources=provinceportals,verbs=create,versions=v1alpha1,name=vprovinceportal-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-platform-egov-vn-v1alpha1-provinceportal,mutating=false,failurePolicy=ignore,sideEffects=None,groups=platform.egov.vn,resources=provinceportals,verbs=update,versions=v1alpha1,name=vprovinceportal-update-v1alpha1.kb.io,admissionReviewVersions=v1,timeoutSeconds=5

// ProvincePortalCustomValidator refuses a second ProvincePortal for a
// province and environment, and warns about a pinned release that does not
// exist.
type ProvincePortalCustomValidator struct {
	Client client.Client
}

// ValidateCreate refuses a portal whose province and environment another
// portal already serves, naming where that portal is.
func (v *ProvincePortalCustomValidator) ValidateCreate(ctx context.Context, obj *platformv1alpha1.ProvincePortal) (admission.Warnings, error) {
	serving, err := controllers.ServingPortal(ctx, v.Client, obj.Spec.Province.Code, obj.Spec.Environment)
	if err != nil {
		return nil, apierrors.NewInternalError(fmt.Errorf("list the ProvincePortals serving province %s: %w", obj.Spec.Province.Code, err))
	}
	if serving != nil {
		return nil, apierrors.NewInvalid(platformv1alpha1.GroupVersion.WithKind("ProvincePortal").GroupKind(), obj.Name, field.ErrorList{field.Invalid(
			field.NewPath("spec", "province", "code"), obj.Spec.Province.Code,
			fmt.Sprintf("province %s (environment %s) is already served by ProvincePortal %s in namespace %s: use another environment, or delete that portal first",
				obj.Spec.Province.Code, obj.Spec.Environment, serving.Name, serving.Namespace))})
	}
	return v.warnings(ctx, obj), nil
}

// ValidateUpdate only warns: see the webhooks' failure policies above.
func (v *ProvincePortalCustomValidator) ValidateUpdate(ctx context.Context, _, newObj *platformv1alpha1.ProvincePortal) (admission.Warnings, error) {
	return v.warnings(ctx, newObj), nil
}

// ValidateDelete is never called: deletes are not intercepted.
func (v *ProvincePortalCustomValidator) ValidateDelete(context.Context, *platformv1alpha1.ProvincePortal) (admission.Warnings, error) {
	return nil, nil
}

func (v *ProvincePortalCustomValidator) warnings(ctx context.Context, obj *platformv1alpha1.ProvincePortal) admission.Warnings {
	return missingRelease(ctx, v.Client, field.NewPath("spec", "release"), obj.Spec.Release, "the portal stays Stalled (ReleaseNotFound)")
}
