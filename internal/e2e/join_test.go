package e2e

// Stream–table joins that wait for their table ('<table>.join.missing' = 'retry'), on a job that follows its files:
// a record whose key the table lacks is held until the key comes (and the records of that key behind it keep
// their order), or until the retry timeout, after which 'join.retry.then' applies.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func init() {
	jobScripts["join_retry"] = `CREATE STREAM events (id BIGINT NOT NULL, sym VARCHAR) WITH ('path' = 'in.jsonl');
CREATE TABLE refs (sym VARCHAR PRIMARY KEY, name VARCHAR) WITH ('path' = 'ref.jsonl');
-- waits (practically) forever for a key: a key that comes late joins its row
CREATE STREAM patient AS SELECT e.id, r.name FROM events e LEFT JOIN refs r ON e.sym = r.sym
WITH ('patient.path' = 'patient.jsonl', 'refs.join.missing' = 'retry', 'refs.join.retry.timeout' = '1h');
-- waits one second, then fills in a default: for the key that never comes
CREATE STREAM hasty AS SELECT e.id, r.name FROM events e JOIN refs r ON e.sym = r.sym WHERE e.id = 2
WITH ('hasty.path' = 'hasty.jsonl', 'refs.join.missing' = 'retry', 'refs.join.retry.timeout' = '1s',
      'refs.join.retry.then' = 'defaults', 'refs.join.default.name' = 'none');
`
}

// TestJoinRetry: record 1 (key A, missing) is held; record 3 (key B, present) passes at once; record 4 (key A
// again) waits behind record 1; record 2 (key Z) never finds its key. Once A is appended to the table's file,
// records 1 and 4 join it, in that order. In the hasty query, record 2 gets the default after its timeout.
func TestJoinRetry(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	in, ref := filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "ref.jsonl")
	patient, hasty := filepath.Join(dir, "patient.jsonl"), filepath.Join(dir, "hasty.jsonl")
	writeFile(t, dir, "ref.jsonl", []byte(`{"sym":"B","name":"bee"}`+"\n"))
	writeFile(t, dir, "in.jsonl", []byte(`{"id":1,"sym":"A"}
{"id":2,"sym":"Z"}
{"id":3,"sym":"B"}
{"id":4,"sym":"A"}
`))
	p := startJob(t, "join_retry", "--source", "events=file:"+in, "--source", "refs=file:"+ref,
		"--sink", "patient=file:"+patient, "--sink", "hasty=file:"+hasty)
	read := func(path string) []string {
		b, _ := os.ReadFile(path)
		s := strings.TrimSuffix(string(b), "\n")
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	lines := func() int { return len(read(patient)) + len(read(hasty)) }

	waitProgress(t, "record 3 joined, record 2 defaulted", p, until(func() bool {
		return len(read(patient)) >= 1 && len(read(hasty)) >= 1
	}, lines))
	if got := read(patient); len(got) != 1 || got[0] != `{"id":3,"name":"bee"}` {
		t.Fatalf("patient before A came: %q, want only record 3 (1 and 4 are held)", got)
	}
	if got := read(hasty); len(got) != 1 || got[0] != `{"id":2,"name":"none"}` {
		t.Fatalf("hasty: %q, want record 2 with the default after its timeout", got)
	}

	f, err := os.OpenFile(ref, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"sym":"A","name":"ay"}` + "\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	waitProgress(t, "records 1 and 4 joined once A came", p, until(func() bool { return len(read(patient)) >= 3 }, lines))
	want := []string{`{"id":3,"name":"bee"}`, `{"id":1,"name":"ay"}`, `{"id":4,"name":"ay"}`}
	if got := read(patient); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("patient: %q, want %q", got, want)
	}
	if strings.Contains(strings.Join(read(patient), ""), `"id":2`) {
		t.Fatal("record 2 left the patient query, whose key never came")
	}
}
