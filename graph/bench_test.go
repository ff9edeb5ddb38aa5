package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/data"
	"github.com/civicgraph/civicgraph/gqlhttp"
	"github.com/civicgraph/civicgraph/kg"
	"github.com/civicgraph/civicgraph/loader"
	"github.com/civicgraph/civicgraph/store"
)

// honoursRequest is README's headline question with its evidence, the
// request the load runs send.
const honoursRequest = `{"query":"query($id:ID!){entity(id:$id){id name ... on Person{honours{time honour{id name} evidence{quote start end}}}}}","variables":{"id":"person/ma-shanxiang"}}`

// MustOpenStoreWith opens a memory store holding the embedded dataset,
// with opts.
func MustOpenStoreWith(tb testing.TB, opts store.Options) *store.Store {
	tb.Helper()
	st, err := store.OpenWith(context.Background(), "memory", func() (store.Source, error) {
		return loader.Load(data.FS, "data")
	}, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// responseBuffer is an http.ResponseWriter that keeps the last response,
// reused across requests so that the benchmark counts the handler's
// allocations, not its own.
type responseBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *responseBuffer) Header() http.Header         { return w.header }
func (w *responseBuffer) Write(p []byte) (int, error) { return w.body.Write(p) }
func (w *responseBuffer) WriteHeader(status int)      { w.status = status }

func (w *responseBuffer) reset() {
	clear(w.header)
	w.status = http.StatusOK
	w.body.Reset()
}

// serve posts body to h and returns the response in w.
func serve(h http.Handler, w *responseBuffer, body string) {
	w.reset()
	r, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(w, r)
}

// MustHonoursAnswer returns h's answer to honoursRequest after checking it
// holds 马善祥's nine honours, each with its evidence.
func MustHonoursAnswer(tb testing.TB, h http.Handler) []byte {
	tb.Helper()
	w := &responseBuffer{header: http.Header{}}
	serve(h, w, honoursRequest)
	if w.status != http.StatusOK {
		tb.Fatalf("status %d: %s", w.status, w.body.Bytes())
	}
	var resp struct {
		Data struct {
			Entity struct {
				Name    string
				Honours []struct {
					Honour   struct{ ID, Name string }
					Evidence []struct{ Quote string }
				}
			}
		}
		Errors []gqlError
	}
	if err := json.Unmarshal(w.body.Bytes(), &resp); err != nil {
		tb.Fatalf("%v: %s", err, w.body.Bytes())
	}
	e := resp.Data.Entity
	if len(resp.Errors) > 0 || e.Name != "马善祥" || len(e.Honours) != 9 {
		tb.Fatalf("not 马善祥's nine honours: %s", w.body.Bytes())
	}
	for _, h := range e.Honours {
		if h.Honour.Name == "" || len(h.Evidence) == 0 {
			tb.Fatalf("honour without name or evidence: %s", w.body.Bytes())
		}
	}
	return bytes.Clone(w.body.Bytes())
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start as cpu-ns/op:
// on a shared machine it varies less than the wall time per operation,
// which counts whatever else the cores run.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkHonoursQuery executes the headline question through the real
// /graphql handler on the memory store, with the entity cache on (the
// server's default size) and off. serial is one request at a time, so its
// time per request includes the dataloaders' batch waits; parallel keeps
// 8 requests per core in flight, as a loaded server does, so its time per
// request is what each costs when the cores are busy; cpu-ns/op is the
// CPU each costs either way. Every answer is checked against the first.
func BenchmarkHonoursQuery(b *testing.B) {
	for _, cache := range []struct {
		name    string
		entries int
	}{{"on", 100000}, {"off", 0}} {
		st := MustOpenStoreWith(b, store.Options{CacheEntries: cache.entries})
		h := gqlhttp.NewHandler(gqlhttp.Config{Store: st, IRIs: kg.NewIRIs(base), MaxFirst: 1000})
		want := MustHonoursAnswer(b, h)
		check := func(b *testing.B, w *responseBuffer) {
			if w.status != http.StatusOK || !bytes.Equal(w.body.Bytes(), want) {
				b.Fatalf("answer changed: status %d: %s", w.status, w.body.Bytes())
			}
		}
		b.Run("cache="+cache.name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			w := &responseBuffer{header: http.Header{}}
			start := cpuTime(b)
			for b.Loop() {
				serve(h, w, honoursRequest)
				check(b, w)
			}
			reportCPU(b, start)
		})
		b.Run("cache="+cache.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(8)
			start := cpuTime(b)
			b.RunParallel(func(pb *testing.PB) {
				w := &responseBuffer{header: http.Header{}}
				for pb.Next() {
					serve(h, w, honoursRequest)
					if w.status != http.StatusOK || !bytes.Equal(w.body.Bytes(), want) {
						b.Errorf("answer changed: status %d: %s", w.status, w.body.Bytes())
						return
					}
				}
			})
			reportCPU(b, start)
		})
	}
}

// listRequest walks a list: fifty people, the count of each one's
// relations and the names at their other ends, so that each level's reads
// are one batch of fifty.
const listRequest = `{"query":"{ entities(type: PERSON, first: 50) { edges { node { name relationCount relations(first: 3) { label target { name } } } } } }"}`

// BenchmarkListQuery is the cost of batching a list's reads at several
// batch waits, with the entity cache off so that every batch reads the
// store: ns/op is the latency the waits add (serial) or the time per
// request under load (parallel), reads/op the store calls a request
// makes, which the wait keeps from growing with the list.
func BenchmarkListQuery(b *testing.B) {
	st := MustOpenStoreWith(b, store.Options{})
	for _, wait := range []time.Duration{10 * time.Microsecond, 100 * time.Microsecond, time.Millisecond} {
		h := gqlhttp.NewHandler(gqlhttp.Config{Store: st, IRIs: kg.NewIRIs(base), MaxFirst: 1000, BatchWait: wait})
		w := &responseBuffer{header: http.Header{}}
		serve(h, w, listRequest)
		if w.status != http.StatusOK || !bytes.Contains(w.body.Bytes(), []byte(`"relationCount"`)) || bytes.Contains(w.body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("status %d: %s", w.status, w.body.Bytes())
		}
		want := bytes.Clone(w.body.Bytes())
		reads := func(b *testing.B, run func()) {
			g, err := st.Acquire()
			if err != nil {
				b.Fatal(err)
			}
			defer g.Release()
			calls := g.Calls()
			start := cpuTime(b)
			run()
			reportCPU(b, start)
			b.ReportMetric(float64(g.Calls()-calls)/float64(b.N), "reads/op")
		}
		b.Run("wait="+wait.String()+"/serial", func(b *testing.B) {
			reads(b, func() {
				for b.Loop() {
					serve(h, w, listRequest)
					if !bytes.Equal(w.body.Bytes(), want) {
						b.Fatalf("answer changed: %s", w.body.Bytes())
					}
				}
			})
		})
		b.Run("wait="+wait.String()+"/parallel", func(b *testing.B) {
			b.SetParallelism(8)
			reads(b, func() {
				b.RunParallel(func(pb *testing.PB) {
					w := &responseBuffer{header: http.Header{}}
					for pb.Next() {
						serve(h, w, listRequest)
						if !bytes.Equal(w.body.Bytes(), want) {
							b.Errorf("answer changed: %s", w.body.Bytes())
							return
						}
					}
				})
			})
		})
	}
}
