package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
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
	es, err := r.entitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := es[:0]
	for _, e := range es {
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// entitiesByID loads entities by id, in one batch; a missing one is nil at
// its place.
func (r *Resolver) entitiesByID(ctx context.Context, ids []string) ([]model.Entity, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	es, err := s.entities.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Entity, len(es))
	for i, e := range es {
		out[i] = model.NewEntity(e, r.IRIs)
	}
	return out, nil
}

// entityNeed is what a query asks of entities a resolver returns.
type entityNeed int

const (
	needNone   entityNeed = iota // nothing: they are not selected
	needStub                     // what an edge knows (see model.NewStub)
	needEntity                   // their attributes, which take a read
)

// needOf reports what the selection of the field being resolved asks of
// field of the objects of type typ it returns, or of those objects
// themselves when field is "". Outside an operation (a resolver called
// directly) everything is asked.
func needOf(ctx context.Context, typ, field string) entityNeed {
	fc := graphql.GetFieldContext(ctx)
	if !graphql.HasOperationContext(ctx) || fc == nil {
		return needEntity
	}
	oc := graphql.GetOperationContext(ctx)
	if field == "" {
		return needOfSelection(oc, fc.Field.Selections)
	}
	need := needNone
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{typ}) {
		if f.Name == field {
			need = max(need, needOfSelection(oc, f.Selections))
		}
	}
	return need
}

// needOfSelection is what a selection of entity fields asks.
func needOfSelection(oc *graphql.OperationContext, sel ast.SelectionSet) entityNeed {
	for _, f := range graphql.CollectFields(oc, sel, model.EntityTypes) {
		if model.NeedsAttributes(f.Name) {
			return needEntity
		}
	}
	return needStub
}

// others returns the entities at the other ends of edges, by their ids and
// names, as need asks: stubs where the edges know enough, read in one
// batch where they do not. A missing entity is nil.
func (r *Resolver) others(ctx context.Context, ids, names []string, need entityNeed) ([]model.Entity, error) {
	if need != needStub {
		return r.entitiesByID(ctx, ids)
	}
	out := model.NewStubs(ids, names, r.IRIs)
	var read []string
	var at []int
	for i, id := range ids {
		if out[i] == nil {
			read = append(read, id)
			at = append(at, i)
		}
	}
	if len(read) == 0 {
		return out, nil
	}
	es, err := r.entitiesByID(ctx, read)
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		out[i] = es[j]
	}
	return out, nil
}

// otherEnds is the ids and names of the other ends of edges.
func otherEnds(edges []store.Edge) (ids, names []string) {
	ids, names = make([]string, len(edges)), make([]string, len(edges))
	for i := range edges {
		ids[i], names[i] = edges[i].Other, edges[i].OtherName
	}
	return ids, names
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
	keep := func(e *store.Edge) bool {
		if pred != "" && e.Predicate != pred {
			return false
		}
		return dir == nil || *dir == model.DirectionBoth || (*dir == model.DirectionOut) == (e.Dir == store.Out)
	}
	start, n := -1, 0
	for i := range all {
		if keep(&all[i]) {
			if start < 0 {
				start = i
			}
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	// The list is ordered by predicate, then direction, so the matches are
	// usually one run of it: returned as they are, not copied. The list is
	// shared (loader, cache), so its capacity ends with the run: an append
	// copies.
	run := all[start : start+n : start+n]
	whole := true
	for i := range run {
		whole = whole && keep(&run[i])
	}
	if whole {
		return run, nil
	}
	out := make([]store.Edge, 0, n)
	for i := range all {
		if keep(&all[i]) {
			out = append(out, all[i])
		}
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
	return r.relationList(ctx, edges)
}

// relationList shows edges as relations, with their targets when the query
// asks for them: made here from the edges, or read for the whole list in
// one batch, so that Relation.target is a value in hand rather than a
// resolver per item.
func (r *Resolver) relationList(ctx context.Context, edges []store.Edge) ([]*model.Relation, error) {
	out := make([]*model.Relation, len(edges))
	rels := make([]model.Relation, len(edges)) // one allocation for all
	for i := range edges {
		rels[i] = model.Relation{Edge: edges[i], IRIs: r.IRIs}
		out[i] = &rels[i]
	}
	need := needNone
	if len(edges) > 0 {
		need = needOf(ctx, "Relation", "target")
	}
	if need == needNone {
		return out, nil
	}
	ids, names := otherEnds(edges)
	targets, err := r.others(ctx, ids, names, need)
	if err != nil {
		return nil, err
	}
	for i, rel := range out {
		if rel.Target = targets[i]; rel.Target == nil {
			return nil, fmt.Errorf("relation %s: no entity %s", rel.Statement, rel.Other)
		}
	}
	return out, nil
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

// honours lists the award relations of id as honours received, with the
// honours themselves when the query asks for them: made here from the
// edges, or read for the whole list in one batch, so that
// HonourAward.honour is a value in hand rather than a resolver per item.
func (r *Resolver) honours(ctx context.Context, id string) ([]*model.HonourAward, error) {
	edges, err := r.edgesOf(ctx, id, "award", model.DirectionOut)
	if err != nil {
		return nil, err
	}
	out := make([]*model.HonourAward, len(edges))
	awards := make([]model.HonourAward, len(edges)) // one allocation for all
	for i := range edges {
		e := &edges[i]
		a := &awards[i]
		a.HonourID, a.Evidence = e.Other, e.Evidence
		for j := range e.Qualifiers {
			if q := &e.Qualifiers[j]; q.Key == kg.QualTime {
				a.Time, a.TimeInferred = &q.Value, q.Inferred // shared, only read
				break
			}
		}
		if a.Evidence == nil {
			a.Evidence = []kg.Evidence{}
		}
		out[i] = a
	}
	need := needNone
	if len(edges) > 0 {
		need = needOf(ctx, "HonourAward", "honour")
	}
	if need == needNone {
		return out, nil
	}
	ids, names := otherEnds(edges)
	honours, err := r.others(ctx, ids, names, need)
	if err != nil {
		return nil, err
	}
	for i, a := range out {
		h, ok := honours[i].(*model.Honour)
		if !ok {
			return nil, fmt.Errorf("award of %s is not an honour", a.HonourID)
		}
		a.Honour = h
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
	seen := make(map[string]bool, len(edges))
	var ids, names []string
	for _, e := range edges {
		if !seen[e.Other] {
			seen[e.Other] = true
			ids, names = append(ids, e.Other), append(names, e.OtherName)
		}
	}
	if len(ids) == 0 {
		return []model.Entity{}, nil
	}
	es, err := r.others(ctx, ids, names, needOf(ctx, "", ""))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(es, func(e model.Entity) bool { return e == nil }), nil
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
	return r.relationList(ctx, edges)
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
	if len(hits) == 0 || needOf(ctx, "SearchHit", "entity") == needNone {
		return out, nil
	}
	// The hits' entities, in one batch, so that SearchHit.entity is a value
	// in hand rather than a resolver per hit.
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	es, err := r.entitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, hit := range out {
		if hit.Entity = es[i]; hit.Entity == nil {
			return nil, fmt.Errorf("search hit: no entity %s", hit.EntityID)
		}
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
	srcs, err := s.sources.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Source, 0, len(srcs))
	for _, src := range srcs {
		if src != nil {
			out = append(out, &model.Source{Source: *src, IRIs: r.IRIs})
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
