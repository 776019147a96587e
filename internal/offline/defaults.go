package offline

import (
	"fmt"
	"io/fs"

	apiextensions "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/egov-vn/egov-operator/config/crd"
)

// defaulter applies the CRDs' schema defaults to an object, with the API
// server's own code: a render from files must see the fields the server
// would have filled in (environment, security level, network selectors…).
type defaulter map[schema.GroupVersionKind]*structuralschema.Structural

func newDefaulter() (defaulter, error) {
	d := defaulter{}
	files, err := fs.Glob(crd.Bases, "bases/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		data, err := crd.Bases.ReadFile(file)
		if err != nil {
			return nil, err
		}
		def := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, def); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, v := range def.Spec.Versions {
			internal := &apiextensions.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			structural, err := structuralschema.NewStructural(internal)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			d[schema.GroupVersionKind{Group: def.Spec.Group, Version: v.Name, Kind: def.Spec.Names.Kind}] = structural
		}
	}
	return d, nil
}

// apply defaults u in place; kinds without a CRD are left as they are.
func (d defaulter) apply(u *unstructured.Unstructured) {
	if s, ok := d[u.GroupVersionKind()]; ok {
		structuraldefaulting.Default(u.Object, s)
	}
}
