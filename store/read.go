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
	cache   cache       // empty when caching is off
	calls   readCounter // reads of this graph; its store's Stats count them too
	release func()      // returns the store handle when the last user is done
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

// quadsOf returns the quads with node in direction d, through Cayley's quad
// index iterator.
func (g *Graph) quadsOf(ctx context.Context, node quad.Value, d quad.Direction) ([]quad.Quad, error) {
	ref, err := g.qs.ValueOf(node)
	if err != nil {
		return nil, fmt.Errorf("look up %v: %w", node, unavailable(err))
	}
	if ref == nil {
		return nil, nil
	}
	it := g.qs.QuadIterator(d, ref).Iterate()
	defer it.Close()
	var out []quad.Quad
	for it.Next(ctx) {
		q, err := g.qs.Quad(it.Result())
		if err != nil {
			return nil, fmt.Errorf("read quad of %v: %w", node, unavailable(err))
		}
		out = append(out, q)
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("iterate %v: %w", node, unavailable(err))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// attrs reads the attributes of node: predicate → values, in store order.
func (g *Graph) attrs(ctx context.Context, node quad.Value) (map[string][]quad.Value, error) {
	qs, err := g.quadsOf(ctx, node, quad.Subject)
	if err != nil {
		return nil, err
	}
	m := make(map[string][]quad.Value, len(qs))
	for _, q := range qs {
		if q.Label != nil {
			continue // relation quads are read by Edges
		}
		p := iriString(q.Predicate)
		m[p] = append(m[p], q.Object)
	}
	return m, nil
}

// Entities reads entities by id; a missing id gives nil at its position.
func (g *Graph) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return cached(ctx, g.cache.entities, &g.calls, ids, g.readEntities)
}

func (g *Graph) readEntities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	g.calls.Add(1)
	out := make([]*kg.Entity, len(ids))
	for i, id := range ids {
		e, err := g.entity(ctx, id)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func (g *Graph) entity(ctx context.Context, id string) (*kg.Entity, error) {
	m, err := g.attrs(ctx, quad.IRI(id))
	if err != nil {
		return nil, err
	}
	kind := first(m[kg.AttrKind])
	if kind == "" || !kg.Kind(kind).Valid() {
		return nil, nil
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
	for _, in := range m[kg.AttrIdentifier] {
		im, err := g.attrs(ctx, in)
		if err != nil {
			return nil, err
		}
		e.Identifiers = append(e.Identifiers, kg.Identifier{Scheme: first(im[kg.AttrScheme]), Value: first(im[kg.AttrValue]), Citation: first(im[kg.AttrCitation])})
	}
	sort.Slice(e.Identifiers, func(i, j int) bool {
		a, b := e.Identifiers[i], e.Identifiers[j]
		return a.Scheme < b.Scheme || a.Scheme == b.Scheme && a.Value < b.Value
	})
	return e, nil
}

// Edges reads every relation of each entity, both directions, in the
// documented order: by predicate, then outgoing before incoming, then time,
// then the other end's name and id.
func (g *Graph) Edges(ctx context.Context, ids []string) ([][]Edge, error) {
	return cached(ctx, g.cache.edges, &g.calls, ids, g.readEdges)
}

func (g *Graph) readEdges(ctx context.Context, ids []string) ([][]Edge, error) {
	g.calls.Add(1)
	out := make([][]Edge, len(ids))
	var others []string
	seen := map[string]bool{}
	for i, id := range ids {
		for _, d := range []quad.Direction{quad.Subject, quad.Object} {
			qs, err := g.quadsOf(ctx, quad.IRI(id), d)
			if err != nil {
				return nil, err
			}
			for _, q := range qs {
				pred, ok := strings.CutPrefix(iriString(q.Predicate), kg.RelPrefix)
				if !ok || q.Label == nil {
					continue
				}
				e := Edge{Relation: kg.Relation{Subject: iriString(q.Subject), Predicate: pred, Object: iriString(q.Object)}, Statement: iriString(q.Label)}
				if d == quad.Subject {
					e.Dir, e.Other = Out, e.Object
				} else {
					e.Dir, e.Other = In, e.Subject
				}
				if err := g.statement(ctx, &e); err != nil {
					return nil, err
				}
				if !seen[e.Other] {
					seen[e.Other] = true
					others = append(others, e.Other)
				}
				out[i] = append(out[i], e)
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

// statement reads the qualifiers and evidence of the relation's statement.
func (g *Graph) statement(ctx context.Context, e *Edge) error {
	m, err := g.attrs(ctx, quad.IRI(e.Statement))
	if err != nil {
		return err
	}
	inferred := strs(m[kg.AttrInferred])
	e.Inferred = slices.Contains(inferred, kg.InferredRelation)
	for _, key := range kg.QualifierKeys {
		for _, v := range strs(m[kg.QualPrefix+key]) {
			e.Qualifiers = append(e.Qualifiers, kg.Qualifier{Key: key, Value: v, Inferred: slices.Contains(inferred, key)})
		}
	}
	e.Evidence, err = g.evidence(ctx, m[kg.AttrEvidence])
	return err
}

// evidence reads evidence nodes, ordered by source and offset.
func (g *Graph) evidence(ctx context.Context, nodes []quad.Value) ([]kg.Evidence, error) {
	out := make([]kg.Evidence, 0, len(nodes))
	for _, n := range nodes {
		m, err := g.attrs(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, kg.Evidence{
			Quote:  first(m[kg.AttrQuote]),
			Start:  int(firstInt(m[kg.AttrStart])),
			End:    int(firstInt(m[kg.AttrEnd])),
			Source: iriString(firstValue(m[kg.AttrSource])),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return out[i].Start < out[j].Start
	})
	return out, nil
}

// Figures reads the figures of each entity, ordered by indicator, then period,
// then value.
func (g *Graph) Figures(ctx context.Context, ids []string) ([][]kg.Figure, error) {
	return cached(ctx, g.cache.figures, &g.calls, ids, g.readFigures)
}

func (g *Graph) readFigures(ctx context.Context, ids []string) ([][]kg.Figure, error) {
	g.calls.Add(1)
	out := make([][]kg.Figure, len(ids))
	for i, id := range ids {
		m, err := g.attrs(ctx, quad.IRI(id))
		if err != nil {
			return nil, err
		}
		var figs []kg.Figure
		for _, fn := range m[kg.AttrFigure] {
			fm, err := g.attrs(ctx, fn)
			if err != nil {
				return nil, err
			}
			f := kg.Figure{
				Key:            iriString(fn),
				Indicator:      first(fm[kg.AttrIndicator]),
				Stated:         first(fm[kg.AttrStated]),
				Value:          firstFloat(fm[kg.AttrValue]),
				Unit:           first(fm[kg.AttrUnit]),
				Modifier:       first(fm[kg.AttrModifier]),
				Period:         first(fm[kg.AttrPeriod]),
				PeriodInferred: slices.Contains(strs(fm[kg.AttrInferred]), "period"),
			}
			if v := fm[kg.AttrGrowth]; len(v) > 0 {
				gp := firstFloat(v)
				f.GrowthPercent = &gp
			}
			if f.Evidence, err = g.evidence(ctx, fm[kg.AttrEvidence]); err != nil {
				return nil, err
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
	out := make([]*kg.Source, len(ids))
	for i, id := range ids {
		m, err := g.attrs(ctx, quad.IRI(id))
		if err != nil {
			return nil, err
		}
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
	return g.idsOfKind(ctx, kg.SourceKind)
}

// EntityIDs lists the ids of all entities, of the given kinds when any are
// given, sorted.
func (g *Graph) EntityIDs(ctx context.Context, kinds ...kg.Kind) ([]string, error) {
	g.calls.Add(1)
	var ids []string
	if len(kinds) == 0 {
		kinds = kg.Kinds
	}
	for _, k := range kinds {
		some, err := g.idsOfKind(ctx, string(k))
		if err != nil {
			return nil, err
		}
		ids = append(ids, some...)
	}
	sort.Strings(ids)
	return ids, nil
}

// idsOfKind finds the nodes whose kind attribute is kind, through the index
// of quads by object.
func (g *Graph) idsOfKind(ctx context.Context, kind string) ([]string, error) {
	qs, err := g.quadsOf(ctx, quad.String(kind), quad.Object)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, q := range qs {
		if iriString(q.Predicate) == kg.AttrKind {
			ids = append(ids, iriString(q.Subject))
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// EntitiesByIdentifier finds the entities that carry the identifier scheme
// value, sorted (the loader lets an identifier name one entity, so there is
// at most one). value is matched as stored, in its written form: callers
// normalise it first (kg.Normalize). It reads through the index of quads by
// object — the value's literal, then the identifier node — never a scan.
func (g *Graph) EntitiesByIdentifier(ctx context.Context, scheme, value string) ([]string, error) {
	g.calls.Add(1)
	qs, err := g.quadsOf(ctx, quad.String(value), quad.Object)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, q := range qs {
		if q.Label != nil || iriString(q.Predicate) != kg.AttrValue {
			continue
		}
		node := q.Subject
		m, err := g.attrs(ctx, node)
		if err != nil {
			return nil, err
		}
		if first(m[kg.AttrScheme]) != scheme {
			continue
		}
		owners, err := g.quadsOf(ctx, node, quad.Object)
		if err != nil {
			return nil, err
		}
		for _, o := range owners {
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
