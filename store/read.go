package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
)

// Direction of a relation as seen from the entity it is read for.
type Direction int

const (
	Out Direction = iota // the entity is the subject
	In                   // the entity is the object
)

// Edge is a relation read from one of its two ends.
type Edge struct {
	kg.Relation
	Statement string // internal statement node id, stable across stores
	Dir       Direction
	Other     string // the id at the other end
	OtherName string
}

// Graph is one version of the graph in one Cayley store: the typed reads the
// API makes, all through Cayley's iterators. A Graph is immutable once loaded;
// a reload makes a new one.
type Graph struct {
	qs      graph.QuadStore
	version string
	info    kg.DatasetInfo
	index   *search.Index
	cache   cache        // empty when caching is off
	calls   readCounter  // reads of this graph; its store's Stats count them too
	queries atomic.Int64 // Cayley queries the reads ran, one per level
	values  values       // node values read so far, by reference
	release func()       // returns the store handle when the last user is done
	users   atomic.Int64
	retired atomic.Bool
}

// Version is the graph version: a content hash of the dataset.
func (g *Graph) Version() string { return g.version }

// Info is the dataset's base IRI and publication info, read with the version
// when the graph was opened.
func (g *Graph) Info() kg.DatasetInfo { return g.info }

// Index is the search index built from this graph when it was loaded.
func (g *Graph) Index() *search.Index { return g.index }

// Calls counts the store reads made so far (cache hits are not reads); tests
// use it to catch N+1 reads.
func (g *Graph) Calls() int64 { return g.calls.Load() }

// Queries counts the Cayley queries the reads have run so far: an iterator
// over one level of a read — every node of a batch at once — whatever the
// batch's size; tests use it to catch per-id reads inside a batch.
func (g *Graph) Queries() int64 { return g.queries.Load() }

// QuadCount is the number of quads the graph holds, as Cayley's exact
// statistics count them; tests use it to check that a write added nothing.
func (g *Graph) QuadCount(ctx context.Context) (int64, error) {
	g.calls.Add(1)
	st, err := g.qs.Stats(ctx, true)
	if err != nil {
		return 0, fmt.Errorf("count quads: %w", unavailable(err))
	}
	return st.Quads.Value, nil
}

// quadsOf returns the quads with node in direction d: one Cayley query.
func (g *Graph) quadsOf(ctx context.Context, node quad.Value, d quad.Direction) ([]quad.Quad, error) {
	qs, err := g.around(ctx, d, []quad.Value{node})
	if err != nil {
		return nil, fmt.Errorf("read %v: %w", node, err)
	}
	return qs[0], nil
}

// attrs reads the attributes of node: predicate → values, in store order.
func (g *Graph) attrs(ctx context.Context, node quad.Value) (map[string][]quad.Value, error) {
	qs, err := g.quadsOf(ctx, node, quad.Subject)
	if err != nil {
		return nil, err
	}
	return attrMap(qs), nil
}

// attrsOf reads the attributes of each node, one level: one query for all.
func (g *Graph) attrsOf(ctx context.Context, nodes []quad.Value) ([]map[string][]quad.Value, error) {
	qs, err := g.around(ctx, quad.Subject, nodes)
	if err != nil {
		return nil, fmt.Errorf("read attributes of %d nodes: %w", len(nodes), err)
	}
	out := make([]map[string][]quad.Value, len(nodes))
	for i := range qs {
		out[i] = attrMap(qs[i])
	}
	return out, nil
}

// attrMap gathers a node's attributes — its unlabelled quads as subject —
// predicate → values, in store order. Labelled quads are relations, read by
// Edges, or quads of the view and the imports.
func attrMap(qs []quad.Quad) map[string][]quad.Value {
	m := make(map[string][]quad.Value, len(qs))
	for _, q := range qs {
		if q.Label != nil {
			continue
		}
		p := iriString(q.Predicate)
		m[p] = append(m[p], q.Object)
	}
	return m
}

func iris(ids []string) []quad.Value {
	out := make([]quad.Value, len(ids))
	for i, id := range ids {
		out[i] = quad.IRI(id)
	}
	return out
}

// Entities reads entities by id; a missing id gives nil at its position.
func (g *Graph) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return cached(ctx, g.cache.entities, &g.calls, ids, g.readEntities)
}

// readEntities reads two levels: the entities' attributes, then their
// identifier nodes'.
func (g *Graph) readEntities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	g.calls.Add(1)
	ms, err := g.attrsOf(ctx, iris(ids))
	if err != nil {
		return nil, fmt.Errorf("read entities: %w", err)
	}
	out := make([]*kg.Entity, len(ids))
	var idNodes []quad.Value
	for i, id := range ids {
		m := ms[i]
		kind := first(m[kg.AttrKind])
		if kind == "" || !kg.Kind(kind).Valid() {
			continue
		}
		e := &kg.Entity{
			ID:          id,
			Kind:        kg.Kind(kind),
			Name:        first(m[kg.AttrName]),
			Aliases:     strs(m[kg.AttrAlias]),
			Pinyin:      first(m[kg.AttrPinyin]),
			Category:    first(m[kg.AttrCategory]),
			Description: first(m[kg.AttrDescription]),
		}
		sort.Strings(e.Aliases)
		out[i] = e
		idNodes = append(idNodes, m[kg.AttrIdentifier]...)
	}
	ims, err := g.attrsOf(ctx, idNodes)
	if err != nil {
		return nil, fmt.Errorf("read identifiers: %w", err)
	}
	k := 0
	for i, e := range out {
		if e == nil {
			continue
		}
		for range ms[i][kg.AttrIdentifier] {
			im := ims[k]
			k++
			e.Identifiers = append(e.Identifiers, kg.Identifier{Scheme: first(im[kg.AttrScheme]), Value: first(im[kg.AttrValue]), Citation: first(im[kg.AttrCitation])})
		}
		sort.Slice(e.Identifiers, func(i, j int) bool {
			a, b := e.Identifiers[i], e.Identifiers[j]
			return a.Scheme < b.Scheme || a.Scheme == b.Scheme && a.Value < b.Value
		})
	}
	return out, nil
}

// Edges reads every relation of each entity, both directions, in the
// documented order: by predicate, then outgoing before incoming, then time,
// then the other end's name and id.
func (g *Graph) Edges(ctx context.Context, ids []string) ([][]Edge, error) {
	return cached(ctx, g.cache.edges, &g.calls, ids, g.readEdges)
}

// readEdges reads the relation quads of all ids, by subject and by object,
// then the statement nodes of all of them, then their evidence nodes, then
// the other ends' entities: a query per level and direction.
func (g *Graph) readEdges(ctx context.Context, ids []string) ([][]Edge, error) {
	g.calls.Add(1)
	nodes := iris(ids)
	outQ, err := g.around(ctx, quad.Subject, nodes)
	if err != nil {
		return nil, fmt.Errorf("read relations: %w", err)
	}
	inQ, err := g.around(ctx, quad.Object, nodes)
	if err != nil {
		return nil, fmt.Errorf("read relations: %w", err)
	}
	out := make([][]Edge, len(ids))
	var stmts []quad.Value
	for i := range ids {
		for _, side := range [...]struct {
			dir Direction
			qs  []quad.Quad
		}{{Out, outQ[i]}, {In, inQ[i]}} {
			for _, q := range side.qs {
				pred, ok := strings.CutPrefix(iriString(q.Predicate), kg.RelPrefix)
				if !ok || q.Label == nil {
					continue
				}
				e := Edge{Relation: kg.Relation{Subject: iriString(q.Subject), Predicate: pred, Object: iriString(q.Object)}, Statement: iriString(q.Label), Dir: side.dir}
				if side.dir == Out {
					e.Other = e.Object
				} else {
					e.Other = e.Subject
				}
				out[i] = append(out[i], e)
				stmts = append(stmts, quad.IRI(e.Statement))
			}
		}
	}
	sms, err := g.attrsOf(ctx, stmts)
	if err != nil {
		return nil, fmt.Errorf("read statements: %w", err)
	}
	evNodes := make([][]quad.Value, len(stmts))
	k := 0
	for _, edges := range out {
		for j := range edges {
			statement(&edges[j], sms[k])
			evNodes[k] = sms[k][kg.AttrEvidence]
			k++
		}
	}
	evs, err := g.evidence(ctx, evNodes)
	if err != nil {
		return nil, err
	}
	var others []string
	seen := map[string]bool{}
	k = 0
	for _, edges := range out {
		for j := range edges {
			edges[j].Evidence = evs[k]
			k++
			if o := edges[j].Other; !seen[o] {
				seen[o] = true
				others = append(others, o)
			}
		}
	}
	// The other ends' names order the lists; one batch read through the
	// cache, where the API's reads of the same targets then find them.
	ents, err := g.Entities(ctx, others)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(others))
	for i, id := range others {
		if ents[i] != nil {
			names[id] = ents[i].Name
		}
	}
	for _, edges := range out {
		for j := range edges {
			edges[j].OtherName = names[edges[j].Other]
		}
		sortEdges(edges)
	}
	return out, nil
}

func sortEdges(edges []Edge) {
	keys := map[string]string{}
	for _, e := range edges {
		if _, ok := keys[e.Other]; !ok {
			keys[e.Other] = collation(e.OtherName)
		}
	}
	sort.SliceStable(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		if a.Predicate != b.Predicate {
			return a.Predicate < b.Predicate
		}
		if a.Dir != b.Dir {
			return a.Dir < b.Dir
		}
		ta, _ := a.Qualifier(kg.QualTime)
		tb, _ := b.Qualifier(kg.QualTime)
		if c := compareUndatedLast(ta.Value, tb.Value); c != 0 {
			return c < 0
		}
		if ka, kb := keys[a.Other], keys[b.Other]; ka != kb {
			return ka < kb
		}
		if a.Other != b.Other {
			return a.Other < b.Other
		}
		return a.Statement < b.Statement
	})
}

// compareUndatedLast orders ISO 8601 times, an empty one after all others.
func compareUndatedLast(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// collation is the sort key of a Chinese name: its pinyin, then the name,
// so lists read in the order a Chinese index would have them.
func collation(name string) string {
	return strings.ToLower(search.Romanize(name, "", "")) + "\x00" + name
}

// statement sets the qualifiers and the inferred mark of a relation from its
// statement node's attributes m.
func statement(e *Edge, m map[string][]quad.Value) {
	inferred := strs(m[kg.AttrInferred])
	e.Inferred = slices.Contains(inferred, kg.InferredRelation)
	for _, key := range kg.QualifierKeys {
		for _, v := range strs(m[kg.QualPrefix+key]) {
			e.Qualifiers = append(e.Qualifiers, kg.Qualifier{Key: key, Value: v, Inferred: slices.Contains(inferred, key)})
		}
	}
}

// evidence reads the evidence nodes of many facts, one level for all: each
// list ordered by source and offset.
func (g *Graph) evidence(ctx context.Context, lists [][]quad.Value) ([][]kg.Evidence, error) {
	var flat []quad.Value
	for _, l := range lists {
		flat = append(flat, l...)
	}
	ms, err := g.attrsOf(ctx, flat)
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	out := make([][]kg.Evidence, len(lists))
	k := 0
	for i, l := range lists {
		evs := make([]kg.Evidence, 0, len(l))
		for range l {
			m := ms[k]
			k++
			evs = append(evs, kg.Evidence{
				Quote:  first(m[kg.AttrQuote]),
				Start:  int(firstInt(m[kg.AttrStart])),
				End:    int(firstInt(m[kg.AttrEnd])),
				Source: iriString(firstValue(m[kg.AttrSource])),
			})
		}
		sort.Slice(evs, func(i, j int) bool {
			if evs[i].Source != evs[j].Source {
				return evs[i].Source < evs[j].Source
			}
			return evs[i].Start < evs[j].Start
		})
		out[i] = evs
	}
	return out, nil
}

// Figures reads the figures of each entity, ordered by indicator, then period,
// then value.
func (g *Graph) Figures(ctx context.Context, ids []string) ([][]kg.Figure, error) {
	return cached(ctx, g.cache.figures, &g.calls, ids, g.readFigures)
}

// readFigures reads three levels: the entities' figure nodes, their
// attributes, their evidence.
func (g *Graph) readFigures(ctx context.Context, ids []string) ([][]kg.Figure, error) {
	g.calls.Add(1)
	ms, err := g.attrsOf(ctx, iris(ids))
	if err != nil {
		return nil, fmt.Errorf("read figures: %w", err)
	}
	var fnodes []quad.Value
	for _, m := range ms {
		fnodes = append(fnodes, m[kg.AttrFigure]...)
	}
	fms, err := g.attrsOf(ctx, fnodes)
	if err != nil {
		return nil, fmt.Errorf("read figures: %w", err)
	}
	evNodes := make([][]quad.Value, len(fms))
	for k, fm := range fms {
		evNodes[k] = fm[kg.AttrEvidence]
	}
	evs, err := g.evidence(ctx, evNodes)
	if err != nil {
		return nil, err
	}
	out := make([][]kg.Figure, len(ids))
	k := 0
	for i, m := range ms {
		var figs []kg.Figure
		for _, fn := range m[kg.AttrFigure] {
			fm := fms[k]
			f := kg.Figure{
				Key:            iriString(fn),
				Indicator:      first(fm[kg.AttrIndicator]),
				Stated:         first(fm[kg.AttrStated]),
				Value:          firstFloat(fm[kg.AttrValue]),
				Unit:           first(fm[kg.AttrUnit]),
				Modifier:       first(fm[kg.AttrModifier]),
				Period:         first(fm[kg.AttrPeriod]),
				PeriodInferred: slices.Contains(strs(fm[kg.AttrInferred]), "period"),
				Evidence:       evs[k],
			}
			k++
			if v := fm[kg.AttrGrowth]; len(v) > 0 {
				gp := firstFloat(v)
				f.GrowthPercent = &gp
			}
			figs = append(figs, f)
		}
		sort.SliceStable(figs, func(i, j int) bool {
			a, b := figs[i], figs[j]
			if c := compareUndatedLast(a.Period, b.Period); c != 0 {
				return c < 0
			}
			if ka, kb := collation(a.Indicator), collation(b.Indicator); ka != kb {
				return ka < kb
			}
			if a.Stated != b.Stated {
				return a.Stated < b.Stated
			}
			if a.Unit != b.Unit {
				return a.Unit < b.Unit
			}
			return a.Value < b.Value
		})
		out[i] = figs
	}
	return out, nil
}

// Sources reads source documents by id; a missing id gives nil.
func (g *Graph) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	g.calls.Add(1)
	ms, err := g.attrsOf(ctx, iris(ids))
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	out := make([]*kg.Source, len(ids))
	for i, id := range ids {
		m := ms[i]
		if first(m[kg.AttrKind]) != kg.SourceKind {
			continue
		}
		out[i] = &kg.Source{
			ID: id, Title: first(m[kg.AttrTitle]), Publisher: first(m[kg.AttrPublisher]),
			Date: first(m[kg.AttrDate]), Language: first(m[kg.AttrLanguage]),
			Rights: first(m[kg.AttrRights]), Text: first(m[kg.AttrText]),
		}
	}
	return out, nil
}

// SourceIDs lists the ids of all sources, sorted.
func (g *Graph) SourceIDs(ctx context.Context) ([]string, error) {
	g.calls.Add(1)
	return g.idsOfKinds(ctx, kg.SourceKind)
}

// EntityIDs lists the ids of all entities, of the given kinds when any are
// given, sorted.
func (g *Graph) EntityIDs(ctx context.Context, kinds ...kg.Kind) ([]string, error) {
	g.calls.Add(1)
	if len(kinds) == 0 {
		kinds = kg.Kinds
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return g.idsOfKinds(ctx, names...)
}

// idsOfKinds finds the nodes whose kind attribute is one of kinds, sorted,
// through the index of quads by object: one query for all kinds.
func (g *Graph) idsOfKinds(ctx context.Context, kinds ...string) ([]string, error) {
	vals := make([]quad.Value, len(kinds))
	for i, k := range kinds {
		vals[i] = quad.String(k)
	}
	qs, err := g.around(ctx, quad.Object, vals)
	if err != nil {
		return nil, fmt.Errorf("list nodes of kinds %v: %w", kinds, err)
	}
	var ids []string
	for _, some := range qs {
		for _, q := range some {
			if iriString(q.Predicate) == kg.AttrKind {
				ids = append(ids, iriString(q.Subject))
			}
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// EntitiesByIdentifier finds the entities that carry the identifier scheme
// value, sorted (the loader lets an identifier name one entity, so there is
// at most one). value is matched as stored, in its written form: callers
// normalise it first (kg.Normalize). It reads through the index of quads by
// object — the value's literal, then the identifier node — never a scan: a
// query for the value, one for the nodes' schemes, one for their owners.
func (g *Graph) EntitiesByIdentifier(ctx context.Context, scheme, value string) ([]string, error) {
	g.calls.Add(1)
	qs, err := g.quadsOf(ctx, quad.String(value), quad.Object)
	if err != nil {
		return nil, err
	}
	var nodes []quad.Value
	for _, q := range qs {
		if q.Label == nil && iriString(q.Predicate) == kg.AttrValue {
			nodes = append(nodes, q.Subject)
		}
	}
	ms, err := g.attrsOf(ctx, nodes)
	if err != nil {
		return nil, fmt.Errorf("read identifiers: %w", err)
	}
	var match []quad.Value
	for i, m := range ms {
		if first(m[kg.AttrScheme]) == scheme {
			match = append(match, nodes[i])
		}
	}
	owners, err := g.around(ctx, quad.Object, match)
	if err != nil {
		return nil, fmt.Errorf("read identifier owners: %w", err)
	}
	var ids []string
	for _, os := range owners {
		for _, o := range os {
			if o.Label == nil && iriString(o.Predicate) == kg.AttrIdentifier {
				ids = append(ids, iriString(o.Subject))
			}
		}
	}
	sort.Strings(ids)
	return slices.Compact(ids), nil
}

// readGraphNode reads what is stored of the graph as a whole: the version
// Write stored with it and the dataset's info, one node's attributes read
// once per generation rather than per request.
func readGraphNode(ctx context.Context, qs graph.QuadStore) (string, kg.DatasetInfo, error) {
	g := &Graph{qs: qs}
	m, err := g.attrs(ctx, quad.IRI(kg.GraphNode))
	if err != nil {
		return "", kg.DatasetInfo{}, err
	}
	info := kg.DatasetInfo{
		Base:        first(m[kg.AttrBase]),
		Title:       first(m[kg.AttrTitle]),
		TitleEn:     first(m[kg.AttrTitleEn]),
		Description: first(m[kg.AttrDescription]),
		DescEn:      first(m[kg.AttrDescEn]),
		Publisher:   first(m[kg.AttrPublisher]),
		License:     first(m[kg.AttrLicense]),
		Homepage:    first(m[kg.AttrHomepage]),
	}
	return first(m[kg.AttrVersion]), info, nil
}

func iriString(v quad.Value) string {
	if v == nil {
		return ""
	}
	if iri, ok := v.(quad.IRI); ok {
		return string(iri)
	}
	return quad.ToString(v)
}

func strs(vs []quad.Value) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, quad.ToString(v))
	}
	return out
}

func first(vs []quad.Value) string {
	if len(vs) == 0 {
		return ""
	}
	return quad.ToString(vs[0])
}

func firstValue(vs []quad.Value) quad.Value {
	if len(vs) == 0 {
		return nil
	}
	return vs[0]
}

func firstInt(vs []quad.Value) int64 {
	if len(vs) == 0 {
		return 0
	}
	switch v := vs[0].(type) {
	case quad.Int:
		return int64(v)
	case quad.Float:
		return int64(v)
	}
	return 0
}

func firstFloat(vs []quad.Value) float64 {
	if len(vs) == 0 {
		return 0
	}
	switch v := vs[0].(type) {
	case quad.Float:
		return float64(v)
	case quad.Int:
		return float64(v)
	}
	return 0
}
