// Exact quantiles: MEDIAN, QUANTILE_CONT, QUANTILE_DISC, PERCENTILE_CONT and PERCENTILE_DISC keep every value of
// the group and select from them when the result is read, with DuckDB's index and interpolation rules.

package rt

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
)

// Quantile keeps the values of a group for QUANTILE_DISC (and MEDIAN of a VARCHAR or BOOLEAN). Its memory grows
// with the group: one value per non-NULL input row. Strings are copied by generated code before Add.
type Quantile[T Values] struct {
	V      []T
	sorted bool // V is sorted ascending (a result read it and nothing was added since)
}

// Add keeps x.
func (a *Quantile[T]) Add(x T) {
	a.V = append(a.V, x)
	a.sorted = false
}

// Merge takes o's values.
func (a *Quantile[T]) Merge(o *Quantile[T]) {
	if len(o.V) > 0 {
		a.V = append(a.V, o.V...)
		a.sorted = false
	}
}

// sort orders the values ascending in DuckDB's order (NaN above every number, false before true, strings byte-wise).
func (a *Quantile[T]) sort() {
	if !a.sorted {
		slices.SortFunc(a.V, compareFunc[T]())
		a.sorted = true
	}
}

// at is the i-th value in ascending order, or in descending order when desc.
func (a *Quantile[T]) at(i int, desc bool) T {
	if desc {
		return a.V[len(a.V)-1-i]
	}
	return a.V[i]
}

// Disc is QUANTILE_DISC: the value at index max(ceil(n·q), 1) − 1 of the sorted values (descending when desc).
// A fraction written as a DECIMAL constant is num/den and computed exactly, as DuckDB does; den 0 means the
// fraction is the DOUBLE f. NULL over no values.
func (a *Quantile[T]) Disc(num, den int64, f float64, desc bool) (T, bool) {
	var zero T
	n := len(a.V)
	if n == 0 {
		return zero, false
	}
	a.sort()
	return a.at(DiscIndex(int64(n), num, den, f), desc), true
}

// DiscIndex is the index QUANTILE_DISC reads among n sorted values for the fraction num/den (den > 0), or f
// (den 0): n − floor(n − n·q), at least 1, minus one.
func DiscIndex(n, num, den int64, f float64) int {
	var floored int64
	if den > 0 {
		// floor((n·den − n·num) / den), exactly, in 128 bits; 0 ≤ num ≤ den.
		hi, lo := bits.Mul64(uint64(n), uint64(den-num))
		q, _ := bits.Div64(hi, lo, uint64(den))
		floored = int64(q)
	} else {
		floored = int64(math.Floor(float64(n) - float64(n)*f))
	}
	return int(max(n-floored, 1) - 1)
}

// contIndex is the position (n−1)·f between the values QUANTILE_CONT interpolates: the lower and upper index
// and the weight of the upper one.
func contIndex(n int, f float64) (lo, hi int, d float64) {
	rn := float64(n-1) * f
	lo, hi = int(math.Floor(rn)), int(math.Ceil(rn))
	return lo, hi, rn - float64(lo)
}

// AppendBinary appends the state's binary form: the count, then each value.
func (a *Quantile[T]) AppendBinary(b []byte) []byte {
	b = AppendInt64(b, int64(len(a.V)))
	for _, v := range a.V {
		b = appendValue(b, v)
	}
	return b
}

// DecodeBinary reads what AppendBinary wrote.
func (a *Quantile[T]) DecodeBinary(d *BinDecoder) {
	n := d.Int64()
	if n < 0 || n > int64(len(d.b)) { // every value takes a byte at least
		d.fail()
		return
	}
	a.V, a.sorted = make([]T, 0, n), false
	for i := int64(0); i < n && d.err == nil; i++ {
		a.V = append(a.V, decodeValue[T](d))
	}
}

// compareFunc is DuckDB's order on T.
func compareFunc[T Values]() func(a, b T) int {
	var f any
	switch any(*new(T)).(type) {
	case bool:
		f = func(a, b bool) int {
			switch {
			case a == b:
				return 0
			case b:
				return -1
			}
			return 1
		}
	case int32:
		f = cmp.Compare[int32]
	case int64:
		f = cmp.Compare[int64]
	case float64:
		f = CmpFloat
	case string:
		f = strings.Compare
	case Int128:
		f = func(a, b Int128) int { return a.Cmp(b) }
	}
	return f.(func(a, b T) int)
}

// QuantileFloat is QUANTILE_CONT and MEDIAN of numbers other than DECIMAL, kept as DOUBLEs.
type QuantileFloat struct{ Quantile[float64] }

// Merge takes o's values.
func (a *QuantileFloat) Merge(o *QuantileFloat) { a.Quantile.Merge(&o.Quantile) }

// Cont is QUANTILE_CONT with fraction f: lo·(1−d) + hi·d between the values around position (n−1)·f of the sorted
// values (descending when desc). NULL over no values.
func (a *QuantileFloat) Cont(f float64, desc bool) (float64, bool) {
	n := len(a.V)
	if n == 0 {
		return 0, false
	}
	a.sort()
	i, j, d := contIndex(n, f)
	lo := a.at(i, desc)
	if i == j {
		return lo, true
	}
	return lo*(1-d) + a.at(j, desc)*d, true
}

// QuantileDec is QUANTILE_CONT and MEDIAN of DECIMALs, whose result keeps the argument's type.
type QuantileDec struct{ Quantile[Int128] }

// Merge takes o's values.
func (a *QuantileDec) Merge(o *QuantileDec) { a.Quantile.Merge(&o.Quantile) }

// Cont is QUANTILE_CONT with fraction f of unscaled DECIMALs, interpolated as DuckDB does for the width it stores
// the type in: for a precision up to 18 (wide false) lo + trunc((hi−lo)·d), else trunc(lo·(1−d) + hi·d) in
// DOUBLE. NULL over no values.
func (a *QuantileDec) Cont(f float64, desc, wide bool) (Int128, bool) {
	n := len(a.V)
	if n == 0 {
		return Int128{}, false
	}
	a.sort()
	i, j, d := contIndex(n, f)
	lo := a.at(i, desc)
	if i == j {
		return lo, true
	}
	hi := a.at(j, desc)
	if !wide {
		l, h := int64(lo.Lo), int64(hi.Lo) // both fit 18 digits
		return I128(l + int64(float64(h-l)*d)), true
	}
	v := DecToFloat(lo, 0)*(1-d) + DecToFloat(hi, 0)*d
	r, _ := floatToInt128(v)
	return r, true
}

// floatToInt128 truncates v toward zero; false when it does not fit.
func floatToInt128(v float64) (Int128, bool) {
	if v != v || math.Abs(v) >= 0x1p127 {
		return Int128{}, false
	}
	neg := v < 0
	v = math.Trunc(math.Abs(v))
	hi := math.Floor(v / 0x1p64)
	r := Int128{Hi: int64(hi), Lo: uint64(v - hi*0x1p64)}
	if neg {
		r = r.Neg()
	}
	return r, true
}

// QuantileTime is QUANTILE_CONT and MEDIAN of TIMESTAMPs (epoch milliseconds).
type QuantileTime struct{ Quantile[int64] }

// Merge takes o's values.
func (a *QuantileTime) Merge(o *QuantileTime) { a.Quantile.Merge(&o.Quantile) }

// Cont is QUANTILE_CONT with fraction f of TIMESTAMPs: lo·(1−d) + hi·d rounded half away from zero to the
// millisecond. NULL over no values.
func (a *QuantileTime) Cont(f float64, desc bool) (int64, bool) {
	n := len(a.V)
	if n == 0 {
		return 0, false
	}
	a.sort()
	i, j, d := contIndex(n, f)
	lo := a.at(i, desc)
	if i == j {
		return lo, true
	}
	return int64(math.Round(float64(lo)*(1-d) + float64(a.at(j, desc))*d)), true
}
