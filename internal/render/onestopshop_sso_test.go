package render

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// Only the web pods hold the login clients' secrets and reach the identity
// providers: the national systems for citizens, the officials' provider's
// networks; the pods outside callers reach hold neither.
func TestOnlyTheWebPodsLogUsersIn(t *testing.T) {
	in := testShopInputs(false)
	objs := OneStopShopStack(in)
	o := OneStopShopOwner(in.Shop, in.Portal)
	for _, role := range []string{RoleMotcuaWeb, RoleMotcuaWorker, RoleMotcuaInbound, RoleMotcuaPostalCallback} {
		d := findObject[*appsv1.Deployment](objs, o.Name(role))
		for _, secret := range []string{"sso-citizen", "sso-officials"} {
			if mountsSecret(d, secret) != (role == RoleMotcuaWeb) {
				t.Errorf("%s mounts %s: %v; only the web pods may", role, secret, mountsSecret(d, secret))
			}
		}
	}
	np := findObject[*networkingv1.NetworkPolicy](objs, o.Name(RoleMotcuaWeb))
	var to []string
	for _, peer := range np.Spec.Egress[0].To {
		to = append(to, peer.IPBlock.CIDR)
	}
	if strings.Join(to, ",") != "198.51.100.0/24,2001:db8:100::/48,10.30.0.0/24" || np.Spec.Egress[0].Ports[0].Port.IntValue() != 443 {
		t.Errorf("web egress %+v, want the national networks and the officials' provider on 443", np.Spec.Egress[0])
	}
	want := `{"citizen":{"issuerURL":"https://xacthuc.dichvucong.gov.vn","clientID":"motcua-hatinh","clientSecretDir":"/etc/egov/credentials/sso-citizen",` +
		`"redirectURIs":["https://dichvucong.hatinh.gov.vn/motcua/sso/callback"],"postLogoutRedirectURIs":["https://dichvucong.hatinh.gov.vn/motcua/"],` +
		`"acrValues":"level2"},"officials":{"issuerURL":"https://sso.hatinh.gov.vn/realms/canbo","clientID":"motcua","clientSecretDir":"/etc/egov/credentials/sso-officials"}}`
	if got := OneStopShopSSO(in.Shop, in.National); got != want {
		t.Errorf("SSO settings\n%s\nwant\n%s", got, want)
	}
}
