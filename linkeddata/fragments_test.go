package linkeddata_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/linkeddata"
	"github.com/civicgraph/civicgraph/store"
	"github.com/civicgraph/civicgraph/store/storetest"
)

// fragmentPage is one page of a fragment as N-Quads: its data lines (the
// default graph) and the count and next link of its metadata.
type fragmentPage struct {
	data  []string
	total int
	next  string
}

var (
	totalRE = regexp.MustCompile(`^<([^>]*)> <http://www.w3.org/ns/hydra/core#totalItems> "(\d+)"`)
	nextRE  = regexp.MustCompile(`^<([^>]*)> <http://www.w3.org/ns/hydra/core#next> <([^>]*)>`)
)

func getFragment(t *testing.T, u string) fragmentPage {
	t.Helper()
	resp, body := get(t, u, "application/n-quads")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	var p fragmentPage
	p.total = -1
	for line := range strings.SplitSeq(strings.TrimSuffix(string(body), "\n"), "\n") {
		if !strings.HasSuffix(line, "#metadata> .") {
			p.data = append(p.data, line)
			continue
		}
		if m := totalRE.FindStringSubmatch(line); m != nil && m[1] == u {
			p.total, _ = strconv.Atoi(m[2])
		}
		if m := nextRE.FindStringSubmatch(line); m != nil && m[1] == u {
			p.next = m[2]
		}
	}
	return p
}

// exportLines is the N-Triples export, a line a triple.
func exportLines(t *testing.T, st *store.Store) []string {
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	return strings.Split(strings.TrimSuffix(string(exportTo(t, g, "nt")), "\n"), "\n")
}

// TestFragments reads fragments of every pattern shape over HTTP, page by
// page through the next links, and checks them against the export: the
// same triples, and counts equal to what the pages hold.
func TestFragments(t *testing.T) {
	st := MustOpenData(t)
	srv := MustServe(t, st)
	all := exportLines(t, st)
	ma := base + "/id/person/ma-shanxiang"
	award := base + "/vocab/award"
	gaige := base + "/id/honour/gaige-xianfeng"
	label := kg.NSRDFS + "label"
	for _, tc := range []struct {
		name    string
		s, p, o string // as sent
		match   func(s, p, o string) bool
		min     int
	}{
		{"OK/None", "", "", "", func(s, p, o string) bool { return true }, 1000},
		{"OK/S", ma, "", "", func(s, p, o string) bool { return s == "<"+ma+">" }, 5},
		{"OK/P", "", award, "", func(s, p, o string) bool { return p == "<"+award+">" }, 9},
		{"OK/O", "", "", gaige, func(s, p, o string) bool { return o == "<"+gaige+">" }, 2},
		{"OK/SP", ma, award, "", func(s, p, o string) bool { return s == "<"+ma+">" && p == "<"+award+">" }, 9},
		{"OK/SO", ma, "", gaige, func(s, p, o string) bool { return s == "<"+ma+">" && o == "<"+gaige+">" }, 1},
		{"OK/PO", "", label, `"马善祥"@zh-Hans`, func(s, p, o string) bool { return p == "<"+label+">" && o == `"马善祥"@zh-Hans` }, 1},
		{"OK/SPO", ma, award, gaige, func(s, p, o string) bool {
			return s == "<"+ma+">" && p == "<"+award+">" && o == "<"+gaige+">"
		}, 1},
		{"OK/TypedLiteral", "", "", `"5610"^^http://www.w3.org/2001/XMLSchema#nonNegativeInteger`, func(s, p, o string) bool {
			return o == `"5610"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>`
		}, 1},
		{"OK/Variables", "?s", "?p", "?o", func(s, p, o string) bool { return true }, 1000},
		{"OK/LiteralSubject", `"马善祥"`, "", "", func(s, p, o string) bool { return false }, 0},
		{"OK/Unknown", base + "/id/person/nobody", "", "", func(s, p, o string) bool { return false }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, l := range all {
				s, rest, _ := strings.Cut(l, " ")
				p, o, _ := strings.Cut(rest, " ")
				if tc.match(s, p, strings.TrimSuffix(o, " .")) {
					want = append(want, l)
				}
			}
			if len(want) < tc.min {
				t.Fatalf("the export has %d triples of the pattern, want at least %d", len(want), tc.min)
			}
			v := url.Values{}
			for k, x := range map[string]string{"subject": tc.s, "predicate": tc.p, "object": tc.o} {
				if x != "" {
					v.Set(k, x)
				}
			}
			u := srv.URL + "/fragments"
			if len(v) > 0 {
				u += "?" + v.Encode()
			}
			var got []string
			pages := 0
			for u != "" {
				p := getFragment(t, u)
				if p.total != len(want) {
					t.Errorf("page %d counts %d triples, want %d", pages+1, p.total, len(want))
				}
				if len(p.data) > 100 {
					t.Errorf("page of %d triples", len(p.data))
				}
				got = append(got, p.data...)
				u = p.next
				if pages++; pages > 200 {
					t.Fatal("no end to the pages")
				}
			}
			if len(got) == 1 && got[0] == "" {
				got = nil
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("pages hold %d triples, the export %d of the pattern", len(got), len(want))
			}
		})
	}
}

// TestFragmentsPinned: page links name the graph version; after a reload
// they answer 410 and say where to start again, so paging never mixes two
// versions.
func TestFragmentsPinned(t *testing.T) {
	st := MustOpenData(t)
	srv := MustServe(t, st)
	first := getFragment(t, srv.URL+"/fragments")
	if first.next == "" || !strings.Contains(first.next, "version=") {
		t.Fatalf("next link %q does not pin the version", first.next)
	}
	second := getFragment(t, first.next)
	if len(second.data) == 0 {
		t.Fatal("page 2 is empty")
	}
	if _, err := st.Load(context.Background(), storetest.Fixture(t, "v2")); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, first.next, "application/n-quads")
	if resp.StatusCode != http.StatusGone || !strings.Contains(string(body), "start again from") {
		t.Errorf("a page of the replaced version: %d %s", resp.StatusCode, body)
	}
	if p := getFragment(t, srv.URL+"/fragments"); p.total <= 0 {
		t.Error("the new version has no fragment")
	}
}

func TestFragmentErrors(t *testing.T) {
	st := MustOpenData(t)
	srv := MustServe(t, st)
	for _, tc := range []struct{ name, query string }{
		{"ErrPageZero", "page=0"},
		{"ErrPageWord", "page=two"},
		{"ErrUnclosedLiteral", "object=" + url.QueryEscape(`"abc`)},
		{"ErrLiteralSuffix", "object=" + url.QueryEscape(`"abc"xyz`)},
		{"ErrRelativeIRI", "subject=person/ma-shanxiang"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+"/fragments?"+tc.query, "")
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
		})
	}
	resp, _ := get(t, srv.URL+"/fragments", "image/png")
	if resp.StatusCode != http.StatusNotAcceptable {
		t.Errorf("Accept image/png: %d", resp.StatusCode)
	}
}

// TestViewIsExport: the view kept with the graph holds exactly the triples
// of the export.
func TestViewIsExport(t *testing.T) {
	st := MustOpenData(t)
	g, err := st.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Release()
	var c collect
	if _, err := linkeddataExport(g, &c); err != nil {
		t.Fatal(err)
	}
	view, n, err := g.Fragment(context.Background(), store.Pattern{}, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	key := func(q kg.Quad) string {
		q.Graph = ""
		return q.S.Value + " " + q.P.Value + " " + q.O.Value + "@" + q.O.Lang + "^" + q.O.Datatype
	}
	want := map[string]bool{}
	for _, q := range c.qs {
		want[key(q)] = true
	}
	got := map[string]bool{}
	for _, q := range view {
		got[key(q)] = true
	}
	if n != len(want) || len(got) != len(want) {
		t.Errorf("view %d triples (count %d), export %d", len(got), n, len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing from the view: %s", k)
			break
		}
	}
}

func linkeddataExport(g *store.Graph, c *collect) (linkeddata.Stats, error) {
	return linkeddata.Export(context.Background(), g, iris, c, nil)
}
