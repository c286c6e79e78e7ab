// JSON_EXTRACT, JSON_VALUE and JSON_EXISTS against an oracle: random documents (jsonvariant) written in every
// spelling RFC 8259 allows, paths walked through the value tree they were written from, results compared with
// encoding/json's reading; documents with a fault are errors.

package rt

import (
	"bytes"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/velocc/velocc/internal/jsonvariant"
)

// randomPath walks v to a random depth and returns the steps, the value they lead to, and whether they lead
// anywhere; it mixes member, index, from-the-end and JSON Pointer steps, and steps that miss.
func randomPath(rng *rand.Rand, v jsonvariant.Value) ([]string, jsonvariant.Value, bool) {
	var steps []string
	for rng.IntN(4) != 0 {
		switch {
		case rng.IntN(8) == 0:
			// A step that misses: a key no object has, an index past the end, a key on an array.
			miss := []string{".\x01none", "[1000", "[-1000", "/\x01none", "/01"}[rng.IntN(5)]
			return append(steps, miss), jsonvariant.Value{}, false
		case v.Kind == jsonvariant.KindObject && len(v.Members) > 0:
			m := v.Members[rng.IntN(len(v.Members))]
			for _, first := range v.Members { // the first member with the key counts
				if first.Key == m.Key {
					m = first
					break
				}
			}
			prefix := "."
			if rng.IntN(3) == 0 {
				prefix = "/"
			}
			steps, v = append(steps, prefix+m.Key), m.Value
		case v.Kind == jsonvariant.KindArray && len(v.Elems) > 0:
			i := rng.IntN(len(v.Elems))
			switch rng.IntN(3) {
			case 0:
				steps = append(steps, "["+strconv.Itoa(i))
			case 1:
				steps = append(steps, "["+strconv.Itoa(i-len(v.Elems)))
			default:
				steps = append(steps, "/"+strconv.Itoa(i))
			}
			v = v.Elems[i]
		default:
			return append(steps, ".a"), jsonvariant.Value{}, false
		}
	}
	return steps, v, true
}

// readJSON reads text with encoding/json, numbers kept as text.
func readJSON(t *testing.T, text string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("encoding/json cannot read %q: %v", text, err)
	}
	return v
}

// sameJSON compares decoded values, numbers by value.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		return ok && sameNumber(string(x), string(y))
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameNumber(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	if !ok1 || !ok2 { // beyond what big.Rat takes (1e400000): compare the text
		return a == b
	}
	return x.Cmp(y) == 0
}

func TestJSONPathOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := 0; n < 20000; n++ {
		v := jsonvariant.Random(rng, 4)
		doc := jsonvariant.Write(rng, v, jsonvariant.RandomStyle(rng))
		steps, want, found := randomPath(rng, v)

		exists, err := JSONExists(doc, steps...)
		if err != nil || exists != found {
			t.Fatalf("JSONExists(%q, %q) = %v, %v; want %v", doc, steps, exists, err, found)
		}
		got, ok, err := JSONExtract(doc, steps...)
		if err != nil || ok != found {
			t.Fatalf("JSONExtract(%q, %q) = %q, %v, %v; want found %v", doc, steps, got, ok, err, found)
		}
		if found {
			var buf bytes.Buffer
			if err := json.Compact(&buf, []byte(got)); err != nil || buf.String() != got {
				t.Fatalf("JSONExtract(%q, %q) = %q, not compact JSON (%v)", doc, steps, got, err)
			}
			if !sameJSON(readJSON(t, got), readJSON(t, jsonvariant.Compact(want))) {
				t.Fatalf("JSONExtract(%q, %q) = %q; want %s", doc, steps, got, jsonvariant.Compact(want))
			}
		}
		val, ok, err := JSONValue(doc, steps...)
		if err != nil {
			t.Fatalf("JSONValue(%q, %q): %v", doc, steps, err)
		}
		scalar := found && want.Kind != jsonvariant.KindNull && want.Kind != jsonvariant.KindArray && want.Kind != jsonvariant.KindObject
		if ok != scalar {
			t.Fatalf("JSONValue(%q, %q) = %q, %v; want a value: %v", doc, steps, val, ok, scalar)
		}
		if !scalar {
			continue
		}
		switch want.Kind {
		case jsonvariant.KindString:
			if val != want.Text {
				t.Fatalf("JSONValue(%q, %q) = %q; want %q", doc, steps, val, want.Text)
			}
		case jsonvariant.KindNumber:
			if !sameNumber(val, want.Text) {
				t.Fatalf("JSONValue(%q, %q) = %q; want the number %s", doc, steps, val, want.Text)
			}
		case jsonvariant.KindBool:
			if val != strconv.FormatBool(want.Bool) {
				t.Fatalf("JSONValue(%q, %q) = %q; want %v", doc, steps, val, want.Bool)
			}
		}
	}
}

func TestJSONPathFaults(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	tried := map[jsonvariant.Fault]int{}
	for n := 0; n < 20000; n++ {
		f := jsonvariant.Faults[rng.IntN(len(jsonvariant.Faults))]
		v := jsonvariant.Random(rng, 3)
		doc, _, ok := jsonvariant.Corrupt(rng, v, jsonvariant.RandomStyle(rng), f)
		if !ok || f != jsonvariant.LoneSurrogate && json.Valid([]byte(doc)) {
			continue // no place for the fault; or a digit after a number, which is still a number
		}
		tried[f]++
		steps, _, _ := randomPath(rng, v)
		if _, err := JSONExists(doc, steps...); err == nil {
			t.Fatalf("JSONExists(%q) with a %s: no error", doc, f)
		}
		if _, _, err := JSONExtract(doc, steps...); err == nil {
			t.Fatalf("JSONExtract(%q) with a %s: no error", doc, f)
		}
	}
	for _, f := range jsonvariant.Faults {
		if tried[f] == 0 {
			t.Errorf("no document with a %s was tried", f)
		}
	}
	for _, doc := range []string{"", " ", "{", `{"a":1}}`, `[1,]`, `{"a":1,}`, `"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, "\"\x01\"", `01`, `-`, `1.`, `1e`, `tru`, `nul`, `{"a" 1}`, `{1:2}`} {
		if _, err := JSONExists(doc); err == nil {
			t.Errorf("JSONExists(%q): no error", doc)
		}
	}
}

// TestJSONPathCases pins the rules the oracle does not draw: minified output, a JSON null, duplicate keys,
// pointers into arrays, and escapes in keys.
func TestJSONPathCases(t *testing.T) {
	const doc = ` { "a" : { "b" : [ 1 , "x y" , { "c" : null } ] } , "d\u0020e" : true, "dup": 1, "dup": 2, "s": "q\"\u00e9" } `
	for _, c := range []struct {
		steps   []string
		extract string
		value   string
		found   bool
	}{
		{nil, `{"a":{"b":[1,"x y",{"c":null}]},"d\u0020e":true,"dup":1,"dup":2,"s":"q\"\u00e9"}`, "", true},
		{[]string{".a", ".b"}, `[1,"x y",{"c":null}]`, "", true},
		{[]string{".a", ".b", "[1"}, `"x y"`, "x y", true},
		{[]string{".a", ".b", "[-1", ".c"}, `null`, "", true},
		{[]string{"/a", "/b", "/0"}, `1`, "1", true},
		{[]string{"/a", "/b", "/00"}, "", "", false},
		{[]string{".a", ".b", "[-4"}, "", "", false},
		{[]string{".a", ".b", "[3"}, "", "", false},
		{[]string{".d e"}, `true`, "true", true},
		{[]string{".dup"}, `1`, "1", true},
		{[]string{".s"}, `"q\"\u00e9"`, "q\"é", true},
		{[]string{".a", "[0"}, "", "", false},
		{[]string{".x"}, "", "", false},
	} {
		got, ok, err := JSONExtract(doc, c.steps...)
		if err != nil || ok != c.found || got != c.extract {
			t.Errorf("JSONExtract(%q) = %q, %v, %v; want %q, %v", c.steps, got, ok, err, c.extract, c.found)
		}
		v, ok, err := JSONValue(doc, c.steps...)
		if err != nil || v != c.value || ok != (c.value != "") {
			t.Errorf("JSONValue(%q) = %q, %v, %v; want %q", c.steps, v, ok, err, c.value)
		}
		if e, err := JSONExists(doc, c.steps...); err != nil || e != c.found {
			t.Errorf("JSONExists(%q) = %v, %v; want %v", c.steps, e, err, c.found)
		}
	}
}

// TestJSONPathAllocs checks that a compact value or an unescaped string comes back without allocating.
func TestJSONPathAllocs(t *testing.T) {
	const doc = `{"id":17,"user":{"name":"ann","tags":["a","b"]},"amount":12.5}`
	if n := testing.AllocsPerRun(100, func() {
		_, _, _ = JSONValue(doc, ".user", ".name")
		_, _, _ = JSONExtract(doc, ".user", ".tags")
		_, _ = JSONExists(doc, ".amount")
	}); n != 0 {
		t.Errorf("%v allocations per run; want 0", n)
	}
}

// FuzzJSONPath: the scanner never panics, accepts only what encoding/json accepts (it is stricter about
// surrogates), and finds a value only in a valid document.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":null}]}`, `[1,2,3]`, `"x\u00e9"`, `{"a":1,}`, `{"a" 1}`, ` 12 `, `{"\ud83d\ude00":true}`} {
		f.Add(s, "a", int64(1))
	}
	f.Fuzz(func(t *testing.T, doc, key string, idx int64) {
		for _, steps := range [][]string{nil, {"." + key}, {"[" + strconv.FormatInt(idx, 10)}, {"/" + key, "[" + strconv.FormatInt(idx, 10)}} {
			found, err := JSONExists(doc, steps...)
			if err == nil && !json.Valid([]byte(doc)) {
				t.Fatalf("JSONExists(%q) accepts what encoding/json rejects", doc)
			}
			if err != nil && found {
				t.Fatalf("JSONExists(%q) found a value in a malformed document", doc)
			}
			v, ok, err2 := JSONExtract(doc, steps...)
			if (err == nil) != (err2 == nil) || ok != found {
				t.Fatalf("JSONExtract(%q, %q) = %q, %v, %v; JSONExists said %v, %v", doc, steps, v, ok, err2, found, err)
			}
			if ok && !json.Valid([]byte(v)) {
				t.Fatalf("JSONExtract(%q, %q) = %q, not JSON", doc, steps, v)
			}
			_, _, _ = JSONValue(doc, steps...)
		}
	})
}
