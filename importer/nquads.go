package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"
	"github.com/civicgraph/civicgraph/kg"
)

// readLines reads N-Quads (or N-Triples, which name no graph) a line at a
// time, so each problem has its line: the quad module's reader stops at the
// first error and does not count lines. Each line goes to
// nquads.ParseRaw, the module's parser of the RDF 1.1 grammar; nquads.Parse,
// its other parser, follows a looser grammar (it takes literal subjects and
// bare words, leaves \u escapes in IRIs undecoded) and, through a
// package-wide switch, turns typed literals into Go numbers and times,
// losing their lexical form ("01"^^xsd:integer would come back as 1).
func (c *ctx) readLines(data []byte, triplesOnly bool) []stated {
	syntax := "N-Quads"
	if triplesOnly {
		syntax = "N-Triples"
	}
	var out []stated
	for i, raw := range strings.Split(string(data), "\n") {
		if c.probs.full() {
			break
		}
		at := pos{line: i + 1}
		line := strings.TrimSuffix(raw, "\r")
		body := strings.TrimLeft(line, " \t")
		if body == "" || body[0] == '#' {
			continue
		}
		lead := utf8.RuneCountInString(line) - utf8.RuneCountInString(body)
		q, err := parseRaw(body)
		if err != nil {
			col, msg := syntaxError(err, body)
			if col > 0 {
				at.col = lead + col
			}
			c.errorf(at, "%s syntax error: %s", syntax, msg)
			continue
		}
		col := func(text string) pos { // where a term is written, when it can be found
			if j := strings.Index(body, text); j >= 0 {
				return pos{line: at.line, col: lead + utf8.RuneCountInString(body[:j]) + 1}
			}
			return at
		}
		if triplesOnly && q.Label != nil {
			c.errorf(col(q.Label.String()), "N-Triples name no graph: a fourth term %s; write N-Quads (.nq) to keep graphs", q.Label)
			continue
		}
		if msg := positions(q); msg != "" {
			c.errorf(at, "%s: %s", syntax, msg)
			continue
		}
		s, okS := c.nodeTerm(q.Subject, col)
		p, okP := c.nodeTerm(q.Predicate, col)
		o, okO := c.nodeTerm(q.Object, col)
		if q.Label != nil {
			c.nodeTerm(q.Label, col) // checked, then merged into the default graph
		}
		if okS && okP && okO {
			out = append(out, stated{q: kg.Quad{S: s, P: p, O: o}, at: at})
		}
	}
	return out
}

// positions says which term stands where RDF allows no such term: a
// subject is an IRI or a blank node, a predicate an IRI, a graph an IRI or
// a blank node.
func positions(q quad.Quad) string {
	if q.Subject == nil || q.Predicate == nil || q.Object == nil {
		return "a term is missing"
	}
	switch q.Subject.(type) {
	case quad.IRI, quad.BNode:
	default:
		return "the subject must be an IRI or a blank node, not " + q.Subject.String()
	}
	if _, ok := q.Predicate.(quad.IRI); !ok {
		return "the predicate must be an IRI, not " + q.Predicate.String()
	}
	switch q.Label.(type) {
	case nil, quad.IRI, quad.BNode:
	default:
		return "the graph must be an IRI or a blank node, not " + q.Label.String()
	}
	return ""
}

// parseRaw is nquads.ParseRaw that never panics: a generated parser's
// internal error becomes an error of the line.
func parseRaw(line string) (q quad.Quad, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return nquads.ParseRaw(line)
}

var runeAtRE = regexp.MustCompile(`unexpected rune (.*) at (\d+)$`)

// syntaxError is a parser error's column in body (from 1; 0 when not told)
// and a message saying what is wrong.
func syntaxError(err error, body string) (int, string) {
	if errors.Is(err, quad.ErrIncomplete) || strings.HasSuffix(err.Error(), quad.ErrIncomplete.Error()) {
		return utf8.RuneCountInString(body) + 1, `the statement ends early: want subject, predicate, object, an optional graph, then " ."`
	}
	if m := runeAtRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[2])
		ch := m[1]
		if i := strings.Index(ch, " (\\u"); i >= 0 {
			ch = ch[:i]
		}
		return n + 1, fmt.Sprintf("unexpected %s (terms are <IRI>, _:blank, \"literal\", \"literal\"@lang or \"literal\"^^<IRI>, and a statement ends with \" .\")", ch)
	}
	if err.Error() == quad.ErrInvalid.Error() {
		return 0, `not a statement: want <subject> <predicate> object [graph] " ." on one line, with nothing after the "." but a # comment`
	}
	return 0, err.Error()
}

// nodeTerm converts a parsed term, blank nodes made IRIs; a malformed IRI
// is reported where it is written.
func (c *ctx) nodeTerm(v quad.Value, where func(string) pos) (kg.Term, bool) {
	switch v := v.(type) {
	case quad.IRI:
		if msg := checkIRI(string(v)); msg != "" {
			c.errorf(where("<"+string(v)), "%s", msg)
			return kg.Term{}, false
		}
		return kg.IRI(string(v)), true
	case quad.BNode:
		return kg.IRI(c.genid(string(v))), true
	case quad.String:
		return kg.Lit(string(v), ""), true
	case quad.LangString:
		// N-Triples' grammar takes subtags of any length, BCP 47 and the
		// JSON-LD reader up to 8: refused here too, an import reads the
		// same from every format it is written in.
		if !langRE.MatchString(v.Lang) {
			c.errorf(where("@"+v.Lang), "language tag %q: want a BCP 47 tag, subtags of 1 to 8 letters or digits, like zh-Hans", v.Lang)
			return kg.Term{}, false
		}
		return literal(string(v.Value), v.Lang, ""), true
	case quad.TypedString:
		if msg := checkIRI(string(v.Type)); msg != "" {
			c.errorf(where("^^<"+string(v.Type)), "datatype: %s", msg)
			return kg.Term{}, false
		}
		return literal(string(v.Value), "", string(v.Type)), true
	}
	c.errorf(where(""), "unexpected term %v", v)
	return kg.Term{}, false
}
