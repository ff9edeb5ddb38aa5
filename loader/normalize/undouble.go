package normalize

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// The PDF draws bold text twice, and the extraction keeps both copies: a
// chunk comes out as "AA" ("13251325亿元亿元"), often one character at a time
// ("33..99%%") and sometimes across a line break ("221221..33亿亿\n元元").
// Chinese also has genuine doubles (滴滴, 实实在在, 55个, 3441, ——), so only
// two recognisable shapes are undoubled: a number written with its unit, and
// a heading line made only of doubled chunks.

// boldNumber is what an undoubled number must look like: digits, an optional
// fraction and a unit. A doubled unit is what tells bold from a genuine 55个.
var boldNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(%|亿元|万元|亿|万|元)$`)

// maxDoubledRunes bounds the runs and heading segments halve is tried on. A
// doubled bold number or heading is a few dozen characters; halve's cost
// grows with the cube of the length, so without a bound one long line of
// repeated characters (100,000 digits, a line with no spaces) would stall a
// load for hours. Longer runs are kept as they are.
const maxDoubledRunes = 256

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isNumberRune reports whether r can be part of a number with its unit.
func isNumberRune(r rune) bool {
	return isDigit(r) || strings.ContainsRune(".%亿万元", r)
}

// undoubleNumbers rewrites every doubled number-with-unit run of s, such as
// "351351..9292亿元亿元" or "2626..99亿亿\n元元", once; everything else is kept.
func undoubleNumbers(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		// The run may cross one line break, which is dropped with it: it
		// only ever cuts a number from its unit.
		j := i + 1
		for j < len(rs) && (isNumberRune(rs[j]) ||
			rs[j] == '\n' && isNumberRune(rs[j-1]) && j+1 < len(rs) && isNumberRune(rs[j+1])) {
			j++
		}
		run := rs[i:j]
		flat := []rune(strings.ReplaceAll(string(run), "\n", ""))
		if len(flat) > maxDoubledRunes {
			b.WriteString(string(run))
		} else if half, _, ok := halve(flat); ok && boldNumber.MatchString(string(half)) {
			b.WriteString(string(half))
		} else {
			b.WriteString(string(run))
		}
		i = j
	}
	return b.String()
}

// undoubleHeading undoubles a bold heading line: every space-separated
// segment must be a sequence of doubled chunks, with at least one chunk of
// two or more characters and at least one letter, as in
// "产业发展兴产业发展兴 综合实力更上台阶综合实力更上台阶" or
// "全市全市““两高两高””…". It reports whether line was such a heading.
func undoubleHeading(line string) (string, bool) {
	if line == "" {
		return "", false
	}
	segs := strings.Split(line, " ")
	for i, seg := range segs {
		rs := []rune(seg)
		if len(rs) > maxDoubledRunes {
			return "", false
		}
		half, longest, ok := halve(rs)
		if !ok || longest < 2 || !strings.ContainsFunc(seg, unicode.IsLetter) {
			return "", false
		}
		segs[i] = string(half)
	}
	return strings.Join(segs, " "), true
}

// halve splits s into consecutive squares (a chunk immediately repeated, "AA")
// and returns s with every chunk written once, plus the length of the longest
// chunk. Longer chunks are tried first and the search backtracks, so the
// result is deterministic. ok is false if s is not such a sequence.
func halve(s []rune) (half []rune, longest int, ok bool) {
	if len(s) == 0 {
		return nil, 0, false
	}
	dead := make([]bool, len(s)) // positions known not to start a valid split
	var chunks []int             // chunk lengths of the current attempt
	var walk func(i int) bool
	walk = func(i int) bool {
		if i == len(s) {
			return true
		}
		if dead[i] {
			return false
		}
		for l := (len(s) - i) / 2; l >= 1; l-- {
			if !slices.Equal(s[i:i+l], s[i+l:i+2*l]) {
				continue
			}
			chunks = append(chunks, l)
			if walk(i + 2*l) {
				return true
			}
			chunks = chunks[:len(chunks)-1]
		}
		dead[i] = true
		return false
	}
	if !walk(0) {
		return nil, 0, false
	}
	i := 0
	for _, l := range chunks {
		half = append(half, s[i:i+l]...)
		longest = max(longest, l)
		i += 2 * l
	}
	return half, longest, true
}
