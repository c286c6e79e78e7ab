// Transports: sources and sinks beyond files and stdout (Kafka lives in rt/kafka and registers itself here), and
// the methods of Source that such an input drives.

package rt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Transport opens inputs and outputs for one URI scheme. rt/kafka registers "kafka"; a generated job that
// declares a Kafka source or sink imports it.
type Transport interface {
	// NewInput prepares source s to read uri, without I/O; Start does the I/O.
	NewInput(s *Source, uri string, env *Env) (Input, error)
	// NewOutput prepares a sink's output to uri, without I/O; Start does the I/O.
	NewOutput(spec SinkSpec, uri string, env *Env) (Output, error)
}

// Input reads one source from outside the process. Run hands each record to Source.Record from the source's
// goroutine.
type Input interface {
	// Start connects and checks that the input exists.
	Start(ctx context.Context) error
	// Run reads until the input's end (bounded) or until ctx is cancelled, and returns a fatal error or nil.
	Run(ctx context.Context) error
	// Close releases the input; it is called once, after Run returned or when the job could not start.
	Close() error
}

// Output writes one sink's rows outside the process. Write is called under the sink's lock.
type Output interface {
	// Start connects and prepares the destination (creates a topic, say).
	Start(ctx context.Context) error
	// Write sends one row: key (nil for none) and value; value is nil for a tombstone (a retraction). The slices
	// are only valid during the call.
	Write(key, value []byte) error
	// Flush returns once every row written so far is acknowledged, or the first delivery error.
	Flush(ctx context.Context) error
	// Close flushes and releases the output.
	Close() error
	// Name names the destination in messages: "kafka topic \"alerts\"".
	Name() string
}

// LaneInput is an Input that can hand records to the job from several goroutines at once, such as Kafka
// partitions. A job whose queries keep no state (only filters and projections) gets a lane per core: UseLanes
// receives the source's lanes, lane 0 being the source itself; records of one lane must come from one goroutine
// at a time, and the records of one partition from one lane, in order.
type LaneInput interface {
	Input
	UseLanes(lanes []*Source)
}

// maxLanes bounds the lanes of a source.
const maxLanes = 8

// Env is what a transport may use from the job and its command line.
type Env struct {
	Job         *Job
	Brokers     string // --brokers, or "" for VELOCC_BROKERS or the job's settings
	Group       string // --group, or "" for the default
	InstanceID  string // --instance-id: a static group member id, or ""
	OffsetReset string // --offset-reset: "earliest", "latest" or ""
	Bounded     bool
	// ExactlyOnce is set under the guarantee exactly_once (--guarantee, 'processing.guarantee'): a Kafka source
	// writes the job's rows, its state and its offsets in one transaction per commit.
	ExactlyOnce bool
	Stderr      io.Writer    // safe for concurrent use
	log         *slog.Logger // the job's log (Log)
	// Partitions returns the partition count of the first partitioned source, or 0 before it is known; sinks use
	// it as the default partition count of topics they create.
	Partitions func() int32
}

var (
	transportsMu sync.Mutex
	transports   = map[string]Transport{}
)

// RegisterTransport makes URIs "scheme:..." available to sources and sinks. It panics if the scheme is taken.
func RegisterTransport(scheme string, t Transport) {
	transportsMu.Lock()
	defer transportsMu.Unlock()
	if _, dup := transports[scheme]; dup {
		panic("rt: transport " + strconv.Quote(scheme) + " registered twice")
	}
	transports[scheme] = t
}

// transport returns the transport of scheme, or an error naming the schemes the job supports.
func transport(scheme, uri string) (Transport, error) {
	transportsMu.Lock()
	defer transportsMu.Unlock()
	if t := transports[scheme]; t != nil {
		return t, nil
	}
	if scheme == "kafka" {
		return nil, fmt.Errorf("unsupported URI %q: this job was built without Kafka support; declare a kafka source or sink in its SQL, or build it with 'velocc build --kafka'", uri)
	}
	known := []string{"file", "stdout"}
	for k := range transports {
		known = append(known, k)
	}
	sort.Strings(known)
	return nil, fmt.Errorf("unsupported URI %q; known schemes: %v", uri, known)
}

// Spec returns the source's declaration.
func (s *Source) Spec() SourceSpec { return s.spec }

// Record hands one record from an Input to the job: value is the message (a line of text for JSON and CSV), key
// its key (nil when absent), at its partition, offset and timestamp. Bad records go to the source's on.error
// policy; the error returned is fatal.
//
// A message without a value (a tombstone) is no record of a stream: it is skipped and counted. A table's source
// hands it to its OnDelete handler instead, which deletes the key's row.
func (s *Source) Record(value, key []byte, partition int32, offset, timestamp int64) error {
	s.cursor.Partition, s.cursor.Offset = partition, offset
	if value == nil && s.onDelete == nil {
		s.counts.tombstones.Add(1)
		return nil
	}
	if key != nil && s.run != nil && s.run.poison {
		// As for the value (see deliver): a key kept past its record without Own shows up as garbage.
		key = append([]byte(nil), key...)
		defer poison(key)
	}
	s.raw.Key, s.raw.Partition, s.raw.Offset, s.raw.Timestamp = key, partition, offset, timestamp
	s.lineNo = offset
	if value == nil {
		return s.tombstone()
	}
	if err := s.deliver(value); err != nil {
		return err
	}
	s.observeLatency(timestamp)
	return nil
}

// tombstone hands a tombstone to the source's OnDelete handler; a bad one (no key, say) goes to the on.error
// policy.
func (s *Source) tombstone() error {
	s.counts.records.Add(1)
	s.raw.Line, s.raw.LineNo = nil, s.lineNo
	err := s.onDelete(&s.raw)
	var e *RecordError
	if err != nil && errors.As(err, &e) {
		return s.badRecord(e, nil)
	}
	return err
}

// KeyString returns the record's message key as a string viewing the record, valid until the next record (see
// Own).
func (r *Raw) KeyString() string { return view(r.Key) }

// KeyJSON returns a JSON decoder reset to the record's message key: a Kafka table with a compound primary key reads
// its key columns from a JSON object. The decoder is not the value's, so strings decoded from the value stay
// valid; wrap its errors with KeyError.
func (r *Raw) KeyJSON() *JSONDecoder {
	if r.keyJSON == nil {
		r.keyJSON = new(JSONDecoder)
	}
	r.keyJSON.Reset(r.Key)
	return r.keyJSON
}

// KeyError words an error of the message key's decoder (see KeyJSON) as one of the key: "message key: ...".
func KeyError(err error) error {
	var e *RecordError
	if errors.As(err, &e) {
		e.Reason = "message key: " + e.Reason
		e.Offset = 0
	}
	return err
}

// End runs the source's end handlers once a bounded input is exhausted: every open window closes.
func (s *Source) End() error { return s.end() }

// Tick lets the queries react to time passing without a record: a watermark that moves because partitions
// became idle closes windows. Inputs call it after each batch of records.
func (s *Source) Tick() error {
	if s.mem != nil {
		if err := s.mem.check(); err != nil {
			return err
		}
	}
	for _, fn := range s.onTick {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// MayWait reports whether the source's record handler may block to wait for another source (the alignment of a
// join of two streams): files may; a transport (Kafka) may not, since its client must keep polling to take part
// in its group's rebalances.
func (s *Source) MayWait() bool { return s.input == nil }

// Quiet reports whether the source has handed over no record for at least d. Tick handlers ask it: it notes the
// record count and the time the count last changed, so that no record pays for reading the clock.
func (s *Source) Quiet(d time.Duration) bool {
	n, now := s.counts.records.Load(), time.Now()
	if n != s.quietCount || s.quietSince.IsZero() {
		s.quietCount, s.quietSince = n, now
		return false
	}
	return now.Sub(s.quietSince) >= d
}

// SetIdle tells the source whether partition p has caught up with its end (idle) or has records waiting. Idle
// partitions, and partitions the source does not read, do not hold the watermark back.
func (s *Source) SetIdle(p int32, idle bool) {
	for int(p) >= len(s.idle) {
		s.idle = append(s.idle, true)
	}
	s.idle[p] = idle
}

// isIdle reports whether partition p holds the watermark back; partitions the source does not read never do.
func (s *Source) isIdle(p int32) bool {
	return int(p) >= len(s.idle) || s.idle[p]
}

// count returns the number of partitions the source knows of.
func (s *Source) count() int { return len(s.idle) }

// Held returns the oldest offset of partition p that the job's state still depends on, if any: a source commits
// no offset beyond it, so that a restart replays those records.
func (s *Source) Held(p int32) (int64, bool) {
	defer s.lockState()()
	var low int64
	found := false
	for _, st := range s.state {
		if o, ok := st.held(p); ok && (!found || o < low) {
			low, found = o, true
		}
	}
	return low, found
}

// Checkpoint returns the text to commit with partition p's offset (see Restore), or "".
func (s *Source) Checkpoint(p int32) string {
	defer s.lockState()()
	vals := make([]string, len(s.state))
	for i, st := range s.state {
		vals[i] = st.checkpoint(p)
	}
	return encodeCheckpoint(vals)
}

// Restore loads what Checkpoint saved for partition p, when the source starts reading it again.
func (s *Source) Restore(p int32, text string) {
	defer s.lockState()()
	decodeCheckpoint(text, func(i int, v string) {
		if i < len(s.state) {
			s.state[i].restore(p, v)
		}
	})
}

// ShareLock gives the source the lock of the sources whose records meet in one operator (a join of two streams, a
// query over a stream that several sources' queries write): their handlers take it, and so do Held, Checkpoint,
// Restore and ResetState, which a transport calls from its own goroutines (a commit, a rebalance) and which read
// or drop state the other sources' records change meanwhile. Generated setup calls it.
func (s *Source) ShareLock(l sync.Locker) { s.lock = l }

// lockState takes the source's shared lock, if it has one, and returns what releases it.
func (s *Source) lockState() func() {
	if s.lock == nil {
		return func() {}
	}
	s.lock.Lock()
	return s.lock.Unlock
}

// ResetState drops the in-memory state of every query reading the source and forgets which partitions are idle,
// as when the source's partitions are reassigned: the records behind the state are replayed from the committed
// offsets.
func (s *Source) ResetState() {
	defer s.lockState()()
	for _, st := range s.state {
		st.reset()
	}
	s.idle = s.idle[:0]
}

// Flush writes every sink of the job through and waits until their outputs acknowledge it (Kafka: the broker
// has every row). A source commits its offsets only after a Flush.
func (s *Source) Flush(ctx context.Context) error {
	return s.run.flushCtx(ctx)
}

// Track registers the state of a query reading the source, so that the source knows which offsets the state
// depends on (Kafka commits), can reset it on a rebalance and saves its watermarks. Generated code calls it once
// per state structure, in the same order every run.
func (s *Source) Track(st ...Stateful) {
	for _, x := range st {
		if s.input != nil {
			x.bind(&s.cursor, s)
		}
		s.state = append(s.state, x)
	}
}

// OnTick adds a function called by Tick.
func (s *Source) OnTick(fn func() error) { s.onTick = append(s.onTick, fn) }

// Changelogs returns the changelogs of the state of the queries reading the source (see Changelog), in the order
// the state was tracked: a transport that commits offsets keeps them.
func (s *Source) Changelogs() []Changelog {
	var out []Changelog
	for _, st := range s.state {
		if l, ok := st.(interface{ logged() Changelog }); ok {
			if c := l.logged(); c != nil {
				out = append(out, c)
			}
		}
	}
	return out
}
