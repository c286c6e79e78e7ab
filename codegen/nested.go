// Nested values: the Go types of STRUCT, ARRAY and MAP, their JSON decoders and encoders, and reading into them.
// A STRUCT is an anonymous Go struct (each field beside its NULL flag, as a record's columns), so that equal SQL
// types are identical Go types without names to declare; an ARRAY is []rt.Opt[T]; a MAP []rt.Entry[K, V].
package codegen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// nestedGoType is the Go type of a nested SQL type.
func nestedGoType(t compiler.Type) jen.Code {
	switch t.Kind {
	case compiler.Struct:
		var fields []jen.Code
		for _, f := range t.N.Fields {
			fields = append(fields, jen.Id(f.GoName).Add(goType(f.T)), jen.Id(f.GoName+"Null").Bool())
		}
		return jen.Struct(fields...)
	case compiler.Array:
		return jen.Index().Qual(rtPath, "Opt").Types(goType(t.N.Elem))
	case compiler.Map:
		return jen.Index().Qual(rtPath, "Entry").Types(goType(t.N.Key), goType(t.N.Elem))
	}
	panic("codegen: not a nested type: " + t.String())
}

// decodeJSONValue emits the statements that read the JSON decoder d's current value, of type t, into the value v and
// the NULL flag n (both assignable, written fresh for each use). depth names the locals of nested levels apart.
// Strings are owned: a nested value may outlive its record.
//
// use says which parts of the value queries read (nil: all): a STRUCT's other fields are skipped, left NULL.
//
// sites numbers the arrays and maps the decoder d reads (its Scratch slots), for the decoder's reusable buffers: an
// array is read into its site's buffer, then copied into an allocation of its size (one allocation where growing
// it element by element made several). nil for a decoder that lives for one value only (a CSV field's JSON text):
// the array then grows as it is read.
func decodeJSONValue(d string, t compiler.Type, use *compiler.Use, v, n func() *jen.Statement, depth int, sites *int) []jen.Code {
	sfx := func(s string) string { return s + string(rune('0'+depth)) }
	switch t.Kind {
	case compiler.Struct:
		ok := sfx("ok")
		reset := jen.Dict{}
		for _, f := range t.N.Fields {
			reset[jen.Id(f.GoName+"Null")] = jen.True()
		}
		// The keys are expected in the struct's order, the usual case, where one comparison of the key's bytes finds
		// the field (Expect); any other order goes through a switch on the key, as a record's top level does.
		next, k := sfx("next"), sfx("k")
		var expects, index, cases []jen.Code
		for i, f := range t.N.Fields {
			expects = append(expects, jen.Case(jen.Lit(i)).Block(jen.If(jen.Id(d).Dot("Expect").Call(jen.Lit(strconv.Quote(f.Name)+":"))).Block(jen.Id(k).Op("=").Lit(i))))
			index = append(index, jen.Case(jen.Lit(f.Name)).Block(jen.Id(k).Op("=").Lit(i)))
			if use != nil && use.Fields[i] == nil {
				continue // no query reads it: skipped
			}
			fu := use.FieldUse(i)
			fv := func() *jen.Statement { return v().Dot(f.GoName) }
			fn := func() *jen.Statement { return v().Dot(f.GoName + "Null") }
			cases = append(cases, jen.Case(jen.Lit(i)).Block(decodeJSONValue(d, f.T, fu, fv, fn, depth+1, sites)...))
		}
		cases = append(cases, jen.Default().Block(jen.Id(d).Dot("Skip").Call()))
		return []jen.Code{
			jen.If(jen.List(jen.Id(ok), jen.Id(sfx("null"))).Op(":=").Id(d).Dot("Object").Call(), jen.Id(ok)).Block(
				v().Op("=").Add(nestedGoType(t)).Values(reset),
				jen.For(jen.Id(next).Op(":=").Lit(0), jen.Empty(), jen.Empty()).Block(
					jen.Id(k).Op(":=").Lit(-1),
					jen.Switch(jen.Id(next)).Block(expects...),
					jen.If(jen.Id(k).Op("<").Lit(0)).Block(
						jen.If(jen.Op("!").Id(d).Dot("NextField").Call()).Block(jen.Break()),
						jen.Switch(jen.String().Call(jen.Id(d).Dot("Key").Call())).Block(index...),
					),
					jen.If(jen.Id(k).Op(">=").Lit(0)).Block(jen.Id(next).Op("=").Id(k).Op("+").Lit(1)),
					jen.Switch(jen.Id(k)).Block(cases...),
				),
				n().Op("=").False(),
			).Else().Block(n().Op("=").Id(sfx("null"))),
		}
	case compiler.Array:
		a, e := sfx("a"), sfx("e")
		ev := func() *jen.Statement { return jen.Id(e).Dot("V") }
		en := func() *jen.Statement { return jen.Id(e).Dot("Null") }
		elem := jen.Qual(rtPath, "Opt").Types(goType(t.N.Elem))
		read := append([]jen.Code{jen.Var().Id(e).Add(elem)}, decodeJSONValue(d, t.N.Elem, use.ElemUse(), ev, en, depth+1, sites)...)
		return []jen.Code{
			jen.If(jen.List(jen.Id(sfx("ok")), jen.Id(sfx("null"))).Op(":=").Id(d).Dot("Array").Call(), jen.Id(sfx("ok"))).Block(
				append(collect(d, "NextElement", a, nestedGoType(t), elem, e, read, sites, depth), jen.List(v(), n()).Op("=").List(jen.Id(a), jen.False()))...,
			).Else().Block(jen.List(v(), n()).Op("=").List(jen.Nil(), jen.Id(sfx("null")))),
		}
	case compiler.Map:
		m, e := sfx("m"), sfx("e")
		ev := func() *jen.Statement { return jen.Id(e).Dot("Val") }
		en := func() *jen.Statement { return jen.Id(e).Dot("Null") }
		key := []jen.Code{jen.Id(e).Dot("Key").Op("=").String().Call(jen.Id(d).Dot("Key").Call())}
		if t.N.Key.Kind != compiler.Varchar {
			key = []jen.Code{
				jen.List(jen.Id(e).Dot("Key"), jen.Id("_")).Op("=").Id(d).Dot("KeyAs" + rowMethod(t.N.Key)).Call(),
			}
		}
		entry := jen.Qual(rtPath, "Entry").Types(goType(t.N.Key), goType(t.N.Elem))
		read := append(append([]jen.Code{jen.Var().Id(e).Add(entry)}, key...), decodeJSONValue(d, t.N.Elem, use.ElemUse(), ev, en, depth+1, sites)...)
		return []jen.Code{
			jen.If(jen.List(jen.Id(sfx("ok")), jen.Id(sfx("null"))).Op(":=").Id(d).Dot("Object").Call(), jen.Id(sfx("ok"))).Block(
				append(collect(d, "NextField", m, nestedGoType(t), entry, e, read, sites, depth), jen.List(v(), n()).Op("=").List(jen.Id(m), jen.False()))...,
			).Else().Block(jen.List(v(), n()).Op("=").List(jen.Nil(), jen.Id(sfx("null")))),
		}
	}
	read := readJSONScalar(d, t)
	return []jen.Code{jen.List(v(), n()).Op("=").Add(read)}
}

// collect emits the loop that reads the elements of an array (or the entries of a map) into out, of type typ whose
// elements are elem: each is read by read into the local e. With sites, through the site's reusable buffer, then
// copied into an allocation of its size; without, appended to out as they come. next is the decoder's method that
// moves to the next one: NextElement for an array, NextField for a map (an object).
func collect(d, next, out string, typ, elem jen.Code, e string, read []jen.Code, sites *int, depth int) []jen.Code {
	if sites == nil {
		return []jen.Code{
			jen.Var().Id(out).Add(typ),
			jen.For(jen.Id(d).Dot(next).Call()).Block(append(read, jen.Id(out).Op("=").Append(jen.Id(out), jen.Id(e)))...),
		}
	}
	site := *sites
	*sites++
	sp, buf := fmt.Sprintf("sp%d", depth), fmt.Sprintf("buf%d", depth)
	return []jen.Code{
		jen.Var().Id(out).Add(typ),
		jen.Id(sp).Op(":=").Qual(rtPath, "ScratchOf").Types(elem).Call(jen.Id(d).Dot("Scratch").Call(jen.Lit(site))),
		jen.Id(buf).Op(":=").Parens(jen.Op("*").Id(sp)).Index(jen.Empty(), jen.Lit(0)),
		jen.For(jen.Id(d).Dot(next).Call()).Block(append(read, jen.Id(buf).Op("=").Append(jen.Id(buf), jen.Id(e)))...),
		jen.Op("*").Id(sp).Op("=").Id(buf),
		jen.If(jen.Len(jen.Id(buf)).Op(">").Lit(0)).Block(
			jen.Id(out).Op("=").Qual("slices", "Clone").Call(jen.Id(buf)),
		),
	}
}

// readJSONScalar reads a scalar inside a nested value: as a column's reader does, but strings owned and timestamps
// as numbers (epoch milliseconds) or ISO 8601 text.
func readJSONScalar(d string, t compiler.Type) jen.Code {
	switch t.Kind {
	case compiler.Varchar:
		return jen.Id(d).Dot("OwnedString").Call()
	case compiler.Timestamp:
		return jen.Id(d).Dot("Timestamp").Call(jen.Qual(rtPath, "TimeEpochMillis"))
	}
	return readCall(d, &compiler.Field{Type: t})
}

// appendJSONValue emits the statements that append the JSON text of the non-NULL value v of type t to the byte
// slice named buf; rfc3339 names the bool that says how timestamps are written.
func appendJSONValue(buf, rfc3339 string, t compiler.Type, v jen.Code, depth int) []jen.Code {
	return appendJSONOf(buf, rfc3339, "AppendJSONString", t, v, depth)
}

// appendJSONOf is appendJSONValue with strings written by the rt function str.
func appendJSONOf(buf, rfc3339, str string, t compiler.Type, v jen.Code, depth int) []jen.Code {
	app := func(c jen.Code) jen.Code { return jen.Id(buf).Op("=").Add(c) }
	lit := func(s string) jen.Code { return app(jen.Append(jen.Id(buf), jen.Lit(s).Op("..."))) }
	null := func(isNull jen.Code, val jen.Code, vt compiler.Type) jen.Code {
		return jen.If(isNull).Block(lit("null")).Else().Block(appendJSONOf(buf, rfc3339, str, vt, val, depth+1)...)
	}
	sfx := func(s string) string { return s + string(rune('0'+depth)) }
	switch t.Kind {
	case compiler.Struct:
		var out []jen.Code
		for i, f := range t.N.Fields {
			sep := ","
			if i == 0 {
				sep = "{"
			}
			key := string(appendQuoted(nil, f.Name))
			out = append(out, lit(sep+key+":"), null(jen.Add(v).Dot(f.GoName+"Null"), jen.Add(v).Dot(f.GoName), f.T))
		}
		return append(out, lit("}"))
	case compiler.Array:
		i, e := sfx("i"), sfx("e")
		return []jen.Code{
			lit("["),
			jen.For(jen.List(jen.Id(i), jen.Id(e)).Op(":=").Range().Add(v)).Block(
				jen.If(jen.Id(i).Op(">").Lit(0)).Block(lit(",")),
				null(jen.Id(e).Dot("Null"), jen.Id(e).Dot("V"), t.N.Elem),
			),
			lit("]"),
		}
	case compiler.Map:
		i, e := sfx("i"), sfx("e")
		key := app(jen.Qual(rtPath, str).Call(jen.Id(buf), jen.Id(e).Dot("Key")))
		if t.N.Key.Kind != compiler.Varchar {
			key = app(jen.Qual(rtPath, "AppendJSONKey"+rowMethod(t.N.Key)).Call(jen.Id(buf), jen.Id(e).Dot("Key")))
		}
		return []jen.Code{
			lit("{"),
			jen.For(jen.List(jen.Id(i), jen.Id(e)).Op(":=").Range().Add(v)).Block(
				jen.If(jen.Id(i).Op(">").Lit(0)).Block(lit(",")),
				key, lit(":"),
				null(jen.Id(e).Dot("Null"), jen.Id(e).Dot("Val"), t.N.Elem),
			),
			lit("}"),
		}
	case compiler.Bool:
		return []jen.Code{app(jen.Qual("strconv", "AppendBool").Call(jen.Id(buf), v))}
	case compiler.Int:
		return []jen.Code{app(jen.Qual("strconv", "AppendInt").Call(jen.Id(buf), jen.Int64().Call(v), jen.Lit(10)))}
	case compiler.BigInt:
		return []jen.Code{app(jen.Qual("strconv", "AppendInt").Call(jen.Id(buf), v, jen.Lit(10)))}
	case compiler.Double:
		return []jen.Code{app(jen.Qual(rtPath, "AppendJSONFloat").Call(jen.Id(buf), v))}
	case compiler.Decimal:
		return []jen.Code{app(jen.Qual(rtPath, "AppendDecimal").Call(jen.Id(buf), v, jen.Lit(int(t.Scale))))}
	case compiler.Timestamp:
		return []jen.Code{app(jen.Qual(rtPath, "AppendJSONTimestamp").Call(jen.Id(buf), v, jen.Id(rfc3339)))}
	case compiler.Varchar:
		return []jen.Code{app(jen.Qual(rtPath, str).Call(jen.Id(buf), v))}
	case compiler.Bytes:
		return []jen.Code{app(jen.Qual(rtPath, str).Call(jen.Id(buf), jen.Qual(rtPath, "FormatBytes").Call(v)))}
	}
	panic("codegen: no JSON form for " + t.String())
}

// appendQuoted appends s as a JSON string (keys of STRUCT fields, known when the job is generated).
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20:
			const hex = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', hex[r>>4], hex[r&15])
		default:
			dst = append(dst, string(r)...)
		}
	}
	return append(dst, '"')
}

// writeNested emits the statements that write the nested value x of type t as the next column, i, of row: for the
// sink k of an Avro format, as Avro in Avro rows (avro.go); of the Protobuf format, as Protobuf in Protobuf rows
// (protobuf_sink_nested.go).
func writeNested(f *fn, k *compiler.Sink, i int, t compiler.Type, x val) {
	if k != nil && k.Avro != nil {
		writeAvroNested(f, k, i, t, x, f.block(func() { writeNested(f, nil, i, t, x) }))
		return
	}
	if k != nil && k.Proto != nil {
		writeProtoNested(f, k, i, t, x, f.block(func() { writeNested(f, nil, i, t, x) }))
		return
	}
	b, rfc := f.tmp("b"), f.tmp("rfc")
	body := []jen.Code{jen.List(jen.Id(b), jen.Id(rfc)).Op(":=").Id("row").Dot("Nested").Call()}
	inner := appendJSONValue("buf", rfc, t, x.v, 0)
	body = append(body, jen.Id("buf").Op(":=").Op("*").Id(b))
	body = append(body, inner...)
	body = append(body, jen.Op("*").Id(b).Op("=").Id("buf"), jen.Id("_").Op("=").Id(rfc), jen.Id("row").Dot("JSON").Call(jen.Id("buf"), jen.False()))
	if x.nonNull {
		f.emit(jen.Block(body...))
		return
	}
	f.emit(jen.If(x.n).Block(jen.Id("row").Dot("JSON").Call(jen.Nil(), jen.True())).Else().Block(body...))
}

// nestedExpr generates reading into a nested value: a STRUCT's field, an ARRAY's element, a MAP's value.
func (f *fn) nestedExpr(e compiler.Expr) val {
	switch x := e.(type) {
	case *compiler.FieldOf:
		s := f.expr(x.X)
		fd := x.X.Type().N.Fields[x.Index]
		fv := jen.Add(s.v).Dot(fd.GoName)
		fnull := jen.Add(s.v).Dot(fd.GoName + "Null")
		if s.nonNull {
			return val{v: fv, n: fnull}
		}
		return val{v: fv, n: jen.Parens(jen.Add(s.n).Op("||").Add(fnull))}
	case *compiler.ElemOf:
		c, i := f.expr(x.X), f.expr(x.Index)
		get := "At"
		if x.X.Type().Kind == compiler.Map {
			get = "Lookup"
		}
		v, n := f.tmp("v"), f.tmp("n")
		nc, _ := nullOr(c, i)
		f.emit(jen.Var().Id(v).Add(goType(x.Type())), jen.Id(n).Op(":=").Add(nc))
		f.emit(jen.If(jen.Op("!").Id(n)).Block(jen.List(jen.Id(v), jen.Id(n)).Op("=").Qual(rtPath, get).Call(c.v, i.v)))
		return val{v: jen.Id(v), n: jen.Id(n)}
	case *compiler.Construct:
		return f.construct(x)
	}
	panic("codegen: not a nested access")
}

// construct builds an ARRAY, STRUCT or MAP from its parts; a MAP's keys must be non-NULL and distinct.
func (f *fn) construct(x *compiler.Construct) val {
	v := f.tmp("v")
	f.emit(jen.Var().Id(v).Add(goType(x.T)))
	switch x.T.Kind {
	case compiler.Array:
		f.emit(jen.Id(v).Op("=").Make(goType(x.T), jen.Lit(len(x.Args))))
		for i, arg := range x.Args {
			a := f.expr(arg)
			f.emit(jen.Id(v).Index(jen.Lit(i)).Op("=").Qual(rtPath, "Opt").Types(goType(x.T.N.Elem)).Values(jen.Dict{jen.Id("V"): a.v, jen.Id("Null"): a.n}))
		}
	case compiler.Struct:
		for i, arg := range x.Args {
			a := f.expr(arg)
			fd := x.T.N.Fields[i]
			f.emit(jen.List(jen.Id(v).Dot(fd.GoName), jen.Id(v).Dot(fd.GoName+"Null")).Op("=").List(a.v, a.n))
		}
	case compiler.Map:
		f.emit(jen.Id(v).Op("=").Make(goType(x.T), jen.Lit(0), jen.Lit(len(x.Args)/2)))
		for i := 0; i < len(x.Args); i += 2 {
			k, e := f.expr(x.Args[i]), f.expr(x.Args[i+1])
			if !k.nonNull {
				f.emit(jen.If(k.n).Block(f.fail(x.Loc, "a MAP's key is NULL")))
			}
			f.emit(
				jen.If(jen.Qual(rtPath, "MapHas").Call(jen.Id(v), k.v)).Block(f.fail(x.Loc, "a MAP's keys must be distinct")),
				jen.Id(v).Op("=").Append(jen.Id(v), jen.Qual(rtPath, "Entry").Types(goType(x.T.N.Key), goType(x.T.N.Elem)).Values(jen.Dict{jen.Id("Key"): k.v, jen.Id("Val"): e.v, jen.Id("Null"): e.n})))
		}
	}
	return val{v: jen.Id(v), n: jen.False(), nonNull: true}
}

// csvNested reads a nested column f from a CSV field holding its JSON text (as CSV sinks write it), setting the
// record's value and the local null.
func csvNested(f *compiler.Field) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("text"), jen.Id("tnull")).Op(":=").Id("d").Dot("String").Call(),
		jen.Id("null").Op("=").Id("tnull"),
		jen.If(jen.Op("!").Id("tnull")).Block(append(append(
			[]jen.Code{
				jen.Var().Id("jd").Qual(rtPath, "JSONDecoder"),
				jen.Id("jd").Dot("ResetValue").Call(jen.Index().Byte().Call(jen.Id("text")), jen.Lit(f.Name)),
			},
			decodeJSONValue("jd", f.Type, f.Use, func() *jen.Statement { return jen.Id("r").Dot(f.GoName) }, func() *jen.Statement { return jen.Id("null") }, 0, nil)...),
			jen.If(jen.Err().Op(":=").Id("jd").Dot("EndValue").Call(), jen.Err().Op("!=").Nil()).Block(
				jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Err().Dot("Error").Call())))...),
	}
}

// toJSON is TO_JSON(x): the JSON text of x as a JSON sink writes it (timestamps as epoch milliseconds), but with
// strings as DuckDB's to_json writes them.
func (f *fn) toJSON(x *compiler.Func) val {
	a := f.expr(x.Args[0])
	return f.strict(compiler.TVarchar, a.n, a.nonNull, func(v string) []jen.Code {
		body := []jen.Code{jen.Var().Id("buf").Index().Byte(), jen.Id("rfc").Op(":=").False()}
		body = append(body, appendJSONOf("buf", "rfc", "AppendJSONText", x.Args[0].Type(), a.v, 0)...)
		return append(body, jen.Id("_").Op("=").Id("rfc"), jen.Id(v).Op("=").String().Call(jen.Id("buf")))
	})
}

// explodeRows writes one row of q per element of its UNNEST / EXPLODE array (none when it is NULL), each row's code
// in a function of its own, whose returns end that row only.
func (g *gen) explodeRows(f *fn, q *compiler.Query) {
	a := f.expr(q.Explode.Arg)
	if f.pre == nil {
		f.pre = map[compiler.Expr]val{}
	}
	f.pre[q.Explode] = val{v: jen.Id("e").Dot("V"), n: jen.Id("e").Dot("Null")}
	row := f.block(func() { g.writeRow(f, q, false) })
	delete(f.pre, q.Explode)
	loop := jen.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Add(a.v)).Block(
		jen.If(jen.Err().Op(":=").Func().Params().Error().Block(row...).Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	if a.nonNull {
		f.emit(loop)
	} else {
		f.emit(jen.If(jen.Op("!").Add(a.n)).Block(loop))
	}
	f.emit(jen.Return(jen.Nil()))
}
