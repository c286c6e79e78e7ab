package e2e

import (
	"strings"
	"testing"
)

// The cli job has two bare SELECTs (sinks select_1 and select_2, both stdout by default) and a derived stream
// with a file sink.
func init() {
	jobScripts["cli"] = `CREATE STREAM t (a BIGINT, s VARCHAR, ts TIMESTAMP) WITH ('path'='t.jsonl');
SELECT a, s FROM t;
SELECT a * 2 AS twice, ts FROM t WHERE a > 1;
CREATE STREAM out AS SELECT s, a FROM t
  WITH ('out.type'='file_sink', 'out.path'='out.jsonl');
`
}

const cliInput = `{"a":1,"s":"x","ts":0}
{"a":2,"s":"y \"q\"","ts":1700000000123}
{"a":3,"s":null,"ts":-1}
`

func TestCLI(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "t.jsonl", []byte(cliInput))

	t.Run("default-sinks", func(t *testing.T) {
		res := runOK(t, "cli", dir, "--bounded")
		// Per record, the queries run in statement order; select_1 and select_2 share stdout.
		want := `{"a":1,"s":"x"}
{"a":2,"s":"y \"q\""}
{"twice":4,"ts":1700000000123}
{"a":3,"s":null}
{"twice":6,"ts":-1}
`
		if res.Stdout != want {
			t.Errorf("stdout:\n%s", firstDiff(want, res.Stdout))
		}
		wantOut := `{"s":"x","a":1}
{"s":"y \"q\"","a":2}
{"s":null,"a":3}
`
		if got := readFile(t, dir, "out.jsonl"); got != wantOut {
			t.Errorf("out.jsonl:\n%s", firstDiff(wantOut, got))
		}
		for _, line := range []string{"t: read 3, bad 0, late 0", "select_1: emitted 3", "select_2: emitted 2", "out: emitted 3"} {
			if !strings.Contains(res.Stderr, line+"\n") {
				t.Errorf("stderr lacks %q:\n%s", line, res.Stderr)
			}
		}
	})

	t.Run("sink-overrides", func(t *testing.T) {
		res := runOK(t, "cli", dir, "--bounded", "--sink", "select_2=file:two.jsonl", "--sink", "out=stdout:", "--timestamp-format", "rfc3339", "--stats=false")
		want := `{"a":1,"s":"x"}
{"s":"x","a":1}
{"a":2,"s":"y \"q\""}
{"s":"y \"q\"","a":2}
{"a":3,"s":null}
{"s":null,"a":3}
`
		if res.Stdout != want {
			t.Errorf("stdout:\n%s", firstDiff(want, res.Stdout))
		}
		wantTwo := `{"twice":4,"ts":"2023-11-14T22:13:20.123Z"}
{"twice":6,"ts":"1969-12-31T23:59:59.999Z"}
`
		if got := readFile(t, dir, "two.jsonl"); got != wantTwo {
			t.Errorf("two.jsonl:\n%s", firstDiff(wantTwo, got))
		}
		if res.Stderr != "" {
			t.Errorf("--stats=false, yet stderr is:\n%s", res.Stderr)
		}
	})

	t.Run("csv-sink", func(t *testing.T) {
		runOK(t, "cli", dir, "--bounded", "--sink", "select_1=file:one.csv", "--sink", "select_2=file:two.csv")
		// RFC 4180: a header, quotes doubled, NULL as an empty field.
		if got, want := readFile(t, dir, "one.csv"), "a,s\n1,x\n2,\"y \"\"q\"\"\"\n3,\n"; got != want {
			t.Errorf("one.csv = %q, want %q", got, want)
		}
	})

	t.Run("help", func(t *testing.T) {
		res := runJob(t, "cli", dir, "--help")
		if res.Code != 0 {
			t.Fatalf("--help exited with %d", res.Code)
		}
		for _, s := range []string{"select_1", "select_2", "out", "file:out.jsonl", "file:t.jsonl", "--bounded", "--source", "--sink", "--timestamp-format"} {
			if !strings.Contains(res.Stdout, s) {
				t.Errorf("--help does not mention %q:\n%s", s, res.Stdout)
			}
		}
	})

	t.Run("unknown-sink", func(t *testing.T) {
		res := runJob(t, "cli", dir, "--bounded", "--sink", "select_3=stdout:")
		if res.Code != 2 || !strings.Contains(res.Stderr, `"select_1", "select_2", "out"`) {
			t.Errorf("exit %d, stderr %q: want exit 2 listing the sinks", res.Code, res.Stderr)
		}
	})
}
