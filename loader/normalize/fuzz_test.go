package normalize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalize checks the normaliser's invariants on any valid UTF-8 text
// (the loader refuses anything else before normalising):
//
//   - every block's offsets map back into the text: the code points
//     [Start,End) of Text are the block, and Find's offsets are the quote;
//   - text with no doubled run passes unchanged apart from line joining:
//     with line breaks removed and each line trimmed, it equals the output
//     with its block separators removed;
//   - normalising its own output changes no character and splits no block
//     (checked where the output holds no doubled run, which a second pass
//     would undouble again: "好好好好" gives "好好", then "好").
//
// Normalising the output does join blocks, though: which lines make a block
// is decided from the page's layout (blank lines, indentation, line widths),
// which the output, a block per line, no longer has. TestRenormalize shows
// it on the real page.
//
// The seeds are the real sources (data/sources/*.txt, the seed page) and
// each of their paragraphs.
func FuzzNormalize(f *testing.F) {
	for _, s := range seedTexts(f) {
		f.Add(s)
	}
	for _, s := range []string{
		"",
		"\n\n\n",
		"\r\n\r",
		"  标题\n\n　　正文，第一句。\n第二行",
		"13251325亿元亿元",
		"2626..99亿亿\n元元",
		"33..99%%",
		"产业发展兴产业发展兴 综合实力更上台阶综合实力更上台阶",
		"实实在在55个——",
		"一是提前实现全覆盖。二是",
		"\t \u3000x\t \n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !utf8.ValidString(raw) {
			return // the loader refuses invalid UTF-8 before normalising
		}
		got := Normalize(raw)
		checkOffsets(t, got)
		for _, b := range got.Blocks {
			for _, at := range got.Find(b.Text) {
				if q := string([]rune(got.Text)[at[0]:at[1]]); q != b.Text {
					t.Fatalf("Find(%q) gave [%d,%d), which is %q", b.Text, at[0], at[1], q)
				}
			}
			if len(got.Find(b.Text)) == 0 {
				t.Fatalf("Find(%q) found no block of the text", b.Text)
			}
		}
		if !hasSquare(compact(raw)) {
			if want, joined := trimmedLines(raw), strings.ReplaceAll(got.Text, "\n", ""); joined != want {
				t.Fatalf("text with no doubled run changed beyond line joining:\nraw  %q\nwant %q\ngot  %q", raw, want, joined)
			}
		}
		// Normalising the output again: a block is never split nor changed
		// unless it holds a doubled run; blocks may join (TestRenormalize).
		if !hasSquare(compact(got.Text)) {
			again := Normalize(got.Text)
			if !sameJoins(got, again) {
				t.Fatalf("normalising the output again split or changed a block:\nonce  %q\ntwice %q", got.Text, again.Text)
			}
		}
	})
}

// seedTexts are the real sources and each of their paragraphs.
func seedTexts(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("../../data/sources/*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no sources in data/sources: %v", err)
	}
	files = append(files, seedPath)
	var out []string
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(b))
		for _, p := range strings.Split(string(b), "\n\n") {
			if strings.TrimSpace(p) != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// trimmedLines is raw as Normalize sees its characters: line breaks (LF,
// CRLF, CR) removed, each line trimmed of the spaces and tabs at its end and
// of the spaces, tabs and ideographic spaces at its start.
func trimmedLines(raw string) string {
	s := strings.ReplaceAll(raw, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(strings.TrimLeft(strings.TrimRight(l, " \t"), " \t\u3000"))
	}
	return b.String()
}

// compact is raw without any white space: a doubled run may straddle a
// line break or the trimmed edges of lines.
func compact(raw string) []rune {
	return []rune(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\u3000':
			return -1
		}
		return r
	}, raw))
}

// hasSquare reports whether s holds a doubled run: some non-empty chunk
// immediately repeated ("AA"), the shape of every run the normaliser
// undoubles. Text without one leaves the undoubling nothing to do.
func hasSquare(s []rune) bool {
	for l := 1; 2*l <= len(s); l++ {
		same := 0 // consecutive positions i with s[i] == s[i+l]
		for i := 0; i+l < len(s); i++ {
			if s[i] == s[i+l] {
				same++
				if same == l {
					return true
				}
			} else {
				same = 0
			}
		}
	}
	return false
}

// sameJoins reports whether b is a with some block separators removed:
// the same characters, with block breaks only where a has them.
func sameJoins(a, b Text) bool {
	if strings.ReplaceAll(a.Text, "\n", "") != strings.ReplaceAll(b.Text, "\n", "") {
		return false
	}
	breaks := map[int]bool{} // in code points of the text without separators
	n := 0
	for i, blk := range a.Blocks {
		n += blk.End - blk.Start
		if i < len(a.Blocks)-1 {
			breaks[n] = true
		}
	}
	n = 0
	for i, blk := range b.Blocks {
		n += blk.End - blk.Start
		if i < len(b.Blocks)-1 && !breaks[n] {
			return false
		}
	}
	return true
}

// Runs and heading segments longer than any doubled bold text are kept as
// they are, not searched for doubling: the search grows with the cube of
// the length, and the fuzzer stalled on one long line of repeated
// characters (testdata/fuzz/FuzzNormalize keeps it).
func TestLongRuns(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"OKDoubledNumberUndoubled", "总量达到1234512345亿元亿元。", "总量达到12345亿元。"},
		{"OKLongDigitRunKept", strings.Repeat("1", 20000) + "亿元亿元", strings.Repeat("1", 20000) + "亿元亿元"},
		{"OKLongNumberRunKept", strings.Repeat("11", 200) + "亿元亿元", strings.Repeat("11", 200) + "亿元亿元"},
		{"OKDoubledHeadingUndoubled", "产业发展兴产业发展兴 综合实力更上台阶综合实力更上台阶", "产业发展兴 综合实力更上台阶"},
		{"OKLongLineKept", strings.Repeat("好", 20000), strings.Repeat("好", 20000)},
		{"OKLongSegmentKept", strings.Repeat("你好", 200) + " 好好", strings.Repeat("你好", 200) + " 好好"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.raw)
			if got.Text != tt.want {
				t.Errorf("Normalize(%.40q…) = %.60q…, want %.60q…", tt.raw, got.Text, tt.want)
			}
			checkOffsets(t, got)
		})
	}
}

// Normalising the real sources' output again keeps every character and
// every block break it keeps is one of the first pass's: on the page, 79
// blocks become 40, because a line that fills its column or ends without a
// blank line after it reads as the middle of a paragraph.
func TestRenormalize(t *testing.T) {
	for _, raw := range seedTexts(t) {
		once := Normalize(raw)
		twice := Normalize(once.Text)
		if !sameJoins(once, twice) {
			t.Errorf("normalising the output of %.40q… again changed a character or split a block", raw)
		}
		if thrice := Normalize(twice.Text); !sameJoins(twice, thrice) {
			t.Errorf("a third pass over %.40q… changed a character or split a block", raw)
		}
	}
}
