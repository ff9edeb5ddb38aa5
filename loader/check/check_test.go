package check_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/loader/check"
)

// TestDataset holds the line in CI: the built-in dataset has no open likely
// miss, no entity without a link or figure and no stale waiver.
func TestDataset(t *testing.T) {
	ds, err := loader.Load(data.FS, "data")
	if err != nil {
		t.Fatal(err)
	}
	waivers, err := check.LoadWaivers(data.FS, "data")
	if err != nil {
		t.Fatal(err)
	}
	r := check.Run(ds, waivers)
	r.Root = "data"
	if err := r.Err(); err != nil {
		var out bytes.Buffer
		r.Write(&out, false)
		t.Fatalf("%v\n\n%s\nQuote each miss in the fact it belongs to, or waive it in data/waivers.yaml with a reason.", err, out.String())
	}
	if r.Quotes == 0 || r.Entities == 0 {
		t.Fatalf("checked %d quotes of %d entities: the dataset did not load", r.Quotes, r.Entities)
	}
	// Warnings never fail `civicgraph check`, but the built-in dataset keeps
	// none open: each is fixed in the data or waived with a reason.
	for _, u := range r.OpenUnnamed() {
		t.Errorf("%s: no quote names either end; mark it `inferred: [relation]`, quote a name, or waive it in data/waivers.yaml with a reason", u.Key)
	}
}

const source = `id: source/page
file: page.txt
title: 测试页
language: zh
`

// page has one of each kind of likely miss: a title, a name, numbers.
const page = "《青山条例》规定，红石街道青山社区有居民1200户。\n新建公园3个，另有3个广场。"

// dataFolder is a data folder with page and the given facts and waivers.
func dataFolder(entities, waivers string) fstest.MapFS {
	fsys := fstest.MapFS{
		"dataset.yaml":           {Data: []byte("base: https://w3id.org/civicgraph\ntitle: 青山测试页\n")},
		"sources/page.yaml":      {Data: []byte(source)},
		"sources/page.txt":       {Data: []byte(page)},
		"entities/entities.yaml": {Data: []byte("source: source/page\nentities:\n" + entities)},
	}
	if waivers != "" {
		fsys["waivers.yaml"] = &fstest.MapFile{Data: []byte(waivers)}
	}
	return fsys
}

// The entities of a dataset that quotes every likely miss of page.
const (
	street = `  - id: place/hongshi-jiedao
    name: 红石街道
`
	community = `  - id: place/qingshan-shequ
    name: 青山社区
    relations:
      - predicate: containedInPlace
        target: place/hongshi-jiedao
        quotes: [红石街道青山社区]
    figures:
      - {indicator: 居民户数, stated: 1200户, value: 1200, unit: 户, quotes: [有居民1200户]}
      - {indicator: 新建公园, stated: 3个, value: 3, unit: 个, quotes: [新建公园3个]}
`
	regulation = `  - id: document/qingshan-tiaoli
    name: 《青山条例》
    relations:
      - predicate: about
        target: place/qingshan-shequ
        quotes: [《青山条例》规定]
`
	squares = `      - {indicator: 广场, stated: 3个, value: 3, unit: 个, quotes: [另有3个广场]}
`
	loose = `  - id: person/wang-wu
    name: 王五
`
	// resident links 王五 to 青山社区 by a quote that names neither.
	resident = `  - id: person/wang-wu
    name: 王五
    relations:
      - predicate: residentOf
        target: place/qingshan-shequ
        quotes: [有居民1200户]
`
	residentKey = "person/wang-wu residentOf place/qingshan-shequ"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name, entities, waivers string
		open                    []string // the open likely misses, as kind:text
		unlinked                int
		waiverErr               string   // in the error of a waiver
		warnings                []string // the open warnings, by relation key
		waivedWarnings          int
	}{
		{name: "OKAllQuoted", entities: street + community + squares + regulation},
		{name: "OKWaivedEveryOccurrence", entities: street + community + regulation,
			waivers: "waivers:\n  - {text: 另有3个广场, reason: the squares are not this page's subject}\n"},
		{name: "OKWaivedByOccurrence", entities: street + community + regulation,
			waivers: "waivers:\n  - {text: 3个, occurrence: 2, reason: the squares are not this page's subject}\n"},
		{name: "OKWaivedByOffset", entities: street + community + regulation,
			waivers: "waivers:\n  - {text: 3个, offset: 35, reason: the squares are not this page's subject}\n"},
		{name: "ErrUnquotedNumber", entities: street + community + regulation, open: []string{"number:3个"}},
		{name: "ErrUnquotedTitleAndName", entities: street + community + squares,
			open: []string{"title:《青山条例》"}},
		{name: "ErrUnquotedName", entities: street + strings.Replace(community, "quotes: [红石街道青山社区]", "quotes: [青山社区有居民]", 1) + squares + regulation,
			open: []string{"name:石街道"}},
		{name: "ErrUnlinkedEntity", entities: street + community + squares + regulation + loose, unlinked: 1},
		{name: "ErrWaiverMatchesNothing", entities: street + community + squares + regulation,
			waivers: "waivers:\n  - {text: 另有3个广场, reason: stale}\n", waiverErr: "data/waivers.yaml:2: waivers[0].text: \"另有3个广场\" matches no open warning"},
		{name: "ErrWaiverTextNotFound", entities: street + community + regulation,
			waivers: "waivers:\n  - {text: 另有3个公园, reason: typo}\n", waiverErr: "waivers[0].text: \"另有3个公园\" is not in the normalised text", open: []string{"number:3个"}},
		{name: "ErrWaiverOccurrenceTooLarge", entities: street + community + regulation,
			waivers: "waivers:\n  - text: 3个\n    occurrence: 3\n    reason: r\n", waiverErr: "data/waivers.yaml:3: waivers[0].occurrence: 3, but \"3个\" occurs 2 time(s)", open: []string{"number:3个"}},
		{name: "ErrWaiverOffsetMissed", entities: street + community + regulation,
			waivers: "waivers:\n  - {text: 3个, offset: 33, reason: r}\n", waiverErr: "does not start at 33; it starts at 30, 35", open: []string{"number:3个"}},

		// Relations whose quotes name neither end: warnings, which never
		// fail the check.
		{name: "OKRelationNamesObject", entities: street + community + squares + regulation +
			strings.Replace(resident, "quotes: [有居民1200户]", "quotes: [青山社区有居民1200户]", 1)},
		{name: "OKRelationNamesAlias", entities: street + community + squares +
			strings.Replace(regulation, "name: 《青山条例》", "name: 青山社区管理条例\n    aliases: [《青山条例》]", 1)},
		{name: "OKRelationInferred", entities: street + community + squares + regulation +
			strings.Replace(resident, "quotes:", "inferred: [relation]\n        quotes:", 1)},
		{name: "OKRelationWaived", entities: street + community + squares + regulation + resident,
			waivers: "waivers:\n  - relation: " + residentKey + "\n    reason: the page says so in the sentence before\n", waivedWarnings: 1},
		{name: "OKRelationWaivedSpacing", entities: street + community + squares + regulation + resident,
			waivers: "waivers:\n  - {relation: \"  person/wang-wu   residentOf place/qingshan-shequ \", reason: r}\n", waivedWarnings: 1},
		{name: "ErrWarnRelationNamesNeitherEnd", entities: street + community + squares + regulation + resident,
			warnings: []string{residentKey}},
		{name: "ErrWarnQualifierInferredOnly", entities: street + community + squares + regulation +
			strings.Replace(resident, "quotes:", "time: \"2021\"\n        inferred: [time]\n        quotes:", 1),
			warnings: []string{residentKey}},
		{name: "ErrWarnNameWithoutAlias", entities: street + community + squares +
			strings.Replace(regulation, "name: 《青山条例》", "name: 青山社区管理条例", 1),
			warnings: []string{"document/qingshan-tiaoli about place/qingshan-shequ"}},
		{name: "ErrWaiverRelationUnknown", entities: street + community + squares + regulation + resident,
			waivers:   "waivers:\n  - {relation: person/wang-wu memberOf place/qingshan-shequ, reason: r}\n",
			waiverErr: "data/waivers.yaml:2: waivers[0].relation: \"person/wang-wu memberOf place/qingshan-shequ\" names no relation", warnings: []string{residentKey}},
		{name: "ErrWaiverRelationNotWarned", entities: street + community + squares + regulation,
			waivers:   "waivers:\n  - {relation: place/qingshan-shequ containedInPlace place/hongshi-jiedao, reason: r}\n",
			waiverErr: "waivers[0].relation: \"place/qingshan-shequ containedInPlace place/hongshi-jiedao\" matches no open warning"},
		{name: "ErrWaiverRelationTwice", entities: street + community + squares + regulation + resident,
			waivers:   "waivers:\n  - {relation: " + residentKey + ", reason: r}\n  - {relation: " + residentKey + ", reason: again}\n",
			waiverErr: "data/waivers.yaml:3: waivers[1].relation: \"" + residentKey + "\" matches no open warning", waivedWarnings: 1},
		{name: "ErrWaiverTextDoesNotWaiveRelation", entities: street + community + squares + regulation + resident,
			waivers:   "waivers:\n  - {text: 有居民1200户, reason: r}\n",
			waiverErr: "waivers[0].text: \"有居民1200户\" matches no open warning", warnings: []string{residentKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := dataFolder(tt.entities, tt.waivers)
			ds, err := loader.Load(fsys, "data")
			if err != nil {
				t.Fatal(err)
			}
			waivers, err := check.LoadWaivers(fsys, "data")
			if err != nil {
				t.Fatal(err)
			}
			r := check.Run(ds, waivers)
			var open []string
			for _, m := range r.Open() {
				open = append(open, string(m.Kind)+":"+m.Text)
			}
			if strings.Join(open, " ") != strings.Join(tt.open, " ") {
				t.Errorf("open likely misses %q, want %q", open, tt.open)
			}
			if len(r.Unlinked) != tt.unlinked {
				t.Errorf("%d entities without a link or figure, want %d", len(r.Unlinked), tt.unlinked)
			}
			if len(r.Misplaced) > 0 {
				t.Errorf("misplaced quotes: %v", r.Misplaced)
			}
			var warnings []string
			for _, u := range r.OpenUnnamed() {
				warnings = append(warnings, u.Key)
			}
			if strings.Join(warnings, " | ") != strings.Join(tt.warnings, " | ") {
				t.Errorf("open warnings %q, want %q", warnings, tt.warnings)
			}
			if n := len(r.Unnamed) - len(r.OpenUnnamed()); n != tt.waivedWarnings {
				t.Errorf("%d waived warnings, want %d", n, tt.waivedWarnings)
			}
			switch {
			case tt.waiverErr == "" && len(r.WaiverErrors) > 0:
				t.Errorf("waiver errors: %v", r.WaiverErrors)
			case tt.waiverErr != "" && !strings.Contains(r.WaiverErrors.Error(), tt.waiverErr):
				t.Errorf("waiver errors %v, want one containing %q", r.WaiverErrors, tt.waiverErr)
			}
			// Warnings never fail the check.
			ok := tt.open == nil && tt.unlinked == 0 && tt.waiverErr == ""
			if err := r.Err(); (err == nil) != ok {
				t.Errorf("Err() = %v, want failure %v", err, !ok)
			}
			if tt.waivers != "" && tt.waiverErr == "" {
				for _, w := range waivers {
					if len(w.Waived)+len(w.WaivedRelations) == 0 {
						t.Errorf("waiver %q%q accepted nothing", w.Text, w.Relation)
					}
				}
			}
		})
	}
}

func TestParseWaivers(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       int    // waivers read
		err        string // in the error, with file:line and field
	}{
		{name: "OK", yaml: "waivers:\n  - text: a\n    reason: b\n  - {text: c, reason: d, occurrence: 2}\n", want: 2},
		{name: "OKEmptyFile", yaml: ""},
		{name: "OKEmptyList", yaml: "waivers: []\n"},
		{name: "ErrNoReason", yaml: "waivers:\n  - text: a\n", err: "w.yaml:2: waivers[0].reason: missing"},
		{name: "ErrEmptyReason", yaml: "waivers:\n  - text: a\n    reason: \"  \"\n", err: "w.yaml:3: waivers[0].reason: empty"},
		{name: "ErrNoText", yaml: "waivers:\n  - reason: a\n", err: "w.yaml:2: waivers[0].text: missing"},
		{name: "ErrUnknownField", yaml: "waivers:\n  - text: a\n    reason: b\n    why: c\n", err: "w.yaml:4: waivers[0].why: unknown field"},
		{name: "ErrBadOccurrence", yaml: "waivers:\n  - {text: a, reason: b, occurrence: 0}\n", err: "w.yaml:2: waivers[0].occurrence: want a whole number of at least 1"},
		{name: "ErrBadOffset", yaml: "waivers:\n  - text: a\n    reason: b\n    offset: x\n", err: "w.yaml:4: waivers[0].offset: want a whole number of at least 0"},
		{name: "ErrOccurrenceAndOffset", yaml: "waivers:\n  - {text: a, reason: b, occurrence: 1, offset: 3}\n", err: "waivers[0].offset: give occurrence or offset, not both"},
		{name: "ErrNotAList", yaml: "waivers: {text: a}\n", err: "w.yaml:1: waivers: want a list"},
		{name: "ErrNoWaiversKey", yaml: "- text: a\n", err: "w.yaml:1: want a mapping"},
		{name: "ErrSyntax", yaml: "waivers:\n  - text: [a\n", err: "w.yaml:"},
		{name: "ErrEveryProblem", yaml: "waivers:\n  - text: a\n  - reason: b\n", err: "2 data error(s)"},
		{name: "OKRelation", yaml: "waivers:\n  - relation: person/a residentOf place/b\n    reason: r\n  - {text: c, reason: d}\n", want: 2},
		{name: "ErrRelationShape", yaml: "waivers:\n  - relation: person/a residentOf\n    reason: r\n", err: "w.yaml:2: waivers[0].relation: want subject, predicate and object"},
		{name: "ErrRelationEmpty", yaml: "waivers:\n  - relation: \"\"\n    reason: r\n", err: "w.yaml:2: waivers[0].relation: empty"},
		{name: "ErrRelationNoReason", yaml: "waivers:\n  - relation: person/a residentOf place/b\n", err: "w.yaml:2: waivers[0].reason: missing"},
		{name: "ErrRelationAndText", yaml: "waivers:\n  - relation: person/a residentOf place/b\n    text: a\n    reason: r\n", err: "w.yaml:3: waivers[0].text: a waiver of a relation takes no text"},
		{name: "ErrRelationAndOccurrence", yaml: "waivers:\n  - {relation: person/a residentOf place/b, occurrence: 1, reason: r}\n", err: "waivers[0].occurrence: a waiver of a relation takes no occurrence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws, err := check.ParseWaivers([]byte(tt.yaml), "w.yaml")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != tt.want {
				t.Fatalf("%d waivers, want %d", len(ws), tt.want)
			}
			for _, w := range ws {
				if w.Reason == "" {
					t.Errorf("waiver %q without a reason", w.Text)
				}
			}
		})
	}
}

// TestWrite pins the shape of the report: its sections, the verdict, and
// that it is the same on every run.
func TestWrite(t *testing.T) {
	tests := []struct {
		name, entities string
		want           []string
		waivers        string
	}{
		{"OK", street + community + squares + regulation, []string{
			"1 source(s), 3 entities, 2 relations, 3 figures, 5 quotes",
			"Entities by kind", "  place                   2", "Relations by predicate", "  containedInPlace        1",
			"Figures by entity kind", "5 verified", "  number        3       3       0     0",
			"ok: every likely miss is quoted or waived"}, ""},
		{"ErrOpen", street + community + regulation + loose, []string{
			"  ERROR person/wang-wu 王五",
			"WARNING source/page@35 number 3个 not quoted: 建公园3个，另有[3个]广场。",
			"FAIL: 1 likely miss(es) neither quoted nor waived, 1 entit(ies) with no link or figure"}, ""},
		{"ErrWarnUnnamed", street + community + squares + regulation + resident, []string{
			"Relations whose quotes name neither end, not marked inferred (warnings: they never fail the check)",
			"  1 found, 0 waived, 1 open",
			"  WARNING person/wang-wu residentOf place/qingshan-shequ: no quote names either end; mark it `inferred: [relation]`, quote a name, or waive it: 「有居民1200户」",
			"ok: every likely miss is quoted or waived, every entity has a link or a figure\n1 warning(s) open: relation(s) whose quotes name neither end"}, ""},
		{"OKWaivedUnnamed", street + community + squares + regulation + resident, []string{
			"  1 found, 1 waived, 0 open",
			"  waived  person/wang-wu residentOf place/qingshan-shequ: 「有居民1200户」 (data/waivers.yaml:2)",
			"  1 waiver(s) accept 0 likely miss(es) and 1 warning(s)",
			"  data/waivers.yaml:2 relation person/wang-wu residentOf place/qingshan-shequ (1): the sentence before names him",
			"ok: every likely miss is quoted or waived, every entity has a link or a figure\n"},
			"waivers:\n  - relation: " + residentKey + "\n    reason: the sentence before names him\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := dataFolder(tt.entities, tt.waivers)
			ds, err := loader.Load(fsys, "data")
			if err != nil {
				t.Fatal(err)
			}
			var outs [2]bytes.Buffer
			for i := range outs {
				waivers, err := check.LoadWaivers(fsys, "data")
				if err != nil {
					t.Fatal(err)
				}
				r := check.Run(ds, waivers)
				r.Root = "data"
				r.Write(&outs[i], true)
			}
			out := outs[0].String()
			if out != outs[1].String() {
				t.Errorf("two runs differ:\n%s\n---\n%s", out, outs[1].String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
