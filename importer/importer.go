package importer

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// Import is an outside dataset as read from its file, not yet linked or stored.
type Import struct {
	Name    string    // the import's name: ^[a-z0-9]+(-[a-z0-9]+)*$, at most 64 characters
	Source  string    // the file's base name
	Format  string    // "nq", "nt", "jsonld" or "csv"
	License string    // from the mapping, or empty
	Link    []string  // how records may be linked: "identifier", "sameAs", "reconcile" (mapping; RDF: identifier and sameAs)
	Triples []kg.Quad // every triple the import states, Graph "" (for CSV: made from the mapping), deduplicated, in file order
	Records []Record  // the records, in order of first appearance
}

// Record is one outside record.
type Record struct {
	IRI         string
	Label       string          // its name: rdfs:label, schema:name, skos:prefLabel or foaf:name (zh/zh-Hans preferred), or the mapping's label column
	Kind        kg.Kind         // when known: the mapping's type, or an rdf:type of ours (cg:Person… under the given base's /vocab/) or its schema.org equivalent (kg.VocabTerms Equivalent); else ""
	Identifiers []kg.Identifier // validated and normalised with kg.ValidateIdentifier / kg.Normalize; Citation = "import NAME (SOURCE)" unless the file gives one
	SameAs      []string        // owl:sameAs and schema:sameAs objects (IRIs)
	Properties  []Property      // the record's other triples
	Line        int             // the line of the file where it first appears (for CSV, the row's line)
}

// Property is one triple of a record beyond its label, kind, identifiers
// and sameAs: the record is its subject.
type Property struct {
	Predicate string
	Value     kg.Term
}

// The ways a record may be linked to an entity of ours, as Import.Link
// lists them.
const (
	LinkIdentifier = "identifier" // a shared identifier of a scheme of kg
	LinkSameAs     = "sameAs"     // owl:sameAs or schema:sameAs one of our IRIs
	LinkReconcile  = "reconcile"  // a safe match of its name (and kind)
)

// LinkWays lists the ways in their documented order.
var LinkWays = []string{LinkIdentifier, LinkSameAs, LinkReconcile}

// Formats are the formats Parse reads, as Import.Format names them.
var Formats = []string{"nq", "nt", "jsonld", "csv"}

// DefaultMaxBytes is the largest file Parse reads when Options do not say.
const DefaultMaxBytes = 64 << 20

// Options limit what Parse reads; the zero value is the defaults.
type Options struct {
	MaxBytes  int64 // the largest file read (DefaultMaxBytes when 0)
	MaxErrors int   // problems listed before reading stops (DefaultMaxErrors when 0)
}

// FormatOf tells a file's format by its extension: .nq, .nt, .jsonld or
// .json (JSON-LD), .csv; any case.
func FormatOf(file string) (string, bool) {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".nq":
		return "nq", true
	case ".nt":
		return "nt", true
	case ".jsonld", ".json":
		return "jsonld", true
	case ".csv":
		return "csv", true
	}
	return "", false
}

// formatAliases are other names callers may give a format.
var formatAliases = map[string]string{
	"nq": "nq", "nquads": "nq", "n-quads": "nq", "application/n-quads": "nq",
	"nt": "nt", "ntriples": "nt", "n-triples": "nt", "application/n-triples": "nt",
	"jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld", "application/ld+json": "jsonld",
	"csv": "csv", "text/csv": "csv",
}

var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckName checks the name of an import: lower-case a-z and 0-9 words
// joined by single hyphens, at most 64 characters.
func CheckName(name string) error {
	if len(name) > 64 || !nameRE.MatchString(name) {
		return fmt.Errorf("%w: import name %q: want lower-case a-z and 0-9 words joined by single hyphens, at most 64 characters", ErrArgument, name)
	}
	return nil
}

// Parse reads an outside dataset file with the default Options.
func Parse(r io.Reader, file, format string, m *Mapping, base, name string) (*Import, error) {
	return Options{}.Parse(r, file, format, m, base, name)
}

// Parse reads the dataset r, named file in messages, in format (nq, nt,
// jsonld or csv; csv needs the mapping m, the others take none) as the
// import name under base (the dataset's canonical base, as
// data/dataset.yaml declares it). Every problem of the file is listed in
// one error wrapping ErrInvalid, and then no Import is returned: nothing is
// ever half read. Calls that make no sense wrap ErrArgument; a failing
// reader's error is returned as it is.
func (o Options) Parse(r io.Reader, file, format string, m *Mapping, base, name string) (*Import, error) {
	f, ok := formatAliases[strings.ToLower(strings.TrimSpace(format))]
	if !ok {
		return nil, fmt.Errorf("%w: %s: unknown format %q: want one of %s", ErrArgument, file, format, strings.Join(Formats, ", "))
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	base = strings.TrimRight(base, "/")
	if err := checkBase(base); err != nil {
		return nil, err
	}
	switch {
	case f == "csv" && m == nil:
		return nil, fmt.Errorf("%w: %s: a CSV file needs a mapping", ErrArgument, file)
	case f != "csv" && m != nil:
		return nil, fmt.Errorf("%w: %s: a mapping is for CSV files; %s files say what they mean themselves", ErrArgument, file, f)
	}
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, &Error{File: file, Msg: fmt.Sprintf("larger than %d bytes, the most an import reads", maxBytes)})
	}
	c := newCtx(file, base, name, o.MaxErrors)
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	c.text = newLines(data)
	if i := firstInvalidUTF8(data); i >= 0 {
		c.errorf(c.text.at(i), "not UTF-8: byte 0x%02X here; save the file as UTF-8", data[i])
		return nil, c.probs.err()
	}

	imp := &Import{Name: name, Source: c.source, Format: f}
	var ts []stated
	switch f {
	case "nq", "nt":
		ts = c.readLines(data, f == "nt")
	case "jsonld":
		ts = c.readJSONLD(data)
	case "csv":
		ts, imp.Records = c.readCSV(data, m)
		imp.License, imp.Link = m.License, m.links()
	}
	if !c.probs.any() && len(ts) == 0 {
		c.errorf(pos{}, "no triples: the file states nothing")
	}
	if c.probs.any() {
		return nil, c.probs.err()
	}
	ts = dedupe(ts)
	if f != "csv" {
		imp.Link = []string{LinkIdentifier, LinkSameAs}
		imp.Records = c.records(ts)
		if c.probs.any() {
			return nil, c.probs.err()
		}
	}
	imp.Triples = make([]kg.Quad, len(ts))
	for i, t := range ts {
		imp.Triples[i] = t.q
	}
	return imp, nil
}

// stated is a triple with where the file states it.
type stated struct {
	q  kg.Quad
	at pos
}

// dedupe keeps the first of equal triples.
func dedupe(ts []stated) []stated {
	seen := make(map[kg.Quad]bool, len(ts))
	out := ts[:0]
	for _, t := range ts {
		if !seen[t.q] {
			seen[t.q] = true
			out = append(out, t)
		}
	}
	return out
}

// ctx is one run of Parse: the file, the IRIs it mints, its problems.
type ctx struct {
	file, source string
	base, name   string
	prefix       string // {base}/import/{name}/, under which IRIs are minted
	vocab        string // {base}/vocab/
	text         *lines
	probs        *problems
}

func newCtx(file, base, name string, maxErrors int) *ctx {
	if maxErrors <= 0 {
		maxErrors = DefaultMaxErrors
	}
	return &ctx{
		file: file, source: filepath.Base(file), base: base, name: name,
		prefix: base + "/import/" + name + "/",
		vocab:  base + "/vocab/",
		probs:  &problems{max: maxErrors},
	}
}

func (c *ctx) errorf(at pos, format string, args ...any) {
	c.probs.add(c.file, at, format, args...)
}

// genid is the stable IRI of a blank node of the file (RDF 1.1
// skolemisation), so nothing downstream deals with blank nodes.
func (c *ctx) genid(label string) string {
	return c.prefix + ".well-known/genid/" + escapeSegment(label)
}

// citation is an identifier's citation when the file gives none.
func (c *ctx) citation() string { return "import " + c.name + " (" + c.source + ")" }

// literal makes a literal term in the form the package keeps: language
// tags in their conventional case, xsd:string and rdf:langString implied.
func literal(value, lang, datatype string) kg.Term {
	if lang != "" {
		return kg.Lit(value, canonicalLang(lang))
	}
	if datatype == kg.NSXSD+"string" || datatype == kg.NSRDF+"langString" {
		datatype = ""
	}
	if datatype == "" {
		return kg.Lit(value, "")
	}
	return kg.Typed(value, datatype)
}
