package render

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// Where every workload finds its certificates, trust bundle and credentials.
const (
	TLSMountPath               = "/etc/egov/tls"
	ClientMountPath            = "/etc/egov/client"
	TrustBundleMountPath       = "/etc/egov/trust"
	TrustBundleKey             = "ca-bundle.crt"
	CredentialsMountPath       = "/etc/egov/credentials"
	httpPort                   = 8080
	nonRootUID           int64 = 65532
)

// RestrictedPodSecurityContext meets the restricted Pod Security Standard.
func RestrictedPodSecurityContext() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot:   ptr.To(true),
		RunAsUser:      ptr.To(nonRootUID),
		RunAsGroup:     ptr.To(nonRootUID),
		FSGroup:        ptr.To(nonRootUID),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// RestrictedContainerSecurityContext meets the restricted Pod Security
// Standard and makes the root filesystem read-only.
func RestrictedContainerSecurityContext() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		RunAsNonRoot:             ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// Mount is a read-only volume from a Secret or a ConfigMap.
type Mount struct {
	// Name of the volume.
	Name string
	// Path it is mounted at.
	Path string
	// Secret or ConfigMap it comes from (exactly one).
	Secret, ConfigMap string
}

// volumes returns the pod volumes and container mounts for mounts, plus a
// writable /tmp, since the root filesystem is read-only.
func volumes(mounts []Mount) ([]corev1.Volume, []corev1.VolumeMount) {
	vols := make([]corev1.Volume, 0, len(mounts)+1)
	vms := make([]corev1.VolumeMount, 0, len(mounts)+1)
	for _, m := range mounts {
		v := corev1.Volume{Name: m.Name}
		if m.Secret != "" {
			v.Secret = &corev1.SecretVolumeSource{SecretName: m.Secret, DefaultMode: ptr.To[int32](0o440)}
		} else {
			v.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: m.ConfigMap}}
		}
		vols = append(vols, v)
		vms = append(vms, corev1.VolumeMount{Name: m.Name, MountPath: m.Path, ReadOnly: true})
	}
	vols = append(vols, corev1.Volume{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	vms = append(vms, corev1.VolumeMount{Name: "tmp", MountPath: "/tmp"})
	return vols, vms
}

// httpProbe probes path on the container's http port.
func httpProbe(path string, period int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: path, Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP,
		}},
		PeriodSeconds:    period,
		TimeoutSeconds:   2,
		FailureThreshold: 3,
	}
}

// Resources returns the user's resources, or defaults sized for a province.
func Resources(user *corev1.ResourceRequirements) corev1.ResourceRequirements {
	if user != nil {
		return *user
	}
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("200m"),
			corev1.ResourceMemory: resource.MustParse("256Mi"),
		},
		Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")},
	}
}

// ReplicasForLevel is the default number of replicas at a security level:
// redundancy from level 3, one more replica from level 4.
func ReplicasForLevel(level int32) int32 {
	switch {
	case level >= 4:
		return 3
	case level == 3:
		return 2
	default:
		return 1
	}
}

// spreadAcrossNodes keeps replicas on different nodes from level 3 on.
func spreadAcrossNodes(level int32, selector map[string]string) []corev1.TopologySpreadConstraint {
	if level < 3 {
		return nil
	}
	return []corev1.TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       corev1.LabelHostname,
		WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector:     metaSelector(selector),
	}}
}
