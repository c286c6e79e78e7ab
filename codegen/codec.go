// Codecs: the fields of a grouped query's key and state structs, and their binary form (rt.Codec), which a job
// that spills state to disk, or keeps it in a changelog topic, writes and reads.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// fieldKind is the Go type of a field of a key or state struct, as the codec writes it.
type fieldKind uint8

const (
	kindBool fieldKind = iota
	kindInt32
	kindInt64
	kindUint64 // a DOUBLE key or DISTINCT value: the rt.FloatKey bits
	kindFloat64
	kindInt128
	kindString
	kindAgg      // an rt accumulator (compiler.AggImpl), which has AppendBinary and DecodeBinary methods
	kindDistinct // an rt.Distinct set of elem
)

// kindNames are the kinds as the layout names them, and as rt's Append<Name> helpers and BinDecoder methods do.
var kindNames = [...]string{
	kindBool: "Bool", kindInt32: "Int32", kindInt64: "Int64", kindUint64: "Uint64", kindFloat64: "Float64",
	kindInt128: "Int128", kindString: "String", kindAgg: "Agg", kindDistinct: "Distinct",
}

// structField is one field of a key or state struct.
type structField struct {
	name    string
	kind    fieldKind
	elem    fieldKind // the values of a kindDistinct set
	agg     *compiler.AggImpl
	comment string
}

// valueKind is the kind of a SQL type's Go representation (goType).
func valueKind(t compiler.Type) fieldKind {
	switch t.Kind {
	case compiler.Bool, compiler.Null:
		return kindBool
	case compiler.Int:
		return kindInt32
	case compiler.BigInt, compiler.Timestamp, compiler.Interval, compiler.Date, compiler.Time:
		return kindInt64
	case compiler.Double:
		return kindFloat64
	case compiler.Decimal:
		return kindInt128
	case compiler.Varchar, compiler.Bytes:
		return kindString
	}
	panic(fmt.Sprintf("codegen: no Go type for %s", t))
}

// keyKind is the kind of a GROUP BY key or DISTINCT value (keyGoType): DOUBLEs as their FloatKey bits, nested
// values as their key form (nestcmp.go).
func keyKind(t compiler.Type) fieldKind {
	switch {
	case t.Kind == compiler.Double:
		return kindUint64
	case t.IsNested():
		return kindString
	}
	return valueKind(t)
}

// goType is the field's Go type.
func (f structField) goType() jen.Code {
	switch f.kind {
	case kindBool:
		return jen.Bool()
	case kindInt32:
		return jen.Int32()
	case kindInt64:
		return jen.Int64()
	case kindUint64:
		return jen.Uint64()
	case kindFloat64:
		return jen.Float64()
	case kindInt128:
		return jen.Qual(rtPath, "Int128")
	case kindString:
		return jen.String()
	case kindAgg:
		t := jen.Qual(rtPath, f.agg.State)
		if f.agg.TypeArg2 != nil {
			t = t.Types(goType(*f.agg.TypeArg), goType(*f.agg.TypeArg2))
		} else if f.agg.TypeArg != nil {
			t = t.Types(goType(*f.agg.TypeArg))
		}
		return t
	}
	return jen.Qual(rtPath, "Distinct").Types(structField{kind: f.elem}.goType())
}

// keyFields are the fields of q's key struct: each GROUP BY key, and a NULL flag for a nullable one.
func keyFields(q *compiler.Query) []structField {
	var out []structField
	for _, k := range q.Keys {
		out = append(out, structField{name: keyField(k), kind: keyKind(k.Expr.Type()), comment: commentText(k.Name)})
		if k.Nullable {
			out = append(out, structField{name: keyField(k) + "Null", kind: kindBool})
		}
	}
	return out
}

// stateFields are the fields of q's state struct: the accumulators, and the emitted flag of a query that
// retracts rows.
func stateFields(q *compiler.Query) []structField {
	var out []structField
	for _, a := range q.Aggs {
		out = append(out, aggStateFields(a)...)
	}
	if q.Sink.Retracts {
		out = append(out, structField{name: "emitted", kind: kindBool, comment: "a row for this group was emitted and not retracted"})
	}
	return out
}

// aggStateFields are the typed fields one accumulator keeps per group.
func aggStateFields(a *compiler.Agg) []structField {
	out := []structField{{name: aggField(a), kind: kindAgg, agg: a.Impl, comment: commentText(a.Loc.Text)}}
	if a.Distinct && a.Arg != nil {
		out = append(out, structField{name: fmt.Sprintf("d%d", a.Index), kind: kindDistinct, elem: keyKind(a.Arg.Type())})
	}
	return out
}

// structOf renders fields as a struct type's fields.
func structOf(fields []structField) []jen.Code {
	out := make([]jen.Code, len(fields))
	for i, f := range fields {
		out[i] = jen.Id(f.name).Add(f.goType())
		if f.comment != "" {
			out[i] = jen.Add(out[i]).Comment(f.comment)
		}
	}
	return out
}

// layoutVersion names the binary form rt.Codec documents; the layout text of every codec starts with it.
const layoutVersion = "velocc-state-1"

// layout describes the binary form of a key and a state: the version, then each struct's fields and kinds.
func layout(key, state []structField) string {
	var b strings.Builder
	b.WriteString(layoutVersion)
	for _, part := range []struct {
		name   string
		fields []structField
	}{{"key", key}, {"state", state}} {
		b.WriteString("; " + part.name + ":")
		for i, f := range part.fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(" " + f.name + " " + kindNames[f.kind])
			switch f.kind {
			case kindDistinct:
				b.WriteString("[" + kindNames[f.elem] + "]")
			case kindAgg:
				b.WriteString("[" + f.agg.State + "]")
			}
		}
	}
	return b.String()
}

// codecVar names the rt.Codec of q.
func codecVar(q *compiler.Query) string { return lowerFirst(q.GoName) + "Codec" }

// genCodec emits the binary form of q's key and state: appendBinary and decodeBinary methods of both structs,
// and the rt.Codec that holds them (see rt.Codec for the layout).
func (g *gen) genCodec(q *compiler.Query) {
	key, state := keyFields(q), stateFields(q)
	kt, st := keyType(q), stateType(q)
	g.genAppendBinary(kt, "k", key)
	g.genDecodeBinary(kt, "k", key)
	g.genAppendBinary(st, "s", state)
	g.genDecodeBinary(st, "s", state)
	use := "with which its state spills to disk"
	if q.Changelog {
		use = "in which its changelog holds its state"
	}
	g.f.Comment(commentf("%s is the binary form of the groups of %s, %s.", codecVar(q), q.Name, use))
	g.f.Var().Id(codecVar(q)).Op("=").Op("&").Qual(rtPath, "Codec").Types(jen.Id(kt), jen.Id(st)).Values(jen.Dict{
		jen.Id("Layout"):      jen.Lit(layout(key, state)),
		jen.Id("AppendKey"):   jen.Parens(jen.Op("*").Id(kt)).Dot("appendBinary"),
		jen.Id("DecodeKey"):   jen.Parens(jen.Op("*").Id(kt)).Dot("decodeBinary"),
		jen.Id("AppendState"): jen.Parens(jen.Op("*").Id(st)).Dot("appendBinary"),
		jen.Id("DecodeState"): jen.Parens(jen.Op("*").Id(st)).Dot("decodeBinary"),
	})
	g.f.Line()
}

// genAppendBinary emits the method that appends the binary form of a struct: its fields in order.
func (g *gen) genAppendBinary(typ, recv string, fields []structField) {
	var body []jen.Code
	for _, f := range fields {
		field := jen.Id(recv).Dot(f.name)
		var call jen.Code
		switch f.kind {
		case kindAgg:
			call = jen.Add(field).Dot("AppendBinary").Call(jen.Id("b"))
		case kindDistinct:
			call = jen.Qual(rtPath, "AppendDistinct").Call(jen.Id("b"), jen.Op("&").Add(field), jen.Qual(rtPath, "Append"+kindNames[f.elem]))
		default:
			call = jen.Qual(rtPath, "Append"+kindNames[f.kind]).Call(jen.Id("b"), field)
		}
		body = append(body, jen.Id("b").Op("=").Add(call))
	}
	body = append(body, jen.Return(jen.Id("b")))
	g.f.Comment(fmt.Sprintf("appendBinary appends the binary form of %s: its fields in order (see rt.Codec).", recv))
	g.f.Func().Params(jen.Id(recv).Op("*").Id(typ)).Id("appendBinary").Params(jen.Id("b").Index().Byte()).Index().Byte().Block(body...)
	g.f.Line()
}

// genDecodeBinary emits the method that reads what appendBinary wrote.
func (g *gen) genDecodeBinary(typ, recv string, fields []structField) {
	var body []jen.Code
	for _, f := range fields {
		field := jen.Id(recv).Dot(f.name)
		switch f.kind {
		case kindAgg:
			body = append(body, jen.Add(field).Dot("DecodeBinary").Call(jen.Id("d")))
		case kindDistinct:
			body = append(body, jen.Qual(rtPath, "DecodeDistinct").Call(jen.Id("d"), jen.Op("&").Add(field),
				jen.Parens(jen.Op("*").Qual(rtPath, "BinDecoder")).Dot(kindNames[f.elem])))
		default:
			body = append(body, jen.Add(field).Op("=").Id("d").Dot(kindNames[f.kind]).Call())
		}
	}
	g.f.Comment("decodeBinary reads what appendBinary wrote; d records a malformed input.")
	g.f.Func().Params(jen.Id(recv).Op("*").Id(typ)).Id("decodeBinary").Params(jen.Id("d").Op("*").Qual(rtPath, "BinDecoder")).Block(body...)
	g.f.Line()
}
