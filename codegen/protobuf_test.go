package codegen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/e2e"
)

// The Protobuf paths of a generated job, end to end without a broker: messages built and encoded by the official
// Go runtime (dynamicpb over the same .proto, compiled with protocompile) are fed to the job through the
// in-memory transport of the Avro test; the job's Protobuf sinks are parsed back with the runtime.

const protoE2EIn = `syntax = "proto3";
package e2e;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

enum Side { SIDE_UNSPECIFIED = 0; BUY = 1; SELL = 2; }

message Inner { int32 a = 1; }

message Trade {
  int64 id = 1;
  repeated string tags = 2;
  string sym = 3;
  Side side = 4;
  optional double px = 5;
  Inner inner = 6;
  int32 qty = 7;
  sint64 delta = 8;
  sfixed32 sf = 9;
  uint32 u32 = 10;
  uint64 u64 = 11;
  float ratio = 12;
  google.protobuf.Timestamp ts = 13;
  google.protobuf.Int64Value lot = 14;
  google.protobuf.StringValue note = 15;
  bool ok = 16;
  map<string, int32> m = 17;
}
`

// protoE2EOut is the message of the sink "copy": numbered in another order than the columns, with a wrapper for
// a nullable column and an enum of its own order.
const protoE2EOut = `syntax = "proto3";
package out;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

enum Side { SELL = 0; BUY = 1; }

message Copy {
  string sym = 1;
  Side side = 2;
  int64 id = 3;
  google.protobuf.Timestamp ts = 4;
  google.protobuf.DoubleValue px = 5;
  sint32 qty = 6;
}
`

// protoE2EJob is the job; REGISTRY stands for the URL of the test's schema registry.
const protoE2EJob = `CREATE STREAM trades WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'in.proto',
  'proto.message' = 'Trade', 'schema.registry.url' = 'REGISTRY', 'on.error' = 'skip');

SELECT id, sym, side, px, qty, delta, sf, u32, u64, ratio, ts, lot, note, ok FROM trades;

CREATE STREAM totals AS
SELECT sym, side, SUM(qty) AS q, COUNT(*) AS n, MAX(ts) AS last, MAX(px) AS hi FROM trades GROUP BY sym, side EMIT FINAL
WITH ('totals.type' = 'kafka_sink', 'totals.format' = 'protobuf', 'totals.schema.registry.url' = 'REGISTRY');

CREATE STREAM copy AS SELECT id, sym, side, px, ts, qty FROM trades WHERE ok
WITH ('copy.type' = 'kafka_sink', 'copy.format' = 'protobuf', 'copy.proto.file' = 'out.proto', 'copy.proto.message' = 'out.Copy',
      'copy.schema.id' = '5');

CREATE STREAM strict (id BIGINT, px DOUBLE NOT NULL, lot BIGINT NOT NULL, side VARCHAR)
  WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'in.proto', 'proto.message' = 'e2e.Trade', 'on.error' = 'skip');
CREATE STREAM strict_out AS SELECT id, px, lot, side FROM strict WITH ('strict_out.type' = 'kafka_sink', 'strict_out.format' = 'json');
`

type protoE2ETrade struct {
	id         int64
	sym, side  string
	px         *float64
	qty        int32
	delta      int64
	sf         int32
	u32        uint32
	u64        uint64
	ratio      float32
	ts         *time.Time
	lot        *int64
	note       *string
	ok         bool
	tags       []string
	innerA     int32
	mapEntries int
}

// compileProto compiles one .proto source with the well-known types, as velocc does.
func compileProto(t *testing.T, name, src string) protoreflect.FileDescriptor {
	t.Helper()
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{name: src}),
	})}
	files, err := c.Compile(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

func (tr *protoE2ETrade) message(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	f := md.Fields().ByName
	m.Set(f("id"), protoreflect.ValueOfInt64(tr.id))
	for _, tag := range tr.tags {
		m.Mutable(f("tags")).List().Append(protoreflect.ValueOfString(tag))
	}
	m.Set(f("sym"), protoreflect.ValueOfString(tr.sym))
	m.Set(f("side"), protoreflect.ValueOfEnum(md.ParentFile().Enums().ByName("Side").Values().ByName(protoreflect.Name(tr.side)).Number()))
	if tr.px != nil {
		m.Set(f("px"), protoreflect.ValueOfFloat64(*tr.px))
	}
	if tr.innerA != 0 {
		in := m.Mutable(f("inner")).Message()
		in.Set(in.Descriptor().Fields().ByName("a"), protoreflect.ValueOfInt32(tr.innerA))
	}
	m.Set(f("qty"), protoreflect.ValueOfInt32(tr.qty))
	m.Set(f("delta"), protoreflect.ValueOfInt64(tr.delta))
	m.Set(f("sf"), protoreflect.ValueOfInt32(tr.sf))
	m.Set(f("u32"), protoreflect.ValueOfUint32(tr.u32))
	m.Set(f("u64"), protoreflect.ValueOfUint64(tr.u64))
	m.Set(f("ratio"), protoreflect.ValueOfFloat32(tr.ratio))
	if tr.ts != nil {
		ts := m.Mutable(f("ts")).Message()
		ts.Set(ts.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(tr.ts.Unix()))
		ts.Set(ts.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(int32(tr.ts.Nanosecond())))
	}
	if tr.lot != nil {
		w := m.Mutable(f("lot")).Message()
		w.Set(w.Descriptor().Fields().ByName("value"), protoreflect.ValueOfInt64(*tr.lot))
	}
	if tr.note != nil {
		w := m.Mutable(f("note")).Message()
		w.Set(w.Descriptor().Fields().ByName("value"), protoreflect.ValueOfString(*tr.note))
	}
	m.Set(f("ok"), protoreflect.ValueOfBool(tr.ok))
	for i := 0; i < tr.mapEntries; i++ {
		m.Mutable(f("m")).Map().Set(protoreflect.ValueOfString(strconv.Itoa(i)).MapKey(), protoreflect.ValueOfInt32(int32(i)))
	}
	return m
}

func jsonNum(p *int64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatInt(*p, 10)
}

func (tr *protoE2ETrade) jsonLine() string {
	px, ts, note := "null", "null", "null"
	if tr.px != nil {
		px = strconv.FormatFloat(*tr.px, 'g', -1, 64)
	}
	if tr.ts != nil {
		ts = strconv.FormatInt(tr.ts.UnixMilli(), 10)
	}
	if tr.note != nil {
		note = strconv.Quote(*tr.note)
	}
	return fmt.Sprintf(`{"id":%d,"sym":%q,"side":%q,"px":%s,"qty":%d,"delta":%d,"sf":%d,"u32":%d,"u64":%d,"ratio":%s,"ts":%s,"lot":%s,"note":%s,"ok":%t}`,
		tr.id, tr.sym, tr.side, px, tr.qty, tr.delta, tr.sf, tr.u32, tr.u64, strconv.FormatFloat(float64(tr.ratio), 'g', -1, 64), ts,
		jsonNum(tr.lot), note, tr.ok)
}

func TestProtobufJobEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program; skipped with -short")
	}
	// The schema registry, answering as the documented API does: id 7 is in.proto, id 8 the same with "sym" an
	// int64 (incompatible), and a registered schema gets id 21.
	var mu sync.Mutex
	var registered []string
	incompatible := strings.Replace(protoE2EIn, "string sym = 3;", "int64 sym = 3;", 1)
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		answer := func(v any) {
			b, _ := json.Marshal(v)
			w.Write(b)
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/schemas/ids/7":
			answer(map[string]string{"schema": protoE2EIn, "schemaType": "PROTOBUF"})
		case r.Method == http.MethodGet && r.URL.Path == "/schemas/ids/8":
			answer(map[string]string{"schema": incompatible, "schemaType": "PROTOBUF"})
		case r.Method == http.MethodPost && r.URL.Path == "/subjects/totals-value/versions":
			var req map[string]string
			body, _ := io.ReadAll(r.Body)
			json.Unmarshal(body, &req)
			registered = append(registered, req["schemaType"]+"\n"+req["schema"])
			answer(map[string]int{"id": 21})
		default:
			w.WriteHeader(http.StatusNotFound)
			answer(map[string]any{"error_code": 40403, "message": "Schema not found"})
		}
	}))
	defer reg.Close()
	job := strings.ReplaceAll(protoE2EJob, "REGISTRY", reg.URL)

	dir := t.TempDir()
	files := map[string]string{"in.proto": protoE2EIn, "out.proto": protoE2EOut, "job.sql": job}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	plan, diags := compiler.Compile(filepath.Join(dir, "job.sql"), []byte(job), &compiler.Options{})
	if diags.HasErrors() || plan == nil {
		t.Fatalf("the job does not compile:\n%v", diags)
	}
	src, err := Generate(plan)
	if err != nil {
		t.Fatal(err)
	}
	var totalsProto string
	for _, k := range plan.Sinks {
		if k.Name == "totals" {
			totalsProto = k.Proto.Text
		}
	}

	md := compileProto(t, "in.proto", protoE2EIn).Messages().ByName("Trade")
	rng := rand.New(rand.NewPCG(21, 22))
	header := []byte{0, 0, 0, 0, 7, 2, 2} // magic byte, schema id 7, message indexes [1] (zig-zag): Trade is the file's second message
	syms := []string{"AAPL", "MSFT", "GOOG", ""}
	sides := []string{"BUY", "SELL", "SIDE_UNSPECIFIED"}
	var in, strict []byte // strict: the messages without framing, for the source with NOT NULL columns
	var trades []protoE2ETrade
	for i := 0; i < 300; i++ {
		tr := protoE2ETrade{
			id:     int64(i) - 5, // 0 (absent on the wire) and negatives too
			sym:    syms[rng.IntN(len(syms))],
			side:   sides[rng.IntN(len(sides))],
			qty:    rng.Int32N(2000) - 1000,
			delta:  rng.Int64() - math.MaxInt64/2,
			sf:     -rng.Int32N(100),
			u32:    math.MaxUint32 - uint32(rng.IntN(3)),
			u64:    math.MaxUint64 - uint64(rng.IntN(1000)),
			ratio:  float32(rng.IntN(1000)-500) / 8,
			ok:     rng.IntN(3) > 0,
			innerA: rng.Int32N(3),
		}
		if tr.ok && tr.side == "SIDE_UNSPECIFIED" {
			tr.side = "BUY" // out.Side has no such value
		}
		if rng.IntN(4) > 0 {
			v := float64(rng.IntN(100000)-50000) / 16
			tr.px = &v
		}
		if rng.IntN(5) > 0 {
			ts := time.Unix(1_700_000_000+int64(i), int64(rng.IntN(1e9))).UTC()
			if i%7 == 0 {
				ts = time.Unix(-int64(rng.IntN(1e6)), int64(rng.IntN(1e9))).UTC() // before 1970
			}
			tr.ts = &ts
		}
		if rng.IntN(2) == 0 {
			v := rng.Int64N(1000) - 500
			if i%5 == 0 {
				v = 0 // a wrapper holding the default value: present, not NULL
			}
			tr.lot = &v
		}
		if rng.IntN(2) == 0 {
			s := strings.Repeat("é", rng.IntN(3))
			tr.note = &s
		}
		for j := rng.IntN(3); j > 0; j-- {
			tr.tags = append(tr.tags, strings.Repeat("t", j))
		}
		tr.mapEntries = rng.IntN(3)
		msg, err := proto.MarshalOptions{Deterministic: true}.Marshal(tr.message(md))
		if err != nil {
			t.Fatal(err)
		}
		switch i % 4 {
		case 1: // an unknown field of every wire type before the known ones
			var extra []byte
			extra = protowire.AppendVarint(protowire.AppendTag(extra, 99, protowire.VarintType), 1<<40)
			extra = protowire.AppendFixed32(protowire.AppendTag(extra, 100, protowire.Fixed32Type), 5)
			extra = protowire.AppendFixed64(protowire.AppendTag(extra, 101, protowire.Fixed64Type), 6)
			extra = protowire.AppendString(protowire.AppendTag(extra, 102, protowire.BytesType), "unknown")
			msg = append(extra, msg...)
		case 2: // the fields in descending number order (a repeated field's elements kept in their order)
			type chunk struct {
				num  protowire.Number
				data []byte
			}
			var chunks []chunk
			for b := msg; len(b) > 0; {
				num, typ, n := protowire.ConsumeTag(b)
				m := protowire.ConsumeFieldValue(num, typ, b[n:])
				if n < 0 || m < 0 {
					t.Fatal("cannot split the message")
				}
				chunks = append(chunks, chunk{num, b[:n+m]})
				b = b[n+m:]
			}
			sort.SliceStable(chunks, func(i, j int) bool { return chunks[i].num > chunks[j].num })
			var rev []byte
			for _, c := range chunks {
				rev = append(rev, c.data...)
			}
			msg = rev
		}
		// The runtime's own parse of the message must give the trade back, so that the oracle is right.
		back := dynamicpb.NewMessage(md)
		err = proto.Unmarshal(msg, back)
		back.SetUnknown(nil) // the unknown fields added above
		if err != nil || !proto.Equal(back, tr.message(md)) {
			t.Fatalf("message %d does not round-trip through the runtime: %v", i, err)
		}
		in = framed(in, append(append([]byte(nil), header...), msg...))
		strict = framed(strict, msg)
		trades = append(trades, tr)
		switch i {
		case 60: // a varint cut short
			in = framed(in, append(append([]byte(nil), header...), append(msg[:len(msg):len(msg)], 0x08, 0x80)...))
		case 120: // "sym" as a varint
			in = framed(in, append(append([]byte(nil), header...), 0x18, 0x05))
		case 180: // no Confluent header
			in = framed(in, msg)
		case 240: // a string cut short
			in = framed(in, append(append([]byte(nil), header...), 0x1a, 0x09, 'A'))
		case 270: // the header names the file's first message
			in = framed(in, append([]byte{0, 0, 0, 0, 7, 0}, msg...))
		case 280: // written with schema 8, whose "sym" is no string
			in = framed(in, append([]byte{0, 0, 0, 0, 8, 2, 2}, msg...))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), in, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "strict.bin"), strict, 0o666); err != nil {
		t.Fatal(err)
	}

	bin := buildMemJob(t, "protojob", src)
	res, err := e2e.Run(dir, bin, "--bounded", "--source", "trades=mem:in.bin",
		"--sink", "totals=mem:totals.bin", "--sink", "copy=mem:copy.bin",
		"--source", "strict=mem:strict.bin", "--sink", "strict_out=mem:strict_out.bin")
	if err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("the job exited with %d:\n%s", res.Code, res.Stderr)
	}
	for _, want := range []string{
		"trades: read 306, bad 6, late 0",
		`field "id": invalid Protobuf value: unexpected EOF (field number 1 at offset`, // a tag, then a varint cut short
		`field "sym": wire type varint, want length-delimited; was the message written with another schema? (field number 3 at offset 7)`,
		"not in Confluent's wire format",
		"the Confluent header names message [0] of the schema, but the job reads message [1]",
		`field "sym": the writer schema 8 in the registry has field 3 "sym" of type int64, the job reads string`,
		`field "sym": invalid Protobuf value: unexpected EOF (field number 3 at offset 7)`,
	} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr has no %q:\n%s", want, res.Stderr)
		}
	}

	// strict: a trade without px (optional) or lot (a wrapper) is a bad record; an absent side is its default.
	var strictWant []string
	strictBad := 0
	for i := range trades {
		tr := &trades[i]
		if tr.px == nil || tr.lot == nil {
			strictBad++
			continue
		}
		strictWant = append(strictWant, fmt.Sprintf(`{"id":%d,"px":%s,"lot":%d,"side":%q}`, tr.id, strconv.FormatFloat(*tr.px, 'g', -1, 64), *tr.lot, tr.side))
	}
	var strictGot []string
	for _, m := range unframe(t, mustRead(t, filepath.Join(dir, "strict_out.bin"))) {
		strictGot = append(strictGot, string(m))
	}
	if strings.Join(strictGot, "\n") != strings.Join(strictWant, "\n") {
		t.Errorf("strict_out (-want +got):\n%s", lineDiff(strings.Join(strictWant, "\n"), strings.Join(strictGot, "\n")))
	}
	if want := fmt.Sprintf("strict: read %d, bad %d, late 0", len(trades), strictBad); !strings.Contains(res.Stderr, want) ||
		!strings.Contains(res.Stderr, `field "px": missing value for a NOT NULL column`) && !strings.Contains(res.Stderr, `field "lot": missing value for a NOT NULL column`) {
		t.Errorf("stderr has no %q and no NOT NULL error:\n%s", want, res.Stderr)
	}

	var want strings.Builder
	for i := range trades {
		want.WriteString(trades[i].jsonLine() + "\n")
	}
	if res.Stdout != want.String() {
		t.Errorf("stdout (-want +got):\n%s", lineDiff(want.String(), res.Stdout))
	}

	// copy: the rows with ok, in out.Copy.
	outMD := compileProto(t, "out.proto", protoE2EOut).Messages().ByName("Copy")
	msgs := unframe(t, mustRead(t, filepath.Join(dir, "copy.bin")))
	k := 0
	for i := range trades {
		tr := &trades[i]
		if !tr.ok {
			continue
		}
		if k >= len(msgs) {
			t.Fatalf("copy has %d messages, want more", len(msgs))
		}
		if !bytes.HasPrefix(msgs[k], []byte{0, 0, 0, 0, 5, 0}) {
			t.Fatalf("copy message %d does not start with the header of schema 5: % x", k, msgs[k])
		}
		msgs[k] = msgs[k][6:]
		got := dynamicpb.NewMessage(outMD)
		if err := proto.Unmarshal(msgs[k], got); err != nil {
			t.Fatalf("copy message %d: %v", k, err)
		}
		exp := dynamicpb.NewMessage(outMD)
		f := outMD.Fields().ByName
		exp.Set(f("sym"), protoreflect.ValueOfString(tr.sym))
		{
			exp.Set(f("side"), protoreflect.ValueOfEnum(outMD.ParentFile().Enums().ByName("Side").Values().ByName(protoreflect.Name(tr.side)).Number()))
		}
		exp.Set(f("id"), protoreflect.ValueOfInt64(tr.id))
		if tr.ts != nil {
			ts := exp.Mutable(f("ts")).Message()
			ms := tr.ts.UnixMilli()
			secs, rem := ms/1000, ms%1000
			if rem < 0 {
				secs, rem = secs-1, rem+1000
			}
			ts.Set(ts.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(secs))
			ts.Set(ts.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(int32(rem*1e6)))
		}
		if tr.px != nil {
			w := exp.Mutable(f("px")).Message()
			w.Set(w.Descriptor().Fields().ByName("value"), protoreflect.ValueOfFloat64(*tr.px))
		}
		exp.Set(f("qty"), protoreflect.ValueOfInt32(tr.qty))
		if !proto.Equal(got, exp) {
			t.Errorf("copy message %d is %v, want %v", k, got, exp)
		}
		// Fields in number order, defaults left out: the runtime's deterministic encoding is the same bytes.
		if b, _ := (proto.MarshalOptions{Deterministic: true}).Marshal(exp); !bytes.Equal(b, msgs[k]) {
			t.Errorf("copy message %d is % x, the runtime writes % x", k, msgs[k], b)
		}
		k++
	}
	if k != len(msgs) {
		t.Errorf("copy has %d messages, want %d", len(msgs), k)
	}

	// totals: one row per (sym, side), in the message derived from its columns.
	type group struct {
		q, n, last int64
		hasLast    bool
		hi         *float64
		position   int
	}
	groups := map[string]*group{}
	for i := range trades {
		tr := &trades[i]
		key := tr.sym + "/" + tr.side
		g := groups[key]
		if g == nil {
			g = &group{position: len(groups)}
			groups[key] = g
		}
		g.q += int64(tr.qty)
		g.n++
		if tr.ts != nil && (!g.hasLast || tr.ts.UnixMilli() > g.last) {
			g.last, g.hasLast = tr.ts.UnixMilli(), true
		}
		if tr.px != nil && (g.hi == nil || *tr.px > *g.hi) {
			v := *tr.px
			g.hi = &v
		}
	}
	totMD := compileProto(t, "totals.proto", totalsProto).Messages().ByName("totals")
	msgs = unframe(t, mustRead(t, filepath.Join(dir, "totals.bin")))
	if len(msgs) != len(groups) {
		t.Fatalf("totals has %d messages, want %d", len(msgs), len(groups))
	}
	if len(registered) != 1 || registered[0] != "PROTOBUF\n"+totalsProto {
		t.Errorf("registered %q, want totals' message once", registered)
	}
	for i, msg := range msgs {
		if !bytes.HasPrefix(msg, []byte{0, 0, 0, 0, 21, 0}) {
			t.Fatalf("totals message %d does not start with the header of the registered schema 21: % x", i, msg)
		}
		msg = msg[6:]
		got := dynamicpb.NewMessage(totMD)
		if err := proto.Unmarshal(msg, got); err != nil {
			t.Fatalf("totals message %d: %v", i, err)
		}
		f := totMD.Fields().ByName
		g := groups[got.Get(f("sym")).String()+"/"+got.Get(f("side")).String()]
		if g == nil || g.position != i || !got.Has(f("sym")) {
			t.Fatalf("totals message %d is %v, which is not group %d", i, got, i)
		}
		ts := got.Get(f("last")).Message()
		last := ts.Get(ts.Descriptor().Fields().ByName("seconds")).Int()*1000 + ts.Get(ts.Descriptor().Fields().ByName("nanos")).Int()/1e6
		if got.Get(f("q")).Int() != g.q || got.Get(f("n")).Int() != g.n || got.Has(f("last")) != g.hasLast || g.hasLast && last != g.last ||
			got.Has(f("hi")) != (g.hi != nil) || g.hi != nil && got.Get(f("hi")).Float() != *g.hi {
			t.Errorf("totals message %d is %v, want %+v", i, got, g)
		}
	}
}
