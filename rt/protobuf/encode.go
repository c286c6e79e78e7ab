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

// NullError is the error of a NULL in a column whose field has no presence: protobuf could only write it as the
// field's default value, which reads back as a value.
func NullError(sink, column, field string) error {
	return fmt.Errorf("sink %q: column %q is NULL, but Protobuf field %q has no presence; declare it optional (or a wrapper type) in the .proto file", sink, column, field)
}

// EnumError is the error of a VARCHAR that names no value of a field's enum.
func EnumError(sink, column, value string, e *Enum) error {
	return fmt.Errorf("sink %q: column %q: %q is not a value of the Protobuf enum; its values are %s", sink, column, value, strings.Join(e.Names, ", "))
}
