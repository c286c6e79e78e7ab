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
		nested := col.Type.IsNested()
		switch {
		case col.Type.Kind == compiler.Struct:
			body = append(body, jen.Id("r").Dot(col.GoName).Op("=").Add(protoDefault(col.Type, pf)))
		case pf.Kind == compiler.ProtoEnum && !pf.Presence && !nested:
			body = append(body, jen.Id("r").Dot(col.GoName).Op("=").Lit(pf.EnumDefault))
		default:
			body = append(body, jen.Id("r").Dot(col.GoName).Op("=").Add(zeroOf(col.Type)))
		}
		if pf.Presence && !col.Nullable {
			presence = append(presence, pf)
		}
		if pf.Kind == compiler.ProtoEnum && !nested {
			g.genProtoEnum(protoEnumVar(s.GoName, pf.Name), pf)
		}
		stmts := []jen.Code{jen.Comment(commentf("%s: %s", pf.Name, pf)), jen.Id("d").Dot("Field").Call(jen.Lit(pf.Name))}
		switch {
		case nested:
			v := func() *jen.Statement { return jen.Id("r").Dot(col.GoName) }
			var n func() *jen.Statement
			if col.Nullable {
				n = func() *jen.Statement { return jen.Id("r").Dot(nullField(col)) }
			}
			stmts = append(stmts, g.protoNested(s, pf, col.Type, col.Use, v, n, pf.Name, 0)...)
		case pf.Presence && col.Nullable:
			read := g.protoRead(pf, col.Type, protoEnumVar(s.GoName, pf.Name))
			stmts = append(stmts, jen.List(jen.Id("r").Dot(col.GoName), jen.Id("r").Dot(nullField(col))).Op("=").List(read, jen.False()))
		default:
			stmts = append(stmts, jen.Id("r").Dot(col.GoName).Op("=").Add(g.protoRead(pf, col.Type, protoEnumVar(s.GoName, pf.Name))))
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
	var t string
	switch {
	case pf.Map:
		return "map"
	case pf.Shape == compiler.ProtoTimestamp || pf.Shape == compiler.ProtoWrapper || pf.Shape == compiler.ProtoStruct:
		t = "message " + pf.TypeName
	case pf.Kind == compiler.ProtoEnum:
		t = "enum " + pf.TypeName
	default:
		t = pf.Kind.String()
	}
	if pf.Repeated {
		return "repeated " + t
	}
	return t
}

func seenVar(pf *compiler.ProtoField) string { return fmt.Sprintf("seen%d", pf.Number) }

// protoRead is the expression reading a scalar value of field pf as SQL type t; enum names the variable holding
// the values of an enum field.
func (g *gen) protoRead(pf *compiler.ProtoField, t compiler.Type, enum string) jen.Code {
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
		return d.Dot("Enum").Call(jen.Op("&").Id(enum))
	case compiler.ProtoBytes:
		method, native = "Bytes", compiler.Bytes
	default:
		method, native = "String", compiler.Varchar
	}
	if pf.Shape == compiler.ProtoWrapper {
		method = map[string]string{"Int32": "Int32Value", "Int64": "Int64Value", "Uint32": "UInt32Value", "Uint64": "UInt64Value",
			"Bool": "BoolValue", "Float": "FloatValue", "Double": "DoubleValue", "String": "StringValue", "Bytes": "BytesValue"}[method]
	}
	read := d.Dot(method).Call()
	if t.Kind == native || t.Kind == compiler.Timestamp {
		return read
	}
	return jen.Add(goType(t)).Call(read) // int64(d.Int32()), float64(d.Int64())
}

// protoDefault is the value of a STRUCT of type t read from message field pf before any of its fields is: each
// field what its absence means, NULL for a field with presence, the default value (an enum's default) otherwise.
func protoDefault(t compiler.Type, pf *compiler.ProtoField) jen.Code {
	d := jen.Dict{}
	for _, sf := range t.N.Fields {
		sp := compiler.ProtoFieldFor(pf.Fields, sf.Name)
		switch {
		case sp.Repeated || sp.Map:
		case sp.Presence:
			d[jen.Id(sf.GoName+"Null")] = jen.True()
		case sp.Kind == compiler.ProtoEnum:
			d[jen.Id(sf.GoName)] = jen.Lit(sp.EnumDefault)
		}
	}
	return jen.Add(nestedGoType(t)).Values(d)
}

// protoPacked reports whether the elements of a repeated field of pf's kind may be packed: scalars other than
// strings and bytes.
func protoPacked(pf *compiler.ProtoField) bool {
	switch pf.Kind {
	case compiler.ProtoString, compiler.ProtoBytes, compiler.ProtoMessage, compiler.ProtoGroup:
		return false
	}
	return pf.Shape == compiler.ProtoScalar
}

// protoNested emits the statements that read one occurrence of field pf, of the nested SQL type t, at path in
// the column: into v, with its NULL flag n (nil when the value cannot be NULL). A message is read field by
// field, merged into what earlier occurrences read (as protobuf merges them); a repeated field's occurrence
// appends its element, or its packed elements; a map's occurrence is an entry, whose key replaces an earlier
// one. use says which parts queries read (nil: all); the fields of a STRUCT no query reads are skipped.
func (g *gen) protoNested(s *compiler.Source, pf *compiler.ProtoField, t compiler.Type, use *compiler.Use,
	v, n func() *jen.Statement, path string, depth int) []jen.Code {
	sfx := func(name string) string { return name + strconv.Itoa(depth) }
	d := jen.Id("d")
	enum := func(pf *compiler.ProtoField, path string) string {
		name := lowerFirst(s.GoName) + goNameOf(strings.ReplaceAll(path, "[]", ".elem")) + "Enum"
		if pf.Kind == compiler.ProtoEnum {
			g.genProtoEnum(name, pf)
		}
		return name
	}
	switch {
	case pf.Map:
		kf, vf := pf.Fields[0], pf.Fields[1]
		e, end := sfx("e"), sfx("end")
		entry := []jen.Code{jen.Var().Id(e).Qual(rtPath, "Entry").Types(goType(t.N.Key), goType(t.N.Elem))}
		switch {
		case t.N.Elem.Kind == compiler.Struct:
			entry = append(entry, jen.Id(e).Dot("Val").Op("=").Add(protoDefault(t.N.Elem, vf)))
		case vf.Kind == compiler.ProtoEnum && !t.N.Elem.IsNested():
			entry = append(entry, jen.Id(e).Dot("Val").Op("=").Lit(vf.EnumDefault))
		}
		ev := func() *jen.Statement { return jen.Id(e).Dot("Val") }
		var val []jen.Code
		if t.N.Elem.IsNested() {
			val = g.protoNested(s, vf, t.N.Elem, use.ElemUse(), ev, nil, path+"[]", depth+1)
		} else {
			val = []jen.Code{ev().Op("=").Add(g.protoRead(vf, t.N.Elem, enum(vf, path+"[]")))}
		}
		entry = append(entry,
			jen.Id(end).Op(":=").Add(d.Clone().Dot("Begin").Call()),
			jen.For(d.Clone().Dot("Next").Call()).Block(jen.Switch(d.Clone().Dot("Num").Call()).Block(
				jen.Case(jen.Lit(1)).Block(d.Clone().Dot("Field").Call(jen.Lit(path+" key")), jen.Id(e).Dot("Key").Op("=").Add(g.protoRead(kf, t.N.Key, ""))),
				jen.Case(jen.Lit(2)).Block(append([]jen.Code{d.Clone().Dot("Field").Call(jen.Lit(path + "[]"))}, val...)...),
				jen.Default().Block(d.Clone().Dot("Skip").Call()),
			)),
			d.Clone().Dot("Leave").Call(jen.Id(end)),
			v().Op("=").Qual(protoPath, "MapPut").Call(v(), jen.Id(e)),
		)
		return []jen.Code{jen.Block(entry...)}
	case pf.Repeated:
		elem := *pf
		elem.Repeated, elem.Presence = false, false
		et := t.N.Elem
		opt := jen.Qual(rtPath, "Opt").Types(goType(et))
		if et.Kind == compiler.Struct {
			e := sfx("e")
			ev := func() *jen.Statement { return jen.Id(e).Dot("V") }
			body := []jen.Code{jen.Id(e).Op(":=").Add(opt).Values(jen.Dict{jen.Id("V"): protoDefault(et, &elem)})}
			body = append(body, g.protoNested(s, &elem, et, use.ElemUse(), ev, nil, path+"[]", depth+1)...)
			return []jen.Code{jen.Block(append(body, v().Op("=").Append(v(), jen.Id(e)))...)}
		}
		add := v().Op("=").Append(v(), jen.Add(opt).Values(jen.Dict{jen.Id("V"): g.protoRead(&elem, et, enum(&elem, path+"[]"))}))
		if !protoPacked(&elem) {
			return []jen.Code{add}
		}
		end, ok := sfx("end"), sfx("packed")
		return []jen.Code{jen.If(jen.List(jen.Id(end), jen.Id(ok)).Op(":=").Add(d.Clone().Dot("Packed").Call()), jen.Id(ok)).Block(
			jen.For(d.Clone().Dot("More").Call()).Block(add),
			d.Clone().Dot("Leave").Call(jen.Id(end)),
		).Else().Block(add)}
	}
	// a message, read as a STRUCT
	var body []jen.Code
	if n != nil {
		body = append(body, jen.If(n()).Block(v().Op("=").Add(protoDefault(t, pf)), n().Op("=").False()))
	}
	var cases []jen.Code
	for i, sf := range t.N.Fields {
		if use != nil && use.Fields[i] == nil {
			continue // no query reads it: skipped
		}
		sp := compiler.ProtoFieldFor(pf.Fields, sf.Name)
		p := path + "." + sp.Name
		fv := func() *jen.Statement { return v().Dot(sf.GoName) }
		fn := func() *jen.Statement { return v().Dot(sf.GoName + "Null") }
		read := []jen.Code{jen.Comment(commentf("%s: %s", p, sp)), d.Clone().Dot("Field").Call(jen.Lit(p))}
		switch {
		case sf.T.Kind == compiler.Struct && !sp.Repeated && !sp.Map:
			read = append(read, g.protoNested(s, sp, sf.T, use.FieldUse(i), fv, fn, p, depth+1)...)
		case sf.T.IsNested():
			read = append(read, g.protoNested(s, sp, sf.T, use.FieldUse(i), fv, nil, p, depth+1)...)
		default:
			read = append(read, jen.List(fv(), fn()).Op("=").List(g.protoRead(sp, sf.T, enum(sp, p)), jen.False()))
		}
		cases = append(cases, jen.Case(jen.Lit(int(sp.Number))).Block(read...))
	}
	cases = append(cases, jen.Default().Block(d.Clone().Dot("Skip").Call()))
	end := sfx("end")
	return append(body, jen.Block(
		jen.Id(end).Op(":=").Add(d.Clone().Dot("Begin").Call()),
		jen.For(d.Clone().Dot("Next").Call()).Block(jen.Switch(d.Clone().Dot("Num").Call()).Block(cases...)),
		d.Clone().Dot("Leave").Call(jen.Id(end)),
	))
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
// left out for a NULL, a field without presence left out for its default value as protobuf does; a nested
// column's field is copied as the query encoded it (protobuf_sink_nested.go).
func (g *gen) genProtoEncoder(k *compiler.Sink) {
	var body []jen.Code
	for _, pf := range k.Proto.Fields {
		col := k.Columns[pf.Out]
		v := jen.Id("v").Index(jen.Lit(pf.Out))
		body = append(body, jen.Comment(commentf("%d %s: %s, column %q", pf.Number, pf.Name, pf, col.Name)))
		if col.Type.Kind == compiler.Null {
			continue // always NULL: the field (with presence) is left out
		}
		if col.Type.IsNested() {
			g.genProtoNestedEnums(k, col.Type, pf, pf.Name)
			body = append(body, jen.Id("b").Op("=").Append(jen.Id("b"), v.Clone().Dot("Bytes").Op("..."))) // its field, encoded by the query
			continue
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
			case compiler.ProtoBytes:
				fn, arg = "AppendBytes", v.Clone().Dot("Str")
				nonZero = v.Clone().Dot("Str").Op("!=").Lit("")
			default:
				fn, arg = "AppendString", v.Clone().Dot("Str")
				nonZero = v.Clone().Dot("Str").Op("!=").Lit("")
			}
			if pf.Shape == compiler.ProtoWrapper {
				fn = map[compiler.ProtoKind]string{compiler.ProtoInt32: "AppendInt32Value", compiler.ProtoInt64: "AppendInt64Value",
					compiler.ProtoBool: "AppendBoolValue", compiler.ProtoDouble: "AppendDoubleValue", compiler.ProtoString: "AppendStringValue",
					compiler.ProtoBytes: "AppendBytesValue"}[pf.Kind]
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
