package gqlhttp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// BenchmarkParseValidate is what a new document costs before any limit
// but the token and field limits can be checked: parsing and validating it,
// with this package's rules and with gqlparser's, for n repeated fields
// (`{ graphVersion graphVersion … }`), n aliases (`{ a0: graphVersion
// a1: graphVersion … }`) and n repeated fields with a selection
// (`{ entity(id: "x") { name } … }`), up to 3,000 (limits raised: 3,000 is
// over the default -max-fields). Each size is about 3× the one before:
// with a linear cost each time is about 3× the one before too.
func BenchmarkParseValidate(b *testing.B) {
	schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: 1000}).Schema()
	shapes := []struct {
		name  string
		query func(n int) string
	}{
		{"fields", func(n int) string { return "{" + strings.Repeat(" graphVersion", n) + " }" }},
		{"aliases", func(n int) string { return "{" + aliases(n, "graphVersion") + " }" }},
		{"subfields", func(n int) string { return "{" + strings.Repeat(` entity(id: "x") { name }`, n/2) + " }" }},
	}
	ruleSets := []struct {
		name  string
		rules func() *rules.Rules
	}{
		{"linear", ValidationRules},
		{"gqlparser", rules.NewDefaultRules},
	}
	for _, rs := range ruleSets {
		for _, shape := range shapes {
			for _, n := range []int{100, 300, 1000, 3000} {
				query := shape.query(n)
				b.Run(fmt.Sprintf("rules=%s/shape=%s/n=%d", rs.name, shape.name, n), func(b *testing.B) {
					for b.Loop() {
						doc, err := parser.ParseQuery(&ast.Source{Input: query})
						if err != nil {
							b.Fatal(err)
						}
						if errs := validator.ValidateWithRules(schema, doc, rs.rules()); len(errs) > 0 {
							b.Fatal(errs)
						}
					}
				})
			}
		}
	}
}

// BenchmarkParseValidateTypes is the worst document known for the rule:
// at each of d levels a subtree under an interface and another under one
// of its implementations, all different, so that no two can be merged or
// skipped and each must be compared with each (n selections, about 2^d·4).
// Telling whether any pair of those conflicts is as hard as the orthogonal
// vectors problem, so no rule is linear here: the cost grows about as n²,
// like gqlparser's, and the field limit bounds it.
func BenchmarkParseValidateTypes(b *testing.B) {
	schema := graph.NewExecutableSchema(&graph.Resolver{MaxFirst: 1000}).Schema()
	for _, d := range []int{6, 7, 8} {
		leaf := 0
		var level func(d int) string
		level = func(d int) string {
			if d == 0 {
				leaf++
				return fmt.Sprintf("n%d: name", leaf)
			}
			return "relations { target { ... on Person { " + level(d-1) + " } " + level(d-1) + " } }"
		}
		query := `{ entity(id: "x") { ` + level(d) + ` } }`
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			b.Fatal(err)
		}
		n := CountSelections(doc)
		for _, rs := range []struct {
			name  string
			rules func() *rules.Rules
		}{{"linear", ValidationRules}, {"gqlparser", rules.NewDefaultRules}} {
			b.Run(fmt.Sprintf("rules=%s/n=%d", rs.name, n), func(b *testing.B) {
				for b.Loop() {
					doc, err := parser.ParseQuery(&ast.Source{Input: query})
					if err != nil {
						b.Fatal(err)
					}
					if errs := validator.ValidateWithRules(schema, doc, rs.rules()); len(errs) > 0 {
						b.Fatal(errs)
					}
				}
			})
		}
	}
}

// BenchmarkCountSelections is the field limit's cost: linear, and a small
// part of parsing.
func BenchmarkCountSelections(b *testing.B) {
	for _, n := range []int{100, 1000, 3000} {
		doc, err := parser.ParseQuery(&ast.Source{Input: "{" + strings.Repeat(" graphVersion", n) + " }"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				CountSelections(doc)
			}
		})
	}
}
