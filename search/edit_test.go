package search

import "testing"

func TestOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"马善祥", "马善祥", true},
		{"马善祥", "马善详", true},     // replaced
		{"马善祥", "马善", true},      // deleted at the end
		{"马善祥", "善祥", true},      // deleted at the start
		{"马善祥", "马善善祥", true},    // inserted, a double
		{"红土地社区", "红地土社区", true}, // swapped
		{"红土地社区", "土红地社区", true}, // swapped at the start
		{"红土地社区", "红土地区社", true}, // swapped at the end
		{"aab", "ab", true},
		{"ab", "ba", true},
		{"马善祥", "马喜详", false},
		{"马善祥", "祥善马", false},
		{"马善祥", "马", false},
		{"abcd", "acdb", false},
		{"", "", true},
		{"", "马", true},
		{"", "马善", false},
		{"江北区", "江北嘴", true},
		{"重庆市", "重庆", true},
		{"祥", "详", true}, // same first two bytes: the difference starts mid-character
		{"详祥", "祥详", true},
		{"a详", "a祥", true},
	}
	for _, tt := range tests {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := oneEdit(tt.b, tt.a); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// FuzzOneEdit checks the byte-level oneEdit against a plain edit distance.
func FuzzOneEdit(f *testing.F) {
	f.Add("马善祥", "马善详")
	f.Add("红土地社区", "红地土社区")
	f.Add("aab", "ab")
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, rb := []rune(a), []rune(b)
		if string(ra) != a || string(rb) != b || len(ra) > 12 || len(rb) > 12 {
			return // valid UTF-8 only: the index holds nothing else
		}
		if got, want := oneEdit(a, b), osa(ra, rb) <= 1; got != want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// osa is the optimal string alignment distance, the textbook way.
func osa(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
