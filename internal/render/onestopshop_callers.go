package render

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Roles of the endpoints outside callers reach a one-stop-shop at.
const (
	// RoleMotcuaInbound receives the dossiers the national public service
	// portal forwards (since 1 July 2025, Công văn 623/TTg-KSTT).
	RoleMotcuaInbound = "motcua-inbound"
	// RoleMotcuaPostalCallback receives the postal service's delivery reports
	// (QĐ 45/2016/QĐ-TTg), which make a dossier status 10, result returned.
	RoleMotcuaPostalCallback = "motcua-postal-callback"
)

// sourceRangeAnnotation makes the ingress controller refuse requests from
// outside the listed networks, before they reach the pods. The network
// policy alone cannot: behind the ingress controller every request comes
// from the controller's pods.
const sourceRangeAnnotation = "nginx.ingress.kubernetes.io/whitelist-source-range"

// CallerEndpoint is an endpoint of a one-stop-shop that one outside caller
// calls: served by pods of its own, which alone mount the caller's
// credentials, and open only to the caller's networks.
type CallerEndpoint struct {
	// Role names the endpoint's children.
	Role string
	// Field is the spec field that asks for the endpoint, for messages.
	Field string
	// Path is where it is served on the system's host.
	Path string
	// CredentialsSecret holds what the caller presents (clientID, clientSecret).
	CredentialsSecret string
	// Sources are the caller's networks, and SourcesField the
	// NationalPlatform field that names them.
	Sources      []platformv1alpha1.CIDR
	SourcesField string
	// configPrefix starts the endpoint's variables in the system's ConfigMap.
	configPrefix string
}

// credentialsDir is where the endpoint's pods mount the caller's credentials.
func (e CallerEndpoint) credentialsDir() string {
	return CredentialsMountPath + "/" + strings.TrimPrefix(e.Role, "motcua-")
}

// CallerEndpoints are the endpoints a OneStopShop serves outside callers.
func CallerEndpoints(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal, n *platformv1alpha1.NationalPlatform) []CallerEndpoint {
	_, base := OneStopShopHost(s, p)
	base = strings.TrimSuffix(base, "/")
	pathOr := func(path, fallback string) string {
		if path != "" {
			return path
		}
		return base + fallback
	}
	var endpoints []CallerEndpoint
	if in := s.Spec.NationalSync.Inbound; in != nil {
		endpoints = append(endpoints, CallerEndpoint{
			Role: RoleMotcuaInbound, Field: "spec.nationalSync.inbound", Path: pathOr(in.Path, "/api/dvcqg"),
			CredentialsSecret: in.CredentialsSecretRef.Name, configPrefix: "MOTCUA_INBOUND",
			Sources: n.Spec.PublicServicePortal.SourceCIDRs, SourcesField: "spec.publicServicePortal.sourceCIDRs",
		})
	}
	if pd := s.Spec.PostalDelivery; pd != nil && pd.Enabled && pd.Callback != nil {
		var sources []platformv1alpha1.CIDR
		if n.Spec.Postal != nil {
			sources = n.Spec.Postal.SourceCIDRs
		}
		endpoints = append(endpoints, CallerEndpoint{
			Role: RoleMotcuaPostalCallback, Field: "spec.postalDelivery.callback", Path: pathOr(pd.Callback.Path, "/api/vnpost"),
			CredentialsSecret: pd.Callback.CredentialsSecretRef.Name, configPrefix: "MOTCUA_POSTAL_CALLBACK",
			Sources: sources, SourcesField: "spec.postal.sourceCIDRs",
		})
	}
	return endpoints
}

// callerEndpointObjects are an endpoint's pods, Service, Ingress and
// network policy: the web workload in the endpoint's mode, plus the
// caller's credentials.
func callerEndpointObjects(o Owner, e CallerEndpoint, web Workload, className, host, tlsSecret string, ingressController platformv1alpha1.PeerSelector, database []networkingv1.NetworkPolicyEgressRule) []client.Object {
	w := web
	w.Component = e.Role
	w.Args = []string{strings.TrimPrefix(e.Role, "motcua-")}
	w.Mounts = append(append([]Mount(nil), web.Mounts...),
		Mount{Name: "caller-credentials", Path: e.credentialsDir(), Secret: e.CredentialsSecret})

	ingress := Ingress(o, e.Role, className, host, e.Path, tlsSecret)
	ingress.Annotations = map[string]string{sourceRangeAnnotation: joinCIDRs(e.Sources)}
	from := append([]networkingv1.NetworkPolicyPeer{Peer(ingressController)}, CIDRPeers(e.Sources)...)

	objs := []client.Object{
		ServiceAccount(o, e.Role),
		Deployment(o, w),
		Service(o, e.Role),
		ingress,
		ComponentPolicy(o, e.Role, from, nil, database...),
	}
	if w.Replicas >= 2 {
		objs = append(objs, PodDisruptionBudget(o, e.Role))
	}
	return objs
}

func joinCIDRs(cidrs []platformv1alpha1.CIDR) string {
	parts := make([]string, len(cidrs))
	for i, c := range cidrs {
		parts[i] = string(c)
	}
	return strings.Join(parts, ",")
}

// callerEndpointConfig tells every pod of the system where its callers arrive.
func callerEndpointConfig(endpoints []CallerEndpoint, data map[string]string) {
	enabled := map[string]bool{}
	for _, e := range endpoints {
		enabled[e.configPrefix] = true
		data[e.configPrefix+"_PATH"] = e.Path
		data[e.configPrefix+"_CREDENTIALS_DIR"] = e.credentialsDir()
	}
	for _, prefix := range []string{"MOTCUA_INBOUND", "MOTCUA_POSTAL_CALLBACK"} {
		data[prefix+"_ENABLED"] = boolString(enabled[prefix])
	}
}
