package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
)

// Pattern is a triple pattern over the public view: a nil term is a
// variable. It is comparable, so it keys the fragment cache.
type Pattern struct {
	S, P, O *kg.Term
}

// Fragment returns the triples of the public view that match pat, sorted,
// from offset and at most limit of them, with how many match in all. The
// view is the public model materialised when the version was loaded
// (kg.ViewLabel): a pattern is an intersection of Cayley's quad indexes,
// and its count is exact.
func (g *Graph) Fragment(ctx context.Context, pat Pattern, offset, limit int) ([]kg.Quad, int, error) {
	all, err := g.fragment(ctx, pat)
	if err != nil {
		return nil, 0, err
	}
	if offset > len(all) {
		offset = len(all)
	}
	end := min(len(all), offset+limit)
	return all[offset:end], len(all), nil
}

func (g *Graph) fragment(ctx context.Context, pat Pattern) ([]kg.Quad, error) {
	key := Pattern{S: copyTerm(pat.S), P: copyTerm(pat.P), O: copyTerm(pat.O)}
	if c := g.cache.fragments; c != nil {
		if qs, ok := c.Get(key); ok {
			g.calls.hit(1)
			return qs, nil
		}
		g.calls.miss(1)
	}
	qs, err := g.readFragment(ctx, pat)
	if err != nil {
		return nil, unavailable(err)
	}
	if c := g.cache.fragments; c != nil {
		c.Add(key, qs)
	}
	return qs, nil
}

// copyTerm keeps the cache key from sharing the caller's term.
func copyTerm(t *kg.Term) *kg.Term {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func (g *Graph) readFragment(ctx context.Context, pat Pattern) ([]kg.Quad, error) {
	g.calls.Add(1)
	label, err := g.qs.ValueOf(quad.IRI(kg.ViewLabel))
	if err != nil {
		return nil, fmt.Errorf("look up the public view: %w", err)
	}
	if label == nil {
		return nil, nil // a version loaded before views were kept
	}
	// The view, and the public triples of every import kept beside it.
	labels := []iterator.Shape{g.qs.QuadIterator(quad.Label, label)}
	names, err := g.ImportNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		ref, err := g.qs.ValueOf(quad.IRI(kg.ImportLabelPrefix + n))
		if err != nil {
			return nil, err
		}
		if ref != nil {
			labels = append(labels, g.qs.QuadIterator(quad.Label, ref))
		}
	}
	var inView iterator.Shape = labels[0]
	if len(labels) > 1 {
		inView = iterator.NewOr(labels...)
	}
	shapes := []iterator.Shape{inView}
	for _, b := range []struct {
		t *kg.Term
		d quad.Direction
	}{{pat.S, quad.Subject}, {pat.P, quad.Predicate}, {pat.O, quad.Object}} {
		if b.t == nil {
			continue
		}
		ref, err := g.qs.ValueOf(rdf.Value(*b.t))
		if err != nil {
			return nil, fmt.Errorf("look up %v: %w", *b.t, err)
		}
		if ref == nil {
			return nil, nil // a term the view does not hold matches nothing
		}
		shapes = append(shapes, g.qs.QuadIterator(b.d, ref))
	}
	var shape iterator.Shape = iterator.NewAnd(shapes...)
	if opt, ok := shape.Optimize(ctx); ok {
		shape = opt
	}
	it := shape.Iterate()
	defer it.Close()
	type keyed struct {
		key string
		q   kg.Quad
	}
	var out []keyed
	for it.Next(ctx) {
		q, err := g.qs.Quad(it.Result())
		if err != nil {
			return nil, fmt.Errorf("read quad of the public view: %w", err)
		}
		s, ok1 := rdf.Term(q.Subject)
		p, ok2 := rdf.Term(q.Predicate)
		o, ok3 := rdf.Term(q.Object)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("the public view holds an unreadable quad: %v", q)
		}
		q.Label = nil // the triple, whichever label holds it
		out = append(out, keyed{q.NQuad(), kg.Quad{S: s, P: p, O: o}})
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("iterate the public view: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Sorted, so that pages are stable whatever order a backend returns;
	// a triple an import states again is one triple.
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	qs := make([]kg.Quad, 0, len(out))
	for i, k := range out {
		if i == 0 || k.key != out[i-1].key {
			qs = append(qs, k.q)
		}
	}
	return qs, nil
}
