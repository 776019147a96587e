package render

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// ConfigMap is a ConfigMap of the stack.
func ConfigMap(o Owner, role string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   typeMeta("v1", "ConfigMap"),
		ObjectMeta: o.Meta(role, role),
		Data:       data,
	}
}

// PortalConfig is the configuration a ProvincePortal publishes to the
// workloads of its namespace, as its ConfigMaps hold it. A follower's pods
// import the interconnect ConfigMap and mount the trust bundle: their
// checksum hashes what these hold, not what the portal would render now.
type PortalConfig struct {
	// Interconnect is the data of the portal's interconnect ConfigMap.
	Interconnect map[string]string
	// TrustBundle is the PEM bundle of the portal's trust bundle ConfigMap.
	TrustBundle string
}

// TrustBundle concatenates the trusted roots, in the order given, into one
// PEM bundle: the cross-certified set of the specialised CA and public CAs.
// The caller passes only roots it checked to be current CA certificates.
func TrustBundle(roots []platformv1alpha1.TrustedRoot) string {
	var b strings.Builder
	for _, r := range roots {
		b.WriteString("# " + r.Name + "\n")
		b.WriteString(strings.TrimSpace(r.PEM) + "\n")
	}
	return b.String()
}
