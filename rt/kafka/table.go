// Kafka tables: the source of a table is read whole by every instance of a job, by a consumer of its own (no
// consumer group, no commits), every partition from its earliest offset.

package kafka

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// listTable records where each partition of a table's topic starts and ends when the job starts: the table is
// loaded once every partition has been read up to that end. It retries while the brokers do not answer, as
// partitionCount does.
func (in *input) listTable(ctx context.Context, adm *kadm.Client) error {
	ctx, cancel := context.WithTimeout(ctx, max(startTimeout, in.giveUp))
	defer cancel()
	for {
		starts, ends, err := listOffsets(ctx, adm, in.topic)
		if err == nil {
			in.starts, in.ends = map[int32]int64{}, map[int32]int64{}
			starts.Each(func(o kadm.ListedOffset) { in.starts[o.Partition] = o.Offset })
			ends.Each(func(o kadm.ListedOffset) { in.ends[o.Partition] = o.Offset })
			return nil
		}
		if fatal(err) || !pause(ctx, time.Second) {
			return fmt.Errorf("listing the offsets of kafka topic %q on %s: %v", in.topic, in.brokerList(), err)
		}
	}
}

// listOffsets lists the start and end offsets of every partition of topic.
func listOffsets(ctx context.Context, adm *kadm.Client, topic string) (starts, ends kadm.ListedOffsets, err error) {
	if starts, err = adm.ListStartOffsets(ctx, topic); err == nil {
		err = starts.Error()
	}
	if err == nil {
		if ends, err = adm.ListEndOffsets(ctx, topic); err == nil {
			err = ends.Error()
		}
	}
	return starts, ends, err
}

// runTable reads a table's topic. Every record upserts its key's row and every tombstone deletes it (the job's
// handlers do that). Once every partition has reached the end offset listed at start (an empty topic: at once),
// the table is loaded: the job's streams start. A bounded job's table stops there; otherwise the source keeps
// applying the topic's updates, which the streams see as they come. Brokers that go away are ridden out as by a
// group's source, up to 'broker.unavailable.timeout'; nothing is committed.
func (in *input) runTable(ctx context.Context) error {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(in.seeds...),
		kgo.ConsumeTopics(in.topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		// The markers of transactions may be a partition's last offsets: reaching the end means reading them.
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(200*time.Millisecond),
		kgo.WithHooks(in.health),
		// Fetches report a topic that does not exist, so that a topic deleted under the job stops it.
		kgo.KeepRetryableFetchErrors(),
	)
	if err != nil {
		return err
	}
	defer func() {
		in.health.close()
		cl.Close()
	}()
	in.next = maps.Clone(in.starts)
	loaded := false
	for {
		if !loaded && in.reachedEnds() {
			loaded = true
			in.src.SetLoadProgress(in.loadProgress())
			if in.env.Bounded {
				return in.src.End()
			}
			in.src.Loaded()
		}
		if err := in.checkOutage(); err != nil {
			return err
		}
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fetches := cl.PollRecords(pctx, 50000)
		cancel()
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return nil
		}
		var ferr error
		fetches.EachError(func(_ string, p int32, err error) {
			if ferr == nil {
				ferr = in.fetchError(ctx, p, err)
			}
		})
		if ferr != nil {
			return ferr
		}
		if err := in.applyTable(fetches); err != nil {
			return err
		}
		if !loaded {
			in.src.SetLoadProgress(in.loadProgress())
		}
		if err := in.src.Tick(); err != nil {
			return err
		}
	}
}

// applyTable hands a batch of a table's records to the job. A bounded job reads only what the topic held when
// it started.
func (in *input) applyTable(fetches kgo.Fetches) error {
	var err error
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		end, listed := in.ends[p.Partition]
		for _, r := range p.Records {
			if err != nil || in.env.Bounded && (!listed || r.Offset >= end) {
				return
			}
			in.next[r.Partition] = r.Offset + 1
			if r.Attrs.IsControl() {
				continue
			}
			err = in.src.Record(r.Value, r.Key, r.Partition, r.Offset, r.Timestamp.UnixMilli())
		}
	})
	return err
}

// reachedEnds reports whether every partition has been read up to the end offset listed at start.
func (in *input) reachedEnds() bool {
	for p, end := range in.ends {
		if in.next[p] < end {
			return false
		}
	}
	return true
}

// loadProgress returns the offsets read of those between the start and end offsets listed at start.
func (in *input) loadProgress() (done, total int64) {
	for p, end := range in.ends {
		start := min(in.starts[p], end)
		total += end - start
		done += min(max(in.next[p], start), end) - start
	}
	return done, total
}
