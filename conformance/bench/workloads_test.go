package main

import (
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/e2e"
)

// TestWorkloads compiles every velocc script (and fused script) and runs every DuckDB query over a small generated
// file: both must be accepted and have the same output columns, and the approximate columns must be among them.
// (The benchmark itself compares the rows.)
func TestWorkloads(t *testing.T) {
	r, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files := map[*dataset][]string{}
	for _, ds := range datasets {
		paths := dataPaths(dir, ds, 300)
		var ws []*os.File
		for _, p := range paths {
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			ws = append(ws, f)
		}
		if err := ds.write(1, 300, mapSlice(ws, func(f *os.File) io.Writer { return f }), nil); err != nil {
			t.Fatal(err)
		}
		files[ds] = paths
	}
	ids := map[string]bool{}
	for _, w := range workloads {
		t.Run(w.id, func(t *testing.T) {
			if ids[w.id] {
				t.Errorf("two workloads are named %s", w.id)
			}
			ids[w.id] = true
			vcols := checkScript(t, r, w, w.script, w.fused == nil)
			if w.fused != nil {
				if fcols := checkScript(t, r, w, w.fused, true); !slices.Equal(fcols, vcols) {
					t.Errorf("output columns: the chain's %v, the fused query's %v", vcols, fcols)
				}
				if w.fusedTitle == "" {
					t.Error("a fused script without a title")
				}
			}
			streams := mapSlice(w.streams, func(s streamRef) string { return files[s.ds][s.format] })
			tables := mapSlice(w.tables, func(tr tableRef) string { return files[tr.ds][tr.format] })
			rows, err := db.Query(w.duckQuery(files[w.ds][w.format], streams, tables))
			if err != nil {
				t.Fatalf("DuckDB: %v", err)
			}
			dcols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("DuckDB: %v", err)
			}
			rows.Close()
			if !slices.Equal(vcols, dcols) {
				t.Errorf("output columns: velocc %v, DuckDB %v", vcols, dcols)
			}
			if n == 0 && !strings.Contains(w.duck, "HAVING") { // a HAVING needs more than 300 records
				t.Errorf("DuckDB returned no rows over 300 records")
			}
			for c := range w.approx {
				if !slices.Contains(vcols, c) {
					t.Errorf("approximate column %s is not an output column", c)
				}
			}
		})
	}
}

// checkScript compiles a script of w: it must read every source of w and have a query writing w's sink, whose
// output columns it returns; with one, that must be its only query.
func checkScript(t *testing.T, root string, w *workload, scriptOf func(string) (string, error), one bool) []string {
	t.Helper()
	script, err := scriptOf(root)
	if err != nil {
		t.Fatal(err)
	}
	plan, diags := compiler.Compile(w.id+".sql", []byte(script), nil)
	if diags.HasErrors() {
		var b strings.Builder
		diags.Format(&b)
		t.Fatalf("velocc:\n%s", b.String())
	}
	i := slices.IndexFunc(plan.Queries, func(q *compiler.Query) bool { return q.Sink != nil && q.Sink.Name == w.sink })
	// Queries velocc adds for a statement (the stream of a CROSS JOIN UNNEST) write nowhere: they do not count.
	writing := 0
	for _, q := range plan.Queries {
		if q.Sink == nil || q.Sink.Type != "none" {
			writing++
		}
	}
	if i < 0 || one && writing != 1 {
		t.Fatalf("want one query writing to %s, the only one that writes: %d", w.sink, writing)
	}
	var vcols []string
	for _, c := range plan.Queries[i].Columns {
		vcols = append(vcols, c.Name)
	}
	names := append([]string{w.ds.source}, mapSlice(w.streams, func(s streamRef) string { return s.ds.source })...)
	for _, name := range append(names, w.tableNames()...) {
		if !slices.ContainsFunc(plan.Sources, func(s *compiler.Source) bool { return s.Name == name }) {
			t.Errorf("the script has no source %s", name)
		}
	}
	return vcols
}

func TestScans(t *testing.T) {
	w4 := workloads[slices.IndexFunc(workloads, func(w *workload) bool { return w.id == "W4" })]
	if got, want := w4.sourceURI("/d/m.csv"), "measurements=file:/d/m.csv?delimiter=;"; got != want {
		t.Errorf("sourceURI = %q, want %q", got, want)
	}
	if got := w4.ds.duckScan(0, "/d/it's.csv"); !strings.Contains(got, `read_csv('/d/it''s.csv', columns={'station': 'VARCHAR', 'temperature': 'DECIMAL(3,1)'}, header=true, delim=';'`) {
		t.Errorf("duckScan = %s", got)
	}
	if got := trades.duckScan(0, "t.jsonl"); !strings.HasPrefix(got, "read_json('t.jsonl', columns={'trade_id': 'BIGINT',") ||
		!strings.HasSuffix(got, "format='newline_delimited')") {
		t.Errorf("duckScan = %s", got)
	}
	if got := trades.createStream(1); !strings.Contains(got, "'format'='csv'") || strings.Contains(got, "delimiter") {
		t.Errorf("createStream = %s", got)
	}
	if got := filepath.Base(dataPaths("/c", payments, 5)[0]); got != "payments-5.csv" {
		t.Errorf("dataPaths = %s", got)
	}
}
