package spectest

import (
	"encoding/json"
	"strings"
	"testing"
)

func doc(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

// Each check accepts documents the 0.2 schemas accept and names what is
// wrong with documents they refuse.
func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func(any) []string
		doc   string
		want  string // a part of the first violation; "" when none
	}{
		{"OK/ManifestMinimal", Manifest, `{"versions":["0.1","0.2"],"name":"x","identifierSpace":"http://a/","schemaSpace":"http://b/"}`, ""},
		{"OK/ManifestFull", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"http://a/","schemaSpace":"http://b/",
			"view":{"url":"http://a/{{id}}"},"defaultTypes":[{"id":"t","name":"T"}],
			"preview":{"url":"http://a/p?id={{id}}","width":400,"height":200},
			"suggest":{"entity":{"service_url":"http://a","service_path":"/s","flyout_service_path":"/f/${id}"}},
			"extend":{"propose_properties":{"service_url":"http://a","service_path":"/p"},
				"property_settings":[{"type":"number","label":"L","name":"n","default":3},{"type":"select","label":"L","name":"s","choices":[{"value":"a","name":"A"}]}]},
			"batchSize":10}`, ""},
		{"ErrManifestNoVersions", Manifest, `{"name":"x","identifierSpace":"a","schemaSpace":"b"}`, `"versions"`},
		{"ErrManifestOldVersion", Manifest, `{"versions":["0.1"],"name":"x","identifierSpace":"a","schemaSpace":"b"}`, `"0.2"`},
		{"ErrManifestNoIdentifierSpace", Manifest, `{"versions":["0.2"],"name":"x","schemaSpace":"b"}`, `"identifierSpace"`},
		{"ErrManifestViewPattern", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","view":{"url":"http://a/{id}"}}`, "view.url"},
		{"ErrManifestPreviewSize", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","preview":{"url":"{{id}}","width":"400"}}`, `"height"`},
		{"ErrManifestSelectChoices", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","extend":{"property_settings":[{"type":"select","label":"L","name":"s"}]}}`, `"choices"`},
		{"OK/ManifestAPIKey", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","authentication":{"type":"apiKey","description":"key","in":"header","name":"apikey"}}`, ""},
		{"OK/ManifestHTTPBasic", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","authentication":{"type":"http","scheme":"basic"}}`, ""},
		{"ErrManifestBadAuthentication", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","authentication":{"foo":"bar"}}`, `"type"`},
		{"ErrManifestAPIKeyNoName", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","authentication":{"type":"apiKey","in":"query"}}`, `"name"`},
		{"ErrManifestDuplicateTypes", Manifest, `{"versions":["0.2"],"name":"x","identifierSpace":"a","schemaSpace":"b","defaultTypes":[{"id":"t","name":"T"},{"id":"t","name":"T"}]}`, "same"},

		{"OK/QueryMinimal", QueryBatch, `{"q0":{"query":"Hans-Eberhard Urbaniak"}}`, ""},
		{"OK/QueryFull", QueryBatch, `{"q0":{"query":"x","type":["a","b"],"limit":5,"type_strict":"should","properties":[{"pid":"p","v":["s",{"id":"e"}]}]}}`, ""},
		{"OK/QueryOnlyProperties", QueryBatch, `{"q0":{"properties":[{"pid":"p","v":1}]}}`, ""},
		{"ErrQueryEmpty", QueryBatch, `{"q0":{}}`, "needs a query"},
		{"ErrQueryEmptyProperties", QueryBatch, `{"q0":{"properties":[]}}`, "needs a query"},
		{"ErrQueryMisnamedProperty", QueryBatch, `{"q0":{"query":"x","properties":[{"pid":"p","value":"v"}]}}`, `"v"`},
		{"ErrQueryUnknownField", QueryBatch, `{"q0":{"query":"x","lang":"zh"}}`, `"lang"`},
		{"ErrQueryTypeStrict", QueryBatch, `{"q0":{"query":"x","type_strict":"must"}}`, "type_strict"},

		{"OK/Results", ResultBatch, `{"q0":{"result":[{"id":"a","name":"A","score":10,"match":true,"type":["t",{"id":"u","name":"U"}],"features":[{"id":"f","value":1},{"id":"g","value":false}]},{"id":"b","name":"B","score":5}]}}`, ""},
		{"OK/ResultsEmpty", ResultBatch, `{"q0":{"result":[]}}`, ""},
		{"ErrResultsRootArray", ResultBatch, `[{"result":[]}]`, "object"},
		{"ErrResultsNoResult", ResultBatch, `{"q0":{"candidates":[]}}`, `"result"`},
		{"ErrResultsMissingID", ResultBatch, `{"q0":{"result":[{"name":"A","score":1}]}}`, `"id"`},
		{"ErrResultsScoreString", ResultBatch, `{"q0":{"result":[{"id":"a","name":"A","score":"1"}]}}`, "number"},
		{"ErrResultsUnsorted", ResultBatch, `{"q0":{"result":[{"id":"a","name":"A","score":1},{"id":"b","name":"B","score":2}]}}`, "decreasing"},
		{"ErrResultsTypeNoID", ResultBatch, `{"q0":{"result":[{"id":"a","name":"A","score":1,"type":[{"name":"T"}]}]}}`, `"id"`},
		{"ErrResultsFeatureValue", ResultBatch, `{"q0":{"result":[{"id":"a","name":"A","score":1,"features":[{"id":"f","value":"high"}]}]}}`, "boolean or number"},

		{"OK/SuggestEntities", SuggestEntities, `{"result":[{"id":"a","name":"A","description":"d","notable":["t",{"id":"u"}]}]}`, ""},
		{"ErrSuggestEntitiesNoName", SuggestEntities, `{"result":[{"id":"a"}]}`, `"name"`},
		{"ErrSuggestNoResult", SuggestProperties, `{"results":[]}`, `"result"`},
		{"OK/SuggestTypes", SuggestTypes, `{"result":[{"id":"t","name":"T","broader":[{"id":"u","name":"U"}]}]}`, ""},
		{"ErrSuggestTypesBroader", SuggestTypes, `{"result":[{"id":"t","name":"T","broader":[{"id":"u"}]}]}`, `"name"`},

		{"OK/Proposal", PropertyProposal, `{"type":"t","limit":3,"properties":[{"id":"p","name":"P"}]}`, ""},
		{"ErrProposalNoProperties", PropertyProposal, `{"type":"t"}`, `"properties"`},

		{"OK/ExtendQuery", ExtendQuery, `{"ids":["a"],"properties":[{"id":"p","settings":{"limit":1}}]}`, ""},
		{"ErrExtendQueryNoIDs", ExtendQuery, `{"properties":[]}`, `"ids"`},

		{"OK/ExtendResponse", ExtendResponse, `{"meta":[{"id":"p","name":"P","type":{"id":"t","name":"T"}}],"rows":{"a":{"p":[{},{"id":"x","name":"X"},{"str":"s"},{"float":1.5},{"int":2},{"date":"2013-01-01T00:00:00Z"}]}}}`, ""},
		{"ErrExtendResponseNoMeta", ExtendResponse, `{"rows":{}}`, `"meta"`},
		{"ErrExtendResponseWrongProperties", ExtendResponse, `{"meta":[],"rows":{"a":{"p":[{"id":"x","name":"X","type":["t"]}]}}}`, "value shapes"},
		{"ErrExtendResponseEntityNoName", ExtendResponse, `{"meta":[],"rows":{"a":{"p":[{"id":"x"}]}}}`, "value shapes"},
		{"ErrExtendResponseInt", ExtendResponse, `{"meta":[],"rows":{"a":{"p":[{"int":1.5}]}}}`, "integer"},
		{"ErrExtendResponseDate", ExtendResponse, `{"meta":[],"rows":{"a":{"p":[{"date":"2013"}]}}}`, "date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.check(doc(t, tc.doc))
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("violations of a valid document: %v", errs)
			case tc.want != "" && len(errs) == 0:
				t.Errorf("no violation found, want one about %s", tc.want)
			case tc.want != "" && !strings.Contains(strings.Join(errs, "\n"), tc.want):
				t.Errorf("violations %v, want one about %s", errs, tc.want)
			}
		})
	}
}

// The checks of a response against its request.
func TestAnswers(t *testing.T) {
	t.Run("OK/Results", func(t *testing.T) {
		if errs := ResultsAnswer(doc(t, `{"q0":{"query":"a"}}`), doc(t, `{"q0":{"result":[]}}`)); len(errs) > 0 {
			t.Error(errs)
		}
	})
	t.Run("ErrResultsMissing", func(t *testing.T) {
		if errs := ResultsAnswer(doc(t, `{"q0":{"query":"a"},"q1":{"query":"b"}}`), doc(t, `{"q0":{"result":[]}}`)); len(errs) != 1 {
			t.Errorf("violations %v, want the missing q1", errs)
		}
	})
	q := `{"ids":["a","b"],"properties":[{"id":"p"},{"id":"r"}]}`
	t.Run("OK/Extend", func(t *testing.T) {
		if errs := ExtendAnswers(doc(t, q), doc(t, `{"meta":[{"id":"p","name":"P"},{"id":"r","name":"R"}],"rows":{"a":{"p":[],"r":[]},"b":{"p":[],"r":[]}}}`)); len(errs) > 0 {
			t.Error(errs)
		}
	})
	t.Run("ErrExtendMissing", func(t *testing.T) {
		errs := ExtendAnswers(doc(t, q), doc(t, `{"meta":[{"id":"r","name":"R"}],"rows":{"a":{"p":[]}}}`))
		if len(errs) < 3 {
			t.Errorf("violations %v, want the meta count, meta order, row b and a's r", errs)
		}
	})
}
