package loader

import (
	"fmt"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
)

// Write adds the dataset and its version to qs in one ApplyDeltas call (one
// transaction on the SQL stores). Quads already present are skipped, so
// writing the same dataset twice adds nothing.
func Write(qs graph.QuadStore, ds *Dataset) error {
	quads := ds.Quads()
	quads = append(quads, quad.Quad{Subject: quad.IRI(kg.GraphNode), Predicate: quad.IRI(kg.AttrVersion), Object: quad.String(ds.Version())})
	deltas := make([]graph.Delta, len(quads))
	for i, q := range quads {
		deltas[i] = graph.Delta{Quad: q, Action: graph.Add}
	}
	if err := qs.ApplyDeltas(deltas, graph.IgnoreOpts{IgnoreDup: true}); err != nil {
		return fmt.Errorf("write %d quads: %w", len(deltas), err)
	}
	return nil
}
