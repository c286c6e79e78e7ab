// JSONDecoder: nested objects and arrays, for STRUCT, ARRAY and MAP columns.

package rt

import (
	"strconv"
	"strings"
)

// jsonFrame is an object or array the decoder is inside: mark is the length of the path before it.
type jsonFrame struct {
	mark  int
	array bool
	index int // the current element of an array, from 0
}

// Object starts reading the current value as an object (a STRUCT, or a MAP's entries): it reports ok when the value
// is an object, whose fields NextField and Key then read up to its '}', and null when it is null. Any other value
// is an error naming the field's path.
func (d *JSONDecoder) Object() (ok, null bool) { return d.enter('{', "an object") }

// Array starts reading the current value as an array: it reports ok when it is one, whose elements NextElement
// then reads up to its ']', and null when the value is null.
func (d *JSONDecoder) Array() (ok, null bool) { return d.enter('[', "an array") }

func (d *JSONDecoder) enter(open byte, want string) (ok, null bool) {
	c, ok := d.value()
	if !ok {
		return false, false
	}
	switch c {
	case open:
	case 'n':
		_, null := d.literal(c)
		return false, null
	default:
		d.wrongType(want)
		return false, false
	}
	if len(d.frames) >= maxJSONDepth {
		d.syntax("nesting deeper than " + strconv.Itoa(maxJSONDepth) + " levels")
		return false, false
	}
	mark := len(d.path)
	d.path = d.appendLabel(d.path)
	if open == '{' {
		d.path = append(d.path, '.')
	}
	d.frames = append(d.frames, jsonFrame{mark: mark, array: open == '[', index: -1})
	d.pos++
	d.first = true
	return true, false
}

// leave ends the innermost object or array, whose closing byte was consumed.
func (d *JSONDecoder) leave() {
	f := d.frames[len(d.frames)-1]
	d.frames = d.frames[:len(d.frames)-1]
	d.path = d.path[:f.mark]
	d.first = false
	d.key, d.keyAt = nil, -1
}

// Scratch returns slot i of the decoder's scratch: where a generated decoder keeps a buffer it reuses from record
// to record (ScratchOf), so that an array is built up once and then allocated at its size.
func (d *JSONDecoder) Scratch(i int) *any {
	for len(d.slots) <= i {
		d.slots = append(d.slots, nil)
	}
	return &d.slots[i]
}

// ScratchOf returns the buffer of type []T kept in slot, making it the first time.
func ScratchOf[T any](slot *any) *[]T {
	if p, ok := (*slot).(*[]T); ok {
		return p
	}
	p := new([]T)
	*slot = p
	return p
}

// NextElement advances to the next element of the array Array entered and reports whether there is one; the
// element is then read with a typed reader (or Skip). At the closing ']' it reports false, and the array is done.
func (d *JSONDecoder) NextElement() bool {
	if d.failed {
		return false
	}
	if d.pending {
		d.Skip()
		if d.failed {
			return false
		}
	}
	d.skipSpace()
	if d.pos >= len(d.line) {
		return d.syntax("unexpected end of line")
	}
	switch c := d.line[d.pos]; {
	case c == ']':
		d.pos++
		d.leave()
		return false
	case d.first:
		d.first = false
	case c == ',':
		d.pos++
		d.skipSpace()
	default:
		return d.syntax("expected ',' or ']', got " + d.describeByte())
	}
	d.frames[len(d.frames)-1].index++
	d.pending = true
	return true
}

// OwnedString is String for a value kept past its record, as nested values are: never a view of the line.
func (d *JSONDecoder) OwnedString() (string, bool) {
	s, null := d.String()
	return strings.Clone(s), null
}

// appendLabel appends the current value's own part of its path: its key in an object, "[i]" (from 1) in an
// array. The path of the container before it is d.path: empty at the top level, "customer." in an object, "items" in
// an array.
func (d *JSONDecoder) appendLabel(dst []byte) []byte {
	if n := len(d.frames); n > 0 && d.frames[n-1].array {
		dst = append(dst, '[')
		dst = strconv.AppendInt(dst, int64(d.frames[n-1].index+1), 10)
		return append(dst, ']')
	}
	return append(dst, d.Key()...)
}

// fieldPath names the current value for a message: the key at the top level, a path inside nested values.
func (d *JSONDecoder) fieldPath() string {
	if len(d.frames) == 0 {
		return string(d.Key())
	}
	return string(d.appendLabel(append([]byte(nil), d.path...)))
}

// ResetValue prepares the decoder to read b as one JSON value, such as a nested column's JSON text in a CSV field;
// messages name the value field.
func (d *JSONDecoder) ResetValue(b []byte, field string) {
	d.Reset(b)
	d.key = append(d.keyBuf[:0], field...)
	d.keyBuf = d.key
	d.pending = true
	d.skipSpace()
}

// EndValue checks that only white space follows the value ResetValue began, and returns the first error.
func (d *JSONDecoder) EndValue() error {
	if !d.failed {
		d.skipSpace()
		if d.pos < len(d.line) {
			d.syntax("unexpected " + d.describeByte() + " after the value")
		}
	}
	return d.Err()
}

// KeyAsInt32 reads the current key of an object as the INT key of a MAP.
func (d *JSONDecoder) KeyAsInt32() (int32, bool) {
	v, err := ParseInt32(d.Key())
	if err != nil {
		d.Fail(d.fieldPath(), "a MAP key: "+err.Error())
	}
	return v, false
}

// KeyAsInt64 reads the current key of an object as the BIGINT key of a MAP.
func (d *JSONDecoder) KeyAsInt64() (int64, bool) {
	v, err := ParseInt64(d.Key())
	if err != nil {
		d.Fail(d.fieldPath(), "a MAP key: "+err.Error())
	}
	return v, false
}
