package e2e

// Nested data over a real Kafka broker: the same orders (a customer STRUCT, an ARRAY of item STRUCTs, a MAP of
// tags, an ARRAY of codes) as JSON on one topic and as Protobuf messages built by the official Go runtime on
// another, each read by a job and written as nested Avro, which github.com/hamba/avro (an independent decoder)
// reads back for comparison with the orders.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/kafkatest"
)

const nestedKafkaJob = `
CREATE STREAM jorders (id BIGINT, customer STRUCT(name VARCHAR, region VARCHAR), items STRUCT(sku VARCHAR, qty BIGINT)[],
                       tags MAP(VARCHAR, BIGINT), codes INT[])
  WITH ('type'='kafka_source', 'format'='json');
CREATE STREAM porders WITH ('type'='kafka_source', 'format'='protobuf', 'proto.file'='testdata/kafka_nested.proto',
                            'proto.message'='nested.Order');
CREATE STREAM jout AS
SELECT id, customer, items, tags, codes, customer.region AS region, items[1].qty AS first_qty FROM jorders
WITH ('jout.type'='kafka_sink', 'jout.format'='avro');
CREATE STREAM pout AS
SELECT id, customer, items, tags, codes, customer.region AS region, items[1].qty AS first_qty FROM porders
WITH ('pout.type'='kafka_sink', 'pout.format'='avro');
`

func init() { jobScripts["kafka_nested"] = nestedKafkaJob }

type nestedItem struct {
	sku string
	qty int64
}

type nestedOrder struct {
	id       int64
	customer *struct {
		name   string
		region *string
	}
	items []nestedItem
	tags  map[string]int64
	codes []int32
}

// json is the order as a JSON message.
func (o *nestedOrder) json() []byte {
	m := map[string]any{"id": o.id, "customer": nil, "tags": o.tags, "codes": o.codes}
	if o.customer != nil {
		m["customer"] = map[string]any{"name": o.customer.name, "region": o.customer.region}
	}
	items := []any{}
	for _, it := range o.items {
		items = append(items, map[string]any{"sku": it.sku, "qty": it.qty})
	}
	m["items"] = items
	if o.tags == nil {
		m["tags"] = map[string]int64{}
	}
	if o.codes == nil {
		m["codes"] = []int32{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// message is the order as a Protobuf message.
func (o *nestedOrder) message(md protoreflect.MessageDescriptor) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	f := md.Fields().ByName
	m.Set(f("id"), protoreflect.ValueOfInt64(o.id))
	if o.customer != nil {
		c := m.Mutable(f("customer")).Message()
		cf := c.Descriptor().Fields().ByName
		c.Set(cf("name"), protoreflect.ValueOfString(o.customer.name))
		if o.customer.region != nil {
			c.Set(cf("region"), protoreflect.ValueOfString(*o.customer.region))
		}
	}
	for _, it := range o.items {
		e := m.Mutable(f("items")).List().AppendMutable().Message()
		e.Set(e.Descriptor().Fields().ByName("sku"), protoreflect.ValueOfString(it.sku))
		e.Set(e.Descriptor().Fields().ByName("qty"), protoreflect.ValueOfInt64(it.qty))
	}
	for k, v := range o.tags {
		m.Mutable(f("tags")).Map().Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfInt64(v))
	}
	for _, c := range o.codes {
		m.Mutable(f("codes")).List().Append(protoreflect.ValueOfInt32(c))
	}
	return m
}

// row is the output row the order gives, as JSON text of its values (hamba's decoding is compared the same way).
func (o *nestedOrder) row() map[string]any {
	r := map[string]any{"id": o.id, "customer": nil, "region": nil, "first_qty": nil}
	if o.customer != nil {
		var region any
		if o.customer.region != nil {
			region = *o.customer.region
		}
		r["customer"] = map[string]any{"name": o.customer.name, "region": region}
		r["region"] = region
	}
	items := []any{}
	for _, it := range o.items {
		items = append(items, map[string]any{"sku": it.sku, "qty": it.qty})
	}
	r["items"] = items
	if len(o.items) > 0 {
		r["first_qty"] = o.items[0].qty
	}
	tags := map[string]any{}
	for k, v := range o.tags {
		tags[k] = v
	}
	r["tags"] = tags
	codes := []any{}
	for _, c := range o.codes {
		codes = append(codes, c)
	}
	r["codes"] = codes
	return r
}

// canon is v as encoding/json sees it, numbers as their text: maps compare whatever their order.
func canon(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// unionless is v, decoded by hamba as Avro schema st, with each value of a union's record, array or map branch
// ({"full name": record}, {"array": [...]}, as hamba decodes them) replaced by the value.
func unionless(st avro.Schema, v any) any {
	switch s := st.(type) {
	case *avro.UnionSchema:
		if v == nil {
			return nil
		}
		for _, b := range s.Types() {
			if b.Type() == avro.Null {
				continue
			}
			name := string(b.Type())
			if n, ok := b.(avro.NamedSchema); ok {
				name = n.FullName()
			}
			if m, ok := v.(map[string]any); ok && len(m) == 1 && m[name] != nil {
				return unionless(b, m[name])
			}
			return unionless(b, v)
		}
	case *avro.RecordSchema:
		m, _ := v.(map[string]any)
		out := map[string]any{}
		for _, f := range s.Fields() {
			out[f.Name()] = unionless(f.Type(), m[f.Name()])
		}
		return out
	case *avro.ArraySchema:
		a, _ := v.([]any)
		out := []any{}
		for _, e := range a {
			out = append(out, unionless(s.Items(), e))
		}
		return out
	case *avro.MapSchema:
		m, _ := v.(map[string]any)
		out := map[string]any{}
		for k, e := range m {
			out[k] = unionless(s.Values(), e)
		}
		return out
	}
	return v
}

func TestKafkaNested(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	src, err := os.ReadFile("testdata/kafka_nested.proto")
	if err != nil {
		t.Fatal(err)
	}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"kafka_nested.proto": string(src)}),
	})}
	files, err := c.Compile(context.Background(), "kafka_nested.proto")
	if err != nil {
		t.Fatal(err)
	}
	orderMD := files[0].Messages().ByName("Order")
	jin, pin := kafkatest.NewTopic(t, brokers, 3), kafkatest.NewTopic(t, brokers, 3)
	jout, pout := kafkatest.NewTopic(t, brokers, 3), kafkatest.NewTopic(t, brokers, 3)

	rng := rand.New(rand.NewPCG(14, 14))
	orders := map[int64]*nestedOrder{}
	var jrecs, precs []*kgo.Record
	for i := 0; i < 2000; i++ {
		o := &nestedOrder{id: int64(i)}
		if rng.IntN(5) > 0 {
			o.customer = &struct {
				name   string
				region *string
			}{name: fmt.Sprintf("c%d", rng.IntN(100))}
			if rng.IntN(3) > 0 {
				r := []string{"EU", "US", "APAC", ""}[rng.IntN(4)]
				o.customer.region = &r
			}
		}
		for j := rng.IntN(4); j > 0; j-- {
			o.items = append(o.items, nestedItem{sku: fmt.Sprintf("s%d", rng.IntN(30)), qty: rng.Int64N(1_000_000) - 1000})
		}
		if j := rng.IntN(3); j > 0 {
			o.tags = map[string]int64{}
			for ; j > 0; j-- {
				o.tags[fmt.Sprintf("t%d", rng.IntN(5))] = rng.Int64N(100)
			}
		}
		for j := rng.IntN(4); j > 0; j-- {
			o.codes = append(o.codes, rng.Int32N(2000)-1000)
		}
		orders[o.id] = o
		body, err := proto.Marshal(o.message(orderMD))
		if err != nil {
			t.Fatal(err)
		}
		jrecs = append(jrecs, &kgo.Record{Value: o.json()})
		precs = append(precs, &kgo.Record{Value: body})
	}
	kafkatest.Produce(t, brokers, jin, jrecs...)
	kafkatest.Produce(t, brokers, pin, precs...)

	res := runOK(t, "kafka_nested", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "nested-"+jin,
		"--source", "jorders=kafka:"+jin, "--source", "porders=kafka:"+pin, "--sink", "jout=kafka:"+jout, "--sink", "pout=kafka:"+pout)
	for _, src := range []string{"jorders", "porders"} {
		if line, want := statsLine(t, res.Stderr, src), src+": read 2000, bad 0, late 0"; line != want {
			t.Errorf("stats %q, want %q", line, want)
		}
	}

	plan, diags := compiler.Compile("kafka_nested.sql", []byte(nestedKafkaJob), &compiler.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, k := range plan.Sinks {
		topic := map[string]string{"jout": jout, "pout": pout}[k.Name]
		schema := avro.MustParse(k.Avro.JSON)
		got := kafkatest.ConsumeAll(t, brokers, topic)
		if len(got) != len(orders) {
			t.Fatalf("%s: %d rows, want %d", k.Name, len(got), len(orders))
		}
		seen := map[int64]bool{}
		for _, r := range got {
			var row map[string]any
			if err := avro.Unmarshal(schema, r.Value, &row); err != nil {
				t.Fatalf("%s: decoding % x: %v", k.Name, r.Value, err)
			}
			g := canon(t, unionless(schema, row)).(map[string]any)
			id, _ := g["id"].(json.Number).Int64()
			o := orders[id]
			if o == nil || seen[id] {
				t.Fatalf("%s: a row for order %v, which is not one or was seen: %v", k.Name, g["id"], g)
			}
			seen[id] = true
			if want := canon(t, o.row()); !reflect.DeepEqual(g, want) {
				t.Errorf("%s: order %d:\n got %v\nwant %v", k.Name, id, g, want)
			}
		}
	}
}
