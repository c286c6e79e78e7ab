// Tests for DOUBLE rounding and Welford variance.

package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestRoundFloat(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		x    float64
		n    int32
		want float64
	}{
		{2.5, 0, 3},
		{-2.5, 0, -3},
		{0.5, 0, 1},
		{-0.5, 0, -1},
		{1.5, 0, 2},
		{0.49999999999999994, 0, 0},
		{1.25, 1, 1.3}, // 12.5 is exact: the tie goes away from zero
		{-1.25, 1, -1.3},
		{1.005, 2, 1}, // 100.49999999999999: DuckDB prints 1.0 too
		{3.14159, 2, 3.14},
		{3.14159, 4, 3.1416},
		{0.1 + 0.2, 1, 0.3},
		{1234.5678, -2, 1200},
		{1250, -2, 1300},
		{-1250, -2, -1300},
		{1249.999, -2, 1200},
		{55, -1, 60},
		{123, -5, 0},
		{123, -400, 0},     // 10^400 overflows: everything rounds away
		{1.5, 400, 1.5},    // 10^400 overflows: nothing to round
		{1e300, 10, 1e300}, // x·10^n overflows: x is returned
		{1e-300, 2, 0},     //
		{42, math.MaxInt32, 42},
		{42, math.MinInt32, 0},
		{inf, 2, inf},
		{-inf, -2, -inf},
	}
	for _, tt := range tests {
		if got := RoundFloat(tt.x, tt.n); got != tt.want {
			t.Errorf("RoundFloat(%v, %d) = %v, want %v", tt.x, tt.n, got, tt.want)
		}
	}
	if got := RoundFloat(nan, 2); !math.IsNaN(got) {
		t.Errorf("RoundFloat(NaN, 2) = %v", got)
	}
	if got := RoundFloat(-0.4, 0); got != 0 || !math.Signbit(got) {
		t.Errorf("RoundFloat(-0.4, 0) = %v, want -0", got)
	}
}

func TestWelford(t *testing.T) {
	var w Welford
	if _, ok := w.VarSamp(); ok {
		t.Error("VarSamp of nothing is not NULL")
	}
	if _, ok := w.VarPop(); ok {
		t.Error("VarPop of nothing is not NULL")
	}
	w.Add(5)
	if _, ok := w.VarSamp(); ok {
		t.Error("VarSamp of one value is not NULL")
	}
	if v, ok := w.VarPop(); !ok || v != 0 {
		t.Errorf("VarPop of one value = %v, %v; want 0", v, ok)
	}
	if v, ok := w.StddevPop(); !ok || v != 0 {
		t.Errorf("StddevPop of one value = %v, %v; want 0", v, ok)
	}
	if _, ok := w.StddevSamp(); ok {
		t.Error("StddevSamp of one value is not NULL")
	}

	// Large, close values: the naive Σx² formula loses everything here.
	w = Welford{}
	for _, x := range []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16} {
		w.Add(x)
	}
	if v, _ := w.VarSamp(); math.Abs(v-30) > 1e-6 {
		t.Errorf("VarSamp = %v, want 30", v)
	}
	if v, _ := w.VarPop(); math.Abs(v-22.5) > 1e-6 {
		t.Errorf("VarPop = %v, want 22.5", v)
	}
	if v, _ := w.StddevSamp(); math.Abs(v-math.Sqrt(30)) > 1e-6 {
		t.Errorf("StddevSamp = %v, want √30", v)
	}
	if w.N != 4 || w.Mean != 1e9+10 {
		t.Errorf("N, Mean = %d, %v", w.N, w.Mean)
	}
}

// TestWelfordRandom compares with an exact two-pass computation in big.Float.
func TestWelfordRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	for trial := 0; trial < 200; trial++ {
		n := 2 + r.IntN(500)
		offset := math.Pow10(r.IntN(10))
		xs := make([]float64, n)
		var w Welford
		for i := range xs {
			xs[i] = offset + r.NormFloat64()*math.Pow10(r.IntN(4))
			w.Add(xs[i])
		}
		const prec = 512
		sum := new(big.Float).SetPrec(prec)
		for _, x := range xs {
			sum.Add(sum, big.NewFloat(x))
		}
		mean := new(big.Float).SetPrec(prec).Quo(sum, big.NewFloat(float64(n)))
		m2 := new(big.Float).SetPrec(prec)
		for _, x := range xs {
			d := new(big.Float).SetPrec(prec).Sub(big.NewFloat(x), mean)
			m2.Add(m2, d.Mul(d, d))
		}
		wantSamp, _ := new(big.Float).Quo(m2, big.NewFloat(float64(n-1))).Float64()
		wantPop, _ := new(big.Float).Quo(m2, big.NewFloat(float64(n))).Float64()
		gotSamp, ok1 := w.VarSamp()
		gotPop, ok2 := w.VarPop()
		if !ok1 || !ok2 || relErr(gotSamp, wantSamp) > 1e-9 || relErr(gotPop, wantPop) > 1e-9 {
			t.Fatalf("n=%d offset=%g: VarSamp=%v (want %v), VarPop=%v (want %v)", n, offset, gotSamp, wantSamp, gotPop, wantPop)
		}
	}
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func TestFormatDouble(t *testing.T) {
	// Expected values are what DuckDB 1.5 prints for CAST(x AS VARCHAR).
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {-1, "-1.0"}, {100, "100.0"}, {123.456, "123.456"},
		{1e15, "1000000000000000.0"}, {1e16, "1e+16"}, {12345678901234567, "1.2345678901234568e+16"},
		{0.0001, "0.0001"}, {0.00001, "1e-05"}, {1.5e-5, "1.5e-05"}, {2.5e-7, "2.5e-07"}, {1e300, "1e+300"},
		{1.0 / 3, "0.3333333333333333"}, {math.NaN(), "nan"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
	} {
		if got := FormatDouble(tt.f); got != tt.want {
			t.Errorf("FormatDouble(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestCmpFloat(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tt := range []struct {
		a, b float64
		want int
	}{
		{1, 2, -1}, {2, 1, 1}, {1, 1, 0}, {math.Copysign(0, -1), 0, 0},
		{nan, nan, 0}, {nan, inf, 1}, {inf, nan, -1}, {nan, -1, 1}, {-inf, nan, -1},
	} {
		if got := CmpFloat(tt.a, tt.b); got != tt.want {
			t.Errorf("CmpFloat(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFloatKey(t *testing.T) {
	if FloatKey(math.NaN()) != FloatKey(-math.NaN()) || FloatKey(math.Copysign(0, -1)) != FloatKey(0) || FloatKey(1) == FloatKey(2) {
		t.Error("FloatKey does not fold NaNs and zeros, or folds distinct values")
	}
	for _, f := range []float64{0, 1.5, -2, math.Inf(1), math.MaxFloat64} {
		if got := FloatFromKey(FloatKey(f)); got != f {
			t.Errorf("FloatFromKey(FloatKey(%v)) = %v", f, got)
		}
	}
	if !math.IsNaN(FloatFromKey(FloatKey(math.NaN()))) {
		t.Error("NaN does not survive FloatKey")
	}
}
