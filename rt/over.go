// The state of window functions (OVER): Partitions (the state of each PARTITION BY key, oldest-used first),
// Reorder (rows waiting for the watermark, handed over in event-time order by peer group), Ranker (ROW_NUMBER,
// RANK, ...), Ring (LAG, ROWS frames, rows waiting for LEAD) and TimeFrame (RANGE frames).

package rt

import (
	"errors"
	"math"
	"sort"
)

// Partitions maps a PARTITION BY key to the state of its partition. When partitions expire, it keeps them in the
// order they were last used, so that Expire finds those without rows for a while at its front; otherwise in the
// order they were created, which spares each Get the two other partitions' memory that moving its partition to
// the back of the list touches.
//
// The zero Partitions is not usable; create one with NewPartitions.
type Partitions[K comparable, P any] struct {
	index      map[K]*Part[K, P]
	head, tail *Part[K, P] // least and most recently used (created, without expiry)
	expires    bool

	cur   *Cursor      // the position of the record being processed when offsets are tracked; nil otherwise
	first firstOffsets // per partition, the offset of the first record that went into a partition
	label stateLabel
}

// Part is one partition of a Partitions: its key and its state.
type Part[K comparable, P any] struct {
	key        K
	state      P
	last       int64 // the latest event time the partition was used at
	prev, next *Part[K, P]
}

// Key returns the partition's key.
func (e *Part[K, P]) Key() *K { return &e.key }

// State returns the partition's state.
func (e *Part[K, P]) State() *P { return &e.state }

// NewPartitions returns an empty Partitions; expires says whether it will be asked to Expire partitions.
func NewPartitions[K comparable, P any](expires bool) *Partitions[K, P] {
	return &Partitions[K, P]{index: make(map[K]*Part[K, P]), expires: expires}
}

// Label names the query the Partitions belongs to; see Groups.Label.
func (s *Partitions[K, P]) Label(query, at string) { s.label = stateLabel{query, at} }

// Get returns the state of partition k, used at event time ts, creating a zero state if k is new (created). The
// caller owns k's strings (see Own). The pointer stays valid until the partition expires.
func (s *Partitions[K, P]) Get(k K, ts int64) (p *P, created bool) {
	if s.cur != nil {
		s.first.note(s.cur)
	}
	e := s.index[k]
	if e == nil {
		e = &Part[K, P]{key: k, last: ts}
		s.index[k] = e
		s.pushBack(e)
		return &e.state, true
	}
	e.last = max(e.last, ts)
	if s.expires && e != s.tail {
		s.unlink(e)
		s.pushBack(e)
	}
	return &e.state, false
}

// Find returns partition k, or nil when there is none yet, for a query whose rows carry their partition while
// they wait for the watermark, so that the partition is looked up once per row. The Partitions must not expire
// partitions: the pointer stays valid until the Partitions is reset, as the Reorder holding it is.
func (s *Partitions[K, P]) Find(k K) *Part[K, P] {
	if s.cur != nil {
		s.first.note(s.cur)
	}
	return s.index[k]
}

// Create adds partition k, which Find did not find, with a zero state. The caller owns k's strings (see Own).
func (s *Partitions[K, P]) Create(k K, ts int64) *Part[K, P] {
	e := &Part[K, P]{key: k, last: ts}
	s.index[k] = e
	s.pushBack(e)
	return e
}

func (s *Partitions[K, P]) pushBack(e *Part[K, P]) {
	e.prev, e.next = s.tail, nil
	if s.tail != nil {
		s.tail.next = e
	} else {
		s.head = e
	}
	s.tail = e
}

func (s *Partitions[K, P]) unlink(e *Part[K, P]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		s.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

// Expire drops the partitions last used before event time olderThan, calling fn for each first (fn may write
// rows the partition still holds). Rows are handed to partitions in event-time order, so those are at the front.
// It needs a Partitions made to expire.
func (s *Partitions[K, P]) Expire(olderThan int64, fn func(k *K, p *P) error) error {
	if !s.expires {
		panic("rt: Expire on Partitions made without expiry")
	}
	for s.head != nil && s.head.last < olderThan {
		e := s.head
		if err := fn(&e.key, &e.state); err != nil {
			return err
		}
		s.unlink(e)
		delete(s.index, e.key)
	}
	return nil
}

// Each calls fn for every partition, least recently used first (without expiry: the oldest first), and stops at
// the first error.
func (s *Partitions[K, P]) Each(fn func(k *K, p *P) error) error {
	for e := s.head; e != nil; e = e.next {
		if err := fn(&e.key, &e.state); err != nil {
			return err
		}
	}
	return nil
}

// Len returns the number of partitions.
func (s *Partitions[K, P]) Len() int { return len(s.index) }

// bind, held, reset, checkpoint and restore make Partitions a Stateful: a partition's state (LAG values, frames,
// running aggregates, ranks) is built from every record of it since the start, so it holds the first offset it
// saw in each partition for as long as it lives, as Groups does.
func (s *Partitions[K, P]) bind(c *Cursor, _ partitions) { s.cur = c }
func (s *Partitions[K, P]) held(p int32) (int64, bool)   { return s.first.get(p) }
func (s *Partitions[K, P]) checkpoint(int32) string      { return "" }
func (s *Partitions[K, P]) restore(int32, string)        {}
func (s *Partitions[K, P]) reset() {
	clear(s.index)
	s.head, s.tail = nil, nil
	s.first = s.first[:0]
}

// Reorder holds the rows of a query with OVER (ORDER BY time) until the watermark passes them, then hands them
// over in event-time order: each call gets the rows of one partition with one time (a peer group), in the order
// they arrived; groups of the same time come in the order of their first row. Rows are kept sorted by time as
// they arrive, so rows that come in order cost no more than an append.
//
// The zero Reorder is not usable; create one with NewReorder.
type Reorder[K comparable, R any] struct {
	ts   []int64
	keys []K
	rows []R
	head int   // the rows before head were handed over
	done int64 // rows before this time were handed over: a row older than it is late

	// scratch for a time whose rows belong to several partitions
	order []int
	taken []bool
	group []R

	cur   *Cursor
	first firstOffsets
	label stateLabel
}

// NewReorder returns an empty Reorder.
func NewReorder[K comparable, R any]() *Reorder[K, R] {
	return &Reorder[K, R]{done: math.MinInt64}
}

// Label names the query the Reorder belongs to; see Groups.Label.
func (o *Reorder[K, R]) Label(query, at string) { o.label = stateLabel{query, at} }

// Push adds row r of partition k at time ts. It reports false, keeping nothing, when rows of that time were
// handed over already: the row is late.
func (o *Reorder[K, R]) Push(ts int64, k K, r R) bool {
	if ts < o.done {
		return false
	}
	if o.cur != nil {
		o.first.note(o.cur)
	}
	n := len(o.ts)
	if n == o.head || o.ts[n-1] <= ts {
		o.ts, o.keys, o.rows = append(o.ts, ts), append(o.keys, k), append(o.rows, r)
		return true
	}
	// After the last row of an earlier or equal time, so that rows of one time stay in arrival order.
	i := o.head + sort.Search(n-o.head, func(j int) bool { return o.ts[o.head+j] > ts })
	o.ts = append(o.ts, 0)
	copy(o.ts[i+1:], o.ts[i:n])
	o.ts[i] = ts
	var zk K
	o.keys = append(o.keys, zk)
	copy(o.keys[i+1:], o.keys[i:n])
	o.keys[i] = k
	var zr R
	o.rows = append(o.rows, zr)
	copy(o.rows[i+1:], o.rows[i:n])
	o.rows[i] = r
	return true
}

// Len returns the number of rows held.
func (o *Reorder[K, R]) Len() int { return len(o.ts) - o.head }

// Late reports whether rows of time ts were handed over already: Push would refuse a row of that time.
func (o *Reorder[K, R]) Late(ts int64) bool { return ts < o.done }

// Release hands over, in time order, the rows older than before (the watermark: a row of an older time is late
// from now on). fn must not keep the slice.
func (o *Reorder[K, R]) Release(before int64, fn func(ts int64, k *K, rows []R) error) error {
	if before <= o.done {
		return nil
	}
	o.done = before
	end := o.head + sort.Search(len(o.ts)-o.head, func(j int) bool { return o.ts[o.head+j] >= before })
	return o.release(end, fn)
}

// ReleaseAll hands over every row held: the input has ended.
func (o *Reorder[K, R]) ReleaseAll(fn func(ts int64, k *K, rows []R) error) error {
	o.done = math.MaxInt64
	return o.release(len(o.ts), fn)
}

// release hands over the rows before index end.
func (o *Reorder[K, R]) release(end int, fn func(ts int64, k *K, rows []R) error) error {
	for o.head < end {
		i := o.head
		j := i + 1
		same := true
		for j < end && o.ts[j] == o.ts[i] {
			same = same && o.keys[j] == o.keys[i]
			j++
		}
		var err error
		if same {
			err = fn(o.ts[i], &o.keys[i], o.rows[i:j])
		} else {
			err = o.byKey(i, j, fn)
		}
		if err != nil {
			return err
		}
		var zr R
		for x := i; x < j; x++ {
			o.rows[x] = zr // the rows' strings may be freed
		}
		o.head = j
	}
	if o.head == len(o.ts) {
		o.ts, o.keys, o.rows, o.head = o.ts[:0], o.keys[:0], o.rows[:0], 0
	} else if o.head > len(o.ts)/2 && o.head >= 1024 {
		n := copy(o.ts, o.ts[o.head:])
		copy(o.keys, o.keys[o.head:])
		copy(o.rows, o.rows[o.head:])
		o.ts, o.keys, o.rows, o.head = o.ts[:n], o.keys[:n], o.rows[:n], 0
	}
	return nil
}

// byKey hands over rows i..j-1, which have one time but several partitions, a partition at a time.
func (o *Reorder[K, R]) byKey(i, j int, fn func(ts int64, k *K, rows []R) error) error {
	o.taken = append(o.taken[:0], make([]bool, j-i)...)
	for a := i; a < j; a++ {
		if o.taken[a-i] {
			continue
		}
		o.group = o.group[:0]
		for b := a; b < j; b++ {
			if !o.taken[b-i] && o.keys[b] == o.keys[a] {
				o.taken[b-i] = true
				o.group = append(o.group, o.rows[b])
			}
		}
		if err := fn(o.ts[a], &o.keys[a], o.group); err != nil {
			return err
		}
	}
	return nil
}

// bind, held, reset, checkpoint and restore make Reorder a Stateful. It holds the first offset it saw in each
// partition, as the Partitions its rows go to do.
func (o *Reorder[K, R]) bind(c *Cursor, _ partitions) { o.cur = c }
func (o *Reorder[K, R]) held(p int32) (int64, bool)   { return o.first.get(p) }
func (o *Reorder[K, R]) checkpoint(int32) string      { return "" }
func (o *Reorder[K, R]) restore(int32, string)        {}
func (o *Reorder[K, R]) reset() {
	o.ts, o.keys, o.rows, o.head = o.ts[:0], o.keys[:0], o.rows[:0], 0
	o.done = math.MinInt64
	o.first = o.first[:0]
}

// FrameStart is the first time in a frame reaching d milliseconds before ts, kept from wrapping.
func FrameStart(ts, d int64) int64 {
	if ts < math.MinInt64+d {
		return math.MinInt64
	}
	return ts - d
}

// Ranker numbers the rows of a partition for ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST and NTILE.
// Rows come in peer groups (rows with equal ORDER BY values; each row is its own group without ORDER BY). The
// functions that depend on the whole partition count the rows so far. The zero Ranker is a partition without rows.
type Ranker struct {
	before int64 // rows in earlier peer groups
	n      int64 // rows in the current peer group
	groups int64 // peer groups so far, the current one included
}

// Peers starts a peer group of n rows.
func (r *Ranker) Peers(n int) {
	r.before += r.n
	r.n = int64(n)
	r.groups++
}

// RowNumber is the number of row i of the current peer group.
func (r *Ranker) RowNumber(i int) int64 { return r.before + int64(i) + 1 }

// Rank is the number of the current peer group's first row.
func (r *Ranker) Rank() int64 { return r.before + 1 }

// DenseRank is the number of the current peer group.
func (r *Ranker) DenseRank() int64 { return r.groups }

// PercentRank is (rank − 1) / (rows − 1) over the rows so far; 0 for a single row.
func (r *Ranker) PercentRank() float64 {
	total := r.before + r.n
	if total <= 1 {
		return 0
	}
	return float64(r.before) / float64(total-1)
}

// CumeDist is the fraction of the rows so far that are the current row or its peers or before them: 1, since the
// rows after the current peer group have not come yet.
func (r *Ranker) CumeDist() float64 {
	total := r.before + r.n
	return float64(total) / float64(total)
}

// errNtile is NTILE's error for a bucket count below 1.
var errNtile = errors.New("NTILE's bucket count must be greater than zero")

// Ntile is the bucket, 1 to buckets, of row i of the current peer group when the rows so far are divided into
// buckets as evenly as possible, the larger buckets first.
func (r *Ranker) Ntile(buckets int64, i int) (int64, error) {
	if buckets < 1 {
		return 0, errNtile
	}
	total := r.before + r.n
	row := r.before + int64(i) // 0-based
	size, extra := total/buckets, total%buckets
	if size == 0 {
		return row + 1, nil
	}
	if big := extra * (size + 1); row < big {
		return row/(size+1) + 1, nil
	} else {
		return extra + (row-big)/size + 1, nil
	}
}

// Ring holds the last values pushed, up to its capacity: LAG's earlier values, a ROWS frame, the rows a frame
// has not reached yet, the rows waiting for LEAD. The zero Ring has no room; create one with MakeRing.
type Ring[T any] struct {
	buf  []T
	head int // the oldest value
	n    int
}

// MakeRing returns an empty Ring for up to size values.
func MakeRing[T any](size int) Ring[T] { return Ring[T]{buf: make([]T, size)} }

// Push adds v. When the ring was full it drops its oldest value to make room and returns it (evicted).
func (r *Ring[T]) Push(v T) (old T, evicted bool) {
	if len(r.buf) == 0 {
		return v, true
	}
	if r.n < len(r.buf) {
		r.buf[r.wrap(r.head+r.n)] = v
		r.n++
		return old, false
	}
	old = r.buf[r.head]
	r.buf[r.head] = v
	r.head = r.wrap(r.head + 1)
	return old, true
}

// Shift removes and returns the oldest value.
func (r *Ring[T]) Shift() (v T, ok bool) {
	if r.n == 0 {
		return v, false
	}
	v = r.buf[r.head]
	var zero T
	r.buf[r.head] = zero
	r.head = r.wrap(r.head + 1)
	r.n--
	return v, true
}

// wrap maps i, an index less than twice the capacity, into the buffer (without a division).
func (r *Ring[T]) wrap(i int) int {
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	return i
}

// Len returns the number of values held.
func (r *Ring[T]) Len() int { return r.n }

// At returns value j, 0 being the oldest.
func (r *Ring[T]) At(j int) T {
	return r.buf[r.wrap(r.head+j)]
}

// Back returns the value pushed j pushes ago (1: the last one), if the ring still holds it.
func (r *Ring[T]) Back(j int) (v T, ok bool) {
	if j < 1 || j > r.n {
		return v, false
	}
	return r.At(r.n - j), true
}

// TimeFrame holds the values of a RANGE frame with their times, oldest first. The zero TimeFrame is empty.
type TimeFrame[T any] struct {
	ts   []int64
	vals []T
	head int
}

// Push adds value v of time ts, which is not older than any value held.
func (f *TimeFrame[T]) Push(ts int64, v T) {
	f.ts, f.vals = append(f.ts, ts), append(f.vals, v)
}

// PopBefore removes and returns the oldest value if its time is before start.
func (f *TimeFrame[T]) PopBefore(start int64) (ts int64, v T, ok bool) {
	if f.head == len(f.ts) || f.ts[f.head] >= start {
		return 0, v, false
	}
	ts, v = f.ts[f.head], f.vals[f.head]
	var zero T
	f.vals[f.head] = zero
	f.head++
	if f.head == len(f.ts) {
		f.ts, f.vals, f.head = f.ts[:0], f.vals[:0], 0
	} else if f.head >= 256 && f.head > len(f.ts)/2 {
		n := copy(f.ts, f.ts[f.head:])
		copy(f.vals, f.vals[f.head:])
		f.ts, f.vals, f.head = f.ts[:n], f.vals[:n], 0
	}
	return ts, v, true
}

// Len returns the number of values held.
func (f *TimeFrame[T]) Len() int { return len(f.ts) - f.head }

// At returns value j, 0 being the oldest.
func (f *TimeFrame[T]) At(j int) T { return f.vals[f.head+j] }

// Interner copies the strings of the rows a query holds (see Own), sharing one copy per distinct value: symbols,
// accounts and other repeated values cost one map lookup instead of an allocation each. It keeps at most
// internMax values; past that, strings are copied as Own does. The zero Interner is ready to use.
type Interner struct{ m map[string]string }

// internMax bounds the values an Interner keeps.
const internMax = 1 << 16

// Own returns a copy of s that outlives the record s views.
func (in *Interner) Own(s string) string {
	if v, ok := in.m[s]; ok {
		return v
	}
	v := Own(s)
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < internMax {
		in.m[v] = v
	}
	return v
}
