package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
)

// ImportInfo describes an import kept beside the graph.
type ImportInfo struct {
	Name, File, Format, License, By string
	LoadedAt                        time.Time
	Records, Linked                 int
}

// ImportRecord is an outside record of an import.
type ImportRecord struct {
	IRI, Label, Import string
	Line               int
	// Properties are its triples in the import (itself the subject).
	Properties []kg.Quad
}

// LinkedRecord is an outside record linked to an entity of ours.
type LinkedRecord struct {
	ImportRecord
	How    string // kg.LinkIdentifier, kg.LinkSameAs or kg.LinkReconciled
	Score  float64
	Detail string // the identifier or IRI it was linked by, or the name matched
}

// labelled reads the attributes of node that carry label.
func (g *Graph) labelled(ctx context.Context, node quad.Value, label string) (map[string][]quad.Value, error) {
	qs, err := g.quadsOf(ctx, node, quad.Subject)
	if err != nil {
		return nil, err
	}
	m := map[string][]quad.Value{}
	for _, q := range qs {
		if iriString(q.Label) == label {
			p := iriString(q.Predicate)
			m[p] = append(m[p], q.Object)
		}
	}
	return m, nil
}

// ImportNames lists the imports the graph keeps, sorted.
func (g *Graph) ImportNames(ctx context.Context) ([]string, error) {
	qs, err := g.quadsOf(ctx, quad.String(kg.ImportKind), quad.Object)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, q := range qs {
		if n, ok := importName(q.Label); ok && iriString(q.Predicate) == kg.AttrKind {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Imports describes the imports the graph keeps, by name.
func (g *Graph) Imports(ctx context.Context) ([]ImportInfo, error) {
	g.calls.Add(1)
	names, err := g.ImportNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ImportInfo, 0, len(names))
	for _, n := range names {
		m, err := g.labelled(ctx, quad.IRI(kg.ImportNode(n)), kg.ImportMetaPrefix+n)
		if err != nil {
			return nil, err
		}
		info := ImportInfo{Name: n, File: first(m[kg.AttrFile]), Format: first(m[kg.AttrFormat]), License: iriString(firstValue(m[kg.AttrLicense])),
			By: first(m[kg.AttrBy]), Records: int(firstInt(m[kg.AttrRecordCount])), Linked: int(firstInt(m[kg.AttrLinkedCount]))}
		info.LoadedAt, _ = time.Parse(time.RFC3339, first(m[kg.AttrLoadedAt]))
		out = append(out, info)
	}
	return out, nil
}

// ImportRecords returns the records of import name ordered by line, from
// offset and at most limit, and how many there are.
func (g *Graph) ImportRecords(ctx context.Context, name string, offset, limit int) ([]ImportRecord, int, error) {
	g.calls.Add(1)
	qs, err := g.quadsOf(ctx, quad.IRI(kg.ImportNode(name)), quad.Object)
	if err != nil {
		return nil, 0, err
	}
	var recs []ImportRecord
	for _, q := range qs {
		if iriString(q.Predicate) != kg.AttrInImport {
			continue
		}
		r, err := g.record(ctx, iriString(q.Subject), name, false)
		if err != nil {
			return nil, 0, err
		}
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].Line != recs[j].Line {
			return recs[i].Line < recs[j].Line
		}
		return recs[i].IRI < recs[j].IRI
	})
	total := len(recs)
	offset = min(offset, total)
	page := recs[offset:min(total, offset+limit)]
	for i := range page {
		if page[i].Properties, err = g.recordTriples(ctx, page[i].IRI, name); err != nil {
			return nil, 0, err
		}
	}
	return page, total, nil
}

// record reads a record's label and line in import name.
func (g *Graph) record(ctx context.Context, iri, name string, withTriples bool) (ImportRecord, error) {
	m, err := g.labelled(ctx, quad.IRI(iri), kg.ImportMetaPrefix+name)
	if err != nil {
		return ImportRecord{}, err
	}
	r := ImportRecord{IRI: iri, Import: name, Label: first(m[kg.AttrLabel]), Line: int(firstInt(m[kg.AttrLine]))}
	if withTriples {
		r.Properties, err = g.recordTriples(ctx, iri, name)
	}
	return r, err
}

// recordTriples are the public triples of import name whose subject is iri.
func (g *Graph) recordTriples(ctx context.Context, iri, name string) ([]kg.Quad, error) {
	qs, err := g.quadsOf(ctx, quad.IRI(iri), quad.Subject)
	if err != nil {
		return nil, err
	}
	var out []kg.Quad
	for _, q := range qs {
		if iriString(q.Label) != kg.ImportLabelPrefix+name {
			continue
		}
		t, err := termQuad(q)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	sortQuads(out)
	return out, nil
}

// LinkedRecords reads the outside records linked to each entity, ordered by
// import, then how, then record.
func (g *Graph) LinkedRecords(ctx context.Context, ids []string) ([][]LinkedRecord, error) {
	g.calls.Add(1)
	out := make([][]LinkedRecord, len(ids))
	for i, id := range ids {
		qs, err := g.quadsOf(ctx, quad.IRI(id), quad.Subject)
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			name, ok := importName(q.Label)
			if !ok || iriString(q.Predicate) != kg.AttrLinkedRecord {
				continue
			}
			m, err := g.labelled(ctx, q.Object, kg.ImportMetaPrefix+name)
			if err != nil {
				return nil, err
			}
			rec, err := g.record(ctx, iriString(firstValue(m[kg.AttrRecord])), name, true)
			if err != nil {
				return nil, err
			}
			score, _ := strconv.ParseFloat(first(m[kg.AttrScore]), 64)
			out[i] = append(out[i], LinkedRecord{ImportRecord: rec, How: first(m[kg.AttrHow]), Score: score, Detail: first(m[kg.AttrDetail])})
		}
		sort.Slice(out[i], func(a, b int) bool {
			x, y := out[i][a], out[i][b]
			if x.Import != y.Import {
				return x.Import < y.Import
			}
			if x.How != y.How {
				return x.How < y.How
			}
			return x.IRI < y.IRI
		})
	}
	return out, nil
}

// ImportTriples are the public triples of import name: its file's, its
// provenance and its links, for the export.
func (g *Graph) ImportTriples(ctx context.Context, name string) ([]kg.Quad, error) {
	g.calls.Add(1)
	ref, err := g.qs.ValueOf(quad.IRI(kg.ImportLabelPrefix + name))
	if err != nil || ref == nil {
		return nil, unavailable(err)
	}
	var out []kg.Quad
	var convErr error
	err = eachQuad(ctx, g.qs, g.qs.QuadIterator(quad.Label, ref), func(q quad.Quad) {
		t, err := termQuad(q)
		if err != nil && convErr == nil {
			convErr = err
		}
		out = append(out, t)
	})
	if err == nil {
		err = convErr
	}
	if err != nil {
		return nil, fmt.Errorf("read import %s: %w", name, unavailable(err))
	}
	sortQuads(out)
	return out, nil
}

// termQuad converts a stored quad to a triple of the public model.
func termQuad(q quad.Quad) (kg.Quad, error) {
	s, ok1 := rdf.Term(q.Subject)
	p, ok2 := rdf.Term(q.Predicate)
	o, ok3 := rdf.Term(q.Object)
	if !ok1 || !ok2 || !ok3 {
		return kg.Quad{}, fmt.Errorf("an unreadable quad: %v", q)
	}
	return kg.Quad{S: s, P: p, O: o}, nil
}

// sortQuads orders triples by subject, predicate and object, so that every
// store gives them alike.
func sortQuads(qs []kg.Quad) {
	key := func(q kg.Quad) string {
		return q.S.Value + "\x00" + q.P.Value + "\x00" + q.O.Value + "\x00" + q.O.Lang + "\x00" + q.O.Datatype
	}
	sort.Slice(qs, func(i, j int) bool { return key(qs[i]) < key(qs[j]) })
}
