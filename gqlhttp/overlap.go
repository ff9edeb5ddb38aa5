package gqlhttp

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// ValidationRules is gqlparser's default rule set with its
// OverlappingFieldsCanBeMerged rule replaced by OverlappingFieldsRule, for
// gqlgen's SetValidationRulesFn.
func ValidationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.ReplaceRule(OverlappingFieldsRule.Name, OverlappingFieldsRule.RuleFunc)
	return r
}

// OverlappingFieldsRule is the GraphQL spec's "Field Selection Merging"
// rule (FieldsInSetCanMerge, SameResponseShape), with gqlparser's messages,
// at a cost that grows with the document's selections with its fragments
// expanded (which CountSelections counts and Limits.MaxFields bounds), not
// with their square. gqlparser's rule, like graphql-js's, compares the
// fields of one response name pairwise: a document that repeats one field
// n times costs n² comparisons, and 3,000 copies most of a second.
//
// This one expands each operation into a tree of nodes, found with hash
// maps: one node per response path, parent type and field (name and
// arguments). Every occurrence of the same field under the same parent type
// is one node, and the selection sets of its occurrences are merged into
// the node's children, as the spec's algorithm merges them. Occurrences of
// one node cannot conflict, so only the distinct nodes of one response name
// are compared with each other: a few in a valid document (at most one per
// parent type), and any two that differ are a conflict. Nodes of different
// parent types that could apply to the same object (the same type, or
// either abstract) must be the same field, and their children are compared
// the same way; nodes of two object types need only the same response
// shape. Children are compared once per pair of shapes of subtrees, so that
// copies of one subtree under several types cost one comparison.
//
// Repeated fields, aliases and repeated subtrees therefore cost linear
// time. What no rule can make linear (deciding whether any two of many
// different subtrees, nested under an interface and its implementations,
// conflict is as hard as the orthogonal vectors problem) costs at worst a
// comparison per pair of nodes of one response path, like gqlparser's
// rule, and the field limit bounds it (see BenchmarkParseValidateTypes).
//
// A conflict is reported as gqlparser reports it: at the nearest selection
// set (or fragment) both fields are in, as one error per pair of fields
// there, with the pairs of subfields below it that conflict, in the same
// words; the rule's tests are graphql-js's and gqlparser's cases for it.
// Where gqlparser reports a conflict once for each copy of a repeated field
// or subtree, this reports it once, and it reports at most maxConflicts.
//
// A document whose expansion exceeds maxNodes nodes, or its comparisons
// maxComparisons (far above what Limits.MaxFields allows), is left to
// gqlparser's rule, which never expands fragments.
var OverlappingFieldsRule = core.Rule{
	Name: "OverlappingFieldsCanBeMerged",
	RuleFunc: func(observers *core.Events, addError core.AddErrFunc) {
		// Everything is checked once the walk is over, when every field
		// knows its definition: the walk visits the operations, then the
		// fragment definitions.
		observers.OnOperation(func(w *core.Walker, op *ast.OperationDefinition) {
			if len(w.Document.Fragments) == 0 && op == w.Document.Operations[len(w.Document.Operations)-1] {
				checkOverlaps(w, addError)
			}
		})
		observers.OnFragment(func(w *core.Walker, f *ast.FragmentDefinition) {
			if f == w.Document.Fragments[len(w.Document.Fragments)-1] {
				checkOverlaps(w, addError)
			}
		})
	},
}

// Bounds of one check: past maxNodes nodes (or maxComparisons comparisons)
// gqlparser's rule checks the document instead; maxConflicts conflicts end
// the check. With the default field limit, a check has at most about a
// thousand nodes.
const (
	maxNodes       = 1 << 16
	maxComparisons = 1 << 20
	maxConflicts   = 100
)

func checkOverlaps(w *core.Walker, addError core.AddErrFunc) {
	c := newOverlapChecker(w.Schema, w.Document)
	if !c.check() {
		events := &core.Events{}
		rules.OverlappingFieldsCanBeMergedRule.RuleFunc(events, addError)
		core.Walk(w.Schema, w.Document, events)
		return
	}
	c.report(addError)
}

// occurrence is one field of the expanded document: an AST field reached
// from its parent occurrence's selection set through zero or more fragment
// spreads. The root of a check is an occurrence without a field.
type occurrence struct {
	field   *ast.Field
	parent  *occurrence
	spreads *spreadPath             // from the parent's selection set to field, innermost first
	frag    *ast.FragmentDefinition // the root of a fragment's own check: the fragment
}

type spreadPath struct {
	spread *ast.FragmentSpread
	outer  *spreadPath
}

// node is the occurrences of one response path with the same parent type
// and the same field name and arguments, in document order: any two could
// be merged, so their selection sets are the node's children together.
type node struct {
	occs       []*occurrence       // occs[0] represents the node
	fields     map[*ast.Field]bool // the fields of occs, once there are two
	parentType *ast.Definition
	key        string
	kids       []*group // nil until built
	byName     map[string]*group
	built      bool
	first      [1]*occurrence // occs' first element, without an allocation
	// kidsShape identifies the shape of the node's children: two nodes
	// whose children have the same shape have the same conflicts below
	// them (see between).
	kidsShape int
	shape     int // the node's own shape: its parent type, field and kidsShape
}

func (n *node) field() *ast.Field { return n.occs[0].field }

// has reports whether n already has an occurrence of f, and notes that it
// has one from now on.
func (n *node) has(f *ast.Field) bool {
	if n.fields == nil {
		if len(n.occs) == 0 {
			return false
		}
		n.fields = make(map[*ast.Field]bool, len(n.occs)+1)
		for _, o := range n.occs {
			n.fields[o.field] = true
		}
	}
	if n.fields[f] {
		return true
	}
	n.fields[f] = true
	return false
}

// group is the child nodes of one response name, in document order.
type group struct {
	name    string
	index   int
	nodes   []*node
	byKey   map[nodeKey]*node // nodes by parent type and key, once there are many
	untyped int               // nodes of an unknown parent type
	first   [1]*node          // nodes' first element, without an allocation
}

type conflictKind int

const (
	differentFields conflictKind = iota
	differingArguments
	conflictingTypes
)

// leafConflict is two occurrences that cannot merge, and why.
type leafConflict struct {
	a, b *occurrence
	kind conflictKind
}

type overlapChecker struct {
	schema     *ast.Schema
	doc        *ast.QueryDocument
	frags      map[string]*ast.FragmentDefinition
	cyclic     map[string]bool // fragments on a cycle of spreads
	nodes      int
	compares   int
	overflow   bool
	compared   map[[2]int]bool  // pairs of children shapes compared: true when only as exclusive
	shapes     map[string]int   // interned shapes of children
	nodeShapes map[shapeKey]int // interned shapes of nodes
	found      map[[2]*ast.Field]bool
	conflicts  []leafConflict
	alloc      arena
}

func newOverlapChecker(schema *ast.Schema, doc *ast.QueryDocument) *overlapChecker {
	c := &overlapChecker{
		schema:     schema,
		doc:        doc,
		frags:      make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		compared:   map[[2]int]bool{},
		shapes:     map[string]int{},
		nodeShapes: map[shapeKey]int{},
		found:      map[[2]*ast.Field]bool{},
	}
	for _, f := range doc.Fragments {
		if _, ok := c.frags[f.Name]; !ok {
			c.frags[f.Name] = f
		}
	}
	c.cyclic = cyclicFragments(c.frags)
	return c
}

// done reports whether the check should stop: over a bound, or with
// enough conflicts to report.
func (c *overlapChecker) done() bool { return c.overflow || len(c.conflicts) >= maxConflicts }

// check finds the conflicts of every operation, and of every fragment no
// operation spreads. It reports false when the document is too large for
// it.
func (c *overlapChecker) check() bool {
	var roots []*node
	for _, op := range c.doc.Operations {
		roots = append(roots, c.root(op.SelectionSet, nil))
	}
	reached := c.reachable()
	for _, f := range c.doc.Fragments {
		if !reached[f] { // unused, or a second definition of a name
			roots = append(roots, c.root(f.SelectionSet, f))
		}
	}
	for _, r := range roots {
		if c.build(r); c.overflow {
			return false
		}
	}
	for _, r := range roots {
		c.within(r)
	}
	return !c.overflow
}

// build makes the tree of nodes below n and notes the shape of each.
func (c *overlapChecker) build(n *node) {
	kids := c.children(n)
	if c.overflow {
		return
	}
	for _, g := range kids {
		for _, m := range g.nodes {
			if c.build(m); c.overflow {
				return
			}
		}
	}
	// The shape of the children: each response name, in order of names,
	// with the shapes of its nodes, in order of shapes (0: none).
	if len(kids) > 0 {
		sorted := slices.Clone(kids)
		slices.SortFunc(sorted, func(x, y *group) int { return strings.Compare(x.name, y.name) })
		var b strings.Builder
		var ids []int
		for _, g := range sorted {
			writeKeyString(&b, g.name)
			ids = ids[:0]
			for _, m := range g.nodes {
				ids = append(ids, m.shape)
			}
			slices.Sort(ids)
			for _, id := range ids {
				b.WriteString(strconv.Itoa(id))
				b.WriteByte(',')
			}
			b.WriteByte(';')
		}
		n.kidsShape = c.intern(b.String())
	}
	k := shapeKey{n.parentType, n.key, n.kidsShape}
	if n.shape = c.nodeShapes[k]; n.shape == 0 {
		n.shape = len(c.nodeShapes) + 1
		c.nodeShapes[k] = n.shape
	}
}

// shapeKey is what a node's shape is made of.
type shapeKey struct {
	parentType *ast.Definition
	key        string
	kidsShape  int
}

// intern identifies the shape of a node's children (0 is no children).
func (c *overlapChecker) intern(shape string) int {
	id, ok := c.shapes[shape]
	if !ok {
		id = len(c.shapes) + 1
		c.shapes[shape] = id
	}
	return id
}

// root makes the node of a selection set checked on its own.
func (c *overlapChecker) root(set ast.SelectionSet, frag *ast.FragmentDefinition) *node {
	c.nodes++
	field := &ast.Field{SelectionSet: set}
	return &node{occs: []*occurrence{{field: field, frag: frag}}}
}

// within compares the nodes of each response name among n's children, then
// checks each child the same way.
func (c *overlapChecker) within(n *node) {
	for _, g := range c.children(n) {
		typed := g.typed()
		for i, a := range typed {
			for _, b := range typed[i+1:] {
				if c.done() {
					return
				}
				c.compare(a, b, false)
			}
		}
		for _, m := range g.nodes {
			if c.done() {
				return
			}
			c.within(m)
		}
	}
}

// compare checks that two nodes of one response name can merge: when their
// parent types could be the same object (exclusive false), that they are
// the same field with the same arguments; always, that they have the same
// response shape; and then their children.
func (c *overlapChecker) compare(a, b *node, exclusive bool) {
	if c.compares++; c.compares > maxComparisons {
		c.overflow = true
		return
	}
	if a.parentType == nil || b.parentType == nil {
		return // an unknown type: another rule says so
	}
	fa, fb := a.field(), b.field()
	exclusive = exclusive || a.parentType.Name != b.parentType.Name &&
		a.parentType.Kind == ast.Object && b.parentType.Kind == ast.Object &&
		fa.Definition != nil && fb.Definition != nil
	if !exclusive {
		if fa.Name != fb.Name {
			c.record(a, b, differentFields)
			return
		}
		if a.key != b.key {
			c.record(a, b, differingArguments)
			return
		}
	}
	if fa.Definition != nil && fb.Definition != nil && typesConflict(c.schema, fa.Definition.Type, fb.Definition.Type) {
		c.record(a, b, conflictingTypes)
		return
	}
	c.between(a, b, exclusive)
}

// between compares the children of two nodes of one response path with
// each other (each node's own children are compared by within).
//
// Whether children conflict depends on their shapes alone, so each pair of
// shapes is compared once: children of another pair with the same shapes
// have the same conflicts, between other fields, which are reported once.
// And children of one shape need no comparison at all: a conflict between
// a child of a and one of b is one between two children of a, which
// within(a) finds. This keeps a document that repeats one subtree under
// several types linear: otherwise each copy is compared with each.
func (c *overlapChecker) between(a, b *node, exclusive bool) {
	if a.kidsShape == b.kidsShape {
		return
	}
	k := [2]int{min(a.kidsShape, b.kidsShape), max(a.kidsShape, b.kidsShape)}
	if onlyExclusive, ok := c.compared[k]; ok && (!onlyExclusive || exclusive) {
		return
	}
	c.compared[k] = exclusive
	ka, kb := c.children(a), c.children(b)
	if len(kb) < len(ka) {
		// Look the fewer names up among the more; compare in a's order.
		var pairs [][2]*group
		for _, gb := range kb {
			if ga := a.byName[gb.name]; ga != nil {
				pairs = append(pairs, [2]*group{ga, gb})
			}
		}
		slices.SortFunc(pairs, func(x, y [2]*group) int { return cmp.Compare(x[0].index, y[0].index) })
		for _, p := range pairs {
			c.compareGroups(p[0], p[1], exclusive)
		}
		return
	}
	for _, ga := range ka {
		if gb := b.byName[ga.name]; gb != nil {
			c.compareGroups(ga, gb, exclusive)
		}
	}
}

func (c *overlapChecker) compareGroups(ga, gb *group, exclusive bool) {
	for _, na := range ga.typed() {
		for _, nb := range gb.typed() {
			if c.done() {
				return
			}
			if na != nb {
				c.compare(na, nb, exclusive)
			}
		}
	}
}

// record notes a conflict between the representatives of two nodes, once
// per pair of fields.
func (c *overlapChecker) record(a, b *node, kind conflictKind) {
	fa, fb := a.field(), b.field()
	k := [2]*ast.Field{fa, fb}
	if fb.Position != nil && fa.Position != nil && before(fb.Position, fa.Position) {
		k = [2]*ast.Field{fb, fa}
	}
	if c.found[k] {
		return
	}
	c.found[k] = true
	c.conflicts = append(c.conflicts, leafConflict{a: a.occs[0], b: b.occs[0], kind: kind})
}

// children builds a node's children: the fields of the selection sets of
// its occurrences, fragments expanded, by response name, then by parent
// type and field.
func (c *overlapChecker) children(n *node) []*group {
	if n.built {
		return n.kids
	}
	n.built = true
	for _, o := range n.occs {
		if len(o.field.SelectionSet) == 0 {
			continue
		}
		if n.byName == nil {
			n.byName = make(map[string]*group, len(o.field.SelectionSet))
		}
		var seen map[string]bool
		c.flatten(o, o.field.SelectionSet, nil, &seen, func(f *ast.Field, spreads *spreadPath) {
			if c.overflow {
				return
			}
			g := n.byName[f.Alias]
			if g == nil {
				g = c.alloc.group()
				g.name, g.index = f.Alias, len(n.kids)
				n.byName[f.Alias] = g
				n.kids = append(n.kids, g)
			}
			// A field of an unknown type (another rule's error) is compared
			// with nothing, as in gqlparser, so it is a node of its own.
			key := fieldKey(f)
			var m *node
			if f.ObjectDefinition != nil {
				m = g.find(f.ObjectDefinition, key)
			}
			if m == nil {
				if c.nodes++; c.nodes > maxNodes {
					c.overflow = true
					return
				}
				m = c.alloc.node()
				m.parentType, m.key = f.ObjectDefinition, key
				g.add(m)
			}
			// The same field again (one fragment reached twice) has the
			// same children: one occurrence of it is enough.
			if m.has(f) {
				return
			}
			oc := c.alloc.occurrence()
			oc.field, oc.parent, oc.spreads = f, o, spreads
			m.occs = append(m.occs, oc)
		})
	}
	return n.kids
}

// typed is g's nodes of a known parent type, the ones compared.
func (g *group) typed() []*node {
	if g.untyped == 0 {
		return g.nodes
	}
	out := make([]*node, 0, len(g.nodes)-g.untyped)
	for _, m := range g.nodes {
		if m.parentType != nil {
			out = append(out, m)
		}
	}
	return out
}

// find returns g's node of a parent type and field key, if any.
func (g *group) find(parentType *ast.Definition, key string) *node {
	if g.byKey != nil {
		return g.byKey[nodeKey{parentType, key}]
	}
	for _, m := range g.nodes {
		if m.parentType == parentType && m.key == key {
			return m
		}
	}
	return nil
}

// groupScan is how many nodes a group looks through before it keeps a map.
const groupScan = 8

func (g *group) add(m *node) {
	g.nodes = append(g.nodes, m)
	if m.parentType == nil {
		g.untyped++
		return
	}
	switch {
	case g.byKey != nil:
		g.byKey[nodeKey{m.parentType, m.key}] = m
	case len(g.nodes) > groupScan:
		g.byKey = make(map[nodeKey]*node, 2*len(g.nodes))
		for _, m := range g.nodes {
			g.byKey[nodeKey{m.parentType, m.key}] = m
		}
	}
}

type nodeKey struct {
	parentType *ast.Definition
	key        string
}

// arena allocates a check's nodes, groups and occurrences in chunks.
type arena struct {
	nodes  []node
	groups []group
	occs   []occurrence
}

const arenaChunk = 64

func (a *arena) node() *node {
	if len(a.nodes) == cap(a.nodes) {
		a.nodes = make([]node, 0, arenaChunk)
	}
	a.nodes = a.nodes[:len(a.nodes)+1]
	n := &a.nodes[len(a.nodes)-1]
	n.occs = n.first[:0]
	return n
}

func (a *arena) group() *group {
	if len(a.groups) == cap(a.groups) {
		a.groups = make([]group, 0, arenaChunk)
	}
	a.groups = a.groups[:len(a.groups)+1]
	g := &a.groups[len(a.groups)-1]
	g.nodes = g.first[:0]
	return g
}

func (a *arena) occurrence() *occurrence {
	if len(a.occs) == cap(a.occs) {
		a.occs = make([]occurrence, 0, arenaChunk)
	}
	a.occs = a.occs[:len(a.occs)+1]
	return &a.occs[len(a.occs)-1]
}

// flatten calls emit with the fields of set in the order graphql-js
// compares them: the set's own fields (those in its inline fragments
// included) first, then each spread fragment's, expanded the same way. A
// fragment is expanded once per set (again it adds the same fields), and
// never inside itself.
func (c *overlapChecker) flatten(parent *occurrence, set ast.SelectionSet, spreads *spreadPath, seen *map[string]bool, emit func(*ast.Field, *spreadPath)) {
	var later []*ast.FragmentSpread
	var direct func(set ast.SelectionSet)
	direct = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				emit(s, spreads)
			case *ast.InlineFragment:
				direct(s.SelectionSet)
			case *ast.FragmentSpread:
				later = append(later, s)
			}
		}
	}
	direct(set)
	for _, s := range later {
		f := c.frags[s.Name]
		if f == nil || (*seen)[s.Name] || c.cyclic[s.Name] && c.onPath(parent, spreads, s.Name) {
			continue
		}
		if *seen == nil {
			*seen = map[string]bool{}
		}
		(*seen)[s.Name] = true
		c.flatten(parent, f.SelectionSet, &spreadPath{spread: s, outer: spreads}, seen, emit)
	}
}

// onPath reports whether fragment name is being expanded where spreads
// (below parent) are.
func (c *overlapChecker) onPath(parent *occurrence, spreads *spreadPath, name string) bool {
	for s := spreads; s != nil; s = s.outer {
		if s.spread.Name == name {
			return true
		}
	}
	for o := parent; o != nil; o = o.parent {
		if o.frag != nil && o.frag == c.frags[name] {
			return true
		}
		for s := o.spreads; s != nil; s = s.outer {
			if s.spread.Name == name {
				return true
			}
		}
	}
	return false
}

// reachable is the fragment definitions the operations spread, directly or
// not (a spread names the first definition of its name).
func (c *overlapChecker) reachable() map[*ast.FragmentDefinition]bool {
	reached := map[*ast.FragmentDefinition]bool{}
	var visit func(set ast.SelectionSet)
	visit = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				visit(s.SelectionSet)
			case *ast.InlineFragment:
				visit(s.SelectionSet)
			case *ast.FragmentSpread:
				if f := c.frags[s.Name]; f != nil && !reached[f] {
					reached[f] = true
					visit(f.SelectionSet)
				}
			}
		}
	}
	for _, op := range c.doc.Operations {
		visit(op.SelectionSet)
	}
	return reached
}

// cyclicFragments finds the fragments that spread themselves, directly or
// through others (Tarjan's strongly connected components).
func cyclicFragments(frags map[string]*ast.FragmentDefinition) map[string]bool {
	spreads := func(f *ast.FragmentDefinition) []string {
		var names []string
		var visit func(set ast.SelectionSet)
		visit = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					visit(s.SelectionSet)
				case *ast.InlineFragment:
					visit(s.SelectionSet)
				case *ast.FragmentSpread:
					if frags[s.Name] != nil {
						names = append(names, s.Name)
					}
				}
			}
		}
		visit(f.SelectionSet)
		return names
	}
	cyclic := map[string]bool{}
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var connect func(name string)
	connect = func(name string) {
		index[name] = len(index)
		low[name] = index[name]
		stack = append(stack, name)
		onStack[name] = true
		for _, next := range spreads(frags[name]) {
			if next == name {
				cyclic[name] = true
			}
			if _, seen := index[next]; !seen {
				connect(next)
				low[name] = min(low[name], low[next])
			} else if onStack[next] {
				low[name] = min(low[name], index[next])
			}
		}
		if low[name] != index[name] {
			return
		}
		i := len(stack) - 1
		for stack[i] != name {
			i--
		}
		if len(stack)-i > 1 {
			for _, m := range stack[i:] {
				cyclic[m] = true
			}
		}
		for _, m := range stack[i:] {
			onStack[m] = false
		}
		stack = stack[:i]
	}
	names := make([]string, 0, len(frags))
	for name := range frags {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, seen := index[name]; !seen {
			connect(name)
		}
	}
	return cyclic
}

// fieldKey is a field's name and arguments: equal keys are the same field
// with the same arguments, in any order (gqlparser's sameArguments).
func fieldKey(f *ast.Field) string {
	if len(f.Arguments) == 0 {
		return f.Name
	}
	if len(f.Arguments) == 1 { // the same key as below, without sorting
		var b strings.Builder
		b.Grow(len(f.Name) + 32)
		writeKeyString(&b, f.Name)
		writeKeyString(&b, f.Arguments[0].Name)
		writeValueKey(&b, f.Arguments[0].Value)
		return b.String()
	}
	args := make([]string, len(f.Arguments))
	for i, a := range f.Arguments {
		var b strings.Builder
		writeKeyString(&b, a.Name)
		writeValueKey(&b, a.Value)
		args[i] = b.String()
	}
	slices.Sort(args)
	var b strings.Builder
	writeKeyString(&b, f.Name)
	for _, a := range args {
		b.WriteString(a)
	}
	return b.String()
}

func writeKeyString(b *strings.Builder, s string) {
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte(':')
	b.WriteString(s)
}

// writeValueKey writes a value so that two values write the same iff
// gqlparser's sameValue holds: kind, raw text and children, an object's by
// name.
func writeValueKey(b *strings.Builder, v *ast.Value) {
	if v == nil {
		b.WriteString("-")
		return
	}
	b.WriteString(strconv.Itoa(int(v.Kind)))
	b.WriteByte('/')
	writeKeyString(b, v.Raw)
	b.WriteString(strconv.Itoa(len(v.Children)))
	b.WriteByte('[')
	children := v.Children
	if v.Kind == ast.ObjectValue {
		children = slices.Clone(children)
		slices.SortStableFunc(children, func(x, y *ast.ChildValue) int { return strings.Compare(x.Name, y.Name) })
	}
	for _, ch := range children {
		writeKeyString(b, ch.Name)
		writeValueKey(b, ch.Value)
	}
	b.WriteByte(']')
}

// typesConflict reports whether two field types cannot be one response
// shape: list and non-null wrappers must match, and a leaf type only
// matches itself; two composite types are compared by their fields later.
func typesConflict(schema *ast.Schema, t1, t2 *ast.Type) bool {
	if sameType(t1, t2) {
		return false
	}
	if t1.NonNull != t2.NonNull || (t1.Elem == nil) != (t2.Elem == nil) {
		return true
	}
	if t1.Elem != nil {
		return typesConflict(schema, t1.Elem, t2.Elem)
	}
	d1, d2 := schema.Types[t1.NamedType], schema.Types[t2.NamedType]
	if d1 == nil || d2 == nil {
		return false
	}
	if d1.IsLeafType() || d2.IsLeafType() {
		return d1.Name != d2.Name
	}
	return false
}

// sameType reports whether two types are the same, wrappers and all.
func sameType(t1, t2 *ast.Type) bool {
	for t1 != nil && t2 != nil {
		if t1 == t2 {
			return true
		}
		if t1.NonNull != t2.NonNull || t1.NamedType != t2.NamedType || (t1.Elem == nil) != (t2.Elem == nil) {
			return false
		}
		t1, t2 = t1.Elem, t2.Elem
	}
	return t1 == nil && t2 == nil
}

func before(p, q *ast.Position) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Column < q.Column
}

// Reporting. A conflict between two occurrences is reported where
// gqlparser (and graphql-js) reports it: on the pair of their ancestors
// that meet in one selection set or fragment, with the pairs below as
// subfields, each pair ordered as gqlparser orders it.

// conflictTree is one reported pair of fields: a conflict of their own
// (leaf), or their subfields' conflicts.
type conflictTree struct {
	a, b   *ast.Field
	kind   conflictKind
	leaf   bool
	order  sortKey
	kids   []*conflictTree
	byPair map[[2]*ast.Field]*conflictTree
}

type sortKey [5]int

func (c *overlapChecker) report(addError core.AddErrFunc) {
	var tops []*conflictTree
	byTop := map[[2]*ast.Field]*conflictTree{}
	for _, lc := range c.conflicts {
		chain := attribute(lc.a, lc.b)
		top := [2]*ast.Field{chain[0].a.field, chain[0].b.field}
		t := byTop[top]
		if t == nil {
			t = &conflictTree{a: top[0], b: top[1], byPair: map[[2]*ast.Field]*conflictTree{}}
			byTop[top] = t
			tops = append(tops, t)
		}
		for _, p := range chain[1:] {
			k := [2]*ast.Field{p.a.field, p.b.field}
			kid := t.byPair[k]
			if kid == nil {
				kid = &conflictTree{a: k[0], b: k[1], order: p.order, byPair: map[[2]*ast.Field]*conflictTree{}}
				t.byPair[k] = kid
				t.kids = append(t.kids, kid)
			}
			t = kid
		}
		if !t.leaf && len(t.kids) == 0 {
			t.leaf, t.kind = true, lc.kind
		}
	}
	slices.SortStableFunc(tops, func(x, y *conflictTree) int {
		switch {
		case before(x.b.Position, y.b.Position):
			return -1
		case before(y.b.Position, x.b.Position):
			return 1
		}
		return 0
	})
	for _, t := range tops {
		var b strings.Builder
		t.reason(&b)
		addError(
			core.Message(`Fields "%s" conflict because %s. Use different aliases on the fields to fetch both if this was intentional.`, t.a.Alias, b.String()),
			core.At(t.b.Position),
		)
	}
}

func (t *conflictTree) reason(b *strings.Builder) {
	if t.leaf || len(t.kids) == 0 {
		switch t.kind {
		case differentFields:
			fmt.Fprintf(b, `"%s" and "%s" are different fields`, t.a.Name, t.b.Name)
		case differingArguments:
			b.WriteString("they have differing arguments")
		case conflictingTypes:
			fmt.Fprintf(b, `they return conflicting types "%s" and "%s"`, t.a.Definition.Type.String(), t.b.Definition.Type.String())
		}
		return
	}
	kids := slices.Clone(t.kids)
	slices.SortStableFunc(kids, func(x, y *conflictTree) int { return slices.Compare(x.order[:], y.order[:]) })
	for i, k := range kids {
		if i > 0 {
			b.WriteString(" and ")
		}
		fmt.Fprintf(b, `subfields "%s" conflict because `, k.a.Alias)
		k.reason(b)
	}
}

// level is one pair of a reported conflict, ordered as gqlparser orders
// it, with where gqlparser finds it among its siblings.
type level struct {
	a, b  *occurrence
	order sortKey
}

// attribute walks two conflicting occurrences up to the pair of their
// ancestors that meet in one selection set (or fragment), and returns the
// pairs from there down to them.
func attribute(a, b *occurrence) []level {
	chain := []level{{a: a, b: b}}
	for !meet(a, b) {
		a, b = a.parent, b.parent
		chain = append(chain, level{a: a, b: b})
	}
	slices.Reverse(chain)
	if !firstAtTop(chain[0].a, chain[0].b) {
		swapFrom(chain, 0)
	}
	// Between the selection sets of a pair A, B gqlparser compares A's own
	// fields with B's (own, then from fragments), then B's own fields with
	// A's fragments' (B's field first), then fragments' with fragments'.
	pos := func(x *ast.Position) int { return x.Line<<16 + x.Column }
	spreadPos := func(s *spreadPath) int { return pos(outermost(s).spread.Position) }
	for i := 1; i < len(chain); i++ {
		p, q := chain[i].a, chain[i].b
		switch {
		case p.spreads == nil && q.spreads == nil:
			chain[i].order = sortKey{0, pos(p.field.Position), pos(q.field.Position)}
		case p.spreads == nil:
			chain[i].order = sortKey{1, spreadPos(q.spreads), pos(p.field.Position), pos(q.field.Position)}
		case q.spreads == nil:
			chain[i].order = sortKey{2, spreadPos(p.spreads), pos(q.field.Position), pos(p.field.Position)}
			swapFrom(chain, i)
		default:
			chain[i].order = sortKey{3, spreadPos(p.spreads), spreadPos(q.spreads), pos(p.field.Position), pos(q.field.Position)}
		}
	}
	return chain
}

func swapFrom(chain []level, i int) {
	for ; i < len(chain); i++ {
		chain[i].a, chain[i].b = chain[i].b, chain[i].a
	}
}

// meet reports whether two occurrences of one response path are in one
// selection set: the same field's (in any expansion), or one fragment's.
func meet(a, b *occurrence) bool {
	if a.parent.field == b.parent.field {
		return true
	}
	_, _, ok := sharedSpread(a, b)
	return ok
}

// sharedSpread finds the innermost fragment both occurrences are reached
// through, and the spreads inside it that lead to each (nil: the field is
// the fragment's own).
func sharedSpread(a, b *occurrence) (ia, ib *spreadPath, ok bool) {
	var inA *spreadPath
	for sa := a.spreads; sa != nil; sa = sa.outer {
		var inB *spreadPath
		for sb := b.spreads; sb != nil; sb = sb.outer {
			if sa.spread.Name == sb.spread.Name {
				return inA, inB, true
			}
			inB = sb
		}
		inA = sa
	}
	return nil, nil, false
}

// firstAtTop reports whether a comes before b where they meet: own fields
// first in document order, then each spread fragment's in spread order.
func firstAtTop(a, b *occurrence) bool {
	ra, rb, ok := sharedSpread(a, b)
	if !ok {
		ra, rb = outermost(a.spreads), outermost(b.spreads)
	}
	switch {
	case ra == nil && rb == nil:
		return !before(b.field.Position, a.field.Position)
	case ra == nil:
		return true
	case rb == nil:
		return false
	}
	return !before(rb.spread.Position, ra.spread.Position)
}

func outermost(s *spreadPath) *spreadPath {
	for s != nil && s.outer != nil {
		s = s.outer
	}
	return s
}
