package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/importer"
	"github.com/civicgraph/civicgraph/kg"
)

const base = "https://w3id.org/civicgraph"

// genid is the IRI a blank node of import name becomes.
func genid(name, label string) string {
	return base + "/import/" + name + "/.well-known/genid/" + label
}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// parseFile parses a fixture of testdata, its format told by its extension.
func parseFile(t *testing.T, file string, m *importer.Mapping, name string) *importer.Import {
	t.Helper()
	format, ok := importer.FormatOf(file)
	if !ok {
		t.Fatalf("FormatOf(%q) failed", file)
	}
	imp, err := importer.Parse(open(t, file), file, format, m, base, name)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return imp
}

func record(t *testing.T, imp *importer.Import, iri string) importer.Record {
	t.Helper()
	for _, r := range imp.Records {
		if r.IRI == iri {
			return r
		}
	}
	t.Fatalf("no record <%s>", iri)
	return importer.Record{}
}

func hasTriple(imp *importer.Import, s, p string, o kg.Term) bool {
	return slices.Contains(imp.Triples, kg.Quad{S: kg.IRI(s), P: kg.IRI(p), O: o})
}

// wantErrors checks that err is a refusal listing exactly the given
// problems, each a fragment of one line of it, in order.
func wantErrors(t *testing.T, imp *importer.Import, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	if imp != nil {
		t.Errorf("an Import came back with the error")
	}
	if !errors.Is(err, importer.ErrInvalid) {
		t.Errorf("error does not wrap ErrInvalid: %v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d problem(s), want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("problem %d is\n\t%s\nwant it to hold\n\t%s", i+1, lines[i], w)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		file, want string
		ok         bool
	}{
		{"a.nq", "nq", true}, {"dir/b.NT", "nt", true}, {"c.jsonld", "jsonld", true},
		{"d.json", "jsonld", true}, {"e.csv", "csv", true}, {"f.ttl", "", false},
		{"nq", "", false}, {"g.csv.gz", "", false},
	} {
		if got, ok := importer.FormatOf(tc.file); got != tc.want || ok != tc.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, %v", tc.file, got, ok, tc.want, tc.ok)
		}
	}
}

// TestParse reads one small file of each RDF format.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		check      func(t *testing.T, imp *importer.Import)
	}{
		{"OK/nq", "testdata/small.nq", func(t *testing.T, imp *importer.Import) {
			if len(imp.Triples) != 14 {
				t.Errorf("%d triples, want 14 (15 lines, one a duplicate in another graph)", len(imp.Triples))
			}
			for _, q := range imp.Triples {
				if q.Graph != "" {
					t.Errorf("triple in graph %q", q.Graph)
				}
			}
			if len(imp.Records) != 3 {
				t.Fatalf("%d records, want 3 (the identifier node is none)", len(imp.Records))
			}
			org := imp.Records[0]
			if org.IRI != "http://data.example.org/org/1" || org.Label != "五里店街道办事处" || org.Kind != kg.Organization || org.Line != 3 {
				t.Errorf("first record %+v", org)
			}
			want := []kg.Identifier{{Scheme: "creditCode", Value: "11500105MB00000026", Citation: "import other (small.nq)"}}
			if !slices.Equal(org.Identifiers, want) {
				t.Errorf("identifiers %v, want %v", org.Identifiers, want)
			}
			if !slices.Contains(org.Properties, importer.Property{Predicate: kg.NSRDFS + "label", Value: kg.Lit("Wulidian Subdistrict Office", "en")}) {
				t.Errorf("the English label is not among the properties: %v", org.Properties)
			}
			if addr := imp.Records[1]; addr.IRI != genid("other", "addr") || addr.Line != 11 {
				t.Errorf("blank node record %+v", addr)
			}
			place := imp.Records[2]
			if place.Kind != kg.Place || place.Label != "红土地社区" || !slices.Equal(place.SameAs, []string{base + "/id/place/hongtudi-shequ"}) {
				t.Errorf("place %+v", place)
			}
			if !hasTriple(imp, "http://data.example.org/place/2", "http://example.org/population", kg.Typed("01234", kg.NSXSD+"integer")) {
				t.Errorf("the typed literal lost its lexical form")
			}
			if !hasTriple(imp, "http://data.example.org/place/2", kg.NSRDFS+"comment", kg.Lit("a \"quoted\" word\nand 中", "")) {
				t.Errorf("escapes not read")
			}
			if !hasTriple(imp, "http://data.example.org/org/1", kg.NSRDFS+"label", kg.Lit("五里店街道办事处", "zh-Hans")) {
				t.Errorf("language tag not in conventional case")
			}
			if !slices.Equal(imp.Link, []string{"identifier", "sameAs"}) {
				t.Errorf("Link %v", imp.Link)
			}
		}},
		{"OK/nt", "testdata/small.nt", func(t *testing.T, imp *importer.Import) {
			if len(imp.Triples) != 10 || len(imp.Records) != 1 {
				t.Fatalf("%d triples, %d records; want 10, 1", len(imp.Triples), len(imp.Records))
			}
			r := imp.Records[0]
			if r.Label != "马善祥" || r.Kind != kg.Person || r.Line != 2 {
				t.Errorf("record %+v", r)
			}
			want := []kg.Identifier{{Scheme: "wikidata", Value: "Q9999999999", Citation: "Wikidata (synthetic id)"}}
			if !slices.Equal(r.Identifiers, want) {
				t.Errorf("identifiers %v, want %v", r.Identifiers, want)
			}
			if !slices.Equal(r.SameAs, []string{"http://www.wikidata.org/entity/Q9999999999"}) {
				t.Errorf("sameAs %v", r.SameAs)
			}
			if len(r.Properties) != 2 {
				t.Errorf("properties %v, want the English label and the birth date", r.Properties)
			}
		}},
		{"OK/jsonld", "testdata/small.jsonld", func(t *testing.T, imp *importer.Import) {
			if len(imp.Triples) != 15 {
				t.Errorf("%d triples, want 15", len(imp.Triples))
			}
			var iris []string
			var lines []int
			for _, r := range imp.Records {
				iris, lines = append(iris, r.IRI), append(lines, r.Line)
			}
			wantIRIs := []string{"http://data.example.org/company/changan", genid("other", "b0"), base + "/import/other/company/zhifei"}
			if !slices.Equal(iris, wantIRIs) || !slices.Equal(lines, []int{13, 24, 26}) {
				t.Errorf("records %v at lines %v; want %v at 13, 24, 26", iris, lines, wantIRIs)
			}
			changan := imp.Records[0]
			want := []kg.Identifier{{Scheme: "stockCode", Value: "000625.SZ", Citation: "深圳证券交易所上市公司名录"}}
			if changan.Kind != kg.Company || changan.Label != "长安汽车" || !slices.Equal(changan.Identifiers, want) {
				t.Errorf("record %+v", changan)
			}
			zhifei := imp.Records[2]
			if zhifei.Kind != kg.Company || zhifei.Label != "智飞生物" || !slices.Equal(zhifei.SameAs, []string{base + "/id/company/zhifei-shengwu"}) {
				t.Errorf("record %+v", zhifei)
			}
			if imp.Triples[0].S.Value != "http://data.example.org/company/changan" {
				t.Errorf("triples not in file order: first %v", imp.Triples[0])
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp := parseFile(t, tc.file, nil, "other")
			if imp.Name != "other" || imp.Source != filepath.Base(tc.file) || imp.License != "" {
				t.Errorf("import %q from %q, licence %q", imp.Name, imp.Source, imp.License)
			}
			tc.check(t, imp)
		})
	}
}

// TestParseErrors refuses malformed RDF files with every problem at its
// place, and returns nothing of them.
func TestParseErrors(t *testing.T) {
	const (
		s = "<http://ex.org/s>"
		p = "<http://ex.org/p>"
	)
	for _, tc := range []struct {
		name, file, format, data string
		want                     []string
	}{
		{"ErrNQuadsSyntax", "bad.nq", "nq",
			s + " " + p + " \"ok\" .\n\n" + s + " " + p + " \"a\" \"b\" .\n" + s + " " + p + " \"x\"\n# fine\n" + s + " " + p + " <http://ex.org/o> <http://ex.org/g> . junk\n",
			[]string{
				`bad.nq:3:41: N-Quads syntax error: unexpected '"'`,
				`bad.nq:4:40: N-Quads syntax error: the statement ends early`,
				`bad.nq:6: N-Quads syntax error: not a statement`,
			}},
		{"ErrRelativeIRI", "rel.nt", "nt", "  <s> " + p + " \"x\" .\n", []string{`rel.nt:1:3: "s" is not an absolute IRI`}},
		{"ErrGraphInNTriples", "g.nt", "nt", s + " " + p + " \"x\" <http://ex.org/g> .\n", []string{`g.nt:1:41: N-Triples name no graph`}},
		{"ErrLiteralSubject", "lit.nq", "nq", `"s" ` + p + " \"x\" .\n", []string{`lit.nq:1:1: N-Quads syntax error: unexpected '"'`}},
		{"ErrBadIdentifier", "id.nq", "nq",
			s + " <https://schema.org/identifier> _:i .\n_:i <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/PropertyValue> .\n_:i <https://schema.org/propertyID> \"stockCode\" .\n_:i <https://schema.org/value> \"123456\" .\n",
			[]string{`id.nq:4: identifier: stockCode "123456": write it with its exchange`}},
		{"ErrIdentifierOfTwo", "two.nt", "nt",
			"<http://ex.org/a> <https://schema.org/identifier> _:i .\n<http://ex.org/b> <https://schema.org/identifier> _:i .\n_:i <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/PropertyValue> .\n_:i <https://schema.org/propertyID> \"divisionCode\" .\n_:i <https://schema.org/value> \"500105\" .\n",
			[]string{`two.nt:5: divisionCode 500105 is the identifier of two records, <http://ex.org/a> (line 5) and <http://ex.org/b>`}},
		{"ErrIdentifierKind", "kind.nt", "nt",
			s + " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/Person> .\n" + s + " <https://schema.org/identifier> <http://ex.org/i> .\n<http://ex.org/i> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://schema.org/PropertyValue> .\n<http://ex.org/i> <https://schema.org/propertyID> \"stockCode\" .\n<http://ex.org/i> <https://schema.org/value> \"000625.SZ\" .\n",
			[]string{`kind.nt:5: stockCode 000625.SZ of <http://ex.org/s>: the scheme names companies only, and the record is a person`}},
		{"ErrNotUTF8", "latin1.nq", "nq", s + " " + p + " \"caf\xe9\" .\n", []string{`latin1.nq:1:41: not UTF-8`}},
		{"ErrEmpty", "empty.nq", "nq", "# nothing\n\n", []string{`empty.nq: no triples`}},
		{"ErrJSONSyntax", "bad.jsonld", "jsonld", "{\n  \"@id\": \"http://ex.org/a\",\n  \"http://ex.org/p\": [1, 2,, 3]\n}\n",
			[]string{`bad.jsonld:3:28: JSON syntax error: invalid character ','`}},
		{"ErrJSONEndsEarly", "short.jsonld", "jsonld", "{\n  \"@id\": \"http://ex.org/a\",\n", []string{`short.jsonld:3:1: JSON syntax error: the document ends early`}},
		{"ErrJSONDuplicateKey", "dup.jsonld", "jsonld", "{\n  \"@id\": \"http://ex.org/a\",\n  \"@id\": \"http://ex.org/b\"\n}\n",
			[]string{`dup.jsonld:3:3: JSON: key "@id" given twice in one object (first at line 2)`}},
		{"ErrRemoteContext", "remote.jsonld", "jsonld", "{\n  \"@context\": [{\"ex\": \"http://ex.org/\"},\n    \"https://schema.org/\"],\n  \"@id\": \"http://ex.org/a\",\n  \"name\": \"x\"\n}\n",
			[]string{`remote.jsonld:3:5: remote @context "https://schema.org/" refused: an import never fetches documents`}},
		{"ErrRelativeRemoteContext", "rel.jsonld", "jsonld", "{\"@context\": \"context.jsonld\", \"@id\": \"http://ex.org/a\"}",
			[]string{`rel.jsonld:1:14: remote @context "https://w3id.org/civicgraph/import/test/context.jsonld" refused`}},
		{"ErrUndefinedTerm", "term.jsonld", "jsonld", "{\n  \"@context\": {\"ex\": \"http://ex.org/\"},\n  \"@id\": \"http://ex.org/a\",\n  \"ex:p\": 1,\n  \"name\": \"x\"\n}\n",
			[]string{`term.jsonld:5:3: JSON-LD: property "name" is no term of the @context and there is no @vocab`}},
		{"ErrJSONScalar", "scalar.jsonld", "jsonld", "  \"https://schema.org/\"", []string{`scalar.jsonld:1:3: a JSON-LD document is an object or an array`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := importer.Parse(strings.NewReader(tc.data), tc.file, tc.format, nil, base, "test")
			wantErrors(t, imp, err, tc.want...)
		})
	}
}

// TestParseArguments refuses calls that make no sense before reading.
func TestParseArguments(t *testing.T) {
	m := &importer.Mapping{Label: "name"}
	nq := "<http://ex.org/s> <http://ex.org/p> \"x\" .\n"
	for _, tc := range []struct {
		name, format, base, importName string
		m                              *importer.Mapping
		want                           error
	}{
		{"OK", "N-Quads", base + "/", "ok-1", nil, nil},
		{"ErrFormat", "ttl", base, "x", nil, importer.ErrArgument},
		{"ErrName", "nq", base, "Bad_Name", nil, importer.ErrArgument},
		{"ErrLongName", "nq", base, strings.Repeat("a", 65), nil, importer.ErrArgument},
		{"ErrBase", "nq", "w3id.org/civicgraph", "x", nil, importer.ErrArgument},
		{"ErrCSVWithoutMapping", "csv", base, "x", nil, importer.ErrArgument},
		{"ErrMappingForRDF", "nq", base, "x", m, importer.ErrArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp, err := importer.Parse(strings.NewReader(nq), "f", tc.format, tc.m, tc.base, tc.importName)
			if !errors.Is(err, tc.want) || (err == nil) != (imp != nil) {
				t.Fatalf("Parse = %v, %v; want %v", imp, err, tc.want)
			}
			if err != nil && errors.Is(err, importer.ErrInvalid) {
				t.Errorf("a bad argument is no invalid file: %v", err)
			}
		})
	}
	t.Run("ErrTooLarge", func(t *testing.T) {
		imp, err := importer.Options{MaxBytes: 10}.Parse(strings.NewReader(nq), "big.nq", "nq", nil, base, "x")
		if !errors.Is(err, importer.ErrTooLarge) || !errors.Is(err, importer.ErrInvalid) || imp != nil {
			t.Fatalf("Parse = %v, %v; want ErrTooLarge", imp, err)
		}
		if want := "big.nq: larger than 10 bytes"; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		bad := strings.Repeat("nonsense\n", 7)
		_, err := importer.Options{MaxErrors: 5}.Parse(strings.NewReader(bad), "many.nq", "nq", nil, base, "x")
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 6 || !strings.Contains(lines[5], "too many problems: the first 5 are listed") {
			t.Errorf("error:\n%v", err)
		}
	})
}
