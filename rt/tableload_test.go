package rt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// instrument is a row of the instruments table, as generated code declares it.
type instrument struct {
	Symbol     string
	Sector     string
	SectorNull bool
}

// instrumentColumns are the columns of the instruments table, bound once per CSV header.
var instrumentColumns = []string{"symbol", "sector"}

// tableJob is a hand-written stand-in for a generated job with a stream–table join: source "instruments" feeds a
// table (symbol VARCHAR PRIMARY KEY, sector VARCHAR), and each record of stream "orders" (symbol, qty) is written
// to sink "out" with the sector of its symbol, NULL when the table has no such row (a LEFT JOIN). got, when not
// nil, receives the job's runner once Setup ran.
func tableJob(table, stream SourceSpec, got chan<- *runner) *Job {
	table.Name, table.Table = "instruments", true
	table.Schema = []FieldSpec{{Name: "symbol", Type: "VARCHAR"}, {Name: "sector", Type: "VARCHAR", Nullable: true}}
	stream.Name, stream.Schema = "orders", orderSchema[:2]
	j := &Job{
		Name:    "join_job",
		SQL:     "SELECT o.symbol, o.qty, i.sector FROM orders o LEFT JOIN instruments i ON o.symbol = i.symbol",
		Sources: []SourceSpec{table, stream},
		Sinks: []SinkSpec{{Name: "out", URI: "stdout:", Columns: []FieldSpec{
			{Name: "symbol", Type: "VARCHAR"}, {Name: "qty", Type: "BIGINT", Nullable: true}, {Name: "sector", Type: "VARCHAR", Nullable: true}}}},
	}
	j.Setup = func(c *Context) error {
		tsrc, osrc, out := c.Source("instruments"), c.Source("orders"), c.Sink("out")
		tbl := NewTable[string, instrument](tsrc)
		tbl.Own(func(k *string, r *instrument) {
			r.Symbol, r.Sector = Own(r.Symbol), Own(r.Sector)
			*k = r.Symbol
		})
		var row instrument
		tsrc.OnRecord(func(r *Raw) error {
			row = instrument{SectorNull: true}
			symNull := true
			switch r.Format {
			case FormatJSONL:
				d := r.JSON
				for ok := d.BeginObject(); ok && d.NextField(); {
					switch string(d.Key()) {
					case "symbol":
						row.Symbol, symNull = d.String()
					case "sector":
						row.Sector, row.SectorNull = d.String()
					default:
						d.Skip()
					}
				}
				if symNull {
					d.Fail("symbol", "missing value for the primary key")
				}
				if err := d.Err(); err != nil {
					return err
				}
			case FormatCSV:
				d := r.CSV
				idx := d.Bind(instrumentColumns)
				if d.Field(idx[0]) {
					row.Symbol, symNull = d.String()
				}
				if d.Field(idx[1]) {
					row.Sector, row.SectorNull = d.String()
				}
				if symNull {
					d.Fail("symbol", "missing value for the primary key")
				}
				if err := d.Err(); err != nil {
					return err
				}
			}
			tbl.Put(row.Symbol, &row)
			return nil
		})
		var scratch instrument
		osrc.OnRecord(func(r *Raw) error {
			d := r.JSON
			var (
				sym              string
				qty              int64
				symNull, qtyNull = true, true
			)
			for ok := d.BeginObject(); ok && d.NextField(); {
				switch string(d.Key()) {
				case "symbol":
					sym, symNull = d.String()
				case "qty":
					qty, qtyNull = d.Int64()
				default:
					d.Skip()
				}
			}
			if symNull {
				d.Fail("symbol", "missing value for NOT NULL column")
			}
			if err := d.Err(); err != nil {
				return err
			}
			o := out.Begin()
			o.String(sym, false)
			o.Int64(qty, qtyNull)
			if i := tbl.Get(sym, &scratch); i != nil {
				o.String(i.Sector, i.SectorNull)
			} else {
				o.String("", true)
			}
			return o.End()
		})
		if got != nil {
			got <- c.r
		}
		return nil
	}
	return j
}

// joinOracle computes the job's rows from the test's own data: each order (qty: first plus its number) with the
// sector of the last table row of its symbol, or null when there is none or its sector is empty (an empty CSV
// field is NULL).
func joinOracle(orders []string, first int, table [][2]string) string {
	sector := map[string]string{}
	for _, r := range table {
		sector[r[0]] = r[1]
	}
	var b strings.Builder
	for i, sym := range orders {
		if s := sector[sym]; s != "" {
			fmt.Fprintf(&b, `{"symbol":%q,"qty":%d,"sector":%q}`+"\n", sym, first+i, s)
		} else {
			fmt.Fprintf(&b, `{"symbol":%q,"qty":%d,"sector":null}`+"\n", sym, first+i)
		}
	}
	return b.String()
}

// ordersFile writes the orders, one per symbol with qty its number, and returns the path.
func ordersFile(t *testing.T, dir string, syms []string) string {
	var b strings.Builder
	for i, s := range syms {
		fmt.Fprintf(&b, `{"symbol":%q,"qty":%d}`+"\n", s, i)
	}
	return writeFile(t, filepath.Join(dir, "orders.jsonl"), b.String())
}

func csvRows(header string, rows [][2]string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rows {
		b.WriteString(r[0] + "," + r[1] + "\n")
	}
	return b.String()
}

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// syncBuffer is a bytes.Buffer that a test reads while the job writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds; the deadline only catches a job that hangs.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 2 minutes", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestTableLoadsBeforeStream: the stream's file is ready before the table's, which another goroutine writes slowly
// (under another name, then renamed into the table's path, as a writer that wants it read whole does). The job
// reads no order while it waits, and every order sees the complete table: the output equals the oracle's, and the
// output of a run where both files were ready from the start.
func TestTableLoadsBeforeStream(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if err := os.Mkdir(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	var table [][2]string
	for i := range 50 {
		table = append(table, [2]string{fmt.Sprintf("S%d", i), fmt.Sprintf("sector%d", i)})
	}
	table = append(table, [2]string{"S7", "sector7b"}) // a later row replaces the earlier one
	var syms []string
	for i := range 300 {
		syms = append(syms, fmt.Sprintf("S%d", i%60)) // S50..S59 are not in the table
	}
	orders := ordersFile(t, dir, syms)
	pattern := filepath.Join(ref, "instruments*.csv")
	spec := SourceSpec{URI: "file:" + pattern, FileRetryIntervalMs: 1}

	runners := make(chan *runner, 1)
	stderr := &syncBuffer{}
	var stdout bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(context.Background(), tableJob(spec, SourceSpec{URI: "file:" + orders}, runners), []string{"--bounded"}, &stdout, stderr)
	}()
	r := <-runners
	tmp := filepath.Join(ref, "incoming.tmp")
	writeFile(t, tmp, "symbol,sector\n")
	for step := 0; step < len(table); step += 10 {
		// The job is waiting for its table, and has read no order.
		waitFor(t, "the job waiting for its table", func() bool {
			p := r.loads.Snapshot()
			return len(p) == 1 && strings.HasPrefix(p[0].Waiting, "no file matches")
		})
		if n := r.sources[1].counts.records.Load(); n != 0 {
			t.Fatalf("the stream read %d records before its table was loaded", n)
		}
		appendFile(t, tmp, csvRows("", table[step:min(step+10, len(table))])[1:])
	}
	if err := os.Rename(tmp, filepath.Join(ref, "instruments1.csv")); err != nil {
		t.Fatal(err)
	}
	var code int
	select {
	case code = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the job did not finish within 2 minutes")
	}
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	want := joinOracle(syms, 0, table)
	if stdout.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", stdout.String(), want)
	}
	for _, re := range []string{
		`(?m)^instruments: no file matches .*instruments\*\.csv; looking again every 1ms, for up to the table's wait timeout$`,
		fmt.Sprintf(`(?m)^table instruments: 50 rows \(1 duplicates replaced\) from 1 file, %d B, in \d+\.\d\d s$`, fileSize(t, filepath.Join(ref, "instruments1.csv"))),
		`(?m)^instruments: read 51, bad 0, late 0; table rows 50, duplicates replaced 1$`,
		`(?m)^orders: read 300, bad 0, late 0$`,
	} {
		if !regexp.MustCompile(re).MatchString(stderr.String()) {
			t.Errorf("stderr does not match %s:\n%s", re, stderr)
		}
	}

	// Both files ready from the start: the same rows.
	res := runJob(context.Background(), tableJob(spec, SourceSpec{URI: "file:" + orders}, nil), "--bounded")
	if res.code != 0 || res.stdout != stdout.String() {
		t.Errorf("with both files ready: exit %d, output:\n%s\nwant:\n%s\n%s", res.code, res.stdout, stdout.String(), res.stderr)
	}
}

// TestTableGlob: every file matching the path, in lexical order, each with a header of its own (columns in any
// order); a later file's row replaces an earlier one's; strings kept by the table are its own (the sources
// scribble over each record once handled).
func TestTableGlob(t *testing.T) {
	t.Setenv(poisonEnv, "1")
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if err := os.Mkdir(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	a := [][2]string{{"A", "tech"}, {"B", "energy"}, {"C", ""}}
	b := [][2]string{{"B", "utilities"}, {"D", "banks"}}
	writeFile(t, filepath.Join(ref, "i-b.csv"), "sector,symbol\n"+"utilities,B\n"+"banks,D\n")
	writeFile(t, filepath.Join(ref, "i-a.csv"), csvRows("symbol,sector", a))
	writeFile(t, filepath.Join(ref, "i-c.txt"), "symbol,sector\nA,wrong\n") // does not match
	if err := os.Mkdir(filepath.Join(ref, "i-dir.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	syms := []string{"A", "B", "C", "D", "E", "B"}
	orders := ordersFile(t, dir, syms)
	res := runJob(context.Background(), tableJob(SourceSpec{URI: "file:" + filepath.Join(ref, "i-*.csv")}, SourceSpec{URI: "file:" + orders}, nil), "--bounded")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	want := joinOracle(syms, 0, append(a, b...))
	if res.stdout != want {
		t.Errorf("output:\n%s\nwant:\n%s", res.stdout, want)
	}
	size := fileSize(t, filepath.Join(ref, "i-a.csv")) + fileSize(t, filepath.Join(ref, "i-b.csv"))
	if re := fmt.Sprintf(`(?m)^table instruments: 4 rows \(1 duplicates replaced\) from 2 files, %d B, in \d+\.\d\d s$`, size); !regexp.MustCompile(re).MatchString(res.stderr) {
		t.Errorf("stderr does not match %s:\n%s", re, res.stderr)
	}
}

// TestTableBadRecord: a bad table row under on.error fail stops the job, naming its file and line; under skip it
// is counted and the rest of the table loads.
func TestTableBadRecord(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "t1.csv"), "symbol,sector\nA,x\n")
	bad := writeFile(t, filepath.Join(dir, "t2.csv"), "symbol,sector\n\nB,y\n,z\n")
	orders := ordersFile(t, dir, []string{"A", "B"})
	spec := SourceSpec{URI: "file:" + filepath.Join(dir, "t*.csv")}
	res := runJob(context.Background(), tableJob(spec, SourceSpec{URI: "file:" + orders}, nil), "--bounded", "--stats=false")
	if want := fmt.Sprintf("join_job: %s:4: field \"symbol\": missing value for the primary key\n", bad); res.code != 1 || res.stderr != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", res.code, res.stderr, want)
	}
	spec.OnError = "skip"
	res = runJob(context.Background(), tableJob(spec, SourceSpec{URI: "file:" + orders}, nil), "--bounded")
	if res.code != 0 || res.stdout != joinOracle([]string{"A", "B"}, 0, [][2]string{{"A", "x"}, {"B", "y"}}) {
		t.Errorf("skip: exit %d, output:\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "instruments: read 3, bad 1, late 0; table rows 2, duplicates replaced 0") {
		t.Errorf("skip: stats:\n%s", res.stderr)
	}
}

// TestTableWaitTimeout: a table that never loads (no file matches its path) fails the job once its wait timeout
// passes, naming the table, its progress and the cause; no order was read.
func TestTableWaitTimeout(t *testing.T) {
	dir := t.TempDir()
	orders := ordersFile(t, dir, []string{"A"})
	pattern := filepath.Join(dir, "missing*.csv")
	spec := SourceSpec{URI: "file:" + pattern, WaitTimeoutMs: 20, FileRetryIntervalMs: 1}
	for _, bounded := range []bool{true, false} {
		args := []string{}
		if bounded {
			args = append(args, "--bounded")
		}
		res := runJob(context.Background(), tableJob(spec, SourceSpec{URI: "file:" + orders}, nil), args...)
		want := fmt.Sprintf(`join_job: tables not ready after 20ms ('instruments.wait.timeout'): table "instruments" (%s): 0 rows: no file matches %s`+"\n", pattern, pattern)
		if res.code != 1 || !strings.HasSuffix(res.stderr, want) {
			t.Errorf("bounded %v: exit %d, stderr:\n%s\nwant it to end with:\n%s", bounded, res.code, res.stderr, want)
		}
		if !strings.Contains(res.stderr, "orders: read 0, bad 0, late 0\n") {
			t.Errorf("bounded %v: the stream was read:\n%s", bounded, res.stderr)
		}
	}

	// With a file wait timeout of its own, the table's source gives up looking for files.
	spec = SourceSpec{URI: "file:" + pattern, FileWaitTimeoutMs: 20, FileRetryIntervalMs: 1}
	res := runJob(context.Background(), tableJob(spec, SourceSpec{URI: "file:" + orders}, nil), "--bounded", "--stats=false")
	want := fmt.Sprintf("join_job: no file matches %s after waiting 20ms ('instruments.file.wait.timeout')\n", pattern)
	if res.code != 1 || !strings.HasSuffix(res.stderr, want) {
		t.Errorf("file wait: exit %d, stderr:\n%s\nwant it to end with:\n%s", res.code, res.stderr, want)
	}
}

// TestTableStoppedWhileLoading: a job stopped while it waits for a table exits as a stopped job: ExitStopped for
// a bounded one, 0 for one that would tail.
func TestTableStoppedWhileLoading(t *testing.T) {
	dir := t.TempDir()
	orders := ordersFile(t, dir, []string{"A"})
	spec := SourceSpec{URI: "file:" + filepath.Join(dir, "missing.csv"), FileRetryIntervalMs: 1}
	for _, bounded := range []bool{true, false} {
		runners := make(chan *runner, 1)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan runResult, 1)
		args := []string{}
		if bounded {
			args = append(args, "--bounded")
		}
		go func() { done <- runJob(ctx, tableJob(spec, SourceSpec{URI: "file:" + orders}, runners), args...) }()
		r := <-runners
		waitFor(t, "the job waiting for its table", func() bool { return r.loads.Snapshot()[0].Waiting != "" })
		cancel()
		res := <-done
		want, code := `join_job: stopped before the end of sources "instruments", "orders": the output is incomplete`, ExitStopped
		if !bounded {
			want, code = "orders: read 0", 0
		}
		if res.code != code || !strings.Contains(res.stderr, want) {
			t.Errorf("bounded %v: exit %d, stderr:\n%s\nwant %d and %q", bounded, res.code, res.stderr, code, want)
		}
	}
}

// TestTableTailing: without --bounded, the table is loaded once its files are read to their end; then the streams
// start, and lines appended to its files and new files matching its path update the table as the stream reads on.
func TestTableTailing(t *testing.T) {
	fastPolling(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if err := os.Mkdir(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	a := writeFile(t, filepath.Join(ref, "a.csv"), "symbol,sector\nS1,old\nS3,x")
	orders := ordersFile(t, dir, []string{"S1", "S2", "S3"})
	out := filepath.Join(dir, "out.jsonl")
	runners := make(chan *runner, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan runResult, 1)
	go func() {
		done <- runJob(ctx, tableJob(SourceSpec{URI: "file:" + filepath.Join(ref, "*.csv")}, SourceSpec{URI: "file:" + orders}, runners),
			"--sink", "out="+"file:"+out)
	}()
	r := <-runners
	output := func() string { b, _ := os.ReadFile(out); return string(b) }
	// S3's line has no line break yet: a tailed file's unfinished line is not a row.
	want := joinOracle([]string{"S1", "S2", "S3"}, 0, [][2]string{{"S1", "old"}})
	waitFor(t, "the first orders", func() bool { return output() == want })
	if p := r.loads.Snapshot()[0]; p.Loaded.IsZero() || p.Rows != 1 {
		t.Fatalf("table after its load: %+v", p)
	}

	appendFile(t, a, "\nS1,new\n")
	writeFile(t, filepath.Join(ref, "b.csv"), "sector,symbol\ny,S2\n")
	waitFor(t, "the table updated", func() bool {
		p := r.loads.Snapshot()[0]
		return p.Rows == 3 && p.Replaced == 1 && p.Files == 2
	})
	appendFile(t, orders, `{"symbol":"S1","qty":3}`+"\n"+`{"symbol":"S2","qty":4}`+"\n"+`{"symbol":"S3","qty":5}`+"\n")
	want += joinOracle([]string{"S1", "S2", "S3"}, 3, [][2]string{{"S1", "new"}, {"S2", "y"}, {"S3", "x"}})
	waitFor(t, "the later orders", func() bool { return output() == want })
	cancel()
	res := <-done
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "instruments: read 4, bad 0, late 0; table rows 3, duplicates replaced 1") {
		t.Errorf("stats:\n%s", res.stderr)
	}
}

// TestTableProgress: while a table loads, a progress line per table every interval (or a live display redrawn in
// place on a terminal), then the summary.
func TestTableProgress(t *testing.T) {
	for _, terminal := range []bool{false, true} {
		t.Run(fmt.Sprintf("terminal=%v", terminal), func(t *testing.T) {
			old := isTerminal
			isTerminal = func(io.Writer) bool { return terminal }
			defer func() { isTerminal = old }()
			dir := t.TempDir()
			orders := ordersFile(t, dir, []string{"A"})
			path := filepath.Join(dir, "t.csv")
			runners := make(chan *runner, 1)
			stderr := &syncBuffer{}
			var stdout bytes.Buffer
			done := make(chan int, 1)
			go func() {
				done <- runContext(context.Background(), tableJob(SourceSpec{URI: "file:" + path, FileRetryIntervalMs: 1}, SourceSpec{URI: "file:" + orders}, runners),
					[]string{"--bounded", "--progress=1ms"}, &stdout, stderr)
			}()
			<-runners
			waiting := "table instruments: waiting ("
			if terminal {
				waiting = "\r\x1b[2Ktable instruments: waiting ("
			}
			waitFor(t, "a progress line", func() bool { return strings.Contains(stderr.String(), waiting) })
			writeFile(t, path+".tmp", "symbol,sector\nA,x\n")
			if err := os.Rename(path+".tmp", path); err != nil {
				t.Fatal(err)
			}
			if code := <-done; code != 0 {
				t.Fatalf("exit %d:\n%s", code, stderr)
			}
			s := stderr.String()
			summary := strings.Index(s, "table instruments: 1 rows (0 duplicates replaced) from 1 file")
			if summary < 0 {
				t.Fatalf("no summary:\n%q", s)
			}
			if terminal && !strings.HasSuffix(s[:summary], "\x1b[1A\r\x1b[J") {
				t.Errorf("the live display is not erased before the summary:\n%q", s)
			}
		})
	}
}

func TestProgressLines(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := TableProgress{Name: "instruments", Rows: 120000, BytesRead: 4_100_000, BytesTotal: 10_000_000, Started: start}
	if got, want := progressLine(p, start.Add(2*time.Second)), "table instruments: 120000 rows, 4.1 MB of 10.0 MB (41%), 2.0 MB/s, ETA 3s"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	k := TableProgress{Name: "rates", Rows: 5000, Started: start}
	if got, want := progressLine(k, start.Add(2*time.Second)), "table rates: 5000 rows, 2500 rows/s"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	p.Rows, p.Replaced, p.Files, p.BytesRead, p.Loaded = 100000, 3, 2, 4_100_000, start.Add(50*time.Millisecond)
	if got, want := summaryLine(p), "table instruments: 100000 rows (3 duplicates replaced) from 2 files, 4.1 MB, in 0.05 s"; got != want {
		t.Errorf("summaryLine = %q, want %q", got, want)
	}
	// A Kafka table counts offsets, not bytes.
	o := TableProgress{Name: "prices", Rows: 900, BytesRead: 1000, BytesTotal: 4000, Offsets: true, Started: start}
	if got, want := progressLine(o, start.Add(2*time.Second)), "table prices: 900 rows, 1000 of 4000 offsets (25%), 500 offsets/s, ETA 6s"; got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	o.Rows, o.Replaced, o.Deleted, o.BytesRead, o.Loaded = 3000, 900, 100, 4000, start.Add(50*time.Millisecond)
	if got, want := summaryLine(o), "table prices: 3000 rows (900 duplicates replaced, 100 deleted), 4000 offsets, in 0.05 s"; got != want {
		t.Errorf("summaryLine = %q, want %q", got, want)
	}
}

// TestTableNoWorkers: a job with a table reads each source in one goroutine.
func TestTableNoWorkers(t *testing.T) {
	dir := t.TempDir()
	orders := ordersFile(t, dir, []string{"A"})
	tbl := writeFile(t, filepath.Join(dir, "t.csv"), "symbol,sector\nA,x\n")
	res := runJob(context.Background(), tableJob(SourceSpec{URI: "file:" + tbl}, SourceSpec{URI: "file:" + orders}, nil), "--bounded", "--workers", "2")
	if res.code != 0 || !strings.Contains(res.stderr, "--workers 2: running on one worker: a job with tables reads each source in one goroutine") {
		t.Errorf("exit %d:\n%s", res.code, res.stderr)
	}
}

// tableInput is a test transport's input feeding a table as a Kafka table would: it hands over its records, says
// the table is loaded (unless it is told not to), then hands over each update it is sent until it is stopped.
type tableInput struct {
	src     *Source
	records []string
	loaded  bool // call Loaded after the records
	updates chan string
}

func (in *tableInput) Start(context.Context) error { return nil }
func (in *tableInput) Close() error                { return nil }
func (in *tableInput) Run(ctx context.Context) error {
	for i, r := range in.records {
		in.src.SetLoadProgress(int64(i), int64(len(in.records)))
		if err := in.src.Record([]byte(r), nil, 0, int64(i), 0); err != nil {
			return err
		}
	}
	if !in.loaded {
		return nil
	}
	in.src.Loaded()
	for off := int64(len(in.records)); ; off++ {
		select {
		case <-ctx.Done():
			return nil
		case u := <-in.updates:
			if err := in.src.Record([]byte(u), nil, 0, off, 0); err != nil {
				return err
			}
		}
	}
}

type tableTransport struct{ in *tableInput }

func (t tableTransport) NewInput(s *Source, uri string, env *Env) (Input, error) {
	t.in.src = s
	return t.in, nil
}

func (tableTransport) NewOutput(SinkSpec, string, *Env) (Output, error) {
	return nil, fmt.Errorf("no outputs")
}

// TestTableInputLoaded: a table fed by a transport's input is loaded when the input says so (Loaded); the stream
// starts then, and later records of the input update the table as the stream reads on. An input that stops
// without saying so fails the job instead of keeping the streams waiting.
func TestTableInputLoaded(t *testing.T) {
	fastPolling(t)
	in := &tableInput{records: []string{`{"symbol":"A","sector":"a1"}`, `{"symbol":"B","sector":"b1"}`, `{"symbol":"A","sector":"a2"}`},
		loaded: true, updates: make(chan string)}
	RegisterTransport("tabletest", tableTransport{in})
	t.Cleanup(func() {
		transportsMu.Lock()
		defer transportsMu.Unlock()
		delete(transports, "tabletest")
	})
	dir := t.TempDir()
	orders := ordersFile(t, dir, []string{"A", "B", "C"})
	out := filepath.Join(dir, "out.jsonl")
	runners := make(chan *runner, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan runResult, 1)
	go func() {
		done <- runJob(ctx, tableJob(SourceSpec{URI: "tabletest:instruments"}, SourceSpec{URI: "file:" + orders}, runners), "--sink", "out=file:"+out)
	}()
	r := <-runners
	output := func() string { b, _ := os.ReadFile(out); return string(b) }
	want := joinOracle([]string{"A", "B", "C"}, 0, [][2]string{{"A", "a2"}, {"B", "b1"}})
	waitFor(t, "the first orders", func() bool { return output() == want })
	if p := r.loads.Snapshot()[0]; p.Rows != 2 || p.Replaced != 1 || p.BytesRead != 2 || p.BytesTotal != 3 || p.Where != "instruments" {
		t.Errorf("progress: %+v", p)
	}
	in.updates <- `{"symbol":"C","sector":"c1"}`
	waitFor(t, "the update", func() bool { return r.loads.Snapshot()[0].Rows == 3 })
	appendFile(t, orders, `{"symbol":"C","qty":3}`+"\n")
	want += joinOracle([]string{"C"}, 3, [][2]string{{"C", "c1"}})
	waitFor(t, "the later order", func() bool { return output() == want })
	cancel()
	if res := <-done; res.code != 0 {
		t.Errorf("exit %d:\n%s", res.code, res.stderr)
	}

	in.loaded = false
	res := runJob(context.Background(), tableJob(SourceSpec{URI: "tabletest:instruments"}, SourceSpec{URI: "file:" + orders}, nil), "--stats=false")
	if want := "join_job: source \"instruments\" stopped before its table finished loading\n"; res.code != 1 || res.stderr != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", res.code, res.stderr, want)
	}
}
