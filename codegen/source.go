// Sources: a typed record struct per source schema and decoders specialized to it (JSON lines and CSV).
package codegen

import (
	"fmt"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

func recordType(s *compiler.Source) string { return lowerFirst(s.GoName) + "Record" }
func decodeFunc(s *compiler.Source) string { return "decode" + s.GoName }
func nullField(f *compiler.Field) string   { return f.GoName + "Null" }

// timeFormat maps a field's timestamp format to the rt constant.
func timeFormat(f *compiler.Field) jen.Code {
	switch f.TimeFormat {
	case "epoch_seconds":
		return jen.Qual(rtPath, "TimeEpochSeconds")
	case "iso8601":
		return jen.Qual(rtPath, "TimeISO8601")
	}
	return jen.Qual(rtPath, "TimeEpochMillis")
}

// readCall is the typed reader call for a field on a JSON or CSV decoder d.
func readCall(d string, f *compiler.Field) jen.Code {
	switch f.Type.Kind {
	case compiler.Bool:
		return jen.Id(d).Dot("Bool").Call()
	case compiler.Int:
		return jen.Id(d).Dot("Int32").Call()
	case compiler.BigInt:
		return jen.Id(d).Dot("Int64").Call()
	case compiler.Double:
		return jen.Id(d).Dot("Float64").Call()
	case compiler.Decimal:
		return jen.Id(d).Dot("Decimal").Call(jen.Lit(int(f.Type.Prec)), jen.Lit(int(f.Type.Scale)))
	case compiler.Timestamp:
		return jen.Id(d).Dot("Timestamp").Call(timeFormat(f))
	case compiler.Date:
		return jen.Id(d).Dot("Date").Call()
	case compiler.Time:
		return jen.Id(d).Dot("Time").Call()
	case compiler.Bytes:
		return jen.Id(d).Dot("Bytes").Call()
	}
	return jen.Id(d).Dot("String").Call()
}

// recordFields are the fields of the record struct of s: one typed field per column, and a NULL flag for each
// nullable one.
func recordFields(s *compiler.Source) []jen.Code {
	fields := make([]jen.Code, 0, 2*len(s.Fields))
	for _, f := range append(s.Fields[:len(s.Fields):len(s.Fields)], s.Meta...) {
		fields = append(fields, jen.Id(f.GoName).Add(goType(f.Type)).Comment(commentText(f.Name+" "+f.Type.String())))
		if f.Nullable {
			fields = append(fields, jen.Id(nullField(f)).Bool())
		}
	}
	return fields
}

func (g *gen) genSource(s *compiler.Source) {
	rec := recordType(s)
	g.f.Comment(commentf("%s is one record of source %q (%s:%d).", rec, s.Name, s.Loc.File, s.Loc.Line))
	g.f.Type().Id(rec).Struct(recordFields(s)...)
	g.f.Line()

	names := make([]jen.Code, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = jen.Lit(f.Name)
	}
	colsVar := lowerFirst(s.GoName) + "Columns"
	g.f.Comment(commentf("%s are the column names of %q, in schema order (CSV headers are matched against them).", colsVar, s.Name))
	g.f.Var().Id(colsVar).Op("=").Index().String().Values(names...)
	g.f.Line()

	// decode dispatches on the record's format.
	g.f.Comment(commentf("%s decodes one raw record of %q into r.", decodeFunc(s), s.Name))
	g.f.Func().Id(decodeFunc(s)).Params(jen.Id("raw").Op("*").Qual(rtPath, "Raw"), jen.Id("r").Op("*").Id(rec)).Error().Block(decodeBody(s)...)
	g.f.Line()

	// JSON: one pass over the object's keys; unknown keys are skipped; missing nullable fields are NULL. Keys are
	// expected in schema order, the usual case, where one comparison of the key's bytes finds the field; any other
	// order goes through a switch on the key.
	var cases []jen.Code
	sites := 0 // the nested values' Scratch slots of d
	for i, f := range s.Fields {
		if skipped(f) {
			cases = append(cases, jen.Case(jen.Lit(i)).Block(jen.Comment(commentText(f.Name+": no query reads it")), jen.Id("d").Dot("Skip").Call()))
			continue
		}
		target := []jen.Code{jen.Id("r").Dot(f.GoName), jen.Id("null")}
		stmts := []jen.Code{jen.List(target...).Op("=").Add(readCall("d", f))}
		if f.Type.IsNested() {
			stmts = decodeJSONValue("d", f.Type, f.Use, func() *jen.Statement { return jen.Id("r").Dot(f.GoName) }, func() *jen.Statement { return jen.Id("null") }, 0, &sites)
		}
		stmts = append(stmts, jen.Id("seen").Index(jen.Lit(i)).Op("=").True())
		if f.Nullable {
			stmts = append(stmts, jen.Id("r").Dot(nullField(f)).Op("=").Id("null"))
		} else {
			stmts = append(stmts, jen.If(jen.Id("null")).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit("null in a NOT NULL column"))))
		}
		cases = append(cases, jen.Case(jen.Lit(i)).Block(append([]jen.Code{jen.Comment(commentText(f.Name))}, stmts...)...))
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("Skip").Call()))
	keysVar := lowerFirst(s.GoName) + "JSONKeys"
	fieldFunc := lowerFirst(s.GoName) + "JSONField"
	var body []jen.Code
	if len(s.Fields) == 0 || allSkipped(s) {
		// No query reads a column: the record is only checked to be a JSON object.
		body = []jen.Code{
			jen.If(jen.Op("!").Id("d").Dot("BeginObject").Call()).Block(jen.Return(jen.Id("d").Dot("Err").Call())),
			jen.For(jen.Id("d").Dot("NextField").Call()).Block(jen.Id("d").Dot("Skip").Call()),
		}
	} else {
		keys := make([]jen.Code, len(s.Fields))
		fcases := make([]jen.Code, len(s.Fields))
		for i, f := range s.Fields {
			keys[i] = jen.Lit(strconv.Quote(f.Name) + ":")
			fcases[i] = jen.Case(jen.Lit(f.Name)).Block(jen.Return(jen.Lit(i)))
		}
		g.f.Comment(commentf("%s are the keys of %q as they start a field in compact JSON, in schema order.", keysVar, s.Name))
		g.f.Var().Id(keysVar).Op("=").Index().String().Values(keys...)
		g.f.Line()
		g.f.Comment(commentf("%s returns the schema index of a key of %q, or -1.", fieldFunc, s.Name))
		g.f.Func().Id(fieldFunc).Params(jen.Id("key").Index().Byte()).Int().Block(
			jen.Switch(jen.String().Call(jen.Id("key"))).Block(fcases...),
			jen.Return(jen.Lit(-1)),
		)
		g.f.Line()
		body = []jen.Code{
			jen.Var().Id("seen").Index(jen.Lit(len(s.Fields))).Bool(),
			jen.Var().Id("null").Bool(),
			jen.If(jen.Op("!").Id("d").Dot("BeginObject").Call()).Block(jen.Return(jen.Id("d").Dot("Err").Call())),
			jen.For(jen.Id("next").Op(":=").Lit(0), jen.Empty(), jen.Empty()).Block(
				jen.Var().Id("k").Int(),
				jen.If(jen.Id("next").Op("<").Len(jen.Id(keysVar)).Op("&&").Id("d").Dot("Expect").Call(jen.Id(keysVar).Index(jen.Id("next")))).Block(
					jen.Id("k").Op("=").Id("next"),
				).Else().If(jen.Id("d").Dot("NextField").Call()).Block(
					jen.Id("k").Op("=").Id(fieldFunc).Call(jen.Id("d").Dot("Key").Call()),
				).Else().Block(jen.Break()),
				jen.If(jen.Id("k").Op(">=").Lit(0)).Block(jen.Id("next").Op("=").Id("k").Op("+").Lit(1)),
				jen.Switch(jen.Id("k")).Block(cases...),
			),
		}
	}
	for i, f := range s.Fields {
		if skipped(f) {
			continue
		}
		if f.Nullable {
			body = append(body, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(i))).Block(jen.Id("r").Dot(nullField(f)).Op("=").True()))
		} else {
			body = append(body, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(i))).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit("missing value for a NOT NULL column"))))
		}
	}
	body = append(body, jen.Return(jen.Id("d").Dot("Err").Call()))
	g.f.Func().Id(decodeFunc(s)+"JSON").Params(jen.Id("d").Op("*").Qual(rtPath, "JSONDecoder"), jen.Id("r").Op("*").Id(rec)).Error().Block(body...)
	g.f.Line()

	// CSV: header positions are bound once; an absent column or empty field is NULL.
	body = []jen.Code{
		jen.Id("idx").Op(":=").Id("d").Dot("Bind").Call(jen.Id(colsVar)),
		jen.Var().Id("null").Bool(),
	}
	if allSkipped(s) {
		body = nil // no column to read
	}
	for i, f := range s.Fields {
		if skipped(f) {
			continue
		}
		read := []jen.Code{jen.List(jen.Id("r").Dot(f.GoName), jen.Id("null")).Op("=").Add(readCall("d", f))}
		if f.Type.IsNested() {
			read = csvNested(f) // nested.go
		}
		var missing []jen.Code
		if f.Nullable {
			read = append(read, jen.Id("r").Dot(nullField(f)).Op("=").Id("null"))
			missing = []jen.Code{jen.Id("r").Dot(nullField(f)).Op("=").True()}
		} else {
			read = append(read, jen.If(jen.Id("null")).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit("null in a NOT NULL column"))))
			missing = []jen.Code{jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit(fmt.Sprintf("missing column %q for a NOT NULL field", f.Name)))}
		}
		body = append(body, jen.If(jen.Id("d").Dot("Field").Call(jen.Id("idx").Index(jen.Lit(i)))).Block(read...).Else().Block(missing...))
	}
	body = append(body, jen.Return(jen.Id("d").Dot("Err").Call()))
	g.f.Func().Id(decodeFunc(s)+"CSV").Params(jen.Id("d").Op("*").Qual(rtPath, "CSVDecoder"), jen.Id("r").Op("*").Id(rec)).Error().Block(body...)
	g.f.Line()
	g.genAvroDecoder(s)
	g.genProtoDecoder(s)
	if s.KeyObject {
		g.genKeyDecoder(s) // join.go
	}
}

// allSkipped reports whether no column of s is decoded.
func allSkipped(s *compiler.Source) bool {
	for _, f := range s.Fields {
		if !skipped(f) {
			return false
		}
	}
	return true
}

// skipped reports whether the decoders leave a column alone: a nullable column no query reads (see
// compiler.Field.Used). A message key column is decoded all the same, as the value's fallback for the key.
func skipped(f *compiler.Field) bool { return !f.Used && f.Nullable }

// decodeBody is the body of a source's decode function: the value in its format, then, for a Kafka source, the
// record metadata columns and the column read from the message key.
func decodeBody(s *compiler.Source) []jen.Code {
	meta := 0
	for _, f := range s.Meta {
		if f.Used {
			meta++
		}
	}
	direct := meta == 0 && s.KeyField == nil && !s.KeyObject // the common case reads as a plain dispatch
	call := func(format, field string) jen.Code {
		c := jen.Id(decodeFunc(s)+format).Call(jen.Id("raw").Dot(field), jen.Id("r"))
		if direct {
			return jen.Return(c)
		}
		return jen.Id("err").Op("=").Add(c)
	}
	cases := []jen.Code{jen.Case(jen.Qual(rtPath, "FormatCSV")).Block(call("CSV", "CSV"))}
	if s.Avro != nil {
		cases = append(cases, jen.Case(jen.Qual(rtPath, "FormatAvro")).Block(call("Avro", "Avro")))
	}
	if s.Proto != nil {
		cases = append(cases, jen.Case(jen.Qual(rtPath, "FormatProtobuf")).Block(call("Proto", "Line")))
	}
	cases = append(cases, jen.Default().Block(call("JSON", "JSON")))
	if direct {
		return []jen.Code{jen.Switch(jen.Id("raw").Dot("Format")).Block(cases...)}
	}
	body := []jen.Code{jen.Var().Id("err").Error(), jen.Switch(jen.Id("raw").Dot("Format")).Block(cases...)}
	if f := s.KeyField; f != nil {
		what := "%s comes from the message key when there is one"
		if s.IsTable {
			what = "%s, the table's primary key, is the message key when there is one; a value that holds it too must agree"
		}
		body = append(body, jen.Comment(commentf(what, f.Name)))
		target := jen.Id("r").Dot(f.GoName)
		var set []jen.Code
		if f.Type.Kind == compiler.Varchar {
			set = []jen.Code{target.Clone().Op("=").Id("raw").Dot("KeyString").Call()}
		} else {
			parse := "ParseInt64"
			if f.Type.Kind == compiler.Int {
				parse = "ParseInt32"
			}
			set = []jen.Code{
				jen.List(jen.Id("v"), jen.Id("kerr")).Op(":=").Qual(rtPath, parse).Call(jen.Id("raw").Dot("Key")),
				jen.If(jen.Id("kerr").Op("!=").Nil()).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
					jen.Id("Field"):  jen.Lit(f.Name),
					jen.Id("Reason"): jen.Lit("message key: ").Op("+").Id("kerr").Dot("Error").Call(),
				}))),
				target.Clone().Op("=").Id("v"),
			}
		}
		if s.IsTable {
			set = tableKey(f)
		}
		if f.Nullable {
			set = append(set, jen.Id("r").Dot(nullField(f)).Op("=").False())
		}
		body = append(body, jen.If(jen.Id("err").Op("==").Nil().Op("&&").Id("raw").Dot("Key").Op("!=").Nil()).Block(set...))
	}
	if s.KeyObject {
		body = append(body, keyObject(s)...)
	}
	for _, f := range s.Meta {
		if !f.Used {
			continue
		}
		r := jen.Id("r").Dot(f.GoName)
		switch f.Meta {
		case "key":
			body = append(body, jen.List(r, jen.Id("r").Dot(nullField(f))).Op("=").List(jen.Id("raw").Dot("KeyString").Call(), jen.Id("raw").Dot("Key").Op("==").Nil()))
		case "partition":
			body = append(body, r.Op("=").Id("raw").Dot("Partition"))
		case "offset":
			body = append(body, r.Op("=").Id("raw").Dot("Offset"))
		case "timestamp":
			body = append(body, r.Op("=").Id("raw").Dot("Timestamp"))
		}
	}
	return append(body, jen.Return(jen.Id("err")))
}

// tableKey sets a Kafka table's key column f from the message key (without its NULL flag): the key's text, or the
// number it spells. A value that holds the column too must hold the same key, or the record is bad: a tombstone,
// which has only the message key, must delete the row the record made.
func tableKey(f *compiler.Field) []jen.Code {
	var out []jen.Code
	if f.Type.Kind == compiler.Varchar {
		out = append(out, jen.Id("k").Op(":=").Id("raw").Dot("KeyString").Call())
	} else {
		parse := "ParseInt64"
		if f.Type.Kind == compiler.Int {
			parse = "ParseInt32"
		}
		out = append(out,
			jen.List(jen.Id("k"), jen.Id("kerr")).Op(":=").Qual(rtPath, parse).Call(jen.Id("raw").Dot("Key")),
			jen.If(jen.Id("kerr").Op("!=").Nil()).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
				jen.Id("Field"):  jen.Lit(f.Name),
				jen.Id("Reason"): jen.Lit("message key: ").Op("+").Id("kerr").Dot("Error").Call(),
			}))))
	}
	return append(out,
		jen.If(jen.Op("!").Id("r").Dot(nullField(f)).Op("&&").Id("r").Dot(f.GoName).Op("!=").Id("k")).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
			jen.Id("Field"):  jen.Lit(f.Name),
			jen.Id("Reason"): jen.Lit("the value's key differs from the message key, the table's primary key"),
		}))),
		jen.Id("r").Dot(f.GoName).Op("=").Id("k"))
}
