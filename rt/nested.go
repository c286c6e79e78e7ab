// Nested values: STRUCT, ARRAY and MAP. A STRUCT is a generated Go struct (each field with its NULL flag, as a
// record's columns); an ARRAY a slice of Opt, each element with its NULL flag; a MAP a slice of Entry in the order
// its keys came, which small maps search faster than a hash table and which keeps their order in the output, as
// DuckDB does. Decoders build them fresh for each record (strings owned), so a value can be kept past its record.

package rt

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
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

// AppendJSONText appends s as a JSON string as DuckDB's to_json writes it: U+2028 and U+2029 as they are.
func AppendJSONText(dst []byte, s string) []byte { return appendJSON(dst, s, false) }

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

// Len is an ARRAY's number of elements, NULL elements included (CARDINALITY, LEN).
func Len[T any](a []Opt[T]) int64 { return int64(len(a)) }

// MapLen is a MAP's number of entries.
func MapLen[K comparable, V any](m []Entry[K, V]) int64 { return int64(len(m)) }

// Contains reports whether a non-NULL element of a equals v (ARRAY_CONTAINS).
func Contains[T comparable](a []Opt[T], v T) bool {
	_, found := ArrayPosition(a, v)
	return found
}

// ArrayPosition is the 1-based index of the first non-NULL element of a that equals v; false when there is none
// (ARRAY_POSITION, NULL then). NaN equals NaN, as in DuckDB (v != v holds only for a NaN).
func ArrayPosition[T comparable](a []Opt[T], v T) (int64, bool) {
	nan := v != v
	for i := range a {
		if !a[i].Null && (a[i].V == v || nan && a[i].V != a[i].V) {
			return int64(i + 1), true
		}
	}
	return 0, false
}

// MapKeys is the keys of m, in its order (MAP_KEYS).
func MapKeys[K comparable, V any](m []Entry[K, V]) []Opt[K] {
	out := make([]Opt[K], len(m))
	for i := range m {
		out[i].V = m[i].Key
	}
	return out
}

// MapValues is the values of m, in its order, NULLs included (MAP_VALUES).
func MapValues[K comparable, V any](m []Entry[K, V]) []Opt[V] {
	out := make([]Opt[V], len(m))
	for i := range m {
		out[i] = Opt[V]{V: m[i].Val, Null: m[i].Null}
	}
	return out
}

// MapPut adds the entry e to the MAP m, or, when m has its key, sets that entry's value (a MAP cast whose converted
// keys repeat, as DuckDB keeps the first one's place and the last one's value).
func MapPut[K comparable, V any](m []Entry[K, V], e Entry[K, V]) []Entry[K, V] {
	for i := range m {
		if m[i].Key == e.Key {
			m[i].Val, m[i].Null = e.Val, e.Null
			return m
		}
	}
	return append(m, e)
}

// MapHas reports whether m has the key k (MAP_CONTAINS_KEY).
func MapHas[K comparable, V any](m []Entry[K, V], k K) bool {
	for i := range m {
		if m[i].Key == k {
			return true
		}
	}
	return false
}

// Slice is the elements of a from begin to end, both included, counted from 1 (from the end when negative), as
// DuckDB's list_slice; empty when the range holds none (ARRAY_SLICE).
func Slice[T any](a []Opt[T], begin, end int64) []Opt[T] {
	n := int64(len(a))
	if begin < 0 {
		begin += n + 1
	}
	if end < 0 {
		end += n + 1
	}
	begin, end = max(begin, 1), min(end, n)
	if begin > end {
		return []Opt[T]{}
	}
	return a[begin-1 : end : end]
}

// Concat is a's elements, then b's; a NULL array counts as empty, so the result is never NULL, as DuckDB's
// list_concat (ARRAY_CONCAT).
func Concat[T any](a []Opt[T], aNull bool, b []Opt[T], bNull bool) ([]Opt[T], bool) {
	if aNull {
		a = nil
	}
	if bNull {
		b = nil
	}
	return append(append(make([]Opt[T], 0, len(a)+len(b)), a...), b...), true
}

// MapFromArrays is the MAP of keys[i] to values[i] (MAP(keys, values)); the arrays must be as long as each other,
// and the keys distinct and not NULL.
func MapFromArrays[K comparable, V any](keys []Opt[K], values []Opt[V]) ([]Entry[K, V], error) {
	if len(keys) != len(values) {
		return nil, fmt.Errorf("MAP: %d keys for %d values", len(keys), len(values))
	}
	m := make([]Entry[K, V], 0, len(keys))
	for i, k := range keys {
		if k.Null {
			return nil, errors.New("MAP: a key is NULL")
		}
		if MapHas(m, k.V) {
			return nil, errors.New("MAP: its keys must be distinct")
		}
		m = append(m, Entry[K, V]{Key: k.V, Val: values[i].V, Null: values[i].Null})
	}
	return m, nil
}

// SortArray is a's elements in ascending order, NULLs last, as DuckDB's list_sort (ARRAY_SORT).
func SortArray[T cmp.Ordered](a []Opt[T]) []Opt[T] {
	return sortOpts(a, func(x, y T) int { return cmp.Compare(x, y) })
}

// SortDecimals is SortArray for DECIMAL elements.
func SortDecimals(a []Opt[Int128]) []Opt[Int128] { return sortOpts(a, Int128.Cmp) }

// SortBools is SortArray for BOOLEAN elements: false first.
func SortBools(a []Opt[bool]) []Opt[bool] {
	return sortOpts(a, func(x, y bool) int {
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	})
}

func sortOpts[T any](a []Opt[T], c func(T, T) int) []Opt[T] {
	out := slices.Clone(a)
	slices.SortStableFunc(out, func(x, y Opt[T]) int {
		switch {
		case x.Null && y.Null:
			return 0
		case x.Null:
			return 1
		case y.Null:
			return -1
		}
		return c(x.V, y.V)
	})
	return out
}

// ArrayDistinct is a's distinct non-NULL elements, in the order they first come (ARRAY_DISTINCT; DuckDB drops NULLs
// too, and its order is not defined).
func ArrayDistinct[T comparable](a []Opt[T]) []Opt[T] {
	out := make([]Opt[T], 0, len(a))
	for _, e := range a {
		if !e.Null && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// JoinStrings is the non-NULL elements of a joined by sep: "" for an empty array, and false (NULL) for one whose
// elements are all NULL, as in DuckDB (ARRAY_TO_STRING).
func JoinStrings(a []Opt[string], sep string) (string, bool) {
	var b strings.Builder
	first := true
	for _, e := range a {
		if e.Null {
			continue
		}
		if !first {
			b.WriteString(sep)
		}
		b.WriteString(e.V)
		first = false
	}
	return b.String(), !first || len(a) == 0
}

// JoinInts is JoinStrings for integer elements, written in decimal.
func JoinInts[T int32 | int64](a []Opt[T], sep string) (string, bool) {
	var b []byte
	first := true
	for _, e := range a {
		if e.Null {
			continue
		}
		if !first {
			b = append(b, sep...)
		}
		b = strconv.AppendInt(b, int64(e.V), 10)
		first = false
	}
	return string(b), !first || len(a) == 0
}

// List is LIST / ARRAY_AGG / COLLECT_LIST: every row's value in arrival order, NULLs included (generated code calls
// Add for every row, with the value's NULL flag, and copies strings before).
type List[T Values] struct{ V []Opt[T] }

// Add folds one row's value.
func (a *List[T]) Add(x T, null bool) { a.V = append(a.V, Opt[T]{V: x, Null: null}) }

// Merge folds o, which read later input.
func (a *List[T]) Merge(o *List[T]) { a.V = append(a.V, o.V...) }

// Result is the values; NULL when there were no rows. The array is the state's: it is written, never changed.
func (a *List[T]) Result() ([]Opt[T], bool) { return a.V, len(a.V) > 0 }

// AppendBinary appends the state's binary form.
func (a *List[T]) AppendBinary(b []byte) []byte { return appendOpts(b, a.V) }

// DecodeBinary reads what AppendBinary wrote.
func (a *List[T]) DecodeBinary(d *BinDecoder) { a.V = decodeOpts[T](d) }

// Set is COLLECT_SET: the distinct non-NULL values, in the order they first came.
type Set[T Values] struct{ V []Opt[T] }

// Add folds one row's value.
func (a *Set[T]) Add(x T, null bool) {
	if !null && !slices.Contains(a.V, Opt[T]{V: x}) {
		a.V = append(a.V, Opt[T]{V: x})
	}
}

// Merge folds o, which read later input.
func (a *Set[T]) Merge(o *Set[T]) {
	for _, e := range o.V {
		a.Add(e.V, false)
	}
}

// Result is the values; NULL when no value was seen, as DuckDB's list_distinct(list(x)) is over no rows.
func (a *Set[T]) Result() ([]Opt[T], bool) {
	if a.V == nil {
		return []Opt[T]{}, true
	}
	return a.V, true
}

// AppendBinary appends the state's binary form.
func (a *Set[T]) AppendBinary(b []byte) []byte { return appendOpts(b, a.V) }

// DecodeBinary reads what AppendBinary wrote.
func (a *Set[T]) DecodeBinary(d *BinDecoder) { a.V = decodeOpts[T](d) }

func appendOpts[T Values](b []byte, v []Opt[T]) []byte {
	b = AppendInt64(b, int64(len(v)))
	for _, e := range v {
		b = appendValue(AppendBool(b, e.Null), e.V)
	}
	return b
}

func decodeOpts[T Values](d *BinDecoder) []Opt[T] {
	n := d.Int64()
	if n == 0 {
		return nil
	}
	v := make([]Opt[T], n)
	for i := range v {
		v[i].Null = d.Bool()
		v[i].V = decodeValue[T](d)
	}
	return v
}

// Comparing nested values follows DuckDB: a STRUCT compares field by field, an ARRAY element by element (a prefix
// first), a MAP as the list of its entries in their order (key, then value). Inside a value, NULL equals NULL and
// is greater than any value, so that the order is total and equality is what GROUP BY and DISTINCT group by; a
// NULL nested value itself makes a comparison NULL, as any NULL does. Generated code passes the comparison of the
// parts: cmp.Compare, CmpFloat, CompareBool, Int128.Cmp, or a generated function for a STRUCT.

// CompareOpt compares two parts with their NULL flags: NULL equals NULL and is greater than any value.
func CompareOpt[T any](a T, aNull bool, b T, bNull bool, c func(T, T) int) int {
	switch {
	case aNull || bNull:
		return CompareBool(aNull, bNull)
	}
	return c(a, b)
}

// CompareArrays compares two ARRAYs element by element; when one is a prefix of the other, it comes first.
func CompareArrays[T any](a, b []Opt[T], c func(T, T) int) int {
	for i := range min(len(a), len(b)) {
		if r := CompareOpt(a[i].V, a[i].Null, b[i].V, b[i].Null, c); r != 0 {
			return r
		}
	}
	return cmp.Compare(len(a), len(b))
}

// CompareMaps compares two MAPs entry by entry in their order, each by its key, then its value; when one is a
// prefix of the other, it comes first. Two MAPs with the same entries in another order differ, as in DuckDB.
func CompareMaps[K comparable, V any](a, b []Entry[K, V], ck func(K, K) int, cv func(V, V) int) int {
	for i := range min(len(a), len(b)) {
		if r := ck(a[i].Key, b[i].Key); r != 0 {
			return r
		}
		if r := CompareOpt(a[i].Val, a[i].Null, b[i].Val, b[i].Null, cv); r != 0 {
			return r
		}
	}
	return cmp.Compare(len(a), len(b))
}

// The key form of a nested value is the bytes GROUP BY, DISTINCT, COUNT(DISTINCT), MIN and MAX compare: canonical,
// so that two values have the same key form exactly when they compare equal, and ordered, so that key forms
// compare byte-wise (as strings) as the values do in DuckDB's order. Each part comes after its NULL flag (0, or 1
// for NULL, which sorts last); an ARRAY's or MAP's elements each after a 1, and a 0 at the end (a prefix sorts
// first); integers big-endian with the sign bit flipped; a DOUBLE as its FloatKey bits, ordered likewise (NaN
// last); a string with its 0 bytes escaped as 0 0xFF, then 0 1. A key struct holds the key form as a string, a
// view of the query's buffer until the key is stored (Own copies it then).

// AppendKeyBool appends the key form of a BOOLEAN: false before true.
func AppendKeyBool(b []byte, v bool) []byte { return AppendBool(b, v) }

// KeyBool reads what AppendKeyBool wrote.
func (d *BinDecoder) KeyBool() bool { return d.Bool() }

// AppendKeyInt32 appends the key form of an INT.
func AppendKeyInt32(b []byte, v int32) []byte {
	return binary.BigEndian.AppendUint32(b, uint32(v)^1<<31)
}

// KeyInt32 reads what AppendKeyInt32 wrote.
func (d *BinDecoder) KeyInt32() int32 {
	p := d.take(4)
	if p == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(p) ^ 1<<31)
}

// AppendKeyInt64 appends the key form of a BIGINT (and of a TIMESTAMP, DATE or TIME).
func AppendKeyInt64(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(b, uint64(v)^1<<63)
}

// KeyInt64 reads what AppendKeyInt64 wrote.
func (d *BinDecoder) KeyInt64() int64 {
	p := d.take(8)
	if p == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(p) ^ 1<<63)
}

// AppendKeyFloat64 appends the key form of a DOUBLE: NaNs, and -0 and 0, alike, in CmpFloat's order.
func AppendKeyFloat64(b []byte, v float64) []byte {
	k := FloatKey(v)
	if k&(1<<63) != 0 {
		k = ^k // negative: a larger magnitude sorts first
	} else {
		k |= 1 << 63
	}
	return binary.BigEndian.AppendUint64(b, k)
}

// KeyFloat64 reads what AppendKeyFloat64 wrote.
func (d *BinDecoder) KeyFloat64() float64 {
	p := d.take(8)
	if p == nil {
		return 0
	}
	k := binary.BigEndian.Uint64(p)
	if k&(1<<63) != 0 {
		k &^= 1 << 63
	} else {
		k = ^k
	}
	return FloatFromKey(k)
}

// AppendKeyInt128 appends the key form of a DECIMAL (of the type's one scale).
func AppendKeyInt128(b []byte, v Int128) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(v.Hi)^1<<63)
	return binary.BigEndian.AppendUint64(b, v.Lo)
}

// KeyInt128 reads what AppendKeyInt128 wrote.
func (d *BinDecoder) KeyInt128() Int128 {
	p := d.take(16)
	if p == nil {
		return Int128{}
	}
	return Int128{Hi: int64(binary.BigEndian.Uint64(p) ^ 1<<63), Lo: binary.BigEndian.Uint64(p[8:])}
}

// AppendKeyString appends the key form of a VARCHAR or BLOB: its bytes, each 0 escaped as 0 0xFF, then 0 1.
func AppendKeyString(b []byte, v string) []byte {
	for {
		i := strings.IndexByte(v, 0)
		if i < 0 {
			break
		}
		b = append(append(b, v[:i]...), 0, 0xFF)
		v = v[i+1:]
	}
	return append(append(b, v...), 0, 1)
}

// KeyString reads what AppendKeyString wrote.
func (d *BinDecoder) KeyString() string {
	var out []byte
	for {
		i := slices.Index(d.b, 0)
		if i < 0 || i+1 >= len(d.b) {
			d.fail()
			return ""
		}
		out = append(out, d.b[:i]...)
		esc := d.b[i+1]
		d.b = d.b[i+2:]
		switch esc {
		case 1:
			return string(out)
		case 0xFF:
			out = append(out, 0)
		default:
			d.fail()
			return ""
		}
	}
}

// AppendOptKey appends a part's NULL flag, then its value when it is not NULL.
func AppendOptKey[T any](b []byte, v T, null bool, elem func([]byte, T) []byte) []byte {
	b = AppendBool(b, null)
	if null {
		return b
	}
	return elem(b, v)
}

// OptKey reads what AppendOptKey wrote into v and null.
func OptKey[T any](d *BinDecoder, v *T, null *bool, elem func(*BinDecoder) T) {
	if *null = d.Bool(); !*null {
		*v = elem(d)
	}
}

// AppendArrayKey appends the key form of an ARRAY: each element after a 1, then a 0.
func AppendArrayKey[T any](b []byte, a []Opt[T], elem func([]byte, T) []byte) []byte {
	for i := range a {
		b = AppendOptKey(append(b, 1), a[i].V, a[i].Null, elem)
	}
	return append(b, 0)
}

// more reads the 1 before an element (true) or the 0 after the last (false).
func (d *BinDecoder) more() bool { return d.Bool() && d.err == nil }

// ArrayKey reads what AppendArrayKey wrote.
func ArrayKey[T any](d *BinDecoder, elem func(*BinDecoder) T) []Opt[T] {
	a := []Opt[T]{}
	for d.more() {
		var e Opt[T]
		OptKey(d, &e.V, &e.Null, elem)
		a = append(a, e)
	}
	return a
}

// AppendMapKey appends the key form of a MAP: each entry's key and value after a 1, then a 0.
func AppendMapKey[K comparable, V any](b []byte, m []Entry[K, V], key func([]byte, K) []byte, val func([]byte, V) []byte) []byte {
	for i := range m {
		b = AppendOptKey(key(append(b, 1), m[i].Key), m[i].Val, m[i].Null, val)
	}
	return append(b, 0)
}

// MapKey reads what AppendMapKey wrote.
func MapKey[K comparable, V any](d *BinDecoder, key func(*BinDecoder) K, val func(*BinDecoder) V) []Entry[K, V] {
	m := []Entry[K, V]{}
	for d.more() {
		var e Entry[K, V]
		e.Key = key(d)
		OptKey(d, &e.Val, &e.Null, val)
		m = append(m, e)
	}
	return m
}

// KeyView is b as a string without a copy, for the key form of a nested GROUP BY key or DISTINCT value built in a
// query's buffer: valid until the buffer is written again, so a key that is stored is copied (Own) first.
func KeyView(b []byte) string { return view(b) }

// DecodeKeys decodes the key forms of an ARRAY's elements with decode (LIST of nested values keeps them): a new
// array, nil when keys is.
func DecodeKeys[T any](keys []Opt[string], decode func(*BinDecoder) T) []Opt[T] {
	if keys == nil {
		return nil
	}
	out := make([]Opt[T], len(keys))
	for i, k := range keys {
		if !k.Null {
			out[i].V = DecodeKey(k.V, decode)
		}
		out[i].Null = k.Null
	}
	return out
}

// DecodeKey decodes a key form s with decode, which reads one value; "", which is no value's key form (a NULL
// key holds it), gives the zero value. A key form is generated code's own and always well formed; a malformed one
// is a bug, and panics.
func DecodeKey[T any](s string, decode func(*BinDecoder) T) T {
	var d BinDecoder
	if s == "" {
		var zero T
		return zero
	}
	d.Reset([]byte(s))
	v := decode(&d)
	if d.Err() != nil || len(d.Rest()) > 0 {
		panic("rt: malformed key form of a nested value")
	}
	return v
}
