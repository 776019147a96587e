// Package validate checks manifests offline with the rules the API server
// applies to the operator's kinds: each CRD's OpenAPI schema, defaults,
// list-type invariants and CEL rules (transition rules included), through
// k8s.io/apiextensions-apiserver's own validators, and metadata name rules;
// plus the rules between objects that the operator enforces by refusing to
// serve an object (Stalled), as far as the given manifests show them.
package validate

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/config/crd"
)

// DefaultNamespace is where a namespaced object without a namespace is
// checked, as kubectl would create it in the context's namespace.
const DefaultNamespace = "default"

// Finding is one problem of a manifest: an error the API server or the
// operator would refuse the object for, or a warning about what the given
// manifests cannot show (a reference to an object that may live in the
// cluster).
type Finding struct {
	File    string
	Line    int
	Kind    string
	Name    string
	Field   string
	Message string
	Warning bool
}

// String formats the finding as file:line: severity: Kind name: field: message.
func (f Finding) String() string {
	severity := "error"
	if f.Warning {
		severity = "warning"
	}
	return fmt.Sprintf("%s:%d: %s: %s %s: %s: %s", f.File, f.Line, severity, f.Kind, f.Name, f.Field, f.Message)
}

// Validator checks manifests against a set of CRDs.
type Validator struct {
	schemas map[schema.GroupVersionKind]*kindSchema
}

// New builds a Validator from the CRD files in dir of crds.
func New(crds fs.FS, dir string) (*Validator, error) {
	schemas, err := loadSchemas(crds, dir)
	if err != nil {
		return nil, err
	}
	return &Validator{schemas: schemas}, nil
}

// ForOperator builds a Validator from the CRDs this operator was built with.
func ForOperator() (*Validator, error) { return New(crd.Bases, "bases") }

// admitted is an object as the API server would have stored it, with the
// document it last came from.
type admitted struct {
	obj *unstructured.Unstructured
	doc *document
}

// Files validates every manifest of the files and directories in paths.
// Documents are admitted in order, as `kubectl apply` would create them: a
// later document with the kind, namespace and name of an earlier one
// updates it, so transition rules (immutable fields, storage that never
// shrinks) are checked against the earlier one. Objects of other API
// groups are not checked.
func (v *Validator) Files(ctx context.Context, paths ...string) ([]Finding, error) {
	docs, err := readDocuments(paths)
	if err != nil {
		return nil, err
	}
	var findings []Finding
	stored := map[string]*admitted{}
	var order []string
	for _, doc := range docs {
		obj, docFindings, err := v.admit(ctx, doc, stored)
		if err != nil {
			return nil, err
		}
		findings = append(findings, docFindings...)
		if obj == nil {
			continue
		}
		key := objectKey(obj)
		if stored[key] == nil {
			order = append(order, key)
		}
		stored[key] = &admitted{obj: obj, doc: doc}
	}
	objects := make([]*admitted, 0, len(order))
	for _, key := range order {
		objects = append(objects, stored[key])
	}
	crossFindings, err := crossObjectFindings(objects)
	if err != nil {
		return nil, err
	}
	return append(findings, crossFindings...), nil
}

// admit checks one document as a create, or as an update of the object
// stored under its key, and returns the object as stored when the API
// server would accept it.
func (v *Validator) admit(ctx context.Context, doc *document, stored map[string]*admitted) (*unstructured.Unstructured, []Finding, error) {
	gvk := doc.obj.GroupVersionKind()
	ks := v.schemas[gvk]
	if ks == nil {
		if gvk.Group != platformv1alpha1.GroupVersion.Group {
			return nil, nil, nil
		}
		return nil, []Finding{doc.finding("apiVersion", fmt.Sprintf("no kind %s is served in %s", gvk.Kind, gvk.GroupVersion()))}, nil
	}
	obj := doc.obj.DeepCopy()
	if ks.namespaced && obj.GetNamespace() == "" {
		obj.SetNamespace(DefaultNamespace)
	}
	unknown, err := ks.decode(obj)
	if err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %w", doc.file, doc.root.Line, err)
	}
	var findings []Finding
	for _, field := range unknown {
		findings = append(findings, doc.finding(field, "unknown field"))
	}
	var old *unstructured.Unstructured
	if previous := stored[objectKey(obj)]; previous != nil {
		old = previous.obj
		carryServerMetadata(obj, old)
	}
	for _, err := range ks.admit(ctx, obj, old) {
		findings = append(findings, doc.finding(err.Field, err.ErrorBody()))
	}
	if len(findings) > 0 {
		return nil, findings, nil
	}
	if obj.GetResourceVersion() == "" {
		obj.SetResourceVersion(storedVersion)
	}
	return obj, nil, nil
}

// storedVersion stands for the resourceVersion the API server gives an
// object it stores.
const storedVersion = "1"

// carryServerMetadata copies into an update the metadata the API server
// set on the stored object: kubectl apply patches the live object, so an
// update keeps them whether the manifest holds them or not.
func carryServerMetadata(obj, old *unstructured.Unstructured) {
	obj.SetUID(old.GetUID())
	obj.SetCreationTimestamp(old.GetCreationTimestamp())
	obj.SetGeneration(old.GetGeneration())
	obj.SetResourceVersion(old.GetResourceVersion())
}

func objectKey(obj *unstructured.Unstructured) string {
	return path.Join(obj.GroupVersionKind().GroupKind().String(), obj.GetNamespace(), obj.GetName())
}

// finding is an error at field of the document.
func (d *document) finding(field, message string) Finding {
	return Finding{File: d.file, Line: d.line(field), Kind: d.obj.GetKind(), Name: d.obj.GetName(), Field: field, Message: message}
}
