package search

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/civicgraph/civicgraph/kg"
)

// spell returns the reading units of name id: the name read with the data's
// override, an alias with the readings that override gives its characters.
func (ix *Index) spell(id int32, buf []syllable) []syllable {
	n := ix.names[id]
	e := &ix.entries[ix.order[n.rank]]
	person := e.Kind == kg.Person
	if n.alias < 0 {
		return syllables(ix.textOf(id), person, e.Pinyin, nil, buf)
	}
	var hints map[rune]string
	if e.Pinyin != "" {
		hints = hintsFrom(syllables(fold(e.Name), person, e.Pinyin, nil, nil))
	}
	return syllables(ix.textOf(id), false, "", hints, buf)
}

func (ix *Index) pyOf(id int32) string {
	p := ix.pyRecs[id]
	return ix.py[p.off : p.off+uint32(p.n)]
}

func (ix *Index) iniOf(id int32) string {
	p := ix.pyRecs[id]
	return ix.ini[p.ioff : p.ioff+uint32(p.in)]
}

func (ix *Index) insideOf(s sylRec) string {
	p := ix.pyRecs[s.name]
	return ix.py[s.pos : p.off+uint32(p.n)]
}

func (ix *Index) buildPinyin() {
	var py, ini strings.Builder
	ix.pyRecs = make([]pyRec, len(ix.names))
	var syls []syllable
	var joined []uint64
	var hints map[rune]string
	hintRank := int32(-1)
	for i, n := range ix.names {
		id := int32(i)
		e := &ix.entries[ix.order[n.rank]]
		if n.alias < 0 {
			syls = syllables(ix.textOf(id), e.Kind == kg.Person, e.Pinyin, nil, syls)
			if e.Pinyin != "" {
				hints, hintRank = hintsFrom(syls), n.rank
			}
		} else {
			if hintRank != n.rank {
				hints = nil
				if e.Pinyin != "" {
					hints = hintsFrom(syllables(fold(e.Name), e.Kind == kg.Person, e.Pinyin, nil, nil))
				}
				hintRank = n.rank
			}
			syls = syllables(ix.textOf(id), false, "", hints, syls)
		}
		rec := pyRec{off: uint32(py.Len()), ioff: uint32(ini.Len())}
		for k, s := range syls {
			if len(s.text)+py.Len()-int(rec.off) > 0xFFFF || k >= 0xFFFF {
				break // no real name is this long; index its start
			}
			if k > 0 {
				ix.inside = append(ix.inside, sylRec{pos: uint32(py.Len()), name: id})
			}
			py.WriteString(s.text)
			ini.WriteByte(s.text[0])
		}
		rec.n = uint16(py.Len() - int(rec.off))
		rec.in = uint16(ini.Len() - int(rec.ioff))
		py.WriteByte(0)
		ini.WriteByte(0)
		ix.pyRecs[id] = rec
		if rec.n == 0 {
			continue
		}
		h := hash32(py.String()[rec.off : rec.off+uint32(rec.n)])
		joined = append(joined, uint64(h)<<32|uint64(id)<<1)
		mark := len(joined)
		for a := range alternateHashes(syls) {
			if a != h && !slices.Contains(joined[mark:], uint64(a)<<32|uint64(id)<<1|1) {
				joined = append(joined, uint64(a)<<32|uint64(id)<<1|1)
			}
		}
	}
	ix.py, ix.ini = py.String(), ini.String()
	var wg sync.WaitGroup
	wg.Go(func() { ix.byPy = sortedIDs(len(ix.names), ix.pyOf) })
	wg.Go(func() { ix.byIni = sortedIDs(len(ix.names), ix.iniOf) })
	wg.Go(func() {
		sortByKey(ix.inside, ix.insideOf, func(a, b sylRec) int { return cmp.Compare(a.pos, b.pos) })
		ix.inside = slices.Clip(ix.inside)
	})
	wg.Go(func() { ix.joined = newHashTable(joined).withFilter() })
	wg.Wait()
}

// offerSpelling offers the name of a row of the joined table, when
// spelling is how it reads: in its main reading, or (a row with the low bit
// set) with another reading of one polyphonic character.
func (c *collector) offerSpelling(x uint64, spelling string) {
	c.offerIf(int32(uint32(x)>>1), func(id int32) bool {
		if x&1 == 0 {
			return c.ix.pyOf(id) == spelling
		}
		return slices.Contains(alternates(c.ix.spell(id, nil), nil), spelling)
	})
}

// pinyinQuery is a query read as pinyin.
type pinyinQuery struct {
	spellings []string // joined, lower case, toneless; the main reading first
	letters   bool     // it has Latin letters: pinyin, maybe mixed with characters
	pure      bool     // Latin letters and digits only
	initials  bool     // Latin letters only, so it may be initials (msx)
	hanOnly   bool     // two or more Chinese characters and no Latin letters
}

// imeSpelling spells lüe and nüe as the dictionary readings do (lue, nue)
// when typed the input-method way (lve, nve).
var imeSpelling = strings.NewReplacer("lve", "lue", "nve", "nue")

// parsePinyin reads the query as pinyin: tone marks, case, spaces and
// apostrophes do not matter ("Mǎ Shànxiáng", "ma shanxiang", "chang'an"),
// characters mixed in are read as pinyin too (马shanxiang).
func parsePinyin(q string) pinyinQuery {
	var b strings.Builder
	for _, r := range q {
		b.WriteRune(toneless(r))
	}
	f := fold(b.String())
	f = imeSpelling.Replace(f)
	syls := syllables(f, false, "", nil, nil)
	var pq pinyinQuery
	han, digits := 0, false
	var main strings.Builder
	for _, s := range syls {
		main.WriteString(s.text)
		if s.han != 0 {
			han++
			continue
		}
		for i := 0; i < len(s.text); i++ {
			if s.text[i] >= 'a' {
				pq.letters = true
			} else {
				digits = true
			}
		}
	}
	if main.Len() == 0 || main.Len() > 4*MaxQueryRunes {
		return pinyinQuery{}
	}
	pq.spellings = alternates(syls, []string{main.String()})
	pq.pure = pq.letters && han == 0
	pq.initials = pq.pure && !digits
	pq.hanOnly = !pq.letters && han >= 2
	return pq
}

// pinyin matches a query with Latin letters against the names' pinyin.
func (c *collector) pinyin(pq pinyinQuery) {
	ix := c.ix
	main := pq.spellings[0]
	steps := []struct {
		level int
		run   func()
	}{
		{lvPinyin, func() {
			for _, s := range pq.spellings {
				ids, exact := prefixRange(ix.byPy, ix.pyOf, s)
				for _, id := range ids[:exact] {
					c.offer(id)
				}
			}
		}},
		{lvInitials, func() {
			if pq.initials && len(main) >= 2 {
				ids, exact := prefixRange(ix.byIni, ix.iniOf, main)
				for _, id := range ids[:exact] {
					c.offer(id)
				}
			}
		}},
		{lvOtherReading, func() {
			for _, s := range pq.spellings {
				for _, x := range ix.joined.find(hash32(s)) {
					if x&1 == 1 {
						c.offerSpelling(x, s)
					}
				}
			}
		}},
		{lvPinyinPrefix, func() {
			for _, s := range pq.spellings {
				if len(s) >= 2 {
					ids, exact := prefixRange(ix.byPy, ix.pyOf, s)
					for _, id := range ids[exact:] {
						c.offer(id)
					}
				}
			}
		}},
		{lvInitialsPrefix, func() {
			if pq.initials && len(main) >= 2 {
				ids, exact := prefixRange(ix.byIni, ix.iniOf, main)
				for _, id := range ids[exact:] {
					c.offer(id)
				}
			}
		}},
		{lvPinyinInside, func() {
			for _, s := range pq.spellings {
				if len(s) >= 3 {
					sr, _ := prefixRange(ix.inside, ix.insideOf, s)
					for _, x := range sr {
						c.offer(x.name)
					}
				}
			}
		}},
	}
	for _, st := range steps {
		if c.full() {
			return
		}
		st.run()
		c.end(st.level)
	}
}

// homophones finds names that read like a query in Chinese characters: the
// commonest typo of a pinyin input method (马善详 for 马善祥).
func (c *collector) homophones(pq pinyinQuery) {
	for _, s := range pq.spellings {
		for _, x := range c.ix.joined.find(hash32(s)) {
			c.offerSpelling(x, s)
		}
	}
	c.end(lvHomophone)
}

// pinyinTypos finds names whose pinyin is one letter away from p: each
// spelling one edit from p is looked up, so no index of pinyin edits is kept.
func (c *collector) pinyinTypos(p string) {
	if len(p) < minPinyinTypo || len(p) > maxPinyinTypo {
		return
	}
	buf := make([]byte, 0, len(p)+1)
	try := func(b []byte) {
		for _, x := range c.ix.joined.find(hash32(b)) {
			c.offerSpelling(x, string(b))
		}
	}
	for i := range len(p) {
		try(append(append(buf[:0], p[:i]...), p[i+1:]...)) // deleted
		if i+1 < len(p) && p[i] != p[i+1] {
			b := append(buf[:0], p...)
			b[i], b[i+1] = b[i+1], b[i]
			try(b) // swapped
		}
		for l := byte('a'); l <= 'z'; l++ {
			if l != p[i] {
				b := append(buf[:0], p...)
				b[i] = l
				try(b) // replaced
			}
		}
	}
	for i := 0; i <= len(p); i++ {
		for l := byte('a'); l <= 'z'; l++ {
			try(append(append(append(buf[:0], p[:i]...), l), p[i:]...)) // inserted
		}
	}
	c.end(lvPinyinTypo)
}
