package render

import (
	"maps"
	"slices"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// signerMountPath holds what an external signer needs: its certificate, and
// the token's PIN or the signing service's credentials.
const signerMountPath = "/etc/egov/signer"

// DocExchangeSecretKeys are the keys a node needs of each of the user's
// Secrets it uses, by Secret name.
func DocExchangeSecretKeys(spec platformv1alpha1.DocExchangeNodeSpec) map[string][]string {
	keys := map[string][]string{}
	if ref := spec.AxisCredentials(); ref != nil {
		keys[ref.Name] = append(keys[ref.Name], "systemID", "secretKey")
	}
	if b := spec.OffSiteBackup; b != nil {
		keys[b.CredentialsSecretRef.Name] = append(keys[b.CredentialsSecretRef.Name], "clientID", "clientSecret")
	}
	if ext := spec.Signing.External; ext != nil {
		keys[ext.CertificateSecretRef.Name] = append(keys[ext.CertificateSecretRef.Name], ext.CertificateSecretRef.Key)
		if p := ext.PKCS11; p != nil {
			keys[p.PINSecretRef.Name] = append(keys[p.PINSecretRef.Name], p.PINSecretRef.Key)
		}
		if r := ext.Remote; r != nil {
			keys[r.CredentialsSecretRef.Name] = append(keys[r.CredentialsSecretRef.Name], "clientID", "clientSecret")
		}
	}
	return keys
}

// DocExchangeSecretRefs names the user's Secrets the node uses.
func DocExchangeSecretRefs(spec platformv1alpha1.DocExchangeNodeSpec) []string {
	return slices.Sorted(maps.Keys(DocExchangeSecretKeys(spec)))
}

// externalSignerConfig tells the node how it signs documents when an
// external signer holds the key; without one it signs with the key in
// EDXML_SIGNING_DIR.
func externalSignerConfig(ext *platformv1alpha1.ExternalSigner) map[string]string {
	if ext == nil {
		return nil
	}
	config := map[string]string{"EDXML_SIGNER_CERTIFICATE_FILE": signerMountPath + "/certificate/" + ext.CertificateSecretRef.Key}
	if p := ext.PKCS11; p != nil {
		config["EDXML_SIGNER"] = "pkcs11"
		config["EDXML_PKCS11_MODULE"] = p.ModulePath
		config["EDXML_PKCS11_PIN_FILE"] = signerMountPath + "/pin/" + p.PINSecretRef.Key
		if p.TokenLabel != "" {
			config["EDXML_PKCS11_TOKEN_LABEL"] = p.TokenLabel
		}
		if p.Slot != nil {
			config["EDXML_PKCS11_SLOT"] = strconv.Itoa(int(*p.Slot))
		}
	}
	if r := ext.Remote; r != nil {
		config["EDXML_SIGNER"] = "remote"
		config["EDXML_REMOTE_SIGNER_URL"] = string(r.URL)
		config["EDXML_REMOTE_SIGNER_CREDENTIALS_DIR"] = signerMountPath + "/credentials"
	}
	return config
}

// externalSignerMounts mount the external signer's certificate and the
// token's PIN or the service's credentials.
func externalSignerMounts(ext *platformv1alpha1.ExternalSigner) []Mount {
	if ext == nil {
		return nil
	}
	mounts := []Mount{{Name: "signer-certificate", Path: signerMountPath + "/certificate", Secret: ext.CertificateSecretRef.Name}}
	if p := ext.PKCS11; p != nil {
		mounts = append(mounts, Mount{Name: "signer-pin", Path: signerMountPath + "/pin", Secret: p.PINSecretRef.Name})
	}
	if r := ext.Remote; r != nil {
		mounts = append(mounts, Mount{Name: "signer-credentials", Path: signerMountPath + "/credentials", Secret: r.CredentialsSecretRef.Name})
	}
	return mounts
}

// externalSignerEgress are the addresses of the network HSM or signing
// service.
func externalSignerEgress(ext *platformv1alpha1.ExternalSigner) []networkingv1.NetworkPolicyPeer {
	if ext == nil {
		return nil
	}
	return CIDRPeers(CIDRs(ext.EgressCIDRs))
}
