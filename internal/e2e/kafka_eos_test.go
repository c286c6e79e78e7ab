package e2e

// Exactly once: jobs under 'processing.guarantee' = 'exactly_once' killed with SIGKILL again and again, then run
// to the end: what a read_committed consumer reads of their output is the oracle's rows, each exactly once.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// kafka_windows (kafka_test.go) under the guarantee, committing often: many transactions to kill in.
	jobScripts["kafka_windows_eos"] = strings.NewReplacer(
		"'commit.interval'='200ms'", "'commit.interval'='50ms'",
		"'heartbeat.interval.ms'='300ms'", "'heartbeat.interval.ms'='300ms', 'session.timeout.ms'='6000'",
		"WITH ('minutes.type'='kafka_sink')", "WITH ('minutes.type'='kafka_sink', 'processing.guarantee'='exactly_once')",
	).Replace(kafkaWindowsSQL)
	// Per account, a row for every order: its running count and total (kafka_totals under EMIT CHANGES).
	jobScripts["kafka_running_eos"] = strings.NewReplacer(
		"'commit.interval'='200ms'", "'commit.interval'='50ms'",
		"EMIT FINAL", "EMIT CHANGES",
		"WITH ('totals.type'='kafka_sink')", "WITH ('totals.type'='kafka_sink', 'processing.guarantee'='exactly_once')",
	).Replace(jobScripts["kafka_totals"])
	// Orders priced from a Kafka table, one row per order.
	jobScripts["kafka_priced_eos"] = `
CREATE STREAM orders (id BIGINT, symbol VARCHAR, qty BIGINT) WITH ('type'='kafka_source', 'commit.interval'='50ms');
CREATE TABLE prices (symbol VARCHAR PRIMARY KEY, px BIGINT) WITH ('type'='kafka_source');
CREATE STREAM priced AS SELECT o.id, o.qty * p.px AS notional FROM orders o JOIN prices p ON o.symbol = p.symbol
WITH ('priced.type'='kafka_sink', 'priced.key.field'='id', 'processing.guarantee'='exactly_once');
`
}

// TestKafkaExactlyOnceWindows kills a windowed aggregation under the guarantee up to 12 times mid-stream, then lets a
// bounded run finish: every window of the oracle is in the output with its exact value, and none twice.
func TestKafkaExactlyOnceWindows(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 6)
	out := kafkatest.NewTopic(t, brokers, 6)
	orders := kafkaOrders(17, 3600000, 60)
	produceOrders(t, brokers, in, orders)
	want := refMinutes(orders)
	group := "eos-" + in
	args := []string{"--brokers", brokers, "--group", group, "--instance-id", "eos-test",
		"--source", "orders=kafka:" + in, "--sink", "minutes=kafka:" + out, "--progress", "0"}
	committed := func() int64 { return committedSum(t, brokers, group, in) }

	kills, _ := killRuns(t, "kafka_windows_eos", args, int64(len(orders)), committed, 12)
	finalRun(t, "kafka_windows_eos", args, brokers, committed, out)
	recs := kafkatest.ConsumeAll(t, brokers, out) // read_committed
	distinct, messages := outputRows(t, recs, want)
	if n, some := missingKeys(recs, want); n > 0 {
		t.Errorf("%d of %d output rows are missing after %d kills, e.g. %v", n, len(want), kills, some)
	}
	if messages != distinct {
		t.Errorf("%d messages for %d distinct rows after %d kills: %d duplicates under exactly once", messages,
			distinct, kills, messages-distinct)
	}
	t.Logf("%d kills; %d rows of %d expected, %d messages", kills, distinct, len(want), messages)
}

// TestKafkaExactlyOnceRunning kills an aggregation without a window that writes a row per record (EMIT CHANGES)
// up to 10 times mid-stream, then lets a bounded run finish: the output holds exactly one row per input record, and
// each account's rows count 1, 2, 3, ... with the running total of its orders in input order.
func TestKafkaExactlyOnceRunning(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 4)
	out := kafkatest.NewTopic(t, brokers, 4)
	const accounts = 2000
	recs := accountOrders(0, 2400000, accounts)
	kafkatest.Produce(t, brokers, in, recs...)
	group := "eos-running-" + in
	args := []string{"--brokers", brokers, "--group", group, "--instance-id", "eos-running",
		"--source", "orders=kafka:" + in, "--sink", "totals=kafka:" + out, "--progress", "0"}
	committed := func() int64 { return committedSum(t, brokers, group, in) }

	kills, _ := killRuns(t, "kafka_running_eos", args, int64(len(recs)), committed, 10)
	finalRun(t, "kafka_running_eos", args, brokers, committed, out)

	// The oracle: per account, the running count and total after each of its orders, in order (an account's
	// orders are in one partition, and so are its rows: both are keyed by the account).
	type running struct{ n, total int64 }
	want := map[string][]running{}
	for _, r := range recs {
		o := accountOrder(t, r)
		rs := want[o.Account]
		prev := running{}
		if len(rs) > 0 {
			prev = rs[len(rs)-1]
		}
		want[o.Account] = append(rs, running{prev.n + 1, prev.total + o.Quantity})
	}
	got := map[string][]running{}
	rows := kafkatest.ConsumeAll(t, brokers, out) // read_committed
	for _, r := range rows {
		var row struct {
			Account  string
			N, Total int64
		}
		if err := json.Unmarshal(r.Value, &row); err != nil {
			t.Fatalf("row %s: %v", r.Value, err)
		}
		got[row.Account] = append(got[row.Account], running{row.N, row.Total})
	}
	if len(rows) != len(recs) {
		t.Errorf("%d rows for %d orders after %d kills", len(rows), len(recs), kills)
	}
	bad := 0
	for acct, w := range want {
		if g := got[acct]; fmt.Sprint(g) != fmt.Sprint(w) {
			if bad++; bad <= 3 {
				t.Errorf("account %s: rows %v, want %v", acct, head(g), head(w))
			}
		}
	}
	t.Logf("%d kills; %d rows for %d orders, %d accounts wrong", kills, len(rows), len(recs), bad)
}

// head returns the first rows of a list, for a message.
func head[T any](s []T) []T { return s[:min(len(s), 8)] }

// TestKafkaExactlyOnceTableJoin kills a stream-table join under the guarantee up to 8 times mid-stream, then lets a
// bounded run finish: the output holds exactly one row per order, priced from the table.
func TestKafkaExactlyOnceTableJoin(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	prices, in, out := kafkatest.NewTopic(t, brokers, 2), kafkatest.NewTopic(t, brokers, 4), kafkatest.NewTopic(t, brokers, 4)
	const symbols = 50
	var table []*kgo.Record
	for i := range symbols {
		sym := fmt.Sprintf("S%02d", i)
		table = append(table, &kgo.Record{Key: []byte(sym), Value: fmt.Appendf(nil, `{"symbol":%q,"px":%d}`, sym, 100+i)})
	}
	kafkatest.Produce(t, brokers, prices, table...)
	const n = 1600000
	orders := make([]*kgo.Record, n)
	for i := range orders {
		sym := fmt.Sprintf("S%02d", i%symbols)
		orders[i] = &kgo.Record{Key: []byte(sym), Value: fmt.Appendf(nil, `{"id":%d,"symbol":%q,"qty":%d}`, i, sym, i%9+1)}
	}
	kafkatest.Produce(t, brokers, in, orders...)
	group := "eos-priced-" + in
	args := []string{"--brokers", brokers, "--group", group, "--instance-id", "eos-priced",
		"--source", "orders=kafka:" + in, "--source", "prices=kafka:" + prices, "--sink", "priced=kafka:" + out,
		"--progress", "0"}
	committed := func() int64 { return committedSum(t, brokers, group, in) }

	kills, _ := killRuns(t, "kafka_priced_eos", args, n, committed, 8)
	finalRun(t, "kafka_priced_eos", args, brokers, committed, out)
	seen := make([]int, n)
	rows := kafkatest.ConsumeAll(t, brokers, out) // read_committed
	wrong := 0
	for _, r := range rows {
		var row struct{ ID, Notional int64 }
		if err := json.Unmarshal(r.Value, &row); err != nil || row.ID < 0 || row.ID >= n {
			t.Fatalf("row %s: %v", r.Value, err)
		}
		seen[row.ID]++
		if want := int64(row.ID%9+1) * int64(100+row.ID%symbols); row.Notional != want && wrong < 3 {
			wrong++
			t.Errorf("order %d: notional %d, want %d", row.ID, row.Notional, want)
		}
	}
	missing, twice := 0, 0
	for _, c := range seen {
		if c == 0 {
			missing++
		} else if c > 1 {
			twice++
		}
	}
	if missing > 0 || twice > 0 {
		t.Errorf("after %d kills: %d orders without a row, %d with more than one", kills, missing, twice)
	}
	t.Logf("%d kills; %d rows for %d orders", kills, len(rows), n)
}
