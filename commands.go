package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

// loadData loads the data folder dir, or the embedded dataset when dir is "".
func loadData(dir string) (*loader.Dataset, error) {
	var fsys fs.FS = data.FS
	root := "data"
	if dir != "" {
		fsys, root = os.DirFS(dir), dir
	}
	return loader.Load(fsys, root)
}

func runValidate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: civicgraph validate [DATA_DIR]\n\nChecks a data folder (default: the built-in dataset): every error names file:line and field.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	ds, err := loadData(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d sources, %d entities, %d relations, %d figures; version %s\n",
		len(ds.Sources), len(ds.Entities), len(ds.Relations), ds.FigureCount(), ds.Version())
	return nil
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
		return err
	}
	if *spec == "" || fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	ds, err := loadData(fs.Arg(0))
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *spec, func() (*loader.Dataset, error) { return ds, nil })
	if err != nil {
		return err
	}
	defer st.Close()
	version, err := st.Load(ctx, ds)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded version %s into %s\n", version, st)
	return nil
}
