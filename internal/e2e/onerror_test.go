package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The onerror job reads the same file through three sources, one per on.error policy.
func init() {
	const schema = `(id BIGINT, name VARCHAR, amount DECIMAL(6,2), t TIMESTAMP)`
	jobScripts["onerror"] = `CREATE STREAM src_skip ` + schema + `
  WITH ('path'='bad.jsonl', 'on.error'='skip', 'event.time.field'='t');
CREATE STREAM src_dl ` + schema + `
  WITH ('path'='bad.jsonl', 'on.error'='dead_letter', 'dead_letter.path'='dead.jsonl');
CREATE STREAM src_fail ` + schema + `
  WITH ('path'='bad.jsonl');

CREATE STREAM out_skip AS SELECT id, name, amount FROM src_skip
  WITH ('out_skip.type'='file_sink', 'out_skip.path'='out_skip.jsonl');
-- A windowed query cannot take a record without event time: for src_skip, record 7 is bad for every query.
CREATE STREAM win_skip AS SELECT COUNT(*) AS n, TUMBLE_START(t, INTERVAL '1' SECOND) AS ws FROM src_skip
  WINDOW TUMBLING(t, INTERVAL '1' SECOND)
  WITH ('win_skip.type'='file_sink', 'win_skip.path'='win_skip.jsonl');
CREATE STREAM out_dl AS SELECT id, name, amount FROM src_dl
  WITH ('out_dl.type'='file_sink', 'out_dl.path'='out_dl.jsonl');
CREATE STREAM out_fail AS SELECT id, name, amount FROM src_fail
  WITH ('out_fail.type'='file_sink', 'out_fail.path'='out_fail.jsonl');
`
}

// badRecords has good records (1, 5, 7, 8) and bad ones: a string for a BIGINT, a line that is not JSON, a value
// too large for DECIMAL(6,2), a fraction for a BIGINT and an array for a VARCHAR. Record 7 has no event time.
const badRecords = `{"id":1,"name":"a","amount":1.25,"t":1000}
{"id":"x","name":"b","amount":1,"t":1000}
not json
{"id":4,"name":"d","amount":12345.67,"t":1000}
{"id":5,"name":"e","amount":"-0.5","t":2000}
{"id":6.5,"name":"f","amount":1,"t":2000}
{"id":7,"name":"g","amount":null,"t":null}
{"id":8,"name":"h","amount":1.005,"t":3000}
{"id":9,"name":["x"],"amount":1,"t":1000}
`

func TestOnError(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "bad.jsonl", []byte(badRecords))
	writeFile(t, dir, "good.jsonl", []byte(`{"id":1,"name":"a","amount":1.25,"t":1000}`+"\n"))

	t.Run("skip-and-dead-letter", func(t *testing.T) {
		res := runOK(t, "onerror", dir, "--bounded", "--source", "src_fail=file:good.jsonl")
		good := []row{
			{{"id", int64(1)}, {"name", "a"}, {"amount", dec("1.25")}},
			{{"id", int64(5)}, {"name", "e"}, {"amount", dec("-0.50")}},
			{{"id", int64(7)}, {"name", "g"}, {"amount", nil}},
			{{"id", int64(8)}, {"name", "h"}, {"amount", dec("1.01")}}, // 1.005 rounds half away from zero
		}
		// src_skip also drops record 7, which its windowed query cannot take.
		checkRows(t, "out_skip", parseRows(t, readFile(t, dir, "out_skip.jsonl")), []row{good[0], good[1], good[3]})
		checkRows(t, "win_skip", parseRows(t, readFile(t, dir, "win_skip.jsonl")), []row{
			{{"n", int64(1)}, {"ws", int64(1000)}}, {{"n", int64(1)}, {"ws", int64(2000)}}, {{"n", int64(1)}, {"ws", int64(3000)}},
		})
		checkRows(t, "out_dl", parseRows(t, readFile(t, dir, "out_dl.jsonl")), good)
		for name, want := range map[string]string{
			"src_skip": "src_skip: read 9, bad 6, late 0",
			"src_dl":   "src_dl: read 9, bad 5, late 0",
			"src_fail": "src_fail: read 1, bad 0, late 0",
		} {
			if got := statsLine(t, res.Stderr, name); got != want {
				t.Errorf("stats: got %q, want %q", got, want)
			}
		}
		// Skipped records are logged with file:line.
		for _, line := range []string{"2", "3", "4", "6", "7", "9"} {
			if !strings.Contains(res.Stderr, "src_skip: skipped bad.jsonl:"+line+": ") {
				t.Errorf("stderr does not log the skipped record at bad.jsonl:%s:\n%s", line, res.Stderr)
			}
		}
		// The dead-letter file has one JSON object per bad record, with the record's text.
		lines := strings.Split(strings.TrimSuffix(readFile(t, dir, "dead.jsonl"), "\n"), "\n")
		src := strings.Split(badRecords, "\n")
		wantLines := []int{2, 3, 4, 6, 9}
		if len(lines) != len(wantLines) {
			t.Fatalf("dead.jsonl has %d lines, want %d:\n%s", len(lines), len(wantLines), strings.Join(lines, "\n"))
		}
		for i, l := range lines {
			var dl struct {
				Source, File, Error, Record string
				Line                        int
			}
			if err := json.Unmarshal([]byte(l), &dl); err != nil {
				t.Fatalf("dead.jsonl line %d: %v", i+1, err)
			}
			if dl.Source != "src_dl" || dl.File != "bad.jsonl" || dl.Line != wantLines[i] || dl.Record != src[wantLines[i]-1] || dl.Error == "" {
				t.Errorf("dead.jsonl line %d: %+v; want line %d, record %q", i+1, dl, wantLines[i], src[wantLines[i]-1])
			}
		}
	})

	t.Run("fail", func(t *testing.T) {
		res := runJob(t, "onerror", dir, "--bounded")
		if res.Code != 1 {
			t.Fatalf("exit code %d, want 1; stderr:\n%s", res.Code, res.Stderr)
		}
		// The fatal error is one line "JOB: file:line: problem", naming the first bad record.
		re := regexp.MustCompile(`(?m)^onerror: bad\.jsonl:2: field "id": .+$`)
		if !re.MatchString(res.Stderr) {
			t.Errorf("stderr has no line matching %s:\n%s", re, res.Stderr)
		}
	})
}
