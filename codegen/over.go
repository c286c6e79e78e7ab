// Window functions (OVER): an operator per query that hands rows to their partition in event-time order (an
// rt.Reorder waits for the watermark) and computes each function from the partition's state: an rt.Ranker for
// ranks, rings for LAG and ROWS frames, an rt.TimeFrame for RANGE frames, running accumulators for frames that
// start at the partition's first row, and an rt.Lead that holds rows until their LEAD values arrive.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

func partKeyType(q *compiler.Query) string { return lowerFirst(q.GoName) + "Part" }
func partType(q *compiler.Query) string    { return lowerFirst(q.GoName) + "Partition" }
func pendingType(q *compiler.Query) string { return lowerFirst(q.GoName) + "Pending" }
func rowType(q *compiler.Query) string     { return lowerFirst(q.GoName) + "Row" }
func winField(w *compiler.WinFunc) string  { return fmt.Sprintf("w%d", w.Index) }

// byRef reports whether q's rows carry their partition (an *rt.Part) while they wait, looked up once per row by
// process: partitions never expire, so the pointer stays valid. Otherwise rows carry the key, and apply looks the
// partition up when the watermark passes them (after the partitions that went idle expired).
func byRef(q *compiler.Query) bool { return q.Over.Expire == 0 }

// partRef is the type of what rows carry to their partition: a pointer to it (byRef) or its key.
func partRef(q *compiler.Query) *jen.Statement {
	if byRef(q) {
		return jen.Op("*").Qual(rtPath, "Part").Types(jen.Id(partKeyType(q)), jen.Id(partType(q)))
	}
	return jen.Id(partKeyType(q))
}

// optOf is rt.Opt of the Go type of t: a value with its NULL flag.
func optOf(t compiler.Type) *jen.Statement { return jen.Qual(rtPath, "Opt").Types(goType(t)) }

// ranked reports whether a window function reads the partition's rt.Ranker.
func ranked(w *compiler.WinFunc) bool {
	switch w.Kind {
	case compiler.WinRowNumber, compiler.WinRank, compiler.WinDenseRank, compiler.WinPercentRank, compiler.WinCumeDist, compiler.WinNtile:
		return true
	}
	return false
}

// groupLevel reports whether a function's value is the same for every row of a peer group: a RANGE frame holds
// every peer of the current row.
func groupLevel(w *compiler.WinFunc) bool {
	return w.Frame.Range && (w.Kind == compiler.WinAgg || w.Kind == compiler.WinFirst || w.Kind == compiler.WinLast || w.Kind == compiler.WinNth)
}

// sliding reports whether an aggregate over a ROWS frame is kept up to date as rows enter and leave the frame
// rather than computed over the frame for each row: its state takes a value back exactly, or an rt.Sliding keeps
// it (slid).
func sliding(w *compiler.WinFunc) bool {
	return w.Kind == compiler.WinAgg && !w.Frame.Range && !w.Frame.Unbounded && (w.Agg.Impl.Retract || w.Agg.Impl.Slide != "")
}

// slid reports whether a sliding aggregate is kept in an rt.Sliding.
func slid(w *compiler.WinFunc) bool { return sliding(w) && !w.Agg.Impl.Retract }

// slidingType is the type of the frame's aggregate of a sliding w.
func slidingType(w *compiler.WinFunc) jen.Code {
	if !slid(w) {
		return structField{kind: kindAgg, agg: w.Agg.Impl}.goType()
	}
	return jen.Qual(rtPath, "Sliding").Types(slidingTypeArgs(w)...)
}

// slidingMake is rt.MakeSliding instantiated for a slid w.
func slidingMake(w *compiler.WinFunc) *jen.Statement {
	return jen.Qual(rtPath, "MakeSliding").Types(slidingTypeArgs(w)...)
}

// slidingTypeArgs are the type arguments of the rt.Sliding of a slid w: the value, the state, a pointer to it.
func slidingTypeArgs(w *compiler.WinFunc) []jen.Code {
	impl := *w.Agg.Impl
	impl.State = impl.Slide
	st := structField{kind: kindAgg, agg: &impl}
	return []jen.Code{goType(argType(w)), st.goType(), jen.Op("*").Add(st.goType())}
}

// genOverQuery emits the operator of a query with window functions.
func (g *gen) genOverQuery(q *compiler.Query) {
	o := q.Over
	qt := queryType(q)
	sqlConst := sqlConst(q)
	g.f.Comment(commentf("%s is the statement at %s:%d.", sqlConst, q.Loc.File, q.Loc.Line))
	g.f.Const().Id(sqlConst).Op("=").Add(rawString(q.Loc.Text))
	g.f.Line()
	rec := rowType(q)

	// The row kept until the watermark passes it: the columns read after the record.
	var rowFields []jen.Code
	for _, fl := range keptFields(q) {
		rowFields = append(rowFields, jen.Id(fl.GoName).Add(goType(fl.Type)).Comment(commentText(fl.Name+" "+fl.Type.String())))
		if fl.Nullable {
			rowFields = append(rowFields, jen.Id(nullField(fl)).Bool())
		}
	}
	g.f.Comment(commentf("%s is the part of a record of %q that %s keeps: the columns queries read.", rec, q.Source.Name, q.Name))
	g.f.Type().Id(rec).Struct(rowFields...)
	g.f.Line()

	// The partition key.
	var keyFields []structField
	for _, k := range o.Partition {
		keyFields = append(keyFields, structField{name: keyField(k), kind: keyKind(k.Expr.Type()), comment: commentText(k.Name)})
		if k.Nullable {
			keyFields = append(keyFields, structField{name: keyField(k) + "Null", kind: kindBool})
		}
	}
	g.f.Comment(commentf("%s is the PARTITION BY key of %s.", partKeyType(q), q.Name))
	g.f.Type().Id(partKeyType(q)).Struct(structOf(keyFields)...)
	g.f.Line()
	if partOwns(q) {
		var owns []jen.Code
		for _, k := range o.Partition {
			if k.Expr.Type().Kind == compiler.Varchar && !keyOwnedByRow(q, k) {
				owns = append(owns, jen.Id("k").Dot(keyField(k)).Op("=").Id("strs").Dot("Own").Call(jen.Id("k").Dot(keyField(k))))
			}
		}
		g.f.Comment("own copies the strings of a partition key, which view the current record.")
		g.f.Func().Params(jen.Id("k").Op("*").Id(partKeyType(q))).Id("own").Params(jen.Id("strs").Op("*").Qual(rtPath, "Interner")).Block(owns...)
		g.f.Line()
	}

	// The partition's state.
	var pf []jen.Code
	anyRank := false
	for _, w := range o.Funcs {
		anyRank = anyRank || ranked(w)
	}
	if anyRank {
		pf = append(pf, jen.Id("rank").Qual(rtPath, "Ranker"))
	}
	for _, w := range o.Funcs {
		name := winField(w)
		c := commentText(w.Loc.Text)
		switch {
		case w.Kind == compiler.WinLag:
			if w.Offset > 0 {
				pf = append(pf, jen.Id(name).Qual(rtPath, "Ring").Types(optOf(w.T)).Comment(c))
			}
		case w.Kind == compiler.WinLead || ranked(w):
		case w.Frame.Unbounded:
			switch w.Kind {
			case compiler.WinAgg:
				pf = append(pf, jen.Id(name).Add(structField{kind: kindAgg, agg: w.Agg.Impl}.goType()).Comment(c))
			case compiler.WinFirst, compiler.WinNth:
				pf = append(pf, jen.Id(name).Add(optOf(w.T)).Comment(c), jen.Id(name+"n").Int64())
			}
			if w.Frame.End > 0 {
				pf = append(pf, jen.Id(name+"d").Qual(rtPath, "Ring").Types(optOf(argType(w))).Comment("the rows between the frame's end and the current row"))
			}
		case w.Frame.Range:
			pf = append(pf, jen.Id(name).Qual(rtPath, "TimeFrame").Types(optOf(argType(w))).Comment(c))
		default:
			pf = append(pf, jen.Id(name).Qual(rtPath, "Ring").Types(optOf(argType(w))).Comment(c))
			switch {
			case slid(w):
				pf = append(pf, jen.Id(name+"a").Add(slidingType(w)).Comment("the frame's aggregate: rows are added as they enter and dropped as they leave"))
			case sliding(w):
				pf = append(pf, jen.Id(name+"a").Add(slidingType(w)).Comment("the frame's aggregate: rows are added as they enter and taken back as they leave"))
			}
		}
	}
	if o.Lead > 0 {
		pf = append(pf, jen.Id("lead").Qual(rtPath, "Ring").Types(jen.Id(pendingType(q))).Comment("rows waiting for the rows their LEAD reads"))
	}
	g.f.Comment(commentf("%s is the state of one partition of %s.", partType(q), q.Name))
	g.f.Type().Id(partType(q)).Struct(pf...)
	g.f.Line()
	if o.Lead > 0 {
		fields := []jen.Code{jen.Id("r").Id(rec)}
		for _, w := range o.Funcs {
			if w.Kind == compiler.WinLead {
				fields = append(fields, jen.Id(winField(w)).Add(optOf(w.T)).Comment("the LEAD argument of this row"))
			} else {
				fields = append(fields, jen.Id(winField(w)).Add(optOf(w.T)).Comment(commentText(w.Loc.Text)))
			}
		}
		g.f.Comment(commentf("%s is a row of %s waiting for the rows after it, with its window values.", pendingType(q), q.Name))
		g.f.Type().Id(pendingType(q)).Struct(fields...)
		g.f.Line()
	}

	// The operator.
	kt, pt := jen.Id(partKeyType(q)), jen.Id(partType(q))
	fields := []jen.Code{
		jen.Id("src").Op("*").Qual(rtPath, "Source"),
		jen.Id("sink").Op("*").Qual(rtPath, "Sink"),
		jen.Id("parts").Op("*").Qual(rtPath, "Partitions").Types(kt, pt),
		jen.Id("strs").Qual(rtPath, "Interner").Comment("the copies of the strings of rows and keys kept past their record"),
	}
	init := jen.Dict{jen.Id("src"): jen.Id("src"), jen.Id("sink"): jen.Id("sink"), jen.Id("parts"): jen.Qual(rtPath, "NewPartitions").Types(kt, pt).Call(jen.Lit(o.Expire > 0))}
	track := []jen.Code{jen.Id("q").Dot("parts")}
	if o.Time != nil {
		fields = append(fields,
			jen.Id("rows").Op("*").Qual(rtPath, "Reorder").Types(partRef(q), jen.Id(rec)).Comment("rows waiting for the watermark"),
			jen.Id("wm").Op("*").Qual(rtPath, "Watermark"))
		init[jen.Id("rows")] = jen.Qual(rtPath, "NewReorder").Types(partRef(q), jen.Id(rec)).Call()
		init[jen.Id("wm")] = jen.Qual(rtPath, "NewWatermark").Call(jen.Lit(q.Source.MaxOutOfOrder))
		track = append(track, jen.Id("q").Dot("rows"), jen.Id("q").Dot("wm"))
	} else {
		fields = append(fields, jen.Id("one").Index(jen.Lit(1)).Id(rec).Comment("the row being processed"))
	}
	fields = append(fields, g.readerFields(q)...) // graph.go
	fields = append(fields, metricFields(q)...)   // metrics.go
	g.f.Comment(commentf("%s runs the query %s (see %s): it reads %q and writes %q.", qt, q.Name, sqlConst, q.Source.Name, q.Sink.Name))
	g.f.Type().Id(qt).Struct(fields...)
	g.f.Line()
	loc := fmt.Sprintf("%s:%d:%d", q.Loc.File, q.Loc.Line, q.Loc.Col)
	body := []jen.Code{
		jen.Id("q").Op(":=").Op("&").Id(qt).Values(init),
		jen.Comment("the source commits no offset its records in this state still need, and resets it on a rebalance"),
		jen.Id("src").Dot("Track").Call(track...),
		jen.Id("q").Dot("parts").Dot("Label").Call(jen.Lit(q.Name), jen.Lit(loc)),
	}
	if o.Time != nil {
		body = append(body, jen.Id("q").Dot("rows").Dot("Label").Call(jen.Lit(q.Name), jen.Lit(loc)))
	}
	g.f.Func().Id(newQueryFunc(q)).Params(jen.Id("src").Op("*").Qual(rtPath, "Source"), jen.Id("sink").Op("*").Qual(rtPath, "Sink")).Op("*").Id(qt).Block(
		append(body, jen.Return(jen.Id("q")))...)
	g.f.Line()

	if o.Time != nil {
		g.f.Comment("tick hands over the rows the watermark passed without a record of this query, as when partitions go idle.")
		g.f.Func().Params(jen.Id("q").Op("*").Id(qt)).Id("tick").Params().Error().Block(
			jen.If(jen.Id("q").Dot("wm").Dot("Refresh").Call()).Block(
				jen.Return(jen.Id("q").Dot("rows").Dot("Release").Call(jen.Id("q").Dot("wm").Dot("Current").Call(), jen.Id("q").Dot("apply"))),
			),
			jen.Return(jen.Nil()),
		)
		g.f.Line()
	}
	if q.Admit {
		g.genAdmit(q)
	}
	g.genOverProcess(q)
	g.genOverApply(q)
	if o.Lead > 0 {
		g.genOverLead(q)
	}
	g.genOverEnd(q)
}

// argType is the type of the values a frame or LAG keeps for w: its argument's (a NULL-free placeholder for
// COUNT(*)).
func argType(w *compiler.WinFunc) compiler.Type {
	if w.Arg == nil {
		return compiler.TBool
	}
	return w.Arg.Type()
}

// genOverProcess emits process: WHERE, the partition key, then the row goes to the Reorder (ORDER BY) or straight
// to apply (arrival order).
func (g *gen) genOverProcess(q *compiler.Query) {
	o := q.Over
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r", q: q}
	g.where(f, q, o.Time, g.overObserve)
	f.emit(jen.Comment("PARTITION BY"), jen.Var().Id("k").Id(partKeyType(q)))
	for _, k := range o.Partition {
		v := f.expr(k.Expr)
		if k.Nullable {
			f.emit(
				jen.List(jen.Id("k").Dot(keyField(k)), jen.Id("k").Dot(keyField(k)+"Null")).Op("=").List(toKey(k.Expr.Type(), v.v), v.n),
				jen.If(jen.Id("k").Dot(keyField(k)+"Null")).Block(jen.Id("k").Dot(keyField(k)).Op("=").Add(zeroOf(k.Expr.Type())).Comment("all NULL keys form one partition")),
			)
		} else {
			f.emit(jen.Id("k").Dot(keyField(k)).Op("=").Add(toKey(k.Expr.Type(), v.v)))
		}
	}
	var ts jen.Code = jen.Lit(0)
	if o.Time != nil {
		t := f.expr(o.Time)
		if !t.nonNull {
			f.emit(jen.Comment("admit has rejected records without an event time"))
		}
		f.emit(jen.Id("ts").Op(":=").Add(t.v))
		ts = jen.Id("ts")
	}
	// The row is kept past this record: the columns read later, with copies of their strings.
	vals := jen.Dict{}
	fromKey := map[*compiler.Field]*compiler.Key{} // a column a partition key part is: byRef, the row takes the key's copy
	if byRef(q) {
		for _, k := range o.Partition {
			if fl := keptColumn(k); fl != nil && fromKey[fl] == nil {
				fromKey[fl] = k
			}
		}
	}
	for _, fl := range keptFields(q) {
		v := jen.Id("r").Dot(fl.GoName)
		if k := fromKey[fl]; k != nil {
			v = jen.Id("key").Dot(keyField(k))
		} else if fl.Type.Kind == compiler.Varchar {
			v = jen.Id("q").Dot("strs").Dot("Own").Call(v)
		}
		vals[jen.Id(fl.GoName)] = v
		if fl.Nullable {
			vals[jen.Id(nullField(fl))] = jen.Id("r").Dot(nullField(fl))
		}
	}
	row := jen.Id("row").Op(":=").Id(rowType(q)).Values(vals)
	var ref jen.Code = jen.Id("k")
	if byRef(q) {
		if o.Time != nil {
			f.emit(jen.If(jen.Id("q").Dot("rows").Dot("Late").Call(jen.Id("ts"))).Block(lateRow(q)...))
		}
		create := []jen.Code{}
		if partOwns(q) {
			create = append(create, jen.Id("k").Dot("own").Call(jen.Op("&").Id("q").Dot("strs")))
		}
		create = append(create, jen.Id("e").Op("=").Id("q").Dot("parts").Dot("Create").Call(jen.Id("k"), ts))
		if inits := partInits(q); len(inits) > 0 {
			create = append(create, jen.Id("p").Op(":=").Id("e").Dot("State").Call())
			create = append(create, inits...)
		}
		f.emit(jen.Id("e").Op(":=").Id("q").Dot("parts").Dot("Find").Call(jen.Id("k")),
			jen.If(jen.Id("e").Op("==").Nil()).Block(create...))
		if len(fromKey) > 0 {
			f.emit(jen.Id("key").Op(":=").Id("e").Dot("Key").Call().Comment("the row takes the key's copies of its strings"))
		}
		f.emit(row)
		ref = jen.Id("e")
	} else {
		f.emit(row)
		for _, k := range o.Partition {
			if keyOwnedByRow(q, k) { // the row's copy serves the key too
				set := jen.Id("k").Dot(keyField(k)).Op("=").Id("row").Dot(keptColumn(k).GoName)
				if k.Nullable {
					set = jen.If(jen.Op("!").Id("k").Dot(keyField(k) + "Null")).Block(set)
				}
				f.emit(set)
			}
		}
		if partOwns(q) {
			f.emit(jen.Id("k").Dot("own").Call(jen.Op("&").Id("q").Dot("strs")))
		}
	}
	if o.Time == nil {
		f.emit(jen.Id("q").Dot("one").Index(jen.Lit(0)).Op("=").Id("row"),
			jen.Return(jen.Id("q").Dot("apply").Call(jen.Lit(0), jen.Op("&").Add(ref), jen.Id("q").Dot("one").Index(jen.Empty(), jen.Empty()))))
		g.f.Comment(commentf("process runs %s for one record.", q.Name))
		g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("process").Params(jen.Id("r").Op("*").Id(recordType(q.Source))).Error().Block(body...)
		g.f.Line()
		return
	}
	push := jen.Id("q").Dot("rows").Dot("Push").Call(jen.Id("ts"), ref, jen.Id("row"))
	if byRef(q) {
		f.emit(push.Comment("not late: checked above"))
	} else {
		f.emit(jen.If(jen.Op("!").Add(push)).Block(lateRow(q)...))
	}
	f.emit(g.overObserve(jen.Id("ts")), jen.Return(jen.Nil()))
	g.f.Comment(commentf("process runs %s for one record; it sets *late if rows of its time were handed over already.", q.Name))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("process").Params(jen.Id("r").Op("*").Id(recordType(q.Source)), jen.Id("late").Op("*").Bool()).Error().Block(body...)
	g.f.Line()
}

// lateRow is what process does with a row of a time the watermark has passed: drop it (the source counts it
// once), after writing it to the dead-letter file under 'late.data.strategy' = 'dead_letter'.
func lateRow(q *compiler.Query) []jen.Code {
	drop := []jen.Code{
		jen.Comment("rows of this time were handed over already: drop it; the source counts it once"),
		jen.Op("*").Id("late").Op("=").True(),
	}
	if q.Over.Late == compiler.LateDeadLetter {
		return append(drop, jen.Return(jen.Id("q").Dot("src").Dot("LateDeadLetter").Call(jen.Lit(q.Name), jen.Id("ts"), jen.Id("ts"), jen.Id("q").Dot("wm").Dot("Current").Call())))
	}
	return append(drop, jen.Return(jen.Nil()))
}

// partOwns reports whether the partition key has a VARCHAR part that process copies for itself.
func partOwns(q *compiler.Query) bool {
	for _, k := range q.Over.Partition {
		if k.Expr.Type().Kind == compiler.Varchar && !keyOwnedByRow(q, k) {
			return true
		}
	}
	return false
}

// keyOwnedByRow reports whether partition key part k takes the row's copy of its string (see keptColumn). When
// rows carry their partition (byRef), it is the other way round: a new partition copies its key, and the row takes
// the key's copy.
func keyOwnedByRow(q *compiler.Query, k *compiler.Key) bool { return !byRef(q) && keptColumn(k) != nil }

// keptFields are the columns of q's source that a row keeps past its record: those some query reads (the
// decoder skips the others), and the metadata columns.
func keptFields(q *compiler.Query) []*compiler.Field {
	var out []*compiler.Field
	for _, fl := range q.Source.Fields {
		if fl.Used {
			out = append(out, fl)
		}
	}
	return append(out, q.Source.Meta...)
}

// keptColumn is the VARCHAR column of the record that partition key part k is, when process copies it into the
// row it keeps (see keptFields): the key takes the row's copy. Nil for any other key part.
func keptColumn(k *compiler.Key) *compiler.Field {
	c, ok := k.Expr.(*compiler.ColRef)
	if !ok || c.Join != nil || c.Outer || c.Field.Type.Kind != compiler.Varchar || !c.Field.Used && c.Field.Meta == "" {
		return nil
	}
	return c.Field
}

// overObserve advances the watermark to ts and hands over the rows it passed.
func (g *gen) overObserve(ts jen.Code) jen.Code {
	return jen.If(jen.Id("q").Dot("wm").Dot("Observe").Call(ts)).Block(
		jen.Return(jen.Id("q").Dot("rows").Dot("Release").Call(jen.Id("q").Dot("wm").Dot("Current").Call(), jen.Id("q").Dot("apply"))),
	)
}

// genOverApply emits apply, which computes the window functions of one peer group of a partition and writes (or,
// with LEAD, holds) its rows.
func (g *gen) genOverApply(q *compiler.Query) {
	o := q.Over
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r", q: q, win: map[*compiler.WinFunc]val{}}
	if o.Expire > 0 {
		flush := jen.Return(jen.Nil())
		if o.Lead > 0 {
			flush = jen.Return(jen.Id("q").Dot("flush").Call(jen.Id("p")))
		}
		f.emit(jen.Comment(fmt.Sprintf("a partition without rows for %dms starts afresh", o.Expire)),
			jen.If(jen.Err().Op(":=").Id("q").Dot("parts").Dot("Expire").Call(jen.Qual(rtPath, "FrameStart").Call(jen.Id("ts"), jen.Lit(o.Expire)),
				jen.Func().Params(jen.Id("_").Op("*").Id(partKeyType(q)), jen.Id("p").Op("*").Id(partType(q))).Error().Block(flush)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
	if byRef(q) {
		f.emit(jen.Id("p").Op(":=").Parens(jen.Op("*").Id("e")).Dot("State").Call())
	} else {
		f.emit(jen.List(jen.Id("p"), jen.Id("isNew")).Op(":=").Id("q").Dot("parts").Dot("Get").Call(jen.Op("*").Id("k"), jen.Id("ts")))
		if inits := partInits(q); len(inits) > 0 {
			f.emit(jen.If(jen.Id("isNew")).Block(inits...))
		} else {
			f.emit(jen.Id("_").Op("=").Id("isNew"))
		}
	}
	if !partState(q) {
		f.emit(jen.Id("_").Op("=").Id("p").Comment("the partition keeps no state: its functions read the current row only"))
	}
	anyRank := false
	for _, w := range o.Funcs {
		anyRank = anyRank || ranked(w)
	}
	if anyRank {
		f.emit(jen.Id("p").Dot("rank").Dot("Peers").Call(jen.Len(jen.Id("rows"))))
	}
	// Functions over a RANGE frame: the whole peer group enters the frame first.
	for _, w := range o.Funcs {
		if groupLevel(w) {
			f.emit(jen.Comment(commentText(w.Loc.Text) + ": the peer group enters the frame"))
			g.overRangeGroup(f, w)
		}
	}
	f.emit(jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(f.block(func() {
		f.emit(jen.Id("r").Op(":=").Op("&").Id("rows").Index(jen.Id("i")),
			jen.Id("_").Op("=").Id("r").Comment("not every query reads the row here"))
		for _, w := range o.Funcs {
			if groupLevel(w) || w.Kind == compiler.WinLead {
				continue
			}
			f.emit(jen.Comment(commentText(w.Loc.Text)))
			f.win[w] = g.overRow(f, w)
		}
		if o.Lead == 0 {
			f.emit(jen.Comment("SELECT"))
			end := g.writeRowExpr(f, q)
			f.emit(jen.If(jen.Err().Op(":=").Add(end), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			return
		}
		vals := jen.Dict{jen.Id("r"): jen.Op("*").Id("r")}
		for _, w := range o.Funcs {
			if w.Kind == compiler.WinLead {
				x := f.expr(w.Arg)
				vals[jen.Id(winField(w))] = optOf(w.T).Values(x.v, x.n)
				continue
			}
			v := f.win[w]
			vals[jen.Id(winField(w))] = optOf(w.T).Values(v.v, v.n)
		}
		f.emit(jen.Comment("the row waits for the rows its LEAD reads"),
			jen.If(jen.List(jen.Id("done"), jen.Id("ok")).Op(":=").Id("p").Dot("lead").Dot("Push").Call(jen.Id(pendingType(q)).Values(vals)), jen.Id("ok")).Block(
				jen.If(jen.Err().Op(":=").Id("q").Dot("write").Call(jen.Id("p"), jen.Op("&").Id("done")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			))
	})...))
	f.emit(jen.Return(jen.Nil()))
	part, name := jen.Id("k").Op("*").Id(partKeyType(q)), "k"
	if byRef(q) {
		part, name = jen.Id("e").Op("*").Add(partRef(q)), "*e"
	}
	g.f.Comment(commentf("apply computes the window functions of %s for rows, the peer group of partition %s at time ts (one row in arrival order without ORDER BY), and writes them.", q.Name, name))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("apply").Params(jen.Id("ts").Int64(), part, jen.Id("rows").Index().Id(rowType(q))).Error().Block(body...)
	g.f.Line()
}

// partInits are the statements that make the rings and stacks of a new partition p.
func partInits(q *compiler.Query) []jen.Code {
	o := q.Over
	var inits []jen.Code
	for _, w := range o.Funcs {
		switch {
		case w.Kind == compiler.WinLag:
			if w.Offset == 0 {
				continue
			}
			inits = append(inits, jen.Id("p").Dot(winField(w)).Op("=").Qual(rtPath, "MakeRing").Types(optOf(w.T)).Call(jen.Lit(int(w.Offset))))
		case w.Kind == compiler.WinLead || ranked(w):
		case w.Frame.Unbounded:
			if w.Frame.End > 0 {
				inits = append(inits, jen.Id("p").Dot(winField(w)+"d").Op("=").Qual(rtPath, "MakeRing").Types(optOf(argType(w))).Call(jen.Lit(int(w.Frame.End))))
			}
		case !w.Frame.Range:
			inits = append(inits, jen.Id("p").Dot(winField(w)).Op("=").Qual(rtPath, "MakeRing").Types(optOf(argType(w))).Call(jen.Lit(int(w.Frame.Start+1))))
			if slid(w) {
				inits = append(inits, jen.Id("p").Dot(winField(w)+"a").Op("=").Add(slidingMake(w)).Call(jen.Lit(int(w.Frame.Start-w.Frame.End+1))))
			}
		}
	}
	if o.Lead > 0 {
		inits = append(inits, jen.Id("p").Dot("lead").Op("=").Qual(rtPath, "MakeRing").Types(jen.Id(pendingType(q))).Call(jen.Lit(int(o.Lead))))
	}
	return inits
}

// partState reports whether a partition of q keeps state: ranks, earlier values, frames, rows waiting for LEAD.
func partState(q *compiler.Query) bool {
	if q.Over.Lead > 0 {
		return true
	}
	for _, w := range q.Over.Funcs {
		current := w.Kind == compiler.WinLag && w.Offset == 0 || // the current row's value
			w.Kind == compiler.WinLast && w.Frame.Unbounded && w.Frame.End == 0 // the last row of the frame is the current row or its last peer
		if !current {
			return true
		}
	}
	return false
}

// overArg evaluates a frame function's argument for the current row as an rt.Opt (COUNT(*): a non-NULL
// placeholder).
func (g *gen) overArg(f *fn, w *compiler.WinFunc) jen.Code {
	if w.Arg == nil {
		return optOf(compiler.TBool).Values()
	}
	x := f.expr(w.Arg)
	return optOf(w.Arg.Type()).Values(x.v, x.n)
}

// overRangeGroup computes a RANGE-frame function once for the peer group: every peer enters the frame, then the
// value is read; it is the same for every row of the group.
func (g *gen) overRangeGroup(f *fn, w *compiler.WinFunc) {
	name := winField(w)
	enter := func(each func(e jen.Code)) {
		if w.Arg == nil || !compiler.ReadsRecord(w.Arg) { // COUNT(*), or a constant
			f.emit(jen.For(jen.Range().Id("rows")).Block(f.block(func() {
				f.emit(jen.Id("e").Op(":=").Add(g.overArg(f, w)))
				each(jen.Id("e"))
			})...))
			return
		}
		f.emit(jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(f.block(func() {
			f.emit(jen.Id("r").Op(":=").Op("&").Id("rows").Index(jen.Id("i")),
				jen.Id("_").Op("=").Id("r").Comment("an argument may name a column it does not read (COALESCE(1, x))"))
			f.emit(jen.Id("e").Op(":=").Add(g.overArg(f, w)))
			each(jen.Id("e"))
		})...))
	}
	if w.Frame.Unbounded {
		if w.Kind == compiler.WinLast {
			f.emit(jen.Var().Id("last" + name).Add(optOf(argType(w))))
		}
		enter(func(e jen.Code) { g.overEnter(f, w, e) })
		f.win[w] = g.overUnboundedValue(f, w)
		return
	}
	enter(func(e jen.Code) { f.emit(jen.Id("p").Dot(name).Dot("Push").Call(jen.Id("ts"), e)) })
	f.emit(jen.For().Block(
		jen.If(jen.List(jen.Id("_"), jen.Id("_"), jen.Id("ok")).Op(":=").Id("p").Dot(name).Dot("PopBefore").Call(jen.Qual(rtPath, "FrameStart").Call(jen.Id("ts"), jen.Lit(w.Frame.Start))), jen.Op("!").Id("ok")).Block(jen.Break()),
	))
	fr := jen.Id("p").Dot(name)
	f.win[w] = g.overFrameValue(f, w, fr, jen.Lit(0), fr.Clone().Dot("Len").Call().Op("-").Lit(1))
}

// overEnter folds value e (an rt.Opt) entering the frame of an unbounded-frame function into its state.
func (g *gen) overEnter(f *fn, w *compiler.WinFunc, e jen.Code) {
	name := winField(w)
	p := jen.Id("p").Dot(name)
	switch w.Kind {
	case compiler.WinAgg:
		f.emit(jen.If(jen.Op("!").Add(e).Dot("Null")).Block(g.accAdd(f, w, p, jen.Add(e).Dot("V"))...))
	case compiler.WinFirst, compiler.WinNth:
		n := int64(1)
		if w.Kind == compiler.WinNth {
			n = w.Offset
		}
		f.emit(jen.Id("p").Dot(name+"n").Op("++"),
			jen.If(jen.Id("p").Dot(name+"n").Op("==").Lit(n)).Block(p.Clone().Op("=").Add(e)))
	case compiler.WinLast:
		f.emit(jen.Id("last" + name).Op("=").Add(e))
	}
}

// accAdd is the statements that add value v to accumulator acc of an aggregate window function.
func (g *gen) accAdd(f *fn, w *compiler.WinFunc, acc, v jen.Code) []jen.Code {
	impl := w.Agg.Impl
	var add jen.Code
	switch impl.Add {
	case compiler.AddRow:
		add = jen.Add(acc).Dot("Add").Call()
	case compiler.AddWithNull:
		add = jen.Add(acc).Dot("Add").Call(v, jen.False())
	default:
		add = jen.Add(acc).Dot("Add").Call(v)
	}
	if impl.AddFail != "" {
		return []jen.Code{jen.If(jen.Op("!").Add(add)).Block(f.fail(w.Loc, impl.AddFail))}
	}
	return []jen.Code{add}
}

// accSub is the statements that take value v back from accumulator acc of a sliding aggregate.
func (g *gen) accSub(f *fn, w *compiler.WinFunc, acc, v jen.Code) []jen.Code {
	impl := w.Agg.Impl
	sub := jen.Add(acc).Dot("Sub").Call(v)
	if impl.Add == compiler.AddRow {
		sub = jen.Add(acc).Dot("Sub").Call()
	}
	if impl.AddFail != "" {
		return []jen.Code{jen.If(jen.Op("!").Add(sub)).Block(f.fail(w.Loc, impl.AddFail))}
	}
	return []jen.Code{sub}
}

// accResult reads accumulator acc of an aggregate window function.
func (g *gen) accResult(f *fn, w *compiler.WinFunc, acc jen.Code) val {
	impl := w.Agg.Impl
	call := jen.Add(acc).Dot(impl.Result).Call(implConsts(impl.ResultArgs)...)
	if impl.ResultForm == compiler.ResultPlain {
		v := f.tmp("v")
		f.emit(jen.Id(v).Op(":=").Add(call))
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	v, n, ok := f.tmp("v"), f.tmp("n"), f.tmp("ok")
	if impl.ResultForm == compiler.ResultOrNullFit {
		fits := f.tmp("fits")
		f.emit(jen.List(jen.Id(v), jen.Id(ok), jen.Id(fits)).Op(":=").Add(call),
			jen.If(jen.Op("!").Id(fits)).Block(f.fail(w.Loc, impl.ResultFail)))
	} else {
		f.emit(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(call))
	}
	f.emit(jen.Id(n).Op(":=").Op("!").Id(ok))
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// overUnboundedValue reads the value of a function whose frame starts at the partition's first row.
func (g *gen) overUnboundedValue(f *fn, w *compiler.WinFunc) val {
	name := winField(w)
	switch w.Kind {
	case compiler.WinAgg:
		return g.accResult(f, w, jen.Id("p").Dot(name))
	case compiler.WinLast:
		return val{v: jen.Id("last" + name).Dot("V"), n: jen.Id("last" + name).Dot("Null")}
	}
	n := int64(1)
	if w.Kind == compiler.WinNth {
		n = w.Offset
	}
	v, nn := f.tmp("v"), f.tmp("n")
	f.emit(jen.List(jen.Id(v), jen.Id(nn)).Op(":=").List(jen.Id("p").Dot(name).Dot("V"), jen.Id("p").Dot(name).Dot("Null").Op("||").Id("p").Dot(name+"n").Op("<").Lit(n)))
	return val{v: jen.Id(v), n: jen.Id(nn)}
}

// overFrameValue computes a function over the frame rows lo..hi (inclusive) of fr, a Ring or TimeFrame of
// rt.Opt values.
func (g *gen) overFrameValue(f *fn, w *compiler.WinFunc, fr, lo, hi jen.Code) val {
	v, n := f.decl(w.T)
	lv, hv := f.tmp("lo"), f.tmp("hi")
	f.emit(jen.List(jen.Id(lv), jen.Id(hv)).Op(":=").List(lo, hi))
	switch w.Kind {
	case compiler.WinAgg:
		acc := f.tmp("acc")
		f.emit(jen.Var().Id(acc).Add(structField{kind: kindAgg, agg: w.Agg.Impl}.goType()))
		f.emit(jen.For(jen.Id("j").Op(":=").Id(lv), jen.Id("j").Op("<=").Id(hv), jen.Id("j").Op("++")).Block(
			jen.If(jen.Id("e").Op(":=").Add(fr).Dot("At").Call(jen.Id("j")), jen.Op("!").Id("e").Dot("Null")).Block(g.accAdd(f, w, jen.Id(acc), jen.Id("e").Dot("V"))...),
		))
		r := g.accResult(f, w, jen.Id(acc))
		f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(r.v, r.n))
	default:
		at := jen.Id(lv)
		switch w.Kind {
		case compiler.WinLast:
			at = jen.Id(hv)
		case compiler.WinNth:
			at = jen.Id(lv).Op("+").Lit(int(w.Offset - 1))
		}
		f.emit(jen.Id(n).Op("=").True(),
			jen.If(jen.Id("at").Op(":=").Add(at), jen.Id("at").Op(">=").Id(lv).Op("&&").Id("at").Op("<=").Id(hv)).Block(
				jen.Id("e").Op(":=").Add(fr).Dot("At").Call(jen.Id("at")),
				jen.List(jen.Id(v), jen.Id(n)).Op("=").List(jen.Id("e").Dot("V"), jen.Id("e").Dot("Null")),
			))
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}

// overRow computes a function for the current row r of the peer group.
func (g *gen) overRow(f *fn, w *compiler.WinFunc) val {
	name := winField(w)
	idx := jen.Id("i")
	plain := func(c jen.Code) val {
		v := f.tmp("v")
		f.emit(jen.Id(v).Op(":=").Add(c))
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	rank := jen.Id("p").Dot("rank")
	switch w.Kind {
	case compiler.WinRowNumber:
		return plain(rank.Dot("RowNumber").Call(idx))
	case compiler.WinRank:
		return plain(rank.Dot("Rank").Call())
	case compiler.WinDenseRank:
		return plain(rank.Dot("DenseRank").Call())
	case compiler.WinPercentRank:
		return plain(rank.Dot("PercentRank").Call())
	case compiler.WinCumeDist:
		return plain(rank.Dot("CumeDist").Call())
	case compiler.WinNtile:
		v := f.tmp("v")
		f.emit(jen.List(jen.Id(v), jen.Err()).Op(":=").Add(rank).Dot("Ntile").Call(jen.Lit(w.Offset), idx),
			jen.If(jen.Err().Op("!=").Nil()).Block(f.failWith(w.Loc, jen.Err().Dot("Error").Call())))
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	case compiler.WinLag:
		x := f.expr(w.Arg)
		v, n := f.decl(w.T)
		if w.Offset == 0 {
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(x.v, x.n))
			return val{v: jen.Id(v), n: jen.Id(n)}
		}
		d := f.block(func() {
			dv := f.expr(w.Default)
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(dv.v, dv.n))
		})
		f.emit(jen.If(jen.List(jen.Id("prev"), jen.Id("ok")).Op(":=").Id("p").Dot(name).Dot("Back").Call(jen.Lit(int(w.Offset))), jen.Id("ok")).Block(
			jen.List(jen.Id(v), jen.Id(n)).Op("=").List(jen.Id("prev").Dot("V"), jen.Id("prev").Dot("Null")),
		).Else().Block(d...),
			jen.Id("p").Dot(name).Dot("Push").Call(optOf(w.T).Values(x.v, x.n)))
		return val{v: jen.Id(v), n: jen.Id(n)}
	}
	// A ROWS frame.
	e := g.overArg(f, w)
	if w.Frame.Unbounded {
		if w.Frame.End == 0 {
			if w.Kind == compiler.WinLast {
				f.emit(jen.Id("last" + name).Op(":=").Add(e))
			} else {
				x := f.tmp("e")
				f.emit(jen.Id(x).Op(":=").Add(e))
				g.overEnter(f, w, jen.Id(x))
			}
			return g.overUnboundedValue(f, w)
		}
		// The row enters the frame End rows later: it waits in a ring meanwhile.
		last := "last" + name
		if w.Kind == compiler.WinLast {
			f.emit(jen.Id(last).Op(":=").Add(optOf(argType(w))).Values(jen.Dict{jen.Id("Null"): jen.True()}))
		}
		f.emit(jen.If(jen.List(jen.Id("old"), jen.Id("entered")).Op(":=").Id("p").Dot(name+"d").Dot("Push").Call(e), jen.Id("entered")).Block(f.block(func() {
			g.overEnter(f, w, jen.Id("old"))
		})...))
		return g.overUnboundedValue(f, w)
	}
	fr := jen.Id("p").Dot(name)
	if sliding(w) {
		acc := jen.Id("p").Dot(name + "a")
		sub := []jen.Code{acc.Clone().Dot("Drop").Call()}
		if !slid(w) {
			sub = g.accSub(f, w, acc, jen.Id("old").Dot("V"))
		}
		f.emit(jen.If(jen.List(jen.Id("old"), jen.Id("left")).Op(":=").Add(fr).Dot("Push").Call(e), jen.Id("left").Op("&&").Op("!").Id("old").Dot("Null")).Block(sub...))
		f.emit(jen.If(jen.Id("j").Op(":=").Add(fr).Dot("Len").Call().Op("-").Lit(int(w.Frame.End+1)), jen.Id("j").Op(">=").Lit(0)).Block(
			jen.If(jen.Id("x").Op(":=").Add(fr).Dot("At").Call(jen.Id("j")), jen.Op("!").Id("x").Dot("Null")).Block(g.accAdd(f, w, acc, jen.Id("x").Dot("V"))...)))
		if slid(w) {
			v := f.tmp("frame")
			f.emit(jen.Id(v).Op(":=").Add(acc).Dot("Value").Call())
			return g.accResult(f, w, jen.Id(v))
		}
		return g.accResult(f, w, acc)
	}
	f.emit(fr.Clone().Dot("Push").Call(e))
	lo := jen.Max(jen.Lit(0), fr.Clone().Dot("Len").Call().Op("-").Lit(int(w.Frame.Start+1)))
	hi := fr.Clone().Dot("Len").Call().Op("-").Lit(int(w.Frame.End + 1))
	return g.overFrameValue(f, w, fr, lo, hi)
}

// genOverLead emits write and flush: a row held for LEAD is written once the rows after it are known.
func (g *gen) genOverLead(q *compiler.Query) {
	o := q.Over
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r", q: q, win: map[*compiler.WinFunc]val{}}
	f.emit(jen.Id("r").Op(":=").Op("&").Id("d").Dot("r"))
	for _, w := range o.Funcs {
		field := jen.Id("d").Dot(winField(w))
		if w.Kind != compiler.WinLead {
			f.win[w] = val{v: field.Clone().Dot("V"), n: field.Clone().Dot("Null")}
			continue
		}
		v, n := f.decl(w.T)
		if w.Offset == 0 {
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(field.Clone().Dot("V"), field.Clone().Dot("Null")))
			f.win[w] = val{v: jen.Id(v), n: jen.Id(n)}
			continue
		}
		d := f.block(func() {
			dv := f.expr(w.Default)
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(dv.v, dv.n))
		})
		f.emit(jen.If(jen.Id("p").Dot("lead").Dot("Len").Call().Op(">=").Lit(int(w.Offset))).Block(
			jen.Id("e").Op(":=").Id("p").Dot("lead").Dot("At").Call(jen.Lit(int(w.Offset-1))).Dot(winField(w)),
			jen.List(jen.Id(v), jen.Id(n)).Op("=").List(jen.Id("e").Dot("V"), jen.Id("e").Dot("Null")),
		).Else().Block(d...))
		f.win[w] = val{v: jen.Id(v), n: jen.Id(n)}
	}
	f.emit(jen.Comment("SELECT"), jen.Return(g.writeRowExpr(f, q)))
	g.f.Comment("write writes row d of partition p, whose LEAD values are the rows p still holds after it.")
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("write").Params(jen.Id("p").Op("*").Id(partType(q)), jen.Id("d").Op("*").Id(pendingType(q))).Error().Block(body...)
	g.f.Line()
	g.f.Comment("flush writes the rows partition p holds for LEAD: no more rows of it will come.")
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("flush").Params(jen.Id("p").Op("*").Id(partType(q))).Error().Block(
		jen.For().Block(
			jen.List(jen.Id("d"), jen.Id("ok")).Op(":=").Id("p").Dot("lead").Dot("Shift").Call(),
			jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil())),
			jen.If(jen.Err().Op(":=").Id("q").Dot("write").Call(jen.Id("p"), jen.Op("&").Id("d")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		),
	)
	g.f.Line()
}

// genOverEnd emits end: at the end of bounded input every row still held is handed over, and the rows held for
// LEAD are written with their defaults.
func (g *gen) genOverEnd(q *compiler.Query) {
	o := q.Over
	var body []jen.Code
	if o.Time != nil {
		body = append(body, jen.Comment("event time has ended: every row held is complete"),
			jen.If(jen.Err().Op(":=").Id("q").Dot("rows").Dot("ReleaseAll").Call(jen.Id("q").Dot("apply")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
	if o.Lead > 0 {
		body = append(body, jen.Return(jen.Id("q").Dot("parts").Dot("Each").Call(jen.Func().Params(jen.Id("_").Op("*").Id(partKeyType(q)), jen.Id("p").Op("*").Id(partType(q))).Error().Block(
			jen.Return(jen.Id("q").Dot("flush").Call(jen.Id("p"))),
		))))
	} else {
		body = append(body, jen.Return(jen.Nil()))
	}
	g.f.Comment(commentf("end runs when the bounded input of %q is exhausted.", q.Source.Name))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("end").Params().Error().Block(body...)
	g.f.Line()
}
