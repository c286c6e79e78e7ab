// Session windows: per key, runs of records whose event times are at most a gap apart, merged as records arrive.

package rt

import (
	"math"
	"unsafe"
)

// Sessions holds the state of a session-window aggregate. Each key has its open sessions, ordered by start and
// more than the gap apart; a session covers [Start, Last], the times of its first and last record. A record at
// time ts joins the session it is within gap of (Start-gap <= ts <= Last+gap, both ends included), which then
// grows to cover ts; a record within gap of two sessions merges them into one; a record within gap of none starts
// a session. A session closes when the watermark passes Last+gap: no record on time can join it any more.
//
// Open sessions live in one slice of slots (with a free list), each key's sessions linked in start order, and a
// heap orders them by closing time, so a record costs a map lookup and a few comparisons, and closing costs a heap
// operation per session. Sessions does not spill.
//
// The zero Sessions is not usable; create one with NewSessions.
type Sessions[K comparable, S any] struct {
	gap   int64
	index map[K]int32 // key → its first session (slot number)
	slots []Session[K, S]
	free  []int32
	heap  []int32 // open sessions by (Last, Start, seq): the next to close first
	seq   uint64  // sessions created so far: each session's creation number

	// 'late.data.strategy' = 'update_previous' (see Retain): closed sessions kept for late updates, by (Last,
	// Start, seq) as heap, so the first to be dropped first; and how long they are kept.
	kept             []int32
	retain           int64
	retractCorrected bool // under EMIT CHANGES, a late update of a kept session retracts its row first (RetractCorrected)

	merge   func(dst, src *S) error                  // folds src's accumulators into dst (see Merger)
	retract func(start, end int64, k *K, s *S) error // withdraws a session's row when its start moves (see Retractor)
	own     func(*K)                                 // see Groups.OwnKeys

	cur   *Cursor    // the position of the record being processed when offsets are tracked; nil otherwise
	label stateLabel // the query, for messages about memory
}

// Session is one open session: its bounds and state.
type Session[K comparable, S any] struct {
	Start int64 // the time of its earliest record
	Last  int64 // the time of its latest record
	State S
	// Closed is set for a session the watermark has passed (its row was written under EMIT FINAL), kept for late
	// updates (see Retain). A Get that returns a closed session has changed it: its row is to be written again.
	Closed bool

	key   K
	next  int32  // the key's next session by start; -1 for none
	pos   int32  // where it is in its heap (heap, or kept when Closed)
	seq   uint64 // creation order: a merge keeps the state of the session created first
	first firstOffsets
}

// NewSessions returns an empty Sessions whose sessions end after gap milliseconds without a record.
func NewSessions[K comparable, S any](gap int64) *Sessions[K, S] {
	if gap <= 0 {
		panic("rt: session gap must be positive")
	}
	return &Sessions[K, S]{gap: gap, index: make(map[K]int32)}
}

// Merger sets the function that folds the accumulators of one session into another's when a record bridges
// them. It receives the state of the session created first as dst, so that arrival-order aggregates (FIRST_VALUE)
// keep the earlier records' values; the record that caused the merge is added afterwards.
func (ss *Sessions[K, S]) Merger(fn func(dst, src *S) error) { ss.merge = fn }

// Retractor sets the function that withdraws the row of a session whose start moves: under EMIT CHANGES a
// session's row is identified by its key and start, so a record that extends a session backwards, or a merge
// that absorbs the later session into the earlier one, makes the old row stale. It is called before the change,
// with the old bounds. Without one (EMIT FINAL) nothing is retracted.
func (ss *Sessions[K, S]) Retractor(fn func(start, end int64, k *K, s *S) error) { ss.retract = fn }

// OwnKeys sets the function that copies the strings of a new key before it is stored; see Groups.OwnKeys.
func (ss *Sessions[K, S]) OwnKeys(own func(*K)) { ss.own = own }

// Label names the query the Sessions belongs to; see Groups.Label.
func (ss *Sessions[K, S]) Label(query, at string) { ss.label = stateLabel{query, at} }

// Open returns the number of open sessions.
func (ss *Sessions[K, S]) Open() int { return len(ss.heap) }

// Retain keeps each session for ms milliseconds of event time after it closed, so that late records can still
// update it ('late.data.strategy' = 'update_previous'). A record is then late only when its time is more than ms
// behind the watermark, and otherwise joins, extends, merges or starts sessions as a record on time does, closed
// ones included: every record within gap of a session dropped since was more than ms behind the watermark, so the
// sessions are those of every record not dropped, whatever the order they came in. CloseUpTo calls its function
// for a session once, when the watermark passes its last record plus the gap; the session is dropped when the
// watermark passes that plus ms. A closed session that a late record extends past the watermark opens again, and
// closes (calling the function) again.
func (ss *Sessions[K, S]) Retain(ms int64) { ss.retain = max(ms, 0) }

// RetractCorrected makes a late record that changes a closed session retract the session's row (Retractor) before
// the change, as EMIT CHANGES does for a late update of any window: the row is then written anew.
func (ss *Sessions[K, S]) RetractCorrected() { ss.retractCorrected = true }

// Kept returns the number of closed sessions kept for late updates.
func (ss *Sessions[K, S]) Kept() int { return len(ss.kept) }

// Get places a record of key k at event time ts, under the watermark wm, and returns its session, grown or
// merged to cover ts, or created. It returns nil when the record is late: its time is behind the watermark
// (ts < wm). A session closes once the watermark is past its last record plus the gap, so no record on time is
// within gap of a closed session: the sessions are those of the records on time, cut where they are more than
// gap apart, whatever the order they came in.
// The session stays valid until the next call of Get or a close.
func (ss *Sessions[K, S]) Get(k K, ts int64, wm *Watermark) (*Session[K, S], error) {
	gap := ss.gap
	if ss.retain > 0 {
		if !wm.Kept(addSat(ts, 1), ss.retain) {
			return nil, nil // more than the retention behind the watermark, or before a restart
		}
	} else if wm.Closed(addSat(ts, 1)) {
		return nil, nil // behind the watermark
	}
	head, known := ss.index[k]
	if !known {
		head = -1
	}
	// The key's sessions in start order: before is the last one that ends more than gap before ts, a and b the
	// (at most two) that ts is within gap of.
	before, a, b := int32(-1), int32(-1), int32(-1)
	for i := head; i >= 0; i = ss.slots[i].next {
		s := &ss.slots[i]
		if ts < subSat(s.Start, gap) {
			break
		}
		if ts <= addSat(s.Last, gap) {
			if a < 0 {
				a = i
				continue
			}
			b = i
			break
		}
		before = i
	}
	switch {
	case a < 0:
		s := ss.create(k, ts, known, head, before)
		if ss.retain > 0 {
			ss.settle(s, wm)
		}
		return s, nil
	case b < 0:
		s := &ss.slots[a]
		if ss.retract != nil && (ts < s.Start || s.Closed && ss.retractCorrected) {
			// The row of the old start goes; a closed session's row is withdrawn before its late update.
			if err := ss.retract(s.Start, s.Last, &s.key, &s.State); err != nil {
				return nil, err
			}
		}
		if ts < s.Start {
			s.Start = ts
			ss.up(ss.heapOf(s), int(s.pos)) // Start breaks ties in the heap
		}
		if ts > s.Last {
			s.Last = ts
			ss.down(ss.heapOf(s), int(s.pos))
		}
		if s.Closed {
			ss.settle(s, wm)
		}
		ss.note(a)
		return s, nil
	}
	// ts bridges a and b (so a.Last < ts < b.Start): one session from a.Start to b.Last. The row of b's start goes,
	// and that of a closed a too under RetractCorrected.
	sa, sb := &ss.slots[a], &ss.slots[b]
	if ss.retract != nil {
		if sa.Closed && ss.retractCorrected {
			if err := ss.retract(sa.Start, sa.Last, &sa.key, &sa.State); err != nil {
				return nil, err
			}
		}
		if err := ss.retract(sb.Start, sb.Last, &sb.key, &sb.State); err != nil {
			return nil, err
		}
	}
	start, last := sa.Start, sb.Last
	keep, gone := a, b
	if sb.seq < sa.seq {
		keep, gone = b, a
	}
	sk, sg := &ss.slots[keep], &ss.slots[gone]
	if ss.merge != nil {
		if err := ss.merge(&sk.State, &sg.State); err != nil {
			return nil, err
		}
	}
	for p, o := range sg.first {
		if o >= 0 && (int(p) >= len(sk.first) || sk.first[p] < 0 || o < sk.first[p]) {
			for len(sk.first) <= p {
				sk.first = append(sk.first, -1)
			}
			sk.first[p] = o
		}
	}
	// Unlink b (the later of the two in the key's list), then put keep where a was.
	sa.next = sb.next
	if keep == b {
		sb.next = sa.next
		if before >= 0 {
			ss.slots[before].next = b
		} else {
			ss.index[sb.key] = b // the stored key: k may view the record, and assigning replaces the map's key
		}
	}
	ss.remove(gone)
	sk = &ss.slots[keep]
	sk.Start, sk.Last = start, last
	ss.fix(ss.heapOf(sk), int(sk.pos))
	if ss.retain > 0 {
		ss.settle(sk, wm)
	}
	ss.note(keep)
	return sk, nil
}

// settle puts session s in the heap its bounds call for under the watermark: closed and kept when the watermark
// has passed its last record plus the gap, open otherwise (a late record may create a session that closed
// already, or extend a closed one past the watermark).
func (ss *Sessions[K, S]) settle(s *Session[K, S], wm *Watermark) {
	closed := closeTime(s.Last, ss.gap) <= wm.Current()
	if closed == s.Closed {
		return
	}
	from := ss.heapOf(s)
	i := (*from)[s.pos]
	ss.unheap(from, int(s.pos))
	s.Closed = closed
	h := ss.heapOf(s)
	s.pos = int32(len(*h))
	*h = append(*h, i)
	ss.up(h, int(s.pos))
}

// heapOf returns the heap session s is in: kept when it is closed, heap otherwise.
func (ss *Sessions[K, S]) heapOf(s *Session[K, S]) *[]int32 {
	if s.Closed {
		return &ss.kept
	}
	return &ss.heap
}

// create starts a session at ts for k, linked after the key's session before (-1: first), and returns it.
func (ss *Sessions[K, S]) create(k K, ts int64, known bool, head, before int32) *Session[K, S] {
	if known {
		k = ss.slots[head].key // already owned
	} else if ss.own != nil {
		own := k
		ss.own(&own)
		k = own
	}
	var i int32
	if n := len(ss.free); n > 0 {
		i = ss.free[n-1]
		ss.free = ss.free[:n-1]
	} else {
		if len(ss.slots) == math.MaxInt32 {
			panic("rt: more than 2^31-1 open sessions")
		}
		ss.slots = append(ss.slots, Session[K, S]{})
		i = int32(len(ss.slots) - 1)
	}
	s := &ss.slots[i]
	*s = Session[K, S]{Start: ts, Last: ts, key: k, next: -1, seq: ss.seq, first: s.first[:0]}
	ss.seq++
	if before >= 0 {
		s.next = ss.slots[before].next
		ss.slots[before].next = i
	} else {
		s.next = head
		ss.index[k] = i
	}
	s.pos = int32(len(ss.heap))
	ss.heap = append(ss.heap, i)
	ss.up(&ss.heap, int(s.pos))
	ss.note(i)
	return s
}

// note records the current record's offset in session i, when offsets are tracked.
func (ss *Sessions[K, S]) note(i int32) {
	if ss.cur != nil {
		ss.slots[i].first.note(ss.cur)
	}
}

// remove takes session i out of its heap and frees its slot; it must be unlinked from its key's list already.
func (ss *Sessions[K, S]) remove(i int32) {
	ss.unheap(ss.heapOf(&ss.slots[i]), int(ss.slots[i].pos))
	first := ss.slots[i].first
	ss.slots[i] = Session[K, S]{first: first[:0]} // drop what the state refers to
	ss.free = append(ss.free, i)
}

// CloseUpTo closes every session the watermark wm has passed (Last+gap < wm), calling fn with its bounds, key
// and state: sessions by closing time, then start, then creation. fn nil discards them (EMIT CHANGES wrote their
// rows already). It stops at the first error from fn; the session is removed all the same (or kept, under
// Retain, until the watermark passes its closing time plus the retention).
func (ss *Sessions[K, S]) CloseUpTo(wm int64, fn func(start, end int64, k *K, s *S) error) error {
	for len(ss.heap) > 0 && closeTime(ss.slots[ss.heap[0]].Last, ss.gap) <= wm {
		if err := ss.closeFirst(fn); err != nil {
			return err
		}
	}
	for len(ss.kept) > 0 && addSat(closeTime(ss.slots[ss.kept[0]].Last, ss.gap), ss.retain) <= wm {
		ss.drop(ss.kept[0])
	}
	return nil
}

// CloseAll closes every open session, as at the end of a bounded input, and drops the kept ones.
func (ss *Sessions[K, S]) CloseAll(fn func(start, end int64, k *K, s *S) error) error {
	for len(ss.heap) > 0 {
		if err := ss.closeFirst(fn); err != nil {
			return err
		}
	}
	for len(ss.kept) > 0 {
		ss.drop(ss.kept[0])
	}
	return nil
}

// closeFirst closes the session that closes first: it removes it, or under Retain moves it to the kept ones.
func (ss *Sessions[K, S]) closeFirst(fn func(start, end int64, k *K, s *S) error) error {
	i := ss.heap[0]
	s := &ss.slots[i]
	var err error
	if fn != nil {
		err = fn(s.Start, s.Last, &s.key, &s.State)
		s = &ss.slots[i]
	}
	if ss.retain > 0 {
		ss.unheap(&ss.heap, 0)
		s.Closed = true
		s.pos = int32(len(ss.kept))
		ss.kept = append(ss.kept, i)
		ss.up(&ss.kept, int(s.pos))
		return err
	}
	ss.drop(i)
	return err
}

// drop removes session i, the first of its key's sessions: a key's sessions are apart and so end in start
// order, and every closed one of a key comes before its open ones.
func (ss *Sessions[K, S]) drop(i int32) {
	s := &ss.slots[i]
	if s.next >= 0 {
		ss.index[s.key] = s.next
	} else {
		delete(ss.index, s.key)
	}
	ss.remove(i)
}

// closeTime is when a session whose last record is at last closes: the first watermark past last+gap.
func closeTime(last, gap int64) int64 { return addSat(addSat(last, gap), 1) }

// subSat is a - b for b >= 0, saturating at math.MinInt64.
func subSat(a, b int64) int64 {
	if a < math.MinInt64+b {
		return math.MinInt64
	}
	return a - b
}

// The heaps of open and of kept sessions, by (Last, Start, seq).

func (ss *Sessions[K, S]) less(h []int32, x, y int) bool {
	a, b := &ss.slots[h[x]], &ss.slots[h[y]]
	if a.Last != b.Last {
		return a.Last < b.Last
	}
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return a.seq < b.seq
}

func (ss *Sessions[K, S]) swap(h []int32, x, y int) {
	h[x], h[y] = h[y], h[x]
	ss.slots[h[x]].pos = int32(x)
	ss.slots[h[y]].pos = int32(y)
}

func (ss *Sessions[K, S]) up(hp *[]int32, j int) {
	h := *hp
	for j > 0 {
		p := (j - 1) / 2
		if !ss.less(h, j, p) {
			return
		}
		ss.swap(h, j, p)
		j = p
	}
}

func (ss *Sessions[K, S]) down(hp *[]int32, j int) {
	h := *hp
	n := len(h)
	for {
		c := 2*j + 1
		if c >= n {
			return
		}
		if c+1 < n && ss.less(h, c+1, c) {
			c++
		}
		if !ss.less(h, c, j) {
			return
		}
		ss.swap(h, j, c)
		j = c
	}
}

func (ss *Sessions[K, S]) fix(hp *[]int32, j int) {
	ss.up(hp, j)
	ss.down(hp, j)
}

// unheap takes the entry at position p out of the heap *hp.
func (ss *Sessions[K, S]) unheap(hp *[]int32, p int) {
	n := len(*hp) - 1
	if p != n {
		ss.swap(*hp, p, n)
	}
	*hp = (*hp)[:n]
	if p != n {
		ss.fix(hp, p)
	}
}

// bind, held, reset, checkpoint and restore make Sessions a Stateful: it holds the oldest offset, per partition,
// of the records in its open sessions. A closed session was emitted, so its records need no replay.
func (ss *Sessions[K, S]) bind(c *Cursor, _ partitions) { ss.cur = c }
func (ss *Sessions[K, S]) checkpoint(int32) string      { return "" }
func (ss *Sessions[K, S]) restore(int32, string)        {}
func (ss *Sessions[K, S]) held(p int32) (int64, bool) {
	var low int64
	found := false
	for _, i := range ss.heap {
		if o, ok := ss.slots[i].first.get(p); ok && (!found || o < low) {
			low, found = o, true
		}
	}
	return low, found
}
func (ss *Sessions[K, S]) reset() {
	clear(ss.index)
	ss.slots, ss.free, ss.heap, ss.kept = ss.slots[:0], ss.free[:0], ss.heap[:0], ss.kept[:0]
}

// memLabel, memSize, spillWeight, spill and spillErr make Sessions a memState: the memory watcher counts its
// sessions, and finds none it can move to disk.
func (ss *Sessions[K, S]) memLabel() stateLabel { return ss.label }
func (ss *Sessions[K, S]) memSize() (groups, inMemory, windows int, perGroup int64) {
	var s Session[K, S]
	n := len(ss.heap) + len(ss.kept)
	return n, n, n, int64(unsafe.Sizeof(s))*5/4 + (int64(unsafe.Sizeof(s.key))+4)*3/2
}
func (ss *Sessions[K, S]) spillWeight() int64           { return 0 }
func (ss *Sessions[K, S]) spill(*spillEnv) (int, error) { return 0, nil }
func (ss *Sessions[K, S]) spillErr() error              { return nil }

// Each calls fn for every value in the set, in no particular order: merging two sessions' DISTINCT aggregates
// adds the values of one set that the other lacks.
func (d *Distinct[T]) Each(fn func(v T)) {
	for v := range d.set {
		fn(v)
	}
}
