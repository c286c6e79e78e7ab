package rt

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestReorderAgainstSort pushes rows of random times and keys with releases in between, and checks that the rows
// come out exactly as a sort by (time, arrival) grouped by (time, key) gives them, that late rows are refused,
// and that nothing is lost or repeated.
func TestReorderAgainstSort(t *testing.T) {
	type row struct {
		ts  int64
		k   int
		seq int
	}
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		o := NewReorder[int, row]()
		var pending, out []row
		var done int64 = math.MinInt64
		check := func(ts int64, k *int, rows []row) error {
			if len(rows) == 0 {
				t.Fatalf("seed %d: an empty group", seed)
			}
			for _, r := range rows {
				if r.ts != ts || r.k != *k {
					t.Fatalf("seed %d: row %+v in group (%d, %d)", seed, r, ts, *k)
				}
			}
			out = append(out, rows...)
			return nil
		}
		// want is what a release before b must hand over: the pending rows older than b in (time, arrival)
		// order, then grouped by key within a time, the groups in the order of their first row.
		want := func(b int64) []row {
			var rel, keep []row
			for _, r := range pending {
				if r.ts < b {
					rel = append(rel, r)
				} else {
					keep = append(keep, r)
				}
			}
			pending = keep
			sort.SliceStable(rel, func(i, j int) bool { return rel[i].ts < rel[j].ts })
			var res []row
			for i := 0; i < len(rel); {
				j := i
				for j < len(rel) && rel[j].ts == rel[i].ts {
					j++
				}
				var keys []int
				for _, r := range rel[i:j] {
					if !slices.Contains(keys, r.k) {
						keys = append(keys, r.k)
					}
				}
				for _, k := range keys {
					for _, r := range rel[i:j] {
						if r.k == k {
							res = append(res, r)
						}
					}
				}
				i = j
			}
			return res
		}
		var now int64
		for seq := 0; seq < 3000; seq++ {
			now += rng.Int64N(3)
			ts := now - rng.Int64N(20)
			r := row{ts: ts, k: rng.IntN(4), seq: seq}
			ok := o.Push(ts, r.k, r)
			if ok != (ts >= done) {
				t.Fatalf("seed %d: Push(%d) = %v with rows before %d handed over", seed, ts, ok, done)
			}
			if ok {
				pending = append(pending, r)
			}
			if rng.IntN(10) == 0 {
				b := now - rng.Int64N(15)
				out = out[:0]
				if err := o.Release(b, check); err != nil {
					t.Fatal(err)
				}
				var w []row
				if b > done {
					w = want(b)
					done = b
				}
				if !slices.Equal(out, w) {
					t.Fatalf("seed %d: Release(%d) handed over\n%v\nwant\n%v", seed, b, out, w)
				}
			}
			if o.Len() != len(pending) {
				t.Fatalf("seed %d: Len() = %d, want %d", seed, o.Len(), len(pending))
			}
		}
		out = out[:0]
		if err := o.ReleaseAll(check); err != nil {
			t.Fatal(err)
		}
		if w := want(math.MaxInt64); !slices.Equal(out, w) {
			t.Fatalf("seed %d: ReleaseAll handed over %d rows, want %d", seed, len(out), len(w))
		}
		if o.Push(now, 0, row{}) {
			t.Fatalf("seed %d: a row was accepted after ReleaseAll", seed)
		}
	}
}

// TestNtile checks NTILE's buckets against dealing the rows out: buckets of equal size, the first total%buckets
// of them one row larger.
func TestNtile(t *testing.T) {
	for total := 1; total <= 30; total++ {
		for buckets := int64(1); buckets <= 12; buckets++ {
			var want []int64
			size, extra := total/int(buckets), total%int(buckets)
			for b := 1; b <= int(buckets); b++ {
				n := size
				if b <= extra {
					n++
				}
				for range n {
					want = append(want, int64(b))
				}
			}
			// The rows come in peer groups of 1, 2 and 3 rows.
			var r Ranker
			row := 0
			for g := 1; row < total; g = g%3 + 1 {
				n := min(g, total-row)
				r.Peers(n)
				for i := range n {
					if row+i == total-1 {
						got, err := r.Ntile(buckets, i)
						if err != nil || got != want[row+i] {
							t.Fatalf("NTILE(%d) of row %d of %d = %d, %v; want %d", buckets, row+i+1, total, got, err, want[row+i])
						}
					}
				}
				row += n
			}
		}
	}
	var r Ranker
	r.Peers(1)
	if _, err := r.Ntile(0, 0); err == nil {
		t.Fatal("NTILE(0) gave no error")
	}
}

func TestRanker(t *testing.T) {
	var r Ranker
	type want struct {
		rn, rank, dense int64
		pr              float64
	}
	var got []want
	for _, n := range []int{1, 3, 1, 2} {
		r.Peers(n)
		for i := range n {
			got = append(got, want{r.RowNumber(i), r.Rank(), r.DenseRank(), r.PercentRank()})
		}
	}
	third := 1.0 / 3 // (rank 2 - 1) / (4 rows so far - 1)
	exp := []want{{1, 1, 1, 0}, {2, 2, 2, third}, {3, 2, 2, third}, {4, 2, 2, third}, {5, 5, 3, 1}, {6, 6, 4, 5.0 / 6}, {7, 6, 4, 5.0 / 6}}
	if !slices.Equal(got, exp) {
		t.Fatalf("got %v\nwant %v", got, exp)
	}
	if r.CumeDist() != 1 {
		t.Fatalf("CumeDist = %v", r.CumeDist())
	}
}

func TestRing(t *testing.T) {
	r := MakeRing[int](3)
	var evicted []int
	for i := 1; i <= 7; i++ {
		if old, ok := r.Push(i); ok {
			evicted = append(evicted, old)
		}
	}
	if !slices.Equal(evicted, []int{1, 2, 3, 4}) || r.Len() != 3 || r.At(0) != 5 || r.At(2) != 7 {
		t.Fatalf("evicted %v, len %d, at0 %d, at2 %d", evicted, r.Len(), r.At(0), r.At(2))
	}
	if v, ok := r.Back(1); !ok || v != 7 {
		t.Fatalf("Back(1) = %d, %v", v, ok)
	}
	if v, ok := r.Back(3); !ok || v != 5 {
		t.Fatalf("Back(3) = %d, %v", v, ok)
	}
	if _, ok := r.Back(4); ok {
		t.Fatal("Back(4) of 3 values")
	}
	for want := 5; want <= 7; want++ {
		if v, ok := r.Shift(); !ok || v != want {
			t.Fatalf("Shift = %d, %v; want %d", v, ok, want)
		}
	}
	if _, ok := r.Shift(); ok || r.Len() != 0 {
		t.Fatal("Shift of an empty ring")
	}
	if v, ok := r.Push(9); ok || r.At(0) != 9 {
		t.Fatalf("Push after emptying: %d, %v", v, ok)
	}
}

func TestTimeFrame(t *testing.T) {
	var f TimeFrame[int]
	for i := range 1000 {
		f.Push(int64(i*10), i)
		for {
			if _, _, ok := f.PopBefore(FrameStart(int64(i*10), 95)); !ok {
				break
			}
		}
		lo := max(0, i-9) // times within 95 ms before i*10: the last 10 values
		if f.Len() != i-lo+1 || f.At(0) != lo || f.At(f.Len()-1) != i {
			t.Fatalf("at %d: len %d, first %d, last %d", i, f.Len(), f.At(0), f.At(f.Len()-1))
		}
	}
	if FrameStart(math.MinInt64+5, 10) != math.MinInt64 {
		t.Fatal("FrameStart wrapped")
	}
}

func TestPartitionsExpire(t *testing.T) {
	s := NewPartitions[string, int](true)
	for i, k := range []string{"a", "b", "c", "a", "d"} {
		p, created := s.Get(k, int64(i*100))
		if created != (i != 3) {
			t.Fatalf("Get(%s) created = %v", k, created)
		}
		*p += 1
	}
	var gone []string
	err := s.Expire(250, func(k *string, p *int) error { gone = append(gone, *k); return nil })
	if err != nil || !slices.Equal(gone, []string{"b", "c"}) || s.Len() != 2 {
		t.Fatalf("expired %v (len %d), want b c", gone, s.Len())
	}
	var left []string
	s.Each(func(k *string, p *int) error { left = append(left, *k); return nil })
	if !slices.Equal(left, []string{"a", "d"}) {
		t.Fatalf("left %v, want a d (least recently used first)", left)
	}
	if p, created := s.Get("a", 500); created || *p != 2 {
		t.Fatalf("a: %d, created %v", *p, created)
	}
	if p, created := s.Get("b", 500); !created || *p != 0 {
		t.Fatalf("b after expiry: %d, created %v", *p, created)
	}
}

// TestPartitionsWithoutExpiry checks that a Partitions made without expiry keeps each partition's state and hands
// them to Each in the order they were created.
func TestPartitionsWithoutExpiry(t *testing.T) {
	s := NewPartitions[string, int](false)
	for i, k := range []string{"a", "b", "c", "a", "d", "b"} {
		p, created := s.Get(k, int64(i*100))
		if created != (i < 3 || i == 4) {
			t.Fatalf("Get(%s) created = %v", k, created)
		}
		*p += 1
	}
	var all []string
	var counts []int
	s.Each(func(k *string, p *int) error { all, counts = append(all, *k), append(counts, *p); return nil })
	if !slices.Equal(all, []string{"a", "b", "c", "d"}) || !slices.Equal(counts, []int{2, 2, 1, 1}) {
		t.Fatalf("Each: %v %v, want a b c d with 2 2 1 1", all, counts)
	}
}

// TestSubUndoesAdd slides a 7-value frame over random values: the states kept by Add and Sub must equal states
// built from the frame's values alone.
func TestSubUndoesAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var (
		si  SumInt64
		sd  SumDec
		c   Count
		ai  AvgInt
		win []int64
	)
	for i := range 2000 {
		x := rng.Int64N(2_000_001) - 1_000_000
		win = append(win, x)
		si.Add(x)
		sd.Add(I128(x))
		c.Add()
		ai.Add(x)
		if len(win) > 7 {
			old := win[0]
			win = win[1:]
			if !si.Sub(old) || !sd.Sub(I128(old)) || !ai.Sub(old) {
				t.Fatal("overflow")
			}
			c.Sub()
		}
		var wi SumInt64
		var wd SumDec
		var wa AvgInt
		for _, v := range win {
			wi.Add(v)
			wd.Add(I128(v))
			wa.Add(v)
		}
		if si != wi || sd != wd || ai != wa || c.N != int64(len(win)) {
			t.Fatalf("step %d: %+v %+v %+v %d, want %+v %+v %+v %d", i, si, sd, ai, c.N, wi, wd, wa, len(win))
		}
	}
}
