package e2e

// 'max.line.bytes' from the SQL to the job: a generated job skips a line over the limit, dead-letters its head with
// the full size, and reads the lines after it.

import (
	"encoding/json"
	"strings"
	"testing"
)

func init() {
	jobScripts["longline"] = `CREATE STREAM events (id BIGINT NOT NULL, pad VARCHAR)
  WITH ('path' = 'in.jsonl', 'max.line.bytes' = 1500, 'on.error' = 'dead_letter', 'dead_letter.path' = 'dead.jsonl');
CREATE STREAM copied AS SELECT id, pad FROM events WITH ('copied.type' = 'file_sink', 'copied.path' = 'out.jsonl');
`
}

func TestLongLineSetting(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	long := `{"id":2,"pad":"` + strings.Repeat("ü", 3000) + `"}`
	fits := `{"id":3,"pad":"` + strings.Repeat("x", 1500-len(`{"id":3,"pad":""}`)) + `"}`
	writeFile(t, dir, "in.jsonl", []byte(`{"id":1}`+"\n"+long+"\n"+fits+"\n"+`{"id":4}`+"\n"))
	res := runOK(t, "longline", dir, "--bounded")
	var ids []int64
	for _, r := range parseRows(t, readFile(t, dir, "out.jsonl")) {
		n, err := r.get("id").(json.Number).Int64()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n)
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 3 || ids[2] != 4 {
		t.Errorf("ids %v, want [1 3 4]", ids)
	}
	if got := statsLine(t, res.Stderr, "events"); got != "events: read 4, bad 1, late 0" {
		t.Errorf("stats %q", got)
	}
	var dl struct {
		Line      int    `json:"line"`
		Error     string `json:"error"`
		Record    string `json:"record"`
		Truncated bool   `json:"truncated"`
		Size      int    `json:"size"`
	}
	if err := json.Unmarshal([]byte(readFile(t, dir, "dead.jsonl")), &dl); err != nil {
		t.Fatal(err)
	}
	if dl.Line != 2 || !dl.Truncated || dl.Size != len(long) || len(dl.Record) != 1023 /* 1 KiB cut before a split "ü" */ || !strings.HasPrefix(long, dl.Record) ||
		dl.Error != "line of 6017 bytes is longer than the source's 'max.line.bytes' (1500)" {
		t.Errorf("dead letter: line %d, truncated %v, size %d, %d record bytes, error %q", dl.Line, dl.Truncated, dl.Size, len(dl.Record), dl.Error)
	}
}
