// Subqueries over tables in expressions: x [NOT] IN (SELECT v FROM t ...), [NOT] EXISTS (SELECT ... FROM t ...)
// and the scalar (SELECT v FROM t WHERE <whole key>). Each reads one table, with a WHERE that may name the columns
// of the outer query's record (correlated); it becomes a lookup when WHERE fixes the table's primary key, and a
// scan of the table otherwise.
package compiler

import (
	"strings"

	"github.com/velocc/velocc/grammar"
)

// SubKind is the form of a subquery.
type SubKind uint8

// Subquery forms.
const (
	SubExists SubKind = iota // EXISTS (SELECT ...): some row passes WHERE
	SubIn                    // x IN (SELECT v ...): some row passing WHERE has v = x (NULL as SQL says)
	SubScalar                // (SELECT v ...): v of the one row WHERE fixes by key, NULL without one
	SubAgg                   // (SELECT COUNT(*) | COUNT(v) | MIN(v) | MAX(v) ...): over the rows passing WHERE
)

// Sub is a subquery over a table. Join holds the table, the key a lookup uses (nil: a scan) and the rest of WHERE
// (On); it never extends a record.
type Sub struct {
	Kind  SubKind
	Join  *Join
	X     Expr // IN: the value sought, converted to Eq's type
	Value Expr // IN and scalar: the selected expression over the table's row
	// Eq is, for IN, X = Value in their common type: TRUE for a row that holds the value, NULL when either is NULL.
	Eq Expr
	// Where is the whole WHERE, for a scan (Join.Key and Join.On split it for a lookup); nil when there is none.
	Where Expr
	Not   bool // NOT IN, NOT EXISTS
	T     Type
	// Agg is SubAgg's aggregate, upper case: COUNT (Value nil for COUNT(*)), MIN or MAX.
	Agg string
}

// subAggs are the aggregates a scalar subquery may compute over a table's rows.
var subAggs = map[string]bool{"COUNT": true, "MIN": true, "MAX": true}

// Type implements Expr.
func (e *Sub) Type() Type { return e.T }

// operands returns the expressions under the subquery (some may be nil), for walks over the plan.
func (e *Sub) operands() []Expr {
	return append([]Expr{e.X, e.Value, e.Eq, e.Where, e.Join.On}, e.Join.Key...)
}

// subquery checks a subquery of the outer query qc: EXISTS (sel), x IN (sel) (x non-nil) or the scalar (sel).
func (c *checker) subquery(qc *qctx, kind SubKind, sel *grammar.Select, at grammar.Span, x grammar.Expr, not bool, m mode) Expr {
	what := map[SubKind]string{SubExists: "EXISTS", SubIn: "IN", SubScalar: "a scalar subquery"}[kind]
	switch {
	case sel.From == nil || sel.From.Subquery != nil:
		c.errorf(CodeUnsupported, at, "%s reads one table: (SELECT ... FROM <table> [WHERE ...])", what)
		return nil
	case len(sel.Joins) > 0 || sel.GroupBy != nil || sel.Having != nil || sel.Window != nil || sel.OrderBy != nil || sel.Limit != nil || sel.Distinct || len(sel.With) > 0 || sel.Emit != nil:
		c.errorf(CodeUnsupported, at, "%s over a table takes SELECT, FROM and WHERE only", what)
		return nil
	case qc.inner != nil:
		c.errorf(CodeUnsupported, at, "a subquery inside a subquery is not supported")
		return nil
	case qc.nvis > 0:
		c.errorf(CodeUnsupported, at, "a subquery in ON is not supported; write it in WHERE")
		return nil
	}
	name := sel.From.Name.Name
	t := c.sources[strings.ToLower(name)]
	switch {
	case t == nil:
		c.errorf(CodeUnknownSource, sel.From.Name.Span(), "unknown table %q in %s: declare it with CREATE TABLE %s (... PRIMARY KEY ...) WITH (...)", name, what, name)
		return nil
	case !t.IsTable:
		c.errorf(CodeUnsupported, sel.From.Name.Span(), "%s over the stream %q: a stream never ends, so the set it tests would grow without bound; declare the reference data as a table (CREATE TABLE ... PRIMARY KEY ...) and read that", what, name)
		return nil
	case c.broken[t]:
		return nil
	}
	if len(sel.Items) != 1 || sel.Items[0].Star && kind != SubExists {
		c.errorf(CodeUnsupported, at, "%s selects exactly one column", what)
		return nil
	}
	j := &Join{Index: 101 + len(qc.q.SubTables), Table: t, Alias: t.Name, Missing: "skip", Loc: c.loc(at)}
	r := &rel{src: t, join: j}
	if sel.From.Alias != nil {
		r.alias = sel.From.Alias.Name
		j.Alias = r.alias
	}
	out := &Sub{Kind: kind, Join: j, Not: not, T: TBool}
	var xv Expr
	if kind == SubIn {
		// The value sought is the outer query's, checked before the table comes into scope.
		if xv = c.expr(qc, x, m); xv == nil {
			return nil
		}
	}
	qc.inner = r
	defer func() { qc.inner = nil }()
	if kind != SubExists || !sel.Items[0].Star {
		it := sel.Items[0].Expr
		if call, isCall := unparen(it).(*grammar.Call); isCall && kind == SubScalar && subAggs[strings.ToUpper(call.Name.Name)] && !call.Distinct && call.Over == nil && call.WithinGroup == nil {
			// An aggregate over the rows passing WHERE: one value whatever WHERE fixes.
			out.Kind, out.Agg = SubAgg, strings.ToUpper(call.Name.Name)
			switch {
			case call.Star && out.Agg == "COUNT":
			case len(call.Args) != 1 || call.Star:
				c.errorf(CodeArgCount, call.Span(), "%s in a subquery takes one argument", out.Agg)
				return nil
			default:
				if hasAggregate(call.Args[0]) {
					c.errorf(CodeNestedAggregate, call.Args[0].Span(), "aggregate functions cannot be nested")
					return nil
				}
				if out.Value = c.expr(qc, call.Args[0], m); out.Value == nil {
					return nil
				}
			}
			kind = SubAgg
		} else {
			if hasAggregate(it) {
				c.errorf(CodeUnsupported, it.Span(), "a subquery's aggregate must be the whole SELECT item, one of COUNT, MIN and MAX: (SELECT MAX(v) FROM t WHERE ...)")
				return nil
			}
			v := c.expr(qc, it, m)
			if v == nil {
				return nil
			}
			out.Value = v
		}
	}
	var conds []Expr
	if sel.Where != nil {
		if hasAggregate(sel.Where) {
			c.errorf(CodeAggregateContext, sel.Where.Span(), "aggregate functions are not allowed in a subquery's WHERE")
			return nil
		}
		w := c.expr(qc, sel.Where, m)
		if w == nil {
			return nil
		}
		if w = c.wantBool(w, sel.Where, "WHERE"); w == nil {
			return nil
		}
		conds = conjuncts(w)
	}
	for _, cj := range conds {
		if out.Where == nil {
			out.Where = cj
		} else {
			out.Where = &Binary{Op: OpAnd, L: out.Where, R: cj, T: TBool}
		}
	}
	if kind == SubIn {
		eq := c.binary("=", xv, out.Value, x.Span(), x.Span(), sel.Items[0].Span())
		if eq == nil {
			return nil
		}
		out.Eq, out.X = eq, xv
		conds = append(conds, eq)
	}
	// Split the conditions into the key and the rest, as a join's ON (join.go). For IN, the key part that comes
	// from Eq is only an index: Eq itself is still evaluated, for its NULL.
	parts := map[*Field]Expr{}
	var rest []Expr
	for _, cj := range conds {
		if f, other := keyPart(cj, j); f != nil && parts[f] == nil {
			parts[f] = other
			if cj != out.Eq {
				continue
			}
		}
		if cj != out.Eq {
			rest = append(rest, cj)
		}
	}
	full := true
	for _, f := range t.PrimaryKey {
		if parts[f] == nil {
			full = false
		}
	}
	if full {
		for _, f := range t.PrimaryKey {
			j.Key = append(j.Key, parts[f])
		}
	} else {
		rest = nil
		for _, cj := range conds {
			if cj != out.Eq {
				rest = append(rest, cj)
			}
		}
	}
	for _, r := range rest {
		if j.On == nil {
			j.On = r
		} else {
			j.On = &Binary{Op: OpAnd, L: j.On, R: r, T: TBool}
		}
	}
	if kind == SubAgg {
		out.T = TBigInt
		if out.Agg != "COUNT" {
			out.T = out.Value.Type()
			if out.T.Kind == Null {
				out.T = TVarchar
			}
		}
	}
	if kind == SubScalar {
		if !full {
			var key []string
			for _, f := range t.PrimaryKey {
				if parts[f] == nil {
					key = append(key, f.Name)
				}
			}
			c.errorf(CodeUnsupported, at, "this scalar subquery may find several rows of %q: its WHERE does not fix the primary key column(s) %s; add %s = <value> to WHERE, or select an aggregate such as MAX(...)", t.Name, strings.Join(key, ", "), strings.Join(key, " = <value> AND "))
			return nil
		}
		out.T = out.Value.Type()
		if out.T.Kind == Null {
			out.T = TVarchar
		}
	}
	qc.q.SubTables = append(qc.q.SubTables, j)
	return out
}
