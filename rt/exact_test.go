package rt

import (
	"math"
	"math/big"
	"testing"
)

func TestExactInt32(t *testing.T) {
	for _, v := range []int64{0, -1, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, math.MaxInt64} {
		got, ok := ExactInt32(v)
		want := v >= math.MinInt32 && v <= math.MaxInt32
		if ok != want || ok && int64(got) != v {
			t.Errorf("ExactInt32(%d) = %d, %v", v, got, ok)
		}
	}
}

// TestExactDec checks ExactDec against math/big: the result is exact when the value times 10^(to-from) is a
// whole number of at most p digits.
func TestExactDec(t *testing.T) {
	vals := []string{"0", "1", "-1", "12345", "-12300", "100", "99999", "123450000", "-5"}
	for _, s := range vals {
		n, _ := new(big.Int).SetString(s, 10)
		v := I128(n.Int64())
		for _, c := range []struct{ from, p, to int32 }{{4, 10, 2}, {2, 12, 4}, {2, 3, 0}, {0, 5, 0}, {3, 10, 0}} {
			got, ok := ExactDec(v, c.from, c.p, c.to)
			r := new(big.Rat).SetFrac(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.from)), nil))
			r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.to)), nil)))
			want := r.IsInt() && new(big.Int).Abs(r.Num()).Cmp(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(c.p)), nil)) < 0
			if ok != want || ok && got.String() != r.Num().String() {
				t.Errorf("ExactDec(%s, %d, %d, %d) = %s, %v; want %v (%s)", s, c.from, c.p, c.to, got, ok, want, r.RatString())
			}
		}
	}
}

func TestExactFloatInt64(t *testing.T) {
	for _, c := range []struct {
		f  float64
		ok bool
	}{{0, true}, {-3, true}, {2.5, false}, {math.NaN(), false}, {math.Inf(1), false}, {1 << 62, true}, {1 << 63, false}, {-(1 << 63), true}} {
		got, ok := ExactFloatInt64(c.f)
		if ok != c.ok || ok && float64(got) != c.f {
			t.Errorf("ExactFloatInt64(%v) = %d, %v", c.f, got, ok)
		}
	}
	if _, ok := ExactDecInt64(I128(12300), 2); !ok {
		t.Error("ExactDecInt64(123.00) not exact")
	}
	if _, ok := ExactDecInt64(I128(12301), 2); ok {
		t.Error("ExactDecInt64(123.01) exact")
	}
}
