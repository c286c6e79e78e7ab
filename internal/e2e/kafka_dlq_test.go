package e2e

// Dead letters to a Kafka topic: a source's bad records ('on.error' = 'dead_letter') and late records
// ('late.data.strategy' = 'dead_letter') as messages of a topic, read back with kcat; and the commit rule: no offset
// is committed past a bad record whose dead letter the topic has not acknowledged.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// Bad records go to a topic whose producer retries quickly and keeps its circuit open for a second.
	jobScripts["kafka_dlq"] = `
CREATE STREAM src (id BIGINT, name VARCHAR) WITH ('type'='kafka_source', 'commit.interval'='100ms',
  'on.error'='dead_letter', 'dead.letter.topic'='velocc_e2e_dlq',
  'dead.letter.retry.initial.delay'='100ms', 'dead.letter.retry.max.delay'='500ms',
  'dead.letter.circuit.breaker.failure.threshold'='3', 'dead.letter.circuit.breaker.recovery.timeout'='1s',
  'dead.letter.circuit.breaker.success.threshold'='1');
CREATE STREAM dst AS SELECT id, name FROM src WITH ('dst.type'='kafka_sink', 'dst.key.field'='id');
`
	// Late records of a window go to the topic the script names.
	jobScripts["kafka_dlq_late"] = `
CREATE STREAM ticks (sym VARCHAR, ts BIGINT) WITH ('type'='kafka_source', 'event.time.field'='ts',
  'dead.letter.topic'='velocc_e2e_late_dlq');
CREATE STREAM counts AS SELECT sym, COUNT(*) AS n FROM ticks GROUP BY sym WINDOW TUMBLING (ts, INTERVAL '1' SECOND)
  WITH ('counts.type'='kafka_sink', 'late.data.strategy'='dead_letter');
`
}

// deadLetterMsg is one message of a dead-letter topic: its key, and its value decoded with encoding/json.
type deadLetterMsg struct {
	key    []byte // nil: no key
	Source string `json:"source"`
	Topic  string `json:"topic"`
	// Partition and Offset are pointers so that a letter without them shows.
	Partition    *int32  `json:"partition"`
	Offset       *int64  `json:"offset"`
	Time         string  `json:"time"`
	Error        string  `json:"error"`
	Record       *string `json:"record"`
	RecordBase64 *string `json:"record_base64"`
	// Late records only.
	Query       string `json:"query"`
	WindowStart int64  `json:"window_start"`
	WindowEnd   int64  `json:"window_end"`
	Watermark   int64  `json:"watermark"`
}

// record returns the record's bytes: "record", or "record_base64" decoded.
func (m *deadLetterMsg) record(t *testing.T) []byte {
	t.Helper()
	switch {
	case m.Record != nil && m.RecordBase64 == nil:
		return []byte(*m.Record)
	case m.Record == nil && m.RecordBase64 != nil:
		b, err := base64.StdEncoding.DecodeString(*m.RecordBase64)
		if err != nil {
			t.Fatalf("record_base64 %q: %v", *m.RecordBase64, err)
		}
		return b
	}
	t.Fatalf("a dead letter needs exactly one of record and record_base64: %+v", m)
	return nil
}

// readDeadLetters reads topic to its end with kcat, an independent client, and decodes each message, rejecting
// keys the format does not have; fromTopic keeps only the letters of records of that topic.
func readDeadLetters(t *testing.T, brokers, topic, fromTopic string) []*deadLetterMsg {
	t.Helper()
	// -Z prints a null key as NULL; values are JSON, which holds no raw tab or line break.
	cmd := exec.Command(kafkatest.Kcat(t), "-b", brokers, "-C", "-t", topic, "-e", "-q", "-Z", "-f", `%k\t%s\n`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kcat -C %s: %v", topic, err)
	}
	var letters []*deadLetterMsg
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if line == "" {
			continue
		}
		key, value, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("kcat printed %q", line)
		}
		m := &deadLetterMsg{}
		dec := json.NewDecoder(strings.NewReader(value))
		dec.DisallowUnknownFields()
		if err := dec.Decode(m); err != nil {
			t.Fatalf("dead letter %q: %v", value, err)
		}
		if m.Topic != fromTopic {
			continue
		}
		if key != "NULL" {
			m.key = []byte(key)
		}
		if ts, err := time.Parse(time.RFC3339, m.Time); err != nil || ts.After(time.Now()) || m.Partition == nil || m.Offset == nil {
			t.Errorf("dead letter %q: want its time (RFC 3339, not in the future), partition and offset", value)
		}
		letters = append(letters, m)
	}
	return letters
}

// TestKafkaDeadLetterTopic sends the bad records of a two-partition topic (invalid JSON, bytes that are not UTF-8,
// a field of the wrong type) to a dead-letter topic the job creates (--dead-letter NAME=kafka:TOPIC), and reads it
// with kcat: each bad record once, with its exact bytes, key, partition, offset and error.
func TestKafkaDeadLetterTopic(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in, out := kafkatest.NewTopic(t, brokers, 2), kafkatest.NewTopic(t, brokers, 1)
	dlq := in + "-dlq"
	t.Cleanup(func() { kafkatest.DeleteTopic(t, brokers, dlq) })
	recs := []*kgo.Record{
		{Partition: 0, Key: []byte("k1"), Value: []byte(`{"id":1,"name":"a"}`)},
		{Partition: 0, Key: []byte("k2"), Value: []byte(`{"id":2,`)},
		{Partition: 0, Key: []byte("k3"), Value: []byte(`{"id":3,"name":"c"}`)},
		{Partition: 1, Value: []byte("\xff\xfe{\"id\":4}")},
		{Partition: 1, Key: []byte("k5"), Value: []byte(`{"id":5,"name":"e"}`)},
		{Partition: 1, Key: []byte("k6"), Value: []byte(`{"id":"six","name":"f"}`)},
	}
	produceToPartitions(t, brokers, in, recs)
	bad := map[int]string{1: "invalid JSON", 3: "invalid JSON", 5: `field "id"`} // index in recs: a part of the error

	group := "dlq-" + in
	res := runOK(t, "kafka_dlq", t.TempDir(), "--bounded", "--brokers", brokers, "--group", group,
		"--source", "src=kafka:"+in, "--sink", "dst=kafka:"+out, "--dead-letter", "src=kafka:"+dlq)
	if line := statsLine(t, res.Stderr, "src"); line != "src: read 6, bad 3, late 0" {
		t.Errorf("stats: %q", line)
	}

	letters := readDeadLetters(t, brokers, dlq, in)
	if len(letters) != len(bad) {
		t.Fatalf("%d dead letters, want %d; stderr of the job:\n%s", len(letters), len(bad), res.Stderr)
	}
	seen := map[int]bool{}
	for _, m := range letters {
		i := -1
		for j, r := range recs {
			if r.Partition == *m.Partition && r.Offset == *m.Offset {
				i = j
			}
		}
		want, isBad := bad[i]
		if !isBad || seen[i] {
			t.Errorf("dead letter of %s[%d]@%d: not a bad record, or a second letter for it", m.Topic, *m.Partition, *m.Offset)
			continue
		}
		seen[i] = true
		if got := m.record(t); !bytes.Equal(got, recs[i].Value) || !bytes.Equal(m.key, recs[i].Key) || m.Source != "src" ||
			!strings.Contains(m.Error, want) {
			t.Errorf("dead letter of record %d: key %q, record %q, source %q, error %q; want key %q, record %q, src, an error with %q",
				i, m.key, got, m.Source, m.Error, recs[i].Key, recs[i].Value, want)
		}
		if (m.RecordBase64 != nil) != (i == 3) {
			t.Errorf("dead letter of record %d: want record_base64 for the record that is not UTF-8 only, record for the others", i)
		}
	}
	if c := kafkatest.CommittedOffsets(t, brokers, group, in); c[0] != 3 || c[1] != 3 {
		t.Errorf("committed offsets %v; want 3 and 3", c)
	}
	if rows := kafkatest.ConsumeAll(t, brokers, out); len(rows) != 3 {
		t.Errorf("%d rows in the sink's topic, want the 3 good records", len(rows))
	}
}

// TestKafkaDeadLetterCommit makes the dead-letter topic refuse messages (a max.message.bytes below a dead letter's
// size): the job retries the letter behind its circuit breaker and commits no offset past the bad record until
// the topic takes it; then everything goes through, the letter once.
func TestKafkaDeadLetterCommit(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in, out, dlq := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	group := "dlq-commit-" + in
	p := startJob(t, "kafka_dlq", "--brokers", brokers, "--group", group, "--progress", "0",
		"--source", "src=kafka:"+in, "--sink", "dst=kafka:"+out, "--dead-letter", "src=kafka:"+dlq)
	produce := func(values ...string) {
		var recs []*kgo.Record
		for _, v := range values {
			recs = append(recs, &kgo.Record{Value: []byte(v)})
		}
		kafkatest.Produce(t, brokers, in, recs...)
	}
	good := func(from, to int) []string {
		var vs []string
		for i := from; i < to; i++ {
			vs = append(vs, fmt.Sprintf(`{"id":%d,"name":"n%d"}`, i, i))
		}
		return vs
	}
	waitCommitted := func(what string, n int64) {
		waitProgress(t, what, p, func() (int64, bool) {
			c := committedSum(t, brokers, group, in)
			return c, c == n
		})
	}
	waitLog := func(what, line string) {
		waitProgress(t, what, p, func() (int64, bool) {
			return int64(len(p.log())), strings.Contains(p.log(), line)
		})
	}

	produce(good(0, 5)...)
	waitCommitted("the commit of the first records", 5)
	setMaxMessageBytes(t, brokers, dlq, "100")
	const badRecord = `{"id":5,"name":`
	produce(append([]string{badRecord}, good(6, 10)...)...)
	waitLog("the dead-letter topic's circuit opening", "src.dead.letter: circuit open after 3 failures (last: MESSAGE_TOO_LARGE")
	waitProgress(t, "the rows after the bad record, which the job goes on writing", p, func() (int64, bool) {
		n := int64(len(kafkatest.ConsumeAll(t, brokers, out)))
		return n, n == 9
	})
	if c := committedSum(t, brokers, group, in); c != 5 {
		t.Errorf("committed offset %d while the dead letter of offset 5 is not acknowledged; want 5", c)
	}
	setMaxMessageBytes(t, brokers, dlq, "")
	waitLog("the circuit closing", "src.dead.letter: circuit closed after")
	waitCommitted("the commit of every record", 10)

	letters := readDeadLetters(t, brokers, dlq, in)
	if len(letters) != 1 || string(letters[0].record(t)) != badRecord || *letters[0].Offset != 5 || letters[0].key != nil {
		t.Errorf("dead letters %+v; want one, of the record at offset 5", letters)
	}
	p.stop(t, syscall.SIGTERM)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, p.log())
	}
}

// TestKafkaLateDeadLetterTopic sends a record that arrives after its window closed to the dead-letter topic the
// script names ('dead.letter.topic'), with the query, its window and the watermark.
func TestKafkaLateDeadLetterTopic(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in, out := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	late := `{"sym":"A","ts":1500}`
	kafkatest.Produce(t, brokers, in, &kgo.Record{Key: []byte("A"), Value: []byte(`{"sym":"A","ts":1000}`)},
		&kgo.Record{Key: []byte("A"), Value: []byte(`{"sym":"A","ts":2500}`)},
		&kgo.Record{Key: []byte("A"), Value: []byte(late)})
	res := runOK(t, "kafka_dlq_late", t.TempDir(), "--bounded", "--brokers", brokers, "--group", "late-"+in,
		"--source", "ticks=kafka:"+in, "--sink", "counts=kafka:"+out)
	if line := statsLine(t, res.Stderr, "ticks"); line != "ticks: read 3, bad 0, late 1, late dead-lettered 1" {
		t.Errorf("stats: %q", line)
	}
	// The script's topic outlives the test: only the letters of this test's input are its.
	letters := readDeadLetters(t, brokers, "velocc_e2e_late_dlq", in)
	if len(letters) != 1 {
		t.Fatalf("%d dead letters of topic %s, want 1; stderr of the job:\n%s", len(letters), in, res.Stderr)
	}
	m := letters[0]
	if string(m.record(t)) != late || string(m.key) != "A" || *m.Offset != 2 || m.Query != "counts" || m.WindowStart != 1000 ||
		m.WindowEnd != 2000 || m.Watermark != 2500 || !strings.HasPrefix(m.Error, "late record: the window [") {
		t.Errorf("dead letter %+v (key %q, record %q); want the record at offset 2 late for counts' window [1000, 2000) at watermark 2500",
			m, m.key, m.record(t))
	}
}
