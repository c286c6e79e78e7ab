// DOUBLE math with DuckDB semantics, and Welford's running variance.

package rt

import (
	"math"
	"strconv"
	"strings"
)

// RoundFloat implements ROUND(x, n) for DOUBLE exactly as DuckDB does: for
// n ≥ 0 it computes round(x × 10^n) / 10^n, for n < 0 round(x / 10^-n) ×
// 10^-n, with ties away from zero. Ties are judged on the scaled binary
// product, so RoundFloat(2.5, 0) is 3 but RoundFloat(1.005, 2) is 1 (1.005 is
// stored as 1.00499999999999989…), which is what DuckDB prints too.
// NaN and ±Inf come back unchanged; an n so large that 10^n overflows also
// returns x, and an n so negative that everything rounds away returns ±0.
func RoundFloat(x float64, n int32) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if n >= 0 {
		m := math.Pow10(int(n))
		r := math.Round(x*m) / m
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return x
		}
		return r
	}
	m := math.Pow10(-int(n))
	r := math.Round(x/m) * m
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return math.Copysign(0, x)
	}
	return r
}

// ModFloat returns the remainder of a/b with the sign of a (math.Mod), the
// DOUBLE counterpart of ModInt64; a zero b yields NaN.
func ModFloat(a, b float64) float64 { return math.Mod(a, b) }

// Welford accumulates count, mean and M2 for STDDEV/VARIANCE (sample and
// population) with Welford's algorithm. Updating a running mean avoids the
// catastrophic cancellation of the textbook Σx² − (Σx)²/n formula, which
// loses every digit when the values are large and close together (prices,
// timestamps). The zero value is an empty accumulator.
type Welford struct {
	N    int64
	Mean float64
	M2   float64 // sum of squared deviations from the current mean
}

// Add folds x into the accumulator.
func (w *Welford) Add(x float64) {
	w.N++
	d := x - w.Mean
	w.Mean += d / float64(w.N)
	w.M2 += d * (x - w.Mean)
}

// VarSamp returns the sample variance M2/(N-1) (VAR_SAMP, VARIANCE); ok is
// false, meaning NULL, when N < 2.
func (w *Welford) VarSamp() (float64, bool) {
	if w.N < 2 {
		return 0, false
	}
	return w.M2 / float64(w.N-1), true
}

// VarPop returns the population variance M2/N (VAR_POP); ok is false, meaning
// NULL, when N == 0.
func (w *Welford) VarPop() (float64, bool) {
	if w.N == 0 {
		return 0, false
	}
	return w.M2 / float64(w.N), true
}

// StddevSamp returns the square root of VarSamp (STDDEV_SAMP, STDDEV).
func (w *Welford) StddevSamp() (float64, bool) {
	v, ok := w.VarSamp()
	return math.Sqrt(v), ok
}

// StddevPop returns the square root of VarPop (STDDEV_POP).
func (w *Welford) StddevPop() (float64, bool) {
	v, ok := w.VarPop()
	return math.Sqrt(v), ok
}

// FormatDouble renders a DOUBLE as text the way DuckDB casts it to VARCHAR (Python's repr): the shortest digits
// that round-trip, in fixed notation with at least one fractional digit when the decimal exponent is in [-4, 16)
// ("100.0", "0.0001"), otherwise in scientific notation with a signed, at least two-digit exponent ("1e+16",
// "1.5e-05"); "nan", "inf" and "-inf" for the special values.
func FormatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // "-1.2345e+06"
	i := strings.LastIndexByte(e, 'e')
	exp, _ := strconv.Atoi(e[i+1:])
	if exp >= -4 && exp < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.ContainsRune(s, '.') {
			s += ".0"
		}
		return s
	}
	mant, sign, digits := e[:i], "+", e[i+1:]
	if digits[0] == '-' || digits[0] == '+' {
		sign, digits = digits[:1], digits[1:]
	}
	if len(digits) < 2 {
		digits = "0" + digits
	}
	return mant + "e" + sign + digits
}

// CmpFloat compares DOUBLEs in DuckDB's total order: -1, 0 or +1. NaN equals NaN and is greater than every other
// value (so NaN > 0 is true and NaN = NaN holds, unlike IEEE 754); -0 equals 0.
func CmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	aNaN, bNaN := a != a, b != b
	switch {
	case aNaN && bNaN:
		return 0
	case aNaN:
		return 1
	}
	return -1
}

// FloatKey maps a DOUBLE to the bits GROUP BY and DISTINCT compare: every NaN to one NaN and -0 to 0, so that
// they form one group, as in DuckDB (Go map keys would make each NaN a group of its own).
func FloatKey(f float64) uint64 {
	switch {
	case f != f:
		return 0x7ff8000000000001
	case f == 0:
		return 0
	}
	return math.Float64bits(f)
}

// FloatFromKey turns a FloatKey back into the DOUBLE it stands for.
func FloatFromKey(k uint64) float64 { return math.Float64frombits(k) }

// Merge folds o into w as if w had seen o's values after its own (the pairwise update of Chan, Golub and
// LeVeque), for partial aggregates of --workers.
func (w *Welford) Merge(o *Welford) {
	if o.N == 0 {
		return
	}
	if w.N == 0 {
		*w = *o
		return
	}
	n := w.N + o.N
	d := o.Mean - w.Mean
	w.Mean += d * float64(o.N) / float64(n)
	w.M2 += o.M2 + d*d*float64(w.N)*float64(o.N)/float64(n)
	w.N = n
}
