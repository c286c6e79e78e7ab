// Tests of 'velocc test': the examples' fixtures pass, and a changed row, a wrong count, a reordering, a wrong
// decimal and a failing job each fail with a readable report.

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// useCache points VELOCC_CACHE at a new directory for the test and returns it.
func useCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("VELOCC_CACHE", dir)
	return dir
}

// copyTree copies the directory src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFiles(t, dst, map[string]string{filepath.ToSlash(rel): string(data)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTestExamples runs 'velocc test' on the order-flow example's fixture (examples/trading/orderflow_test), then on
// a copy with one expected value changed.
func TestTestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a job")
	}
	useCache(t)
	script := filepath.Join(repoRoot(t), "examples", "trading", "orderflow.sql")
	code, stdout, stderr := runCLI(t, "", "test", script)
	if want := "ok    bursts  select_1: 4 rows\nok    csv     select_1: 4 rows\nPASS  2 cases\n"; code != 0 || stdout != want {
		t.Fatalf("velocc test %s = %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", script, code, stdout, want, stderr)
	}
	if !strings.Contains(stderr, "velocc: building orderflow ") {
		t.Errorf("stderr does not say that the job is built:\n%s", stderr)
	}

	dir := t.TempDir()
	copyTree(t, filepath.Join(repoRoot(t), "examples", "trading", "orderflow_test"), dir)
	expected := filepath.Join(dir, "bursts", "out", "select_1.jsonl")
	data := string(mustRead(t, expected))
	if !strings.Contains(data, `"buy_volume":9100,`) {
		t.Fatalf("the fixture changed; adapt the test:\n%s", data)
	}
	writeFiles(t, dir, map[string]string{"bursts/out/select_1.jsonl": strings.Replace(data, `"buy_volume":9100,`, `"buy_volume":9200,`, 1)})
	code, stdout, stderr = runCLI(t, "", "test", script, dir)
	want := `FAIL  bursts  ` + filepath.Join(dir, "bursts") + `
      sink "select_1": 1 expected row missing, 1 unexpected row written (compared as a multiset; - expected, + written)
        - out/select_1.jsonl:1  {"symbol":"NVDA","buy_volume":9200,"sell_volume":2000,"total_volume":11100,"buy_ratio":0.8198198198198198,"analysis_time":1717421460000}
        + written:1             {"symbol":"NVDA","buy_volume":9100,"sell_volume":2000,"total_volume":11100,"buy_ratio":0.8198198198198198,"analysis_time":1717421460000}
            first difference: column "buy_volume": expected 9200, got 9100
ok    csv     select_1: 4 rows
FAIL  1 of 2 cases
`
	if code != 1 || stdout != want {
		t.Errorf("velocc test with a changed row = %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}
	if stderr != "" {
		t.Errorf("the second velocc test built the job again, or complained:\n%s", stderr)
	}
}

// retSQL has a stateless sink, an EMIT CHANGES sink with retractions, and a windowed DECIMAL/DOUBLE sink; its
// source skips bad records.
const retSQL = `CREATE STREAM s (k VARCHAR, v BIGINT, d DECIMAL(10,2), x DOUBLE, ts TIMESTAMP)
  WITH ('type'='file_source','path'='s.jsonl','event.time.field'='ts','on.error'='skip');
CREATE STREAM changes AS SELECT k, SUM(v) AS total, COUNT(*) AS n FROM s GROUP BY k HAVING SUM(v) > 5 EMIT CHANGES
  WITH ('changes.type'='file_sink','changes.path'='changes.jsonl');
SELECT k, SUM(d) AS sd, AVG(x) AS ax, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws
FROM s GROUP BY k WINDOW TUMBLING (ts, INTERVAL '10' SECOND);
`

// retInput has a bad line (5) and a record late for the window query (7), which the EMIT CHANGES query still counts.
const retInput = `{"k":"a","v":3,"d":1.10,"x":0.1,"ts":1000}
{"k":"a","v":4,"d":2.2,"x":0.2,"ts":2000}
{"k":"b","v":9,"d":0.05,"x":1e-3,"ts":3000}
{"k":"a","v":-5,"d":1,"x":0.3,"ts":11000}
not json
{"k":"a","v":10,"d":3.33,"x":0.4,"ts":12000}
{"k":"b","v":1,"d":1,"x":1,"ts":500}
`

// The expected rows of retSQL over retInput, worked out by hand: a's running sum is 3, 7 (passes HAVING), 2
// (retracted), 12; b's is 9, 10. Windows: [0,10s) a 1.10+2.20 = 3.30 with AVG(x) 0.15, b 0.05 and 0.001; [10s,20s)
// a 1.00+3.33 = 4.33 and 0.35; b's record at 500 ms comes after the watermark passed 10 s, so it is late there.
const (
	retChanges = `{"k":"a","total":7,"n":2}
{"k":"b","total":9,"n":1}
{"k":"a","total":null,"n":null,"_retract":true}
{"k":"a","total":12,"n":4}
{"k":"b","total":10,"n":2}
`
	retWindows = `{"k":"a","sd":3.3,"ax":0.15,"ws":"1970-01-01T00:00:00Z"}
{"k":"b","sd":0.050,"ax":0.001,"ws":0}
{"k":"a","sd":4.33,"ax":0.35,"ws":10000}
`
	retStats = "s: read 7, bad 1, late 1\n"
)

// txtar writes a case as a txtar file's text.
func txtar(sections ...string) string {
	var b strings.Builder
	for i := 0; i < len(sections); i += 2 {
		b.WriteString("-- " + sections[i] + " --\n" + sections[i+1])
	}
	return b.String()
}

func TestTestCases(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a job")
	}
	useCache(t)
	dir := t.TempDir()
	t.Chdir(dir)
	reordered := strings.Join([]string{
		`{"k":"a","total":null,"n":null,"_retract":true}`, `{"k":"a","total":7,"n":2}`,
		`{"k":"b","total":9,"n":1}`, `{"k":"b","total":10,"n":2}`, `{"k":"a","total":12,"n":4}`,
	}, "\n") + "\n"
	writeFiles(t, dir, map[string]string{
		"ret.sql": retSQL,
		"ret_test/pass.txtar": "Retractions, windows, and the bad and late record.\n" +
			txtar("in/s.jsonl", retInput, "out/changes.jsonl", retChanges, "out/select_1.jsonl", retWindows, "stats", retStats),
		"ret_test/csv.txtar": txtar("in/s.jsonl", retInput, "args", "--timestamp-format rfc3339\n",
			"out/changes.csv", "k,total,n,_retract\na,7,2,false\nb,9,1,false\na,,,true\na,12,4,false\nb,10,2,false\n",
			"out/select_1.csv", "ws,k,sd,ax\n1970-01-01T00:00:00.000Z,a,3.30,0.15\n1970-01-01T00:00:00.000Z,b,0.05,0.001\n1970-01-01T00:00:10.000Z,a,4.33,0.35\n",
			"stats", retStats),
		"ret_test/reordered.txtar": txtar("in/s.jsonl", retInput, "out/changes.jsonl", reordered, "out/select_1.jsonl", retWindows, "stats", retStats),
		"ret_test/decimal.txtar": txtar("in/s.jsonl", retInput, "out/changes.jsonl", retChanges,
			"out/select_1.jsonl", strings.Replace(retWindows, `"sd":4.33`, `"sd":4.34`, 1), "stats", retStats),
		"ret_test/nostats.txtar": txtar("in/s.jsonl", retInput, "out/changes.jsonl", retChanges, "out/select_1.jsonl", retWindows),
		"ret_test/fine.txtar": txtar("in/s.jsonl", retInput, "out/changes.jsonl", retChanges,
			"out/select_1.jsonl", strings.Replace(retWindows, `"sd":4.33`, `"sd":4.335`, 1), "stats", retStats),
	})

	code, stdout, stderr := runCLI(t, "", "test", "ret.sql")
	want := `ok    csv        changes: 5 rows, select_1: 3 rows
FAIL  decimal    ret_test/decimal.txtar
      sink "select_1": 1 expected row missing, 1 unexpected row written (compared as a multiset; - expected, + written)
        - out/select_1.jsonl:3  {"k":"a","sd":4.34,"ax":0.35,"ws":10000}
        + written:3             {"k":"a","sd":4.33,"ax":0.35,"ws":10000}
            first difference: column "sd": expected 4.34, got 4.33
FAIL  fine       ret_test/fine.txtar
      ret_test/fine.txtar: out/select_1.jsonl:3: column "sd": 4.335 has more than 2 digits after the point, which a DECIMAL(38,2) cannot hold
FAIL  nostats    ret_test/nostats.txtar
      "s" counted bad 1, expected 0 (no bad records unless the case's stats expects some)
ok    pass       changes: 5 rows, select_1: 3 rows
ok    reordered  changes: 5 rows, select_1: 3 rows
FAIL  3 of 6 cases
`
	if code != 1 || stdout != want {
		t.Errorf("velocc test ret.sql = %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}

	code, stdout, stderr = runCLI(t, "", "test", "-ordered", "ret.sql", "-run", "^(pass|csv|reordered)$")
	want = `ok    csv        changes: 5 rows, select_1: 3 rows
ok    pass       changes: 5 rows, select_1: 3 rows
FAIL  reordered  ret_test/reordered.txtar
      sink "changes": the expected rows, in another order (compared in order; - expected, + written)
        - out/changes.jsonl:1  {"k":"a","total":null,"n":null,"_retract":true}
          out/changes.jsonl:2  {"k":"a","total":7,"n":2}
          out/changes.jsonl:3  {"k":"b","total":9,"n":1}
        - out/changes.jsonl:4  {"k":"b","total":10,"n":2}
        + written:3            {"k":"a","total":null,"n":null,"_retract":true}
          out/changes.jsonl:5  {"k":"a","total":12,"n":4}
        + written:5            {"k":"b","total":10,"n":2}
FAIL  1 of 3 cases
`
	if code != 1 || stdout != want {
		t.Errorf("velocc test -ordered = %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}

	code, stdout, _ = runCLI(t, "", "test", "-v", "-run", "pass", "ret.sql", filepath.Join("ret_test", "pass.txtar"))
	want = "ok    pass  changes: 5 rows, select_1: 3 rows\n      the job's stderr:\n" +
		"        s: skipped in/s.jsonl:5: invalid JSON at offset 0: a record must be a JSON object, got 'n'\n" +
		"        s: read 7, bad 1, late 1\n        changes: emitted 5\n        select_1: emitted 3\nPASS  1 case\n"
	if code != 0 || stdout != want {
		t.Errorf("velocc test -v = %d, stdout:\n%s\nwant:\n%s", code, stdout, want)
	}
}

func TestTestJobFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a job")
	}
	useCache(t)
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{
		"fail.sql":                    "CREATE STREAM s (k VARCHAR, v BIGINT) WITH ('type'='file_source','path'='s.jsonl');\nSELECT k, v FROM s;\n",
		"fail_test/in/s.jsonl":        `{"k":"a","v":1}` + "\n" + `{"k":"b","v":"x"}` + "\n",
		"fail_test/out/select_1.json": `{"k":"a","v":1}` + "\n",
	})
	code, stdout, stderr := runCLI(t, "", "test", "fail.sql")
	want := `FAIL  fail_test  fail_test
      the job exited with status 1; its stderr:
        s: read 2, bad 1, late 0
        select_1: emitted 1
        fail: in/s.jsonl:2: field "v": expected a number, got "x"
FAIL  1 of 1 case
`
	if code != 1 || stdout != want {
		t.Errorf("velocc test fail.sql = %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}
}

// TestTestUsage covers the mistakes found before anything is built.
func TestTestUsage(t *testing.T) {
	useCache(t)
	dir := scriptDir(t)
	writeFiles(t, dir, map[string]string{
		"cases/a/in/trades.jsonl": tradesJSONL, "cases/a/out/select_1.jsonl": "",
		"cases/b/in/trade.jsonl": "", "cases/b/out/select_1.jsonl": "",
	})
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"test"}, 2, "velocc: test: no script given\nrun 'velocc help' for usage\n"},
		{[]string{"test", "-", "-x"}, 2, "velocc: test: flag provided but not defined: -x\nrun 'velocc help' for usage\n"},
		{[]string{"test", "-"}, 2, "velocc: test: a script read from stdin needs a FIXTURE argument\nrun 'velocc help' for usage\n"},
		{[]string{"test", "-run", "(", "job.sql"}, 2, "velocc: test: -run: error parsing regexp: missing closing ): `(`\nrun 'velocc help' for usage\n"},
		{[]string{"test", "job.sql"}, 1, "velocc: no test cases for job.sql: create job_test/ or job_test.txtar (see docs/testing.md), or name a FIXTURE\n"},
		{[]string{"test", "job.sql", "cases", "-run", "c"}, 1, `velocc: no test case matches -run "c" (the cases are a, b)` + "\n"},
		{[]string{"test", "job.sql", "cases"}, 1, `velocc: cases/b/in/trade.jsonl: the job has no source "trade"; its only source is "trades"` + "\n" +
			`cases/b: no input for source "trades": add in/trades.jsonl (or .csv)` + "\n"},
		{[]string{"test", "bad.sql", "cases/a"}, 1, "bad.sql:2:20: "},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if code != tc.code || stdout != "" || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d and %q", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(os.Getenv("VELOCC_CACHE"), "jobs")); len(entries) > 0 {
		t.Errorf("a failed velocc test left %d entries in the cache", len(entries))
	}
}

// TestTestKafkaJob: a job that reads and writes Kafka is tested with files in place of its topics; its metadata
// columns are then NULL or zero.
func TestTestKafkaJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a job")
	}
	useCache(t)
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{
		"kjob.sql": `CREATE STREAM trades (sym VARCHAR PRIMARY KEY, qty BIGINT, ts TIMESTAMP)
  WITH ('type'='kafka_source', 'topic'='trades.v1', 'event.time.field'='ts');
CREATE STREAM volume AS
SELECT sym, SUM(qty) AS total, TUMBLE_START(ts, INTERVAL '10' SECOND) AS w
FROM trades GROUP BY sym WINDOW TUMBLING (ts, INTERVAL '10' SECOND)
WITH ('volume.type'='kafka_sink', 'volume.topic'='volume');
SELECT sym, qty, _key IS NULL AS unkeyed, _partition AS p, _offset AS o FROM trades WHERE qty > 4;
`,
		"kjob_test.txtar": txtar(
			"in/trades.jsonl", `{"sym":"A","qty":5,"ts":1000}`+"\n"+`{"sym":"B","qty":3,"ts":2000}`+"\n"+`{"sym":"A","qty":7,"ts":9000}`+"\n"+`{"sym":"A","qty":1,"ts":12000}`+"\n",
			"out/select_1.jsonl", `{"sym":"A","qty":5,"unkeyed":true,"p":0,"o":0}`+"\n"+`{"sym":"A","qty":7,"unkeyed":true,"p":0,"o":0}`+"\n",
			"out/volume.csv", "sym,total,w\nA,12,0\nB,3,0\nA,1,10000\n"),
	})
	code, stdout, stderr := runCLI(t, "", "test", "-ordered", "kjob.sql")
	if want := "ok    kjob_test  select_1: 2 rows, volume: 3 rows\nPASS  1 case\n"; code != 0 || stdout != want {
		t.Errorf("velocc test kjob.sql = %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}
}
