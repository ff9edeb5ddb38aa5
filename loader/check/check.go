// Package check measures how completely a dataset covers its sources: what
// it holds per kind and predicate, which entities hang loose, whether every
// quote sits at its offsets, and which titles, names and numbers of a source
// no quote covers — the likely misses — less those a waiver accepts. It also
// warns of relations that may read more than their quotes say: links not
// marked inferred whose quotes name neither end.
//
// It reads a loaded dataset (whose sources carry their normalised text) and
// imports neither Cayley nor gqlgen, so it runs before anything is stored.
package check

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
)

// MissKind says what a likely miss looks like.
type MissKind string

// The kinds of likely misses, in report order.
const (
	Title  MissKind = "title"  // a 《title》
	Name   MissKind = "name"   // the end of a …街道/…社区/…公司 … name
	Number MissKind = "number" // a number with a unit: 1325亿元, 3.9%, 55个
)

// MissKinds lists the kinds in report order.
var MissKinds = []MissKind{Title, Name, Number}

// The patterns are deliberately simple: they over-report, and what is not a
// miss is waived with a reason, so a reader sees every judgement call.
var patterns = map[MissKind]*regexp.Regexp{
	Title: regexp.MustCompile(`《[^《》\n]+》`),
	// One Han character before the type word is the least that makes it a
	// name's end (唐桂社区 → 桂社区); a quote must hold that much of it.
	Name: regexp.MustCompile(`\p{Han}(?:街道|社区|村|镇|公司|中心|博物馆|码头)`),
	// A multiplier and 余/多 may sit between the digits and the unit, as in
	// 1.2万余名, 700余万字, 2万亿元.
	Number: regexp.MustCompile(`\d+(?:\.\d+)?[万亿]?[余多]?[万亿]?(?:平方米|人次|周年|小时|元|字|%|家|个|座|所|栋|户|名|件|次|起|本|倍|年|条|岁)`),
}

// Miss is a span of a source that looks like a fact: a title, a name or a
// number with a unit.
type Miss struct {
	Source     string
	Kind       MissKind
	Text       string
	Start, End int    // code points into the normalised text, end exclusive
	Context    string // the span with a few characters either side
	Quoted     bool   // inside some evidence quote
	Waiver     *Waiver
}

// Open reports whether the miss is neither quoted nor waived.
func (m *Miss) Open() bool { return !m.Quoted && m.Waiver == nil }

// Unnamed is a relation not marked inferred none of whose quotes names
// either end (the subject's or the object's name or any alias): the link
// is likely read from context rather than stated, and then belongs marked
// `inferred: [relation]`. It is a warning: it never fails the check, and a
// waiver with its Key accepts it with a reason.
type Unnamed struct {
	Relation *kg.Relation
	Key      string // "subject predicate object", as a waiver names it
	Waiver   *Waiver
}

// Open reports whether the warning is not waived.
func (u *Unnamed) Open() bool { return u.Waiver == nil }

// RelationKey names a relation the way a waiver's relation field does:
// subject, predicate and object, separated by single spaces.
func RelationKey(rel *kg.Relation) string {
	return rel.Subject + " " + rel.Predicate + " " + rel.Object
}

// Report is the result of a check.
type Report struct {
	Root                 string // the data folder, for messages
	Sources              int
	Entities             int
	Relations            int
	Figures              int
	EntitiesByKind       map[kg.Kind]int
	RelationsByPredicate map[string]int
	FiguresByKind        map[kg.Kind]int
	IdentifiersByScheme  map[string]int
	Uncited              []string // identifiers without a citation: entity id and scheme
	Unlinked             []*kg.Entity
	Quotes               int        // evidence quotes checked
	Misplaced            []string   // quotes not at their offsets
	Misses               []*Miss    // by source, then offset
	Unnamed              []*Unnamed // warnings, by key
	Waivers              []*Waiver
	WaiverErrors         loader.Errors

	relationKeys []string // of every relation, for relation waivers
}

// Run checks ds against its sources' normalised text; waivers accept
// likely misses. Each waiver must match at least one open miss.
func Run(ds *loader.Dataset, waivers []*Waiver) *Report {
	r := &Report{
		Sources:              len(ds.Sources),
		Entities:             len(ds.Entities),
		Relations:            len(ds.Relations),
		Figures:              ds.FigureCount(),
		EntitiesByKind:       map[kg.Kind]int{},
		RelationsByPredicate: map[string]int{},
		FiguresByKind:        map[kg.Kind]int{},
		IdentifiersByScheme:  map[string]int{},
		Waivers:              waivers,
	}
	texts := map[string][]rune{}
	for _, s := range ds.Sources {
		texts[s.ID] = []rune(s.Text)
	}
	linked := map[string]bool{}
	var evidence []kg.Evidence
	for _, rel := range ds.Relations {
		r.RelationsByPredicate[rel.Predicate]++
		linked[rel.Subject], linked[rel.Object] = true, true
		evidence = append(evidence, rel.Evidence...)
	}
	for _, e := range ds.Entities {
		r.EntitiesByKind[e.Kind]++
		figs := ds.Figures[e.ID]
		r.FiguresByKind[e.Kind] += len(figs)
		for _, f := range figs {
			evidence = append(evidence, f.Evidence...)
		}
		if !linked[e.ID] && len(figs) == 0 {
			r.Unlinked = append(r.Unlinked, e)
		}
		for _, id := range e.Identifiers {
			r.IdentifiersByScheme[id.Scheme]++
			if strings.TrimSpace(id.Citation) == "" {
				r.Uncited = append(r.Uncited, e.ID+" "+id.Scheme)
			}
		}
	}
	r.Quotes = len(evidence)
	for _, ev := range evidence {
		if msg := misplaced(texts[ev.Source], ev); msg != "" {
			r.Misplaced = append(r.Misplaced, msg)
		}
	}
	for _, s := range ds.Sources {
		r.Misses = append(r.Misses, findMisses(s.ID, texts[s.ID], evidence)...)
	}
	r.Unnamed = findUnnamed(ds)
	for _, rel := range ds.Relations {
		r.relationKeys = append(r.relationKeys, RelationKey(rel))
	}
	r.applyWaivers(texts)
	return r
}

// findUnnamed finds the relations not marked inferred whose quotes name
// neither end, by key.
func findUnnamed(ds *loader.Dataset) []*Unnamed {
	names := map[string][]string{}
	for _, e := range ds.Entities {
		names[e.ID] = append([]string{e.Name}, e.Aliases...)
	}
	var out []*Unnamed
	for _, rel := range ds.Relations {
		if rel.Inferred || namesAnEnd(rel, names[rel.Subject], names[rel.Object]) {
			continue
		}
		out = append(out, &Unnamed{Relation: rel, Key: RelationKey(rel)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// namesAnEnd reports whether some quote of rel holds one of the names.
func namesAnEnd(rel *kg.Relation, names ...[]string) bool {
	for _, ev := range rel.Evidence {
		for _, ns := range names {
			for _, n := range ns {
				if n != "" && strings.Contains(ev.Quote, n) {
					return true
				}
			}
		}
	}
	return false
}

// misplaced says what is wrong when the quote is not at its offsets.
func misplaced(text []rune, ev kg.Evidence) string {
	if ev.Start < 0 || ev.End > len(text) || ev.Start >= ev.End {
		return fmt.Sprintf("%s [%d,%d) %q: offsets outside the text", ev.Source, ev.Start, ev.End, ev.Quote)
	}
	if got := string(text[ev.Start:ev.End]); got != ev.Quote {
		return fmt.Sprintf("%s [%d,%d) %q: the text there is %q", ev.Source, ev.Start, ev.End, ev.Quote, got)
	}
	return ""
}

// findMisses finds the likely facts of one source and marks those a quote of
// the same source covers.
func findMisses(source string, text []rune, evidence []kg.Evidence) []*Miss {
	var spans [][2]int
	for _, ev := range evidence {
		if ev.Source == source {
			spans = append(spans, [2]int{ev.Start, ev.End})
		}
	}
	s := string(text)
	runeAt := runeOffsets(s)
	var out []*Miss
	for _, kind := range MissKinds {
		for _, loc := range patterns[kind].FindAllStringIndex(s, -1) {
			m := &Miss{Source: source, Kind: kind, Text: s[loc[0]:loc[1]], Start: runeAt[loc[0]], End: runeAt[loc[1]]}
			m.Context = context(text, m.Start, m.End)
			for _, sp := range spans {
				if sp[0] <= m.Start && m.End <= sp[1] {
					m.Quoted = true
					break
				}
			}
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End < out[j].End
	})
	return out
}

// runeOffsets maps each byte offset of s that starts a character (and len(s))
// to its code-point offset.
func runeOffsets(s string) map[int]int {
	out := make(map[int]int, len(s)+1)
	n := 0
	for i := range s {
		out[i] = n
		n++
	}
	out[len(s)] = n
	return out
}

const contextRunes = 8

// context is the span with up to contextRunes characters either side, on one
// line, so a reader can find it and write a quote or a waiver.
func context(text []rune, start, end int) string {
	from, to := max(0, start-contextRunes), min(len(text), end+contextRunes)
	s := string(text[from:start]) + "[" + string(text[start:end]) + "]" + string(text[end:to])
	return strings.ReplaceAll(s, "\n", "⏎")
}

// occurrences returns the code-point offsets of every occurrence of needle in
// text, overlapping ones included.
func occurrences(text []rune, needle string) []int {
	n := []rune(needle)
	if len(n) == 0 {
		return nil
	}
	var out []int
	for i := 0; i+len(n) <= len(text); i++ {
		if text[i] == n[0] && string(text[i:i+len(n)]) == needle {
			out = append(out, i)
		}
	}
	return out
}

// Open is the likely misses neither quoted nor waived.
func (r *Report) Open() []*Miss {
	var out []*Miss
	for _, m := range r.Misses {
		if m.Open() {
			out = append(out, m)
		}
	}
	return out
}

// OpenUnnamed is the warnings of relations that name neither end, less
// the waived ones.
func (r *Report) OpenUnnamed() []*Unnamed {
	var out []*Unnamed
	for _, u := range r.Unnamed {
		if u.Open() {
			out = append(out, u)
		}
	}
	return out
}

// Problems counts what makes the check fail: open likely misses, entities
// with no link or figure, misplaced quotes, identifiers without a citation
// and waiver errors. Warnings (Unnamed) are not problems.
func (r *Report) Problems() int {
	return len(r.Open()) + len(r.Unlinked) + len(r.Misplaced) + len(r.Uncited) + len(r.WaiverErrors)
}

// Err is nil when the check passes, and otherwise says what fails it.
// Warnings never fail it.
func (r *Report) Err() error {
	if r.Problems() == 0 {
		return nil
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(len(r.Open()), "likely miss(es) neither quoted nor waived")
	add(len(r.Unlinked), "entit(ies) with no link or figure")
	add(len(r.Misplaced), "quote(s) not at their offsets")
	add(len(r.Uncited), "identifier(s) without a citation")
	add(len(r.WaiverErrors), "waiver error(s)")
	return fmt.Errorf("check failed: %s", strings.Join(parts, ", "))
}

// width is the display width of s in a monospaced terminal: CJK characters
// take two columns.
func width(s string) int {
	w := 0
	for _, c := range s {
		if c >= 0x1100 && utf8.RuneLen(c) >= 3 {
			w += 2
		} else {
			w++
		}
	}
	return w
}
