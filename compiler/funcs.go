// Function calls: aggregates (one accumulator per distinct call) and scalar built-ins.
package compiler

import (
	"strings"

	"github.com/velocc/velocc/grammar"
)

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
	if _, bound := windowBoundFuncs[name]; bound {
		return c.windowBoundCall(qc, v, m) // window.go
	}
	e := lookup(name)
	if e == nil {
		c.errorf(CodeUnknownFunction, v.Name.Span(), "unknown function %q%s", v.Name.Name, suggest(name, append(knownFunctions(), windowBoundNames()...)))
		return nil
	}
	if e.agg != nil {
		return c.aggregate(qc, v, e, m)
	}
	if v.Star || v.Distinct {
		c.errorf(CodeTypeMismatch, v.Span(), "%s is not an aggregate; * and DISTINCT are allowed only in aggregates", name)
		return nil
	}
	b := &binder{c: c, qc: qc, v: v, name: name, canon: e.names[0], m: m}
	for _, a := range v.Args {
		x := c.expr(qc, a, m)
		if x == nil {
			return nil
		}
		b.args = append(b.args, x)
	}
	if e.check != nil {
		return e.check(b)
	}
	return b.resolve(e)
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

// aggregate checks an aggregate call and returns a reference to its (shared) accumulator.
func (c *checker) aggregate(qc *qctx, v *grammar.Call, e *builtin, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	switch m {
	case modeAggArg:
		c.errorf(CodeNestedAggregate, v.Span(), "aggregate %s cannot be nested inside another aggregate", name)
		return nil
	case modeRow:
		c.errorf(CodeAggregateContext, v.Span(), "aggregate %s is not allowed here; aggregates belong in SELECT and HAVING", name)
		return nil
	}
	if v.Distinct && e.noDistinct {
		c.errorf(CodeUnsupported, v.Span(), "%s(DISTINCT ...) is not supported; DISTINCT works with COUNT, SUM, AVG, MIN, MAX and the variance family", name)
		return nil
	}
	agg := &Agg{Name: e.names[0], Distinct: v.Distinct, Loc: c.loc(v.Span())}
	switch {
	case v.Star:
		if e.names[0] != "COUNT" {
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
	if !e.agg(&aggBinder{c: c, v: v, name: name, agg: agg}) {
		return nil
	}
	key := canon(v, qc.alias)
	if existing, ok := qc.aggCanon[key]; ok {
		return &AggRef{Agg: existing}
	}
	agg.Index = len(qc.q.Aggs)
	qc.q.Aggs = append(qc.q.Aggs, agg)
	qc.aggCanon[key] = agg
	return &AggRef{Agg: agg}
}
