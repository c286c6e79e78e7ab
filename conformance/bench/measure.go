// Running a contender: each run is a child process, timed from its start to its exit, with the peak resident set
// size the kernel reports for it. DuckDB runs in a child too: the benchmark's own binary, re-executed with the
// hidden subcommand duckdb-child.

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/velocc/velocc/internal/benchdoc"
)

// run is what one measured run gave.
type run struct {
	wall time.Duration
	cpu  time.Duration // user and system CPU time
	rss  int64         // peak resident set size, bytes
	rows int64         // rows written
	// loads are the table loads a velocc job's summary lines describe, in the order of its tables.
	loads []tableLoad
}

// tableLoad is what a velocc job says about one table's initial load: its summary line, "table instruments:
// 100000 rows (2000 duplicates replaced) from 1 file, 5.1 MB, in 0.05 s", and its exit statistics,
// "instruments: read 102000, bad 0, late 0; table rows 100000, duplicates replaced 2000".
type tableLoad struct {
	name           string
	read, bad      int64   // records read, bad records
	rows, replaced int64   // rows in the table, duplicates replaced
	secs           float64 // the load's time, in hundredths of a second
}

var (
	tableSummaryRE = regexp.MustCompile(`(?m)^table (\S+): (\d+) rows \((\d+) duplicates replaced[^)]*\)[^\n]* in ([\d.]+) s$`)
	tableStatsRE   = regexp.MustCompile(`(?m)^(\S+): read (\d+), bad (\d+), late \d+[^\n;]*; table rows (\d+), duplicates replaced (\d+)`)
)

// parseTableLoads finds the summary line and the statistics of each of the tables in a job's stderr.
func parseTableLoads(stderr string, tables []string) ([]tableLoad, error) {
	out := make([]tableLoad, len(tables))
	found := make([]int, len(tables))
	for _, m := range tableSummaryRE.FindAllStringSubmatch(stderr, -1) {
		if i := slices.Index(tables, m[1]); i >= 0 {
			out[i].secs, _ = strconv.ParseFloat(m[4], 64)
			found[i]++
		}
	}
	for _, m := range tableStatsRE.FindAllStringSubmatch(stderr, -1) {
		if i := slices.Index(tables, m[1]); i >= 0 {
			out[i].read, _ = strconv.ParseInt(m[2], 10, 64)
			out[i].bad, _ = strconv.ParseInt(m[3], 10, 64)
			out[i].rows, _ = strconv.ParseInt(m[4], 10, 64)
			out[i].replaced, _ = strconv.ParseInt(m[5], 10, 64)
			found[i]++
		}
	}
	for i, name := range tables {
		out[i].name = name
		if found[i] != 2 {
			return nil, fmt.Errorf("no load summary and statistics lines for table %q in the job's stderr", name)
		}
	}
	return out, nil
}

// checkTables checks that the job loaded every line of each table file, none bad, into as many rows as the file
// has keys, and that the rows and duplicates of the summary line add up to the lines.
func checkTables(loads []tableLoad, files []dataFile) error {
	for i, l := range loads {
		f := files[i]
		if l.read != int64(f.rows) || l.bad != 0 || l.rows != int64(f.keys) || l.rows+l.replaced != l.read {
			return fmt.Errorf("table %s: read %d records with %d bad into %d rows (%d duplicates replaced); want %d "+
				"records, none bad, into %d rows", l.name, l.read, l.bad, l.rows, l.replaced, f.rows, f.keys)
		}
	}
	return nil
}

// launcher is the launch program (./launch) that starts every measured process; see its doc comment for why.
var launcher string

// buildLauncher builds ./launch into dir.
func buildLauncher(dir string) error {
	launcher = filepath.Join(dir, "launch")
	cmd := exec.Command("go", "build", "-o", launcher, "./bench/launch")
	cmd.Dir = filepath.Join(root, "conformance")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./bench/launch: %v\n%s", err, out)
	}
	return nil
}

// launchReport is what the launcher writes: see launch/main.go.
type launchReport struct {
	WallNS   int64 `json:"wall_ns"`
	CPUNS    int64 `json:"cpu_ns"`
	MaxRSSKB int64 `json:"maxrss_kb"`
	SelfKB   int64 `json:"self_kb"`
	Exit     int   `json:"exit"`
}

// child runs bin with args in dir (with env added to the environment) through the launcher, and returns the wall
// time and peak RSS the launcher measured, with the command's stdout and stderr; a failure carries the tail of its
// stderr. When ctx ends, the command gets SIGTERM (passed on by the launcher).
func child(ctx context.Context, dir string, env []string, bin string, args ...string) (run, []byte, []byte, error) {
	rf, err := os.CreateTemp(dir, "launch-*.json")
	if err != nil {
		return run{}, nil, nil, err
	}
	rf.Close()
	defer os.Remove(rf.Name())
	cmd := exec.CommandContext(ctx, launcher, append([]string{"-report", rf.Name(), "--", bin}, args...)...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if err != nil {
		what := bin + " " + strings.Join(args, " ")
		if ctx.Err() != nil {
			err = fmt.Errorf("%v (%v)", err, context.Cause(ctx))
		}
		return run{}, stdout.Bytes(), stderr.Bytes(), fmt.Errorf("%s failed (%v):\n%s", what, err, tail(stderr.String(), 30))
	}
	data, err := os.ReadFile(rf.Name())
	var rep launchReport
	if err == nil {
		err = json.Unmarshal(data, &rep)
	}
	if err != nil {
		return run{}, stdout.Bytes(), stderr.Bytes(), fmt.Errorf("the launcher's report: %v", err)
	}
	r := run{wall: time.Duration(rep.WallNS), cpu: time.Duration(rep.CPUNS), rss: rep.MaxRSSKB * 1024}
	launcherFloor = max(launcherFloor, rep.SelfKB*1024)
	return r, stdout.Bytes(), stderr.Bytes(), nil
}

// launcherFloor is the largest of the launcher's own peak RSS, the floor under every peak RSS measured.
var launcherFloor int64

// veloccArgs returns the job's arguments for reading input (and the files of its other streams and its tables, in
// the order of w.streams and w.tables) and writing out, with workers workers (1: no flag).
func veloccArgs(w *workload, input string, streams, tables []dataFile, out string, workers int) []string {
	args := []string{"--bounded", "--progress", "0", "--source", w.sourceURI(input)}
	for i, s := range w.streams {
		args = append(args, "--source", s.ds.sourceURI(s.format, streams[i].path))
	}
	for i, t := range w.tables {
		args = append(args, "--source", t.ds.sourceURI(t.format, tables[i].path))
	}
	args = append(args, "--sink", w.sink+"=file:"+out)
	if workers > 1 {
		args = append(args, "--workers", strconv.Itoa(workers))
	}
	return args
}

// tableNames returns the names of w's tables.
func (w *workload) tableNames() []string {
	return mapSlice(w.tables, func(t tableRef) string { return t.ds.source })
}

// runVelocc runs the job bin over the input of wr (its stream's file, its other streams' and its tables') and
// checks its exit statistics: every record of each stream read, none bad or late, and every table loaded whole
// (checkTables).
func runVelocc(ctx context.Context, bin, dir string, wr *wlResult, out string, workers int) (run, error) {
	w := wr.w
	r, _, stderr, err := child(ctx, dir, nil, bin, veloccArgs(w, wr.input.path, wr.streams, wr.tables, out, workers)...)
	if err != nil {
		return r, err
	}
	st, err := benchdoc.ParseStats(string(stderr), w.ds.source, w.sink)
	if err == nil && len(w.tables) > 0 {
		if r.loads, err = parseTableLoads(string(stderr), w.tableNames()); err == nil {
			err = checkTables(r.loads, wr.tables)
		}
	}
	if err != nil {
		return r, fmt.Errorf("%v:\n%s", err, tail(string(stderr), 30))
	}
	if err := checkRead(w.ds.source, st, wr.input.rows); err != nil {
		return r, err
	}
	for i, s := range w.streams {
		st, err := benchdoc.ParseStats(string(stderr), s.ds.source, w.sink)
		if err != nil {
			return r, fmt.Errorf("%v:\n%s", err, tail(string(stderr), 30))
		}
		if err := checkRead(s.ds.source, st, wr.streams[i].rows); err != nil {
			return r, err
		}
	}
	r.rows = st.Emitted
	return r, nil
}

// checkRead checks a source's exit statistics: rows records read, none bad or late.
func checkRead(source string, st benchdoc.JobStats, rows int) error {
	if st.Read != int64(rows) || st.Bad != 0 || st.Late != 0 {
		return fmt.Errorf("the job read %d records of %s with %d bad and %d late; want %d, none bad or late",
			st.Read, source, st.Bad, st.Late, rows)
	}
	return nil
}

// duckReport is what the duckdb-child subcommand prints on stdout.
type duckReport struct {
	Rows    int64   `json:"rows"`    // rows COPY wrote
	Seconds float64 `json:"seconds"` // time of the COPY statement alone
}

// runDuck runs query with DuckDB in a child process, writing its rows to out as JSON lines.
func runDuck(ctx context.Context, dir, query, out string, threads int) (run, error) {
	self, err := os.Executable()
	if err != nil {
		return run{}, err
	}
	r, stdout, _, err := child(ctx, dir, nil, self, duckChildCmd, "-threads", strconv.Itoa(threads), "-out", out, "-query", query)
	if err != nil {
		return r, err
	}
	var rep duckReport
	if err := json.Unmarshal(stdout, &rep); err != nil {
		return r, fmt.Errorf("reading the output of %s: %v: %q", duckChildCmd, err, stdout)
	}
	r.rows = rep.Rows
	return r, nil
}

// duckChildCmd is the hidden subcommand that runs one DuckDB query in a process of its own.
const duckChildCmd = "duckdb-child"

// duckChild is the duckdb-child subcommand: an in-memory DuckDB with the given threads runs
// COPY (query) TO out (FORMAT json) and prints a duckReport.
func duckChild(args []string) error {
	fs := flag.NewFlagSet(duckChildCmd, flag.ContinueOnError)
	threads := fs.Int("threads", 1, "DuckDB's threads setting")
	out := fs.String("out", "", "the JSON lines file to write")
	query := fs.String("query", "", "the query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *query == "" {
		return errors.New("-out and -query are required")
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(fmt.Sprintf("SET threads = %d", *threads)); err != nil {
		return err
	}
	began := time.Now()
	var rows int64
	err = db.QueryRow(fmt.Sprintf("COPY (%s) TO %s (FORMAT json)", *query, sqlString(*out))).Scan(&rows)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(duckReport{Rows: rows, Seconds: time.Since(began).Seconds()})
}

// duckVersion returns DuckDB's version, as SELECT version() gives it.
func duckVersion() (string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	err = db.QueryRow("SELECT version()").Scan(&v)
	return v, err
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
