// Type checking of expressions, in row context (per record) and group context (over keys and aggregates).
package compiler

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/velocc/velocc/grammar"
)

// mode says what an expression may reference.
type mode uint8

const (
	modeRow    mode = iota // a record's columns (WHERE, GROUP BY, ungrouped SELECT)
	modeAggArg             // inside an aggregate's argument: like modeRow, but a nested aggregate is an error
	modeGroup              // grouped SELECT: keys, aggregates, window bounds
	modeHaving             // HAVING: like modeGroup, plus SELECT aliases
)

// expr checks an expression and returns its typed form, or nil after reporting an error (follow-on errors are
// suppressed by callers on nil).
func (c *checker) expr(qc *qctx, e grammar.Expr, m mode) Expr {
	if m == modeGroup || m == modeHaving {
		if i := qc.keyIndex(e); i >= 0 {
			key := &KeyRef{Key: qc.q.Keys[i]}
			if col, ok := e.(*grammar.Column); ok && m == modeHaving && col.Qualifier == nil {
				// HAVING symbol, with GROUP BY symbol and SELECT UPPER(symbol) AS symbol: which one is meant?
				if alias, ok := qc.itemExpr[strings.ToLower(col.Name.Name)]; ok {
					if ref, same := alias.(*KeyRef); !same || ref.Key != key.Key {
						c.errorf(CodeAmbiguous, col.Span(), "%q is ambiguous: it names both a grouped column and a SELECT alias; qualify the column (%s.%s) or rename the alias", col.Name.Name, qc.src.Name, col.Name.Name)
						return nil
					}
				}
			}
			return key
		}
	}
	switch v := e.(type) {
	case *grammar.Paren:
		return c.expr(qc, v.X, m)
	case *grammar.Access:
		return c.access(qc, v, m) // nested.go
	case *grammar.ArrayLit:
		return c.arrayLit(qc, v, m) // nested.go
	case *grammar.StructLit:
		return c.structLit(qc, v, m) // nested.go
	case *grammar.Literal:
		return c.literal(v)
	case *grammar.Interval:
		// No operator, function or aggregate takes an INTERVAL, and no column can hold one: reject it here once
		// rather than let it leak into IS NULL, CAST, MIN and the like.
		c.errorf(CodeTypeMismatch, v.Span(), "INTERVAL values are allowed only as window sizes, in WINDOW TUMBLING, TUMBLE_START and TUMBLE_END, and added to or subtracted from a TIMESTAMP (ts + INTERVAL '1' HOUR, DATE_ADD(ts, INTERVAL '1' HOUR))")
		return nil
	case *grammar.Column:
		return c.column(qc, v, m)
	case *grammar.Unary:
		return c.unary(qc, v, m)
	case *grammar.Binary:
		if x, handled := c.intervalArith(qc, v, m); handled {
			return x
		}
		l := c.expr(qc, v.L, m)
		r := c.expr(qc, v.R, m)
		if l == nil || r == nil {
			return nil
		}
		return c.binary(v.Op, l, r, v.Span(), v.L.Span(), v.R.Span())
	case *grammar.IsNull:
		x := c.expr(qc, v.X, m)
		if x == nil {
			return nil
		}
		return &IsNull{X: x, Not: v.Not}
	case *grammar.IsDistinct:
		return c.isDistinct(qc, v, m)
	case *grammar.Between:
		x := c.expr(qc, v.X, m)
		lo := c.expr(qc, v.Low, m)
		hi := c.expr(qc, v.High, m)
		if x == nil || lo == nil || hi == nil {
			return nil
		}
		ge := c.binary(">=", x, lo, v.Span(), v.X.Span(), v.Low.Span())
		le := c.binary("<=", x, hi, v.Span(), v.X.Span(), v.High.Span())
		if ge == nil || le == nil {
			return nil
		}
		var out Expr = &Binary{Op: OpAnd, L: ge, R: le, T: TBool}
		if v.Not {
			out = &Unary{Op: OpNot, X: out, T: TBool}
		}
		return out
	case *grammar.In:
		return c.in(qc, v, m)
	case *grammar.Like:
		x := c.expr(qc, v.X, m)
		p := c.expr(qc, v.Pattern, m)
		if x == nil || p == nil {
			return nil
		}
		if !c.want(x, v.X, Varchar, "LIKE") || !c.want(p, v.Pattern, Varchar, "LIKE") {
			return nil
		}
		return &Like{X: c.convert(x, TVarchar), Pattern: c.convert(p, TVarchar), Not: v.Not}
	case *grammar.Case:
		return c.caseExpr(qc, v, m)
	case *grammar.Cast:
		x := c.expr(qc, v.X, m)
		if x == nil {
			return nil
		}
		t, msg := typeOf(v.Type)
		if msg != "" {
			c.errorf(CodeBadType, v.Type.Span(), "%s", msg)
			return nil
		}
		if t.Kind == Timestamp && x.Type().Kind == Varchar {
			return c.toTimestamp(x, v.X.Span())
		}
		return c.castExpr(x, t, v.Span()) // nestcmp.go
	case *grammar.Extract:
		x := c.expr(qc, v.X, m)
		if x == nil {
			return nil
		}
		part, known := timePart(v.Part.Name)
		if !known {
			c.errorf(CodeUnknownFunction, v.Part.Span(), "unknown EXTRACT part %q; supported: %s", v.Part.Name, strings.Join(extractPartList, ", "))
			return nil
		}
		if x, known = c.extractArg(x, part, v.X.Span(), "EXTRACT"); !known {
			return nil
		}
		impl := &Impl{ID: "extract_" + strings.ToLower(part), Func: "Extract", Before: []ImplConst{{Name: extractPartConst[part]}}}
		return &Func{Name: "EXTRACT", Part: part, Args: []Expr{x}, Impl: impl, T: TBigInt}
	case *grammar.Call:
		return c.call(qc, v, m)
	case *grammar.Subquery:
		if v.Exists {
			return c.subquery(qc, SubExists, v.Query, v.Span(), nil, false, m) // subquery.go
		}
		return c.subquery(qc, SubScalar, v.Query, v.Span(), nil, false, m)
	}
	c.errorf(CodeUnsupported, e.Span(), "unsupported expression")
	return nil
}

// keyIndex finds the GROUP BY key an expression is structurally equal to.
func (qc *qctx) keyIndex(e grammar.Expr) int {
	if len(qc.keyCanon) == 0 {
		return -1
	}
	// The hashes rule out most expressions without rendering them: rendering every node of a long expression
	// would cost time quadratic in its size.
	h := qc.hashes.of(e)
	k := ""
	for i, kc := range qc.keyCanon {
		if qc.keyHash[i] != h {
			continue
		}
		if k == "" {
			k = qc.canon(e)
		}
		if kc == k {
			return i
		}
	}
	return -1
}

func (c *checker) literal(v *grammar.Literal) Expr {
	switch v.Kind {
	case grammar.LitNull:
		return &Const{T: TNull, Null: true}
	case grammar.LitBool:
		return &Const{T: TBool, Bool: v.Text == "true"}
	case grammar.LitString:
		return &Const{T: TVarchar, Str: v.Text}
	case grammar.LitDuration:
		c.errorf(CodeTypeMismatch, v.Span(), "a duration such as %s is allowed only as a window size", v.Text)
		return nil
	}
	text := v.Text
	if strings.ContainsAny(text, "eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			c.errorf(CodeBadLiteral, v.Span(), "number %s is out of range for DOUBLE", text)
			return nil
		}
		return &Const{T: TDouble, Float: f}
	}
	if !strings.Contains(text, ".") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return &Const{T: TInt, Int: n}
			}
			return &Const{T: TBigInt, Int: n}
		}
		digits := strings.TrimLeft(text, "0")
		if len(digits) > MaxPrecision {
			c.errorf(CodeBadLiteral, v.Span(), "integer %s has more than %d digits", text, MaxPrecision)
			return nil
		}
		d, _ := new(big.Int).SetString(text, 10)
		return &Const{T: Dec(int32(len(digits)), 0), Dec: d}
	}
	// A decimal literal is exact: 0.7 is DECIMAL(2,1), as in DuckDB.
	intPart, frac, _ := strings.Cut(text, ".")
	if intPart != "" {
		// The integer digits count as written, one zero included (0.7 has two digits), but not padding zeros.
		if intPart = strings.TrimLeft(intPart, "0"); intPart == "" {
			intPart = "0"
		}
	}
	p := int32(len(intPart) + len(frac))
	s := int32(len(frac))
	if p > MaxPrecision {
		f, _ := strconv.ParseFloat(text, 64)
		return &Const{T: TDouble, Float: f}
	}
	if p == 0 {
		p = 1
	}
	if p < s {
		p = s
	}
	d, _ := new(big.Int).SetString(intPart+frac, 10)
	if d == nil {
		d = new(big.Int)
	}
	return &Const{T: Dec(p, s), Dec: d}
}

func (c *checker) column(qc *qctx, v *grammar.Column, m mode) Expr {
	var r *rel
	if v.Qualifier != nil {
		if r = qc.relNamed(v.Qualifier.Name); r == nil {
			if _, f, _ := qc.find(v.Qualifier.Name); f != nil && f.Type.Kind == Struct {
				// customer.zip: a field of the STRUCT column customer, not a column of a relation customer.
				col := &grammar.Column{Name: v.Qualifier}
				col.SetSpan(v.Qualifier.Span())
				acc := &grammar.Access{X: col, Field: v.Name}
				acc.SetSpan(v.Span())
				return c.expr(qc, acc, m)
			}
			c.errorf(CodeUnknownSource, v.Qualifier.Span(), "unknown qualifier %q: this query reads %s", v.Qualifier.Name, qc.relNames())
			return nil
		}
	}
	name := v.Name.Name
	lower := strings.ToLower(name)
	if v.Qualifier == nil && (lower == "_window_start" || lower == "_window_end") {
		return c.windowBound(qc, v.Span(), lower == "_window_end", m)
	}
	var f *Field
	if r != nil {
		f = r.src.field(name)
	} else {
		var also []*rel
		r, f, also = qc.find(name)
		if len(also) > 0 {
			c.errorf(CodeAmbiguous, v.Span(), "column %q is ambiguous: both %s and %s have it; qualify it (%s.%s)", name, r, also[0], r.qualifier().Name, name)
			return nil
		}
	}
	if f == nil && v.Qualifier == nil && (lower == "windowstart" || lower == "windowend") {
		return c.windowBound(qc, v.Span(), lower == "windowend", m) // ksqlDB's pseudo-columns, unless the source has such a column
	}
	where := qc.src.Name
	names := fieldNames(qc.src.Fields)
	if len(qc.rels) > 1 {
		where = ""
		names = nil
		for _, vr := range qc.visible() {
			if r != nil && v.Qualifier != nil && vr != r {
				continue
			}
			names = append(names, fieldNames(vr.src.Fields)...)
		}
	}
	unknown := func(names []string) {
		if where == "" {
			c.errorf(CodeUnknownColumn, v.Span(), "unknown column %q in %s%s", name, qc.relNames(), suggest(name, names))
			return
		}
		c.errorf(CodeUnknownColumn, v.Span(), "unknown column %q in %q%s", name, where, suggest(name, names))
	}
	var join *Join
	if r != nil {
		join = r.join
	}
	if r != nil && r == qc.inner && f != nil {
		return &ColRef{Field: f, Join: join} // a subquery's own table: a row of it, whatever the outer context
	}
	if f != nil && f.Type.Kind == Invalid {
		return nil // its declaration's bad type is reported; uses of it would only repeat that
	}
	switch m {
	case modeRow, modeAggArg:
		if f == nil {
			unknown(names)
			return nil
		}
		return &ColRef{Field: f, Join: join, Outer: join == nil && qc.outerRecord}
	}
	// Group context: a column must be a key (matched above), or a SELECT alias in HAVING.
	if m == modeHaving && v.Qualifier == nil {
		if x, ok := qc.itemExpr[lower]; ok {
			return x // nil when the item had an error, which is reported
		}
	}
	if f == nil {
		if m == modeHaving {
			for a := range qc.itemExpr {
				names = append(names, a)
			}
		}
		unknown(names)
		return nil
	}
	if qc.keysBroken {
		return nil
	}
	clause := "SELECT"
	if m == modeHaving {
		clause = "HAVING"
	}
	if qc.clause != "" {
		clause = qc.clause
	}
	c.errorf(CodeNotGrouped, v.Span(), "column %q in %s must appear in GROUP BY or be used in an aggregate function", name, clause)
	return nil
}

func (c *checker) windowBound(qc *qctx, sp grammar.Span, end bool, m mode) Expr {
	if qc.window == nil {
		c.errorf(CodeWindow, sp, "window bounds need a WINDOW clause, e.g. WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE)")
		return nil
	}
	if m != modeGroup && m != modeHaving {
		c.errorf(CodeWindow, sp, "window bounds can be used only in the SELECT list and HAVING of a windowed query")
		return nil
	}
	return &WindowBound{End: end}
}

func (c *checker) unary(qc *qctx, v *grammar.Unary, m mode) Expr {
	x := c.expr(qc, v.X, m)
	if x == nil {
		return nil
	}
	t := x.Type()
	switch v.Op {
	case "NOT":
		if t.Kind != Bool && t.Kind != Null {
			c.errorf(CodeTypeMismatch, v.Span(), "NOT needs a BOOLEAN operand, but this is %s", t)
			return nil
		}
		return &Unary{Op: OpNot, X: c.convert(x, TBool), T: TBool}
	case "+":
		if !t.IsNumeric() && t.Kind != Null {
			c.errorf(CodeTypeMismatch, v.Span(), "unary + needs a number, but this is %s", t)
			return nil
		}
		return x
	}
	if t.Kind == Null {
		return &Const{T: TNull, Null: true}
	}
	if !t.IsNumeric() {
		c.errorf(CodeTypeMismatch, v.Span(), "unary - needs a number, but this is %s", t)
		return nil
	}
	if k, ok := x.(*Const); ok && !k.Null {
		// Fold negative literals so -2147483648 is an INT and DECIMAL literals stay exact.
		switch t.Kind {
		case Int, BigInt:
			n := -k.Int
			if k.Int == math.MinInt64 {
				break
			}
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return &Const{T: TInt, Int: n}
			}
			return &Const{T: TBigInt, Int: n}
		case Double:
			return &Const{T: TDouble, Float: -k.Float}
		case Decimal:
			return &Const{T: t, Dec: new(big.Int).Neg(k.Dec)}
		}
	}
	return &Unary{Op: OpNeg, X: x, T: t, Loc: c.loc(v.Span())}
}

var binOps = map[string]Op{
	"+": OpAdd, "-": OpSub, "*": OpMul, "/": OpDiv, "%": OpMod, "=": OpEq, "<>": OpNe, "<": OpLt, "<=": OpLe,
	">": OpGt, ">=": OpGe, "AND": OpAnd, "OR": OpOr, "||": OpConcat,
}

// binary types a binary operator over checked operands.
func (c *checker) binary(opText string, l, r Expr, sp, lsp, rsp grammar.Span) Expr {
	op := binOps[opText]
	lt, rt := l.Type(), r.Type()
	loc := c.loc(sp)
	if lt.IsNested() || rt.IsNested() {
		return c.nestedBinary(op, opText, l, r, sp, lsp, rsp) // nestcmp.go
	}
	switch op {
	case OpAnd, OpOr:
		if lt.Kind != Bool && lt.Kind != Null {
			c.errorf(CodeTypeMismatch, lsp, "%s needs BOOLEAN operands, but this is %s", opText, lt)
			return nil
		}
		if rt.Kind != Bool && rt.Kind != Null {
			c.errorf(CodeTypeMismatch, rsp, "%s needs BOOLEAN operands, but this is %s", opText, rt)
			return nil
		}
		return &Binary{Op: op, L: c.convert(l, TBool), R: c.convert(r, TBool), T: TBool}
	case OpConcat:
		if (lt.Kind == Bytes || lt.Kind == Null) && (rt.Kind == Bytes || rt.Kind == Null) && (lt.Kind == Bytes || rt.Kind == Bytes) {
			impl := rtCall("concat_blob", "ConcatBytes") // BLOB || BLOB is a BLOB
			return &Func{Name: "||", Args: []Expr{c.convert(l, TBytes), c.convert(r, TBytes)}, Impl: &impl, T: TBytes, Loc: loc}
		}
		return &Binary{Op: op, L: c.convert(l, TVarchar), R: c.convert(r, TVarchar), T: TVarchar}
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		// A string literal compared with a TIMESTAMP is read as a timestamp.
		if lt.Kind == Timestamp && rt.Kind == Varchar {
			if r = c.toTimestamp(r, rsp); r == nil {
				return nil
			}
			rt = TTimestamp
		} else if rt.Kind == Timestamp && lt.Kind == Varchar {
			if l = c.toTimestamp(l, lsp); l == nil {
				return nil
			}
			lt = TTimestamp
		}
		var ok bool
		if l, r, ok = c.temporalCompare(l, r, lsp, rsp); !ok { // dates.go
			return nil
		}
		lt, rt = l.Type(), r.Type()
		ct, ok := commonType(lt, rt)
		if !ok || ct.Kind == Interval {
			c.errorf(CodeTypeMismatch, sp, "cannot compare %s with %s", lt, rt)
			return nil
		}
		if ct.Kind == Null {
			return &Const{T: TBool, Null: true}
		}
		return &Binary{Op: op, L: c.convert(l, ct), R: c.convert(r, ct), T: TBool}
	}
	// Arithmetic.
	if lt.Kind == Null && rt.Kind == Null {
		return &Const{T: TNull, Null: true}
	}
	if lt.Kind == Null {
		lt = rt
	}
	if x, handled := c.dateArith(op, l, r, sp); handled { // dates.go
		return x
	}
	if rt.Kind == Null {
		rt = lt
	}
	if !lt.IsNumeric() || !rt.IsNumeric() {
		bad, badSp := lt, lsp
		if lt.IsNumeric() {
			bad, badSp = rt, rsp
		}
		hint := ""
		if op == OpAdd && (lt.Kind == Varchar || rt.Kind == Varchar) {
			hint = "; use || to concatenate strings"
		}
		_ = badSp
		c.errorf(CodeTypeMismatch, sp, "operator %s needs numbers, but got %s and %s%s", opText, typeOrNull(l), typeOrNull(r), hint)
		_ = bad
		return nil
	}
	ct := numericCommon(lt, rt)
	switch {
	case op == OpDiv && ct.IsInteger():
		// Integer / integer is DOUBLE, as in DuckDB.
		return &Binary{Op: op, L: c.convert(l, TDouble), R: c.convert(r, TDouble), T: TDouble, Loc: loc}
	case ct.Kind == Decimal:
		ld, rd := decimalOf(lt), decimalOf(rt)
		switch op {
		case OpAdd, OpSub:
			s := maxI(ld.Scale, rd.Scale)
			p := minI(maxI(ld.Prec-ld.Scale, rd.Prec-rd.Scale)+s+1, MaxPrecision)
			return &Binary{Op: op, L: c.convert(l, Dec(minI(ld.Prec+s-ld.Scale, MaxPrecision), s)), R: c.convert(r, Dec(minI(rd.Prec+s-rd.Scale, MaxPrecision), s)), T: Dec(p, s), Loc: loc}
		case OpMul:
			s := ld.Scale + rd.Scale
			if s > MaxPrecision {
				c.errorf(CodeTypeMismatch, sp, "DECIMAL product would need scale %d, more than %d", s, MaxPrecision)
				return nil
			}
			return &Binary{Op: op, L: c.convert(l, ld), R: c.convert(r, rd), T: Dec(minI(ld.Prec+rd.Prec, MaxPrecision), s), Loc: loc}
		case OpDiv:
			// Exact DECIMAL division rounds half away from zero to max(s1, s2) + 6 fractional digits.
			s := minI(maxI(ld.Scale, rd.Scale)+6, MaxPrecision)
			return &Binary{Op: op, L: c.convert(l, ld), R: c.convert(r, rd), T: Dec(MaxPrecision, s), Loc: loc}
		case OpMod:
			return &Binary{Op: op, L: c.convert(l, ct), R: c.convert(r, ct), T: ct, Loc: loc}
		}
	}
	return &Binary{Op: op, L: c.convert(l, ct), R: c.convert(r, ct), T: ct, Loc: loc}
}

func typeOrNull(x Expr) string { return x.Type().String() }

// timestampLayouts are the ISO 8601 forms a TIMESTAMP literal may take; without a zone it is UTC.
var timestampLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02",
}

// toTimestamp converts a VARCHAR to TIMESTAMP; a string constant is parsed now, so a bad literal fails the build
// instead of the job's first record.
func (c *checker) toTimestamp(x Expr, sp grammar.Span) Expr {
	k, ok := x.(*Const)
	if !ok {
		return &Cast{X: x, T: TTimestamp, Loc: c.loc(sp)}
	}
	if k.Null {
		return &Const{T: TTimestamp, Null: true}
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(k.Str)); err == nil {
			return &Const{T: TTimestamp, Int: t.UnixMilli()}
		}
	}
	c.errorf(CodeBadLiteral, sp, "%q is not a timestamp; write ISO 8601, e.g. '2024-06-03 13:30:00' or '2024-06-03T13:30:00Z'", k.Str)
	return nil
}

// convert wraps x in a Cast to t unless it already has type t; NULL constants simply take the type.
func (c *checker) convert(x Expr, t Type) Expr {
	if x.Type() == t {
		return x
	}
	if k, ok := x.(*Const); ok {
		if k.Null {
			return &Const{T: t, Null: true}
		}
		if folded, ok := foldCast(k, t); ok {
			return folded
		}
	}
	if isNewTemporal(x.Type(), t) {
		return c.castTo(x, t, grammar.Span{}) // dates.go: DATE to TIMESTAMP, whose Loc only names the SQL
	}
	if t.IsNested() {
		if y, ok := conformNested(x, t, c.convert); ok {
			return y // nestcmp.go: a constructor of t's shape, its parts converted
		}
		if x.Type().IsNested() {
			return c.nestedCast(x, t, grammar.Span{}) // its parts converted one by one at run time
		}
	}
	return &Cast{X: x, T: t}
}

// foldCast converts a numeric constant at compile time when the conversion is exact, so generated code
// compares with typed literals instead of converting a constant for every record.
func foldCast(k *Const, t Type) (*Const, bool) {
	from := k.T
	switch {
	case from.IsInteger() && t.Kind == BigInt:
		return &Const{T: t, Int: k.Int}, true
	case from.IsInteger() && t.Kind == Int && k.Int >= math.MinInt32 && k.Int <= math.MaxInt32:
		return &Const{T: t, Int: k.Int}, true
	case from.IsInteger() && t.Kind == Double && k.Int > -1<<53 && k.Int < 1<<53:
		return &Const{T: t, Float: float64(k.Int)}, true
	case from.Kind == Decimal && t.Kind == Double:
		f, _ := new(big.Rat).SetFrac(k.Dec, pow10Big(from.Scale)).Float64()
		return &Const{T: t, Float: f}, true
	case (from.IsInteger() || from.Kind == Decimal) && t.Kind == Decimal:
		d := big.NewInt(k.Int)
		s := int32(0)
		if from.Kind == Decimal {
			d, s = k.Dec, from.Scale
		}
		if t.Scale < s {
			return nil, false
		}
		d = new(big.Int).Mul(d, pow10Big(t.Scale-s))
		if new(big.Int).Abs(d).Cmp(pow10Big(t.Prec)) >= 0 {
			return nil, false
		}
		return &Const{T: t, Dec: d}, true
	}
	return nil, false
}

func pow10Big(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

func (c *checker) want(x Expr, e grammar.Expr, k Kind, what string) bool {
	if x.Type().Kind == k || x.Type().Kind == Null {
		return true
	}
	c.errorf(CodeTypeMismatch, e.Span(), "%s needs %s, but this is %s", what, Type{Kind: k}, x.Type())
	return false
}

func (c *checker) in(qc *qctx, v *grammar.In, m mode) Expr {
	if v.Sub != nil {
		return c.subquery(qc, SubIn, v.Sub, v.Span(), v.X, v.Not, m) // subquery.go
	}
	x := c.expr(qc, v.X, m)
	if x == nil {
		return nil
	}
	ct := x.Type()
	list := make([]Expr, 0, len(v.List))
	for _, e := range v.List {
		y := c.expr(qc, e, m)
		if y == nil {
			return nil
		}
		t, ok := commonType(ct, y.Type())
		if !ok {
			c.errorf(CodeTypeMismatch, e.Span(), "IN list value of type %s does not match %s", y.Type(), ct)
			return nil
		}
		ct = t
		list = append(list, y)
	}
	if ct.Kind == Null {
		return &Const{T: TBool, Null: true}
	}
	for i := range list {
		list[i] = c.convert(list[i], ct)
	}
	return &In{X: c.convert(x, ct), List: list, Not: v.Not}
}

func (c *checker) caseExpr(qc *qctx, v *grammar.Case, m mode) Expr {
	var operand Expr
	if v.Operand != nil {
		if operand = c.expr(qc, v.Operand, m); operand == nil {
			return nil
		}
	}
	out := &Case{}
	rt := TNull
	var thens []Expr
	for _, w := range v.Whens {
		cond := c.expr(qc, w.Cond, m)
		then := c.expr(qc, w.Then, m)
		if cond == nil || then == nil {
			return nil
		}
		if operand != nil {
			// Simple CASE: WHEN value compares operand = value.
			if cond = c.binary("=", operand, cond, w.Cond.Span(), v.Operand.Span(), w.Cond.Span()); cond == nil {
				return nil
			}
		} else if cond = c.wantBool(cond, w.Cond, "WHEN"); cond == nil {
			return nil
		}
		t, ok := commonType(rt, then.Type())
		if !ok {
			c.errorf(CodeTypeMismatch, w.Then.Span(), "CASE branches have different types: %s and %s", rt, then.Type())
			return nil
		}
		rt = t
		out.Whens = append(out.Whens, &When{Cond: cond})
		thens = append(thens, then)
	}
	var els Expr = &Const{T: TNull, Null: true}
	if v.Else != nil {
		if els = c.expr(qc, v.Else, m); els == nil {
			return nil
		}
		t, ok := commonType(rt, els.Type())
		if !ok {
			c.errorf(CodeTypeMismatch, v.Else.Span(), "CASE branches have different types: %s and %s", rt, els.Type())
			return nil
		}
		rt = t
	}
	for i, w := range out.Whens {
		w.Then = c.convert(thens[i], rt)
	}
	out.Else = c.convert(els, rt)
	out.T = rt
	return out
}
