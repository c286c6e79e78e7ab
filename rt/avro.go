// Avro binary decoding of Kafka message values.

package rt

import (
	"encoding/binary"
	"math"
	"strconv"
)

// AvroDecoder decodes one Avro-encoded record with typed readers, in the writer schema's field order:
//
//	d.Reset(msg)
//	d.Field("symbol")
//	r.Symbol = d.String()
//	d.Field("price")
//	switch d.Union(2) {
//	case 0:
//		r.PriceNull = true
//	case 1:
//		r.Price = d.DecimalBytes(12)
//	}
//	d.Field("tags") // not a column: skipped
//	for n := d.SkipBlock(1); n > 0; n = d.SkipBlock(1) {
//		for ; n > 0; n-- {
//			d.SkipString()
//		}
//	}
//	if err := d.End(); err != nil { ... }
//
// Avro binary has no field tags, so every field of the writer schema is read
// or skipped, in order. The decoder works on the message's bytes directly and
// allocates only for the strings String returns and for an error. Errors are
// sticky: the first one is kept, naming the field set by Field, and later
// calls return zero values without reading, so generated code checks the
// error once, with End.
//
// Counts and lengths in the input are checked against the bytes left before
// anything is done with them, so a hostile message can neither allocate nor
// loop for longer than its own size.
//
// The zero AvroDecoder is ready to use after Reset.
type AvroDecoder struct {
	buf    []byte
	pos    int
	field  string // the field being read, for errors
	depth  int    // nesting of recursive records being skipped
	id     int32  // the schema id of a Confluent header
	failed bool
	err    RecordError
}

// maxAvroDepth bounds the nesting of recursive records Enter follows, so that
// a hostile message cannot exhaust the stack.
const maxAvroDepth = 1000

// confluentMagic is the first byte of a message in Confluent's wire format,
// followed by a 4-byte big-endian schema id and the Avro record.
const confluentMagic = 0

// Reset prepares the decoder for message b and clears the error.
func (d *AvroDecoder) Reset(b []byte) {
	d.buf = b
	d.pos = 0
	d.field = ""
	d.depth = 0
	d.id = 0
	d.failed = false
	d.err = RecordError{}
}

// Field names the field read next, for errors.
func (d *AvroDecoder) Field(name string) { d.field = name }

// ConfluentHeader consumes Confluent's wire-format header: the magic byte 0
// and a 4-byte schema id, kept for SchemaID (the schema is fixed at compile
// time; a job with a schema registry checks the id's schema with
// rt/registry). A message without it is a bad record.
func (d *AvroDecoder) ConfluentHeader() {
	if d.failed {
		return
	}
	if len(d.buf) < 5 || d.buf[0] != confluentMagic {
		d.Fail("", "not in Confluent's wire format: expected the magic byte 0 and a 4-byte schema id before the Avro record")
		return
	}
	d.id = int32(binary.BigEndian.Uint32(d.buf[1:5]))
	d.pos = 5
}

// SchemaID returns the schema id of the Confluent header read by ConfluentHeader.
func (d *AvroDecoder) SchemaID() int32 { return d.id }

// Fail records an error for field, such as a NULL in a NOT NULL column,
// unless an error was recorded already.
func (d *AvroDecoder) Fail(field, reason string) {
	if d.failed {
		return
	}
	d.failed = true
	d.err = RecordError{Field: field, Offset: d.pos, Reason: reason}
}

// fail records an error for the current field.
func (d *AvroDecoder) fail(reason string) { d.Fail(d.field, reason) }

// truncated records that the message ended inside a value.
func (d *AvroDecoder) truncated(what string) {
	d.fail("invalid Avro at offset " + strconv.Itoa(d.pos) + ": the message ends inside " + what)
}

// Err returns the first error as a *RecordError without a location, or nil.
func (d *AvroDecoder) Err() error {
	if !d.failed {
		return nil
	}
	e := d.err
	return &e
}

// End checks that the record used the whole message, then returns Err. Bytes
// after the record mean the message was not written with the schema the job
// was compiled with.
func (d *AvroDecoder) End() error {
	if !d.failed && d.pos != len(d.buf) {
		n := len(d.buf) - d.pos
		d.Fail("", strconv.Itoa(n)+" unexpected "+plural(n, "byte", "bytes")+" after the Avro record at offset "+strconv.Itoa(d.pos)+
			"; was the message written with another schema?")
	}
	return d.Err()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// varint reads a zig-zag encoded long of at most 10 bytes.
func (d *AvroDecoder) varint(what string) int64 {
	if d.failed {
		return 0
	}
	var u uint64
	b, i := d.buf, d.pos
	for shift := uint(0); shift < 64; shift += 7 {
		if i >= len(b) {
			d.pos = i
			d.truncated(what)
			return 0
		}
		c := b[i]
		i++
		if shift == 63 && c > 1 {
			d.pos = i - 1
			d.fail("invalid Avro at offset " + strconv.Itoa(d.pos) + ": " + what + " overflows 64 bits")
			return 0
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			d.pos = i
			return int64(u>>1) ^ -int64(u&1)
		}
	}
	// Unreachable: the tenth byte either ends the number or fails above.
	d.pos = i
	return 0
}

// Boolean reads a boolean: one byte, 0 or 1.
func (d *AvroDecoder) Boolean() bool {
	if d.failed {
		return false
	}
	if d.pos >= len(d.buf) {
		d.truncated("a boolean")
		return false
	}
	c := d.buf[d.pos]
	if c > 1 {
		d.fail("invalid Avro boolean at offset " + strconv.Itoa(d.pos) + ": byte " + strconv.Itoa(int(c)) + ", want 0 or 1")
		return false
	}
	d.pos++
	return c == 1
}

// Int reads an int (a zig-zag varint that must fit 32 bits).
func (d *AvroDecoder) Int() int32 {
	start := d.pos
	v := d.varint("an int")
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.pos = start
		d.fail("invalid Avro int at offset " + strconv.Itoa(start) + ": " + strconv.FormatInt(v, 10) + " does not fit 32 bits")
		return 0
	}
	return int32(v)
}

// Long reads a long (a zig-zag varint). It is also the reader of
// timestamp-millis values, which are epoch milliseconds already.
func (d *AvroDecoder) Long() int64 { return d.varint("a long") }

// Float reads a float: 4 bytes, little-endian IEEE 754.
func (d *AvroDecoder) Float() float32 {
	if !d.need(4, "a float") {
		return 0
	}
	v := math.Float32frombits(binary.LittleEndian.Uint32(d.buf[d.pos:]))
	d.pos += 4
	return v
}

// Double reads a double: 8 bytes, little-endian IEEE 754.
func (d *AvroDecoder) Double() float64 {
	if !d.need(8, "a double") {
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.buf[d.pos:]))
	d.pos += 8
	return v
}

// need reports whether n more bytes are there, recording an error if not.
func (d *AvroDecoder) need(n int, what string) bool {
	if d.failed {
		return false
	}
	if len(d.buf)-d.pos < n {
		d.truncated(what)
		return false
	}
	return true
}

// length reads the length of bytes or a string and checks that the message
// holds that many bytes after it.
func (d *AvroDecoder) length(what string) (int, bool) {
	start := d.pos
	n := d.varint("a length")
	if d.failed {
		return 0, false
	}
	if n < 0 {
		d.pos = start
		d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": negative length " + strconv.FormatInt(n, 10) + " of " + what)
		return 0, false
	}
	if n > int64(len(d.buf)-d.pos) {
		d.fail("invalid Avro at offset " + strconv.Itoa(d.pos) + ": " + what + " of " + strconv.FormatInt(n, 10) +
			" bytes, but the message has " + strconv.Itoa(len(d.buf)-d.pos) + " left")
		return 0, false
	}
	return int(n), true
}

// Bytes reads bytes. The result is a slice of the message, valid until the
// next Reset.
func (d *AvroDecoder) Bytes() []byte {
	n, ok := d.length("bytes")
	if !ok {
		return nil
	}
	b := d.buf[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

// String reads a string; the returned string is the only allocation.
func (d *AvroDecoder) String() string {
	n, ok := d.length("a string")
	if !ok {
		return ""
	}
	s := string(d.buf[d.pos : d.pos+n])
	d.pos += n
	return s
}

// Fixed reads a fixed of size n. The result is a slice of the message, valid
// until the next Reset.
func (d *AvroDecoder) Fixed(n int) []byte {
	if !d.need(n, "a fixed") {
		return nil
	}
	b := d.buf[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

// Enum reads an enum's index and returns its symbol from symbols, the
// writer schema's symbols in order. It never allocates: the symbols are the
// generated code's constants.
func (d *AvroDecoder) Enum(symbols []string) string {
	i := d.index(len(symbols), "enum index")
	if i < 0 {
		return ""
	}
	return symbols[i]
}

// Union reads the branch index of a union of n types. It returns -1 after an
// error, so that a switch over the branches does nothing.
func (d *AvroDecoder) Union(n int) int { return d.index(n, "union branch index") }

// index reads an index that must be below n.
func (d *AvroDecoder) index(n int, what string) int {
	start := d.pos
	v := d.varint("an index")
	if d.failed {
		return -1
	}
	if v < 0 || v >= int64(n) {
		d.pos = start
		d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": " + what + " " + strconv.FormatInt(v, 10) +
			" is out of range 0.." + strconv.Itoa(n-1))
		return -1
	}
	return int(v)
}

// DecimalBytes reads a decimal stored as bytes (the unscaled value in
// two's complement, big-endian) into the unscaled Int128 of a
// DECIMAL(p,s) column. The scale is the column's, checked at compile time;
// a value with more than p digits is an error.
func (d *AvroDecoder) DecimalBytes(p int32) Int128 {
	start := d.pos
	b := d.Bytes()
	if d.failed {
		return Int128{}
	}
	return d.decimal(b, p, start)
}

// DecimalFixed reads a decimal stored as a fixed of size bytes; see
// DecimalBytes.
func (d *AvroDecoder) DecimalFixed(size int, p int32) Int128 {
	start := d.pos
	b := d.Fixed(size)
	if d.failed {
		return Int128{}
	}
	return d.decimal(b, p, start)
}

// decimal converts a big-endian two's complement integer to an Int128 that
// fits p digits.
func (d *AvroDecoder) decimal(b []byte, p int32, start int) Int128 {
	v, ok := int128FromTwos(b)
	if !ok || !DecFits(v, p) {
		d.pos = start
		what := "more than 38 digits"
		if ok {
			what = v.String()
		}
		d.fail("decimal value out of range for " + strconv.Itoa(int(p)) + " digits: " + what)
		return Int128{}
	}
	return v
}

// int128FromTwos converts a big-endian two's complement integer of any
// length (empty is zero); ok is false when it does not fit 128 bits.
func int128FromTwos(b []byte) (Int128, bool) {
	if len(b) == 0 {
		return Int128{}, true
	}
	neg := b[0]&0x80 != 0
	var ext byte
	if neg {
		ext = 0xff
	}
	for len(b) > 16 {
		if b[0] != ext {
			return Int128{}, false
		}
		b = b[1:]
	}
	if (b[0]&0x80 != 0) != neg {
		return Int128{}, false // the sign was in the bytes dropped
	}
	var hi, lo uint64
	if neg {
		hi, lo = math.MaxUint64, math.MaxUint64
	}
	for _, c := range b {
		hi = hi<<8 | lo>>56
		lo = lo<<8 | uint64(c)
	}
	return Int128{Hi: int64(hi), Lo: lo}, true
}

// TimestampMicros reads a timestamp-micros (or local-timestamp-micros) value
// as epoch milliseconds, dropping the sub-millisecond part towards negative
// infinity as TIMESTAMP parsing does.
func (d *AvroDecoder) TimestampMicros() int64 {
	v := d.Long()
	q := v / 1000
	if v%1000 < 0 {
		q--
	}
	return q
}

// Date reads a date (days since 1970-01-01) as the epoch milliseconds of
// that day's midnight, UTC.
func (d *AvroDecoder) Date() int64 { return int64(d.Int()) * 86_400_000 }

// SkipBoolean skips a boolean.
func (d *AvroDecoder) SkipBoolean() {
	if d.need(1, "a boolean") {
		d.pos++
	}
}

// SkipInt skips an int.
func (d *AvroDecoder) SkipInt() { d.Int() }

// SkipLong skips a long.
func (d *AvroDecoder) SkipLong() { d.varint("a long") }

// SkipFloat skips a float.
func (d *AvroDecoder) SkipFloat() { d.SkipFixed(4) }

// SkipDouble skips a double.
func (d *AvroDecoder) SkipDouble() { d.SkipFixed(8) }

// SkipBytes skips bytes.
func (d *AvroDecoder) SkipBytes() {
	if n, ok := d.length("bytes"); ok {
		d.pos += n
	}
}

// SkipString skips a string.
func (d *AvroDecoder) SkipString() {
	if n, ok := d.length("a string"); ok {
		d.pos += n
	}
}

// SkipFixed skips a fixed of size n (also a float or a double).
func (d *AvroDecoder) SkipFixed(n int) {
	if d.need(n, "a fixed") {
		d.pos += n
	}
}

// SkipEnum skips an enum of n symbols, checking the index.
func (d *AvroDecoder) SkipEnum(n int) { d.index(n, "enum index") }

// SkipBlock reads the block headers of an array or map being skipped, and
// returns the number of items in the next block that must be skipped one by
// one, or 0 after the last block (or an error). Blocks whose header gives
// their size in bytes (a negative count) are jumped over whole.
//
// itemMin is the smallest encoded size of one item (a map item counts its
// key); a count the rest of the message cannot hold is an error. Items of
// size 0 (null, or records of nulls) have nothing to skip, so their blocks
// are consumed here.
func (d *AvroDecoder) SkipBlock(itemMin int) int {
	for !d.failed {
		start := d.pos
		n := d.varint("a block count")
		switch {
		case d.failed:
			return 0
		case n == 0:
			return 0
		case n < 0:
			size := d.varint("a block size")
			if d.failed {
				return 0
			}
			if left := len(d.buf) - d.pos; size < 0 || size > int64(left) {
				d.pos = start
				d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": a block of " + strconv.FormatInt(size, 10) +
					" bytes, but the message has " + strconv.Itoa(left) + " left")
				return 0
			}
			d.pos += int(size)
		case itemMin == 0:
			// Nothing to skip per item.
		case n > int64((len(d.buf)-d.pos)/itemMin):
			left := len(d.buf) - d.pos
			d.pos = start
			d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": a block of " + strconv.FormatInt(n, 10) +
				" items cannot fit in the " + strconv.Itoa(left) + " bytes left")
			return 0
		default:
			return int(n)
		}
	}
	return 0
}

// Block reads the header of the next block of an array or map being read,
// and returns its number of items, or 0 after the last block (or an error).
// A negative count is followed by the block's size in bytes, which reading
// item by item does not need. itemMin is the smallest encoded size of one
// item (a map item counts its key; taken as 1 when smaller): a count the
// rest of the message cannot hold is an error, so a hostile message cannot
// make the caller allocate or loop beyond its own size.
func (d *AvroDecoder) Block(itemMin int) int {
	if d.failed {
		return 0
	}
	itemMin = max(itemMin, 1)
	start := d.pos
	n := d.varint("a block count")
	if n < 0 {
		if n == math.MinInt64 {
			d.pos = start
			d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": a block count out of range")
			return 0
		}
		n = -n
		if size := d.varint("a block size"); size < 0 && !d.failed {
			d.pos = start
			d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": a negative block size")
		}
	}
	if d.failed || n == 0 {
		return 0
	}
	if left := len(d.buf) - d.pos; n > int64(left/itemMin) {
		d.pos = start
		d.fail("invalid Avro at offset " + strconv.Itoa(start) + ": a block of " + strconv.FormatInt(n, 10) +
			" items cannot fit in the " + strconv.Itoa(left) + " bytes left")
		return 0
	}
	return int(n)
}

// Enter starts skipping a record of a recursive type and reports whether to
// go on: a message nesting deeper than maxAvroDepth is an error. Each Enter
// that returns true is paired with a Leave.
func (d *AvroDecoder) Enter() bool {
	if d.failed {
		return false
	}
	if d.depth >= maxAvroDepth {
		d.fail("invalid Avro at offset " + strconv.Itoa(d.pos) + ": records nested deeper than " + strconv.Itoa(maxAvroDepth) + " levels")
		return false
	}
	d.depth++
	return true
}

// Leave ends a record started with Enter.
func (d *AvroDecoder) Leave() { d.depth-- }
