package loader_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/loader"
)

// folder reads a data folder into a MapFS, with its YAML files in order:
// the ones a fuzz input replaces.
func folder(tb testing.TB, fsys fs.FS) (fstest.MapFS, []string) {
	tb.Helper()
	m := fstest.MapFS{}
	var yamls []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: b}
		if strings.HasSuffix(p, ".yaml") && p != "waivers.yaml" {
			yamls = append(yamls, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(yamls)
	return m, yamls
}

// FuzzLoad replaces one YAML file of a data folder (dataset.yaml, a
// source's description or an entity file) with the fuzz input and loads the
// folder. The loader never panics, and either
//
//   - refuses it with ErrInvalid, every problem an Error naming a file of
//     the folder (or the source text a description names, line 0 when that
//     file is missing) at a line the file has; or
//   - gives a dataset that loads again identically: same version (the hash
//     of its quads), same sources, entities, relations and figures.
//
// The folder is testdata/ok with the real source (data/sources) beside its
// own, small enough for hundreds of loads a second; the seeds are its
// files, the real data's dataset.yaml and source description, the real
// entity files cut into pieces of whole entities, each in the place of the
// same kind, and the loader's bad examples (testdata/bad) in place of an
// entity file. Inputs over maxFuzzYAML are skipped: locating a YAML syntax
// error takes time quadratic in the lines of its file (loader.syntaxError),
// where the fuzzer would spend all its time.
func FuzzLoad(f *testing.F) {
	base, yamls := folder(f, os.DirFS("testdata/ok"))
	real, realYAMLs := folder(f, data.FS)
	for name, file := range real {
		if path.Dir(name) == "sources" {
			base[name] = file // not among yamls: its description stays as is
		}
	}
	place := func(name string) uint8 {
		dir := path.Dir(name)
		for i, y := range yamls {
			if path.Dir(y) == dir {
				return uint8(i)
			}
		}
		f.Fatalf("no place for %s among %v", name, yamls)
		return 0
	}
	for i, name := range yamls {
		f.Add(uint8(i), base[name].Data)
	}
	for _, name := range realYAMLs {
		for _, piece := range pieces(real[name].Data, maxFuzzYAML/2) {
			f.Add(place(name), piece)
		}
	}
	bad, _ := fs.Glob(os.DirFS("."), "testdata/bad/*/entities/*.yaml")
	for _, name := range bad {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(place("entities/x.yaml"), b)
	}
	f.Fuzz(func(t *testing.T, which uint8, content []byte) {
		if len(content) > maxFuzzYAML {
			return
		}
		name := yamls[int(which)%len(yamls)]
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys[name] = &fstest.MapFile{Data: content}
		ds, err := loader.Load(fsys, "data")
		if err != nil {
			checkLoadError(t, fsys, ds, err)
			return
		}
		again, err := loader.Load(fsys, "data")
		if err != nil {
			t.Fatalf("loaded once, then: %v", err)
		}
		if again.Version() != ds.Version() {
			t.Fatalf("version %s, then %s", ds.Version(), again.Version())
		}
		if !reflect.DeepEqual(again.Info, ds.Info) || !reflect.DeepEqual(again.Sources, ds.Sources) ||
			!reflect.DeepEqual(again.Entities, ds.Entities) || !reflect.DeepEqual(again.Relations, ds.Relations) ||
			!reflect.DeepEqual(again.Figures, ds.Figures) {
			t.Fatal("the same folder loaded into a different dataset")
		}
	})
}

// maxFuzzYAML is the largest file FuzzLoad tries.
const maxFuzzYAML = 16 << 10

// pieces cuts an entity file into files of whole entities, each under about
// size bytes and each with the file's header (its comments and source:); a
// file that is not a list of entities is one piece.
func pieces(b []byte, size int) [][]byte {
	const item = "\n  - id:"
	first := bytes.Index(b, []byte(item))
	if first < 0 || len(b) <= size {
		return [][]byte{b}
	}
	header, rest := b[:first+1], b[first+1:]
	var out [][]byte
	for len(rest) > 0 {
		cut := len(rest)
		for at := 0; ; {
			next := bytes.Index(rest[at+1:], []byte(item))
			if next < 0 {
				break
			}
			at += 1 + next
			if at+1 > size {
				cut = at + 1
				break
			}
		}
		out = append(out, append(slices.Clone(header), rest[:cut]...))
		rest = rest[cut:]
	}
	return out
}

// checkLoadError checks a refused folder: ErrInvalid, and each Error at a
// file:line that exists.
func checkLoadError(t *testing.T, fsys fstest.MapFS, ds *loader.Dataset, err error) {
	t.Helper()
	if ds != nil {
		t.Fatalf("Load returned a dataset and an error: %v", err)
	}
	if !errors.Is(err, loader.ErrInvalid) {
		t.Fatalf("Load: %v, want an ErrInvalid", err)
	}
	var errs loader.Errors
	if !errors.As(err, &errs) {
		return // a folder-wide problem ("no entities/*.yaml"), with no line
	}
	if len(errs) == 0 {
		t.Fatal("an empty Errors")
	}
	for _, e := range errs {
		name, ok := strings.CutPrefix(e.File, "data/")
		if !ok {
			t.Fatalf("%v: the file is not under the folder's name", e)
		}
		file, exists := fsys[path.Clean(name)]
		switch {
		case !exists && e.Line == 0:
			// A source text a description names, missing.
		case !exists:
			t.Fatalf("%v: names a file the folder does not have", e)
		case e.Line < 1:
			t.Fatalf("%v: no line", e)
		case e.Line > yamlLines(file.Data):
			t.Fatalf("%v: line %d, but %s has %d lines", e, e.Line, name, yamlLines(file.Data))
		}
		if e.Msg == "" {
			t.Fatalf("%v: no message", e)
		}
	}
}

// yamlLines counts lines as YAML (and an editor) does: a line ends at CR
// LF, LF or a lone CR.
func yamlLines(b []byte) int {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.Count(b, []byte("\n")) + bytes.Count(b, []byte("\r")) + 1
}
