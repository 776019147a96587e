package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/render"
)

// appliedHashAnnotation records a hash of what the operator last applied, so
// that a field the render stopped producing is noticed (and removed by the
// next apply) even though the live object still holds every desired value.
const appliedHashAnnotation = "platform.egov.vn/applied-hash"

// Applier applies rendered children with server-side apply as field owner
// egov-operator. It reads the live object from the cache first and skips the
// apply when the live object already holds every desired value: a no-op
// apply is still a write request, and an idle operator makes none.
type Applier struct {
	Client client.Client
	Scheme *runtime.Scheme
}

// Apply applies obj unless it is already in place; it reports whether it wrote.
func (a Applier) Apply(ctx context.Context, obj client.Object) (bool, error) {
	desired, err := render.Unstructured(obj)
	if err != nil {
		return false, err
	}
	hash, err := contentHash(desired.Object)
	if err != nil {
		return false, err
	}
	annotations := desired.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[appliedHashAnnotation] = hash
	desired.SetAnnotations(annotations)

	upToDate, err := a.upToDate(ctx, desired)
	if err != nil || upToDate {
		return false, err
	}
	if err := a.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired),
		client.FieldOwner(render.ManagedBy), client.ForceOwnership); err != nil {
		return false, fmt.Errorf("apply %s: %w", render.Describe(obj), err)
	}
	return true, nil
}

// upToDate reports whether the cached live object holds every desired value.
func (a Applier) upToDate(ctx context.Context, desired *unstructured.Unstructured) (bool, error) {
	typed, err := a.Scheme.New(desired.GroupVersionKind())
	if err != nil {
		return false, err
	}
	live, ok := typed.(client.Object)
	if !ok {
		return false, fmt.Errorf("%s is not an object", desired.GroupVersionKind())
	}
	if err := a.Client.Get(ctx, client.ObjectKeyFromObject(desired), live); apierrors.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get %s/%s: %w", desired.GetKind(), desired.GetName(), err)
	}
	liveContent, err := runtime.DefaultUnstructuredConverter.ToUnstructured(live)
	if err != nil {
		return false, err
	}
	want := desired.DeepCopy().Object
	// Cached objects carry no TypeMeta; the kind is already matched by the Get.
	delete(want, "apiVersion")
	delete(want, "kind")
	return contains(liveContent, want), nil
}

// contains reports whether live holds every value of want. Maps may hold
// more keys (defaults, other managers' fields); lists of equal length match
// element by element, otherwise every wanted element must be found.
func contains(live, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			lv, ok := l[k]
			if !ok || !contains(lv, wv) {
				return false
			}
		}
		return true
	case []any:
		l, ok := live.([]any)
		if !ok || len(l) < len(w) {
			return false
		}
		if len(l) == len(w) {
			for i := range w {
				if !contains(l[i], w[i]) {
					return false
				}
			}
			return true
		}
		for _, wv := range w {
			found := false
			for _, lv := range l {
				if contains(lv, wv) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(live) == fmt.Sprint(want)
}

func contentHash(content map[string]any) (string, error) {
	data, err := json.Marshal(content) // map keys are sorted: the hash is stable
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8]), nil
}
