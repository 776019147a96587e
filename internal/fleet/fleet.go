// Package fleet builds the manifests a whole fleet is made of: the national
// CA chain central ops set up, and each province's namespace, credentials and
// stack. The demo and the end-to-end tests apply the same objects.
package fleet

import (
	"fmt"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// Names of the national CA chain.
const (
	// CANamespace holds the national root's Secret: cert-manager's cluster resource namespace.
	CANamespace = "cert-manager"
	// RootIssuer self-signs the national root.
	RootIssuer = "national-root-selfsigned"
	// RootCertificate is the national root CA and the name of its Secret.
	RootCertificate = "national-root"
	// CAIssuer is the ClusterIssuer that signs every provincial SubCA.
	CAIssuer = "national-ca"
)

// The operator's identity, and the ClusterRole of its Secret permissions
// bound in each province namespace, as the Helm chart (release
// egov-operator) and dist/install.yaml name them.
const (
	OperatorNamespace      = "egov-operator-system"
	OperatorServiceAccount = "egov-operator-controller-manager"
	ProvinceRole           = "egov-operator-province-role"
)

// NationalCA returns the objects of a self-signed national root CA and the
// CA ClusterIssuer backed by it, in apply order.
func NationalCA() []client.Object {
	return []client.Object{
		&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: CANamespace}},
		&cmapi.ClusterIssuer{
			TypeMeta:   metav1.TypeMeta{APIVersion: cmapi.SchemeGroupVersion.String(), Kind: cmapi.ClusterIssuerKind},
			ObjectMeta: metav1.ObjectMeta{Name: RootIssuer},
			Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
		},
		&cmapi.Certificate{
			TypeMeta:   metav1.TypeMeta{APIVersion: cmapi.SchemeGroupVersion.String(), Kind: cmapi.CertificateKind},
			ObjectMeta: metav1.ObjectMeta{Name: RootCertificate, Namespace: CANamespace},
			Spec: cmapi.CertificateSpec{
				IsCA: true, CommonName: "Demo National e-Government Root CA",
				Subject:    &cmapi.X509Subject{Countries: []string{"VN"}, Organizations: []string{"Demo national CA (not for production)"}},
				SecretName: RootCertificate,
				Duration:   &metav1.Duration{Duration: 10 * 365 * 24 * time.Hour},
				IssuerRef:  cmmeta.IssuerReference{Name: RootIssuer, Kind: cmapi.ClusterIssuerKind, Group: "cert-manager.io"},
				PrivateKey: &cmapi.CertificatePrivateKey{Algorithm: cmapi.ECDSAKeyAlgorithm, Size: 384},
			},
		},
		&cmapi.ClusterIssuer{
			TypeMeta:   metav1.TypeMeta{APIVersion: cmapi.SchemeGroupVersion.String(), Kind: cmapi.ClusterIssuerKind},
			ObjectMeta: metav1.ObjectMeta{Name: CAIssuer},
			Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: RootCertificate}}},
		},
	}
}

// Namespace is the namespace of a province's production stack.
func Namespace(u provinces.Unit) string {
	return EnvironmentNamespace(u, platformv1alpha1.ProductionEnvironment)
}

// EnvironmentNamespace is the namespace of a province's stack in an
// environment: each environment has a namespace of its own.
func EnvironmentNamespace(u provinces.Unit, environment string) string {
	if environment == platformv1alpha1.ProductionEnvironment {
		return "egov-" + u.Slug
	}
	return "egov-" + u.Slug + "-" + environment
}

// Domain is a province's portal host: its public-service portal under the
// province's own domain.
func Domain(u provinces.Unit) string {
	return EnvironmentDomain(u, platformv1alpha1.ProductionEnvironment)
}

// EnvironmentDomain is the portal host of a province's stack in an
// environment: production's host, prefixed by the environment elsewhere.
func EnvironmentDomain(u provinces.Unit, environment string) string {
	host := "dichvucong." + u.Domains()[0]
	if environment == platformv1alpha1.ProductionEnvironment {
		return host
	}
	return environment + "." + host
}

// PlaceholderOrganID stands for a People's Committee whose identifier is
// not confirmed yet (see internal/provinces): no unit has the catalogue
// number 00, so it names no real agency.
const PlaceholderOrganID = "000.00.00.H00"

// OrganID is the province's People's Committee's identifier in the national
// catalogue, or the placeholder where it is not confirmed.
func OrganID(u provinces.Unit) platformv1alpha1.OrganID {
	if id, _, ok := u.CommitteeOrganID(); ok {
		return platformv1alpha1.OrganID(id)
	}
	return PlaceholderOrganID
}

// EMCSiteID is a placeholder for the numeric site ID EMC assigns a
// province's system (the portal is system 1, the one-stop-shop 2): EMC
// hands out the real ones, which replace these in a real fleet.
func EMCSiteID(u provinces.Unit, system int) platformv1alpha1.EMCSiteID {
	return platformv1alpha1.EMCSiteID(fmt.Sprintf("9%s%02d", u.Code, system))
}

// Units are a province's receiving desks. The codes are placeholders built
// from the province code: each province takes its units' real madonvi from
// the national public service portal, their customer codes from VNPost.
func Units(u provinces.Unit) []platformv1alpha1.ReceivingUnit {
	return []platformv1alpha1.ReceivingUnit{
		{Code: "demo-" + u.Code + "-tinh", Name: "Trung tâm Phục vụ hành chính công " + u.Name, PostalCustomerCode: "demo-" + u.Code + "-01"},
		{Code: "demo-" + u.Code + "-xa-01", Name: "Bộ phận Một cửa xã (demo) " + u.Name, PostalCustomerCode: "demo-" + u.Code + "-02"},
	}
}

func secret(namespace, name string, data map[string]string) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Type:       corev1.SecretTypeOpaque,
		StringData: data,
	}
}

// Province returns a province's production stack (see Stack).
func Province(u provinces.Unit) []client.Object {
	return Stack(u, platformv1alpha1.ProductionEnvironment)
}

// Stack returns a province's stack in an environment: its namespace
// (assigned to the province by central ops, enforcing the restricted Pod
// Security Standard), its placeholder credentials and its ProvincePortal,
// OneStopShop, DocExchangeNode and IntegrationPlatform.
func Stack(u provinces.Unit, environment string) []client.Object {
	ns := EnvironmentNamespace(u, environment)
	domain := EnvironmentDomain(u, environment)
	typeMeta := func(kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: platformv1alpha1.GroupVersion.String(), Kind: kind}
	}
	meta := metav1.ObjectMeta{Name: u.Slug, Namespace: ns}
	portalRef := platformv1alpha1.LocalObjectReference{Name: u.Slug}
	return []client.Object{
		&corev1.Namespace{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
			ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{
				platformv1alpha1.ProvinceLabel:       u.Code,
				"pod-security.kubernetes.io/enforce": "restricted",
				"pod-security.kubernetes.io/warn":    "restricted",
			}},
		},
		// Onboarding lets the operator read the province's Secrets, here only.
		&rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: OperatorServiceAccount, Namespace: ns},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: ProvinceRole},
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: OperatorServiceAccount, Namespace: OperatorNamespace}},
		},
		secret(ns, "national-credentials", map[string]string{"clientID": "demo-" + u.Slug, "clientSecret": "demo"}),
		secret(ns, "sso-client", map[string]string{"clientSecret": "demo"}),
		secret(ns, "motcua-database", map[string]string{"url": "postgres://motcua:demo@db." + ns + ".svc:5432/motcua"}),
		secret(ns, "dvcqg-inbound-credentials", map[string]string{"clientID": "dvcqg", "clientSecret": "demo"}),
		secret(ns, "motcua-sso-citizen", map[string]string{"clientSecret": "demo"}),
		secret(ns, "motcua-sso-officials", map[string]string{"clientSecret": "demo"}),
		secret(ns, "vnpost-callback-credentials", map[string]string{"clientID": "vnpost", "clientSecret": "demo"}),
		secret(ns, "vnpost-credentials", map[string]string{"customerCode": "demo", "apiKey": "demo"}),
		secret(ns, "axis-credentials", map[string]string{"systemID": "demo", "secretKey": "demo"}),
		secret(ns, "ndxp-credentials", map[string]string{"clientID": "lgsp-" + u.Slug, "clientSecret": "demo"}),
		&platformv1alpha1.ProvincePortal{
			TypeMeta: typeMeta("ProvincePortal"), ObjectMeta: meta,
			Spec: platformv1alpha1.ProvincePortalSpec{
				Province:    platformv1alpha1.ProvinceRef{Code: platformv1alpha1.ProvinceCode(u.Code)},
				Environment: environment,
				OrganID:     OrganID(u), Domain: platformv1alpha1.DNSName(domain),
				SSO:                          &platformv1alpha1.SSO{ClientID: "dvc-" + u.Slug, ClientSecretRef: &platformv1alpha1.LocalObjectReference{Name: "sso-client"}},
				NationalCredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "national-credentials"},
				Monitoring:                   &platformv1alpha1.PortalMonitoring{Monitoring: platformv1alpha1.Monitoring{EMCSiteID: EMCSiteID(u, 1)}},
			},
		},
		&platformv1alpha1.OneStopShop{
			TypeMeta: typeMeta("OneStopShop"), ObjectMeta: meta,
			Spec: platformv1alpha1.OneStopShopSpec{
				PortalRef: portalRef,
				Database:  platformv1alpha1.Database{SecretRef: platformv1alpha1.SecretKeyReference{Name: "motcua-database", Key: "url"}},
				Units:     Units(u),
				NationalSync: platformv1alpha1.NationalSync{Inbound: &platformv1alpha1.InboundDossiers{
					CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "dvcqg-inbound-credentials"}}},
				Monitoring: &platformv1alpha1.Monitoring{EMCSiteID: EMCSiteID(u, 2)},
				SSO: &platformv1alpha1.SystemSSO{
					Citizen: &platformv1alpha1.CitizenSSOClient{
						ClientID: "motcua-" + u.Slug, ClientSecretRef: platformv1alpha1.LocalObjectReference{Name: "motcua-sso-citizen"},
						RedirectURIs: []platformv1alpha1.RedirectURI{platformv1alpha1.RedirectURI("https://" + domain + "/motcua/sso/callback")},
					},
					// Placeholder: the officials' identity provider is each deployment's own.
					Officials: &platformv1alpha1.OfficialsSSOClient{
						IssuerURL: "https://sso-officials.example.invalid/" + platformv1alpha1.HTTPSURL(u.Slug), ClientID: "motcua",
						ClientSecretRef: platformv1alpha1.LocalObjectReference{Name: "motcua-sso-officials"},
					},
				},
				PostalDelivery: &platformv1alpha1.PostalDelivery{Enabled: true,
					CredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "vnpost-credentials"},
					Callback: &platformv1alpha1.PostalCallback{
						CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "vnpost-callback-credentials"}}},
			},
		},
		&platformv1alpha1.DocExchangeNode{
			TypeMeta: typeMeta("DocExchangeNode"), ObjectMeta: meta,
			Spec: platformv1alpha1.DocExchangeNodeSpec{
				PortalRef: portalRef,
				OrganID:   OrganID(u),
				Agencies:  []platformv1alpha1.Agency{{OrganID: OrganID(u), Name: u.PeoplesCommittee()}},
				Storage:   platformv1alpha1.DocumentStorage{Size: resource.MustParse("1Gi")},
				Signing:   platformv1alpha1.Signing{KeyAlgorithm: "RSA", KeySize: ptr.To[int32](3072)},
				Axis: platformv1alpha1.DocumentAxisConnection{Version: platformv1alpha1.AxisV1, Level: platformv1alpha1.AxisNational,
					CredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "axis-credentials"}},
				ClientSelector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"app.kubernetes.io/name": "qlvb"}},
			},
		},
		&platformv1alpha1.IntegrationPlatform{
			TypeMeta: typeMeta("IntegrationPlatform"), ObjectMeta: meta,
			Spec: platformv1alpha1.IntegrationPlatformSpec{
				PortalRef: portalRef,
				Connectors: []platformv1alpha1.Connector{
					{Name: "population", Service: platformv1alpha1.ServicePopulation, Systems: systems(platformv1alpha1.SystemPortal, platformv1alpha1.SystemOneStopShop)},
					{Name: "civil-status", Service: platformv1alpha1.ServiceCivilStatus, Systems: systems(platformv1alpha1.SystemPortal, platformv1alpha1.SystemOneStopShop)},
				},
				NDXPCredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "ndxp-credentials"},
			},
		},
	}
}

// systems names systems of the stack a connector lets through.
func systems(names ...string) []platformv1alpha1.ConnectorSystem {
	out := make([]platformv1alpha1.ConnectorSystem, len(names))
	for i, name := range names {
		out[i] = platformv1alpha1.ConnectorSystem{Name: name}
	}
	return out
}
