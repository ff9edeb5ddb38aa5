package gqlhttp

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bound the work one request may ask for. MaxTokens is checked while
// parsing and MaxFields on the parsed document before it is validated, so
// that validation's cost is linear and bounded; the others after validation
// and before anything is resolved. A zero field is no limit.
type Limits struct {
	// MaxFields bounds the selections of a document with its fragments
	// expanded (see CountSelections), which bounds the cost of validating
	// it.
	MaxFields int
	// MaxDepth is the deepest nesting of fields (a root field is depth 1).
	MaxDepth int
	// MaxComplexity bounds the cost of an operation (see Measure).
	MaxComplexity int
	// MaxAliases bounds how many fields are selected under an alias, the
	// cheap way to ask for one expensive field many times.
	MaxAliases int
	// MaxTokens bounds the lexical tokens of a document, which caps the cost
	// of parsing and validating it before any other limit can be checked.
	MaxTokens int
}

// ListFactor is what a list field without a `first` argument multiplies the
// cost of its selection by: such lists (aliases of honours, evidence,
// recipients) are short, but not free.
const ListFactor = 10

// Cost is what Measure finds in an operation.
type Cost struct {
	Depth         int  // deepest nesting of fields
	Complexity    int  // see Measure
	Aliases       int  // fields selected under an alias other than their name
	Introspection bool // whether __schema or __type is selected
}

// Measure walks the operation op of doc, fragments included, and returns its
// cost. Each field costs 1 plus the cost of its selection; a field with a
// `first` argument multiplies the cost of its selection by the page size it
// asks for (at most maxFirst when maxFirst > 0, since the resolvers refuse
// larger pages themselves), or when it asks none by ListFactor, or by its
// schema default when that is smaller (as a default lowered to -max-first
// by graph.NewExecutableSchema is), and a list of objects without a `first`
// argument by ListFactor; the lists inside a connection are its page and
// are not multiplied again. Introspection fields count as one field: their
// size is bounded by the schema and by the validator's introspection depth
// rule. Each fragment is measured once, so a document that spreads the same
// fragment many times costs its measurement nothing extra.
func Measure(op *ast.OperationDefinition, vars map[string]any, maxFirst int) Cost {
	m := &measurer{vars: vars, maxFirst: maxFirst, frags: map[string]*Cost{}}
	c := m.selectionSet(op.SelectionSet)
	c.Introspection = m.introspection
	return c
}

type measurer struct {
	vars          map[string]any
	maxFirst      int
	frags         map[string]*Cost // memo; a nil entry marks one being measured
	introspection bool
}

func (m *measurer) selectionSet(set ast.SelectionSet) Cost {
	var c Cost
	add := func(d Cost) {
		c.Depth = max(c.Depth, d.Depth)
		c.Complexity = satAdd(c.Complexity, d.Complexity)
		c.Aliases = satAdd(c.Aliases, d.Aliases)
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			add(m.field(s))
		case *ast.InlineFragment:
			add(m.selectionSet(s.SelectionSet))
		case *ast.FragmentSpread:
			add(m.fragment(s))
		}
	}
	return c
}

func (m *measurer) fragment(s *ast.FragmentSpread) Cost {
	if c, ok := m.frags[s.Name]; ok {
		if c == nil { // a cycle; validation refuses those before we run
			return Cost{}
		}
		return *c
	}
	if s.Definition == nil {
		return Cost{}
	}
	m.frags[s.Name] = nil
	c := m.selectionSet(s.Definition.SelectionSet)
	m.frags[s.Name] = &c
	return c
}

func (m *measurer) field(f *ast.Field) Cost {
	c := Cost{Depth: 1, Complexity: 1}
	if f.Alias != "" && f.Alias != f.Name {
		c.Aliases = 1
	}
	if strings.HasPrefix(f.Name, "__") {
		if f.Name == "__schema" || f.Name == "__type" {
			m.introspection = true
		}
		return c
	}
	child := m.selectionSet(f.SelectionSet)
	c.Depth = satAdd(1, child.Depth)
	c.Aliases = satAdd(c.Aliases, child.Aliases)
	c.Complexity = satAdd(1, satMul(m.multiplier(f), child.Complexity))
	return c
}

// multiplier is how many times a field's selection is resolved at most.
func (m *measurer) multiplier(f *ast.Field) int {
	def := f.Definition
	if def == nil || len(f.SelectionSet) == 0 {
		return 1
	}
	if arg := def.Arguments.ForName("first"); arg != nil {
		n, ok := 0, false
		// Read the one argument rather than f.ArgumentMap, which panics on
		// a literal it cannot convert.
		if a := f.Arguments.ForName("first"); a != nil && a.Value != nil {
			if a.Value.Kind == ast.Variable {
				n, ok = intValue(m.vars[a.Value.Raw])
			} else if v, err := a.Value.Value(m.vars); err == nil {
				n, ok = intValue(v)
			}
		}
		if !ok && arg.DefaultValue != nil {
			// The default is a ceiling, not a size: lists a client did not
			// size count like any other list, so an ordinary exploring query
			// stays under the limit; a client asking for big pages says so.
			// A default below ListFactor (one clamped to -max-first, see
			// graph.NewExecutableSchema) is the most the list can hold.
			n, ok = ListFactor, true
			if d, err := strconv.Atoi(arg.DefaultValue.Raw); err == nil {
				n = min(n, d)
			}
		}
		if !ok { // no default: assume the largest page
			n = m.maxFirst
			if n == 0 {
				n = ListFactor
			}
		}
		n = max(n, 0)
		if m.maxFirst > 0 {
			n = min(n, m.maxFirst)
		}
		return n
	}
	if def.Type.Elem != nil && !(f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection")) {
		return ListFactor
	}
	return 1
}

func intValue(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(max(min(n, math.MaxInt32), math.MinInt32)), true
	case float64:
		return int(max(min(n, math.MaxInt32), math.MinInt32)), true
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return intValue(i)
		}
	}
	return 0, false
}

// Costs saturate well below overflow, so no crafted query wraps around to a
// small number.
const costCap = math.MaxInt32

func satAdd(a, b int) int { return min(a+b, costCap) }

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCap/b {
		return costCap
	}
	return min(a*b, costCap)
}

// limitsExtension refuses a document with too many selections before it is
// validated, and an operation over the other limits, or introspection when
// it is off, before it is executed: each refusal is a request error with a
// code.
type limitsExtension struct {
	limits        Limits
	maxFirst      int
	introspection bool
	// cache holds the documents gqlgen has parsed and validated: those were
	// counted when they were new.
	cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = limitsExtension{}

func (limitsExtension) ExtensionName() string                   { return "CivicgraphLimits" }
func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters runs before gqlgen parses and validates the
// document: it parses the document itself (within the token limit) and
// refuses it when it selects more than MaxFields. A document that does not
// parse is left to gqlgen, which says why.
func (e limitsExtension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	limit := e.limits.MaxFields
	if limit <= 0 {
		return nil
	}
	if e.cache != nil {
		if _, ok := e.cache.Get(ctx, p.Query); ok {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, e.limits.MaxTokens)
	if err != nil {
		return nil
	}
	if n := CountSelections(doc); n > limit {
		return requestError(graph.LimitExceeded, "the query selects %d fields, more than the limit of %d (a fragment's fields count again wherever it is spread, and each spread or inline fragment counts one): select fewer fields, or spread fewer fragments", n, limit)
	}
	return nil
}

func (e limitsExtension) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	c := Measure(opCtx.Operation, opCtx.Variables, e.maxFirst)
	l := e.limits
	switch {
	case c.Introspection && !e.introspection:
		return requestError(graph.BadUserInput, "introspection is disabled on this server")
	case l.MaxDepth > 0 && c.Depth > l.MaxDepth:
		return requestError(graph.LimitExceeded, "the query is %d fields deep, more than the limit of %d", c.Depth, l.MaxDepth)
	case l.MaxAliases > 0 && c.Aliases > l.MaxAliases:
		return requestError(graph.LimitExceeded, "the query uses %d aliases, more than the limit of %d", c.Aliases, l.MaxAliases)
	case l.MaxComplexity > 0 && c.Complexity > l.MaxComplexity:
		return requestError(graph.LimitExceeded, "the query has complexity %d, more than the limit of %d (each field costs 1, and a list multiplies the cost of its fields by its `first`, or by %d without one): ask for smaller pages or fewer nested lists", c.Complexity, l.MaxComplexity, ListFactor)
	}
	return nil
}
