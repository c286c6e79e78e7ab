// The baseline: a plain franz-go consume-and-produce loop, the ceiling any Kafka-to-Kafka job reaches here.

package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// passthrough copies every record of the input topic, key and value, to the output topic as one consumer group
// member: poll, produce asynchronously, stop at the end offsets recorded before it started, flush, commit the
// offsets it copied up to, leave the group. It does no decoding; its time is the cost of moving the bytes through
// Kafka on this machine.
//
// The producer is franz-go's default (idempotent, acks=all, 10ms linger) except for two settings: batches are
// uncompressed, as velocc's Kafka sink writes them by default (so both put the same bytes on the broker; on
// loopback, snappy measured no faster), and there is room for 100000 buffered records, so that a whole fetch is
// handed over without blocking. Records are allocated in one slice per fetched partition batch, not one by one.
func passthrough(ctx context.Context, r *runSpec) (runResult, error) {
	if r.profile != "" {
		stop, err := startProfile(r.profile)
		if err != nil {
			return runResult{}, err
		}
		defer stop()
	}
	began, cpu0 := time.Now(), cpuTime()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(r.seeds...),
		kgo.ConsumerGroup(r.group),
		kgo.ConsumeTopics(r.in),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(),
		kgo.DefaultProduceTopic(r.out),
		kgo.MaxBufferedRecords(100_000),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	)
	if err != nil {
		return runResult{}, err
	}
	closed := false
	defer func() {
		if !closed {
			cl.Close()
		}
	}()

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

	next := make(map[int32]int64, len(r.ends))
	done := func() bool {
		for p, end := range r.ends {
			if next[p] < end {
				return false
			}
		}
		return true
	}
	var copied int64
	for !done() {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return runResult{}, ctx.Err()
		}
		var ferr error
		fetches.EachError(func(topic string, p int32, err error) {
			if ferr == nil {
				ferr = fmt.Errorf("reading %q partition %d: %v", topic, p, err)
			}
		})
		if ferr != nil {
			return runResult{}, ferr
		}
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			in := p.Records
			end := r.ends[p.Partition]
			for len(in) > 0 && in[len(in)-1].Offset >= end {
				in = in[:len(in)-1] // past the end recorded at start: not part of this run
			}
			if len(in) == 0 {
				return
			}
			out := make([]kgo.Record, len(in))
			for i, rec := range in {
				out[i].Key, out[i].Value = rec.Key, rec.Value
				cl.Produce(ctx, &out[i], promise)
			}
			next[p.Partition] = in[len(in)-1].Offset + 1
			copied += int64(len(in))
			atomic.StoreInt64(&r.progress, copied)
		})
	}
	if err := cl.Flush(ctx); err != nil {
		return runResult{}, err
	}
	mu.Lock()
	err = perr
	mu.Unlock()
	if err != nil {
		return runResult{}, fmt.Errorf("producing to %q: %v", r.out, err)
	}
	// Commit what was copied: the polled offsets may lie past the end.
	commit := map[string]map[int32]kgo.EpochOffset{r.in: {}}
	for p, o := range next {
		commit[r.in][p] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	var cerr error
	cl.CommitOffsetsSync(ctx, commit, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			cerr = err
			return
		}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil && cerr == nil {
					cerr = fmt.Errorf("partition %d: %v", p.Partition, err)
				}
			}
		}
	})
	if cerr != nil {
		return runResult{}, fmt.Errorf("committing: %v", cerr)
	}
	cl.Close() // leaves the group, as a job does before it exits
	closed = true
	return runResult{elapsed: time.Since(began), cpu: cpuTime() - cpu0, read: copied, emitted: copied}, nil
}

// cpuTime returns the user and system CPU time this process has used. The passthrough runs in the benchmark's
// process, which is otherwise idle while it runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startProfile starts a CPU profile of this process written to path; the returned function stops it.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
