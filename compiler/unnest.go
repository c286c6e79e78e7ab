// Queries that read a query: a subquery in FROM or JOIN, CROSS JOIN UNNEST(x), and window functions over the rows
// of an aggregating query (evaluated after GROUP BY and HAVING, as standard SQL says). Each becomes a stream of its
// own that the query reads, as if the script had declared it with CREATE STREAM name AS SELECT (graph.go): the inner query writes its
// rows to the outer one by a direct call.
package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// unnest rewrites sel, a query of the statement sc checks and whose output is named outName, when it reads a
// query: FROM or JOIN (SELECT ...) [AS] alias, CROSS JOIN UNNEST(x), or an aggregating query whose SELECT calls
// window functions. The inner
// query is checked as a statement of its own that declares a stream; the returned query reads that stream. It
// returns sel unchanged when there is nothing to rewrite, and nil after reporting an error.
func (c *checker) unnest(sel *grammar.Select, outName string, sc *stmtCtx) *grammar.Select {
	if sel.From == nil {
		return sel
	}
	for len(sel.Joins) > 0 && sel.Joins[0].Right != nil && sel.Joins[0].Right.Unnest != nil {
		if sel = c.crossUnnest(sel, outName, sc); sel == nil {
			return nil
		}
	}
	for _, j := range sel.Joins {
		if j.Right != nil && j.Right.Unnest != nil {
			c.errorf(CodeUnsupported, j.Right.Span(), "CROSS JOIN UNNEST(...) must come right after FROM (and after other UNNESTs), before joins of tables")
			return nil
		}
	}
	if sel.From.Subquery != nil || slices.ContainsFunc(sel.Joins, func(j *grammar.Join) bool { return j.Right != nil && j.Right.Subquery != nil }) {
		if sel = c.subqueries(sel, outName, sc); sel == nil {
			return nil
		}
	}
	if !selectsOver(sel) || !aggregates(sel) {
		return sel
	}
	return c.overGroups(sel, outName, sc)
}

// crossUnnest rewrites FROM s [AS o] CROSS JOIN UNNEST(x) AS t(col) into FROM (SELECT <columns>, UNNEST(x) AS col
// FROM s [AS o]) AS o: a stream of one record per element of x, with the columns of s the query names
// (passedColumns) and the element, read under the name or alias of s.
func (c *checker) crossUnnest(sel *grammar.Select, outName string, sc *stmtCtx) *grammar.Select {
	j := sel.Joins[0]
	if j.Kind != "CROSS" && j.Kind != "" && j.Kind != "INNER" || j.On != nil || j.Within != nil || j.AsOf != nil {
		c.errorf(CodeUnsupported, j.Span(), "UNNEST is joined with CROSS JOIN UNNEST(x) AS t(col), without ON: each record meets each of its elements")
		return nil
	}
	u := j.Right
	col := "unnest"
	switch {
	case len(u.Columns) == 1:
		col = u.Columns[0].Name
	case len(u.Columns) > 1:
		c.errorf(CodeUnsupported, u.Columns[1].Span(), "UNNEST of an array gives one column: name it in AS t(col)")
		return nil
	case u.Alias != nil:
		col = u.Alias.Name
	}
	if sel.From.Subquery != nil {
		if sel = c.subqueries(sel, outName, sc); sel == nil {
			return nil
		}
	}
	items := c.passedColumns(sel)
	call := &grammar.Call{Name: &grammar.Ident{Name: "UNNEST"}, Args: []grammar.Expr{u.Unnest}}
	call.SetSpan(u.Span())
	alias := &grammar.Ident{Name: col, Quoted: true}
	alias.SetSpan(u.Span())
	item := &grammar.SelectItem{Expr: call, Alias: alias}
	item.SetSpan(u.Span())
	inner := &grammar.Select{Items: append(items, item), From: sel.From}
	inner.SetSpan(grammar.Span{Start: sel.From.Span().Start, End: u.Span().End})
	name := c.innerName(outName+"_unnest", u.Span())
	if !c.inner(inner, name, inner.Span(), sc, false) {
		return nil
	}
	outer := *sel
	from := &grammar.From{Name: name, Alias: sel.From.Alias}
	if from.Alias == nil {
		from.Alias = sel.From.Name // the records are read under the source's name still
	}
	from.SetSpan(sel.From.Span())
	outer.From, outer.Joins = from, sel.Joins[1:]
	return &outer
}

// passedColumns returns the SELECT items of an UNNEST's stream that pass on the columns of sel's FROM: those the
// rest of sel names (any name or qualifier it writes that is a column's), and the event time; all of them (*) when
// sel selects * or the FROM's columns are not known here.
func (c *checker) passedColumns(sel *grammar.Select) []*grammar.SelectItem {
	star := &grammar.SelectItem{Star: true}
	star.SetSpan(sel.From.Span())
	if sel.From.Name == nil {
		return []*grammar.SelectItem{star}
	}
	var cols []string
	var timeCol string
	lower := strings.ToLower(sel.From.Name.Name)
	if src := c.sources[lower]; src != nil {
		for _, f := range src.Fields {
			cols = append(cols, f.Name)
		}
		if src.EventTime != nil {
			timeCol = src.EventTime.Name
		}
	} else if out := c.outputs[lower]; out != nil && out.stream != nil {
		for _, f := range out.stream.Fields {
			cols = append(cols, f.Name)
		}
		if out.stream.EventTime != nil {
			timeCol = out.stream.EventTime.Name
		}
	} else {
		return []*grammar.SelectItem{star}
	}
	names := map[string]bool{}
	all := false
	note := func(e grammar.Expr) {
		walkSelectExpr(e, func(x grammar.Expr) {
			if col, ok := x.(*grammar.Column); ok {
				names[strings.ToLower(col.Name.Name)] = true
				if col.Qualifier != nil {
					names[strings.ToLower(col.Qualifier.Name)] = true
				}
			}
		})
	}
	for _, it := range sel.Items {
		all = all || it.Star
		note(it.Expr)
	}
	note(sel.Where)
	if sel.GroupBy != nil {
		for _, g := range sel.GroupBy.Exprs {
			note(g)
		}
	}
	if sel.Having != nil {
		note(sel.Having.Cond)
	}
	if sel.Window != nil {
		for _, a := range sel.Window.Args {
			note(a)
		}
		for _, p := range sel.Window.Named {
			note(p.Value)
		}
	}
	if sel.OrderBy != nil {
		for _, o := range sel.OrderBy.Items {
			note(o.Expr)
		}
	}
	for _, j := range sel.Joins {
		note(j.On)
		note(j.AsOf)
		if j.Right != nil {
			note(j.Right.Unnest)
		}
	}
	if all {
		return []*grammar.SelectItem{star}
	}
	var items []*grammar.SelectItem
	for _, name := range cols {
		if !names[strings.ToLower(name)] && !strings.EqualFold(name, timeCol) {
			continue
		}
		id := &grammar.Ident{Name: name, Quoted: true}
		id.SetSpan(sel.From.Span())
		col := &grammar.Column{Name: id}
		col.SetSpan(sel.From.Span())
		it := &grammar.SelectItem{Expr: col}
		it.SetSpan(sel.From.Span())
		items = append(items, it)
	}
	return items
}

// walkSelectExpr is walkExpr descending into window functions' OVER clauses and WITHIN GROUP too.
func walkSelectExpr(e grammar.Expr, fn func(grammar.Expr)) {
	walkExpr(e, func(x grammar.Expr) {
		fn(x)
		if call, ok := x.(*grammar.Call); ok {
			if ov := call.Over; ov != nil {
				for _, p := range ov.PartitionBy {
					walkSelectExpr(p, fn)
				}
				for _, o := range ov.OrderBy {
					walkSelectExpr(o.Expr, fn)
				}
			}
			if wg := call.WithinGroup; wg != nil {
				for _, o := range wg.OrderBy {
					walkSelectExpr(o.Expr, fn)
				}
			}
		}
	})
}

// aggregates reports whether sel groups its rows: GROUP BY, a WINDOW, HAVING or an aggregate in SELECT.
func aggregates(sel *grammar.Select) bool {
	if sel.GroupBy != nil || sel.Window != nil || sel.Having != nil {
		return true
	}
	for _, it := range sel.Items {
		if it.Expr != nil && hasAggregate(it.Expr) {
			return true
		}
	}
	return false
}

// emitsChanges reports whether sel aggregates and emits changes: rows that replace earlier rows of their group.
func emitsChanges(sel *grammar.Select) bool {
	if sel.Distinct || !aggregates(sel) {
		return false
	}
	if sel.Emit != nil {
		return !sel.Emit.Final
	}
	return sel.Window == nil
}

// subqueries checks the subqueries that sel reads in FROM and JOIN, each as the query of a stream of its own, and
// returns sel reading those streams under the subqueries' aliases.
func (c *checker) subqueries(sel *grammar.Select, outName string, sc *stmtCtx) *grammar.Select {
	outer := *sel
	rel := func(f *grammar.From, base string) *grammar.From {
		sub := f.Subquery
		if sub == nil {
			return f
		}
		if sub.Into != nil {
			c.errorf(CodeUnsupported, sub.Into.Span(), "a subquery in FROM or JOIN cannot write a stream of its own (INTO)")
			return nil
		}
		if emitsChanges(sub) {
			c.errorf(CodeDerived, f.Span(), "this subquery aggregates and emits changes: each row replaces an earlier row of its group, so a query cannot read it as a stream of records; give it a WINDOW (its rows are final when a window closes) or EMIT FINAL (on bounded input, the rows at its end)")
			return nil
		}
		if f.Alias != nil {
			base = f.Alias.Name
		}
		name := c.innerName(base, f.Span())
		if !c.inner(sub, name, f.Span(), sc, sel.Window == nil) {
			return nil
		}
		n := *f
		n.Name, n.Subquery = name, nil
		return &n
	}
	if outer.From = rel(sel.From, outName+"_from"); outer.From == nil {
		return nil
	}
	outer.Joins = make([]*grammar.Join, len(sel.Joins))
	for i, j := range sel.Joins {
		n := *j
		if j.Right != nil {
			if n.Right = rel(j.Right, fmt.Sprintf("%s_join%d", outName, i+1)); n.Right == nil {
				return nil
			}
		}
		outer.Joins[i] = &n
	}
	return &outer
}

// overGroups splits sel, an aggregating query whose SELECT calls window functions, into the aggregating query (its
// FROM, joins, WHERE, GROUP BY, WINDOW, HAVING and EMIT; its SELECT computes what the window functions read) and
// the query that computes the window functions over its rows (SELECT, DISTINCT, ORDER BY and LIMIT).
func (c *checker) overGroups(sel *grammar.Select, outName string, sc *stmtCtx) *grammar.Select {
	if emitsChanges(sel) {
		at := sel.Span()
		if sel.Emit != nil {
			at = sel.Emit.Span()
		}
		c.errorf(CodeUnsupported, at, "window functions (OVER) in an aggregating query read its final rows, which EMIT CHANGES does not give: add a WINDOW (a window's rows are final when it closes) or EMIT FINAL (on bounded input, the rows at its end)")
		return nil
	}
	inner := *sel
	inner.Items, inner.Distinct, inner.OrderBy, inner.Limit, inner.Into, inner.Union, inner.With = nil, false, nil, nil, nil, nil, nil
	outer := &grammar.Select{Distinct: sel.Distinct, OrderBy: sel.OrderBy, Limit: sel.Limit, Into: sel.Into, Union: sel.Union, UnionDistinct: sel.UnionDistinct, With: sel.With}
	outer.SetSpan(sel.Span())

	// Each SELECT item without a window function is a column of the inner query, read by name; the operands of
	// the window functions (arguments, PARTITION BY, ORDER BY) are columns too, shared when written alike.
	columns := map[string]*grammar.Column{}
	taken := map[string]bool{}
	for _, it := range sel.Items {
		if it.Expr != nil && !hasOver(it.Expr) {
			taken[strings.ToLower(c.itemName(it))] = true
		}
	}
	hidden := 0
	column := func(name string, at grammar.Span) *grammar.Column {
		id := &grammar.Ident{Name: name, Quoted: true}
		id.SetSpan(at)
		col := &grammar.Column{Name: id}
		col.SetSpan(at)
		return col
	}
	hide := func(e grammar.Expr) grammar.Expr {
		if constant(e) {
			return e // LAG's offset and default, NTILE's buckets: the window function needs them as written
		}
		key := c.textKey(e)
		if col := columns[key]; col != nil {
			return column(col.Name.Name, e.Span())
		}
		var name string
		for {
			hidden++
			if name = fmt.Sprintf("_over_%d", hidden); !taken[name] {
				break
			}
		}
		it := &grammar.SelectItem{Expr: e, Alias: &grammar.Ident{Name: name, Quoted: true}}
		it.SetSpan(e.Span())
		inner.Items = append(inner.Items, it)
		columns[key] = column(name, e.Span())
		return columns[key]
	}
	for _, it := range sel.Items {
		if it.Star || it.Expr == nil {
			// SELECT * in an aggregating query: the inner query reports it.
			inner.Items = append(inner.Items, it)
			continue
		}
		if hasOver(it.Expr) {
			continue
		}
		name := c.itemName(it)
		inner.Items = append(inner.Items, it)
		columns[c.textKey(it.Expr)] = column(name, it.Expr.Span())
	}
	for _, it := range sel.Items {
		o := *it
		switch {
		case it.Star || it.Expr == nil:
			continue
		case hasOver(it.Expr):
			o.Expr = overOperands(it.Expr, hide)
			if o.Alias == nil {
				// The column keeps the name the item's text gives it.
				o.Alias = &grammar.Ident{Name: c.itemName(it), Quoted: true}
				o.Alias.SetSpan(it.Span())
			}
		default:
			name := c.itemName(it)
			o.Expr = column(name, it.Expr.Span())
			o.Alias = &grammar.Ident{Name: name, Quoted: true}
			o.Alias.SetSpan(it.Span())
		}
		outer.Items = append(outer.Items, &o)
	}
	name := c.innerName(outName+"_groups", sel.Span())
	if !c.inner(&inner, name, sel.Span(), sc, true) {
		return nil
	}
	from := &grammar.From{Name: name}
	from.SetSpan(sel.From.Span())
	outer.From = from
	return outer
}

// overOperands copies e, replacing the operands of its window functions, and every part of it outside them, by
// what hide returns for them: columns of the inner query.
func overOperands(e grammar.Expr, hide func(grammar.Expr) grammar.Expr) grammar.Expr {
	if !hasOver(e) {
		return hide(e)
	}
	rw := func(x grammar.Expr) grammar.Expr {
		if x == nil {
			return nil
		}
		return overOperands(x, hide)
	}
	rwList := func(xs []grammar.Expr) []grammar.Expr {
		out := make([]grammar.Expr, len(xs))
		for i, x := range xs {
			out[i] = rw(x)
		}
		return out
	}
	switch v := e.(type) {
	case *grammar.Call:
		n := *v
		n.Args = rwList(v.Args)
		if v.Over != nil {
			ov := *v.Over
			ov.PartitionBy = make([]grammar.Expr, len(v.Over.PartitionBy))
			for i, p := range v.Over.PartitionBy {
				ov.PartitionBy[i] = hide(p)
			}
			ov.OrderBy = make([]*grammar.OrderItem, len(v.Over.OrderBy))
			for i, o := range v.Over.OrderBy {
				oi := *o
				oi.Expr = hide(o.Expr)
				ov.OrderBy[i] = &oi
			}
			n.Over = &ov
		}
		return &n
	case *grammar.Unary:
		n := *v
		n.X = rw(v.X)
		return &n
	case *grammar.Binary:
		n := *v
		n.L, n.R = rw(v.L), rw(v.R)
		return &n
	case *grammar.IsNull:
		n := *v
		n.X = rw(v.X)
		return &n
	case *grammar.IsDistinct:
		n := *v
		n.X, n.Y = rw(v.X), rw(v.Y)
		return &n
	case *grammar.In:
		n := *v
		n.X, n.List = rw(v.X), rwList(v.List)
		return &n
	case *grammar.Between:
		n := *v
		n.X, n.Low, n.High = rw(v.X), rw(v.Low), rw(v.High)
		return &n
	case *grammar.Like:
		n := *v
		n.X, n.Pattern = rw(v.X), rw(v.Pattern)
		return &n
	case *grammar.Case:
		n := *v
		n.Operand, n.Else = rw(v.Operand), rw(v.Else)
		n.Whens = make([]*grammar.When, len(v.Whens))
		for i, w := range v.Whens {
			nw := *w
			nw.Cond, nw.Then = rw(w.Cond), rw(w.Then)
			n.Whens[i] = &nw
		}
		return &n
	case *grammar.Cast:
		n := *v
		n.X = rw(v.X)
		return &n
	case *grammar.Extract:
		n := *v
		n.X = rw(v.X)
		return &n
	case *grammar.Paren:
		n := *v
		n.X = rw(v.X)
		return &n
	case *grammar.Access:
		n := *v
		n.X, n.Index = rw(v.X), rw(v.Index)
		return &n
	case *grammar.ArrayLit:
		n := *v
		n.Elems = rwList(v.Elems)
		return &n
	case *grammar.StructLit:
		n := *v
		n.Values = rwList(v.Values)
		return &n
	}
	return e
}

// textKey is e's text, lower case, with its white space collapsed: operands written alike share a column.
func (c *checker) textKey(e grammar.Expr) string {
	return strings.Join(strings.Fields(strings.ToLower(c.loc(e.Span()).Text)), " ")
}

// constant reports whether e reads nothing of a row: no column and no function.
func constant(e grammar.Expr) bool {
	found := false
	walkExpr(e, func(x grammar.Expr) {
		switch x.(type) {
		case *grammar.Column, *grammar.Call, *grammar.Subquery:
			found = true
		}
	})
	return !found
}

// itemName is the name of the column a SELECT item gives: its alias, the column it names, or its text.
func (c *checker) itemName(it *grammar.SelectItem) string {
	switch {
	case it.Alias != nil:
		return it.Alias.Name
	default:
		if col, isCol := unparen(it.Expr).(*grammar.Column); isCol {
			return col.Name.Name
		}
		return c.loc(it.Expr.Span()).Text
	}
}

// innerName picks the name of the stream an inner query writes: base, or base_2, base_3, ... when a source, a
// sink or another stream has that name already.
func (c *checker) innerName(base string, at grammar.Span) *grammar.Ident {
	name := base
	for i := 2; c.sources[strings.ToLower(name)] != nil || c.outputs[strings.ToLower(name)] != nil || c.sinks[strings.ToLower(name)]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	id := &grammar.Ident{Name: name, Quoted: true}
	id.SetSpan(at)
	return id
}

// inner checks sel as the query of a statement that declares the stream name, which a query of statement sc
// reads. It takes the properties of sc that belong to sel: those of the sources and tables it reads, and those of
// its window when window says so (the outer query has none).
func (c *checker) inner(sel *grammar.Select, name *grammar.Ident, at grammar.Span, sc *stmtCtx, window bool) bool {
	var with []*grammar.Prop
	for _, p := range sc.with {
		if sc.ownProp(p, sel) || window && sel.Window != nil && isWindowKey(p.Key) {
			with = append(with, p)
			if sc.inner == nil {
				sc.inner = map[*grammar.Prop]bool{}
			}
			sc.inner[p] = true
		}
	}
	st := &grammar.CreateAs{Kind: grammar.Stream, Name: name, Query: sel}
	st.SetSpan(at)
	c.readLater[strings.ToLower(name.Name)] = true // its rows go to the outer query only
	errs := c.errorCount()
	c.statement(st, sel, name, grammar.Stream, with, false)
	return c.errorCount() == errs
}
