package conformance

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/velocc/velocc/compiler"
)

func TestParseNType(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"INT", "INT"},
		{"integer[]", "INT[]"},
		{"STRUCT(id BIGINT, region VARCHAR, zip INT)", "STRUCT(id BIGINT, region VARCHAR, zip INT)"},
		{"STRUCT(sku VARCHAR, qty INT, price DECIMAL(10,2))[]", "STRUCT(sku VARCHAR, qty INT, price DECIMAL(10,2))[]"},
		{`STRUCT("Zip Code" INT, "a""b" VARCHAR)`, `STRUCT("Zip Code" INT, "a""b" VARCHAR)`},
		{"MAP(VARCHAR, BIGINT)", "MAP(VARCHAR, BIGINT)"},
		{"STRUCT<street VARCHAR, zip INT>", "STRUCT(street VARCHAR, zip INT)"},
		{"ARRAY<DECIMAL(10,2)>", "DECIMAL(10,2)[]"},
		{"MAP<VARCHAR, ARRAY<STRUCT<a INT>>>", "MAP(VARCHAR, STRUCT(a INT)[])"},
		{"INT[][]", "INT[][]"},
	} {
		nt, err := parseNType(tc.in, false)
		if err != nil {
			t.Errorf("parseNType(%q): %v", tc.in, err)
			continue
		}
		if got := nt.String(); got != tc.want {
			t.Errorf("parseNType(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	// DuckDB's names for a result's columns, as duckdb-go reports them.
	for _, tc := range []struct{ in, want string }{
		{`STRUCT("id" BIGINT, "r" VARCHAR)`, "STRUCT(id BIGINT, r VARCHAR)"},
		{"HUGEINT", "BIGINT"},
		{"MAP(VARCHAR, INTEGER)[]", "MAP(VARCHAR, INT)[]"},
		{"TIMESTAMP WITH TIME ZONE", "TIMESTAMP"},
		{"FLOAT[]", "DOUBLE[]"},
	} {
		nt, err := parseNType(tc.in, true)
		if err != nil || nt.String() != tc.want {
			t.Errorf("parseNType(%q, duck) = %v, %v; want %s", tc.in, nt, err, tc.want)
		}
	}
	for _, bad := range []string{"", "HUGEINT", "STRUCT(a INT", "STRUCT(a INT, A INT)", "MAP(VARCHAR)", "INT[", "DECIMAL(40,2)", "STRUCT()", "INT)"} {
		if nt, err := parseNType(bad, false); err == nil {
			t.Errorf("parseNType(%q) = %s, want an error", bad, nt)
		}
	}
}

const nestedFile = `-- data --
seed: 5
rows: 400
duplicates: 0.05
columns:
  - {name: id, type: BIGINT, gen: seq}
  - {name: customer, type: "STRUCT(id BIGINT, region VARCHAR, address STRUCT(city VARCHAR, lines VARCHAR[]))",
     gen: struct, null_rate: 0.1,
     fields: [{name: id, gen: int, min: 1, max: 50},
              {name: region, gen: choice, values: [EU, US, ""], null_rate: 0.2},
              {name: address, gen: struct, null_rate: 0.2,
               fields: [{name: city, gen: string, alphabet: unicode, max_len: 5, null_rate: 0.2},
                        {name: lines, gen: array, max_len: 2, null_rate: 0.2, elem: {gen: choice, values: [a, b], null_rate: 0.2}}]}]}
  - {name: items, type: "STRUCT(sku VARCHAR, qty INT, price DECIMAL(15,2), w DOUBLE)[]", gen: array, max_len: 5, null_rate: 0.1,
     elem: {gen: struct, null_rate: 0.1,
            fields: [{name: sku, gen: choice, values: [A, B, C]},
                     {name: qty, gen: int, min: -3, max: 3, null_rate: 0.2},
                     {name: price, type: "DECIMAL(15,2)", gen: decimal, min: -9999999999999.99, max: 9999999999999.99, null_rate: 0.2},
                     {name: w, gen: float, min: -1, max: 1, edges: [NaN, Infinity], edge_rate: 0.1}]}}
  - {name: tags, type: "MAP(VARCHAR, BIGINT)", gen: map, max_len: 4, null_rate: 0.1,
     key: {gen: string, alphabet: unicode, max_len: 1}, value: {gen: int, min: -5, max: 5, null_rate: 0.3}}
  - {name: attrs, type: "MAP(INT, VARCHAR)", gen: map, min_len: 1, max_len: 3, key: {gen: int, min: 1, max: 3}, value: {gen: choice, values: [x, y]}}
  - {name: nums, type: "INT[]", gen: array, max_len: 3, elem: {gen: int, min: -2, max: 2, null_rate: 0.2}}
-- source --
CREATE STREAM t (id BIGINT, customer STRUCT(id BIGINT, region VARCHAR, address STRUCT(city VARCHAR, lines VARCHAR[])),
  items STRUCT(sku VARCHAR, qty INT, price DECIMAL(15,2), w DOUBLE)[], tags MAP(VARCHAR, BIGINT), attrs MAP(INT, VARCHAR),
  nums INT[]) WITH ('path' = 't.jsonl');
-- case all --
-- pending "nested types" --
SELECT * FROM t;
-- duckdb --
SELECT * FROM t;
`

// decodeLines decodes JSON lines, failing on a line that is not one JSON object or holds a key twice.
func decodeLines(t *testing.T, name string, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for n, line := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if err := noDuplicateKeys(json.NewDecoder(bytes.NewReader(line))); err != nil {
			t.Fatalf("%s:%d: %v: %s", name, n+1, err, line)
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s:%d: %v: %s", name, n+1, err, line)
		}
		out = append(out, m)
	}
	return out
}

// noDuplicateKeys reads one JSON value and fails if an object in it has a key twice (a MAP's keys must differ).
func noDuplicateKeys(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			if seen[k.(string)] {
				return &json.UnsupportedValueError{Str: "key " + k.(string) + " twice"}
			}
			seen[k.(string)] = true
			if err := noDuplicateKeys(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for dec.More() {
			if err := noDuplicateKeys(dec); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}

// withNulls is a decoded value with every absent STRUCT field made an explicit null, given the type.
func withNulls(x any, nt *ntype) any {
	switch v := x.(type) {
	case map[string]any:
		switch nt.kind {
		case nStruct:
			for _, f := range nt.fields {
				v[f.name] = withNulls(v[f.name], f.t)
			}
		case nMap:
			for k := range v {
				v[k] = withNulls(v[k], nt.val)
			}
		}
	case []any:
		for i := range v {
			v[i] = withNulls(v[i], nt.elem)
		}
	}
	return x
}

func TestGenerateNested(t *testing.T) {
	ds, _, err := Parse("nested.case", []byte(nestedFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, _, err := ds.Generate(dir); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	jsonl, pretty, csvData := read("data.jsonl"), read(PrettyFile), read("data.csv")

	// Deterministic: the same files again.
	dir2 := t.TempDir()
	if _, _, err := ds.Generate(dir2); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"data.jsonl", PrettyFile, "data.csv"} {
		b, _ := os.ReadFile(filepath.Join(dir2, f))
		if !bytes.Equal(b, read(f)) {
			t.Errorf("%s differs between two generations", f)
		}
	}

	types := map[string]*ntype{}
	for _, c := range ds.Columns {
		types[c.Name] = c.nt
	}
	recs, precs := decodeLines(t, "data.jsonl", jsonl), decodeLines(t, PrettyFile, pretty)
	cr := csv.NewReader(bytes.NewReader(csvData))
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 400 || len(precs) != 400 || len(rows) != 401 {
		t.Fatalf("%d records, %d pretty, %d CSV rows", len(recs), len(precs), len(rows))
	}
	header := rows[0]
	seen := map[string]bool{}
	note := func(what string, ok bool) {
		if ok {
			seen[what] = true
		}
	}
	for i, rec := range recs {
		// NULLs at every level, empty arrays and maps, absent fields.
		line := string(bytes.Split(jsonl, []byte("\n"))[i])
		cust, _ := rec["customer"].(map[string]any)
		note("customer null", rec["customer"] == nil)
		note("customer absent", !strings.Contains(line, `"customer":`))
		if cust != nil {
			_, has := cust["region"]
			note("region absent", !has)
			note("region null", has && cust["region"] == nil)
			addr, ok := cust["address"].(map[string]any)
			if ok {
				lines, ok := addr["lines"].([]any)
				note("lines empty", ok && len(lines) == 0)
				for _, l := range lines {
					note("line null", l == nil)
				}
			}
		}
		items, ok := rec["items"].([]any)
		note("items empty", ok && len(items) == 0)
		for _, it := range items {
			note("item null", it == nil)
			if m, ok := it.(map[string]any); ok {
				note("NaN", m["w"] == "NaN")
				p, ok := m["price"].(json.Number)
				note("15 digits", ok && len(strings.NewReplacer("-", "", ".", "").Replace(string(p))) == 15)
			}
		}
		tags, ok := rec["tags"].(map[string]any)
		note("tags empty", ok && len(tags) == 0)
		for _, v := range tags {
			note("tag value null", v == nil)
		}
		note("tags null", rec["tags"] == nil)
		if attrs := rec["attrs"].(map[string]any); len(attrs) == 0 || len(attrs) > 3 {
			t.Errorf("record %d: attrs %v: want 1 to 3 distinct keys", i+1, attrs)
		}
		for j, name := range header {
			nt := types[name]
			a, b := withNulls(rec[name], nt), withNulls(precs[i][name], nt)
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Fatalf("record %d, %s: jsonl %s, pretty %s", i+1, name, ja, jb)
			}
			// The CSV field is the value's JSON text (every NULL written as null), or empty for NULL.
			field := rows[i+1][j]
			switch {
			case a == nil:
				if field != "" {
					t.Fatalf("record %d, %s: NULL in JSON, %q in CSV", i+1, name, field)
				}
			case nt.nested():
				var c any
				dec := json.NewDecoder(strings.NewReader(field))
				dec.UseNumber()
				if err := dec.Decode(&c); err != nil {
					t.Fatalf("record %d, %s: CSV field %q: %v", i+1, name, field, err)
				}
				jc, _ := json.Marshal(c)
				if !bytes.Equal(ja, jc) {
					t.Fatalf("record %d, %s: jsonl %s, CSV %s", i+1, name, ja, jc)
				}
			}
		}
	}
	for _, want := range []string{"customer null", "customer absent", "region absent", "region null", "lines empty", "line null",
		"items empty", "item null", "NaN", "15 digits", "tags empty", "tag value null", "tags null"} {
		if !seen[want] {
			t.Errorf("the data has no %s", want)
		}
	}
}

// TestNestedStreams: each part of a nested column draws from a stream of its own, so adding a field leaves the
// other fields' values (and the other columns) alone.
func TestNestedStreams(t *testing.T) {
	gen := func(fields string) []map[string]any {
		src := "-- data --\nseed: 9\nrows: 50\ncolumns:\n" +
			"  - {name: a, type: INT, gen: int}\n" +
			"  - {name: s, type: \"STRUCT(" + fields + ")\", gen: struct, fields: [{name: x, gen: int}, {name: y, gen: int}, {name: z, gen: bool}]}\n" +
			"-- source --\nCREATE STREAM t (a INT) WITH ('path' = 't.jsonl');\n"
		src = strings.Replace(src, ", {name: z, gen: bool}", map[bool]string{true: ", {name: z, gen: bool}", false: ""}[strings.Contains(fields, " z ")], 1)
		ds, _, err := Parse("x.case", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, _, err := ds.Generate(dir); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "data.jsonl"))
		return decodeLines(t, "data.jsonl", b)
	}
	two, three := gen("x INT, y INT"), gen("x INT, z BOOLEAN , y INT")
	for i := range two {
		s2, s3 := two[i]["s"].(map[string]any), three[i]["s"].(map[string]any)
		if two[i]["a"] != three[i]["a"] || s2["x"] != s3["x"] || s2["y"] != s3["y"] {
			t.Fatalf("record %d: %v and %v", i+1, two[i], three[i])
		}
	}
}

// TestDuckDBLoadsNested: DuckDB's table holds exactly the generated values. The records of data.jsonl, read by the
// comparison as velocc's output would be, equal the rows DuckDB loaded from data.csv, in order.
func TestDuckDBLoadsNested(t *testing.T) {
	ds, _, err := Parse("nested.case", []byte(nestedFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b := &batch{ds: ds, dir: dir}
	if b.jsonl, b.csv, err = ds.Generate(dir); err != nil {
		t.Fatal(err)
	}
	db, err := b.openDuckDB()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := query(t, db, "SELECT * FROM t ORDER BY rowid")
	ms := make([]colMode, len(ds.Columns))
	for i, c := range ds.Columns {
		ms[i] = colMode{name: c.Name, typ: c.typ}
		if c.nt.nested() {
			nt, _ := parseNType(c.Type, false)
			setLeafModes(nt)
			ms[i].nt, ms[i].approx = nt, nt.hasApprox()
		}
	}
	dt, err := d.tableOf(ms, false)
	if err != nil {
		t.Fatal(err)
	}
	// data.jsonl leaves NULL columns out; the comparison wants every column, as velocc writes them.
	var lines bytes.Buffer
	raw, _ := os.ReadFile(b.jsonl)
	for _, rec := range decodeLines(t, "data.jsonl", raw) {
		lines.WriteString("{")
		for i, c := range ds.Columns {
			if i > 0 {
				lines.WriteString(",")
			}
			k, _ := json.Marshal(c.Name)
			v, _ := json.Marshal(veloccForm(withNulls(rec[c.Name], c.nt), c.nt))
			lines.Write(k)
			lines.WriteString(":")
			lines.Write(v)
		}
		lines.WriteString("}\n")
	}
	vt, err := readVelocc(lines.Bytes(), dt.cols)
	if err != nil {
		t.Fatal(err)
	}
	if diff := compareTables(vt, dt, true); diff != "" {
		t.Fatalf("DuckDB does not hold the generated values:\n%s", diff)
	}
	if len(dt.rows) != 400 {
		t.Fatalf("%d rows", len(dt.rows))
	}
}

// veloccForm is a decoded value as velocc writes it: a DOUBLE's NaN or infinity as null.
func veloccForm(x any, nt *ntype) any {
	switch v := x.(type) {
	case string:
		if nt.scalar.Kind == compiler.Double {
			return nil
		}
	case map[string]any:
		for k := range v {
			if nt.kind == nStruct {
				v[k] = veloccForm(v[k], nt.fields[nt.field(k)].t)
			} else {
				v[k] = veloccForm(v[k], nt.val)
			}
		}
	case []any:
		for i := range v {
			v[i] = veloccForm(v[i], nt.elem)
		}
	}
	return x
}

func query(t *testing.T, db *sql.DB, q string) *duckResult {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	d := &duckResult{}
	d.names, _ = rows.Columns()
	ct, _ := rows.ColumnTypes()
	for _, c := range ct {
		d.types = append(d.types, c.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(d.names))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		d.rows = append(d.rows, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

// nestedModes are comparison modes of columns given by name and velocc type string.
func nestedModes(t *testing.T, cols ...string) []colMode {
	var ms []colMode
	for i := 0; i < len(cols); i += 2 {
		nt, err := parseNType(cols[i+1], false)
		if err != nil {
			t.Fatal(err)
		}
		m := colMode{name: cols[i], typ: nt.scalar}
		if nt.nested() {
			setLeafModes(nt)
			m.nt, m.approx = nt, nt.hasApprox()
		}
		ms = append(ms, m)
	}
	return ms
}

func orderedMap(kv ...any) duckdb.OrderedMap {
	var m duckdb.OrderedMap
	for i := 0; i < len(kv); i += 2 {
		m.Set(kv[i], kv[i+1])
	}
	return m
}

func TestCompareNested(t *testing.T) {
	dec := func(s string) duckdb.Decimal {
		r, _ := new(big.Rat).SetString(s)
		r.Mul(r, big.NewRat(100, 1))
		return duckdb.Decimal{Width: 10, Scale: 2, Value: r.Num()}
	}
	ms := func() []colMode {
		return nestedModes(t, "c", "STRUCT(id BIGINT, region VARCHAR)", "items", "STRUCT(sku VARCHAR, price DECIMAL(10,2), w DOUBLE)[]",
			"tags", "MAP(VARCHAR, BIGINT)", "nums", "INT[]")
	}
	duck := &duckResult{
		names: []string{"c", "items", "tags", "nums"},
		types: []string{`STRUCT("id" BIGINT, "region" VARCHAR)`, `STRUCT("sku" VARCHAR, "price" DECIMAL(10,2), "w" DOUBLE)[]`,
			"MAP(VARCHAR, BIGINT)", "INTEGER[]"},
		rows: [][]any{
			{map[string]any{"id": int64(1), "region": "EU"},
				[]any{map[string]any{"sku": "A", "price": dec("1.10"), "w": 0.1 * (1 + 1e-12)}, nil},
				orderedMap("b", int64(2), "a", nil), []any{int32(1), nil, int32(3)}},
			{nil, []any{}, orderedMap(), nil},
			{map[string]any{"id": nil, "region": nil}, nil, nil, []any{}},
		},
	}
	// The same rows from velocc: fields in another order, map entries in another order, doubles within tolerance.
	velocc := `{"c":{"region":"EU","id":1},"items":[{"w":0.1,"price":1.10,"sku":"A"},null],"tags":{"a":null,"b":2},"nums":[1,null,3]}
{"c":null,"items":[],"tags":{},"nums":null}
{"c":{"id":null,"region":null},"items":null,"tags":null,"nums":[]}
`
	dt, err := duck.tableOf(ms(), false)
	if err != nil {
		t.Fatal(err)
	}
	vt, err := readVelocc([]byte(velocc), dt.cols)
	if err != nil {
		t.Fatal(err)
	}
	if diff := compareTables(vt, dt, true); diff != "" {
		t.Fatalf("equal results differ:\n%s", diff)
	}
	if diff := compareTables(vt, dt, false); diff != "" {
		t.Fatalf("equal results differ as multisets:\n%s", diff)
	}

	// Each of these velocc lines differs from DuckDB's first row in one place.
	first := `{"c":{"region":"EU","id":1},"items":[{"w":0.1,"price":1.10,"sku":"A"},null],"tags":{"a":null,"b":2},"nums":[1,null,3]}`
	for _, tc := range []struct{ old, new, why string }{
		{`"c":{"region":"EU","id":1}`, `"c":{"region":"EU","id":2}`, "a field's value"},
		{`"c":{"region":"EU","id":1}`, `"c":{"region":null,"id":1}`, "a NULL field"},
		{`"w":0.1`, `"w":0.1000001`, "a double beyond tolerance"},
		{`"price":1.10`, `"price":1.11`, "a decimal"},
		{`,null],"tags"`, `],"tags"`, "a NULL element left out"},
		{`"nums":[1,null,3]`, `"nums":[3,null,1]`, "the elements' order"},
		{`"tags":{"a":null,"b":2}`, `"tags":{"b":2}`, "a map entry with a NULL value left out"},
		{`"tags":{"a":null,"b":2}`, `"tags":{"a":null,"b":2,"c":3}`, "one more map entry"},
	} {
		line := strings.Replace(first, tc.old, tc.new, 1)
		d1 := &duckResult{names: duck.names, types: duck.types, rows: duck.rows[:1]}
		dt, _ := d1.tableOf(ms(), false)
		vt, err := readVelocc([]byte(line+"\n"), dt.cols)
		if err != nil {
			t.Fatalf("%s: %v", tc.why, err)
		}
		if diff := compareTables(vt, dt, false); diff == "" {
			t.Errorf("%s: no difference found", tc.why)
		}
	}
	// NULL, empty and all-NULL are distinct: swap the second and third rows' values column by column.
	for _, line := range []string{
		`{"c":{"id":null,"region":null},"items":[],"tags":{},"nums":null}`,
		`{"c":null,"items":null,"tags":{},"nums":null}`,
		`{"c":null,"items":[],"tags":null,"nums":null}`,
		`{"c":null,"items":[],"tags":{},"nums":[]}`,
	} {
		d1 := &duckResult{names: duck.names, types: duck.types, rows: duck.rows[1:2]}
		dt, _ := d1.tableOf(ms(), false)
		vt, err := readVelocc([]byte(line+"\n"), dt.cols)
		if err != nil {
			t.Fatal(err)
		}
		if diff := compareTables(vt, dt, false); diff == "" {
			t.Errorf("%s equals %v", line, duck.rows[1])
		}
	}

	// The report shows nested values readably.
	d1 := &duckResult{names: duck.names, types: duck.types, rows: duck.rows[:1]}
	dt, _ = d1.tableOf(ms(), false)
	vt, _ = readVelocc([]byte(strings.Replace(first, `"b":2`, `"b":3`, 1)+"\n"), dt.cols)
	diff := compareTables(vt, dt, false)
	for _, want := range []string{
		`c STRUCT(id BIGINT, region VARCHAR), items STRUCT(sku VARCHAR, price DECIMAL(10,2), w DOUBLE)[] (DOUBLE leaves`,
		`(c={id: 1, region: "EU"}, items=[{sku: "A", price: 1.10, w: 0.1}, NULL], tags=MAP{"a": NULL, "b": 3}, nums=[1, NULL, 3])`,
		`tags=MAP{"a": NULL, "b": 2}`,
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("the report lacks %q:\n%s", want, diff)
		}
	}

	// Bad velocc output is named by its path.
	for _, tc := range []struct{ line, want string }{
		{`{"c":{"id":1},"items":null,"tags":null,"nums":null}`, `c: the field "region" of STRUCT(id BIGINT, region VARCHAR) is missing`},
		{`{"c":{"id":1,"region":"x","zip":1},"items":null,"tags":null,"nums":null}`, `c: "zip" is not a field`},
		{`{"c":null,"items":[{"sku":"A","price":1.1,"w":null}],"tags":null,"nums":null}`, `items[1].price: want 2 digits`},
		{`{"c":null,"items":null,"tags":{"a":"x"},"nums":null}`, `tags["a"]: want a number`},
		{`{"c":null,"items":null,"tags":null,"nums":{"a":1}}`, `nums: want an array`},
	} {
		_, err := readVelocc([]byte(tc.line+"\n"), ms())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("readVelocc(%s): %v, want %q", tc.line, err, tc.want)
		}
	}

	// A DuckDB DOUBLE leaf where velocc has a DECIMAL needs differs, and is then compared within one unit.
	dd := &duckResult{names: []string{"p"}, types: []string{`STRUCT("x" DOUBLE)`}, rows: [][]any{{map[string]any{"x": 1.0 / 3}}}}
	if _, err := dd.tableOf(nestedModes(t, "p", "STRUCT(x DECIMAL(10,2))"), false); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("DECIMAL leaf against DOUBLE without differs: %v", err)
	}
	dt, err = dd.tableOf(nestedModes(t, "p", "STRUCT(x DECIMAL(10,2))"), true)
	if err != nil {
		t.Fatal(err)
	}
	vt, _ = readVelocc([]byte(`{"p":{"x":0.33}}`+"\n"), dt.cols)
	if diff := compareTables(vt, dt, false); diff != "" {
		t.Errorf("within a unit:\n%s", diff)
	}
}

func TestNestedDataErrors(t *testing.T) {
	src := func(col string) string {
		return "-- data --\ncolumns:\n  - " + col + "\n-- source --\nCREATE STREAM t (a INT) WITH ('path' = 't.jsonl');\n"
	}
	for _, tc := range []struct{ col, want string }{
		{`{name: a, type: "STRUCT(x INT, y INT)", gen: struct, fields: [{name: x, gen: int}]}`, `fields: the field "y" has no generator`},
		{`{name: a, type: "STRUCT(x INT)", gen: struct, fields: [{name: x, gen: int}, {name: z, gen: int}]}`, `"z" is not a field`},
		{`{name: a, type: "STRUCT(x INT)", gen: array, elem: {gen: int}}`, `needs gen: struct`},
		{`{name: a, type: "INT[]", gen: array}`, `gen array needs elem`},
		{`{name: a, type: "INT[]", gen: array, elem: {gen: string}}`, `elem: gen "string" does not make INT values`},
		{`{name: a, type: "INT[]", gen: array, elem: {gen: int, colour: red}}`, `elem: unknown key "colour"`},
		{`{name: a, type: "MAP(VARCHAR, INT)", gen: map, key: {gen: choice, values: [a], null_rate: 0.1}, value: {gen: int}}`, `a MAP key is never NULL`},
		{`{name: a, type: "MAP(DOUBLE, INT)", gen: map, key: {gen: float}, value: {gen: int}}`, `a MAP key is VARCHAR, INT or BIGINT`},
		{`{name: a, type: "DECIMAL(18,2)[]", gen: array, elem: {gen: decimal, max: 10000000000000.00}}`, `at most 15 digits`},
		{`{name: a, type: "TIMESTAMP[]", gen: array, elem: {gen: time}}`, `TIMESTAMP inside a nested column`},
		{`{name: a, type: "INT[]", gen: array, elem: {type: BIGINT, gen: int}}`, `elem: type BIGINT is not the column type's INT`},
		{`{name: a, type: INT, gen: int, elem: {gen: int}}`, `fields, elem, key and value are for STRUCT`},
		{`{name: a, type: "INT[]", gen: array, values: [1], elem: {gen: int}}`, `gen array takes null_rate and min_len, max_len and elem only`},
	} {
		_, _, err := Parse("x.case", []byte(src(tc.col)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.col, err, tc.want)
		}
	}
	// A pending case needs a reason.
	_, _, err := Parse("x.case", []byte(src("{name: a, type: INT, gen: int}")+"-- case c --\n-- pending --\nSELECT a FROM t\n-- duckdb --\nSELECT a FROM t\n"))
	if err == nil || !strings.Contains(err.Error(), "pending needs a reason") {
		t.Errorf("pending without a reason: %v", err)
	}
}
