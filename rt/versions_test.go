package rt

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// versionModel is the oracle for Versions: every put, in order, none ever dropped.
type versionModel []struct{ ts, val int64 }

func (m *versionModel) put(ts, val int64) { *m = append(*m, struct{ ts, val int64 }{ts, val}) }

// asOf returns the last put at the greatest time <= q, or nil.
func (m versionModel) asOf(q int64) *int64 {
	var want *int64
	best := int64(math.MinInt64)
	for i := range m {
		if m[i].ts <= q && m[i].ts >= best {
			best, want = m[i].ts, &m[i].val
		}
	}
	return want
}

// TestVersions checks With, AsOf and Latest against a model (every put, in order), including versions out of
// time order, versions at a time already seen, and that a history looked up earlier is unchanged by later puts.
func TestVersions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		var v *Versions[int64]
		var m versionModel
		var snaps []Versions[int64]
		var snapModels []versionModel
		for n := r.IntN(30); n > 0; n-- {
			ts, val := int64(r.IntN(20)), r.Int64()
			if r.IntN(3) > 0 && len(m) > 0 {
				ts = m[len(m)-1].ts + int64(r.IntN(3)) // mostly in time order
			}
			nv := v.With(ts, &val)
			v = &nv
			m.put(ts, val)
			snaps = append(snaps, nv)
			snapModels = append(snapModels, append(versionModel(nil), m...))
		}
		for k, s := range snaps {
			ms := snapModels[k]
			if got := *s.Latest(); got != ms[len(ms)-1].val {
				t.Fatalf("round %d snapshot %d: Latest = %d, want %d", round, k, got, ms[len(ms)-1].val)
			}
			for q := int64(-1); q < 25; q++ {
				want := ms.asOf(q)
				got, gone := s.Find(q)
				if gone || (got == nil) != (want == nil) || got != nil && *got != *want {
					t.Fatalf("round %d snapshot %d: Find(%d) = %v, %v, want %v, false", round, k, q, got, gone, want)
				}
			}
		}
	}
	var none *Versions[int64]
	if none.AsOf(5) != nil || none.Latest() != nil {
		t.Fatal("a nil history (no such key) has versions")
	}
}

// TestVersionsPrune checks Prune against the model of every put: random puts (in time order, out of it, at times
// seen before, and behind what was dropped) under a rising floor. After every step, a lookup at or after the
// floor equals the model's answer; one before it either equals the model's or says its version is gone (and then
// the model has one); Latest is the last put; the history holds no more than the versions after the floor plus
// two. Every history handed out earlier still gives the answers it gave then.
func TestVersionsPrune(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type snap struct {
		v     Versions[int64]
		floor int64
		found []*int64 // Find(q) for q in [-1, 60), as first seen
		gone  []bool
	}
	for round := 0; round < 300; round++ {
		var v Versions[int64]
		var m versionModel
		var snaps []snap
		floor := int64(math.MinInt64)
		hi := int64(0)
		for step := 0; step < 60; step++ {
			switch {
			case r.IntN(4) == 0 && hi > 0:
				// The floor moves up, never past the newest time by much.
				f := hi - int64(r.IntN(8))
				if f > floor {
					floor = f
				}
			default:
				ts := hi + int64(r.IntN(4)) // mostly in time order
				if r.IntN(4) == 0 {
					ts = int64(r.IntN(int(hi) + 1)) // out of order, maybe behind the floor
				}
				hi = max(hi, ts)
				val := r.Int64()
				v = v.With(ts, &val)
				m.put(ts, val)
			}
			if floor > math.MinInt64 {
				before := v.Len()
				var n int
				v, n = v.Prune(floor)
				if v.Len() != before-n {
					t.Fatalf("round %d step %d: Prune dropped %d of %d versions, but %d are left", round, step, n, before, v.Len())
				}
			}
			if len(m) == 0 {
				continue
			}
			if got := *v.Latest(); got != m[len(m)-1].val {
				t.Fatalf("round %d step %d: Latest = %d, want %d", round, step, got, m[len(m)-1].val)
			}
			after := map[int64]bool{}
			for _, p := range m {
				if p.ts > floor {
					after[p.ts] = true
				}
			}
			if v.Len() > len(after)+2 {
				t.Fatalf("round %d step %d: %d versions kept at floor %d, only %d are after it", round, step, v.Len(), floor, len(after))
			}
			s := snap{v: v, floor: floor}
			for q := int64(-1); q < 60; q++ {
				want := m.asOf(q)
				got, gone := v.Find(q)
				switch {
				case gone && (q >= floor || got != nil || want == nil):
					t.Fatalf("round %d step %d: Find(%d) at floor %d says gone (%v; model %v)", round, step, q, floor, got, want)
				case !gone && ((got == nil) != (want == nil) || got != nil && *got != *want):
					t.Fatalf("round %d step %d: Find(%d) at floor %d = %v, want %v", round, step, q, floor, got, want)
				}
				s.found = append(s.found, got)
				s.gone = append(s.gone, gone)
			}
			snaps = append(snaps, s)
		}
		for k, s := range snaps {
			for q := int64(-1); q < 60; q++ {
				got, gone := s.v.Find(q)
				was := s.found[q+1]
				if gone != s.gone[q+1] || (got == nil) != (was == nil) || got != nil && *got != *was {
					t.Fatalf("round %d: history %d changed: Find(%d) = %v, %v, was %v, %v", round, k, q, got, gone, was, s.gone[q+1])
				}
			}
		}
	}
}

// vRow is a row of a versioned table in the tests: its version's time.
type vRow struct{ At int64 }

// TestVersionedTableFlat feeds a versioned table an endless-style stream of versions for a fixed set of keys
// while the joining query's watermark follows them, and checks that the versions kept stay flat: at most the
// keys times a small constant, where without a watermark they grow with every version. Half the keys then stop
// getting versions: the sweeps that further versions of the others cause drop their history too, and once
// everything stops, the table source's tick leaves one version per key. Lookups at or after the watermark give the
// versions the model says.
func TestVersionedTableFlat(t *testing.T) {
	const keys, step, lag = 50, 10, 35 // versions every 10 ms per key; the stream runs 35 ms behind the table
	tableSrc, streamSrc := &Source{}, &Source{}
	vt := NewVersionedTable[int, vRow](tableSrc)
	kept := NewVersionedTable[int, vRow](&Source{}) // joined by no query that publishes a watermark: keeps all
	wm := NewAsOfWatermark(streamSrc, 5, vt)
	var scratch Versions[vRow]
	r := rand.New(rand.NewPCG(5, 6))
	// Each key has a version every step ms; a lookup at q finds the one at q rounded down to a step.
	check := func(at int64) {
		t.Helper()
		k := r.IntN(keys / 2) // the keys that keep getting versions
		q := wm.Current() + int64(r.IntN(lag))
		got, gone := vt.Table().Get(k, &scratch).Find(q)
		if want := q - q%step; gone || got == nil || got.At != want {
			t.Fatalf("at %d: key %d AS OF %d (watermark %d) = %v, gone %v; want the version at %d", at, k, q, wm.Current(), got, gone, want)
		}
	}
	maxKept := 0
	const rounds = 4000
	for i := 0; i < rounds; i++ {
		at := int64(i * step)
		for k := 0; k < keys; k++ {
			if i >= rounds/2 && k >= keys/2 {
				continue // these keys get no new versions any more
			}
			vt.Add(k, at, &vRow{At: at})
			kept.Add(k, at, &vRow{At: at})
		}
		wm.Observe(at - lag + int64(r.IntN(3))) // a stream record, a little out of order
		if at > 2*lag {
			check(at)
		}
		if i > 10 {
			maxKept = max(maxKept, vt.Kept())
		}
	}
	// Each key keeps its version at or before the floor and those after it: lag/step + 2 or so.
	if limit := keys * (lag/step + 4); maxKept > limit {
		t.Errorf("kept up to %d versions of %d keys: more than %d", maxKept, keys, limit)
	}
	if total := kept.Kept(); total != keys*rounds*3/4 {
		t.Errorf("the table without a watermark kept %d versions, want every one of %d", total, keys*rounds*3/4)
	}
	idle := 0
	for k := keys / 2; k < keys; k++ {
		idle += vt.Table().Get(k, &scratch).Len()
	}
	if idle > keys/2*2 {
		t.Errorf("the keys without new versions keep %d versions: their history was not swept", idle)
	}
	// Everything stops; the stream's watermark passes the newest version: a tick leaves one version per key.
	wm.Observe(rounds*step + 100)
	if err := tableSrc.Tick(); err != nil {
		t.Fatal(err)
	}
	if n := vt.Kept(); n != keys {
		t.Errorf("after the last sweep %d versions are kept, want one per key: %d", n, keys)
	}
	for k := 0; k < keys; k++ {
		vs := vt.Table().Get(k, &scratch)
		want := int64((rounds - 1) * step)
		if k >= keys/2 {
			want = (rounds/2 - 1) * step
		}
		if got := vs.AsOf(rounds*step + 100); vs.Len() != 1 || got == nil || got.At != want || vs.Latest().At != want {
			t.Errorf("key %d: %d versions, AS OF the end %v, latest %v; want one, at %d", k, vs.Len(), got, vs.Latest(), want)
		}
	}
	if n := tableSrc.load.pruned.Load(); n != int64(keys*rounds*3/4-keys) {
		t.Errorf("versions dropped counted %d, want %d", n, keys*rounds*3/4-keys)
	}
	// A rebalance resets the watermark: nothing more is dropped until it moves again.
	streamSrc.ResetState()
	if f := vt.Floor(); f != math.MinInt64 {
		t.Errorf("floor after a reset = %d, want none", f)
	}
}

// TestVersionedTableLate checks what a record behind the floor finds: its key's version if the history still
// reaches back to it, else nothing, reported gone; and that a version of the table older than what was dropped
// is the key's current row, which no lookup AS OF sees.
func TestVersionedTableLate(t *testing.T) {
	src := &Source{}
	vt := NewVersionedTable[string, vRow](src)
	wm := NewAsOfWatermark(&Source{}, 0, vt)
	for _, at := range []int64{100, 200, 300} {
		vt.Add("a", at, &vRow{At: at})
		vt.Add("b", at, &vRow{At: at})
	}
	vt.Add("b", 400, &vRow{At: 400})
	wm.Observe(250)
	vt.Add("a", 500, &vRow{At: 500}) // drops a's version at 100, and sweeps: as many versions as keys came since
	var scratch Versions[vRow]
	a := vt.Table().Get("a", &scratch)
	for _, c := range []struct {
		q, want int64 // want -1: nothing; -2: gone
	}{{50, -1}, {150, -2}, {199, -2}, {200, 200}, {260, 200}, {300, 300}, {450, 300}, {500, 500}} {
		got, gone := a.Find(c.q)
		switch {
		case c.want == -2 && (!gone || got != nil), c.want == -1 && (gone || got != nil), c.want >= 0 && (gone || got == nil || got.At != c.want):
			t.Errorf("a AS OF %d = %v, gone %v; want %d", c.q, got, gone, c.want)
		}
	}
	b := vt.Table().Get("b", &scratch)
	if got, gone := b.Find(150); !gone || b.Len() != 3 {
		t.Errorf("b AS OF 150 = %v, gone %v, %d versions: want its version at 100 swept away", got, gone, b.Len())
	}
	if got := b.AsOf(250); got == nil || got.At != 200 {
		t.Errorf("b AS OF 250 = %v, want the version at 200", got)
	}
	// A late version of a, behind what was dropped: the current row, never found AS OF.
	vt.Add("a", 120, &vRow{At: 120})
	a = vt.Table().Get("a", &scratch)
	if got := a.Latest(); got.At != 120 {
		t.Errorf("a's current row is %v, want the version at 120", got)
	}
	if got, gone := a.Find(130); !gone || got != nil {
		t.Errorf("a AS OF 130 = %v, gone %v: want gone", got, gone)
	}
	if got := a.AsOf(250); got == nil || got.At != 200 {
		t.Errorf("a AS OF 250 = %v, want the version at 200", got)
	}
}

// TestVersionedTableConcurrent runs the table's source and a stream beside each other (run it with -race): the
// source adds versions in time order and sweeps; the stream moves its watermark and looks up times at or after
// it that the table has reached, which must find exactly the version the model says, never a dropped one.
func TestVersionedTableConcurrent(t *testing.T) {
	const keys, step, rounds = 8, 10, 3000
	tableSrc := &Source{}
	vt := NewVersionedTable[int, vRow](tableSrc)
	wm := NewAsOfWatermark(&Source{}, 20, vt)
	vt.Table().share() // the source reads on beside the streams
	var written atomic.Int64
	written.Store(-1)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; i < rounds; i++ {
			at := int64(i * step)
			for k := 0; k < keys; k++ {
				vt.Add(k, at, &vRow{At: at})
			}
			written.Store(at)
			if i%50 == 0 {
				_ = tableSrc.Tick()
			}
		}
	})
	r := rand.New(rand.NewPCG(7, 8))
	var scratch Versions[vRow]
	for lookups := 0; written.Load() < (rounds-1)*step; {
		w := written.Load()
		lo := max(wm.Current(), 0)
		if w < lo {
			runtime.Gosched()
			continue
		}
		q := lo + r.Int64N(w-lo+1)
		wm.Observe(q)
		k := r.IntN(keys)
		got, gone := vt.Table().Get(k, &scratch).Find(q)
		if want := q - q%step; gone || got == nil || got.At != want {
			t.Fatalf("lookup %d: key %d AS OF %d (watermark %d, written %d) = %v, gone %v; want %d", lookups, k, q, wm.Current(), w, got, gone, want)
		}
		lookups++
	}
	wg.Wait()
}
