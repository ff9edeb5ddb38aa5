package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/civicgraph/civicgraph/imports"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("store", "", "the store to import into: bolt:DIR or postgres://… (required)")
	name := fs.String("name", "", "the import's `name`: lower-case words joined by hyphens (required to import)")
	mapping := fs.String("mapping", "", "the YAML `file` that maps a CSV file's columns")
	format := fs.String("format", "", "the file's format: nq, nt, jsonld or csv (default: by its extension)")
	remove := fs.String("remove", "", "remove the import called `NAME` instead")
	by := fs.String("by", os.Getenv("USER"), "who imports, for the provenance")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: civicgraph import -store S -name NAME [-mapping M] [-format F] FILE
       civicgraph import -store S -remove NAME

Imports an outside dataset (N-Quads, N-Triples, JSON-LD, or CSV with a
mapping) beside the curated graph, as a new graph version: its records keep
their own IRIs in the import's own named graph and are linked to our
entities by shared identifier, owl:sameAs or a safe reconciliation match, as
the mapping allows. Records reconciliation could not decide are listed with
their candidates. Nothing is imported when anything in the file is wrong.

Flags:`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if *spec == "" {
		fs.Usage()
		return fmt.Errorf("%w: -store is missing", errUsage)
	}
	if *spec == "memory" {
		return fmt.Errorf("%w: import writes a persistent store (bolt:DIR or postgres://…); a server on the memory store takes imports at POST /admin/imports", errUsage)
	}
	quiet(stderr)
	if *remove != "" {
		if fs.NArg() > 0 || *name != "" {
			return fmt.Errorf("%w: -remove takes no file and no -name", errUsage)
		}
		st, err := store.Open(ctx, *spec, nil)
		if err != nil {
			return err
		}
		defer st.Close()
		version, err := st.RemoveImport(ctx, *remove)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed import %s; graph version %s\n", *remove, version)
		return nil
	}
	if *name == "" || fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: give -name and one file", errUsage)
	}
	file := fs.Arg(0)
	data, err := os.Open(file)
	if err != nil {
		return err
	}
	defer data.Close()
	req := imports.Request{Name: *name, File: file, Format: *format, Data: data, By: *by}
	if *mapping != "" {
		mf, err := os.Open(*mapping)
		if err != nil {
			return err
		}
		defer mf.Close()
		req.Mapping, req.MapFile = mf, *mapping
	}
	st, err := store.Open(ctx, *spec, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	req.Matcher = newMatcher(kg.NewIRIs(declaredBase(st)))
	rep, err := imports.Into(ctx, st, req)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	writeReport(stdout, rep)
	return nil
}

// writeReport prints what an import linked and what it left to a person.
func writeReport(w io.Writer, rep imports.Report) {
	byHow := map[string]int{}
	for _, l := range rep.Links {
		byHow[l.How]++
	}
	fmt.Fprintf(w, "imported %s: %d records, %d linked (%d links: %d by identifier, %d by sameAs, %d reconciled), %d undecided; graph version %s\n",
		rep.Name, rep.Records, rep.Linked, len(rep.Links), byHow["IDENTIFIER"], byHow["SAME_AS"], byHow["RECONCILED"], len(rep.Undecided), rep.Version)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, l := range rep.Links {
		fmt.Fprintf(tw, "  line %d\t%s\t→ %s\t%s\t%s\n", l.Line, l.Label, l.Entity, strings.ToLower(l.How), l.Detail)
	}
	for _, u := range rep.Undecided {
		var cands []string
		for _, c := range u.Candidates {
			cands = append(cands, fmt.Sprintf("%s %s (%.0f)", c.ID, c.Name, c.Score))
		}
		fmt.Fprintf(tw, "  line %d\t%s\t? %s\t\t\n", u.Line, u.Label, strings.Join(cands, "; "))
	}
	tw.Flush()
}

func runImports(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("civicgraph imports", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("store", "", "the store: bolt:DIR or postgres://… (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: civicgraph imports -store S\n\nLists the imports kept beside the graph.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if *spec == "" {
		fs.Usage()
		return fmt.Errorf("%w: -store is missing", errUsage)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	quiet(stderr)
	st, err := store.Open(ctx, *spec, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	g, err := st.Acquire()
	if err != nil {
		return err
	}
	defer g.Release()
	list, err := g.Imports(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFILE\tFORMAT\tRECORDS\tLINKED\tLOADED\tBY")
	for _, im := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", im.Name, filepath.Base(im.File), im.Format, im.Records, im.Linked,
			im.LoadedAt.UTC().Format("2006-01-02 15:04:05Z"), im.By)
	}
	return tw.Flush()
}

// quiet keeps a command's output to what it was asked for: the store's
// notes are warnings and errors only, on the command's standard error.
func quiet(stderr io.Writer) {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
