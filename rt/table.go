// Tables: the in-memory rows of a CREATE TABLE source, keyed by primary key, that stream queries look up.

package rt

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Table is an in-memory table keyed by its primary key: the rows of a CREATE TABLE source, upserted. Rows live in
// fixed-size chunks (no large copy when the table grows, no slack beyond one chunk) and a map holds each key's slot,
// so scans see the rows in the order their keys were first put.
//
// Put and Delete are called only by the table source's goroutine; Get, Len and At by stream goroutines. Until the
// streams start (the initial load) and after the table's source has ended, nothing writes while streams read, and
// Get and At return pointers into the table's storage without locking. While the source keeps reading beside the
// streams (a tailed file, a live topic), the table is shared: writes take its lock, and Get and At copy the row into
// the caller's scratch under a read lock and return the scratch.
//
// The zero Table is not usable; create one with NewTable.
type Table[K comparable, R any] struct {
	index  map[K]int32 // key → slot
	chunks [][]R       // slot i is chunks[i>>tableChunkBits][i&tableChunkMask]
	slots  int         // slots used, live and deleted
	own    func(k *K, r *R)

	// Deleted slots: the live bitmap and the rank tree over its 64-slot blocks exist only while dead > 0, so that
	// At finds the i-th live row in O(log n); once deleted slots outnumber the live ones, the table is compacted.
	dead int
	live []uint64 // bit i%64 of live[i/64]: slot i holds a row
	rank fenwick  // live slots per block of 64

	shared atomic.Bool  // the source writes beside reading streams: take mu
	mu     sync.RWMutex // held for writing by Put and Delete, for reading by Get and At, while shared

	stat *tableLoad // counters for progress and statistics; never nil
}

const (
	tableChunkBits = 10
	tableChunkSize = 1 << tableChunkBits
	tableChunkMask = tableChunkSize - 1
)

// NewTable returns an empty table fed by src, and registers it with the source: its rows and replaced
// duplicates appear in the load progress and the exit statistics, and the source tells it when the streams may
// start reading it (see readTables).
func NewTable[K comparable, R any](src *Source) *Table[K, R] {
	t := &Table[K, R]{index: make(map[K]int32)}
	t.stat = src.tableLoad()
	src.table = t
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
	row := *r
	if t.own != nil {
		t.own(&k, &row) // outside the lock: it allocates
	}
	if t.shared.Load() {
		t.mu.Lock()
		defer t.mu.Unlock()
	}
	if i, ok := t.index[k]; ok {
		*t.slot(int(i)) = row
		t.stat.replaced.Add(1)
		return
	}
	if t.slots == maxTableRows {
		panic("rt: more than 2^31-1 table rows")
	}
	n := t.slots
	if n&tableChunkMask == 0 && n>>tableChunkBits == len(t.chunks) {
		t.chunks = append(t.chunks, make([]R, tableChunkSize))
	}
	*t.slot(n) = row
	t.slots++
	t.index[k] = int32(n)
	if t.live != nil {
		if n&63 == 0 {
			t.live = append(t.live, 0)
			t.rank.grow()
		}
		t.live[n>>6] |= 1 << (n & 63)
		t.rank.add(n>>6, 1)
	}
	t.stat.rows.Store(int64(len(t.index)))
}

// maxTableRows is the most slots a table holds: slots are int32s to keep the index small.
const maxTableRows = 1<<31 - 1

// Delete removes the row of key k, if there is one (a Kafka tombstone); the other rows keep their order.
func (t *Table[K, R]) Delete(k K) {
	if t.shared.Load() {
		t.mu.Lock()
		defer t.mu.Unlock()
	}
	i, ok := t.index[k]
	if !ok {
		return
	}
	delete(t.index, k)
	var zero R
	*t.slot(int(i)) = zero // let go of its strings
	if t.live == nil {
		t.markAllLive()
	}
	t.live[i>>6] &^= 1 << (i & 63)
	t.rank.add(int(i>>6), -1)
	t.dead++
	t.stat.deleted.Add(1)
	t.stat.rows.Store(int64(len(t.index)))
	if t.dead > len(t.index) {
		t.compact()
	}
}

// Get returns the row of key k, or nil if there is none. Unless the table is shared, the pointer is into the
// table's storage: the caller must not change the row. While shared, the row is copied into *scratch, which is
// returned.
func (t *Table[K, R]) Get(k K, scratch *R) *R {
	if t.shared.Load() {
		t.mu.RLock()
		i, ok := t.index[k]
		if ok {
			*scratch = *t.slot(int(i))
		}
		t.mu.RUnlock()
		if !ok {
			return nil
		}
		return scratch
	}
	i, ok := t.index[k]
	if !ok {
		return nil
	}
	return &t.chunks[i>>tableChunkBits][i&tableChunkMask]
}

// Len returns the number of rows, for a scan: for i := 0; i < t.Len(); i++ { row := t.At(i, &scratch) ... }.
// While the table is shared, rows may come and go between calls: such a scan sees each row as it is when At
// reads it, and At returns nil past the end.
func (t *Table[K, R]) Len() int {
	if t.shared.Load() {
		t.mu.RLock()
		defer t.mu.RUnlock()
	}
	return len(t.index)
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

// at returns the slot of the i-th live row, or nil.
func (t *Table[K, R]) at(i int) *R {
	if i < 0 || i >= len(t.index) {
		return nil
	}
	if t.dead == 0 {
		return t.slot(i)
	}
	b, r := t.rank.find(i)
	return t.slot(b<<6 + selectBit(t.live[b], r))
}

func (t *Table[K, R]) slot(i int) *R { return &t.chunks[i>>tableChunkBits][i&tableChunkMask] }

// markAllLive starts tracking deleted slots: every slot used so far holds a row.
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

// compact moves the live rows together, in order, and drops the deleted slots: the scans and memory of a table
// never pay for more deleted rows than it has live ones.
func (t *Table[K, R]) compact() {
	if t.dead == 0 {
		return
	}
	moved := make([]int32, t.slots) // old slot → new slot
	n := 0
	for i := 0; i < t.slots; i++ {
		if t.live[i>>6]&(1<<(i&63)) == 0 {
			continue
		}
		moved[i] = int32(n)
		if n != i {
			*t.slot(n) = *t.slot(i)
		}
		n++
	}
	var zero R
	for i := n; i < t.slots; i++ {
		*t.slot(i) = zero
	}
	t.chunks = t.chunks[:(n+tableChunkMask)>>tableChunkBits]
	for k, i := range t.index {
		t.index[k] = moved[i]
	}
	t.slots, t.dead, t.live, t.rank = n, 0, nil, fenwick{}
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
