package e2e

// Kafka tables end to end, on the real broker: a table read from a topic is loaded whole before the job reads its
// stream, even when the stream's records were written first; its rows are the latest value per message key, and
// tombstones delete them; after the load, an unbounded job applies the topic's updates to later joins.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// Orders enriched from two Kafka tables: prices keyed by symbol (text keys, on.error skip) and traders keyed by
	// a BIGINT id, through a LEFT JOIN, a JOIN's key lookup and a scalar subquery.
	jobScripts["kafka_table"] = `
CREATE STREAM orders (id BIGINT, symbol VARCHAR, trader BIGINT, qty BIGINT) WITH ('type' = 'kafka_source');
CREATE TABLE prices (symbol VARCHAR PRIMARY KEY, px DECIMAL(12,4))
  WITH ('type' = 'kafka_source', 'on.error' = 'skip');
CREATE TABLE traders (id BIGINT PRIMARY KEY, name VARCHAR, desk VARCHAR) WITH ('type' = 'kafka_source');
SELECT o.id, o.symbol, p.px, t.name, (SELECT desk FROM traders WHERE id = o.trader) AS desk
FROM orders o LEFT JOIN prices p ON o.symbol = p.symbol LEFT JOIN traders t ON t.id = o.trader
WHERE o.qty > 0;
`
	// A file stream joined with a Kafka table that gives up 3 seconds into a broker outage.
	jobScripts["kafka_table_giveup"] = `
CREATE STREAM orders (id BIGINT, symbol VARCHAR) WITH ('path' = 'orders.jsonl');
CREATE TABLE prices (symbol VARCHAR PRIMARY KEY, px DECIMAL(12,4))
  WITH ('type' = 'kafka_source', 'broker.unavailable.timeout' = '3s');
CREATE STREAM enriched AS SELECT o.id, p.px FROM orders o JOIN prices p ON o.symbol = p.symbol
WITH ('enriched.path' = 'out.jsonl');
`
	// A table with a compound key: the message key is a JSON object of its columns.
	jobScripts["kafka_table_pairs"] = `
CREATE STREAM orders (id BIGINT, trader BIGINT, symbol VARCHAR) WITH ('type' = 'kafka_source');
CREATE TABLE positions (trader BIGINT, symbol VARCHAR, net BIGINT, PRIMARY KEY (trader, symbol))
  WITH ('type' = 'kafka_source', 'on.error' = 'skip');
SELECT o.id, p.net FROM orders o LEFT JOIN positions p ON p.trader = o.trader AND p.symbol = o.symbol;
`
	// A table read from the changelog that kafka_kcat's query 'small' writes (upserts, and tombstones for groups
	// that leave its HAVING).
	jobScripts["kafka_table_changelog"] = `
CREATE STREAM orders (id BIGINT, symbol VARCHAR) WITH ('type' = 'kafka_source');
CREATE TABLE small (symbol VARCHAR PRIMARY KEY, total BIGINT, n BIGINT) WITH ('type' = 'kafka_source');
SELECT o.id, o.symbol, s.total, s.n FROM orders o LEFT JOIN small s ON s.symbol = o.symbol;
`
	// One table, live: orders join the prices as they are when the order is read.
	jobScripts["kafka_table_live"] = `
CREATE STREAM orders (id BIGINT, symbol VARCHAR) WITH ('type' = 'kafka_source', 'commit.interval' = '100ms');
CREATE TABLE prices (symbol VARCHAR PRIMARY KEY, px DECIMAL(12,4)) WITH ('type' = 'kafka_source');
CREATE STREAM enriched AS SELECT o.id, o.symbol, p.px FROM orders o LEFT JOIN prices p ON o.symbol = p.symbol
WITH ('enriched.type' = 'kafka_sink');
`
}

// tableOracle keeps a Kafka table as the job must: the latest value per key, tombstones deleting. It counts what
// the job's statistics count.
type tableOracle[V any] struct {
	rows                         map[string]V
	read, bad, replaced, deleted int
}

func newTableOracle[V any]() *tableOracle[V] { return &tableOracle[V]{rows: map[string]V{}} }

func (o *tableOracle[V]) put(key string, v V) {
	o.read++
	if _, ok := o.rows[key]; ok {
		o.replaced++
	}
	o.rows[key] = v
}

func (o *tableOracle[V]) delete(key string) {
	o.read++
	if _, ok := o.rows[key]; ok {
		o.deleted++
		delete(o.rows, key)
	}
}

// stats is the job's statistics line of the table's source.
func (o *tableOracle[V]) stats(name string) string {
	s := fmt.Sprintf("%s: read %d, bad %d, late 0; table rows %d, duplicates replaced %d", name, o.read, o.bad,
		len(o.rows), o.replaced)
	if o.deleted > 0 {
		s += fmt.Sprintf(", deleted %d", o.deleted)
	}
	return s
}

// px4 writes a DECIMAL(12,4) held as ten-thousandths.
func px4(v int64) string { return fmt.Sprintf("%d.%04d", v/10000, v%10000) }

// jsonOr is s as a JSON string, or null.
func jsonOr(s string, ok bool) string {
	if !ok {
		return "null"
	}
	return strconv.Quote(s)
}

// TestKafkaTableLoadsFirst writes a stream's topic before the topics of its tables get their rows, then runs a
// bounded job: it loads both tables whole (every partition up to the end offsets it saw when it started) before it
// reads an order, so every order is enriched exactly as the oracle says: the latest value per key, tombstones
// deleting keys, a bad table record skipped; no NULL from load timing.
func TestKafkaTableLoadsFirst(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	ordersTopic := kafkatest.NewTopic(t, brokers, 3)
	pricesTopic := kafkatest.NewTopic(t, brokers, 3)
	tradersTopic := kafkatest.NewTopic(t, brokers, 2)
	rng := rand.New(rand.NewPCG(12, 34))
	const symbols, traders = 60, 40

	// The stream first.
	type order struct {
		id, trader, qty int64
		symbol          string
	}
	orders := make([]order, 4000)
	recs := make([]*kgo.Record, len(orders))
	for i := range orders {
		o := order{id: int64(i + 1), symbol: fmt.Sprintf("S%d", rng.IntN(symbols)), trader: 1 + rng.Int64N(traders),
			qty: rng.Int64N(100) - 10}
		orders[i] = o
		recs[i] = &kgo.Record{Key: []byte(o.symbol), Value: fmt.Appendf(nil, `{"id":%d,"symbol":%q,"trader":%d,"qty":%d}`,
			o.id, o.symbol, o.trader, o.qty)}
	}
	kafkatest.Produce(t, brokers, ordersTopic, recs...)

	// Then the tables: many versions per key, tombstones, values that repeat their key (or leave it out), a NULL
	// price, and one value whose key differs from its message key (bad: skipped and counted).
	type price struct {
		px   int64
		null bool
	}
	prices := newTableOracle[price]()
	recs = recs[:0]
	for i := 0; i < 20000; i++ {
		sym := fmt.Sprintf("S%d", rng.IntN(symbols-10)) // S50-S59 never get a row
		switch r := rng.IntN(20); {
		case r == 0:
			recs = append(recs, &kgo.Record{Key: []byte(sym)}) // a tombstone
			prices.delete(sym)
		case r == 1:
			recs = append(recs, &kgo.Record{Key: []byte(sym), Value: []byte(`{"px":null}`)})
			prices.put(sym, price{null: true})
		default:
			p := price{px: rng.Int64N(10_000_000)}
			v := fmt.Sprintf(`{"px":%s}`, px4(p.px))
			if r%2 == 0 {
				v = fmt.Sprintf(`{"symbol":%q,"px":%s}`, sym, px4(p.px))
			}
			recs = append(recs, &kgo.Record{Key: []byte(sym), Value: []byte(v)})
			prices.put(sym, p)
		}
	}
	recs = append(recs, &kgo.Record{Key: []byte("S1"), Value: []byte(`{"symbol":"S2","px":1}`)})
	// Without a message key the value's column is the key (S55 has no other row, so the partition this lands in
	// does not matter); with neither, or a tombstone without a key, the record is bad.
	recs = append(recs, &kgo.Record{Value: []byte(`{"symbol":"S55","px":5.5}`)}, &kgo.Record{Value: []byte(`{"px":1}`)},
		&kgo.Record{})
	prices.put("S55", price{px: 55000})
	prices.read += 3
	prices.bad += 3
	kafkatest.Produce(t, brokers, pricesTopic, recs...)

	type trader struct{ name, desk string }
	tradersTab := newTableOracle[trader]()
	recs = recs[:0]
	for i := 0; i < 3000; i++ {
		id := 1 + rng.Int64N(traders-5) // ids 36-40 never get a row
		key := strconv.FormatInt(id, 10)
		if rng.IntN(15) == 0 {
			recs = append(recs, &kgo.Record{Key: []byte(key)})
			tradersTab.delete(key)
			continue
		}
		tr := trader{name: fmt.Sprintf("n%d-%d", id, i), desk: fmt.Sprintf("d%d", rng.IntN(5))}
		v := fmt.Sprintf(`{"name":%q,"desk":%q}`, tr.name, tr.desk)
		if i%3 == 0 {
			v = fmt.Sprintf(`{"id":%d,"name":%q,"desk":%q}`, id, tr.name, tr.desk)
		}
		recs = append(recs, &kgo.Record{Key: []byte(key), Value: []byte(v)})
		tradersTab.put(key, tr)
	}
	kafkatest.Produce(t, brokers, tradersTopic, recs...)

	var want []string
	nulls := 0
	for _, o := range orders {
		if o.qty <= 0 {
			continue
		}
		px := "null"
		if p, ok := prices.rows[o.symbol]; ok && !p.null {
			px = px4(p.px)
		}
		tr, ok := tradersTab.rows[strconv.FormatInt(o.trader, 10)]
		if px == "null" || !ok {
			nulls++
		}
		want = append(want, fmt.Sprintf(`{"id":%d,"symbol":%q,"px":%s,"name":%s,"desk":%s}`, o.id, o.symbol, px,
			jsonOr(tr.name, ok), jsonOr(tr.desk, ok)))
	}
	if nulls == 0 || nulls == len(want) {
		t.Fatalf("the data should give both matched and unmatched orders: %d of %d have a NULL", nulls, len(want))
	}

	res := runOK(t, "kafka_table", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "table-"+ordersTopic,
		"--source", "orders=kafka:"+ordersTopic, "--source", "prices=kafka:"+pricesTopic,
		"--source", "traders=kafka:"+tradersTopic)
	got := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		diff := 0
		for i := 0; i < max(len(got), len(want)) && diff < 5; i++ {
			if i >= len(got) || i >= len(want) || got[i] != want[i] {
				diff++
				t.Errorf("row %d:\n got %s\nwant %s", i, at(got, i), at(want, i))
			}
		}
		t.Fatalf("%d rows, want %d; stderr:\n%s", len(got), len(want), res.Stderr)
	}
	if line, want := statsLine(t, res.Stderr, "prices"), prices.stats("prices"); line != want {
		t.Errorf("stats: %q; want %q", line, want)
	}
	if line, want := statsLine(t, res.Stderr, "traders"), tradersTab.stats("traders"); line != want {
		t.Errorf("stats: %q; want %q", line, want)
	}
	for _, bad := range []string{`field "symbol": the value's key differs from the message key`,
		`field "symbol": no primary key: the message has no key, and the value no symbol`,
		`field "symbol": a tombstone without a message key deletes nothing`} {
		if !strings.Contains(res.Stderr, `prices: skipped `+pricesTopic) || !strings.Contains(res.Stderr, bad) {
			t.Errorf("the bad price (%s) is not reported; stderr:\n%s", bad, res.Stderr)
		}
	}
	// Tables are read without a consumer group: only the stream's group has offsets.
	if c := kafkatest.CommittedOffsets(t, brokers, "table-"+ordersTopic, pricesTopic); len(c) != 0 {
		t.Errorf("offsets committed for the table's topic: %v", c)
	}
}

// at returns s[i], or "(none)".
func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// TestKafkaTableLiveUpdates runs an unbounded job: orders written before the table's rows join the loaded table;
// then the table's topic gets an update and a tombstone, and later orders join the new rows. The test waits on
// the job's output only: it writes one more pair of orders at a time until their rows show the update (the
// table's source and the stream run side by side, so when exactly the update lands is the job's business), and
// checks that no row after that shows the old value.
func TestKafkaTableLiveUpdates(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	ordersTopic := kafkatest.NewTopic(t, brokers, 1)
	pricesTopic := kafkatest.NewTopic(t, brokers, 2)
	outTopic := kafkatest.NewTopic(t, brokers, 1)
	id := int64(0)
	orders := func(syms ...string) {
		var recs []*kgo.Record
		for _, s := range syms {
			id++
			recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"symbol":%q}`, id, s)})
		}
		kafkatest.Produce(t, brokers, ordersTopic, recs...)
	}
	orders("A", "B", "C")
	kafkatest.Produce(t, brokers, pricesTopic,
		&kgo.Record{Key: []byte("A"), Value: []byte(`{"px":1}`)},
		&kgo.Record{Key: []byte("B"), Value: []byte(`{"px":2}`)},
		&kgo.Record{Key: []byte("A"), Value: []byte(`{"px":1.5}`)})

	p := startJob(t, "kafka_table_live", "--brokers", brokers, "--group", "live-"+ordersTopic, "--progress", "0",
		"--source", "orders=kafka:"+ordersTopic, "--source", "prices=kafka:"+pricesTopic,
		"--sink", "enriched=kafka:"+outTopic)
	values := func(n int) []string {
		recs := kafkatest.Consume(t, brokers, outTopic, n, stall)
		if len(recs) != n {
			t.Fatalf("%d rows, want %d; stderr of the job:\n%s", len(recs), n, p.log())
		}
		out := make([]string, n)
		for i, r := range recs {
			out[i] = string(r.Value)
		}
		return out
	}
	want := []string{`{"id":1,"symbol":"A","px":1.5000}`, `{"id":2,"symbol":"B","px":2.0000}`,
		`{"id":3,"symbol":"C","px":null}`}
	if got := values(3); !slices.Equal(got, want) {
		t.Fatalf("rows before the update:\n%s\nwant:\n%s\nstderr:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), p.log())
	}

	kafkatest.Produce(t, brokers, pricesTopic,
		&kgo.Record{Key: []byte("A"), Value: []byte(`{"symbol":"A","px":7.25}`)},
		&kgo.Record{Key: []byte("B")}, // a tombstone
		&kgo.Record{Key: []byte("C"), Value: []byte(`{"px":3}`)})
	// The updates may be in two partitions, applied in any order: wait until all show, a pair of orders at a
	// time. A row may show the old or the new value of a key until then, never anything else, and never the old
	// value once it has shown the new one.
	old := map[string]string{"A": "1.5000", "B": "2.0000", "C": "null"}
	updated := map[string]string{"A": "7.2500", "B": "null", "C": "3.0000"}
	seenNew := map[string]bool{}
	deadline := time.Now().Add(5 * time.Minute) // a hang guard only: each round waits for the job's output
	for n := 3; len(seenNew) < 3; {
		if time.Now().After(deadline) {
			t.Fatalf("the updates did not show within 5 minutes; seen %v; stderr:\n%s", seenNew, p.log())
		}
		orders("A", "B", "C")
		n += 3
		for _, v := range values(n)[n-3:] {
			var row map[string]json.RawMessage
			if err := json.Unmarshal([]byte(v), &row); err != nil {
				t.Fatalf("row %s: %v", v, err)
			}
			sym, px := strings.Trim(string(row["symbol"]), `"`), string(row["px"])
			switch px {
			case updated[sym]:
				seenNew[sym] = true
			case old[sym]:
				if seenNew[sym] {
					t.Fatalf("row %s shows the old value of %s after the new one", v, sym)
				}
			default:
				t.Fatalf("row %s: px %s is neither the old (%s) nor the new value (%s) of %s", v, px, old[sym],
					updated[sym], sym)
			}
		}
	}
	p.stop(t, syscall.SIGTERM)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d after SIGTERM:\n%s", code, p.log())
	}
}

// TestKafkaTableEmpty: a table whose topic is empty is loaded at once; every order of a LEFT JOIN gets NULLs.
func TestKafkaTableEmpty(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	ordersTopic := kafkatest.NewTopic(t, brokers, 1)
	pricesTopic := kafkatest.NewTopic(t, brokers, 2)
	outTopic := kafkatest.NewTopic(t, brokers, 1)
	kafkatest.Produce(t, brokers, ordersTopic, &kgo.Record{Value: []byte(`{"id":1,"symbol":"A"}`)})
	res := runOK(t, "kafka_table_live", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "empty-"+ordersTopic,
		"--source", "orders=kafka:"+ordersTopic, "--source", "prices=kafka:"+pricesTopic,
		"--sink", "enriched=kafka:"+outTopic)
	recs := kafkatest.ConsumeAll(t, brokers, outTopic)
	if len(recs) != 1 || string(recs[0].Value) != `{"id":1,"symbol":"A","px":null}` {
		t.Fatalf("rows %v; stderr:\n%s", recs, res.Stderr)
	}
	if line := statsLine(t, res.Stderr, "prices"); line != "prices: read 0, bad 0, late 0; table rows 0, duplicates replaced 0" {
		t.Errorf("stats: %q", line)
	}
}

// TestKafkaTableBrokerUnavailable stops the broker under a job whose Kafka table allows 3 seconds without brokers
// ('broker.unavailable.timeout'): once its table is loaded and a row is out, the job gives up, exiting 1 with a
// message naming the table's source, its topic and the setting, as a stream's source does.
func TestKafkaTableBrokerUnavailable(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b := kafkatest.NewBroker(t, root)
	addr := b.Addr()
	prices := kafkatest.NewTopic(t, addr, 1)
	restartAtEnd(t, b)
	kafkatest.Produce(t, addr, prices, &kgo.Record{Key: []byte("A"), Value: []byte(`{"px":1}`)})
	dir := t.TempDir()
	writeFile(t, dir, "orders.jsonl", []byte(`{"id":1,"symbol":"A"}`+"\n"))
	out := filepath.Join(dir, "out.jsonl")
	p := startJob(t, "kafka_table_giveup", "--brokers", addr, "--progress", "0", "--source", "prices=kafka:"+prices,
		"--source", "orders=file:"+filepath.Join(dir, "orders.jsonl"), "--sink", "enriched=file:"+out)
	waitProgress(t, "the first row", p, func() (int64, bool) {
		data, _ := os.ReadFile(out)
		return int64(len(data)), string(data) == `{"id":1,"px":1.0000}`+"\n"
	})
	b.Stop()
	select {
	case <-p.done:
	case <-time.After(3 * time.Minute):
		t.Fatalf("the job still runs 3 minutes after the broker stopped; stderr:\n%s", p.log())
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{`source "prices"`, `kafka topic "` + prices + `"`, addr,
		"giving up after 'prices.broker.unavailable.timeout' = 3s", "prices: kafka brokers unavailable"} {
		if !strings.Contains(p.log(), want) {
			t.Errorf("the job's stderr lacks %q:\n%s", want, p.log())
		}
	}
}

// TestKafkaTableCompoundKey: a table whose primary key has two columns takes them from a JSON-object message key
// (in any key order, with other keys ignored, as a sink writes the key of a GROUP BY on two columns), or from the
// value when the message has no key; a tombstone deletes the row its key object names. Keys that are not such an
// object, miss a column or hold a NULL, and values that disagree with their key, are bad records.
func TestKafkaTableCompoundKey(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	ordersTopic := kafkatest.NewTopic(t, brokers, 1)
	positionsTopic := kafkatest.NewTopic(t, brokers, 1) // one partition: keys spelt differently stay in order
	var orders []*kgo.Record
	for i, k := range [][2]string{{"1", "A"}, {"1", "B"}, {"2", "A"}, {"4", "C"}, {"3", "A"}} {
		orders = append(orders, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"trader":%s,"symbol":%q}`, i+1, k[0], k[1])})
	}
	kafkatest.Produce(t, brokers, ordersTopic, orders...)
	rec := func(key, value string) *kgo.Record {
		r := &kgo.Record{}
		if key != "" {
			r.Key = []byte(key)
		}
		if value != "" {
			r.Value = []byte(value)
		}
		return r
	}
	kafkatest.Produce(t, brokers, positionsTopic,
		rec(`{"trader":1,"symbol":"A"}`, `{"net":10}`),                          // (1,A) = 10
		rec(`{"symbol":"B","trader":1}`, `{"trader":1,"symbol":"B","net":20}`),  // (1,B) = 20
		rec(`{ "trader" : 2 , "symbol" : "A", "extra": [1, 2] }`, `{"net":30}`), // (2,A) = 30
		rec(`{"trader":1,"symbol":"A"}`, `{"net":11}`),                          // (1,A) = 11, replacing 10
		rec(`{"symbol":"B","trader":1}`, ``),                                    // a tombstone: (1,B) deleted
		rec(`{"trader":3}`, `{"net":1}`),                                        // bad: no symbol in the key
		rec(`AAPL`, `{"net":1}`),                                                // bad: not a JSON object
		rec(`{"trader":2,"symbol":"A"}`, `{"trader":2,"symbol":"Z","net":5}`),   // bad: the value disagrees
		rec(``, `{"trader":4,"symbol":"C","net":40}`),                           // (4,C) = 40, from the value
		rec(``, `{"trader":4,"net":1}`),                                         // bad: no symbol anywhere
		rec(`{"trader":null,"symbol":"A"}`, `{"net":1}`),                        // bad: a NULL in the key
		rec(`{"trader":2,"symbol":"A"}`, `{"net":null}`))                        // (2,A) = NULL, replacing 30
	res := runOK(t, "kafka_table_pairs", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "pairs-"+ordersTopic,
		"--source", "orders=kafka:"+ordersTopic, "--source", "positions=kafka:"+positionsTopic)
	want := `{"id":1,"net":11}
{"id":2,"net":null}
{"id":3,"net":null}
{"id":4,"net":40}
{"id":5,"net":null}
`
	if res.Stdout != want {
		t.Errorf("rows:\n%s\nwant:\n%s\nstderr:\n%s", res.Stdout, want, res.Stderr)
	}
	if line, want := statsLine(t, res.Stderr, "positions"), "positions: read 12, bad 5, late 0; table rows 3, duplicates replaced 2, deleted 1"; line != want {
		t.Errorf("stats: %q; want %q", line, want)
	}
	for _, bad := range []string{
		`[0]@5: field "symbol": message key: missing from the primary key`,
		`[0]@6: message key: `,
		`[0]@7: field "symbol": the value's key differs from the message key`,
		`[0]@9: field "symbol": no primary key: the message has no key, and the value no symbol`,
		`[0]@10: field "trader": message key: null in the primary key`,
	} {
		if !strings.Contains(res.Stderr, "positions: skipped "+positionsTopic+bad) {
			t.Errorf("stderr lacks %q:\n%s", bad, res.Stderr)
		}
	}
}

// TestKafkaTableChangelog reads the changelog a velocc job writes (kafka_kcat's 'small': running totals per symbol
// while under 100, retracted with a tombstone past it) as a table: the latest row per symbol, the retracted symbol
// gone.
func TestKafkaTableChangelog(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	trades, small, echo := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 2), kafkatest.NewTopic(t, brokers, 1)
	var recs []*kgo.Record
	for _, tr := range [][2]string{{"A", "50"}, {"B", "5"}, {"A", "30"}, {"C", "1"}, {"A", "40"}, {"B", "7"}} {
		recs = append(recs, &kgo.Record{Key: []byte(tr[0]), Value: []byte(`{"quantity":` + tr[1] + `}`)})
	}
	kafkatest.Produce(t, brokers, trades, recs...)
	runOK(t, "kafka_kcat", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "changelog-"+trades,
		"--source", "trades=kafka:"+trades, "--sink", "small=kafka:"+small, "--sink", "echo=kafka:"+echo)

	orders := kafkatest.NewTopic(t, brokers, 1)
	recs = nil
	for i, sym := range []string{"A", "B", "C", "D"} {
		recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"symbol":%q}`, i+1, sym)})
	}
	kafkatest.Produce(t, brokers, orders, recs...)
	res := runOK(t, "kafka_table_changelog", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "orders-"+orders,
		"--source", "orders=kafka:"+orders, "--source", "small=kafka:"+small)
	// A: 50, 80, then 120 ≥ 100: retracted. B: 5, 12. C: 1.
	want := `{"id":1,"symbol":"A","total":null,"n":null}
{"id":2,"symbol":"B","total":12,"n":2}
{"id":3,"symbol":"C","total":1,"n":1}
{"id":4,"symbol":"D","total":null,"n":null}
`
	if res.Stdout != want {
		t.Errorf("rows:\n%s\nwant:\n%s\nstderr:\n%s", res.Stdout, want, res.Stderr)
	}
	if line, want := statsLine(t, res.Stderr, "small"), "small: read 6, bad 0, late 0; table rows 2, duplicates replaced 2, deleted 1"; line != want {
		t.Errorf("stats: %q; want %q", line, want)
	}
}
