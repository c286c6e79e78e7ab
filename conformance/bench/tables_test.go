package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// jobStderr is what a W6 job writes on stderr (rt's load summaries and exit statistics).
const jobStderr = `table traders: 5000 rows (250 duplicates replaced) from 1 file, 424.0 kB, in 0.01 s
table instruments: 100000 rows (2000 duplicates replaced) from 1 file, 6.1 MB, in 0.15 s
orders: read 100000, bad 0, late 0
instruments: read 102000, bad 0, late 0; table rows 100000, duplicates replaced 2000
traders: read 5250, bad 0, late 0; table rows 5000, duplicates replaced 250
select_1: emitted 73251
`

func TestParseTableLoads(t *testing.T) {
	loads, err := parseTableLoads(jobStderr, []string{"instruments", "traders"})
	if err != nil {
		t.Fatal(err)
	}
	want := []tableLoad{{name: "instruments", read: 102000, rows: 100000, replaced: 2000, secs: 0.15},
		{name: "traders", read: 5250, rows: 5000, replaced: 250, secs: 0.01}}
	for i := range want {
		if loads[i] != want[i] {
			t.Errorf("table %d: %+v, want %+v", i, loads[i], want[i])
		}
	}
	files := []dataFile{{rows: 102000, keys: 100000}, {rows: 5250, keys: 5000}}
	if err := checkTables(loads, files); err != nil {
		t.Error(err)
	}
	files[1].keys = 5001
	if err := checkTables(loads, files); err == nil || !strings.Contains(err.Error(), "table traders") {
		t.Errorf("a table short of a key: %v", err)
	}
	if _, err := parseTableLoads(jobStderr, []string{"instruments", "desks"}); err == nil {
		t.Error("a table without a summary line: no error")
	}
}

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkTableGet/uniform-2         	 2317027	       529.3 ns/op	       0 B/op	       0 allocs/op
BenchmarkTableGet/zipf-2            	 5730865	       206.8 ns/op
BenchmarkTableGet/hot1000           	10593608	       118 ns/op
PASS
`
	got := parseBench(out)
	want := []microResult{{"BenchmarkTableGet/uniform", 529.3}, {"BenchmarkTableGet/zipf", 206.8}, {"BenchmarkTableGet/hot1000", 118}}
	if len(got) != len(want) {
		t.Fatalf("parseBench = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("case %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// TestCompareHashed: rows in any order match; a changed value, a missing or an extra duplicate row does not, and
// the report shows the rows of each side.
func TestCompareHashed(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o666); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w := &workload{hashed: true}
	a := write("a", `{"id":1,"s":"x","p":1.50}`, `{"id":2,"s":null,"p":2}`, `{"id":2,"s":null,"p":2}`)
	b := write("b", `{"id":2,"s":null,"p":2.0}`, `{"p":1.5,"id":1,"s":"x"}`, `{"id":2,"s":null,"p":2}`)
	if err := compareOutputs(w, a, b); err != nil {
		t.Errorf("the same rows in another order: %v", err)
	}
	c := write("c", `{"id":2,"s":null,"p":2}`, `{"id":1,"s":"y","p":1.5}`, `{"id":2,"s":null,"p":2}`)
	err := compareOutputs(w, a, c)
	if err == nil || !strings.Contains(err.Error(), `velocc only:`) || !strings.Contains(err.Error(), `"s":"x"`) ||
		!strings.Contains(err.Error(), `"s":"y"`) {
		t.Errorf("a changed value: %v", err)
	}
	d := write("d", `{"id":1,"s":"x","p":1.5}`, `{"id":2,"s":null,"p":2}`)
	if err := compareOutputs(w, a, d); err == nil || !strings.Contains(err.Error(), "velocc wrote 3 rows, DuckDB 2") {
		t.Errorf("a duplicate row missing: %v", err)
	}
	w.approx = map[string]float64{"p": 0}
	if err := compareOutputs(w, a, b); err == nil {
		t.Error("approximate columns compared by hashes: no error")
	}
}

func TestTableScripts(t *testing.T) {
	got := instruments.createTable(0)
	want := "CREATE TABLE instruments (symbol VARCHAR, name VARCHAR, sector VARCHAR, currency VARCHAR, " +
		"tick_size DECIMAL(10,4), lot_size BIGINT, rev BIGINT, PRIMARY KEY (symbol))\n" +
		"  WITH ('type'='file_source', 'path'='instruments.csv', 'format'='csv');\n"
	if got != want {
		t.Errorf("createTable:\n%s\nwant:\n%s", got, want)
	}
	w6 := workloads[slices.IndexFunc(workloads, func(w *workload) bool { return w.id == "W6" })]
	q := w6.duckQuery("o.jsonl", nil, []string{"i.csv", "t.jsonl"})
	for _, s := range []string{"FROM read_json('o.jsonl'", "FROM read_csv('i.csv'", "FROM read_json('t.jsonl'"} {
		if !strings.Contains(q, s) {
			t.Errorf("duckQuery lacks %q:\n%s", s, q)
		}
	}
	if strings.Contains(q, "{scan") {
		t.Errorf("duckQuery left a placeholder:\n%s", q)
	}
	args := veloccArgs(w6, "o.jsonl", nil, []dataFile{{path: "i.csv"}, {path: "t.jsonl"}}, "out.jsonl", 1)
	if got := strings.Join(args, " "); got != "--bounded --progress 0 --source orders=file:o.jsonl "+
		"--source instruments=file:i.csv --source traders=file:t.jsonl --sink select_1=file:out.jsonl" {
		t.Errorf("veloccArgs = %s", got)
	}
}
