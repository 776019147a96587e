package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Labels and annotations the operator reads or writes.
const (
	// ProvinceLabel on a namespace assigns it to a province (set by central
	// ops); on children it names the province they serve.
	ProvinceLabel = "platform.egov.vn/province"
	// EnvironmentLabel on children names the environment they serve.
	EnvironmentLabel = "platform.egov.vn/environment"
	// KeypairOwnerLabel on a Secret holding a private key names, by UID, the
	// object whose Certificate it belongs to; the operator deletes it when the
	// Certificate is pruned or the object deleted.
	KeypairOwnerLabel = "platform.egov.vn/keypair-owner"
	// PausedAnnotation set to "true" stops every change to an object's children.
	PausedAnnotation = "platform.egov.vn/paused"
)

// NationalPlatformName is the only name a NationalPlatform may have.
const NationalPlatformName = "national"

// MaxNameLength bounds metadata.name of ProvincePortal, OneStopShop and
// DocExchangeNode (the CRDs' admission rules hold the same number). Children
// are named <name>-<role>, and the longest that must fit a 63-character
// label is the revision label of a DocExchangeNode's StatefulSet:
// <name>-edxml-node-<hash of up to 10 characters>.
const MaxNameLength = 40

// Condition types shared by every kind (kstatus semantics).
const (
	// ConditionReady is True when everything the object asks for exists and works.
	ConditionReady = "Ready"
	// ConditionReconciling is True while the operator converges towards the spec.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the operator cannot go on until a user acts;
	// its message says what to change.
	ConditionStalled = "Stalled"
	// ConditionPaused is True while the paused annotation holds every change back.
	ConditionPaused = "Paused"
)

// LocalObjectReference names an object in the referrer's own namespace.
type LocalObjectReference struct {
	// name of the referenced object, in the same namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// SecretKeyReference names one key of a Secret in the referrer's own namespace.
type SecretKeyReference struct {
	// name of the Secret, in the same namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// key within the Secret's data.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.matches('^[-._a-zA-Z0-9]+$')",message="key must consist of alphanumeric characters, '-', '_' or '.'"
	Key string `json:"key"`
}

// IssuerReference names a cert-manager issuer.
type IssuerReference struct {
	// name of the issuer.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
	// kind of the issuer: ClusterIssuer, or Issuer for one in the same namespace.
	// +optional
	// +kubebuilder:default=ClusterIssuer
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:XValidation:rule="self in ['ClusterIssuer', 'Issuer']",message="kind must be ClusterIssuer or Issuer"
	Kind string `json:"kind,omitempty"`
	// group of the issuer's API.
	// +optional
	// +kubebuilder:default=cert-manager.io
	// +kubebuilder:validation:MaxLength=253
	Group string `json:"group,omitempty"`
}

// PeerSelector selects pods, possibly in other namespaces, for network policies.
type PeerSelector struct {
	// namespaceSelector selects the namespaces the pods run in.
	// +optional
	NamespaceSelector *LabelSelector `json:"namespaceSelector,omitempty"`
	// podSelector selects the pods within those namespaces.
	// +optional
	PodSelector *LabelSelector `json:"podSelector,omitempty"`
}

// LabelSelector selects objects by label, as a Kubernetes label selector
// does, within bounds: at most 16 labels and 16 expressions of at most 32
// values each, and only valid label keys and values. The bounds keep the
// network policies built from a selector small and the admission rules on
// it within the API server's cost budget; the checks refuse at admission
// what the API server would otherwise refuse in the network policy.
// +structType=atomic
type LabelSelector struct {
	// matchLabels requires each label to have the given value.
	// +optional
	// +kubebuilder:validation:MaxProperties=16
	// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) <= 317 && k.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$'))",message="matchLabels keys must be label keys: an optional DNS prefix and '/', then at most 63 alphanumerics, '-', '_' or '.'"
	MatchLabels map[string]LabelValue `json:"matchLabels,omitempty"`
	// matchExpressions are requirements that must all hold.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	MatchExpressions []LabelSelectorRequirement `json:"matchExpressions,omitempty"`
}

// LabelSelectorRequirement is one requirement of a LabelSelector.
// +kubebuilder:validation:XValidation:rule="self.operator in ['Exists', 'DoesNotExist'] ? !has(self.values) || size(self.values) == 0 : has(self.values) && size(self.values) > 0",message="values must be given for the operators In and NotIn, and not for Exists and DoesNotExist"
type LabelSelectorRequirement struct {
	// key is the label the requirement applies to.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=317
	// +kubebuilder:validation:XValidation:rule="self.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$')",message="key must be a label key: an optional DNS prefix and '/', then at most 63 alphanumerics, '-', '_' or '.'"
	Key string `json:"key"`
	// operator is In, NotIn, Exists or DoesNotExist.
	// +required
	// +kubebuilder:validation:MaxLength=12
	// +kubebuilder:validation:XValidation:rule="self in ['In', 'NotIn', 'Exists', 'DoesNotExist']",message="operator must be In, NotIn, Exists or DoesNotExist"
	Operator string `json:"operator"`
	// values the label may (In) or may not (NotIn) have.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=32
	Values []LabelValue `json:"values,omitempty"`
}

// LabelValue is the value of a label.
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:XValidation:rule="self.matches('^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$')",message="must be a label value: at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
type LabelValue string

// Selector returns the Kubernetes label selector; nil stays nil.
func (s *LabelSelector) Selector() *metav1.LabelSelector {
	if s == nil {
		return nil
	}
	sel := &metav1.LabelSelector{}
	for k, v := range s.MatchLabels {
		if sel.MatchLabels == nil {
			sel.MatchLabels = map[string]string{}
		}
		sel.MatchLabels[k] = string(v)
	}
	for _, r := range s.MatchExpressions {
		var values []string
		for _, v := range r.Values {
			values = append(values, string(v))
		}
		sel.MatchExpressions = append(sel.MatchExpressions, metav1.LabelSelectorRequirement{Key: r.Key, Operator: metav1.LabelSelectorOperator(r.Operator), Values: values})
	}
	return sel
}

// OrganID is an agency identifier (mã định danh, QĐ 20/2020/QĐ-TTg) such as
// 000.00.00.H26. Its letter-number part is opaque: it is not a province code.
// +kubebuilder:validation:MaxLength=13
// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]{3}[.][0-9]{2}[.][0-9]{2}[.][A-Z][0-9]{2}$')",message="must be an agency identifier of the form NNN.NN.NN.XNN (QĐ 20/2020/QĐ-TTg), e.g. 000.00.00.H26"
type OrganID string

// DNSName is a lowercase fully qualified DNS name.
// +kubebuilder:validation:MaxLength=253
// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?([.][a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$')",message="must be a lowercase DNS name with at least two labels, e.g. dichvucong.hanoi.gov.vn"
type DNSName string

// HTTPSURL is an absolute https URL.
// +kubebuilder:validation:MaxLength=2048
// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getScheme() == 'https' && size(url(self).getHostname()) > 0",message="must be an absolute https:// URL"
type HTTPSURL string

// CIDR is an IPv4 or IPv6 network in CIDR notation.
// +kubebuilder:validation:MaxLength=49
// +kubebuilder:validation:XValidation:rule="isCIDR(self)",message="must be a CIDR such as 10.0.0.0/8 or 2001:db8::/32"
type CIDR string

// PeerCIDR is a network a province names for one peer of its own (a
// database, an identity provider, a signing service, a security server, a
// backup target, its own SOC): no wider than /16 (IPv4) or /48 (IPv6), so a
// province cannot open its pods to the internet or to whole networks, the
// cluster's own among them.
// +kubebuilder:validation:MaxLength=49
// +kubebuilder:validation:XValidation:rule="isCIDR(self)",message="must be a CIDR such as 10.1.2.0/24 or 2001:db8:1::/48"
// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self).prefixLength() >= (cidr(self).ip().family() == 4 ? 16 : 48)",message="must be no wider than /16 (IPv4) or /48 (IPv6): one peer's network, not a whole network"
// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || !['127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10'].exists(c, cidr(c).containsCIDR(cidr(self)) || cidr(self).containsCIDR(cidr(c)))",message="must not be a loopback or link-local network (such as a cloud's metadata service at 169.254.169.254)"
type PeerCIDR string

// ReleaseName holds the metadata.name of a PlatformRelease.
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$')",message="must be the name of a PlatformRelease, e.g. egov-2026.11"
type ReleaseName string

// Replicas is a number of pods; without it the security level decides.
// +kubebuilder:validation:Minimum=0
// +kubebuilder:validation:Maximum=50
type Replicas int32

// CommonStatus holds what every kind reports.
type CommonStatus struct {
	// conditions: Ready, Reconciling and Stalled (kstatus), and detail
	// conditions particular to the kind.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// observedGeneration is the generation of the spec the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// ProvinceStatus holds what every namespaced kind reports about its province.
type ProvinceStatus struct {
	// province is the code of the province the object serves.
	// +optional
	// +kubebuilder:validation:MaxLength=2
	Province string `json:"province,omitempty"`
	// release is the PlatformRelease the object runs.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Release string `json:"release,omitempty"`
}

// StackStatus is what an object of a province's stack reports about the
// province it serves and the release it runs.
func (p *ProvincePortal) StackStatus() ProvinceStatus { return p.Status.ProvinceStatus }

// StackStatus is what an object of a province's stack reports.
func (o *OneStopShop) StackStatus() ProvinceStatus { return o.Status.ProvinceStatus }

// StackStatus is what an object of a province's stack reports.
func (d *DocExchangeNode) StackStatus() ProvinceStatus { return d.Status.ProvinceStatus }

// StatusCommon gives the operator's shared status code access to every kind.
func (p *ProvincePortal) StatusCommon() *CommonStatus { return &p.Status.CommonStatus }

// StatusCommon gives the operator's shared status code access to every kind.
func (o *OneStopShop) StatusCommon() *CommonStatus { return &o.Status.CommonStatus }

// StatusCommon gives the operator's shared status code access to every kind.
func (d *DocExchangeNode) StatusCommon() *CommonStatus { return &d.Status.CommonStatus }

// StatusCommon gives the operator's shared status code access to every kind.
func (n *NationalPlatform) StatusCommon() *CommonStatus { return &n.Status.CommonStatus }
