package e2e

// A Kafka sink that the broker refuses for a while: its rows are retried with backoff, its circuit breaker opens,
// goes half-open and closes again once the broker takes the rows, and no row is lost; nothing is committed past
// the rows that wait.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// A stateless copy whose sink retries quickly and keeps its circuit open for 2 seconds. The padding makes each
	// message larger than the output topic's size limit while the test lowers it.
	jobScripts["kafka_circuit"] = `
CREATE STREAM src (id BIGINT, pad VARCHAR) WITH ('type'='kafka_source', 'commit.interval'='100ms');
CREATE STREAM dst AS SELECT id, pad FROM src
WITH ('dst.type'='kafka_sink', 'dst.topic.create'='false', 'dst.key.field'='id',
      'dst.retry.initial.delay'='100ms', 'dst.retry.max.delay'='500ms', 'dst.retry.multiplier'='2',
      'dst.circuit.breaker.failure.threshold'='3', 'dst.circuit.breaker.recovery.timeout'='2s',
      'dst.circuit.breaker.success.threshold'='3');
`
}

// setMaxMessageBytes sets the topic's max.message.bytes, or removes the setting (the broker's default) for "".
func setMaxMessageBytes(t *testing.T, brokers, topic, v string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	op := kadm.AlterConfig{Op: kadm.SetConfig, Name: "max.message.bytes", Value: &v}
	if v == "" {
		op = kadm.AlterConfig{Op: kadm.DeleteConfig, Name: "max.message.bytes"}
	}
	ctx, cancel := context.WithTimeout(t.Context(), stall)
	defer cancel()
	resp, err := kadm.NewClient(cl).AlterTopicConfigs(ctx, []kadm.AlterConfig{op}, topic)
	if err == nil {
		_, err = resp.On(topic, nil)
	}
	if err != nil {
		t.Fatalf("setting max.message.bytes of %q to %q: %v", topic, v, err)
	}
}

// TestKafkaSinkCircuitBreaker copies rows to a topic whose max.message.bytes the test lowers below the size of a
// message (MESSAGE_TOO_LARGE, an error the producer does not retry) and later raises again. The job must retry,
// open its circuit, try again half-open and open it again while the topic still refuses the rows, hold back its
// commits meanwhile, close the circuit once the topic takes them, and in the end have written every input row.
func TestKafkaSinkCircuitBreaker(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in, out := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	group := "circuit-" + in
	p := startJob(t, "kafka_circuit", "--brokers", brokers, "--group", group, "--progress", "0",
		"--source", "src=kafka:"+in, "--sink", "dst=kafka:"+out)
	pad := strings.Repeat("x", 200)
	produce := func(from, to int) {
		var recs []*kgo.Record
		for i := from; i < to; i++ {
			recs = append(recs, &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"pad":%q}`, i, pad)})
		}
		kafkatest.Produce(t, brokers, in, recs...)
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

	produce(0, 10)
	waitCommitted("the commit of the first rows", 10)
	setMaxMessageBytes(t, brokers, out, "100")
	produce(10, 30)
	waitLog("the circuit opening", "dst: circuit open after 3 failures (last: MESSAGE_TOO_LARGE")
	waitLog("a failed retry when half-open", "dst: circuit open again")
	if c := committedSum(t, brokers, group, in); c != 10 {
		t.Errorf("committed offset %d while the circuit is open; want 10: rows 10 to 29 are not delivered", c)
	}
	setMaxMessageBytes(t, brokers, out, "")
	waitLog("the circuit closing", "dst: circuit closed after")
	produce(30, 40)
	waitCommitted("the commit of every row", 40)

	recs := kafkatest.ConsumeAll(t, brokers, out)
	seen := map[int]int{}
	for _, r := range recs {
		id, err := strconv.Atoi(string(r.Key))
		if err != nil || id < 0 || id >= 40 || !strings.Contains(string(r.Value), pad) {
			t.Errorf("unexpected message %s: %s", r.Key, r.Value)
			continue
		}
		seen[id]++
	}
	for id := range 40 {
		if seen[id] == 0 {
			t.Errorf("row %d was lost", id)
		}
	}

	log := p.log()
	last := -1
	for _, line := range []string{"dst: delivery of ", "dst: circuit open after 3 failures", "dst: circuit half-open: retrying",
		"dst: circuit open again", "dst: circuit closed after"} {
		i := strings.Index(log, line)
		if i < last {
			t.Errorf("%q is not logged after the lines before it", line)
		}
		last = max(i, last)
	}
	p.stop(t, syscall.SIGTERM)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d after SIGTERM", code)
	}
	t.Logf("%d messages for 40 rows; stderr of the job:\n%s", len(recs), p.log())
}
