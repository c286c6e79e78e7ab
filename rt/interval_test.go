package rt

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// ijTestKey, ijTestL and ijTestR are the key and rows of these tests, shaped as generated code's: their strings
// view a read buffer that the test scribbles over once a call returns, so a row or key kept without its own copy
// shows up as garbage (or as a key the map no longer finds).
type ijTestKey struct{ s string }

type ijTestL struct {
	id, v int
	ts    int64
	name  string
}

type ijTestR struct {
	id, v int
	ts    int64
	name  string
}

func ownTestL(l *ijTestL)   { l.name = Own(l.name) }
func ownTestR(r *ijTestR)   { r.name = Own(r.name) }
func ownTestK(k *ijTestKey) { k.s = Own(k.s) }

// ijView returns a string viewing buf after writing s into it; scribble(buf) destroys it.
func ijView(buf []byte, s string) string {
	n := copy(buf, s)
	return unsafe.String(&buf[0], n)
}

func scribble(buf []byte) {
	for i := range buf {
		buf[i] = '#'
	}
}

// ijSink collects what a join emits, as text: "L3(l3)|R5(r5)" for a pair, "L3(l3)|-" and "-|R5(r5)" for outer rows.
type ijSink struct {
	t     *testing.T
	got   []string
	floor int64 // no row emitted now may have an earlier event time (the join's OutWatermark before the call)
	wm    int64 // in Advance: the watermark it advances to, which every outer row's interval ended before
	// before and after are the join's bounds, for checking the interval of an outer row
	before, after int64
}

func (s *ijSink) pair(l *ijTestL, r *ijTestR) error {
	if t := max(l.ts, r.ts); t < s.floor {
		s.t.Errorf("pair L%d|R%d at %d emitted below the output watermark %d", l.id, r.id, t, s.floor)
	}
	s.got = append(s.got, fmt.Sprintf("L%d(%s)|R%d(%s)", l.id, l.name, r.id, r.name))
	return nil
}

func (s *ijSink) left(l *ijTestL) error {
	if l.ts < s.floor {
		s.t.Errorf("outer L%d at %d emitted below the output watermark %d", l.id, l.ts, s.floor)
	}
	if l.ts+s.after >= s.wm {
		s.t.Errorf("outer L%d at %d emitted before its interval ended (after %d, watermark %d)", l.id, l.ts, s.after, s.wm)
	}
	s.got = append(s.got, fmt.Sprintf("L%d(%s)|-", l.id, l.name))
	return nil
}

func (s *ijSink) right(r *ijTestR) error {
	if r.ts < s.floor {
		s.t.Errorf("outer R%d at %d emitted below the output watermark %d", r.id, r.ts, s.floor)
	}
	if r.ts+s.before >= s.wm {
		s.t.Errorf("outer R%d at %d emitted before its interval ended (before %d, watermark %d)", r.id, r.ts, s.before, s.wm)
	}
	s.got = append(s.got, fmt.Sprintf("-|R%d(%s)", r.id, r.name))
	return nil
}

// ijEvent is one step of a random run: a row of an input (key -1 is NULL), or the end of an input.
type ijEvent struct {
	right bool
	end   bool
	id, v int
	key   int
	ts    int64
}

// ijCase is a random interval join and its input.
type ijCase struct {
	before, after       int64
	delay               [2]int64
	keepLeft, keepRight bool
	on                  bool // the ON condition has a part beyond the key and the interval: (l.v + r.v) % 4 != 0
	events              []ijEvent
}

func (c *ijCase) String() string {
	return fmt.Sprintf("before=%d after=%d delay=%v keep=%v/%v on=%v events=%v", c.before, c.after, c.delay, c.keepLeft, c.keepRight, c.on, c.events)
}

func randomIJCase(rng *rand.Rand) *ijCase {
	c := &ijCase{before: int64(rng.IntN(6)), after: int64(rng.IntN(6))}
	switch rng.IntN(6) {
	case 0: // the interval lies after the left row's time
		c.before = -rng.Int64N(c.after + 1)
	case 1: // before it
		c.after = -rng.Int64N(c.before + 1)
	}
	c.delay = [2]int64{int64(rng.IntN(4)), int64(rng.IntN(4))}
	kind := rng.IntN(4)
	c.keepLeft, c.keepRight, c.on = kind&1 != 0, kind&2 != 0, rng.IntN(2) == 0
	keys := 1 + rng.IntN(3)
	var rows [2][]ijEvent
	for side := range 2 {
		n := rng.IntN(26)
		clock := int64(rng.IntN(6))
		disorder := int64(rng.IntN(5)) // sometimes beyond the input's delay: late rows
		for i := range n {
			clock += int64(rng.IntN(3))
			key := rng.IntN(keys)
			if rng.IntN(12) == 0 {
				key = -1
			}
			rows[side] = append(rows[side], ijEvent{right: side == 1, id: i, v: rng.IntN(4), key: key, ts: clock - rng.Int64N(disorder+1)})
		}
	}
	// Interleave the inputs, each in its order; an input ends right after its last row, later, or never (the
	// run flushes).
	endMode := [2]int{rng.IntN(3), rng.IntN(3)}
	var next [2]int
	ended := [2]bool{}
	for next[0] < len(rows[0]) || next[1] < len(rows[1]) || (!ended[0] && endMode[0] != 2) || (!ended[1] && endMode[1] != 2) {
		side := rng.IntN(2)
		if next[side] < len(rows[side]) {
			c.events = append(c.events, rows[side][next[side]])
			next[side]++
			if next[side] < len(rows[side]) || endMode[side] != 0 {
				continue
			}
		}
		if !ended[side] && endMode[side] != 2 && next[side] == len(rows[side]) {
			c.events = append(c.events, ijEvent{right: side == 1, end: true})
			ended[side] = true
		}
		if endMode[side] == 2 && next[side] == len(rows[side]) {
			ended[side] = true // never ends: let the loop finish
		}
	}
	return c
}

// ijModel is the brute-force oracle: the watermark by its definition, the rows that are late under it, and the
// join's result computed over all the rows that are not, as SQL defines it.
type ijModel struct {
	c     *ijCase
	max   [2]int64
	seen  [2]bool
	ended [2]bool
	late  map[[2]int]bool // by side and id
	rows  [2][]ijEvent    // the rows not late
}

func (m *ijModel) watermark() int64 {
	wm, busy := int64(math.MaxInt64), false
	for side := range 2 {
		if m.ended[side] {
			continue
		}
		busy = true
		if !m.seen[side] {
			return math.MinInt64
		}
		wm = min(wm, m.max[side]-m.c.delay[side])
	}
	if !busy {
		return math.MaxInt64
	}
	return wm
}

func (m *ijModel) step(e ijEvent) {
	side := 0
	if e.right {
		side = 1
	}
	if e.end {
		m.ended[side] = true
		return
	}
	if e.ts < m.watermark() {
		m.late[[2]int{side, e.id}] = true
	} else {
		m.rows[side] = append(m.rows[side], e)
	}
	if !m.seen[side] || e.ts > m.max[side] {
		m.max[side], m.seen[side] = e.ts, true
	}
}

// kept returns the number of rows the join should hold now: those not late, with a key, whose interval has not
// ended before the watermark.
func (m *ijModel) kept() int {
	wm, n := m.watermark(), 0
	for _, l := range m.rows[0] {
		if l.key >= 0 && l.ts+m.c.after >= wm {
			n++
		}
	}
	for _, r := range m.rows[1] {
		if r.key >= 0 && r.ts+m.c.before >= wm {
			n++
		}
	}
	return n
}

func (m *ijModel) result() []string {
	var out []string
	matchedR := map[int]bool{}
	for _, l := range m.rows[0] {
		matched := false
		for _, r := range m.rows[1] {
			if l.key < 0 || l.key != r.key || r.ts < l.ts-m.c.before || r.ts > l.ts+m.c.after {
				continue
			}
			if m.c.on && (l.v+r.v)%4 == 0 {
				continue
			}
			out = append(out, fmt.Sprintf("L%d(l%d)|R%d(r%d)", l.id, l.id, r.id, r.id))
			matched, matchedR[r.id] = true, true
		}
		if !matched && m.c.keepLeft {
			out = append(out, fmt.Sprintf("L%d(l%d)|-", l.id, l.id))
		}
	}
	if m.c.keepRight {
		for _, r := range m.rows[1] {
			if !matchedR[r.id] {
				out = append(out, fmt.Sprintf("-|R%d(r%d)", r.id, r.id))
			}
		}
	}
	slices.Sort(out)
	return out
}

// runIJCase feeds c's events to an IntervalJoin and a MinWatermark the way generated code does, checking the
// watermark, the rows reported late and the rows kept after every step against the model, and returns what the
// join emitted (sorted) and what the model expects.
func runIJCase(t *testing.T, c *ijCase) (got, want []string) {
	t.Helper()
	j := NewIntervalJoin[ijTestKey, ijTestL, ijTestR](c.before, c.after, c.keepLeft, c.keepRight, ownTestL, ownTestR, ownTestK)
	mw := NewMinWatermark(c.delay[0], c.delay[1])
	m := &ijModel{c: c, late: map[[2]int]bool{}}
	sink := &ijSink{t: t, before: c.before, after: c.after}
	var on func(l *ijTestL, r *ijTestR) (bool, error)
	if c.on {
		on = func(l *ijTestL, r *ijTestR) (bool, error) { return (l.v+r.v)%4 != 0, nil }
	}
	keyBuf, rowBuf := make([]byte, 8), make([]byte, 8)
	advance := func(moved bool) {
		if !moved {
			return
		}
		sink.floor, sink.wm = j.OutWatermark(), mw.Current()
		if err := j.Advance(mw.Current(), sink.left, sink.right); err != nil {
			t.Fatal(err)
		}
	}
	for step, e := range c.events {
		side := 0
		if e.right {
			side = 1
		}
		m.step(e)
		if e.end {
			advance(mw.End(side))
		} else {
			sink.floor, sink.wm = j.OutWatermark(), j.Watermark() // a row whose interval ended already is emitted now
			var late bool
			var err error
			switch {
			case e.key < 0: // NULL: meets no row; an outer side's row is emitted at once
				late = j.Late(e.ts)
				sink.wm = math.MaxInt64 // its interval plays no part
				if !late && !e.right && c.keepLeft {
					err = sink.left(&ijTestL{id: e.id, v: e.v, ts: e.ts, name: ijView(rowBuf, "l"+strconv.Itoa(e.id))})
				}
				if !late && e.right && c.keepRight {
					err = sink.right(&ijTestR{id: e.id, v: e.v, ts: e.ts, name: ijView(rowBuf, "r"+strconv.Itoa(e.id))})
				}
			case e.right:
				k := ijTestKey{ijView(keyBuf, "k"+strconv.Itoa(e.key))}
				r := ijTestR{id: e.id, v: e.v, ts: e.ts, name: ijView(rowBuf, "r"+strconv.Itoa(e.id))}
				late, err = j.Right(k, e.ts, &r, on, sink.pair, sink.right)
			default:
				k := ijTestKey{ijView(keyBuf, "k"+strconv.Itoa(e.key))}
				l := ijTestL{id: e.id, v: e.v, ts: e.ts, name: ijView(rowBuf, "l"+strconv.Itoa(e.id))}
				late, err = j.Left(k, e.ts, &l, on, sink.pair, sink.left)
			}
			scribble(keyBuf)
			scribble(rowBuf)
			if err != nil {
				t.Fatal(err)
			}
			if want := m.late[[2]int{side, e.id}]; late != want {
				t.Fatalf("step %d %+v: late %v, want %v (watermark %d)", step, e, late, want, j.Watermark())
			}
			advance(mw.Observe(side, e.ts))
		}
		if got, want := mw.Current(), m.watermark(); got != want {
			t.Fatalf("step %d %+v: watermark %d, want %d", step, e, got, want)
		}
		if got, want := j.Len(), m.kept(); got != want {
			t.Fatalf("step %d %+v: %d rows kept, want %d\n%v", step, e, got, want, c)
		}
	}
	sink.floor, sink.wm = j.OutWatermark(), math.MaxInt64
	if err := j.Flush(sink.left, sink.right); err != nil {
		t.Fatal(err)
	}
	if j.Len() != 0 || len(j.keys) != 0 || j.queue.n != 0 {
		t.Fatalf("after Flush: %d rows, %d keys, %d queued", j.Len(), len(j.keys), j.queue.n)
	}
	slices.Sort(sink.got)
	return sink.got, m.result()
}

// TestIntervalJoinModel checks random interval joins of every kind against the brute-force model: SQL's result
// over the rows that are not late, with lateness by the watermark's definition.
func TestIntervalJoinModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 7))
	lateRuns, outerRuns, edgeHits := 0, 0, 0
	for run := range 3000 {
		c := randomIJCase(rng)
		got, want := runIJCase(t, c)
		if !slices.Equal(got, want) {
			t.Fatalf("run %d: %v\ngot  %v\nwant %v", run, c, got, want)
		}
		// The runs must exercise what they are for: late rows, outer rows, pairs exactly at an interval's edge.
		m := &ijModel{c: c, late: map[[2]int]bool{}}
		for _, e := range c.events {
			m.step(e)
		}
		if len(m.late) > 0 {
			lateRuns++
		}
		for _, s := range want {
			if strings.Contains(s, "-") {
				outerRuns++
				break
			}
		}
		for _, l := range m.rows[0] {
			for _, r := range m.rows[1] {
				if l.key >= 0 && l.key == r.key && (r.ts == l.ts-c.before || r.ts == l.ts+c.after) {
					edgeHits++
				}
			}
		}
	}
	t.Logf("%d runs with late rows, %d with outer rows, %d pairs at an edge", lateRuns, outerRuns, edgeHits)
	if lateRuns < 100 || outerRuns < 100 || edgeHits < 100 {
		t.Errorf("weak coverage: %d runs with late rows, %d with outer rows, %d pairs at an edge", lateRuns, outerRuns, edgeHits)
	}
}

// ijFixed runs a fixed join: inner unless told, the watermark advanced by hand.
type ijFixed struct {
	t    *testing.T
	j    *IntervalJoin[ijTestKey, ijTestL, ijTestR]
	sink *ijSink
}

func newIJFixed(t *testing.T, before, after int64, keepLeft, keepRight bool) *ijFixed {
	return &ijFixed{t: t, j: NewIntervalJoin[ijTestKey, ijTestL, ijTestR](before, after, keepLeft, keepRight, ownTestL, ownTestR, ownTestK),
		sink: &ijSink{t: t, before: before, after: after, floor: math.MinInt64}}
}

func (f *ijFixed) left(key string, id int, ts int64) bool {
	late, err := f.j.Left(ijTestKey{key}, ts, &ijTestL{id: id, ts: ts, name: "l" + strconv.Itoa(id)}, nil, f.sink.pair, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return late
}

func (f *ijFixed) right(key string, id int, ts int64) bool {
	late, err := f.j.Right(ijTestKey{key}, ts, &ijTestR{id: id, ts: ts, name: "r" + strconv.Itoa(id)}, nil, f.sink.pair, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return late
}

func (f *ijFixed) advance(wm int64) {
	f.sink.wm = wm
	if err := f.j.Advance(wm, f.sink.left, f.sink.right); err != nil {
		f.t.Fatal(err)
	}
}

// take returns what was emitted since the last take, in order.
func (f *ijFixed) take() []string {
	got := f.sink.got
	f.sink.got = nil
	return got
}

func (f *ijFixed) expect(what string, want ...string) {
	f.t.Helper()
	if got := f.take(); !slices.Equal(got, want) {
		f.t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// TestIntervalJoinEdges: both ends of the interval are included, on both sides, and a row is evicted only once
// the watermark has passed the end of its interval.
func TestIntervalJoinEdges(t *testing.T) {
	// r.ts BETWEEN l.ts - 2 AND l.ts + 3
	f := newIJFixed(t, 2, 3, true, true)
	for i, ts := range []int64{7, 8, 13, 14} {
		f.right("a", i, ts)
	}
	f.left("a", 0, 10)
	f.expect("left row at 10 against right rows at 7, 8, 13, 14", "L0(l0)|R1(r1)", "L0(l0)|R2(r2)")
	f.left("b", 1, 10)
	for i, ts := range []int64{7, 8, 13, 14} {
		f.right("b", 10+i, ts)
	}
	f.expect("right rows at 7, 8, 13, 14 against a left row at 10", "L1(l1)|R11(r11)", "L1(l1)|R12(r12)")

	// The right row at 7 ends at 7+2 = 9, at 8 at 10, the left rows at 10+3 = 13.
	f.advance(9)
	f.expect("watermark 9")
	f.advance(10)
	f.expect("watermark 10", "-|R0(r0)", "-|R10(r10)")
	f.advance(13)
	f.expect("watermark 13")
	if f.j.Len() != 6 {
		t.Errorf("at watermark 13: %d rows kept, want 6", f.j.Len())
	}
	f.advance(14)
	f.expect("watermark 14") // the left rows met rows: not emitted
	if f.j.Len() != 4 {
		t.Errorf("at watermark 14: %d rows kept, want 4", f.j.Len())
	}
	// A left row at 14 meets the right rows at 13 and 14, kept until 15 and 16.
	f.left("a", 2, 14)
	f.expect("left row at 14", "L2(l2)|R2(r2)", "L2(l2)|R3(r3)")
	f.advance(17)
	f.expect("watermark 17", "-|R13(r13)") // R2 and R3 met rows; R12 (13) met L1, R13 (14) met none
}

// TestIntervalJoinOrder: a record's pairs come out in the arrival order of the other side's rows, evicted outer
// rows by the end of their interval, then arrival.
func TestIntervalJoinOrder(t *testing.T) {
	f := newIJFixed(t, 5, 5, true, true)
	f.right("a", 0, 9)
	f.right("a", 1, 3)
	f.right("a", 2, 6)
	f.left("a", 0, 5)
	f.expect("pairs", "L0(l0)|R0(r0)", "L0(l0)|R1(r1)", "L0(l0)|R2(r2)")
	// Outer rows: L10 at 4 and R10 at 4 end at 9; L11 at 2 at 7; R11 at 1 at 6; R12 at 4 (another key) at 9.
	f.left("b", 10, 4)
	f.right("c", 10, 4)
	f.left("d", 11, 2)
	f.right("e", 11, 1)
	f.right("c", 12, 4)
	f.advance(100)
	f.expect("evictions", "-|R11(r11)", "L11(l11)|-", "L10(l10)|-", "-|R10(r10)", "-|R12(r12)")
}

// TestIntervalJoinLate: rows below the watermark are neither joined nor kept.
func TestIntervalJoinLate(t *testing.T) {
	f := newIJFixed(t, 5, 5, true, true)
	f.right("a", 0, 14)
	f.advance(10)
	if !f.left("a", 0, 9) || !f.right("a", 1, 9) {
		t.Error("rows at 9 below the watermark 10 are not late")
	}
	if f.left("a", 1, 10) {
		t.Error("a row at the watermark is late")
	}
	f.expect("late rows", "L1(l1)|R0(r0)")
	if f.j.Len() != 2 {
		t.Errorf("%d rows kept, want 2", f.j.Len())
	}
	if !f.j.Late(9) || f.j.Late(10) {
		t.Error("Late disagrees with Left")
	}
}

// TestIntervalJoinErrors: a failing ON condition or output stops the record, which is not kept; a failing outer
// output stops Advance with its row evicted.
func TestIntervalJoinErrors(t *testing.T) {
	j := NewIntervalJoin[ijTestKey, ijTestL, ijTestR](1, 1, true, false, nil, nil, nil)
	boom := errors.New("boom")
	k := ijTestKey{"a"}
	if _, err := j.Right(k, 10, &ijTestR{id: 1}, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := j.Left(k, 10, &ijTestL{id: 1}, func(*ijTestL, *ijTestR) (bool, error) { return false, boom }, nil, nil)
	if !errors.Is(err, boom) || j.Len() != 1 {
		t.Fatalf("failing ON: error %v, %d rows kept", err, j.Len())
	}
	_, err = j.Left(k, 10, &ijTestL{id: 2}, nil, func(*ijTestL, *ijTestR) error { return boom }, nil)
	if !errors.Is(err, boom) || j.Len() != 1 {
		t.Fatalf("failing output: error %v, %d rows kept", err, j.Len())
	}
	if _, err := j.Left(ijTestKey{"b"}, 10, &ijTestL{id: 3}, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Left(ijTestKey{"c"}, 10, &ijTestL{id: 4}, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	var emitted []int
	outL := func(l *ijTestL) error { emitted = append(emitted, l.id); return boom }
	// R1 (an inner side's row: silent) and L3 are evicted, L3's output failing; L4 waits.
	if err := j.Advance(20, outL, nil); !errors.Is(err, boom) || j.Len() != 1 {
		t.Fatalf("failing outer output: error %v, %d rows kept, want 1", err, j.Len())
	}
	if err := j.Flush(outL, nil); !errors.Is(err, boom) || j.Len() != 0 {
		t.Fatalf("failing outer output in Flush: error %v, %d rows kept, want 0", err, j.Len())
	}
	if err := j.Flush(func(l *ijTestL) error { emitted = append(emitted, l.id); return nil }, nil); err != nil || j.Len() != 0 || len(j.keys) != 0 {
		t.Fatalf("Flush: error %v, %d rows, %d keys", err, j.Len(), len(j.keys))
	}
	if !slices.Equal(emitted, []int{3, 4}) {
		t.Errorf("outer rows emitted %v, want [3 4]", emitted)
	}
}

// TestIntervalJoinFlat: a long run keeps the state the interval and the disorder hold, whatever its length; its
// outer rows come out in order.
func TestIntervalJoinFlat(t *testing.T) {
	const (
		rows     = 1_000_000 // over both inputs
		keys     = 100
		before   = 300 // milliseconds
		after    = 500
		disorder = 40 // each input's rows are up to this much behind its newest, its allowed out-of-orderness too
	)
	type row struct{ ts, arrival int64 }
	j := NewIntervalJoin[int, row, row](before, after, true, true, nil, nil, nil)
	mw := NewMinWatermark(disorder, disorder)
	rng := rand.New(rand.NewPCG(1, 2))
	var pairs, outer, late int
	pair := func(*row, *row) error { pairs++; return nil }
	// Outer rows come out by the end of their interval, then arrival.
	var last row
	evicted := func(r *row, end int64) {
		if end < last.ts || end == last.ts && r.arrival <= last.arrival {
			t.Fatalf("outer row ending at %d (arrival %d) after one ending at %d (arrival %d)", end, r.arrival, last.ts, last.arrival)
		}
		last = row{end, r.arrival}
		outer++
	}
	outL := func(l *row) error { evicted(l, l.ts+after); return nil }
	outR := func(r *row) error { evicted(r, r.ts+before); return nil }
	// Each input has one row per millisecond of event time: input i's n-th row is at about n, a key in turn.
	// A left row is kept while tl + after >= watermark, and the watermark is at least the slower input's
	// newest time less the disorder, and its rows are at most the disorder behind it: a left row kept is at
	// most after + 2*disorder + 1 ms behind the newest time, and as many right rows within before + 2*disorder
	// + 1, give or take the milliseconds one input runs ahead of the other (the interleaving is random, so a
	// few).
	const slack = 64
	bound := (after + 2*disorder + 1) + (before + 2*disorder + 1) + 2*slack
	var n [2]int64
	maxLen, maxKeys := 0, 0
	for i := range rows {
		side := rng.IntN(2)
		if n[side] > n[1-side]+slack/2 {
			side = 1 - side // keep the inputs within slack/2 rows of each other
		}
		ts := n[side] - rng.Int64N(disorder+1)
		k := int(n[side] % keys)
		if side == 1 {
			k = int(n[side] % (keys + keys/5)) // a sixth of the right rows have keys no left row has: outer rows
		}
		n[side]++
		var l bool
		var err error
		r := row{ts, int64(i)}
		if side == 0 {
			l, err = j.Left(k, ts, &r, nil, pair, nil)
		} else {
			l, err = j.Right(k, ts, &r, nil, pair, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		if l {
			late++
		}
		if mw.Observe(side, ts) {
			if err := j.Advance(mw.Current(), outL, outR); err != nil {
				t.Fatal(err)
			}
		}
		maxLen, maxKeys = max(maxLen, j.Len()), max(maxKeys, len(j.keys))
		if i == rows/10 && j.Len() < 100 {
			t.Fatalf("only %d rows kept after %d: the run does not fill the interval", j.Len(), i)
		}
	}
	if maxLen > bound {
		t.Errorf("up to %d rows kept, want at most %d", maxLen, bound)
	}
	if maxKeys > keys+keys/5 {
		t.Errorf("up to %d keys, want at most %d", maxKeys, keys+keys/5)
	}
	// Nothing grew beyond what the rows kept need: the queue and each key's slices.
	capacity := 0
	for _, b := range j.keys {
		capacity += cap(b.left.rows) + cap(b.right.rows)
	}
	queued := cap(j.queue.inbox) + len(j.queue.free)*ijRunLen
	for _, r := range j.queue.runs {
		queued += cap(r.rows)
	}
	if capacity > 4*bound+keys*2*ijShrinkCap || queued > 4*bound+(2+ijFree)*ijRunLen {
		t.Errorf("slices hold %d rows and the queue %d for %d rows kept", capacity, queued, j.Len())
	}
	if late != 0 || pairs == 0 || outer == 0 {
		t.Errorf("%d late, %d pairs, %d outer rows: the run is not the one intended", late, pairs, outer)
	}
	t.Logf("%d rows: at most %d kept (bound %d), %d pairs, %d outer rows", rows, maxLen, bound, pairs, outer)
}

// TestIntervalQueue checks the queue of kept rows against sorting: rows come out by (end, seq), each once the
// watermark has passed its end, over narrow and wide spreads of ends (the counting sort and the comparison sort),
// inboxes sealed full and sealed because a row fell due.
func TestIntervalQueue(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for run := range 80 {
		spread := []int64{4, 60, 3000, 1 << 40, 8000}[run%5]
		clustered := spread == 8000 // ends far apart, many equal: the comparison sort, with ties
		q := &ijQueue[int, int, int]{}
		var pending []ijExpiry[int, int, int]
		var seq uint64
		wm := int64(rng.IntN(100)) - 50
		var lastEnd int64 = math.MinInt64
		take := func(e ijExpiry[int, int, int]) {
			t.Helper()
			best := 0
			for i := range pending {
				if p, b := pending[i], pending[best]; p.end < b.end || p.end == b.end && p.seq < b.seq {
					best = i
				}
			}
			if want := pending[best]; e.end != want.end || e.seq != want.seq {
				t.Fatalf("run %d: popped (%d, %d), want (%d, %d)", run, e.end, e.seq, want.end, want.seq)
			}
			if e.end < lastEnd {
				t.Fatalf("run %d: popped end %d after %d", run, e.end, lastEnd)
			}
			lastEnd = e.end
			pending = slices.Delete(pending, best, best+1)
		}
		for range 4000 {
			if rng.IntN(10) < 7 {
				e := ijExpiry[int, int, int]{end: wm + rng.Int64N(spread), seq: seq}
				if clustered {
					e.end = wm + rng.Int64N(8)*1000
				}
				seq++
				q.push(e)
				pending = append(pending, e)
				continue
			}
			wm += rng.Int64N(spread/8 + 1)
			for q.due(wm, false) {
				e := q.pop()
				if e.end >= wm {
					t.Fatalf("run %d: popped end %d at watermark %d", run, e.end, wm)
				}
				take(e)
			}
			for _, p := range pending {
				if p.end < wm {
					t.Fatalf("run %d: end %d not popped at watermark %d", run, p.end, wm)
				}
			}
			if q.n != len(pending) {
				t.Fatalf("run %d: queue holds %d, want %d", run, q.n, len(pending))
			}
			held := cap(q.inbox) + len(q.free)*ijRunLen
			for _, r := range q.runs {
				held += cap(r.rows)
			}
			if held > 4*q.n+(2+ijFree)*ijRunLen {
				t.Fatalf("run %d: the queue's arrays hold %d rows for %d", run, held, q.n)
			}
		}
		for q.due(0, true) {
			take(q.pop())
		}
		if len(pending) != 0 || q.n != 0 {
			t.Fatalf("run %d: %d rows left after all were due (queue %d)", run, len(pending), q.n)
		}
	}
}

// TestIntervalQueueStragglers: a run whose rows are mostly handed out gives back its array, though a few of its
// rows wait long.
func TestIntervalQueueStragglers(t *testing.T) {
	q := &ijQueue[int, int, int]{}
	var seq uint64
	for batch := range int64(200) {
		now := batch * 1000
		for i := range ijRunLen {
			end := now + 10 + int64(i%100)
			if i%50 == 0 {
				end = 1 << 40 // waits past the test
			}
			q.push(ijExpiry[int, int, int]{end: end, seq: seq})
			seq++
		}
		for q.due(now+500, false) {
			q.pop()
		}
	}
	held := cap(q.inbox) + len(q.free)*ijRunLen
	for _, r := range q.runs {
		held += cap(r.rows)
	}
	if want := 200 * (ijRunLen/50 + 1); q.n != want {
		t.Fatalf("%d rows held, want %d", q.n, want)
	}
	if held > 4*q.n+(2+ijFree)*ijRunLen {
		t.Errorf("the queue's arrays hold %d rows for %d", held, q.n)
	}
}

// TestMinWatermark: the minimum over the inputs that are busy, each its newest time less its out-of-orderness.
func TestMinWatermark(t *testing.T) {
	w := NewMinWatermark(10, 0, 5)
	check := func(what string, moved, wantMoved bool, want int64) {
		t.Helper()
		if moved != wantMoved || w.Current() != want {
			t.Errorf("%s: moved %v, watermark %d; want %v, %d", what, moved, w.Current(), wantMoved, want)
		}
	}
	check("input 0 at 100, the others unseen", w.Observe(0, 100), false, math.MinInt64)
	check("input 1 at 50, input 2 unseen", w.Observe(1, 50), false, math.MinInt64)
	check("input 2 at 70", w.Observe(2, 70), true, 50)
	check("input 0 at 90: not its newest", w.Observe(0, 90), false, 50)
	check("input 0 at 200: not the slowest", w.Observe(0, 200), false, 50)
	check("input 1 at 80", w.Observe(1, 80), true, 65)
	check("input 2 idle", w.Idle(2, true), true, 80)
	check("input 2 idle again", w.Idle(2, true), false, 80)
	check("input 2 at 60: busy again, behind; the watermark stays", w.Observe(2, 60), false, 80)
	check("input 2 at 95: input 1 holds it", w.Observe(2, 95), false, 80)
	check("input 1 ends", w.End(1), true, 90) // input 2 at 95-5
	check("input 1 ends again", w.End(1), false, 90)
	check("input 2 at 300", w.Observe(2, 300), true, 190) // input 0 at 200-10
	check("input 0 idle, input 2 busy", w.Idle(0, true), true, 295)
	check("input 2 idle too: the largest counts", w.Idle(2, true), false, 295)
	check("input 0 ends", w.End(0), false, 295)
	check("input 2 ends: nothing holds it", w.End(2), true, math.MaxInt64)

	w = NewMinWatermark(0, 0)
	check("input 1 ends unseen", w.End(1), false, math.MinInt64)
	check("input 0 at 5, the only input left", w.Observe(0, 5), true, 5)
	check("input 0 set to 3: behind", w.Set(0, 3), false, 5)
	check("input 0 set to 9", w.Set(0, 9), true, 9)

	w = NewMinWatermark(0, 0)
	check("both idle, neither seen", w.Idle(0, true), false, math.MinInt64)
	check("both idle, neither seen", w.Idle(1, true), false, math.MinInt64)
	check("a record makes input 0 busy", w.Observe(0, 7), true, 7)
}

// BenchmarkIntervalJoin is an inner interval join of two inputs, 1,000 keys, ±10 s, each input one row per
// millisecond of event time, up to 100 ms out of order: about 20 pairs per row. It reports rows per second.
func BenchmarkIntervalJoin(b *testing.B) {
	const (
		keys     = 1000
		bound    = 10_000
		disorder = 100
		n        = 1 << 16 // distinct rows, cycled with times moving on
	)
	type benchRow struct {
		sym   string
		price int64
		ts    int64
	}
	rng := rand.New(rand.NewPCG(3, 4))
	syms := make([]string, keys)
	for i := range syms {
		syms[i] = "SYM" + strconv.Itoa(i)
	}
	type input struct {
		side int
		key  int
		dt   int64 // how far behind its input's clock
	}
	in := make([]input, n)
	for i := range in {
		in[i] = input{side: i & 1, key: rng.IntN(keys), dt: rng.Int64N(disorder + 1)}
	}
	j := NewIntervalJoin[string, benchRow, benchRow](bound, bound, false, false,
		func(r *benchRow) { r.sym = Own(r.sym) }, func(r *benchRow) { r.sym = Own(r.sym) }, func(k *string) { *k = Own(*k) })
	mw := NewMinWatermark(disorder, disorder)
	var pairs int
	var sum int64
	out := func(l, r *benchRow) error { pairs++; sum += l.price - r.price; return nil }
	var clock [2]int64
	var row benchRow // the decoder's record, as in a job
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := &in[i&(n-1)]
		ts := clock[e.side] - e.dt
		clock[e.side]++
		row = benchRow{sym: syms[e.key], price: int64(i & 1023), ts: ts}
		var err error
		if e.side == 0 {
			_, err = j.Left(row.sym, ts, &row, nil, out, nil)
		} else {
			_, err = j.Right(row.sym, ts, &row, nil, out, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
		if mw.Observe(e.side, ts) {
			if err := j.Advance(mw.Current(), nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(pairs)/float64(b.N), "pairs/row")
	_ = sum
}

// TestIntervalJoinSides: each input's rows, tracked by its source, hold back the commit of their offsets until
// they leave the join; a rebalance drops one input's rows and keeps the other's, which still expire in order.
func TestIntervalJoinSides(t *testing.T) {
	j := NewIntervalJoin[ijTestKey, ijTestL, ijTestR](10, 10, true, true, nil, nil, nil)
	var curL, curR Cursor
	left, right := j.Side(false), j.Side(true)
	left.bind(&curL, nil)
	right.bind(&curR, nil)
	var out []string
	pair := func(l *ijTestL, r *ijTestR) error { out = append(out, fmt.Sprintf("L%d|R%d", l.id, r.id)); return nil }
	outL := func(l *ijTestL) error { out = append(out, fmt.Sprintf("L%d|-", l.id)); return nil }
	outR := func(r *ijTestR) error { out = append(out, fmt.Sprintf("-|R%d", r.id)); return nil }
	k := ijTestKey{"a"}
	for i, at := range []struct {
		part int32
		off  int64
		ts   int64
	}{{0, 100, 0}, {1, 7, 5}, {0, 101, 20}} {
		curL = Cursor{Partition: at.part, Offset: at.off}
		if _, err := j.Left(k, at.ts, &ijTestL{id: i, ts: at.ts}, nil, pair, outL); err != nil {
			t.Fatal(err)
		}
	}
	curR = Cursor{Partition: 0, Offset: 50}
	if _, err := j.Right(ijTestKey{"b"}, 30, &ijTestR{id: 9, ts: 30}, nil, pair, outR); err != nil {
		t.Fatal(err)
	}
	check := func(s Stateful, p int32, want int64, wantOK bool) {
		t.Helper()
		if got, ok := s.held(p); ok != wantOK || ok && got != want {
			t.Errorf("held(%d) = %d, %v; want %d, %v", p, got, ok, want, wantOK)
		}
	}
	check(left, 0, 100, true)
	check(left, 1, 7, true)
	check(left, 2, 0, false)
	check(right, 0, 50, true)
	// The watermark passes the end of the first two left rows' intervals (0+10, 5+10): they leave, unmatched.
	if err := j.Advance(16, outL, outR); err != nil {
		t.Fatal(err)
	}
	check(left, 0, 101, true)
	check(left, 1, 0, false)
	// A rebalance of the left input drops its rows; the right row stays and still leaves at its time.
	left.reset()
	check(left, 0, 0, false)
	check(right, 0, 50, true)
	if j.Len() != 1 {
		t.Fatalf("Len = %d after dropping the left rows, want 1 (the right row)", j.Len())
	}
	if err := j.Advance(41, outL, outR); err != nil {
		t.Fatal(err)
	}
	if want := []string{"L0|-", "L1|-", "-|R9"}; !slices.Equal(out, want) {
		t.Fatalf("emitted %v, want %v", out, want)
	}
	check(right, 0, 0, false)
}

// TestIntervalJoinStateSize: the left side reports, as the job's status reads it, the rows both sides keep,
// under the query's label; the right side reports nothing of its own.
func TestIntervalJoinStateSize(t *testing.T) {
	j := NewIntervalJoin[ijTestKey, ijTestL, ijTestR](5, 5, false, false, nil, nil, nil)
	j.Label("pairs", "job.sql:3:1")
	left, ok := j.Side(false).(memState)
	if !ok {
		t.Fatal("the left side is no memState")
	}
	if _, ok := j.Side(true).(memState); ok {
		t.Error("the right side is a memState: the rows would be counted twice")
	}
	on := func(*ijTestL, *ijTestR) (bool, error) { return true, nil }
	out := func(*ijTestL, *ijTestR) error { return nil }
	for i := range 100 {
		if _, err := j.Left(ijTestKey{fmt.Sprint(i % 7)}, int64(i), &ijTestL{id: i}, on, out, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := j.Right(ijTestKey{fmt.Sprint(i % 7)}, int64(i), &ijTestR{id: i}, on, out, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Advance(50, nil, nil); err != nil { // rows before 45 leave
		t.Fatal(err)
	}
	groups, inMem, windows, per := left.memSize()
	if groups != j.Len() || inMem != j.Len() || windows != 0 || per <= 0 || j.Len() == 0 || j.Len() == 200 {
		t.Errorf("memSize %d, %d, %d, %d; the join keeps %d rows", groups, inMem, windows, per, j.Len())
	}
	if l := left.memLabel(); l.query != "pairs" || l.at != "job.sql:3:1" {
		t.Errorf("label %+v", l)
	}
	if err := j.Flush(nil, nil); err != nil {
		t.Fatal(err)
	}
	if g, _, _, _ := left.memSize(); g != 0 {
		t.Errorf("after Flush the left side reports %d rows", g)
	}
}

// TestSharedLockReset: a join of two streams read by two sources whose lock is shared (ShareLock): one source's
// ResetState, called from a transport's goroutine (a rebalance), and Held, called by a commit, run while the other
// source's handler feeds the join under the lock, without a data race (go test -race) or a broken join.
func TestSharedLockReset(t *testing.T) {
	j := NewIntervalJoin[ijTestKey, ijTestL, ijTestR](5, 5, false, false, nil, nil, nil)
	var mu sync.Mutex
	left := &Source{spec: SourceSpec{Name: "left"}, counts: &sourceCounts{}}
	right := &Source{spec: SourceSpec{Name: "right"}, counts: &sourceCounts{}}
	left.Track(j.Side(false))
	right.Track(j.Side(true))
	left.ShareLock(&mu)
	right.ShareLock(&mu)
	on := func(*ijTestL, *ijTestR) (bool, error) { return true, nil }
	out := func(*ijTestL, *ijTestR) error { return nil }
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20000 {
			mu.Lock() // what a generated handler of the right source does
			_, err := j.Right(ijTestKey{fmt.Sprint(i % 13)}, int64(i), &ijTestR{id: i}, on, out, nil)
			if err == nil && i%100 == 0 {
				err = j.Advance(int64(i-50), nil, nil)
			}
			mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		default:
		}
		if i%2 == 0 {
			left.ResetState()
		} else {
			left.Held(0)
		}
	}
}
