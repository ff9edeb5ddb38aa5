package linkeddata

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
)

// FormatCSV is the export of entities, relations and figures as CSV files
// in one zip, for spreadsheets.
const FormatCSV = "csv"

// exportOffers are the export's representations, N-Quads first: the one
// that keeps named graphs a line at a time.
func exportOffers() []offer {
	out := []offer{{"nq", "application/n-quads"}}
	for _, f := range rdf.Formats {
		if f.Name != "nq" {
			out = append(out, offer{f.Name, f.MediaType})
		}
	}
	return append(out, offer{FormatCSV, "application/zip"})
}

// export serves GET /export: the whole graph, streamed, with a deadline of
// its own.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	g, ok := h.acquire(w)
	if !ok {
		return
	}
	defer g.Release()
	o, ok := pick(w, r, exportOffers())
	if !ok {
		return
	}

	// The export outlives the server's write timeout and any query
	// deadline: it gets its own.
	ctx := r.Context()
	deadline := time.Time{}
	if h.cfg.ExportTimeout > 0 {
		deadline = time.Now().Add(h.cfg.ExportTimeout)
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	if err := http.NewResponseController(w).SetWriteDeadline(deadline); err != nil {
		slog.WarnContext(ctx, "export: cannot lift the write deadline", "err", err)
	}

	ext := o.name
	if o.name == FormatCSV {
		ext = "zip"
	}
	ct := o.mediaType
	if o.name != FormatCSV {
		ct += "; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="civicgraph-%s.%s"`, g.Version(), ext))
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	if o.name == FormatCSV {
		err = WriteCSV(ctx, g, h.cfg.IRIs, bw, nil)
	} else {
		f, _ := rdf.Lookup(o.name)
		wr := rdf.NewWriter(bw, f, rdf.Prefixes(kg.Model{IRIs: h.cfg.IRIs}))
		if _, err = Export(ctx, g, h.cfg.IRIs, wr, nil); err == nil {
			err = wr.Close()
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		// The status is sent: cut the connection, so that the client sees
		// a broken transfer rather than a short file.
		slog.ErrorContext(ctx, "export failed", "format", o.name, "err", err)
		panic(http.ErrAbortHandler)
	}
}
