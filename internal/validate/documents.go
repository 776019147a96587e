package validate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/egov-vn/egov-operator/internal/fleet"
)

// document is one YAML document of a manifest file, with its parsed nodes
// kept to find the line of a field. An item of a List is a document of its
// own.
type document struct {
	file string
	root *yamlv3.Node
	obj  *unstructured.Unstructured
}

// readDocuments reads every YAML document of the files under paths, in
// order; a directory is walked for YAML and JSON files in lexical order.
func readDocuments(paths []string) ([]*document, error) {
	var docs []*document
	for _, path := range paths {
		files, err := fleet.ManifestFiles(path)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			fileDocs, err := readFile(file)
			if err != nil {
				return nil, err
			}
			docs = append(docs, fileDocs...)
		}
	}
	return docs, nil
}

func readFile(file string) ([]*document, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	decoder := yamlv3.NewDecoder(bytes.NewReader(data))
	var docs []*document
	for {
		root := &yamlv3.Node{}
		if err := decoder.Decode(root); errors.Is(err, io.EOF) {
			return docs, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(root.Content) == 0 || root.Content[0].Kind == yamlv3.ScalarNode && root.Content[0].Tag == "!!null" {
			continue
		}
		fileDocs, err := splitList(file, root.Content[0])
		if err != nil {
			return nil, err
		}
		docs = append(docs, fileDocs...)
	}
}

// splitList returns a document, or each item of a List as kubectl get
// prints several objects.
func splitList(file string, root *yamlv3.Node) ([]*document, error) {
	obj, err := toUnstructured(root)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", file, root.Line, err)
	}
	if !obj.IsList() {
		return []*document{{file: file, root: root, obj: obj}}, nil
	}
	items, _ := child(root, "items")
	var docs []*document
	for _, item := range items.Content {
		itemDocs, err := splitList(file, item)
		if err != nil {
			return nil, err
		}
		docs = append(docs, itemDocs...)
	}
	return docs, nil
}

// toUnstructured decodes a document as the API server receives it: JSON.
func toUnstructured(root *yamlv3.Node) (*unstructured.Unstructured, error) {
	data, err := yamlv3.Marshal(root)
	if err != nil {
		return nil, err
	}
	json, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{}
	// Not UnmarshalJSON, which refuses what lacks a kind, such as a
	// kustomization.yaml beside the manifests.
	if err := utiljson.Unmarshal(json, &obj.Object); err != nil {
		return nil, err
	}
	return obj, nil
}

// line returns the line of the field at path (as the API server writes it:
// spec.waves[0].provinces[1], spec.matchLabels[app.kubernetes.io/name]),
// or of the deepest part of it that the document holds.
func (d *document) line(path string) int {
	node, line := d.root, d.root.Line
	for _, step := range pathSteps(path) {
		next, nextLine := child(node, step)
		if next == nil {
			break
		}
		node, line = next, nextLine
	}
	return line
}

// pathSteps splits a field path into map keys and list indexes.
func pathSteps(path string) []string {
	var steps []string
	for path != "" {
		switch {
		case path[0] == '.':
			path = path[1:]
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(steps, path[1:])
			}
			steps = append(steps, path[1:end])
			path = path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			steps = append(steps, path[:end])
			path = path[end:]
		}
	}
	return steps
}

// child returns the value under key step of a mapping and the key's line,
// or the item at index step of a sequence and its line, or nil.
func child(node *yamlv3.Node, step string) (*yamlv3.Node, int) {
	switch node.Kind {
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(node.Content); i += 2 {
			if node.Content[i].Value == step {
				return node.Content[i+1], node.Content[i].Line
			}
		}
	case yamlv3.SequenceNode:
		if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(node.Content) {
			return node.Content[i], node.Content[i].Line
		}
	}
	return nil, 0
}
