// Avro: the decoder of an Avro source, straight-line in the writer schema's field order, and the encoding table
// of an Avro sink.
package codegen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// avroGen emits the Avro decoder of one source and the skip functions of its recursive records.
type avroGen struct {
	g       *gen
	s       *compiler.Source
	skips   []*compiler.AvroType // records whose skip functions are needed, in first-use order
	skipFor map[*compiler.AvroType]string
	fnTaken map[string]bool
	costs   map[*compiler.AvroType]int
}

// genAvroDecoder emits decode<Source>Avro for a source with an Avro value schema: each field of the writer
// schema in order, read into its column or skipped, since Avro binary has no field tags.
func (g *gen) genAvroDecoder(s *compiler.Source) {
	if s.Avro == nil {
		return
	}
	a := &avroGen{g: g, s: s, skipFor: map[*compiler.AvroType]string{}, fnTaken: map[string]bool{}, costs: map[*compiler.AvroType]int{}}
	var body []jen.Code
	if s.Avro.Confluent {
		body = append(body, jen.Id("d").Dot("ConfluentHeader").Call())
		if url := s.Options["schema.registry.url"]; url != "" {
			v := lowerFirst(s.GoName) + "Schemas"
			g.f.Comment(commentf("%s checks the writer schema of each schema id in %s against %s.", v, url, s.Avro.File))
			g.f.Var().Id(v).Op("=").Qual(registryPath, "NewAvro").Call(jen.Lit(url), rawString(s.Avro.JSON))
			g.f.Line()
			body = append(body, registryCheck(v)...)
		}
	}
	for _, f := range s.Avro.Record.Fields {
		what := f.Type.String()
		if f.Column == nil {
			what += " (no column: skipped)"
		}
		body = append(body,
			jen.Comment(commentf("%s: %s", f.Name, what)),
			jen.Id("d").Dot("Field").Call(jen.Lit(f.Name)),
		)
		if f.Column == nil {
			body = append(body, a.skip(f.Type, 0)...)
		} else {
			body = append(body, a.read(f)...)
		}
	}
	body = append(body, jen.Return(jen.Id("d").Dot("End").Call()))
	name := decodeFunc(s) + "Avro"
	g.f.Comment(commentf("%s decodes one Avro record %s of %q into r, in the field order of its writer schema,", name, s.Avro.Record.Name, s.Name))
	g.f.Comment(commentf("%s.", s.Avro.File))
	if s.Avro.Confluent {
		g.f.Comment("Messages are in Confluent's wire format: a magic byte and a schema id precede the record.")
	}
	g.f.Func().Id(name).Params(jen.Id("d").Op("*").Qual(rtPath, "AvroDecoder"), jen.Id("r").Op("*").Id(recordType(s))).Error().Block(body...)
	g.f.Line()
	for i := 0; i < len(a.skips); i++ { // skip functions may ask for more
		t := a.skips[i]
		var body []jen.Code
		for _, f := range t.Fields {
			if fc := a.skip(f.Type, 0); len(fc) > 0 {
				body = append(body, jen.Comment(commentf("%s: %s", f.Name, f.Type)))
				body = append(body, fc...)
			}
		}
		fn := a.skipFor[t]
		if t.Recursive() {
			g.f.Comment(commentf("%s skips a value of the recursive Avro record %s.", fn, t.Name))
			body = append([]jen.Code{jen.If(jen.Op("!").Id("d").Dot("Enter").Call()).Block(jen.Return())}, body...)
			body = append(body, jen.Id("d").Dot("Leave").Call())
		} else {
			g.f.Comment(commentf("%s skips a value of the Avro record %s.", fn, t.Name))
		}
		g.f.Func().Id(fn).Params(jen.Id("d").Op("*").Qual(rtPath, "AvroDecoder")).Block(body...)
		g.f.Line()
	}
}

// maxInlineSkip is the most statements the skipping of a nested record takes inline; a larger record (or one
// used in many places, which would repeat them) gets a skip function of its own.
const maxInlineSkip = 12

// skipFunc names the skip function of record t, asking for it to be emitted.
func (a *avroGen) skipFunc(t *compiler.AvroType) string {
	fn, ok := a.skipFor[t]
	if !ok {
		base := "skip" + a.s.GoName + "Avro" + goNameOf(t.Name)
		fn = base
		for n := 2; a.fnTaken[fn]; n++ {
			fn = base + strconv.Itoa(n)
		}
		a.fnTaken[fn] = true
		a.skipFor[t] = fn
		a.skips = append(a.skips, t)
	}
	return fn
}

// cost estimates the statements skipping a value of t inline takes: a record's fields count with their types,
// a record that gets a function counts as its call. It is memoized, so that records used many times within one
// another are counted once each.
func (a *avroGen) cost(t *compiler.AvroType) int {
	switch t.Kind {
	case compiler.AvroNull:
		return 0
	case compiler.AvroArray, compiler.AvroMap:
		return 2 + a.cost(t.Items)
	case compiler.AvroUnion:
		n := 1
		for _, b := range t.Branches {
			n += a.cost(b)
		}
		return n
	case compiler.AvroRecord:
		if n := a.recordCost(t); !t.Recursive() && n <= maxInlineSkip {
			return n
		}
		return 1 // skipped by a call
	}
	return 1
}

// recordCost is the cost of skipping the fields of record t inline.
func (a *avroGen) recordCost(t *compiler.AvroType) int {
	if n, ok := a.costs[t]; ok {
		return n
	}
	a.costs[t] = 1 // within itself: a call
	n := 0
	for _, f := range t.Fields {
		n += 1 + a.cost(f.Type) // with its comment
	}
	a.costs[t] = n
	return n
}

// symbolsVar names the variable holding the symbols of the enum that fills column f.
func (a *avroGen) symbolsVar(f *compiler.Field) string {
	return lowerFirst(a.s.GoName) + f.GoName + "Symbols"
}

// read reads a field into its column: the value, or for a nullable field, the union branch first.
func (a *avroGen) read(f *compiler.AvroField) []jen.Code {
	col := f.Column
	if col.Type.IsNested() {
		vf := func() *jen.Statement { return jen.Id("r").Dot(col.GoName) }
		nf := func() *jen.Statement { return jen.Id("r").Dot(nullField(col)) }
		if !col.Nullable {
			nf = nil
		}
		return a.readNested(col, f.Name, col.Type, f.Type, vf, nf, 0)
	}
	v, nullIdx, valIdx, _ := f.Type.Unwrap() // the checker accepted the type
	set := jen.Id("r").Dot(col.GoName).Op("=").Add(a.value(col, v))
	if f.Type.Kind != compiler.AvroUnion {
		return []jen.Code{set}
	}
	var cases []jen.Code
	for i := range f.Type.Branches {
		switch i {
		case nullIdx:
			if col.Nullable {
				cases = append(cases, jen.Case(jen.Lit(i)).Block(jen.Id("r").Dot(nullField(col)).Op("=").True()))
			} else {
				cases = append(cases, jen.Case(jen.Lit(i)).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit("null in a NOT NULL column"))))
			}
		case valIdx:
			cases = append(cases, jen.Case(jen.Lit(i)).Block(set))
		}
	}
	return []jen.Code{jen.Switch(jen.Id("d").Dot("Union").Call(jen.Lit(len(f.Type.Branches)))).Block(cases...)}
}

// readNested reads a value of Avro type at into a nested column's part at path, of SQL type t: the value v and its
// NULL flag n (nil for a NOT NULL column, where a null is a bad record). Records are read field by field in the
// writer's order (fields the STRUCT lacks are skipped), arrays and maps block by block. depth names the locals
// of nested loops apart.
func (a *avroGen) readNested(col *compiler.Field, path string, t compiler.Type, at *compiler.AvroType, v, n func() *jen.Statement, depth int) []jen.Code {
	vt, nullIdx, valIdx, _ := at.Unwrap() // the checker accepted the type
	body := a.nestedValue(col, path, t, vt, v, depth)
	if at.Kind != compiler.AvroUnion {
		return body
	}
	var cases []jen.Code
	for i := range at.Branches {
		switch i {
		case nullIdx:
			if n == nil {
				cases = append(cases, jen.Case(jen.Lit(i)).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(path), jen.Lit("null in a NOT NULL column"))))
			} else {
				cases = append(cases, jen.Case(jen.Lit(i)).Block(n().Op("=").True()))
			}
		case valIdx:
			cases = append(cases, jen.Case(jen.Lit(i)).Block(body...))
		}
	}
	return []jen.Code{jen.Switch(jen.Id("d").Dot("Union").Call(jen.Lit(len(at.Branches)))).Block(cases...)}
}

// nestedValue reads a value of the Avro type vt (not a union) into v, of SQL type t.
func (a *avroGen) nestedValue(col *compiler.Field, path string, t compiler.Type, vt *compiler.AvroType, v func() *jen.Statement, depth int) []jen.Code {
	switch t.Kind {
	case compiler.Struct:
		var code []jen.Code
		for _, af := range vt.Fields {
			i := -1
			for j, sf := range t.N.Fields {
				if compiler.AvroFieldFor(vt, sf.Name) == af {
					i = j
				}
			}
			if i < 0 {
				if fc := a.skip(af.Type, depth); len(fc) > 0 {
					code = append(code, jen.Comment(commentf("%s.%s: %s (not in the STRUCT: skipped)", path, af.Name, af.Type)))
					code = append(code, fc...)
				}
				continue
			}
			sf := t.N.Fields[i]
			p := path + "." + sf.Name
			code = append(code, jen.Comment(commentf("%s: %s", p, af.Type)), jen.Id("d").Dot("Field").Call(jen.Lit(p)))
			fv := func() *jen.Statement { return v().Dot(sf.GoName) }
			fn := func() *jen.Statement { return v().Dot(sf.GoName + "Null") }
			code = append(code, a.readNested(col, p, sf.T, af.Type, fv, fn, depth)...)
		}
		return code
	case compiler.Array, compiler.Map:
		sfx := strconv.Itoa(depth)
		acc, e, n := "a"+sfx, "e"+sfx, "n"+sfx
		min := vt.Items.MinSize()
		var item []jen.Code
		var entry jen.Code
		ev := func() *jen.Statement { return jen.Id(e).Dot("V") }
		if t.Kind == compiler.Map {
			min++
			ev = func() *jen.Statement { return jen.Id(e).Dot("Val") }
			entry = jen.Qual(rtPath, "Entry").Types(goType(t.N.Key), goType(t.N.Elem))
			item = append(item, jen.Var().Id(e).Add(entry), jen.Id(e).Dot("Key").Op("=").Id("d").Dot("String").Call())
		} else {
			item = append(item, jen.Var().Id(e).Qual(rtPath, "Opt").Types(goType(t.N.Elem)))
		}
		en := func() *jen.Statement { return jen.Id(e).Dot("Null") }
		p := path + "[]"
		item = append(item, jen.Id("d").Dot("Field").Call(jen.Lit(p)))
		item = append(item, a.readNested(col, p, t.N.Elem, vt.Items, ev, en, depth+1)...)
		item = append(item, jen.Id(acc).Op("=").Append(jen.Id(acc), jen.Id(e)))
		block := func() jen.Code { return jen.Id("d").Dot("Block").Call(jen.Lit(min)) }
		return []jen.Code{jen.Block( // a scope of its own: a STRUCT may hold several
			jen.Var().Id(acc).Add(goType(t)),
			jen.For(jen.Id(n).Op(":=").Add(block()), jen.Id(n).Op(">").Lit(0), jen.Id(n).Op("=").Add(block())).Block(
				jen.Id(acc).Op("=").Qual("slices", "Grow").Call(jen.Id(acc), jen.Id(n)),
				jen.For(jen.Empty(), jen.Id(n).Op(">").Lit(0), jen.Id(n).Op("--")).Block(item...),
			),
			v().Op("=").Id(acc),
		)}
	}
	syms := ""
	if vt.Kind == compiler.AvroEnum {
		syms = a.symbols(lowerFirst(a.s.GoName)+col.GoName+goNameOf(path)+"Symbols", path, vt)
	}
	return []jen.Code{v().Op("=").Add(a.scalar(t, vt, syms))}
}

// value is the expression reading a value of Avro type v (not a union) into column col.
func (a *avroGen) value(col *compiler.Field, v *compiler.AvroType) jen.Code {
	syms := ""
	if v.Kind == compiler.AvroEnum {
		syms = a.symbols(a.symbolsVar(col), col.Name, v)
	}
	return a.scalar(col.Type, v, syms)
}

// scalar is the expression reading a value of Avro type v (not a union) as SQL type t; syms names the variable
// holding an enum's symbols.
func (a *avroGen) scalar(t compiler.Type, v *compiler.AvroType, syms string) jen.Code {
	col := &compiler.Field{Type: t}
	switch col.Type.Kind {
	case compiler.Decimal:
		if v.Kind == compiler.AvroFixed {
			return jen.Id("d").Dot("DecimalFixed").Call(jen.Lit(v.Size), jen.Lit(int(col.Type.Prec)))
		}
		return jen.Id("d").Dot("DecimalBytes").Call(jen.Lit(int(col.Type.Prec)))
	case compiler.Timestamp:
		switch v.Logical {
		case "timestamp-micros", "local-timestamp-micros":
			return jen.Id("d").Dot("TimestampMicros").Call()
		case "date":
			return jen.Id("d").Dot("Date").Call()
		}
	case compiler.Time:
		if v.Logical == "time-micros" {
			return jen.Id("d").Dot("Long").Call().Op("/").Lit(1000)
		}
	case compiler.Bytes:
		return jen.String().Call(jen.Id("d").Dot("Bytes").Call()) // a copy: BLOB values never view the record
	}
	var read jen.Code
	switch v.Kind {
	case compiler.AvroBoolean:
		return jen.Id("d").Dot("Boolean").Call()
	case compiler.AvroInt:
		read = jen.Id("d").Dot("Int").Call()
		if col.Type.Kind == compiler.Int {
			return read
		}
	case compiler.AvroLong:
		read = jen.Id("d").Dot("Long").Call()
		if col.Type.Kind != compiler.Double {
			return read
		}
	case compiler.AvroFloat:
		return jen.Float64().Call(jen.Id("d").Dot("Float").Call())
	case compiler.AvroDouble:
		return jen.Id("d").Dot("Double").Call()
	case compiler.AvroEnum:
		return jen.Id("d").Dot("Enum").Call(jen.Id(syms))
	default:
		return jen.Id("d").Dot("String").Call()
	}
	return jen.Add(goType(col.Type)).Call(read) // int64(d.Int()), float64(d.Long())
}

// symbols emits the variable name holding an enum's symbols for a column (or a part of one, at path), and
// returns its name.
func (a *avroGen) symbols(name, path string, v *compiler.AvroType) string {
	syms := make([]jen.Code, len(v.Symbols))
	for i, s := range v.Symbols {
		syms[i] = jen.Lit(s)
	}
	a.g.f.Comment(commentf("%s are the symbols of Avro enum %s, by index, for column %q.", name, v.Name, path))
	a.g.f.Var().Id(name).Op("=").Index().String().Values(syms...)
	a.g.f.Line()
	return name
}

// loopVar names the item counter of the array or map loop at depth.
func loopVar(depth int) string {
	if depth == 0 {
		return "n"
	}
	return "n" + strconv.Itoa(depth)
}

// skip skips a value of type t; depth is the nesting of array and map loops around it.
func (a *avroGen) skip(t *compiler.AvroType, depth int) []jen.Code {
	switch t.Kind {
	case compiler.AvroNull:
		return nil
	case compiler.AvroBoolean:
		return []jen.Code{jen.Id("d").Dot("SkipBoolean").Call()}
	case compiler.AvroInt:
		return []jen.Code{jen.Id("d").Dot("SkipInt").Call()}
	case compiler.AvroLong:
		return []jen.Code{jen.Id("d").Dot("SkipLong").Call()}
	case compiler.AvroFloat:
		return []jen.Code{jen.Id("d").Dot("SkipFloat").Call()}
	case compiler.AvroDouble:
		return []jen.Code{jen.Id("d").Dot("SkipDouble").Call()}
	case compiler.AvroBytes:
		return []jen.Code{jen.Id("d").Dot("SkipBytes").Call()}
	case compiler.AvroString:
		return []jen.Code{jen.Id("d").Dot("SkipString").Call()}
	case compiler.AvroEnum:
		return []jen.Code{jen.Id("d").Dot("SkipEnum").Call(jen.Lit(len(t.Symbols)))}
	case compiler.AvroFixed:
		if t.Size == 0 {
			return nil
		}
		return []jen.Code{jen.Id("d").Dot("SkipFixed").Call(jen.Lit(t.Size))}
	case compiler.AvroUnion:
		var cases []jen.Code
		for i, b := range t.Branches {
			if code := a.skip(b, depth); len(code) > 0 {
				cases = append(cases, jen.Case(jen.Lit(i)).Block(code...))
			}
		}
		u := jen.Id("d").Dot("Union").Call(jen.Lit(len(t.Branches)))
		if len(cases) == 0 {
			return []jen.Code{u}
		}
		return []jen.Code{jen.Switch(u).Block(cases...)}
	case compiler.AvroArray, compiler.AvroMap:
		item := a.skip(t.Items, depth+1)
		min := t.Items.MinSize()
		if t.Kind == compiler.AvroMap {
			item = append([]jen.Code{jen.Id("d").Dot("SkipString").Call()}, item...)
			min++
		}
		if min == 0 {
			return []jen.Code{jen.Id("d").Dot("SkipBlock").Call(jen.Lit(0))} // items of no bytes: only the block headers
		}
		n := loopVar(depth)
		block := func() jen.Code { return jen.Id("d").Dot("SkipBlock").Call(jen.Lit(min)) }
		return []jen.Code{jen.For(jen.Id(n).Op(":=").Add(block()), jen.Id(n).Op(">").Lit(0), jen.Id(n).Op("=").Add(block())).Block(
			jen.For(jen.Empty(), jen.Id(n).Op(">").Lit(0), jen.Id(n).Op("--")).Block(item...),
		)}
	case compiler.AvroRecord:
		if t.Recursive() || a.recordCost(t) > maxInlineSkip {
			return []jen.Code{jen.Id(a.skipFunc(t)).Call(jen.Id("d"))}
		}
		var code []jen.Code
		for _, f := range t.Fields {
			if fc := a.skip(f.Type, depth); len(fc) > 0 {
				code = append(code, jen.Comment(commentf("%s.%s: %s", t.Name, f.Name, f.Type)))
				code = append(code, fc...)
			}
		}
		return code
	}
	panic(fmt.Sprintf("codegen: cannot skip Avro type %s", t))
}

// goNameOf makes an identifier fragment of an Avro full name: a.b.Node → ABNode.
func goNameOf(name string) string {
	out := make([]byte, 0, len(name))
	up := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.' || c == '_':
			up = true
			continue
		case up && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		up = false
		out = append(out, c)
	}
	return string(out)
}

// avroSinkSpec is the rt.AvroSink of a sink with format avro: its writer schema and each column's encoding.
func avroSinkSpec(k *compiler.Sink) jen.Code {
	cols := make([]jen.Code, len(k.Columns))
	for i, col := range k.Columns {
		ft := k.Avro.Record.Fields[i].Type
		v, nullIdx, valIdx, _ := ft.Unwrap() // the checker accepted the type
		d := jen.Dict{jen.Id("Encoding"): jen.Qual(rtPath, avroEncoding(col.Type, v))}
		if ft.Kind == compiler.AvroUnion {
			d[jen.Id("Union")] = jen.True()
			d[jen.Id("NullIndex")] = jen.Lit(nullIdx)
			d[jen.Id("ValueIndex")] = jen.Lit(valIdx)
		}
		switch {
		case v.Kind == compiler.AvroFixed:
			d[jen.Id("Size")] = jen.Lit(v.Size)
		case v.Kind == compiler.AvroEnum:
			syms := make([]jen.Code, len(v.Symbols))
			for j, s := range v.Symbols {
				syms[j] = jen.Lit(s)
			}
			d[jen.Id("Symbols")] = jen.Index().String().Values(syms...)
		}
		cols[i] = jen.Values(d)
	}
	return jen.Op("&").Qual(rtPath, "AvroSink").Values(jen.Dict{
		jen.Id("Schema"):  rawString(k.Avro.JSON),
		jen.Id("Columns"): jen.Index().Qual(rtPath, "AvroColumn").Values(cols...),
	})
}

// avroEncoding names the rt.AvroEncoding that writes a column of type ct as Avro type v (not a union).
func avroEncoding(ct compiler.Type, v *compiler.AvroType) string {
	if ct.IsNested() {
		return "AvroNested"
	}
	switch v.Kind {
	case compiler.AvroNull:
		return "AvroNull"
	case compiler.AvroBoolean:
		return "AvroBoolean"
	case compiler.AvroInt:
		return "AvroInt"
	case compiler.AvroLong:
		if ct.Kind == compiler.Timestamp && (v.Logical == "timestamp-micros" || v.Logical == "local-timestamp-micros") {
			return "AvroTimestampMicros"
		}
		return "AvroLong"
	case compiler.AvroDouble:
		return "AvroDouble"
	case compiler.AvroEnum:
		return "AvroEnum"
	case compiler.AvroBytes:
		if ct.Kind == compiler.Bytes {
			return "AvroString" // the same wire form: a length and the bytes
		}
		return "AvroDecimalBytes"
	case compiler.AvroFixed:
		return "AvroDecimalFixed"
	}
	return "AvroString"
}

// writeAvroNested emits the statements that write the nested value x of type t as column i of an Avro sink k: in
// Avro rows, appended to the row's encoding field by field (body writes it otherwise, as JSON text, for a sink
// that --sink sends to a file).
func writeAvroNested(f *fn, k *compiler.Sink, i int, t compiler.Type, x val, json []jen.Code) {
	at, _, _, _ := k.Avro.Record.Fields[i].Type.Unwrap() // the checker accepted the type
	n := x.n
	if x.nonNull {
		n = jen.False()
	}
	b, bp := f.tmp("b"), f.tmp("bp")
	enc := []jen.Code{jen.Id(bp).Op(":=").Id("row").Dot("AvroBuf").Call(), jen.Id(b).Op(":=").Op("*").Id(bp)}
	enc = append(enc, appendAvroValue(b, t, at, x.v, k.Columns[i].Name, 0)...)
	enc = append(enc, jen.Op("*").Id(bp).Op("=").Id(b))
	f.emit(jen.If(jen.Id("row").Dot("IsAvro").Call()).Block(
		jen.If(jen.Id("row").Dot("AvroNested").Call(n)).Block(enc...),
	).Else().Block(json...))
}

// appendAvroPart emits the statements that append the value v, NULL when n, of SQL type t as Avro type at (a
// union of null and one type, or a type alone, which cannot hold a NULL) to the byte slice named b.
func appendAvroPart(b string, t compiler.Type, at *compiler.AvroType, v, n jen.Code, path string, depth int) []jen.Code {
	vt, nullIdx, valIdx, _ := at.Unwrap()
	body := appendAvroValue(b, t, vt, v, path, depth)
	var null []jen.Code
	switch {
	case at.Kind == compiler.AvroUnion:
		body = append([]jen.Code{jen.Id(b).Op("=").Qual(rtPath, "AppendAvroLong").Call(jen.Id(b), jen.Lit(int64(valIdx)))}, body...)
		if nullIdx >= 0 {
			null = []jen.Code{jen.Id(b).Op("=").Qual(rtPath, "AppendAvroLong").Call(jen.Id(b), jen.Lit(int64(nullIdx)))}
			break
		}
		fallthrough
	default:
		null = []jen.Code{jen.Id("row").Dot("AvroFail").Call(jen.Lit(path), jen.Lit("NULL, but its Avro type "+at.String()+" is not nullable"))}
	}
	return []jen.Code{jen.If(n).Block(null...).Else().Block(body...)}
}

// appendAvroValue emits the statements that append the non-NULL value v of SQL type t as Avro type at (not a
// union) to the byte slice named b: records field by field, arrays and maps as one block and the end of blocks.
func appendAvroValue(b string, t compiler.Type, at *compiler.AvroType, v jen.Code, path string, depth int) []jen.Code {
	set := func(fn string, args ...jen.Code) []jen.Code {
		return []jen.Code{jen.Id(b).Op("=").Qual(rtPath, fn).Call(append([]jen.Code{jen.Id(b)}, args...)...)}
	}
	switch t.Kind {
	case compiler.Struct:
		var code []jen.Code
		for i, af := range at.Fields {
			sf := t.N.Fields[i]
			code = append(code, appendAvroPart(b, sf.T, af.Type, jen.Add(v).Dot(sf.GoName), jen.Add(v).Dot(sf.GoName+"Null"), path+"."+sf.Name, depth)...)
		}
		return code
	case compiler.Array, compiler.Map:
		e := "e" + strconv.Itoa(depth)
		var item []jen.Code
		ev := jen.Id(e).Dot("V")
		if t.Kind == compiler.Map {
			item = set("AppendAvroString", jen.Id(e).Dot("Key"))
			ev = jen.Id(e).Dot("Val")
		}
		item = append(item, appendAvroPart(b, t.N.Elem, at.Items, ev, jen.Id(e).Dot("Null"), path+"[]", depth+1)...)
		return []jen.Code{
			jen.If(jen.Len(v).Op(">").Lit(0)).Block(append(set("AppendAvroLong", jen.Int64().Call(jen.Len(v))),
				jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(v)).Block(item...))...),
			jen.Id(b).Op("=").Append(jen.Id(b), jen.Lit(0)), // the end of the blocks
		}
	}
	switch enc := avroEncoding(t, at); enc {
	case "AvroBoolean":
		return set("AppendAvroBoolean", v)
	case "AvroInt", "AvroLong":
		return set("AppendAvroLong", jen.Int64().Call(v))
	case "AvroTimestampMicros":
		return set("AppendAvroLong", jen.Add(v).Op("*").Lit(1000))
	case "AvroDouble":
		return set("AppendAvroDouble", jen.Float64().Call(v))
	case "AvroString":
		return set("AppendAvroString", v)
	case "AvroDecimalBytes":
		return []jen.Code{jen.List(jen.Id(b), jen.Id("_")).Op("=").Qual(rtPath, "AppendAvroDecimal").Call(jen.Id(b), v, jen.Lit(0))}
	case "AvroDecimalFixed":
		return []jen.Code{jen.Block(
			jen.Var().Id("ok").Bool(),
			jen.If(jen.List(jen.Id(b), jen.Id("ok")).Op("=").Qual(rtPath, "AppendAvroDecimal").Call(jen.Id(b), v, jen.Lit(at.Size)), jen.Op("!").Id("ok")).Block(
				jen.Id("row").Dot("AvroFail").Call(jen.Lit(path), jen.Lit(fmt.Sprintf("the decimal does not fit the Avro fixed of %d bytes", at.Size)))),
		)}
	case "AvroEnum":
		syms := make([]jen.Code, len(at.Symbols))
		for i, s := range at.Symbols {
			syms[i] = jen.Lit(s)
		}
		idx := "sym" + strconv.Itoa(depth)
		return []jen.Code{jen.If(jen.Id(idx).Op(":=").Qual(rtPath, "AvroSymbol").Call(jen.Index().String().Values(syms...), v), jen.Id(idx).Op(">=").Lit(0)).Block(
			set("AppendAvroLong", jen.Int64().Call(jen.Id(idx)))...,
		).Else().Block(jen.Id("row").Dot("AvroFail").Call(jen.Lit(path), jen.Lit("the string is not a symbol of Avro enum "+at.Name)))}
	}
	panic(fmt.Sprintf("codegen: cannot write %s as Avro %s", t, at))
}
