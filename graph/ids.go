package graph

import (
	"context"

	"github.com/civicgraph/civicgraph/kg"
)

type hostKey struct{}

// WithHost notes the host a request reached, so that an IRI minted under it
// (http://127.0.0.1:8080/id/…) names the same entity as the canonical one.
func WithHost(ctx context.Context, host string) context.Context {
	return context.WithValue(ctx, hostKey{}, host)
}

// idOf reads an id argument: a short id, a canonical IRI, or an IRI under
// the host serving the request (http or https). An IRI under any other
// base is an error, which resolvers answer with null.
func (r *Resolver) idOf(ctx context.Context, s string) (string, error) {
	id, err := r.IRIs.ID(s)
	if err == nil {
		return id, nil
	}
	if host, _ := ctx.Value(hostKey{}).(string); host != "" {
		for _, scheme := range []string{"http://", "https://"} {
			if id, herr := kg.NewIRIs(scheme + host).ID(s); herr == nil {
				return id, nil
			}
		}
	}
	return "", err
}
