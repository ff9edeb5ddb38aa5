package importer

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/civicgraph/civicgraph/internal/yamlnode"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"go.yaml.in/yaml/v3"
)

// Mapping says how a CSV file becomes records. Its YAML form is documented
// in the package comment and in README.md; columns are named as the CSV
// file's header row names them.
type Mapping struct {
	File          string             // the mapping's file, as errors name it
	Label         string             // the column of each record's label; required
	Key           string             // a column of unique values: the record is {base}/import/{name}/{key}
	IRI           string             // a column of records' own IRIs, used where not empty
	Type          kg.Kind            // the kind of every record, "" when not known
	TypeColumn    string             // a column of kinds, row by row; an empty cell is Type
	Identifiers   []IdentifierColumn // columns of identifiers
	SameAs        string             // a column of IRIs the record is the same as, several separated by |
	Properties    []PropertyColumn   // columns of other properties
	Language      string             // the language tag of labels and text cells ("" for none; ReadMapping's default is zh-Hans)
	LatinLanguage string             // the tag of text cells written in Latin letters only (zh-Latn-pinyin), if any
	Link          []string           // how records may be linked; nil for the default
	License       string             // the IRI of the data's licence, if known

	at map[string]pos // where each field is written, by its path (identifiers[0].column)
}

// IdentifierColumn is a column of identifiers of one scheme of kg.
type IdentifierColumn struct {
	Column   string
	Scheme   string // a name of kg.IdentifierSchemeTable
	Citation string // the reference list the values come from; default "import NAME (SOURCE)"
}

// PropertyColumn is a column whose cells are values of one predicate.
type PropertyColumn struct {
	Column    string
	Predicate string // as written: an absolute IRI, a CURIE of rdf.Prefixes (schema:address) or a name of our vocabulary (location)
	Value     string // "text" (a literal in Language, the default), "plain" (a literal without language tag) or "iri"
	Datatype  string // the datatype of plain literals, an IRI or CURIE (xsd:date), if any
	Language  string // the language of this column's text cells, instead of the mapping's
}

// Value kinds of property cells.
const (
	ValueText  = "text"
	ValuePlain = "plain"
	ValueIRI   = "iri"
)

// links is how the mapping lets records be linked: as it says, else by
// identifier and sameAs where it maps them (reconciliation only when asked).
func (m *Mapping) links() []string {
	if m.Link != nil {
		return slices.Clone(m.Link)
	}
	out := []string{}
	if len(m.Identifiers) > 0 {
		out = append(out, LinkIdentifier)
	}
	if m.SameAs != "" || m.hasWikidata() {
		out = append(out, LinkSameAs)
	}
	return out
}

func (m *Mapping) hasWikidata() bool {
	return slices.ContainsFunc(m.Identifiers, func(c IdentifierColumn) bool { return c.Scheme == "wikidata" })
}

// mappingFields are the fields of a mapping, in documented order.
var mappingFields = []string{"label", "key", "iri", "type", "typeColumn", "identifiers", "sameAs", "properties", "language", "latinLanguage", "link", "license"}

// ReadMapping reads a mapping, named file in errors. Every problem is
// listed, at its file:line:col, in one error wrapping ErrInvalid.
func ReadMapping(r io.Reader, file string) (*Mapping, error) {
	b, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := &problems{max: DefaultMaxErrors}
	if len(b) > 1<<20 {
		p.add(file, pos{}, "larger than 1 MiB: a mapping is a short YAML file")
		return nil, p.err()
	}
	root := parseYAML(b, file, p)
	if root == nil {
		return nil, p.err()
	}
	y := &yreader{file: file, probs: p}
	m := &Mapping{File: file, Language: kg.LangZh, at: map[string]pos{}}
	f := y.fields(root, "", mappingFields...)
	if f == nil {
		return nil, p.err()
	}
	y.column(m, f, "label", &m.Label, root)
	y.column(m, f, "key", &m.Key, nil)
	y.column(m, f, "iri", &m.IRI, nil)
	y.column(m, f, "typeColumn", &m.TypeColumn, nil)
	y.column(m, f, "sameAs", &m.SameAs, nil)
	if n := f["type"]; n != nil {
		if s, ok := y.str(n, "type"); ok {
			if k, ok := parseKind(s); ok {
				m.Type = k
			} else {
				y.errorf(n, "type", "unknown kind %q: want one of %s", s, kindChoices())
			}
		}
	}
	if n := f["language"]; n != nil {
		if s, ok := y.str(n, "language"); ok || n.Kind == yaml.ScalarNode {
			m.Language = s
			if s != "" && !langRE.MatchString(s) {
				y.errorf(n, "language", "%q is not a BCP 47 language tag like zh-Hans; write \"\" for none", s)
			}
		}
	}
	if n := f["latinLanguage"]; n != nil {
		if s, ok := y.str(n, "latinLanguage"); ok {
			m.LatinLanguage = s
			if !langRE.MatchString(s) {
				y.errorf(n, "latinLanguage", "%q is not a BCP 47 language tag like zh-Latn-pinyin", s)
			}
		}
	}
	if n := f["license"]; n != nil {
		if s, ok := y.str(n, "license"); ok {
			m.License = s
			if !isWebIRI(s) {
				y.errorf(n, "license", "want the licence's IRI, like https://creativecommons.org/licenses/by/4.0/, got %q", s)
			}
		}
	}
	y.identifiers(m, f["identifiers"])
	y.properties(m, f["properties"])
	y.link(m, f["link"])
	if err := p.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// parseYAML returns the root node of a file of one YAML document, or nil
// after recording why there is none.
func parseYAML(b []byte, file string, p *problems) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(file, pos{line: 1}, "empty file: want a mapping with at least label")
			return nil
		}
		p.add(file, pos{line: yamlErrorLine(b, err)}, "YAML syntax error: %s", yamlMessage(err))
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.add(file, pos{line: yamlErrorLine(b, err)}, "YAML syntax error: %s", yamlMessage(err))
		return nil
	default:
		p.add(file, pos{line: extra.Line}, "a second YAML document (after ---): a mapping is one document")
		return nil
	}
	if len(doc.Content) == 0 {
		p.add(file, pos{line: 1}, "empty file: want a mapping with at least label")
		return nil
	}
	return doc.Content[0]
}

var yamlErrRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func yamlMessage(err error) string {
	if m := yamlErrRE.FindStringSubmatch(err.Error()); m != nil {
		return m[2]
	}
	return err.Error()
}

// yamlErrorLine is the line of a YAML syntax error. yaml.v3 names the line
// where the enclosing block starts (for parser errors counted from 0); the
// first prefix of the file from there that fails with the same message
// ends at the culprit (as the loader finds it).
func yamlErrorLine(b []byte, err error) int {
	from := 1
	if m := yamlErrRE.FindStringSubmatch(err.Error()); m != nil && m[1] != "" {
		from, _ = strconv.Atoi(m[1])
		from = max(from, 1)
	}
	msg := yamlMessage(err)
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) > 5000 {
		return from
	}
	for n := from; n <= len(lines); n++ {
		dec := yaml.NewDecoder(bytes.NewReader(bytes.Join(lines[:n], nil)))
		for {
			var node yaml.Node
			e := dec.Decode(&node)
			if e == nil {
				continue
			}
			if !errors.Is(e, io.EOF) && yamlMessage(e) == msg {
				return n
			}
			break
		}
	}
	return from
}

// yreader walks YAML nodes recording every problem.
type yreader struct {
	file  string
	probs *problems
}

func (y *yreader) errorf(n *yaml.Node, field, format string, args ...any) {
	at := pos{}
	if n != nil {
		at = pos{line: n.Line, col: n.Column}
	}
	y.probs.add(y.file, at, "%s: %s", field, fmt.Sprintf(format, args...))
}

// fields checks that n is a mapping with only known keys, each once.
func (y *yreader) fields(n *yaml.Node, prefix string, known ...string) map[string]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		field := prefix
		if field == "" {
			field = "mapping"
		}
		y.errorf(n, field, "want a mapping (key: value lines), got %s", yamlnode.Describe(n))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := yamlnode.Join(prefix, k.Value)
		if !slices.Contains(known, k.Value) {
			y.errorf(k, name, "unknown field (want one of %s)", strings.Join(known, ", "))
			continue
		}
		if _, dup := out[k.Value]; dup {
			y.errorf(k, name, "field given twice")
			continue
		}
		out[k.Value] = v
	}
	return out
}

// str reads a string; ok is false (and the problem recorded) for anything
// else, and for an empty string.
func (y *yreader) str(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		y.errorf(n, field, "want a string, got %s", yamlnode.Describe(n))
		return "", false
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		if field != "language" {
			y.errorf(n, field, "empty")
		}
		return "", false
	}
	return s, true
}

// column reads a column name into dst; owner, when not nil, makes it
// required.
func (y *yreader) column(m *Mapping, f map[string]*yaml.Node, field string, dst *string, owner *yaml.Node) {
	n := f[field]
	if n == nil {
		if owner != nil {
			y.errorf(owner, field, "missing: name the column that holds each record's %s", field)
		}
		return
	}
	if s, ok := y.str(n, field); ok {
		*dst = s
		m.at[field] = pos{line: n.Line, col: n.Column}
	}
}

func (y *yreader) list(n *yaml.Node, field string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		y.errorf(n, field, "want a list, got %s", yamlnode.Describe(n))
		return nil
	}
	return n.Content
}

func (y *yreader) identifiers(m *Mapping, n *yaml.Node) {
	for i, item := range y.list(n, "identifiers") {
		field := fmt.Sprintf("identifiers[%d]", i)
		f := y.fields(item, field, "column", "scheme", "citation")
		if f == nil {
			continue
		}
		var ic IdentifierColumn
		if c := f["column"]; c != nil {
			if s, ok := y.str(c, field+".column"); ok {
				ic.Column = s
				m.at[field+".column"] = pos{line: c.Line, col: c.Column}
			}
		} else {
			y.errorf(item, field+".column", "missing: name the column of the identifiers")
		}
		if s := f["scheme"]; s == nil {
			y.errorf(item, field+".scheme", "missing: want one of %s", strings.Join(kg.IdentifierSchemes, ", "))
		} else if v, ok := y.str(s, field+".scheme"); ok {
			sc, known := kg.LookupScheme(v)
			switch {
			case !known:
				y.errorf(s, field+".scheme", "unknown identifier scheme %q: want one of %s", v, strings.Join(kg.IdentifierSchemes, ", "))
			case m.TypeColumn == "" && m.Type != "" && !sc.AllowsKind(m.Type):
				y.errorf(s, field+".scheme", "%s names %s only, and every record is a %s (type)", v, kindNames(sc.Kinds), m.Type)
			default:
				ic.Scheme = v
			}
		}
		if c := f["citation"]; c != nil {
			ic.Citation, _ = y.str(c, field+".citation")
		}
		m.Identifiers = append(m.Identifiers, ic)
	}
}

func (y *yreader) properties(m *Mapping, n *yaml.Node) {
	for i, item := range y.list(n, "properties") {
		field := fmt.Sprintf("properties[%d]", i)
		f := y.fields(item, field, "column", "predicate", "value", "datatype", "language")
		if f == nil {
			continue
		}
		pc := PropertyColumn{Value: ValueText}
		if c := f["column"]; c != nil {
			if s, ok := y.str(c, field+".column"); ok {
				pc.Column = s
				m.at[field+".column"] = pos{line: c.Line, col: c.Column}
			}
		} else {
			y.errorf(item, field+".column", "missing: name the column of the values")
		}
		if p := f["predicate"]; p == nil {
			y.errorf(item, field+".predicate", "missing: an IRI, a CURIE like schema:address, or a name of our vocabulary like location")
		} else if s, ok := y.str(p, field+".predicate"); ok {
			pc.Predicate = s
			if _, err := resolvePredicate(s, exampleBase); err != nil {
				y.errorf(p, field+".predicate", "%v", err)
			}
		}
		if d := f["datatype"]; d != nil {
			if s, ok := y.str(d, field+".datatype"); ok {
				pc.Datatype, pc.Value = s, ValuePlain
				if _, err := resolveIRI(s, exampleBase); err != nil {
					y.errorf(d, field+".datatype", "%v", err)
				}
			}
		}
		if v := f["value"]; v != nil {
			if s, ok := y.str(v, field+".value"); ok {
				switch {
				case s != ValueText && s != ValuePlain && s != ValueIRI:
					y.errorf(v, field+".value", "want text, plain or iri, got %q", s)
				case pc.Datatype != "" && s != ValuePlain:
					y.errorf(v, field+".value", "a datatype makes plain literals, not %s", s)
				default:
					pc.Value = s
				}
			}
		}
		if l := f["language"]; l != nil {
			if s, ok := y.str(l, field+".language"); ok {
				pc.Language = s
				switch {
				case !langRE.MatchString(s):
					y.errorf(l, field+".language", "%q is not a BCP 47 language tag like zh-Hans", s)
				case pc.Value != ValueText:
					y.errorf(l, field+".language", "only text values have a language, not %s", pc.Value)
				}
			}
		}
		m.Properties = append(m.Properties, pc)
	}
}

func (y *yreader) link(m *Mapping, n *yaml.Node) {
	if n == nil {
		return
	}
	m.Link = []string{}
	for i, item := range y.list(n, "link") {
		field := fmt.Sprintf("link[%d]", i)
		s, ok := y.str(item, field)
		if !ok {
			continue
		}
		switch {
		case !slices.Contains(LinkWays, s):
			y.errorf(item, field, "want one of %s, got %q", strings.Join(LinkWays, ", "), s)
		case slices.Contains(m.Link, s):
			y.errorf(item, field, "%s listed twice", s)
		case s == LinkIdentifier && len(m.Identifiers) == 0:
			y.errorf(item, field, "identifier, but the mapping has no identifiers")
		case s == LinkSameAs && m.SameAs == "" && !m.hasWikidata():
			y.errorf(item, field, "sameAs, but the mapping has no sameAs column and no wikidata identifiers")
		default:
			m.Link = append(m.Link, s)
		}
	}
}

// parseKind reads a kind as a mapping or a cell writes it: its name
// (company), its class (Company) or the class's Chinese label (企业).
func parseKind(s string) (kg.Kind, bool) {
	if k := kg.Kind(strings.ToLower(s)); k.Valid() {
		return k, true
	}
	for _, k := range kg.Kinds {
		if t, ok := kg.LookupTerm(kg.ClassName(k)); ok && t.Label == s {
			return k, true
		}
	}
	return "", false
}

func kindChoices() string {
	s := make([]string, len(kg.Kinds))
	for i, k := range kg.Kinds {
		s[i] = string(k)
		if t, ok := kg.LookupTerm(kg.ClassName(k)); ok {
			s[i] += " (" + t.Label + ")"
		}
	}
	return strings.Join(s, ", ")
}

// exampleBase stands for the base a mapping is read without.
const exampleBase = "https://example.invalid/cg"

// resolveIRI expands a CURIE of rdf.Prefixes (cg bound to base's
// vocabulary) or checks an absolute IRI.
func resolveIRI(s, base string) (string, error) {
	prefixes := rdf.Prefixes(kg.Model{IRIs: kg.NewIRIs(base)})
	if pfx, local, ok := strings.Cut(s, ":"); ok && !strings.HasPrefix(local, "//") {
		for _, p := range prefixes {
			if p.Name == pfx {
				return p.IRI + local, nil
			}
		}
		if pfx != "urn" {
			names := make([]string, len(prefixes))
			for i, p := range prefixes {
				names[i] = p.Name
			}
			return "", fmt.Errorf("%q: unknown prefix %s: want one of %s, or an absolute IRI (https://…)", s, pfx, strings.Join(names, ", "))
		}
	}
	if msg := checkIRI(s); msg != "" {
		return "", errors.New(msg)
	}
	return s, nil
}

// resolvePredicate reads a predicate as a mapping writes it: a name of our
// vocabulary (a relation or a property of kg.VocabTerms), a CURIE or an
// absolute IRI.
func resolvePredicate(s, base string) (string, error) {
	if vocabName(s) {
		return kg.NewIRIs(base).Predicate(s), nil
	}
	iri, err := resolveIRI(s, base)
	if err != nil {
		return "", err
	}
	if local, ok := strings.CutPrefix(iri, kg.NewIRIs(base).Predicate("")); ok && !vocabName(local) {
		return "", fmt.Errorf("%q: %s is no property of our vocabulary (kg/vocab.go, kg/rdfvocab.go)", s, local)
	}
	return iri, nil
}

// vocabName reports whether name is a property of our vocabulary.
func vocabName(name string) bool {
	if _, ok := kg.LookupPredicate(name); ok {
		return true
	}
	t, ok := kg.LookupTerm(name)
	return ok && !t.Class
}
