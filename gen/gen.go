// Package gen makes synthetic but realistic Chinese civic entities — people,
// companies, places, organisations, honours, projects, documents and events,
// many with aliases — and a graph of relations between them, the same for
// the same size and seed. Benchmarks and load tests share it; what it makes
// is generated when they run and never committed.
package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	pinyin "github.com/mozillazg/go-pinyin"
)

// Graph is a generated graph: entities by id, and relations between them.
type Graph struct {
	Entities  []*kg.Entity
	Relations []*kg.Relation
}

// share is each kind's part of the entities, in percent, roughly as in civic
// documents: mostly people, companies and places.
var share = []struct {
	kind kg.Kind
	pct  int
}{
	{kg.Person, 40}, {kg.Company, 22}, {kg.Place, 15}, {kg.Organization, 10},
	{kg.Project, 6}, {kg.Honour, 3}, {kg.Document, 2}, {kg.Event, 2},
}

// Generate makes a graph of n entities from seed.
func Generate(n int, seed uint64) *Graph {
	g := &generator{
		rng:    rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15)),
		slugs:  map[string]int{},
		byKind: map[kg.Kind][]*kg.Entity{},
		sylls:  map[rune]string{},
	}
	counts := map[kg.Kind]int{}
	left := n
	for i, s := range share {
		c := n * s.pct / 100
		if i == len(share)-1 {
			c = left
		}
		counts[s.kind] = c
		left -= c
	}
	// Places first, top down, so each can lie in one made before it; then
	// the things that point at places, people and organisations.
	g.places(counts[kg.Place])
	for _, k := range []kg.Kind{kg.Organization, kg.Honour, kg.Company, kg.Person, kg.Project, kg.Document, kg.Event} {
		for range counts[k] {
			g.entity(k)
		}
	}
	out := &Graph{Entities: g.all, Relations: g.rels}
	slices.SortFunc(out.Entities, func(a, b *kg.Entity) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Dataset is the graph as the loader would have read it from a data folder,
// ready for store.Store.Load. Relations carry no evidence: they are not drawn
// from a source. Its info names it generated, under the real base, so IRIs
// look as they do for real data.
func (g *Graph) Dataset() *loader.Dataset {
	return &loader.Dataset{
		Info:      kg.DatasetInfo{Base: "https://w3id.org/civicgraph", Title: "生成的测试图谱", TitleEn: "civicgraph: generated test graph"},
		Entities:  g.Entities,
		Relations: g.Relations,
		Figures:   map[string][]kg.Figure{},
	}
}

// Degrees counts each entity's relations, both directions, in the order of
// Entities: what the store's search index ranks by.
func (g *Graph) Degrees() []int {
	at := make(map[string]int, len(g.Entities))
	for i, e := range g.Entities {
		at[e.ID] = i
	}
	d := make([]int, len(g.Entities))
	for _, r := range g.Relations {
		d[at[r.Subject]]++
		d[at[r.Object]]++
	}
	return d
}

type generator struct {
	rng    *rand.Rand
	slugs  map[string]int
	all    []*kg.Entity
	byKind map[kg.Kind][]*kg.Entity
	levels [4][]*kg.Entity // places: districts, 街道 and 镇, 社区 and 村, the rest
	rels   []*kg.Relation
	sylls  map[rune]string // toneless first reading, cached: the pools are small
}

// pick returns one of xs, the first ones far more often: names and links
// in real data are skewed, a few very common, most rare.
func pick[T any](g *generator, xs []T) T {
	u := g.rng.Float64()
	return xs[int(u*u*u*float64(len(xs)))]
}

// anyOf returns one of xs, each as often.
func anyOf[T any](g *generator, xs []T) T { return xs[g.rng.IntN(len(xs))] }

func (g *generator) chance(pct int) bool { return g.rng.IntN(100) < pct }

func (g *generator) chars(pool []rune, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(anyOf(g, pool))
	}
	return b.String()
}

func (g *generator) add(kind kg.Kind, name, category string, aliases ...string) *kg.Entity {
	e := &kg.Entity{ID: string(kind) + "/" + g.slug(name), Kind: kind, Name: name, Category: category}
	for _, a := range aliases {
		if a != "" && a != name && !slices.Contains(e.Aliases, a) {
			e.Aliases = append(e.Aliases, a)
		}
	}
	slices.Sort(e.Aliases)
	g.all = append(g.all, e)
	g.byKind[kind] = append(g.byKind[kind], e)
	return e
}

func (g *generator) link(s *kg.Entity, pred string, o *kg.Entity) {
	if s == nil || o == nil || s == o {
		return
	}
	g.rels = append(g.rels, &kg.Relation{Subject: s.ID, Predicate: pred, Object: o.ID})
}

// target returns an entity of kind, well-connected ones more often, or nil
// when there is none yet.
func (g *generator) target(kind kg.Kind) *kg.Entity {
	xs := g.byKind[kind]
	if len(xs) == 0 {
		return nil
	}
	return pick(g, xs)
}

func (g *generator) places(n int) {
	if n == 0 {
		return
	}
	// Level sizes: a few districts, then 街道 and 镇, then 社区 and 村 and
	// the roads, bridges, docks and parks.
	var sizes [4]int
	sizes[0] = max(1, n/100)
	sizes[1] = min(n-sizes[0], max(1, n/10))
	sizes[2] = min(n-sizes[0]-sizes[1], n*55/100)
	sizes[3] = n - sizes[0] - sizes[1] - sizes[2]
	for lv, size := range sizes {
		for range size {
			g.place(lv)
		}
	}
}

func (g *generator) place(level int) {
	base := g.chars(placeChars, 2)
	var e *kg.Entity
	switch level {
	case 0:
		t := anyOf(g, []string{"区", "县"})
		e = g.add(kg.Place, base+t, t, base)
	case 1:
		t := anyOf(g, []string{"街道", "街道", "镇"})
		e = g.add(kg.Place, base+t, t, base)
	case 2:
		t := anyOf(g, []string{"社区", "社区", "村"})
		e = g.add(kg.Place, base+t, t)
	default:
		t := anyOf(g, []string{"路", "大道", "大桥", "码头", "广场", "公园", "商圈", "园区", "湿地公园", "古镇"})
		var alias string
		if t == "商圈" || t == "园区" {
			alias = base
		}
		e = g.add(kg.Place, base+t, t, alias)
	}
	g.levels[level] = append(g.levels[level], e)
	switch level {
	case 1, 3:
		g.link(e, "containedInPlace", pick(g, g.levels[0]))
	case 2:
		g.link(e, "containedInPlace", pick(g, g.levels[1]))
	}
}

// region is a place name to put in front of an organisation's or a
// document's name: a real city or a generated district.
func (g *generator) region() string {
	if g.chance(50) || len(g.levels[0]) == 0 {
		return pick(g, cities)
	}
	return pick(g, g.levels[0]).Name
}

func (g *generator) entity(kind kg.Kind) {
	switch kind {
	case kg.Person:
		g.person()
	case kg.Company:
		g.company()
	case kg.Organization:
		g.organization()
	case kg.Honour:
		g.honour()
	case kg.Project:
		g.project()
	case kg.Document:
		g.document()
	case kg.Event:
		g.event()
	}
}

func (g *generator) person() {
	sur := pick(g, surnames)
	n := 2
	if g.chance(25) {
		n = 1
	}
	given := g.chars(givenChars, n)
	var alias string
	if g.chance(15) {
		alias = anyOf(g, []string{"老", "小"}) + sur
	}
	e := g.add(kg.Person, sur+given, "", alias)
	if g.chance(60) {
		g.link(e, "residentOf", g.target(kg.Place))
	}
	if g.chance(50) {
		if g.chance(70) {
			g.link(e, "worksFor", g.target(kg.Company))
		} else {
			g.link(e, "worksFor", g.target(kg.Organization))
		}
	}
	if g.chance(10) {
		for range 1 + g.rng.IntN(3) {
			g.link(e, "award", g.target(kg.Honour))
		}
	}
	if g.chance(10) {
		g.link(e, "memberOf", g.target(kg.Organization))
	}
}

func (g *generator) company() {
	brand := g.chars(brandChars, 2+g.rng.IntN(5)/4)
	ind := pick(g, industries)
	prefix := ""
	if g.chance(75) {
		prefix = pick(g, cities)
	}
	form := pick(g, []string{"有限公司", "股份有限公司", "有限责任公司", "集团有限公司"})
	var alias string
	if g.chance(60) {
		alias = brand + ind.short
	}
	e := g.add(kg.Company, prefix+brand+ind.name+form, ind.name, alias)
	if g.chance(70) {
		g.link(e, "location", g.target(kg.Place))
	}
	if g.chance(5) {
		g.link(e, "award", g.target(kg.Honour))
	}
}

func (g *generator) organization() {
	region := g.region()
	var middle string
	if g.chance(50) {
		middle = g.chars(brandChars, 2)
	} else if p := g.target(kg.Place); p != nil {
		middle = strings.TrimSuffix(p.Name, p.Category)
	}
	t := pick(g, orgTypes)
	var alias string
	if g.chance(30) {
		alias = middle + t
	}
	e := g.add(kg.Organization, region+middle+t, t, alias)
	if g.chance(80) {
		g.link(e, "location", g.target(kg.Place))
	}
}

func (g *generator) honour() {
	scope := pick(g, []string{"全国", "全国", "重庆市", "市级", "区级", g.region()})
	title := pick(g, honourTitles)
	name := scope + title
	if g.chance(40) {
		name = fmt.Sprintf("%d年度%s", 2000+g.rng.IntN(22), name)
	}
	var alias string
	if g.chance(20) {
		alias = title
	}
	g.add(kg.Honour, name, "荣誉称号", alias)
}

func (g *generator) project() {
	topic := pick(g, topics)
	t := pick(g, projectTypes)
	var name, alias string
	switch g.rng.IntN(3) {
	case 0:
		key := pick(g, numberWords) + g.chars(brandChars, 1)
		name, alias = "“"+key+"”"+topic+t, key
	case 1:
		name = g.region() + topic + t
	default:
		name = g.chars(brandChars, 2) + topic + t
	}
	e := g.add(kg.Project, name, t, alias)
	if g.chance(50) {
		g.link(e, "location", g.target(kg.Place))
	}
	if g.chance(30) {
		g.link(g.target(kg.Person), "leads", e)
	}
}

func (g *generator) document() {
	title := g.region() + pick(g, topics) + pick(g, docTypes)
	e := g.add(kg.Document, "《"+title+"》", "政策文件", title)
	if g.chance(60) {
		g.link(e, "publisher", g.target(kg.Organization))
	}
	if g.chance(20) {
		g.link(e, "author", g.target(kg.Person))
	}
}

func (g *generator) event() {
	name := fmt.Sprintf("%d年%s%s%s", 2000+g.rng.IntN(22), g.region(), pick(g, topics), pick(g, eventTypes))
	e := g.add(kg.Event, name, "会议活动")
	if g.chance(80) {
		g.link(e, "location", g.target(kg.Place))
	}
	if g.chance(50) {
		g.link(e, "organizer", g.target(kg.Organization))
	}
}

// slug is the toneless pinyin of name, one syllable per word, made unique by
// a number: ids look like the data's (person/ma-shan-xiang-2).
func (g *generator) slug(name string) string {
	var words []string
	var ascii strings.Builder
	flush := func() {
		if ascii.Len() > 0 {
			words = append(words, ascii.String())
			ascii.Reset()
		}
	}
	for _, r := range strings.ToLower(name) {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			ascii.WriteRune(r)
		case r >= utf8.RuneSelf:
			flush()
			if p := g.syllable(r); p != "" {
				words = append(words, p)
			}
		default:
			flush()
		}
	}
	flush()
	s := strings.Join(words, "-")
	if s == "" {
		s = "x"
	}
	g.slugs[s]++
	if n := g.slugs[s]; n > 1 {
		return fmt.Sprintf("%s-%d", s, n)
	}
	return s
}

// syllable is the first toneless reading of r.
func (g *generator) syllable(r rune) string {
	if p, ok := g.sylls[r]; ok {
		return p
	}
	p := ""
	if ps := pinyin.SinglePinyin(r, pinyin.Args{Style: pinyin.Normal}); len(ps) > 0 {
		for _, c := range ps[0] {
			if 'a' <= c && c <= 'z' {
				p += string(c)
			}
		}
	}
	g.sylls[r] = p
	return p
}
