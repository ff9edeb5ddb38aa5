package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/quad"
	"github.com/civicgraph/civicgraph/kg"
)

// Sentinel errors of imports, checked with errors.Is.
var (
	ErrImportExists = errors.New("an import of that name exists")
	ErrNoImport     = errors.New("no import of that name")
	ErrImportQuads  = errors.New("an import may only add quads under its own labels")
)

// importSet is the quads one import keeps in a generation.
type importSet struct {
	name  string
	hash  string
	quads []quad.Quad
}

// composite is a generation's contents: the curated source and the
// imports kept beside it. With no imports it is the curated source, version
// included, so a store that never imports behaves as before.
type composite struct {
	curated Source
	imports []importSet // by name
}

func (c composite) Version() string {
	if len(c.imports) == 0 {
		return c.curated.Version()
	}
	h := sha256.New()
	fmt.Fprintln(h, c.curated.Version())
	for _, im := range c.imports {
		fmt.Fprintln(h, im.name, im.hash)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func (c composite) Quads() []quad.Quad {
	qs := c.curated.Quads()
	if len(c.imports) == 0 {
		return qs
	}
	qs = append(qs, quad.Quad{Subject: quad.IRI(kg.GraphNode), Predicate: quad.IRI(kg.AttrCuratedVersion), Object: quad.String(c.curated.Version())})
	for _, im := range c.imports {
		qs = append(qs, im.quads...)
	}
	return qs
}

// quadSource is a curated source read back from a generation.
type quadSource struct {
	version string
	quads   []quad.Quad
}

func (q quadSource) Version() string    { return q.version }
func (q quadSource) Quads() []quad.Quad { return q.quads }

// importName is the import a label belongs to, if any.
func importName(label quad.Value) (string, bool) {
	l, ok := label.(quad.IRI)
	if !ok {
		return "", false
	}
	if n, ok := strings.CutPrefix(string(l), kg.ImportLabelPrefix); ok {
		return n, true
	}
	if n, ok := strings.CutPrefix(string(l), kg.ImportMetaPrefix); ok {
		return n, true
	}
	return "", false
}

// NewImport makes the quads of an import NAME ready to keep: each must carry
// one of its two labels, and its content hash is taken.
func newImportSet(name string, quads []quad.Quad) (importSet, error) {
	if err := kg.CheckImportName(name); err != nil {
		return importSet{}, err
	}
	lines := make([]string, 0, len(quads))
	for _, q := range quads {
		if n, ok := importName(q.Label); !ok || n != name {
			return importSet{}, fmt.Errorf("%w: %s", ErrImportQuads, q.NQuad())
		}
		lines = append(lines, q.NQuad())
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		fmt.Fprintln(h, l)
	}
	return importSet{name: name, hash: hex.EncodeToString(h.Sum(nil))[:16], quads: quads}, nil
}

// readContents reads what generation gen holds: its imports, and with
// curated set also its curated quads. A curated read walks every quad; the
// imports alone are found through the index of their kind.
func readContents(ctx context.Context, qs graph.QuadStore, curated bool) (composite, error) {
	var c composite
	var names []string
	if ref, err := qs.ValueOf(quad.String(kg.ImportKind)); err != nil {
		return c, err
	} else if ref != nil {
		g := &Graph{qs: qs}
		kindQuads, err := g.quadsOf(ctx, quad.String(kg.ImportKind), quad.Object)
		if err != nil {
			return c, err
		}
		for _, q := range kindQuads {
			if iriString(q.Predicate) == kg.AttrKind {
				if n, ok := importName(q.Label); ok {
					names = append(names, n)
				}
			}
		}
	}
	sort.Strings(names)
	byName := map[string]*importSet{}
	for _, n := range names {
		c.imports = append(c.imports, importSet{name: n})
	}
	for i := range c.imports {
		byName[c.imports[i].name] = &c.imports[i]
	}
	if !curated {
		for i := range c.imports {
			im := &c.imports[i]
			for _, label := range []string{kg.ImportLabelPrefix + im.name, kg.ImportMetaPrefix + im.name} {
				ref, err := qs.ValueOf(quad.IRI(label))
				if err != nil {
					return c, err
				}
				if ref == nil {
					continue
				}
				if err := eachQuad(ctx, qs, qs.QuadIterator(quad.Label, ref), func(q quad.Quad) {
					im.quads = append(im.quads, q)
				}); err != nil {
					return c, err
				}
			}
		}
	} else {
		src := quadSource{}
		var version, curatedVersion string
		err := eachQuad(ctx, qs, qs.QuadsAllIterator(), func(q quad.Quad) {
			if n, ok := importName(q.Label); ok {
				if im := byName[n]; im != nil {
					im.quads = append(im.quads, q)
				}
				return
			}
			if q.Label == nil && iriString(q.Subject) == kg.GraphNode {
				switch iriString(q.Predicate) {
				case kg.AttrVersion:
					version = quad.ToString(q.Object)
					return
				case kg.AttrCuratedVersion:
					curatedVersion = quad.ToString(q.Object)
					return
				}
			}
			src.quads = append(src.quads, q)
		})
		if err != nil {
			return c, err
		}
		src.version = version
		if curatedVersion != "" {
			src.version = curatedVersion
		}
		c.curated = src
	}
	for i := range c.imports {
		im := &c.imports[i]
		set, err := newImportSet(im.name, im.quads)
		if err != nil {
			return c, fmt.Errorf("import %s: %w", im.name, err)
		}
		*im = set
	}
	return c, nil
}

// eachQuad calls f with every quad of shape.
func eachQuad(ctx context.Context, qs graph.QuadStore, shape iterator.Shape, f func(quad.Quad)) error {
	it := shape.Iterate()
	defer it.Close()
	for it.Next(ctx) {
		q, err := qs.Quad(it.Result())
		if err != nil {
			return unavailable(err)
		}
		f(q)
	}
	if err := it.Err(); err != nil {
		return unavailable(err)
	}
	return ctx.Err()
}

// contentsOf reads the contents of the published generation gen.
func (s *Store) contentsOf(ctx context.Context, gen string, curated bool) (composite, error) {
	if gen == "" {
		return composite{}, nil
	}
	if gen == s.gen {
		if g := s.cur.Load(); g != nil && g.acquire() {
			defer g.Release()
			return readContents(ctx, g.qs, curated)
		}
	}
	qs, release, err := s.b.open(ctx, gen)
	if err != nil {
		return composite{}, err
	}
	defer release()
	return readContents(ctx, qs, curated)
}

// Import keeps the quads of import name beside the current graph, as a new
// graph version switched to at once like a reload; it returns that version.
// Every quad must carry the label import:NAME or importmeta:NAME. A name
// already kept is ErrImportExists; on any error the served graph is
// unchanged.
func (s *Store) Import(ctx context.Context, name string, quads []quad.Quad) (string, error) {
	set, err := newImportSet(name, quads)
	if err != nil {
		return "", err
	}
	return s.change(ctx, "import "+name, func(c composite) (composite, error) {
		for _, im := range c.imports {
			if im.name == name {
				return c, fmt.Errorf("%w: %s", ErrImportExists, name)
			}
		}
		c.imports = append(c.imports, set)
		sort.Slice(c.imports, func(i, j int) bool { return c.imports[i].name < c.imports[j].name })
		return c, nil
	})
}

// RemoveImport drops import name and exactly its quads, as a new graph
// version; an unknown name is ErrNoImport.
func (s *Store) RemoveImport(ctx context.Context, name string) (string, error) {
	return s.change(ctx, "remove import "+name, func(c composite) (composite, error) {
		for i, im := range c.imports {
			if im.name == name {
				c.imports = append(c.imports[:i:i], c.imports[i+1:]...)
				return c, nil
			}
		}
		return c, fmt.Errorf("%w: %s", ErrNoImport, name)
	})
}

// change builds a new generation from the current one's contents as edit
// makes them, under the load lock.
func (s *Store) change(ctx context.Context, what string, edit func(composite) (composite, error)) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return "", ErrClosed
	}
	version, err := s.update(ctx, func(prev string) (Source, error) {
		if prev == "" {
			return nil, ErrEmpty
		}
		c, err := s.contentsOf(ctx, prev, true)
		if err != nil {
			return nil, fmt.Errorf("read the current graph: %w", err)
		}
		next, err := edit(c)
		if err != nil {
			return nil, err
		}
		return next, nil
	})
	if err != nil {
		return "", fmt.Errorf("%s in %s: %w", what, s.b, err)
	}
	return version, nil
}

// withImports is the curated source src with the imports the published
// generation prev keeps, so that a reload keeps them.
func (s *Store) withImports(ctx context.Context, prev string, src Source) (Source, error) {
	c, err := s.contentsOf(ctx, prev, false)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		// A load also repairs a store whose current generation cannot be
		// read (removed, or held elsewhere); its imports cannot be read
		// either.
		slog.Warn("the current graph cannot be read: the new one keeps no imports", "store", s.b.String(), "generation", prev, "err", err)
		return src, nil
	}
	c.curated = src
	return c, nil
}
