// Exact conversions for key lookups: a value compared with a table's key column in a wider type (a BIGINT with an
// INT key, a DECIMAL of another scale) finds a row only through the key value equal to it, if there is one.

package rt

import "math"

// ExactInt32 returns v as an INT when it is in INT's range.
func ExactInt32(v int64) (int32, bool) {
	return int32(v), v >= math.MinInt32 && v <= math.MaxInt32
}

// ExactDec returns v, a DECIMAL of scale from, as a DECIMAL(p, to) when it has exactly such a value: lowering the
// scale drops only zeros, and the result has at most p digits.
func ExactDec(v Int128, from, p, to int32) (Int128, bool) {
	if to < from {
		back, _ := DecRescale(v, from, to)
		if again, ok := DecRescale(back, to, from); !ok || again != v {
			return Int128{}, false
		}
		return back, DecFits(back, p)
	}
	r, ok := DecRescale(v, from, to)
	return r, ok && DecFits(r, p)
}

// ExactDecInt64 returns v, a DECIMAL of scale s, as a BIGINT when it is a whole number in BIGINT's range.
func ExactDecInt64(v Int128, s int32) (int64, bool) {
	w, ok := ExactDec(v, s, 38, 0)
	if !ok {
		return 0, false
	}
	return w.Int64()
}

// ExactFloatInt64 returns f as a BIGINT when it is a whole number in BIGINT's range.
func ExactFloatInt64(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}
