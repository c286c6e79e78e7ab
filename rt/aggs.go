// Accumulators of the standard aggregates. Each is a state type whose zero value is the empty state, with the
// methods generated code calls: Add (a non-NULL value; false when the state would overflow), Merge (another
// worker's partial state, which read a later part of the input), a result method (false: the result is NULL) and
// the binary form spilling writes (AppendBinary, DecodeBinary; see Codec). Those whose Add can be undone exactly
// have Sub, which a sliding window frame uses to drop the value leaving it. The compiler's function registry names
// the type and methods of every aggregate.

package rt

// Count is COUNT(*) and COUNT(x) (generated code calls Add only for non-NULL x).
type Count struct{ N int64 }

// Add counts one row.
func (a *Count) Add() { a.N++ }

// Sub takes back a row Add counted, as a sliding frame drops it.
func (a *Count) Sub() { a.N-- }

// Merge adds o's count.
func (a *Count) Merge(o *Count) { a.N += o.N }

// Result is the count; never NULL.
func (a *Count) Result() int64 { return a.N }

// AppendBinary appends the state's binary form.
func (a *Count) AppendBinary(b []byte) []byte { return AppendInt64(b, a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *Count) DecodeBinary(d *BinDecoder) { a.N = d.Int64() }

// SumInt64 is SUM of integers: BIGINT, failing on overflow as DuckDB's SUM(BIGINT) does not (see docs/sql.md).
type SumInt64 struct{ S, N int64 }

// Add adds x; false on overflow.
func (a *SumInt64) Add(x int64) bool {
	s, ok := AddInt64(a.S, x)
	a.S = s
	a.N++
	return ok
}

// Merge adds o's sum; false on overflow.
func (a *SumInt64) Merge(o *SumInt64) bool {
	s, ok := AddInt64(a.S, o.S)
	a.S, a.N = s, a.N+o.N
	return ok
}

// Sub takes back a value Add added, as a sliding frame drops it; false on overflow.
func (a *SumInt64) Sub(x int64) bool {
	s, ok := SubInt64(a.S, x)
	a.S = s
	a.N--
	return ok
}

// Result is the sum; NULL over no values.
func (a *SumInt64) Result() (int64, bool) { return a.S, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *SumInt64) AppendBinary(b []byte) []byte { return AppendInt64(AppendInt64(b, a.S), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *SumInt64) DecodeBinary(d *BinDecoder) { a.S, a.N = d.Int64(), d.Int64() }

// SumFloat is SUM of DOUBLEs.
type SumFloat struct {
	S float64
	N int64
}

// Add adds x.
func (a *SumFloat) Add(x float64) { a.S += x; a.N++ }

// Merge adds o's sum.
func (a *SumFloat) Merge(o *SumFloat) { a.S += o.S; a.N += o.N }

// Result is the sum; NULL over no values.
func (a *SumFloat) Result() (float64, bool) { return a.S, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *SumFloat) AppendBinary(b []byte) []byte { return AppendInt64(AppendFloat64(b, a.S), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *SumFloat) DecodeBinary(d *BinDecoder) { a.S, a.N = d.Float64(), d.Int64() }

// SumDec is SUM of DECIMALs (of one scale) in 128 bits.
type SumDec struct {
	S Int128
	N int64
}

// Add adds x; false on overflow.
func (a *SumDec) Add(x Int128) bool {
	s, ok := a.S.Add(x)
	a.S = s
	a.N++
	return ok
}

// Merge adds o's sum; false on overflow.
func (a *SumDec) Merge(o *SumDec) bool {
	s, ok := a.S.Add(o.S)
	a.S, a.N = s, a.N+o.N
	return ok
}

// Sub takes back a value Add added, as a sliding frame drops it; false on overflow.
func (a *SumDec) Sub(x Int128) bool {
	s, ok := a.S.Sub(x)
	a.S = s
	a.N--
	return ok
}

// Result is the sum; NULL over no values.
func (a *SumDec) Result() (Int128, bool) { return a.S, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *SumDec) AppendBinary(b []byte) []byte { return AppendInt64(AppendInt128(b, a.S), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *SumDec) DecodeBinary(d *BinDecoder) { a.S, a.N = d.Int128(), d.Int64() }

// AvgInt is AVG of integers: an exact 128-bit sum, divided as DOUBLE.
type AvgInt struct{ SumDec }

// Add adds x; false on overflow.
func (a *AvgInt) Add(x int64) bool { return a.SumDec.Add(I128(x)) }

// Sub takes back a value Add added; false on overflow.
func (a *AvgInt) Sub(x int64) bool { return a.SumDec.Sub(I128(x)) }

// Merge adds o's sum; false on overflow.
func (a *AvgInt) Merge(o *AvgInt) bool { return a.SumDec.Merge(&o.SumDec) }

// Result is the mean as a DOUBLE; NULL over no values.
func (a *AvgInt) Result() (float64, bool) {
	if a.N == 0 {
		return 0, false
	}
	return DecToFloat(a.S, 0) / float64(a.N), true
}

// AvgFloat is AVG of DOUBLEs.
type AvgFloat struct{ SumFloat }

// Merge adds o's sum.
func (a *AvgFloat) Merge(o *AvgFloat) { a.SumFloat.Merge(&o.SumFloat) }

// Result is the mean; NULL over no values.
func (a *AvgFloat) Result() (float64, bool) {
	if a.N == 0 {
		return 0, false
	}
	return a.S / float64(a.N), true
}

// AvgDec is AVG of DECIMALs: the exact sum divided exactly, rounded half away from zero to the result scale.
type AvgDec struct{ SumDec }

// Merge adds o's sum; false on overflow.
func (a *AvgDec) Merge(o *AvgDec) bool { return a.SumDec.Merge(&o.SumDec) }

// Result is the mean at scale to, of values at scale from; NULL (ok false) over no values; fits false when the
// mean does not fit 38 digits at that scale.
func (a *AvgDec) Result(from, to int32) (v Int128, ok, fits bool) {
	if a.N == 0 {
		return Int128{}, false, true
	}
	v, fits = DecDiv(a.S, from, I128(a.N), 0, to)
	return v, true, fits
}

// Ints is the integer types MinInt and MaxInt keep.
type Ints interface{ ~int32 | ~int64 }

// MinInt is MIN of INT, BIGINT or TIMESTAMP.
type MinInt[T Ints] struct {
	V T
	N int64
}

// Add folds x.
func (a *MinInt[T]) Add(x T) {
	if a.N == 0 || x < a.V {
		a.V = x
	}
	a.N++
}

// Merge folds o.
func (a *MinInt[T]) Merge(o *MinInt[T]) {
	if o.N > 0 && (a.N == 0 || o.V < a.V) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the minimum; NULL over no values.
func (a *MinInt[T]) Result() (T, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MinInt[T]) AppendBinary(b []byte) []byte {
	return AppendInt64(AppendInt64(b, int64(a.V)), a.N)
}

// DecodeBinary reads what AppendBinary wrote.
func (a *MinInt[T]) DecodeBinary(d *BinDecoder) { a.V, a.N = T(d.Int64()), d.Int64() }

// MaxInt is MAX of INT, BIGINT or TIMESTAMP.
type MaxInt[T Ints] struct {
	V T
	N int64
}

// Add folds x.
func (a *MaxInt[T]) Add(x T) {
	if a.N == 0 || x > a.V {
		a.V = x
	}
	a.N++
}

// Merge folds o.
func (a *MaxInt[T]) Merge(o *MaxInt[T]) {
	if o.N > 0 && (a.N == 0 || o.V > a.V) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the maximum; NULL over no values.
func (a *MaxInt[T]) Result() (T, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MaxInt[T]) AppendBinary(b []byte) []byte {
	return AppendInt64(AppendInt64(b, int64(a.V)), a.N)
}

// DecodeBinary reads what AppendBinary wrote.
func (a *MaxInt[T]) DecodeBinary(d *BinDecoder) { a.V, a.N = T(d.Int64()), d.Int64() }

// MinFloat is MIN of DOUBLEs in DuckDB's order (NaN above every number).
type MinFloat struct {
	V float64
	N int64
}

// Add folds x.
func (a *MinFloat) Add(x float64) {
	if a.N == 0 || CmpFloat(x, a.V) < 0 {
		a.V = x
	}
	a.N++
}

// Merge folds o.
func (a *MinFloat) Merge(o *MinFloat) {
	if o.N > 0 && (a.N == 0 || CmpFloat(o.V, a.V) < 0) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the minimum; NULL over no values.
func (a *MinFloat) Result() (float64, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MinFloat) AppendBinary(b []byte) []byte { return AppendInt64(AppendFloat64(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *MinFloat) DecodeBinary(d *BinDecoder) { a.V, a.N = d.Float64(), d.Int64() }

// MaxFloat is MAX of DOUBLEs in DuckDB's order (NaN above every number).
type MaxFloat struct {
	V float64
	N int64
}

// Add folds x.
func (a *MaxFloat) Add(x float64) {
	if a.N == 0 || CmpFloat(x, a.V) > 0 {
		a.V = x
	}
	a.N++
}

// Merge folds o.
func (a *MaxFloat) Merge(o *MaxFloat) {
	if o.N > 0 && (a.N == 0 || CmpFloat(o.V, a.V) > 0) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the maximum; NULL over no values.
func (a *MaxFloat) Result() (float64, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MaxFloat) AppendBinary(b []byte) []byte { return AppendInt64(AppendFloat64(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *MaxFloat) DecodeBinary(d *BinDecoder) { a.V, a.N = d.Float64(), d.Int64() }

// MinDec is MIN of DECIMALs of one scale.
type MinDec struct {
	V Int128
	N int64
}

// Add folds x.
func (a *MinDec) Add(x Int128) {
	if a.N == 0 || x.Cmp(a.V) < 0 {
		a.V = x
	}
	a.N++
}

// Merge folds o.
func (a *MinDec) Merge(o *MinDec) {
	if o.N > 0 && (a.N == 0 || o.V.Cmp(a.V) < 0) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the minimum; NULL over no values.
func (a *MinDec) Result() (Int128, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MinDec) AppendBinary(b []byte) []byte { return AppendInt64(AppendInt128(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *MinDec) DecodeBinary(d *BinDecoder) { a.V, a.N = d.Int128(), d.Int64() }

// MaxDec is MAX of DECIMALs of one scale.
type MaxDec struct {
	V Int128
	N int64
}

// Add folds x.
func (a *MaxDec) Add(x Int128) {
	if a.N == 0 || x.Cmp(a.V) > 0 {
		a.V = x
	}
	a.N++
}

// Merge folds o.
func (a *MaxDec) Merge(o *MaxDec) {
	if o.N > 0 && (a.N == 0 || o.V.Cmp(a.V) > 0) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the maximum; NULL over no values.
func (a *MaxDec) Result() (Int128, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MaxDec) AppendBinary(b []byte) []byte { return AppendInt64(AppendInt128(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *MaxDec) DecodeBinary(d *BinDecoder) { a.V, a.N = d.Int128(), d.Int64() }

// MinStr is MIN of VARCHARs (byte order, as DuckDB's default collation). It copies a value only when it becomes
// the minimum: the strings Add sees view the record being read.
type MinStr struct {
	V string
	N int64
}

// Add folds x.
func (a *MinStr) Add(x string) {
	if a.N == 0 || x < a.V {
		a.V = Own(x)
	}
	a.N++
}

// Merge folds o.
func (a *MinStr) Merge(o *MinStr) {
	if o.N > 0 && (a.N == 0 || o.V < a.V) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the minimum; NULL over no values.
func (a *MinStr) Result() (string, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MinStr) AppendBinary(b []byte) []byte { return AppendInt64(AppendString(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *MinStr) DecodeBinary(d *BinDecoder) { a.V, a.N = d.String(), d.Int64() }

// MaxStr is MAX of VARCHARs; see MinStr.
type MaxStr struct {
	V string
	N int64
}

// Add folds x.
func (a *MaxStr) Add(x string) {
	if a.N == 0 || x > a.V {
		a.V = Own(x)
	}
	a.N++
}

// Merge folds o.
func (a *MaxStr) Merge(o *MaxStr) {
	if o.N > 0 && (a.N == 0 || o.V > a.V) {
		a.V = o.V
	}
	a.N += o.N
}

// Result is the maximum; NULL over no values.
func (a *MaxStr) Result() (string, bool) { return a.V, a.N > 0 }

// AppendBinary appends the state's binary form.
func (a *MaxStr) AppendBinary(b []byte) []byte { return AppendInt64(AppendString(b, a.V), a.N) }

// DecodeBinary reads what AppendBinary wrote.
func (a *MaxStr) DecodeBinary(d *BinDecoder) { a.V, a.N = d.String(), d.Int64() }

// Values is every Go type a SQL value has in generated code.
type Values interface {
	~bool | ~int32 | ~int64 | ~float64 | ~string | Int128
}

// First is FIRST_VALUE in arrival order: the first row's value, NULL included (generated code calls Add for
// every row, with the value's NULL flag, and copies strings before).
type First[T Values] struct {
	V    T
	Null bool
	N    int64
}

// Add folds one row's value.
func (a *First[T]) Add(x T, null bool) {
	if a.N == 0 {
		a.V, a.Null = x, null
	}
	a.N++
}

// Merge folds o, which read later input.
func (a *First[T]) Merge(o *First[T]) {
	if o.N > 0 && a.N == 0 {
		a.V, a.Null = o.V, o.Null
	}
	a.N += o.N
}

// Result is the first value; NULL when it was NULL or there were no rows.
func (a *First[T]) Result() (T, bool) { return a.V, a.N > 0 && !a.Null }

// AppendBinary appends the state's binary form.
func (a *First[T]) AppendBinary(b []byte) []byte {
	return AppendInt64(AppendBool(appendValue(b, a.V), a.Null), a.N)
}

// DecodeBinary reads what AppendBinary wrote.
func (a *First[T]) DecodeBinary(d *BinDecoder) {
	a.V = decodeValue[T](d)
	a.Null, a.N = d.Bool(), d.Int64()
}

// FirstStr is FIRST_VALUE of VARCHARs: First, copying only the value it keeps.
type FirstStr struct{ First[string] }

// Add folds one row's value.
func (a *FirstStr) Add(x string, null bool) {
	if a.N == 0 {
		a.V, a.Null = Own(x), null
	}
	a.N++
}

// Merge folds o, which read later input.
func (a *FirstStr) Merge(o *FirstStr) { a.First.Merge(&o.First) }

// Last is LAST_VALUE in arrival order: the last row's value, NULL included.
type Last[T Values] struct {
	V    T
	Null bool
	N    int64
}

// Add folds one row's value.
func (a *Last[T]) Add(x T, null bool) {
	a.V, a.Null = x, null
	a.N++
}

// Merge folds o, which read later input.
func (a *Last[T]) Merge(o *Last[T]) {
	if o.N > 0 {
		a.V, a.Null = o.V, o.Null
	}
	a.N += o.N
}

// Result is the last value; NULL when it was NULL or there were no rows.
func (a *Last[T]) Result() (T, bool) { return a.V, a.N > 0 && !a.Null }

// AppendBinary appends the state's binary form.
func (a *Last[T]) AppendBinary(b []byte) []byte {
	return AppendInt64(AppendBool(appendValue(b, a.V), a.Null), a.N)
}

// DecodeBinary reads what AppendBinary wrote.
func (a *Last[T]) DecodeBinary(d *BinDecoder) {
	a.V = decodeValue[T](d)
	a.Null, a.N = d.Bool(), d.Int64()
}

// appendValue appends v by the helper of its Go type.
func appendValue[T Values](b []byte, v T) []byte {
	switch x := any(v).(type) {
	case bool:
		return AppendBool(b, x)
	case int32:
		return AppendInt32(b, x)
	case int64:
		return AppendInt64(b, x)
	case float64:
		return AppendFloat64(b, x)
	case string:
		return AppendString(b, x)
	case Int128:
		return AppendInt128(b, x)
	}
	panic("rt: appendValue of an unnamed type")
}

// decodeValue reads what appendValue wrote.
func decodeValue[T Values](d *BinDecoder) T {
	var v T
	switch p := any(&v).(type) {
	case *bool:
		*p = d.Bool()
	case *int32:
		*p = d.Int32()
	case *int64:
		*p = d.Int64()
	case *float64:
		*p = d.Float64()
	case *string:
		*p = d.String()
	case *Int128:
		*p = d.Int128()
	}
	return v
}

// AppendBinary appends the accumulator's binary form.
func (w *Welford) AppendBinary(b []byte) []byte { return AppendWelford(b, w) }

// DecodeBinary reads what AppendBinary wrote.
func (w *Welford) DecodeBinary(d *BinDecoder) { d.Welford(w) }

// Opt is a SQL value with its NULL flag, as window functions keep values in frames, LAG and LEAD.
type Opt[T any] struct {
	V    T
	Null bool
}
