// Package spectest checks JSON documents against version 0.2 of the W3C
// Entity Reconciliation API: every requirement of its JSON schemas
// (manifest, type, reconciliation query and result batches, suggest
// responses, data extension query, response and property proposal) and
// what its text adds about how a response answers its request, written
// as civicgraph's own assertions. Each function takes a document decoded
// by encoding/json into any and returns the violations found, each naming
// where in the document it is; none means the document conforms.
package spectest

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// checker collects violations.
type checker struct{ errs []string }

func (c *checker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// object checks that v is an object with the required fields.
func (c *checker) object(path string, v any, required ...string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf(path, "want an object, got %s", kind(v))
		return nil, false
	}
	for _, f := range required {
		if _, ok := m[f]; !ok {
			c.errorf(path, "lacks the required field %q", f)
		}
	}
	return m, true
}

// optional calls check on field f of m when it is present.
func optional(m map[string]any, f string, check func(v any)) {
	if v, ok := m[f]; ok {
		check(v)
	}
}

func (c *checker) str(path string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		c.errorf(path, "want a string, got %s", kind(v))
	}
	return s, ok
}

func (c *checker) number(path string, v any) (float64, bool) {
	f, ok := v.(float64)
	if !ok {
		c.errorf(path, "want a number, got %s", kind(v))
	}
	return f, ok
}

func (c *checker) integer(path string, v any) {
	if f, ok := c.number(path, v); ok && f != math.Trunc(f) {
		c.errorf(path, "want an integer, got %v", f)
	}
}

func (c *checker) boolean(path string, v any) {
	if _, ok := v.(bool); !ok {
		c.errorf(path, "want a boolean, got %s", kind(v))
	}
}

func (c *checker) array(path string, v any) ([]any, bool) {
	a, ok := v.([]any)
	if !ok {
		c.errorf(path, "want an array, got %s", kind(v))
	}
	return a, ok
}

// each checks every item of an array.
func (c *checker) each(path string, v any, check func(path string, item any)) {
	if a, ok := c.array(path, v); ok {
		for i, item := range a {
			check(fmt.Sprintf("%s[%d]", path, i), item)
		}
	}
}

// only checks that an object has no fields but allowed
// (additionalProperties: false).
func (c *checker) only(path string, m map[string]any, allowed ...string) {
	for f := range m {
		if !slices.Contains(allowed, f) {
			c.errorf(path, "has the field %q, which is not allowed here", f)
		}
	}
}

// pattern checks a string against a schema pattern.
func (c *checker) pattern(path string, v any, re *regexp.Regexp) {
	if s, ok := c.str(path, v); ok && !re.MatchString(s) {
		c.errorf(path, "%q does not match %s", s, re)
	}
}

var (
	idTemplate     = regexp.MustCompile(`\{\{id\}\}`)
	flyoutTemplate = regexp.MustCompile(`\$\{id\}`)
	httpURI        = regexp.MustCompile(`^https?://`)
	isoDateTime    = regexp.MustCompile(`^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$`)
)

// typeObject is type.json: id and name strings, an optional description,
// and broader types.
func (c *checker) typeObject(path string, v any) {
	m, ok := c.object(path, v, "id", "name")
	if !ok {
		return
	}
	optional(m, "id", func(v any) { c.str(path+".id", v) })
	optional(m, "name", func(v any) { c.str(path+".name", v) })
	optional(m, "description", func(v any) { c.str(path+".description", v) })
	optional(m, "broader", func(v any) { c.each(path+".broader", v, c.typeObject) })
}

// typeRef is a type as candidates and suggestions give it: an object with
// an id (and a name), or a string id.
func (c *checker) typeRef(path string, v any) {
	if _, ok := v.(string); ok {
		return
	}
	m, ok := c.object(path, v, "id")
	if !ok {
		return
	}
	optional(m, "id", func(v any) { c.str(path+".id", v) })
	optional(m, "name", func(v any) { c.str(path+".name", v) })
}

// Manifest checks a service manifest (manifest.json).
func Manifest(doc any) []string {
	c := &checker{}
	m, ok := c.object("manifest", doc, "versions", "name", "identifierSpace", "schemaSpace")
	if !ok {
		return c.errs
	}
	optional(m, "versions", func(v any) {
		var vs []string
		c.each("versions", v, func(p string, item any) {
			if s, ok := c.str(p, item); ok {
				vs = append(vs, s)
			}
		})
		if !slices.Contains(vs, "0.2") {
			c.errorf("versions", "does not contain \"0.2\"")
		}
	})
	for _, f := range []string{"name", "identifierSpace", "schemaSpace", "documentation", "serviceVersion", "logo"} {
		optional(m, f, func(v any) { c.str(f, v) })
	}
	for _, f := range []string{"view", "feature_view"} {
		optional(m, f, func(v any) {
			if o, ok := c.object(f, v, "url"); ok {
				optional(o, "url", func(v any) { c.pattern(f+".url", v, idTemplate) })
			}
		})
	}
	optional(m, "defaultTypes", func(v any) {
		c.each("defaultTypes", v, c.typeObject)
		c.unique("defaultTypes", v)
	})
	optional(m, "suggest", func(v any) {
		s, ok := c.object("suggest", v)
		if !ok {
			return
		}
		for _, f := range []string{"entity", "property", "type"} {
			optional(s, f, func(v any) { c.serviceDefinition("suggest."+f, v) })
		}
	})
	optional(m, "preview", func(v any) {
		p, ok := c.object("preview", v, "url", "width", "height")
		if !ok {
			return
		}
		optional(p, "url", func(v any) { c.pattern("preview.url", v, idTemplate) })
		optional(p, "width", func(v any) { c.integer("preview.width", v) })
		optional(p, "height", func(v any) { c.integer("preview.height", v) })
	})
	optional(m, "extend", func(v any) {
		e, ok := c.object("extend", v)
		if !ok {
			return
		}
		optional(e, "propose_properties", func(v any) {
			if p, ok := c.object("extend.propose_properties", v); ok {
				optional(p, "service_url", func(v any) { c.str("extend.propose_properties.service_url", v) })
				optional(p, "service_path", func(v any) { c.str("extend.propose_properties.service_path", v) })
			}
		})
		optional(e, "property_settings", func(v any) { c.each("extend.property_settings", v, c.propertySetting) })
	})
	optional(m, "authentication", func(v any) { c.securityScheme("authentication", v) })
	// The text (Service Manifest) adds batchSize: the most queries in a
	// batch, a number.
	optional(m, "batchSize", func(v any) { c.integer("batchSize", v) })
	return c.errs
}

// securityScheme is an authentication scheme. The schema refers to Swagger
// 2.0's security definitions, the text and the examples to OpenAPI 3's
// security schemes: both are accepted, each with its required fields.
func (c *checker) securityScheme(path string, v any) {
	m, ok := c.object(path, v, "type")
	if !ok {
		return
	}
	t, _ := m["type"].(string)
	required := map[string][]string{
		"basic":         nil,                  // Swagger 2.0
		"http":          {"scheme"},           // OpenAPI 3
		"apiKey":        {"name", "in"},       // both
		"oauth2":        nil,                  // flow (Swagger 2.0) or flows (OpenAPI 3), below
		"openIdConnect": {"openIdConnectUrl"}, // OpenAPI 3
	}
	fields, known := required[t]
	if !known {
		c.errorf(path+".type", "want basic, http, apiKey, oauth2 or openIdConnect, got %v", m["type"])
		return
	}
	for _, f := range fields {
		if _, ok := m[f]; !ok {
			c.errorf(path, "a %s scheme lacks the required field %q", t, f)
		}
	}
	for f, v := range m {
		if f != "flows" {
			if _, isObject := v.(map[string]any); !isObject {
				c.str(path+"."+f, v)
			}
		}
	}
	if in, ok := m["in"].(string); ok && t == "apiKey" && !slices.Contains([]string{"query", "header", "cookie"}, in) {
		c.errorf(path+".in", "want query, header or cookie, got %q", in)
	}
	if t == "oauth2" {
		_, flow := m["flow"]
		_, flows := m["flows"]
		if !flow && !flows {
			c.errorf(path, "an oauth2 scheme lacks flow or flows")
		}
	}
}

// unique checks uniqueItems, comparing items as JSON would.
func (c *checker) unique(path string, v any) {
	a, _ := v.([]any)
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			if fmt.Sprint(a[i]) == fmt.Sprint(a[j]) {
				c.errorf(path, "items %d and %d are the same", i, j)
			}
		}
	}
}

func (c *checker) serviceDefinition(path string, v any) {
	s, ok := c.object(path, v)
	if !ok {
		return
	}
	for _, f := range []string{"service_url", "service_path", "flyout_service_url"} {
		optional(s, f, func(v any) { c.str(path+"."+f, v) })
	}
	optional(s, "flyout_service_path", func(v any) { c.pattern(path+".flyout_service_path", v, flyoutTemplate) })
}

// propertySetting is one of the four kinds of data extension setting.
func (c *checker) propertySetting(path string, v any) {
	m, ok := c.object(path, v, "type", "label", "name")
	if !ok {
		return
	}
	t, _ := m["type"].(string)
	defaults := map[string]func(string, any){
		"number":   func(p string, v any) { c.number(p, v) },
		"text":     func(p string, v any) { c.str(p, v) },
		"checkbox": c.boolean,
		"select":   func(p string, v any) { c.str(p, v) },
	}
	check, known := defaults[t]
	if !known {
		c.errorf(path+".type", "want number, text, checkbox or select, got %v", m["type"])
		return
	}
	optional(m, "default", func(v any) { check(path+".default", v) })
	for _, f := range []string{"label", "name", "help_text"} {
		optional(m, f, func(v any) { c.str(path+"."+f, v) })
	}
	if t == "select" {
		if _, ok := m["choices"]; !ok {
			c.errorf(path, "a select setting lacks the required field \"choices\"")
		}
		optional(m, "choices", func(v any) {
			c.each(path+".choices", v, func(p string, item any) {
				if o, ok := c.object(p, item, "value", "name"); ok {
					optional(o, "value", func(v any) { c.str(p+".value", v) })
					optional(o, "name", func(v any) { c.str(p+".name", v) })
				}
			})
		})
	}
}

// QueryBatch checks a reconciliation query batch
// (reconciliation-query-batch.json).
func QueryBatch(doc any) []string {
	c := &checker{}
	batch, ok := c.object("queries", doc)
	if !ok {
		return c.errs
	}
	for key, v := range batch {
		path := "queries." + key
		q, ok := c.object(path, v)
		if !ok {
			continue
		}
		c.only(path, q, "query", "type", "limit", "properties", "type_strict")
		optional(q, "query", func(v any) { c.str(path+".query", v) })
		optional(q, "type", func(v any) {
			if _, ok := v.(string); ok {
				return
			}
			c.each(path+".type", v, func(p string, item any) { c.str(p, item) })
		})
		optional(q, "limit", func(v any) { c.number(path+".limit", v) })
		optional(q, "properties", func(v any) {
			c.each(path+".properties", v, func(p string, item any) {
				pv, ok := c.object(p, item, "pid", "v")
				if !ok {
					return
				}
				optional(pv, "pid", func(v any) { c.str(p+".pid", v) })
				optional(pv, "v", func(v any) {
					if a, ok := v.([]any); ok {
						for i, x := range a {
							c.propertyValue(fmt.Sprintf("%s.v[%d]", p, i), x)
						}
						return
					}
					c.propertyValue(p+".v", v)
				})
			})
		})
		optional(q, "type_strict", func(v any) {
			if s, ok := c.str(path+".type_strict", v); ok && !slices.Contains([]string{"any", "should", "all"}, s) {
				c.errorf(path+".type_strict", "want any, should or all, got %q", s)
			}
		})
		// anyOf: a query, or properties with at least one item.
		props, _ := q["properties"].([]any)
		if _, hasQuery := q["query"]; !hasQuery && len(props) == 0 {
			c.errorf(path, "needs a query or at least one property")
		}
	}
	return c.errs
}

// propertyValue is a string, number, boolean or entity with an id.
func (c *checker) propertyValue(path string, v any) {
	switch v.(type) {
	case string, float64, bool:
		return
	}
	if m, ok := c.object(path, v, "id"); ok {
		optional(m, "id", func(v any) { c.str(path+".id", v) })
		optional(m, "name", func(v any) { c.str(path+".name", v) })
	}
}

// ResultBatch checks a reconciliation result batch
// (reconciliation-result-batch.json), and what the text adds: each result
// is sorted by decreasing score.
func ResultBatch(doc any) []string {
	c := &checker{}
	batch, ok := c.object("results", doc)
	if !ok {
		return c.errs
	}
	for key, v := range batch {
		path := "results." + key
		r, ok := c.object(path, v, "result")
		if !ok {
			continue
		}
		optional(r, "result", func(v any) {
			last := math.Inf(1)
			c.each(path+".result", v, func(p string, item any) {
				cand, ok := c.object(p, item, "id", "name", "score")
				if !ok {
					return
				}
				optional(cand, "id", func(v any) { c.str(p+".id", v) })
				optional(cand, "name", func(v any) { c.str(p+".name", v) })
				optional(cand, "description", func(v any) { c.str(p+".description", v) })
				optional(cand, "score", func(v any) {
					if s, ok := c.number(p+".score", v); ok {
						if s > last {
							c.errorf(p+".score", "%v after %v: results should be sorted by decreasing score", s, last)
						}
						last = s
					}
				})
				optional(cand, "features", func(v any) {
					c.each(p+".features", v, func(fp string, f any) {
						fm, ok := c.object(fp, f)
						if !ok {
							return
						}
						optional(fm, "id", func(v any) { c.str(fp+".id", v) })
						optional(fm, "value", func(v any) {
							switch v.(type) {
							case bool, float64:
							default:
								c.errorf(fp+".value", "want a boolean or number, got %s", kind(v))
							}
						})
					})
				})
				optional(cand, "match", func(v any) { c.boolean(p+".match", v) })
				optional(cand, "type", func(v any) { c.each(p+".type", v, c.typeRef) })
			})
		})
	}
	return c.errs
}

// ResultsAnswer checks that a result batch answers a query batch: a
// result for each query, under its key (Reconciliation Query Responses).
func ResultsAnswer(queries, results any) []string {
	c := &checker{}
	q, _ := queries.(map[string]any)
	r, _ := results.(map[string]any)
	for key := range q {
		if _, ok := r[key]; !ok {
			c.errorf("results", "no result for the query %q", key)
		}
	}
	for key := range r {
		if _, ok := q[key]; !ok {
			c.errorf("results", "a result for %q, which was not asked", key)
		}
	}
	return c.errs
}

// suggestResponse checks {"result":[…]} with each item checked by item.
func suggestResponse(doc any, item func(c *checker, path string, v any)) []string {
	c := &checker{}
	m, ok := c.object("suggest", doc, "result")
	if !ok {
		return c.errs
	}
	optional(m, "result", func(v any) {
		c.each("result", v, func(p string, v any) { item(c, p, v) })
	})
	return c.errs
}

// SuggestEntities checks a suggest response for entities
// (suggest-entities-response.json).
func SuggestEntities(doc any) []string {
	return suggestResponse(doc, func(c *checker, p string, v any) {
		m, ok := c.object(p, v, "id", "name")
		if !ok {
			return
		}
		for _, f := range []string{"id", "name", "description"} {
			optional(m, f, func(v any) { c.str(p+"."+f, v) })
		}
		optional(m, "notable", func(v any) { c.each(p+".notable", v, c.typeRef) })
	})
}

// SuggestProperties checks a suggest response for properties
// (suggest-properties-response.json).
func SuggestProperties(doc any) []string {
	return suggestResponse(doc, func(c *checker, p string, v any) { c.named(p, v) })
}

// SuggestTypes checks a suggest response for types
// (suggest-types-response.json: each item a type.json).
func SuggestTypes(doc any) []string {
	return suggestResponse(doc, func(c *checker, p string, v any) { c.typeObject(p, v) })
}

// named is an object with an id and a name, and maybe a description.
func (c *checker) named(p string, v any) {
	m, ok := c.object(p, v, "id", "name")
	if !ok {
		return
	}
	for _, f := range []string{"id", "name", "description"} {
		optional(m, f, func(v any) { c.str(p+"."+f, v) })
	}
}

// PropertyProposal checks a data extension property proposal
// (data-extension-property-proposal.json).
func PropertyProposal(doc any) []string {
	c := &checker{}
	m, ok := c.object("proposal", doc, "properties")
	if !ok {
		return c.errs
	}
	optional(m, "properties", func(v any) { c.each("properties", v, c.named) })
	optional(m, "type", func(v any) { c.str("type", v) })
	optional(m, "limit", func(v any) { c.number("limit", v) })
	return c.errs
}

// ExtendQuery checks a data extension query (data-extension-query.json).
func ExtendQuery(doc any) []string {
	c := &checker{}
	m, ok := c.object("extend", doc, "ids", "properties")
	if !ok {
		return c.errs
	}
	optional(m, "ids", func(v any) { c.each("ids", v, func(p string, v any) { c.str(p, v) }) })
	optional(m, "properties", func(v any) {
		c.each("properties", v, func(p string, v any) {
			pm, ok := c.object(p, v, "id")
			if !ok {
				return
			}
			optional(pm, "id", func(v any) { c.str(p+".id", v) })
			optional(pm, "settings", func(v any) { c.object(p+".settings", v) })
		})
	})
	return c.errs
}

// ExtendResponse checks a data extension response
// (data-extension-response.json): meta, and rows of property values,
// each exactly one of the allowed shapes.
func ExtendResponse(doc any) []string {
	c := &checker{}
	m, ok := c.object("extension", doc, "rows", "meta")
	if !ok {
		return c.errs
	}
	optional(m, "meta", func(v any) {
		c.each("meta", v, func(p string, v any) {
			mm, ok := c.object(p, v, "id", "name")
			if !ok {
				return
			}
			optional(mm, "id", func(v any) { c.str(p+".id", v) })
			optional(mm, "name", func(v any) { c.str(p+".name", v) })
			optional(mm, "type", func(v any) {
				if t, ok := c.object(p+".type", v, "id"); ok {
					optional(t, "id", func(v any) { c.str(p+".type.id", v) })
					optional(t, "name", func(v any) { c.str(p+".type.name", v) })
				}
			})
			optional(mm, "service", func(v any) { c.pattern(p+".service", v, httpURI) })
		})
	})
	optional(m, "rows", func(v any) {
		rows, ok := c.object("rows", v)
		if !ok {
			return
		}
		for id, row := range rows {
			props, ok := c.object("rows."+id, row)
			if !ok {
				continue
			}
			for pid, vals := range props {
				c.each("rows."+id+"."+pid, vals, c.cellValue)
			}
		}
	})
	return c.errs
}

// cellValue is exactly one of: {}, an entity {id, name[, description]},
// {str}, {float}, {int} or {date}, with no other fields.
func (c *checker) cellValue(p string, v any) {
	m, ok := c.object(p, v)
	if !ok {
		return
	}
	fields := make([]string, 0, len(m))
	for f := range m {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	shape := strings.Join(fields, ",")
	switch shape {
	case "":
	case "id,name", "description,id,name":
		for _, f := range fields {
			c.str(p+"."+f, m[f])
		}
	case "str":
		c.str(p+".str", m["str"])
	case "float":
		c.number(p+".float", m["float"])
	case "int":
		c.integer(p+".int", m["int"])
	case "date":
		c.pattern(p+".date", m["date"], isoDateTime)
	default:
		c.errorf(p, "fields {%s} are none of the value shapes: {}, {id,name[,description]}, {str}, {float}, {int}, {date}", shape)
	}
}

// ExtendAnswers checks that an extension response answers its query
// (Data Extension Responses): meta lists the properties asked for, in
// order, and rows hold each id asked for with each property of meta.
func ExtendAnswers(query, response any) []string {
	c := &checker{}
	q, _ := query.(map[string]any)
	r, _ := response.(map[string]any)
	ids, _ := q["ids"].([]any)
	props, _ := q["properties"].([]any)
	meta, _ := r["meta"].([]any)
	rows, _ := r["rows"].(map[string]any)
	if len(meta) != len(props) {
		c.errorf("meta", "%d columns for %d properties asked", len(meta), len(props))
	}
	var pids []string
	for i, p := range props {
		pm, _ := p.(map[string]any)
		pid, _ := pm["id"].(string)
		pids = append(pids, pid)
		if i < len(meta) {
			mm, _ := meta[i].(map[string]any)
			if mm["id"] != pid {
				c.errorf(fmt.Sprintf("meta[%d]", i), "is %v, the property asked is %q", mm["id"], pid)
			}
		}
	}
	for _, id := range ids {
		sid, _ := id.(string)
		row, ok := rows[sid].(map[string]any)
		if !ok {
			c.errorf("rows", "no row for the id %q", sid)
			continue
		}
		for _, pid := range pids {
			if _, ok := row[pid]; !ok {
				c.errorf("rows."+sid, "no values for the property %q", pid)
			}
		}
	}
	return c.errs
}
