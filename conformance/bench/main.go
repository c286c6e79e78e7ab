// Command bench measures velocc jobs against DuckDB on the same generated files, and reports rows/s, peak memory
// and build times as Markdown tables.
//
//	cd conformance && go run ./bench [-rows 5000000] [-reps 3] [-only W2-jsonl,W4] [-profile missed]
//
// ('make bench' runs exactly that, with $(BENCH_FLAGS).) It generates each workload's input deterministically into
// .cache/bench/ (once: the files are kept and generated again only when missing or when the generator changes),
// builds each velocc job as a user does (velocc build, then go build; twice, timing the second), and runs every
// workload through the velocc job (--bounded, one worker; two workers too if the job has --workers) and through
// DuckDB (threads=1 and threads=2), each run a child process of its own, several repetitions, interleaved. The
// first repetition's outputs are compared: velocc's rows must be DuckDB's, or the benchmark stops. The tables go
// to stdout and, between their markers, into docs/performance.md; progress goes to stderr. For each target
// missed, the velocc job runs once more under a profiler, and the top of the profile joins the report.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/velocc/velocc/internal/benchdoc"
	"github.com/velocc/velocc/internal/e2e"
)

// config is what the flags set.
type config struct {
	rows    int
	reps    int
	seed    uint64
	only    string
	cache   string
	doc     string
	profile string
	timeout time.Duration
	keep    bool
}

// root is the velocc checkout: the directory of its go.mod.
var root string

func main() {
	if len(os.Args) > 1 && os.Args[1] == duckChildCmd {
		if err := duckChild(os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "bench %s: %v\n", duckChildCmd, err)
			os.Exit(1)
		}
		return
	}
	var cfg config
	flag.IntVar(&cfg.rows, "rows", 5_000_000, "input rows of each workload")
	flag.IntVar(&cfg.reps, "reps", 3, "repetitions; each runs every contender of every workload once")
	flag.Uint64Var(&cfg.seed, "seed", 1, "seed of the generated data")
	flag.StringVar(&cfg.only, "only", "", "run only these workloads, comma-separated (W1, W2-jsonl, W2-csv, W3, W4, W5, W6, W7, W8, W9, W10, W11)")
	flag.StringVar(&cfg.cache, "cache", ".cache/bench", "directory of the generated data and the work files (relative to the repository's root, or absolute)")
	flag.StringVar(&cfg.doc, "doc", "docs/performance.md", "Markdown file to write the results into (relative to the repository's root, or absolute); empty for none")
	flag.StringVar(&cfg.profile, "profile", "missed", "which velocc jobs to profile after the runs: missed (those of missed targets), all or none")
	flag.DurationVar(&cfg.timeout, "timeout", 15*time.Minute, "how long one run may take")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work directory (jobs, outputs of the last repetition, profiles) in <cache>/work")
	flag.Parse()
	if flag.NArg() > 0 {
		fatal(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}
	if err := benchmark(cfg); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "bench: %v\n", err)
	os.Exit(1)
}

// logf prints a progress line on stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// selected returns the workloads -only names, all of them when it is empty.
func selected(only string) ([]*workload, error) {
	if only == "" {
		return workloads, nil
	}
	var out []*workload
	for _, id := range strings.Split(only, ",") {
		id = strings.TrimSpace(id)
		i := slices.IndexFunc(workloads, func(w *workload) bool { return strings.EqualFold(w.id, id) })
		if i < 0 {
			return nil, fmt.Errorf("-only: no workload %q; there are %s", id,
				strings.Join(mapSlice(workloads, func(w *workload) string { return w.id }), ", "))
		}
		if !slices.Contains(out, workloads[i]) {
			out = append(out, workloads[i])
		}
	}
	return out, nil
}

func benchmark(cfg config) error {
	if cfg.rows < 1 || cfg.reps < 1 {
		return errors.New("-rows and -reps must be at least 1")
	}
	if !slices.Contains([]string{"missed", "all", "none"}, cfg.profile) {
		return fmt.Errorf("-profile %q: want missed, all or none", cfg.profile)
	}
	ws, err := selected(cfg.only)
	if err != nil {
		return err
	}
	only := "" // the workloads of a partial run, in the report's order
	if len(ws) < len(workloads) {
		for _, w := range workloads {
			if slices.Contains(ws, w) {
				only = strings.TrimPrefix(only+","+w.id, ",")
			}
		}
	}
	began := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if root, err = e2e.RepoRoot(); err != nil {
		return err
	}
	cache := fromRoot(cfg.cache)
	work := filepath.Join(cache, "work")
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o777); err != nil {
		return err
	}
	// The work directory goes at the end, unless -keep says otherwise or the run fails: then it holds the
	// evidence (a mismatch names the output files in it).
	done := false
	defer func() {
		if done && !cfg.keep {
			os.RemoveAll(work)
		} else {
			logf("bench: the work directory is kept: %s", work)
		}
	}()

	duck, err := duckVersion()
	if err != nil {
		return fmt.Errorf("DuckDB: %v", err)
	}
	s := setup{cpu: benchdoc.CPUModel(), cores: runtime.NumCPU(), goos: runtime.GOOS, goarch: runtime.GOARCH,
		goVer: runtime.Version(), duckdb: duck + duckModule(), commit: commit(root),
		date: began.UTC().Format("2006-01-02 15:04 MST"), rows: cfg.rows, reps: cfg.reps, seed: cfg.seed, only: only}
	s.load[0] = loadAverage()
	logf("bench: %s, %d cores; DuckDB %s; %d rows, %d repetitions", s.cpu, s.cores, s.duckdb, cfg.rows, cfg.reps)

	// The data, each data set once for each of its sizes: the streams of cfg.rows records, the tables of their
	// numbers of keys.
	type sized struct {
		ds   *dataset
		rows int
	}
	files := map[sized][]dataFile{}
	data := func(ds *dataset, rows int) ([]dataFile, error) {
		if fs, ok := files[sized{ds, rows}]; ok {
			return fs, nil
		}
		fs, err := ensureData(cache, ds, cfg.seed, rows)
		if err != nil {
			return nil, fmt.Errorf("generating %s: %v", ds.name, err)
		}
		files[sized{ds, rows}] = fs
		i := slices.IndexFunc(s.datasets, func(in inputInfo) bool { return in.ds == ds })
		if i < 0 {
			s.datasets = append(s.datasets, inputInfo{name: ds.name, about: ds.about, ds: ds})
			i = len(s.datasets) - 1
		}
		s.datasets[i].files = append(s.datasets[i].files, fs...)
		return fs, nil
	}
	inputs := map[*workload]*wlResult{}
	for _, w := range ws {
		// A workload of several streams shares the rows among them.
		rows := cfg.rows / (1 + len(w.streams))
		if rows < 1 {
			return fmt.Errorf("%s: -rows %d is too few for its %d streams", w.id, cfg.rows, 1+len(w.streams))
		}
		fs, err := data(w.ds, rows)
		if err != nil {
			return err
		}
		wr := &wlResult{w: w, input: fs[w.format], outRows: -1}
		for _, s := range w.streams {
			fs, err := data(s.ds, rows)
			if err != nil {
				return err
			}
			wr.streams = append(wr.streams, fs[s.format])
		}
		for _, t := range w.tables {
			fs, err := data(t.ds, t.keys)
			if err != nil {
				return err
			}
			wr.tables = append(wr.tables, fs[t.format])
		}
		if w.load != nil {
			t := w.tables[w.load.table]
			fs, err := data(t.ds, w.load.keys)
			if err != nil {
				return err
			}
			wr.loadFile = fs[t.format]
		}
		inputs[w] = wr
	}

	// The jobs.
	logf("bench: building velocc and the jobs in %s", relPath(work))
	velocc, err := buildVelocc(root, work)
	if err != nil {
		return err
	}
	if err := buildLauncher(work); err != nil {
		return err
	}
	r := &results{byID: map[string]*wlResult{}}
	jobs := map[*wlResult]*job{}
	fused := map[*wlResult]*job{} // the jobs of the fused scripts
	for _, w := range ws {
		dir := filepath.Join(work, "jobs")
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return err
		}
		j, err := buildJob(velocc, root, dir, w.id, w.script)
		if err != nil {
			return fmt.Errorf("%s: %v", w.id, err)
		}
		workers := [...]string{"no --workers flag", "one worker only (its queries cannot merge)", "splits its input with --workers"}[j.workers]
		logf("bench: built %s: velocc build + go build %.1fs (the second time); %s", w.id, j.build, workers)
		wr := inputs[w]
		wr.build, wr.workers = j.build, j.workers
		r.rows = append(r.rows, wr)
		r.byID[w.id] = wr
		jobs[wr] = j
		if w.fused != nil {
			f, err := buildJob(velocc, root, dir, w.id+"-fused", w.fused)
			if err != nil {
				return fmt.Errorf("%s, the fused script: %v", w.id, err)
			}
			logf("bench: built %s's fused script: velocc build + go build %.1fs (the second time)", w.id, f.build)
			wr.fusedBuild = f.build
			fused[wr] = f
		}
	}

	for _, fs := range files {
		for _, f := range fs {
			if err := warm(f.path); err != nil {
				return err
			}
		}
	}

	// The repetitions: each runs every workload's contenders once, in an order that rotates from one repetition
	// to the next, so that every contender goes first equally often.
	for rep := range cfg.reps {
		for _, wr := range r.rows {
			cs := []contender{veloccOne}
			if wr.workers == workersYes {
				cs = append(cs, veloccTwo)
			}
			if fused[wr] != nil {
				cs = append(cs, veloccFused)
			}
			cs = append(cs, duckOne, duckTwo)
			outs := map[contender]string{}
			for k := range cs {
				c := cs[(rep+k)%len(cs)]
				label := fmt.Sprintf("%s rep %d/%d: %s", wr.w.id, rep+1, cfg.reps, c)
				out := filepath.Join(work, fmt.Sprintf("%s-%s-%d.jsonl", strings.ToLower(wr.w.id), c.short(), rep+1))
				j := jobs[wr]
				if c == veloccFused {
					j = fused[wr]
				}
				res, err := measure(ctx, cfg, wr, j, c, out, work)
				if err != nil {
					return fmt.Errorf("%s: %v", label, err)
				}
				logf("bench: %-36s %6.2fs  %10s rows/s  %6.2fs CPU  peak RSS %s", label, res.wall.Seconds(),
					benchdoc.Thousands(int64(float64(wr.rowsIn())/res.wall.Seconds())), res.cpu.Seconds(), mebibytes(res.rss))
				if wr.outRows >= 0 && res.rows != wr.outRows {
					return fmt.Errorf("%s wrote %d rows, but %s wrote %d", label, res.rows, wr.outBy, wr.outRows)
				}
				wr.outRows, wr.outBy = res.rows, fmt.Sprintf("%s in rep %d", c, rep+1)
				wr.runs[c] = append(wr.runs[c], res)
				outs[c] = out
			}
			if rep == 0 {
				for _, c := range []contender{veloccOne, veloccTwo, veloccFused} {
					if out, ok := outs[c]; ok {
						if err := compareOutputs(wr.w, out, outs[duckOne]); err != nil {
							return fmt.Errorf("%s: %s (%s) and DuckDB threads=1 (%s) disagree: %v", wr.w.id, c, out,
								outs[duckOne], err)
						}
						logf("bench: %s: %s's %s rows are DuckDB's", wr.w.id, c, benchdoc.Thousands(wr.outRows))
					}
				}
			}
			if !cfg.keep || rep+1 < cfg.reps {
				for _, out := range outs {
					os.Remove(out)
				}
			}
			if wr.w.load != nil {
				label := fmt.Sprintf("%s rep %d/%d: table load", wr.w.id, rep+1, cfg.reps)
				res, l, err := measureLoad(ctx, cfg, wr, jobs[wr], work)
				if err != nil {
					return fmt.Errorf("%s: %v", label, err)
				}
				logf("bench: %-36s %6.2fs  %10s rows/s  (%s lines of %s)", label, l.secs,
					benchdoc.Thousands(int64(float64(l.read)/l.secs)), benchdoc.Thousands(l.read), l.name)
				wr.loads = append(wr.loads, loadRun{run: res, load: l})
			}
		}
	}

	// The rt micro-benchmarks.
	for _, wr := range r.rows {
		if wr.w.micro == "" {
			continue
		}
		res, err := runMicro(ctx, work, wr.w.micro, "")
		if err != nil {
			return fmt.Errorf("%s: %v", wr.w.micro, err)
		}
		for _, m := range res {
			logf("bench: %-36s %8.1f ns/op  %10s lookups/s", m.name, m.ns, benchdoc.Thousands(int64(1e9/m.ns)))
		}
		wr.micro = res
	}

	// Profiles of the jobs (their runs over the input, their table loads, their micro-benchmarks) whose targets
	// were missed.
	type profKey struct {
		id   string
		what profiled
	}
	prof := map[profKey]bool{}
	for _, wr := range r.rows {
		prof[profKey{wr.w.id, profileRun}] = cfg.profile == "all"
		prof[profKey{wr.w.id, profileLoad}] = cfg.profile == "all" && wr.w.load != nil
		prof[profKey{wr.w.id, profileMicro}] = cfg.profile == "all" && wr.w.micro != ""
		prof[profKey{wr.w.id, profileFused}] = cfg.profile == "all" && fused[wr] != nil
	}
	if cfg.profile == "missed" {
		for i, v := range r.verdicts() {
			if wr := r.byID[targets[i].profile]; v.ok && !v.met && wr != nil {
				prof[profKey{wr.w.id, targets[i].what}] = true
				// A chain of queries slower than its fused form: the fused job's profile is the yardstick.
				if targets[i].what == profileRun && fused[wr] != nil {
					prof[profKey{wr.w.id, profileFused}] = true
				}
			}
		}
	}
	for _, wr := range r.rows {
		for _, what := range []profiled{profileRun, profileFused, profileLoad, profileMicro} {
			if !prof[profKey{wr.w.id, what}] {
				continue
			}
			var p []profile
			var err error
			switch what {
			case profileRun, profileLoad:
				p, err = profileJob(ctx, cfg, wr, jobs[wr], work, what, wr.w.id == "W5" && what == profileRun)
			case profileFused:
				p, err = profileJob(ctx, cfg, wr, fused[wr], work, what, false)
			case profileMicro:
				p, err = microProfile(ctx, work, wr.w.micro)
			}
			if err != nil {
				logf("bench: profiling %s: %v", wr.w.id, err)
				continue
			}
			r.profiles = append(r.profiles, p...)
		}
	}

	s.total = time.Since(began).Round(time.Second).String()
	s.load[1], s.floor = loadAverage(), launcherFloor
	r.setup = s
	text := report(r)
	fmt.Print(text)
	if cfg.doc != "" {
		path := fromRoot(cfg.doc)
		old, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.WriteFile(path, updateDoc(old, text, s.only), 0o666); err != nil {
			return err
		}
		logf("bench: wrote the results into %s", cfg.doc)
	}
	logf("bench: done in %s", s.total)
	done = true
	return nil
}

// fromRoot returns path, relative to the repository's root unless it is absolute.
func fromRoot(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(root, path)
}

// measure runs contender c of a workload once, writing to out.
func measure(ctx context.Context, cfg config, wr *wlResult, j *job, c contender, out, dir string) (run, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if c.velocc() {
		return runVelocc(ctx, j.bin, dir, wr, out, c.threads())
	}
	return runDuck(ctx, dir, wr.w.duckQuery(wr.input.path, paths(wr.streams), paths(wr.tables)), out, c.threads())
}

// paths returns the paths of files.
func paths(files []dataFile) []string {
	return mapSlice(files, func(f dataFile) string { return f.path })
}

// loadArgs returns the arguments of the velocc job of wr for measuring its table load: the larger file of the
// measured table, the other tables' usual files, and an empty stream (the file empty, written into dir).
func loadArgs(wr *wlResult, dir, out string) ([]string, []dataFile, error) {
	empty := filepath.Join(dir, "empty-"+wr.w.ds.name+"."+wr.w.ds.formats[wr.w.format].ext)
	if err := os.WriteFile(empty, nil, 0o666); err != nil {
		return nil, nil, err
	}
	tables := slices.Clone(wr.tables)
	tables[wr.w.load.table] = wr.loadFile
	return veloccArgs(wr.w, empty, wr.streams, tables, out, 1), tables, nil
}

// measureLoad runs the velocc job of wr once with the larger file of its measured table and an empty stream, and
// returns the run and the load of the table as the job's summary line gives it.
func measureLoad(ctx context.Context, cfg config, wr *wlResult, j *job, dir string) (run, tableLoad, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	out := filepath.Join(dir, strings.ToLower(wr.w.id)+"-load.jsonl")
	defer os.Remove(out)
	args, tables, err := loadArgs(wr, dir, out)
	if err != nil {
		return run{}, tableLoad{}, err
	}
	res, _, stderr, err := child(ctx, dir, nil, j.bin, args...)
	if err != nil {
		return res, tableLoad{}, err
	}
	loads, err := parseTableLoads(string(stderr), wr.w.tableNames())
	if err == nil {
		err = checkTables(loads, tables)
	}
	if err != nil {
		return res, tableLoad{}, fmt.Errorf("%v:\n%s", err, tail(string(stderr), 30))
	}
	l := loads[wr.w.load.table]
	if l.secs <= 0 {
		return res, l, fmt.Errorf("table %s: the job says it loaded in %.2f s: too fast to time", l.name, l.secs)
	}
	return res, l, nil
}

// profileJob runs the velocc job j of wr once more under the CPU profiler (its --cpuprofile flag, or a copy of the
// job with a profiling main function), and with heap once more with a heap profile written at its end, and
// returns the top of each profile. The run is over the workload's input (mode profileRun, or profileFused for the
// job of the fused script), or that of measureLoad, the table load alone (profileLoad).
func profileJob(ctx context.Context, cfg config, wr *wlResult, j *job, work string, mode profiled, heap bool) ([]profile, error) {
	load := mode == profileLoad
	dir := filepath.Join(work, "profile-"+strings.ToLower(wr.w.id))
	switch mode {
	case profileLoad:
		dir += "-load"
	case profileFused:
		dir += "-fused"
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	args := veloccArgs(wr.w, wr.input.path, wr.streams, wr.tables, filepath.Join(dir, "out.jsonl"), 1)
	title, what := wr.w.title, "velocc 1 worker"
	if mode == profileFused {
		title = wr.w.fusedTitle
	}
	if load {
		var err error
		if args, _, err = loadArgs(wr, dir, filepath.Join(dir, "out.jsonl")); err != nil {
			return nil, err
		}
		what = fmt.Sprintf("its table load alone (%s lines of %s and an empty stream)",
			benchdoc.Thousands(int64(wr.loadFile.rows)), wr.w.tables[wr.w.load.table].ds.source)
	}
	wrapped := ""
	if !j.cpuprof || heap {
		var err error
		if wrapped, err = buildProfiled(j, filepath.Join(dir, "module")); err != nil {
			return nil, err
		}
	}
	runOnce := func(bin string, extra []string, env ...string) (run, error) {
		ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
		res, _, _, err := child(ctx, dir, env, bin, append(slices.Clone(args), extra...)...)
		return res, err
	}

	cpu := filepath.Join(dir, "cpu.pprof")
	bin := j.bin
	var res run
	var err error
	if j.cpuprof {
		res, err = runOnce(j.bin, []string{"--cpuprofile", cpu})
	} else {
		bin = wrapped
		res, err = runOnce(wrapped, nil, "BENCH_CPUPROFILE="+cpu)
	}
	if err != nil {
		return nil, err
	}
	logf("bench: profiled %s: %.2fs under the CPU profiler", wr.w.id, res.wall.Seconds())
	top, err := pprofTop(bin, cpu, 25)
	if err != nil {
		return nil, err
	}
	out := []profile{{title: fmt.Sprintf("CPU profile of %s, %s (one run under the profiler, %.1f s; "+
		"top 25 by self time):", title, what, res.wall.Seconds()), top: top}}
	if heap {
		mem := filepath.Join(dir, "heap.pprof")
		if _, err := runOnce(wrapped, nil, "BENCH_MEMPROFILE="+mem); err != nil {
			return nil, err
		}
		top, err := pprofTop(wrapped, mem, 15, "-sample_index=alloc_space")
		if err != nil {
			return nil, err
		}
		out = append(out, profile{title: fmt.Sprintf("Heap profile of %s, velocc 1 worker (bytes allocated over the "+
			"run, sampled, by function; top 15):", wr.w.title), top: top})
	}
	return out, nil
}

// duckModule returns " (duckdb-go vX)", the version of the DuckDB driver linked into this binary, or "".
func duckModule() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == "github.com/duckdb/duckdb-go/v2" {
			return " (duckdb-go " + m.Version + ")"
		}
	}
	return ""
}

// commit returns the checkout's commit, "abc1234" or "abc1234 with local changes", or "unknown".
func commit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += " with local changes"
	}
	return c
}
