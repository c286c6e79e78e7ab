// Tests for the checker: the testdata/check corpus with inline expectations, and table tests over the typed plan.
package compiler

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// An expectation is one `-- ERROR "regexp"` or `-- WARNING "regexp"` written at the end of a line of a check
// file: a diagnostic of that severity must be reported on that line with a message the regexp matches.
type expectation struct {
	line    int
	sev     Severity
	re      *regexp.Regexp
	matched bool
}

// expectStart finds where a line's expectations begin; expectItem reads each of them. Several may follow one
// another: -- ERROR "a" ERROR "b", or -- ERROR "a" -- WARNING "b".
var (
	expectStart = regexp.MustCompile(`--\s*(ERROR|WARNING)\s`)
	expectItem  = regexp.MustCompile("(ERROR|WARNING)\\s+(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)")
)

// parseExpectations reads the expectations of a check file.
func parseExpectations(t *testing.T, name string, src []byte) []*expectation {
	t.Helper()
	var out []*expectation
	for i, line := range strings.Split(string(src), "\n") {
		loc := expectStart.FindStringIndex(line)
		if loc == nil {
			continue
		}
		rest := line[loc[0]:]
		items := expectItem.FindAllStringSubmatch(rest, -1)
		if len(items) == 0 {
			t.Fatalf("%s:%d: malformed expectation %q; write -- ERROR \"regexp\"", name, i+1, rest)
		}
		for _, m := range items {
			pat, err := strconv.Unquote(m[2])
			if err != nil {
				t.Fatalf("%s:%d: bad expectation string %s: %v", name, i+1, m[2], err)
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("%s:%d: bad expectation regexp %q: %v", name, i+1, pat, err)
			}
			sev := Error
			if m[1] == "WARNING" {
				sev = Warning
			}
			out = append(out, &expectation{line: i + 1, sev: sev, re: re})
		}
	}
	return out
}

func sevName(s Severity) string {
	if s == Warning {
		return "WARNING"
	}
	return "ERROR"
}

// checkDiagnostics asserts what every diagnostic must satisfy, whatever the input: a real position inside the file
// it names (Line ≥ 1, 1 ≤ Col ≤ runes in the line + 1, EndCol past Col when set), a code, a message, and a
// formatted form whose first line is exactly "file:line:col: message" followed by the source line and a caret
// under the column. files maps every file the compilation read to its contents.
func checkDiagnostics(t testing.TB, ds Diagnostics, files map[string][]byte) {
	t.Helper()
	for _, d := range ds {
		src, ok := files[d.File]
		if !ok {
			t.Errorf("diagnostic in unknown file %q: %s", d.File, d)
			continue
		}
		lines := strings.Split(string(src), "\n")
		if d.Line < 1 || d.Line > len(lines) {
			t.Errorf("%s: line %d outside the file's %d lines (message %q)", d, d.Line, len(lines), d.Msg)
			continue
		}
		text := strings.TrimRight(lines[d.Line-1], "\r")
		n := utf8.RuneCountInString(text)
		if d.Col < 1 || d.Col > n+1 {
			t.Errorf("%s: column %d outside line %d, which has %d runes", d, d.Col, d.Line, n)
			continue
		}
		if d.EndCol != 0 && (d.EndCol <= d.Col || d.EndCol > n+1) {
			t.Errorf("%s: end column %d does not fit columns %d..%d", d, d.EndCol, d.Col, n+1)
		}
		if d.Code == 0 {
			t.Errorf("%s: no code", d)
		}
		if d.Msg == "" {
			t.Errorf("%s:%d:%d: empty message", d.File, d.Line, d.Col)
		}
		if d.Code != CodeTooMany && d.Snippet != text {
			t.Errorf("%s: snippet %q, want the source line %q", d, d.Snippet, text)
		}
		var buf bytes.Buffer
		Diagnostics{d}.Format(&buf)
		out := strings.Split(buf.String(), "\n")
		prefix := ""
		if d.Severity == Warning {
			prefix = "warning: "
		}
		if want := fmt.Sprintf("%s:%d:%d: %s%s", d.File, d.Line, d.Col, prefix, d.Msg); out[0] != want {
			t.Errorf("formatted first line %q, want %q", out[0], want)
		}
		if d.Snippet != "" && len(out) >= 3 {
			caret := strings.TrimPrefix(out[2], "    ")
			if i := strings.IndexByte(caret, '^'); i != d.Col-1 {
				t.Errorf("%s: caret at column %d, want %d:\n%s", d, i+1, d.Col, buf.String())
			}
		}
	}
}

// TestCheckFiles runs every script in testdata/check against the expectations written in it.
func TestCheckFiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "check", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no check files in testdata/check")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) { runCheckFile(t, path) })
	}
}

func runCheckFile(t *testing.T, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := parseExpectations(t, path, src)
	files := map[string][]byte{path: src}
	opts := &Options{
		ReadFile: func(name string) ([]byte, error) {
			b, err := os.ReadFile(name)
			if err == nil {
				files[name] = b
			}
			return b, err
		},
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	plan, ds := Compile(path, src, opts)
	checkDiagnostics(t, ds, files)
	wantErrors := false
	for _, e := range want {
		if e.sev == Error {
			wantErrors = true
		}
	}
	for _, d := range ds {
		found := false
		if d.File == path {
			for _, e := range want {
				if !e.matched && e.line == d.Line && e.sev == d.Severity && e.re.MatchString(d.Msg) {
					e.matched, found = true, true
					break
				}
			}
		}
		if !found {
			t.Errorf("unexpected %s %s", sevName(d.Severity), d)
		}
	}
	for _, e := range want {
		if !e.matched {
			t.Errorf("%s:%d: missing %s matching %q", path, e.line, sevName(e.sev), e.re)
		}
	}
	switch {
	case wantErrors && plan != nil:
		t.Errorf("got a plan despite errors")
	case !wantErrors && plan == nil:
		t.Errorf("no plan for a script without expected errors")
	}
	if plan != nil {
		_ = Explain(plan) // must not panic on any accepted script
		checkGoNames(t, plan)
	}
}

// memFS is an Options.ReadFile over in-memory files.
func memFS(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := files[filepath.ToSlash(name)]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
}

// mustCompile compiles src as job.sql and fails on any diagnostic.
func mustCompile(t *testing.T, src string, files map[string]string) *Plan {
	t.Helper()
	plan, ds := Compile("job.sql", []byte(src), &Options{ReadFile: memFS(files), LookupEnv: func(string) (string, bool) { return "", false }})
	all := map[string][]byte{"job.sql": []byte(src)}
	for k, v := range files {
		all[k] = []byte(v)
	}
	checkDiagnostics(t, ds, all)
	if len(ds) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", ds.Error())
	}
	if plan == nil {
		t.Fatal("no plan")
	}
	return plan
}

const orderBookDDL = `CREATE STREAM order_book_stream (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('type'='file_source','path'='data/orders.jsonl','format'='jsonl','event.time.field'='event_time');
`

// orderFlowSQL is the order-flow query whose HAVING once could not find the SELECT's accumulators.
const orderFlowSQL = orderBookDDL + `
SELECT symbol,
       SUM(CASE WHEN side = 'BUY'  THEN quantity ELSE 0 END) AS buy_volume,
       SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) AS sell_volume,
       SUM(quantity) AS total_volume,
       SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) AS buy_ratio,
       TUMBLE_END(event_time, INTERVAL '1' MINUTE) AS analysis_time
FROM order_book_stream
GROUP BY symbol
HAVING SUM(quantity) > 10000
   AND (SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7
        OR SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7)
WINDOW TUMBLING (event_time, INTERVAL '1' MINUTE)
EMIT FINAL;
`

func columnTypes(q *Query) string {
	parts := make([]string, len(q.Columns))
	for i, c := range q.Columns {
		parts[i] = c.Name + " " + c.Type.String()
	}
	return strings.Join(parts, ", ")
}

func TestOrderFlowPlan(t *testing.T) {
	plan := mustCompile(t, orderFlowSQL, nil)
	if len(plan.Queries) != 1 {
		t.Fatalf("%d queries, want 1", len(plan.Queries))
	}
	q := plan.Queries[0]
	if len(q.Aggs) != 3 {
		var names []string
		for _, a := range q.Aggs {
			names = append(names, aggString(a))
		}
		t.Errorf("%d accumulators %v, want 3 shared by SELECT and HAVING", len(q.Aggs), names)
	}
	want := "symbol VARCHAR, buy_volume BIGINT, sell_volume BIGINT, total_volume BIGINT, buy_ratio DOUBLE, analysis_time TIMESTAMP"
	if got := columnTypes(q); got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
	if q.Emit != EmitFinal {
		t.Errorf("emit %s, want FINAL", q.Emit)
	}
	if q.Window == nil || q.Window.Size != 60000 {
		t.Errorf("window %+v, want size 60000", q.Window)
	}
	if !q.Grouped || len(q.Keys) != 1 || q.Keys[0].Name != "symbol" {
		t.Errorf("grouped=%v keys=%v, want grouped by symbol", q.Grouped, q.Keys)
	}
	if q.Having == nil || q.Having.Type() != TBool {
		t.Errorf("having %v, want a BOOLEAN condition", q.Having)
	}
	// Every AggRef in SELECT and HAVING must point at one of the query's accumulators.
	in := map[*Agg]bool{}
	for _, a := range q.Aggs {
		in[a] = true
	}
	var visit func(e Expr)
	visit = func(e Expr) {
		forEachChild(e, visit)
		if r, ok := e.(*AggRef); ok && !in[r.Agg] {
			t.Errorf("AggRef to %s is not among the query's accumulators", aggString(r.Agg))
		}
	}
	for _, c := range q.Columns {
		visit(c.Expr)
	}
	visit(q.Having)
	if plan.Sources[0].EventTime == nil || plan.Sources[0].EventTime.Name != "event_time" {
		t.Errorf("event time %v, want event_time", plan.Sources[0].EventTime)
	}
}

// forEachChild calls fn for each direct sub-expression of e.
func forEachChild(e Expr, fn func(Expr)) {
	switch v := e.(type) {
	case *Unary:
		fn(v.X)
	case *Binary:
		fn(v.L)
		fn(v.R)
	case *IsNull:
		fn(v.X)
	case *In:
		fn(v.X)
		for _, x := range v.List {
			fn(x)
		}
	case *Like:
		fn(v.X)
		fn(v.Pattern)
	case *Case:
		for _, w := range v.Whens {
			fn(w.Cond)
			fn(w.Then)
		}
		fn(v.Else)
	case *Cast:
		fn(v.X)
	case *Func:
		for _, x := range v.Args {
			fn(x)
		}
	}
}

// typesDDL declares one column of each type the typing rules are tested with.
const typesDDL = `CREATE STREAM t (i INT, j INT, b BIGINT, c BIGINT, d DECIMAL(12,4), e DECIMAL(10,2), f DOUBLE, s VARCHAR, ts TIMESTAMP)
WITH ('path' = 't.jsonl');
`

func TestExprTypes(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"i + j", "INT"},
		{"i * j", "INT"},
		{"i + b", "BIGINT"},
		{"b / c", "DOUBLE"},
		{"i / j", "DOUBLE"},
		{"d * b", "DECIMAL(31,4)"},
		{"d + e", "DECIMAL(13,4)"}, // max(8, 8) integer digits + 1 carry + scale 4, as in DuckDB and SQL Server
		{"d - e", "DECIMAL(13,4)"},
		{"f + i", "DOUBLE"},
		{"d + f", "DOUBLE"},
		{"0.7", "DECIMAL(2,1)"},
		{"1e3", "DOUBLE"},
		{"3000000000", "BIGINT"},
		{"2147483647", "INT"},
		{"-2147483648", "INT"},
		{"12.50", "DECIMAL(4,2)"},
		{"s || 'x'", "VARCHAR"},
		{"CAST(b AS DECIMAL(20,2))", "DECIMAL(20,2)"},
		{"b::DOUBLE", "DOUBLE"},
		{"COALESCE(i, b)", "BIGINT"},
		{"NULLIF(s, '')", "VARCHAR"},
		{"GREATEST(i, d)", "DECIMAL(14,4)"},
		{"ABS(d)", "DECIMAL(12,4)"},
		{"ROUND(d, 2)", "DECIMAL(12,2)"},
		{"FLOOR(d)", "DECIMAL(12,0)"},
		{"SQRT(b)", "DOUBLE"},
		{"POWER(i, 2)", "DOUBLE"},
		{"MOD(b, 7)", "BIGINT"},
		{"LENGTH(s)", "BIGINT"},
		{"SUBSTRING(s, 1, 2)", "VARCHAR"},
		{"EXTRACT(HOUR FROM ts)", "BIGINT"},
		{"NOW()", "TIMESTAMP"},
		{"CASE WHEN i > 0 THEN i ELSE b END", "BIGINT"},
		{"b BETWEEN 1 AND 10", "BOOLEAN"},
		{"s LIKE 'a%'", "BOOLEAN"},
		{"ts > '2024-01-01T00:00:00Z'", "BOOLEAN"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			plan := mustCompile(t, typesDDL+"SELECT "+tt.expr+" AS x FROM t;", nil)
			if got := plan.Queries[0].Columns[0].Type.String(); got != tt.want {
				t.Errorf("%s: %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

func TestAggregateTypes(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"SUM(d)", "DECIMAL(38,4)"},
		{"SUM(i)", "BIGINT"},
		{"SUM(b)", "BIGINT"},
		{"SUM(f)", "DOUBLE"},
		{"AVG(b)", "DOUBLE"},
		{"AVG(i)", "DOUBLE"},
		{"AVG(d)", "DECIMAL(38,10)"},
		{"COUNT(*)", "BIGINT"},
		{"COUNT(s)", "BIGINT"},
		{"COUNT(DISTINCT s)", "BIGINT"},
		{"MIN(s)", "VARCHAR"},
		{"MAX(d)", "DECIMAL(12,4)"},
		{"STDDEV(b)", "DOUBLE"},
		{"VAR_POP(d)", "DOUBLE"},
		{"FIRST_VALUE(ts)", "TIMESTAMP"},
		{"LAST_VALUE(s)", "VARCHAR"},
		{"SUM(b) / COUNT(*)", "DOUBLE"},
		{"SUM(d) * 2", "DECIMAL(38,4)"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			plan := mustCompile(t, typesDDL+"SELECT s, "+tt.expr+" AS x FROM t GROUP BY s;", nil)
			if got := plan.Queries[0].Columns[1].Type.String(); got != tt.want {
				t.Errorf("%s: %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
}

// TestSharedAccumulators checks that structurally equal aggregate calls share one accumulator wherever they
// appear, and that different ones do not.
func TestSharedAccumulators(t *testing.T) {
	tests := []struct {
		query string
		aggs  int
	}{
		{"SELECT s, SUM(b) AS total FROM t GROUP BY s HAVING SUM(b) > 10", 1},
		{"SELECT s, SUM(b) AS total FROM t GROUP BY s HAVING total > 10", 1},
		{"SELECT s, SUM(b) AS x, sum( ( B ) ) AS y, SUM(t.b) AS z FROM t GROUP BY s", 1},
		{"SELECT s, SUM(b) AS x, SUM(DISTINCT b) AS y FROM t GROUP BY s", 2},
		{"SELECT s, COUNT(*) AS n FROM t GROUP BY s HAVING COUNT(*) * AVG(f) > 100", 2},
		{"SELECT s FROM t GROUP BY s HAVING (SUM(i) + SUM(j)) * 2 > 1000", 2},
		{"SELECT s, MAX(b) - MIN(b) AS spread FROM t GROUP BY s HAVING MAX(b) > MIN(b)", 2},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			plan := mustCompile(t, typesDDL+tt.query+";", nil)
			if got := len(plan.Queries[0].Aggs); got != tt.aggs {
				t.Errorf("%d accumulators, want %d", got, tt.aggs)
			}
		})
	}
}

// TestConfigFileSchema reads a source's schema, path and format from a YAML config file named in a query's WITH.
func TestConfigFileSchema(t *testing.T) {
	files := map[string]string{
		"src.yaml": `path: data/trades.csv
format: csv
event.time.field: ts
schema:
  fields:
    - name: symbol
      type: string
      nullable: false
    - name: price
      type: decimal
      precision: 12
      scale: 4
    - name: qty
      type: long
    - name: ts
      type: timestamp
      format: iso8601
`,
	}
	src := `SELECT symbol, SUM(price * qty) AS notional, TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws
FROM src
GROUP BY symbol
WINDOW TUMBLING(ts, 5s)
WITH ('src.config_file' = 'src.yaml');
`
	plan := mustCompile(t, src, files)
	s := plan.Sources[0]
	if s.Name != "src" || s.URI != "file:data/trades.csv" || s.Format != "csv" {
		t.Errorf("source %s uri %q format %q", s.Name, s.URI, s.Format)
	}
	var fields []string
	for _, f := range s.Fields {
		fields = append(fields, fmt.Sprintf("%s %s nullable=%v %s", f.Name, f.Type, f.Nullable, f.TimeFormat))
	}
	want := "symbol VARCHAR nullable=false ,price DECIMAL(12,4) nullable=true ,qty BIGINT nullable=true ,ts TIMESTAMP nullable=true iso8601"
	if got := strings.Join(fields, ","); got != want {
		t.Errorf("fields:\n got %s\nwant %s", got, want)
	}
	if s.EventTime == nil || s.EventTime.Name != "ts" {
		t.Errorf("event time %v, want ts", s.EventTime)
	}
	q := plan.Queries[0]
	if got, want := columnTypes(q), "symbol VARCHAR, notional DECIMAL(38,4), ws TIMESTAMP"; got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
	if q.Window == nil || q.Window.Size != 5000 {
		t.Errorf("window %+v, want 5000ms", q.Window)
	}
}

// TestConfigFileErrors checks that problems inside a config file are reported at their place in that file, and a
// missing file at the property naming it.
func TestConfigFileErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // first line of the only diagnostic
	}{
		{"missing file", nil, `job.sql:2:27: cannot read config file "src.yaml": file does not exist`},
		{"bad field type", map[string]string{"src.yaml": "path: a.jsonl\nschema:\n  fields:\n    - name: a\n      type: blob\n"},
			`src.yaml:5:13: unknown schema field type "blob"`},
		{"no schema", map[string]string{"src.yaml": "path: a.jsonl\n"}, `job.sql:1:15: source "src" has no schema`},
		{"empty file", map[string]string{"src.yaml": ""}, `src.yaml:1:1: config file is empty`},
		{"missing parent", map[string]string{"src.yaml": "extends: base.yaml\npath: a.jsonl\n"},
			`src.yaml:1:10: extended config file "base.yaml" does not exist`},
		{"bad yaml", map[string]string{"src.yaml": "path: [a\n"}, `src.yaml:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "SELECT a FROM src\nWITH ('src.config_file' = 'src.yaml');\n"
			plan, ds := Compile("job.sql", []byte(src), &Options{ReadFile: memFS(tt.files), LookupEnv: func(string) (string, bool) { return "", false }})
			all := map[string][]byte{"job.sql": []byte(src)}
			for k, v := range tt.files {
				all[k] = []byte(v)
			}
			checkDiagnostics(t, ds, all)
			if plan != nil {
				t.Error("got a plan despite errors")
			}
			if len(ds) != 1 || !strings.HasPrefix(ds[0].String(), tt.want) {
				t.Errorf("diagnostics:\n%s\nwant only one, starting with %s", ds.Error(), tt.want)
			}
		})
	}
}

// TestAllErrorsAtOnce checks that independent errors in one script are all reported, each at its own place.
func TestAllErrorsAtOnce(t *testing.T) {
	src := typesDDL + "SELECT nope FROM t;\nSELECT 'a' + 1 AS x FROM t;\nSELECT frob(i) FROM t;\nSELECT i FROM nowhere;\n"
	_, ds := Compile("job.sql", []byte(src), nil)
	checkDiagnostics(t, ds, map[string][]byte{"job.sql": []byte(src)})
	var lines []int
	for _, d := range ds {
		lines = append(lines, d.Line)
	}
	if fmt.Sprint(lines) != "[3 4 5 6]" {
		t.Errorf("diagnostics on lines %v, want [3 4 5 6]:\n%s", lines, ds.Error())
	}
}

// checkGoNames asserts that the Go names codegen declares are distinct within each scope they share: sources and
// queries at the top level, the fields of a source, the output columns and the keys of a query.
func checkGoNames(t testing.TB, p *Plan) {
	t.Helper()
	unique := func(scope string, names []string) {
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || seen[n] {
				t.Errorf("%s: Go name %q is empty or used twice in %v", scope, n, names)
			}
			seen[n] = true
		}
	}
	var top []string
	for _, s := range p.Sources {
		top = append(top, s.GoName)
		var fields []string
		for _, f := range s.Fields {
			fields = append(fields, f.GoName)
		}
		unique("fields of "+s.Name, fields)
	}
	for _, q := range p.Queries {
		top = append(top, q.GoName)
		var cols, keys []string
		for _, c := range q.Columns {
			cols = append(cols, c.GoName)
		}
		for _, k := range q.Keys {
			keys = append(keys, k.GoName)
		}
		unique("columns of "+q.Name, cols)
		unique("keys of "+q.Name, keys)
	}
	unique("sources and queries", top)
}

// TestGoNames checks that SQL names whose Go forms collide get distinct Go names, in every scope.
func TestGoNames(t *testing.T) {
	plan := mustCompile(t, `CREATE STREAM a_b (x_y INT, x__y INT, x_y2 VARCHAR) WITH ('path' = 'ab.jsonl');
CREATE STREAM a__b (k INT) WITH ('path' = 'ab2.jsonl');
CREATE STREAM a_b2 AS SELECT x_y, x__y, x_y2 FROM a_b WITH ('a_b2.type' = 'stdout');
SELECT x_y, COUNT(*) AS n FROM a_b GROUP BY x_y, x__y, x_y2;
`, nil)
	var got []string
	for _, s := range plan.Sources {
		got = append(got, s.GoName)
		for _, f := range s.Fields {
			got = append(got, s.GoName+"."+f.GoName)
		}
	}
	for _, q := range plan.Queries {
		got = append(got, q.GoName)
		for _, c := range q.Columns {
			got = append(got, q.GoName+"."+c.GoName)
		}
		for _, k := range q.Keys {
			got = append(got, q.GoName+"."+k.GoName)
		}
	}
	want := "AB AB.XY AB.XY2 AB.XY22 AB2 AB2.K AB22 AB22.XY AB22.XY2 AB22.XY22 Select1 Select1.XY Select1.N Select1.KXY Select1.KXY2 Select1.KXY22"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("Go names:\n got %s\nwant %s", s, want)
	}
}
