package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// MustRunDir writes the files run.sh leaves for the report: three rounds at
// two connection counts, each configuration at a rate of its own, times a
// factor per round so that medians and ratios are known.
func MustRunDir(tb testing.TB, keys map[string]float64) string {
	tb.Helper()
	dir := tb.TempDir()
	var configs, results bytes.Buffer
	results.WriteString("round\tconns\tconfig\trequests\tduration_us\tp50_us\tp99_us\tmax_us\terrors\tcpu_us\tdb_cpu_us\trss_kib\n")
	order := []string{"memory", "memory-entity", "memory-off", "bolt-off", "postgres-off", "gqlgen", "hello"}
	for _, k := range order {
		rps, ok := keys[k]
		if !ok {
			continue
		}
		fmt.Fprintf(&configs, "%s\tlabel of %s\tcivicgraph %s\n", k, k, k)
		for round, factor := range []float64{1, 0.5, 2} {
			for _, conns := range []int{16, 64} {
				requests := int64(rps * factor * 5) // over 5 s
				db := "-"
				if k == "postgres-off" {
					db = fmt.Sprint(requests * 300)
				}
				// p99 in µs: 1e6/rps, so that p99 ratios are the inverse of rate ratios.
				p99 := int64(1e6 / rps)
				fmt.Fprintf(&results, "%d\t%d\t%s\t%d\t5000000\t%d\t%d\t%d\t0\t%d\t%s\t%d\n",
					round+1, conns, k, requests, p99/2, p99, p99*2, requests*100, db, 20480+round*1024)
			}
		}
	}
	files := map[string]string{
		"configs.tsv": configs.String(),
		"results.tsv": results.String(),
		"meta.tsv":    "date\t2026-01-02 03:04 UTC\nrevision\tabc1234\ncpus\t2\ncpu\tTest CPU\nmemory\t4 GiB\ngo\tgo1.26\nwrk\twrk 4.1.0\nkernel\t6.1\ncommand\tbash bench/run.sh\nduration\t5s\nthreads\t2\nentity\tperson/ma-shanxiang\nnote\t\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// The report holds every configuration's medians, each target's ratio with
// its verdict, and the picture; -doc replaces only the part between the
// markers.
func TestReport(t *testing.T) {
	all := map[string]float64{"memory": 10000, "memory-entity": 2000, "memory-off": 1000, "bolt-off": 600, "postgres-off": 200, "gqlgen": 1600, "hello": 25000}
	tests := []struct {
		name       string
		keys       map[string]float64
		picture    string
		want       []string
		notWant    []string
		wantReadme string
	}{
		{"OKAll", all, "performance.svg", []string{
			// Rates are the median round's (factor 1): requests/s, p50, p99 ms, errors, CPU, RSS.
			`| label of memory | 16 | 10,000 | 0.050 | 0.10 | 0 | 100 | 22 |`,
			`| label of postgres-off | 64 | 200 | 2.5 | 5.0 | 0 | 100 + 300 PostgreSQL | 22 |`,
			`| memory, both caches off ÷ gqlgen: requests/s | 0.62× | 0.62× | ≥ 0.70× | missed |`,
			`| memory, both caches off ÷ gqlgen: p99 | 1.6× | 1.6× | ≤ 1.5× | missed |`,
			`| memory, entity cache only ÷ gqlgen: requests/s | 1.2× | 1.2× | ≥ 1.0× | met |`,
			`| memory, defaults ÷ hello-world: requests/s | 0.40× | 0.40× | ≥ 0.50× | missed |`,
			`| PostgreSQL ÷ memory, caches off: requests/s | 0.20× | 0.20× | ≥ 0.25× | missed |`,
			`| bolt ÷ memory, caches off: requests/s | 0.60× | 0.60× | ≥ 0.50× | met |`,
			`| memory, defaults ÷ gqlgen: requests/s | 6.2× | 6.2× | context |  |`,
			"Medians of 3 interleaved rounds",
			"- label of hello: `civicgraph hello`",
			"Not measured in this run, so their ratios are left out: postgres, bolt, cayley.",
			"](performance.svg)",
		}, nil, "Answering 马善祥's honours with evidence (64 connections, 2 CPUs, 2026-01-02 03:04 UTC), civicgraph on memory serves 0.62× the requests/s of a minimal gqlgen server answering from a Go map with both caches off and 1.2× with its entity cache only;\nwith its response cache as well, 0.40× those of a hello-world handler; with no cache, bolt 0.60× and PostgreSQL 0.20× of memory's pace.\n\n![requests/s and p99 latency of each configuration](RESULTS/performance.svg)\n"},
		{"OKNoPostgresPNG", map[string]float64{"memory-off": 1000, "gqlgen": 1000, "bolt-off": 1000}, "performance.png", []string{
			`| memory, both caches off ÷ gqlgen: requests/s | 1.0× | 1.0× | ≥ 0.70× | met |`,
			`| memory, both caches off ÷ gqlgen: p99 | 1.0× | 1.0× | ≤ 1.5× | met |`,
			"](performance.png)",
		}, []string{"PostgreSQL ÷", "hello-world:", "label of postgres-off"}, "(64 connections, 2 CPUs, 2026-01-02 03:04 UTC), civicgraph on memory serves 1.0× the requests/s of a minimal gqlgen server answering from a Go map with both caches off;\nwith no cache, bolt 1.0× of memory's pace.\n\n!["},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := MustRunDir(t, tt.keys)
			top := t.TempDir()
			doc := filepath.Join(top, "docs", "performance.md")
			if err := os.MkdirAll(filepath.Dir(doc), 0o755); err != nil {
				t.Fatal(err)
			}
			readme := filepath.Join(top, "README.md")
			if err := os.WriteFile(readme, []byte("## Performance\n\n"+summaryMarkers.begin+"\nold\n"+summaryMarkers.end+"\n\n## Next\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(doc, []byte("# Performance\n\nbefore\n"+reportMarkers.begin+"\nold report\n"+reportMarkers.end+"\nafter\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := reportCmd([]string{"-dir", dir, "-doc", doc, "-readme", readme, "-picture", tt.picture}, &out); err != nil {
				t.Fatal(err)
			}
			md, err := os.ReadFile(filepath.Join(dir, "results.md"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(md, out.Bytes()) {
				t.Errorf("results.md differs from what was printed")
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("report has %q:\n%s", w, out.String())
				}
			}
			pic, err := os.ReadFile(filepath.Join(dir, tt.picture))
			if err != nil {
				t.Fatal(err)
			}
			magic := map[string]string{".svg": "<?xml", ".png": "\x89PNG"}[filepath.Ext(tt.picture)]
			if !bytes.HasPrefix(pic, []byte(magic)) || len(pic) < 5000 {
				t.Errorf("%s: %d bytes starting %q", tt.picture, len(pic), pic[:min(len(pic), 8)])
			}
			d, err := os.ReadFile(doc)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(filepath.Dir(doc), filepath.Join(dir, tt.picture))
			if s := string(d); !strings.HasPrefix(s, "# Performance\n\nbefore\n"+reportMarkers.begin+"\n") || !strings.HasSuffix(s, reportMarkers.end+"\nafter\n") ||
				strings.Contains(s, "old report") || !strings.Contains(s, "]("+filepath.ToSlash(rel)+")") {
				t.Errorf("doc after splice:\n%s", s)
			}
			rd, err := os.ReadFile(readme)
			if err != nil {
				t.Fatal(err)
			}
			results, _ := filepath.Rel(top, dir)
			want := strings.ReplaceAll(tt.wantReadme, "RESULTS", filepath.ToSlash(results))
			if s := string(rd); !strings.Contains(s, want) || strings.Contains(s, "old") || !strings.HasSuffix(s, summaryMarkers.end+"\n\n## Next\n") {
				t.Errorf("README after splice:\n%s\nwant it to hold\n%s", s, want)
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	good := MustRunDir(t, map[string]float64{"memory-off": 1000, "gqlgen": 1000})
	tests := []struct {
		name string
		edit func(dir string) error
		args func(dir string) []string
		err  string
	}{
		{"ErrNoDir", nil, func(string) []string { return nil }, "usage"},
		{"ErrPicturePath", nil, func(dir string) []string { return []string{"-dir", dir, "-picture", "../x.svg"} }, "usage"},
		{"ErrPictureKind", nil, func(dir string) []string { return []string{"-dir", dir, "-picture", "x.gif"} }, "want .svg or .png"},
		{"ErrUnknownConfig", func(dir string) error {
			return appendFile(filepath.Join(dir, "results.tsv"), "1\t16\tcloud\t1\t1\t1\t1\t1\t0\t1\t-\t1\n")
		}, func(dir string) []string { return []string{"-dir", dir} }, `configuration "cloud" is not in configs.tsv`},
		{"ErrShortLine", func(dir string) error {
			return appendFile(filepath.Join(dir, "results.tsv"), "1\t16\tgqlgen\n")
		}, func(dir string) []string { return []string{"-dir", dir} }, "3 fields, want 12"},
		{"ErrNotANumber", func(dir string) error {
			return appendFile(filepath.Join(dir, "results.tsv"), "1\t16\tgqlgen\tmany\t1\t1\t1\t1\t0\t1\t-\t1\n")
		}, func(dir string) []string { return []string{"-dir", dir} }, "column 4"},
		{"ErrNoMarkers", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "doc.md"), []byte("# no markers\n"), 0o644)
		}, func(dir string) []string { return []string{"-dir", dir, "-doc", filepath.Join(dir, "doc.md")} }, "bench/run.sh report: begin"},
		{"ErrMissingMeta", func(dir string) error { return os.Remove(filepath.Join(dir, "meta.tsv")) },
			func(dir string) []string { return []string{"-dir", dir} }, "meta.tsv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{"configs.tsv", "results.tsv", "meta.tsv"} {
				b, err := os.ReadFile(filepath.Join(good, f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.edit != nil {
				if err := tt.edit(dir); err != nil {
					t.Fatal(err)
				}
			}
			err := reportCmd(tt.args(dir), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("report: %v, want an error with %q", err, tt.err)
			}
		})
	}
}

func appendFile(name, s string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Cayley's answer is compared with civicgraph's whatever the order of
// honours and quotes; any other difference is reported.
func TestSameHonours(t *testing.T) {
	const graphql = `{"data":{"entity":{"id":"person/ma-shanxiang","name":"马善祥","honours":[` +
		`{"time":"2013","honour":{"id":"honour/a","name":"甲"},"evidence":[{"quote":"甲","start":1,"end":2}]},` +
		`{"time":null,"honour":{"id":"honour/b","name":"乙"},"evidence":[{"quote":"乙","start":5,"end":6},{"quote":"乙乙","start":3,"end":5}]}]}},` +
		`"extensions":{"graphVersion":"v1"}}`
	const gizmo = `{"result":[{"entity":{"honours":[` +
		`{"evidence":[{"end":5,"quote":"乙乙","start":3},{"end":6,"quote":"乙","start":5}],"honour":{"id":"honour/b","name":"乙"},"time":null},` +
		`{"evidence":[{"end":2,"quote":"甲","start":1}],"honour":{"id":"honour/a","name":"甲"},"time":"2013"}],` +
		`"id":"person/ma-shanxiang","name":"马善祥"}}]}`
	tests := []struct {
		name, graphql, gizmo, err string
	}{
		{"OKReordered", graphql, gizmo, ""},
		{"ErrQuote", graphql, strings.Replace(gizmo, `"quote":"甲"`, `"quote":"丙"`, 1), "the answers differ"},
		{"ErrTime", graphql, strings.Replace(gizmo, `"time":"2013"`, `"time":null`, 1), "the answers differ"},
		{"ErrMissingHonour", graphql, regexp.MustCompile(`,\{"evidence":\[\{"end":2,[^}]*\}\],"honour":\{[^}]*\},"time":"2013"\}`).ReplaceAllString(gizmo, ""), "the answers differ"},
		{"ErrGizmoError", graphql, `{"error":"boom"}`, "not one entity"},
		{"ErrGizmoField", graphql, strings.Replace(gizmo, `"time":null`, `"time":null,"stmt":"x"`, 1), `unknown field "stmt"`},
		{"ErrGraphQLErrors", `{"errors":[{"message":"x"}],"data":{"entity":null}}`, gizmo, "has errors or no entity"},
		{"ErrNoHonours", `{"data":{"entity":{"id":"x","name":"x","honours":[]}}}`, `{"result":[{"entity":{"id":"x","name":"x","honours":[]}}]}`, "nothing to compare"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sameHonours([]byte(tt.graphql), []byte(tt.gizmo))
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("sameHonours: %v, want an error with %q", err, tt.err)
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"ErrNoCommand", nil},
		{"ErrUnknownCommand", []string{"draw"}},
		{"ErrSameArgs", []string{"same-honours", "a.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := run(tt.args); err != errUsage {
				t.Fatalf("run(%q): %v, want the usage", tt.args, err)
			}
		})
	}
}
