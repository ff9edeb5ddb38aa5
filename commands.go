package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/loader/check"
	"github.com/civicgraph/civicgraph/store"
)

// dataFS is the data folder dir, or the embedded dataset when dir is "", with
// the name its errors use.
func dataFS(dir string) (fs.FS, string) {
	if dir == "" {
		return data.FS, "data"
	}
	return os.DirFS(dir), dir
}

// checkDataDir reports a data folder that is not a directory, before the
// loader would report it as a file it cannot read.
func checkDataDir(dir string) error {
	if dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("data folder %s: not a directory", dir)
		}
	}
	return nil
}

// loadData loads the data folder dir, or the embedded dataset when dir is "".
func loadData(dir string) (*loader.Dataset, error) {
	if err := checkDataDir(dir); err != nil {
		return nil, err
	}
	return loader.Load(dataFS(dir))
}

func runValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: civicgraph validate [DATA_DIR]\n\nChecks a data folder (default: the built-in dataset): every error names file:line and field.")
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(1))
	}
	quiet(stderr)
	ds, err := loadData(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d sources, %d entities, %d relations, %d figures; version %s\n",
		len(ds.Sources), len(ds.Entities), len(ds.Relations), ds.FigureCount(), ds.Version())
	return nil
}

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "list every likely miss, quoted or waived, every waived warning, and every waiver with its reason")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: civicgraph check [-v] [DATA_DIR]

Checks how completely a data folder (default: the built-in dataset) covers its
sources: entities per kind, relations per predicate, figures per entity kind,
entities with no link or figure, quotes verified at their offsets, and likely
misses — a 《title》, a …街道/…社区/…公司/…中心 name, or a number with a unit
that no quote covers. It warns of relations not marked inferred whose quotes
name neither end (no name or alias of the subject or the object): likely read
from context. DATA_DIR/waivers.yaml accepts likely misses and warnings, each
with a reason. Exits non-zero while any likely miss is open, any entity has no
link or figure, or any waiver is wrong; warnings never fail it.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(1))
	}
	quiet(stderr)
	if err := checkDataDir(fs.Arg(0)); err != nil {
		return err
	}
	fsys, root := dataFS(fs.Arg(0))
	ds, err := loader.Load(fsys, root)
	if err != nil {
		return err
	}
	waivers, err := check.LoadWaivers(fsys, root)
	if err != nil {
		return err
	}
	report := check.Run(ds, waivers)
	report.Root = root
	report.Write(stdout, *verbose)
	return report.Err()
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("store", "", "the store to load into: bolt:DIR or postgres://… (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: civicgraph load -store S [DATA_DIR]\n\nWrites a data folder (default: the built-in dataset) into a store beside the graph it\nholds, then makes it current; a failed load leaves the previous graph current.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if *spec == "" {
		fs.Usage()
		return fmt.Errorf("%w: -store is missing", errUsage)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(1))
	}
	if *spec == "memory" {
		// A memory store ends with this process: loading it would report a
		// success that nothing can see.
		return fmt.Errorf("%w: load writes a persistent store (bolt:DIR or postgres://…); a memory store is filled at every start", errUsage)
	}
	// The store notes the graph it serves: a load prints what it loaded.
	quiet(stderr)
	ds, err := loadData(fs.Arg(0))
	if err != nil {
		return err
	}
	version, err := store.LoadInto(ctx, *spec, ds)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded version %s into %s\n", version, redact(*spec))
	return nil
}

// redact hides a password in a store URL before it is printed.
func redact(spec string) string {
	if u, err := url.Parse(spec); err == nil && u.User != nil {
		return u.Redacted()
	}
	return spec
}

// flagError makes a flag parse error a usage error (exit 2; the flag package
// has printed the message and the usage), leaving -h alone.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%w: %v", errFlag, err)
}
