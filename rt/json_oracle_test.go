// JSONDecoder against encoding/json: records in every spelling RFC 8259 allows decode to the values encoding/json
// gives (converted exactly with math/big), invalid records fail with the offset of the fault, and a fuzz target.

package rt

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/velocc/velocc/internal/jsonvariant"
)

// The oracle test's records have keys whose first letter says how the decoder reads them: s VARCHAR, f DOUBLE, d
// DECIMAL(38,10), i BIGINT, n INT, b BOOLEAN, t TIMESTAMP in epoch milliseconds, u in epoch seconds; x is a key no
// column has, holding any value. A key is the letter and a digit, so that keys repeat.
const oracleKinds = "sfdinbtux"

// oracleValue returns a random value for a key of kind k, as the JSON a writer would produce: exactly
// representable in the column's type (NULL included), so that every spelling of it must decode.
func oracleValue(rng *rand.Rand, k byte) jsonvariant.Value {
	if k != 'x' && rng.IntN(8) == 0 {
		return jsonvariant.Null()
	}
	switch k {
	case 's':
		return jsonvariant.String(jsonvariant.RandomString(rng, 12))
	case 'f':
		for {
			n := jsonvariant.RandomNumber(rng)
			if _, err := strconv.ParseFloat(n, 64); err == nil {
				return jsonvariant.Number(n)
			}
		}
	case 'd':
		for {
			n := jsonvariant.RandomNumber(rng)
			if r, _ := new(big.Rat).SetString(n); new(big.Rat).Abs(r).Cmp(big.NewRat(1e18, 1)) < 0 {
				return jsonvariant.Number(n)
			}
		}
	case 'i':
		return jsonvariant.Number(strconv.FormatInt(randomInt64(rng), 10))
	case 'n':
		return jsonvariant.Number(strconv.FormatInt(int64(int32(randomInt64(rng))), 10))
	case 'b':
		switch rng.IntN(3) {
		case 0:
			return jsonvariant.Number(strconv.Itoa(rng.IntN(2)))
		default:
			return jsonvariant.Bool(rng.IntN(2) == 0)
		}
	case 't', 'u':
		// Epoch times with a fraction finer than the millisecond, before and after 1970.
		v := rng.Int64N(4e12) - 1e12
		if k == 'u' {
			v /= 1000
		}
		text := strconv.FormatInt(v, 10)
		if rng.IntN(2) == 0 {
			text += "." + strconv.Itoa(rng.IntN(100000))
		}
		return jsonvariant.Number(text)
	}
	return jsonvariant.Random(rng, 3)
}

// randomInt64 draws integers of every size, the extremes included.
func randomInt64(rng *rand.Rand) int64 {
	switch rng.IntN(6) {
	case 0:
		return []int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32}[rng.IntN(7)]
	case 1:
		return rng.Int64N(1000) - 500
	}
	return int64(rng.Uint64()) >> rng.IntN(64)
}

// oracleRecord returns a random record: up to 12 fields, keys of every kind, some repeated.
func oracleRecord(rng *rand.Rand) jsonvariant.Value {
	members := make([]jsonvariant.Member, rng.IntN(13))
	for i := range members {
		k := oracleKinds[rng.IntN(len(oracleKinds))]
		members[i] = jsonvariant.Member{Key: string(k) + strconv.Itoa(rng.IntN(3)), Value: oracleValue(rng, k)}
	}
	return jsonvariant.Object(members...)
}

// readOracleFields decodes line as generated code does, each key by the reader its kind names, and renders the
// values read ("NULL" for null) by key; a repeated key keeps its last value.
func readOracleFields(d *JSONDecoder, line string) (map[string]string, error) {
	got := map[string]string{}
	d.Reset([]byte(line))
	if d.BeginObject() {
		for d.NextField() {
			key := string(d.Key())
			var text string
			var null bool
			switch key[0] {
			case 's':
				text, null = d.String()
			case 'f':
				var v float64
				v, null = d.Float64()
				text = strconv.FormatFloat(v, 'g', -1, 64)
			case 'd':
				var v Int128
				v, null = d.Decimal(38, 10)
				text = FormatDecimal(v, 10)
			case 'i':
				var v int64
				v, null = d.Int64()
				text = strconv.FormatInt(v, 10)
			case 'n':
				var v int32
				v, null = d.Int32()
				text = strconv.Itoa(int(v))
			case 'b':
				var v bool
				v, null = d.Bool()
				text = strconv.FormatBool(v)
			case 't', 'u':
				f := TimeEpochMillis
				if key[0] == 'u' {
					f = TimeEpochSeconds
				}
				var v int64
				v, null = d.Timestamp(f)
				text = strconv.FormatInt(v, 10)
			default:
				d.Skip()
				continue
			}
			if null {
				text = "NULL"
			}
			got[key] = text
		}
	}
	return got, d.Err()
}

// oracleFields computes what readOracleFields must return from encoding/json's decoding of the record, with exact
// conversions in math/big.
func oracleFields(t *testing.T, rec map[string]any) map[string]string {
	want := map[string]string{}
	for key, v := range rec {
		if key[0] == 'x' {
			continue
		}
		if v == nil {
			want[key] = "NULL"
			continue
		}
		var text string
		switch x := v.(type) {
		case string:
			text = x
		case bool:
			text = strconv.FormatBool(x)
		case json.Number:
			r, ok := new(big.Rat).SetString(string(x))
			if !ok {
				t.Fatalf("oracle: bad number %s", x)
			}
			switch key[0] {
			case 'f':
				f, _ := strconv.ParseFloat(string(x), 64)
				text = strconv.FormatFloat(f, 'g', -1, 64)
			case 'd':
				text = FormatDecimal(ratInt128(t, roundHalfAway(new(big.Rat).Mul(r, ratPow10(10)))), 10)
			case 'i', 'n':
				text = r.Num().String() // integral: the generator wrote an integer
			case 'b':
				text = strconv.FormatBool(r.Sign() != 0)
			case 't', 'u':
				if key[0] == 'u' {
					r.Mul(r, big.NewRat(1000, 1))
				}
				text = floorRat(r).String()
			}
		}
		want[key] = text
	}
	return want
}

func ratPow10(n int64) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil))
}

// roundHalfAway rounds r to an integer, half away from zero.
func roundHalfAway(r *big.Rat) *big.Int {
	q, m := new(big.Int).QuoRem(new(big.Int).Abs(r.Num()), r.Denom(), new(big.Int))
	if m.Lsh(m, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// floorRat returns the largest integer not above r.
func floorRat(r *big.Rat) *big.Int {
	q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int)) // Euclidean: the remainder is ≥ 0, so q is the floor
	return q
}

func ratInt128(t *testing.T, v *big.Int) Int128 {
	x, err := ParseDecimal([]byte(v.String()), 38, 0)
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return x
}

// TestJSONDecoderOracle: every spelling of a record (whitespace, escapes, number spellings, key order, repeated
// keys, nested values in unknown keys) decodes to the values encoding/json gives for it, converted exactly.
func TestJSONDecoderOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	var d JSONDecoder
	for i := 0; i < 20000; i++ {
		rec := oracleRecord(rng)
		compact := jsonvariant.Compact(rec)
		orig, err := jsonvariant.Decode(compact)
		if err != nil {
			t.Fatalf("oracle: %v: %s", err, compact)
		}
		want := oracleFields(t, orig.(map[string]any))
		for v := 0; v < 3; v++ {
			line := compact
			if v > 0 {
				line = jsonvariant.Write(rng, rec, jsonvariant.RandomStyle(rng))
			}
			if again, err := jsonvariant.Decode(line); err != nil || !jsonvariant.Same(again, orig) {
				t.Fatalf("the generator changed the record (%v):\n%s\n%s", err, compact, line)
			}
			got, err := readOracleFields(&d, line)
			if err != nil {
				t.Fatalf("record %d: %v\nline:    %s\ncompact: %s", i, err, strconv.Quote(line), compact)
			}
			for k, w := range want {
				if got[k] != w {
					t.Fatalf("record %d: field %q = %q, want %q\nline:    %s\ncompact: %s", i, k, got[k], w, strconv.Quote(line), compact)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("record %d: fields %v, want %v\nline: %s", i, got, want, strconv.Quote(line))
			}
		}
	}
}

// TestJSONDecoderFaults: a record with any fault (truncated, trailing garbage, bad escapes, lone surrogates,
// leading zeros, NaN and other literals JSON lacks, unquoted keys, single quotes, trailing commas, missing colons
// and commas, raw control characters) is invalid JSON at an offset at or after the fault, in a field read by a
// typed reader or in a skipped one.
func TestJSONDecoderFaults(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	var d JSONDecoder
	for i := 0; i < 3000; i++ {
		rec := oracleRecord(rng)
		for _, f := range jsonvariant.Faults {
			line, at, ok := jsonvariant.Corrupt(rng, rec, jsonvariant.RandomStyle(rng), f)
			if !ok {
				continue
			}
			if json.Valid([]byte(line)) != (f == jsonvariant.LoneSurrogate) {
				t.Fatalf("the generator's %v is not what encoding/json thinks: %s", f, strconv.Quote(line))
			}
			_, err := readOracleFields(&d, line)
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("%v accepted (err %v):\n%s\nfault at offset %d", f, err, strconv.Quote(line), at)
			}
			if re.Offset < at || re.Offset > len(line) || !strings.Contains(re.Reason, "invalid JSON at offset "+strconv.Itoa(re.Offset)+": ") {
				t.Fatalf("%v: %v (offset %d); the fault is at offset %d:\n%s", f, err, re.Offset, at, strconv.Quote(line))
			}
		}
	}
}

// FuzzJSONDecoder: the decoder accepts exactly the lines encoding/json accepts as one JSON object (except lone
// surrogates, which it rejects, and nesting deeper than it follows), and reads strings and numbers as encoding/json
// does.
func FuzzJSONDecoder(f *testing.F) {
	for _, s := range []string{`{}`, `{"a": 1, "b": [1, {"c": null}], "d": "\u00e9\ud83d\ude00\/"}`, ` {"a":-0.5e+3 } `,
		`{"a":01}`, `{"a":"\ud800"}`, `{"a":1,}`, `{"a" :true,"a":"x"}`, "{\"a\":\"\t\"}", `{"a":NaN}`, `[1]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var d JSONDecoder
		d.Reset([]byte(line))
		strs := map[string]string{}
		nums := map[string]float64{}
		if d.BeginObject() {
			for d.NextField() {
				key := string(d.Key())
				if d.pos >= len(d.line) {
					d.Skip() // the line ends after the colon: an error
					continue
				}
				switch d.line[d.pos] {
				case '"':
					s, _ := d.String()
					strs[key] = s
					delete(nums, key)
				case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
					start := d.pos
					v, _ := d.Float64()
					if d.failed && strings.Contains(d.err.Reason, "out of range") {
						// A valid number beyond float64: read on as if skipped.
						d.failed, d.pos = false, start
						d.readNumber()
						v = math.NaN()
					}
					nums[key] = v
					delete(strs, key)
				default:
					d.Skip()
					delete(strs, key)
					delete(nums, key)
				}
			}
		}
		err := d.Err()
		trimmed := strings.TrimLeft(line, " \t\r\n")
		wantValid := json.Valid([]byte(line)) && strings.HasPrefix(trimmed, "{")
		if wantValid && (hasSurrogateEscape(line) || strings.Count(line, "[")+strings.Count(line, "{") > maxJSONDepth) {
			return // the decoder may reject these: lone surrogates are bad records, and nesting has a limit
		}
		if (err == nil) != wantValid {
			t.Fatalf("decoder error %v, encoding/json valid %v: %q", err, wantValid, line)
		}
		if err != nil {
			return
		}
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		for k, s := range strs {
			if !utf8.ValidString(k) || !utf8.ValidString(s) {
				continue // encoding/json replaces invalid UTF-8 by U+FFFD; the decoder keeps the bytes
			}
			if w, ok := obj[k].(string); !ok || w != s {
				t.Fatalf("key %q: decoder %q, encoding/json %q: %q", k, s, obj[k], line)
			}
		}
		for k, v := range nums {
			if !utf8.ValidString(k) {
				continue
			}
			n, ok := obj[k].(json.Number)
			if !ok {
				t.Fatalf("key %q: decoder %v, encoding/json %v: %q", k, v, obj[k], line)
			}
			if w, err := strconv.ParseFloat(string(n), 64); err == nil && w != v {
				t.Fatalf("key %q: decoder %v, encoding/json %v: %q", k, v, w, line)
			}
		}
	})
}

// hasSurrogateEscape reports whether line may hold a \u escape of a UTF-16 surrogate.
func hasSurrogateEscape(line string) bool {
	for i := 0; i+3 < len(line); i++ {
		if line[i] == '\\' && line[i+1] == 'u' && (line[i+2] == 'd' || line[i+2] == 'D') && strings.ContainsRune("89abcdefABCDEF", rune(line[i+3])) {
			return true
		}
	}
	return false
}

// TestExactConversions: integers and epoch times read from number text in any spelling equal what math/big
// computes from the exact value: the integer if the value is one and fits, the floor of the value in milliseconds.
func TestExactConversions(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	minI, maxI := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	edges := []string{"9223372036854775807.5", "-9223372036854775808.5", "-9223372036854775808", "9223372036854775808",
		"9223372036854775.8075e3", "-9223372036854775.808e3", "-9223372036854775.8081e3", "9223372036854775807e0",
		"92233720368547758.08e2", "-0.0001", "-1e-400", "0.999999e-3", "9223372036854775.807", "-9223372036854775.8085"}
	for i := 0; i < 200000; i++ {
		text := jsonvariant.RandomNumber(rng)
		switch rng.IntN(4) {
		case 0:
			text = jsonvariant.Respell(rng, strconv.FormatInt(randomInt64(rng), 10))
		case 1:
			text = jsonvariant.Respell(rng, text)
		}
		if i < len(edges) {
			text = edges[i]
		}
		r, ok := new(big.Rat).SetString(text)
		if !ok {
			t.Fatalf("oracle: %s", text)
		}
		got, res := exactInt64([]byte(text))
		switch {
		case !r.IsInt():
			if res != convFraction {
				t.Fatalf("exactInt64(%s) = %d, %d; want a fraction", text, got, res)
			}
		case r.Num().Cmp(minI) < 0 || r.Num().Cmp(maxI) > 0:
			if res != convRange {
				t.Fatalf("exactInt64(%s) = %d, %d; want out of range", text, got, res)
			}
		case res != convOK || got != r.Num().Int64():
			t.Fatalf("exactInt64(%s) = %d, %d; want %s", text, got, res, r.Num())
		}
		for _, f := range []TimeFormat{TimeEpochMillis, TimeEpochSeconds} {
			ms := new(big.Rat).Set(r)
			if f == TimeEpochSeconds {
				ms.Mul(ms, big.NewRat(1000, 1))
			}
			want := floorRat(ms)
			got, res := exactEpoch([]byte(text), f)
			if want.Cmp(minI) < 0 || want.Cmp(maxI) > 0 {
				if res != convRange {
					t.Fatalf("exactEpoch(%s, %d) = %d, %d; want out of range", text, f, got, res)
				}
			} else if res != convOK || got != want.Int64() {
				t.Fatalf("exactEpoch(%s, %d) = %d, %d; want %s", text, f, got, res, want)
			}
		}
	}
}
