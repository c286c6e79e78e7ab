// Function calls: aggregates (one accumulator per distinct call) and scalar built-ins.
package compiler

import (
	"sort"
	"strings"

	"github.com/velocc/velocc/grammar"
)

var scalarFuncs = []string{"ABS", "CEIL", "CEILING", "COALESCE", "CONCAT", "FLOOR", "GREATEST", "LEAST", "LENGTH",
	"LOWER", "MOD", "NOW", "NULLIF", "POWER", "POW", "REPLACE", "ROUND", "SQRT", "SUBSTRING", "SUBSTR", "TRIM",
	"TUMBLE_END", "TUMBLE_START", "UPPER"}

func isScalarFunc(name string) bool {
	for _, f := range scalarFuncs {
		if f == name {
			return true
		}
	}
	return false
}

func knownFunctions() []string {
	names := append([]string{}, scalarFuncs...)
	for n := range aggByName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (c *checker) call(qc *qctx, v *grammar.Call, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	if v.Over != nil {
		c.errorf(CodeUnsupported, v.Over.Span(), "window functions (OVER) are not supported yet; use GROUP BY with WINDOW TUMBLING(...)")
		return nil
	}
	if v.WithinGroup != nil {
		c.errorf(CodeUnsupported, v.WithinGroup.Span(), "WITHIN GROUP (ORDER BY ...) is not supported yet")
		return nil
	}
	if v.NoParens {
		c.errorf(CodeUnsupported, v.Span(), "%s without parentheses is not supported yet; use NOW()", v.Name.Name)
		return nil
	}
	// POSITION(sub IN s), TRIM([LEADING | TRAILING | BOTH] chars FROM s), LEFT(s, n) and RIGHT(s, n) parse into
	// these calls, which the function library does not have yet.
	switch {
	case name == "POSITION" || name == "LEFT" || name == "RIGHT":
		c.errorf(CodeUnsupported, v.Span(), "%s is not supported yet", name)
		return nil
	case name == "LTRIM" || name == "RTRIM" || name == "TRIM" && len(v.Args) == 2:
		c.errorf(CodeUnsupported, v.Span(), "trimming other characters than spaces, or one side only, is not supported yet; use TRIM(s)")
		return nil
	}
	if fn, ok := aggByName[name]; ok {
		return c.aggregate(qc, v, fn, m)
	}
	if !isScalarFunc(name) {
		c.errorf(CodeUnknownFunction, v.Name.Span(), "unknown function %q%s", v.Name.Name, suggest(name, knownFunctions()))
		return nil
	}
	if v.Star || v.Distinct {
		c.errorf(CodeTypeMismatch, v.Span(), "%s is not an aggregate; * and DISTINCT are allowed only in aggregates", name)
		return nil
	}
	if name == "TUMBLE_START" || name == "TUMBLE_END" {
		return c.tumbleBound(qc, v, name == "TUMBLE_END", m)
	}
	args := make([]Expr, 0, len(v.Args))
	for _, a := range v.Args {
		x := c.expr(qc, a, m)
		if x == nil {
			return nil
		}
		args = append(args, x)
	}
	loc := c.loc(v.Span())
	nargs := func(lo, hi int) bool {
		if len(args) < lo || hi >= 0 && len(args) > hi {
			want := ""
			switch {
			case lo == hi:
				want = plural(lo, "argument")
			case hi < 0:
				want = "at least " + plural(lo, "argument")
			default:
				want = plural(lo, "") + "to " + plural(hi, "arguments")
			}
			c.errorf(CodeArgCount, v.Span(), "%s takes %s, got %d", name, strings.TrimSpace(want), len(args))
			return false
		}
		return true
	}
	numeric := func(i int) bool {
		t := args[i].Type()
		if t.IsNumeric() || t.Kind == Null {
			return true
		}
		c.errorf(CodeTypeMismatch, v.Args[i].Span(), "%s needs a number, but this is %s", name, t)
		return false
	}
	str := func(i int) bool {
		if k := args[i].Type().Kind; k == Varchar || k == Null {
			args[i] = c.convert(args[i], TVarchar)
			return true
		}
		c.errorf(CodeTypeMismatch, v.Args[i].Span(), "%s needs VARCHAR, but this is %s", name, args[i].Type())
		return false
	}
	integer := func(i int) bool {
		if t := args[i].Type(); t.IsInteger() || t.Kind == Null {
			args[i] = c.convert(args[i], TBigInt)
			return true
		}
		c.errorf(CodeTypeMismatch, v.Args[i].Span(), "%s needs an integer, but this is %s", name, args[i].Type())
		return false
	}
	unify := func() (Type, bool) {
		t := TNull
		for i, a := range args {
			u, ok := commonType(t, a.Type())
			if !ok {
				c.errorf(CodeTypeMismatch, v.Args[i].Span(), "%s arguments have different types: %s and %s", name, t, a.Type())
				return TInvalid, false
			}
			t = u
		}
		for i := range args {
			args[i] = c.convert(args[i], t)
		}
		return t, true
	}
	switch name {
	case "COALESCE", "LEAST", "GREATEST":
		if !nargs(1, -1) {
			return nil
		}
		t, ok := unify()
		if !ok {
			return nil
		}
		return &Func{Name: name, Args: args, T: t, Loc: loc}
	case "NULLIF":
		if !nargs(2, 2) {
			return nil
		}
		eq := c.binary("=", args[0], args[1], v.Span(), v.Args[0].Span(), v.Args[1].Span())
		if eq == nil {
			return nil
		}
		t := args[0].Type()
		return &Case{Whens: []*When{{Cond: eq, Then: &Const{T: t, Null: true}}}, Else: args[0], T: t}
	case "ABS":
		if !nargs(1, 1) || !numeric(0) {
			return nil
		}
		return &Func{Name: name, Args: args, T: args[0].Type(), Loc: loc}
	case "ROUND":
		if !nargs(1, 2) || !numeric(0) {
			return nil
		}
		n := int64(0)
		if len(args) == 2 {
			k, ok := args[1].(*Const)
			if !ok || !k.T.IsInteger() {
				c.errorf(CodeTypeMismatch, v.Args[1].Span(), "ROUND's second argument must be an integer constant")
				return nil
			}
			n = k.Int
			args[1] = &Const{T: TBigInt, Int: n}
		} else {
			args = append(args, &Const{T: TBigInt})
		}
		t := args[0].Type()
		if t.Kind == Decimal {
			s := t.Scale
			if n < int64(s) {
				s = int32(max(n, 0))
			}
			t = Dec(t.Prec, s)
		}
		return &Func{Name: name, Args: args, T: t, Loc: loc}
	case "FLOOR", "CEIL", "CEILING":
		if !nargs(1, 1) || !numeric(0) {
			return nil
		}
		if name == "CEILING" {
			name = "CEIL"
		}
		t := args[0].Type()
		if t.Kind == Decimal {
			t = Dec(t.Prec, 0)
		}
		return &Func{Name: name, Args: args, T: t, Loc: loc}
	case "SQRT":
		if !nargs(1, 1) || !numeric(0) {
			return nil
		}
		return &Func{Name: name, Args: []Expr{c.convert(args[0], TDouble)}, T: TDouble, Loc: loc}
	case "POWER", "POW":
		if !nargs(2, 2) || !numeric(0) || !numeric(1) {
			return nil
		}
		return &Func{Name: "POWER", Args: []Expr{c.convert(args[0], TDouble), c.convert(args[1], TDouble)}, T: TDouble, Loc: loc}
	case "MOD":
		if !nargs(2, 2) || !numeric(0) || !numeric(1) {
			return nil
		}
		return c.binary("%", args[0], args[1], v.Span(), v.Args[0].Span(), v.Args[1].Span())
	case "UPPER", "LOWER", "TRIM":
		if !nargs(1, 1) || !str(0) {
			return nil
		}
		return &Func{Name: name, Args: args, T: TVarchar, Loc: loc}
	case "LENGTH":
		if !nargs(1, 1) || !str(0) {
			return nil
		}
		return &Func{Name: name, Args: args, T: TBigInt, Loc: loc}
	case "SUBSTRING", "SUBSTR":
		if !nargs(2, 3) || !str(0) || !integer(1) || len(args) == 3 && !integer(2) {
			return nil
		}
		return &Func{Name: "SUBSTRING", Args: args, T: TVarchar, Loc: loc}
	case "REPLACE":
		if !nargs(3, 3) || !str(0) || !str(1) || !str(2) {
			return nil
		}
		return &Func{Name: name, Args: args, T: TVarchar, Loc: loc}
	case "CONCAT":
		if !nargs(1, -1) {
			return nil
		}
		for i := range args {
			args[i] = c.convert(args[i], TVarchar)
		}
		return &Func{Name: name, Args: args, T: TVarchar, Loc: loc}
	case "NOW":
		if !nargs(0, 0) {
			return nil
		}
		return &Func{Name: name, T: TTimestamp, Loc: loc}
	}
	c.errorf(CodeUnknownFunction, v.Name.Span(), "unknown function %q%s", v.Name.Name, suggest(name, knownFunctions()))
	return nil
}

func plural(n int, word string) string {
	s := []string{"no", "one", "two", "three"}
	w := ""
	if n < len(s) {
		w = s[n]
	}
	if word == "" {
		return w + " "
	}
	if n == 1 {
		word = strings.TrimSuffix(word, "s")
	} else if !strings.HasSuffix(word, "s") {
		word += "s"
	}
	return w + " " + word
}

// tumbleBound checks TUMBLE_START(time_col, size) / TUMBLE_END(...) against the query's window.
func (c *checker) tumbleBound(qc *qctx, v *grammar.Call, end bool, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	if qc.window == nil {
		c.errorf(CodeWindow, v.Span(), "%s needs a WINDOW clause, e.g. WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE)", name)
		return nil
	}
	if len(v.Args) != 2 && len(v.Args) != 0 {
		c.errorf(CodeArgCount, v.Span(), "%s takes (time_column, size)", name)
		return nil
	}
	if len(v.Args) == 2 {
		if c.expr(qc, v.Args[0], modeRow) == nil {
			return nil
		}
		if qc.windowTime != "" && canon(v.Args[0], qc.alias) != qc.windowTime {
			c.errorf(CodeWindow, v.Args[0].Span(), "%s must name the WINDOW's time column %q, not %q", name, qc.windowTimeText, c.loc(v.Args[0].Span()).Text)
			return nil
		}
		size, ok := c.durationArg(v.Args[1])
		if !ok {
			return nil
		}
		if size != qc.window.Size {
			c.errorf(CodeWindow, v.Args[1].Span(), "%s size %dms differs from the WINDOW size %dms", name, size, qc.window.Size)
			return nil
		}
	}
	return c.windowBound(qc, v.Span(), end, m)
}

// aggregate checks an aggregate call and returns a reference to its (shared) accumulator.
func (c *checker) aggregate(qc *qctx, v *grammar.Call, fn AggFunc, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	switch m {
	case modeAggArg:
		c.errorf(CodeNestedAggregate, v.Span(), "aggregate %s cannot be nested inside another aggregate", name)
		return nil
	case modeRow:
		c.errorf(CodeAggregateContext, v.Span(), "aggregate %s is not allowed here; aggregates belong in SELECT and HAVING", name)
		return nil
	}
	if v.Distinct && (fn == AggFirst || fn == AggLast) {
		c.errorf(CodeUnsupported, v.Span(), "%s(DISTINCT ...) is not supported; DISTINCT works with COUNT, SUM, AVG, MIN, MAX and the variance family", name)
		return nil
	}
	agg := &Agg{Func: fn, Distinct: v.Distinct, Loc: c.loc(v.Span())}
	switch {
	case v.Star:
		if fn != AggCount {
			c.errorf(CodeTypeMismatch, v.Span(), "%s(*) is not allowed; only COUNT(*)", name)
			return nil
		}
	case len(v.Args) != 1:
		c.errorf(CodeArgCount, v.Span(), "%s takes one argument, got %d", name, len(v.Args))
		return nil
	default:
		arg := c.expr(qc, v.Args[0], modeAggArg)
		if arg == nil {
			return nil
		}
		if arg.Type().Kind == Null {
			arg = c.convert(arg, TInt)
		}
		agg.Arg = arg
	}
	t := TBigInt
	if agg.Arg != nil {
		at := agg.Arg.Type()
		numericOnly := func() bool {
			if at.IsNumeric() {
				return true
			}
			c.errorf(CodeTypeMismatch, v.Args[0].Span(), "%s needs a numeric argument, but %q is %s", name, c.loc(v.Args[0].Span()).Text, at)
			return false
		}
		switch fn {
		case AggCount:
			t = TBigInt
		case AggSum:
			if !numericOnly() {
				return nil
			}
			switch at.Kind {
			case Int, BigInt:
				t = TBigInt
				agg.Arg = c.convert(agg.Arg, TBigInt)
			case Double:
				t = TDouble
			case Decimal:
				t = Dec(MaxPrecision, at.Scale)
			}
		case AggAvg:
			if !numericOnly() {
				return nil
			}
			switch at.Kind {
			case Int, BigInt:
				t = TDouble
				agg.Arg = c.convert(agg.Arg, TBigInt)
			case Double:
				t = TDouble
			case Decimal:
				t = Dec(MaxPrecision, minI(at.Scale+6, MaxPrecision))
			}
		case AggMin, AggMax, AggFirst, AggLast:
			if at.Kind == Bool && (fn == AggMin || fn == AggMax) {
				c.errorf(CodeTypeMismatch, v.Args[0].Span(), "%s of a BOOLEAN is not supported", name)
				return nil
			}
			t = at
		default: // STDDEV, VARIANCE and friends
			if !numericOnly() {
				return nil
			}
			t = TDouble
			agg.Arg = c.convert(agg.Arg, TDouble)
		}
	}
	agg.Type = t
	key := canon(v, qc.alias)
	if existing, ok := qc.aggCanon[key]; ok {
		return &AggRef{Agg: existing}
	}
	agg.Index = len(qc.q.Aggs)
	qc.q.Aggs = append(qc.q.Aggs, agg)
	qc.aggCanon[key] = agg
	return &AggRef{Agg: agg}
}
