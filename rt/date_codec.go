// Reading DATE, TIME and BYTES fields from JSON and CSV, and writing them to sinks, in the text forms DuckDB reads
// and writes (rt/date.go).

package rt

// Date reads the current value as a DATE: a string such as "2024-01-31" (ParseDate). null is NULL.
func (d *JSONDecoder) Date() (int64, bool) {
	s, null, ok := d.textValue("a date")
	if !ok || null {
		return 0, null
	}
	v, good := ParseDate(s)
	if !good {
		d.fieldFail("expected a date (YYYY-MM-DD), got " + describeText(s))
	}
	return v, false
}

// Time reads the current value as a TIME: a string such as "12:34:56.789" (ParseTime). null is NULL.
func (d *JSONDecoder) Time() (int64, bool) {
	s, null, ok := d.textValue("a time")
	if !ok || null {
		return 0, null
	}
	v, good := ParseTime(s)
	if !good {
		d.fieldFail("expected a time (HH:MM:SS[.fff]), got " + describeText(s))
	}
	return v, false
}

// Bytes reads the current value as a BYTES (BLOB): a string in DuckDB's BLOB text, \xHH for a byte (ParseBytes),
// as DuckDB's read_json reads a string into a BLOB column. The result is a copy. null is NULL.
func (d *JSONDecoder) Bytes() (string, bool) {
	s, null, ok := d.textValue("a string")
	if !ok || null {
		return "", null
	}
	out, why := ParseBytes(make([]byte, 0, len(s)), s)
	if why != "" {
		d.fieldFail("expected BLOB text, got " + describeText(s) + ": " + why)
		return "", false
	}
	return string(out), false
}

// textValue reads a JSON string (unescaped, valid until the next read) or null; any other value is a wrong type.
func (d *JSONDecoder) textValue(want string) (s []byte, null, ok bool) {
	c, ok := d.value()
	if !ok {
		return nil, false, false
	}
	switch c {
	case '"':
		s, ok := d.readString(&d.scratch)
		return s, false, ok
	case 'n':
		_, null := d.literal(c)
		return nil, null, false
	}
	d.wrongType(want)
	return nil, false, false
}

// Date reads the selected field as a DATE.
func (d *CSVDecoder) Date() (int64, bool) {
	b, ok := d.scalar()
	if !ok {
		return 0, !d.failed
	}
	v, good := ParseDate(b)
	if !good {
		d.fieldFail("expected a date (YYYY-MM-DD), got " + describeText(b))
	}
	return v, false
}

// Time reads the selected field as a TIME.
func (d *CSVDecoder) Time() (int64, bool) {
	b, ok := d.scalar()
	if !ok {
		return 0, !d.failed
	}
	v, good := ParseTime(b)
	if !good {
		d.fieldFail("expected a time (HH:MM:SS[.fff]), got " + describeText(b))
	}
	return v, false
}

// Bytes reads the selected field as a BYTES (BLOB) in DuckDB's BLOB text; an empty unquoted field is NULL, as for
// VARCHAR. The result is a copy.
func (d *CSVDecoder) Bytes() (string, bool) {
	if d.failed || d.cur < 0 {
		return "", !d.failed
	}
	f := d.fields[d.cur]
	if f.start == f.end && !f.quoted {
		return "", true
	}
	b := d.bytes(f)
	out, why := ParseBytes(make([]byte, 0, len(b)), b)
	if why != "" {
		d.fieldFail("expected BLOB text, got " + describeText(b) + ": " + why)
		return "", false
	}
	return string(out), false
}

// Date writes a DATE: "2024-01-31" (a JSON string) as DuckDB writes it; in Avro, the days (the date logical type).
func (r *Row) Date(days int64, null bool) {
	if r.s.format == FormatAvro {
		r.avroInt64(days, null)
		return
	}
	r.text(null, func(dst []byte) []byte { return AppendDate(dst, days) })
}

// Time writes a TIME: "12:34:56.789" (a JSON string); in Avro, the milliseconds (time-millis).
func (r *Row) Time(ms int64, null bool) {
	if r.s.format == FormatAvro {
		r.avroInt64(ms, null)
		return
	}
	r.text(null, func(dst []byte) []byte { return AppendTime(dst, ms) })
}

// Bytes writes a BYTES (BLOB) as DuckDB's COPY does: its BLOB text (\xHH for bytes other than printable ASCII, a
// JSON string in JSON); in Avro and Protobuf, the raw bytes.
func (r *Row) Bytes(v string, null bool) {
	if r.s.format == FormatAvro {
		r.avroString(v, null)
		return
	}
	if r.s.format == FormatProtobuf {
		r.protoValue(Value{Null: null, Str: v})
		return
	}
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	t := FormatBytes(v)
	if r.s.format == FormatJSONL {
		r.buf = appendJSONString(r.buf, t)
	} else {
		r.buf = appendCSVField(r.buf, t, r.s.delim)
	}
}

// text writes a value whose text needs neither escaping nor CSV quoting: quoted in JSON, bare in CSV.
func (r *Row) text(null bool, appendText func([]byte) []byte) {
	if !r.next() {
		return
	}
	if null {
		r.null()
		return
	}
	if r.s.format == FormatJSONL {
		r.buf = append(r.buf, '"')
		r.buf = appendText(r.buf)
		r.buf = append(r.buf, '"')
		return
	}
	r.buf = appendText(r.buf)
}
