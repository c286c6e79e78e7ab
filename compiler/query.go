// Checking of one query: FROM, WHERE, GROUP BY, WINDOW, SELECT, HAVING, EMIT and its sink.
package compiler

import (
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// qctx is the state of the query being checked.
type qctx struct {
	src      *Source
	alias    string
	rels     []*rel // the relations the query reads: its stream, then each joined table (join.go)
	nvis     int    // while a JOIN's ON is checked, how many of rels it sees; 0: all
	inner    *rel   // while a subquery is checked, its table (subquery.go)
	q        *Query
	keyCanon []string // canonical text of each GROUP BY key
	keyHash  []uint64 // and the hash of each (see canonHashes)
	hashes   canonHashes
	aggCanon map[string]*Agg
	items    []*grammar.SelectItem
	itemExpr map[string]Expr // SELECT alias (lower case) → checked group expression, for HAVING
	window   *Window
	// windowTime is the canonical form of the window's time column and windowTimeText its SQL, so that
	// TUMBLE_START and TUMBLE_END can check they name the same column.
	windowTime, windowTimeText string
	// inSelect is set while the SELECT items of a query that does not aggregate are checked: window functions
	// are allowed there. overParts and overTime are the canonical PARTITION BY and ORDER BY of the query's first
	// OVER, which the others must repeat.
	inSelect bool
	// explodeItem is the SELECT item being checked when it is a whole UNNEST(x) / EXPLODE(x) call (nested.go).
	explodeItem grammar.Expr
	overParts   []string
	overTime    string
	// keysBroken is set when a GROUP BY key had an error: which columns are grouped is then unknown, so
	// "must appear in GROUP BY" errors would be follow-on errors.
	keysBroken bool
	// clause names the clause being checked in group context when it is not SELECT or HAVING: "ORDER BY".
	clause string
	// outerRecord is set once a RIGHT or FULL join of two streams is checked: the record's columns may be NULL.
	outerRecord bool
}

// distinctOK reports whether SELECT DISTINCT can be computed for sel, and says why not: it dedups the rows of a
// query that does not aggregate, within each window if it has one.
func (c *checker) distinctOK(sel *grammar.Select) bool {
	switch {
	case sel.GroupBy != nil:
		c.errorf(CodeUnsupported, sel.GroupBy.Span(), "SELECT DISTINCT with GROUP BY: the groups are distinct already; drop DISTINCT, or GROUP BY the SELECT items")
		return false
	case sel.Having != nil:
		c.errorf(CodeUnsupported, sel.Having.Span(), "SELECT DISTINCT has no HAVING: filter rows with WHERE")
		return false
	}
	for _, it := range sel.Items {
		if it.Expr != nil && hasAggregate(it.Expr) {
			c.errorf(CodeUnsupported, it.Span(), "SELECT DISTINCT with an aggregate: use GROUP BY for the distinct values and the aggregate")
			return false
		}
		if it.Expr != nil && hasOver(it.Expr) {
			c.errorf(CodeUnsupported, it.Span(), "SELECT DISTINCT with a window function is not supported")
			return false
		}
	}
	if w := sel.Window; w != nil && sel.Emit != nil && !sel.Emit.Final && !strings.EqualFold(w.Kind.Name, "TUMBLING") && !strings.EqualFold(w.Kind.Name, "TUMBLE") {
		c.errorf(CodeUnsupported, sel.Emit.Span(), "SELECT DISTINCT with EMIT CHANGES works without a window or with a tumbling one; use EMIT FINAL: each window's distinct rows when it closes")
		return false
	}
	return true
}

func (c *checker) query(st grammar.Stmt, sel *grammar.Select, name *grammar.Ident, kind grammar.Kind, sc *stmtCtx) {
	q := &Query{Loc: c.loc(st.Span()), Part: sc.part}
	if sc.part > 1 {
		q.Loc = c.loc(sel.Span()) // a later query of a UNION: its own text
	}
	switch {
	case sc.appendTo != nil:
		q.Name = sc.appendTo.name
	case name != nil:
		q.Name = name.Name
	default:
		c.bareSelects++
		q.Name = fmt.Sprintf("select_%d", c.bareSelects)
	}
	q.GoName = uniqueGoName(c.goNames, q.Name)
	ok := true
	if sel.From == nil {
		c.errorf(CodeUnsupported, sel.Span(), "FROM is required: a query reads the records of a declared stream; %s", fromHint(c.plan.Sources))
		return
	}
	if sel = c.unnest(sel, q.Name, sc); sel == nil {
		return // unnest.go: the inner query's errors are reported
	}
	for _, r := range sel.Repeated {
		c.errorf(CodeRepeatedClause, r.Span(), "clause given twice; each of GROUP BY, HAVING, WINDOW and EMIT may appear once")
		ok = false
	}

	// Properties in the query's WITH are Velostream style: '<name>.key', for the source and the sink.
	byName := map[string]props{}
	var windowProps []*grammar.Prop
	var ttlProp *grammar.Prop
	for _, p := range sc.with {
		if sc.part > 1 && !sc.ownProp(p, sel) || sc.inner[p] {
			continue // the first query of the UNION judged it
		}
		if c.jobProperty(p) {
			continue // a setting of the whole job (jobprops.go)
		}
		if strings.EqualFold(p.Key, "state.ttl") {
			ttlProp = p // how long a window function's partition or a distinct row lives unused (over.go)
			continue
		}
		if isWindowKey(p.Key) {
			windowProps = append(windowProps, p) // the window's late-data strategy (window.go)
			continue
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
	if out := c.outputs[strings.ToLower(srcName)]; src == nil && out != nil {
		// A stream another statement of the script writes (graph.go).
		if src = c.derivedStream(out, sel.From.Name.Span()); src == nil {
			return
		}
	} else if ps := byName[strings.ToLower(srcName)]; ps != nil {
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
	if src == nil {
		names := make([]string, 0, len(c.sources))
		for _, s := range c.plan.Sources {
			names = append(names, s.Name)
		}
		c.errorf(CodeUnknownSource, sel.From.Name.Span(), "unknown stream %q: declare it with CREATE STREAM %s (...) WITH (...) or configure it with '%s.config_file'%s", srcName, srcName, srcName, suggest(srcName, names))
		return
	}
	if src.IsTable {
		c.errorf(CodeUnsupported, sel.From.Name.Span(), "%q is a TABLE; a query reads a stream, and tables through joins: FROM <stream> JOIN %s ON ...", srcName, srcName)
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
	qc.rels = []*rel{{src: src, alias: qc.alias}}
	qc.hashes = canonHashes{m: map[grammar.Expr]uint64{}, tag: qc.colTag}
	if !c.joins(qc, sel, byName) {
		return // the query's columns would draw errors that follow from the join's
	}

	if len(q.Joins) > 0 && q.Joins[0].Stream && sel.Window != nil {
		c.errorf(CodeUnsupported, sel.Window.Span(), "a window over a join of two streams is not supported yet: write the join as a stream (CREATE STREAM j AS SELECT ... JOIN ...) and window the queries that read it")
		return
	}

	// The window first: a window bound misused in WHERE must be told it belongs in SELECT or HAVING, not that
	// the query has no WINDOW clause.
	if sel.Window != nil {
		qc.window = c.window(qc, sel.Window)
		q.Window = qc.window
	}
	overLate := sel.Window == nil && len(windowProps) > 0 && selectsOver(sel)
	if !overLate {
		c.lateData(src, q.Window, sel.Window != nil, windowProps)
	}

	if len(q.Joins) > 0 && selectsOver(sel) {
		c.errorf(CodeUnsupported, sel.Joins[0].Span(), "window functions (OVER) over a join are not supported yet")
		return
	}
	if len(q.Joins) > 0 && q.Joins[0].Missing == "retry" && len(src.Writers) > 0 {
		c.errorf(CodeUnsupported, sel.Joins[0].Span(), "'join.missing' = 'retry' over a stream written by a query of the script is not supported yet")
		return
	}
	if len(q.Joins) > 0 && q.Joins[0].Missing == "retry" && q.Window != nil {
		c.errorf(CodeUnsupported, sel.Joins[0].Span(), "'join.missing' = 'retry' in a windowed query is not supported yet: a held record would reach its window late")
		return
	}
	if q.Window != nil && q.Window.Time != nil && ReadsJoin(q.Window.Time) {
		c.errorf(CodeWindow, sel.Window.Span(), "a window's time must be a column of the stream %q, not of a joined table", src.Name)
		return
	}
	if sel.Where != nil {
		if w := c.expr(qc, sel.Where, modeRow); w != nil {
			q.Where = c.wantBool(w, sel.Where, "WHERE")
		}
	}

	// SELECT DISTINCT groups by every SELECT item (dedup): a row is written when its values are first seen.
	var groupExprs []grammar.Expr
	if sel.GroupBy != nil {
		groupExprs = sel.GroupBy.Exprs
	}
	distinct := sel.Distinct
	if distinct && !c.distinctOK(sel) {
		return // checked further without DISTINCT, the query would only draw errors that follow from it
	}
	var starKeys int // SELECT DISTINCT *: the first keys are the source's columns
	if distinct {
		q.Distinct = true
		for _, it := range sel.Items {
			if !it.Star {
				if !readsWindowBound(it.Expr, src) { // the window is part of the key already
					groupExprs = append(groupExprs, it.Expr)
				}
				continue
			}
			for _, r := range c.starOf(qc, it) {
				for _, f := range r.src.Fields {
					groupExprs = append(groupExprs, &grammar.Column{Qualifier: r.qualifier(), Name: &grammar.Ident{Name: f.Name, Quoted: true}})
					starKeys++
				}
			}
		}
	}
	if len(groupExprs) > 0 {
		goNames := map[string]int{}
		for _, ge := range groupExprs {
			ke := ge
			if col, isCol := unparen(ge).(*grammar.Column); isCol && col.Qualifier == nil && !qc.has(col.Name.Name) {
				// GROUP BY may name a SELECT alias.
				for _, it := range sel.Items {
					if it.Alias != nil && strings.EqualFold(it.Alias.Name, col.Name.Name) && it.Expr != nil {
						ke = it.Expr
					}
				}
			}
			if lit, isLit := unparen(ke).(*grammar.Literal); isLit && lit.Kind == grammar.LitNumber && !distinct {
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
			name := qc.canon(ke)
			if col, isCol := unparen(ke).(*grammar.Column); isCol {
				name = col.Name.Name
			}
			q.Keys = append(q.Keys, &Key{Index: len(q.Keys), Expr: x, Name: name, GoName: uniqueGoName(goNames, "k_"+name)})
			qc.keyCanon = append(qc.keyCanon, qc.canon(ke))
			qc.keyHash = append(qc.keyHash, qc.hashes.of(ke))
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
	q.Grouped = sel.GroupBy != nil || sel.Window != nil || hasAgg || distinct

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
		if outNames[strings.ToLower(name)] && sc.part < 2 { // a UNION's later queries take the first one's names
			c.errorf(CodeDuplicate, at, "output column %q appears twice; give one of them an alias with AS", name)
			return
		}
		outNames[strings.ToLower(name)] = true
		q.Columns = append(q.Columns, &Column{Name: name, GoName: uniqueGoName(goNames, name), Type: x.Type(), Expr: x})
	}
	for _, it := range sel.Items {
		if it.Star && distinct {
			for _, k := range q.Keys[:min(starKeys, len(q.Keys))] {
				addColumn(k.Name, &KeyRef{Key: k}, it.Span())
			}
			continue
		}
		if it.Star {
			if q.Grouped {
				c.errorf(CodeNotGrouped, it.Span(), "SELECT * cannot be used in an aggregating query; list grouped columns and aggregates")
				continue
			}
			for _, r := range c.starOf(qc, it) {
				for _, f := range r.src.Fields {
					addColumn(f.Name, &ColRef{Field: f, Join: r.join, Outer: r.join == nil && qc.outerRecord}, it.Span())
				}
			}
			continue
		}
		qc.inSelect = !q.Grouped
		qc.explodeItem = nil
		if call, ok := unparen(it.Expr).(*grammar.Call); ok && call.Over == nil {
			qc.explodeItem = call
		}
		x := c.expr(qc, it.Expr, mode)
		qc.inSelect = false
		if x == nil {
			if it.Alias != nil {
				qc.itemExpr[strings.ToLower(it.Alias.Name)] = nil // known to HAVING, so no "unknown column" follows
			}
			continue
		}
		name := c.itemName(it)
		if it.Alias != nil {
			qc.itemExpr[strings.ToLower(name)] = x
		}
		if x.Type().Kind == Null && sc.part == 0 && sc.appendTo == nil {
			x = &Cast{X: x, T: TVarchar} // a query of a UNION or INSERT INTO takes its column's type (graph.go)
		}
		addColumn(name, x, it.Span())
	}

	if overLate {
		c.overLateData(src, q, windowProps)
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
	if ttlProp != nil {
		c.stateTTL(q, ttlProp) // over.go
	}

	if !c.orderLimit(qc, sel) {
		ok = false
	}

	// Sink.
	sink := &Sink{Name: q.Name, Columns: q.Columns, KeyColumn: -1}
	sink.Retracts = q.Grouped && q.Emit == EmitChanges && q.Having != nil || windowRetracts(q)
	if out := sc.appendTo; out != nil {
		// One more query writing a stream declared before (graph.go): its sink is the stream's.
		if ps := byName[strings.ToLower(q.Name)]; ps != nil {
			for _, p := range ps {
				c.errorf(CodeDuplicate, p.keySpan, "property %q configures the stream %q, which is configured where it is declared (%s:%d)", p.key, out.name, out.at.Start.File, out.at.Start.Line)
			}
			delete(byName, strings.ToLower(q.Name))
		}
		if sink.Retracts {
			c.errorf(CodeUnsupported, sel.Span(), "this query can retract rows it wrote, which a stream written by several queries cannot carry: give it EMIT FINAL or drop its HAVING")
			ok = false
		}
		sink = out.sink
	} else if name == nil {
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
		c.sinkKey(q, sink, ps, sel.Span())
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
		if p := ps["event.time.field"]; p != nil && kind == grammar.Stream {
			c.timeProps[q] = p // the column of the stream that later queries read as its event time (graph.go)
			delete(ps, "event.time.field")
		}
		if kind == grammar.Table || c.readLater[strings.ToLower(q.Name)] {
			if _, typed := ps["type"]; !typed {
				if _, hasPath := ps["path"]; !hasPath {
					// A table built by a query keeps its rows for the queries that read it, and a stream that
					// later queries read hands them its rows; either goes nowhere else unless a sink is
					// configured.
					ps["type"] = &prop{key: "type", value: "none", used: true}
				}
			}
		}
		if !c.configureSink(sink, ps, name.Span()) {
			ok = false
		}
		c.sinkKey(q, sink, ps, name.Span())
		c.warnUnused(ps, "sink "+strconv.Quote(q.Name), knownKeys(sinkKeys, sink.Type, true))
	}
	for owner, ps := range byName {
		for _, p := range ps {
			c.warnf(CodeUnknownProperty, p.keySpan, "property %q is ignored: %q is neither this query's source nor its sink", p.key, owner)
		}
	}
	q.Sink = sink
	if ok && kind == grammar.Table && name != nil {
		ok = c.queryTable(q, sel, name) // ctas.go
	}
	if !ok {
		return
	}
	if sc.appendTo == nil {
		c.plan.Sinks = append(c.plan.Sinks, sink)
		at := sel.Span()
		if name != nil {
			at = name.Span()
		}
		sc.out = &output{name: q.Name, sink: sink, at: at, table: q.Table != nil}
		c.outputs[strings.ToLower(q.Name)] = sc.out
	}
	sc.out.writers = append(sc.out.writers, q)
	if sc.out.stream != nil {
		sc.out.stream.Writers = sc.out.writers // a query writing a stream that queries before it read
	}
	if !c.conform(q, sc, sel.Span()) {
		return
	}
	locate(q)
	c.plan.Queries = append(c.plan.Queries, q)
}

// locate gives every expression of q that can fail at run time a location: conversions the checker inserted
// (a DECIMAL operand rescaled to its operator's scale, say) have none of their own, and take the location of the
// nearest enclosing expression that has one, or of the statement, so that every run-time error names a place.
func locate(q *Query) {
	var walk func(x Expr, at Loc)
	fill := func(l *Loc, at Loc) Loc {
		if l.Line == 0 {
			*l = at
		}
		return *l
	}
	walk = func(x Expr, at Loc) {
		switch e := x.(type) {
		case *Unary:
			walk(e.X, fill(&e.Loc, at))
		case *Binary:
			at = fill(&e.Loc, at)
			walk(e.L, at)
			walk(e.R, at)
		case *Cast:
			walk(e.X, fill(&e.Loc, at))
		case *NestedCast:
			at = fill(&e.Loc, at)
			walk(e.X, at)
			for _, p := range append([]*PartCast{e.Elem, e.Key}, e.Fields...) {
				if p != nil {
					walk(p.Out, at)
				}
			}
		case *Construct:
			for _, y := range e.Args {
				walk(y, at)
			}
		case *Func:
			at = fill(&e.Loc, at)
			for _, y := range e.Args {
				walk(y, at)
			}
		case *IsNull:
			walk(e.X, at)
		case *In:
			walk(e.X, at)
			for _, y := range e.List {
				walk(y, at)
			}
		case *Like:
			walk(e.X, at)
			walk(e.Pattern, at)
		case *Case:
			for _, w := range e.Whens {
				walk(w.Cond, at)
				walk(w.Then, at)
			}
			walk(e.Else, at)
		case *Exact:
			walk(e.X, at)
		case *Sub:
			for _, y := range e.operands() {
				walk(y, at)
			}
		}
	}
	for _, j := range q.Joins {
		for _, k := range append(j.Key[:len(j.Key):len(j.Key)], j.OtherKey...) {
			walk(k, j.Loc)
		}
		walk(j.On, j.Loc)
		walk(j.AsOf, j.Loc)
	}
	walk(q.Where, q.Loc)
	walk(q.Having, q.Loc)
	for _, k := range q.Keys {
		walk(k.Expr, q.Loc)
	}
	for _, a := range q.Aggs {
		walk(a.Arg, fill(&a.Loc, q.Loc))
		walk(a.Arg2, a.Loc)
	}
	if q.Window != nil {
		walk(q.Window.Time, fill(&q.Window.Loc, q.Loc))
	}
	for _, c := range q.Columns {
		walk(c.Expr, q.Loc)
	}
	for _, k := range q.Order {
		walk(k.Expr, q.Loc)
	}
	if q.Over != nil {
		for _, k := range q.Over.Partition {
			walk(k.Expr, q.Loc)
		}
		walk(q.Over.Time, q.Over.Loc)
		for _, w := range q.Over.Funcs {
			walk(w.Arg, w.Loc)
			walk(w.Default, w.Loc)
		}
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
	if v.Unit == "" {
		c.errorf(CodeBadLiteral, v.Span(), "INTERVAL needs a unit, as in INTERVAL '5' MINUTE")
		return 0, false
	}
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
func isAggregate(call *grammar.Call) bool {
	ok := isAggregateName(strings.ToUpper(call.Name.Name))
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

// readsWindowBound reports whether e reads the bounds of the query's window (_window_start, WINDOWEND,
// TUMBLE_START(), ...): a SELECT DISTINCT item that does is not a key of its own.
func readsWindowBound(e grammar.Expr, src *Source) bool {
	found := false
	walkExpr(e, func(x grammar.Expr) {
		switch v := x.(type) {
		case *grammar.Column:
			lower := strings.ToLower(v.Name.Name)
			found = found || v.Qualifier == nil && (lower == "_window_start" || lower == "_window_end" ||
				(lower == "windowstart" || lower == "windowend") && src.field(v.Name.Name) == nil)
		case *grammar.Call:
			_, bound := windowBoundFuncs[strings.ToUpper(v.Name.Name)]
			found = found || bound
		}
	})
	return found
}

// selectsOver reports whether a SELECT item calls a window function.
func selectsOver(sel *grammar.Select) bool {
	for _, it := range sel.Items {
		if it.Expr != nil && hasOver(it.Expr) {
			return true
		}
	}
	return false
}

// hasOver reports whether e calls a window function.
func hasOver(e grammar.Expr) bool {
	found := false
	walkExpr(e, func(x grammar.Expr) {
		if call, ok := x.(*grammar.Call); ok && call.Over != nil {
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
	case *grammar.IsDistinct:
		walkExpr(v.X, fn)
		walkExpr(v.Y, fn)
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
	case *grammar.Access:
		walkExpr(v.X, fn)
		walkExpr(v.Index, fn)
	case *grammar.ArrayLit:
		for _, x := range v.Elems {
			walkExpr(x, fn)
		}
	case *grammar.StructLit:
		for i := range v.Keys {
			walkExpr(v.Keys[i], fn)
			walkExpr(v.Values[i], fn)
		}
	}
}

// canon renders an expression in a normal form used to match GROUP BY keys and to share accumulators:
// identifiers folded to lower case, qualifiers of the query's own source dropped, parentheses removed.
func canon(e grammar.Expr, tag func(*grammar.Column) string) string {
	c := canonText{tag: tag}
	c.sub(e)
	return c.b.String()
}

// canon is the normal form of e in the query: a column's says which relation it reads (colTag).
func (qc *qctx) canon(e grammar.Expr) string { return canon(e, qc.colTag) }

// canonOut receives the normal form of one expression node from canonNode: its own text, and its operands.
type canonOut interface {
	str(s string)
	sub(e grammar.Expr)
	col(v *grammar.Column) string // which relation the column reads, as colTag says; "" without joins
}

// canonText writes the whole normal form as text.
type canonText struct {
	b   strings.Builder
	tag func(*grammar.Column) string
}

func (c *canonText) str(s string)       { c.b.WriteString(s) }
func (c *canonText) sub(e grammar.Expr) { canonNode(e, c) }
func (c *canonText) col(v *grammar.Column) string {
	if c.tag == nil {
		return ""
	}
	return c.tag(v)
}

// canonHashes hashes normal forms, remembering each node's hash, so that matching every node of an expression
// against the GROUP BY keys costs time linear in the expression's size; two expressions whose normal forms are
// equal have equal hashes.
type canonHashes struct {
	m   map[grammar.Expr]uint64
	tag func(*grammar.Column) string // as canonText's
}

// of returns the hash of e's normal form.
func (m canonHashes) of(e grammar.Expr) uint64 {
	for {
		p, ok := e.(*grammar.Paren)
		if !ok {
			break
		}
		e = p.X
	}
	if h, ok := m.m[e]; ok {
		return h
	}
	w := canonHash{m: m, h: fnv.New64a()}
	canonNode(e, &w)
	h := w.h.Sum64()
	if e != nil {
		m.m[e] = h
	}
	return h
}

// canonHash hashes one node: its text, and the hashes of its operands in place of their text.
type canonHash struct {
	m canonHashes
	h hash.Hash64
	n [9]byte
}

func (c *canonHash) str(s string) { c.h.Write([]byte(s)) }
func (c *canonHash) col(v *grammar.Column) string {
	if c.m.tag == nil {
		return ""
	}
	return c.m.tag(v)
}
func (c *canonHash) sub(e grammar.Expr) {
	c.n[0] = 0 // a byte no text contains before each operand's hash, so that text and hashes cannot run together
	binary.LittleEndian.PutUint64(c.n[1:], c.m.of(e))
	c.h.Write(c.n[:])
}

// canonNode writes the normal form of one node to o, with its operands through o.sub.
func canonNode(e grammar.Expr, o canonOut) {
	list := func(xs []grammar.Expr) {
		for i, x := range xs {
			if i > 0 {
				o.str(",")
			}
			o.sub(x)
		}
	}
	switch v := e.(type) {
	case nil:
		o.str("<nil>")
	case *grammar.Paren:
		o.sub(v.X)
	case *grammar.ArrayLit:
		o.str("(array ")
		list(v.Elems)
		o.str(")")
	case *grammar.StructLit:
		o.str(fmt.Sprintf("(struct %v ", v.Map))
		for i := range v.Keys {
			o.sub(v.Keys[i])
			o.str(":")
			o.sub(v.Values[i])
			o.str(",")
		}
		o.str(")")
	case *grammar.Access:
		o.str("(access ")
		o.sub(v.X)
		if v.Field != nil {
			o.str(" ." + strings.ToLower(v.Field.Name) + ")")
		} else {
			o.str(" [")
			o.sub(v.Index)
			o.str("])")
		}
	case *grammar.Literal:
		o.str(fmt.Sprintf("lit%d:%q", v.Kind, v.Text))
	case *grammar.Interval:
		o.str(fmt.Sprintf("interval(%q,%s)", v.Value, v.Unit))
	case *grammar.Column:
		// Column lookup ignores case (quoted or not), so key matching must too.
		o.str("col:" + o.col(v) + strings.ToLower(v.Name.Name))
	case *grammar.Unary:
		o.str("(" + v.Op + " ")
		o.sub(v.X)
		o.str(")")
	case *grammar.Binary:
		o.str("(" + v.Op + " ")
		o.sub(v.L)
		o.str(" ")
		o.sub(v.R)
		o.str(")")
	case *grammar.IsNull:
		o.str(fmt.Sprintf("(isnull %v ", v.Not))
		o.sub(v.X)
		o.str(")")
	case *grammar.In:
		o.str(fmt.Sprintf("(in %v ", v.Not))
		o.sub(v.X)
		o.str(" ")
		list(v.List)
		o.str(")")
	case *grammar.Between:
		o.str(fmt.Sprintf("(between %v ", v.Not))
		list([]grammar.Expr{v.X, v.Low, v.High})
		o.str(")")
	case *grammar.Like:
		o.str(fmt.Sprintf("(like %v ", v.Not))
		list([]grammar.Expr{v.X, v.Pattern})
		o.str(")")
	case *grammar.Case:
		o.str("(case ")
		if v.Operand != nil {
			o.sub(v.Operand)
		}
		for _, w := range v.Whens {
			o.str(" when ")
			o.sub(w.Cond)
			o.str(" then ")
			o.sub(w.Then)
		}
		if v.Else != nil {
			o.str(" else ")
			o.sub(v.Else)
		}
		o.str(")")
	case *grammar.Cast:
		o.str("(cast ")
		o.sub(v.X)
		o.str(" " + v.Type.Name + strings.Join(v.Type.Args, ",") + ")")
	case *grammar.Extract:
		o.str("(extract " + strings.ToUpper(v.Part.Name) + " ")
		o.sub(v.X)
		o.str(")")
	case *grammar.Call:
		o.str(fmt.Sprintf("(%s %v %v ", strings.ToUpper(v.Name.Name), v.Star, v.Distinct))
		list(v.Args)
		if v.WithinGroup != nil {
			o.str(" within")
			for _, it := range v.WithinGroup.OrderBy {
				o.str(fmt.Sprintf(" %v ", it.Desc))
				o.sub(it.Expr)
			}
		}
		o.str(")")
	default:
		o.str(fmt.Sprintf("%T", e))
	}
}

// fromHint says how to complete a query without FROM, given the sources declared so far.
func fromHint(sources []*Source) string {
	switch len(sources) {
	case 0:
		return "declare one with CREATE STREAM name (...) WITH (...) and add FROM name"
	case 1:
		return "add FROM " + sources[0].Name
	}
	return "add FROM and a stream's name, such as FROM " + sources[0].Name
}
