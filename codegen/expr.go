// Expressions: each plan expression becomes straight-line Go over typed locals, a value and a NULL flag.
package codegen

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// val is a generated expression result: Go code for the value and for its NULL flag.
type val struct {
	v       jen.Code
	n       jen.Code
	nonNull bool // n is the constant false
}

// fn emits the body of one generated function. Expressions append statements to the current block and
// return their result as a val; locals get short unique names from a per-function counter.
type fn struct {
	g     *gen // the job's generator, which emits the helpers expressions call (nestcmp.go)
	body  *[]jen.Code
	next  int
	rec   string // record variable in row context
	key   string // key variable in group context
	state string // state variable in group context
	size  int64  // window size, for window bounds
	keys  []*compiler.Key
	q     *compiler.Query           // the query, whose statement run-time errors quote
	merge bool                      // the function merges partial states: no record is being read
	win   map[*compiler.WinFunc]val // the window functions' values for the current row

	// end is the local holding the window's end when it is not start+size (session windows); pre holds values
	// computed once, before a loop over a record's windows.
	end string
	pre map[compiler.Expr]val

	// keyText is, in a join stage, the text of the key the lookup used, for the message of 'join.missing' = 'fail'.
	keyText jen.Code
	// failFirst are the results a failing function returns before its error, when it has more than one.
	failFirst []jen.Code
	// row holds, while a metric's condition is emitted, the values of the output row its columns read (metrics.go).
	row map[*compiler.Field]val
}

func (f *fn) emit(c ...jen.Code) { *f.body = append(*f.body, c...) }

func (f *fn) tmp(prefix string) string {
	f.next++
	return prefix + strconv.Itoa(f.next)
}

// block runs gen with statements going to a fresh block, and returns that block.
func (f *fn) block(gen func()) []jen.Code {
	saved := f.body
	var b []jen.Code
	f.body = &b
	gen()
	f.body = saved
	return b
}

// maxQuotedSQL is the longest expression text fail writes as a literal.
const maxQuotedSQL = 64

// fail returns the statement that stops the job on an evaluation error at loc. The expression's SQL is quoted
// as a literal when it is short, and otherwise as a slice of the statement's constant, so that the generated
// code of nested expressions grows linearly with the SQL, not quadratically.
func (f *fn) fail(loc compiler.Loc, what string) jen.Code { return f.failWith(loc, jen.Lit(what)) }

// failWith is fail with the error text computed at run time.
func (f *fn) failWith(loc compiler.Loc, what jen.Code) jen.Code {
	pos := ""
	if loc.Line > 0 {
		pos = fmt.Sprintf("%s:%d:%d", loc.File, loc.Line, loc.Col)
	}
	text := jen.Lit(loc.Text)
	if st := f.q.Loc; len(loc.Text) > maxQuotedSQL && loc.Off >= st.Off && loc.End <= st.End {
		text = jen.Id(sqlConst(f.q)).Index(jen.Lit(loc.Off - st.Off).Op(":").Lit(loc.End - st.Off))
	}
	src := jen.Id("q").Dot("src")
	if f.merge {
		src = jen.Nil()
	}
	return jen.Return(append(f.failFirst[:len(f.failFirst):len(f.failFirst)], jen.Qual(rtPath, "EvalError").Call(src, jen.Lit(pos), what, text))...)
}

func nullOr(a, b val) (jen.Code, bool) {
	switch {
	case a.nonNull && b.nonNull:
		return jen.False(), true
	case a.nonNull:
		return b.n, false
	case b.nonNull:
		return a.n, false
	}
	return jen.Add(a.n).Op("||").Add(b.n), false
}

// discard marks a value as used when only its NULL flag matters (IS NULL, COUNT(x)): Go rejects a local that is
// assigned but never read.
func (f *fn) discard(a val) { f.emit(jen.Id("_").Op("=").Add(a.v)) }

// decl declares a value local and a NULL local for a result of type t and returns their names.
func (f *fn) decl(t compiler.Type) (string, string) {
	v, n := f.tmp("v"), f.tmp("n")
	f.emit(jen.Var().Id(v).Add(goType(t)), jen.Var().Id(n).Bool())
	return v, n
}

// guard evaluates a value-producing statement list only when the inputs are not NULL.
func (f *fn) strict(t compiler.Type, nullCode jen.Code, nonNull bool, compute func(v string) []jen.Code) val {
	v := f.tmp("v")
	if nonNull {
		f.emit(jen.Var().Id(v).Add(goType(t)), jen.Block(compute(v)...))
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	n := f.tmp("n")
	f.emit(jen.Var().Id(v).Add(goType(t)), jen.Id(n).Op(":=").Add(nullCode))
	f.emit(jen.If(jen.Op("!").Id(n)).Block(compute(v)...))
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// expr generates code for e.
func (f *fn) expr(e compiler.Expr) val {
	if v, ok := f.pre[e]; ok {
		return v
	}
	switch x := e.(type) {
	case *compiler.ColRef:
		if v, ok := f.row[x.Field]; ok {
			return v
		}
		if x.Join != nil {
			return joinCol(x) // join.go
		}
		r := jen.Id(f.rec).Dot(x.Field.GoName)
		if !x.Field.Nullable && x.Outer {
			return val{v: r, n: jen.Id(recordFilled)} // a row of the other stream that met no record (interval.go)
		}
		if !x.Field.Nullable {
			return val{v: r, n: jen.False(), nonNull: true}
		}
		return val{v: r, n: jen.Id(f.rec).Dot(nullField(x.Field))}
	case *compiler.Const:
		c := constVal(x)
		if x.T.Kind == compiler.Double && !x.Null {
			// A local, not a Go constant: Go would fold float64(1) / float64(0) at compile time and reject it.
			v := f.tmp("c")
			f.emit(jen.Id(v).Op(":=").Add(c.v))
			c.v = jen.Id(v)
		}
		return c
	case *compiler.KeyRef:
		k := jen.Id(f.key).Dot(keyField(x.Key))
		if t := x.Key.Expr.Type(); t.Kind == compiler.Double {
			k = jen.Qual(rtPath, "FloatFromKey").Call(k)
		} else if t.IsNested() {
			v := f.tmp("k")
			f.emit(jen.Id(v).Op(":=").Add(f.fromNestedKey(t, k))) // nestcmp.go
			k = jen.Id(v)
		}
		if !x.Key.Nullable {
			return val{v: k, n: jen.False(), nonNull: true}
		}
		return val{v: k, n: jen.Id(f.key).Dot(keyField(x.Key) + "Null")}
	case *compiler.WindowBound:
		if x.End && f.end != "" {
			return val{v: jen.Id(f.end), n: jen.False(), nonNull: true}
		}
		if x.End {
			return val{v: jen.Id("start").Op("+").Lit(f.size), n: jen.False(), nonNull: true}
		}
		return val{v: jen.Id("start"), n: jen.False(), nonNull: true}
	case *compiler.AggRef:
		return f.aggResult(x.Agg)
	case *compiler.WinRef:
		return f.win[x.Fn]
	case *compiler.Unary:
		return f.unary(x)
	case *compiler.Binary:
		return f.binary(x)
	case *compiler.IsNull:
		a := f.expr(x.X)
		f.discard(a)
		if a.nonNull {
			return val{v: jen.Lit(x.Not), n: jen.False(), nonNull: true}
		}
		if x.Not {
			return val{v: jen.Op("!").Add(a.n), n: jen.False(), nonNull: true}
		}
		return val{v: a.n, n: jen.False(), nonNull: true}
	case *compiler.In:
		return f.in(x)
	case *compiler.Like:
		a, p := f.expr(x.X), f.expr(x.Pattern)
		nc, nn := nullOr(a, p)
		call := jen.Qual(rtPath, "Like").Call(a.v, p.v)
		if x.Not {
			call = jen.Op("!").Add(call)
		}
		return f.strict(compiler.TBool, nc, nn, func(v string) []jen.Code { return []jen.Code{jen.Id(v).Op("=").Add(call)} })
	case *compiler.Case:
		return f.caseExpr(x)
	case *compiler.FieldOf, *compiler.ElemOf, *compiler.Construct:
		return f.nestedExpr(x) // nested.go
	case *compiler.Cast:
		return f.cast(x)
	case *compiler.NestedCast:
		return f.nestedCast(x) // nestcmp.go
	case *compiler.Func:
		return f.call(x)
	case *compiler.Sub:
		return f.sub(x) // join.go
	case *compiler.Exact:
		return f.exact(x) // join.go
	}
	panic(fmt.Sprintf("codegen: unhandled expression %T", e))
}

func constVal(c *compiler.Const) val {
	if c.Null {
		return val{v: zeroOf(c.T), n: jen.True()}
	}
	var v jen.Code
	switch c.T.Kind {
	case compiler.Bool:
		v = jen.Lit(c.Bool)
	case compiler.Int:
		v = jen.Int32().Call(jen.Lit(int(c.Int)))
	case compiler.BigInt, compiler.Timestamp, compiler.Interval, compiler.Date, compiler.Time:
		v = jen.Lit(c.Int) // jennifer renders an int64 as int64(n)
	case compiler.Double:
		switch {
		case math.IsInf(c.Float, 1):
			v = jen.Qual("math", "Inf").Call(jen.Lit(1))
		case math.IsInf(c.Float, -1):
			v = jen.Qual("math", "Inf").Call(jen.Lit(-1))
		default:
			v = jen.Float64().Call(jen.Lit(c.Float))
		}
	case compiler.Decimal:
		v = int128Lit(c.Dec)
	case compiler.Varchar, compiler.Bytes:
		v = jen.Lit(c.Str)
	default:
		v = zeroOf(c.T)
	}
	return val{v: v, n: jen.False(), nonNull: true}
}

// int128Lit renders an exact integer as an rt.Int128 composite literal.
func int128Lit(d *big.Int) jen.Code {
	if d == nil {
		d = new(big.Int)
	}
	if d.IsInt64() {
		return jen.Qual(rtPath, "I128").Call(jen.Lit(d.Int64()))
	}
	mod := new(big.Int).Lsh(big.NewInt(1), 128)
	u := new(big.Int).Set(d)
	if u.Sign() < 0 {
		u.Add(u, mod)
	}
	lo := new(big.Int).And(u, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
	hi := int64(new(big.Int).Rsh(u, 64).Uint64())
	return jen.Parens(jen.Qual(rtPath, "Int128").Values(jen.Dict{jen.Id("Hi"): jen.Lit(hi), jen.Id("Lo"): jen.Lit(lo)}))
}

func (f *fn) unary(x *compiler.Unary) val {
	a := f.expr(x.X)
	if x.Op == compiler.OpNot {
		if a.nonNull {
			return val{v: jen.Op("!").Parens(a.v), n: jen.False(), nonNull: true}
		}
		return f.strict(compiler.TBool, a.n, false, func(v string) []jen.Code { return []jen.Code{jen.Id(v).Op("=").Op("!").Add(a.v)} })
	}
	return f.strict(x.T, a.n, a.nonNull, func(v string) []jen.Code {
		switch x.T.Kind {
		case compiler.Int, compiler.BigInt:
			neg := "NegInt64"
			if x.T.Kind == compiler.Int {
				neg = "NegInt32"
			}
			return []jen.Code{
				jen.Var().Id("ok").Bool(),
				jen.List(jen.Id(v), jen.Id("ok")).Op("=").Qual(rtPath, neg).Call(a.v),
				jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, "integer overflow")),
			}
		case compiler.Decimal:
			return []jen.Code{jen.Id(v).Op("=").Add(a.v).Dot("Neg").Call()}
		}
		return []jen.Code{jen.Id(v).Op("=").Op("-").Add(a.v)}
	})
}

var cmpOps = map[compiler.Op]string{compiler.OpEq: "==", compiler.OpNe: "!=", compiler.OpLt: "<", compiler.OpLe: "<=", compiler.OpGt: ">", compiler.OpGe: ">="}

// compare is the Go boolean expression a op b for operands of type t.
func (f *fn) compare(op compiler.Op, t compiler.Type, a, b jen.Code) jen.Code {
	switch t.Kind {
	case compiler.Struct, compiler.Array, compiler.Map:
		return jen.Add(f.g.compareFunc(t)).Call(a, b).Op(cmpOps[op]).Lit(0) // nestcmp.go
	case compiler.Decimal:
		return jen.Add(a).Dot("Cmp").Call(b).Op(cmpOps[op]).Lit(0)
	case compiler.Double:
		// DuckDB's total order: NaN equals NaN and sorts above every number.
		return jen.Qual(rtPath, "CmpFloat").Call(a, b).Op(cmpOps[op]).Lit(0)
	case compiler.Bool, compiler.Null:
		switch op {
		case compiler.OpLt:
			return jen.Op("!").Add(a).Op("&&").Add(b)
		case compiler.OpLe:
			return jen.Op("!").Add(a).Op("||").Add(b)
		case compiler.OpGt:
			return jen.Add(a).Op("&&").Op("!").Add(b)
		case compiler.OpGe:
			return jen.Add(a).Op("||").Op("!").Add(b)
		}
	}
	return jen.Add(a).Op(cmpOps[op]).Add(b)
}

func (f *fn) binary(x *compiler.Binary) val {
	switch x.Op {
	case compiler.OpAnd, compiler.OpOr:
		return f.logic(x)
	}
	a := f.expr(x.L)
	b := f.expr(x.R)
	nc, nn := nullOr(a, b)
	ot := x.L.Type() // operand type (both operands share it, except DECIMAL * and /)
	switch x.Op {
	case compiler.OpEq, compiler.OpNe, compiler.OpLt, compiler.OpLe, compiler.OpGt, compiler.OpGe:
		return f.strict(compiler.TBool, nc, nn, func(v string) []jen.Code {
			return []jen.Code{jen.Id(v).Op("=").Add(f.compare(x.Op, ot, a.v, b.v))}
		})
	case compiler.OpConcat:
		return f.strict(compiler.TVarchar, nc, nn, func(v string) []jen.Code {
			return []jen.Code{jen.Id(v).Op("=").Add(a.v).Op("+").Add(b.v)}
		})
	}
	// Arithmetic. Division and modulo by zero give NULL.
	checked := func(v string, call jen.Code, what string) []jen.Code {
		return []jen.Code{
			jen.Var().Id("ok").Bool(),
			jen.List(jen.Id(v), jen.Id("ok")).Op("=").Add(call),
			jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, what)),
		}
	}
	isZero := func(t compiler.Type, b jen.Code) jen.Code {
		if t.Kind == compiler.Decimal {
			return jen.Add(b).Dot("IsZero").Call()
		}
		return jen.Add(b).Op("==").Lit(0)
	}
	if x.Op == compiler.OpDiv || x.Op == compiler.OpMod {
		v, n := f.decl(x.T)
		notNull := []jen.Code{
			jen.If(isZero(x.R.Type(), b.v)).Block(jen.Id(n).Op("=").True()).Else().Block(f.block(func() {
				switch {
				case x.T.Kind == compiler.Double && x.Op == compiler.OpDiv:
					f.emit(jen.Id(v).Op("=").Add(a.v).Op("/").Add(b.v))
				case x.T.Kind == compiler.Double:
					f.emit(jen.Id(v).Op("=").Qual(rtPath, "ModFloat").Call(a.v, b.v))
				case x.T.Kind == compiler.Decimal && x.Op == compiler.OpDiv:
					lt, rt := x.L.Type(), x.R.Type()
					f.emit(checked(v, jen.Qual(rtPath, "DecDiv").Call(a.v, jen.Lit(int(lt.Scale)), b.v, jen.Lit(int(rt.Scale)), jen.Lit(int(x.T.Scale))), "DECIMAL overflow")...)
				case x.T.Kind == compiler.Decimal:
					f.emit(jen.Id(v).Op("=").Qual(rtPath, "DecMod").Call(a.v, b.v))
				case x.T.Kind == compiler.Int:
					f.emit(jen.Id(v).Op("=").Int32().Call(jen.Qual(rtPath, "ModInt64").Call(jen.Int64().Call(a.v), jen.Int64().Call(b.v))))
				default:
					f.emit(jen.Id(v).Op("=").Qual(rtPath, "ModInt64").Call(a.v, b.v))
				}
			})...),
		}
		if nn {
			f.emit(notNull...)
		} else {
			f.emit(jen.Id(n).Op("=").Add(nc), jen.If(jen.Op("!").Id(n)).Block(notNull...))
		}
		return val{v: jen.Id(v), n: jen.Id(n)}
	}
	return f.strict(x.T, nc, nn, func(v string) []jen.Code {
		name := map[compiler.Op]string{compiler.OpAdd: "Add", compiler.OpSub: "Sub", compiler.OpMul: "Mul"}[x.Op]
		switch x.T.Kind {
		case compiler.Int:
			return checked(v, jen.Qual(rtPath, name+"Int32").Call(a.v, b.v), "integer overflow")
		case compiler.BigInt:
			return checked(v, jen.Qual(rtPath, name+"Int64").Call(a.v, b.v), "integer overflow")
		case compiler.Decimal:
			return checked(v, jen.Add(a.v).Dot(name).Call(b.v), "DECIMAL overflow")
		}
		op := map[compiler.Op]string{compiler.OpAdd: "+", compiler.OpSub: "-", compiler.OpMul: "*"}[x.Op]
		return []jen.Code{jen.Id(v).Op("=").Add(a.v).Op(op).Add(b.v)}
	})
}

// logic generates AND/OR with SQL three-valued logic; the right operand is evaluated only when needed.
func (f *fn) logic(x *compiler.Binary) val {
	and := x.Op == compiler.OpAnd
	// decided: a FALSE operand decides AND, a TRUE one decides OR.
	decided := func(o val) jen.Code {
		d := jen.Add(o.v)
		if and {
			d = jen.Op("!").Add(o.v)
		}
		if o.nonNull {
			return d
		}
		return jen.Op("!").Add(o.n).Op("&&").Add(d)
	}
	if ops := chain(x, nil); len(ops) > 2 {
		return f.logicChain(ops, and, decided)
	}
	a := f.expr(x.L)
	v, n := f.decl(compiler.TBool)
	rest := f.block(func() {
		b := f.expr(x.R)
		nc, _ := nullOr(a, b)
		f.emit(jen.If(decided(b)).Block(
			jen.Id(v).Op("=").Lit(!and),
		).Else().Block(
			jen.Id(n).Op("=").Add(nc),
			jen.Id(v).Op("=").Lit(and).Op("&&").Op("!").Id(n),
		))
	})
	f.emit(jen.If(decided(a)).Block(jen.Id(v).Op("=").Lit(!and)).Else().Block(rest...))
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// chain appends the operands of a chain of one logical operator, x's, in order: AND and OR are associative (in
// three-valued logic too), so a AND (b AND c) is evaluated as one list a, b, c.
func chain(x *compiler.Binary, ops []compiler.Expr) []compiler.Expr {
	for _, o := range []compiler.Expr{x.L, x.R} {
		if b, ok := o.(*compiler.Binary); ok && b.Op == x.Op {
			ops = chain(b, ops)
		} else {
			ops = append(ops, o)
		}
	}
	return ops
}

// logicChain evaluates an AND or OR of three or more operands left to right, stopping at the first that decides
// it, in a loop that runs once: nesting each operand in the previous one's else would indent the code of a long
// condition quadratically.
func (f *fn) logicChain(ops []compiler.Expr, and bool, decided func(val) jen.Code) val {
	v, n := f.decl(compiler.TBool)
	f.emit(jen.For(jen.Range().Lit(1)).Block(f.block(func() {
		for _, o := range ops {
			a := f.expr(o)
			f.emit(jen.If(decided(a)).Block(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(jen.Lit(!and), jen.False()), jen.Break()))
			if !a.nonNull {
				f.emit(jen.Id(n).Op("=").Id(n).Op("||").Add(a.n))
			}
		}
		f.emit(jen.Id(v).Op("=").Lit(and).Op("&&").Op("!").Id(n))
	})...))
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// equal is the Go equality of two values of type t.
func (f *fn) equal(t compiler.Type, a, b jen.Code) jen.Code { return f.compare(compiler.OpEq, t, a, b) }

func (f *fn) in(x *compiler.In) val {
	a := f.expr(x.X)
	v, n := f.decl(compiler.TBool)
	t := x.X.Type()
	body := f.block(func() {
		sawNull := f.tmp("sawNull")
		f.emit(jen.Id(sawNull).Op(":=").False())
		for _, item := range x.List {
			b := f.expr(item)
			if b.nonNull {
				f.emit(jen.If(f.equal(t, a.v, b.v)).Block(jen.Id(v).Op("=").True()))
			} else {
				f.emit(jen.If(b.n).Block(jen.Id(sawNull).Op("=").True()).Else().If(f.equal(t, a.v, b.v)).Block(jen.Id(v).Op("=").True()))
			}
		}
		f.emit(jen.Id(n).Op("=").Op("!").Id(v).Op("&&").Id(sawNull))
		if x.Not {
			f.emit(jen.Id(v).Op("=").Op("!").Id(v))
		}
	})
	if a.nonNull {
		f.emit(body...)
	} else {
		f.emit(jen.If(a.n).Block(jen.Id(n).Op("=").True()).Else().Block(body...))
	}
	if !compiler.Nullable(x) {
		// Never NULL (the value and the list are not): a caller that knows it reads no flag, which Go would reject
		// as assigned and not used.
		f.emit(jen.Id("_").Op("=").Id(n))
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}

func (f *fn) caseExpr(x *compiler.Case) val {
	// CASE ... ELSE CASE ... END END is one CASE with the inner arms after the outer ones.
	whens, els := slices.Clone(x.Whens), x.Else
	for {
		inner, ok := els.(*compiler.Case)
		if !ok || inner.T != x.T {
			break
		}
		whens, els = append(whens, inner.Whens...), inner.Else
	}
	// A CASE none of whose arms can be NULL has no NULL flag to set.
	nullable := compiler.Nullable(x)
	x = &compiler.Case{Whens: whens, Else: els, T: x.T}
	var v, n string
	if nullable {
		v, n = f.decl(x.T)
	} else {
		v = f.tmp("v")
		f.emit(jen.Var().Id(v).Add(goType(x.T)))
	}
	assign := func(e compiler.Expr) {
		r := f.expr(e)
		if nullable {
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(r.v, r.n))
		} else {
			f.emit(jen.Id(v).Op("=").Add(r.v))
		}
	}
	result := val{v: jen.Id(v), n: jen.False(), nonNull: true}
	if nullable {
		result = val{v: jen.Id(v), n: jen.Id(n)}
	}
	cond := func(w *compiler.When) jen.Code {
		c := f.expr(w.Cond)
		if c.nonNull {
			return c.v
		}
		return jen.Op("!").Add(c.n).Op("&&").Add(c.v)
	}
	if len(x.Whens) == 1 {
		f.emit(f.block(func() {
			f.emit(jen.If(cond(x.Whens[0])).Block(f.block(func() { assign(x.Whens[0].Then) })...).Else().Block(f.block(func() { assign(x.Else) })...))
		})...)
		return result
	}
	// The arms one after the other in a loop that runs once, each leaving it when its condition holds: nesting
	// each arm in the previous one's else would indent the code of a long CASE quadratically.
	f.emit(jen.For(jen.Range().Lit(1)).Block(f.block(func() {
		for _, w := range x.Whens {
			c := cond(w)
			f.emit(jen.If(c).Block(f.block(func() {
				assign(w.Then)
				f.emit(jen.Break())
			})...))
		}
		assign(x.Else)
	})...))
	return result
}

// cast converts between SQL types; conversions that can fail stop the job with the SQL position.
func (f *fn) cast(x *compiler.Cast) val {
	from, to := x.X.Type(), x.T
	a := f.expr(x.X)
	if from == to || from.Kind == compiler.Decimal && to.Kind == compiler.Decimal && from.Scale == to.Scale && from.Prec <= to.Prec {
		return a // same representation: widening a DECIMAL's precision changes nothing at run time
	}
	if from.Kind == compiler.Null {
		return val{v: zeroOf(to), n: jen.True()}
	}
	checked := func(v string, call jen.Code, what string) []jen.Code {
		return []jen.Code{
			jen.Var().Id("ok").Bool(),
			jen.List(jen.Id(v), jen.Id("ok")).Op("=").Add(call),
			jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, what)),
		}
	}
	parse := func(v string, call jen.Code) []jen.Code {
		return []jen.Code{
			jen.Var().Id("err").Error(),
			jen.List(jen.Id(v), jen.Id("err")).Op("=").Add(call),
			jen.If(jen.Err().Op("!=").Nil()).Block(f.fail(x.Loc, "cannot cast to "+to.String())),
		}
	}
	fits := func(v string) jen.Code {
		return jen.If(jen.Op("!").Qual(rtPath, "DecFits").Call(jen.Id(v), jen.Lit(int(to.Prec)))).Block(f.fail(x.Loc, "value out of range for "+to.String()))
	}
	return f.strict(to, a.n, a.nonNull, func(v string) []jen.Code {
		switch to.Kind {
		case compiler.Varchar:
			switch from.Kind {
			case compiler.Int, compiler.BigInt:
				return []jen.Code{jen.Id(v).Op("=").Qual("strconv", "FormatInt").Call(jen.Int64().Call(a.v), jen.Lit(10))}
			case compiler.Double:
				return []jen.Code{jen.Id(v).Op("=").Qual(rtPath, "FormatDouble").Call(a.v)}
			case compiler.Decimal:
				return []jen.Code{jen.Id(v).Op("=").Qual(rtPath, "FormatDecimal").Call(a.v, jen.Lit(int(from.Scale)))}
			case compiler.Bool:
				return []jen.Code{jen.Id(v).Op("=").Qual("strconv", "FormatBool").Call(a.v)}
			case compiler.Timestamp:
				return []jen.Code{jen.Id(v).Op("=").String().Call(jen.Qual(rtPath, "AppendTimestamp").Call(jen.Nil(), a.v, jen.True()))}
			}
		case compiler.Bool:
			switch from.Kind {
			case compiler.Varchar:
				return parse(v, jen.Qual(rtPath, "ParseBool").Call(jen.Index().Byte().Call(a.v)))
			default:
				return []jen.Code{jen.Id(v).Op("=").Add(a.v).Op("!=").Lit(0)}
			}
		case compiler.Int, compiler.BigInt:
			var wide []jen.Code // computes an int64 into w
			w := f.tmp("w")
			switch from.Kind {
			case compiler.Int, compiler.BigInt, compiler.Timestamp:
				wide = []jen.Code{jen.Id(w).Op(":=").Int64().Call(a.v)}
			case compiler.Bool:
				wide = []jen.Code{jen.Id(w).Op(":=").Int64().Call(jen.Lit(0)), jen.If(a.v).Block(jen.Id(w).Op("=").Lit(1))}
			case compiler.Double:
				wide = []jen.Code{
					jen.Id("rf").Op(":=").Qual("math", "RoundToEven").Call(a.v), // DuckDB rounds DOUBLE to integer half to even
					jen.If(jen.Op("!").Parens(jen.Id("rf").Op(">=").Lit(-9.223372036854775808e18).Op("&&").Id("rf").Op("<").Lit(9.223372036854775808e18))).Block(f.fail(x.Loc, "value out of range for "+to.String())),
					jen.Id(w).Op(":=").Int64().Call(jen.Id("rf")),
				}
			case compiler.Decimal:
				wide = []jen.Code{
					jen.List(jen.Id("rd"), jen.Id("_")).Op(":=").Qual(rtPath, "DecRescale").Call(a.v, jen.Lit(int(from.Scale)), jen.Lit(0)),
					jen.List(jen.Id(w), jen.Id("ok")).Op(":=").Id("rd").Dot("Int64").Call(),
					jen.If(jen.Op("!").Id("ok")).Block(f.fail(x.Loc, "value out of range for "+to.String())),
				}
			case compiler.Varchar:
				wide = append([]jen.Code{jen.Var().Id(w).Int64()}, parse(w, jen.Qual(rtPath, "CastInt64").Call(a.v))...)
			}
			if to.Kind == compiler.BigInt {
				return append(wide, jen.Id(v).Op("=").Id(w))
			}
			return append(wide,
				jen.If(jen.Id(w).Op("<").Qual("math", "MinInt32").Op("||").Id(w).Op(">").Qual("math", "MaxInt32")).Block(f.fail(x.Loc, "value out of range for INT")),
				jen.Id(v).Op("=").Int32().Call(jen.Id(w)))
		case compiler.Double:
			switch from.Kind {
			case compiler.Int, compiler.BigInt:
				return []jen.Code{jen.Id(v).Op("=").Float64().Call(a.v)}
			case compiler.Decimal:
				return []jen.Code{jen.Id(v).Op("=").Qual(rtPath, "DecToFloat").Call(a.v, jen.Lit(int(from.Scale)))}
			case compiler.Varchar:
				return parse(v, jen.Qual(rtPath, "CastFloat64").Call(a.v))
			}
		case compiler.Decimal:
			switch from.Kind {
			case compiler.Int, compiler.BigInt:
				return append(checked(v, jen.Qual(rtPath, "DecRescale").Call(jen.Qual(rtPath, "I128").Call(jen.Int64().Call(a.v)), jen.Lit(0), jen.Lit(int(to.Scale))), "value out of range for "+to.String()), fits(v))
			case compiler.Decimal:
				out := checked(v, jen.Qual(rtPath, "DecRescale").Call(a.v, jen.Lit(int(from.Scale)), jen.Lit(int(to.Scale))), "value out of range for "+to.String())
				if to.Prec-to.Scale < from.Prec-from.Scale {
					out = append(out, fits(v))
				}
				return out
			case compiler.Double:
				return append(checked(v, jen.Qual(rtPath, "DecFromFloat").Call(a.v, jen.Lit(int(to.Scale))), "value out of range for "+to.String()), fits(v))
			case compiler.Varchar:
				return parse(v, jen.Qual(rtPath, "CastDecimal").Call(a.v, jen.Lit(int(to.Prec)), jen.Lit(int(to.Scale))))
			}
		case compiler.Timestamp:
			switch from.Kind {
			case compiler.BigInt:
				return []jen.Code{jen.Id(v).Op("=").Add(a.v)}
			case compiler.Varchar:
				return parse(v, jen.Qual(rtPath, "ParseTimestamp").Call(jen.Index().Byte().Call(a.v), jen.Qual(rtPath, "TimeISO8601")))
			}
		}
		panic(fmt.Sprintf("codegen: no cast from %s to %s", from, to))
	})
}
