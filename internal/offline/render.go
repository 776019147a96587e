package offline

import (
	"fmt"
	"strconv"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/inputs"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/trust"
)

// Filter selects the stacks to render; empty fields select every one.
type Filter struct {
	// Province is a province code.
	Province string
	// Environment is a ProvincePortal's environment, e.g. production.
	Environment string
}

// Render returns the children the operator would apply for every
// ProvincePortal the filter selects and the OneStopShops and
// DocExchangeNodes that follow it, with releases and trusted roots checked
// at now. What only a cluster knows is taken as ready and unchanged: the
// issuers exist and issue, each Certificate was issued once (revision 1),
// storage claims have their spec.storage.size. A Secret missing from the
// manifests is left out of the pods' checksum.
func (m *Manifests) Render(f Filter, now time.Time) ([]client.Object, error) {
	if m.National == nil {
		return nil, fmt.Errorf("no NationalPlatform in the manifests: give the file that holds it")
	}
	if err := m.checkPortalRefs(); err != nil {
		return nil, err
	}
	var children []client.Object
	for _, p := range m.Portals {
		if (f.Province != "" && string(p.Spec.Province.Code) != f.Province) || (f.Environment != "" && p.Spec.Environment != f.Environment) {
			continue
		}
		stack, err := m.stackOf(p, now)
		if err != nil {
			return nil, err
		}
		children = append(children, stack...)
	}
	return children, nil
}

// checkPortalRefs refuses a OneStopShop or DocExchangeNode whose portal is
// not in the manifests: the operator would apply nothing for it.
func (m *Manifests) checkPortalRefs() error {
	portals := map[types.NamespacedName]bool{}
	for _, p := range m.Portals {
		portals[types.NamespacedName{Namespace: p.Namespace, Name: p.Name}] = true
	}
	check := func(kind string, obj client.Object, ref platformv1alpha1.LocalObjectReference) error {
		if !portals[types.NamespacedName{Namespace: obj.GetNamespace(), Name: ref.Name}] {
			return fmt.Errorf("%s %s/%s follows ProvincePortal %s, which is not in the manifests: give the file that holds it",
				kind, obj.GetNamespace(), obj.GetName(), ref.Name)
		}
		return nil
	}
	for _, s := range m.Shops {
		if err := check("OneStopShop", s, s.Spec.PortalRef); err != nil {
			return err
		}
	}
	for _, d := range m.Nodes {
		if err := check("DocExchangeNode", d, d.Spec.PortalRef); err != nil {
			return err
		}
	}
	for _, i := range m.Integrations {
		if err := check("IntegrationPlatform", i, i.Spec.PortalRef); err != nil {
			return err
		}
	}
	return nil
}

// stackOf renders a portal and the objects that follow it.
func (m *Manifests) stackOf(p *platformv1alpha1.ProvincePortal, now time.Time) ([]client.Object, error) {
	portal, err := m.portalInputs(p, now)
	if err != nil {
		return nil, fmt.Errorf("ProvincePortal %s/%s: %w", p.Namespace, p.Name, err)
	}
	stack := m.issued(portal.SecretVersions, func() []client.Object { return render.PortalStack(portal) })
	config := publishedConfig(p, stack)
	for _, s := range m.Shops {
		if s.Namespace != p.Namespace || s.Spec.PortalRef.Name != p.Name {
			continue
		}
		in, err := m.shopInputs(s, portal, config, now)
		if err != nil {
			return nil, fmt.Errorf("OneStopShop %s/%s: %w", s.Namespace, s.Name, err)
		}
		stack = append(stack, m.issued(in.SecretVersions, func() []client.Object { return render.OneStopShopStack(in) })...)
	}
	for _, d := range m.Nodes {
		if d.Namespace != p.Namespace || d.Spec.PortalRef.Name != p.Name {
			continue
		}
		in, err := m.nodeInputs(d, portal, config, now)
		if err != nil {
			return nil, fmt.Errorf("DocExchangeNode %s/%s: %w", d.Namespace, d.Name, err)
		}
		stack = append(stack, m.issued(in.SecretVersions, func() []client.Object { return render.DocExchangeStack(in) })...)
	}
	for _, i := range m.Integrations {
		if i.Namespace != p.Namespace || i.Spec.PortalRef.Name != p.Name {
			continue
		}
		in, err := m.integrationInputs(i, portal, config, now)
		if err != nil {
			return nil, fmt.Errorf("IntegrationPlatform %s/%s: %w", i.Namespace, i.Name, err)
		}
		stack = append(stack, m.issued(in.SecretVersions, func() []client.Object { return render.IntegrationStack(in) })...)
	}
	return stack, nil
}

// gateway is the namespace's IntegrationPlatform, its gateway taken as
// serving like every other input only a live cluster knows: the operator
// creates the stack's workloads once it serves, routed through it. The first
// by name, as the reconcilers choose among several.
func (m *Manifests) gateway(namespace string) *platformv1alpha1.IntegrationPlatform {
	for _, i := range m.Integrations {
		if i.Namespace == namespace && i.DeletionTimestamp.IsZero() {
			serving := i.DeepCopy()
			serving.Status.GatewayURL = render.GatewayURL(i)
			return serving
		}
	}
	return nil
}

func (m *Manifests) portalInputs(p *platformv1alpha1.ProvincePortal, now time.Time) (render.PortalInputs, error) {
	n := m.National
	gateway := m.gateway(p.Namespace)
	code := p.Spec.Province.Code
	domains := inputs.Domains(m.Provinces[code], code)
	if err := inputs.CheckHost(domains, "spec.domain", string(p.Spec.Domain), code); err != nil {
		return render.PortalInputs{}, err
	}
	release, component, err := m.release(p, platformv1alpha1.ComponentPortal, now)
	if err != nil {
		return render.PortalInputs{}, err
	}
	versions := map[string]string{}
	if ref := p.Spec.NationalCredentialsSecretRef; ref != nil && gateway == nil {
		if err := m.addSecretVersion(versions, p.Namespace, ref.Name, inputs.NationalCredentialKeys...); err != nil {
			return render.PortalInputs{}, err
		}
	}
	if p.Spec.SSO != nil && p.Spec.SSO.ClientSecretRef != nil {
		if err := m.addSecretVersion(versions, p.Namespace, p.Spec.SSO.ClientSecretRef.Name, inputs.SSOKeys...); err != nil {
			return render.PortalInputs{}, err
		}
	}
	// The release's collector, as the reconciler resolves it: none is no error.
	var collector *platformv1alpha1.Component
	if c, ok := render.FindComponent(m.Releases[release], platformv1alpha1.ComponentCollector); ok {
		collector = &c
	}
	var publicIssuer *cmapi.IssuerSpec
	if ref := render.PublicIssuerRef(p); ref != nil {
		publicIssuer = m.Issuers[issuerKey(ref.Kind, p.Namespace, ref.Name)]
	}
	return render.PortalInputs{
		Portal: p, National: n, Domains: domains, Release: release, Component: component,
		TrustedRoots: trust.Check(n.Spec.Trust.TrustedRoots, now).Valid, SecretVersions: versions, Collector: collector, Gateway: gateway,
		PublicIssuerSolvesHTTP01: inputs.SolvesHTTP01(publicIssuer),
	}, nil
}

func (m *Manifests) shopInputs(s *platformv1alpha1.OneStopShop, portal render.PortalInputs, config render.PortalConfig, now time.Time) (render.OneStopShopInputs, error) {
	release, component, err := m.release(portal.Portal, platformv1alpha1.ComponentOneStopShop, now)
	if err != nil {
		return render.OneStopShopInputs{}, err
	}
	versions := map[string]string{}
	db := s.Spec.Database.SecretRef
	err = m.addSecretVersion(versions, s.Namespace, db.Name, db.Key)
	if pd := s.Spec.PostalDelivery; err == nil && pd != nil && pd.Enabled && pd.CredentialsSecretRef != nil {
		err = m.addSecretVersion(versions, s.Namespace, pd.CredentialsSecretRef.Name, inputs.PostalCredentialKeys...)
	}
	if ref := portal.Portal.Spec.NationalCredentialsSecretRef; err == nil && ref != nil && portal.Gateway == nil {
		err = m.addSecretVersion(versions, s.Namespace, ref.Name, inputs.NationalCredentialKeys...)
	}
	// The endpoints the national portal and VNPost call, and the login
	// clients, read the same keys the reconciler checks.
	for _, e := range render.CallerEndpoints(s, portal.Portal, portal.National) {
		if err == nil {
			err = m.addSecretVersion(versions, s.Namespace, e.CredentialsSecret, inputs.NationalCredentialKeys...)
		}
	}
	for _, name := range render.SSOSecretRefs(s.Spec.SSO) {
		if err == nil {
			err = m.addSecretVersion(versions, s.Namespace, name, inputs.SSOKeys...)
		}
	}
	return render.OneStopShopInputs{
		Shop: s, Portal: portal.Portal, National: portal.National, Release: release, Component: component,
		PortalConfig: config, SecretVersions: versions, Gateway: portal.Gateway,
	}, err
}

func (m *Manifests) nodeInputs(d *platformv1alpha1.DocExchangeNode, portal render.PortalInputs, config render.PortalConfig, now time.Time) (render.DocExchangeInputs, error) {
	release, component, err := m.release(portal.Portal, platformv1alpha1.ComponentDocExchange, now)
	if err != nil {
		return render.DocExchangeInputs{}, err
	}
	versions := map[string]string{}
	keys := render.DocExchangeSecretKeys(d.Spec)
	for _, name := range render.DocExchangeSecretRefs(d.Spec) {
		if err == nil {
			err = m.addSecretVersion(versions, d.Namespace, name, keys[name]...)
		}
	}
	return render.DocExchangeInputs{
		Node: d, Portal: portal.Portal, National: portal.National, Release: release, Component: component,
		PortalConfig: config, TemplateSize: d.Spec.Storage.Size, SecretVersions: versions, Gateway: portal.Gateway,
	}, err
}

func (m *Manifests) integrationInputs(i *platformv1alpha1.IntegrationPlatform, portal render.PortalInputs, config render.PortalConfig, now time.Time) (render.IntegrationInputs, error) {
	release, component, err := m.release(portal.Portal, platformv1alpha1.ComponentIntegration, now)
	if err != nil {
		return render.IntegrationInputs{}, err
	}
	versions := map[string]string{}
	for name, keys := range render.IntegrationSecretKeys(i.Spec) {
		if err := m.addSecretVersion(versions, i.Namespace, name, keys...); err != nil {
			return render.IntegrationInputs{}, err
		}
	}
	return render.IntegrationInputs{
		Platform: i, Portal: portal.Portal, National: portal.National, Release: release, Component: component,
		TrustBundle: config.TrustBundle, SecretVersions: versions,
	}, nil
}

// release resolves the portal's effective release, as every kind of its
// stack runs it, and the named component of it.
func (m *Manifests) release(p *platformv1alpha1.ProvincePortal, component string, now time.Time) (string, platformv1alpha1.Component, error) {
	var assigned platformv1alpha1.ReleaseName
	if a := m.Assignments[platformv1alpha1.ProvinceAssignmentName(string(p.Spec.Province.Code), p.Spec.Environment)]; a != nil {
		assigned = a.Spec.Release
	}
	name := render.EffectiveRelease(p.Spec.Release, assigned, m.National.Spec.DefaultRelease)
	comp, _, err := inputs.Release(name, m.Releases[name], component, now)
	return name, comp, err
}

// addSecretVersion records the digest of a Secret's keys when the manifests
// hold the Secret.
func (m *Manifests) addSecretVersion(versions map[string]string, namespace, name string, keys ...string) error {
	s, ok := m.Secrets[types.NamespacedName{Namespace: namespace, Name: name}]
	if !ok {
		return nil
	}
	v, err := inputs.SecretVersion(s, keys...)
	versions[name] = v
	return err
}

// issued renders a stack with each of its Certificates taken as issued, as
// the operator renders it once cert-manager has issued them: at the
// revision of the Certificate given, if any (read from a cluster), else
// once. Their names come from the stack itself.
func (m *Manifests) issued(versions map[string]string, stack func() []client.Object) []client.Object {
	for _, obj := range stack() {
		if cert, ok := obj.(*cmapi.Certificate); ok {
			revision, known := m.Revisions[client.ObjectKeyFromObject(cert)]
			if !known {
				revision = 1
			}
			versions["certificate/"+cert.Name] = strconv.Itoa(revision)
		}
	}
	return stack()
}

// publishedConfig is the configuration a portal's stack publishes in its
// ConfigMaps, as its followers' pods read it.
func publishedConfig(p *platformv1alpha1.ProvincePortal, stack []client.Object) render.PortalConfig {
	owner := render.PortalOwner(p)
	var config render.PortalConfig
	for _, obj := range stack {
		cm, ok := obj.(*corev1.ConfigMap)
		switch {
		case !ok:
		case cm.Name == owner.Name(render.RoleInterconnect):
			config.Interconnect = cm.Data
		case cm.Name == owner.Name(render.RoleTrustBundle):
			config.TrustBundle = cm.Data[render.TrustBundleKey]
		}
	}
	return config
}
