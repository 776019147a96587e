package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/render"
)

// CacheOptions returns what the operator's cache holds. Of the kinds the
// operator creates it holds only the objects the operator labelled: a
// province administrator can create any number of ConfigMaps or Deployments
// in their namespace, and none of them may grow the memory of the operator
// that serves every province. No cached object keeps its managedFields but
// the children, which keep egov-operator's own apply entry: it decides
// whether a child is up to date.
func CacheOptions() cache.Options {
	managed := labels.SelectorFromSet(labels.Set{render.LabelManagedBy: render.ManagedBy})
	byObject := map[client.Object]cache.ByObject{
		// The StatefulSet's claim template labels the claims it creates.
		&corev1.PersistentVolumeClaim{}: {Label: managed},
	}
	for _, kind := range childKinds() {
		byObject[kind.obj] = cache.ByObject{Label: managed, Transform: keepOwnApplyFields}
	}
	return cache.Options{DefaultTransform: cache.TransformStripManagedFields(), ByObject: byObject}
}

// keepOwnApplyFields drops every managedFields entry but egov-operator's
// apply: the other managers' entries are never read.
func keepOwnApplyFields(in any) (any, error) {
	obj, err := meta.Accessor(in)
	if err != nil {
		return in, nil
	}
	var own []metav1.ManagedFieldsEntry
	for _, entry := range obj.GetManagedFields() {
		if isOwnApply(entry) {
			own = append(own, entry)
		}
	}
	if len(own) != len(obj.GetManagedFields()) {
		obj.SetManagedFields(own)
	}
	return in, nil
}
