package gqlhttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codePersistedQueryNotFound is the code of an automatic persisted query
// whose hash the server does not hold (gqlgen's, as Apollo's protocol
// names it): the one code outside the contract's a client may see.
const codePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"

// PresentError is the one error presenter: coded errors (graph.Error) keep
// their message and carry their code; a store that cannot be reached
// (store.ErrUnavailable) is UNAVAILABLE; a deadline is TIMEOUT; gqlgen's own
// parse and validation errors keep their message and become BAD_USER_INPUT
// (its token limit LIMIT_EXCEEDED), so that clients only ever see the
// contract's codes, but for PERSISTED_QUERY_NOT_FOUND, which automatic
// persisted queries need; anything else is logged and shown as "internal
// error", so no internals leak.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var coded *graph.Error
	var existing *gqlerror.Error
	switch {
	case errors.As(err, &coded):
		gerr.Message = coded.Msg
		setCode(gerr, coded.Code)
	case errors.Is(err, store.ErrUnavailable):
		// The database cannot be reached right now: worth a retry, and
		// not the client's fault.
		slog.WarnContext(ctx, "store unavailable", "path", gerr.Path.String(), "err", err)
		gerr.Message = "the graph's store is unavailable: try again shortly"
		setCode(gerr, graph.Unavailable)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The second: a store error that lost its cause, once the request's
		// deadline has passed, is that deadline.
		gerr.Message = "the query took too long"
		setCode(gerr, graph.Timeout)
	case errors.As(err, &existing) && existing.Err == nil:
		// Produced by gqlgen or the parser (parse, validation, variable
		// coercion): its message is meant for the client.
		switch code, _ := gerr.Extensions["code"].(string); {
		case code == codePersistedQueryNotFound:
			// Apollo's clients send the query whole on this code alone.
		case strings.HasPrefix(gerr.Message, "exceeded token limit"):
			setCode(gerr, graph.LimitExceeded)
		case strings.Contains(code, "LIMIT_EXCEEDED"):
			setCode(gerr, graph.LimitExceeded)
		case !slices.Contains(graph.Codes, graph.Code(code)):
			setCode(gerr, graph.BadUserInput)
		}
	case errors.Is(err, context.Canceled):
		// The client went away or the server is stopping: nobody to tell.
		gerr.Message = "the request was cancelled"
		setCode(gerr, graph.Unavailable)
	default:
		slog.ErrorContext(ctx, "resolver failed", "path", gerr.Path.String(), "err", err)
		gerr.Message = "internal error"
		setCode(gerr, graph.Internal)
	}
	return gerr
}

func setCode(e *gqlerror.Error, code graph.Code) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = string(code)
}

// Recover turns a panic in a resolver into an internal error, logged.
func Recover(ctx context.Context, p any) error {
	slog.ErrorContext(ctx, "resolver panicked", "panic", p)
	return graph.Errorf(graph.Internal, "internal error")
}

// requestError is a coded error raised before execution.
func requestError(code graph.Code, format string, args ...any) *gqlerror.Error {
	e := graph.Errorf(code, format, args...)
	return &gqlerror.Error{Message: e.Msg, Err: e}
}

// WriteError answers a request that never reached GraphQL — a refused
// request, an HTTP endpoint beside /graphql — in the same shape as a GraphQL
// error response: every error with its code, no data. The status is the
// first error's (500 when it has none).
func WriteError(w http.ResponseWriter, errs ...*graph.Error) {
	status := http.StatusInternalServerError
	if len(errs) > 0 && errs[0].Status != 0 {
		status = errs[0].Status
	}
	list := make(gqlerror.List, len(errs))
	for i, e := range errs {
		list[i] = &gqlerror.Error{Message: e.Msg, Extensions: map[string]any{"code": string(e.Code)}}
	}
	(&reply{w: w, media: mediaJSON}).send(status, &graphql.Response{Errors: list})
}
