package linkeddata

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// The CSV export is one zip of UTF-8 files with a header row each. A byte
// order mark starts every file, so that spreadsheet programs read the
// Chinese text as UTF-8; several values in one cell are separated by " | ".
const (
	csvSep = " | "
	bom    = "\uFEFF"
)

// CSVFiles are the files of the CSV export with their header rows.
var CSVFiles = []struct {
	Name   string
	Header []string
}{
	{"entities.csv", []string{"id", "iri", "type", "name", "aliases", "category", "description", "identifiers"}},
	{"relations.csv", []string{"subject_id", "subject_name", "predicate", "label", "label_en", "object_id", "object_name",
		"inferred", "time", "time_inferred", "role", "role_inferred", "quantity", "quantity_inferred", "quotes", "offsets", "source"}},
	{"figures.csv", []string{"entity_id", "entity_name", "indicator", "stated", "value", "unit", "modifier",
		"period", "period_inferred", "growth_percent", "quotes", "offsets", "source"}},
	{"sources.csv", []string{"id", "iri", "title", "publisher", "date", "language", "rights"}},
}

// WriteCSV writes the CSV export of g to w as a zip.
func WriteCSV(ctx context.Context, g *store.Graph, iris kg.IRIs, w io.Writer, progress Progress) error {
	ids, err := g.EntityIDs(ctx)
	if err != nil {
		return fmt.Errorf("csv export: list entities: %w", err)
	}
	zw := zip.NewWriter(w)
	// A fixed time keeps equal graphs to equal bytes.
	modified := time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
	for fi, file := range CSVFiles {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: file.Name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, bom); err != nil {
			return err
		}
		cw := csv.NewWriter(fw)
		if err := cw.Write(file.Header); err != nil {
			return err
		}
		if file.Name == "sources.csv" {
			err = csvSources(ctx, g, iris, cw)
		} else {
			err = csvEntities(ctx, g, iris, ids, fi, cw, progress)
		}
		if err != nil {
			return fmt.Errorf("csv export: %s: %w", file.Name, err)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// csvEntities writes the rows of file fi (0 entities, 1 relations,
// 2 figures), reading the entities in batches.
func csvEntities(ctx context.Context, g *store.Graph, iris kg.IRIs, ids []string, fi int, cw *csv.Writer, progress Progress) error {
	for start := 0; start < len(ids); start += exportBatch {
		batch := ids[start:min(start+exportBatch, len(ids))]
		ents, err := g.Entities(ctx, batch)
		if err != nil {
			return err
		}
		var edges [][]store.Edge
		var figs [][]kg.Figure
		switch fi {
		case 1:
			edges, err = g.Edges(ctx, batch)
		case 2:
			figs, err = g.Figures(ctx, batch)
		}
		if err != nil {
			return err
		}
		for i, e := range ents {
			if e == nil {
				continue
			}
			var rows [][]string
			switch fi {
			case 0:
				rows = [][]string{entityRow(e, iris)}
			case 1:
				for _, ed := range edges[i] {
					if ed.Dir == store.Out {
						rows = append(rows, relationRow(e, &ed))
					}
				}
			case 2:
				for _, f := range figs[i] {
					rows = append(rows, csvFigureRow(e, &f))
				}
			}
			if err := cw.WriteAll(rows); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(fi*len(ids)+start+len(batch), 3*len(ids))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func entityRow(e *kg.Entity, iris kg.IRIs) []string {
	var idents []string
	for _, id := range e.Identifiers {
		idents = append(idents, id.Scheme+":"+id.Value)
	}
	return []string{e.ID, iris.Entity(e.ID), kg.ClassName(e.Kind), e.Name, strings.Join(e.Aliases, csvSep),
		e.Category, e.Description, strings.Join(idents, csvSep)}
}

func relationRow(e *kg.Entity, ed *store.Edge) []string {
	label, labelEn := "", ""
	if p, ok := kg.LookupPredicate(ed.Predicate); ok {
		label, labelEn = p.Label, p.LabelEn
	}
	row := []string{e.ID, e.Name, ed.Predicate, label, labelEn, ed.Object, ed.OtherName, strconv.FormatBool(ed.Inferred)}
	for _, key := range kg.QualifierKeys {
		q, ok := ed.Qualifier(key)
		inferred := ""
		if ok {
			inferred = strconv.FormatBool(q.Inferred)
		}
		row = append(row, q.Value, inferred)
	}
	return append(row, evidenceCells(ed.Evidence)...)
}

func csvFigureRow(e *kg.Entity, f *kg.Figure) []string {
	growth, inferred := "", ""
	if f.GrowthPercent != nil {
		growth = strconv.FormatFloat(*f.GrowthPercent, 'f', -1, 64)
	}
	if f.Period != "" {
		inferred = strconv.FormatBool(f.PeriodInferred)
	}
	row := []string{e.ID, e.Name, f.Indicator, f.Stated, strconv.FormatFloat(f.Value, 'f', -1, 64), f.Unit, f.Modifier,
		f.Period, inferred, growth}
	return append(row, evidenceCells(f.Evidence)...)
}

// evidenceCells are the quotes, their offsets (start-end, code points) and
// their sources.
func evidenceCells(evs []kg.Evidence) []string {
	var quotes, offsets, sources []string
	for _, ev := range evs {
		quotes = append(quotes, ev.Quote)
		offsets = append(offsets, strconv.Itoa(ev.Start)+"-"+strconv.Itoa(ev.End))
		if len(sources) == 0 || sources[len(sources)-1] != ev.Source {
			sources = append(sources, ev.Source)
		}
	}
	return []string{strings.Join(quotes, csvSep), strings.Join(offsets, csvSep), strings.Join(sources, csvSep)}
}

func csvSources(ctx context.Context, g *store.Graph, iris kg.IRIs, cw *csv.Writer) error {
	ids, err := g.SourceIDs(ctx)
	if err != nil {
		return err
	}
	srcs, err := g.Sources(ctx, ids)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		if s == nil {
			continue
		}
		if err := cw.Write([]string{s.ID, iris.Entity(s.ID), s.Title, s.Publisher, s.Date, s.Language, s.Rights}); err != nil {
			return err
		}
	}
	return nil
}
