package render

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func findObject[T client.Object](objs []client.Object, name string) T {
	var zero T
	for _, o := range objs {
		if t, ok := o.(T); ok && o.GetName() == name {
			return t
		}
	}
	return zero
}

func mountsSecret(d *appsv1.Deployment, secret string) bool {
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == secret {
			return true
		}
	}
	return false
}

// Dossiers the national portal forwards arrive at a path of their own, at
// pods of their own that alone mount the credentials the national portal
// presents, and only from the national portal's networks.
func TestInboundEndpointAdmitsOnlyTheNationalPortal(t *testing.T) {
	in := testShopInputs(false)
	objs := OneStopShopStack(in)
	o := OneStopShopOwner(in.Shop, in.Portal)

	ing := findObject[*networkingv1.Ingress](objs, o.Name(RoleMotcuaInbound))
	if ing == nil {
		t.Fatal("no inbound Ingress rendered")
	}
	if path := ing.Spec.Rules[0].HTTP.Paths[0].Path; path != "/motcua/api/dvcqg" {
		t.Errorf("inbound path %q, want /motcua/api/dvcqg", path)
	}
	if got := ing.Annotations[sourceRangeAnnotation]; got != "192.0.2.0/24" {
		t.Errorf("source range %q, want the national portal's 192.0.2.0/24", got)
	}

	np := findObject[*networkingv1.NetworkPolicy](objs, o.Name(RoleMotcuaInbound))
	if np == nil {
		t.Fatal("no inbound NetworkPolicy rendered")
	}
	from := np.Spec.Ingress[0].From
	if len(np.Spec.Ingress) != 1 || len(from) != 2 || from[0].NamespaceSelector == nil || from[1].IPBlock == nil || from[1].IPBlock.CIDR != "192.0.2.0/24" {
		t.Errorf("inbound policy admits %+v, want the ingress controller and 192.0.2.0/24 only", np.Spec.Ingress)
	}

	mountsCredentials := func(role string) bool {
		return mountsSecret(findObject[*appsv1.Deployment](objs, o.Name(role)), "dvcqg-inbound-credentials")
	}
	if !mountsCredentials(RoleMotcuaInbound) || mountsCredentials(RoleMotcuaWeb) || mountsCredentials(RoleMotcuaWorker) {
		t.Error("only the inbound pods may mount the national portal's credentials")
	}

	in.Shop.Spec.NationalSync.Inbound.Path = "/nhan-ho-so"
	if got := findObject[*networkingv1.Ingress](OneStopShopStack(in), o.Name(RoleMotcuaInbound)).Spec.Rules[0].HTTP.Paths[0].Path; got != "/nhan-ho-so" {
		t.Errorf("inbound path %q, want spec.nationalSync.inbound.path", got)
	}
	in.Shop.Spec.NationalSync.Inbound = nil
	if findObject[*appsv1.Deployment](OneStopShopStack(in), o.Name(RoleMotcuaInbound)) != nil {
		t.Error("inbound pods rendered without spec.nationalSync.inbound")
	}
}

// The postal service reports deliveries at an endpoint of its own, open only
// to the postal service's networks, whose pods alone hold its credentials;
// the system learns which ways the service works and who pays.
func TestPostalCallbackAdmitsOnlyThePostalService(t *testing.T) {
	in := testShopInputs(true)
	objs := OneStopShopStack(in)
	o := OneStopShopOwner(in.Shop, in.Portal)
	ing := findObject[*networkingv1.Ingress](objs, o.Name(RoleMotcuaPostalCallback))
	if ing == nil {
		t.Fatal("no postal callback Ingress rendered")
	}
	if path := ing.Spec.Rules[0].HTTP.Paths[0].Path; path != "/api/vnpost" {
		t.Errorf("callback path %q, want /api/vnpost on the system's own host", path)
	}
	if got := ing.Annotations[sourceRangeAnnotation]; got != "203.0.113.128/25" {
		t.Errorf("source range %q, want the postal service's 203.0.113.128/25", got)
	}
	np := findObject[*networkingv1.NetworkPolicy](objs, o.Name(RoleMotcuaPostalCallback))
	if from := np.Spec.Ingress[0].From; len(from) != 2 || from[1].IPBlock.CIDR != "203.0.113.128/25" {
		t.Errorf("callback policy admits %+v", from)
	}
	for _, role := range []string{RoleMotcuaPostalCallback, RoleMotcuaWeb, RoleMotcuaWorker, RoleMotcuaInbound} {
		if mounts := mountsSecret(findObject[*appsv1.Deployment](objs, o.Name(role)), "vnpost-callback"); mounts != (role == RoleMotcuaPostalCallback) {
			t.Errorf("%s mounts the postal service's credentials: %v; only the callback pods may", role, mounts)
		}
	}

	config := OneStopShopConfig(in.Shop, in.Portal, in.National)
	if config["MOTCUA_POSTAL_CALLBACK_ENABLED"] != "true" || config["MOTCUA_POSTAL_COLLECTION_ENABLED"] != "true" ||
		config["MOTCUA_POSTAL_POSTAGE_PAYER"] != "Citizen" || config["MOTCUA_POSTAL_COLLECT_PROCEDURE_FEES"] != "true" {
		t.Errorf("postal settings %v", config)
	}
	if units := OneStopShopUnits(in.Shop); !strings.Contains(units, `"postalCustomerCode":"HTH0001"`) {
		t.Errorf("units file %s lacks the desk's postal customer code", units)
	}

	in.Shop.Spec.PostalDelivery.Enabled = false
	if findObject[*appsv1.Deployment](OneStopShopStack(in), o.Name(RoleMotcuaPostalCallback)) != nil {
		t.Error("postal callback pods rendered with the postal service off")
	}
}
