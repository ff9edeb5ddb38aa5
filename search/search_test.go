package search_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
)

// TestSearch is the table of what users type and what must come first.
func TestSearch(t *testing.T) {
	ix := mustRealIndex(t)
	tests := []struct {
		name    string
		text    string
		kinds   []kg.Kind
		first   int
		top     []string // the first hits' ids, in order
		how     search.MatchKind
		matched string   // what the first hit matched
		all     []string // ids that must be among the hits, in any order
	}{
		{name: "OKExactName", text: "马善祥", top: []string{"person/ma-shanxiang"}, how: search.Exact, matched: "马善祥"},
		{name: "OKAlias", text: "老马", top: []string{"person/ma-shanxiang"}, how: search.Alias, matched: "老马",
			all: []string{"organization/laoma-gongzuoshi", "project/laoma-gongzuofa", "document/laoma-gongzuofa-book", "document/laoma-biji", "project/laoma-sanshiliu-ce"}},
		{name: "OKSubstring", text: "金融博物馆", top: []string{"organization/chongqing-jinrong-bowuguan"}, how: search.Substring, matched: "重庆金融博物馆"},
		{name: "OKPinyinSpaced", text: "ma shanxiang", top: []string{"person/ma-shanxiang"}, how: search.Pinyin, matched: "马善祥"},
		{name: "OKPinyinJoined", text: "mashanxiang", top: []string{"person/ma-shanxiang"}, how: search.Pinyin, matched: "马善祥"},
		{name: "OKPinyinInitials", text: "msx", top: []string{"person/ma-shanxiang"}, how: search.Pinyin, matched: "马善祥"},
		{name: "OKPinyinCase", text: "Ma ShanXiang", top: []string{"person/ma-shanxiang"}, how: search.Pinyin},
		{name: "OKPinyinInitialsCase", text: "MSX", top: []string{"person/ma-shanxiang"}, how: search.Pinyin},
		{name: "OKPinyinToneMarks", text: "Mǎ Shànxiáng", top: []string{"person/ma-shanxiang"}, how: search.Pinyin},
		{name: "OKPinyinGivenName", text: "shanxiang", top: []string{"person/ma-shanxiang"}, how: search.Pinyin},
		{name: "OKPinyinTypo", text: "mashanxaing", top: []string{"person/ma-shanxiang"}, how: search.Fuzzy},
		{name: "OKPinyinTypoDropped", text: "mashanxian", top: []string{"person/ma-shanxiang"}, how: search.Pinyin}, // a prefix of the spelling
		{name: "OKPinyinTypoExtra", text: "mashanxiangg", top: []string{"person/ma-shanxiang"}, how: search.Fuzzy},
		{name: "OKMixed", text: "马shanxiang", top: []string{"person/ma-shanxiang"}, how: search.Pinyin},
		{name: "OKMixedPlace", text: "重庆jinrong", top: []string{"organization/chongqing-jinrong-bowuguan"}, how: search.Pinyin},
		{name: "OKHomophoneTypo", text: "马善详", top: []string{"person/ma-shanxiang"}, how: search.Fuzzy, matched: "马善祥"},
		{name: "OKOneCharTypo", text: "马喜祥", top: []string{"person/ma-shanxiang"}, how: search.Fuzzy},
		{name: "OKOneCharMissing", text: "重庆金融博馆", top: []string{"organization/chongqing-jinrong-bowuguan"}, how: search.Fuzzy},
		{name: "OKOneCharExtra", text: "红土地地社区", top: []string{"place/hongtudi-shequ"}, how: search.Fuzzy},
		{name: "OKSwapped", text: "红地土社区", top: []string{"place/hongtudi-shequ"}, how: search.Fuzzy},
		{name: "OKAmbiguousShort", text: "长安", how: search.Prefix,
			all: []string{"company/chongqing-changan-qiche-gufen-youxian-gongsi", "honour/changan-bei", "organization/changan-quanqiu-yanfa-zhongxin"}},
		{name: "OKAmbiguousPinyin", text: "chang'an", how: search.Pinyin,
			all: []string{"company/chongqing-changan-qiche-gufen-youxian-gongsi", "honour/changan-bei", "organization/changan-quanqiu-yanfa-zhongxin"}},
		{name: "OKPolyphoneOverride", text: "chongqing", top: []string{"place/chongqing-shi"}, how: search.Pinyin, matched: "重庆"},
		{name: "OKPolyphoneWrongReadingIsTypo", text: "zhongqing", top: []string{"place/chongqing-shi"}, how: search.Fuzzy},
		{name: "OKAliasPrefix", text: "长安汽", top: []string{"company/chongqing-changan-qiche-gufen-youxian-gongsi"}, how: search.Prefix, matched: "长安汽车"},
		{name: "OKQuotesIgnored", text: "三联工作法", top: []string{"project/sanlian-gongzuofa"}, how: search.Exact, matched: "“三联”工作法"},
		{name: "OKFullWidth", text: "智能+5G", top: []string{"organization/zhineng-5g-hulian-gongchang"}, how: search.Prefix},
		{name: "OKLatinAlias", text: "cosmoplat", top: []string{"project/cosmoplat-daguimo-dingzhi-moshi"}, how: search.Alias},
		{name: "OKDigits", text: "3441", top: []string{"project/3441-baozhang-zhidu"}, how: search.Alias},
		{name: "OKOneChar", text: "马", top: []string{"person/ma-shanxiang"}, how: search.Prefix, all: []string{"place/shimahe"}},
		{name: "OKPlaceInitials", text: "gyq", top: []string{"place/guanyinqiao-jiedao"}, how: search.Pinyin, matched: "观音桥"},
		{name: "OKKinds", text: "长安", kinds: []kg.Kind{kg.Honour}, top: []string{"honour/changan-bei"}, how: search.Prefix},
		{name: "OKKindsSeveral", text: "老马", kinds: []kg.Kind{kg.Document, kg.Organization}, how: search.Prefix,
			all: []string{"document/laoma-gongzuofa-book", "document/laoma-biji", "organization/laoma-gongzuoshi"}},
		{name: "OKFirst", text: "老马", first: 2, top: []string{"person/ma-shanxiang"}, how: search.Alias},
		{name: "OKSurroundingSpace", text: "  马善祥\u3000", top: []string{"person/ma-shanxiang"}, how: search.Exact},
		{name: "OKZeroWidth", text: "马\u200b善祥", top: []string{"person/ma-shanxiang"}, how: search.Exact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.first
			if first == 0 {
				first = 20
			}
			hits, err := ix.Search(tt.text, tt.kinds, first)
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.text, err)
			}
			if len(hits) == 0 {
				t.Fatalf("Search(%q): no hits", tt.text)
			}
			if len(hits) > first {
				t.Errorf("Search(%q): %d hits, want at most %d", tt.text, len(hits), first)
			}
			ids := make([]string, len(hits))
			for i, h := range hits {
				ids[i] = h.ID
			}
			if len(tt.top) > 0 && !slices.Equal(ids[:min(len(ids), len(tt.top))], tt.top) {
				t.Errorf("Search(%q) = %v, want %v first", tt.text, describe(hits), tt.top)
			}
			if hits[0].How != tt.how {
				t.Errorf("Search(%q): first hit matched %s, want %s (%v)", tt.text, hits[0].How, tt.how, describe(hits))
			}
			if tt.matched != "" && hits[0].Matched != tt.matched {
				t.Errorf("Search(%q): first hit matched %q, want %q", tt.text, hits[0].Matched, tt.matched)
			}
			for _, id := range tt.all {
				if !slices.Contains(ids, id) {
					t.Errorf("Search(%q) = %v, want %s among them", tt.text, describe(hits), id)
				}
			}
			if len(tt.kinds) > 0 {
				for _, id := range ids {
					k, _, _ := kg.ParseID(id)
					if !slices.Contains(tt.kinds, k) {
						t.Errorf("Search(%q, %v) returned %s", tt.text, tt.kinds, id)
					}
				}
			}
			checkOrder(t, tt.text, hits)
		})
	}
}

// checkOrder checks the invariants of every result list: best first, each
// entity once, match kinds in their documented order.
func checkOrder(t *testing.T, text string, hits []search.Hit) {
	t.Helper()
	seen := map[string]bool{}
	for i, h := range hits {
		if seen[h.ID] {
			t.Errorf("Search(%q): %s twice", text, h.ID)
		}
		seen[h.ID] = true
		if h.Matched == "" {
			t.Errorf("Search(%q): %s matched nothing", text, h.ID)
		}
		if i > 0 {
			p := hits[i-1]
			if p.Score < h.Score || p.How > h.How {
				t.Errorf("Search(%q): %v before %v", text, p, h)
			}
		}
	}
}

func describe(hits []search.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID + " " + h.How.String() + " " + h.Matched
	}
	return out
}

// TestSearchBadInput: input that cannot be a name is ErrBadQuery, never a
// crash; text that is valid but matches nothing gives an empty list.
func TestSearchBadInput(t *testing.T) {
	ix := mustRealIndex(t)
	errs := []struct{ name, text string }{
		{"ErrEmpty", ""},
		{"ErrWhitespace", " \t\u3000 "},
		{"ErrLong", strings.Repeat("马", 10000)},
		{"ErrLongPadded", "马善祥" + strings.Repeat(" ", 10000)},
		{"ErrControl", "马善\x00祥"},
		{"ErrNewline", "马善祥\n"},
		{"ErrEscape", "\x1b[31m马善祥"},
		{"ErrInvalidUTF8", "马善\xff祥"},
		{"ErrTruncatedUTF8", "马善\xe7\xa5"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.text, nil, 10)
			if !errors.Is(err, search.ErrBadQuery) {
				t.Fatalf("Search(%.20q) = %v, %v; want ErrBadQuery", tt.text, hits, err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "bad search text: ") || len(msg) > 100 {
				t.Errorf("error %q: want a short explanation", msg)
			}
		})
	}
	empty := []struct {
		name, text string
		first      int
		kinds      []kg.Kind
	}{
		{"OKPunctuationOnly", "《》“”", 10, nil},
		{"OKNoSuchName", "不存在的名字", 10, nil},
		{"OKNoSuchPinyin", "qqqqqqqq", 10, nil},
		{"OKEmoji", "🙂", 10, nil},
		{"OKFirstZero", "马善祥", 0, nil},
		{"OKFirstNegative", "马善祥", -5, nil},
		{"OKKindWithoutMatch", "马善祥", 10, []kg.Kind{kg.Event}},
		{"OKUnknownKind", "马善祥", 10, []kg.Kind{"planet"}},
		{"OKLongButAllowed", strings.Repeat("马善祥", 66), 10, nil},
	}
	for _, tt := range empty {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.text, tt.kinds, tt.first)
			if err != nil {
				t.Fatalf("Search(%.20q): %v", tt.text, err)
			}
			if hits == nil || len(hits) != 0 {
				t.Errorf("Search(%.20q) = %#v, want an empty list", tt.text, hits)
			}
		})
	}
}

// TestSearchRanking: a better match kind always comes first, and within a
// kind the better connected entity.
func TestSearchRanking(t *testing.T) {
	entries := []search.Entry{
		{ID: "place/a", Kind: kg.Place, Name: "江北区", Aliases: []string{"江北"}, Degree: 1},
		{ID: "place/b", Kind: kg.Place, Name: "江北嘴", Degree: 50},
		{ID: "place/c", Kind: kg.Place, Name: "江北嘴中央商务区", Degree: 2},
		{ID: "place/d", Kind: kg.Place, Name: "重庆江北", Degree: 100},
		{ID: "place/e", Kind: kg.Place, Name: "新江北城", Degree: 3},
		{ID: "place/f", Kind: kg.Place, Name: "江比", Degree: 7},
	}
	// Degrees are chosen against the bands: b and c are prefixes (50 before
	// 2), d and e substrings (100 before 3), d stays after the prefixes.
	ix := search.Build(entries)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"OKAliasBeforePrefixBeforeSubstring", "江北", []string{"place/a", "place/b", "place/c", "place/d", "place/e"}},
		{"OKExactBeforePrefixBeforeTypo", "江北嘴", []string{"place/b", "place/c", "place/a"}},
		{"OKPinyinBands", "jiangbei", []string{"place/a", "place/b", "place/c", "place/d", "place/e", "place/f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.text, nil, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range hits {
				ids = append(ids, h.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Search(%q) = %v, want %v", tt.text, describe(hits), tt.want)
			}
			checkOrder(t, tt.text, hits)
		})
	}
}

// TestSearchPolyphonicNames: names read as names — surnames, place words
// and the data's override — and the other readings still find them.
func TestSearchPolyphonicNames(t *testing.T) {
	entries := []search.Entry{
		{ID: "person/shan-tianfang", Kind: kg.Person, Name: "单田芳"},
		{ID: "person/zeng-guofan", Kind: kg.Person, Name: "曾国藩"},
		{ID: "person/xie-jin", Kind: kg.Person, Name: "解缙"},
		{ID: "organization/danwei", Kind: kg.Organization, Name: "单位食堂"},
		{ID: "place/changjiang-lu", Kind: kg.Place, Name: "长江路"},
		{ID: "company/chongqing-yinhang", Kind: kg.Company, Name: "重庆银行", Aliases: []string{"渝行"}},
		{ID: "place/zhongqing", Kind: kg.Place, Name: "重青村", Pinyin: "Chongqing Cun"},
	}
	ix := search.Build(entries)
	tests := []struct {
		name, text, want string
		how              search.MatchKind
	}{
		{"OKSurnameShan", "shantianfang", "person/shan-tianfang", search.Pinyin},
		{"OKSurnameOtherReading", "dantianfang", "person/shan-tianfang", search.Pinyin},
		{"OKSurnameZeng", "zengguofan", "person/zeng-guofan", search.Pinyin},
		{"OKSurnameXie", "xiejin", "person/xie-jin", search.Pinyin},
		{"OKNotASurname", "danweishitang", "organization/danwei", search.Pinyin},
		{"OKPlaceWord", "changjianglu", "place/changjiang-lu", search.Pinyin},
		{"OKBankWord", "chongqingyinhang", "company/chongqing-yinhang", search.Pinyin},
		{"OKOverrideWins", "chongqingcun", "place/zhongqing", search.Pinyin},
		{"OKHomophone", "重庆银航", "company/chongqing-yinhang", search.Fuzzy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(tt.text, nil, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].ID != tt.want || hits[0].How != tt.how {
				t.Errorf("Search(%q) = %v, want %s by %s first", tt.text, describe(hits), tt.want, tt.how)
			}
		})
	}
}

func TestRomanize(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		kind     kg.Kind
		override string
		want     string
	}{
		{"OKPerson", "马善祥", kg.Person, "", "ma shan xiang"},
		{"OKSurnameShan", "单雄信", kg.Person, "", "shan xiong xin"},
		{"OKSurnameZeng", "曾国藩", kg.Person, "", "zeng guo fan"},
		{"OKSurnameXie", "解缙", kg.Person, "", "xie jin"},
		{"OKCompoundSurname", "尉迟恭", kg.Person, "", "yu chi gong"},
		{"OKNotAPerson", "单位", kg.Organization, "", "dan wei"},
		{"OKPlace", "重庆市", kg.Place, "", "chong qing shi"},
		{"OKRiver", "长江", kg.Place, "", "chang jiang"},
		{"OKTitle", "江北区区长", kg.Honour, "", "jiang bei qu qu zhang"},
		{"OKLatinAndDigits", "智能＋5G互联工厂", kg.Organization, "", "zhi neng 5g hu lian gong chang"},
		{"OKQuotesDropped", "“三联”工作法", kg.Project, "", "san lian gong zuo fa"},
		{"OKOverride", "重庆金融博物馆", kg.Organization, "Chongqing Jinrong Bowuguan", "Chongqing Jinrong Bowuguan"},
		{"OKBlankOverride", "重庆", kg.Place, "  ", "chong qing"},
		{"OKEmpty", "", kg.Place, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := search.Romanize(tt.text, tt.kind, tt.override); got != tt.want {
				t.Errorf("Romanize(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestRealData: the generated pinyin of every real name agrees with the slug
// its author wrote by hand (slugs are toneless pinyin, by the data rules),
// so polyphonic characters are read as the data means them.
func TestRealData(t *testing.T) {
	entries := realEntries(t)
	// Slugs that differ from the name's pinyin on purpose: a suffix telling
	// two things apart, a symbol spelt out, the type word of a name the page
	// writes bare (港城、鱼复两大园区, 海尔 the group, “中心带站”等养老助餐模式),
	// or which 市委 the page's 市委 is; the slug stayed when the name was
	// corrected to what the page writes, so the IRI stays put.
	skip := map[string]bool{
		"document/laoma-gongzuofa-book":                              true,
		"project/1-jia-x-yanglao-zhucan-moshi":                       true,
		"project/dangjian-yinling-jia-gufenzhi-yanglao-zhucan-moshi": true,
		"project/zhongxin-dai-zhan-yanglao-zhucan-moshi":             true,
		"project/wang-wen-ting-qie-fadongji-weixiu-fangfa":           true,
		"place/gangcheng-yuanqu":                                     true,
		"place/yufu-yuanqu":                                          true,
		"company/haier-jituan":                                       true,
		"organization/chongqing-shiwei":                              true,
	}
	for _, e := range entries {
		got := strings.NewReplacer(" ", "", "'", "", "(", "", ")", "").Replace(strings.ToLower(search.Romanize(e.Name, e.Kind, e.Pinyin)))
		want := strings.ReplaceAll(e.ID[strings.Index(e.ID, "/")+1:], "-", "")
		if got != want && !skip[e.ID] {
			t.Errorf("%s %s: pinyin %q, slug says %q", e.ID, e.Name, got, want)
		}
	}
}
