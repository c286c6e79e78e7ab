// The registry's entries: every scalar function and aggregate velocc knows, one entry each (see registry.go for
// the types). Adding a function means adding its entry here, its rt implementation if it needs one, its line in
// docs/sql.md, and its tests.
package compiler

import "strings"

// ints, numbers and decimals are shorthands for overloads on each numeric kind.
var (
	pI32 = pKind(Int)
	pI64 = pKind(BigInt)
	pF64 = pKind(Double)
	pDec = pKind(Decimal)
)

var builtins = []*builtin{
	// Numbers.
	{names: []string{"ABS"}, overloads: []overload{
		sigf(sameAs(0), rtChecked("abs_int", "AbsInt32", "integer overflow"), pI32),
		sigf(sameAs(0), rtChecked("abs_bigint", "AbsInt64", "integer overflow"), pI64),
		sigf(sameAs(0), goCall("abs_double", "math", "Abs"), pF64),
		sigf(sameAs(0), rtCall("abs_decimal", "DecAbs"), pDec),
	}},
	{names: []string{"ROUND"}, check: checkRound},
	{names: []string{"FLOOR"}, check: func(b *binder) Expr { return floorCeil(b, "Floor") }},
	{names: []string{"CEIL", "CEILING"}, check: func(b *binder) Expr { return floorCeil(b, "Ceil") }},
	{names: []string{"SQRT"}, overloads: []overload{sig(TDouble, goCall("sqrt", "math", "Sqrt"), pNum)}},
	{names: []string{"POWER", "POW"}, overloads: []overload{sig(TDouble, goCall("power", "math", "Pow"), pNum, pNum)}},
	{names: []string{"MOD"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) {
			return nil
		}
		for i, a := range b.args {
			if t := a.Type(); !t.IsNumeric() && t.Kind != Null {
				b.c.errorf(CodeTypeMismatch, b.argSpan(i), "MOD needs a number, but this is %s", t)
				return nil
			}
		}
		return b.c.binary("%", b.args[0], b.args[1], b.v.Span(), b.argSpan(0), b.argSpan(1))
	}},

	// Strings.
	{names: []string{"UPPER"}, overloads: []overload{sig(TVarchar, rtCall("upper", "Upper"), pStr)}},
	{names: []string{"LOWER"}, overloads: []overload{sig(TVarchar, rtCall("lower", "Lower"), pStr)}},
	{names: []string{"TRIM"}, overloads: []overload{
		sig(TVarchar, rtCall("trim", "Trim"), pStr),
		sig(TVarchar, rtCall("trim_chars", "TrimChars"), pStr, pStr), // builtins_str.go has LTRIM and RTRIM
	}},
	{names: []string{"LENGTH"}, overloads: []overload{sig(TBigInt, rtCall("length", "Length"), pStr)}},
	{names: []string{"STRLEN"}, overloads: []overload{sig(TBigInt, rtCall("strlen", "ByteLength"), pStr)}},
	{names: []string{"REPLACE"}, overloads: []overload{sig(TVarchar, rtCall("replace", "Replace"), pStr, pStr, pStr)}},
	{names: []string{"SUBSTRING", "SUBSTR"}, overloads: []overload{
		sig(TVarchar, rtCall("substring_from", "SubstringFrom"), pStr, pInt),
		sig(TVarchar, rtCall("substring_for", "SubstringFor"), pStr, pInt, pInt),
	}},
	{names: []string{"CONCAT"}, check: func(b *binder) Expr {
		if !b.nargs(1, -1) {
			return nil
		}
		for i := range b.args {
			b.args[i] = b.c.convert(b.args[i], TVarchar)
		}
		return &Func{Name: b.canon, Args: b.args, Impl: &Impl{ID: "concat", Form: FormConcat}, T: TVarchar, Loc: b.loc()}
	}},

	// NULL handling and comparisons.
	{names: []string{"COALESCE"}, check: func(b *binder) Expr { return unified(b, Impl{ID: "coalesce", Form: FormCoalesce}) }},
	{names: []string{"LEAST"}, check: func(b *binder) Expr { return unified(b, Impl{ID: "least", Form: FormLeast}) }},
	{names: []string{"GREATEST"}, check: func(b *binder) Expr { return unified(b, Impl{ID: "greatest", Form: FormGreatest}) }},
	{names: []string{"NULLIF"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) {
			return nil
		}
		eq := b.c.binary("=", b.args[0], b.args[1], b.v.Span(), b.argSpan(0), b.argSpan(1))
		if eq == nil {
			return nil
		}
		t := b.args[0].Type()
		return &Case{Whens: []*When{{Cond: eq, Then: &Const{T: t, Null: true}}}, Else: b.args[0], T: t}
	}},

	// Time.
	{names: []string{"NOW"}, overloads: []overload{sig(TTimestamp, rtCall("now", "NowMillis"))}},

	// Aggregates.
	{names: []string{"COUNT"}, agg: func(b *aggBinder) bool {
		if b.agg.Arg != nil && b.argType().Kind == Null {
			b.agg.Arg = b.c.convert(b.agg.Arg, TInt)
		}
		return b.set(TBigInt, AggImpl{ID: "count", State: "Count", Add: AddRow, Retract: true, Result: "Result"}, TInvalid)
	}},
	{names: []string{"SUM"}, agg: func(b *aggBinder) bool {
		if !b.numeric() {
			return false
		}
		switch t := b.argType(); t.Kind {
		case Double:
			return b.set(TDouble, orNull("sum_double", "SumFloat"), TInvalid)
		case Decimal:
			i := orNull("sum_decimal", "SumDec")
			i.AddFail = "DECIMAL overflow"
			i.Retract = true
			return b.set(Dec(MaxPrecision, t.Scale), i, TInvalid)
		default:
			i := orNull("sum_bigint", "SumInt64")
			i.AddFail = "integer overflow"
			i.Retract = true
			return b.set(TBigInt, i, TBigInt)
		}
	}},
	{names: []string{"AVG"}, agg: func(b *aggBinder) bool {
		if !b.numeric() {
			return false
		}
		switch t := b.argType(); t.Kind {
		case Double:
			return b.set(TDouble, orNull("avg_double", "AvgFloat"), TInvalid)
		case Decimal:
			to := minI(t.Scale+6, MaxPrecision)
			i := orNull("avg_decimal", "AvgDec")
			i.AddFail = "DECIMAL overflow"
			i.Retract = true
			i.ResultArgs = []ImplConst{{Int: int64(t.Scale)}, {Int: int64(to)}}
			i.ResultForm, i.ResultFail = ResultOrNullFit, "DECIMAL overflow"
			return b.set(Dec(MaxPrecision, to), i, TInvalid)
		default:
			i := orNull("avg_bigint", "AvgInt")
			i.AddFail = "integer overflow"
			i.Retract = true
			return b.set(TDouble, i, TBigInt)
		}
	}},
	{names: []string{"MIN"}, agg: func(b *aggBinder) bool { return extremeAgg(b, "Min") }},
	{names: []string{"MAX"}, agg: func(b *aggBinder) bool { return extremeAgg(b, "Max") }},
	{names: []string{"STDDEV", "STDDEV_SAMP"}, agg: func(b *aggBinder) bool { return welford(b, "StddevSamp") }},
	{names: []string{"STDDEV_POP"}, agg: func(b *aggBinder) bool { return welford(b, "StddevPop") }},
	{names: []string{"VARIANCE", "VAR_SAMP"}, agg: func(b *aggBinder) bool { return welford(b, "VarSamp") }},
	{names: []string{"VAR_POP"}, agg: func(b *aggBinder) bool { return welford(b, "VarPop") }},
	{names: []string{"FIRST_VALUE"}, noDistinct: true, agg: func(b *aggBinder) bool { return firstLast(b, "First") }},
	{names: []string{"LAST_VALUE"}, noDistinct: true, agg: func(b *aggBinder) bool { return firstLast(b, "Last") }},
}

// orNull is an accumulator of rt type state whose Result is NULL over no values.
func orNull(id, state string) AggImpl {
	return AggImpl{ID: id, State: state, Result: "Result", ResultForm: ResultOrNull}
}

// unified is a NULL-aware function of one or more arguments converted to their common type, which it returns.
func unified(b *binder, impl Impl) Expr {
	if !b.nargs(1, -1) {
		return nil
	}
	t, ok := b.unify()
	if !ok {
		return nil
	}
	return &Func{Name: b.canon, Args: b.args, Impl: &impl, T: t, Loc: b.loc()}
}

// digitsArgs checks the arguments of ROUND and TRUNC: a number x and an optional integer constant n (default 0).
func digitsArgs(b *binder) (x Expr, n int64, ok bool) {
	if !b.nargs(1, 2) || !numericArg(b, 0) {
		return nil, 0, false
	}
	if len(b.args) == 2 {
		if n, ok = b.constInt(1, "second"); !ok {
			return nil, 0, false
		}
	}
	return b.args[0], n, true
}

// checkRound is ROUND(x [, n]) with a constant n: DOUBLE and integers keep their type, a DECIMAL keeps its
// precision and takes min(s, max(n, 0)) as its scale.
func checkRound(b *binder) Expr {
	x, n, ok := digitsArgs(b)
	if !ok {
		return nil
	}
	args := []Expr{x, &Const{T: TBigInt, Int: n}}
	t := x.Type()
	var impl Impl
	switch t.Kind {
	case Double:
		impl = rtCall("round_double", "RoundDouble")
	case Decimal:
		s := t.Scale
		if n < int64(s) {
			s = int32(max(n, 0))
		}
		r := Dec(t.Prec, s)
		impl = rtChecked("round_decimal", "RoundDec", "value out of range for "+r.String())
		impl.After = []ImplConst{{Int: int64(t.Scale)}, {Int: int64(r.Scale)}, {Int: int64(r.Prec)}}
		t = r
	case Int:
		impl = rtChecked("round_int", "RoundInt32", "integer overflow")
	default:
		x = b.c.convert(x, TBigInt)
		args[0], t = x, TBigInt
		impl = rtChecked("round_bigint", "RoundInt64", "integer overflow")
	}
	return &Func{Name: b.canon, Args: args, Impl: &impl, T: t, Loc: b.loc()}
}

// floorCeil is FLOOR or CEIL: integers are unchanged, a DECIMAL(p,s) becomes DECIMAL(p,0).
func floorCeil(b *binder, which string) Expr {
	if !b.nargs(1, 1) || !numericArg(b, 0) {
		return nil
	}
	t := b.args[0].Type()
	var impl Impl
	switch t.Kind {
	case Double:
		impl = goCall(strings.ToLower(which)+"_double", "math", which)
	case Decimal:
		impl = rtCall(strings.ToLower(which)+"_decimal", "Dec"+which)
		impl.After = []ImplConst{{Int: int64(t.Scale)}}
		t = Dec(t.Prec, 0)
	case Null:
		b.args[0] = b.c.convert(b.args[0], TInt)
		t = TInt
		impl = Impl{ID: strings.ToLower(which) + "_int", Form: FormIdentity}
	default:
		impl = Impl{ID: strings.ToLower(which) + "_int", Form: FormIdentity}
	}
	return &Func{Name: b.canon, Args: b.args, Impl: &impl, T: t, Loc: b.loc()}
}

// numericArg reports whether argument i is a number (or NULL), and says so if not.
func numericArg(b *binder, i int) bool {
	if t := b.args[i].Type(); t.IsNumeric() || t.Kind == Null {
		return true
	}
	b.c.errorf(CodeTypeMismatch, b.argSpan(i), "%s needs a number, but this is %s", b.name, b.args[i].Type())
	return false
}

// extremeAgg is MIN or MAX of any type but BOOLEAN.
func extremeAgg(b *aggBinder, which string) bool {
	t := b.argType()
	id := strings.ToLower(which)
	if t.IsNested() {
		i := orNull(id+"_nested", which+"Str") // over the values' key forms, which order as they do (nestcmp.go)
		i.KeyForm = true
		return b.set(t, i, TInvalid)
	}
	switch t.Kind {
	case Bool:
		b.c.errorf(CodeTypeMismatch, b.v.Args[0].Span(), "%s of a BOOLEAN is not supported", b.name)
		return false
	case Double:
		return b.set(t, sliding(orNull(id+"_double", which+"Float")), TInvalid)
	case Decimal:
		return b.set(t, sliding(orNull(id+"_decimal", which+"Dec")), TInvalid)
	case Varchar:
		return b.set(t, orNull(id+"_varchar", which+"Str"), TInvalid) // its Add copies a new extreme: not slid
	case Bytes:
		return b.set(t, orNull(id+"_blob", which+"Str"), TInvalid) // byte order, as DuckDB compares BLOBs; not slid
	default:
		if t.Kind == Null {
			t = TInt
		}
		i := sliding(orNull(id+"_int", which+"Int"))
		i.TypeArg = typed(t)
		return b.set(t, i, t)
	}
}

// sliding marks an aggregate whose state a ROWS frame keeps in an rt.Sliding as it is (see AggImpl.Slide).
func sliding(i AggImpl) AggImpl { i.Slide = i.State; return i }

// welford is a member of the variance family: a DOUBLE over the rt.Welford accumulator read by method; over a
// ROWS frame, over rt.Moments (shifted by its first value, so that merging states keeps the digits of prices).
func welford(b *aggBinder, method string) bool {
	if !b.numeric() {
		return false
	}
	return b.set(TDouble, AggImpl{ID: strings.ToLower(b.agg.Name), State: "Welford", Slide: "Moments", Result: method, ResultForm: ResultOrNull}, TDouble)
}

// firstLast is FIRST_VALUE or LAST_VALUE in arrival order, NULLs kept.
func firstLast(b *aggBinder, which string) bool {
	t := b.argType()
	if t.Kind == Null {
		t = TInt
	}
	i := AggImpl{ID: strings.ToLower(which) + "_value", State: which, TypeArg: typed(t), Add: AddWithNull, Own: t.Kind == Varchar,
		Result: "Result", ResultForm: ResultOrNull}
	if which == "First" && t.Kind == Varchar {
		i.State, i.TypeArg, i.Own = "FirstStr", nil, false // copies only the first value
	}
	return b.set(t, i, t)
}
