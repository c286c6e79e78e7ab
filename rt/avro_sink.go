// Avro binary encoding of sink rows: one record per Kafka message.

package rt

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// AvroSink is how a sink with format "avro" encodes its rows.
type AvroSink struct {
	Schema  string       // the writer schema, as JSON
	Columns []AvroColumn // one per column of the sink, in order: the fields of the record
}

// AvroEncoding is how a column's value is written.
type AvroEncoding uint8

// The encodings. The compiler pairs each column type with the encodings that hold it exactly.
const (
	AvroNull            AvroEncoding = iota // type null: only NULL can be written
	AvroBoolean                             // BOOLEAN as boolean
	AvroInt                                 // INT as int
	AvroLong                                // INT, BIGINT as long; TIMESTAMP as long or timestamp-millis
	AvroDouble                              // DOUBLE, INT as double
	AvroString                              // VARCHAR as string (or uuid)
	AvroEnum                                // VARCHAR as the index of its symbol in Symbols
	AvroDecimalBytes                        // DECIMAL as bytes: the unscaled value, two's complement, big-endian, shortest
	AvroDecimalFixed                        // DECIMAL as a fixed of Size bytes: the unscaled value, sign-extended
	AvroTimestampMicros                     // TIMESTAMP as timestamp-micros
	AvroNested                              // STRUCT, ARRAY, MAP as a record, array or map, encoded by the job
)

var avroEncodingNames = [...]string{"null", "boolean", "int", "long", "double", "string", "enum", "decimal (bytes)", "decimal (fixed)", "timestamp-micros", "nested"}

// String names the encoding's Avro type: "long", "decimal (bytes)".
func (e AvroEncoding) String() string {
	if int(e) < len(avroEncodingNames) {
		return avroEncodingNames[e]
	}
	return fmt.Sprintf("AvroEncoding(%d)", uint8(e))
}

// AvroColumn is how one column is written: its encoding, and where the field's type is a union, the branches
// written before a NULL and before a value.
type AvroColumn struct {
	Encoding AvroEncoding
	// Union is true when the field's type is a union: NullIndex is then the branch of null (-1 when the union has
	// none, so that NULL cannot be written) and ValueIndex the branch of the value's type.
	Union      bool
	NullIndex  int
	ValueIndex int
	Size       int      // AvroDecimalFixed: the size of the fixed
	Symbols    []string // AvroEnum: the enum's symbols in schema order
}

// avroColumn starts the next column's value: it counts the column, writes its union branch and returns its
// encoding. ok is false when there is nothing more to write: the value was NULL, the row has too many values
// (End reports that), or encoding failed (End returns the error).
func (r *Row) avroColumn(null bool) (c *AvroColumn, ok bool) {
	s := r.s
	i := r.col
	r.col++
	if i == 0 {
		r.avroErr = nil
	}
	if i >= len(s.spec.Columns) || r.avroErr != nil {
		return nil, false
	}
	if s.spec.Avro == nil || len(s.spec.Avro.Columns) != len(s.spec.Columns) {
		r.avroErr = fmt.Errorf("sink %q: internal error: the job gives no Avro encoding for its columns; regenerate it", s.spec.Name)
		return nil, false
	}
	c = &s.spec.Avro.Columns[i]
	if null {
		switch {
		case c.Union && c.NullIndex >= 0:
			r.buf = appendAvroLong(r.buf, int64(c.NullIndex))
		case !c.Union && c.Encoding == AvroNull:
		default:
			r.avroErr = fmt.Errorf("sink %q: column %q is NULL, but its Avro field's type %s is not nullable; make the field a union with \"null\" in the schema",
				s.spec.Name, s.spec.Columns[i].Name, c.Encoding)
		}
		return nil, false
	}
	if c.Encoding == AvroNull {
		r.avroErr = fmt.Errorf("sink %q: column %q has a value, but its Avro field's type is null", s.spec.Name, s.spec.Columns[i].Name)
		return nil, false
	}
	if c.Union {
		r.buf = appendAvroLong(r.buf, int64(c.ValueIndex))
	}
	return c, true
}

// avroMismatch records that a column got a value of a type its encoding does not take: the job and its
// encoding table disagree, which only a stale or hand-edited job can do.
func (r *Row) avroMismatch(c *AvroColumn, typ string) {
	r.avroErr = fmt.Errorf("sink %q: column %q: internal error: a %s value for an Avro %s field; regenerate the job",
		r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, typ, c.Encoding)
}

// avroFail ends a row whose encoding failed: nothing is written, the sink is released, and the error (fatal
// for the job) is returned.
func (r *Row) avroFail() error {
	err := r.avroErr
	r.avroErr = nil
	r.s.out.mu.Unlock()
	return err
}

func (r *Row) avroBool(v, null bool) {
	c, ok := r.avroColumn(null)
	if !ok {
		return
	}
	if c.Encoding != AvroBoolean {
		r.avroMismatch(c, "BOOLEAN")
		return
	}
	b := byte(0)
	if v {
		b = 1
	}
	r.buf = append(r.buf, b)
}

func (r *Row) avroInt64(v int64, null bool) {
	c, ok := r.avroColumn(null)
	if !ok {
		return
	}
	switch c.Encoding {
	case AvroInt:
		if v < math.MinInt32 || v > math.MaxInt32 {
			r.avroErr = fmt.Errorf("sink %q: column %q: %d does not fit the Avro int field", r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, v)
			return
		}
		r.buf = appendAvroLong(r.buf, v)
	case AvroLong:
		r.buf = appendAvroLong(r.buf, v)
	case AvroDouble:
		r.buf = binary.LittleEndian.AppendUint64(r.buf, math.Float64bits(float64(v)))
	default:
		r.avroMismatch(c, "BIGINT")
	}
}

func (r *Row) avroFloat64(v float64, null bool) {
	c, ok := r.avroColumn(null)
	if !ok {
		return
	}
	if c.Encoding != AvroDouble {
		r.avroMismatch(c, "DOUBLE")
		return
	}
	r.buf = binary.LittleEndian.AppendUint64(r.buf, math.Float64bits(v))
}

func (r *Row) avroDecimal(v Int128, null bool) {
	c, ok := r.avroColumn(null)
	if !ok {
		return
	}
	switch c.Encoding {
	case AvroDecimalBytes:
		r.buf, _ = AppendAvroDecimal(r.buf, v, 0)
	case AvroDecimalFixed:
		if c.Size > 0 {
			r.buf, ok = AppendAvroDecimal(r.buf, v, c.Size)
		} else {
			ok = false // a fixed of no bytes holds no value
		}
		if !ok {
			r.avroErr = fmt.Errorf("sink %q: column %q: %s does not fit the Avro decimal's fixed of %d bytes",
				r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, v, c.Size)
		}
	default:
		r.avroMismatch(c, "DECIMAL")
	}
}

// AppendAvroDecimal appends the unscaled value v of a decimal: as bytes (size 0), in the shortest two's
// complement form, or as a fixed of size bytes, sign-extended; false when v does not fit the fixed.
func AppendAvroDecimal(dst []byte, v Int128, size int) ([]byte, bool) {
	var be [16]byte
	binary.BigEndian.PutUint64(be[:8], uint64(v.Hi))
	binary.BigEndian.PutUint64(be[8:], v.Lo)
	if size == 0 {
		// The shortest two's complement form: drop leading bytes that only extend the sign.
		b := be[:]
		for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
			b = b[1:]
		}
		dst = appendAvroLong(dst, int64(len(b)))
		return append(dst, b...), true
	}
	ext := byte(0)
	if v.Hi < 0 {
		ext = 0xff
	}
	if size >= 16 {
		for i := 16; i < size; i++ {
			dst = append(dst, ext)
		}
		return append(dst, be[:]...), true
	}
	// A narrower fixed holds the value when the bytes dropped only extend the sign of the first one kept.
	fits := (be[16-size]&0x80 != 0) == (v.Hi < 0)
	for _, x := range be[:16-size] {
		fits = fits && x == ext
	}
	if !fits {
		return dst, false
	}
	return append(dst, be[16-size:]...), true
}

// AvroNested starts a nested column of a row, and reports whether its value is to be appended to the buffer
// AvroBuf returns: false for a NULL (its union branch is written), and after an error. Only for rows of an Avro
// sink (IsAvro).
func (r *Row) AvroNested(null bool) bool {
	c, ok := r.avroColumn(null)
	if !ok {
		return false
	}
	if c.Encoding != AvroNested {
		r.avroMismatch(c, "nested")
		return false
	}
	return true
}

// IsAvro reports whether the row is written as Avro, so that the job encodes its nested values as Avro.
func (r *Row) IsAvro() bool { return r.s.format == FormatAvro }

// AvroBuf is the row's Avro encoding so far, to which the job appends a nested value after AvroNested.
func (r *Row) AvroBuf() *[]byte { return &r.buf }

// AvroFail ends the row's encoding with an error about the part path of the current nested column: a NULL where
// the schema has no null, a string that is no symbol of an enum, a decimal too wide for a fixed.
func (r *Row) AvroFail(path, reason string) {
	if r.avroErr == nil {
		r.avroErr = fmt.Errorf("sink %q: column %q: %s: %s", r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, path, reason)
	}
}

// AppendAvroLong appends v as an Avro long (or int): zig-zag, then a varint.
func AppendAvroLong(dst []byte, v int64) []byte { return appendAvroLong(dst, v) }

// AppendAvroBoolean appends a boolean.
func AppendAvroBoolean(dst []byte, v bool) []byte {
	if v {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// AppendAvroDouble appends a double.
func AppendAvroDouble(dst []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
}

// AppendAvroString appends a string (or bytes): its length and its bytes.
func AppendAvroString(dst []byte, s string) []byte {
	dst = appendAvroLong(dst, int64(len(s)))
	return append(dst, s...)
}

// AvroSymbol is the index of s among an enum's symbols, or -1.
func AvroSymbol(symbols []string, s string) int {
	for i, sym := range symbols {
		if sym == s {
			return i
		}
	}
	return -1
}

func (r *Row) avroString(v string, null bool) {
	c, ok := r.avroColumn(null)
	if !ok {
		return
	}
	switch c.Encoding {
	case AvroString:
		r.buf = appendAvroLong(r.buf, int64(len(v)))
		r.buf = append(r.buf, v...)
	case AvroEnum:
		for i, sym := range c.Symbols {
			if sym == v {
				r.buf = appendAvroLong(r.buf, int64(i))
				return
			}
		}
		r.avroErr = fmt.Errorf("sink %q: column %q: %q is not a symbol of the Avro enum; its symbols are %s",
			r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, v, strings.Join(c.Symbols, ", "))
	default:
		r.avroMismatch(c, "VARCHAR")
	}
}

func (r *Row) avroTimestamp(ms int64, null bool) {
	c, ok := r.avroColumn(null)
	if !ok {
		return
	}
	switch c.Encoding {
	case AvroLong:
		r.buf = appendAvroLong(r.buf, ms)
	case AvroTimestampMicros:
		if ms > math.MaxInt64/1000 || ms < math.MinInt64/1000 {
			r.avroErr = fmt.Errorf("sink %q: column %q: timestamp %d ms is out of range for timestamp-micros", r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, ms)
			return
		}
		r.buf = appendAvroLong(r.buf, ms*1000)
	default:
		r.avroMismatch(c, "TIMESTAMP")
	}
}

// appendAvroLong appends v as an Avro long: zig-zag, then a varint.
func appendAvroLong(dst []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		dst = append(dst, byte(u)|0x80)
		u >>= 7
	}
	return append(dst, byte(u))
}
