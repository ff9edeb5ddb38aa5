// Package search finds entities by the names people type — the full name, a
// short name, a fragment, its pinyin or a near miss — from an index built
// once per graph version, without scanning the graph per query.
//
// Every name and alias is indexed in its folded form (see fold) by:
//   - a sorted list, for exact and prefix matches;
//   - an inverted index of characters and character pairs, for substrings;
//   - its pinyin: joined syllables and initials in sorted lists, every later
//     syllable's suffix in a sorted list (pinyin from inside a name), and
//     hashes of each joined spelling, other readings of polyphonic characters
//     included, for whole-name pinyin, homophones and pinyin typos;
//   - the hashes of its one-character deletions (symmetric delete), for
//     one-character typos.
//
// Names are numbered in the order of their entity's rank (most connected
// first), so posting lists come out ranked and a query stops once it has
// enough hits.
package search

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/kg"
)

// MatchKind says how a query matched, best first.
type MatchKind int

const (
	Exact     MatchKind = iota // the name itself
	Alias                      // an alias itself
	Prefix                     // the start of a name or alias
	Substring                  // part of a name or alias
	Pinyin                     // the pinyin of a name or alias: full, joined, initials, its start or a part
	Fuzzy                      // a near miss: a homophone, one character off, or a pinyin typo
)

var kindNames = [...]string{"EXACT", "ALIAS", "PREFIX", "SUBSTRING", "PINYIN", "FUZZY"}

func (k MatchKind) String() string { return kindNames[k] }

// Entry is one entity as the index sees it.
type Entry struct {
	ID      string
	Kind    kg.Kind
	Name    string
	Aliases []string
	Pinyin  string // the data's pinyin of Name, overriding the generated one; may be empty
	Degree  int    // how connected the entity is: ties rank by it
}

// Hit is one result.
type Hit struct {
	ID      string
	Score   float64 // higher is better: the match level's band plus a fraction for connectedness
	Matched string  // the name or alias that matched, as written
	How     MatchKind
}

// The levels a hit can match at, best first. Each level is a band of the
// score, so a better level always outranks a worse one; within a band the
// more connected entity comes first.
const (
	lvExact          = iota // folded name equals the query
	lvAlias                 // folded alias equals the query
	lvPrefix                // a name or alias starts with the query
	lvSubstring             // a name or alias contains the query
	lvPinyin                // the main pinyin spelling equals the query's
	lvInitials              // the initials equal the query (msx)
	lvOtherReading          // a spelling with another reading of a polyphonic character equals it
	lvPinyinPrefix          // the main spelling starts with the query's
	lvInitialsPrefix        // the initials start with the query
	lvPinyinInside          // a later syllable of the main spelling starts with the query's
	lvHomophone             // Chinese text that sounds like the name (马善详 for 马善祥)
	lvTypo                  // one character inserted, deleted, replaced or two swapped
	lvPinyinTypo            // pinyin one letter off
	numLevels
)

var levelHow = [numLevels]MatchKind{Exact, Alias, Prefix, Substring, Pinyin, Pinyin, Pinyin, Pinyin, Pinyin, Pinyin, Fuzzy, Fuzzy, Fuzzy}

// Limits of the fuzzy steps: a one-character change in a name shorter than
// minTypoRunes (minTypoASCII when the query is plain ASCII) is a different
// name, not a typo; names longer than maxTypoRunes are matched without typos.
const (
	minTypoRunes  = 3
	minTypoASCII  = 5
	maxTypoRunes  = 32
	minPinyinTypo = 5
	maxPinyinTypo = 40
)

// Index answers searches over a fixed set of entries. It is immutable once
// built and safe for concurrent use.
type Index struct {
	entries []Entry
	order   []int32   // rank → entry index; rank 0 is the best connected
	kinds   []uint16  // rank → kind bit
	names   []nameRec // by name id; ids grow with their entity's rank
	text    string    // folded names, each followed by a 0 byte
	byText  []int32   // name ids sorted by folded text
	grams   postings  // characters and character pairs → name ids
	dels    hashTable // names and their one-character deletions → name ids

	py     string    // the main pinyin spelling of each name, joined, each followed by 0
	ini    string    // the initials of each, each followed by 0
	pyRecs []pyRec   // by name id
	byPy   []int32   // name ids sorted by spelling
	byIni  []int32   // name ids sorted by initials
	inside []sylRec  // the second and later syllables of each spelling, sorted by the rest of the spelling
	joined hashTable // joined spellings → name id << 1 | 1 for another reading
}

type nameRec struct {
	off   uint32 // in text
	n     uint16
	alias int16 // index in the entry's Aliases, -1 for the name
	rank  int32
}

type pyRec struct {
	off, ioff uint32 // in py and ini
	n, in     uint16
}

type sylRec struct {
	pos  uint32 // in py
	name int32
}

// Build indexes the entries. The index keeps entries: do not change them
// afterwards.
func Build(entries []Entry) *Index {
	ix := &Index{entries: entries}
	ix.rankEntries()
	ix.addNames()
	var wg sync.WaitGroup
	wg.Go(ix.sortByText)
	wg.Go(ix.buildGrams)
	wg.Go(ix.buildDeletions)
	wg.Go(ix.buildPinyin)
	wg.Wait()
	return ix
}

// Len is the number of indexed entities.
func (ix *Index) Len() int { return len(ix.entries) }

func (ix *Index) rankEntries() {
	ix.order = make([]int32, len(ix.entries))
	for i := range ix.order {
		ix.order[i] = int32(i)
	}
	slices.SortFunc(ix.order, func(a, b int32) int {
		ea, eb := &ix.entries[a], &ix.entries[b]
		if c := cmp.Compare(eb.Degree, ea.Degree); c != 0 {
			return c
		}
		return strings.Compare(ea.ID, eb.ID)
	})
	ix.kinds = make([]uint16, len(ix.order))
	for r, e := range ix.order {
		ix.kinds[r] = kindBit(ix.entries[e].Kind)
	}
}

func kindBit(k kg.Kind) uint16 {
	for i, x := range kg.Kinds {
		if x == k {
			return 1 << i
		}
	}
	return 1 << 15
}

// addNames folds every name and alias into text, in rank order, skipping an
// alias that folds to a name already there (《老马工作法》 and 老马工作法).
func (ix *Index) addNames() {
	var b strings.Builder
	for r, e := range ix.order {
		ent := &ix.entries[e]
		first := len(ix.names)
		add := func(s string, alias int) {
			f := fold(s)
			if f == "" || len(f) > 0xFFFF || b.Len()+len(f) >= 1<<32-1 {
				return
			}
			for _, n := range ix.names[first:] {
				if b.String()[n.off:n.off+uint32(n.n)] == f {
					return
				}
			}
			ix.names = append(ix.names, nameRec{off: uint32(b.Len()), n: uint16(len(f)), alias: int16(alias), rank: int32(r)})
			b.WriteString(f)
			b.WriteByte(0)
		}
		add(ent.Name, -1)
		for k, a := range ent.Aliases {
			if k > 0x7FFF {
				break
			}
			add(a, k)
		}
	}
	ix.text = b.String()
}

// textOf is the folded text of name id.
func (ix *Index) textOf(id int32) string {
	n := ix.names[id]
	return ix.text[n.off : n.off+uint32(n.n)]
}

// written is the name or alias of id as the data writes it.
func (ix *Index) written(id int32) string {
	n := ix.names[id]
	e := &ix.entries[ix.order[n.rank]]
	if n.alias < 0 {
		return e.Name
	}
	return e.Aliases[n.alias]
}

func (ix *Index) sortByText() {
	ix.byText = sortedIDs(len(ix.names), ix.textOf)
}

// Search returns up to first hits for text among entities of the given kinds
// (all kinds when none), best first: exact name, alias, prefix, substring,
// pinyin, then near misses, each ranked further by how connected the entity
// is. An entity appears once, at its best match. Text that cannot be a name
// is an ErrBadQuery; text that matches nothing gives no hits.
func (ix *Index) Search(text string, kinds []kg.Kind, first int) ([]Hit, error) {
	q, err := clean(text)
	if err != nil {
		return nil, err
	}
	c := ix.newCollector(kinds, first)
	if c.full() {
		return c.hits, nil
	}
	key := fold(q)
	steps := []func(){
		func() { c.exactAndPrefix(key) },
		func() { c.substring(key) },
	}
	pq := parsePinyin(q)
	if pq.letters {
		steps = append(steps, func() { c.pinyin(pq) })
	}
	if pq.hanOnly {
		steps = append(steps, func() { c.homophones(pq) })
	}
	steps = append(steps, func() { c.typos(key) })
	if pq.pure {
		steps = append(steps, func() { c.pinyinTypos(pq.spellings[0]) })
	}
	for _, step := range steps {
		if c.full() {
			break
		}
		step()
	}
	return c.hits, nil
}

// collector gathers hits level by level: at each level it keeps the best
// ranked candidates not taken at a better level, up to the number still
// wanted.
type collector struct {
	ix    *Index
	mask  uint16 // kinds wanted; 0 is all
	need  int
	taken map[int32]bool // ranks already hit
	hits  []Hit
	heap  []cand         // this level's best, a max-heap by rank
	seen  map[int32]bool // the ranks in heap, when it may grow long
}

type cand struct{ rank, name int32 }

func (ix *Index) newCollector(kinds []kg.Kind, first int) *collector {
	c := &collector{ix: ix, need: min(max(first, 0), len(ix.entries)), taken: map[int32]bool{}, hits: []Hit{}}
	if c.need > 32 {
		c.seen = map[int32]bool{}
	}
	for _, k := range kinds {
		c.mask |= kindBit(k)
	}
	return c
}

func (c *collector) full() bool { return c.need == 0 }

// levelFull reports whether this level already holds every hit still wanted:
// then a candidate from a ranked list cannot improve it.
func (c *collector) levelFull() bool { return len(c.heap) == c.need }

// offer considers name id as a candidate of the current level.
func (c *collector) offer(id int32) { c.offerIf(id, nil) }

// offerIf is offer for a candidate that must pass check too (a hash match
// checked against the text): check runs last, only for a candidate that
// would enter the level.
func (c *collector) offerIf(id int32, check func(int32) bool) {
	if c.need == 0 {
		return
	}
	rank := c.ix.names[id].rank
	if c.mask != 0 && c.ix.kinds[rank]&c.mask == 0 || c.taken[rank] {
		return
	}
	if len(c.heap) == c.need && rank >= c.heap[0].rank {
		return
	}
	if c.inLevel(rank) {
		return // another name of the same entity, found first
	}
	if check != nil && !check(id) {
		return
	}
	if c.seen != nil {
		c.seen[rank] = true
	}
	if len(c.heap) == c.need {
		if c.seen != nil {
			delete(c.seen, c.heap[0].rank)
		}
		c.heap[0] = cand{rank, id}
		c.down(0)
		return
	}
	c.heap = append(c.heap, cand{rank, id})
	for i := len(c.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if c.heap[p].rank >= c.heap[i].rank {
			break
		}
		c.heap[p], c.heap[i] = c.heap[i], c.heap[p]
		i = p
	}
}

// inLevel reports whether the level holds the entity already: a scan of a
// short heap is faster than a map, a map keeps long ones linear.
func (c *collector) inLevel(rank int32) bool {
	if c.seen != nil {
		return c.seen[rank]
	}
	for _, h := range c.heap {
		if h.rank == rank {
			return true
		}
	}
	return false
}

func (c *collector) down(i int) {
	for {
		l, big := 2*i+1, i
		if l < len(c.heap) && c.heap[l].rank > c.heap[big].rank {
			big = l
		}
		if l+1 < len(c.heap) && c.heap[l+1].rank > c.heap[big].rank {
			big = l + 1
		}
		if big == i {
			return
		}
		c.heap[i], c.heap[big] = c.heap[big], c.heap[i]
		i = big
	}
}

// end turns the level's candidates into hits.
func (c *collector) end(level int) {
	slices.SortFunc(c.heap, func(a, b cand) int { return cmp.Compare(a.rank, b.rank) })
	for _, h := range c.heap {
		e := &c.ix.entries[c.ix.order[h.rank]]
		c.hits = append(c.hits, Hit{ID: e.ID, Score: score(level, e.Degree), Matched: c.ix.written(h.name), How: levelHow[level]})
		c.taken[h.rank] = true
	}
	c.need -= len(c.heap)
	c.heap = c.heap[:0]
	clear(c.seen)
}

// score puts each level in its own band (numLevels for an exact name down to
// 1 for a pinyin typo), and ranks by connectedness within it.
func score(level, degree int) float64 {
	d := float64(max(degree, 0))
	return float64(numLevels-level) + d/(d+10)
}

func (c *collector) exactAndPrefix(key string) {
	if key == "" {
		return
	}
	ids, exact := prefixRange(c.ix.byText, c.ix.textOf, key)
	for _, lv := range []int{lvExact, lvAlias} {
		for _, id := range ids[:exact] {
			if (c.ix.names[id].alias < 0) == (lv == lvExact) {
				c.offer(id)
			}
		}
		c.end(lv)
	}
	for _, id := range ids[exact:] {
		c.offer(id)
	}
	c.end(lvPrefix)
}

func (c *collector) substring(key string) {
	rs := []rune(key)
	var list []int32
	switch len(rs) {
	case 0:
		return
	case 1:
		list = c.ix.grams.get(uniKey(rs[0]))
	default:
		// The rarest pair bounds the candidates; each is then checked whole.
		for i := 1; i < len(rs); i++ {
			l := c.ix.grams.get(biKey(rs[i-1], rs[i]))
			if i == 1 || len(l) < len(list) {
				list = l
			}
			if len(l) == 0 {
				return
			}
		}
	}
	for _, id := range list {
		if c.levelFull() {
			break // the list is in rank order: nothing later ranks higher
		}
		if strings.Contains(c.ix.textOf(id), key) {
			c.offer(id)
		}
	}
	c.end(lvSubstring)
}

// postings maps keys (characters and character pairs) to ascending name ids,
// stored flat.
type postings struct {
	keys  []uint64
	start []uint32 // keys[i]'s ids are ids[start[i]:start[i+1]]
	ids   []int32
}

func (p *postings) get(k uint64) []int32 {
	i, ok := slices.BinarySearch(p.keys, k)
	if !ok {
		return nil
	}
	return p.ids[p.start[i]:p.start[i+1]]
}

func uniKey(r rune) uint64   { return uint64(r)<<32 | 0xFFFFFFFF }
func biKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }
func gramKeys(s string, buf []uint64) []uint64 {
	buf = buf[:0]
	prev := rune(-1)
	for _, r := range s {
		buf = append(buf, uniKey(r))
		if prev >= 0 {
			buf = append(buf, biKey(prev, r))
		}
		prev = r
	}
	slices.Sort(buf)
	return slices.Compact(buf)
}

func (ix *Index) buildGrams() {
	count := map[uint64]uint32{}
	var buf []uint64
	for id := range ix.names {
		buf = gramKeys(ix.textOf(int32(id)), buf)
		for _, k := range buf {
			count[k]++
		}
	}
	p := &ix.grams
	p.keys = make([]uint64, 0, len(count))
	for k := range count {
		p.keys = append(p.keys, k)
	}
	slices.Sort(p.keys)
	p.start = make([]uint32, len(p.keys)+1)
	var total uint32
	for i, k := range p.keys {
		p.start[i] = total
		total += count[k]
		count[k] = p.start[i] // from here on: where k's next id goes
	}
	p.start[len(p.keys)] = total
	p.ids = make([]int32, total)
	for id := range ix.names {
		buf = gramKeys(ix.textOf(int32(id)), buf)
		for _, k := range buf {
			p.ids[count[k]] = int32(id)
			count[k]++
		}
	}
}

// buildDeletions indexes each name of minTypoRunes to maxTypoRunes
// characters under its hash and the hash of each of its one-character
// deletions (symmetric delete): a query one edit away shares one of them.
func (ix *Index) buildDeletions() {
	var rows []uint64
	var starts []int
	for id := range ix.names {
		s := ix.textOf(int32(id))
		starts = runeStarts(s, starts)
		n := len(starts) - 1
		if n < minTypoRunes || n > maxTypoRunes {
			continue
		}
		rows = append(rows, uint64(hash32(s))<<32|uint64(id))
		for i := range n {
			rows = append(rows, uint64(hashWithout(s, starts[i], starts[i+1]))<<32|uint64(id))
		}
	}
	ix.dels = newHashTable(rows)
}

// runeStarts returns the byte offset of each rune of s, and len(s) last.
func runeStarts(s string, buf []int) []int {
	buf = buf[:0]
	for i := range s {
		buf = append(buf, i)
	}
	return append(buf, len(s))
}

// typos finds names one character away from key: inserted, deleted,
// replaced, or two neighbours swapped.
func (c *collector) typos(key string) {
	ix := c.ix
	starts := runeStarts(key, nil)
	n := len(starts) - 1
	minRunes := minTypoRunes
	if len(key) == n {
		minRunes = minTypoASCII // plain ASCII: short words are too close to each other
	}
	if n < minRunes || n > maxTypoRunes+1 {
		return
	}
	near := func(id int32) bool {
		t := ix.textOf(id)
		// Indexed names have minTypoRunes or more; ASCII ones need more.
		return oneEdit(t, key) && (minRunes == minTypoRunes || utf8.RuneCountInString(t) >= minRunes)
	}
	check := func(id int32) { c.offerIf(id, near) }
	// A name one edit away is key with a character more (one of its
	// deletions is key), less (it is one of key's deletions), or another
	// (both share a deletion); hashes collide, so each candidate is checked.
	for _, x := range ix.dels.find(hash32(key)) {
		check(int32(uint32(x)))
	}
	for i := range n {
		for _, x := range ix.dels.find(hashWithout(key, starts[i], starts[i+1])) {
			check(int32(uint32(x)))
		}
	}
	c.end(lvTypo)
}

// oneEdit reports whether a and b differ by at most one character
// inserted, deleted or replaced, or two neighbours swapped. It works on the
// UTF-8 bytes: what is left between the common start and the common end must
// be a character or nothing on each side, or the same two characters
// swapped.
func oneEdit(a, b string) bool {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for p > 0 && p < len(a) && !utf8.RuneStart(a[p]) {
		p-- // back to the start of the character that differs
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	for s > 0 && !utf8.RuneStart(a[len(a)-s]) {
		s--
	}
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	na, nb := utf8.RuneCountInString(ma), utf8.RuneCountInString(mb)
	if na <= 1 && nb <= 1 {
		return true
	}
	if na != 2 || nb != 2 {
		return false
	}
	x, n := utf8.DecodeRuneInString(ma)
	y, _ := utf8.DecodeRuneInString(ma[n:])
	return mb == string(y)+string(x)
}
