package reconcile

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/store"
)

// The preview is a small card that fits the iframe the manifest declares
// (previewWidth × previewHeight): the name linking to the entity's page,
// its type and category, aliases, the start of its description, a few of
// its relations and its identifiers.
const (
	previewDescRunes = 90 // of the description
	previewGroups    = 4  // relation predicates shown
	previewNames     = 3  // names shown per predicate
)

type previewCard struct {
	Name, Page, Type, Category string
	Aliases                    string
	Description                string
	Facts                      []previewFact
	ID                         string
}

type previewFact struct{ Label, Text string }

var previewPage = template.Must(template.New("preview").Parse(`<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>{{.Name}}</title>
<style>
body{margin:0;font:13px/1.45 system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#222;background:#fff}
.card{padding:8px 10px;max-height:244px;overflow:hidden}
h1{font-size:16px;margin:0 0 2px}h1 a{color:#1a4f8b;text-decoration:none}
.kind{color:#666;margin:0 0 4px}p{margin:0 0 4px}
dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:1px 8px}dt{color:#666}dd{margin:0}
.id{color:#999;font-size:11px;margin-top:4px}
</style></head>
<body><div class="card">
<h1><a href="{{.Page}}" target="_blank" rel="noopener">{{.Name}}</a></h1>
<p class="kind">{{.Type}}{{if .Category}} · {{.Category}}{{end}}</p>
{{if .Aliases}}<p>又名 {{.Aliases}}</p>{{end}}
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Facts}}<dl>{{range .Facts}}<dt>{{.Label}}</dt><dd>{{.Text}}</dd>{{end}}</dl>{{end}}
<p class="id">{{.ID}}</p>
</div></body></html>
`))

// preview answers GET /reconcile/preview?id=…
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	if !onlyGet(w, r) {
		return
	}
	g := graphOf(r)
	given := r.URL.Query().Get("id")
	if given == "" {
		writeError(w, http.StatusBadRequest, "preview needs ?id=, an entity id like person/ma-shanxiang")
		return
	}
	s := &session{h: h, r: r, g: g, rd: newReader(r.Context(), g)}
	id, ok := s.idOf(given)
	if !ok {
		writeError(w, http.StatusBadRequest, "%q is not an entity id: want kind/slug, like person/ma-shanxiang, or its IRI", given)
		return
	}
	if err := s.rd.entities([]string{id}); err != nil {
		fail(w, r, err)
		return
	}
	e := s.rd.ents[id]
	if e == nil {
		writeError(w, http.StatusNotFound, "no entity %s in graph version %s", id, g.Version())
		return
	}
	if err := s.rd.relations([]string{id}); err != nil {
		fail(w, r, err)
		return
	}
	card := previewCard{
		Name: e.Name, Page: requestBase(r) + "/id/" + e.ID, Type: typeOf(e.Kind).Name, Category: e.Category,
		Aliases: strings.Join(e.Aliases, "、"), Description: clip(e.Description, previewDescRunes), ID: e.ID,
		Facts: previewFacts(s.rd.edges[id]),
	}
	for _, x := range e.Identifiers {
		label := x.Scheme
		if sc, ok := kg.LookupScheme(x.Scheme); ok {
			label = sc.Label
		}
		card.Facts = append(card.Facts, previewFact{Label: label, Text: x.Value})
	}
	var buf bytes.Buffer
	if err := previewPage.Execute(&buf, card); err != nil {
		fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(buf.Bytes())
}

// previewFacts groups relations by predicate and direction, each with a
// few names of the other ends.
func previewFacts(edges []store.Edge) []previewFact {
	type group struct {
		label string
		names []string
	}
	var groups []*group
	var last string
	for _, e := range edges {
		key := e.Predicate + "/" + strconv.Itoa(int(e.Dir))
		if key != last {
			p, _ := kg.LookupPredicate(e.Predicate)
			label := e.Predicate
			if p != nil {
				label = p.Label
				if e.Dir == store.In {
					label = p.Inverse
				}
			}
			groups = append(groups, &group{label: label})
			last = key
		}
		g := groups[len(groups)-1]
		g.names = appendNew(g.names, e.OtherName)
	}
	var out []previewFact
	for _, g := range groups {
		if len(out) == previewGroups {
			break
		}
		text := strings.Join(g.names[:min(len(g.names), previewNames)], "、")
		if len(g.names) > previewNames {
			text += " 等" + strconv.Itoa(len(g.names)) + "项"
		}
		out = append(out, previewFact{Label: g.label, Text: text})
	}
	return out
}

// clip shortens s to n characters, with an ellipsis.
func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}
