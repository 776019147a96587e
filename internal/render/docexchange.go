package render

import (
	"maps"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Roles of a DocExchangeNode's children.
const (
	RoleEdxmlNode     = "edxml-node"
	RoleEdxmlHeadless = "edxml-headless"
	RoleEdxmlSigning  = "edxml-signing"
	RoleEdxmlConfig   = "edxml-config"
	RoleEdxmlAgencies = "edxml-agencies"
	// AgenciesFile is the key of the agencies ConfigMap, mounted as a file
	// under agenciesMountPath.
	AgenciesFile      = "agencies.json"
	agenciesMountPath = "/etc/egov/agencies"
	// DocumentsVolume names the claim template; claims are documents-<node>-edxml-node-<ordinal>.
	DocumentsVolume    = "documents"
	documentsMountPath = "/var/lib/edxml"
	// EgressBandwidthAnnotation caps a pod's outgoing traffic.
	EgressBandwidthAnnotation = "kubernetes.io/egress-bandwidth"
)

// Signing certificate defaults: one year, renewed 30 days before expiry.
const (
	signingDuration    = 365 * 24 * time.Hour
	signingRenewBefore = 30 * 24 * time.Hour
)

// EdxmlStatuses are the edXML processing status codes (QCVN 102:2016/BTTTT).
var EdxmlStatuses = map[string]string{
	"01": "arrived", "02": "rejected", "03": "accepted", "04": "assigned", "05": "processing",
	"06": "done", "13": "recall", "15": "recall accepted", "16": "recall refused",
}

// DocExchangeInputs are a DocExchangeNode's resolved inputs.
type DocExchangeInputs struct {
	Node     *platformv1alpha1.DocExchangeNode
	Portal   *platformv1alpha1.ProvincePortal
	National *platformv1alpha1.NationalPlatform
	// Release is the portal's effective release and Component its docExchange image.
	Release   string
	Component platformv1alpha1.Component
	// PortalConfig is the portal's configuration the pods read.
	PortalConfig PortalConfig
	// TemplateSize is the claim template's size: spec.storage.size for a new
	// StatefulSet, the live template's size after (templates are immutable;
	// grown claims are patched one by one).
	TemplateSize resource.Quantity
	// SecretVersions are the versions of what the pod uses, as for the portal.
	SecretVersions map[string]string
	// Gateway is the namespace's serving IntegrationPlatform, as for the
	// portal: a docExchange connector reaches national data through it.
	Gateway *platformv1alpha1.IntegrationPlatform
}

// DocExchangeOwner returns the Owner of a node's children.
func DocExchangeOwner(d *platformv1alpha1.DocExchangeNode, p *platformv1alpha1.ProvincePortal) Owner {
	return Owner{Object: d, Kind: "DocExchangeNode", Province: string(p.Spec.Province.Code), Environment: p.Spec.Environment,
		Telemetry: portalTelemetry(p, d.Spec.OrganID)}
}

// DocExchangeStatefulSet names a node's StatefulSet.
func DocExchangeStatefulSet(d *platformv1alpha1.DocExchangeNode) string {
	return d.Name + "-" + RoleEdxmlNode
}

// DocExchangeKeypairSecret names the Secret holding the node's signing key.
func DocExchangeKeypairSecret(d *platformv1alpha1.DocExchangeNode) string {
	return KeypairSecret(d.Name + "-" + RoleEdxmlSigning)
}

// Where the v1 axis credentials and the off-site backup's are mounted.
const (
	axisCredentialsDir          = CredentialsMountPath + "/axis"
	offSiteBackupCredentialsDir = CredentialsMountPath + "/offsite-backup"
)

// DocExchangeConfig is the node's own configuration, read as environment
// variables.
func DocExchangeConfig(d *platformv1alpha1.DocExchangeNode, n *platformv1alpha1.NationalPlatform) map[string]string {
	config := map[string]string{
		"EDXML_ORGAN_ID":      string(d.Spec.OrganID),
		"EDXML_AGENCIES_FILE": agenciesMountPath + "/" + AgenciesFile,
		"EDXML_STATUS_CODES":  jsonString(EdxmlStatuses),
		"EDXML_SIGNING_DIR":   TLSMountPath,
		"EDXML_DOCUMENTS_DIR": documentsMountPath,
	}
	maps.Copy(config, axisConfig(d.Spec.Axis, n))
	maps.Copy(config, externalSignerConfig(d.Spec.Signing.External))
	if b := d.Spec.OffSiteBackup; b != nil {
		config["EDXML_OFFSITE_BACKUP_URL"] = string(b.URL)
		config["EDXML_OFFSITE_BACKUP_CREDENTIALS_DIR"] = offSiteBackupCredentialsDir
	}
	return config
}

// axisConfig tells the node which axis it is on and how to reach it: a v1
// endpoint and credentials, or its X-Road identity and security server.
func axisConfig(axis platformv1alpha1.DocumentAxisConnection, n *platformv1alpha1.NationalPlatform) map[string]string {
	config := map[string]string{"EDXML_AXIS_VERSION": axis.Version, "EDXML_AXIS_LEVEL": axis.Level}
	if x := axis.XRoad; x != nil {
		config["EDXML_XROAD_SECURITY_SERVER_URL"] = string(x.SecurityServer.URL)
		config["EDXML_XROAD_MEMBER_CLASS"] = x.MemberClass
		config["EDXML_XROAD_MEMBER_CODE"] = x.MemberCode
		config["EDXML_XROAD_SUBSYSTEM_CODE"] = x.SubsystemCode
		return config
	}
	config["EDXML_AXIS_URL"] = string(n.Spec.DocumentAxis.URL)
	if axis.Endpoint != "" {
		config["EDXML_AXIS_URL"] = string(axis.Endpoint)
	}
	config["EDXML_AXIS_CREDENTIALS_DIR"] = axisCredentialsDir
	return config
}

// axisEgress are the addresses the node may reach: its X-Road security
// server on v2; on v1 the provincial axis's addresses, or on the national
// axis the national egress CIDRs and any the node adds.
func axisEgress(axis platformv1alpha1.DocumentAxisConnection, n *platformv1alpha1.NationalPlatform) []networkingv1.NetworkPolicyPeer {
	if x := axis.XRoad; x != nil {
		return CIDRPeers(CIDRs(x.SecurityServer.EgressCIDRs))
	}
	if axis.Level == platformv1alpha1.AxisProvincial {
		return CIDRPeers(CIDRs(axis.EgressCIDRs))
	}
	return CIDRPeers(n.Spec.Network.NationalEgressCIDRs, CIDRs(axis.EgressCIDRs))
}

// DocExchangeAgencies is the node's agencies as a JSON list of {organId,
// name}, the content of the file EDXML_AGENCIES_FILE names. It is a file, not
// an environment variable: the largest list admission allows is far beyond
// what the kernel takes in one variable (128 KiB).
func DocExchangeAgencies(d *platformv1alpha1.DocExchangeNode) string {
	agencies := make([]map[string]string, 0, len(d.Spec.Agencies))
	for _, a := range d.Spec.Agencies {
		agencies = append(agencies, map[string]string{"organId": string(a.OrganID), "name": a.Name})
	}
	return jsonString(agencies)
}

// DocExchangeAgency is the agency a node's signing certificate identifies:
// the agency of spec.agencies with the node's organId, or else the
// province's People's Committee.
func DocExchangeAgency(d *platformv1alpha1.DocExchangeNode, p *platformv1alpha1.ProvincePortal) Agency {
	for _, a := range d.Spec.Agencies {
		if a.OrganID == d.Spec.OrganID {
			return Agency{Name: a.Name, OrganID: a.OrganID}
		}
	}
	return Agency{Name: provinceUnit(p).PeoplesCommittee(), OrganID: d.Spec.OrganID}
}

// SigningCertificate is the node's signing certificate, identifying the
// agency, issued by the provincial SubCA: digital signature and content
// commitment (non-repudiation), or digital signature alone when an external
// signer signs the documents. It authenticates; it is no legal signature.
func SigningCertificate(o Owner, d *platformv1alpha1.DocExchangeNode, p *platformv1alpha1.ProvincePortal) *cmapi.Certificate {
	sig := d.Spec.Signing
	algorithm, size := cmapi.RSAKeyAlgorithm, 3072
	if sig.KeyAlgorithm == "ECDSA" {
		algorithm, size = cmapi.ECDSAKeyAlgorithm, 256
	}
	if sig.KeySize != nil {
		size = int(*sig.KeySize)
	}
	usages := []cmapi.KeyUsage{cmapi.UsageDigitalSignature, cmapi.UsageContentCommitment}
	if sig.External != nil {
		// The external certificate signs documents; this one only authenticates.
		usages = usages[:1]
	}
	c := agencyCertificate(leafCertificate(o, RoleEdxmlSigning, SubCAIssuerRef(p.Name), usages...),
		provinceUnit(p).FullName(), DocExchangeAgency(d, p))
	c.Spec.Duration = &metav1.Duration{Duration: parseDurationOr(sig.Duration, signingDuration)}
	c.Spec.RenewBefore = &metav1.Duration{Duration: parseDurationOr(sig.RenewBefore, signingRenewBefore)}
	c.Spec.PrivateKey = &cmapi.CertificatePrivateKey{Algorithm: algorithm, Size: size, RotationPolicy: cmapi.RotationPolicyAlways}
	return c
}

// parseDurationOr parses a duration admission already checked, or returns def.
func parseDurationOr(s string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(s); err == nil && s != "" {
		return d
	}
	return def
}

// headlessService gives a StatefulSet's pods of component stable names.
func headlessService(o Owner, role, component string) *corev1.Service {
	svc := Service(o, component)
	svc.ObjectMeta = o.Meta(role, component)
	svc.Spec.ClusterIP = corev1.ClusterIPNone
	svc.Spec.PublishNotReadyAddresses = true
	return svc
}

// DocExchangeStack returns every object of a DocExchangeNode, in apply order.
func DocExchangeStack(in DocExchangeInputs) []client.Object {
	d, p, n := in.Node, in.Portal, in.National
	o := DocExchangeOwner(d, p).WithRelease(in.Release)
	portal := PortalOwner(p)
	config := DocExchangeConfig(d, n)
	agencies := map[string]string{AgenciesFile: DocExchangeAgencies(d)}
	// The pods roll when the mounted agencies change, as when the variables do.
	checksummed := maps.Clone(config)
	maps.Copy(checksummed, agencies)

	mounts := []Mount{
		{Name: "signing", Path: TLSMountPath, Secret: DocExchangeKeypairSecret(d)},
		{Name: "trust", Path: TrustBundleMountPath, ConfigMap: portal.Name(RoleTrustBundle)},
		{Name: "agencies", Path: agenciesMountPath, ConfigMap: o.Name(RoleEdxmlAgencies)},
	}
	if ref := d.Spec.AxisCredentials(); ref != nil {
		mounts = append(mounts, Mount{Name: "axis-credentials", Path: axisCredentialsDir, Secret: ref.Name})
	}
	mounts = append(mounts, externalSignerMounts(d.Spec.Signing.External)...)
	if b := d.Spec.OffSiteBackup; b != nil {
		mounts = append(mounts, Mount{Name: "offsite-backup", Path: offSiteBackupCredentialsDir, Secret: b.CredentialsSecretRef.Name})
	}
	var annotations map[string]string
	if d.Spec.Bandwidth != nil && d.Spec.Bandwidth.Egress != nil {
		annotations = map[string]string{EgressBandwidthAnnotation: d.Spec.Bandwidth.Egress.String()}
	}
	w := Workload{
		Component: RoleEdxmlNode, Image: in.Component.Image, Version: in.Component.Version,
		Replicas: 1, Resources: Resources(nil), Mounts: mounts,
		EnvFrom:     []string{portal.Name(RoleInterconnect), o.Name(RoleEdxmlConfig)},
		Checksum:    Checksum(checksumInputs(checksummed, in.PortalConfig.Interconnect, in.PortalConfig.TrustBundle, in.SecretVersions)),
		Annotations: annotations, Serves: true,
		ExtraMounts:  []corev1.VolumeMount{{Name: DocumentsVolume, MountPath: documentsMountPath}},
		DataExchange: in.PortalConfig.Interconnect[DataExchangeGatewayKey],
	}
	statefulSet := RetainedStatefulSet(o, w, 1, o.Name(RoleEdxmlHeadless), ClaimTemplate{
		Name: DocumentsVolume, Size: in.TemplateSize, StorageClassName: d.Spec.Storage.StorageClassName,
	})
	var clients []networkingv1.NetworkPolicyPeer
	if d.Spec.ClientSelector != nil {
		clients = []networkingv1.NetworkPolicyPeer{{PodSelector: d.Spec.ClientSelector.Selector()}}
	}
	return []client.Object{
		ServiceAccount(o, RoleEdxmlNode),
		SigningCertificate(o, d, p),
		ConfigMap(o, RoleEdxmlConfig, config),
		ConfigMap(o, RoleEdxmlAgencies, agencies),
		headlessService(o, RoleEdxmlHeadless, RoleEdxmlNode),
		Service(o, RoleEdxmlNode),
		statefulSet,
		ComponentPolicy(o, RoleEdxmlNode, clients, append(axisEgress(d.Spec.Axis, n), append(externalSignerEgress(d.Spec.Signing.External), offSiteBackupEgress(d.Spec.OffSiteBackup)...)...),
			gatewayEgress(in.Gateway)...),
	}
}

// offSiteBackupEgress are the addresses of the node's off-site backup target.
func offSiteBackupEgress(b *platformv1alpha1.OffSiteBackup) []networkingv1.NetworkPolicyPeer {
	if b == nil {
		return nil
	}
	return CIDRPeers(CIDRs(b.EgressCIDRs))
}
