// Comparing whole nested values: =, <>, <, <=, >, >= (and so BETWEEN, IN, IS [NOT] DISTINCT FROM, simple CASE,
// NULLIF, LEAST and GREATEST) on STRUCT, ARRAY and MAP values of one type, in DuckDB's order (see rt.CompareArrays).
package compiler

import (
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
	if !ok || !nestedConvertible(l, t) || !nestedConvertible(r, t) {
		c.errorf(CodeTypeMismatch, sp, "cannot compare %s with %s: nested values compare with values of the same type only (or a constructor, such as [1, 2], whose parts convert to it)", lt, rt)
		return nil
	}
	return &Binary{Op: op, L: c.convert(l, t), R: c.convert(r, t), T: TBool}
}

// nestedConvertible reports whether x converts to the nested type t without a cast at run time: x is of type t,
// NULL, or a constructor whose parts convert to t's parts (ARRAY[1, 2] to BIGINT[]); see conformNested.
func nestedConvertible(x Expr, t Type) bool {
	_, ok := conformNested(x, t, func(y Expr, _ Type) Expr { return y })
	return ok
}

// conformNested rewrites x, a constructor of a nested type of t's shape, into a constructor of t, converting its
// parts with convert: nested values are not cast at run time, but a constructor's parts are. ok is false when x is
// of another type and no such constructor.
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
		case len(k.Args) != len(t.N.Fields) || !strings.EqualFold(k.T.N.Fields[i].Name, t.N.Fields[i].Name):
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
