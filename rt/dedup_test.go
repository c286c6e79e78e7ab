package rt

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDedupAgainstModel feeds random rows, in order and out of order, through a Dedup and a Watermark, and checks
// every answer against a plain model of the rule (a map of each row's last-seen time, with no list): a row is new
// when it was never seen or the watermark, moved by the row itself, has reached its last-seen time plus the TTL.
// It also checks that Expire releases every expired row it can reach, keeps every live one, and that the rows held
// (the state size the memory watcher reports) fall to the live rows when the input is in order.
func TestDedupAgainstModel(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		ttl := int64(1 + rng.IntN(50))
		delay := int64(0)
		jitter := int64(0)
		if seed%2 == 0 {
			delay, jitter = int64(rng.IntN(20)), int64(rng.IntN(20))
		}
		keys := 2 + rng.IntN(30)
		d := NewDedup[int, struct{ n int }](ttl)
		wm := NewWatermark(delay)
		model := map[int]int64{} // row → last seen
		var clock int64
		for i := 0; i < 3000; i++ {
			clock += int64(rng.IntN(4))
			ts := clock
			if jitter > 0 {
				ts -= int64(rng.IntN(int(jitter) + 1))
			}
			if jitter > 0 && rng.IntN(100) == 0 {
				ts -= 200 // far behind the watermark
			}
			k := rng.IntN(keys)
			moved := wm.Observe(ts)
			if moved {
				d.Expire(wm.Current())
				if d.head >= 0 && d.expired(d.entries[d.head].last, wm.Current()) {
					t.Fatalf("seed %d, record %d: an expired row is left at the front", seed, i)
				}
			}
			cur := wm.Current()
			last, seen := model[k]
			wantFresh := !seen || last+ttl <= cur
			if wantFresh {
				model[k] = ts
			} else {
				model[k] = max(last, ts)
			}
			s, fresh := d.Get(k, ts, cur)
			if fresh != wantFresh {
				t.Fatalf("seed %d, record %d (row %d at %d, watermark %d): fresh = %v, want %v", seed, i, k, ts, cur, fresh, wantFresh)
			}
			if fresh && s.n != 0 {
				t.Fatalf("seed %d, record %d: a new row's state is not zero", seed, i)
			}
			s.n++
			// Every row the model holds alive is held; a row held past its time is behind a live one.
			for mk, ml := range model {
				alive := ml+ttl > cur
				if _, held := d.index[mk]; alive && !held {
					t.Fatalf("seed %d, record %d: live row %d was released", seed, i, mk)
				}
			}
			if jitter == 0 {
				liveRows := 0
				for _, ml := range model {
					if ml+ttl > cur {
						liveRows++
					}
				}
				if groups, inMem, _, _ := d.memSize(); groups != liveRows || inMem != liveRows {
					t.Fatalf("seed %d, record %d: state size %d (%d in memory), want the %d live rows", seed, i, groups, inMem, liveRows)
				}
			}
		}
		// When the watermark passes every row, the set empties and forgets the offsets it held.
		d.Expire(math.MaxInt64 - 1)
		if d.Len() != 0 {
			t.Fatalf("seed %d: %d rows left after every row expired", seed, d.Len())
		}
	}
}

// TestDedupReusesEntries checks that released entries are reused: a set whose rows expire as fast as new ones come
// does not grow, and a reused entry starts with a zero state and its own key.
func TestDedupReusesEntries(t *testing.T) {
	d := NewDedup[string, int](10)
	for i := 0; i < 1000; i++ {
		ts := int64(i * 5)
		d.Expire(ts)
		s, fresh := d.Get(string(rune('a'+i%26))+"x", ts, ts)
		if !fresh && i >= 26 {
			t.Fatalf("record %d: a row seen 130 ms ago with a TTL of 10 ms is not new", i)
		}
		if *s != 0 {
			t.Fatalf("record %d: reused entry has state %d", i, *s)
		}
		*s = i
	}
	if len(d.entries) > 3 {
		t.Fatalf("%d entries allocated for at most 2 live rows", len(d.entries))
	}
	for k, i := range d.index {
		if d.entries[i].key != k {
			t.Fatalf("index of %q points at the entry of %q", k, d.entries[i].key)
		}
	}
}

// TestDedupRefreshOnAccess checks that an equal row refreshes the last-seen time: a row seen every 6 ms with a
// TTL of 10 ms never expires, however long it lives; after a pause of 10 ms it is new again.
func TestDedupRefreshOnAccess(t *testing.T) {
	d := NewDedup[int, struct{}](10)
	wm := NewWatermark(0)
	seen := func(ts int64) bool {
		if wm.Observe(ts) {
			d.Expire(wm.Current())
		}
		_, fresh := d.Get(1, ts, wm.Current())
		return fresh
	}
	if !seen(0) {
		t.Fatal("first row is not new")
	}
	for ts := int64(6); ts < 100; ts += 6 {
		if seen(ts) {
			t.Fatalf("row at %d is new although seen 6 ms before", ts)
		}
	}
	if !seen(96 + 10) {
		t.Fatal("row 10 ms after it was last seen is not new (a gap of exactly the TTL expires)")
	}
	if seen(106 + 9) {
		t.Fatal("row 9 ms after it was last seen is new")
	}
}
