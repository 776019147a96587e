package controllers

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmapply "github.com/cert-manager/cert-manager/pkg/client/applyconfigurations"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
	"github.com/egov-vn/egov-operator/internal/render"
)

// Applier applies rendered children with server-side apply as field owner
// egov-operator. It reads the live object from the cache first and skips the
// apply when the fields egov-operator owns there already equal the desired
// object: a no-op apply is still a write request, and an idle operator makes
// none.
//
// It never takes over an object it did not create: an existing object with a
// child's name but without the same controller is a NameConflict. The cache
// holds only labelled objects, so when it lacks the child the API server is
// asked whether the name is taken.
type Applier struct {
	Client client.Client
	// Reader reads uncached, to find objects the cache does not hold.
	Reader client.Reader
	Scheme *runtime.Scheme
	// Secrets finds the key pair Secrets of pruned Certificates.
	Secrets *provinceSecrets
}

// Apply applies obj unless it is already in place; it reports whether it wrote.
func (a Applier) Apply(ctx context.Context, obj client.Object) (bool, error) {
	desired, err := render.Unstructured(obj)
	if err != nil {
		return false, err
	}
	compared, err := render.Unstructured(withServerDefaults(obj))
	if err != nil {
		return false, err
	}
	upToDate, err := a.upToDate(ctx, compared)
	if err != nil || upToDate {
		return false, err
	}
	if err := a.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired),
		client.FieldOwner(render.ManagedBy), client.ForceOwnership); apierrors.IsInvalid(err) && !policyNotConfigured(err) {
		// Retrying cannot help: the render asks for something the API server refuses.
		return false, conditions.Stalled(platformv1alpha1.ReasonChildRejected,
			"the API server refused %s: %v", render.Describe(obj), err)
	} else if err != nil {
		return false, fmt.Errorf("apply %s: %w", render.Describe(obj), err)
	}
	return true, nil
}

// policyNotConfigured reports a refusal by a ValidatingAdmissionPolicy the
// API server could not configure, e.g. while the kind of its parameters is
// not served yet after a restart. The API server answers Invalid then too,
// but the refusal is the server's state, not the render's: retrying helps.
func policyNotConfigured(err error) bool {
	message := err.Error()
	return strings.Contains(message, "ValidatingAdmissionPolicy") &&
		(strings.Contains(message, "failed to configure policy") || strings.Contains(message, "failed to configure binding"))
}

// checkNameFree returns a NameConflict when an object the cache does not
// hold already has desired's name.
func (a Applier) checkNameFree(ctx context.Context, desired *unstructured.Unstructured) error {
	existing := &metav1.PartialObjectMetadata{}
	existing.SetGroupVersionKind(desired.GroupVersionKind())
	if err := a.Reader.Get(ctx, client.ObjectKeyFromObject(desired), existing); apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("get %s/%s: %w", desired.GetKind(), desired.GetName(), err)
	}
	return checkSameController(existing, desired)
}

// checkSameController returns a NameConflict unless live is the operator's
// child of the owner desired names: controlled by that owner, and carrying
// what only the operator's applies give it, the managed-by label (which
// admission lets no one else set) and egov-operator's apply entry. An owner
// reference alone proves nothing: anyone who may create an object in the
// namespace may point it at the province's portal.
func checkSameController(live metav1.Object, desired *unstructured.Unstructured) error {
	want := metav1.GetControllerOfNoCopy(desired)
	got := metav1.GetControllerOfNoCopy(live)
	if got != nil && want != nil && got.UID == want.UID && live.GetLabels()[render.LabelManagedBy] == render.ManagedBy && appliedByOperator(live) {
		return nil
	}
	owner := "this object"
	if want != nil {
		owner = want.Kind + " " + want.Name
	}
	return conditions.Stalled(platformv1alpha1.ReasonNameConflict,
		"%s %s already exists and was not created for %s: the operator never takes over or deletes an object it did not create; rename or remove it",
		desired.GetKind(), desired.GetName(), owner)
}

// upToDate reports whether the cached live object already holds the desired
// object as egov-operator's applies.
func (a Applier) upToDate(ctx context.Context, desired *unstructured.Unstructured) (bool, error) {
	gvk := desired.GroupVersionKind()
	typed, err := a.Scheme.New(gvk)
	if runtime.IsNotRegisteredError(err) {
		return a.optionalUpToDate(ctx, desired)
	} else if err != nil {
		return false, err
	}
	live, ok := typed.(client.Object)
	if !ok {
		return false, fmt.Errorf("%s is not an object", gvk)
	}
	if err := a.Client.Get(ctx, client.ObjectKeyFromObject(desired), live); apierrors.IsNotFound(err) {
		return false, a.checkNameFree(ctx, desired)
	} else if err != nil {
		return false, fmt.Errorf("get %s/%s: %w", desired.GetKind(), desired.GetName(), err)
	}
	if err := checkSameController(live, desired); err != nil {
		return false, err
	}
	// Cached objects carry no TypeMeta; the schema is found by kind.
	live.GetObjectKind().SetGroupVersionKind(gvk)
	drift, err := ownedDrift(typeConverter(a.Scheme, gvk), live, desired)
	if err != nil {
		return false, fmt.Errorf("compare %s/%s: %w", desired.GetKind(), desired.GetName(), err)
	}
	if drift != "" {
		ctrl.LoggerFrom(ctx).V(1).Info("child differs from its render", "child", desired.GetKind()+"/"+desired.GetName(), "fields", drift)
	}
	return drift == "", nil
}

// optionalUpToDate reports whether an object of an optional API the
// operator has no schema for (a ServiceMonitor) already holds desired: the
// cache holds none, so it is read from the API server, and it is up to date
// when its labels and spec hold every value desired has (the API server's
// defaults may add others).
func (a Applier) optionalUpToDate(ctx context.Context, desired *unstructured.Unstructured) (bool, error) {
	live := &unstructured.Unstructured{}
	live.SetGroupVersionKind(desired.GroupVersionKind())
	if err := a.Reader.Get(ctx, client.ObjectKeyFromObject(desired), live); apierrors.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get %s/%s: %w", desired.GetKind(), desired.GetName(), err)
	}
	if err := checkSameController(live, desired); err != nil {
		return false, err
	}
	labels := func(u *unstructured.Unstructured) map[string]any {
		out := map[string]any{}
		for k, v := range u.GetLabels() {
			out[k] = v
		}
		return out
	}
	return holds(labels(live), labels(desired)) && holds(live.Object["spec"], desired.Object["spec"]), nil
}

// holds reports whether live has every value of desired: maps may hold
// more keys, lists hold as many items, each holding desired's.
func holds(live, desired any) bool {
	switch d := desired.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range d {
			if !holds(l[k], v) {
				return false
			}
		}
		return true
	case []any:
		l, ok := live.([]any)
		if !ok || len(l) != len(d) {
			return false
		}
		for i := range d {
			if !holds(l[i], d[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(live, desired)
}

// withServerDefaults returns obj with the defaults the API server fills in
// inside the atomic values the operator renders. An atomic value compares
// whole, yet an apply leaves those defaults in place: the comparison must
// expect them. The apply itself sends the render as it is.
func withServerDefaults(obj client.Object) client.Object {
	sts, ok := obj.(*appsv1.StatefulSet)
	if !ok {
		return obj
	}
	sts = sts.DeepCopy()
	for i := range sts.Spec.VolumeClaimTemplates {
		claim := &sts.Spec.VolumeClaimTemplates[i]
		if claim.Spec.VolumeMode == nil {
			claim.Spec.VolumeMode = ptr.To(corev1.PersistentVolumeFilesystem)
		}
		if claim.Status.Phase == "" {
			claim.Status.Phase = corev1.ClaimPending
		}
	}
	return sts
}

// Drift returns what the operator would change in live to apply desired,
// decided as before every apply (ownedDrift): "" when the fields
// egov-operator owns in live are exactly desired's. live's TypeMeta must be
// set. It lets egovctl's render be compared with what the operator applied.
func Drift(scheme *runtime.Scheme, live, desired client.Object) (string, error) {
	compared, err := render.Unstructured(withServerDefaults(desired))
	if err != nil {
		return "", err
	}
	return ownedDrift(typeConverter(scheme, compared.GroupVersionKind()), live, compared)
}

// untracked are the fields an apply sends that the API server never records
// as owned: they identify the object.
var untracked = fieldpath.NewSet(
	fieldpath.MakePathOrDie("apiVersion"),
	fieldpath.MakePathOrDie("kind"),
	fieldpath.MakePathOrDie("metadata", "name"),
	fieldpath.MakePathOrDie("metadata", "namespace"),
)

// ownedDrift decides as server-side apply does whether live holds desired.
// The fields egov-operator's applies own in live must be exactly the desired
// fields: a field another manager took over is no longer owned, and one the
// render stopped producing still is. Then no owned field may differ from its
// desired value; an atomic list or selector compares whole, so an appended
// rule is a difference. Fields of other managers and server defaults inside
// owned objects are not ours and count for nothing. It returns what differs,
// "" when nothing does.
func ownedDrift(types managedfields.TypeConverter, live client.Object, desired *unstructured.Unstructured) (string, error) {
	owned, err := ownedFields(live)
	if err != nil {
		return "", err
	}
	if owned == nil {
		return "egov-operator owns no field", nil
	}
	liveValue, err := types.ObjectToTyped(live)
	if err != nil {
		return "", err
	}
	desiredValue, err := types.ObjectToTyped(desired)
	if err != nil {
		return "", err
	}
	wanted, err := desiredValue.ToFieldSet()
	if err != nil {
		return "", err
	}
	wanted, owned = wanted.Difference(untracked).Leaves(), owned.Leaves()
	if notOwned := wanted.Difference(owned); !notOwned.Empty() {
		return "not owned by egov-operator:\n" + notOwned.String(), nil
	}
	if notRendered := owned.Difference(wanted); !notRendered.Empty() {
		return "owned by egov-operator, no longer rendered:\n" + notRendered.String(), nil
	}
	diff, err := liveValue.Compare(desiredValue)
	if err != nil {
		return "", err
	}
	if changed := diff.Modified.Union(diff.Added).Union(diff.Removed).Intersection(owned); !changed.Empty() {
		return "changed:\n" + changed.String(), nil
	}
	return "", nil
}

// ownedFields returns the fields egov-operator's applies own in obj, nil
// when they own none.
func ownedFields(obj metav1.Object) (*fieldpath.Set, error) {
	for _, entry := range obj.GetManagedFields() {
		if isOwnApply(entry) {
			owned := &fieldpath.Set{}
			if err := owned.FromJSON(entry.FieldsV1.GetRawReader()); err != nil {
				return nil, fmt.Errorf("read the fields egov-operator owns: %w", err)
			}
			return owned, nil
		}
	}
	return nil, nil
}

// appliedByOperator reports whether egov-operator's applies own fields of obj.
func appliedByOperator(obj metav1.Object) bool {
	for _, entry := range obj.GetManagedFields() {
		if isOwnApply(entry) {
			return true
		}
	}
	return false
}

// isOwnApply reports whether a managedFields entry records egov-operator's
// applies to the object itself.
func isOwnApply(entry metav1.ManagedFieldsEntry) bool {
	return entry.Manager == render.ManagedBy && entry.Operation == metav1.ManagedFieldsOperationApply && entry.Subresource == ""
}

// typeConverter returns the schema the API server merges a kind by:
// cert-manager's for its kinds, Kubernetes' for the built-in ones.
func typeConverter(scheme *runtime.Scheme, gvk schema.GroupVersionKind) managedfields.TypeConverter {
	if gvk.Group == cmapi.SchemeGroupVersion.Group {
		return cmapply.NewTypeConverter(scheme)
	}
	return applyconfigurations.NewTypeConverter(scheme)
}
