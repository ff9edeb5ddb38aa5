package gqlhttp

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/civicgraph/civicgraph/respcache"
)

// cacheKey is the digest of everything an answer to r depends on: the
// endpoint's settings and build (fingerprint), the graph version, the host
// the request reached (graph.WithHost: entity(id:) takes IRIs under it),
// the response media type (it decides status codes), the operation name,
// the document — by its SHA-256, which a persisted query's hash is — and
// the variables, canonical (keys sorted, no spaces). Nothing else in the
// request reaches a resolver. ok is false for a request gqlgen's
// persisted-query extension would refuse, which must never be answered
// from the cache.
func (h *Handler) cacheKey(r *http.Request, media, version string, p *graphql.RawParams) (respcache.Key, bool) {
	doc, ok := documentHash(p)
	if !ok {
		return respcache.Key{}, false
	}
	var vars []byte
	if len(p.Variables) > 0 {
		// encoding/json writes map keys sorted, and the variables were
		// decoded with UseNumber, so numbers keep their text.
		var err error
		if vars, err = json.Marshal(p.Variables); err != nil {
			return respcache.Key{}, false
		}
	}
	d := sha256.New()
	for _, f := range []string{h.fingerprint, version, r.Host, media, p.OperationName, doc} {
		writeField(d, []byte(f))
	}
	writeField(d, vars)
	var k respcache.Key
	d.Sum(k[:0])
	return k, true
}

// writeField writes b with its length first, so that no two lists of
// fields write the same bytes.
func writeField(d hash.Hash, b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	d.Write(n[:])
	d.Write(b)
}

// documentHash is the hex SHA-256 of the request's document: of its text
// when it has one, else the hash its persistedQuery extension names. It
// reads the extension as gqlgen's AutomaticPersistedQuery does, and ok is
// false when that would refuse it: not version 1, no hash, or a hash that
// is not the text's.
func documentHash(p *graphql.RawParams) (string, bool) {
	sum := ""
	if p.Query != "" {
		s := sha256.Sum256([]byte(p.Query))
		sum = hex.EncodeToString(s[:])
	}
	ext, present := p.Extensions["persistedQuery"]
	if !present || ext == nil {
		return sum, p.Query != ""
	}
	m, ok := ext.(map[string]any)
	if !ok {
		return "", false
	}
	v, _ := m["version"].(json.Number)
	if n, err := v.Int64(); err != nil || n != 1 {
		return "", false
	}
	hash, _ := m["sha256Hash"].(string)
	switch {
	case hash == "":
		return "", false
	case p.Query == "":
		return hash, true
	}
	return sum, sum == hash
}

// persisted reports whether a request names a persisted query.
func persisted(p *graphql.RawParams) bool { return p.Extensions["persistedQuery"] != nil }

// etagOf is the strong entity tag of the answer under key: the same request
// gets the same bytes as long as the key holds, and another ETag once the
// graph version changes.
func etagOf(key respcache.Key) string {
	return `"` + hex.EncodeToString(key[:16]) + `"`
}

// ifNoneMatch reports whether If-None-Match fields match etag: "*", or a
// list of entity tags one of which has etag's opaque tag, compared weakly
// (a W/ prefix is ignored) as RFC 9110 section 13.1.2 says. Members that do
// not parse are skipped.
func ifNoneMatch(fields []string, etag string) bool {
	opaque := strings.TrimPrefix(etag, "W/")
	for _, f := range fields {
		if strings.TrimSpace(f) == "*" {
			return true
		}
		for f != "" {
			f = strings.TrimLeft(f, " \t,")
			f = strings.TrimPrefix(f, "W/")
			if !strings.HasPrefix(f, `"`) {
				// Not an entity tag: skip to the next member.
				i := strings.IndexByte(f, ',')
				if i < 0 {
					break
				}
				f = f[i+1:]
				continue
			}
			end := strings.IndexByte(f[1:], '"')
			if end < 0 {
				break
			}
			if f[:end+2] == opaque {
				return true
			}
			f = f[end+2:]
		}
	}
	return false
}
