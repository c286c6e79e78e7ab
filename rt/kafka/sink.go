// Kafka sinks: rows as messages through an idempotent producer that retries until 'delivery.timeout.ms'; a row
// still not delivered then stops the job.

package kafka

import (
	"context"
	"errors"
	"fmt"
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

	cl *kgo.Client

	mu     sync.Mutex
	err    error // the first delivery failure
	failed atomic.Bool
	slab   []byte

	recs  []kgo.Record // records not handed out yet; the producer holds the rest until they are acknowledged
	clock atomic.Int64 // the time in epoch milliseconds, the timestamp of messages; a ticker keeps it current
	stop  chan struct{}

	// Records are produced under ctx, which is cancelled when the sink gives up on them (see watch).
	ctx    context.Context
	cancel context.CancelFunc

	done func(*kgo.Record, error)
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
	o.health = newHealth(o.logf)
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
	o.ctx, o.cancel = context.WithCancel(context.Background())
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

// Write copies the message and hands it to the producer. It fails once any earlier message failed: the job
// stops rather than go on with a gap in its output.
func (o *output) Write(key, value []byte) error {
	if o.failed.Load() {
		o.mu.Lock()
		defer o.mu.Unlock()
		return o.err
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
	o.cl.Produce(o.ctx, r, o.done)
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

// delivered records the first failed delivery.
func (o *output) delivered(_ *kgo.Record, err error) {
	if err == nil {
		return
	}
	o.mu.Lock()
	if o.err == nil {
		// A retryable failure, or none at all (the brokers did not answer), failed only once the delivery
		// timeout passed: say so, and what went wrong meanwhile.
		if timedOut := errors.Is(err, kgo.ErrRecordTimeout); timedOut || kerr.IsRetriable(err) {
			why := ""
			switch since, cause := o.health.outage(); {
			case !timedOut:
				why = fmt.Sprintf(" (last error: %v)", err)
			case !since.IsZero():
				why = fmt.Sprintf(" (brokers unavailable for %v: %v)", time.Since(since).Round(time.Second), cause)
			}
			err = fmt.Errorf("not acknowledged within '%s.delivery.timeout.ms' = %v%s", o.spec.Name, o.timeout, why)
		}
		o.err = fmt.Errorf("delivery failed: %w", err)
		o.failed.Store(true)
	}
	o.mu.Unlock()
}

// watch gives up on the rows waiting in the producer once no broker has answered for 'delivery.timeout.ms'. The
// producer enforces the timeout only when it can send a request or gets an answer, so without any broker it
// would keep the rows, and a job writing them would wait, for ever.
func (o *output) watch() {
	since, cause := o.health.outage()
	if since.IsZero() || time.Since(since) < o.timeout || o.cl.BufferedProduceRecords() == 0 {
		return
	}
	o.mu.Lock()
	if o.err == nil {
		o.err = fmt.Errorf("delivery failed: not acknowledged within '%s.delivery.timeout.ms' = %v (brokers unavailable for %v: %v)",
			o.spec.Name, o.timeout, time.Since(since).Round(time.Second), cause)
		o.failed.Store(true)
	}
	o.mu.Unlock()
	o.cancel()
}

// logf prints one line "NAME: message" on the job's stderr.
func (o *output) logf(format string, args ...any) {
	if o.env != nil && o.env.Stderr != nil {
		fmt.Fprintf(o.env.Stderr, "%s: %s\n", o.spec.Name, fmt.Sprintf(format, args...))
	}
}

// Flush waits until the broker acknowledged every message written so far, or until the sink gives up on them.
func (o *output) Flush(ctx context.Context) error {
	if o.cl == nil {
		return nil
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(o.ctx, cancel)()
	err := o.cl.Flush(fctx)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	return err
}

// Close flushes and disconnects.
func (o *output) Close() error {
	if o.cl == nil {
		return nil
	}
	err := o.Flush(context.Background())
	o.health.close()
	o.cl.Close()
	close(o.stop)
	o.cancel()
	return err
}

// Name names the destination in messages.
func (o *output) Name() string { return "kafka topic " + strconv.Quote(o.topic) }
