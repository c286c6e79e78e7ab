package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
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

// Nested Avro values end to end: records, arrays and maps written by hamba/avro (in blocks with sizes, and in
// several blocks), NULLs at every level and empty arrays and maps, read into STRUCT, ARRAY and MAP columns.

const avroNestedWriter = `{"type": "record", "name": "Order", "namespace": "shop", "fields": [
  {"name": "id", "type": "long"},
  {"name": "customer", "type": ["null", {"type": "record", "name": "Customer", "fields": [
    {"name": "name", "type": "string"},
    {"name": "notes", "type": {"type": "array", "items": "string"}},
    {"name": "zip", "type": ["null", "int"]},
    {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["GOLD", "SILVER"]}}
  ]}]},
  {"name": "items", "type": {"type": "array", "items": ["null", {"type": "record", "name": "Item", "fields": [
    {"name": "sku", "type": "string"},
    {"name": "qty", "type": "int"},
    {"name": "price", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}]}
  ]}]}},
  {"name": "tags", "type": ["null", {"type": "map", "values": ["null", "long"]}]},
  {"name": "matrix", "type": {"type": "array", "items": {"type": "array", "items": "double"}}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}}
]}`

const avroNestedJob = `CREATE STREAM orders (id BIGINT, customer STRUCT(name VARCHAR, zip INT, tier VARCHAR),
    items STRUCT(sku VARCHAR, qty INT, price DECIMAL(10,2))[], tags MAP(VARCHAR, BIGINT), matrix DOUBLE[][], at TIMESTAMP)
  WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'in.avsc', 'on.error' = 'skip');

SELECT * FROM orders;

CREATE STREAM copy AS SELECT id, customer, items, tags, matrix FROM orders
WITH ('copy.type' = 'kafka_sink', 'copy.format' = 'avro');
`

// The sink copy's rows as hamba reads them with the derived schema: every part a union with null.
type avroCopyCustomer struct {
	Name *string `avro:"name"`
	Zip  *int32  `avro:"zip"`
	Tier *string `avro:"tier"`
}

type avroCopyItem struct {
	Sku   *string `avro:"sku"`
	Qty   *int32  `avro:"qty"`
	Price any     `avro:"price"` // nil or *big.Rat: hamba reads a nullable decimal into a *big.Rat field as 0
}

type avroCopyRow struct {
	ID       *int64            `avro:"id"`
	Customer *avroCopyCustomer `avro:"customer"`
	Items    []*avroCopyItem   `avro:"items"`
	Tags     any               `avro:"tags"`
	Matrix   [][]*float64      `avro:"matrix"`
}

type avroNestedCustomer struct {
	Name  string   `avro:"name"`
	Notes []string `avro:"notes"`
	Zip   *int32   `avro:"zip"`
	Tier  string   `avro:"tier"`
}

type avroNestedItem struct {
	Sku   string   `avro:"sku"`
	Qty   int32    `avro:"qty"`
	Price *big.Rat `avro:"price"`
}

type avroNestedOrder struct {
	ID       int64               `avro:"id"`
	Customer *avroNestedCustomer `avro:"customer"`
	Items    []*avroNestedItem   `avro:"items"`
	Tags     map[string]any      `avro:"-"`    // values nil or int64
	TagsU    any                 `avro:"tags"` // Tags as hamba writes a union: nil, or {"map": Tags}
	Matrix   [][]float64         `avro:"matrix"`
	At       time.Time           `avro:"at"`
}

// randomNestedOrder makes an order with NULLs, empty and non-empty arrays and maps at every level.
func randomNestedOrder(rng *rand.Rand, id int64) avroNestedOrder {
	o := avroNestedOrder{ID: id, At: time.UnixMicro(1_700_000_000_000_000 + rng.Int64N(1e12)).UTC(), Items: []*avroNestedItem{}, Matrix: [][]float64{}}
	if rng.IntN(4) > 0 {
		o.Customer = &avroNestedCustomer{Name: "c" + strconv.Itoa(rng.IntN(100)), Tier: []string{"GOLD", "SILVER"}[rng.IntN(2)]}
		for j := rng.IntN(3); j > 0; j-- {
			o.Customer.Notes = append(o.Customer.Notes, strings.Repeat("n", j))
		}
		if rng.IntN(3) > 0 {
			zip := rng.Int32N(99999)
			o.Customer.Zip = &zip
		}
	}
	for j := rng.IntN(5); j > 0; j-- {
		if rng.IntN(5) == 0 {
			o.Items = append(o.Items, nil)
			continue
		}
		it := &avroNestedItem{Sku: "s" + strconv.Itoa(rng.IntN(50)), Qty: rng.Int32N(20) - 5}
		if rng.IntN(4) > 0 {
			it.Price = new(big.Rat).SetFrac(randomUnscaled(rng, 10), big.NewInt(100))
		}
		o.Items = append(o.Items, it)
	}
	if rng.IntN(4) > 0 {
		o.Tags = map[string]any{}
		for j := rng.IntN(4); j > 0; j-- {
			var v any
			if rng.IntN(3) > 0 {
				v = rng.Int64N(1<<40) - 1<<39
			}
			o.Tags["k"+strconv.Itoa(j)] = v
		}
	}
	if o.Tags != nil {
		o.TagsU = map[string]any{"map": o.Tags}
	}
	for j := rng.IntN(3); j > 0; j-- {
		row := []float64{}
		for k := rng.IntN(3); k > 0; k-- {
			row = append(row, float64(rng.IntN(1000))/8)
		}
		o.Matrix = append(o.Matrix, row)
	}
	return o
}

// jsonOf writes an order as the job's JSON sink writes its row, map entries in the order of their keys.
func (o avroNestedOrder) jsonOf() string {
	var b strings.Builder
	q := func(s string) string { j, _ := json.Marshal(s); return string(j) }
	fmt.Fprintf(&b, `{"id":%d,"customer":`, o.ID)
	if c := o.Customer; c == nil {
		b.WriteString("null")
	} else {
		zip := "null"
		if c.Zip != nil {
			zip = strconv.Itoa(int(*c.Zip))
		}
		fmt.Fprintf(&b, `{"name":%s,"zip":%s,"tier":%s}`, q(c.Name), zip, q(c.Tier))
	}
	b.WriteString(`,"items":[`)
	for i, it := range o.Items {
		if i > 0 {
			b.WriteString(",")
		}
		if it == nil {
			b.WriteString("null")
			continue
		}
		fmt.Fprintf(&b, `{"sku":%s,"qty":%d,"price":%s}`, q(it.Sku), it.Qty, decText(it.Price, 2))
	}
	b.WriteString(`],"tags":`)
	return b.String() + "TAGS" + o.restJSON()
}

func (o avroNestedOrder) restJSON() string {
	var b strings.Builder
	b.WriteString(`,"matrix":[`)
	for i, row := range o.Matrix {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("[")
		for j, x := range row {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
		b.WriteString("]")
	}
	us := o.At.UnixMicro()
	fmt.Fprintf(&b, `],"at":%d}`, us/1000)
	return b.String()
}

// tagsMatch checks a MAP's JSON text against the order's map, whose order hamba does not keep.
func tagsMatch(got json.RawMessage, want map[string]any) bool {
	if want == nil {
		return string(got) == "null"
	}
	var m map[string]*int64
	if err := json.Unmarshal(got, &m); err != nil || m == nil || len(m) != len(want) {
		return false
	}
	for k, v := range want {
		g, ok := m[k]
		if !ok || (g == nil) != (v == nil) || g != nil && *g != v.(int64) {
			return false
		}
	}
	return true
}

// buildAvroJob compiles job.sql in dir and builds it with the mem transport.
func buildAvroJob(t *testing.T, dir, job string) (*compiler.Plan, string, []byte) {
	t.Helper()
	plan, diags := compiler.Compile(filepath.Join(dir, "job.sql"), []byte(job), &compiler.Options{})
	if diags.HasErrors() || plan == nil {
		t.Fatalf("the job does not compile:\n%v", diags)
	}
	src, err := Generate(plan)
	if err != nil {
		t.Fatal(err)
	}
	bin := buildMemJob(t, "avrojob", src)
	return plan, bin, src
}

func TestAvroNestedEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program; skipped with -short")
	}
	dir := t.TempDir()
	for name, data := range map[string]string{"in.avsc": avroNestedWriter, "job.sql": avroNestedJob} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	plan, bin, src := buildAvroJob(t, dir, avroNestedJob)
	for _, want := range []string{"d.Block(", `d.Field("items[].price")`, "customer.notes: array<string> (not in the STRUCT: skipped)"} {
		if !bytes.Contains(src, []byte(want)) {
			t.Errorf("the generated decoder has no %q", want)
		}
	}

	writer := avro.MustParse(avroNestedWriter)
	small := avro.Config{BlockLength: 2}.Freeze() // arrays and maps in several blocks
	rng := rand.New(rand.NewPCG(21, 22))
	var in []byte
	var orders []avroNestedOrder
	for i := 0; i < 300; i++ {
		o := randomNestedOrder(rng, int64(i+1))
		api := avro.DefaultConfig
		if i%2 == 1 {
			api = small
		}
		msg, err := api.Marshal(writer, o)
		if err != nil {
			t.Fatal(err)
		}
		in = framed(in, msg)
		orders = append(orders, o)
		switch i {
		case 40: // cut short
			in = framed(in, msg[:len(msg)-2])
		case 30: // an items block claiming more items than the message holds
			bad := append([]byte{}, msg[:1]...) // id 0..63 fits one byte
			bad = append(bad, 0, 0xfe, 0xff, 0xff, 0xff, 0x0f)
			in = framed(in, bad)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), in, 0o666); err != nil {
		t.Fatal(err)
	}
	res, err := e2e.Run(dir, bin, "--bounded", "--source", "orders=mem:in.bin", "--sink", "copy=mem:copy.bin")
	if err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("the job exited with %d:\n%s", res.Code, res.Stderr)
	}
	for _, want := range []string{"orders: read 302, bad 2", "the message ends inside", `field "items": invalid Avro at offset 2: a block of`} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr has no %q:\n%s", want, res.Stderr)
		}
	}
	checkAvroCopy(t, plan.Sinks[len(plan.Sinks)-1].Avro.JSON, unframe(t, mustRead(t, filepath.Join(dir, "copy.bin"))), orders)
	lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	if len(lines) != len(orders) {
		t.Fatalf("%d rows, want %d:\n%s", len(lines), len(orders), res.Stdout)
	}
	for i, o := range orders {
		var row map[string]json.RawMessage
		if err := json.Unmarshal([]byte(lines[i]), &row); err != nil {
			t.Fatalf("row %d: %v: %s", i, err, lines[i])
		}
		want := strings.Replace(o.jsonOf(), "TAGS", string(row["tags"]), 1)
		if lines[i] != want || !tagsMatch(row["tags"], o.Tags) {
			t.Errorf("row %d:\n got %s\nwant %s (tags %v)", i, lines[i], want, o.Tags)
		}
	}
}

// checkAvroCopy reads the sink's messages back with hamba, with the schema derived for it, and compares them
// with the orders written.
func checkAvroCopy(t *testing.T, schema string, msgs [][]byte, orders []avroNestedOrder) {
	t.Helper()
	if len(msgs) != len(orders) {
		t.Fatalf("copy has %d messages, want %d", len(msgs), len(orders))
	}
	sch := avro.MustParse(schema)
	for i, o := range orders {
		var got avroCopyRow
		if err := avro.Unmarshal(sch, msgs[i], &got); err != nil {
			t.Fatalf("copy message %d: %v", i, err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d ", *got.ID)
		if c := got.Customer; c == nil {
			b.WriteString("null")
		} else {
			zip := "null"
			if c.Zip != nil {
				zip = strconv.Itoa(int(*c.Zip))
			}
			fmt.Fprintf(&b, "{%s %s %s}", *c.Name, zip, *c.Tier)
		}
		if got.Items == nil {
			b.WriteString(" null")
		}
		for _, it := range got.Items {
			if it == nil {
				b.WriteString(" -")
				continue
			}
			price, _ := it.Price.(*big.Rat)
			fmt.Fprintf(&b, " %s:%d:%s", *it.Sku, *it.Qty, decText(price, 2))
		}
		b.WriteString(" |")
		if got.Matrix == nil {
			b.WriteString(" null")
		}
		for _, row := range got.Matrix {
			b.WriteString(" [")
			for _, x := range row {
				fmt.Fprintf(&b, " %v", *x)
			}
			b.WriteString("]")
		}
		var w strings.Builder
		fmt.Fprintf(&w, "%d ", o.ID)
		if c := o.Customer; c == nil {
			w.WriteString("null")
		} else {
			zip := "null"
			if c.Zip != nil {
				zip = strconv.Itoa(int(*c.Zip))
			}
			fmt.Fprintf(&w, "{%s %s %s}", c.Name, zip, c.Tier)
		}
		for _, it := range o.Items {
			if it == nil {
				w.WriteString(" -")
				continue
			}
			fmt.Fprintf(&w, " %s:%d:%s", it.Sku, it.Qty, decText(it.Price, 2))
		}
		w.WriteString(" |")
		for _, row := range o.Matrix {
			w.WriteString(" [")
			for _, x := range row {
				fmt.Fprintf(&w, " %v", x)
			}
			w.WriteString("]")
		}
		if b.String() != w.String() {
			t.Errorf("copy message %d:\n got %s\nwant %s", i, b.String(), w.String())
		}
		tags, _ := got.Tags.(map[string]any)
		if m, ok := tags["map"].(map[string]any); ok && len(tags) == 1 {
			tags = m // hamba's form of a union branch
		}
		if (tags == nil) != (o.Tags == nil) || len(tags) != len(o.Tags) {
			t.Errorf("copy message %d: tags %v, want %v", i, got.Tags, o.Tags)
			continue
		}
		for k, v := range o.Tags {
			g, ok := tags[k]
			if m, isMap := g.(map[string]any); isMap {
				g = m["long"]
			}
			if !ok || g != v {
				t.Errorf("copy message %d: tags %v, want %v", i, got.Tags, o.Tags)
				break
			}
		}
	}
}
