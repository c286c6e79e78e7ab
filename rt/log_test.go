package rt

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogFormatJSON: with --log-format json every line the job writes on stderr is a JSON object with the time,
// the level, the component and the message, the exit statistics included (with their counts as attributes); the
// default stays "component: message".
func TestLogFormatJSON(t *testing.T) {
	in := writeFile(t, filepath.Join(t.TempDir(), "orders.jsonl"),
		`{"symbol":"A","qty":1}`+"\n"+`{"qty":2}`+"\n"+`{"symbol":"B","qty":3}`+"\n")
	job := func() *Job { return orderJob(SourceSpec{Name: "orders", URI: "file:" + in, OnError: "skip"}) }

	res := runJob(context.Background(), job(), "--bounded", "--log-format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d:\n%s", res.code, res.stderr)
	}
	type record struct {
		Time, Level, Msg, Component string
		Statistics                  bool
		Read, Bad, Emitted          *int64
	}
	var recs []record
	for _, line := range strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Time == "" || r.Level == "" || r.Msg == "" {
			t.Fatalf("stderr line %q is not a log record with time, level and msg (%v); stderr:\n%s", line, err, res.stderr)
		}
		recs = append(recs, r)
	}
	find := func(component, prefix string) *record {
		for i := range recs {
			if recs[i].Component == component && strings.HasPrefix(recs[i].Msg, prefix) {
				return &recs[i]
			}
		}
		t.Fatalf("no record of %s starting %q; stderr:\n%s", component, prefix, res.stderr)
		return nil
	}
	if r := find("orders", "skipped "); r.Level != "WARN" || !strings.Contains(r.Msg, in+":2") {
		t.Errorf("the skipped record: %+v", *r)
	}
	if r := find("orders", "read 3, bad 1, late 0"); !r.Statistics || r.Level != "INFO" || r.Read == nil || *r.Read != 3 || r.Bad == nil || *r.Bad != 1 {
		t.Errorf("the source's statistics: %+v", *r)
	}
	if r := find("out", "emitted 2"); !r.Statistics || r.Emitted == nil || *r.Emitted != 2 {
		t.Errorf("the sink's statistics: %+v", *r)
	}

	text := runJob(context.Background(), job(), "--bounded")
	if !strings.Contains(text.stderr, "orders: skipped ") || !strings.Contains(text.stderr, "orders: read 3, bad 1, late 0\n") ||
		!strings.Contains(text.stderr, "out: emitted 2\n") {
		t.Errorf("text log:\n%s", text.stderr)
	}
	if bad := runJob(context.Background(), job(), "--log-format", "xml"); bad.code != 2 || !strings.Contains(bad.stderr, "flag --log-format wants text or json") {
		t.Errorf("--log-format xml: exit %d, stderr %s", bad.code, bad.stderr)
	}
}
