// Accumulators of the further aggregates: STRING_AGG, the co-moment family (CORR, COVAR_*, REGR_*), ARG_MIN and
// ARG_MAX, BOOL_AND and BOOL_OR, EARLIEST_BY_OFFSET and LATEST_BY_OFFSET. Each follows the contract of rt/aggs.go;
// the quantiles are in quantile.go and APPROX_COUNT_DISTINCT in hll.go.

package rt

import "math"

// StringAgg is STRING_AGG(s, sep): the non-NULL values in arrival order, each preceded by the separator, so that
// merging two states is their concatenation; Result drops the first separator.
type StringAgg struct {
	B []byte
	N int64
}

// Add appends sep and x.
func (a *StringAgg) Add(x, sep string) {
	a.B = append(append(a.B, sep...), x...)
	a.N++
}

// Merge appends o's values, which came later.
func (a *StringAgg) Merge(o *StringAgg) {
	a.B = append(a.B, o.B...)
	a.N += o.N
}

// Result is the values joined by sep; NULL over no values.
func (a *StringAgg) Result(sep string) (string, bool) {
	if a.N == 0 {
		return "", false
	}
	return string(a.B[len(sep):]), true
}

// AppendBinary appends the state's binary form.
func (a *StringAgg) AppendBinary(b []byte) []byte {
	return AppendInt64(AppendString(b, string(a.B)), a.N)
}

// DecodeBinary reads what AppendBinary wrote.
func (a *StringAgg) DecodeBinary(d *BinDecoder) {
	a.B = append(a.B[:0], d.bytes()...)
	a.N = d.Int64()
}

// Comoment is the state of the two-argument statistics f(y, x) over the rows where both are non-NULL: the count,
// the means, the sums of squared deviations of each and the co-moment Σ(x−x̄)(y−ȳ), updated one pair at a time
// as Welford updates a variance (Schubert and Gertz, SSDBM 2018), and merged pairwise.
type Comoment struct {
	N            int64
	MeanX, MeanY float64
	M2X, M2Y     float64
	C            float64
}

// Add folds in one pair.
func (a *Comoment) Add(y, x float64) {
	a.N++
	n := float64(a.N)
	dx := x - a.MeanX
	dy := y - a.MeanY
	a.MeanX += dx / n
	a.MeanY += dy / n
	a.C += dx * (y - a.MeanY)
	a.M2X += dx * (x - a.MeanX)
	a.M2Y += dy * (y - a.MeanY)
}

// Merge folds in o's pairs.
func (a *Comoment) Merge(o *Comoment) {
	switch {
	case o.N == 0:
		return
	case a.N == 0:
		*a = *o
		return
	}
	na, nb := float64(a.N), float64(o.N)
	n := na + nb
	dx, dy := o.MeanX-a.MeanX, o.MeanY-a.MeanY
	w := na * nb / n
	a.C += o.C + dx*dy*w
	a.M2X += o.M2X + dx*dx*w
	a.M2Y += o.M2Y + dy*dy*w
	a.MeanX += dx * nb / n
	a.MeanY += dy * nb / n
	a.N += o.N
}

// varPop is a population variance as DuckDB computes it for these aggregates: 0 for a single value.
func varPop(m2 float64, n int64) float64 {
	if n < 2 {
		return 0
	}
	return m2 / float64(n)
}

// CovarPop is COVAR_POP: C/n; NULL over no pairs.
func (a *Comoment) CovarPop() (float64, bool) {
	if a.N == 0 {
		return 0, false
	}
	return a.C / float64(a.N), true
}

// CovarSamp is COVAR_SAMP: C/(n−1); NULL with fewer than two pairs.
func (a *Comoment) CovarSamp() (float64, bool) {
	if a.N < 2 {
		return 0, false
	}
	return a.C / float64(a.N-1), true
}

// Corr is CORR: COVAR_POP / (STDDEV_POP(x)·STDDEV_POP(y)); NaN when either is constant, NULL over no pairs.
func (a *Comoment) Corr() (float64, bool) {
	if a.N == 0 {
		return 0, false
	}
	sx, sy := math.Sqrt(varPop(a.M2X, a.N)), math.Sqrt(varPop(a.M2Y, a.N))
	if sx*sy == 0 {
		return math.NaN(), true
	}
	return a.C / float64(a.N) / (sx * sy), true
}

// RegrSlope is REGR_SLOPE: COVAR_POP / VAR_POP(x); NaN when x is constant, NULL over no pairs.
func (a *Comoment) RegrSlope() (float64, bool) {
	if a.N == 0 {
		return 0, false
	}
	v := varPop(a.M2X, a.N)
	if v == 0 {
		return math.NaN(), true
	}
	return a.C / float64(a.N) / v, true
}

// RegrIntercept is REGR_INTERCEPT: AVG(y) − REGR_SLOPE·AVG(x); NULL over no pairs or when x is constant.
func (a *Comoment) RegrIntercept() (float64, bool) {
	s, ok := a.RegrSlope()
	if !ok || math.IsNaN(s) {
		return 0, false
	}
	return a.MeanY - s*a.MeanX, true
}

// RegrR2 is REGR_R2: NULL when x is constant (or there are no pairs), 1 when y is, else CORR².
func (a *Comoment) RegrR2() (float64, bool) {
	vx := varPop(a.M2X, a.N)
	if vx == 0 {
		return 0, false
	}
	if varPop(a.M2Y, a.N) == 0 {
		return 1, true
	}
	c, _ := a.Corr()
	return c * c, true
}

// RegrCount is REGR_COUNT: the number of pairs; never NULL.
func (a *Comoment) RegrCount() int64 { return a.N }

// RegrAvgX is REGR_AVGX: the mean of x; NULL over no pairs.
func (a *Comoment) RegrAvgX() (float64, bool) { return a.MeanX, a.N > 0 }

// RegrAvgY is REGR_AVGY: the mean of y; NULL over no pairs.
func (a *Comoment) RegrAvgY() (float64, bool) { return a.MeanY, a.N > 0 }

// RegrSXX is REGR_SXX: Σ(x−x̄)²; NULL over no pairs.
func (a *Comoment) RegrSXX() (float64, bool) { return varPop(a.M2X, a.N) * float64(a.N), a.N > 0 }

// RegrSYY is REGR_SYY: Σ(y−ȳ)²; NULL over no pairs.
func (a *Comoment) RegrSYY() (float64, bool) { return varPop(a.M2Y, a.N) * float64(a.N), a.N > 0 }

// RegrSXY is REGR_SXY: Σ(x−x̄)(y−ȳ); NULL over no pairs.
func (a *Comoment) RegrSXY() (float64, bool) { return a.C, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *Comoment) AppendBinary(b []byte) []byte {
	b = AppendInt64(b, a.N)
	for _, f := range [...]float64{a.MeanX, a.MeanY, a.M2X, a.M2Y, a.C} {
		b = AppendFloat64(b, f)
	}
	return b
}

// DecodeBinary reads what AppendBinary wrote.
func (a *Comoment) DecodeBinary(d *BinDecoder) {
	a.N = d.Int64()
	a.MeanX, a.MeanY, a.M2X, a.M2Y, a.C = d.Float64(), d.Float64(), d.Float64(), d.Float64(), d.Float64()
}

// argBest is the state of ARG_MIN and ARG_MAX: the arg of the row with the best value so far, and that value.
// Rows where either is NULL do not count (generated code calls Add only for the others). Ties keep the earliest
// row, so a merge keeps the receiver's on a tie (the other state read later input).
type argBest[A, V Values] struct {
	A A
	V V
	N int64
}

// keep replaces the best row by x, v, copying strings, which view the record being read.
func (a *argBest[A, V]) keep(x A, v V) { a.A, a.V = ownValue(x), ownValue(v) }

// take replaces the best row by o's when better, and counts o's rows.
func (a *argBest[A, V]) take(o *argBest[A, V], better bool) {
	if o.N > 0 && (a.N == 0 || better) {
		a.A, a.V = o.A, o.V
	}
	a.N += o.N
}

// Result is the arg of the best row; NULL over no rows.
func (a *argBest[A, V]) Result() (A, bool) { return a.A, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *argBest[A, V]) AppendBinary(b []byte) []byte {
	return AppendInt64(appendValue(appendValue(b, a.A), a.V), a.N)
}

// DecodeBinary reads what AppendBinary wrote.
func (a *argBest[A, V]) DecodeBinary(d *BinDecoder) {
	a.A = decodeValue[A](d)
	a.V = decodeValue[V](d)
	a.N = d.Int64()
}

// ownValue copies a string (see Own); other values are returned as they are.
func ownValue[T Values](v T) T {
	if s, ok := any(v).(string); ok {
		return any(Own(s)).(T)
	}
	return v
}

// Ordered is the value types ArgMin and ArgMax compare with < (INT, BIGINT, TIMESTAMP, VARCHAR byte-wise).
type Ordered interface{ ~int32 | ~int64 | ~string }

// ArgMin is ARG_MIN(arg, val) (MIN_BY) for an INT, BIGINT, TIMESTAMP or VARCHAR val.
type ArgMin[A Values, V Ordered] struct{ argBest[A, V] }

// Add folds in one row.
func (a *ArgMin[A, V]) Add(x A, v V) {
	if a.N == 0 || v < a.V {
		a.keep(x, v)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *ArgMin[A, V]) Merge(o *ArgMin[A, V]) { a.take(&o.argBest, o.V < a.V) }

// ArgMax is ARG_MAX(arg, val) (MAX_BY) for an INT, BIGINT, TIMESTAMP or VARCHAR val.
type ArgMax[A Values, V Ordered] struct{ argBest[A, V] }

// Add folds in one row.
func (a *ArgMax[A, V]) Add(x A, v V) {
	if a.N == 0 || v > a.V {
		a.keep(x, v)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *ArgMax[A, V]) Merge(o *ArgMax[A, V]) { a.take(&o.argBest, o.V > a.V) }

// ArgMinFloat is ARG_MIN with a DOUBLE val, in DuckDB's order (NaN above every number).
type ArgMinFloat[A Values] struct{ argBest[A, float64] }

// Add folds in one row.
func (a *ArgMinFloat[A]) Add(x A, v float64) {
	if a.N == 0 || CmpFloat(v, a.V) < 0 {
		a.keep(x, v)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *ArgMinFloat[A]) Merge(o *ArgMinFloat[A]) { a.take(&o.argBest, CmpFloat(o.V, a.V) < 0) }

// ArgMaxFloat is ARG_MAX with a DOUBLE val, in DuckDB's order (NaN above every number).
type ArgMaxFloat[A Values] struct{ argBest[A, float64] }

// Add folds in one row.
func (a *ArgMaxFloat[A]) Add(x A, v float64) {
	if a.N == 0 || CmpFloat(v, a.V) > 0 {
		a.keep(x, v)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *ArgMaxFloat[A]) Merge(o *ArgMaxFloat[A]) { a.take(&o.argBest, CmpFloat(o.V, a.V) > 0) }

// ArgMinDec is ARG_MIN with a DECIMAL val.
type ArgMinDec[A Values] struct{ argBest[A, Int128] }

// Add folds in one row.
func (a *ArgMinDec[A]) Add(x A, v Int128) {
	if a.N == 0 || v.Cmp(a.V) < 0 {
		a.keep(x, v)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *ArgMinDec[A]) Merge(o *ArgMinDec[A]) { a.take(&o.argBest, o.V.Cmp(a.V) < 0) }

// ArgMaxDec is ARG_MAX with a DECIMAL val.
type ArgMaxDec[A Values] struct{ argBest[A, Int128] }

// Add folds in one row.
func (a *ArgMaxDec[A]) Add(x A, v Int128) {
	if a.N == 0 || v.Cmp(a.V) > 0 {
		a.keep(x, v)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *ArgMaxDec[A]) Merge(o *ArgMaxDec[A]) { a.take(&o.argBest, o.V.Cmp(a.V) > 0) }

// BoolAnd is BOOL_AND: true when every non-NULL value is true.
type BoolAnd struct {
	V bool
	N int64
}

// Add folds in x.
func (a *BoolAnd) Add(x bool) {
	a.V = (a.N == 0 || a.V) && x
	a.N++
}

// Merge folds in o.
func (a *BoolAnd) Merge(o *BoolAnd) {
	if o.N > 0 {
		a.V = (a.N == 0 || a.V) && o.V
		a.N += o.N
	}
}

// Result is the conjunction; NULL over no values.
func (a *BoolAnd) Result() (bool, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *BoolAnd) AppendBinary(b []byte) []byte { return AppendInt64(AppendBool(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *BoolAnd) DecodeBinary(d *BinDecoder) { a.V, a.N = d.Bool(), d.Int64() }

// BoolOr is BOOL_OR: true when some non-NULL value is true.
type BoolOr struct {
	V bool
	N int64
}

// Add folds in x.
func (a *BoolOr) Add(x bool) {
	a.V = a.V || x
	a.N++
}

// Merge folds in o.
func (a *BoolOr) Merge(o *BoolOr) {
	a.V = a.V || o.V
	a.N += o.N
}

// Result is the disjunction; NULL over no values.
func (a *BoolOr) Result() (bool, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *BoolOr) AppendBinary(b []byte) []byte { return AppendInt64(AppendBool(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *BoolOr) DecodeBinary(d *BinDecoder) { a.V, a.N = d.Bool(), d.Int64() }

// Earliest is EARLIEST_BY_OFFSET: the first non-NULL value in arrival order (generated code calls Add only for
// non-NULL values). It copies a string only when it keeps it.
type Earliest[T Values] struct {
	V T
	N int64
}

// Add folds in x.
func (a *Earliest[T]) Add(x T) {
	if a.N == 0 {
		a.V = ownValue(x)
	}
	a.N++
}

// Merge folds in o, which read later input.
func (a *Earliest[T]) Merge(o *Earliest[T]) {
	if a.N == 0 {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the first value; NULL over no values.
func (a *Earliest[T]) Result() (T, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *Earliest[T]) AppendBinary(b []byte) []byte { return AppendInt64(appendValue(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *Earliest[T]) DecodeBinary(d *BinDecoder) {
	a.V = decodeValue[T](d)
	a.N = d.Int64()
}

// Latest is LATEST_BY_OFFSET: the last non-NULL value in arrival order (generated code copies strings before
// Add).
type Latest[T Values] struct {
	V T
	N int64
}

// Add folds in x.
func (a *Latest[T]) Add(x T) {
	a.V = x
	a.N++
}

// Merge folds in o, which read later input.
func (a *Latest[T]) Merge(o *Latest[T]) {
	if o.N > 0 {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the last value; NULL over no values.
func (a *Latest[T]) Result() (T, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *Latest[T]) AppendBinary(b []byte) []byte { return AppendInt64(appendValue(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *Latest[T]) DecodeBinary(d *BinDecoder) {
	a.V = decodeValue[T](d)
	a.N = d.Int64()
}
