package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
	"github.com/civicgraph/civicgraph/store"
)

// checkFirst enforces the page size limits: a first the client passed is
// never silently clamped, but a default (def when first is null) never
// exceeds r.MaxFirst. (An absent first arrives as the schema's default, which
// NewExecutableSchema has already clamped.)
func (r *Resolver) checkFirst(first *int, def int) (int, error) {
	n := def
	if r.MaxFirst > 0 {
		n = min(n, r.MaxFirst)
	}
	if first != nil {
		n = *first
	}
	if n < 0 {
		return 0, Errorf(BadUserInput, "first must not be negative, got %d", n)
	}
	if n > r.MaxFirst {
		return 0, Errorf(LimitExceeded, "first must be at most %d, got %d", r.MaxFirst, n)
	}
	return n, nil
}

// entity loads one entity through the request's dataloader; nil when absent.
func (r *Resolver) entity(ctx context.Context, id string) (model.Entity, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.entities.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return model.NewEntity(e, r.IRIs), nil
}

// entityList loads entities by id, in one batch, skipping any missing.
func (r *Resolver) entityList(ctx context.Context, ids []string) ([]model.Entity, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	es, err := s.entities.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Entity, 0, len(es))
	for _, e := range es {
		if e != nil {
			out = append(out, model.NewEntity(e, r.IRIs))
		}
	}
	return out, nil
}

// edges returns the relations of id filtered by predicate (a name or its
// IRI) and direction.
func (r *Resolver) edges(ctx context.Context, id string, predicate *string, dir *model.Direction) ([]store.Edge, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.edges.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	pred := ""
	if predicate != nil {
		pred = r.IRIs.PredicateName(*predicate)
		if _, ok := kg.LookupPredicate(pred); !ok {
			return nil, Errorf(BadUserInput, "unknown predicate %q: see the vocabulary query", *predicate)
		}
	}
	var out []store.Edge
	for _, e := range all {
		if pred != "" && e.Predicate != pred {
			continue
		}
		if dir != nil && (*dir == model.DirectionOut && e.Dir != store.Out || *dir == model.DirectionIn && e.Dir != store.In) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// edgesOf is edges for one predicate name and direction.
func (r *Resolver) edgesOf(ctx context.Context, id, predicate string, dir model.Direction) ([]store.Edge, error) {
	return r.edges(ctx, id, &predicate, &dir)
}

func (r *Resolver) relations(ctx context.Context, id string, predicate *string, dir *model.Direction, first *int, after *string) ([]*model.Relation, error) {
	n, err := r.checkFirst(first, 100)
	if err != nil {
		return nil, err
	}
	edges, err := r.edges(ctx, id, predicate, dir)
	if err != nil {
		return nil, err
	}
	if after != nil {
		i := -1
		for j, e := range edges {
			if model.RelationCursor(e) == *after {
				i = j
				break
			}
		}
		if i < 0 {
			return nil, Errorf(BadUserInput, "after: unknown cursor %q for this list", *after)
		}
		edges = edges[i+1:]
	}
	if len(edges) > n {
		edges = edges[:n]
	}
	return r.relationList(edges), nil
}

func (r *Resolver) relationList(edges []store.Edge) []*model.Relation {
	out := make([]*model.Relation, len(edges))
	for i, e := range edges {
		out[i] = &model.Relation{Edge: e, IRIs: r.IRIs}
	}
	return out
}

func (r *Resolver) relationCount(ctx context.Context, id string, predicate *string, dir *model.Direction) (int, error) {
	edges, err := r.edges(ctx, id, predicate, dir)
	return len(edges), err
}

func (r *Resolver) figures(ctx context.Context, id string, period *string) ([]*model.Figure, error) {
	if period != nil {
		if err := kg.ParseTime(*period); err != nil {
			return nil, Errorf(BadUserInput, "period: %v", err)
		}
	}
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := s.figures.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Figure, 0, len(fs))
	for _, f := range fs {
		if period == nil || inPeriod(f.Period, *period) {
			out = append(out, &model.Figure{Figure: f})
		}
	}
	return out, nil
}

// inPeriod reports whether a figure's period is want or starts within it: a
// year or month holds the dates and intervals that begin in it.
func inPeriod(got, want string) bool {
	return got == want || strings.HasPrefix(got, want+"-") || strings.HasPrefix(got, want+"/")
}

// honours lists the award relations of id as honours received.
func (r *Resolver) honours(ctx context.Context, id string) ([]*model.HonourAward, error) {
	edges, err := r.edgesOf(ctx, id, "award", model.DirectionOut)
	if err != nil {
		return nil, err
	}
	out := make([]*model.HonourAward, len(edges))
	for i, e := range edges {
		a := &model.HonourAward{HonourID: e.Other, Evidence: e.Evidence}
		if t, ok := e.Qualifier(kg.QualTime); ok {
			a.Time, a.TimeInferred = &t.Value, t.Inferred
		}
		if a.Evidence == nil {
			a.Evidence = []kg.Evidence{}
		}
		out[i] = a
	}
	return out, nil
}

// related lists the distinct entities at the other end of id's relations of
// predicate in direction, in relation order.
func (r *Resolver) related(ctx context.Context, id, predicate string, dir model.Direction) ([]model.Entity, error) {
	edges, err := r.edgesOf(ctx, id, predicate, dir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, e := range edges {
		if !seen[e.Other] {
			seen[e.Other] = true
			ids = append(ids, e.Other)
		}
	}
	return r.entityList(ctx, ids)
}

// relatedPlace is the first place at the other end of predicate, if any.
func (r *Resolver) relatedPlace(ctx context.Context, id, predicate string) (*model.Place, error) {
	es, err := r.related(ctx, id, predicate, model.DirectionOut)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		if p, ok := e.(*model.Place); ok {
			return p, nil
		}
	}
	return nil, nil
}

// relationsOf lists id's relations of any of the predicates in direction.
func (r *Resolver) relationsOf(ctx context.Context, id string, dir model.Direction, predicates ...string) ([]*model.Relation, error) {
	// Lists come by predicate in the documented order, whatever order the
	// caller names them in.
	predicates = slices.Sorted(slices.Values(predicates))
	var edges []store.Edge
	for _, p := range predicates {
		es, err := r.edgesOf(ctx, id, p, dir)
		if err != nil {
			return nil, err
		}
		edges = append(edges, es...)
	}
	return r.relationList(edges), nil
}

func ofType[T any](es []model.Entity) []T {
	out := make([]T, 0, len(es))
	for _, e := range es {
		if t, ok := e.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

func (r *Resolver) source(ctx context.Context, id string) (*model.Source, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	src, err := s.sources.Load(ctx, id)
	if err != nil || src == nil {
		return nil, err
	}
	return &model.Source{Source: *src, IRIs: r.IRIs}, nil
}

func (r *Resolver) search(ctx context.Context, text string, types []model.EntityType, first *int) ([]*model.SearchHit, error) {
	n, err := r.checkFirst(first, 10)
	if err != nil {
		return nil, err
	}
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	kinds := make([]kg.Kind, len(types))
	for i, t := range types {
		kinds[i] = model.KindOf(t)
	}
	hits, err := s.g.Index().Search(text, kinds, n)
	if errors.Is(err, search.ErrBadQuery) {
		return nil, Errorf(BadUserInput, "%v", err)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*model.SearchHit, len(hits))
	for i, h := range hits {
		out[i] = &model.SearchHit{EntityID: h.ID, Score: h.Score, Matched: h.Matched, How: model.MatchKind(h.How.String())}
	}
	return out, nil
}

func (r *Resolver) entities(ctx context.Context, typ *model.EntityType, first *int, after *string) (*model.EntityConnection, error) {
	n, err := r.checkFirst(first, 100)
	if err != nil {
		return nil, err
	}
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	var kinds []kg.Kind
	if typ != nil {
		kinds = []kg.Kind{model.KindOf(*typ)}
	}
	ids, err := s.g.EntityIDs(ctx, kinds...)
	if err != nil {
		return nil, err
	}
	conn := &model.EntityConnection{TotalCount: len(ids), Edges: []*model.EntityEdge{}}
	start := 0
	if after != nil {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		if err != nil {
			return nil, Errorf(BadUserInput, "after: malformed cursor %q", *after)
		}
		// Cursors name an id, so a page boundary survives other entities' changes.
		for start < len(ids) && ids[start] <= string(b) {
			start++
		}
	}
	end := min(start+n, len(ids))
	page, err := r.entityList(ctx, ids[start:end])
	if err != nil {
		return nil, err
	}
	for _, e := range page {
		c := base64.RawURLEncoding.EncodeToString([]byte(model.IDOf(e)))
		conn.Edges = append(conn.Edges, &model.EntityEdge{Cursor: c, Node: e})
	}
	conn.HasNextPage = end < len(ids)
	if len(conn.Edges) > 0 {
		c := conn.Edges[len(conn.Edges)-1].Cursor
		conn.EndCursor = &c
	}
	return conn, nil
}

func (r *Resolver) sources(ctx context.Context) ([]*model.Source, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := s.g.SourceIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Source, 0, len(ids))
	for _, id := range ids {
		src, err := r.source(ctx, id)
		if err != nil {
			return nil, err
		}
		if src != nil {
			out = append(out, src)
		}
	}
	return out, nil
}

func (r *Resolver) vocabulary() []*model.Predicate {
	out := make([]*model.Predicate, len(kg.Vocabulary))
	for i := range kg.Vocabulary {
		out[i] = &model.Predicate{P: &kg.Vocabulary[i], IRIs: r.IRIs}
	}
	return out
}
