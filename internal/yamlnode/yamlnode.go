// Package yamlnode holds the small helpers the YAML readers of the data
// folder, the waivers and the import mappings share for their messages.
package yamlnode

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Describe names what a node is, for a message: "a mapping", "a list",
// "nothing", or a scalar's quoted value.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// Join is the dotted path of a field: prefix.key, or key at the top.
func Join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
