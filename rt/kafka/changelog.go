// Changelog topics: the state of a source's aggregations (rt.Changelog) kept in compacted topics, written in one
// Kafka transaction with the offsets it covers, and read back when the source gets partitions.

package kafka

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/velocc/velocc/rt"
)

// Records of a changelog topic besides the state's own (see rt.Changelog), by the tag byte that starts the key:
// the layout of the state (its value is rt.Changelog.Layout), and the input offset the partition's state covers
// (its value is the offset as a varint: every record before it is in the state).
const (
	tagLayout  = 'L'
	tagCovered = 'P'
)

// durable is the part of a source whose queries keep their state in changelog topics: the topics, and the
// transactional session through which the source reads its records and writes, in one transaction per commit,
// the state's changes and the offsets they cover.
type durable struct {
	logs    []rt.Changelog
	topics  []string // per log: its topic
	prefix  string   // topics are prefix + query + "-changelog"
	rf      int      // replication factor of the topics the job creates; -1: the brokers' default
	txnID   string
	timeout time.Duration // transaction.timeout.ms

	// eos: the job runs under the guarantee exactly_once: its sinks write through the session (see txnSink), in a
	// transaction that is open while records are processed (open), from the first record after a commit to the
	// next commit.
	eos  bool
	open bool

	sess    *kgo.GroupTransactSession
	covered map[int32]int64 // per assigned partition: the offset the changelogs last recorded as covered
	marked  map[int32]bool  // per assigned partition: the layout records were written since the assignment
}

// newDurable reads the changelog settings of a source whose state has changelogs, or of the source of a job under
// the guarantee exactly_once; nil for another.
func newDurable(in *input, logs []rt.Changelog) (*durable, error) {
	if len(logs) == 0 && !in.env.ExactlyOnce {
		return nil, nil
	}
	opts := in.src.Spec().Options
	d := &durable{logs: logs, prefix: opts["changelog.topic.prefix"], rf: -1, eos: in.env.ExactlyOnce}
	if d.prefix == "" {
		d.prefix = in.group + "-"
	}
	if v := opts["changelog.replication.factor"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 32767 {
			return nil, fmt.Errorf("changelog.replication.factor: want a whole number from 1 to 32767, got %q", v)
		}
		d.rf = n
	}
	var err error
	if d.timeout, err = duration(opts, "transaction.timeout.ms", 10*time.Second); err != nil {
		return nil, err
	}
	for _, l := range logs {
		d.topics = append(d.topics, d.prefix+l.Name()+"-changelog")
	}
	// A transactional id of the instance: the same after a restart with the same --instance-id, so that the new
	// session aborts what the killed one left open at once; otherwise one of its own, and a transaction left
	// open by a killed instance is aborted by the brokers after transaction.timeout.ms.
	id := firstOf(in.env.InstanceID, opts["group.instance.id"])
	if id == "" {
		var b [6]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	d.txnID = in.group + "-" + in.src.Spec().Name + "-" + id
	return d, nil
}

// connect creates the transactional session the source reads and commits through, with the group's options, and
// initializes its producer id at once: with the same --instance-id as before a restart, that aborts the
// transaction the killed instance left open, which would otherwise hold the changelogs' restore back until it timed
// out.
func (d *durable) connect(ctx context.Context, opts []kgo.Opt) (*kgo.Client, error) {
	d.covered, d.marked = map[int32]int64{}, map[int32]bool{}
	opts = append(slices.Clip(opts),
		kgo.TransactionalID(d.txnID),
		kgo.TransactionTimeout(d.timeout),
		kgo.RecordPartitioner(d.partitioner()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// A record that cannot be written fails its transaction rather than holding the job for ever: the next
		// session starts over from the last commit (see renew).
		kgo.RecordDeliveryTimeout(max(2*d.timeout, 30*time.Second)),
	)
	var err error
	if d.sess, err = kgo.NewGroupTransactSession(opts...); err != nil {
		return nil, err
	}
	cl := d.sess.Client()
	pctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if _, _, err = cl.ProducerID(pctx); err != nil {
		cl.Close()
		return nil, fmt.Errorf("initializing the transactional producer %q of the changelogs: %v", d.txnID, err)
	}
	d.open = false
	if d.eos {
		txnSink.Store(&txnProducer{cl: cl})
	}
	return cl, nil
}

// partitioner places the changelogs' records by their partition (the source's partition whose state they hold),
// and the sinks' rows as a sink's own producer does (by a hash of the key, as Kafka's clients do).
func (d *durable) partitioner() kgo.Partitioner {
	manual := map[string]bool{}
	for _, t := range d.topics {
		manual[t] = true
	}
	return splitPartitioner{manual: manual, rows: kgo.UniformBytesPartitioner(64<<10, true, true, nil),
		logs: kgo.ManualPartitioner()}
}

// splitPartitioner partitions the topics in manual with logs, the others with rows.
type splitPartitioner struct {
	manual     map[string]bool
	rows, logs kgo.Partitioner
}

func (p splitPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	if p.manual[topic] {
		return p.logs.ForTopic(topic)
	}
	return p.rows.ForTopic(topic)
}

// txnProducer is the transactional client the sinks of a job under the guarantee exactly_once write through
// (there is one: such a job has one Kafka stream), and whether a row of its open transaction failed.
type txnProducer struct {
	cl     *kgo.Client
	failed atomic.Bool
}

// txnSink is the job's txnProducer under the guarantee exactly_once; nil otherwise.
var txnSink atomic.Pointer[txnProducer]

// endTimeout bounds the end of a transaction: far longer than a working cluster takes, and than the transaction
// may stay open anyway.
func endTimeout(txn time.Duration) time.Duration { return max(4*txn, time.Minute) }

// brokenSession is the error of a transaction that failed in a way the session cannot recover from (the brokers
// were away longer than the transaction's timeout and aborted it, say): see renew.
type brokenSession struct{ err error }

func (b *brokenSession) Error() string { return b.err.Error() }
func (b *brokenSession) Unwrap() error { return b.err }

// renew replaces a broken transactional session by a new one with the same transactional id, which fences the old
// producer and aborts what it left open; the job's state is dropped and the new session's assignment restores it
// from the changelogs and the committed offsets. It gives up once the brokers have been away longer than
// 'broker.unavailable.timeout', like any source.
func (in *input) renew(ctx context.Context, opts []kgo.Opt, broken *brokenSession) (*kgo.Client, error) {
	in.src.Warnf("the transaction of kafka topic %q failed: %v; starting a new session from the last commit", in.topic, broken.err)
	in.cl.Close() // leaves the group: revoked drops the state
	in.mu.Lock()
	in.src.ResetState()
	in.assigned, in.next, in.kept = nil, nil, nil
	in.mu.Unlock()
	for attempt := 1; ; attempt++ {
		if err := in.checkOutage(); err != nil {
			return nil, err
		}
		cl, err := in.durable.connect(ctx, opts)
		if err == nil {
			in.cl = cl
			return cl, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		in.src.Warnf("%v; retrying", err)
		if !pause(ctx, min(time.Duration(attempt)*time.Second, 10*time.Second)) {
			return nil, ctx.Err()
		}
	}
}

// ensureTopics creates the changelog topics that do not exist, compacted, with the source topic's partition
// count, and checks the partition count of those that do.
func (d *durable) ensureTopics(ctx context.Context, adm *kadm.Client, partitions int32) error {
	if len(d.topics) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	md, err := adm.Metadata(ctx, d.topics...)
	if err != nil {
		return fmt.Errorf("listing the changelog topics: %v", err)
	}
	for _, topic := range d.topics {
		td, ok := md.Topics[topic]
		if ok && td.Err == nil {
			if n := int32(len(td.Partitions)); n != partitions {
				return fmt.Errorf("changelog topic %q has %d partitions, the source's topic %d: a changelog partition "+
					"holds the state of the source's partition of the same number; delete the topic (the state is "+
					"lost) or give the job another group", topic, n, partitions)
			}
			continue
		}
		if ok && !errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
			return fmt.Errorf("changelog topic %q: %v", topic, td.Err)
		}
		compact := "compact"
		configs := map[string]*string{"cleanup.policy": &compact}
		resp, err := adm.CreateTopic(ctx, partitions, int16(d.rf), configs, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("creating changelog topic %q: %v", topic, err)
		}
	}
	// A topic just created is not known to every broker at once: wait until each partition has a leader.
	for {
		md, err := adm.Metadata(ctx, d.topics...)
		if err == nil && topicsReady(md, d.topics, partitions) {
			return nil
		}
		if !pause(ctx, 100*time.Millisecond) {
			return fmt.Errorf("the changelog topics %v have no leaders after %v: %v", d.topics, startTimeout, err)
		}
	}
}

// topicsReady reports whether md shows every topic with n partitions, each with a leader.
func topicsReady(md kadm.Metadata, topics []string, n int32) bool {
	for _, t := range topics {
		td, ok := md.Topics[t]
		if !ok || td.Err != nil || int32(len(td.Partitions)) != n {
			return false
		}
		for _, p := range td.Partitions {
			if p.Err != nil || p.Leader < 0 {
				return false
			}
		}
	}
	return true
}

// restore reads the changelogs' partitions parts from their start to their end and loads the state they hold,
// after the source's state was reset and the group's committed offsets loaded. A changelog partition also says which input offset its state covers: the records between the
// committed offset and that one, which the source replays for other state, are skipped by the restored state. A
// transaction the changelog was left with by an instance that died is waited for: its end (an abort, at the
// latest after transaction.timeout.ms) is the partition's end.
func (in *input) restore(ctx context.Context, parts []int32) error {
	d := in.durable
	if len(parts) == 0 {
		return nil
	}
	adm := kadm.NewClient(in.admin)
	for i, topic := range d.topics {
		l := d.logs[i]
		began := time.Now()
		var err error
		var starts, ends kadm.ListedOffsets
		for attempt := 1; ; attempt++ {
			if starts, ends, err = listOffsets(ctx, adm, topic); err == nil {
				break
			}
			if fatal(err) || !pause(ctx, min(time.Duration(attempt)*250*time.Millisecond, 5*time.Second)) {
				return fmt.Errorf("listing the offsets of changelog topic %q: %w", topic, err)
			}
		}
		at := map[int32]kgo.Offset{}
		last := map[int32]int64{} // per partition: the last offset to read
		var total int64
		for _, p := range parts {
			s, _ := starts.Lookup(topic, p)
			e, _ := ends.Lookup(topic, p)
			if e.Offset > s.Offset {
				at[p] = kgo.NewOffset().At(s.Offset)
				last[p] = e.Offset - 1
				total += e.Offset - s.Offset
			}
		}
		latest := &logKeys{index: map[string]int{}}
		covered, layouts := map[int32]int64{}, map[int32]string{}
		var read int64
		if len(at) > 0 {
			if read, err = in.readChangelog(ctx, topic, at, last, total, latest, covered, layouts); err != nil {
				return err
			}
		}
		for _, p := range slices.Sorted(maps.Keys(layouts)) {
			if v := layouts[p]; v != l.Layout() {
				return &badChangelog{fmt.Errorf("changelog topic %q partition %d holds the state of another version of query %s "+
					"(its groups are %s; this job's are %s): the query changed since the state was written; delete "+
					"the topic and the group's offsets to rebuild the state from the input, or give the job another "+
					"group", topic, p, l.Name(), v, l.Layout())}
			}
		}
		groups := 0
		for _, r := range latest.sorted() {
			if r.value == nil {
				continue
			}
			if err := l.Load(r.part, []byte(r.key), r.value); err != nil {
				return &badChangelog{fmt.Errorf("changelog topic %q partition %d offset %d: %v", topic, r.part, r.offset, err)}
			}
			groups++
		}
		for _, p := range parts {
			c, ok := covered[p]
			o, reading := in.committed[p]
			n := o.At
			switch {
			case ok:
				l.Covers(p, c)
				if reading && c < n {
					in.src.Warnf("the state of query %s in changelog topic %q covers partition %d of kafka topic %q "+
						"up to offset %d, but the group %q committed offset %d: the records between are missing "+
						"from it (was the changelog topic deleted or its records expired?)", l.Name(), topic, p,
						in.topic, c, in.group, n)
				}
			case reading:
				in.src.Warnf("changelog topic %q holds no state of query %s for partition %d of kafka topic %q, but "+
					"the group %q committed offset %d there: the query's state starts empty, without the records "+
					"before it (was the job started before without changelogs, or the topic deleted?)", topic,
					l.Name(), p, in.topic, in.group, n)
			}
		}
		if read > 0 {
			in.src.Logf("restored %d groups of query %s from changelog topic %q (%d records) in %v", groups, l.Name(),
				topic, read, time.Since(began).Round(time.Millisecond))
		}
	}
	return nil
}

// badChangelog is the error of a changelog the job cannot restore its state from, which no retry fixes: the
// job stops with it (see input.failed).
type badChangelog struct{ err error }

func (b *badChangelog) Error() string { return b.err.Error() }
func (b *badChangelog) Unwrap() error { return b.err }

// logRecord is the latest record of one key of a changelog.
type logRecord struct {
	key    string
	part   int32
	first  int64  // the offset of the key's first record: the order groups are restored in
	offset int64  // the offset of the latest
	value  []byte // nil: a tombstone
}

// logKeys holds the latest record of each key of a changelog.
type logKeys struct {
	index map[string]int // key → its record in recs
	recs  []logRecord
}

// add keeps r as the latest record of its key.
func (l *logKeys) add(r *kgo.Record) {
	if i, ok := l.index[string(r.Key)]; ok {
		l.recs[i].part, l.recs[i].offset, l.recs[i].value = r.Partition, r.Offset, r.Value
		return
	}
	l.index[string(r.Key)] = len(l.recs)
	l.recs = append(l.recs, logRecord{key: string(r.Key), part: r.Partition, first: r.Offset, offset: r.Offset,
		value: r.Value})
}

// sorted returns the records by partition and by the offset their key was first written at, so that the restored
// groups come back in the order they were first written, whatever order the partitions were fetched in.
func (l *logKeys) sorted() []logRecord {
	slices.SortFunc(l.recs, func(a, b logRecord) int {
		if a.part != b.part {
			return int(a.part - b.part)
		}
		return cmp.Compare(a.first, b.first)
	})
	return l.recs
}

// readChangelog reads topic's partitions from at up to and including the offsets in last, committed records only,
// keeping each key's latest record in latest, and per partition the offset its state covers in covered and the
// layout of its state in layouts. It shows its
// progress every few seconds and returns the records read.
func (in *input) readChangelog(ctx context.Context, topic string, at map[int32]kgo.Offset, last map[int32]int64,
	total int64, latest *logKeys, covered map[int32]int64, layouts map[int32]string) (int64, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(in.seeds...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: at}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// The markers of transactions are a changelog partition's last offsets: reaching the end means reading them.
		kgo.KeepControlRecords(),
		kgo.FetchMaxWait(200*time.Millisecond),
		kgo.FetchMaxBytes(64<<20),
	)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	var read int64
	shown := time.Now()
	pending := maps.Clone(last)
	for len(pending) > 0 {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return read, ctx.Err()
		}
		var ferr error
		fetches.EachError(func(_ string, p int32, err error) {
			if ferr == nil {
				ferr = fmt.Errorf("reading changelog topic %q partition %d: %w", topic, p, err)
			}
		})
		if ferr != nil {
			return read, ferr
		}
		fetches.EachRecord(func(r *kgo.Record) {
			if end, ok := pending[r.Partition]; ok && r.Offset >= end {
				delete(pending, r.Partition)
			}
			read++
			if r.Attrs.IsControl() || len(r.Key) == 0 {
				return
			}
			switch r.Key[0] {
			case tagCovered:
				if v, n := binary.Varint(r.Value); n > 0 {
					covered[r.Partition] = v
				}
			case tagLayout:
				layouts[r.Partition] = string(r.Value)
			default:
				latest.add(r)
			}
		})
		if time.Since(shown) >= 2*time.Second && total > 0 {
			shown = time.Now()
			in.src.Logf("restoring state from changelog topic %q: %d of %d records (%d%%)", topic, read, total,
				read*100/total)
		}
	}
	return read, nil
}

// rewind puts the source back where its last commit left it, after the brokers aborted a transaction (the
// session then moves the client's fetch positions back to the committed offsets): the state is reset and restored
// from the changelogs, and reading resumes at the committed offsets. Partitions without a commit start over from
// where their assignment started.
func (in *input) rewind(ctx context.Context) error {
	in.aborts++
	if in.aborts <= 3 || in.aborts%100 == 0 {
		in.src.Logf("a transaction of the changelogs of kafka topic %q was aborted (%d so far); going on from the last commit",
			in.topic, in.aborts)
	}
	in.src.ResetState()
	if in.next == nil {
		in.next = map[int32]int64{}
	}
	to := map[int32]kgo.EpochOffset{}
	for p := range in.assigned {
		at, ok := in.startAt[p]
		if c, committed := in.committed[p]; committed {
			at, ok = c.At, true
			in.src.Restore(p, c.Metadata)
		}
		if ok {
			to[p] = kgo.EpochOffset{Epoch: -1, Offset: at}
			in.next[p] = at
		}
		// Which partitions have records waiting, as the last batches said: the watermark follows those.
		in.lag.mu.Lock()
		l, known := in.lag.parts[p]
		in.lag.mu.Unlock()
		in.src.SetIdle(p, known && ok && at >= l.End)
	}
	in.cl.SetOffsets(map[string]map[int32]kgo.EpochOffset{in.topic: to})
	clear(in.durable.marked)
	if err := in.restore(ctx, slices.Sorted(maps.Keys(in.assigned))); err != nil {
		var bad *badChangelog
		if errors.As(err, &bad) {
			return err
		}
		return &brokenSession{err}
	}
	return nil
}

// begin opens the session's transaction, unless it is open.
func (d *durable) begin() error {
	if d.open {
		return nil
	}
	if err := d.sess.Begin(); err != nil {
		return &brokenSession{fmt.Errorf("beginning a transaction: %v", err)}
	}
	d.open = true
	return nil
}

// produceChanges writes, inside the session's open transaction, the changes of every changelog, the layout
// records of partitions that have none since the assignment, and the input offsets covered (next: every record
// before it is in the state), for the partitions whose offset moved.
func (in *input) produceChanges(ctx context.Context, next map[int32]int64) {
	d := in.durable
	produce := func(topic string, part int32, key, value []byte) {
		d.sess.Produce(ctx, &kgo.Record{Topic: topic, Partition: part, Key: key, Value: value}, nil)
	}
	for i, l := range d.logs {
		topic := d.topics[i]
		for p := range in.assigned {
			if !d.marked[p] {
				produce(topic, p, []byte{tagLayout}, []byte(l.Layout()))
			}
		}
		l.Changes(func(part int32, key, value []byte) { produce(topic, part, key, value) })
		for p, o := range next {
			if c, ok := d.covered[p]; !ok || c != o {
				produce(topic, p, []byte{tagCovered}, binary.AppendVarint(nil, o))
			}
		}
	}
	for p := range in.assigned {
		d.marked[p] = true
	}
}

// commitTxn is commit for a source with changelogs, called with in.mu held: it flushes the sinks (at-least-once: their rows are not part
// of the transaction), then writes the changelogs' changes and commits the offsets in one transaction, so that
// the state a restart restores is exactly the state of the records before the committed offsets. A transaction
// the brokers abort (the group rebalanced meanwhile, say) leaves the offsets where they were: the state's
// changes are listed again by the next commit, unless the rebalance dropped the state.
func (in *input) commitTxn(ctx context.Context) error {
	in.lastCommit = time.Now()
	if in.cl == nil || len(in.assigned) == 0 {
		return nil
	}
	if err := in.src.Flush(ctx); err != nil {
		return err
	}
	d := in.durable
	offsets := in.offsetsToCommit()
	next := map[int32]int64{}
	for p := range in.assigned {
		if o, ok := in.next[p]; ok {
			next[p] = o
		}
	}
	if err := d.begin(); err != nil {
		return err
	}
	in.produceChanges(ctx, next)
	// A deadline for a transaction that cannot end (the group cannot be reached to confirm the member is still in
	// it, say): the session is then replaced by a new one (renew), since ending a transaction midway leaves the
	// client unusable.
	cctx, cancel := context.WithTimeout(ctx, endTimeout(d.timeout))
	defer cancel()
	// The session commits the offsets the client polled; this sets them to what the job commits: held back for
	// state that replays, with the state's checkpoint as metadata.
	// (A partition the client polled nothing of since the last commit keeps its committed offset until it does.)
	cctx = kgo.PreTxnCommitFnContext(cctx, func(req *kmsg.TxnOffsetCommitRequest) error {
		var keep []kmsg.TxnOffsetCommitRequestTopic
		for _, t := range req.Topics {
			if t.Topic != in.topic {
				continue
			}
			t.Partitions = t.Partitions[:0]
			for _, p := range slices.Sorted(maps.Keys(offsets)) {
				o := offsets[p]
				rp := kmsg.NewTxnOffsetCommitRequestTopicPartition()
				rp.Partition, rp.Offset, rp.LeaderEpoch = p, o.At, -1
				meta := o.Metadata
				rp.Metadata = &meta
				t.Partitions = append(t.Partitions, rp)
			}
			if len(t.Partitions) > 0 {
				keep = append(keep, t)
			}
		}
		req.Topics = keep
		return nil
	})
	started := in.lastCommit
	// The group's callbacks take in.mu, and the session's wrappers of them hold a lock End needs: a session lost
	// while End waits would deadlock if in.mu were held. The state is not touched meanwhile but by them.
	// End confirms with a heartbeat that the member is still in the group, which a group rejoining after a failed
	// session cannot answer until the rebalance it blocks is allowed: a rebalance may run now, and if it does, the
	// session aborts the transaction (and the next assignment restores the state).
	try := kgo.TryCommit
	if tp := txnSink.Load(); tp != nil && tp.failed.Swap(false) {
		try = kgo.TryAbort // a row of the transaction was not written
	}
	in.mu.Unlock()
	in.cl.AllowRebalance()
	committed, err := d.sess.End(cctx, try)
	in.mu.Lock()
	d.open = false
	if err != nil {
		return &brokenSession{err}
	}
	if !committed {
		return in.rewind(ctx)
	}
	for _, l := range d.logs {
		l.Committed()
	}
	for p, o := range offsets {
		in.committed[p] = o
	}
	maps.Copy(d.covered, next)
	in.commitErr = nil
	in.src.ObserveCommit(time.Since(started))
	return nil
}
