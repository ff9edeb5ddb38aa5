// Package linkeddata serves the graph as linked data: entity, source and
// vocabulary IRIs that dereference by content negotiation (HTML or RDF),
// the whole graph as an RDF or CSV export, the dataset's VoID/DCAT
// description and its triple pattern fragments. It reads through the
// store's read layer and writes the public RDF model of package kg.
package linkeddata

import (
	"context"
	"fmt"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
)

// exportBatch is how many entities a CSV export reads at once.
const exportBatch = kg.WalkBatch

// Stats counts what an export wrote.
type Stats = kg.WalkStats

// Progress is told how many of the total entities are written so far.
type Progress func(done, total int)

// graphFacts reads the public model's facts from one graph version.
type graphFacts struct{ g *store.Graph }

func (f graphFacts) Sources(ctx context.Context) ([]*kg.Source, error) {
	ids, err := f.g.SourceIDs(ctx)
	if err != nil {
		return nil, err
	}
	srcs, err := f.g.Sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []*kg.Source
	for _, s := range srcs {
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f graphFacts) ImportNames(ctx context.Context) ([]string, error) { return f.g.ImportNames(ctx) }

func (f graphFacts) ImportTriples(ctx context.Context, name string) ([]kg.Quad, error) {
	return f.g.ImportTriples(ctx, name)
}

func (f graphFacts) EntityIDs(ctx context.Context) ([]string, error) { return f.g.EntityIDs(ctx) }

func (f graphFacts) EntityFacts(ctx context.Context, ids []string) ([]kg.EntityFacts, error) {
	ents, err := f.g.Entities(ctx, ids)
	if err != nil {
		return nil, err
	}
	edges, err := f.g.Edges(ctx, ids)
	if err != nil {
		return nil, err
	}
	figs, err := f.g.Figures(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]kg.EntityFacts, len(ids))
	for i := range ids {
		out[i] = kg.EntityFacts{Entity: ents[i], Relations: stated(edges[i], false), Figures: figs[i], Degree: len(edges[i])}
	}
	return out, nil
}

// stated returns the relations of edges, with incoming ones when asked.
func stated(edges []store.Edge, incoming bool) []kg.StatedRelation {
	var out []kg.StatedRelation
	for _, e := range edges {
		if e.Dir == store.Out || incoming {
			out = append(out, kg.StatedRelation{Relation: e.Relation, Statement: e.Statement})
		}
	}
	return out
}

// emitter adapts an rdf.Writer to a walk.
func emitter(w rdf.Writer) func(...kg.Quad) error { return w.Write }

// Export writes the whole public RDF of g to w, in a fixed order, so equal
// graphs give equal bytes. It does not close w.
func Export(ctx context.Context, g *store.Graph, iris kg.IRIs, w rdf.Writer, progress Progress) (Stats, error) {
	m := kg.Model{IRIs: iris}
	st, err := m.Walk(ctx, graphFacts{g}, emitter(w), progress)
	if err != nil {
		return st, fmt.Errorf("export: %w", err)
	}
	return st, nil
}

// NewModel returns the public model of g under iris, with the texts of
// g's sources for evidence selectors.
func NewModel(ctx context.Context, g *store.Graph, iris kg.IRIs) (kg.Model, error) {
	srcs, err := graphFacts{g}.Sources(ctx)
	if err != nil {
		return kg.Model{}, err
	}
	m := kg.Model{IRIs: iris, Texts: map[string]string{}}
	for _, s := range srcs {
		m.Texts[s.ID] = s.Text
	}
	return m, nil
}

// EntityQuads returns what dereferencing an entity gives: its description,
// the names of its neighbours, its relations both ways, its figures and the
// annotations of their quotes. ok is false for an unknown id.
func EntityQuads(ctx context.Context, g *store.Graph, m kg.Model, id string) (q []kg.Quad, ok bool, err error) {
	ents, err := g.Entities(ctx, []string{id})
	if err != nil || ents[0] == nil {
		return nil, false, err
	}
	edges, err := g.Edges(ctx, []string{id})
	if err != nil {
		return nil, false, err
	}
	figs, err := g.Figures(ctx, []string{id})
	if err != nil {
		return nil, false, err
	}
	out := m.Entity(ents[0])
	seen := map[string]bool{id: true}
	for _, ed := range edges[0] {
		if !seen[ed.Other] {
			seen[ed.Other] = true
			out = append(out, m.Label(ed.Other, ed.OtherName)...)
		}
	}
	ev := kg.NewEvidenceSet()
	out = append(out, m.EntityFacts(id, stated(edges[0], true), figs[0], ev)...)
	out = append(out, ev.Quads(m)...)
	return out, true, nil
}
