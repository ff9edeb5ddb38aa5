package search

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// FNV-1a, for the deletion and spelling tables; every hit on a hash is
// checked against the real text, so collisions cost time only.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func hash32[T ~string | ~[]byte](s T) uint32 { return fnvAdd(fnvOffset, s) }

// fnvAdd continues hash h over s.
func fnvAdd[T ~string | ~[]byte](h uint32, s T) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

// hashWithout hashes s without the bytes [from, to).
func hashWithout(s string, from, to int) uint32 {
	return fnvAdd(fnvAdd(fnvOffset, s[:from]), s[to:])
}

// hashTable maps 32-bit hashes to 32-bit values: rows of hash<<32 | value,
// sorted, with the start of each bucket of leading hash bits, so a lookup
// touches a bucket of a few rows instead of searching them all.
type hashTable struct {
	shift  uint     // a hash's bucket is hash >> shift
	start  []uint32 // bucket b's rows are rows[start[b]:start[b+1]]
	rows   []uint64
	filter []uint64 // optional: bit h&mask is set for every hash h present
	mask   uint32
}

// withFilter adds a one-bit-per-hash filter of about eight bits a row, so
// most lookups of absent hashes (the pinyin typo step makes hundreds) end
// in one small array, not two big ones.
func (t hashTable) withFilter() hashTable {
	b := max(6, bits.Len(uint(len(t.rows)*8)))
	t.filter = make([]uint64, 1<<b/64)
	t.mask = 1<<b - 1
	for _, r := range t.rows {
		h := uint32(r>>32) & t.mask
		t.filter[h/64] |= 1 << (h % 64)
	}
	return t
}

func newHashTable(rows []uint64) hashTable {
	slices.Sort(rows)
	rows = slices.Clip(rows)
	// About four rows a bucket: the bucket index costs a quarter of the rows.
	b := max(4, min(24, bits.Len(uint(len(rows)/4))))
	t := hashTable{shift: uint(32 - b), start: make([]uint32, 1<<b+1), rows: rows}
	for _, r := range rows {
		t.start[uint32(r>>32)>>t.shift+1]++
	}
	for i := 1; i < len(t.start); i++ {
		t.start[i] += t.start[i-1]
	}
	return t
}

// find returns the rows whose hash is h.
func (t *hashTable) find(h uint32) []uint64 {
	if len(t.rows) == 0 {
		return nil
	}
	if t.filter != nil {
		if f := h & t.mask; t.filter[f/64]&(1<<(f%64)) == 0 {
			return nil
		}
	}
	b := h >> t.shift
	rows := t.rows[t.start[b]:t.start[b+1]]
	lo := 0
	for lo < len(rows) && uint32(rows[lo]>>32) < h {
		lo++
	}
	hi := lo
	for hi < len(rows) && uint32(rows[hi]>>32) == h {
		hi++
	}
	return rows[lo:hi]
}

// sortedIDs returns 0…n-1 sorted by key, ties by id.
func sortedIDs(n int, key func(int32) string) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	sortByKey(ids, key, cmp.Compare[int32])
	return ids
}

// sortByKey sorts xs by key, then by tie. It compares the keys' first
// sixteen bytes as two numbers, and the rest only when those are equal and
// neither key is shorter: most comparisons of millions of names end there.
func sortByKey[T any](xs []T, key func(T) string, tie func(a, b T) int) {
	type keyed struct {
		h1, h2 uint64
		x      T
	}
	ks := make([]keyed, len(xs))
	for i, x := range xs {
		k := key(x)
		ks[i] = keyed{head8(k), head8(k[min(8, len(k)):]), x}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.h1 != b.h1 {
			return cmp.Compare(a.h1, b.h1)
		}
		if a.h2 != b.h2 {
			return cmp.Compare(a.h2, b.h2)
		}
		// Equal heads ending in a zero byte are equal keys shorter than 16.
		if a.h2&0xFF != 0 {
			if c := strings.Compare(key(a.x), key(b.x)); c != 0 {
				return c
			}
		}
		return tie(a.x, b.x)
	})
	for i := range ks {
		xs[i] = ks[i].x
	}
}

// head8 is s's first eight bytes, big-endian, zero-padded: it orders as s
// does, and texts hold no zero bytes.
func head8(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:])
}

// prefixRange returns the part of xs (sorted by key) whose keys start with
// prefix, and how many of them, at its start, equal prefix.
func prefixRange[T any](xs []T, key func(T) string, prefix string) (match []T, exact int) {
	lo := sort.Search(len(xs), func(i int) bool { return key(xs[i]) >= prefix })
	xs = xs[lo:]
	hi := sort.Search(len(xs), func(i int) bool { return !strings.HasPrefix(key(xs[i]), prefix) })
	xs = xs[:hi]
	exact = sort.Search(len(xs), func(i int) bool { return key(xs[i]) != prefix })
	return xs, exact
}
