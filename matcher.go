package main

import (
	"context"

	"github.com/civicgraph/civicgraph/imports"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/reconcile"
	"github.com/civicgraph/civicgraph/store"
)

// undecidedCandidates is how many candidates an import reports for a
// record reconciliation could not match safely.
const undecidedCandidates = 3

// reconcileMatcher links imported records by the reconciliation API's
// candidates and match rule, so an import auto-links exactly what
// OpenRefine would auto-match.
type reconcileMatcher struct{ h *reconcile.Handler }

func newMatcher(iris kg.IRIs) imports.Matcher {
	return reconcileMatcher{reconcile.NewHandler(reconcile.Config{IRIs: iris})}
}

func (m reconcileMatcher) Match(ctx context.Context, g *store.Graph, q imports.Query) (imports.Match, error) {
	cands, err := m.h.Match(ctx, g, q.Name, q.Kind, q.Identifiers, undecidedCandidates)
	if err != nil {
		return imports.Match{}, err
	}
	var out imports.Match
	for _, c := range cands {
		out.Candidates = append(out.Candidates, imports.Candidate{ID: c.ID, Name: c.Name, Score: c.Score / 100})
	}
	if len(cands) > 0 && cands[0].Match {
		out.ID, out.Score, out.Auto = cands[0].ID, cands[0].Score/100, true
	}
	return out, nil
}
