package loader

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
)

// Quads returns the dataset as quads in a stable order. Node ids of
// statements, evidence and figures are hashes of their content, so writing the
// same dataset twice yields the same quads and adds nothing.
func (ds *Dataset) Quads() []quad.Quad {
	ds.once.Do(ds.build)
	return slices.Clone(ds.quads)
}

// build makes the quads and the version once: a Dataset does not change
// after Load, and both are needed by every write.
func (ds *Dataset) build() {
	ds.quads = ds.makeQuads()
	h := sha256.New()
	for _, q := range ds.quads {
		fmt.Fprintln(h, q.NQuad())
	}
	ds.version = hex.EncodeToString(h.Sum(nil))[:16]
}

func (ds *Dataset) makeQuads() []quad.Quad {
	var b quadBuilder
	// The dataset's info is part of its content, so of its version: a new
	// base or licence is a new graph version.
	g, info := quad.IRI(kg.GraphNode), ds.Info
	b.str(g, kg.AttrBase, info.Base)
	b.str(g, kg.AttrTitle, info.Title)
	b.str(g, kg.AttrTitleEn, info.TitleEn)
	b.str(g, kg.AttrDescription, info.Description)
	b.str(g, kg.AttrDescEn, info.DescEn)
	b.str(g, kg.AttrPublisher, info.Publisher)
	b.str(g, kg.AttrLicense, info.License)
	b.str(g, kg.AttrHomepage, info.Homepage)
	for _, s := range ds.Sources {
		n := quad.IRI(s.ID)
		b.str(n, kg.AttrKind, kg.SourceKind)
		b.str(n, kg.AttrTitle, s.Title)
		b.str(n, kg.AttrPublisher, s.Publisher)
		b.str(n, kg.AttrDate, s.Date)
		b.str(n, kg.AttrLanguage, s.Language)
		b.str(n, kg.AttrRights, s.Rights)
		b.str(n, kg.AttrText, s.Text)
	}
	for _, e := range ds.Entities {
		n := quad.IRI(e.ID)
		b.str(n, kg.AttrKind, string(e.Kind))
		b.str(n, kg.AttrName, e.Name)
		for _, a := range e.Aliases {
			b.str(n, kg.AttrAlias, a)
		}
		b.str(n, kg.AttrPinyin, e.Pinyin)
		b.str(n, kg.AttrCategory, e.Category)
		b.str(n, kg.AttrDescription, e.Description)
		for _, id := range e.Identifiers {
			in := quad.IRI(kg.IdentPrefix + hash(e.ID, id.Scheme, id.Value))
			b.add(n, kg.AttrIdentifier, in)
			b.str(in, kg.AttrScheme, id.Scheme)
			b.str(in, kg.AttrValue, id.Value)
			b.str(in, kg.AttrCitation, id.Citation)
		}
		for _, f := range ds.Figures[e.ID] {
			fn := quad.IRI(kg.FigPrefix + figureKey(e.ID, f))
			b.add(n, kg.AttrFigure, fn)
			b.str(fn, kg.AttrIndicator, f.Indicator)
			b.str(fn, kg.AttrStated, f.Stated)
			b.add(fn, kg.AttrValue, quad.Float(f.Value))
			b.str(fn, kg.AttrUnit, f.Unit)
			b.str(fn, kg.AttrModifier, f.Modifier)
			b.str(fn, kg.AttrPeriod, f.Period)
			if f.PeriodInferred {
				b.str(fn, kg.AttrInferred, "period")
			}
			if f.GrowthPercent != nil {
				b.add(fn, kg.AttrGrowth, quad.Float(*f.GrowthPercent))
			}
			b.evidence(fn, f.Evidence)
		}
	}
	for _, r := range ds.Relations {
		st := quad.IRI(kg.StmtPrefix + statementKey(r))
		b.quads = append(b.quads, quad.Quad{Subject: quad.IRI(r.Subject), Predicate: quad.IRI(kg.RelPrefix + r.Predicate), Object: quad.IRI(r.Object), Label: st})
		for _, q := range r.Qualifiers {
			b.str(st, kg.QualPrefix+q.Key, q.Value)
			if q.Inferred {
				b.str(st, kg.AttrInferred, q.Key)
			}
		}
		if r.Inferred {
			b.str(st, kg.AttrInferred, kg.InferredRelation)
		}
		b.evidence(st, r.Evidence)
	}
	b.quads = append(b.quads, ds.viewQuads()...)
	return sortDedup(b.quads)
}

// Version is a content hash of the dataset's quads: the graph version the API
// reports, equal for equal data on every store.
func (ds *Dataset) Version() string {
	ds.once.Do(ds.build)
	return ds.version
}

type quadBuilder struct{ quads []quad.Quad }

func (b *quadBuilder) add(s quad.Value, p string, o quad.Value) {
	b.quads = append(b.quads, quad.Quad{Subject: s, Predicate: quad.IRI(p), Object: o})
}

// str adds a string attribute; empty strings are absent attributes.
func (b *quadBuilder) str(s quad.Value, p, v string) {
	if v != "" {
		b.add(s, p, quad.String(v))
	}
}

func (b *quadBuilder) evidence(owner quad.Value, evs []kg.Evidence) {
	for _, ev := range evs {
		en := quad.IRI(kg.EvPrefix + hash(ev.Source, strconv.Itoa(ev.Start), strconv.Itoa(ev.End)))
		b.add(owner, kg.AttrEvidence, en)
		b.str(en, kg.AttrQuote, ev.Quote)
		b.add(en, kg.AttrStart, quad.Int(ev.Start))
		b.add(en, kg.AttrEnd, quad.Int(ev.End))
		b.add(en, kg.AttrSource, quad.IRI(ev.Source))
	}
}

// sortDedup sorts quads by their N-Quads line and drops repeats. The lines
// are built once: building them in the comparison, the text of a source
// included, took most of a load.
func sortDedup(qs []quad.Quad) []quad.Quad {
	type keyed struct {
		key string
		q   quad.Quad
	}
	ks := make([]keyed, len(qs))
	for i, q := range qs {
		ks[i] = keyed{q.NQuad(), q}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	out := make([]quad.Quad, 0, len(ks))
	for i, k := range ks {
		if i > 0 && k.key == ks[i-1].key {
			continue
		}
		out = append(out, k.q)
	}
	return out
}

func statementKey(r *kg.Relation) string {
	parts := []string{r.Subject, r.Predicate, r.Object}
	for _, q := range r.Qualifiers {
		parts = append(parts, q.Key+"="+q.Value)
	}
	return hash(parts...)
}

func figureKey(entity string, f kg.Figure) string {
	return hash(entity, f.Indicator, f.Period, f.Stated)
}

func hash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}
