// Package protobuf is the Protobuf wire format of Kafka message values for generated jobs: a decoder that
// generated code drives field by field, and the appenders of generated encoders. It is a package of its own so
// that only jobs with a Protobuf source or sink link google.golang.org/protobuf.
package protobuf

import (
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/velocc/velocc/rt"
)

// Decoder decodes one Protobuf message with typed readers. Generated code loops over the fields as they come
// and switches on their numbers:
//
//	d.Reset(msg)
//	for d.Next() {
//		switch d.Num() {
//		case 1:
//			d.Field("symbol")
//			r.Symbol = d.String()
//		case 3:
//			d.Field("price")
//			r.Price, r.PriceNull = d.Double(), false
//		default:
//			d.Skip() // a field no column reads, or one the job does not know
//		}
//	}
//	if err := d.End(); err != nil { ... }
//
// A field may come more than once; the last value wins, as in protobuf's own runtime. The decoder works on
// the message's bytes directly and allocates only for the strings String returns and for an error. Errors are
// sticky: the first one is kept, naming the field set by Field and the byte offset in the message, and Next
// returns false after it, so generated code checks once, with End.
//
// The zero Decoder is ready to use after Reset.
type Decoder struct {
	buf    []byte
	pos    int  // the offset of the next tag, or of the current field's value after Next
	lim    int  // the end of the message or embedded message being read: len(buf) outside Begin and Leave
	packed bool // reading the elements of a packed repeated field: readers take them without tags
	start  int  // the offset of the current field's tag
	num    protowire.Number
	typ    protowire.Type
	field  string
	id     int32 // the schema id of a Confluent header
	failed bool
	err    rt.RecordError
}

// Reset prepares the decoder for message b and clears the error.
func (d *Decoder) Reset(b []byte) {
	*d = Decoder{buf: b, lim: len(b)}
}

// Fail records an error for field, unless one was recorded already.
func (d *Decoder) Fail(field, reason string) {
	if d.failed {
		return
	}
	d.failed = true
	d.err = rt.RecordError{Field: field, Offset: d.start, Reason: reason}
}

// Err returns the first error as a *rt.RecordError without a location, or nil.
func (d *Decoder) Err() error {
	if !d.failed {
		return nil
	}
	e := d.err
	return &e
}

// End returns Err: a message has no end marker, so whatever Next consumed is the whole message.
func (d *Decoder) End() error { return d.Err() }

// SchemaID returns the schema id of the Confluent header read by ConfluentHeader.
func (d *Decoder) SchemaID() int32 { return d.id }

// ConfluentHeader consumes Confluent's wire-format header: the magic byte 0, a 4-byte big-endian schema id,
// and the message indexes (a zig-zag varint count, then as many zig-zag varint indexes; a count of 0 stands
// for [0], the first message of the file). The indexes must name index, the message the job was compiled
// for. A message without the header is a bad record.
func (d *Decoder) ConfluentHeader(index []int) {
	if d.failed {
		return
	}
	if len(d.buf) < 5 || d.buf[0] != 0 {
		d.Fail("", "not in Confluent's wire format: expected the magic byte 0 and a 4-byte schema id before the Protobuf message")
		return
	}
	d.id = int32(binary.BigEndian.Uint32(d.buf[1:5]))
	d.pos, d.start = 5, 5
	count := d.zigzag("the message index count")
	if d.failed {
		return
	}
	got := []int{0}
	if count != 0 {
		if count < 0 || count > int64(len(d.buf)-d.pos) {
			d.Fail("", "invalid Confluent header at offset 5: "+strconv.FormatInt(count, 10)+" message indexes")
			return
		}
		got = make([]int, count)
		for i := range got {
			got[i] = int(d.zigzag("a message index"))
		}
		if d.failed {
			return
		}
	}
	if !sameIndex(got, index) {
		d.Fail("", "the Confluent header names message "+indexString(got)+" of the schema, but the job reads message "+indexString(index))
		return
	}
	d.start = d.pos
}

func (d *Decoder) zigzag(what string) int64 {
	v, n := protowire.ConsumeVarint(d.buf[d.pos:d.lim])
	if n < 0 {
		d.Fail("", "invalid Confluent header at offset "+strconv.Itoa(d.pos)+": "+what+": "+wireError(n))
		return 0
	}
	d.pos += n
	return protowire.DecodeZigZag(v)
}

func sameIndex(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func indexString(ix []int) string {
	b := []byte{'['}
	for i, x := range ix {
		if i > 0 {
			b = append(b, ',', ' ')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return string(append(b, ']'))
}

// Next reads the next field's tag and reports whether there is one. It returns false at the end of the message
// and after an error.
func (d *Decoder) Next() bool {
	if d.failed || d.pos >= d.lim {
		return false
	}
	d.start = d.pos
	d.field = ""
	num, typ, n := protowire.ConsumeTag(d.buf[d.pos:d.lim])
	if n < 0 {
		d.Fail("", "invalid Protobuf at offset "+strconv.Itoa(d.pos)+": a field's tag: "+wireError(n))
		return false
	}
	d.num, d.typ = num, typ
	d.pos += n
	return true
}

// Num returns the number of the field Next read.
func (d *Decoder) Num() int32 { return int32(d.num) }

// Field names the field read next, for errors.
func (d *Decoder) Field(name string) { d.field = name }

// Skip skips the value of the current field: one the job does not read.
func (d *Decoder) Skip() {
	if d.failed {
		return
	}
	n := protowire.ConsumeFieldValue(d.num, d.typ, d.buf[d.pos:d.lim])
	if n < 0 {
		d.Fail(d.field, "invalid Protobuf at offset "+strconv.Itoa(d.start)+": field "+strconv.Itoa(int(d.num))+" ("+wireName(d.typ)+"): "+
			wireError(n))
		return
	}
	d.pos += n
}

// Begin enters the value of the current field, an embedded message (a STRUCT, or a map's entry): Next then reads
// its fields, up to its end. It returns the end of the enclosing message, for Leave.
//
//	end := d.Begin()
//	for d.Next() { switch d.Num() { ... } }
//	d.Leave(end)
func (d *Decoder) Begin() int {
	end := d.lim
	b := d.bytes()
	if d.failed {
		return end
	}
	d.lim = d.pos
	d.pos -= len(b)
	return end
}

// Packed reports whether the current field, a repeated scalar, holds its elements packed (one length-delimited
// value), and if so enters them: More reports whether another follows, the readers read one each, and Leave
// ends them. Otherwise the field holds one element, which the reader reads as a field of its own.
func (d *Decoder) Packed() (end int, ok bool) {
	if d.failed || d.typ != protowire.BytesType {
		return d.lim, false
	}
	end = d.Begin()
	d.packed = true
	return end, true
}

// More reports whether another element of a packed field follows.
func (d *Decoder) More() bool { return !d.failed && d.pos < d.lim }

// Leave ends what Begin or Packed entered, whose fields or elements have all been read, and returns to the
// enclosing message, which ends at end.
func (d *Decoder) Leave(end int) {
	if !d.failed {
		d.pos = d.lim
	}
	d.lim, d.packed = end, false
}

// Bytes reads a bytes field, copied.
func (d *Decoder) Bytes() string { return string(d.bytes()) }

// MapPut adds entry e to the map m, replacing the entry of the same key: in a map field, the last entry of a key
// wins, as in protobuf's runtime.
func MapPut[K comparable, V any](m []rt.Entry[K, V], e rt.Entry[K, V]) []rt.Entry[K, V] {
	for i := range m {
		if m[i].Key == e.Key {
			m[i] = e
			return m
		}
	}
	return append(m, e)
}

// wireError words protowire's error code n (< 0) without the "proto:" prefix its errors carry (whose spacing
// the runtime varies on purpose, so that no one matches the text).
func wireError(n int) string {
	err := protowire.ParseError(n)
	if err == io.ErrUnexpectedEOF {
		return "unexpected EOF"
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, ':'); i >= 0 {
		msg = strings.TrimLeft(msg[i+1:], " \u00a0")
	}
	return msg
}

// wireName names a wire type for messages.
func wireName(t protowire.Type) string {
	switch t {
	case protowire.VarintType:
		return "varint"
	case protowire.Fixed32Type:
		return "fixed32"
	case protowire.Fixed64Type:
		return "fixed64"
	case protowire.BytesType:
		return "length-delimited"
	case protowire.StartGroupType:
		return "start group"
	case protowire.EndGroupType:
		return "end group"
	}
	return "wire type " + strconv.Itoa(int(t))
}

// fail records an error about the current field at its tag's offset.
func (d *Decoder) fail(reason string) {
	d.Fail(d.field, reason+" (field number "+strconv.Itoa(int(d.num))+" at offset "+strconv.Itoa(d.start)+")")
}

// want checks the current field's wire type.
func (d *Decoder) want(t protowire.Type) bool {
	if d.failed {
		return false
	}
	if d.typ != t && !d.packed {
		d.fail("wire type " + wireName(d.typ) + ", want " + wireName(t) + "; was the message written with another schema?")
		return false
	}
	return true
}

// malformed records that the current field's value cannot be read.
func (d *Decoder) malformed(n int) {
	d.fail("invalid Protobuf value: " + wireError(n))
}

func (d *Decoder) varint() uint64 {
	if !d.want(protowire.VarintType) {
		return 0
	}
	v, n := protowire.ConsumeVarint(d.buf[d.pos:d.lim])
	if n < 0 {
		d.malformed(n)
		return 0
	}
	d.pos += n
	return v
}

func (d *Decoder) fixed32() uint32 {
	if !d.want(protowire.Fixed32Type) {
		return 0
	}
	v, n := protowire.ConsumeFixed32(d.buf[d.pos:d.lim])
	if n < 0 {
		d.malformed(n)
		return 0
	}
	d.pos += n
	return v
}

func (d *Decoder) fixed64() uint64 {
	if !d.want(protowire.Fixed64Type) {
		return 0
	}
	v, n := protowire.ConsumeFixed64(d.buf[d.pos:d.lim])
	if n < 0 {
		d.malformed(n)
		return 0
	}
	d.pos += n
	return v
}

func (d *Decoder) bytes() []byte {
	if !d.want(protowire.BytesType) {
		return nil
	}
	v, n := protowire.ConsumeBytes(d.buf[d.pos:d.lim])
	if n < 0 {
		d.malformed(n)
		return nil
	}
	d.pos += n
	return v
}

// Int32 reads an int32 (a varint of the value sign-extended to 64 bits; as protobuf does, the low 32 bits).
func (d *Decoder) Int32() int32 { return int32(d.varint()) }

// Sint32 reads a sint32 (zig-zag).
func (d *Decoder) Sint32() int32 { return int32(protowire.DecodeZigZag(d.varint() & math.MaxUint32)) }

// Sfixed32 reads an sfixed32.
func (d *Decoder) Sfixed32() int32 { return int32(d.fixed32()) }

// Int64 reads an int64.
func (d *Decoder) Int64() int64 { return int64(d.varint()) }

// Sint64 reads a sint64 (zig-zag).
func (d *Decoder) Sint64() int64 { return protowire.DecodeZigZag(d.varint()) }

// Sfixed64 reads an sfixed64.
func (d *Decoder) Sfixed64() int64 { return int64(d.fixed64()) }

// Uint32 reads a uint32 (the low 32 bits of the varint) as a BIGINT.
func (d *Decoder) Uint32() int64 { return int64(uint32(d.varint())) }

// Fixed32 reads a fixed32 as a BIGINT.
func (d *Decoder) Fixed32() int64 { return int64(d.fixed32()) }

// Uint64 reads a uint64 as the unscaled value of a DECIMAL(20,0).
func (d *Decoder) Uint64() rt.Int128 { return rt.Int128{Lo: d.varint()} }

// Fixed64 reads a fixed64 as the unscaled value of a DECIMAL(20,0).
func (d *Decoder) Fixed64() rt.Int128 { return rt.Int128{Lo: d.fixed64()} }

// Bool reads a bool: any non-zero varint is true, as in protobuf's runtime.
func (d *Decoder) Bool() bool { return d.varint() != 0 }

// Float reads a float as a DOUBLE.
func (d *Decoder) Float() float64 { return float64(math.Float32frombits(d.fixed32())) }

// Double reads a double.
func (d *Decoder) Double() float64 { return math.Float64frombits(d.fixed64()) }

// String reads a string, which must be valid UTF-8 (proto3); it is the only allocation.
func (d *Decoder) String() string {
	start := d.pos
	b := d.bytes()
	if d.failed {
		return ""
	}
	if !utf8.Valid(b) {
		d.pos = start
		d.fail("invalid UTF-8 in a string")
		return ""
	}
	return string(b)
}

// Enum reads an enum value and returns its name from e. A number e does not know (a message written with a
// newer enum: proto3 enums are open) is returned as its decimal digits, as protobuf's JSON mapping does.
func (d *Decoder) Enum(e *Enum) string {
	v := int32(d.varint())
	if d.failed {
		return ""
	}
	if name, ok := e.Name(v); ok {
		return name
	}
	return strconv.FormatInt(int64(v), 10)
}

// sub reads the value of the current field as an embedded message of a well-known type and calls fn for each
// of its fields with the field's number, wire type and value bytes (for varints, the value in v). ok is false
// after an error.
func (d *Decoder) sub(what string, fn func(num protowire.Number, typ protowire.Type, v uint64) bool) {
	b := d.bytes()
	if d.failed {
		return
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			d.fail("invalid " + what + ": " + wireError(n))
			return
		}
		b = b[n:]
		var v uint64
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			v, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var v32 uint32
			v32, n = protowire.ConsumeFixed32(b)
			v = uint64(v32)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			d.fail("invalid " + what + ": " + wireError(n))
			return
		}
		if !fn(num, typ, v) {
			d.fail("invalid " + what + ": field " + strconv.Itoa(int(num)) + " has wire type " + wireName(typ))
			return
		}
		b = b[n:]
	}
}

// Timestamp reads a google.protobuf.Timestamp as epoch milliseconds, dropping the sub-millisecond part towards
// negative infinity as TIMESTAMP parsing does. Nanos outside 0..999999999 are an error.
func (d *Decoder) Timestamp() int64 {
	var secs, nanos int64
	d.sub("google.protobuf.Timestamp", func(num protowire.Number, typ protowire.Type, v uint64) bool {
		switch num {
		case 1:
			secs = int64(v)
			return typ == protowire.VarintType
		case 2:
			nanos = int64(int32(v))
			return typ == protowire.VarintType
		}
		return true
	})
	if d.failed {
		return 0
	}
	if nanos < 0 || nanos > 999_999_999 {
		d.fail("invalid google.protobuf.Timestamp: nanos " + strconv.FormatInt(nanos, 10) + " out of range 0..999999999")
		return 0
	}
	if secs > math.MaxInt64/1000-1 || secs < math.MinInt64/1000+1 {
		d.fail("google.protobuf.Timestamp of " + strconv.FormatInt(secs, 10) + " seconds is out of range")
		return 0
	}
	return secs*1000 + nanos/1_000_000
}

// wrapped reads field 1 of a wrapper message, of wire type t; an empty wrapper holds the default value.
func (d *Decoder) wrapped(name string, t protowire.Type) uint64 {
	var val uint64
	d.sub(name, func(num protowire.Number, typ protowire.Type, v uint64) bool {
		if num == 1 {
			val = v
			return typ == t
		}
		return true
	})
	return val
}

// Int32Value reads a google.protobuf.Int32Value.
func (d *Decoder) Int32Value() int32 {
	return int32(d.wrapped("google.protobuf.Int32Value", protowire.VarintType))
}

// Int64Value reads a google.protobuf.Int64Value.
func (d *Decoder) Int64Value() int64 {
	return int64(d.wrapped("google.protobuf.Int64Value", protowire.VarintType))
}

// UInt32Value reads a google.protobuf.UInt32Value as a BIGINT.
func (d *Decoder) UInt32Value() int64 {
	return int64(uint32(d.wrapped("google.protobuf.UInt32Value", protowire.VarintType)))
}

// UInt64Value reads a google.protobuf.UInt64Value as the unscaled value of a DECIMAL(20,0).
func (d *Decoder) UInt64Value() rt.Int128 {
	return rt.Int128{Lo: d.wrapped("google.protobuf.UInt64Value", protowire.VarintType)}
}

// BoolValue reads a google.protobuf.BoolValue.
func (d *Decoder) BoolValue() bool {
	return d.wrapped("google.protobuf.BoolValue", protowire.VarintType) != 0
}

// FloatValue reads a google.protobuf.FloatValue as a DOUBLE.
func (d *Decoder) FloatValue() float64 {
	return float64(math.Float32frombits(uint32(d.wrapped("google.protobuf.FloatValue", protowire.Fixed32Type))))
}

// DoubleValue reads a google.protobuf.DoubleValue.
func (d *Decoder) DoubleValue() float64 {
	return math.Float64frombits(d.wrapped("google.protobuf.DoubleValue", protowire.Fixed64Type))
}

// StringValue reads a google.protobuf.StringValue.
func (d *Decoder) StringValue() string {
	s, ok := d.wrappedBytes("google.protobuf.StringValue")
	if !ok {
		return ""
	}
	if !utf8.Valid(s) {
		d.fail("invalid UTF-8 in a string")
		return ""
	}
	return string(s)
}

// BytesValue reads a google.protobuf.BytesValue, copied.
func (d *Decoder) BytesValue() string {
	s, _ := d.wrappedBytes("google.protobuf.BytesValue")
	return string(s)
}

// wrappedBytes reads field 1 of a wrapper message of a length-delimited value (empty when absent).
func (d *Decoder) wrappedBytes(what string) ([]byte, bool) {
	b := d.bytes()
	if d.failed {
		return nil, false
	}
	var s []byte
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			d.fail("invalid " + what + ": " + wireError(n))
			return nil, false
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			s, n = protowire.ConsumeBytes(b)
		} else if num == 1 {
			d.fail("invalid " + what + ": field 1 has wire type " + wireName(typ))
			return nil, false
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			d.fail("invalid " + what + ": " + wireError(n))
			return nil, false
		}
		b = b[n:]
	}
	return s, true
}

// Enum is the names of an enum's values by number, for decoding and encoding enum fields as VARCHAR.
type Enum struct {
	Names   []string
	Numbers []int32 // Numbers[i] is the number of Names[i]
}

// Name returns the name of value n (the first declared, for aliases).
func (e *Enum) Name(n int32) (string, bool) {
	for i, x := range e.Numbers {
		if x == n {
			return e.Names[i], true
		}
	}
	return "", false
}

// Number returns the number of the value named name.
func (e *Enum) Number(name string) (int32, bool) {
	for i, s := range e.Names {
		if s == name {
			return e.Numbers[i], true
		}
	}
	return 0, false
}
