package rt

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testFieldKinds is the schema the decoder tests read: field name → reader.
var testFieldKinds = map[string]string{
	"b": "bool", "i": "int32", "q": "int64", "f": "float64", "p": "decimal(12,4)",
	"s": "string", "t": "ts_millis", "ts": "ts_seconds", "tiso": "ts_iso",
}

// decodeJSON decodes line the way generated code does and renders each field
// read as text ("NULL" for null), plus the error text.
func decodeJSON(d *JSONDecoder, line string) (map[string]string, string) {
	got := map[string]string{}
	d.Reset([]byte(line))
	if d.BeginObject() {
		for d.NextField() {
			key := string(d.Key())
			kind, ok := testFieldKinds[key]
			if !ok {
				d.Skip()
				continue
			}
			var text string
			var null bool
			switch kind {
			case "bool":
				var v bool
				v, null = d.Bool()
				text = strconv.FormatBool(v)
			case "int32":
				var v int32
				v, null = d.Int32()
				text = strconv.Itoa(int(v))
			case "int64":
				var v int64
				v, null = d.Int64()
				text = strconv.FormatInt(v, 10)
			case "float64":
				var v float64
				v, null = d.Float64()
				text = strconv.FormatFloat(v, 'g', -1, 64)
			case "decimal(12,4)":
				var v Int128
				v, null = d.Decimal(12, 4)
				text = FormatDecimal(v, 4)
			case "string":
				text, null = d.String()
			case "ts_millis":
				var v int64
				v, null = d.Timestamp(TimeEpochMillis)
				text = strconv.FormatInt(v, 10)
			case "ts_seconds":
				var v int64
				v, null = d.Timestamp(TimeEpochSeconds)
				text = strconv.FormatInt(v, 10)
			case "ts_iso":
				var v int64
				v, null = d.Timestamp(TimeISO8601)
				text = strconv.FormatInt(v, 10)
			}
			if null {
				text = "NULL"
			}
			if d.Err() == nil {
				got[key] = text
			}
		}
	}
	if err := d.Err(); err != nil {
		re := err.(*RecordError)
		return got, fmt.Sprintf("@%d %s", re.Offset, re.Error())
	}
	return got, ""
}

func TestJSONDecoder(t *testing.T) {
	tests := []struct {
		name string
		line string
		want map[string]string // fields read before any error
		err  string            // "@offset message", or "" for none
	}{
		{name: "all types",
			line: `{"b":true,"i":-7,"q":100,"f":1.5e3,"p":12.5,"s":"AAPL","t":1700000000000,"ts":1700000000.123,"tiso":"2024-01-02T03:04:05.123Z"}`,
			want: map[string]string{"b": "true", "i": "-7", "q": "100", "f": "1500", "p": "12.5000", "s": "AAPL",
				"t": "1700000000000", "ts": "1700000000123", "tiso": "1704164645123"}},
		{name: "whitespace everywhere", line: " \t{ \"s\" : \"a\" ,\n\"q\" :1 } \r",
			want: map[string]string{"s": "a", "q": "1"}},
		{name: "python separators", line: `{"s": "a", "q": 1, "x": [1, {"y": null}], "b": true}`,
			want: map[string]string{"s": "a", "q": "1", "b": "true"}},
		{name: "line breaks, as in a Kafka message written by a pretty printer", line: "{\n  \"s\": \"a\",\r\n  \"q\": 7,\n  \"x\": [\n    1\n  ]\n}\n",
			want: map[string]string{"s": "a", "q": "7"}},
		{name: "tabs and CRs", line: "{\t\"s\"\r:\t\"a\"\r\t,\r\"q\":\t\t-5\r}",
			want: map[string]string{"s": "a", "q": "-5"}},
		{name: "duplicate keys: the last wins", line: `{"q":1,"s":"a","q":2,"s":"b"}`,
			want: map[string]string{"q": "2", "s": "b"}},
		{name: "integers in other spellings", line: `{"q":1E3,"i":-0,"t":1.7e12,"ts":17000000000e-1,"b":1.0}`,
			want: map[string]string{"q": "1000", "i": "0", "t": "1700000000000", "ts": "1700000000000", "b": "true"}},
		{name: "integer spellings in strings", line: `{"q":"12.50e1","i":" 0.7E1 ","t":"1.5e0","ts":"-1e-4"}`,
			want: map[string]string{"q": "125", "i": "7", "t": "1", "ts": "-1"}},
		{name: "huge exponents of zero and tiny timestamps", line: `{"q":0e999999999999999999,"t":-1e-999999999999,"ts":0.0001e-2}`,
			want: map[string]string{"q": "0", "t": "-1", "ts": "0"}},
		{name: "BIGINT extremes in other spellings", line: `{"q":-9.223372036854775808e18,"i":2147483.647e3}`,
			want: map[string]string{"q": "-9223372036854775808", "i": "2147483647"}},
		{name: "decimal spellings", line: `{"p":15E-1,"f":-0.0,"b":0e5}`,
			want: map[string]string{"p": "1.5000", "f": "-0", "b": "false"}},
		{name: "empty object", line: `{}`, want: map[string]string{}},
		{name: "escapes",
			line: `{"s":"a\"b\\c\/d\n\t\r\b\f\u00e9\u4e2d\ud83d\ude00z"}`,
			want: map[string]string{"s": "a\"b\\c/d\n\t\r\b\fé中😀z"}},
		{name: "surrogate pairs in either case", line: `{"s":"\uD83D\uDE00\ud83d\ude00\uDBFF\uDFFF"}`,
			want: map[string]string{"s": "😀😀\U0010FFFF"}},
		{name: "raw UTF-8 passes through", line: `{"s":"日本語 ✓"}`, want: map[string]string{"s": "日本語 ✓"}},
		{name: "escaped key", line: `{"\u0073":"v","\"q\"":1}`, want: map[string]string{"s": "v"}},
		{name: "nested skip",
			line: `{"x":{"a":[1,{"b":"}]"},[],{}],"c":null,"d":-0.5e-3},"s":"ok","y":[true,false,"]\"",[[[]]]],"z":"\\"}`,
			want: map[string]string{"s": "ok"}},
		{name: "nulls", line: `{"b":null,"i":null,"q":null,"f":null,"p":null,"s":null,"t":null}`,
			want: map[string]string{"b": "NULL", "i": "NULL", "q": "NULL", "f": "NULL", "p": "NULL", "s": "NULL", "t": "NULL"}},
		{name: "quoted numbers", line: `{"q":"42","i":"-3","f":" 1.5 ","p":"-0.00005","t":"1700000000000","ts":"1700000000.5","b":"TRUE"}`,
			want: map[string]string{"q": "42", "i": "-3", "f": "1.5", "p": "-0.0001", "t": "1700000000000", "ts": "1700000000500", "b": "true"}},
		{name: "quoted special floats", line: `{"f":"NaN"}`, want: map[string]string{"f": "NaN"}},
		{name: "decimal exact, never via float", line: `{"p":0.1}`, want: map[string]string{"p": "0.1000"}},
		{name: "bool as 0/1", line: `{"b":0}`, want: map[string]string{"b": "false"}},
		{name: "int64 extremes", line: `{"q":-9223372036854775808}`, want: map[string]string{"q": "-9223372036854775808"}},
		{name: "iso date only", line: `{"tiso":"2024-01-02"}`, want: map[string]string{"tiso": "1704153600000"}},
		{name: "unknown field of every kind is skipped", line: `{"u1":1,"u2":"x","u3":true,"u4":null,"u5":[],"u6":{}}`,
			want: map[string]string{}},

		{name: "string for a number", line: `{"q":"abc"}`, want: map[string]string{},
			err: `@5 field "q": expected a number, got "abc"`},
		{name: "boolean for a number", line: `{"s":"x","q":true}`, want: map[string]string{"s": "x"},
			err: `@13 field "q": expected a number, got true`},
		{name: "object for a number", line: `{"q":{"a":1}}`, want: map[string]string{},
			err: `@5 field "q": expected a number, got an object`},
		{name: "array for a string", line: `{"s":[1]}`, want: map[string]string{},
			err: `@5 field "s": expected a string, got an array`},
		{name: "number for a string", line: `{"s":12}`, want: map[string]string{},
			err: `@5 field "s": expected a string, got 12`},
		{name: "fraction for an integer", line: `{"q":12.5}`, want: map[string]string{},
			err: `@5 field "q": expected an integer, got 12.5`},
		{name: "fraction for an integer in exponent form", line: `{"i":125e-1}`, want: map[string]string{},
			err: `@5 field "i": expected an integer, got 125e-1`},
		{name: "tiny fraction for an integer", line: `{"q":1e-400}`, want: map[string]string{},
			err: `@5 field "q": expected an integer, got 1e-400`},
		{name: "BIGINT overflow in exponent form", line: `{"q":9.3e18}`, want: map[string]string{},
			err: `@5 field "q": value out of range for BIGINT: 9.3e18`},
		{name: "huge exponent for an integer", line: `{"q":1e99999999999999999999}`, want: map[string]string{},
			err: `@5 field "q": value out of range for BIGINT: 1e99999999999999999999`},
		{name: "INT overflow in exponent form", line: `{"i":-2.147483649e9}`, want: map[string]string{},
			err: `@5 field "i": value out of range for INT: -2.147483649e9`},
		{name: "TIMESTAMP overflow in exponent form", line: `{"ts":1e17}`, want: map[string]string{},
			err: `@6 field "ts": value out of range for TIMESTAMP: 1e17`},
		{name: "number other than 0 or 1 for a boolean", line: `{"b":-1}`, want: map[string]string{},
			err: `@5 field "b": expected a boolean, got -1`},
		{name: "two for a boolean", line: `{"b":2.0}`, want: map[string]string{},
			err: `@5 field "b": expected a boolean, got 2.0`},
		{name: "BIGINT overflow", line: `{"q":9223372036854775808}`, want: map[string]string{},
			err: `@5 field "q": value out of range for BIGINT: 9223372036854775808`},
		{name: "huge quoted integer", line: `{"q":"123456789012345678901234567890"}`, want: map[string]string{},
			err: `@5 field "q": value out of range for BIGINT: "123456789012345678901234567890"`},
		{name: "INT overflow", line: `{"i":2147483648}`, want: map[string]string{},
			err: `@5 field "i": value out of range for INT: 2147483648`},
		{name: "DECIMAL overflow", line: `{"p":123456789.5}`, want: map[string]string{},
			err: `@5 field "p": value out of range for DECIMAL(12,4): 123456789.5`},
		{name: "DOUBLE overflow", line: `{"f":1e400}`, want: map[string]string{},
			err: `@5 field "f": value out of range for DOUBLE: 1e400`},
		{name: "bad boolean", line: `{"b":"yes"}`, want: map[string]string{},
			err: `@5 field "b": expected a boolean, got "yes"`},
		{name: "bad timestamp", line: `{"tiso":"2024-13-01"}`, want: map[string]string{},
			err: `@8 field "tiso": expected a timestamp, got "2024-13-01"`},
		{name: "long value is cut in the message", line: `{"q":"` + strings.Repeat("x", 100) + `"}`, want: map[string]string{},
			err: `@5 field "q": expected a number, got "` + strings.Repeat("x", 40) + `"...`},
		{name: "first error sticks", line: `{"q":"a","i":"b"}`, want: map[string]string{},
			err: `@5 field "q": expected a number, got "a"`},

		{name: "trailing garbage", line: `{"s":"a"} x`, want: map[string]string{"s": "a"},
			err: `@10 invalid JSON at offset 10: unexpected 'x' after the object`},
		{name: "two objects", line: `{"s":"a"}{"s":"b"}`, want: map[string]string{"s": "a"},
			err: `@9 invalid JSON at offset 9: unexpected '{' after the object`},
		{name: "not an object", line: `[1,2]`, want: map[string]string{},
			err: `@0 invalid JSON at offset 0: a record must be a JSON object, got '['`},
		{name: "double comma", line: `{"s":"a",,"q":1}`, want: map[string]string{"s": "a"},
			err: `@9 invalid JSON at offset 9: expected a key, got ','`},
		{name: "missing colon", line: `{"s" "a"}`, want: map[string]string{},
			err: `@5 field "s": invalid JSON at offset 5: expected ':', got '"'`},
		{name: "missing comma", line: `{"s":"a" "q":1}`, want: map[string]string{"s": "a"},
			err: `@9 invalid JSON at offset 9: expected ',' or '}', got '"'`},
		{name: "cut short", line: `{"s":"a"`, want: map[string]string{"s": "a"},
			err: `@8 invalid JSON at offset 8: unexpected end of line`},
		{name: "unterminated string", line: `{"s":"abc`, want: map[string]string{},
			err: `@9 field "s": invalid JSON at offset 9: unterminated string`},
		{name: "control character in string", line: "{\"s\":\"a\x01\"}", want: map[string]string{},
			err: `@7 field "s": invalid JSON at offset 7: control character byte 0x01 in string`},
		{name: "bad escape", line: `{"s":"a\x"}`, want: map[string]string{},
			err: `@7 field "s": invalid JSON at offset 7: invalid escape "\\x" in string`},
		{name: "bad unicode escape", line: `{"s":"\u12g4"}`, want: map[string]string{},
			err: `@6 field "s": invalid JSON at offset 6: malformed \u escape in string`},
		{name: "bad literal", line: `{"b":tru}`, want: map[string]string{},
			err: `@5 field "b": invalid JSON at offset 5: invalid literal, expected true`},
		{name: "leading zero", line: `{"q":012}`, want: map[string]string{},
			err: `@6 field "q": invalid JSON at offset 6: malformed number: leading zero`},
		{name: "leading zero in a skipped value", line: `{"x":[-00.5]}`, want: map[string]string{},
			err: `@8 field "x": invalid JSON at offset 8: malformed number: leading zero`},
		{name: "lone high surrogate", line: `{"s":"\ud800x"}`, want: map[string]string{},
			err: `@6 field "s": invalid JSON at offset 6: lone UTF-16 surrogate \ud800 in string`},
		{name: "lone low surrogate", line: `{"s":"a\uDC00"}`, want: map[string]string{},
			err: `@7 field "s": invalid JSON at offset 7: lone UTF-16 surrogate \uDC00 in string`},
		{name: "high surrogate then a character", line: `{"s":"\ud800\u0041"}`, want: map[string]string{},
			err: `@6 field "s": invalid JSON at offset 6: lone UTF-16 surrogate \ud800 in string`},
		{name: "two high surrogates", line: `{"s":"\ud83d\ud83d\ude00"}`, want: map[string]string{},
			err: `@6 field "s": invalid JSON at offset 6: lone UTF-16 surrogate \ud83d in string`},
		{name: "high surrogate at the end of the string", line: `{"s":"\ud83d"}`, want: map[string]string{},
			err: `@6 field "s": invalid JSON at offset 6: lone UTF-16 surrogate \ud83d in string`},
		{name: "lone surrogate in a key", line: `{"\udc00":1}`, want: map[string]string{},
			err: `@2 invalid JSON at offset 2: lone UTF-16 surrogate \udc00 in string`},
		{name: "lone surrogate in a skipped value", line: `{"x":{"k":["\ud800"]}}`, want: map[string]string{},
			err: `@12 field "x": invalid JSON at offset 12: lone UTF-16 surrogate \ud800 in string`},
		{name: "pair in a skipped value", line: `{"x":"\ud83d\ude00","s":"ok"}`, want: map[string]string{"s": "ok"}},
		{name: "NaN", line: `{"f":NaN}`, want: map[string]string{},
			err: `@5 field "f": invalid JSON at offset 5: unexpected 'N'`},
		{name: "Infinity in a skipped value", line: `{"x":-Infinity}`, want: map[string]string{},
			err: `@6 field "x": invalid JSON at offset 6: malformed number, got 'I'`},
		{name: "plus sign", line: `{"q":+1}`, want: map[string]string{},
			err: `@5 field "q": invalid JSON at offset 5: unexpected '+'`},
		{name: "unquoted key", line: `{q:1}`, want: map[string]string{},
			err: `@1 invalid JSON at offset 1: expected a key, got 'q'`},
		{name: "single quotes", line: `{"s":'a'}`, want: map[string]string{},
			err: `@5 field "s": invalid JSON at offset 5: unexpected '\''`},
		{name: "trailing comma", line: `{"s":"a",}`, want: map[string]string{"s": "a"},
			err: `@9 invalid JSON at offset 9: expected a key, got '}'`},
		{name: "malformed literal for a string", line: `{"s":tru}`, want: map[string]string{},
			err: `@5 field "s": invalid JSON at offset 5: invalid literal, expected true`},
		{name: "junk after a literal of the wrong type", line: `{"s":truex}`, want: map[string]string{},
			err: `@9 field "s": invalid JSON at offset 9: unexpected 'x'`},
		{name: "hex number", line: `{"s":0x1F}`, want: map[string]string{},
			err: `@6 field "s": invalid JSON at offset 6: unexpected 'x'`},
		{name: "junk after a fraction for an integer", line: `{"q":1.5x}`, want: map[string]string{},
			err: `@8 field "q": invalid JSON at offset 8: unexpected 'x'`},
		{name: "junk after null", line: `{"q":nulll}`, want: map[string]string{},
			err: `@9 field "q": invalid JSON at offset 9: unexpected 'l'`},
		{name: "line cut after null", line: `{"q":null`, want: map[string]string{},
			err: `@9 field "q": invalid JSON at offset 9: unexpected end of line`},
		{name: "a number cut short is not read as a fraction", line: `{"q":0.15`, want: map[string]string{},
			err: `@9 field "q": invalid JSON at offset 9: unexpected end of line`},
		{name: "malformed object for a number", line: `{"q":{"a":1,}}`, want: map[string]string{},
			err: `@12 field "q": invalid JSON at offset 12: expected a key, got '}'`},
		{name: "trailing comma in a skipped array", line: `{"x":[1,]}`, want: map[string]string{},
			err: `@8 field "x": invalid JSON at offset 8: unexpected ']'`},
		{name: "malformed number", line: `{"q":-}`, want: map[string]string{},
			err: `@6 field "q": invalid JSON at offset 6: malformed number, got '}'`},
		{name: "error inside a skipped value names its key", line: `{"x":[1,2,}`, want: map[string]string{},
			err: `@10 field "x": invalid JSON at offset 10: unexpected '}'`},
		{name: "bad escape in a skipped string", line: `{"x":"\q"}`, want: map[string]string{},
			err: `@6 field "x": invalid JSON at offset 6: invalid escape "\\q" in string`},
		{name: "object missing colon in skipped value", line: `{"x":{"a" 1}}`, want: map[string]string{},
			err: `@10 field "x": invalid JSON at offset 10: expected ':', got '1'`},
		{name: "too deep", line: `{"x":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`, want: map[string]string{},
			err: `@1005 field "x": invalid JSON at offset 1005: nesting deeper than 1000 levels`},
		{name: "empty line", line: ``, want: map[string]string{},
			err: `@0 invalid JSON at offset 0: a record must be a JSON object, got end of line`},
	}
	var d JSONDecoder // reused across cases, as a source does
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeJSON(&d, tt.line)
			if err != tt.err {
				t.Errorf("error:\n got %s\nwant %s", err, tt.err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("fields:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestJSONDecoderFailMissingField(t *testing.T) {
	var d JSONDecoder
	d.Reset([]byte(`{"q":1}`))
	seen := false
	for ok := d.BeginObject(); ok && d.NextField(); {
		if string(d.Key()) == "s" {
			seen = true
		}
		d.Skip()
	}
	if seen {
		t.Fatal("saw a field that is not there")
	}
	d.Fail("s", "missing non-nullable field")
	d.Fail("q", "second error is ignored")
	err := d.Err()
	re, ok := err.(*RecordError)
	if !ok {
		t.Fatalf("Err() = %T %v, want *RecordError", err, err)
	}
	if re.Field != "s" || re.Error() != `field "s": missing non-nullable field` {
		t.Errorf("got %+v (%q)", re, re.Error())
	}
	// The source fills in the location.
	re.Source, re.File, re.Line = "orders", "data/orders.jsonl", 12
	if got, want := re.Error(), `data/orders.jsonl:12: field "s": missing non-nullable field`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}

	d.Reset([]byte(`{}`))
	if d.BeginObject() && d.NextField() {
		t.Error("NextField on an empty object")
	}
	if err := d.Err(); err != nil {
		t.Errorf("Reset kept an error: %v", err)
	}
}

func TestJSONDecoderUnreadValueIsSkipped(t *testing.T) {
	var d JSONDecoder
	d.Reset([]byte(`{"a":{"x":[1,2]},"b":"two"}`))
	var keys []string
	for ok := d.BeginObject(); ok && d.NextField(); {
		keys = append(keys, string(d.Key())) // neither read nor skipped
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"a", "b"}) {
		t.Errorf("keys = %q", keys)
	}
}

func TestJSONDecoderAllocations(t *testing.T) {
	line := []byte(benchTrade)
	var d JSONDecoder
	decode := func(withString bool) {
		d.Reset(line)
		for ok := d.BeginObject(); ok && d.NextField(); {
			switch string(d.Key()) {
			case "symbol":
				if withString {
					d.String()
				} else {
					d.Skip()
				}
			case "quantity":
				d.Int64()
			case "price":
				d.Decimal(12, 4)
			case "event_time":
				d.Timestamp(TimeEpochMillis)
			case "side":
				d.Skip()
			}
		}
		if err := d.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(100, func() { decode(false) }); n != 0 {
		t.Errorf("decoding without strings: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { decode(true) }); n != 0 {
		t.Errorf("decoding one string without escapes (a view of the line): %v allocations, want 0", n)
	}
	line = []byte(benchTradePretty)
	if n := testing.AllocsPerRun(100, func() { decode(true) }); n != 0 {
		t.Errorf("decoding the Python-style record: %v allocations, want 0", n)
	}
}

// benchTrade is a trade record of about 180 bytes.
const benchTrade = `{"trade_id":"T-000001234567","symbol":"AAPL","side":"BUY","quantity":1500,` +
	`"price":189.2350,"venue":"XNAS","account":"ACC-77812","event_time":1700000000123,"flags":["odd_lot"]}`

// benchTradePretty is benchTrade as Python's json.dumps writes it: a space after every ':' and ','.
const benchTradePretty = `{"trade_id": "T-000001234567", "symbol": "AAPL", "side": "BUY", "quantity": 1500, ` +
	`"price": 189.2350, "venue": "XNAS", "account": "ACC-77812", "event_time": 1700000000123, "flags": ["odd_lot"]}`

func BenchmarkJSONDecoderTrade(b *testing.B) {
	line := []byte(benchTrade)
	var d JSONDecoder
	var (
		symbol, side string
		qty, ts      int64
		price        Int128
	)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		d.Reset(line)
		for ok := d.BeginObject(); ok && d.NextField(); {
			switch string(d.Key()) {
			case "symbol":
				symbol, _ = d.String()
			case "side":
				side, _ = d.String()
			case "quantity":
				qty, _ = d.Int64()
			case "price":
				price, _ = d.Decimal(12, 4)
			case "event_time":
				ts, _ = d.Timestamp(TimeEpochMillis)
			default:
				d.Skip()
			}
		}
		if d.Err() != nil {
			b.Fatal(d.Err())
		}
	}
	_, _, _, _, _ = symbol, side, qty, ts, price
}

// TestJSONStringViews: a string without escapes views the line (it changes with the line's bytes), one with
// escapes is a copy, and Own detaches a view.
func TestJSONStringViews(t *testing.T) {
	line := []byte(`{"a":"plain","b":"esc\"aped"}`)
	var d JSONDecoder
	d.Reset(line)
	d.BeginObject()
	d.NextField()
	a, _ := d.String()
	d.NextField()
	b, _ := d.String()
	owned := Own(a)
	copy(line[6:11], "XXXXX")
	if a != "XXXXX" || owned != "plain" || b != `esc"aped` {
		t.Errorf("a %q (a view: want XXXXX), owned %q, b %q", a, owned, b)
	}
}

// TestJSONExpect: the guess of the next key matches the compact form, with whitespace after the '{' or the comma
// and after the colon; anything else leaves the decoder where it was, for NextField.
func TestJSONExpect(t *testing.T) {
	var d JSONDecoder
	d.Reset([]byte("{ \"a\": 1,\"b\" :2,\t\"c\":\r3 ,\"d\\u0065\":4, \"e\":5, \"f\": \"x\" }"))
	d.BeginObject()
	if d.Expect(`"b":`) {
		t.Fatal("matched b at a")
	}
	if !d.Expect(`"a":`) || string(d.Key()) != "a" {
		t.Fatal("a after '{ '")
	}
	if v, _ := d.Int64(); v != 1 || d.Err() != nil { // the value after ': '
		t.Fatalf("a = %d, %v", v, d.Err())
	}
	if d.Expect(`"b":`) { // a space before the colon
		t.Fatal("matched b with a space before the colon")
	}
	if !d.NextField() || string(d.Key()) != "b" {
		t.Fatal("b by NextField")
	}
	if d.Expect(`"c":`) { // the value of b is still pending
		t.Fatal("matched while a value is pending")
	}
	d.Skip()
	if !d.Expect(`"c":`) { // a tab after the comma, a CR after the colon
		t.Fatal("c around whitespace")
	}
	if v, _ := d.Int64(); v != 3 || d.Err() != nil {
		t.Fatalf("c = %d, %v", v, d.Err())
	}
	if d.Expect(`"de":`) { // a space before the comma, and an escaped key
		t.Fatal("matched an escaped key")
	}
	if !d.NextField() || string(d.Key()) != "de" {
		t.Fatalf("de: %q", d.Key())
	}
	d.Skip()
	if !d.Expect(`"e":`) {
		t.Fatal("e after ', '")
	}
	if v, _ := d.Int64(); v != 5 {
		t.Fatalf("e = %d", v)
	}
	if !d.Expect(`"f":`) {
		t.Fatal("f")
	}
	if v, _ := d.String(); v != "x" {
		t.Fatalf("f = %q", v)
	}
	if d.Expect(`"g":`) || d.NextField() || d.Err() != nil { // the end, after a space
		t.Fatalf("end: %v", d.Err())
	}
}
