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
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/graph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// The response media types of the GraphQL-over-HTTP spec.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport is the one gqlgen transport of /graphql: GET (queries only)
// and POST with a JSON body, answered as the GraphQL-over-HTTP spec says.
// gqlgen's own GET and POST transports get its status codes wrong for
// application/graphql-response+json and always send "data": null; this one
// gets them right:
//
//   - a request that is not a GraphQL request at all (wrong method, media
//     type, unreadable body, no query) gets a 4xx in either media type;
//   - a request error (the document does not parse or validate, variables
//     do not coerce, a limit is exceeded) gets 200 as application/json and
//     400 as application/graphql-response+json, without a data entry;
//   - an executed operation gets 200 with its data, errors or not.
//
// Every answer is a GraphQL response whose errors carry extensions.code.
type httpTransport struct {
	maxBody   int64         // bytes of a POST body or GET query string; 0: no limit
	timeout   time.Duration // deadline of one request; 0: none
	maxTokens int           // parser token limit, also for the GET pre-parse
}

var _ graphql.Transport = httpTransport{}

// Supports takes every request to /graphql, so that a wrong method or media
// type gets a GraphQL answer rather than gqlgen's bare "transport not
// supported".
func (httpTransport) Supports(*http.Request) bool { return true }

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	rp := &reply{w: w, media: mediaJSON, version: graphVersion(ctx)}
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

	if r.Method != http.MethodGet && r.Method != http.MethodPost {
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
	if r.Method == http.MethodGet {
		params, perr = t.getParams(r)
	} else {
		params, perr = t.postParams(w, r)
	}
	if perr != nil {
		rp.fail(perr.Status, perr.Code, "%s", perr.Msg)
		return
	}
	params.Headers = r.Header
	if r.Method == http.MethodGet && !t.isQuery(params) {
		w.Header().Set("Allow", "POST")
		rp.fail(http.StatusMethodNotAllowed, graph.BadUserInput, "GET requests may only run queries: send mutations with POST")
		return
	}

	if t.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		resp.Data = nil // not executed: no data entry
		rp.send(status, resp)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen gives up without a response once the context is done.
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return // the client has gone
		}
		resp = exec.DispatchError(ctx, gqlerror.List{requestError(graph.Timeout, "the query took too long")})
	}
	if resp.Data == nil {
		resp.Data = json.RawMessage("null") // executed: the data entry is present
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		resp.Errors = collapseTimeouts(resp.Errors)
	}
	rp.send(http.StatusOK, resp)
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

func (t httpTransport) tooLarge() *graph.Error {
	return graph.Errorf(graph.LimitExceeded, "the request is larger than the limit of %d bytes", t.maxBody).WithStatus(http.StatusRequestEntityTooLarge)
}

// getParams reads query, operationName, variables and extensions from the URL.
func (t httpTransport) getParams(r *http.Request) (*graphql.RawParams, *graph.Error) {
	if t.maxBody > 0 && int64(len(r.URL.RawQuery)) > t.maxBody {
		return nil, t.tooLarge()
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the query string is malformed: %v", err)
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	if strings.TrimSpace(p.Query) == "" {
		return nil, badRequest("missing query: pass the GraphQL document as the query parameter")
	}
	if p.Variables, err = decodeObject([]byte(q.Get("variables"))); err != nil {
		return nil, badRequest("variables must be a JSON object: %v", err)
	}
	if p.Extensions, err = decodeObject([]byte(q.Get("extensions"))); err != nil {
		return nil, badRequest("extensions must be a JSON object: %v", err)
	}
	return p, nil
}

// postParams reads a JSON body of at most maxBody bytes.
func (t httpTransport) postParams(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, *graph.Error) {
	ct := r.Header.Get("Content-Type")
	mt, mp, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != mediaJSON || (mp["charset"] != "" && !strings.EqualFold(mp["charset"], "utf-8")) {
		return nil, graph.Errorf(graph.BadUserInput, "Content-Type %q is not supported: send application/json (in UTF-8)", ct).WithStatus(http.StatusUnsupportedMediaType)
	}
	body := r.Body
	if t.maxBody > 0 {
		body = http.MaxBytesReader(w, body, t.maxBody)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, t.tooLarge()
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
	if strings.TrimSpace(p.Query) == "" {
		return nil, badRequest("missing query: send {\"query\": \"…\"}")
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
func (t httpTransport) isQuery(p *graphql.RawParams) bool {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, t.maxTokens)
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
	media   string
	version string // the graph version, for responses gqlgen did not make
	wrote   bool
}

// wireResponse is graphql.Response with an optional data entry: a request
// error has none, as the spec requires.
type wireResponse struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func (rp *reply) send(status int, resp *graphql.Response) {
	b, err := json.Marshal(wireResponse{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions})
	if err != nil {
		slog.Error("marshal graphql response", "err", err)
		rp.fail(http.StatusInternalServerError, graph.Internal, "internal error")
		return
	}
	rp.wrote = true
	rp.w.Header().Set("Content-Type", rp.media+"; charset=utf-8")
	rp.w.Header().Set("X-Content-Type-Options", "nosniff")
	rp.w.WriteHeader(status)
	rp.w.Write(b)
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

func graphVersion(ctx context.Context) string {
	if g := graph.GraphOf(ctx); g != nil {
		return g.Version()
	}
	return ""
}
