package importer

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrInvalid is wrapped by every problem of a file or a mapping: a
	// malformed dataset, not a failing reader.
	ErrInvalid = errors.New("invalid import")
	// ErrTooLarge is a file over the size limit; it also wraps ErrInvalid.
	ErrTooLarge = errors.New("file too large")
	// ErrArgument is a call Parse cannot make sense of: an unknown format,
	// a malformed import name or base, a CSV file without a mapping.
	ErrArgument = errors.New("bad import argument")
)

// DefaultMaxErrors is how many problems of a file an error lists before it
// stops reading.
const DefaultMaxErrors = 50

// Error is one problem at a place in a file: file:line:col: message. Col
// (in characters, from 1) is 0 when the problem is a whole line or the
// parser did not tell; Line is 0 when it is the whole file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

func (e *Error) Unwrap() error { return ErrInvalid }

// Errors is every problem found in a file and its mapping, one a line, in
// file, line and column order. Its message has no header line, so each
// line of it reads alone.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// pos is a place in a file: line and column from 1, 0 when not known.
type pos struct{ line, col int }

// problems collects the problems of one run up to a cap.
type problems struct {
	list  []*Error
	max   int
	extra int // problems found beyond max
}

func (p *problems) add(file string, at pos, format string, args ...any) {
	if len(p.list) >= p.max {
		p.extra++
		return
	}
	p.list = append(p.list, &Error{File: file, Line: at.line, Col: at.col, Msg: fmt.Sprintf(format, args...)})
}

// full reports whether the cap is reached, so a reader may stop.
func (p *problems) full() bool { return len(p.list) >= p.max }

func (p *problems) any() bool { return len(p.list) > 0 }

// err is nil when nothing was found, else the sorted Errors.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	es := slices.Clone(p.list)
	slices.SortStableFunc(es, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	if p.full() {
		last := es[len(es)-1]
		more := "reading stopped here"
		if p.extra > 0 {
			more = fmt.Sprintf("%d more not listed", p.extra)
		}
		es = append(es, &Error{File: last.File, Msg: fmt.Sprintf("too many problems: the first %d are listed, %s", p.max, more)})
	}
	return Errors(es)
}
