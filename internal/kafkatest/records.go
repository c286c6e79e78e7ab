// Producing records to a test topic and reading them back.
package kafkatest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// produceChunk is how many records Produce hands the client at a time: each chunk must be acknowledged within
// opTimeout, so that a big input takes as long as the machine needs while a broker that stopped answering still
// fails the test.
const produceChunk = 10000

// Produce writes recs to topic and waits until the broker acknowledged every one, failing the test on the first
// error, or when a chunk of records goes unacknowledged for opTimeout. It sets each record's Topic to topic; a
// keyed record goes to the partition the Java client would pick (murmur2 of the key). On return each record
// carries the partition and offset it was written at.
func Produce(t testing.TB, brokers, topic string, recs ...*kgo.Record) {
	t.Helper()
	for _, r := range recs {
		r.Topic = topic
	}
	cl := newClient(t, brokers)
	defer cl.Close()
	for done := 0; done < len(recs); {
		chunk := recs[done:min(done+produceChunk, len(recs))]
		ctx, cancel := opContext(t)
		err := cl.ProduceSync(ctx, chunk...).FirstErr()
		cancel()
		if err != nil {
			t.Fatalf("kafkatest: produce %d records to topic %q (%d acknowledged): %v", len(recs), topic, done, err)
		}
		done += len(chunk)
	}
}

// Consume reads every partition of topic from its start, without a consumer group, until want records arrived or
// none arrived for idle, and returns what it read: fewer than want after idle passed without a record, maybe more
// if the topic has more; the caller asserts. A record arriving starts the idle time anew, so a big topic takes as
// long as it takes. It reads committed data only (read_committed): records of open or aborted transactions never
// show up.
func Consume(t testing.TB, brokers, topic string, want int, idle time.Duration) []*kgo.Record {
	t.Helper()
	cl := newConsumer(t, brokers, topic)
	defer cl.Close()
	var recs []*kgo.Record
	for len(recs) < want {
		ctx, cancel := context.WithTimeout(t.Context(), idle)
		got, more := poll(t, ctx, cl, topic)
		cancel()
		recs = append(recs, got...)
		if !more {
			break
		}
	}
	return recs
}

// ConsumeAll reads every partition of topic from its start up to its end as it is when ConsumeAll is called (the
// last stable offset: what a read_committed consumer can read), and returns the records. The end is known, so
// reading stops there however slowly the records come; it fails the test when no record arrives for opTimeout
// before the end is reached.
func ConsumeAll(t testing.TB, brokers, topic string) []*kgo.Record {
	t.Helper()
	ends := stableOffsets(t, brokers, topic)
	// Control records (the commit and abort markers of transactions) are read too: they may be the last offsets
	// of a partition, and reaching the end means seeing them.
	cl := newConsumer(t, brokers, topic, kgo.KeepControlRecords())
	defer cl.Close()
	next := map[int32]int64{} // per partition, the offset after the last record read
	reached := func() bool {
		for p, end := range ends {
			if next[p] < end {
				return false
			}
		}
		return true
	}
	var recs []*kgo.Record
	for !reached() {
		ctx, cancel := opContext(t)
		got, more := poll(t, ctx, cl, topic)
		cancel()
		for _, r := range got {
			next[r.Partition] = r.Offset + 1
			if !r.Attrs.IsControl() {
				recs = append(recs, r)
			}
		}
		if !more && !reached() {
			t.Fatalf("kafkatest: topic %q: no record for %v before the end; read up to %v of %v", topic, opTimeout,
				next, ends)
		}
	}
	return recs
}

// stableOffsets returns the last stable offset of each partition of topic: its end for read_committed consumers.
func stableOffsets(t testing.TB, brokers, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := opContext(t)
	defer cancel()
	cl := newClient(t, brokers)
	defer cl.Close()
	listed, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	if err == nil {
		err = listed.Error()
	}
	if err != nil {
		t.Fatalf("kafkatest: stable offsets of topic %q: %v", topic, err)
	}
	ends := make(map[int32]int64)
	for p, o := range listed[topic] {
		ends[p] = o.Offset
	}
	return ends
}

// newConsumer returns a client that consumes topic's partitions directly, from their start, in read_committed.
func newConsumer(t testing.TB, brokers, topic string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	return newClient(t, brokers, append([]kgo.Opt{
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted())}, opts...)...)
}

// poll returns the records of one poll of cl, and false once ctx is done. It fails the test on a fetch error.
func poll(t testing.TB, ctx context.Context, cl *kgo.Client, topic string) ([]*kgo.Record, bool) {
	t.Helper()
	fetches := cl.PollFetches(ctx)
	more := true
	var fetchErr error
	fetches.EachError(func(_ string, _ int32, err error) {
		switch {
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
			more = false
		case fetchErr == nil:
			fetchErr = err
		}
	})
	if fetchErr != nil {
		t.Fatalf("kafkatest: consume topic %q: %v", topic, fetchErr)
	}
	return fetches.Records(), more
}
