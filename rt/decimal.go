// DECIMAL(p,s) arithmetic, rounding, parsing and formatting on unscaled Int128 values.

package rt

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// A DECIMAL(p,s) value is the Int128 v with value v × 10^-s. The scale is
// static (the compiler knows it), so it is passed to every function here
// rather than stored: a decimal column costs 16 bytes and no header.
//
// Rounding is half away from zero everywhere, matching DuckDB and PostgreSQL.

// DecRescale converts v from scale from to scale to. Raising the scale
// multiplies by a power of ten and fails (ok=false) when the result exceeds
// 10^38-1; lowering it rounds half away from zero and cannot overflow.
func DecRescale(v Int128, from, to int32) (Int128, bool) {
	switch {
	case to == from:
		return v, v.inDecRange()
	case to > from:
		if v.IsZero() {
			return v, true
		}
		d := to - from
		if d > 38 {
			return Int128{}, false
		}
		return v.Mul(Int128{int64(pow10[d].hi), pow10[d].lo})
	}
	m := divPow10Round(v.abs(), from-to)
	return m.signed(v.Hi < 0), m.cmp(maxDec) <= 0
}

// DecFits reports whether v has at most p digits (|v| < 10^p), i.e. whether
// it fits DECIMAL(p,s) for any s. Generated code calls it after arithmetic
// whose result type is narrower than 38 digits.
func DecFits(v Int128, p int32) bool {
	if p < 0 {
		return false
	}
	if p > 38 {
		return true // every Int128 is below 2^127 < 10^39
	}
	return v.abs().cmp(pow10[p]) < 0
}

// DecDiv returns a/b at scale to, where a has scale sa and b scale sb, rounded
// half away from zero from the exact quotient (not from a truncated
// intermediate). ok is false when the result exceeds 10^38-1 or b is zero (the
// caller is expected to have reported division by zero already).
//
// The common case fits 128 bits; a dividend that needs up to 256 bits after
// scaling takes a math/big slow path, which is fine because division is rare
// compared with addition and comparison.
func DecDiv(a Int128, sa int32, b Int128, sb int32, to int32) (Int128, bool) {
	if b.IsZero() {
		return Int128{}, false
	}
	neg := (a.Hi < 0) != (b.Hi < 0)
	na, nb := a.abs(), b.abs()
	// a/10^sa ÷ b/10^sb × 10^to = a × 10^e ÷ b.
	e := int64(to) - int64(sa) + int64(sb)
	switch {
	case e < 0:
		if -e > 38 {
			return Int128{}, true // |b|×10^-e ≥ 10^39 > 2|a|: rounds to zero
		}
		d, ok := nb.mul(pow10[-e])
		if !ok {
			return Int128{}, true // divisor ≥ 2^128 > 2|a|: rounds to zero
		}
		nb = d
	case e > 0:
		if e > 38 {
			return decDivBig(na, nb, e, neg)
		}
		n, ok := na.mul(pow10[e])
		if !ok {
			return decDivBig(na, nb, e, neg)
		}
		na = n
	}
	q, r := na.divmod(nb)
	if r.cmp(nb.sub(r)) >= 0 { // 2r ≥ b without overflowing
		q, _ = q.add64(1)
	}
	if q.cmp(maxDec) > 0 {
		return Int128{}, false
	}
	return q.signed(neg), true
}

// decDivBig computes round(na × 10^e / nb) with math/big when the scaled
// dividend needs more than 128 bits.
func decDivBig(na, nb u128, e int64, neg bool) (Int128, bool) {
	if e > 38+39 {
		// na ≥ 1 here, so the quotient is at least 10^77 / 2^128 > 10^38.
		return Int128{}, na.isZero()
	}
	x := na.big()
	x.Mul(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(e), nil))
	y := nb.big()
	q, r := x.QuoRem(x, y, new(big.Int))
	if r.Lsh(r, 1).Cmp(y) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if q.BitLen() > 128 {
		return Int128{}, false
	}
	m := u128{new(big.Int).Rsh(q, 64).Uint64(), q.Uint64()}
	if m.cmp(maxDec) > 0 {
		return Int128{}, false
	}
	return m.signed(neg), true
}

// big returns m as a new big.Int.
func (m u128) big() *big.Int {
	x := new(big.Int).SetUint64(m.hi)
	x.Lsh(x, 64)
	return x.Or(x, new(big.Int).SetUint64(m.lo))
}

// DecMod returns a mod b for two values of the same scale, truncated like
// Go's %: the result has the sign of a. A zero b yields zero rather than a
// panic; the caller reports division by zero before calling.
func DecMod(a, b Int128) Int128 {
	if b.IsZero() {
		return Int128{}
	}
	_, r := a.abs().divmod(b.abs())
	return r.signed(a.Hi < 0)
}

// DecFromFloat converts f to a DECIMAL at scale s as DuckDB does: f × 10^s is computed in float64 and rounded half
// away from zero, so DecFromFloat(1.005, 2) is 1.00 (1.005 × 100 is 100.49999999999999) while DecFromFloat(2.675, 2)
// is 2.68 (2.675 × 100 is 267.5). ok is false for NaN, ±Inf and when |f| × 10^s ≥ 1e38. Casts are not on the hot
// path; the integer conversion of large products uses math/big.
func DecFromFloat(f float64, s int32) (Int128, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Int128{}, false
	}
	x := f * math.Pow10(int(s))
	if math.IsInf(x, 0) || math.Abs(x) >= 1e38 {
		return Int128{}, false
	}
	x = math.Round(x)
	if math.Abs(x) < 1<<62 {
		return I128(int64(x)), true
	}
	i, _ := new(big.Float).SetFloat64(x).Int(nil) // x is integral: exact
	v, res := parseDecimal([]byte(i.String()), 38, 0)
	return v, res == parseOK
}

// pow10f holds the powers of ten that float64 represents exactly.
var pow10f = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// DecToFloat converts v at scale s to the nearest float64 (correctly rounded).
// Small values use one exact division (both operands are exact doubles, so
// IEEE division rounds once); the rest go through strconv's exact decimal
// parser on the value's digits.
func DecToFloat(v Int128, s int32) float64 {
	if s >= 0 && int(s) < len(pow10f) {
		if x, ok := v.Int64(); ok && x >= -1<<53 && x <= 1<<53 {
			return float64(x) / pow10f[s]
		}
	}
	var buf [48]byte
	b := appendInt128(buf[:0], v)
	b = append(b, 'e')
	b = strconv.AppendInt(b, -int64(s), 10)
	f, _ := strconv.ParseFloat(string(b), 64) // always well-formed; overflow is impossible below 2^127
	return f
}

// DecFloor returns the largest integer not above v/10^s, at scale 0.
func DecFloor(v Int128, s int32) Int128 {
	if s <= 0 {
		r, _ := DecRescale(v, s, 0)
		return r
	}
	q, exact := divPow10Trunc(v.abs(), s)
	if v.Hi < 0 && !exact {
		q, _ = q.add64(1)
	}
	return q.signed(v.Hi < 0)
}

// DecCeil returns the smallest integer not below v/10^s, at scale 0.
func DecCeil(v Int128, s int32) Int128 {
	if s <= 0 {
		r, _ := DecRescale(v, s, 0)
		return r
	}
	q, exact := divPow10Trunc(v.abs(), s)
	if v.Hi >= 0 && !exact {
		q, _ = q.add64(1)
	}
	return q.signed(v.Hi < 0)
}

// DecRound rounds v (scale s) to n fractional digits, half away from zero,
// and returns it still at scale s so ROUND keeps its argument's type.
// n may be negative: DecRound(12345, 0, -2) is 12300. Rounding up can add a
// digit (99.5 → 100.0); the caller checks DecFits against the result type.
func DecRound(v Int128, s int32, n int32) Int128 {
	if n >= s {
		return v
	}
	d := int64(s) - int64(n)
	if d > 38 {
		return Int128{} // |v| < 2^127 < 5×10^38: every digit is rounded away
	}
	q := divPow10Round(v.abs(), int32(d))
	m, _ := q.mul(pow10[d]) // q×10^d ≤ |v| + 10^d/2 < 2^128
	return m.signed(v.Hi < 0)
}

// divPow10Trunc returns m/10^d truncated and whether the division was exact.
func divPow10Trunc(m u128, d int32) (u128, bool) {
	if d > 38 {
		return u128{}, m.isZero()
	}
	if d > 19 {
		q, r := m.divmod64(pow10[19].lo)
		q, r2 := q.divmod64(pow10[d-19].lo)
		return q, r == 0 && r2 == 0
	}
	q, r := m.divmod64(pow10[d].lo)
	return q, r == 0
}

// divPow10Round returns m/10^d rounded half away from zero (d ≥ 0). Only the
// first dropped digit decides the rounding, so a truncating first step
// followed by a rounding second step is exact.
func divPow10Round(m u128, d int32) u128 {
	switch {
	case d <= 0:
		return m
	case d > 38:
		return u128{} // m < 2^128 < 5×10^38
	case d > 19:
		m, _ = m.divmod64(pow10[19].lo)
		d -= 19
	}
	p := pow10[d].lo
	q, r := m.divmod64(p)
	if r >= p/2 {
		q, _ = q.add64(1)
	}
	return q
}

// parseResult classifies ParseDecimal failures without allocating, so
// internal callers (DecFromFloat) can reuse the parser on the hot path.
type parseResult uint8

const (
	parseOK parseResult = iota
	parseSyntax
	parseRange
)

// ParseDecimal parses b as a DECIMAL(p,s) value straight from its digits,
// never through float64, so "0.1" is exactly 1×10^-1. It accepts an optional
// sign, digits on either side of an optional '.', and an optional exponent
// ("-12.34", "1e3", "+.5", "5.", "1.5E-2"); no spaces, no "NaN"/"Inf".
// Fractional digits beyond s round half away from zero. The error says
// whether the text is not a number or does not fit DECIMAL(p,s).
func ParseDecimal(b []byte, p, s int32) (Int128, error) {
	v, res := parseDecimal(b, p, s)
	switch res {
	case parseSyntax:
		return Int128{}, fmt.Errorf("invalid decimal %q", b)
	case parseRange:
		return Int128{}, fmt.Errorf("value %s out of range for DECIMAL(%d,%d)", b, p, s)
	}
	return v, nil
}

func parseDecimal(b []byte, p, s int32) (Int128, parseResult) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		i = 1
	}
	mant := i
	nInt, nFrac := 0, 0
	for i < len(b) && isDigit(b[i]) {
		i++
		nInt++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && isDigit(b[i]) {
			i++
			nFrac++
		}
	}
	if nInt+nFrac == 0 {
		return Int128{}, parseSyntax
	}
	mantEnd := i
	exp := 0
	if i < len(b) && b[i]|0x20 == 'e' {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i == len(b) || !isDigit(b[i]) {
			return Int128{}, parseSyntax
		}
		for ; i < len(b) && isDigit(b[i]); i++ {
			if exp < 1<<20 { // saturate: any larger exponent is already decided
				exp = exp*10 + int(b[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(b) {
		return Int128{}, parseSyntax
	}
	if p > 38 {
		p = 38
	}

	// w is the power of ten, in unscaled units, of the next mantissa digit.
	w := nInt - 1 + exp + int(s)
	var m u128
	nsig := 0
	roundUp := false
	for j := mant; j < mantEnd; j++ {
		c := b[j]
		if c == '.' {
			continue
		}
		if w < 0 {
			// The first digit below the scale decides; later ones cannot
			// change a half-away-from-zero result.
			roundUp = w == -1 && c >= '5'
			break
		}
		w--
		d := uint64(c - '0')
		if nsig == 0 && d == 0 {
			continue // leading zero
		}
		nsig++
		if nsig > int(p) {
			return Int128{}, parseRange
		}
		if m.hi == 0 && m.lo < (1<<64-1)/10 {
			m.lo = m.lo*10 + d
		} else {
			m, _ = m.mul64(10) // nsig ≤ 38 digits cannot overflow
			m, _ = m.add64(d)
		}
	}
	if w >= 0 && nsig > 0 {
		// Digits ran out above the scale: append w+1 zeros.
		if nsig+w+1 > int(p) {
			return Int128{}, parseRange
		}
		m, _ = m.mul(pow10[w+1])
	}
	if roundUp {
		m, _ = m.add64(1)
	}
	if p >= 0 && m.cmp(pow10[p]) >= 0 || p < 0 && !m.isZero() {
		return Int128{}, parseRange
	}
	return m.signed(neg), parseOK
}

func isDigit(c byte) bool { return c-'0' < 10 }

// AppendDecimal appends v at scale s with exactly s fractional digits
// ("12.3400", "-0.0500", "0.00"; "12" at scale 0), so output text carries the
// column's declared scale and never goes through float64. A negative scale
// appends zeros (v=12, s=-2 → "1200").
func AppendDecimal(dst []byte, v Int128, s int32) []byte {
	var buf [40]byte
	n := v.abs().digits(&buf)
	digits := buf[len(buf)-n:]
	if v.Hi < 0 {
		dst = append(dst, '-')
	}
	switch {
	case s <= 0:
		dst = append(dst, digits...)
		if !v.IsZero() {
			for k := int32(0); k < -s; k++ {
				dst = append(dst, '0')
			}
		}
	case n > int(s):
		dst = append(dst, digits[:n-int(s)]...)
		dst = append(dst, '.')
		dst = append(dst, digits[n-int(s):]...)
	default:
		dst = append(dst, '0', '.')
		for k := n; k < int(s); k++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	}
	return dst
}

// FormatDecimal returns AppendDecimal's text as a string, for casts to
// VARCHAR and error messages.
func FormatDecimal(v Int128, s int32) string {
	var buf [48]byte
	return string(AppendDecimal(buf[:0], v, s))
}
