package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

// TestCommittedCount checks the count the exactly-once runs are checked with against what was written: records
// outside a transaction and of committed transactions count, those of aborted transactions and the markers do
// not.
func TestCommittedCount(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	seeds := strings.Split(brokers, ",")
	topic := kafkatest.NewTopic(t, brokers, 2)
	kafkatest.Produce(t, brokers, topic, &kgo.Record{Key: []byte("plain"), Value: []byte("0")})
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DefaultProduceTopic(topic),
		kgo.TransactionalID("kafkabench-"+topic), kgo.TransactionTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// 5 committed records, 7 aborted, 3 committed, spread over both partitions by their keys.
	txn := func(n int, end kgo.TransactionEndTry) {
		t.Helper()
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			r := &kgo.Record{Key: fmt.Appendf(nil, "k%d", i), Value: []byte("v")}
			if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, end); err != nil {
			t.Fatal(err)
		}
	}
	txn(5, kgo.TryCommit)
	txn(7, kgo.TryAbort)
	txn(3, kgo.TryCommit)

	adm, err := newAdmin(seeds)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.close()
	all, err := adm.messageCount(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := adm.committedCount(ctx, topic); err != nil || n != 1+5+3 {
		t.Errorf("committedCount = %d, %v; want 9 (the topic's end offsets sum to %d)", n, err, all)
	}
	if all <= 1+5+3+7 {
		t.Errorf("the end offsets sum to %d: no room for the markers, the test shows nothing", all)
	}
}
