package e2e

// The state of an aggregation without a window in a changelog topic: a bounded run commits every offset (the
// state holds none back), a second run over more input restores the groups instead of replaying the first run's
// records and ends with the totals of all of them, and a job whose query changed refuses the changelog.

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// Per account: the number of orders and their total, written once the bounded input has ended.
	jobScripts["kafka_totals"] = `
CREATE STREAM orders (account VARCHAR, quantity BIGINT) WITH ('type'='kafka_source', 'commit.interval'='200ms');
CREATE STREAM totals AS
SELECT account, COUNT(*) AS n, SUM(quantity) AS total FROM orders GROUP BY account EMIT FINAL
WITH ('totals.type'='kafka_sink');
`
	// The same query with one more aggregate: its groups have another form.
	jobScripts["kafka_totals_v2"] = strings.Replace(jobScripts["kafka_totals"], "SUM(quantity) AS total",
		"SUM(quantity) AS total, MAX(quantity) AS biggest", 1)
}

// accountOrders returns n orders over accounts accounts, keyed by account, numbered from first: account i%accounts
// orders i%7+1.
func accountOrders(first, n, accounts int) []*kgo.Record {
	recs := make([]*kgo.Record, n)
	for i := range recs {
		j := first + i
		acct := fmt.Sprintf("acct-%04d", j%accounts)
		recs[i] = &kgo.Record{Key: []byte(acct), Value: fmt.Appendf(nil, `{"account":%q,"quantity":%d}`, acct, j%7+1)}
	}
	return recs
}

// accountOrder decodes an order of accountOrders.
func accountOrder(t *testing.T, r *kgo.Record) (o struct {
	Account  string
	Quantity int64
}) {
	t.Helper()
	if err := json.Unmarshal(r.Value, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// totalsOracle is what kafka_totals writes for orders: per account, {"account":...,"n":...,"total":...}.
func totalsOracle(t *testing.T, recs []*kgo.Record) map[string]string {
	type acc struct{ n, total int64 }
	m := map[string]*acc{}
	for _, r := range recs {
		o := accountOrder(t, r)
		if m[o.Account] == nil {
			m[o.Account] = &acc{}
		}
		m[o.Account].n++
		m[o.Account].total += o.Quantity
	}
	out := map[string]string{}
	for k, a := range m {
		out[k] = fmt.Sprintf(`{"account":%q,"n":%d,"total":%d}`, k, a.n, a.total)
	}
	return out
}

// latestRows reads a topic's rows by their key, the last one of each key winning.
func latestRows(t *testing.T, brokers, topic string) map[string]string {
	out := map[string]string{}
	for _, r := range kafkatest.ConsumeAll(t, brokers, topic) {
		var key string
		if err := json.Unmarshal(r.Key, &key); err != nil {
			key = string(r.Key)
		}
		out[key] = string(r.Value)
	}
	return out
}

var restoredLine = regexp.MustCompile(`orders: restored (\d+) groups of query totals from changelog topic "([^"]+)"`)

func TestKafkaChangelogRestore(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 4)
	out1, out2 := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	group := "totals-" + in
	const accounts = 3000
	first := accountOrders(0, 60000, accounts)
	kafkatest.Produce(t, brokers, in, first...)
	args := func(out string) []string {
		return []string{"--brokers", brokers, "--group", group, "--source", "orders=kafka:" + in,
			"--sink", "totals=kafka:" + out, "--bounded", "--progress", "0"}
	}

	// First run: every group written at the end, and every offset committed.
	res := runOK(t, "kafka_totals", t.TempDir(), args(out1)...)
	if got, want := latestRows(t, brokers, out1), totalsOracle(t, first); !maps.Equal(got, want) {
		t.Fatalf("first run: %d rows, want %d; e.g. %v", len(got), len(want), someDiff(got, want))
	}
	if n := committedSum(t, brokers, group, in); n != int64(len(first)) {
		t.Errorf("first run committed %d of %d records: the changelog holds the state, nothing is held back", n, len(first))
	}
	if strings.Contains(res.Stderr, "restored") {
		t.Errorf("first run restored state from a changelog that should not exist yet:\n%s", res.Stderr)
	}

	// Second run, over more orders: it restores the groups of the first run and reads only the new orders.
	more := accountOrders(len(first), 20000, accounts+500)
	kafkatest.Produce(t, brokers, in, more...)
	res = runOK(t, "kafka_totals", t.TempDir(), args(out2)...)
	m := restoredLine.FindStringSubmatch(res.Stderr)
	if m == nil || m[1] != strconv.Itoa(accounts) || m[2] != group+"-totals-changelog" {
		t.Errorf("second run: want %d groups restored from %s-totals-changelog; stderr:\n%s", accounts, group, res.Stderr)
	}
	if line, want := statsLine(t, res.Stderr, "orders"), fmt.Sprintf("orders: read %d, bad 0, late 0", len(more)); line != want {
		t.Errorf("second run: %q, want %q: the first run's orders are in the restored state, not read again", line, want)
	}
	all := append(append([]*kgo.Record{}, first...), more...)
	if got, want := latestRows(t, brokers, out2), totalsOracle(t, all); !maps.Equal(got, want) {
		t.Errorf("second run: %d rows, want %d; e.g. %v", len(got), len(want), someDiff(got, want))
	}

	// A job whose query changed: the changelog's groups have the old form.
	res = runJob(t, "kafka_totals_v2", t.TempDir(), args(out2)...)
	if res.Code != 1 || !strings.Contains(res.Stderr, `changelog topic "`+group+`-totals-changelog" partition`) ||
		!strings.Contains(res.Stderr, "holds the state of another version of query totals") {
		t.Errorf("a changed query: exit %d, want 1 with a message naming the changelog topic; stderr:\n%s", res.Code, res.Stderr)
	}
}

// someDiff returns a few keys whose values differ between got and want, with both values.
func someDiff(got, want map[string]string) []string {
	var out []string
	for k, w := range want {
		if g := got[k]; g != w && len(out) < 3 {
			out = append(out, fmt.Sprintf("%s: got %q, want %q", k, g, w))
		}
	}
	return out
}
