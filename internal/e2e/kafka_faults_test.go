package e2e

// Kafka faults on a real broker: a job rides out a broker outage longer than its group session, keeping its
// state, and loses nothing; a job gives up after 'broker.unavailable.timeout' with a message saying why; a bad
// message under on.error=fail stops a job with everything before it committed, so that a restart stops at the
// same message without emitting anything twice. The outage tests take a broker of their own (kafkatest.NewBroker):
// the shared one of VELOCC_TEST_BROKERS serves other tests meanwhile.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
	"github.com/velocc/velocc/internal/kafkatest/kafkabroker"
)

func init() {
	// Volume per symbol and 10 seconds of event time, and the big trades one by one: a windowed query and a
	// stateless one over the same source. The group session is short so that the outage outlasts it.
	jobScripts["kafka_outage"] = `
CREATE STREAM trades (seq BIGINT, symbol VARCHAR, quantity BIGINT, event_time TIMESTAMP)
  WITH ('type'='kafka_source', 'event.time.field'='event_time', 'watermark.max_out_of_orderness'='30s',
        'commit.interval'='200ms', 'session.timeout.ms'='6000', 'heartbeat.interval.ms'='500');
CREATE STREAM volumes AS
SELECT symbol, SUM(quantity) AS volume, COUNT(*) AS trades FROM trades
GROUP BY symbol WINDOW TUMBLING (event_time, INTERVAL '10' SECOND) EMIT FINAL
WITH ('volumes.type'='kafka_sink');
CREATE STREAM big AS SELECT seq, symbol, quantity FROM trades WHERE quantity >= 900
WITH ('big.type'='kafka_sink', 'big.key.field'='seq');
`
	// The same with its windows in memory only: their state is kept across the outage, or rebuilt by a replay.
	jobScripts["kafka_outage_memory"] = strings.Replace(jobScripts["kafka_outage"], "'commit.interval'='200ms',",
		"'commit.interval'='200ms', 'changelog.enabled'='false',", 1)
	// A source that gives up after 5 seconds without a broker.
	jobScripts["kafka_giveup"] = `
CREATE STREAM events (id BIGINT)
  WITH ('type'='kafka_source', 'broker.unavailable.timeout'='5s', 'commit.interval'='200ms');
SELECT id FROM events;
`
	// A tailed file copied to a topic; a row not acknowledged within 10 seconds opens the sink's circuit, without
	// a retry (no acknowledgement of a working broker takes that long, however loaded the machine).
	jobScripts["kafka_remote"] = `
CREATE STREAM lines (id BIGINT) WITH ('path'='in.jsonl');
CREATE STREAM remote AS SELECT id FROM lines
WITH ('remote.type'='kafka_sink', 'remote.delivery.timeout.ms'='10s', 'remote.retry.max.attempts'='1');
`
	// A stateless copy under the default on.error (fail).
	jobScripts["kafka_strict"] = `
CREATE STREAM items (id BIGINT, name VARCHAR) WITH ('type'='kafka_source', 'commit.interval'='100ms');
CREATE STREAM copies AS SELECT id, name FROM items WITH ('copies.type'='kafka_sink', 'copies.key.field'='id');
`
}

// restartAtEnd starts b again when the test ends if the test left it stopped, so that the clean-ups registered
// before (deleting topics) find it.
func restartAtEnd(t *testing.T, b *kafkabroker.Broker) {
	t.Cleanup(func() {
		if b.Running() {
			return
		}
		if err := b.Restart(context.Background()); err != nil {
			t.Errorf("restarting the broker to clean up: %v", err)
		}
	})
}

// committedSum returns the sum of the offsets group has committed for topic: how many records it has done.
func committedSum(t *testing.T, brokers, group, topic string) int64 {
	var n int64
	for _, o := range kafkatest.CommittedOffsets(t, brokers, group, topic) {
		n += o
	}
	return n
}

// trade is one input record of kafka_outage, decoded by the oracle with encoding/json.
type trade struct {
	Seq       int64  `json:"seq"`
	Symbol    string `json:"symbol"`
	Quantity  int64  `json:"quantity"`
	EventTime int64  `json:"event_time"`
}

// tradeProducer writes trades to a topic until stopped, in batches, at a steady rate. Its client retries for as
// long as it takes, so it rides out the outage too and writes every trade exactly once (idempotently).
type tradeProducer struct {
	stop   chan struct{}
	done   chan struct{}
	acked  atomic.Int64
	err    error
	parts  map[string]int32 // the partition of each symbol, learned from the acknowledgements
	lastTS int64            // the event time of the last trade written
}

// outageSymbols are the symbols of the generated trades; each is a message key, so each lands in one partition.
var outageSymbols = []string{"AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "AVGO", "ORCL", "CRM",
	"ADBE", "AMD", "INTC", "NFLX", "PEP", "KO", "V", "MA", "JPM", "BAC"}

// startTrades starts writing trades numbered from 1, 500 per batch and at most 10 batches a second, with event
// times 5 ms apart.
func startTrades(t *testing.T, brokers, topic string) *tradeProducer {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.DefaultProduceTopic(topic), kgo.UnknownTopicRetries(-1))
	if err != nil {
		t.Fatal(err)
	}
	tp := &tradeProducer{stop: make(chan struct{}), done: make(chan struct{}), parts: map[string]int32{}}
	ctx := t.Context()
	go func() {
		defer close(tp.done)
		defer cl.Close()
		rng := rand.New(rand.NewPCG(3, 5))
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		const start = int64(1717421400000)
		seq := int64(0)
		for {
			select {
			case <-tp.stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			batch := make([]*kgo.Record, 500)
			for i := range batch {
				seq++
				tp.lastTS = start + 5*seq
				sym := outageSymbols[rng.IntN(len(outageSymbols))]
				batch[i] = &kgo.Record{Key: []byte(sym), Value: fmt.Appendf(nil,
					`{"seq":%d,"symbol":%q,"quantity":%d,"event_time":%d}`, seq, sym, 1+rng.Int64N(999), tp.lastTS)}
			}
			if err := cl.ProduceSync(ctx, batch...).FirstErr(); err != nil {
				tp.err = err
				return
			}
			for _, r := range batch {
				tp.parts[string(r.Key)] = r.Partition
			}
			tp.acked.Add(int64(len(batch)))
		}
	}()
	t.Cleanup(func() { tp.finish() })
	return tp
}

// finish stops the producer after its current batch and waits for it.
func (tp *tradeProducer) finish() {
	select {
	case <-tp.stop:
	default:
		close(tp.stop)
	}
	<-tp.done
}

// outageOracle computes what kafka_outage must write for the trades in recs (markers, seq < 0, left out): each
// window's row by its message key, and each big trade's row by its key.
func outageOracle(t *testing.T, recs []*kgo.Record) (volumes, big map[string]string) {
	type acc struct{ vol, n int64 }
	type key struct {
		sym   string
		start int64
	}
	windows := map[key]*acc{}
	big = map[string]string{}
	for _, r := range recs {
		var tr trade
		if err := json.Unmarshal(r.Value, &tr); err != nil {
			t.Fatalf("input record %s: %v", r.Value, err)
		}
		if tr.Seq < 0 {
			continue
		}
		k := key{tr.Symbol, tr.EventTime - tr.EventTime%10000}
		a := windows[k]
		if a == nil {
			a = &acc{}
			windows[k] = a
		}
		a.vol += tr.Quantity
		a.n++
		if tr.Quantity >= 900 {
			big[strconv.FormatInt(tr.Seq, 10)] = fmt.Sprintf(`{"seq":%d,"symbol":%q,"quantity":%d}`, tr.Seq,
				tr.Symbol, tr.Quantity)
		}
	}
	volumes = map[string]string{}
	for k, a := range windows {
		volumes[fmt.Sprintf(`{"symbol":%q,"window_start":%d}`, k.sym, k.start)] =
			fmt.Sprintf(`{"symbol":%q,"volume":%d,"trades":%d}`, k.sym, a.vol, a.n)
	}
	return volumes, big
}

// topicReader reads topics from their start and keeps every record it has read.
type topicReader struct {
	cl   *kgo.Client
	recs map[string][]*kgo.Record
}

func newTopicReader(t *testing.T, brokers string, topics ...string) *topicReader {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &topicReader{cl: cl, recs: map[string][]*kgo.Record{}}
}

// poll reads what arrives within a second.
func (r *topicReader) poll(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	fetches := r.cl.PollFetches(ctx)
	fetches.EachError(func(topic string, p int32, err error) {
		if ctx.Err() == nil {
			t.Fatalf("reading topic %q partition %d: %v", topic, p, err)
		}
	})
	fetches.EachRecord(func(rec *kgo.Record) { r.recs[rec.Topic] = append(r.recs[rec.Topic], rec) })
}

// TestKafkaBrokerOutage stops the broker under a running job, mid-stream and while a producer keeps writing, for
// three times the job's group session, then starts it again on the same port with the same data. The job must
// ride it out: never exit, log the outage and the reconnection, restore the state of its open windows from their
// changelog, and in the end have written every row of the oracle with its exact value (whole duplicates allowed:
// at least once).
func TestKafkaBrokerOutage(t *testing.T) {
	t.Run("changelog", func(t *testing.T) { testBrokerOutage(t, "kafka_outage") })
	t.Run("memory", func(t *testing.T) { testBrokerOutage(t, "kafka_outage_memory") })
}

// testBrokerOutage is TestKafkaBrokerOutage for job name: kafka_outage keeps its windows in a changelog topic,
// kafka_outage_memory in memory only, which it keeps across the outage (it gets the same partitions back, which
// no other member committed meanwhile).
func testBrokerOutage(t *testing.T, name string) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b := kafkatest.NewBroker(t, root)
	addr := b.Addr()
	in := kafkatest.NewTopic(t, addr, 3)
	volumesOut, bigOut := kafkatest.NewTopic(t, addr, 3), kafkatest.NewTopic(t, addr, 3)
	restartAtEnd(t, b)
	group := "outage-" + in
	p := startJob(t, name, "--brokers", addr, "--group", group, "--progress", "0",
		"--source", "trades=kafka:"+in, "--sink", "volumes=kafka:"+volumesOut, "--sink", "big=kafka:"+bigOut)
	tp := startTrades(t, addr, in)

	// Mid-stream: the job has committed some thousands of trades, and holds open windows.
	waitProgress(t, "the job's first commits", p, func() (int64, bool) {
		n := committedSum(t, addr, group, in)
		return n, n >= 20000
	})
	before := committedSum(t, addr, group, in)
	b.Stop()
	stopped := time.Now()
	t.Logf("stopped the broker with %d trades committed and %d written", before, tp.acked.Load())
	waitProgress(t, "the job noticing the outage", p, func() (int64, bool) {
		return 0, strings.Contains(p.log(), "trades: kafka brokers unavailable")
	})
	// The outage must outlast the group session (6s): the broker forgets the member, which joins anew.
	select {
	case <-p.done:
		t.Fatalf("the job exited during the outage with %d:\n%s", p.cmd.ProcessState.ExitCode(), p.log())
	case <-time.After(time.Until(stopped.Add(18 * time.Second))):
	}
	if err := b.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted the broker after %v", time.Since(stopped).Round(time.Second))

	// Resumed: another 20000 trades committed after the outage, with the producer still writing.
	waitProgress(t, "the job's commits after the outage", p, func() (int64, bool) {
		n := committedSum(t, addr, group, in)
		return n, n >= before+20000
	})
	tp.finish()
	if tp.err != nil {
		t.Fatalf("producing trades: %v", tp.err)
	}
	// A last trade per partition, an hour of event time later, closes every window of the real trades.
	markers := map[int32]*kgo.Record{}
	for sym, part := range tp.parts {
		if markers[part] == nil {
			markers[part] = &kgo.Record{Key: []byte(sym), Value: fmt.Appendf(nil,
				`{"seq":-1,"symbol":%q,"quantity":1,"event_time":%d}`, sym, tp.lastTS+3600000)}
		}
	}
	for _, m := range markers {
		kafkatest.Produce(t, addr, in, m)
	}
	total := tp.acked.Load() + int64(len(markers))
	input := kafkatest.ConsumeAll(t, addr, in)
	if int64(len(input)) != total {
		t.Fatalf("the input topic holds %d records, want the %d written", len(input), total)
	}
	wantVolumes, wantBig := outageOracle(t, input)

	out := newTopicReader(t, addr, volumesOut, bigOut)
	waitProgress(t, "the job's output", p, func() (int64, bool) {
		out.poll(t)
		n1, _ := missingKeys(out.recs[volumesOut], wantVolumes)
		n2, _ := missingKeys(out.recs[bigOut], wantBig)
		return int64(n1 + n2), n1+n2 == 0
	})
	select {
	case <-p.done:
		t.Fatalf("the job exited with %d:\n%s", p.cmd.ProcessState.ExitCode(), p.log())
	default:
	}
	p.stop(t, syscall.SIGTERM)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d after SIGTERM", code)
	}
	for name, want := range map[string]map[string]string{volumesOut: wantVolumes, bigOut: wantBig} {
		distinct, messages := outputRows(t, out.recs[name], want)
		t.Logf("topic %s: %d distinct rows of %d expected, %d messages", name, distinct, len(want), messages)
	}

	log := p.log()
	down := strings.Count(log, "trades: kafka brokers unavailable")
	up := strings.Count(log, "trades: connected again after")
	if down == 0 || up != down {
		t.Errorf("the source logged %d outages and %d reconnections; want one or more of each, as many", down, up)
	}
	line := statsLine(t, log, "trades")
	if name == "kafka_outage" {
		// The outage fails the group session and the open transaction: the job goes on from its last commit with
		// the state restored from the changelog, not rebuilt by a replay, and no trade read again is late. (How
		// many were read again depends on where the outage caught the job, and the markers of partitions that
		// were not needed to close the last windows may not be read yet when the job is stopped.)
		if !strings.Contains(log, "restored ") || strings.Contains(log, "dropped the state") {
			t.Errorf("the job did not restore its state from the changelog after the outage")
		}
		var read int64
		if _, err := fmt.Sscanf(line, "trades: read %d, bad 0, late 0", &read); err != nil {
			t.Errorf("statistics %q, want none bad or late", line)
		}
	} else {
		if !strings.Contains(log, "kept the state") || strings.Contains(log, "dropped the state") {
			t.Errorf("the job did not keep its state across the outage")
		}
		// Kept state and a position kept with it: every trade read once, none replayed, none late.
		if want := fmt.Sprintf("trades: read %d, bad 0, late 0", total); line != want {
			t.Errorf("statistics %q, want %q", line, want)
		}
	}
	t.Logf("stderr of the job:\n%s", log)
}

// TestKafkaBrokerUnavailableTimeout stops the broker under two jobs. One reads a topic with a source that
// allows 5 seconds without brokers ('broker.unavailable.timeout'): it gives up, exiting 1 with a message naming
// the source, the topic, the brokers and the setting. The other writes the lines of a file to a topic, and gets
// one more line while the broker is away: the row is not acknowledged within its sink's 'delivery.timeout.ms', so
// the sink's circuit opens and the job waits; stopped, it exits 1 with a message naming that setting.
func TestKafkaBrokerUnavailableTimeout(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b := kafkatest.NewBroker(t, root)
	addr := b.Addr()
	in, remote := kafkatest.NewTopic(t, addr, 1), kafkatest.NewTopic(t, addr, 1)
	restartAtEnd(t, b)
	group := "giveup-" + in
	reader := startJob(t, "kafka_giveup", "--brokers", addr, "--group", group, "--progress", "0",
		"--source", "events=kafka:"+in)
	file := filepath.Join(t.TempDir(), "in.jsonl")
	writeFile(t, filepath.Dir(file), "in.jsonl", []byte(`{"id":1}`+"\n"))
	writer := startJob(t, "kafka_remote", "--brokers", addr, "--progress", "0", "--source", "lines=file:"+file,
		"--sink", "remote=kafka:"+remote)
	var recs []*kgo.Record
	for i := range 10 {
		recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d}`, i)})
	}
	kafkatest.Produce(t, addr, in, recs...)
	waitProgress(t, "the reader's commit", reader, func() (int64, bool) {
		n := committedSum(t, addr, group, in)
		return n, n == 10
	})
	out := newTopicReader(t, addr, remote)
	waitProgress(t, "the writer's first row", writer, func() (int64, bool) {
		out.poll(t)
		return int64(len(out.recs[remote])), len(out.recs[remote]) == 1
	})
	b.Stop()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"id":2}` + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	waitProgress(t, "the writer's circuit opening", writer, func() (int64, bool) {
		return 0, strings.Contains(writer.log(), "remote: circuit open after 1 failure")
	})
	writer.stop(t, syscall.SIGTERM)
	for name, p := range map[string]*proc{"reader": reader, "writer": writer} {
		select {
		case <-p.done:
		case <-time.After(3 * time.Minute):
			t.Fatalf("the %s still runs 3 minutes after the broker stopped; stderr:\n%s", name, p.log())
		}
		if code := p.cmd.ProcessState.ExitCode(); code != 1 {
			t.Errorf("the %s exited with %d, want 1", name, code)
		}
	}
	for _, want := range []string{`source "events"`, `kafka topic "` + in + `"`, addr,
		"'events.broker.unavailable.timeout'", "events: kafka brokers unavailable"} {
		if !strings.Contains(reader.log(), want) {
			t.Errorf("the reader's stderr lacks %q", want)
		}
	}
	for _, want := range []string{`writing kafka topic "` + remote + `": delivery failed: 1 row not delivered when the job stopped`,
		"'remote.delivery.timeout.ms' = 10s", "remote: kafka brokers unavailable"} {
		if !strings.Contains(writer.log(), want) {
			t.Errorf("the writer's stderr lacks %q", want)
		}
	}
	t.Logf("stderr of the reader:\n%s\nstderr of the writer:\n%s", reader.log(), writer.log())
}

// TestKafkaBadMessageFail produces good, bad and good messages to a stateless job under on.error=fail: it stops
// at the bad one with every message before it delivered and committed, and says how to skip it; a second run
// stops at the same message and emits nothing twice.
func TestKafkaBadMessageFail(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 2)
	out := kafkatest.NewTopic(t, brokers, 2)
	group := "strict-" + in
	var recs []*kgo.Record
	for _, v := range []string{`{"id":1,"name":"a"}`, `{"id":2,"name":"b"}`, `{"id":3,"name":`, `{"id":4,"name":"d"}`} {
		recs = append(recs, &kgo.Record{Value: []byte(v), Partition: 0})
	}
	for i := 5; i <= 7; i++ {
		recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"name":"p1"}`, i), Partition: 1})
	}
	produceToPartitions(t, brokers, in, recs)

	want := map[string]string{}
	for _, r := range recs {
		var v struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		if json.Unmarshal(r.Value, &v) == nil {
			want[strconv.FormatInt(v.ID, 10)] = string(r.Value)
		}
	}
	args := []string{"--bounded", "--brokers", brokers, "--group", group, "--source", "items=kafka:" + in,
		"--sink", "copies=kafka:" + out}
	first := runJob(t, "kafka_strict", t.TempDir(), args...)
	if first.Code != 1 {
		t.Fatalf("the first run exited with %d, want 1:\n%s", first.Code, first.Stderr)
	}
	for _, s := range []string{in + "[0]@2", "the records before it are committed", "'items.on.error' to 'skip'", "'dead_letter'", "--on-error items=skip",
		"--reset-offsets", "--topic " + in + ":0 --to-offset 3", "--group " + group} {
		if !strings.Contains(first.Stderr, s) {
			t.Errorf("the error does not say %q:\n%s", s, first.Stderr)
		}
	}
	committed := kafkatest.CommittedOffsets(t, brokers, group, in)
	if committed[0] != 2 {
		t.Errorf("committed offset %d in partition 0, want 2, the bad message's", committed[0])
	}
	second := runJob(t, "kafka_strict", t.TempDir(), args...)
	if second.Code != 1 || !strings.Contains(second.Stderr, in+"[0]@2") {
		t.Errorf("the second run exited with %d, want 1 at the same message:\n%s", second.Code, second.Stderr)
	}
	got := kafkatest.ConsumeAll(t, brokers, out)
	seen := map[string]int{}
	outputRows(t, got, want)
	for _, r := range got {
		seen[string(r.Key)]++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("row %s emitted %d times", k, n)
		}
	}
	for _, k := range []string{"1", "2"} {
		if seen[k] != 1 {
			t.Errorf("row %s, before the bad message, emitted %d times; want once", k, seen[k])
		}
	}
	if seen["4"] != 0 {
		t.Errorf("row 4, after the bad message, was emitted")
	}
	// Partition 1 is committed exactly as far as its rows were written.
	p1 := int64(seen["5"] + seen["6"] + seen["7"])
	if c := kafkatest.CommittedOffsets(t, brokers, group, in); c[0] != 2 || c[1] != p1 {
		t.Errorf("committed offsets %v after the second run; want 2 in partition 0 and %d in partition 1", c, p1)
	}

	// The first way past it that the error names: the same job run with --on-error items=skip skips the bad
	// message, and every other row is then emitted exactly once.
	third := runJob(t, "kafka_strict", t.TempDir(), append(args, "--on-error", "items=skip")...)
	if third.Code != 0 || !strings.Contains(third.Stderr, "items: skipped "+in+"[0]@2: ") {
		t.Fatalf("the run with --on-error items=skip exited with %d, want 0 with the message at %s[0]@2 skipped:\n%s",
			third.Code, in, third.Stderr)
	}
	got = kafkatest.ConsumeAll(t, brokers, out)
	outputRows(t, got, want)
	seen = map[string]int{}
	for _, r := range got {
		seen[string(r.Key)]++
	}
	for k := range want {
		if seen[k] != 1 {
			t.Errorf("row %s emitted %d times after the run with --on-error items=skip; want once", k, seen[k])
		}
	}
	if c := kafkatest.CommittedOffsets(t, brokers, group, in); c[0] != 4 || c[1] != 3 {
		t.Errorf("committed offsets %v after the run with --on-error items=skip; want 4 and 3", c)
	}
	t.Logf("stderr of the first run:\n%s", first.Stderr)
}

// produceToPartitions writes recs to the partitions they name, in order.
func produceToPartitions(t *testing.T, brokers, topic string, recs []*kgo.Record) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for _, r := range recs {
		r.Topic = topic
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}
