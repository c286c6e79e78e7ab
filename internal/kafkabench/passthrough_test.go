package main

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

// TestPassthrough runs the baseline on a small topic of the test broker: it copies every record's key and value
// once, stops at the end offsets it was given (records produced later stay behind), and commits those offsets.
func TestPassthrough(t *testing.T) {
	brokers := kafkatest.Brokers(t)
	in := kafkatest.NewTopic(t, brokers, 3)
	out := kafkatest.NewTopic(t, brokers, 3)
	var recs []*kgo.Record
	g := newGenerator(3, 600, 2)
	for {
		o, ok := g.next()
		if !ok {
			break
		}
		recs = append(recs, &kgo.Record{Key: []byte(o.symbol), Value: appendJSON(nil, o)})
	}
	kafkatest.Produce(t, brokers, in, recs...)
	ends := kafkatest.EndOffsets(t, brokers, in)
	kafkatest.Produce(t, brokers, in, &kgo.Record{Key: []byte("LATE"), Value: []byte(`{}`)})

	group := "kafkabench-test-" + in
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := passthrough(ctx, &runSpec{seeds: strings.Split(brokers, ","), in: in, out: out, group: group, ends: ends})
	if err != nil {
		t.Fatal(err)
	}
	if res.read != int64(len(recs)) || res.emitted != int64(len(recs)) {
		t.Errorf("passthrough read %d and wrote %d records, want %d", res.read, res.emitted, len(recs))
	}

	count := func(rs []*kgo.Record) map[string]int {
		m := map[string]int{}
		for _, r := range rs {
			m[fmt.Sprintf("%s %s", r.Key, r.Value)]++
		}
		return m
	}
	got := kafkatest.Consume(t, brokers, out, len(recs), 30*time.Second)
	if !maps.Equal(count(got), count(recs)) {
		t.Errorf("the output topic's %d records are not the %d input records", len(got), len(recs))
	}
	if committed := kafkatest.CommittedOffsets(t, brokers, group, in); !maps.Equal(committed, ends) {
		t.Errorf("committed offsets %v, want the end offsets %v", committed, ends)
	}
}
