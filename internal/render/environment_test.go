package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/testenv"
)

// Kernel limits on what a container's process starts with: the kernel
// refuses one "NAME=value" string over MAX_ARG_STRLEN (32 pages, 128 KiB),
// and the whole environment and arguments over ARG_MAX (a quarter of the
// stack limit: 2 MiB with the usual 8 MiB). The stack stays well under both:
// an eighth of the first for any variable, a sixteenth of the second in all.
const (
	maxEnvVar   = (128 << 10) / 8
	maxEnvTotal = (2 << 20) / 16
	// maxConfigMap is what a ConfigMap may hold.
	maxConfigMap = 1 << 20
)

// crdSchema returns the schema at path in a CRD of config/crd/bases; "[]"
// steps into the items of a list.
func crdSchema(t *testing.T, plural string, path ...string) apiextensionsv1.JSONSchemaProps {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "crd", "bases", "platform.egov.vn_"+plural+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	schema := *crd.Spec.Versions[0].Schema.OpenAPIV3Schema
	for _, step := range path {
		if step == "[]" {
			schema = *schema.Items.Schema
		} else {
			schema = schema.Properties[step]
		}
	}
	return schema
}

// longest returns a string of the schema's maxLength characters, each the
// rune given: admission counts characters, the kernel bytes.
func longest(t *testing.T, schema apiextensionsv1.JSONSchemaProps, prefix string, r rune) string {
	t.Helper()
	if schema.MaxLength == nil {
		t.Fatalf("%s has no maxLength", schema.Description)
	}
	return prefix + strings.Repeat(string(r), int(*schema.MaxLength)-len([]rune(prefix)))
}

// worstCaseStacks renders the three stacks with every string the
// environment carries as long as admission allows, in the widest UTF-8
// characters (4 bytes), and the largest agency list, whose names are of the
// characters JSON escapes to 6 bytes.
func worstCaseStacks(t *testing.T) []client.Object {
	const wide, escaped = '\U0001F4DC', '<'
	url := longest(t, crdSchema(t, "nationalplatforms", "spec", "publicServicePortal", "url"), "https://a.gov.vn/", wide)
	portal, shop, node := testPortalInputs(3), testShopInputs(true), testNodeInputs()
	for _, n := range []*platformv1alpha1.NationalPlatform{portal.National, shop.National, node.National} {
		u := platformv1alpha1.HTTPSURL(url)
		n.Spec.PublicServicePortal = platformv1alpha1.PublicServicePortal{URL: u, AuthURL: u, SyncURL: u, ProgressURL: u, CatalogueURL: u, SSOIssuerURL: u,
			SourceCIDRs: n.Spec.PublicServicePortal.SourceCIDRs}
		n.Spec.Monitoring = &platformv1alpha1.NationalMonitoring{EMC: &platformv1alpha1.EMC{TrackingURL: u, EventsURL: u}}
		n.Spec.DataExchange = platformv1alpha1.DataExchange{GatewayURL: platformv1alpha1.HTTPSURL(url), TokenURL: platformv1alpha1.HTTPSURL(url)}
		n.Spec.DocumentAxis.URL = platformv1alpha1.HTTPSURL(url)
		n.Spec.Postal.URL = platformv1alpha1.HTTPSURL(url)
	}
	spec := func(path ...string) apiextensionsv1.JSONSchemaProps {
		return crdSchema(t, "provinceportals", append([]string{"spec"}, path...)...)
	}
	for _, p := range []*platformv1alpha1.ProvincePortal{portal.Portal, shop.Portal, node.Portal} {
		p.Spec.Domain = platformv1alpha1.DNSName(longest(t, spec("domain"), "", 'a'))
		p.Spec.SSO.ClientID = longest(t, spec("sso", "clientID"), "", wide)
		p.Spec.Monitoring.EMCSiteID = platformv1alpha1.EMCSiteID(longest(t, spec("monitoring", "emcSiteID"), "", '9'))
	}
	shopSpec := func(path ...string) apiextensionsv1.JSONSchemaProps {
		return crdSchema(t, "onestopshops", append([]string{"spec"}, path...)...)
	}
	shop.Shop.Spec.NationalSync.Interval = longest(t, shopSpec("nationalSync", "interval"), "", '9')
	shop.Shop.Spec.NationalSync.Inbound.Path = longest(t, shopSpec("nationalSync", "inbound", "path"), "/", 'a')
	shop.Shop.Spec.PostalDelivery.Callback.Path = longest(t, shopSpec("postalDelivery", "callback", "path"), "/", 'a')
	shop.Shop.Spec.Monitoring.EMCSiteID = platformv1alpha1.EMCSiteID(longest(t, shopSpec("monitoring", "emcSiteID"), "", '9'))
	citizen := shop.Shop.Spec.SSO.Citizen
	redirect := shopSpec("sso", "citizen", "redirectURIs")
	uri := platformv1alpha1.RedirectURI(longest(t, *redirect.Items.Schema, "https://a.gov.vn/", wide))
	citizen.RedirectURIs = make([]platformv1alpha1.RedirectURI, *redirect.MaxItems)
	citizen.PostLogoutRedirectURIs = make([]platformv1alpha1.RedirectURI, *redirect.MaxItems)
	for i := range citizen.RedirectURIs {
		citizen.RedirectURIs[i], citizen.PostLogoutRedirectURIs[i] = uri, uri
	}
	citizen.ClientID = longest(t, shopSpec("sso", "citizen", "clientID"), "", wide)
	citizen.ACRValues = longest(t, shopSpec("sso", "citizen", "acrValues"), "", '~')
	shop.Shop.Spec.SSO.Officials.ClientID = longest(t, shopSpec("sso", "officials", "clientID"), "", wide)
	shop.Shop.Spec.SSO.Officials.IssuerURL = platformv1alpha1.HTTPSURL(url)
	units := shopSpec("units")
	unitName := longest(t, units.Items.Schema.Properties["name"], "", escaped)
	postalCode := longest(t, units.Items.Schema.Properties["postalCustomerCode"], "", 'x')
	shop.Shop.Spec.Units = make([]platformv1alpha1.ReceivingUnit, *units.MaxItems)
	for i := range shop.Shop.Spec.Units {
		code := longest(t, units.Items.Schema.Properties["code"], fmt.Sprint(i), 'x')
		shop.Shop.Spec.Units[i] = platformv1alpha1.ReceivingUnit{Code: code, Name: unitName, PostalCustomerCode: postalCode}
	}

	agencies := crdSchema(t, "docexchangenodes", "spec", "agencies")
	name := longest(t, agencies.Items.Schema.Properties["name"], "", escaped)
	node.Node.Spec.Agencies = make([]platformv1alpha1.Agency, *agencies.MaxItems)
	for i := range node.Node.Spec.Agencies {
		node.Node.Spec.Agencies[i] = platformv1alpha1.Agency{OrganID: "000.00.00.H27", Name: name}
	}
	var objs []client.Object
	objs = append(objs, PortalStack(portal)...)
	objs = append(objs, OneStopShopStack(shop)...)
	return append(objs, DocExchangeStack(node)...)
}

// The environment every container starts with stays well under the kernel's
// limits, and every ConfigMap within what a ConfigMap may hold, for the
// largest input admission allows: the agencies of a node, which would not
// fit one variable, are a mounted file.
func TestEnvironmentStaysWellUnderKernelLimits(t *testing.T) {
	objs := worstCaseStacks(t)
	configMaps := map[string]*corev1.ConfigMap{}
	for _, obj := range objs {
		if cm, ok := obj.(*corev1.ConfigMap); ok {
			configMaps[cm.Name] = cm
			size := 0
			for k, v := range cm.Data {
				size += len(k) + len(v)
			}
			if size > maxConfigMap {
				t.Errorf("ConfigMap %s holds %d bytes, over %d", cm.Name, size, maxConfigMap)
			}
		}
	}
	containers := 0
	for _, obj := range objs {
		var pod corev1.PodSpec
		switch w := obj.(type) {
		case *appsv1.Deployment:
			pod = w.Spec.Template.Spec
		case *appsv1.StatefulSet:
			pod = w.Spec.Template.Spec
		default:
			continue
		}
		for _, c := range pod.Containers {
			containers++
			env := map[string]string{}
			for _, from := range c.EnvFrom {
				cm, ok := configMaps[from.ConfigMapRef.Name]
				if !ok {
					t.Fatalf("%s imports ConfigMap %s, not rendered", Describe(obj), from.ConfigMapRef.Name)
				}
				for k, v := range cm.Data {
					env[k] = v
				}
			}
			// Values from the user's own Secrets (valueFrom) are theirs to size.
			for _, e := range c.Env {
				env[e.Name] = e.Value
			}
			total := 0
			for k, v := range env {
				size := len(k) + 1 + len(v) + 1
				total += size
				if size > maxEnvVar {
					t.Errorf("%s: %s takes %d bytes, over %d", Describe(obj), k, size, maxEnvVar)
				}
			}
			if total > maxEnvTotal {
				t.Errorf("%s: the environment takes %d bytes, over %d", Describe(obj), total, maxEnvTotal)
			}
			t.Logf("%s: %d variables, %d bytes at most", Describe(obj), len(env), total)
		}
	}
	if containers != 6 {
		t.Errorf("checked %d containers, want the portal, web, worker, inbound, postal callback and node", containers)
	}
}
