// Job description and Run: flags, setup, one goroutine per source, shutdown and exit codes.

package rt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// SupportPackageIsVersion2 is referenced by generated code
// (`const _ = rt.SupportPackageIsVersion2`) so that a job generated for
// another version of this package fails to compile instead of misbehaving.
// It is renamed whenever the contract changes incompatibly. To fix such a
// build error, run 'velocc mod' in the job's module to update its runtime
// copy (third_party/velocc), then regenerate the job with the same velocc
// ('go generate ./...', or 'velocc build' again for a module it wrote).
const SupportPackageIsVersion2 = true

// FieldSpec describes one column of a source schema or a sink.
type FieldSpec struct {
	Name     string
	Type     string // SQL type text, as declared, for --help: "DECIMAL(12,4)"
	Nullable bool
}

// SourceSpec declares one input of a job.
type SourceSpec struct {
	Name       string
	URI        string // "file:data/orders.jsonl" or "kafka:orders"; --source NAME=URI overrides it
	Format     string // "jsonl", "csv", "avro", or "" to go by ?format= or the file extension
	Delimiter  byte   // CSV field delimiter; default ','
	OnError    string // what a bad record does: "fail" (default), "skip" or "dead_letter"
	DeadLetter string // dead-letter file for "dead_letter"
	Schema     []FieldSpec
	// Options are the transport's settings from the job's WITH clauses and config files, such as
	// "bootstrap.servers", "group.id" and "auto.offset.reset" for Kafka.
	Options map[string]string
	// LateDeadLetter is set when a query writes the source's late records to its dead-letter file
	// ('late.data.strategy' = 'dead_letter'), which is then opened whatever OnError says.
	LateDeadLetter bool

	// Table is set when the source feeds a table (CREATE TABLE): it is read before the streams, which start
	// once every table has finished its initial load (tableload.go). A file table's path may be a glob.
	Table bool
	// WaitTimeoutMs bounds the wait for the table's initial load ('<table>.wait.timeout'; 0: 5 minutes).
	WaitTimeoutMs int64
	// FileWaitTimeoutMs bounds the wait for a file matching a file table's path ('<table>.file.wait.timeout';
	// 0: the wait timeout), and FileRetryIntervalMs is how often it looks ('<table>.file.retry.interval'; 0: 1 s).
	FileWaitTimeoutMs, FileRetryIntervalMs int64
	// Wave orders the loads of table sources (0 and 1: the first): a source of wave n starts once every source
	// of the waves before has loaded. A stream that feeds a table built by a query is a table source too, of a
	// wave after the tables its queries join (and WaitTimeoutMs -1: no limit, it is read to its end).
	Wave int
}

// SinkSpec declares one output of a job.
type SinkSpec struct {
	Name     string
	URI      string // "stdout:", "file:out.jsonl" or "kafka:alerts"; --sink NAME=URI overrides it
	Format   string // "jsonl", "csv", "avro", or "" to go by ?format= or the file extension
	Columns  []FieldSpec
	Retracts bool // rows may be retractions: JSON marks them with "_retract":true, CSV gets a _retract column
	// TimeFormat is how TIMESTAMP values are written: "epoch_millis" (the
	// default) or "rfc3339"; --timestamp-format overrides it.
	TimeFormat string
	// Key names the parts of a row's message key, written with the Row.Key methods: one name gives a key of
	// that value's text, several a JSON object. Only outputs with keys (Kafka) use it.
	Key []string
	// Options are the transport's settings, such as "acks" or "linger.ms" for a Kafka producer.
	Options map[string]string
	// Avro is the writer schema and the encoding of each column when Format is "avro".
	Avro *AvroSink
	// Protobuf is the message and its generated encoder when Format is "protobuf".
	Protobuf *ProtoSink
	// Header, when set, returns the bytes written before every message value of a transport's output (Kafka):
	// Confluent's wire-format header. It is called once, when the sink starts (it may register the schema).
	Header func() ([]byte, error)
}

// Job is a compiled SQL job: its sources and sinks and the generated Setup
// that wires record handlers to them.
type Job struct {
	Name    string
	SQL     string
	Plan    string // the plan as 'velocc explain' prints it
	Sources []SourceSpec
	Sinks   []SinkSpec
	Setup   func(c *Context) error

	// Mergeable is set when every query of the job keeps only state that partial results can be merged into
	// (aggregations without a window, EMIT FINAL, no DISTINCT): --workers may then split a bounded file among
	// goroutines. SerialReason says why not, otherwise.
	Mergeable    bool
	SerialReason string

	// MaxMemoryMB is the script's 'max.memory.mb' (0: none), and StateOverflow its 'state.overflow': what state
	// beyond the memory budget does, "fail" (also "") or "spill" (see memory.go).
	MaxMemoryMB   int64
	StateOverflow string

	// Joined lists the pairs of sources whose records a join of two streams matches by key. With several
	// instances in a group, rows that meet must be read by one instance: the job checks at start that the two
	// inputs have as many partitions (unless --single-instance).
	Joined [][2]string

	// HTTPAddress is the script's 'job.http.address': where the job serves its metrics, health and status
	// (--http and $VELOCC_HTTP override it); "" for nowhere.
	HTTPAddress string

	// Guarantee is the script's 'processing.guarantee': "exactly_once", or "" for at least once (--guarantee
	// overrides it). See docs/kafka.md.
	Guarantee string
}

// Context gives Job.Setup the job's sources and sinks.
type Context struct {
	r    *runner
	err  error // first unknown name asked for
	lane int   // which lane of each source Setup wires (see runner.setupLanes)
}

// Source returns the source declared with name. Asking for an undeclared
// source is a generator bug; Run reports it after Setup returns.
func (c *Context) Source(name string) *Source {
	for _, s := range c.r.sources {
		if s.spec.Name == name {
			return s.lanes[c.lane]
		}
	}
	if c.err == nil {
		c.err = fmt.Errorf("internal error: the job asked for an undeclared source %q", name)
	}
	return &Source{spec: SourceSpec{Name: name}, run: c.r, counts: &sourceCounts{}}
}

// Sink returns the sink declared with name. Asking for an undeclared sink is
// a generator bug; Run reports it after Setup returns.
func (c *Context) Sink(name string) *Sink {
	for _, s := range c.r.sinks {
		if s.spec.Name == name {
			return s
		}
	}
	if c.err == nil {
		c.err = fmt.Errorf("internal error: the job asked for an undeclared sink %q", name)
	}
	s := &Sink{spec: SinkSpec{Name: name}, out: &sinkOutput{name: name, err: c.err}}
	s.row.s = s
	return s
}

// Main runs the job with the process's arguments and exits with Run's code.
// Generated programs call it from main.
func Main(j *Job) {
	os.Exit(Run(j, os.Args[1:], os.Stdout, os.Stderr))
}

// Run runs the job with command-line args and returns the exit code: 0 when
// the job finished, or was stopped by SIGINT or SIGTERM while tailing, 1 on a
// fatal error (reported as one line "NAME: reason" on stderr) or when the
// clean stop did not finish within --shutdown-timeout, 2 on a usage error,
// ExitStopped when a --bounded job was stopped before the end of its input,
// and 130 (SIGINT) or 143 (SIGTERM) when a second signal cut the clean stop
// short.
//
// Flags:
//
//	--source NAME=URI          read source NAME from URI (repeatable)
//	--sink NAME=URI            write sink NAME to URI (repeatable)
//	--bounded                  read the sources to their end, then finish
//	--timestamp-format FORMAT  epoch_millis or rfc3339, for every sink
//	--brokers HOST:PORT,...    Kafka brokers (default: $VELOCC_BROKERS, then the job's settings)
//	--group ID                 Kafka consumer group (default: the job's setting, then velocc-JOB)
//	--instance-id ID           a static Kafka group member id: a restart takes its partitions back at once
//	--guarantee G              at_least_once or exactly_once (Kafka transactions; see docs/kafka.md)
//	--offset-reset WHERE       earliest or latest: where a group without committed offsets starts
//	--workers N                split a bounded file source among N goroutines (jobs that allow it)
//	--on-error [NAME=]POLICY   fail, skip or dead_letter for bad records of every source, or of source NAME
//	--dead-letter [NAME=]PATH  the dead-letter file of every source, or of source NAME
//	--max-memory MB            the memory budget (default: the script's 'max.memory.mb'); see memory.go
//	--state-overflow MODE      fail or spill: what state beyond the budget does
//	--state-dir DIR            where spilled state goes (default: the temporary directory)
//	--shutdown-timeout D       how long the clean stop after a signal may take (default 30s; 0: no limit)
//	--stats=false              no record counts on stderr at exit
//	--help                     describe the job and its flags
//
// Without --bounded, sources tail their files: at the end they flush the
// sinks and poll for appended lines until the job is stopped. The first
// SIGINT or SIGTERM stops the job cleanly (see shutdown.go); a second one
// exits at once.
func Run(j *Job, args []string, stdout, stderr io.Writer) int {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	errw := lockStderr(stderr)
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, j, args, stdout, errw) }()
	return awaitSignals(jobName(j), sigs, stop, done, errw)
}

// runner is the state of one Run.
type runner struct {
	job      *Job
	bounded  bool
	progress time.Duration // interval of progress lines on stderr; 0 = none
	stderr   io.Writer     // serialized: sources log from their goroutines
	log      *slog.Logger  // the job's log, on stderr (log.go); nil in tests that make a runner: see logger
	jsonLog  bool          // --log-format json
	sources  []*Source
	sinks    []*Sink
	outputs  []*sinkOutput
	dead     []*deadLetter
	env      *Env
	poison   bool       // VELOCC_RT_POISON=1: see Source.deliver
	ops      [][]laneOp // per lane, the operators registered with Context.Parallel
	mem      *memWatch  // the memory budget; nil when there is none
	stats    bool       // --stats: statistics at exit, and a summary of each table's load
	loads    TableLoads // the tables' loads (tableload.go)

	// What the job's status reports (monitor.go): when it started, its phase (phaseStarting, ...), its flags, and
	// the HTTP server serving it, if any.
	started time.Time
	phase   atomic.Int32
	args    []string
	http    Server
	metrics userMetrics // the metrics from SQL (usermetrics.go)

	partsMu sync.Mutex
	parts   int32 // partition count of the first partitioned source, once known
}

// partitions returns the partition count a partitioned source reported with SetPartitionCount, or 0.
func (r *runner) partitions() int32 {
	r.partsMu.Lock()
	defer r.partsMu.Unlock()
	return r.parts
}

// checkJoined fails when the two partitioned inputs of a join of two streams have different partition counts:
// then a key's rows are not in partitions of the same number, and instances sharing the group would each see
// only some of the rows that must meet.
func (r *runner) checkJoined(j *Job) error {
	count := func(name string) (*Source, int32) {
		for _, s := range r.sources {
			if s.spec.Name == name {
				r.partsMu.Lock()
				defer r.partsMu.Unlock()
				return s, s.parts
			}
		}
		return nil, 0
	}
	for _, pair := range j.Joined {
		a, na := count(pair[0])
		b, nb := count(pair[1])
		if na == 0 || nb == 0 || na == nb {
			continue
		}
		return fmt.Errorf("sources %q (%s, %d partitions) and %q (%s, %d partitions) are joined by key: with several instances, the rows that meet must be read by the same one, which needs both topics keyed by the join key with as many partitions; give them the same partition count, or run the job as one instance with --single-instance",
			a.spec.Name, a.uri, na, b.spec.Name, b.uri, nb)
	}
	return nil
}

// SetPartitionCount records the number of partitions of the source's input, the default partition count of
// topics the job's sinks create.
func (s *Source) SetPartitionCount(n int32) {
	s.run.partsMu.Lock()
	defer s.run.partsMu.Unlock()
	s.parts = n
	if s.run.parts == 0 {
		s.run.parts = n
	}
}

// runContext is Run with the stop signal supplied as ctx: cancelling it
// stops the job cleanly.
func runContext(ctx context.Context, j *Job, args []string, stdout, stderr io.Writer) int {
	name := jobName(j)
	errw := lockStderr(stderr)
	opts, err := parseFlags(j, args)
	if err != nil {
		logAt(errw.logger(), slog.LevelError, name, "%v (see --help)", err)
		return 2
	}
	errw.log.Store(newLog(errw, opts.logFormat))
	log := errw.logger()
	if opts.help {
		writeHelp(stdout, j)
		fmt.Fprintf(stdout, "\nMemory: %s\n", describeMemory(j, opts))
		return 0
	}
	j = opts.onError.apply(j)
	mem, err := newMemWatch(j, opts, errw)
	if err != nil {
		logAt(log, slog.LevelError, name, "%v (see --help)", err)
		return 2
	}

	r := &runner{job: j, bounded: opts.bounded, stderr: errw, log: log, jsonLog: opts.logFormat == "json", poison: os.Getenv(poisonEnv) == "1", mem: mem, stats: opts.stats,
		started: time.Now(), args: args}
	if opts.http != "" {
		if r.mem == nil {
			r.mem = measureMemory(j, errw) // the status reports the state's size and the heap
		}
		if err := r.startHTTP(opts.http); err != nil {
			logAt(log, slog.LevelError, name, "%v", err)
			return usageIf(errors.Is(err, errNoHTTP) || opts.http != j.HTTPAddress)
		}
		defer r.http.Close()
	}
	if opts.stats {
		r.progress = opts.progress
	}
	r.env = &Env{Job: j, Brokers: opts.brokers, Group: opts.group, InstanceID: opts.instanceID, OffsetReset: opts.offsetReset, Bounded: opts.bounded,
		ExactlyOnce: opts.guarantee == "exactly_once",
		Stderr:      errw, log: log, Partitions: r.partitions}
	code, err := r.start(ctx, opts, stdout)
	if err != nil {
		r.close()
		logAt(log, slog.LevelError, name, "%v", err)
		return code
	}
	c := &Context{r: r}
	if j.Setup != nil {
		err = j.Setup(c)
	}
	if err == nil {
		err = c.err
	}
	if err == nil {
		err = r.setupLanes(j)
	}
	if err == nil && opts.workers > 1 {
		err = r.setupWorkers(j, opts.workers)
	}
	if err == nil && os.Getenv("GOGC") == "" && r.stateless() {
		// A job without state keeps little alive, so collecting garbage less often costs little memory; it saves
		// the collector's work per record, a tenth of a stateless Kafka job's CPU. $GOGC still decides when set.
		debug.SetGCPercent(400)
	}
	if err == nil {
		if code, err := checkSpill(j, opts, r); err != nil {
			r.close()
			logAt(log, slog.LevelError, name, "%v", err)
			return code
		}
	}
	if err == nil && r.mem != nil {
		r.mem.watch(r)
		if limit := r.mem.softLimit(); limit > 0 {
			// The collector works harder as the heap nears the budget, instead of letting garbage reach it.
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
		}
	}
	if err != nil {
		r.close()
		logAt(log, slog.LevelError, name, "%v", err)
		return 1
	}

	if opts.cpuProfile != "" {
		stopProfile, err := startCPUProfile(opts.cpuProfile)
		if err != nil {
			r.close()
			logAt(log, slog.LevelError, name, "%v", err)
			return 1
		}
		defer stopProfile()
	}
	r.phase.Store(phaseRunning)
	context.AfterFunc(ctx, func() { r.phase.CompareAndSwap(phaseRunning, phaseStopping) })
	result := make(chan int, 1)
	go func() { result <- r.finish(ctx, name, opts, errw) }()
	return r.awaitStop(ctx, name, result, opts.shutdownTimeout)
}

// finish reads the sources until they end or the job is stopped, closes the outputs and returns the exit code.
func (r *runner) finish(ctx context.Context, name string, opts *options, errw *lockedWriter) int {
	first := r.readAll(ctx)
	r.phase.Store(phaseStopping)
	if err := r.close(); err != nil && first == nil {
		first = err
	}
	r.phase.Store(phaseStopped)
	if opts.stats {
		writeStats(errw, r)
	}
	if first != nil {
		logAt(r.log, slog.LevelError, name, "%s", oneLine(first.Error()))
		return 1
	}
	if early := r.unfinished(); early != "" {
		logAt(r.log, slog.LevelWarn, name, "stopped before the end of %s: the output is incomplete (open windows and EMIT FINAL groups are emitted only at the end of the input)", early)
		return ExitStopped
	}
	return 0
}

// ExitStopped is the exit code of a --bounded job stopped (by SIGINT or SIGTERM) before it read its sources to
// their end: its output is incomplete, so the code differs from a finished run's 0.
const ExitStopped = 3

// unfinished names the sources a --bounded run did not read to their end, as `source "orders"`; "" for a run
// without --bounded, which only ends when it is stopped.
func (r *runner) unfinished() string {
	if !r.bounded {
		return ""
	}
	var names []string
	for _, s := range r.sources {
		if !s.ended {
			names = append(names, strconv.Quote(s.spec.Name))
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "source " + names[0]
	}
	return "sources " + strings.Join(names, ", ")
}

// start resolves and opens the sources, dead-letter files and sinks. The code
// is 2 when a URI given on the command line is unusable, 1 otherwise.
func (r *runner) start(ctx context.Context, opts *options, stdout io.Writer) (int, error) {
	for _, spec := range r.job.Sources {
		uri, over := spec.URI, false
		if u, ok := opts.sources[spec.Name]; ok {
			uri, over = u, true
		}
		s, err := newSource(spec, uri, over, r.env)
		if err != nil {
			return usageIf(over), fmt.Errorf("source %q: %v", spec.Name, err)
		}
		s.run = r
		if spec.Table {
			s.tableLoad()
		}
		r.sources = append(r.sources, s)
	}
	if r.env.ExactlyOnce {
		if err := checkExactlyOnce(r.job, opts, r.sources); err != nil {
			return 2, err
		}
	}
	for _, s := range r.sources {
		if err := s.open(ctx); err != nil {
			return 1, fmt.Errorf("source %q: %v", s.spec.Name, err)
		}
	}
	if !opts.singleInstance {
		if err := r.checkJoined(r.job); err != nil {
			return 1, err
		}
	}
	for _, s := range r.sources {
		if s.deadPath == "" {
			continue
		}
		for _, dl := range r.dead {
			if dl.path == s.deadPath {
				s.dead = dl
			}
		}
		if s.dead == nil {
			dl, err := openDeadLetter(s.deadPath)
			if err != nil {
				return 1, fmt.Errorf("source %q: %v", s.spec.Name, err)
			}
			r.dead = append(r.dead, dl)
			s.dead = dl
		}
	}
	outputs := make(map[string]*sinkOutput)
	for _, spec := range r.job.Sinks {
		uri, over := spec.URI, false
		if u, ok := opts.sinks[spec.Name]; ok {
			uri, over = u, true
		}
		s, err := newSink(spec, uri, over, opts.timeFormat, r.env)
		if err != nil {
			return usageIf(over), fmt.Errorf("sink %q: %v", spec.Name, err)
		}
		n := len(outputs)
		if err := s.open(ctx, stdout, outputs); err != nil {
			return 1, fmt.Errorf("sink %q: %v", spec.Name, err)
		}
		if len(outputs) > n {
			r.outputs = append(r.outputs, s.out)
		}
		r.sinks = append(r.sinks, s)
	}
	return 0, nil
}

// setupLanes gives the sources more lanes when every source's input can spread its records over goroutines
// and no query keeps state: the job's Setup runs once more per lane, creating that lane's own (stateless) query
// operators; sinks are shared. With state, records of a group must meet one operator, so there is one lane.
func (r *runner) setupLanes(j *Job) error {
	n := min(runtime.GOMAXPROCS(0), maxLanes)
	if n < 2 || j.Setup == nil || len(r.sources) == 0 {
		return nil
	}
	for _, s := range r.sources {
		if _, ok := s.input.(LaneInput); !ok || len(s.state) > 0 || s.spec.Table {
			return nil // a job with tables reads each source in one goroutine
		}
	}
	for k := 1; k < n; k++ {
		for _, s := range r.sources {
			l, err := s.lane()
			if err != nil {
				return err
			}
			s.lanes = append(s.lanes, l)
		}
		c := &Context{r: r, lane: k}
		if err := j.Setup(c); err != nil {
			return err
		}
		if c.err != nil {
			return c.err
		}
	}
	for _, s := range r.sources {
		s.input.(LaneInput).UseLanes(s.lanes)
	}
	return nil
}

// stateless reports whether no query of the job keeps state (no Source.Track call).
func (r *runner) stateless() bool {
	for _, s := range r.sources {
		if len(s.state) > 0 {
			return false
		}
	}
	return true
}

func usageIf(b bool) int {
	if b {
		return 2
	}
	return 1
}

// readAll reads every source in a goroutine of its own and returns the first
// fatal error, which also stops the other sources. Table sources come first:
// the streams start once every table has finished its initial load.
func (r *runner) readAll(ctx context.Context) error {
	if len(r.sources) == 1 && r.sources[0].input == nil && len(r.sources[0].lanes) > 1 {
		return r.readWorkers(ctx, r.sources[0])
	}
	var tables, streams []*Source
	for _, s := range r.sources {
		if s.spec.Table {
			tables = append(tables, s)
		} else {
			streams = append(streams, s)
		}
	}
	if len(tables) > 0 {
		return r.readWithTables(ctx, tables, streams)
	}
	return readConcurrently(ctx, r.sources)
}

// readConcurrently reads each of sources in a goroutine of its own until all are done, and returns the first
// fatal error, which also stops the others.
func readConcurrently(ctx context.Context, sources []*Source) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, s := range sources {
		wg.Go(func() {
			if err := s.read(ctx); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel()
			}
		})
	}
	wg.Wait()
	return first
}

// flush writes buffered sink rows and dead letters through; tailing sources
// call it whenever they catch up with their file.
func (r *runner) flush() error {
	return r.flushCtx(context.Background())
}

// flushCtx is flush, waiting at most until ctx is done for outputs that
// acknowledge rows (Kafka).
func (r *runner) flushCtx(ctx context.Context) error {
	for _, o := range r.outputs {
		if err := o.flush(ctx); err != nil {
			return err
		}
	}
	for _, dl := range r.dead {
		if err := dl.flush(); err != nil {
			return err
		}
	}
	return nil
}

// close flushes and closes every output and input, returning the first
// error.
func (r *runner) close() error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for _, o := range r.outputs {
		keep(o.close())
	}
	for _, dl := range r.dead {
		keep(dl.close())
	}
	for _, s := range r.sources {
		if s.file != nil {
			s.file.Close()
		}
		if s.input != nil {
			keep(s.input.Close())
		}
	}
	keep(r.mem.close())
	return first
}

// oneLine keeps a fatal message to the single line the exit contract
// promises.
func oneLine(s string) string {
	return strings.ReplaceAll(s, "\n", " ")
}

// lockedWriter serializes writes from several goroutines. It carries the job's log (log.go), which writes to it:
// text until the flags say otherwise.
type lockedWriter struct {
	mu  sync.Mutex
	w   io.Writer
	log atomic.Pointer[slog.Logger]
}

// lockStderr returns w as a lockedWriter: w itself if it is one.
func lockStderr(w io.Writer) *lockedWriter {
	if l, ok := w.(*lockedWriter); ok {
		return l
	}
	return &lockedWriter{w: w}
}

// logger returns the job's log.
func (l *lockedWriter) logger() *slog.Logger {
	if lg := l.log.Load(); lg != nil {
		return lg
	}
	lg := newLog(l, "text")
	l.log.CompareAndSwap(nil, lg)
	return l.log.Load()
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// options are the parsed command-line flags.
type options struct {
	sources map[string]string // --source overrides by name
	sinks   map[string]string // --sink overrides by name
	bounded bool
	// singleInstance (--single-instance) says the job is the only instance of its group: the partition counts of
	// joined topics need not agree.
	singleInstance bool
	stats          bool
	help           bool
	timeFormat     string
	progress       time.Duration

	brokers, group, instanceID, offsetReset string
	guarantee                               string // --guarantee, else the job's
	cpuProfile                              string // --cpuprofile: write a CPU profile of the run here
	workers                                 int    // --workers: goroutines for a bounded file source
	onError                                 onErrorFlags

	maxMemoryMB   int64  // --max-memory: the memory budget in MiB; 0: the script's
	stateOverflow string // --state-overflow: "fail", "spill" or "" for the script's
	stateDir      string // --state-dir: where spilled state goes; "" for the temporary directory

	shutdownTimeout time.Duration // --shutdown-timeout: how long the clean stop may take; 0: no limit

	logFormat string // --log-format: "text" (the default) or "json"

	http string // --http: the address of the HTTP server (metrics, health, status), else $VELOCC_HTTP, else the script's
}

// parseFlags parses the command line. Flags take one or two dashes, and
// values either after '=' or as the next argument.
func parseFlags(j *Job, args []string) (*options, error) {
	o := &options{sources: map[string]string{}, sinks: map[string]string{}, stats: true, progress: 10 * time.Second,
		shutdownTimeout: 30 * time.Second}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if i+1 < len(args) {
				return nil, fmt.Errorf("unexpected argument %q", args[i+1])
			}
			break
		}
		if len(arg) < 2 || arg[0] != '-' {
			return nil, fmt.Errorf("unexpected argument %q", arg)
		}
		flag := strings.TrimPrefix(arg[1:], "-")
		flag, val, hasVal := strings.Cut(flag, "=")
		value := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("flag --%s needs a value", flag)
			}
			i++
			return args[i], nil
		}
		boolean := func() (bool, error) {
			if !hasVal {
				return true, nil
			}
			b, err := strconv.ParseBool(val)
			if err != nil {
				return false, fmt.Errorf("flag --%s wants true or false, got %q", flag, val)
			}
			return b, nil
		}
		var err error
		switch flag {
		case "help", "h":
			o.help = true
		case "bounded":
			o.bounded, err = boolean()
		case "single-instance":
			o.singleInstance, err = boolean()
		case "stats":
			o.stats, err = boolean()
		case "progress":
			var v string
			if v, err = value(); err == nil {
				if o.progress, err = time.ParseDuration(v); err != nil || o.progress < 0 {
					err = fmt.Errorf("flag --progress wants a duration such as 10s, or 0 for none, got %q", v)
				}
			}
		case "shutdown-timeout":
			var v string
			if v, err = value(); err == nil {
				if o.shutdownTimeout, err = time.ParseDuration(v); err != nil || o.shutdownTimeout < 0 {
					err = fmt.Errorf("flag --shutdown-timeout wants a duration such as 30s, or 0 for no limit, got %q", v)
				}
			}
		case "workers":
			var v string
			if v, err = value(); err == nil {
				if o.workers, err = strconv.Atoi(v); err != nil || o.workers < 1 || o.workers > 256 {
					err = fmt.Errorf("flag --workers wants a number of goroutines from 1 to 256, got %q", v)
				}
			}
		case "cpuprofile":
			if o.cpuProfile, err = value(); err == nil && o.cpuProfile == "" {
				err = fmt.Errorf("flag --cpuprofile wants a file name")
			}
		case "timestamp-format":
			if o.timeFormat, err = value(); err == nil && o.timeFormat != "epoch_millis" && o.timeFormat != "rfc3339" {
				err = fmt.Errorf("flag --timestamp-format wants epoch_millis or rfc3339, got %q", o.timeFormat)
			}
		case "brokers":
			if o.brokers, err = value(); err == nil && strings.TrimSpace(o.brokers) == "" {
				err = fmt.Errorf("flag --brokers wants HOST:PORT[,HOST:PORT...]")
			}
		case "group":
			if o.group, err = value(); err == nil && o.group == "" {
				err = fmt.Errorf("flag --group wants a consumer group id")
			}
		case "instance-id":
			if o.instanceID, err = value(); err == nil && o.instanceID == "" {
				err = fmt.Errorf("flag --instance-id wants a group member id")
			}
		case "guarantee":
			if o.guarantee, err = value(); err == nil && o.guarantee != "at_least_once" && o.guarantee != "exactly_once" {
				err = fmt.Errorf("flag --guarantee wants at_least_once or exactly_once, got %q", o.guarantee)
			}
		case "offset-reset":
			if o.offsetReset, err = value(); err == nil && o.offsetReset != "earliest" && o.offsetReset != "latest" {
				err = fmt.Errorf("flag --offset-reset wants earliest or latest, got %q", o.offsetReset)
			}
		case "max-memory":
			var v string
			if v, err = value(); err == nil {
				if o.maxMemoryMB, err = strconv.ParseInt(v, 10, 64); err != nil || o.maxMemoryMB < 1 || o.maxMemoryMB > 1<<30 {
					err = fmt.Errorf("flag --max-memory wants a number of MiB from 1 to %d, got %q", 1<<30, v)
				}
			}
		case "state-overflow":
			if o.stateOverflow, err = value(); err == nil && o.stateOverflow != "fail" && o.stateOverflow != "spill" {
				err = fmt.Errorf("flag --state-overflow wants fail or spill, got %q", o.stateOverflow)
			}
		case "log-format":
			if o.logFormat, err = value(); err == nil && !slices.Contains(logFormats, o.logFormat) {
				err = fmt.Errorf("flag --log-format wants text or json, got %q", o.logFormat)
			}
		case "http":
			if o.http, err = value(); err == nil && !validHTTPAddr(o.http) {
				err = fmt.Errorf("flag --http wants HOST:PORT (such as 127.0.0.1:9090, or :9090 for every interface), got %q", o.http)
			}
		case "state-dir":
			if o.stateDir, err = value(); err == nil && o.stateDir == "" {
				err = fmt.Errorf("flag --state-dir wants a directory")
			}
		case "source", "sink":
			var v string
			if v, err = value(); err == nil {
				err = o.override(j, flag, v)
			}
		case "on-error", "dead-letter":
			var v string
			if v, err = value(); err == nil {
				err = o.onError.set(j, flag, v)
			}
		default:
			err = fmt.Errorf("unknown flag %s", arg)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := o.onError.check(j); err != nil {
		return nil, err
	}
	if o.guarantee == "" {
		o.guarantee = j.Guarantee
	}
	if o.http == "" {
		if v := os.Getenv("VELOCC_HTTP"); v != "" {
			if !validHTTPAddr(v) {
				return nil, fmt.Errorf("$VELOCC_HTTP wants HOST:PORT (such as 127.0.0.1:9090), got %q", v)
			}
			o.http = v
		} else {
			o.http = j.HTTPAddress
		}
	}
	return o, nil
}

// checkExactlyOnce checks that a job can run under the guarantee exactly_once: one Kafka stream (its consumer's
// transaction carries the rows, the state and the offsets; tables aside), and nothing written outside Kafka.
func checkExactlyOnce(j *Job, opts *options, sources []*Source) error {
	const what = "the guarantee exactly_once (Kafka transactions)"
	streams := 0
	for _, s := range sources {
		if s.spec.Table {
			continue
		}
		if s.input == nil {
			return fmt.Errorf("%s needs the job's streams on Kafka: source %q reads a file", what, s.spec.Name)
		}
		streams++
		if s.deadPath != "" && !strings.HasPrefix(s.deadPath, deadTopicScheme) {
			return fmt.Errorf("%s needs dead letters on Kafka: source %q writes them to the file %s (set "+
				"'dead.letter.topic', or --dead-letter %s=kafka:TOPIC)", what, s.spec.Name, s.deadPath, s.spec.Name)
		}
	}
	if streams != 1 {
		return fmt.Errorf("%s needs exactly one Kafka stream source, whose transaction covers the job; this job reads %d", what, streams)
	}
	for _, spec := range j.Sinks {
		uri := spec.URI
		if u, ok := opts.sinks[spec.Name]; ok {
			uri = u
		}
		if !strings.HasPrefix(uri, "kafka:") && !strings.HasPrefix(uri, "none:") {
			return fmt.Errorf("%s needs every sink on Kafka: sink %q writes %s, outside any transaction", what, spec.Name, uri)
		}
	}
	return nil
}

// validHTTPAddr reports whether addr is HOST:PORT with a port number (HOST may be empty: every interface).
func validHTTPAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

// override records --source or --sink NAME=URI, checking that the job
// declares NAME.
func (o *options) override(j *Job, flag, v string) error {
	name, uri, ok := strings.Cut(v, "=")
	if !ok || name == "" || uri == "" {
		return fmt.Errorf("flag --%s wants NAME=URI, got %q", flag, v)
	}
	var declared []string
	if flag == "source" {
		for _, s := range j.Sources {
			declared = append(declared, s.Name)
		}
	} else {
		for _, s := range j.Sinks {
			declared = append(declared, s.Name)
		}
	}
	if !slices.Contains(declared, name) {
		return fmt.Errorf("--%s %s: the job has no %s %q; %s", flag, v, flag, name, listNames(flag, declared))
	}
	if flag == "source" {
		o.sources[name] = uri
	} else {
		o.sinks[name] = uri
	}
	return nil
}

// listNames words the declared names for an error message.
func listNames(kind string, names []string) string {
	if len(names) == 0 {
		return "it declares no " + kind + "s"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return "its only " + kind + " is " + q[0]
	}
	return "its " + kind + "s are " + strings.Join(q, ", ")
}

// startCPUProfile writes a CPU profile of the run to path (--cpuprofile), for 'go tool pprof'; the returned
// function stops it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %v", unwrapPath(err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %v", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
