package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// datatypePatterns check the cells of the commonest XSD datatypes.
var datatypePatterns = map[string]*regexp.Regexp{
	kg.NSXSD + "integer":    regexp.MustCompile(`^[+-]?[0-9]+$`),
	kg.NSXSD + "decimal":    regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`),
	kg.NSXSD + "boolean":    regexp.MustCompile(`^(true|false|1|0)$`),
	kg.NSXSD + "date":       regexp.MustCompile(`^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$`),
	kg.NSXSD + "gYear":      regexp.MustCompile(`^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$`),
	kg.NSXSD + "gYearMonth": regexp.MustCompile(`^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$`),
}

// csvColumns are the mapping's columns as indexes of the header, -1 for
// none, with the predicates resolved under the base.
type csvColumns struct {
	label, key, iri, typ, sameAs int
	idents                       []int
	props                        []int
	predicates, datatypes        []string
	names                        []string // the header, trimmed
}

// readCSV reads a CSV file with its mapping: a header row, then a record
// a row. Rows whose cells are all blank (a spreadsheet's trailing rows) are
// skipped.
func (c *ctx) readCSV(data []byte, m *Mapping) ([]stated, []Record) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		c.errorf(pos{}, "empty file: want a header row naming the columns, then a row per record")
		return nil, nil
	}
	if err != nil {
		c.csvError(err)
		return nil, nil
	}
	cols, ok := c.columns(r, header, m)
	if !ok {
		return nil, nil
	}

	var out []stated
	var recs []Record
	keys := map[string]int{}              // key value → line
	iris := map[string]int{}              // record IRI → line
	owners := map[kg.Identifier]ownedBy{} // identifier → row
	for !c.probs.full() {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				c.errorf(pos{}, "CSV: %v", err)
				break
			}
			c.csvError(err)
			continue
		}
		line, _ := r.FieldPos(0)
		if blank(row) {
			continue
		}
		if len(row) != len(header) {
			c.errorf(pos{line: line}, "the row has %d cells, the header %d", len(row), len(header))
			continue
		}
		ts, rec := c.csvRow(r, row, line, m, cols, keys, iris, owners)
		out = append(out, ts...)
		recs = append(recs, rec)
	}
	if len(recs) == 0 && !c.probs.any() {
		c.errorf(pos{}, "no rows: the file has a header and no record")
	}
	return out, recs
}

func blank(row []string) bool {
	for _, s := range row {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// columns finds the mapping's columns in the header; a column the header
// does not have is reported at the mapping's line.
func (c *ctx) columns(r *csv.Reader, header []string, m *Mapping) (csvColumns, bool) {
	before := len(c.probs.list)
	index := map[string]int{}
	var names []string
	for i, h := range header {
		h = strings.TrimSpace(h)
		names = append(names, h)
		if h == "" {
			continue
		}
		if j, dup := index[h]; dup {
			line, col := r.FieldPos(i)
			c.errorf(c.text.lineCol(line, col), "column %q is named twice in the header (columns %d and %d)", h, j+1, i+1)
			continue
		}
		index[h] = i
	}
	find := func(name, field string) int {
		if name == "" {
			return -1
		}
		if i, ok := index[name]; ok {
			return i
		}
		c.probs.add(m.File, m.at[field], "%s: column %q is not in the header of %s (%s)", field, name, c.source, strings.Join(names, ", "))
		return -1
	}
	cols := csvColumns{
		names: names,
		label: find(m.Label, "label"), key: find(m.Key, "key"), iri: find(m.IRI, "iri"),
		typ: find(m.TypeColumn, "typeColumn"), sameAs: find(m.SameAs, "sameAs"),
	}
	for i, ic := range m.Identifiers {
		cols.idents = append(cols.idents, find(ic.Column, fmt.Sprintf("identifiers[%d].column", i)))
	}
	for i, pc := range m.Properties {
		cols.props = append(cols.props, find(pc.Column, fmt.Sprintf("properties[%d].column", i)))
		p, err := resolvePredicate(pc.Predicate, c.base)
		if err != nil {
			c.probs.add(m.File, m.at[fmt.Sprintf("properties[%d].column", i)], "properties[%d].predicate: %v", i, err)
		}
		cols.predicates = append(cols.predicates, p)
		dt := ""
		if pc.Datatype != "" {
			if dt, err = resolveIRI(pc.Datatype, c.base); err != nil {
				c.probs.add(m.File, m.at[fmt.Sprintf("properties[%d].column", i)], "properties[%d].datatype: %v", i, err)
			}
		}
		cols.datatypes = append(cols.datatypes, dt)
	}
	if m.Label == "" {
		c.probs.add(m.File, pos{}, "label: missing: name the column that holds each record's label")
	}
	return cols, len(c.probs.list) == before
}

// csvRow makes the triples and the record of one row.
func (c *ctx) csvRow(r *csv.Reader, row []string, line int, m *Mapping, cols csvColumns, keys, iris map[string]int, owners map[kg.Identifier]ownedBy) ([]stated, Record) {
	header := func(i int) string { return cols.names[i] }
	cell := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	at := func(i int) pos {
		l, col := r.FieldPos(i)
		return c.text.lineCol(l, col)
	}
	cellErr := func(i int, format string, args ...any) {
		c.errorf(at(i), "column %s: %s", header(i), fmt.Sprintf(format, args...))
	}
	text := func(s, lang string) kg.Term {
		if lang == "" {
			lang = m.Language
			if m.LatinLanguage != "" && isLatin(s) {
				lang = m.LatinLanguage
			}
		}
		return literal(s, lang, "")
	}

	label := cell(cols.label)
	if label == "" {
		cellErr(cols.label, "empty: every row needs a label (the mapping's label column)")
	}
	kind := m.Type
	if v := cell(cols.typ); v != "" {
		if k, ok := parseKind(v); ok {
			kind = k
		} else {
			cellErr(cols.typ, "unknown kind %q: want one of %s", v, kindChoices())
		}
	}

	var key string
	if cols.key >= 0 {
		switch k := cell(cols.key); {
		case k == "":
			cellErr(cols.key, "empty: the key column names every row")
		case keys[k] != 0:
			cellErr(cols.key, "key %q is also the key of the row on line %d: keys are unique", k, keys[k])
		default:
			keys[k], key = line, k
		}
	}
	iri := cell(cols.iri)
	switch {
	case iri != "":
		if msg := checkIRI(iri); msg != "" {
			cellErr(cols.iri, "%s", msg)
		}
	case key != "":
		iri = c.prefix + escapeSegment(key)
	case cols.key < 0:
		iri = c.prefix + "row-" + strconv.Itoa(line)
	}
	if iri != "" {
		if first, dup := iris[iri]; dup {
			c.errorf(pos{line: line}, "the record's IRI <%s> is also the IRI of the row on line %d", iri, first)
		}
		iris[iri] = line
	}

	rec := Record{IRI: iri, Label: label, Kind: kind, Line: line}
	var out []stated
	add := func(s, p string, o kg.Term, at pos) {
		out = append(out, stated{q: kg.Quad{S: kg.IRI(s), P: kg.IRI(p), O: o}, at: at})
	}
	labelAt := at(cols.label)
	if kind != "" {
		add(iri, rdfType, kg.IRI(c.vocab+kg.ClassName(kind)), labelAt)
	}
	add(iri, kg.NSRDFS+"label", text(label, ""), labelAt)

	for j, ic := range m.Identifiers {
		i := cols.idents[j]
		v := cell(i)
		if v == "" {
			continue
		}
		n, err := kg.Normalize(ic.Scheme, v)
		if err != nil {
			cellErr(i, "%v", err)
			continue
		}
		sc, _ := kg.LookupScheme(ic.Scheme)
		if kind != "" && !sc.AllowsKind(kind) {
			cellErr(i, "%s %s: the scheme names %s only, and the row is a %s", ic.Scheme, n, kindNames(sc.Kinds), kind)
			continue
		}
		key := kg.Identifier{Scheme: ic.Scheme, Value: n}
		if o, dup := owners[key]; dup {
			cellErr(i, "%s %s is also the identifier of the row on line %d: an identifier names one record", ic.Scheme, n, o.line)
			continue
		}
		owners[key] = ownedBy{record: iri, line: line}
		id := kg.Identifier{Scheme: ic.Scheme, Value: n, Citation: ic.Citation}
		citation := text(ic.Citation, "")
		if id.Citation == "" {
			id.Citation = c.citation()
			citation = kg.Lit(id.Citation, "")
		}
		rec.Identifiers = append(rec.Identifiers, id)
		node := identifierIRI(iri, id)
		add(iri, kg.NSSchema+"identifier", kg.IRI(node), at(i))
		add(node, rdfType, kg.IRI(kg.NSSchema+"PropertyValue"), at(i))
		add(node, kg.NSSchema+"propertyID", kg.Lit(id.Scheme, ""), at(i))
		add(node, kg.NSSchema+"value", kg.Lit(id.Value, ""), at(i))
		add(node, c.vocab+"citation", citation, at(i))
		if u := id.URL(); u != "" {
			add(node, kg.NSSchema+"url", kg.IRI(u), at(i))
		}
		if same := id.SameAs(); same != "" {
			add(iri, kg.NSOWL+"sameAs", kg.IRI(same), at(i))
			rec.SameAs = appendNew(rec.SameAs, same)
		}
	}

	if v := cell(cols.sameAs); v != "" {
		for s := range strings.SplitSeq(v, "|") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if msg := checkIRI(s); msg != "" {
				cellErr(cols.sameAs, "%s", msg)
				continue
			}
			add(iri, kg.NSOWL+"sameAs", kg.IRI(s), at(cols.sameAs))
			rec.SameAs = appendNew(rec.SameAs, s)
		}
	}

	for j, pc := range m.Properties {
		i := cols.props[j]
		v := cell(i)
		if v == "" {
			continue
		}
		var o kg.Term
		switch {
		case pc.Value == ValueIRI:
			if msg := checkIRI(v); msg != "" {
				cellErr(i, "%s", msg)
				continue
			}
			o = kg.IRI(v)
		case pc.Value == ValuePlain && cols.datatypes[j] != "":
			dt := cols.datatypes[j]
			if re := datatypePatterns[dt]; re != nil && !re.MatchString(v) {
				cellErr(i, "%q is not a value of %s", v, pc.Datatype)
				continue
			}
			o = literal(v, "", dt)
		case pc.Value == ValuePlain:
			o = kg.Lit(v, "")
		default:
			o = text(v, pc.Language)
		}
		add(iri, cols.predicates[j], o, at(i))
		rec.Properties = append(rec.Properties, Property{Predicate: cols.predicates[j], Value: o})
	}
	return out, rec
}

// identifierIRI names an identifier node of a record, as kg's
// Model.IdentifierIRI does for entities: a fragment of its IRI.
func identifierIRI(record string, id kg.Identifier) string {
	sep := "#"
	if strings.Contains(record, "#") {
		sep = "-"
	}
	return record + sep + "id-" + id.Scheme + "-" + id.Value
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// csvError reports a CSV syntax error at its line and column.
func (c *ctx) csvError(err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = `a " inside a cell that is not quoted: quote the cell ("…") and double the " inside it`
		case errors.Is(pe.Err, csv.ErrQuote) && c.text.pastLine(pe.Line, pe.Column):
			c.errorf(pos{line: pe.StartLine}, `CSV syntax error: a quoted cell of this row is not closed when the file ends: double each " inside a quoted cell`)
			return
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = `a " after a quoted cell's closing quote: double each " inside a quoted cell`
		}
		c.errorf(c.text.lineCol(pe.Line, pe.Column), "CSV syntax error: %s", msg)
		return
	}
	c.errorf(pos{}, "CSV: %v", err)
}
