// Kafka sources: a consumer group member that hands records to the job and commits offsets only for what is
// safely written.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/velocc/velocc/rt"
)

// input is one Kafka source: a consumer group member, or for a table's source (table.go) a consumer of every
// partition without a group.
type input struct {
	src        *rt.Source
	env        *rt.Env
	table      bool // the source feeds a table: read whole, without a group (table.go)
	topic      string
	partitions int32  // the topic's partition count at start
	group      string // "" for a table
	seeds      []string
	reset      kgo.Offset
	latest     bool
	every      time.Duration // commit interval
	wait       time.Duration // topic.wait.timeout: how long to wait for a missing topic
	retry      time.Duration // topic.retry.interval
	giveUp     time.Duration // broker.unavailable.timeout: how long to go on without brokers; 0: for ever
	opts       []kgo.Opt     // extra group settings: static membership, session timeout

	admin *kgo.Client  // metadata and offsets, outside the group
	cl    *kgo.Client  // the group member, created by Run
	lanes []*rt.Source // the source's lanes, when its job keeps no state (see UseLanes)
	// durable is set when queries of the source keep their state in changelog topics (changelog.go): the source
	// then reads and commits through a transactional session.
	durable *durable
	startAt map[int32]int64 // where reading each assigned partition started (durable: see rewind)
	aborts  int             // transactions the brokers aborted (durable)
	failed  error           // an assignment met a changelog the state cannot be restored from: the job stops
	health  *health         // whether the brokers answer; both clients report to it

	// mu serializes record processing with the group's callbacks, which run on franz-go's goroutines.
	mu           sync.Mutex
	assigned     map[int32]bool
	next         map[int32]int64 // per assigned partition: the offset of the next record to process
	ends         map[int32]int64 // --bounded, and tables: the end offsets recorded at start
	starts       map[int32]int64 // tables: the start offsets recorded at start
	committed    map[int32]kadm.Offset
	tried        map[int32]kadm.Offset // commits sent since the assignment, whether or not the broker confirmed them
	lastCommit   time.Time
	commitErr    error // the last commit's failure; nil after a commit that succeeded
	commitLogged bool  // commitErr's streak of failures was logged
	ended        bool  // --bounded: the end was reached and the job's end handlers ran

	// After the group session failed (see lost), kept holds the partitions whose state the job still has, until
	// the next assignment decides whether it can go on with it; lostAt is when the session failed.
	kept      map[int32]bool
	lostAt    time.Time
	lostErr   error     // why the session failed, once logged
	goneSince time.Time // when the brokers first said the topic no longer exists (see topicGone)

	lag    lags        // per assigned partition, how far behind its end the job reads (lag.go)
	joined atomic.Bool // the group has assigned partitions once (lag.go)
}

func newInput(s *rt.Source, uri string, env *rt.Env) (*input, error) {
	spec := s.Spec()
	opts := spec.Options
	topic, err := topicOf(uri)
	if err != nil {
		return nil, err
	}
	in := &input{src: s, env: env, topic: topic, seeds: brokers(env, opts), table: spec.Table}
	if err := in.faultSettings(opts); err != nil {
		return nil, err
	}
	if in.table {
		return in, nil // no group, no commits: the group's settings do not apply
	}
	in.group = env.Group
	if in.group == "" {
		in.group = opts["group.id"]
	}
	if in.group == "" {
		in.group = "velocc-" + env.Job.Name
	}
	reset := env.OffsetReset
	if reset == "" {
		reset = opts["auto.offset.reset"]
	}
	switch reset {
	case "", "earliest", "smallest", "beginning":
		in.reset = kgo.NewOffset().AtStart()
	case "latest", "largest", "end":
		in.reset, in.latest = kgo.NewOffset().AtEnd(), true
	default:
		return nil, fmt.Errorf("auto.offset.reset: want earliest or latest, got %q", reset)
	}
	if in.every, err = duration(opts, "commit.interval", time.Second); err != nil {
		return nil, err
	}
	if in.every <= 0 {
		in.every = time.Second
	}
	if id := firstOf(env.InstanceID, opts["group.instance.id"]); id != "" {
		// Static membership: a restarted instance takes its partitions back without a rebalance. The consumers of
		// a job's streams are members of one group each, so each needs an id of its own.
		if streams(env.Job) > 1 {
			id += "-" + spec.Name
		}
		in.opts = append(in.opts, kgo.InstanceID(id))
	}
	for key, opt := range map[string]func(time.Duration) kgo.GroupOpt{
		"session.timeout.ms":    kgo.SessionTimeout,
		"heartbeat.interval.ms": kgo.HeartbeatInterval,
	} {
		if _, ok := opts[key]; ok {
			d, err := duration(opts, key, 0)
			if err != nil {
				return nil, err
			}
			in.opts = append(in.opts, opt(d))
		}
	}
	return in, nil
}

// faultSettings reads the settings of groups and tables alike: how long to wait for a missing topic, and for
// brokers that are away.
func (in *input) faultSettings(opts map[string]string) error {
	var err error
	if in.wait, err = duration(opts, "topic.wait.timeout", 0); err != nil {
		return err
	}
	if in.retry, err = duration(opts, "topic.retry.interval", 5*time.Second); err != nil {
		return err
	}
	if in.retry <= 0 {
		in.retry = time.Second
	}
	if in.giveUp, err = duration(opts, "broker.unavailable.timeout", 0); err != nil {
		return err
	}
	in.health = newHealth(in.src.Logf, in.src.Warnf)
	return nil
}

// Start connects, waits for the topic if the job allows it, and records the end offsets for --bounded (and a
// table's start and end offsets: see table.go).
func (in *input) Start(ctx context.Context) error {
	var err error
	// Metadata is cached for less than franz-go's default 5 s: the changelog topics a job creates are waited for.
	in.admin, err = kgo.NewClient(kgo.SeedBrokers(in.seeds...), kgo.WithHooks(in.health),
		kgo.MetadataMinAge(250*time.Millisecond))
	if err != nil {
		return err
	}
	adm := kadm.NewClient(in.admin)
	deadline := time.Now().Add(in.wait)
	for attempt := 1; ; attempt++ {
		n, err := in.partitionCount(ctx, adm)
		if err == nil && n > 0 {
			if !in.table {
				// A table's partitioning says nothing about the job's output: sinks follow the streams.
				in.src.SetPartitionCount(n)
				in.partitions = n
			}
			break
		}
		if err == nil {
			err = fmt.Errorf("topic %q does not exist", in.topic)
			if in.wait == 0 {
				return fmt.Errorf("%v on %s; create it, or set 'topic.wait.timeout' to wait for it", err, in.brokerList())
			}
		}
		if in.wait == 0 || time.Now().After(deadline) {
			if in.wait > 0 {
				return fmt.Errorf("%v after waiting %s (topic.wait.timeout)", err, in.wait)
			}
			return err
		}
		in.src.Logf("waiting for kafka topic %q (attempt %d): %v; retrying in %s", in.topic, attempt, err, in.retry)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(in.retry):
		}
	}
	if in.table {
		return in.listTable(ctx, adm)
	}
	if in.env.Bounded {
		ends, err := adm.ListEndOffsets(ctx, in.topic)
		if err == nil {
			err = ends.Error()
		}
		if err != nil {
			return fmt.Errorf("listing the end offsets of topic %q: %v", in.topic, err)
		}
		in.ends = map[int32]int64{}
		ends.Each(func(o kadm.ListedOffset) { in.ends[o.Partition] = o.Offset })
	}
	return nil
}

// partitionCount returns the topic's partition count, 0 if it does not exist, or an error if the brokers do not
// answer in time: within 30 seconds, or 'broker.unavailable.timeout' when that is longer (a job started while
// its cluster is down then waits for it as long as a running one would).
func (in *input) partitionCount(ctx context.Context, adm *kadm.Client) (int32, error) {
	ctx, cancel := context.WithTimeout(ctx, max(startTimeout, in.giveUp))
	defer cancel()
	md, err := adm.Metadata(ctx, in.topic)
	for err != nil && !fatal(err) && pause(ctx, time.Second) {
		md, err = adm.Metadata(ctx, in.topic)
	}
	if err != nil {
		return 0, fmt.Errorf("cannot reach Kafka at %s: %v", in.brokerList(), err)
	}
	td, ok := md.Topics[in.topic]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return 0, nil
	}
	if td.Err != nil {
		return 0, fmt.Errorf("topic %q: %v", in.topic, td.Err)
	}
	return int32(len(td.Partitions)), nil
}

// pause waits for d, and reports false if ctx ends first.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (in *input) brokerList() string {
	if len(in.seeds) == 1 {
		return in.seeds[0]
	}
	return fmt.Sprint(in.seeds)
}

// Run consumes until the end offsets (bounded) or until ctx is cancelled. It rides out brokers that go away:
// the client retries with backoff, the job keeps its state, and reading resumes where it stopped once the
// brokers are back (see faults.go). It gives up after 'broker.unavailable.timeout', or on an error no retry fixes.
func (in *input) Run(ctx context.Context) error {
	if in.table {
		return in.runTable(ctx)
	}
	var err error
	if in.durable, err = newDurable(in, in.src.Changelogs()); err != nil {
		return err
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(in.seeds...),
		kgo.ConsumerGroup(in.group),
		kgo.ConsumeTopics(in.topic),
		kgo.ConsumeResetOffset(in.reset),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		// An eager balancer: every rebalance revokes all partitions, and the state of all of them is rebuilt
		// from the committed offsets (see revoked).
		kgo.Balancers(kgo.RangeBalancer()),
		kgo.AdjustFetchOffsetsFn(in.assign),
		kgo.OnPartitionsRevoked(in.revoked),
		kgo.OnPartitionsLost(in.lost),
		kgo.FetchMaxWait(200 * time.Millisecond),
		kgo.WithHooks(in.health),
		// Fetches report a topic that does not exist, so that a topic deleted under the job stops it (see
		// fetchError); the other retryable errors are left to the client.
		kgo.KeepRetryableFetchErrors(),
	}
	opts = append(opts, in.opts...)
	var cl *kgo.Client
	if d := in.durable; d != nil {
		if err := d.ensureTopics(ctx, kadm.NewClient(in.admin), in.partitions); err != nil {
			return err
		}
		if cl, err = d.connect(ctx, opts); err != nil {
			return err
		}
	} else if cl, err = kgo.NewClient(opts...); err != nil {
		return err
	}
	in.cl = cl
	defer func() {
		in.health.close()
		in.cl.Close()
	}()
	in.lastCommit = time.Now()
	finished := false
	for !finished {
		if err := in.checkOutage(); err != nil {
			return err
		}
		in.mu.Lock()
		failed := in.failed
		in.mu.Unlock()
		if failed != nil {
			return failed
		}
		pctx, cancel := context.WithTimeout(ctx, in.every)
		fetches := cl.PollRecords(pctx, 50000)
		cancel()
		if ctx.Err() != nil || fetches.IsClientClosed() {
			cl.AllowRebalance()
			break
		}
		var ferr error
		fetches.EachError(func(_ string, p int32, err error) {
			if ferr == nil {
				ferr = in.fetchError(ctx, p, err)
			}
		})
		if ferr != nil {
			cl.AllowRebalance()
			return ferr
		}
		in.mu.Lock()
		var err error
		if d := in.durable; d != nil && d.eos {
			// The rows of these records, and of the ticks and the end that follow them, go into the transaction of
			// the next commit (one that writes nothing costs no request).
			err = d.begin()
		}
		if err == nil {
			err = in.process(fetches)
		}
		if err == nil && in.env.Bounded && in.done() {
			finished = true
			if err = in.src.End(); err == nil {
				in.ended = true // every result is emitted: the state holds nothing back
			}
		}
		var bad *badRecord
		if errors.As(err, &bad) {
			err = in.stopAt(bad)
		} else if err == nil && (finished || time.Since(in.lastCommit) >= in.every) {
			err = in.commit(context.Background())
		}
		in.mu.Unlock()
		cl.AllowRebalance()
		var broken *brokenSession
		if errors.As(err, &broken) {
			// The transactional session cannot go on: a new one takes over from the last commit.
			if cl, err = in.renew(ctx, opts, broken); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	if finished {
		return nil
	}
	// Stopped: write what was emitted and commit what it covers; open windows are replayed by the next run.
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.commit(context.Background())
}

// badRecord is a record the job stopped at, under on.error=fail: err wraps its *rt.RecordError.
type badRecord struct {
	partition int32
	offset    int64
	err       error
}

func (b *badRecord) Error() string { return b.err.Error() }
func (b *badRecord) Unwrap() error { return b.err }

// handed wraps the error of the job's handler for record r: a bad record (see badRecord), or a fatal error as it
// is.
func handed(r *kgo.Record, err error) error {
	var re *rt.RecordError
	if errors.As(err, &re) {
		return &badRecord{partition: r.Partition, offset: r.Offset, err: err}
	}
	return err
}

// process hands a batch of records to the job, partition by partition, then marks the partitions that caught up
// with their end as idle and lets the job's watermarks move. On an error, the offsets of the records handed
// before it are noted, so that they can be committed.
func (in *input) process(fetches kgo.Fetches) error {
	if len(in.lanes) > 1 {
		return in.processLanes(fetches)
	}
	var err error
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		if err != nil || !in.assigned[p.Partition] {
			return
		}
		for _, r := range p.Records {
			if err = in.src.Record(r.Value, r.Key, r.Partition, r.Offset, r.Timestamp.UnixMilli()); err != nil {
				err = handed(r, err)
				return
			}
			in.next[r.Partition] = r.Offset + 1
		}
		in.src.SetIdle(p.Partition, in.next[p.Partition] >= p.HighWatermark)
		in.lag.note(p.Partition, in.next[p.Partition], p.HighWatermark)
	})
	if err != nil {
		return err
	}
	return in.src.Tick()
}

// UseLanes lets the source's stateless job take records on several goroutines: see processLanes.
func (in *input) UseLanes(lanes []*rt.Source) { in.lanes = lanes }

// processLanes hands a batch to the job on one goroutine per lane: each takes the next partition of the batch
// and hands its records over in order, so a partition's records keep their order within the batch, and the next
// batch starts when this one is done. After an error the lanes take no more partitions; the partitions they
// finished, and the records before the error, count as handed.
func (in *input) processLanes(fetches kgo.Fetches) error {
	var parts []kgo.FetchTopicPartition
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		if in.assigned[p.Partition] {
			parts = append(parts, p)
		}
	})
	var (
		next    atomic.Int64
		first   atomic.Pointer[error]
		wg      sync.WaitGroup
		handedN = make([]int, len(parts)) // per part: how many of its records the job took
	)
	for _, lane := range in.lanes[:min(len(in.lanes), len(parts))] {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(parts) || first.Load() != nil {
					return
				}
				for j, r := range parts[i].Records {
					if err := lane.Record(r.Value, r.Key, r.Partition, r.Offset, r.Timestamp.UnixMilli()); err != nil {
						err = handed(r, err)
						first.CompareAndSwap(nil, &err)
						handedN[i] = j
						return
					}
				}
				handedN[i] = len(parts[i].Records)
			}
		})
	}
	wg.Wait()
	for i, p := range parts {
		if n := handedN[i]; n > 0 {
			in.next[p.Partition] = p.Records[n-1].Offset + 1
		}
		if n := handedN[i]; n == len(p.Records) {
			in.src.SetIdle(p.Partition, in.next[p.Partition] >= p.HighWatermark)
		}
		in.lag.note(p.Partition, in.next[p.Partition], p.HighWatermark)
	}
	if err := first.Load(); err != nil {
		return *err
	}
	return in.src.Tick()
}

// done reports whether every assigned partition has reached the end offset recorded at start.
func (in *input) done() bool {
	if len(in.assigned) == 0 {
		return false
	}
	for p := range in.assigned {
		if in.next[p] < in.ends[p] {
			return false
		}
	}
	return true
}

// commitTimeout bounds one commit request: a commit that fails is retried by the next one anyway.
const commitTimeout = 15 * time.Second

// commit flushes every sink of the job until the broker acknowledges it, then commits, per assigned partition,
// the next offset to process, held back to the oldest record still in the job's state, with the state's
// checkpoint as metadata. Only a failed flush is an error: a failed commit is logged once (until one succeeds)
// and kept in commitErr; the next commit covers it, and a restart at worst replays more. Without partitions
// (between a failed group session and the next assignment) there is nothing to commit, and the flush waits for
// the next commit.
func (in *input) commit(ctx context.Context) error {
	in.lastCommit = time.Now()
	if in.cl == nil || len(in.assigned) == 0 {
		return nil
	}
	if in.durable != nil {
		return in.commitTxn(ctx)
	}
	if err := in.src.Flush(ctx); err != nil {
		return err
	}
	offsets := in.offsetsToCommit()
	if len(offsets) == 0 {
		return nil
	}
	commit := map[string]map[int32]kgo.EpochOffset{in.topic: {}}
	for p, o := range offsets {
		commit[in.topic][p] = kgo.EpochOffset{Epoch: -1, Offset: o.At}
		in.tried[p] = o
	}
	cctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	cctx = kgo.PreCommitFnContext(cctx, func(req *kmsg.OffsetCommitRequest) error {
		for i := range req.Topics {
			for j := range req.Topics[i].Partitions {
				rp := &req.Topics[i].Partitions[j]
				meta := offsets[rp.Partition].Metadata
				rp.Metadata = &meta
			}
		}
		return nil
	})
	var cerr error
	started := in.lastCommit
	in.cl.CommitOffsetsSync(cctx, commit, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
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
		// Logged once, unless the brokers are away, which health has logged.
		if since, _ := in.health.outage(); in.commitErr == nil && since.IsZero() {
			in.src.Warnf("committing offsets of kafka topic %q failed: %v; the next commit retries", in.topic, cerr)
			in.commitLogged = true
		}
		in.commitErr = cerr
		return nil
	}
	if in.commitLogged {
		in.src.Logf("committing offsets of kafka topic %q works again", in.topic)
	}
	in.commitErr, in.commitLogged = nil, false
	for p, o := range offsets {
		in.committed[p] = o
	}
	in.src.ObserveCommit(time.Since(started))
	return nil
}

// offsetsToCommit returns, per assigned partition whose commit would change, the next offset to process, held
// back to the oldest record still in the job's state, with the state's checkpoint as metadata.
func (in *input) offsetsToCommit() map[int32]kadm.Offset {
	offsets := map[int32]kadm.Offset{}
	for p := range in.assigned {
		next, ok := in.next[p]
		if !ok {
			continue
		}
		if h, held := in.src.Held(p); held && h < next && !in.ended {
			next = h
		}
		o := kadm.Offset{Topic: in.topic, Partition: p, At: next, LeaderEpoch: -1, Metadata: in.src.Checkpoint(p)}
		if c, ok := in.committed[p]; ok && c.At == o.At && c.Metadata == o.Metadata {
			continue
		}
		offsets[p] = o
	}
	return offsets
}

// Close releases the clients.
func (in *input) Close() error {
	in.health.close()
	if in.admin != nil {
		in.admin.Close()
	}
	return nil
}

// partList words partitions for a log line: "0-2, 5".
func partList(ps []int32) string {
	var b []byte
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(ps[i]), 10)
		if j > i {
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(ps[j]), 10)
		}
		i = j + 1
	}
	return string(b)
}

// streams counts the job's sources that are not tables: each reads with a group member of its own.
func streams(j *rt.Job) int {
	n := 0
	for _, s := range j.Sources {
		if !s.Table {
			n++
		}
	}
	return n
}
