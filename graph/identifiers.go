package graph

import (
	"context"
	"errors"

	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/kg"
)

// entityByIdentifier finds the entity carrying an identifier. The value is
// normalised first (a bare stock code gets its exchange where its range has
// one); an unknown scheme or a malformed value is the client's error, a
// well-formed value no entity carries is null.
func (r *Resolver) entityByIdentifier(ctx context.Context, scheme, value string) (model.Entity, error) {
	v, err := kg.Normalize(scheme, value)
	switch {
	case errors.Is(err, kg.ErrUnknownScheme), errors.Is(err, kg.ErrBadIdentifier):
		return nil, Errorf(BadUserInput, "%v", err)
	case err != nil:
		return nil, err
	}
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := s.g.EntitiesByIdentifier(ctx, scheme, v)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	// The loader lets an identifier name one entity; were there more, the
	// first id is the answer on every store.
	return r.entity(ctx, ids[0])
}
