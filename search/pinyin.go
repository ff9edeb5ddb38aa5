package search

import (
	"iter"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/kg"
	pinyin "github.com/mozillazg/go-pinyin"
)

// Romanize returns the toneless pinyin of an entity's name: the data's
// override as written when there is one (重庆 → "Chongqing"), else one
// lower-case syllable per character, separated by spaces ("ma shan xiang"),
// with the readings names take for polyphonic characters (see syllables).
func Romanize(name string, kind kg.Kind, override string) string {
	if strings.TrimSpace(override) != "" {
		return override
	}
	syls := syllables(fold(name), kind == kg.Person, "", nil, nil)
	parts := make([]string, len(syls))
	for i, s := range syls {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// syllable is one reading unit of a name: a Han character's reading or a run
// of ASCII letters and digits.
type syllable struct {
	text  string   // the reading used for display and the main index
	alts  []string // the character's other readings, nil when the reading is certain
	han   rune     // the character read, 0 for an ASCII run
	start int      // byte offset of the unit in the folded name
	end   int
}

// readings holds every toneless reading of each Han character, the
// library's most common first, from go-pinyin's heteronym dictionary.
var readings = sync.OnceValue(func() map[rune][]string {
	args := pinyin.Args{Style: pinyin.Normal, Heteronym: true}
	m := make(map[rune][]string, len(pinyin.PinyinDict))
	for k := range pinyin.PinyinDict {
		var rs []string
		for _, p := range pinyin.SinglePinyin(rune(k), args) {
			if p = normSyllable(p); p != "" && !slices.Contains(rs, p) {
				rs = append(rs, p)
			}
		}
		if len(rs) > 0 {
			m[rune(k)] = rs
		}
	}
	return m
})

// normSyllable keeps plain a–z readings and spells lüe/nüe the way people
// type them (lue, nue); lü stays lv, as in every pinyin input method.
func normSyllable(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] < 'a' || p[i] > 'z' {
			return "" // ê and the like: nobody types them
		}
	}
	switch p {
	case "lve":
		return "lue"
	case "nve":
		return "nue"
	}
	return p
}

// surnames are read as surnames at the start of a person's name, where the
// character's common reading is wrong (单 shan, not dan).
var surnames = map[string][]string{
	"单": {"shan"}, "曾": {"zeng"}, "解": {"xie"}, "查": {"zha"}, "区": {"ou"},
	"仇": {"qiu"}, "朴": {"piao"}, "盖": {"ge"}, "乐": {"yue"}, "缪": {"miao"},
	"翟": {"zhai"}, "覃": {"qin"}, "召": {"shao"}, "种": {"chong"}, "秘": {"bi"},
	"繁": {"po"}, "句": {"gou"}, "员": {"yun"}, "阚": {"kan"}, "隗": {"wei"},
	"柏": {"bai"}, "折": {"she"}, "逄": {"pang"}, "宓": {"mi"}, "任": {"ren"},
	"贾": {"jia"}, "叶": {"ye"}, "薄": {"bo"}, "祭": {"zhai"}, "郇": {"xun"},
	"莘": {"shen"}, "沈": {"shen"}, "重": {"chong"}, "长": {"chang"}, "曲": {"qu"},
	"万俟": {"mo", "qi"}, "尉迟": {"yu", "chi"}, "长孙": {"zhang", "sun"},
	"单于": {"chan", "yu"}, "令狐": {"ling", "hu"},
}

// phrases fix the reading of words common in civic names whose characters'
// first dictionary reading is wrong there.
var phrases = map[string][]string{
	"重庆": {"chong", "qing"}, "重阳": {"chong", "yang"}, "重建": {"chong", "jian"},
	"长江": {"chang", "jiang"}, "长安": {"chang", "an"}, "长寿": {"chang", "shou"},
	"长沙": {"chang", "sha"}, "长春": {"chang", "chun"}, "长城": {"chang", "cheng"},
	"长征": {"chang", "zheng"}, "长治": {"chang", "zhi"}, "长期": {"chang", "qi"},
	"市长": {"shi", "zhang"}, "区长": {"qu", "zhang"}, "县长": {"xian", "zhang"},
	"镇长": {"zhen", "zhang"}, "村长": {"cun", "zhang"}, "校长": {"xiao", "zhang"},
	"院长": {"yuan", "zhang"}, "局长": {"ju", "zhang"}, "部长": {"bu", "zhang"},
	"行长": {"hang", "zhang"}, "所长": {"suo", "zhang"}, "馆长": {"guan", "zhang"},
	"站长": {"zhan", "zhang"}, "社长": {"she", "zhang"}, "会长": {"hui", "zhang"},
	"家长": {"jia", "zhang"}, "成长": {"cheng", "zhang"}, "增长": {"zeng", "zhang"},
	"生长": {"sheng", "zhang"}, "董事长": {"dong", "shi", "zhang"}, "班长": {"ban", "zhang"},
	"银行": {"yin", "hang"}, "行业": {"hang", "ye"}, "商行": {"shang", "hang"},
	"厦门": {"xia", "men"}, "蚌埠": {"beng", "bu"}, "六安": {"lu", "an"},
	"六合": {"lu", "he"}, "番禺": {"pan", "yu"}, "乐清": {"yue", "qing"},
	"音乐": {"yin", "yue"}, "会计": {"kuai", "ji"}, "率先": {"shuai", "xian"},
	"调解": {"tiao", "jie"}, "协调": {"xie", "tiao"}, "调整": {"tiao", "zheng"},
	"空调": {"kong", "tiao"}, "西藏": {"xi", "zang"}, "宝藏": {"bao", "zang"},
	"人参": {"ren", "shen"}, "传记": {"zhuan", "ji"}, "还原": {"huan", "yuan"},
	"归还": {"gui", "huan"}, "角色": {"jue", "se"}, "给予": {"ji", "yu"},
	"供给": {"gong", "ji"}, "参差": {"cen", "ci"}, "都江堰": {"du", "jiang", "yan"},
	"大夫": {"dai", "fu"}, "石家庄": {"shi", "jia", "zhuang"}, "朝阳": {"chao", "yang"},
	"地方": {"di", "fang"}, "尽管": {"jin", "guan"}, "便宜": {"pian", "yi"},
}

// preferred is the reading of a character in place and organisation names
// where it differs from the dictionary's first; the other readings are still
// indexed.
var preferred = map[rune]string{'长': "chang", '都': "du", '曾': "zeng"}

// maxPhrase is the longest key in phrases and surnames, in runes.
const maxPhrase = 3

// syllables splits a folded name into reading units. A person's surname is
// read as a surname; known words as themselves; override (the data's own
// pinyin) wins over all when it can be matched character by character, and
// hints (readings taken from the entity's own override) come next. The
// result reuses buf.
func syllables(folded string, person bool, override string, hints map[rune]string, buf []syllable) []syllable {
	syls := buf[:0]
	table := readings()
	for i := 0; i < len(folded); {
		r, n := utf8.DecodeRuneInString(folded[i:])
		switch {
		case isASCIIAlnum(r):
			j := i + 1
			for j < len(folded) && isASCIIAlnum(rune(folded[j])) {
				j++
			}
			syls = append(syls, syllable{text: folded[i:j], start: i, end: j})
			i = j
			continue
		case table[r] != nil:
			rs := table[r]
			syls = append(syls, syllable{text: rs[0], alts: rs[1:], han: r, start: i, end: i + n})
		}
		i += n
	}
	if override != "" {
		if aligned := align(syls, letters(override)); aligned != nil {
			for i := range syls {
				syls[i].text, syls[i].alts = aligned[i], nil
			}
			return syls
		}
		// The override does not spell the name character by character:
		// its own words are the syllables.
		syls = syls[:0]
		for _, w := range strings.FieldsFunc(strings.ToLower(override), func(r rune) bool { return !isASCIIAlnum(r) }) {
			syls = append(syls, syllable{text: w})
		}
		return syls
	}
	for i := 0; i < len(syls); {
		if syls[i].han == 0 {
			i++
			continue
		}
		if h, ok := hints[syls[i].han]; ok {
			syls[i].text, syls[i].alts = h, nil
			i++
			continue
		}
		if k := fixWord(folded, syls, i, person && i == 0); k > 0 {
			i += k
			continue
		}
		if p, ok := preferred[syls[i].han]; ok {
			syls[i].text, syls[i].alts = p, without(table[syls[i].han], p)
		}
		i++
	}
	return syls
}

// fixWord reads the longest surname (when surname is set) or known word
// starting at unit i, and returns how many units it fixed.
func fixWord(folded string, syls []syllable, i int, surname bool) int {
	for k := min(maxPhrase, len(syls)-i); k >= 1; k-- {
		last := syls[i+k-1]
		if last.han == 0 || (k > 1 && !contiguous(syls[i:i+k])) {
			continue
		}
		word := folded[syls[i].start:last.end]
		rs, ok := phrases[word]
		isSurname := false
		if surname {
			if s, found := surnames[word]; found {
				rs, ok, isSurname = s, true, true
			}
		}
		if !ok || len(rs) != k {
			continue
		}
		for j := range k {
			syls[i+j].text, syls[i+j].alts = rs[j], nil
			if isSurname {
				// People who do not know the surname's reading type the
				// common one: keep it findable.
				syls[i+j].alts = without(readings()[syls[i+j].han], rs[j])
			}
		}
		return k
	}
	return 0
}

func contiguous(syls []syllable) bool {
	for j := 1; j < len(syls); j++ {
		if syls[j].han == 0 || syls[j].start != syls[j-1].end {
			return false
		}
	}
	return true
}

// align reads an override (its letters and digits, lower case) character by
// character: each Han unit must take one of its readings, each ASCII run
// itself. It returns the readings, or nil when the override does not fit.
func align(syls []syllable, o string) []string {
	table := readings()
	// failed[i][j]: units i… cannot spell o[j:]; the search is small (one
	// name) but memoised so no override is exponential.
	failed := make([][]bool, len(syls)+1)
	for i := range failed {
		failed[i] = make([]bool, len(o)+1)
	}
	out := make([]string, len(syls))
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if i == len(syls) {
			return j == len(o)
		}
		if failed[i][j] {
			return false
		}
		cands := []string{syls[i].text}
		if syls[i].han != 0 {
			cands = table[syls[i].han]
		}
		for _, c := range cands {
			for _, spelt := range []string{c, strings.ReplaceAll(c, "v", "u")} {
				if strings.HasPrefix(o[j:], spelt) && walk(i+1, j+len(spelt)) {
					out[i] = c
					return true
				}
				if !strings.Contains(c, "v") {
					break
				}
			}
		}
		failed[i][j] = true
		return false
	}
	if !walk(0, 0) {
		return nil
	}
	return out
}

// letters is the lower-case ASCII letters and digits of s, with ü as v.
func letters(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		r = toneless(r)
		if isASCIIAlnum(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// toneless maps a pinyin vowel with a tone mark (or ü) to its plain letter.
func toneless(r rune) rune {
	if r < 0x80 {
		return r
	}
	switch r {
	case 'ā', 'á', 'ǎ', 'à', 'Ā', 'Á', 'Ǎ', 'À':
		return 'a'
	case 'ē', 'é', 'ě', 'è', 'Ē', 'É', 'Ě', 'È', 'ê':
		return 'e'
	case 'ī', 'í', 'ǐ', 'ì', 'Ī', 'Í', 'Ǐ', 'Ì':
		return 'i'
	case 'ō', 'ó', 'ǒ', 'ò', 'Ō', 'Ó', 'Ǒ', 'Ò':
		return 'o'
	case 'ū', 'ú', 'ǔ', 'ù', 'Ū', 'Ú', 'Ǔ', 'Ù':
		return 'u'
	case 'ü', 'ǖ', 'ǘ', 'ǚ', 'ǜ', 'Ü', 'Ǖ', 'Ǘ', 'Ǚ', 'Ǜ':
		return 'v'
	case 'ń', 'ň', 'ǹ':
		return 'n'
	case 'ḿ':
		return 'm'
	}
	return r
}

// hintsFrom maps each character of a name with an aligned override to its
// reading, so the entity's aliases read the same (重庆市 "Chongqing Shi" →
// alias 重庆 chong qing). Characters read two ways in the name are left out.
func hintsFrom(syls []syllable) map[rune]string {
	var m map[rune]string
	bad := map[rune]bool{}
	for _, s := range syls {
		if s.han == 0 || bad[s.han] {
			continue
		}
		if m == nil {
			m = map[rune]string{}
		}
		if old, ok := m[s.han]; ok && old != s.text {
			delete(m, s.han)
			bad[s.han] = true
			continue
		}
		m[s.han] = s.text
	}
	return m
}

// maxAlts bounds the other-reading spellings indexed per name: each differs
// from the main one in one polyphonic character.
const maxAlts = 3

// alternates appends to out the joined spellings of syls with one polyphonic
// character read another way, at most maxAlts.
func alternates(syls []syllable, out []string) []string {
	n := 0
	for i, s := range syls {
		for _, a := range s.alts {
			if n == maxAlts {
				return out
			}
			var b strings.Builder
			for j, t := range syls {
				if j == i {
					b.WriteString(a)
				} else {
					b.WriteString(t.text)
				}
			}
			out = append(out, b.String())
			n++
		}
	}
	return out
}

// alternateHashes yields hash32 of each spelling alternates would make,
// without making them: the index stores only hashes of other readings.
func alternateHashes(syls []syllable) iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		n := 0
		for i, s := range syls {
			for _, a := range s.alts {
				if n == maxAlts {
					return
				}
				h := uint32(fnvOffset)
				for j, t := range syls {
					w := t.text
					if j == i {
						w = a
					}
					h = fnvAdd(h, w)
				}
				if !yield(h) {
					return
				}
				n++
			}
		}
	}
}

func without(rs []string, p string) []string {
	var out []string
	for _, r := range rs {
		if r != p {
			out = append(out, r)
		}
	}
	return out
}

func isASCIIAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
}
