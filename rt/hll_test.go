package rt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestHLLExactWhenSmall: up to hllSparseMax distinct values the count is exact, duplicates and all.
func TestHLLExactWhenSmall(t *testing.T) {
	var a ApproxDistinctStr
	var f ApproxDistinctFloat
	for i := 0; i < hllSparseMax; i++ {
		a.Add(fmt.Sprintf("k%d", i))
		a.Add(fmt.Sprintf("k%d", i/2))
		f.Add(float64(i % 100))
	}
	f.Add(math.NaN())
	f.Add(-math.NaN())
	f.Add(math.Copysign(0, -1)) // the same value as 0
	if got := a.Result(); got != hllSparseMax {
		t.Errorf("strings: %d, want %d", got, hllSparseMax)
	}
	if got := f.Result(); got != 101 {
		t.Errorf("doubles: %d, want 101 (NaN once, -0 = 0)", got)
	}
	var empty ApproxDistinctInt
	if empty.Result() != 0 {
		t.Error("no values is not 0")
	}
}

// TestHLLAccuracy: beyond the exact range the estimate stays within four standard errors (4 × 1.04/√4096) of the
// true count, for integers, strings and DECIMALs, from just past the switch to a million.
func TestHLLAccuracy(t *testing.T) {
	const bound = 4 * 1.04 / 64
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{hllSparseMax + 1, 1000, 3000, 10000, 50000, 300000, 1000000} {
		var ints ApproxDistinctInt
		var strs ApproxDistinctStr
		var decs ApproxDistinctDec
		base := rng.Int64()
		for i := 0; i < n; i++ {
			ints.Add(base + int64(i))
			strs.Add(fmt.Sprintf("user-%d@example.com", i))
			decs.Add(Int128{Hi: int64(i % 7), Lo: uint64(i)})
			if i%3 == 0 { // repeats change nothing
				ints.Add(base + int64(i))
				strs.Add(fmt.Sprintf("user-%d@example.com", i))
			}
		}
		for name, got := range map[string]int64{"ints": ints.Result(), "strings": strs.Result(), "decimals": decs.Result()} {
			if e := math.Abs(float64(got)-float64(n)) / float64(n); e > bound {
				t.Errorf("%s: %d distinct estimated as %d (error %.2f%%, bound %.2f%%)", name, n, got, 100*e, 100*bound)
			}
		}
	}
}

// TestHLLMerge: a sketch merged from parts, in any order, gives exactly the estimate of one sketch over the whole
// input, across the switch from exact hashes to registers; the binary form reads back to the same estimate.
func TestHLLMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 10, 400, 600, 2000, 40000} {
		var one ApproxDistinctInt
		var parts [4]ApproxDistinctInt
		for i := 0; i < n; i++ {
			v := rng.Int64N(int64(n)*2 + 1)
			one.Add(v)
			parts[rng.IntN(4)].Add(v)
		}
		merged := ApproxDistinctInt{}
		for _, i := range rng.Perm(4) {
			merged.Merge(&parts[i])
		}
		if got, want := merged.Result(), one.Result(); got != want {
			t.Errorf("n %d: merged %d, one sketch %d", n, got, want)
		}
		var back ApproxDistinctInt
		var d BinDecoder
		buf := merged.AppendBinary(nil)
		d.Reset(buf)
		back.DecodeBinary(&d)
		if d.Err() != nil || len(d.Rest()) != 0 || back.Result() != one.Result() {
			t.Errorf("n %d: decoded %d (%v), want %d", n, back.Result(), d.Err(), one.Result())
		}
		for cut := 0; cut < len(buf); cut++ {
			d.Reset(buf[:cut])
			back.DecodeBinary(&d)
			if d.Err() == nil {
				t.Fatalf("n %d: a truncation to %d bytes decoded", n, cut)
			}
		}
	}
}

// TestHLLEstimator: the estimator alone, on registers filled by a random hash per value, within the bound from
// a handful of values to ten million, where linear counting and the raw estimate would each fail at one end.
func TestHLLEstimator(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{5, 100, 1000, 10000, 100000, 10000000} {
		var h HLL
		h.densify()
		for i := 0; i < n; i++ {
			h.addReg(rng.Uint64())
		}
		est := hllEstimate(h.reg)
		if e := math.Abs(est-float64(n)) / float64(n); e > 4*1.04/64 {
			t.Errorf("%d values estimated as %.0f", n, est)
		}
	}
}
