// Math functions beyond the basic ones of builtins.go: SIGN, EXP, the logarithms, TRUNC, CBRT and PI, with
// DuckDB's types and domain errors.
package compiler

import "math"

var mathBuiltins = []*builtin{
	// SIGN is -1, 0 or 1 as an INT (DuckDB's TINYINT); NaN and -0.0 give 0.
	{names: []string{"SIGN"}, overloads: []overload{
		sig(TInt, rtCall("sign_int", "SignInt32"), pI32),
		sig(TInt, rtCall("sign_bigint", "SignInt64"), pI64),
		sig(TInt, rtCall("sign_double", "SignFloat"), pF64),
		sig(TInt, rtCall("sign_decimal", "SignDec"), pDec),
	}},
	{names: []string{"EXP"}, overloads: []overload{sig(TDouble, goCall("exp", "math", "Exp"), pNum)}},
	// The logarithms stop the job on zero and negative arguments, with DuckDB's messages.
	{names: []string{"LN"}, overloads: []overload{sig(TDouble, rtOrError("ln", "Ln"), pNum)}},
	{names: []string{"LOG10"}, overloads: []overload{sig(TDouble, rtOrError("log10", "Log10"), pNum)}},
	{names: []string{"LOG2"}, overloads: []overload{sig(TDouble, rtOrError("log2", "Log2"), pNum)}},
	// LOG(x) is the base-10 logarithm, as in DuckDB; LOG(b, x) the base-b one.
	{names: []string{"LOG"}, overloads: []overload{
		sig(TDouble, rtOrError("log", "Log10"), pNum),
		sig(TDouble, rtOrError("log_base", "LogBase"), pNum, pNum),
	}},
	{names: []string{"TRUNC"}, check: checkTrunc},
	{names: []string{"CBRT"}, overloads: []overload{sig(TDouble, goCall("cbrt", "math", "Cbrt"), pNum)}},
	{names: []string{"PI"}, check: func(b *binder) Expr {
		if !b.nargs(0, 0) {
			return nil
		}
		return &Const{T: TDouble, Float: math.Pi}
	}},
}

// checkTrunc is TRUNC(x [, n]) with a constant n: x cut toward zero to n fractional digits (n < 0: to tens,
// hundreds, ...). The types are ROUND's: DOUBLE and integers keep theirs, DECIMAL(p,s) becomes
// DECIMAL(p, min(s, max(n, 0))).
func checkTrunc(b *binder) Expr {
	x, n, ok := digitsArgs(b)
	if !ok {
		return nil
	}
	t := x.Type()
	var impl Impl
	switch t.Kind {
	case Double:
		impl = rtCall("trunc_double", "TruncFloat")
	case Decimal:
		r := Dec(t.Prec, min(t.Scale, int32(max(min(n, MaxPrecision), 0))))
		impl = rtCall("trunc_decimal", "TruncDec")
		impl.After = []ImplConst{{Int: int64(t.Scale)}, {Int: int64(r.Scale)}}
		t = r
	case Int:
		impl = rtCall("trunc_int", "TruncInt32")
	default:
		x = b.c.convert(x, TBigInt)
		t = TBigInt
		impl = rtCall("trunc_bigint", "TruncInt64")
	}
	return &Func{Name: b.canon, Args: []Expr{x, &Const{T: TBigInt, Int: n}}, Impl: &impl, T: t, Loc: b.loc()}
}
