package rt

import (
	"strings"
	"testing"
)

// readItems decodes {"items":[{"sku":..,"qty":..},...]} with the nested API as generated code does, skipping other
// keys, and renders what it read.
func readItems(t *testing.T, line string) (string, error) {
	t.Helper()
	var d JSONDecoder
	d.Reset([]byte(line))
	var out strings.Builder
	if d.BeginObject() {
		for d.NextField() {
			if string(d.Key()) != "items" {
				d.Skip()
				continue
			}
			ok, null := d.Array()
			switch {
			case null:
				out.WriteString("null")
				continue
			case !ok:
				continue
			}
			out.WriteString("[")
			for d.NextElement() {
				if ok, null := d.Object(); ok {
					out.WriteString("{")
					for d.NextField() {
						switch string(d.Key()) {
						case "sku":
							s, n := d.OwnedString()
							out.WriteString("sku=" + map[bool]string{true: "NULL", false: s}[n] + " ")
						case "qty":
							v, n := d.Int32()
							if n {
								out.WriteString("qty=NULL ")
							} else {
								out.WriteString("qty=" + string(rune('0'+v)) + " ")
							}
						default:
							d.Skip()
						}
					}
					out.WriteString("}")
				} else if null {
					out.WriteString("null")
				}
			}
			out.WriteString("]")
		}
	}
	return out.String(), d.Err()
}

func TestJSONNested(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`{"items":[{"sku":"a","qty":2},{"qty":3,"sku":"b"}],"z":1}`, "[{sku=a qty=2 }{qty=3 sku=b }]"},
		{`{"items":[]}`, "[]"},
		{`{"items":null}`, "null"},
		{`{"items":[null,{"sku":null,"x":{"deep":[1,[2]]}}]}`, "[null{sku=NULL }]"},
		{` { "a" : [1, {"b": 2}] , "items" : [ { "sku" : "c" } , { } ] } `, "[{sku=c }{}]"},
	} {
		got, err := readItems(t, tc.line)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

// TestJSONNestedErrors checks that an error inside a nested value names its path and offset.
func TestJSONNestedErrors(t *testing.T) {
	for _, tc := range []struct{ line, field, reason string }{
		{`{"items":[{"sku":"a","qty":2},{"qty":"x"}]}`, "items[2].qty", `expected a number, got "x"`},
		{`{"items":{"qty":1}}`, "items", "expected an array, got an object"},
		{`{"items":[1]}`, "items[1]", "expected an object, got 1"},
		{`{"items":[{"sku":"a"}`, "", "unexpected end of line"},
		{`{"items":[{"sku":"a"} {"sku":"b"}]}`, "", "expected ',' or ']'"},
	} {
		_, err := readItems(t, tc.line)
		re, ok := err.(*RecordError)
		if !ok {
			t.Errorf("%s: got error %v, want a RecordError", tc.line, err)
			continue
		}
		if re.Field != tc.field || !strings.Contains(re.Reason, tc.reason) {
			t.Errorf("%s: got field %q reason %q; want field %q reason containing %q", tc.line, re.Field, re.Reason, tc.field, tc.reason)
		}
	}
}

// TestJSONValue checks a nested value read alone from its JSON text, as CSV fields hold it.
func TestJSONValue(t *testing.T) {
	var d JSONDecoder
	d.ResetValue([]byte(` [1, null, 3] `), "nums")
	var got []Opt[int32]
	if ok, _ := d.Array(); ok {
		for d.NextElement() {
			var e Opt[int32]
			e.V, e.Null = d.Int32()
			got = append(got, e)
		}
	}
	if err := d.EndValue(); err != nil || len(got) != 3 || got[0].V != 1 || !got[1].Null || got[2].V != 3 {
		t.Fatalf("got %v, %v", got, err)
	}
	d.ResetValue([]byte(`[1] x`), "nums")
	if ok, _ := d.Array(); ok {
		for d.NextElement() {
			d.Int32()
		}
	}
	if err := d.EndValue(); err == nil || !strings.Contains(err.Error(), "after the value") {
		t.Fatalf("trailing text: got %v", err)
	}
}

func TestNestedHelpers(t *testing.T) {
	a := []Opt[int64]{{V: 1}, {Null: true}, {V: 3}}
	for _, tc := range []struct {
		i    int64
		v    int64
		null bool
	}{{1, 1, false}, {2, 0, true}, {3, 3, false}, {4, 0, true}, {0, 0, true}, {-1, 3, false}, {-3, 1, false}, {-4, 0, true}} {
		if v, n := At(a, tc.i); v != tc.v || n != tc.null {
			t.Errorf("At(%d) = %d, %v; want %d, %v", tc.i, v, n, tc.v, tc.null)
		}
	}
	if got := Slice(a, 2, -1); len(got) != 2 || !got[0].Null || got[1].V != 3 {
		t.Errorf("Slice(2, -1) = %v", got)
	}
	if got := Slice(a, 3, 2); len(got) != 0 {
		t.Errorf("Slice(3, 2) = %v", got)
	}
	if got := SortArray([]Opt[int64]{{Null: true}, {V: 3}, {V: -1}}); got[0].V != -1 || got[1].V != 3 || !got[2].Null {
		t.Errorf("SortArray = %v", got)
	}
	m := []Entry[string, int64]{{Key: "a", Val: 1}, {Key: "b", Null: true}}
	if v, n := Lookup(m, "a"); v != 1 || n {
		t.Errorf("Lookup(a) = %d, %v", v, n)
	}
	if _, n := Lookup(m, "b"); !n {
		t.Errorf("Lookup(b) is not NULL")
	}
	if _, n := Lookup(m, "c"); !n {
		t.Errorf("Lookup(c) is not NULL")
	}
	if s, ok := JoinStrings([]Opt[string]{{Null: true}}, ","); ok {
		t.Errorf("JoinStrings of NULLs = %q, not NULL", s)
	}
	if s, ok := JoinStrings(nil, ","); !ok || s != "" {
		t.Errorf("JoinStrings of nothing = %q, %v", s, ok)
	}
}
