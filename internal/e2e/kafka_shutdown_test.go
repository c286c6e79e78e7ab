package e2e

// Shutdown on a real broker: a job stopped with SIGTERM mid-stream exits 0 having committed exactly what its sinks
// delivered, so a restart in the same group completes the output with every input record once; a job whose sink
// can never deliver exits at --shutdown-timeout, or at a second signal, with the undelivered record uncommitted,
// and the next run writes it.

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

func init() {
	// A stateless copy to two topics; dst gives a row 10 minutes to be acknowledged, longer than any test waits,
	// so a row to a deleted dst topic stays in flight for the whole test. Queries run in script order, so a record
	// whose copy reached mirror was written to dst before.
	jobScripts["kafka_shutdown"] = `
CREATE STREAM src (id BIGINT, name VARCHAR) WITH ('type'='kafka_source', 'commit.interval'='100ms');
CREATE STREAM dst AS SELECT id, name FROM src
WITH ('dst.type'='kafka_sink', 'dst.delivery.timeout.ms'='10m', 'dst.topic.create'='false');
CREATE STREAM mirror AS SELECT id FROM src WITH ('mirror.type'='kafka_sink', 'mirror.topic.create'='false');
`
}

// stopLine is what a job logs at the first signal.
const stopLine = "kafka_shutdown: stopping (SIGTERM): finishing records in flight, flushing sinks, committing; a second signal exits at once"

// endSum is the sum of the end offsets of topic's partitions: how many messages it holds.
func endSum(t *testing.T, brokers, topic string) int64 {
	var n int64
	for _, o := range kafkatest.EndOffsets(t, brokers, topic) {
		n += o
	}
	return n
}

// shutdownRecord is input record id of kafka_shutdown.
func shutdownRecord(id int) *kgo.Record {
	return &kgo.Record{Value: fmt.Appendf(nil, `{"id":%d,"name":"n%d"}`, id, id)}
}

// outputIDs decodes the id of every message of topic, failing the test on a value that is not {"id":N...}.
func outputIDs(t *testing.T, brokers, topic string) []int {
	var ids []int
	for _, r := range kafkatest.ConsumeAll(t, brokers, topic) {
		var v struct{ ID *int }
		if err := json.Unmarshal(r.Value, &v); err != nil || v.ID == nil {
			t.Fatalf("topic %s: message %q is not a row with an id", topic, r.Value)
		}
		ids = append(ids, *v.ID)
	}
	return ids
}

// TestKafkaShutdownRestart stops a copy job with SIGTERM while records are still being written to its input, once
// output rows show it is mid-stream: it exits 0, its commits cover exactly the rows in its output topics, and a
// restart in the same group finishes the input. The output then holds every input record exactly once: a clean
// stop leaves nothing to replay.
func TestKafkaShutdownRestart(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 3)
	dst, mirror := kafkatest.NewTopic(t, brokers, 3), kafkatest.NewTopic(t, brokers, 3)
	group := "shutdown-" + in
	const total = 20000

	// The input is written in batches of 200 records, one every 20 ms, while the job reads it.
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers), kgo.DefaultProduceTopic(in))
	if err != nil {
		t.Fatal(err)
	}
	var produced atomic.Int64
	var produceErr error
	producing := make(chan struct{})
	go func() {
		defer close(producing)
		defer cl.Close()
		for id := 0; id < total; id += 200 {
			batch := make([]*kgo.Record, 200)
			for i := range batch {
				batch[i] = shutdownRecord(id + i)
			}
			if produceErr = cl.ProduceSync(t.Context(), batch...).FirstErr(); produceErr != nil {
				return
			}
			produced.Add(int64(len(batch)))
			time.Sleep(20 * time.Millisecond) // pacing only: nothing asserts on it
		}
	}()
	t.Cleanup(func() { <-producing })

	args := []string{"--brokers", brokers, "--group", group, "--progress", "0", "--source", "src=kafka:" + in,
		"--sink", "dst=kafka:" + dst, "--sink", "mirror=kafka:" + mirror}
	p := startJob(t, "kafka_shutdown", args...)
	waitProgress(t, "the job's first output rows", p, func() (int64, bool) {
		n := endSum(t, brokers, dst)
		return n, n >= 1000
	})
	p.stop(t, syscall.SIGTERM)
	atStop := produced.Load()
	if code := p.cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(p.log(), stopLine) {
		t.Fatalf("exit %d after SIGTERM; want 0 and the line %q:\n%s", code, stopLine, p.log())
	}
	committed := committedSum(t, brokers, group, in)
	dstRows, mirrorRows := endSum(t, brokers, dst), endSum(t, brokers, mirror)
	t.Logf("stopped with %d records produced, %d committed, %d rows in dst and %d in mirror", atStop, committed, dstRows, mirrorRows)
	if committed != dstRows || committed != mirrorRows {
		t.Errorf("after the clean stop %d records are committed, with %d rows in dst and %d in mirror; want as many", committed, dstRows, mirrorRows)
	}

	<-producing
	if produceErr != nil {
		t.Fatalf("producing the input: %v", produceErr)
	}
	finalRun(t, "kafka_shutdown", args, brokers, func() int64 { return committedSum(t, brokers, group, in) }, dst, mirror)
	for _, topic := range []string{dst, mirror} {
		seen := make([]int, total)
		ids := outputIDs(t, brokers, topic)
		for _, id := range ids {
			if id < 0 || id >= total {
				t.Fatalf("topic %s: id %d was never written to the input", topic, id)
			}
			seen[id]++
		}
		bad := 0
		for id, n := range seen {
			if n != 1 {
				if bad++; bad <= 5 {
					t.Errorf("topic %s: record %d is there %d times, want once", topic, id, n)
				}
			}
		}
		if bad > 0 || len(ids) != total {
			t.Errorf("topic %s: %d messages for %d records, %d of them not exactly once", topic, len(ids), total, bad)
		}
	}
}

// TestKafkaShutdownDeadline makes a sink unable to deliver (its topic deleted; the producer retries for its
// 10-minute delivery timeout) and stops the job three times. With a long --shutdown-timeout, a second signal
// ends the stuck clean stop at once: exit 130, with a line saying so. With --shutdown-timeout 1s the job exits 1
// at the deadline, naming the sink and the one row it still waits for. Neither commits the undelivered record:
// the next run, writing to a topic that exists, copies it and finishes with exit 0. Since the flush can never
// finish, neither outcome depends on the machine's speed.
func TestKafkaShutdownDeadline(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in, mirror := kafkatest.NewTopic(t, brokers, 1), kafkatest.NewTopic(t, brokers, 1)
	group := "deadline-" + in
	committed := func() int64 { return committedSum(t, brokers, group, in) }
	kafkatest.Produce(t, brokers, in, shutdownRecord(0))

	// run starts the job writing dst to topic (static membership: each run takes the partition back at once, even
	// from a run that never left the group), waits until it has delivered and committed the first `done` records,
	// deletes topic, writes record `done` and waits for its copy in mirror: then its row to dst is in flight, and
	// stays so. It returns the job, ready to be stopped.
	run := func(done int, topic string, extra ...string) *proc {
		t.Helper()
		p := startJob(t, "kafka_shutdown", append([]string{"--brokers", brokers, "--group", group, "--instance-id", "deadline",
			"--progress", "0", "--source", "src=kafka:" + in, "--sink", "dst=kafka:" + topic, "--sink", "mirror=kafka:" + mirror},
			extra...)...)
		waitProgress(t, fmt.Sprintf("the job committing %d records", done), p, func() (int64, bool) {
			n := committed()
			return n, n == int64(done)
		})
		kafkatest.DeleteTopic(t, brokers, topic)
		mirrored := endSum(t, brokers, mirror)
		kafkatest.Produce(t, brokers, in, shutdownRecord(done))
		waitProgress(t, fmt.Sprintf("record %d in mirror", done), p, func() (int64, bool) {
			n := endSum(t, brokers, mirror)
			return n, n == mirrored+1
		})
		return p
	}

	// A second signal during the stuck clean stop.
	p := run(1, kafkatest.NewTopic(t, brokers, 1), "--shutdown-timeout", "10m")
	p.cmd.Process.Signal(syscall.SIGTERM)
	waitProgress(t, "the stop line", p, func() (int64, bool) { return 0, strings.Contains(p.log(), stopLine) })
	p.stop(t, syscall.SIGINT)
	second := "kafka_shutdown: SIGINT during the clean stop: exiting at once with 130; nothing is committed past the rows already delivered, a restart replays the rest"
	if code := p.cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(p.log(), second) {
		t.Errorf("exit %d after a second signal; want 130 and the line %q:\n%s", code, second, p.log())
	}
	if n := committed(); n != 1 {
		t.Errorf("%d records committed after the second signal; want 1: record 1 was never delivered to dst", n)
	}

	// The deadline: the job replays record 1 (to a topic that exists), then gets stuck on record 2.
	p = run(2, kafkatest.NewTopic(t, brokers, 1), "--shutdown-timeout", "1s")
	p.stop(t, syscall.SIGTERM)
	for _, want := range []string{
		stopLine,
		"dst: 1 row not acknowledged after --shutdown-timeout 1s; offsets not committed past them",
		"kafka_shutdown: the clean stop did not finish within --shutdown-timeout 1s: exiting with 1",
	} {
		if !strings.Contains(p.log(), want) {
			t.Errorf("the job stopped at the deadline does not say %q:\n%s", want, p.log())
		}
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d at the deadline, want 1:\n%s", code, p.log())
	}
	if n := committed(); n != 2 {
		t.Errorf("%d records committed after the deadline; want 2: record 2 was never delivered to dst", n)
	}

	// The last run replays record 2 and finishes.
	last := kafkatest.NewTopic(t, brokers, 1)
	res := runJob(t, "kafka_shutdown", t.TempDir(), "--bounded", "--brokers", brokers, "--group", group, "--instance-id", "deadline",
		"--progress", "0", "--source", "src=kafka:"+in, "--sink", "dst=kafka:"+last, "--sink", "mirror=kafka:"+mirror)
	if res.Code != 0 {
		t.Fatalf("the last run exited with %d:\n%s", res.Code, res.Stderr)
	}
	if n := committed(); n != 3 {
		t.Errorf("%d records committed after the last run, want 3", n)
	}
	if got := fmt.Sprint(outputIDs(t, brokers, last)); got != "[2]" {
		t.Errorf("the last run's dst holds ids %s, want [2]", got)
	}
	// Each record is in mirror once per run that read it: 1 and 2 were replayed once, having never been committed.
	if got := fmt.Sprint(outputIDs(t, brokers, mirror)); got != "[0 1 1 2 2]" {
		t.Errorf("mirror holds ids %s, want [0 1 1 2 2]", got)
	}
}
