package conformance

import (
	"strings"
	"testing"
)

// TestRunnerReports runs cases that must fail, each for its own reason, next to cases that must pass, over a data
// set built in Go (as the random generator builds them). One of them stops the file's job at run time, so the
// runner also has to split the job and run its cases alone.
func TestRunnerReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc jobs")
	}
	ds := &Dataset{
		File: "selftest", Seed: 5, Rows: 300,
		Columns: []Column{
			{Name: "k", Type: "VARCHAR", Gen: "choice", Values: []string{"x", "y", "z"}},
			{Name: "v", Type: "BIGINT", Gen: "int", Min: "-10", Max: "10", NullRate: 0.2},
			{Name: "d", Type: "DECIMAL(9,2)", Gen: "decimal"},
		},
		Source: "CREATE STREAM s (k VARCHAR, v BIGINT, d DECIMAL(9,2)) WITH ('path' = 's.jsonl')",
	}
	type want struct {
		c    *Case
		fail string // "" = pass
	}
	tests := []want{
		{&Case{Name: "pass", Velocc: "SELECT k, SUM(v) AS sv FROM s GROUP BY k EMIT FINAL", DuckDB: "SELECT k, SUM(v) AS sv FROM s GROUP BY k"}, ""},
		{&Case{Name: "wrong", Velocc: "SELECT k, v FROM s", DuckDB: "SELECT k, v + 1 AS v FROM s"}, "only in velocc"},
		{&Case{Name: "names", Velocc: "SELECT k AS a FROM s", DuckDB: "SELECT k AS b FROM s"}, "column names differ"},
		{&Case{Name: "nocompile", Velocc: "SELECT nope FROM s", DuckDB: "SELECT 1"}, "velocc does not compile the query:\n    selftest:"},
		{&Case{Name: "duckerr", Velocc: "SELECT k FROM s", DuckDB: "SELECT nope FROM s"}, "DuckDB: "},
		{&Case{Name: "avg", Velocc: "SELECT AVG(d) AS a FROM s EMIT FINAL", DuckDB: "SELECT AVG(d) AS a FROM s"}, "DECIMAL(38,8) in velocc but DOUBLE in DuckDB"},
		{&Case{Name: "avgdiffers", Differs: "exact AVG", Velocc: "SELECT AVG(d) AS a FROM s EMIT FINAL", DuckDB: "SELECT AVG(d) AS a FROM s"}, ""},
		{&Case{Name: "noerror", ExpectErr: "overflow", Velocc: "SELECT SUM(v) AS t FROM s EMIT FINAL", DuckDB: "SELECT error('x') AS t"}, "the job succeeded"},
		{&Case{Name: "error", ExpectErr: "integer overflow", Velocc: "SELECT v * 9223372036854775807 AS t FROM s WHERE v > 1", DuckDB: "SELECT v * 9223372036854775807 AS t FROM s WHERE v > 1"}, ""},
		{&Case{Name: "erroronlyvelocc", ExpectErr: "integer overflow", Velocc: "SELECT v * 9223372036854775807 AS t FROM s WHERE v > 1", DuckDB: "SELECT 1 AS t"}, "DuckDB ran the query without an error"},
		{&Case{Name: "stops", Velocc: "SELECT CAST(k AS INT) AS i FROM s", DuckDB: "SELECT 1 AS i"}, "the velocc job failed on the JSON-lines data: exit status 1"},
		{&Case{Name: "ordered", Ordered: true, Velocc: "SELECT k FROM s", DuckDB: "SELECT k FROM s ORDER BY k DESC"}, "differ (in order)"},
		{&Case{Name: "compileerr", ExpectCompileErr: `unknown column "nope"|"nope".*not`, Velocc: "SELECT nope FROM s", DuckDB: "SELECT nope FROM s"}, ""},
		{&Case{Name: "compiles", ExpectCompileErr: "x", Velocc: "SELECT k FROM s"}, "velocc compiles the query"},
		{&Case{Name: "othercompileerr", ExpectCompileErr: "overflow", Velocc: "SELECT nope FROM s"}, "velocc's compile errors do not match"},
		{&Case{Name: "compileerrduck", ExpectCompileErr: "nope", Velocc: "SELECT nope FROM s", DuckDB: "SELECT k FROM s"}, "DuckDB ran the query without an error"},
	}
	var cases []*Case
	for _, tc := range tests {
		tc.c.File = ds.File
		cases = append(cases, tc.c)
	}
	results := NewRunner(t).Run(ds, cases)
	if len(results) != len(tests) {
		t.Fatalf("%d results for %d cases", len(results), len(tests))
	}
	for i, tc := range tests {
		res := results[i]
		switch {
		case res.Case != tc.c:
			t.Errorf("result %d is for case %s, want %s", i, res.Case.Name, tc.c.Name)
		case tc.fail == "" && res.Failure != "":
			t.Errorf("case %s failed:\n%s", tc.c.Name, res.Failure)
		case tc.fail != "" && !strings.Contains(res.Failure, tc.fail):
			t.Errorf("case %s: want a failure with %q, got:\n%s", tc.c.Name, tc.fail, res.Failure)
		case tc.fail != "" && !strings.HasPrefix(res.Failure, "selftest: case "+tc.c.Name+"\n  velocc: "):
			t.Errorf("case %s: the report does not start with the case and its queries:\n%s", tc.c.Name, res.Failure)
		}
	}
}

func TestShortGenError(t *testing.T) {
	msg := "codegen: rendering x.case: Error 3:5: expected ';', found '.' while formatting source:\npackage main\n\nfunc f() { a.b. }\nmore\n"
	want := "codegen: rendering x.case: Error 3:5: expected ';', found '.' while formatting source:\n    line 3: func f() { a.b. }"
	if got := shortGenError(msg); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestQueryAtGoLine(t *testing.T) {
	j := &job{goIDs: [][]string{{"Select1"}, {"D", "Select10", "DStream"}}, src: []byte(`package main

func setup() {
	x := 1
}

func (q *select10Query) emit(k *select10Key) error {
	bad
}

type select1State struct {
	bad
}

func (q *dStreamQuery) emit() {
	bad
}
`)}
	for line, want := range map[int]int{4: -1, 8: 1, 12: 0, 1: -1, 16: 1} {
		if got := j.queryAtGoLine(line); got != want {
			t.Errorf("queryAtGoLine(%d) = %d, want %d", line, got, want)
		}
	}
}

func TestGoIdentIn(t *testing.T) {
	for _, tc := range []struct {
		line, id string
		want     bool
	}{
		{"func (q *select1Query) process(r *tRecord) error {", "select1", true},
		{"func (q *select10Query) process(r *tRecord) error {", "select1", false},
		{"type select1Key struct {", "select1", true},
		{"type xselect1Key struct {", "select1", false},
		{"func newSelect1Query(src *rt.Source) *select1Query {", "select1", true},
		{"func setup(c *rt.Context) error {", "select1", false},
	} {
		if got := goIdentIn(tc.line, tc.id); got != tc.want {
			t.Errorf("goIdentIn(%q, %q) = %v", tc.line, tc.id, got)
		}
	}
}

func TestJobSources(t *testing.T) {
	src := []byte(`package main

import "github.com/velocc/velocc/rt"

var other = x{Sources: []string{"no"}}

var job = &rt.Job{
	Name: "job",
	Sinks: []rt.SinkSpec{{Name: "select_1"}},
	Sources: []rt.SourceSpec{{
		Name: "t",
		URI:  "file:t.jsonl",
	}, {
		URI:  "file:u.jsonl",
		Name: "Book",
	}},
}
`)
	got, err := jobSources(src)
	if err != nil || strings.Join(got, " ") != "t Book" {
		t.Errorf("jobSources = %q, %v; want [t Book]", got, err)
	}
}

// TestRunnerTables runs cases over a data set with a table: velocc's table (the last row of each key, NULL keys
// skipped) must equal the DuckDB table, and not the first row of each key.
func TestRunnerTables(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc jobs")
	}
	ds := &Dataset{
		File: "selftest", Seed: 5, Rows: 300,
		Columns: []Column{
			{Name: "k", Type: "VARCHAR", Gen: "choice", Values: []string{"a", "b", "c", "z"}, NullRate: 0.1},
			{Name: "v", Type: "BIGINT", Gen: "int", Min: "-10", Max: "10"},
		},
		Tables: []*Table{{
			Name: "u", Seed: 6, Rows: 40, KeyDuplicates: 0.5, PrimaryKey: []string{"k"},
			Columns: []Column{
				{Name: "k", Type: "VARCHAR", Gen: "choice", Values: []string{"a", "b", "c", "d"}, NullRate: 0.1},
				{Name: "w", Type: "BIGINT", Gen: "int", Min: "0", Max: "1000000"},
			},
		}},
		Source: "CREATE STREAM s (k VARCHAR, v BIGINT) WITH ('path' = 's.jsonl');\n" +
			"CREATE TABLE u (k VARCHAR PRIMARY KEY, w BIGINT) WITH ('path' = 'u.jsonl', 'on.error' = 'skip')",
	}
	tests := []struct {
		c    *Case
		fail string
	}{
		{&Case{Name: "last", Velocc: "SELECT s.v, u.w FROM s LEFT JOIN u ON s.k = u.k", DuckDB: "SELECT s.v, u.w FROM s LEFT JOIN u ON s.k = u.k"}, ""},
		{&Case{Name: "first", Velocc: "SELECT s.v, u.w FROM s JOIN u ON s.k = u.k",
			DuckDB: "SELECT s.v, f.w FROM s JOIN (SELECT * FROM u__raw WHERE k IS NOT NULL QUALIFY row_number() OVER (PARTITION BY k ORDER BY __rn) = 1) f ON s.k = f.k"}, "only in velocc"},
		{&Case{Name: "fail", ExpectErr: `no row of table "u"`, Velocc: "SELECT s.v, u.w FROM s JOIN u ON s.k = u.k WITH ('u.join.missing' = 'fail')"}, ""},
	}
	var cases []*Case
	for _, tc := range tests {
		tc.c.File = ds.File
		cases = append(cases, tc.c)
	}
	for i, res := range NewRunner(t).Run(ds, cases) {
		tc := tests[i]
		switch {
		case tc.fail == "" && res.Failure != "":
			t.Errorf("case %s failed:\n%s", tc.c.Name, res.Failure)
		case tc.fail != "" && !strings.Contains(res.Failure, tc.fail):
			t.Errorf("case %s: want a failure with %q, got:\n%s", tc.c.Name, tc.fail, res.Failure)
		}
	}
}

// TestRunnerGraph runs scripts of several statements over a data set with two streams: the rows compared are the
// bare SELECT's or those of the stream the case names as its output; cases that declare the same stream name run
// in jobs of their own; each job reads the second stream only when a query of it does.
func TestRunnerGraph(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc jobs")
	}
	ds := &Dataset{
		File: "selftest", Seed: 7, Rows: 200,
		Columns: []Column{
			{Name: "k", Type: "VARCHAR", Gen: "choice", Values: []string{"x", "y", "z"}},
			{Name: "v", Type: "INT", Gen: "int", Min: "-10", Max: "10", NullRate: 0.2},
		},
		Streams: []*Stream{{
			Name: "u", Seed: 7, Rows: 150, Duplicates: 0.1,
			Columns: []Column{
				{Name: "k", Type: "VARCHAR", Gen: "choice", Values: []string{"x", "y", "w"}},
				{Name: "v", Type: "BIGINT", Gen: "int", Min: "-10", Max: "10"},
			},
		}},
		Source: "CREATE STREAM s (k VARCHAR, v INT) WITH ('path' = 's.jsonl');\n" +
			"CREATE STREAM u (k VARCHAR, v BIGINT) WITH ('path' = 'u.jsonl')",
	}
	tests := []struct {
		c    *Case
		fail string
	}{
		{&Case{Name: "chain", Velocc: "CREATE STREAM d AS SELECT k, v FROM s WHERE v > 0;\nSELECT k, SUM(v) AS sv FROM d GROUP BY k EMIT FINAL",
			DuckDB: "WITH d AS (SELECT k, v FROM s WHERE v > 0) SELECT k, SUM(v) AS sv FROM d GROUP BY k"}, ""},
		{&Case{Name: "same_name", Velocc: "CREATE STREAM d AS SELECT k FROM u WHERE v < 0;\nSELECT k FROM d",
			DuckDB: "SELECT k FROM u WHERE v < 0"}, ""},
		{&Case{Name: "same_name_wrong", Velocc: "CREATE STREAM d AS SELECT k FROM u WHERE v < 0;\nSELECT k FROM d",
			DuckDB: "SELECT k FROM u WHERE v <= 0"}, "only in DuckDB"},
		{&Case{Name: "union_output", Output: "d", Velocc: "CREATE STREAM d AS SELECT k, v FROM s UNION ALL SELECT k, v FROM u WITH ('d.type' = 'stdout')",
			DuckDB: "SELECT k, v FROM s UNION ALL SELECT k, v FROM u"}, ""},
		{&Case{Name: "union_output_wrong", Output: "e", Velocc: "CREATE STREAM e AS SELECT k, v FROM s UNION ALL SELECT k, v FROM u WITH ('e.type' = 'stdout')",
			DuckDB: "SELECT k, v FROM s"}, "only in velocc"},
		{&Case{Name: "insert_output", Output: "f", Velocc: "CREATE STREAM f AS SELECT k, v FROM u WHERE v > 5;\nINSERT INTO f SELECT k, v FROM s WHERE v < -5;\nSELECT k FROM f",
			DuckDB: "SELECT k, v FROM u WHERE v > 5 UNION ALL SELECT k, v FROM s WHERE v < -5"}, ""},
		{&Case{Name: "no_output", Output: "nope", Velocc: "SELECT k FROM s", DuckDB: "SELECT k FROM s"}, `the case's output "nope" is not a stream`},
		{&Case{Name: "two_selects", Velocc: "SELECT k FROM s;\nSELECT v FROM s", DuckDB: "SELECT k FROM s"}, "holds 2 bare SELECTs"},
		{&Case{Name: "only_u", Velocc: "SELECT k, v * 2 AS v2 FROM u", DuckDB: "SELECT k, v * 2 AS v2 FROM u"}, ""},
		{&Case{Name: "fails_at_run_time", ExpectErr: "integer overflow", Velocc: "CREATE STREAM g AS SELECT v FROM u;\nSELECT v * 9223372036854775807 AS o FROM g WHERE v > 1",
			DuckDB: "SELECT v * 9223372036854775807 AS o FROM u WHERE v > 1"}, ""},
	}
	var cases []*Case
	for _, tc := range tests {
		tc.c.File = ds.File
		cases = append(cases, tc.c)
	}
	for i, res := range NewRunner(t).Run(ds, cases) {
		tc := tests[i]
		switch {
		case tc.fail == "" && res.Failure != "":
			t.Errorf("case %s failed:\n%s", tc.c.Name, res.Failure)
		case tc.fail != "" && !strings.Contains(res.Failure, tc.fail):
			t.Errorf("case %s: want a failure with %q, got:\n%s", tc.c.Name, tc.fail, res.Failure)
		}
	}
}
