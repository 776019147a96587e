package render

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// ClaimTemplate is the claim each replica of a RetainedStatefulSet gets.
type ClaimTemplate struct {
	// Name of the volume the workload mounts (in its ExtraMounts).
	Name string
	// Size is the template's size; templates are immutable, so a grown size
	// is patched into the claims themselves.
	Size             resource.Quantity
	StorageClassName *string
}

// RetainedStatefulSet runs a workload whose data must never be lost: each
// replica's claim outlives the StatefulSet, whether it is deleted or scaled
// down. The claims carry the workload's labels, so the operator finds them
// to set their volumes to Retain.
func RetainedStatefulSet(o Owner, w Workload, replicas int32, serviceName string, claim ClaimTemplate) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		TypeMeta:   typeMeta("apps/v1", "StatefulSet"),
		ObjectMeta: workloadMeta(o, w),
		Spec: appsv1.StatefulSetSpec{
			Replicas:    ptr.To(replicas),
			ServiceName: serviceName,
			Selector:    metaSelector(o.SelectorLabels(w.Component)),
			Template:    PodTemplate(o, w),
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: claim.Name, Labels: o.Labels(w.Component)},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					StorageClassName: claim.StorageClassName,
					Resources: corev1.VolumeResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceStorage: claim.Size},
					},
				},
			}},
			PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			},
		},
	}
}
