// Reading the writer schemas the registry returns: an Avro record's fields, a Protobuf message's fields.

package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// avroFields returns the fields of an Avro record schema, each type as canonical JSON (keys sorted, "doc" and
// "aliases" left out), so that two schemas of the same layout compare equal field by field.
func avroFields(schema string) ([]Field, error) {
	var rec map[string]any
	if err := json.Unmarshal([]byte(schema), &rec); err != nil {
		return nil, err
	}
	fs, ok := rec["fields"].([]any)
	if !ok {
		return nil, fmt.Errorf("not a record")
	}
	out := make([]Field, 0, len(fs))
	for _, f := range fs {
		m, _ := f.(map[string]any)
		name, _ := m["name"].(string)
		t, err := json.Marshal(strip(m["type"]))
		if err != nil {
			return nil, err
		}
		out = append(out, Field{Name: name, Type: string(t)})
	}
	return out, nil
}

// AvroFieldsOf returns the fields of the Avro record schema as the checker compares them (for the job's own
// schema, given to NewAvro).
func AvroFieldsOf(schema string) []Field {
	fs, _ := avroFields(schema)
	return fs
}

// strip drops the attributes that do not change how values are encoded.
func strip(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if k != "doc" && k != "aliases" {
				out[k] = strip(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = strip(x)
		}
		return out
	}
	return v
}

// protoFields compiles a Protobuf schema (imports of the well-known types only) and returns the fields of
// message, each with its number and wire-relevant type: the kind ("int64", "string"), or "message NAME" and
// "enum NAME", with "repeated " before a repeated field's (and "map" for a map).
func protoFields(schema, message string) ([]Field, error) {
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: func(name string) (io.ReadCloser, error) {
			if name == "schema.proto" {
				return io.NopCloser(bytes.NewReader([]byte(schema))), nil
			}
			return nil, fmt.Errorf("import %q: schema references are not supported", name)
		},
	})}
	files, err := c.Compile(context.Background(), "schema.proto")
	if err != nil {
		return nil, err
	}
	d := files[0].FindDescriptorByName(protoreflect.FullName(message))
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return nil, fmt.Errorf("it has no message %s", message)
	}
	fs := md.Fields()
	out := make([]Field, fs.Len())
	for i := range out {
		f := fs.Get(i)
		out[i] = Field{Name: string(f.Name()), Number: int32(f.Number()), Type: ProtoType(f)}
	}
	return out, nil
}

// ProtoType describes a field's type as the checker compares it.
func ProtoType(f protoreflect.FieldDescriptor) string {
	var t string
	switch {
	case f.IsMap():
		return "map"
	case f.Message() != nil:
		t = "message " + string(f.Message().FullName())
	case f.Enum() != nil:
		t = "enum " + string(f.Enum().FullName())
	default:
		t = f.Kind().String()
	}
	if f.IsList() {
		t = "repeated " + t
	}
	return strings.TrimSpace(t)
}
