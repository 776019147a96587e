package render

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func testShopInputs(ownDomain bool) OneStopShopInputs {
	portal := testPortalInputs(3)
	shop := &platformv1alpha1.OneStopShop{
		ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh", UID: "4b1d0b8e-0000-4000-8000-0000000000a1"},
		Spec: platformv1alpha1.OneStopShopSpec{
			PortalRef: platformv1alpha1.LocalObjectReference{Name: "hatinh"},
			Database: platformv1alpha1.Database{
				SecretRef: platformv1alpha1.SecretKeyReference{Name: "motcua-database", Key: "url"},
				Network:   &platformv1alpha1.DatabaseNetwork{CIDRs: []platformv1alpha1.PeerCIDR{"10.20.0.0/24"}},
			},
			Levels: []string{"Province", "Commune"},
			Units: []platformv1alpha1.ReceivingUnit{
				{Code: "000.00.01.H30", Name: "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh", PostalCustomerCode: "HTH0001"},
				{Code: "000.00.12.H30", Name: "Bộ phận Một cửa xã Thạch Lạc"},
			},
			NationalSync: platformv1alpha1.NationalSync{Enabled: ptr.To(true), Interval: "5m", Inbound: &platformv1alpha1.InboundDossiers{
				CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "dvcqg-inbound-credentials"}}},
			Monitoring: &platformv1alpha1.Monitoring{EMCSiteID: "2042"},
			SSO: &platformv1alpha1.SystemSSO{
				Citizen: &platformv1alpha1.CitizenSSOClient{ClientID: "motcua-hatinh", ClientSecretRef: platformv1alpha1.LocalObjectReference{Name: "sso-citizen"},
					RedirectURIs:           []platformv1alpha1.RedirectURI{"https://dichvucong.hatinh.gov.vn/motcua/sso/callback"},
					PostLogoutRedirectURIs: []platformv1alpha1.RedirectURI{"https://dichvucong.hatinh.gov.vn/motcua/"},
					ACRValues:              "level2"},
				Officials: &platformv1alpha1.OfficialsSSOClient{IssuerURL: "https://sso.hatinh.gov.vn/realms/canbo", ClientID: "motcua",
					ClientSecretRef: platformv1alpha1.LocalObjectReference{Name: "sso-officials"}, EgressCIDRs: []platformv1alpha1.PeerCIDR{"10.30.0.0/24"}},
			},
			PostalDelivery: &platformv1alpha1.PostalDelivery{Enabled: true, CredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "vnpost-credentials"},
				Callback: &platformv1alpha1.PostalCallback{CredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "vnpost-callback"}},
				Fees:     &platformv1alpha1.PostalFees{PostagePayer: "Citizen", CollectProcedureFees: true}},
		},
	}
	if ownDomain {
		shop.Spec.Domain = "motcua.dichvucong.hatinh.gov.vn"
	}
	return OneStopShopInputs{
		Shop: shop, Portal: portal.Portal, National: portal.National, Release: portal.Release,
		Component: platformv1alpha1.Component{Name: "oneStopShop", Version: "3.8.1",
			Image: "registry.egov.vn/platform/motcua@sha256:1d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"},
		PortalConfig:   testPortalConfig(portal),
		SecretVersions: map[string]string{"motcua-database": "201", "vnpost-credentials": "202", "dvcqg-inbound-credentials": "203", "vnpost-callback": "204"},
	}
}

func testNodeInputs() DocExchangeInputs {
	portal := testPortalInputs(3)
	node := &platformv1alpha1.DocExchangeNode{
		ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh", UID: "4b1d0b8e-0000-4000-8000-0000000000d1"},
		Spec: platformv1alpha1.DocExchangeNodeSpec{
			PortalRef: platformv1alpha1.LocalObjectReference{Name: "hatinh"},
			OrganID:   "000.00.00.H27",
			Agencies: []platformv1alpha1.Agency{
				{OrganID: "000.00.00.H27", Name: "Văn phòng UBND Hà Tĩnh"},
				{OrganID: "000.00.00.K27", Name: "Hội đồng nhân dân tỉnh Hà Tĩnh"},
			},
			Storage: platformv1alpha1.DocumentStorage{Size: resource.MustParse("20Gi")},
			Signing: platformv1alpha1.Signing{KeyAlgorithm: "RSA", KeySize: ptr.To[int32](3072)},
			Axis: platformv1alpha1.DocumentAxisConnection{Version: platformv1alpha1.AxisV1, Level: platformv1alpha1.AxisNational,
				CredentialsSecretRef: &platformv1alpha1.LocalObjectReference{Name: "axis-credentials"}},
			ClientSelector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"app.kubernetes.io/name": "qlvb"}},
			Bandwidth:      &platformv1alpha1.Bandwidth{Egress: ptr.To(resource.MustParse("100M"))},
		},
	}
	return DocExchangeInputs{
		Node: node, Portal: portal.Portal, National: portal.National, Release: portal.Release,
		Component: platformv1alpha1.Component{Name: "docExchange", Version: "2.5.0",
			Image: "registry.egov.vn/platform/edxml-node@sha256:2d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"},
		PortalConfig:   testPortalConfig(portal),
		TemplateSize:   resource.MustParse("20Gi"),
		SecretVersions: map[string]string{"axis-credentials": "301"},
	}
}

// testPortalConfig is the configuration the portal of in publishes once it
// has applied in.
func testPortalConfig(in PortalInputs) PortalConfig {
	return PortalConfig{Interconnect: Interconnect(in.Portal, in.National, nil), TrustBundle: TrustBundle(in.TrustedRoots)}
}

func checkGolden(t *testing.T, name string, objs []client.Object) {
	t.Helper()
	got, err := YAML(objs)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", name+".golden.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("rendered stack differs from %s (run go test ./internal/render -update and review the diff)", golden)
	}
}

func TestOneStopShopStackGolden(t *testing.T) {
	checkGolden(t, "onestopshop-motcua-path", OneStopShopStack(testShopInputs(false)))
	checkGolden(t, "onestopshop-own-domain", OneStopShopStack(testShopInputs(true)))
}

func TestDocExchangeStackGolden(t *testing.T) {
	checkGolden(t, "docexchangenode", DocExchangeStack(testNodeInputs()))
}

func TestEveryPodOfTheStackPassesRestrictedPodSecurity(t *testing.T) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var objs []client.Object
	objs = append(objs, PortalStack(testPortalInputsWithSOC(4))...)
	objs = append(objs, OneStopShopStack(testShopInputs(true))...)
	objs = append(objs, DocExchangeStack(testNodeInputs())...)
	objs = append(objs, IntegrationStack(testIntegrationInputs(4, false))...)
	objs = append(objs, IntegrationStack(testIntegrationInputs(3, true))...)
	pods := 0
	for _, o := range objs {
		var template *corev1.PodTemplateSpec
		switch w := o.(type) {
		case *appsv1.Deployment:
			template = &w.Spec.Template
		case *appsv1.StatefulSet:
			template = &w.Spec.Template
		default:
			continue
		}
		pods++
		for _, r := range evaluator.EvaluatePod(api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}, &template.ObjectMeta, &template.Spec) {
			if !r.Allowed {
				t.Errorf("%s: restricted check failed: %s: %s", Describe(o), r.ForbiddenReason, r.ForbiddenDetail)
			}
		}
	}
	if pods != 9 {
		t.Errorf("want the portal, collector, web, worker, inbound, postal callback, node and both gateways' pods, checked %d", pods)
	}
}

func TestStatefulSetRetainsClaimsAndKeepsItsTemplateSize(t *testing.T) {
	in := testNodeInputs()
	in.Node.Spec.Storage.Size = resource.MustParse("50Gi")
	for _, o := range DocExchangeStack(in) {
		sts, ok := o.(*appsv1.StatefulSet)
		if !ok {
			continue
		}
		if got := sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String(); got != "20Gi" {
			t.Errorf("the claim template must keep its size (immutable); got %s", got)
		}
		policy := sts.Spec.PersistentVolumeClaimRetentionPolicy
		if policy.WhenDeleted != appsv1.RetainPersistentVolumeClaimRetentionPolicyType || policy.WhenScaled != appsv1.RetainPersistentVolumeClaimRetentionPolicyType {
			t.Errorf("claims must be retained: %+v", policy)
		}
		if sts.Spec.Template.Annotations[EgressBandwidthAnnotation] != "100M" {
			t.Errorf("egress bandwidth annotation: %v", sts.Spec.Template.Annotations)
		}
		return
	}
	t.Fatal("no StatefulSet rendered")
}

func TestSigningCertificateDefaults(t *testing.T) {
	in := testNodeInputs()
	in.Node.Spec.Signing = platformv1alpha1.Signing{KeyAlgorithm: "ECDSA"}
	c := SigningCertificate(DocExchangeOwner(in.Node, in.Portal), in.Node, in.Portal)
	if c.Spec.PrivateKey.Size != 256 || c.Spec.Duration.Duration.Hours() != 8760 || c.Spec.RenewBefore.Duration.Hours() != 720 {
		t.Errorf("defaults: key %d, duration %s, renewBefore %s", c.Spec.PrivateKey.Size, c.Spec.Duration, c.Spec.RenewBefore)
	}
	if c.Spec.Usages[0] != "digital signature" || c.Spec.Usages[1] != "content commitment" || c.Spec.CommonName != "Văn phòng UBND Hà Tĩnh" {
		t.Errorf("usages %v, CN %s", c.Spec.Usages, c.Spec.CommonName)
	}
}

// The web, worker, inbound and postal callback pods reach their database on its port only, at its
// CIDRs and in the namespaces the selector names.
func TestDatabaseEgressOpensOnlyTheDatabasePort(t *testing.T) {
	in := testShopInputs(false)
	in.Shop.Spec.Database.Port = 6432
	in.Shop.Spec.Database.Network.NamespaceSelector = &platformv1alpha1.LabelSelector{
		MatchLabels:      map[string]platformv1alpha1.LabelValue{"team": "data"},
		MatchExpressions: []platformv1alpha1.LabelSelectorRequirement{{Key: "kubernetes.io/metadata.name", Operator: "In", Values: []platformv1alpha1.LabelValue{"databases"}}},
	}
	wantSelector := &metav1.LabelSelector{
		MatchLabels:      map[string]string{"team": "data"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: []string{"databases"}}},
	}
	policies := 0
	for _, o := range OneStopShopStack(in) {
		np, ok := o.(*networkingv1.NetworkPolicy)
		if !ok || len(np.Spec.Egress) == 0 {
			continue
		}
		policies++
		rule := np.Spec.Egress[len(np.Spec.Egress)-1]
		if len(rule.Ports) != 1 || rule.Ports[0].Port.IntValue() != 6432 || *rule.Ports[0].Protocol != corev1.ProtocolTCP {
			t.Errorf("%s: database egress ports %+v, want TCP 6432 only", np.Name, rule.Ports)
		}
		if len(rule.To) != 2 || rule.To[0].IPBlock.CIDR != "10.20.0.0/24" || !equality.Semantic.DeepEqual(rule.To[1].NamespaceSelector, wantSelector) {
			t.Errorf("%s: database egress peers %+v", np.Name, rule.To)
		}
	}
	if policies != 4 {
		t.Errorf("want the web, worker, inbound and postal callback policies to reach the database, found %d", policies)
	}
}

// A node's pods import and mount its portal's ConfigMaps as they are: the
// checksum follows them, not a national change the portal has not applied.
func TestNodeChecksumFollowsThePortalsConfigMaps(t *testing.T) {
	checksum := func(in DocExchangeInputs) string {
		for _, o := range DocExchangeStack(in) {
			if sts, ok := o.(*appsv1.StatefulSet); ok {
				return sts.Spec.Template.Annotations[ChecksumAnnotation]
			}
		}
		t.Fatal("no StatefulSet rendered")
		return ""
	}
	in := testNodeInputs()
	before := checksum(in)
	in.National.Spec.PublicServicePortal.SyncURL = "https://dichvucong.gov.vn/api/v2/dongbo"
	if checksum(in) != before {
		t.Error("a national change the portal's ConfigMaps do not hold yet rolled the pods")
	}
	in.PortalConfig.Interconnect = Interconnect(in.Portal, in.National, nil)
	if checksum(in) == before {
		t.Error("the interconnect ConfigMap changed, the pods did not roll")
	}
	in = testNodeInputs()
	in.PortalConfig.TrustBundle += "# another root\n"
	if checksum(in) == before {
		t.Error("the trust bundle changed, the pods did not roll")
	}
}
