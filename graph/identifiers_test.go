package graph_test

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
)

const changan = "company/chongqing-changan-qiche-gufen-youxian-gongsi"

// TestEntityByIdentifier: 500105 is our 江北区; Ningbo's 江北区, 330205,
// matches nothing here; a bare stock code finds what its written form
// finds; an unknown scheme or a malformed value is the client's error.
func TestEntityByIdentifier(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, scheme, value string
		wantID, wantName    string // "" with no code: null
		code, msg           string // the error's code and a part of its message
	}{
		{name: "OK/Jiangbei", scheme: "divisionCode", value: "500105", wantID: "place/jiangbei-qu", wantName: "江北区"},
		{name: "OK/Chongqing", scheme: "divisionCode", value: "500000", wantID: "place/chongqing-shi", wantName: "重庆市"},
		{name: "OK/NingboJiangbeiNull", scheme: "divisionCode", value: "330205"},
		{name: "OK/StockWritten", scheme: "stockCode", value: "000625.SZ", wantID: changan, wantName: "重庆长安汽车股份有限公司"},
		{name: "OK/StockBare", scheme: "stockCode", value: "000625", wantID: changan, wantName: "重庆长安汽车股份有限公司"},
		{name: "OK/StockBareChiNext", scheme: "stockCode", value: "300122", wantID: "company/zhifei-shengwu", wantName: "智飞生物"},
		{name: "OK/StockBareShanghai", scheme: "stockCode", value: "600690", wantID: "company/haier-zhijia", wantName: "海尔智家"},
		{name: "OK/StockUnknownNull", scheme: "stockCode", value: "000001.SZ"},
		// Synthetic: well formed, its check character computed, nobody's.
		{name: "OK/CreditUnknownNull", scheme: "creditCode", value: "91500105000000000J"},
		{name: "OK/WikidataUnknownNull", scheme: "wikidata", value: "Q42"},
		{name: "ErrBadScheme", scheme: "uscc", value: "500105", code: "BAD_USER_INPUT", msg: "want one of divisionCode, stockCode, creditCode, wikidata"},
		{name: "ErrMalformedDivision", scheme: "divisionCode", value: "5001", code: "BAD_USER_INPUT", msg: "want six digits"},
		{name: "ErrBareStockAmbiguous", scheme: "stockCode", value: "830799", code: "BAD_USER_INPUT", msg: "write it with its exchange"},
		{name: "ErrWrongExchange", scheme: "stockCode", value: "000625.SH", code: "BAD_USER_INPUT", msg: "listed in Shenzhen"},
		{name: "ErrCreditCheck", scheme: "creditCode", value: "91500105000000000K", code: "BAD_USER_INPUT", msg: "check character K, want J"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				EntityByIdentifier *struct{ ID, Name string }
			}
			errs := query(t, c, `query($s: String!, $v: String!) { entityByIdentifier(scheme: $s, value: $v) { id name } }`, &resp,
				client.Var("s", tt.scheme), client.Var("v", tt.value))
			if tt.code != "" {
				if len(errs) != 1 || errs[0].Extensions["code"] != tt.code || !strings.Contains(errs[0].Message, tt.msg) {
					t.Fatalf("errors %+v, want one %s saying %q", errs, tt.code, tt.msg)
				}
				if resp.EntityByIdentifier != nil {
					t.Errorf("got %+v along with the error, want null", resp.EntityByIdentifier)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("query failed: %+v", errs)
			}
			switch got := resp.EntityByIdentifier; {
			case tt.wantID == "" && got != nil:
				t.Errorf("got %+v, want null", got)
			case tt.wantID != "" && (got == nil || got.ID != tt.wantID || got.Name != tt.wantName):
				t.Errorf("got %+v, want %s %s", got, tt.wantID, tt.wantName)
			}
		})
	}
}

// TestIdentifierFields: each identifier with its scheme, written value,
// the page about it where the scheme has one, and its citation.
func TestIdentifierFields(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, entity, scheme, value string
		url                         *string
		citation                    string
	}{
		{"OK/StockShenzhen", changan, "stockCode", "000625.SZ", ptr("https://www.szse.cn/certificate/individual/index.html?code=000625"), "深圳证券交易所"},
		{"OK/StockShanghai", "company/haier-zhijia", "stockCode", "600690.SH", ptr("https://www.sse.com.cn/assortment/stock/list/info/company/index.shtml?COMPANY_CODE=600690"), "上海证券交易所"},
		{"OK/DivisionNoURL", "place/jiangbei-qu", "divisionCode", "500105", nil, "行政区划代码"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity struct {
					Identifiers []struct {
						Scheme, Value, Citation string
						URL                     *string
					}
				}
			}
			mustQuery(t, c, `query($id: ID!) { entity(id: $id) { identifiers { scheme value url citation } } }`, &resp, client.Var("id", tt.entity))
			found := false
			for _, id := range resp.Entity.Identifiers {
				if id.Scheme != tt.scheme {
					continue
				}
				found = true
				if id.Value != tt.value || !strings.Contains(id.Citation, tt.citation) {
					t.Errorf("%s %s cited %q, want %s cited from %s", id.Scheme, id.Value, id.Citation, tt.value, tt.citation)
				}
				if (id.URL == nil) != (tt.url == nil) || id.URL != nil && *id.URL != *tt.url {
					t.Errorf("url %v, want %v", deref(id.URL), deref(tt.url))
				}
			}
			if !found {
				t.Errorf("no %s identifier on %s: %+v", tt.scheme, tt.entity, resp.Entity.Identifiers)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
