package v1alpha1

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// missingReference warns when the object a field names does not exist. The
// object may still come (GitOps applies in any order), so this never
// refuses; a failed read says the check could not be made rather than
// refusing either.
func missingReference(ctx context.Context, c client.Reader, path *field.Path, key types.NamespacedName, obj client.Object, kind, consequence string) admission.Warnings {
	err := c.Get(ctx, key, obj)
	switch {
	case err == nil:
		return nil
	case apierrors.IsNotFound(err):
		where := ""
		if key.Namespace != "" {
			where = " in namespace " + key.Namespace
		}
		return admission.Warnings{fmt.Sprintf("%s: %s %q does not exist%s; %s until it is applied", path, kind, key.Name, where, consequence)}
	default:
		return admission.Warnings{fmt.Sprintf("%s: could not check that %s %q exists: %v", path, kind, key.Name, err)}
	}
}

// missingRelease warns when a release field names no PlatformRelease; an
// empty field names none and leaves the choice to the fleet.
func missingRelease(ctx context.Context, c client.Reader, path *field.Path, release platformv1alpha1.ReleaseName, consequence string) admission.Warnings {
	if release == "" {
		return nil
	}
	return missingReference(ctx, c, path, types.NamespacedName{Name: string(release)}, &platformv1alpha1.PlatformRelease{}, "PlatformRelease", consequence)
}

// missingPortal warns when a portalRef names no ProvincePortal in the
// object's namespace.
func missingPortal(ctx context.Context, c client.Reader, obj client.Object, ref platformv1alpha1.LocalObjectReference) admission.Warnings {
	key := types.NamespacedName{Namespace: obj.GetNamespace(), Name: ref.Name}
	return missingReference(ctx, c, field.NewPath("spec", "portalRef", "name"), key, &platformv1alpha1.ProvincePortal{}, "ProvincePortal",
		"it stays Stalled (PortalNotFound)")
}
