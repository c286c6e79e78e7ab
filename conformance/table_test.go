package conformance

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

const tableFile = `# a stream and two tables
-- data --
seed: 3
rows: 50
columns:
  - {name: sym, type: VARCHAR, gen: choice, values: [a, b, c, x]}
-- data instruments --
seed: 9
rows: 400
key_duplicates: 0.3
primary_key: [sym]
columns:
  - {name: sym,    type: VARCHAR,       gen: choice, values: [a, b, c, d, e, f, g, h, i, j, k, l], null_rate: 0.05}
  - {name: sector, type: VARCHAR,       gen: string, max_len: 5, null_rate: 0.2}
  - {name: tick,   type: DECIMAL(10,4), gen: decimal, min: 0, max: 1}
-- data pos --
seed: 9
rows: 300
key_duplicates: 0.2
primary_key: [trader, sym]
columns:
  - {name: trader, type: INT,     gen: int,    min: 1, max: 1000}
  - {name: sym,    type: VARCHAR, gen: choice, values: [a, b, c]}
  - {name: qty,    type: BIGINT,  gen: int,    null_rate: 0.1}
-- source --
CREATE STREAM t (sym VARCHAR) WITH ('path' = 't.jsonl');
CREATE TABLE instruments (sym VARCHAR PRIMARY KEY, sector VARCHAR, tick DECIMAL(10,4))
  WITH ('path' = 'instruments.jsonl', 'on.error' = 'skip');
CREATE TABLE pos (trader INT, sym VARCHAR, qty BIGINT, PRIMARY KEY (trader, sym)) WITH ('path' = 'pos.jsonl');
-- case one --
SELECT t.sym, i.sector FROM t LEFT JOIN instruments i ON t.sym = i.sym;
-- duckdb --
SELECT t.sym, i.sector FROM t LEFT JOIN instruments i ON t.sym = i.sym;
-- case bad --
-- expect compile error "primary key" --
SELECT (SELECT qty FROM pos WHERE pos.sym = t.sym) AS q FROM t;
`

func TestParseTables(t *testing.T) {
	ds, cases, err := Parse("tables.case", []byte(tableFile))
	if err != nil {
		t.Fatal(err)
	}
	if ds.SourceName != "t" || len(ds.Tables) != 2 || len(cases) != 2 {
		t.Fatalf("source %q, %d tables, %d cases", ds.SourceName, len(ds.Tables), len(cases))
	}
	in, pos := ds.Tables[0], ds.Tables[1]
	if in.Name != "instruments" || in.Seed != 9 || in.Rows != 400 || in.KeyDuplicates != 0.3 || len(in.Columns) != 3 ||
		fmt.Sprint(in.PrimaryKey) != "[sym]" || fmt.Sprint(in.keyIdx) != "[0]" || in.line != 7 {
		t.Errorf("instruments: %+v", in)
	}
	if pos.Name != "pos" || fmt.Sprint(pos.PrimaryKey) != "[trader sym]" || fmt.Sprint(pos.keyIdx) != "[0 1]" {
		t.Errorf("pos: %+v", pos)
	}
	if !strings.HasPrefix(ds.Source, "CREATE STREAM t") || !strings.Contains(ds.Source, "CREATE TABLE pos") || ds.sourceLine != 26 {
		t.Errorf("source at line %d: %q", ds.sourceLine, ds.Source)
	}
	if cases[1].ExpectCompileErr != "primary key" || cases[1].ExpectErr != "" || cases[1].DuckDB != "" {
		t.Errorf("case bad: %+v", cases[1])
	}
}

func TestParseTableErrors(t *testing.T) {
	stream := "-- data --\ncolumns: [{name: a, type: INT, gen: int}]\n"
	tbl := "-- data u --\nprimary_key: [k]\ncolumns: [{name: k, type: INT, gen: seq}, {name: v, type: INT, gen: int}]\n"
	src := "-- source --\nCREATE STREAM t (a INT);\nCREATE TABLE u (k INT PRIMARY KEY, v INT);\n"
	for _, tc := range []struct{ src, want string }{
		{stream + tbl + src, ""},
		{stream + strings.Replace(tbl, "primary_key: [k]\n", "", 1) + src, `x.case:7: table "u": its data section has no primary_key, which makes it a stream`},
		{stream + strings.Replace(tbl, "primary_key: [k]\n", "primary_key: []\n", 1) + src, `x.case:3: table "u" needs primary_key`},
		{stream + strings.Replace(tbl, "[k]", "[v]", 1) + src, `x.case:8: table "u": the CREATE TABLE's primary key (k) is not the data section's primary_key (v)`},
		{stream + strings.Replace(tbl, "[k]", "[z]", 1) + src, `x.case:3: table "u": primary_key column "z" is not one of its columns`},
		{stream + tbl + strings.Replace(src, "TABLE u", "TABLE w", 1), `x.case:8: table "w" has no data section (-- data w --)`},
		{stream + tbl + "-- source --\nCREATE STREAM t (a INT);\n", `x.case:3: the data section of table "u" has no CREATE TABLE u`},
		{stream + strings.Replace(tbl, "data u", "data data", 1) + src, `x.case:3: the data section of a table or stream is -- data NAME --`},
		{stream + strings.Replace(tbl, "data u", "data t", 1) + strings.Replace(src, "TABLE u", "TABLE t", 1), `x.case:7: "t" is declared by CREATE STREAM, but its data section has a primary_key`},
		{stream + tbl + tbl + src, `x.case:6: "u" already has a data section at line 3`},
		{stream + strings.Replace(tbl, "primary_key", "duplicates: 0.1\nprimary_key", 1) + src, "x.case:3: data u: duplicates is for a stream"},
		{stream + strings.Replace(tbl, "primary_key", "colour: red\nprimary_key", 1) + src, "x.case:3: data u: yaml: unmarshal errors:\n  line 4: field colour not found"},
		{stream + strings.Replace(tbl, "primary_key", "key_duplicates: 2\nprimary_key", 1) + src, `table "u": key_duplicates must be between 0 and 1`},
		{stream + tbl + src + "CREATE STREAM s (a INT);\n", `x.case:9: stream "s" has no data section (-- data s --); only one stream, "t", reads the main one`},
		{stream + tbl + "-- source --\nCREATE TABLE u (k INT PRIMARY KEY, v INT);\n", "the source must hold a CREATE STREAM statement for the main data section"},
		{stream + tbl + "-- source --\nCREATE STREAM t (a INT);\nCREATE TABLE u (k INT PRIMARY KEY, v INT) WITH (;\n", "x.case:8: the source section does not parse"},
		{stream + src + "-- case a --\n-- expect compile error \"x\" --\n-- expect error \"y\" --\nSELECT a FROM t\n", `case "a" expects both`},
		{stream + src + "-- case a --\nSELECT a FROM t\n-- duckdb --\nSELECT 1\n" + tbl, "x.case:10: the data section of a table or stream must come before the cases"},
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

// tableRows reads a generated table's JSON lines: each row's values as text, "" with ok false for NULL.
type tval struct {
	s  string
	ok bool
}

func readTableJSON(t *testing.T, path string, cols []Column) [][]tval {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]tval
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		row := make([]tval, len(cols))
		for k, c := range cols {
			switch v := m[c.Name].(type) {
			case nil:
			case json.Number:
				row[k] = tval{v.String(), true}
			case string:
				row[k] = tval{v, true}
			default:
				t.Fatalf("%s:%d: %s is %T", path, i+1, c.Name, v)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func keyOf(row []tval, idx []int) (string, bool) {
	var b strings.Builder
	for _, k := range idx {
		if !row[k].ok {
			return "", false
		}
		fmt.Fprintf(&b, "%q,", row[k].s)
	}
	return b.String(), true
}

// TestGenerateTable: a table's files hold the same rows, its key duplicates repeat earlier keys with other values,
// and some keys are NULL.
func TestGenerateTable(t *testing.T) {
	ds, _, err := Parse("tables.case", []byte(tableFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, _, err := ds.Generate(dir); err != nil {
		t.Fatal(err)
	}
	again := t.TempDir()
	if _, _, err := ds.Generate(again); err != nil {
		t.Fatal(err)
	}
	in := ds.Tables[0]
	jsonl, pretty, csvPath := in.Files(dir)
	j2, _, _ := in.Files(again)
	a, _ := os.ReadFile(jsonl)
	b, _ := os.ReadFile(j2)
	if !bytes.Equal(a, b) {
		t.Fatal("generating twice gave different table data")
	}
	rows := readTableJSON(t, jsonl, in.Columns)
	prows := readTableJSON(t, pretty, in.Columns)
	cf, _ := os.ReadFile(csvPath)
	recs, err := csv.NewReader(bytes.NewReader(cf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 400 || len(prows) != 400 || len(recs) != 401 || strings.Join(recs[0], ",") != "sym,sector,tick" {
		t.Fatalf("%d JSON rows, %d pretty rows, %d CSV records (header %v)", len(rows), len(prows), len(recs), recs[0])
	}
	seen := map[string][]tval{}
	repeats, changed, nullKeys := 0, 0, 0
	for i, r := range rows {
		if fmt.Sprint(r) != fmt.Sprint(prows[i]) {
			t.Fatalf("row %d: %v in JSON lines, %v pretty", i+1, r, prows[i])
		}
		for k := range r {
			if r[k].s != recs[i+1][k] {
				t.Fatalf("row %d: %v in JSON lines, %v in CSV", i+1, r, recs[i+1])
			}
		}
		key, ok := keyOf(r, in.keyIdx)
		if !ok {
			nullKeys++
			continue
		}
		if prev, dup := seen[key]; dup {
			repeats++
			if fmt.Sprint(prev[1:]) != fmt.Sprint(r[1:]) {
				changed++
			}
		}
		seen[key] = r
	}
	// 12 values over 400 rows repeat anyway; the duplicates show in the distinct keys of the data from pos, whose
	// 120 possible keys mostly stay unused at 300 rows without them.
	if nullKeys < 5 || nullKeys > 40 || repeats < 300 || changed < repeats*9/10 {
		t.Errorf("instruments: %d NULL keys, %d repeated keys (%d with other values)", nullKeys, repeats, changed)
	}
	pos := ds.Tables[1]
	pj, _, _ := pos.Files(dir)
	distinct := map[string]bool{}
	for _, r := range readTableJSON(t, pj, pos.Columns) {
		k, _ := keyOf(r, pos.keyIdx)
		distinct[k] = true
	}
	// 300 draws from 3000 keys repeat about 15; with 20% of the rows reusing a key, 240 draws leave about 230
	// distinct keys.
	if n := len(distinct); n < 200 || n > 255 {
		t.Errorf("pos: %d distinct keys in 300 rows", n)
	}
}

// TestDuckDBTable: the DuckDB table holds, for each non-NULL key, the last row of the file with that key (computed
// here from the JSON lines), and the raw table every row in file order.
func TestDuckDBTable(t *testing.T) {
	ds, _, err := Parse("tables.case", []byte(tableFile))
	if err != nil {
		t.Fatal(err)
	}
	b := &batch{ds: ds, dir: t.TempDir()}
	if b.jsonl, b.csv, err = ds.Generate(b.dir); err != nil {
		t.Fatal(err)
	}
	db, err := b.openDuckDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tb := range ds.Tables {
		jsonl, _, _ := tb.Files(b.dir)
		rows := readTableJSON(t, jsonl, tb.Columns)
		last := map[string]int{}
		for i, r := range rows {
			if k, ok := keyOf(r, tb.keyIdx); ok {
				last[k] = i
			}
		}
		var want []string
		for _, i := range last {
			want = append(want, fmt.Sprint(rows[i]))
		}
		got := duckRows(t, db, fmt.Sprintf("SELECT * FROM %s", tb.Name), len(tb.Columns))
		if len(got) != len(last) || len(got) == len(rows) {
			t.Errorf("%s: %d rows in DuckDB, %d keys in %d rows", tb.Name, len(got), len(last), len(rows))
		}
		if diff := multisetDiff(want, got); diff != "" {
			t.Errorf("%s: %s", tb.Name, diff)
		}
		raw := duckRows(t, db, fmt.Sprintf("SELECT * EXCLUDE (%s) FROM %s%s ORDER BY %s", RowNumber, tb.Name, RawSuffix, RowNumber), len(tb.Columns))
		if len(raw) != len(rows) {
			t.Fatalf("%s%s: %d rows, want %d", tb.Name, RawSuffix, len(raw), len(rows))
		}
		for i := range rows {
			if raw[i] != fmt.Sprint(rows[i]) {
				t.Fatalf("%s%s row %d: %s, want %s", tb.Name, RawSuffix, i+1, raw[i], fmt.Sprint(rows[i]))
			}
		}
	}
}

// duckRows runs q and returns each row's values, as text, formatted as readTableJSON's rows are.
func duckRows(t *testing.T, db *sql.DB, q string, n int) []string {
	t.Helper()
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("CAST(#%d AS VARCHAR)", i+1)
	}
	rs, err := db.Query(fmt.Sprintf("SELECT %s FROM (%s)", strings.Join(cols, ", "), q))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals := make([]sql.NullString, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]tval, n)
		for i, v := range vals {
			row[i] = tval{v.String, v.Valid}
		}
		out = append(out, fmt.Sprint(row))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func multisetDiff(want, got []string) string {
	m := map[string]int{}
	for _, w := range want {
		m[w]++
	}
	for _, g := range got {
		m[g]--
	}
	var d []string
	for k, v := range m {
		if v != 0 {
			d = append(d, fmt.Sprintf("%+d %s", v, k))
		}
	}
	if len(d) == 0 {
		return ""
	}
	return "rows differ (+ only expected, - only in DuckDB):\n" + strings.Join(d, "\n")
}
