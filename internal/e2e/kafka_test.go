package e2e

// Kafka end to end, on the real broker that 'make test' starts (the tests skip without VELOCC_TEST_BROKERS): a
// windowed aggregation killed with SIGKILL and restarted several times loses no output row and emits no partial
// one; two instances in one consumer group produce the result set of one instance; kcat, an independent client
// (librdkafka), feeds a job and reads its keys, values and tombstones.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	jobScripts["kafka_windows"] = kafkaWindowsSQL
	// A copy job that waits for its source topic, and opens its sink's circuit when a row is not acknowledged
	// within 10 seconds (no retry). Both are deadlines the job keeps by the clock: the wait is long enough for any
	// test to create the topic, and no acknowledgement of a working broker takes 10 seconds, however loaded the
	// machine.
	jobScripts["kafka_copy"] = `
CREATE STREAM src (id BIGINT, name VARCHAR)
  WITH ('type'='kafka_source', 'topic.wait.timeout'='10m', 'topic.retry.interval'='200ms', 'commit.interval'='100ms');
CREATE STREAM dst AS SELECT id, name FROM src
WITH ('dst.type'='kafka_sink', 'dst.delivery.timeout.ms'='10s', 'dst.topic.create'='false',
      'dst.retry.max.attempts'='1');
`
	// Windows over the record timestamp.
	jobScripts["kafka_ts"] = `
CREATE STREAM clicks (page VARCHAR) WITH ('type'='kafka_source', 'event.time.field'='_timestamp');
SELECT page, COUNT(*) AS n, TUMBLE_START(_timestamp, INTERVAL '1' MINUTE) AS minute, MAX(_offset) AS last
FROM clicks GROUP BY page WINDOW TUMBLING (_timestamp, INTERVAL '1' MINUTE);
`
	// The message key fills symbol; a running total per symbol while it stays under 100, then a tombstone.
	jobScripts["kafka_kcat"] = `
CREATE STREAM trades (symbol VARCHAR PRIMARY KEY, quantity BIGINT, note VARCHAR)
  WITH ('type'='kafka_source', 'on.error'='skip');
CREATE STREAM small AS
SELECT symbol, SUM(quantity) AS total, COUNT(*) AS n FROM trades
GROUP BY symbol HAVING SUM(quantity) < 100 EMIT CHANGES
WITH ('small.type'='kafka_sink');
CREATE STREAM echo AS
SELECT _key AS k, _partition AS p, _offset AS o, note, quantity * 2 AS twice FROM trades WHERE note IS NOT NULL
WITH ('echo.type'='kafka_sink', 'echo.key.field'='note');
`
}

// kafkaWindowsSQL is the job kafka_windows: per symbol and minute, volume, trade count, price range and notional.
// The source and sink topics are given on the command line; the key of each output row is
// {"symbol":...,"window_start":...}.
const kafkaWindowsSQL = `
CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(10,2), event_time TIMESTAMP)
  WITH ('type'='kafka_source', 'event.time.field'='event_time', 'watermark.max_out_of_orderness'='2s',
        'commit.interval'='200ms', 'heartbeat.interval.ms'='300ms');
CREATE STREAM minutes AS
SELECT symbol, SUM(quantity) AS volume, COUNT(*) AS trades, MIN(price) AS low, MAX(price) AS high,
       SUM(price * quantity) AS notional
FROM orders
GROUP BY symbol
WINDOW TUMBLING (event_time, INTERVAL '1' MINUTE)
EMIT FINAL
WITH ('minutes.type'='kafka_sink');
`

// kOrder is one generated order: keyed by symbol, event times ascending with up to 500 ms of jitter.
type kOrder struct {
	symbol, side string
	qty          int64
	cents        int64 // price × 100
	ts           int64
}

// kafkaOrders generates n orders over 20 symbols spanning minutes of event time.
func kafkaOrders(seed uint64, n, minutes int) []kOrder {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	syms := []string{"AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "AVGO", "ORCL", "CRM",
		"ADBE", "AMD", "INTC", "NFLX", "PEP", "KO", "V", "MA", "JPM", "BAC"}
	start := int64(1717421400000)
	span := int64(minutes) * 60000
	out := make([]kOrder, n)
	for i := range out {
		ts := start + span*int64(i)/int64(n) + rng.Int64N(500)
		side := "BUY"
		if rng.IntN(2) == 0 {
			side = "SELL"
		}
		out[i] = kOrder{symbol: syms[rng.IntN(len(syms))], side: side, qty: 1 + rng.Int64N(999),
			cents: 1000 + rng.Int64N(50000), ts: ts}
	}
	return out
}

func (o kOrder) json() []byte {
	return fmt.Appendf(nil, `{"symbol":%q,"side":%q,"quantity":%d,"price":%d.%02d,"event_time":%d}`,
		o.symbol, o.side, o.qty, o.cents/100, o.cents%100, o.ts)
}

// refMinutes is the oracle of kafka_windows: the value of each output row by its key, as the job writes them.
func refMinutes(orders []kOrder) map[string]string {
	type acc struct{ vol, n, low, high, notional int64 }
	type key struct {
		sym   string
		start int64
	}
	m := map[key]*acc{}
	for _, o := range orders {
		k := key{o.symbol, o.ts - o.ts%60000}
		a := m[k]
		if a == nil {
			a = &acc{low: o.cents, high: o.cents}
			m[k] = a
		}
		a.vol += o.qty
		a.n++
		a.low, a.high = min(a.low, o.cents), max(a.high, o.cents)
		a.notional += o.cents * o.qty
	}
	out := map[string]string{}
	for k, a := range m {
		kk := fmt.Sprintf(`{"symbol":%q,"window_start":%d}`, k.sym, k.start)
		out[kk] = fmt.Sprintf(`{"symbol":%q,"volume":%d,"trades":%d,"low":%s,"high":%s,"notional":%s}`,
			k.sym, a.vol, a.n, cents(a.low, 2), cents(a.high, 2), cents(a.notional, 2))
	}
	return out
}

// cents formats v/100 with s fractional digits (s ≥ 2).
func cents(v int64, s int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	t := fmt.Sprintf("%d.%02d%s", v/100, v%100, strings.Repeat("0", s-2))
	if neg {
		t = "-" + t
	}
	return t
}

// produceOrders writes orders keyed by symbol and returns the records (with their partitions and offsets).
func produceOrders(t *testing.T, brokers, topic string, orders []kOrder) []*kgo.Record {
	recs := make([]*kgo.Record, len(orders))
	for i, o := range orders {
		recs[i] = &kgo.Record{Key: []byte(o.symbol), Value: o.json()}
	}
	kafkatest.Produce(t, brokers, topic, recs...)
	return recs
}

// stall is how long a wait may go without progress before a test gives up: generous, for a loaded machine.
const stall = 90 * time.Second

// pollEvery is how often waitProgress looks at its condition.
const pollEvery = 50 * time.Millisecond

// waitProgress polls cond until it reports done, failing the test when the progress it reports has not moved
// for stall, or when job p exits meanwhile (when p is not nil).
func waitProgress(t *testing.T, what string, p *proc, cond func() (progress int64, done bool)) {
	t.Helper()
	last, since := int64(-1), time.Now()
	for {
		progress, done := cond()
		if done {
			return
		}
		if progress != last {
			last, since = progress, time.Now()
		} else if time.Since(since) > stall {
			if p != nil {
				t.Fatalf("%s: no progress for %v (at %d); stderr of the job:\n%s", what, stall, progress, p.log())
			}
			t.Fatalf("%s: no progress for %v (at %d)", what, stall, progress)
		}
		if p != nil {
			select {
			case <-p.done:
				t.Fatalf("%s: the job exited with %d; stderr:\n%s", what, p.cmd.ProcessState.ExitCode(), p.log())
			case <-time.After(pollEvery):
			}
		} else {
			time.Sleep(pollEvery)
		}
	}
}

// proc is a job running in the background.
type proc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
	err    error
}

// lockedBuf lets the job write stderr while the test reads it.
type lockedBuf struct{ p *proc }

func (b lockedBuf) Write(d []byte) (int, error) {
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	return b.p.stderr.Write(d)
}

// startJob starts job name with args; it is killed when the test ends if still running.
func startJob(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	return startJobIn(t, name, t.TempDir(), args...)
}

// startJobIn is startJob in directory dir.
func startJobIn(t *testing.T, name, dir string, args ...string) *proc {
	t.Helper()
	needBuild(t)
	p := &proc{cmd: exec.Command(bins[name], args...), done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), PoisonEnv)
	p.cmd.Stderr = lockedBuf{p}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	return p
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// stop sends sig and waits for the exit, failing the test if it takes longer than a minute.
func (p *proc) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		t.Fatalf("the job did not exit within a minute of %v; stderr:\n%s", sig, p.log())
	}
}

// waitExit waits for the job to exit by itself and returns its exit code. It fails the test when the progress
// that progress reports has not moved for stall (nil: no progress to watch, only the job's own timers to wait
// for): a job that works through a big input takes as long as the machine needs.
func (p *proc) waitExit(t *testing.T, what string, progress func() int64) int {
	t.Helper()
	last, since := int64(-1), time.Now()
	for {
		select {
		case <-p.done:
			return p.cmd.ProcessState.ExitCode()
		case <-time.After(pollEvery):
		}
		var n int64
		if progress != nil {
			n = progress()
		}
		if n != last {
			last, since = n, time.Now()
		} else if time.Since(since) > stall {
			t.Fatalf("%s: the job has not exited, and made no progress for %v (at %d); stderr:\n%s", what, stall, n,
				p.log())
		}
	}
}

// outputRows reads a sink topic and checks every message against want (the value of each key): a key that is
// not expected, or a value differing from the expected one, fails the test (a partial window is such a value).
// It returns the number of distinct keys seen and of messages read.
func outputRows(t *testing.T, recs []*kgo.Record, want map[string]string) (distinct, messages int) {
	t.Helper()
	seen := map[string]bool{}
	bad := 0
	for _, r := range recs {
		k, v := string(r.Key), string(r.Value)
		w, ok := want[k]
		if !ok || v != w {
			if bad++; bad <= 5 {
				t.Errorf("unexpected row: key %s value %s; want %q", k, v, w)
			}
			continue
		}
		seen[k] = true
	}
	return len(seen), len(recs)
}

// missingKeys lists up to 5 expected keys absent from the topic's messages.
func missingKeys(recs []*kgo.Record, want map[string]string) (n int, some []string) {
	got := map[string]bool{}
	for _, r := range recs {
		got[string(r.Key)] = true
	}
	var keys []string
	for k := range want {
		if !got[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return len(keys), keys[:min(5, len(keys))]
}

// TestKafkaKillRestart kills a windowed job with SIGKILL at random points while it works through its input,
// restarts it each time, lets a last --bounded run finish, and checks that every window of the oracle is in the
// output topic with its exact value: nothing lost, nothing partial (duplicates of whole rows are allowed:
// at-least-once). The job keeps its open windows in a changelog topic: each restart restores them (the log says
// so) instead of replaying their records.
func TestKafkaKillRestart(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 6)
	out := kafkatest.NewTopic(t, brokers, 6)
	orders := kafkaOrders(7, 1200000, 60)
	began := time.Now()
	produceOrders(t, brokers, in, orders)
	t.Logf("produced %d orders in %v", len(orders), time.Since(began).Round(time.Millisecond))
	want := refMinutes(orders)
	group := "kill-" + in
	args := []string{"--brokers", brokers, "--group", group, "--instance-id", "kill-test",
		"--source", "orders=kafka:" + in, "--sink", "minutes=kafka:" + out, "--progress", "0"}
	committed := func() int64 { return committedSum(t, brokers, group, in) }

	kills, logs := killRuns(t, "kafka_windows", args, int64(len(orders)), committed, 6)
	for i, l := range logs[1:] {
		if !strings.Contains(l, "restored ") || !strings.Contains(l, "minutes-changelog") {
			t.Errorf("run %d did not restore its state from the changelog:\n%s", i+2, l)
		}
	}
	finalRun(t, "kafka_windows", args, brokers, committed, out)
	recs := kafkatest.ConsumeAll(t, brokers, out)
	distinct, messages := outputRows(t, recs, want)
	if n, some := missingKeys(recs, want); n > 0 {
		t.Errorf("%d of %d output rows are missing after %d kills, e.g. %v", n, len(want), kills, some)
	}
	t.Logf("%d distinct rows of %d expected, %d messages (%d duplicates from replays)", distinct, len(want), messages, messages-distinct)
}

// killRuns runs job name with args again and again, killing each run with SIGKILL at a random point once it has
// committed a random part of what is left of the input (total records; committed reports how many are committed):
// then it is mid-stream, with state open, rows in flight to the broker and records read but not committed. With
// maxKills kills planned, each waits for 50-150% of an even share of what is left before the last tenth of the
// input. Kill points come from what was committed, so they never lie beyond the input, and commits come a moment
// apart, so a kill may land later than planned on a fast or a loaded machine: the next one is planned from where
// it landed, and the kills stop once less than a tenth of the input is left, or all of it is committed (a job whose
// state is in changelogs holds no offset back). It returns the number of kills and the log of each run.
func killRuns(t *testing.T, name string, args []string, total int64, committed func() int64, maxKills int) (int, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	last := total * 9 / 10 // no kill is planned past this
	var prev int64
	kills := 0
	var logs []string
	for kills < maxKills && prev < last {
		target := prev + (last-prev)*int64(50+rng.IntN(101))/100/int64(maxKills-kills)
		p := startJob(t, name, args...)
		waitProgress(t, fmt.Sprintf("kill %d: the job committing %d records", kills+1, target), p, func() (int64, bool) {
			n := committed()
			return n, n >= target
		})
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond) // a random point between two commits
		p.stop(t, syscall.SIGKILL)
		logs = append(logs, p.log())
		kills++
		now := committed()
		t.Logf("kill %d: committed %d of %d records (planned at %d)", kills, now, total, target)
		if now >= total {
			break // all committed: the windows still open are in the changelog, for the final run to emit
		}
		prev = now
	}
	return kills, logs
}

// finalRun runs job name with args once more, --bounded, through the rest of its input however long that takes
// (its progress is what it has committed and the rows in its output topics), and fails the test if it fails.
func finalRun(t *testing.T, name string, args []string, brokers string, committed func() int64, outputs ...string) {
	t.Helper()
	p := startJob(t, name, append(args, "--bounded")...)
	code := p.waitExit(t, "the final --bounded run", func() int64 {
		n := committed()
		for _, topic := range outputs {
			for _, o := range kafkatest.EndOffsets(t, brokers, topic) {
				n += o
			}
		}
		return n
	})
	if code != 0 {
		t.Fatalf("the final --bounded run exited with %d:\n%s", code, p.log())
	}
}

// TestKafkaTwoInstances runs two instances of a windowed job in one consumer group and one instance alone in
// another group, over the same input keyed by the GROUP BY key, and checks that both produce the oracle's rows.
// The second instance joins when the first has committed a tenth of the input, so the group rebalances while
// the first works: it gives half of its six partitions away, with its rows flushed, its offsets committed and
// its state dropped, and rebuilds the state of the partitions it keeps from the committed offsets.
func TestKafkaTwoInstances(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 6)
	orders := kafkaOrders(11, 600000, 30)
	recs := produceOrders(t, brokers, in, orders)
	want := refMinutes(orders)
	// A last record per partition, an hour later, moves every partition's event time past the real windows, so
	// that unbounded jobs close all of them (the window it opens itself never closes).
	markers := map[int32]*kgo.Record{}
	for _, r := range recs {
		if markers[r.Partition] == nil {
			o := kOrder{symbol: string(r.Key), side: "BUY", qty: 1, cents: 100, ts: orders[len(orders)-1].ts + 3600000}
			markers[r.Partition] = &kgo.Record{Key: r.Key, Value: o.json()}
		}
	}
	if len(markers) != 6 {
		t.Fatalf("the input reached %d of 6 partitions", len(markers))
	}
	for _, m := range markers {
		kafkatest.Produce(t, brokers, in, m)
	}

	rebalanced := false
	run := func(group, out string, instances int) []*kgo.Record {
		var ps []*proc
		for i := 0; i < instances; i++ {
			if i > 0 {
				// Join once the first instance is well into the input: the group rebalances mid-stream.
				waitProgress(t, "the first instance committing a tenth of the input", ps[0], func() (int64, bool) {
					n := committedSum(t, brokers, group, in)
					return n, n >= int64(len(orders))/10
				})
			}
			ps = append(ps, startJob(t, "kafka_windows", "--brokers", brokers, "--group", group, "--progress", "0",
				"--source", "orders=kafka:"+in, "--sink", "minutes=kafka:"+out))
		}
		// Every row of the oracle, however long the instances take: the rows read are the progress.
		reader := newTopicReader(t, brokers, out)
		waitProgress(t, fmt.Sprintf("the output of %d instance(s)", instances), ps[0], func() (int64, bool) {
			reader.poll(t)
			n, _ := missingKeys(reader.recs[out], want)
			return int64(len(reader.recs[out])), n == 0
		})
		got := reader.recs[out]
		if instances == 2 {
			// The first instance notices the second at a heartbeat; wait for the rebalance to finish.
			waitProgress(t, "the rebalance", ps[0], func() (int64, bool) {
				return 0, strings.Count(ps[0].log(), "reading kafka topic") >= 2
			})
		}
		for i, p := range ps {
			p.stop(t, syscall.SIGTERM)
			if code := p.cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("instance %d of group %s exited with %d:\n%s", i+1, group, code, p.log())
			}
			if !strings.Contains(p.log(), "reading kafka topic") {
				t.Errorf("instance %d of group %s was never assigned partitions:\n%s", i+1, group, p.log())
			}
			t.Logf("instance %d of %d:\n%s", i+1, instances, p.log())
			if instances == 2 && i == 0 && strings.Count(p.log(), "reading kafka topic") > 1 {
				rebalanced = true
			}
		}
		return got
	}
	one := run("one-"+in, kafkatest.NewTopic(t, brokers, 6), 1)
	two := run("two-"+in, kafkatest.NewTopic(t, brokers, 6), 2)
	if !rebalanced {
		t.Errorf("the first of two instances never gave partitions away: no rebalance was tested")
	}
	for name, got := range map[string][]*kgo.Record{"one instance": one, "two instances": two} {
		distinct, messages := outputRows(t, got, want)
		if n, some := missingKeys(got, want); n > 0 {
			t.Errorf("%s: %d of %d rows missing, e.g. %v", name, n, len(want), some)
		}
		t.Logf("%s: %d distinct rows of %d, %d messages", name, distinct, len(want), messages)
	}
}

// TestKafkaKcat feeds a job with kcat and reads its output with kcat: message keys in and out, a source column
// filled from the key, record metadata columns, a key taken from an output column ('key.field'), and the
// tombstone that retracts a group leaving HAVING.
func TestKafkaKcat(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	kcat := kafkatest.Kcat(t)
	in := kafkatest.NewTopic(t, brokers, 1)
	small, echo := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	input := strings.Join([]string{
		`A|{"quantity":50}`,
		`B|{"quantity":5,"note":"hello"}`,
		`A|{"quantity":30}`,
		`A|{"quantity":40}`,
		`B|{"quantity":"lots"}`, // bad: skipped and counted
		`C|{"symbol":"ignored","quantity":1,"note":"x y"}`,
	}, "\n") + "\n"
	cmd := exec.Command(kcat, "-b", brokers, "-P", "-t", in, "-K", "|")
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}

	res := runOK(t, "kafka_kcat", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "kcat-"+in,
		"--source", "trades=kafka:"+in, "--sink", "small=kafka:"+small, "--sink", "echo=kafka:"+echo)
	if line := statsLine(t, res.Stderr, "trades"); line != "trades: read 6, bad 1, late 0" {
		t.Errorf("stats: %q", line)
	}

	consume := func(topic string) string {
		// -Z prints a null value (a tombstone) as NULL; -e exits at the end of the partitions.
		cmd := exec.Command(kcat, "-b", brokers, "-C", "-t", topic, "-e", "-Z", "-q", "-f", `%k => %s\n`)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kcat -C %s: %v", topic, err)
		}
		return string(out)
	}
	wantSmall := strings.Join([]string{
		`A => {"symbol":"A","total":50,"n":1}`,
		`B => {"symbol":"B","total":5,"n":1}`,
		`A => {"symbol":"A","total":80,"n":2}`,
		`A => NULL`, // 120 ≥ 100: the row is retracted
		`C => {"symbol":"C","total":1,"n":1}`,
	}, "\n") + "\n"
	if got := consume(small); got != wantSmall {
		t.Errorf("topic small:\n%s\nwant:\n%s", got, wantSmall)
	}
	wantEcho := `hello => {"k":"B","p":0,"o":1,"note":"hello","twice":10}` + "\n" +
		`x y => {"k":"C","p":0,"o":5,"note":"x y","twice":2}` + "\n"
	if got := consume(echo); got != wantEcho {
		t.Errorf("topic echo:\n%s\nwant:\n%s", got, wantEcho)
	}
	if c := kafkatest.CommittedOffsets(t, brokers, "kcat-"+in, in); c[0] != 6 {
		t.Errorf("committed offset %v after a bounded run over 6 records; want 6", c)
	}
}

// TestKafkaMissingTopic checks the startup error for a topic that does not exist, and that
// 'topic.wait.timeout' makes the job wait for it.
func TestKafkaMissingTopic(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	name := "velocc-missing-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	res := runJob(t, "kafka_kcat", t.TempDir(), "--bounded", "--brokers", brokers, "--source", "trades=kafka:"+name)
	if res.Code != 1 || !strings.Contains(res.Stderr, `topic "`+name+`" does not exist`) ||
		!strings.Contains(res.Stderr, "'topic.wait.timeout'") {
		t.Errorf("exit %d, stderr:\n%s", res.Code, res.Stderr)
	}
}

// TestKafkaWaitForTopic starts a job whose source topic does not exist yet: with 'topic.wait.timeout' it waits,
// logging its retries, and reads the topic once it is created.
func TestKafkaWaitForTopic(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	out := kafkatest.NewTopic(t, brokers, 1)
	name := "velocc-later-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	p := startJob(t, "kafka_copy", "--brokers", brokers, "--group", "wait-"+name, "--progress", "0",
		"--source", "src=kafka:"+name, "--sink", "dst=kafka:"+out)
	waitProgress(t, "the job waiting for its topic", p, func() (int64, bool) {
		return 0, strings.Contains(p.log(), "waiting for kafka topic")
	})
	if !strings.Contains(p.log(), `waiting for kafka topic "`+name+`" (attempt 1)`) {
		t.Fatalf("no retry logged:\n%s", p.log())
	}
	kafkatest.CreateTopic(t, brokers, name, 1)
	kafkatest.Produce(t, brokers, name, &kgo.Record{Value: []byte(`{"id":1,"name":"late topic"}`)})
	got := kafkatest.Consume(t, brokers, out, 1, stall)
	p.stop(t, syscall.SIGTERM)
	if len(got) != 1 || string(got[0].Value) != `{"id":1,"name":"late topic"}` {
		t.Fatalf("output %v; stderr:\n%s", got, p.log())
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d after SIGTERM:\n%s", code, p.log())
	}
}

// TestKafkaSinkFailure deletes a sink's topic under a running job: the producer retries until
// 'delivery.timeout.ms', then the sink's circuit opens and the job waits, committing nothing past the row; stopped
// then, it exits 1 saying that the row was not delivered, instead of dropping it.
func TestKafkaSinkFailure(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 1)
	out := kafkatest.NewTopic(t, brokers, 1)
	group := "fail-" + in
	p := startJob(t, "kafka_copy", "--brokers", brokers, "--group", group, "--progress", "0",
		"--source", "src=kafka:"+in, "--sink", "dst=kafka:"+out)
	kafkatest.Produce(t, brokers, in, &kgo.Record{Value: []byte(`{"id":1,"name":"a"}`)})
	if got := kafkatest.Consume(t, brokers, out, 1, stall); len(got) != 1 {
		t.Fatalf("the first row did not arrive:\n%s", p.log())
	}
	waitProgress(t, "the commit of the first record", p, func() (int64, bool) {
		n := committedSum(t, brokers, group, in)
		return n, n == 1
	})
	kafkatest.DeleteTopic(t, brokers, out)
	kafkatest.Produce(t, brokers, in, &kgo.Record{Value: []byte(`{"id":2,"name":"b"}`)})
	waitProgress(t, "the circuit opening on the deleted topic", p, func() (int64, bool) {
		return 0, strings.Contains(p.log(), "dst: circuit open after 1 failure (last: not acknowledged within 'dst.delivery.timeout.ms' = 10s")
	})
	p.stop(t, syscall.SIGTERM)
	code := p.cmd.ProcessState.ExitCode()
	if code != 1 || !strings.Contains(p.log(), `writing kafka topic "`+out+`": delivery failed: 1 row not delivered when the job stopped`) {
		t.Errorf("exit %d; want 1 with a delivery error; stderr:\n%s", code, p.log())
	}
	t.Logf("stderr of the failed job:\n%s", p.log())
	if c := kafkatest.CommittedOffsets(t, brokers, group, in)[0]; c != 1 {
		t.Errorf("committed offset %d; the undelivered record 1 must not be committed", c)
	}
}

// TestKafkaRecordTimestamp windows by the Kafka record timestamp ('event.time.field' = '_timestamp').
func TestKafkaRecordTimestamp(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 1)
	var recs []*kgo.Record
	for i, ms := range []int64{1000, 2000, 59999, 60000, 61000, 185000} {
		page := []string{"a", "b"}[i%2]
		recs = append(recs, &kgo.Record{Value: []byte(`{"page":"` + page + `"}`), Timestamp: time.UnixMilli(ms)})
	}
	kafkatest.Produce(t, brokers, in, recs...)
	res := runOK(t, "kafka_ts", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "ts-"+in, "--source", "clicks=kafka:"+in)
	want := `{"page":"a","n":2,"minute":0,"last":2}
{"page":"b","n":1,"minute":0,"last":1}
{"page":"b","n":1,"minute":60000,"last":3}
{"page":"a","n":1,"minute":60000,"last":4}
{"page":"b","n":1,"minute":180000,"last":5}
`
	if res.Stdout != want {
		t.Errorf("rows:\n%s\nwant:\n%s", res.Stdout, want)
	}
}
