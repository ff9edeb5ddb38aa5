package storetest

import (
	"fmt"
	"strings"

	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
)

// Generated builds a synthetic dataset of n people living in n/10 places,
// each person with a relation, a figure and evidence, each place with a
// division code (GeneratedCode), about 22 quads a person: big
// enough to make a load take a while, for benchmarks and killed loads.
// Datasets of different variant differ in every person's description, so
// they have different versions.
func Generated(n int, variant string) *loader.Dataset {
	const src = "source/generated"
	var text strings.Builder
	quote := func(s string) kg.Evidence {
		start := len([]rune(text.String()))
		text.WriteString(s + "\n")
		return kg.Evidence{Quote: s, Start: start, End: start + len([]rune(s)), Source: src}
	}
	ds := &loader.Dataset{
		Info:    kg.DatasetInfo{Base: "https://w3id.org/civicgraph", Title: "生成的数据", TitleEn: "civicgraph: generated data"},
		Figures: map[string][]kg.Figure{},
	}
	places := max(n/10, 1)
	for i := range places {
		ds.Entities = append(ds.Entities, &kg.Entity{ID: fmt.Sprintf("place/p-%d", i), Kind: kg.Place, Name: fmt.Sprintf("第%d社区", i), Category: "社区",
			Identifiers: []kg.Identifier{{Scheme: "divisionCode", Value: GeneratedCode(i), Citation: "生成的代码表"}}})
	}
	for i := range n {
		id := fmt.Sprintf("person/r-%d", i)
		name := fmt.Sprintf("居民%d", i)
		ds.Entities = append(ds.Entities, &kg.Entity{
			ID: id, Kind: kg.Person, Name: name, Aliases: []string{fmt.Sprintf("小%d", i)},
			Description: fmt.Sprintf("%s的第%d位居民。", variant, i),
		})
		ds.Relations = append(ds.Relations, &kg.Relation{
			Subject: id, Predicate: "residentOf", Object: fmt.Sprintf("place/p-%d", i%places),
			Qualifiers: []kg.Qualifier{{Key: kg.QualTime, Value: "2021", Inferred: i%2 == 0}},
			Evidence:   []kg.Evidence{quote(fmt.Sprintf("%s住在第%d社区。", name, i%places))},
		})
		ds.Figures[id] = []kg.Figure{{
			Indicator: "年龄", Stated: fmt.Sprintf("%d岁", 20+i%60), Value: float64(20 + i%60), Unit: "岁",
			Evidence: []kg.Evidence{quote(fmt.Sprintf("%s今年%d岁。", name, 20+i%60))},
		}}
	}
	ds.Sources = []*kg.Source{{ID: src, Title: "生成的数据", Language: "zh", Text: text.String()}}
	return ds
}

// GeneratedCode is the division code of the generated place i.
func GeneratedCode(i int) string { return fmt.Sprintf("5%05d", i) }
