package render

import (
	"strings"
	"time"
	"unicode/utf8"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Certificate lifetimes. Leaves are short-lived and renewed by cert-manager;
// the SubCA lives longer and is renewed well before its leaves would outlive it.
const (
	subCADuration    = 3 * 365 * 24 * time.Hour
	subCARenewBefore = 90 * 24 * time.Hour
	leafDuration     = 90 * 24 * time.Hour
	leafRenewBefore  = 30 * 24 * time.Hour
)

var certificateType = typeMeta(cmapi.SchemeGroupVersion.String(), cmapi.CertificateKind)

// KeypairSecret names the Secret cert-manager writes a certificate's key pair to.
func KeypairSecret(certificateName string) string { return certificateName + "-keypair" }

// IssuerRef converts an API issuer reference to cert-manager's.
func IssuerRef(ref platformv1alpha1.IssuerReference) cmmeta.IssuerReference {
	return cmmeta.IssuerReference{Name: ref.Name, Kind: ref.Kind, Group: ref.Group}
}

// keypairTemplate labels the Secret cert-manager writes a key pair to with
// the object whose Certificate it is: the operator finds every private key an
// object's Certificates produced, and deletes only those.
func keypairTemplate(o Owner) *cmapi.CertificateSecretTemplate {
	return &cmapi.CertificateSecretTemplate{Labels: o.KeypairSelector()}
}

// leafCertificate is the shape every leaf certificate shares.
func leafCertificate(o Owner, role string, issuer cmmeta.IssuerReference, usages ...cmapi.KeyUsage) *cmapi.Certificate {
	return &cmapi.Certificate{
		TypeMeta:   certificateType,
		ObjectMeta: o.Meta(role, role),
		Spec: cmapi.CertificateSpec{
			SecretName:     KeypairSecret(o.Name(role)),
			SecretTemplate: keypairTemplate(o),
			IssuerRef:      issuer,
			Duration:       &metav1.Duration{Duration: leafDuration},
			RenewBefore:    &metav1.Duration{Duration: leafRenewBefore},
			Usages:         usages,
			PrivateKey: &cmapi.CertificatePrivateKey{
				Algorithm: cmapi.ECDSAKeyAlgorithm, Size: 256, RotationPolicy: cmapi.RotationPolicyAlways,
			},
		},
	}
}

// subject is the X.509 subject of the province's certificates: the
// province's official name is the organisation, and the agency's organId is
// both the organisational unit and the subject serialNumber, where relying
// parties look for an identifier. The organId never goes into the common
// name: OpenSSL reads a dotted CN such as 000.00.00.H26 as a host name when a
// leaf has no DNS name, checks it against the SubCA's DNS name constraints
// and rejects the leaf.
func subject(organizationName string, organID platformv1alpha1.OrganID) *cmapi.X509Subject {
	return &cmapi.X509Subject{
		Countries:           []string{"VN"},
		Organizations:       []string{organizationName},
		OrganizationalUnits: []string{string(organID)},
		SerialNumber:        string(organID),
	}
}

// Agency is who a leaf certificate identifies: its name becomes the common
// name (as Vietnamese CA profiles have it), its organId the serialNumber.
type Agency struct {
	// Name is the agency's name, e.g. Ủy ban nhân dân tỉnh Hà Tĩnh.
	Name string
	// OrganID is its identifier, e.g. 000.00.00.H30.
	OrganID platformv1alpha1.OrganID
}

// maxCommonNameBytes is the longest common name cert-manager accepts: RFC
// 5280's 64, counted in bytes, which a Vietnamese name reaches long before
// 64 letters (most letters with diacritics take two or three bytes).
const maxCommonNameBytes = 64

// commonName is name cut to maxCommonNameBytes between two letters: the
// organId in the subject still identifies the agency, and cert-manager
// would refuse the whole certificate for a longer name.
func commonName(name string) string {
	for i, r := range name {
		if i+utf8.RuneLen(r) > maxCommonNameBytes {
			return strings.TrimSpace(name[:i])
		}
	}
	return name
}

// agencyCertificate sets a leaf's subject to identify the agency.
func agencyCertificate(c *cmapi.Certificate, provinceName string, agency Agency) *cmapi.Certificate {
	c.Spec.CommonName = commonName(agency.Name)
	c.Spec.Subject = subject(provinceName, agency.OrganID)
	return c
}

// SubCACertificate is the provincial SubCA, signed by the national CA and
// name-constrained to the province's domains (SubCANameConstraints).
func SubCACertificate(o Owner, provinceName string, domains []string, organID platformv1alpha1.OrganID, nationalCA platformv1alpha1.IssuerReference) *cmapi.Certificate {
	return &cmapi.Certificate{
		TypeMeta:   certificateType,
		ObjectMeta: o.Meta(RoleSubCA, RoleSubCA),
		Spec: cmapi.CertificateSpec{
			IsCA:           true,
			CommonName:     commonName(provinceName + " e-Government SubCA"),
			Subject:        subject(provinceName, organID),
			SecretName:     KeypairSecret(o.Name(RoleSubCA)),
			SecretTemplate: keypairTemplate(o),
			IssuerRef:      IssuerRef(nationalCA),
			Duration:       &metav1.Duration{Duration: subCADuration},
			RenewBefore:    &metav1.Duration{Duration: subCARenewBefore},
			Usages:         []cmapi.KeyUsage{cmapi.UsageCertSign, cmapi.UsageCRLSign, cmapi.UsageDigitalSignature},
			PrivateKey: &cmapi.CertificatePrivateKey{
				Algorithm: cmapi.ECDSAKeyAlgorithm, Size: 384, RotationPolicy: cmapi.RotationPolicyAlways,
			},
			NameConstraints: SubCANameConstraints(domains),
		},
	}
}

// SubCANameConstraints confine a SubCA to the province's domains for every
// kind of name a leaf may carry: host names under them, e-mail addresses and
// URIs whose host is one of them or under one, and no IP address at all (a
// permitted list of one kind leaves the others open, so IPs are excluded
// outright). An e-mail or URI constraint names one host exactly, and with a
// leading dot the hosts under it (RFC 5280, 4.2.1.10), so each domain is
// given both ways.
func SubCANameConstraints(domains []string) *cmapi.NameConstraints {
	hosts := make([]string, 0, 2*len(domains))
	for _, d := range domains {
		hosts = append(hosts, d, "."+d)
	}
	return &cmapi.NameConstraints{
		Critical:  true,
		Permitted: &cmapi.NameConstraintItem{DNSDomains: domains, EmailAddresses: hosts, URIDomains: hosts},
		Excluded:  &cmapi.NameConstraintItem{IPRanges: []string{"0.0.0.0/0", "::/0"}},
	}
}

// SubCACertificateName names a portal's SubCA Certificate.
func SubCACertificateName(portalName string) string { return portalName + "-" + RoleSubCA }

// SubCAIssuerName names the namespaced Issuer backed by a portal's SubCA.
func SubCAIssuerName(portalName string) string { return portalName + "-ca" }

// SubCAIssuer is the namespaced CA Issuer that signs with the SubCA's key.
func SubCAIssuer(o Owner) *cmapi.Issuer {
	return &cmapi.Issuer{
		TypeMeta:   typeMeta(cmapi.SchemeGroupVersion.String(), cmapi.IssuerKind),
		ObjectMeta: o.Meta("ca", RoleSubCA),
		Spec: cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{
			CA: &cmapi.CAIssuer{SecretName: KeypairSecret(o.Name(RoleSubCA))},
		}},
	}
}

// SubCAIssuerRef refers to a portal's SubCA Issuer.
func SubCAIssuerRef(portalName string) cmmeta.IssuerReference {
	return cmmeta.IssuerReference{Name: SubCAIssuerName(portalName), Kind: cmapi.IssuerKind, Group: "cert-manager.io"}
}

// ClientCertificate is a client certificate for mutual TLS to the national
// platforms, issued by the provincial SubCA, identifying the agency.
func ClientCertificate(o Owner, role, provinceName string, agency Agency, issuer cmmeta.IssuerReference) *cmapi.Certificate {
	return agencyCertificate(leafCertificate(o, role, issuer, cmapi.UsageClientAuth, cmapi.UsageDigitalSignature),
		provinceName, agency)
}

// ServingCertificate is a TLS server certificate for the given host.
func ServingCertificate(o Owner, role, host string, issuer cmmeta.IssuerReference) *cmapi.Certificate {
	c := leafCertificate(o, role, issuer, cmapi.UsageServerAuth, cmapi.UsageDigitalSignature)
	c.Spec.DNSNames = []string{host}
	return c
}
