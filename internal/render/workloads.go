package render

import (
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// Workload describes one Deployment of the stack.
type Workload struct {
	// Component names the workload's pods, e.g. portal.
	Component string
	// Image and Version come from the release.
	Image, Version string
	// Replicas and SecurityLevel size and spread it.
	Replicas, SecurityLevel int32
	// Resources of the container.
	Resources corev1.ResourceRequirements
	// Mounts are read-only Secrets and ConfigMaps.
	Mounts []Mount
	// EnvFrom ConfigMaps and Env variables configure the container.
	EnvFrom []string
	Env     []corev1.EnvVar
	// Checksum rolls the pods when mounted configuration changes.
	Checksum string
	// Args select the workload's mode in the component image.
	Args []string
	// Serves is true when the workload listens on the http port.
	Serves bool
	// Annotations go on the pod template besides the checksum.
	Annotations map[string]string
	// ExtraMounts are writable volumes the pod template does not define,
	// such as a StatefulSet's claims.
	ExtraMounts []corev1.VolumeMount
	// DataExchange is where the pods reach NDXP, for the workloads that
	// import the interconnect configuration: recorded on the workload
	// (DataExchangeAnnotation), so that a gateway being deleted knows which
	// workloads still reach NDXP through it.
	DataExchange string
}

// DataExchangeAnnotation on a workload names where its pods reach NDXP:
// NDXP's own gateway, or the province's integration gateway.
const DataExchangeAnnotation = "platform.egov.vn/data-exchange"

// ServiceAccount is a workload's identity, without an API token: the stack
// never talks to the Kubernetes API.
func ServiceAccount(o Owner, component string) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta:                     typeMeta("v1", "ServiceAccount"),
		ObjectMeta:                   o.Meta(component, component),
		AutomountServiceAccountToken: ptr.To(false),
	}
}

// PodTemplate is a workload's pod under the restricted Pod Security Standard.
func PodTemplate(o Owner, w Workload) corev1.PodTemplateSpec {
	vols, mounts := volumes(w.Mounts)
	labels := o.Labels(w.Component)
	labels[LabelVersion] = w.Version
	annotations := map[string]string{ChecksumAnnotation: w.Checksum}
	for k, v := range w.Annotations {
		annotations[k] = v
	}
	container := corev1.Container{
		Name:            w.Component,
		Image:           w.Image,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Args:            w.Args,
		Env:             append(slices.Clone(w.Env), o.TelemetryEnv(w)...),
		Resources:       w.Resources,
		VolumeMounts:    append(mounts, w.ExtraMounts...),
		SecurityContext: RestrictedContainerSecurityContext(),
	}
	for _, cm := range w.EnvFrom {
		container.EnvFrom = append(container.EnvFrom, corev1.EnvFromSource{
			ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm}},
		})
	}
	if w.Serves {
		container.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: httpPort, Protocol: corev1.ProtocolTCP}}
		container.ReadinessProbe = httpProbe("/readyz", 10)
		container.LivenessProbe = httpProbe("/healthz", 20)
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations},
		Spec: corev1.PodSpec{
			ServiceAccountName:           o.Name(w.Component),
			AutomountServiceAccountToken: ptr.To(false),
			SecurityContext:              RestrictedPodSecurityContext(),
			Containers:                   []corev1.Container{container},
			Volumes:                      vols,
			TopologySpreadConstraints:    spreadAcrossNodes(w.SecurityLevel, o.SelectorLabels(w.Component)),
		},
	}
}

// workloadMeta is the metadata of a workload object, with the version label.
func workloadMeta(o Owner, w Workload) metav1.ObjectMeta {
	meta := o.Meta(w.Component, w.Component)
	meta.Labels[LabelVersion] = w.Version
	if w.DataExchange != "" {
		meta.Annotations = map[string]string{DataExchangeAnnotation: w.DataExchange}
	}
	return meta
}

// Deployment runs a stateless workload.
func Deployment(o Owner, w Workload) *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta:   typeMeta("apps/v1", "Deployment"),
		ObjectMeta: workloadMeta(o, w),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(w.Replicas),
			Selector: metaSelector(o.SelectorLabels(w.Component)),
			Template: PodTemplate(o, w),
		},
	}
}

// Service exposes a component's http port inside the cluster, on IPv6 too
// where the cluster has it.
func Service(o Owner, component string) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   typeMeta("v1", "Service"),
		ObjectMeta: o.Meta(component, component),
		Spec: corev1.ServiceSpec{
			Type:           corev1.ServiceTypeClusterIP,
			IPFamilyPolicy: ptr.To(corev1.IPFamilyPolicyPreferDualStack),
			Selector:       o.SelectorLabels(component),
			Ports: []corev1.ServicePort{{
				Name: "http", Port: 80, TargetPort: intstr.FromString("http"), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
}

// Ingress serves a component's Service at host and path over TLS.
func Ingress(o Owner, component, className, host, path, tlsSecret string) *networkingv1.Ingress {
	ing := &networkingv1.Ingress{
		TypeMeta:   typeMeta("networking.k8s.io/v1", "Ingress"),
		ObjectMeta: o.Meta(component, component),
		Spec: networkingv1.IngressSpec{
			TLS: []networkingv1.IngressTLS{{Hosts: []string{host}, SecretName: tlsSecret}},
			Rules: []networkingv1.IngressRule{{
				Host: host,
				IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{
						Path:     path,
						PathType: ptr.To(networkingv1.PathTypePrefix),
						Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
							Name: o.Name(component), Port: networkingv1.ServiceBackendPort{Name: "http"},
						}},
					}},
				}},
			}},
		},
	}
	if className != "" {
		ing.Spec.IngressClassName = ptr.To(className)
	}
	return ing
}

// PodDisruptionBudget keeps all but one replica up during voluntary
// disruptions; it is rendered only for two replicas or more.
func PodDisruptionBudget(o Owner, component string) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   typeMeta("policy/v1", "PodDisruptionBudget"),
		ObjectMeta: o.Meta(component, component),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: ptr.To(intstr.FromInt32(1)),
			Selector:       metaSelector(o.SelectorLabels(component)),
		},
	}
}

func metaSelector(labels map[string]string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: labels}
}
