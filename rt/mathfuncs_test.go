// SIGN, the logarithms and TRUNC against package math and math/big.

package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestSign(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, math.Inf(1), math.Inf(-1), math.NaN(), 5, -5} {
		want := int32(0)
		if x > 0 {
			want = 1
		} else if x < 0 {
			want = -1
		}
		if got := SignFloat(x); got != want {
			t.Errorf("SignFloat(%v) = %d; want %d", x, got, want)
		}
	}
	for _, x := range []int64{0, 1, -1, math.MaxInt64, math.MinInt64} {
		if got, want := SignInt64(x), int32(big.NewInt(x).Sign()); got != want {
			t.Errorf("SignInt64(%d) = %d; want %d", x, got, want)
		}
		if got, want := SignDec(I128(x)), int32(big.NewInt(x).Sign()); got != want {
			t.Errorf("SignDec(%d) = %d; want %d", x, got, want)
		}
	}
	if SignInt32(math.MinInt32) != -1 {
		t.Error("SignInt32(MinInt32) is not -1")
	}
}

func TestLogarithms(t *testing.T) {
	fns := []struct {
		name string
		f    func(float64) (float64, error)
		want func(float64) float64
	}{{"Ln", Ln, math.Log}, {"Log10", Log10, math.Log10}, {"Log2", Log2, math.Log2}}
	for _, fn := range fns {
		for _, x := range []float64{1, 2, 10, 1e-300, 1e300, math.E, math.Inf(1), math.NaN(), 0.5} {
			got, err := fn.f(x)
			if want := fn.want(x); err != nil || !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s(%v) = %v, %v; want %v", fn.name, x, got, err, want)
			}
		}
		for x, want := range map[float64]error{0: errLogZero, math.Copysign(0, -1): errLogZero, -1: errLogNegative, math.Inf(-1): errLogNegative} {
			if _, err := fn.f(x); err != want {
				t.Errorf("%s(%v): error %v; want %v", fn.name, x, err, want)
			}
		}
	}
	for _, c := range []struct {
		b, x float64
		err  error
	}{
		{2, 0, errLogZero}, {1, 0, errLogBaseOne}, {-2, 0, errLogNegative}, {0, 0, errLogZero}, {2, -1, errLogNegative},
		{1, -1, errLogBaseOne}, {-2, 8, errLogNegative}, {0, 8, errLogZero}, {1, 8, errLogBaseOne},
	} {
		if _, err := LogBase(c.b, c.x); err != c.err {
			t.Errorf("LogBase(%v, %v): error %v; want %v", c.b, c.x, err, c.err)
		}
	}
	if got, err := LogBase(2, 8); err != nil || math.Abs(got-3) > 1e-15 {
		t.Errorf("LogBase(2, 8) = %v, %v", got, err)
	}
	if got, err := LogBase(0.5, 8); err != nil || math.Abs(got+3) > 1e-15 {
		t.Errorf("LogBase(0.5, 8) = %v, %v", got, err)
	}
}

func TestTruncFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		x := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
		if got := TruncFloat(x, 0); got != math.Trunc(x) {
			t.Fatalf("TruncFloat(%v, 0) = %v; want %v", x, got, math.Trunc(x))
		}
		// The result lies within one unit of the n-th digit of x (and a few ulps, which the scaling rounds).
		n := int64(rng.IntN(12) - 4)
		got := TruncFloat(x, n)
		unit := math.Pow(10, float64(-n))
		ulp := math.Nextafter(math.Abs(x), math.Inf(1)) - math.Abs(x)
		if math.Abs(got) > math.Abs(x)+4*ulp || math.Abs(x-got) > unit*(1+1e-9)+4*ulp {
			t.Fatalf("TruncFloat(%v, %d) = %v", x, n, got)
		}
	}
	for _, c := range []struct {
		x    float64
		n    int64
		want float64
	}{
		{1.005, 2, 1}, {-2.7, 0, -2}, {1e300, -400, 1e300}, {1.5, 400, 1.5}, {12.345, -1, 10}, {-12.345, 1, -12.3},
	} {
		if got := TruncFloat(c.x, c.n); got != c.want {
			t.Errorf("TruncFloat(%v, %d) = %v; want %v", c.x, c.n, got, c.want)
		}
	}
	if got := TruncFloat(-0.5, 0); got != 0 || !math.Signbit(got) {
		t.Errorf("TruncFloat(-0.5, 0) = %v; want -0", got)
	}
	if got := TruncFloat(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("TruncFloat(NaN, 2) = %v", got)
	}
}

func TestTruncIntAndDec(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pow := func(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }
	for range 20000 {
		x := randomInt64(rng)
		n := int64(rng.IntN(24) - 21)
		want := big.NewInt(x)
		if n < 0 {
			p := pow(-n)
			want.Mul(want.Quo(want, p), p)
		}
		if got := TruncInt64(x, n); got != want.Int64() {
			t.Fatalf("TruncInt64(%d, %d) = %d; want %s", x, n, got, want)
		}
		// DECIMAL(38, s) of a random 38-digit value, to n digits; the result at scale min(s, max(n, 0)).
		s := int32(rng.IntN(39))
		digits := make([]byte, 1+rng.IntN(38))
		for i := range digits {
			digits[i] = byte('0' + rng.IntN(10))
		}
		v, _ := new(big.Int).SetString(string(digits), 10)
		if rng.IntN(2) == 0 {
			v.Neg(v)
		}
		n = int64(rng.IntN(90) - 45)
		to := min(s, int32(max(min(n, 38), 0)))
		w := new(big.Int).Quo(v, pow(int64(s)-int64(to))) // drop down to scale to
		if int64(to) > n {                                // n < 0: also zero the digits above the point
			p := pow(min(int64(to)-n, 80))
			w.Mul(w.Quo(w, p), p)
		}
		if got := TruncDec(int128FromBig(v), n, s, to); got.String() != w.String() {
			t.Fatalf("TruncDec(%s, %d, %d, %d) = %s; want %s", v, n, s, to, got, w)
		}
	}
}

func int128FromBig(v *big.Int) Int128 {
	r, err := ParseDecimal([]byte(v.String()), 38, 0)
	if err != nil {
		panic(err)
	}
	return r
}
