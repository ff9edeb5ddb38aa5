package loader

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// reader walks YAML nodes and records every problem instead of stopping at the
// first, so one run reports all errors of a file.
type reader struct {
	file string
	errs *Errors
}

func (r *reader) errorf(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	*r.errs = append(*r.errs, &Error{File: r.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// fields checks that n is a mapping whose keys are all in known and returns
// its values by key; prefix names the field path for errors.
func (r *reader) fields(n *yaml.Node, prefix string, known ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, prefix, "want a mapping, got %s", kindName(n))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := join(prefix, k.Value)
		if !contains(known, k.Value) {
			r.errorf(k, name, "unknown field (want one of %s)", strings.Join(known, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.errorf(k, name, "field given twice")
			continue
		}
		out[k.Value] = v
	}
	return out
}

func (r *reader) str(m map[string]*yaml.Node, key, prefix string, required bool) string {
	n, ok := m[key]
	if !ok {
		if required {
			r.errorf(nil, join(prefix, key), "missing")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, join(prefix, key), "want a string, got %s", kindName(n))
		return ""
	}
	v := strings.TrimSpace(n.Value)
	if v == "" && required {
		r.errorf(n, join(prefix, key), "empty")
	}
	return v
}

// required is str with a line for the "missing" error: the owning node.
func (r *reader) required(owner *yaml.Node, m map[string]*yaml.Node, key, prefix string) string {
	if _, ok := m[key]; !ok {
		r.errorf(owner, join(prefix, key), "missing")
		return ""
	}
	return r.str(m, key, prefix, true)
}

func (r *reader) strs(m map[string]*yaml.Node, key, prefix string) ([]string, []*yaml.Node) {
	n, ok := m[key]
	if !ok {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, join(prefix, key), "want a list, got %s", kindName(n))
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", join(prefix, key), i)
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			r.errorf(c, f, "want a string, got %s", kindName(c))
			continue
		}
		if strings.TrimSpace(c.Value) == "" {
			r.errorf(c, f, "empty")
			continue
		}
		out = append(out, c.Value)
		nodes = append(nodes, c)
	}
	return out, nodes
}

func (r *reader) float(m map[string]*yaml.Node, key, prefix string) (float64, bool) {
	n, ok := m[key]
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		r.errorf(n, join(prefix, key), "want a number, got %q", n.Value)
		return 0, false
	}
	return v, true
}

func (r *reader) boolean(m map[string]*yaml.Node, key, prefix string) bool {
	n, ok := m[key]
	if !ok {
		return false
	}
	switch n.Value {
	case "true":
		return true
	case "false":
		return false
	}
	r.errorf(n, join(prefix, key), "want true or false, got %q", n.Value)
	return false
}

func (r *reader) list(m map[string]*yaml.Node, key, prefix string) []*yaml.Node {
	n, ok := m[key]
	if !ok {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, join(prefix, key), "want a list, got %s", kindName(n))
		return nil
	}
	return n.Content
}

func kindName(n *yaml.Node) string {
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

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
