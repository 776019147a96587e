package render

import (
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// testXRoadNodeInputs is the test node on a v2 (X-Road) provincial axis.
func testXRoadNodeInputs() DocExchangeInputs {
	in := testNodeInputs()
	in.Node.Spec.Axis = platformv1alpha1.DocumentAxisConnection{
		Version: platformv1alpha1.AxisV2, Level: platformv1alpha1.AxisProvincial,
		XRoad: &platformv1alpha1.XRoadClient{
			SecurityServer: platformv1alpha1.XRoadSecurityServer{URL: "https://ss.hatinh.gov.vn", EgressCIDRs: []platformv1alpha1.PeerCIDR{"10.30.0.10/32"}},
			MemberClass:    "GOV", MemberCode: "000.00.00.H30", SubsystemCode: "edxml",
		},
	}
	in.SecretVersions = nil
	return in
}

func TestDocExchangeXRoadStackGolden(t *testing.T) {
	checkGolden(t, "docexchangenode-xroad", DocExchangeStack(testXRoadNodeInputs()))
}

func TestDocExchangeNodeReachesOnlyItsAxis(t *testing.T) {
	provincialV1 := testNodeInputs()
	provincialV1.Node.Spec.Axis.Level = platformv1alpha1.AxisProvincial
	provincialV1.Node.Spec.Axis.Endpoint = "https://truc.hatinh.gov.vn"
	provincialV1.Node.Spec.Axis.EgressCIDRs = []platformv1alpha1.PeerCIDR{"10.30.0.20/32"}
	cases := map[string]struct {
		in   DocExchangeInputs
		want []string
		url  string
	}{
		"v1 national":   {in: testNodeInputs(), want: []string{"198.51.100.0/24", "2001:db8:100::/48"}, url: "https://truclienthong.chinhphu.vn"},
		"v1 provincial": {in: provincialV1, want: []string{"10.30.0.20/32"}, url: "https://truc.hatinh.gov.vn"},
		"v2":            {in: testXRoadNodeInputs(), want: []string{"10.30.0.10/32"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var policy *networkingv1.NetworkPolicy
			for _, o := range DocExchangeStack(c.in) {
				if np, ok := o.(*networkingv1.NetworkPolicy); ok {
					policy = np
				}
			}
			var got []string
			for _, rule := range policy.Spec.Egress {
				for _, peer := range rule.To {
					if peer.IPBlock != nil {
						got = append(got, peer.IPBlock.CIDR)
					}
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("egress to %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("egress to %v, want %v", got, c.want)
				}
			}
			if url := DocExchangeConfig(c.in.Node, c.in.National)["EDXML_AXIS_URL"]; url != c.url {
				t.Errorf("EDXML_AXIS_URL = %q, want %q", url, c.url)
			}
		})
	}
}

func TestDeprecatedAxisCredentialsAreStillMounted(t *testing.T) {
	in := testNodeInputs()
	in.Node.Spec.AxisCredentialsSecretRef = in.Node.Spec.Axis.CredentialsSecretRef
	in.Node.Spec.Axis.CredentialsSecretRef = nil
	if refs := DocExchangeSecretRefs(in.Node.Spec); len(refs) != 1 || refs[0] != "axis-credentials" {
		t.Errorf("the node uses Secrets %v, want [axis-credentials]", refs)
	}
	checkGolden(t, "docexchangenode", DocExchangeStack(in))
}

func TestDocExchangePKCS11SignerStackGolden(t *testing.T) {
	in := testNodeInputs()
	in.Node.Spec.Signing.External = &platformv1alpha1.ExternalSigner{
		PKCS11: &platformv1alpha1.PKCS11Signer{ModulePath: "/usr/lib/pkcs11/libhsm.so", TokenLabel: "edxml-hatinh",
			PINSecretRef: platformv1alpha1.SecretKeyReference{Name: "hsm", Key: "pin"}},
		CertificateSecretRef: platformv1alpha1.SecretKeyReference{Name: "hsm", Key: "certificate.pem"},
		EgressCIDRs:          []platformv1alpha1.PeerCIDR{"10.30.0.30/32"},
	}
	in.SecretVersions["hsm"] = "302"
	if refs := DocExchangeSecretRefs(in.Node.Spec); !slices.Equal(refs, []string{"axis-credentials", "hsm"}) {
		t.Errorf("the node uses Secrets %v, want [axis-credentials hsm]", refs)
	}
	checkGolden(t, "docexchangenode-pkcs11", DocExchangeStack(in))
}
