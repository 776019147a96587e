package v1alpha1

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DocExchangeNodeSpec declares an edXML document exchange node.
// +kubebuilder:validation:XValidation:rule="!has(self.axisCredentialsSecretRef) || (self.axis.version == 'v1' && !has(self.axis.credentialsSecretRef))",message="axisCredentialsSecretRef is replaced by axis.credentialsSecretRef: set only that one, and only for axis.version v1",fieldPath=".axisCredentialsSecretRef"
type DocExchangeNodeSpec struct {
	// portalRef names the ProvincePortal of this namespace whose SubCA signs
	// the node's certificate.
	// +required
	PortalRef LocalObjectReference `json:"portalRef"`
	// organId is the agency identifier the node sends and receives as, e.g.
	// 000.00.00.H26. The signing certificate's subject serialNumber
	// (2.5.4.5) and OU hold it; its CN is the name of the agency in agencies
	// with this organId, or else the province's People's Committee.
	// +required
	OrganID OrganID `json:"organId"`
	// agencies are the agencies whose documents pass through this node. The
	// node reads them from a mounted JSON file, named by EDXML_AGENCIES_FILE.
	// +optional
	// +listType=map
	// +listMapKey=organId
	// +kubebuilder:validation:MaxItems=500
	Agencies []Agency `json:"agencies,omitempty"`
	// storage holds the documents; its claims are retained when the node is
	// deleted, and its volumes are set to Retain.
	// +required
	Storage DocumentStorage `json:"storage"`
	// signing configures the node's signing certificate, issued by the
	// provincial SubCA through cert-manager and re-keyed at every renewal. It
	// authenticates the node's packages and its mTLS connections; it has NO
	// legal standing as a document signature, which needs a certificate of
	// the Government's specialised CA with its key on a certified token or
	// HSM: configure that in signing.external.
	// +optional
	// +kubebuilder:default={}
	Signing Signing `json:"signing,omitempty"`
	// axis is the document axis the node exchanges on (v1 or v2, national
	// or provincial) and how it reaches it.
	// +optional
	// +kubebuilder:default={version: v1, level: national}
	Axis DocumentAxisConnection `json:"axis,omitempty"`
	// axisCredentialsSecretRef is deprecated: use axis.credentialsSecretRef.
	// Nodes written before axis existed keep their v1 credentials through it.
	// +optional
	AxisCredentialsSecretRef *LocalObjectReference `json:"axisCredentialsSecretRef,omitempty"`
	// securityLevel is the node's own approved security level, 3 or 4; the
	// portal's when unset. At level 4 the node needs offSiteBackup.
	// +optional
	SecurityLevel *SecurityLevel `json:"securityLevel,omitempty"`
	// offSiteBackup is where the node ships backups of its documents, off
	// the cluster's site; required at security level 4.
	// +optional
	OffSiteBackup *OffSiteBackup `json:"offSiteBackup,omitempty"`
	// snapshots schedules VolumeSnapshots of the document volumes where the
	// cluster serves the CSI snapshot API: every 24 hours, keeping 7, unless
	// set otherwise or turned off.
	// +optional
	// +kubebuilder:default={}
	Snapshots DocumentSnapshots `json:"snapshots,omitempty"`
	// clientSelector selects the pods of the province's document management
	// system, the only ones allowed to call the node.
	// +optional
	ClientSelector *LabelSelector `json:"clientSelector,omitempty"`
	// bandwidth caps the node's traffic.
	// +optional
	Bandwidth *Bandwidth `json:"bandwidth,omitempty"`
}

// Agency is an agency served by a document exchange node.
type Agency struct {
	// organId is the agency's identifier.
	// +required
	OrganID OrganID `json:"organId"`
	// name is the agency's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name"`
}

// DocumentStorage sizes the node's persistent storage.
// +kubebuilder:validation:XValidation:rule="has(self.storageClassName) == has(oldSelf.storageClassName) && (!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName)",message="storage.storageClassName is immutable: the claims keep the class they were created with. To move the documents to another class, create a new DocExchangeNode with it, copy the documents, then delete this one (its claims and volumes are retained)",fieldPath=".storageClassName"
type DocumentStorage struct {
	// size of each claim, at least 1Gi; it may grow but never shrink.
	// +required
	// +kubebuilder:validation:XValidation:rule="quantity(string(self)).compareTo(quantity('1Gi')) >= 0",message="storage.size must be at least 1Gi"
	// +kubebuilder:validation:XValidation:rule="quantity(string(self)).compareTo(quantity(string(oldSelf))) >= 0",message="storage.size may grow but never shrink: stored documents must not be lost"
	Size resource.Quantity `json:"size"`
	// storageClassName of the claims; the cluster default when unset. It
	// cannot change once the node exists: claims keep their class.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	StorageClassName *string `json:"storageClassName,omitempty"`
}

// Signing configures a document signing certificate.
// +kubebuilder:validation:XValidation:rule="!has(self.keySize) || (self.keyAlgorithm == 'RSA' ? self.keySize in [2048, 3072, 4096] : self.keySize in [256, 384])",message="keySize must be 2048, 3072 or 4096 for RSA, and 256 or 384 for ECDSA",fieldPath=".keySize"
type Signing struct {
	// keyAlgorithm is RSA or ECDSA.
	// +optional
	// +kubebuilder:default=RSA
	// +kubebuilder:validation:MaxLength=8
	// +kubebuilder:validation:XValidation:rule="self in ['RSA', 'ECDSA']",message="keyAlgorithm must be RSA or ECDSA"
	KeyAlgorithm string `json:"keyAlgorithm,omitempty"`
	// keySize in bits: 2048, 3072 or 4096 for RSA, 256 or 384 for ECDSA;
	// 3072 for RSA and 256 for ECDSA when unset.
	// +optional
	KeySize *int32 `json:"keySize,omitempty"`
	// duration of the certificate; 8760h (one year) when unset.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') && duration(self) >= duration('24h')",message="duration must be a duration of at least 24h, e.g. 8760h"
	Duration string `json:"duration,omitempty"`
	// renewBefore is how long before expiry the certificate is renewed; 720h
	// (30 days) when unset.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') && duration(self) >= duration('1h')",message="renewBefore must be a duration of at least 1h, e.g. 720h"
	RenewBefore string `json:"renewBefore,omitempty"`
	// external signs documents with a specialised-CA system certificate held
	// by a PKCS#11 token or a remote signing service. The SubCA certificate
	// is still issued, for authentication and mTLS only (without the
	// contentCommitment usage), and status.signingCertificate reports the
	// external certificate.
	// +optional
	External *ExternalSigner `json:"external,omitempty"`
}

// Bandwidth caps a workload's traffic.
type Bandwidth struct {
	// egress caps outgoing traffic through kubernetes.io/egress-bandwidth, e.g. 100M.
	// +optional
	Egress *resource.Quantity `json:"egress,omitempty"`
}

// SigningCertificateStatus reports the certificate the node signs documents
// with: signing.external's when set, else the SubCA-issued one.
type SigningCertificateStatus struct {
	// serialNumber of the current certificate, in hex.
	// +optional
	SerialNumber string `json:"serialNumber,omitempty"`
	// notAfter is when the certificate expires.
	// +optional
	NotAfter *metav1.Time `json:"notAfter,omitempty"`
}

// DocExchangeNodeStatus reports the node.
type DocExchangeNodeStatus struct {
	CommonStatus   `json:",inline"`
	ProvinceStatus `json:",inline"`
	// signingCertificate reports the node's signing certificate.
	// +optional
	SigningCertificate *SigningCertificateStatus `json:"signingCertificate,omitempty"`
	// securityLevel is the level the node runs at: its own, else its portal's.
	// +optional
	SecurityLevel int32 `json:"securityLevel,omitempty"`
	// offSiteBackup is the off-site backup target the node was given.
	// +optional
	OffSiteBackup string `json:"offSiteBackup,omitempty"`
	// claims are the PersistentVolumeClaims holding the node's documents.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=16
	Claims []string `json:"claims,omitempty"`
}

// DocExchangeNode is an edXML document exchange node on the national document
// axis: a stateful workload with retained storage and a signing certificate.
// Several may share a namespace, with distinct organIds.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=den,categories=egov
// +kubebuilder:printcolumn:name="Province",type=string,JSONPath=`.status.province`
// +kubebuilder:printcolumn:name="Organ",type=string,JSONPath=`.spec.organId`
// +kubebuilder:printcolumn:name="Release",type=string,JSONPath=`.status.release`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 40",message="metadata.name must be at most 40 characters: the names of its children (<name>-<role>) must fit Kubernetes' 63-character labels"
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",message="metadata.name must be lowercase letters, digits and '-', starting with a letter: it begins the names of Services"
type DocExchangeNode struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec declares the node.
	// +required
	Spec DocExchangeNodeSpec `json:"spec"`
	// status reports what the operator observed.
	// +optional
	Status DocExchangeNodeStatus `json:"status,omitempty"`
}

// DocExchangeNodeList is a list of DocExchangeNodes.
// +kubebuilder:object:root=true
type DocExchangeNodeList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DocExchangeNode `json:"items"`
}

func init() {
	knownTypes = append(knownTypes, &DocExchangeNode{}, &DocExchangeNodeList{})
}
