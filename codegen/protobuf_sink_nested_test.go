package codegen

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/e2e"
)

// Nested Protobuf sinks end to end: the messages of TestProtobufNestedSource, built by the official runtime, are
// read by a job and written back by two Protobuf sinks, one with the same .proto file and one whose message is
// derived from its columns; the runtime parses both (the derived message compiled from the sink's schema text
// with protocompile) and each must hold what the input message held.

const protoNestSinkJob = `CREATE STREAM orders WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'nest.proto', 'proto.message' = 'Order');
CREATE STREAM copy AS SELECT * FROM orders
  WITH ('copy.type' = 'kafka_sink', 'copy.format' = 'protobuf', 'copy.proto.file' = 'nest.proto', 'copy.proto.message' = 'nest.Order');
CREATE STREAM derived AS SELECT id, addr, items, nums, deltas, attrs, places, blob, tags, kinds, times, tree FROM orders
  WITH ('derived.type' = 'kafka_sink', 'derived.format' = 'protobuf');
`

// protoCopy copies the fields of message src into dst by name: messages field by field, lists and maps element
// by element, a string into an enum by the value's name. It reads a message of the derived schema as one of the
// .proto file.
func protoCopy(t *testing.T, dst, src protoreflect.Message) {
	t.Helper()
	conv := func(fd protoreflect.FieldDescriptor, v protoreflect.Value) protoreflect.Value {
		if fd.Enum() != nil {
			ev := fd.Enum().Values().ByName(protoreflect.Name(v.String()))
			if ev == nil {
				t.Fatalf("%s: %q is not a value of %s", fd.FullName(), v.String(), fd.Enum().FullName())
			}
			return protoreflect.ValueOfEnum(ev.Number())
		}
		return v
	}
	src.Range(func(sfd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		fd := dst.Descriptor().Fields().ByName(sfd.Name())
		if fd == nil {
			t.Fatalf("%s has no field %s", dst.Descriptor().FullName(), sfd.Name())
		}
		switch {
		case fd.IsMap():
			m := dst.Mutable(fd).Map()
			v.Map().Range(func(k protoreflect.MapKey, e protoreflect.Value) bool {
				if fd.MapValue().Message() != nil {
					ne := m.NewValue()
					protoCopy(t, ne.Message(), e.Message())
					m.Set(k, ne)
				} else {
					m.Set(k, conv(fd.MapValue(), e))
				}
				return true
			})
		case fd.IsList():
			l := dst.Mutable(fd).List()
			for i := 0; i < v.List().Len(); i++ {
				if fd.Message() != nil {
					protoCopy(t, l.AppendMutable().Message(), v.List().Get(i).Message())
				} else {
					l.Append(conv(fd, v.List().Get(i)))
				}
			}
		case fd.Message() != nil:
			protoCopy(t, dst.Mutable(fd).Message(), v.Message())
		default:
			dst.Set(fd, conv(fd, v))
		}
		return true
	})
}

func TestProtobufNestedSink(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program; skipped with -short")
	}
	dir, plan := compileNestJob(t, protoNestSinkJob)
	var derivedText string
	for _, q := range plan.Queries {
		if q.Sink.Name == "derived" {
			derivedText = q.Sink.Proto.Text
		}
	}
	// The derived schema is what a schema registry is given: it must compile as it stands.
	derivedMD := compileProto(t, "derived.proto", derivedText).Messages().ByName("derived")
	if derivedMD == nil {
		t.Fatalf("the derived schema has no message derived:\n%s", derivedText)
	}
	src, err := Generate(plan)
	if err != nil {
		t.Fatal(err)
	}

	md := compileProto(t, "nest.proto", protoNestIn).Messages().ByName("Order")
	rng := rand.New(rand.NewPCG(14, 16))
	var in []byte
	var want []*dynamicpb.Message
	for i := 0; i < 150; i++ {
		o := randomNestOrder(rng, i)
		m := o.message(md)
		msg, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		in = framed(in, msg)
		if o.tree != nil { // tree.next is a field no column holds: the job cannot write it back
			tree := m.Mutable(md.Fields().ByName("tree")).Message()
			tree.Clear(tree.Descriptor().Fields().ByName("next"))
		}
		want = append(want, m)
	}
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), in, 0o666); err != nil {
		t.Fatal(err)
	}

	bin := buildMemJob(t, "sinkjob", src)
	res, err := e2e.Run(dir, bin, "--bounded", "--source", "orders=mem:in.bin",
		"--sink", "copy=mem:copy.bin", "--sink", "derived=mem:derived.bin")
	if err != nil {
		t.Fatal(err)
	}
	if res.Code != 0 {
		t.Fatalf("the job exited with %d:\n%s", res.Code, res.Stderr)
	}
	for _, sink := range []string{"copy", "derived"} {
		msgs := unframe(t, mustRead(t, filepath.Join(dir, sink+".bin")))
		if len(msgs) != len(want) {
			t.Fatalf("%s has %d messages, want %d", sink, len(msgs), len(want))
		}
		for i, b := range msgs {
			got := dynamicpb.NewMessage(md)
			if sink == "copy" {
				if err := proto.Unmarshal(b, got); err != nil {
					t.Fatalf("%s message %d: %v", sink, i, err)
				}
			} else {
				d := dynamicpb.NewMessage(derivedMD)
				if err := proto.Unmarshal(b, d); err != nil {
					t.Fatalf("%s message %d: %v", sink, i, err)
				}
				protoCopy(t, got, d)
			}
			if !proto.Equal(got, want[i]) {
				t.Errorf("%s message %d:\n got %v\nwant %v", sink, i, got, want[i])
			}
		}
	}
}

// TestProtobufNestedSinkNull checks the NULLs Protobuf cannot hold: an element of a repeated field stops the job
// with an error naming the column and the part; a NULL STRUCT, ARRAY and STRUCT field are absent fields.
func TestProtobufNestedSinkNull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go program; skipped with -short")
	}
	const job = `CREATE STREAM orders (id BIGINT) WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = 'nest.proto', 'proto.message' = 'Order');
CREATE STREAM out AS SELECT id,
    CASE WHEN id = 1 THEN NULL ELSE {'a': CASE WHEN id = 2 THEN NULL ELSE id END} END AS s,
    CASE WHEN id = 1 THEN NULL ELSE [id, CASE WHEN id = 3 THEN NULL ELSE id END] END AS a
  FROM orders WITH ('out.type' = 'kafka_sink', 'out.format' = 'protobuf');
`
	dir := t.TempDir()
	for name, data := range map[string]string{"nest.proto": protoNestIn, "job.sql": job} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	plan, diags := compiler.Compile(filepath.Join(dir, "job.sql"), []byte(job), &compiler.Options{})
	if diags.HasErrors() || plan == nil {
		t.Fatalf("the job does not compile:\n%v", diags)
	}
	out := compileProto(t, "out.proto", plan.Queries[0].Sink.Proto.Text).Messages().ByName("out")
	src, err := Generate(plan)
	if err != nil {
		t.Fatal(err)
	}
	md := compileProto(t, "nest.proto", protoNestIn).Messages().ByName("Order")
	var in []byte
	for _, id := range []int64{1, 2, 3} {
		o := nestOrder{id: id}
		msg, err := proto.Marshal(o.message(md))
		if err != nil {
			t.Fatal(err)
		}
		in = framed(in, msg)
	}
	if err := os.WriteFile(filepath.Join(dir, "in.bin"), in, 0o666); err != nil {
		t.Fatal(err)
	}
	bin := buildMemJob(t, "nulljob", src)
	res, err := e2e.Run(dir, bin, "--bounded", "--source", "orders=mem:in.bin", "--sink", "out=mem:out.bin")
	if err != nil {
		t.Fatal(err)
	}
	const wantErr = `sink "out": column "a": a[]: NULL, but a Protobuf repeated field's elements cannot be NULL`
	if res.Code == 0 || !strings.Contains(res.Stderr, wantErr) {
		t.Fatalf("the job exited with %d, want an error %q:\n%s", res.Code, wantErr, res.Stderr)
	}
	msgs := unframe(t, mustRead(t, filepath.Join(dir, "out.bin")))
	if len(msgs) != 2 {
		t.Fatalf("%d messages before the error, want 2", len(msgs))
	}
	f := out.Fields().ByName
	for i, b := range msgs {
		m := dynamicpb.NewMessage(out)
		if err := proto.Unmarshal(b, m); err != nil {
			t.Fatal(err)
		}
		id := m.Get(f("id")).Int()
		if id != int64(i+1) {
			t.Fatalf("message %d has id %d", i, id)
		}
		hasS, n := m.Has(f("s")), m.Get(f("a")).List().Len()
		switch {
		case id == 1 && (hasS || n != 0):
			t.Errorf("id 1: s present %t, %d elements; want NULLs absent", hasS, n)
		case id == 2 && (!hasS || m.Get(f("s")).Message().Has(f("s").Message().Fields().ByName("a")) || n != 2):
			t.Errorf("id 2: s present %t, %d elements; want s without a, 2 elements", hasS, n)
		}
	}
}
