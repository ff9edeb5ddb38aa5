package gqlhttp

import "github.com/vektah/gqlparser/v2/ast"

// CountSelections is how many selections validating doc visits: every
// field, fragment spread and inline fragment of every operation and of every
// fragment definition, where a fragment spread also counts the selections
// of its fragment, each time it is spread (nested spreads multiply). This
// is what bounds validation: gqlparser walks each operation with its
// fragments and each fragment definition on its own, and the
// overlapping-fields rule (see OverlappingFieldsRule) compares the fields of
// an operation with its fragments expanded.
//
// It takes time linear in the size of doc: each fragment is counted once,
// and its count reused wherever it is spread. A spread of a fragment that
// is being counted (a cycle, which validation refuses) and of an unknown
// fragment counts one. The count saturates at costCap.
func CountSelections(doc *ast.QueryDocument) int {
	c := counter{frags: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)), memo: map[string]int{}}
	for _, f := range doc.Fragments {
		if _, ok := c.frags[f.Name]; !ok { // the first of a name, as validation does
			c.frags[f.Name] = f
		}
	}
	n := 0
	for _, op := range doc.Operations {
		n = satAdd(n, c.set(op.SelectionSet))
	}
	for _, f := range doc.Fragments {
		n = satAdd(n, c.fragment(f.Name))
	}
	return n
}

// inProgress marks a fragment being counted in counter.memo.
const inProgress = -1

type counter struct {
	frags map[string]*ast.FragmentDefinition
	memo  map[string]int // selections of a fragment's selection set
}

func (c *counter) set(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		n = satAdd(n, 1)
		switch s := sel.(type) {
		case *ast.Field:
			n = satAdd(n, c.set(s.SelectionSet))
		case *ast.InlineFragment:
			n = satAdd(n, c.set(s.SelectionSet))
		case *ast.FragmentSpread:
			n = satAdd(n, c.fragment(s.Name))
		}
	}
	return n
}

func (c *counter) fragment(name string) int {
	if n, ok := c.memo[name]; ok {
		return max(n, 0) // a cycle counts nothing more
	}
	f := c.frags[name]
	if f == nil {
		return 0
	}
	c.memo[name] = inProgress
	n := c.set(f.SelectionSet)
	c.memo[name] = n
	return n
}
