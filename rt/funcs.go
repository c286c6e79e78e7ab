// Scalar functions whose SQL semantics take more than one standard library call: the function registry
// (compiler/builtins.go) binds overloads to these.

package rt

import "math"

// AbsInt32 is ABS(INT); false when |x| does not fit (x = MinInt32).
func AbsInt32(x int32) (int32, bool) {
	if x < 0 {
		return NegInt32(x)
	}
	return x, true
}

// AbsInt64 is ABS(BIGINT); false when |x| does not fit (x = MinInt64).
func AbsInt64(x int64) (int64, bool) {
	if x < 0 {
		return NegInt64(x)
	}
	return x, true
}

// DecAbs is ABS(DECIMAL).
func DecAbs(x Int128) Int128 {
	if x.Sign() < 0 {
		return x.Neg()
	}
	return x
}

// RoundInt64 is ROUND(BIGINT, n): for n < 0, to a multiple of 10^-n, halves away from zero; false on overflow.
func RoundInt64(x int64, n int64) (int64, bool) {
	if n >= 0 {
		return x, true
	}
	return DecRound(I128(x), 0, int32(max(n, -40))).Int64()
}

// RoundInt32 is ROUND(INT, n); see RoundInt64.
func RoundInt32(x int32, n int64) (int32, bool) {
	w, ok := RoundInt64(int64(x), n)
	if !ok || w < math.MinInt32 || w > math.MaxInt32 {
		return 0, false
	}
	return int32(w), true
}

// RoundDec is ROUND(DECIMAL(·,s), n) at result scale to and precision p; false when it does not fit.
func RoundDec(x Int128, n int64, s, to, p int32) (Int128, bool) {
	v, ok := DecRescale(DecRound(x, s, int32(max(min(n, 40), -40))), s, to)
	return v, ok && DecFits(v, p)
}

// RoundDouble is ROUND(DOUBLE, n).
func RoundDouble(x float64, n int64) float64 { return RoundFloat(x, int32(max(min(n, 400), -400))) }

// SubstringFrom is SUBSTRING(s, start): from the start-th character (1-based) to the end.
func SubstringFrom(s string, start int64) string { return Substring(s, start, 0, false) }

// SubstringFor is SUBSTRING(s, start, length).
func SubstringFor(s string, start, length int64) string { return Substring(s, start, length, true) }
