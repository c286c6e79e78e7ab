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
)

var avroEncodingNames = [...]string{"null", "boolean", "int", "long", "double", "string", "enum", "decimal (bytes)", "decimal (fixed)", "timestamp-micros"}

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
	var be [16]byte
	binary.BigEndian.PutUint64(be[:8], uint64(v.Hi))
	binary.BigEndian.PutUint64(be[8:], v.Lo)
	switch c.Encoding {
	case AvroDecimalBytes:
		// The shortest two's complement form: drop leading bytes that only extend the sign.
		b := be[:]
		for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
			b = b[1:]
		}
		r.buf = appendAvroLong(r.buf, int64(len(b)))
		r.buf = append(r.buf, b...)
	case AvroDecimalFixed:
		ext := byte(0)
		if v.Hi < 0 {
			ext = 0xff
		}
		n := c.Size
		if n >= 16 {
			for i := 16; i < n; i++ {
				r.buf = append(r.buf, ext)
			}
			r.buf = append(r.buf, be[:]...)
			return
		}
		// A narrower fixed holds the value when the bytes dropped only extend the sign of the first one kept.
		fits := n > 0 && (be[16-n]&0x80 != 0) == (v.Hi < 0)
		for _, x := range be[:16-n] {
			fits = fits && x == ext
		}
		if !fits {
			r.avroErr = fmt.Errorf("sink %q: column %q: %s does not fit the Avro decimal's fixed of %d bytes",
				r.s.spec.Name, r.s.spec.Columns[r.col-1].Name, v, c.Size)
			return
		}
		r.buf = append(r.buf, be[16-n:]...)
	default:
		r.avroMismatch(c, "DECIMAL")
	}
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
