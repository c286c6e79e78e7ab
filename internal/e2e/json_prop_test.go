package e2e

// The JSON property test: for every JSON source schema of codegen's golden cases, and a schema with every type
// nullable and NOT NULL, a job reads records written in many legal spellings (whitespace, key order, escapes,
// number spellings, Python's separators, repeated keys, nested values under unknown keys, numbers in strings) and
// writes every column (SELECT *). Each row must hold the values encoding/json gives for the record as first
// written, converted exactly with math/big to the column's type. Records with a fault (truncated, trailing
// garbage, bad escapes, lone surrogates, leading zeros, NaN, unquoted keys, single quotes, trailing commas, ...)
// must each be dead-lettered with the offset of the fault.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/jsonvariant"
)

// propSchema is one source schema the property test feeds.
type propSchema struct {
	name   string // job name
	from   string // where the schema comes from
	fields []propField
	script string
}

// propField is one column.
type propField struct {
	name     string
	typ      compiler.Type
	nullable bool
	seconds  bool // a TIMESTAMP read as epoch seconds
}

// propSchemas are the schemas, set by init; propSchemasErr says why there are none.
var (
	propSchemas    []*propSchema
	propSchemasErr error
)

func init() {
	propSchemas, propSchemasErr = loadPropSchemas()
	for _, s := range propSchemas {
		jobScripts[s.name] = s.script
	}
}

// allTypesSchema has every type, nullable and NOT NULL, a TIMESTAMP in epoch seconds, and keys that need escapes.
const allTypesSchema = `CREATE STREAM src (b BOOLEAN, i INT, q BIGINT, f DOUBLE, d DECIMAL(12,4), d0 DECIMAL(18,0),
  dw DECIMAL(38,10), s VARCHAR, t TIMESTAMP, secs TIMESTAMP,
  nb BOOLEAN NOT NULL, ni INT NOT NULL, nq BIGINT NOT NULL, nf DOUBLE NOT NULL, nd DECIMAL(9,9) NOT NULL,
  ns VARCHAR NOT NULL, nt TIMESTAMP NOT NULL, "prix é/q""t" DECIMAL(6,2), "Id" BIGINT)
  WITH ('path'='x.jsonl', 'event.time.field'='secs', 'event.time.format'='epoch_seconds');
SELECT * FROM src;`

// loadPropSchemas reads the schemas: the JSON sources of codegen/testdata/*.txtar (CSV ones have no JSON decoder
// worth the name here) and allTypesSchema, each as a job reading in.jsonl and writing every column to out.jsonl.
// propScalars reports whether every column of src is of a type the record generator writes: the flat types of
// propValue. Nested values are spelled and faulted by rt's json_nested_test.go and the conformance suite.
func propScalars(src *compiler.Source) bool {
	for _, f := range src.Fields {
		switch f.Type.Kind {
		case compiler.Bool, compiler.Int, compiler.BigInt, compiler.Double, compiler.Decimal, compiler.Varchar, compiler.Timestamp:
		default:
			return false
		}
	}
	return true
}

func loadPropSchemas() ([]*propSchema, error) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "codegen", "testdata", "*.txtar"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no codegen/testdata/*.txtar: %v", err)
	}
	sort.Strings(paths)
	type script struct{ from, sql string }
	scripts := []script{{"alltypes", allTypesSchema}}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		sql, ok := txtarSection(string(data), "job.sql")
		if !ok {
			return nil, fmt.Errorf("%s: no job.sql section", p)
		}
		scripts = append(scripts, script{p, sql})
	}
	var out []*propSchema
	for _, sc := range scripts {
		// Compiled as codegen's golden test does, so that the files a script names are found.
		plan, diags := compiler.Compile(filepath.Join("..", "..", "codegen", "job.sql"), []byte(sc.sql), nil)
		if plan == nil || diags.HasErrors() {
			return nil, fmt.Errorf("%s does not compile:\n%v", sc.from, diags)
		}
		for _, src := range plan.Sources {
			if src.Format == "csv" || (src.Format == "" && strings.HasSuffix(src.URI, ".csv")) || !propScalars(src) {
				continue
			}
			s := &propSchema{from: sc.from + ": " + src.Name}
			s.name = "jsonprop_" + strings.TrimSuffix(filepath.Base(sc.from), ".txtar") + "_" + src.GoName
			var cols []string
			for _, f := range src.Fields {
				pf := propField{name: f.Name, typ: f.Type, nullable: f.Nullable}
				et := src.EventTime
				pf.seconds = f.Type.Kind == compiler.Timestamp && et != nil && et.Name == f.Name && et.TimeFormat == "epoch_seconds"
				s.fields = append(s.fields, pf)
				col := `"` + strings.ReplaceAll(f.Name, `"`, `""`) + `" ` + f.Type.String()
				if !f.Nullable {
					col += " NOT NULL"
				}
				cols = append(cols, col)
			}
			with := `'path'='in.jsonl', 'format'='jsonl', 'on.error'='dead_letter', 'dead_letter.path'='dead.jsonl'`
			if et := src.EventTime; et != nil {
				with += fmt.Sprintf(", 'event.time.field'='%s'", et.Name)
				if et.TimeFormat != "" {
					with += fmt.Sprintf(", 'event.time.format'='%s'", et.TimeFormat)
				}
			}
			s.script = fmt.Sprintf("CREATE STREAM src (%s) WITH (%s);\n", strings.Join(cols, ", "), with) +
				"CREATE STREAM out AS SELECT * FROM src WITH ('out.type'='file_sink', 'out.path'='out.jsonl');\n"
			out = append(out, s)
		}
	}
	return out, nil
}

// txtarSection returns the body of the section "-- name --" of a txtar archive: the lines up to the next line
// "-- NAME --".
func txtarSection(ar, name string) (string, bool) {
	var body strings.Builder
	in, found := false, false
	for _, line := range strings.SplitAfter(ar, "\n") {
		l := strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && len(l) > 6 {
			in = l == "-- "+name+" --"
			found = found || in
			continue
		}
		if in {
			body.WriteString(line)
		}
	}
	return body.String(), found
}

// propLine is one line of a property test's input.
type propLine struct {
	text     string
	original string            // the record as first written, compactly
	want     row               // the output row, for a valid line
	fault    jsonvariant.Fault // for an invalid line
	at       int               // offset of the fault
	invalid  bool
}

func TestJSONProperty(t *testing.T) {
	needBuild(t)
	if propSchemasErr != nil {
		t.Fatal(propSchemasErr)
	}
	rng := rand.New(rand.NewPCG(2024, 9))
	for _, s := range propSchemas {
		seed := rng.Uint64()
		t.Run(strings.TrimPrefix(s.name, "jsonprop_"), func(t *testing.T) {
			t.Logf("schema of %s", s.from)
			runJSONProperty(t, s, rand.New(rand.NewPCG(seed, 1)))
		})
	}
}

// runJSONProperty feeds one schema's job 300 records, each in 8 legal spellings and with 3 faults.
func runJSONProperty(t *testing.T, s *propSchema, rng *rand.Rand) {
	const records, spellings, faults = 300, 8, 3
	var lines []propLine
	for r := 0; r < records; r++ {
		rec := propRecord(rng, s)
		compact := jsonvariant.Compact(rec)
		orig, err := jsonvariant.Decode(compact)
		if err != nil {
			t.Fatalf("generator: %v\n%s", err, compact)
		}
		want := propOracle(t, s, orig.(map[string]any), compact)
		for v := 0; v < spellings; v++ {
			line := compact
			if v > 0 {
				line = jsonvariant.Write(rng, propVariant(rng, s, rec), propStyle(rng, v))
			}
			// The spelling must mean the record to encoding/json too (a number in a string aside).
			if got, err := jsonvariant.Decode(line); err != nil || !sameRecord(s, got.(map[string]any), orig.(map[string]any)) {
				t.Fatalf("generator: the spelling is not the record (%v):\n%s\n%s", err, compact, line)
			}
			lines = append(lines, propLine{text: line, original: compact, want: want})
		}
		for k := 0; k < faults; k++ {
			f := jsonvariant.Faults[rng.IntN(len(jsonvariant.Faults))]
			line, at, ok := jsonvariant.Corrupt(rng, propVariant(rng, s, rec), propStyle(rng, rng.IntN(4)), f)
			if ok {
				lines = append(lines, propLine{text: line, original: compact, fault: f, at: at, invalid: true})
			}
		}
	}
	rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })

	dir := t.TempDir()
	var in strings.Builder
	var valid []propLine
	invalid := map[int]propLine{} // by line number
	for i, l := range lines {
		in.WriteString(l.text + "\n")
		if l.invalid {
			invalid[i+1] = l
		} else {
			valid = append(valid, l)
		}
	}
	writeFile(t, dir, "in.jsonl", []byte(in.String()))
	res := runJob(t, s.name, dir, "--bounded")
	if res.Code != 0 {
		t.Fatalf("the job exited with %d:\n%s", res.Code, res.Stderr)
	}

	// Exactly the invalid lines are dead letters, each with the offset of its fault.
	seen := map[int]bool{}
	offset := regexp.MustCompile(`invalid JSON at offset (\d+): `)
	for _, dl := range strings.Split(strings.TrimSuffix(readFile(t, dir, "dead.jsonl"), "\n"), "\n") {
		if dl == "" {
			continue
		}
		var e struct {
			Line  int
			Error string
		}
		if err := json.Unmarshal([]byte(dl), &e); err != nil {
			t.Fatalf("dead letter %s: %v", dl, err)
		}
		l, ok := invalid[e.Line]
		if !ok {
			if e.Line < 1 || e.Line > len(lines) {
				t.Fatalf("dead letter of line %d, which does not exist: %s", e.Line, dl)
			}
			l = lines[e.Line-1]
			t.Fatalf("valid line %d is a bad record: %s\nline:     %s\noriginal: %s", e.Line, e.Error, strconv.Quote(l.text), l.original)
		}
		seen[e.Line] = true
		// The reader drops a CR before the line feed, so the decoder may see a shorter line.
		l.text = strings.TrimSuffix(l.text, "\r")
		l.at = min(l.at, len(l.text))
		m := offset.FindStringSubmatch(e.Error)
		if m == nil {
			t.Fatalf("line %d (%v at offset %d): the error names no offset: %s\nline: %s", e.Line, l.fault, l.at, e.Error, strconv.Quote(l.text))
		}
		if off, _ := strconv.Atoi(m[1]); off < l.at || off > len(l.text) {
			t.Fatalf("line %d (%v at offset %d): error at offset %d: %s\nline: %s", e.Line, l.fault, l.at, off, e.Error, strconv.Quote(l.text))
		}
	}
	for n, l := range invalid {
		if !seen[n] {
			t.Fatalf("line %d with a fault (%v at offset %d) was read as a record:\nline:     %s\noriginal: %s",
				n, l.fault, l.at, strconv.Quote(l.text), l.original)
		}
	}
	if got, want := statsLine(t, res.Stderr, "src"), fmt.Sprintf("src: read %d, bad %d, late 0", len(lines), len(invalid)); got != want {
		t.Errorf("stats: %q, want %q", got, want)
	}

	// Every valid line is a row with the oracle's values.
	rows := parseRows(t, readFile(t, dir, "out.jsonl"))
	if len(rows) != len(valid) {
		t.Fatalf("%d rows for %d valid lines", len(rows), len(valid))
	}
	for i, l := range valid {
		if !sameRow(rows[i], l.want) {
			t.Fatalf("row %d differs from encoding/json's reading of the record\n got %v\nwant %v\nline:     %s\noriginal: %s",
				i+1, rows[i], l.want, strconv.Quote(l.text), l.original)
		}
	}
	t.Logf("%d lines: %d valid, %d with a fault", len(lines), len(valid), len(invalid))
}

// propStyle returns the style of the v-th spelling of a record: Python's separators, whitespace everywhere as an
// indenting writer would put it on one line, or anything in between.
func propStyle(rng *rand.Rand, v int) jsonvariant.Style {
	switch v {
	case 1:
		return jsonvariant.Style{Python: true}
	case 2:
		return jsonvariant.Style{Python: true, Space: 1, Escape: 0.2, Respell: 0.5}
	}
	return jsonvariant.RandomStyle(rng)
}

// propRecord returns a random record of schema s: every NOT NULL column, and each nullable one with a value, null
// or left out. Values are what writers produce and the column's type holds exactly.
func propRecord(rng *rand.Rand, s *propSchema) jsonvariant.Value {
	var members []jsonvariant.Member
	for _, f := range s.fields {
		if f.nullable {
			switch rng.IntN(10) {
			case 0:
				continue
			case 1:
				members = append(members, jsonvariant.Member{Key: f.name, Value: jsonvariant.Null()})
				continue
			}
		}
		members = append(members, jsonvariant.Member{Key: f.name, Value: propValue(rng, f)})
	}
	return jsonvariant.Object(members...)
}

// propValue returns a random non-null value for column f.
func propValue(rng *rand.Rand, f propField) jsonvariant.Value {
	num := jsonvariant.Number
	switch f.typ.Kind {
	case compiler.Bool:
		if rng.IntN(6) == 0 {
			return num(strconv.Itoa(rng.IntN(2)))
		}
		return jsonvariant.Bool(rng.IntN(2) == 0)
	case compiler.Int:
		return num(strconv.FormatInt(int64(int32(propInt64(rng))), 10))
	case compiler.BigInt:
		return num(strconv.FormatInt(propInt64(rng), 10))
	case compiler.Double:
		switch rng.IntN(5) {
		case 0:
			return num([]string{"0", "-0", "5e-324", "1.7976931348623157e308", "2.2250738585072014e-308", "0.1",
				"9007199254740993", "1e23", "-1.5"}[rng.IntN(9)])
		case 1: // more digits than a float64 holds
			for {
				n := jsonvariant.RandomNumber(rng)
				if _, err := strconv.ParseFloat(n, 64); err == nil {
					return num(n)
				}
			}
		}
		for {
			x := math.Float64frombits(rng.Uint64())
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				return num(strconv.FormatFloat(x, 'g', -1, 64))
			}
		}
	case compiler.Decimal:
		p, sc := int(f.typ.Prec), int(f.typ.Scale)
		for {
			digits := make([]byte, 1+rng.IntN(p))
			for k := range digits {
				digits[k] = byte('0' + rng.IntN(10))
			}
			u, _ := new(big.Int).SetString(string(digits), 10)
			if rng.IntN(2) == 0 {
				u.Neg(u)
			}
			text := string(decText(u, sc))
			switch rng.IntN(4) {
			case 0: // more digits than the scale: rounded half away from zero
				if !strings.Contains(text, ".") {
					text += "."
				}
				text += strconv.Itoa(rng.IntN(1000))
			case 1: // fewer
				if strings.Contains(text, ".") {
					text = strings.TrimSuffix(strings.TrimRight(text, "0"), ".")
				}
			}
			r, _ := new(big.Rat).SetString(text)
			if roundHalfAway(new(big.Rat).Mul(r, ratPow10(sc))).CmpAbs(pow10(p)) < 0 {
				return num(text)
			}
		}
	case compiler.Timestamp:
		ms := rng.Int64N(7_000_000_000_000) - 2_000_000_000_000 // 1906 to 2191
		switch rng.IntN(4) {
		case 0: // ISO 8601 text with a zone
			zone := time.FixedZone("", (rng.IntN(48)-24)*1800)
			return jsonvariant.String(time.UnixMilli(ms).Add(time.Duration(rng.IntN(1e6))).In(zone).Format(time.RFC3339Nano))
		case 1: // a fraction finer than the unit
			if f.seconds {
				ms /= 1000
			}
			return num(strconv.FormatInt(ms, 10) + "." + strconv.Itoa(rng.IntN(1e6)))
		}
		if f.seconds {
			ms /= 1000
		}
		return num(strconv.FormatInt(ms, 10))
	}
	return jsonvariant.String(jsonvariant.RandomString(rng, 16))
}

// propInt64 draws integers of every size, the extremes included.
func propInt64(rng *rand.Rand) int64 {
	switch rng.IntN(5) {
	case 0:
		return []int64{0, 1, -1, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32}[rng.IntN(7)]
	case 1:
		return rng.Int64N(1000) - 500
	}
	return int64(rng.Uint64()) >> rng.IntN(64)
}

// propVariant returns the record with its members shuffled, a repeated key (an earlier value the last one
// overrides), keys of no column holding nested values, and numbers of numeric columns in strings, each at random.
func propVariant(rng *rand.Rand, s *propSchema, rec jsonvariant.Value) jsonvariant.Value {
	members := append([]jsonvariant.Member(nil), rec.Members...)
	field := map[string]propField{}
	for _, f := range s.fields {
		field[f.name] = f
	}
	if rng.IntN(3) > 0 {
		rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	}
	if rng.IntN(4) == 0 {
		for i := range members {
			f := field[members[i].Key]
			if members[i].Value.Kind != jsonvariant.KindNumber || f.typ.Kind == compiler.Bool {
				continue
			}
			if rng.IntN(2) == 0 {
				blanks := []string{"", "", " ", "\t", " \t "}
				text := blanks[rng.IntN(len(blanks))] + jsonvariant.Respell(rng, members[i].Value.Text) + blanks[rng.IntN(len(blanks))]
				members[i].Value = jsonvariant.String(text)
			}
		}
	}
	if len(members) > 0 && rng.IntN(4) == 0 {
		// A key repeated: every occurrence is read, the last one wins, so the earlier one holds another valid value.
		i := rng.IntN(len(members))
		f := field[members[i].Key]
		v := propValue(rng, f)
		if f.nullable && rng.IntN(3) == 0 {
			v = jsonvariant.Null()
		}
		j := rng.IntN(i + 1)
		members = append(members[:j], append([]jsonvariant.Member{{Key: f.name, Value: v}}, members[j:]...)...)
	}
	for n := rng.IntN(4); n > 0 && rng.IntN(2) == 0; n-- {
		// Keys of no column: other names, names differing only in case or by a space, the empty key.
		var key string
		switch rng.IntN(3) {
		case 0:
			if len(s.fields) > 0 {
				name := s.fields[rng.IntN(len(s.fields))].name
				if up := strings.ToUpper(name); up != name && field[up].name == "" {
					key = up
				} else {
					key = name + " "
				}
			}
		case 1:
			key = jsonvariant.RandomString(rng, 6)
		}
		if _, isColumn := field[key]; isColumn {
			continue
		}
		j := rng.IntN(len(members) + 1)
		members = append(members[:j], append([]jsonvariant.Member{{Key: key, Value: jsonvariant.Random(rng, 4)}}, members[j:]...)...)
	}
	return jsonvariant.Object(members...)
}

// sameRecord compares encoding/json's reading of a spelling with that of the record: the same columns with the
// same values, where a string holding a number (with blanks around it) may stand for the number.
func sameRecord(s *propSchema, got, want map[string]any) bool {
	for _, f := range s.fields {
		g, gok := got[f.name]
		w, wok := want[f.name]
		if gok != wok {
			return false
		}
		if s, isStr := g.(string); isStr {
			if n, isNum := w.(json.Number); isNum {
				g = json.Number(strings.Trim(s, " \t"))
				w = n
			}
		}
		if !jsonvariant.Same(g, w) {
			return false
		}
	}
	return true
}

// propOracle computes the output row of a record from encoding/json's reading of it: each column's value
// converted exactly to the column's type.
func propOracle(t *testing.T, s *propSchema, rec map[string]any, compact string) row {
	var out row
	for _, f := range s.fields {
		v, ok := rec[f.name]
		if !ok || v == nil {
			out = append(out, kv{f.name, nil})
			continue
		}
		bad := func() {
			t.Fatalf("generator: %v is not a value of %s %s: %s", v, f.name, f.typ, compact)
		}
		var want any
		switch x := v.(type) {
		case bool:
			want = x
		case string:
			if f.typ.Kind == compiler.Timestamp {
				tm, err := time.Parse(time.RFC3339Nano, x)
				if err != nil {
					bad()
				}
				want = tm.UnixMilli() // floors: the nanoseconds of a time are never negative
			} else {
				want = x
			}
		case json.Number:
			r, _ := new(big.Rat).SetString(string(x))
			switch f.typ.Kind {
			case compiler.Bool:
				want = r.Sign() != 0
			case compiler.Int, compiler.BigInt:
				if !r.IsInt() || !r.Num().IsInt64() {
					bad()
				}
				want = r.Num().Int64()
			case compiler.Double:
				fv, err := strconv.ParseFloat(string(x), 64)
				if err != nil {
					bad()
				}
				want = fv
			case compiler.Decimal:
				want = decText(roundHalfAway(r.Mul(r, ratPow10(int(f.typ.Scale)))), int(f.typ.Scale))
			case compiler.Timestamp:
				if f.seconds {
					r.Mul(r, big.NewRat(1000, 1))
				}
				q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int)) // Euclidean: the floor
				want = q.Int64()
			default:
				bad()
			}
		default:
			bad()
		}
		out = append(out, kv{f.name, want})
	}
	return out
}

func ratPow10(n int) *big.Rat { return new(big.Rat).SetInt(pow10(n)) }

// roundHalfAway rounds r to an integer, half away from zero.
func roundHalfAway(r *big.Rat) *big.Int { return divRound(r.Num(), r.Denom()) }
