package conformance

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleFile = `# a comment
-- data --
seed: 3
rows: 500
duplicates: 0.1
columns:
  - {name: k, type: VARCHAR, gen: choice, values: [a, b, c, d], zipf: 1.5, null_rate: 0.1}
  - {name: v, type: DECIMAL(12,3), gen: decimal, min: -5, max: 5}
  - {name: x, type: DOUBLE, gen: float, edges: [NaN, -0], edge_rate: 0.1}
  - {name: s, type: VARCHAR, gen: string, alphabet: unicode, max_len: 6}
  - {name: ts, type: TIMESTAMP, gen: time, step_ms: 10, jitter_ms: 30}
-- source --
CREATE STREAM "My Src" (k VARCHAR, v DECIMAL(12,3), x DOUBLE, s VARCHAR, ts TIMESTAMP) WITH ('path' = 'x.jsonl');
-- case one --
SELECT k, v FROM "My Src";   # a comment
-- duckdb --
SELECT k, v FROM "My Src"  # another
;
-- case two --
-- expect error "overflow \d+" --
-- differs "why" --
-- ordered --

SELECT k
  FROM "My Src";
`

func TestParse(t *testing.T) {
	ds, cases, err := Parse("sample.case", []byte(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	if ds.SourceName != "My Src" || ds.Seed != 3 || ds.Rows != 500 || len(ds.Columns) != 5 || ds.sourceLine != 13 {
		t.Errorf("dataset: %+v", ds)
	}
	if len(cases) != 2 {
		t.Fatalf("%d cases", len(cases))
	}
	one, two := cases[0], cases[1]
	if one.Name != "one" || one.Line != 14 || one.Velocc != `SELECT k, v FROM "My Src"` || one.DuckDB != `SELECT k, v FROM "My Src"` || one.veloccLine != 15 {
		t.Errorf("case one: %+v", one)
	}
	if two.ExpectErr != `overflow \d+` || two.Differs != "why" || !two.Ordered || two.Velocc != "SELECT k\n  FROM \"My Src\"" ||
		two.DuckDB != "" || two.veloccLine != 24 {
		t.Errorf("case two: %+v", two)
	}
}

func TestParseErrors(t *testing.T) {
	head := "-- data --\ncolumns: [{name: a, type: INT, gen: int}]\n-- source --\nCREATE STREAM t (a INT);\n"
	for _, tc := range []struct{ src, want string }{
		{"SELECT 1\n" + head, "x.case:1: only comments"},
		{head + "-- case a --\nSELECT a FROM t\n", `x.case:5: case "a" has no DuckDB query`},
		{head + "-- case a --\n-- duckdb --\nSELECT 1\n", `x.case:5: case "a" has no velocc query`},
		{head + "-- case a b --\n", "x.case:5: a case needs a name"},
		{head + "-- case a --\nSELECT a FROM t\n-- duckdb --\nSELECT 1\n-- case A --\n", `x.case:9: case "A" is already defined at line 5`},
		{head + "-- case a --\n-- oredered --\n", `x.case:6: unknown section "oredered"`},
		{head + "-- case a --\n-- expect error \"(\" --\n", "x.case:6: expect error: error parsing regexp"},
		{head + "-- case a --\n-- differs --\n", "x.case:6: differs needs a reason"},
		{"-- data --\ncolumns: [{name: a, type: INT, gen: int, colour: red}]\n-- source --\nCREATE STREAM t (a INT);\n", `x.case:2: data: column: unknown key "colour"`},
		{"-- data --\nrows: [\n-- source --\nCREATE STREAM t (a INT);\n", "x.case:1: data: yaml: line 2"},
		{"-- data --\ncolumns:\n - {name: a, type: INT, gen: decimal}\n-- source --\nCREATE STREAM t (a INT);\n", `x.case:3: column "a": gen "decimal" does not make INT values`},
		{"-- data --\ncolumns:\n - {name: a, type: INT, gen: choice, values: [1, x]}\n-- source --\nCREATE STREAM t (a INT);\n", `x.case:3: column "a": value "x"`},
		{"-- data --\ncolumns:\n - {name: a, type: DECIMAL(4,2), gen: decimal, max: 100}\n-- source --\nCREATE STREAM t (a INT);\n", `column "a": max: does not fit DECIMAL(4,2)`},
		{"-- data --\ncolumns:\n - {name: a, type: INT, gen: int}\n-- source --\nSELECT 1;\n", "x.case:5: the source must be CREATE STREAM statements"},
		{"-- data --\ncolumns:\n - {name: a, type: INT, gen: int}\n", "x.case: no source section"},
	} {
		_, _, err := Parse("x.case", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}

func TestGenerate(t *testing.T) {
	gen := func(src string) (jsonl, csvText []byte) {
		ds, _, err := Parse("sample.case", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		j, c, err := ds.Generate(dir)
		if err != nil {
			t.Fatal(err)
		}
		jsonl, _ = os.ReadFile(j)
		csvText, _ = os.ReadFile(c)
		return jsonl, csvText
	}
	j1, c1 := gen(sampleFile)
	j2, c2 := gen(sampleFile)
	if !bytes.Equal(j1, j2) || !bytes.Equal(c1, c2) {
		t.Fatal("generating twice gave different data")
	}
	j3, _ := gen(strings.Replace(sampleFile, "seed: 3", "seed: 4", 1))
	if bytes.Equal(j1, j3) {
		t.Fatal("another seed gave the same data")
	}

	lines := strings.Split(strings.TrimSuffix(string(j1), "\n"), "\n")
	records, err := csv.NewReader(bytes.NewReader(c1)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 500 || len(records) != 501 {
		t.Fatalf("%d JSON lines, %d CSV records; want 500 and 500 plus a header", len(lines), len(records))
	}
	counts := map[string]int{}
	dups, nulls, omitted := 0, 0, 0
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		rec := records[i+1]
		k, present := m["k"]
		switch {
		case !present:
			omitted++
			fallthrough
		case k == nil:
			nulls++
			if rec[0] != "" {
				t.Errorf("line %d: k is NULL in JSON but %q in CSV", i+1, rec[0])
			}
		default:
			counts[k.(string)]++
			if rec[0] != k {
				t.Errorf("line %d: k is %q in JSON but %q in CSV", i+1, k, rec[0])
			}
		}
		if s, ok := m["s"].(string); !ok || s != rec[3] {
			t.Errorf("line %d: s is %q in JSON but %q in CSV", i+1, m["s"], rec[3])
		}
		if i > 0 && l == lines[i-1] {
			dups++
		}
	}
	if !(counts["a"] > counts["b"] && counts["b"] > counts["c"] && counts["c"] > counts["d"] && counts["d"] > 0) {
		t.Errorf("zipf: counts %v are not skewed", counts)
	}
	if nulls < 25 || nulls > 80 || omitted == 0 || omitted == nulls {
		t.Errorf("%d NULLs (%d omitted keys) in 500 rows at null_rate 0.1", nulls, omitted)
	}
	if dups < 20 || dups > 90 {
		t.Errorf("%d duplicates in 500 rows at 0.1", dups)
	}
	if !bytes.Contains(j1, []byte(`"x":"NaN"`)) || !bytes.Contains(c1, []byte(",NaN,")) || !bytes.Contains(j1, []byte(`"x":-0,`)) {
		t.Error("the edges NaN and -0 do not appear")
	}
	if !bytes.Contains(j1, []byte(`\u`)) {
		t.Error("no \\u escapes in unicode strings")
	}
}

// TestGeneratePretty: the pretty file holds the records of data.jsonl, with Python's separators and whitespace.
func TestGeneratePretty(t *testing.T) {
	ds, _, err := Parse("sample.case", []byte(sampleFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	j, _, err := ds.Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	compact, _ := os.ReadFile(j)
	pretty, err := os.ReadFile(filepath.Join(dir, PrettyFile))
	if err != nil {
		t.Fatal(err)
	}
	cl := strings.Split(strings.TrimSuffix(string(compact), "\n"), "\n")
	pl := strings.Split(strings.TrimSuffix(string(pretty), "\n"), "\n")
	if len(cl) != len(pl) {
		t.Fatalf("%d pretty lines, %d compact ones", len(pl), len(cl))
	}
	spaced := 0
	for i := range cl {
		var c, p map[string]any
		if err := json.Unmarshal([]byte(cl[i]), &c); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(pl[i]), &p); err != nil {
			t.Fatalf("pretty line %d: %v: %q", i+1, err, pl[i])
		}
		for _, k := range []string{"k", "v", "x", "s", "ts"} {
			if fmt.Sprint(c[k]) != fmt.Sprint(p[k]) { // a NULL may be null in one and missing in the other
				t.Fatalf("line %d: %s is %v, pretty %v", i+1, k, c[k], p[k])
			}
		}
		if !strings.Contains(pl[i], `, `) || !strings.Contains(pl[i], `: `) {
			t.Fatalf("pretty line %d has no Python-style separator: %q", i+1, pl[i])
		}
		if strings.ContainsAny(pl[i], "\t\r") {
			spaced++
		}
	}
	if spaced < len(pl)/2 {
		t.Errorf("only %d of %d pretty lines have tabs or CRs", spaced, len(pl))
	}
}

func TestGenerateTimeJitter(t *testing.T) {
	src := "-- data --\nseed: 1\nrows: 1000\ncolumns:\n  - {name: ts, type: TIMESTAMP, gen: time, start: \"2024-01-01T00:00:00Z\", step_ms: 100, jitter_ms: 700}\n" +
		"-- source --\nCREATE STREAM t (ts TIMESTAMP);\n"
	ds, _, err := Parse("t.case", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	j, _, err := ds.Generate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(j)
	var max, disorder int64
	back := 0
	for i, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r struct{ Ts int64 }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		slot := int64(1704067200000) + int64(i)*100
		if r.Ts < slot || r.Ts > slot+700 {
			t.Fatalf("row %d: %d outside [%d, %d]", i, r.Ts, slot, slot+700)
		}
		if r.Ts < max {
			back++
			disorder = maxInt(disorder, max-r.Ts)
		}
		max = maxInt(max, r.Ts)
	}
	if back == 0 || disorder > 700 {
		t.Errorf("%d records out of order, by at most %d ms; want some, by at most 700", back, disorder)
	}
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func TestCaseFilesParse(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "cases", "smoke*.case"))
	for _, p := range paths {
		if _, _, err := ParseFile(p); err != nil {
			t.Error(err)
		}
	}
}
