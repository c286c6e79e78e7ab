// Tumbling-window state and the event-time watermark that closes windows.

package rt

import (
	"math"
	"slices"
	"sync/atomic"
)

// Windows holds the state of a tumbling-window aggregate: for each open
// window (identified by its start, a multiple of the size in event-time
// milliseconds) a Groups of per-key state.
//
// The zero Windows is not usable; create one with NewWindows.
type Windows[K comparable, S any] struct {
	size   int64
	open   map[int64]*Groups[K, S]
	starts []int64 // open window starts, ascending

	// retain is how long a window is kept after it closed, for late updates (see Retain); closedTo is the
	// watermark its windows have been closed up to: a window ending at or before it has closed (or was opened
	// for a late update after it would have).
	retain   int64
	closedTo int64

	// Records mostly land in the newest window; remembering it skips a map
	// lookup per record.
	lastStart  int64
	lastGroups *Groups[K, S]

	cur  *Cursor        // the position of the record being processed when offsets are tracked; nil otherwise
	own  func(*K)       // see Groups.OwnKeys
	hash func(K) uint64 // see Groups.HashKeys

	label   stateLabel        // the query, for messages about memory (see Label)
	codec   *Codec[K, S]      // see Spill
	ordered bool              // see Spill
	sp      *stateSpill[K, S] // the windows' groups in the spill store; nil until the memory watcher first spills them

	// The changelog, once Log was called (changelog.go); logging is set when a transport tracks the windows, and
	// tombs are the deletions of closed windows' groups not listed yet by Changes, sent those listed since the last
	// commit.
	lc          *Codec[K, S]
	cl          *changelog
	logging     bool
	tombs, sent []logTomb
}

// HashKeys sets a cheap hash of keys for the cache of recent keys of each window's groups; see Groups.HashKeys.
func (w *Windows[K, S]) HashKeys(hash func(K) uint64) { w.hash = hash }

// OwnKeys sets the function that copies the strings of a new group's key before it is stored; see
// Groups.OwnKeys.
func (w *Windows[K, S]) OwnKeys(own func(*K)) { w.own = own }

// NewWindows returns an empty Windows for windows of size milliseconds.
func NewWindows[K comparable, S any](size int64) *Windows[K, S] {
	if size <= 0 {
		panic("rt: window size must be positive")
	}
	return &Windows[K, S]{size: size, open: make(map[int64]*Groups[K, S]), closedTo: math.MinInt64}
}

// Get returns the state of key k in the window starting at start, creating the
// window and the group as needed; the bool reports whether the group was
// created. The pointer stays valid until the next Get that creates a group in
// the same window.
func (w *Windows[K, S]) Get(start int64, k K) (*S, bool) {
	g := w.lastGroups
	if g == nil || w.lastStart != start {
		g = w.window(start)
		w.lastStart, w.lastGroups = start, g
	}
	if w.cur != nil {
		g.first.note(w.cur)
	}
	return g.Get(k)
}

// window returns the groups of the window starting at start, opening it if needed.
func (w *Windows[K, S]) window(start int64) *Groups[K, S] {
	g := w.open[start]
	if g == nil {
		g = NewGroups[K, S]()
		g.own, g.hash, g.codec = w.own, w.hash, w.codec
		if w.sp != nil {
			g.attachSpill(w.sp, start)
		}
		if w.logging {
			g.lc, g.lg = w.lc, &groupLog{cur: w.cl.cur}
		}
		w.open[start] = g
		i, _ := slices.BinarySearch(w.starts, start)
		w.starts = slices.Insert(w.starts, i, start)
	}
	return g
}

// CloseUpTo closes and removes every window whose end (start+size) is at or
// before the watermark wm, calling fn for each of its groups: windows in
// ascending start order, groups in insertion order. It stops at the first
// error from fn; the window being emitted is removed all the same.
func (w *Windows[K, S]) CloseUpTo(wm int64, fn func(start int64, k *K, s *S) error) error {
	if w.retain > 0 {
		return w.closeRetained(wm, fn)
	}
	for len(w.starts) > 0 && w.end(w.starts[0]) <= wm {
		if err := w.closeFirst(fn); err != nil {
			return err
		}
	}
	return nil
}

// CloseAll closes and removes every open window, as CloseUpTo does with an
// infinite watermark: at the end of a bounded input. Windows that closed
// before and were kept (see Retain) are removed without calling fn again.
func (w *Windows[K, S]) CloseAll(fn func(start int64, k *K, s *S) error) error {
	for len(w.starts) > 0 && w.end(w.starts[0]) <= w.closedTo {
		w.dropFirst()
	}
	for len(w.starts) > 0 {
		if err := w.closeFirst(fn); err != nil {
			return err
		}
	}
	return nil
}

// Open returns the number of open windows.
func (w *Windows[K, S]) Open() int { return len(w.starts) }

// end returns start+size, saturating instead of wrapping near MaxInt64.
func (w *Windows[K, S]) end(start int64) int64 {
	if start > math.MaxInt64-w.size {
		return math.MaxInt64
	}
	return start + w.size
}

func (w *Windows[K, S]) closeFirst(fn func(start int64, k *K, s *S) error) error {
	start := w.starts[0]
	g := w.open[start]
	w.starts = w.starts[1:]
	delete(w.open, start)
	if w.lastGroups == g {
		w.lastGroups = nil
	}
	w.logClosed(start, g)
	if g.sp == nil {
		return g.Each(func(k *K, s *S) error { return fn(start, k, s) })
	}
	w.sp.mem -= len(g.entries)
	err := g.Each(func(k *K, s *S) error { return fn(start, k, s) })
	g.resetSpill()
	return err
}

// Watermark tracks event-time progress: the largest event time seen minus the
// allowed out-of-orderness. A window may close once the watermark passes its
// end; records older than the watermark are late.
//
// On a partitioned input (Kafka) the watermark follows the slowest partition
// that still has records waiting: it is the smallest of the per-partition
// largest event times, over the partitions that are not caught up, minus the
// out-of-orderness. A partition that has caught up with its end (idle) does not
// hold the watermark back; when all are idle, the largest event time of any
// partition counts. The watermark never moves back.
type Watermark struct {
	delay   int64
	maxSeen int64
	current int64

	cur   *Cursor         // the record's partition, when tracked per partition
	src   partitions      // the source's partitions; set with cur
	parts []partWatermark // per partition progress, when tracked
	low   int64           // the event time the watermark was last computed from
	// volatile is set for a watermark that starts over with each run instead of being checkpointed (Volatile).
	volatile bool
	// pub is current, for the job's status (read from another goroutine); math.MinInt64 before the first.
	pub atomic.Int64
}

// Volatile makes w start over with each run: it is not saved with committed offsets. A join of two streams needs
// that: the rows it still keeps are replayed after a restart, and must not be late then.
func (w *Watermark) Volatile() *Watermark {
	w.volatile = true
	return w
}

// NewWatermark returns a Watermark allowing events to arrive up to
// maxOutOfOrder milliseconds behind the newest one. Current starts at
// math.MinInt64: nothing is late before the first event.
func NewWatermark(maxOutOfOrder int64) *Watermark {
	w := &Watermark{}
	w.init(maxOutOfOrder)
	return w
}

// init sets a new watermark up: see NewWatermark.
func (w *Watermark) init(maxOutOfOrder int64) {
	w.delay, w.maxSeen, w.current, w.low = max(maxOutOfOrder, 0), math.MinInt64, math.MinInt64, math.MinInt64
	w.pub.Store(math.MinInt64)
}

// shown returns the watermark as the job's status reports it, if there is one yet.
func (w *Watermark) shown() (int64, bool) {
	v := w.pub.Load()
	return v, v != math.MinInt64
}

// Observe records an event time and reports whether the watermark advanced.
func (w *Watermark) Observe(ts int64) bool {
	if w.cur != nil {
		pw := w.part(w.cur.Partition)
		if pw.seen && ts <= pw.max {
			return false
		}
		was := pw.max
		pw.max, pw.seen = ts, true
		if ts > w.maxSeen {
			w.maxSeen = ts
		}
		if was > w.low {
			return false // not the partition holding the watermark back
		}
		return w.Refresh()
	}
	if ts <= w.maxSeen {
		return false
	}
	w.maxSeen = ts
	return w.advance(ts)
}

// Refresh recomputes a per-partition watermark, as when partitions become idle
// or busy without a record arriving; it reports whether the watermark advanced.
// Generated code calls it from the source's tick.
func (w *Watermark) Refresh() bool {
	if w.cur == nil {
		return false
	}
	low, busy, any := int64(math.MaxInt64), false, false
	high := int64(math.MinInt64)
	n := max(len(w.parts), w.src.count())
	for p := 0; p < n; p++ {
		var pw partWatermark
		if p < len(w.parts) {
			pw = w.parts[p]
		}
		if pw.seen && pw.max > high {
			high, any = pw.max, true
		}
		if w.src.isIdle(int32(p)) {
			continue
		}
		busy = true
		if !pw.seen {
			low = math.MinInt64 // records are waiting in a partition not read yet
		} else if pw.max < low {
			low = pw.max
		}
	}
	if !busy {
		if !any {
			return false
		}
		low = high
	}
	w.low = low
	return w.advance(low)
}

// advance moves the watermark to ts minus the out-of-orderness, if that is ahead.
func (w *Watermark) advance(ts int64) bool {
	wm := ts - w.delay
	if wm > ts { // wrapped below MinInt64
		wm = math.MinInt64
	}
	if wm <= w.current {
		return false
	}
	w.current = wm
	w.pub.Store(wm)
	return true
}

// Closed reports whether a window ending at end has closed: the watermark has
// passed it, or, for a record of a partition whose state was restored from a
// checkpoint, the watermark had passed it when the checkpoint was taken (the
// window was emitted then, and replayed records of it are late).
func (w *Watermark) Closed(end int64) bool {
	if end <= w.current {
		return true
	}
	if w.cur != nil {
		if p := int(w.cur.Partition); p < len(w.parts) {
			return w.parts[p].floor > math.MinInt64 && end <= w.parts[p].floor
		}
	}
	return false
}

// Follow moves the watermark to wm, if that is ahead, and reports whether it advanced: for a query whose
// records come out of event-time order (the rows of a join of two streams), the watermark of what wrote them.
func (w *Watermark) Follow(wm int64) bool {
	if wm <= w.current {
		return false
	}
	w.current = wm
	w.pub.Store(wm)
	return true
}

// Current returns the watermark.
func (w *Watermark) Current() int64 { return w.current }

// WatermarkInputs makes a Watermark follow several inputs, as it follows the partitions of one: a query that
// reads a stream several sources' queries write (a UNION ALL of two sources, say) closes a window only once
// every input that has not ended has passed it. The inputs are numbered from 0.
type WatermarkInputs struct {
	cur   Cursor // Partition is the input of the record being observed
	ended []bool
}

// Inputs makes w follow n inputs and returns the handle that says which input a record comes from and which
// inputs have ended. Until an input has a record or has ended, it holds the watermark back.
func (w *Watermark) Inputs(n int) *WatermarkInputs {
	in := &WatermarkInputs{ended: make([]bool, n)}
	w.bind(&in.cur, in)
	return in
}

// From says that the records observed next come from input i.
func (in *WatermarkInputs) From(i int) { in.cur.Partition = int32(i) }

// End says that input i has ended: it no longer holds the watermark back (Refresh recomputes it).
func (in *WatermarkInputs) End(i int) { in.ended[i] = true }

func (in *WatermarkInputs) count() int { return len(in.ended) }

func (in *WatermarkInputs) isIdle(p int32) bool { return int(p) >= len(in.ended) || in.ended[p] }
