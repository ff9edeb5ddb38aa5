// Package linkeddata serves the graph as linked data: entity, source and
// vocabulary IRIs that dereference by content negotiation (HTML or RDF),
// the whole graph as an RDF or CSV export, and the dataset's VoID/DCAT
// description. It reads through the store's read layer and writes the
// public RDF model of package kg.
package linkeddata

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
)

// exportBatch is how many entities an export reads at once: large enough
// that the store is read in few round trips, small enough to stream.
const exportBatch = 500

// Stats counts what an export wrote.
type Stats struct {
	Quads    int
	Entities int
	ByKind   map[kg.Kind]int
	// ByPredicate counts the direct triples of each relation.
	ByPredicate map[string]int
	Sources     int
	Evidence    int
	Figures     int
	// Examples are the most connected entities, for the dataset
	// description.
	Examples []string
	degrees  map[string]int
}

// exampleCount is how many example resources the description names.
const exampleCount = 3

// noteDegree keeps the most connected entities in Examples, ties by id.
func (st *Stats) noteDegree(id string, degree int) {
	if st.degrees == nil {
		st.degrees = map[string]int{}
	}
	st.degrees[id] = degree
	st.Examples = append(st.Examples, id)
	slices.SortStableFunc(st.Examples, func(a, b string) int {
		return cmp.Or(cmp.Compare(st.degrees[b], st.degrees[a]), cmp.Compare(a, b))
	})
	if len(st.Examples) > exampleCount {
		delete(st.degrees, st.Examples[exampleCount])
		st.Examples = st.Examples[:exampleCount]
	}
}

// Progress is told how many of the total entities are written so far.
type Progress func(done, total int)

// countingWriter counts the quads passing through to w.
type countingWriter struct {
	w rdf.Writer
	n int
}

func (c *countingWriter) Write(qs ...kg.Quad) error {
	c.n += len(qs)
	return c.w.Write(qs...)
}

// NewModel returns the public model of g under iris, with the texts of
// g's sources for evidence selectors.
func NewModel(ctx context.Context, g *store.Graph, iris kg.IRIs) (kg.Model, []*kg.Source, error) {
	ids, err := g.SourceIDs(ctx)
	if err != nil {
		return kg.Model{}, nil, err
	}
	srcs, err := g.Sources(ctx, ids)
	if err != nil {
		return kg.Model{}, nil, err
	}
	m := kg.Model{IRIs: iris, Texts: map[string]string{}}
	var out []*kg.Source
	for _, s := range srcs {
		if s != nil {
			m.Texts[s.ID] = s.Text
			out = append(out, s)
		}
	}
	return m, out, nil
}

// Export writes the whole public RDF of g to w: sources, entities with their
// relations (each as a direct triple and a statement node), figures, the
// annotations of every quote, and the vocabulary. The order is fixed, so
// equal graphs give equal bytes. It does not close w.
func Export(ctx context.Context, g *store.Graph, iris kg.IRIs, w rdf.Writer, progress Progress) (Stats, error) {
	st := Stats{ByKind: map[kg.Kind]int{}, ByPredicate: map[string]int{}}
	m, srcs, err := NewModel(ctx, g, iris)
	if err != nil {
		return st, fmt.Errorf("export: read sources: %w", err)
	}
	cw := &countingWriter{w: w}
	for _, s := range srcs {
		if err := cw.Write(m.Source(s)...); err != nil {
			return st, err
		}
	}
	st.Sources = len(srcs)
	ids, err := g.EntityIDs(ctx)
	if err != nil {
		return st, fmt.Errorf("export: list entities: %w", err)
	}
	ev := newEvidenceSet()
	for start := 0; start < len(ids); start += exportBatch {
		batch := ids[start:min(start+exportBatch, len(ids))]
		ents, err := g.Entities(ctx, batch)
		if err != nil {
			return st, fmt.Errorf("export: read entities: %w", err)
		}
		edges, err := g.Edges(ctx, batch)
		if err != nil {
			return st, fmt.Errorf("export: read relations: %w", err)
		}
		figs, err := g.Figures(ctx, batch)
		if err != nil {
			return st, fmt.Errorf("export: read figures: %w", err)
		}
		// Descriptions first, then the facts: in TriG and JSON-LD that is
		// one default-graph block and one source-graph block per batch.
		for _, e := range ents {
			if e == nil {
				continue
			}
			st.Entities++
			st.ByKind[e.Kind]++
			if err := cw.Write(m.Entity(e)...); err != nil {
				return st, err
			}
		}
		for i, e := range ents {
			if e == nil {
				continue
			}
			facts := entityFacts(m, e.ID, edges[i], figs[i], false, ev)
			for _, q := range facts {
				if q.S.Value == m.IRIs.Entity(e.ID) && q.P.Value != kg.NSRDF+"type" {
					st.ByPredicate[m.IRIs.PredicateName(q.P.Value)]++
				}
			}
			st.Figures += len(figs[i])
			st.noteDegree(e.ID, len(edges[i]))
			if err := cw.Write(facts...); err != nil {
				return st, err
			}
		}
		if progress != nil {
			progress(start+len(batch), len(ids))
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
	}
	annotations := ev.quads(m)
	st.Evidence = ev.len()
	if err := cw.Write(annotations...); err != nil {
		return st, err
	}
	if err := cw.Write(m.Vocabulary()...); err != nil {
		return st, err
	}
	st.Quads = cw.n
	return st, nil
}

// entityFacts returns an entity's relations and figures; with incoming set
// also the relations that point at it (a dereferenced entity shows both
// ends; an export writes each relation once, from its subject). Quotes are
// noted in ev with the facts they support.
func entityFacts(m kg.Model, id string, edges []store.Edge, figs []kg.Figure, incoming bool, ev *evidenceSet) []kg.Quad {
	// The direct triples come first, so that each subject's links are one
	// block, then the statements and figures.
	var direct, rest []kg.Quad
	seen := map[kg.Quad]bool{}
	for i := range edges {
		e := &edges[i]
		if e.Dir == store.In && !incoming {
			continue
		}
		qs := m.Relation(&e.Relation, e.Statement)
		if !seen[qs[0]] { // else the same link under another statement
			seen[qs[0]] = true
			direct = append(direct, qs[0])
		}
		rest = append(rest, qs[1:]...)
		ev.add(e.Evidence, m.StatementIRI(e.Subject, e.Statement))
	}
	slices.SortStableFunc(direct, func(a, b kg.Quad) int { return cmp.Compare(a.S.Value, b.S.Value) })
	for i := range figs {
		rest = append(rest, m.Figure(id, &figs[i])...)
		ev.add(figs[i].Evidence, m.FigureIRI(id, figs[i].Key))
	}
	return append(direct, rest...)
}

// evidenceSet gathers each quoted place once with every fact it supports.
type evidenceSet struct {
	byKey map[evKey]*evEntry
}

type evKey struct {
	source     string
	start, end int
}

type evEntry struct {
	ev     kg.Evidence
	bodies []string
}

func newEvidenceSet() *evidenceSet { return &evidenceSet{byKey: map[evKey]*evEntry{}} }

func (s *evidenceSet) add(evs []kg.Evidence, body string) {
	for _, ev := range evs {
		k := evKey{ev.Source, ev.Start, ev.End}
		e := s.byKey[k]
		if e == nil {
			e = &evEntry{ev: ev}
			s.byKey[k] = e
		}
		if !slices.Contains(e.bodies, body) {
			e.bodies = append(e.bodies, body)
		}
	}
}

func (s *evidenceSet) len() int { return len(s.byKey) }

// quads returns the annotations by source and place, bodies sorted.
func (s *evidenceSet) quads(m kg.Model) []kg.Quad {
	entries := make([]*evEntry, 0, len(s.byKey))
	for _, e := range s.byKey {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b *evEntry) int {
		return cmp.Or(cmp.Compare(a.ev.Source, b.ev.Source), cmp.Compare(a.ev.Start, b.ev.Start), cmp.Compare(a.ev.End, b.ev.End))
	})
	var out []kg.Quad
	for _, e := range entries {
		slices.Sort(e.bodies)
		out = append(out, m.Evidence(e.ev, e.bodies)...)
	}
	return out
}

// EntityQuads returns what dereferencing an entity gives: its description,
// the names of its neighbours, its relations both ways, its figures and the
// annotations of their quotes. ok is false for an unknown id.
func EntityQuads(ctx context.Context, g *store.Graph, m kg.Model, id string) (q []kg.Quad, ok bool, err error) {
	ents, err := g.Entities(ctx, []string{id})
	if err != nil || ents[0] == nil {
		return nil, false, err
	}
	e := ents[0]
	edges, err := g.Edges(ctx, []string{id})
	if err != nil {
		return nil, false, err
	}
	figs, err := g.Figures(ctx, []string{id})
	if err != nil {
		return nil, false, err
	}
	out := m.Entity(e)
	seen := map[string]bool{id: true}
	for _, ed := range edges[0] {
		if !seen[ed.Other] {
			seen[ed.Other] = true
			out = append(out, m.Label(ed.Other, ed.OtherName)...)
		}
	}
	ev := newEvidenceSet()
	out = append(out, entityFacts(m, id, edges[0], figs[0], true, ev)...)
	out = append(out, ev.quads(m)...)
	return out, true, nil
}
