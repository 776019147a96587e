package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/conditions"
)

// checkSingleton lets the oldest object of a kind a namespace holds one of
// serve it; any other is Stalled. list is an empty list of obj's kind.
func checkSingleton(ctx context.Context, c client.Reader, obj client.Object, kind string, list client.ObjectList) error {
	if err := c.List(ctx, list, client.InNamespace(obj.GetNamespace())); err != nil {
		return err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return err
	}
	for _, item := range items {
		other, ok := item.(client.Object)
		if ok && other.GetUID() != obj.GetUID() && other.GetDeletionTimestamp().IsZero() && olderThan(other, obj) {
			return conditions.Stalled(platformv1alpha1.ReasonDuplicateInNamespace,
				"namespace %s is already served by %s %s: a namespace holds one; delete this one", obj.GetNamespace(), kind, other.GetName())
		}
	}
	return nil
}
