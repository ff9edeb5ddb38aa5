package loader_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/civicgraph/civicgraph/loader"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/*/want.txt from the loader's output (review the diff: they are the spec)")

// errorKinds lists every fixture under testdata/bad, one per kind of data
// error. Each holds dataset.yaml, entities/ (and, to test sources, sources/)
// laid over the valid sources of testdata/ok, and want.txt, the exact errors
// of one run.
var errorKinds = []string{
	"ErrUnknownField",
	"ErrDuplicateID",
	"ErrMalformedID",
	"ErrUnknownKind",
	"ErrDanglingReference",
	"ErrUnknownPredicate",
	"ErrPredicateNotAllowed",
	"ErrEmptyName",
	"ErrBadTime",
	"ErrQuoteNotFound",
	"ErrQuoteAmbiguous",
	"ErrMissingQuotes",
	"ErrYAMLSyntax",
	"ErrWrongNodeType",
	"ErrBadFigureValue",
	"ErrPeriodInferredWithoutPeriod",
	"ErrUnknownSource",
	"ErrSourceFileMissing",
	"ErrBadSource",
	"ErrDuplicateRelation",
	"ErrEmptyFile",
	"ErrBadAliasOrIdentifier",
	"ErrBadIdentifier",
	"ErrMultiple",
	"ErrBadBase",
	"ErrBadDataset",
	"ErrMissingDataset",
}

func TestLoadErrors(t *testing.T) {
	dirs, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !slices.Contains(errorKinds, d.Name()) {
			t.Errorf("testdata/bad/%s is not in errorKinds, so it is never run", d.Name())
		}
	}
	for _, name := range errorKinds {
		t.Run(name, func(t *testing.T) {
			root := path.Join("testdata/bad", name)
			ds, err := loader.Load(badFixture(t, name), root)
			if ds != nil {
				t.Error("Load returned a Dataset along with errors")
			}
			if !errors.Is(err, loader.ErrInvalid) {
				t.Fatalf("Load error = %v, want one wrapping loader.ErrInvalid", err)
			}
			var errs loader.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load error is a %T, want loader.Errors", err)
			}
			var got []string
			for i, e := range errs {
				if !errors.Is(e, loader.ErrInvalid) {
					t.Errorf("error %q does not wrap ErrInvalid", e)
				}
				// Only a missing file has no line to name.
				if e.Line < 1 && !strings.HasPrefix(e.Msg, "missing:") {
					t.Errorf("error %q has no line", e)
				}
				if i > 0 && (e.File < errs[i-1].File || e.File == errs[i-1].File && e.Line < errs[i-1].Line) {
					t.Errorf("errors not sorted by file and line: %q after %q", e, errs[i-1])
				}
				got = append(got, e.Error())
			}
			if want := fmt.Sprintf("%d data error(s):\n%s", len(got), strings.Join(got, "\n")); err.Error() != want {
				t.Errorf("Errors.Error() = %q, want %q", err, want)
			}

			wantFile := filepath.Join("testdata", "bad", name, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			if !slices.Equal(got, want) {
				t.Errorf("errors of one run:\n%s\n\nwant (%s):\n%s", strings.Join(got, "\n"), wantFile, strings.Join(want, "\n"))
			}
		})
	}
}

// TestAllErrorsInOneRun pins that a folder with many different mistakes
// reports each of them at once, from parse and resolve alike, across files.
func TestAllErrorsInOneRun(t *testing.T) {
	_, err := loader.Load(badFixture(t, "ErrMultiple"), "testdata/bad/ErrMultiple")
	var errs loader.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load error = %v, want loader.Errors", err)
	}
	files := map[string]bool{}
	kinds := map[string]bool{}
	for _, e := range errs {
		files[path.Base(e.File)] = true
		for _, k := range []string{"malformed id", "malformed time", "quote not found", "unknown predicate", "no entity has id", "quote occurs", "empty", "unknown field", "want a number", "no period"} {
			if strings.Contains(e.Msg, k) {
				kinds[k] = true
			}
		}
	}
	if len(files) != 2 || len(kinds) != 10 {
		t.Errorf("one run reported %d files and kinds %v, want 2 files and 10 kinds:\n%v", len(files), kinds, err)
	}
}

// badFixture lays testdata/bad/NAME over the sources of testdata/ok: a
// fixture's own files replace or add to them. dataset.yaml is the fixture's
// own, so a fixture can lack one.
func badFixture(t *testing.T, name string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	copyFile(t, m, filepath.Join("testdata/bad", name), "dataset.yaml")
	copyDir(t, m, "testdata/ok", "sources")
	copyDir(t, m, filepath.Join("testdata/bad", name), "sources")
	copyDir(t, m, filepath.Join("testdata/bad", name), "entities")
	return m
}

// copyFile copies dir/name into m when it exists.
func copyFile(t *testing.T, m fstest.MapFS, dir, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	m[name] = &fstest.MapFile{Data: b}
}

func copyDir(t *testing.T, m fstest.MapFS, dir, sub string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[sub+"/"+e.Name()] = &fstest.MapFile{Data: b}
	}
}
