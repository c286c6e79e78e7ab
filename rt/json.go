// JSONDecoder: a byte scanner that decodes one JSON-lines record with typed readers.

package rt

import (
	"encoding/binary"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONDecoder decodes one JSON-lines record, an object, field by field:
//
//	d.Reset(line)
//	if d.BeginObject() {
//		for d.NextField() {
//			switch string(d.Key()) {
//			case "price":
//				price, priceNull = d.Decimal(12, 4)
//			default:
//				d.Skip()
//			}
//		}
//	}
//	if err := d.Err(); err != nil { ... }
//
// It works on the line's bytes directly and allocates only for the strings
// String returns and for an error. Errors are sticky: the first one is kept
// and later calls return zero values, so generated code checks Err once at
// the end. A value that is neither read nor skipped is skipped by the next
// NextField.
//
// The zero JSONDecoder is ready to use after Reset.
type JSONDecoder struct {
	line     []byte
	pos      int
	valStart int    // offset of the current value
	first    bool   // the next NextField reads the first key
	pending  bool   // a key was read and its value not consumed yet
	done     bool   // the closing '}' was consumed
	key      []byte // current key read by NextField: a slice of line or of keyBuf
	keyAt    int    // offset in line of the current key matched by Expect, or -1
	keyLen   int    // its length
	keyBuf   []byte // unescaped key, when the key has escapes
	scratch  []byte // unescaped string value
	slots    []any  // generated decoders' reusable buffers (Scratch)
	failed   bool
	err      RecordError

	// Nested values (json_nested.go): the objects and arrays entered, and the path of the current container for
	// messages ("customer.", "items[2].").
	frames []jsonFrame
	path   []byte
}

// maxJSONDepth bounds the nesting Skip follows, so that a hostile line cannot
// exhaust the stack.
const maxJSONDepth = 1000

// Reset prepares the decoder for a new record and clears the error.
func (d *JSONDecoder) Reset(line []byte) {
	d.line = line
	d.pos = 0
	d.first = false
	d.pending = false
	d.done = false
	d.key = nil
	d.keyAt = -1
	d.failed = false
	d.err = RecordError{}
	d.frames = d.frames[:0]
	d.path = d.path[:0]
}

// BeginObject consumes the opening '{'. It reports false, recording an error,
// if the record is not an object.
func (d *JSONDecoder) BeginObject() bool {
	if d.failed {
		return false
	}
	d.skipSpace()
	if d.pos >= len(d.line) || d.line[d.pos] != '{' {
		return d.syntax("a record must be a JSON object, got " + d.describeByte())
	}
	d.pos++
	d.first = true
	return true
}

// NextField advances to the next key and reports whether there is one. At
// the closing '}' it checks that only whitespace follows and reports false;
// it also reports false once an error has been recorded.
func (d *JSONDecoder) NextField() bool {
	if d.failed || d.done {
		return false
	}
	if d.pending {
		d.Skip()
		if d.failed {
			return false
		}
	}
	d.key = nil
	d.keyAt = -1
	d.skipSpace()
	if d.pos >= len(d.line) {
		return d.syntax("unexpected end of line")
	}
	c := d.line[d.pos]
	switch {
	case c == '}':
		d.pos++
		if len(d.frames) > 0 {
			d.leave() // the end of a nested object
			return false
		}
		d.end()
		return false
	case d.first:
		d.first = false
	case c == ',':
		d.pos++
		d.skipSpace()
	default:
		return d.syntax("expected ',' or '}', got " + d.describeByte())
	}
	if d.pos >= len(d.line) {
		return d.syntax("unexpected end of line")
	}
	if d.line[d.pos] != '"' {
		return d.syntax("expected a key, got " + d.describeByte())
	}
	key, ok := d.readString(&d.keyBuf)
	if !ok {
		return false
	}
	d.key = key
	d.skipSpace()
	if d.pos >= len(d.line) {
		return d.syntax("unexpected end of line")
	}
	if d.line[d.pos] != ':' {
		return d.syntax("expected ':', got " + d.describeByte())
	}
	d.pos++
	d.skipSpace()
	d.pending = true
	return true
}

// Expect is NextField for the usual key order: if the next field's key is
// exactly key, written as it starts a field in compact JSON (`"symbol":`), it
// consumes the key and the whitespace after the colon and reports true,
// leaving the value to a typed reader (or Skip). Whitespace after the '{' or
// the comma is allowed too, so the layouts of common writers (`{"a": 1, "b":
// 2}`) take this path. Otherwise, including at the end of the object, with
// whitespace before the comma or the colon or with escapes in the key, it
// consumes nothing and reports false, and the caller falls back to NextField,
// which reads any layout JSON allows. Generated decoders try the next key of
// the schema this way, so that a record whose keys come in schema order is
// read without scanning keys or switching on them.
func (d *JSONDecoder) Expect(key string) bool {
	if d.failed || d.done || d.pending {
		return false
	}
	b, i := d.line, d.pos
	if d.first {
		if i < len(b) && b[i] <= ' ' {
			i = skipSpaceAt(b, i)
		}
	} else {
		// Whitespace before the comma is rare enough to leave to NextField.
		if i >= len(b) || b[i] != ',' {
			return false
		}
		i++
		if i < len(b) && b[i] <= ' ' {
			i = skipSpaceAt(b, i)
		}
	}
	if len(b)-i < len(key) || string(b[i:i+len(key)]) != key {
		return false
	}
	d.first = false
	// The key is kept as its offset: cheaper than a slice, and only errors and Key need it.
	d.keyAt, d.keyLen = i+1, len(key)-3
	i += len(key)
	if i < len(b) && b[i] <= ' ' {
		i = skipSpaceAt(b, i)
	}
	d.pos = i
	d.pending = true
	return true
}

// end checks that nothing but whitespace follows the closing '}'.
func (d *JSONDecoder) end() {
	d.done = true
	d.skipSpace()
	if d.pos < len(d.line) {
		d.syntax("unexpected " + d.describeByte() + " after the object")
	}
}

// Key returns the current key, unescaped. It is valid until the next call on
// the decoder.
func (d *JSONDecoder) Key() []byte {
	if d.keyAt >= 0 {
		return d.line[d.keyAt : d.keyAt+d.keyLen]
	}
	return d.key
}

// Skip skips the current field's value, whatever it is: nested objects and
// arrays are followed (and checked) to their end.
func (d *JSONDecoder) Skip() {
	if d.failed || !d.pending {
		return
	}
	d.pending = false
	d.skipValue(0)
}

// Bool reads the current value as a boolean: true or false, a number whose
// value is 1 or 0 (`1`, `0`, `1.0`, `-0`, `1e0`), or a string ParseBool
// accepts. null is NULL.
func (d *JSONDecoder) Bool() (v bool, null bool) {
	c, ok := d.value()
	if !ok {
		return false, false
	}
	switch c {
	case 't', 'f', 'n':
		return d.literal(c)
	case '"':
		s, ok := d.readString(&d.scratch)
		if !ok {
			return false, false
		}
		v, r := textBool(trimBlank(s))
		if r != convOK {
			d.fieldFail(convReason(r, "a boolean", "BOOLEAN", describeText(s)))
		}
		return v, false
	case '0', '1':
		tok, ok := d.readNumber()
		if !ok {
			return false, false
		}
		if len(tok) == 1 {
			return tok[0] == '1', false
		}
		return d.numberBool(tok)
	case '-', '2', '3', '4', '5', '6', '7', '8', '9':
		tok, ok := d.readNumber()
		if !ok {
			return false, false
		}
		return d.numberBool(tok)
	}
	d.wrongType("a boolean")
	return false, false
}

// numberBool converts a number token to a boolean: its value must be 1 or 0.
func (d *JSONDecoder) numberBool(tok []byte) (bool, bool) {
	var x decNum
	if x.parse(tok) {
		switch {
		case x.n == 0:
			return false, false
		case x.n == 1 && x.head[0] == '1' && x.exp == 0 && !x.neg:
			return true, false
		}
	}
	d.fieldFail("expected a boolean, got " + string(tok))
	return false, false
}

// Int32 reads the current value as an INT: a number whose value is an integer
// (`7`, `7.0`, `7e0`, `0.7e1`), or a string holding one. Fractions and values
// out of range are errors; null is NULL.
func (d *JSONDecoder) Int32() (int32, bool) {
	text, quoted, null, ok := d.numberText()
	if !ok {
		return 0, null
	}
	v, r := textInt32(text)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", "INT", describeGot(text, quoted)))
		return 0, false
	}
	return v, false
}

// Int64 reads the current value as a BIGINT: a number whose value is an
// integer (`7`, `7.0`, `7e0`, `0.7e1`), or a string holding one. Fractions and
// values out of range are errors; null is NULL.
func (d *JSONDecoder) Int64() (int64, bool) {
	if v, ok := d.fastInt(); ok {
		return v, false
	}
	text, quoted, null, ok := d.numberText()
	if !ok {
		return 0, null
	}
	v, r := exactInt64(text)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", "BIGINT", describeGot(text, quoted)))
		return 0, false
	}
	return v, false
}

// Float64 reads the current value as a DOUBLE: a number or a string holding
// one (strings may also spell NaN and infinities). null is NULL.
func (d *JSONDecoder) Float64() (float64, bool) {
	text, quoted, null, ok := d.numberText()
	if !ok {
		return 0, null
	}
	v, r := textFloat64(text)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", "DOUBLE", describeGot(text, quoted)))
		return 0, false
	}
	return v, false
}

// Decimal reads the current value as a DECIMAL(p,s), parsing the number's
// digits directly (never through float64), so 0.1 is exactly 0.1. A number
// in a string is accepted; null is NULL.
func (d *JSONDecoder) Decimal(p, s int32) (Int128, bool) {
	if v, ok := d.fastDecimal(p, s); ok {
		return v, false
	}
	text, quoted, null, ok := d.numberText()
	if !ok {
		return Int128{}, null
	}
	v, r := textDecimal(text, p, s)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", decimalType(p, s), describeGot(text, quoted)))
		return Int128{}, false
	}
	return v, false
}

// String reads the current value as a VARCHAR, unescaping it. A string
// without escapes is a view of the line, valid until the next record (see
// Own); one with escapes is a copy. null is NULL; any other value is an error.
func (d *JSONDecoder) String() (string, bool) {
	c, ok := d.value()
	if !ok {
		return "", false
	}
	switch c {
	case '"':
		start := d.pos + 1
		s, ok := d.readString(&d.scratch)
		if !ok {
			return "", false
		}
		if len(s) > 0 && &s[0] == &d.line[start] {
			return view(s), false // no escapes: the text as it is in the line
		}
		return string(s), false
	case 'n':
		_, null := d.literal(c)
		return "", null
	}
	d.wrongType("a string")
	return "", false
}

// Timestamp reads the current value as a TIMESTAMP in epoch milliseconds. A
// number, or a string holding one, is epoch seconds for TimeEpochSeconds and
// epoch milliseconds otherwise, in any spelling (`1.7e12`), floored to a whole
// millisecond; any other string is ISO 8601 text. null is NULL.
func (d *JSONDecoder) Timestamp(f TimeFormat) (int64, bool) {
	if f == TimeEpochMillis {
		if v, ok := d.fastInt(); ok {
			return v, false
		}
	}
	c, ok := d.value()
	if !ok {
		return 0, false
	}
	switch {
	case c == 'n':
		_, null := d.literal(c)
		return 0, null
	case c == '"':
		s, ok := d.readString(&d.scratch)
		if !ok {
			return 0, false
		}
		v, r := textTimestamp(trimBlank(s), f)
		if r != convOK {
			d.fieldFail(convReason(r, "a timestamp", "TIMESTAMP", describeText(s)))
		}
		return v, false
	case c == '-' || (c >= '0' && c <= '9'):
		tok, ok := d.readNumber()
		if !ok {
			return 0, false
		}
		v, r := exactEpoch(tok, f)
		if r != convOK {
			d.fieldFail(convReason(r, "a timestamp", "TIMESTAMP", string(tok)))
		}
		return v, false
	}
	d.wrongType("a timestamp")
	return 0, false
}

// Fail records an error for field, such as a missing non-nullable field,
// unless an error was recorded already.
func (d *JSONDecoder) Fail(field, reason string) {
	if d.failed {
		return
	}
	d.failed = true
	d.err = RecordError{Field: field, Offset: d.pos, Reason: reason}
}

// Err returns the first error as a *RecordError without a location, or nil.
func (d *JSONDecoder) Err() error {
	if !d.failed {
		return nil
	}
	e := d.err
	return &e
}

// fastDigits scans a plain JSON number of at most 18 digits in all at the current value, as most are: an optional
// '-', integer digits without a leading zero (or a single 0), and, if frac, a '.' and fraction digits. It returns
// the digits as one unsigned value, the count of fraction digits and the position after the number. ok is false
// for anything else (a string, null, an exponent, more digits, a syntax error): the caller then takes the general
// path, which also words the errors; nothing has been consumed.
func (d *JSONDecoder) fastDigits(frac bool) (u uint64, neg bool, fracDigits int, end int, ok bool) {
	if d.failed || !d.pending {
		return 0, false, 0, 0, false
	}
	b, i := d.line, d.pos
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	start, n := i, 0
	// Eight digits at a time while they fit (long numbers: epoch milliseconds, ids), then one at a time.
	for n <= 10 && len(b)-i >= 8 {
		v, ok := eightDigits(binary.LittleEndian.Uint64(b[i:]))
		if !ok {
			break
		}
		u = u*100000000 + v
		i += 8
		n += 8
	}
	for i < len(b) {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		u = u*10 + uint64(c)
		i++
		n++
	}
	if n == 0 || n > 18 || (n > 1 && b[start] == '0') {
		return 0, false, 0, 0, false
	}
	if frac && i < len(b) && b[i] == '.' {
		i++
		f := i
		for i < len(b) {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			u = u*10 + uint64(c)
			i++
		}
		fracDigits = i - f
		if fracDigits == 0 || n+fracDigits > 18 {
			return 0, false, 0, 0, false
		}
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false, 0, 0, false
	}
	return u, neg, fracDigits, i, true
}

// eightDigits converts eight ASCII digits, loaded little-endian (the first digit in the low byte), to their
// value; ok is false if any byte is not a digit.
func eightDigits(x uint64) (uint64, bool) {
	if (x&0xF0F0F0F0F0F0F0F0)|(((x+0x0606060606060606)&0xF0F0F0F0F0F0F0F0)>>4) != 0x3333333333333333 {
		return 0, false
	}
	x -= 0x3030303030303030
	x = (x*10 + x>>8) & 0x00FF00FF00FF00FF
	x = (x*100 + x>>16) & 0x0000FFFF0000FFFF
	x = (x*10000 + x>>32) & 0x00000000FFFFFFFF
	return x, true
}

// fastInt reads a BIGINT written as a plain JSON number of at most 18 digits; see fastDigits.
func (d *JSONDecoder) fastInt() (int64, bool) {
	u, neg, _, end, ok := d.fastDigits(false)
	if !ok {
		return 0, false
	}
	d.pending, d.valStart, d.pos = false, d.pos, end
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// fastDecimal reads a DECIMAL(p,s) written as a plain JSON number of at most 18 digits with at most s fraction
// digits (no rounding needed); see fastDigits.
func (d *JSONDecoder) fastDecimal(p, s int32) (Int128, bool) {
	u, neg, fd, end, ok := d.fastDigits(true)
	if !ok || int32(fd) > s {
		return Int128{}, false
	}
	for k := int32(fd); k < s; k++ {
		if u > math.MaxInt64/10 {
			return Int128{}, false
		}
		u *= 10
	}
	if p < 19 && u >= uint64Pow10[p] {
		return Int128{}, false // out of range: the general path reports it
	}
	d.pending, d.valStart, d.pos = false, d.pos, end
	v := int64(u)
	if neg {
		v = -v
	}
	return I128(v), true
}

// uint64Pow10 holds 10^0 to 10^19.
var uint64Pow10 = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return t
}()

// value starts reading the current field's value and returns its first byte.
func (d *JSONDecoder) value() (byte, bool) {
	if d.failed {
		return 0, false
	}
	if !d.pending {
		d.Fail("", "internal error: value read outside a field")
		return 0, false
	}
	d.pending = false
	d.valStart = d.pos
	if d.pos >= len(d.line) {
		return 0, d.syntax("unexpected end of line")
	}
	return d.line[d.pos], true
}

// numberText reads a value that should be a number, either a JSON number or
// a string holding one, and returns its text; quoted tells which it was. ok
// is false for null and on error.
func (d *JSONDecoder) numberText() (text []byte, quoted, null, ok bool) {
	c, ok := d.value()
	if !ok {
		return nil, false, false, false
	}
	switch {
	case c == '"':
		s, ok := d.readString(&d.scratch)
		return trimBlank(s), true, false, ok
	case c == '-' || (c >= '0' && c <= '9'):
		tok, ok := d.readNumber()
		return tok, false, false, ok
	case c == 'n':
		_, null := d.literal(c)
		return nil, false, null, false
	}
	d.wrongType("a number")
	return nil, false, false, false
}

// describeGot renders a value for a message: a string quoted, a number as is.
func describeGot(text []byte, quoted bool) string {
	if quoted {
		return describeText(text)
	}
	return string(text)
}

// literal reads true, false or null, whose first byte is c, and returns its
// value as (v, null). What follows must end a value: nulll or a line that ends
// after the word is a syntax error here, before generated code can report the
// null of a NOT NULL column instead.
func (d *JSONDecoder) literal(c byte) (v bool, null bool) {
	var word string
	switch c {
	case 't':
		word = "true"
	case 'f':
		word = "false"
	default:
		word = "null"
	}
	if len(d.line)-d.pos < len(word) || string(d.line[d.pos:d.pos+len(word)]) != word {
		d.syntax("invalid literal, expected " + word)
		return false, false
	}
	d.pos += len(word)
	if d.pos >= len(d.line) || !valueEnd[d.line[d.pos]] {
		d.syntax("unexpected " + d.describeByte())
		return false, false
	}
	return c == 't', c == 'n'
}

// readNumber reads a number token, checking it against the JSON grammar.
func (d *JSONDecoder) readNumber() ([]byte, bool) {
	b, start := d.line, d.pos
	i := start
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
		if i < len(b) && b[i] >= '0' && b[i] <= '9' {
			d.pos = i
			return nil, d.syntax("malformed number: leading zero")
		}
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		d.pos = i
		return nil, d.syntax("malformed number, got " + d.describeByte())
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.pos = i
			return nil, d.syntax("malformed number: no digits after '.'")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			d.pos = i
			return nil, d.syntax("malformed number: no digits in the exponent")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	d.pos = i
	return b[start:i], true
}

// readString reads the string starting at the current '"'. Without escapes
// it returns a slice of the line; otherwise it unescapes into *buf.
func (d *JSONDecoder) readString(buf *[]byte) ([]byte, bool) {
	b := d.line
	start := d.pos + 1
	i := start
	for i < len(b) && plainStringByte[b[i]] {
		i++
	}
	if i < len(b) {
		if c := b[i]; c == '"' {
			d.pos = i + 1
			return b[start:i], true
		} else if c < 0x20 {
			d.pos = i
			return nil, d.syntax("control character " + describeControl(c) + " in string")
		}
	}
	out := append((*buf)[:0], b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			d.pos = i + 1
			*buf = out
			return out, true
		case c < 0x20:
			d.pos = i
			return nil, d.syntax("control character " + describeControl(c) + " in string")
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			break
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok {
				d.pos = i
				return nil, d.syntax(`malformed \u escape in string`)
			}
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by a low one is one code point. A lone one
				// stands for no character at all: the record is bad rather than
				// silently changed (encoding/json would put U+FFFD in its place).
				r2, n := surrogatePair(b, i, r)
				if n == 0 {
					d.pos = i
					return nil, d.syntax(loneSurrogate(b, i))
				}
				r = r2
				i += n
			} else {
				i += 6
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			d.pos = i
			return nil, d.syntax("invalid escape " + strconv.Quote(string(b[i:i+2])) + " in string")
		}
		i += 2
	}
	*buf = out
	d.pos = len(b)
	return nil, d.syntax("unterminated string")
}

// surrogatePair decodes the escape at b[i:], `\uXXXX` with r its value, a UTF-16 surrogate: a high surrogate
// followed by the escape of a low one is one code point, which it returns with the length of both escapes. n is 0
// for a lone surrogate.
func surrogatePair(b []byte, i int, r rune) (rune, int) {
	if r >= 0xdc00 {
		return 0, 0 // a low surrogate first
	}
	r2, ok := hex4(b, i+8)
	if !ok || b[i+6] != '\\' || b[i+7] != 'u' || r2 < 0xdc00 || r2 > 0xdfff {
		return 0, 0
	}
	return utf16.DecodeRune(r, r2), 12
}

// loneSurrogate words the error for the lone surrogate escape at b[i:i+6].
func loneSurrogate(b []byte, i int) string {
	return "lone UTF-16 surrogate " + string(b[i:i+6]) + " in string"
}

// hex4 decodes the four hex digits at b[i:i+4].
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipValue skips one value of any kind, checking its syntax.
func (d *JSONDecoder) skipValue(depth int) bool {
	d.skipSpace()
	if d.pos >= len(d.line) {
		return d.syntax("unexpected end of line")
	}
	switch c := d.line[d.pos]; {
	case c == '"':
		_, ok := d.skipString()
		return ok
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return d.syntax("nesting deeper than " + strconv.Itoa(maxJSONDepth) + " levels")
		}
		return d.skipContainer(c, depth)
	case c == 't' || c == 'f' || c == 'n':
		d.literal(c)
		return !d.failed
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := d.readNumber()
		return ok
	}
	return d.syntax("unexpected " + d.describeByte())
}

// skipContainer skips an object or array whose opening byte is open.
func (d *JSONDecoder) skipContainer(open byte, depth int) bool {
	close := byte('}')
	if open == '[' {
		close = ']'
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.line) && d.line[d.pos] == close {
		d.pos++
		return true
	}
	for {
		if open == '{' {
			d.skipSpace()
			if d.pos >= len(d.line) {
				return d.syntax("unexpected end of line")
			}
			if d.line[d.pos] != '"' {
				return d.syntax("expected a key, got " + d.describeByte())
			}
			if _, ok := d.skipString(); !ok {
				return false
			}
			d.skipSpace()
			if d.pos >= len(d.line) || d.line[d.pos] != ':' {
				return d.syntax("expected ':', got " + d.describeByte())
			}
			d.pos++
		}
		if !d.skipValue(depth + 1) {
			return false
		}
		d.skipSpace()
		if d.pos >= len(d.line) {
			return d.syntax("unexpected end of line")
		}
		switch d.line[d.pos] {
		case ',':
			d.pos++
		case close:
			d.pos++
			return true
		default:
			return d.syntax("expected ',' or " + strconv.QuoteRune(rune(close)) + ", got " + d.describeByte())
		}
	}
}

// skipString skips a string, checking its escapes, without unescaping it.
func (d *JSONDecoder) skipString() ([]byte, bool) {
	b := d.line
	for i := d.pos + 1; i < len(b); i++ {
		for i < len(b) && plainStringByte[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			d.pos = i + 1
			return nil, true
		case c == '\\':
			if i+1 >= len(b) {
				i = len(b)
				continue
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok {
					d.pos = i
					return nil, d.syntax(`malformed \u escape in string`)
				}
				n := 6
				if utf16.IsSurrogate(r) {
					if _, n = surrogatePair(b, i, r); n == 0 {
						d.pos = i
						return nil, d.syntax(loneSurrogate(b, i))
					}
				}
				i += n - 1
			default:
				d.pos = i
				return nil, d.syntax("invalid escape " + strconv.Quote(string(b[i:i+2])) + " in string")
			}
		case c < 0x20:
			d.pos = i
			return nil, d.syntax("control character " + describeControl(c) + " in string")
		}
	}
	d.pos = len(b)
	return nil, d.syntax("unterminated string")
}

// plainStringByte marks the bytes a JSON string holds as they are: all but the quote, the backslash and control
// characters.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipSpace skips JSON whitespace (space, tab, CR, LF) at the current offset.
func (d *JSONDecoder) skipSpace() { d.pos = skipSpaceAt(d.line, d.pos) }

// skipSpaceAt returns the offset of the first byte at or after i in b that is not JSON whitespace.
func skipSpaceAt(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// syntax records a JSON syntax error at the current offset and returns false.
func (d *JSONDecoder) syntax(what string) bool {
	d.Fail(string(d.Key()), "invalid JSON at offset "+strconv.Itoa(d.pos)+": "+what)
	return false
}

// fieldFail records a value error for the current key, at the value's start; the current offset is just after the
// value. A value followed by anything but whitespace, ',', '}' or ']' was not a JSON value at all (0x1F, 12abc),
// and one at the end of the line was cut short (0.15 of 0.15e4): that syntax error is recorded instead.
func (d *JSONDecoder) fieldFail(reason string) {
	if d.failed {
		return
	}
	if d.pos >= len(d.line) || !valueEnd[d.line[d.pos]] {
		d.syntax("unexpected " + d.describeByte())
		return
	}
	d.Fail(d.fieldPath(), reason)
	d.err.Offset = d.valStart
}

// valueEnd marks the bytes that may follow a JSON value: whitespace, ',', '}' and ']'.
var valueEnd = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ',': true, '}': true, ']': true}

// wrongType records that the value at the current offset is not of the
// wanted kind. A value that is not even valid JSON is a syntax error instead.
func (d *JSONDecoder) wrongType(want string) {
	var got string
	switch c := d.line[d.pos]; c {
	case '{', '[':
		got = "an object"
		if c == '[' {
			got = "an array"
		}
		d.skipValue(0)
	case 't', 'f':
		v, _ := d.literal(c)
		got = strconv.FormatBool(v)
	case '"':
		s, _ := d.readString(&d.scratch)
		got = describeText(s)
	default:
		if c != '-' && (c < '0' || c > '9') {
			d.syntax("unexpected " + d.describeByte())
			return
		}
		tok, _ := d.readNumber()
		got = string(tok)
	}
	d.fieldFail("expected " + want + ", got " + got)
}

// describeByte names the byte at the current offset for a message.
func (d *JSONDecoder) describeByte() string {
	if d.pos >= len(d.line) {
		return "end of line"
	}
	c := d.line[d.pos]
	if c < 0x20 || c == 0x7f {
		return describeControl(c)
	}
	r, _ := utf8.DecodeRune(d.line[d.pos:])
	return strconv.QuoteRune(r)
}

// describeControl names a control byte: "byte 0x01".
func describeControl(c byte) string {
	const hex = "0123456789abcdef"
	return "byte 0x" + string([]byte{hex[c>>4], hex[c&15]})
}
