// The report: medians and ranges over the repetitions, the Markdown tables, the targets, the profiles of the jobs
// that miss one, and the results block of docs/performance.md.

package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/velocc/velocc/internal/benchdoc"
)

// results holds what a benchmark run measured.
type results struct {
	setup    setup
	rows     []*wlResult
	byID     map[string]*wlResult
	profiles []profile
}

// wlResult is what one workload measured.
type wlResult struct {
	w       *workload
	input   dataFile
	build   float64 // seconds of velocc build + go build, warm cache
	workers workerSupport
	outRows int64  // rows written, the same in every run
	outBy   string // the run that first wrote outRows rows
	runs    [numContenders][]run

	streams    []dataFile // the files of w.streams
	fusedBuild float64    // seconds of velocc build + go build of w.fused, warm cache; 0 without one

	tables   []dataFile    // the files of w.tables
	loadFile dataFile      // the larger file of the table whose load is measured (w.load)
	loads    []loadRun     // the measured loads, one per repetition
	micro    []microResult // the results of w.micro
}

// loadRun is one run of measureLoad: the job's run and what it said about the measured table's load.
type loadRun struct {
	run  run
	load tableLoad
}

// loadRates returns the rows/s of the measured table loads: records read over the load's time.
func (wr *wlResult) loadRates() []float64 {
	return mapSlice(wr.loads, func(l loadRun) float64 { return float64(l.load.read) / l.load.secs })
}

// tableSecs returns the load times of table i that the velocc 1 worker runs reported.
func (wr *wlResult) tableSecs(i int) []float64 {
	return mapSlice(wr.runs[veloccOne], func(r run) float64 { return r.loads[i].secs })
}

// profile is the top of a profile of one velocc job.
type profile struct {
	title string
	top   string
}

// setup describes the machine and the run, for the report's header.
type setup struct {
	cpu      string
	cores    int
	goos     string
	goarch   string
	goVer    string
	duckdb   string // "v1.5.6 (duckdb-go v2.10506.0)"
	commit   string
	date     string
	rows     int
	reps     int
	seed     uint64
	total    string    // the run's wall time
	load     [2]string // the 1-minute load average at the start and at the end
	floor    int64     // the launcher's own peak RSS, the floor under every peak RSS
	only     string    // the workloads of a partial run (-only), in the order of the report; "" for all
	datasets []inputInfo
}

// inputInfo describes a generated data set.
type inputInfo struct {
	name  string
	about string
	ds    *dataset
	files []dataFile
}

func (wr *wlResult) has(c contender) bool { return len(wr.runs[c]) > 0 }

// missing says why contender c has no runs.
func (wr *wlResult) missing(c contender) string {
	if c == veloccTwo && wr.workers == workersNone {
		return "no --workers yet"
	}
	if c == veloccTwo && wr.workers == workersSerial {
		return "runs on one worker"
	}
	return "not run"
}

// rates returns the rows/s of c's runs: input rows over wall time.
func (wr *wlResult) rates(c contender, rows int) []float64 {
	var out []float64
	for _, r := range wr.runs[c] {
		out = append(out, float64(rows)/r.wall.Seconds())
	}
	return out
}

// median returns the median rows/s of c, 0 without runs.
func (wr *wlResult) median(c contender) float64 { return median(wr.rates(c, wr.rowsIn())) }

// rowsIn is the number of input rows: the records of the stream's file and of the other streams' files.
func (wr *wlResult) rowsIn() int {
	n := wr.input.rows
	for _, f := range wr.streams {
		n += f.rows
	}
	return n
}

// ratio returns the median rows/s of a over b's.
func (wr *wlResult) ratio(a, b contender) float64 {
	if m := wr.median(b); m > 0 {
		return wr.median(a) / m
	}
	return 0
}

// peakRSS returns the largest peak RSS of c's runs, in bytes.
func (wr *wlResult) peakRSS(c contender) int64 {
	var m int64
	for _, r := range wr.runs[c] {
		m = max(m, r.rss)
	}
	return m
}

// cpu returns the median CPU seconds of c's runs.
func (wr *wlResult) cpu(c contender) float64 {
	var xs []float64
	for _, r := range wr.runs[c] {
		xs = append(xs, r.cpu.Seconds())
	}
	return median(xs)
}

// median returns the median of xs (the mean of the middle two for an even count), 0 for none; xs is not modified.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// verdict is one target's outcome.
type verdict struct {
	text, value string
	met, ok     bool
}

// verdicts checks every target against r.
func (r *results) verdicts() []verdict {
	var out []verdict
	for _, t := range targets {
		v, met, ok := t.check(r)
		out = append(out, verdict{text: t.text, value: v, met: met, ok: ok})
	}
	return out
}

// report renders r as Markdown: the setup, the two tables, the targets and the profiles.
func report(r *results) string {
	var b strings.Builder
	s := r.setup
	if s.only != "" {
		fmt.Fprintf(&b, "A partial run (`-only %s`), apart from the full run above: its numbers come from another "+
			"time of the machine, so compare the ratios of the two runs rather than their rates.\n\n", s.only)
	}
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %s/%s, %s.\n", s.cpu, s.cores, s.goos, s.goarch, s.goVer)
	fmt.Fprintf(&b, "- DuckDB %s, in-memory, in a child process per run.\n", s.duckdb)
	fmt.Fprintf(&b, "- Run: %s rows per workload, %d repetitions, seed %d, %s, velocc %s; the whole run took %s. "+
		"Load average (1 minute): %s at the start, %s at the end.\n",
		benchdoc.Thousands(int64(s.rows)), s.reps, s.seed, s.date, s.commit, s.total, s.load[0], s.load[1])
	for _, in := range s.datasets {
		fmt.Fprintf(&b, "- Input %s (%s): %s.\n", in.name, strings.Join(mapSlice(in.files, func(f dataFile) string {
			if in.ds != nil && in.ds.key != nil {
				return fmt.Sprintf("%s %s: %s lines, %s keys", f.fmt.ext, megabytes(f.bytes),
					benchdoc.Thousands(int64(f.rows)), benchdoc.Thousands(int64(f.keys)))
			}
			return f.fmt.ext + " " + megabytes(f.bytes)
		}), "; "), in.about)
	}
	b.WriteString("\nThroughput, in millions of input rows per second: median (min–max) of the repetitions, and the ratio of " +
		"the medians.\n\n")
	b.WriteString(throughputTable(r))
	fmt.Fprintf(&b, "\nPeak resident set size (the largest of the repetitions; the launcher's own %s is a floor under "+
		"each) and CPU time (user + system, median of the repetitions) of each contender, the rows each run wrote, and "+
		"the time to build the job (velocc build + go build, warm build cache).\n\n", mebibytes(s.floor))
	b.WriteString(memoryTable(r))
	b.WriteString(tablesReport(r))
	b.WriteString("\nTargets (medians of this run):\n\n")
	for _, v := range r.verdicts() {
		if s.only != "" && v.value == "not run" {
			continue
		}
		word := "**missed**"
		switch {
		case !v.ok:
			word = "n/a"
		case v.met:
			word = "met"
		}
		fmt.Fprintf(&b, "- %s: %s — %s\n", v.text, v.value, word)
	}
	b.WriteString("\nWorkloads:\n\n")
	for _, wr := range r.rows {
		fmt.Fprintf(&b, "- %s: %s.\n", wr.w.title, wr.w.about)
	}
	for _, p := range r.profiles {
		fmt.Fprintf(&b, "\n%s\n\n```\n%s\n```\n", p.title, strings.TrimRight(p.top, "\n"))
	}
	return b.String()
}

// throughputTable renders the rows/s of every contender and the ratios.
func throughputTable(r *results) string {
	var b strings.Builder
	b.WriteString("| workload | velocc 1 worker | velocc 2 workers | DuckDB threads=1 | DuckDB threads=2 | velocc ÷ DuckDB, 1 thread | velocc ÷ DuckDB, 2 threads |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	rate := func(wr *wlResult, c contender) string {
		rates := wr.rates(c, wr.rowsIn())
		return fmt.Sprintf("%.3f (%.3f–%.3f)", median(rates)/1e6, slices.Min(rates)/1e6, slices.Max(rates)/1e6)
	}
	ratio := func(wr *wlResult, a, b contender) string {
		if !wr.has(a) || !wr.has(b) {
			return "n/a"
		}
		return fmt.Sprintf("%.2f×", wr.ratio(a, b))
	}
	for _, wr := range r.rows {
		cells := []string{wr.w.title}
		for _, c := range tableContenders {
			if !wr.has(c) {
				cells = append(cells, "n/a ("+wr.missing(c)+")")
				continue
			}
			cells = append(cells, rate(wr, c))
		}
		cells = append(cells, ratio(wr, veloccOne, duckOne), ratio(wr, veloccTwo, duckTwo))
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		if wr.has(veloccFused) {
			// The fused query: one worker, against the same DuckDB runs as the row above.
			b.WriteString("| " + strings.Join([]string{wr.w.fusedTitle, rate(wr, veloccFused), "n/a", "as above",
				"as above", ratio(wr, veloccFused, duckOne), "n/a"}, " | ") + " |\n")
		}
	}
	return b.String()
}

// memoryTable renders the peak RSS and CPU time of every contender, the output rows and the build time.
func memoryTable(r *results) string {
	var b strings.Builder
	b.WriteString("| workload | velocc 1 worker | velocc 2 workers | DuckDB threads=1 | DuckDB threads=2 | output rows | build |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	use := func(wr *wlResult, c contender) string {
		if !wr.has(c) {
			return "n/a"
		}
		return fmt.Sprintf("%s, %.2f s CPU", mebibytes(wr.peakRSS(c)), wr.cpu(c))
	}
	for _, wr := range r.rows {
		cells := []string{wr.w.title}
		for _, c := range tableContenders {
			cells = append(cells, use(wr, c))
		}
		cells = append(cells, benchdoc.Thousands(wr.outRows), fmt.Sprintf("%.1f s", wr.build))
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		if wr.has(veloccFused) {
			b.WriteString("| " + strings.Join([]string{wr.w.fusedTitle, use(wr, veloccFused), "n/a", "as above",
				"as above", benchdoc.Thousands(wr.outRows), fmt.Sprintf("%.1f s", wr.fusedBuild)}, " | ") + " |\n")
		}
	}
	return b.String()
}

// tablesReport renders the table loads and the micro-benchmarks of the workloads that have them.
func tablesReport(r *results) string {
	var b strings.Builder
	for _, wr := range r.rows {
		if len(wr.loads) > 0 {
			rates := wr.loadRates()
			secs := mapSlice(wr.loads, func(l loadRun) float64 { return l.load.secs })
			l := wr.loads[0].load
			fmt.Fprintf(&b, "\nTable load of %s, measured apart: the job run once in each repetition with a %s file of "+
				"%s lines (%s keys, %s) as its %s table and an empty stream. Its summary line (\"table %s: ... in S s\") "+
				"gives the load's time: a median of %.2f s (%.2f–%.2f), so %.3f (%.3f–%.3f) million rows/s; peak RSS %s.",
				wr.w.id, wr.loadFile.fmt.ext, benchdoc.Thousands(l.read), benchdoc.Thousands(l.rows),
				megabytes(wr.loadFile.bytes), l.name, l.name, median(secs), slices.Min(secs), slices.Max(secs),
				median(rates)/1e6, slices.Min(rates)/1e6, slices.Max(rates)/1e6,
				mebibytes(slices.Max(mapSlice(wr.loads, func(l loadRun) int64 { return l.run.rss }))))
			if wr.has(veloccOne) {
				b.WriteString(" In the runs above (velocc 1 worker), the summary lines said:")
				for i, t := range wr.tables {
					secs := wr.tableSecs(i)
					fmt.Fprintf(&b, " %s (%s lines, %s keys) loaded in %.2f s (%.2f–%.2f);", wr.w.tables[i].ds.source,
						benchdoc.Thousands(int64(t.rows)), benchdoc.Thousands(int64(t.keys)), median(secs),
						slices.Min(secs), slices.Max(secs))
				}
				b.WriteString(" the tables load in parallel.")
			}
			b.WriteString("\n")
		}
		if len(wr.micro) > 0 {
			fmt.Fprintf(&b, "\nMicro-benchmark of %s: `go test -bench '^%s$' ./rt`, one run (each case for at least 1 s), "+
				"in millions of lookups per second (ns per lookup); a gomap_ case looks the same keys up in Go's "+
				"built-in map, a yardstick of the machine:\n\n", wr.w.id, wr.w.micro)
			for _, m := range wr.micro {
				fmt.Fprintf(&b, "- %s: %.2f (%.1f ns)\n", m.name, 1e3/m.ns, m.ns)
			}
		}
	}
	return b.String()
}

// mebibytes words a byte count as "123 MiB".
func mebibytes(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// loadAverage returns the 1-minute load average from /proc/loadavg, or "unknown".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// The results in docs/performance.md lie between these markers; a run rewrites only what is between them.
const (
	beginMarker = "<!-- bench results: begin (rewritten by make bench) -->"
	endMarker   = "<!-- bench results: end -->"
)

// updateDoc returns the document with the results of a full run (only is "") between the markers, see
// benchdoc.Splice, and without the blocks of partial runs, which the full run supersedes. The results of a partial
// run (only names its workloads: "W6" or "W2-jsonl,W4") go into a block of their own, after the full run's block,
// replacing an earlier block of the same workloads: a partial run keeps the rows of the others.
func updateDoc(old []byte, results, only string) []byte {
	if only == "" {
		return partialBlockRE.ReplaceAll(benchdoc.Splice(old, beginMarker, endMarker, results, docTemplate), nil)
	}
	begin, end := partialMarkers(only)
	if bytes.Contains(old, []byte(begin)) {
		return benchdoc.Splice(old, begin, end, results, docTemplate)
	}
	block := begin + "\n" + strings.TrimRight(results, "\n") + "\n" + end
	j := bytes.Index(old, []byte(endMarker))
	if j < 0 || bytes.Index(old, []byte(beginMarker)) < 0 {
		return []byte(strings.Replace(docTemplate, "RESULTS", beginMarker+"\n"+endMarker+"\n\n"+block, 1))
	}
	j += len(endMarker)
	return slices.Concat(old[:j], []byte("\n\n"+block), old[j:])
}

// partialMarkers returns the markers of the block of a partial run of the workloads only.
func partialMarkers(only string) (begin, end string) {
	return "<!-- bench results -only " + only + ": begin (rewritten by make bench with -only " + only + ") -->",
		"<!-- bench results -only " + only + ": end -->"
}

// partialBlockRE matches the block of a partial run, with the blank lines before it.
var partialBlockRE = regexp.MustCompile(`(?s)\n*<!-- bench results -only [^:]*: begin .*?<!-- bench results -only [^:]*: end -->`)

// docTemplate is docs/performance.md when it does not exist yet (or has lost its markers); RESULTS is where the
// results go.
//
//go:embed doc.md.tmpl
var docTemplate string
