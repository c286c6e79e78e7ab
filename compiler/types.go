// SQL types and the rules that combine them.
package compiler

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the kind of a SQL type.
type Kind uint8

// The SQL type kinds velocc supports. Null is the type of an untyped NULL literal before it meets a context.
const (
	Invalid Kind = iota
	Null
	Bool
	Int
	BigInt
	Double
	Decimal
	Varchar
	Timestamp
	Interval
	Date   // days since 1970-01-01
	Time   // milliseconds since midnight
	Bytes  // BYTES / BLOB: raw bytes
	Struct // fields in Type.N
	Array  // element type in Type.N
	Map    // key and value types in Type.N
)

// MaxPrecision is the largest DECIMAL precision: 38 digits fit a 128-bit integer.
const MaxPrecision = 38

// Type is a SQL type. Prec and Scale are set for DECIMAL only; N for STRUCT, ARRAY and MAP. Types are values that
// compare with ==: the description of a nested type is interned (nested.go), so that equal types share it.
type Type struct {
	Kind  Kind
	Prec  int32
	Scale int32
	N     *Nested
}

// Common types.
var (
	TInvalid   = Type{Kind: Invalid}
	TNull      = Type{Kind: Null}
	TBool      = Type{Kind: Bool}
	TInt       = Type{Kind: Int}
	TBigInt    = Type{Kind: BigInt}
	TDouble    = Type{Kind: Double}
	TVarchar   = Type{Kind: Varchar}
	TTimestamp = Type{Kind: Timestamp}
	TInterval  = Type{Kind: Interval}
	TDate      = Type{Kind: Date}
	TTime      = Type{Kind: Time}
	TBytes     = Type{Kind: Bytes}
)

// Dec returns DECIMAL(p, s).
func Dec(p, s int32) Type { return Type{Kind: Decimal, Prec: p, Scale: s} }

func (t Type) String() string {
	switch t.Kind {
	case Null:
		return "NULL"
	case Bool:
		return "BOOLEAN"
	case Int:
		return "INT"
	case BigInt:
		return "BIGINT"
	case Double:
		return "DOUBLE"
	case Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Prec, t.Scale)
	case Varchar:
		return "VARCHAR"
	case Timestamp:
		return "TIMESTAMP"
	case Interval:
		return "INTERVAL"
	case Date:
		return "DATE"
	case Time:
		return "TIME"
	case Bytes:
		return "BLOB"
	case Struct, Array, Map:
		return t.N.text
	}
	return "invalid"
}

// IsNumeric reports whether t is INT, BIGINT, DOUBLE or DECIMAL.
func (t Type) IsNumeric() bool {
	return t.Kind == Int || t.Kind == BigInt || t.Kind == Double || t.Kind == Decimal
}

// IsInteger reports whether t is INT or BIGINT.
func (t Type) IsInteger() bool { return t.Kind == Int || t.Kind == BigInt }

// parseTypeName maps a SQL type name (with its arguments) to a Type; ok is false for unknown names.
func parseTypeName(name string, args []string) (Type, string) {
	n := strings.ToUpper(strings.Join(strings.Fields(name), " "))
	switch n {
	case "DECIMAL", "NUMERIC":
	case "VARCHAR", "STRING", "TEXT":
		// VARCHAR(n) is common in DDL written for other systems; the length is accepted and not enforced.
		if len(args) > 1 {
			return TInvalid, fmt.Sprintf("type %s takes at most a length, as in VARCHAR(255)", n)
		}
	default:
		if len(args) > 0 {
			if t, msg := parseTypeName(name, nil); msg == "" {
				return TInvalid, fmt.Sprintf("type %s takes no arguments", t)
			}
		}
	}
	switch n {
	case "BOOLEAN", "BOOL":
		return TBool, ""
	case "INT", "INTEGER", "INT4":
		return TInt, ""
	case "BIGINT", "LONG", "INT8":
		return TBigInt, ""
	case "DOUBLE", "DOUBLE PRECISION", "FLOAT", "FLOAT8", "REAL":
		return TDouble, ""
	case "VARCHAR", "STRING", "TEXT":
		return TVarchar, ""
	case "TIMESTAMP":
		return TTimestamp, ""
	case "DATE":
		return TDate, ""
	case "TIME":
		return TTime, ""
	case "BYTES", "BLOB", "VARBINARY", "BYTEA", "BINARY":
		return TBytes, ""
	case "DECIMAL", "NUMERIC":
		p, s := int64(18), int64(3) // DuckDB's default for a bare DECIMAL
		var err error
		if len(args) >= 1 {
			if p, err = strconv.ParseInt(args[0], 10, 32); err != nil || p < 1 || p > MaxPrecision {
				return TInvalid, fmt.Sprintf("DECIMAL precision must be between 1 and %d, got %s", MaxPrecision, args[0])
			}
			s = 0
		}
		if len(args) == 2 {
			if s, err = strconv.ParseInt(args[1], 10, 32); err != nil || s < 0 || s > p {
				return TInvalid, fmt.Sprintf("DECIMAL scale must be between 0 and the precision %d, got %s", p, args[1])
			}
		}
		return Dec(int32(p), int32(s)), ""
	}
	return TInvalid, fmt.Sprintf("unknown type %q; supported: BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p,s), VARCHAR, TIMESTAMP, DATE, TIME, BYTES", name)
}

// decimalOf returns the DECIMAL type that holds every value of an integer type exactly.
func decimalOf(t Type) Type {
	switch t.Kind {
	case Int:
		return Dec(10, 0)
	case BigInt:
		return Dec(19, 0)
	}
	return t
}

func minI(a, b int32) int32 {
	if a < b {
		return a
	}
	return b
}

func maxI(a, b int32) int32 {
	if a > b {
		return a
	}
	return b
}

// decimalCommon is the DECIMAL type both a and b convert to exactly (capped at 38 digits).
func decimalCommon(a, b Type) Type {
	a, b = decimalOf(a), decimalOf(b)
	s := maxI(a.Scale, b.Scale)
	p := maxI(a.Prec-a.Scale, b.Prec-b.Scale) + s
	return Dec(minI(p, MaxPrecision), s)
}

// numericCommon is the type two numeric operands are converted to before an arithmetic or comparison:
// any DOUBLE makes DOUBLE, any DECIMAL makes DECIMAL, else the wider integer.
func numericCommon(a, b Type) Type {
	switch {
	case a.Kind == Double || b.Kind == Double:
		return TDouble
	case a.Kind == Decimal || b.Kind == Decimal:
		return decimalCommon(a, b)
	case a.Kind == BigInt || b.Kind == BigInt:
		return TBigInt
	}
	return TInt
}

// commonType is the type values of a and b are unified to in CASE, COALESCE, IN, comparisons and
// LEAST/GREATEST; ok is false when they cannot be unified.
func commonType(a, b Type) (Type, bool) {
	switch {
	case a.Kind == Null:
		return b, true
	case b.Kind == Null:
		return a, true
	case a == b:
		return a, true
	case a.IsNumeric() && b.IsNumeric():
		return numericCommon(a, b), true
	case a.N != nil || b.N != nil:
		return nestedCommon(a, b)
	case a.Kind == b.Kind:
		return a, true
	case a.Kind == Date && b.Kind == Timestamp || a.Kind == Timestamp && b.Kind == Date:
		return TTimestamp, true // DuckDB compares a DATE with a TIMESTAMP as midnight of that day
	}
	return TInvalid, false
}

// canCast reports whether CAST(from AS to) is allowed.
func canCast(from, to Type) bool {
	if from.Kind == Null || from == to {
		return true
	}
	if from.N != nil || to.N != nil {
		return false // a nested value is cast only to its own type
	}
	switch to.Kind {
	case Varchar:
		return true
	case Bool:
		return from.Kind == Varchar || from.IsInteger()
	case Int, BigInt, Double, Decimal:
		return from.IsNumeric() || from.Kind == Varchar || from.Kind == Bool && to.IsInteger() || from.Kind == Timestamp && to.Kind == BigInt
	case Timestamp:
		return from.Kind == Varchar || from.Kind == BigInt || from.Kind == Date
	case Date, Time:
		return from.Kind == Varchar || from.Kind == Timestamp
	case Bytes:
		return from.Kind == Varchar
	}
	return false
}
