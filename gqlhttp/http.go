package gqlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/respcache"
	"github.com/civicgraph/civicgraph/store"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// The response media types of the GraphQL-over-HTTP spec.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// serve answers one request to /graphql, GET (queries only) or POST with a
// JSON body, as the GraphQL-over-HTTP spec says. gqlgen's own GET and POST
// transports get its status codes wrong for
// application/graphql-response+json and always send "data": null; this gets
// them right:
//
//   - a request that is not a GraphQL request at all (wrong method, media
//     type, unreadable body, no query) gets a 4xx in either media type;
//   - a request error (the document does not parse or validate, variables
//     do not coerce, a limit is exceeded) gets 200 as application/json and
//     400 as application/graphql-response+json, without a data entry;
//   - an executed operation gets 200 with its data, errors or not.
//
// Every answer is a GraphQL response whose errors carry extensions.code.
// A query answered without errors is kept in the response cache under its
// key (see cacheKey), and an identical request is answered from there
// without executing; a GET answer has an ETag derived from the same key,
// which If-None-Match revalidates (see reply.write).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, g *store.Graph) {
	ctx := r.Context()
	isGet := r.Method == http.MethodGet
	rp := &reply{w: w, r: r, media: mediaJSON, version: g.Version(), get: isGet, cacheControl: h.cacheControl}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			slog.ErrorContext(ctx, "graphql request panicked", "panic", p, "stack", string(debug.Stack()))
			if !rp.wrote {
				rp.fail(http.StatusInternalServerError, graph.Internal, "internal error")
			}
		}
	}()
	if isGet {
		// The answer depends on Accept, and the CORS wrapper answers
		// requests with an Origin with headers others do not get.
		w.Header().Add("Vary", "Accept, Origin")
	}

	if !isGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		rp.fail(http.StatusMethodNotAllowed, graph.BadUserInput, "method %s is not allowed: use POST, or GET for queries", r.Method)
		return
	}
	media, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		rp.fail(http.StatusNotAcceptable, graph.BadUserInput, "the Accept header allows neither %s nor %s", mediaGraphQLResponse, mediaJSON)
		return
	}
	rp.media = media

	var params *graphql.RawParams
	var perr *graph.Error
	if isGet {
		params, perr = h.getParams(r)
	} else {
		params, perr = h.postParams(w, r)
	}
	if perr != nil {
		rp.fail(perr.Status, perr.Code, "%s", perr.Msg)
		return
	}
	params.Headers = r.Header

	// The deadline covers waiting for an identical request in flight.
	if h.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
		defer cancel()
	}
	// A GET answer needs its key for its ETag, cached or not.
	var key respcache.Key
	keyed := false
	if h.cache != nil || isGet {
		key, keyed = h.cacheKey(r, media, g.Version(), params)
	}
	var fill *respcache.Fill
	if keyed {
		var e *respcache.Entry
		// Only queries answered without errors are kept: a hit is one, and
		// needs neither the GET check below nor the limits, which gave the
		// same verdict on the same document and variables.
		if e, fill = h.cache.Get(ctx, g.Version(), key); e != nil {
			rp.write(http.StatusOK, e.Body, e.ETag, true)
			return
		}
	}
	var kept *respcache.Entry
	defer func() { fill.Done(kept) }()

	if isGet && params.Query != "" && !h.isQuery(params) {
		w.Header().Set("Allow", "POST")
		rp.fail(http.StatusMethodNotAllowed, graph.BadUserInput, "GET requests may only run queries: send mutations with POST")
		return
	}

	ctx = graphql.StartOperationTrace(graph.WithHost(graph.WithGraph(ctx, g, h.wait), r.Host))
	opCtx, errs := h.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := h.exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		resp.Data = nil // not executed: no data entry
		rp.send(status, resp)
		return
	}
	isQuery := opCtx.Operation.Operation == ast.Query
	if isGet && !isQuery {
		// A persisted query's text was not known before now.
		w.Header().Set("Allow", "POST")
		rp.fail(http.StatusMethodNotAllowed, graph.BadUserInput, "GET requests may only run queries: send mutations with POST")
		return
	}
	responses, ctx := h.exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen gives up without a response once the context is done.
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return // the client has gone
		}
		resp = h.exec.DispatchError(ctx, gqlerror.List{requestError(graph.Timeout, "the query took too long")})
	}
	if resp.Data == nil {
		resp.Data = json.RawMessage("null") // executed: the data entry is present
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		resp.Errors = collapseTimeouts(resp.Errors)
	}
	if !keyed || !isQuery || len(resp.Errors) > 0 || ctx.Err() != nil {
		rp.send(http.StatusOK, resp)
		return
	}
	body, err := marshalResponse(resp)
	if err != nil {
		slog.ErrorContext(ctx, "marshal graphql response", "err", err)
		rp.fail(http.StatusInternalServerError, graph.Internal, "internal error")
		return
	}
	kept = &respcache.Entry{Body: body, ETag: etagOf(key)}
	rp.write(http.StatusOK, body, kept.ETag, true)
}

// collapseTimeouts keeps the first TIMEOUT error of a response: once the
// deadline passes, every pending field fails with one, and a list of a
// thousand says no more than one.
func collapseTimeouts(errs gqlerror.List) gqlerror.List {
	out := errs[:0:0]
	n := 0
	for _, e := range errs {
		if e.Extensions["code"] == string(graph.Timeout) {
			if n++; n > 1 {
				continue
			}
		}
		out = append(out, e)
	}
	if n > 1 {
		for _, e := range out {
			if e.Extensions["code"] == string(graph.Timeout) {
				e.Message = fmt.Sprintf("%s (%d fields were cut off)", e.Message, n)
				break
			}
		}
	}
	return out
}

// badRequest is a request that is not a well-formed GraphQL-over-HTTP
// request; it never reaches GraphQL.
func badRequest(format string, args ...any) *graph.Error {
	return graph.Errorf(graph.BadUserInput, format, args...).WithStatus(http.StatusBadRequest)
}

func (h *Handler) tooLarge() *graph.Error {
	return graph.Errorf(graph.LimitExceeded, "the request is larger than the limit of %d bytes", h.maxBody).WithStatus(http.StatusRequestEntityTooLarge)
}

// getParams reads query, operationName, variables and extensions from the URL.
func (h *Handler) getParams(r *http.Request) (*graphql.RawParams, *graph.Error) {
	if h.maxBody > 0 && int64(len(r.URL.RawQuery)) > h.maxBody {
		return nil, h.tooLarge()
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the query string is malformed: %v", err)
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if p.Variables, err = decodeObject([]byte(q.Get("variables"))); err != nil {
		return nil, badRequest("variables must be a JSON object: %v", err)
	}
	if p.Extensions, err = decodeObject([]byte(q.Get("extensions"))); err != nil {
		return nil, badRequest("extensions must be a JSON object: %v", err)
	}
	if strings.TrimSpace(p.Query) == "" && !persisted(p) {
		return nil, badRequest("missing query: pass the GraphQL document as the query parameter, or the hash of a persisted one in extensions")
	}
	return p, nil
}

// postParams reads a JSON body of at most maxBody bytes.
func (h *Handler) postParams(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *graph.Error) {
	ct := r.Header.Get("Content-Type")
	mt, mp, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != mediaJSON || (mp["charset"] != "" && !strings.EqualFold(mp["charset"], "utf-8")) {
		return nil, graph.Errorf(graph.BadUserInput, "Content-Type %q is not supported: send application/json (in UTF-8)", ct).WithStatus(http.StatusUnsupportedMediaType)
	}
	body := r.Body
	if h.maxBody > 0 {
		body = http.MaxBytesReader(w, body, h.maxBody)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, h.tooLarge()
		}
		return nil, badRequest("the request body could not be read")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&fields); err != nil {
		return nil, badRequest("the request body is not a JSON object: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("the request body has data after its JSON object")
	}
	p := &graphql.RawParams{}
	if err := decodeString(fields["query"], &p.Query); err != nil {
		return nil, badRequest("query must be a string")
	}
	if err := decodeString(fields["operationName"], &p.OperationName); err != nil {
		return nil, badRequest("operationName must be a string or null")
	}
	if p.Variables, err = decodeObject(fields["variables"]); err != nil {
		return nil, badRequest("variables must be a JSON object or null")
	}
	if p.Extensions, err = decodeObject(fields["extensions"]); err != nil {
		return nil, badRequest("extensions must be a JSON object or null")
	}
	if strings.TrimSpace(p.Query) == "" && !persisted(p) {
		return nil, badRequest("missing query: send {\"query\": \"…\"}, or the hash of a persisted query in extensions")
	}
	return p, nil
}

// decodeString reads a JSON string; absent and null leave s empty.
func decodeString(raw json.RawMessage, s *string) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return json.Unmarshal(raw, s)
}

// decodeObject reads a JSON object; absent and null are nil. Numbers stay
// json.Number, as gqlgen expects for exact Int coercion.
func decodeObject(raw []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return m, nil
}

// isQuery reports whether a GET request would run a query. A document that
// does not parse, or names no operation it has, counts as a query here: the
// executor then refuses it with the proper error.
func (h *Handler) isQuery(p *graphql.RawParams) bool {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, h.maxTokens)
	if err != nil {
		return true
	}
	op := doc.Operations.ForName(p.OperationName)
	return op == nil || op.Operation == ast.Query
}

// negotiate picks the response media type from the Accept headers: the
// acceptable type with the highest q, the first listed on a tie; */* and
// application/* mean application/json, as does no Accept header at all.
func negotiate(accept []string) (string, bool) {
	best, bestQ, seen := "", 0.0, false
	for _, h := range accept {
		for part := range strings.SplitSeq(h, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			seen = true
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(s, 64); err != nil {
					continue
				}
			}
			var media string
			switch mt {
			case mediaGraphQLResponse:
				media = mediaGraphQLResponse
			case mediaJSON, "application/*", "*/*":
				media = mediaJSON
			default:
				continue
			}
			if q > bestQ {
				best, bestQ = media, q
			}
		}
	}
	if !seen {
		return mediaJSON, true
	}
	return best, best != ""
}

// reply writes one GraphQL response.
type reply struct {
	w       http.ResponseWriter
	r       *http.Request
	media   string
	version string // the graph version, for responses gqlgen did not make
	get     bool   // a GET request: a successful answer may be kept by HTTP caches
	// cacheControl is the Cache-Control of a successful GET answer.
	cacheControl string
	wrote        bool
}

// wireResponse is graphql.Response with an optional data entry: a request
// error has none, as the spec requires.
type wireResponse struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func marshalResponse(resp *graphql.Response) ([]byte, error) {
	return json.Marshal(wireResponse{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions})
}

func (rp *reply) send(status int, resp *graphql.Response) {
	b, err := marshalResponse(resp)
	if err != nil {
		slog.Error("marshal graphql response", "err", err)
		rp.fail(http.StatusInternalServerError, graph.Internal, "internal error")
		return
	}
	rp.write(status, b, "", status == http.StatusOK && len(resp.Errors) == 0)
}

// write sends a response body with the caching headers its answer calls
// for. An answer with errors, or a POST answer, is never stored by any
// cache (no-store): an error may pass, and a POST answer is not
// addressable. A successful GET answer is public for the configured
// max-age, with its ETag when it has one; a GET whose If-None-Match matches
// that ETag gets 304 without a body.
func (rp *reply) write(status int, body []byte, etag string, ok bool) {
	rp.wrote = true
	h := rp.w.Header()
	if !ok || !rp.get {
		h.Set("Cache-Control", "no-store")
	} else {
		h.Set("Cache-Control", rp.cacheControl)
		if etag != "" {
			h.Set("ETag", etag)
			if ifNoneMatch(rp.r.Header.Values("If-None-Match"), etag) {
				rp.w.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	h.Set("Content-Type", rp.media+"; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	rp.w.WriteHeader(status)
	rp.w.Write(body)
}

// fail answers with one coded error and no data.
func (rp *reply) fail(status int, code graph.Code, format string, args ...any) {
	e := &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": string(code)}}
	resp := &graphql.Response{Errors: gqlerror.List{e}}
	if rp.version != "" {
		resp.Extensions = map[string]any{"graphVersion": rp.version}
	}
	rp.send(status, resp)
}
