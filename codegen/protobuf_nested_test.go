package codegen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/e2e"
)

// Nested Protobuf messages end to end: messages built by the official runtime (dynamicpb) with sub-messages,
// repeated fields (packed and unpacked on the wire), maps and bytes, read by a job into STRUCT, ARRAY, MAP and
// BLOB columns and written as JSON, compared with the values the messages were built from.

const protoNestIn = `syntax = "proto3";
package nest;

import "google/protobuf/timestamp.proto";

enum Kind { KIND_UNSPECIFIED = 0; A = 1; B = 2; }

message Addr {
  string street = 1;
  int32 zip = 2;
  optional string note = 3;
  Kind kind = 4;
}

message Item {
  string sku = 1;
  int64 qty = 2;
  double price = 3;
  repeated int32 codes = 4;
}

message Node {
  int32 v = 1;
  Node next = 2;
}

message Order {
  int64 id = 1;
  Addr addr = 2;
  repeated Item items = 3;
  repeated int64 nums = 4;
  repeated sint32 deltas = 5 [packed = false];
  map<string, int64> attrs = 6;
  map<int32, Addr> places = 7;
  bytes blob = 8;
  repeated string tags = 9;
  repeated Kind kinds = 10;
  repeated google.protobuf.Timestamp times = 11;
  Node tree = 12;
}
`

// protoNestJob reads the messages twice: every column derived from the message, and a few declared parts, so
// that the decoder skips the rest.
const protoNestJob = `CREATE STREAM orders WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'nest.proto', 'proto.message' = 'Order');
CREATE STREAM everything AS SELECT * FROM orders WITH ('everything.type' = 'kafka_sink', 'everything.format' = 'json');

CREATE STREAM slim (id BIGINT, addr STRUCT(zip BIGINT, kind VARCHAR), items STRUCT(sku VARCHAR, codes INT[])[], places MAP(INT, STRUCT(street VARCHAR)))
  WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'nest.proto', 'proto.message' = 'nest.Order');
CREATE STREAM picks AS SELECT id, addr.zip AS zip, items[1].sku AS first_sku, items[2].codes AS codes, CARDINALITY(places) AS n FROM slim
  WITH ('picks.type' = 'kafka_sink', 'picks.format' = 'json');
`

type nestAddr struct {
	street string
	zip    int32
	note   *string
	kind   string
}

type nestItem struct {
	sku   string
	qty   int64
	price float64
	codes []int32
}

type nestOrder struct {
	id     int64
	addr   *nestAddr
	items  []nestItem
	nums   []int64
	deltas []int32
	attrs  map[string]int64
	places map[int32]nestAddr
	blob   []byte
	tags   []string
	kinds  []string
	times  []time.Time
	tree   *int32
}

func (a *nestAddr) set(m protoreflect.Message) {
	f := m.Descriptor().Fields().ByName
	m.Set(f("street"), protoreflect.ValueOfString(a.street))
	m.Set(f("zip"), protoreflect.ValueOfInt32(a.zip))
	if a.note != nil {
		m.Set(f("note"), protoreflect.ValueOfString(*a.note))
	}
	m.Set(f("kind"), protoreflect.ValueOfEnum(kindNumber(m.Descriptor(), a.kind)))
}

func kindNumber(md protoreflect.MessageDescriptor, name string) protoreflect.EnumNumber {
	return md.ParentFile().Enums().ByName("Kind").Values().ByName(protoreflect.Name(name)).Number()
}

func (o *nestOrder) message(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	f := md.Fields().ByName
	m.Set(f("id"), protoreflect.ValueOfInt64(o.id))
	if o.addr != nil {
		o.addr.set(m.Mutable(f("addr")).Message())
	}
	for _, it := range o.items {
		e := m.Mutable(f("items")).List().AppendMutable().Message()
		ef := e.Descriptor().Fields().ByName
		e.Set(ef("sku"), protoreflect.ValueOfString(it.sku))
		e.Set(ef("qty"), protoreflect.ValueOfInt64(it.qty))
		e.Set(ef("price"), protoreflect.ValueOfFloat64(it.price))
		for _, c := range it.codes {
			e.Mutable(ef("codes")).List().Append(protoreflect.ValueOfInt32(c))
		}
	}
	for _, n := range o.nums {
		m.Mutable(f("nums")).List().Append(protoreflect.ValueOfInt64(n))
	}
	for _, n := range o.deltas {
		m.Mutable(f("deltas")).List().Append(protoreflect.ValueOfInt32(n))
	}
	for k, v := range o.attrs {
		m.Mutable(f("attrs")).Map().Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfInt64(v))
	}
	for k, a := range o.places {
		mp := m.Mutable(f("places")).Map()
		v := mp.NewValue()
		a.set(v.Message())
		mp.Set(protoreflect.ValueOfInt32(k).MapKey(), v)
	}
	m.Set(f("blob"), protoreflect.ValueOfBytes(o.blob))
	for _, s := range o.tags {
		m.Mutable(f("tags")).List().Append(protoreflect.ValueOfString(s))
	}
	for _, k := range o.kinds {
		m.Mutable(f("kinds")).List().Append(protoreflect.ValueOfEnum(kindNumber(md, k)))
	}
	for _, ts := range o.times {
		e := m.Mutable(f("times")).List().AppendMutable().Message()
		ef := e.Descriptor().Fields().ByName
		e.Set(ef("seconds"), protoreflect.ValueOfInt64(ts.Unix()))
		e.Set(ef("nanos"), protoreflect.ValueOfInt32(int32(ts.Nanosecond())))
	}
	if o.tree != nil {
		t := m.Mutable(f("tree")).Message()
		t.Set(t.Descriptor().Fields().ByName("v"), protoreflect.ValueOfInt32(*o.tree))
		n := t.Mutable(t.Descriptor().Fields().ByName("next")).Message() // a field the STRUCT cannot hold: skipped
		n.Set(n.Descriptor().Fields().ByName("v"), protoreflect.ValueOfInt32(7))
	}
	return m
}

func (a *nestAddr) json() map[string]any {
	var note any
	if a.note != nil {
		note = *a.note
	}
	return map[string]any{"street": a.street, "zip": a.zip, "note": note, "kind": a.kind}
}

// everything is the JSON row of SELECT * that the order's message gives.
func (o *nestOrder) everything() map[string]any {
	row := map[string]any{"id": o.id, "addr": nil, "tree": nil}
	if o.addr != nil {
		row["addr"] = o.addr.json()
	}
	items := []any{}
	for _, it := range o.items {
		codes := []any{}
		for _, c := range it.codes {
			codes = append(codes, c)
		}
		items = append(items, map[string]any{"sku": it.sku, "qty": it.qty, "price": it.price, "codes": codes})
	}
	row["items"] = items
	list := func(n int, at func(i int) any) []any {
		out := []any{}
		for i := 0; i < n; i++ {
			out = append(out, at(i))
		}
		return out
	}
	row["nums"] = list(len(o.nums), func(i int) any { return o.nums[i] })
	row["deltas"] = list(len(o.deltas), func(i int) any { return o.deltas[i] })
	row["tags"] = list(len(o.tags), func(i int) any { return o.tags[i] })
	row["kinds"] = list(len(o.kinds), func(i int) any { return o.kinds[i] })
	row["times"] = list(len(o.times), func(i int) any { return o.times[i].UnixMilli() })
	attrs := map[string]any{}
	for k, v := range o.attrs {
		attrs[k] = v
	}
	row["attrs"] = attrs
	places := map[string]any{}
	for k, a := range o.places {
		places[fmt.Sprint(k)] = a.json()
	}
	row["places"] = places
	var blob strings.Builder
	for _, c := range o.blob {
		if c >= 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '\'' { // as DuckDB writes a BLOB
			blob.WriteByte(c)
		} else {
			fmt.Fprintf(&blob, `\x%02X`, c)
		}
	}
	row["blob"] = blob.String()
	if o.tree != nil {
		row["tree"] = map[string]any{"v": *o.tree}
	}
	return row
}

// picks is the row of the query over the declared parts.
func (o *nestOrder) picks() map[string]any {
	row := map[string]any{"id": o.id, "zip": nil, "first_sku": nil, "codes": nil, "n": len(o.places)}
	if o.addr != nil {
		row["zip"] = o.addr.zip
	}
	if len(o.items) > 0 {
		row["first_sku"] = o.items[0].sku
	}
	if len(o.items) > 1 {
		codes := []any{}
		for _, c := range o.items[1].codes {
			codes = append(codes, c)
		}
		row["codes"] = codes
	}
	return row
}

// canonJSON parses JSON text, numbers kept as their text, for comparing values whatever their order in objects.
func canonJSON(t *testing.T, text []byte) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(string(text)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	return v
}

func canonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return canonJSON(t, b)
}

// unpack rewrites the packed field num of msg as one field per element (varints), which decoders must accept.
func unpack(t *testing.T, msg []byte, num protowire.Number) []byte {
	t.Helper()
	var out []byte
	for b := msg; len(b) > 0; {
		n, typ, k := protowire.ConsumeTag(b)
		m := protowire.ConsumeFieldValue(n, typ, b[k:])
		if k < 0 || m < 0 {
			t.Fatal("cannot split the message")
		}
		if n != num || typ != protowire.BytesType {
			out = append(out, b[:k+m]...)
			b = b[k+m:]
			continue
		}
		packed, _ := protowire.ConsumeBytes(b[k:])
		for len(packed) > 0 {
			v, j := protowire.ConsumeVarint(packed)
			out = protowire.AppendVarint(protowire.AppendTag(out, num, protowire.VarintType), v)
			packed = packed[j:]
		}
		b = b[k+m:]
	}
	return out
}

// splitAddr writes field 2 (addr) as two occurrences, its first field in the first: protobuf merges them.
func splitAddr(t *testing.T, msg []byte) []byte {
	t.Helper()
	var out []byte
	for b := msg; len(b) > 0; {
		n, typ, k := protowire.ConsumeTag(b)
		m := protowire.ConsumeFieldValue(n, typ, b[k:])
		if k < 0 || m < 0 {
			t.Fatal("cannot split the message")
		}
		if n != 2 {
			out = append(out, b[:k+m]...)
			b = b[k+m:]
			continue
		}
		sub, _ := protowire.ConsumeBytes(b[k:])
		fn, ft, fk := protowire.ConsumeTag(sub)
		first := fk + protowire.ConsumeFieldValue(fn, ft, sub[fk:])
		out = protowire.AppendBytes(protowire.AppendTag(out, 2, protowire.BytesType), sub[:first])
		out = protowire.AppendBytes(protowire.AppendTag(out, 2, protowire.BytesType), sub[first:])
		b = b[k+m:]
	}
	return out
}

// randomNestOrder is the i-th order of the nested Protobuf tests, drawn from rng: sometimes no address, 0 to 3 items
// (every tenth order one more whose sub-message is longer than 127 bytes, so that its length takes two bytes),
// packed numbers, maps of scalars and of messages, bytes, empty strings, enums, times before and after the base,
// and the recursive tree.
func randomNestOrder(rng *rand.Rand, i int) nestOrder {
	kinds := []string{"KIND_UNSPECIFIED", "A", "B"}
	addr := func() nestAddr {
		a := nestAddr{street: strings.Repeat("s", rng.IntN(3)), zip: rng.Int32N(3) * 10007, kind: kinds[rng.IntN(3)]}
		if rng.IntN(2) == 0 {
			n := strings.Repeat("ü", rng.IntN(2))
			a.note = &n
		}
		return a
	}
	o := nestOrder{id: int64(i) - 3}
	if rng.IntN(4) > 0 {
		a := addr()
		o.addr = &a
	}
	for j := rng.IntN(4); j > 0; j-- {
		it := nestItem{sku: fmt.Sprintf("sku%d", rng.IntN(50)), qty: rng.Int64N(1e12) - 5e11, price: float64(rng.IntN(4000)) / 8}
		for k := rng.IntN(4); k > 0; k-- {
			it.codes = append(it.codes, rng.Int32N(1000)-500)
		}
		o.items = append(o.items, it)
	}
	if i%10 == 0 { // a sub-message longer than 127 bytes: its length takes two bytes
		o.items = append(o.items, nestItem{sku: strings.Repeat("x", 300), qty: 1})
	}
	for j := rng.IntN(5); j > 0; j-- {
		o.nums = append(o.nums, rng.Int64N(1<<40)-1<<39)
	}
	for j := rng.IntN(4); j > 0; j-- {
		o.deltas = append(o.deltas, rng.Int32N(2000)-1000)
	}
	if j := rng.IntN(4); j > 0 {
		o.attrs = map[string]int64{}
		for ; j > 0; j-- {
			o.attrs[fmt.Sprintf("k%d", rng.IntN(10))] = rng.Int64N(100) - 50
		}
	}
	if j := rng.IntN(3); j > 0 {
		o.places = map[int32]nestAddr{}
		for ; j > 0; j-- {
			o.places[rng.Int32N(20)-10] = addr()
		}
	}
	for j := rng.IntN(4); j > 0; j-- {
		o.blob = append(o.blob, byte(rng.IntN(256)))
	}
	for j := rng.IntN(3); j > 0; j-- {
		o.tags = append(o.tags, strings.Repeat("t", j-1))
	}
	for j := rng.IntN(4); j > 0; j-- {
		o.kinds = append(o.kinds, kinds[rng.IntN(3)])
	}
	for j := rng.IntN(3); j > 0; j-- {
		o.times = append(o.times, time.UnixMilli(1_700_000_000_000+rng.Int64N(1e9)-5e8).UTC())
	}
	if rng.IntN(2) == 0 {
		v := rng.Int32N(100)
		o.tree = &v
	}
	return o
}

// compileNestJob writes nest.proto and the job's script into a new directory and compiles the script there.
func compileNestJob(t *testing.T, job string) (string, *compiler.Plan) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"nest.proto": protoNestIn, "job.sql": job} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	plan, diags := compiler.Compile(filepath.Join(dir, "job.sql"), []byte(job), &compiler.Options{})
	if diags.HasErrors() || plan == nil {
		t.Fatalf("the job does not compile:\n%v", diags)
	}
	return dir, plan
}

func TestProtobufNestedSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program; skipped with -short")
	}
	dir, plan := compileNestJob(t, protoNestJob)
	src, err := Generate(plan)
	if err != nil {
		t.Fatal(err)
	}

	md := compileProto(t, "nest.proto", protoNestIn).Messages().ByName("Order")
	rng := rand.New(rand.NewPCG(14, 15))
	var in []byte
	var orders []nestOrder
	for i := 0; i < 200; i++ {
		o := randomNestOrder(rng, i)
		msg, err := proto.MarshalOptions{Deterministic: true}.Marshal(o.message(md))
		if err != nil {
			t.Fatal(err)
		}
		switch i % 3 {
		case 1: // nums and the items' codes unpacked
			msg = unpack(t, msg, 4)
		case 2: // addr in two parts
			if o.addr != nil && o.addr.street != "" {
				msg = splitAddr(t, msg)
			}
		}
		back := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(msg, back); err != nil || !proto.Equal(back, o.message(md)) {
			t.Fatalf("message %d does not round-trip through the runtime: %v", i, err)
		}
		in = framed(in, msg)
		orders = append(orders, o)
	}
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), in, 0o666); err != nil {
		t.Fatal(err)
	}

	bin := buildMemJob(t, "nestjob", src)
	res, err := e2e.Run(dir, bin, "--bounded", "--source", "orders=mem:in.bin", "--source", "slim=mem:in.bin",
		"--sink", "everything=mem:everything.bin", "--sink", "picks=mem:picks.bin")
	if err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("the job exited with %d:\n%s", res.Code, res.Stderr)
	}
	for sink, want := range map[string]func(o *nestOrder) map[string]any{"everything": (*nestOrder).everything, "picks": (*nestOrder).picks} {
		msgs := unframe(t, mustRead(t, filepath.Join(dir, sink+".bin")))
		if len(msgs) != len(orders) {
			t.Fatalf("%s has %d rows, want %d", sink, len(msgs), len(orders))
		}
		for i, m := range msgs {
			if got, exp := canonJSON(t, m), canonValue(t, want(&orders[i])); !reflect.DeepEqual(got, exp) {
				t.Errorf("%s row %d:\n got %s\nwant %v", sink, i, m, exp)
			}
		}
	}
}
