package reconcile

import (
	"context"
	"net/http"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// Match reconciles one name as a query of the API would — the same
// candidates, scores and match rule — for the rest of the service: an
// import links a record only where a candidate has match set. Identifiers
// are conditions, so they decide, and one that conflicts leaves no
// candidate.
func (h *Handler) Match(ctx context.Context, g *store.Graph, text string, kind kg.Kind, ids []kg.Identifier, limit int) ([]Candidate, error) {
	if limit <= 0 {
		limit = h.cfg.MaxLimit
	}
	// No request: the id-or-IRI reading sees only the canonical base.
	r := (&http.Request{}).WithContext(ctx)
	s := &session{h: h, r: r, rd: newReader(ctx, g), g: g}
	q := query{text: strings.TrimSpace(text), limit: limit}
	if kind != "" {
		q.kinds = []kg.Kind{kind}
	}
	for _, id := range ids {
		if p, ok := h.lookupProperty(id.Scheme); ok && p.Scheme != "" {
			q.conditions = append(q.conditions, condition{prop: p, values: []conditionValue{{text: id.Value}}})
		}
	}
	return s.reconcile(q)
}
