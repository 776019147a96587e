// Package v1alpha1 contains the API of egov-operator: the national platform,
// releases and fleet rollouts that central ops manage, and the provincial
// stack (portal, one-stop-shop system, document exchange node) that each
// province's IT centre declares.
// +kubebuilder:object:generate=true
// +groupName=platform.egov.vn
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "platform.egov.vn", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this package with a scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the kinds of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
