// Protobuf messages (.proto files) of Kafka sources and sinks: compiling the file with protocompile, matching
// columns to the message's fields, and the message a sink derives from its columns.

package compiler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bufbuild/protocompile"
	protoreporter "github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/velocc/velocc/grammar"
)

// ProtoSchema is the Protobuf message of a source or sink.
type ProtoSchema struct {
	File    string // the .proto file as named in the script; "" for a sink message derived from its columns
	Message string // the message's full name
	// Fields are the message's fields in field-number order. For a source, each field's Column is the column it
	// fills (nil for a field no column reads); for a sink, Column is the index of the output column it writes.
	Fields []*ProtoField
	// Text is the .proto source of the message: the file's contents, or the file derived for a sink.
	Text string
	// Index is the message's position in its file as Confluent's wire format names it: the index of each
	// enclosing message, outermost first, then the message's own ([0] for the first top-level message).
	Index []int
	// Confluent is set for a source whose messages start with Confluent's wire-format header.
	Confluent bool

	path string // the file as read, for diagnostics inside it
	data []byte
}

// ProtoKind is the wire-level scalar type of a field.
type ProtoKind uint8

// The scalar kinds of fields velocc reads and writes, and the kinds it can only skip.
const (
	ProtoInt32 ProtoKind = iota + 1
	ProtoSint32
	ProtoSfixed32
	ProtoInt64
	ProtoSint64
	ProtoSfixed64
	ProtoUint32
	ProtoFixed32
	ProtoUint64
	ProtoFixed64
	ProtoBool
	ProtoFloat
	ProtoDouble
	ProtoString
	ProtoEnum
	ProtoBytes
	ProtoMessage
	ProtoGroup
)

var protoKindNames = map[ProtoKind]string{ProtoInt32: "int32", ProtoSint32: "sint32", ProtoSfixed32: "sfixed32",
	ProtoInt64: "int64", ProtoSint64: "sint64", ProtoSfixed64: "sfixed64", ProtoUint32: "uint32", ProtoFixed32: "fixed32",
	ProtoUint64: "uint64", ProtoFixed64: "fixed64", ProtoBool: "bool", ProtoFloat: "float", ProtoDouble: "double",
	ProtoString: "string", ProtoEnum: "enum", ProtoBytes: "bytes", ProtoMessage: "message", ProtoGroup: "group"}

// String names the kind as .proto files spell it.
func (k ProtoKind) String() string { return protoKindNames[k] }

// ProtoShape says how a field holds its value: a scalar, or one of the well-known messages velocc maps to a
// column.
type ProtoShape uint8

// The shapes.
const (
	ProtoScalar    ProtoShape = iota // a scalar field: Kind is the value's kind
	ProtoTimestamp                   // google.protobuf.Timestamp
	ProtoWrapper                     // google.protobuf.Int64Value and the other wrappers: Kind is the wrapped value's
	ProtoOther                       // a field no column can hold (see why in protoColumnType)
	ProtoStruct                      // a message read as a STRUCT (Fields are its fields), or a map's entry (key, value)
)

// ProtoField is one field of a message.
type ProtoField struct {
	Name   string
	Number int32
	Kind   ProtoKind
	Shape  ProtoShape
	// Presence is set when an absent field differs from its default value: proto3 'optional', proto2 fields,
	// wrappers and Timestamp. A column of a field without presence is never NULL.
	Presence bool
	Repeated bool // repeated (packed or not); the other attributes describe an element
	Map      bool // a map: Fields are the entry's key and value fields, numbered 1 and 2
	// Fields are the fields of a message read as a STRUCT (ProtoStruct), in number order.
	Fields   []*ProtoField
	TypeName string           // the full name of a message or enum type
	Enum     []ProtoEnumValue // ProtoEnum: the values, in declaration order
	// EnumDefault is the name of an enum field's default value, what an absent field without presence holds: the
	// value numbered 0 in proto3, the first declared (or the declared default) in proto2.
	EnumDefault string
	Column      *Field // a source's field: the column it fills; nil when no column reads it
	Out         int    // a sink's field: the output column it writes

	pos grammar.Pos // the field's definition in its file
}

// ProtoEnumValue is one value of an enum.
type ProtoEnumValue struct {
	Name   string
	Number int32
}

// String describes the field's type for messages and comments: "int64", "optional string",
// "google.protobuf.Timestamp", "repeated string", "enum shop.Side".
func (f *ProtoField) String() string {
	var s string
	switch {
	case f.Map:
		return "map<" + f.Fields[0].String() + ", " + f.Fields[1].String() + ">"
	case f.Shape == ProtoTimestamp || f.Shape == ProtoWrapper || f.Kind == ProtoMessage || f.Kind == ProtoGroup:
		s = f.TypeName
	case f.Kind == ProtoEnum:
		s = "enum " + f.TypeName
	default:
		s = f.Kind.String()
	}
	switch {
	case f.Repeated:
		return "repeated " + s
	case f.Presence && f.Shape == ProtoScalar:
		return "optional " + s
	}
	return s
}

// protoWrappers are the wrapper messages and the kind of their field 1.
var protoWrappers = map[string]ProtoKind{
	"google.protobuf.DoubleValue": ProtoDouble, "google.protobuf.FloatValue": ProtoFloat,
	"google.protobuf.Int64Value": ProtoInt64, "google.protobuf.UInt64Value": ProtoUint64,
	"google.protobuf.Int32Value": ProtoInt32, "google.protobuf.UInt32Value": ProtoUint32,
	"google.protobuf.BoolValue": ProtoBool, "google.protobuf.StringValue": ProtoString,
	"google.protobuf.BytesValue": ProtoBytes,
}

var protoKinds = map[protoreflect.Kind]ProtoKind{
	protoreflect.Int32Kind: ProtoInt32, protoreflect.Sint32Kind: ProtoSint32, protoreflect.Sfixed32Kind: ProtoSfixed32,
	protoreflect.Int64Kind: ProtoInt64, protoreflect.Sint64Kind: ProtoSint64, protoreflect.Sfixed64Kind: ProtoSfixed64,
	protoreflect.Uint32Kind: ProtoUint32, protoreflect.Fixed32Kind: ProtoFixed32, protoreflect.Uint64Kind: ProtoUint64,
	protoreflect.Fixed64Kind: ProtoFixed64, protoreflect.BoolKind: ProtoBool, protoreflect.FloatKind: ProtoFloat,
	protoreflect.DoubleKind: ProtoDouble, protoreflect.StringKind: ProtoString, protoreflect.EnumKind: ProtoEnum,
	protoreflect.BytesKind: ProtoBytes, protoreflect.MessageKind: ProtoMessage, protoreflect.GroupKind: ProtoGroup,
}

// protoFileKeys and protoMessageKeys are the properties naming a .proto file and its message.
var (
	protoFileKeys    = []string{"proto.file", "protobuf.file", "value.proto.file"}
	protoMessageKeys = []string{"proto.message", "protobuf.message", "value.proto.message"}
)

// propAmong finds the first property among keys (canonical names), marking every spelling given as used.
func propAmong(ps props, keys []string) *prop {
	var found *prop
	for _, want := range keys {
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

// protoFormat reports whether properties ask for the Protobuf format, without consuming them.
func protoFormat(ps props) bool {
	p, ok := ps["format"]
	if !ok {
		for _, k := range sortedKeys(ps) {
			if n := kafkaName(k); n == "value.serializer" || n == "schema.value.serializer" {
				p, ok = ps[k], true
				break
			}
		}
	}
	if !ok {
		return false
	}
	v := strings.ToLower(strings.TrimSpace(p.value))
	return v == "protobuf" || v == "proto"
}

// loadProto compiles the .proto file fp names (relative to the script's directory; its imports relative to the
// file's own directory, and the well-known types) and finds the message mp names, by full name or, when that
// is unique in the file, by its short name.
func (c *checker) loadProto(fp, mp *prop, at grammar.Span) (*ProtoSchema, bool) {
	path := fp.value
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.dir, path)
	}
	root, base := filepath.Split(path)
	data, err := c.readFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		c.errorf(CodeProtoSchema, fp.span, "cannot read Protobuf file %q: %v", fp.value, err)
		return nil, false
	}
	c.files[path] = data
	read := map[string][]byte{base: data}
	comp := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: func(name string) (io.ReadCloser, error) {
			if b, ok := read[name]; ok {
				return io.NopCloser(bytes.NewReader(b)), nil
			}
			b, err := c.readFile(filepath.Join(root, filepath.FromSlash(name)))
			if err != nil {
				return nil, err
			}
			read[name] = b
			c.files[filepath.Join(root, filepath.FromSlash(name))] = b
			return io.NopCloser(bytes.NewReader(b)), nil
		}}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := comp.Compile(context.Background(), base)
	if err != nil {
		var ewp protoreporter.ErrorWithPos
		if errors.As(err, &ewp) && ewp.GetPosition().Line > 0 {
			sp := ewp.GetPosition()
			file := filepath.Join(root, filepath.FromSlash(sp.Filename))
			if b, ok := c.files[file]; ok {
				at := offsetPos(file, b, sp.Offset)
				c.errorf(CodeProtoSchema, grammar.Span{Start: at, End: at}, "%v", ewp.Unwrap())
				return nil, false
			}
		}
		c.errorf(CodeProtoSchema, fp.span, "cannot compile Protobuf file %q: %v", fp.value, err)
		return nil, false
	}
	fd := files[0]
	var all []protoreflect.MessageDescriptor
	var walk func(ms protoreflect.MessageDescriptors)
	walk = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			all = append(all, m)
			walk(m.Messages())
		}
	}
	walk(fd.Messages())
	names := make([]string, len(all))
	for i, m := range all {
		names[i] = string(m.FullName())
	}
	if len(all) == 0 {
		c.errorf(CodeProtoSchema, fp.span, "Protobuf file %q defines no message", fp.value)
		return nil, false
	}
	var md protoreflect.MessageDescriptor
	if mp == nil {
		if fd.Messages().Len() != 1 {
			c.errorf(CodeProtoSchema, fp.span, "Protobuf file %q defines several messages; name one with 'proto.message': %s", fp.value, strings.Join(names, ", "))
			return nil, false
		}
		md = fd.Messages().Get(0)
	} else {
		want := strings.TrimPrefix(strings.TrimSpace(mp.value), ".")
		var short []protoreflect.MessageDescriptor
		for _, m := range all {
			if string(m.FullName()) == want {
				md = m
				break
			}
			if string(m.Name()) == want {
				short = append(short, m)
			}
		}
		if md == nil && len(short) == 1 {
			md = short[0]
		}
		if md == nil {
			if len(short) > 1 {
				c.errorf(CodeProtoSchema, mp.span, "message %q is ambiguous in %q; give its full name: %s", want, fp.value, strings.Join(names, ", "))
			} else {
				cands := append([]string(nil), names...)
				for _, m := range all {
					cands = append(cands, string(m.Name()))
				}
				c.errorf(CodeProtoSchema, mp.span, "Protobuf file %q has no message %q%s", fp.value, want, suggest(want, cands))
			}
			return nil, false
		}
	}
	schema := &ProtoSchema{File: fp.value, Message: string(md.FullName()), Text: string(data), path: path, data: data}
	for m := protoreflect.Descriptor(md); ; {
		schema.Index = append([]int{m.Index()}, schema.Index...)
		parent, ok := m.Parent().(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		m = parent
	}
	pos := func(fd protoreflect.FieldDescriptor) (grammar.Pos, bool) {
		file := filepath.Join(root, filepath.FromSlash(fd.ParentFile().Path()))
		b, ok := c.files[file]
		if fd.ParentFile().Path() == base {
			file, b, ok = path, data, true
		}
		if !ok {
			return grammar.Pos{}, false // a well-known type's field
		}
		loc := fd.ParentFile().SourceLocations().ByDescriptor(fd)
		off := 0
		for i, l := range bytes.Split(b, []byte{'\n'}) {
			if i == loc.StartLine {
				return offsetPos(file, b, off+loc.StartColumn), true
			}
			off += len(l) + 1
		}
		return grammar.Pos{}, false
	}
	schema.Fields = protoFieldsOf(md, pos, grammar.Pos{}, map[protoreflect.FullName]bool{})
	return schema, true
}

// protoFieldsOf describes the fields of message md in number order, those of its nested messages too (but for a
// message that contains itself, which no column can hold). pos finds a field's definition; at stands in for one
// pos cannot place, a field of a file that is not read from disk.
func protoFieldsOf(md protoreflect.MessageDescriptor, pos func(protoreflect.FieldDescriptor) (grammar.Pos, bool), at grammar.Pos,
	enclosing map[protoreflect.FullName]bool) []*ProtoField {
	enclosing[md.FullName()] = true
	defer delete(enclosing, md.FullName())
	var out []*ProtoField
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		out = append(out, protoFieldOf(fields.Get(i), pos, at, enclosing))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// protoFieldOf describes a field descriptor.
func protoFieldOf(fd protoreflect.FieldDescriptor, pos func(protoreflect.FieldDescriptor) (grammar.Pos, bool), at grammar.Pos,
	enclosing map[protoreflect.FullName]bool) *ProtoField {
	f := &ProtoField{Name: string(fd.Name()), Number: int32(fd.Number()), Kind: protoKinds[fd.Kind()],
		Presence: fd.HasPresence(), Repeated: fd.IsList(), Map: fd.IsMap(), pos: at}
	if p, ok := pos(fd); ok {
		f.pos = p
	}
	switch {
	case f.Map:
		f.Shape, f.TypeName = ProtoStruct, string(fd.Message().FullName())
		f.Fields = []*ProtoField{protoFieldOf(fd.MapKey(), pos, f.pos, enclosing), protoFieldOf(fd.MapValue(), pos, f.pos, enclosing)}
	case fd.Message() != nil:
		f.TypeName = string(fd.Message().FullName())
		switch k, ok := protoWrappers[f.TypeName]; {
		case f.TypeName == "google.protobuf.Timestamp":
			f.Shape = ProtoTimestamp
		case ok:
			f.Shape, f.Kind = ProtoWrapper, k
		case f.Kind == ProtoGroup || enclosing[fd.Message().FullName()]:
			f.Shape = ProtoOther
		default:
			f.Shape = ProtoStruct
			f.Fields = protoFieldsOf(fd.Message(), pos, f.pos, enclosing)
		}
	case fd.Enum() != nil:
		f.TypeName = string(fd.Enum().FullName())
		vals := fd.Enum().Values()
		for i := 0; i < vals.Len(); i++ {
			f.Enum = append(f.Enum, ProtoEnumValue{Name: string(vals.Get(i).Name()), Number: int32(vals.Get(i).Number())})
		}
		if fd.IsList() {
			break // an element is never absent
		}
		if dv := fd.DefaultEnumValue(); dv != nil {
			f.EnumDefault = string(dv.Name())
		} else if dv := vals.ByNumber(fd.Default().Enum()); dv != nil {
			f.EnumDefault = string(dv.Name())
		} else if vals.Len() > 0 {
			f.EnumDefault = string(vals.Get(0).Name())
		}
	}
	return f
}

// protoColumnType is the SQL type of a column for a field; why says why there is none. A message is a STRUCT of
// its fields that have a type, a repeated field an ARRAY, a map a MAP; a repeated field or a map is never NULL
// (an absent one is empty).
func protoColumnType(f *ProtoField) (t Type, nullable bool, why string) {
	switch {
	case f.Map:
		k, _, why := protoColumnType(f.Fields[0])
		if why == "" && k.Kind != Varchar && k.Kind != Int && k.Kind != BigInt {
			why = fmt.Sprintf("its keys are %s, and a MAP's keys are VARCHAR, INT or BIGINT", f.Fields[0])
		}
		v, _, vwhy := protoColumnType(f.Fields[1])
		if why == "" {
			why = vwhy
		}
		if why != "" {
			return TInvalid, false, why
		}
		return MapOf(k, v), false, ""
	case f.Repeated:
		elem := *f
		elem.Repeated, elem.Presence = false, false
		e, _, why := protoColumnType(&elem)
		if why != "" {
			return TInvalid, false, why
		}
		return ArrayOf(e), false, ""
	}
	nullable = f.Presence
	switch f.Shape {
	case ProtoTimestamp:
		return TTimestamp, true, ""
	case ProtoStruct:
		var fields []StructField
		for _, sf := range f.Fields {
			if t, _, why := protoColumnType(sf); why == "" {
				fields = append(fields, StructField{Name: sf.Name, T: t})
			}
		}
		if len(fields) == 0 {
			return TInvalid, false, fmt.Sprintf("message %s has no field a column can hold", f.TypeName)
		}
		return StructOf(fields), true, ""
	case ProtoOther:
		if f.Kind == ProtoGroup {
			return TInvalid, false, "groups cannot be columns"
		}
		return TInvalid, false, fmt.Sprintf("message %s contains itself, and a STRUCT cannot", f.TypeName)
	case ProtoWrapper:
		nullable = true
	}
	switch f.Kind {
	case ProtoInt32, ProtoSint32, ProtoSfixed32:
		return TInt, nullable, ""
	case ProtoInt64, ProtoSint64, ProtoSfixed64, ProtoUint32, ProtoFixed32:
		return TBigInt, nullable, ""
	case ProtoUint64, ProtoFixed64:
		return Dec(20, 0), nullable, ""
	case ProtoBool:
		return TBool, nullable, ""
	case ProtoFloat, ProtoDouble:
		return TDouble, nullable, ""
	case ProtoString, ProtoEnum:
		return TVarchar, nullable, ""
	case ProtoBytes:
		return TBytes, nullable, ""
	}
	return TInvalid, false, "it has no SQL type"
}

// protoMismatch says why a column (or a part of one, at path) of type col cannot hold the values of field f (which
// has a column type), or "". A scalar may widen (an int32 into a BIGINT); a STRUCT may leave out fields of the
// message, but each of its fields must be one of the message's.
func protoMismatch(col Type, f *ProtoField, path string) string {
	want, _, _ := protoColumnType(f)
	if !want.IsNested() {
		if protoScalarReads(col, want, f) {
			return ""
		}
	} else if col.Kind == want.Kind {
		switch {
		case f.Map:
			if why := protoMismatch(col.N.Key, f.Fields[0], path+" key"); why != "" {
				return why
			}
			return protoMismatch(col.N.Elem, f.Fields[1], path+"[]")
		case f.Repeated:
			elem := *f
			elem.Repeated, elem.Presence = false, false
			return protoMismatch(col.N.Elem, &elem, path+"[]")
		}
		for _, sf := range col.N.Fields {
			pf := ProtoFieldFor(f.Fields, sf.Name)
			if pf == nil {
				return fmt.Sprintf("%s.%s is not a field of Protobuf message %s", path, sf.Name, f.TypeName)
			}
			if _, _, why := protoColumnType(pf); why != "" {
				return fmt.Sprintf("Protobuf field %s.%s has type %s; %s", path, pf.Name, pf, why)
			}
			if why := protoMismatch(sf.T, pf, path+"."+sf.Name); why != "" {
				return why
			}
		}
		return ""
	}
	return fmt.Sprintf("%s is %s, but Protobuf field %s is %s: declare it %s", path, col, path, f, want)
}

// protoScalarReads reports whether a column of scalar type col holds every value of f, whose own type is want.
func protoScalarReads(col, want Type, f *ProtoField) bool {
	switch want.Kind {
	case Int:
		return col.Kind == Int || col.Kind == BigInt || col.Kind == Double
	case BigInt:
		return col.Kind == BigInt || col.Kind == Double || (col.Kind == Timestamp && f.Shape == ProtoScalar)
	case Decimal:
		return col.Kind == Decimal && col.Scale == 0 && col.Prec >= 20
	}
	return col.Kind == want.Kind
}

// protoSourceSchema is the first half of a Protobuf source's configuration, done before the checker requires a
// column list: it compiles the .proto file and, for a source declared without columns, derives them from it.
func (c *checker) protoSourceSchema(src *Source, ps props, at grammar.Span) {
	fp, mp := propAmong(ps, protoFileKeys), propAmong(ps, protoMessageKeys)
	if !protoFormat(ps) {
		for _, p := range []*prop{fp, mp} {
			if p != nil {
				c.warnf(CodeProtoSchema, p.keySpan, "%q is used only with 'format' = 'protobuf'; it is ignored", p.key)
			}
		}
		return
	}
	if fp == nil {
		c.errorf(CodeProtoSchema, formatSpan(ps, at), "Protobuf source %q needs its message: add 'proto.file' = 'NAME.proto' (and 'proto.message' = 'NAME' when the file has several)", src.Name)
		c.broken[src] = true
		return
	}
	schema, ok := c.loadProto(fp, mp, at)
	if !ok {
		c.broken[src] = true
		return
	}
	src.Proto = schema
	if len(src.Fields) > 0 {
		return
	}
	goNames := map[string]int{}
	for _, pf := range schema.Fields {
		sp := grammar.Span{Start: pf.pos, End: pf.pos}
		t, nullable, why := protoColumnType(pf)
		if why != "" {
			c.warnf(CodeProtoSchema, sp, "Protobuf field %q of type %s is skipped: %s", pf.Name, pf, why)
			continue
		}
		if src.field(pf.Name) != nil {
			c.warnf(CodeProtoSchema, sp, "Protobuf field %q is skipped: its name differs only in case from another field's, and SQL names ignore case", pf.Name)
			continue
		}
		src.Fields = append(src.Fields, &Field{Name: pf.Name, GoName: uniqueGoName(goNames, pf.Name), Index: len(src.Fields), Type: t, Nullable: nullable})
	}
}

// protoSource is the second half of a Protobuf source's configuration, once its columns and message key are
// known: every column other than the message key's must be a field of the message, of a type it holds exactly.
func (c *checker) protoSource(src *Source, ps props, at grammar.Span) {
	schema := src.Proto
	fp := propAmong(ps, protoFileKeys)
	if src.Type != "kafka_source" {
		c.errorf(CodeBadProperty, formatSpan(ps, at), "the protobuf format is for kafka sources; a file source reads jsonl or csv")
		return
	}
	schema.Confluent = wireConfluent(src.Options)
	names := make([]string, len(schema.Fields))
	for i, pf := range schema.Fields {
		names[i] = pf.Name
	}
	for _, f := range src.Fields {
		if f.Type.Kind == Invalid {
			continue
		}
		pf := ProtoFieldFor(schema.Fields, f.Name)
		if pf == nil {
			if f == src.KeyField {
				continue
			}
			c.errorf(CodeUnknownColumn, fp.span, "column %q of %q is not a field of Protobuf message %s in %s%s",
				f.Name, src.Name, schema.Message, schema.File, suggest(f.Name, names))
			continue
		}
		if pf.Column != nil {
			c.errorf(CodeProtoSchema, fp.span, "columns %q and %q both match Protobuf field %q; SQL names ignore case", pf.Column.Name, f.Name, pf.Name)
			continue
		}
		pf.Column = f
		want, _, why := protoColumnType(pf)
		switch {
		case why != "":
			c.errorf(CodeProtoSchema, fp.span, "column %q: Protobuf field %q has type %s; %s", f.Name, pf.Name, pf, why)
		case !f.Type.IsNested() && !want.IsNested():
			if protoMismatch(f.Type, pf, pf.Name) != "" {
				c.errorf(CodeProtoSchema, fp.span, "column %q is %s, but Protobuf field %q is %s: declare it %s", f.Name, f.Type, pf.Name, pf, want)
			}
		default:
			if why := protoMismatch(f.Type, pf, pf.Name); why != "" {
				c.errorf(CodeProtoSchema, fp.span, "column %q: %s", f.Name, why)
			}
		}
	}
}

// wireConfluent reports whether a source's messages are in Confluent's wire format: 'wire.format' (or, for Avro,
// 'avro.wire.format') = 'confluent', or a 'schema.registry.url' to check their schema ids against.
func wireConfluent(opts map[string]string) bool {
	return strings.EqualFold(opts["wire.format"], "confluent") || strings.EqualFold(opts["avro.wire.format"], "confluent") ||
		opts["schema.registry.url"] != ""
}

// sourceFraming rejects Confluent's wire format on a source whose values cannot carry it.
func (c *checker) sourceFraming(src *Source, ps props, at grammar.Span) {
	if src.Type == "kafka_source" && src.Format == "csv" && wireConfluent(src.Options) {
		c.errorf(CodeBadProperty, formatSpan(ps, at), "source %q: Confluent's wire format ('wire.format', 'schema.registry.url') is for avro, protobuf and json values, not csv", src.Name)
	}
}

// sinkFraming checks the settings of a Kafka sink that writes Confluent's wire format: 'schema.id', or
// 'schema.registry.url' to register the sink's schema at start-up under the subject <topic>-value.
func (c *checker) sinkFraming(sink *Sink, ps props, at grammar.Span) {
	if sink.Type != "kafka_sink" {
		return
	}
	_, id := sink.Options["schema.id"]
	_, reg := sink.Options["schema.registry.url"]
	if !id && !reg {
		return
	}
	switch {
	case sink.Format == "csv":
		c.errorf(CodeBadProperty, formatSpan(ps, at), "sink %q: Confluent's wire format ('schema.id', 'schema.registry.url') is for avro, protobuf and json values, not csv", sink.Name)
	case !id && sink.Format != "avro" && sink.Format != "protobuf":
		c.errorf(CodeBadProperty, formatSpan(ps, at), "sink %q: velocc registers Avro and Protobuf schemas only; give a JSON sink the id of its JSON Schema with 'schema.id'", sink.Name)
	}
}

// ProtoFieldFor finds a message's field for a column: the exact name, else the only one equal ignoring case.
func ProtoFieldFor(fields []*ProtoField, name string) *ProtoField {
	var found *ProtoField
	for _, pf := range fields {
		if pf.Name == name {
			return pf
		}
		if strings.EqualFold(pf.Name, name) && found == nil {
			found = pf
		}
	}
	return found
}

// protoSink checks or derives the message of a sink with format protobuf. With a .proto file, every output
// column must be a field of the message, of a type the column is written as exactly; the message may have
// more fields, which are left out (their default values).
func (c *checker) protoSink(sink *Sink, ps props, at grammar.Span) {
	fp, mp := propAmong(ps, protoFileKeys), propAmong(ps, protoMessageKeys)
	if sink.Format != "protobuf" {
		for _, p := range []*prop{fp, mp} {
			if p != nil {
				c.warnf(CodeProtoSchema, p.keySpan, "%q is used only with '%s.format' = 'protobuf'; it is ignored", p.key, sink.Name)
			}
		}
		return
	}
	if sink.Type != "kafka_sink" {
		c.errorf(CodeBadProperty, formatSpan(ps, at), "the protobuf format is for kafka sinks; %s sinks write jsonl or csv", sink.Type)
		return
	}
	if fp == nil {
		if mp != nil {
			c.warnf(CodeProtoSchema, mp.keySpan, "%q is used only with '%s.proto.file'; the message is derived from the columns", mp.key, sink.Name)
		}
		if s, ok := c.deriveProtoMessage(sink, at); ok {
			sink.Proto = s
		}
		return
	}
	schema, ok := c.loadProto(fp, mp, at)
	if !ok {
		return
	}
	var used []*ProtoField
	for i, col := range sink.Columns {
		pf := ProtoFieldFor(schema.Fields, col.Name)
		if pf == nil {
			c.errorf(CodeProtoSchema, fp.span, "output column %q of %q is not a field of Protobuf message %s in %s", col.Name, sink.Name, schema.Message, schema.File)
			continue
		}
		pf.Out = i
		used = append(used, pf)
		if col.Type.IsNested() {
			if why := protoWritesPart(col.Type, pf, pf.Name); why != "" {
				c.errorf(CodeProtoSchema, fp.span, "output column %q: %s", col.Name, why)
			}
		} else if why := protoWrites(col.Type, pf); why != "" {
			c.errorf(CodeProtoSchema, fp.span, "output column %q is %s, but Protobuf field %q is %s; %s", col.Name, col.Type, pf.Name, pf, why)
		}
	}
	schema.Fields = used
	sort.Slice(schema.Fields, func(i, j int) bool { return schema.Fields[i].Number < schema.Fields[j].Number })
	sink.Proto = schema
}

// protoWritesPart says why a nested column (or a part of one, at path) of type col cannot be written as field f,
// or "": a STRUCT as a message having each of its fields (it may leave some out), an ARRAY as a repeated field,
// a MAP as a map, a scalar as protoWrites says.
func protoWritesPart(col Type, f *ProtoField, path string) string {
	mismatch := func(how string) string {
		return fmt.Sprintf("%s is %s, but Protobuf field %s is %s; %s", path, col, path, f, how)
	}
	switch col.Kind {
	case Struct:
		if f.Repeated || f.Map || f.Shape != ProtoStruct {
			if f.Shape == ProtoOther && !f.Repeated {
				_, _, why := protoColumnType(f)
				return mismatch(why)
			}
			return mismatch("a STRUCT is written as a message")
		}
		for _, sf := range col.N.Fields {
			pf := ProtoFieldFor(f.Fields, sf.Name)
			if pf == nil {
				return fmt.Sprintf("%s.%s is not a field of Protobuf message %s", path, sf.Name, f.TypeName)
			}
			if why := protoWritesPart(sf.T, pf, path+"."+pf.Name); why != "" {
				return why
			}
		}
		return ""
	case Array:
		if !f.Repeated || f.Map {
			return mismatch("an ARRAY is written as a repeated field")
		}
		elem := *f
		elem.Repeated, elem.Presence = false, false
		return protoWritesPart(col.N.Elem, &elem, path+"[]")
	case Map:
		if !f.Map {
			return mismatch("a MAP is written as a map field")
		}
		if why := protoWritesPart(col.N.Key, f.Fields[0], path+" key"); why != "" {
			return why
		}
		return protoWritesPart(col.N.Elem, f.Fields[1], path+"[]")
	}
	if f.Repeated || f.Map || f.Shape == ProtoStruct || f.Shape == ProtoOther {
		return mismatch(fmt.Sprintf("a %s is written as a single value", col))
	}
	if why := protoWrites(col, f); why != "" {
		return mismatch(why)
	}
	return ""
}

// protoWrites says why a column of type col cannot be written as field f exactly, or "".
func protoWrites(col Type, f *ProtoField) string {
	if col.Kind == Null {
		if f.Presence {
			return ""
		}
		return "the column is always NULL, and the field has no presence (make it optional)"
	}
	if _, _, why := protoColumnType(f); why != "" {
		return why
	}
	ok := false
	switch col.Kind {
	case Bool:
		ok = f.Kind == ProtoBool
	case Int:
		ok = f.Kind == ProtoInt32 || f.Kind == ProtoSint32 || f.Kind == ProtoSfixed32 || f.Kind == ProtoInt64 ||
			f.Kind == ProtoSint64 || f.Kind == ProtoSfixed64 || f.Kind == ProtoDouble
	case BigInt:
		ok = f.Kind == ProtoInt64 || f.Kind == ProtoSint64 || f.Kind == ProtoSfixed64
	case Double:
		ok = f.Kind == ProtoDouble
	case Varchar:
		ok = f.Kind == ProtoString || f.Kind == ProtoEnum
	case Timestamp:
		ok = f.Shape == ProtoTimestamp || f.Shape == ProtoScalar && (f.Kind == ProtoInt64 || f.Kind == ProtoSint64 || f.Kind == ProtoSfixed64)
	case Bytes:
		ok = f.Kind == ProtoBytes
	}
	if f.Shape == ProtoTimestamp && col.Kind != Timestamp {
		ok = false
	}
	if ok {
		return ""
	}
	switch col.Kind {
	case Bool:
		return "a BOOLEAN column is written as bool"
	case Int:
		return "an INT column is written as int32, sint32, sfixed32, int64, sint64, sfixed64 or double"
	case BigInt:
		return "a BIGINT column is written as int64, sint64 or sfixed64"
	case Double:
		return "a DOUBLE column is written as double"
	case Varchar:
		return "a VARCHAR column is written as string or an enum"
	case Timestamp:
		return "a TIMESTAMP column is written as google.protobuf.Timestamp or int64 (epoch milliseconds)"
	case Bytes:
		return "a BLOB column is written as bytes or google.protobuf.BytesValue"
	}
	return fmt.Sprintf("a %s column cannot be written as Protobuf yet", col)
}

// deriveProtoMessage builds the message of a sink without a .proto file: a proto3 message named after the sink,
// one field per column numbered from 1, 'optional' (or a Timestamp) so that a NULL is an absent field; a STRUCT
// column is a message of its own (see protoDeriver), an ARRAY a repeated field, a MAP a map. The text is compiled
// with protocompile, as a registry or a reader will, and the fields described from what it compiled to.
func (c *checker) deriveProtoMessage(sink *Sink, at grammar.Span) (*ProtoSchema, bool) {
	if !validAvroName(sink.Name) {
		c.errorf(CodeProtoSchema, at, "%q is not a valid Protobuf message name (a letter or '_' followed by letters, digits and '_'); give the sink a 'proto.file' or rename the stream", sink.Name)
		return nil, false
	}
	d := &protoDeriver{sink: sink.Name, used: map[string]bool{sink.Name: true}}
	var root strings.Builder
	fmt.Fprintf(&root, "\nmessage %s {\n", sink.Name)
	ok := true
	for i, col := range sink.Columns {
		if !validAvroName(col.Name) {
			c.errorf(CodeProtoSchema, at, "output column %q is not a valid Protobuf field name (a letter or '_' followed by letters, digits and '_'); give it an alias with AS", col.Name)
			ok = false
			continue
		}
		decl, why := d.field(col.Type, col.Name, col.Name, i+1)
		if why != "" {
			c.errorf(CodeProtoSchema, at, "output column %q of type %s cannot be written as Protobuf: %s; cast it (a DECIMAL to DOUBLE or VARCHAR), or give the sink a 'proto.file'", col.Name, col.Type, why)
			ok = false
			continue
		}
		root.WriteString("  " + decl + "\n")
	}
	if !ok {
		return nil, false
	}
	root.WriteString("}\n")
	text := "syntax = \"proto3\";\n"
	if d.timestamp {
		text += "\nimport \"google/protobuf/timestamp.proto\";\n"
	}
	text += root.String() + d.messages.String()
	md, err := compileProtoText(sink.Name+".proto", text, sink.Name)
	if err != nil {
		c.errorf(CodeProtoSchema, at, "the Protobuf message derived from the columns of %q is not valid: %v; give the sink a 'proto.file'", sink.Name, err)
		return nil, false
	}
	s := &ProtoSchema{Message: sink.Name, Index: []int{0}, Text: text}
	s.Fields = protoFieldsOf(md, func(protoreflect.FieldDescriptor) (grammar.Pos, bool) { return grammar.Pos{}, false }, at.Start, map[protoreflect.FullName]bool{})
	for _, f := range s.Fields {
		f.Out = int(f.Number) - 1
	}
	return s, true
}

// protoDeriver writes the messages of a derived sink message's STRUCT columns: top-level messages named after
// the path of their value, the sink's name then the column's and the fields' (an ARRAY's element and a MAP's
// value take the name of the ARRAY or MAP), with a number added when that name is taken.
type protoDeriver struct {
	sink      string
	used      map[string]bool // the names of the file's messages
	messages  strings.Builder // the STRUCTs' messages, after the sink's
	timestamp bool            // a field is a google.protobuf.Timestamp
}

// field declares the field name, number num, of a value of type t at path ("optional int64 qty = 2;"); why
// says why there is none.
func (d *protoDeriver) field(t Type, name, path string, num int) (decl, why string) {
	switch t.Kind {
	case Array:
		e, why := d.single(t.N.Elem, path)
		if why != "" {
			return "", why
		}
		return fmt.Sprintf("repeated %s %s = %d;", e, name, num), ""
	case Map:
		k, _ := d.single(t.N.Key, path) // VARCHAR, INT or BIGINT, as every MAP's: string, int32, int64
		v, why := d.single(t.N.Elem, path)
		if why != "" {
			return "", why
		}
		return fmt.Sprintf("map<%s, %s> %s = %d;", k, v, name, num), ""
	}
	typ, why := d.single(t, path)
	if why != "" {
		return "", why
	}
	if t.Kind == Struct || t.Kind == Timestamp {
		return fmt.Sprintf("%s %s = %d;", typ, name, num), "" // a message: absent for a NULL
	}
	return fmt.Sprintf("optional %s %s = %d;", typ, name, num), ""
}

// single is the type of a field holding one value of type t (a scalar or a message), the element of a repeated
// field or a map's value; path names a STRUCT's message.
func (d *protoDeriver) single(t Type, path string) (typ, why string) {
	switch t.Kind {
	case Bool:
		return "bool", ""
	case Int:
		return "int32", ""
	case BigInt:
		return "int64", ""
	case Double:
		return "double", ""
	case Varchar, Null:
		return "string", ""
	case Bytes:
		return "bytes", ""
	case Timestamp:
		d.timestamp = true
		return "google.protobuf.Timestamp", ""
	case Array, Map:
		return "", fmt.Sprintf("%s holds an ARRAY or a MAP, and a repeated field's elements and a map's values are single values or messages", path)
	case Struct:
		name := d.sink + "_" + strings.ReplaceAll(path, ".", "_")
		for n := 2; d.used[name]; n++ {
			name = fmt.Sprintf("%s_%s%d", d.sink, strings.ReplaceAll(path, ".", "_"), n)
		}
		d.used[name] = true
		var b strings.Builder
		fmt.Fprintf(&b, "\nmessage %s {\n", name)
		for i, f := range t.N.Fields {
			if !validAvroName(f.Name) {
				return "", fmt.Sprintf("%s.%s is not a valid Protobuf field name (a letter or '_' followed by letters, digits and '_')", path, f.Name)
			}
			decl, why := d.field(f.T, f.Name, path+"."+f.Name, i+1)
			if why != "" {
				return "", why
			}
			b.WriteString("  " + decl + "\n")
		}
		b.WriteString("}\n")
		d.messages.WriteString(b.String())
		return name, ""
	}
	return "", fmt.Sprintf("%s is %s, which no Protobuf type holds", path, t)
}

// compileProtoText compiles a .proto file given as text, with the well-known types, and finds its message.
func compileProtoText(name, text, message string) (protoreflect.MessageDescriptor, error) {
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{name: text}),
	})}
	files, err := comp.Compile(context.Background(), name)
	if err != nil {
		return nil, err
	}
	md := files[0].Messages().ByName(protoreflect.Name(message))
	if md == nil {
		return nil, fmt.Errorf("no message %s", message)
	}
	return md, nil
}
