// Math functions with DuckDB's domain rules: SIGN, the logarithms (errors on zero and negative arguments) and
// TRUNC on every numeric type.

package rt

import (
	"errors"
	"math"
)

// The logarithms' domain errors, worded as DuckDB's.
var (
	errLogZero     = errors.New("cannot take logarithm of zero")
	errLogNegative = errors.New("cannot take logarithm of a negative number")
	errLogBaseOne  = errors.New("division by zero in based logarithm")
)

// SignInt32 is SIGN(INT): -1, 0 or 1.
func SignInt32(x int32) int32 { return SignInt64(int64(x)) }

// SignInt64 is SIGN(BIGINT).
func SignInt64(x int64) int32 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// SignFloat is SIGN(DOUBLE); NaN and -0.0 are 0, as in DuckDB.
func SignFloat(x float64) int32 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// SignDec is SIGN(DECIMAL).
func SignDec(x Int128) int32 { return int32(x.Sign()) }

// logDomain checks x for a logarithm: zero (either sign) and negative numbers are errors; NaN passes.
func logDomain(x float64) error {
	switch {
	case x == 0:
		return errLogZero
	case x < 0:
		return errLogNegative
	}
	return nil
}

// Ln is LN(x), the natural logarithm; an error for x ≤ 0.
func Ln(x float64) (float64, error) {
	if err := logDomain(x); err != nil {
		return 0, err
	}
	return math.Log(x), nil
}

// Log10 is LOG10(x) and LOG(x); an error for x ≤ 0.
func Log10(x float64) (float64, error) {
	if err := logDomain(x); err != nil {
		return 0, err
	}
	return math.Log10(x), nil
}

// Log2 is LOG2(x); an error for x ≤ 0.
func Log2(x float64) (float64, error) {
	if err := logDomain(x); err != nil {
		return 0, err
	}
	return math.Log2(x), nil
}

// LogBase is LOG(b, x) = ln x / ln b. The base is checked first (≤ 0, then 1), then x, in DuckDB's order.
func LogBase(b, x float64) (float64, error) {
	if err := logDomain(b); err != nil {
		return 0, err
	}
	lb := math.Log(b)
	if lb == 0 {
		return 0, errLogBaseOne
	}
	if err := logDomain(x); err != nil {
		return 0, err
	}
	return math.Log(x) / lb, nil
}

// TruncFloat is TRUNC(x, n) for DOUBLE: x×10^n cut toward zero, divided by 10^n (for n < 0, x/10^-n cut and
// multiplied back). When the scaling overflows, x comes back unchanged, as in DuckDB.
func TruncFloat(x float64, n int64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	n = max(min(n, 400), -400)
	var r float64
	if n >= 0 {
		m := math.Pow10(int(n))
		r = math.Trunc(x*m) / m
	} else {
		m := math.Pow10(int(-n))
		r = math.Trunc(x/m) * m
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return x
	}
	return r
}

// TruncInt64 is TRUNC(BIGINT, n): for n < 0, toward zero to a multiple of 10^-n; it cannot overflow.
func TruncInt64(x int64, n int64) int64 {
	if n >= 0 {
		return x
	}
	if n < -18 {
		return 0
	}
	p := int64(pow10[-n].lo)
	return x / p * p
}

// TruncInt32 is TRUNC(INT, n).
func TruncInt32(x int32, n int64) int32 { return int32(TruncInt64(int64(x), n)) }

// TruncDec is TRUNC(DECIMAL(·,s), n) at result scale to (min(s, max(n, 0))): the digits below 10^-n dropped.
func TruncDec(x Int128, n int64, s, to int32) Int128 {
	d := int64(s) - max(min(n, 38), -40) // digits to drop
	if d <= 0 {
		return x
	}
	q, _ := divPow10Trunc(x.abs(), int32(min(d, 39)))
	v := q.signed(x.Hi < 0)
	// v has scale s-d; bring it to scale to (≥ s-d), which cannot overflow: |v|×10^k ≤ |x|.
	r, _ := DecRescale(v, int32(int64(s)-d), to)
	return r
}
