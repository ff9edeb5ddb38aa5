package kg

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Facts are what the public model is made from, read a batch of entities
// at a time: the store's read layer for an export, the loaded dataset for
// the view materialised at load. One walk over either gives the same quads.
type Facts interface {
	Sources(ctx context.Context) ([]*Source, error)
	EntityIDs(ctx context.Context) ([]string, error)
	// EntityFacts reads entities with their outgoing relations and their
	// figures; an unknown id has a nil Entity.
	EntityFacts(ctx context.Context, ids []string) ([]EntityFacts, error)
}

// ImportedFacts is what Facts also offers when outside datasets are
// imported beside the graph: their names and public triples.
type ImportedFacts interface {
	ImportNames(ctx context.Context) ([]string, error)
	ImportTriples(ctx context.Context, name string) ([]Quad, error)
}

// EntityFacts is one entity with what it states.
type EntityFacts struct {
	Entity    *Entity
	Relations []StatedRelation // outgoing
	Figures   []Figure         // with their Keys
	Degree    int              // relations both ways, for example resources
}

// StatedRelation is a relation with its internal statement id.
type StatedRelation struct {
	Relation
	Statement string
}

// WalkStats counts what a walk emitted.
type WalkStats struct {
	Quads    int
	Entities int
	ByKind   map[Kind]int
	// ByPredicate counts the direct triples of each relation.
	ByPredicate map[string]int
	Sources     int
	Evidence    int
	Figures     int
	Imports     int
	// Examples are the most connected entities.
	Examples []string
	degrees  map[string]int
}

// exampleCount is how many example resources a walk keeps.
const exampleCount = 3

// noteDegree keeps the most connected entities in Examples, ties by id.
func (st *WalkStats) noteDegree(id string, degree int) {
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

// WalkBatch is how many entities a walk reads at once: few round trips to a
// store, small enough to stream.
const WalkBatch = 500

// Walk emits the whole public model of f: sources, then each batch of
// entities (descriptions, then relations and figures), then the annotation
// of every quote, then the vocabulary. The order is fixed, so equal facts
// give equal quads. m.Texts is filled from f's sources.
func (m *Model) Walk(ctx context.Context, f Facts, emit func(...Quad) error, progress func(done, total int)) (WalkStats, error) {
	st := WalkStats{ByKind: map[Kind]int{}, ByPredicate: map[string]int{}}
	count := func(qs []Quad) error {
		st.Quads += len(qs)
		return emit(qs...)
	}
	srcs, err := f.Sources(ctx)
	if err != nil {
		return st, fmt.Errorf("read sources: %w", err)
	}
	m.Texts = map[string]string{}
	for _, s := range srcs {
		m.Texts[s.ID] = s.Text
	}
	for _, s := range srcs {
		if err := count(m.Source(s)); err != nil {
			return st, err
		}
	}
	st.Sources = len(srcs)
	ids, err := f.EntityIDs(ctx)
	if err != nil {
		return st, fmt.Errorf("list entities: %w", err)
	}
	ev := NewEvidenceSet()
	for start := 0; start < len(ids); start += WalkBatch {
		batch := ids[start:min(start+WalkBatch, len(ids))]
		facts, err := f.EntityFacts(ctx, batch)
		if err != nil {
			return st, fmt.Errorf("read entities: %w", err)
		}
		// Descriptions first, then the facts: in TriG and JSON-LD that is
		// one default-graph block and one source-graph block per batch.
		for _, ef := range facts {
			if ef.Entity == nil {
				continue
			}
			st.Entities++
			st.ByKind[ef.Entity.Kind]++
			if err := count(m.Entity(ef.Entity)); err != nil {
				return st, err
			}
		}
		for _, ef := range facts {
			if ef.Entity == nil {
				continue
			}
			qs := m.EntityFacts(ef.Entity.ID, ef.Relations, ef.Figures, ev)
			for _, q := range qs {
				if q.S.Value == m.IRIs.Entity(ef.Entity.ID) {
					st.ByPredicate[m.IRIs.PredicateName(q.P.Value)]++
				}
			}
			st.Figures += len(ef.Figures)
			st.noteDegree(ef.Entity.ID, ef.Degree)
			if err := count(qs); err != nil {
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
	st.Evidence = ev.Len()
	if err := count(ev.Quads(*m)); err != nil {
		return st, err
	}
	if imp, ok := f.(ImportedFacts); ok {
		names, err := imp.ImportNames(ctx)
		if err != nil {
			return st, fmt.Errorf("list imports: %w", err)
		}
		for _, n := range names {
			qs, err := imp.ImportTriples(ctx, n)
			if err != nil {
				return st, err
			}
			for i := range qs {
				qs[i].Graph = m.ImportGraph(n)
			}
			if err := count(qs); err != nil {
				return st, err
			}
			st.Imports++
		}
	}
	if err := count(m.Vocabulary()); err != nil {
		return st, err
	}
	return st, nil
}

// EntityFacts returns the relations (each once as a direct triple, first,
// then their statements) and the figures of an entity, noting their quotes
// in ev. Relations read from the object's side belong to their subject, and
// are written under it.
func (m Model) EntityFacts(id string, rels []StatedRelation, figs []Figure, ev *EvidenceSet) []Quad {
	var direct, rest []Quad
	seen := map[Quad]bool{}
	for i := range rels {
		r := &rels[i]
		qs := m.Relation(&r.Relation, r.Statement)
		if !seen[qs[0]] { // else the same link under another statement
			seen[qs[0]] = true
			direct = append(direct, qs[0])
		}
		rest = append(rest, qs[1:]...)
		ev.Add(r.Evidence, m.StatementIRI(r.Subject, r.Statement))
	}
	slices.SortStableFunc(direct, func(a, b Quad) int { return cmp.Compare(a.S.Value, b.S.Value) })
	for i := range figs {
		rest = append(rest, m.Figure(id, &figs[i])...)
		ev.Add(figs[i].Evidence, m.FigureIRI(id, figs[i].Key))
	}
	return append(direct, rest...)
}

// EvidenceSet gathers each quoted place once with every fact it supports.
type EvidenceSet struct {
	byKey map[evKey]*evEntry
}

type evKey struct {
	source     string
	start, end int
}

type evEntry struct {
	ev     Evidence
	bodies []string
}

// NewEvidenceSet returns an empty set.
func NewEvidenceSet() *EvidenceSet { return &EvidenceSet{byKey: map[evKey]*evEntry{}} }

// Add notes that body (a statement or figure IRI) is supported by evs.
func (s *EvidenceSet) Add(evs []Evidence, body string) {
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

// Len is the number of quoted places.
func (s *EvidenceSet) Len() int { return len(s.byKey) }

// Quads returns the annotations by source and place, bodies sorted.
func (s *EvidenceSet) Quads(m Model) []Quad {
	entries := make([]*evEntry, 0, len(s.byKey))
	for _, e := range s.byKey {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b *evEntry) int {
		return cmp.Or(cmp.Compare(a.ev.Source, b.ev.Source), cmp.Compare(a.ev.Start, b.ev.Start), cmp.Compare(a.ev.End, b.ev.End))
	})
	var out []Quad
	for _, e := range entries {
		slices.Sort(e.bodies)
		out = append(out, m.Evidence(e.ev, e.bodies)...)
	}
	return out
}

// ViewLabel labels the quads of the public view that a graph version keeps
// beside its internal layout (each triple of the public model once, graphs
// merged), so that a triple pattern is an index lookup with an exact count.
const ViewLabel = "civicgraph:view"
