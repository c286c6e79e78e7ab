// Dedup: the state of an unwindowed SELECT DISTINCT bounded by 'state.ttl', the distinct rows seen, each forgotten
// once the watermark passes the event time it was last seen plus the TTL.

package rt

import (
	"math"
	"unsafe"
)

// Dedup is the set of distinct rows of a SELECT DISTINCT without a window whose query sets 'state.ttl'. A row's
// entry remembers the latest event time an equal row was seen at (refreshed by every equal row, as Flink's state
// TTL is refreshed on access); it expires when the watermark reaches that time plus the TTL, and an equal row after
// that is new again. Entries are kept in the order they were last seen, so that Expire drops the expired ones from
// the front without scanning the rest; Get checks an entry's time itself, so a row that came out of order and sits
// behind younger entries is already forgotten for Get when the watermark passes it, and is released when the
// entries before it are.
//
// The zero Dedup is not usable; create one with NewDedup.
type Dedup[K comparable, S any] struct {
	ttl        int64
	index      map[K]int32
	entries    []dedupEntry[K, S]
	head, tail int32 // least and most recently seen; -1 when empty
	free       int32 // a released entry to reuse, linked through next; -1 when none
	own        func(*K)

	cur   *Cursor      // the position of the record being processed when offsets are tracked; nil otherwise
	first firstOffsets // per partition, the offset of the first record that went into the set
	label stateLabel
}

type dedupEntry[K comparable, S any] struct {
	key        K
	state      S
	last       int64 // the latest event time an equal row was seen at
	prev, next int32
}

// NewDedup returns an empty Dedup whose rows expire ttl milliseconds of event time after they were last seen.
func NewDedup[K comparable, S any](ttl int64) *Dedup[K, S] {
	return &Dedup[K, S]{ttl: ttl, index: make(map[K]int32), head: -1, tail: -1, free: -1}
}

// Label names the query the Dedup belongs to; see Groups.Label.
func (d *Dedup[K, S]) Label(query, at string) { d.label = stateLabel{query, at} }

// OwnKeys sets the function that copies the strings of a new row's key before it is stored; see Groups.OwnKeys.
func (d *Dedup[K, S]) OwnKeys(own func(*K)) { d.own = own }

// expired reports whether a row last seen at event time last is forgotten at watermark wm.
func (d *Dedup[K, S]) expired(last, wm int64) bool {
	return wm != math.MinInt64 && addSat(last, d.ttl) <= wm
}

// Get looks row k up, seen at event time ts when the watermark is wm (moved past ts - lateness already). fresh is
// true when k is new: never seen, or its entry expired (its state is then zeroed). The row's last-seen time
// becomes ts, or stays where it was if that is later. The pointer stays valid until the next Get that creates an
// entry.
func (d *Dedup[K, S]) Get(k K, ts, wm int64) (s *S, fresh bool) {
	if d.cur != nil {
		d.first.note(d.cur)
	}
	if i, ok := d.index[k]; ok {
		e := &d.entries[i]
		if d.expired(e.last, wm) {
			var zero S
			e.state, e.last, fresh = zero, ts, true
		} else {
			e.last = max(e.last, ts)
		}
		if i != d.tail {
			d.unlink(i)
			d.pushBack(i)
		}
		return &e.state, fresh
	}
	if d.own != nil {
		own := k // a copy, so that only a new row's key escapes to the heap
		d.own(&own)
		k = own
	}
	i := d.free
	if i >= 0 {
		d.free = d.entries[i].next
		d.entries[i] = dedupEntry[K, S]{key: k, last: ts}
	} else {
		if len(d.entries) == maxGroups {
			panic("rt: more than 2^31-1 distinct rows")
		}
		i = int32(len(d.entries))
		d.entries = append(d.entries, dedupEntry[K, S]{key: k, last: ts})
	}
	d.index[k] = i
	d.pushBack(i)
	return &d.entries[i].state, true
}

func (d *Dedup[K, S]) pushBack(i int32) {
	e := &d.entries[i]
	e.prev, e.next = d.tail, -1
	if d.tail >= 0 {
		d.entries[d.tail].next = i
	} else {
		d.head = i
	}
	d.tail = i
}

func (d *Dedup[K, S]) unlink(i int32) {
	e := &d.entries[i]
	if e.prev >= 0 {
		d.entries[e.prev].next = e.next
	} else {
		d.head = e.next
	}
	if e.next >= 0 {
		d.entries[e.next].prev = e.prev
	} else {
		d.tail = e.prev
	}
	e.prev, e.next = -1, -1
}

// Expire releases the rows that expired at watermark wm, from the least recently seen on, and returns how many.
// It stops at the first row still alive: a row seen out of order behind it is released later (Get already
// treats it as forgotten).
func (d *Dedup[K, S]) Expire(wm int64) int {
	n := 0
	for d.head >= 0 && d.expired(d.entries[d.head].last, wm) {
		i := d.head
		d.unlink(i)
		delete(d.index, d.entries[i].key)
		d.entries[i] = dedupEntry[K, S]{next: d.free, prev: -1} // drop the key's strings
		d.free = i
		n++
	}
	if len(d.index) == 0 {
		// Nothing held: no record before this point is needed to rebuild the set.
		d.first = d.first[:0]
	}
	return n
}

// Len returns the number of rows held.
func (d *Dedup[K, S]) Len() int { return len(d.index) }

// bind, held, reset, checkpoint and restore make Dedup a Stateful: it holds the first offset it saw in each
// partition since it was last empty, as Groups does for as long as it lives.
func (d *Dedup[K, S]) bind(c *Cursor, _ partitions) { d.cur = c }
func (d *Dedup[K, S]) held(p int32) (int64, bool)   { return d.first.get(p) }
func (d *Dedup[K, S]) checkpoint(int32) string      { return "" }
func (d *Dedup[K, S]) restore(int32, string)        {}
func (d *Dedup[K, S]) reset() {
	clear(d.index)
	d.entries = d.entries[:0]
	d.head, d.tail, d.free = -1, -1, -1
	d.first = d.first[:0]
}

// memLabel, memSize, spillWeight, spill and spillErr make Dedup a memState: the memory watcher counts its rows
// (fewer as they expire), and finds none it can move to disk.
func (d *Dedup[K, S]) memLabel() stateLabel { return d.label }
func (d *Dedup[K, S]) memSize() (groups, inMemory, windows int, perGroup int64) {
	var e dedupEntry[K, S]
	return d.Len(), d.Len(), 0, int64(unsafe.Sizeof(e))*5/4 + (int64(unsafe.Sizeof(e.key))+4)*3/2
}
func (d *Dedup[K, S]) spillWeight() int64           { return 0 }
func (d *Dedup[K, S]) spill(*spillEnv) (int, error) { return 0, nil }
func (d *Dedup[K, S]) spillErr() error              { return nil }
