// Package graph resolves civicgraph's GraphQL schema (schema.graphqls) against
// the read layer: each request reads one graph version, through per-request
// dataloaders that batch the lists of children.
package graph

import "github.com/civicgraph/civicgraph/kg"

// Resolver holds the resolvers' dependencies.
type Resolver struct {
	IRIs     kg.IRIs
	MaxFirst int // the largest `first` a query may ask for
}
