package kg_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
)

// Synthetic unified social credit codes: the organisation code is all
// zeros, which no organisation has, and the check character is computed by
// GB 32100's rule (kg.CreditCheckChar); the wrong ones change one character.
const (
	creditOK        = "91500105000000000J" // synthetic
	creditOKTop     = "91500105000000004Y" // synthetic, the check worth 30, the alphabet's last
	creditOKZero    = "9150010500000000R0" // synthetic, the weighted sum a multiple of 31
	creditBadCheck  = "91500105000000000K" // synthetic, check character J changed
	creditMistyped  = "91500105000000001J" // synthetic, 17th character changed
	creditForbidden = "91500105O00000000J" // O is not in the alphabet
)

func TestValidateIdentifier(t *testing.T) {
	tests := []struct {
		name, scheme, value string
		want                error  // nil: valid
		msg                 string // in the error's message
	}{
		{"OK/DivisionProvince", "divisionCode", "500000", nil, ""},
		{"OK/DivisionDistrict", "divisionCode", "500105", nil, ""},
		{"OK/DivisionNingboJiangbei", "divisionCode", "330205", nil, ""},
		{"ErrBadIdentifier/DivisionShort", "divisionCode", "50010", kg.ErrBadIdentifier, "want six digits"},
		{"ErrBadIdentifier/DivisionLetters", "divisionCode", "50010A", kg.ErrBadIdentifier, "like 500105"},
		{"ErrBadIdentifier/DivisionRegion0", "divisionCode", "000000", kg.ErrBadIdentifier, "want six digits"},
		{"ErrBadIdentifier/DivisionRegion9", "divisionCode", "999999", kg.ErrBadIdentifier, "want six digits"},

		{"OK/StockShenzhen", "stockCode", "000625.SZ", nil, ""},
		{"OK/StockChiNext", "stockCode", "300122.SZ", nil, ""},
		{"OK/StockShanghai", "stockCode", "600690.SH", nil, ""},
		{"OK/StockBeijing", "stockCode", "830799.BJ", nil, ""},
		{"ErrBadIdentifier/StockBare", "stockCode", "000625", kg.ErrBadIdentifier, "write it 000625.SZ"},
		{"ErrBadIdentifier/StockBareShanghai", "stockCode", "600690", kg.ErrBadIdentifier, "write it 600690.SH"},
		{"ErrBadIdentifier/StockBareAmbiguous", "stockCode", "830799", kg.ErrBadIdentifier, "write it with its exchange"},
		{"ErrBadIdentifier/StockWrongExchange", "stockCode", "600690.SZ", kg.ErrBadIdentifier, "listed in Shanghai, not Shenzhen: 600690.SH"},
		{"ErrBadIdentifier/StockLowerCase", "stockCode", "000625.sz", kg.ErrBadIdentifier, "write it 000625.SZ"},
		{"ErrBadIdentifier/StockUnknownExchange", "stockCode", "000625.HK", kg.ErrBadIdentifier, ".SZ (Shenzhen)"},
		{"ErrBadIdentifier/StockFiveDigits", "stockCode", "00625.SZ", kg.ErrBadIdentifier, "want six digits"},

		{"OK/Credit", "creditCode", creditOK, nil, ""},
		{"OK/CreditCheckTop", "creditCode", creditOKTop, nil, ""},
		{"OK/CreditCheckZero", "creditCode", creditOKZero, nil, ""},
		{"ErrBadIdentifier/CreditCheck", "creditCode", creditBadCheck, kg.ErrBadIdentifier, "check character K, want J"},
		{"ErrBadIdentifier/CreditMistyped", "creditCode", creditMistyped, kg.ErrBadIdentifier, "check character J, want M"},
		{"ErrBadIdentifier/CreditForbiddenLetter", "creditCode", creditForbidden, kg.ErrBadIdentifier, "but I, O, S, V and Z"},
		{"ErrBadIdentifier/CreditShort", "creditCode", creditOK[:17], kg.ErrBadIdentifier, "18 characters"},
		{"ErrBadIdentifier/CreditLowerCase", "creditCode", strings.ToLower(creditOK), kg.ErrBadIdentifier, "write it " + creditOK},

		{"OK/Wikidata", "wikidata", "Q42", nil, ""},
		{"ErrBadIdentifier/WikidataProperty", "wikidata", "P31", kg.ErrBadIdentifier, "Q and a number"},
		{"ErrBadIdentifier/WikidataLeadingZero", "wikidata", "Q042", kg.ErrBadIdentifier, "Q and a number"},
		{"ErrBadIdentifier/WikidataIRI", "wikidata", "http://www.wikidata.org/entity/Q42", kg.ErrBadIdentifier, "write it Q42"},

		{"ErrUnknownScheme", "uscc", creditOK, kg.ErrUnknownScheme, "want one of divisionCode, stockCode, creditCode, wikidata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := kg.ValidateIdentifier(tt.scheme, tt.value)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("ValidateIdentifier(%s, %q) = %v, want nil", tt.scheme, tt.value, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("ValidateIdentifier(%s, %q) = %v, want %v", tt.scheme, tt.value, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, scheme, value, want string
		err                       error
	}{
		{"OK/StockWritten", "stockCode", "000625.SZ", "000625.SZ", nil},
		{"OK/StockBareShenzhen", "stockCode", "000625", "000625.SZ", nil},
		{"OK/StockBareSME", "stockCode", "002001", "002001.SZ", nil},
		{"OK/StockBareChiNext", "stockCode", "300122", "300122.SZ", nil},
		{"OK/StockBareChiNext301", "stockCode", "301001", "301001.SZ", nil},
		{"OK/StockBareShanghai", "stockCode", "600690", "600690.SH", nil},
		{"OK/StockBareShanghai605", "stockCode", "605001", "605001.SH", nil},
		{"OK/StockBareSTAR", "stockCode", "688001", "688001.SH", nil},
		{"OK/StockSpacesAndCase", "stockCode", " 000625.sz ", "000625.SZ", nil},
		{"OK/Division", "divisionCode", " 500105", "500105", nil},
		{"OK/CreditLowerCase", "creditCode", strings.ToLower(creditOK), creditOK, nil},
		{"OK/WikidataIRI", "wikidata", "http://www.wikidata.org/entity/Q42", "Q42", nil},
		{"OK/WikidataPage", "wikidata", "https://www.wikidata.org/wiki/q42", "Q42", nil},
		{"ErrBadIdentifier/StockBareBShare", "stockCode", "200625", "", kg.ErrBadIdentifier},
		{"ErrBadIdentifier/StockBareBeijing", "stockCode", "830799", "", kg.ErrBadIdentifier},
		{"ErrBadIdentifier/StockBareFund", "stockCode", "510300", "", kg.ErrBadIdentifier},
		{"ErrBadIdentifier/StockWrongExchange", "stockCode", "000625.SH", "", kg.ErrBadIdentifier},
		{"ErrBadIdentifier/Division", "divisionCode", "5001050", "", kg.ErrBadIdentifier},
		{"ErrBadIdentifier/CreditCheck", "creditCode", creditBadCheck, "", kg.ErrBadIdentifier},
		{"ErrUnknownScheme", "isin", "CNE000000R36", "", kg.ErrUnknownScheme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := kg.Normalize(tt.scheme, tt.value)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || got != "" {
					t.Fatalf("Normalize(%s, %q) = %q, %v; want error %v", tt.scheme, tt.value, got, err, tt.err)
				}
				if tt.name == "ErrBadIdentifier/StockBareBeijing" && !strings.Contains(err.Error(), "write it with its exchange") {
					t.Errorf("error %q does not ask for the exchange", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%s, %q) = %q, %v; want %q", tt.scheme, tt.value, got, err, tt.want)
			}
		})
	}
}

// TestCreditCheckChar pins GB 32100's rule on codes whose sums were worked
// by hand: every character's value times 3^i mod 31, the check worth 31
// minus the sum mod 31.
func TestCreditCheckChar(t *testing.T) {
	tests := []struct {
		name, code string
		want       byte
	}{
		// 9·1 + 1·3 + 5·9 + 1·26 + 5·17 = 168 = 5·31 + 13; 31 − 13 = 18 → J.
		{"OK", "91500105000000000", 'J'},
		// All zeros: the sum is 0, (31 − 0) mod 31 = 0 → 0.
		{"OK/ZeroSum", "00000000000000000", '0'},
		// 168 + R (25) · 28 = 868 = 28 · 31 → 0.
		{"OK/SumMultipleOf31", "9150010500000000R", '0'},
		// 168 + 4 · 28 = 280 = 9 · 31 + 1; 31 − 1 = 30 → Y.
		{"OK/CheckY", "91500105000000004", 'Y'},
		// 1 in the last place, weight 3^16 mod 31 = 28: 31 − 28 = 3.
		{"OK/LastWeight", "00000000000000001", '3'},
		// Y (30) first, weight 1: 31 − 30 = 1.
		{"OK/TopLetter", "Y0000000000000000", '1'},
		{"ErrShort", "9150010500000000", 0},
		{"ErrOutsideAlphabet", "I1500105000000000", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kg.CreditCheckChar(tt.code); got != tt.want {
				t.Errorf("CreditCheckChar(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

// TestInDivision is the prefix rule: a place's code starts with its
// containing place's significant prefix. Ningbo's 江北区 (330205) is no
// place in Chongqing (500000), though it shares the name of ours (500105).
func TestInDivision(t *testing.T) {
	tests := []struct {
		name, code, parent string
		want               bool
		prefix             string // the parent's significant prefix
	}{
		{"OK/DistrictInMunicipality", "500105", "500000", true, "50"},
		{"OK/DistrictInCity", "330205", "330200", true, "3302"},
		{"OK/CityInProvince", "330200", "330000", true, "33"},
		{"ErrOutside/NingboJiangbeiNotInChongqing", "330205", "500000", false, "50"},
		{"ErrOutside/ChongqingJiangbeiNotInNingbo", "500105", "330200", false, "3302"},
		{"ErrOutside/OtherCity", "500205", "500100", false, "5001"},
		{"ErrOutside/Itself", "500105", "500105", false, "500105"},
		{"ErrOutside/HigherLevel", "500000", "500105", false, "500105"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kg.DivisionPrefix(tt.parent); got != tt.prefix {
				t.Errorf("DivisionPrefix(%s) = %s, want %s", tt.parent, got, tt.prefix)
			}
			if got := kg.InDivision(tt.code, tt.parent); got != tt.want {
				t.Errorf("InDivision(%s, %s) = %v, want %v", tt.code, tt.parent, got, tt.want)
			}
		})
	}
}

func TestIdentifierURL(t *testing.T) {
	tests := []struct {
		name      string
		id        kg.Identifier
		url, same string
	}{
		{"OK/Shenzhen", kg.Identifier{Scheme: "stockCode", Value: "000625.SZ"}, "https://www.szse.cn/certificate/individual/index.html?code=000625", ""},
		{"OK/Shanghai", kg.Identifier{Scheme: "stockCode", Value: "600690.SH"}, "https://www.sse.com.cn/assortment/stock/list/info/company/index.shtml?COMPANY_CODE=600690", ""},
		{"OK/Wikidata", kg.Identifier{Scheme: "wikidata", Value: "Q42"}, "https://www.wikidata.org/wiki/Q42", "http://www.wikidata.org/entity/Q42"},
		{"OK/NoPageBeijing", kg.Identifier{Scheme: "stockCode", Value: "830799.BJ"}, "", ""},
		{"OK/NoPageDivision", kg.Identifier{Scheme: "divisionCode", Value: "500105"}, "", ""},
		{"OK/NoPageCredit", kg.Identifier{Scheme: "creditCode", Value: creditOK}, "", ""},
		{"ErrUnknownScheme", kg.Identifier{Scheme: "isin", Value: "x"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.id.URL(); got != tt.url {
				t.Errorf("URL() = %q, want %q", got, tt.url)
			}
			if got := tt.id.SameAs(); got != tt.same {
				t.Errorf("SameAs() = %q, want %q", got, tt.same)
			}
		})
	}
}

// TestIdentifierSchemeTable checks that every scheme is declared whole and
// that its example is valid by its own rules.
func TestIdentifierSchemeTable(t *testing.T) {
	if want := []string{"divisionCode", "stockCode", "creditCode", "wikidata"}; !slices.Equal(kg.IdentifierSchemes, want) {
		t.Errorf("IdentifierSchemes = %v, want %v", kg.IdentifierSchemes, want)
	}
	for _, s := range kg.IdentifierSchemeTable {
		t.Run("OK/"+s.Name, func(t *testing.T) {
			if s.Label == "" || s.LabelEn == "" || s.Pattern == nil || s.PatternDoc == "" || s.CheckDoc == "" && s.Check != nil || s.Meaning == "" || s.Reference == "" {
				t.Errorf("scheme %s is not declared whole: %+v", s.Name, s)
			}
			if err := s.Validate(s.Example); err != nil {
				t.Errorf("example: %v", err)
			}
			if got, ok := kg.LookupScheme(s.Name); !ok || got.Name != s.Name {
				t.Errorf("LookupScheme(%s) = %v, %v", s.Name, got, ok)
			}
		})
	}
	t.Run("OK/Kinds", func(t *testing.T) {
		d, _ := kg.LookupScheme("divisionCode")
		w, _ := kg.LookupScheme("wikidata")
		if !d.AllowsKind(kg.Place) || d.AllowsKind(kg.Company) || !w.AllowsKind(kg.Person) {
			t.Error("divisionCode names places only, wikidata any kind")
		}
	})
}

// TestEntityIdentifierRDF: an identifier is a schema:PropertyValue with its
// citation, schema:url where its scheme has a page per value, and a
// Wikidata id makes the entity owl:sameAs the Wikidata entity.
func TestEntityIdentifierRDF(t *testing.T) {
	m := kg.Model{IRIs: kg.NewIRIs("https://w3id.org/civicgraph")}
	const (
		schemaURL = kg.NSSchema + "url"
		sameAs    = kg.NSOWL + "sameAs"
	)
	tests := []struct {
		name string
		e    *kg.Entity
		want map[string]string // predicate → object IRI, on the node given by the key's subject
		none []string          // predicates that must not occur
	}{
		{"OK/StockURL", &kg.Entity{ID: "company/changan-qiche", Kind: kg.Company, Name: "长安汽车",
			Identifiers: []kg.Identifier{{Scheme: "stockCode", Value: "000625.SZ", Citation: "深圳证券交易所上市公司名录"}}},
			map[string]string{schemaURL: "https://www.szse.cn/certificate/individual/index.html?code=000625"}, []string{sameAs}},
		{"OK/WikidataSameAs", &kg.Entity{ID: "place/somewhere", Kind: kg.Place, Name: "某地",
			// Synthetic: Q42 is no place; only the mapping is under test.
			Identifiers: []kg.Identifier{{Scheme: "wikidata", Value: "Q42", Citation: "Wikidata"}}},
			map[string]string{schemaURL: "https://www.wikidata.org/wiki/Q42", sameAs: "http://www.wikidata.org/entity/Q42"}, nil},
		{"OK/DivisionNoURL", &kg.Entity{ID: "place/jiangbei-qu", Kind: kg.Place, Name: "江北区",
			Identifiers: []kg.Identifier{{Scheme: "divisionCode", Value: "500105", Citation: "民政部"}}},
			nil, []string{schemaURL, sameAs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entity := m.IRIs.Entity(tt.e.ID)
			node := m.IdentifierIRI(tt.e.ID, tt.e.Identifiers[0])
			got := map[string]string{}
			typed := false
			for _, q := range m.Entity(tt.e) {
				switch {
				case q.S.Value == node && q.P.Value == schemaURL, q.S.Value == entity && q.P.Value == sameAs:
					if !q.O.IsIRI() {
						t.Errorf("%s is a literal, want an IRI", q.P.Value)
					}
					got[q.P.Value] = q.O.Value
				case q.S.Value == node && q.P.Value == kg.NSRDF+"type" && q.O.Value == kg.NSSchema+"PropertyValue":
					typed = true
				case q.P.Value == schemaURL || q.P.Value == sameAs:
					t.Errorf("%s on %s, want it on the identifier (url) or the entity (sameAs)", q.P.Value, q.S.Value)
				}
			}
			if !typed {
				t.Error("no schema:PropertyValue")
			}
			for p, o := range tt.want {
				if got[p] != o {
					t.Errorf("%s = %q, want %q", p, got[p], o)
				}
			}
			for _, p := range tt.none {
				if _, ok := got[p]; ok {
					t.Errorf("%s = %q, want none", p, got[p])
				}
			}
		})
	}
}
