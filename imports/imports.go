// Package imports links an outside dataset, as package importer read it, to
// the graph's entities and makes the quads the store keeps for it beside
// the curated graph: its own triples and provenance in its named graph, its
// records and links in an internal layout of their own. It never makes a
// quad the curated graph holds, so an import cannot change curated facts.
package imports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/importer"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/rdf"
	"github.com/civicgraph/civicgraph/store"
)

// Query is what the matcher is asked about a record.
type Query struct {
	Name        string
	Kind        kg.Kind // "" for any
	Identifiers []kg.Identifier
}

// Match is the matcher's answer: the entity it auto-matches, if it is
// safe to (Auto), else the candidates a person may choose from.
type Match struct {
	ID         string
	Score      float64
	Auto       bool
	Candidates []Candidate
}

// Candidate is an entity a record may be.
type Candidate struct {
	ID, Name string
	Score    float64
}

// Matcher matches a record's name to an entity, by the rule reconciliation
// uses: only a safe match is automatic.
type Matcher interface {
	Match(ctx context.Context, g *store.Graph, q Query) (Match, error)
}

// Meta is what the import's provenance records beyond the file.
type Meta struct {
	By       string
	LoadedAt time.Time
}

// Link is a record linked to an entity.
type Link struct {
	Record, Label, Entity string
	How                   string // kg.LinkIdentifier, kg.LinkSameAs or kg.LinkReconciled
	Score                 float64
	Detail                string
	Line                  int
}

// Undecided is a record reconciliation could not match safely, with the
// candidates a person may choose from.
type Undecided struct {
	Record, Label string
	Line          int
	Candidates    []Candidate
}

// Report says what an import linked and what it left to a person.
type Report struct {
	Name      string `json:"name"`
	Version   string `json:"graphVersion,omitempty"`
	Records   int    `json:"records"`
	Linked    int    `json:"linked"`
	Links     []Link
	Undecided []Undecided
}

// Build links imp's records to g's entities as imp.Link allows — by a
// shared identifier, by owl:sameAs to an IRI of ours, or by an automatic
// reconciliation match — and returns the quads to keep for it. iris mints
// the IRIs of ours it links to (the base the graph declares).
func Build(ctx context.Context, g *store.Graph, iris kg.IRIs, imp *importer.Import, m Matcher, meta Meta) ([]quad.Quad, Report, error) {
	rep := Report{Name: imp.Name, Records: len(imp.Records)}
	links, undecided, err := link(ctx, g, iris, imp, m)
	if err != nil {
		return nil, rep, err
	}
	rep.Links, rep.Undecided = links, undecided
	linked := map[string]bool{}
	for _, l := range links {
		linked[l.Record] = true
	}
	rep.Linked = len(linked)

	pub := quad.IRI(kg.ImportLabelPrefix + imp.Name)
	int_ := quad.IRI(kg.ImportMetaPrefix + imp.Name)
	var out []quad.Quad
	addPub := func(q kg.Quad) {
		out = append(out, quad.Quad{Subject: rdf.Value(q.S), Predicate: rdf.Value(q.P), Object: rdf.Value(q.O), Label: pub})
	}
	addInt := func(s quad.Value, p string, o quad.Value) {
		out = append(out, quad.Quad{Subject: s, Predicate: quad.IRI(p), Object: o, Label: int_})
	}
	// The file's own triples, as it states them.
	for _, t := range imp.Triples {
		t.Graph = ""
		addPub(t)
	}
	// Its provenance, in its own graph.
	model := kg.Model{IRIs: iris}
	graph := model.ImportGraph(imp.Name)
	prov := func(p string, o kg.Term) { addPub(kg.Quad{S: kg.IRI(graph), P: kg.IRI(p), O: o}) }
	prov(kg.NSRDF+"type", kg.IRI(kg.NSProv+"Bundle"))
	prov(kg.NSRDFS+"label", kg.Lit("import "+imp.Name, kg.LangEn))
	prov(kg.NSDCT+"source", kg.Lit(imp.Source, ""))
	prov(kg.NSDCT+"format", kg.Lit(imp.Format, ""))
	prov(kg.NSProv+"generatedAtTime", kg.Typed(meta.LoadedAt.UTC().Format(time.RFC3339), kg.NSXSD+"dateTime"))
	if meta.By != "" {
		prov(kg.NSDCT+"creator", kg.Lit(meta.By, ""))
	}
	if imp.License != "" {
		prov(kg.NSDCT+"license", kg.IRI(imp.License))
	}
	// Its links, as claims of the import.
	for _, l := range links {
		node := graph + "#link-" + hash(l.Record, l.Entity, l.How)
		entity := iris.Entity(l.Entity)
		addPub(kg.Quad{S: kg.IRI(node), P: kg.IRI(kg.NSRDF + "type"), O: kg.IRI(model.Vocab("Link"))})
		addPub(kg.Quad{S: kg.IRI(node), P: kg.IRI(model.Vocab("record")), O: kg.IRI(l.Record)})
		addPub(kg.Quad{S: kg.IRI(node), P: kg.IRI(model.Vocab("entity")), O: kg.IRI(entity)})
		addPub(kg.Quad{S: kg.IRI(node), P: kg.IRI(model.Vocab("linkedBy")), O: kg.Lit(l.How, "")})
		addPub(kg.Quad{S: kg.IRI(node), P: kg.IRI(model.Vocab("score")), O: kg.Decimal(l.Score)})
		if l.How != kg.LinkReconciled {
			// A shared identifier or a declared sameAs says one thing; a
			// name match only says likely.
			addPub(kg.Quad{S: kg.IRI(l.Record), P: kg.IRI(kg.NSOWL + "sameAs"), O: kg.IRI(entity)})
		}
	}

	// The internal layout: the import, its records, its links.
	node := quad.IRI(kg.ImportNode(imp.Name))
	addInt(node, kg.AttrKind, quad.String(kg.ImportKind))
	addInt(node, kg.AttrName, quad.String(imp.Name))
	addInt(node, kg.AttrFile, quad.String(imp.Source))
	addInt(node, kg.AttrFormat, quad.String(imp.Format))
	if imp.License != "" {
		addInt(node, kg.AttrLicense, quad.IRI(imp.License))
	}
	addInt(node, kg.AttrLoadedAt, quad.String(meta.LoadedAt.UTC().Format(time.RFC3339)))
	if meta.By != "" {
		addInt(node, kg.AttrBy, quad.String(meta.By))
	}
	addInt(node, kg.AttrRecordCount, quad.Int(rep.Records))
	addInt(node, kg.AttrLinkedCount, quad.Int(rep.Linked))
	for _, r := range imp.Records {
		rn := quad.IRI(r.IRI)
		addInt(rn, kg.AttrInImport, node)
		if r.Label != "" {
			addInt(rn, kg.AttrLabel, quad.String(r.Label))
		}
		addInt(rn, kg.AttrLine, quad.Int(r.Line))
	}
	for _, l := range links {
		ln := quad.IRI(kg.LinkPrefix + imp.Name + "/" + hash(l.Record, l.Entity, l.How))
		addInt(quad.IRI(l.Entity), kg.AttrLinkedRecord, ln)
		addInt(ln, kg.AttrRecord, quad.IRI(l.Record))
		addInt(ln, kg.AttrHow, quad.String(l.How))
		addInt(ln, kg.AttrScore, quad.String(strconv.FormatFloat(l.Score, 'f', -1, 64)))
		if l.Detail != "" {
			addInt(ln, kg.AttrDetail, quad.String(l.Detail))
		}
	}
	return out, rep, nil
}

// link decides each record's links: identifiers and owl:sameAs are
// decisive; reconciliation is tried only for a record neither linked, and
// links only on an automatic match.
func link(ctx context.Context, g *store.Graph, iris kg.IRIs, imp *importer.Import, m Matcher) ([]Link, []Undecided, error) {
	allow := func(how string) bool { return slices.Contains(imp.Link, how) }
	var links []Link
	var undecided []Undecided
	for _, r := range imp.Records {
		var mine []Link
		seen := map[string]bool{}
		add := func(l Link) {
			key := l.Entity + " " + l.How
			if !seen[key] {
				seen[key] = true
				l.Record, l.Label, l.Line = r.IRI, r.Label, r.Line
				mine = append(mine, l)
			}
		}
		if allow("identifier") {
			for _, id := range r.Identifiers {
				ids, err := g.EntitiesByIdentifier(ctx, id.Scheme, id.Value)
				if err != nil {
					return nil, nil, fmt.Errorf("link %s: %w", r.IRI, err)
				}
				for _, e := range ids {
					add(Link{Entity: e, How: kg.LinkIdentifier, Score: 1, Detail: id.Scheme + " " + id.Value})
				}
			}
		}
		if allow("sameAs") {
			for _, iri := range r.SameAs {
				id, err := iris.ID(iri)
				if err != nil || !strings.Contains(iri, "://") {
					continue // not one of ours
				}
				ents, err := g.Entities(ctx, []string{id})
				if err != nil {
					return nil, nil, fmt.Errorf("link %s: %w", r.IRI, err)
				}
				if ents[0] != nil {
					add(Link{Entity: id, How: kg.LinkSameAs, Score: 1, Detail: iri})
				}
			}
		}
		if len(mine) == 0 && allow("reconcile") && m != nil && r.Label != "" {
			match, err := m.Match(ctx, g, Query{Name: r.Label, Kind: r.Kind, Identifiers: r.Identifiers})
			if err != nil {
				return nil, nil, fmt.Errorf("reconcile %s: %w", r.IRI, err)
			}
			if match.Auto {
				add(Link{Entity: match.ID, How: kg.LinkReconciled, Score: match.Score, Detail: r.Label})
			} else if len(match.Candidates) > 0 {
				undecided = append(undecided, Undecided{Record: r.IRI, Label: r.Label, Line: r.Line, Candidates: match.Candidates})
			}
		}
		links = append(links, mine...)
	}
	sort.SliceStable(links, func(i, j int) bool { return links[i].Line < links[j].Line })
	return links, undecided, nil
}

func hash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// Request is one import to make.
type Request struct {
	Name    string
	File    string    // the file's name, for its format and in errors
	Format  string    // "" to tell by the file's extension
	Data    io.Reader // the file
	Mapping io.Reader // the CSV mapping, nil for RDF files
	MapFile string    // the mapping's name, in errors
	By      string
	Matcher Matcher
}

// Into parses req's file, links its records to the graph st serves and
// keeps it in st as a new graph version, all or nothing: a malformed file, a
// bad mapping or a name already taken leaves the served graph and its
// version unchanged.
func Into(ctx context.Context, st *store.Store, req Request) (Report, error) {
	if err := kg.CheckImportName(req.Name); err != nil {
		return Report{}, err
	}
	format := req.Format
	if format == "" {
		f, ok := importer.FormatOf(req.File)
		if !ok {
			return Report{}, fmt.Errorf("%s: %w: tell the format by the extension .nq, .nt, .jsonld or .csv", req.File, ErrFormat)
		}
		format = f
	}
	var m *importer.Mapping
	if req.Mapping != nil {
		var err error
		if m, err = importer.ReadMapping(req.Mapping, req.MapFile); err != nil {
			return Report{}, err
		}
	}
	if format == "csv" && m == nil {
		return Report{}, fmt.Errorf("%s: %w: a CSV file needs a mapping", req.File, ErrFormat)
	}
	g, err := st.Acquire()
	if err != nil {
		return Report{}, err
	}
	names, err := g.ImportNames(ctx)
	if err != nil {
		g.Release()
		return Report{}, err
	}
	if slices.Contains(names, req.Name) {
		g.Release()
		return Report{}, fmt.Errorf("%w: %s", store.ErrImportExists, req.Name)
	}
	base := g.Info().Base
	imp, err := importer.Parse(req.Data, req.File, format, m, base, req.Name)
	if err != nil {
		g.Release()
		return Report{}, err
	}
	quads, rep, err := Build(ctx, g, kg.NewIRIs(base), imp, req.Matcher, Meta{By: req.By, LoadedAt: time.Now()})
	g.Release()
	if err != nil {
		return rep, err
	}
	if rep.Version, err = st.Import(ctx, req.Name, quads); err != nil {
		return rep, err
	}
	return rep, nil
}

// ErrFormat is a file whose format cannot be told or read.
var ErrFormat = errors.New("unknown or unusable format")
