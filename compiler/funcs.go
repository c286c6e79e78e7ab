// Function calls: aggregates (one accumulator per distinct call) and scalar built-ins.
package compiler

import (
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

func (c *checker) call(qc *qctx, v *grammar.Call, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	if v.Over != nil {
		return c.overCall(qc, v, m)
	}
	if e := lookup(name); v.WithinGroup != nil && (e == nil || !e.withinGroup) {
		c.errorf(CodeUnsupported, v.WithinGroup.Span(), "WITHIN GROUP (ORDER BY ...) is only for PERCENTILE_CONT and PERCENTILE_DISC")
		return nil
	}
	if _, bound := windowBoundFuncs[name]; bound {
		return c.windowBoundCall(qc, v, m) // window.go
	}
	if name == "UNNEST" || name == "EXPLODE" {
		return c.explode(qc, v, m) // nested.go
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
		if _, ok := unparen(a).(*grammar.Interval); ok && e.intervals {
			b.args = append(b.args, nil)
			continue
		}
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
	s := []string{"no", "one", "two", "three", "four"}
	w := strconv.Itoa(n)
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
	distinct := v.Distinct
	if e.distinctOf != "" { // COUNT_DISTINCT(x) is COUNT(DISTINCT x)
		e, distinct = lookup(e.distinctOf), true
	}
	agg := &Agg{Name: e.names[0], Distinct: distinct, Loc: c.loc(v.Span())}
	b := &aggBinder{c: c, v: v, name: name, agg: agg}
	lo, hi := e.aggArity()
	switch {
	case v.Star:
		if e.names[0] != "COUNT" || distinct {
			c.errorf(CodeTypeMismatch, v.Span(), "%s(*) is not allowed; only COUNT(*)", name)
			return nil
		}
	case e.withinGroup && v.WithinGroup == nil:
		c.errorf(CodeArgCount, v.Span(), "%s needs WITHIN GROUP (ORDER BY x), e.g. %s(0.9) WITHIN GROUP (ORDER BY x)", name, name)
		return nil
	case len(v.Args) < lo || len(v.Args) > hi:
		want := plural(lo, "argument")
		if hi > lo {
			want = plural(lo, "") + "or " + plural(hi, "arguments")
		}
		c.errorf(CodeArgCount, v.Span(), "%s takes %s, got %d", name, want, len(v.Args))
		return nil
	default:
		for _, a := range v.Args {
			arg := c.expr(qc, a, modeAggArg)
			if arg == nil {
				return nil
			}
			if arg.Type().IsNested() && !nestedAgg(e.names[0], v) {
				c.errorf(CodeTypeMismatch, a.Span(), "%s over %s values is not supported; aggregate their scalar parts (x.field, x[i])", name, arg.Type())
				return nil
			}
			b.args, b.spans = append(b.args, arg), append(b.spans, a.Span())
		}
		x, span := grammar.Expr(nil), grammar.Span{}
		if w := v.WithinGroup; w != nil {
			if len(w.OrderBy) != 1 {
				c.errorf(CodeArgCount, w.Span(), "%s's WITHIN GROUP takes one ORDER BY expression, got %d", name, len(w.OrderBy))
				return nil
			}
			o := w.OrderBy[0]
			if o.NullsFirst != nil {
				c.errorf(CodeUnsupported, o.Span(), "NULLS FIRST and NULLS LAST are not supported in WITHIN GROUP; NULLs are skipped")
				return nil
			}
			x, span, b.desc = o.Expr, o.Expr.Span(), o.Desc
			arg := c.expr(qc, x, modeAggArg)
			if arg == nil {
				return nil
			}
			agg.Arg = arg
		} else {
			agg.Arg, span = b.args[0], b.spans[0]
		}
		if agg.Arg.Type().Kind == Null {
			agg.Arg = c.convert(agg.Arg, TInt)
		}
		b.xSpan = span
	}
	if !e.agg(b) {
		return nil
	}
	if rowArgs := 1 + boolInt(agg.Arg2 != nil); v.WithinGroup != nil || len(b.args) > rowArgs {
		agg.Call = strings.Join(strings.Fields(c.loc(v.Span()).Text), " ")
	}
	key := qc.canon(v)
	if existing, ok := qc.aggCanon[key]; ok {
		return &AggRef{Agg: existing}
	}
	agg.Index = len(qc.q.Aggs)
	qc.q.Aggs = append(qc.q.Aggs, agg)
	qc.aggCanon[key] = agg
	return &AggRef{Agg: agg}
}
