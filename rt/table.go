// Tables: the in-memory rows of a CREATE TABLE source, keyed by primary key, that stream queries look up.

package rt

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"
)

// Table is an in-memory table keyed by its primary key: the rows of a CREATE TABLE source, upserted. Each key
// and its row live together in an entry; entries live in fixed-size chunks, in the order their keys were first put
// (so scans see that order, a table never copies its rows to grow, and has no slack beyond one chunk). An index by
// key hash, open addressing with linear probing, holds each key's entry: a lookup hashes the key, reads one index
// slot (usually), and compares the key of one entry.
//
// Put and Delete are called only by the table source's goroutine; Get, Len and At by stream goroutines. Until the
// streams start (the initial load) and after the table's source has ended, nothing writes while streams read, and
// Get and At return pointers into the table's storage without locking. While the source keeps reading beside the
// streams (a tailed file, a live topic), the table is shared: writes take its lock, and Get and At copy the row into
// the caller's scratch under a read lock and return the scratch.
//
// The zero Table is not usable; create one with NewTable.
type Table[K comparable, R any] struct {
	seed   maphash.Seed
	index  []uint64 // per slot 0 (empty), or the key's tag<<32 | entry+1; at most half full
	mask   uint64   // len(index)-1
	chunks [][]tableEntry[K, R]
	slots  int // entries used, live and deleted
	rows   int // live entries
	own    func(k *K, r *R)

	// Deleted entries: the live bitmap and the rank tree over its 64-entry blocks exist only while dead > 0, so
	// that At finds the i-th live row in O(log n); once deleted entries outnumber the live ones, the table is
	// compacted.
	dead int
	live []uint64 // bit i%64 of live[i/64]: entry i holds a row
	rank fenwick  // live entries per block of 64

	shared atomic.Bool  // the source writes beside reading streams: take mu
	mu     sync.RWMutex // held for writing by Put and Delete, for reading by Get, Len and At, while shared

	stat *tableLoad // counters for progress and statistics; never nil

	changes  atomic.Uint64 // Puts and Deletes so far, for readers that wait for a key (Changes)
	complete atomic.Bool   // the source has ended: the table changes no more (Complete)
}

// Changes returns a number that grows whenever the table changes: a reader that waits for a key looks again only
// when it moved.
func (t *Table[K, R]) Changes() uint64 { return t.changes.Load() }

// Complete reports whether the table's source has ended, so that a key missing now never comes.
func (t *Table[K, R]) Complete() bool { return t.complete.Load() }

// tableEntry is a key and its row.
type tableEntry[K comparable, R any] struct {
	key K
	row R
}

// The tag of a key is the high 32 bits of its hash. Its low bits pick the key's home slot in the index, so that
// growing the index moves slots without hashing the keys again, and its other bits tell most keys that share a
// home apart without reading their entries.

const (
	tableChunkBits = 10
	tableChunkSize = 1 << tableChunkBits
	tableChunkMask = tableChunkSize - 1
	// tableMinIndex is the size of an empty table's index.
	tableMinIndex = 16
)

// NewTable returns an empty table fed by src, and registers it with the source: its rows and replaced
// duplicates appear in the load progress and the exit statistics, and the source tells it when the streams may
// start reading it (see readWithTables).
func NewTable[K comparable, R any](src *Source) *Table[K, R] {
	t := &Table[K, R]{seed: maphash.MakeSeed(), index: make([]uint64, tableMinIndex), mask: tableMinIndex - 1}
	t.stat = src.tableLoad()
	src.tables = append(src.tables, t)
	return t
}

// Own sets the function that makes a row's and its key's strings their own before they are stored: decoded
// strings are views of the read buffer (see the package function Own). It may make the key's strings those of
// the row (or the other way round), so that a VARCHAR key is copied once. Generated code sets it for tables with
// VARCHAR columns.
func (t *Table[K, R]) Own(own func(k *K, r *R)) { t.own = own }

// Put upserts row r under key k: a later row with the same key replaces the earlier one in place (so scans keep
// the key's first position) and is counted as a replaced duplicate. r is copied; the caller may reuse it.
func (t *Table[K, R]) Put(k K, r *R) {
	e := tableEntry[K, R]{key: k, row: *r}
	if t.own != nil {
		t.own(&e.key, &e.row) // outside the lock: it allocates
	}
	tag := t.tag(k)
	defer t.changes.Add(1) // after the write is visible (deferred calls run last first: after the unlock)
	if t.shared.Load() {
		t.mu.Lock()
		defer t.mu.Unlock()
	}
	i, found := t.probe(k, tag)
	if found {
		t.entry(int(uint32(t.index[i]) - 1)).row = e.row
		t.stat.replaced.Add(1)
		return
	}
	if t.slots == maxTableRows {
		panic("rt: more than 2^31-1 table rows")
	}
	if 2*(t.rows+1) > len(t.index) {
		t.grow()
		i, _ = t.probe(k, tag)
	}
	n := t.slots
	if n&tableChunkMask == 0 && n>>tableChunkBits == len(t.chunks) {
		t.chunks = append(t.chunks, make([]tableEntry[K, R], tableChunkSize))
	}
	*t.entry(n) = e
	t.index[i] = uint64(tag)<<32 | uint64(n+1)
	t.slots++
	t.rows++
	if t.live != nil {
		if n&63 == 0 {
			t.live = append(t.live, 0)
			t.rank.grow()
		}
		t.live[n>>6] |= 1 << (n & 63)
		t.rank.add(n>>6, 1)
	}
	t.stat.rows.Store(int64(t.rows))
}

// maxTableRows is the most entries a table holds: entry numbers are 31 bits in the index.
const maxTableRows = 1<<31 - 1

// Delete removes the row of key k, if there is one (a Kafka tombstone); the other rows keep their order.
func (t *Table[K, R]) Delete(k K) {
	tag := t.tag(k)
	defer t.changes.Add(1)
	if t.shared.Load() {
		t.mu.Lock()
		defer t.mu.Unlock()
	}
	i, found := t.probe(k, tag)
	if !found {
		return
	}
	n := int(uint32(t.index[i]) - 1)
	t.unindex(i)
	*t.entry(n) = tableEntry[K, R]{} // let go of its strings
	if t.live == nil {
		t.markAllLive()
	}
	t.live[n>>6] &^= 1 << (n & 63)
	t.rank.add(n>>6, -1)
	t.dead++
	t.rows--
	t.stat.deleted.Add(1)
	t.stat.rows.Store(int64(t.rows))
	if t.dead > t.rows {
		t.compact()
	}
}

// Get returns the row of key k, or nil if there is none. Unless the table is shared, the pointer is into the
// table's storage: the caller must not change the row. While shared, the row is copied into *scratch, which is
// returned.
func (t *Table[K, R]) Get(k K, scratch *R) *R {
	if t.shared.Load() {
		return t.getShared(k, scratch)
	}
	tag := t.tag(k)
	for i := uint64(tag) & t.mask; ; i = (i + 1) & t.mask {
		x := t.index[i]
		if x == 0 {
			return nil
		}
		if uint32(x>>32) == tag {
			n := uint32(x) - 1
			if e := &t.chunks[n>>tableChunkBits][n&tableChunkMask]; e.key == k {
				return &e.row
			}
		}
	}
}

func (t *Table[K, R]) getShared(k K, scratch *R) *R {
	tag := t.tag(k)
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, found := t.probe(k, tag)
	if !found {
		return nil
	}
	*scratch = t.entry(int(uint32(t.index[i]) - 1)).row
	return scratch
}

// Len returns the number of rows, for a scan: for i := 0; i < t.Len(); i++ { row := t.At(i, &scratch) ... }.
// While the table is shared, rows may come and go between calls: such a scan sees each row as it is when At
// reads it, and At returns nil past the end.
func (t *Table[K, R]) Len() int {
	if t.shared.Load() {
		t.mu.RLock()
		defer t.mu.RUnlock()
	}
	return t.rows
}

// At returns the i-th row in the order the keys were first put, or nil if i is past the end. Pointers and
// scratch are as for Get.
func (t *Table[K, R]) At(i int, scratch *R) *R {
	if t.shared.Load() {
		t.mu.RLock()
		defer t.mu.RUnlock()
		if p := t.at(i); p != nil {
			*scratch = *p
			return scratch
		}
		return nil
	}
	return t.at(i)
}

// at returns the i-th live row, or nil.
func (t *Table[K, R]) at(i int) *R {
	if i < 0 || i >= t.rows {
		return nil
	}
	if t.dead == 0 {
		return &t.entry(i).row
	}
	b, r := t.rank.find(i)
	return &t.entry(b<<6 + selectBit(t.live[b], r)).row
}

func (t *Table[K, R]) entry(n int) *tableEntry[K, R] {
	return &t.chunks[n>>tableChunkBits][n&tableChunkMask]
}

// tag returns the tag of key k: the high 32 bits of its hash.
func (t *Table[K, R]) tag(k K) uint32 { return uint32(maphash.Comparable(t.seed, k) >> 32) }

// probe returns the index slot of key k and true, or the empty slot where it would go and false.
func (t *Table[K, R]) probe(k K, tag uint32) (uint64, bool) {
	for i := uint64(tag) & t.mask; ; i = (i + 1) & t.mask {
		x := t.index[i]
		if x == 0 {
			return i, false
		}
		if uint32(x>>32) == tag && t.entry(int(uint32(x)-1)).key == k {
			return i, true
		}
	}
}

// grow doubles the index; the tags give the new home slots, so no key is hashed again.
func (t *Table[K, R]) grow() {
	old := t.index
	t.index = make([]uint64, 2*len(old))
	t.mask = uint64(len(t.index) - 1)
	for _, x := range old {
		if x == 0 {
			continue
		}
		i := uint64(x>>32) & t.mask
		for t.index[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.index[i] = x
	}
}

// unindex empties index slot i, moving later slots of the same probe run back (linear probing's deletion,
// which leaves no markers behind).
func (t *Table[K, R]) unindex(i uint64) {
	for {
		t.index[i] = 0
		j := i
		for {
			j = (j + 1) & t.mask
			x := t.index[j]
			if x == 0 {
				return
			}
			// The slot at j stays unless its home lies cyclically outside (i, j]: then it moves to i.
			home := uint64(x>>32) & t.mask
			if (j-home)&t.mask >= (j-i)&t.mask {
				t.index[i] = x
				i = j
				break
			}
		}
	}
}

// markAllLive starts tracking deleted entries: every entry used so far holds a row.
func (t *Table[K, R]) markAllLive() {
	t.live = make([]uint64, (t.slots+63)>>6)
	for b := range t.live {
		t.live[b] = ^uint64(0)
	}
	if r := t.slots & 63; r != 0 {
		t.live[len(t.live)-1] = 1<<r - 1
	}
	counts := make([]int32, len(t.live))
	for b, w := range t.live {
		counts[b] = int32(bits.OnesCount64(w))
	}
	t.rank.build(counts)
}

// compact moves the live entries together, in order, and drops the deleted ones: the scans and memory of a
// table never pay for more deleted rows than it has live ones.
func (t *Table[K, R]) compact() {
	if t.dead == 0 {
		return
	}
	moved := make([]uint32, t.slots) // old entry → new entry
	n := 0
	for i := 0; i < t.slots; i++ {
		if t.live[i>>6]&(1<<(i&63)) == 0 {
			continue
		}
		moved[i] = uint32(n)
		if n != i {
			*t.entry(n) = *t.entry(i)
		}
		n++
	}
	for i := n; i < t.slots; i++ {
		*t.entry(i) = tableEntry[K, R]{}
	}
	used := (n + tableChunkMask) >> tableChunkBits
	clear(t.chunks[used:])
	t.chunks = t.chunks[:used]
	for i, x := range t.index {
		if x != 0 {
			t.index[i] = x&^(1<<32-1) | uint64(moved[uint32(x)-1]+1)
		}
	}
	t.slots, t.dead, t.live, t.rank = n, 0, nil, fenwick{}
}

// rewrite replaces the row of every entry with what fn makes of it, and returns the sum of the counts fn returns
// (fn returns the row unchanged with 0). Only the table source's goroutine calls it: it alone changes the entries,
// so it reads them without the lock; it writes each changed row under the lock while the table is shared, as Put
// does. A table whose source has ended is left as it is.
func (t *Table[K, R]) rewrite(fn func(r *R) (R, int)) int {
	if t.complete.Load() {
		return 0
	}
	total := 0
	for i := 0; i < t.slots; i++ {
		if t.live != nil && t.live[i>>6]&(1<<(i&63)) == 0 {
			continue
		}
		e := t.entry(i)
		r, n := fn(&e.row)
		if n == 0 {
			continue
		}
		total += n
		if t.shared.Load() {
			t.mu.Lock()
			e.row = r
			t.mu.Unlock()
		} else {
			e.row = r
		}
	}
	return total
}

// share makes the table take its lock from now on: its source keeps writing while streams read it. Only the
// source's goroutine calls it, before the streams start.
func (t *Table[K, R]) share() {
	t.compact()
	t.shared.Store(true)
}

// settle ends sharing once the source has ended: no more writes, so readers need no lock. Only the source's
// goroutine calls it.
func (t *Table[K, R]) settle() {
	if t.shared.Load() {
		t.mu.Lock()
		t.compact()
		t.mu.Unlock()
	} else {
		t.compact()
	}
	t.shared.Store(false)
	t.complete.Store(true)
}

// loadedTable is what a source sees of its table, whatever the key and row types.
type loadedTable interface {
	share()
	settle()
}

// fenwick is a Fenwick (binary indexed) tree of counts: prefix sums and updates in O(log n).
type fenwick struct{ tree []int32 } // 1-based: tree[j-1] covers counts (j-lowbit(j), j]

// build sets the counts.
func (f *fenwick) build(counts []int32) {
	f.tree = append(f.tree[:0], counts...)
	for j := 1; j <= len(f.tree); j++ {
		if p := j + j&-j; p <= len(f.tree) {
			f.tree[p-1] += f.tree[j-1]
		}
	}
}

// grow appends a count of zero.
func (f *fenwick) grow() {
	j := len(f.tree) + 1
	// The new node covers (j-lowbit(j), j]: the sum of the counts before it in that range.
	f.tree = append(f.tree, f.prefix(j-1)-f.prefix(j-j&-j))
}

// add adds d to count b (0-based).
func (f *fenwick) add(b int, d int32) {
	for j := b + 1; j <= len(f.tree); j += j & -j {
		f.tree[j-1] += d
	}
}

// prefix returns the sum of the first n counts.
func (f *fenwick) prefix(n int) int32 {
	var s int32
	for j := n; j > 0; j -= j & -j {
		s += f.tree[j-1]
	}
	return s
}

// find returns the index b of the count that holds the i-th unit (0-based), and i's rank within it: the counts
// before b sum to i-r.
func (f *fenwick) find(i int) (b, r int) {
	pos, rest := 0, int32(i)
	for step := 1 << bits.Len(uint(len(f.tree))); step > 0; step >>= 1 {
		if next := pos + step; next <= len(f.tree) && f.tree[next-1] <= rest {
			pos, rest = next, rest-f.tree[next-1]
		}
	}
	return pos, int(rest)
}

// selectBit returns the position of the (r+1)-th set bit of w.
func selectBit(w uint64, r int) int {
	for ; r > 0; r-- {
		w &= w - 1
	}
	return bits.TrailingZeros64(w)
}
