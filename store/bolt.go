package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bolt" // registers the bolt backend
	"github.com/civicgraph/civicgraph/loader"
)

// boltStore keeps each generation in its own bolt directory under dir and
// names the current one in dir/CURRENT, replaced by rename so a reader never
// sees a half-written name. Cayley's bolt backend locks its directory
// exclusively, so a load writes to a new directory while the old is served.
type boltStore struct {
	dir  string
	lock *os.File // held while this process uses dir
}

const (
	boltCurrent = "CURRENT"
	boltPrefix  = "gen-"
	boltKeep    = 2 // generations kept: the current and the one before, still being read
)

func newBolt(dir string) (*boltStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open bolt:%s: %w", dir, err)
	}
	return &boltStore{dir: dir}, nil
}

func (b *boltStore) String() string { return "bolt:" + b.dir }

func (b *boltStore) current(context.Context) (string, error) {
	data, err := os.ReadFile(filepath.Join(b.dir, boltCurrent))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

func (b *boltStore) build(_ context.Context, ds *loader.Dataset) (string, error) {
	gen := fmt.Sprintf("%s%d-%s", boltPrefix, time.Now().UnixNano(), ds.Version())
	path := filepath.Join(b.dir, gen)
	if err := graph.InitQuadStore("bolt", path, nil); err != nil {
		return "", fmt.Errorf("init %s: %w", path, err)
	}
	qs, err := graph.NewQuadStore("bolt", path, nil)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	if err := loader.Write(qs, ds); err != nil {
		qs.Close()
		os.RemoveAll(path)
		return "", err
	}
	if err := qs.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", path, err)
	}
	return gen, nil
}

func (b *boltStore) publish(_ context.Context, gen string) error {
	tmp := filepath.Join(b.dir, boltCurrent+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, gen); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(b.dir, boltCurrent)); err != nil {
		return err
	}
	b.prune(gen)
	return nil
}

// prune removes generations older than the last boltKeep, and any left
// behind by a failed or killed load.
func (b *boltStore) prune(current string) {
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return
	}
	var gens []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), boltPrefix) {
			gens = append(gens, e.Name())
		}
	}
	sort.Strings(gens) // names start with a timestamp
	for i, g := range gens {
		if g != current && i < len(gens)-boltKeep {
			os.RemoveAll(filepath.Join(b.dir, g))
		}
	}
}

// open checks the bolt file's lock first: Cayley opens bolt without a
// timeout, so a directory held by another process would hang forever.
func (b *boltStore) open(_ context.Context, gen string) (graph.QuadStore, func(), error) {
	path := filepath.Join(b.dir, gen)
	if err := checkUnlocked(filepath.Join(path, "indexes.bolt")); err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	qs, err := graph.NewQuadStore("bolt", path, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	return qs, func() { qs.Close() }, nil
}

func checkUnlocked(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return ErrLocked
		}
		return err
	}
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

func (b *boltStore) ping(context.Context) error {
	_, err := os.Stat(filepath.Join(b.dir, boltCurrent))
	return err
}

func (b *boltStore) close() error { return nil }
