// Topics, groups and the input records: the benchmark's administration of the broker.

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// opTimeout bounds each administrative request.
const opTimeout = 30 * time.Second

// admin creates and deletes the benchmark's topics and groups, and reads offsets.
type admin struct {
	seeds []string
	cl    *kgo.Client
	adm   *kadm.Client
}

func newAdmin(seeds []string) (*admin, error) {
	// A short metadata age lets a topic created a moment ago be used at once.
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.MetadataMinAge(100*time.Millisecond))
	if err != nil {
		return nil, err
	}
	return &admin{seeds: seeds, cl: cl, adm: kadm.NewClient(cl)}, nil
}

func (a *admin) close() { a.cl.Close() }

// kafkaVersion is franz-go's guess of the broker's release from the API versions it supports ("v4.1").
func (a *admin) kafkaVersion(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	vs, err := a.adm.ApiVersions(ctx)
	if err != nil {
		return "unknown"
	}
	guess := "unknown"
	vs.Each(func(v kadm.BrokerApiVersions) {
		if v.Err == nil {
			guess = v.VersionGuess()
		}
	})
	return guess
}

// createTopic creates topic with the given partitions and one replica, and waits until each partition has a
// leader.
func (a *admin) createTopic(ctx context.Context, topic string, partitions int32) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	resp, err := a.adm.CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		return fmt.Errorf("creating topic %q: %v", topic, err)
	}
	for {
		md, err := a.adm.Metadata(ctx, topic)
		if err == nil && ready(md.Topics[topic], partitions) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("topic %q has no leader for each of its %d partitions after %v", topic, partitions, opTimeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ready reports whether d describes a topic with all its partitions and a leader for each.
func ready(d kadm.TopicDetail, partitions int32) bool {
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

// deleteTopic deletes topic; clean-up errors are reported, not fatal.
func (a *admin) deleteTopic(topic string) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	resp, err := a.adm.DeleteTopics(ctx, topic)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		logf("kafkabench: deleting topic %q: %v", topic, err)
	}
}

// deleteGroup deletes a consumer group that a run left behind (empty by then); clean-up errors are reported,
// not fatal.
func (a *admin) deleteGroup(group string) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	resp, err := a.adm.DeleteGroups(ctx, group)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		logf("kafkabench: deleting consumer group %q: %v", group, err)
	}
}

// endOffsets returns the end offset of each partition of topic.
func (a *admin) endOffsets(ctx context.Context, topic string) (map[int32]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	listed, err := a.adm.ListEndOffsets(ctx, topic)
	if err == nil {
		err = listed.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("end offsets of topic %q: %v", topic, err)
	}
	ends := map[int32]int64{}
	listed.Each(func(o kadm.ListedOffset) { ends[o.Partition] = o.Offset })
	return ends, nil
}

// messageCount is the number of messages in topic: the sum of its end offsets (the benchmark's topics start at
// offset 0 and hold no transaction markers).
func (a *admin) messageCount(ctx context.Context, topic string) (int64, error) {
	ends, err := a.endOffsets(ctx, topic)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, o := range ends {
		n += o
	}
	return n, nil
}

// committedCount is the number of records a read_committed consumer reads of topic once no transaction is open
// on it: the rows of committed transactions (and any written outside one), not those of aborted transactions, nor
// the transactions' markers, which take offsets of their own. It waits up to opTimeout for the transactions to
// end (the coordinator writes a transaction's markers after the producer's EndTransaction returns), then reads
// every partition from its start to its end, and fails when no record arrives for opTimeout before that end.
func (a *admin) committedCount(ctx context.Context, topic string) (int64, error) {
	ends, err := a.settledEnds(ctx, topic)
	if err != nil {
		return 0, err
	}
	start := map[int32]kgo.Offset{}
	for p, end := range ends {
		if end == 0 {
			delete(ends, p)
		} else {
			start[p] = kgo.NewOffset().At(0)
		}
	}
	if len(ends) == 0 {
		return 0, nil
	}
	// The markers are read too: they may be a partition's last offsets, and reaching the end means seeing them.
	cl, err := kgo.NewClient(kgo.SeedBrokers(a.seeds...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: start}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(), kgo.FetchMaxBytes(64<<20))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	var n int64
	next := map[int32]int64{} // per partition, the offset after the last record read
	for p, end := range ends {
		for next[p] < end {
			pctx, cancel := context.WithTimeout(ctx, opTimeout)
			fetches := cl.PollFetches(pctx)
			cancel()
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			if err := fetches.Err(); err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					return n, fmt.Errorf("reading topic %q read_committed: no record for %v before its end; read up to %v of %v",
						topic, opTimeout, next, ends)
				}
				return n, fmt.Errorf("reading topic %q read_committed: %v", topic, err)
			}
			fetches.EachRecord(func(r *kgo.Record) {
				next[r.Partition] = r.Offset + 1
				if !r.Attrs.IsControl() {
					n++
				}
			})
		}
	}
	return n, nil
}

// settledEnds waits until each partition of topic has no open transaction, its last stable offset equal to its
// end, and returns the end offsets; it fails after opTimeout.
func (a *admin) settledEnds(ctx context.Context, topic string) (map[int32]int64, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	for {
		ends, err := a.adm.ListEndOffsets(ctx, topic)
		if err == nil {
			err = ends.Error()
		}
		stable, serr := a.adm.ListCommittedOffsets(ctx, topic)
		if err == nil {
			err = serr
		}
		if err == nil {
			err = stable.Error()
		}
		if err != nil {
			return nil, fmt.Errorf("end offsets of topic %q: %v", topic, err)
		}
		settled := map[int32]int64{}
		open := map[int32]string{}
		ends.Each(func(o kadm.ListedOffset) {
			settled[o.Partition] = o.Offset
			if s, ok := stable.Lookup(topic, o.Partition); !ok || s.Offset != o.Offset {
				open[o.Partition] = fmt.Sprintf("stable %d, end %d", s.Offset, o.Offset)
			}
		})
		if len(open) == 0 {
			return settled, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("topic %q still has open transactions after %v: %v", topic, opTimeout, open)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// deleteChangelogs deletes the changelog topics a job left behind under group (rt/kafka names them
// <group>-<query>-changelog); clean-up errors are reported, not fatal.
func (a *admin) deleteChangelogs(group string) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	topics, err := a.adm.ListTopics(ctx)
	if err != nil {
		logf("kafkabench: listing the changelog topics of group %q: %v", group, err)
		return
	}
	for _, t := range topics.Names() {
		if strings.HasPrefix(t, group+"-") && strings.HasSuffix(t, "-changelog") {
			a.deleteTopic(t)
		}
	}
}

// inputStats describes the generated input.
type inputStats struct {
	records int64
	bytes   int64 // sum of value sizes
	large   int64 // orders with quantity > 100: the rows the stateless query writes
}

// produceInput writes n generated orders keyed by symbol to topic and waits until the broker acknowledged all of
// them, reporting progress every 10%.
func produceInput(ctx context.Context, seeds []string, topic string, seed uint64, n, minutes int) (inputStats, error) {
	var st inputStats
	gen := newGenerator(seed, n, minutes)
	var err error
	st.bytes, err = produceRecords(ctx, seeds, topic, n, func(b []byte) ([]byte, string) {
		o, _ := gen.next()
		st.records++
		if o.qty > 100 {
			st.large++
		}
		return appendJSON(b, o), o.symbol
	})
	return st, err
}

// produceRecords writes n records to topic, each made by next, which appends the record's value to b and
// returns it with the record's key, and waits until the broker acknowledged all of them, reporting progress every
// 10%. It returns the sum of the values' sizes.
func produceRecords(ctx context.Context, seeds []string, topic string, n int, next func(b []byte) ([]byte, string)) (int64, error) {
	// Uncompressed, like the output of every contender: velocc's Kafka sink writes uncompressed batches by default.
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DefaultProduceTopic(topic),
		kgo.MaxBufferedRecords(100_000), kgo.ProducerLinger(5*time.Millisecond),
		kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		return 0, err
	}
	defer cl.Close()

	var mu sync.Mutex
	var perr error
	promise := func(_ *kgo.Record, err error) {
		if err != nil {
			mu.Lock()
			if perr == nil {
				perr = err
			}
			mu.Unlock()
		}
	}
	// Records and their bytes are carved from blocks: the producer keeps each one until it is acknowledged.
	const block = 4096
	var recs []kgo.Record
	var buf []byte
	var bytes int64
	step := max(n/10, 1)
	began := time.Now()
	for i := 1; i <= n; i++ {
		if len(recs) == 0 {
			recs = make([]kgo.Record, block)
		}
		if cap(buf)-len(buf) < 256 {
			buf = make([]byte, 0, block*128)
		}
		start := len(buf)
		var key string
		buf, key = next(buf)
		r := &recs[0]
		recs = recs[1:]
		r.Key = []byte(key)
		r.Value = buf[start:len(buf):len(buf)]
		bytes += int64(len(r.Value))
		cl.Produce(ctx, r, promise)
		if i%step == 0 {
			logf("kafkabench: produced %d/%d records (%.0f MB) in %.1fs", i, n, float64(bytes)/1e6, time.Since(began).Seconds())
		}
	}
	if err := cl.Flush(ctx); err != nil {
		return bytes, err
	}
	mu.Lock()
	defer mu.Unlock()
	if perr != nil {
		return bytes, fmt.Errorf("producing to %q: %v", topic, perr)
	}
	if ctx.Err() != nil {
		return bytes, errors.New("interrupted")
	}
	return bytes, nil
}
