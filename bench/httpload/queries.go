package main

import "math/rand/v2"

// kind is one sort of request in the mix: the questions the README and the
// playground lead users to, so the load resembles real use of the API.
type kind struct {
	name   string
	weight int // share of the mix, out of the sum of all weights
	query  string
	// vars gives the variables of one request; nil for a fixed query.
	vars func(r *rand.Rand, ids []string) map[string]any
}

const honoursQuery = `query Honours { entity(id: "person/ma-shanxiang") { name
  ... on Person { honours { honour { name } time timeInferred evidence { quote start end } } } } }`

const placeQuery = `query Place($id: ID!) { entity(id: $id) { name
  ... on Place { containedIn { name } contains { id name type } residents { name description } }
  relations(predicate: "residentOf", direction: IN) { label target { name } qualifiers { key value inferred } evidence { quote } } } }`

const searchQuery = `query Search($text: String!) { search(text: $text) { how matched score entity { id type name } } }`

const entityQuery = `query Entity($id: ID!) { entity(id: $id) { id iri type name aliases pinyin description category
  identifiers { scheme value } relationCount } }`

// walkQuery reads two hops of relations with their quotes: the heaviest
// question in the mix, and the one the per-version cache helps most.
const walkQuery = `query Walk($id: ID!) { entity(id: $id) { id name
  relations(first: 20) { predicate label direction qualifiers { key value inferred }
    evidence { quote start end source { id } }
    target { id name relations(first: 10) { label target { id name } evidence { quote start end } } } } } }`

const figuresQuery = `query Figures { entity(id: "place/jiangbei-qu") { name
  figures(period: "2020") { indicator stated value unit modifier period periodInferred growthPercent evidence { quote start end } } } }`

// idsQuery lists the entity ids the entity kind picks from; it runs once,
// before the load, and is not counted.
const idsQuery = `{ entities(first: 1000) { edges { node { id } } } }`

// places have containedIn with residents (红土地社区) or contains (五里店街道):
// no place in the dataset has all three.
var places = []string{"place/hongtudi-shequ", "place/wulidian-jiedao"}

var mix = []kind{
	{name: "honours", weight: 2, query: honoursQuery},
	{name: "place", weight: 1, query: placeQuery, vars: func(r *rand.Rand, _ []string) map[string]any {
		return map[string]any{"id": places[r.IntN(len(places))]}
	}},
	{name: "search-zh", weight: 1, query: searchQuery, vars: fixed("text", "老马")},
	{name: "search-pinyin", weight: 1, query: searchQuery, vars: fixed("text", "mashanxiang")},
	{name: "entity", weight: 3, query: entityQuery, vars: func(r *rand.Rand, ids []string) map[string]any {
		return map[string]any{"id": ids[r.IntN(len(ids))]}
	}},
	{name: "walk", weight: 1, query: walkQuery, vars: fixed("id", "person/ma-shanxiang")},
	{name: "figures", weight: 1, query: figuresQuery},
}

func fixed(name, value string) func(*rand.Rand, []string) map[string]any {
	v := map[string]any{name: value}
	return func(*rand.Rand, []string) map[string]any { return v }
}

// pick draws a kind from the mix by weight.
func pick(r *rand.Rand) int {
	total := 0
	for _, k := range mix {
		total += k.weight
	}
	n := r.IntN(total)
	for i, k := range mix {
		if n < k.weight {
			return i
		}
		n -= k.weight
	}
	panic("unreachable")
}
