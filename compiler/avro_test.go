package compiler

import (
	"os"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
)

// avroFiles are the schema files of testdata/avro, for scripts compiled in memory as job.sql.
func avroFiles(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range []string{"orders.avsc", "mixed.avsc", "out.avsc", "nested.avsc"} {
		b, err := os.ReadFile("testdata/avro/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	for k, v := range extra {
		files[k] = v
	}
	return files
}

// compileAvro compiles src as job.sql over files and checks that every diagnostic has a real position.
func compileAvro(t *testing.T, src string, files map[string]string) (*Plan, Diagnostics) {
	t.Helper()
	plan, ds := Compile("job.sql", []byte(src), &Options{ReadFile: memFS(files), LookupEnv: func(string) (string, bool) { return "", false }})
	all := map[string][]byte{"job.sql": []byte(src)}
	for k, v := range files {
		all[k] = []byte(v)
	}
	checkDiagnostics(t, ds, all)
	return plan, ds
}

func fieldTypes(fs []*Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Name + " " + f.Type.String()
		if !f.Nullable {
			parts[i] += " NOT NULL"
		}
	}
	return strings.Join(parts, ", ")
}

func TestAvroDerivedColumns(t *testing.T) {
	src := `CREATE STREAM orders WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'orders.avsc',
  'avro.wire.format' = 'confluent', 'event.time.field' = 'ts');
SELECT * FROM orders;
`
	plan := mustCompile(t, src, avroFiles(t, nil))
	s := plan.Sources[0]
	want := "id BIGINT NOT NULL, symbol VARCHAR NOT NULL, side VARCHAR NOT NULL, price DECIMAL(12,4) NOT NULL, " +
		"qty INT NOT NULL, ts TIMESTAMP NOT NULL, note VARCHAR, notional DECIMAL(20,2), ratio DOUBLE NOT NULL, " +
		"venue_id VARCHAR NOT NULL, settle DATE NOT NULL, ts_us TIMESTAMP NOT NULL, flag BOOLEAN NOT NULL"
	if got := fieldTypes(s.Fields); got != want {
		t.Errorf("derived columns:\n got %s\nwant %s", got, want)
	}
	if s.Avro == nil || s.Avro.Record.Name != "test.Order" || s.Avro.File != "orders.avsc" || !s.Avro.Confluent {
		t.Fatalf("schema %+v, want test.Order from orders.avsc in Confluent's wire format", s.Avro)
	}
	for i, af := range s.Avro.Record.Fields {
		if af.Column != s.Fields[i] {
			t.Errorf("field %s fills column %v, want %s", af.Name, af.Column, s.Fields[i].Name)
		}
	}
	if s.EventTime == nil || s.EventTime.Name != "ts" {
		t.Errorf("event time %v, want the derived column ts", s.EventTime)
	}
	if s.Format != "avro" || s.Type != "kafka_source" {
		t.Errorf("format %q, type %q", s.Format, s.Type)
	}
}

// TestAvroDerivedSkips checks that fields without a SQL type are skipped with a warning pointing into the schema
// file, and still decoded (they stay in the record, without a column).
func TestAvroDerivedSkips(t *testing.T) {
	src := "CREATE STREAM m WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'mixed.avsc');\nSELECT * FROM m;\n"
	plan, ds := compileAvro(t, src, avroFiles(t, nil))
	want := []string{
		`mixed.avsc:3:3: warning: Avro field "choice" of type [null, long, string] is skipped: only a union of null and one type can be a column`,
		`mixed.avsc:4:3: warning: Avro field "tree" of type record Node is skipped: field "next": record Node contains itself, and a STRUCT cannot`,
		`mixed.avsc:5:3: warning: Avro field "wide" of type decimal(40,2) is skipped: DECIMAL holds at most 38 digits`,
	}
	if got := strings.Split(ds.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", ds.Error(), strings.Join(want, "\n"))
	}
	if plan == nil {
		t.Fatal("no plan")
	}
	s := plan.Sources[0]
	if got := fieldTypes(s.Fields); got != "id BIGINT NOT NULL" {
		t.Errorf("columns %s, want only id", got)
	}
	if n := len(s.Avro.Record.Fields); n != 4 || s.Avro.Record.Fields[1].Column != nil {
		t.Errorf("the record keeps %d fields, want all 4, the skipped ones without a column", n)
	}
}

// TestAvroNestedColumns derives STRUCT, ARRAY and MAP columns from records, arrays and maps, nullable where the
// schema has a union with null, with logical types inside them.
func TestAvroNestedColumns(t *testing.T) {
	src := "CREATE STREAM o WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'nested.avsc');\nSELECT * FROM o;\n"
	plan := mustCompile(t, src, avroFiles(t, nil))
	want := "id BIGINT NOT NULL, customer STRUCT(name VARCHAR, zip INT, since DATE, tier VARCHAR), " +
		"items STRUCT(sku VARCHAR, qty INT, price DECIMAL(10,2))[] NOT NULL, tags MAP(VARCHAR, BIGINT), " +
		"matrix DOUBLE[][] NOT NULL, at TIMESTAMP NOT NULL"
	if got := fieldTypes(plan.Sources[0].Fields); got != want {
		t.Errorf("derived columns:\n got %s\nwant %s", got, want)
	}
}

// TestAvroNestedChecks checks declared nested columns against the schema: a STRUCT may leave fields out, and a
// mismatch names the path inside the column.
func TestAvroNestedChecks(t *testing.T) {
	ok := []string{
		"id BIGINT, customer STRUCT(zip BIGINT, NAME VARCHAR), items STRUCT(price DECIMAL(12,2))[], tags MAP(VARCHAR, DOUBLE), matrix DOUBLE[][]",
		"customer STRUCT<tier VARCHAR, since TIMESTAMP>, at TIMESTAMP",
	}
	for _, cols := range ok {
		src := "CREATE STREAM o (" + cols + ") WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'nested.avsc');\nSELECT * FROM o;\n"
		if _, ds := compileAvro(t, src, avroFiles(t, nil)); ds.HasErrors() {
			t.Errorf("%s: %v", cols, ds)
		}
	}
	bad := map[string]string{
		"customer STRUCT(zip VARCHAR)":                `column "customer.zip" is VARCHAR, but Avro field "customer.zip" is int`,
		"customer STRUCT(street VARCHAR)":             `"customer.street" is not a field of Avro record shop.Customer`,
		"items STRUCT(qty INT, price DECIMAL(8,2))[]": `column "items[].price" is DECIMAL(8,2), but Avro field "items[].price" is decimal(10,2): the column needs a precision of at least 10`,
		"tags MAP(BIGINT, BIGINT)":                    `"tags" is MAP(BIGINT, BIGINT), but Avro map keys are strings`,
		"matrix DOUBLE[]":                             `column "matrix[]" is DOUBLE, but Avro field "matrix[]" is array<double>`,
		"customer VARCHAR[]":                          `"customer" is VARCHAR[], but its Avro type is record shop.Customer; an ARRAY reads an array`,
	}
	for cols, want := range bad {
		src := "CREATE STREAM o (" + cols + ") WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'nested.avsc');\nSELECT * FROM o;\n"
		_, ds := compileAvro(t, src, avroFiles(t, nil))
		if !strings.Contains(ds.Error(), want) {
			t.Errorf("%s: diagnostics %v, want %q", cols, ds, want)
		}
	}
}

// TestAvroNestedSink derives a sink schema with records, arrays and maps that hamba accepts, and checks a schema
// file's nested types part by part.
func TestAvroNestedSink(t *testing.T) {
	src := `CREATE STREAM o WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'nested.avsc');
CREATE STREAM c AS SELECT id, customer, items, tags FROM o WITH ('c.type' = 'kafka_sink', 'c.format' = 'avro');
`
	plan := mustCompile(t, src, avroFiles(t, nil))
	got := plan.Sinks[0].Avro.JSON
	for _, want := range []string{
		`{"name": "customer", "type": ["null", {"type": "record", "name": "c_customer", "fields": [{"name": "name", "type": ["null", "string"], "default": null}, `,
		`{"name": "items", "type": ["null", {"type": "array", "items": ["null", {"type": "record", "name": "c_items_item", "fields": [`,
		`{"name": "tags", "type": ["null", {"type": "map", "values": ["null", "long"]}], "default": null}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("derived schema has no %s:\n%s", want, got)
		}
	}
	if _, err := avro.Parse(got); err != nil {
		t.Errorf("hamba rejects the derived schema: %v\n%s", err, got)
	}
	out := `{"type": "record", "name": "C", "fields": [{"name": "customer", "type": {"type": "record", "name": "Cu", "fields": [
  {"name": "name", "type": "string"}, {"name": "zip", "type": "string"}, {"name": "since", "type": {"type": "int", "logicalType": "date"}},
  {"name": "tier", "type": "string"}]}}]}`
	src = `CREATE STREAM o WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'nested.avsc');
CREATE STREAM c AS SELECT customer FROM o WITH ('c.type' = 'kafka_sink', 'c.format' = 'avro', 'c.value.schema.file' = 'c.avsc');
`
	_, ds := compileAvro(t, src, avroFiles(t, map[string]string{"c.avsc": out}))
	if want := `output column "customer.zip" is INT, but its Avro type is string`; !strings.Contains(ds.Error(), want) {
		t.Errorf("diagnostics %v, want %q", ds, want)
	}
}

// TestAvroConfigFile reads the format and the schema file from a Velostream config file: the schema file is
// relative to the script, and a bad schema file named there is reported at the YAML line naming it.
func TestAvroConfigFile(t *testing.T) {
	yaml := "type: kafka_source\ndatasource:\n  consumer_config:\n    topic: orders\n    avro.schema.file: orders.avsc\nschema:\n  value.serializer: avro\n"
	src := "SELECT symbol, price FROM orders WITH ('orders.config_file' = 'conf/orders.yaml');\n"
	plan := mustCompile(t, src, avroFiles(t, map[string]string{"conf/orders.yaml": yaml}))
	s := plan.Sources[0]
	if s.Format != "avro" || s.Avro == nil || s.Avro.Record.Name != "test.Order" || s.URI != "kafka:orders" {
		t.Fatalf("source %s: format %q, URI %q, schema %v", s.Name, s.Format, s.URI, s.Avro)
	}
	yaml = strings.Replace(yaml, "orders.avsc", "nope.avsc", 1)
	_, ds := compileAvro(t, src, avroFiles(t, map[string]string{"conf/orders.yaml": yaml}))
	if len(ds) != 1 || ds[0].String() != `conf/orders.yaml:5:23: cannot read Avro schema file "nope.avsc": file does not exist` {
		t.Errorf("diagnostics:\n%s", ds.Error())
	}
}

// TestAvroBadSchemas checks that an invalid schema file is reported at the place in the file that is wrong.
func TestAvroBadSchemas(t *testing.T) {
	rec := func(fields string) string {
		return "{\"type\": \"record\", \"name\": \"R\", \"fields\": [\n" + fields + "\n]}\n"
	}
	tests := []struct {
		name, avsc, want string
	}{
		{"not JSON", "{\"type\": \"record\",\n  \"name\": R}", `x.avsc:2:11: invalid JSON: invalid character 'R' looking for beginning of value`},
		{"truncated", "{\"type\": \"record\",\n", `x.avsc:2:1: invalid JSON: unexpected end of file`},
		{"two values", rec(`{"name": "a", "type": "int"}`) + "{}", `x.avsc:4:1: invalid JSON: more than one value in the file`},
		{"duplicate key", "{\"type\": \"record\", \"type\": \"enum\"}", `x.avsc:1:20: duplicate key "type"`},
		{"not a record", `"string"`, `x.avsc:1:1: the schema must be a record, not string`},
		{"no fields", `{"type": "record", "name": "R"}`, `x.avsc:1:1: record "R" needs "fields", an array`},
		{"bad name", `{"type": "record", "name": "9R", "fields": []}`, `x.avsc:1:28: invalid name "9R"`},
		{"unknown type", rec(`  {"name": "a", "type": "Nope"}`), `x.avsc:2:25: unknown type "Nope"; a named type must be defined before it is used`},
		{"typo", rec(`  {"name": "a", "type": "strin"}`), `x.avsc:2:25: unknown type "strin"; a named type must be defined before it is used; did you mean "string"?`},
		{"field without type", rec(`  {"name": "a"}`), `x.avsc:2:3: field "a" needs a "type"`},
		{"duplicate field", rec(`  {"name": "a", "type": "int"},` + "\n" + `  {"name": "a", "type": "long"}`), `x.avsc:3:12: record "R" has two fields named "a"`},
		{"bad field name", rec(`  {"name": "a-b", "type": "int"}`), `x.avsc:2:12: invalid field name "a-b"`},
		{"nested union", rec(`  {"name": "a", "type": ["null", ["int"]]}`), `x.avsc:2:34: a union cannot contain another union directly`},
		{"union twice", rec(`  {"name": "a", "type": ["int", "null", "int"]}`), `x.avsc:2:41: a union cannot contain int twice`},
		{"empty union", rec(`  {"name": "a", "type": []}`), `x.avsc:2:25: a union needs at least one type`},
		{"empty enum", rec(`  {"name": "a", "type": {"type": "enum", "name": "E", "symbols": []}}`), `x.avsc:2:25: enum "E" needs "symbols", an array of at least one name`},
		{"enum symbol twice", rec(`  {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["X", "X"]}}`), `x.avsc:2:72: enum "E" has the symbol "X" twice`},
		{"fixed size", rec(`  {"name": "a", "type": {"type": "fixed", "name": "F", "size": -1}}`), `x.avsc:2:64: fixed "F": invalid size -1`},
		{"defined twice", rec(`  {"name": "a", "type": {"type": "fixed", "name": "F", "size": 1}},` + "\n" + `  {"name": "b", "type": {"type": "enum", "name": "F", "symbols": ["A"]}}`), `x.avsc:3:50: type "F" is defined twice`},
		{"decimal precision", rec(`  {"name": "a", "type": {"type": "bytes", "logicalType": "decimal", "precision": 0}}`), `x.avsc:2:82: decimal precision must be at least 1, got 0`},
		{"decimal no precision", rec(`  {"name": "a", "type": {"type": "bytes", "logicalType": "decimal"}}`), `x.avsc:2:25: a decimal needs a "precision"`},
		{"decimal scale", rec(`  {"name": "a", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 5}}`), `x.avsc:2:94: decimal scale must be between 0 and the precision 4, got 5`},
		{"decimal fixed too small", rec(`  {"name": "a", "type": {"type": "fixed", "name": "F", "size": 4, "logicalType": "decimal", "precision": 10}}`), `x.avsc:2:106: a fixed of 4 bytes holds at most 9 digits, not a decimal of precision 10`},
		{"array without items", rec(`  {"name": "a", "type": {"type": "array"}}`), `x.avsc:2:25: array needs "items"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "CREATE STREAM s (a INT) WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'x.avsc');\nSELECT a FROM s;\n"
			plan, ds := compileAvro(t, src, map[string]string{"x.avsc": tt.avsc})
			if plan != nil {
				t.Error("got a plan despite errors")
			}
			if len(ds) != 1 || !strings.HasPrefix(ds[0].String(), tt.want) {
				t.Errorf("diagnostics:\n%s\nwant only one, starting with %s", ds.Error(), tt.want)
			}
			if len(ds) == 1 && ds[0].Code != CodeAvroSchema {
				t.Errorf("code %d, want CodeAvroSchema", ds[0].Code)
			}
		})
	}
}

// TestAvroSchemaNames resolves named types through namespaces, references and recursion.
func TestAvroSchemaNames(t *testing.T) {
	avsc := `{"type": "record", "name": "Node", "namespace": "a.b", "fields": [
  {"name": "kind", "type": {"type": "enum", "name": "Kind", "namespace": "c", "symbols": ["X", "Y"]}},
  {"name": "kind2", "type": "c.Kind"},
  {"name": "next", "type": ["null", "Node"]},
  {"name": "kids", "type": {"type": "array", "items": "a.b.Node"}},
  {"name": "leaf", "type": {"type": "record", "name": "x.Leaf", "fields": [{"name": "v", "type": "Leaf"}, {"name": "n", "type": "null"}]}},
  {"name": "empty", "type": {"type": "record", "name": "Empty", "fields": []}},
  {"name": "hash", "type": {"type": "fixed", "name": "H", "size": 3}}
]}`
	rec, err := parseAvroSchema([]byte(avsc))
	if err != nil {
		t.Fatal(err)
	}
	f := rec.Fields
	if f[0].Type != f[1].Type || f[0].Type.Name != "c.Kind" {
		t.Errorf("kind2 resolves to %v, want the enum c.Kind", f[1].Type)
	}
	if f[2].Type.Branches[1] != rec || f[3].Type.Items != rec {
		t.Errorf("next and kids do not refer to the record itself")
	}
	if leaf := f[4].Type; leaf.Name != "x.Leaf" || leaf.Fields[0].Type != leaf {
		t.Errorf("leaf %v, want x.Leaf containing itself", leaf)
	}
	if !rec.Recursive() || !f[4].Type.Recursive() || f[5].Type.Recursive() {
		t.Errorf("Recursive: Node %v, Leaf %v, Empty %v; want true, true, false", rec.Recursive(), f[4].Type.Recursive(), f[5].Type.Recursive())
	}
	if n := f[5].Type.MinSize(); n != 0 {
		t.Errorf("MinSize(Empty) = %d, want 0", n)
	}
	if n := f[6].Type.MinSize(); n != 3 {
		t.Errorf("MinSize(H) = %d, want 3", n)
	}
	// kind (1) + kind2 (1) + next (1) + kids (1) + leaf (recursive, counted 1, plus null 0) + empty (0) + hash (3)
	if n := rec.MinSize(); n != 8 {
		t.Errorf("MinSize(Node) = %d, want 8", n)
	}
	if s := f[2].Type.String(); s != "[null, record a.b.Node]" {
		t.Errorf("String = %q", s)
	}
	// hamba agrees that the schema is valid.
	if _, err := avro.Parse(avsc); err != nil {
		t.Errorf("hamba rejects the schema: %v", err)
	}
}

// TestAvroSinkDerivedSchema checks the schema a sink derives from its columns, which hamba must accept as it is.
func TestAvroSinkDerivedSchema(t *testing.T) {
	src := `CREATE STREAM orders (symbol VARCHAR, price DECIMAL(12,4), qty INT, ts TIMESTAMP, ratio DOUBLE)
WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = 'orders.avsc');
CREATE STREAM totals AS SELECT symbol, SUM(price) AS total, SUM(qty) AS qty, MAX(ts) AS last_ts, MIN(qty) > 0 AS all_ok,
  AVG(ratio) AS ratio, COUNT(*) AS n, NULL AS nothing
FROM orders GROUP BY symbol WITH ('totals.type' = 'kafka_sink', 'totals.format' = 'avro');
`
	plan := mustCompile(t, src, avroFiles(t, nil))
	k := plan.Sinks[0]
	if k.Avro == nil || k.Avro.File != "" {
		t.Fatalf("sink schema %+v, want a derived one", k.Avro)
	}
	want := `{"type": "record", "name": "totals", "fields": [
  {"name": "symbol", "type": ["null", "string"], "default": null},
  {"name": "total", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 4}], "default": null},
  {"name": "qty", "type": ["null", "long"], "default": null},
  {"name": "last_ts", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null},
  {"name": "all_ok", "type": ["null", "boolean"], "default": null},
  {"name": "ratio", "type": ["null", "double"], "default": null},
  {"name": "n", "type": ["null", "long"], "default": null},
  {"name": "nothing", "type": ["null", "string"], "default": null}
]}`
	if k.Avro.JSON != want {
		t.Errorf("derived schema:\n%s\nwant:\n%s", k.Avro.JSON, want)
	}
	if _, err := avro.Parse(k.Avro.JSON); err != nil {
		t.Errorf("hamba rejects the derived schema: %v", err)
	}
	again, err := parseAvroSchema([]byte(k.Avro.JSON))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range again.Fields {
		if got, want := f.Type.String(), k.Avro.Record.Fields[i].Type.String(); got != want {
			t.Errorf("field %s reads back as %s, want %s", f.Name, got, want)
		}
	}
}

// TestAvroReadsAndWrites is the table of column types each Avro type can fill, and be written from.
func TestAvroReadsAndWrites(t *testing.T) {
	types := map[string]*AvroType{
		"boolean":          {Kind: AvroBoolean},
		"int":              {Kind: AvroInt},
		"long":             {Kind: AvroLong},
		"float":            {Kind: AvroFloat},
		"double":           {Kind: AvroDouble},
		"string":           {Kind: AvroString},
		"uuid":             {Kind: AvroString, Logical: "uuid"},
		"enum":             {Kind: AvroEnum, Name: "E", Symbols: []string{"A"}},
		"bytes":            {Kind: AvroBytes},
		"decimal(12,4)":    {Kind: AvroBytes, Logical: "decimal", Precision: 12, Scale: 4},
		"timestamp-millis": {Kind: AvroLong, Logical: "timestamp-millis"},
		"timestamp-micros": {Kind: AvroLong, Logical: "timestamp-micros"},
		"date":             {Kind: AvroInt, Logical: "date"},
	}
	cols := []Type{TBool, TInt, TBigInt, TDouble, Dec(12, 4), Dec(14, 4), Dec(10, 4), Dec(12, 2), TVarchar, TTimestamp}
	reads := map[string]string{
		"boolean":          "BOOLEAN",
		"int":              "INT BIGINT DOUBLE",
		"long":             "BIGINT DOUBLE TIMESTAMP",
		"float":            "DOUBLE",
		"double":           "DOUBLE",
		"string":           "VARCHAR",
		"uuid":             "VARCHAR",
		"enum":             "VARCHAR",
		"bytes":            "",
		"decimal(12,4)":    "DECIMAL(12,4) DECIMAL(14,4)",
		"timestamp-millis": "BIGINT DOUBLE TIMESTAMP",
		"timestamp-micros": "BIGINT DOUBLE TIMESTAMP",
		"date":             "INT BIGINT DOUBLE TIMESTAMP",
	}
	writes := map[string]string{
		"boolean":          "BOOLEAN",
		"int":              "INT",
		"long":             "INT BIGINT TIMESTAMP",
		"float":            "",
		"double":           "INT DOUBLE",
		"string":           "VARCHAR",
		"uuid":             "VARCHAR",
		"enum":             "VARCHAR",
		"bytes":            "",
		"decimal(12,4)":    "DECIMAL(12,4) DECIMAL(10,4)",
		"timestamp-millis": "INT BIGINT TIMESTAMP",
		"timestamp-micros": "INT BIGINT TIMESTAMP",
		"date":             "INT",
	}
	for name, at := range types {
		var r, w []string
		for _, ct := range cols {
			if avroReads(ct, at) {
				r = append(r, ct.String())
			}
			if avroWrites(ct, at) {
				w = append(w, ct.String())
			}
		}
		if got := strings.Join(r, " "); got != reads[name] {
			t.Errorf("%s is read by %q, want %q", name, got, reads[name])
		}
		if got := strings.Join(w, " "); got != writes[name] {
			t.Errorf("%s is written from %q, want %q", name, got, writes[name])
		}
	}
}

func TestFixedDigits(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 2, 2: 4, 4: 9, 8: 18, 9: 21, 16: 38, 17: 40} {
		if got := fixedDigits(n); got != want {
			t.Errorf("fixedDigits(%d) = %d, want %d", n, got, want)
		}
	}
}

// FuzzAvroSchema checks that any schema file either parses or is rejected at a position inside it, and that a
// parsed schema can be described and measured (named types form cycles).
func FuzzAvroSchema(f *testing.F) {
	for _, name := range []string{"orders.avsc", "mixed.avsc", "out.avsc"} {
		if b, err := os.ReadFile("testdata/avro/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type": "record", "name": "N", "fields": [{"name": "n", "type": ["null", "N"]}, {"name": "r", "type": "N"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := parseAvroSchema(data)
		if err != nil {
			if err.off < 0 || err.off > len(data) {
				t.Fatalf("error %q at offset %d of %d bytes", err.msg, err.off, len(data))
			}
			return
		}
		var walk func(ty *AvroType, depth int)
		walk = func(ty *AvroType, depth int) {
			_ = ty.String()
			_ = ty.MinSize()
			_ = ty.Recursive()
			_, _, _, _ = ty.Unwrap()
			if depth > 3 {
				return
			}
			for _, f := range ty.Fields {
				walk(f.Type, depth+1)
			}
			for _, b := range ty.Branches {
				walk(b, depth+1)
			}
			if ty.Items != nil {
				walk(ty.Items, depth+1)
			}
		}
		walk(rec, 0)
	})
}
