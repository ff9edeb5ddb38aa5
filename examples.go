package main

import "github.com/civicgraph/civicgraph/playground"

// examples are the queries the playground offers a newcomer, first opened
// first. Each is one named query: the browser test (playground_e2e_test.go)
// runs every one in chromium and compares its result with the API's. Keep the
// comment lines short, so they fit the editor of a laptop-sized window.
var examples = []playground.Example{
	{Name: "马善祥's honours", Query: `# 马善祥's honours: when, and which sentence says so.
query HonoursOfMaShanxiang {
  entity(id: "person/ma-shanxiang") {
    name
    ... on Person {
      honours {
        honour { name }
        time
        timeInferred
        evidence { quote start end }
      }
    }
  }
}
`},
	{Name: "What lies in 五里店街道", Query: `# The places directly in 五里店街道, and what it lies in.
query InWulidian {
  entity(id: "place/wulidian-jiedao") {
    name
    ... on Place {
      containedIn { name }
      contains { id name type }
    }
  }
}
`},
	{Name: "Who lives in 红土地社区", Query: `# Which street is 红土地社区 in, and who lives there?
# inferred: the page implies the link, its quote gives the scene.
query HongtudiResidents {
  entity(id: "place/hongtudi-shequ") {
    name
    ... on Place {
      containedIn { name }
      residents { name description }
    }
    relations(predicate: "residentOf", direction: IN) {
      label
      target { name }
      inferred
      qualifiers { key value inferred }
      evidence { quote }
    }
  }
}
`},
	{Name: "Search 老马", Query: `# Find entities by name, alias or fragment.
query Search {
  search(text: "老马") {
    how
    matched
    score
    entity { id type name }
  }
}
`},
	{Name: "江北区 in 2020", Query: `# What figures does the page give for 江北区 in 2020, and where?
query JiangbeiFigures2020 {
  entity(id: "place/jiangbei-qu") {
    name
    figures(period: "2020") {
      indicator
      stated
      value
      unit
      modifier
      period
      periodInferred
      growthPercent
      evidence { quote start end }
    }
  }
}
`},
}
