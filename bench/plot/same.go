package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
)

// honoursEntity is the answer both queries give: an entity with its
// honours, their times and their quotes.
type honoursEntity struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Honours []struct {
		Time   *string `json:"time"`
		Honour struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"honour"`
		Evidence []struct {
			Quote string `json:"quote"`
			Start int    `json:"start"`
			End   int    `json:"end"`
		} `json:"evidence"`
	} `json:"honours"`
}

// normalise orders the honours by id and each one's quotes by offset:
// the two servers need not list them alike.
func (e *honoursEntity) normalise() {
	sort.Slice(e.Honours, func(i, j int) bool { return e.Honours[i].Honour.ID < e.Honours[j].Honour.ID })
	for _, h := range e.Honours {
		ev := h.Evidence
		sort.Slice(ev, func(i, j int) bool {
			if ev[i].Start != ev[j].Start {
				return ev[i].Start < ev[j].Start
			}
			return ev[i].End < ev[j].End
		})
	}
}

func sameHonoursFiles(graphqlFile, gizmoFile string) error {
	gq, err := os.ReadFile(graphqlFile)
	if err != nil {
		return err
	}
	gz, err := os.ReadFile(gizmoFile)
	if err != nil {
		return err
	}
	return sameHonours(gq, gz)
}

// sameHonours compares civicgraph's GraphQL answer ({"data":{"entity":…}})
// with Cayley's Gizmo answer ({"result":[{"entity":…}]}).
func sameHonours(graphqlAnswer, gizmoAnswer []byte) error {
	var gq struct {
		Data struct {
			Entity *honoursEntity `json:"entity"`
		} `json:"data"`
		Errors     json.RawMessage `json:"errors"`
		Extensions json.RawMessage `json:"extensions"`
	}
	if err := decodeStrict(graphqlAnswer, &gq); err != nil {
		return fmt.Errorf("the GraphQL answer: %w", err)
	}
	if len(gq.Errors) > 0 || gq.Data.Entity == nil {
		return fmt.Errorf("the GraphQL answer has errors or no entity: %.300s", graphqlAnswer)
	}
	var gz struct {
		Result []struct {
			Entity *honoursEntity `json:"entity"`
		} `json:"result"`
		Error string `json:"error"`
	}
	if err := decodeStrict(gizmoAnswer, &gz); err != nil {
		return fmt.Errorf("the Gizmo answer: %w", err)
	}
	if gz.Error != "" || len(gz.Result) != 1 || gz.Result[0].Entity == nil {
		return fmt.Errorf("the Gizmo answer is not one entity: %.300s", gizmoAnswer)
	}
	a, b := gq.Data.Entity, gz.Result[0].Entity
	if len(a.Honours) == 0 {
		return errors.New("the GraphQL answer has no honours: nothing to compare")
	}
	a.normalise()
	b.normalise()
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return fmt.Errorf("the answers differ:\nGraphQL %s\nGizmo   %s", ja, jb)
	}
	return nil
}

// decodeStrict refuses fields the answer should not have, so that a
// renamed field shows as a difference instead of a zero value.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
