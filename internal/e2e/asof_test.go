package e2e

// Event-time joins (FOR SYSTEM_TIME AS OF) on a job that follows its files: the table drops the versions that the
// joining query's watermark has passed, and a record too late for the versions kept finds no row and is counted
// late, while one that its key's kept history still reaches joins exactly.

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func init() {
	jobScripts["asof_prune"] = `CREATE STREAM events (id BIGINT NOT NULL, cur VARCHAR, ts TIMESTAMP)
  WITH ('path' = 'in.jsonl', 'event.time.field' = 'ts');
CREATE TABLE rates (cur VARCHAR PRIMARY KEY, rate BIGINT, ts TIMESTAMP)
  WITH ('path' = 'rates.jsonl', 'event.time.field' = 'ts');
CREATE STREAM asof AS SELECT e.id, r.rate FROM events e LEFT JOIN rates FOR SYSTEM_TIME AS OF e.ts AS r ON e.cur = r.cur
WHERE e.cur = 'EUR'
WITH ('asof.path' = 'asof.jsonl');
-- the current row of a key; holds a record until its key is in the table
CREATE STREAM now AS SELECT e.id, l.rate FROM events e JOIN rates l ON l.cur = e.cur
WITH ('now.path' = 'now.jsonl', 'rates.join.missing' = 'retry', 'rates.join.retry.timeout' = '1h');
`
}

// TestAsOfPrune: EUR has versions at 100 and 200 when the job starts; record 1 (EUR at 1000) joins the one at 200
// and moves the watermark to 1000 (no out-of-orderness). Then EUR gets a version at 300: the table keeps it (the
// latest at or before the watermark) and drops those at 100 and 200. GBP comes after it in the table's file, and
// record 2 (GBP), held by the "now" query until GBP is there, shows that the table has read that far. Records
// behind the watermark follow: at 150 and 250 their versions are gone (without dropping they would join rates 1
// and 2): no row, NULL in the LEFT JOIN, and late in the statistics; at 999 the kept version at 300 is the right
// one, and at 5000 too.
func TestAsOfPrune(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	in, rates := filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "rates.jsonl")
	asof, now := filepath.Join(dir, "asof.jsonl"), filepath.Join(dir, "now.jsonl")
	writeFile(t, dir, "rates.jsonl", []byte(`{"cur":"EUR","rate":1,"ts":100}
{"cur":"EUR","rate":2,"ts":200}
`))
	writeFile(t, dir, "in.jsonl", []byte(`{"id":1,"cur":"EUR","ts":1000}`+"\n"))
	p := startJob(t, "asof_prune", "--source", "events=file:"+in, "--source", "rates=file:"+rates,
		"--sink", "asof=file:"+asof, "--sink", "now=file:"+now)
	read := func(path string) []string {
		b, _ := os.ReadFile(path)
		s := strings.TrimSuffix(string(b), "\n")
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	appendTo := func(path, text string) {
		t.Helper()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(text); err != nil {
			t.Fatal(err)
		}
	}
	lines := func() int { return len(read(asof)) + len(read(now)) }

	waitProgress(t, "record 1 joined", p, until(func() bool { return len(read(asof)) >= 1 }, lines))
	appendTo(rates, `{"cur":"EUR","rate":3,"ts":300}
{"cur":"GBP","rate":9,"ts":300}
`)
	appendTo(in, `{"id":2,"cur":"GBP","ts":1000}`+"\n")
	waitProgress(t, "record 2 joined GBP", p, until(func() bool { return strings.Contains(strings.Join(read(now), "\n"), `"id":2`) }, lines))
	appendTo(in, `{"id":3,"cur":"EUR","ts":150}
{"id":4,"cur":"EUR","ts":250}
{"id":5,"cur":"EUR","ts":5000}
{"id":6,"cur":"EUR","ts":999}
`)
	waitProgress(t, "records 3 to 6 joined", p, until(func() bool { return len(read(asof)) >= 5 }, lines))
	want := []string{`{"id":1,"rate":2}`, `{"id":3,"rate":null}`, `{"id":4,"rate":null}`, `{"id":5,"rate":3}`, `{"id":6,"rate":3}`}
	if got := read(asof); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("asof: %q, want %q", got, want)
	}
	p.stop(t, syscall.SIGTERM)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, p.log())
	}
	if line := statsLine(t, p.log(), "events"); !strings.Contains(line, "late 2") {
		t.Errorf("events: %q, want late 2 (records 3 and 4)", line)
	}
	if line := statsLine(t, p.log(), "rates"); !strings.Contains(line, "versions dropped 2") {
		t.Errorf("rates: %q, want versions dropped 2 (EUR's at 100 and 200)", line)
	}
}
