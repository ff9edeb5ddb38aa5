package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	"go.etcd.io/bbolt"
)

// boltStore keeps each generation in its own directory under dir — a Cayley
// bolt store (DIR/gen-…/indexes.bolt, the layout of Cayley's bolt and bbolt
// backends) — and names the current one in dir/CURRENT, replaced by rename so
// a reader never sees a half-written name.
//
// The engine is bbolt, the maintained fork of boltdb with the same file
// format: boltdb v1.3.1 trips Go's checkptr (on under -race). Generations are
// immutable once published, so they are opened read-only, which takes a
// shared lock: any number of servers and a `load` can read one generation at
// once, while a process holding it exclusively (a writer, or Cayley's own
// bolt backend) makes an open fail with ErrLocked after boltLockTimeout
// instead of hanging, as Cayley's open without a timeout would.
type boltStore struct {
	dir string
}

const (
	boltCurrent = "CURRENT"
	boltLock    = "LOCK" // flock'ed by a load for its whole length; never removed
	boltPrefix  = "gen-"
	boltFile    = "indexes.bolt" // the file Cayley's bolt backends keep in their directory
)

// boltLockTimeout bounds the wait for a bolt file another process holds.
var boltLockTimeout = time.Second

// noBloom skips Cayley's duplicate-detection bloom filters: they cost about
// 150 MB of address space and time per open, and a generation is written
// once, by a write that still checks duplicates against the index.
var noBloom = graph.Options{kv.OptNoBloom: true}

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
	gen := strings.TrimSpace(string(data))
	if !strings.HasPrefix(gen, boltPrefix) || strings.ContainsAny(gen, `/\`) {
		return "", fmt.Errorf("%s names no generation: %q", filepath.Join(b.dir, boltCurrent), gen)
	}
	return gen, nil
}

// lock takes dir/LOCK with flock, polling so ctx can end the wait. The
// kernel drops the lock when its process dies.
func (b *boltStore) lock(ctx context.Context) (func(), error) {
	f, err := os.OpenFile(filepath.Join(b.dir, boltLock), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing the file drops the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (b *boltStore) build(ctx context.Context, src Source, version string) (string, error) {
	gen := fmt.Sprintf("%s%d-%s", boltPrefix, time.Now().UnixNano(), version)
	path := filepath.Join(b.dir, gen)
	if err := os.Mkdir(path, 0o755); err != nil {
		return "", err
	}
	if err := b.write(ctx, path, src); err != nil {
		os.RemoveAll(path)
		return "", fmt.Errorf("build %s: %w", path, err)
	}
	return gen, nil
}

func (b *boltStore) write(ctx context.Context, path string, src Source) error {
	db, err := hbolt.Open(filepath.Join(path, boltFile), &bbolt.Options{Timeout: boltLockTimeout})
	if err != nil {
		return lockErr(err)
	}
	if err := kv.Init(db, nil); err != nil {
		db.Close()
		return err
	}
	qs, err := kv.New(db, noBloom)
	if err != nil {
		db.Close()
		return err
	}
	if err := ctx.Err(); err != nil {
		qs.Close()
		return err
	}
	if err := Write(qs, src); err != nil {
		qs.Close()
		return err
	}
	return qs.Close() // bbolt commits with fsync, so the generation is durable
}

func (b *boltStore) publish(_ context.Context, gen string) error {
	f, err := os.CreateTemp(b.dir, boltCurrent+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
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
	// Make the rename durable: after a crash CURRENT names the new generation
	// or the old one, never none.
	if d, err := os.Open(b.dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func (b *boltStore) discard(gen string) { os.RemoveAll(filepath.Join(b.dir, gen)) }

// prune removes every generation but the current one and those in keep,
// unless a reader still holds its file: on Linux removing an open file would
// be safe for its readers, but a reader between reading CURRENT and opening
// the generation would fail. A generation still read is removed by a later
// load. Also removes CURRENT temp files of killed publishes.
func (b *boltStore) prune(ctx context.Context, keep ...string) {
	cur, err := b.current(ctx)
	if err != nil {
		return // never prune while unsure which generation is current
	}
	kept := map[string]bool{cur: true}
	for _, k := range keep {
		kept[k] = true
	}
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, boltCurrent+".tmp-"):
			os.Remove(filepath.Join(b.dir, name))
		case e.IsDir() && strings.HasPrefix(name, boltPrefix) && !kept[name]:
			b.removeUnused(filepath.Join(b.dir, name))
		}
	}
}

// removeUnused removes a generation directory unless its bolt file is open
// in some process; the exclusive lock is held while removing, so nobody can
// open it meanwhile.
func (b *boltStore) removeUnused(path string) {
	f, err := os.Open(filepath.Join(path, boltFile))
	if errors.Is(err, os.ErrNotExist) {
		os.RemoveAll(path) // a load killed before it created the file
		return
	}
	if err != nil {
		return
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return // still read, or still written by a load that does not lock
	}
	os.RemoveAll(path)
}

// open opens a generation read-only, sharing it with other readers.
func (b *boltStore) open(_ context.Context, gen string) (graph.QuadStore, func(), error) {
	file := filepath.Join(b.dir, gen, boltFile)
	if _, err := os.Stat(file); err != nil {
		return nil, nil, fmt.Errorf("open generation %s: %w", gen, err)
	}
	db, err := hbolt.Open(file, &bbolt.Options{ReadOnly: true, Timeout: boltLockTimeout})
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", file, lockErr(err))
	}
	qs, err := kv.New(db, noBloom)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("open %s: %w", file, err)
	}
	return qs, func() { qs.Close() }, nil
}

func lockErr(err error) error {
	if errors.Is(err, bbolt.ErrTimeout) {
		return fmt.Errorf("%w (no lock within %v)", ErrLocked, boltLockTimeout)
	}
	return err
}

// ping reads the start of the current generation's bolt file: the directory
// is there and the disk answers.
func (b *boltStore) ping(ctx context.Context) error {
	gen, err := b.current(ctx)
	if err != nil {
		return err
	}
	if gen == "" {
		return ErrEmpty
	}
	f, err := os.Open(filepath.Join(b.dir, gen, boltFile))
	if err != nil {
		return err
	}
	defer f.Close()
	var buf [64]byte
	if _, err := f.ReadAt(buf[:], 0); err != nil && err != io.EOF {
		return err
	}
	return nil
}

func (b *boltStore) close() error { return nil }
