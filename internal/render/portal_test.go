package render

import (
	"bytes"
	"flag"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func testNational() *platformv1alpha1.NationalPlatform {
	return &platformv1alpha1.NationalPlatform{
		ObjectMeta: metav1.ObjectMeta{Name: "national"},
		Spec: platformv1alpha1.NationalPlatformSpec{
			PublicServicePortal: platformv1alpha1.PublicServicePortal{
				URL: "https://dichvucong.gov.vn", SSOIssuerURL: "https://xacthuc.dichvucong.gov.vn",
				AuthURL:      "https://dichvucong.gov.vn/api/xacthuc",
				SyncURL:      "https://dichvucong.gov.vn/api/DongBoHoSoMC",
				ProgressURL:  "https://dichvucong.gov.vn/api/CapNhatTienDoHoSoMC",
				CatalogueURL: "https://dichvucong.gov.vn/api/LayThuTuc",
				SourceCIDRs:  []platformv1alpha1.CIDR{"192.0.2.0/24"},
			},
			Monitoring: &platformv1alpha1.NationalMonitoring{EMC: &platformv1alpha1.EMC{
				TrackingURL: "https://f-emc.ngsp.gov.vn/tracking", EventsURL: "https://f-emc.ngsp.gov.vn/tracking/TrackingMCDT"}},
			DataExchange: platformv1alpha1.DataExchange{GatewayURL: "https://api.ndxp.gov.vn", TokenURL: "https://api.ndxp.gov.vn/oauth2/token"},
			DocumentAxis: platformv1alpha1.DocumentAxis{URL: "https://truclienthong.chinhphu.vn"},
			Postal: &platformv1alpha1.Postal{URL: "https://api.vnpost.vn", EgressCIDRs: []platformv1alpha1.CIDR{"203.0.113.0/24"},
				SourceCIDRs: []platformv1alpha1.CIDR{"203.0.113.128/25"}},
			Trust: platformv1alpha1.Trust{
				CAIssuerRef: platformv1alpha1.IssuerReference{Name: "national-ca", Kind: "ClusterIssuer", Group: "cert-manager.io"},
			},
			Network: platformv1alpha1.NationalNetwork{
				NationalEgressCIDRs: []platformv1alpha1.CIDR{"198.51.100.0/24", "2001:db8:100::/48"},
				IngressControllerSelector: &platformv1alpha1.PeerSelector{
					NamespaceSelector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"kubernetes.io/metadata.name": "ingress-nginx"}},
					PodSelector:       &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"app.kubernetes.io/name": "ingress-nginx"}},
				},
				DNSSelector: &platformv1alpha1.PeerSelector{
					NamespaceSelector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"kubernetes.io/metadata.name": "kube-system"}},
					PodSelector:       &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"k8s-app": "kube-dns"}},
				},
			},
			DefaultRelease: "egov-2026.11",
		},
	}
}

func testPortalInputs(level int32) PortalInputs {
	portal := &platformv1alpha1.ProvincePortal{
		ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh", UID: "4b1d0b8e-0000-4000-8000-000000000042"},
		Spec: platformv1alpha1.ProvincePortalSpec{
			Province:      platformv1alpha1.ProvinceRef{Code: "42"},
			Environment:   "production",
			OrganID:       "000.00.00.H27",
			Domain:        "dichvucong.hatinh.gov.vn",
			SecurityLevel: platformv1alpha1.SecurityLevel(level),
			Ingress:       &platformv1alpha1.PortalIngress{ClassName: "nginx"},
			SSO: &platformv1alpha1.SSO{ClientID: "dvc-hatinh",
				ClientSecretRef: &platformv1alpha1.LocalObjectReference{Name: "sso-client"}},
			NationalCredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "national-credentials"},
			Monitoring:                   &platformv1alpha1.PortalMonitoring{Monitoring: platformv1alpha1.Monitoring{EMCSiteID: "1042"}},
		},
	}
	return PortalInputs{
		Portal: portal, National: testNational(), Domains: []string{"hatinh.gov.vn"}, Release: "egov-2026.11",
		Component: platformv1alpha1.Component{Name: "portal", Version: "4.2.0",
			Image: "registry.egov.vn/platform/portal@sha256:0d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"},
		TrustedRoots:   []platformv1alpha1.TrustedRoot{{Name: "specialised-ca", PEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}},
		SecretVersions: map[string]string{"sso-client": "101", "national-credentials": "102", "hatinh-portal-keypair": "103"},
	}
}

// The rendered stack at security levels 3 and 4, the levels admission allows, is what the golden files hold.
func TestPortalStackGolden(t *testing.T) {
	for _, level := range []int32{3, 4} {
		t.Run(fmt.Sprintf("level%d", level), func(t *testing.T) {
			checkGolden(t, fmt.Sprintf("portal-level%d", level), PortalStack(testPortalInputs(level)))
		})
	}
}

func TestPortalStackIsDeterministic(t *testing.T) {
	a, _ := YAML(PortalStack(testPortalInputs(3)))
	b, _ := YAML(PortalStack(testPortalInputs(3)))
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same inputs differ")
	}
}

func findDeployment(t *testing.T, objs []client.Object) *appsv1.Deployment {
	t.Helper()
	for _, o := range objs {
		if d, ok := o.(*appsv1.Deployment); ok {
			return d
		}
	}
	t.Fatal("no Deployment rendered")
	return nil
}

func TestReplicasAndDisruptionBudgetFollowTheSecurityLevel(t *testing.T) {
	cases := []struct {
		level    int32
		replicas *platformv1alpha1.Replicas
		want     int32
		spread   bool
	}{
		{1, nil, 1, false}, {2, nil, 1, false}, {3, nil, 2, true}, {4, nil, 3, true}, {5, nil, 3, true},
		{2, ptr.To[platformv1alpha1.Replicas](4), 4, false}, {4, ptr.To[platformv1alpha1.Replicas](2), 2, true},
	}
	for _, c := range cases {
		in := testPortalInputs(c.level)
		in.Portal.Spec.Replicas = c.replicas
		objs := PortalStack(in)
		d := findDeployment(t, objs)
		if *d.Spec.Replicas != c.want {
			t.Errorf("level %d replicas %v: got %d replicas, want %d", c.level, c.replicas, *d.Spec.Replicas, c.want)
		}
		if got := len(d.Spec.Template.Spec.TopologySpreadConstraints) > 0; got != c.spread {
			t.Errorf("level %d: topology spread %v, want %v", c.level, got, c.spread)
		}
		hasPDB := false
		for _, o := range objs {
			hasPDB = hasPDB || o.GetObjectKind().GroupVersionKind().Kind == "PodDisruptionBudget"
		}
		if hasPDB != (c.want >= 2) {
			t.Errorf("level %d, %d replicas: PDB rendered %v", c.level, c.want, hasPDB)
		}
	}
}

func TestChecksumChangesWithARotatedSecret(t *testing.T) {
	in := testPortalInputs(3)
	before := findDeployment(t, PortalStack(in)).Spec.Template.Annotations[ChecksumAnnotation]
	in.SecretVersions["hatinh-portal-keypair"] = "104"
	after := findDeployment(t, PortalStack(in)).Spec.Template.Annotations[ChecksumAnnotation]
	if before == after {
		t.Fatal("a rotated certificate Secret must change the pod template checksum")
	}
}

func TestPublicIssuerReplacesTheSubCAForTLSAndOpensTheACMESolver(t *testing.T) {
	in := testPortalInputs(3)
	in.Portal.Spec.Ingress.IssuerRef = &platformv1alpha1.IssuerReference{Name: "letsencrypt", Kind: "ClusterIssuer", Group: "cert-manager.io"}
	in.PublicIssuerSolvesHTTP01 = true
	out, err := YAML(PortalStack(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: letsencrypt", "name: hatinh-acme-solver", "acme.cert-manager.io/http01-solver"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("stack lacks %q", want)
		}
	}
}

func TestEffectiveRelease(t *testing.T) {
	for _, tc := range []struct {
		pin, assigned, nationalDefault platformv1alpha1.ReleaseName
		want                           string
	}{
		{"egov-2026.12", "egov-2027.01", "egov-2026.11", "egov-2026.12"}, // a pin wins
		{"", "egov-2027.01", "egov-2026.11", "egov-2027.01"},             // then the assignment
		{"", "", "egov-2026.11", "egov-2026.11"},                         // then the national default
		{"", "", "", ""},
	} {
		if got := EffectiveRelease(tc.pin, tc.assigned, tc.nationalDefault); got != tc.want {
			t.Errorf("EffectiveRelease(%q, %q, %q) = %q, want %q", tc.pin, tc.assigned, tc.nationalDefault, got, tc.want)
		}
	}
}
