// Protobuf sinks' nested columns: a STRUCT written as a message, an ARRAY as a repeated field (scalars packed), a
// MAP as a map's entries. Where the query writes the column, the job appends the field's whole encoding to the
// row's buffer of nested fields (rt.Row.ProtoBuf); the sink's encoder copies it into place in number order.
package codegen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// protoSinkEnum names the variable holding the values of the enum of the part at path of a sink's nested column.
func protoSinkEnum(k *compiler.Sink, path string) string {
	return protoEnumVar(k.Name, strings.ReplaceAll(path, "[]", ".elem"))
}

// protoOut is the field of sink k's message that output column i is written as.
func protoOut(k *compiler.Sink, i int) *compiler.ProtoField {
	for _, pf := range k.Proto.Fields {
		if pf.Out == i {
			return pf
		}
	}
	panic(fmt.Sprintf("codegen: column %d of sink %q has no Protobuf field", i, k.Name))
}

// genProtoNestedEnums emits the variables holding the values of the enums inside the nested column of type t
// written as field pf, at path.
func (g *gen) genProtoNestedEnums(k *compiler.Sink, t compiler.Type, pf *compiler.ProtoField, path string) {
	switch t.Kind {
	case compiler.Struct:
		for _, sf := range t.N.Fields {
			sp := compiler.ProtoFieldFor(pf.Fields, sf.Name)
			g.genProtoNestedEnums(k, sf.T, sp, path+"."+sp.Name)
		}
	case compiler.Array:
		g.genProtoNestedEnums(k, t.N.Elem, protoElem(pf), path+"[]")
	case compiler.Map:
		g.genProtoNestedEnums(k, t.N.Elem, pf.Fields[1], path+"[]")
	default:
		if pf.Kind == compiler.ProtoEnum && pf.Shape == compiler.ProtoScalar {
			g.genProtoEnum(protoSinkEnum(k, path), pf)
		}
	}
}

// protoElem is the element of a repeated field.
func protoElem(pf *compiler.ProtoField) *compiler.ProtoField {
	elem := *pf
	elem.Repeated, elem.Presence = false, false
	return &elem
}

// writeProtoNested emits the statements that write the nested value x of type t as column i of a row of the
// Protobuf sink k: the encoding of its field (nothing for a NULL) kept with rt.Row.ProtoNested; json writes it
// when the sink's format was overridden (--sink ...?format=jsonl).
func writeProtoNested(f *fn, k *compiler.Sink, i int, t compiler.Type, x val, json []jen.Code) {
	pf := protoOut(k, i)
	b, start := f.tmp("b"), f.tmp("start")
	n := x.n
	if x.nonNull {
		n = jen.False()
	}
	enc := appendProtoField(b, k, t, pf, x.v, pf.Name, 0)
	if !x.nonNull {
		enc = []jen.Code{jen.If(jen.Op("!").Add(x.n)).Block(enc...)}
	}
	body := append([]jen.Code{
		jen.Id(b).Op(":=").Id("row").Dot("ProtoBuf").Call(),
		jen.Id(start).Op(":=").Len(jen.Id(b)),
	}, enc...)
	body = append(body, jen.Id("row").Dot("ProtoNested").Call(jen.Id(b), jen.Id(start), n))
	f.emit(jen.If(jen.Id("row").Dot("IsProtobuf").Call()).Block(body...).Else().Block(json...))
}

// protoFail is the statement failing the row for the part at path.
func protoFail(path string, reason jen.Code) jen.Code {
	return jen.Id("row").Dot("ProtoFail").Call(jen.Lit(path), reason)
}

// appendProtoField emits the statements that append the non-NULL value v of type t as field pf (every
// occurrence of it: a repeated field's elements, a map's entries) to the byte slice named b.
func appendProtoField(b string, k *compiler.Sink, t compiler.Type, pf *compiler.ProtoField, v jen.Code, path string, depth int) []jen.Code {
	if t.Kind == compiler.Null {
		return nil // an element of ARRAY[NULL]: always NULL, never written
	}
	at := fmt.Sprintf("at%d", depth)
	e := fmt.Sprintf("e%d", depth)
	num := jen.Lit(int(pf.Number))
	open := func() []jen.Code { // not :=, which would declare a b of the block
		return []jen.Code{jen.Var().Id(at).Int(), jen.List(jen.Id(b), jen.Id(at)).Op("=").Qual(protoPath, "OpenField").Call(jen.Id(b), num)}
	}
	closeField := jen.Id(b).Op("=").Qual(protoPath, "CloseField").Call(jen.Id(b), jen.Id(at))
	switch t.Kind {
	case compiler.Struct:
		type part struct {
			sf compiler.StructField
			sp *compiler.ProtoField
		}
		var parts []part
		for _, sf := range t.N.Fields {
			parts = append(parts, part{sf, compiler.ProtoFieldFor(pf.Fields, sf.Name)})
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i].sp.Number < parts[j].sp.Number })
		body := open()
		for _, p := range parts {
			body = append(body, appendProtoPart(b, k, p.sf.T, p.sp, jen.Add(v).Dot(p.sf.GoName), jen.Add(v).Dot(p.sf.GoName+"Null"), path+"."+p.sp.Name, depth+1)...)
		}
		return []jen.Code{jen.Block(append(body, closeField)...)}
	case compiler.Array:
		elem := protoElem(pf)
		et := t.N.Elem
		null := jen.If(jen.Id(e).Dot("Null")).Block(protoFail(path+"[]", jen.Lit("NULL, but a Protobuf repeated field's elements cannot be NULL")))
		if !et.IsNested() && protoPacked(elem) && elem.Shape == compiler.ProtoScalar {
			return []jen.Code{jen.If(jen.Len(v).Op(">").Lit(0)).Block(append(open(),
				jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(v)).Block(
					null.Else().Block(appendProtoPacked(b, k, elem, jen.Id(e).Dot("V"), path+"[]")...)),
				closeField,
			)...)}
		}
		var item []jen.Code
		if et.IsNested() {
			item = appendProtoField(b, k, et, elem, jen.Id(e).Dot("V"), path+"[]", depth+1)
		} else {
			item = appendProtoScalar(b, k, et, elem, jen.Id(e).Dot("V"), path+"[]", true)
		}
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(v)).Block(null.Else().Block(item...))}
	case compiler.Map:
		kf, vf := pf.Fields[0], pf.Fields[1]
		var val []jen.Code
		if t.N.Elem.IsNested() {
			val = appendProtoField(b, k, t.N.Elem, vf, jen.Id(e).Dot("Val"), path+"[]", depth+1)
		} else {
			val = appendProtoScalar(b, k, t.N.Elem, vf, jen.Id(e).Dot("Val"), path+"[]", true)
		}
		entry := open()
		entry = append(entry, appendProtoScalar(b, k, t.N.Key, kf, jen.Id(e).Dot("Key"), path+" key", true)...)
		entry = append(entry,
			jen.If(jen.Id(e).Dot("Null")).Block(protoFail(path+"[]", jen.Lit("NULL, but a Protobuf map's values cannot be NULL"))).Else().Block(val...),
			closeField)
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id(e)).Op(":=").Range().Add(v)).Block(entry...)}
	}
	return appendProtoScalar(b, k, t, pf, v, path, false)
}

// appendProtoPart emits the statements that append the value v, NULL when n, of a STRUCT's field of type t as
// field sp: a NULL is an absent field (an empty one for a repeated field or a map), an error for a scalar
// field without presence, which protobuf would read back as its default value.
func appendProtoPart(b string, k *compiler.Sink, t compiler.Type, sp *compiler.ProtoField, v, n jen.Code, path string, depth int) []jen.Code {
	body := appendProtoField(b, k, t, sp, v, path, depth)
	if t.Kind == compiler.Null {
		return nil // always NULL: the field (with presence, as the checker made sure) is left out
	}
	if t.IsNested() || sp.Presence {
		return []jen.Code{jen.If(jen.Op("!").Add(n)).Block(body...)}
	}
	return []jen.Code{jen.If(n).Block(protoFail(path, jen.Lit("NULL, but Protobuf field "+sp.Name+" has no presence; declare it optional (or a wrapper type) in the .proto file"))).Else().Block(body...)}
}

// protoEnumNumber emits the statement looking up the number n of the enum value v of the field at path, failing
// the row for a name that is no value; then runs then with n.
func protoEnumNumber(k *compiler.Sink, v jen.Code, path string, then ...jen.Code) jen.Code {
	ev := protoSinkEnum(k, path)
	return jen.If(jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id(ev).Dot("Number").Call(v), jen.Op("!").Id("ok")).Block(
		protoFail(path, jen.Qual("strconv", "Quote").Call(v).Op("+").Lit(" is not a value of the Protobuf enum")),
	).Else().Block(then...)
}

// appendProtoScalar emits the statements that append the non-NULL scalar v of type t as field pf, with its tag;
// always writes a default value too (an element, a map's key or value), which a field without presence leaves
// out otherwise, as protobuf does.
func appendProtoScalar(b string, k *compiler.Sink, t compiler.Type, pf *compiler.ProtoField, v jen.Code, path string, always bool) []jen.Code {
	num := jen.Lit(int(pf.Number))
	app := func(fn string, arg jen.Code) jen.Code {
		return jen.Id(b).Op("=").Qual(protoPath, fn).Call(jen.Id(b), num, arg)
	}
	skipZero := !always && !pf.Presence && pf.Shape == compiler.ProtoScalar
	if pf.Shape == compiler.ProtoTimestamp {
		return []jen.Code{app("AppendTimestamp", v)}
	}
	if pf.Kind == compiler.ProtoEnum {
		write := app("AppendInt32", jen.Id("n"))
		if skipZero {
			write = jen.If(jen.Id("n").Op("!=").Lit(0)).Block(write)
		}
		return []jen.Code{protoEnumNumber(k, v, path, write)}
	}
	var fn string
	var arg, nonZero jen.Code
	switch pf.Kind {
	case compiler.ProtoInt32, compiler.ProtoSint32, compiler.ProtoSfixed32:
		fn = map[compiler.ProtoKind]string{compiler.ProtoInt32: "AppendInt32", compiler.ProtoSint32: "AppendSint32", compiler.ProtoSfixed32: "AppendSfixed32"}[pf.Kind]
		arg, nonZero = jen.Int32().Call(v), jen.Add(v).Op("!=").Lit(0)
	case compiler.ProtoInt64, compiler.ProtoSint64, compiler.ProtoSfixed64:
		fn = map[compiler.ProtoKind]string{compiler.ProtoInt64: "AppendInt64", compiler.ProtoSint64: "AppendSint64", compiler.ProtoSfixed64: "AppendSfixed64"}[pf.Kind]
		arg, nonZero = jen.Int64().Call(v), jen.Add(v).Op("!=").Lit(0)
	case compiler.ProtoBool:
		fn, arg, nonZero = "AppendBool", v, v
	case compiler.ProtoDouble:
		fn, arg = "AppendDouble", jen.Float64().Call(v)
		nonZero = jen.Qual("math", "Float64bits").Call(jen.Float64().Call(v)).Op("!=").Lit(0)
	case compiler.ProtoBytes:
		fn, arg, nonZero = "AppendBytes", v, jen.Add(v).Op("!=").Lit("")
	default:
		fn, arg, nonZero = "AppendString", v, jen.Add(v).Op("!=").Lit("")
	}
	if pf.Shape == compiler.ProtoWrapper {
		fn = map[compiler.ProtoKind]string{compiler.ProtoInt32: "AppendInt32Value", compiler.ProtoInt64: "AppendInt64Value",
			compiler.ProtoBool: "AppendBoolValue", compiler.ProtoDouble: "AppendDoubleValue", compiler.ProtoString: "AppendStringValue",
			compiler.ProtoBytes: "AppendBytesValue"}[pf.Kind]
	}
	if skipZero {
		return []jen.Code{jen.If(nonZero).Block(app(fn, arg))}
	}
	return []jen.Code{app(fn, arg)}
}

// appendProtoPacked emits the statement that appends the non-NULL scalar v as an element of the packed
// repeated field whose element is elem.
func appendProtoPacked(b string, k *compiler.Sink, elem *compiler.ProtoField, v jen.Code, path string) []jen.Code {
	set := func(fn string, arg jen.Code) jen.Code {
		return jen.Id(b).Op("=").Qual(protoPath, fn).Call(jen.Id(b), arg)
	}
	switch elem.Kind {
	case compiler.ProtoEnum:
		return []jen.Code{protoEnumNumber(k, v, path, set("Varint", jen.Int64().Call(jen.Id("n"))))}
	case compiler.ProtoSint32, compiler.ProtoSint64:
		return []jen.Code{set("ZigZag", jen.Int64().Call(v))}
	case compiler.ProtoSfixed32:
		return []jen.Code{set("Fixed32", jen.Int32().Call(v))}
	case compiler.ProtoSfixed64:
		return []jen.Code{set("Fixed64", jen.Int64().Call(v))}
	case compiler.ProtoDouble:
		return []jen.Code{set("Double", jen.Float64().Call(v))}
	case compiler.ProtoBool:
		return []jen.Code{set("Bool", v)}
	}
	return []jen.Code{set("Varint", jen.Int64().Call(v))} // int32 (sign-extended, as protobuf does), int64
}
