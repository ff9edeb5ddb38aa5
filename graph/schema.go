package graph

import (
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/graph/generated"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// NewExecutableSchema returns schema.graphqls resolved by r. Its page sizes
// never exceed r.MaxFirst: a `first` argument whose default is larger
// defaults to r.MaxFirst instead, in the schema clients introspect, in the
// value resolvers receive when a query passes none, and in what the cost
// estimate assumes; an explicit larger `first` is still an error.
func NewExecutableSchema(r *Resolver) graphql.ExecutableSchema {
	cfg := generated.Config{Resolvers: r}
	if schema := generated.NewExecutableSchema(cfg).Schema(); r.MaxFirst > 0 && largestFirstDefault(schema) > r.MaxFirst {
		// The generated schema is shared by the whole process: clamp a copy.
		cfg.Schema = clampFirstDefaults(copySchema(schema), r.MaxFirst)
	}
	return generated.NewExecutableSchema(cfg)
}

// firstDefaults calls f with each `first` argument that has an integer
// default, and that default.
func firstDefaults(schema *ast.Schema, f func(arg *ast.ArgumentDefinition, def int)) {
	for _, t := range schema.Types {
		for _, field := range t.Fields {
			arg := field.Arguments.ForName("first")
			if arg == nil || arg.DefaultValue == nil || arg.DefaultValue.Kind != ast.IntValue {
				continue
			}
			if n, err := strconv.Atoi(arg.DefaultValue.Raw); err == nil {
				f(arg, n)
			}
		}
	}
}

func largestFirstDefault(schema *ast.Schema) int {
	largest := 0
	firstDefaults(schema, func(_ *ast.ArgumentDefinition, n int) { largest = max(largest, n) })
	return largest
}

// clampFirstDefaults lowers every `first` default above maxFirst to it.
func clampFirstDefaults(schema *ast.Schema, maxFirst int) *ast.Schema {
	firstDefaults(schema, func(arg *ast.ArgumentDefinition, n int) {
		if n > maxFirst {
			v := *arg.DefaultValue
			v.Raw = strconv.Itoa(maxFirst)
			arg.DefaultValue = &v
		}
	})
	return schema
}

// copySchema parses the sources of schema again: a copy sharing nothing
// with it.
func copySchema(schema *ast.Schema) *ast.Schema {
	var sources []*ast.Source
	seen := map[*ast.Source]bool{}
	for _, t := range schema.Types {
		if t.Position == nil || t.Position.Src == nil || t.Position.Src.BuiltIn || seen[t.Position.Src] {
			continue
		}
		seen[t.Position.Src] = true
		sources = append(sources, t.Position.Src)
	}
	slices.SortFunc(sources, func(a, b *ast.Source) int { return strings.Compare(a.Name, b.Name) })
	return gqlparser.MustLoadSchema(sources...)
}
