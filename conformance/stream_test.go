package conformance

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

const streamFile = `# a main stream, two more streams and a table
-- data --
seed: 3
rows: 50
columns:
  - {name: sym, type: VARCHAR, gen: choice, values: [a, b, c]}
  - {name: ts,  type: TIMESTAMP, gen: time, step_ms: 100, jitter_ms: 50}
-- data lse --
seed: 3
rows: 80
duplicates: 0.25
columns:
  - {name: sym, type: VARCHAR, gen: choice, values: [a, b, c]}
  - {name: ts,  type: TIMESTAMP, gen: time, step_ms: 100, jitter_ms: 50}
-- data Nyse --
rows: 10
columns:
  - {name: size, type: INT, gen: int}
-- data inst --
primary_key: [sym]
columns:
  - {name: sym, type: VARCHAR, gen: choice, values: [a, b]}
-- source --
CREATE STREAM t (sym VARCHAR, ts TIMESTAMP) WITH ('path' = 't.jsonl');
CREATE STREAM lse (sym VARCHAR, ts TIMESTAMP) WITH ('path' = 'lse.jsonl');
CREATE STREAM nyse (size INT) WITH ('path' = 'Nyse.jsonl');
CREATE TABLE inst (sym VARCHAR PRIMARY KEY) WITH ('path' = 'inst.jsonl');
-- case graph --
-- output d --
CREATE STREAM d AS SELECT sym FROM t
UNION ALL SELECT sym FROM lse;
SELECT sym FROM d;
-- duckdb --
SELECT sym FROM t UNION ALL SELECT sym FROM lse;
`

func TestParseStreams(t *testing.T) {
	ds, cases, err := Parse("streams.case", []byte(streamFile))
	if err != nil {
		t.Fatal(err)
	}
	if ds.SourceName != "t" || len(ds.Streams) != 2 || len(ds.Tables) != 1 || len(cases) != 1 {
		t.Fatalf("source %q, %d streams, %d tables, %d cases", ds.SourceName, len(ds.Streams), len(ds.Tables), len(cases))
	}
	lse, nyse := ds.Streams[0], ds.Streams[1]
	if lse.Name != "lse" || lse.Seed != 3 || lse.Rows != 80 || lse.Duplicates != 0.25 || len(lse.Columns) != 2 || lse.line != 8 {
		t.Errorf("lse: %+v", lse)
	}
	if nyse.Name != "Nyse" || nyse.Rows != 10 || nyse.Duplicates != 0 {
		t.Errorf("Nyse: %+v", nyse)
	}
	c := cases[0]
	if c.Output != "d" || c.Velocc != "CREATE STREAM d AS SELECT sym FROM t\nUNION ALL SELECT sym FROM lse;\nSELECT sym FROM d" || c.veloccLine != 30 || c.Line != 28 {
		t.Errorf("case: %+v", c)
	}
}

func TestParseStreamErrors(t *testing.T) {
	main := "-- data --\ncolumns: [{name: a, type: INT, gen: int}]\n"
	st := "-- data u --\nduplicates: 0.5\ncolumns: [{name: b, type: INT, gen: int}]\n"
	src := "-- source --\nCREATE STREAM t (a INT);\nCREATE STREAM u (b INT);\n"
	for _, tc := range []struct{ src, want string }{
		{main + st + src, ""},
		{main + strings.Replace(st, "duplicates", "key_duplicates", 1) + src, "x.case:3: data u: key_duplicates is for a table"},
		{main + strings.Replace(st, "0.5", "1.5", 1) + src, `stream "u": duplicates must be between 0 and 1`},
		{main + st + "-- source --\nCREATE STREAM t (a INT);\n", `x.case:3: the data section of stream "u" has no CREATE STREAM u`},
		{main + st + strings.Replace(src, "STREAM u", "TABLE u", 1), `x.case:8: table "u": its data section has no primary_key, which makes it a stream`},
		{main + st + src + "CREATE STREAM w (c INT);\n", `x.case:9: stream "w" has no data section (-- data w --)`},
		{main + st + "-- source --\nCREATE STREAM u (b INT);\n", "the source must hold a CREATE STREAM statement for the main data section"},
		{main + st + st + src, `x.case:6: "u" already has a data section at line 3`},
		{main + st + src + "-- case a --\n-- output 1x --\nSELECT a FROM t\n-- duckdb --\nSELECT 1\n", "x.case:10: output needs the name of a stream"},
		{main + st + src + "-- case a --\n-- output d --\n-- output e --\nSELECT a FROM t\n-- duckdb --\nSELECT 1\n", `x.case:11: case "a" has two outputs`},
		{main + st + src + "-- case a --\n-- output d --\n-- expect compile error \"x\" --\nSELECT a FROM t\n", `case "a" expects a compile error: it has no output to compare`},
	} {
		_, _, err := Parse("x.case", []byte(tc.src))
		if tc.want == "" {
			if err != nil {
				t.Errorf("Parse(%q): %v", tc.src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}

// TestGenerateStreams: each stream's records are written three ways next to the main stream's, with duplicates,
// the same on every run, and never the main stream's values although the sections share seed and columns.
func TestGenerateStreams(t *testing.T) {
	ds, _, err := Parse("streams.case", []byte(streamFile))
	if err != nil {
		t.Fatal(err)
	}
	gen := func() (main, lse []byte) {
		dir := t.TempDir()
		j, _, err := ds.Generate(dir)
		if err != nil {
			t.Fatal(err)
		}
		main, _ = os.ReadFile(j)
		for _, st := range ds.Streams {
			for _, f := range []string{st.Name + ".jsonl", st.Name + ".pretty.jsonl", st.Name + ".csv"} {
				if _, err := os.Stat(dir + "/" + f); err != nil {
					t.Errorf("stream %s: %v", st.Name, err)
				}
			}
		}
		jsonl, _, csv := ds.Streams[0].Files(dir)
		lse, _ = os.ReadFile(jsonl)
		c, _ := os.ReadFile(csv)
		if n := bytes.Count(c, []byte("\n")); n != 81 {
			t.Errorf("lse.csv has %d lines, want 80 and a header", n)
		}
		return main, lse
	}
	m1, l1 := gen()
	m2, l2 := gen()
	if !bytes.Equal(m1, m2) || !bytes.Equal(l1, l2) {
		t.Fatal("generating twice gave different data")
	}
	lines := strings.Split(strings.TrimSuffix(string(l1), "\n"), "\n")
	if len(lines) != 80 {
		t.Fatalf("lse.jsonl has %d lines, want 80", len(lines))
	}
	dups := 0
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			dups++
		}
	}
	if dups < 8 || dups > 30 {
		t.Errorf("%d duplicates in 80 records at 0.25", dups)
	}
	if strings.HasPrefix(string(l1), strings.SplitN(string(m1), "\n", 2)[0]) {
		t.Errorf("lse starts with the main stream's first record: the seeds are not mixed with the name")
	}
}
