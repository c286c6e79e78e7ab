// Int128: the 128-bit two's complement integer that carries DECIMAL(p,s) unscaled values.

package rt

import (
	"math"
	"math/bits"
)

// Int128 is a signed 128-bit integer in two's complement, split into a signed
// high word and an unsigned low word. It is a plain value (no pointers) so
// decimal columns live inline in generated structs and never allocate.
//
// Arithmetic methods are checked against the DECIMAL range ±(10^38-1), not the
// full int128 range: SQL's widest decimal has 38 digits, and checking once per
// operation is what lets generated code report overflow instead of wrapping.
type Int128 struct {
	Hi int64
	Lo uint64
}

// u128 is an unsigned magnitude; the arithmetic core works on magnitudes and
// applies signs at the edges, which keeps the carry logic in one place.
type u128 struct{ hi, lo uint64 }

// pow10 holds 10^0 … 10^38 as magnitudes; 10^38 < 2^127, so all fit.
var pow10 = func() (t [39]u128) {
	t[0] = u128{0, 1}
	for i := 1; i < len(t); i++ {
		t[i], _ = t[i-1].mul64(10)
	}
	return t
}()

// maxDec is 10^38-1, the largest magnitude a DECIMAL(38,s) can hold.
const (
	maxDecHi = 0x4b3b4ca85a86c47a
	maxDecLo = 0x098a223fffffffff
)

var maxDec = u128{maxDecHi, maxDecLo}

// I128 widens an int64; every BIGINT fits, so it cannot fail.
func I128(v int64) Int128 {
	return Int128{Hi: v >> 63, Lo: uint64(v)}
}

// Add returns a+b; ok is false when the sum's magnitude exceeds 10^38-1
// (including sums that would not even fit in 128 bits).
func (a Int128) Add(b Int128) (Int128, bool) {
	lo, c := bits.Add64(a.Lo, b.Lo, 0)
	hi := a.Hi + b.Hi + int64(c)
	// Signed overflow: both operands share a sign the result lacks.
	if (a.Hi >= 0) == (b.Hi >= 0) && (hi >= 0) != (a.Hi >= 0) {
		return Int128{}, false
	}
	r := Int128{hi, lo}
	return r, r.inDecRange()
}

// Sub returns a-b; ok is false when the difference's magnitude exceeds 10^38-1.
func (a Int128) Sub(b Int128) (Int128, bool) {
	lo, brw := bits.Sub64(a.Lo, b.Lo, 0)
	hi := a.Hi - b.Hi - int64(brw)
	// Signed overflow: operands of different signs and the result takes b's sign.
	if (a.Hi >= 0) != (b.Hi >= 0) && (hi >= 0) != (a.Hi >= 0) {
		return Int128{}, false
	}
	r := Int128{hi, lo}
	return r, r.inDecRange()
}

// Mul returns a*b; ok is false when the exact product's magnitude exceeds
// 10^38-1. The check is exact: the magnitudes are multiplied with their full
// 256-bit product in mind, so no wrapped result can pass for a small one.
func (a Int128) Mul(b Int128) (Int128, bool) {
	neg := (a.Hi < 0) != (b.Hi < 0)
	m, ok := a.abs().mul(b.abs())
	if !ok || m.cmp(maxDec) > 0 {
		return Int128{}, false
	}
	if m.isZero() {
		return Int128{}, true
	}
	return m.signed(neg), true
}

// Neg returns -a. It is exact for every decimal value; only the int128
// minimum (outside any DECIMAL range) wraps to itself.
func (a Int128) Neg() Int128 {
	lo, c := bits.Add64(^a.Lo, 1, 0)
	return Int128{^a.Hi + int64(c), lo}
}

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a Int128) Cmp(b Int128) int {
	switch {
	case a.Hi < b.Hi:
		return -1
	case a.Hi > b.Hi:
		return 1
	case a.Lo < b.Lo:
		return -1
	case a.Lo > b.Lo:
		return 1
	}
	return 0
}

// Sign returns -1, 0 or +1 for negative, zero and positive a.
func (a Int128) Sign() int {
	switch {
	case a.Hi < 0:
		return -1
	case a.Hi == 0 && a.Lo == 0:
		return 0
	}
	return 1
}

// IsZero reports whether a is zero.
func (a Int128) IsZero() bool { return a.Hi == 0 && a.Lo == 0 }

// Int64 narrows a to int64; ok is false when a does not fit, so a DECIMAL to
// BIGINT cast can report overflow rather than truncate.
func (a Int128) Int64() (int64, bool) {
	if (a.Hi == 0 && a.Lo <= math.MaxInt64) || (a.Hi == -1 && a.Lo > math.MaxInt64) {
		return int64(a.Lo), true
	}
	return 0, false
}

// String formats a as a base-10 integer (the unscaled value), for debugging
// and test failure messages.
func (a Int128) String() string {
	var buf [40]byte
	return string(appendInt128(buf[:0], a))
}

// appendInt128 writes a's base-10 digits with a leading '-' when negative.
func appendInt128(dst []byte, a Int128) []byte {
	if a.Hi < 0 {
		dst = append(dst, '-')
	}
	var buf [40]byte
	n := a.abs().digits(&buf)
	return append(dst, buf[len(buf)-n:]...)
}

// inDecRange reports whether |a| <= 10^38-1. Any high word strictly inside
// ±maxDecHi settles it without looking at the low word, which is the case
// for all but the very largest values.
func (a Int128) inDecRange() bool {
	if a.Hi > -maxDecHi && a.Hi < maxDecHi {
		return true
	}
	return a.abs().cmp(maxDec) <= 0
}

// abs returns |a| as a magnitude; |MinInt128| = 2^127 is representable.
func (a Int128) abs() u128 {
	if a.Hi < 0 {
		n := a.Neg()
		return u128{uint64(n.Hi), n.Lo}
	}
	return u128{uint64(a.Hi), a.Lo}
}

// signed converts a magnitude below 2^127 to Int128, negated when neg is set.
func (m u128) signed(neg bool) Int128 {
	r := Int128{int64(m.hi), m.lo}
	if neg {
		return r.Neg()
	}
	return r
}

func (m u128) isZero() bool { return m.hi == 0 && m.lo == 0 }

func (m u128) cmp(n u128) int {
	switch {
	case m.hi < n.hi:
		return -1
	case m.hi > n.hi:
		return 1
	case m.lo < n.lo:
		return -1
	case m.lo > n.lo:
		return 1
	}
	return 0
}

func (m u128) add64(x uint64) (u128, bool) {
	lo, c := bits.Add64(m.lo, x, 0)
	hi, c2 := bits.Add64(m.hi, 0, c)
	return u128{hi, lo}, c2 == 0
}

func (m u128) sub(n u128) u128 {
	lo, b := bits.Sub64(m.lo, n.lo, 0)
	hi, _ := bits.Sub64(m.hi, n.hi, b)
	return u128{hi, lo}
}

// mul64 returns m*x; ok is false if the product needs more than 128 bits.
func (m u128) mul64(x uint64) (u128, bool) {
	hi1, lo := bits.Mul64(m.lo, x)
	hi2, lo2 := bits.Mul64(m.hi, x)
	hi, c := bits.Add64(hi1, lo2, 0)
	return u128{hi, lo}, hi2 == 0 && c == 0
}

// mul returns m*n; ok is false if the product needs more than 128 bits. If
// both high words are non-zero the product is at least 2^128, so at most one
// cross term survives and the 256-bit product never has to be materialized.
func (m u128) mul(n u128) (u128, bool) {
	if m.hi != 0 && n.hi != 0 {
		return u128{}, false
	}
	if m.hi == 0 {
		m, n = n, m
	}
	// Now n.hi == 0: m*n = m*n.lo.
	return m.mul64(n.lo)
}

// divmod64 returns m/d and m%d for d > 0.
func (m u128) divmod64(d uint64) (u128, uint64) {
	if m.hi == 0 {
		return u128{0, m.lo / d}, m.lo % d
	}
	qhi, r := m.hi/d, m.hi%d
	qlo, r := bits.Div64(r, m.lo, d)
	return u128{qhi, qlo}, r
}

// divmod returns m/d and m%d for d != 0, using the normalized-divisor
// estimate from Hacker's Delight (divlu): one 128/64 hardware division gives a
// quotient that is exact or one too small.
func (m u128) divmod(d u128) (u128, u128) {
	if d.hi == 0 {
		q, r := m.divmod64(d.lo)
		return q, u128{0, r}
	}
	n := uint(bits.LeadingZeros64(d.hi))
	d1 := d.shl(n)
	m1 := m.shr(1)
	tq, _ := bits.Div64(m1.hi, m1.lo, d1.hi)
	tq >>= 63 - n
	if tq != 0 {
		tq--
	}
	q := u128{0, tq}
	p, _ := d.mul64(tq)
	r := m.sub(p)
	if r.cmp(d) >= 0 {
		q, _ = q.add64(1)
		r = r.sub(d)
	}
	return q, r
}

func (m u128) shl(n uint) u128 {
	if n == 0 {
		return m
	}
	if n >= 64 {
		return u128{m.lo << (n - 64), 0}
	}
	return u128{m.hi<<n | m.lo>>(64-n), m.lo << n}
}

func (m u128) shr(n uint) u128 {
	if n == 0 {
		return m
	}
	if n >= 64 {
		return u128{0, m.hi >> (n - 64)}
	}
	return u128{m.hi >> n, m.lo>>n | m.hi<<(64-n)}
}

// digits writes m's base-10 digits right-aligned into buf and returns how
// many it wrote (at least one). It peels off 19 digits per 128/64 division,
// so a full 39-digit value costs three divisions.
func (m u128) digits(buf *[40]byte) int {
	const e19 = 10000000000000000000
	i := len(buf)
	for {
		var chunk uint64
		if m.hi == 0 {
			chunk, m = m.lo, u128{}
		} else {
			m, chunk = m.divmod64(e19)
		}
		if m.isZero() {
			for chunk >= 100 { // two digits per division
				d := chunk % 100 * 2
				chunk /= 100
				i -= 2
				buf[i], buf[i+1] = digitPairs[d], digitPairs[d+1]
			}
			if chunk >= 10 {
				i -= 2
				buf[i], buf[i+1] = digitPairs[chunk*2], digitPairs[chunk*2+1]
			} else {
				i--
				buf[i] = byte('0' + chunk)
			}
			return len(buf) - i
		}
		// A middle chunk keeps its leading zeros: exactly 19 digits, nine pairs and one.
		for k := 0; k < 9; k++ {
			d := chunk % 100 * 2
			chunk /= 100
			i -= 2
			buf[i], buf[i+1] = digitPairs[d], digitPairs[d+1]
		}
		i--
		buf[i] = byte('0' + chunk)
	}
}

// digitPairs holds the two digits of 00 to 99, in order: digits writes two at a time.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"
