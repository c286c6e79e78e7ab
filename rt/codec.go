// The binary form of group keys and states: what spilling writes to disk (see Codec), built from these helpers by
// generated code.

package rt

import (
	"encoding/binary"
	"errors"
	"math"
)

// Codec is the binary form of one query's group keys and states. velocc generates it per grouped query (as
// appendBinary and decodeBinary methods of the key and state structs) for jobs that may spill state to disk; a
// state changelog can reuse it as it is.
//
// Layout, version 1: the struct's fields in declaration order, each written by the helper of its Go type, with
// nothing between them:
//
//	bool                 one byte, 0 or 1
//	int32, int64         zig-zag varint (encoding/binary.AppendVarint)
//	uint64               8 bytes, little-endian (a DOUBLE key: the FloatKey bits)
//	float64              8 bytes, little-endian IEEE 754 bits
//	Int128               16 bytes, little-endian: Lo, then Hi
//	string               uvarint byte length, then the bytes
//	Welford              N as a varint, then Mean and M2 as float64
//	Distinct[T]          uvarint count, then each value as T is written, in no particular order
//
// The form of a key is canonical (equal keys have equal bytes), so it can be a key of a store. Layout names the
// fields and their types; generated code changes it whenever the form changes, so that stored state can be
// checked against the job reading it.
type Codec[K comparable, S any] struct {
	Layout      string
	AppendKey   func(k *K, b []byte) []byte
	DecodeKey   func(k *K, d *BinDecoder)
	AppendState func(s *S, b []byte) []byte
	DecodeState func(s *S, d *BinDecoder)
}

// errShortState is the error of a BinDecoder that ran out of bytes or met a malformed value.
var errShortState = errors.New("malformed state record")

// BinDecoder reads values written by the Append helpers. A read past the end or of a malformed value sets Err and
// returns the zero value; callers check Err once at the end.
type BinDecoder struct {
	b   []byte
	err error
}

// Reset makes the decoder read b from its start.
func (d *BinDecoder) Reset(b []byte) { d.b, d.err = b, nil }

// Err returns the first error met, or nil.
func (d *BinDecoder) Err() error { return d.err }

// Rest returns the bytes not read yet.
func (d *BinDecoder) Rest() []byte { return d.b }

func (d *BinDecoder) fail() { d.b, d.err = nil, errShortState }

func (d *BinDecoder) take(n int) []byte {
	if n < 0 || len(d.b) < n {
		d.fail()
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

// AppendBool appends v as one byte.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Bool reads what AppendBool wrote.
func (d *BinDecoder) Bool() bool {
	p := d.take(1)
	if p == nil {
		return false
	}
	if p[0] > 1 {
		d.fail()
	}
	return p[0] == 1
}

// AppendInt32 appends v as a zig-zag varint.
func AppendInt32(b []byte, v int32) []byte { return binary.AppendVarint(b, int64(v)) }

// Int32 reads what AppendInt32 wrote.
func (d *BinDecoder) Int32() int32 {
	v := d.Int64()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int32(v)
}

// AppendInt64 appends v as a zig-zag varint.
func AppendInt64(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

// Int64 reads what AppendInt64 wrote.
func (d *BinDecoder) Int64() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// uvarint reads an unsigned varint (encoding/binary.AppendUvarint).
func (d *BinDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// AppendUint64 appends v as 8 little-endian bytes.
func AppendUint64(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }

// Uint64 reads what AppendUint64 wrote.
func (d *BinDecoder) Uint64() uint64 {
	p := d.take(8)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}

// AppendFloat64 appends the IEEE 754 bits of v, little-endian.
func AppendFloat64(b []byte, v float64) []byte { return AppendUint64(b, math.Float64bits(v)) }

// Float64 reads what AppendFloat64 wrote.
func (d *BinDecoder) Float64() float64 { return math.Float64frombits(d.Uint64()) }

// AppendInt128 appends v as 16 little-endian bytes: Lo, then Hi.
func AppendInt128(b []byte, v Int128) []byte {
	b = binary.LittleEndian.AppendUint64(b, v.Lo)
	return binary.LittleEndian.AppendUint64(b, uint64(v.Hi))
}

// Int128 reads what AppendInt128 wrote.
func (d *BinDecoder) Int128() Int128 {
	p := d.take(16)
	if p == nil {
		return Int128{}
	}
	return Int128{Lo: binary.LittleEndian.Uint64(p), Hi: int64(binary.LittleEndian.Uint64(p[8:]))}
}

// AppendString appends the length of v as a uvarint, then its bytes.
func AppendString(b []byte, v string) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// String reads what AppendString wrote, as a string of its own.
func (d *BinDecoder) String() string { return string(d.bytes()) }

// bytes reads what AppendString wrote, as a view of the decoder's input.
func (d *BinDecoder) bytes() []byte {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.fail()
		return nil
	}
	d.b = d.b[k:]
	return d.take(int(n))
}

// AppendWelford appends the accumulator of the variance family: N, Mean and M2.
func AppendWelford(b []byte, w *Welford) []byte {
	b = AppendInt64(b, w.N)
	b = AppendFloat64(b, w.Mean)
	return AppendFloat64(b, w.M2)
}

// Welford reads what AppendWelford wrote into w.
func (d *BinDecoder) Welford(w *Welford) {
	w.N = d.Int64()
	w.Mean = d.Float64()
	w.M2 = d.Float64()
}

// AppendDistinct appends the values of set: their count, then each written by elem.
func AppendDistinct[T comparable](b []byte, set *Distinct[T], elem func([]byte, T) []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(set.set)))
	for v := range set.set {
		b = elem(b, v)
	}
	return b
}

// DecodeDistinct reads what AppendDistinct wrote into set, which it replaces; elem reads one value.
func DecodeDistinct[T comparable](d *BinDecoder, set *Distinct[T], elem func(*BinDecoder) T) {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)) { // every value takes a byte at least
		d.fail()
		return
	}
	d.b = d.b[k:]
	set.set = nil
	if n == 0 {
		return
	}
	set.set = make(map[T]struct{}, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		set.set[elem(d)] = struct{}{}
	}
}
