// Nested values: STRUCT, ARRAY and MAP. A STRUCT is a generated Go struct (each field with its NULL flag, as a
// record's columns); an ARRAY a slice of Opt, each element with its NULL flag; a MAP a slice of Entry in the order
// its keys came, which small maps search faster than a hash table and which keeps their order in the output, as
// DuckDB does. Decoders build them fresh for each record (strings owned), so a value can be kept past its record.

package rt

import (
	"math"
	"strconv"
)

// Entry is one key and value of a MAP; the key is never NULL.
type Entry[K comparable, V any] struct {
	Key  K
	Val  V
	Null bool
}

// At returns the element of a at the 1-based index i (from the end when negative: -1 is the last), and whether it
// is NULL: out of range, or a NULL element.
func At[T any](a []Opt[T], i int64) (T, bool) {
	if i < 0 {
		i += int64(len(a)) + 1
	}
	if i < 1 || i > int64(len(a)) {
		var zero T
		return zero, true
	}
	e := a[i-1]
	return e.V, e.Null
}

// Lookup returns the value of m for key k, and whether it is NULL: no such key, or a NULL value.
func Lookup[K comparable, V any](m []Entry[K, V], k K) (V, bool) {
	for i := range m {
		if m[i].Key == k {
			return m[i].Val, m[i].Null
		}
	}
	var zero V
	return zero, true
}

// AppendJSONString appends s as a JSON string, escaped as the JSON sink escapes strings.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }

// AppendJSONFloat appends a DOUBLE in its shortest round-tripping form; JSON has no NaN or infinities, which are
// null, as in a JSON sink's columns.
func AppendJSONFloat(dst []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// AppendJSONTimestamp appends a TIMESTAMP as the sink writes its columns: epoch milliseconds, or RFC 3339 text.
func AppendJSONTimestamp(dst []byte, ms int64, rfc3339 bool) []byte {
	if !rfc3339 {
		return strconv.AppendInt(dst, ms, 10)
	}
	dst = append(dst, '"')
	dst = AppendTimestamp(dst, ms, true)
	return append(dst, '"')
}

// Nested returns the row's buffer for the JSON text of a nested value, emptied, and whether the sink writes
// timestamps as RFC 3339 text. The text goes to the row with JSON.
func (r *Row) Nested() (*[]byte, bool) {
	r.nested = r.nested[:0]
	return &r.nested, r.s.rfc3339
}

// JSON writes a nested value given as its JSON text: as it is in a JSON row, as a CSV field holding the text.
func (r *Row) JSON(text []byte, null bool) {
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	if r.s.format == FormatJSONL {
		r.buf = append(r.buf, text...)
	} else {
		r.buf = appendCSVField(r.buf, view(text), r.s.delim)
	}
}

// AppendJSONKeyInt32 appends an INT key of a MAP as a JSON object's key.
func AppendJSONKeyInt32(dst []byte, k int32) []byte { return AppendJSONKeyInt64(dst, int64(k)) }

// AppendJSONKeyInt64 appends a BIGINT key of a MAP as a JSON object's key.
func AppendJSONKeyInt64(dst []byte, k int64) []byte {
	dst = append(dst, '"')
	dst = strconv.AppendInt(dst, k, 10)
	return append(dst, '"')
}
