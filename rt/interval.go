// Interval joins: the state of a stream–stream join whose rows meet when their keys are equal and their event
// times lie within an interval of each other, and MinWatermark, the watermark of a query with several inputs.

package rt

import (
	"cmp"
	"math"
	"slices"
	"sync/atomic"
	"unsafe"
)

// IntervalJoin is the state of a stream–stream interval join,
//
//	FROM l JOIN r ON l.k = r.k AND r.ts BETWEEN l.ts - before AND l.ts + after
//
// A left row at time tl meets every right row of its key with tr in [tl − before, tl + after], both ends
// included; a right row at tr meets every left row of its key with tl in [tr − after, tr + before]. Each input's
// rows are kept, as copies, until the watermark passes the end of their interval (a left row's tl + after, a right
// row's tr + before): no row that is not late can meet them after that. Then a row of an outer side (keepLeft for
// LEFT and FULL, keepRight for RIGHT and FULL) that met no row is emitted, NULL-extended by the caller, and every
// row is evicted. State is thus bounded by the rows of the interval plus the inputs' out-of-orderness.
//
// A query drives it one record at a time (only one goroutine uses it; a query with several inputs serializes
// them): for a record of the left input with key k and event time ts,
//
//	late, err := j.Left(k, ts, &rec, q.on, q.pair, q.leftOnly) // joins rec with the right rows kept, keeps a copy
//	if late { count it }
//	if q.wm.Observe(0, ts) {
//		err = j.Advance(q.wm.Current(), q.leftOnly, q.rightOnly) // emits the outer rows whose interval ended
//	}
//
// and likewise Right for the right input; MinWatermark.End when an input ends, and Flush at the end of bounded
// input. A record whose time is below the watermark is late: the rows it would have met may be gone, so it is
// neither joined nor kept, and Left and Right report it for the caller to count. A record whose key is NULL
// meets no row: the caller does not pass it here but checks Late, emits it NULL-extended at once if its side is
// kept and it is not late (it is not kept, so it comes out ahead of outer rows of its time that had keys), and
// observes its time as any record's.
//
// Order: a record's pairs come out in the order the other side's rows of its key arrived. Advance and Flush emit
// outer rows in the order their intervals end (tl + after, tr + before), rows whose intervals end together in the
// order they arrived.
//
// Time arithmetic saturates at the int64 range. before and after may be negative (an interval that excludes the
// row's own time, as BETWEEN l.ts + 5s AND l.ts + 10s gives), but the interval may not be empty.
//
// The zero IntervalJoin is not usable; create one with NewIntervalJoin.
type IntervalJoin[K comparable, L, R any] struct {
	before, after       int64
	keepLeft, keepRight bool
	ownL                func(*L) // make a kept row's strings its own: decoded strings view the read buffer
	ownR                func(*R)
	ownK                func(*K) // and a new key's

	keys  map[K]*ijBucket[K, L, R]
	queue ijQueue[K, L, R] // every kept row, by (end, seq): the order rows expire in
	// curL and curR are the positions of the records the two inputs are handing over, when their sources commit
	// offsets (Kafka: see Side); nil otherwise.
	curL, curR *Cursor
	wm         int64  // the watermark of the last Advance
	seq        uint64 // the arrival number of the next row, over both inputs
	// label names the query, for the job's status; shown is the number of rows kept as the status last saw it
	// (published by Advance, Flush and every 64 rows, read from another goroutine).
	label stateLabel
	shown atomic.Int64
	n     int // rows kept
}

// ijBucket holds the rows of one key, per input in arrival order. It is removed once both are empty.
type ijBucket[K comparable, L, R any] struct {
	key   K
	left  ijRows[L]
	right ijRows[R]
}

// ijRows is one input's rows of a key, in arrival order (so in seq order). Evicted rows are marked gone and
// cleared, and removed when they are as many as those still kept: a key's slice grows only with its rows kept.
type ijRows[T any] struct {
	rows []ijRow[T]
	gone int
}

type ijRow[T any] struct {
	row     T
	ts      int64
	seq     uint64
	part    int32 // the partition and offset of the record the row came from, when its source commits offsets
	off     int64
	matched bool // the row met a row of the other input
	gone    bool // evicted
}

// ijExpiry is a kept row in the join's queue: it expires once the watermark passes end.
type ijExpiry[K comparable, L, R any] struct {
	end   int64
	seq   uint64
	b     *ijBucket[K, L, R]
	right bool
}

// ijMaxBound bounds before and after, so that negating them and adding them never overflows.
const ijMaxBound = 1 << 62

// ijShrinkCap is the capacity from which a slice that is mostly empty is reallocated smaller.
const ijShrinkCap = 64

// NewIntervalJoin returns an empty IntervalJoin for the interval [t − before, t + after] (milliseconds, as
// event times are). keepLeft and keepRight say which sides are outer: both false for INNER, keepLeft for LEFT,
// keepRight for RIGHT, both for FULL. ownL, ownR and ownK copy the strings of a kept row and of a new key (nil:
// they have none). It panics if the interval is empty (before + after < 0) or a bound exceeds ±2^62.
func NewIntervalJoin[K comparable, L, R any](before, after int64, keepLeft, keepRight bool,
	ownL func(*L), ownR func(*R), ownK func(*K)) *IntervalJoin[K, L, R] {
	if before < -ijMaxBound || before > ijMaxBound || after < -ijMaxBound || after > ijMaxBound {
		panic("rt: interval join bound out of range")
	}
	if before+after < 0 {
		panic("rt: interval join interval is empty")
	}
	return &IntervalJoin[K, L, R]{before: before, after: after, keepLeft: keepLeft, keepRight: keepRight,
		ownL: ownL, ownR: ownR, ownK: ownK, keys: make(map[K]*ijBucket[K, L, R]), wm: math.MinInt64}
}

// Len returns the number of rows kept, of both inputs.
func (j *IntervalJoin[K, L, R]) Len() int { return j.n }

// Label names the query the join belongs to and where it is in the script, for the job's status.
func (j *IntervalJoin[K, L, R]) Label(query, at string) { j.label = stateLabel{query, at} }

// Late reports whether a record at event time ts is late: below the watermark of the last Advance.
func (j *IntervalJoin[K, L, R]) Late(ts int64) bool { return ts < j.wm }

// Watermark returns the watermark of the last Advance (math.MinInt64 before the first).
func (j *IntervalJoin[K, L, R]) Watermark() int64 { return j.wm }

// OutWatermark returns the watermark of the join's output: no row the join emits from now on has a left or a
// right row with an earlier event time (nor, so, a later-of-the-two time earlier). A record that arrives is not
// late, so at or past the watermark; the left rows a right record meets lie at most after before it, the right
// rows a left record meets at most before before it; an outer row kept has not reached the end of its interval
// (its time plus after, or plus before). So it is the watermark less the larger of before, after and 0. A query
// that reads the join's rows by either row's time follows it. Read it after Advance has emitted the rows the
// watermark passed: they came out under the previous value.
func (j *IntervalJoin[K, L, R]) OutWatermark() int64 { return satAdd(j.wm, -max(j.before, j.after, 0)) }

// Left joins a left record l with key k and event time ts to the right rows kept, then keeps a copy of it. For
// each right row of key k within l's interval for which on holds (nil: the join has no other condition), it calls
// out, in the order the right rows arrived; l and the row are the caller's and the join's until out returns. It
// reports a late record (see Late) and does nothing else with it. If on or out fails, Left returns the error and
// does not keep l.
//
// When after is negative, l's interval may have ended already (tl + after is below the watermark): then l is not
// kept, and if left rows are kept and it met no right row, Left passes it to outL at once, as Advance would. outL
// is called only then: it may be nil when after >= 0 or for INNER and RIGHT joins.
func (j *IntervalJoin[K, L, R]) Left(k K, ts int64, l *L, on func(l *L, r *R) (bool, error), out func(l *L, r *R) error,
	outL func(l *L) error) (late bool, err error) {
	if ts < j.wm {
		return true, nil
	}
	b := j.keys[k]
	matched := false
	if b != nil && len(b.right.rows) > 0 {
		lo, hi := satAdd(ts, -j.before), satAdd(ts, j.after)
		rs := b.right.rows
		for i := range rs {
			r := &rs[i]
			if r.gone || r.ts < lo || r.ts > hi {
				continue
			}
			if on != nil {
				ok, err := on(l, &r.row)
				if err != nil {
					return false, err
				}
				if !ok {
					continue
				}
			}
			if err := out(l, &r.row); err != nil {
				return false, err
			}
			matched, r.matched = true, true
		}
	}
	end := satAdd(ts, j.after)
	if end < j.wm { // no right row to come can meet l
		if j.keepLeft && !matched {
			return false, outL(l)
		}
		return false, nil
	}
	if b == nil {
		b = j.newBucket(k)
	}
	row := ijRow[L]{row: *l, ts: ts, seq: j.seq, matched: matched}
	if c := j.curL; c != nil {
		row.part, row.off = c.Partition, c.Offset
	}
	b.left.rows = append(b.left.rows, row)
	if j.ownL != nil {
		j.ownL(&b.left.rows[len(b.left.rows)-1].row)
	}
	j.queue.push(ijExpiry[K, L, R]{end: end, seq: j.seq, b: b})
	j.seq++
	j.n++
	if j.n&63 == 0 {
		j.shown.Store(int64(j.n))
	}
	return false, nil
}

// Right is Left for a right record r: it meets the left rows of key k with tl in [ts − after, ts + before], in
// the order they arrived, and out gets the left row first. outR is called only when before is negative (see
// Left).
func (j *IntervalJoin[K, L, R]) Right(k K, ts int64, r *R, on func(l *L, r *R) (bool, error), out func(l *L, r *R) error,
	outR func(r *R) error) (late bool, err error) {
	if ts < j.wm {
		return true, nil
	}
	b := j.keys[k]
	matched := false
	if b != nil && len(b.left.rows) > 0 {
		lo, hi := satAdd(ts, -j.after), satAdd(ts, j.before)
		ls := b.left.rows
		for i := range ls {
			l := &ls[i]
			if l.gone || l.ts < lo || l.ts > hi {
				continue
			}
			if on != nil {
				ok, err := on(&l.row, r)
				if err != nil {
					return false, err
				}
				if !ok {
					continue
				}
			}
			if err := out(&l.row, r); err != nil {
				return false, err
			}
			matched, l.matched = true, true
		}
	}
	end := satAdd(ts, j.before)
	if end < j.wm { // no left row to come can meet r
		if j.keepRight && !matched {
			return false, outR(r)
		}
		return false, nil
	}
	if b == nil {
		b = j.newBucket(k)
	}
	row := ijRow[R]{row: *r, ts: ts, seq: j.seq, matched: matched}
	if c := j.curR; c != nil {
		row.part, row.off = c.Partition, c.Offset
	}
	b.right.rows = append(b.right.rows, row)
	if j.ownR != nil {
		j.ownR(&b.right.rows[len(b.right.rows)-1].row)
	}
	j.queue.push(ijExpiry[K, L, R]{end: end, seq: j.seq, b: b, right: true})
	j.seq++
	j.n++
	if j.n&63 == 0 {
		j.shown.Store(int64(j.n))
	}
	return false, nil
}

// newBucket adds an empty bucket for key k, with its own copy of the key.
func (j *IntervalJoin[K, L, R]) newBucket(k K) *ijBucket[K, L, R] {
	if j.ownK != nil {
		j.ownK(&k)
	}
	b := &ijBucket[K, L, R]{key: k}
	j.keys[k] = b
	return b
}

// dropIfEmpty removes b once it keeps no rows.
func (j *IntervalJoin[K, L, R]) dropIfEmpty(b *ijBucket[K, L, R]) {
	if b.left.kept() == 0 && b.right.kept() == 0 {
		delete(j.keys, b.key)
	}
}

// Advance moves the watermark to wm (if it is ahead) and evicts every row whose interval ended before it: a left
// row with tl + after < wm, a right row with tr + before < wm. outL gets each left row evicted that met no right
// row, if left rows are kept (LEFT, FULL); outR likewise. The row is the join's until the call returns. Advance
// stops at the first error, which it returns; the row it was emitting is evicted all the same.
func (j *IntervalJoin[K, L, R]) Advance(wm int64, outL func(l *L) error, outR func(r *R) error) error {
	if wm <= j.wm {
		return nil
	}
	j.wm = wm
	defer func() { j.shown.Store(int64(j.n)) }()
	for j.queue.due(wm, false) {
		if err := j.expire(j.queue.pop(), outL, outR); err != nil {
			return err
		}
	}
	return nil
}

// Flush evicts every row kept, emitting the outer rows that met none as Advance does, in the same order: at the
// end of bounded input, no row comes any more.
func (j *IntervalJoin[K, L, R]) Flush(outL func(l *L) error, outR func(r *R) error) error {
	defer func() { j.shown.Store(int64(j.n)) }()
	for j.queue.due(0, true) {
		if err := j.expire(j.queue.pop(), outL, outR); err != nil {
			return err
		}
	}
	return nil
}

// expire evicts the row e stands for, emitting it first if its side is kept and it met no row.
func (j *IntervalJoin[K, L, R]) expire(e ijExpiry[K, L, R], outL func(l *L) error, outR func(r *R) error) error {
	b := e.b
	var err error
	if e.right {
		i := b.right.find(e.seq)
		if r := &b.right.rows[i]; j.keepRight && !r.matched {
			err = outR(&r.row)
		}
		b.right.evict(i)
	} else {
		i := b.left.find(e.seq)
		if l := &b.left.rows[i]; j.keepLeft && !l.matched {
			err = outL(&l.row)
		}
		b.left.evict(i)
	}
	j.n--
	j.dropIfEmpty(b)
	return err
}

// Side returns the rows of one input (the right one if right is set) as state its source tracks (Source.Track):
// the source then commits no offset of a row the join still keeps, so that a restart replays it, and on a
// rebalance the join drops that input's rows, which the new owner of its partitions replays; the other input's
// rows stay.
func (j *IntervalJoin[K, L, R]) Side(right bool) Stateful {
	if right {
		return &ijSide[K, L, R]{j: j, right: true}
	}
	return ijLeft[K, L, R]{&ijSide[K, L, R]{j: j}}
}

// ijLeft is the left input as a Stateful that the memory watcher measures too (a memState): it reports the rows
// both sides keep, so that the job's status shows a join's buffers. The rows cannot spill.
type ijLeft[K comparable, L, R any] struct{ *ijSide[K, L, R] }

var _ memState = ijLeft[int, int, int]{}

func (s ijLeft[K, L, R]) memLabel() stateLabel { return s.j.label }

func (s ijLeft[K, L, R]) memSize() (groups, inMemory, windows int, perGroup int64) {
	n := int(s.j.shown.Load())
	return n, n, 0, int64(unsafe.Sizeof(ijRow[L]{})+unsafe.Sizeof(ijRow[R]{}))/2 + 16
}

func (s ijLeft[K, L, R]) spillWeight() int64           { return 0 }
func (s ijLeft[K, L, R]) spill(*spillEnv) (int, error) { return 0, nil }
func (s ijLeft[K, L, R]) spillErr() error              { return nil }

// ijSide is one input of an IntervalJoin as a Stateful.
type ijSide[K comparable, L, R any] struct {
	j     *IntervalJoin[K, L, R]
	right bool
}

func (s *ijSide[K, L, R]) bind(c *Cursor, _ partitions) {
	if s.right {
		s.j.curR = c
	} else {
		s.j.curL = c
	}
}

// held returns the oldest offset of partition p among the rows of the side still kept.
func (s *ijSide[K, L, R]) held(p int32) (int64, bool) {
	var low int64
	found := false
	note := func(part int32, off int64, gone bool) {
		if !gone && part == p && (!found || off < low) {
			low, found = off, true
		}
	}
	for _, b := range s.j.keys {
		if s.right {
			for i := range b.right.rows {
				note(b.right.rows[i].part, b.right.rows[i].off, b.right.rows[i].gone)
			}
		} else {
			for i := range b.left.rows {
				note(b.left.rows[i].part, b.left.rows[i].off, b.left.rows[i].gone)
			}
		}
	}
	return low, found
}

func (s *ijSide[K, L, R]) checkpoint(int32) string { return "" }
func (s *ijSide[K, L, R]) restore(int32, string)   {}

// reset drops the side's rows without emitting them, and rebuilds the queue of the rows of the other side.
func (s *ijSide[K, L, R]) reset() {
	j := s.j
	j.queue = ijQueue[K, L, R]{}
	j.n = 0
	defer func() { j.shown.Store(int64(j.n)) }()
	for k, b := range j.keys {
		if s.right {
			b.right = ijRows[R]{}
		} else {
			b.left = ijRows[L]{}
		}
		if b.left.kept() == 0 && b.right.kept() == 0 {
			delete(j.keys, k)
			continue
		}
		for i := range b.left.rows {
			if r := &b.left.rows[i]; !r.gone {
				j.queue.push(ijExpiry[K, L, R]{end: satAdd(r.ts, j.after), seq: r.seq, b: b})
				j.n++
			}
		}
		for i := range b.right.rows {
			if r := &b.right.rows[i]; !r.gone {
				j.queue.push(ijExpiry[K, L, R]{end: satAdd(r.ts, j.before), seq: r.seq, b: b, right: true})
				j.n++
			}
		}
	}
}

// kept returns the number of rows not evicted.
func (s *ijRows[T]) kept() int { return len(s.rows) - s.gone }

// find returns the index of the row with arrival number seq, which must be there.
func (s *ijRows[T]) find(seq uint64) int {
	if s.rows[s.gone].seq == seq { // rows mostly expire in the order they came
		return s.gone
	}
	i, ok := slices.BinarySearchFunc(s.rows, seq, func(r ijRow[T], seq uint64) int {
		switch {
		case r.seq < seq:
			return -1
		case r.seq > seq:
			return 1
		}
		return 0
	})
	if !ok {
		panic("rt: interval join row not found")
	}
	return i
}

// evict marks row i gone and clears it, so that its strings can be collected; once the rows gone are as many as
// those kept, it removes them (and gives back memory of a slice mostly empty).
func (s *ijRows[T]) evict(i int) {
	s.rows[i] = ijRow[T]{seq: s.rows[i].seq, gone: true}
	s.gone++
	n := s.kept()
	if s.gone < n {
		return
	}
	if n == 0 {
		clear(s.rows)
		s.rows, s.gone = s.rows[:0], 0
		if cap(s.rows) >= ijShrinkCap {
			s.rows = nil
		}
		return
	}
	rows := s.rows
	if cap(rows) >= ijShrinkCap && 4*n <= cap(rows) {
		rows = make([]ijRow[T], 0, 2*n)
	}
	kept := rows[:0]
	for k := range s.rows {
		if !s.rows[k].gone {
			kept = append(kept, s.rows[k])
		}
	}
	clear(s.rows[len(kept):len(s.rows)])
	s.rows, s.gone = kept, 0
}

// ijQueue holds the kept rows in the order they expire, by (end, seq). Rows pushed go to an inbox, unsorted;
// a full inbox, or one holding a row that is due, is sorted into a run, and the runs are merged through a small
// heap by their next row. Rows mostly come nearly in the order they expire, so sorting costs little, and popping
// a row touches the run heap (a few dozen runs) rather than a heap of every row.
type ijQueue[K comparable, L, R any] struct {
	inbox    []ijExpiry[K, L, R] // rows pushed since the last seal, in arrival order
	inboxMin int64               // the smallest end in the inbox, if it is not empty
	runs     []ijRun[K, L, R]    // a min-heap by each run's next row
	free     [][]ijExpiry[K, L, R]
	counts   []int32 // scratch of sortRun
	n        int     // rows held
}

// ijRun is a sorted run of rows; those before head have been handed out.
type ijRun[K comparable, L, R any] struct {
	rows []ijExpiry[K, L, R]
	head int
}

const (
	ijRunLen = 512 // rows of a full inbox, and the capacity of the arrays of runs and inboxes
	ijFree   = 4   // arrays kept for reuse
)

func (q *ijQueue[K, L, R]) push(e ijExpiry[K, L, R]) {
	if len(q.inbox) == 0 {
		if q.inbox == nil {
			q.inbox = q.array()
		}
		q.inboxMin = e.end
	} else if e.end < q.inboxMin {
		q.inboxMin = e.end
	}
	q.inbox = append(q.inbox, e)
	q.n++
	if len(q.inbox) == ijRunLen {
		q.seal()
	}
}

// array returns an empty array of capacity ijRunLen.
func (q *ijQueue[K, L, R]) array() []ijExpiry[K, L, R] {
	if n := len(q.free); n > 0 {
		a := q.free[n-1]
		q.free[n-1] = nil
		q.free = q.free[:n-1]
		return a
	}
	return make([]ijExpiry[K, L, R], 0, ijRunLen)
}

// recycle keeps array a, whose rows are gone, for reuse if it has the size.
func (q *ijQueue[K, L, R]) recycle(a []ijExpiry[K, L, R]) {
	if cap(a) == ijRunLen && len(q.free) < ijFree {
		clear(a[:cap(a)])
		q.free = append(q.free, a[:0])
	}
}

// seal sorts the whole inbox into a run.
func (q *ijQueue[K, L, R]) seal() {
	q.addRun(q.sortRun(q.inbox))
	q.inbox = nil
}

// sealDue moves the rows of the inbox that end before wm to a run, so that they can be handed out in order.
func (q *ijQueue[K, L, R]) sealDue(wm int64) {
	due := 0
	for i := range q.inbox {
		if q.inbox[i].end < wm {
			due++
		}
	}
	if due == len(q.inbox) {
		q.seal()
		return
	}
	run := q.array()
	kept := q.inbox[:0]
	q.inboxMin = math.MaxInt64
	for _, e := range q.inbox {
		if e.end < wm {
			run = append(run, e)
		} else {
			kept = append(kept, e)
			q.inboxMin = min(q.inboxMin, e.end)
		}
	}
	clear(q.inbox[len(kept):])
	q.inbox = kept
	q.addRun(q.sortRun(run))
}

// sortRun sorts rows, which are in arrival order, by (end, seq), in place or into another array it returns. The
// ends of an inbox mostly lie close together: then a counting sort by end, which keeps the arrival order of rows
// that end together, does it in three passes.
func (q *ijQueue[K, L, R]) sortRun(rows []ijExpiry[K, L, R]) []ijExpiry[K, L, R] {
	lo, hi := rows[0].end, rows[0].end
	for i := range rows {
		lo, hi = min(lo, rows[i].end), max(hi, rows[i].end)
	}
	if span := uint64(hi) - uint64(lo); span >= uint64(4*len(rows)) || len(rows) > ijRunLen {
		slices.SortFunc(rows, func(a, b ijExpiry[K, L, R]) int {
			if c := cmp.Compare(a.end, b.end); c != 0 {
				return c
			}
			return cmp.Compare(a.seq, b.seq)
		})
		return rows
	}
	n := int(uint64(hi)-uint64(lo)) + 1
	if cap(q.counts) < n {
		q.counts = make([]int32, 4*ijRunLen)
	}
	counts := q.counts[:n]
	clear(counts)
	for i := range rows {
		counts[rows[i].end-lo]++
	}
	var at int32
	for i, c := range counts {
		counts[i] = at
		at += c
	}
	sorted := q.array()[:len(rows)]
	for i := range rows {
		c := &counts[rows[i].end-lo]
		sorted[*c] = rows[i]
		*c++
	}
	q.recycle(rows)
	return sorted
}

// due reports whether the next row to expire ends before wm (any row, with all); if so, pop returns it.
func (q *ijQueue[K, L, R]) due(wm int64, all bool) bool {
	if len(q.inbox) > 0 {
		if all {
			q.seal()
		} else if q.inboxMin < wm {
			q.sealDue(wm)
		}
	}
	if len(q.runs) == 0 {
		return false
	}
	r := &q.runs[0]
	return all || r.rows[r.head].end < wm
}

// pop removes and returns the next row to expire; due must have reported it.
func (q *ijQueue[K, L, R]) pop() ijExpiry[K, L, R] {
	r := &q.runs[0]
	e := r.rows[r.head]
	r.rows[r.head] = ijExpiry[K, L, R]{}
	r.head++
	q.n--
	switch left := len(r.rows) - r.head; {
	case left == 0:
		q.recycle(r.rows)
		last := len(q.runs) - 1
		q.runs[0] = q.runs[last]
		q.runs[last] = ijRun[K, L, R]{}
		q.runs = q.runs[:last]
	case 4*left <= len(r.rows) && len(r.rows) >= 64:
		// Most of the run has been handed out and the rest may wait long: give back its array. (A run of rows
		// that fell due, sealed early, is handed out at once: its size, not its array's, decides.)
		a := append(make([]ijExpiry[K, L, R], 0, left), r.rows[r.head:]...)
		q.recycle(r.rows)
		r.rows, r.head = a, 0
	}
	q.down(0)
	return e
}

// addRun adds a sorted run that is not empty to the heap.
func (q *ijQueue[K, L, R]) addRun(rows []ijExpiry[K, L, R]) {
	q.runs = append(q.runs, ijRun[K, L, R]{rows: rows})
	c := len(q.runs) - 1
	for c > 0 {
		p := (c - 1) / 2
		if !q.less(c, p) {
			break
		}
		q.runs[c], q.runs[p] = q.runs[p], q.runs[c]
		c = p
	}
}

func (q *ijQueue[K, L, R]) down(p int) {
	for {
		c := 2*p + 1
		if c >= len(q.runs) {
			return
		}
		if c+1 < len(q.runs) && q.less(c+1, c) {
			c++
		}
		if !q.less(c, p) {
			return
		}
		q.runs[p], q.runs[c] = q.runs[c], q.runs[p]
		p = c
	}
}

// less orders runs by their next row, by (end, seq).
func (q *ijQueue[K, L, R]) less(i, j int) bool {
	a, b := &q.runs[i].rows[q.runs[i].head], &q.runs[j].rows[q.runs[j].head]
	return a.end < b.end || a.end == b.end && a.seq < b.seq
}

// MinWatermark is the watermark of a query with several inputs (the two sides of a join, the branches of a UNION
// ALL): the smallest of the inputs' watermarks, each the largest event time seen on the input minus its allowed
// out-of-orderness (or set from outside, see Set). An input that has seen no record holds it at math.MinInt64
// until it ends; an input that ended, or is idle, does not hold it back. When every input left is idle, the
// largest of the inputs' watermarks counts; when every input has ended, nothing holds it back and it is
// math.MaxInt64. It never moves back. Only one goroutine uses it.
//
// The zero MinWatermark is not usable; create one with NewMinWatermark.
type MinWatermark struct {
	inputs  []minInput
	current int64
}

type minInput struct {
	delay int64 // the allowed out-of-orderness
	wm    int64 // the input's own watermark, once seen
	seen  bool
	idle  bool
	ended bool
}

// NewMinWatermark returns a MinWatermark over len(maxOutOfOrder) inputs, input i allowing events to arrive up to
// maxOutOfOrder[i] milliseconds behind its newest (negative counts as 0). Current starts at math.MinInt64.
func NewMinWatermark(maxOutOfOrder ...int64) *MinWatermark {
	w := &MinWatermark{inputs: make([]minInput, len(maxOutOfOrder)), current: math.MinInt64}
	for i, d := range maxOutOfOrder {
		w.inputs[i] = minInput{delay: max(d, 0), wm: math.MinInt64}
	}
	return w
}

// Observe records event time ts of a record of input i, which is busy from now on if it was idle, and reports
// whether the watermark advanced.
func (w *MinWatermark) Observe(i int, ts int64) bool {
	return w.Set(i, satAdd(ts, -w.inputs[i].delay))
}

// Set moves input i's watermark to wm, if that is ahead, for an input whose watermark is kept elsewhere (a
// source's Watermark over its partitions); the input is busy from now on if it was idle. It reports whether the
// watermark advanced.
func (w *MinWatermark) Set(i int, wm int64) bool {
	in := &w.inputs[i]
	if !in.idle && in.seen {
		if wm <= in.wm {
			return false
		}
		held := in.wm <= w.current // only an input at the minimum holds the watermark back
		in.wm = wm
		if !held || in.ended {
			return false
		}
		return w.refresh()
	}
	in.idle = false
	if !in.seen || wm > in.wm {
		in.wm, in.seen = wm, true
	}
	return w.refresh()
}

// Idle marks input i idle (it has had no record for its idle timeout) or busy again, and reports whether the
// watermark advanced. A record (Observe, Set) makes an idle input busy.
func (w *MinWatermark) Idle(i int, idle bool) bool {
	if w.inputs[i].idle == idle {
		return false
	}
	w.inputs[i].idle = idle
	return w.refresh()
}

// End marks input i ended: it has no more records, and no longer holds the watermark back. It reports whether
// the watermark advanced.
func (w *MinWatermark) End(i int) bool {
	if w.inputs[i].ended {
		return false
	}
	w.inputs[i].ended = true
	return w.refresh()
}

// Current returns the watermark.
func (w *MinWatermark) Current() int64 { return w.current }

// refresh recomputes the watermark from the inputs and reports whether it advanced.
func (w *MinWatermark) refresh() bool {
	low := int64(math.MaxInt64)
	high := int64(math.MinInt64)
	busy, idle, seen := false, false, false
	for i := range w.inputs {
		in := &w.inputs[i]
		if in.seen {
			high, seen = max(high, in.wm), true
		}
		switch {
		case in.ended:
		case in.idle:
			idle = true
		case !in.seen:
			busy, low = true, math.MinInt64
		default:
			busy, low = true, min(low, in.wm)
		}
	}
	if !busy && idle {
		if !seen {
			return false
		}
		low = high
	}
	if low <= w.current {
		return false
	}
	w.current = low
	return true
}
