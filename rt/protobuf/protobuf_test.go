package protobuf

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/velocc/velocc/rt"
)

// The oracle is the official runtime: messages built with dynamicpb over this file and marshalled by proto are
// decoded here, and what the appenders write is parsed back (and compared byte for byte with proto's
// deterministic encoding).
const scalarsProto = `syntax = "proto3";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
enum E { ZERO = 0; ONE = 1; MINUS = -1; }
message M {
  int32 i32 = 1; sint32 s32 = 2; sfixed32 f32 = 3;
  int64 i64 = 4; sint64 s64 = 5; sfixed64 f64 = 6;
  uint32 u32 = 7; fixed32 x32 = 8; uint64 u64 = 9; fixed64 x64 = 10;
  bool b = 11; float fl = 12; double d = 13; string s = 14; E e = 15;
  google.protobuf.Timestamp ts = 16;
  google.protobuf.Int32Value w32 = 17; google.protobuf.Int64Value w64 = 18; google.protobuf.BoolValue wb = 19;
  google.protobuf.DoubleValue wd = 20; google.protobuf.StringValue ws = 21;
  google.protobuf.UInt32Value wu32 = 22; google.protobuf.UInt64Value wu64 = 23; google.protobuf.FloatValue wf = 24;
}
`

func descriptor(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"m.proto": scalarsProto}),
	})}
	files, err := c.Compile(context.Background(), "m.proto")
	if err != nil {
		t.Fatal(err)
	}
	return files[0].Messages().ByName("M")
}

// values is one message's worth of values, as velocc's columns hold them.
type values struct {
	i32, s32, f32 int32
	i64, s64, f64 int64
	u32, x32      uint32
	u64, x64      uint64
	b             bool
	fl            float32
	d             float64
	s             string
	e             int32
	tsSec         int64
	tsNano        int32
	w32           int32
	w64           int64
	wb            bool
	wd            float64
	ws            string
	wu32          uint32
	wu64          uint64
	wf            float32
	hasTS, hasW   bool
}

func (v *values) message(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	f := md.Fields().ByName
	m.Set(f("i32"), protoreflect.ValueOfInt32(v.i32))
	m.Set(f("s32"), protoreflect.ValueOfInt32(v.s32))
	m.Set(f("f32"), protoreflect.ValueOfInt32(v.f32))
	m.Set(f("i64"), protoreflect.ValueOfInt64(v.i64))
	m.Set(f("s64"), protoreflect.ValueOfInt64(v.s64))
	m.Set(f("f64"), protoreflect.ValueOfInt64(v.f64))
	m.Set(f("u32"), protoreflect.ValueOfUint32(v.u32))
	m.Set(f("x32"), protoreflect.ValueOfUint32(v.x32))
	m.Set(f("u64"), protoreflect.ValueOfUint64(v.u64))
	m.Set(f("x64"), protoreflect.ValueOfUint64(v.x64))
	m.Set(f("b"), protoreflect.ValueOfBool(v.b))
	m.Set(f("fl"), protoreflect.ValueOfFloat32(v.fl))
	m.Set(f("d"), protoreflect.ValueOfFloat64(v.d))
	m.Set(f("s"), protoreflect.ValueOfString(v.s))
	m.Set(f("e"), protoreflect.ValueOfEnum(protoreflect.EnumNumber(v.e)))
	sub := func(name string, val protoreflect.Value) {
		w := m.Mutable(f(protoreflect.Name(name))).Message()
		w.Set(w.Descriptor().Fields().ByName("value"), val)
	}
	if v.hasTS {
		ts := m.Mutable(f("ts")).Message()
		ts.Set(ts.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(v.tsSec))
		ts.Set(ts.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(v.tsNano))
	}
	if v.hasW {
		sub("w32", protoreflect.ValueOfInt32(v.w32))
		sub("w64", protoreflect.ValueOfInt64(v.w64))
		sub("wb", protoreflect.ValueOfBool(v.wb))
		sub("wd", protoreflect.ValueOfFloat64(v.wd))
		sub("ws", protoreflect.ValueOfString(v.ws))
		sub("wu32", protoreflect.ValueOfUint32(v.wu32))
		sub("wu64", protoreflect.ValueOfUint64(v.wu64))
		sub("wf", protoreflect.ValueOfFloat32(v.wf))
	}
	return m
}

var enumE = Enum{Names: []string{"ZERO", "ONE", "MINUS"}, Numbers: []int32{0, 1, -1}}

// decode reads msg with the Decoder as generated code does, into a values and the NULL flags of the fields with
// presence.
func decode(msg []byte) (v values, ename string, err error) {
	var d Decoder
	d.Reset(msg)
	for d.Next() {
		switch d.Num() {
		case 1:
			v.i32 = d.Int32()
		case 2:
			v.s32 = d.Sint32()
		case 3:
			v.f32 = d.Sfixed32()
		case 4:
			v.i64 = d.Int64()
		case 5:
			v.s64 = d.Sint64()
		case 6:
			v.f64 = d.Sfixed64()
		case 7:
			v.u32 = uint32(d.Uint32())
		case 8:
			v.x32 = uint32(d.Fixed32())
		case 9:
			v.u64 = d.Uint64().Lo
		case 10:
			v.x64 = d.Fixed64().Lo
		case 11:
			v.b = d.Bool()
		case 12:
			v.fl = float32(d.Float())
		case 13:
			v.d = d.Double()
		case 14:
			d.Field("s")
			v.s = d.String()
		case 15:
			ename = d.Enum(&enumE)
		case 16:
			d.Field("ts")
			ms := d.Timestamp()
			v.hasTS = true
			v.tsSec = ms / 1000
			v.tsNano = int32(ms%1000) * 1e6
			if ms%1000 < 0 {
				v.tsSec--
				v.tsNano += 1e9
			}
		case 17:
			v.w32, v.hasW = d.Int32Value(), true
		case 18:
			v.w64 = d.Int64Value()
		case 19:
			v.wb = d.BoolValue()
		case 20:
			v.wd = d.DoubleValue()
		case 21:
			v.ws = d.StringValue()
		case 22:
			v.wu32 = uint32(d.UInt32Value())
		case 23:
			v.wu64 = d.UInt64Value().Lo
		case 24:
			v.wf = float32(d.FloatValue())
		default:
			d.Skip()
		}
	}
	return v, ename, d.End()
}

func TestDecodeAgainstRuntime(t *testing.T) {
	md := descriptor(t)
	cases := []values{
		{}, // every field absent: the defaults
		{i32: -1, s32: -2, f32: -3, i64: math.MinInt64, s64: math.MinInt64, f64: -6, u32: math.MaxUint32, x32: math.MaxUint32,
			u64: math.MaxUint64, x64: math.MaxUint64, b: true, fl: -1.5, d: math.Inf(-1), s: "héllo", e: -1,
			hasTS: true, tsSec: -1, tsNano: 999_000_000, hasW: true, w32: math.MinInt32, w64: -7, wb: true, wd: -0.25, ws: "w",
			wu32: math.MaxUint32, wu64: math.MaxUint64, wf: 3.5},
		{i32: math.MaxInt32, s32: math.MinInt32, f32: math.MaxInt32, i64: math.MaxInt64, s64: math.MaxInt64, f64: math.MinInt64,
			d: math.MaxFloat64, e: 1, hasTS: true, tsSec: 1_700_000_000, tsNano: 123_000_000,
			hasW: true}, // wrappers holding their default values: present, empty
	}
	for i, want := range cases {
		msg, err := proto.MarshalOptions{Deterministic: true}.Marshal(want.message(md))
		if err != nil {
			t.Fatal(err)
		}
		got, ename, err := decode(msg)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		got.e = want.e // compared by name below
		if got != want {
			t.Errorf("case %d: decoded\n%+v\nwant\n%+v", i, got, want)
		}
		if wantName := map[int32]string{0: "ZERO", 1: "ONE", -1: "MINUS"}[want.e]; ename != wantName && !(want.e == 0 && ename == "") {
			t.Errorf("case %d: enum %q, want %q", i, ename, wantName)
		}
	}
}

func TestDecodeUnknownEnumAndFields(t *testing.T) {
	var b []byte
	b = protowire.AppendVarint(protowire.AppendTag(b, 15, protowire.VarintType), 7) // an enum number E does not have
	b = protowire.AppendString(protowire.AppendTag(b, 1000, protowire.BytesType), "x")
	b = protowire.AppendFixed32(protowire.AppendTag(b, 1001, protowire.Fixed32Type), 1)
	b = protowire.AppendTag(b, 1002, protowire.StartGroupType)
	b = protowire.AppendVarint(protowire.AppendTag(b, 1, protowire.VarintType), 1)
	b = protowire.AppendTag(b, 1002, protowire.EndGroupType)
	_, ename, err := decode(b)
	if err != nil || ename != "7" {
		t.Errorf("enum %q, error %v; want \"7\" and no error", ename, err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	tag := func(num protowire.Number, typ protowire.Type) []byte { return protowire.AppendTag(nil, num, typ) }
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	cases := []struct {
		name  string
		msg   []byte
		field string
		want  string
	}{
		{"truncated varint", cat(tag(4, protowire.VarintType), []byte{0x80, 0x80}), "", "invalid Protobuf value: unexpected EOF (field number 4 at offset 0)"},
		{"truncated tag", []byte{0x80}, "", "invalid Protobuf at offset 0: a field's tag: unexpected EOF"},
		{"wrong wire type", cat(tag(13, protowire.VarintType), []byte{1}), "", "wire type varint, want fixed64; was the message written with another schema? (field number 13 at offset 0)"},
		{"string as varint", cat([]byte{0x08, 0x01}, tag(14, protowire.VarintType), []byte{5}), "s", "wire type varint, want length-delimited; was the message written with another schema? (field number 14 at offset 2)"},
		{"string too long", cat(tag(14, protowire.BytesType), []byte{10, 'a'}), "s", "invalid Protobuf value: unexpected EOF (field number 14 at offset 0)"},
		{"invalid UTF-8", cat(tag(14, protowire.BytesType), []byte{1, 0xff}), "s", "invalid UTF-8 in a string (field number 14 at offset 0)"},
		{"field number 0", []byte{0x00, 0x01}, "", "invalid Protobuf at offset 0: a field's tag: invalid field number"},
		{"unknown field cut", cat(tag(99, protowire.BytesType), []byte{3, 1}), "", "invalid Protobuf at offset 0: field 99 (length-delimited): unexpected EOF"},
		{"timestamp seconds wire type", cat(tag(16, protowire.BytesType), []byte{2, 0x0a, 0x00}), "ts", "invalid google.protobuf.Timestamp: field 1 has wire type length-delimited (field number 16 at offset 0)"},
	}
	for _, tc := range cases {
		_, _, err := decode(tc.msg)
		var re *rt.RecordError
		if !errors.As(err, &re) {
			t.Errorf("%s: error %v, want a record error", tc.name, err)
			continue
		}
		if re.Field != tc.field || tc.want != "" && re.Reason != tc.want {
			t.Errorf("%s: field %q, reason %q; want field %q, reason %q", tc.name, re.Field, re.Reason, tc.field, tc.want)
		}
	}
	// Nanos of -1 (out of range): the runtime's own check is the oracle for what a Timestamp may hold.
	_, _, err := decode(cat(tag(16, protowire.BytesType), []byte{11, 0x10}, protowire.AppendVarint(nil, uint64(math.MaxUint64))))
	if err == nil || !strings.Contains(err.Error(), "nanos -1 out of range") {
		t.Errorf("nanos -1: %v", err)
	}
}

func TestConfluentHeader(t *testing.T) {
	body := protowire.AppendVarint(protowire.AppendTag(nil, 4, protowire.VarintType), 42)
	for _, tc := range []struct {
		header []byte
		index  []int
		want   string
	}{
		{[]byte{0, 0, 0, 1, 0, 0}, []int{0}, ""},
		{[]byte{0, 0, 0, 1, 0, 2, 0}, []int{0}, ""}, // [0] written in full
		{[]byte{0, 0, 0, 1, 0, 4, 2, 4}, []int{1, 2}, ""},
		{[]byte{0, 0, 0, 1, 0, 0}, []int{1}, "the Confluent header names message [0] of the schema, but the job reads message [1]"},
		{[]byte{1, 0, 0, 1, 0, 0}, []int{0}, "not in Confluent's wire format"},
		{[]byte{0, 0}, []int{0}, "not in Confluent's wire format"},
		{[]byte{0, 0, 0, 1, 0, 0x7e}, []int{0}, "message indexes"},
	} {
		var d Decoder
		d.Reset(append(append([]byte(nil), tc.header...), body...))
		d.ConfluentHeader(tc.index)
		var v int64
		for d.Next() {
			v = d.Int64()
		}
		err := d.End()
		switch {
		case tc.want == "" && (err != nil || v != 42 || d.SchemaID() != 256):
			t.Errorf("header % x: value %d, id %d, error %v", tc.header, v, d.SchemaID(), err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("header % x: error %v, want %q", tc.header, err, tc.want)
		}
		if tc.want == "" && len(tc.index) > 0 {
			if h := AppendConfluentHeader(nil, 256, tc.index); tc.index[0] == 0 && !bytes.Equal(h, []byte{0, 0, 0, 1, 0, 0}) {
				t.Errorf("AppendConfluentHeader(%v) = % x", tc.index, h)
			} else if len(tc.index) == 2 && !bytes.Equal(h, tc.header) {
				t.Errorf("AppendConfluentHeader(%v) = % x, want % x", tc.index, h, tc.header)
			}
		}
	}
}

// TestAppendAgainstRuntime writes messages with the appenders, in field-number order with defaults left out as a
// generated encoder does, and checks them against the runtime's deterministic encoding of the same values.
func TestAppendAgainstRuntime(t *testing.T) {
	md := descriptor(t)
	for i, v := range []values{
		{},
		{i32: -1, s32: -2, f32: -3, i64: math.MinInt64, s64: -5, f64: -6, b: true, d: -0.0, s: "héllo", e: -1,
			hasTS: true, tsSec: -2, tsNano: 5_000_000, hasW: true, w32: -1, w64: math.MaxInt64, wb: true, wd: math.Copysign(0, -1), ws: "x"},
		{i32: 7, d: 2.5, e: 1, hasTS: true, hasW: true}, // an empty Timestamp, wrappers of default values
	} {
		var b []byte
		if v.i32 != 0 {
			b = AppendInt32(b, 1, v.i32)
		}
		if v.s32 != 0 {
			b = AppendSint32(b, 2, v.s32)
		}
		if v.f32 != 0 {
			b = AppendSfixed32(b, 3, v.f32)
		}
		if v.i64 != 0 {
			b = AppendInt64(b, 4, v.i64)
		}
		if v.s64 != 0 {
			b = AppendSint64(b, 5, v.s64)
		}
		if v.f64 != 0 {
			b = AppendSfixed64(b, 6, v.f64)
		}
		if v.b {
			b = AppendBool(b, 11, v.b)
		}
		if math.Float64bits(v.d) != 0 {
			b = AppendDouble(b, 13, v.d)
		}
		if v.s != "" {
			b = AppendString(b, 14, v.s)
		}
		if v.e != 0 {
			b = AppendInt32(b, 15, v.e)
		}
		if v.hasTS {
			b = AppendTimestamp(b, 16, v.tsSec*1000+int64(v.tsNano)/1e6)
		}
		if v.hasW {
			b = AppendInt32Value(b, 17, v.w32)
			b = AppendInt64Value(b, 18, v.w64)
			b = AppendBoolValue(b, 19, v.wb)
			b = AppendDoubleValue(b, 20, v.wd)
			b = AppendStringValue(b, 21, v.ws)
		}
		m := v.message(md)
		for _, name := range []protoreflect.Name{"u32", "x32", "u64", "x64", "fl", "wu32", "wu64", "wf"} {
			m.Clear(md.Fields().ByName(name)) // no appenders: sinks write no unsigned or float fields
		}
		want, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want) {
			t.Errorf("case %d: appended\n% x\nthe runtime writes\n% x", i, b, want)
		}
		back := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(b, back); err != nil || !proto.Equal(back, m) {
			t.Errorf("case %d: the runtime reads back %v (%v)", i, back, err)
		}
	}
}

// TestDecodeAllocs checks that decoding allocates nothing but strings: the decoder lives on the stack of the
// generated function, and the Timestamp and wrapper readers keep their values there too.
func TestDecodeAllocs(t *testing.T) {
	md := descriptor(t)
	v := values{i32: -1, s64: 5, d: 2.5, e: 1, hasTS: true, tsSec: 7, tsNano: 8e6, hasW: true, w64: 9, wd: 1.5, wb: true}
	msg, err := proto.Marshal(v.message(md))
	if err != nil {
		t.Fatal(err)
	}
	var sink int64
	allocs := testing.AllocsPerRun(100, func() {
		var d Decoder
		d.Reset(msg)
		for d.Next() {
			switch d.Num() {
			case 1:
				sink += int64(d.Int32())
			case 5:
				sink += d.Sint64()
			case 13:
				sink += int64(d.Double())
			case 15:
				sink += int64(len(d.Enum(&enumE)))
			case 16:
				sink += d.Timestamp()
			case 18:
				sink += d.Int64Value()
			case 19:
				if d.BoolValue() {
					sink++
				}
			case 20:
				sink += int64(d.DoubleValue())
			default:
				d.Skip()
			}
		}
		if d.End() != nil {
			t.Fatal(d.End())
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per message, want 0", allocs)
	}
}

// TestOpenCloseField checks the length-delimited fields the encoders of nested values write, against protowire's
// own encoding: contents whose length takes one, two and three bytes, with a field before and after, and the
// packed appenders' elements against protowire's.
func TestOpenCloseField(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 300, 16383, 16384, 70000} {
		content := bytes.Repeat([]byte{'x'}, n)
		want := protowire.AppendBytes(protowire.AppendTag([]byte{9}, 5, protowire.BytesType), content)
		want = append(want, 7)
		b, start := OpenField([]byte{9}, 5)
		b = append(b, content...)
		b = CloseField(b, start)
		b = append(b, 7)
		if !bytes.Equal(b, want) {
			t.Errorf("%d bytes: got % x..., want % x...", n, b[:min(len(b), 8)], want[:min(len(want), 8)])
		}
	}
	var got, want []byte
	m3 := int64(-3)
	got = Varint(got, -3)
	want = protowire.AppendVarint(want, uint64(m3))
	got = ZigZag(got, -3)
	want = protowire.AppendVarint(want, protowire.EncodeZigZag(-3))
	got = Fixed32(got, -3)
	want = protowire.AppendFixed32(want, uint32(int32(m3)))
	got = Fixed64(got, -3)
	want = protowire.AppendFixed64(want, uint64(m3))
	got = Double(got, -1.5)
	want = protowire.AppendFixed64(want, math.Float64bits(-1.5))
	got = Bool(got, true)
	want = protowire.AppendVarint(want, 1)
	if !bytes.Equal(got, want) {
		t.Errorf("packed elements % x, want % x", got, want)
	}
}
