// Kafka sinks: rows as messages through an idempotent producer that retries until 'delivery.timeout.ms'; rows
// still not delivered then are sent again with backoff, behind a circuit breaker (circuit.go), and never dropped.

package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/velocc/velocc/rt"
)

// output is one Kafka sink.
type output struct {
	spec    rt.SinkSpec
	env     *rt.Env
	topic   string
	seeds   []string
	opts    []kgo.Opt
	create  bool
	parts   int32 // partitions of a topic the sink creates; -1: the source's count, else the broker's default
	repl    int16
	headers []kgo.RecordHeader
	timeout time.Duration // delivery.timeout.ms
	health  *health
	circuit *circuit

	cl *kgo.Client

	// stopped is the job's stop signal (the context Start gets): Write and Flush, when they wait for failed rows
	// to be delivered, give up then.
	stopped context.Context

	slab []byte
	recs []kgo.Record // records not handed out yet; the producer holds the rest until they are acknowledged

	clock atomic.Int64 // the time in epoch milliseconds, the timestamp of messages; a ticker keeps it current
	stop  chan struct{}
	kick  chan struct{} // wakes retry up after a failure

	// Records are produced under the current attempt's context, which watch cancels when the brokers have been
	// away for 'delivery.timeout.ms'.
	attempt atomic.Pointer[attempt]

	// blocked is set from a failed delivery until every row that failed is delivered: Write waits meanwhile.
	blocked atomic.Bool

	written, acked, errs, retries atomic.Int64 // messages written, acknowledged, failed attempts, messages resent

	mu      sync.Mutex
	resume  chan struct{} // closed when blocked clears
	pending []*kgo.Record // failed rows, in the order the producer reported them: per partition, the order written
	cause   error         // why the attempt under way failed
	last    error         // why the last attempt failed
	err     error         // the sink gave up on its rows: the job stops
	closing bool          // Close has begun: failures say nothing more

	done func(*kgo.Record, error)
}

// attempt is one round of producing: the rows written while the sink works, or the failed rows sent again.
type attempt struct {
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time
}

// recordSlab is how many records are allocated at once: an allocation per message is measurable.
const recordSlab = 256

// slabSize is the size of the blocks message bytes are copied into: the producer keeps a message until the
// broker acknowledges it, and one allocation per block is cheaper than one per message.
const slabSize = 1 << 20

func newOutput(spec rt.SinkSpec, uri string, env *rt.Env) (*output, error) {
	topic, err := topicOf(uri)
	if err != nil {
		return nil, err
	}
	opts := spec.Options
	o := &output{spec: spec, env: env, topic: topic, seeds: brokers(env, opts), create: true, parts: -1, repl: -1}
	o.health = newHealth(o.logf, o.warnf)
	// The producer retries every failure, a topic missing for a moment included (a broker restarting), until the
	// delivery timeout: that one setting decides when a row is given up.
	o.opts = []kgo.Opt{kgo.SeedBrokers(o.seeds...), kgo.DefaultProduceTopic(topic), kgo.WithHooks(o.health),
		kgo.UnknownTopicRetries(-1)}
	acks := strings.ToLower(opts["acks"])
	switch acks {
	case "", "all", "-1":
		o.opts = append(o.opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "1", "leader":
		o.opts = append(o.opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	case "0", "none":
		o.opts = append(o.opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
	default:
		return nil, fmt.Errorf("acks: want all, 1 or 0, got %q", opts["acks"])
	}
	if v := opts["enable.idempotence"]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("enable.idempotence: want true or false, got %q", v)
		}
		if !b && (acks == "" || acks == "all" || acks == "-1") {
			o.opts = append(o.opts, kgo.DisableIdempotentWrite())
		}
	}
	linger, err := duration(opts, "linger.ms", 5*time.Millisecond)
	if err != nil {
		return nil, err
	}
	o.opts = append(o.opts, kgo.ProducerLinger(linger))
	if v := opts["batch.size"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1024 {
			return nil, fmt.Errorf("batch.size: want a byte count of at least 1024, got %q", v)
		}
		o.opts = append(o.opts, kgo.ProducerBatchMaxBytes(int32(n)))
	}
	codec, err := compression(opts["compression.type"])
	if err != nil {
		return nil, err
	}
	o.opts = append(o.opts, kgo.ProducerBatchCompression(codec))
	if o.timeout, err = duration(opts, "delivery.timeout.ms", 2*time.Minute); err != nil {
		return nil, err
	}
	o.opts = append(o.opts, kgo.RecordDeliveryTimeout(o.timeout))
	set, err := readRetrySettings(opts)
	if err != nil {
		return nil, err
	}
	o.circuit = &circuit{set: set, now: time.Now, jitter: rand.Float64, logf: o.logf, warnf: o.warnf}
	if v := opts["topic.create"]; v != "" {
		if o.create, err = strconv.ParseBool(v); err != nil {
			return nil, fmt.Errorf("topic.create: want true or false, got %q", v)
		}
	}
	if v := opts["topic.partitions"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("topic.partitions: want a positive number, got %q", v)
		}
		o.parts = int32(n)
	}
	if v := opts["topic.replication.factor"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 16)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("topic.replication.factor: want a positive number, got %q", v)
		}
		o.repl = int16(n)
	}
	var hkeys []string
	for k := range opts {
		if strings.HasPrefix(k, "headers.") {
			hkeys = append(hkeys, k)
		}
	}
	sort.Strings(hkeys)
	for _, k := range hkeys {
		o.headers = append(o.headers, kgo.RecordHeader{Key: strings.TrimPrefix(k, "headers."), Value: []byte(opts[k])})
	}
	o.done = o.delivered
	return o, nil
}

// compression maps compression.type to a codec: none (the default), gzip, snappy, lz4 or zstd.
func compression(v string) (kgo.CompressionCodec, error) {
	switch strings.ToLower(v) {
	case "", "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("compression.type: want none, gzip, snappy, lz4 or zstd, got %q", v)
}

// Start connects and creates the topic when it does not exist (unless topic.create is false).
func (o *output) Start(ctx context.Context) error {
	cl, err := kgo.NewClient(o.opts...)
	if err != nil {
		return err
	}
	o.cl = cl
	// Messages are stamped with a clock read once a millisecond rather than once per message.
	o.clock.Store(time.Now().UnixMilli())
	o.stop = make(chan struct{})
	o.kick = make(chan struct{}, 1)
	o.stopped = ctx
	o.newAttempt()
	go o.retry()
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		w := time.NewTicker(100 * time.Millisecond)
		defer w.Stop()
		for {
			select {
			case <-o.stop:
				return
			case now := <-t.C:
				o.clock.Store(now.UnixMilli())
			case <-w.C:
				o.watch()
			}
		}
	}()
	adm := kadm.NewClient(cl)
	mctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	md, err := adm.Metadata(mctx, o.topic)
	if err != nil {
		return fmt.Errorf("cannot reach Kafka at %s: %v", strings.Join(o.seeds, ","), err)
	}
	if td, ok := md.Topics[o.topic]; ok && td.Err == nil {
		return nil
	} else if ok && !errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("kafka topic %q: %v", o.topic, td.Err)
	}
	if !o.create {
		return fmt.Errorf("kafka topic %q does not exist, and 'topic.create' is false", o.topic)
	}
	parts := o.parts
	if parts < 0 && o.env != nil && o.env.Partitions != nil {
		if n := o.env.Partitions(); n > 0 {
			parts = n
		}
	}
	resp, err := adm.CreateTopic(mctx, parts, o.repl, nil, o.topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("creating kafka topic %q: %v", o.topic, err)
	}
	return nil
}

// Write copies the message and hands it to the producer. While rows that failed wait to be sent again, it waits
// (the source stops reading: back-pressure), until they are delivered or the job is stopped.
func (o *output) Write(key, value []byte) error {
	if o.blocked.Load() {
		if err := o.wait(); err != nil {
			return err
		}
	}
	if len(o.recs) == 0 {
		o.recs = make([]kgo.Record, recordSlab)
	}
	r := &o.recs[0]
	o.recs = o.recs[1:]
	*r = kgo.Record{Topic: o.topic, Key: o.copy(key), Headers: o.headers, Timestamp: time.UnixMilli(o.clock.Load())}
	if value != nil {
		r.Value = o.copy(value)
		if r.Value == nil {
			r.Value = []byte{}
		}
	}
	o.written.Add(1)
	if tp := txnSink.Load(); tp != nil {
		// Exactly once: the row goes into the source's open transaction; a failure aborts it, and the job goes on
		// from its last commit (retrying it later would write it outside the transaction of its record).
		tp.cl.Produce(o.attempt.Load().ctx, r, func(_ *kgo.Record, err error) {
			if err != nil {
				o.errs.Add(1)
				tp.failed.Store(true)
				return
			}
			o.acked.Add(1)
		})
		return nil
	}
	o.cl.Produce(o.attempt.Load().ctx, r, o.done)
	return nil
}

// wait waits until the failed rows are delivered, or the job is stopped.
func (o *output) wait() error {
	for o.blocked.Load() {
		o.mu.Lock()
		resume, err := o.resume, o.err
		o.mu.Unlock()
		if err != nil {
			return err
		}
		select {
		case <-resume:
		case <-o.stopped.Done():
			if err := o.giveUp(); err != nil {
				return err
			}
			<-resume // nothing is undelivered: retry resumes the sink in a moment
		}
	}
	return nil
}

// copy copies b into the current slab, or returns nil for nil.
func (o *output) copy(b []byte) []byte {
	if b == nil {
		return nil
	}
	if len(b) > slabSize/4 {
		return append([]byte(nil), b...)
	}
	if cap(o.slab)-len(o.slab) < len(b) {
		o.slab = make([]byte, 0, slabSize)
	}
	n := len(o.slab)
	o.slab = append(o.slab, b...)
	return o.slab[n:len(o.slab):len(o.slab)]
}

// delivered counts an acknowledged message, or keeps a failed one for retry and blocks Write.
func (o *output) delivered(r *kgo.Record, err error) {
	if err == nil {
		o.acked.Add(1)
		if o.circuit.State() == halfOpen {
			o.mu.Lock()
			o.circuit.acked(1)
			o.mu.Unlock()
		}
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending = append(o.pending, r)
	if o.cause == nil {
		o.cause = o.why(err)
	}
	o.block()
}

// block makes Write wait and wakes retry up, unless a failure did already. Called under o.mu.
func (o *output) block() {
	if o.blocked.Load() {
		return
	}
	o.resume = make(chan struct{})
	o.blocked.Store(true)
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// why words a failed delivery. A retryable failure, or none at all (the brokers did not answer, and watch gave
// the rows up), failed only once the delivery timeout passed: say so, and what went wrong meanwhile.
func (o *output) why(err error) error {
	timedOut := errors.Is(err, kgo.ErrRecordTimeout) || errors.Is(err, context.Canceled)
	if !timedOut && !kerr.IsRetriable(err) {
		return err
	}
	why := ""
	switch since, cause := o.health.outage(); {
	case !timedOut:
		why = fmt.Sprintf(" (last error: %v)", err)
	case !since.IsZero():
		why = fmt.Sprintf(" (brokers unavailable for %v: %v)", time.Since(since).Round(time.Second), cause)
	}
	return fmt.Errorf("not acknowledged within '%s.delivery.timeout.ms' = %v%s", o.spec.Name, o.timeout, why)
}

// retry sends failed rows again, in the order they were written, as the circuit breaker says when, until every
// row is delivered; then Write goes on. One attempt is a round of the rows that failed: it has failed when any of
// them failed, or when watch gave it up.
func (o *output) retry() {
	for {
		select {
		case <-o.kick:
		case <-o.stop:
			return
		}
		for {
			// Write is blocked: once the producer is empty, each row is either acknowledged or in pending. Rows
			// the producer keeps although watch gave the attempt up (sent to a broker that went away: it cannot
			// know whether they were written) stay with it; it delivers them when a broker answers again.
			a := o.attempt.Load()
			err := o.cl.Flush(a.ctx)
			o.mu.Lock()
			if o.closing {
				o.mu.Unlock()
				return
			}
			if err == nil && len(o.pending) == 0 {
				o.circuit.delivered()
				o.blocked.Store(false)
				close(o.resume)
				o.mu.Unlock()
				break
			}
			if o.cause != nil {
				o.last = o.cause
			}
			o.errs.Add(1)
			next := o.circuit.fail(int(o.written.Load()-o.acked.Load()), o.last)
			o.mu.Unlock()
			t := time.NewTimer(time.Until(next))
			select {
			case <-t.C:
			case <-o.stop:
				t.Stop()
				return
			}
			o.mu.Lock()
			recs := o.pending
			o.pending, o.cause = nil, nil
			o.circuit.retry(int(o.written.Load() - o.acked.Load()))
			o.mu.Unlock()
			ctx := o.newAttempt()
			for _, r := range recs {
				r.Context = nil // the producer takes the context of the new attempt
				o.cl.Produce(ctx, r, o.done)
			}
			o.retries.Add(int64(len(recs)))
		}
	}
}

// newAttempt starts a round of producing and returns its context.
func (o *output) newAttempt() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	if old := o.attempt.Swap(&attempt{ctx: ctx, cancel: cancel, start: time.Now()}); old != nil {
		old.cancel()
	}
	return ctx
}

// watch gives the attempt under way up once no broker has answered for 'delivery.timeout.ms' (since the attempt
// began, at the latest) while rows wait in the producer. The producer enforces the timeout only when it can send
// a request or gets an answer, so without any broker it would keep the rows, and a job writing them would wait,
// for ever, without the circuit breaker hearing of it. Cancelling the attempt's context fails the rows the
// producer has not sent yet.
func (o *output) watch() {
	since, cause := o.health.outage()
	a := o.attempt.Load()
	if since.IsZero() || time.Since(since) < o.timeout || time.Since(a.start) < o.timeout || a.ctx.Err() != nil ||
		o.cl.BufferedProduceRecords() == 0 {
		return
	}
	o.mu.Lock()
	if o.cause == nil {
		o.cause = fmt.Errorf("not acknowledged within '%s.delivery.timeout.ms' = %v (brokers unavailable for %v: %v)",
			o.spec.Name, o.timeout, time.Since(since).Round(time.Second), cause)
	}
	o.block()
	o.mu.Unlock()
	a.cancel()
}

// giveUp ends the sink's wait for its rows when the job stops: it returns the error that says how many rows were
// not delivered, or nil when none is left (the retry under way delivered them).
func (o *output) giveUp() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	n := o.written.Load() - o.acked.Load()
	if n <= 0 {
		return nil
	}
	first := ""
	if len(o.pending) > 0 && o.pending[0].Key != nil {
		k := o.pending[0].Key
		if len(k) > 100 {
			k = k[:100]
		}
		first = fmt.Sprintf(", the first with key %q", k)
	}
	last := o.last
	if o.cause != nil {
		last = o.cause
	}
	o.err = fmt.Errorf("delivery failed: %s not delivered when the job stopped%s (circuit %s; last error: %v); no offset past them is committed",
		rows(int(n)), first, o.circuit.State(), last)
	return o.err
}

// logf logs information of the sink: "NAME: message" on the job's stderr, as text or JSON.
func (o *output) logf(format string, args ...any) {
	o.env.Log(slog.LevelInfo, o.spec.Name, format, args...)
}

// warnf logs a warning of the sink.
func (o *output) warnf(format string, args ...any) {
	o.env.Log(slog.LevelWarn, o.spec.Name, format, args...)
}

// Flush waits until the broker acknowledged every message written so far, retries included; when the job is
// stopped while rows wait for a retry, it gives up on them.
func (o *output) Flush(ctx context.Context) error {
	return o.flush(ctx, o.stopped.Done())
}

// flush is Flush, giving up on rows that wait for a retry once stop is closed.
func (o *output) flush(ctx context.Context, stop <-chan struct{}) error {
	if o.cl == nil {
		return nil
	}
	for {
		// The producer keeps rows that watch gave up on: stop waiting for them then.
		fctx, cancel := context.WithCancel(ctx)
		unhook := context.AfterFunc(o.attempt.Load().ctx, cancel)
		ferr := o.cl.Flush(fctx)
		unhook()
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		o.mu.Lock()
		resume, err := o.resume, o.err
		blocked := o.blocked.Load()
		o.mu.Unlock()
		if err != nil {
			return err
		}
		if !blocked {
			if ferr == nil {
				return nil
			}
			continue // a new attempt began
		}
		select {
		case <-resume:
		case <-ctx.Done():
			return ctx.Err()
		case <-stop:
			if err := o.giveUp(); err != nil {
				return err
			}
			stop = nil // nothing is undelivered: retry resumes the sink in a moment
		}
	}
}

// Close flushes and disconnects. Rows that still wait for a retry are given up.
func (o *output) Close() error {
	if o.cl == nil {
		return nil
	}
	now := make(chan struct{})
	close(now)
	err := o.flush(context.Background(), now)
	o.mu.Lock()
	o.closing = true
	o.mu.Unlock()
	o.health.close()
	close(o.stop)
	o.cl.Close()
	o.attempt.Load().cancel()
	return err
}

// Deliveries implements rt.DeliveryReporter.
func (o *output) Deliveries() rt.DeliveryStats {
	return rt.DeliveryStats{Acked: o.acked.Load(), Errors: o.errs.Load(), Retries: o.retries.Load(),
		Circuit: o.circuit.State().String(), Opened: o.circuit.opened.Load()}
}

// Name names the destination in messages.
func (o *output) Name() string { return "kafka topic " + strconv.Quote(o.topic) }

var _ rt.DeliveryReporter = (*output)(nil)
