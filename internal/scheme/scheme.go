// Package scheme holds every kind the operator and its tools read or write:
// Kubernetes' own, cert-manager's and the operator's.
package scheme

import (
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// New returns a scheme with every kind registered.
func New() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(cmapi.AddToScheme(s))
	utilruntime.Must(platformv1alpha1.AddToScheme(s))
	return s
}
