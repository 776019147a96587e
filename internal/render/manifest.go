package render

import (
	"bytes"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// Unstructured converts a rendered object into the exact content the
// operator applies: no status and no null values (such as an unset
// creationTimestamp), so the operator claims only the fields it sets.
func Unstructured(obj client.Object) (*unstructured.Unstructured, error) {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", Describe(obj), err)
	}
	delete(content, "status")
	pruned, _ := prune(content).(map[string]any)
	return &unstructured.Unstructured{Object: pruned}, nil
}

// prune drops nil values, recursively. Empty objects stay: `selfSigned: {}`
// or `emptyDir: {}` mean something.
func prune(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, child := range t {
			if child != nil {
				out[k] = prune(child)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, child := range t {
			out[i] = prune(child)
		}
		return out
	}
	return v
}

// YAML writes objects as one multi-document manifest, sorted by kind,
// namespace and name, so the same stacks always print the same bytes.
func YAML(objs []client.Object) ([]byte, error) {
	docs := make([]*unstructured.Unstructured, 0, len(objs))
	for _, obj := range objs {
		u, err := Unstructured(obj)
		if err != nil {
			return nil, err
		}
		docs = append(docs, u)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].GetKind() != docs[j].GetKind() {
			return docs[i].GetKind() < docs[j].GetKind()
		}
		if docs[i].GetNamespace() != docs[j].GetNamespace() {
			return docs[i].GetNamespace() < docs[j].GetNamespace()
		}
		return docs[i].GetName() < docs[j].GetName()
	})
	var b bytes.Buffer
	for _, d := range docs {
		out, err := yaml.Marshal(d.Object)
		if err != nil {
			return nil, err
		}
		b.WriteString("---\n")
		b.Write(out)
	}
	return b.Bytes(), nil
}
