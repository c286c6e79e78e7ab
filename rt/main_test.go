package rt

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var orderSchema = []FieldSpec{
	{Name: "symbol", Type: "VARCHAR"},
	{Name: "qty", Type: "BIGINT", Nullable: true},
	{Name: "price", Type: "DECIMAL(12,4)", Nullable: true},
	{Name: "ts", Type: "TIMESTAMP", Nullable: true},
}

// orderJob is a hand-written stand-in for a generated job: every source's
// records are decoded with the typed readers (JSON or CSV, as the source
// says) and written to sink "out"; a missing symbol is a bad record, qty 13
// an evaluation error. When a source ends, sink "totals" gets the count of
// records seen.
func orderJob(sources ...SourceSpec) *Job {
	for i := range sources {
		if sources[i].Schema == nil {
			sources[i].Schema = orderSchema
		}
	}
	j := &Job{
		Name:    "orders_job",
		SQL:     "SELECT symbol, qty, price, ts FROM orders",
		Sources: sources,
		Sinks: []SinkSpec{
			{Name: "out", URI: "stdout:", Columns: orderSchema},
			{Name: "totals", URI: "stdout:", Columns: []FieldSpec{{Name: "count", Type: "BIGINT"}}},
		},
	}
	j.Setup = func(c *Context) error {
		out, totals := c.Sink("out"), c.Sink("totals")
		var count atomic.Int64
		for _, spec := range sources {
			src := c.Source(spec.Name)
			src.OnRecord(func(r *Raw) error {
				var (
					sym                       string
					qty, ts                   int64
					price                     Int128
					symNull                   = true
					qtyNull, priceNull, tsNul = true, true, true
				)
				switch r.Format {
				case FormatJSONL:
					d := r.JSON
					for ok := d.BeginObject(); ok && d.NextField(); {
						switch string(d.Key()) {
						case "symbol":
							sym, symNull = d.String()
						case "qty":
							qty, qtyNull = d.Int64()
						case "price":
							price, priceNull = d.Decimal(12, 4)
						case "ts":
							ts, tsNul = d.Timestamp(TimeEpochMillis)
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
				case FormatCSV:
					d := r.CSV
					idx := d.Bind([]string{"symbol", "qty", "price", "ts"})
					if d.Field(idx[0]) {
						sym, symNull = d.String()
					}
					if d.Field(idx[1]) {
						qty, qtyNull = d.Int64()
					}
					if d.Field(idx[2]) {
						price, priceNull = d.Decimal(12, 4)
					}
					if d.Field(idx[3]) {
						ts, tsNul = d.Timestamp(TimeEpochMillis)
					}
					if symNull {
						d.Fail("symbol", "missing value for NOT NULL column")
					}
					if err := d.Err(); err != nil {
						return err
					}
				}
				if qty == 13 {
					return EvalError(src, "job.sql:3:8", "integer overflow", "qty * 2")
				}
				count.Add(1)
				row := out.Begin()
				row.String(sym, false)
				row.Int64(qty, qtyNull)
				row.Decimal(price, 4, priceNull)
				row.Timestamp(ts, tsNul)
				return row.End()
			})
			src.OnEnd(func() error {
				row := totals.Begin()
				row.Int64(count.Load(), false)
				return row.End()
			})
		}
		return nil
	}
	return j
}

type runResult struct {
	code           int
	stdout, stderr string
}

func runJob(ctx context.Context, j *Job, args ...string) runResult {
	var stdout, stderr bytes.Buffer
	code := runContext(ctx, j, args, &stdout, &stderr)
	return runResult{code, stdout.String(), stderr.String()}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func appendFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// jsonLines decodes each line of s as a JSON object, failing on invalid JSON.
func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("invalid JSON line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func symbols(rows []map[string]any) string {
	var s []string
	for _, r := range rows {
		s = append(s, r["symbol"].(string))
	}
	return strings.Join(s, ",")
}

func TestRunBoundedJSONL(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"),
		"\xEF\xBB\xBF"+`{"symbol":"A","qty":1,"price":1.5,"ts":1704164645123}`+"\r\n"+
			"\n   \n"+
			`{"symbol":"B","qty":"2","price":"2.25","extra":{"nested":[1,2]}}`+"\n"+
			`{"symbol":"C","qty":3,"price":3}`) // no final newline: still a record
	out := filepath.Join(dir, "out.jsonl")
	j := orderJob(SourceSpec{Name: "orders", URI: "file:" + in})
	res := runJob(context.Background(), j, "--bounded", "--sink", "out=file:"+out)
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	wantOut := `{"symbol":"A","qty":1,"price":1.5000,"ts":1704164645123}` + "\n" +
		`{"symbol":"B","qty":2,"price":2.2500,"ts":null}` + "\n" +
		`{"symbol":"C","qty":3,"price":3.0000,"ts":null}` + "\n"
	if string(b) != wantOut {
		t.Errorf("out:\n%s\nwant:\n%s", b, wantOut)
	}
	if res.stdout != `{"count":3}`+"\n" {
		t.Errorf("totals on stdout: %q", res.stdout)
	}
	if want := "orders: read 3, bad 0, late 0\nout: emitted 3\ntotals: emitted 1\n"; res.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", res.stderr, want)
	}
}

func TestRunOverridesAndCSV(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.txt"),
		"symbol;price;qty\n"+
			`"A;1";1.5;1`+"\n"+
			`B;;2`+"\r\n"+
			`"";0.5;`+"\n")
	out := filepath.Join(dir, "result.csv")
	j := orderJob(SourceSpec{Name: "orders", URI: "file:declared/elsewhere.jsonl"})
	res := runJob(context.Background(), j, "--bounded", "--stats=false",
		"--source=orders=file:"+in+"?format=csv&delimiter=;",
		"-sink", "out=file:"+out, "--timestamp-format", "rfc3339")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if res.stderr != "" {
		t.Errorf("--stats=false printed %q", res.stderr)
	}
	b, _ := os.ReadFile(out)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%v in:\n%s", err, b)
	}
	want := [][]string{{"symbol", "qty", "price", "ts"}, {"A;1", "1", "1.5000", ""}, {"B", "2", "", ""}, {"", "", "0.5000", ""}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("CSV out = %q, want %q", recs, want)
	}
	if !strings.Contains(string(b), "\n\"\",,0.5000,\n") {
		t.Errorf("the empty symbol should stay an empty string, not NULL:\n%s", b)
	}
}

func TestRunTimestampRFC3339(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "o.jsonl"), `{"symbol":"A","ts":1704164645123}`+"\n")
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in}),
		"--bounded", "--timestamp-format=rfc3339", "--stats=false")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, `{"symbol":"A","qty":null,"price":null,"ts":"2024-01-02T03:04:05.123Z"}`+"\n") {
		t.Errorf("stdout:\n%s", res.stdout)
	}
}

func TestRunOnErrorFail(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"),
		`{"symbol":"A","qty":1}`+"\n"+
			`{"symbol":"B","qty":2}`+"\n"+
			`{"symbol":"C","qty":"abc"}`+"\n"+
			`{"symbol":"D","qty":4}`+"\n")
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in}), "--bounded")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
	if want := `orders_job: ` + in + `:3: field "qty": expected a number, got "abc"`; lines[len(lines)-1] != want {
		t.Errorf("last stderr line:\n got %s\nwant %s", lines[len(lines)-1], want)
	}
	if !strings.Contains(res.stderr, "orders: read 3, bad 1, late 0\n") {
		t.Errorf("stats missing:\n%s", res.stderr)
	}
	// Rows before the error are flushed; OnEnd does not run after a failure.
	if got := symbols(jsonLines(t, res.stdout)); got != "A,B" {
		t.Errorf("stdout rows %s, want A,B", got)
	}
}

func TestRunEvalErrorIsFatal(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"), `{"symbol":"A","qty":1}`+"\n"+`{"symbol":"B","qty":13}`+"\n")
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, OnError: "skip"}),
		"--bounded", "--stats=false")
	want := "orders_job: job.sql:3:8: integer overflow in \"qty * 2\" at " + in + ":2\n"
	if res.code != 1 || res.stderr != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", res.code, res.stderr, want)
	}
}

func TestRunOnErrorSkip(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(`{"symbol":"A","qty":1}` + "\n")
	for range 11 {
		b.WriteString(`{"symbol":"X","qty":1.5}` + "\n")
	}
	b.WriteString(`{"qty":1}` + "\n") // missing NOT NULL symbol
	b.WriteString(`{"symbol":"B","qty":2}` + "\n")
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"), b.String())
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, OnError: "skip"}), "--bounded")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if got := symbols(jsonLines(t, res.stdout)[:2]); got != "A,B" {
		t.Errorf("rows %s, want A,B", got)
	}
	if n := strings.Count(res.stderr, "orders: skipped "); n != 10 {
		t.Errorf("%d skipped records logged, want 10:\n%s", n, res.stderr)
	}
	for _, want := range []string{
		"orders: skipped " + in + `:2: field "qty": expected an integer, got 1.5` + "\n",
		"orders: skipping more bad records; see the count at exit\n",
		"orders: read 14, bad 12, late 0\n",
		"out: emitted 2\n",
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if strings.Contains(res.stderr, "missing value") {
		t.Errorf("the 12th bad record was logged:\n%s", res.stderr)
	}
}

func TestRunDeadLetter(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"),
		`{"symbol":"A","qty":1}`+"\n"+
			`{"symbol":"B","qty":"x\"y"}`+"\n"+
			`{"symbol":"C",,}`+"\n"+
			`{"symbol":"D"}`+"\n")
	dl := filepath.Join(dir, "bad.jsonl")
	writeFile(t, dl, `{"pre":"existing entries are kept"}`+"\n")
	spec := SourceSpec{Name: "orders", URI: "file:" + in, OnError: "dead_letter", DeadLetter: dl}
	res := runJob(context.Background(), orderJob(spec), "--bounded")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	if got := symbols(jsonLines(t, res.stdout)[:2]); got != "A,D" {
		t.Errorf("rows %s, want A,D", got)
	}
	if !strings.Contains(res.stderr, "orders: read 4, bad 2, late 0\n") {
		t.Errorf("stats:\n%s", res.stderr)
	}
	b, _ := os.ReadFile(dl)
	entries := jsonLines(t, string(b))
	if len(entries) != 3 {
		t.Fatalf("dead-letter file:\n%s", b)
	}
	e := entries[1]
	if e["source"] != "orders" || e["file"] != in || e["line"] != json.Number("2") ||
		e["error"] != `field "qty": expected a number, got "x\"y"` || e["record"] != `{"symbol":"B","qty":"x\"y"}` {
		t.Errorf("entry: %v", e)
	}
	if e := entries[2]; e["line"] != json.Number("3") || e["error"] != "invalid JSON at offset 14: expected a key, got ','" {
		t.Errorf("entry: %v", e)
	}
}

func TestRunDeadLetterNeedsPath(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "o.jsonl"), "")
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in, OnError: "dead_letter"}))
	if res.code != 1 || !strings.Contains(res.stderr, "no dead-letter file is set") {
		t.Errorf("exit %d: %s", res.code, res.stderr)
	}
}

func TestRunStartupErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.jsonl")
	good := writeFile(t, filepath.Join(dir, "ok.jsonl"), "")
	tests := []struct {
		name string
		uri  string
		args []string
		code int
		msg  string
	}{
		{"missing file", "file:" + missing, nil, 1,
			`orders_job: source "orders": input file ` + missing + " does not exist\n"},
		{"unknown format", "file:" + filepath.Join(dir, "x.txt"), nil, 1,
			`orders_job: source "orders": ` + filepath.Join(dir, "x.txt") + ": cannot tell the format from the file name; add ?format=jsonl or ?format=csv\n"},
		{"unknown source name", "file:" + good, []string{"--source", "trades=file:x.jsonl"}, 2,
			`orders_job: --source trades=file:x.jsonl: the job has no source "trades"; its only source is "orders" (see --help)` + "\n"},
		{"unknown sink name", "file:" + good, []string{"--sink", "oops=stdout:"}, 2,
			`orders_job: --sink oops=stdout:: the job has no sink "oops"; its sinks are "out", "totals" (see --help)` + "\n"},
		{"override without =", "file:" + good, []string{"--source", "orders"}, 2,
			`orders_job: flag --source wants NAME=URI, got "orders" (see --help)` + "\n"},
		{"flag without value", "file:" + good, []string{"--sink"}, 2,
			"orders_job: flag --sink needs a value (see --help)\n"},
		{"unknown flag", "file:" + good, []string{"--fast"}, 2, "orders_job: unknown flag --fast (see --help)\n"},
		{"positional argument", "file:" + good, []string{"orders.jsonl"}, 2,
			`orders_job: unexpected argument "orders.jsonl" (see --help)` + "\n"},
		{"bad timestamp format", "file:" + good, []string{"--timestamp-format", "iso"}, 2,
			`orders_job: flag --timestamp-format wants epoch_millis or rfc3339, got "iso" (see --help)` + "\n"},
		{"bad bool", "file:" + good, []string{"--bounded=maybe"}, 2,
			`orders_job: flag --bounded wants true or false, got "maybe" (see --help)` + "\n"},
		{"unsupported source scheme on the command line", "file:" + good, []string{"--source", "orders=kafka:orders"}, 2,
			`orders_job: source "orders": unsupported URI "kafka:orders": this job was built without Kafka support; declare a kafka source or sink in its SQL, or build it with 'velocc build --kafka'` + "\n"},
		{"unknown URI parameter", "file:" + good, []string{"--sink", "out=stdout:?fmt=csv"}, 2,
			`orders_job: sink "out": invalid URI "stdout:?fmt=csv": unknown parameter "fmt"; known are format and delimiter` + "\n"},
		{"bad memory budget", "file:" + good, []string{"--max-memory", "lots"}, 2,
			`orders_job: flag --max-memory wants a number of MiB from 1 to 1073741824, got "lots" (see --help)` + "\n"},
		{"bad overflow mode", "file:" + good, []string{"--state-overflow=swap"}, 2,
			`orders_job: flag --state-overflow wants fail or spill, got "swap" (see --help)` + "\n"},
		{"state directory is a file", "file:" + good, []string{"--state-dir", filepath.Join(good, "state")}, 2,
			`orders_job: --state-dir: mkdir ` + good + `: not a directory (see --help)` + "\n"},
		{"sink directory missing", "file:" + good, []string{"--sink", "out=file:" + filepath.Join(dir, "no/out.jsonl")}, 1,
			`orders_job: sink "out": cannot create ` + filepath.Join(dir, "no/out.jsonl") + ": directory " + filepath.Join(dir, "no") + " does not exist\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: tt.uri}), tt.args...)
			if res.code != tt.code || res.stderr != tt.msg {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d, stderr:\n%s", res.code, res.stderr, tt.code, tt.msg)
			}
		})
	}
}

func TestRunSetupAsksForUndeclaredSource(t *testing.T) {
	j := &Job{Name: "broken", Setup: func(c *Context) error {
		c.Source("ghost").OnRecord(func(*Raw) error { return nil })
		return nil
	}}
	res := runJob(context.Background(), j)
	if res.code != 1 || res.stderr != "broken: internal error: the job asked for an undeclared source \"ghost\"\n" {
		t.Errorf("exit %d: %q", res.code, res.stderr)
	}
}

func TestRunHelp(t *testing.T) {
	j := orderJob(SourceSpec{Name: "orders", URI: "file:data/orders.csv", OnError: "dead_letter", DeadLetter: "bad.jsonl"})
	j.Sinks[0].Retracts = true
	res := runJob(context.Background(), j, "--help", "--source", "orders=file:other.jsonl", "--max-memory", "1", "--state-overflow", "spill")
	if res.code != 0 || res.stderr != "" {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
	for _, re := range []string{
		`^orders_job: `,
		`Usage: orders_job \[flags\]`,
		`(?m)^  orders\s+file:data/orders.csv\s+\(csv, on error: dead_letter to bad.jsonl\)$`,
		`(?m)^\s+symbol\s+VARCHAR NOT NULL$`,
		`(?m)^\s+qty\s+BIGINT$`,
		`(?m)^\s+price\s+DECIMAL\(12,4\)$`,
		`(?m)^  out\s+stdout:\s+\(jsonl, with retractions\)$`,
		`(?m)^  totals\s+stdout:\s+\(jsonl\)$`,
		`(?m)^\s+count\s+BIGINT NOT NULL$`,
		`--source NAME=URI`, `--sink NAME=URI`, `--bounded`, `--timestamp-format`, `--stats=false`, `--help`,
		`--on-error POLICY`, `--on-error NAME=POLICY`, `--dead-letter PATH`, `--dead-letter NAME=PATH`,
		`--max-memory MB`, `--state-overflow MODE`, `--state-dir DIR`,
		`(?m)^Memory: budget 1 MiB \(from --max-memory\); state beyond 75% of it: spill$`,
	} {
		if !regexp.MustCompile(re).MatchString(res.stdout) {
			t.Errorf("help does not match %s:\n%s", re, res.stdout)
		}
	}
}

func fastPolling(t *testing.T) {
	old := pollInterval
	pollInterval = time.Millisecond
	t.Cleanup(func() { pollInterval = old })
}

// TestRunTailsUntilCancelled follows a file (held at its end by startTail, at known points of the reader): a
// partial line is not a record until its newline arrives, appended lines are read, and a cancelled job exits 0
// with its statistics, without running OnEnd for the source it stopped.
func TestRunTailsUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"), `{"symbol":"A","qty":1}`+"\n"+`{"symbol":"B","qty":2}`+"\n")
	r := startTail(t, in, SourceSpec{})

	// At the end of the file the sinks are flushed.
	if got := r.rows(t); got != "A,B" {
		t.Fatalf("rows %s at the end of the file, want A,B", got)
	}
	// A partial line is not a record until its newline arrives: the job reads it, finds the end of the file after
	// it, and looks again, and still has not taken it.
	appendFile(t, in, `{"symbol":"C",`)
	r.look(t)
	r.look(t)
	if got := r.rows(t); got != "A,B" {
		t.Fatalf("rows %s: a partial line was processed", got)
	}
	appendFile(t, in, `"qty":3}`+"\n\n"+`{"symbol":"D","qty":4}`+"\n")
	r.until(t, "the appended rows", r.rowsAre(t, "A,B,C,D"))

	res := r.stop(t)
	if res.code != 0 {
		t.Fatalf("exit %d after cancel:\n%s", res.code, res.stderr)
	}
	if want := "orders: read 4, bad 0, late 0\nout: emitted 4\ntotals: emitted 0\n"; res.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", res.stderr, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "totals.jsonl")); len(b) != 0 {
		t.Errorf("OnEnd ran for a stopped (unbounded) source: %s", b)
	}
}

func TestRunFatalErrorStopsTailingSources(t *testing.T) {
	fastPolling(t)
	dir := t.TempDir()
	quotes := writeFile(t, filepath.Join(dir, "quotes.jsonl"), `{"symbol":"Q","qty":1}`+"\n")
	orders := writeFile(t, filepath.Join(dir, "orders.jsonl"), `{"symbol":"A","qty":1}`+"\n"+`not json`+"\n")
	j := orderJob(
		SourceSpec{Name: "quotes", URI: "file:" + quotes},
		SourceSpec{Name: "orders", URI: "file:" + orders},
	)
	done := make(chan runResult, 1)
	go func() { done <- runJob(context.Background(), j, "--stats=false") }()
	select {
	case res := <-done:
		want := "orders_job: " + orders + ":2: invalid JSON at offset 0: a record must be a JSON object, got 'n'\n"
		if res.code != 1 || res.stderr != want {
			t.Errorf("exit %d, stderr %q; want 1, %q", res.code, res.stderr, want)
		}
	case <-time.After(2 * time.Minute): // only a job that never stops takes that long
		t.Fatal("a fatal error in one source did not stop the tailing one within 2 minutes")
	}
}

func TestRunLongLinesAndEmptyCSV(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 3<<20) // longer than the 1 MiB read buffer
	in := writeFile(t, filepath.Join(dir, "o.jsonl"), `{"symbol":"`+long+`","qty":1}`+"\n"+`{"symbol":"B"}`)
	headerOnly := writeFile(t, filepath.Join(dir, "h.csv"), "symbol,qty\n")
	j := orderJob(SourceSpec{Name: "orders", URI: "file:" + in}, SourceSpec{Name: "csv", URI: "file:" + headerOnly})
	res := runJob(context.Background(), j, "--bounded")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	rows := jsonLines(t, res.stdout)
	var got []string
	for _, r := range rows {
		if s, ok := r["symbol"].(string); ok {
			got = append(got, s)
		}
	}
	if len(got) != 2 || got[0] != long || got[1] != "B" {
		t.Errorf("got %d rows", len(got))
	}
	if !strings.Contains(res.stderr, "orders: read 2, bad 0") || !strings.Contains(res.stderr, "csv: read 0, bad 0") {
		t.Errorf("stats:\n%s", res.stderr)
	}
}

func TestEvalErrorFormat(t *testing.T) {
	src := &Source{path: "orders.jsonl", lineNo: 77}
	if got, want := EvalError(src, "job.sql:12:8", "integer overflow", "a + b").Error(),
		`job.sql:12:8: integer overflow in "a + b" at orders.jsonl:77`; got != want {
		t.Errorf("EvalError = %q, want %q", got, want)
	}
	if got := src.Position(); got != "orders.jsonl:77" {
		t.Errorf("Position = %q", got)
	}
}

func TestRecordErrorFormat(t *testing.T) {
	e := &RecordError{Source: "orders", File: "orders.jsonl", Line: 12, Field: "price", Reason: `expected a number, got "abc"`}
	if got, want := e.Error(), `orders.jsonl:12: field "price": expected a number, got "abc"`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	e = &RecordError{Source: "orders", Line: 3, Reason: "invalid JSON at offset 17: unexpected ','"}
	if got, want := e.Error(), `orders:3: invalid JSON at offset 17: unexpected ','`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestRunProgress(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	n := 3 * progressEvery
	for i := 0; i < n; i++ {
		b.WriteString(`{"symbol":"A","qty":1}` + "\n")
	}
	in := writeFile(t, filepath.Join(dir, "orders.jsonl"), b.String())
	out := filepath.Join(dir, "out.jsonl")
	progressLines := func(stderr string) []string {
		var lines []string
		for _, l := range strings.Split(stderr, "\n") {
			if strings.Contains(l, " records (") {
				lines = append(lines, l)
			}
		}
		return lines
	}
	// The clock is first read after progressEvery records; every later look finds 1ns has passed.
	res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in}), "--bounded", "--progress=1ns", "--sink", "out=file:"+out)
	if res.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	lines := progressLines(res.stderr)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], fmt.Sprintf("orders: read %d records (", 2*progressEvery)) ||
		!strings.HasPrefix(lines[1], fmt.Sprintf("orders: read %d records (", 3*progressEvery)) {
		t.Errorf("progress lines:\n%s", strings.Join(lines, "\n"))
	}
	for _, args := range [][]string{{"--progress=0"}, {"--progress=1ns", "--stats=false"}} {
		res = runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in}), append([]string{"--bounded", "--sink", "out=file:" + out}, args...)...)
		if got := progressLines(res.stderr); res.code != 0 || len(got) != 0 {
			t.Errorf("%v: exit %d, progress lines %q", args, res.code, got)
		}
	}
	if res := runJob(context.Background(), orderJob(SourceSpec{Name: "orders", URI: "file:" + in}), "--progress=soon"); res.code != 2 {
		t.Errorf("--progress=soon: exit %d, want 2", res.code)
	}
}

// endlessInput is a test transport's input that hands over its records and then waits to be stopped: a bounded
// source that never reaches its end.
type endlessInput struct {
	src     *Source
	records []string
	handed  chan struct{}
}

func (in *endlessInput) Start(context.Context) error { return nil }
func (in *endlessInput) Close() error                { return nil }
func (in *endlessInput) Run(ctx context.Context) error {
	for i, r := range in.records {
		if err := in.src.Record([]byte(r), nil, 0, int64(i), 0); err != nil {
			return err
		}
	}
	close(in.handed)
	<-ctx.Done()
	return nil
}

type endlessTransport struct{ inputs chan *endlessInput }

func (t endlessTransport) NewInput(s *Source, uri string, env *Env) (Input, error) {
	in := &endlessInput{src: s, records: []string{`{"symbol":"A","qty":1}`, `{"symbol":"B","qty":2}`}, handed: make(chan struct{})}
	t.inputs <- in
	return in, nil
}

func (endlessTransport) NewOutput(SinkSpec, string, *Env) (Output, error) {
	return nil, errors.New("no outputs")
}

// endless registers the endless transport for the test.
func endless(t *testing.T) endlessTransport {
	tr := endlessTransport{inputs: make(chan *endlessInput, 1)}
	RegisterTransport("endless", tr)
	t.Cleanup(func() {
		transportsMu.Lock()
		defer transportsMu.Unlock()
		delete(transports, "endless")
	})
	return tr
}

// TestRunBoundedStoppedEarly: a --bounded job stopped before the end of its input exits with ExitStopped and
// says so, so that a caller can tell its incomplete output from a finished run's; its end handlers (EMIT FINAL
// groups, open windows) do not run.
func TestRunBoundedStoppedEarly(t *testing.T) {
	tr := endless(t)
	dir := t.TempDir()
	totals := filepath.Join(dir, "totals.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan runResult, 1)
	go func() {
		done <- runJob(ctx, orderJob(SourceSpec{Name: "orders", URI: "endless:orders"}), "--bounded", "--sink", "totals=file:"+totals)
	}()
	in := <-tr.inputs
	<-in.handed
	cancel()
	res := <-done
	if res.code != ExitStopped {
		t.Fatalf("exit %d, want %d:\n%s", res.code, ExitStopped, res.stderr)
	}
	if want := `orders_job: stopped before the end of source "orders": the output is incomplete`; !strings.Contains(res.stderr, want) {
		t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
	}
	if !strings.Contains(res.stderr, "orders: read 2, bad 0, late 0") {
		t.Errorf("stderr does not count the records read:\n%s", res.stderr)
	}
	if b, _ := os.ReadFile(totals); len(b) != 0 {
		t.Errorf("the end handlers ran for a source stopped early: %s", b)
	}
}
