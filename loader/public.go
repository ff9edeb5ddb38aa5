package loader

import (
	"context"
	"sort"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
)

// viewQuads returns the public RDF model of the dataset under its declared
// base — the triples an export of it holds — labelled kg.ViewLabel, to be
// written with the graph. A dataset without a base has no view.
func (ds *Dataset) viewQuads() []quad.Quad {
	if ds.Info.Base == "" {
		return nil
	}
	m := kg.Model{IRIs: kg.NewIRIs(ds.Info.Base)}
	var out []quad.Quad
	label := quad.IRI(kg.ViewLabel)
	emit := func(qs ...kg.Quad) error {
		for _, q := range qs {
			out = append(out, quad.Quad{Subject: rdf.Value(q.S), Predicate: rdf.Value(q.P), Object: rdf.Value(q.O), Label: label})
		}
		return nil
	}
	// The dataset is in memory: the walk cannot fail.
	if _, err := m.Walk(context.Background(), datasetFacts{ds}, emit, nil); err != nil {
		panic("loader: walk of a loaded dataset: " + err.Error())
	}
	return out
}

// datasetFacts reads the public model's facts from the dataset, with the
// statement and figure node ids its quads use.
type datasetFacts struct{ ds *Dataset }

func (f datasetFacts) Sources(context.Context) ([]*kg.Source, error) { return f.ds.Sources, nil }

func (f datasetFacts) EntityIDs(context.Context) ([]string, error) {
	ids := make([]string, len(f.ds.Entities))
	for i, e := range f.ds.Entities {
		ids[i] = e.ID
	}
	sort.Strings(ids)
	return ids, nil
}

func (f datasetFacts) EntityFacts(_ context.Context, ids []string) ([]kg.EntityFacts, error) {
	byID := make(map[string]*kg.Entity, len(f.ds.Entities))
	for _, e := range f.ds.Entities {
		byID[e.ID] = e
	}
	out := make([]kg.EntityFacts, len(ids))
	for i, id := range ids {
		out[i].Entity = byID[id]
		for _, fig := range f.ds.Figures[id] {
			fig.Key = kg.FigPrefix + figureKey(id, fig)
			out[i].Figures = append(out[i].Figures, fig)
		}
	}
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	for _, r := range f.ds.Relations {
		if i, ok := index[r.Subject]; ok {
			out[i].Relations = append(out[i].Relations, kg.StatedRelation{Relation: *r, Statement: kg.StmtPrefix + statementKey(r)})
			out[i].Degree++
		}
		if i, ok := index[r.Object]; ok {
			out[i].Degree++
		}
	}
	return out, nil
}
