// The appenders of generated Protobuf encoders: one field each, tag and value.

package protobuf

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// AppendConfluentHeader appends Confluent's wire-format header of a Protobuf message: the magic byte 0, the
// schema id (big-endian) and the message indexes, written as the single 0 for [0].
func AppendConfluentHeader(b []byte, id int32, index []int) []byte {
	b = append(b, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(id))
	if len(index) == 1 && index[0] == 0 {
		return append(b, 0)
	}
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(len(index))))
	for _, x := range index {
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(x)))
	}
	return b
}

func tag(b []byte, num int32, t protowire.Type) []byte {
	return protowire.AppendTag(b, protowire.Number(num), t)
}

// AppendInt32 appends an int32 field (also an enum's number): negative values take ten bytes, as in protobuf.
func AppendInt32(b []byte, num int32, v int32) []byte {
	return protowire.AppendVarint(tag(b, num, protowire.VarintType), uint64(int64(v)))
}

// AppendSint32 appends a sint32 field.
func AppendSint32(b []byte, num int32, v int32) []byte {
	return protowire.AppendVarint(tag(b, num, protowire.VarintType), protowire.EncodeZigZag(int64(v)))
}

// AppendSfixed32 appends an sfixed32 field.
func AppendSfixed32(b []byte, num int32, v int32) []byte {
	return protowire.AppendFixed32(tag(b, num, protowire.Fixed32Type), uint32(v))
}

// AppendInt64 appends an int64 field.
func AppendInt64(b []byte, num int32, v int64) []byte {
	return protowire.AppendVarint(tag(b, num, protowire.VarintType), uint64(v))
}

// AppendSint64 appends a sint64 field.
func AppendSint64(b []byte, num int32, v int64) []byte {
	return protowire.AppendVarint(tag(b, num, protowire.VarintType), protowire.EncodeZigZag(v))
}

// AppendSfixed64 appends an sfixed64 field.
func AppendSfixed64(b []byte, num int32, v int64) []byte {
	return protowire.AppendFixed64(tag(b, num, protowire.Fixed64Type), uint64(v))
}

// AppendBool appends a bool field.
func AppendBool(b []byte, num int32, v bool) []byte {
	return protowire.AppendVarint(tag(b, num, protowire.VarintType), protowire.EncodeBool(v))
}

// AppendDouble appends a double field.
func AppendDouble(b []byte, num int32, v float64) []byte {
	return protowire.AppendFixed64(tag(b, num, protowire.Fixed64Type), math.Float64bits(v))
}

// AppendString appends a string field.
func AppendString(b []byte, num int32, v string) []byte {
	return protowire.AppendString(tag(b, num, protowire.BytesType), v)
}

// AppendBytes appends a bytes field.
func AppendBytes(b []byte, num int32, v string) []byte { return AppendString(b, num, v) }

// OpenField appends the tag of the length-delimited field num (a message, a map's entry, a packed repeated
// field) and room for its length, and returns where its contents start; CloseField, once they are appended,
// writes their length.
func OpenField(b []byte, num int32) ([]byte, int) {
	b = append(tag(b, num, protowire.BytesType), 0)
	return b, len(b)
}

// CloseField writes the length of the field OpenField opened at start, moving its contents when the length takes
// more than the byte kept for it.
func CloseField(b []byte, start int) []byte {
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	size := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, size-1)...)
	copy(b[start-1+size:], b[start:start+n])
	protowire.AppendVarint(b[start-1:start-1], uint64(n))
	return b
}

// Varint appends an element of a packed repeated int32, int64, bool or enum field.
func Varint(b []byte, v int64) []byte { return protowire.AppendVarint(b, uint64(v)) }

// Bool appends an element of a packed repeated bool field.
func Bool(b []byte, v bool) []byte { return protowire.AppendVarint(b, protowire.EncodeBool(v)) }

// ZigZag appends an element of a packed repeated sint32 or sint64 field.
func ZigZag(b []byte, v int64) []byte { return protowire.AppendVarint(b, protowire.EncodeZigZag(v)) }

// Fixed32 appends an element of a packed repeated sfixed32 field.
func Fixed32(b []byte, v int32) []byte { return protowire.AppendFixed32(b, uint32(v)) }

// Fixed64 appends an element of a packed repeated sfixed64 field.
func Fixed64(b []byte, v int64) []byte { return protowire.AppendFixed64(b, uint64(v)) }

// Double appends an element of a packed repeated double field.
func Double(b []byte, v float64) []byte { return protowire.AppendFixed64(b, math.Float64bits(v)) }

// AppendTimestamp appends a google.protobuf.Timestamp field holding epoch milliseconds ms (nanos 0..999999999,
// seconds rounded towards negative infinity, as the type requires).
func AppendTimestamp(b []byte, num int32, ms int64) []byte {
	secs, rem := ms/1000, ms%1000
	if rem < 0 {
		secs, rem = secs-1, rem+1000
	}
	var body [24]byte
	m := body[:0]
	if secs != 0 {
		m = protowire.AppendVarint(protowire.AppendTag(m, 1, protowire.VarintType), uint64(secs))
	}
	if rem != 0 {
		m = protowire.AppendVarint(protowire.AppendTag(m, 2, protowire.VarintType), uint64(rem*1_000_000))
	}
	return protowire.AppendBytes(tag(b, num, protowire.BytesType), m)
}

// wrapper appends a wrapper message field whose field 1 is the bytes of inner (without its tag); an empty
// inner (the default value) is left out, as protobuf does.
func wrapper(b []byte, num int32, t protowire.Type, inner []byte) []byte {
	b = tag(b, num, protowire.BytesType)
	if len(inner) == 0 {
		return append(b, 0)
	}
	n := protowire.SizeTag(1) + len(inner)
	b = protowire.AppendVarint(b, uint64(n))
	b = protowire.AppendTag(b, 1, t)
	return append(b, inner...)
}

// AppendInt32Value appends a google.protobuf.Int32Value field.
func AppendInt32Value(b []byte, num int32, v int32) []byte {
	var s [10]byte
	in := s[:0]
	if v != 0 {
		in = protowire.AppendVarint(in, uint64(int64(v)))
	}
	return wrapper(b, num, protowire.VarintType, in)
}

// AppendInt64Value appends a google.protobuf.Int64Value field.
func AppendInt64Value(b []byte, num int32, v int64) []byte {
	var s [10]byte
	in := s[:0]
	if v != 0 {
		in = protowire.AppendVarint(in, uint64(v))
	}
	return wrapper(b, num, protowire.VarintType, in)
}

// AppendBoolValue appends a google.protobuf.BoolValue field.
func AppendBoolValue(b []byte, num int32, v bool) []byte {
	var s [1]byte
	in := s[:0]
	if v {
		in = append(in, 1)
	}
	return wrapper(b, num, protowire.VarintType, in)
}

// AppendDoubleValue appends a google.protobuf.DoubleValue field.
func AppendDoubleValue(b []byte, num int32, v float64) []byte {
	var s [8]byte
	in := s[:0]
	if v != 0 || math.Signbit(v) {
		in = protowire.AppendFixed64(in, math.Float64bits(v))
	}
	return wrapper(b, num, protowire.Fixed64Type, in)
}

// AppendStringValue appends a google.protobuf.StringValue field.
func AppendStringValue(b []byte, num int32, v string) []byte {
	b = tag(b, num, protowire.BytesType)
	if v == "" {
		return append(b, 0)
	}
	b = protowire.AppendVarint(b, uint64(protowire.SizeTag(1)+protowire.SizeBytes(len(v))))
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	return protowire.AppendString(b, v)
}

// AppendBytesValue appends a google.protobuf.BytesValue field.
func AppendBytesValue(b []byte, num int32, v string) []byte { return AppendStringValue(b, num, v) }

// NullError is the error of a NULL in a column whose field has no presence: protobuf could only write it as the
// field's default value, which reads back as a value.
func NullError(sink, column, field string) error {
	return fmt.Errorf("sink %q: column %q is NULL, but Protobuf field %q has no presence; declare it optional (or a wrapper type) in the .proto file", sink, column, field)
}

// EnumError is the error of a VARCHAR that names no value of a field's enum.
func EnumError(sink, column, value string, e *Enum) error {
	return fmt.Errorf("sink %q: column %q: %q is not a value of the Protobuf enum; its values are %s", sink, column, value, strings.Join(e.Names, ", "))
}
