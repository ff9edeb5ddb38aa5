package store

import (
	"context"
	"fmt"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/cayley/graph/refs"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/cayley/query/shape"
	"github.com/cayleygraph/quad"
)

// A read walks the graph level by level: the attributes of a batch of
// entities, then of all their identifier nodes, and so on. Each level is one
// Cayley query over every node of the level — a quad shape with the nodes as
// a fixed set, built through the store's optimiser — never one per node, and
// the values of its quads are resolved in one batch. In memory and on bolt
// the query walks the quad index of each node in process; on PostgreSQL it
// is one statement, and the values another (sqlread.go).

// around returns the quads that have nodes[i] in direction d, for each i, in
// the store's order. The slices of repeated nodes are shared: callers only
// read them.
func (g *Graph) around(ctx context.Context, d quad.Direction, nodes []quad.Value) ([][]quad.Quad, error) {
	out := make([][]quad.Quad, len(nodes))
	if len(nodes) == 0 {
		return out, nil
	}
	if len(nodes) == 1 { // the common case of a request for one entity, made short
		rs, err := g.refsOf(ctx, nodes)
		if err != nil || rs[0] == nil {
			return out, err
		}
		out[0], err = g.query(ctx, d, shape.Fixed(rs), nodes, rs)
		return out, err
	}
	// Nodes are IRIs and literals, all comparable: they key the map as
	// they are, with no string to build.
	at := make([]int, len(nodes))
	pos := make(map[quad.Value]int, len(nodes))
	uniq := make([]quad.Value, 0, len(nodes))
	for i, n := range nodes {
		j, ok := pos[n]
		if !ok {
			j = len(uniq)
			pos[n] = j
			uniq = append(uniq, n)
		}
		at[i] = j
	}
	rs, err := g.refsOf(ctx, uniq)
	if err != nil {
		return nil, err
	}
	fixed := make(shape.Fixed, 0, len(rs))
	for _, r := range rs {
		if r != nil {
			fixed = append(fixed, r)
		}
	}
	if len(fixed) == 0 {
		return out, nil
	}
	qs, err := g.query(ctx, d, fixed, uniq, rs)
	if err != nil {
		return nil, err
	}
	per := group(qs, len(uniq), func(q quad.Quad) int {
		if j, ok := pos[q.Get(d)]; ok {
			return j
		}
		return -1
	})
	for i := range nodes {
		out[i] = per[at[i]]
	}
	return out, nil
}

// group splits qs into n groups by the index of gives each, keeping their
// order within a group (the store's) and dropping those of index -1. Quads that come
// grouped already, as in memory and on bolt, are sliced where they are.
func group(qs []quad.Quad, n int, of func(quad.Quad) int) [][]quad.Quad {
	idx := make([]int, len(qs))
	start := make([]int, n+1)
	sorted := true
	for i, q := range qs {
		j := of(q)
		idx[i] = j
		if j < 0 || i > 0 && j < idx[i-1] {
			sorted = false
		}
		if j >= 0 {
			start[j+1]++
		}
	}
	for j := range n {
		start[j+1] += start[j]
	}
	if !sorted {
		next := append([]int(nil), start[:n]...)
		dst := make([]quad.Quad, start[n])
		for i, q := range qs {
			if j := idx[i]; j >= 0 {
				dst[next[j]] = q
				next[j]++
			}
		}
		qs = dst
	}
	out := make([][]quad.Quad, n)
	for j := range out {
		if start[j] < start[j+1] {
			out[j] = qs[start[j]:start[j+1]:start[j+1]]
		}
	}
	return out
}

// refsOf resolves nodes to the store's references, in one batch where the
// store offers one; a node the store does not hold gives nil.
func (g *Graph) refsOf(ctx context.Context, nodes []quad.Value) ([]graph.Ref, error) {
	if bn, ok := g.qs.(refs.BatchNamer); ok {
		rs, err := bn.RefsOf(ctx, nodes)
		if err != nil {
			return nil, fmt.Errorf("look up %d nodes: %w", len(nodes), unavailable(err))
		}
		for i, r := range rs {
			if r == kv.Int64Value(0) { // what a key-value store gives for a value it does not hold
				rs[i] = nil
			}
		}
		return rs, nil
	}
	rs := make([]graph.Ref, len(nodes))
	for i, n := range nodes {
		r, err := g.qs.ValueOf(n)
		if err != nil {
			return nil, fmt.Errorf("look up %v: %w", n, unavailable(err))
		}
		rs[i] = r
	}
	return rs, nil
}

// query runs one Cayley query — the quads with one of the nodes fixed in
// direction d, through the store's optimiser — and returns them with their
// values, resolved in one batch. vals and rs are the values the caller
// asked for and their references (nil for those the store lacks), which
// need no lookup when they come back.
func (g *Graph) query(ctx context.Context, d quad.Direction, fixed shape.Fixed, vals []quad.Value, rs []graph.Ref) ([]quad.Quad, error) {
	g.queries.Add(1)
	var sh iterator.Shape
	switch _, isSQL := g.qs.(*csql.QuadStore); {
	case len(fixed) == 1:
		sh = g.qs.QuadIterator(d, fixed[0]) // what the optimiser makes of one node
	case isSQL:
		var err error
		if sh, err = sqlQuadsAround(g.qs, d, fixed); err != nil {
			return nil, err
		}
	default:
		sh = shape.BuildIterator(ctx, g.qs, shape.Quads{{Dir: d, Values: fixed}})
	}
	it := sh.Iterate()
	defer it.Close()
	// An in-memory store reads each quad at once.
	_, inMemory := g.qs.(*memstore.QuadStore)
	var qs []quad.Quad
	var qrefs []graph.Ref
	for it.Next(ctx) {
		if !inMemory {
			qrefs = append(qrefs, it.Result())
			continue
		}
		q, err := g.qs.Quad(it.Result())
		if err != nil {
			return nil, fmt.Errorf("read quad: %w", err)
		}
		qs = append(qs, q)
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("iterate: %w", unavailable(err))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if inMemory {
		return qs, nil
	}
	return g.quads(ctx, qrefs, vals, rs)
}

// quads reads the quads behind qrefs, looking up every distinct value they
// hold, but those of rs and those the graph's value dictionary holds, in one
// batch: one bolt transaction, or on PostgreSQL one statement.
func (g *Graph) quads(ctx context.Context, qrefs []graph.Ref, vals []quad.Value, rs []graph.Ref) ([]quad.Quad, error) {
	out := make([]quad.Quad, len(qrefs))
	known := make(map[any]quad.Value, len(rs))
	for i, r := range rs {
		if r != nil {
			known[r.Key()] = vals[i]
		}
	}
	keys := make([][4]any, len(qrefs))
	var missing []graph.Ref
	asked := map[any]bool{}
	for i, r := range qrefs {
		for _, d := range quad.Directions {
			nr, err := g.qs.QuadDirection(r, d)
			if err != nil {
				return nil, fmt.Errorf("read quad: %w", unavailable(err))
			}
			if h, ok := nr.(csql.NodeHash); nr == nil || ok && !h.Valid() {
				continue // no value in this direction: a quad without a label
			}
			k := nr.Key()
			keys[i][d-quad.Subject] = k
			if _, ok := known[k]; ok || asked[k] {
				continue
			}
			if v, ok := g.values.get(k); ok {
				known[k] = v
				continue
			}
			asked[k] = true
			missing = append(missing, nr)
		}
	}
	if len(missing) > 0 {
		vals, err := g.valuesOf(ctx, missing)
		if err != nil {
			return nil, fmt.Errorf("read %d values: %w", len(missing), unavailable(err))
		}
		mk := make([]any, len(missing))
		for i, r := range missing {
			mk[i] = r.Key()
			known[mk[i]] = vals[i]
		}
		g.values.put(mk, vals)
	}
	for i := range qrefs {
		for _, d := range quad.Directions {
			if k := keys[i][d-quad.Subject]; k != nil {
				out[i].Set(d, known[k])
			}
		}
	}
	return out, nil
}

// valuesOf looks up the values of refs in one batch: one statement on
// PostgreSQL, one transaction on bolt.
func (g *Graph) valuesOf(ctx context.Context, rs []graph.Ref) ([]quad.Value, error) {
	if sqs, ok := g.qs.(*csql.QuadStore); ok {
		return sqlValues(ctx, sqs, rs)
	}
	return graph.ValuesOf(ctx, g.qs, rs)
}
