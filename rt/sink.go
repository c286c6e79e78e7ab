// Sinks: typed rows written as JSON lines or CSV to stdout or a file.

package rt

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// sinkBufSize is the write buffer of a sink's output.
const sinkBufSize = 256 << 10

// Sink writes a job's result rows. It is safe for use from several source
// goroutines: Begin takes the output's lock and End releases it, so rows never
// interleave.
type Sink struct {
	spec    SinkSpec
	uri     string
	format  Format
	delim   byte
	rfc3339 bool
	dest    sinkURI
	out     *sinkOutput
	keys    [][]byte // JSON: `"name":` per column, with a leading ',' after the first
	row     Row
	// emitted counts the rows written, retracted the retractions among them; atomic, for the job's metrics.
	emitted, retracted atomic.Int64

	ext     Output   // a transport's output (Kafka); nil for stdout and files
	header  []byte   // written before each message value of ext (SinkSpec.Header)
	keyed   bool     // rows carry message keys (ext outputs of sinks with Key names)
	keyJSON [][]byte // `"name":` per key part when the key is a JSON object, with a leading ',' after the first
}

// sinkOutput is one destination; sinks writing to the same place share it.
type sinkOutput struct {
	mu   sync.Mutex
	name string // for messages: "stdout" or the file path
	w    *bufio.Writer
	f    *os.File // nil for stdout
	ext  Output   // set instead of w for a transport's output
	err  error    // first write error, sticky
}

// Row is one result row being written. Values are written with the typed
// methods in the order of the sink's columns, then End finishes the row.
type Row struct {
	s       *Sink
	buf     []byte
	col     int
	retract bool
	key     []byte // the message key being built by the Key methods
	keyCol  int
	keyNull bool // the one key part is NULL: no key

	avroErr error  // the row could not be encoded as Avro or Protobuf (avro_sink.go, ProtoFail); End returns it
	nested  []byte // the JSON text of a nested value being written (nested.go)

	vals []Value // a Protobuf sink's values, encoded by End (protobuf_sink.go)
}

// Discard counts a row of a sink that writes nowhere ("none:", the default of a stream that only later queries
// read) without building it, and reports whether it did: a query asks before it builds a row.
func (s *Sink) Discard() bool {
	if !s.dest.none {
		return false
	}
	s.emitted.Add(1)
	return true
}

// Begin starts a row, holding the sink's lock until End.
func (s *Sink) Begin() *Row {
	s.out.mu.Lock()
	r := &s.row
	r.buf = r.buf[:0]
	r.col = 0
	r.retract = false
	r.key, r.keyCol, r.keyNull = r.key[:0], 0, false
	r.vals, r.nested = r.vals[:0], r.nested[:0]
	if len(s.header) > 0 {
		r.buf = append(r.buf, s.header...)
	}
	if s.format == FormatJSONL {
		r.buf = append(r.buf, '{')
	}
	return r
}

// next writes what precedes the next column's value and reports whether the
// row has room for it.
func (r *Row) next() bool {
	s := r.s
	if r.col >= len(s.spec.Columns) {
		r.col++ // End reports the mismatch
		return false
	}
	if s.format == FormatJSONL {
		r.buf = append(r.buf, s.keys[r.col]...)
	} else if r.col > 0 {
		r.buf = append(r.buf, s.delim)
	}
	r.col++
	return true
}

// null writes a NULL: null in JSON, an empty field in CSV.
func (r *Row) null() {
	if r.s.format == FormatJSONL {
		r.buf = append(r.buf, "null"...)
	}
}

// Bool writes a BOOLEAN.
func (r *Row) Bool(v, null bool) {
	if r.s.format >= FormatAvro { // one comparison on the path of JSON and CSV rows
		if r.s.format == FormatProtobuf {
			r.protoValue(Value{Null: null, Int: b2i(v)})
		} else {
			r.avroBool(v, null)
		}
		return
	}
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	r.buf = strconv.AppendBool(r.buf, v)
}

// Int32 writes an INT.
func (r *Row) Int32(v int32, null bool) { r.Int64(int64(v), null) }

// Int64 writes a BIGINT.
func (r *Row) Int64(v int64, null bool) {
	if r.s.format >= FormatAvro { // one comparison on the path of JSON and CSV rows
		if r.s.format == FormatProtobuf {
			r.protoValue(Value{Null: null, Int: v})
		} else {
			r.avroInt64(v, null)
		}
		return
	}
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	r.buf = strconv.AppendInt(r.buf, v, 10)
}

// Float64 writes a DOUBLE in its shortest round-tripping form. JSON has no
// NaN or infinities, so they are written as null there; CSV spells them NaN,
// +Inf and -Inf.
func (r *Row) Float64(v float64, null bool) {
	if r.s.format >= FormatAvro { // one comparison on the path of JSON and CSV rows
		if r.s.format == FormatProtobuf {
			r.protoValue(Value{Null: null, Float: v})
		} else {
			r.avroFloat64(v, null)
		}
		return
	}
	if !r.next() {
		return
	}
	if null || (r.s.format == FormatJSONL && (math.IsNaN(v) || math.IsInf(v, 0))) {
		r.null()
		return
	}
	// 'g' with the shortest precision yields only forms JSON accepts, such as
	// 12.5, -0, 1e+21 and 5e-324.
	r.buf = strconv.AppendFloat(r.buf, v, 'g', -1, 64)
}

// Decimal writes a DECIMAL with its exact digits: a JSON number such as
// 12.3400, never rounded through float64.
func (r *Row) Decimal(v Int128, scale int32, null bool) {
	if r.s.format >= FormatAvro { // one comparison on the path of JSON and CSV rows
		if r.s.format == FormatProtobuf {
			r.protoValue(Value{Null: null, Dec: v})
		} else {
			r.avroDecimal(v, null)
		}
		return
	}
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	r.buf = AppendDecimal(r.buf, v, scale)
}

// String writes a VARCHAR. JSON escapes it (invalid UTF-8 becomes U+FFFD);
// CSV quotes it when needed, and always quotes the empty string so that it
// differs from NULL.
func (r *Row) String(v string, null bool) {
	if r.s.format >= FormatAvro { // one comparison on the path of JSON and CSV rows
		if r.s.format == FormatProtobuf {
			r.protoValue(Value{Null: null, Str: v})
		} else {
			r.avroString(v, null)
		}
		return
	}
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	if r.s.format == FormatJSONL {
		r.buf = appendJSONString(r.buf, v)
	} else {
		r.buf = appendCSVField(r.buf, v, r.s.delim)
	}
}

// Timestamp writes a TIMESTAMP: epoch milliseconds, or RFC 3339 text (a JSON
// string) when the sink's time format is rfc3339.
func (r *Row) Timestamp(ms int64, null bool) {
	if r.s.format >= FormatAvro { // one comparison on the path of JSON and CSV rows
		if r.s.format == FormatProtobuf {
			r.protoValue(Value{Null: null, Int: ms})
		} else {
			r.avroTimestamp(ms, null)
		}
		return
	}
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	if !r.s.rfc3339 {
		r.buf = strconv.AppendInt(r.buf, ms, 10)
		return
	}
	if r.s.format == FormatJSONL {
		r.buf = append(r.buf, '"')
		r.buf = AppendTimestamp(r.buf, ms, true)
		r.buf = append(r.buf, '"')
	} else {
		r.buf = AppendTimestamp(r.buf, ms, true)
	}
}

// Retract marks the row as a retraction of the row previously emitted for
// its key.
func (r *Row) Retract() { r.retract = true }

// End finishes the row, writes it and releases the sink. It returns the
// output's first write error, and an error if the row did not have one value
// per column.
func (r *Row) End() error {
	if r.avroErr != nil {
		return r.avroFail()
	}
	s := r.s
	out := s.out
	if r.col != len(s.spec.Columns) {
		out.mu.Unlock()
		return fmt.Errorf("sink %q: a row has %d values for %d columns", s.spec.Name, r.col, len(s.spec.Columns))
	}
	if s.format == FormatProtobuf && !r.retract { // a retraction is a tombstone
		if err := r.protoEncode(); err != nil {
			out.mu.Unlock()
			return err
		}
	}
	if out.ext != nil {
		return r.endMessage()
	}
	if s.format == FormatJSONL {
		if r.retract {
			r.buf = append(r.buf, `,"_retract":true`...)
		}
		r.buf = append(r.buf, '}', '\n')
	} else {
		if s.spec.Retracts {
			r.buf = append(r.buf, s.delim)
			r.buf = strconv.AppendBool(r.buf, r.retract)
		}
		r.buf = append(r.buf, '\n')
	}
	if out.err == nil {
		if _, err := out.w.Write(r.buf); err != nil {
			out.err = writeError(out, err)
		} else {
			s.count(r.retract)
		}
	}
	err := out.err
	out.mu.Unlock()
	return err
}

// endMessage finishes a row for a transport's output: one message whose value is the row (JSON without a line
// break, a CSV line, Avro) and whose key was built by the Key methods; a retraction is a tombstone, a message with
// the key and no value.
func (r *Row) endMessage() error {
	s := r.s
	out := s.out
	defer out.mu.Unlock()
	var key []byte
	if s.keyed && r.keyCol > 0 {
		key = r.key
		if len(s.keyJSON) > 0 {
			key = append(key, '}')
		} else if r.keyNull {
			key = nil
		}
	}
	var value []byte
	if !r.retract {
		switch s.format {
		case FormatJSONL:
			r.buf = append(r.buf, '}')
		case FormatCSV:
			// no line break: a message is one record
		}
		value = r.buf
		if value == nil {
			value = []byte{}
		}
	}
	if out.err == nil {
		if err := out.ext.Write(key, value); err != nil {
			out.err = fmt.Errorf("writing %s: %w", out.name, err)
		} else {
			s.count(r.retract)
		}
	}
	return out.err
}

// count counts a row written, and whether it was a retraction.
func (s *Sink) count(retract bool) {
	s.emitted.Add(1)
	if retract {
		s.retracted.Add(1)
	}
}

// writeError words a failed write to an output.
func writeError(out *sinkOutput, err error) error {
	return fmt.Errorf("writing %s: %w", out.name, unwrapPath(err))
}

// flush writes buffered rows through to the output; a transport's output is
// flushed until it acknowledges every row, or ctx is done.
func (o *sinkOutput) flush(ctx context.Context) error {
	if o.ext != nil {
		// Not under the lock: rows may keep coming from other sources while
		// this waits for the acknowledgements.
		if err := o.ext.Flush(ctx); err != nil {
			o.mu.Lock()
			if o.err == nil {
				o.err = fmt.Errorf("writing %s: %w", o.name, err)
			}
			o.mu.Unlock()
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		return o.err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		if err := o.w.Flush(); err != nil {
			o.err = writeError(o, err)
		}
	}
	return o.err
}

// close flushes and closes the output (stdout stays open).
func (o *sinkOutput) close() error {
	err := o.flush(context.Background())
	if o.ext != nil {
		if cerr := o.ext.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing %s: %w", o.name, cerr)
		}
		return err
	}
	if o.f != nil {
		if cerr := o.f.Close(); cerr != nil && err == nil {
			err = writeError(o, cerr)
		}
	}
	return err
}

// sinkURI is a parsed sink URI.
type sinkURI struct {
	stdout bool
	none   bool // "none:": rows go nowhere (a table built by a query that only other queries read)
	path   string
	format string
	delim  byte
	scheme string // a transport's scheme ("kafka"), with path holding the rest of the URI
}

// newSink resolves a sink's URI, format and time format and precomputes its
// JSON keys, without I/O. timeFormat is the --timestamp-format flag, if set.
func newSink(spec SinkSpec, uri string, overridden bool, timeFormat string, env *Env) (*Sink, error) {
	u, err := parseSinkURI(uri)
	if err != nil {
		return nil, err
	}
	s := &Sink{spec: spec, uri: uri, delim: u.delim, dest: u}
	if s.delim == 0 {
		s.delim = ','
	}
	s.row.s = s
	if u.scheme != "" {
		t, err := transport(u.scheme, uri)
		if err != nil {
			return nil, err
		}
		if s.format, err = pickFormat("", firstNonEmpty(spec.Format, "jsonl"), "", false); err != nil {
			return nil, err
		}
		if s.ext, err = t.NewOutput(spec, uri, env); err != nil {
			return nil, err
		}
		s.keyed = len(spec.Key) > 0
		if len(spec.Key) > 1 {
			for i, name := range spec.Key {
				var k []byte
				if i > 0 {
					k = append(k, ',')
				}
				k = appendJSONString(k, name)
				s.keyJSON = append(s.keyJSON, append(k, ':'))
			}
		}
	} else if u.stdout || u.none {
		s.format, err = pickFormat(u.format, firstNonEmpty(spec.Format, "jsonl"), "", false)
	} else {
		s.format, err = pickFormat(u.format, spec.Format, filepath.Ext(u.path), overridden)
	}
	if err != nil {
		return nil, err
	}
	if (s.format == FormatAvro || s.format == FormatProtobuf) && s.ext == nil {
		return nil, fmt.Errorf("invalid sink URI %q: %s is a format of Kafka messages; stdout and files are written as jsonl or csv (add ?format=jsonl or ?format=csv)", uri, s.format)
	}
	if s.format == FormatProtobuf && (spec.Protobuf == nil || spec.Protobuf.Encode == nil) {
		return nil, fmt.Errorf("sink %q: internal error: the job gives no Protobuf encoder; regenerate it", spec.Name)
	}
	switch firstNonEmpty(timeFormat, spec.TimeFormat) {
	case "", "epoch_millis":
	case "rfc3339":
		s.rfc3339 = true
	default:
		return nil, fmt.Errorf("unknown time format %q; use epoch_millis or rfc3339", firstNonEmpty(timeFormat, spec.TimeFormat))
	}
	if s.format == FormatJSONL {
		s.keys = make([][]byte, len(spec.Columns))
		for i, c := range spec.Columns {
			var k []byte
			if i > 0 {
				k = append(k, ',')
			}
			k = appendJSONString(k, c.Name)
			s.keys[i] = append(k, ':')
		}
	}
	return s, nil
}

// open opens the sink's output, or shares one already open for the same
// destination (outputs, keyed by "stdout" or absolute path), and writes the
// CSV header.
func (s *Sink) open(ctx context.Context, stdout io.Writer, outputs map[string]*sinkOutput) error {
	u := s.dest
	if s.ext != nil {
		// Every transport sink has an output of its own: rows of one sink go to one topic.
		if err := s.ext.Start(ctx); err != nil {
			return err
		}
		if s.spec.Header != nil {
			h, err := s.spec.Header()
			if err != nil {
				return fmt.Errorf("sink %q: %w", s.spec.Name, err)
			}
			s.header = h
		}
		s.out = &sinkOutput{name: s.ext.Name(), ext: s.ext}
		outputs["\x00"+s.spec.Name] = s.out
		return nil
	}
	if u.none {
		s.out = &sinkOutput{name: "none", w: bufio.NewWriterSize(io.Discard, 512)}
		outputs["\x00"+s.spec.Name] = s.out
		return nil
	}
	key := "stdout"
	if !u.stdout {
		abs, err := filepath.Abs(u.path)
		if err != nil {
			return err
		}
		key = abs
	}
	s.out = outputs[key]
	if s.out == nil {
		if u.stdout {
			s.out = &sinkOutput{name: "stdout", w: bufio.NewWriterSize(stdout, sinkBufSize)}
		} else {
			dir := filepath.Dir(u.path)
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return fmt.Errorf("cannot create %s: directory %s does not exist", u.path, dir)
			}
			f, err := os.Create(u.path)
			if err != nil {
				return fmt.Errorf("cannot create %s: %v", u.path, unwrapPath(err))
			}
			s.out = &sinkOutput{name: u.path, w: bufio.NewWriterSize(f, sinkBufSize), f: f}
		}
		outputs[key] = s.out
	}
	if s.format == FormatJSONL {
		return nil
	}
	var h []byte
	for i, c := range s.spec.Columns {
		if i > 0 {
			h = append(h, s.delim)
		}
		h = appendCSVField(h, c.Name, s.delim)
	}
	if s.spec.Retracts {
		if len(s.spec.Columns) > 0 {
			h = append(h, s.delim)
		}
		h = append(h, "_retract"...)
	}
	h = append(h, '\n')
	if _, err := s.out.w.Write(h); err != nil {
		return writeError(s.out, err)
	}
	return nil
}

// parseSinkURI parses "stdout:" or "file:PATH", each with optional
// ?format=jsonl|csv&delimiter=C.
func parseSinkURI(uri string) (sinkURI, error) {
	scheme, rest, q, err := splitURI(uri)
	if err != nil {
		return sinkURI{}, err
	}
	var u sinkURI
	switch scheme {
	case "stdout":
		if rest != "" {
			return u, fmt.Errorf("invalid sink URI %q: stdout: takes no path", uri)
		}
		u.stdout = true
	case "none":
		if rest != "" {
			return u, fmt.Errorf("invalid sink URI %q: none: takes no path", uri)
		}
		u.none = true
	case "file":
		if rest == "" {
			return u, fmt.Errorf("invalid sink URI %q: no file path", uri)
		}
		u.path = rest
	default:
		u.scheme, u.path = scheme, rest
		return u, nil
	}
	u.format, u.delim, err = uriParams(uri, q)
	return u, err
}

// appendJSONString appends s as a JSON string. Control characters are
// escaped, invalid UTF-8 becomes \ufffd, and U+2028/U+2029 are escaped too
// so that the output is also valid JavaScript.
func appendJSONString(dst []byte, s string) []byte { return appendJSON(dst, s, true) }

// appendJSON appends s as a JSON string, escaping U+2028 and U+2029 when js is set.
func appendJSON(dst []byte, s string, js bool) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case js && (r == '\u2028' || r == '\u2029'):
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&15])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendCSVField appends s as a CSV field, quoted (with doubled quotes) if it
// is empty or holds the delimiter, a quote or a line break.
func appendCSVField(dst []byte, s string, delim byte) []byte {
	quote := s == ""
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case delim, '"', '\n', '\r':
			quote = true
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}
