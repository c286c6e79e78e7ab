package e2e

// Avro over a real Kafka broker: records written by github.com/hamba/avro (an independent implementation) in
// Confluent's wire format, columns derived from the .avsc, exact DECIMAL sums, and an Avro sink read back with
// hamba.

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/kafkatest"
)

const avroKafkaJob = `
CREATE STREAM trades WITH ('type'='kafka_source', 'format'='avro', 'value.schema.file'='testdata/avro_trades.avsc',
                           'avro.wire.format'='confluent');
CREATE STREAM notional AS
SELECT symbol, SUM(price * qty) AS total, COUNT(venue) AS venues, MAX(price) AS top FROM trades
GROUP BY symbol EMIT FINAL
WITH ('notional.type'='kafka_sink', 'notional.format'='avro');
`

func init() { jobScripts["kafka_avro"] = avroKafkaJob }

type avroTrade struct {
	Symbol string    `avro:"symbol"`
	Tags   []string  `avro:"tags"`
	Qty    int64     `avro:"qty"`
	Price  *big.Rat  `avro:"price"`
	Venue  *string   `avro:"venue"`
	Ts     time.Time `avro:"ts"`
}

func TestKafkaAvro(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	schemaText, err := os.ReadFile("testdata/avro_trades.avsc")
	if err != nil {
		t.Fatal(err)
	}
	in := avro.MustParse(string(schemaText))
	topic, out := kafkatest.NewTopic(t, brokers, 3), kafkatest.NewTopic(t, brokers, 3)

	// The oracle: per symbol, the exact sum of price × qty at scale 4, the count of non-null venues, the top price.
	type acc struct {
		total  *big.Rat
		venues int64
		top    *big.Rat
	}
	want := map[string]*acc{}
	rng := rand.New(rand.NewPCG(5, 6))
	var recs []*kgo.Record
	for i := 0; i < 5000; i++ {
		sym := []string{"AAPL", "MSFT", "NVDA", "KO"}[rng.IntN(4)]
		price := big.NewRat(rng.Int64N(99_999_999_999)-50_000_000_000, 10000) // ±5 million with 4 decimals
		tr := avroTrade{Symbol: sym, Tags: []string{"x", fmt.Sprint(i)}, Qty: rng.Int64N(1_000_000), Price: price,
			Ts: time.UnixMilli(1717421400000 + int64(i)).UTC()}
		if rng.IntN(3) > 0 {
			v := "XNAS"
			tr.Venue = &v
		}
		body, err := avro.Marshal(in, tr)
		if err != nil {
			t.Fatal(err)
		}
		msg := binary.BigEndian.AppendUint32([]byte{0}, 42) // Confluent header: magic byte, schema id
		recs = append(recs, &kgo.Record{Key: []byte(sym), Value: append(msg, body...)})
		a := want[sym]
		if a == nil {
			a = &acc{total: new(big.Rat), top: price}
			want[sym] = a
		}
		a.total.Add(a.total, new(big.Rat).Mul(price, big.NewRat(tr.Qty, 1)))
		if tr.Venue != nil {
			a.venues++
		}
		if price.Cmp(a.top) > 0 {
			a.top = price
		}
	}
	kafkatest.Produce(t, brokers, topic, recs...)

	res := runOK(t, "kafka_avro", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "avro-"+topic,
		"--source", "trades=kafka:"+topic, "--sink", "notional=kafka:"+out)
	if line := statsLine(t, res.Stderr, "trades"); line != "trades: read 5000, bad 0, late 0" {
		t.Errorf("stats %q", line)
	}

	// The sink's schema is the one velocc derived from the output columns.
	plan, diags := compiler.Compile("kafka_avro.sql", []byte(avroKafkaJob), &compiler.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	outSchema := avro.MustParse(plan.Queries[0].Sink.Avro.JSON)
	got := kafkatest.Consume(t, brokers, out, len(want), stall)
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	var syms []string
	for _, r := range got {
		var row map[string]any
		if err := avro.Unmarshal(outSchema, r.Value, &row); err != nil {
			t.Fatalf("decoding %x: %v", r.Value, err)
		}
		sym := row["symbol"].(string)
		syms = append(syms, sym)
		if string(r.Key) != sym {
			t.Errorf("key %q for symbol %q", r.Key, sym)
		}
		w := want[sym]
		total, top := row["total"].(*big.Rat), row["top"].(*big.Rat)
		if total.Cmp(w.total) != 0 || top.Cmp(w.top) != 0 || row["venues"].(int64) != w.venues {
			t.Errorf("%s: total %s top %s venues %v; want %s %s %d", sym, total.FloatString(4), top.FloatString(4),
				row["venues"], w.total.FloatString(4), w.top.FloatString(4), w.venues)
		}
	}
	sort.Strings(syms)
	t.Logf("%d symbols checked: %v", len(syms), syms)
}
