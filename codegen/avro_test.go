package codegen

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/e2e"
)

// The Avro paths of a generated job, end to end without a broker: records written by github.com/hamba/avro (the
// oracle) are fed to the job through an in-memory transport, read by the generated decoder, and the rows of its
// Avro sinks are read back with hamba and checked against results computed here.

// avroE2EWriter is the writer schema of the source: columns interleaved with fields that are only skipped (an
// array, a map of a recursive record, an always-empty record, an array of nulls, a fixed).
const avroE2EWriter = `{"type": "record", "name": "Trade", "namespace": "e2e", "fields": [
  {"name": "id", "type": "long"},
  {"name": "tags", "type": {"type": "array", "items": "string"}},
  {"name": "sym", "type": "string"},
  {"name": "side", "type": {"type": "enum", "name": "Side", "symbols": ["BUY", "SELL"]}},
  {"name": "tree", "type": {"type": "map", "values": ["null", {"type": "record", "name": "Node", "fields": [
    {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]}]}},
  {"name": "px", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 18, "scale": 4}]},
  {"name": "empty", "type": {"type": "record", "name": "Empty", "fields": []}},
  {"name": "notional", "type": {"type": "fixed", "name": "N", "size": 9, "logicalType": "decimal", "precision": 20, "scale": 2}},
  {"name": "nulls", "type": {"type": "array", "items": "null"}},
  {"name": "qty", "type": "int"},
  {"name": "ratio", "type": "float"},
  {"name": "hash", "type": {"type": "fixed", "name": "H", "size": 3}},
  {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "ts_us", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
  {"name": "day", "type": {"type": "int", "logicalType": "date"}},
  {"name": "ok", "type": "boolean"}
]}`

// avroE2EOut is the schema file of the sink "copy": a non-null long, a nullable string, an enum, a fixed decimal
// with null second, and microseconds.
const avroE2EOut = `{"type": "record", "name": "Copy", "fields": [
  {"name": "id", "type": "long"},
  {"name": "sym", "type": ["null", "string"]},
  {"name": "side", "type": {"type": "enum", "name": "Side", "symbols": ["SELL", "BUY"]}},
  {"name": "px", "type": [{"type": "fixed", "name": "P", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 4}, "null"]},
  {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}}
]}`

const avroE2EJob = `CREATE STREAM trades (id BIGINT, sym VARCHAR, side VARCHAR, px DECIMAL(18,4), notional DECIMAL(20,2),
    qty BIGINT NOT NULL, ratio DOUBLE, ts TIMESTAMP, ts_us TIMESTAMP, day TIMESTAMP, ok BOOLEAN)
  WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'in.avsc', 'avro.wire.format' = 'confluent',
        'schema.registry.url' = 'REGISTRY', 'on.error' = 'skip');

SELECT id, sym, side, px, notional, qty, ratio, ts, ts_us, day, ok FROM trades;

CREATE STREAM totals AS
SELECT sym, side, SUM(px) AS total, SUM(qty) AS q, COUNT(*) AS n, MAX(ts) AS last FROM trades GROUP BY sym, side EMIT FINAL
WITH ('totals.type' = 'kafka_sink', 'totals.format' = 'avro');

CREATE STREAM copy AS SELECT id, sym, side, px, ts FROM trades WHERE ok
WITH ('copy.type' = 'kafka_sink', 'copy.format' = 'avro', 'copy.value.schema.file' = 'out.avsc');
`

// buildMemJob builds the generated job src as program name with avroMemTransport compiled in, and returns the
// binary.
func buildMemJob(t *testing.T, name string, src []byte) string {
	t.Helper()
	build := t.TempDir()
	if err := os.MkdirAll(filepath.Join(build, name), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(build, name, "mem.go"), []byte(avroMemTransport), 0o666); err != nil {
		t.Fatal(err)
	}
	bins, err := e2e.Build(build, map[string][]byte{name: src})
	if err != nil {
		t.Fatal(err)
	}
	return bins[name]
}

// avroMemTransport is compiled into the job: "mem:FILE" reads messages from FILE and writes a sink's messages
// to FILE, each as a 4-byte big-endian length and the bytes (length 0xffffffff: a tombstone).
const avroMemTransport = `package main

import (
	"context"
	"encoding/binary"
	"os"
	"strings"

	"github.com/velocc/velocc/rt"
)

func init() { rt.RegisterTransport("mem", memTransport{}) }

type memTransport struct{}

func (memTransport) NewInput(s *rt.Source, uri string, env *rt.Env) (rt.Input, error) {
	return &memInput{s: s, path: strings.TrimPrefix(uri, "mem:")}, nil
}

func (memTransport) NewOutput(spec rt.SinkSpec, uri string, env *rt.Env) (rt.Output, error) {
	return &memOutput{path: strings.TrimPrefix(uri, "mem:")}, nil
}

type memInput struct {
	s    *rt.Source
	path string
	data []byte
}

func (in *memInput) Start(context.Context) error {
	var err error
	in.data, err = os.ReadFile(in.path)
	return err
}

func (in *memInput) Run(context.Context) error {
	b := in.data
	for off := int64(0); len(b) >= 4; off++ {
		n := binary.BigEndian.Uint32(b)
		msg := b[4 : 4+n : 4+n]
		b = b[4+n:]
		if err := in.s.Record(msg, nil, 0, off, 0); err != nil {
			return err
		}
	}
	return in.s.End()
}

func (in *memInput) Close() error { return nil }

type memOutput struct {
	path string
	buf  []byte
}

func (o *memOutput) Start(context.Context) error { return nil }

func (o *memOutput) Write(key, value []byte) error {
	if value == nil {
		o.buf = binary.BigEndian.AppendUint32(o.buf, 0xffffffff)
		return nil
	}
	o.buf = binary.BigEndian.AppendUint32(o.buf, uint32(len(value)))
	o.buf = append(o.buf, value...)
	return nil
}

func (o *memOutput) Flush(context.Context) error { return os.WriteFile(o.path, o.buf, 0o666) }
func (o *memOutput) Close() error                { return os.WriteFile(o.path, o.buf, 0o666) }
func (o *memOutput) Name() string                { return "mem " + o.path }
`

type avroE2ENode struct {
	V    int32        `avro:"v"`
	Next *avroE2ENode `avro:"next"`
}

type avroE2ETrade struct {
	ID       int64                   `avro:"id"`
	Tags     []string                `avro:"tags"`
	Sym      string                  `avro:"sym"`
	Side     string                  `avro:"side"`
	Tree     map[string]*avroE2ENode `avro:"tree"`
	Px       *big.Rat                `avro:"px"`
	Empty    struct{}                `avro:"empty"`
	Notional *big.Rat                `avro:"notional"`
	Nulls    []any                   `avro:"nulls"`
	Qty      int32                   `avro:"qty"`
	Ratio    float32                 `avro:"ratio"`
	Hash     [3]byte                 `avro:"hash"`
	TS       time.Time               `avro:"ts"`
	TSus     *time.Time              `avro:"ts_us"`
	Day      time.Time               `avro:"day"`
	OK       bool                    `avro:"ok"`
}

// framed appends msg with its length.
func framed(dst, msg []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(msg)))
	return append(dst, msg...)
}

// unframe splits a mem output file into its messages.
func unframe(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			t.Fatalf("output ends inside a length")
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if n == 0xffffffff {
			out = append(out, nil)
			continue
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func decText(r *big.Rat, scale int) string {
	if r == nil {
		return "null"
	}
	return r.FloatString(scale)
}

func TestAvroJobEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program; skipped with -short")
	}
	dir := t.TempDir()
	// The schema registry: id 42 is the writer schema (respelled, as a registry may return it), id 43 one whose
	// "qty" is a long.
	respelled, err := json.Marshal(json.RawMessage(avroE2EWriter))
	if err != nil {
		t.Fatal(err)
	}
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		switch r.URL.Path {
		case "/schemas/ids/42":
			json.NewEncoder(w).Encode(map[string]string{"schema": string(respelled)})
		case "/schemas/ids/43":
			json.NewEncoder(w).Encode(map[string]string{"schema": strings.Replace(avroE2EWriter, `{"name": "qty", "type": "int"}`, `{"name": "qty", "type": "long"}`, 1)})
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error_code":40403,"message":"Schema not found"}`)
		}
	}))
	defer reg.Close()
	avroE2EJob := strings.Replace(avroE2EJob, "REGISTRY", reg.URL, 1)
	files := map[string]string{"in.avsc": avroE2EWriter, "out.avsc": avroE2EOut, "job.sql": avroE2EJob}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	plan, diags := compiler.Compile(filepath.Join(dir, "job.sql"), []byte(avroE2EJob), &compiler.Options{})
	if diags.HasErrors() || plan == nil {
		t.Fatalf("the job does not compile:\n%v", diags)
	}
	src, err := Generate(plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"func skipTradesAvroE2eNode(d *rt.AvroDecoder)", "d.SkipBlock(0)", "d.ConfluentHeader()"} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("the generated decoder has no %q", want)
		}
	}
	var totalsSchema string
	for _, k := range plan.Sinks {
		if k.Name == "totals" {
			totalsSchema = k.Avro.JSON
		}
	}

	// The input: random trades in Confluent's wire format, and three bad messages.
	writer := avro.MustParse(avroE2EWriter)
	rng := rand.New(rand.NewPCG(11, 12))
	var in []byte
	var trades []avroE2ETrade
	header := []byte{0, 0, 0, 0, 42}
	syms := []string{"AAPL", "MSFT", "GOOG"}
	for i := 0; i < 200; i++ {
		tr := avroE2ETrade{
			ID:       int64(i + 1),
			Sym:      syms[rng.IntN(len(syms))],
			Side:     []string{"BUY", "SELL"}[rng.IntN(2)],
			Notional: new(big.Rat).SetFrac(randomUnscaled(rng, 20), big.NewInt(100)),
			Qty:      rng.Int32N(1000) - 100,
			Ratio:    float32(rng.IntN(1000)) / 8,
			Hash:     [3]byte{1, 2, byte(i)},
			TS:       time.UnixMilli(1_700_000_000_000 + int64(i)*1000 - rng.Int64N(500)).UTC(),
			Day:      time.Unix(int64(rng.IntN(40000)-20000)*86400, 0).UTC(),
			OK:       rng.IntN(3) > 0,
		}
		if rng.IntN(5) > 0 {
			tr.Px = new(big.Rat).SetFrac(randomUnscaled(rng, 18), big.NewInt(10_000))
		}
		if rng.IntN(4) > 0 {
			us := time.UnixMicro(rng.Int64N(1<<50) - 1<<49).UTC()
			tr.TSus = &us
		}
		for j := rng.IntN(4); j > 0; j-- {
			tr.Tags = append(tr.Tags, strings.Repeat("t", j))
			tr.Nulls = append(tr.Nulls, nil)
		}
		if rng.IntN(2) == 0 {
			tr.Tree = map[string]*avroE2ENode{"a": {V: 1, Next: &avroE2ENode{V: 2, Next: &avroE2ENode{V: 3}}}, "b": nil}
		}
		msg, err := avro.Marshal(writer, tr)
		if err != nil {
			t.Fatal(err)
		}
		in = framed(in, append(append([]byte(nil), header...), msg...))
		trades = append(trades, tr)
		switch i {
		case 50: // cut short
			in = framed(in, append(append([]byte(nil), header...), msg[:len(msg)-3]...))
		case 100: // trailing bytes
			in = framed(in, append(append(append([]byte(nil), header...), msg...), 0))
		case 170: // written with schema 43
			in = framed(in, append([]byte{0, 0, 0, 0, 43}, msg...))
		case 150: // no Confluent header
			in = framed(in, msg)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), in, 0o666); err != nil {
		t.Fatal(err)
	}

	// Build the job with the mem transport and run it.
	bin := buildMemJob(t, "avrojob", src)
	res, err := e2e.Run(dir, bin, "--bounded", "--source", "trades=mem:in.bin",
		"--sink", "totals=mem:totals.bin", "--sink", "copy=mem:copy.bin")
	if err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("the job exited with %d:\n%s", res.Code, res.Stderr)
	}
	for _, want := range []string{"trades: read 204, bad 4, late 0",
		`field "qty": the writer schema 43 in the registry has field 10 "qty" of type "long", the job's schema "qty" of type "int"`, "the message ends inside", "1 unexpected byte after the Avro record",
		"not in Confluent's wire format"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr has no %q:\n%s", want, res.Stderr)
		}
	}

	// stdout: every good record, each column as decoded.
	var want strings.Builder
	for _, tr := range trades {
		tsus := "null"
		if tr.TSus != nil {
			us := tr.TSus.UnixMicro()
			ms := us / 1000
			if us%1000 < 0 {
				ms--
			}
			tsus = strconv.FormatInt(ms, 10)
		}
		fmt.Fprintf(&want, `{"id":%d,"sym":%q,"side":%q,"px":%s,"notional":%s,"qty":%d,"ratio":%s,"ts":%d,"ts_us":%s,"day":%d,"ok":%t}`+"\n",
			tr.ID, tr.Sym, tr.Side, decText(tr.Px, 4), decText(tr.Notional, 2), tr.Qty,
			strconv.FormatFloat(float64(tr.Ratio), 'g', -1, 64), tr.TS.UnixMilli(), tsus, tr.Day.UnixMilli(), tr.OK)
	}
	if res.Stdout != want.String() {
		t.Errorf("stdout (-want +got):\n%s", lineDiff(want.String(), res.Stdout))
	}

	// copy: the rows with ok, written with out.avsc.
	outSchema := avro.MustParse(avroE2EOut)
	msgs := unframe(t, mustRead(t, filepath.Join(dir, "copy.bin")))
	k := 0
	for _, tr := range trades {
		if !tr.OK {
			continue
		}
		if k >= len(msgs) {
			t.Fatalf("copy has %d messages, want more", len(msgs))
		}
		var got map[string]any
		if err := avro.Unmarshal(outSchema, msgs[k], &got); err != nil {
			t.Fatalf("copy message %d: %v", k, err)
		}
		k++
		// hamba reads a union branch of a named type as a map from its name to the value.
		px, _ := got["px"].(*big.Rat)
		if m, ok := got["px"].(map[string]any); ok {
			px, _ = m["P"].(*big.Rat)
		}
		if got["id"] != tr.ID || got["sym"] != tr.Sym || got["side"] != tr.Side || decText(px, 4) != decText(tr.Px, 4) ||
			got["ts"].(time.Time).UnixMilli() != tr.TS.UnixMilli() {
			t.Errorf("copy message %d is %v, want trade %+v", k-1, got, tr)
		}
	}
	if k != len(msgs) {
		t.Errorf("copy has %d messages, want %d", len(msgs), k)
	}

	// totals: one row per (sym, side) at the end of the input, with the schema derived from its columns.
	type group struct {
		total    *big.Rat
		q, n     int64
		last     int64
		position int
	}
	groups := map[string]*group{}
	for _, tr := range trades {
		key := tr.Sym + "/" + tr.Side
		g := groups[key]
		if g == nil {
			g = &group{position: len(groups), last: tr.TS.UnixMilli()}
			groups[key] = g
		}
		if tr.Px != nil {
			if g.total == nil {
				g.total = new(big.Rat)
			}
			g.total.Add(g.total, tr.Px)
		}
		g.q += int64(tr.Qty)
		g.n++
		g.last = max(g.last, tr.TS.UnixMilli())
	}
	totals := avro.MustParse(totalsSchema)
	msgs = unframe(t, mustRead(t, filepath.Join(dir, "totals.bin")))
	if len(msgs) != len(groups) {
		t.Fatalf("totals has %d messages, want %d", len(msgs), len(groups))
	}
	for i, msg := range msgs {
		var got map[string]any
		if err := avro.Unmarshal(totals, msg, &got); err != nil {
			t.Fatalf("totals message %d: %v", i, err)
		}
		g := groups[fmt.Sprint(got["sym"], "/", got["side"])]
		if g == nil || g.position != i {
			t.Fatalf("totals message %d is for %v/%v, which is not group %d", i, got["sym"], got["side"], i)
		}
		total, _ := got["total"].(*big.Rat)
		if decText(total, 4) != decText(g.total, 4) || got["q"] != g.q || got["n"] != g.n || got["last"].(time.Time).UnixMilli() != g.last {
			t.Errorf("totals message %d is %v, want total %s, q %d, n %d, last %d", i, got, decText(g.total, 4), g.q, g.n, g.last)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// randomUnscaled returns a random integer of up to digits decimal digits, either sign, its extremes included.
func randomUnscaled(rng *rand.Rand, digits int) *big.Int {
	max := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	max.Sub(max, big.NewInt(1))
	var v *big.Int
	switch rng.IntN(5) {
	case 0:
		v = new(big.Int).Set(max)
	case 1:
		v = big.NewInt(rng.Int64N(2000) - 1000)
	default:
		var b [16]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		v = new(big.Int).SetBytes(b[:])
		v.Mod(v, new(big.Int).Add(max, big.NewInt(1)))
	}
	if rng.IntN(2) == 0 {
		v.Neg(v)
	}
	return v
}

// FuzzAvroGenerate checks that whenever the compiler accepts an Avro source and sink over a schema file, Generate
// succeeds and its output parses as Go.
func FuzzAvroGenerate(f *testing.F) {
	f.Add([]byte(avroE2EWriter))
	if b, err := os.ReadFile(filepath.Join("testdata", "avro_orders.avsc")); err == nil {
		f.Add(b)
	}
	const script = `CREATE STREAM s WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 's.avsc');
SELECT * FROM s;
CREATE STREAM o AS SELECT * FROM s WITH ('o.type' = 'kafka_sink', 'o.format' = 'avro', 'o.value.schema.file' = 's.avsc');
`
	f.Fuzz(func(t *testing.T, avsc []byte) {
		opts := &compiler.Options{
			ReadFile: func(name string) ([]byte, error) {
				if name == "s.avsc" {
					return avsc, nil
				}
				return nil, os.ErrNotExist
			},
			LookupEnv: func(string) (string, bool) { return "", false },
		}
		plan, diags := compiler.Compile("job.sql", []byte(script), opts)
		if plan == nil || diags.HasErrors() {
			return
		}
		out, err := Generate(plan)
		if err != nil {
			t.Fatalf("the compiler accepted the schema but Generate failed: %v\nschema:\n%s", err, avsc)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", out, parser.AllErrors); err != nil {
			t.Fatalf("generated code does not parse: %v\nschema:\n%s", err, avsc)
		}
	})
}
