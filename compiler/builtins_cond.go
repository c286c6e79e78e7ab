// Conditional functions and the NULL-safe comparison: IF / IIF, IFNULL, and a IS [NOT] DISTINCT FROM b.
package compiler

import "github.com/velocc/velocc/grammar"

var condBuiltins = []*builtin{
	// IF(cond, a, b) is CASE WHEN cond THEN a ELSE b END: a NULL condition takes b, as in DuckDB. IIF is
	// the spelling of SQL Server and Velostream.
	{names: []string{"IF", "IIF"}, check: checkIf},
	// IFNULL(a, b) is COALESCE(a, b).
	{names: []string{"IFNULL"}, check: func(b *binder) Expr {
		if !b.nargs(2, 2) {
			return nil
		}
		return unified(b, Impl{ID: "ifnull", Form: FormCoalesce})
	}},
}

func checkIf(b *binder) Expr {
	if !b.nargs(3, 3) {
		return nil
	}
	cond := b.args[0]
	switch cond.Type().Kind {
	case Bool:
	case Null:
		cond = b.c.convert(cond, TBool)
	default:
		b.c.errorf(CodeTypeMismatch, b.argSpan(0), "%s needs a BOOLEAN condition, but this is %s", b.name, cond.Type())
		return nil
	}
	t, ok := commonType(b.args[1].Type(), b.args[2].Type())
	if !ok {
		b.c.errorf(CodeTypeMismatch, b.v.Span(), "%s branches have different types: %s and %s", b.name, b.args[1].Type(), b.args[2].Type())
		return nil
	}
	return &Case{Whens: []*When{{Cond: cond, Then: b.c.convert(b.args[1], t)}}, Else: b.c.convert(b.args[2], t), T: t}
}

// isDistinct checks x IS [NOT] DISTINCT FROM y: the operands are converted to their common type as for =, and
// the result is never NULL.
func (c *checker) isDistinct(qc *qctx, v *grammar.IsDistinct, m mode) Expr {
	x := c.expr(qc, v.X, m)
	y := c.expr(qc, v.Y, m)
	if x == nil || y == nil {
		return nil
	}
	// The comparison's operand rules, a string literal against a TIMESTAMP included.
	var eq *Binary
	switch r := c.binary("=", x, y, v.Span(), v.X.Span(), v.Y.Span()).(type) {
	case nil:
		return nil
	case *Binary:
		eq = r
	default:
		// Both operands are untyped NULLs, and NULL IS NOT DISTINCT FROM NULL.
		return &Const{T: TBool, Bool: v.Not}
	}
	impl := Impl{ID: "is_distinct", Form: FormDistinct}
	name := "IS DISTINCT FROM"
	if v.Not {
		impl = Impl{ID: "is_not_distinct", Form: FormNotDistinct}
		name = "IS NOT DISTINCT FROM"
	}
	return &Func{Name: name, Args: []Expr{eq.L, eq.R}, Impl: &impl, T: TBool, Loc: c.loc(v.Span())}
}
