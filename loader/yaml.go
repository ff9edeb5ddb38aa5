package loader

import (
	"fmt"
	"github.com/civicgraph/civicgraph/internal/yamlnode"
	"math"
	"slices"
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

// at is the file:line of n, for errors that point at a second place.
func (r *reader) at(n *yaml.Node) string { return fmt.Sprintf("%s:%d", r.file, n.Line) }

// fields checks that n is a mapping whose keys are all in known and returns
// its values by key; prefix names the field path for errors. It returns nil
// when n is not a mapping, so callers skip it instead of reporting each of
// its fields missing.
func (r *reader) fields(n *yaml.Node, prefix string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		r.errorf(n, prefix, "want a mapping (key: value lines), got %s", yamlnode.Describe(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	keys := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := yamlnode.Join(prefix, k.Value)
		if !slices.Contains(known, k.Value) {
			r.errorf(k, name, "unknown field (want one of %s)", strings.Join(known, ", "))
			continue
		}
		// yaml.v3 keeps both keys in a Node; one value would be lost.
		if first, dup := keys[k.Value]; dup {
			r.errorf(k, name, "field given twice (first at line %d)", first.Line)
			continue
		}
		keys[k.Value] = k
		out[k.Value] = v
	}
	return out
}

func (r *reader) str(m map[string]*yaml.Node, key, prefix string, required bool) string {
	n, ok := m[key]
	if !ok {
		if required {
			r.errorf(nil, yamlnode.Join(prefix, key), "missing")
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		r.errorf(n, yamlnode.Join(prefix, key), "want a string, got %s", yamlnode.Describe(n))
		return ""
	}
	// A key with nothing after it ("name:") is an empty value, not a type error.
	v := strings.TrimSpace(n.Value)
	if n.Tag == "!!null" {
		v = ""
	}
	if v == "" && required {
		r.errorf(n, yamlnode.Join(prefix, key), "empty")
	}
	return v
}

// required is str with a line for the "missing" error: the owning node.
func (r *reader) required(owner *yaml.Node, m map[string]*yaml.Node, key, prefix string) string {
	if _, ok := m[key]; !ok {
		r.errorf(owner, yamlnode.Join(prefix, key), "missing")
		return ""
	}
	return r.str(m, key, prefix, true)
}

// item is one string of a list with the node and field path it came from, so
// errors about it name its own line and index even when a sibling was skipped.
type item struct {
	Value string
	Node  *yaml.Node
	Field string
}

// strs reads a list of strings. Values are trimmed like single strings, so a
// quote or alias is never stored with stray spaces around it.
func (r *reader) strs(m map[string]*yaml.Node, key, prefix string) []item {
	n, ok := m[key]
	if !ok {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, yamlnode.Join(prefix, key), "want a list, got %s", yamlnode.Describe(n))
		return nil
	}
	var out []item
	for i, c := range n.Content {
		f := fmt.Sprintf("%s[%d]", yamlnode.Join(prefix, key), i)
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			r.errorf(c, f, "want a string, got %s", yamlnode.Describe(c))
			continue
		}
		v := strings.TrimSpace(c.Value)
		if v == "" {
			r.errorf(c, f, "empty")
			continue
		}
		out = append(out, item{Value: v, Node: c, Field: f})
	}
	return out
}

// quoteList reads the quotes every relation and figure must have.
func (r *reader) quoteList(owner *yaml.Node, m map[string]*yaml.Node, prefix, what string) []item {
	n, ok := m["quotes"]
	if !ok {
		r.errorf(owner, yamlnode.Join(prefix, "quotes"), "missing: every %s needs at least one verbatim quote of the source", what)
		return nil
	}
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		r.errorf(n, yamlnode.Join(prefix, "quotes"), "empty: every %s needs at least one verbatim quote of the source", what)
	}
	return r.strs(m, "quotes", prefix)
}

func values(items []item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Value
	}
	return out
}

func (r *reader) float(m map[string]*yaml.Node, key, prefix string) (float64, bool) {
	n, ok := m[key]
	if !ok {
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.errorf(n, yamlnode.Join(prefix, key), "want a number like 3.9, got %s", yamlnode.Describe(n))
		return 0, false
	}
	// ParseFloat also takes NaN and Inf, which are no figure a page states.
	v, err := strconv.ParseFloat(strings.TrimSpace(n.Value), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		r.errorf(n, yamlnode.Join(prefix, key), "want a number like 3.9 (no unit, %%, or Chinese numerals), got %q", n.Value)
		return 0, false
	}
	return v, true
}

func (r *reader) boolean(m map[string]*yaml.Node, key, prefix string) bool {
	n, ok := m[key]
	if !ok {
		return false
	}
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case "true", "True", "TRUE":
			return true
		case "false", "False", "FALSE":
			return false
		}
	}
	r.errorf(n, yamlnode.Join(prefix, key), "want true or false, got %s", yamlnode.Describe(n))
	return false
}

func (r *reader) list(m map[string]*yaml.Node, key, prefix string) []*yaml.Node {
	n, ok := m[key]
	if !ok {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, yamlnode.Join(prefix, key), "want a list, got %s", yamlnode.Describe(n))
		return nil
	}
	return n.Content
}
