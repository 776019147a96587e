// Package crd embeds the operator's CustomResourceDefinitions (generated into
// bases/ by make manifests) for tools that apply their schemas offline, as
// the API server would.
package crd

import "embed"

// Bases holds bases/*.yaml, one CustomResourceDefinition each.
//
//go:embed bases/*.yaml
var Bases embed.FS
