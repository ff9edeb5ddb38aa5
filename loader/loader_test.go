package loader_test

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
)

func loadOK(t testing.TB) *loader.Dataset {
	t.Helper()
	ds, err := loader.Load(os.DirFS("testdata/ok"), "testdata/ok")
	if err != nil {
		t.Fatalf("Load(testdata/ok): %v", err)
	}
	return ds
}

// TestLoadOK checks the valid fixture field by field: its source text was
// written with doubled bold runs and words broken across lines, so offsets
// are only right if they count code points of the normalised text.
func TestLoadOK(t *testing.T) {
	ds := loadOK(t)

	wantInfo := kg.DatasetInfo{
		Base:        "https://w3id.org/civicgraph",
		Title:       "青山社区测试图谱",
		TitleEn:     "civicgraph test: Qingshan community",
		Description: "从一页虚构的社区简讯中提取的实体与关系，每条事实都附有原文引语。",
		DescEn:      "Entities and relations drawn from a made-up community page, each fact with its verbatim quote.",
		Publisher:   "civicgraph tests",
		License:     "https://creativecommons.org/licenses/by/4.0/",
		Homepage:    "https://github.com/civicgraph/civicgraph",
	}
	if ds.Info != wantInfo {
		t.Errorf("info = %+v, want %+v", ds.Info, wantInfo)
	}
	if len(ds.Sources) != 1 {
		t.Fatalf("%d sources, want 1", len(ds.Sources))
	}
	src := ds.Sources[0]
	want := kg.Source{ID: "source/civic-2021", Title: "青山社区新貌", Publisher: "红石街道", Date: "2021-05", Language: "zh", Rights: "test fixture"}
	if got := *src; got.Text == "" || (kg.Source{ID: got.ID, Title: got.Title, Publisher: got.Publisher, Date: got.Date, Language: got.Language, Rights: got.Rights}) != want {
		t.Errorf("source = %+v, want %+v with a text", got, want)
	}
	for _, s := range []string{"社区去年投入1200万元改造老旧小区", "惠及居民3.5万人", "王小梅任青山社区居委会主任", "新增就业岗位55个", "双双入选"} {
		if !strings.Contains(src.Text, s) {
			t.Errorf("normalised text lacks %q (undoubled runs, joined lines and genuine doubles):\n%s", s, src.Text)
		}
	}

	var ids []string
	kinds := map[kg.Kind]bool{}
	for _, e := range ds.Entities {
		ids = append(ids, e.ID)
		kinds[e.Kind] = true
	}
	wantIDs := []string{
		"honour/quanguo-youxiu-gongchandangyuan",
		"organization/qingshan-shequ-dangwei",
		"organization/qingshan-shequ-juweihui",
		"person/li-mingming",
		"person/wang-xiaomei",
		"place/hongshi-jiedao",
		"place/jiangdong-qu",
		"place/qingshan-shequ",
		"project/laojiu-xiaoqu-gaizao",
	}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("entities (sorted by id) = %v, want %v", ids, wantIDs)
	}
	if len(kinds) != 5 {
		t.Errorf("kinds = %v, want 5", kinds)
	}
	q := entity(t, ds, "place/qingshan-shequ")
	if q.Name != "青山社区" || !slices.Equal(q.Aliases, []string{"青山"}) || q.Pinyin != "Qingshan Shequ" || q.Category != "社区" {
		t.Errorf("place/qingshan-shequ = %+v", q)
	}
	jd := entity(t, ds, "place/jiangdong-qu")
	if !slices.Equal(jd.Identifiers, []kg.Identifier{{Scheme: "divisionCode", Value: "890101", Citation: "test fixture"}}) {
		t.Errorf("identifiers = %+v", jd.Identifiers)
	}

	// Relations in file order (entities/*.yaml sorted), qualifiers in the
	// order of kg.QualifierKeys.
	type rel struct {
		s, p, o string
		quals   []kg.Qualifier
		quotes  []string
	}
	wantRels := []rel{
		{"organization/qingshan-shequ-dangwei", "location", "place/qingshan-shequ", nil, []string{"红石街道青山社区党委"}},
		{"organization/qingshan-shequ-juweihui", "location", "place/qingshan-shequ", nil, []string{"任青山社区居委会主任"}},
		{"project/laojiu-xiaoqu-gaizao", "location", "place/qingshan-shequ", []kg.Qualifier{{Key: "time", Value: "2020", Inferred: true}}, []string{"社区去年投入1200万元改造老旧小区"}},
		{"person/wang-xiaomei", "leads", "organization/qingshan-shequ-dangwei", []kg.Qualifier{{Key: "role", Value: "党委书记"}}, []string{"青山社区党委书记王小梅"}},
		{"person/wang-xiaomei", "award", "honour/quanguo-youxiu-gongchandangyuan", nil, []string{"王小梅曾获全国优秀共产党员称号"}},
		{"person/wang-xiaomei", "worksFor", "organization/qingshan-shequ-juweihui", []kg.Qualifier{{Key: "time", Value: "2018/2020"}, {Key: "role", Value: "主任"}}, []string{"2018年至2020年，王小梅任青山社区居委会主任"}},
		{"person/li-mingming", "trainedBy", "person/wang-xiaomei", []kg.Qualifier{{Key: "time", Value: "2018/2020", Inferred: true}}, []string{"王小梅任青山社区居委会主任", "带出了李明明"}},
		{"place/hongshi-jiedao", "containedInPlace", "place/jiangdong-qu", nil, []string{"红石街道隶属于江东区"}},
		{"place/qingshan-shequ", "containedInPlace", "place/hongshi-jiedao", nil, []string{"青山社区位于红石街道"}},
	}
	if len(ds.Relations) != len(wantRels) {
		t.Fatalf("%d relations, want %d", len(ds.Relations), len(wantRels))
	}
	for i, r := range ds.Relations {
		w := wantRels[i]
		var quotes []string
		for _, ev := range r.Evidence {
			quotes = append(quotes, ev.Quote)
			checkEvidence(t, src.Text, ev)
		}
		if r.Subject != w.s || r.Predicate != w.p || r.Object != w.o || !slices.Equal(r.Qualifiers, w.quals) || !slices.Equal(quotes, w.quotes) {
			t.Errorf("relation %d = %s %s %s %v %q, want %+v", i, r.Subject, r.Predicate, r.Object, r.Qualifiers, quotes, w)
		}
	}

	for i, r := range ds.Relations {
		if want := i == 1; r.Inferred != want {
			t.Errorf("relation %d (%s %s %s): inferred %v, want %v", i, r.Subject, r.Predicate, r.Object, r.Inferred, want)
		}
	}

	// Offsets worked out by hand on the normalised text: the heading (4) and
	// its newline, then the first paragraph of 89 code points and a newline.
	hj := ds.Relations[8]
	if ev := hj.Evidence[0]; ev.Start != 95 || ev.End != 105 || ev.Source != "source/civic-2021" {
		t.Errorf("evidence of 青山社区位于红石街道 = %+v, want [95,105) in source/civic-2021", ev)
	}

	if n := ds.FigureCount(); n != 3 {
		t.Errorf("FigureCount = %d, want 3", n)
	}
	figs := ds.Figures["project/laojiu-xiaoqu-gaizao"]
	if len(figs) != 2 {
		t.Fatalf("figures of the project = %+v, want 2", figs)
	}
	inv := figs[0]
	if inv.Indicator != "投资" || inv.Stated != "1200万元" || inv.Value != 1200 || inv.Unit != "万元" || inv.Period != "2020" || !inv.PeriodInferred || inv.GrowthPercent != nil {
		t.Errorf("investment figure = %+v", inv)
	}
	if len(inv.Evidence) != 2 || inv.Evidence[0].Start != 35 || inv.Evidence[1].Start != 215 || inv.Evidence[1].End != 224 {
		t.Errorf("investment figure evidence = %+v, want two quotes at 35 and [215,224)", inv.Evidence)
	}
	for _, f := range append(figs, ds.Figures["place/qingshan-shequ"]...) {
		for _, ev := range f.Evidence {
			checkEvidence(t, src.Text, ev)
		}
	}
	if f := figs[1]; f.Value != 3.5 || f.Unit != "万人" || f.Period != "" || f.PeriodInferred {
		t.Errorf("residents figure = %+v", f)
	}
	if f := ds.Figures["place/qingshan-shequ"]; len(f) != 1 || f[0].Period != "2021-01/2021-03" || !f[0].PeriodInferred || f[0].Value != 55 {
		t.Errorf("jobs figure = %+v", f)
	}
}

func entity(t *testing.T, ds *loader.Dataset, id string) *kg.Entity {
	t.Helper()
	for _, e := range ds.Entities {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no entity %s", id)
	return nil
}

// checkEvidence checks that ev's offsets are code points of text holding its
// quote exactly once.
func checkEvidence(t testing.TB, text string, ev kg.Evidence) {
	t.Helper()
	rs := []rune(text)
	if ev.Start < 0 || ev.End > len(rs) || ev.Start >= ev.End {
		t.Errorf("evidence %q: offsets [%d,%d) outside the text of %d code points", ev.Quote, ev.Start, ev.End, len(rs))
		return
	}
	if got := string(rs[ev.Start:ev.End]); got != ev.Quote {
		t.Errorf("evidence %q: text[%d:%d] = %q", ev.Quote, ev.Start, ev.End, got)
	}
	q := []rune(ev.Quote)
	n := 0
	for i := 0; i+len(q) <= len(rs); i++ {
		if slices.Equal(rs[i:i+len(q)], q) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("evidence %q occurs %d times in the text, want once", ev.Quote, n)
	}
}

// TestDeterministic: two loads give the same quads in the same order and the
// same version, and no quad is listed twice.
func TestDeterministic(t *testing.T) {
	a, b := loadOK(t), loadOK(t)
	qa, qb := nquads(a.Quads()), nquads(b.Quads())
	if !slices.Equal(qa, qb) {
		t.Error("two loads of testdata/ok give different quads")
	}
	if a.Version() != b.Version() || a.Version() != a.Version() {
		t.Errorf("versions differ: %s, %s", a.Version(), b.Version())
	}
	if len(a.Version()) != 16 {
		t.Errorf("Version() = %q, want 16 hex digits", a.Version())
	}
	checkNoDuplicates(t, a.Quads())
	// Every relation is one statement: a quad with a stmt/ label.
	n := 0
	for _, q := range a.Quads() {
		if strings.HasPrefix(q.Predicate.String(), "<"+kg.RelPrefix) {
			n++
			if q.Label == nil {
				t.Errorf("relation quad %s has no statement label", q)
			}
		}
	}
	if n != len(a.Relations) {
		t.Errorf("%d relation quads, want %d", n, len(a.Relations))
	}
}

func nquads(qs []quad.Quad) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.NQuad()
	}
	return out
}

func checkNoDuplicates(t testing.TB, qs []quad.Quad) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range nquads(qs) {
		if seen[s] {
			t.Errorf("quad listed twice: %s", s)
		}
		seen[s] = true
	}
}

// TestInfoQuads: the dataset's info is stored on the graph node, one quad a
// field given; a field not given is no quad at all.
func TestInfoQuads(t *testing.T) {
	tests := []struct {
		name    string
		dataset string
		want    map[string]string
	}{
		{"AllFields", "", map[string]string{
			kg.AttrBase:        "https://w3id.org/civicgraph",
			kg.AttrTitle:       "青山社区测试图谱",
			kg.AttrTitleEn:     "civicgraph test: Qingshan community",
			kg.AttrDescription: "从一页虚构的社区简讯中提取的实体与关系，每条事实都附有原文引语。",
			kg.AttrDescEn:      "Entities and relations drawn from a made-up community page, each fact with its verbatim quote.",
			kg.AttrPublisher:   "civicgraph tests",
			kg.AttrLicense:     "https://creativecommons.org/licenses/by/4.0/",
			kg.AttrHomepage:    "https://github.com/civicgraph/civicgraph",
		}},
		{"Required", "base: http://example.org/kg\ntitle: 测试\ndescription: \"\"\n", map[string]string{
			kg.AttrBase:  "http://example.org/kg",
			kg.AttrTitle: "测试",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := dirFS(t, "testdata/ok")
			if tt.dataset != "" {
				fsys["dataset.yaml"] = &fstest.MapFile{Data: []byte(tt.dataset)}
			}
			ds, err := loader.Load(fsys, "d")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, q := range ds.Quads() {
				if q.Subject != quad.IRI(kg.GraphNode) {
					continue
				}
				p := string(q.Predicate.(quad.IRI))
				if _, dup := got[p]; dup {
					t.Errorf("%s given twice on the graph node", p)
				}
				got[p] = quad.ToString(q.Object)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("graph node attributes = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDatasetBase: a base IRI is absolute http(s) with a host and has no
// query, fragment or trailing slash, since entity IRIs are
// {base}/id/{kind}/{slug}.
func TestDatasetBase(t *testing.T) {
	tests := []struct {
		base string
		err  string // part of the error; "" for none
	}{
		{"https://w3id.org/civicgraph", ""},
		{"http://example.org", ""},
		{"https://example.org:8443/data/江北", ""},
		{"https://w3id.org/civicgraph/", "ends with a slash"},
		{"https://example.org/", "ends with a slash"},
		{"https://w3id.org/civicgraph?v=1", "has a query"},
		{"https://w3id.org/civicgraph?", "has a query"},
		{"https://w3id.org/civicgraph#", "has a fragment"},
		{"https://w3id.org/civicgraph#it", "has a fragment"},
		{"w3id.org/civicgraph", "want an absolute http or https IRI with a host"},
		{"/civicgraph", "want an absolute http or https IRI with a host"},
		{"https:///civicgraph", "want an absolute http or https IRI with a host"},
		{"urn:civicgraph", "want an absolute http or https IRI with a host"},
		{"ftp://example.org/civicgraph", "want an absolute http or https IRI with a host"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			fsys := dirFS(t, "testdata/ok")
			fsys["dataset.yaml"] = &fstest.MapFile{Data: []byte("base: " + tt.base + "\ntitle: 测试\n")}
			ds, err := loader.Load(fsys, "d")
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Load = %v, want no error", err)
				}
				if ds.Info.Base != tt.base {
					t.Errorf("base = %q, want %q", ds.Info.Base, tt.base)
				}
				return
			}
			if want := "d/dataset.yaml:1: base: "; err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Load = %v, want an error at %q saying %q", err, want, tt.err)
			}
		})
	}
}

// TestLoadVariants: the same data written differently loads into the same
// quads. Windows line endings and byte order marks (an editor's choice) and
// spaces around quoted strings (a slip) change nothing, offsets included.
func TestLoadVariants(t *testing.T) {
	want := nquads(loadOK(t).Quads())
	base := dirFS(t, "testdata/ok")
	for name, edit := range map[string]func(name string, b []byte) []byte{
		"CRLF": func(_ string, b []byte) []byte {
			return []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))
		},
		"BOM": func(_ string, b []byte) []byte {
			return append([]byte("\ufeff"), b...)
		},
		"padded quotes and aliases": func(name string, b []byte) []byte {
			if !strings.HasPrefix(name, "entities/") {
				return b
			}
			s := strings.ReplaceAll(string(b), "quotes: [红石街道隶属于江东区]", `quotes: ["  红石街道隶属于江东区 "]`)
			s = strings.ReplaceAll(s, "aliases: [青山]", `aliases: [" 青山"]`)
			return []byte(s)
		},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, f := range base {
				fsys[n] = &fstest.MapFile{Data: edit(n, f.Data)}
			}
			ds, err := loader.Load(fsys, "testdata/ok")
			if err != nil {
				t.Fatal(err)
			}
			if got := nquads(ds.Quads()); !slices.Equal(got, want) {
				t.Errorf("quads differ from testdata/ok's")
			}
		})
	}
}

// TestNonUTF8Source: a text in another encoding is refused, not turned into
// replacement characters that no quote can match.
func TestNonUTF8Source(t *testing.T) {
	fsys := dirFS(t, "testdata/ok")
	fsys["sources/civic-2021.txt"] = &fstest.MapFile{Data: []byte("\xc9\xe7\xc7\xf8")} // 社区 in GBK
	_, err := loader.Load(fsys, "d")
	want := "d/sources/civic-2021.yaml:4: file: d/sources/civic-2021.txt is not UTF-8 text"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v, want %q", err, want)
	}
}

func dirFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	copyFile(t, m, dir, "dataset.yaml")
	copyDir(t, m, dir, "sources")
	copyDir(t, m, dir, "entities")
	return m
}
