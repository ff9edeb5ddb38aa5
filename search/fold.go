package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryRunes bounds a query's length: no name people type is longer, and
// the fuzzy and pinyin steps cost grows with it.
const MaxQueryRunes = 200

// ErrBadQuery is returned for text that cannot be a name: empty, too long,
// not UTF-8 or holding control characters. The API shows it as
// BAD_USER_INPUT.
var ErrBadQuery = errors.New("bad search text")

func badQuery(msg string) error { return fmt.Errorf("%w: %s", ErrBadQuery, msg) }

// clean checks a query and trims it.
func clean(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", badQuery("text is not valid UTF-8")
	}
	// Count before trimming, so a huge padded string is refused cheaply.
	if len(text) > 4*(MaxQueryRunes+64) {
		return "", badQuery(fmt.Sprintf("text is longer than %d characters", MaxQueryRunes))
	}
	for _, r := range text {
		if unicode.IsControl(r) {
			return "", badQuery(fmt.Sprintf("text contains the control character %U", r))
		}
	}
	q := strings.TrimSpace(text)
	if q == "" {
		return "", badQuery("text is empty")
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return "", badQuery(fmt.Sprintf("text is longer than %d characters", MaxQueryRunes))
	}
	return q, nil
}

// fold is the form names and queries are compared in: full-width ASCII made
// half-width, lower case, and without whitespace, invisible format
// characters and quotation or title marks — people type 三联工作法 for
// “三联”工作法 and 智能+5G for 智能＋5G.
func fold(s string) string {
	if isFolded(s) {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r = foldRune(r); r >= 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isFolded(s string) bool {
	for _, r := range s {
		if foldRune(r) != r {
			return false
		}
	}
	return true
}

// foldRune maps one rune to its folded form, or -1 to drop it.
func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		case r < ' ', r == 0x7F, r == ' ', r == '"', r == '\'', r == '`':
			return -1 // controls (in data, never in queries), space, quotes
		}
		return r
	case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
		return foldRune(r - 0xFEE0)
	case r == 0x3000, unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
		return -1
	}
	switch r {
	case '“', '”', '‘', '’', '《', '》', '〈', '〉', '「', '」', '『', '』', '«', '»':
		return -1
	}
	return unicode.ToLower(r)
}

// isHan reports whether r is a CJK ideograph.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
