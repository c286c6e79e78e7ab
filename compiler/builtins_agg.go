// The further aggregates: quantiles (MEDIAN, QUANTILE_*, PERCENTILE_* WITHIN GROUP), APPROX_COUNT_DISTINCT,
// STRING_AGG, the two-argument statistics (CORR, COVAR_*, REGR_*), ARG_MIN/ARG_MAX, BOOL_AND/BOOL_OR,
// COUNT_DISTINCT and ksqlDB's EARLIEST_BY_OFFSET/LATEST_BY_OFFSET. Their rt states are in rt/aggs2.go,
// rt/quantile.go and rt/hll.go.
package compiler

import (
	"math/big"
	"strings"
)

var aggBuiltins = []*builtin{
	// Quantiles.
	{names: []string{"MEDIAN"}, agg: func(b *aggBinder) bool {
		return quantile(b, true, fraction{num: 1, den: 2, f: 0.5})
	}},
	{names: []string{"QUANTILE_CONT"}, aggArgs: [2]int{2, 2}, agg: func(b *aggBinder) bool { return quantileArg(b, true, -1) }},
	{names: []string{"QUANTILE_DISC", "QUANTILE"}, aggArgs: [2]int{2, 2}, agg: func(b *aggBinder) bool { return quantileArg(b, false, -1) }},
	{names: []string{"PERCENTILE_CONT"}, withinGroup: true, noDistinct: true, agg: func(b *aggBinder) bool { return quantileArg(b, true, 0) }},
	{names: []string{"PERCENTILE_DISC"}, withinGroup: true, noDistinct: true, agg: func(b *aggBinder) bool { return quantileArg(b, false, 0) }},

	// Distinct values.
	{names: []string{"APPROX_COUNT_DISTINCT"}, agg: approxCountDistinct},
	{names: []string{"COUNT_DISTINCT"}, distinctOf: "COUNT", agg: boundElsewhere},

	// Strings.
	{names: []string{"STRING_AGG", "LISTAGG", "GROUP_CONCAT"}, aggArgs: [2]int{1, 2}, agg: stringAgg},

	// Two-argument statistics f(y, x) over the rows where both are non-NULL.
	{names: []string{"CORR"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "Corr") }},
	{names: []string{"COVAR_POP"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "CovarPop") }},
	{names: []string{"COVAR_SAMP"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "CovarSamp") }},
	{names: []string{"REGR_SLOPE"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrSlope") }},
	{names: []string{"REGR_INTERCEPT"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrIntercept") }},
	{names: []string{"REGR_R2"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrR2") }},
	{names: []string{"REGR_COUNT"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrCount") }},
	{names: []string{"REGR_AVGX"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrAvgX") }},
	{names: []string{"REGR_AVGY"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrAvgY") }},
	{names: []string{"REGR_SXX"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrSXX") }},
	{names: []string{"REGR_SYY"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrSYY") }},
	{names: []string{"REGR_SXY"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return comoment(b, "RegrSXY") }},

	// The arg of the row with the smallest or largest value.
	{names: []string{"ARG_MIN", "ARGMIN", "MIN_BY"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return argBest(b, "Min") }},
	{names: []string{"ARG_MAX", "ARGMAX", "MAX_BY"}, aggArgs: [2]int{2, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return argBest(b, "Max") }},

	// Booleans.
	{names: []string{"BOOL_AND"}, agg: func(b *aggBinder) bool { return boolAgg(b, "BoolAnd") }},
	{names: []string{"BOOL_OR"}, agg: func(b *aggBinder) bool { return boolAgg(b, "BoolOr") }},

	// ksqlDB's first and last values in arrival (offset) order.
	{names: []string{"LIST", "ARRAY_AGG", "COLLECT_LIST"}, noDistinct: true, agg: func(b *aggBinder) bool { return collect(b, "List") }},
	{names: []string{"COLLECT_SET"}, noDistinct: true, agg: func(b *aggBinder) bool { return collect(b, "Set") }},
	{names: []string{"EARLIEST_BY_OFFSET"}, aggArgs: [2]int{1, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return byOffset(b, "Earliest") }},
	{names: []string{"LATEST_BY_OFFSET"}, aggArgs: [2]int{1, 2}, noDistinct: true, agg: func(b *aggBinder) bool { return byOffset(b, "Latest") }},
}

// boundElsewhere is the aggregate of an entry the checker binds as another (see builtin.distinctOf); it is
// never called.
func boundElsewhere(*aggBinder) bool { panic("compiler: an alias aggregate was bound as itself") }

// fraction is a quantile's constant fraction: num/den exactly when it is written as a DECIMAL or integer
// constant (den 0 for a DOUBLE one), and f as a DOUBLE.
type fraction struct {
	num, den int64
	f        float64
}

// fractionArg reads argument i, a constant fraction in [lo, 1] (lo is -1 or 0); a negative fraction means its
// absolute value over the values in descending order, as in DuckDB.
func (b *aggBinder) fractionArg(i int, lo float64) (fr fraction, neg, ok bool) {
	k, isConst := b.args[i].(*Const)
	bad := func(why string) (fraction, bool, bool) {
		b.c.errorf(CodeTypeMismatch, b.spans[i], "%s's fraction %s", b.name, why)
		return fraction{}, false, false
	}
	if !isConst {
		return bad("must be a constant")
	}
	var r *big.Rat
	switch k.T.Kind {
	case Null:
		return bad("must not be NULL")
	case Int, BigInt:
		r = new(big.Rat).SetInt64(k.Int)
	case Decimal:
		r = new(big.Rat).SetFrac(k.Dec, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k.T.Scale)), nil))
	case Double:
		r = new(big.Rat)
		if r.SetFloat64(k.Float) == nil {
			return bad("must be a number")
		}
	default:
		return bad("must be a number, but this is " + k.T.String())
	}
	if r.Cmp(new(big.Rat).SetFloat64(lo)) < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
		if lo < 0 {
			return bad("must lie between -1 and 1")
		}
		return bad("must lie between 0 and 1")
	}
	neg = r.Sign() < 0
	r.Abs(r)
	fr.f, _ = r.Float64()
	if k.T.Kind != Double && r.Num().IsInt64() && r.Denom().IsInt64() {
		fr.num, fr.den = r.Num().Int64(), r.Denom().Int64()
	}
	return fr, neg, true
}

// quantileArg is QUANTILE_CONT/DISC(x, f) or PERCENTILE_CONT/DISC(f) WITHIN GROUP (ORDER BY x): the fraction is
// the last argument.
func quantileArg(b *aggBinder, cont bool, lo float64) bool {
	fr, neg, ok := b.fractionArg(len(b.args)-1, lo)
	if !ok {
		return false
	}
	if neg {
		b.desc = !b.desc
	}
	return quantile(b, cont, fr)
}

// quantile binds an exact quantile of the argument: continuous (interpolated) for numbers and TIMESTAMPs when
// cont, else discrete. MEDIAN of other types is discrete, as in DuckDB.
func quantile(b *aggBinder, cont bool, fr fraction) bool {
	t := b.argType()
	contOK := t.IsNumeric() || t.Kind == Timestamp
	if cont && !contOK && b.agg.Name != "MEDIAN" {
		b.c.errorf(CodeTypeMismatch, b.xSpan, "%s needs a number or a TIMESTAMP, but %q is %s; %s takes any type",
			b.name, b.c.loc(b.xSpan).Text, t, strings.Replace(b.agg.Name, "CONT", "DISC", 1))
		return false
	}
	id := strings.ToLower(b.agg.Name)
	desc := ImplConst{Lit: b.desc}
	f := ImplConst{Lit: fr.f}
	if !cont || !contOK {
		i := AggImpl{ID: id + "_disc", State: "Quantile", TypeArg: typed(t), Own: t.Kind == Varchar, Result: "Disc",
			ResultArgs: []ImplConst{{Int: fr.num}, {Int: fr.den}, f, desc}, ResultForm: ResultOrNull}
		return b.set(t, i, t)
	}
	i := AggImpl{ID: id + "_cont", Result: "Cont", ResultArgs: []ImplConst{f, desc}, ResultForm: ResultOrNull}
	switch t.Kind {
	case Decimal:
		i.State = "QuantileDec"
		// DuckDB interpolates a DECIMAL it keeps in 64 bits (precision up to 18) and a wider one differently.
		i.ResultArgs = append(i.ResultArgs, ImplConst{Lit: t.Prec > 18})
		return b.set(t, i, TInvalid)
	case Timestamp:
		i.State = "QuantileTime"
		return b.set(t, i, TInvalid)
	}
	i.State = "QuantileFloat"
	return b.set(TDouble, i, TDouble)
}

// approxCountDistinct is APPROX_COUNT_DISTINCT over a HyperLogLog sketch of the values' hashes.
func approxCountDistinct(b *aggBinder) bool {
	t := b.argType()
	i := AggImpl{ID: "approx_count_distinct", Result: "Result"}
	conv := TInvalid
	switch t.Kind {
	case Int:
		i.State, conv = "ApproxDistinctInt", TBigInt
	case BigInt, Timestamp:
		i.State = "ApproxDistinctInt"
	case Double:
		i.State = "ApproxDistinctFloat"
	case Decimal:
		i.State = "ApproxDistinctDec"
	case Varchar:
		i.State = "ApproxDistinctStr"
	case Bool:
		i.State = "ApproxDistinctBool"
	default:
		b.c.errorf(CodeTypeMismatch, b.xSpan, "%s does not take %s", b.name, t)
		return false
	}
	return b.set(TBigInt, i, conv)
}

// stringAgg is STRING_AGG(x [, sep]): x as VARCHAR, joined in arrival order by the constant sep (',' when it
// is left out).
func stringAgg(b *aggBinder) bool {
	sep := ","
	if len(b.args) == 2 {
		k, ok := b.args[1].(*Const)
		if !ok || k.T.Kind != Varchar {
			b.c.errorf(CodeTypeMismatch, b.spans[1], "%s's separator must be a string constant", b.name)
			return false
		}
		sep = k.Str
	}
	i := AggImpl{ID: "string_agg", State: "StringAgg", AddArgs: []ImplConst{{Lit: sep}}, Result: "Result",
		ResultArgs: []ImplConst{{Lit: sep}}, ResultForm: ResultOrNull}
	return b.set(TVarchar, i, TVarchar)
}

// numericArgs reports whether every argument is a number (or NULL), and says so if not.
func (b *aggBinder) numericArgs() bool {
	for i, a := range b.args {
		if t := a.Type(); !t.IsNumeric() && t.Kind != Null {
			b.c.errorf(CodeTypeMismatch, b.spans[i], "%s needs numeric arguments, but %q is %s", b.name, b.c.loc(b.spans[i]).Text, t)
			return false
		}
	}
	return true
}

// comoment is a statistic of pairs (y, x), both as DOUBLE, read from rt.Comoment by method.
func comoment(b *aggBinder, method string) bool {
	if !b.numericArgs() {
		return false
	}
	b.agg.Arg2 = b.c.convert(b.args[1], TDouble)
	i := AggImpl{ID: strings.ToLower(b.agg.Name), State: "Comoment", Add: AddPair, Result: method, ResultForm: ResultOrNull}
	t := TDouble
	if method == "RegrCount" {
		i.ResultForm, t = ResultPlain, TBigInt
	}
	return b.set(t, i, TDouble)
}

// argBest is ARG_MIN or ARG_MAX(arg, val): arg of any type, val of any type but BOOLEAN.
func argBest(b *aggBinder, which string) bool {
	a, v := b.argType(), b.args[1]
	vt := v.Type()
	switch vt.Kind {
	case Null:
		vt = TInt
	case Bool:
		b.c.errorf(CodeTypeMismatch, b.spans[1], "%s by a BOOLEAN is not supported", b.name)
		return false
	}
	b.agg.Arg2 = b.c.convert(v, vt)
	i := AggImpl{ID: "arg_" + strings.ToLower(which), TypeArg: typed(a), Add: AddPair, Result: "Result", ResultForm: ResultOrNull}
	switch vt.Kind {
	case Double:
		i.State = "Arg" + which + "Float"
	case Decimal:
		i.State = "Arg" + which + "Dec"
	default:
		i.State, i.TypeArg2 = "Arg"+which, typed(vt)
	}
	return b.set(a, i, a)
}

// boolAgg is BOOL_AND or BOOL_OR of BOOLEANs.
func boolAgg(b *aggBinder, state string) bool {
	if t := b.argType(); t.Kind != Bool {
		b.c.errorf(CodeTypeMismatch, b.xSpan, "%s needs a BOOLEAN argument, but %q is %s", b.name, b.c.loc(b.xSpan).Text, t)
		return false
	}
	return b.set(TBool, orNull(strings.ToLower(b.agg.Name), state), TInvalid)
}

// byOffset is EARLIEST_BY_OFFSET or LATEST_BY_OFFSET(x [, ignore_nulls]): the first or last non-NULL value in
// arrival order, or with ignore_nulls false the first or last value, NULL included (FIRST_VALUE, LAST_VALUE).
func byOffset(b *aggBinder, which string) bool {
	if len(b.args) == 2 {
		k, ok := b.args[1].(*Const)
		if !ok || k.T.Kind != Bool {
			b.c.errorf(CodeTypeMismatch, b.spans[1], "%s's second argument (ignore NULLs) must be TRUE or FALSE", b.name)
			return false
		}
		if !k.Bool {
			return firstLast(b, map[string]string{"Earliest": "First", "Latest": "Last"}[which])
		}
	}
	t := b.argType()
	i := AggImpl{ID: strings.ToLower(b.agg.Name), State: which, TypeArg: typed(t), Own: which == "Latest" && t.Kind == Varchar,
		Result: "Result", ResultForm: ResultOrNull}
	return b.set(t, i, t)
}

// collect binds LIST / ARRAY_AGG / COLLECT_LIST (every row's value in arrival order, NULLs included, as DuckDB's
// list) and COLLECT_SET (the distinct non-NULL values, in the order they first came): an ARRAY of the argument's type.
func collect(b *aggBinder, which string) bool {
	t := b.argType()
	if t.Kind == Null {
		t = TInt
	}
	if t.IsNested() {
		// The state keeps each value's key form, copied (nestcmp.go): it owns what it keeps, writes it to spill
		// and merges as strings do, and COLLECT_SET's distinct values are those with distinct key forms.
		i := AggImpl{ID: strings.ToLower(which) + "_nested", State: which, TypeArg: typed(TVarchar), Add: AddWithNull,
			KeyForm: true, Result: "Result", ResultForm: ResultOrNull}
		return b.set(ArrayOf(t), i, TInvalid)
	}
	i := AggImpl{ID: strings.ToLower(which) + "_agg", State: which, TypeArg: typed(t), Add: AddWithNull, Own: t.Kind == Varchar,
		Result: "Result", ResultForm: ResultOrNull}
	return b.set(ArrayOf(t), i, t)
}
