// Command gqlmin is the minimal gqlgen server bench/run.sh measures
// civicgraph against: the types of the honours query, every field a plain
// struct field, answered from a Go map, behind gqlgen's own server set-up
// (the transports, query cache and extensions of its init template). What
// it costs per request is the cost of GraphQL itself, with no database.
//
//	gqlmin [-addr 127.0.0.1:0] -data ANSWER.json [-data ANSWER.json …]
//
// Each -data file is civicgraph's answer to an entity query
// ({"data":{"entity":…},"extensions":{"graphVersion":…}}); the map holds
// its entity by id, and every answer carries the same graphVersion, so the
// same request gets the same bytes from both servers.
package main

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/civicgraph/civicgraph/bench/gqlmin/generated"
	"github.com/civicgraph/civicgraph/bench/gqlmin/model"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gqlmin:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gqlmin", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address host:port (port 0 picks a free one)")
	var files []string
	fs.Func("data", "civicgraph's answer to an entity query, as JSON (repeatable)", func(s string) error {
		files = append(files, s)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(files) == 0 || fs.NArg() > 0 {
		return errors.New("usage: gqlmin [-addr host:port] -data ANSWER.json [-data …]")
	}
	d, err := LoadFiles(files...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: NewHandler(d), ReadHeaderTimeout: 10 * time.Second}
	// bench/run.sh reads the address from this line, as from civicgraph's.
	slog.Info("listening", "addr", "http://"+ln.Addr().String(), "entities", len(d.Entities), "graphVersion", d.Version)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// Data is what the server answers from: entities by id and the graph
// version every answer names.
type Data struct {
	Entities map[string]model.Entity
	Version  string
}

// LoadFiles reads civicgraph answers from files.
func LoadFiles(files ...string) (Data, error) {
	answers := make([][]byte, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return Data{}, err
		}
		answers = append(answers, b)
	}
	d, err := Load(answers...)
	if err != nil {
		return Data{}, fmt.Errorf("load %v: %w", files, err)
	}
	return d, nil
}

// answer is civicgraph's answer to the honours query: a Person has
// honours, any other entity only its id and name.
type answer struct {
	Data struct {
		Entity json.RawMessage `json:"entity"`
	} `json:"data"`
	Errors     json.RawMessage `json:"errors"`
	Extensions struct {
		GraphVersion string `json:"graphVersion"`
	} `json:"extensions"`
}

// Load fills the map from civicgraph's answers. An answer with errors, a
// null entity, fields the honours query does not ask for, or another graph
// version than the first is refused: the server must give back exactly
// what civicgraph gave.
func Load(answers ...[]byte) (Data, error) {
	d := Data{Entities: map[string]model.Entity{}}
	for i, b := range answers {
		var a answer
		if err := strictDecode(b, &a); err != nil {
			return Data{}, fmt.Errorf("answer %d: %w", i+1, err)
		}
		switch {
		case len(a.Errors) > 0:
			return Data{}, fmt.Errorf("answer %d has errors: %s", i+1, a.Errors)
		case len(a.Data.Entity) == 0 || string(a.Data.Entity) == "null":
			return Data{}, fmt.Errorf("answer %d has no entity", i+1)
		case a.Extensions.GraphVersion == "":
			return Data{}, fmt.Errorf("answer %d names no extensions.graphVersion", i+1)
		case d.Version != "" && a.Extensions.GraphVersion != d.Version:
			return Data{}, fmt.Errorf("answer %d is of graph version %s, the first of %s", i+1, a.Extensions.GraphVersion, d.Version)
		}
		d.Version = a.Extensions.GraphVersion
		var probe struct {
			Honours json.RawMessage `json:"honours"`
		}
		if err := json.Unmarshal(a.Data.Entity, &probe); err != nil {
			return Data{}, fmt.Errorf("answer %d: %w", i+1, err)
		}
		var e model.Entity
		var id string
		if probe.Honours != nil {
			p := &model.Person{}
			if err := strictDecode(a.Data.Entity, p); err != nil {
				return Data{}, fmt.Errorf("answer %d: entity: %w", i+1, err)
			}
			e, id = p, p.ID
		} else {
			h := &model.Honour{}
			if err := strictDecode(a.Data.Entity, h); err != nil {
				return Data{}, fmt.Errorf("answer %d: entity: %w", i+1, err)
			}
			e, id = h, h.ID
		}
		if id == "" {
			return Data{}, fmt.Errorf("answer %d: the entity has no id", i+1)
		}
		d.Entities[id] = e
	}
	if len(d.Entities) == 0 {
		return Data{}, errors.New("no answers")
	}
	return d, nil
}

// strictDecode refuses fields v has no place for.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// NewHandler serves d at /graphql with gqlgen's handler as its init
// template sets it up, naming d's graph version in extensions.graphVersion
// as civicgraph does.
func NewHandler(d Data) http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: &resolver{entities: d.Entities}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["graphVersion"] = d.Version
		}
		return resp
	})
	mux := http.NewServeMux()
	mux.Handle("/graphql", srv)
	return mux
}

type resolver struct {
	entities map[string]model.Entity
}

func (r *resolver) Query() generated.QueryResolver { return queryResolver{r} }

type queryResolver struct{ *resolver }

// Entity is the map lookup; an unknown id is null, as in civicgraph.
func (q queryResolver) Entity(_ context.Context, id string) (model.Entity, error) {
	return q.entities[id], nil
}
