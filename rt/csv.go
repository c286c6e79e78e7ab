// CSVDecoder: RFC 4180 record splitting and typed readers over one CSV record.

package rt

import (
	"bytes"
	"strconv"
	"strings"
)

// CSVDecoder reads the fields of one CSV record with typed readers. The
// source splits each line into fields; generated code maps its column names
// to field indexes with Bind, then selects a field with Field and reads it:
//
//	idx := r.CSV.Bind(orderColumns) // cached after the first record
//	if r.CSV.Field(idx[0]) {
//		price, priceNull = r.CSV.Decimal(12, 4)
//	}
//
// Records follow RFC 4180 with one record per line: a quoted field may hold
// the delimiter and doubled quotes ("") but not a line break. An empty
// unquoted field is NULL; a quoted empty field ("") is the empty string for
// VARCHAR and NULL for every other type. Numbers, booleans and timestamps may
// be surrounded by spaces. A record with fewer fields than the header reads
// NULL for the missing ones; extra fields are ignored.
//
// Errors are sticky, as in JSONDecoder.
type CSVDecoder struct {
	delim  byte
	header []string

	line   []byte
	fields []csvField
	buf    []byte // unescaped quoted fields
	cur    int    // selected field, -1 if none

	bindNames []string // the names slice Bind last saw, and its answer
	bindIdx   []int

	failed bool
	err    RecordError
}

// csvField locates one field's value: in the line, or in buf when it had
// doubled quotes to unescape.
type csvField struct {
	start, end int32
	off        int32 // offset of the field in the line, for messages
	inBuf      bool
	quoted     bool
}

// Bind returns, for each name, the index of the header column with that name
// (compared exactly, then ignoring case), or -1 if the header has none. The
// answer is cached for the same names slice, so generated code may call Bind
// for every record.
func (d *CSVDecoder) Bind(names []string) []int {
	if d.bindIdx != nil && len(names) == len(d.bindNames) &&
		(len(names) == 0 || &names[0] == &d.bindNames[0]) {
		return d.bindIdx
	}
	idx := make([]int, len(names))
	for i, name := range names {
		idx[i] = d.column(name)
	}
	d.bindNames, d.bindIdx = names, idx
	return idx
}

// column finds a header column by name.
func (d *CSVDecoder) column(name string) int {
	for i, h := range d.header {
		if h == name {
			return i
		}
	}
	for i, h := range d.header {
		if strings.EqualFold(h, name) {
			return i
		}
	}
	return -1
}

// Field selects field i of the record for the next typed read. It reports
// false, selecting nothing (reads then return NULL), if i is negative or the
// record has no field i.
func (d *CSVDecoder) Field(i int) bool {
	if i < 0 || i >= len(d.fields) {
		d.cur = -1
		return false
	}
	d.cur = i
	return true
}

// Bool reads the selected field as a BOOLEAN: true/false/1/0 in any case.
func (d *CSVDecoder) Bool() (bool, bool) {
	b, ok := d.scalar()
	if !ok {
		return false, !d.failed
	}
	v, r := textBool(b)
	if r != convOK {
		d.fieldFail(convReason(r, "a boolean", "BOOLEAN", describeText(b)))
	}
	return v, false
}

// Int32 reads the selected field as an INT.
func (d *CSVDecoder) Int32() (int32, bool) {
	b, ok := d.scalar()
	if !ok {
		return 0, !d.failed
	}
	v, r := textInt32(b)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", "INT", describeText(b)))
	}
	return v, false
}

// Int64 reads the selected field as a BIGINT.
func (d *CSVDecoder) Int64() (int64, bool) {
	b, ok := d.scalar()
	if !ok {
		return 0, !d.failed
	}
	v, r := exactInt64(b)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", "BIGINT", describeText(b)))
	}
	return v, false
}

// Float64 reads the selected field as a DOUBLE.
func (d *CSVDecoder) Float64() (float64, bool) {
	b, ok := d.scalar()
	if !ok {
		return 0, !d.failed
	}
	v, r := textFloat64(b)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", "DOUBLE", describeText(b)))
	}
	return v, false
}

// Decimal reads the selected field as a DECIMAL(p,s), exactly.
func (d *CSVDecoder) Decimal(p, s int32) (Int128, bool) {
	b, ok := d.scalar()
	if !ok {
		return Int128{}, !d.failed
	}
	v, r := textDecimal(b, p, s)
	if r != convOK {
		d.fieldFail(convReason(r, "a number", decimalType(p, s), describeText(b)))
	}
	return v, false
}

// String reads the selected field as a VARCHAR.
func (d *CSVDecoder) String() (string, bool) {
	if d.failed || d.cur < 0 {
		return "", !d.failed
	}
	f := d.fields[d.cur]
	if f.start == f.end && !f.quoted {
		return "", true
	}
	return view(d.bytes(f)), false
}

// Timestamp reads the selected field as a TIMESTAMP: a number is epoch
// seconds for TimeEpochSeconds and epoch milliseconds otherwise; anything
// else is ISO 8601 text.
func (d *CSVDecoder) Timestamp(f TimeFormat) (int64, bool) {
	b, ok := d.scalar()
	if !ok {
		return 0, !d.failed
	}
	v, r := textTimestamp(b, f)
	if r != convOK {
		d.fieldFail(convReason(r, "a timestamp", "TIMESTAMP", describeText(b)))
	}
	return v, false
}

// Fail records an error for field unless an error was recorded already.
func (d *CSVDecoder) Fail(field, reason string) {
	if d.failed {
		return
	}
	d.failed = true
	d.err = RecordError{Field: field, Reason: reason}
}

// Err returns the first error as a *RecordError without a location, or nil.
func (d *CSVDecoder) Err() error {
	if !d.failed {
		return nil
	}
	e := d.err
	return &e
}

// scalar returns the selected field's text with surrounding blanks trimmed;
// ok is false for NULL (absent or empty) and after an error.
func (d *CSVDecoder) scalar() ([]byte, bool) {
	if d.failed || d.cur < 0 {
		return nil, false
	}
	b := trimBlank(d.bytes(d.fields[d.cur]))
	return b, len(b) > 0
}

func (d *CSVDecoder) bytes(f csvField) []byte {
	if f.inBuf {
		return d.buf[f.start:f.end]
	}
	return d.line[f.start:f.end]
}

// fieldFail records a value error for the selected field.
func (d *CSVDecoder) fieldFail(reason string) {
	if d.failed {
		return
	}
	name := ""
	if d.cur < len(d.header) {
		name = d.header[d.cur]
	}
	d.Fail(name, reason)
	d.err.Offset = int(d.fields[d.cur].off)
}

// setHeader installs the column names from the header line and forgets
// cached bindings.
func (d *CSVDecoder) setHeader(line []byte) *RecordError {
	if err := d.reset(line); err != nil {
		return err
	}
	d.header = d.header[:0]
	for _, f := range d.fields {
		d.header = append(d.header, strings.TrimSpace(string(d.bytes(f))))
	}
	d.bindNames, d.bindIdx = nil, nil
	return nil
}

// reset splits line into fields and clears the error. A malformed line is
// returned as a record-level error.
func (d *CSVDecoder) reset(line []byte) *RecordError {
	d.line = line
	d.fields = d.fields[:0]
	d.buf = d.buf[:0]
	d.cur = -1
	d.failed = false
	d.err = RecordError{}
	delim := d.delim
	if delim == 0 {
		delim = ','
	}
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			open := i
			i++
			start, escaped := i, false
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					return &RecordError{Offset: open, Reason: "invalid CSV at offset " + strconv.Itoa(open) +
						": unterminated quoted field (a field cannot span lines)"}
				}
				i += j
				if i+1 < len(line) && line[i+1] == '"' {
					escaped = true
					i += 2
					continue
				}
				break
			}
			f := csvField{start: int32(start), end: int32(i), off: int32(open), quoted: true}
			if escaped {
				f.inBuf = true
				f.start = int32(len(d.buf))
				for k := start; k < i; k++ {
					d.buf = append(d.buf, line[k])
					if line[k] == '"' {
						k++ // the second quote of a doubled pair
					}
				}
				f.end = int32(len(d.buf))
			}
			d.fields = append(d.fields, f)
			i++ // closing quote
			if i == len(line) {
				return nil
			}
			if line[i] != delim {
				return &RecordError{Offset: i, Reason: "invalid CSV at offset " + strconv.Itoa(i) +
					": unexpected " + strconv.QuoteRune(rune(line[i])) + " after a closing quote"}
			}
			i++
			continue
		}
		// One pass to the delimiter, catching a stray quote on the way; fields are short, so a byte loop beats
		// two IndexByte calls.
		end := i
		for end < len(line) && line[end] != delim && line[end] != '"' {
			end++
		}
		if end < len(line) && line[end] == '"' {
			return &RecordError{Offset: end, Reason: "invalid CSV at offset " + strconv.Itoa(end) +
				`: bare '"' in an unquoted field (quote the field and double the quote)`}
		}
		d.fields = append(d.fields, csvField{start: int32(i), end: int32(end), off: int32(i)})
		if end == len(line) {
			return nil
		}
		i = end + 1
	}
}
