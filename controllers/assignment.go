package controllers

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// effectiveRelease is the release the portal's stack runs: its pin, else
// its province's ProvinceAssignment for its environment, else the default.
func effectiveRelease(ctx context.Context, c client.Reader, p *platformv1alpha1.ProvincePortal, defaultRelease platformv1alpha1.ReleaseName) (string, error) {
	a := &platformv1alpha1.ProvinceAssignment{}
	name := platformv1alpha1.ProvinceAssignmentName(string(p.Spec.Province.Code), p.Spec.Environment)
	if err := c.Get(ctx, types.NamespacedName{Name: name}, a); err != nil && !apierrors.IsNotFound(err) {
		return "", fmt.Errorf("get ProvinceAssignment %s: %w", name, err)
	}
	return render.EffectiveRelease(p.Spec.Release, a.Spec.Release, defaultRelease), nil
}

// assignedTo reports whether the assignment is the one of the portal's
// province and environment.
func assignedTo(a client.Object, p *platformv1alpha1.ProvincePortal) bool {
	return a.GetName() == platformv1alpha1.ProvinceAssignmentName(string(p.Spec.Province.Code), p.Spec.Environment)
}
