// Protobuf sinks: the row's values kept for the encoder generated for the sink's message.

package rt

import "fmt"

// ProtoSink is how a sink with format "protobuf" encodes its rows.
type ProtoSink struct {
	Message string // the message's full name
	Schema  string // the .proto source of the message: the sink's file, or the one derived from its columns
	// Encode appends the encoding of one row to dst: vals holds the row's values, one per column in order. It is
	// generated for the sink's message and writes the fields in number order; its error (a NULL for a field
	// without presence, a name that is no value of an enum) stops the job.
	Encode func(dst []byte, vals []Value) ([]byte, error)
}

// Value is one column's value of a row of a Protobuf sink, as its generated encoder reads it: BOOLEAN (0 or 1),
// INT, BIGINT and TIMESTAMP in Int, DOUBLE in Float, DECIMAL in Dec, VARCHAR and BLOB in Str; a nested value
// (STRUCT, ARRAY, MAP) in Bytes, as the complete encoding of its field (tags, lengths and all), which the job
// wrote with ProtoBuf and ProtoNested and the encoder copies into place.
type Value struct {
	Null  bool
	Int   int64
	Float float64
	Dec   Int128
	Str   string
	Bytes []byte
}

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// protoValue keeps the next column's value.
func (r *Row) protoValue(v Value) {
	r.col++
	r.vals = append(r.vals, v)
}

// IsProtobuf reports whether the row is written as Protobuf, so that the job encodes its nested values as
// Protobuf fields (ProtoBuf, ProtoNested).
func (r *Row) IsProtobuf() bool { return r.s.format == FormatProtobuf }

// ProtoBuf is the row's buffer of nested fields, to which the job appends the encoding of the next column's
// field; it then passes the buffer and the length it had to ProtoNested. Begin empties it.
func (r *Row) ProtoBuf() []byte { return r.nested }

// ProtoNested keeps the next column's value, a nested one: b is the buffer ProtoBuf returned with the encoding
// of the column's field appended from start on (nothing for a NULL, written as an absent field).
func (r *Row) ProtoNested(b []byte, start int, null bool) {
	r.nested = b
	r.protoValue(Value{Null: null, Bytes: b[start:len(b):len(b)]})
}

// ProtoFail ends the row's encoding with an error about the part path of the current nested column: a NULL that
// Protobuf cannot hold (an element of a repeated field, a map's value, a field without presence), a string that
// is no value of an enum.
func (r *Row) ProtoFail(path, reason string) {
	if r.avroErr == nil {
		r.avroErr = fmt.Errorf("sink %q: column %q: %s: %s", r.s.spec.Name, r.s.spec.Columns[len(r.vals)].Name, path, reason)
	}
}

// protoEncode replaces the row's bytes with the encoded message.
func (r *Row) protoEncode() error {
	b, err := r.s.spec.Protobuf.Encode(r.buf, r.vals) // r.buf holds the Confluent header, if any
	r.buf = b
	for i := range r.vals {
		r.vals[i].Str, r.vals[i].Bytes = "", nil // the strings belong to the caller
	}
	return err
}
