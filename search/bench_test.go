package search_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/civicgraph/civicgraph/gen"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/search"
	"github.com/civicgraph/civicgraph/store"
)

// The benchmarks' sizes: small by default, so `go test -bench . -benchtime 1x
// ./...` in CI takes seconds; the README's figures use 1,000,000
// (CIVICGRAPH_BENCH_SIZE=1000000, or -bench.size=1000000 when testing this
// package alone). The store is loaded with at most -bench.storesize entities
// (CIVICGRAPH_BENCH_STORE_SIZE, default 100,000): loading is far slower than
// indexing.
var (
	benchSizeFlag      = flag.Int("bench.size", 0, "entities for the search benchmarks (default $CIVICGRAPH_BENCH_SIZE or 20000)")
	benchStoreSizeFlag = flag.Int("bench.storesize", 0, "most entities loaded into the store for the lookup ratio (default $CIVICGRAPH_BENCH_STORE_SIZE or 100000)")
)

const benchSeed = 20210527 // the page's week: any fixed seed would do

func sizeFrom(flagValue int, env string, def int) int {
	if flagValue > 0 {
		return flagValue
	}
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

func benchSize() int { return sizeFrom(*benchSizeFlag, "CIVICGRAPH_BENCH_SIZE", 20000) }

func benchStoreSize() int {
	return min(benchSize(), sizeFrom(*benchStoreSizeFlag, "CIVICGRAPH_BENCH_STORE_SIZE", 100000))
}

// benchData is a generated graph as index entries, and what they cost in
// memory on their own.
type benchData struct {
	entries    []search.Entry
	entryBytes float64 // per entity, before any index
}

var benchCache = map[int]*benchData{}

func benchEntries(b *testing.B, n int) *benchData {
	if d, ok := benchCache[n]; ok {
		return d
	}
	before := heap()
	g := gen.Generate(n, benchSeed)
	deg := g.Degrees()
	d := &benchData{entries: make([]search.Entry, len(g.Entities))}
	for i, e := range g.Entities {
		d.entries[i] = search.Entry{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Pinyin: e.Pinyin, Degree: deg[i]}
	}
	g = nil
	d.entryBytes = float64(heap()-before) / float64(n)
	benchCache[n] = d
	return d
}

// heap is the live heap after a full collection.
func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkBuild measures building the index of n generated entities: time
// per build (ns/op) and the memory the index holds beyond its entries.
func BenchmarkBuild(b *testing.B) {
	n := benchSize()
	d := benchEntries(b, n)
	// The pinyin dictionary is loaded once per process, not per index.
	search.Romanize("马善祥", kg.Person, "")
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		var ix *search.Index
		before := heap()
		for b.Loop() {
			ix = search.Build(d.entries)
		}
		b.StopTimer()
		b.ReportMetric(float64(heap()-before)/float64(n), "bytes/entity")
		b.ReportMetric(d.entryBytes, "entry-bytes/entity")
		runtime.KeepAlive(ix)
	})
}

var benchIndexes = map[int]*search.Index{}

func benchIndex(b *testing.B, n int) (*search.Index, []search.Entry) {
	d := benchEntries(b, n)
	ix, ok := benchIndexes[n]
	if !ok {
		ix = search.Build(d.entries)
		benchIndexes[n] = ix
	}
	return ix, d.entries
}

// benchQueries makes queries of each match kind from generated entries, the
// way users type them.
func benchQueries(entries []search.Entry) map[string][]string {
	rng := rand.New(rand.NewPCG(1, 2))
	qs := map[string][]string{}
	const each = 1000
	typoChars := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞")
	var persons []search.Entry
	for _, e := range entries {
		if e.Kind == kg.Person {
			persons = append(persons, e)
		}
	}
	for len(qs["Exact"]) < each {
		e := entries[rng.IntN(len(entries))]
		rs := []rune(e.Name)
		qs["Exact"] = append(qs["Exact"], e.Name)
		if len(e.Aliases) > 0 {
			qs["Alias"] = append(qs["Alias"], e.Aliases[0])
		}
		if len(rs) >= 5 {
			qs["Prefix"] = append(qs["Prefix"], string(rs[:len(rs)-3]))
			qs["Substring"] = append(qs["Substring"], string(rs[2:5]))
			typo := append([]rune(nil), rs...)
			typo[len(rs)/2] = typoChars[rng.IntN(len(typoChars))]
			qs["Fuzzy"] = append(qs["Fuzzy"], string(typo))
		}
		p := persons[rng.IntN(len(persons))]
		py := search.Romanize(p.Name, p.Kind, p.Pinyin)
		qs["Pinyin"] = append(qs["Pinyin"], py)
		qs["PinyinJoined"] = append(qs["PinyinJoined"], strings.ReplaceAll(py, " ", ""))
		var ini strings.Builder
		for _, w := range strings.Fields(py) {
			ini.WriteByte(w[0])
		}
		qs["PinyinInitials"] = append(qs["PinyinInitials"], ini.String())
		joined := []byte(strings.ReplaceAll(py, " ", ""))
		if len(joined) >= 6 {
			i := 1 + rng.IntN(len(joined)-2)
			joined[i], joined[i+1] = joined[i+1], joined[i]
			qs["FuzzyPinyin"] = append(qs["FuzzyPinyin"], string(joined))
		}
	}
	return qs
}

// benchKinds are the sub-benchmarks, with the match kind their queries are
// made for (a query may match better: a fragment can be another's name).
var benchKinds = []struct {
	name string
	how  search.MatchKind
}{
	{"Exact", search.Exact}, {"Alias", search.Alias}, {"Prefix", search.Prefix}, {"Substring", search.Substring},
	{"Pinyin", search.Pinyin}, {"PinyinJoined", search.Pinyin}, {"PinyinInitials", search.Pinyin},
	{"Fuzzy", search.Fuzzy}, {"FuzzyPinyin", search.Fuzzy},
}

// BenchmarkSearch measures one query (first 10, all kinds) for each match
// kind on the index of n generated entities, and reports how often the
// first hit matched as the query was made to (the rest matched better).
func BenchmarkSearch(b *testing.B) {
	n := benchSize()
	ix, entries := benchIndex(b, n)
	qs := benchQueries(entries)
	for _, k := range benchKinds {
		b.Run(fmt.Sprintf("%s/n=%d", k.name, n), func(b *testing.B) {
			queries := qs[k.name]
			as := 0
			for _, q := range queries {
				hits, err := ix.Search(q, nil, 10)
				if err != nil || len(hits) == 0 {
					b.Fatalf("Search(%q) = %v, %v", q, hits, err)
				}
				if hits[0].How == k.how {
					as++
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := ix.Search(queries[i%len(queries)], nil, 10); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(100*float64(as)/float64(len(queries)), "%as-made")
		})
	}
}

var (
	benchStoreOnce sync.Once
	benchStore     *store.Store
	benchStoreErr  error
	benchStoreG    *gen.Graph
)

// BenchmarkStore compares a search with an entity(id) lookup on a generated
// graph in the memory store: both through the store's read layer, the
// search on the index built when the graph was loaded (a mix of every kind
// of query), the lookup through Cayley. Lookup runs first; the others
// report their time in lookups.
func BenchmarkStore(b *testing.B) {
	n := benchStoreSize()
	benchStoreOnce.Do(func() {
		benchStoreG = gen.Generate(n, benchSeed)
		benchStore, benchStoreErr = store.Open(context.Background(), "memory", func() (store.Source, error) {
			return benchStoreG.Dataset(), nil
		})
	})
	if benchStoreErr != nil {
		b.Fatal(benchStoreErr)
	}
	g, err := benchStore.Acquire()
	if err != nil {
		b.Fatal(err)
	}
	defer g.Release()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	var ids []string
	for range 1000 {
		ids = append(ids, benchStoreG.Entities[rng.IntN(len(benchStoreG.Entities))].ID)
	}
	// The searches: the same number of each kind's queries, interleaved.
	entries := make([]search.Entry, len(benchStoreG.Entities))
	for i, e := range benchStoreG.Entities {
		entries[i] = search.Entry{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases}
	}
	byKind := benchQueries(entries)
	var names []string
	for i := range 100 {
		for _, k := range benchKinds {
			if qs := byKind[k.name]; len(qs) > 0 {
				names = append(names, qs[i%len(qs)])
			}
		}
	}
	var lookupNs float64
	b.Run(fmt.Sprintf("EntityByID/n=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			es, err := g.Entities(ctx, ids[i%len(ids):i%len(ids)+1])
			if err != nil || es[0] == nil {
				b.Fatal(es, err)
			}
			i++
		}
		lookupNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	ratio := func(b *testing.B) {
		if lookupNs > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/lookupNs, "lookups/op")
		}
	}
	b.Run(fmt.Sprintf("SearchMixed/n=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := g.Index().Search(names[i%len(names)], nil, 10); err != nil {
				b.Fatal(err)
			}
			i++
		}
		ratio(b)
	})
	// What the API does for search(text) { entity { name } }: the search,
	// then one batched read of the hits' entities.
	b.Run(fmt.Sprintf("SearchThenLoad/n=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			hits, err := g.Index().Search(names[i%len(names)], nil, 10)
			if err != nil {
				b.Fatal(err)
			}
			hitIDs := make([]string, len(hits))
			for j, h := range hits {
				hitIDs[j] = h.ID
			}
			if _, err := g.Entities(ctx, hitIDs); err != nil {
				b.Fatal(err)
			}
			i++
		}
		ratio(b)
	})
}
