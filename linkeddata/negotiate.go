package linkeddata

import (
	"mime"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/rdf"
)

// formatHTML is the name of the HTML representation beside rdf.Formats.
const formatHTML = "html"

// offer is one representation a resource can be had in.
type offer struct {
	name      string // html or an rdf.Format name
	mediaType string
}

// offers lists every representation of a resource, HTML first: what a
// browser, and a client that accepts anything, gets.
func offers(withHTML bool) []offer {
	var out []offer
	if withHTML {
		out = append(out, offer{formatHTML, "text/html"})
	}
	for _, f := range rdf.Formats {
		out = append(out, offer{f.Name, f.MediaType})
	}
	return out
}

// mediaAliases are media types clients send for one of the offers.
var mediaAliases = map[string]string{
	"application/xhtml+xml": "text/html",
	"application/json":      "application/ld+json",
	"application/x-turtle":  "text/turtle",
	"text/n3":               "text/turtle", // Turtle is a subset of N3
}

// negotiate picks the offer the Accept headers prefer: the highest q, then
// the more specific range, then the order of offers. No Accept header is
// the first offer. ok is false when nothing offered is acceptable.
func negotiate(accept []string, offered []offer) (offer, bool) {
	type mediaRange struct {
		mt string
		q  float64
	}
	var ranges []mediaRange
	excluded := map[string]bool{} // exact types refused with q=0
	for _, h := range accept {
		for part := range strings.SplitSeq(h, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			if a, ok := mediaAliases[mt]; ok {
				mt = a
			}
			if q == 0 {
				excluded[mt] = true
				continue
			}
			ranges = append(ranges, mediaRange{mt, q})
		}
	}
	if len(ranges) == 0 && len(excluded) == 0 {
		return offered[0], true // no Accept header, or nothing readable in it
	}
	best, bestQ, bestSpec := offer{}, 0.0, -1
	for _, r := range ranges {
		for _, o := range offered {
			spec := matches(r.mt, o.mediaType)
			if spec < 0 || excluded[o.mediaType] {
				continue
			}
			if r.q > bestQ || r.q == bestQ && spec > bestSpec {
				best, bestQ, bestSpec = o, r.q, spec
			}
			break // the first matching offer stands for this range
		}
	}
	return best, bestQ > 0
}

// matches reports how specifically a media range matches a type: 2 exact,
// 1 type/*, 0 */*, -1 not at all.
func matches(rng, mt string) int {
	switch {
	case rng == mt:
		return 2
	case rng == "*/*":
		return 0
	case strings.HasSuffix(rng, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(rng, "*")):
		return 1
	}
	return -1
}
