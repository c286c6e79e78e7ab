// Groups and Distinct: the keyed aggregate state behind GROUP BY and COUNT(DISTINCT ...).

package rt

import (
	"encoding/binary"
	"unsafe"
)

// Groups is an insertion-ordered hash map from a group key to typed aggregate
// state. Entries live in one slice and the map holds their index, so Each
// visits groups in the order they were first seen and a job's output is
// deterministic for a given input.
//
// The zero Groups is not usable; create one with NewGroups.
type Groups[K comparable, S any] struct {
	index   map[K]int32
	entries []groupEntry[K, S]

	cur   *Cursor        // the position of the record being processed when offsets are tracked; nil otherwise
	first firstOffsets   // per partition, the offset of the first record aggregated (see Stateful)
	own   func(*K)       // makes a new key's strings its own before it is stored (see Own); nil if it has none
	hash  func(K) uint64 // a cheap hash for the cache of recent keys (see HashKeys); nil: no cache
	cache []int32        // index+1 of the group last seen in each slot; 0: empty

	label   stateLabel        // the query, for messages about memory (see Label)
	codec   *Codec[K, S]      // the binary form of keys and states, when the job may spill (see Spill)
	ordered bool              // Each must visit spilled groups in first-seen order (see Spill)
	sp      *groupSpill[K, S] // the groups in the spill store; nil until the memory watcher first spills them

	lc *Codec[K, S] // the binary form of keys and states in the changelog
	cl *changelog   // the changelog of an aggregation without a window, once Log was called (changelog.go)
	lg *groupLog    // which groups changed since the changelog was written; nil when the groups are not logged
}

type groupEntry[K comparable, S any] struct {
	key   K
	state S
}

// NewGroups returns an empty Groups.
func NewGroups[K comparable, S any]() *Groups[K, S] {
	return &Groups[K, S]{index: make(map[K]int32)}
}

// Get returns the state for key k, creating a zero state if k is new; created
// reports whether it did. The pointer stays valid until the next Get that
// creates a group (the entries slice may move when it grows).
func (g *Groups[K, S]) Get(k K) (s *S, created bool) {
	if g.cur != nil {
		g.first.note(g.cur)
	}
	var slot *int32
	if g.hash != nil && len(g.entries) < maxCachedGroups {
		if g.cache == nil {
			g.cache = make([]int32, groupCacheSize)
		}
		slot = &g.cache[g.hash(k)&(groupCacheSize-1)]
		if i := *slot - 1; i >= 0 && g.entries[i].key == k {
			if g.lg != nil {
				g.lg.touch(i)
			}
			return &g.entries[i].state, false
		}
	}
	if i, ok := g.index[k]; ok {
		if slot != nil {
			*slot = i + 1
		}
		if g.lg != nil {
			g.lg.touch(i)
		}
		return &g.entries[i].state, false
	}
	if g.sp != nil {
		return g.getSpilled(k, slot)
	}
	if len(g.entries) == maxGroups {
		panic("rt: more than 2^31-1 groups")
	}
	if g.own != nil {
		// A copy, so that only a new group's key is moved to the heap by the call, not every key looked up.
		own := k
		g.own(&own)
		k = own
	}
	g.index[k] = int32(len(g.entries))
	g.entries = append(g.entries, groupEntry[K, S]{key: k})
	if g.lg != nil {
		g.lg.add(g.lg.cur.Partition)
	}
	if slot != nil {
		*slot = int32(len(g.entries))
	}
	return &g.entries[len(g.entries)-1].state, true
}

// groupCacheSize is the number of slots of a Groups' cache of recent keys (a power of two), and maxCachedGroups
// the number of groups beyond which the cache is not used: with more groups than slots it would mostly miss.
const (
	groupCacheSize  = 4096
	maxCachedGroups = 1 << 16
)

// HashKeys sets a cheap hash of keys, which turns on a direct-mapped cache of recent keys in front of the map: a
// hit costs the hash and one key comparison instead of a map lookup. Generated code sets it for keys that are one
// VARCHAR (see HashString).
func (g *Groups[K, S]) HashKeys(hash func(K) uint64) { g.hash = hash }

// HashString is a fast hash of a string for HashKeys: its length and its first and last eight bytes, mixed. It
// needs no quality beyond spreading the keys of one job over the cache's slots.
func HashString(s string) uint64 {
	n := len(s)
	h := uint64(n) * 0x9E3779B97F4A7C15
	if n >= 8 {
		p := unsafe.StringData(s)
		h ^= binary.LittleEndian.Uint64(unsafe.Slice(p, 8))
		h *= 0xBF58476D1CE4E5B9
		h ^= binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), n-8)), 8))
	} else {
		for i := 0; i < n; i++ {
			h = (h ^ uint64(s[i])) * 0x100000001B3
		}
	}
	h ^= h >> 31
	h *= 0x94D049BB133111EB
	return h ^ h>>29
}

// OwnKeys sets the function that copies the strings of a new group's key before the key is stored: decoders hand
// out views of the current record (see Own). Generated code sets it for keys with VARCHAR parts.
func (g *Groups[K, S]) OwnKeys(own func(*K)) { g.own = own }

// maxGroups is the most groups one Groups holds: the index is an int32 to keep
// the map small.
const maxGroups = 1<<31 - 1

// Len returns the number of groups, in memory and spilled.
func (g *Groups[K, S]) Len() int {
	if g.sp != nil {
		return len(g.entries) + g.sp.stored
	}
	return len(g.entries)
}

// Each calls fn for every group in insertion order and stops at the first
// error, which it returns. fn must not call Get.
func (g *Groups[K, S]) Each(fn func(k *K, s *S) error) error {
	if g.sp != nil {
		return g.eachSpilled(fn)
	}
	for i := range g.entries {
		e := &g.entries[i]
		if err := fn(&e.key, &e.state); err != nil {
			return err
		}
	}
	return nil
}

// Distinct is a set of values, the state of one COUNT(DISTINCT x) or
// SUM(DISTINCT x) aggregate. The zero Distinct is an empty set, so it can be
// embedded by value in a group's state struct.
type Distinct[T comparable] struct {
	set map[T]struct{}
}

// Add inserts v and reports whether it was new.
func (d *Distinct[T]) Add(v T) bool {
	if d.set == nil {
		d.set = make(map[T]struct{})
	}
	if _, ok := d.set[v]; ok {
		return false
	}
	d.set[v] = struct{}{}
	return true
}

// AddOwn is Add for values that must be copied before they are kept, such as strings viewing the current
// record: own is called only for a new value.
func (d *Distinct[T]) AddOwn(v T, own func(T) T) bool {
	if d.set == nil {
		d.set = make(map[T]struct{})
	}
	if _, ok := d.set[v]; ok {
		return false
	}
	d.set[own(v)] = struct{}{}
	return true
}

// Len returns the number of distinct values added.
func (d *Distinct[T]) Len() int { return len(d.set) }
