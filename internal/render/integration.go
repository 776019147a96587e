package render

import (
	"maps"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/ndxp"
)

// Roles of an IntegrationPlatform's children.
const (
	RoleLGSPGateway  = "lgsp-gateway"
	RoleLGSPHeadless = "lgsp-headless"
	RoleLGSPClient   = "lgsp-client"
	RoleLGSPConfig   = "lgsp-config"
	RoleLGSPRoutes   = "lgsp-routes"
	// RoutesFile is the key of the routes ConfigMap, mounted under routesMountPath.
	RoutesFile      = "routes.json"
	routesMountPath = "/etc/egov/routes"
	// AuditVolume names the audit log's claim template; claims are
	// audit-<platform>-lgsp-gateway-<ordinal>.
	AuditVolume        = "audit"
	auditMountPath     = "/var/lib/lgsp/audit"
	ndxpCredentialsDir = CredentialsMountPath + "/ndxp"
)

// AuditStorageSize is the size of each gateway replica's audit claim.
var AuditStorageSize = resource.MustParse("10Gi")

// IntegrationInputs are an IntegrationPlatform's resolved inputs.
type IntegrationInputs struct {
	Platform *platformv1alpha1.IntegrationPlatform
	Portal   *platformv1alpha1.ProvincePortal
	National *platformv1alpha1.NationalPlatform
	// Release is the portal's effective release and Component its integration image.
	Release   string
	Component platformv1alpha1.Component
	// TrustBundle is what the portal's trust bundle ConfigMap holds.
	TrustBundle string
	// SecretVersions are the versions of what the pods use, as for the portal.
	SecretVersions map[string]string
}

// IntegrationOwner returns the Owner of an IntegrationPlatform's children.
func IntegrationOwner(i *platformv1alpha1.IntegrationPlatform, p *platformv1alpha1.ProvincePortal) Owner {
	return Owner{Object: i, Kind: "IntegrationPlatform", Province: string(p.Spec.Province.Code), Environment: p.Spec.Environment}
}

// IntegrationSecretKeys are the keys each user Secret the gateway mounts must hold.
func IntegrationSecretKeys(spec platformv1alpha1.IntegrationPlatformSpec) map[string][]string {
	return map[string][]string{spec.NDXPCredentialsSecretRef.Name: {"clientID", "clientSecret"}}
}

// GatewayURL is where the province's systems reach the gateway: its Service.
func GatewayURL(i *platformv1alpha1.IntegrationPlatform) string {
	return "http://" + i.Name + "-" + RoleLGSPGateway + "." + i.Namespace + ".svc"
}

// IntegrationReplicas is spec.replicas, or the default of the portal's security level.
func IntegrationReplicas(i *platformv1alpha1.IntegrationPlatform, p *platformv1alpha1.ProvincePortal) int32 {
	if i.Spec.Replicas != nil {
		return int32(*i.Spec.Replicas)
	}
	return ReplicasForLevel(int32(p.Spec.SecurityLevel))
}

// dataExchangeNetworks are the addresses of NDXP: its own networks when
// central ops name them, else the national systems' networks.
func dataExchangeNetworks(n *platformv1alpha1.NationalPlatform) []networkingv1.NetworkPolicyPeer {
	if cidrs := n.Spec.DataExchange.EgressCIDRs; len(cidrs) > 0 {
		return CIDRPeers(cidrs)
	}
	return CIDRPeers(n.Spec.Network.NationalEgressCIDRs)
}

// AuditExportOTLP tells the gateway to send each audit record as an OTLP
// log record (event name lgsp.audit) to OTEL_EXPORTER_OTLP_ENDPOINT.
const AuditExportOTLP = "otlp"

// IntegrationConfig is the gateway's own configuration, read as
// environment variables: NDXP, its credentials and client certificate,
// the routes file and the audit log.
func IntegrationConfig(i *platformv1alpha1.IntegrationPlatform, p *platformv1alpha1.ProvincePortal, n *platformv1alpha1.NationalPlatform) map[string]string {
	config := map[string]string{
		"LGSP_PROVINCE_CODE":        string(p.Spec.Province.Code),
		"LGSP_ORGAN_ID":             string(p.Spec.OrganID),
		"LGSP_NDXP_GATEWAY_URL":     string(n.Spec.DataExchange.GatewayURL),
		"LGSP_NDXP_TOKEN_URL":       string(n.Spec.DataExchange.TokenURL),
		"LGSP_NDXP_CREDENTIALS_DIR": ndxpCredentialsDir,
		"LGSP_CLIENT_CERT_DIR":      ClientMountPath,
		"LGSP_TRUST_BUNDLE":         TrustBundleMountPath + "/" + TrustBundleKey,
		"LGSP_ROUTES_FILE":          routesMountPath + "/" + RoutesFile,
		"LGSP_AUDIT_ENABLED":        boolString(i.Spec.Audit != nil),
		// Every call through the gateway is an audit record sent as an OTLP
		// log to the namespace's collector, which takes it to the SOC and the
		// NCSC with the rest of the province's telemetry; audit keeps a local
		// copy besides.
		"LGSP_AUDIT_EXPORT": AuditExportOTLP,
	}
	if a := i.Spec.Audit; a != nil {
		config["LGSP_AUDIT_DIR"] = auditMountPath
		config["LGSP_AUDIT_RETENTION_DAYS"] = strconv.Itoa(int(a.RetentionDays))
	}
	return config
}

// systemSelectors are the pod labels of each system of the stack the
// gateway may let through: the portal's pods, the one-stop-shop's web and
// sync worker, the document exchange nodes.
func systemSelectors(p *platformv1alpha1.ProvincePortal, system string) []map[string]string {
	managed := func(component string) map[string]string {
		return map[string]string{LabelName: component, LabelManagedBy: ManagedBy}
	}
	switch system {
	case platformv1alpha1.SystemPortal:
		return []map[string]string{PortalOwner(p).SelectorLabels(RolePortal)}
	case platformv1alpha1.SystemOneStopShop:
		return []map[string]string{managed(RoleMotcuaWeb), managed(RoleMotcuaWorker)}
	case platformv1alpha1.SystemDocExchange:
		return []map[string]string{managed(RoleEdxmlNode)}
	}
	return nil
}

// connectorPeers are the pods a connector lets through.
func connectorPeers(c platformv1alpha1.Connector, p *platformv1alpha1.ProvincePortal) []networkingv1.NetworkPolicyPeer {
	var peers []networkingv1.NetworkPolicyPeer
	for _, s := range c.Systems {
		if s.Selector != nil {
			peers = append(peers, networkingv1.NetworkPolicyPeer{PodSelector: s.Selector.Selector()})
			continue
		}
		for _, labels := range systemSelectors(p, s.Name) {
			peers = append(peers, networkingv1.NetworkPolicyPeer{PodSelector: metaSelector(labels)})
		}
	}
	return peers
}

// IntegrationRoutes is the routing table the gateway reads from
// LGSP_ROUTES_FILE: per connector, the national database with its NDXP
// service code and the pods allowed to query it.
func IntegrationRoutes(i *platformv1alpha1.IntegrationPlatform, p *platformv1alpha1.ProvincePortal) string {
	type route struct {
		Connector   string                           `json:"connector"`
		Service     string                           `json:"service"`
		ServiceCode string                           `json:"serviceCode"`
		Callers     []networkingv1.NetworkPolicyPeer `json:"callers"`
	}
	routes := make([]route, 0, len(i.Spec.Connectors))
	for _, c := range i.Spec.Connectors {
		service, _ := ndxp.Lookup(c.Service) // admission allows only the table's services
		routes = append(routes, route{Connector: c.Name, Service: c.Service, ServiceCode: service.Code, Callers: connectorPeers(c, p)})
	}
	return jsonString(routes)
}

// gatewayCallers are the pods any connector lets through, each once.
func gatewayCallers(i *platformv1alpha1.IntegrationPlatform, p *platformv1alpha1.ProvincePortal) []networkingv1.NetworkPolicyPeer {
	var peers []networkingv1.NetworkPolicyPeer
	seen := map[string]bool{}
	for _, c := range i.Spec.Connectors {
		for _, peer := range connectorPeers(c, p) {
			if key := jsonString(peer); !seen[key] {
				seen[key] = true
				peers = append(peers, peer)
			}
		}
	}
	return peers
}

// IntegrationStack returns every object of an IntegrationPlatform, in apply
// order: the gateway holds the only copy of the NDXP credentials, reaches
// only NDXP, and is reached only by the systems its connectors list.
func IntegrationStack(in IntegrationInputs) []client.Object {
	i, p, n := in.Platform, in.Portal, in.National
	o := IntegrationOwner(i, p)
	config := IntegrationConfig(i, p, n)
	routes := map[string]string{RoutesFile: IntegrationRoutes(i, p)}
	checksummed := maps.Clone(config)
	maps.Copy(checksummed, routes)
	replicas := IntegrationReplicas(i, p)
	level := int32(p.Spec.SecurityLevel)

	w := Workload{
		Component: RoleLGSPGateway, Image: in.Component.Image, Version: in.Component.Version,
		Replicas: replicas, SecurityLevel: level, Resources: Resources(i.Spec.Resources),
		Mounts: []Mount{
			{Name: "client", Path: ClientMountPath, Secret: KeypairSecret(o.Name(RoleLGSPClient))},
			{Name: "trust", Path: TrustBundleMountPath, ConfigMap: PortalOwner(p).Name(RoleTrustBundle)},
			{Name: "routes", Path: routesMountPath, ConfigMap: o.Name(RoleLGSPRoutes)},
			{Name: "ndxp-credentials", Path: ndxpCredentialsDir, Secret: i.Spec.NDXPCredentialsSecretRef.Name},
		},
		EnvFrom:  []string{o.Name(RoleLGSPConfig)},
		Checksum: Checksum(checksumInputs(checksummed, nil, in.TrustBundle, in.SecretVersions)),
		Serves:   true,
	}
	objs := []client.Object{
		ServiceAccount(o, RoleLGSPGateway),
		ClientCertificate(o, RoleLGSPClient, provinceUnit(p).FullName(), PortalAgency(p), SubCAIssuerRef(p.Name)),
		ConfigMap(o, RoleLGSPConfig, config),
		ConfigMap(o, RoleLGSPRoutes, routes),
		Service(o, RoleLGSPGateway),
	}
	if i.Spec.Audit != nil {
		// Each replica writes its own audit log on a claim the platform never deletes.
		w.ExtraMounts = []corev1.VolumeMount{{Name: AuditVolume, MountPath: auditMountPath}}
		objs = append(objs, headlessService(o, RoleLGSPHeadless, RoleLGSPGateway), RetainedStatefulSet(o, w, replicas, o.Name(RoleLGSPHeadless), ClaimTemplate{Name: AuditVolume, Size: AuditStorageSize}))
	} else {
		objs = append(objs, Deployment(o, w))
	}
	objs = append(objs, ComponentPolicy(o, RoleLGSPGateway, gatewayCallers(i, p), dataExchangeNetworks(n)))
	if level >= 3 && replicas >= 2 {
		objs = append(objs, PodDisruptionBudget(o, RoleLGSPGateway))
	}
	return objs
}

// GatewayEgress lets a system's pods reach the province's gateway, in place
// of NDXP.
func GatewayEgress(i *platformv1alpha1.IntegrationPlatform) networkingv1.NetworkPolicyEgressRule {
	o := Owner{Object: i}
	return networkingv1.NetworkPolicyEgressRule{
		To:    []networkingv1.NetworkPolicyPeer{{PodSelector: metaSelector(o.SelectorLabels(RoleLGSPGateway))}},
		Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, httpPort)},
	}
}
