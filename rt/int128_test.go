// Tests for Int128 arithmetic, checked against math/big.

package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The oracle for Int128 is math/big: every result is compared with the exact
// integer, and ok with whether that integer lies within ±(10^38-1).

var (
	bigMaxDec = new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(38), nil), big.NewInt(1))
	bigTwo128 = new(big.Int).Lsh(big.NewInt(1), 128)
	bigTwo127 = new(big.Int).Lsh(big.NewInt(1), 127)
)

func toBig(a Int128) *big.Int {
	x := new(big.Int).SetInt64(a.Hi)
	x.Lsh(x, 64)
	return x.Add(x, new(big.Int).SetUint64(a.Lo))
}

// fromBig converts x in [-2^127, 2^127) to Int128.
func fromBig(t testing.TB, x *big.Int) Int128 {
	t.Helper()
	if x.Cmp(bigTwo127) >= 0 || x.Cmp(new(big.Int).Neg(bigTwo127)) < 0 {
		t.Fatalf("fromBig(%v): out of int128 range", x)
	}
	u := new(big.Int).Set(x)
	if u.Sign() < 0 {
		u.Add(u, bigTwo128)
	}
	lo := new(big.Int).And(u, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
	hi := new(big.Int).Rsh(u, 64).Uint64()
	return Int128{int64(hi), lo}
}

func mustBig(s string) *big.Int {
	x, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad big literal " + s)
	}
	return x
}

func inDec(x *big.Int) bool { return new(big.Int).Abs(x).Cmp(bigMaxDec) <= 0 }

// randInt128 returns values of every magnitude, biased towards the
// interesting ones: near powers of ten, near the decimal limit, and anywhere
// in the full int128 range.
func randInt128(r *rand.Rand) Int128 {
	var m u128
	switch r.IntN(4) {
	case 0: // near 10^k
		k := r.IntN(39)
		m = pow10[k]
		if r.IntN(2) == 0 && !m.isZero() {
			m = m.sub(u128{0, uint64(r.IntN(3))})
		} else {
			m, _ = m.add64(uint64(r.IntN(3)))
		}
	case 1: // near 10^38-1
		m = maxDec.sub(u128{0, uint64(r.IntN(5))})
		m, _ = m.add64(uint64(r.IntN(5)))
	default: // random bit length
		n := r.IntN(128)
		m = u128{r.Uint64(), r.Uint64()}.shr(uint(127 - n))
	}
	v := Int128{int64(m.hi), m.lo}
	if r.IntN(2) == 0 {
		v = v.Neg()
	}
	return v
}

func TestI128(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 42, -42, math.MaxInt64, math.MinInt64} {
		a := I128(v)
		if got := toBig(a); got.Cmp(big.NewInt(v)) != 0 {
			t.Errorf("I128(%d) = %v", v, got)
		}
		if got, ok := a.Int64(); !ok || got != v {
			t.Errorf("I128(%d).Int64() = %d, %v", v, got, ok)
		}
	}
}

func TestInt128Int64Range(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"9223372036854775807", true},
		{"9223372036854775808", false},
		{"-9223372036854775808", true},
		{"-9223372036854775809", false},
		{"18446744073709551615", false},
		{"-18446744073709551616", false},
		{"99999999999999999999999999999999999999", false},
	}
	for _, tt := range tests {
		a := fromBig(t, mustBig(tt.in))
		got, ok := a.Int64()
		if ok != tt.ok || ok && big.NewInt(got).Cmp(mustBig(tt.in)) != 0 {
			t.Errorf("%s.Int64() = %d, %v; want ok=%v", tt.in, got, ok, tt.ok)
		}
	}
}

func TestInt128Boundaries(t *testing.T) {
	max := fromBig(t, bigMaxDec)
	min := max.Neg()
	one := I128(1)
	minInt128 := Int128{math.MinInt64, 0}
	maxInt128 := Int128{math.MaxInt64, math.MaxUint64}
	e19 := fromBig(t, mustBig("10000000000000000000"))
	tests := []struct {
		name string
		got  func() (Int128, bool)
		want string // "" means ok=false
	}{
		{"max+0", func() (Int128, bool) { return max.Add(Int128{}) }, "99999999999999999999999999999999999999"},
		{"max+1", func() (Int128, bool) { return max.Add(one) }, ""},
		{"min-1", func() (Int128, bool) { return min.Sub(one) }, ""},
		{"min+max", func() (Int128, bool) { return min.Add(max) }, "0"},
		{"max-max", func() (Int128, bool) { return max.Sub(max) }, "0"},
		{"max+max", func() (Int128, bool) { return max.Add(max) }, ""},
		{"min+min", func() (Int128, bool) { return min.Add(min) }, ""},
		{"max-min", func() (Int128, bool) { return max.Sub(min) }, ""},
		{"min-max", func() (Int128, bool) { return min.Sub(max) }, ""},
		{"maxInt128+maxInt128", func() (Int128, bool) { return maxInt128.Add(maxInt128) }, ""},
		{"minInt128+minInt128", func() (Int128, bool) { return minInt128.Add(minInt128) }, ""},
		{"minInt128-1", func() (Int128, bool) { return minInt128.Sub(one) }, ""},
		{"maxInt128+minInt128", func() (Int128, bool) { return maxInt128.Add(minInt128) }, "-1"},
		{"0-minInt128", func() (Int128, bool) { return Int128{}.Sub(minInt128) }, ""},
		{"max*1", func() (Int128, bool) { return max.Mul(one) }, "99999999999999999999999999999999999999"},
		{"max*-1", func() (Int128, bool) { return max.Mul(I128(-1)) }, "-99999999999999999999999999999999999999"},
		{"min*-1", func() (Int128, bool) { return min.Mul(I128(-1)) }, "99999999999999999999999999999999999999"},
		{"max*2", func() (Int128, bool) { return max.Mul(I128(2)) }, ""},
		{"max*0", func() (Int128, bool) { return max.Mul(Int128{}) }, "0"},
		{"-5*0", func() (Int128, bool) { return I128(-5).Mul(Int128{}) }, "0"},
		{"1e19*1e19", func() (Int128, bool) { return e19.Mul(e19) }, ""},
		{"1e19*(1e19-1)", func() (Int128, bool) {
			return e19.Mul(fromBig(t, mustBig("9999999999999999999")))
		}, "99999999999999999990000000000000000000"},
		{"-1e19*-1e19+1", func() (Int128, bool) {
			return e19.Neg().Mul(fromBig(t, mustBig("-9999999999999999999")))
		}, "99999999999999999990000000000000000000"},
		{"maxInt128*maxInt128", func() (Int128, bool) { return maxInt128.Mul(maxInt128) }, ""},
		{"minInt128*minInt128", func() (Int128, bool) { return minInt128.Mul(minInt128) }, ""},
		{"minInt128*1", func() (Int128, bool) { return minInt128.Mul(one) }, ""},
		{"minInt128*0", func() (Int128, bool) { return minInt128.Mul(Int128{}) }, "0"},
		// 2^64 * 2^64 = 2^128 wraps to zero in 128 bits; the check must see it.
		{"2^64*2^64", func() (Int128, bool) { return Int128{1, 0}.Mul(Int128{1, 0}) }, ""},
		// -2^63 × 2^65 = -2^128, which also wraps to zero.
		{"2^63*2^65", func() (Int128, bool) { return I128(math.MinInt64).Mul(Int128{2, 0}) }, ""},
		{"MaxUint64*MaxUint64", func() (Int128, bool) {
			return Int128{0, math.MaxUint64}.Mul(Int128{0, math.MaxUint64})
		}, ""},
	}
	for _, tt := range tests {
		got, ok := tt.got()
		if tt.want == "" {
			if ok {
				t.Errorf("%s = %v, ok; want overflow", tt.name, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("%s = %v, %v; want %s", tt.name, got, ok, tt.want)
		}
	}
}

func TestInt128ArithmeticRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		a, b := randInt128(r), randInt128(r)
		ba, bb := toBig(a), toBig(b)
		check := func(op string, got Int128, ok bool, want *big.Int) {
			t.Helper()
			if wantOK := inDec(want); ok != wantOK || ok && toBig(got).Cmp(want) != 0 {
				t.Fatalf("%v %s %v = %v, %v; want %v (in range %v)", a, op, b, got, ok, want, wantOK)
			}
		}
		s, ok := a.Add(b)
		check("+", s, ok, new(big.Int).Add(ba, bb))
		s, ok = a.Sub(b)
		check("-", s, ok, new(big.Int).Sub(ba, bb))
		s, ok = a.Mul(b)
		check("*", s, ok, new(big.Int).Mul(ba, bb))
		if got, want := a.Cmp(b), ba.Cmp(bb); got != want {
			t.Fatalf("%v.Cmp(%v) = %d, want %d", a, b, got, want)
		}
		if got, want := a.Sign(), ba.Sign(); got != want {
			t.Fatalf("%v.Sign() = %d, want %d", a, got, want)
		}
		if got, want := a.Neg(), new(big.Int).Neg(ba); toBig(got).Cmp(want) != 0 {
			t.Fatalf("%v.Neg() = %v, want %v", a, got, want)
		}
		if got, want := a.String(), ba.String(); got != want {
			t.Fatalf("String() = %s, want %s", got, want)
		}
	}
}

func TestU128DivMod(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		m := randInt128(r).abs()
		d := randInt128(r).abs()
		if d.isZero() {
			continue
		}
		if r.IntN(4) == 0 {
			// Divisors just above 2^64 exercise the normalized estimate.
			d = u128{uint64(r.IntN(3) + 1), r.Uint64()}
		}
		q, rem := m.divmod(d)
		wq, wr := new(big.Int).QuoRem(m.big(), d.big(), new(big.Int))
		if q.big().Cmp(wq) != 0 || rem.big().Cmp(wr) != 0 {
			t.Fatalf("%v divmod %v = %v, %v; want %v, %v", m.big(), d.big(), q.big(), rem.big(), wq, wr)
		}
	}
}

func TestInt128NoAlloc(t *testing.T) {
	a := fromBig(t, mustBig("12345678901234567890123456789"))
	b := I128(-987654321)
	var sink Int128
	if n := testing.AllocsPerRun(100, func() {
		x, _ := a.Add(b)
		y, _ := x.Sub(b)
		z, _ := y.Mul(b)
		sink = z
		_ = a.Cmp(b)
	}); n != 0 {
		t.Errorf("Add/Sub/Mul/Cmp allocate %v times", n)
	}
	_ = sink
}

var benchSink Int128

func BenchmarkInt128Add(b *testing.B) {
	x := fromBig(b, mustBig("123456789012345678901234"))
	y := I128(1)
	for b.Loop() {
		x, _ = x.Add(y)
	}
	benchSink = x
}

func BenchmarkInt128Mul(b *testing.B) {
	x := fromBig(b, mustBig("123456789012345678901234"))
	y := I128(12345)
	var z Int128
	for b.Loop() {
		z, _ = x.Mul(y)
	}
	benchSink = z
}
