package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The extraction keeps the PDF's line breaks, breaks lines mid-word and puts
// blank lines in odd places (often one line before the real paragraph end),
// so neither a line break nor a blank line alone ends a paragraph. Blocks are
// decided from the punctuation at the end of a line, the blank and indented
// lines around it and the relative widths of neighbouring lines.

const (
	// maxHeadingRunes bounds the length of a heading or a caption line.
	maxHeadingRunes = 20
	// fullLineSlack is how much narrower than the next line (in display
	// columns) a line may be and still count as filling its column.
	fullLineSlack = 2
)

// srcLine is one line of the extracted text, trimmed.
type srcLine struct {
	text     string
	blank    bool
	indented bool // began with a space: a paragraph start in this layout
	heading  bool // a bold heading that was undoubled
}

func newSrcLine(l string) srcLine {
	text := strings.TrimLeft(l, " \t\u3000")
	ln := srcLine{text: text, blank: text == "", indented: text != l}
	if h, ok := undoubleHeading(text); ok {
		ln.text, ln.heading = h, true
	}
	return ln
}

// splitBlocks groups lines into blocks. Lines of a block are joined with no
// separator: Chinese needs none and a break inside a Latin word or number is
// not a space; spaces that were inside a line are kept.
func splitBlocks(lines []srcLine) []string {
	var blocks, cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.Join(cur, ""))
			cur = nil
		}
	}
	blankBefore := false
	for i, ln := range lines {
		if ln.blank {
			// A paragraph without any clause punctuation is a caption or a
			// heading, which a blank line ends; prose goes on past one.
			if len(cur) > 0 && !hasClausePunct(strings.Join(cur, "")) {
				flush()
			}
			blankBefore = true
			continue
		}
		var next *srcLine
		if i+1 < len(lines) {
			next = &lines[i+1]
		}

		// canStand: the line may be a block of its own because whatever
		// comes before it is complete.
		canStand := len(cur) == 0
		if !canStand {
			last := cur[len(cur)-1]
			if ln.indented || startsEnumeration(ln.text) || endsParagraph(last, blankBefore, ln.text) {
				flush()
				canStand = true
			} else {
				// "…张永忠：" followed by its heading line.
				canStand = strings.HasSuffix(last, "：")
			}
		}
		blankBefore = false

		if ln.heading || canStand && isStandalone(ln.text, next) {
			flush()
			blocks = append(blocks, ln.text)
			continue
		}
		cur = append(cur, ln.text)
	}
	flush()
	return blocks
}

// endsParagraph reports whether the line last ends its paragraph, given
// whether a blank line follows it and the line next that follows that.
func endsParagraph(last string, blankBefore bool, next string) bool {
	switch {
	case !endsSentence(last):
		// "…江北实践中生\n\n动演绎。": a blank line inside a sentence.
		return false
	case blankBefore:
		return true
	case strings.HasSuffix(last, "；") || strings.HasSuffix(last, "——"):
		// Items of a list and the line introducing it.
		return true
	case strings.HasSuffix(last, "："):
		// "赞不绝口：\n“我们遇事有地方说…": the quote goes on.
		return false
	default:
		// A sentence end on a line narrower than the next one is a
		// paragraph end whose blank line went missing; a line filling its
		// column merely happens to end with a sentence.
		return displayWidth(last)+fullLineSlack < displayWidth(next)
	}
}

// endsSentence reports whether line ends with sentence-final punctuation:
// 。！？…；：, "——", or a closing quote right after one of 。！？… (a bare
// closing quote, as in "1947年，“六一”", ends no sentence).
func endsSentence(line string) bool {
	if strings.HasSuffix(line, "——") {
		return true
	}
	r, size := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune("”’」』", r) {
		r, _ = utf8.DecodeLastRuneInString(line[:len(line)-size])
		return strings.ContainsRune("。！？…!?", r)
	}
	return strings.ContainsRune("。！？…；：!?;", r)
}

// enumerators start paragraphs of a numbered list: "一是提前实现全覆盖。…".
var enumerators = []string{"一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是"}

func startsEnumeration(line string) bool {
	for _, e := range enumerators {
		if strings.HasPrefix(line, e) {
			return true
		}
	}
	return false
}

// isStandalone reports whether a line that starts a block is a heading or a
// caption, which makes a block of its own: it is short, has no clause
// punctuation and is followed by a blank or indented line, or by a line at
// least twice as wide (prose under a heading, as in
// "党建引领开启“幸福密码”\n江北区坚持人民城市…").
func isStandalone(line string, next *srcLine) bool {
	if hasClausePunct(line) || utf8.RuneCountInString(line) > maxHeadingRunes {
		return false
	}
	return next == nil || next.blank || next.indented ||
		displayWidth(next.text) >= 2*displayWidth(line)
}

// hasClausePunct reports whether s holds punctuation that only prose has.
func hasClausePunct(s string) bool {
	return strings.ContainsAny(s, "，。、；：！？…,;!?")
}

// displayWidth is the width of s in columns, CJK characters counting two, so
// lines mixing Han and digits can be compared.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w++
		if isWide(r) {
			w++
		}
	}
	return w
}

func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return true
	case r >= 0x3000 && r <= 0x303F, // CJK punctuation
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6:
		return true
	}
	return false
}
