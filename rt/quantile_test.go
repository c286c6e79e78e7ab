package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDiscIndex: the exact index of a DECIMAL fraction against math/big, and the DOUBLE rule's rounding, which
// DuckDB shows on 25 values: QUANTILE_DISC(x, 0.56) is the 14th value, QUANTILE_DISC(x, 5.6e-1) the 15th.
func TestDiscIndex(t *testing.T) {
	for n := int64(1); n <= 60; n++ {
		for k := int64(0); k <= 100; k++ {
			// max(ceil(n·k/100), 1) − 1
			c := new(big.Rat).SetFrac64(n*k, 100)
			ceil := new(big.Int).Quo(c.Num(), c.Denom())
			if new(big.Rat).SetInt(ceil).Cmp(c) < 0 {
				ceil.Add(ceil, big.NewInt(1))
			}
			want := int(max(ceil.Int64(), 1) - 1)
			if got := DiscIndex(n, k, 100, 0); got != want {
				t.Fatalf("DiscIndex(%d, %d/100) = %d, want %d", n, k, got, want)
			}
		}
	}
	if got := DiscIndex(25, 14, 25, 0); got != 13 { // 0.56 reduced
		t.Errorf("DiscIndex(25, 0.56 exact) = %d, want 13", got)
	}
	if got := DiscIndex(25, 0, 0, 0.56); got != 14 {
		t.Errorf("DiscIndex(25, 0.56 double) = %d, want 14", got)
	}
	if got := DiscIndex(1<<40, 1, 3, 0); got != (1<<40+2)/3-1 {
		t.Errorf("DiscIndex(2^40, 1/3) = %d", got)
	}
}

// refSorted is xs sorted in DuckDB's order, descending when desc.
func refSorted[T Values](xs []T, desc bool) []T {
	s := slices.Clone(xs)
	slices.SortStableFunc(s, compareFunc[T]())
	if desc {
		slices.Reverse(s)
	}
	return s
}

// TestQuantileFloat: Disc and Cont against a sort of the values, for random data with duplicates, NaN and
// infinities, in both directions; a state merged from parts gives the same results as one state; the binary form
// reads back.
func TestQuantileFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fractions := []float64{0, 0.1, 0.25, 0.5, 0.56, 0.75, 0.9, 0.999, 1}
	for round := 0; round < 200; round++ {
		n := 1 + rng.IntN(50)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(20)) - 10
			switch rng.IntN(30) {
			case 0:
				xs[i] = math.NaN()
			case 1:
				xs[i] = math.Inf(1 - 2*rng.IntN(2))
			}
		}
		var one QuantileFloat
		var parts [3]QuantileFloat
		for i, x := range xs {
			one.Add(x)
			parts[i*3/n].Add(x)
		}
		merged := parts[0]
		merged.Merge(&parts[1])
		merged.Merge(&parts[2])
		var back QuantileFloat
		var d BinDecoder
		d.Reset(one.AppendBinary(nil))
		back.DecodeBinary(&d)
		if d.Err() != nil || len(d.Rest()) > 0 {
			t.Fatalf("decode: %v", d.Err())
		}
		for _, f := range fractions {
			for _, desc := range []bool{false, true} {
				s := refSorted(xs, desc)
				rn := float64(n-1) * f
				lo, hi := s[int(math.Floor(rn))], s[int(math.Ceil(rn))]
				w := rn - math.Floor(rn)
				want := lo
				if math.Floor(rn) != math.Ceil(rn) {
					want = lo*(1-w) + hi*w
				}
				wantDisc := s[int(max(math.Ceil(float64(n)*f-1e-9), 1))-1]
				for _, st := range []*QuantileFloat{&one, &merged, &back} {
					got, ok := st.Cont(f, desc)
					if !ok || !sameFloat(got, want) {
						t.Fatalf("%v: Cont(%v, desc %v) = %v, want %v", xs, f, desc, got, want)
					}
					num, den := int64(math.Round(f*1000)), int64(1000)
					gotDisc, ok := st.Disc(num, den, f, desc)
					if !ok || !sameFloat(gotDisc, wantDisc) {
						t.Fatalf("%v: Disc(%v, desc %v) = %v, want %v", xs, f, desc, gotDisc, wantDisc)
					}
				}
			}
		}
	}
	var empty QuantileFloat
	if _, ok := empty.Cont(0.5, false); ok {
		t.Error("Cont of no values is not NULL")
	}
	if _, ok := empty.Disc(1, 2, 0.5, false); ok {
		t.Error("Disc of no values is not NULL")
	}
}

func sameFloat(a, b float64) bool { return a == b || a != a && b != b }

// TestQuantileDecDuckDB: the interpolation of DECIMALs matches what DuckDB 1.5 returns for the values 2.0002 and
// 4.0005 (and their negatives) at DECIMAL(12,4), which it keeps in 64 bits, and at DECIMAL(38,4), in 128.
func TestQuantileDecDuckDB(t *testing.T) {
	fractions := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
	cases := []struct {
		vals       []int64
		desc, wide bool
		want       []int64
	}{
		{[]int64{20002, 40005}, false, false, []int64{22002, 26002, 30003, 34004, 38004}},
		{[]int64{40005, 20002}, true, false, []int64{38005, 34005, 30004, 26003, 22003}},
		{[]int64{-20002, -40005}, false, false, []int64{-38005, -34005, -30004, -26003, -22003}},
		{[]int64{-20002, -40005}, true, false, []int64{-22002, -26002, -30003, -34004, -38004}},
		{[]int64{20002, 40005}, false, true, []int64{22002, 26002, 30003, 34004, 38004}},
		{[]int64{20002, 40005}, true, true, []int64{38004, 34004, 30003, 26002, 22002}},
	}
	for _, c := range cases {
		var q QuantileDec
		for _, v := range c.vals {
			q.Add(I128(v))
		}
		for i, f := range fractions {
			got, ok := q.Cont(f, c.desc, c.wide)
			if !ok || got != I128(c.want[i]) {
				t.Errorf("%v desc %v wide %v: Cont(%v) = %v, want %d", c.vals, c.desc, c.wide, f, got, c.want[i])
			}
		}
	}
	// DuckDB: MEDIAN of -3.0003, 1.0001, 2.0002, 4.0005 is 1.5001; QUANTILE_CONT 0.3 is 0.6000 and 0.7 is 2.2002.
	var q QuantileDec
	for _, v := range []int64{10001, 20002, -30003, 40005} {
		q.Add(I128(v))
	}
	for f, want := range map[float64]int64{0.5: 15001, 0.3: 6000, 0.7: 22002, 0: -30003, 1: 40005} {
		if got, _ := q.Cont(f, false, false); got != I128(want) {
			t.Errorf("Cont(%v) = %v, want %d", f, got, want)
		}
	}
	// Wide values beyond 64 bits interpolate in DOUBLE and truncate.
	var w QuantileDec
	big1 := Int128{Hi: 1 << 40}
	w.Add(big1)
	w.Add(big1.Neg())
	if got, _ := w.Cont(0.5, false, true); !got.IsZero() {
		t.Errorf("wide median of ±2^104 = %v, want 0", got)
	}
	if got, _ := w.Cont(1, false, true); got != big1 {
		t.Errorf("wide Cont(1) = %v, want %v", got, big1)
	}
}

// TestQuantileTime: TIMESTAMP interpolation rounds half away from zero to the millisecond (DuckDB's 3.5 ms median
// of 2 ms and 5 ms is 4 ms here).
func TestQuantileTime(t *testing.T) {
	var q QuantileTime
	q.Add(5)
	q.Add(2)
	for f, want := range map[float64]int64{0.5: 4, 0.1: 2, 0.8: 4, 1: 5} {
		if got, ok := q.Cont(f, false); !ok || got != want {
			t.Errorf("Cont(%v) = %d, want %d", f, got, want)
		}
	}
	if got, _ := q.Cont(0.5, true); got != 4 {
		t.Errorf("desc median = %d", got)
	}
	var neg QuantileTime
	neg.Add(-5)
	neg.Add(-2)
	if got, _ := neg.Cont(0.5, false); got != -4 {
		t.Errorf("median of -5, -2 = %d, want -4", got)
	}
}

// TestQuantileDiscTypes: Disc over strings (byte order), booleans, INTs and DECIMALs, with the binary form.
func TestQuantileDiscTypes(t *testing.T) {
	var s Quantile[string]
	for _, v := range []string{"b", "", "é", "a", "B"} {
		s.Add(v)
	}
	if got, _ := s.Disc(1, 2, 0.5, false); got != "a" { // "", "B", "a", "b", "é"
		t.Errorf("median string = %q", got)
	}
	if got, _ := s.Disc(0, 1, 0, true); got != "é" {
		t.Errorf("desc first = %q", got)
	}
	var b Quantile[bool]
	for _, v := range []bool{true, false, true} {
		b.Add(v)
	}
	if got, _ := b.Disc(1, 2, 0.5, false); !got {
		t.Error("median of true, false, true is false")
	}
	var d Quantile[Int128]
	for _, v := range []int64{5, -7, 3} {
		d.Add(I128(v))
	}
	var back Quantile[Int128]
	var dec BinDecoder
	dec.Reset(d.AppendBinary(nil))
	back.DecodeBinary(&dec)
	if got, _ := back.Disc(1, 2, 0.5, false); got != I128(3) || dec.Err() != nil {
		t.Errorf("decoded median = %v (%v)", got, dec.Err())
	}
	buf := s.AppendBinary(nil)
	for cut := 0; cut < len(buf); cut++ {
		var x Quantile[string]
		dec.Reset(buf[:cut])
		x.DecodeBinary(&dec)
		if dec.Err() == nil {
			t.Fatalf("a truncation to %d bytes decoded", cut)
		}
	}
}
