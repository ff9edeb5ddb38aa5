// Package importer has one job: it reads an outside dataset file into
// records, validating it. It neither links, stores nor serves them (package
// imports does), and imports neither Cayley's stores nor gqlgen: only the
// quad module's N-Quads codec, json-gold (the JSON-LD processor under the
// quad module's jsonld codec), kg and rdf.
//
// An imported record is not one of our curated entities: it keeps its own
// IRI (from the file, or minted under {base}/import/{name}/ for a CSV row),
// its label and its properties. Parse reads
//
//   - N-Quads (.nq) and N-Triples (.nt), a line at a time, so every problem
//     has its line and, where the parser tells it, its column; graphs are
//     merged into the default graph;
//   - JSON-LD (.jsonld, .json), with a document loader that fetches
//     nothing: a remote @context is refused at its line and column, relative
//     IRIs resolve against {base}/import/{name}/, and a property no term
//     defines is an error instead of being dropped;
//   - CSV (.csv) with a Mapping (YAML) that says which column is what.
//
// Blank nodes become IRIs {base}/import/{name}/.well-known/genid/{label}
// (RDF 1.1 skolemisation; for JSON-LD the labels are the processor's, b0,
// b1 …, stable for a given file), so nothing downstream deals with blank
// nodes. Language tags are written in their conventional case (zh-Hans).
//
// The records of an RDF file are its subjects, but the identifier nodes
// (schema:PropertyValue nodes some subject names with schema:identifier) and
// the cells of RDF lists. A record's Label is its best rdfs:label,
// schema:name, skos:prefLabel or foaf:name (zh-Hans, then zh, other Chinese,
// untagged, other languages; then in that order of predicates); its Kind
// comes from an rdf:type of ours ({base}/vocab/Person …) or else its
// equivalent (schema:Person …), none when they disagree; its Identifiers
// from identifier nodes whose schema:propertyID names a scheme of kg
// (kg/identifiers.go) and whose schema:value kg.Normalize accepts, with
// cg:citation or schema:citation; its SameAs are the IRIs it is owl:sameAs
// or schema:sameAs. So an export of ours, imported, gives records carrying
// our identifiers. Properties are the subject's other triples: what was
// not read into those fields.
//
// Every problem of a file (up to Options.MaxErrors) is listed in one error,
// Errors, one "file:line:col: message" a line, sorted, wrapping ErrInvalid;
// then no Import is returned. A value an identifier scheme refuses, an
// identifier on two records, a key given twice, a file over
// Options.MaxBytes are problems of the file like its syntax errors.
//
// # CSV and its mapping
//
// A CSV file is UTF-8 (a byte order mark is allowed), comma-separated, with
// a header row naming its columns and a row per record; cells are trimmed,
// and rows with nothing but blank cells are skipped. Its mapping is a YAML
// mapping with these fields (unknown fields are errors; a column the header
// does not have is an error at the mapping's line, naming the header):
//
//	label:         the column of each record's label (required; an empty cell is an error)
//	key:           a column of values unique in the file: the record's IRI is
//	               {base}/import/{name}/{key}, percent-encoded where an IRI needs it;
//	               without it a row is {base}/import/{name}/row-{line}
//	iri:           a column of the records' own absolute IRIs, used where not empty
//	type:          the kind of every record: person, company, organization, place,
//	               honour, project, document, event (or 人物, 企业, 机构, 地点 …)
//	typeColumn:    a column of kinds as type writes them, row by row; an empty cell is type
//	identifiers:   a list of {column, scheme, citation}: scheme a name of kg's schemes
//	               (divisionCode, stockCode, creditCode, wikidata); each non-empty cell
//	               is normalised and validated by kg (000625 becomes 000625.SZ) and
//	               must suit the row's kind; citation defaults to "import NAME (FILE)"
//	sameAs:        a column of IRIs the record is owl:sameAs, several separated by |
//	properties:    a list of {column, predicate, value, datatype, language}:
//	               predicate an absolute IRI, a CURIE of rdf.Prefixes (schema:address)
//	               or a name of our vocabulary (location); value text (a literal
//	               in the language, the default), plain (no language) or iri;
//	               datatype (xsd:date …) makes plain typed literals, checked for
//	               xsd:integer, decimal, boolean, date, gYear and gYearMonth
//	language:      the language tag of text cells and labels (default zh-Hans; "" for none)
//	latinLanguage: the tag of text cells written in Latin letters only (zh-Latn-pinyin)
//	link:          how records may be linked: a list of identifier, sameAs, reconcile;
//	               default identifier and sameAs where the mapping maps them
//	license:       the IRI of the data's licence
//
// A row becomes the triples: rdf:type our class of its kind, rdfs:label,
// schema:identifier a node {record}#id-{scheme}-{value} (a
// schema:PropertyValue with schema:propertyID, schema:value, cg:citation and
// schema:url where the scheme has one, as kg's Model.Entity writes ours; a
// Wikidata id also makes the record owl:sameAs the Wikidata entity),
// owl:sameAs, and its properties.
package importer
