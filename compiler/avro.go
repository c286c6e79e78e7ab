// Avro schemas (.avsc files) of Kafka sources and sinks: parsing with positions, matching columns to fields, and
// the schema a sink derives from its columns.

package compiler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/velocc/velocc/grammar"
)

// AvroSchema is a parsed Avro record schema.
type AvroSchema struct {
	File string // the .avsc file as named in the script; "" for a sink schema derived from its columns
	JSON string // the schema text: the file's contents, or the derived schema

	// Record is the top-level record. For a source, each field's Column is the column it fills (nil for a field
	// that is skipped); for a sink, field i holds column i.
	Record *AvroType
	// Confluent is set for a source whose messages start with Confluent's wire-format header (a magic byte and a
	// 4-byte schema id) before the Avro record: 'avro.wire.format' = 'confluent'.
	Confluent bool

	path string // the file as read, for diagnostics inside it
	data []byte
}

// AvroKind is the kind of an Avro type.
type AvroKind uint8

// The Avro types.
const (
	AvroNull AvroKind = iota + 1
	AvroBoolean
	AvroInt
	AvroLong
	AvroFloat
	AvroDouble
	AvroBytes
	AvroString
	AvroRecord
	AvroEnum
	AvroArray
	AvroMap
	AvroUnion
	AvroFixed
)

var avroKindNames = map[AvroKind]string{AvroNull: "null", AvroBoolean: "boolean", AvroInt: "int", AvroLong: "long",
	AvroFloat: "float", AvroDouble: "double", AvroBytes: "bytes", AvroString: "string", AvroRecord: "record",
	AvroEnum: "enum", AvroArray: "array", AvroMap: "map", AvroUnion: "union", AvroFixed: "fixed"}

// avroPrimitives are the primitive type names.
var avroPrimitives = map[string]AvroKind{"null": AvroNull, "boolean": AvroBoolean, "int": AvroInt, "long": AvroLong,
	"float": AvroFloat, "double": AvroDouble, "bytes": AvroBytes, "string": AvroString}

// AvroType is a resolved Avro type. Named types (record, enum, fixed) are shared by every reference to them, so
// a recursive record's type graph has cycles.
type AvroType struct {
	Kind AvroKind
	// Logical is the logical type velocc understands on this underlying type: "decimal" (bytes, fixed),
	// "timestamp-millis", "timestamp-micros", "local-timestamp-millis", "local-timestamp-micros", "time-micros"
	// (long), "date", "time-millis" (int), "uuid" (string); "" for none. Other logical types, and these on
	// another underlying type, are ignored as the Avro specification says.
	Logical          string
	Precision, Scale int32 // decimal

	Name     string       // full name of a record, enum or fixed
	Fields   []*AvroField // record
	Symbols  []string     // enum
	Size     int          // fixed
	Items    *AvroType    // array items, map values
	Branches []*AvroType  // union
	off      int          // offset of the type's definition in its file, for diagnostics
}

// AvroField is one field of a record.
type AvroField struct {
	Name   string
	Type   *AvroType
	Column *Field // a source's top-level field: the column it fills; nil when it is skipped
	off    int    // offset of the field's definition in its file
}

// String describes the type for messages and comments: "long", "decimal(12,4)", "[null, string]",
// "array<string>", "record test.Inner".
func (t *AvroType) String() string {
	switch {
	case t.Logical == "decimal":
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	case t.Logical != "":
		return t.Logical
	}
	switch t.Kind {
	case AvroRecord, AvroEnum:
		return avroKindNames[t.Kind] + " " + t.Name
	case AvroFixed:
		return fmt.Sprintf("fixed %s(%d)", t.Name, t.Size)
	case AvroArray:
		return "array<" + t.Items.String() + ">"
	case AvroMap:
		return "map<" + t.Items.String() + ">"
	case AvroUnion:
		parts := make([]string, len(t.Branches))
		for i, b := range t.Branches {
			parts[i] = b.String()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return avroKindNames[t.Kind]
}

// Unwrap returns the value type of a field's type when it is T, [T], [null, T] or [T, null], with the union
// branch indexes of null and of T (both -1 when t is not a union; nullIdx -1 when the union has no null). ok is
// false for other unions, whose values no column can hold.
func (t *AvroType) Unwrap() (v *AvroType, nullIdx, valIdx int, ok bool) {
	if t.Kind != AvroUnion {
		return t, -1, -1, true
	}
	nullIdx, valIdx = -1, -1
	for i, b := range t.Branches {
		switch {
		case b.Kind == AvroNull && nullIdx < 0:
			nullIdx = i
		case valIdx < 0:
			valIdx = i
		default:
			return nil, -1, -1, false
		}
	}
	if valIdx < 0 {
		return nil, -1, -1, false // only null
	}
	return t.Branches[valIdx], nullIdx, valIdx, true
}

// MinSize is the smallest number of bytes a value of t takes in Avro binary: 0 only for null and for records
// and fixed that are always empty, whose values take no bytes at all.
func (t *AvroType) MinSize() int { return t.minSize(map[*AvroType]bool{}) }

func (t *AvroType) minSize(open map[*AvroType]bool) int {
	switch t.Kind {
	case AvroNull:
		return 0
	case AvroFloat:
		return 4
	case AvroDouble:
		return 8
	case AvroFixed:
		return t.Size
	case AvroRecord:
		if open[t] {
			return 1 // a record inside itself; no value of it can be written, so any answer does
		}
		open[t] = true
		defer delete(open, t)
		n := 0
		for _, f := range t.Fields {
			n += f.Type.minSize(open)
		}
		return n
	}
	return 1 // a varint, a length, a block count or a union branch
}

// Recursive reports whether a value of record type t can contain another value of type t, so that skipping
// it takes a function that calls itself.
func (t *AvroType) Recursive() bool {
	if t.Kind != AvroRecord {
		return false
	}
	seen := map[*AvroType]bool{}
	var reaches func(u *AvroType) bool
	reaches = func(u *AvroType) bool {
		if u == t {
			return true
		}
		if seen[u] {
			return false
		}
		seen[u] = true
		for _, f := range u.Fields {
			if reaches(f.Type) {
				return true
			}
		}
		for _, b := range u.Branches {
			if reaches(b) {
				return true
			}
		}
		return u.Items != nil && reaches(u.Items)
	}
	for _, f := range t.Fields {
		if reaches(f.Type) {
			return true
		}
	}
	return false
}

// avroError is a problem in a schema file at a byte offset.
type avroError struct {
	off int
	msg string
}

func (e *avroError) Error() string { return e.msg }

func avroErrorf(off int, format string, args ...any) *avroError {
	return &avroError{off: off, msg: fmt.Sprintf(format, args...)}
}

// jsonNode is a JSON value with the offset of its first byte in the file, which encoding/json does not keep.
type jsonNode struct {
	kind  byte // '{' object, '[' array, '"' string, '0' number, 't' boolean, 'n' null
	off   int
	str   string // string value, or a number's text
	bool  bool
	keys  []jsonMember // object members, in order
	elems []*jsonNode  // array elements
}

type jsonMember struct {
	name string
	off  int
	val  *jsonNode
}

func (n *jsonNode) get(key string) *jsonNode {
	for _, m := range n.keys {
		if m.name == key {
			return m.val
		}
	}
	return nil
}

func (n *jsonNode) describe() string {
	switch n.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return strconv.Quote(n.str)
	case 't':
		return strconv.FormatBool(n.bool)
	case 'n':
		return "null"
	}
	return n.str
}

// maxJSONNesting bounds the nesting of a schema file.
const maxJSONNesting = 500

// parseJSONPositions parses data as one JSON value, keeping the offset of every value and key.
func parseJSONPositions(data []byte) (*jsonNode, *avroError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	next := func() (json.Token, int, error) {
		off := int(dec.InputOffset())
		for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
			off++
		}
		tok, err := dec.Token()
		return tok, off, err
	}
	var value func(tok json.Token, off, depth int) (*jsonNode, error)
	value = func(tok json.Token, off, depth int) (*jsonNode, error) {
		if depth > maxJSONNesting {
			return nil, avroErrorf(off, "JSON nested deeper than %d levels", maxJSONNesting)
		}
		n := &jsonNode{off: off}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n.kind = '{'
				for dec.More() {
					ktok, koff, err := next()
					if err != nil {
						return nil, err
					}
					key, _ := ktok.(string)
					for _, m := range n.keys {
						if m.name == key {
							return nil, avroErrorf(koff, "duplicate key %q", key)
						}
					}
					vtok, voff, err := next()
					if err != nil {
						return nil, err
					}
					v, err := value(vtok, voff, depth+1)
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, jsonMember{name: key, off: koff, val: v})
				}
			case '[':
				n.kind = '['
				for dec.More() {
					etok, eoff, err := next()
					if err != nil {
						return nil, err
					}
					v, err := value(etok, eoff, depth+1)
					if err != nil {
						return nil, err
					}
					n.elems = append(n.elems, v)
				}
			}
			if _, _, err := next(); err != nil { // the closing delimiter
				return nil, err
			}
		case string:
			n.kind, n.str = '"', t
		case json.Number:
			n.kind, n.str = '0', t.String()
		case bool:
			n.kind, n.bool = 't', t
		case nil:
			n.kind = 'n'
		}
		return n, nil
	}
	wrap := func(err error) *avroError {
		var ae *avroError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &ae):
			return ae
		case errors.As(err, &se):
			// The decoder stops before the offending character; its SyntaxError.Offset can lie anywhere in
			// what it has buffered.
			off := int(dec.InputOffset())
			for off < len(data) && strings.IndexByte(" \t\r\n", data[off]) >= 0 {
				off++
			}
			return avroErrorf(off, "invalid JSON: %s", se.Error())
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return avroErrorf(len(data), "invalid JSON: unexpected end of file")
		}
		return avroErrorf(0, "invalid JSON: %v", err)
	}
	tok, off, err := next()
	if err != nil {
		return nil, wrap(err)
	}
	root, err := value(tok, off, 0)
	if err != nil {
		return nil, wrap(err)
	}
	if _, off, err := next(); err != io.EOF {
		if err != nil {
			return nil, wrap(err)
		}
		return nil, avroErrorf(off, "invalid JSON: more than one value in the file")
	}
	return root, nil
}

// avroParser resolves a schema's JSON into AvroTypes.
type avroParser struct {
	named map[string]*AvroType // by full name
}

// parseAvroSchema parses a schema file's contents; the top level must be a record.
func parseAvroSchema(data []byte) (*AvroType, *avroError) {
	root, err := parseJSONPositions(data)
	if err != nil {
		return nil, err
	}
	p := &avroParser{named: map[string]*AvroType{}}
	t, aerr := p.parse(root, "")
	if aerr != nil {
		return nil, aerr
	}
	if t.Kind != AvroRecord {
		return nil, avroErrorf(root.off, "the schema must be a record, not %s", t)
	}
	return t, nil
}

// validAvroName reports whether s is an Avro name: a letter or '_', then letters, digits and '_'.
func validAvroName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// fullName resolves the name and namespace of a named type's definition within namespace ns.
func (p *avroParser) fullName(n *jsonNode, ns string) (full, space string, err *avroError) {
	name := n.get("name")
	if name == nil || name.kind != '"' {
		return "", "", avroErrorf(n.off, "a named type needs a \"name\"")
	}
	if nsn := n.get("namespace"); nsn != nil {
		if nsn.kind != '"' {
			return "", "", avroErrorf(nsn.off, "\"namespace\" must be a string, not %s", nsn.describe())
		}
		ns = nsn.str
	}
	full = name.str
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		ns = full[:i]
	} else if ns != "" {
		full = ns + "." + full
	}
	for _, part := range strings.Split(full, ".") {
		if !validAvroName(part) {
			return "", "", avroErrorf(name.off, "invalid name %q: names are a letter or '_' followed by letters, digits and '_'", name.str)
		}
	}
	if _, prim := avroPrimitives[full]; prim {
		return "", "", avroErrorf(name.off, "%q is a primitive type and cannot name a type", full)
	}
	if _, dup := p.named[full]; dup {
		return "", "", avroErrorf(name.off, "type %q is defined twice", full)
	}
	return full, ns, nil
}

// resolve finds a named type referred to by name within namespace ns.
func (p *avroParser) resolve(name string, ns string, off int) (*AvroType, *avroError) {
	if t, ok := p.named[name]; ok && strings.Contains(name, ".") {
		return t, nil
	}
	if ns != "" && !strings.Contains(name, ".") {
		if t, ok := p.named[ns+"."+name]; ok {
			return t, nil
		}
	}
	if t, ok := p.named[name]; ok {
		return t, nil
	}
	names := make([]string, 0, len(p.named)+len(avroPrimitives))
	for n := range p.named {
		names = append(names, n)
	}
	for n := range avroPrimitives {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, avroErrorf(off, "unknown type %q; a named type must be defined before it is used%s", name, suggest(name, names))
}

// parse resolves one schema within namespace ns.
func (p *avroParser) parse(n *jsonNode, ns string) (*AvroType, *avroError) {
	switch n.kind {
	case '"':
		if k, ok := avroPrimitives[n.str]; ok {
			return &AvroType{Kind: k, off: n.off}, nil
		}
		return p.resolve(n.str, ns, n.off)
	case '[':
		u := &AvroType{Kind: AvroUnion, off: n.off}
		if len(n.elems) == 0 {
			return nil, avroErrorf(n.off, "a union needs at least one type")
		}
		seen := map[string]bool{}
		for _, e := range n.elems {
			b, err := p.parse(e, ns)
			if err != nil {
				return nil, err
			}
			key := avroKindNames[b.Kind]
			switch b.Kind {
			case AvroUnion:
				return nil, avroErrorf(e.off, "a union cannot contain another union directly")
			case AvroRecord, AvroEnum, AvroFixed:
				key = b.Name
			}
			if seen[key] {
				return nil, avroErrorf(e.off, "a union cannot contain %s twice", key)
			}
			seen[key] = true
			u.Branches = append(u.Branches, b)
		}
		return u, nil
	case '{':
	default:
		return nil, avroErrorf(n.off, "expected a schema (a type name, an object or a union), got %s", n.describe())
	}
	tn := n.get("type")
	if tn == nil {
		return nil, avroErrorf(n.off, "a schema object needs a \"type\"")
	}
	if tn.kind != '"' {
		return p.parse(tn, ns) // {"type": {...}} or {"type": [...]}: the nested schema
	}
	var t *AvroType
	switch typ := tn.str; typ {
	case "record", "error":
		full, space, err := p.fullName(n, ns)
		if err != nil {
			return nil, err
		}
		t = &AvroType{Kind: AvroRecord, Name: full, off: n.off}
		p.named[full] = t // before the fields, which may refer to it
		fs := n.get("fields")
		if fs == nil || fs.kind != '[' {
			return nil, avroErrorf(n.off, "record %q needs \"fields\", an array", full)
		}
		names := map[string]bool{}
		for _, fn := range fs.elems {
			if fn.kind != '{' {
				return nil, avroErrorf(fn.off, "a field must be an object with \"name\" and \"type\", not %s", fn.describe())
			}
			name := fn.get("name")
			if name == nil || name.kind != '"' {
				return nil, avroErrorf(fn.off, "a field needs a \"name\"")
			}
			if !validAvroName(name.str) {
				return nil, avroErrorf(name.off, "invalid field name %q: names are a letter or '_' followed by letters, digits and '_'", name.str)
			}
			if names[name.str] {
				return nil, avroErrorf(name.off, "record %q has two fields named %q", full, name.str)
			}
			names[name.str] = true
			ftn := fn.get("type")
			if ftn == nil {
				return nil, avroErrorf(fn.off, "field %q needs a \"type\"", name.str)
			}
			ft, err := p.parse(ftn, space)
			if err != nil {
				return nil, err
			}
			t.Fields = append(t.Fields, &AvroField{Name: name.str, Type: ft, off: fn.off})
		}
		return t, nil
	case "enum":
		full, _, err := p.fullName(n, ns)
		if err != nil {
			return nil, err
		}
		t = &AvroType{Kind: AvroEnum, Name: full, off: n.off}
		syms := n.get("symbols")
		if syms == nil || syms.kind != '[' || len(syms.elems) == 0 {
			return nil, avroErrorf(n.off, "enum %q needs \"symbols\", an array of at least one name", full)
		}
		seen := map[string]bool{}
		for _, s := range syms.elems {
			if s.kind != '"' || !validAvroName(s.str) {
				return nil, avroErrorf(s.off, "invalid enum symbol %s: symbols are a letter or '_' followed by letters, digits and '_'", s.describe())
			}
			if seen[s.str] {
				return nil, avroErrorf(s.off, "enum %q has the symbol %q twice", full, s.str)
			}
			seen[s.str] = true
			t.Symbols = append(t.Symbols, s.str)
		}
		p.named[full] = t
		return t, nil
	case "fixed":
		full, _, err := p.fullName(n, ns)
		if err != nil {
			return nil, err
		}
		t = &AvroType{Kind: AvroFixed, Name: full, off: n.off}
		size := n.get("size")
		if size == nil || size.kind != '0' {
			return nil, avroErrorf(n.off, "fixed %q needs a \"size\", a number of bytes", full)
		}
		sz, perr := strconv.Atoi(size.str)
		if perr != nil || sz < 0 {
			return nil, avroErrorf(size.off, "fixed %q: invalid size %s", full, size.str)
		}
		t.Size = sz
		p.named[full] = t
	case "array", "map":
		attr := "items"
		t = &AvroType{Kind: AvroArray, off: n.off}
		if typ == "map" {
			attr = "values"
			t.Kind = AvroMap
		}
		in := n.get(attr)
		if in == nil {
			return nil, avroErrorf(n.off, "%s needs %q", typ, attr)
		}
		it, err := p.parse(in, ns)
		if err != nil {
			return nil, err
		}
		t.Items = it
		return t, nil
	default:
		if k, ok := avroPrimitives[typ]; ok {
			t = &AvroType{Kind: k, off: n.off}
		} else {
			return p.resolve(typ, ns, tn.off) // {"type": "test.Inner"}
		}
	}
	return t, p.logical(t, n)
}

// logical applies a logicalType attribute to a primitive or fixed type.
func (p *avroParser) logical(t *AvroType, n *jsonNode) *avroError {
	lt := n.get("logicalType")
	if lt == nil || lt.kind != '"' {
		return nil
	}
	switch name := lt.str; {
	case name == "decimal" && (t.Kind == AvroBytes || t.Kind == AvroFixed):
		num := func(key string, def int64) (int64, *avroError) {
			v := n.get(key)
			if v == nil {
				if def < 0 {
					return 0, avroErrorf(n.off, "a decimal needs a %q", key)
				}
				return def, nil
			}
			i, err := strconv.ParseInt(v.str, 10, 32)
			if v.kind != '0' || err != nil {
				return 0, avroErrorf(v.off, "decimal %s must be a whole number, got %s", key, v.describe())
			}
			return i, nil
		}
		prec, err := num("precision", -1)
		if err != nil {
			return err
		}
		scale, err := num("scale", 0)
		if err != nil {
			return err
		}
		if prec < 1 {
			return avroErrorf(n.get("precision").off, "decimal precision must be at least 1, got %d", prec)
		}
		if scale < 0 || scale > prec {
			return avroErrorf(n.get("scale").off, "decimal scale must be between 0 and the precision %d, got %d", prec, scale)
		}
		if t.Kind == AvroFixed {
			if most := fixedDigits(t.Size); int64(most) < prec {
				return avroErrorf(n.get("precision").off, "a fixed of %d bytes holds at most %d digits, not a decimal of precision %d", t.Size, most, prec)
			}
		}
		t.Logical, t.Precision, t.Scale = name, int32(prec), int32(scale)
	case name == "timestamp-millis" || name == "timestamp-micros" || name == "local-timestamp-millis" ||
		name == "local-timestamp-micros" || name == "time-micros":
		if t.Kind == AvroLong {
			t.Logical = name
		}
	case name == "date" || name == "time-millis":
		if t.Kind == AvroInt {
			t.Logical = name
		}
	case name == "uuid":
		if t.Kind == AvroString {
			t.Logical = name
		}
	}
	return nil
}

// fixedDigits is the most decimal digits a two's complement integer of n bytes always holds: the largest p
// with 10^p ≤ 2^(8n-1).
func fixedDigits(n int) int {
	if n <= 0 {
		return 0
	}
	if n > 64 {
		return 1 << 20 // far beyond any precision velocc maps
	}
	limit := new(big.Int).Lsh(big.NewInt(1), uint(8*n-1))
	p := 0
	for v := big.NewInt(10); v.Cmp(limit) <= 0; v.Mul(v, big.NewInt(10)) {
		p++
	}
	return p
}

// offsetPos turns a byte offset of file data into a position: lines end at '\n', columns count runes.
func offsetPos(file string, data []byte, off int) grammar.Pos {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	col := 1 + utf8.RuneCount(data[start:off])
	if off > start && data[off-1] == '\r' {
		col-- // a position after a line's last character, before its CR LF
	}
	return grammar.Pos{File: file, Offset: off, Line: line, Col: col}
}

// avroSchemaKeys are the properties naming an Avro schema file, in order of preference: the Kafka console tools'
// spelling, Velostream's, and their alternatives.
var avroSchemaKeys = []string{"value.schema.file", "avro.schema.file", "avro_schema_file", "schema.file"}

// avroSchemaProp finds the property naming the value schema file, marking every spelling given as used.
func avroSchemaProp(ps props) *prop {
	var found *prop
	for _, want := range avroSchemaKeys {
		for _, k := range sortedKeys(ps) {
			if kafkaName(k) != want {
				continue
			}
			p, _ := ps.get(k)
			if found == nil {
				found = p
			}
		}
	}
	return found
}

func sortedKeys(ps props) []string {
	keys := make([]string, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j]) // the WITH clause's short keys before a config file's prefixed ones
		}
		return keys[i] < keys[j]
	})
	return keys
}

// serializerProp finds Velostream's 'value.serializer' (or 'schema.value.serializer'), the format of a Kafka
// value when 'format' is not given.
func serializerProp(ps props) *prop {
	for _, k := range sortedKeys(ps) {
		if n := kafkaName(k); n == "value.serializer" || n == "schema.value.serializer" {
			p, _ := ps.get(k)
			return p
		}
	}
	return nil
}

// avroFormat reports whether properties ask for the Avro format, without consuming them.
func avroFormat(ps props) bool {
	p, ok := ps["format"]
	if !ok {
		for _, k := range sortedKeys(ps) {
			if n := kafkaName(k); n == "value.serializer" || n == "schema.value.serializer" {
				p, ok = ps[k], true
				break
			}
		}
	}
	return ok && strings.EqualFold(strings.TrimSpace(p.value), "avro")
}

// loadAvroSchema reads and parses the schema file p names, relative to the script's directory. Problems are
// reported, inside the file when they have a position there.
func (c *checker) loadAvroSchema(p *prop) (*AvroSchema, bool) {
	path := p.value
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.dir, path)
	}
	data, err := c.readFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		c.errorf(CodeAvroSchema, p.span, "cannot read Avro schema file %q: %v", p.value, err)
		return nil, false
	}
	c.files[path] = data
	rec, aerr := parseAvroSchema(data)
	if aerr != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			c.errorf(CodeAvroSchema, p.span, "Avro schema file %q is empty", p.value)
		} else {
			at := offsetPos(path, data, aerr.off)
			c.errorf(CodeAvroSchema, grammar.Span{Start: at, End: at}, "%s", aerr.msg)
		}
		return nil, false
	}
	return &AvroSchema{File: p.value, JSON: string(data), Record: rec, path: path, data: data}, true
}

// avroSourceSchema is the first half of an Avro source's configuration, done before the checker requires a
// column list: it loads the value schema and, for a source declared without columns, derives them from it.
func (c *checker) avroSourceSchema(src *Source, ps props, at grammar.Span) {
	p := avroSchemaProp(ps)
	if !avroFormat(ps) {
		if p != nil {
			c.warnf(CodeAvroSchema, p.keySpan, "%q is used only with 'format' = 'avro'; it is ignored", p.key)
		}
		return
	}
	if p == nil {
		c.errorf(CodeAvroSchema, at, "Avro source %q needs its writer schema: add 'value.schema.file' = 'NAME.avsc'", src.Name)
		c.broken[src] = true
		return
	}
	schema, ok := c.loadAvroSchema(p)
	if !ok {
		c.broken[src] = true
		return
	}
	src.Avro = schema
	if len(src.Fields) == 0 {
		c.deriveAvroColumns(src, schema)
	}
}

// deriveAvroColumns declares a column for each top-level field of a type that maps to SQL.
func (c *checker) deriveAvroColumns(src *Source, schema *AvroSchema) {
	goNames := map[string]int{}
	for _, af := range schema.Record.Fields {
		at := offsetPos(schema.path, schema.data, af.off)
		sp := grammar.Span{Start: at, End: at}
		t, nullable, why := avroColumnType(af.Type)
		if why != "" {
			c.warnf(CodeAvroSchema, sp, "Avro field %q of type %s is skipped: %s", af.Name, af.Type, why)
			continue
		}
		if src.field(af.Name) != nil {
			c.warnf(CodeAvroSchema, sp, "Avro field %q is skipped: its name differs only in case from another field's, and SQL names ignore case", af.Name)
			continue
		}
		f := &Field{Name: af.Name, GoName: uniqueGoName(goNames, af.Name), Index: len(src.Fields), Type: t, Nullable: nullable}
		src.Fields = append(src.Fields, f)
	}
}

// avroColumnType is the SQL type of a column derived from a field's Avro type; why says why there is none.
func avroColumnType(ft *AvroType) (t Type, nullable bool, why string) {
	return avroSQLType(ft, map[*AvroType]bool{})
}

// avroSQLType is avroColumnType at any depth: a record is a STRUCT, an array an ARRAY, a map a MAP(VARCHAR, V).
// open holds the records being converted, for a recursive record has no SQL type.
func avroSQLType(ft *AvroType, open map[*AvroType]bool) (t Type, nullable bool, why string) {
	v, nullIdx, _, ok := ft.Unwrap()
	if !ok {
		return TInvalid, false, "only a union of null and one type can be a column"
	}
	nullable = nullIdx >= 0
	switch v.Kind {
	case AvroRecord:
		if open[v] {
			return TInvalid, false, fmt.Sprintf("record %s contains itself, and a STRUCT cannot", v.Name)
		}
		if len(v.Fields) == 0 {
			return TInvalid, false, fmt.Sprintf("record %s has no fields, and a STRUCT has at least one", v.Name)
		}
		open[v] = true
		defer delete(open, v)
		fields := make([]StructField, 0, len(v.Fields))
		seen := map[string]bool{}
		for _, af := range v.Fields {
			if seen[strings.ToLower(af.Name)] {
				return TInvalid, false, fmt.Sprintf("fields of record %s differ only in case, and SQL names ignore case", v.Name)
			}
			seen[strings.ToLower(af.Name)] = true
			ft, _, why := avroSQLType(af.Type, open)
			if why != "" {
				return TInvalid, false, fmt.Sprintf("field %q: %s", af.Name, why)
			}
			fields = append(fields, StructField{Name: af.Name, T: ft})
		}
		return StructOf(fields), nullable, ""
	case AvroArray, AvroMap:
		et, _, why := avroSQLType(v.Items, open)
		if why != "" {
			return TInvalid, false, why
		}
		if v.Kind == AvroArray {
			return ArrayOf(et), nullable, ""
		}
		return MapOf(TVarchar, et), nullable, ""
	}
	switch v.Logical {
	case "decimal":
		if v.Precision > MaxPrecision {
			return TInvalid, false, fmt.Sprintf("DECIMAL holds at most %d digits", MaxPrecision)
		}
		return Dec(v.Precision, v.Scale), nullable, ""
	case "timestamp-millis", "timestamp-micros", "local-timestamp-millis", "local-timestamp-micros":
		return TTimestamp, nullable, ""
	case "date":
		return TDate, nullable, ""
	case "time-millis", "time-micros":
		return TTime, nullable, ""
	}
	switch v.Kind {
	case AvroBytes:
		return TBytes, nullable, ""
	case AvroBoolean:
		return TBool, nullable, ""
	case AvroInt:
		return TInt, nullable, ""
	case AvroLong:
		return TBigInt, nullable, ""
	case AvroFloat, AvroDouble:
		return TDouble, nullable, ""
	case AvroString, AvroEnum:
		return TVarchar, nullable, ""
	}
	return TInvalid, false, "it has no SQL type; declare the columns you need in CREATE STREAM"
}

// avroReads reports whether a column of type col holds every value of the (non-union) Avro type t exactly.
func avroReads(col Type, t *AvroType) bool {
	switch t.Logical {
	case "decimal":
		return col.Kind == Decimal && col.Scale == t.Scale && col.Prec >= t.Precision
	case "timestamp-millis", "timestamp-micros", "local-timestamp-millis", "local-timestamp-micros", "date":
		if col.Kind == Timestamp || col.Kind == Date && t.Logical == "date" {
			return true
		}
	case "time-millis", "time-micros":
		if col.Kind == Time {
			return true
		}
	}
	if col.Kind == Bytes {
		return t.Kind == AvroBytes && t.Logical == ""
	}
	switch t.Kind {
	case AvroBoolean:
		return col.Kind == Bool
	case AvroInt:
		return col.Kind == Int || col.Kind == BigInt || col.Kind == Double
	case AvroLong:
		return col.Kind == BigInt || col.Kind == Double || col.Kind == Timestamp
	case AvroFloat, AvroDouble:
		return col.Kind == Double
	case AvroString, AvroEnum:
		return col.Kind == Varchar
	}
	return false
}

// avroReadable says which Avro types a column of each kind reads.
var avroReadable = map[Kind]string{
	Bool:      "boolean",
	Int:       "int",
	BigInt:    "long or int",
	Double:    "double, float, long or int",
	Decimal:   "decimals of the same scale and at most their precision",
	Varchar:   "string, enum or uuid",
	Timestamp: "timestamp-millis, timestamp-micros, date or long (epoch milliseconds)",
	Date:      "date",
	Time:      "time-millis or time-micros",
	Bytes:     "bytes",
}

// avroSource is the second half of an Avro source's configuration, once its columns, message key and Kafka
// settings are known: every column other than the message key's must be a top-level field of the record, of a
// type it holds exactly.
func (c *checker) avroSource(src *Source, ps props, at grammar.Span) {
	schema := src.Avro
	if src.Type != "kafka_source" {
		c.errorf(CodeBadProperty, formatSpan(ps, at), "the avro format is for kafka sources; a file source reads jsonl or csv")
		return
	}
	p := avroSchemaProp(ps)
	schema.Confluent = wireConfluent(src.Options)
	fieldNames := make([]string, len(schema.Record.Fields))
	for i, af := range schema.Record.Fields {
		fieldNames[i] = af.Name
	}
	for _, f := range src.Fields {
		if f.Type.Kind == Invalid {
			continue // its type is reported already
		}
		af := avroFieldFor(schema.Record, f.Name)
		if af == nil {
			if f == src.KeyField {
				continue // filled from the message key alone
			}
			c.errorf(CodeUnknownColumn, p.span, "column %q of %q is not a field of Avro record %s in %s%s",
				f.Name, src.Name, schema.Record.Name, schema.File, suggest(f.Name, fieldNames))
			continue
		}
		if af.Column != nil {
			c.errorf(CodeAvroSchema, p.span, "columns %q and %q both match Avro field %q; SQL names ignore case", af.Column.Name, f.Name, af.Name)
			continue
		}
		af.Column = f
		v, _, _, ok := af.Type.Unwrap()
		switch {
		case ok && f.Type.IsNested():
			if msg := avroReadsNested(f.Name, f.Type, v); msg != "" {
				c.errorf(CodeAvroSchema, p.span, "%s", msg)
			}
		case !ok:
			c.errorf(CodeAvroSchema, p.span, "column %q: Avro field %q has type %s; only a union of null and one type can be a column", f.Name, af.Name, af.Type)
		case !avroReads(f.Type, v):
			c.errorf(CodeAvroSchema, p.span, "%s", avroMismatch(f.Name, f.Type, af.Name, v))
		}
	}
}

// avroReadsNested checks that a nested column (or a part of one, at path) reads every value of the (non-union)
// Avro type t: a STRUCT a record whose fields include the STRUCT's (the others are skipped), an ARRAY an array, a
// MAP(VARCHAR, V) a map, each part as a column would. It returns why not, naming the path (customer.zip), or "".
func avroReadsNested(path string, col Type, t *AvroType) string {
	part := func(path string, ct Type, at *AvroType) string {
		v, _, _, ok := at.Unwrap()
		switch {
		case !ok:
			return fmt.Sprintf("%q: Avro type %s; only a union of null and one type can be read", path, at)
		case ct.IsNested():
			return avroReadsNested(path, ct, v)
		case !avroReads(ct, v):
			return avroMismatch(path, ct, path, v)
		}
		return ""
	}
	switch {
	case col.Kind == Struct && t.Kind == AvroRecord:
		for _, sf := range col.N.Fields {
			af := AvroFieldFor(t, sf.Name)
			if af == nil {
				return fmt.Sprintf("%q is not a field of Avro record %s", path+"."+sf.Name, t.Name)
			}
			if msg := part(path+"."+sf.Name, sf.T, af.Type); msg != "" {
				return msg
			}
		}
		return ""
	case col.Kind == Array && t.Kind == AvroArray:
		return part(path+"[]", col.N.Elem, t.Items)
	case col.Kind == Map && t.Kind == AvroMap:
		if col.N.Key.Kind != Varchar {
			return fmt.Sprintf("%q is %s, but Avro map keys are strings: declare it MAP(VARCHAR, %s)", path, col, col.N.Elem)
		}
		return part(path+"[]", col.N.Elem, t.Items)
	}
	reads := map[Kind]string{Struct: "a STRUCT reads a record", Array: "an ARRAY reads an array", Map: "a MAP reads a map"}[col.Kind]
	return fmt.Sprintf("%q is %s, but its Avro type is %s; %s", path, col, t, reads)
}

// avroMismatch words why a column cannot read a field.
func avroMismatch(col string, ct Type, field string, v *AvroType) string {
	msg := fmt.Sprintf("column %q is %s, but Avro field %q is %s", col, ct, field, v)
	if ct.Kind == Decimal && v.Logical == "decimal" {
		if ct.Scale != v.Scale {
			return msg + ": the scales must be equal"
		}
		return msg + fmt.Sprintf(": the column needs a precision of at least %d", v.Precision)
	}
	msg += fmt.Sprintf("; %s columns read %s", ct, avroReadable[ct.Kind])
	if want, _, why := avroColumnType(v); why == "" && want != ct {
		msg += fmt.Sprintf(": declare it %s", want)
	}
	return msg
}

// avroFieldFor finds a record's field for a column: the exact name, else the only one equal ignoring case.
func avroFieldFor(rec *AvroType, name string) *AvroField { return AvroFieldFor(rec, name) }

// AvroFieldFor finds the field of record rec that a column or STRUCT field named name reads: the exact name, else
// the first one equal ignoring case.
func AvroFieldFor(rec *AvroType, name string) *AvroField {
	var found *AvroField
	for _, af := range rec.Fields {
		if af.Name == name {
			return af
		}
		if strings.EqualFold(af.Name, name) && found == nil {
			found = af
		}
	}
	return found
}

// formatSpan is where the format was chosen, for errors about it.
func formatSpan(ps props, at grammar.Span) grammar.Span {
	if p, ok := ps["format"]; ok {
		return p.span
	}
	if p := serializerProp(ps); p != nil {
		return p.span
	}
	return at
}

// avroSink checks or derives the writer schema of a sink with format avro.
func (c *checker) avroSink(sink *Sink, ps props, at grammar.Span) {
	p := avroSchemaProp(ps)
	if sink.Format != "avro" {
		if p != nil {
			c.warnf(CodeAvroSchema, p.keySpan, "%q is used only with '%s.format' = 'avro'; it is ignored", p.key, sink.Name)
		}
		return
	}
	if sink.Type != "kafka_sink" {
		c.errorf(CodeBadProperty, formatSpan(ps, at), "the avro format is for kafka sinks; %s sinks write jsonl or csv", sink.Type)
		return
	}
	if p == nil {
		rec, ok := c.deriveAvroRecord(sink, at)
		if ok {
			sink.Avro = &AvroSchema{Record: rec, JSON: avroJSON(rec)}
		}
		return
	}
	schema, ok := c.loadAvroSchema(p)
	if !ok {
		return
	}
	sink.Avro = schema
	fields := schema.Record.Fields
	if len(fields) != len(sink.Columns) {
		c.errorf(CodeAvroSchema, p.span, "Avro record %s in %s has %d fields, but %q writes %d columns; the fields must be the columns, in order",
			schema.Record.Name, schema.File, len(fields), sink.Name, len(sink.Columns))
		return
	}
	for i, col := range sink.Columns {
		af := fields[i]
		if !strings.EqualFold(af.Name, col.Name) {
			c.errorf(CodeAvroSchema, p.span, "output column %d of %q is %q, but field %d of Avro record %s is %q; the fields must be the columns, in order",
				i+1, sink.Name, col.Name, i+1, schema.Record.Name, af.Name)
			continue
		}
		v, nullIdx, _, ok := af.Type.Unwrap()
		switch {
		case !ok:
			c.errorf(CodeAvroSchema, p.span, "Avro field %q has type %s; velocc writes only a type or a union of null and one type", af.Name, af.Type)
		case col.Type.Kind == Null:
			if nullIdx < 0 && v.Kind != AvroNull {
				c.errorf(CodeAvroSchema, p.span, "output column %q is always NULL, but Avro field %q of type %s is not nullable", col.Name, af.Name, af.Type)
			}
		case col.Type.IsNested():
			if msg := avroWritesNested(col.Name, col.Type, v); msg != "" {
				c.errorf(CodeAvroSchema, p.span, "output column %s", msg)
			}
		case !avroWrites(col.Type, v):
			c.errorf(CodeAvroSchema, p.span, "output column %q is %s, but Avro field %q is %s; %s", col.Name, col.Type, af.Name, v, avroWritable(col.Type))
		}
	}
}

// avroWrites reports whether a column of type col can be written exactly as the (non-union) Avro type t.
func avroWrites(col Type, t *AvroType) bool {
	if t.Logical == "decimal" {
		return col.Kind == Decimal && col.Scale == t.Scale && col.Prec <= t.Precision
	}
	switch col.Kind {
	case Bool:
		return t.Kind == AvroBoolean
	case Int:
		return t.Kind == AvroInt || t.Kind == AvroLong || t.Kind == AvroDouble
	case BigInt, Timestamp:
		return t.Kind == AvroLong
	case Double:
		return t.Kind == AvroDouble
	case Varchar:
		return t.Kind == AvroString || t.Kind == AvroEnum
	case Date:
		return t.Kind == AvroInt && t.Logical == "date"
	case Time:
		return t.Kind == AvroInt && t.Logical == "time-millis"
	case Bytes:
		return t.Kind == AvroBytes
	}
	return false
}

// avroWritable says which Avro types a column of type col is written as.
func avroWritable(col Type) string {
	switch col.Kind {
	case Bool:
		return "a BOOLEAN column is written as boolean"
	case Int:
		return "an INT column is written as int, long or double"
	case BigInt:
		return "a BIGINT column is written as long"
	case Timestamp:
		return "a TIMESTAMP column is written as long, timestamp-millis or timestamp-micros"
	case Double:
		return "a DOUBLE column is written as double"
	case Varchar:
		return "a VARCHAR column is written as string or enum"
	case Date:
		return "a DATE column is written as an int of logical type date"
	case Time:
		return "a TIME column is written as an int of logical type time-millis"
	case Bytes:
		return "a BLOB column is written as bytes"
	case Decimal:
		return fmt.Sprintf("a %s column is written as a decimal of scale %d and precision at least %d", col, col.Scale, col.Prec)
	}
	return fmt.Sprintf("a %s column cannot be written as Avro", col)
}

// deriveAvroRecord builds the writer schema of a sink without a schema file: a record named after the sink with
// one field per column, nullable (a union of null and the type, default null) since any column may be NULL.
func (c *checker) deriveAvroRecord(sink *Sink, at grammar.Span) (*AvroType, bool) {
	name := sink.Name
	if !validAvroName(name) {
		c.errorf(CodeAvroSchema, at, "%q is not a valid Avro record name (a letter or '_' followed by letters, digits and '_'); give the sink a 'value.schema.file' or rename the stream", name)
		return nil, false
	}
	rec := &AvroType{Kind: AvroRecord, Name: name}
	ok := true
	for _, col := range sink.Columns {
		if !validAvroName(col.Name) {
			c.errorf(CodeAvroSchema, at, "output column %q is not a valid Avro field name (a letter or '_' followed by letters, digits and '_'); give it an alias with AS", col.Name)
			ok = false
			continue
		}
		if col.Type.Kind == Null {
			rec.Fields = append(rec.Fields, &AvroField{Name: col.Name, Type: &AvroType{Kind: AvroNull}})
			continue
		}
		v, why := avroDerivedType(col.Type, name+"_"+col.Name, col.Name)
		if why != "" {
			c.errorf(CodeAvroSchema, at, "output column %q of type %s cannot be written as Avro: %s", col.Name, col.Type, why)
			ok = false
			continue
		}
		rec.Fields = append(rec.Fields, &AvroField{Name: col.Name, Type: avroNullable(v)})
	}
	return rec, ok
}

// avroNullable is the union of null and v, null first.
func avroNullable(v *AvroType) *AvroType {
	return &AvroType{Kind: AvroUnion, Branches: []*AvroType{{Kind: AvroNull}, v}}
}

// avroDerivedType is the Avro type a derived sink schema writes a value of type t as (not a union): a STRUCT is a
// record named name, an ARRAY an array, a MAP(VARCHAR, V) a map, their parts nullable. why says why there is none,
// naming the part at path.
func avroDerivedType(t Type, name, path string) (*AvroType, string) {
	switch t.Kind {
	case Bool:
		return &AvroType{Kind: AvroBoolean}, ""
	case Int:
		return &AvroType{Kind: AvroInt}, ""
	case BigInt:
		return &AvroType{Kind: AvroLong}, ""
	case Double:
		return &AvroType{Kind: AvroDouble}, ""
	case Varchar:
		return &AvroType{Kind: AvroString}, ""
	case Timestamp:
		return &AvroType{Kind: AvroLong, Logical: "timestamp-millis"}, ""
	case Date:
		return &AvroType{Kind: AvroInt, Logical: "date"}, ""
	case Time:
		return &AvroType{Kind: AvroInt, Logical: "time-millis"}, ""
	case Bytes:
		return &AvroType{Kind: AvroBytes}, ""
	case Decimal:
		return &AvroType{Kind: AvroBytes, Logical: "decimal", Precision: t.Prec, Scale: t.Scale}, ""
	case Struct:
		rec := &AvroType{Kind: AvroRecord, Name: name}
		for _, f := range t.N.Fields {
			p := path + "." + f.Name
			if !validAvroName(f.Name) {
				return nil, fmt.Sprintf("%q is not a valid Avro field name (a letter or '_' followed by letters, digits and '_')", p)
			}
			ft, why := avroDerivedType(f.T, name+"_"+f.Name, p)
			if why != "" {
				return nil, why
			}
			rec.Fields = append(rec.Fields, &AvroField{Name: f.Name, Type: avroNullable(ft)})
		}
		return rec, ""
	case Array:
		items, why := avroDerivedType(t.N.Elem, name+"_item", path+"[]")
		if why != "" {
			return nil, why
		}
		return &AvroType{Kind: AvroArray, Items: avroNullable(items)}, ""
	case Map:
		if t.N.Key.Kind != Varchar {
			return nil, fmt.Sprintf("%q: Avro map keys are strings, not %s", path, t.N.Key)
		}
		values, why := avroDerivedType(t.N.Elem, name+"_value", path+"[]")
		if why != "" {
			return nil, why
		}
		return &AvroType{Kind: AvroMap, Items: avroNullable(values)}, ""
	}
	return nil, fmt.Sprintf("%q: Avro has no type for %s", path, t)
}

// avroWritesNested checks that a nested output column (or a part of one, at path) can be written as the Avro
// type t (not a union): a STRUCT as a record with its fields in order, an ARRAY as an array, a MAP(VARCHAR, V) as
// a map, each part as a column would. It returns why not, or "".
func avroWritesNested(path string, col Type, t *AvroType) string {
	part := func(path string, ct Type, at *AvroType) string {
		v, _, _, ok := at.Unwrap()
		switch {
		case !ok:
			return fmt.Sprintf("%q: Avro type %s; velocc writes only a type or a union of null and one type", path, at)
		case ct.IsNested():
			return avroWritesNested(path, ct, v)
		case ct.Kind == Null:
			return ""
		case !avroWrites(ct, v):
			return fmt.Sprintf("%q is %s, but its Avro type is %s; %s", path, ct, v, avroWritable(ct))
		}
		return ""
	}
	switch {
	case col.Kind == Struct && t.Kind == AvroRecord:
		if len(t.Fields) != len(col.N.Fields) {
			return fmt.Sprintf("%q has %d fields, but Avro record %s has %d; the record's fields must be the STRUCT's, in order", path, len(col.N.Fields), t.Name, len(t.Fields))
		}
		for i, sf := range col.N.Fields {
			af := t.Fields[i]
			if !strings.EqualFold(af.Name, sf.Name) {
				return fmt.Sprintf("field %d of %q is %q, but field %d of Avro record %s is %q; the record's fields must be the STRUCT's, in order", i+1, path, sf.Name, i+1, t.Name, af.Name)
			}
			if msg := part(path+"."+sf.Name, sf.T, af.Type); msg != "" {
				return msg
			}
		}
		return ""
	case col.Kind == Array && t.Kind == AvroArray:
		return part(path+"[]", col.N.Elem, t.Items)
	case col.Kind == Map && t.Kind == AvroMap:
		if col.N.Key.Kind != Varchar {
			return fmt.Sprintf("%q is %s, but Avro map keys are strings", path, col)
		}
		return part(path+"[]", col.N.Elem, t.Items)
	}
	writes := map[Kind]string{Struct: "a STRUCT is written as a record", Array: "an ARRAY as an array", Map: "a MAP as a map"}[col.Kind]
	return fmt.Sprintf("%q is %s, but its Avro type is %s; %s", path, col, t, writes)
}

// avroJSON renders a derived schema as JSON, one field per line.
func avroJSON(rec *AvroType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\"type\": \"record\", \"name\": %q, \"fields\": [", rec.Name)
	for i, f := range rec.Fields {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  {\"name\": %q, \"type\": %s", f.Name, avroTypeJSON(f.Type))
		if f.Type.Kind == AvroUnion || f.Type.Kind == AvroNull {
			b.WriteString(", \"default\": null")
		}
		b.WriteString("}")
	}
	b.WriteString("\n]}")
	return b.String()
}

// avroTypeJSON renders a type of a derived schema: primitives, logical types, records, arrays, maps and unions.
func avroTypeJSON(t *AvroType) string {
	switch {
	case t.Kind == AvroRecord:
		var b strings.Builder
		fmt.Fprintf(&b, "{\"type\": \"record\", \"name\": %q, \"fields\": [", t.Name)
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "{\"name\": %q, \"type\": %s, \"default\": null}", f.Name, avroTypeJSON(f.Type))
		}
		b.WriteString("]}")
		return b.String()
	case t.Kind == AvroArray:
		return "{\"type\": \"array\", \"items\": " + avroTypeJSON(t.Items) + "}"
	case t.Kind == AvroMap:
		return "{\"type\": \"map\", \"values\": " + avroTypeJSON(t.Items) + "}"
	case t.Kind == AvroUnion:
		parts := make([]string, len(t.Branches))
		for i, br := range t.Branches {
			parts[i] = avroTypeJSON(br)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case t.Logical == "decimal":
		return fmt.Sprintf("{\"type\": %q, \"logicalType\": \"decimal\", \"precision\": %d, \"scale\": %d}", avroKindNames[t.Kind], t.Precision, t.Scale)
	case t.Logical != "":
		return fmt.Sprintf("{\"type\": %q, \"logicalType\": %q}", avroKindNames[t.Kind], t.Logical)
	}
	return strconv.Quote(avroKindNames[t.Kind])
}
