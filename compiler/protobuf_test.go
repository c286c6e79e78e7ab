package compiler

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
)

// protoFiles are the .proto files of testdata/proto, for scripts compiled in memory as job.sql.
func protoFiles(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range []string{"orders.proto", "out.proto", "broken.proto"} {
		b, err := os.ReadFile("testdata/proto/" + name)
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

// TestProtoDerived checks the columns derived from a message: the type mapping (nested messages as STRUCTs without
// the fields that would make them contain themselves, repeated fields as ARRAYs, maps as MAPs), presence as
// nullability, and the fields no column can hold skipped with a warning pointing at their definition in the .proto
// file.
func TestProtoDerived(t *testing.T) {
	src := "CREATE STREAM o WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'orders.proto', 'proto.message' = 'Order');\nSELECT * FROM o;\n"
	plan, ds := compileAvro(t, src, protoFiles(t, nil))
	want := []string{
		`orders.proto:25:3: warning: Protobuf field "loop" of type test.Loop is skipped: message test.Loop has no field a column can hold`,
	}
	if got := ds.Error(); got != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if plan == nil {
		t.Fatal("no plan")
	}
	s := plan.Sources[0]
	wantCols := "id BIGINT NOT NULL, symbol VARCHAR NOT NULL, side VARCHAR NOT NULL, price DOUBLE, ts TIMESTAMP, qty INT NOT NULL, " +
		"flag BOOLEAN NOT NULL, big DECIMAL(20,0) NOT NULL, lot BIGINT, blob BLOB NOT NULL, tags VARCHAR[] NOT NULL, " +
		"attrs MAP(VARCHAR, BIGINT) NOT NULL, nested STRUCT(a INT), tree STRUCT(v INT)"
	if got := fieldTypes(s.Fields); got != wantCols {
		t.Errorf("columns\n%s\nwant\n%s", got, wantCols)
	}
	if s.Proto.Message != "test.Order" || len(s.Proto.Index) != 1 || s.Proto.Index[0] != 0 || len(s.Proto.Fields) != 15 {
		t.Errorf("message %s, index %v, %d fields", s.Proto.Message, s.Proto.Index, len(s.Proto.Fields))
	}
}

// TestProtoIndex checks the Confluent message index of a nested message and of a later top-level one. The
// indexes count the map entry messages protoc makes for map fields, as the descriptors' nested types do:
// Order.Inner comes after Order.AttrsEntry.
func TestProtoIndex(t *testing.T) {
	for msg, want := range map[string]string{"test.Order.Inner": "[0 1]", "Other": "[1]", "Inner": "[0 1]", "Order": "[0]"} {
		src := "CREATE STREAM o WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'orders.proto', 'proto.message' = '" + msg + "');\nSELECT * FROM o;\n"
		plan, ds := compileAvro(t, src, protoFiles(t, nil))
		if plan == nil {
			t.Fatalf("%s: %s", msg, ds.Error())
		}
		if got := fmt.Sprint(plan.Sources[0].Proto.Index); got != want {
			t.Errorf("%s: index %s, want %s", msg, got, want)
		}
	}
}

// TestProtoSyntaxError checks that a .proto file protocompile rejects is reported at the place in the file.
func TestProtoSyntaxError(t *testing.T) {
	src := "CREATE STREAM b (id BIGINT) WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'broken.proto');\nSELECT id FROM b;\n"
	_, ds := compileAvro(t, src, protoFiles(t, nil))
	if len(ds) != 1 || !strings.HasPrefix(ds[0].String(), "broken.proto:4:1: syntax error") {
		t.Errorf("diagnostics:\n%s", ds.Error())
	}
}

// TestProtoConfigFile reads the format, the file and the message from a Velostream config file.
func TestProtoConfigFile(t *testing.T) {
	yaml := "type: kafka_source\ndatasource:\n  consumer_config:\n    topic: orders\n    proto.file: orders.proto\n    proto.message: test.Order\nschema:\n  value.serializer: protobuf\n"
	src := "SELECT symbol, price FROM orders WITH ('orders.config_file' = 'conf/orders.yaml');\n"
	plan, ds := compileAvro(t, src, protoFiles(t, map[string]string{"conf/orders.yaml": yaml}))
	if plan == nil || len(ds) != 1 { // the warning of TestProtoDerived
		t.Fatalf("diagnostics:\n%s", ds.Error())
	}
	s := plan.Sources[0]
	if s.Format != "protobuf" || s.Proto == nil || s.Proto.Message != "test.Order" || s.URI != "kafka:orders" {
		t.Fatalf("source %s: format %q, URI %q, message %v", s.Name, s.Format, s.URI, s.Proto)
	}
}

// TestProtoDerivedSink checks that the .proto text derived for a sink compiles, with the fields the plan holds.
func TestProtoDerivedSink(t *testing.T) {
	src := `CREATE STREAM o (id BIGINT, symbol VARCHAR, price DOUBLE, ts TIMESTAMP, qty INT, flag BOOLEAN)
  WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'orders.proto', 'proto.message' = 'Order');
CREATE STREAM t AS SELECT symbol, MAX(ts) AS last, SUM(price) AS total, COUNT(*) AS n, MIN(qty) AS q, BOOL_OR(flag) AS f FROM o GROUP BY symbol
WITH ('t.type' = 'kafka_sink', 't.format' = 'protobuf');
`
	plan := mustCompile(t, src, protoFiles(t, nil))
	k := plan.Sinks[0]
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"t.proto": k.Proto.Text}),
	})}
	files, err := c.Compile(context.Background(), "t.proto")
	if err != nil {
		t.Fatalf("the derived message does not compile: %v\n%s", err, k.Proto.Text)
	}
	md := files[0].Messages().ByName("t")
	want := "symbol:string:1 last:message:2 total:double:3 n:int64:4 q:int32:5 f:bool:6"
	var got []string
	for i := 0; i < md.Fields().Len(); i++ {
		f := md.Fields().Get(i)
		if !f.HasPresence() {
			t.Errorf("field %s has no presence", f.Name())
		}
		got = append(got, string(f.Name())+":"+f.Kind().String()+":"+strconv.Itoa(int(f.Number())))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("fields %s, want %s", strings.Join(got, " "), want)
	}
}

// TestProtoSinkConfigFile reads a sink's format, file and message from a Velostream config file.
func TestProtoSinkConfigFile(t *testing.T) {
	yaml := "type: kafka_sink\ndatasink:\n  producer_config:\n    topic: copies\n  proto.file: out.proto\n  proto.message: out.Out\n  schema.id: 9\nschema:\n  value.serializer: protobuf\n"
	src := `CREATE STREAM o (id BIGINT, symbol VARCHAR) WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'orders.proto', 'proto.message' = 'Order');
CREATE STREAM copy AS SELECT symbol, id FROM o WITH ('copy.config_file' = 'conf/copy.yaml');
`
	plan, ds := compileAvro(t, src, protoFiles(t, map[string]string{"conf/copy.yaml": yaml}))
	if plan == nil || len(ds) != 0 {
		t.Fatalf("diagnostics:\n%s", ds.Error())
	}
	k := plan.Sinks[0]
	if k.Format != "protobuf" || k.Proto == nil || k.Proto.Message != "out.Out" || k.URI != "kafka:copies" || k.Options["schema.id"] != "9" {
		t.Fatalf("sink %s: format %q, URI %q, message %v, options %v", k.Name, k.Format, k.URI, k.Proto, k.Options)
	}
	if len(k.Proto.Fields) != 2 || k.Proto.Fields[0].Name != "symbol" || k.Proto.Fields[0].Out != 0 || k.Proto.Fields[1].Out != 1 {
		t.Errorf("fields %+v", k.Proto.Fields)
	}
}

// TestProtoNestedMismatch checks declared nested columns against the message: each part's type, and the fields of
// a STRUCT, which must be fields of the message (a STRUCT may leave some out).
func TestProtoNestedMismatch(t *testing.T) {
	for decl, want := range map[string]string{
		"nested STRUCT(a VARCHAR)":     `column "nested": nested.a is VARCHAR, but Protobuf field nested.a is int32: declare it INT`,
		"nested STRUCT(b INT)":         `column "nested": nested.b is not a field of Protobuf message test.Order.Inner`,
		"tags VARCHAR":                 `column "tags": tags is VARCHAR, but Protobuf field tags is repeated string: declare it VARCHAR[]`,
		"attrs MAP(VARCHAR, INT)":      `column "attrs": attrs[] is INT, but Protobuf field attrs[] is int64: declare it BIGINT`,
		"tree STRUCT(v INT, next INT)": `column "tree": Protobuf field tree.next has type test.Tree; message test.Tree contains itself, and a STRUCT cannot`,
		"loop STRUCT(self INT)":        `column "loop": Protobuf field "loop" has type test.Loop; message test.Loop has no field a column can hold`,
		"nested STRUCT(a BIGINT), tags VARCHAR[], attrs MAP(VARCHAR, DOUBLE), tree STRUCT(v INT)": "",
	} {
		src := "CREATE STREAM o (id BIGINT, " + decl + ") WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'orders.proto', 'proto.message' = 'Order');\nSELECT * FROM o;\n"
		_, ds := compileAvro(t, src, protoFiles(t, nil))
		got := ds.Error()
		if want == "" && got != "" || want != "" && (len(ds) != 1 || !strings.Contains(got, "job.sql:1:") || !strings.Contains(got, want)) {
			t.Errorf("%s:\n%s\nwant %s", decl, got, want)
		}
	}
}
