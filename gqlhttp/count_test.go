package gqlhttp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestCountSelections(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"OKOneField", `{ graphVersion }`, 1},
		{"OKDuplicates", "{" + strings.Repeat(" graphVersion", 3000) + " }", 3000},
		{"OKAliases", "{" + aliases(100, "graphVersion") + " }", 100},
		{"OKNested", `{ entity(id: "x") { name relations { target { name } } } }`, 5},
		// The inline fragment counts one, its field one.
		{"OKInlineFragment", `{ entity(id: "x") { ... on Person { name } } }`, 3},
		// entity, then each spread and the fragment's two fields, twice;
		// then the fragment definition on its own.
		{"OKSpreadTwice", `{ entity(id: "x") { ...F ...F } } fragment F on Entity { name aliases }`, 1 + 2*(1+2) + 2},
		{"OKFragmentInFragment", `{ ...A } fragment A on Query { ...B ...B } fragment B on Query { graphVersion }`,
			(1 + 2*(1+1)) + 2*(1+1) + 1},
		{"OKOperations", `query A { graphVersion } query B { graphVersion graphVersion }`, 3},
		{"OKUnknownFragment", `{ ...Nowhere }`, 1},
		// A cycle is counted once around and left to validation.
		{"OKCycle", `{ ...A } fragment A on Query { graphVersion ...B } fragment B on Query { ...A }`, 4 + 3 + 1},
		{"OKSelfSpread", `fragment A on Query { ...A }`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if got := CountSelections(doc); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// Spreads that double at each of 60 fragments name 2^60 fields: counting
// them takes no time and saturates.
func TestCountSelectionsSaturates(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: doublingFragments(60, "graphVersion")})
	if err != nil {
		t.Fatal(err)
	}
	if got := CountSelections(doc); got != costCap {
		t.Errorf("got %d, want the cap %d", got, costCap)
	}
}

// doublingFragments is a query spreading F0, where each fragment spreads
// the next twice and the last selects leaf: 2^n copies of leaf.
func doublingFragments(n int, leaf string) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := range n {
		next := leaf
		if i < n-1 {
			next = fmt.Sprintf("...F%d ...F%d", i+1, i+1)
		}
		fmt.Fprintf(&b, " fragment F%d on Query { %s }", i, next)
	}
	return b.String()
}
