// Checking of one query: FROM, WHERE, GROUP BY, WINDOW, SELECT, HAVING, EMIT and its sink.
package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// qctx is the state of the query being checked.
type qctx struct {
	src      *Source
	alias    string
	q        *Query
	keyCanon []string // canonical text of each GROUP BY key
	aggCanon map[string]*Agg
	items    []*grammar.SelectItem
	itemExpr map[string]Expr // SELECT alias (lower case) → checked group expression, for HAVING
	window   *Window
	// windowTime is the canonical form of the window's time column and windowTimeText its SQL, so that
	// TUMBLE_START and TUMBLE_END can check they name the same column.
	windowTime, windowTimeText string
	// keysBroken is set when a GROUP BY key had an error: which columns are grouped is then unknown, so
	// "must appear in GROUP BY" errors would be follow-on errors.
	keysBroken bool
}

func (c *checker) query(st grammar.Stmt, sel *grammar.Select, name *grammar.Ident, kind grammar.Kind) {
	q := &Query{Loc: c.loc(st.Span())}
	if name != nil {
		q.Name = name.Name
	} else {
		c.bareSelects++
		q.Name = fmt.Sprintf("select_%d", c.bareSelects)
	}
	q.GoName = uniqueGoName(c.goNames, q.Name)
	ok := true
	// Unsupported-but-recognisable SQL: say what is supported.
	if sel.Distinct {
		c.errorf(CodeUnsupported, sel.Span(), "SELECT DISTINCT is not supported yet; use GROUP BY on the columns instead")
		ok = false
	}
	for _, j := range sel.Joins {
		c.errorf(CodeUnsupported, j.Span(), "JOIN is not supported yet; a query reads one stream (joins come in a later version)")
		ok = false
	}
	if sel.From.Subquery != nil {
		c.errorf(CodeUnsupported, sel.From.Span(), "subqueries are not supported; FROM must name a stream")
		return
	}
	if sel.OrderBy != nil {
		c.errorf(CodeUnsupported, sel.OrderBy.Span(), "ORDER BY is not supported on a stream; results are emitted in arrival order")
		ok = false
	}
	if sel.Limit != nil {
		c.errorf(CodeUnsupported, sel.Limit.Span(), "LIMIT is not supported on a stream")
		ok = false
	}
	for _, r := range sel.Repeated {
		c.errorf(CodeRepeatedClause, r.Span(), "clause given twice; each of GROUP BY, HAVING, WINDOW and EMIT may appear once")
		ok = false
	}
	if len(sel.Joins) > 0 {
		return // names from the joined relations would all be reported as unknown
	}

	// Properties in the query's WITH are Velostream style: '<name>.key', for the source and the sink.
	byName := map[string]props{}
	for _, p := range sel.With {
		if c.jobProperty(p) {
			continue // a setting of the whole job (jobprops.go)
		}
		i := strings.IndexByte(p.Key, '.')
		if i < 0 {
			c.warnf(CodeUnknownProperty, p.Span(), "property %q is ignored: in a query's WITH, keys are '<source or sink name>.<key>' or a setting of the job (%s)", p.Key, strings.Join(jobKeys, ", "))
			continue
		}
		owner := strings.ToLower(p.Key[:i])
		if byName[owner] == nil {
			byName[owner] = props{}
		}
		byName[owner][strings.ToLower(p.Key[i+1:])] = &prop{key: p.Key, value: p.Value, keySpan: p.Span(), span: p.ValueSpan}
	}

	srcName := sel.From.Name.Name
	src := c.sources[strings.ToLower(srcName)]
	if ps := byName[strings.ToLower(srcName)]; ps != nil {
		if src == nil {
			src = &Source{Name: srcName, GoName: uniqueGoName(c.goNames, srcName), Loc: c.loc(sel.From.Span())}
			c.configureSource(src, ps, sel.From.Name.Span())
			c.warnUnused(ps, "source "+strconv.Quote(srcName), knownKeys(sourceKeys, src.Type, false))
			c.sources[strings.ToLower(srcName)] = src
			c.plan.Sources = append(c.plan.Sources, src)
		} else {
			c.errorf(CodeDuplicate, sel.From.Name.Span(), "source %q is declared by CREATE STREAM and configured again in this query's WITH; configure it in one place", srcName)
		}
		delete(byName, strings.ToLower(srcName))
	}
	if src == nil && c.sinks[strings.ToLower(srcName)] {
		c.errorf(CodeUnsupported, sel.From.Name.Span(), "%q is the output of a query in this script; reading a derived stream is not supported yet: read its source instead", srcName)
		return
	}
	if src == nil {
		names := make([]string, 0, len(c.sources))
		for _, s := range c.plan.Sources {
			names = append(names, s.Name)
		}
		c.errorf(CodeUnknownSource, sel.From.Name.Span(), "unknown stream %q: declare it with CREATE STREAM %s (...) WITH (...) or configure it with '%s.config_file'%s", srcName, srcName, srcName, suggest(srcName, names))
		return
	}
	if src.IsTable {
		c.errorf(CodeUnsupported, sel.From.Name.Span(), "%q is a TABLE; tables can be read only through joins, which are not supported yet", srcName)
		return
	}
	if c.broken[src] {
		return // its error is reported; checking columns against an unknown schema would only add noise
	}
	q.Source = src
	qc := &qctx{src: src, q: q, aggCanon: map[string]*Agg{}, items: sel.Items, itemExpr: map[string]Expr{}}
	if sel.From.Alias != nil {
		qc.alias = sel.From.Alias.Name
	}

	// The window first: a window bound misused in WHERE must be told it belongs in SELECT or HAVING, not that
	// the query has no WINDOW clause.
	if sel.Window != nil {
		qc.window = c.window(qc, sel.Window)
		q.Window = qc.window
	}

	if sel.Where != nil {
		if w := c.expr(qc, sel.Where, modeRow); w != nil {
			q.Where = c.wantBool(w, sel.Where, "WHERE")
		}
	}

	if sel.GroupBy != nil {
		goNames := map[string]int{}
		for _, ge := range sel.GroupBy.Exprs {
			ke := ge
			if col, isCol := unparen(ge).(*grammar.Column); isCol && col.Qualifier == nil && src.field(col.Name.Name) == nil {
				// GROUP BY may name a SELECT alias.
				for _, it := range sel.Items {
					if it.Alias != nil && strings.EqualFold(it.Alias.Name, col.Name.Name) && it.Expr != nil {
						ke = it.Expr
					}
				}
			}
			if lit, isLit := unparen(ke).(*grammar.Literal); isLit && lit.Kind == grammar.LitNumber {
				// In other SQL dialects GROUP BY 1 means the first SELECT item; grouping by the constant would
				// silently put every row in one group.
				c.errorf(CodeUnsupported, ge.Span(), "GROUP BY positions are not supported; name the column or repeat the expression")
				qc.keysBroken = true
				continue
			}
			if hasAggregate(ke) {
				c.errorf(CodeAggregateContext, ge.Span(), "aggregate functions are not allowed in GROUP BY")
				qc.keysBroken = true
				continue
			}
			x := c.expr(qc, ke, modeRow)
			if x == nil {
				qc.keysBroken = true
				continue
			}
			name := canon(ke, qc.alias)
			if col, isCol := unparen(ke).(*grammar.Column); isCol {
				name = col.Name.Name
			}
			q.Keys = append(q.Keys, &Key{Index: len(q.Keys), Expr: x, Name: name, GoName: uniqueGoName(goNames, "k_"+name)})
			qc.keyCanon = append(qc.keyCanon, canon(ke, qc.alias))
		}
	}

	hasAgg := false
	for _, it := range sel.Items {
		if it.Expr != nil && hasAggregate(it.Expr) {
			hasAgg = true
		}
	}
	if sel.Having != nil && hasAggregate(sel.Having.Cond) {
		hasAgg = true
	}
	q.Grouped = sel.GroupBy != nil || sel.Window != nil || hasAgg

	if sel.Having != nil && !q.Grouped {
		c.errorf(CodeHavingContext, sel.Having.Span(), "HAVING needs aggregation: add GROUP BY or use WHERE to filter rows")
		ok = false
	}

	// SELECT items.
	mode := modeRow
	if q.Grouped {
		mode = modeGroup
	}
	outNames := map[string]bool{}
	goNames := map[string]int{}
	addColumn := func(name string, x Expr, at grammar.Span) {
		if outNames[strings.ToLower(name)] {
			c.errorf(CodeDuplicate, at, "output column %q appears twice; give one of them an alias with AS", name)
			return
		}
		outNames[strings.ToLower(name)] = true
		q.Columns = append(q.Columns, &Column{Name: name, GoName: uniqueGoName(goNames, name), Type: x.Type(), Expr: x})
	}
	for _, it := range sel.Items {
		if it.Star {
			if q.Grouped {
				c.errorf(CodeNotGrouped, it.Span(), "SELECT * cannot be used in an aggregating query; list grouped columns and aggregates")
				continue
			}
			for _, f := range src.Fields {
				addColumn(f.Name, &ColRef{Field: f}, it.Span())
			}
			continue
		}
		x := c.expr(qc, it.Expr, mode)
		if x == nil {
			if it.Alias != nil {
				qc.itemExpr[strings.ToLower(it.Alias.Name)] = nil // known to HAVING, so no "unknown column" follows
			}
			continue
		}
		name := ""
		switch {
		case it.Alias != nil:
			name = it.Alias.Name
			qc.itemExpr[strings.ToLower(name)] = x
		default:
			if col, isCol := unparen(it.Expr).(*grammar.Column); isCol {
				name = col.Name.Name
			} else {
				name = c.loc(it.Expr.Span()).Text
			}
		}
		if x.Type().Kind == Null {
			x = &Cast{X: x, T: TVarchar}
		}
		addColumn(name, x, it.Span())
	}

	if sel.Having != nil && q.Grouped {
		if h := c.expr(qc, sel.Having.Cond, modeHaving); h != nil {
			q.Having = c.wantBool(h, sel.Having.Cond, "HAVING")
		}
	}

	// EMIT.
	switch {
	case sel.Emit != nil && !q.Grouped:
		c.warnf(CodeUnsupported, sel.Emit.Span(), "EMIT %s has no effect on a query without aggregation: every matching row is emitted", map[bool]string{true: "FINAL", false: "CHANGES"}[sel.Emit.Final])
	case sel.Emit != nil && sel.Emit.Final:
		q.Emit = EmitFinal
	case sel.Emit != nil:
		q.Emit = EmitChanges
	case q.Window != nil:
		q.Emit = EmitFinal // a window's result is final when the watermark passes its end
	default:
		q.Emit = EmitChanges
	}

	// Sink.
	sink := &Sink{Name: q.Name, Columns: q.Columns, KeyColumn: -1}
	sink.Retracts = q.Grouped && q.Emit == EmitChanges && q.Having != nil
	if name == nil {
		// A bare SELECT writes to stdout unless '<select_N>.*' properties say otherwise.
		ps := byName[strings.ToLower(q.Name)]
		delete(byName, strings.ToLower(q.Name))
		if ps == nil {
			ps = props{}
		}
		if _, typed := ps["type"]; !typed {
			if _, hasPath := ps["path"]; !hasPath {
				ps["type"] = &prop{key: "type", value: "stdout", used: true}
			}
		}
		if !c.configureSink(sink, ps, sel.Span()) {
			ok = false
		}
		c.sinkKey(q, sink, ps)
		c.warnUnused(ps, "sink "+strconv.Quote(q.Name), knownKeys(sinkKeys, sink.Type, true))
	} else {
		if c.sinks[strings.ToLower(q.Name)] || c.sources[strings.ToLower(q.Name)] != nil {
			c.errorf(CodeDuplicate, name.Span(), "%q is already declared", q.Name)
			ok = false
		}
		c.sinks[strings.ToLower(q.Name)] = true
		ps := byName[strings.ToLower(q.Name)]
		if ps == nil {
			ps = props{}
		}
		delete(byName, strings.ToLower(q.Name))
		if !c.configureSink(sink, ps, name.Span()) {
			ok = false
		}
		c.sinkKey(q, sink, ps)
		c.warnUnused(ps, "sink "+strconv.Quote(q.Name), knownKeys(sinkKeys, sink.Type, true))
	}
	for owner, ps := range byName {
		for _, p := range ps {
			c.warnf(CodeUnknownProperty, p.keySpan, "property %q is ignored: %q is neither this query's source nor its sink", p.key, owner)
		}
	}
	q.Sink = sink
	if ok {
		c.plan.Sinks = append(c.plan.Sinks, sink)
		c.plan.Queries = append(c.plan.Queries, q)
	}
}

func unparen(e grammar.Expr) grammar.Expr {
	for {
		p, ok := e.(*grammar.Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

// window checks WINDOW TUMBLING(time_col, size) and WINDOW TUMBLING(size).
func (c *checker) window(qc *qctx, w *grammar.Window) *Window {
	switch w.Kind.Name {
	case "TUMBLING", "TUMBLE":
	case "HOPPING", "SLIDING", "SESSION":
		c.errorf(CodeUnsupported, w.Kind.Span(), "%s windows are not supported yet; use WINDOW TUMBLING(time_column, INTERVAL '1' MINUTE)", w.Kind.Name)
		return nil
	default:
		c.errorf(CodeWindow, w.Kind.Span(), "unknown window type %q; supported: TUMBLING", w.Kind.Name)
		return nil
	}
	var timeArg, sizeArg grammar.Expr
	switch len(w.Args) {
	case 1:
		sizeArg = w.Args[0]
	case 2:
		timeArg, sizeArg = w.Args[0], w.Args[1]
	default:
		c.errorf(CodeWindow, w.Span(), "TUMBLING takes (time_column, size) or (size), e.g. TUMBLING(event_time, INTERVAL '1' MINUTE)")
		return nil
	}
	size, ok := c.durationArg(sizeArg)
	if !ok {
		return nil
	}
	out := &Window{Size: size, Loc: c.loc(w.Span())}
	if timeArg == nil {
		if qc.src.EventTime == nil {
			c.errorf(CodeWindow, w.Span(), "TUMBLING(size) needs the source's 'event.time.field'; or name the time column: TUMBLING(event_time, size)")
			return nil
		}
		out.Time = c.eventTime(qc.src.EventTime, out.Loc)
		qc.windowTime, qc.windowTimeText = "col:"+strings.ToLower(qc.src.EventTime.Name), qc.src.EventTime.Name
		return out
	}
	x := c.expr(qc, timeArg, modeRow)
	if x == nil {
		return nil
	}
	if k := x.Type().Kind; k != Timestamp && k != BigInt {
		c.errorf(CodeWindow, timeArg.Span(), "WINDOW needs a time column of type TIMESTAMP or BIGINT (epoch milliseconds), but %q is %s", c.loc(timeArg.Span()).Text, x.Type())
		return nil
	}
	if cr, isCol := x.(*ColRef); isCol {
		out.Time = c.eventTime(cr.Field, out.Loc)
	} else {
		out.Time = x
	}
	qc.windowTime, qc.windowTimeText = canon(timeArg, qc.alias), c.loc(timeArg.Span()).Text
	return out
}

// eventTime converts an event-time field to milliseconds: BIGINT epoch seconds are scaled.
func (c *checker) eventTime(f *Field, at Loc) Expr {
	x := Expr(&ColRef{Field: f})
	if f.Type.Kind == BigInt && f.TimeFormat == "epoch_seconds" {
		at.Text = f.Name + " * 1000 (epoch seconds to milliseconds)"
		x = &Binary{Op: OpMul, L: x, R: &Const{T: TBigInt, Int: 1000}, T: TBigInt, Loc: at}
	}
	return x
}

// durationArg reads INTERVAL '1' MINUTE or 1m into milliseconds.
func (c *checker) durationArg(e grammar.Expr) (int64, bool) {
	switch v := unparen(e).(type) {
	case *grammar.Interval:
		return c.interval(v)
	case *grammar.Literal:
		if v.Kind == grammar.LitDuration {
			ms, err := parseDuration(v.Text)
			if err != "" || ms <= 0 {
				c.errorf(CodeBadLiteral, v.Span(), "bad window size %q", v.Text)
				return 0, false
			}
			return ms, true
		}
	}
	c.errorf(CodeWindow, e.Span(), "window size must be an INTERVAL such as INTERVAL '1' MINUTE or a duration such as 1m")
	return 0, false
}

func (c *checker) interval(v *grammar.Interval) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v.Value), 10, 64)
	if err != nil || n <= 0 {
		c.errorf(CodeBadLiteral, v.Span(), "INTERVAL value must be a positive whole number, got %q", v.Value)
		return 0, false
	}
	unit := strings.TrimSuffix(v.Unit, "S")
	mult := map[string]int64{"MILLISECOND": 1, "SECOND": 1000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000}[unit]
	if mult == 0 {
		c.errorf(CodeBadLiteral, v.Span(), "unknown INTERVAL unit %q; supported: MILLISECOND, SECOND, MINUTE, HOUR, DAY", v.Unit)
		return 0, false
	}
	return n * mult, true
}

func (c *checker) wantBool(x Expr, e grammar.Expr, clause string) Expr {
	switch x.Type().Kind {
	case Bool:
		return x
	case Null:
		return &Cast{X: x, T: TBool}
	}
	c.errorf(CodeTypeMismatch, e.Span(), "%s needs a BOOLEAN condition, but this is %s", clause, x.Type())
	return nil
}

// aggNamesByCall maps SQL aggregate names to functions.
var aggByName = map[string]AggFunc{
	"COUNT": AggCount, "SUM": AggSum, "AVG": AggAvg, "MIN": AggMin, "MAX": AggMax,
	"STDDEV": AggStddev, "STDDEV_SAMP": AggStddev, "STDDEV_POP": AggStddevPop,
	"VARIANCE": AggVariance, "VAR_SAMP": AggVariance, "VAR_POP": AggVarPop,
	"FIRST_VALUE": AggFirst, "LAST_VALUE": AggLast,
}

func isAggregate(call *grammar.Call) bool {
	_, ok := aggByName[strings.ToUpper(call.Name.Name)]
	return ok
}

// hasAggregate reports whether an expression contains an aggregate call.
func hasAggregate(e grammar.Expr) bool {
	found := false
	walkExpr(e, func(x grammar.Expr) {
		if call, ok := x.(*grammar.Call); ok && isAggregate(call) && call.Over == nil {
			// SUM(x) OVER (...) is a window function, rejected on its own; it does not make the query aggregate.
			found = true
		}
	})
	return found
}

// walkExpr calls fn for e and every sub-expression (not descending into subqueries).
func walkExpr(e grammar.Expr, fn func(grammar.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch v := e.(type) {
	case *grammar.Unary:
		walkExpr(v.X, fn)
	case *grammar.Binary:
		walkExpr(v.L, fn)
		walkExpr(v.R, fn)
	case *grammar.IsNull:
		walkExpr(v.X, fn)
	case *grammar.In:
		walkExpr(v.X, fn)
		for _, x := range v.List {
			walkExpr(x, fn)
		}
	case *grammar.Between:
		walkExpr(v.X, fn)
		walkExpr(v.Low, fn)
		walkExpr(v.High, fn)
	case *grammar.Like:
		walkExpr(v.X, fn)
		walkExpr(v.Pattern, fn)
	case *grammar.Case:
		walkExpr(v.Operand, fn)
		for _, w := range v.Whens {
			walkExpr(w.Cond, fn)
			walkExpr(w.Then, fn)
		}
		walkExpr(v.Else, fn)
	case *grammar.Cast:
		walkExpr(v.X, fn)
	case *grammar.Extract:
		walkExpr(v.X, fn)
	case *grammar.Call:
		for _, x := range v.Args {
			walkExpr(x, fn)
		}
	case *grammar.Paren:
		walkExpr(v.X, fn)
	}
}

// canon renders an expression in a normal form used to match GROUP BY keys and to share accumulators:
// identifiers folded to lower case, qualifiers of the query's own source dropped, parentheses removed.
func canon(e grammar.Expr, alias string) string {
	var b strings.Builder
	var rec func(e grammar.Expr)
	list := func(xs []grammar.Expr) {
		for i, x := range xs {
			if i > 0 {
				b.WriteByte(',')
			}
			rec(x)
		}
	}
	rec = func(e grammar.Expr) {
		switch v := e.(type) {
		case nil:
			b.WriteString("<nil>")
		case *grammar.Paren:
			rec(v.X)
		case *grammar.Literal:
			fmt.Fprintf(&b, "lit%d:%q", v.Kind, v.Text)
		case *grammar.Interval:
			fmt.Fprintf(&b, "interval(%q,%s)", v.Value, v.Unit)
		case *grammar.Column:
			// Column lookup ignores case (quoted or not), so key matching must too.
			b.WriteString("col:" + strings.ToLower(v.Name.Name))
		case *grammar.Unary:
			b.WriteString("(" + v.Op + " ")
			rec(v.X)
			b.WriteString(")")
		case *grammar.Binary:
			b.WriteString("(" + v.Op + " ")
			rec(v.L)
			b.WriteByte(' ')
			rec(v.R)
			b.WriteString(")")
		case *grammar.IsNull:
			fmt.Fprintf(&b, "(isnull %v ", v.Not)
			rec(v.X)
			b.WriteString(")")
		case *grammar.In:
			fmt.Fprintf(&b, "(in %v ", v.Not)
			rec(v.X)
			b.WriteByte(' ')
			list(v.List)
			b.WriteString(")")
		case *grammar.Between:
			fmt.Fprintf(&b, "(between %v ", v.Not)
			list([]grammar.Expr{v.X, v.Low, v.High})
			b.WriteString(")")
		case *grammar.Like:
			fmt.Fprintf(&b, "(like %v ", v.Not)
			list([]grammar.Expr{v.X, v.Pattern})
			b.WriteString(")")
		case *grammar.Case:
			b.WriteString("(case ")
			if v.Operand != nil {
				rec(v.Operand)
			}
			for _, w := range v.Whens {
				b.WriteString(" when ")
				rec(w.Cond)
				b.WriteString(" then ")
				rec(w.Then)
			}
			if v.Else != nil {
				b.WriteString(" else ")
				rec(v.Else)
			}
			b.WriteString(")")
		case *grammar.Cast:
			b.WriteString("(cast ")
			rec(v.X)
			b.WriteString(" " + v.Type.Name + strings.Join(v.Type.Args, ",") + ")")
		case *grammar.Extract:
			b.WriteString("(extract " + strings.ToUpper(v.Part.Name) + " ")
			rec(v.X)
			b.WriteString(")")
		case *grammar.Call:
			fmt.Fprintf(&b, "(%s %v %v ", strings.ToUpper(v.Name.Name), v.Star, v.Distinct)
			list(v.Args)
			b.WriteString(")")
		default:
			fmt.Fprintf(&b, "%T", e)
		}
	}
	rec(e)
	return b.String()
}
