// Package offline renders, from manifests alone, the children the operator
// would apply for them: egovctl render. It resolves the inputs through
// internal/inputs and renders through internal/render, as the reconcilers
// do; what only a live cluster knows is taken as ready and unchanged.
package offline

import (
	"fmt"
	"sort"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
)

// Manifests are the objects a render reads, decoded with the API server's
// defaults applied. Other kinds in the files are ignored.
type Manifests struct {
	National     *platformv1alpha1.NationalPlatform
	Releases     map[string]*platformv1alpha1.PlatformRelease
	Provinces    map[platformv1alpha1.ProvinceCode]*platformv1alpha1.Province
	Assignments  map[string]*platformv1alpha1.ProvinceAssignment
	Portals      []*platformv1alpha1.ProvincePortal
	Shops        []*platformv1alpha1.OneStopShop
	Nodes        []*platformv1alpha1.DocExchangeNode
	Integrations []*platformv1alpha1.IntegrationPlatform
	// Secrets hold their stringData merged into data, as the API server stores them.
	Secrets map[types.NamespacedName]*corev1.Secret
	// Issuers are cert-manager Issuers and ClusterIssuers, by kind/namespace/name.
	Issuers map[string]*cmapi.IssuerSpec
	// Revisions are the issuance revisions of the cert-manager Certificates
	// given (read from a cluster), by namespace/name.
	Revisions map[types.NamespacedName]int
}

// Read reads the manifests of files and of the YAML and JSON files under
// directories; kustomization files are skipped.
func Read(paths ...string) (*Manifests, error) {
	var docs []*unstructured.Unstructured
	for _, path := range paths {
		files, err := fleet.ManifestFiles(path)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			objs, err := fleet.ReadManifests(file)
			if err != nil {
				return nil, err
			}
			docs = append(docs, objs...)
		}
	}
	return Decode(docs)
}

// Decode sorts decoded documents into Manifests.
func Decode(docs []*unstructured.Unstructured) (*Manifests, error) {
	defaults, err := newDefaulter()
	if err != nil {
		return nil, err
	}
	m := &Manifests{
		Releases: map[string]*platformv1alpha1.PlatformRelease{}, Provinces: map[platformv1alpha1.ProvinceCode]*platformv1alpha1.Province{},
		Assignments: map[string]*platformv1alpha1.ProvinceAssignment{}, Secrets: map[types.NamespacedName]*corev1.Secret{},
		Issuers: map[string]*cmapi.IssuerSpec{}, Revisions: map[types.NamespacedName]int{},
	}
	seen := map[string]bool{}
	for _, u := range docs {
		id := fmt.Sprintf("%s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
		if seen[id] {
			return nil, fmt.Errorf("%s is given twice", id)
		}
		seen[id] = true
		defaults.apply(u)
		if err := m.add(u); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
	}
	sortByKey(m.Portals)
	sortByKey(m.Shops)
	sortByKey(m.Nodes)
	sortByKey(m.Integrations)
	return m, nil
}

// add decodes one object of a kind the render reads.
func (m *Manifests) add(u *unstructured.Unstructured) error {
	gk := u.GroupVersionKind().GroupKind()
	switch {
	case gk.Group == platformv1alpha1.GroupVersion.Group:
		return m.addPlatform(u)
	case gk.Group == "" && gk.Kind == "Secret":
		s := &corev1.Secret{}
		if err := into(u, s); err != nil {
			return err
		}
		if s.Data == nil {
			s.Data = map[string][]byte{}
		}
		for k, v := range s.StringData {
			s.Data[k] = []byte(v)
		}
		m.Secrets[types.NamespacedName{Namespace: s.Namespace, Name: s.Name}] = s
	case gk.Group == cmapi.SchemeGroupVersion.Group && (gk.Kind == cmapi.IssuerKind || gk.Kind == cmapi.ClusterIssuerKind):
		iss := &cmapi.Issuer{}
		if err := into(u, iss); err != nil {
			return err
		}
		m.Issuers[issuerKey(gk.Kind, u.GetNamespace(), u.GetName())] = &iss.Spec
	case gk.Group == cmapi.SchemeGroupVersion.Group && gk.Kind == cmapi.CertificateKind:
		if revision, found, _ := unstructured.NestedInt64(u.Object, "status", "revision"); found {
			m.Revisions[types.NamespacedName{Namespace: u.GetNamespace(), Name: u.GetName()}] = int(revision)
		}
	}
	return nil
}

func (m *Manifests) addPlatform(u *unstructured.Unstructured) error {
	var err error
	switch u.GetKind() {
	case "NationalPlatform":
		m.National = &platformv1alpha1.NationalPlatform{}
		err = into(u, m.National)
	case "PlatformRelease":
		rel := &platformv1alpha1.PlatformRelease{}
		err = into(u, rel)
		m.Releases[rel.Name] = rel
	case "Province":
		p := &platformv1alpha1.Province{}
		err = into(u, p)
		m.Provinces[p.Spec.Code] = p
	case "ProvinceAssignment":
		a := &platformv1alpha1.ProvinceAssignment{}
		err = into(u, a)
		m.Assignments[a.Name] = a
	case "ProvincePortal":
		p := &platformv1alpha1.ProvincePortal{}
		err = into(u, p)
		m.Portals = append(m.Portals, p)
	case "OneStopShop":
		s := &platformv1alpha1.OneStopShop{}
		err = into(u, s)
		m.Shops = append(m.Shops, s)
	case "DocExchangeNode":
		d := &platformv1alpha1.DocExchangeNode{}
		err = into(u, d)
		m.Nodes = append(m.Nodes, d)
	case "IntegrationPlatform":
		i := &platformv1alpha1.IntegrationPlatform{}
		err = into(u, i)
		m.Integrations = append(m.Integrations, i)
	}
	return err
}

// into decodes u into obj, refusing fields obj's kind does not have.
func into(u *unstructured.Unstructured, obj any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, obj, true)
}

func issuerKey(kind, namespace, name string) string {
	if kind == cmapi.ClusterIssuerKind {
		namespace = ""
	}
	return kind + "/" + namespace + "/" + name
}

func sortByKey[T interface {
	GetNamespace() string
	GetName() string
}](objs []T) {
	sort.Slice(objs, func(i, j int) bool {
		return objs[i].GetNamespace()+"/"+objs[i].GetName() < objs[j].GetNamespace()+"/"+objs[j].GetName()
	})
}
