package importer_test

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/importer"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/rdf"
)

// ourQuads are the descriptions of the built-in dataset's entities and its
// vocabulary (in a graph of its own), as our export writes them.
func ourQuads(t *testing.T) (kg.Model, []kg.Quad) {
	t.Helper()
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatal(err)
	}
	m := kg.Model{IRIs: kg.NewIRIs(ds.Info.Base)}
	var qs []kg.Quad
	for _, e := range ds.Entities {
		qs = append(qs, m.Entity(e)...)
	}
	return m, append(qs, m.Vocabulary()...)
}

func write(t *testing.T, format string, m kg.Model, qs []kg.Quad) []byte {
	t.Helper()
	f, ok := rdf.Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	var b bytes.Buffer
	w := rdf.NewWriter(&b, f, rdf.Prefixes(m))
	if err := w.Write(qs...); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// triples is qs without graphs and duplicates, in order.
func triples(qs []kg.Quad) []kg.Quad {
	seen := map[kg.Quad]bool{}
	var out []kg.Quad
	for _, q := range qs {
		q.Graph = ""
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

func compareQuads(a, b kg.Quad) int {
	return cmp.Or(strings.Compare(a.S.Value, b.S.Value), strings.Compare(a.P.Value, b.P.Value),
		strings.Compare(a.O.Value, b.O.Value), strings.Compare(a.O.Lang, b.O.Lang), strings.Compare(a.O.Datatype, b.O.Datatype), int(a.O.Kind)-int(b.O.Kind))
}

// TestRoundTrip writes our own entities with the rdf writers, imports
// them back, and finds the same triples and our identifiers on the records.
func TestRoundTrip(t *testing.T) {
	m, qs := ourQuads(t)
	want := triples(qs)
	for _, format := range []string{"nq", "jsonld"} {
		t.Run("OK/"+format, func(t *testing.T) {
			file := "export." + format
			imp, err := importer.Parse(bytes.NewReader(write(t, format, m, qs)), file, format, nil, base, "ours")
			if err != nil {
				t.Fatal(err)
			}
			got := imp.Triples
			if format == "nq" {
				// N-Quads keeps the file's order.
				if !slices.Equal(got, want) {
					t.Fatalf("%d triples back, want the %d written, in order", len(got), len(want))
				}
			} else {
				got, wantSorted := slices.Clone(got), slices.Clone(want)
				slices.SortFunc(got, compareQuads)
				slices.SortFunc(wantSorted, compareQuads)
				if !slices.Equal(got, wantSorted) {
					for _, q := range wantSorted {
						if _, found := slices.BinarySearchFunc(got, q, compareQuads); !found {
							t.Errorf("lost %v", q)
							break
						}
					}
					t.Fatalf("%d triples back, want the %d written", len(got), len(wantSorted))
				}
			}

			jiangbei := record(t, imp, base+"/id/place/jiangbei-qu")
			wantID := []kg.Identifier{{Scheme: "divisionCode", Value: "500105", Citation: "中华人民共和国民政部《中华人民共和国县以上行政区划代码》"}}
			if jiangbei.Label != "江北区" || jiangbei.Kind != kg.Place || !slices.Equal(jiangbei.Identifiers, wantID) {
				t.Errorf("江北区 came back as %+v", jiangbei)
			}
			changan := record(t, imp, base+"/id/company/chongqing-changan-qiche-gufen-youxian-gongsi")
			if changan.Kind != kg.Company || len(changan.Identifiers) != 1 || changan.Identifiers[0].Value != "000625.SZ" {
				t.Errorf("长安汽车 came back as %+v", changan)
			}
			lines := make([]int, len(imp.Records))
			for i, r := range imp.Records {
				lines[i] = r.Line
			}
			if !slices.IsSorted(lines) {
				t.Errorf("records not in file order: lines %v", lines)
			}
			for _, r := range imp.Records {
				if strings.Contains(r.IRI, "#id-") {
					t.Errorf("identifier node %s is a record", r.IRI)
				}
				if r.Line < 1 {
					t.Errorf("record %s has no line", r.IRI)
				}
			}
		})
	}
}
