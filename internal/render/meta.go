// Package render builds the desired objects of a province's stack from its
// resolved inputs. Every function is pure: no client, no clock, no
// randomness, so the same inputs always give byte-identical manifests. The
// operator and `egovctl render` call the same functions.
package render

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Label keys and values the operator puts on every child.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelVersion   = "app.kubernetes.io/version"

	// ManagedBy is the value of app.kubernetes.io/managed-by and the field owner.
	ManagedBy = "egov-operator"
	// PartOf is the value of app.kubernetes.io/part-of.
	PartOf = "egov-platform"
	// ChecksumAnnotation on a pod template changes whenever mounted
	// configuration or credentials change, so the pods roll.
	ChecksumAnnotation = "platform.egov.vn/config-checksum"
)

// Owner is the custom resource a set of children belongs to.
type Owner struct {
	// Object is the owning custom resource.
	Object client.Object
	// Kind is its kind (TypeMeta is not reliably set on fetched objects).
	Kind string
	// Province and Environment label every child.
	Province, Environment string
	// Telemetry identifies the owner's workloads to the province's collector.
	Telemetry Telemetry
}

// Name returns the child name <owner>-<role>.
func (o Owner) Name(role string) string { return o.Object.GetName() + "-" + role }

// Meta returns the object metadata of the child with the given role:
// deterministic name, the standard labels and a controller owner reference.
func (o Owner) Meta(role, component string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      o.Name(role),
		Namespace: o.Object.GetNamespace(),
		Labels:    o.Labels(component),
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion:         platformv1alpha1.GroupVersion.String(),
			Kind:               o.Kind,
			Name:               o.Object.GetName(),
			UID:                o.Object.GetUID(),
			Controller:         ptr.To(true),
			BlockOwnerDeletion: ptr.To(true),
		}},
	}
}

// Labels returns the labels of every child of one component.
func (o Owner) Labels(component string) map[string]string {
	l := o.SelectorLabels(component)
	l[LabelPartOf] = PartOf
	l[LabelManagedBy] = ManagedBy
	l[platformv1alpha1.ProvinceLabel] = o.Province
	l[platformv1alpha1.EnvironmentLabel] = o.Environment
	return l
}

// SelectorLabels select the pods of one component; they never change, since
// a Deployment's selector is immutable.
func (o Owner) SelectorLabels(component string) map[string]string {
	return map[string]string{LabelName: component, LabelInstance: o.Object.GetName()}
}

// OwnedSelector selects every child the operator made for this owner.
func (o Owner) OwnedSelector() map[string]string {
	return map[string]string{LabelInstance: o.Object.GetName(), LabelManagedBy: ManagedBy}
}

// KeypairSelector labels, and selects, the Secrets holding the private keys
// of this owner's Certificates, by the owner's UID: names repeat across
// kinds, UIDs never do.
func (o Owner) KeypairSelector() map[string]string {
	return map[string]string{platformv1alpha1.KeypairOwnerLabel: string(o.Object.GetUID())}
}

// Checksum hashes named values in a stable order.
func Checksum(values map[string]string) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "=" + values[k] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// typeMeta returns the TypeMeta of a kind; server-side apply needs it.
func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}
