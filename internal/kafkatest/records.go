// Producing records to a test topic and reading them back.
package kafkatest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Produce writes recs to topic and waits until the broker acknowledged every one, failing the test on the first
// error. It sets each record's Topic to topic; a keyed record goes to the partition the Java client would pick
// (murmur2 of the key). On return each record carries the partition and offset it was written at.
func Produce(t testing.TB, brokers, topic string, recs ...*kgo.Record) {
	t.Helper()
	for _, r := range recs {
		r.Topic = topic
	}
	ctx, cancel := opContext(t)
	defer cancel()
	cl := newClient(t, brokers)
	defer cl.Close()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("kafkatest: produce %d records to topic %q: %v", len(recs), topic, err)
	}
}

// Consume reads every partition of topic from its start, without a consumer group, until want records arrived or
// timeout passed, and returns what it read: fewer than want after a timeout, maybe more if the topic has more; the
// caller asserts. It reads committed data only (read_committed): records of open or aborted transactions never
// show up.
func Consume(t testing.TB, brokers, topic string, want int, timeout time.Duration) []*kgo.Record {
	t.Helper()
	cl := newConsumer(t, brokers, topic)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < want {
		got, more := poll(t, ctx, cl, topic)
		recs = append(recs, got...)
		if !more {
			break
		}
	}
	return recs
}

// ConsumeUntilIdle reads topic like Consume, but returns once no record arrived for idle.
func ConsumeUntilIdle(t testing.TB, brokers, topic string, idle time.Duration) []*kgo.Record {
	t.Helper()
	cl := newConsumer(t, brokers, topic)
	defer cl.Close()
	var recs []*kgo.Record
	for {
		ctx, cancel := context.WithTimeout(t.Context(), idle)
		got, more := poll(t, ctx, cl, topic)
		cancel()
		recs = append(recs, got...)
		if !more {
			return recs
		}
	}
}

// newConsumer returns a client that consumes topic's partitions directly, from their start, in read_committed.
func newConsumer(t testing.TB, brokers, topic string) *kgo.Client {
	t.Helper()
	return newClient(t, brokers,
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
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
