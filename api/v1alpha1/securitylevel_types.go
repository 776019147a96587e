package v1alpha1

// SecurityLevel is an information system's security level (Nghị định
// 85/2016/NĐ-CP), approved per system (Thông tư 12/2022/TT-BTTTT). A
// provincial stack provides online public services, so each of its systems
// is at least level 3; level 5 is for systems of national importance, which a
// provincial stack is not.
// +kubebuilder:validation:XValidation:rule="self >= 3 && self <= 4",message="securityLevel must be 3 or 4: systems that provide online public services are at least level 3 (Nghị định 85/2016/NĐ-CP), and level 5 is not for a provincial stack"
type SecurityLevel int32

// ReasonOffSiteBackupRequired means a node at security level 4 names no
// off-site backup target.
const ReasonOffSiteBackupRequired = "OffSiteBackupRequired"

// OffSiteBackup is a backup target away from the cluster's site.
type OffSiteBackup struct {
	// url of the backup target, e.g. an object store bucket's endpoint in
	// another data centre.
	// +required
	URL HTTPSURL `json:"url"`
	// credentialsSecretRef names a Secret holding the keys clientID and
	// clientSecret, the node's credentials at the target. It is mounted,
	// never copied.
	// +required
	CredentialsSecretRef LocalObjectReference `json:"credentialsSecretRef"`
	// egressCIDRs are the target's addresses, which the node's network
	// policy lets it reach on 443.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=8
	EgressCIDRs []PeerCIDR `json:"egressCIDRs"`
}
