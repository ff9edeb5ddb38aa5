package store

import (
	"fmt"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
)

// Source is one graph version to write: its quads and a content hash of them.
// The store asks no more of a dataset, so it need not know how one is read
// or validated (a *loader.Dataset is one).
type Source interface {
	Version() string
	Quads() []quad.Quad
}

// Write adds src's quads and its version to qs in one ApplyDeltas call (one
// transaction on the SQL stores). Quads already present are skipped, so
// writing the same source twice adds nothing. Stores call it on each new
// generation; it is exported for tests that write a bare Cayley store.
func Write(qs graph.QuadStore, src Source) error {
	quads := src.Quads()
	quads = append(quads, quad.Quad{Subject: quad.IRI(kg.GraphNode), Predicate: quad.IRI(kg.AttrVersion), Object: quad.String(src.Version())})
	deltas := make([]graph.Delta, len(quads))
	for i, q := range quads {
		deltas[i] = graph.Delta{Quad: q, Action: graph.Add}
	}
	if err := qs.ApplyDeltas(deltas, graph.IgnoreOpts{IgnoreDup: true}); err != nil {
		return fmt.Errorf("write %d quads: %w", len(deltas), err)
	}
	return nil
}
