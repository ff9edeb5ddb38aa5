package importer

import (
	"slices"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// Terms the records of RDF files are read with. schema.org is read under
// both its https and its older http namespace.
const (
	nsSchemaHTTP = "http://schema.org/"
	nsSKOS       = "http://www.w3.org/2004/02/skos/core#"
	rdfType      = kg.NSRDF + "type"
)

// labelPredicates name a record, in order of preference.
var labelPredicates = []string{kg.NSRDFS + "label", kg.NSSchema + "name", nsSKOS + "prefLabel", kg.NSFOAF + "name", nsSchemaHTTP + "name"}

// schemaTerm reports whether iri is schema.org's term local, under either
// namespace.
func schemaTerm(iri, local string) bool {
	return iri == kg.NSSchema+local || iri == nsSchemaHTTP+local
}

func isSameAs(p string) bool { return p == kg.NSOWL+"sameAs" || schemaTerm(p, "sameAs") }

// kindClasses maps the classes that give a record its kind: ours under
// the base (cg:Person) and, apart, their equivalents (schema:Person).
func (c *ctx) kindClasses() (ours, equivalent map[string]kg.Kind) {
	ours, equivalent = map[string]kg.Kind{}, map[string]kg.Kind{}
	for _, k := range kg.Kinds {
		name := kg.ClassName(k)
		ours[c.vocab+name] = k
		if t, ok := kg.LookupTerm(name); ok && t.Class && t.Equivalent != "" {
			equivalent[t.Equivalent] = k
			if rest, ok := strings.CutPrefix(t.Equivalent, kg.NSSchema); ok {
				equivalent[nsSchemaHTTP+rest] = k
			}
		}
	}
	return ours, equivalent
}

// records reads the records of an RDF file's triples: every subject with a
// triple, but the schema:PropertyValue nodes of identifiers and the cells
// of RDF lists, in order of first appearance.
func (c *ctx) records(ts []stated) []Record {
	bySubject := map[string][]stated{}
	var order []string
	for _, t := range ts {
		s := t.q.S.Value
		if _, ok := bySubject[s]; !ok {
			order = append(order, s)
		}
		bySubject[s] = append(bySubject[s], t)
	}
	// An identifier node is a schema:PropertyValue some node names with
	// schema:identifier.
	isPV := map[string]bool{}
	for _, t := range ts {
		if t.q.P.Value == rdfType && t.q.O.IsIRI() && schemaTerm(t.q.O.Value, "PropertyValue") {
			isPV[t.q.S.Value] = true
		}
	}
	identNode := map[string]bool{}
	for _, t := range ts {
		if schemaTerm(t.q.P.Value, "identifier") && t.q.O.IsIRI() && isPV[t.q.O.Value] {
			identNode[t.q.O.Value] = true
		}
	}
	ours, equivalent := c.kindClasses()
	owners := map[kg.Identifier]ownedBy{}
	var out []Record
	for _, s := range order {
		if identNode[s] || listNode(bySubject[s]) {
			continue
		}
		r := c.record(s, bySubject, identNode, ours, equivalent, owners)
		out = append(out, r)
		if c.probs.full() {
			break
		}
	}
	return out
}

// listNode reports whether a node is a cell of an RDF list, saying nothing
// but rdf:first and rdf:rest: it is part of its owner's value.
func listNode(ts []stated) bool {
	for _, t := range ts {
		if p := t.q.P.Value; p != kg.NSRDF+"first" && p != kg.NSRDF+"rest" {
			return false
		}
	}
	return true
}

// ownedBy is the record an identifier was first read on.
type ownedBy struct {
	record string
	line   int
}

func (c *ctx) record(s string, bySubject map[string][]stated, identNode map[string]bool, ours, equivalent map[string]kg.Kind, owners map[kg.Identifier]ownedBy) Record {
	own := bySubject[s]
	r := Record{IRI: s, Line: own[0].at.line}
	used := make([]bool, len(own)) // triples read into a field, not a Property

	// Kind: a class of ours, else a schema.org (or Wikidata) equivalent;
	// none when the classes disagree.
	for _, classes := range []map[string]kg.Kind{ours, equivalent} {
		var kinds []kg.Kind
		for _, t := range own {
			if k, ok := classes[t.q.O.Value]; ok && t.q.P.Value == rdfType && t.q.O.IsIRI() && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		if len(kinds) == 1 {
			r.Kind = kinds[0]
			break
		}
		if len(kinds) > 1 {
			break
		}
	}
	if r.Kind != "" {
		for i, t := range own {
			if t.q.P.Value == rdfType && t.q.O.IsIRI() && (ours[t.q.O.Value] == r.Kind || equivalent[t.q.O.Value] == r.Kind) {
				used[i] = true
			}
		}
	}

	// Label: the best of the naming predicates' literals.
	best, bestRank := -1, 0
	for i, t := range own {
		p := slices.Index(labelPredicates, t.q.P.Value)
		if p < 0 || t.q.O.IsIRI() || strings.TrimSpace(t.q.O.Value) == "" {
			continue
		}
		rank := langRank(t.q.O.Lang)*len(labelPredicates) + p
		if best < 0 || rank < bestRank {
			best, bestRank = i, rank
		}
	}
	if best >= 0 {
		r.Label = strings.TrimSpace(own[best].q.O.Value)
		for i, t := range own {
			if slices.Contains(labelPredicates, t.q.P.Value) && !t.q.O.IsIRI() && strings.TrimSpace(t.q.O.Value) == r.Label && t.q.O.Lang == own[best].q.O.Lang {
				used[i] = true
			}
		}
	}

	// Identifiers, from their PropertyValue nodes.
	for i, t := range own {
		if !schemaTerm(t.q.P.Value, "identifier") || !t.q.O.IsIRI() || !identNode[t.q.O.Value] {
			continue
		}
		id, at, ok := c.identifier(bySubject[t.q.O.Value])
		if !ok {
			continue // a scheme not of kg's: the triple stays a property
		}
		used[i] = true
		if at.line == 0 {
			at = t.at
		}
		sc, _ := kg.LookupScheme(id.Scheme)
		if r.Kind != "" && !sc.AllowsKind(r.Kind) {
			c.errorf(at, "%s %s of <%s>: the scheme names %s only, and the record is a %s", id.Scheme, id.Value, s, kindNames(sc.Kinds), r.Kind)
			continue
		}
		key := kg.Identifier{Scheme: id.Scheme, Value: id.Value}
		if o, dup := owners[key]; dup && o.record != s {
			c.errorf(at, "%s %s is the identifier of two records, <%s> (line %d) and <%s>: an identifier names one record", id.Scheme, id.Value, o.record, o.line, s)
			continue
		} else if !dup {
			owners[key] = ownedBy{record: s, line: at.line}
		}
		if !slices.ContainsFunc(r.Identifiers, func(x kg.Identifier) bool { return x.Scheme == id.Scheme && x.Value == id.Value }) {
			r.Identifiers = append(r.Identifiers, id)
		}
	}

	// sameAs: the IRIs it is the same as.
	for i, t := range own {
		if isSameAs(t.q.P.Value) && t.q.O.IsIRI() {
			used[i] = true
			if !slices.Contains(r.SameAs, t.q.O.Value) {
				r.SameAs = append(r.SameAs, t.q.O.Value)
			}
		}
	}

	for i, t := range own {
		if !used[i] {
			r.Properties = append(r.Properties, Property{Predicate: t.q.P.Value, Value: t.q.O})
		}
	}
	return r
}

// identifier reads an identifier node: schema:propertyID a scheme of kg,
// schema:value its value (normalised), cg:citation or schema:citation. ok
// is false when the node names no scheme of kg or has no value; a value its
// scheme refuses is reported at its line.
func (c *ctx) identifier(node []stated) (kg.Identifier, pos, bool) {
	var scheme, value, citation string
	var at pos
	for _, t := range node {
		if t.q.O.IsIRI() {
			continue
		}
		switch p := t.q.P.Value; {
		case schemaTerm(p, "propertyID") && scheme == "":
			scheme = strings.TrimSpace(t.q.O.Value)
		case schemaTerm(p, "value") && value == "":
			value, at = t.q.O.Value, t.at
		case (p == c.vocab+"citation" || schemaTerm(p, "citation")) && citation == "":
			citation = strings.TrimSpace(t.q.O.Value)
		}
	}
	if _, ok := kg.LookupScheme(scheme); !ok || value == "" {
		return kg.Identifier{}, pos{}, false
	}
	v, err := kg.Normalize(scheme, value)
	if err != nil {
		c.errorf(at, "identifier: %v", err)
		return kg.Identifier{}, pos{}, false
	}
	if citation == "" {
		citation = c.citation()
	}
	return kg.Identifier{Scheme: scheme, Value: v, Citation: citation}, at, true
}

// langRank orders the languages of labels: zh-Hans, zh, other Chinese,
// none, others.
func langRank(lang string) int {
	l := strings.ToLower(lang)
	switch {
	case l == "zh-hans" || strings.HasPrefix(l, "zh-hans-"):
		return 0
	case l == "zh":
		return 1
	case strings.HasPrefix(l, "zh-"):
		return 2
	case l == "":
		return 3
	}
	return 4
}

func kindNames(ks []kg.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = plural(k)
	}
	return strings.Join(s, " and ")
}

func plural(k kg.Kind) string {
	switch k {
	case kg.Company:
		return "companies"
	case kg.Person:
		return "people"
	}
	return string(k) + "s"
}
