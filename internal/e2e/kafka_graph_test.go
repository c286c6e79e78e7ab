package e2e

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

// A graph on Kafka, killed with SIGKILL and restarted: a derived stream read by a windowed aggregation (two
// queries), and a join of two streams (orders and quotes within one second of each other).
const kafkaGraphSQL = `
CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(10,2), event_time TIMESTAMP)
  WITH ('type'='kafka_source', 'event.time.field'='event_time', 'watermark.max_out_of_orderness'='2s',
        'commit.interval'='200ms', 'heartbeat.interval.ms'='300ms');
CREATE STREAM quotes (symbol VARCHAR, bid DECIMAL(10,2), event_time TIMESTAMP)
  WITH ('type'='kafka_source', 'event.time.field'='event_time', 'watermark.max_out_of_orderness'='2s',
        'commit.interval'='200ms', 'heartbeat.interval.ms'='300ms');

CREATE STREAM big AS SELECT symbol, quantity, event_time FROM orders WHERE quantity >= 300;
CREATE STREAM minutes AS
SELECT symbol, SUM(quantity) AS volume, COUNT(*) AS trades FROM big
GROUP BY symbol WINDOW TUMBLING (event_time, INTERVAL '1' MINUTE) EMIT FINAL
WITH ('minutes.type'='kafka_sink');

CREATE STREAM matched AS
SELECT o.symbol, o.quantity, q.bid, o.event_time AS order_time, q.event_time AS quote_time
FROM orders o JOIN quotes q WITHIN 1 SECOND ON o.symbol = q.symbol
WITH ('matched.type'='kafka_sink');
`

func init() { jobScripts["kafka_graph"] = kafkaGraphSQL }

type kQuote struct {
	symbol string
	cents  int64
	ts     int64
}

// kafkaQuotes makes a quote per symbol of kafkaOrders every 7 seconds (and a little), over the orders' minutes.
func kafkaQuotes(seed uint64, minutes int) []kQuote {
	rng := rand.New(rand.NewPCG(seed, 3))
	syms := []string{"AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "AVGO", "ORCL", "CRM",
		"ADBE", "AMD", "INTC", "NFLX", "PEP", "KO", "V", "MA", "JPM", "BAC"}
	start := int64(1717421400000)
	var out []kQuote
	for ts := start; ts < start+int64(minutes)*60000; ts += 7000 {
		for _, s := range syms {
			out = append(out, kQuote{symbol: s, cents: 1000 + rng.Int64N(50000), ts: ts + rng.Int64N(500)})
		}
	}
	return out
}

// TestKafkaKillRestartGraph is TestKafkaKillRestart for a job of many queries over two topics: after the kills
// and a last --bounded run, every window of the aggregation over the derived stream and every pair of the join
// is in the output topics, none partial and none that should not be there.
func TestKafkaKillRestartGraph(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	ordersTopic := kafkatest.NewTopic(t, brokers, 6)
	quotesTopic := kafkatest.NewTopic(t, brokers, 6)
	minutesTopic := kafkatest.NewTopic(t, brokers, 6)
	matchedTopic := kafkatest.NewTopic(t, brokers, 6)
	orders := kafkaOrders(11, 300000, 30)
	quotes := kafkaQuotes(11, 30)
	began := time.Now()
	qrecs := make([]*kgo.Record, len(quotes))
	for i, q := range quotes {
		qrecs[i] = &kgo.Record{Key: []byte(q.symbol), Value: fmt.Appendf(nil, `{"symbol":%q,"bid":%s,"event_time":%d}`, q.symbol, cents(q.cents, 2), q.ts)}
	}
	kafkatest.Produce(t, brokers, quotesTopic, qrecs...)
	produceOrders(t, brokers, ordersTopic, orders)
	t.Logf("produced %d orders and %d quotes in %v", len(orders), len(quotes), time.Since(began).Round(time.Millisecond))

	// The oracles: the windows of the orders of 300 shares or more, and the pairs within a second.
	var big []kOrder
	for _, o := range orders {
		if o.qty >= 300 {
			big = append(big, o)
		}
	}
	type win struct {
		sym   string
		start int64
	}
	vol, trades := map[win]int64{}, map[win]int64{}
	for _, o := range big {
		w := win{o.symbol, o.ts - o.ts%60000}
		vol[w] += o.qty
		trades[w]++
	}
	wantMinutes := map[string]string{}
	for w, v := range vol {
		wantMinutes[fmt.Sprintf(`{"symbol":%q,"window_start":%d}`, w.sym, w.start)] = fmt.Sprintf(`{"symbol":%q,"volume":%d,"trades":%d}`, w.sym, v, trades[w])
	}
	bySym := map[string][]kQuote{}
	for _, q := range quotes {
		bySym[q.symbol] = append(bySym[q.symbol], q)
	}
	wantPairs := map[string]bool{}
	for _, o := range orders {
		for _, q := range bySym[o.symbol] {
			if q.ts >= o.ts-1000 && q.ts <= o.ts+1000 {
				wantPairs[fmt.Sprintf(`{"symbol":%q,"quantity":%d,"bid":%s,"order_time":%d,"quote_time":%d}`, o.symbol, o.qty, cents(q.cents, 2), o.ts, q.ts)] = true
			}
		}
	}

	group := "killgraph-" + ordersTopic
	args := []string{"--brokers", brokers, "--group", group, "--instance-id", "kill-graph",
		"--source", "orders=kafka:" + ordersTopic, "--source", "quotes=kafka:" + quotesTopic,
		"--sink", "minutes=kafka:" + minutesTopic, "--sink", "matched=kafka:" + matchedTopic, "--progress", "0"}
	committed := func() int64 {
		return committedSum(t, brokers, group, ordersTopic) + committedSum(t, brokers, group, quotesTopic)
	}
	kills, _ := killRuns(t, "kafka_graph", args, int64(len(orders)+len(quotes)), committed, 6)
	finalRun(t, "kafka_graph", args, brokers, committed, minutesTopic, matchedTopic)

	recs := kafkatest.ConsumeAll(t, brokers, minutesTopic)
	distinct, messages := outputRows(t, recs, wantMinutes)
	if n, some := missingKeys(recs, wantMinutes); n > 0 {
		t.Errorf("minutes: %d of %d rows are missing after %d kills, e.g. %v", n, len(wantMinutes), kills, some)
	}
	t.Logf("minutes: %d distinct rows of %d expected, %d messages", distinct, len(wantMinutes), messages)

	got := map[string]bool{}
	bad := 0
	pairs := kafkatest.ConsumeAll(t, brokers, matchedTopic)
	for _, r := range pairs {
		v := string(r.Value)
		if !wantPairs[v] {
			if bad++; bad <= 5 {
				t.Errorf("matched: unexpected row %s", v)
			}
		}
		got[v] = true
	}
	missing := 0
	for v := range wantPairs {
		if !got[v] {
			if missing++; missing <= 5 {
				t.Errorf("matched: missing row %s", v)
			}
		}
	}
	if missing > 0 {
		t.Errorf("matched: %d of %d pairs missing after %d kills", missing, len(wantPairs), kills)
	}
	t.Logf("matched: %d distinct pairs of %d expected, %d messages", len(got), len(wantPairs), len(pairs))
}

// TestKafkaJoinPartitions: a job that joins two topics of different partition counts refuses to start, naming
// both, unless it is told that it runs as one instance.
func TestKafkaJoinPartitions(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	orders := kafkatest.NewTopic(t, brokers, 4)
	quotes := kafkatest.NewTopic(t, brokers, 2)
	minutes := kafkatest.NewTopic(t, brokers, 4)
	matched := kafkatest.NewTopic(t, brokers, 4)
	produceOrders(t, brokers, orders, kafkaOrders(5, 100, 1))
	kafkatest.Produce(t, brokers, quotes, &kgo.Record{Key: []byte("AAPL"), Value: []byte(`{"symbol":"AAPL","bid":1.00,"event_time":1717421400000}`)})
	args := []string{"--brokers", brokers, "--group", "parts-" + orders, "--bounded", "--progress", "0",
		"--source", "orders=kafka:" + orders, "--source", "quotes=kafka:" + quotes,
		"--sink", "minutes=kafka:" + minutes, "--sink", "matched=kafka:" + matched}
	res := runJob(t, "kafka_graph", t.TempDir(), args...)
	want := fmt.Sprintf(`sources "orders" (kafka:%s, 4 partitions) and "quotes" (kafka:%s, 2 partitions) are joined by key`, orders, quotes)
	if res.Code != 1 || !strings.Contains(res.Stderr, want) || !strings.Contains(res.Stderr, "--single-instance") {
		t.Fatalf("exit %d; want 1 and a message containing %q and --single-instance; stderr:\n%s", res.Code, want, res.Stderr)
	}
	res = runJob(t, "kafka_graph", t.TempDir(), append(args, "--single-instance")...)
	if res.Code != 0 {
		t.Fatalf("with --single-instance: exit %d; stderr:\n%s", res.Code, res.Stderr)
	}
}
