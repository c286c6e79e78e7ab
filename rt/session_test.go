package rt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// sessTestState is a session's state in these tests: a count and sum, the value of the first and last record
// to arrive (merged as rt's First and Last merge: the other state read later input), and the distinct values.
type sessTestState struct {
	n, sum      int64
	first, last int64
	vals        Distinct[int64]
}

func (d *sessTestState) merge(o *sessTestState) error {
	if d.n == 0 {
		d.first = o.first
	}
	if o.n > 0 {
		d.last = o.last
	}
	d.n += o.n
	d.sum += o.sum
	o.vals.Each(func(v int64) { d.vals.Add(v) })
	return nil
}

func (d *sessTestState) add(v int64) {
	if d.n == 0 {
		d.first = v
	}
	d.last = v
	d.n++
	d.sum += v
	d.vals.Add(v % 3)
}

// sessRec is one input record: a key, an event time, a value (its arrival number).
type sessRec struct {
	key      string
	ts, v    int64
	arrivals int
}

// sessOut is one session as emitted: its key, bounds, count, sum, first and last value, distinct count.
type sessOut struct {
	key                               string
	start, last, n, sum, first, lastV int64
	distinct                          int
}

func (o sessOut) String() string {
	return fmt.Sprintf("%s[%d,%d] n=%d sum=%d first=%d last=%d d=%d", o.key, o.start, o.last, o.n, o.sum, o.first, o.lastV, o.distinct)
}

func sortOuts(s []sessOut) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].key != s[j].key {
			return s[i].key < s[j].key
		}
		return s[i].start < s[j].start
	})
}

// offlineSessions is the batch definition of sessions, for input where no record is late: per key, sort the
// records by time and cut where two neighbours are more than gap apart.
func offlineSessions(recs []sessRec, gap int64) []sessOut {
	byKey := map[string][]sessRec{}
	for _, r := range recs {
		byKey[r.key] = append(byKey[r.key], r)
	}
	var out []sessOut
	for key, rs := range byKey {
		slices.SortStableFunc(rs, func(a, b sessRec) int {
			if a.ts != b.ts {
				if a.ts < b.ts {
					return -1
				}
				return 1
			}
			return 0
		})
		var cur []sessRec
		flush := func() {
			if len(cur) == 0 {
				return
			}
			o := sessOut{key: key, start: cur[0].ts, last: cur[len(cur)-1].ts}
			firstArr, lastArr := math.MaxInt, -1
			d := map[int64]bool{}
			for _, r := range cur {
				o.n++
				o.sum += r.v
				d[r.v%3] = true
				if r.arrivals < firstArr {
					firstArr, o.first = r.arrivals, r.v
				}
				if r.arrivals > lastArr {
					lastArr, o.lastV = r.arrivals, r.v
				}
			}
			o.distinct = len(d)
			out = append(out, o)
			cur = nil
		}
		for _, r := range rs {
			if len(cur) > 0 && r.ts-cur[len(cur)-1].ts > gap {
				flush()
			}
			cur = append(cur, r)
		}
		flush()
	}
	sortOuts(out)
	return out
}

func randomSessRecs(rng *rand.Rand, n int, span int64) []sessRec {
	recs := make([]sessRec, n)
	for i := range recs {
		recs[i] = sessRec{key: string(rune('a' + rng.IntN(3))), ts: rng.Int64N(span) - span/4, v: int64(i), arrivals: i}
	}
	return recs
}

// TestSessionsMatchBatch feeds records in random order with a watermark that never closes a session early
// (bounded input, nothing late), and compares the sessions CloseAll emits with the batch definition: bounds,
// counts, sums, FIRST/LAST in arrival order and distinct values survive any order of merges.
func TestSessionsMatchBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		gap := 1 + rng.Int64N(50)
		recs := randomSessRecs(rng, 1+rng.IntN(60), 400)
		ss := NewSessions[string, sessTestState](gap)
		ss.Merger(func(d, o *sessTestState) error { return d.merge(o) })
		wm := NewWatermark(0)
		for _, r := range recs {
			sess, err := ss.Get(r.key, r.ts, wm)
			if err != nil || sess == nil {
				t.Fatalf("round %d: Get(%v) = %v, %v", round, r, sess, err)
			}
			sess.State.add(r.v)
			if sess.Start > r.ts || sess.Last < r.ts {
				t.Fatalf("round %d: session [%d,%d] does not cover %d", round, sess.Start, sess.Last, r.ts)
			}
		}
		var got []sessOut
		prevLast := int64(math.MinInt64)
		err := ss.CloseAll(func(start, last int64, k *string, s *sessTestState) error {
			if last < prevLast {
				t.Errorf("round %d: sessions closed out of order: last %d after %d", round, last, prevLast)
			}
			prevLast = last
			got = append(got, sessOut{key: *k, start: start, last: last, n: s.n, sum: s.sum, first: s.first, lastV: s.last, distinct: s.vals.Len()})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sortOuts(got)
		want := offlineSessions(recs, gap)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d, gap %d, records %v:\n got %v\nwant %v", round, gap, recs, got, want)
		}
		if ss.Open() != 0 || len(ss.index) != 0 {
			t.Errorf("round %d: after CloseAll %d open, %d keys", round, ss.Open(), len(ss.index))
		}
	}
}

// naiveSessions is the specification of Sessions with a watermark, written the slow way: each key's open
// sessions as a list; a record is late when its time is behind the watermark; it merges every session it is
// within gap of. Sessions close when the watermark passes last+gap.
type naiveSessions struct {
	gap  int64
	open map[string][]*naiveSess
}

type naiveSess struct {
	start, last int64
	recs        []sessRec
}

func (ns *naiveSessions) add(r sessRec, wm int64) bool {
	var touched, rest []*naiveSess
	for _, s := range ns.open[r.key] {
		if r.ts >= s.start-ns.gap && r.ts <= s.last+ns.gap {
			touched = append(touched, s)
		} else {
			rest = append(rest, s)
		}
	}
	if r.ts < wm {
		return false
	}
	m := &naiveSess{start: r.ts, last: r.ts, recs: []sessRec{r}}
	for _, s := range touched {
		m.start, m.last = min(m.start, s.start), max(m.last, s.last)
		m.recs = append(m.recs, s.recs...)
	}
	ns.open[r.key] = append(rest, m)
	return true
}

func (ns *naiveSessions) close(wm int64, all bool) []sessOut {
	var out []sessOut
	for key, list := range ns.open {
		var keep []*naiveSess
		for _, s := range list {
			if all || s.last+ns.gap+1 <= wm {
				o := offlineSessions(s.recs, math.MaxInt64/2)
				if len(o) != 1 {
					panic("one session")
				}
				out = append(out, o[0])
			} else {
				keep = append(keep, s)
			}
		}
		ns.open[key] = keep
	}
	return out
}

// TestSessionsWithWatermark runs Sessions and naiveSessions over the same out-of-order input with a watermark
// that trails the largest time seen, and compares what each drops as late and what each closes after every
// record. Under EMIT CHANGES semantics, it also keeps the rows a consumer would hold (one per key and session
// start: written after every record, withdrawn by each retraction) and checks that they end as the final sessions.
func TestSessionsWithWatermark(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 300 {
		gap := 1 + rng.Int64N(40)
		delay := rng.Int64N(60)
		recs := randomSessRecs(rng, 1+rng.IntN(80), 300)
		// Mostly ascending times with disorder, so that sessions close along the way.
		noisy := map[int64]int64{}
		for _, r := range recs {
			noisy[r.v] = r.ts + rng.Int64N(80)
		}
		slices.SortFunc(recs, func(a, b sessRec) int { return int(noisy[a.v] - noisy[b.v]) })
		for i := range recs {
			recs[i].v, recs[i].arrivals = int64(i), i
		}
		ss := NewSessions[string, sessTestState](gap)
		ss.Merger(func(d, o *sessTestState) error { return d.merge(o) })
		// Keys view a buffer scribbled over after each record, as decoders' strings view the record: the
		// Sessions must keep only copies.
		ss.OwnKeys(func(k *string) { *k = strings.Clone(*k) })
		buf := make([]byte, 1)
		type rowKey struct {
			key   string
			start int64
		}
		live := map[rowKey]sessOut{}
		ss.Retractor(func(start, end int64, k *string, s *sessTestState) error {
			rk := rowKey{*k, start}
			if _, ok := live[rk]; !ok {
				t.Fatalf("round %d: retraction of %v, which is not a live row", round, rk)
			}
			delete(live, rk)
			return nil
		})
		ns := &naiveSessions{gap: gap, open: map[string][]*naiveSess{}}
		wm := NewWatermark(delay)
		var got, want []sessOut
		closeFn := func(start, last int64, k *string, s *sessTestState) error {
			got = append(got, sessOut{key: *k, start: start, last: last, n: s.n, sum: s.sum, first: s.first, lastV: s.last, distinct: s.vals.Len()})
			return nil
		}
		for i, r := range recs {
			buf[0] = r.key[0]
			sess, err := ss.Get(view(buf), r.ts, wm)
			buf[0] = '#'
			if err != nil {
				t.Fatal(err)
			}
			if ok := ns.add(r, wm.Current()); ok != (sess != nil) {
				t.Fatalf("round %d record %d %v: late %v, want %v", round, i, r, sess == nil, !ok)
			}
			if sess != nil {
				sess.State.add(r.v)
				live[rowKey{r.key, sess.Start}] = sessOut{key: r.key, start: sess.Start, last: sess.Last, n: sess.State.n, sum: sess.State.sum,
					first: sess.State.first, lastV: sess.State.last, distinct: sess.State.vals.Len()}
			}
			if wm.Observe(r.ts) {
				if err := ss.CloseUpTo(wm.Current(), closeFn); err != nil {
					t.Fatal(err)
				}
				want = append(want, ns.close(wm.Current(), false)...)
			}
			sortOuts(got)
			sortOuts(want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d, gap %d, delay %d, after record %d:\n got %v\nwant %v", round, gap, delay, i, got, want)
			}
		}
		if err := ss.CloseAll(closeFn); err != nil {
			t.Fatal(err)
		}
		want = append(want, ns.close(0, true)...)
		sortOuts(got)
		sortOuts(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d at the end:\n got %v\nwant %v", round, got, want)
		}
		var rows []sessOut
		for _, o := range live {
			rows = append(rows, o)
		}
		sortOuts(rows)
		if fmt.Sprint(rows) != fmt.Sprint(got) {
			t.Fatalf("round %d: the live rows of EMIT CHANGES differ from the final sessions:\n rows %v\nfinal %v", round, rows, got)
		}
	}
}

// TestSessionsGapIsInclusive checks both ends of the gap: a record exactly gap after a session's last record, or
// exactly gap before its first, joins it; one more millisecond starts a session of its own.
func TestSessionsGapIsInclusive(t *testing.T) {
	ss := NewSessions[int, int](10)
	wm := NewWatermark(math.MaxInt64)
	get := func(ts int64) *Session[int, int] {
		s, err := ss.Get(0, ts, wm)
		if err != nil || s == nil {
			t.Fatalf("Get(%d) = %v, %v", ts, s, err)
		}
		return s
	}
	get(100)
	if s := get(110); s.Start != 100 || s.Last != 110 {
		t.Errorf("gap after: [%d,%d]", s.Start, s.Last)
	}
	if s := get(90); s.Start != 90 || s.Last != 110 {
		t.Errorf("gap before: [%d,%d]", s.Start, s.Last)
	}
	if s := get(121); s.Start != 121 || ss.Open() != 2 {
		t.Errorf("past the gap: [%d,%d], %d open", s.Start, s.Last, ss.Open())
	}
	if s := get(79); s.Start != 79 || ss.Open() != 3 {
		t.Errorf("before the gap: [%d,%d], %d open", s.Start, s.Last, ss.Open())
	}
	// Extreme times do not wrap around.
	if s := get(math.MaxInt64); s.Last != math.MaxInt64 || ss.Open() != 4 {
		t.Errorf("at the end of time: %d open", ss.Open())
	}
	if s := get(math.MinInt64); s.Start != math.MinInt64 || ss.Open() != 5 {
		t.Errorf("at the start of time: %d open", ss.Open())
	}
}

// TestSessionsClose checks when a session closes: once the watermark is past last+gap, not at it; and which
// records are late (behind the watermark), as generated code asks after every record (Get, then Observe and
// CloseUpTo).
func TestSessionsClose(t *testing.T) {
	ss := NewSessions[string, int](10)
	wm := NewWatermark(0)
	var closed []string
	fn := func(start, last int64, k *string, s *int) error {
		closed = append(closed, fmt.Sprintf("%s[%d,%d]", *k, start, last))
		return nil
	}
	record := func(k string, ts, moveTo int64) bool {
		s, err := ss.Get(k, ts, wm)
		if err != nil {
			t.Fatal(err)
		}
		if wm.Observe(moveTo) {
			if err := ss.CloseUpTo(wm.Current(), fn); err != nil {
				t.Fatal(err)
			}
		}
		return s != nil
	}
	record("a", 100, 90)
	if !record("a", 95, 90) {
		t.Errorf("95 is after the watermark: on time, extending a backwards")
	}
	record("b", 104, 110) // the watermark at a's last+gap: a stays open
	if len(closed) != 0 {
		t.Errorf("closed at last+gap: %v", closed)
	}
	if record("a", 109, 110) {
		t.Errorf("109 is behind the watermark: late, though a is open and 109 is within its gap")
	}
	if !record("a", 110, 111) {
		t.Errorf("a record at the watermark is on time")
	}
	if len(closed) != 0 {
		t.Errorf("closed %v: a was extended to 110", closed)
	}
	if !record("c", 111, 121) {
		t.Errorf("a record at the watermark is on time")
	}
	if fmt.Sprint(closed) != "[b[104,104] a[95,110]]" {
		t.Errorf("closed %v, want b[104,104] a[95,110]", closed)
	}
	if !record("b", 121, 200) {
		t.Errorf("121 is at the watermark: on time, a new session of b")
	}
	if fmt.Sprint(closed) != "[b[104,104] a[95,110] c[111,111] b[121,121]]" {
		t.Errorf("closed %v", closed)
	}
	if ss.Open() != 0 || len(ss.index) != 0 {
		t.Errorf("%d open, %d keys", ss.Open(), len(ss.index))
	}
}

// TestSessionsUpdatePrevious checks sessions that keep closed ones for late updates (Retain) against the batch
// definition, as a consumer of the rows sees them: a record is dropped exactly when its time is more than the
// retention behind the watermark, and after every record the rows standing (each row replacing the one of its key
// and start, retractions removing it) are, under EMIT FINAL (rows when sessions close, and a correction when a
// record changes a closed one), the batch sessions of the records kept so far that have closed; under EMIT
// CHANGES (a row per record, a closed session's row retracted before its late update), all of them.
func TestSessionsUpdatePrevious(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type rowKey struct {
		key   string
		start int64
	}
	row := func(k string, s *Session[string, sessTestState]) sessOut {
		return sessOut{key: k, start: s.Start, last: s.Last, n: s.State.n, sum: s.State.sum, first: s.State.first, lastV: s.State.last, distinct: s.State.vals.Len()}
	}
	rows := func(view map[rowKey]sessOut) string {
		var out []sessOut
		for _, o := range view {
			out = append(out, o)
		}
		sortOuts(out)
		return fmt.Sprint(out)
	}
	for round := range 300 {
		gap := 1 + rng.Int64N(40)
		delay := rng.Int64N(30)
		retain := 1 + rng.Int64N(100)
		recs := randomSessRecs(rng, 1+rng.IntN(80), 300)
		noisy := map[int64]int64{}
		for _, r := range recs {
			noisy[r.v] = r.ts + rng.Int64N(150) // more disorder than the lateness: records come late
		}
		slices.SortFunc(recs, func(a, b sessRec) int { return int(noisy[a.v] - noisy[b.v]) })
		for i := range recs {
			recs[i].v, recs[i].arrivals = int64(i), i
		}
		final, changes := map[rowKey]sessOut{}, map[rowKey]sessOut{}
		newSessions := func(view map[rowKey]sessOut, mustStand bool) *Sessions[string, sessTestState] {
			ss := NewSessions[string, sessTestState](gap)
			ss.Merger(func(d, o *sessTestState) error { return d.merge(o) })
			ss.Retain(retain)
			ss.Retractor(func(start, end int64, k *string, s *sessTestState) error {
				// A row is identified by its key and start; under EMIT CHANGES the standing row is the session as
				// it is, under EMIT FINAL a reopened session's row may be of an earlier end.
				rk := rowKey{*k, start}
				if o, ok := view[rk]; ok && (o.last == end || !mustStand) {
					delete(view, rk)
				} else if mustStand {
					t.Fatalf("round %d: retraction of %v..%d, which is not a standing row", round, rk, end)
				}
				return nil
			})
			return ss
		}
		fs, cs := newSessions(final, false), newSessions(changes, true)
		cs.RetractCorrected()
		emitFinal := func(start, last int64, k *string, s *sessTestState) error {
			final[rowKey{*k, start}] = sessOut{key: *k, start: start, last: last, n: s.n, sum: s.sum, first: s.first, lastV: s.last, distinct: s.vals.Len()}
			return nil
		}
		fwm, cwm := NewWatermark(delay), NewWatermark(delay)
		var kept []sessRec
		for i, r := range recs {
			cur := fwm.Current()
			accept := cur == math.MinInt64 || r.ts+retain >= cur
			fsess, err := fs.Get(r.key, r.ts, fwm)
			if err != nil {
				t.Fatal(err)
			}
			if accept != (fsess != nil) {
				t.Fatalf("round %d record %d %v (watermark %d, retention %d): kept %v, want %v", round, i, r, cur, retain, fsess != nil, accept)
			}
			csess, err := cs.Get(r.key, r.ts, cwm)
			if err != nil {
				t.Fatal(err)
			}
			if accept {
				kept = append(kept, r)
				fsess.State.add(r.v)
				if fsess.Closed {
					final[rowKey{r.key, fsess.Start}] = row(r.key, fsess) // a correction
				}
				csess.State.add(r.v)
				changes[rowKey{r.key, csess.Start}] = row(r.key, csess)
			}
			if fwm.Observe(r.ts) {
				if err := fs.CloseUpTo(fwm.Current(), emitFinal); err != nil {
					t.Fatal(err)
				}
			}
			if cwm.Observe(r.ts) {
				if err := cs.CloseUpTo(cwm.Current(), nil); err != nil {
					t.Fatal(err)
				}
			}
			// A session reopened by a late record keeps the row written when it closed until it closes again (a
			// correction then replaces it): under EMIT FINAL, open sessions may have a row of an earlier state.
			wm := fwm.Current()
			var closed []sessOut
			all := offlineSessions(kept, gap)
			for _, o := range all {
				if closeTime(o.last, gap) <= wm {
					closed = append(closed, o)
				} else if old, ok := final[rowKey{o.key, o.start}]; ok {
					closed = append(closed, old)
				}
			}
			sortOuts(closed)
			if got, want := rows(final), fmt.Sprint(closed); got != want {
				t.Fatalf("round %d, gap %d, delay %d, retention %d, after record %d %v (watermark %d), EMIT FINAL rows:\n got %v\nwant %v", round, gap, delay, retain, i, r, wm, got, want)
			}
			if got, want := rows(changes), fmt.Sprint(all); got != want {
				t.Fatalf("round %d, gap %d, delay %d, retention %d, after record %d %v (watermark %d), EMIT CHANGES rows:\n got %v\nwant %v", round, gap, delay, retain, i, r, wm, got, want)
			}
			// Closed sessions are kept no longer than the retention, open ones are open.
			for _, h := range [][]int32{fs.heap, fs.kept} {
				for _, j := range h {
					s := &fs.slots[j]
					if s.Closed != (closeTime(s.Last, gap) <= wm) || s.Closed && addSat(closeTime(s.Last, gap), retain) <= wm {
						t.Fatalf("round %d after record %d: session %s[%d,%d] closed=%v under watermark %d", round, i, s.key, s.Start, s.Last, s.Closed, wm)
					}
				}
			}
		}
		if err := fs.CloseAll(emitFinal); err != nil {
			t.Fatal(err)
		}
		if got, want := rows(final), fmt.Sprint(offlineSessions(kept, gap)); got != want {
			t.Fatalf("round %d at the end, EMIT FINAL rows:\n got %v\nwant %v", round, got, want)
		}
		if fs.Open() != 0 || fs.Kept() != 0 || len(fs.index) != 0 {
			t.Fatalf("round %d: %d open and %d kept sessions after CloseAll", round, fs.Open(), fs.Kept())
		}
	}
}
