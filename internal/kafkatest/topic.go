// Topics for one test, and the offsets of their partitions.
package kafkatest

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// NewTopic creates a topic with the given number of partitions and one replica, named after the test with a
// random suffix, waits until every partition has a leader, and deletes the topic when the test ends.
func NewTopic(t testing.TB, brokers string, partitions int32) string {
	t.Helper()
	name := topicName(t.Name())
	CreateTopic(t, brokers, name, partitions)
	return name
}

// CreateTopic creates the topic name like NewTopic, for tests that need to choose the name or the moment.
func CreateTopic(t testing.TB, brokers, name string, partitions int32) {
	t.Helper()
	ctx, cancel := opContext(t)
	defer cancel()
	cl := newClient(t, brokers)
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, name); err != nil {
		t.Fatalf("kafkatest: create topic %q with %d partitions: %v", name, partitions, err)
	}
	t.Cleanup(func() { deleteTopic(t, brokers, name, true) })

	for {
		m, err := adm.Metadata(ctx, name)
		if err == nil && usable(m.Topics[name], partitions) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("kafkatest: topic %q has no leader for each of its %d partitions after %v (last error: %v)",
				name, partitions, opTimeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// DeleteTopic deletes a topic now, as a test's failure scenario; a topic already gone is fine at cleanup.
func DeleteTopic(t testing.TB, brokers, name string) {
	t.Helper()
	deleteTopic(t, brokers, name, false)
}

// usable reports whether d describes a topic with all its partitions and a leader for each.
func usable(d kadm.TopicDetail, partitions int32) bool {
	if d.Err != nil || len(d.Partitions) != int(partitions) {
		return false
	}
	for _, p := range d.Partitions {
		if p.Err != nil || p.Leader < 0 {
			return false
		}
	}
	return true
}

// deleteTopic deletes a topic; at cleanup (after the test, whose context is done by then) a topic the test
// deleted itself is not an error.
func deleteTopic(t testing.TB, brokers, name string, cleanup bool) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cl := newClient(t, brokers)
	defer cl.Close()
	resp, err := kadm.NewClient(cl).DeleteTopics(ctx, name)
	if err == nil {
		err = resp.Error()
	}
	if err != nil && !(cleanup && errors.Is(err, kerr.UnknownTopicOrPartition)) {
		t.Errorf("kafkatest: delete topic %q: %v", name, err)
	}
}

// topicName returns a topic name for the test named test: its letters, digits and '-' with everything else as
// '_' (so that no two names differ only in '.' and '_', which Kafka rejects), cut to 200 bytes, and a random
// suffix.
func topicName(test string) string {
	name := []byte(test)
	for i, c := range name {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			name[i] = '_'
		}
	}
	if len(name) > 200 {
		name = name[:200]
	}
	return string(name) + "-" + rand.Text()[:8]
}

// EndOffsets returns the end offset (high watermark) of each partition of topic.
func EndOffsets(t testing.TB, brokers, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := opContext(t)
	defer cancel()
	cl := newClient(t, brokers)
	defer cl.Close()
	listed, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err == nil {
		err = listed.Error()
	}
	if err != nil {
		t.Fatalf("kafkatest: end offsets of topic %q: %v", topic, err)
	}
	ends := make(map[int32]int64)
	for p, o := range listed[topic] {
		ends[p] = o.Offset
	}
	return ends
}

// CommittedOffsets returns the offsets that consumer group has committed for the partitions of topic; a partition
// without a commit is absent. It waits for pending transactional commits to resolve (KIP-447's require_stable).
func CommittedOffsets(t testing.TB, brokers, group, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := opContext(t)
	defer cancel()
	cl := newClient(t, brokers)
	defer cl.Close()
	adm := kadm.NewClient(cl)
	var fetched kadm.OffsetResponses
	for {
		var err error
		fetched, err = adm.FetchOffsetsForTopics(kadm.RequireStable(ctx), group, topic)
		if err == nil {
			err = fetched.Error()
		}
		if err == nil {
			break
		}
		// A fresh broker answers COORDINATOR_NOT_AVAILABLE until it has created __consumer_offsets.
		if !kerr.IsRetriable(err) || ctx.Err() != nil {
			t.Fatalf("kafkatest: offsets of group %q for topic %q: %v", group, topic, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	committed := make(map[int32]int64)
	for p, o := range fetched[topic] {
		if o.At >= 0 {
			committed[p] = o.At
		}
	}
	return committed
}
