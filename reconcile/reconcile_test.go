package reconcile_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/reconcile"
	"github.com/civicgraph/civicgraph/reconcile/spectest"
	"github.com/civicgraph/civicgraph/store"
)

const base = "https://w3id.org/civicgraph"

// MustServe serves the reconciliation routes over the built-in dataset in
// a memory store.
func MustServe(tb testing.TB, cfg reconcile.Config) *httptest.Server {
	tb.Helper()
	st, err := store.Open(context.Background(), "memory", func() (store.Source, error) { return loader.Load(data.FS, "data") })
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	cfg.Store, cfg.IRIs = st, kg.NewIRIs(base)
	srv := httptest.NewServer(reconcile.NewHandler(cfg))
	tb.Cleanup(srv.Close)
	return srv
}

// do sends a request and returns the response with its body decoded when
// it is JSON; every answer names its graph version.
func do(tb testing.TB, req *http.Request) (*http.Response, any) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.Header.Get("X-Graph-Version") == "" {
		tb.Errorf("%s %s: no X-Graph-Version", req.Method, req.URL)
	}
	var v any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &v); err != nil {
			tb.Fatalf("%s %s: %v in %s", req.Method, req.URL, err, body)
		}
	} else {
		v = string(body)
	}
	return resp, v
}

func get(tb testing.TB, u string) (*http.Response, any) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return do(tb, req)
}

func postForm(tb testing.TB, u string, form url.Values) (*http.Response, any) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(tb, req)
}

// mustConform fails on any violation of the specification.
func mustConform(tb testing.TB, what string, errs []string) {
	tb.Helper()
	for _, e := range errs {
		tb.Errorf("%s violates the 0.2 specification: %s", what, e)
	}
}

// reconcileBatch posts a batch, checks it and its answer against the
// specification, and returns the answer.
func reconcileBatch(tb testing.TB, srv *httptest.Server, batch string) map[string]any {
	tb.Helper()
	var q any
	if err := json.Unmarshal([]byte(batch), &q); err != nil {
		tb.Fatal(err)
	}
	mustConform(tb, "the test's query batch", spectest.QueryBatch(q))
	resp, v := postForm(tb, srv.URL+"/reconcile", url.Values{"queries": {batch}})
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	mustConform(tb, "the result batch", spectest.ResultBatch(v))
	mustConform(tb, "the result batch", spectest.ResultsAnswer(q, v))
	return v.(map[string]any)
}

// top is a result's candidates as id and match.
func top(r any) [][2]any {
	var out [][2]any
	for _, c := range r.(map[string]any)["result"].([]any) {
		m := c.(map[string]any)
		out = append(out, [2]any{m["id"], m["match"]})
	}
	return out
}

func TestManifest(t *testing.T) {
	srv := MustServe(t, reconcile.Config{MaxQueries: 7})
	resp, v := get(t, srv.URL+"/reconcile")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	mustConform(t, "the manifest", spectest.Manifest(v))
	m := v.(map[string]any)
	for _, tc := range []struct{ field, want string }{
		{"identifierSpace", base + "/id/"},
		{"schemaSpace", base + "/vocab/"},
	} {
		if m[tc.field] != tc.want {
			t.Errorf("%s = %v, want %s", tc.field, m[tc.field], tc.want)
		}
	}
	// The manifest's URLs are absolute, under the host the client used.
	urls := []string{
		m["view"].(map[string]any)["url"].(string),
		m["preview"].(map[string]any)["url"].(string),
	}
	for _, what := range []string{"entity", "type", "property"} {
		s := m["suggest"].(map[string]any)[what].(map[string]any)
		urls = append(urls, s["service_url"].(string)+s["service_path"].(string))
	}
	p := m["extend"].(map[string]any)["propose_properties"].(map[string]any)
	urls = append(urls, p["service_url"].(string)+p["service_path"].(string))
	for _, u := range urls {
		if !strings.HasPrefix(u, srv.URL+"/") {
			t.Errorf("URL %s is not under %s", u, srv.URL)
		}
	}
	if got := m["view"].(map[string]any)["url"]; got != srv.URL+"/id/{{id}}" {
		t.Errorf("view = %v, want the entity pages", got)
	}
	var types []string
	for _, dt := range m["defaultTypes"].([]any) {
		types = append(types, dt.(map[string]any)["id"].(string))
	}
	if want := []string{"person", "company", "organization", "place", "honour", "project", "document", "event"}; !slices.Equal(types, want) {
		t.Errorf("defaultTypes = %v, want the kinds %v", types, want)
	}
	if m["batchSize"] != 7.0 {
		t.Errorf("batchSize = %v, want -reconcile-max-queries", m["batchSize"])
	}
	// The service URL added with a trailing slash is the same service.
	if resp, v := get(t, srv.URL+"/reconcile/"); resp.StatusCode != http.StatusOK || v.(map[string]any)["identifierSpace"] != base+"/id/" {
		t.Errorf("/reconcile/: %d %v", resp.StatusCode, v)
	}
}

// The table of queries: the top candidates and the match flags
// the match rule gives (see "The match rule" in the package documentation).
func TestQueries(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	for _, tc := range []struct {
		name  string
		query string
		want  [][2]any // the first candidates (id, match)
		count int      // how many candidates at least (0: as many as want)
	}{
		{"OK/NameAlias", `{"query":"老马"}`, [][2]any{{"person/ma-shanxiang", false}}, 3},
		{"OK/NameAliasTyped", `{"query":"老马","type":"person"}`, [][2]any{{"person/ma-shanxiang", true}}, 0},
		{"OK/Typo", `{"query":"马善详"}`, [][2]any{{"person/ma-shanxiang", false}}, 1},
		{"OK/Pinyin", `{"query":"ma shanxiang"}`, [][2]any{{"person/ma-shanxiang", false}}, 1},
		{"OK/Initials", `{"query":"msx"}`, [][2]any{{"person/ma-shanxiang", false}}, 1},
		{"OK/PrefixTyped", `{"query":"智飞","type":"company"}`, [][2]any{{"company/zhifei-shengwu", false}}, 1},
		{"OK/ExactName", `{"query":"马善祥"}`, [][2]any{{"person/ma-shanxiang", true}}, 1},
		{"OK/DivisionCode", `{"query":"江北区","properties":[{"pid":"divisionCode","v":"500105"}]}`, [][2]any{{"place/jiangbei-qu", true}}, 0},
		{"OK/DivisionCodeTyped", `{"query":"江北区","type":"place","properties":[{"pid":"divisionCode","v":"500105"}]}`, [][2]any{{"place/jiangbei-qu", true}}, 0},
		{"OK/DivisionCodeOtherCity", `{"query":"江北区","properties":[{"pid":"divisionCode","v":"330205"}]}`, nil, 0},
		{"OK/DivisionCodeWrongType", `{"query":"江北区","type":"company","properties":[{"pid":"divisionCode","v":"500105"}]}`, nil, 0},
		{"OK/StockCodeBare", `{"query":"智飞","properties":[{"pid":"stockCode","v":"300122"}]}`, [][2]any{{"company/zhifei-shengwu", true}}, 0},
		{"OK/IdentifierOnly", `{"properties":[{"pid":"divisionCode","v":500105}]}`, [][2]any{{"place/jiangbei-qu", true}}, 0},
		{"OK/MalformedIdentifier", `{"query":"江北区","properties":[{"pid":"divisionCode","v":"abc"}]}`, nil, 0},
		{"OK/AliasAndContainer", `{"query":"观音桥"}`, [][2]any{{"place/guanyinqiao-jiedao", false}, {"place/guanyinqiao-shangquan", false}}, 0},
		{"OK/AliasAndContainerTyped", `{"query":"观音桥","type":"place"}`, [][2]any{{"place/guanyinqiao-jiedao", false}, {"place/guanyinqiao-shangquan", false}}, 0},
		{"OK/NoMatch", `{"query":"张三丰"}`, nil, 0},
		{"OK/ID", `{"query":"person/ma-shanxiang"}`, [][2]any{{"person/ma-shanxiang", true}}, 0},
		{"OK/IRI", `{"query":"` + base + `/id/person/ma-shanxiang"}`, [][2]any{{"person/ma-shanxiang", true}}, 0},
		{"OK/NotAName", `{"query":"` + strings.Repeat("长", 300) + `"}`, nil, 0},
		{"OK/Limit", `{"query":"老马","limit":2}`, [][2]any{{"person/ma-shanxiang", false}, {"project/laoma-gongzuofa", false}}, 0},
		{"OK/TypeList", `{"query":"老马","type":["person","organization"]}`, [][2]any{{"person/ma-shanxiang", false}, {"organization/laoma-gongzuoshi", false}}, 0},
		{"OK/ClassIRI", `{"query":"老马","type":"` + base + `/vocab/Person"}`, [][2]any{{"person/ma-shanxiang", true}}, 0},
		// A person by name and community: the condition holds through
		// residence and its containment, or through the place of what
		// the person leads; a failed one lowers the score and withholds
		// the auto-match.
		{"OK/CommunityResident", `{"query":"陈远秀","type":"person","properties":[{"pid":"community","v":"五里店街道"}]}`, [][2]any{{"person/chen-yuanxiu", true}}, 0},
		{"OK/CommunityReconciled", `{"query":"老马","type":"person","properties":[{"pid":"community","v":{"id":"place/guanyinqiao-jiedao","name":"观音桥街道"}}]}`, [][2]any{{"person/ma-shanxiang", true}}, 0},
		{"OK/CommunityElsewhere", `{"query":"陈远秀","type":"person","properties":[{"pid":"community","v":"鱼嘴镇"}]}`, [][2]any{{"person/chen-yuanxiu", false}}, 0},
		{"OK/Employer", `{"query":"张永忠","properties":[{"pid":"worksFor","v":"重庆长安汽车股份有限公司"}]}`, [][2]any{{"person/zhang-yongzhong", true}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := reconcileBatch(t, srv, `{"q0":`+tc.query+`}`)
			got := top(out["q0"])
			n := max(tc.count, len(tc.want))
			if len(got) < n || tc.count == 0 && len(got) != len(tc.want) {
				t.Fatalf("candidates %v, want %v (%d at least)", got, tc.want, n)
			}
			if !slices.Equal(got[:len(tc.want)], tc.want) {
				t.Errorf("candidates %v, want first %v", got, tc.want)
			}
			// At most one candidate matches, and it comes first.
			for i, c := range got {
				if c[1] == true && i > 0 {
					t.Errorf("candidate %d (%v) matches", i, c[0])
				}
			}
		})
	}
}

// The scores the documentation gives: by how the name matched, moved by
// conditions; features say why.
func TestScores(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	out := reconcileBatch(t, srv, `{
		"exact":{"query":"马善祥"},
		"alias":{"query":"老马","type":"person"},
		"prefix":{"query":"智飞","type":"company"},
		"pinyin":{"query":"msx"},
		"typo":{"query":"马善详"},
		"holds":{"query":"陈远秀","properties":[{"pid":"community","v":"红土地社区"}]},
		"fails":{"query":"陈远秀","properties":[{"pid":"community","v":"鱼嘴镇"},{"pid":"community","v":"五宝镇"}]}}`)
	for key, want := range map[string]float64{"exact": 100, "alias": 95, "prefix": 80, "pinyin": 60, "typo": 50, "holds": 110, "fails": 60} {
		first := out[key].(map[string]any)["result"].([]any)[0].(map[string]any)
		if first["score"] != want {
			t.Errorf("%s: score %v, want %v (features %v)", key, first["score"], want, first["features"])
		}
	}
	fails := out["fails"].(map[string]any)["result"].([]any)[0].(map[string]any)
	var ids []string
	for _, f := range fails["features"].([]any) {
		ids = append(ids, f.(map[string]any)["id"].(string))
	}
	if want := []string{"name", "name_exact", "community", "community_2"}; !slices.Equal(ids, want) {
		t.Errorf("features %v, want unique ids %v", ids, want)
	}
}

// GET ?queries= answers as POST does.
func TestQueriesByGet(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	batch := `{"q0":{"query":"老马","type":"person"}}`
	resp, v := get(t, srv.URL+"/reconcile?queries="+url.QueryEscape(batch))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	mustConform(t, "the result batch", spectest.ResultBatch(v))
	if got := top(v.(map[string]any)["q0"]); !slices.Equal(got, [][2]any{{"person/ma-shanxiang", true}}) {
		t.Errorf("candidates %v", got)
	}
}

// Bad input is a 400 (or the status the HTTP error names) in the API's
// error shape.
func TestErrors(t *testing.T) {
	srv := MustServe(t, reconcile.Config{MaxQueries: 2, MaxLimit: 5, MaxBody: 4096})
	form := func(k, v string) url.Values { return url.Values{k: {v}} }
	for _, tc := range []struct {
		name   string
		method string
		path   string
		form   url.Values
		ctype  string
		status int
		want   string // part of the message
	}{
		{"ErrMalformedJSON", "POST", "/reconcile", form("queries", `{"q0":{"query":"老马"}`), "", 400, "JSON object"},
		{"ErrNotAnObject", "POST", "/reconcile", form("queries", `["老马"]`), "", 400, "JSON object"},
		{"ErrTooManyQueries", "POST", "/reconcile", form("queries", `{"a":{"query":"x"},"b":{"query":"y"},"c":{"query":"z"}}`), "", 400, "at most 2"},
		{"ErrUnknownType", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","type":"robot"}}`), "", 400, `unknown type "robot"`},
		{"ErrUnknownProperty", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","properties":[{"pid":"shoeSize","v":"42"}]}}`), "", 400, `unknown property "shoeSize"`},
		{"ErrLimitTooLarge", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","limit":6}}`), "", 400, "at most 5"},
		{"ErrLimitZero", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","limit":0}}`), "", 400, "at least 1"},
		{"ErrLimitFraction", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","limit":1.5}}`), "", 400, "whole number"},
		{"ErrEmptyQuery", "POST", "/reconcile", form("queries", `{"q0":{}}`), "", 400, "non-empty query"},
		{"ErrUnknownField", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","lang":"zh"}}`), "", 400, `unknown field "lang"`},
		{"ErrTypeStrict", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","type_strict":"must"}}`), "", 400, "type_strict"},
		{"ErrConditionNoValue", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","properties":[{"pid":"community"}]}}`), "", 400, "pid and v"},
		{"ErrConditionNull", "POST", "/reconcile", form("queries", `{"q0":{"query":"x","properties":[{"pid":"community","v":null}]}}`), "", 400, "v must be"},
		{"ErrBoth", "POST", "/reconcile", url.Values{"queries": {`{}`}, "extend": {`{}`}}, "", 400, "not both"},
		{"ErrNoField", "POST", "/reconcile", form("q", "x"), "", 400, "queries"},
		{"ErrJSONBody", "POST", "/reconcile", nil, "application/json", 415, "form"},
		{"ErrBodyTooLarge", "POST", "/reconcile", form("queries", strings.Repeat("x", 5000)), "", 413, "over 4096"},
		{"ErrMethod", "DELETE", "/reconcile", nil, "", 405, "use GET or POST"},
		{"ErrExtendMalformed", "POST", "/reconcile", form("extend", `{"ids":[`), "", 400, "extension"},
		{"ErrExtendUnknownProperty", "POST", "/reconcile", form("extend", `{"ids":["person/ma-shanxiang"],"properties":[{"id":"shoeSize"}]}`), "", 400, `unknown property "shoeSize"`},
		{"ErrExtendTooManyIDs", "POST", "/reconcile", form("extend", `{"ids":["a","b","c"],"properties":[]}`), "", 400, "at most 2"},
		{"ErrExtendNoProperties", "POST", "/reconcile", form("extend", `{"ids":["a"]}`), "", 400, "ids and properties"},
		{"ErrProposeUnknownType", "GET", "/reconcile/propose_properties?type=robot", nil, "", 400, `unknown type "robot"`},
		{"ErrSuggestUnknownType", "GET", "/reconcile/suggest/entity?prefix=x&type=robot", nil, "", 400, `unknown type "robot"`},
		{"ErrSuggestCursor", "GET", "/reconcile/suggest/entity?prefix=x&cursor=-1", nil, "", 400, "cursor"},
		{"ErrSuggestLimit", "GET", "/reconcile/suggest/type?prefix=x&limit=6", nil, "", 400, "at most 5"},
		{"ErrSuggestUnknown", "GET", "/reconcile/suggest/honours?prefix=x", nil, "", 404, "entity, type or property"},
		{"ErrPreviewNoID", "GET", "/reconcile/preview", nil, "", 400, "?id="},
		{"ErrPreviewBadID", "GET", "/reconcile/preview?id=%3Cscript%3E", nil, "", 400, "not an entity id"},
		{"ErrPreviewUnknown", "GET", "/reconcile/preview?id=person/nobody", nil, "", 404, "no entity person/nobody"},
		{"ErrRoute", "GET", "/reconcile/flyout", nil, "", 404, "no such route"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.form != nil {
				body = strings.NewReader(tc.form.Encode())
			} else if tc.method == "POST" {
				body = strings.NewReader(`{"q0":{"query":"x"}}`)
			}
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			ct := tc.ctype
			if ct == "" && tc.method == "POST" {
				ct = "application/x-www-form-urlencoded"
			}
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			resp, v := do(t, req)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %v", resp.StatusCode, tc.status, v)
			}
			m, ok := v.(map[string]any)
			if !ok || m["status"] != "error" || len(m) != 2 {
				t.Fatalf("body %v, want {status: error, message}", v)
			}
			if msg, _ := m["message"].(string); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want it to say %q", msg, tc.want)
			}
		})
	}
}

// extend posts a data extension query, checks both against the
// specification, and returns the rows.
func extend(tb testing.TB, srv *httptest.Server, query string) (meta []any, rows map[string]any) {
	tb.Helper()
	var q any
	if err := json.Unmarshal([]byte(query), &q); err != nil {
		tb.Fatal(err)
	}
	mustConform(tb, "the test's extension query", spectest.ExtendQuery(q))
	resp, v := postForm(tb, srv.URL+"/reconcile", url.Values{"extend": {query}})
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	mustConform(tb, "the extension response", spectest.ExtendResponse(v))
	mustConform(tb, "the extension response", spectest.ExtendAnswers(q, v))
	m := v.(map[string]any)
	return m["meta"].([]any), m["rows"].(map[string]any)
}

// names lists the values of a cell list: an entity's name, a literal, or
// "" for an empty value.
func names(vals any) []string {
	var out []string
	for _, v := range vals.([]any) {
		m := v.(map[string]any)
		switch {
		case m["name"] != nil:
			out = append(out, m["name"].(string))
		case m["str"] != nil:
			out = append(out, m["str"].(string))
		default:
			out = append(out, "")
		}
	}
	return out
}

func TestExtend(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	meta, rows := extend(t, srv, `{"ids":["person/ma-shanxiang","person/chen-yuanxiu","place/hongtudi-shequ","company/zhifei-shengwu","place/jiangbei-qu","person/zhang-yongzhong","person/nobody","not an id"],
		"properties":[{"id":"award"},{"id":"awardTime"},{"id":"street"},{"id":"district"},{"id":"worksFor"},{"id":"stockCode"},{"id":"divisionCode"}]}`)
	if mt := meta[0].(map[string]any)["type"].(map[string]any); mt["id"] != "honour" {
		t.Errorf("award's type %v, want honour", mt)
	}
	for _, tc := range []struct {
		id, property string
		want         []string
	}{
		{"person/ma-shanxiang", "award", []string{"富民兴渝贡献奖特别奖", "感动重庆十大人物", "基层理论宣讲先进个人", "改革先锋", "全国敬业奉献模范", "全国时代楷模", "全国先进工作者", "全国优秀共产党员", "最美奋斗者"}},
		{"person/ma-shanxiang", "awardTime", []string{"2012/2014", "2013", "2020", "", "", "", "", "", ""}},
		{"person/ma-shanxiang", "street", nil},
		{"person/chen-yuanxiu", "street", []string{"五里店街道"}},
		{"person/chen-yuanxiu", "district", []string{"江北区"}},
		{"place/hongtudi-shequ", "street", []string{"五里店街道"}},
		{"place/hongtudi-shequ", "district", []string{"江北区"}},
		{"place/jiangbei-qu", "district", nil},
		{"place/jiangbei-qu", "divisionCode", []string{"500105"}},
		{"company/zhifei-shengwu", "district", []string{"江北区"}},
		{"company/zhifei-shengwu", "stockCode", []string{"300122.SZ"}},
		{"person/zhang-yongzhong", "worksFor", []string{"重庆长安汽车股份有限公司"}},
		{"person/nobody", "award", nil},
		{"not an id", "street", nil},
	} {
		t.Run("OK/"+tc.id+"/"+tc.property, func(t *testing.T) {
			got := names(rows[tc.id].(map[string]any)[tc.property])
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s of %s = %q, want %q", tc.property, tc.id, got, tc.want)
			}
		})
	}
	// The extension query's schema allows fields it does not name.
	t.Run("OK/ExtraField", func(t *testing.T) {
		_, rows := extend(t, srv, `{"ids":["place/hongtudi-shequ"],"properties":[{"id":"street","settings":{}}],"lang":"zh"}`)
		if got := names(rows["place/hongtudi-shequ"].(map[string]any)["street"]); !slices.Equal(got, []string{"五里店街道"}) {
			t.Errorf("street %v", got)
		}
	})
	// Entity values carry our ids: with the identifier space, our IRIs.
	first := rows["person/ma-shanxiang"].(map[string]any)["award"].([]any)[0].(map[string]any)
	if first["id"] != "honour/fumin-xingyu-gongxianjiang-tebiejiang" {
		t.Errorf("award value %v, want an honour's id", first)
	}
}

func TestPropose(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	for _, tc := range []struct {
		name, query string
		want, not   []string
	}{
		{"OK/Person", "type=person", []string{"award", "awardTime", "worksFor", "residentOf", "street", "district", "community", "wikidata"}, []string{"divisionCode", "stockCode", "containedInPlace"}},
		{"OK/Place", "type=place", []string{"award", "street", "district", "containedInPlace", "divisionCode"}, []string{"worksFor", "stockCode"}},
		{"OK/Company", "type=company", []string{"award", "location", "district", "stockCode", "creditCode"}, []string{"divisionCode"}},
		{"OK/NoType", "type=", []string{"award", "divisionCode", "stockCode"}, nil},
		{"OK/Limit", "type=person&limit=2", []string{"award", "awardTime"}, []string{"worksFor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := get(t, srv.URL+"/reconcile/propose_properties?"+tc.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %v", resp.StatusCode, v)
			}
			mustConform(t, "the proposal", spectest.PropertyProposal(v))
			var ids []string
			for _, p := range v.(map[string]any)["properties"].([]any) {
				ids = append(ids, p.(map[string]any)["id"].(string))
			}
			for _, w := range tc.want {
				if !slices.Contains(ids, w) {
					t.Errorf("proposes %v, lacking %s", ids, w)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(ids, n) {
					t.Errorf("proposes %s for %s", n, tc.query)
				}
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	checks := map[string]func(any) []string{"entity": spectest.SuggestEntities, "type": spectest.SuggestTypes, "property": spectest.SuggestProperties}
	for _, tc := range []struct {
		name, what, query string
		want              []string // the first ids
		not               []string
	}{
		{"OK/EntityPrefix", "entity", "prefix=马善", []string{"person/ma-shanxiang"}, nil},
		{"OK/EntityAlias", "entity", "prefix=老马", []string{"person/ma-shanxiang", "project/laoma-gongzuofa"}, nil},
		{"OK/EntityPinyin", "entity", "prefix=ma+shan", []string{"person/ma-shanxiang"}, nil},
		{"OK/EntityInitials", "entity", "prefix=msx", []string{"person/ma-shanxiang"}, nil},
		{"OK/EntityID", "entity", "prefix=place/hongtudi-shequ", []string{"place/hongtudi-shequ"}, nil},
		{"OK/EntityType", "entity", "prefix=老马&type=organization", []string{"organization/laoma-gongzuoshi"}, []string{"person/ma-shanxiang"}},
		{"OK/EntityCursor", "entity", "prefix=老马&cursor=1&limit=1", []string{"project/laoma-gongzuofa"}, []string{"person/ma-shanxiang"}},
		{"OK/EntityNoTypo", "entity", "prefix=马善详", nil, []string{"person/ma-shanxiang"}},
		{"OK/EntityEmpty", "entity", "prefix=", nil, []string{"person/ma-shanxiang"}},
		{"OK/TypeChinese", "type", "prefix=人", []string{"person"}, nil},
		{"OK/TypePinyin", "type", "prefix=ren", []string{"person"}, nil},
		{"OK/TypeEnglish", "type", "prefix=Pla", []string{"place"}, nil},
		{"OK/TypeAll", "type", "prefix=", []string{"person", "company", "organization"}, nil},
		{"OK/PropertyChinese", "property", "prefix=获得", []string{"award", "awardTime"}, nil},
		{"OK/PropertyInitials", "property", "prefix=hdry", []string{"award", "awardTime"}, nil},
		{"OK/PropertyEnglish", "property", "prefix=division", []string{"divisionCode"}, nil},
		{"OK/PropertyStreet", "property", "prefix=jiedao", []string{"street"}, nil},
		{"OK/PropertyForType", "property", "prefix=code&type=person", nil, []string{"divisionCode", "stockCode"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := get(t, srv.URL+"/reconcile/suggest/"+tc.what+"?"+tc.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %v", resp.StatusCode, v)
			}
			mustConform(t, "the suggest response", checks[tc.what](v))
			var ids []string
			for _, r := range v.(map[string]any)["result"].([]any) {
				ids = append(ids, r.(map[string]any)["id"].(string))
			}
			if len(ids) < len(tc.want) || !slices.Equal(ids[:len(tc.want)], tc.want) {
				t.Errorf("suggests %v, want first %v", ids, tc.want)
			}
			for _, n := range tc.not {
				if slices.Contains(ids, n) {
					t.Errorf("suggests %v, with %s", ids, n)
				}
			}
		})
	}
}

func TestPreview(t *testing.T) {
	srv := MustServe(t, reconcile.Config{})
	// OpenRefine fills {{id}} with the id, the specification with the id
	// encoded as a URI component: both are the same query parameter.
	for _, id := range []string{"person/ma-shanxiang", url.QueryEscape("person/ma-shanxiang")} {
		resp, v := get(t, srv.URL+"/reconcile/preview?id="+id)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		page := v.(string)
		for _, want := range []string{"<!DOCTYPE html>", "马善祥", "又名 老马", "人物 / person", "人民调解员", "获得荣誉", "等9项", `href="` + srv.URL + `/id/person/ma-shanxiang"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview lacks %q", want)
			}
		}
		if strings.Contains(page, "<script") {
			t.Error("the preview has a script")
		}
	}
	// Identifiers show; text from the data is escaped.
	_, v := get(t, srv.URL+"/reconcile/preview?id=company/zhifei-shengwu")
	if page := v.(string); !strings.Contains(page, "股票代码") || !strings.Contains(page, "300122.SZ") {
		t.Errorf("the preview of 智飞生物 lacks its stock code:\n%s", page)
	}
}
