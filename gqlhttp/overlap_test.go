package gqlhttp

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// overlapCase is a document and the errors OverlappingFieldsCanBeMerged
// must report on it.
type overlapCase struct {
	name   string
	schema string // a key of overlapSchemas
	query  string
	errors []overlapError
}

// overlapError is one error: its message, and the lines its first location
// may be on.
type overlapError struct {
	message string
	lines   []int
}

// overlapSchemas are the schemas of the cases: the specs' and ours.
var overlapSchemas = func() map[string]*ast.Schema {
	m := map[string]*ast.Schema{}
	for name, src := range overlapSpecSchemas {
		m[name] = gqlparser.MustLoadSchema(&ast.Source{Name: name, Input: src})
	}
	m["fieldCollection"] = gqlparser.MustLoadSchema(&ast.Source{Name: "fieldCollection", Input: fieldCollectionSchema})
	return m
}()

// fieldCollectionSchema is gqlparser's field_iteration_test.go schema.
const fieldCollectionSchema = `
type Query { item: Item otherItem: Item result: Result }
interface Item { id: ID! name: String child: Item value(arg: Int): String }
type A implements Item { id: ID! name: String child: Item value(arg: Int): String a: String }
type B implements Item { id: ID! name: String child: Item value(arg: Int): String b: String }
union Result = A | B
`

// overlapOwnCases are gqlparser's field iteration cases (field_iteration_test.go,
// whose expected errors it only matches in part; here in full) and ours.
var overlapOwnCases = []overlapCase{
	{name: "OKRepeatedFragmentOnDifferentPaths", schema: "fieldCollection", query: `{
				item { ...Shared ...Shared }
				otherItem { ...Shared }
			} fragment Shared on Item { id child { id } }`},
	{name: "ErrNestedAliasConflictBetweenFragments", schema: "fieldCollection", query: `{ item { ...Left ...Right } }
				fragment Left on Item { child { same: id } }
				fragment Right on Item { child { same: name } }`,
		errors: []overlapError{{`Fields "child" conflict because subfields "same" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}}}},
	{name: "ErrArgumentConflictBetweenFragments", schema: "fieldCollection", query: `{ item { ...Left ...Right } }
				fragment Left on Item { value(arg: 1) }
				fragment Right on Item { value(arg: 2) }`,
		errors: []overlapError{{`Fields "value" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}}}},
	{name: "OKMutuallyExclusiveTypesThroughASharedFragment", schema: "fieldCollection", query: `{ result { ...Shared ...Shared } }
				fragment Shared on Result {
					... on A { same: a }
					... on B { same: b }
				}`},
	{name: "OKSharedFragmentAcrossOperationsWithDifferentVariableDefaults", schema: "fieldCollection", query: `query First($arg: Int = 1) { item { ...Shared } }
				query Second($arg: Int = 2) { item { ...Shared } }
				fragment Shared on Item { value(arg: $arg) child { id } }`},
	{name: "OKRecursiveFragmentIsAnotherRulesError", schema: "fieldCollection", query: `{ item { ...Shared } }
				fragment Shared on Item { id ...Shared }`},
	{name: "ErrConflictOrderWithinOneCollection", schema: "fieldCollection", query: `{ item {
				first: id first: name
				second: id second: name
			} }`,
		errors: []overlapError{
			{`Fields "first" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{2}},
			{`Fields "second" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3}},
		}},
	{name: "ErrConflictOrderBetweenCollections", schema: "fieldCollection", query: `{ item { first: id second: id ...Names } }
				fragment Names on Item { first: name second: name }`,
		errors: []overlapError{
			{`Fields "first" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{1, 2}},
			{`Fields "second" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{1, 2}},
		}},
	// Ours. A field repeated many times is one node, and one conflict with
	// another field is reported once where gqlparser reports it for each
	// copy.
	{name: "OKRepeatedField", schema: "fieldCollection", query: "{" + strings.Repeat(" item { id }", 300) + " }"},
	{name: "ErrRepeatedFieldAndOneOther", schema: "fieldCollection", query: "{" + strings.Repeat(" item { id }", 300) + "\n item: otherItem { id } }",
		errors: []overlapError{{`Fields "item" conflict because "item" and "otherItem" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{1, 2}}}},
	{name: "ErrRepeatedFieldDeepConflict", schema: "fieldCollection", query: "{" + strings.Repeat(" item { child { id } }", 300) + "\n item { child { id: name } } }",
		errors: []overlapError{{`Fields "item" conflict because subfields "child" conflict because subfields "id" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{1, 2}}}},
	// An interface's field must merge with each implementation's; two
	// implementations need not merge with each other.
	{name: "ErrAbstractBetweenTwoExclusiveTypes", schema: "fieldCollection", query: `{ item {
				... on A { same: a }
				... on B { same: b }
				same: name
			} }`,
		errors: []overlapError{
			{`Fields "same" conflict because "a" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 4}},
			{`Fields "same" conflict because "b" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		}},
	{name: "ErrAbstractBetweenTwoExclusiveTypesDeep", schema: "fieldCollection", query: `{ item {
				... on A { child { x: id } }
				... on B { child { x: name } }
				child { x: id }
			} }`,
		errors: []overlapError{
			{`Fields "child" conflict because subfields "x" conflict because "name" and "id" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
			// A's and B's need not be one field, but one shape.
			{`Fields "child" conflict because subfields "x" conflict because they return conflicting types "ID!" and "String". Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}},
		}},
	{name: "ErrExclusiveTypesDeep", schema: "fieldCollection", query: `{ result {
				... on A { child { x: id } }
				... on B { child { x: name } }
			} }`,
		errors: []overlapError{{`Fields "child" conflict because subfields "x" conflict because they return conflicting types "ID!" and "String". Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}}}},
	// The same subtree under a type and under its interface: its own
	// conflict is reported in each copy; gqlparser also reports the copies
	// against each other, the same conflict again.
	{name: "ErrRepeatedSubtreeUnderTypes", schema: "fieldCollection", query: `{ item {
				... on A { child { x: id x: name } }
				child { x: id x: name }
			} }`,
		errors: []overlapError{
			{`Fields "x" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{2}},
			{`Fields "x" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3}},
		}},
	// Below an unknown field (another rule's error) fields have no parent
	// type: gqlparser compares none of them, nor does this rule (found by
	// FuzzOverlappingFields).
	{name: "OKUnknownTypeNotCompared", schema: "fieldCollection", query: `{ item { nope { x { a: id } x { a: name } } } }`},
	// Fragments of fragments: expanded, each many times, without conflict.
	{name: "OKNestedFragments", schema: "fieldCollection", query: `{ item { ...F1 ...F1 } otherItem { ...F1 } }
				fragment F1 on Item { ...F2 ...F2 child { ...F2 } }
				fragment F2 on Item { ...F3 ...F3 child { ...F3 } }
				fragment F3 on Item { id child { id name } }`},
	// A cycle is NoFragmentCycles' to report; this rule ends.
	{name: "OKCycleThroughThreeFragments", schema: "fieldCollection", query: `{ item { ...F1 } }
				fragment F1 on Item { child { ...F2 } }
				fragment F2 on Item { child { ...F3 } id }
				fragment F3 on Item { child { ...F1 ...F2 } id }`},
	{name: "ErrConflictInUnusedFragment", schema: "fieldCollection", query: `{ item { id } }
				fragment Unused on Item { child { x: id } child { x: name } }`,
		errors: []overlapError{{`Fields "child" conflict because subfields "x" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{2}}}},
	// Deeper in a fragment no operation spreads, which gqlparser does not
	// check (found by FuzzOverlappingFields).
	{name: "ErrConflictNestedInUnusedFragment", schema: "fieldCollection", query: `{ item { id } }
				fragment Unused on Item { child { child { x: id } child { x: name } } }`,
		errors: []overlapError{{`Fields "child" conflict because subfields "x" conflict because "id" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{2}}}},
}

func TestOverlappingFieldsRule(t *testing.T) {
	for _, tt := range slices.Concat(overlapSpecCases, overlapOwnCases) {
		t.Run(tt.name, func(t *testing.T) {
			got := overlapErrors(t, overlapSchemas[tt.schema], tt.query, OverlappingFieldsRule)
			checkOverlapErrors(t, got, tt.errors)
		})
	}
}

// The table is gqlparser's expectations: its own rule meets them too,
// except where it reports a conflict once for each copy of a field.
func TestOverlappingFieldsTable(t *testing.T) {
	skip := map[string]bool{"ErrRepeatedFieldAndOneOther": true, "ErrRepeatedFieldDeepConflict": true, "ErrRepeatedSubtreeUnderTypes": true,
		"ErrConflictNestedInUnusedFragment": true}
	for _, tt := range slices.Concat(overlapSpecCases, overlapOwnCases) {
		if skip[tt.name] {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			got := overlapErrors(t, overlapSchemas[tt.schema], tt.query, rules.OverlappingFieldsCanBeMergedRule)
			checkOverlapErrors(t, got, tt.errors)
		})
	}
}

// overlapErrors validates query against schema with gqlparser's rules, rule
// in place of its OverlappingFieldsCanBeMerged, and returns that rule's
// errors.
func overlapErrors(t testing.TB, schema *ast.Schema, query string, rule core.Rule) gqlerror.List {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatal(err)
	}
	r := rules.NewDefaultRules()
	r.ReplaceRule(rule.Name, rule.RuleFunc)
	var got gqlerror.List
	for _, e := range validator.ValidateWithRules(schema, doc, r) {
		if e.Rule == rule.Name {
			got = append(got, e)
		}
	}
	return got
}

func checkOverlapErrors(t *testing.T, got gqlerror.List, want []overlapError) {
	t.Helper()
	msgs := func(n int, msg func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = msg(i)
		}
		slices.Sort(out)
		return out
	}
	gotMsgs := msgs(len(got), func(i int) string { return got[i].Message })
	wantMsgs := msgs(len(want), func(i int) string { return want[i].message })
	if !slices.Equal(gotMsgs, wantMsgs) {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(gotMsgs, "\n"), strings.Join(wantMsgs, "\n"))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if g.Message == w.message && len(g.Locations) > 0 && slices.Contains(w.lines, g.Locations[0].Line) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no error located on lines %v: %v", w.message, w.lines, got)
		}
	}
}

// The rule's answer does not depend on how many times a field is repeated,
// and its cost grows with the document, not with its square: 3,000 copies
// of a field, each with a conflict-free subselection, are one node.
func TestOverlappingFieldsRepeated(t *testing.T) {
	schema := overlapSchemas["fieldCollection"]
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"OKFields3000", "{" + strings.Repeat(" item { id }", 3000) + " }", 0},
		{"OKAliases3000", "{" + aliases(3000, "item { id }") + " }", 0},
		{"ErrArguments3000", "{ item {" + strings.Repeat(" value(arg: 1)", 3000) + " value(arg: 2) } }", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			validator.ValidateWithRules(schema, doc, ValidationRules()) // sets the fields' definitions
			c := newOverlapChecker(schema, doc)
			if !c.check() {
				t.Fatal("the checker gave up")
			}
			if len(c.conflicts) != tt.want {
				t.Errorf("%d conflicts, want %d", len(c.conflicts), tt.want)
			}
			if c.compares > 3 {
				t.Errorf("%d comparisons of distinct fields, want at most 3", c.compares)
			}
		})
	}
}

// 300 calls of one field with 300 different arguments conflict pairwise:
// gqlparser reports all 44,850 pairs; this rule stops at maxConflicts.
func TestOverlappingFieldsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ item {")
	for i := range 300 {
		fmt.Fprintf(&b, " value(arg: %d)", i)
	}
	b.WriteString(" } }")
	got := overlapErrors(t, overlapSchemas["fieldCollection"], b.String(), OverlappingFieldsRule)
	if len(got) != maxConflicts {
		t.Errorf("%d errors, want %d", len(got), maxConflicts)
	}
}

// A document whose fragments multiply past the rule's bound is checked by
// gqlparser's rule instead, which never expands them: the answer is the
// same, and comes.
func TestOverlappingFieldsFallback(t *testing.T) {
	schema := overlapSchemas["fieldCollection"]
	tests := []struct {
		name string
		conf string // a conflict at the bottom, or none
		want int
	}{
		{"OKExponential", "", 0},
		{"ErrExponential", " x: id x: name", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// F0 selects a and b, each spreading F1, and so on: 2^20 paths.
			var b strings.Builder
			b.WriteString("{ item { ...F0 } }")
			const n = 20
			for i := range n {
				if i == n-1 {
					fmt.Fprintf(&b, " fragment F%d on Item { id%s }", i, tt.conf)
				} else {
					fmt.Fprintf(&b, " fragment F%d on Item { a: child { ...F%d } b: child { ...F%d } }", i, i+1, i+1)
				}
			}
			got := overlapErrors(t, schema, b.String(), OverlappingFieldsRule)
			if len(got) != tt.want {
				t.Errorf("%d errors, want %d: %v", len(got), tt.want, got)
			}
			doc, err := parser.ParseQuery(&ast.Source{Input: b.String()})
			if err != nil {
				t.Fatal(err)
			}
			validator.ValidateWithRules(schema, doc, ValidationRules())
			if newOverlapChecker(schema, doc).check() {
				t.Error("the checker expanded 2^20 paths: want it to leave them to gqlparser's rule")
			}
		})
	}
}

func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	return b.String()
}
