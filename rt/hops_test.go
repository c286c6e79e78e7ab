package rt

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

type hopTestState struct{ n, sum int64 }

type hopTestRow struct {
	start  int64
	key    string
	n, sum int64
}

// hopTestRun feeds the records (key, event time) through one hopping-window state as generated code does (a
// window closed under the watermark is skipped, the watermark closes windows after each record) and returns the
// rows emitted, in order, and the oldest offset held by the state after each record.
func hopTestRun(t *testing.T, size, adv, delay int64, keys []string, ts []int64, hops bool) ([]hopTestRow, []int64) {
	t.Helper()
	wm := NewWatermark(delay)
	var cur Cursor
	var rows []hopTestRow
	emit := func(start int64, k *string, s *hopTestState) error {
		rows = append(rows, hopTestRow{start, *k, s.n, s.sum})
		return nil
	}
	var h *Hops[string, hopTestState]
	var w *Windows[string, hopTestState]
	var st Stateful
	if hops {
		h = NewHops[string, hopTestState](size, adv)
		h.HashKeys(HashString)
		st = h
	} else {
		w = NewWindows[string, hopTestState](size)
		w.HashKeys(HashString)
		st = w
	}
	st.bind(&cur, nil)
	var held []int64
	for j, k := range keys {
		cur.Offset = int64(j)
		first, last := HopFirst(ts[j], size, adv), TumbleStart(ts[j], adv)
		if wm.Closed(Closing(last, size, 0)) {
			continue
		}
		var ki int32
		if hops {
			ki = h.Key(k)
		}
		for i, start := HopCount(first, last, adv), first; i > 0; i, start = i-1, start+adv {
			if wm.Closed(Closing(start, size, 0)) {
				continue
			}
			var s *hopTestState
			if hops {
				s = h.At(ki, start)
			} else {
				s, _ = w.Get(start, k)
			}
			s.n++
			s.sum += int64(j)
		}
		if wm.Observe(ts[j]) {
			var err error
			if hops {
				err = h.CloseUpTo(wm.Current(), emit)
			} else {
				err = w.CloseUpTo(wm.Current(), emit)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		o, ok := st.held(0)
		if !ok {
			o = -1
		}
		held = append(held, o)
	}
	var err error
	if hops {
		err = h.CloseAll(emit)
	} else {
		err = w.CloseAll(emit)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rows, held
}

// TestHopsAsWindows checks that Hops emits exactly what Windows emits, in the same order, and holds the same
// offsets, over inputs that are out of order by more than the ring covers (so that it grows), with late records,
// many short-lived keys (so that it compacts), and negative event times.
func TestHopsAsWindows(t *testing.T) {
	for _, c := range []struct {
		name                string
		size, adv, delay    int64
		keys, n, jitter     int
		base, step, newKeys int64
	}{
		{name: "w9", size: 60000, adv: 10000, delay: 1000, keys: 50, n: 20000, jitter: 1000, base: 1717421400000, step: 40},
		{name: "late", size: 7000, adv: 3000, delay: 500, keys: 20, n: 20000, jitter: 4000, base: 0, step: 30},
		{name: "grow", size: 4000, adv: 1000, delay: 30000, keys: 10, n: 20000, jitter: 30000, base: -500000, step: 25},
		{name: "churn", size: 2000, adv: 500, delay: 200, keys: 0, n: 30000, jitter: 200, base: 1000, step: 3, newKeys: 1},
		{name: "tumbling", size: 5000, adv: 5000, delay: 1000, keys: 30, n: 10000, jitter: 1500, base: -7, step: 11},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			var keys []string
			var ts []int64
			for j := 0; j < c.n; j++ {
				k := fmt.Sprintf("key%d", rng.IntN(c.keys+1))
				if c.newKeys > 0 {
					k = fmt.Sprintf("k%d", j/3) // every key lives a few records only
				}
				keys = append(keys, k)
				ts = append(ts, c.base+int64(j)*c.step+rng.Int64N(int64(c.jitter)+1))
			}
			want, wantHeld := hopTestRun(t, c.size, c.adv, c.delay, keys, ts, false)
			got, gotHeld := hopTestRun(t, c.size, c.adv, c.delay, keys, ts, true)
			if len(want) == 0 {
				t.Fatal("no rows")
			}
			if !slices.Equal(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("row %d: Hops emits %+v, Windows %+v (%d and %d rows)", i, got[i], want[i], len(got), len(want))
					}
				}
				t.Fatalf("Hops emits %d rows, Windows %d", len(got), len(want))
			}
			if !slices.Equal(gotHeld, wantHeld) {
				t.Fatalf("held offsets differ")
			}
		})
	}
}

// TestHopsRingBounds checks the ring grows when more windows of a key are open than it holds, and that keys in
// no open window are dropped.
func TestHopsRingBounds(t *testing.T) {
	h := NewHops[string, hopTestState](2000, 1000)
	if h.ring != 4 {
		t.Fatalf("ring %d for 2 windows an instant, want 4", h.ring)
	}
	i := h.Key("a")
	for start := int64(0); start < 10000; start += 1000 {
		h.At(i, start).n = start
	}
	if h.ring < 10 {
		t.Fatalf("ring %d holds fewer than the 10 open windows", h.ring)
	}
	var got []int64
	if err := h.CloseUpTo(11000, func(start int64, k *string, s *hopTestState) error {
		if *k != "a" || s.n != start {
			t.Errorf("window %d: key %q state %d", start, *k, s.n)
		}
		got = append(got, start)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("closed %v", got)
	}
	for j := 0; j < 2000; j++ {
		h.At(h.Key(fmt.Sprint(j)), 20000)
	}
	if err := h.CloseUpTo(30000, func(int64, *string, *hopTestState) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if len(h.keys) != 0 || len(h.index) != 0 || len(h.slots) != 0 {
		t.Fatalf("%d keys, %d in the map, %d slots after every window closed", len(h.keys), len(h.index), len(h.slots))
	}
}

// TestHopsGrowCollision opens a window whose slot, after the ring grows, is still another open window's: the ring
// must grow again rather than give the new window the other's state.
func TestHopsGrowCollision(t *testing.T) {
	h := NewHops[string, int](4, 1) // 4 windows per instant: a ring of 8
	i := h.Key("a")
	for s := int64(0); s < 8; s++ {
		*h.At(i, s) = int(s) + 100
	}
	*h.At(i, 16) = 116 // slot 0 of 8, and of 16 too
	for s := int64(0); s < 8; s++ {
		if v := *h.At(i, s); v != int(s)+100 {
			t.Fatalf("window %d holds %d, want %d", s, v, s+100)
		}
	}
	if v := *h.At(i, 16); v != 116 {
		t.Fatalf("window 16 holds %d, want 116", v)
	}
}
