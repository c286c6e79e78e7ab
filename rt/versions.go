// Versions: the history of one key of a table joined FOR SYSTEM_TIME AS OF (an event-time join), and how the
// versions that no record can reach any more are dropped behind the joining queries' watermarks.

package rt

import (
	"math"
	"slices"
	"sync/atomic"
)

// Versions is the history of one key of a versioned table: its rows in event-time order, and which row came last
// in the input (the key's current row, which joins without AS OF see). A table joined FOR SYSTEM_TIME AS OF
// stores a Versions per key (Table[K, Versions[R]]).
//
// A Versions value, once stored, is never changed where a reader can see it: With and Prune return new values
// that share the old one's arrays only beyond their length (an append in time order) or in a part the old value
// also has and nobody writes (a prune), or copy them (an insert), so a stream goroutine may keep reading a
// history it looked up while the table's source adds and drops versions.
//
// Once Prune has dropped versions, the history answers exactly only from the time of its oldest kept version
// (From) on: a time before it, but not before the key's first version ever, finds that its version is gone.
type Versions[R any] struct {
	ts   []int64
	rows []R
	last int32 // index in rows of the row put last

	// first is the time of the oldest version ever added; from, the time from which the history is whole (the
	// oldest version kept in order). from == first until a prune drops something. The row put last is kept even
	// when it is older than from (a late version of the table): it is then rows[0], and AsOf never returns it.
	first, from int64
}

// With returns the history with r added at event time ts. A row at a time the history has already replaces that
// version. v may be nil (a new key). A row older than the history kept (see Prune) can no longer be reached by
// AsOf; it is kept only as the key's current row.
func (v *Versions[R]) With(ts int64, r *R) Versions[R] {
	if v == nil || len(v.ts) == 0 {
		return Versions[R]{ts: []int64{ts}, rows: []R{*r}, first: ts, from: ts}
	}
	n := len(v.ts)
	if ts > v.ts[n-1] {
		// In time order, the usual case: the arrays grow in place beyond what earlier values see.
		return Versions[R]{ts: append(v.ts, ts), rows: append(v.rows, *r), last: int32(n), first: v.first, from: v.from}
	}
	if v.from > v.first && ts < v.from {
		// Behind what was dropped: the row replaces the kept current row older than from, if there is one.
		k := 0
		if v.ts[0] < v.from {
			k = 1
		}
		out := Versions[R]{ts: make([]int64, 0, n-k+1), rows: make([]R, 0, n-k+1), first: min(v.first, ts), from: v.from}
		out.ts = append(append(out.ts, ts), v.ts[k:]...)
		out.rows = append(append(out.rows, *r), v.rows[k:]...)
		return out
	}
	i, found := slices.BinarySearch(v.ts, ts)
	out := Versions[R]{last: int32(i), first: min(v.first, ts), from: v.from}
	if v.from == v.first {
		out.from = out.first // nothing dropped: whole from the first version on
	}
	if found {
		out.ts = v.ts
		out.rows = slices.Clone(v.rows)
		out.rows[i] = *r
		return out
	}
	out.ts = slices.Insert(slices.Clone(v.ts), i, ts)
	out.rows = slices.Insert(slices.Clone(v.rows), i, *r)
	return out
}

// Prune returns the history without the versions that no lookup at floor or later can reach: all older than the
// latest version at or before floor, except the row put last. It reports how many versions it dropped; with none,
// it returns v as it is.
func (v *Versions[R]) Prune(floor int64) (Versions[R], int) {
	if v == nil {
		return Versions[R]{}, 0
	}
	// base is the version a lookup at floor finds; the ones before it go.
	base, found := slices.BinarySearch(v.ts, floor)
	if !found {
		base--
	}
	keepLast := int(v.last) < base
	dropped := base
	if keepLast {
		dropped--
	}
	if dropped <= 0 {
		return *v, 0
	}
	out := Versions[R]{first: v.first, from: v.ts[base]}
	if !keepLast {
		out.ts, out.rows, out.last = v.ts[base:], v.rows[base:], v.last-int32(base)
		if 4*len(out.ts) < cap(out.ts) {
			// Mostly dropped: copy, so that the big arrays can go once no reader holds them.
			out.ts, out.rows = slices.Clone(out.ts), slices.Clone(out.rows)
		}
		return out, dropped
	}
	n := len(v.ts) - base + 1
	out.ts = append(append(make([]int64, 0, n), v.ts[v.last]), v.ts[base:]...)
	out.rows = append(append(make([]R, 0, n), v.rows[v.last]), v.rows[base:]...)
	return out, dropped
}

// AsOf returns the version valid at ts: the latest at or before it; nil when every version is later, when ts is
// before what the history kept (see Find), or when v is nil (no such key).
func (v *Versions[R]) AsOf(ts int64) *R {
	r, _ := v.Find(ts)
	return r
}

// Find is AsOf that also reports whether the version valid at ts is gone: the history no longer reaches back to
// ts (Prune dropped the versions around it), though the key had versions then. Find then returns nil.
func (v *Versions[R]) Find(ts int64) (*R, bool) {
	if v == nil || len(v.ts) == 0 {
		return nil, false
	}
	if ts < v.from {
		return nil, ts >= v.first
	}
	i, found := slices.BinarySearch(v.ts, ts)
	if found {
		return &v.rows[i], false
	}
	return &v.rows[i-1], false // i > 0: v.ts[0] <= from <= ts, or v.ts[0] is from
}

// Latest returns the row put last, whatever its time: the key's current row. It is nil when v is nil.
func (v *Versions[R]) Latest() *R {
	if v == nil || len(v.rows) == 0 {
		return nil
	}
	return &v.rows[v.last]
}

// Len returns the number of versions kept.
func (v *Versions[R]) Len() int { return len(v.ts) }

// From returns the time from which the history answers AsOf as if nothing had been dropped.
func (v *Versions[R]) From() int64 { return v.from }

// VersionedTable is a table joined FOR SYSTEM_TIME AS OF: every row of its source is a version of its key, kept
// in a Versions per key (Table returns the table the queries look up). The queries that join it AS OF at their
// stream's event time publish their watermarks (AsOfWatermark); no record of theirs that is on time has an event
// time below the smallest of them, the floor, so for each key only the latest version at or before the floor and
// the ones after it can still be reached, and the table drops the others: on each Add for the key added to, and
// for the other keys in a sweep over the table once the floor has moved (when as many versions have been added
// since the last sweep as the table has keys, or when the table's source waits for input). With no watermark
// yet, or no query that publishes one, every version is kept.
//
// Only the table source's goroutine calls Add and sweeps; it replaces a key's Versions under the table's rules
// (Put, and the table's lock while shared), never changing one a stream goroutine may hold.
type VersionedTable[K comparable, R any] struct {
	t       *Table[K, Versions[R]]
	marks   []*AsOfWatermark // the queries' watermarks: set up before the streams start, then only read
	scratch Versions[R]

	kept  int   // versions in the table (the sum of the keys' Len)
	swept int64 // the floor of the last sweep
	added int   // versions added since
}

// NewVersionedTable returns an empty versioned table fed by src (see NewTable). It sweeps when src's tick says
// its input is waiting (Source.OnTick).
func NewVersionedTable[K comparable, R any](src *Source) *VersionedTable[K, R] {
	v := &VersionedTable[K, R]{t: NewTable[K, Versions[R]](src), swept: math.MinInt64}
	src.OnTick(v.tick)
	return v
}

// Table returns the table of versions the queries look keys up in.
func (v *VersionedTable[K, R]) Table() *Table[K, Versions[R]] { return v.t }

// Kept returns the number of versions the table holds: one per key at least.
func (v *VersionedTable[K, R]) Kept() int { return v.kept }

// watch makes the table keep what w's query can still reach.
func (v *VersionedTable[K, R]) watch(w *AsOfWatermark) {
	if !slices.Contains(v.marks, w) {
		v.marks = append(v.marks, w)
	}
}

// Floor returns the smallest of the watermarks of the queries joining the table AS OF: math.MinInt64 while one
// of them has none, or when no query publishes one.
func (v *VersionedTable[K, R]) Floor() int64 {
	if len(v.marks) == 0 {
		return math.MinInt64
	}
	floor := int64(math.MaxInt64)
	for _, w := range v.marks {
		floor = min(floor, w.pub.Load())
	}
	return floor
}

// Add adds r as the version of key k at event time ts, dropping that key's versions behind the floor. r is
// copied; its strings must be its own (see Table.Own).
func (v *VersionedTable[K, R]) Add(k K, ts int64, r *R) {
	old := v.t.Get(k, &v.scratch) // the source's goroutine alone writes: reading without copying would do too
	was := 0
	if old != nil {
		was = old.Len()
	}
	vs := old.With(ts, r)
	floor := v.Floor()
	if floor > math.MinInt64 {
		var n int
		if vs, n = vs.Prune(floor); n > 0 {
			v.t.stat.pruned.Add(int64(n))
		}
	}
	v.t.Put(k, &vs)
	v.kept += vs.Len() - was
	v.added++
	if floor > v.swept && v.added >= v.t.rows && v.kept > v.t.rows {
		v.sweep(floor)
	}
}

// tick sweeps when the floor has moved and some key has more than one version.
func (v *VersionedTable[K, R]) tick() error {
	if floor := v.Floor(); floor > v.swept && v.kept > v.t.rows {
		v.sweep(floor)
	}
	return nil
}

// sweep drops every key's versions behind floor.
func (v *VersionedTable[K, R]) sweep(floor int64) {
	dropped := v.t.rewrite(func(vs *Versions[R]) (Versions[R], int) { return vs.Prune(floor) })
	v.kept -= dropped
	v.t.stat.pruned.Add(int64(dropped))
	v.swept, v.added = floor, 0
}

// AsOfWatermark is the event-time progress of a query that joins versioned tables FOR SYSTEM_TIME AS OF at its
// stream's event time: a Watermark (per partition on a Kafka stream), published to the tables so that they may
// drop the versions that no on-time record of the query can reach any more. It is Stateful: a rebalance resets
// it (the tables then keep everything again until it moves), and it saves nothing with the commits, so that
// records replayed after a restart find the versions they found before.
type AsOfWatermark struct {
	wm  Watermark
	pub atomic.Int64 // wm.Current(), for the tables' sources
}

// AsOfTable is a table an AsOfWatermark publishes to: a *VersionedTable.
type AsOfTable interface {
	watch(w *AsOfWatermark)
}

// NewAsOfWatermark returns the watermark of a query reading src that joins tables AS OF, allowing its records
// to arrive up to maxOutOfOrder milliseconds behind the newest one, and registers it with src (Source.Track,
// and Source.OnTick to follow idle partitions) and with the tables. Generated code calls it in setup, before
// the streams start.
func NewAsOfWatermark(src *Source, maxOutOfOrder int64, tables ...AsOfTable) *AsOfWatermark {
	w := &AsOfWatermark{}
	w.wm.init(maxOutOfOrder)
	w.pub.Store(math.MinInt64)
	for _, t := range tables {
		t.watch(w)
	}
	src.Track(w)
	src.OnTick(w.tick)
	return w
}

// Observe records the event time of a record of the query, before it looks up its versions.
func (w *AsOfWatermark) Observe(ts int64) {
	if w.wm.Observe(ts) {
		w.pub.Store(w.wm.Current())
	}
}

// Current returns the watermark.
func (w *AsOfWatermark) Current() int64 { return w.wm.Current() }

func (w *AsOfWatermark) tick() error {
	if w.wm.Refresh() {
		w.pub.Store(w.wm.Current())
	}
	return nil
}

func (w *AsOfWatermark) bind(c *Cursor, parts partitions) { w.wm.bind(c, parts) }
func (w *AsOfWatermark) held(int32) (int64, bool)         { return 0, false }
func (w *AsOfWatermark) checkpoint(int32) string          { return "" }
func (w *AsOfWatermark) restore(int32, string)            {}
func (w *AsOfWatermark) reset() {
	w.wm.reset()
	w.pub.Store(math.MinInt64)
}
