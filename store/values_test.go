package store

import (
	"testing"

	"github.com/cayleygraph/quad"
)

func TestValues(t *testing.T) {
	t.Run("OKGetPut", func(t *testing.T) {
		var v values
		if _, ok := v.get(1); ok {
			t.Fatal("an empty dictionary holds a value")
		}
		v.put([]any{1, 2}, []quad.Value{quad.String("a"), nil})
		if got, ok := v.get(1); !ok || got != quad.String("a") {
			t.Errorf("get(1) = %v, %v; want a", got, ok)
		}
		if _, ok := v.get(2); ok {
			t.Error("a missing value (nil) was kept")
		}
	})
	t.Run("OKBounded", func(t *testing.T) {
		var v values
		keys := make([]any, maxValues+10)
		vals := make([]quad.Value, len(keys))
		for i := range keys {
			keys[i], vals[i] = i, quad.Int(i)
		}
		v.put(keys, vals)
		if n := len(v.m); n != maxValues {
			t.Errorf("%d values kept, want %d", n, maxValues)
		}
		if _, ok := v.get(maxValues + 5); ok {
			t.Error("a value past the bound was kept")
		}
	})
}
