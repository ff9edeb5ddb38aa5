package kg

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The public RDF model: how the graph reads as standard RDF, declared once
// here and used alike by dereferenced IRIs, the export and the dataset
// description. It is made of terms of this package, not of Cayley's, so that
// the domain stays free of the store.
//
//	entity  a cg:Person, schema:Person; rdfs:label, schema:name "马善祥"@zh-Hans …
//	entity  cg:award honour                       (the direct triple, for plain clients)
//	entity#stmt-…  a rdf:Statement; rdf:subject/predicate/object; cg:time "2020";
//	               cg:inferredQualifier "time"; cg:evidence source#q-S-E
//	source#q-S-E   a oa:Annotation; oa:hasBody the statement or figure;
//	               oa:hasTarget → oa:hasSource source; oa:hasSelector
//	               TextQuoteSelector (exact, prefix, suffix) and TextPositionSelector
//	entity#fig-…   a schema:Observation; schema:observationAbout entity; schema:value …
//
// Facts drawn from a source (relations, their statements, figures and
// evidence) sit in that source's named graph {base}/graph/source/{slug};
// descriptions of entities and sources in the default graph; the
// vocabulary in the graph {base}/vocab.

// Namespaces of the public model.
const (
	NSRDF    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	NSRDFS   = "http://www.w3.org/2000/01/rdf-schema#"
	NSOWL    = "http://www.w3.org/2002/07/owl#"
	NSXSD    = "http://www.w3.org/2001/XMLSchema#"
	NSSchema = "https://schema.org/"
	NSProv   = "http://www.w3.org/ns/prov#"
	NSOA     = "http://www.w3.org/ns/oa#"
	NSDCT    = "http://purl.org/dc/terms/"
	NSVoID   = "http://rdfs.org/ns/void#"
	NSDCAT   = "http://www.w3.org/ns/dcat#"
	NSFOAF   = "http://xmlns.com/foaf/0.1/"
	NSHydra  = "http://www.w3.org/ns/hydra/core#"
)

// Language tags of literals: the data is written in simplified Chinese.
const (
	LangZh = "zh-Hans"
	LangEn = "en"
)

// TermKind tells IRIs from literals. The model mints no blank nodes: every
// node has an IRI, so that two exports compare triple by triple.
type TermKind uint8

const (
	TermIRI TermKind = iota
	TermLiteral
)

// Term is an RDF term: an IRI, or a literal with a language tag or a
// datatype (neither: xsd:string).
type Term struct {
	Kind     TermKind
	Value    string
	Lang     string
	Datatype string
}

// IRI is an IRI term.
func IRI(s string) Term { return Term{Kind: TermIRI, Value: s} }

// Lit is a literal, tagged with lang when lang is not empty.
func Lit(s, lang string) Term { return Term{Kind: TermLiteral, Value: s, Lang: lang} }

// Typed is a literal of datatype dt.
func Typed(s, dt string) Term { return Term{Kind: TermLiteral, Value: s, Datatype: dt} }

// Int, Decimal and Bool are typed literals.
func Int(n int) Term { return Typed(strconv.Itoa(n), NSXSD+"integer") }
func Decimal(f float64) Term {
	return Typed(strconv.FormatFloat(f, 'f', -1, 64), NSXSD+"decimal")
}
func Bool(b bool) Term { return Typed(strconv.FormatBool(b), NSXSD+"boolean") }

// IsIRI reports whether t is an IRI.
func (t Term) IsIRI() bool { return t.Kind == TermIRI }

// Quad is a triple in a graph; Graph "" is the default graph.
type Quad struct {
	S, P, O Term
	Graph   string
}

// Model mints the public RDF of the graph under one base.
type Model struct {
	IRIs IRIs
	// Texts are the normalised texts of the sources by id, for the prefix
	// and suffix of evidence selectors; a source without one gets none.
	Texts map[string]string
}

// Vocab returns the IRI of a term of the vocabulary.
func (m Model) Vocab(name string) string { return m.IRIs.Predicate(name) }

// VocabIRI is the vocabulary as a whole, also the name of its graph.
func (m Model) VocabIRI() string { return m.IRIs.Base + "/vocab" }

// SourceGraph is the named graph of the facts drawn from a source.
func (m Model) SourceGraph(sourceID string) string {
	_, slug, _ := strings.Cut(sourceID, "/")
	return m.IRIs.Base + "/graph/source/" + slug
}

// StatementIRI names the statement node of a relation: a fragment of its
// subject's IRI, from the statement's content hash.
func (m Model) StatementIRI(subject, statement string) string {
	return m.IRIs.Entity(subject) + "#stmt-" + strings.TrimPrefix(statement, StmtPrefix)
}

// FigureIRI names a figure: a fragment of its entity's IRI.
func (m Model) FigureIRI(entity, key string) string {
	return m.IRIs.Entity(entity) + "#fig-" + strings.TrimPrefix(key, FigPrefix)
}

// IdentifierIRI names an identifier of an entity.
func (m Model) IdentifierIRI(entity string, id Identifier) string {
	return m.IRIs.Entity(entity) + "#id-" + id.Scheme + "-" + id.Value
}

// EvidenceAnchor is the fragment that names a quote in its source:
// q-{start}-{end}, also the anchor of the quote on the source's page.
func EvidenceAnchor(ev Evidence) string {
	return "q-" + strconv.Itoa(ev.Start) + "-" + strconv.Itoa(ev.End)
}

// EvidenceIRI names the annotation of a quote: one per place in a source,
// whatever number of facts it supports.
func (m Model) EvidenceIRI(ev Evidence) string {
	return m.IRIs.Entity(ev.Source) + "#" + EvidenceAnchor(ev)
}

// schemaClass maps each kind to its schema.org (or Wikidata) class.
var schemaClass = map[Kind]string{
	Person:       NSSchema + "Person",
	Company:      NSSchema + "Corporation",
	Organization: NSSchema + "Organization",
	Place:        NSSchema + "Place",
	Honour:       "http://www.wikidata.org/entity/Q618779", // award
	Project:      NSSchema + "Project",
	Document:     NSSchema + "CreativeWork",
	Event:        NSSchema + "Event",
}

// ClassName is the vocabulary name of a kind's class: Person, Company, ….
func ClassName(k Kind) string {
	s := string(k)
	return strings.ToUpper(s[:1]) + s[1:]
}

// quads collects the quads of one graph.
type quads struct {
	out   []Quad
	graph string
}

func (q *quads) add(s string, p string, o Term) {
	q.out = append(q.out, Quad{S: IRI(s), P: IRI(p), O: o, Graph: q.graph})
}

// lit adds a literal unless it is empty.
func (q *quads) lit(s, p, v, lang string) {
	if v != "" {
		q.add(s, p, Lit(v, lang))
	}
}

// Entity returns the description of an entity, in the default graph: its
// classes, names, description, category and identifiers (each a
// schema:PropertyValue with its citation and, where its scheme has a page
// per value, schema:url; a Wikidata id also makes the entity owl:sameAs the
// Wikidata entity).
func (m Model) Entity(e *Entity) []Quad {
	var q quads
	s := m.IRIs.Entity(e.ID)
	q.add(s, NSRDF+"type", IRI(m.Vocab(ClassName(e.Kind))))
	if c := schemaClass[e.Kind]; c != "" {
		q.add(s, NSRDF+"type", IRI(c))
	}
	q.lit(s, NSRDFS+"label", e.Name, LangZh)
	q.lit(s, NSSchema+"name", e.Name, LangZh)
	for _, a := range e.Aliases {
		q.lit(s, NSSchema+"alternateName", a, LangZh)
	}
	q.lit(s, NSSchema+"description", e.Description, LangZh)
	q.lit(s, m.Vocab("category"), e.Category, LangZh)
	for _, id := range e.Identifiers {
		n := m.IdentifierIRI(e.ID, id)
		q.add(s, NSSchema+"identifier", IRI(n))
		q.add(n, NSRDF+"type", IRI(NSSchema+"PropertyValue"))
		q.lit(n, NSSchema+"propertyID", id.Scheme, "")
		q.lit(n, NSSchema+"value", id.Value, "")
		q.lit(n, m.Vocab("citation"), id.Citation, LangZh)
		if u := id.URL(); u != "" {
			q.add(n, NSSchema+"url", IRI(u))
		}
		if same := id.SameAs(); same != "" {
			q.add(s, NSOWL+"sameAs", IRI(same))
		}
	}
	return q.out
}

// Label gives a neighbour's name, so a client can show a link without
// dereferencing it.
func (m Model) Label(id, name string) []Quad {
	var q quads
	q.lit(m.IRIs.Entity(id), NSRDFS+"label", name, LangZh)
	return q.out
}

// graphOf is the named graph of a fact: that of its first quote's source.
func (m Model) graphOf(evs []Evidence) string {
	if len(evs) == 0 {
		return ""
	}
	return m.SourceGraph(evs[0].Source)
}

// Relation returns a relation as its direct triple and its statement node,
// read from statement (the internal statement id). The direct triple comes
// first; callers that write one entity's relations may skip a repeated one
// (one link stated twice with other qualifiers has two statements).
func (m Model) Relation(r *Relation, statement string) []Quad {
	q := quads{graph: m.graphOf(r.Evidence)}
	s, o, p := m.IRIs.Entity(r.Subject), m.IRIs.Entity(r.Object), m.Vocab(r.Predicate)
	q.add(s, p, IRI(o))
	st := m.StatementIRI(r.Subject, statement)
	q.add(st, NSRDF+"type", IRI(NSRDF+"Statement"))
	q.add(st, NSRDF+"subject", IRI(s))
	q.add(st, NSRDF+"predicate", IRI(p))
	q.add(st, NSRDF+"object", IRI(o))
	for _, ql := range r.Qualifiers {
		lang := ""
		if ql.Key == QualRole {
			lang = LangZh
		}
		q.lit(st, m.Vocab(ql.Key), ql.Value, lang)
		if ql.Inferred {
			q.lit(st, m.Vocab("inferredQualifier"), ql.Key, "")
		}
	}
	q.add(st, m.Vocab("inferred"), Bool(r.Inferred))
	m.evidenceLinks(&q, st, r.Evidence)
	return q.out
}

// evidenceLinks ties a fact to its quotes and their sources.
func (m Model) evidenceLinks(q *quads, node string, evs []Evidence) {
	var sources []string
	for _, ev := range evs {
		q.add(node, m.Vocab("evidence"), IRI(m.EvidenceIRI(ev)))
		if !slices.Contains(sources, ev.Source) {
			sources = append(sources, ev.Source)
		}
	}
	for _, s := range sources {
		q.add(node, NSProv+"wasDerivedFrom", IRI(m.IRIs.Entity(s)))
	}
}

// Figure returns a figure as a schema.org Observation about its entity; key
// is the figure's internal node id.
func (m Model) Figure(entity string, f *Figure) []Quad {
	q := quads{graph: m.graphOf(f.Evidence)}
	n := m.FigureIRI(entity, f.Key)
	q.add(n, NSRDF+"type", IRI(NSSchema+"Observation"))
	q.add(n, NSSchema+"observationAbout", IRI(m.IRIs.Entity(entity)))
	q.lit(n, NSSchema+"variableMeasured", f.Indicator, LangZh)
	q.lit(n, m.Vocab("stated"), f.Stated, LangZh)
	q.add(n, NSSchema+"value", Decimal(f.Value))
	q.lit(n, NSSchema+"unitText", f.Unit, LangZh)
	q.lit(n, m.Vocab("modifier"), f.Modifier, LangZh)
	q.lit(n, NSSchema+"observationPeriod", f.Period, "")
	if f.Period != "" {
		q.add(n, m.Vocab("periodInferred"), Bool(f.PeriodInferred))
	}
	if f.GrowthPercent != nil {
		q.add(n, m.Vocab("growthPercent"), Decimal(*f.GrowthPercent))
	}
	m.evidenceLinks(&q, n, f.Evidence)
	return q.out
}

// contextLen is how many code points of context a quote selector carries
// on each side.
const contextLen = 32

// Evidence returns the annotation of one quote, supporting the given facts
// (statement or figure IRIs), in its source's graph: a W3C Web Annotation
// whose target is the quoted span of the source's normalised text, selected
// both by quote (with prefix and suffix) and by position in code points.
func (m Model) Evidence(ev Evidence, bodies []string) []Quad {
	q := quads{graph: m.SourceGraph(ev.Source)}
	a := m.EvidenceIRI(ev)
	target, byQuote, byPos := a+"-target", a+"-quote", a+"-position"
	q.add(a, NSRDF+"type", IRI(NSOA+"Annotation"))
	q.add(a, NSOA+"motivatedBy", IRI(NSOA+"linking"))
	for _, b := range bodies {
		q.add(a, NSOA+"hasBody", IRI(b))
	}
	q.add(a, NSOA+"hasTarget", IRI(target))
	q.add(target, NSRDF+"type", IRI(NSOA+"SpecificResource"))
	q.add(target, NSOA+"hasSource", IRI(m.IRIs.Entity(ev.Source)))
	q.add(target, NSOA+"hasSelector", IRI(byQuote))
	q.add(target, NSOA+"hasSelector", IRI(byPos))
	q.add(byQuote, NSRDF+"type", IRI(NSOA+"TextQuoteSelector"))
	q.lit(byQuote, NSOA+"exact", ev.Quote, LangZh)
	if text, ok := m.Texts[ev.Source]; ok {
		prefix, suffix := quoteContext(text, ev.Start, ev.End)
		q.lit(byQuote, NSOA+"prefix", prefix, LangZh)
		q.lit(byQuote, NSOA+"suffix", suffix, LangZh)
	}
	q.add(byPos, NSRDF+"type", IRI(NSOA+"TextPositionSelector"))
	q.add(byPos, NSOA+"start", Typed(strconv.Itoa(ev.Start), NSXSD+"nonNegativeInteger"))
	q.add(byPos, NSOA+"end", Typed(strconv.Itoa(ev.End), NSXSD+"nonNegativeInteger"))
	return q.out
}

// quoteContext returns up to contextLen code points of text before start
// and after end (offsets in code points).
func quoteContext(text string, start, end int) (string, string) {
	// Walk once, noting the byte offsets of the code points we need.
	i, cp := 0, 0
	byteAt := func(n int) int {
		for cp < n && i < len(text) {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			cp++
		}
		return i
	}
	p0 := byteAt(max(0, start-contextLen))
	p1 := byteAt(start)
	s0 := byteAt(end)
	s1 := byteAt(end + contextLen)
	return text[p0:p1], text[s0:s1]
}

// Source returns the description of a source document, in the default
// graph, and that of the named graph of the facts drawn from it.
func (m Model) Source(src *Source) []Quad {
	var q quads
	s := m.IRIs.Entity(src.ID)
	q.add(s, NSRDF+"type", IRI(NSProv+"Entity"))
	q.add(s, NSRDF+"type", IRI(NSSchema+"CreativeWork"))
	q.lit(s, NSRDFS+"label", src.Title, LangZh)
	q.lit(s, NSDCT+"title", src.Title, LangZh)
	q.lit(s, NSDCT+"publisher", src.Publisher, LangZh)
	if src.Date != "" {
		q.add(s, NSDCT+"date", Typed(src.Date, dateType(src.Date)))
	}
	q.lit(s, NSDCT+"language", src.Language, "")
	q.lit(s, NSDCT+"rights", src.Rights, "")
	q.lit(s, m.Vocab("text"), src.Text, LangZh)
	g := m.SourceGraph(src.ID)
	q.add(g, NSRDF+"type", IRI(NSProv+"Bundle"))
	q.add(g, NSProv+"wasDerivedFrom", IRI(s))
	q.lit(g, NSRDFS+"label", "facts drawn from "+src.ID, LangEn)
	return q.out
}

// dateType is the XSD type of an ISO 8601 date of year, month or day
// precision.
func dateType(d string) string {
	switch len(d) {
	case 4:
		return NSXSD + "gYear"
	case 7:
		return NSXSD + "gYearMonth"
	}
	return NSXSD + "date"
}
