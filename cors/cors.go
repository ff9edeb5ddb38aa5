// Package cors lets a page on any origin read the graph: it answers the
// CORS preflight of read routes and marks their responses as readable
// cross-origin. It never allows credentials, and routes that write are
// simply not wrapped, so a browser refuses a cross-origin call to them.
package cors

import (
	"net/http"
	"slices"
	"strings"
)

// Headers a cross-origin request may send, and response headers its page
// may read.
const (
	allowHeaders  = "Accept, Content-Type, If-None-Match"
	exposeHeaders = "X-Graph-Version, Content-Disposition, Link, X-Request-Id, Retry-After, ETag"
	maxAge        = "7200" // seconds a browser may keep a preflight's answer
)

// Reads wraps a read-only handler: any origin may call it with the given
// methods (GET and HEAD when none are given), without credentials.
func Reads(next http.Handler, methods ...string) http.Handler {
	if len(methods) == 0 {
		methods = []string{http.MethodGet, http.MethodHead}
	}
	allowMethods := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") == "" {
			next.ServeHTTP(w, r)
			return
		}
		reqMethod := r.Header.Get("Access-Control-Request-Method")
		if r.Method == http.MethodOptions && reqMethod != "" {
			// A preflight: answered here, never passed on.
			w.Header().Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
			if !slices.Contains(methods, reqMethod) || !headersAllowed(r.Header.Get("Access-Control-Request-Headers")) {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", allowMethods)
			h.Set("Access-Control-Allow-Headers", allowHeaders)
			h.Set("Access-Control-Max-Age", maxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if slices.Contains(methods, r.Method) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Access-Control-Expose-Headers", exposeHeaders)
		}
		next.ServeHTTP(w, r)
	})
}

// headersAllowed reports whether a preflight asks only for headers Reads
// allows.
func headersAllowed(list string) bool {
	for h := range strings.SplitSeq(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		ok := false
		for a := range strings.SplitSeq(allowHeaders, ",") {
			ok = ok || strings.EqualFold(strings.TrimSpace(a), h)
		}
		if !ok {
			return false
		}
	}
	return true
}
