package main

import (
	"context"

	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/linkeddata"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// checkBase accepts an absolute http(s) IRI with a host and no query or
// fragment, the shape every minted IRI extends.
func checkBase(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Path, "//") {
		return fmt.Errorf("%q is not an absolute http or https IRI without query or fragment, like https://data.example.org/civicgraph", base)
	}
	return nil
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "nq", "`format`: "+strings.Join(rdf.Names(), ", ")+", or csv (a zip of entities, relations, figures and sources)")
	out := fs.String("o", "", "write to `FILE` (replaced only once the export is whole) instead of standard output")
	spec := fs.String("store", "memory", "the store to read: memory (filled from -data), bolt:DIR or postgres://…")
	dataDir := fs.String("data", "", "data folder to export from a memory store (default: the built-in dataset)")
	base := fs.String("base-iri", "", "base of the IRIs (default: the base the dataset declares)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: civicgraph export [-format F] [-o FILE] [-store S] [-data DIR] [-base-iri B]

Writes the whole graph — entities, relations as direct triples with their
statements, figures, evidence quotes with their offsets, sources and the
vocabulary — in the public RDF model, or as CSV files in a zip. On a
terminal it shows its progress on standard error.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	rf, isRDF := rdf.Lookup(*format)
	if !isRDF && *format != linkeddata.FormatCSV {
		return fmt.Errorf("%w: unknown -format %q: use one of %s, csv", errUsage, *format, strings.Join(rdf.Names(), ", "))
	}
	if *base != "" {
		if err := checkBase(*base); err != nil {
			return fmt.Errorf("%w: -base-iri: %v", errUsage, err)
		}
	}
	// The export is the output: the store's notes would only clutter it.
	quiet(stderr)
	if *dataDir != "" && *spec != "memory" {
		return fmt.Errorf("%w: -data fills a memory store; a persistent store exports what it holds", errUsage)
	}
	var seed func() (store.Source, error)
	if *spec == "memory" {
		seed = func() (store.Source, error) { return loadData(*dataDir) }
	}
	st, err := store.Open(ctx, *spec, seed)
	if err != nil {
		return err
	}
	defer st.Close()
	g, err := st.Acquire()
	if err != nil {
		return err
	}
	defer g.Release()
	iris := kg.NewIRIs(*base)
	if *base == "" {
		if g.Info().Base == "" {
			return fmt.Errorf("%w: the graph declares no base IRI: pass -base-iri", errUsage)
		}
		iris = kg.NewIRIs(g.Info().Base)
	}

	w, commit, err := output(*out, stdout)
	if err != nil {
		return err
	}
	progress, done := progressBar(stderr, *format)
	if isRDF {
		wr := rdf.NewWriter(w, rf, rdf.Prefixes(kg.Model{IRIs: iris}))
		if _, err = linkeddata.Export(ctx, g, iris, wr, progress); err == nil {
			err = wr.Close()
		}
	} else {
		err = linkeddata.WriteCSV(ctx, g, iris, w, progress)
	}
	done()
	return commit(err)
}

// output is where an export goes: standard output, or a temporary file
// beside FILE that becomes FILE when the export succeeds, so a failed export
// never leaves a truncated file nor destroys the previous one.
func output(path string, stdout io.Writer) (io.Writer, func(error) error, error) {
	if path == "" {
		return stdout, func(err error) error { return err }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, nil, fmt.Errorf("export to %s: %w", path, err)
	}
	commit := func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644)
		}
		if err == nil {
			err = os.Rename(f.Name(), path)
		}
		if err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("export to %s: %w", path, err)
		}
		return nil
	}
	return f, commit, nil
}

// progressBar shows an export's progress when stderr is a terminal, and
// nothing when it is a file or a pipe.
func progressBar(stderr io.Writer, what string) (linkeddata.Progress, func()) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("export "+what),
				progressbar.OptionShowCount(), progressbar.OptionSetItsString("entities"), progressbar.OptionShowIts(),
				progressbar.OptionClearOnFinish())
		}
		bar.Set(done)
	}
	return progress, func() {
		if bar != nil {
			bar.Finish()
		}
	}
}
