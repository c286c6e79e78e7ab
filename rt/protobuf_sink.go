// Protobuf sinks: the row's values kept for the encoder generated for the sink's message.

package rt

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
// INT, BIGINT and TIMESTAMP in Int, DOUBLE in Float, DECIMAL in Dec, VARCHAR in Str.
type Value struct {
	Null  bool
	Int   int64
	Float float64
	Dec   Int128
	Str   string
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

// protoEncode replaces the row's bytes with the encoded message.
func (r *Row) protoEncode() error {
	b, err := r.s.spec.Protobuf.Encode(r.buf, r.vals) // r.buf holds the Confluent header, if any
	r.buf = b
	for i := range r.vals {
		r.vals[i].Str = "" // the strings belong to the caller
	}
	return err
}
