// Nested column types (STRUCT, ARRAY, MAP): their type strings, their generators, and how their values are written.
package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"

	"github.com/velocc/velocc/compiler"
)

// nkind is the shape of an ntype.
type nkind int

const (
	nScalar nkind = iota
	nStruct
	nList
	nMap
)

// ntype is a column type as the data section, the DuckDB load and the comparison see it: one of velocc's scalar
// types, or a STRUCT, ARRAY or MAP of ntypes to any depth. compiler.Type cannot hold nested types yet, so the
// conformance module parses their type strings itself (parseNType).
type ntype struct {
	kind   nkind
	scalar compiler.Type // nScalar
	fields []nfield      // nStruct, in declared order
	elem   *ntype        // nList
	key    *ntype        // nMap
	val    *ntype        // nMap

	// Comparison of a scalar leaf (set by the comparison, not the parser).
	approx bool    // compared within tolerance
	abs    float64 // absolute tolerance of an approximate leaf
}

// nfield is one field of a STRUCT.
type nfield struct {
	name string
	t    *ntype
}

// String spells the type in DuckDB's syntax: STRUCT(a INT, "b c" VARCHAR), INT[], MAP(VARCHAR, BIGINT).
func (t *ntype) String() string {
	switch t.kind {
	case nStruct:
		parts := make([]string, len(t.fields))
		for i, f := range t.fields {
			parts[i] = fieldName(f.name) + " " + f.t.String()
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case nList:
		return t.elem.String() + "[]"
	case nMap:
		return "MAP(" + t.key.String() + ", " + t.val.String() + ")"
	}
	return t.scalar.String()
}

// duckDB spells the type for DuckDB (INT is INTEGER there too, so String serves).
func (t *ntype) duckDB() string { return t.String() }

// fieldName quotes a STRUCT field name unless it is a plain lower-case identifier.
func fieldName(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// nested reports whether t is a STRUCT, ARRAY or MAP.
func (t *ntype) nested() bool { return t != nil && t.kind != nScalar }

// hasApprox reports whether some leaf of t is compared within tolerance.
func (t *ntype) hasApprox() bool {
	switch t.kind {
	case nStruct:
		for _, f := range t.fields {
			if f.t.hasApprox() {
				return true
			}
		}
		return false
	case nList:
		return t.elem.hasApprox()
	case nMap:
		return t.key.hasApprox() || t.val.hasApprox()
	}
	return t.approx
}

// field returns the index of the STRUCT field name: the exact name, else the only one equal to it ignoring case.
func (t *ntype) field(name string) int {
	at := -1
	for i, f := range t.fields {
		if f.name == name {
			return i
		}
		if strings.EqualFold(f.name, name) {
			at = i
		}
	}
	return at
}

// parseNType reads a type string: velocc's scalar types (BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p,s), VARCHAR,
// TIMESTAMP), and nested types in DuckDB's syntax (STRUCT(a T, ...), T[], MAP(K, V)) or ksqlDB's (STRUCT<a T, ...>,
// ARRAY<T>, MAP<K, V>), to any depth. With duck, it also reads the scalar type names DuckDB reports for a result's
// columns (INTEGER, SMALLINT, HUGEINT, FLOAT, TIMESTAMP WITH TIME ZONE, "NULL", ...), as the velocc type they
// compare as.
func parseNType(s string, duck bool) (*ntype, error) {
	p := &typeParser{src: s, duck: duck}
	p.lex()
	if p.err != nil {
		return nil, p.err
	}
	t := p.typ()
	if p.err == nil && p.pos < len(p.toks) {
		p.fail("unexpected %q", p.toks[p.pos].text)
	}
	if p.err != nil {
		return nil, fmt.Errorf("type %q: %v", s, p.err)
	}
	return t, nil
}

type typeTok struct {
	text   string
	quoted bool // a "quoted" identifier
}

type typeParser struct {
	src  string
	duck bool
	toks []typeTok
	pos  int
	err  error
}

func (p *typeParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format, args...)
	}
}

func (p *typeParser) lex() {
	s := p.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("()<>[],", c) >= 0:
			p.toks = append(p.toks, typeTok{text: string(c)})
			i++
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						b.WriteByte('"')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				p.fail("unterminated quoted name")
				return
			}
			p.toks = append(p.toks, typeTok{text: b.String(), quoted: true})
			i = j + 1
		default:
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= '0' && s[j] <= '9' || unicode.IsLetter(rune(s[j])) || s[j] >= 0x80) {
				j++
			}
			if j == i {
				p.fail("unexpected %q", string(c))
				return
			}
			p.toks = append(p.toks, typeTok{text: s[i:j]})
			i = j
		}
	}
}

func (p *typeParser) peek() string {
	if p.err != nil || p.pos >= len(p.toks) || p.toks[p.pos].quoted {
		return ""
	}
	return p.toks[p.pos].text
}

func (p *typeParser) expect(text string) {
	if p.peek() != text {
		got := "the end"
		if p.pos < len(p.toks) {
			got = strconv.Quote(p.toks[p.pos].text)
		}
		p.fail("want %q, got %s", text, got)
		return
	}
	p.pos++
}

// typ: base ("[" "]")*
func (p *typeParser) typ() *ntype {
	t := p.base()
	for p.err == nil && p.peek() == "[" {
		p.pos++
		p.expect("]")
		t = &ntype{kind: nList, elem: t}
	}
	return t
}

func (p *typeParser) base() *ntype {
	word := strings.ToUpper(p.peek())
	if p.pos+1 < len(p.toks) {
		next := p.toks[p.pos+1].text
		switch {
		case word == "STRUCT" && (next == "(" || next == "<"):
			p.pos += 2
			closer := map[string]string{"(": ")", "<": ">"}[next]
			t := &ntype{kind: nStruct}
			for p.err == nil {
				if p.pos >= len(p.toks) {
					p.fail("unterminated STRUCT")
					break
				}
				name := p.toks[p.pos].text
				if !p.toks[p.pos].quoted && strings.IndexByte("()<>[],", name[0]) >= 0 {
					p.fail("want a field name, got %q", name)
					break
				}
				p.pos++
				for _, f := range t.fields {
					if strings.EqualFold(f.name, name) {
						p.fail("field %q twice", name)
					}
				}
				t.fields = append(t.fields, nfield{name: name, t: p.typ()})
				if p.peek() != "," {
					break
				}
				p.pos++
			}
			p.expect(closer)
			return t
		case word == "MAP" && (next == "(" || next == "<"):
			p.pos += 2
			closer := map[string]string{"(": ")", "<": ">"}[next]
			t := &ntype{kind: nMap, key: p.typ()}
			p.expect(",")
			t.val = p.typ()
			p.expect(closer)
			return t
		case (word == "ARRAY" || word == "LIST") && next == "<":
			p.pos += 2
			t := &ntype{kind: nList, elem: p.typ()}
			p.expect(">")
			return t
		}
	}
	return p.scalarType()
}

// scalarType reads a scalar type: one or more words (TIMESTAMP WITH TIME ZONE), then (p, s) for DECIMAL.
func (p *typeParser) scalarType() *ntype {
	var words []string
	for w := p.peek(); w != "" && strings.IndexByte("()<>[],", w[0]) < 0; w = p.peek() {
		words = append(words, strings.ToUpper(w))
		p.pos++
	}
	if len(words) == 0 {
		p.fail("want a type")
		return &ntype{}
	}
	name := strings.Join(words, " ")
	if name == "DECIMAL" || name == "NUMERIC" {
		prec, scale := int64(18), int64(3)
		if p.peek() == "(" {
			p.pos++
			prec = p.number()
			p.expect(",")
			scale = p.number()
			p.expect(")")
		}
		if p.err == nil && (prec < 1 || prec > compiler.MaxPrecision || scale < 0 || scale > prec) {
			p.fail("bad DECIMAL precision or scale (%d,%d)", prec, scale)
		}
		return &ntype{scalar: compiler.Dec(int32(prec), int32(scale))}
	}
	names := map[string]compiler.Type{
		"BOOLEAN": compiler.TBool, "BOOL": compiler.TBool, "INT": compiler.TInt, "INTEGER": compiler.TInt,
		"BIGINT": compiler.TBigInt, "DOUBLE": compiler.TDouble, "VARCHAR": compiler.TVarchar,
		"TIMESTAMP": compiler.TTimestamp, "DATE": compiler.TDate, "TIME": compiler.TTime, "BLOB": compiler.TBytes,
		"BYTES": compiler.TBytes,
	}
	if p.duck {
		for _, n := range []string{"TINYINT", "SMALLINT", "UTINYINT", "USMALLINT"} {
			names[n] = compiler.TInt
		}
		for _, n := range []string{"UINTEGER", "UBIGINT", "HUGEINT", "UHUGEINT"} {
			names[n] = compiler.TBigInt
		}
		for _, n := range []string{"FLOAT", "REAL", "DOUBLE PRECISION"} {
			names[n] = compiler.TDouble
		}
		for _, n := range []string{"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP_NS"} {
			names[n] = compiler.TTimestamp
		}
		names["NULL"] = compiler.TNull
		names["STRING"], names["TEXT"] = compiler.TVarchar, compiler.TVarchar
	}
	t, ok := names[name]
	if !ok {
		p.fail("unknown type %q (want BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p,s), VARCHAR, TIMESTAMP, STRUCT(...), T[] or MAP(K, V))", name)
	}
	return &ntype{scalar: t}
}

func (p *typeParser) number() int64 {
	n, err := strconv.ParseInt(p.peek(), 10, 32)
	if err != nil {
		p.fail("want a number, got %q", p.peek())
		return 0
	}
	p.pos++
	return n
}

// nestCell is a generated STRUCT, ARRAY or MAP value.
type nestCell struct {
	kind  nkind
	names []string // nStruct: the fields' names, as JSON strings
	keys  []cell   // nMap: the keys
	kids  []cell   // nStruct: the fields' values; nList: the elements; nMap: the values
}

// nestedCell builds the cell of a nested value: its compact JSON (every NULL written as null), which is also the
// CSV field's text.
func nestedCell(n *nestCell) cell {
	var b bytes.Buffer
	writeNested(&b, n, nil, nil)
	text := b.String()
	return cell{json: text, csv: `"` + strings.ReplaceAll(text, `"`, `""`) + `"`, nest: n}
}

// writeNested writes a nested value as JSON: a STRUCT as an object of its fields in declared order, an ARRAY as an
// array, a MAP as an object {"key": value} (a key that is not a VARCHAR is written as the JSON string of its text,
// as DuckDB's to_json writes it). With absent, a NULL field of a STRUCT is left out half of the time (as a NULL
// column is); with space, whitespace is added where JSON allows it (the pretty style). NULL elements and map values
// are always written as null.
func writeNested(b *bytes.Buffer, n *nestCell, absent func() bool, space func()) {
	sp := func() {
		if space != nil {
			space()
		}
	}
	comma := func() {
		if space != nil {
			b.WriteString(", ")
		} else {
			b.WriteByte(',')
		}
	}
	colon := func() {
		sp()
		if space != nil {
			b.WriteString(": ")
		} else {
			b.WriteByte(':')
		}
		sp()
	}
	open, end := byte('{'), byte('}')
	if n.kind == nList {
		open, end = '[', ']'
	}
	b.WriteByte(open)
	first := true
	for i, k := range n.kids {
		if n.kind == nStruct && k.null && absent != nil && absent() {
			continue
		}
		sp()
		if !first {
			comma()
			sp()
		}
		first = false
		switch n.kind {
		case nStruct:
			b.WriteString(n.names[i])
			colon()
		case nMap:
			b.WriteString(mapKeyJSON(n.keys[i]))
			colon()
		}
		writeValue(b, k, absent, space)
	}
	sp()
	b.WriteByte(end)
}

// writeValue writes one value of a record or of a nested value.
func writeValue(b *bytes.Buffer, c cell, absent func() bool, space func()) {
	switch {
	case c.null:
		b.WriteString("null")
	case c.nest != nil:
		writeNested(b, c.nest, absent, space)
	default:
		b.WriteString(c.json)
	}
}

// mapKeyJSON is a map key as a JSON object key: a VARCHAR key's JSON string, any other key's text as a string.
func mapKeyJSON(k cell) string {
	if strings.HasPrefix(k.json, `"`) {
		return k.json
	}
	return `"` + k.json + `"`
}

// mapKeyText is the text of a key, for telling keys apart: the string a VARCHAR key's JSON spells (escaped or not),
// or any other key's JSON text.
func mapKeyText(k cell) string {
	var s string
	if err := json.Unmarshal([]byte(k.json), &s); err == nil {
		return s
	}
	return k.json
}

// maxNestedDigits bounds the digits of a DECIMAL inside a nested column: DuckDB's JSON reader (the cast of JSON to
// a nested type) reads a number as a double, which holds 15 significant digits exactly.
const maxNestedDigits = 15

// prepareNested checks the generator of a STRUCT, ARRAY or MAP column (or field, element, key or value) and
// prepares its parts, each with a random stream of its own named by its path.
func (c *Column) prepareNested(seed int64, path string) error {
	t := c.nt
	want := map[nkind]string{nStruct: "struct", nList: "array", nMap: "map"}[t.kind]
	if c.Gen != want {
		return fmt.Errorf("a %s column needs gen: %s, got %q", t, want, c.Gen)
	}
	if c.NullRate < 0 || c.NullRate > 1 {
		return errors.New("null_rate must be between 0 and 1")
	}
	if len(c.Values) > 0 || len(c.Edges) > 0 || c.Min != "" || c.Max != "" || c.Zipf != 0 || c.Alphabet != "" ||
		c.Start != "" || c.StepMs != 0 || c.JitterMs != 0 {
		return fmt.Errorf("gen %s takes null_rate and %s only", c.Gen, map[nkind]string{
			nStruct: "fields", nList: "min_len, max_len and elem", nMap: "min_len, max_len, key and value"}[t.kind])
	}
	if t.kind != nStruct && len(c.Fields) > 0 || t.kind != nList && c.Elem != nil || t.kind != nMap && (c.Key != nil || c.Value != nil) {
		return fmt.Errorf("gen %s has no fields, elem, key or value but its own", c.Gen)
	}
	c.rng = newColumnRand(seed, path)
	c.sub = c.sub[:0]
	sub := func(s *Column, at string, st *ntype, what string) error {
		if s.Type != "" {
			given, err := parseNType(s.Type, false)
			if err != nil {
				return fmt.Errorf("%s: %v", what, err)
			}
			if given.String() != st.String() {
				return fmt.Errorf("%s: type %s is not the column type's %s (a part's type may be left out)", what, given, st)
			}
		}
		if err := s.prepareAs(seed, at, st, true); err != nil {
			return fmt.Errorf("%s: %v", what, err)
		}
		c.sub = append(c.sub, s)
		return nil
	}
	switch t.kind {
	case nStruct:
		for _, f := range c.Fields {
			if t.field(f.Name) < 0 {
				return fmt.Errorf("fields: %q is not a field of %s", f.Name, t)
			}
		}
		for _, tf := range t.fields {
			i := -1
			for k := range c.Fields {
				if strings.EqualFold(c.Fields[k].Name, tf.name) {
					if i >= 0 {
						return fmt.Errorf("fields: %q has two generators", tf.name)
					}
					i = k
				}
			}
			if i < 0 {
				return fmt.Errorf("fields: the field %q has no generator", tf.name)
			}
			if err := sub(&c.Fields[i], path+"."+strings.ToLower(tf.name), tf.t, "field "+strconv.Quote(tf.name)); err != nil {
				return err
			}
		}
	case nList, nMap:
		if c.MaxLen == 0 && c.MinLen == 0 {
			c.MaxLen = 4
		}
		if c.MinLen < 0 || c.MaxLen < c.MinLen {
			return errors.New("want 0 <= min_len <= max_len")
		}
		if t.kind == nList {
			if c.Elem == nil {
				return errors.New("gen array needs elem: {gen: ...}")
			}
			return sub(c.Elem, path+"[]", t.elem, "elem")
		}
		if c.Key == nil || c.Value == nil {
			return errors.New("gen map needs key: {gen: ...} and value: {gen: ...}")
		}
		switch t.key.scalar.Kind {
		case compiler.Varchar, compiler.Int, compiler.BigInt:
		default:
			return fmt.Errorf("a MAP key is VARCHAR, INT or BIGINT here (a JSON object's keys are strings), not %s", t.key)
		}
		if t.key.nested() {
			return fmt.Errorf("a MAP key is VARCHAR, INT or BIGINT here, not %s", t.key)
		}
		if c.Key.NullRate != 0 {
			return errors.New("key: a MAP key is never NULL: leave null_rate out")
		}
		if err := sub(c.Key, path+"{key}", t.key, "key"); err != nil {
			return err
		}
		return sub(c.Value, path+"{value}", t.val, "value")
	}
	return nil
}

// checkNestedLeaf rejects the leaves DuckDB's JSON cast cannot load exactly.
func (c *Column) checkNestedLeaf() error {
	switch c.typ.Kind {
	case compiler.Timestamp:
		return errors.New("a TIMESTAMP inside a nested column is not supported yet (the DuckDB load reads it from a JSON number of epoch milliseconds)")
	case compiler.Decimal:
		limit := pow10(maxNestedDigits)
		vals := []*big.Int{c.lo, c.hi}
		for _, v := range append(slicesClone(c.pick), c.edges...) {
			vals = append(vals, v.dec)
		}
		for _, v := range vals {
			if v != nil && new(big.Int).Abs(v).Cmp(limit) >= 0 {
				return fmt.Errorf("a DECIMAL inside a nested column has at most %d digits (DuckDB reads a JSON number as a double); "+
					"give min and max (values, edges) that fit", maxNestedDigits)
			}
		}
	}
	return nil
}

func slicesClone(c []cell) []cell { return append([]cell(nil), c...) }

// nestedValue draws the nested column's value for logical row i.
func (c *Column) nestedValue(i int) cell {
	r := c.rng
	if c.NullRate > 0 && r.Float64() < c.NullRate {
		return nullCell
	}
	n := &nestCell{kind: c.nt.kind}
	switch c.nt.kind {
	case nStruct:
		for k, s := range c.sub {
			name, _ := json.Marshal(c.nt.fields[k].name)
			n.names = append(n.names, string(name))
			n.kids = append(n.kids, s.value(i))
		}
	case nList:
		for m := c.MinLen + r.IntN(c.MaxLen-c.MinLen+1); m > 0; m-- {
			n.kids = append(n.kids, c.sub[0].value(i))
		}
	case nMap:
		// Keys are distinct within a map (DuckDB requires it): a key drawn twice is drawn again, a few times at most,
		// so a key generator with few values makes shorter maps.
		want := c.MinLen + r.IntN(c.MaxLen-c.MinLen+1)
		seen := map[string]bool{}
		for tries := 0; len(n.keys) < want && tries < 4*want+4; tries++ {
			k := c.sub[0].value(i)
			if seen[mapKeyText(k)] {
				continue
			}
			seen[mapKeyText(k)] = true
			n.keys = append(n.keys, k)
			n.kids = append(n.kids, c.sub[1].value(i))
		}
	}
	return nestedCell(n)
}
