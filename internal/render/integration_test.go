package render

import (
	"fmt"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

func testIntegrationPlatform() *platformv1alpha1.IntegrationPlatform {
	return &platformv1alpha1.IntegrationPlatform{
		ObjectMeta: metav1.ObjectMeta{Name: "hatinh", Namespace: "egov-hatinh", UID: "4b1d0b8e-0000-4000-8000-0000000000e1"},
		Spec: platformv1alpha1.IntegrationPlatformSpec{
			PortalRef: platformv1alpha1.LocalObjectReference{Name: "hatinh"},
			Connectors: []platformv1alpha1.Connector{
				{Name: "population", Service: platformv1alpha1.ServicePopulation, Systems: []platformv1alpha1.ConnectorSystem{
					{Name: platformv1alpha1.SystemPortal}, {Name: platformv1alpha1.SystemOneStopShop}}},
				{Name: "civil-status", Service: platformv1alpha1.ServiceCivilStatus, Systems: []platformv1alpha1.ConnectorSystem{
					{Name: platformv1alpha1.SystemOneStopShop},
					{Selector: &platformv1alpha1.LabelSelector{MatchLabels: map[string]platformv1alpha1.LabelValue{"app.kubernetes.io/name": "ho-tich"}}}}},
			},
			NDXPCredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "ndxp-credentials"},
		},
	}
}

func testIntegrationInputs(level int32, audit bool) IntegrationInputs {
	portal := testPortalInputs(level)
	platform := testIntegrationPlatform()
	if audit {
		platform.Spec.Audit = &platformv1alpha1.IntegrationAudit{RetentionDays: 365}
	}
	national := portal.National
	national.Spec.DataExchange.EgressCIDRs = []platformv1alpha1.CIDR{"198.51.100.64/26"}
	return IntegrationInputs{
		Platform: platform, Portal: portal.Portal, National: national, Release: portal.Release,
		Component: platformv1alpha1.Component{Name: "integration", Version: "1.4.0",
			Image: "registry.egov.vn/platform/lgsp-gateway@sha256:3d5c3e5bd2ea7d3fbd1d1a2a4c8c4bfb0d8a1e8e3c7a1b5b9f3f9e6a1c2d3e4f"},
		TrustBundle:    TrustBundle(portal.TrustedRoots),
		SecretVersions: map[string]string{"ndxp-credentials": "401"},
	}
}

// The gateway at security levels 2, 3 and 4, with and without its audit log.
// The portal at level 4 with a SOC and reaching NDXP through its province's
// gateway: the golden shows the whole stack of a province with both.
func TestPortalStackThroughTheGatewayGolden(t *testing.T) {
	in := testPortalInputsWithSOC(4)
	in.Gateway = testIntegrationPlatform()
	checkGolden(t, "portal-soc-gateway-level4", PortalStack(in))
}

func TestIntegrationStackGolden(t *testing.T) {
	for _, tt := range []struct {
		level int32
		audit bool
	}{{2, false}, {3, true}, {4, false}} {
		name := fmt.Sprintf("integrationplatform-level%d", tt.level)
		if tt.audit {
			name += "-audit"
		}
		t.Run(name, func(t *testing.T) { checkGolden(t, name, IntegrationStack(testIntegrationInputs(tt.level, tt.audit))) })
	}
}

// Only the pods of the systems the connectors list reach the gateway, and
// the gateway reaches only NDXP's networks.
func TestGatewayPolicyAdmitsOnlyTheListedSystems(t *testing.T) {
	in := testIntegrationInputs(3, false)
	np := findObject[*networkingv1.NetworkPolicy](IntegrationStack(in), "hatinh-lgsp-gateway")
	if np == nil {
		t.Fatal("no gateway NetworkPolicy rendered")
	}
	var from []string
	for _, peer := range np.Spec.Ingress[0].From {
		if peer.NamespaceSelector != nil || peer.IPBlock != nil {
			t.Errorf("a caller outside the namespace is admitted: %+v", peer)
		}
		from = append(from, peer.PodSelector.MatchLabels[LabelName])
	}
	if want := []string{RolePortal, RoleMotcuaWeb, RoleMotcuaWorker, "ho-tich"}; !slices.Equal(from, want) {
		t.Errorf("callers %v, want %v", from, want)
	}
	if np.Spec.Ingress[0].From[0].PodSelector.MatchLabels[LabelInstance] != "hatinh" {
		t.Errorf("the portal is selected without its instance: %v", np.Spec.Ingress[0].From[0].PodSelector)
	}
	if to := np.Spec.Egress[0].To; len(np.Spec.Egress) != 1 || len(to) != 1 || to[0].IPBlock.CIDR != "198.51.100.64/26" {
		t.Errorf("gateway egress %+v, want NDXP's network alone", np.Spec.Egress)
	}
	in.National.Spec.DataExchange.EgressCIDRs = nil
	np = findObject[*networkingv1.NetworkPolicy](IntegrationStack(in), "hatinh-lgsp-gateway")
	if to := np.Spec.Egress[0].To; len(to) != 2 || to[0].IPBlock.CIDR != "198.51.100.0/24" {
		t.Errorf("without NDXP's own networks the gateway reaches the national ones; got %+v", to)
	}
}

// A PodDisruptionBudget keeps the gateway up from security level 3, not below
// and never for a single replica.
func TestGatewayDisruptionBudgetFromLevelThree(t *testing.T) {
	for _, tt := range []struct {
		level    int32
		replicas *platformv1alpha1.Replicas
		want     bool
	}{{2, nil, false}, {2, ptr.To[platformv1alpha1.Replicas](2), false}, {3, nil, true}, {3, ptr.To[platformv1alpha1.Replicas](1), false}, {4, nil, true}} {
		in := testIntegrationInputs(tt.level, false)
		in.Platform.Spec.Replicas = tt.replicas
		if got := findObject[*policyv1.PodDisruptionBudget](IntegrationStack(in), "hatinh-lgsp-gateway") != nil; got != tt.want {
			t.Errorf("level %d, replicas %v: PDB %v, want %v", tt.level, tt.replicas, got, tt.want)
		}
	}
}

// With an audit log the gateway is a StatefulSet whose claims outlive it.
func TestGatewayAuditLogIsRetained(t *testing.T) {
	objs := IntegrationStack(testIntegrationInputs(3, true))
	sts := findObject[*appsv1.StatefulSet](objs, "hatinh-lgsp-gateway")
	if sts == nil {
		t.Fatal("no StatefulSet for the audited gateway")
	}
	if p := sts.Spec.PersistentVolumeClaimRetentionPolicy; p.WhenDeleted != appsv1.RetainPersistentVolumeClaimRetentionPolicyType || p.WhenScaled != appsv1.RetainPersistentVolumeClaimRetentionPolicyType {
		t.Errorf("audit claims must be retained: %+v", p)
	}
	if findObject[*appsv1.Deployment](objs, "hatinh-lgsp-gateway") != nil {
		t.Error("an audited gateway also rendered a Deployment")
	}
	if findObject[*appsv1.StatefulSet](IntegrationStack(testIntegrationInputs(3, false)), "hatinh-lgsp-gateway") != nil {
		t.Error("a gateway without audit rendered a StatefulSet")
	}
}

// Through a gateway the portal and the one-stop-shop hold no NDXP
// credentials, read the gateway's URL and may reach the gateway's pods.
func TestSystemsReachNDXPThroughTheGateway(t *testing.T) {
	gateway := testIntegrationPlatform()
	portalIn := testPortalInputs(3)
	portalIn.National.Spec.DataExchange.EgressCIDRs = []platformv1alpha1.CIDR{"198.51.100.64/26"}
	shopIn := testShopInputs(false)
	shopIn.National = portalIn.National
	for _, via := range []*platformv1alpha1.IntegrationPlatform{nil, gateway} {
		portalIn.Gateway, shopIn.Gateway = via, via
		interconnect := Interconnect(portalIn.Portal, portalIn.National, via)
		objs := append(PortalStack(portalIn), OneStopShopStack(shopIn)...)
		portal := findObject[*appsv1.Deployment](objs, "hatinh-portal")
		worker := findObject[*appsv1.Deployment](objs, "hatinh-motcua-worker")
		for _, policy := range []string{"hatinh-portal", "hatinh-motcua-worker"} {
			reachesGateway, reachesNDXP := egressTo(findObject[*networkingv1.NetworkPolicy](objs, policy), "198.51.100.64/26")
			if reachesGateway != (via != nil) || reachesNDXP != (via == nil) {
				t.Errorf("gateway %v: %s reaches the gateway %v, NDXP %v", via != nil, policy, reachesGateway, reachesNDXP)
			}
		}
		holds := mountsSecret(portal, "national-credentials") || mountsSecret(worker, "national-credentials")
		if via == nil {
			if !mountsSecret(portal, "national-credentials") || !mountsSecret(worker, "national-credentials") || interconnect[DataExchangeGatewayKey] != "https://api.ndxp.gov.vn" {
				t.Errorf("direct: the portal and worker mount the NDXP credentials and reach NDXP; got %v", interconnect[DataExchangeGatewayKey])
			}
			continue
		}
		if holds {
			t.Error("through the gateway a system still mounts the NDXP credentials")
		}
		if got := interconnect[DataExchangeGatewayKey]; got != "http://hatinh-lgsp-gateway.egov-hatinh.svc" {
			t.Errorf("through the gateway the stack reaches NDXP at %s", got)
		}
		if _, ok := interconnect["EGOV_DATA_EXCHANGE_TOKEN_URL"]; ok {
			t.Error("through the gateway the stack still gets NDXP's token endpoint")
		}
	}
	// The exchange node never reaches NDXP itself; through a gateway, a
	// docExchange connector lets it reach national data there.
	nodeIn := testNodeInputs()
	for _, via := range []*platformv1alpha1.IntegrationPlatform{nil, gateway} {
		nodeIn.Gateway = via
		np := findObject[*networkingv1.NetworkPolicy](DocExchangeStack(nodeIn), DocExchangeOwner(nodeIn.Node, nodeIn.Portal).Name(RoleEdxmlNode))
		if reachesGateway, reachesNDXP := egressTo(np, "198.51.100.64/26"); reachesGateway != (via != nil) || reachesNDXP {
			t.Errorf("gateway %v: the exchange node reaches the gateway %v, NDXP %v", via != nil, reachesGateway, reachesNDXP)
		}
	}
}

// egressTo says whether a policy lets its pods reach the gateway's pods,
// and the network cidr.
func egressTo(np *networkingv1.NetworkPolicy, cidr string) (gateway, network bool) {
	for _, rule := range np.Spec.Egress {
		for _, peer := range rule.To {
			gateway = gateway || (peer.PodSelector != nil && peer.PodSelector.MatchLabels[LabelName] == RoleLGSPGateway)
			network = network || (peer.IPBlock != nil && peer.IPBlock.CIDR == cidr)
		}
	}
	return gateway, network
}
