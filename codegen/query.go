// Queries: one operator type per query with a typed key, a typed state struct holding inlined accumulators,
// a process method per record, an emit method per group, and end for the end of bounded input.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

func queryType(q *compiler.Query) string    { return lowerFirst(q.GoName) + "Query" }
func keyType(q *compiler.Query) string      { return lowerFirst(q.GoName) + "Key" }
func stateType(q *compiler.Query) string    { return lowerFirst(q.GoName) + "State" }
func newQueryFunc(q *compiler.Query) string { return "new" + q.GoName + "Query" }
func keyField(k *compiler.Key) string       { return k.GoName }
func aggField(a *compiler.Agg) string       { return fmt.Sprintf("a%d", a.Index) }

// toKey converts a value to the type a GROUP BY key or DISTINCT value is stored as (keyKind): DOUBLEs as
// rt.FloatKey bits, so all NaNs (and -0 and 0) compare equal as map keys.
func toKey(t compiler.Type, v jen.Code) jen.Code {
	if t.Kind == compiler.Double {
		return jen.Qual(rtPath, "FloatKey").Call(v)
	}
	return v
}

// hasAggRef reports whether a group expression reads an accumulator (retractions write such columns as NULL).
func hasAggRef(e compiler.Expr) bool {
	switch x := e.(type) {
	case *compiler.AggRef:
		return true
	case *compiler.Unary:
		return hasAggRef(x.X)
	case *compiler.Binary:
		return hasAggRef(x.L) || hasAggRef(x.R)
	case *compiler.IsNull:
		return hasAggRef(x.X)
	case *compiler.In:
		if hasAggRef(x.X) {
			return true
		}
		for _, y := range x.List {
			if hasAggRef(y) {
				return true
			}
		}
	case *compiler.Like:
		return hasAggRef(x.X) || hasAggRef(x.Pattern)
	case *compiler.Case:
		for _, w := range x.Whens {
			if hasAggRef(w.Cond) || hasAggRef(w.Then) {
				return true
			}
		}
		return hasAggRef(x.Else)
	case *compiler.Cast:
		return hasAggRef(x.X)
	case *compiler.Func:
		for _, y := range x.Args {
			if hasAggRef(y) {
				return true
			}
		}
	}
	return false
}

// sqlConst names the constant holding q's statement.
func sqlConst(q *compiler.Query) string { return lowerFirst(q.GoName) + "SQL" }

func (g *gen) genQuery(q *compiler.Query) {
	if q.Kind == compiler.Windowing {
		g.genOverQuery(q)
		return
	}
	qt := queryType(q)
	sqlConst := sqlConst(q)
	g.f.Comment(commentf("%s is the statement at %s:%d.", sqlConst, q.Loc.File, q.Loc.Line))
	g.f.Const().Id(sqlConst).Op("=").Add(rawString(q.Loc.Text))
	g.f.Line()

	fields := []jen.Code{
		jen.Id("src").Op("*").Qual(rtPath, "Source"),
		jen.Id("sink").Op("*").Qual(rtPath, "Sink"),
	}
	init := jen.Dict{jen.Id("src"): jen.Id("src"), jen.Id("sink"): jen.Id("sink")}
	if q.Grouped {
		g.genKeyAndState(q)
		kt, st := jen.Id(keyType(q)), jen.Id(stateType(q))
		if q.Window != nil {
			fields = append(fields,
				jen.Id("windows").Op("*").Add(g.windowsType(q, kt, st)),
				jen.Id("wm").Op("*").Qual(rtPath, "Watermark"))
			init[jen.Id("windows")] = g.newWindows(q, kt, st)
			init[jen.Id("wm")] = jen.Qual(rtPath, "NewWatermark").Call(jen.Lit(q.Source.MaxOutOfOrder + q.Window.Grace))
		} else if q.TTL > 0 {
			// SELECT DISTINCT with 'state.ttl': the rows seen, each forgotten TTL after it was last seen
			fields = append(fields,
				jen.Id("seen").Op("*").Qual(rtPath, "Dedup").Types(kt, st),
				jen.Id("wm").Op("*").Qual(rtPath, "Watermark"))
			init[jen.Id("seen")] = jen.Qual(rtPath, "NewDedup").Types(kt, st).Call(jen.Lit(q.TTL))
			init[jen.Id("wm")] = jen.Qual(rtPath, "NewWatermark").Call(jen.Lit(q.Source.MaxOutOfOrder))
		} else {
			fields = append(fields, jen.Id("groups").Op("*").Qual(rtPath, "Groups").Types(kt, st))
			init[jen.Id("groups")] = jen.Qual(rtPath, "NewGroups").Types(kt, st).Call()
		}
	}
	fields = append(fields, keyBufFields(q)...)   // nestcmp.go
	fields = append(fields, topFields(q)...)      // topn.go
	fields = append(fields, g.joinFields(q)...)   // join.go
	fields = append(fields, g.readerFields(q)...) // graph.go
	fields = append(fields, intervalFields(q)...) // interval.go
	fields = append(fields, metricFields(q)...)   // metrics.go
	g.f.Comment(commentf("%s runs the query %s (see %s): it reads %q and writes %q.", qt, q.Name, sqlConst, q.Source.Name, q.Sink.Name))
	g.f.Type().Id(qt).Struct(fields...)
	g.f.Line()
	var track []jen.Code
	if q.Grouped && q.Window != nil {
		track = []jen.Code{jen.Id("q").Dot("windows"), jen.Id("q").Dot("wm")}
	} else if q.TTL > 0 {
		track = []jen.Code{jen.Id("q").Dot("seen"), jen.Id("q").Dot("wm")}
	} else if q.Grouped {
		track = []jen.Code{jen.Id("q").Dot("groups")}
	}
	ownsKeys := q.Grouped && q.OwnsKeys
	if track == nil && !q.Batch {
		g.f.Func().Id(newQueryFunc(q)).Params(jen.Id("src").Op("*").Qual(rtPath, "Source"), jen.Id("sink").Op("*").Qual(rtPath, "Sink")).Op("*").Id(qt).Block(
			jen.Return(jen.Op("&").Id(qt).Values(init)),
		)
	} else if track == nil {
		body := append([]jen.Code{jen.Id("q").Op(":=").Op("&").Id(qt).Values(init)}, topSetup(q)...)
		g.f.Func().Id(newQueryFunc(q)).Params(jen.Id("src").Op("*").Qual(rtPath, "Source"), jen.Id("sink").Op("*").Qual(rtPath, "Sink")).Op("*").Id(qt).Block(
			append(body, jen.Return(jen.Id("q")))...,
		)
	} else {
		body := []jen.Code{jen.Id("q").Op(":=").Op("&").Id(qt).Values(init)}
		if q.Changelog {
			body = append(body, jen.Comment("a Kafka source keeps the state in a changelog topic, and restores it from there"),
				jen.Add(track[0]).Dot("Log").Call(jen.Lit(q.Name), jen.Id(codecVar(q))))
		}
		body = append(body,
			jen.Comment("the source commits no offset its records in this state still need, and resets it on a rebalance"),
			jen.Id("src").Dot("Track").Call(track...),
			jen.Comment("messages about memory name the query"),
			jen.Add(track[0]).Dot("Label").Call(jen.Lit(q.Name), jen.Lit(fmt.Sprintf("%s:%d:%d", q.Loc.File, q.Loc.Line, q.Loc.Col))),
		)
		if g.plan.StateOverflow == "spill" && windowSpills(q) && q.TTL == 0 {
			ordered := q.Emit == compiler.EmitFinal
			why := "groups beyond the memory budget go to disk ('state.overflow' = 'spill'); EMIT CHANGES never lists them"
			if ordered {
				why = "groups beyond the memory budget go to disk ('state.overflow' = 'spill'), listed back in first-seen order"
			}
			body = append(body, jen.Comment(why), jen.Add(track[0]).Dot("Spill").Call(jen.Id(codecVar(q)), jen.Lit(ordered)))
		}
		if ownsKeys {
			body = append(body, jen.Comment("strings of new keys are copied: the decoders' strings view the record being read"),
				jen.Add(track[0]).Dot("OwnKeys").Call(jen.Parens(jen.Op("*").Id(keyType(q))).Dot("own")))
		}
		if q.StringKey && windowHashes(q) && q.TTL == 0 {
			body = append(body, jen.Comment("a cache of recent keys in front of the map, indexed by a cheap hash of the key's text"),
				jen.Add(track[0]).Dot("HashKeys").Call(jen.Id(keyType(q)).Dot("hash")))
		}
		body = append(body, windowSetup(q)...)
		body = append(body, topSetup(q)...)
		g.f.Func().Id(newQueryFunc(q)).Params(jen.Id("src").Op("*").Qual(rtPath, "Source"), jen.Id("sink").Op("*").Qual(rtPath, "Sink")).Op("*").Id(qt).Block(
			append(body, jen.Return(jen.Id("q")))...,
		)
	}
	g.f.Line()
	if ownsKeys {
		var owns []jen.Code
		for _, k := range q.Keys {
			if k.Expr.Type().Kind == compiler.Varchar || k.Expr.Type().IsNested() {
				owns = append(owns, jen.Id("k").Dot(keyField(k)).Op("=").Qual(rtPath, "Own").Call(jen.Id("k").Dot(keyField(k))))
			}
		}
		g.f.Comment("own copies the strings of a new group's key, which view the current record, before the key is stored.")
		g.f.Func().Params(jen.Id("k").Op("*").Id(keyType(q))).Id("own").Params().Block(owns...)
		g.f.Line()
	}
	if q.StringKey && windowHashes(q) && q.TTL == 0 {
		g.f.Comment("hash is the cheap hash of the key for the groups' cache of recent keys.")
		g.f.Func().Params(jen.Id("k").Id(keyType(q))).Id("hash").Params().Uint64().Block(
			jen.Return(jen.Qual(rtPath, "HashString").Call(jen.Id("k").Dot(keyField(q.Keys[0])))))
		g.f.Line()
	}
	if q.Grouped && q.Window != nil {
		closeFn := g.closeFn(q)
		g.f.Comment("tick closes the windows the watermark passed without a record of this query, as when partitions go idle.")
		g.f.Func().Params(jen.Id("q").Op("*").Id(qt)).Id("tick").Params().Error().Block(
			jen.If(jen.Id("q").Dot("wm").Dot("Refresh").Call()).Block(
				jen.Return(endBatch(q, jen.Id("q").Dot("windows").Dot("CloseUpTo").Call(jen.Id("q").Dot("wm").Dot("Current").Call(), closeFn))),
			),
			jen.Return(jen.Nil()),
		)
		g.f.Line()
	}
	if q.TTL > 0 {
		g.f.Comment("tick forgets the distinct rows the watermark passed without a record of this query, as when partitions go idle.")
		g.f.Func().Params(jen.Id("q").Op("*").Id(qt)).Id("tick").Params().Error().Block(
			jen.If(jen.Id("q").Dot("wm").Dot("Refresh").Call()).Block(
				jen.Id("q").Dot("seen").Dot("Expire").Call(jen.Id("q").Dot("wm").Dot("Current").Call()),
			),
			jen.Return(jen.Nil()),
		)
		g.f.Line()
	}
	if q.Relays {
		var body []jen.Code
		for _, r := range g.plan.Readers(g.plan.Feeds(q)) {
			if r.Follows || r.Relays {
				body = append(body, jen.If(jen.Err().Op(":=").Id("q").Dot(readerField(r)).Dot("follow").Call(jen.Id("wm")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			}
		}
		g.f.Comment("follow passes the watermark of the join whose rows the query passes on to the queries that read its stream.")
		g.f.Func().Params(jen.Id("q").Op("*").Id(qt)).Id("follow").Params(jen.Id("wm").Int64()).Error().Block(append(body, jen.Return(jen.Nil()))...)
		g.f.Line()
	}
	if q.Follows {
		g.f.Comment("follow moves the watermark to that of the join writing the stream the query reads (less its GRACE PERIOD), and closes the windows it passes.")
		g.f.Func().Params(jen.Id("q").Op("*").Id(qt)).Id("follow").Params(jen.Id("wm").Int64()).Error().Block(
			jen.If(jen.Id("wm").Op(">").Qual("math", "MinInt64").Op("+").Lit(int(q.Window.Grace)).Op("&&").Id("q").Dot("wm").Dot("Follow").Call(jen.Id("wm").Op("-").Lit(int(q.Window.Grace)))).Block(
				jen.Return(endBatch(q, jen.Id("q").Dot("windows").Dot("CloseUpTo").Call(jen.Id("q").Dot("wm").Dot("Current").Call(), g.closeFn(q))))),
			jen.Return(jen.Nil()))
		g.f.Line()
	}
	if q.Admit {
		g.genAdmit(q)
	}
	g.genJoinFills(q)  // join.go
	g.genInterval(q)   // interval.go
	g.genJoinStages(q) // join.go
	g.genProcess(q)
	if q.Grouped {
		g.genEmit(q)
	}
	if q.Window != nil {
		g.genWindowMethods(q) // window.go
	}
	if q.Batch {
		g.genTopRow(q) // topn.go
	}
	g.genEnd(q)
	if g.mergeable {
		g.genMerge(q)
	}
}

func (g *gen) genKeyAndState(q *compiler.Query) {
	g.f.Comment(commentf("%s is the GROUP BY key of %s.", keyType(q), q.Name))
	g.f.Type().Id(keyType(q)).Struct(structOf(keyFields(q))...)
	g.f.Line()
	g.f.Comment(commentf("%s holds the accumulators of one group of %s.", stateType(q), q.Name))
	g.f.Type().Id(stateType(q)).Struct(structOf(stateFields(q))...)
	g.f.Line()
	if g.plan.StateOverflow == "spill" || q.Changelog {
		g.genCodec(q)
	}
}

func comment(prefix string, e compiler.Expr) jen.Code {
	return jen.Comment(commentText(prefix + " " + compiler.ExprString(e)))
}

// genAdmit emits the check that rejects a record q cannot take. The source's handler runs it, for every query,
// before any query processes the record.
func (g *gen) genAdmit(q *compiler.Query) {
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r", q: q}
	where := q.Where
	if q.StageWhere != nil {
		where = q.StageWhere[0] // a WHERE over joined rows is not known yet
	}
	if where != nil {
		// A record the query filters out needs no event time.
		f.emit(comment("WHERE", where))
		w := f.expr(where)
		cond := jen.Op("!").Add(w.v)
		if !w.nonNull {
			cond = jen.Add(w.n).Op("||").Op("!").Add(w.v)
		}
		f.emit(jen.If(cond).Block(jen.Return(jen.Nil())))
	}
	var tx compiler.Expr
	reason, what := "NULL event time in a windowed query", "put in a window"
	if q.Window != nil {
		tx = q.Window.Time
	} else if q.TTLTime != nil {
		tx = q.TTLTime
		reason, what = "NULL event time in a SELECT DISTINCT with 'state.ttl'", "remember"
	} else {
		tx = q.Over.Time
	}
	t := f.expr(tx)
	f.discard(t) // only its NULL flag decides
	f.emit(
		jen.If(t.n).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
			jen.Id("Field"):  jen.Lit(compiler.ExprString(tx)),
			jen.Id("Reason"): jen.Lit(reason),
		}))),
		jen.Return(jen.Nil()),
	)
	g.f.Comment(commentf("admit rejects a record %s cannot %s: one without an event time.", q.Name, what))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("admit").Params(jen.Id("r").Op("*").Id(recordType(q.Source))).Error().Block(body...)
	g.f.Line()
}

// where emits q's WHERE: a record that fails it leaves process. With an event time (a window, or OVER ordered by
// time) the record still moves the watermark (observe), which follows every record the source reads, not only
// those that pass WHERE: a filtered record still closes the windows, or hands over the rows, it moves past.
func (g *gen) where(f *fn, q *compiler.Query, time compiler.Expr, observe func(ts jen.Code) jen.Code) {
	if q.StageWhere != nil {
		g.whereOf(f, q.StageWhere[len(q.Joins)], time, observe) // the rest of WHERE, on the joined row
		return
	}
	g.whereOf(f, q.Where, time, observe)
}

// whereOf emits the test of where (nil: none) that a record leaves process by, as where does.
func (g *gen) whereOf(f *fn, where compiler.Expr, time compiler.Expr, observe func(ts jen.Code) jen.Code) {
	if where == nil {
		return
	}
	f.emit(comment("WHERE", where))
	w := f.expr(where)
	cond := jen.Op("!").Add(w.v)
	if !w.nonNull {
		cond = jen.Add(w.n).Op("||").Op("!").Add(w.v)
	}
	filtered := []jen.Code{jen.Return(jen.Nil())}
	if time != nil {
		filtered = f.block(func() {
			t := f.expr(time)
			if t.nonNull {
				f.emit(observe(t.v))
			} else {
				f.emit(jen.If(jen.Op("!").Add(t.n)).Block(observe(t.v)))
			}
			f.emit(jen.Return(jen.Nil()))
		})
	}
	f.emit(jen.If(cond).Block(filtered...))
}

func (g *gen) genProcess(q *compiler.Query) {
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r", q: q}
	var time compiler.Expr
	if q.Window != nil {
		time = q.Window.Time
	} else if q.TTL > 0 {
		time = q.TTLTime
	}
	if q.Changelog {
		state := "groups"
		if q.Window != nil {
			state = "windows"
		}
		f.emit(jen.Comment("a record the state restored from its changelog already holds, replayed for other state"),
			jen.If(jen.Id("q").Dot(state).Dot("Replayed").Call()).Block(jen.Return(jen.Nil())))
	}
	g.where(f, q, time, func(ts jen.Code) jen.Code { return g.observe(q, ts) })
	if !q.Grouped {
		f.emit(jen.Comment("SELECT"))
		switch {
		case q.Batch:
			g.collectRow(f, q, jen.Lit(0))
		case q.Limit > 0:
			limitRow(f, q)
			g.writeRow(f, q, false)
		case q.Explode != nil:
			g.explodeRows(f, q) // nested.go
		default:
			g.writeRow(f, q, false)
		}
	} else {
		g.genGroupUpdate(f, q)
	}
	params := stageParams(q, len(q.Joins))
	name := stageFunc(q, len(q.Joins))
	switch {
	case len(q.Joins) > 0 && q.Window != nil:
		g.f.Comment(commentf("row runs %s for one record joined with its tables' rows; it sets *late if the record's window has closed.", q.Name))
	case len(q.Joins) > 0:
		g.f.Comment(commentf("row runs %s for one record joined with its tables' rows.", q.Name))
	case q.Window != nil:
		g.f.Comment(commentf("process runs %s for one record; it sets *late if the record's window has closed.", q.Name))
	default:
		g.f.Comment(commentf("process runs %s for one record.", q.Name))
	}
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id(name).Params(params...).Error().Block(body...)
	g.f.Line()
}

// writeRow evaluates the output columns and writes one row; in a retraction, columns that read accumulators
// are written as NULL.
func (g *gen) writeRow(f *fn, q *compiler.Query, retract bool) {
	f.emit(jen.Return(g.writeRowTo(f, q, retract)))
}

// writeRowExpr emits the statements that write q's output row (not a retraction) and returns the expression
// that ends it, whose value is the write's error.
func (g *gen) writeRowExpr(f *fn, q *compiler.Query) jen.Code { return g.writeRowTo(f, q, false) }

// writeRowTo emits the statements of a row (a retraction when retract is set) and returns the expression that
// ends it.
func (g *gen) writeRowTo(f *fn, q *compiler.Query, retract bool) jen.Code {
	vals := make([]val, len(q.Columns))
	for i, c := range q.Columns {
		if retract && hasAggRef(c.Expr) {
			vals[i] = val{v: zeroOf(c.Type), n: jen.True()}
			continue
		}
		vals[i] = f.expr(c.Expr)
	}
	return g.writeValsTo(f, q, vals, retract)
}

// writeVals emits the statements that write a row of the values vals of q's output columns, and returns.
func (g *gen) writeVals(f *fn, q *compiler.Query, vals []val) {
	f.emit(jen.Return(g.writeValsTo(f, q, vals, false)))
}

// writeValsTo emits the statements of a row of the values vals (a retraction when retract is set) and returns
// the expression that ends it.
func (g *gen) writeValsTo(f *fn, q *compiler.Query, vals []val, retract bool) jen.Code {
	g.putRow(f, q, vals, retract) // join.go: a query that builds a table
	g.feedRow(f, q, vals)         // graph.go: a query that writes a stream later queries read
	if !retract {
		g.measure(f, q, vals) // metrics.go: a query whose statement declares metrics
	}
	if g.plan.Feeds(q) != nil && q.Sink.Type == "none" && !retract && q.Over == nil {
		// The stream's rows went to its readers; its sink writes nowhere unless --sink says otherwise. (Every
		// caller but window functions' returns what writeValsTo gives back at once.)
		f.emit(jen.If(jen.Id("q").Dot("sink").Dot("Discard").Call()).Block(jen.Return(jen.Nil())))
	}
	f.emit(jen.Id("row").Op(":=").Id("q").Dot("sink").Dot("Begin").Call())
	for i, c := range q.Columns {
		if c.Type.IsNested() {
			writeNested(f, q.Sink, i, c.Type, vals[i]) // nested.go
			continue
		}
		args := []jen.Code{vals[i].v}
		if c.Type.Kind == compiler.Decimal {
			args = append(args, jen.Lit(int(c.Type.Scale)))
		}
		args = append(args, vals[i].n)
		f.emit(jen.Id("row").Dot(rowMethod(c.Type)).Call(args...).Comment(commentText(c.Name)))
	}
	if retract {
		f.emit(jen.Id("row").Dot("Retract").Call())
	}
	g.writeKey(f, q, vals)
	return jen.Id("row").Dot("End").Call()
}

// writeKey writes the message key of a Kafka sink's row: the 'key.field' column, or the GROUP BY keys and the
// window start (see compiler.Sink.Key).
func (g *gen) writeKey(f *fn, q *compiler.Query, vals []val) {
	k := q.Sink
	if k.Type != "kafka_sink" || len(k.Key) == 0 {
		return
	}
	part := func(t compiler.Type, v val, name string) {
		args := []jen.Code{v.v}
		if t.Kind == compiler.Decimal {
			args = append(args, jen.Lit(int(t.Scale)))
		}
		args = append(args, v.n)
		f.emit(jen.Id("row").Dot("Key" + rowMethod(t)).Call(args...).Comment(commentText("key: " + name)))
	}
	if k.KeyColumn >= 0 {
		c := q.Columns[k.KeyColumn]
		part(c.Type, vals[k.KeyColumn], c.Name)
		return
	}
	for _, key := range q.Keys {
		part(key.Expr.Type(), f.expr(&compiler.KeyRef{Key: key}), key.Name)
	}
	if q.Window != nil {
		part(compiler.TTimestamp, val{v: jen.Id("start"), n: jen.False()}, "window_start")
	}
}

func (g *gen) genGroupUpdate(f *fn, q *compiler.Query) {
	if windowPath(q) {
		g.genWindowUpdate(f, q) // window.go: hopping and session windows, late-data strategies
		return
	}
	if w := q.Window; w != nil {
		f.emit(jen.Comment(commentf("WINDOW TUMBLING(%s, %dms)", compiler.ExprString(w.Time), w.Size)))
		t := f.expr(w.Time)
		if !t.nonNull {
			f.emit(jen.Comment("admit has rejected records without an event time"))
		}
		f.emit(
			jen.Id("ts").Op(":=").Add(t.v),
			jen.Id("start").Op(":=").Qual(rtPath, "TumbleStart").Call(jen.Id("ts"), jen.Lit(w.Size)),
			jen.If(jen.Id("q").Dot("wm").Dot("Closed").Call(jen.Id("start").Op("+").Lit(w.Size))).Block(
				jen.Comment("the window closed before this record arrived: drop it; the source counts it once"),
				jen.Op("*").Id("late").Op("=").True(),
				jen.Return(jen.Nil()),
			),
		)
	}
	if q.TTL > 0 {
		t := f.expr(q.TTLTime)
		if !t.nonNull {
			f.emit(jen.Comment("admit has rejected records without an event time"))
		}
		f.emit(jen.Id("ts").Op(":=").Add(t.v), g.observe(q, jen.Id("ts")))
	}
	g.genKey(f, q)
	created := jen.Id("_")
	dedup := q.Distinct && q.Emit == compiler.EmitChanges
	if dedup {
		created = jen.Id("created")
	}
	switch {
	case q.Window != nil:
		f.emit(jen.List(jen.Id("s"), created).Op(":=").Id("q").Dot("windows").Dot("Get").Call(jen.Id("start"), jen.Id("k")))
	case q.TTL > 0:
		f.emit(jen.Comment(commentf("'state.ttl' = %dms: a row is new again once the watermark reaches the time it was last seen plus the TTL", q.TTL)))
		f.emit(jen.List(jen.Id("s"), created).Op(":=").Id("q").Dot("seen").Dot("Get").Call(jen.Id("k"), jen.Id("ts"), jen.Id("q").Dot("wm").Dot("Current").Call()))
	default:
		f.emit(jen.List(jen.Id("s"), created).Op(":=").Id("q").Dot("groups").Dot("Get").Call(jen.Id("k")))
	}
	g.genAggUpdates(f, q)
	start := jen.Code(jen.Lit(0))
	if q.Window != nil {
		start = jen.Id("start")
	}
	if q.Emit == compiler.EmitChanges {
		emit := jen.If(jen.Err().Op(":=").Id("q").Dot("emit").Call(start, jen.Op("&").Id("k"), jen.Id("s")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		switch {
		case dedup && q.TTL > 0:
			emit = jen.If(jen.Id("created")).Block(jen.Comment("SELECT DISTINCT: a row's values are written when first seen, or first seen again after they expired"), emit)
		case dedup:
			emit = jen.If(jen.Id("created")).Block(jen.Comment("SELECT DISTINCT: a row's values are written when first seen"), emit)
		}
		f.emit(emit)
	}
	if q.Window != nil {
		f.emit(g.observe(q, jen.Id("ts")))
	}
	f.emit(jen.Return(jen.Nil()))
}

// genKey emits k, the GROUP BY key of the current record.
func (g *gen) genKey(f *fn, q *compiler.Query) {
	if len(q.Keys) > 0 {
		f.emit(jen.Comment("GROUP BY"))
	}
	f.emit(jen.Var().Id("k").Id(keyType(q)))
	for _, k := range q.Keys {
		v := f.expr(k.Expr)
		if t := k.Expr.Type(); t.IsNested() {
			set := func() []jen.Code {
				return f.block(func() { f.emit(jen.Id("k").Dot(keyField(k)).Op("=").Add(f.nestedKey(t, v.v, keyBuf(k)))) })
			}
			if k.Nullable {
				f.emit(jen.Id("k").Dot(keyField(k)+"Null").Op("=").Add(v.n), jen.If(jen.Op("!").Add(v.n)).Block(set()...))
			} else {
				f.emit(set()...)
			}
			continue
		}
		if k.Nullable {
			f.emit(
				jen.List(jen.Id("k").Dot(keyField(k)), jen.Id("k").Dot(keyField(k)+"Null")).Op("=").List(toKey(k.Expr.Type(), v.v), v.n),
				jen.If(jen.Id("k").Dot(keyField(k)+"Null")).Block(jen.Id("k").Dot(keyField(k)).Op("=").Add(zeroOf(k.Expr.Type())).Comment("all NULL keys form one group")),
			)
		} else {
			f.emit(jen.Id("k").Dot(keyField(k)).Op("=").Add(toKey(k.Expr.Type(), v.v)))
		}
	}
}

// genAggUpdates folds the current record into every accumulator of s.
func (g *gen) genAggUpdates(f *fn, q *compiler.Query) {
	if len(q.Aggs) == 0 && q.Emit != compiler.EmitChanges {
		f.emit(jen.Id("_").Op("=").Id("s").Comment("no accumulators: the group only has to exist"))
	}
	for _, a := range q.Aggs {
		f.emit(jen.Comment(commentText(a.Loc.Text)))
		f.emit(jen.Block(f.block(func() { f.aggUpdate(a) })...))
	}
}

// observe is the statement that advances q's watermark to event time ts and closes the windows it passed (or, for
// a SELECT DISTINCT with 'state.ttl', releases the rows it passed).
func (g *gen) observe(q *compiler.Query, ts jen.Code) jen.Code {
	if q.TTL > 0 {
		return jen.If(jen.Id("q").Dot("wm").Dot("Observe").Call(ts)).Block(
			jen.Comment("the watermark moved: release the distinct rows it passed"),
			jen.Id("q").Dot("seen").Dot("Expire").Call(jen.Id("q").Dot("wm").Dot("Current").Call()),
		)
	}
	if q.Follows {
		return jen.Null() // the join that writes its stream moves its watermark (follow)
	}
	closeFn := g.closeFn(q)
	return jen.If(jen.Id("q").Dot("wm").Dot("Observe").Call(ts)).Block(
		jen.Comment("the watermark moved: close every window that ended at or before it"),
		jen.Return(endBatch(q, jen.Id("q").Dot("windows").Dot("CloseUpTo").Call(jen.Id("q").Dot("wm").Dot("Current").Call(), closeFn))),
	)
}

// needDropWindow emits, once per file, the callback that discards closed windows of EMIT CHANGES queries.
func (g *gen) needDropWindow() {
	if g.dropWindowDone {
		return
	}
	g.dropWindowDone = true
	g.f.Comment("dropWindow discards a closed window whose rows were already emitted as changes.")
	g.f.Func().Id("dropWindow").Types(jen.Id("K").Comparable(), jen.Id("S").Any()).Params(jen.Id("int64"), jen.Op("*").Id("K"), jen.Op("*").Id("S")).Error().Block(jen.Return(jen.Nil()))
	g.f.Line()
}

// genMerge emits merge, which folds another worker's groups into q's (see rt Context.Parallel). The other
// worker read a later part of the input, which is what FIRST_VALUE and LAST_VALUE need to know.
func (g *gen) genMerge(q *compiler.Query) {
	var body []jen.Code
	f := &fn{g: g, q: q, merge: true}
	body = append(body, jen.List(jen.Id("d"), jen.Id("_")).Op(":=").Id("q").Dot("groups").Dot("Get").Call(jen.Op("*").Id("k")))
	for _, a := range q.Aggs {
		merge := jen.Id("d").Dot(aggField(a)).Dot("Merge").Call(jen.Op("&").Id("o").Dot(aggField(a)))
		body = append(body, jen.Comment(commentText(a.Loc.Text)))
		if a.Impl.AddFail != "" {
			merge = jen.If(jen.Op("!").Add(merge)).Block(f.fail(a.Loc, a.Impl.AddFail))
		}
		body = append(body, merge)
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Comment("merge folds the groups of another worker's operator into q's; that worker read a later part of the input.")
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("merge").Params(jen.Id("other").Op("*").Id(queryType(q))).Error().Block(
		jen.Return(jen.Id("other").Dot("groups").Dot("Each").Call(jen.Func().Params(jen.Id("k").Op("*").Id(keyType(q)), jen.Id("o").Op("*").Id(stateType(q))).Error().Block(body...))),
	)
	g.f.Line()
}

// aggUpdate folds the current record into accumulator a of state s.
func (f *fn) aggUpdate(a *compiler.Agg) {
	s := jen.Id("s").Dot(aggField(a))
	impl := a.Impl
	if a.Arg == nil { // COUNT(*)
		f.emit(jen.Add(s).Dot("Add").Call())
		return
	}
	x := f.expr(a.Arg)
	at := a.Arg.Type()
	v := x.v
	if impl.Own && at.Kind == compiler.Varchar {
		// The accumulator keeps the value: copy it, since the decoders' strings view the record being read.
		v = jen.Qual(rtPath, "Own").Call(x.v)
	}
	if impl.KeyForm && impl.Add == compiler.AddWithNull {
		// LIST or COLLECT_SET of nested values: the state keeps a copy of each one's key form (nestcmp.go)
		var k jen.Code
		enc := f.block(func() { k = f.nestedKey(at, x.v, aggBuf(a)) })
		add := append(enc, jen.Add(s).Dot("Add").Call(jen.Qual(rtPath, "Own").Call(k), jen.False()))
		if x.nonNull {
			f.emit(add...)
		} else {
			f.emit(jen.If(x.n).Block(jen.Add(s).Dot("Add").Call(jen.Lit(""), jen.True())).Else().Block(add...))
		}
		return
	}
	if impl.KeyForm {
		v = f.nestedKey(at, x.v, aggBuf(a)) // nestcmp.go: the state copies a new extreme
	}
	var add jen.Code
	switch impl.Add {
	case compiler.AddRow:
		if !a.Distinct {
			f.discard(x)
		}
		add = jen.Add(s).Dot("Add").Call()
	case compiler.AddWithNull:
		f.emit(jen.Add(s).Dot("Add").Call(v, x.n))
		return
	case compiler.AddPair:
		// Rows where either argument is NULL do not count; the state copies the strings it keeps.
		y := f.expr(a.Arg2)
		add = jen.Add(s).Dot("Add").Call(x.v, y.v)
		var null *jen.Statement
		for _, z := range []val{x, y} {
			switch {
			case z.nonNull:
			case null == nil:
				null = jen.Add(z.n)
			default:
				null = jen.Parens(jen.Add(null).Op("||").Add(z.n))
			}
		}
		if null != nil {
			add = jen.If(jen.Op("!").Add(null)).Block(add)
		}
		f.emit(add)
		return
	default:
		add = jen.Add(s).Dot("Add").Call(append([]jen.Code{v}, implConsts(impl.AddArgs)...)...)
	}
	if impl.AddFail != "" {
		add = jen.If(jen.Op("!").Add(add)).Block(f.fail(a.Loc, impl.AddFail))
	}
	if a.Distinct {
		set := jen.Id("s").Dot(fmt.Sprintf("d%d", a.Index))
		var first jen.Code
		switch {
		case at.IsNested():
			var k jen.Code
			enc := f.block(func() { k = f.nestedKey(at, x.v, distinctBuf(a)) })
			add = jen.Block(append(enc, jen.If(set.Clone().Dot("AddOwn").Call(k, jen.Qual(rtPath, "Own"))).Block(add))...)
		case at.Kind == compiler.Varchar:
			first = set.Clone().Dot("AddOwn").Call(x.v, jen.Qual(rtPath, "Own"))
		default:
			first = set.Clone().Dot("Add").Call(toKey(at, x.v))
		}
		if first != nil {
			add = jen.If(first).Block(add)
		}
	}
	if x.nonNull {
		f.emit(add)
	} else {
		f.emit(jen.If(jen.Op("!").Add(x.n)).Block(add))
	}
}

// implConsts renders constant arguments of a function or method.
func implConsts(cs []compiler.ImplConst) []jen.Code {
	out := make([]jen.Code, len(cs))
	for i, c := range cs {
		if c.Lit != nil {
			out[i] = jen.Lit(c.Lit)
		} else if c.Name != "" {
			out[i] = jen.Qual(rtPath, c.Name)
		} else {
			out[i] = jen.Lit(int(c.Int))
		}
	}
	return out
}

// aggResult reads accumulator a of state s as a SQL value.
func (f *fn) aggResult(a *compiler.Agg) val {
	impl := a.Impl
	call := jen.Id(f.state).Dot(aggField(a)).Dot(impl.Result).Call(implConsts(impl.ResultArgs)...)
	if impl.ResultForm == compiler.ResultPlain {
		return val{v: call, n: jen.False(), nonNull: true}
	}
	v, n, ok := f.tmp("v"), f.tmp("n"), f.tmp("ok")
	if impl.ResultForm == compiler.ResultOrNullFit {
		fits := f.tmp("fits")
		f.emit(jen.List(jen.Id(v), jen.Id(ok), jen.Id(fits)).Op(":=").Add(call),
			jen.If(jen.Op("!").Id(fits)).Block(f.fail(a.Loc, impl.ResultFail)))
	} else {
		f.emit(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(call))
	}
	f.emit(jen.Id(n).Op(":=").Op("!").Id(ok))
	if impl.KeyForm && impl.Add == compiler.AddWithNull {
		// LIST or COLLECT_SET of nested values: the state holds their key forms (nestcmp.go)
		x := f.tmp("x")
		f.emit(jen.Id(x).Op(":=").Qual(rtPath, "DecodeKeys").Call(jen.Id(v), f.g.decodeKeyFunc(a.Type.N.Elem)))
		return val{v: jen.Id(x), n: jen.Id(n)}
	}
	if impl.KeyForm {
		// MIN or MAX of nested values: the state holds the key form of the extreme value (nestcmp.go)
		x := f.tmp("x")
		f.emit(jen.Id(x).Op(":=").Add(f.fromNestedKey(a.Type, jen.Id(v))))
		return val{v: jen.Id(x), n: jen.Id(n)}
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}

func (g *gen) genEmit(q *compiler.Query) {
	var body []jen.Code
	f := &fn{g: g, body: &body, key: "k", state: "s", q: q}
	params := []jen.Code{jen.Id("start").Int64()}
	if q.Window != nil {
		f.size = q.Window.Size
		if q.Window.Kind == compiler.Session {
			f.end = "end" // a session's end is its last record's time
			params = append(params, jen.Id("end").Int64())
		}
	}
	if q.Sink.Retracts && q.Having == nil {
		f.emit(jen.Id("s").Dot("emitted").Op("=").True().Comment("a later change of the window retracts this row"))
	}
	if q.Having != nil {
		f.emit(comment("HAVING", q.Having))
		h := f.expr(q.Having)
		pass := h.v
		if !h.nonNull {
			pass = jen.Op("!").Add(h.n).Op("&&").Add(h.v)
		}
		f.emit(jen.Id("pass").Op(":=").Add(pass))
		if q.Sink.Retracts {
			retract := f.block(func() {
				f.emit(jen.Id("s").Dot("emitted").Op("=").False())
				g.writeRow(f, q, true)
			})
			f.emit(jen.If(jen.Op("!").Id("pass")).Block(
				jen.If(jen.Id("s").Dot("emitted")).Block(retract...),
				jen.Return(jen.Nil()),
			), jen.Id("s").Dot("emitted").Op("=").True())
		} else {
			f.emit(jen.If(jen.Op("!").Id("pass")).Block(jen.Return(jen.Nil())))
		}
	}
	f.emit(jen.Comment("SELECT"))
	if q.Batch {
		g.collectRow(f, q, jen.Id("start"))
	} else {
		g.writeRow(f, q, false)
	}
	names := make([]string, len(q.Columns))
	for i, c := range q.Columns {
		names[i] = c.Name
	}
	g.f.Comment(commentf("emit writes the row of one group (%s), if it passes HAVING.", strings.Join(names, ", ")))
	params = append(params, jen.Id("k").Op("*").Id(keyType(q)), jen.Id("s").Op("*").Id(stateType(q)))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("emit").Params(params...).Error().Block(body...)
	g.f.Line()
}

func (g *gen) genEnd(q *compiler.Query) {
	body := flushInterval(q) // interval.go
	switch {
	case !q.Grouped && q.Batch:
		body = append(body, jen.Comment("the input has ended: write its top rows"), jen.Return(endBatch(q, jen.Nil())))
	case !q.Grouped || q.Emit == compiler.EmitChanges:
		body = append(body, jen.Return(jen.Nil()))
	case q.Window != nil:
		body = append(body, jen.Comment("event time has ended: every open window is complete"),
			jen.Return(endBatch(q, jen.Id("q").Dot("windows").Dot("CloseAll").Call(jen.Id("q").Dot("emit")))))
	default:
		if len(q.Keys) == 0 {
			// An aggregate without GROUP BY has exactly one row, even over no input: COUNT(*) = 0, SUM = NULL.
			body = append(body, jen.Id("q").Dot("groups").Dot("Get").Call(jen.Id(keyType(q)).Values()))
		}
		body = append(body, jen.Return(endBatch(q, jen.Id("q").Dot("groups").Dot("Each").Call(jen.Func().Params(jen.Id("k").Op("*").Id(keyType(q)), jen.Id("s").Op("*").Id(stateType(q))).Error().Block(
			jen.Return(jen.Id("q").Dot("emit").Call(jen.Lit(0), jen.Id("k"), jen.Id("s"))),
		)))))
	}
	g.f.Comment(commentf("end runs when the bounded input of %q is exhausted.", q.Source.Name))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("end").Params().Error().Block(body...)
	g.f.Line()
}
