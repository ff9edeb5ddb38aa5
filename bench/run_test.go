package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pgInstalled reports whether run.sh will find a PostgreSQL server to run.
func pgInstalled() bool {
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	return len(m) > 0
}

// run.sh runs end to end in miniature (one round of one second at one
// connection count): it builds civicgraph, gqlmin, hello, plot and Cayley
// (kept in bin/; the first build downloads for minutes), checks that every
// server answers with civicgraph's bytes, and prints a report that has
// every configuration, each with requests and no error, and every target's
// ratio with its verdict. Its figures are noise at this length: the test
// keeps the script, its servers and its report working. Bad settings are
// refused before anything starts.
func TestRunScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves civicgraph, gqlgen, Cayley and PostgreSQL")
	}
	if _, err := exec.LookPath("wrk"); err != nil && os.Geteuid() != 0 {
		if inCI() {
			t.Fatal("CI is set, so run.sh must run: install wrk (apt-get install wrk; scripts/deps.sh does)")
		}
		t.Skip("wrk not installed and not root to install it: apt-get install wrk")
	}
	if inCI() && !pgInstalled() {
		t.Fatal("CI is set, so run.sh must measure PostgreSQL too: install it (scripts/deps.sh does)")
	}
	labels := []string{"memory, defaults", "memory, entity cache only", "memory, caches off", "bolt, defaults", "bolt, caches off",
		"minimal gqlgen server", "hello-world net/http", "Cayley HTTP, bolt, Gizmo"}
	targets := []string{"memory, both caches off ÷ gqlgen: requests/s", "memory, both caches off ÷ gqlgen: p99",
		"memory, entity cache only ÷ gqlgen: requests/s", "memory, defaults ÷ hello-world: requests/s", "bolt ÷ memory, caches off: requests/s"}
	if pgInstalled() {
		labels = append(labels, "PostgreSQL, defaults", "PostgreSQL, caches off")
		targets = append(targets, "PostgreSQL ÷ memory, caches off: requests/s")
	}
	mini := []string{"BENCH_DURATION=1s", "BENCH_ROUNDS=1", "BENCH_CONNECTIONS=4", "BENCH_WARMUP=1s"}
	tests := []struct {
		name string
		env  []string
		ok   bool
		want []string
	}{
		{"OK", mini, true, nil},
		{"ErrDuration", []string{"BENCH_DURATION=2d"}, false, []string{`BENCH_DURATION=2d, BENCH_WARMUP=2s: whole seconds or minutes, 1s to 10m`}},
		{"ErrRounds", []string{"BENCH_ROUNDS=0"}, false, []string{`BENCH_ROUNDS=0: 1 to 20`}},
		{"ErrConnections", []string{"BENCH_CONNECTIONS=16 lots"}, false, []string{`BENCH_CONNECTIONS=16 lots: each 1 to 1024`}},
		{"ErrNoConnections", []string{"BENCH_CONNECTIONS= "}, false, []string{`BENCH_CONNECTIONS is empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			cmd := exec.Command("bash", "run.sh")
			// Never the docs: only the test's folder.
			cmd.Env = append(append(os.Environ(), "BENCH_OUT="+out, "BENCH_DOC=", "BENCH_README="), tt.env...)
			b, err := cmd.CombinedOutput()
			if (err == nil) != tt.ok {
				t.Fatalf("run.sh %v: %v, want ok=%v\n%s", tt.env, err, tt.ok, b)
			}
			s := string(b)
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("output lacks %q:\n%s", w, s)
				}
			}
			if !tt.ok {
				if entries, _ := os.ReadDir(out); len(entries) > 0 {
					t.Errorf("a refused run wrote %d files to BENCH_OUT", len(entries))
				}
				return
			}
			checkReport(t, s, labels, targets)
			report, err := os.ReadFile(filepath.Join(out, "results.md"))
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, string(report), labels, targets)
			for _, f := range []string{"performance.svg", "results.tsv", "configs.tsv", "meta.tsv"} {
				if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
					t.Errorf("%s: %v", f, err)
				}
			}
			if !strings.Contains(s, "every server gives civicgraph's answer") {
				t.Errorf("no byte check before the load:\n%s", s)
			}
		})
	}
}

// checkReport finds one table row per configuration, with requests and no
// error, and each target's ratio with a verdict.
func checkReport(t *testing.T, report string, labels, targets []string) {
	t.Helper()
	for _, l := range labels {
		re := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(l) + ` \| 4 \| ([0-9,]+) \| [0-9.]+ \| [0-9.]+ \| ([0-9]+) \| `)
		m := re.FindStringSubmatch(report)
		if m == nil {
			t.Errorf("no row for %q in:\n%s", l, report)
			continue
		}
		rps, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		if rps <= 0 || m[2] != "0" {
			t.Errorf("%s: %s requests/s, %s errors", l, m[1], m[2])
		}
	}
	for _, target := range targets {
		re := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(target) + ` \| [0-9.]+× \| [≥≤] [0-9.]+× \| (met|missed) \|$`)
		if !re.MatchString(report) {
			t.Errorf("no ratio for %q in:\n%s", target, report)
		}
	}
}
