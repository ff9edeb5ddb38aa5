package importer_test

import (
	"bufio"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/importer"
	"github.com/civicgraph/civicgraph/kg"
)

const example = "testdata/chongqing/"

func readMapping(t *testing.T, file string) *importer.Mapping {
	t.Helper()
	m, err := importer.ReadMapping(open(t, file), file)
	if err != nil {
		t.Fatalf("ReadMapping(%s): %v", file, err)
	}
	return m
}

// linkRow is one row of the example's table of intended links.
type linkRow struct {
	line                   int
	key, label, kind, link string
	to, why                string
}

// linkTable reads the table of testdata/chongqing/README.md, so that it
// stays true of the file it describes.
func linkTable(t *testing.T) []linkRow {
	t.Helper()
	var rows []linkRow
	sc := bufio.NewScanner(open(t, example+"README.md"))
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 9 {
			continue
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		line, err := strconv.Atoi(cells[1])
		if err != nil {
			continue // the header and its rule
		}
		rows = append(rows, linkRow{line, cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]})
	}
	return rows
}

func TestCSVExample(t *testing.T) {
	imp := parseFile(t, example+"companies.csv", readMapping(t, example+"mapping.yaml"), "chongqing")
	if imp.Format != "csv" || imp.Source != "companies.csv" || imp.License != "https://creativecommons.org/publicdomain/zero/1.0/" {
		t.Errorf("import %s from %s, licence %s", imp.Format, imp.Source, imp.License)
	}
	if !slices.Equal(imp.Link, []string{"identifier", "sameAs", "reconcile"}) {
		t.Errorf("Link %v", imp.Link)
	}
	rows := linkTable(t)
	if len(rows) != 32 || len(imp.Records) != 32 {
		t.Fatalf("%d rows in the README's table, %d records; want 32", len(rows), len(imp.Records))
	}
	prefix := base + "/import/chongqing/"
	for i, row := range rows {
		r := imp.Records[i]
		t.Run(row.key, func(t *testing.T) {
			if r.Line != row.line || r.IRI != prefix+row.key || r.Label != row.label || string(r.Kind) != row.kind {
				t.Errorf("record %s %q %s at line %d; the README says %s %q %s at line %d", r.IRI, r.Label, r.Kind, r.Line, prefix+row.key, row.label, row.kind, row.line)
			}
			synthetic := slices.Contains(r.Properties, importer.Property{Predicate: kg.NSRDFS + "comment", Value: kg.Lit("synthetic", "")})
			if synthetic != strings.Contains(row.why, "(synthetic)") {
				t.Errorf("marked synthetic in the file: %v; in the README: %v", synthetic, !synthetic)
			}
			ours := slices.ContainsFunc(r.SameAs, func(s string) bool { return strings.HasPrefix(s, base+"/id/") })
			switch row.link {
			case "identifier":
				if len(r.Identifiers) == 0 || !strings.Contains(row.why, r.Identifiers[0].Scheme+" "+r.Identifiers[0].Value) {
					t.Errorf("identifiers %v; the README says %q", r.Identifiers, row.why)
				}
			case "sameAs":
				if !slices.Contains(r.SameAs, base+"/id/"+row.to) {
					t.Errorf("sameAs %v, want %s", r.SameAs, row.to)
				}
			default:
				if ours {
					t.Errorf("sameAs %v names an entity of ours", r.SameAs)
				}
			}
			if row.link != "identifier" && len(r.Identifiers) > 0 && !synthetic {
				t.Errorf("real identifiers %v on a row not linked by identifier", r.Identifiers)
			}
		})
	}

	// A few records whole.
	want := importer.Record{
		IRI: prefix + "c01", Label: "重庆长安汽车股份有限公司", Kind: kg.Company, Line: 2,
		Identifiers: []kg.Identifier{{Scheme: "stockCode", Value: "000625.SZ", Citation: "import chongqing (companies.csv)"}},
		Properties: []importer.Property{
			{Predicate: kg.NSSchema + "alternateName", Value: kg.Lit("长安汽车", "zh-Hans")},
			{Predicate: kg.NSSchema + "address", Value: kg.Lit("重庆市江北区", "zh-Hans")},
		},
	}
	if got := imp.Records[0]; !equalRecords(got, want) {
		t.Errorf("record\n%+v\nwant\n%+v", got, want)
	}
	id := prefix + "c01#id-stockCode-000625.SZ"
	for _, q := range []kg.Quad{
		{S: kg.IRI(prefix + "c01"), P: kg.IRI(kg.NSRDF + "type"), O: kg.IRI(base + "/vocab/Company")},
		{S: kg.IRI(prefix + "c01"), P: kg.IRI(kg.NSRDFS + "label"), O: kg.Lit("重庆长安汽车股份有限公司", "zh-Hans")},
		{S: kg.IRI(prefix + "c01"), P: kg.IRI(kg.NSSchema + "identifier"), O: kg.IRI(id)},
		{S: kg.IRI(id), P: kg.IRI(kg.NSRDF + "type"), O: kg.IRI(kg.NSSchema + "PropertyValue")},
		{S: kg.IRI(id), P: kg.IRI(kg.NSSchema + "propertyID"), O: kg.Lit("stockCode", "")},
		{S: kg.IRI(id), P: kg.IRI(kg.NSSchema + "value"), O: kg.Lit("000625.SZ", "")},
		{S: kg.IRI(id), P: kg.IRI(base + "/vocab/citation"), O: kg.Lit("import chongqing (companies.csv)", "")},
		{S: kg.IRI(id), P: kg.IRI(kg.NSSchema + "url"), O: kg.IRI("https://www.szse.cn/certificate/individual/index.html?code=000625")},
		{S: kg.IRI(prefix + "p04"), P: kg.IRI(kg.NSRDFS + "label"), O: kg.Lit("Hongtudi Shequ", "zh-Latn-pinyin")},
		{S: kg.IRI(prefix + "p05"), P: kg.IRI(kg.NSOWL + "sameAs"), O: kg.IRI(base + "/id/place/wulidian-jiedao")},
		{S: kg.IRI(prefix + "p01"), P: kg.IRI(kg.NSSchema + "identifier"), O: kg.IRI(prefix + "p01#id-divisionCode-500105")},
	} {
		if !slices.Contains(imp.Triples, q) {
			t.Errorf("no triple %v", q)
		}
	}
	if r := record(t, imp, prefix+"c03"); r.Identifiers[0].Value != "600690.SH" {
		t.Errorf("600690.sh normalised to %v", r.Identifiers)
	}
}

// equalRecords compares records, nil and empty slices alike.
func equalRecords(a, b importer.Record) bool {
	return a.IRI == b.IRI && a.Label == b.Label && a.Kind == b.Kind && a.Line == b.Line &&
		slices.Equal(a.Identifiers, b.Identifiers) && slices.Equal(a.SameAs, b.SameAs) && slices.Equal(a.Properties, b.Properties)
}

// TestCSV reads small CSV files with a small mapping.
func TestCSV(t *testing.T) {
	const mapping = `label: 名称
key: 编号
type: company
identifiers:
  - column: 股票代码
    scheme: stockCode
    citation: 深圳证券交易所上市公司名录
properties:
  - column: 成立
    predicate: schema:foundingDate
    datatype: xsd:gYear
  - column: 网站
    predicate: schema:url
    value: iri
sameAs: 同一实体
`
	const header = "编号,名称,股票代码,成立,网站,同一实体\n"
	for _, tc := range []struct {
		name, mapping, data string
		want                []string // problems; none: OK
		check               func(t *testing.T, imp *importer.Import)
	}{
		{name: "OK", data: header + "甲 1/2,\"重庆长安汽车股份有限公司\",000625,1996,https://www.changan.com.cn/,https://w3id.org/civicgraph/id/company/chongqing-changan-qiche-gufen-youxian-gongsi | http://www.wikidata.org/entity/Q9999999998\n,,,,,\n乙,Example Co.,,,,\n",
			check: func(t *testing.T, imp *importer.Import) {
				if len(imp.Records) != 2 {
					t.Fatalf("%d records, want 2 (the blank row skipped)", len(imp.Records))
				}
				r := imp.Records[0]
				if r.IRI != base+"/import/test/%E7%94%B2%201%2F2" && r.IRI != base+"/import/test/甲%201%2F2" {
					t.Errorf("IRI %s: the key is not percent-encoded", r.IRI)
				}
				if r.Kind != kg.Company || len(r.SameAs) != 2 || r.Identifiers[0].Citation != "深圳证券交易所上市公司名录" {
					t.Errorf("record %+v", r)
				}
				if !slices.Contains(r.Properties, importer.Property{Predicate: kg.NSSchema + "foundingDate", Value: kg.Typed("1996", kg.NSXSD+"gYear")}) ||
					!slices.Contains(r.Properties, importer.Property{Predicate: kg.NSSchema + "url", Value: kg.IRI("https://www.changan.com.cn/")}) {
					t.Errorf("properties %v", r.Properties)
				}
				if !slices.Equal(imp.Link, []string{"identifier", "sameAs"}) {
					t.Errorf("default Link %v", imp.Link)
				}
				if r := imp.Records[1]; r.Line != 4 || r.Label != "Example Co." {
					t.Errorf("second record %+v", r)
				}
			}},
		{name: "OKRowIRIs", mapping: "label: 名称\nlanguage: \"\"\n", data: "名称\n甲\n乙\n",
			check: func(t *testing.T, imp *importer.Import) {
				if imp.Records[1].IRI != base+"/import/test/row-3" || imp.Triples[1].O != kg.Lit("乙", "") {
					t.Errorf("records %+v, triples %v", imp.Records, imp.Triples)
				}
			}},
		{name: "OKIRIColumn", mapping: "label: 名称\nkey: 编号\niri: IRI\n", data: "编号,名称,IRI\na,甲,http://data.example.org/a\nb,乙,\n",
			check: func(t *testing.T, imp *importer.Import) {
				if imp.Records[0].IRI != "http://data.example.org/a" || imp.Records[1].IRI != base+"/import/test/b" {
					t.Errorf("records %+v", imp.Records)
				}
			}},
		{name: "ErrUnknownColumn", mapping: strings.Replace(mapping, "column: 股票代码", "column: 股票代码x", 1), data: header + "a,甲,,,,\n",
			want: []string{`mapping.yaml:5:13: identifiers[0].column: column "股票代码x" is not in the header of test.csv (编号, 名称, 股票代码, 成立, 网站, 同一实体)`}},
		{name: "ErrBadIdentifier", data: header + "a,甲,000625.SZ,,,\nb,乙,0625.SZ,,,\nc,丙,600690.SZ,,,\n",
			want: []string{
				`test.csv:3:5: column 股票代码: stockCode "0625.SZ": want six digits and the exchange`,
				`test.csv:4:5: column 股票代码: stockCode "600690.SZ": codes starting 600 are listed in Shanghai`,
			}},
		{name: "ErrIdentifierTwice", data: header + "a,甲,000625.SZ,,,\nb,乙,000625,,,\n",
			want: []string{`test.csv:3:5: column 股票代码: stockCode 000625.SZ is also the identifier of the row on line 2`}},
		{name: "ErrMissingLabel", data: header + "a, ,000625.SZ,,,\n",
			want: []string{`test.csv:2:3: column 名称: empty: every row needs a label`}},
		{name: "ErrDuplicateKey", data: header + "a,甲,,,,\nb,乙,,,,\na,丙,,,,\n",
			want: []string{`test.csv:4:1: column 编号: key "a" is also the key of the row on line 2`}},
		{name: "ErrEmptyKey", data: header + ",甲,,,,\n",
			want: []string{`test.csv:2:1: column 编号: empty: the key column names every row`}},
		{name: "ErrKind", mapping: strings.Replace(strings.Replace(mapping, "type: company", "typeColumn: 类型", 1), "identifiers:\n", "identifiers:\n  - column: 区划\n    scheme: divisionCode\n", 1),
			data: "编号,名称,类型,股票代码,成立,网站,同一实体,区划\na,甲,企业,,,,,500105\nb,乙,district,,,,,\n",
			want: []string{
				`test.csv:2:12: column 区划: divisionCode 500105: the scheme names places only, and the row is a company`,
				`test.csv:3:5: column 类型: unknown kind "district"`,
			}},
		{name: "ErrCells", data: header + "a,甲,,,\nb,乙,,199x,not an iri,\n",
			want: []string{
				`test.csv:2: the row has 5 cells, the header 6`,
				`test.csv:3:6: column 成立: "199x" is not a value of xsd:gYear`,
				`test.csv:3:11: column 网站: "not an iri" is not an absolute IRI`,
			}},
		{name: "ErrCSVQuote", data: header + "a,甲 \"乙\" 丙,,,,\nb,\"丁,,,,\n",
			want: []string{
				`test.csv:2:5: CSV syntax error: a " inside a cell that is not quoted`,
				`test.csv:3: CSV syntax error: a quoted cell of this row is not closed when the file ends`,
			}},
		{name: "ErrHeader", data: "编号,名称,名称,股票代码,成立,网站,同一实体\n",
			want: []string{`test.csv:1:7: column "名称" is named twice in the header`}},
		{name: "ErrNoRows", data: header, want: []string{`test.csv: no rows`}},
		{name: "ErrEmpty", data: "", want: []string{`test.csv: empty file`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mt := tc.mapping
			if mt == "" {
				mt = mapping
			}
			m, err := importer.ReadMapping(strings.NewReader(mt), "mapping.yaml")
			if err != nil {
				t.Fatal(err)
			}
			imp, err := importer.Parse(strings.NewReader("\uFEFF"+tc.data), "test.csv", "csv", m, base, "test")
			if tc.want != nil {
				wantErrors(t, imp, err, tc.want...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, imp)
		})
	}
}

func TestReadMapping(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		m := readMapping(t, example+"mapping.yaml")
		want := importer.Mapping{
			File: example + "mapping.yaml", Label: "名称", Key: "编号", TypeColumn: "类型", SameAs: "同一实体",
			Language: "zh-Hans", LatinLanguage: "zh-Latn-pinyin",
			Link:    []string{"identifier", "sameAs", "reconcile"},
			License: "https://creativecommons.org/publicdomain/zero/1.0/",
		}
		if m.File != want.File || m.Label != want.Label || m.Key != want.Key || m.TypeColumn != want.TypeColumn || m.SameAs != want.SameAs ||
			m.Language != want.Language || m.LatinLanguage != want.LatinLanguage || !slices.Equal(m.Link, want.Link) || m.License != want.License {
			t.Errorf("mapping %+v", m)
		}
		if len(m.Identifiers) != 3 || m.Identifiers[2] != (importer.IdentifierColumn{Column: "行政区划代码", Scheme: "divisionCode"}) {
			t.Errorf("identifiers %+v", m.Identifiers)
		}
		if len(m.Properties) != 3 || m.Properties[2] != (importer.PropertyColumn{Column: "备注", Predicate: "rdfs:comment", Value: "plain"}) {
			t.Errorf("properties %+v", m.Properties)
		}
	})
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"ErrUnknownField", "label: 名称\ncolumns: [a]\n", []string{`m.yaml:2:1: columns: unknown field (want one of label, key,`}},
		{"ErrMissingLabel", "key: 编号\n", []string{`m.yaml:1:1: label: missing`}},
		{"ErrBadField", "label: 名称\nidentifiers:\n  - column: 代码\n    scheme: isin\n  - colum: x\n",
			[]string{
				`m.yaml:4:13: identifiers[0].scheme: unknown identifier scheme "isin"`,
				`m.yaml:5:5: identifiers[1].colum: unknown field`,
				`m.yaml:5:5: identifiers[1].column: missing`,
				`m.yaml:5:5: identifiers[1].scheme: missing`,
			}},
		{"ErrSchemeKind", "label: 名称\ntype: place\nidentifiers:\n  - column: 代码\n    scheme: stockCode\n",
			[]string{`m.yaml:5:13: identifiers[0].scheme: stockCode names companies only, and every record is a place (type)`}},
		{"ErrBadKind", "label: 名称\ntype: district\n", []string{`m.yaml:2:7: type: unknown kind "district"`}},
		{"ErrBadPredicate", "label: 名称\nproperties:\n  - column: a\n    predicate: foo:bar\n  - column: b\n    predicate: cg:nosuch\n  - column: c\n    predicate: location\n    value: number\n",
			[]string{
				`m.yaml:4:16: properties[0].predicate: "foo:bar": unknown prefix foo`,
				`m.yaml:6:16: properties[1].predicate: "cg:nosuch": nosuch is no property of our vocabulary`,
				`m.yaml:9:12: properties[2].value: want text, plain or iri, got "number"`,
			}},
		{"ErrLink", "label: 名称\nlink: [identifier, reconcile, reconcile, guess]\n",
			[]string{
				`m.yaml:2:8: link[0]: identifier, but the mapping has no identifiers`,
				`m.yaml:2:31: link[2]: reconcile listed twice`,
				`m.yaml:2:42: link[3]: want one of identifier, sameAs, reconcile, got "guess"`,
			}},
		{"ErrLicense", "label: 名称\nlicense: CC BY 4.0\n", []string{`m.yaml:2:10: license: want the licence's IRI`}},
		{"ErrLanguage", "label: 名称\nlanguage: 中文\n", []string{`m.yaml:2:11: language: "中文" is not a BCP 47 language tag`}},
		{"ErrYAMLSyntax", "label: 名称\nidentifiers:\n  - column: a\n   scheme: b\n", []string{`m.yaml:4: YAML syntax error:`}},
		{"ErrNotMapping", "- label\n", []string{`m.yaml:1:1: mapping: want a mapping`}},
		{"ErrEmpty", "# nothing\n", []string{`m.yaml:1: empty file`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := importer.ReadMapping(strings.NewReader(tc.yaml), "m.yaml")
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if m != nil {
				t.Errorf("a Mapping came back with the error")
			}
			wantErrors(t, nil, err, tc.want...)
		})
	}
}
