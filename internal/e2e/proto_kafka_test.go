package e2e

// Protobuf over a real Kafka broker: messages built and encoded by the official Go runtime (dynamicpb over the
// same .proto, compiled with protocompile) in Confluent's wire format, and the job's Protobuf sink read back
// with the runtime.

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/velocc/velocc/internal/kafkatest"
)

const protoKafkaJob = `
CREATE STREAM trades WITH ('type'='kafka_source', 'format'='protobuf', 'proto.file'='testdata/kafka_proto.proto',
                           'proto.message'='e2e.Trade', 'wire.format'='confluent');
CREATE STREAM totals AS
SELECT COUNT(*) AS n, sym, SUM(qty) AS qty, MAX(ts) AS last, COUNT(venue) AS venues FROM trades
GROUP BY sym EMIT FINAL
WITH ('totals.type'='kafka_sink', 'totals.format'='protobuf', 'totals.proto.file'='testdata/kafka_proto.proto',
      'totals.proto.message'='Total', 'totals.schema.id'='3');
`

func init() { jobScripts["kafka_proto"] = protoKafkaJob }

func TestKafkaProtobuf(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	src, err := os.ReadFile("testdata/kafka_proto.proto")
	if err != nil {
		t.Fatal(err)
	}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"kafka_proto.proto": string(src)}),
	})}
	files, err := c.Compile(context.Background(), "kafka_proto.proto")
	if err != nil {
		t.Fatal(err)
	}
	tradeMD, totalMD := files[0].Messages().ByName("Trade"), files[0].Messages().ByName("Total")
	topic, out := kafkatest.NewTopic(t, brokers, 3), kafkatest.NewTopic(t, brokers, 3)

	type acc struct{ n, qty, last, venues int64 }
	want := map[string]*acc{}
	rng := rand.New(rand.NewPCG(7, 8))
	var recs []*kgo.Record
	for i := 0; i < 5000; i++ {
		sym := []string{"AAPL", "MSFT", "NVDA", "KO", ""}[rng.IntN(5)]
		m := dynamicpb.NewMessage(tradeMD)
		f := tradeMD.Fields().ByName
		m.Set(f("sym"), protoreflect.ValueOfString(sym))
		m.Mutable(f("tags")).List().Append(protoreflect.ValueOfString("x"))
		qty := rng.Int64N(2_000_000) - 1_000_000
		m.Set(f("qty"), protoreflect.ValueOfInt64(qty))
		ts := time.UnixMilli(1717421400000 + int64(i)*3 - rng.Int64N(100))
		tm := m.Mutable(f("ts")).Message()
		tm.Set(tm.Descriptor().Fields().ByName("seconds"), protoreflect.ValueOfInt64(ts.Unix()))
		tm.Set(tm.Descriptor().Fields().ByName("nanos"), protoreflect.ValueOfInt32(int32(ts.Nanosecond())))
		venue := rng.IntN(3) > 0
		if venue {
			vm := m.Mutable(f("venue")).Message()
			vm.Set(vm.Descriptor().Fields().ByName("value"), protoreflect.ValueOfString("XNAS"))
		}
		body, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		header := []byte{0, 0, 0, 0, 42, 0} // magic byte, schema id 42, message index [0]
		recs = append(recs, &kgo.Record{Key: []byte(sym), Value: append(header, body...)})
		a := want[sym]
		if a == nil {
			a = &acc{last: ts.UnixMilli()}
			want[sym] = a
		}
		a.n++
		a.qty += qty
		a.last = max(a.last, ts.UnixMilli())
		if venue {
			a.venues++
		}
	}
	kafkatest.Produce(t, brokers, topic, recs...)

	res := runOK(t, "kafka_proto", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "proto-"+topic,
		"--source", "trades=kafka:"+topic, "--sink", "totals=kafka:"+out)
	if line := statsLine(t, res.Stderr, "trades"); line != "trades: read 5000, bad 0, late 0" {
		t.Errorf("stats %q", line)
	}
	got := kafkatest.ConsumeAll(t, brokers, out)
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for _, r := range got {
		header := []byte{0, 0, 0, 0, 3, 1 << 1, 1 << 1} // schema id 3; message indexes [1]: Total is the second message
		if !bytes.HasPrefix(r.Value, header) {
			t.Fatalf("value % x does not start with % x", r.Value, header)
		}
		row := dynamicpb.NewMessage(totalMD)
		if err := proto.Unmarshal(r.Value[len(header):], row); err != nil {
			t.Fatalf("decoding % x: %v", r.Value, err)
		}
		f := totalMD.Fields().ByName
		sym := row.Get(f("sym")).String()
		w := want[sym]
		if w == nil {
			t.Fatalf("a row for symbol %q, which no trade has", sym)
		}
		last := row.Get(f("last")).Message()
		lastMS := last.Get(last.Descriptor().Fields().ByName("seconds")).Int()*1000 + last.Get(last.Descriptor().Fields().ByName("nanos")).Int()/1e6
		venues := row.Get(f("venues")).Message()
		if string(r.Key) != sym || row.Get(f("n")).Int() != w.n || row.Get(f("qty")).Int() != w.qty || lastMS != w.last ||
			!row.Has(f("venues")) || venues.Get(venues.Descriptor().Fields().ByName("value")).Int() != w.venues {
			t.Errorf("key %q, row %v; want %+v", r.Key, row, w)
		}
	}
}
