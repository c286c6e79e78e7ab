// Tests for DECIMAL arithmetic, parsing and formatting against math/big and shopspring/decimal.

package rt

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// Decimal results are checked against two independent oracles: math/big
// for arithmetic (with its own half-away-from-zero division below) and
// shopspring/decimal for parsing and formatting text.

func bigPow10(k int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil)
}

// bigRoundDiv returns x/y rounded half away from zero.
func bigRoundDiv(x, y *big.Int) *big.Int {
	ax, ay := new(big.Int).Abs(x), new(big.Int).Abs(y)
	q, r := new(big.Int).QuoRem(ax, ay, new(big.Int))
	if r.Lsh(r, 1).Cmp(ay) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign()*y.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// oracleParse returns the unscaled value of text at scale s per shopspring,
// or ok=false if shopspring rejects the text.
func oracleParse(text string, s int32) (*big.Int, bool) {
	d, err := decimal.NewFromString(text)
	if err != nil {
		return nil, false
	}
	return d.Round(s).Shift(s).BigInt(), true
}

func randDecimal(r *rand.Rand) (Int128, int32) {
	for {
		v := randInt128(r)
		if v.inDecRange() {
			return v, int32(r.IntN(39))
		}
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		p, s int32
		want string // formatted result, or "error: <substring>"
	}{
		{"0", 1, 0, "0"},
		{"-0", 5, 2, "0.00"},
		{"12.34", 10, 2, "12.34"},
		{"-12.34", 10, 4, "-12.3400"},
		{"+12.34", 10, 2, "12.34"},
		{"+.5", 3, 1, "0.5"},
		{".5", 3, 2, "0.50"},
		{"5.", 3, 1, "5.0"},
		{"-.05", 4, 4, "-0.0500"},
		{"1e3", 10, 2, "1000.00"},
		{"1E3", 4, 0, "1000"},
		{"1.5e-2", 5, 3, "0.015"},
		{"1.5e+2", 5, 1, "150.0"},
		{"12345e-4", 5, 4, "1.2345"},
		{"0.000", 1, 0, "0"},
		{"000123.4500", 5, 2, "123.45"},
		{"00000000000000000000000000000000000000000000001", 1, 0, "1"},
		{"0.00000000000000000000000000000000000000000000001", 5, 2, "0.00"},
		{"0e999999999999999", 5, 2, "0.00"},
		{"1e-999999999999999", 5, 2, "0.00"},
		// Rounding: half away from zero on the first dropped digit.
		{"1.005", 5, 2, "1.01"},
		{"1.0049999999", 5, 2, "1.00"},
		{"-1.005", 5, 2, "-1.01"},
		{"-1.0049", 5, 2, "-1.00"},
		{"0.5", 1, 0, "1"},
		{"-0.5", 1, 0, "-1"},
		{"0.4999999999999999999999999999999999999999999", 1, 0, "0"},
		{"0.05", 3, 1, "0.1"},
		{"0.005", 3, 1, "0.0"},
		{"2.5e-1", 3, 0, "0"},
		{"9.995", 4, 2, "10.00"},
		{"9.995", 3, 2, "error: value 9.995 out of range for DECIMAL(3,2)"},
		// Precision.
		{"123456.7", 5, 2, "error: value 123456.7 out of range for DECIMAL(5,2)"},
		{"999.99", 5, 2, "999.99"},
		{"999.994", 5, 2, "999.99"},
		{"1000", 5, 2, "error: out of range"},
		{"1e3", 5, 2, "error: out of range"},
		{"1e2", 5, 2, "100.00"},
		{"1e999999999999", 38, 0, "error: out of range"},
		{"99999999999999999999999999999999999999", 38, 0, "99999999999999999999999999999999999999"},
		{"-99999999999999999999999999999999999999", 38, 0, "-99999999999999999999999999999999999999"},
		{"100000000000000000000000000000000000000", 38, 0, "error: out of range"},
		{"99999999999999999999999999999999999999.5", 38, 0, "error: out of range"},
		{"99999999999999999999999999999999999999.4", 38, 0, "99999999999999999999999999999999999999"},
		{"0.99999999999999999999999999999999999999", 38, 38, "0.99999999999999999999999999999999999999"},
		{"1", 38, 38, "error: out of range"},
		{"340282366920938463463374607431768211456", 38, 0, "error: out of range"}, // 2^128
		{"9223372036854775808", 19, 0, "9223372036854775808"},
		{"18446744073709551616", 20, 0, "18446744073709551616"},
		// Syntax.
		{"", 5, 2, "error: invalid decimal"},
		{"-", 5, 2, "error: invalid decimal"},
		{"+", 5, 2, "error: invalid decimal"},
		{".", 5, 2, "error: invalid decimal"},
		{"abc", 5, 2, "error: invalid decimal"},
		{"1.2.3", 5, 2, "error: invalid decimal"},
		{"1 2", 5, 2, "error: invalid decimal"},
		{" 12", 5, 2, "error: invalid decimal"},
		{"12 ", 5, 2, "error: invalid decimal"},
		{"1e", 5, 2, "error: invalid decimal"},
		{"1e+", 5, 2, "error: invalid decimal"},
		{"e5", 5, 2, "error: invalid decimal"},
		{".e5", 5, 2, "error: invalid decimal"},
		{"1e5.5", 5, 2, "error: invalid decimal"},
		{"--1", 5, 2, "error: invalid decimal"},
		{"+-1", 5, 2, "error: invalid decimal"},
		{"1,5", 5, 2, "error: invalid decimal"},
		{"NaN", 5, 2, "error: invalid decimal"},
		{"Inf", 5, 2, "error: invalid decimal"},
		{"0x10", 5, 2, "error: invalid decimal"},
		{"1_000", 5, 2, "error: invalid decimal"},
		{"١٢", 5, 2, "error: invalid decimal"}, // non-ASCII digits
	}
	for _, tt := range tests {
		v, err := ParseDecimal([]byte(tt.in), tt.p, tt.s)
		if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseDecimal(%q, %d, %d) = %s, %v; want error containing %q", tt.in, tt.p, tt.s, FormatDecimal(v, tt.s), err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDecimal(%q, %d, %d): %v", tt.in, tt.p, tt.s, err)
			continue
		}
		if got := FormatDecimal(v, tt.s); got != tt.want {
			t.Errorf("ParseDecimal(%q, %d, %d) = %s, want %s", tt.in, tt.p, tt.s, got, tt.want)
		}
	}
}

// randDecimalText builds syntactically valid decimal text of every shape.
func randDecimalText(r *rand.Rand) string {
	var b strings.Builder
	switch r.IntN(3) {
	case 1:
		b.WriteByte('-')
	case 2:
		b.WriteByte('+')
	}
	digits := func(n int) {
		for range n {
			if r.IntN(5) == 0 {
				b.WriteByte('0')
			} else {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
	}
	nInt := r.IntN(42)
	nFrac := r.IntN(42)
	if r.IntN(3) == 0 {
		nFrac = 0
	}
	if nInt+nFrac == 0 {
		nInt = 1
	}
	digits(nInt)
	if nFrac > 0 || r.IntN(10) == 0 {
		b.WriteByte('.')
		digits(nFrac)
	}
	if r.IntN(3) == 0 {
		b.WriteByte("eE"[r.IntN(2)])
		if r.IntN(2) == 0 {
			b.WriteByte("+-"[r.IntN(2)])
		}
		b.WriteString(strconv.Itoa(r.IntN(45)))
	}
	return b.String()
}

func TestParseDecimalAgainstShopspring(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	checked := 0
	for i := 0; i < 100000; i++ {
		text := randDecimalText(r)
		p := int32(1 + r.IntN(38))
		s := int32(r.IntN(int(p) + 1))
		checkParseDecimal(t, text, p, s)
		checked++
	}
	if checked < 90000 {
		t.Fatalf("only %d cases checked", checked)
	}
}

var decimalGrammar = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// checkParseDecimal compares ParseDecimal with the oracle: accept exactly the
// grammar, and when accepting, produce shopspring's rounded value iff it
// fits DECIMAL(p,s); also format it back exactly as shopspring does.
func checkParseDecimal(t *testing.T, text string, p, s int32) {
	t.Helper()
	v, err := ParseDecimal([]byte(text), p, s)
	if !decimalGrammar.MatchString(text) {
		if err == nil {
			t.Fatalf("ParseDecimal(%q) = %v, want syntax error", text, v)
		}
		return
	}
	want, ok := oracleParse(text, s)
	if !ok {
		t.Fatalf("oracle rejects %q", text)
	}
	fits := new(big.Int).Abs(want).Cmp(bigPow10(int64(p))) < 0
	if !fits {
		if err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Fatalf("ParseDecimal(%q, %d, %d) = %v, %v; want out of range (oracle %v)", text, p, s, v, err, want)
		}
		return
	}
	if err != nil || toBig(v).Cmp(want) != 0 {
		t.Fatalf("ParseDecimal(%q, %d, %d) = %v, %v; want %v", text, p, s, v, err, want)
	}
	got := FormatDecimal(v, s)
	if w := decimal.NewFromBigInt(want, -s).StringFixed(s); got != w {
		t.Fatalf("FormatDecimal(%v, %d) = %s, want %s", v, s, got, w)
	}
	// Round trip: the formatted text parses back to the same value.
	back, err := ParseDecimal([]byte(got), p, s)
	if err != nil || back != v {
		t.Fatalf("round trip %q → %s → %v, %v", text, got, back, err)
	}
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-12.34", "1e3", "+.5", "5.", "1.005", "9.995", "1.2.3", "",
		"99999999999999999999999999999999999999", "0.00000000000000000000000000000000000000000005"} {
		f.Add(s, uint8(10), uint8(2))
	}
	f.Fuzz(func(t *testing.T, text string, p, s uint8) {
		pp := int32(p%38) + 1
		ss := int32(s) % (pp + 1)
		if m := regexp.MustCompile(`[eE][+-]?0*([0-9]+)$`).FindStringSubmatch(text); m != nil && len(m[1]) > 3 {
			// Huge exponents make the oracle build huge numbers; ParseDecimal
			// still must not panic.
			_, _ = ParseDecimal([]byte(text), pp, ss)
			return
		}
		checkParseDecimal(t, text, pp, ss)
	})
}

func TestAppendDecimal(t *testing.T) {
	tests := []struct {
		v    string
		s    int32
		want string
	}{
		{"123400", 4, "12.3400"},
		{"-500", 4, "-0.0500"},
		{"0", 0, "0"},
		{"0", 2, "0.00"},
		{"12", 0, "12"},
		{"-12", 0, "-12"},
		{"5", 1, "0.5"},
		{"-5", 1, "-0.5"},
		{"1", 38, "0.00000000000000000000000000000000000001"},
		{"-99999999999999999999999999999999999999", 38, "-0.99999999999999999999999999999999999999"},
		{"99999999999999999999999999999999999999", 0, "99999999999999999999999999999999999999"},
		{"99999999999999999999999999999999999999", 2, "999999999999999999999999999999999999.99"},
		{"10000000000000000000", 19, "1.0000000000000000000"},
		{"-170141183460469231731687303715884105728", 0, "-170141183460469231731687303715884105728"}, // int128 min
		{"12", -2, "1200"},
		{"0", -2, "0"},
	}
	for _, tt := range tests {
		v := fromBig(t, mustBig(tt.v))
		if got := string(AppendDecimal([]byte("x="), v, tt.s)); got != "x="+tt.want {
			t.Errorf("AppendDecimal(%s, %d) = %q, want %q", tt.v, tt.s, got, "x="+tt.want)
		}
		if got := FormatDecimal(v, tt.s); got != tt.want {
			t.Errorf("FormatDecimal(%s, %d) = %q, want %q", tt.v, tt.s, got, tt.want)
		}
	}
}

func TestAppendDecimalRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 50000; i++ {
		v, s := randDecimal(r)
		got := FormatDecimal(v, s)
		if want := decimal.NewFromBigInt(toBig(v), -s).StringFixed(s); got != want {
			t.Fatalf("FormatDecimal(%v, %d) = %s, want %s", v, s, got, want)
		}
		back, err := ParseDecimal([]byte(got), 38, s)
		if err != nil || back != v {
			t.Fatalf("ParseDecimal(%q) = %v, %v; want %v", got, back, err, v)
		}
	}
}

func TestDecimalNoAlloc(t *testing.T) {
	text := []byte("-12345678901234567890.123456789")
	v, err := ParseDecimal(text, 38, 9)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		v, _ = ParseDecimal(text, 38, 9)
		buf = AppendDecimal(buf[:0], v, 9)
		v, _ = DecRescale(v, 9, 4)
		v, _ = DecRescale(v, 4, 12)
		_ = DecFits(v, 30)
		_ = DecRound(v, 12, 2)
		_ = DecFloor(v, 12)
		_ = DecCeil(v, 12)
		v, _ = DecDiv(v, 12, I128(-7), 0, 6)
		_ = DecMod(v, I128(1000))
		_ = DecToFloat(v, 6) // DecFromFloat (a CAST, off the hot path) uses math/big and is not in this list
	}); n != 0 {
		t.Errorf("decimal hot path allocates %v times per op", n)
	}
}

func TestDecRescale(t *testing.T) {
	tests := []struct {
		v        string
		from, to int32
		want     string // "" means ok=false
	}{
		{"12345", 2, 2, "12345"},
		{"12345", 2, 4, "1234500"},
		{"12345", 2, 1, "1235"},   // 123.45 → 123.5 (tie away from zero)
		{"-12345", 2, 1, "-1235"}, // -123.45 → -123.5
		{"12344", 2, 1, "1234"},
		{"-12344", 2, 1, "-1234"},
		{"12345", 2, 0, "123"},
		{"12350", 2, 0, "124"},
		{"-12350", 2, 0, "-124"},
		{"5", 1, 0, "1"},
		{"4", 1, 0, "0"},
		{"-5", 1, 0, "-1"},
		{"99999999999999999999999999999999999999", 0, 0, "99999999999999999999999999999999999999"},
		{"99999999999999999999999999999999999999", 0, 1, ""},
		{"99999999999999999999999999999999999999", 1, 0, "10000000000000000000000000000000000000"},
		{"99999999999999999999999999999999999999", 38, 0, "1"},
		{"-49999999999999999999999999999999999999", 38, 0, "0"},
		{"-50000000000000000000000000000000000000", 38, 0, "-1"},
		{"1", 0, 38, ""},
		{"1", 0, 37, "10000000000000000000000000000000000000"},
		{"0", 0, 100, "0"},
		{"7", 0, 100, ""},
		{"99999999999999999999999999999999999999", 100, 0, "0"},
		{"55555555555555555555", 20, 0, "1"},   // first dropped digit decides across a 10^19 split
		{"-55555555555555555555", 20, 1, "-6"}, // 10^19 split plus one more digit
		{"44999999999999999999", 20, 0, "0"},
	}
	for _, tt := range tests {
		got, ok := DecRescale(fromBig(t, mustBig(tt.v)), tt.from, tt.to)
		if tt.want == "" {
			if ok {
				t.Errorf("DecRescale(%s, %d, %d) = %v, want overflow", tt.v, tt.from, tt.to, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("DecRescale(%s, %d, %d) = %v, %v; want %s", tt.v, tt.from, tt.to, got, ok, tt.want)
		}
	}
}

func TestDecRescaleRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 50000; i++ {
		v, from := randDecimal(r)
		to := int32(r.IntN(39))
		got, ok := DecRescale(v, from, to)
		var want *big.Int
		if to >= from {
			want = new(big.Int).Mul(toBig(v), bigPow10(int64(to-from)))
		} else {
			want = bigRoundDiv(toBig(v), bigPow10(int64(from-to)))
		}
		if wantOK := inDec(want); ok != wantOK || ok && toBig(got).Cmp(want) != 0 {
			t.Fatalf("DecRescale(%v, %d, %d) = %v, %v; want %v", v, from, to, got, ok, want)
		}
	}
}

func TestDecFits(t *testing.T) {
	tests := []struct {
		v    string
		p    int32
		want bool
	}{
		{"0", 1, true},
		{"9", 1, true},
		{"10", 1, false},
		{"-9", 1, true},
		{"-10", 1, false},
		{"99999", 5, true},
		{"100000", 5, false},
		{"-99999999999999999999999999999999999999", 38, true},
		{"99999999999999999999999999999999999999", 37, false},
		{"100000000000000000000000000000000000000", 38, false},
		{"170141183460469231731687303715884105727", 39, true},
		{"0", 0, true},
		{"1", 0, false},
	}
	for _, tt := range tests {
		if got := DecFits(fromBig(t, mustBig(tt.v)), tt.p); got != tt.want {
			t.Errorf("DecFits(%s, %d) = %v, want %v", tt.v, tt.p, got, tt.want)
		}
	}
}

func TestDecDiv(t *testing.T) {
	tests := []struct {
		a      string
		sa     int32
		b      string
		sb, to int32
		want   string // "" means ok=false
	}{
		{"100", 2, "300", 2, 4, "3333"},   // 1.00/3.00 = 0.3333
		{"200", 2, "300", 2, 4, "6667"},   // 0.6667
		{"-200", 2, "300", 2, 4, "-6667"}, // -0.6667
		{"200", 2, "-300", 2, 4, "-6667"}, //
		{"-200", 2, "-300", 2, 4, "6667"}, //
		{"1", 0, "8", 0, 2, "13"},         // 0.125 → 0.13 (tie away from zero)
		{"-1", 0, "8", 0, 2, "-13"},       // -0.125 → -0.13
		{"1", 0, "8", 0, 3, "125"},        //
		{"10", 1, "4", 0, 0, "0"},         // 1.0/4 = 0.25 → 0
		{"20", 1, "4", 0, 0, "1"},         // 2.0/4 = 0.5 → 1
		{"1", 0, "3", 0, 38, "33333333333333333333333333333333333333"},
		{"2", 0, "3", 0, 38, "66666666666666666666666666666666666667"},
		{"1", 0, "1", 0, 38, ""}, // 10^38 does not fit
		{"99999999999999999999999999999999999999", 0, "1", 38, 0, ""},
		{"99999999999999999999999999999999999999", 38, "1", 0, 38, "99999999999999999999999999999999999999"},
		{"99999999999999999999999999999999999999", 38, "1", 38, 38, ""}, // (10^38-1)/1 at scale 38
		{"99999999999999999999999999999999999999", 0, "99999999999999999999999999999999999999", 0, 37, "10000000000000000000000000000000000000"},
		{"1", 38, "99999999999999999999999999999999999999", 0, 38, "0"}, // 10^-76 rounds away
		{"5", 0, "1", 100, 0, ""},
		{"5", 100, "1", 0, 0, "0"},
		{"12345", 2, "0", 0, 2, ""}, // division by zero does not panic
		{"0", 0, "7", 0, 10, "0"},
	}
	for _, tt := range tests {
		got, ok := DecDiv(fromBig(t, mustBig(tt.a)), tt.sa, fromBig(t, mustBig(tt.b)), tt.sb, tt.to)
		if tt.want == "" {
			if ok {
				t.Errorf("DecDiv(%s@%d, %s@%d, %d) = %v, want !ok", tt.a, tt.sa, tt.b, tt.sb, tt.to, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("DecDiv(%s@%d, %s@%d, %d) = %v, %v; want %s", tt.a, tt.sa, tt.b, tt.sb, tt.to, got, ok, tt.want)
		}
	}
}

func TestDecDivRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 50000; i++ {
		a, sa := randDecimal(r)
		b, sb := randDecimal(r)
		if b.IsZero() {
			continue
		}
		to := int32(r.IntN(39))
		got, ok := DecDiv(a, sa, b, sb, to)
		e := int64(to) - int64(sa) + int64(sb)
		x, y := toBig(a), toBig(b)
		if e >= 0 {
			x.Mul(x, bigPow10(e))
		} else {
			y.Mul(y, bigPow10(-e))
		}
		want := bigRoundDiv(x, y)
		if wantOK := inDec(want); ok != wantOK || ok && toBig(got).Cmp(want) != 0 {
			t.Fatalf("DecDiv(%v@%d, %v@%d, %d) = %v, %v; want %v", a, sa, b, sb, to, got, ok, want)
		}
	}
}

func TestDecMod(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"1050", "300", "150"},   // 10.50 % 3.00 = 1.50
		{"-1050", "300", "-150"}, // sign of the dividend
		{"1050", "-300", "150"},
		{"-1050", "-300", "-150"},
		{"900", "300", "0"},
		{"99999999999999999999999999999999999999", "10000000000000000000000000000000000000", "9999999999999999999999999999999999999"},
		{"99999999999999999999999999999999999999", "18446744073709551617", "13713132762682702726"},
		{"5", "0", "0"},
	}
	for _, tt := range tests {
		got := DecMod(fromBig(t, mustBig(tt.a)), fromBig(t, mustBig(tt.b)))
		want := tt.want
		if tt.b != "0" {
			want = new(big.Int).Rem(mustBig(tt.a), mustBig(tt.b)).String()
			if want != tt.want {
				t.Fatalf("bad test: %s %% %s is %s", tt.a, tt.b, want)
			}
		}
		if got.String() != want {
			t.Errorf("DecMod(%s, %s) = %v, want %s", tt.a, tt.b, got, want)
		}
	}
	r := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 50000; i++ {
		a, _ := randDecimal(r)
		b, _ := randDecimal(r)
		if b.IsZero() {
			continue
		}
		want := new(big.Int).Rem(toBig(a), toBig(b))
		if got := DecMod(a, b); toBig(got).Cmp(want) != 0 {
			t.Fatalf("DecMod(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
}

func TestDecFromFloat(t *testing.T) {
	tests := []struct {
		f    float64
		s    int32
		want string // "" means ok=false
	}{
		{1.005, 2, "100"},   // the binary value is 1.00499999…, as DuckDB rounds it
		{-1.005, 2, "-100"}, // the binary value is -1.00499999…, as DuckDB rounds it
		{0.125, 2, "13"},
		{2.675, 2, "268"},         // 2.675 × 100 is 267.5 in float64 (DuckDB: 2.68)
		{8221.2735, 3, "8221273"}, // 8221.2735 × 1000 is 8221273.499999999 (DuckDB: 8221.273)
		{2.5, 0, "3"},
		{-2.5, 0, "-3"},
		{0.1, 1, "1"},
		{0.1, 20, "10000000000000000000"},
		{123.456, 0, "123"},
		{1e-30, 2, "0"},
		{-1e-30, 2, "0"},
		{1e37, 0, "9999999999999999538762658202121142272"},
		{1e38, 0, ""},
		{1e37, 1, ""},
		{math.MaxFloat64, 0, ""},
		{math.SmallestNonzeroFloat64, 38, "0"},
		{math.NaN(), 2, ""},
		{math.Inf(1), 2, ""},
		{math.Inf(-1), 2, ""},
		{0, 5, "0"},
		{math.Copysign(0, -1), 5, "0"},
	}
	for _, tt := range tests {
		got, ok := DecFromFloat(tt.f, tt.s)
		if tt.want == "" {
			if ok {
				t.Errorf("DecFromFloat(%v, %d) = %v, want !ok", tt.f, tt.s, got)
			}
			continue
		}
		if !ok || got.String() != tt.want {
			t.Errorf("DecFromFloat(%v, %d) = %v, %v; want %s", tt.f, tt.s, got, ok, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(15, 16))
	for i := 0; i < 20000; i++ {
		f := (r.Float64() - 0.5) * math.Pow10(r.IntN(60)-20)
		s := int32(r.IntN(39))
		got, ok := DecFromFloat(f, s)
		// Oracle: f × 10^s correctly rounded to 53 bits (what one float64 multiplication gives while 10^s is exact,
		// s ≤ 22), then rounded half away from zero, all in math/big.
		if s > 22 {
			s = 22
			got, ok = DecFromFloat(f, s)
		}
		p := new(big.Float).SetPrec(53).SetMode(big.ToNearestEven).Mul(new(big.Float).SetFloat64(f), new(big.Float).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil)))
		pf, _ := p.Float64()
		q := new(big.Rat).SetFloat64(pf)
		num, den := new(big.Int).Abs(q.Num()), q.Denom()
		want, rem := new(big.Int).QuoRem(num, den, new(big.Int))
		if new(big.Int).Lsh(rem, 1).Cmp(den) >= 0 {
			want.Add(want, big.NewInt(1))
		}
		if q.Sign() < 0 {
			want.Neg(want)
		}
		wantOK := math.Abs(pf) < 1e38
		if ok != wantOK || ok && toBig(got).Cmp(want) != 0 {
			t.Fatalf("DecFromFloat(%v, %d) = %v, %v; want %v", f, s, got, ok, want)
		}
	}
}

func TestDecToFloat(t *testing.T) {
	tests := []struct {
		v    string
		s    int32
		want float64
	}{
		{"1", 1, 0.1},
		{"-1", 1, -0.1},
		{"12345", 2, 123.45},
		{"0", 10, 0},
		{"9007199254740993", 0, 9007199254740992}, // 2^53+1 rounds to even
		{"9007199254740993", 16, 0.9007199254740993},
		{"99999999999999999999999999999999999999", 0, 1e38},
		{"99999999999999999999999999999999999999", 38, 1},
		{"1", 38, 1e-38},
		{"-170141183460469231731687303715884105728", 0, -1.7014118346046923e38},
	}
	for _, tt := range tests {
		if got := DecToFloat(fromBig(t, mustBig(tt.v)), tt.s); got != tt.want {
			t.Errorf("DecToFloat(%s, %d) = %v, want %v", tt.v, tt.s, got, tt.want)
		}
	}
	r := rand.New(rand.NewPCG(17, 18))
	for i := 0; i < 50000; i++ {
		v, s := randDecimal(r)
		want, _ := new(big.Rat).SetFrac(toBig(v), bigPow10(int64(s))).Float64()
		if got := DecToFloat(v, s); got != want {
			t.Fatalf("DecToFloat(%v, %d) = %v, want %v", v, s, got, want)
		}
	}
}

func TestDecFloorCeilRound(t *testing.T) {
	tests := []struct {
		v           string
		s           int32
		floor, ceil string
	}{
		{"1234", 2, "12", "13"},
		{"-1234", 2, "-13", "-12"},
		{"1200", 2, "12", "12"},
		{"-1200", 2, "-12", "-12"},
		{"1", 2, "0", "1"},
		{"-1", 2, "-1", "0"},
		{"0", 2, "0", "0"},
		{"5", 0, "5", "5"},
		{"99999999999999999999999999999999999999", 38, "0", "1"},
		{"-99999999999999999999999999999999999999", 38, "-1", "0"},
		{"-99999999999999999999999999999999999999", 20, "-1000000000000000000", "-999999999999999999"},
	}
	for _, tt := range tests {
		v := fromBig(t, mustBig(tt.v))
		if got := DecFloor(v, tt.s); got.String() != tt.floor {
			t.Errorf("DecFloor(%s, %d) = %v, want %s", tt.v, tt.s, got, tt.floor)
		}
		if got := DecCeil(v, tt.s); got.String() != tt.ceil {
			t.Errorf("DecCeil(%s, %d) = %v, want %s", tt.v, tt.s, got, tt.ceil)
		}
	}

	rounds := []struct {
		v    string
		s, n int32
		want string
	}{
		{"12345", 2, 1, "12350"},   // 123.45 → 123.50
		{"-12345", 2, 1, "-12350"}, // -123.45 → -123.50
		{"12344", 2, 1, "12340"},
		{"12345", 2, 0, "12300"},
		{"12350", 2, 0, "12400"},
		{"-12350", 2, 0, "-12400"},
		{"12345", 2, 2, "12345"},
		{"12345", 2, 5, "12345"},
		{"12345", 0, -2, "12300"},
		{"12350", 0, -2, "12400"},
		{"-12350", 0, -2, "-12400"},
		{"12345", 2, -1, "12000"}, // 123.45 → 120.00
		{"9999", 2, 0, "10000"},   // 99.99 → 100.00: one more digit
		{"99999999999999999999999999999999999999", 0, -37, "100000000000000000000000000000000000000"},
		{"49999999999999999999999999999999999999", 0, -38, "0"},
		{"50000000000000000000000000000000000000", 0, -38, "100000000000000000000000000000000000000"},
		{"99999999999999999999999999999999999999", 0, -40, "0"},
	}
	for _, tt := range rounds {
		if got := DecRound(fromBig(t, mustBig(tt.v)), tt.s, tt.n); got.String() != tt.want {
			t.Errorf("DecRound(%s, %d, %d) = %v, want %s", tt.v, tt.s, tt.n, got, tt.want)
		}
	}

	r := rand.New(rand.NewPCG(19, 20))
	for i := 0; i < 50000; i++ {
		v, s := randDecimal(r)
		bv, ps := toBig(v), bigPow10(int64(s))
		floor := new(big.Int).Div(bv, ps) // Euclidean = floor for positive divisors
		if got := DecFloor(v, s); toBig(got).Cmp(floor) != 0 {
			t.Fatalf("DecFloor(%v, %d) = %v, want %v", v, s, got, floor)
		}
		ceil := new(big.Int).Neg(new(big.Int).Div(new(big.Int).Neg(bv), ps))
		if got := DecCeil(v, s); toBig(got).Cmp(ceil) != 0 {
			t.Fatalf("DecCeil(%v, %d) = %v, want %v", v, s, got, ceil)
		}
		n := int32(r.IntN(45)) - 5
		want := bv
		if n < s {
			p := bigPow10(int64(s - n))
			want = new(big.Int).Mul(bigRoundDiv(bv, p), p)
		}
		if got := DecRound(v, s, n); toBig(got).Cmp(want) != 0 {
			t.Fatalf("DecRound(%v, %d, %d) = %v, want %v", v, s, n, got, want)
		}
	}
}

var (
	benchBytes []byte
	benchErr   error
)

func BenchmarkParseDecimal(b *testing.B) {
	for _, text := range []string{"12.34", "-1234567.891", "12345678901234567890.123456789012"} {
		b.Run(fmt.Sprintf("len=%d", len(text)), func(b *testing.B) {
			in := []byte(text)
			var v Int128
			for b.Loop() {
				v, benchErr = ParseDecimal(in, 38, 12)
			}
			benchSink = v
		})
	}
}

func BenchmarkAppendDecimal(b *testing.B) {
	for _, text := range []string{"12.34", "12345678901234567890.123456789012"} {
		v, err := ParseDecimal([]byte(text), 38, 12)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("len=%d", len(text)), func(b *testing.B) {
			buf := make([]byte, 0, 64)
			for b.Loop() {
				buf = AppendDecimal(buf[:0], v, 12)
			}
			benchBytes = buf
		})
	}
}

func BenchmarkDecRescale(b *testing.B) {
	v, _ := ParseDecimal([]byte("-1234567.891"), 38, 12)
	var r Int128
	for b.Loop() {
		r, _ = DecRescale(v, 12, 2)
	}
	benchSink = r
}
