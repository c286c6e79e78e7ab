package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// slideFrame drives a Sliding the way generated code drives a ROWS BETWEEN start PRECEDING AND end PRECEDING
// frame (end 0: CURRENT ROW): each row's value goes into a ring of start+1 values, the value leaving the ring leaves
// the frame, and the value end rows back enters it; NULLs are in the ring but never in the state. After each row it
// calls check with the frame's non-NULL values, oldest first, and the state.
func slideFrame[S any, P Slider[float64, S]](rows []Opt[float64], start, end int, check func(row int, frame []float64, got S)) {
	ring := MakeRing[Opt[float64]](start + 1)
	s := MakeSliding[float64, S, P](start - end + 1)
	for i, v := range rows {
		if old, left := ring.Push(v); left && !old.Null {
			s.Drop()
		}
		if j := ring.Len() - end - 1; j >= 0 {
			if x := ring.At(j); !x.Null {
				s.Add(x.V)
			}
		}
		var frame []float64
		for j := max(0, ring.Len()-start-1); j <= ring.Len()-end-1; j++ {
			if x := ring.At(j); !x.Null {
				frame = append(frame, x.V)
			}
		}
		if s.Len() != len(frame) {
			panic("Sliding.Len differs from the frame's")
		}
		check(i, frame, s.Value())
	}
}

// exactM2 is the sum of squared deviations from the mean of xs, computed exactly enough in big.Float.
func exactM2(xs []float64) float64 {
	const prec = 1024
	sum := new(big.Float).SetPrec(prec)
	for _, x := range xs {
		sum.Add(sum, new(big.Float).SetFloat64(x))
	}
	mean := new(big.Float).SetPrec(prec).Quo(sum, new(big.Float).SetInt64(int64(len(xs))))
	m2 := new(big.Float).SetPrec(prec)
	for _, x := range xs {
		d := new(big.Float).SetPrec(prec).Sub(new(big.Float).SetFloat64(x), mean)
		m2.Add(m2, d.Mul(d, d))
	}
	f, _ := m2.Float64()
	return f
}

// slideInputs are the value series the sliding tests run: each function returns n values, some NULL.
var slideInputs = map[string]func(rng *rand.Rand, n int) []Opt[float64]{
	"uniform": func(rng *rand.Rand, n int) []Opt[float64] {
		return gen(rng, n, 0.1, func() float64 { return rng.Float64()*2000 - 1000 })
	},
	"prices": func(rng *rand.Rand, n int) []Opt[float64] { // a large mean, a small spread
		p := 1e6
		return gen(rng, n, 0.05, func() float64 { p += rng.NormFloat64() * 0.01; return p })
	},
	"equal runs": func(rng *rand.Rand, n int) []Opt[float64] {
		x, left := 0.0, 0
		return gen(rng, n, 0.1, func() float64 {
			if left == 0 {
				x, left = math.Round(rng.NormFloat64()*1e4)/100, 1+rng.IntN(60)
			}
			left--
			return x
		})
	},
	"huge": func(rng *rand.Rand, n int) []Opt[float64] {
		return gen(rng, n, 0.1, func() float64 { return rng.NormFloat64() * 1e150 })
	},
	"tiny": func(rng *rand.Rand, n int) []Opt[float64] {
		return gen(rng, n, 0.1, func() float64 { return 1e-150 + rng.NormFloat64()*1e-155 })
	},
	"magnitudes": func(rng *rand.Rand, n int) []Opt[float64] { // every scale mixed, the cancellation worst case
		return gen(rng, n, 0.1, func() float64 { return rng.NormFloat64() * math.Pow10(rng.IntN(40)-20) })
	},
	"mostly NULL": func(rng *rand.Rand, n int) []Opt[float64] {
		return gen(rng, n, 0.8, func() float64 { return float64(rng.IntN(5)) })
	},
}

func gen(rng *rand.Rand, n int, nullRate float64, next func() float64) []Opt[float64] {
	out := make([]Opt[float64], n)
	for i := range out {
		x := next()
		out[i] = Opt[float64]{V: x, Null: rng.Float64() < nullRate}
	}
	return out
}

// TestSlidingVariance checks Moments, the variance family's state, over frames of several shapes against a Welford recompute over
// the frame and an exact computation: the sliding state may not be less accurate than the recompute (beyond
// rounding), and a frame of equal values has variance exactly 0.
func TestSlidingVariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	frames := [][2]int{{0, 0}, {1, 0}, {4, 0}, {19, 0}, {19, 1}, {5, 2}, {3, 3}, {63, 0}, {200, 7}}
	for name, input := range slideInputs {
		for _, fr := range frames {
			rows := input(rng, 1500)
			slideFrame[Moments](rows, fr[0], fr[1], func(row int, frame []float64, got Moments) {
				var want Welford
				for _, x := range frame {
					want.Add(x)
				}
				where := func() string {
					return name + ": ROWS BETWEEN " + itoa(fr[0]) + " PRECEDING AND " + itoa(fr[1]) + " PRECEDING, row " + itoa(row)
				}
				if got.N != want.N {
					t.Fatalf("%s: N = %d, want %d", where(), got.N, want.N)
				}
				if len(frame) == 0 {
					return
				}
				equal := true
				for _, x := range frame {
					equal = equal && x == frame[0]
				}
				if equal && (got.M2 != 0 || got.K+got.Mean != frame[0]) {
					t.Fatalf("%s: a frame of %d equal values %v has M2 %v and mean %v", where(), len(frame), frame[0], got.M2, got.K+got.Mean)
				}
				if math.Abs(got.M2-want.M2) > 1e-12*want.M2 { // then it must be at least as close to the exact value
					exact := exactM2(frame)
					errGot, errWant := math.Abs(got.M2-exact), math.Abs(want.M2-exact)
					if errGot > 1e-12*exact && errGot > 4*errWant+1e-300 {
						t.Fatalf("%s: M2 = %v, the recompute's %v, exactly %v", where(), got.M2, want.M2, exact)
					}
				}
				// The mean's error is bounded by the magnitude of the values, not of the mean (they may cancel).
				scale := 0.0
				for _, x := range frame {
					scale = max(scale, math.Abs(x))
				}
				if mean := got.K + got.Mean; math.Abs(mean-want.Mean) > 1e-13*scale {
					t.Fatalf("%s: mean = %v, want %v", where(), mean, want.Mean)
				}
			})
		}
	}
}

// TestSlidingMinMax checks MIN and MAX (NaN included, in DuckDB's order) against the frame's values.
func TestSlidingMinMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	rows := gen(rng, 3000, 0.2, func() float64 {
		if rng.IntN(50) == 0 {
			return math.NaN()
		}
		return float64(rng.IntN(100))
	})
	for _, fr := range [][2]int{{0, 0}, {2, 0}, {9, 3}, {30, 0}} {
		slideFrame[MinFloat](rows, fr[0], fr[1], func(row int, frame []float64, got MinFloat) {
			var want MinFloat
			for _, x := range frame {
				want.Add(x)
			}
			if got.N != want.N || CmpFloat(got.V, want.V) != 0 {
				t.Fatalf("frame %v row %d: MIN %+v, want %+v", fr, row, got, want)
			}
		})
		slideFrame[MaxFloat](rows, fr[0], fr[1], func(row int, frame []float64, got MaxFloat) {
			var want MaxFloat
			for _, x := range frame {
				want.Add(x)
			}
			if got.N != want.N || CmpFloat(got.V, want.V) != 0 {
				t.Fatalf("frame %v row %d: MAX %+v, want %+v", fr, row, got, want)
			}
		})
	}
}

// TestSlidingAllocs checks that a Sliding whose frame is full allocates nothing per value.
func TestSlidingAllocs(t *testing.T) {
	s := MakeSliding[float64, Moments](20)
	x := 0.0
	for range 20 {
		s.Add(x)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		x++
		if s.Len() == 20 {
			s.Drop()
		}
		s.Add(x)
		if v := s.Value(); v.N == 0 {
			t.Fatal("empty frame")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per value", allocs)
	}
}
