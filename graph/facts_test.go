package graph_test

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
)

// The key facts of the page, asked through the real GraphQL API the way a
// reader would, each answer checked against what the page says and each
// quote found in the source text at its offsets.

const factEvidence = `evidence { quote start end source { text } }`

type factFigure struct {
	Indicator, Stated, Unit string
	Value                   float64
	Modifier, Period        *string
	PeriodInferred          bool
	GrowthPercent           *float64
	Evidence                []evidence
}

// TestFigureFacts: what figures does the page give, for what period, with
// which quotes? Periods the page leaves to its date are inferred.
func TestFigureFacts(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	growth := func(g float64) *float64 { return &g }
	tests := []struct {
		name, entity, indicator, period string
		value                           float64
		unit                            string
		growth                          *float64
		inferred                        bool
		quotes                          []string // each in the quote of one piece of evidence
	}{
		{"OKJiangbeiGDP2020", "place/jiangbei-qu", "地区生产总值", "2020", 1325, "亿元", growth(3.9), true,
			[]string{"1325亿元", "GDP增长3.9%"}},
		{"OKJiangbeiTax2020", "place/jiangbei-qu", "全口径税收", "2020", 221.3, "亿元", nil, true,
			[]string{"221.3亿元"}},
		{"OKJiangbeiBudgetRevenue2020", "place/jiangbei-qu", "一般公共预算收入", "2020", 67.2, "亿元", nil, true,
			[]string{"一般公共预算收入67.2亿元"}},
		// One figure given twice at different precision: the precise value,
		// with the quote of the infographic and that of the prose.
		{"OKJiangbeiGDPFirstQuarter2021", "place/jiangbei-qu", "地区生产总值", "2021-01/2021-03", 351.92, "亿元", growth(18.6), true,
			[]string{"351.92亿元、同比增长18.6%", "351.9亿元、增长18.6%"}},
		{"OKJiangbeiTaxJanuaryToApril2021", "place/jiangbei-qu", "全口径税收", "2021-01/2021-04", 110.5, "亿元", growth(40.8), true,
			[]string{"110.5亿元、增长40.8%", "110.5亿元、同比增长 40.8%"}},
		{"OKJiangbeiRankingStated", "place/jiangbei-qu", "经济年增速主城都市区中心城区排名", "2017/2020", 1, "名", nil, false,
			[]string{"年增速在主城都市区中心城区保持第一"}},
		// 由全市第七跃升至第四 over 2017年—2020年: the year of each rank is a reading.
		{"OKJiangbeiRankSeventhInferred", "place/jiangbei-qu", "经济总量全市排名", "2017", 7, "名", nil, true,
			[]string{"2017年—2020年，经济总量排名由全市第七跃升至第四"}},
		{"OKJiangbeiRankFourthInferred", "place/jiangbei-qu", "经济总量全市排名", "2020", 4, "名", nil, true,
			[]string{"2017年—2020年，经济总量排名由全市第七跃升至第四"}},
		{"OKZhifeiMarketValue", "company/zhifei-shengwu", "总市值", "2021-05-17", 3568.8, "亿元", nil, true,
			[]string{"总市值3568.8亿元"}},
		{"OKFlowerFairVisitors", "project/changjiang-shangyou-chengshi-huahui-yishu-bolanhui", "总观展人数", "2018/2021", 559.15, "万人次", nil, true,
			[]string{"559.15万人次"}},
		{"OKOldHousingInvestment", "project/laojiu-xiaoqu-gaizao", "“十三五”期间改造总投资", "2016/2020", 5700, "万元", nil, false,
			[]string{"约5700万余元"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity *struct{ Figures []factFigure }
			}
			mustQuery(t, c, `query($id: ID!) { entity(id: $id) { figures { indicator stated value unit modifier period periodInferred growthPercent `+factEvidence+` } } }`,
				&resp, client.Var("id", tt.entity))
			if resp.Entity == nil {
				t.Fatalf("no entity %s", tt.entity)
			}
			var found []factFigure
			for _, f := range resp.Entity.Figures {
				if f.Indicator == tt.indicator && f.Period != nil && *f.Period == tt.period {
					found = append(found, f)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%d figures %s for %s, want one: %+v", len(found), tt.indicator, tt.period, resp.Entity.Figures)
			}
			f := found[0]
			if f.Value != tt.value || f.Unit != tt.unit {
				t.Errorf("value %v %s, want %v %s", f.Value, f.Unit, tt.value, tt.unit)
			}
			if f.PeriodInferred != tt.inferred {
				t.Errorf("periodInferred %v, want %v", f.PeriodInferred, tt.inferred)
			}
			switch {
			case tt.growth == nil && f.GrowthPercent != nil:
				t.Errorf("growth %v, want none", *f.GrowthPercent)
			case tt.growth != nil && (f.GrowthPercent == nil || *f.GrowthPercent != *tt.growth):
				t.Errorf("growth %v, want %v", f.GrowthPercent, *tt.growth)
			}
			if len(f.Evidence) != len(tt.quotes) {
				t.Errorf("%d quotes, want %d: %+v", len(f.Evidence), len(tt.quotes), f.Evidence)
			}
			for _, ev := range f.Evidence {
				assertQuoteAt(t, ev)
			}
			for _, want := range tt.quotes {
				if !slices.ContainsFunc(f.Evidence, func(ev evidence) bool { return strings.Contains(ev.Quote, want) }) {
					t.Errorf("no quote holds %q: %+v", want, f.Evidence)
				}
			}
		})
	}
}

// TestRelationFacts: single links with their time and their quote, and
// whether the page states the link or only implies it.
func TestRelationFacts(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, entity, predicate, target string
		time                            string // "" for none
		inferred                        bool   // the time is inferred
		linkInferred                    bool   // the link itself is inferred
		quote                           string // in one of its quotes
	}{
		{"OKTangguiInTieshanping", "place/tanggui-shequ", "containedInPlace", "place/tieshanping-jiedao", "", false, false, "铁山坪街道唐桂社区"},
		{"OKHongtudiInWulidian", "place/hongtudi-shequ", "containedInPlace", "place/wulidian-jiedao", "", false, false, "五里店街道红土地社区"},
		{"OKFinanceMuseumOpened", "organization/chongqing-jinrong-bowuguan", "openedIn", "place/jiangbeizui", "2021-05-18", true, false, "5月18日"},
		{"OKFirstFlowerFair2018", "event/shoujie-changjiang-shangyou-chengshi-huahui-yishu-bolanhui", "location", "place/jiangbeizui", "2018", true, false, "三年前，首届长江上游城市花卉艺术博览会在江北嘴"},
		{"OKLiYuzhenJoinedParty1948", "person/li-yuzhen", "memberOf", "organization/zhongguo-gongchandang", "1948", false, false, "1948年，李玉珍在游击队光荣地加入了中国共产党"},
		{"OKMaShanxiangLeadsStudio", "person/ma-shanxiang", "leads", "organization/laoma-gongzuoshi", "", false, false, "马善祥是观音桥街道“老马工作室”负责人"},
		{"OKZhangYongzhongAtChangan", "person/zhang-yongzhong", "worksFor", "company/chongqing-changan-qiche-gufen-youxian-gongsi", "", false, false, "张永忠是重庆长安汽车股份有限公司汽车发动机维修高级技师"},
		{"OKParksAwardedAsWritten", "place/gangcheng-yuanqu", "award", "honour/quanshi-shoupi-shidian-zhihui-yuanqu", "", false, false, "港城、鱼复两大园区双双入选全市首批试点智慧园区"},
		// Implied, not stated: the page shows 陈远秀 in 红土地社区, says 全市
		// for the city, and has 海尔 (the group, not 海尔智家) build the factory.
		{"OKChenYuanxiuResidenceInferred", "person/chen-yuanxiu", "residentOf", "place/hongtudi-shequ", "", false, true, "五里店街道红土地社区，陈远秀老人"},
		{"OKXiaomaStudiosInChongqingInferred", "organization/xiaoma-gongzuoshi", "location", "place/chongqing-shi", "", false, true, "全市建设“小马工作室”1085个"},
		{"OKFactoryOfTheHaierGroupInferred", "organization/zhineng-5g-hulian-gongchang", "partOf", "company/haier-jituan", "", false, true, "海尔基于 COSMOPlat 大规模定制模式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity *struct {
					Relations []struct {
						Target     struct{ ID string }
						Inferred   bool
						Qualifiers []struct {
							Key, Value string
							Inferred   bool
						}
						Evidence []evidence
					}
				}
			}
			mustQuery(t, c, `query($id: ID!, $p: String) { entity(id: $id) { relations(predicate: $p, direction: OUT) {
				target { id } inferred qualifiers { key value inferred } `+factEvidence+` } } }`,
				&resp, client.Var("id", tt.entity), client.Var("p", tt.predicate))
			if resp.Entity == nil {
				t.Fatalf("no entity %s", tt.entity)
			}
			n := 0
			for _, r := range resp.Entity.Relations {
				if r.Target.ID != tt.target {
					continue
				}
				n++
				time, inferred := "", false
				for _, q := range r.Qualifiers {
					if q.Key == "time" {
						time, inferred = q.Value, q.Inferred
					}
				}
				if time != tt.time || inferred != tt.inferred {
					t.Errorf("time %q inferred %v, want %q inferred %v", time, inferred, tt.time, tt.inferred)
				}
				if r.Inferred != tt.linkInferred {
					t.Errorf("link inferred %v, want %v", r.Inferred, tt.linkInferred)
				}
				quoted := false
				for _, ev := range r.Evidence {
					assertQuoteAt(t, ev)
					quoted = quoted || strings.Contains(ev.Quote, tt.quote)
				}
				if !quoted {
					t.Errorf("no quote holds %q: %+v", tt.quote, r.Evidence)
				}
			}
			if n != 1 {
				t.Errorf("%d %s relations to %s, want one", n, tt.predicate, tt.target)
			}
		})
	}
}

// TestListFacts: questions whose answer is a list of names, each item with
// its quotes.
func TestListFacts(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, query string
		exact       bool // the answer is exactly want, not a superset of it
		want        []string
	}{
		{"OKHonoursOfZhangYongzhong",
			`{ entity(id: "person/zhang-yongzhong") { ... on Person { honours { honour { name } ` + factEvidence + ` } } } }`, true,
			[]string{"全国技术能手", "全国国防科技工业系统劳动模范", "中华技能大奖", "中国科学技术突出贡献奖", "国家技能人才培育突出贡献奖",
				"全国岗位学雷锋“最美人物”", "全国劳动模范", "“庆祝中华人民共和国成立70周年”纪念章"}},
		{"OKHonoursOfLiYuzhen",
			`{ entity(id: "person/li-yuzhen") { ... on Person { honours { honour { name } ` + factEvidence + ` } } } }`, true,
			[]string{"全国离退休干部先进个人", "重庆好人"}},
		{"OKWhatLiesInWulidian",
			`{ entity(id: "place/wulidian-jiedao") { relations(predicate: "containedInPlace", direction: IN) { target { name } ` + factEvidence + ` } } }`, false,
			[]string{"红土地社区", "渝能阳光社区"}},
		{"OKWhatLiesInTieshanping",
			`{ entity(id: "place/tieshanping-jiedao") { relations(predicate: "containedInPlace", direction: IN) { target { name } ` + factEvidence + ` } } }`, false,
			[]string{"唐桂社区"}},
		{"OKTitlesOfJiangbei",
			`{ entity(id: "place/jiangbei-qu") { ... on Place { honours { honour { name } ` + factEvidence + ` } } } }`, false,
			[]string{"全国文明城区", "长安杯", "全国双拥模范城", "全国健康促进区"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity *struct {
					Honours, Relations []struct {
						Honour, Target struct{ Name string }
						Evidence       []evidence
					}
				}
			}
			mustQuery(t, c, tt.query, &resp)
			if resp.Entity == nil {
				t.Fatal("no entity")
			}
			var got []string
			for _, item := range append(resp.Entity.Honours, resp.Entity.Relations...) {
				name := item.Honour.Name + item.Target.Name
				got = append(got, name)
				if len(item.Evidence) == 0 {
					t.Errorf("%s: no evidence", name)
				}
				for _, ev := range item.Evidence {
					assertQuoteAt(t, ev)
				}
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %s in %v", w, got)
				}
			}
			if tt.exact && len(got) != len(tt.want) {
				t.Errorf("got %d: %v, want %d: %v", len(got), got, len(tt.want), tt.want)
			}
		})
	}
}

// TestNameFacts: the short names and epithets the page uses, and the
// identifiers taken from outside reference lists, each with its citation.
func TestNameFacts(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	tests := []struct {
		name, entity, alias string
		entityName          string // the name as the page writes it, when set
		notAlias            string // a name the page uses for another thing
		scheme, value       string // an identifier, when scheme is set
		citation            string // in the identifier's citation
	}{
		{name: "OKLaoma", entity: "person/ma-shanxiang", alias: "老马"},
		{name: "OKZhifeiEpithet", entity: "company/zhifei-shengwu", alias: "中国民营疫苗第一股",
			scheme: "stockCode", value: "300122.SZ", citation: "深圳证券交易所"},
		{name: "OKChanganStockCode", entity: "company/chongqing-changan-qiche-gufen-youxian-gongsi", alias: "长安汽车",
			scheme: "stockCode", value: "000625.SZ", citation: "深圳证券交易所"},
		// The caption's 海尔 is the group, an entity of its own.
		{name: "OKHaierGroupAsWritten", entity: "company/haier-jituan", entityName: "海尔"},
		// 港城、鱼复两大园区 names the parks 港城 and 鱼复.
		{name: "OKGangchengAsWritten", entity: "place/gangcheng-yuanqu", entityName: "港城", notAlias: "港城园区"},
		{name: "OKYufuAsWritten", entity: "place/yufu-yuanqu", entityName: "鱼复", notAlias: "鱼复园区"},
		{name: "OKHaierStockCode", entity: "company/haier-zhijia", notAlias: "海尔", scheme: "stockCode", value: "600690.SH", citation: "上海证券交易所"},
		{name: "OKJiangbeiDivisionCode", entity: "place/jiangbei-qu", scheme: "divisionCode", value: "500105", citation: "中华人民共和国县以上行政区划代码"},
		{name: "OKChongqingDivisionCode", entity: "place/chongqing-shi", alias: "重庆", scheme: "divisionCode", value: "500000", citation: "中华人民共和国县以上行政区划代码"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp struct {
				Entity *struct {
					Name        string
					Aliases     []string
					Identifiers []struct{ Scheme, Value, Citation string }
				}
			}
			mustQuery(t, c, `query($id: ID!) { entity(id: $id) { name aliases identifiers { scheme value citation } } }`, &resp, client.Var("id", tt.entity))
			if resp.Entity == nil {
				t.Fatalf("no entity %s", tt.entity)
			}
			if tt.entityName != "" && resp.Entity.Name != tt.entityName {
				t.Errorf("name %s, want %s", resp.Entity.Name, tt.entityName)
			}
			if tt.alias != "" && !slices.Contains(resp.Entity.Aliases, tt.alias) {
				t.Errorf("aliases %v, want %s among them", resp.Entity.Aliases, tt.alias)
			}
			if tt.notAlias != "" && slices.Contains(resp.Entity.Aliases, tt.notAlias) {
				t.Errorf("aliases %v: %s names another thing", resp.Entity.Aliases, tt.notAlias)
			}
			if tt.scheme == "" {
				return
			}
			n := 0
			for _, id := range resp.Entity.Identifiers {
				if id.Scheme != tt.scheme {
					continue
				}
				n++
				if id.Value != tt.value || !strings.Contains(id.Citation, tt.citation) {
					t.Errorf("%s %s cited %q, want %s cited from %s", id.Scheme, id.Value, id.Citation, tt.value, tt.citation)
				}
			}
			if n != 1 {
				t.Errorf("%d %s identifiers, want one", n, tt.scheme)
			}
		})
	}
}

// A doubled bold run read as a number: 13251325, 351351..9292.
var doubledRun = regexp.MustCompile(`\d{2,}\.\.|亿亿|元元|%%|万万`)

// doubled reports whether a run of digits of s is a run of two or more
// digits written twice, as the PDF's bold runs are (1325 → 13251325,
// 351.92 → 351351..9292). No figure of the page is such a number.
func doubled(s string) bool {
	for _, run := range digitRuns.FindAllString(s, -1) {
		h := len(run) / 2
		if len(run)%2 == 0 && h >= 2 && run[:h] == run[h:] {
			return true
		}
	}
	return false
}

var digitRuns = regexp.MustCompile(`\d+`)

func TestDoubled(t *testing.T) {
	tests := []struct {
		name, s string
		want    bool
	}{
		{"Err13251325", "13251325", true},
		{"ErrDecimalRun", "351351.9292", true},
		{"ErrInStated", "221221.3亿元", true},
		{"OK1325", "1325亿元", false},
		{"OK351.92", "351.92", false},
		{"OKGenuineDoubles", "2000多个", false},
		{"OK3000", "3000余次", false},
		{"OK55", "55个", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := doubled(tt.s); got != tt.want {
				t.Errorf("doubled(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

// TestNoDoubledFigures walks every figure of every entity: none may carry a
// bold run read twice, its stated text is in one of its quotes, its value is
// the number of the stated text, and every quote is at its offsets.
func TestNoDoubledFigures(t *testing.T) {
	c := MustClient(t, MustOpenStore(t))
	var resp struct {
		Sources  []struct{ ID, Text string }
		Entities struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID      string
					Figures []struct {
						Stated, Unit  string
						Value         float64
						GrowthPercent *float64
						Evidence      []struct {
							Quote      string
							Start, End int
							Source     struct{ ID string }
						}
					}
				}
			}
		}
	}
	mustQuery(t, c, `{ sources { id text } entities(first: 1000) { totalCount edges { node { id
		figures { stated unit value growthPercent evidence { quote start end source { id } } } } } } }`, &resp)
	if len(resp.Entities.Edges) != resp.Entities.TotalCount {
		t.Fatalf("walked %d of %d entities", len(resp.Entities.Edges), resp.Entities.TotalCount)
	}
	texts := map[string]string{}
	for _, s := range resp.Sources {
		texts[s.ID] = s.Text
	}
	figures := 0
	for _, e := range resp.Entities.Edges {
		for _, f := range e.Node.Figures {
			figures++
			name := fmt.Sprintf("%s %s", e.Node.ID, f.Stated)
			value := strconv.FormatFloat(f.Value, 'f', -1, 64)
			// The whole part of the value only: 近1/3 is 0.3333, a genuine run.
			whole := strconv.FormatFloat(math.Trunc(f.Value), 'f', -1, 64)
			if doubled(whole) || doubled(f.Stated) || doubledRun.MatchString(f.Stated) {
				t.Errorf("%s: value %s reads a bold run twice", name, value)
			}
			// 近1/3 is 0.3333; 第一 and 保持第一 are ranks in words.
			if strings.ContainsAny(f.Stated, "0123456789") && !strings.Contains(f.Stated, "/") && !strings.Contains(f.Stated, value) {
				t.Errorf("%s: value %s is not the number stated", name, value)
			}
			if math.IsNaN(f.Value) || f.Unit == "" {
				t.Errorf("%s: value %v unit %q", name, f.Value, f.Unit)
			}
			stated, grown := false, f.GrowthPercent == nil
			for _, ev := range f.Evidence {
				assertQuoteAt(t, evidence{Quote: ev.Quote, Start: ev.Start, End: ev.End, Source: struct{ Text string }{texts[ev.Source.ID]}})
				stated = stated || strings.Contains(ev.Quote, f.Stated)
				if f.GrowthPercent != nil {
					g := strconv.FormatFloat(*f.GrowthPercent, 'f', -1, 64) + "%"
					grown = grown || strings.Contains(ev.Quote, g)
				}
			}
			if !stated {
				t.Errorf("%s: no quote holds the stated text", name)
			}
			if !grown {
				t.Errorf("%s: no quote holds the growth %v%%", name, *f.GrowthPercent)
			}
		}
	}
	if figures < 60 {
		t.Errorf("walked %d figures; the page gives more than 60", figures)
	}
}
