// What a running job reports about itself beyond its record counts: the interfaces through which transports
// report deliveries and consumer lag, read by the job's metrics and status (rt/ops).

package rt

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DeliveryReporter is an Output that reports on its deliveries (rt/kafka's sink).
type DeliveryReporter interface {
	Deliveries() DeliveryStats
}

// DeliveryStats is what an output reports on its deliveries so far. Safe to read while the job runs.
type DeliveryStats struct {
	Acked   int64  `json:"acked"`             // messages the destination acknowledged
	Errors  int64  `json:"errors"`            // failed delivery attempts
	Retries int64  `json:"retries"`           // messages sent again after a failure
	Circuit string `json:"circuit,omitempty"` // the circuit breaker's state: "closed", "open" or "half_open"; "" without one
	Opened  int64  `json:"opened"`            // how many times the circuit opened
}

// LagReporter is an Input that knows how far behind the end of its input each partition is (rt/kafka's source).
type LagReporter interface {
	Lag() []PartitionLag
}

// Assigner is an Input that joins a consumer group (rt/kafka's source): the job is not ready until the group
// has given it its partitions (none, when the group has more members than partitions).
type Assigner interface {
	Assigned() bool
}

// PartitionLag is one partition's position: the offset of the next record the job reads, and the end of the
// partition (the offset the next message written will get) as the broker last reported it.
type PartitionLag struct {
	Partition int32 `json:"partition"`
	Offset    int64 `json:"offset"`
	End       int64 `json:"end"`
}

// Status is a snapshot of a running job: what /status serves as JSON and /metrics as Prometheus metrics (rt/ops).
type Status struct {
	Job     string    `json:"job"`
	Version string    `json:"version"` // the Go release and the velocc module the job was built with
	Started time.Time `json:"started"`
	Now     time.Time `json:"now"`
	// Phase is "starting" (opening sources and sinks), "loading" (tables have not finished their initial load),
	// "running", "stopping" (a stop was asked for, or the bounded input ended) or "stopped".
	Phase string `json:"phase"`
	// Ready is what /readyz answers: the job runs, its tables are loaded and it is not stopping; NotReady says why
	// not.
	Ready    bool           `json:"ready"`
	NotReady string         `json:"not_ready,omitempty"`
	Args     []string       `json:"args"` // the command line's flags
	SQL      string         `json:"sql"`
	Plan     string         `json:"plan"` // as 'velocc explain' prints it
	Sources  []SourceStatus `json:"sources"`
	Sinks    []SinkStatus   `json:"sinks"`
	States   []StateStatus  `json:"states"`
	Memory   MemoryStatus   `json:"memory"`
	Metrics  []UserMetric   `json:"metrics"` // the metrics the script's -- @metric annotations declare
}

// SourceStatus is one source's counts: those the job prints at exit, and more.
type SourceStatus struct {
	Name   string `json:"name"`
	URI    string `json:"uri"`
	Format string `json:"format"`
	// Read counts every record handed to the job, Bytes their size; Bad the records that did not decode (skipped
	// or dead-lettered); Late those that came after their window closed; DeadLettered the bad and late records
	// written to the dead-letter file; Tombstones the Kafka messages without a value, skipped.
	Read         int64 `json:"read"`
	Bytes        int64 `json:"bytes"`
	Bad          int64 `json:"bad"`
	Late         int64 `json:"late"`
	DeadLettered int64 `json:"dead_lettered"`
	Tombstones   int64 `json:"tombstones"`
	Ended        bool  `json:"ended"` // a bounded source was read to its end
	// Watermark is the lowest watermark of the windows over the source, in epoch milliseconds; nil when none has
	// one yet.
	Watermark *int64         `json:"watermark,omitempty"`
	Lag       []PartitionLag `json:"lag,omitempty"` // per partition, for inputs that know it (Kafka)
	Table     *TableProgress `json:"table,omitempty"`
	// Latency is the time from a record's timestamp (the Kafka message's) to the end of its processing, its rows
	// handed to the sinks, measured on one record in 64; Commits the time each commit of offsets took. Nil
	// before the first.
	Latency *Histogram `json:"latency,omitempty"`
	Commits *Histogram `json:"commits,omitempty"`
}

// SinkStatus is one sink's counts.
type SinkStatus struct {
	Name      string         `json:"name"`
	URI       string         `json:"uri"`
	Format    string         `json:"format"`
	Emitted   int64          `json:"emitted"`   // rows written, retractions included
	Retracted int64          `json:"retracted"` // retractions written
	Delivery  *DeliveryStats `json:"delivery,omitempty"`
}

// StateStatus is the size of one query's state (groups, or windows and the groups in them), sampled as the job
// reads (every few thousand records, and on ticks).
type StateStatus struct {
	Query  string `json:"query"`
	At     string `json:"at"` // where the query is in the script, "job.sql:3:1"
	Groups int64  `json:"groups"`
	// InMemory is the groups held in memory (the rest spilled to disk); Windows the open windows; Bytes an
	// estimate of the memory the groups take.
	InMemory int64 `json:"in_memory"`
	Windows  int64 `json:"windows"`
	Bytes    int64 `json:"bytes"`
}

// MemoryStatus is the job's memory: its budget (0: none), the live heap at the last check and the largest seen.
type MemoryStatus struct {
	Budget   int64 `json:"budget"`
	LiveHeap int64 `json:"live_heap"`
	PeakHeap int64 `json:"peak_heap"`
}

// Monitor is what an HTTP server (rt/ops) sees of a running job.
type Monitor struct {
	r *runner
}

// Status returns a snapshot of the job.
func (m *Monitor) Status() *Status { return m.r.status() }

// Server is a running HTTP server of a job.
type Server interface {
	// Addr is the address it listens on, "127.0.0.1:9090" (the port chosen when asked for port 0).
	Addr() string
	// Close stops it.
	Close() error
}

var (
	serveMu sync.Mutex
	serve   func(addr string, m *Monitor) (Server, error)
)

// RegisterHTTP registers the HTTP server of --http. rt/ops calls it; a generated job imports rt/ops when it can
// be asked to serve (a Kafka job, a script with 'job.http.address', velocc build -http; never with -no-http).
func RegisterHTTP(f func(addr string, m *Monitor) (Server, error)) {
	serveMu.Lock()
	defer serveMu.Unlock()
	serve = f
}

// errNoHTTP is --http's error in a job built without the server.
var errNoHTTP = errors.New("--http: this job was built without its HTTP server (a job without Kafka links it only when its script sets 'job.http.address' or velocc builds it with -http; -no-http leaves it out of any job); build it again with velocc build -http")

// startHTTP starts the job's HTTP server on addr and says where it listens.
func (r *runner) startHTTP(addr string) error {
	serveMu.Lock()
	f := serve
	serveMu.Unlock()
	if f == nil {
		return errNoHTTP
	}
	srv, err := f(addr, &Monitor{r: r})
	if err != nil {
		return fmt.Errorf("--http %s: %v", addr, err)
	}
	r.http = srv
	logAt(r.logger(), slog.LevelInfo, jobName(r.job), "serving metrics and status on http://%s/", srv.Addr())
	return nil
}

// Job phases, for Status.Phase.
const (
	phaseStarting int32 = iota
	phaseRunning
	phaseStopping
	phaseStopped
)

// status takes a snapshot of the job.
func (r *runner) status() *Status {
	st := &Status{Job: jobName(r.job), Version: buildVersion(), Started: r.started, Now: time.Now(), Args: r.args,
		SQL: r.job.SQL, Plan: r.job.Plan, Sources: []SourceStatus{}, Sinks: []SinkStatus{}, States: []StateStatus{},
		Metrics: r.metrics.snapshot()}
	phase := r.phase.Load()
	loads := r.loads.Snapshot()
	loading := ""
	for _, t := range loads {
		if t.Loaded.IsZero() {
			loading = t.Name
			break
		}
	}
	switch {
	case phase == phaseStarting:
		st.Phase, st.NotReady = "starting", "opening sources and sinks"
	case phase == phaseRunning && loading != "":
		st.Phase, st.NotReady = "loading", fmt.Sprintf("table %q is loading", loading)
	case phase == phaseRunning && r.unassigned() != "":
		st.Phase, st.NotReady = "running", fmt.Sprintf("source %q is waiting for its consumer group to assign it partitions", r.unassigned())
	case phase == phaseRunning:
		st.Phase, st.Ready = "running", true
	case phase == phaseStopping:
		st.Phase, st.NotReady = "stopping", "the job is stopping"
	default:
		st.Phase, st.NotReady = "stopped", "the job has stopped"
	}
	if phase >= phaseRunning {
		r.sourceStatus(st, loads)
		r.sinkStatus(st)
	}
	if w := r.mem; w != nil {
		st.Memory = MemoryStatus{Budget: w.budget.bytes, LiveHeap: int64(w.live.Load()), PeakHeap: int64(w.peak.Load())}
		w.mu.Lock()
		for _, s := range w.states {
			st.States = append(st.States, StateStatus{Query: s.label.query, At: s.label.at, Groups: s.groups.Load(),
				InMemory: s.inMemory.Load(), Windows: s.windows.Load(), Bytes: s.inMemory.Load() * s.perGroup})
		}
		w.mu.Unlock()
	}
	return st
}

// unassigned names a source whose consumer group has not assigned it partitions yet, or returns "".
func (r *runner) unassigned() string {
	for _, s := range r.sources {
		if a, ok := s.input.(Assigner); ok && !s.counts.ended.Load() && !a.Assigned() {
			return s.spec.Name
		}
	}
	return ""
}

// sourceStatus adds the sources' counts to st.
func (r *runner) sourceStatus(st *Status, loads []TableProgress) {
	for _, s := range r.sources {
		c := s.counts
		ss := SourceStatus{Name: s.spec.Name, URI: s.uri, Format: s.format.String(), Read: c.records.Load(),
			Bytes: c.bytes.Load(), Bad: c.bad.Load(), Late: c.late.Load(), DeadLettered: c.lateDead.Load(),
			Tombstones: c.tombstones.Load(), Ended: c.ended.Load(), Latency: c.latency.snapshot(), Commits: c.commits.snapshot()}
		if s.onError == "dead_letter" {
			ss.DeadLettered += ss.Bad
		}
		var low int64
		seen := false
		for _, l := range s.lanes {
			for _, x := range l.state {
				if w, ok := x.(*Watermark); ok {
					if v, ok := w.shown(); ok && (!seen || v < low) {
						low, seen = v, true
					}
				}
			}
		}
		if seen {
			ss.Watermark = &low
		}
		if lr, ok := s.input.(LagReporter); ok {
			ss.Lag = lr.Lag()
		}
		if s.load != nil {
			for i := range loads {
				if loads[i].Name == s.load.name {
					ss.Table = &loads[i]
				}
			}
		}
		st.Sources = append(st.Sources, ss)
	}
}

// sinkStatus adds the sinks' counts to st.
func (r *runner) sinkStatus(st *Status) {
	for _, s := range r.sinks {
		ss := SinkStatus{Name: s.spec.Name, URI: s.uri, Format: s.format.String(), Emitted: s.emitted.Load(),
			Retracted: s.retracted.Load()}
		if dr, ok := s.ext.(DeliveryReporter); ok {
			d := dr.Deliveries()
			ss.Delivery = &d
		}
		st.Sinks = append(st.Sinks, ss)
	}
	// A dead-letter topic is an output too: its deliveries and circuit are reported as a sink's, named after
	// the first source that writes to it, "orders.dead.letter".
	seen := map[*deadLetter]bool{}
	for _, s := range r.sources {
		dl := s.dead
		if dl == nil || dl.out == nil || seen[dl] {
			continue
		}
		seen[dl] = true
		ss := SinkStatus{Name: s.spec.Name + ".dead.letter", URI: dl.path, Format: "jsonl", Emitted: dl.written.Load()}
		if dr, ok := dl.out.ext.(DeliveryReporter); ok {
			d := dr.Deliveries()
			ss.Delivery = &d
		}
		st.Sinks = append(st.Sinks, ss)
	}
}

// buildVersion is the Go release and the version of the velocc module the job was built with.
var buildVersion = sync.OnceValue(func() string {
	v := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/velocc/velocc" {
				v += "; velocc " + d.Version
			}
		}
	}
	return v
})

// latencyBounds are the upper bounds, in seconds, of the buckets of the job's histograms.
var latencyBounds = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}

// histogram counts durations in the buckets of latencyBounds. Safe for concurrent use, without a lock.
type histogram struct {
	counts [17]atomic.Uint64 // one per bound, and one past the last
	sumNs  atomic.Int64
	n      atomic.Uint64
}

// observe counts one duration.
func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i, _ := slices.BinarySearch(latencyBounds, s)
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
	h.n.Add(1)
}

// snapshot returns the counts so far, or nil before the first.
func (h *histogram) snapshot() *Histogram {
	if h.n.Load() == 0 {
		return nil
	}
	out := &Histogram{Bounds: latencyBounds, Counts: make([]uint64, len(latencyBounds)), Sum: float64(h.sumNs.Load()) / 1e9}
	var cum uint64
	for i := range latencyBounds {
		cum += h.counts[i].Load()
		out.Counts[i] = cum
	}
	out.Count = cum + h.counts[len(latencyBounds)].Load()
	return out
}

// Histogram is a distribution of durations as Prometheus has it: Counts[i] is how many were at most Bounds[i]
// seconds (cumulative), Count how many there were in all and Sum their total in seconds.
type Histogram struct {
	Bounds []float64 `json:"bounds"`
	Counts []uint64  `json:"counts"`
	Count  uint64    `json:"count"`
	Sum    float64   `json:"sum"`
}

// ObserveCommit records how long a commit of the source's offsets took, from the flush of the sinks to the
// brokers' answer (rt/kafka calls it).
func (s *Source) ObserveCommit(d time.Duration) { s.counts.commits.observe(d) }

// latencyEvery is how often a source measures a record's latency: every latencyEvery-th record.
const latencyEvery = 64

// observeLatency records, for one record in latencyEvery, the time from its timestamp (epoch milliseconds: the
// Kafka message's) to now, when its rows have been handed to the sinks.
func (s *Source) observeLatency(timestamp int64) {
	if s.counts.records.Load()%latencyEvery != 0 || timestamp <= 0 {
		return
	}
	if d := time.Now().UnixMilli() - timestamp; d >= 0 {
		s.counts.latency.observe(time.Duration(d) * time.Millisecond)
	}
}
