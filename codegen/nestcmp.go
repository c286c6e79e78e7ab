// Comparing and grouping whole nested values: a function per nested type that compares two values as DuckDB orders
// them, and two that write and read its key form, the canonical, ordered bytes a GROUP BY key, a DISTINCT row, a
// COUNT(DISTINCT) set or a MIN/MAX state holds it as (a Go slice cannot be a map key). Each is emitted once, when first used, and
// builds on rt's generic helpers (rt.CompareArrays, rt.AppendArrayKey, ...), given the functions of the parts.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// nestedFuncs numbers the nested types whose helpers the job has, and remembers which helpers are emitted.
type nestedFuncs struct {
	ids  map[compiler.Type]int
	done map[string]bool
}

// nestedFunc returns the name of the helper kind ("compareNested", "appendNestedKey", "decodeNestedKey") of the
// nested type t, emitting it with emit on first use.
func (g *gen) nestedFunc(kind string, t compiler.Type, emit func(name string)) jen.Code {
	h := &g.nested
	if h.ids == nil {
		h.ids, h.done = map[compiler.Type]int{}, map[string]bool{}
	}
	id, ok := h.ids[t]
	if !ok {
		id = len(h.ids) + 1
		h.ids[t] = id
	}
	name := fmt.Sprintf("%s%d", kind, id)
	if !h.done[name] {
		h.done[name] = true
		emit(name)
	}
	return jen.Id(name)
}

// compareFunc is a func(a, b T) int that orders two non-NULL values of t as DuckDB does: -1, 0 or +1.
func (g *gen) compareFunc(t compiler.Type) jen.Code {
	switch t.Kind {
	case compiler.Bool, compiler.Null:
		return jen.Qual(rtPath, "CompareBool")
	case compiler.Double:
		return jen.Qual(rtPath, "CmpFloat")
	case compiler.Decimal:
		return jen.Qual(rtPath, "Int128").Dot("Cmp")
	case compiler.Varchar, compiler.Bytes:
		return jen.Qual("strings", "Compare")
	case compiler.Struct, compiler.Array, compiler.Map:
		return g.nestedFunc("compareNested", t, func(name string) { g.genCompare(name, t) })
	}
	return jen.Qual("cmp", "Compare").Types(goType(t))
}

// genCompare emits the comparison of two values of the nested type t.
func (g *gen) genCompare(name string, t compiler.Type) {
	var body []jen.Code
	var doc string
	switch t.Kind {
	case compiler.Struct:
		doc = "%s compares two %s values field by field; a NULL field equals NULL and is greater than any value."
		for i, fd := range t.N.Fields {
			c := jen.Qual(rtPath, "CompareOpt").Call(jen.Id("a").Dot(fd.GoName), jen.Id("a").Dot(fd.GoName+"Null"),
				jen.Id("b").Dot(fd.GoName), jen.Id("b").Dot(fd.GoName+"Null"), g.compareFunc(fd.T))
			if i == len(t.N.Fields)-1 {
				body = append(body, jen.Return(c))
			} else {
				body = append(body, jen.If(jen.Id("c").Op(":=").Add(c), jen.Id("c").Op("!=").Lit(0)).Block(jen.Return(jen.Id("c"))))
			}
		}
	case compiler.Array:
		doc = "%s compares two %s values element by element (see rt.CompareArrays)."
		body = append(body, jen.Return(jen.Qual(rtPath, "CompareArrays").Call(jen.Id("a"), jen.Id("b"), g.compareFunc(t.N.Elem))))
	case compiler.Map:
		doc = "%s compares two %s values entry by entry, in their order (see rt.CompareMaps)."
		body = append(body, jen.Return(jen.Qual(rtPath, "CompareMaps").Call(jen.Id("a"), jen.Id("b"), g.compareFunc(t.N.Key), g.compareFunc(t.N.Elem))))
	}
	// The parts' functions, emitted while body was built, come before this one.
	g.f.Comment(commentf(doc, name, t))
	g.f.Func().Id(name).Params(jen.List(jen.Id("a"), jen.Id("b")).Add(goType(t))).Int().Block(body...)
	g.f.Line()
}

// appendKeyFunc is a func(b []byte, v T) []byte that appends the key form of a non-NULL value of t (see rt's
// AppendKeyInt32 and the others).
func (g *gen) appendKeyFunc(t compiler.Type) jen.Code {
	switch t.Kind {
	case compiler.Struct, compiler.Array, compiler.Map:
		return g.nestedFunc("appendNestedKey", t, func(name string) { g.genAppendKey(name, t) })
	}
	return jen.Qual(rtPath, "AppendKey"+kindNames[valueKind(t)])
}

// decodeKeyFunc is a func(d *rt.BinDecoder) T that reads what appendKeyFunc(t) wrote.
func (g *gen) decodeKeyFunc(t compiler.Type) jen.Code {
	switch t.Kind {
	case compiler.Struct, compiler.Array, compiler.Map:
		return g.nestedFunc("decodeNestedKey", t, func(name string) { g.genDecodeKey(name, t) })
	}
	return jen.Parens(jen.Op("*").Qual(rtPath, "BinDecoder")).Dot("Key" + kindNames[valueKind(t)])
}

// genAppendKey emits the function that appends the key form of a value of the nested type t.
func (g *gen) genAppendKey(name string, t compiler.Type) {
	var body []jen.Code
	switch t.Kind {
	case compiler.Struct:
		for _, fd := range t.N.Fields {
			body = append(body, jen.Id("b").Op("=").Qual(rtPath, "AppendOptKey").Call(jen.Id("b"),
				jen.Id("v").Dot(fd.GoName), jen.Id("v").Dot(fd.GoName+"Null"), g.appendKeyFunc(fd.T)))
		}
		body = append(body, jen.Return(jen.Id("b")))
	case compiler.Array:
		body = append(body, jen.Return(jen.Qual(rtPath, "AppendArrayKey").Call(jen.Id("b"), jen.Id("v"), g.appendKeyFunc(t.N.Elem))))
	case compiler.Map:
		body = append(body, jen.Return(jen.Qual(rtPath, "AppendMapKey").Call(jen.Id("b"), jen.Id("v"), g.appendKeyFunc(t.N.Key), g.appendKeyFunc(t.N.Elem))))
	}
	g.f.Comment(commentf("%s appends the key form of a value of type %s: equal values, and only they, have equal bytes.", name, t))
	g.f.Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("v").Add(goType(t))).Index().Byte().Block(body...)
	g.f.Line()
}

// genDecodeKey emits the function that reads what the one genAppendKey emitted for t wrote.
func (g *gen) genDecodeKey(name string, t compiler.Type) {
	var body []jen.Code
	switch t.Kind {
	case compiler.Struct:
		for _, fd := range t.N.Fields {
			body = append(body, jen.Qual(rtPath, "OptKey").Call(jen.Id("d"),
				jen.Op("&").Id("v").Dot(fd.GoName), jen.Op("&").Id("v").Dot(fd.GoName+"Null"), g.decodeKeyFunc(fd.T)))
		}
		body = append(body, jen.Return(jen.Id("v")))
	case compiler.Array:
		body = append(body, jen.Return(jen.Qual(rtPath, "ArrayKey").Call(jen.Id("d"), g.decodeKeyFunc(t.N.Elem))))
	case compiler.Map:
		body = append(body, jen.Return(jen.Qual(rtPath, "MapKey").Call(jen.Id("d"), g.decodeKeyFunc(t.N.Key), g.decodeKeyFunc(t.N.Elem))))
	}
	g.f.Comment(commentf("%s reads a value of type %s from its key form.", name, t))
	results := jen.Add(goType(t))
	if t.Kind == compiler.Struct {
		results = jen.Id("v").Add(goType(t))
	}
	g.f.Func().Id(name).Params(jen.Id("d").Op("*").Qual(rtPath, "BinDecoder")).Parens(results).Block(body...)
	g.f.Line()
}

// nestedKey emits the key form of the nested value v into the query's buffer buf (a field of q) and returns the
// string that views it, for a key struct or a DISTINCT set: valid until the next record, so that what is stored
// is copied (rt.Own).
func (f *fn) nestedKey(t compiler.Type, v jen.Code, buf string) jen.Code {
	b := jen.Id("q").Dot(buf)
	f.emit(jen.Add(b).Op("=").Add(f.g.appendKeyFunc(t)).Call(jen.Add(b).Index(jen.Empty(), jen.Lit(0)), v))
	return jen.Qual(rtPath, "KeyView").Call(b)
}

// fromNestedKey is the nested value of type t whose key form the string k holds.
func (f *fn) fromNestedKey(t compiler.Type, k jen.Code) jen.Code {
	return jen.Qual(rtPath, "DecodeKey").Call(k, f.g.decodeKeyFunc(t))
}

// keyBuf, distinctBuf and aggBuf name the query's buffers in which the key forms of a nested GROUP BY key, of a
// nested COUNT(DISTINCT) argument and of a nested MIN or MAX argument are built.
func keyBuf(k *compiler.Key) string      { return fmt.Sprintf("kb%d", k.Index) }
func distinctBuf(a *compiler.Agg) string { return fmt.Sprintf("db%d", a.Index) }
func aggBuf(a *compiler.Agg) string      { return fmt.Sprintf("ab%d", a.Index) }

// keyBufFields are the fields of q's struct that hold those buffers.
func keyBufFields(q *compiler.Query) []jen.Code {
	if !q.Grouped {
		return nil
	}
	var out []jen.Code
	for _, k := range q.Keys {
		if k.Expr.Type().IsNested() {
			out = append(out, jen.Id(keyBuf(k)).Index().Byte().Comment(commentText("the key form of "+k.Name)))
		}
	}
	for _, a := range q.Aggs {
		if a.Distinct && a.Arg != nil && a.Arg.Type().IsNested() {
			out = append(out, jen.Id(distinctBuf(a)).Index().Byte().Comment(commentText("the key form of the argument of "+a.Loc.Text)))
		}
		if a.Impl.KeyForm {
			out = append(out, jen.Id(aggBuf(a)).Index().Byte().Comment(commentText("the key form of the argument of "+a.Loc.Text)))
		}
	}
	return out
}

// nestedCast converts a nested value part by part (compiler.NestedCast): a loop over an ARRAY's elements or a MAP's
// entries, or a STRUCT's fields one by one, each part converted by the code of its own cast.
func (f *fn) nestedCast(x *compiler.NestedCast) val {
	a := f.expr(x.X)
	return f.strict(x.T, a.n, a.nonNull, func(v string) []jen.Code {
		return f.block(func() { f.castParts(x, a.v, v) })
	})
}

// castParts emits the statements that set dst to the non-NULL nested value src converted by x.
func (f *fn) castParts(x *compiler.NestedCast, src jen.Code, dst string) {
	if f.pre == nil {
		f.pre = map[compiler.Expr]val{}
	}
	part := func(p *compiler.PartCast, in val) val {
		f.pre[p.In] = in
		out := f.expr(p.Out)
		delete(f.pre, p.In)
		return out
	}
	t, from := x.T, x.X.Type()
	switch t.Kind {
	case compiler.Array:
		i, e := f.tmp("i"), f.tmp("e")
		body := f.block(func() {
			out := part(x.Elem, val{v: jen.Id(e).Dot("V"), n: jen.Id(e).Dot("Null")})
			f.emit(jen.Id(dst).Index(jen.Id(i)).Op("=").Qual(rtPath, "Opt").Types(goType(t.N.Elem)).Values(jen.Dict{jen.Id("V"): out.v, jen.Id("Null"): out.n}))
		})
		f.emit(jen.Id(dst).Op("=").Make(goType(t), jen.Len(src)),
			jen.For(jen.List(jen.Id(i), jen.Id(e)).Op(":=").Range().Add(src)).Block(body...))
	case compiler.Map:
		e := f.tmp("e")
		body := f.block(func() {
			k := part(x.Key, val{v: jen.Id(e).Dot("Key"), n: jen.False(), nonNull: true})
			v := part(x.Elem, val{v: jen.Id(e).Dot("Val"), n: jen.Id(e).Dot("Null")})
			entry := jen.Qual(rtPath, "Entry").Types(goType(t.N.Key), goType(t.N.Elem)).Values(jen.Dict{jen.Id("Key"): k.v, jen.Id("Val"): v.v, jen.Id("Null"): v.n})
			if from.N.Key == t.N.Key {
				f.emit(jen.Id(dst).Op("=").Append(jen.Id(dst), entry)) // the keys stay distinct
			} else {
				f.emit(jen.Id(dst).Op("=").Qual(rtPath, "MapPut").Call(jen.Id(dst), entry)) // converted keys may repeat
			}
		})
		f.emit(jen.Id(dst).Op("=").Make(goType(t), jen.Lit(0), jen.Len(src)),
			jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(src)).Block(body...))
	case compiler.Struct:
		for j, p := range x.Fields {
			fd := t.N.Fields[j]
			if p == nil {
				f.emit(jen.Id(dst).Dot(fd.GoName + "Null").Op("=").True()) // a field the value has none of
				continue
			}
			sf := from.N.Fields[p.Field]
			out := part(p, val{v: jen.Add(src).Dot(sf.GoName), n: jen.Add(src).Dot(sf.GoName + "Null")})
			f.emit(jen.List(jen.Id(dst).Dot(fd.GoName), jen.Id(dst).Dot(fd.GoName+"Null")).Op("=").List(out.v, out.n))
		}
	}
}
