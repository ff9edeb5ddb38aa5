package importer

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"
)

// lines maps byte offsets of a file to lines and columns: columns count
// characters (code points) from 1, so an editor's cursor finds them in
// Chinese text too.
type lines struct {
	data  []byte
	start []int // byte offset of each line's first byte
}

func newLines(data []byte) *lines {
	l := &lines{data: data, start: []int{0}}
	for i, b := range data {
		if b == '\n' {
			l.start = append(l.start, i+1)
		}
	}
	return l
}

// at is the place of byte offset off.
func (l *lines) at(off int) pos {
	off = max(0, min(off, len(l.data)))
	i := sort.Search(len(l.start), func(i int) bool { return l.start[i] > off }) - 1
	return pos{line: i + 1, col: utf8.RuneCount(l.data[l.start[i]:off]) + 1}
}

// lineCol turns a line and a byte column from 1 (as encoding/csv gives
// them) into a character column.
func (l *lines) lineCol(line, byteCol int) pos {
	if line < 1 || line > len(l.start) {
		return pos{line: line}
	}
	return l.at(l.start[line-1] + max(byteCol-1, 0))
}

// pastLine reports whether byte column byteCol (from 1) of line lies past
// the line's last character.
func (l *lines) pastLine(line, byteCol int) bool {
	if line < 1 || line > len(l.start) {
		return true
	}
	end := len(l.data)
	if line < len(l.start) {
		end = l.start[line] - 1 // the line's \n
	}
	return l.start[line-1]+byteCol-1 >= end
}

// firstInvalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// checkIRI says what keeps s from being an absolute IRI, or "" when it is
// one: a scheme, and none of the characters an IRI may not hold.
func checkIRI(s string) string {
	if s == "" {
		return "an empty IRI"
	}
	if !schemeRE.MatchString(s) {
		return fmt.Sprintf("%q is not an absolute IRI (want a scheme, like https://…)", s)
	}
	for _, r := range s {
		if r <= 0x20 || r == 0x7f || strings.ContainsRune("<>\"{}|^`\\", r) {
			return fmt.Sprintf("IRI %q holds %q, which an IRI may not", s, r)
		}
	}
	// A % starts a percent-encoding, two hex digits (RFC 3987). N-Triples'
	// grammar lets any % through, JSON-LD processors refuse it: refused
	// here, an import reads the same from every format it is written in.
	for rest := s; ; {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			break
		}
		if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
			return fmt.Sprintf("IRI %q holds a %% that is not followed by two hex digits, which an IRI may not (write a %% as %%25)", s)
		}
		rest = rest[i+3:]
	}
	// JSON-LD processors drop statements with an http or https IRI their
	// URL check refuses (json-gold: a host not starting with a dot, no
	// empty label, under 2083 characters …); refused here too, an import
	// reads the same from N-Quads as from its own JSON-LD export.
	if (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) && !ld.IsURL(s) {
		return fmt.Sprintf("%q is not a well-formed web address (a host, like https://example.org/…, under 2083 characters)", s)
	}
	return ""
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isWebIRI reports whether s is an absolute http or https IRI with a host.
func isWebIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && checkIRI(s) == ""
}

// checkBase checks the base IRIs are minted under, as data/dataset.yaml
// declares it: http or https, a host, no query, no fragment.
func checkBase(base string) error {
	if !isWebIRI(base) || strings.ContainsAny(base, "?#") {
		return fmt.Errorf("%w: base %q: want an absolute http or https IRI with a host, no query and no fragment, like https://w3id.org/civicgraph", ErrArgument, base)
	}
	return nil
}

// escapeSegment percent-encodes s as one segment of an IRI path: letters
// and digits of any script and -._~!$&'()*+,;=:@ stay, everything else
// (spaces, /, ?, #, %, controls) becomes %XX of its UTF-8 bytes.
func escapeSegment(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~!$&'()*+,;=:@", r)):
			b.WriteRune(r)
		case r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
			b.WriteRune(r)
		default:
			var buf [utf8.UTFMax]byte
			n := utf8.EncodeRune(buf[:], r)
			for _, c := range buf[:n] {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	return b.String()
}

var langRE = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// canonicalLang writes a BCP 47 tag in its conventional case — language
// lower, script title, region upper (zh-Hans, en-US) — since tags compare
// without regard to case and JSON-LD processors lower-case them.
func canonicalLang(tag string) string {
	parts := strings.Split(tag, "-")
	private := false
	for i, p := range parts {
		switch {
		case i == 0 || private:
			p = strings.ToLower(p)
		case len(p) == 1:
			p = strings.ToLower(p)
			private = true // after a singleton, every subtag is lower case
		case len(p) == 4 && isAlpha(p):
			p = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		case len(p) == 2 && isAlpha(p):
			p = strings.ToUpper(p)
		default:
			p = strings.ToLower(p)
		}
		parts[i] = p
	}
	return strings.Join(parts, "-")
}

func isAlpha(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// isLatin reports whether s has letters and all of them are Latin.
func isLatin(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.Is(unicode.Latin, r) {
				return false
			}
			letters = true
		}
	}
	return letters
}
