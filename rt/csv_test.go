package rt

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// csvCell renders what a typed reader returns for the selected field.
func csvCell(d *CSVDecoder, kind string) string {
	var text string
	var null bool
	switch kind {
	case "string":
		text, null = d.String()
	case "int64":
		var v int64
		v, null = d.Int64()
		text = strconv.FormatInt(v, 10)
	case "int32":
		var v int32
		v, null = d.Int32()
		text = strconv.Itoa(int(v))
	case "float64":
		var v float64
		v, null = d.Float64()
		text = strconv.FormatFloat(v, 'g', -1, 64)
	case "decimal":
		var v Int128
		v, null = d.Decimal(12, 4)
		text = FormatDecimal(v, 4)
	case "bool":
		var v bool
		v, null = d.Bool()
		text = strconv.FormatBool(v)
	case "ts":
		var v int64
		v, null = d.Timestamp(TimeISO8601)
		text = strconv.FormatInt(v, 10)
	}
	if null {
		return "NULL"
	}
	return text
}

func TestCSVSplit(t *testing.T) {
	tests := []struct {
		line  string
		delim byte
		want  []string // each field as String reads it
		err   string
	}{
		{line: `a,b,c`, want: []string{"a", "b", "c"}},
		{line: `"a,1","say ""hi""",plain`, want: []string{"a,1", `say "hi"`, "plain"}},
		{line: `,"",x,`, want: []string{"NULL", "", "x", "NULL"}},
		{line: ``, want: []string{"NULL"}},
		{line: `""""`, want: []string{`"`}},
		{line: `Hamburg;12.3`, delim: ';', want: []string{"Hamburg", "12.3"}},
		{line: `"a;b";"c,d";e,f`, delim: ';', want: []string{"a;b", "c,d", "e,f"}},
		{line: ` spaced , kept `, want: []string{" spaced ", " kept "}},
		{line: `日本,"語"`, want: []string{"日本", "語"}},
		{line: `a,"unterminated`, err: "invalid CSV at offset 2: unterminated quoted field (a field cannot span lines)"},
		{line: `"a"b,c`, err: `invalid CSV at offset 3: unexpected 'b' after a closing quote`},
		{line: `a,b"c`, err: `invalid CSV at offset 3: bare '"' in an unquoted field (quote the field and double the quote)`},
	}
	var d CSVDecoder
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			d.delim = tt.delim
			if e := d.reset([]byte(tt.line)); e != nil {
				if e.Error() != tt.err {
					t.Fatalf("error %q, want %q", e.Error(), tt.err)
				}
				return
			}
			if tt.err != "" {
				t.Fatalf("no error, want %q", tt.err)
			}
			var got []string
			for i := 0; d.Field(i); i++ {
				got = append(got, csvCell(&d, "string"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("fields %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVDecoderTypedReads(t *testing.T) {
	var d CSVDecoder
	if e := d.setHeader([]byte(`symbol,qty,price,ok,ts,ratio,small`)); e != nil {
		t.Fatal(e)
	}
	names := []string{"price", "QTY", "symbol", "missing", "ok", "ts", "ratio", "small"}
	kinds := []string{"decimal", "int64", "string", "string", "bool", "ts", "float64", "int32"}
	idx := d.Bind(names)
	if want := []int{2, 1, 0, -1, 3, 4, 5, 6}; !slices.Equal(idx, want) {
		t.Fatalf("Bind = %v, want %v", idx, want)
	}
	if again := d.Bind(names); &again[0] != &idx[0] {
		t.Error("Bind did not cache its answer for the same names")
	}

	tests := []struct {
		line string
		want string // cells in names order, joined by |
		err  string
	}{
		{line: `AAPL,100,12.5,true,2024-01-02T03:04:05Z,0.25,7`,
			want: "12.5000|100|AAPL|NULL|true|1704164645000|0.25|7"},
		{line: `"",, 1.25 ,"",,,`, want: "1.2500|NULL||NULL|NULL|NULL|NULL|NULL"},
		{line: `MSFT,7`, want: "NULL|7|MSFT|NULL|NULL|NULL|NULL|NULL"},
		{line: `a,b,c,d,e,f,g,h,extra,fields`, err: `field "price": expected a number, got "c"`},
		{line: `X,1,1,maybe`, err: `field "ok": expected a boolean, got "maybe"`},
		{line: `X,99999999999999999999,1`, err: `field "qty": value out of range for BIGINT: "99999999999999999999"`},
		{line: `X,1,1,1,2024-01-02,1,3000000000`, err: `field "small": value out of range for INT: "3000000000"`},
		{line: `X,1.5`, err: `field "qty": expected an integer, got "1.5"`},
		{line: `X,1e3,1,1,1.7e12,1,-2.0`, want: "1.0000|1000|X|NULL|true|1700000000000|1|-2"}, // numbers by their value
		{line: `X,12.5e-1`, err: `field "qty": expected an integer, got "12.5e-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if e := d.reset([]byte(tt.line)); e != nil {
				t.Fatal(e)
			}
			idx := d.Bind(names)
			var cells []string
			for i, kind := range kinds {
				if d.Field(idx[i]) {
					cells = append(cells, csvCell(&d, kind))
				} else {
					cells = append(cells, "NULL")
				}
			}
			err := ""
			if e := d.Err(); e != nil {
				err = e.Error()
			}
			if err != tt.err {
				t.Fatalf("error %q, want %q", err, tt.err)
			}
			if got := strings.Join(cells, "|"); err == "" && got != tt.want {
				t.Errorf("cells %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCSVDecoderFail(t *testing.T) {
	var d CSVDecoder
	if e := d.setHeader([]byte("a,b")); e != nil {
		t.Fatal(e)
	}
	if e := d.reset([]byte("1,2")); e != nil {
		t.Fatal(e)
	}
	d.Fail("c", "missing non-nullable column")
	d.Fail("a", "ignored")
	if got := fmt.Sprint(d.Err()); got != `field "c": missing non-nullable column` {
		t.Errorf("Err() = %s", got)
	}
	if d.Field(0) {
		if v, null := d.Int64(); v != 0 || null {
			t.Errorf("read after an error = %v, %v; want zero values", v, null)
		}
	}
	if e := d.reset([]byte("1,2")); e != nil || d.Err() != nil {
		t.Errorf("reset kept an error: %v %v", e, d.Err())
	}
}
