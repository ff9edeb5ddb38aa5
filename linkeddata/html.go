package linkeddata

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/url"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
)

// page is what every HTML page shows around its body.
type page struct {
	Title      string
	Lang       string
	IRI        string // the canonical IRI of what the page shows
	Version    string
	Formats    []formatLink
	Playground bool
	Body       any
}

type formatLink struct{ Name, Href string }

// formatLinks links the RDF representations of path.
func formatLinks(path string) []formatLink {
	out := make([]formatLink, len(rdf.Formats))
	for i, f := range rdf.Formats {
		out[i] = formatLink{Name: formatTitle[f.Name], Href: path + "?format=" + f.Name}
	}
	return out
}

var formatTitle = map[string]string{"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG"}

// entityPage is the body of an entity's page.
type entityPage struct {
	Entity          *kg.Entity
	KindLabel       string
	KindLabelEn     string
	Groups          []relGroup
	Figures         []figureRow
	Identifiers     []kg.Identifier
	PlaygroundQuery string
}

type relGroup struct {
	Predicate, Label, LabelEn string
	Incoming                  bool
	Rows                      []relRow
}

type relRow struct {
	OtherID, OtherName string
	Qualifiers         []kg.Qualifier
	Inferred           bool
	Evidence           []evidenceLink
}

type evidenceLink struct {
	Quote, Href string
}

type figureRow struct {
	kg.Figure
	Evidence []evidenceLink
}

// quoteHref links a quote to its place on its source's page.
func quoteHref(ev kg.Evidence) string {
	return "/id/" + ev.Source + "#" + kg.EvidenceAnchor(ev)
}

func evidenceLinks(evs []kg.Evidence) []evidenceLink {
	out := make([]evidenceLink, len(evs))
	for i, ev := range evs {
		out[i] = evidenceLink{Quote: ev.Quote, Href: quoteHref(ev)}
	}
	return out
}

// newEntityPage groups an entity's relations by predicate and direction, in
// the read layer's order.
func newEntityPage(e *kg.Entity, edges []store.Edge, figs []kg.Figure) *entityPage {
	p := &entityPage{Entity: e, Identifiers: e.Identifiers}
	if t, ok := kg.LookupTerm(kg.ClassName(e.Kind)); ok {
		p.KindLabel, p.KindLabelEn = t.Label, t.LabelEn
	}
	for _, ed := range edges {
		in := ed.Dir == store.In
		if n := len(p.Groups); n == 0 || p.Groups[n-1].Predicate != ed.Predicate || p.Groups[n-1].Incoming != in {
			g := relGroup{Predicate: ed.Predicate, Incoming: in}
			if pr, ok := kg.LookupPredicate(ed.Predicate); ok {
				g.Label, g.LabelEn = pr.Label, pr.LabelEn
				if in {
					g.Label, g.LabelEn = pr.Inverse, pr.InverseEn
				}
			}
			p.Groups = append(p.Groups, g)
		}
		g := &p.Groups[len(p.Groups)-1]
		g.Rows = append(g.Rows, relRow{OtherID: ed.Other, OtherName: ed.OtherName, Qualifiers: ed.Qualifiers,
			Inferred: ed.Inferred, Evidence: evidenceLinks(ed.Evidence)})
	}
	for _, f := range figs {
		p.Figures = append(p.Figures, figureRow{Figure: f, Evidence: evidenceLinks(f.Evidence)})
	}
	p.PlaygroundQuery = "/?query=" + url.QueryEscape(playgroundQuery(e))
	return p
}

// playgroundQuery is a ready query of the entity for the playground.
func playgroundQuery(e *kg.Entity) string {
	return `# ` + e.Name + `
{
  entity(id: "` + e.ID + `") {
    id
    iri
    name
    aliases
    description
    relations {
      label
      direction
      target { id name }
      qualifiers { key value inferred }
      evidence { quote start end }
    }
    figures { indicator stated value unit period periodInferred }
  }
}
`
}

// sourcePage is the body of a source's page.
type sourcePage struct {
	Source     *kg.Source
	Paragraphs []string
}

// vocabPage lists the vocabulary, or one term of it.
type vocabPage struct {
	Predicates []*kg.Predicate
	Terms      []*kg.VocabTerm
	One        bool
}

// notFoundPage suggests entities for an unknown id.
type notFoundPage struct {
	What        string
	Suggestions []suggestion
}

type suggestion struct{ ID, Name string }

// quadsPage shows quads as a table, for the dataset description.
type quadsPage struct {
	Rows []quadRow
}

type quadRow struct{ S, P, O string }

// markScript highlights the quote named by the page's fragment (#q-S-E, in
// code points) in a source's text. Its hash is allowed by the pages' CSP.
const markScript = `(function(){
var el=document.getElementById("text");if(!el)return;var orig=el.textContent;
function mark(){var m=/^#q-(\d+)-(\d+)$/.exec(location.hash);el.textContent=orig;if(!m)return;
var cps=Array.from(orig),s=+m[1],e=+m[2];if(s>=e||e>cps.length)return;
el.textContent="";el.appendChild(document.createTextNode(cps.slice(0,s).join("")));
var mk=document.createElement("mark");mk.id=location.hash.slice(1);mk.textContent=cps.slice(s,e).join("");el.appendChild(mk);
el.appendChild(document.createTextNode(cps.slice(e).join("")));mk.scrollIntoView({block:"center"});}
window.addEventListener("hashchange",mark);mark();})();`

// csp is the Content-Security-Policy of every page: no script but the
// one above, styles inline, nothing from elsewhere.
var csp = func() string {
	h := sha256.Sum256([]byte(markScript))
	return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(h[:]) +
		"'; img-src 'self' data:; base-uri 'none'; form-action 'self'"
}()

var funcs = template.FuncMap{
	"path": func(id string) string { return "/id/" + id },
	"qual": func(q kg.Qualifier) string {
		name := map[string]string{kg.QualTime: "时间", kg.QualRole: "角色", kg.QualQuantity: "数量"}[q.Key]
		if name == "" {
			name = q.Key
		}
		return name + " " + q.Value
	},
	"num":    func(f *float64) float64 { return *f },
	"script": func() template.JS { return template.JS(markScript) },
	"classLabel": func(k kg.Kind) string {
		if t, ok := kg.LookupTerm(kg.ClassName(k)); ok {
			return t.Label + " / " + t.LabelEn
		}
		return string(k)
	},
	"className": func(k kg.Kind) string { return kg.ClassName(k) },
	"join":      strings.Join,
}

var pages = template.Must(template.New("").Funcs(funcs).Parse(`
{{define "layout"}}<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · civicgraph</title>
<link rel="icon" href="data:,">
{{if .IRI}}<link rel="canonical" href="{{.IRI}}">{{end}}
{{range .Formats}}<link rel="alternate" href="{{.Href}}" title="{{.Name}}">
{{end}}<style>
body{font:16px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#1d2330}
header,footer{font-size:.9rem;color:#5b6475}header a,footer a{margin-right:1rem}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
h1{margin:.5rem 0 .2rem;font-size:2rem}h2{margin-top:2rem;font-size:1.25rem;border-bottom:1px solid #dde2ea;padding-bottom:.2rem}
h3{margin:1.2rem 0 .3rem;font-size:1.05rem}
.kind{display:inline-block;background:#eef2f8;border-radius:4px;padding:0 .5rem;font-size:.85rem;color:#33405a}
.iri{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all;color:#5b6475}
.muted{color:#5b6475;font-size:.9rem}.inferred{color:#a35b00;font-size:.85rem}
ul.rel{list-style:none;padding-left:0}ul.rel li{margin:.4rem 0;padding-left:.8rem;border-left:3px solid #dde2ea}
blockquote{margin:.2rem 0 .2rem .5rem;font-size:.92rem;color:#3a4252}blockquote a{color:inherit}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{border-bottom:1px solid #e8ebf0;padding:.3rem .4rem;text-align:left;vertical-align:top}
#text{white-space:pre-wrap;line-height:1.9}mark{background:#ffe58a}
</style>
</head>
<body>
<header><a href="/">{{if .Playground}}GraphQL playground{{else}}civicgraph{{end}}</a><a href="/vocab">词表 vocabulary</a><a href="/export">export</a><a href="/.well-known/void">dataset (VoID)</a></header>
<main>
{{template "body" .}}
</main>
<footer>
{{if .IRI}}<p>IRI: <span class="iri">{{.IRI}}</span></p>{{end}}
{{if .Formats}}<p>As RDF: {{range .Formats}}<a href="{{.Href}}">{{.Name}}</a>{{end}}</p>{{end}}
{{if .Version}}<p>graph version {{.Version}}</p>{{end}}
</footer>
</body>
</html>
{{end}}

{{define "entity"}}{{with .Body}}
<p><span class="kind">{{.KindLabel}} · {{.KindLabelEn}}</span>{{with .Entity.Category}} <span class="kind">{{.}}</span>{{end}}</p>
<h1>{{.Entity.Name}}</h1>
{{with .Entity.Aliases}}<p class="muted">又称 also called: {{join . "、"}}</p>{{end}}
{{with .Entity.Description}}<p>{{.}}</p>{{end}}
<p class="muted">id <code>{{.Entity.ID}}</code> · <a href="{{.PlaygroundQuery}}">open in the GraphQL playground</a></p>
{{with .Identifiers}}<h2>标识符 Identifiers</h2>
<table><tr><th>scheme</th><th>value</th><th>citation</th></tr>
{{range .}}{{$id := .}}<tr><td>{{.Scheme}}</td><td>{{with .URL}}<a href="{{.}}"><code>{{$id.Value}}</code></a>{{else}}<code>{{.Value}}</code>{{end}}</td><td>{{.Citation}}</td></tr>{{end}}
</table>{{end}}
{{with .Groups}}<h2>关系 Relations</h2>
{{range .}}<h3><a href="/vocab/{{.Predicate}}">{{.Label}}</a> <span class="muted">{{.LabelEn}}{{if .Incoming}} (←){{end}}</span></h3>
<ul class="rel">
{{range .Rows}}<li><a href="{{path .OtherID}}">{{.OtherName}}</a>{{range .Qualifiers}} <span class="kind">{{qual .}}</span>{{if .Inferred}} <span class="inferred">推断 inferred</span>{{end}}{{end}}{{if .Inferred}} <span class="inferred">关系为推断 link inferred</span>{{end}}
{{range .Evidence}}<blockquote>“<a href="{{.Href}}">{{.Quote}}</a>”</blockquote>{{end}}</li>
{{end}}</ul>
{{end}}{{end}}
{{with .Figures}}<h2>数据 Figures</h2>
<table><tr><th>indicator</th><th>as stated</th><th>value</th><th>period</th><th>growth</th><th>evidence</th></tr>
{{range .}}<tr><td>{{.Indicator}}</td><td>{{.Stated}}</td><td>{{.Modifier}}{{.Value}} {{.Unit}}</td><td>{{.Period}}{{if .PeriodInferred}} <span class="inferred">推断 inferred</span>{{end}}</td><td>{{with .GrowthPercent}}{{num .}}%{{end}}</td>
<td>{{range .Evidence}}<blockquote>“<a href="{{.Href}}">{{.Quote}}</a>”</blockquote>{{end}}</td></tr>
{{end}}</table>{{end}}
{{end}}{{end}}

{{define "source"}}{{with .Body}}
<p><span class="kind">来源 source</span></p>
<h1>{{.Source.Title}}</h1>
<p class="muted">{{with .Source.Publisher}}{{.}} · {{end}}{{.Source.Date}} · {{.Source.Language}}</p>
{{with .Source.Rights}}<p class="muted">{{.}}</p>{{end}}
<p class="muted">The normalised text, which evidence offsets count into in Unicode code points; a link to a quote marks it.</p>
<div id="text">{{range .Paragraphs}}{{.}}
{{end}}</div>
<script>{{script}}</script>
{{end}}{{end}}

{{define "vocab"}}{{with .Body}}
{{if not .One}}<h1>civicgraph 词表 vocabulary</h1>
<p>The relations, classes and properties of the graph. Each relation reads subject→object with its label and object→subject with its inverse label.</p>{{end}}
{{if .Predicates}}{{if not .One}}<h2>关系 Relations</h2>{{end}}
{{range .Predicates}}<h3 id="{{.Name}}">{{if $.Body.One}}cg:{{.Name}}{{else}}<a href="/vocab/{{.Name}}">{{.Name}}</a>{{end}}</h3>
<p>{{.Label}} / {{.LabelEn}} · inverse: {{.Inverse}} / {{.InverseEn}}</p>
<p class="muted">{{.Doc}}</p>
{{with .Maps}}<p class="muted">equivalent to <a href="{{.}}">{{.}}</a></p>{{end}}
{{with .Domain}}<p class="muted">subject: {{range .}}<a href="/vocab/{{className .}}">{{classLabel .}}</a> {{end}}</p>{{end}}
{{with .Range}}<p class="muted">object: {{range .}}<a href="/vocab/{{className .}}">{{classLabel .}}</a> {{end}}</p>{{end}}
{{end}}{{end}}
{{if .Terms}}{{if not .One}}<h2>类与属性 Classes and properties</h2>{{end}}
{{range .Terms}}<h3 id="{{.Name}}">{{if $.Body.One}}cg:{{.Name}}{{else}}<a href="/vocab/{{.Name}}">{{.Name}}</a>{{end}}</h3>
<p>{{.Label}} / {{.LabelEn}} · {{if .Class}}class{{else}}property{{end}}</p>
<p class="muted">{{.Doc}}</p>
{{with .Equivalent}}<p class="muted">equivalent to <a href="{{.}}">{{.}}</a></p>{{end}}
{{end}}{{end}}
{{end}}{{end}}

{{define "notfound"}}{{with .Body}}
<h1>Not found</h1>
<p>This graph has no {{.What}}.</p>
{{with .Suggestions}}<p>Perhaps one of these:</p><ul>{{range .}}<li><a href="{{path .ID}}">{{.Name}}</a> <code>{{.ID}}</code></li>{{end}}</ul>{{end}}
<p class="muted">Ids have the form <code>kind/slug</code>: the kind one of person, company, organization, place, honour, project, document, event; the slug the toneless pinyin of the name (<a href="/id/person/ma-shanxiang">person/ma-shanxiang</a>). The <a href="/">playground</a> searches by name.</p>
{{end}}{{end}}

{{define "quads"}}{{with .Body}}
<h1>{{$.Title}}</h1>
<table><tr><th>subject</th><th>predicate</th><th>object</th></tr>
{{range .Rows}}<tr><td class="iri">{{.S}}</td><td class="iri">{{.P}}</td><td>{{.O}}</td></tr>{{end}}
</table>
{{end}}{{end}}
`))
