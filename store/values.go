package store

import (
	"sync"

	"github.com/cayleygraph/quad"
)

// maxValues bounds a graph's value dictionary: the built-in dataset has
// about 10,000 nodes, and a value costs some 100 bytes here.
const maxValues = 1 << 17

// values is a graph version's dictionary of node values by store
// reference, kept as a level reads them so that later levels need not look
// them up again. A reference names one value for the life of a store (on
// PostgreSQL it is the value's content hash), and a Graph is one version,
// so an entry never goes stale; like Cayley's own value cache in its SQL
// backend, it is part of reading the store, not one of the caches -cache
// and -response-cache switch. Once full it keeps what it has.
type values struct {
	mu sync.RWMutex
	m  map[any]quad.Value
}

func (v *values) get(key any) (quad.Value, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	val, ok := v.m[key]
	return val, ok
}

func (v *values) put(keys []any, vals []quad.Value) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = make(map[any]quad.Value)
	}
	for i, k := range keys {
		if len(v.m) >= maxValues {
			return
		}
		if vals[i] != nil {
			v.m[k] = vals[i]
		}
	}
}
