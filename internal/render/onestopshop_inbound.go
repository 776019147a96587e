package render

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// RoleMotcuaInbound serves the endpoint the national public service portal
// forwards online dossiers to (since 1 July 2025, Công văn 623/TTg-KSTT).
const RoleMotcuaInbound = "motcua-inbound"

// inboundDefaultPath is where the inbound endpoint is served under the
// system's own path when spec.nationalSync.inbound.path is unset.
const inboundDefaultPath = "/api/dvcqg"

// sourceRangeAnnotation makes the ingress controller refuse requests from
// outside the listed networks, before they reach the pods. The network
// policy alone cannot: behind the ingress controller every request comes
// from the controller's pods.
const sourceRangeAnnotation = "nginx.ingress.kubernetes.io/whitelist-source-range"

// InboundPath is where the national portal forwards dossiers on the
// system's host; empty when the system serves no inbound endpoint.
func InboundPath(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal) string {
	in := s.Spec.NationalSync.Inbound
	if in == nil {
		return ""
	}
	if in.Path != "" {
		return in.Path
	}
	_, base := OneStopShopHost(s, p)
	return strings.TrimSuffix(base, "/") + inboundDefaultPath
}

// inboundObjects are the inbound endpoint's pods, Service, Ingress and
// network policy; nil when the system serves none. Only these pods mount
// the credentials the national portal presents, and only the national
// portal's networks, through the ingress controller, reach them.
func inboundObjects(in OneStopShopInputs, web Workload, tlsSecret string) []client.Object {
	s, p, n := in.Shop, in.Portal, in.National
	inbound := s.Spec.NationalSync.Inbound
	if inbound == nil {
		return nil
	}
	o := OneStopShopOwner(s, p)
	host, _ := OneStopShopHost(s, p)
	sources := n.Spec.PublicServicePortal.SourceCIDRs

	w := web
	w.Component = RoleMotcuaInbound
	w.Args = []string{"inbound"}
	w.Mounts = append(append([]Mount(nil), web.Mounts...),
		Mount{Name: "inbound-credentials", Path: CredentialsMountPath + "/inbound", Secret: inbound.CredentialsSecretRef.Name})

	ingress := Ingress(o, RoleMotcuaInbound, ingressClass(p), host, InboundPath(s, p), tlsSecret)
	ingress.Annotations = map[string]string{sourceRangeAnnotation: joinCIDRs(sources)}
	from := append([]networkingv1.NetworkPolicyPeer{Peer(n.Spec.Network.IngressController())}, CIDRPeers(sources)...)

	objs := []client.Object{
		ServiceAccount(o, RoleMotcuaInbound),
		Deployment(o, w),
		Service(o, RoleMotcuaInbound),
		ingress,
		ComponentPolicy(o, RoleMotcuaInbound, from, nil, databaseEgress(s.Spec.Database)...),
	}
	if w.Replicas >= 2 {
		objs = append(objs, PodDisruptionBudget(o, RoleMotcuaInbound))
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

// inboundConfig tells every pod of the system where forwarded dossiers arrive.
func inboundConfig(s *platformv1alpha1.OneStopShop, p *platformv1alpha1.ProvincePortal, data map[string]string) {
	path := InboundPath(s, p)
	data["MOTCUA_INBOUND_ENABLED"] = boolString(path != "")
	if path != "" {
		data["MOTCUA_INBOUND_PATH"] = path
		data["MOTCUA_INBOUND_CREDENTIALS_DIR"] = CredentialsMountPath + "/inbound"
	}
}
