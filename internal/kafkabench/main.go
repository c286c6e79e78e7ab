// Command kafkabench measures the Kafka-to-Kafka throughput of velocc jobs against a plain franz-go
// consume-and-produce loop on the same broker, and reports the ratios as a Markdown table.
//
//	go run ./internal/kafkatest/broker -- go run ./internal/kafkabench [-n 6000000] [-reps 5] [-partitions 6] [-restore-groups 1000000]
//
// ('make bench-kafka' runs exactly that.) It needs a broker in VELOCC_TEST_BROKERS, which the broker wrapper sets.
// It produces N generated JSON orders once to an input topic, then runs every contender once per repetition (in
// an order that rotates between repetitions), each reading the whole topic with a fresh consumer group and
// writing to a fresh output topic. The velocc jobs are compiled from this checkout and run --bounded; the
// stateless and order-flow jobs run a second time per repetition with --guarantee exactly_once. Every run is
// checked (every record read, none bad or late, the output complete, read read_committed after an exactly-once
// run); a failed check stops the benchmark.
// Then it measures how fast a job restores the state of an aggregation from its changelog topic: a job with a
// group per account builds the state of -restore-groups accounts once, then is started again -reps times with
// nothing new to read, and its log says how long the restore took (restore.go).
// The table goes to stdout and, between its markers, into docs/kafka-performance.md; progress goes to stderr.
// The topics, consumer groups and temporary directories are removed at the end.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/velocc/velocc/internal/benchdoc"
	"github.com/velocc/velocc/internal/e2e"
)

// brokersEnv names the variable holding the broker's address; internal/kafkatest/broker sets it.
const brokersEnv = "VELOCC_TEST_BROKERS"

// config is what the flags set.
type config struct {
	n          int
	reps       int
	warmup     int
	partitions int
	seed       uint64
	minutes    int
	doc        string
	brokers    string
	profiles   string // directory for CPU profiles of the measured runs; "" for none
	// restoreGroups is the number of groups of the restore measurement; 0 skips it.
	restoreGroups int
}

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 6_000_000, "number of input records")
	flag.IntVar(&cfg.reps, "reps", 5, "repetitions; each runs every contender once")
	flag.IntVar(&cfg.warmup, "warmup", 1, "unmeasured rounds of every contender before the repetitions")
	flag.IntVar(&cfg.partitions, "partitions", 6, "partitions of the input and output topics")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the generated orders")
	flag.IntVar(&cfg.minutes, "minutes", 60, "minutes of event time the orders span")
	flag.IntVar(&cfg.restoreGroups, "restore-groups", 1_000_000, "groups whose restore from a changelog topic is measured; 0 skips the measurement")
	flag.StringVar(&cfg.doc, "doc", "docs/kafka-performance.md", "Markdown file to write the results into, relative to the repository's root; empty for none")
	flag.StringVar(&cfg.profiles, "cpuprofile", "", "write a CPU profile of every measured run, and the binaries to read them with, into this directory")
	flag.StringVar(&cfg.brokers, "brokers", os.Getenv(brokersEnv), "Kafka brokers, host:port[,host:port...] (default $"+brokersEnv+")")
	flag.Parse()
	if flag.NArg() > 0 {
		fatal(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}
	if err := run(cfg); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "kafkabench: %v\n", err)
	os.Exit(1)
}

// logf prints a progress line on stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// runSpec is what one contender's run reads and writes.
type runSpec struct {
	seeds []string
	in    string
	out   string // output topic; "" for none (a job's sink then writes nowhere)
	group string
	ends  map[int32]int64 // the input topic's end offsets: where a run stops
	dir   string          // working directory of a job process
	// profile is the file to write a CPU profile of the run to (a job's --cpuprofile); "" for none.
	profile string
	// exactlyOnce runs a job with --guarantee exactly_once; its output is then counted as a read_committed
	// consumer reads it.
	exactlyOnce bool

	progress int64 // records copied so far, for progress lines (atomic); only the passthrough keeps it
}

// runResult is what one contender's run measured and reported.
type runResult struct {
	elapsed time.Duration
	cpu     time.Duration // user and system CPU time of the contender (a job's process; the passthrough's run)
	read    int64         // records read, as the contender reports them
	emitted int64         // records written, as the contender reports them
	log     string        // a job's stderr
}

// contender is one program under measurement.
type contender struct {
	key    string // short name, used in topic and group names
	title  string // name in the report
	target float64
	// against, when maxCost or exactlyOnce is set, is the index of the contender this one is the same job as,
	// with something added (an HTTP server) that may cost at most maxCost of its throughput, or run under the
	// guarantee exactly_once, which must keep at least eosTarget of its throughput.
	against     int
	maxCost     float64
	exactlyOnce bool
	run         func(context.Context, *runSpec) (runResult, error)
	// wantEmitted returns the number of output records a run must write, given the input; nil when only the
	// contender's own count can be checked against the output topic.
	wantEmitted func(inputStats) int64

	rates   []float64 // records/s of each repetition
	cpuPerM []float64 // CPU seconds of the contender's process per million records, each repetition
	emitted []int64   // records written, every round
}

func run(cfg config) error {
	if cfg.n < 1 || cfg.reps < 1 || cfg.partitions < 1 || cfg.warmup < 0 || cfg.restoreGroups < 0 {
		return errors.New("-n, -reps and -partitions must be at least 1, and -warmup and -restore-groups at least 0")
	}
	if cfg.brokers == "" {
		return fmt.Errorf("no Kafka broker: set %s=host:port, or run under 'go run ./internal/kafkatest/broker --' as 'make bench-kafka' does", brokersEnv)
	}
	seeds := strings.Split(cfg.brokers, ",")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	began := time.Now()

	root, err := e2e.RepoRoot()
	if err != nil {
		return err
	}
	adm, err := newAdmin(seeds)
	if err != nil {
		return err
	}
	defer adm.close()
	kafka := adm.kafkaVersion(ctx)
	logf("kafkabench: broker %s (Apache Kafka %s); %d records, %d partitions, %s", cfg.brokers, kafka,
		cfg.n, cfg.partitions, plural(cfg.reps, "repetition"))

	// Build the jobs first: a script that no longer compiles should fail before minutes of producing.
	jobs, err := veloccJobs(root)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kafkabench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	rev := revision(root) // before building: others may commit while the benchmark runs
	logf("kafkabench: compiling and building the velocc jobs (%s) in %s", rev, dir)
	t := time.Now()
	build := jobs
	if cfg.restoreGroups > 0 {
		build = append(slices.Clone(jobs), restoreJob)
	}
	bins, err := buildJobs(dir, build)
	if err != nil {
		return err
	}
	logf("kafkabench: built %d jobs in %.1fs", len(bins), time.Since(t).Seconds())
	if cfg.profiles != "" {
		if err := keepBinaries(cfg.profiles, bins); err != nil {
			return err
		}
	}

	suffix := strings.ToLower(rand.Text()[:8])
	in := "kafkabench-orders-" + suffix
	if err := adm.createTopic(ctx, in, int32(cfg.partitions)); err != nil {
		return err
	}
	defer adm.deleteTopic(in)
	logf("kafkabench: producing %d orders to topic %q", cfg.n, in)
	t = time.Now()
	input, err := produceInput(ctx, seeds, in, cfg.seed, cfg.n, cfg.minutes)
	if err != nil {
		return err
	}
	ends, err := adm.endOffsets(ctx, in)
	if err != nil {
		return err
	}
	var total int64
	for _, o := range ends {
		total += o
	}
	if total != int64(cfg.n) {
		return fmt.Errorf("topic %q holds %d records after producing %d", in, total, cfg.n)
	}
	logf("kafkabench: produced %d orders (%.0f MB) in %.1fs; per partition: %s", cfg.n, float64(input.bytes)/1e6,
		time.Since(t).Seconds(), partitionCounts(ends))
	runtime.GC()
	debug.FreeOSMemory() // the generator's garbage should not weigh on the runs

	cs := []*contender{
		{key: "passthrough", title: "passthrough (franz-go consume → produce)", run: passthrough,
			wantEmitted: func(in inputStats) int64 { return in.records }},
	}
	for _, j := range jobs {
		run := func(ctx context.Context, r *runSpec) (runResult, error) {
			return runJob(ctx, bins[j.name], r.dir, j, r, false)
		}
		c := &contender{key: j.name, run: run}
		switch j.name {
		case "stateless":
			c.title, c.target = "velocc stateless filter/projection", 0.7
			c.wantEmitted = func(in inputStats) int64 { return in.large }
		case "orderflow":
			c.title, c.target = "velocc order-flow (windowed aggregation)", 0.5
		}
		cs = append(cs, c)
		at := len(cs) - 1
		if j.name == "stateless" {
			// The same job serving its metrics, scraped every second: what --http costs.
			cs = append(cs, &contender{key: "stateless-http", title: "velocc stateless, serving --http (scraped every second)",
				against: at, maxCost: 0.03, wantEmitted: c.wantEmitted,
				run: func(ctx context.Context, r *runSpec) (runResult, error) {
					return runJob(ctx, bins[j.name], r.dir, j, r, true)
				}})
		}
		// The same job under the guarantee exactly_once: what the transactions cost.
		cs = append(cs, &contender{key: j.name + "-eos", title: c.title + ", exactly once", against: at,
			exactlyOnce: true, wantEmitted: c.wantEmitted, run: run})
	}

	// Warm-up rounds run in the listed order; repetition r starts with contender r (mod the count), so that each
	// contender goes first equally often.
	for round := range cfg.warmup + cfg.reps {
		rep := round - cfg.warmup
		label := fmt.Sprintf("rep %d/%d", rep+1, cfg.reps)
		if rep < 0 {
			label = fmt.Sprintf("warm-up %d/%d", round+1, cfg.warmup)
		}
		for k := range cs {
			c := cs[(max(rep, 0)+k)%len(cs)]
			name := fmt.Sprintf("kafkabench-%s-%d-%s", c.key, round+1, suffix)
			spec := &runSpec{seeds: seeds, in: in, ends: ends, dir: dir, out: name, group: name, exactlyOnce: c.exactlyOnce}
			if cfg.profiles != "" && rep >= 0 {
				spec.profile = filepath.Join(cfg.profiles, fmt.Sprintf("%s-rep%d.pprof", c.key, rep+1))
			}
			res, err := measure(ctx, adm, c, spec, input, int32(cfg.partitions), label)
			if err != nil {
				return fmt.Errorf("%s, %s: %v", c.title, label, err)
			}
			rate := float64(cfg.n) / res.elapsed.Seconds()
			logf("kafkabench: %-12s %-12s %6.2fs  %9s records/s  %5.2f CPU s", label, c.key, res.elapsed.Seconds(),
				benchdoc.Thousands(int64(rate)), res.cpu.Seconds())
			c.emitted = append(c.emitted, res.emitted)
			if rep >= 0 {
				c.rates = append(c.rates, rate)
				c.cpuPerM = append(c.cpuPerM, res.cpu.Seconds()*1e6/float64(cfg.n))
			}
		}
	}
	for _, c := range cs {
		for _, e := range c.emitted {
			if e != c.emitted[0] {
				return fmt.Errorf("%s wrote different numbers of records in different repetitions: %v", c.title, c.emitted)
			}
		}
		if o := cs[c.against]; c.exactlyOnce && c.emitted[0] != o.emitted[0] {
			return fmt.Errorf("%s wrote %d records (read_committed), %s %d", c.title, c.emitted[0], o.title, o.emitted[0])
		}
	}

	var restored *restoreResult
	if cfg.restoreGroups > 0 {
		restored, err = measureRestore(ctx, adm, cfg, seeds, dir, bins[restoreJob.name], suffix)
		if err != nil {
			return err
		}
	}

	results := report(setup{cpu: benchdoc.CPUModel(), cores: runtime.NumCPU(), kafka: strings.TrimPrefix(kafka, "v"),
		records: int64(cfg.n), megabytes: float64(input.bytes) / 1e6, partitions: int32(cfg.partitions),
		reps: cfg.reps, warmup: cfg.warmup, revision: rev, profiled: cfg.profiles != ""}, summarize(cs), restored)
	fmt.Print(results)
	if cfg.doc != "" {
		path := filepath.Join(root, cfg.doc)
		old, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.WriteFile(path, updateDoc(old, results), 0o666); err != nil {
			return err
		}
		logf("kafkabench: wrote the results into %s", cfg.doc)
	}
	if cfg.profiles != "" {
		p := filepath.Join(cfg.profiles, "stateless")
		logf("kafkabench: CPU profiles in %s; for example: go tool pprof -top %s %s-rep1.pprof", cfg.profiles, p, p)
	}
	logf("kafkabench: done in %s", time.Since(began).Round(time.Second))
	return nil
}

// measure runs c once over a fresh output topic and consumer group, printing a progress line every 10 seconds,
// checks what it wrote (as a read_committed consumer reads it, after an exactly-once run), and removes the topic,
// the group and the changelog topics of the group.
func measure(ctx context.Context, adm *admin, c *contender, r *runSpec, input inputStats, partitions int32, label string) (runResult, error) {
	if err := adm.createTopic(ctx, r.out, partitions); err != nil {
		return runResult{}, err
	}
	defer adm.deleteChangelogs(r.group)
	defer adm.deleteGroup(r.group)
	defer adm.deleteTopic(r.out)

	done := make(chan struct{})
	ticker := time.NewTicker(10 * time.Second)
	defer ticker.Stop()
	go func() {
		began := time.Now()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				line := fmt.Sprintf("kafkabench: %s %s running for %.0fs", label, c.key, time.Since(began).Seconds())
				if n := atomic.LoadInt64(&r.progress); n > 0 {
					line += fmt.Sprintf(", %d records copied", n)
				}
				logf("%s", line)
			}
		}
	}()
	res, err := c.run(ctx, r)
	close(done)
	if err != nil {
		return res, err
	}
	if res.read != input.records {
		return res, fmt.Errorf("read %d records, want %d", res.read, input.records)
	}
	if c.wantEmitted != nil {
		if want := c.wantEmitted(input); res.emitted != want {
			return res, fmt.Errorf("wrote %d records, want %d", res.emitted, want)
		}
	}
	if r.exactlyOnce {
		// The topic holds the transactions' markers too, and would hold the rows of aborted ones.
		n, err := adm.committedCount(ctx, r.out)
		if err != nil {
			return res, err
		}
		if n != res.emitted {
			return res, fmt.Errorf("reported %d records written, but a read_committed consumer reads %d of topic %q", res.emitted, n, r.out)
		}
		return res, nil
	}
	n, err := adm.messageCount(ctx, r.out)
	if err != nil {
		return res, err
	}
	if n != res.emitted {
		return res, fmt.Errorf("reported %d records written, but topic %q holds %d", res.emitted, r.out, n)
	}
	return res, nil
}

// keepBinaries copies the job binaries and this program, which runs the passthrough, into dir, where go tool pprof
// finds them next to the profiles.
func keepBinaries(dir string, bins map[string]string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	copies := map[string]string{"passthrough": self}
	maps.Copy(copies, bins)
	for name, src := range copies {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o777); err != nil {
			return err
		}
	}
	return nil
}

// partitionCounts words the records per partition: "0: 412003, 1: 301220, ...".
func partitionCounts(ends map[int32]int64) string {
	var parts []string
	for p := range int32(len(ends)) {
		parts = append(parts, fmt.Sprintf("%d: %d", p, ends[p]))
	}
	return strings.Join(parts, ", ")
}
