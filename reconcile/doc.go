// Package reconcile serves the W3C Entity Reconciliation API, version 0.2
// (what OpenRefine 3.x speaks), over the read layer: a spreadsheet's column
// of names is matched to the graph's entities and extended with their facts.
//
// Under /reconcile it answers:
//
//	GET  /reconcile                     the service manifest
//	GET  /reconcile?queries={…}         a batch of reconciliation queries
//	POST /reconcile   queries={…}       the same, as a form (OpenRefine's way)
//	GET  /reconcile?extend={…}          data extension
//	POST /reconcile   extend={…}        the same, as a form
//	GET  /reconcile/preview?id=…        an HTML card of an entity
//	GET  /reconcile/suggest/entity?prefix=…    suggest entities, types and
//	GET  /reconcile/suggest/type?prefix=…      properties by prefix, pinyin
//	GET  /reconcile/suggest/property?prefix=…  included
//	GET  /reconcile/propose_properties?type=…  properties to extend a type with
//
// Ids are the graph's short ids (person/ma-shanxiang); the identifier space
// is the canonical base's /id/, so an id appended to it is the entity's IRI.
// Types are the kinds (person, company, …); properties are named in the
// schema space, the base's /vocab/. Every answer names its graph version in
// X-Graph-Version; every error is a JSON object,
// {"status":"error","message":…}, with a 4xx or 5xx status. The routes only
// read, and form POST is part of the API: server.go opens them to any
// origin. JSONP, which the specification makes optional, is not offered:
// OpenRefine 3.x asks with CORS first and falls back to JSONP only when
// that fails.
//
// # Candidates
//
// A query's text is searched with the Chinese-aware index of
// package search (name, alias, prefix, substring, pinyin, initials,
// one-character typos), among the requested types when it names any; text
// that is an id or an entity's IRI finds that entity. An identifier
// condition (divisionCode, stockCode, creditCode, wikidata) is decisive:
// the candidates are then exactly the entities that carry the identifier
// (each identifier condition's, when several are given) and are of a
// requested type, whatever the text. A candidate whose identifier
// conflicts with the condition is removed, so a conflicting identifier
// gives an empty result rather than a non-match (江北区 with 330205, Ningbo's
// 江北区, finds nothing). A value is read as kg.Normalize reads it
// (000625 is 000625.SZ); one that is not a valid identifier names nothing.
// A query with neither text nor an identifier condition finds nothing:
// other conditions only score what the text finds.
//
// # Scores
//
// A candidate scores by how its name matched: 100 for the name
// itself, 95 an alias, 80 the start of a name or alias, 70 a part of one,
// 60 its pinyin or initials, 50 a near miss; an identifier match or an id
// scores 100. Each other property condition (the value names an entity or
// a literal the candidate has under the property, compared by name, alias
// or id) adds 10 when it holds and takes 20 away when it does not; scores
// do not go below 0. Candidates come best first, ties in the order search
// ranks them (the better connected first). Each candidate lists its
// features: how its name matched and each condition's outcome.
//
// # The match rule
//
// A candidate has match: true only when it is safe to
// accept it without a person looking:
//   - it carries the identifier of an identifier condition, or the text
//     is its id or IRI; or
//   - it is the only entity of a requested type (of any type when none is
//     requested) whose name or an alias is the text (compared as search
//     compares names: case, width, spaces and quotation marks aside), no
//     other entity of those types contains the text in its name or an
//     alias, and none of the query's property conditions fails for it.
//
// So 老马 alone matches nothing (马善祥's alias, but 老马工作法 and four more
// contain it), while 老马 of type person matches 马善祥; 马善详, ma shanxiang
// and msx find him first but never auto-match. At most one candidate
// matches, and it comes first (should two entities carry one identifier,
// neither matches).
package reconcile
