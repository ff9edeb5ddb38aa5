package kg

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// IdentifierScheme is an outside list of codes that an entity may carry an
// identifier from: how a value is written, how it checks itself, where a
// page about it is, what it means and which reference list values are taken
// from. Everything the loader, the API and the public RDF know of a scheme
// is declared here, once.
type IdentifierScheme struct {
	Name           string // as written in the data and the API: divisionCode
	Label, LabelEn string // 行政区划代码 / administrative division code
	// Pattern is the written form, whole value; PatternDoc says it in words
	// for error messages and Example is one value of that form.
	Pattern    *regexp.Regexp
	PatternDoc string
	Example    string
	// Check verifies what the pattern cannot: a check character, or the
	// parts of a value agreeing with each other. Nil when there is nothing
	// to check; CheckDoc says what it checks.
	Check    func(value string) error
	CheckDoc string
	// URL is the template of a stable page about one value, "" when no such
	// page exists: {value} is the value, {code} its part before a "."
	// suffix. URLBySuffix replaces it for values ending in a suffix (a
	// stock code's page is at its exchange).
	URL         string
	URLBySuffix map[string]string
	// SameAs is the template of the IRI of the same thing in another
	// linked-data set, stated as owl:sameAs; "" when the scheme has none.
	SameAs string
	// Kinds are the kinds of entity the scheme names; all kinds when empty.
	Kinds     []Kind
	Meaning   string // what a value names, in English
	Reference string // the outside reference list values are taken from
	// normalize turns a value a person might type into the written form
	// where that is unambiguous, or says what is missing.
	normalize func(value string) (string, error)
}

// Sentinel errors of identifiers, checked with errors.Is.
var (
	ErrUnknownScheme = errors.New("unknown identifier scheme")
	ErrBadIdentifier = errors.New("malformed identifier")
)

// creditAlphabet is GB 32100's code character set: digits and the capital
// letters but I, O, S, V and Z, worth 0 to 30 in this order.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// The exchanges a stock code is written with, by suffix.
var exchanges = map[string]string{"SZ": "Shenzhen", "SH": "Shanghai", "BJ": "Beijing"}

// stockPrefixes are the first three digits of the A-share codes only one
// exchange assigns (SZSE: main board 000–003, ChiNext 300–301; SSE: main
// board 600, 601, 603, 605, STAR 688): a bare code with one of these names
// its exchange, any other bare code does not.
var stockPrefixes = map[string]string{
	"000": "SZ", "001": "SZ", "002": "SZ", "003": "SZ", "300": "SZ", "301": "SZ",
	"600": "SH", "601": "SH", "603": "SH", "605": "SH", "688": "SH",
}

// IdentifierSchemeTable declares every scheme, in the order documentation
// lists them.
var IdentifierSchemeTable = []IdentifierScheme{
	{
		Name:       "divisionCode",
		Label:      "行政区划代码",
		LabelEn:    "administrative division code",
		Pattern:    regexp.MustCompile(`^[1-8][0-9]{5}$`),
		PatternDoc: "six digits (GB/T 2260: province, city, county, two each)",
		Example:    "500105",
		CheckDoc:   "no check character; within its containing place's code (500105 under 500000), checked by the loader",
		Kinds:      []Kind{Place},
		Meaning:    "the GB/T 2260 code of a division at county level or above: a province or municipality (500000), a prefecture-level city, a county or district (500105)",
		Reference:  "中华人民共和国民政部《中华人民共和国县以上行政区划代码》",
	},
	{
		Name:       "stockCode",
		Label:      "股票代码",
		LabelEn:    "stock code",
		Pattern:    regexp.MustCompile(`^[0-9]{6}\.(SZ|SH|BJ)$`),
		PatternDoc: "six digits and the exchange: .SZ (Shenzhen), .SH (Shanghai) or .BJ (Beijing)",
		Example:    "000625.SZ",
		Check:      checkStock,
		CheckDoc:   "no check character; a code starting 000–003 or 300–301 is Shenzhen's, 600, 601, 603, 605 or 688 Shanghai's",
		URLBySuffix: map[string]string{
			".SZ": "https://www.szse.cn/certificate/individual/index.html?code={code}",
			".SH": "https://www.sse.com.cn/assortment/stock/list/info/company/index.shtml?COMPANY_CODE={code}",
		},
		Kinds:     []Kind{Company},
		Meaning:   "the code of a listed company's A shares on a Chinese stock exchange, written with the exchange",
		Reference: "上海证券交易所、深圳证券交易所、北京证券交易所上市公司名录",
		normalize: normalizeStock,
	},
	{
		Name:       "creditCode",
		Label:      "统一社会信用代码",
		LabelEn:    "unified social credit code",
		Pattern:    regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`),
		PatternDoc: "18 characters, digits and capitals but I, O, S, V and Z, the 3rd to 8th digits (GB 32100)",
		Example:    "91500105000000000J", // synthetic: check character computed, organisation code all zeros
		Check:      checkCredit,
		CheckDoc:   "the 18th character is GB 32100's check character of the first 17",
		Kinds:      []Kind{Company, Organization},
		Meaning:    "the unified social credit code of a legal person or other organisation, under GB 32100-2015",
		Reference:  "国家企业信用信息公示系统；全国组织机构统一社会信用代码数据服务中心",
		normalize:  upper,
	},
	{
		Name:       "wikidata",
		Label:      "维基数据项",
		LabelEn:    "Wikidata item",
		Pattern:    regexp.MustCompile(`^Q[1-9][0-9]*$`),
		PatternDoc: "Q and a number",
		Example:    "Q42",
		URL:        "https://www.wikidata.org/wiki/{value}",
		SameAs:     "http://www.wikidata.org/entity/{value}",
		Meaning:    "the Wikidata item about the same thing",
		Reference:  "Wikidata (https://www.wikidata.org)",
		normalize:  normalizeWikidata,
	},
}

// IdentifierSchemes are the names of IdentifierSchemeTable, in its order.
var IdentifierSchemes = func() []string {
	out := make([]string, len(IdentifierSchemeTable))
	for i, s := range IdentifierSchemeTable {
		out[i] = s.Name
	}
	return out
}()

// LookupScheme returns the scheme called name.
func LookupScheme(name string) (*IdentifierScheme, bool) {
	for i := range IdentifierSchemeTable {
		if IdentifierSchemeTable[i].Name == name {
			return &IdentifierSchemeTable[i], true
		}
	}
	return nil, false
}

func unknownScheme(name string) error {
	return fmt.Errorf("%w %q: want one of %s", ErrUnknownScheme, name, strings.Join(IdentifierSchemes, ", "))
}

// identError is a value's fault, wrapping ErrBadIdentifier; its message
// names the scheme and value, so it reads alone.
type identError struct{ msg string }

func (e *identError) Error() string { return e.msg }
func (e *identError) Unwrap() error { return ErrBadIdentifier }

func bad(scheme, value, format string, args ...any) error {
	return &identError{msg: fmt.Sprintf("%s %q: ", scheme, value) + fmt.Sprintf(format, args...)}
}

// ValidateIdentifier checks a value as the data must write it: the scheme
// known, the pattern, the check. A value written otherwise than its
// normalised form (a bare stock code) is an error naming that form.
func ValidateIdentifier(scheme, value string) error {
	s, ok := LookupScheme(scheme)
	if !ok {
		return unknownScheme(scheme)
	}
	return s.Validate(value)
}

// Validate checks value against the scheme's pattern and check.
func (s *IdentifierScheme) Validate(value string) error {
	if !s.Pattern.MatchString(value) {
		if s.normalize != nil {
			n, err := s.normalize(value)
			if err != nil {
				return err
			}
			if n != value && s.Pattern.MatchString(n) && (s.Check == nil || s.Check(n) == nil) {
				return bad(s.Name, value, "write it %s", n)
			}
		}
		return bad(s.Name, value, "want %s, like %s", s.PatternDoc, s.Example)
	}
	if s.Check != nil {
		return s.Check(value)
	}
	return nil
}

// Normalize turns a value as a person might give it into the written form
// and checks it: surrounding spaces go, a bare stock code gets its
// exchange where its range has only one (000625 → 000625.SZ, 600690 →
// 600690.SH; any other bare code is an error asking for the exchange), a
// credit code or Wikidata id is upper-cased, a Wikidata IRI becomes its id.
func Normalize(scheme, value string) (string, error) {
	s, ok := LookupScheme(scheme)
	if !ok {
		return "", unknownScheme(scheme)
	}
	v := strings.TrimSpace(value)
	if s.normalize != nil {
		var err error
		if v, err = s.normalize(v); err != nil {
			return "", err
		}
	}
	if err := s.Validate(v); err != nil {
		return "", err
	}
	return v, nil
}

func upper(v string) (string, error) { return strings.ToUpper(v), nil }

func normalizeWikidata(v string) (string, error) {
	for _, p := range []string{"http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/", "https://www.wikidata.org/wiki/", "http://www.wikidata.org/wiki/"} {
		v = strings.TrimPrefix(v, p)
	}
	return strings.ToUpper(v), nil
}

var bareStockRE = regexp.MustCompile(`^[0-9]{6}$`)

func normalizeStock(v string) (string, error) {
	v = strings.ToUpper(v)
	if !bareStockRE.MatchString(v) {
		return v, nil
	}
	if ex, ok := stockPrefixes[v[:3]]; ok {
		return v + "." + ex, nil
	}
	return "", bad("stockCode", v, "write it with its exchange, .SZ (Shenzhen), .SH (Shanghai) or .BJ (Beijing): only codes starting 000–003 or 300–301 (Shenzhen) and 600, 601, 603, 605 or 688 (Shanghai) name theirs")
}

func checkStock(v string) error {
	code, ex, _ := strings.Cut(v, ".")
	if want, ok := stockPrefixes[code[:3]]; ok && want != ex {
		return bad("stockCode", v, "codes starting %s are listed in %s, not %s: %s.%s", code[:3], exchanges[want], exchanges[ex], code, want)
	}
	return nil
}

// CreditCheckChar is the GB 32100 check character of the first 17
// characters of a unified social credit code: each character's value in
// creditAlphabet times the weight 3^i mod 31 (i from 0), summed; the check
// is worth 31 minus the sum mod 31, 0 for 31. It returns 0 when code is
// shorter than 17 characters or holds one outside the alphabet.
func CreditCheckChar(code string) byte {
	if len(code) < 17 {
		return 0
	}
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		n := strings.IndexByte(creditAlphabet, code[i])
		if n < 0 {
			return 0
		}
		sum += n * w
		w = w * 3 % 31
	}
	return creditAlphabet[(31-sum%31)%31]
}

func checkCredit(v string) error {
	if c := CreditCheckChar(v); c != v[17] {
		return bad("creditCode", v, "check character %c, want %c (GB 32100): a character is mistyped", v[17], c)
	}
	return nil
}

// AllowsKind reports whether the scheme names entities of kind k.
func (s *IdentifierScheme) AllowsKind(k Kind) bool {
	if len(s.Kinds) == 0 {
		return true
	}
	for _, x := range s.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// expand fills a template with a value.
func expand(tmpl, value string) string {
	code, _, _ := strings.Cut(value, ".")
	return strings.NewReplacer("{value}", value, "{code}", code).Replace(tmpl)
}

// URLOf is the page about value under the scheme, "" when there is none.
func (s *IdentifierScheme) URLOf(value string) string {
	for suffix, tmpl := range s.URLBySuffix {
		if strings.HasSuffix(value, suffix) {
			return expand(tmpl, value)
		}
	}
	if s.URL == "" {
		return ""
	}
	return expand(s.URL, value)
}

// URL is the page about the identifier's value, "" when its scheme has
// none (or is unknown).
func (id Identifier) URL() string {
	s, ok := LookupScheme(id.Scheme)
	if !ok {
		return ""
	}
	return s.URLOf(id.Value)
}

// SameAs is the IRI of the same thing in another linked-data set (the
// Wikidata entity), "" when the scheme has none.
func (id Identifier) SameAs() string {
	s, ok := LookupScheme(id.Scheme)
	if !ok || s.SameAs == "" {
		return ""
	}
	return expand(s.SameAs, id.Value)
}

// DivisionPrefix is the significant part of a GB/T 2260 code: the code
// without the trailing pairs of zeros of the levels below it (50 for
// 500000, 5001 for 500100, 500105 for 500105).
func DivisionPrefix(code string) string {
	for len(code) > 2 && strings.HasSuffix(code, "00") {
		code = code[:len(code)-2]
	}
	return code
}

// InDivision reports whether the division code lies within the division
// parent: it starts with the parent's prefix and is another code
// (500105 within 500000; 330205 is not).
func InDivision(code, parent string) bool {
	return code != parent && strings.HasPrefix(code, DivisionPrefix(parent))
}
