package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// The rough edges a new user hit, each one command.
func TestNewUserCommands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err []string
		not      []string // in neither output
	}{
		{"ErrCheckMissingDir", []string{"check", "/nonexistent"}, 1, nil, []string{"data folder /nonexistent: not a directory"}, []string{"load "}},
		{"OKCheckHelp", []string{"check", "help"}, 0, nil, []string{"Usage: civicgraph check"}, []string{"load "}},
		{"OKValidateHelp", []string{"validate", "help"}, 0, nil, []string{"Usage: civicgraph validate"}, []string{"load "}},
		{"OKLoadHelp", []string{"load", "help"}, 0, nil, []string{"Usage: civicgraph load"}, []string{"-store is missing"}},
		{"OKHelp", []string{"help"}, 0, nil, []string{"Usage:", "-addr", "-metrics-addr", "-client-rate", "-trusted-proxies", "-version"}, nil},
		{"ErrLoadWithoutStore", []string{"load"}, 2, nil, []string{"Usage: civicgraph load", "civicgraph: -store is missing"}, nil},
		{"ErrLoadTwoDirs", []string{"load", "-store", "bolt:x", "a", "b"}, 2, nil, []string{`unexpected argument "b"`}, nil},
		{"ErrCheckTwoDirs", []string{"check", "a", "b"}, 2, nil, []string{`unexpected argument "b"`}, nil},
		{"OKVersionFlag", []string{"-version"}, 0, []string{"civicgraph "}, nil, []string{"listening"}},
		{"OKVersionCommand", []string{"version"}, 0, []string{"civicgraph "}, nil, nil},
		{"ErrVersionArgs", []string{"version", "x"}, 2, nil, []string{"version takes no arguments"}, nil},
		{"ErrLogFormat", []string{"-log-format", "xml"}, 2, nil, []string{"-log-format must be text or json"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			for _, w := range tt.out {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.err {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			for _, w := range tt.not {
				if strings.Contains(stdout.String()+stderr.String(), w) {
					t.Errorf("output has %q:\n%s%s", w, stdout.String(), stderr.String())
				}
			}
		})
	}
}

// load, validate, check and export print what they were asked for, not the
// store's notes such as "serving graph".
func TestCommandsQuiet(t *testing.T) {
	spec := "bolt:" + filepath.Join(t.TempDir(), "graph")
	tests := []struct {
		name string
		args []string
	}{
		{"OKLoad", []string{"load", "-store", spec}},
		{"OKLoadAgain", []string{"load", "-store", spec}},
		{"OKValidate", []string{"validate"}},
		{"OKCheck", []string{"check"}},
		{"OKExport", []string{"export", "-store", spec, "-format", "nt"}},
		{"OKImports", []string{"imports", "-store", spec}},
	}
	prev := slog.Default()
	defer slog.SetDefault(prev)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// What a log line would go to, were the command not quiet.
			var logged bytes.Buffer
			slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit code %d: %s", code, stderr.String())
			}
			if all := logged.String() + stderr.String(); strings.Contains(all, "serving graph") || strings.Contains(all, "INFO") {
				t.Errorf("%s logged notes:\n%s", tt.args[0], all)
			}
		})
	}
}

// GET /admin/reload is a 405 naming POST, not the playground's 404; with
// writes off, /admin/… says so.
func TestAdminMethods(t *testing.T) {
	on := MustRunMain(t, "-write-token", "tok")
	t.Setenv("CIVICGRAPH_WRITE_TOKEN", "")
	off := MustRunMain(t)
	tests := []struct {
		name         string
		m            *Main
		method, path string
		status       int
		allow        string
	}{
		{"ErrGetReload", on, http.MethodGet, "/admin/reload", 405, "POST"},
		{"ErrPutReload", on, http.MethodPut, "/admin/reload", 405, "POST"},
		{"ErrPutImports", on, http.MethodPut, "/admin/imports", 405, "GET, POST"},
		{"ErrGetImport", on, http.MethodGet, "/admin/imports/chongqing", 405, "DELETE"},
		{"OKPostReloadNeedsToken", on, http.MethodPost, "/admin/reload", 401, ""},
		{"ErrWritesOff", off, http.MethodPost, "/admin/reload", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := send(t, tt.method, tt.m.URL()+tt.path, nil, "")
			if resp.StatusCode != tt.status || resp.Header.Get("Allow") != tt.allow {
				t.Errorf("%d, Allow %q: %s; want %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"), b, tt.status, tt.allow)
			}
			if tt.status == 404 && !strings.Contains(string(b), "-write-token") {
				t.Errorf("404 does not say how to turn writes on: %s", b)
			}
		})
	}
}

func TestVersionString(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"OKRevision", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261129202114-5e7e5cd1a2b3"},
			Settings: settings("vcs.revision", "5e7e5cd1a2b3c4d5e6f7", "vcs.time", "2026-11-29T20:21:14Z", "vcs.modified", "false")},
			"civicgraph v0.0.0-20261129202114-5e7e5cd1a2b3 (revision 5e7e5cd1a2b3, 2026-11-29T20:21:14Z)"},
		{"OKModified", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261129202114-5e7e5cd1a2b3+dirty"},
			Settings: settings("vcs.revision", "5e7e5cd1a2b3c4d5e6f7", "vcs.time", "2026-11-29T20:21:14Z", "vcs.modified", "true")},
			"civicgraph v0.0.0-20261129202114-5e7e5cd1a2b3+dirty (revision 5e7e5cd1a2b3, 2026-11-29T20:21:14Z, modified)"},
		{"OKRelease", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "civicgraph v1.2.0"},
		{"ErrNoVCSDevel", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "civicgraph (devel)"},
		{"ErrNoVersionDevel", debug.BuildInfo{}, "civicgraph (devel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(&tt.info); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// make run passes ARGS to the server, and make build stamps the VCS
// revision even where GOFLAGS says -buildvcs=false; the binary says it.
func TestMakefile(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	bin := filepath.Join(t.TempDir(), "civicgraph")
	dry := func(t *testing.T, args ...string) string {
		t.Helper()
		// -o playground: never rebuild the playground's bundle here.
		out, err := exec.Command("make", append([]string{"-n", "-o", "playground"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("make -n %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	t.Run("OKRunPassesArgs", func(t *testing.T) {
		out := dry(t, "run", "ARGS=-addr 127.0.0.1:9090 -store bolt:/tmp/g")
		if !strings.Contains(out, "-addr 127.0.0.1:9090 -store bolt:/tmp/g") || !strings.Contains(out, "-buildvcs=true") {
			t.Errorf("make run ARGS=…:\n%s", out)
		}
	})
	t.Run("OKBuildStampsVCS", func(t *testing.T) {
		if !strings.Contains(dry(t, "build"), "-buildvcs=true") {
			t.Fatal("make build does not pass -buildvcs=true")
		}
		if _, err := os.Stat(".git"); err != nil {
			t.Skip("not a git checkout: no revision to stamp")
		}
		cmd := exec.Command("make", "-o", "playground", "build", "BIN="+bin)
		cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "-version").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^civicgraph \S+ \(revision [0-9a-f]{12}, `).Match(out) {
			t.Errorf("-version of a make build: %s", out)
		}
	})
	t.Run("OKDevelWithoutVCS", func(t *testing.T) {
		// A test binary carries no VCS data.
		var stdout bytes.Buffer
		run(context.Background(), []string{"-version"}, &stdout, &bytes.Buffer{})
		if strings.TrimSpace(stdout.String()) != "civicgraph (devel)" {
			t.Errorf("-version without VCS data: %q", stdout.String())
		}
	})
}

// README tells what a new user meets: application/json request errors are
// 200 (the GraphQL-over-HTTP rule for that media type), usage before
// operations, performance details in docs/.
func TestREADMEOperations(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	sections := regexp.MustCompile(`(?m)^## (.+)$`).FindAllStringSubmatch(readme, -1)
	var order []string
	for _, s := range sections {
		order = append(order, s[1])
	}
	index := func(name string) int {
		for i, s := range order {
			if s == name {
				return i
			}
		}
		return -1
	}
	t.Run("OKUsageFirst", func(t *testing.T) {
		want := []string{"Run and test", "Asking the graph", "Linking", "Reconcile in OpenRefine", "Import other datasets", "Data model", "API", "Command line", "Operating civicgraph", "Performance"}
		last := -1
		for _, w := range want {
			i := index(w)
			if i < 0 || i < last {
				t.Fatalf("README's sections %v: want %v in that order", order, want)
			}
			last = i
		}
	})
	t.Run("OKJSONRequestErrors200", func(t *testing.T) {
		if strings.Contains(readme, "request errors are 4xx with no `data`, `application/graphql-response+json`") {
			t.Error("README still says request errors are 4xx")
		}
		if !strings.Contains(readme, "`application/json` answers it with 200") {
			t.Error("README does not say an application/json request error is a 200")
		}
	})
	t.Run("OKEveryFlag", func(t *testing.T) {
		start := strings.Index(readme, "\n## Operating civicgraph\n")
		if start < 0 {
			t.Fatal("no Operating civicgraph section")
		}
		section := readme[start:]
		if end := strings.Index(section[1:], "\n## "); end >= 0 {
			section = section[:end+1]
		}
		var usage bytes.Buffer
		run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &usage)
		for _, f := range regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(usage.String(), -1) {
			if !strings.Contains(section, "`"+f[1]+"`") {
				t.Errorf("Operating civicgraph does not list %s", f[1])
			}
		}
		for _, w := range []string{"/healthz", "/readyz", "X-Forwarded-For", "/debug/pprof/", "-base-iri", "X-Request-Id", "Retry-After"} {
			if !strings.Contains(section, w) {
				t.Errorf("Operating civicgraph does not mention %s", w)
			}
		}
	})
	t.Run("OKPerformanceInDocs", func(t *testing.T) {
		doc, err := os.ReadFile("docs/performance.md")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(readme, "docs/performance.md") || !strings.Contains(string(doc), "<!-- bench/run.sh report: begin") {
			t.Error("the performance tables are not in docs/performance.md, linked from README")
		}
		if strings.Contains(readme, "| configuration | connections | requests/s |") {
			t.Error("README still holds the performance tables")
		}
	})
	t.Run("OKMakeRunArgs", func(t *testing.T) {
		if !strings.Contains(readme, "make run ARGS=") {
			t.Error("README does not show make run ARGS=…")
		}
	})
}
