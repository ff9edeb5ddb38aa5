// Package search finds entities by the names people type: it indexes every
// name and alias of a graph once, when the graph is loaded, and answers
// queries from the index without scanning the graph.
package search

import (
	"errors"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/kg"
)

// MatchKind says how a query matched, best first.
type MatchKind int

const (
	Exact MatchKind = iota
	Alias
	Prefix
	Substring
	Pinyin
	Fuzzy
)

var kindNames = [...]string{"EXACT", "ALIAS", "PREFIX", "SUBSTRING", "PINYIN", "FUZZY"}

func (k MatchKind) String() string { return kindNames[k] }

// MaxQueryRunes bounds a query's length: no name is longer.
const MaxQueryRunes = 200

// ErrBadQuery is returned for text that cannot be a name.
var ErrBadQuery = errors.New("bad search text")

// Entry is one entity as the index sees it.
type Entry struct {
	ID      string
	Kind    kg.Kind
	Name    string
	Aliases []string
	Degree  int // how connected the entity is: ties rank by it
}

// Hit is one result.
type Hit struct {
	ID      string
	Score   float64
	Matched string // the name or alias that matched
	How     MatchKind
}

type name struct {
	text  string
	entry int
	alias bool
}

// Index answers searches over a fixed set of entries.
type Index struct {
	entries []Entry
	byText  map[string][]name // normalised full name → names
	names   []name            // every name and alias, sorted by text, for prefix search
}

// Build indexes the entries.
func Build(entries []Entry) *Index {
	ix := &Index{entries: entries, byText: map[string][]name{}}
	for i, e := range entries {
		ix.add(name{text: e.Name, entry: i})
		for _, a := range e.Aliases {
			ix.add(name{text: a, entry: i, alias: true})
		}
	}
	sort.Slice(ix.names, func(i, j int) bool { return ix.names[i].text < ix.names[j].text })
	return ix
}

func (ix *Index) add(n name) {
	key := fold(n.text)
	ix.byText[key] = append(ix.byText[key], n)
	ix.names = append(ix.names, name{text: key, entry: n.entry, alias: n.alias})
}

// Len is the number of indexed entities.
func (ix *Index) Len() int { return len(ix.entries) }

// Search returns up to first hits for text among entities of the given kinds
// (all kinds when none), best first: exact name, alias, then name prefix, each
// ranked further by how connected the entity is.
func (ix *Index) Search(text string, kinds []kg.Kind, first int) ([]Hit, error) {
	q, err := clean(text)
	if err != nil {
		return nil, err
	}
	key := fold(q)
	best := map[int]Hit{}
	consider := func(n name, how MatchKind, matched string) {
		e := ix.entries[n.entry]
		if len(kinds) > 0 && !kindIn(e.Kind, kinds) {
			return
		}
		h := Hit{ID: e.ID, How: how, Matched: matched, Score: score(how, e.Degree)}
		if old, ok := best[n.entry]; !ok || h.Score > old.Score {
			best[n.entry] = h
		}
	}
	for _, n := range ix.byText[key] {
		how := Exact
		if n.alias {
			how = Alias
		}
		consider(n, how, n.text)
	}
	i := sort.Search(len(ix.names), func(i int) bool { return ix.names[i].text >= key })
	for ; i < len(ix.names) && strings.HasPrefix(ix.names[i].text, key); i++ {
		n := ix.names[i]
		if n.text != key {
			consider(n, Prefix, ix.original(n))
		}
	}
	hits := make([]Hit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if len(hits) > first {
		hits = hits[:first]
	}
	return hits, nil
}

// original returns the name as written for an index name.
func (ix *Index) original(n name) string {
	e := ix.entries[n.entry]
	if !n.alias {
		return e.Name
	}
	for _, a := range e.Aliases {
		if fold(a) == n.text {
			return a
		}
	}
	return n.text
}

// score puts every match kind in its own band, so a better kind always
// outranks a worse one, and ranks by connectedness within a band.
func score(how MatchKind, degree int) float64 {
	band := float64(len(kindNames) - int(how))
	return band + float64(degree)/float64(degree+10)
}

func clean(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", errors.Join(ErrBadQuery, errors.New("text is not valid UTF-8"))
	}
	for _, r := range text {
		if unicode.IsControl(r) {
			return "", errors.Join(ErrBadQuery, errors.New("text contains control characters"))
		}
	}
	q := strings.TrimSpace(text)
	if q == "" {
		return "", errors.Join(ErrBadQuery, errors.New("text is empty"))
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return "", errors.Join(ErrBadQuery, errors.New("text is longer than 200 characters"))
	}
	return q, nil
}

// fold makes matching ignore case and width.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func kindIn(k kg.Kind, ks []kg.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
