package validate

import (
	"context"
	"fmt"
	"io/fs"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/api/operation"
	metavalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/common"
	"k8s.io/apiserver/pkg/features"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"sigs.k8s.io/yaml"
)

// kindSchema is what the API server builds from one served version of a
// CRD to admit its objects.
type kindSchema struct {
	gvk             schema.GroupVersionKind
	namespaced      bool
	structural      *structuralschema.Structural
	schemaValidator apiservervalidation.SchemaValidator
	cel             *cel.Validator
}

// loadSchemas reads every CRD in dir of crds and builds, per served
// version, the validators the API server builds in its CRD handler.
func loadSchemas(crds fs.FS, dir string) (map[schema.GroupVersionKind]*kindSchema, error) {
	files, err := fs.Glob(crds, dir+"/*.yaml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no CRDs in %s", dir)
	}
	schemas := map[schema.GroupVersionKind]*kindSchema{}
	for _, file := range files {
		data, err := fs.ReadFile(crds, file)
		if err != nil {
			return nil, err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for _, version := range crd.Spec.Versions {
			if !version.Served || version.Schema == nil {
				continue
			}
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: version.Name, Kind: crd.Spec.Names.Kind}
			s, err := newKindSchema(gvk, crd.Spec.Scope == apiextensionsv1.NamespaceScoped, version.Schema)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, version.Name, err)
			}
			schemas[gvk] = s
		}
	}
	return schemas, nil
}

func newKindSchema(gvk schema.GroupVersionKind, namespaced bool, v1Schema *apiextensionsv1.CustomResourceValidation) (*kindSchema, error) {
	internal := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(v1Schema, internal, nil); err != nil {
		return nil, err
	}
	structural, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	// As the API server does: defaults inside pruned fields never apply.
	if err := defaulting.PruneDefaults(structural); err != nil {
		return nil, err
	}
	schemaValidator, _, err := apiservervalidation.NewSchemaValidator(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, err
	}
	return &kindSchema{
		gvk:             gvk,
		namespaced:      namespaced,
		structural:      structural,
		schemaValidator: schemaValidator,
		cel:             cel.NewValidator(structural, true, celconfig.PerCallLimit),
	}, nil
}

// decode turns a manifest into what the API server stores before it
// validates: unknown fields pruned (and returned, as kubectl's strict field
// validation refuses them), nulls dropped, metadata coerced, defaults set,
// status dropped (the status subresource owns it).
func (k *kindSchema) decode(u *unstructured.Unstructured) (unknownFields []string, err error) {
	_, _, unknownMeta, err := objectmeta.GetObjectMetaWithOptions(u.Object, objectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		return nil, err
	}
	unknown := append(unknownMeta, pruning.PruneWithOptions(u.Object, k.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	defaulting.PruneNonNullableNullsWithoutDefaults(u.Object, k.structural)
	if fieldErr := objectmeta.Coerce(nil, u.Object, k.structural, false, false); fieldErr != nil {
		return nil, fieldErr
	}
	defaulting.Default(u.Object, k.structural)
	delete(u.Object, "status")
	return unknown, nil
}

// admit validates obj as the API server's custom resource strategy does on
// create, or on update when old is not nil: metadata, the OpenAPI schema,
// list-type invariants and x-kubernetes-validations within the runtime cost
// budget, ratcheting unchanged fields on update.
func (k *kindSchema) admit(ctx context.Context, obj, old *unstructured.Unstructured) field.ErrorList {
	errs := k.validateTypeMeta(obj)
	if len(errs) > 0 {
		return errs
	}
	metadata, errs := objectMeta(obj)
	if len(errs) > 0 {
		return errs
	}
	var celOptions []cel.Option
	if old == nil {
		errs = append(errs, metavalidation.ValidateObjectMetaDeclaratively(ctx, operation.Create, metadata, nil, k.namespaced,
			metavalidation.NameIsDNSSubdomain, field.NewPath("metadata"), declarativeMetadata())...)
		errs = append(errs, apiservervalidation.ValidateCustomResource(nil, obj.Object, k.schemaValidator)...)
		errs = append(errs, objectmeta.Validate(ctx, nil, obj.Object, k.structural, false)...)
		errs = append(errs, listtype.ValidateListSetsAndMaps(nil, k.structural, obj.Object)...)
	} else {
		oldMetadata, oldErrs := objectMeta(old)
		if len(oldErrs) > 0 {
			return oldErrs
		}
		correlated := common.NewCorrelatedObject(obj.Object, old.Object, &model.Structural{Structural: k.structural})
		celOptions = append(celOptions, cel.WithRatcheting(correlated))
		errs = append(errs, metavalidation.ValidateObjectMetaDeclaratively(ctx, operation.Update, metadata, oldMetadata, k.namespaced,
			nil, field.NewPath("metadata"), declarativeMetadata())...)
		errs = append(errs, apiservervalidation.ValidateCustomResourceUpdate(nil, obj.Object, old.Object, k.schemaValidator,
			apiservervalidation.WithRatcheting(correlated))...)
		errs = append(errs, objectmeta.Validate(ctx, nil, obj.Object, k.structural, false)...)
		if oldErrs := listtype.ValidateListSetsAndMaps(nil, k.structural, old.Object); len(oldErrs) == 0 {
			errs = append(errs, listtype.ValidateListSetsAndMaps(nil, k.structural, obj.Object)...)
		}
	}
	// Like the API server, run no CEL rule on an object of the wrong shape.
	if blocking(errs) {
		return append(errs, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
	}
	var oldObject any
	if old != nil {
		oldObject = old.Object
	}
	celErrs, _ := k.cel.Validate(ctx, nil, k.structural, obj.Object, oldObject, celconfig.RuntimeCELCostBudget, celOptions...)
	return append(errs, celErrs...)
}

func (k *kindSchema) validateTypeMeta(obj *unstructured.Unstructured) field.ErrorList {
	var errs field.ErrorList
	if obj.GetKind() != k.gvk.Kind {
		errs = append(errs, field.Invalid(field.NewPath("kind"), obj.GetKind(), "must be "+k.gvk.Kind))
	}
	if apiVersion := k.gvk.GroupVersion().String(); obj.GetAPIVersion() != apiVersion {
		errs = append(errs, field.Invalid(field.NewPath("apiVersion"), obj.GetAPIVersion(), "must be "+apiVersion))
	}
	return errs
}

// declarativeMetadata is the API server's switch between its two metadata
// validations, at its default.
func declarativeMetadata() bool {
	return utilfeature.DefaultFeatureGate.Enabled(features.DeclarativeValidationBeta)
}

func objectMeta(obj *unstructured.Unstructured) (*metav1.ObjectMeta, field.ErrorList) {
	metadata := &metav1.ObjectMeta{}
	raw, ok := obj.Object["metadata"].(map[string]any)
	if !ok {
		return metadata, nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, metadata); err != nil {
		return nil, field.ErrorList{field.Invalid(field.NewPath("metadata"), raw, err.Error())}
	}
	return metadata, nil
}

// blocking reports the OpenAPI failures after which the API server skips
// the CEL rules: a missing or ill-typed value, or one over its size limit.
func blocking(errs field.ErrorList) bool {
	for _, err := range errs {
		switch err.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}
