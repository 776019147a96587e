package v1alpha1

// ReasonSigningCertificateInvalid means signing.external.certificateSecretRef
// does not hold a PEM certificate.
const ReasonSigningCertificateInvalid = "SigningCertificateInvalid"

// ExternalSigner signs documents with a system certificate of the
// Government's specialised CA, whose key stays on a certified token or HSM
// or in a remote signing service. The operator never generates, holds or
// re-keys that key.
// +kubebuilder:validation:XValidation:rule="has(self.pkcs11) != has(self.remote)",message="signing.external needs exactly one of signing.external.pkcs11 and signing.external.remote"
type ExternalSigner struct {
	// pkcs11 signs through a PKCS#11 module (a token or network HSM's
	// client library) inside the node's image.
	// +optional
	PKCS11 *PKCS11Signer `json:"pkcs11,omitempty"`
	// remote signs through a remote signing service.
	// +optional
	Remote *RemoteSigner `json:"remote,omitempty"`
	// certificateSecretRef names the Secret key holding the PEM certificate
	// the token or service signs with, as the service returns it (whoever
	// enrols the certificate publishes it there). The node mounts it and
	// status.signingCertificate reports its serial number and expiry; it is
	// renewed by its CA and its holder, never by the operator.
	// +required
	CertificateSecretRef SecretKeyReference `json:"certificateSecretRef"`
	// egressCIDRs are the addresses of the network HSM or signing service,
	// which the node's network policy lets it reach on 443.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=8
	EgressCIDRs []PeerCIDR `json:"egressCIDRs,omitempty"`
}

// PKCS11Signer names a PKCS#11 module, its token and the PIN that opens it.
// +kubebuilder:validation:XValidation:rule="has(self.tokenLabel) != has(self.slot)",message="signing.external.pkcs11 needs exactly one of tokenLabel and slot"
type PKCS11Signer struct {
	// modulePath is the absolute path of the PKCS#11 module in the node's
	// image, e.g. /usr/lib/pkcs11/libvnpt-ca.so. It must be part of the
	// image, never a file the province mounts: a module is code the node
	// loads, so one taken from a Secret, a ConfigMap or a volume (or reached
	// through /proc/self/root) would run whatever the province wrote there:
	// only the image's library directories are allowed.
	// +required
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.startsWith('/')",message="signing.external.pkcs11.modulePath must be an absolute path"
	// +kubebuilder:validation:XValidation:rule="!self.matches('(^|/)[.][.]?(/|$)') && !self.contains('//')",message="signing.external.pkcs11.modulePath must be a plain path, without . or .. segments"
	// +kubebuilder:validation:XValidation:rule="['/usr/lib/', '/usr/lib64/', '/usr/local/lib/', '/lib/', '/lib64/', '/opt/'].exists(d, self.startsWith(d))",message="signing.external.pkcs11.modulePath must be a module of the node's image, under /usr/lib, /usr/lib64, /usr/local/lib, /lib, /lib64 or /opt: never where files are mounted, nor through /proc"
	ModulePath string `json:"modulePath"`
	// tokenLabel is the label of the token holding the key.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	TokenLabel string `json:"tokenLabel,omitempty"`
	// slot is the slot number of the token holding the key.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Slot *int32 `json:"slot,omitempty"`
	// pinSecretRef names the Secret key holding the token's user PIN. It is
	// mounted, never copied.
	// +required
	PINSecretRef SecretKeyReference `json:"pinSecretRef"`
}

// RemoteSigner names a remote signing service.
type RemoteSigner struct {
	// url of the signing service.
	// +required
	URL HTTPSURL `json:"url"`
	// credentialsSecretRef names a Secret holding the keys clientID and
	// clientSecret, the node's credentials at the service. It is mounted,
	// never copied.
	// +required
	CredentialsSecretRef LocalObjectReference `json:"credentialsSecretRef"`
}
