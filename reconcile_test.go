package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/reconcile/spectest"
)

// openRefine is a client that speaks to a reconciliation service as
// OpenRefine 3.x does: it reads the manifest once and builds every other
// URL from it, posts query batches and extensions as forms, and checks
// every answer against the 0.2 specification.
type openRefine struct {
	t        *testing.T
	service  string         // the URL a person added
	manifest map[string]any // as the service answered
}

// call sends a request and decodes its JSON answer; HTML is returned as a
// string.
func (c *openRefine) call(req *http.Request) any {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s: status %d: %s", req.Method, req.URL, resp.StatusCode, body)
	}
	if resp.Header.Get("X-Graph-Version") == "" {
		c.t.Errorf("%s %s: no X-Graph-Version", req.Method, req.URL)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		return string(body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.t.Fatalf("%s %s: %v: %s", req.Method, req.URL, err, body)
	}
	return v
}

func (c *openRefine) get(u string) any {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.call(req)
}

func (c *openRefine) post(field, value string) any {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.service, strings.NewReader(field+"="+url.QueryEscape(value)))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.call(req)
}

func (c *openRefine) conform(what string, errs []string) {
	c.t.Helper()
	for _, e := range errs {
		c.t.Errorf("%s violates the 0.2 specification: %s", what, e)
	}
}

// endpoint is service_url + service_path of a manifest entry.
func (c *openRefine) endpoint(path ...string) string {
	var m any = c.manifest
	for _, p := range path {
		m = m.(map[string]any)[p]
	}
	e := m.(map[string]any)
	return e["service_url"].(string) + e["service_path"].(string)
}

func (c *openRefine) template(field string) string {
	return c.manifest[field].(map[string]any)["url"].(string)
}

// TestReconcileOpenRefine plays OpenRefine's sequence against the real
// server: the manifest, a batch of queries, suggest, preview, property
// proposals and an extension, each answer conforming to the 0.2
// specification, with the top candidates and match flags the match rule
// gives.
func TestReconcileOpenRefine(t *testing.T) {
	m := MustRunMain(t)
	c := &openRefine{t: t, service: m.URL() + "/reconcile"}

	// 1. A person adds the service by its URL; OpenRefine reads the manifest.
	v := c.get(c.service)
	c.conform("the manifest", spectest.Manifest(v))
	c.manifest = v.(map[string]any)
	if c.manifest["identifierSpace"] != canonical+"/id/" {
		t.Errorf("identifierSpace %v, want %s/id/", c.manifest["identifierSpace"], canonical)
	}

	// 2. Reconciling a column posts batches of queries, q0, q1, ….
	cases := []struct {
		name, query string
		top         string // the first candidate's id; "" for none
		match       bool
	}{
		{"NameAliasUntyped", `{"query":"老马"}`, "person/ma-shanxiang", false},
		{"NameAliasPerson", `{"query":"老马","type":"person","type_strict":"should"}`, "person/ma-shanxiang", true},
		{"Typo", `{"query":"马善详"}`, "person/ma-shanxiang", false},
		{"Pinyin", `{"query":"ma shanxiang"}`, "person/ma-shanxiang", false},
		{"Initials", `{"query":"msx"}`, "person/ma-shanxiang", false},
		{"CompanyPrefix", `{"query":"智飞","type":"company","type_strict":"should"}`, "company/zhifei-shengwu", false},
		{"DivisionCode", `{"query":"江北区","type":"place","properties":[{"pid":"divisionCode","v":"500105"}]}`, "place/jiangbei-qu", true},
		{"DivisionCodeNingbo", `{"query":"江北区","type":"place","properties":[{"pid":"divisionCode","v":"330205"}]}`, "", false},
		{"AliasAndContainer", `{"query":"观音桥"}`, "place/guanyinqiao-jiedao", false},
		{"NoMatch", `{"query":"张三丰"}`, "", false},
		{"PersonByCommunity", `{"query":"陈远秀","type":"person","properties":[{"pid":"community","v":"红土地社区"}]}`, "person/chen-yuanxiu", true},
	}
	var batch []string
	for i, tc := range cases {
		batch = append(batch, `"q`+itoa(i)+`":`+tc.query)
	}
	queries := "{" + strings.Join(batch, ",") + "}"
	var q any
	if err := json.Unmarshal([]byte(queries), &q); err != nil {
		t.Fatal(err)
	}
	c.conform("OpenRefine's query batch", spectest.QueryBatch(q))
	results := c.post("queries", queries)
	c.conform("the result batch", spectest.ResultBatch(results))
	c.conform("the result batch", spectest.ResultsAnswer(q, results))
	for i, tc := range cases {
		t.Run("OK/"+tc.name, func(t *testing.T) {
			cands := results.(map[string]any)["q"+itoa(i)].(map[string]any)["result"].([]any)
			if tc.top == "" {
				if len(cands) > 0 {
					t.Errorf("%s: candidates %v, want none", tc.query, cands)
				}
				return
			}
			if len(cands) == 0 {
				t.Fatalf("%s: no candidates, want %s", tc.query, tc.top)
			}
			first := cands[0].(map[string]any)
			if first["id"] != tc.top || first["match"] != tc.match {
				t.Errorf("%s: first %v (match %v), want %s (match %v)", tc.query, first["id"], first["match"], tc.top, tc.match)
			}
		})
	}

	// 3. Searching for a match by hand: suggest, as the person types.
	for _, s := range []struct{ what, prefix, want string }{
		{"entity", "马善", "person/ma-shanxiang"},
		{"entity", "mashan", "person/ma-shanxiang"},
		{"type", "地", "place"},
		{"property", "获得荣誉", "award"},
	} {
		v := c.get(c.endpoint("suggest", s.what) + "?prefix=" + url.QueryEscape(s.prefix))
		check := map[string]func(any) []string{"entity": spectest.SuggestEntities, "type": spectest.SuggestTypes, "property": spectest.SuggestProperties}[s.what]
		c.conform("the "+s.what+" suggestions", check(v))
		res := v.(map[string]any)["result"].([]any)
		if len(res) == 0 || res[0].(map[string]any)["id"] != s.want {
			t.Errorf("suggest %s %q: %v, want %s first", s.what, s.prefix, res, s.want)
		}
	}

	// 4. Hovering a candidate shows its preview; clicking it opens its page.
	preview := c.get(strings.ReplaceAll(c.template("preview"), "{{id}}", "person/ma-shanxiang")).(string)
	if !strings.Contains(preview, "马善祥") || !strings.Contains(preview, "老马") {
		t.Errorf("preview lacks the name and alias:\n%s", preview)
	}
	page := c.get(strings.ReplaceAll(c.template("view"), "{{id}}", "person/ma-shanxiang")).(string)
	if !strings.Contains(page, "马善祥") {
		t.Error("the view page does not show the entity")
	}

	// 5. Add columns from reconciled values: proposals for the column's
	// type, then the extension.
	v = c.get(c.endpoint("extend", "propose_properties") + "?type=person")
	c.conform("the property proposal", spectest.PropertyProposal(v))
	var proposed []string
	for _, p := range v.(map[string]any)["properties"].([]any) {
		proposed = append(proposed, p.(map[string]any)["id"].(string))
	}
	for _, want := range []string{"award", "awardTime", "street", "worksFor"} {
		if !slices.Contains(proposed, want) {
			t.Errorf("proposals for person %v lack %s", proposed, want)
		}
	}
	ext := `{"ids":["person/ma-shanxiang","person/chen-yuanxiu"],"properties":[{"id":"award"},{"id":"awardTime"},{"id":"street"}]}`
	var eq any
	json.Unmarshal([]byte(ext), &eq)
	c.conform("OpenRefine's extension query", spectest.ExtendQuery(eq))
	v = c.post("extend", ext)
	c.conform("the extension", spectest.ExtendResponse(v))
	c.conform("the extension", spectest.ExtendAnswers(eq, v))
	rows := v.(map[string]any)["rows"].(map[string]any)
	ma := rows["person/ma-shanxiang"].(map[string]any)
	if n, nt := len(ma["award"].([]any)), len(ma["awardTime"].([]any)); n != 9 || nt != n {
		t.Errorf("马善祥: %d honours and %d times, want 9 on 9 rows", n, nt)
	}
	if got := ma["awardTime"].([]any)[1].(map[string]any)["str"]; got != "2013" {
		t.Errorf("马善祥's second honour's time %v, want 2013 (感动重庆十大人物)", got)
	}
	street := rows["person/chen-yuanxiu"].(map[string]any)["street"].([]any)
	if len(street) != 1 || street[0].(map[string]any)["id"] != "place/wulidian-jiedao" {
		t.Errorf("陈远秀's street %v, want 五里店街道", street)
	}
}

// TestReconcileCORS: the reconciliation routes are open to pages of any
// origin, for GET and form POST, preflight or not; /graphql still refuses
// a form.
func TestReconcileCORS(t *testing.T) {
	m := MustRunMain(t)
	const origin = "https://elsewhere.example"
	for _, path := range []string{"/reconcile", "/reconcile/suggest/entity?prefix=x", "/reconcile/preview?id=person/ma-shanxiang", "/reconcile/propose_properties?type=person"} {
		t.Run("OK"+path, func(t *testing.T) {
			resp, _ := httpDo(t, http.MethodGet, m.URL()+path, map[string]string{"Origin": origin})
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "X-Graph-Version") {
				t.Errorf("GET: %d %v", resp.StatusCode, resp.Header)
			}
		})
	}
	t.Run("OKPreflightPost", func(t *testing.T) {
		resp, _ := httpDo(t, http.MethodOptions, m.URL()+"/reconcile", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") {
			t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("OKFormPost", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/reconcile", strings.NewReader("queries="+url.QueryEscape(`{"q0":{"query":"老马"}}`)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("form POST: %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("ErrGraphQLForm", func(t *testing.T) {
		resp, err := http.PostForm(m.URL()+"/graphql", url.Values{"query": {"{ __typename }"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("form POST to /graphql: %d, want 415", resp.StatusCode)
		}
	})
	t.Run("ErrWriteMethod", func(t *testing.T) {
		resp, _ := httpDo(t, http.MethodOptions, m.URL()+"/reconcile", map[string]string{"Origin": origin, "Access-Control-Request-Method": "DELETE"})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight of DELETE allowed: %v", resp.Header)
		}
	})
}

// The limits are flags; a request over them is a 400 in the API's error
// shape, and the manifest's batchSize follows the flag.
func TestReconcileLimitFlags(t *testing.T) {
	m := MustRunMain(t, "-reconcile-max-queries", "2", "-reconcile-max-limit", "3")
	_, body := httpDo(t, http.MethodGet, m.URL()+"/reconcile", nil)
	if !strings.Contains(string(body), `"batchSize":2`) {
		t.Errorf("manifest %s, want batchSize 2", body)
	}
	for _, tc := range []struct{ name, queries, want string }{
		{"ErrBatch", `{"a":{"query":"x"},"b":{"query":"y"},"c":{"query":"z"}}`, "at most 2 queries"},
		{"ErrLimit", `{"a":{"query":"x","limit":4}}`, "at most 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.PostForm(m.URL()+"/reconcile", url.Values{"queries": {tc.queries}})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e struct{ Status, Message string }
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != http.StatusBadRequest || e.Status != "error" || !strings.Contains(e.Message, tc.want) {
				t.Errorf("%d %+v, want 400 saying %q", resp.StatusCode, e, tc.want)
			}
		})
	}
	t.Run("ErrFlag", func(t *testing.T) {
		if err := NewMain().ParseFlags([]string{"-reconcile-max-limit", "0"}, io.Discard); err == nil {
			t.Error("-reconcile-max-limit 0 accepted")
		}
	})
}
