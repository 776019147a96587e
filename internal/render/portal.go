package render

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

// Roles of a ProvincePortal's children; each child is named <portal>-<role>.
const (
	RoleSubCA        = "subca"
	RolePortal       = "portal"
	RoleClient       = "client"
	RoleTrustBundle  = "trust-bundle"
	RoleInterconnect = "interconnect"
)

// PortalInputs are a ProvincePortal's resolved inputs.
type PortalInputs struct {
	// Portal is the ProvincePortal.
	Portal *platformv1alpha1.ProvincePortal
	// National is the NationalPlatform.
	National *platformv1alpha1.NationalPlatform
	// Domains are the province's domains, the only names its SubCA may
	// issue for (with their subdomains).
	Domains []string
	// Release is the effective release's name and Component its portal image.
	Release   string
	Component platformv1alpha1.Component
	// TrustedRoots are the roots checked to be current CA certificates, de-duplicated.
	TrustedRoots []platformv1alpha1.TrustedRoot
	// SecretVersions are the versions of what the pods mount: a digest of
	// the values read from each user Secret, by name, and certificate/<name>
	// revisions, so a rotated credential or a reissued certificate rolls the
	// pods while a label on a Secret does not.
	SecretVersions map[string]string
	// Collector is the release's collector component; nil when the release
	// has none, and then no collector is rendered.
	Collector *platformv1alpha1.Component
	// PublicIssuerSolvesHTTP01 is true when spec.ingress.issuerRef is an ACME
	// issuer with an HTTP-01 solver.
	PublicIssuerSolvesHTTP01 bool
	// ScrapeMetrics is true where the cluster serves the Prometheus
	// Operator's ServiceMonitors: its Prometheus may reach the components.
	ScrapeMetrics bool
	// Gateway is the namespace's IntegrationPlatform once its gateway
	// serves: the stack reaches NDXP through it. nil: directly.
	Gateway *platformv1alpha1.IntegrationPlatform
}

// PortalOwner returns the Owner of a ProvincePortal's children.
func PortalOwner(p *platformv1alpha1.ProvincePortal) Owner {
	return Owner{Object: p, Kind: "ProvincePortal", Province: string(p.Spec.Province.Code), Environment: p.Spec.Environment,
		Telemetry: portalTelemetry(p, p.Spec.OrganID)}
}

// PortalReplicas is spec.replicas, or the default of the security level.
func PortalReplicas(spec platformv1alpha1.ProvincePortalSpec) int32 {
	if spec.Replicas != nil {
		return int32(*spec.Replicas)
	}
	return ReplicasForLevel(int32(spec.SecurityLevel))
}

// PortalURL is where citizens reach the portal.
func PortalURL(p *platformv1alpha1.ProvincePortal) string { return "https://" + string(p.Spec.Domain) }

// PortalKeypairSecrets names the Secrets holding the portal's private keys.
func PortalKeypairSecrets(p *platformv1alpha1.ProvincePortal) []string {
	o := PortalOwner(p)
	return []string{KeypairSecret(o.Name(RoleSubCA)), KeypairSecret(o.Name(RoleClient)), KeypairSecret(o.Name(RolePortal))}
}

// PortalSecretRefs names the user's Secrets the portal mounts.
func PortalSecretRefs(spec platformv1alpha1.ProvincePortalSpec) []string {
	var names []string
	if spec.NationalCredentialsSecretRef != nil {
		names = append(names, spec.NationalCredentialsSecretRef.Name)
	}
	if spec.SSO != nil && spec.SSO.ClientSecretRef != nil {
		names = append(names, spec.SSO.ClientSecretRef.Name)
	}
	return names
}

// Interconnect keys the operator itself reads back.
const (
	// DataExchangeGatewayKey names where the stack reaches NDXP: NDXP's
	// gateway, or the province's integration platform.
	DataExchangeGatewayKey = "EGOV_DATA_EXCHANGE_GATEWAY_URL"
	// ProvinceCodeKey and OrganIDKey name who the province is, as the
	// portal publishes them once it has checked them.
	ProvinceCodeKey = "EGOV_PROVINCE_CODE"
	OrganIDKey      = "EGOV_ORGAN_ID"
)

// Interconnect is the configuration every workload of the province reads:
// who the province is and where the national systems are. Credentials are
// not here: they stay in the user's Secrets, mounted by reference. Through
// a gateway the stack reaches NDXP at the gateway, with neither token
// endpoint nor credentials: the gateway holds them.
func Interconnect(p *platformv1alpha1.ProvincePortal, n *platformv1alpha1.NationalPlatform, gateway *platformv1alpha1.IntegrationPlatform) map[string]string {
	unit := provinceUnit(p)
	data := map[string]string{
		ProvinceCodeKey:                 unit.Code,
		"EGOV_PROVINCE_NAME":            unit.FullName(),
		"EGOV_ENVIRONMENT":              p.Spec.Environment,
		OrganIDKey:                      string(p.Spec.OrganID),
		"EGOV_PORTAL_URL":               PortalURL(p),
		"EGOV_NATIONAL_PORTAL_URL":      string(n.Spec.PublicServicePortal.URL),
		"EGOV_NATIONAL_SYNC_URL":        string(n.Spec.PublicServicePortal.SyncURL),
		"EGOV_SSO_ISSUER_URL":           string(n.Spec.PublicServicePortal.SSOIssuerURL),
		DataExchangeGatewayKey:          string(n.Spec.DataExchange.GatewayURL),
		"EGOV_DATA_EXCHANGE_TOKEN_URL":  string(n.Spec.DataExchange.TokenURL),
		"EGOV_DOCUMENT_AXIS_URL":        string(n.Spec.DocumentAxis.URL),
		"EGOV_TLS_DIR":                  TLSMountPath,
		"EGOV_CLIENT_CERT_DIR":          ClientMountPath,
		"EGOV_TRUST_BUNDLE":             TrustBundleMountPath + "/" + TrustBundleKey,
		"EGOV_NATIONAL_CREDENTIALS_DIR": CredentialsMountPath + "/national",
		"EGOV_SSO_CLIENT_SECRET_DIR":    CredentialsMountPath + "/sso",
	}
	if gateway != nil {
		data[DataExchangeGatewayKey] = GatewayURL(gateway)
		delete(data, "EGOV_DATA_EXCHANGE_TOKEN_URL")
		delete(data, "EGOV_NATIONAL_CREDENTIALS_DIR")
	}
	if n.Spec.Postal != nil {
		data["EGOV_POSTAL_URL"] = string(n.Spec.Postal.URL)
	}
	if p.Spec.SSO != nil {
		data["EGOV_SSO_CLIENT_ID"] = p.Spec.SSO.ClientID
	}
	if p.Spec.Monitoring != nil && p.Spec.Monitoring.EMCSiteID != "" {
		data["EGOV_EMC_SITE_ID"] = string(p.Spec.Monitoring.EMCSiteID)
	}
	if emc := nationalEMC(n); emc != nil {
		data["EGOV_EMC_TRACKING_URL"] = string(emc.TrackingURL)
	}
	return data
}

// provinceUnit is the province a portal serves; admission guarantees the code is current.
func provinceUnit(p *platformv1alpha1.ProvincePortal) provinces.Unit {
	unit, _ := provinces.Lookup(string(p.Spec.Province.Code))
	return unit
}

// PortalAgency is the agency a portal's certificates identify: the
// province's People's Committee, with the portal's organId.
func PortalAgency(p *platformv1alpha1.ProvincePortal) Agency {
	return Agency{Name: provinceUnit(p).PeoplesCommittee(), OrganID: p.Spec.OrganID}
}

// PortalStack returns every object of a ProvincePortal, in apply order.
func PortalStack(in PortalInputs) []client.Object {
	p, n := in.Portal, in.National
	o := PortalOwner(p).WithRelease(in.Release)
	unit := provinceUnit(p)
	domain := string(p.Spec.Domain)
	replicas := PortalReplicas(p.Spec)
	network := n.Spec.Network

	tlsIssuer := SubCAIssuerRef(p.Name)
	if ref := PublicIssuerRef(p); ref != nil {
		tlsIssuer = IssuerRef(*ref)
	}
	interconnect := Interconnect(p, n, in.Gateway)
	bundle := TrustBundle(in.TrustedRoots)

	mounts := []Mount{
		{Name: "tls", Path: TLSMountPath, Secret: KeypairSecret(o.Name(RolePortal))},
		{Name: "client", Path: ClientMountPath, Secret: KeypairSecret(o.Name(RoleClient))},
		{Name: "trust", Path: TrustBundleMountPath, ConfigMap: o.Name(RoleTrustBundle)},
	}
	mounts = append(mounts, nationalCredentialsMounts(p, in.Gateway)...)
	if p.Spec.SSO != nil && p.Spec.SSO.ClientSecretRef != nil {
		mounts = append(mounts, Mount{Name: "sso", Path: CredentialsMountPath + "/sso", Secret: p.Spec.SSO.ClientSecretRef.Name})
	}
	objs := []client.Object{
		ServiceAccount(o, RolePortal),
		SubCACertificate(o, unit.FullName(), in.Domains, p.Spec.OrganID, n.Spec.Trust.CAIssuerRef),
		SubCAIssuer(o),
		ClientCertificate(o, RoleClient, unit.FullName(), PortalAgency(p), SubCAIssuerRef(p.Name)),
		ServingCertificate(o, RolePortal, domain, tlsIssuer),
		ConfigMap(o, RoleTrustBundle, map[string]string{TrustBundleKey: bundle}),
		ConfigMap(o, RoleInterconnect, interconnect),
		Deployment(o, Workload{
			Component: RolePortal, Image: in.Component.Image, Version: in.Component.Version,
			Replicas: replicas, SecurityLevel: int32(p.Spec.SecurityLevel),
			Resources: Resources(p.Spec.Resources), Mounts: mounts,
			EnvFrom:  []string{o.Name(RoleInterconnect)},
			Checksum: Checksum(checksumInputs(nil, interconnect, bundle, in.SecretVersions)), Serves: true,
			DataExchange: interconnect[DataExchangeGatewayKey],
		}),
		Service(o, RolePortal),
		Ingress(o, RolePortal, ingressClass(p), domain, "/", KeypairSecret(o.Name(RolePortal))),
		DefaultDenyPolicy(o),
		DNSPolicy(o, network.DNS()),
		ComponentPolicy(o, RolePortal,
			[]networkingv1.NetworkPolicyPeer{Peer(network.IngressController())},
			nationalPeers(n, in.Gateway), gatewayEgress(in.Gateway)...),
	}
	if in.ScrapeMetrics {
		objs = append(objs, MetricsScrapePolicy(o, network.MetricsScraper()))
		for _, m := range ServiceMonitors(o) {
			objs = append(objs, m)
		}
	}
	if in.PublicIssuerSolvesHTTP01 {
		objs = append(objs, ACMESolverPolicy(o, network.IngressController()))
	}
	if replicas >= 2 {
		objs = append(objs, PodDisruptionBudget(o, RolePortal))
	}
	if soc := EffectiveSOC(p, n, in.TrustedRoots); soc != nil && in.Collector != nil {
		objs = append(objs, CollectorObjects(CollectorInputs{
			Portal: p, National: n, Release: in.Release, Component: *in.Collector, SOC: soc, TrustBundle: bundle,
			ClientRevision: in.SecretVersions["certificate/"+o.Name(RoleCollectorClient)],
		})...)
	}
	return objs
}

// Describe names an object as kind/name for messages.
func Describe(obj client.Object) string {
	return fmt.Sprintf("%s/%s", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName())
}

// nationalCredentialsMounts mount the province's NDXP credentials, unless
// the stack reaches NDXP through a gateway: then only the gateway holds them.
func nationalCredentialsMounts(p *platformv1alpha1.ProvincePortal, gateway *platformv1alpha1.IntegrationPlatform) []Mount {
	ref := p.Spec.NationalCredentialsSecretRef
	if ref == nil || gateway != nil {
		return nil
	}
	return []Mount{{Name: "national-credentials", Path: CredentialsMountPath + "/national", Secret: ref.Name}}
}

// nationalPeers are the national networks a system reaches on 443: NDXP's
// own among them only without a gateway.
func nationalPeers(n *platformv1alpha1.NationalPlatform, gateway *platformv1alpha1.IntegrationPlatform) []networkingv1.NetworkPolicyPeer {
	if gateway != nil {
		return CIDRPeers(n.Spec.Network.NationalEgressCIDRs)
	}
	return CIDRPeers(n.Spec.Network.NationalEgressCIDRs, n.Spec.DataExchange.EgressCIDRs)
}

// gatewayEgress lets a system reach the gateway, when there is one.
func gatewayEgress(gateway *platformv1alpha1.IntegrationPlatform) []networkingv1.NetworkPolicyEgressRule {
	if gateway == nil {
		return nil
	}
	return []networkingv1.NetworkPolicyEgressRule{GatewayEgress(gateway)}
}
