package graph

import (
	"context"

	"github.com/civicgraph/civicgraph/graph/model"
)

// linkedRecords lists the outside records linked to an entity, batched
// across the entities of a request.
func (r *Resolver) linkedRecords(ctx context.Context, id string) ([]*model.LinkedRecord, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := s.linked.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*model.LinkedRecord, len(recs))
	for i, l := range recs {
		out[i] = &model.LinkedRecord{L: l}
	}
	return out, nil
}

// imports lists the imports, read once per request.
func (r *Resolver) imports(ctx context.Context) ([]*model.Import, error) {
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	s.importsOnce.Do(func() { s.importList, s.importErr = s.g.Imports(ctx) })
	if s.importErr != nil {
		return nil, s.importErr
	}
	out := make([]*model.Import, len(s.importList))
	for i, info := range s.importList {
		out[i] = &model.Import{Info: info}
	}
	return out, nil
}

// importNamed is one import, nil when there is none of that name.
func (r *Resolver) importNamed(ctx context.Context, name string) (*model.Import, error) {
	all, err := r.imports(ctx)
	if err != nil {
		return nil, err
	}
	for _, im := range all {
		if im.Info.Name == name {
			return im, nil
		}
	}
	return nil, nil
}

// importRecords pages through an import's records.
func (r *Resolver) importRecords(ctx context.Context, im *model.Import, first *int, after *string) ([]*model.ImportRecord, error) {
	n, err := r.checkFirst(first, 100)
	if err != nil {
		return nil, err
	}
	offset := 0
	if after != nil {
		o, ok := model.DecodeOffsetCursor(*after)
		if !ok {
			return nil, Errorf(BadUserInput, "after: %q is not a cursor of this list", *after)
		}
		offset = o + 1
	}
	s, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	recs, _, err := s.g.ImportRecords(ctx, im.Info.Name, offset, n)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ImportRecord, len(recs))
	for i, rec := range recs {
		out[i] = &model.ImportRecord{R: rec, Offset: offset + i}
	}
	return out, nil
}
