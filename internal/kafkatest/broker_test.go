// Tests of the helpers against the real broker; they skip without one.
package kafkatest

import (
	"context"
	"fmt"
	"maps"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// keyed returns n records with keys "key-<i>" and values "value-<i>".
func keyed(n int) []*kgo.Record {
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = &kgo.Record{Key: fmt.Appendf(nil, "key-%d", i), Value: fmt.Appendf(nil, "value-%d", i)}
	}
	return recs
}

// murmur2 is the hash the Java client partitions keyed records by (Utils.murmur2), written out here as an oracle
// independent of franz-go's partitioner.
func murmur2(data []byte) int32 {
	const m, r = 0x5bd1e995, 24
	h := uint32(0x9747b28c) ^ uint32(len(data))
	for ; len(data) >= 4; data = data[4:] {
		k := uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16 | uint32(data[3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h = h*m ^ k
	}
	switch len(data) {
	case 3:
		h ^= uint32(data[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

func TestProduceConsume(t *testing.T) {
	t.Parallel()
	brokers := Brokers(t)
	const n, partitions = 1000, 4
	topic := NewTopic(t, brokers, partitions)
	sent := keyed(n)
	Produce(t, brokers, topic, sent...)

	byKey := make(map[string]*kgo.Record)
	for _, r := range sent {
		byKey[string(r.Key)] = r
	}
	got := Consume(t, brokers, topic, n, time.Minute)
	if len(got) != n {
		t.Fatalf("consumed %d records, want %d", len(got), n)
	}
	perPartition := make(map[int32]int64)
	for _, r := range got {
		s, ok := byKey[string(r.Key)]
		if !ok {
			t.Fatalf("consumed key %q, which was not produced or came twice", r.Key)
		}
		delete(byKey, string(r.Key))
		if r.Topic != topic || string(r.Value) != string(s.Value) {
			t.Errorf("key %q: consumed value %q from topic %q, want %q from %q", r.Key, r.Value, r.Topic, s.Value,
				topic)
		}
		if want := (murmur2(r.Key) & 0x7fffffff) % partitions; r.Partition != want {
			t.Errorf("key %q is in partition %d, want %d (murmur2, as the Java client)", r.Key, r.Partition, want)
		}
		if r.Partition != s.Partition || r.Offset != s.Offset {
			t.Errorf("key %q consumed at %d/%d, produced at %d/%d", r.Key, r.Partition, r.Offset, s.Partition,
				s.Offset)
		}
		perPartition[r.Partition]++
	}
	if len(perPartition) != partitions {
		t.Errorf("records in %d partitions, want all %d: %v", len(perPartition), partitions, perPartition)
	}
	if ends := EndOffsets(t, brokers, topic); !maps.Equal(ends, perPartition) {
		t.Errorf("end offsets %v, want the record counts %v", ends, perPartition)
	}
}

func TestConsumeStops(t *testing.T) {
	t.Parallel()
	brokers := Brokers(t)
	topic := NewTopic(t, brokers, 2)
	sent := keyed(10)
	Produce(t, brokers, topic, sent...)

	if got := ConsumeAll(t, brokers, topic); len(got) != 10 {
		t.Errorf("ConsumeAll read %d records, want 10", len(got))
	}
	// Consume of more than there are gives up once nothing arrived for its idle time, with what it read: how much
	// that is depends on how fast the machine is, but never more than the 10 there are, each once.
	got := Consume(t, brokers, topic, 11, 2*time.Second)
	if len(got) > 10 {
		t.Errorf("Consume of 11 with 10 in the topic read %d records", len(got))
	}
	want := map[string]bool{}
	for _, r := range sent {
		want[string(r.Key)] = true
	}
	for _, r := range got {
		if !want[string(r.Key)] {
			t.Errorf("Consume returned key %q, which was not produced or came twice", r.Key)
		}
		delete(want, string(r.Key))
	}
}

// TestConsumeAllTransactions reads a topic whose last offsets are transaction markers: a committed transaction's
// records are read, an aborted one's are not, and ConsumeAll stops at the end (the abort marker) instead of
// waiting for records that never come.
func TestConsumeAllTransactions(t *testing.T) {
	t.Parallel()
	brokers := Brokers(t)
	topic := NewTopic(t, brokers, 1)
	Produce(t, brokers, topic, &kgo.Record{Key: []byte("plain"), Value: []byte("0")})
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.DefaultProduceTopic(topic),
		kgo.TransactionalID(topicName(t.Name())))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := opContext(t)
	defer cancel()
	for _, end := range []kgo.TransactionEndTry{kgo.TryCommit, kgo.TryAbort} {
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		key := map[kgo.TransactionEndTry]string{kgo.TryCommit: "committed", kgo.TryAbort: "aborted"}[end]
		for i := range 3 {
			r := &kgo.Record{Key: []byte(key), Value: fmt.Appendf(nil, "%d", i)}
			if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, end); err != nil {
			t.Fatal(err)
		}
	}
	// 1 plain record, 3 committed and their marker, 3 aborted and their marker: the coordinator writes the last
	// marker after EndTransaction returns, and the partition's stable end is 9 once it did.
	for stableOffsets(t, brokers, topic)[0] != 9 {
		if ctx.Err() != nil {
			t.Fatalf("the abort marker was not written within %v: stable end offset %d, want 9", opTimeout,
				stableOffsets(t, brokers, topic)[0])
		}
		time.Sleep(50 * time.Millisecond)
	}
	var kv []string
	for _, r := range ConsumeAll(t, brokers, topic) {
		kv = append(kv, string(r.Key)+"="+string(r.Value))
	}
	if s := strings.Join(kv, " "); s != "plain=0 committed=0 committed=1 committed=2" {
		t.Errorf("ConsumeAll read %q, want the plain record and the committed transaction's", s)
	}
}

func TestCommittedOffsets(t *testing.T) {
	t.Parallel()
	brokers := Brokers(t)
	topic := NewTopic(t, brokers, 3)
	Produce(t, brokers, topic, keyed(30)...)
	group := topicName(t.Name())
	if got := CommittedOffsets(t, brokers, group, topic); len(got) != 0 {
		t.Fatalf("offsets of a group that never committed: %v, want none", got)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for read := 0; read < 30; {
		fetches := cl.PollFetches(ctx)
		if err := fetches.Err(); err != nil {
			t.Fatalf("group %q read %d of 30 records: %v", group, read, err)
		}
		read += fetches.NumRecords()
	}
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}

	want := EndOffsets(t, brokers, topic)
	if got := CommittedOffsets(t, brokers, group, topic); !maps.Equal(got, want) {
		t.Errorf("committed offsets %v, want the end offsets %v", got, want)
	}
}

func TestKcat(t *testing.T) {
	t.Parallel()
	brokers := Brokers(t)
	kcat := Kcat(t)
	topic := NewTopic(t, brokers, 1)

	produce := exec.CommandContext(t.Context(), kcat, "-b", brokers, "-P", "-t", topic, "-K", ":")
	produce.Stdin = strings.NewReader("a:1\nb:2\n")
	if out, err := produce.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}
	got := Consume(t, brokers, topic, 2, time.Minute)
	var kv []string
	for _, r := range got {
		kv = append(kv, string(r.Key)+"="+string(r.Value))
	}
	if s := strings.Join(kv, " "); s != "a=1 b=2" {
		t.Errorf("consumed %q after kcat produced a:1 b:2", s)
	}

	Produce(t, brokers, topic, &kgo.Record{Key: []byte("c"), Value: []byte("3")})
	consume := exec.CommandContext(t.Context(), kcat, "-b", brokers, "-C", "-t", topic, "-e", "-q", "-f", "%k=%s\n")
	out, err := consume.Output()
	if err != nil {
		t.Fatalf("kcat -C: %v", err)
	}
	if string(out) != "a=1\nb=2\nc=3\n" {
		t.Errorf("kcat -C printed %q, want a=1 b=2 c=3", out)
	}
}
