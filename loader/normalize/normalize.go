// Package normalize turns the raw text extracted from a newspaper PDF page
// into clean text made of blocks (paragraphs, headings, captions, profile
// lines, infographic items) with stable code-point offsets.
package normalize

import (
	"strings"
	"unicode/utf8"
)

// Block is one block of the normalised text: a prose paragraph, a heading, a
// profile box line, a caption, an infographic item.
type Block struct {
	Text string
	// Start and End are code-point offsets into Text.Text, start inclusive
	// and end exclusive.
	Start, End int
}

// Text is the normalised page: the blocks joined by "\n", with no trailing
// newline, so a block never contains a newline.
type Text struct {
	Text   string
	Blocks []Block
}

// Normalize cleans raw PDF text: it unifies line endings, trims trailing
// spaces, undoes the doubled bold runs of the extraction, rejoins lines
// broken mid-word and splits the page into blocks. No other character is
// changed. The result depends only on raw.
func Normalize(raw string) Text {
	s := strings.ReplaceAll(raw, "\r\n", "\n")
	// A lone CR is an old-style line break, not content.
	s = strings.ReplaceAll(s, "\r", "\n")

	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	// Bold numbers can straddle a line break, so they are undoubled on the
	// whole text before it is cut into lines again.
	s = undoubleNumbers(strings.Join(lines, "\n"))

	var src []srcLine
	for _, l := range strings.Split(s, "\n") {
		src = append(src, newSrcLine(l))
	}
	return build(splitBlocks(src))
}

// build joins the blocks with "\n" and records their code-point offsets.
func build(blocks []string) Text {
	var b strings.Builder
	t := Text{Blocks: make([]Block, 0, len(blocks))}
	pos := 0
	for i, s := range blocks {
		if i > 0 {
			b.WriteByte('\n')
			pos++
		}
		n := utf8.RuneCountInString(s)
		t.Blocks = append(t.Blocks, Block{Text: s, Start: pos, End: pos + n})
		b.WriteString(s)
		pos += n
	}
	t.Text = b.String()
	return t
}

// Find returns the code-point offsets [start,end) of every occurrence of
// quote in t.Text, overlapping ones included, in order (nil if none).
func (t Text) Find(quote string) [][2]int {
	if quote == "" {
		return nil
	}
	n := utf8.RuneCountInString(quote)
	var out [][2]int
	// runes counts the code points of t.Text[:from].
	from, runes := 0, 0
	for {
		i := strings.Index(t.Text[from:], quote)
		if i < 0 {
			return out
		}
		runes += utf8.RuneCountInString(t.Text[from : from+i])
		out = append(out, [2]int{runes, runes + n})
		// Step one code point past the match start so overlapping
		// occurrences are found too.
		_, size := utf8.DecodeRuneInString(t.Text[from+i:])
		from += i + size
		runes++
	}
}
