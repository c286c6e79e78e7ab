// Protobuf: the decoder of a Protobuf source, a loop over the message's fields with a switch on their numbers,
// and the encoder of a Protobuf sink, straight-line in field-number order.
package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// protoPath is the import path of the runtime's Protobuf package.
const protoPath = rtPath + "/protobuf"

// protoIndexVar names the variable holding the Confluent message index of a source's message.
func protoIndexVar(s *compiler.Source) string { return lowerFirst(s.GoName) + "ProtoIndex" }

// protoEnumVar names the variable holding the values of the enum of a source's column or a sink's field.
func protoEnumVar(owner, field string) string { return lowerFirst(owner) + goNameOf(field) + "Enum" }

// genProtoEnum emits the variable holding an enum's values.
func (g *gen) genProtoEnum(name string, f *compiler.ProtoField) {
	names := make([]jen.Code, len(f.Enum))
	nums := make([]jen.Code, len(f.Enum))
	for i, v := range f.Enum {
		names[i], nums[i] = jen.Lit(v.Name), jen.Lit(int(v.Number))
	}
	g.f.Comment(commentf("%s are the values of Protobuf enum %s, for field %q.", name, f.TypeName, f.Name))
	g.f.Var().Id(name).Op("=").Qual(protoPath, "Enum").Values(jen.Dict{
		jen.Id("Names"):   jen.Index().String().Values(names...),
		jen.Id("Numbers"): jen.Index().Int32().Values(nums...),
	})
	g.f.Line()
}

// genProtoDecoder emits decode<Source>Proto for a source with a Protobuf message: the columns set to what an
// absent field means, then one pass over the message's fields, each read into its column or skipped.
func (g *gen) genProtoDecoder(s *compiler.Source) {
	if s.Proto == nil {
		return
	}
	body := []jen.Code{
		jen.Var().Id("d").Qual(protoPath, "Decoder"),
		jen.Id("d").Dot("Reset").Call(jen.Id("b")),
	}
	if s.Proto.Confluent {
		idx := make([]jen.Code, len(s.Proto.Index))
		for i, x := range s.Proto.Index {
			idx[i] = jen.Lit(x)
		}
		g.f.Comment(commentf("%s is the index of message %s in %s, as Confluent's wire format names it.", protoIndexVar(s), s.Proto.Message, s.Proto.File))
		g.f.Var().Id(protoIndexVar(s)).Op("=").Index().Int().Values(idx...)
		g.f.Line()
		body = append(body, jen.Id("d").Dot("ConfluentHeader").Call(jen.Id(protoIndexVar(s))))
		if url := s.Options["schema.registry.url"]; url != "" {
			var fields []jen.Code
			for _, pf := range s.Proto.Fields {
				if pf.Column != nil && !skipped(pf.Column) {
					fields = append(fields, jen.Values(jen.Dict{jen.Id("Name"): jen.Lit(pf.Name), jen.Id("Number"): jen.Lit(int(pf.Number)), jen.Id("Type"): jen.Lit(protoWireType(pf))}))
				}
			}
			v := lowerFirst(s.GoName) + "Schemas"
			g.f.Comment(commentf("%s checks the writer schema of each schema id in %s against the fields the job reads.", v, url))
			g.f.Var().Id(v).Op("=").Qual(registryPath, "NewProtobuf").Call(jen.Lit(url), jen.Lit(s.Proto.Message), jen.Index().Qual(registryPath, "Field").Values(fields...))
			g.f.Line()
			body = append(body, registryCheck(v)...)
		}
	}
	var presence []*compiler.ProtoField // NOT NULL columns of fields with presence: checked after the loop
	var cases []jen.Code
	for _, pf := range s.Proto.Fields {
		col := pf.Column
		if col == nil || skipped(col) {
			continue
		}
		if pf.Presence && col.Nullable {
			body = append(body, jen.Id("r").Dot(nullField(col)).Op("=").True())
		} else if col.Nullable {
			body = append(body, jen.Id("r").Dot(nullField(col)).Op("=").False())
		}
		if pf.Kind == compiler.ProtoEnum && !pf.Presence {
			body = append(body, jen.Id("r").Dot(col.GoName).Op("=").Lit(pf.EnumDefault))
		} else {
			body = append(body, jen.Id("r").Dot(col.GoName).Op("=").Add(zeroOf(col.Type)))
		}
		if pf.Presence && !col.Nullable {
			presence = append(presence, pf)
		}
		if pf.Kind == compiler.ProtoEnum {
			g.genProtoEnum(protoEnumVar(s.GoName, pf.Name), pf)
		}
		stmts := []jen.Code{jen.Comment(commentf("%s: %s", pf.Name, pf)), jen.Id("d").Dot("Field").Call(jen.Lit(pf.Name))}
		read := g.protoRead(s, pf)
		switch {
		case pf.Presence && col.Nullable:
			stmts = append(stmts, jen.List(jen.Id("r").Dot(col.GoName), jen.Id("r").Dot(nullField(col))).Op("=").List(read, jen.False()))
		default:
			stmts = append(stmts, jen.Id("r").Dot(col.GoName).Op("=").Add(read))
		}
		if pf.Presence && !col.Nullable {
			stmts = append(stmts, jen.Id(seenVar(pf)).Op("=").True())
		}
		cases = append(cases, jen.Case(jen.Lit(int(pf.Number))).Block(stmts...))
	}
	for _, pf := range presence {
		body = append(body, jen.Id(seenVar(pf)).Op(":=").False())
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("Skip").Call()))
	if len(cases) == 1 {
		body = append(body, jen.For(jen.Id("d").Dot("Next").Call()).Block(jen.Id("d").Dot("Skip").Call()))
	} else {
		body = append(body, jen.For(jen.Id("d").Dot("Next").Call()).Block(jen.Switch(jen.Id("d").Dot("Num").Call()).Block(cases...)))
	}
	for _, pf := range presence {
		body = append(body, jen.If(jen.Op("!").Id(seenVar(pf)).Op("&&").Id("d").Dot("Err").Call().Op("==").Nil()).Block(
			jen.Id("d").Dot("Fail").Call(jen.Lit(pf.Name), jen.Lit("missing value for a NOT NULL column"))))
	}
	body = append(body, jen.Return(jen.Id("d").Dot("End").Call()))
	name := decodeFunc(s) + "Proto"
	g.f.Comment(commentf("%s decodes one Protobuf message %s of %q, defined in %s, into r.", name, s.Proto.Message, s.Name, s.Proto.File))
	g.f.Comment("An absent field without presence holds its default value (0, \"\", false, an enum's first value); unknown")
	g.f.Comment("fields and fields no query reads are skipped.")
	if s.Proto.Confluent {
		g.f.Comment("Messages are in Confluent's wire format: a magic byte, a schema id and the message indexes precede it.")
	}
	g.f.Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("r").Op("*").Id(recordType(s))).Error().Block(body...)
	g.f.Line()
}

// registryPath is the import path of the runtime's schema registry client.
const registryPath = rtPath + "/registry"

// registryCheck checks the schema id of the header just read with the checker v.
func registryCheck(v string) []jen.Code {
	return []jen.Code{jen.If(jen.Id("d").Dot("Err").Call().Op("==").Nil()).Block(
		jen.If(jen.Err().Op(":=").Id(v).Dot("Check").Call(jen.Id("d").Dot("SchemaID").Call()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))}
}

// protoWireType describes a field's type as rt/registry.ProtoType does for the writer's.
func protoWireType(pf *compiler.ProtoField) string {
	switch {
	case pf.Shape == compiler.ProtoTimestamp || pf.Shape == compiler.ProtoWrapper:
		return "message " + pf.TypeName
	case pf.Kind == compiler.ProtoEnum:
		return "enum " + pf.TypeName
	}
	return pf.Kind.String()
}

func seenVar(pf *compiler.ProtoField) string { return fmt.Sprintf("seen%d", pf.Number) }

// protoRead is the expression reading field pf into its column.
func (g *gen) protoRead(s *compiler.Source, pf *compiler.ProtoField) jen.Code {
	col := pf.Column
	d := jen.Id("d")
	if pf.Shape == compiler.ProtoTimestamp {
		return d.Dot("Timestamp").Call()
	}
	var method string
	var native compiler.Kind // the column kind the reader returns
	switch pf.Kind {
	case compiler.ProtoInt32:
		method, native = "Int32", compiler.Int
	case compiler.ProtoSint32:
		method, native = "Sint32", compiler.Int
	case compiler.ProtoSfixed32:
		method, native = "Sfixed32", compiler.Int
	case compiler.ProtoInt64:
		method, native = "Int64", compiler.BigInt
	case compiler.ProtoSint64:
		method, native = "Sint64", compiler.BigInt
	case compiler.ProtoSfixed64:
		method, native = "Sfixed64", compiler.BigInt
	case compiler.ProtoUint32:
		method, native = "Uint32", compiler.BigInt
	case compiler.ProtoFixed32:
		method, native = "Fixed32", compiler.BigInt
	case compiler.ProtoUint64:
		method, native = "Uint64", compiler.Decimal
	case compiler.ProtoFixed64:
		method, native = "Fixed64", compiler.Decimal
	case compiler.ProtoBool:
		method, native = "Bool", compiler.Bool
	case compiler.ProtoFloat:
		method, native = "Float", compiler.Double
	case compiler.ProtoDouble:
		method, native = "Double", compiler.Double
	case compiler.ProtoEnum:
		return d.Dot("Enum").Call(jen.Op("&").Id(protoEnumVar(s.GoName, pf.Name)))
	default:
		method, native = "String", compiler.Varchar
	}
	if pf.Shape == compiler.ProtoWrapper {
		method = map[string]string{"Int32": "Int32Value", "Int64": "Int64Value", "Uint32": "UInt32Value", "Uint64": "UInt64Value",
			"Bool": "BoolValue", "Float": "FloatValue", "Double": "DoubleValue", "String": "StringValue"}[method]
	}
	read := d.Dot(method).Call()
	if col.Type.Kind == native || col.Type.Kind == compiler.Timestamp {
		return read
	}
	return jen.Add(goType(col.Type)).Call(read) // int64(d.Int32()), float64(d.Int64())
}

// sinkHeader is the SinkSpec.Header of a Kafka sink that writes Confluent's wire format, or nil: the header with
// 'schema.id', or with the id its schema is registered under at start-up.
func sinkHeader(k *compiler.Sink) jen.Code {
	id, url := k.Options["schema.id"], k.Options["schema.registry.url"]
	if k.Type != "kafka_sink" || id == "" && url == "" {
		return nil
	}
	var index jen.Code = jen.Nil()
	if k.Format == "protobuf" {
		idx := make([]jen.Code, len(k.Proto.Index))
		for i, x := range k.Proto.Index {
			idx[i] = jen.Lit(x)
		}
		index = jen.Index().Int().Values(idx...)
	}
	if id != "" {
		return jen.Func().Params().Params(jen.Index().Byte(), jen.Error()).Block(
			jen.Return(jen.Qual(registryPath, "Header").Call(jen.Lit(mustAtoi(id)), index), jen.Nil()))
	}
	typ, schema := "AVRO", ""
	if k.Format == "protobuf" {
		typ, schema = "PROTOBUF", k.Proto.Text
	} else {
		schema = k.Avro.JSON
	}
	subject := strings.TrimPrefix(k.URI, "kafka:") + "-value"
	return jen.Func().Params().Params(jen.Index().Byte(), jen.Error()).Block(
		jen.Return(jen.Qual(registryPath, "RegisterHeader").Call(jen.Lit(url), jen.Lit(subject),
			jen.Qual(registryPath, "Schema").Values(jen.Dict{jen.Id("Type"): jen.Lit(typ), jen.Id("Schema"): rawString(schema)}), index)))
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(fmt.Sprintf("codegen: schema.id %q", s)) // the checker accepted only numbers
	}
	return n
}

// protoEncodeFunc names the generated encoder of a Protobuf sink.
func protoEncodeFunc(k *compiler.Sink) string { return "encode" + goNameOf(k.Name) + "Proto" }

// protoSinkSpec is the rt.ProtoSink of a sink with format protobuf, and emits its encoder.
func (g *gen) protoSinkSpec(k *compiler.Sink) jen.Code {
	g.genProtoEncoder(k)
	return jen.Op("&").Qual(rtPath, "ProtoSink").Values(jen.Dict{
		jen.Id("Message"): jen.Lit(k.Proto.Message),
		jen.Id("Schema"):  rawString(k.Proto.Text),
		jen.Id("Encode"):  jen.Id(protoEncodeFunc(k)),
	})
}

// genProtoEncoder emits encode<Sink>Proto: each field of the message in number order, a field with presence
// left out for a NULL, a field without presence left out for its default value as protobuf does.
func (g *gen) genProtoEncoder(k *compiler.Sink) {
	var body []jen.Code
	for _, pf := range k.Proto.Fields {
		col := k.Columns[pf.Out]
		v := jen.Id("v").Index(jen.Lit(pf.Out))
		body = append(body, jen.Comment(commentf("%d %s: %s, column %q", pf.Number, pf.Name, pf, col.Name)))
		if col.Type.Kind == compiler.Null {
			continue // always NULL: the field (with presence) is left out
		}
		num := jen.Lit(int(pf.Number))
		app := func(fn string, arg jen.Code) jen.Code {
			return jen.Id("b").Op("=").Qual(protoPath, fn).Call(jen.Id("b"), num, arg)
		}
		var write []jen.Code
		var nonZero jen.Code
		switch {
		case pf.Shape == compiler.ProtoTimestamp:
			write = []jen.Code{app("AppendTimestamp", v.Clone().Dot("Int"))}
		case pf.Kind == compiler.ProtoEnum:
			ev := protoEnumVar(k.Name, pf.Name)
			g.genProtoEnum(ev, pf)
			lookup := jen.List(jen.Id("n"), jen.Id("ok")).Op(":=").Id(ev).Dot("Number").Call(v.Clone().Dot("Str"))
			fail := jen.Return(jen.Id("b"), jen.Qual(protoPath, "EnumError").Call(jen.Lit(k.Name), jen.Lit(col.Name), v.Clone().Dot("Str"), jen.Op("&").Id(ev)))
			if pf.Presence {
				write = []jen.Code{jen.If(lookup, jen.Op("!").Id("ok")).Block(fail).Else().Block(app("AppendInt32", jen.Id("n")))}
			} else {
				write = []jen.Code{jen.If(lookup, jen.Op("!").Id("ok")).Block(fail).Else().If(jen.Id("n").Op("!=").Lit(0)).Block(app("AppendInt32", jen.Id("n")))}
			}
		default:
			var fn string
			var arg jen.Code
			switch pf.Kind {
			case compiler.ProtoInt32, compiler.ProtoSint32, compiler.ProtoSfixed32:
				fn, arg = map[compiler.ProtoKind]string{compiler.ProtoInt32: "AppendInt32", compiler.ProtoSint32: "AppendSint32", compiler.ProtoSfixed32: "AppendSfixed32"}[pf.Kind],
					jen.Int32().Call(v.Clone().Dot("Int"))
				nonZero = v.Clone().Dot("Int").Op("!=").Lit(0)
			case compiler.ProtoInt64, compiler.ProtoSint64, compiler.ProtoSfixed64:
				fn, arg = map[compiler.ProtoKind]string{compiler.ProtoInt64: "AppendInt64", compiler.ProtoSint64: "AppendSint64", compiler.ProtoSfixed64: "AppendSfixed64"}[pf.Kind],
					v.Clone().Dot("Int")
				nonZero = v.Clone().Dot("Int").Op("!=").Lit(0)
			case compiler.ProtoBool:
				fn, arg = "AppendBool", v.Clone().Dot("Int").Op("!=").Lit(0)
				nonZero = v.Clone().Dot("Int").Op("!=").Lit(0)
			case compiler.ProtoDouble:
				fn = "AppendDouble"
				if col.Type.Kind == compiler.Double {
					arg = v.Clone().Dot("Float")
					nonZero = jen.Qual("math", "Float64bits").Call(v.Clone().Dot("Float")).Op("!=").Lit(0)
				} else {
					arg = jen.Float64().Call(v.Clone().Dot("Int"))
					nonZero = v.Clone().Dot("Int").Op("!=").Lit(0)
				}
			default:
				fn, arg = "AppendString", v.Clone().Dot("Str")
				nonZero = v.Clone().Dot("Str").Op("!=").Lit("")
			}
			if pf.Shape == compiler.ProtoWrapper {
				fn = map[compiler.ProtoKind]string{compiler.ProtoInt32: "AppendInt32Value", compiler.ProtoInt64: "AppendInt64Value",
					compiler.ProtoBool: "AppendBoolValue", compiler.ProtoDouble: "AppendDoubleValue", compiler.ProtoString: "AppendStringValue"}[pf.Kind]
			}
			if pf.Presence {
				write = []jen.Code{app(fn, arg)}
			} else {
				write = []jen.Code{jen.If(nonZero).Block(app(fn, arg))}
			}
		}
		if pf.Presence {
			body = append(body, jen.If(jen.Op("!").Add(v.Clone().Dot("Null"))).Block(write...))
			continue
		}
		body = append(body, jen.If(v.Clone().Dot("Null")).Block(
			jen.Return(jen.Id("b"), jen.Qual(protoPath, "NullError").Call(jen.Lit(k.Name), jen.Lit(col.Name), jen.Lit(pf.Name)))))
		body = append(body, write...)
	}
	body = append(body, jen.Return(jen.Id("b"), jen.Nil()))
	name := protoEncodeFunc(k)
	g.f.Comment(commentf("%s appends one row of sink %q to b as Protobuf message %s, fields in number order.", name, k.Name, k.Proto.Message))
	g.f.Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("v").Index().Qual(rtPath, "Value")).Params(jen.Index().Byte(), jen.Error()).Block(body...)
	g.f.Line()
}
