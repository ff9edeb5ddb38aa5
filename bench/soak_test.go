// Package bench holds the load scripts (run.sh, soak.sh, driving wrk with
// query.lua and soak.lua) and the tests that keep them from rotting; the
// servers run.sh measures civicgraph against are bench/gqlmin and
// bench/hello, and bench/plot writes its report.
package bench

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// inCI reports whether the CI environment variable asks for a hard failure
// instead of a skip when a tool is missing.
func inCI() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v != "" && v != "0" && v != "false"
}

// The scripts parse as bash.
func TestScriptsParse(t *testing.T) {
	for _, script := range []string{"soak.sh", "run.sh"} {
		t.Run("OK"+script, func(t *testing.T) {
			if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
				t.Errorf("bash -n %s: %v\n%s", script, err, out)
			}
		})
	}
}

// soak.sh runs, in miniature, as it does for 60 s: it builds the server,
// drives it with wrk and soak.lua, reads the heap and goroutines from
// /debug/pprof/ and passes its own checks; a bad setting is refused before
// anything starts. Its figures are its own checks, not this test's: this
// test only keeps the script, the Lua and the flags it uses working.
func TestSoakScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves civicgraph")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		if inCI() {
			t.Fatal("CI is set, so the soak script must run: install wrk (apt-get install wrk; scripts/deps.sh does)")
		}
		t.Skip("wrk not installed: apt-get install wrk")
	}
	tests := []struct {
		name string
		env  []string
		ok   bool
		want []string
	}{
		{"OK", []string{"BENCH_DURATION=2s", "BENCH_CONNECTIONS=8", "SOAK_WARMUP=1s"}, true, []string{
			`soak: requests=[1-9][0-9]* status2xx=[1-9][0-9]* non2xx=0 status5xx=0 gqlerrors=0`,
			`non-2xx responses \(5xx among them\) +ok +0 \(0\)`,
			`live heap after GC +ok +[0-9]+ → [0-9]+ bytes`,
			`goroutines +ok +[0-9]+ → [0-9]+`,
		}},
		{"ErrDuration", []string{"BENCH_DURATION=2d"}, false, []string{`BENCH_DURATION=2d: want a whole number of s, m or h`}},
		{"ErrTooLong", []string{"BENCH_DURATION=2h"}, false, []string{`between 1s and 1h`}},
		{"ErrConnections", []string{"BENCH_CONNECTIONS=0"}, false, []string{`BENCH_CONNECTIONS=0: 1 to 1024`}},
		{"ErrStore", []string{"BENCH_STORE=cloud"}, false, []string{`BENCH_STORE=cloud: memory or bolt`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command("bash", "soak.sh")
			cmd.Env = append(os.Environ(), tt.env...)
			out, err := cmd.CombinedOutput()
			if (err == nil) != tt.ok {
				t.Fatalf("soak.sh %v: %v, want ok=%v\n%s", tt.env, err, tt.ok, out)
			}
			for _, w := range tt.want {
				if !regexp.MustCompile(w).Match(out) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
