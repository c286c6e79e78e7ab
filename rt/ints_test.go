// Tests for checked integer arithmetic and number/boolean parsing.

package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestCheckedInt64(t *testing.T) {
	const max, min = math.MaxInt64, math.MinInt64
	type op struct {
		name string
		f    func(a, b int64) (int64, bool)
		big  func(z, x, y *big.Int) *big.Int
	}
	ops := []op{
		{"+", AddInt64, (*big.Int).Add},
		{"-", SubInt64, (*big.Int).Sub},
		{"*", MulInt64, (*big.Int).Mul},
	}
	edges := []int64{0, 1, -1, 2, -2, 3, max, min, max - 1, min + 1, max / 2, min / 2, 1 << 32, -1 << 32, 3037000499, 3037000500, -3037000500}
	bmax, bmin := big.NewInt(max), big.NewInt(min)
	check := func(o op, a, b int64) {
		t.Helper()
		got, ok := o.f(a, b)
		want := o.big(new(big.Int), big.NewInt(a), big.NewInt(b))
		wantOK := want.Cmp(bmax) <= 0 && want.Cmp(bmin) >= 0
		if ok != wantOK || ok && got != want.Int64() {
			t.Fatalf("%d %s %d = %d, %v; want %v", a, o.name, b, got, ok, want)
		}
	}
	for _, o := range ops {
		for _, a := range edges {
			for _, b := range edges {
				check(o, a, b)
			}
		}
	}
	r := rand.New(rand.NewPCG(21, 22))
	for i := 0; i < 100000; i++ {
		a := int64(r.Uint64()) >> r.IntN(64)
		b := int64(r.Uint64()) >> r.IntN(64)
		for _, o := range ops {
			check(o, a, b)
		}
	}
	for _, a := range edges {
		got, ok := NegInt64(a)
		if wantOK := a != min; ok != wantOK || ok && got != -a {
			t.Errorf("NegInt64(%d) = %d, %v", a, got, ok)
		}
	}
}

func TestCheckedInt32(t *testing.T) {
	edges := []int32{0, 1, -1, 2, -2, math.MaxInt32, math.MinInt32, math.MaxInt32 - 1, math.MinInt32 + 1, 46340, 46341, -46341, 1 << 16}
	fits := func(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }
	for _, a := range edges {
		for _, b := range edges {
			for _, c := range []struct {
				name string
				f    func(a, b int32) (int32, bool)
				want int64
			}{
				{"+", AddInt32, int64(a) + int64(b)},
				{"-", SubInt32, int64(a) - int64(b)},
				{"*", MulInt32, int64(a) * int64(b)},
			} {
				got, ok := c.f(a, b)
				if ok != fits(c.want) || ok && int64(got) != c.want {
					t.Errorf("%d %s %d = %d, %v; want %d", a, c.name, b, got, ok, c.want)
				}
			}
		}
		got, ok := NegInt32(a)
		if ok != fits(-int64(a)) || ok && int64(got) != -int64(a) {
			t.Errorf("NegInt32(%d) = %d, %v", a, got, ok)
		}
	}
}

func TestModInt64(t *testing.T) {
	tests := []struct{ a, b, want int64 }{
		{7, 3, 1},
		{-7, 3, -1},
		{7, -3, 1},
		{-7, -3, -1},
		{6, 3, 0},
		{math.MinInt64, -1, 0},
		{math.MinInt64, 1, 0},
		{math.MinInt64, math.MaxInt64, -1},
		{math.MaxInt64, math.MinInt64, math.MaxInt64},
		{5, 0, 0}, // no panic
	}
	for _, tt := range tests {
		if got := ModInt64(tt.a, tt.b); got != tt.want {
			t.Errorf("ModInt64(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := ModFloat(-7.5, 2); got != -1.5 {
		t.Errorf("ModFloat(-7.5, 2) = %v, want -1.5", got)
	}
	if got := ModFloat(1, 0); !math.IsNaN(got) {
		t.Errorf("ModFloat(1, 0) = %v, want NaN", got)
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in     string
		want64 string // value, or "error: <substring>"
		want32 string
	}{
		{"0", "0", "0"},
		{"-0", "0", "0"},
		{"+42", "42", "42"},
		{"-42", "-42", "-42"},
		{"007", "7", "7"},
		{"2147483647", "2147483647", "2147483647"},
		{"2147483648", "2147483648", "error: out of range for INT"},
		{"-2147483648", "-2147483648", "-2147483648"},
		{"-2147483649", "-2147483649", "error: out of range for INT"},
		{"9223372036854775807", "9223372036854775807", "error: out of range"},
		{"9223372036854775808", "error: value 9223372036854775808 out of range for BIGINT", "error: out of range"},
		{"-9223372036854775808", "-9223372036854775808", "error: out of range"},
		{"-9223372036854775809", "error: out of range for BIGINT", "error: out of range"},
		{"99999999999999999999999999", "error: out of range for BIGINT", "error: out of range for INT"},
		{"", "error: empty", "error: empty"},
		{"-", "error: invalid integer", "error: invalid integer"},
		{"+", "error: invalid integer", "error: invalid integer"},
		{"1.0", "error: invalid integer", "error: invalid integer"},
		{"1e3", "error: invalid integer", "error: invalid integer"},
		{" 1", "error: invalid integer", "error: invalid integer"},
		{"1 ", "error: invalid integer", "error: invalid integer"},
		{"0x10", "error: invalid integer", "error: invalid integer"},
		{"1_000", "error: invalid integer", "error: invalid integer"},
		{"--1", "error: invalid integer", "error: invalid integer"},
		{"abc", "error: invalid integer", "error: invalid integer"},
	}
	for _, tt := range tests {
		v64, err := ParseInt64([]byte(tt.in))
		checkParsed(t, "ParseInt64", tt.in, strconv.FormatInt(v64, 10), err, tt.want64)
		v32, err := ParseInt32([]byte(tt.in))
		checkParsed(t, "ParseInt32", tt.in, strconv.FormatInt(int64(v32), 10), err, tt.want32)
	}
	r := rand.New(rand.NewPCG(23, 24))
	for i := 0; i < 50000; i++ {
		v := int64(r.Uint64()) >> r.IntN(64)
		s := strconv.FormatInt(v, 10)
		if got, err := ParseInt64([]byte(s)); err != nil || got != v {
			t.Fatalf("ParseInt64(%q) = %d, %v", s, got, err)
		}
		got32, err := ParseInt32([]byte(s))
		if want, werr := strconv.ParseInt(s, 10, 32); (err == nil) != (werr == nil) || err == nil && int64(got32) != want {
			t.Fatalf("ParseInt32(%q) = %d, %v; strconv says %d, %v", s, got32, err, want, werr)
		}
	}
}

func checkParsed(t *testing.T, fn, in, got string, err error, want string) {
	t.Helper()
	if w, ok := strings.CutPrefix(want, "error: "); ok {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%s(%q) = %s, %v; want error containing %q", fn, in, got, err, w)
		}
		return
	}
	if err != nil || got != want {
		t.Errorf("%s(%q) = %s, %v; want %s", fn, in, got, err, want)
	}
}

func TestParseFloat64(t *testing.T) {
	tests := []struct {
		in   string
		want string // strconv 'g' form, or "error: ..."
	}{
		{"0", "0"},
		{"-0", "-0"},
		{"12.5", "12.5"},
		{"-12.5e3", "-12500"},
		{".5", "0.5"},
		{"5.", "5"},
		{"1e-400", "0"}, // underflow is not an error
		{"1e400", "error: out of range for DOUBLE"},
		{"inf", "+Inf"},
		{"-Infinity", "-Inf"},
		{"NaN", "NaN"},
		{"", "error: empty"},
		{"abc", "error: invalid number"},
		{"1,5", "error: invalid number"},
		{" 1", "error: invalid number"},
		{"0x1p3", "error: invalid number"},
		{"1_000", "error: invalid number"},
	}
	for _, tt := range tests {
		v, err := ParseFloat64([]byte(tt.in))
		checkParsed(t, "ParseFloat64", tt.in, strconv.FormatFloat(v, 'g', -1, 64), err, tt.want)
	}
}

func TestParseBool(t *testing.T) {
	for _, in := range []string{"true", "TRUE", "True", "tRuE", "1"} {
		if v, err := ParseBool([]byte(in)); err != nil || !v {
			t.Errorf("ParseBool(%q) = %v, %v; want true", in, v, err)
		}
	}
	for _, in := range []string{"false", "FALSE", "False", "0"} {
		if v, err := ParseBool([]byte(in)); err != nil || v {
			t.Errorf("ParseBool(%q) = %v, %v; want false", in, v, err)
		}
	}
	for _, in := range []string{"", "t", "f", "yes", "no", "2", "-1", "truee", "fals", " true", "true "} {
		if v, err := ParseBool([]byte(in)); err == nil {
			t.Errorf("ParseBool(%q) = %v, want error", in, v)
		}
	}
}

func TestParseNumbersNoAlloc(t *testing.T) {
	i64, f64, b := []byte("-9223372036854775808"), []byte("-12345.678e-3"), []byte("TRUE")
	if n := testing.AllocsPerRun(100, func() {
		_, _ = ParseInt64(i64)
		_, _ = ParseInt32(i64[:8])
		_, _ = ParseFloat64(f64)
		_, _ = ParseBool(b)
	}); n != 0 {
		t.Errorf("number parsing allocates %v times", n)
	}
}
