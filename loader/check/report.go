package check

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
)

// Write prints the report: coverage first, then every problem, then the
// verdict. The output depends only on the data, so it diffs cleanly. With
// verbose, every likely miss is listed: quoted, or waived with its reason.
func (r *Report) Write(w io.Writer, verbose bool) {
	p := &printer{w: w}
	p.f("Data check of %s\n", r.Root)
	p.f("%d source(s), %d entities, %d relations, %d figures, %d quotes\n", r.Sources, r.Entities, r.Relations, r.Figures, r.Quotes)

	p.section("Entities by kind")
	for _, k := range kg.Kinds {
		p.row(string(k), r.EntitiesByKind[k])
	}
	p.row("total", r.Entities)

	p.section("Relations by predicate")
	for _, name := range sortedKeys(r.RelationsByPredicate) {
		p.row(name, r.RelationsByPredicate[name])
	}
	p.row("total", r.Relations)

	p.section("Figures by entity kind")
	for _, k := range kg.Kinds {
		if n := r.FiguresByKind[k]; n > 0 {
			p.row(string(k), n)
		}
	}
	p.row("total", r.Figures)

	p.section("Identifiers by scheme (each needs a citation of its reference list)")
	if len(r.IdentifiersByScheme) == 0 {
		p.f("  none\n")
	}
	for _, s := range sortedKeys(r.IdentifiersByScheme) {
		p.row(s, r.IdentifiersByScheme[s])
	}
	for _, u := range r.Uncited {
		p.f("  ERROR %s: no citation\n", u)
	}

	p.section("Entities with no link (no relation either way) and no figure")
	if len(r.Unlinked) == 0 {
		p.f("  none\n")
	}
	for _, e := range r.Unlinked {
		p.f("  ERROR %s %s\n", e.ID, e.Name)
	}

	p.section("Quotes")
	if len(r.Misplaced) == 0 {
		p.f("  %d verified: each found in its source at its offsets\n", r.Quotes)
	} else {
		p.f("  %d checked, %d not at their offsets\n", r.Quotes, len(r.Misplaced))
	}
	for _, m := range r.Misplaced {
		p.f("  ERROR %s\n", m)
	}

	p.section("Likely misses: titles, names and numbers with a unit that no quote covers")
	p.f("  %-8s %6s %7s %7s %5s\n", "kind", "found", "quoted", "waived", "open")
	for _, k := range MissKinds {
		var found, quoted, wv, open int
		for _, m := range r.Misses {
			if m.Kind != k {
				continue
			}
			found++
			switch {
			case m.Quoted:
				quoted++
			case m.Waiver != nil:
				wv++
			default:
				open++
			}
		}
		p.f("  %-8s %6d %7d %7d %5d\n", k, found, quoted, wv, open)
	}
	for _, m := range r.Misses {
		switch {
		case m.Open():
			p.f("  WARNING %s@%d %s %s not quoted: %s\n", m.Source, m.Start, m.Kind, m.Text, m.Context)
		case verbose && m.Quoted:
			p.f("  quoted  %s@%d %s %s: %s\n", m.Source, m.Start, m.Kind, m.Text, m.Context)
		case verbose:
			p.f("  waived  %s@%d %s %s: %s (%s:%d)\n", m.Source, m.Start, m.Kind, m.Text, m.Context, m.Waiver.File, m.Waiver.Line)
		}
	}

	p.section("Relations whose quotes name neither end, not marked inferred (warnings: they never fail the check)")
	open := r.OpenUnnamed()
	p.f("  %d found, %d waived, %d open\n", len(r.Unnamed), len(r.Unnamed)-len(open), len(open))
	for _, u := range r.Unnamed {
		switch {
		case u.Open():
			p.f("  WARNING %s: no quote names either end; mark it `inferred: [relation]`, quote a name, or waive it: %s\n", u.Key, quoteList(u.Relation))
		case verbose:
			p.f("  waived  %s: %s (%s:%d)\n", u.Key, quoteList(u.Relation), u.Waiver.File, u.Waiver.Line)
		}
	}

	p.section("Waivers")
	n, nr := 0, 0
	for _, wv := range r.Waivers {
		n += len(wv.Waived)
		nr += len(wv.WaivedRelations)
	}
	p.f("  %d waiver(s) accept %d likely miss(es) and %d warning(s)\n", len(r.Waivers), n, nr)
	if verbose {
		for _, wv := range r.Waivers {
			if wv.Relation != "" {
				p.f("  %s:%d relation %s (%d): %s\n", wv.File, wv.Line, wv.Relation, len(wv.WaivedRelations), wv.Reason)
				continue
			}
			p.f("  %s:%d %q (%d): %s\n", wv.File, wv.Line, wv.Text, len(wv.Waived), wv.Reason)
		}
	}
	for _, e := range r.WaiverErrors {
		p.f("  ERROR %s\n", e)
	}

	p.f("\n")
	if err := r.Err(); err != nil {
		p.f("FAIL: %s\n", strings.TrimPrefix(err.Error(), "check failed: "))
	} else {
		p.f("ok: every likely miss is quoted or waived, every entity has a link or a figure\n")
	}
	if len(open) > 0 {
		p.f("%d warning(s) open: relation(s) whose quotes name neither end\n", len(open))
	}
}

// quoteList shows the quotes of a relation on one line.
func quoteList(rel *kg.Relation) string {
	qs := make([]string, len(rel.Evidence))
	for i, ev := range rel.Evidence {
		qs[i] = strings.ReplaceAll(ev.Quote, "\n", "⏎")
	}
	return "「" + strings.Join(qs, "」「") + "」"
}

type printer struct{ w io.Writer }

func (p *printer) f(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

func (p *printer) section(title string) { p.f("\n%s\n", title) }

// row prints a label and a count, aligned for CJK and ASCII labels alike.
func (p *printer) row(label string, n int) {
	pad := 20 - width(label)
	p.f("  %s%s%5d\n", label, strings.Repeat(" ", max(1, pad)), n)
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
