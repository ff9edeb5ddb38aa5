// Package loader reads civicgraph's data folder — source documents and the
// curated facts drawn from them — validates it, normalises the sources,
// verifies every quote and turns the result into quads for a Cayley store.
package loader

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/civicgraph/civicgraph/internal/yamlnode"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader/normalize"
	"go.yaml.in/yaml/v3"
)

// Dataset is a validated data folder, ready to become quads.
type Dataset struct {
	Info      kg.DatasetInfo // from dataset.yaml
	Sources   []*kg.Source   // by id
	Entities  []*kg.Entity   // by id
	Relations []*kg.Relation
	Figures   map[string][]kg.Figure // by entity id
	texts     map[string]normalize.Text

	once    sync.Once // builds quads and version
	quads   []quad.Quad
	version string
}

// Load reads and validates the data folder fsys. root only names the folder in
// error messages (file:line). When anything is wrong, the error is an Errors
// with every problem found and no Dataset is returned.
func Load(fsys fs.FS, root string) (*Dataset, error) {
	l := &load{
		root:      root,
		ds:        &Dataset{Figures: map[string][]kg.Figure{}, texts: map[string]normalize.Text{}},
		defined:   map[string]string{},
		kinds:     map[string]kg.Kind{},
		sourceIDs: map[string]bool{},
		facts:     map[string]string{},

		identOwners: map[kg.Identifier]string{},
		divisions:   map[string][]division{},
	}
	if err := l.info(fsys); err != nil {
		return nil, err
	}
	if err := l.sources(fsys); err != nil {
		return nil, err
	}
	files, err := l.glob(fsys, "entities")
	if err != nil {
		return nil, err
	}
	var parsed []*fileEntities
	for _, f := range files {
		fe, err := l.parseEntities(fsys, f)
		if err != nil {
			return nil, err
		}
		if fe != nil {
			parsed = append(parsed, fe)
		}
	}
	// References and quotes are checked once every file is parsed, so an
	// entity may point at one defined in a later file.
	for _, fe := range parsed {
		l.resolve(fe)
	}
	l.checkDivisions()
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
	// defined maps every valid id, source or entity, to the file:line of its
	// definition, so a duplicate can name the first one.
	defined map[string]string
	// kinds holds every valid entity id, built while parsing so references
	// are resolved against one map rather than one rebuilt per file.
	kinds map[string]kg.Kind
	// sourceIDs holds every declared source, whether or not its text file
	// could be read: a missing file is one error, not one per reference.
	sourceIDs map[string]bool
	// facts maps the key of every relation and figure to its file:line, to
	// report duplicates.
	facts map[string]string
	// identOwners maps every valid identifier (scheme and value) to the
	// entity it identifies and its file:line; divisions holds the places'
	// division codes, for the prefix rule checked once every file is read.
	identOwners map[kg.Identifier]string
	divisions   map[string][]division
	// A file that could not be parsed at all hides its ids: references that
	// might point into it are not reported as dangling.
	sourcesBroken, entitiesBroken bool
	errs                          Errors
}

func (l *load) display(name string) string { return path.Join(l.root, name) }

func (l *load) reader(name string) *reader {
	return &reader{file: l.display(name), errs: &l.errs}
}

func (l *load) fileError(name string, line int, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: l.display(name), Line: line, Msg: fmt.Sprintf(format, args...)})
}

// glob lists dir/*.yaml. A .yml file would be skipped without a word, so it
// is an error rather than a fact silently missing from the graph.
func (l *load) glob(fsys fs.FS, dir string) ([]string, error) {
	files, err := fs.Glob(fsys, dir+"/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", l.root, err)
	}
	yml, _ := fs.Glob(fsys, dir+"/*.yml")
	for _, f := range yml {
		l.fileError(f, 1, "not read: data files end in .yaml; rename it")
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load %s: %w: no %s/*.yaml files", l.root, ErrInvalid, dir)
	}
	return files, nil
}

// parseYAML returns the file's root node, or nil after recording why there is
// none (empty file, syntax error). broken reports a syntax error, after which
// the ids the file defines are unknown.
func (l *load) parseYAML(fsys fs.FS, name string) (n *yaml.Node, broken bool, err error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, false, fmt.Errorf("load %s: %w", l.display(name), err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.fileError(name, 1, "empty file")
			return nil, false, nil
		}
		line, msg := syntaxError(b, err)
		l.fileError(name, line, "%s", syntaxMessage(msg))
		return nil, true, nil
	}
	// A second document would be dropped silently by Decode.
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		line, msg := syntaxError(b, err)
		l.fileError(name, line, "%s", syntaxMessage(msg))
		return nil, true, nil
	default:
		l.fileError(name, extra.Line, "a second YAML document (after ---): a file holds one mapping")
	}
	if len(doc.Content) == 0 {
		l.fileError(name, 1, "empty file")
		return nil, false, nil
	}
	return doc.Content[0], false, nil
}

var yamlErrRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxError returns the line at fault and the message of a YAML syntax
// error. yaml.v3 names the line where the enclosing block or scalar starts —
// for parser errors counted from 0 — not the line of the problem, which can be
// many lines further. That line is a lower bound; the first prefix of the
// file from there on that fails with the same message ends at the culprit.
func syntaxError(b []byte, err error) (int, string) {
	from, msg := splitYAMLError(err)
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines) > 20000 { // quadratic below; data files are far smaller
		return from, msg
	}
	for n := from; n <= len(lines); n++ {
		if e := decodeAll(bytes.Join(lines[:n], nil)); e != nil {
			if _, m := splitYAMLError(e); m == msg {
				return n, msg
			}
		}
	}
	return from, msg
}

// yamlHints explain the parser's commonest complaints to a data editor.
var yamlHints = map[string]string{
	"mapping values are not allowed in this context":  "a value holding \": \" needs quotes, or the line is indented wrongly",
	"did not find expected key":                       "check the indentation of this line",
	"did not find expected '-' indicator":             "check the indentation of this line",
	"did not find expected ',' or ']'":                "a [list] is not closed on this line",
	"did not find expected ',' or '}'":                "a {mapping} is not closed on this line",
	"found character that cannot start any token":     "indent with spaces, not tabs; quote a value starting with @ or `",
	"found unexpected end of stream":                  "a quoted string is not closed",
	"found a tab character that violates indentation": "indent with spaces, not tabs",
}

func syntaxMessage(msg string) string {
	if h, ok := yamlHints[msg]; ok {
		return fmt.Sprintf("YAML syntax error: %s (%s)", msg, h)
	}
	return "YAML syntax error: " + msg
}

// splitYAMLError splits "yaml: line 3: did not find expected key" into its
// line (1 when none is given) and message.
func splitYAMLError(err error) (int, string) {
	m := yamlErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 1, err.Error()
	}
	line, _ := strconv.Atoi(m[1])
	return max(line, 1), m[2]
}

func decodeAll(b []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// datasetFile declares the dataset as a whole: without its base no IRI the
// graph is published under is known, so it is required.
const datasetFile = "dataset.yaml"

// info reads dataset.yaml into the Dataset's Info.
func (l *load) info(fsys fs.FS) error {
	if _, err := fs.Stat(fsys, datasetFile); errors.Is(err, fs.ErrNotExist) {
		if _, err := fs.Stat(fsys, "dataset.yml"); err == nil {
			l.fileError("dataset.yml", 1, "not read: data files end in .yaml; rename it to %s", datasetFile)
			return nil
		}
		// No line: the file is not there to have one.
		l.errs = append(l.errs, &Error{File: l.display(datasetFile), Msg: "missing: a data folder declares its base IRI and title in " + datasetFile})
		return nil
	} else if err != nil {
		return fmt.Errorf("load %s: %w", l.display(datasetFile), err)
	}
	n, _, err := l.parseYAML(fsys, datasetFile)
	if err != nil || n == nil {
		return err
	}
	r := l.reader(datasetFile)
	m := r.fields(n, "", "base", "title", "title_en", "description", "description_en", "publisher", "license", "homepage")
	if m == nil {
		return nil
	}
	info := kg.DatasetInfo{
		Base:        r.required(n, m, "base", ""),
		Title:       r.required(n, m, "title", ""),
		TitleEn:     r.str(m, "title_en", "", false),
		Description: r.str(m, "description", "", false),
		DescEn:      r.str(m, "description_en", "", false),
		Publisher:   r.str(m, "publisher", "", false),
		License:     r.str(m, "license", "", false),
		Homepage:    r.str(m, "homepage", "", false),
	}
	if info.Base != "" {
		if err := checkBase(info.Base); err != nil {
			r.errorf(m["base"], "base", "%v", err)
		}
	}
	for _, f := range []struct{ key, value string }{{"license", info.License}, {"homepage", info.Homepage}} {
		if f.value != "" && !isWebIRI(f.value) {
			r.errorf(m[f.key], f.key, "want an absolute http or https IRI, got %q", f.value)
		}
	}
	l.ds.Info = info
	return nil
}

// isWebIRI reports whether s is an absolute http or https IRI with a host:
// what a reader of the published data can follow.
func isWebIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// checkBase checks a base IRI: entity IRIs are {base}/id/{kind}/{slug}, so a
// query, a fragment or a trailing slash would break every one of them.
func checkBase(base string) error {
	if !isWebIRI(base) {
		return fmt.Errorf("want an absolute http or https IRI with a host, like https://w3id.org/civicgraph, got %q", base)
	}
	switch {
	case strings.Contains(base, "?"):
		return fmt.Errorf("%q has a query: a base IRI has no query, no fragment and no trailing slash (IRIs are {base}/id/{kind}/{slug})", base)
	case strings.Contains(base, "#"):
		return fmt.Errorf("%q has a fragment: a base IRI has no query, no fragment and no trailing slash (IRIs are {base}/id/{kind}/{slug})", base)
	case strings.HasSuffix(base, "/"):
		return fmt.Errorf("%q ends with a slash: write it without the trailing slash (IRIs are {base}/id/{kind}/{slug})", base)
	}
	return nil
}

var languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

func (l *load) sources(fsys fs.FS) error {
	files, err := l.glob(fsys, "sources")
	if err != nil {
		return err
	}
	for _, f := range files {
		n, broken, err := l.parseYAML(fsys, f)
		if err != nil {
			return err
		}
		l.sourcesBroken = l.sourcesBroken || broken
		if n == nil {
			continue
		}
		r := l.reader(f)
		m := r.fields(n, "", "id", "file", "title", "publisher", "date", "language", "rights")
		if m == nil {
			l.sourcesBroken = true
			continue
		}
		src := &kg.Source{
			ID:        r.required(n, m, "id", ""),
			Title:     r.required(n, m, "title", ""),
			Publisher: r.str(m, "publisher", "", false),
			Date:      r.str(m, "date", "", false),
			Language:  r.required(n, m, "language", ""),
			Rights:    r.str(m, "rights", "", false),
		}
		file := r.required(n, m, "file", "")
		idOK := false
		if src.ID == "" {
			l.sourcesBroken = true
		} else {
			if err := kg.ParseSourceID(src.ID); err != nil {
				// The id its entities files name is unknown: not dangling.
				l.sourcesBroken = true
				r.errorf(m["id"], "id", "%v", err)
			} else if at, dup := l.defined[src.ID]; dup {
				r.errorf(m["id"], "id", "duplicate id %q, first defined at %s", src.ID, at)
			} else {
				l.defined[src.ID] = r.at(m["id"])
				l.sourceIDs[src.ID] = true
				idOK = true
			}
		}
		if src.Date != "" {
			if err := kg.ParseTime(src.Date); err != nil {
				r.errorf(m["date"], "date", "%v", err)
			}
		}
		if src.Language != "" && !languageRE.MatchString(src.Language) {
			r.errorf(m["language"], "language", "want a BCP 47 language tag like zh or zh-Hans, got %q", src.Language)
		}
		if file == "" {
			continue
		}
		if path.Base(file) != file || file == "." || file == ".." {
			r.errorf(m["file"], "file", "want the name of a file beside this one, got %q", file)
			continue
		}
		name := path.Join(path.Dir(f), file)
		raw, err := fs.ReadFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			r.errorf(m["file"], "file", "no such file: %s", l.display(name))
			continue
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", l.display(name), err)
		}
		if !utf8.Valid(raw) {
			r.errorf(m["file"], "file", "%s is not UTF-8 text", l.display(name))
			continue
		}
		if !idOK {
			continue
		}
		// A byte order mark is an encoding artefact, not text a quote could
		// match; offsets count from the first real character.
		text := normalize.Normalize(strings.TrimPrefix(string(raw), "\ufeff"))
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
	ok        bool // a valid id seen for the first time: the entity is kept
	relations []parsedRelation
	figures   []parsedFigure
}

type parsedRelation struct {
	node, predNode, targetNode *yaml.Node
	field                      string
	rel                        kg.Relation
	quotes                     []item
	source                     string
}

type parsedFigure struct {
	node   *yaml.Node
	field  string
	fig    kg.Figure
	quotes []item
}

func (l *load) parseEntities(fsys fs.FS, name string) (*fileEntities, error) {
	n, broken, err := l.parseYAML(fsys, name)
	l.entitiesBroken = l.entitiesBroken || broken
	if err != nil || n == nil {
		return nil, err
	}
	r := l.reader(name)
	m := r.fields(n, "", "source", "entities")
	if m == nil {
		l.entitiesBroken = true
		return nil, nil
	}
	fe := &fileEntities{r: r}
	fe.source = r.required(n, m, "source", "")
	if fe.source != "" && !l.sourceIDs[fe.source] && !l.sourcesBroken {
		r.errorf(m["source"], "source", "unknown source %q: no sources/*.yaml has this id", fe.source)
	}
	if _, ok := m["entities"]; !ok {
		r.errorf(n, "entities", "missing")
	}
	list := r.list(m, "entities", "")
	if en := m["entities"]; en != nil && en.Kind == yaml.SequenceNode && len(en.Content) == 0 {
		r.errorf(en, "entities", "empty list: add entities or delete the file")
	}
	for i, en := range list {
		if pe, ok := l.parseEntity(r, en, fmt.Sprintf("entities[%d]", i), fe.source); ok {
			fe.entities = append(fe.entities, pe)
		}
	}
	return fe, nil
}

func (l *load) parseEntity(r *reader, n *yaml.Node, field, fileSource string) (parsedEntity, bool) {
	m := r.fields(n, field, "id", "name", "aliases", "pinyin", "category", "description", "identifiers", "relations", "figures")
	if m == nil {
		return parsedEntity{}, false
	}
	e := &kg.Entity{
		ID:          r.required(n, m, "id", field),
		Name:        r.required(n, m, "name", field),
		Pinyin:      r.str(m, "pinyin", field, false),
		Category:    r.str(m, "category", field, false),
		Description: r.str(m, "description", field, false),
	}
	pe := parsedEntity{e: e}
	if e.ID != "" {
		kind, _, err := kg.ParseID(e.ID)
		switch {
		case err != nil:
			r.errorf(m["id"], yamlnode.Join(field, "id"), "%v", err)
		case l.defined[e.ID] != "":
			// Its kind still lets its relations be checked.
			e.Kind = kind
			r.errorf(m["id"], yamlnode.Join(field, "id"), "duplicate id %q, first defined at %s", e.ID, l.defined[e.ID])
		default:
			e.Kind = kind
			pe.ok = true
			l.defined[e.ID] = r.at(m["id"])
			l.kinds[e.ID] = kind
		}
	}
	aliases := r.strs(m, "aliases", field)
	seen := map[string]bool{}
	for _, a := range aliases {
		switch {
		case a.Value == e.Name:
			r.errorf(a.Node, a.Field, "%q is already the name", a.Value)
		case seen[a.Value]:
			r.errorf(a.Node, a.Field, "alias %q given twice", a.Value)
		default:
			seen[a.Value] = true
			e.Aliases = append(e.Aliases, a.Value)
		}
	}
	l.parseIdentifiers(r, m, field, &pe)
	for i, rn := range r.list(m, "relations", field) {
		if pr, ok := l.parseRelation(r, rn, fmt.Sprintf("%s.relations[%d]", field, i), e.ID, fileSource); ok {
			pe.relations = append(pe.relations, pr)
		}
	}
	for i, fn := range r.list(m, "figures", field) {
		if pf, ok := l.parseFigure(r, fn, fmt.Sprintf("%s.figures[%d]", field, i)); ok {
			pe.figures = append(pe.figures, pf)
		}
	}
	return pe, true
}

// parseIdentifiers reads an entity's identifiers and checks each value by
// its scheme (kg.IdentifierSchemeTable): pattern, check character, the
// kinds it names, and that no other entity has it. The prefix rule of
// division codes needs the containment relations of every file: it is
// checked by checkDivisions.
func (l *load) parseIdentifiers(r *reader, m map[string]*yaml.Node, field string, pe *parsedEntity) {
	e := pe.e
	idents := map[kg.Identifier]bool{}
	for i, in := range r.list(m, "identifiers", field) {
		f := fmt.Sprintf("%s.identifiers[%d]", field, i)
		im := r.fields(in, f, "scheme", "value", "citation")
		if im == nil {
			continue
		}
		id := kg.Identifier{
			Scheme:   r.required(in, im, "scheme", f),
			Value:    r.required(in, im, "value", f),
			Citation: r.required(in, im, "citation", f),
		}
		valid := id.Scheme != "" && id.Value != ""
		if id.Scheme != "" {
			if s, ok := kg.LookupScheme(id.Scheme); !ok {
				r.errorf(im["scheme"], yamlnode.Join(f, "scheme"), "unknown scheme %q: want one of %s", id.Scheme, strings.Join(kg.IdentifierSchemes, ", "))
				valid = false
			} else {
				if id.Value != "" {
					if err := s.Validate(id.Value); err != nil {
						r.errorf(im["value"], yamlnode.Join(f, "value"), "%v", err)
						valid = false
					}
				}
				if e.Kind != "" && !s.AllowsKind(e.Kind) {
					r.errorf(im["scheme"], yamlnode.Join(f, "scheme"), "a %s identifies a %s, not a %s", s.Name, kindsOrAny(s.Kinds), e.Kind)
					valid = false
				}
			}
		}
		// Scheme and value name the identifier's node in the graph.
		key := kg.Identifier{Scheme: id.Scheme, Value: id.Value}
		if idents[key] {
			r.errorf(in, f, "identifier %s %q given twice", id.Scheme, id.Value)
			continue
		}
		idents[key] = true
		if valid && pe.ok {
			// An identifier names one entity: entityByIdentifier finds it.
			if at, dup := l.identOwners[key]; dup {
				r.errorf(im["value"], yamlnode.Join(f, "value"), "%s %q already identifies %s: an identifier names one entity", id.Scheme, id.Value, at)
				valid = false
			} else {
				l.identOwners[key] = fmt.Sprintf("%s (%s)", e.ID, r.at(im["value"]))
			}
		}
		if valid && pe.ok && id.Scheme == divisionScheme {
			l.divisions[e.ID] = append(l.divisions[e.ID], division{r: r, node: im["value"], field: yamlnode.Join(f, "value"), code: id.Value, name: e.Name})
		}
		e.Identifiers = append(e.Identifiers, id)
	}
}

// divisionScheme is the scheme of GB/T 2260 codes, which nest as the
// places they name do.
const divisionScheme = "divisionCode"

// division is a place's valid division code and where the data gives it.
type division struct {
	r     *reader
	node  *yaml.Node
	field string
	code  string
	name  string
}

// checkDivisions applies GB/T 2260's prefix rule along containedInPlace: a
// place's division code starts with the significant prefix of the code of
// the nearest place containing it that has one (500105 under 500000; Ningbo's
// 330205 is in no place of Chongqing). Places without a code in between
// are passed through.
func (l *load) checkDivisions() {
	parents := map[string][]string{}
	for _, rel := range l.ds.Relations {
		if rel.Predicate == "containedInPlace" {
			parents[rel.Subject] = append(parents[rel.Subject], rel.Object)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.divisions)) {
		codes := l.divisions[id]
		seen := map[string]bool{id: true}
		queue := slices.Clone(parents[id])
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if seen[p] {
				continue
			}
			seen[p] = true
			pcodes, ok := l.divisions[p]
			if !ok {
				queue = append(queue, parents[p]...)
				continue
			}
			for _, c := range codes {
				if !slices.ContainsFunc(pcodes, func(pc division) bool { return kg.InDivision(c.code, pc.code) }) {
					pc := pcodes[0]
					c.r.errorf(c.node, c.field, "divisionCode %q is not within %s (%s, %s), the place containing %s: a code within it starts with %s",
						c.code, pc.name, p, pc.code, c.name, kg.DivisionPrefix(pc.code))
				}
			}
		}
	}
}

func (l *load) parseRelation(r *reader, n *yaml.Node, field, subject, fileSource string) (parsedRelation, bool) {
	m := r.fields(n, field, "predicate", "target", "time", "role", "quantity", "inferred", "quotes", "source")
	if m == nil {
		return parsedRelation{}, false
	}
	pr := parsedRelation{node: n, predNode: m["predicate"], targetNode: m["target"], field: field, source: fileSource}
	pr.rel = kg.Relation{
		Subject:   subject,
		Predicate: r.required(n, m, "predicate", field),
		Object:    r.required(n, m, "target", field),
	}
	if _, ok := m["source"]; ok {
		s := r.str(m, "source", field, true)
		pr.source = s
		if s != "" && !l.sourceIDs[s] && !l.sourcesBroken {
			r.errorf(m["source"], yamlnode.Join(field, "source"), "unknown source %q: no sources/*.yaml has this id", s)
		}
	}
	inferred := r.strs(m, "inferred", field)
	for _, key := range kg.QualifierKeys {
		v := r.str(m, key, field, false)
		if v == "" {
			continue
		}
		if key == kg.QualTime {
			if err := kg.ParseTime(v); err != nil {
				r.errorf(m[key], yamlnode.Join(field, key), "%v", err)
			}
		}
		pr.rel.Qualifiers = append(pr.rel.Qualifiers, kg.Qualifier{Key: key, Value: v, Inferred: slices.Contains(values(inferred), key)})
	}
	for _, it := range inferred {
		if it.Value == kg.InferredRelation {
			pr.rel.Inferred = true
			continue
		}
		if !slices.Contains(kg.QualifierKeys, it.Value) {
			r.errorf(it.Node, it.Field, "%q is not a qualifier: want one of %s, or %s for the link itself", it.Value, strings.Join(kg.QualifierKeys, ", "), kg.InferredRelation)
		} else if _, ok := pr.rel.Qualifier(it.Value); !ok {
			r.errorf(it.Node, it.Field, "%q is marked inferred but the relation has no %s", it.Value, it.Value)
		}
	}
	pr.quotes = r.quoteList(n, m, field, "relation")
	return pr, true
}

func (l *load) parseFigure(r *reader, n *yaml.Node, field string) (parsedFigure, bool) {
	m := r.fields(n, field, "indicator", "stated", "value", "unit", "modifier", "period", "periodInferred", "growthPercent", "quotes")
	if m == nil {
		return parsedFigure{}, false
	}
	f := kg.Figure{
		Indicator:      r.required(n, m, "indicator", field),
		Stated:         r.required(n, m, "stated", field),
		Unit:           r.required(n, m, "unit", field),
		Modifier:       r.str(m, "modifier", field, false),
		Period:         r.str(m, "period", field, false),
		PeriodInferred: r.boolean(m, "periodInferred", field),
	}
	if _, ok := m["value"]; !ok {
		r.errorf(n, yamlnode.Join(field, "value"), "missing")
	}
	f.Value, _ = r.float(m, "value", field)
	if g, ok := r.float(m, "growthPercent", field); ok {
		f.GrowthPercent = &g
	}
	if f.Period != "" {
		if err := kg.ParseTime(f.Period); err != nil {
			r.errorf(m["period"], yamlnode.Join(field, "period"), "%v", err)
		}
	} else if f.PeriodInferred {
		r.errorf(m["periodInferred"], yamlnode.Join(field, "periodInferred"), "true but the figure has no period")
	}
	pf := parsedFigure{node: n, field: field, fig: f}
	pf.quotes = r.quoteList(n, m, field, "figure")
	return pf, true
}

// resolve checks references, duplicates and quotes, which need every file
// parsed first.
func (l *load) resolve(fe *fileEntities) {
	r := fe.r
	for _, pe := range fe.entities {
		if pe.ok {
			l.ds.Entities = append(l.ds.Entities, pe.e)
		}
		// The relations and figures of an entity with a bad id are still
		// checked, so fixing the id does not reveal a second round of errors.
		for _, pr := range pe.relations {
			if rel, ok := l.resolveRelation(r, pe, pr); ok && pe.ok {
				l.ds.Relations = append(l.ds.Relations, rel)
			}
		}
		for _, pf := range pe.figures {
			if pe.ok && pf.fig.Indicator != "" && pf.fig.Stated != "" {
				key := "figure\x00" + figureKey(pe.e.ID, pf.fig)
				if at, dup := l.facts[key]; dup {
					r.errorf(pf.node, pf.field, "duplicate figure: the same indicator, period and stated value as at %s; merge their quotes into one", at)
				} else {
					l.facts[key] = r.at(pf.node)
				}
			}
			pf.fig.Evidence = l.quotes(r, pf.quotes, fe.source)
			if pe.ok {
				l.ds.Figures[pe.e.ID] = append(l.ds.Figures[pe.e.ID], pf.fig)
			}
		}
	}
}

func (l *load) resolveRelation(r *reader, pe parsedEntity, pr parsedRelation) (*kg.Relation, bool) {
	rel := pr.rel
	ok := rel.Predicate != "" && rel.Object != ""
	p, known := kg.LookupPredicate(rel.Predicate)
	if rel.Predicate != "" && !known {
		r.errorf(pr.predNode, yamlnode.Join(pr.field, "predicate"), "unknown predicate %q: not in the vocabulary (kg/vocab.go, listed in README.md)", rel.Predicate)
		ok = false
	}
	var objKind kg.Kind
	if rel.Object != "" {
		if _, _, err := kg.ParseID(rel.Object); err != nil {
			r.errorf(pr.targetNode, yamlnode.Join(pr.field, "target"), "%v", err)
			ok = false
		} else if k, exists := l.kinds[rel.Object]; !exists {
			if !l.entitiesBroken {
				r.errorf(pr.targetNode, yamlnode.Join(pr.field, "target"), "no entity has id %q", rel.Object)
			}
			ok = false
		} else if rel.Object == rel.Subject {
			r.errorf(pr.targetNode, yamlnode.Join(pr.field, "target"), "a relation from an entity to itself")
			ok = false
		} else {
			objKind = k
		}
	}
	if ok && pe.e.Kind != "" && !p.Allows(pe.e.Kind, objKind) {
		r.errorf(pr.predNode, yamlnode.Join(pr.field, "predicate"), "%s cannot link %s → %s: it links %s → %s",
			rel.Predicate, pe.e.Kind, objKind, kindsOrAny(p.Domain), kindsOrAny(p.Range))
		ok = false
	}
	// One statement node per subject, predicate, object and qualifiers: a
	// second listing would merge into the first with its own quotes and
	// inferred flags, so it is refused.
	if ok && pe.ok {
		key := "relation\x00" + statementKey(&rel)
		if at, dup := l.facts[key]; dup {
			r.errorf(pr.node, pr.field, "duplicate relation: the same predicate, target and qualifiers as at %s; merge their quotes into one", at)
			ok = false
		} else {
			l.facts[key] = r.at(pr.node)
		}
	}
	rel.Evidence = l.quotes(r, pr.quotes, pr.source)
	return &rel, ok
}

func kindsOrAny(ks []kg.Kind) string {
	if len(ks) == 0 {
		return "any kind"
	}
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

// quotes finds each quote in the source's normalised text; a quote must occur
// exactly once, so its offsets say which sentence supports the fact.
func (l *load) quotes(r *reader, items []item, source string) []kg.Evidence {
	text, ok := l.ds.texts[source]
	if !ok {
		// An unknown source or an unreadable text file, reported already.
		return nil
	}
	var out []kg.Evidence
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.Value] {
			r.errorf(it.Node, it.Field, "the same quote twice: %q", it.Value)
			continue
		}
		seen[it.Value] = true
		hits := text.Find(it.Value)
		switch len(hits) {
		case 0:
			r.errorf(it.Node, it.Field, "quote not found in the normalised text of %s: %q", source, it.Value)
		case 1:
			out = append(out, kg.Evidence{Quote: it.Value, Start: hits[0][0], End: hits[0][1], Source: source})
		default:
			at := make([]string, len(hits))
			for i, h := range hits {
				at[i] = fmt.Sprint(h[0])
			}
			r.errorf(it.Node, it.Field, "quote occurs %d times in %s (at code points %s); lengthen it until it is unique: %q",
				len(hits), source, strings.Join(at, ", "), it.Value)
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
