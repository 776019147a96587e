// Package crd embeds the operator's CustomResourceDefinitions, so that
// egovctl validates manifests against the very schemas it was built with.
package crd

import "embed"

// Bases holds the generated CRDs, bases/<group>_<plural>.yaml.
//
//go:embed bases/*.yaml
var Bases embed.FS
