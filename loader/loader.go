// Package loader reads civicgraph's data folder — source documents and the
// curated facts drawn from them — validates it, normalises the sources,
// verifies every quote and turns the result into quads for a Cayley store.
package loader

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader/normalize"
	"go.yaml.in/yaml/v3"
)

// Dataset is a validated data folder, ready to become quads.
type Dataset struct {
	Sources   []*kg.Source // by id
	Entities  []*kg.Entity // by id
	Relations []*kg.Relation
	Figures   map[string][]kg.Figure // by entity id
	texts     map[string]normalize.Text
}

// Load reads and validates the data folder fsys. root only names the folder in
// error messages (file:line). When anything is wrong, the error is an Errors
// with every problem found and no Dataset is returned.
func Load(fsys fs.FS, root string) (*Dataset, error) {
	l := &load{root: root, ds: &Dataset{Figures: map[string][]kg.Figure{}, texts: map[string]normalize.Text{}}, ids: map[string]bool{}}
	if err := l.sources(fsys); err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "entities/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", root, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load %s: no entities/*.yaml files", root)
	}
	var parsed []*fileEntities
	for _, f := range files {
		fe, err := l.parseEntities(fsys, f)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, fe)
	}
	for _, fe := range parsed {
		l.resolve(fe)
	}
	if len(l.errs) > 0 {
		return nil, l.errs.sorted()
	}
	ds := l.ds
	sort.Slice(ds.Sources, func(i, j int) bool { return ds.Sources[i].ID < ds.Sources[j].ID })
	sort.Slice(ds.Entities, func(i, j int) bool { return ds.Entities[i].ID < ds.Entities[j].ID })
	return ds, nil
}

type load struct {
	root string
	ds   *Dataset
	ids  map[string]bool
	errs Errors
}

func (l *load) display(name string) string { return path.Join(l.root, name) }

func (l *load) reader(name string) *reader {
	return &reader{file: l.display(name), errs: &l.errs}
}

func (l *load) parseYAML(fsys fs.FS, name string) (*yaml.Node, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", l.display(name), err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		// The parser stops at its first syntax error and names the line.
		l.errs = append(l.errs, &Error{File: l.display(name), Line: yamlErrLine(err), Msg: err.Error()})
		return nil, nil
	}
	if len(doc.Content) == 0 {
		l.errs = append(l.errs, &Error{File: l.display(name), Line: 1, Msg: "empty file"})
		return nil, nil
	}
	return doc.Content[0], nil
}

func yamlErrLine(err error) int {
	var line int
	if _, e := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line); e == nil {
		return line
	}
	return 1
}

func (l *load) sources(fsys fs.FS) error {
	files, err := fs.Glob(fsys, "sources/*.yaml")
	if err != nil {
		return fmt.Errorf("load %s: %w", l.root, err)
	}
	if len(files) == 0 {
		return fmt.Errorf("load %s: no sources/*.yaml files", l.root)
	}
	for _, f := range files {
		n, err := l.parseYAML(fsys, f)
		if err != nil {
			return err
		}
		if n == nil {
			continue
		}
		r := l.reader(f)
		m := r.fields(n, "", "id", "file", "title", "publisher", "date", "language", "rights")
		src := &kg.Source{
			ID:        r.required(n, m, "id", ""),
			Title:     r.required(n, m, "title", ""),
			Publisher: r.str(m, "publisher", "", false),
			Date:      r.str(m, "date", "", false),
			Language:  r.required(n, m, "language", ""),
			Rights:    r.str(m, "rights", "", false),
		}
		file := r.required(n, m, "file", "")
		if src.ID != "" {
			if err := kg.ParseSourceID(src.ID); err != nil {
				r.errorf(m["id"], "id", "%v", err)
			} else if l.ids[src.ID] {
				r.errorf(m["id"], "id", "duplicate id %q", src.ID)
			}
			l.ids[src.ID] = true
		}
		if src.Date != "" {
			if err := kg.ParseTime(src.Date); err != nil {
				r.errorf(m["date"], "date", "%v", err)
			}
		}
		if file == "" {
			continue
		}
		raw, err := fs.ReadFile(fsys, path.Join(path.Dir(f), file))
		if err != nil {
			r.errorf(m["file"], "file", "cannot read %s: %v", file, err)
			continue
		}
		text := normalize.Normalize(string(raw))
		src.Text = text.Text
		l.ds.texts[src.ID] = text
		l.ds.Sources = append(l.ds.Sources, src)
	}
	return nil
}

// fileEntities is one entities file, parsed but with references unresolved.
type fileEntities struct {
	r        *reader
	source   string
	entities []parsedEntity
}

type parsedEntity struct {
	e         *kg.Entity
	relations []parsedRelation
	figures   []parsedFigure
}

type parsedRelation struct {
	node, predNode, targetNode *yaml.Node
	field                      string
	rel                        kg.Relation
	quotes                     []*yaml.Node
	source                     string
}

type parsedFigure struct {
	field  string
	fig    kg.Figure
	quotes []*yaml.Node
}

func (l *load) parseEntities(fsys fs.FS, name string) (*fileEntities, error) {
	n, err := l.parseYAML(fsys, name)
	if err != nil || n == nil {
		return &fileEntities{r: l.reader(name)}, err
	}
	r := l.reader(name)
	fe := &fileEntities{r: r}
	m := r.fields(n, "", "source", "entities")
	fe.source = r.required(n, m, "source", "")
	if fe.source != "" && l.ds.texts[fe.source].Text == "" {
		r.errorf(m["source"], "source", "unknown source %q", fe.source)
	}
	for i, en := range r.list(m, "entities", "") {
		fe.entities = append(fe.entities, l.parseEntity(r, en, fmt.Sprintf("entities[%d]", i), fe.source))
	}
	return fe, nil
}

func (l *load) parseEntity(r *reader, n *yaml.Node, field, fileSource string) parsedEntity {
	m := r.fields(n, field, "id", "name", "aliases", "pinyin", "category", "description", "identifiers", "relations", "figures")
	e := &kg.Entity{
		ID:          r.required(n, m, "id", field),
		Name:        r.required(n, m, "name", field),
		Pinyin:      r.str(m, "pinyin", field, false),
		Category:    r.str(m, "category", field, false),
		Description: r.str(m, "description", field, false),
	}
	e.Aliases, _ = r.strs(m, "aliases", field)
	if e.ID != "" {
		kind, _, err := kg.ParseID(e.ID)
		switch {
		case err != nil:
			r.errorf(m["id"], join(field, "id"), "%v", err)
		case l.ids[e.ID]:
			r.errorf(m["id"], join(field, "id"), "duplicate id %q", e.ID)
		}
		e.Kind = kind
		l.ids[e.ID] = true
	}
	seen := map[string]bool{e.Name: true}
	for i, a := range e.Aliases {
		if seen[a] {
			r.errorf(m["aliases"].Content[i], fmt.Sprintf("%s.aliases[%d]", field, i), "duplicate name %q", a)
		}
		seen[a] = true
	}
	for i, in := range r.list(m, "identifiers", field) {
		f := fmt.Sprintf("%s.identifiers[%d]", field, i)
		im := r.fields(in, f, "scheme", "value", "citation")
		e.Identifiers = append(e.Identifiers, kg.Identifier{
			Scheme:   r.required(in, im, "scheme", f),
			Value:    r.required(in, im, "value", f),
			Citation: r.required(in, im, "citation", f),
		})
	}
	pe := parsedEntity{e: e}
	for i, rn := range r.list(m, "relations", field) {
		pe.relations = append(pe.relations, l.parseRelation(r, rn, fmt.Sprintf("%s.relations[%d]", field, i), e.ID, fileSource))
	}
	for i, fn := range r.list(m, "figures", field) {
		pe.figures = append(pe.figures, l.parseFigure(r, fn, fmt.Sprintf("%s.figures[%d]", field, i)))
	}
	return pe
}

func (l *load) parseRelation(r *reader, n *yaml.Node, field, subject, fileSource string) parsedRelation {
	m := r.fields(n, field, "predicate", "target", "time", "role", "quantity", "inferred", "quotes", "source")
	pr := parsedRelation{node: n, predNode: m["predicate"], targetNode: m["target"], field: field, source: fileSource}
	pr.rel = kg.Relation{
		Subject:   subject,
		Predicate: r.required(n, m, "predicate", field),
		Object:    r.required(n, m, "target", field),
	}
	if s := r.str(m, "source", field, false); s != "" {
		pr.source = s
		if l.ds.texts[s].Text == "" {
			r.errorf(m["source"], join(field, "source"), "unknown source %q", s)
		}
	}
	inferred, inferredNodes := r.strs(m, "inferred", field)
	for _, key := range kg.QualifierKeys {
		v := r.str(m, key, field, false)
		if v == "" {
			continue
		}
		if key == kg.QualTime {
			if err := kg.ParseTime(v); err != nil {
				r.errorf(m[key], join(field, key), "%v", err)
			}
		}
		pr.rel.Qualifiers = append(pr.rel.Qualifiers, kg.Qualifier{Key: key, Value: v, Inferred: contains(inferred, key)})
	}
	for i, k := range inferred {
		if _, ok := m[k]; !ok || !contains(kg.QualifierKeys, k) {
			r.errorf(inferredNodes[i], fmt.Sprintf("%s.inferred[%d]", field, i), "%q is not a qualifier of this relation", k)
		}
	}
	_, pr.quotes = r.strs(m, "quotes", field)
	if len(pr.quotes) == 0 {
		r.errorf(n, join(field, "quotes"), "missing: every relation needs a verbatim quote of the source")
	}
	return pr
}

func (l *load) parseFigure(r *reader, n *yaml.Node, field string) parsedFigure {
	m := r.fields(n, field, "indicator", "stated", "value", "unit", "modifier", "period", "periodInferred", "growthPercent", "quotes")
	f := kg.Figure{
		Indicator:      r.required(n, m, "indicator", field),
		Stated:         r.required(n, m, "stated", field),
		Unit:           r.required(n, m, "unit", field),
		Modifier:       r.str(m, "modifier", field, false),
		Period:         r.str(m, "period", field, false),
		PeriodInferred: r.boolean(m, "periodInferred", field),
	}
	if _, ok := m["value"]; !ok {
		r.errorf(n, join(field, "value"), "missing")
	}
	f.Value, _ = r.float(m, "value", field)
	if g, ok := r.float(m, "growthPercent", field); ok {
		f.GrowthPercent = &g
	}
	if f.Period != "" {
		if err := kg.ParseTime(f.Period); err != nil {
			r.errorf(m["period"], join(field, "period"), "%v", err)
		}
	} else if f.PeriodInferred {
		r.errorf(m["periodInferred"], join(field, "periodInferred"), "set without a period")
	}
	pf := parsedFigure{field: field, fig: f}
	_, pf.quotes = r.strs(m, "quotes", field)
	if len(pf.quotes) == 0 {
		r.errorf(n, join(field, "quotes"), "missing: every figure needs a verbatim quote of the source")
	}
	return pf
}

// resolve checks references and quotes, which need every file parsed first.
func (l *load) resolve(fe *fileEntities) {
	r := fe.r
	kinds := map[string]kg.Kind{}
	for _, e := range l.allEntities() {
		kinds[e] = kindOf(e)
	}
	for _, pe := range fe.entities {
		if pe.e.ID == "" || pe.e.Kind == "" {
			continue
		}
		l.ds.Entities = append(l.ds.Entities, pe.e)
		for _, pr := range pe.relations {
			rel := pr.rel
			ok := true
			p, known := kg.LookupPredicate(rel.Predicate)
			if rel.Predicate != "" && !known {
				r.errorf(pr.predNode, join(pr.field, "predicate"), "unknown predicate %q (see kg/vocab.go)", rel.Predicate)
				ok = false
			}
			if rel.Object != "" {
				if _, _, err := kg.ParseID(rel.Object); err != nil {
					r.errorf(pr.targetNode, join(pr.field, "target"), "%v", err)
					ok = false
				} else if _, exists := kinds[rel.Object]; !exists {
					r.errorf(pr.targetNode, join(pr.field, "target"), "no entity has id %q", rel.Object)
					ok = false
				} else if rel.Object == rel.Subject {
					r.errorf(pr.targetNode, join(pr.field, "target"), "a relation to itself")
					ok = false
				}
			}
			if ok && known && !p.Allows(pe.e.Kind, kinds[rel.Object]) {
				r.errorf(pr.predNode, join(pr.field, "predicate"), "%s does not link a %s to a %s", rel.Predicate, pe.e.Kind, kinds[rel.Object])
			}
			rel.Evidence = l.quotes(r, pr.quotes, pr.field, pr.source)
			rc := rel
			l.ds.Relations = append(l.ds.Relations, &rc)
		}
		for _, pf := range pe.figures {
			pf.fig.Evidence = l.quotes(r, pf.quotes, pf.field, fe.source)
			l.ds.Figures[pe.e.ID] = append(l.ds.Figures[pe.e.ID], pf.fig)
		}
	}
}

func (l *load) allEntities() []string {
	var out []string
	for id := range l.ids {
		if !strings.HasPrefix(id, kg.SourceKind+"/") {
			out = append(out, id)
		}
	}
	return out
}

func kindOf(id string) kg.Kind {
	k, _, _ := strings.Cut(id, "/")
	return kg.Kind(k)
}

// quotes finds each quote in the source's normalised text; a quote must occur
// exactly once, so its offsets say which sentence supports the fact.
func (l *load) quotes(r *reader, nodes []*yaml.Node, field, source string) []kg.Evidence {
	text, ok := l.ds.texts[source]
	if !ok {
		return nil
	}
	var out []kg.Evidence
	for i, n := range nodes {
		f := fmt.Sprintf("%s.quotes[%d]", field, i)
		hits := text.Find(n.Value)
		switch len(hits) {
		case 0:
			r.errorf(n, f, "quote not found in %s: %q", source, n.Value)
		case 1:
			out = append(out, kg.Evidence{Quote: n.Value, Start: hits[0][0], End: hits[0][1], Source: source})
		default:
			r.errorf(n, f, "quote occurs %d times in %s; lengthen it until it is unique: %q", len(hits), source, n.Value)
		}
	}
	return out
}

// FigureCount is the number of figures in the dataset.
func (ds *Dataset) FigureCount() int {
	n := 0
	for _, fs := range ds.Figures {
		n += len(fs)
	}
	return n
}
