// Comparing whole nested values: =, <>, <, <=, >, >= (and so BETWEEN, IN, IS [NOT] DISTINCT FROM, simple CASE,
// NULLIF, LEAST and GREATEST) on STRUCT, ARRAY and MAP values of one type, in DuckDB's order (see rt.CompareArrays).
package compiler

import (
	"fmt"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// nestedBinary checks a binary operator of which an operand is nested: a comparison of two values of one nested
// type (or of one with NULL); nothing else computes with nested values.
func (c *checker) nestedBinary(op Op, opText string, l, r Expr, sp, lsp, rsp grammar.Span) Expr {
	lt, rt := l.Type(), r.Type()
	switch op {
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
	default:
		at, t := lsp, lt
		if !lt.IsNested() {
			at, t = rsp, rt
		}
		c.errorf(CodeTypeMismatch, at, "%s does not take %s values; compute with their scalar parts (x.field, x[i], m['k'])", opText, t)
		return nil
	}
	t, ok := commonType(lt, rt)
	if !ok {
		t, ok = rowCommon(l, rt)
	}
	if !ok {
		t, ok = rowCommon(r, lt)
	}
	if !ok {
		c.errorf(CodeTypeMismatch, sp, "cannot compare %s with %s: their parts have no common type (as for scalars), or the STRUCTs' field names differ", lt, rt)
		return nil
	}
	return &Binary{Op: op, L: c.convert(l, t), R: c.convert(r, t), T: TBool}
}

// rowCommon is the type a ROW(...) constructor x and a value of the STRUCT type t compare as: t's field names, and
// the common types of the fields, taken by position. ok is false when x is no ROW(...) or the fields do not match.
func rowCommon(x Expr, t Type) (Type, bool) {
	k, isCons := x.(*Construct)
	if !isCons || !k.Positional || t.Kind != Struct || len(t.N.Fields) != len(k.T.N.Fields) {
		return TInvalid, false
	}
	fields := make([]StructField, len(t.N.Fields))
	for i, f := range t.N.Fields {
		ft, ok := commonType(k.T.N.Fields[i].T, f.T)
		if !ok {
			return TInvalid, false
		}
		fields[i] = StructField{Name: f.Name, T: ft}
	}
	return StructOf(fields), true
}

// conformNested rewrites x, a constructor of a nested type of t's shape, into a constructor of t, converting its
// parts with convert: a constructor's parts are converted rather than the value it builds. ok is false when x is
// of another type and no such constructor (a ROW(...) constructor's fields are taken by position).
func conformNested(x Expr, t Type, convert func(Expr, Type) Expr) (Expr, bool) {
	if x.Type() == t || x.Type().Kind == Null {
		return x, true
	}
	k, isCons := x.(*Construct)
	if !isCons || k.T.Kind != t.Kind {
		return nil, false
	}
	part := func(y Expr, pt Type) (Expr, bool) {
		if pt.IsNested() {
			return conformNested(y, pt, convert)
		}
		if ct, ok := commonType(y.Type(), pt); !ok || ct != pt {
			return nil, false
		}
		return convert(y, pt), true
	}
	args := make([]Expr, len(k.Args))
	for i, a := range k.Args {
		var pt Type
		switch {
		case t.Kind == Array:
			pt = t.N.Elem
		case t.Kind == Map && i%2 == 0:
			pt = t.N.Key
		case t.Kind == Map:
			pt = t.N.Elem
		case len(k.Args) != len(t.N.Fields) || !k.Positional && !strings.EqualFold(k.T.N.Fields[i].Name, t.N.Fields[i].Name):
			return nil, false
		default:
			pt = t.N.Fields[i].T
		}
		y, ok := part(a, pt)
		if !ok {
			return nil, false
		}
		args[i] = y
	}
	return &Construct{Args: args, T: t, Loc: k.Loc}, true
}

// scalarKey reports a PRIMARY KEY column of a nested type, which tables do not take yet: a join looks its rows up
// by key in a Go map, whose keys cannot be slices. A join ON a nested column that is not the key compares values
// row by row instead.
func (c *checker) scalarKey(f *Field, at grammar.Span) {
	if f.Type.IsNested() {
		c.errorf(CodeUnsupported, at, "a PRIMARY KEY column of type %s is not supported yet; key the table by scalar columns (a join may still compare %q with =)", f.Type, f.Name)
	}
}

// nestedSinkKey reports a Kafka sink whose message key would hold a nested value (the 'key.field' column, or a
// GROUP BY key; at is the query's), which message keys do not take yet.
func (c *checker) nestedSinkKey(q *Query, sink *Sink, keyField *prop, at grammar.Span) {
	if sink.KeyColumn >= 0 {
		if col := q.Columns[sink.KeyColumn]; col.Type.IsNested() {
			c.errorf(CodeUnsupported, keyField.span, "key.field %q is a %s column: a message key holds scalar values only", col.Name, col.Type)
		}
		return
	}
	for _, k := range q.Keys {
		if k.Expr.Type().IsNested() {
			c.errorf(CodeUnsupported, at, "the Kafka sink %q keys its messages by the GROUP BY keys, but %q is a %s value: set 'key.field' to a scalar output column", sink.Name, k.Name, k.Expr.Type())
			return
		}
	}
}

// nestedAgg reports whether the aggregate named name (canonical) takes a nested argument in call v: COUNT, and MIN,
// MAX, LIST and COLLECT_SET (over the values' key forms) outside window functions.
func nestedAgg(name string, v *grammar.Call) bool {
	switch name {
	case "COUNT":
		return true
	case "MIN", "MAX", "LIST", "COLLECT_SET":
		return v.Over == nil
	}
	return false
}

// NestedCast converts the nested value X to the nested type T part by part: CAST(x AS BIGINT[]), and the implicit
// conversions of comparisons (an INT[] compared with a BIGINT[]). Each part converts with the cast of its own
// types, which fails as that cast does, at Loc. A MAP whose converted keys repeat keeps one entry per key, at the
// first one's place with the last one's value, as in DuckDB.
type NestedCast struct {
	X      Expr
	T      Type
	Elem   *PartCast   // ARRAY: each element; MAP: each value
	Key    *PartCast   // MAP: each key
	Fields []*PartCast // STRUCT: T's fields in order; nil for a field X has none of (NULL)
	Loc    Loc
}

// Type is the converted value's type.
func (e *NestedCast) Type() Type { return e.T }

// PartCast converts one part of a NestedCast's value: Out is In converted.
type PartCast struct {
	In    *CastPart
	Out   Expr
	Field int // STRUCT: the field of X it converts
}

// CastPart stands for the part of a nested value that a PartCast converts: generated code binds it to each part.
type CastPart struct{ T Type }

// Type is the part's type.
func (e *CastPart) Type() Type { return e.T }

// nestedCastWhy says why a value of type from does not cast to to, one of them nested ("" when it casts), as
// DuckDB casts: an ARRAY's elements and a MAP's keys and values each by the cast of their types, a STRUCT's
// fields by name (case-insensitively; a field of to that from lacks is NULL, one that to lacks is dropped, but at
// least one must match), or by position when from is ROW(...) (positional) with as many fields.
func nestedCastWhy(from, to Type, positional bool) string {
	if from.Kind == Null || from == to {
		return ""
	}
	if !from.IsNested() || !to.IsNested() {
		if from.IsNested() || to.IsNested() {
			return fmt.Sprintf("%s does not cast to %s (the JSON text of any value is TO_JSON(x))", from, to)
		}
		if !canCast(from, to) {
			return fmt.Sprintf("%s does not cast to %s", from, to)
		}
		return ""
	}
	if from.Kind != to.Kind {
		return fmt.Sprintf("%s does not cast to %s", from, to)
	}
	switch to.Kind {
	case Array:
		return nestedCastWhy(from.N.Elem, to.N.Elem, false)
	case Map:
		if why := nestedCastWhy(from.N.Key, to.N.Key, false); why != "" {
			return why
		}
		return nestedCastWhy(from.N.Elem, to.N.Elem, false)
	}
	if positional && len(from.N.Fields) != len(to.N.Fields) {
		return fmt.Sprintf("ROW(...) has %d fields and %s %d", len(from.N.Fields), to, len(to.N.Fields))
	}
	matched := false
	for i, g := range to.N.Fields {
		j := from.Field(g.Name)
		if positional {
			j = i
		}
		if j < 0 {
			continue
		}
		matched = true
		if why := nestedCastWhy(from.N.Fields[j].T, g.T, false); why != "" {
			return why
		}
	}
	if !matched {
		return fmt.Sprintf("%s and %s have no field name in common", from, to)
	}
	return ""
}

// nestedCast converts x to the nested type t (or a nested x to t), which nestedCastWhy reported possible; sp is
// the cast's, for run-time errors.
func (c *checker) nestedCast(x Expr, t Type, sp grammar.Span) Expr {
	from := x.Type()
	if from == t || from.Kind == Null {
		return c.convert(x, t)
	}
	part := func(pf, pt Type) *PartCast {
		in := &CastPart{T: pf}
		return &PartCast{In: in, Out: c.castExpr(in, pt, sp)}
	}
	n := &NestedCast{X: x, T: t, Loc: c.loc(sp)}
	switch t.Kind {
	case Array:
		n.Elem = part(from.N.Elem, t.N.Elem)
	case Map:
		n.Key, n.Elem = part(from.N.Key, t.N.Key), part(from.N.Elem, t.N.Elem)
	case Struct:
		k, isCons := x.(*Construct)
		positional := isCons && k.Positional
		for i, g := range t.N.Fields {
			j := from.Field(g.Name)
			if positional {
				j = i
			}
			if j < 0 {
				n.Fields = append(n.Fields, nil)
				continue
			}
			p := part(from.N.Fields[j].T, g.T)
			p.Field = j
			n.Fields = append(n.Fields, p)
		}
	}
	return n
}

// castExpr converts x to t as CAST(x AS t) does (sp: the cast's span), or reports why it cannot.
func (c *checker) castExpr(x Expr, t Type, sp grammar.Span) Expr {
	from := x.Type()
	if from.IsNested() || t.IsNested() {
		k, isCons := x.(*Construct)
		if why := nestedCastWhy(from, t, isCons && k.Positional); why != "" {
			c.errorf(CodeTypeMismatch, sp, "cannot cast %s to %s: %s", from, t, why)
			return nil
		}
		return c.nestedCast(x, t, sp)
	}
	if !canCast(from, t) {
		c.errorf(CodeTypeMismatch, sp, "cannot cast %s to %s", from, t)
		return nil
	}
	if t.Kind == Timestamp && from.Kind == Varchar {
		return c.toTimestamp(x, sp)
	}
	if isNewTemporal(from, t) {
		return c.castTo(x, t, sp) // dates.go
	}
	return &Cast{X: x, T: t, Loc: c.loc(sp)}
}
