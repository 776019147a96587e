package render

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// acmeSolverPort is where cert-manager's HTTP-01 solver pods listen.
const acmeSolverPort = 8089

var networkPolicyType = typeMeta("networking.k8s.io/v1", "NetworkPolicy")

func port(protocol corev1.Protocol, n int32) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: ptr.To(protocol), Port: ptr.To(intstr.FromInt32(n))}
}

// Peer turns an API peer selector into a network policy peer.
func Peer(p platformv1alpha1.PeerSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: p.NamespaceSelector.Selector(), PodSelector: p.PodSelector.Selector()}
}

// CIDRPeers turns CIDRs into network policy peers.
func CIDRPeers(cidrs ...[]platformv1alpha1.CIDR) []networkingv1.NetworkPolicyPeer {
	var peers []networkingv1.NetworkPolicyPeer
	for _, list := range cidrs {
		for _, c := range list {
			peers = append(peers, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: string(c)}})
		}
	}
	return peers
}

// CIDRs lists a province's peer networks as networks.
func CIDRs(peers []platformv1alpha1.PeerCIDR) []platformv1alpha1.CIDR {
	cidrs := make([]platformv1alpha1.CIDR, len(peers))
	for i, p := range peers {
		cidrs[i] = platformv1alpha1.CIDR(p)
	}
	return cidrs
}

// DefaultDenyPolicy denies all traffic to and from every pod of the
// namespace; the other policies add the exact allowances the stack needs.
func DefaultDenyPolicy(o Owner) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		TypeMeta:   networkPolicyType,
		ObjectMeta: o.Meta("default-deny", "network"),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
}

// DNSPolicy lets every pod of the namespace query the cluster DNS.
func DNSPolicy(o Owner, dns platformv1alpha1.PeerSelector) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		TypeMeta:   networkPolicyType,
		ObjectMeta: o.Meta("allow-dns", "network"),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{Peer(dns)},
				Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolUDP, 53), port(corev1.ProtocolTCP, 53)},
			}},
		},
	}
}

// ComponentPolicy lets a component's pods be reached from the given peers
// on the http port, and reach the given egress peers on 443 (plus extra
// egress rules, e.g. to a database).
func ComponentPolicy(o Owner, component string, from []networkingv1.NetworkPolicyPeer, to []networkingv1.NetworkPolicyPeer, extraEgress ...networkingv1.NetworkPolicyEgressRule) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   networkPolicyType,
		ObjectMeta: o.Meta(component, component),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: *metaSelector(o.SelectorLabels(component)),
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
	if len(from) > 0 {
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: from, Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, httpPort)}}}
	}
	if len(to) > 0 {
		np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: to, Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, 443)}})
	}
	np.Spec.Egress = append(np.Spec.Egress, extraEgress...)
	return np
}

// ACMESolverPolicy lets the ingress controller reach cert-manager's HTTP-01
// solver pods, which a public ACME issuer starts in the namespace.
func ACMESolverPolicy(o Owner, ingressController platformv1alpha1.PeerSelector) *networkingv1.NetworkPolicy {
	return admitPolicy(o, "acme-solver", map[string]string{"acme.cert-manager.io/http01-solver": "true"}, ingressController, acmeSolverPort)
}

// admitPolicy lets the peers of from reach the pods labelled pods on one
// TCP port; it restricts no egress.
func admitPolicy(o Owner, role string, pods map[string]string, from platformv1alpha1.PeerSelector, tcpPort int32) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		TypeMeta:   networkPolicyType,
		ObjectMeta: o.Meta(role, "network"),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: *metaSelector(pods),
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{Peer(from)},
				Ports: []networkingv1.NetworkPolicyPort{port(corev1.ProtocolTCP, tcpPort)},
			}},
		},
	}
}
