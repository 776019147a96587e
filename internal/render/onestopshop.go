package render

import (
	"encoding/json"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Roles of a OneStopShop's children.
const (
	RoleMotcuaWeb    = "motcua-web"
	RoleMotcuaWorker = "motcua-worker"
	RoleMotcuaClient = "motcua-client"
	RoleMotcuaTLS    = "motcua-tls"
	RoleMotcuaConfig = "motcua-config"
	// MotcuaPath is where the system is served under the portal's domain.
	MotcuaPath = "/motcua"
)

// DossierStatuses are the dossier status codes exchanged with the national
// public service portal.
var DossierStatuses = map[string]string{
	"1": "new", "2": "accepted", "3": "not accepted", "4": "processing", "5": "supplement requested",
	"6": "financial obligation", "7": "withdrawn", "8": "stopped", "9": "processed", "10": "result returned",
}

// ReceiptChannels are the ways a dossier is received.
var ReceiptChannels = map[string]string{"1": "in person", "2": "online", "3": "by post"}

// OneStopShopInputs are a OneStopShop's resolved inputs.
type OneStopShopInputs struct {
	Shop     *platformv1alpha1.OneStopShop
	Portal   *platformv1alpha1.ProvincePortal
	National *platformv1alpha1.NationalPlatform
	// Release is the portal's effective release and Component its oneStopShop image.
	Release   string
	Component platformv1alpha1.Component
	// PortalConfig is the portal's configuration the pods read.
	PortalConfig PortalConfig
	// SecretVersions are the versions of what the pods use, as for the portal.
	SecretVersions map[string]string
	// Gateway is the namespace's serving IntegrationPlatform, as for the portal.
	Gateway *platformv1alpha1.IntegrationPlatform
}

// OneStopShopOwner returns the Owner of a OneStopShop's children; they carry
// their portal's province and environment.
func OneStopShopOwner(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal) Owner {
	return Owner{Object: s, Kind: "OneStopShop", Province: string(p.Spec.Province.Code), Environment: p.Spec.Environment,
		Telemetry: portalTelemetry(p, p.Spec.OrganID)}
}

// OneStopShopHost returns the host and path the system is served at.
func OneStopShopHost(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal) (string, string) {
	if s.Spec.Domain != "" {
		return string(s.Spec.Domain), "/"
	}
	return string(p.Spec.Domain), MotcuaPath
}

// OneStopShopURL is where officials reach the system.
func OneStopShopURL(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal) string {
	host, path := OneStopShopHost(s, p)
	return "https://" + host + strings.TrimSuffix(path, "/")
}

// OneStopShopSecretRefs names the user's Secrets the system uses.
func OneStopShopSecretRefs(spec platformv1alpha1.OneStopShopSpec) []string {
	names := []string{spec.Database.SecretRef.Name}
	if spec.PostalDelivery != nil && spec.PostalDelivery.CredentialsSecretRef != nil {
		names = append(names, spec.PostalDelivery.CredentialsSecretRef.Name)
	}
	if in := spec.NationalSync.Inbound; in != nil {
		names = append(names, in.CredentialsSecretRef.Name)
	}
	if pd := spec.PostalDelivery; pd != nil && pd.Callback != nil {
		names = append(names, pd.Callback.CredentialsSecretRef.Name)
	}
	return append(names, SSOSecretRefs(spec.SSO)...)
}

// OneStopShopReplicas is spec.replicas, or the default of its security level.
func OneStopShopReplicas(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal) int32 {
	if s.Spec.Replicas != nil {
		return int32(*s.Spec.Replicas)
	}
	return ReplicasForLevel(SecurityLevel(s.Spec.SecurityLevel, p))
}

func jsonString(v any) string {
	data, _ := json.Marshal(v) // maps and lists of strings always marshal; map keys come out sorted
	return string(data)
}

// OneStopShopConfig is the system's own configuration: the contract the
// component reads, besides the interconnect.
func OneStopShopConfig(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal, n *platformv1alpha1.NationalPlatform) map[string]string {
	syncEnabled := s.Spec.NationalSync.Enabled == nil || *s.Spec.NationalSync.Enabled
	postalEnabled := s.Spec.PostalDelivery != nil && s.Spec.PostalDelivery.Enabled
	data := map[string]string{
		"MOTCUA_SYNC_ENABLED":           boolString(syncEnabled),
		"MOTCUA_SYNC_URL":               string(n.Spec.PublicServicePortal.SyncURL),
		"MOTCUA_SYNC_INTERVAL":          s.Spec.NationalSync.Interval,
		"MOTCUA_LEVELS":                 strings.Join(s.Spec.Levels, ","),
		"MOTCUA_DOSSIER_STATUS_CODES":   jsonString(DossierStatuses),
		"MOTCUA_RECEIPT_CHANNELS":       jsonString(ReceiptChannels),
		"MOTCUA_POSTAL_ENABLED":         boolString(postalEnabled),
		"MOTCUA_POSTAL_CREDENTIALS_DIR": CredentialsMountPath + "/postal",
	}
	if n.Spec.Postal != nil {
		data["MOTCUA_POSTAL_URL"] = string(n.Spec.Postal.URL)
	}
	nationalPortalConfig(n, data)
	callerEndpointConfig(CallerEndpoints(s, p, n), data)
	postalConfig(s, data)
	data["MOTCUA_SSO_FILE"] = ssoMountPath + "/" + SSOFile
	emcConfig(s, n, data)
	return data
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// databaseEgress lets pods reach the database's port wherever
// spec.database.network says it is.
func databaseEgress(db platformv1alpha1.Database) []networkingv1.NetworkPolicyEgressRule {
	if db.Network == nil {
		return nil
	}
	peers := CIDRPeers(CIDRs(db.Network.CIDRs))
	if db.Network.NamespaceSelector != nil {
		peers = append(peers, networkingv1.NetworkPolicyPeer{NamespaceSelector: db.Network.NamespaceSelector.Selector()})
	}
	if len(peers) == 0 {
		return nil
	}
	return []networkingv1.NetworkPolicyEgressRule{{To: peers, Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, db.EffectivePort())}}}
}

// OneStopShopStack returns every object of a OneStopShop, in apply order.
func OneStopShopStack(in OneStopShopInputs) []client.Object {
	s, p, n := in.Shop, in.Portal, in.National
	o := OneStopShopOwner(s, p).WithRelease(in.Release)
	portal := PortalOwner(p)
	unit := provinceUnit(p)
	host, path := OneStopShopHost(s, p)
	network := n.Spec.Network
	config := OneStopShopConfig(s, p, n)

	issuer := SubCAIssuerRef(p.Name)
	if ref := PublicIssuerRef(p); ref != nil {
		issuer = IssuerRef(*ref)
	}
	tlsSecret := KeypairSecret(portal.Name(RolePortal))
	if s.Spec.Domain != "" {
		tlsSecret = KeypairSecret(o.Name(RoleMotcuaTLS))
	}

	mounts := []Mount{
		{Name: "client", Path: ClientMountPath, Secret: KeypairSecret(o.Name(RoleMotcuaClient))},
		{Name: "trust", Path: TrustBundleMountPath, ConfigMap: portal.Name(RoleTrustBundle)},
		{Name: "units", Path: unitsMountPath, ConfigMap: o.Name(RoleMotcuaUnits)},
	}
	workerMounts := append([]Mount(nil), mounts...)
	workerMounts = append(workerMounts, nationalCredentialsMounts(p, in.Gateway)...)
	if pd := s.Spec.PostalDelivery; pd != nil && pd.Enabled && pd.CredentialsSecretRef != nil {
		workerMounts = append(workerMounts, Mount{Name: "postal", Path: CredentialsMountPath + "/postal", Secret: pd.CredentialsSecretRef.Name})
	}
	database := []corev1.EnvVar{{Name: "MOTCUA_DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: s.Spec.Database.SecretRef.Name}, Key: s.Spec.Database.SecretRef.Key,
	}}}}
	units := map[string]string{UnitsFile: OneStopShopUnits(s)}
	sso := map[string]string{SSOFile: OneStopShopSSO(s, n)}
	// The pods roll when the mounted files change, as when the variables do.
	checksummed := maps.Clone(config)
	maps.Copy(checksummed, units)
	maps.Copy(checksummed, sso)
	checksum := Checksum(checksumInputs(checksummed, in.PortalConfig.Interconnect, in.PortalConfig.TrustBundle, in.SecretVersions))
	envFrom := []string{portal.Name(RoleInterconnect), o.Name(RoleMotcuaConfig)}
	replicas := OneStopShopReplicas(s, p)
	// The endpoints outside callers reach run the web workload in their own
	// mode, without the login clients' secrets.
	serving := Workload{
		Component: RoleMotcuaWeb, Image: in.Component.Image, Version: in.Component.Version,
		Replicas: replicas, SecurityLevel: SecurityLevel(s.Spec.SecurityLevel, p), Resources: Resources(s.Spec.Resources),
		Mounts: mounts, EnvFrom: envFrom, Env: database, Checksum: checksum, Args: []string{"web"}, Serves: true,
		DataExchange: in.PortalConfig.Interconnect[DataExchangeGatewayKey],
	}
	web := serving
	web.Mounts = append(append([]Mount(nil), mounts...), ssoMounts(o, s)...)

	objs := []client.Object{
		ServiceAccount(o, RoleMotcuaWeb),
		ServiceAccount(o, RoleMotcuaWorker),
		ClientCertificate(o, RoleMotcuaClient, unit.FullName(), PortalAgency(p), SubCAIssuerRef(p.Name)),
	}
	if s.Spec.Domain != "" {
		objs = append(objs, ServingCertificate(o, RoleMotcuaTLS, host, issuer))
	}
	objs = append(objs,
		ConfigMap(o, RoleMotcuaConfig, config),
		ConfigMap(o, RoleMotcuaUnits, units),
		ConfigMap(o, RoleMotcuaSSO, sso),
		Deployment(o, web),
		Deployment(o, Workload{
			Component: RoleMotcuaWorker, Image: in.Component.Image, Version: in.Component.Version,
			Replicas: 1, Resources: Resources(nil),
			Mounts: workerMounts, EnvFrom: envFrom, Env: database, Checksum: checksum, Args: []string{"sync-worker"},
			DataExchange: in.PortalConfig.Interconnect[DataExchangeGatewayKey],
		}),
		Service(o, RoleMotcuaWeb),
		Ingress(o, RoleMotcuaWeb, ingressClass(p), host, path, tlsSecret),
		ComponentPolicy(o, RoleMotcuaWeb,
			[]networkingv1.NetworkPolicyPeer{Peer(network.IngressController())}, ssoPeers(s, n),
			append(databaseEgress(s.Spec.Database), gatewayEgress(in.Gateway)...)...),
		ComponentPolicy(o, RoleMotcuaWorker, nil,
			append(nationalPeers(n, in.Gateway), postalPeers(n)...), append(databaseEgress(s.Spec.Database), gatewayEgress(in.Gateway)...)...),
	)
	if replicas >= 2 {
		objs = append(objs, PodDisruptionBudget(o, RoleMotcuaWeb))
	}
	for _, e := range CallerEndpoints(s, p, n) {
		objs = append(objs, callerEndpointObjects(o, e, serving, ingressClass(p), host, tlsSecret, network.IngressController(), databaseEgress(s.Spec.Database))...)
	}
	return objs
}

func postalPeers(n *platformv1alpha1.NationalPlatform) []networkingv1.NetworkPolicyPeer {
	if n.Spec.Postal == nil {
		return nil
	}
	return CIDRPeers(n.Spec.Postal.EgressCIDRs)
}

// checksumInputs gathers what a pod template's checksum covers.
func checksumInputs(own, interconnect map[string]string, bundle string, secretVersions map[string]string) map[string]string {
	values := map[string]string{"trust-bundle": bundle}
	for k, v := range own {
		values["config/"+k] = v
	}
	for k, v := range interconnect {
		values["interconnect/"+k] = v
	}
	for name, version := range secretVersions {
		values["secret/"+name] = version
	}
	return values
}

// PublicIssuerRef is the public issuer a portal names for its TLS certificates, if any.
func PublicIssuerRef(p *platformv1alpha1.ProvincePortal) *platformv1alpha1.IssuerReference {
	if p.Spec.Ingress == nil {
		return nil
	}
	return p.Spec.Ingress.IssuerRef
}

func ingressClass(p *platformv1alpha1.ProvincePortal) string {
	if p.Spec.Ingress == nil {
		return ""
	}
	return p.Spec.Ingress.ClassName
}
