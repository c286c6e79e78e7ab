// Joins of two streams (compiler/interval.go): the query keeps each stream's recent rows in an rt.IntervalJoin.
// A record of its own stream goes through process, one of the other stream through processRight; each meets the
// other stream's rows of its key within the time bound, and the pairs go on to the rest of the query (row, or
// the table joins after). The watermark over both streams (rt.MinWatermark) evicts rows whose interval has
// ended, emitting the outer ones that met nothing.

package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// recordFilled is the flag of a stage saying that the record is a filler: a row of the other stream that met no
// record, in a RIGHT or FULL join of two streams.
const recordFilled = "x0"

// streamJoin returns q's join of two streams, or nil.
func streamJoin(q *compiler.Query) *compiler.Join {
	if len(q.Joins) > 0 && q.Joins[0].Stream {
		return q.Joins[0]
	}
	return nil
}

// fillsRecord reports whether q's record can be a filler (recordFilled).
func fillsRecord(q *compiler.Query) bool {
	j := streamJoin(q)
	return j != nil && j.Right
}

func joinKeyType(q *compiler.Query) string   { return lowerFirst(q.GoName) + "JoinKey" }
func recordFillVar(q *compiler.Query) string { return lowerFirst(q.GoName) + "Fill0" }

// ownRecordFunc copies the strings of a record of s that an operator keeps past the record.
func ownRecordFunc(s *compiler.Source) string { return "own" + s.GoName + "Record" }

// genOwnRecord emits ownRecordFunc(s), once per source.
func (g *gen) genOwnRecord(s *compiler.Source) {
	if g.owned[s] {
		return
	}
	if g.owned == nil {
		g.owned = map[*compiler.Source]bool{}
	}
	g.owned[s] = true
	var owns []jen.Code
	for _, fl := range append(s.Fields[:len(s.Fields):len(s.Fields)], s.Meta...) {
		if fl.Type.Kind == compiler.Varchar && fl.Used {
			owns = append(owns, jen.Id("r").Dot(fl.GoName).Op("=").Qual(rtPath, "Own").Call(jen.Id("r").Dot(fl.GoName)))
		}
	}
	g.f.Comment(commentf("%s copies the strings of a record of %q that an operator keeps: they view the record being read.", ownRecordFunc(s), s.Name))
	g.f.Func().Id(ownRecordFunc(s)).Params(jen.Id("r").Op("*").Id(recordType(s))).Block(owns...)
	g.f.Line()
}

// intervalType is the type of q's join state.
func intervalType(q *compiler.Query) jen.Code {
	j := streamJoin(q)
	return jen.Qual(rtPath, "IntervalJoin").Types(jen.Id(joinKeyType(q)), jen.Id(recordType(q.Source)), jen.Id(recordType(j.Table)))
}

// intervalFields are the fields of a query that joins two streams.
func intervalFields(q *compiler.Query) []jen.Code {
	if streamJoin(q) == nil {
		return nil
	}
	return []jen.Code{
		jen.Id("ij").Op("*").Add(intervalType(q)).Comment("the rows of both streams that can still meet a row of the other"),
		jen.Id("wm0").Op("*").Qual(rtPath, "Watermark").Comment("the watermark of the query's stream (per partition on Kafka)"),
		jen.Id("wm1").Op("*").Qual(rtPath, "Watermark").Comment("and of the other stream"),
		jen.Id("jwm").Op("*").Qual(rtPath, "MinWatermark").Comment("the watermark over both"),
	}
}

// setupInterval emits, in setup, the join state of q (its operator qv).
func (g *gen) setupInterval(q *compiler.Query, qv string) []jen.Code {
	j := streamJoin(q)
	if j == nil {
		return nil
	}
	ownK := jen.Code(jen.Nil())
	if keyOwnsStrings(j) {
		ownK = jen.Parens(jen.Op("*").Id(joinKeyType(q))).Dot("own")
	}
	iv := j.Interval
	return []jen.Code{
		jen.Id(qv).Dot("ij").Op("=").Qual(rtPath, "NewIntervalJoin").Types(jen.Id(joinKeyType(q)), jen.Id(recordType(q.Source)), jen.Id(recordType(j.Table))).Call(
			jen.Lit(int(iv.Before)), jen.Lit(int(iv.After)), jen.Lit(j.Left), jen.Lit(j.Right),
			jen.Id(ownRecordFunc(q.Source)), jen.Id(ownRecordFunc(j.Table)), ownK),
		jen.Id(qv).Dot("ij").Dot("Label").Call(jen.Lit(q.Name), jen.Lit(fmt.Sprintf("%s:%d:%d", q.Loc.File, q.Loc.Line, q.Loc.Col))),
		jen.Id(qv).Dot("wm0").Op("=").Qual(rtPath, "NewWatermark").Call(jen.Lit(int(q.Source.MaxOutOfOrder + iv.Grace))).Dot("Volatile").Call(),
		jen.Id(qv).Dot("wm1").Op("=").Qual(rtPath, "NewWatermark").Call(jen.Lit(int(j.Table.MaxOutOfOrder + iv.Grace))).Dot("Volatile").Call(),
		jen.Id(qv).Dot("jwm").Op("=").Qual(rtPath, "NewMinWatermark").Call(jen.Lit(0), jen.Lit(0)),
	}
}

func keyOwnsStrings(j *compiler.Join) bool {
	for _, k := range j.Key {
		if k.Type().Kind == compiler.Varchar {
			return true
		}
	}
	return false
}

// genInterval emits the methods of a query that joins two streams: process and processRight, the join's
// callbacks, and advance and ended, which move the watermark.
func (g *gen) genInterval(q *compiler.Query) {
	j := streamJoin(q)
	if j == nil {
		return
	}
	g.genOwnRecord(q.Source)
	g.genOwnRecord(j.Table)
	qt := jen.Op("*").Id(queryType(q))

	// The key.
	var fields, owns []jen.Code
	for i, k := range j.Key {
		fields = append(fields, jen.Id(keyPartField(i)).Add(goType(k.Type())))
		if k.Type().Kind == compiler.Varchar {
			owns = append(owns, jen.Id("k").Dot(keyPartField(i)).Op("=").Qual(rtPath, "Own").Call(jen.Id("k").Dot(keyPartField(i))))
		}
	}
	g.f.Comment(commentf("%s is the key rows of the two streams of %s meet by: the values ON sets equal.", joinKeyType(q), q.Name))
	g.f.Type().Id(joinKeyType(q)).Struct(fields...)
	g.f.Line()
	if len(owns) > 0 {
		g.f.Comment("own copies the strings of a key the join keeps.")
		g.f.Func().Params(jen.Id("k").Op("*").Id(joinKeyType(q))).Id("own").Params().Block(owns...)
		g.f.Line()
	}
	if j.Right {
		d := jen.Dict{}
		for _, f := range q.Source.Fields {
			if f.Nullable {
				d[jen.Id(nullField(f))] = jen.True()
			}
		}
		g.f.Comment(commentf("%s is the record a row of %q that met none joins: NULL.", recordFillVar(q), j.Table.Name))
		g.f.Var().Id(recordFillVar(q)).Op("=").Id(recordType(q.Source)).Values(d)
		g.f.Line()
	}

	next := func(rec, filled, row, rowFilled jen.Code) jen.Code {
		args := []jen.Code{rec}
		if j.Right {
			args = append(args, filled)
		}
		args = append(args, row, rowFilled)
		return jen.Id("q").Dot(stageFunc(q, 1)).Call(args...)
	}
	outL, outR := jen.Code(jen.Nil()), jen.Code(jen.Nil())
	if j.Left {
		outL = jen.Id("q").Dot("leftOnly")
	}
	if j.Right {
		outR = jen.Id("q").Dot("rightOnly")
	}
	on := jen.Code(jen.Nil())
	if j.On != nil {
		on = jen.Id("q").Dot("on")
	}

	// process and processRight.
	for side, s := range []*compiler.Source{q.Source, j.Table} {
		var body []jen.Code
		f := &fn{g: g, body: &body, rec: "r", q: q}
		if side == 1 {
			f.rec = "o" // unused: the other stream's columns are read through the join's row, j1
			f.emit(jen.Id(joinRow(j)).Op(":=").Id("o"), jen.Id(joinFilled(j)).Op(":=").False(), jen.Id("_").Op("=").Id(joinFilled(j)))
		}
		var tx compiler.Expr = &compiler.ColRef{Field: s.EventTime}
		if side == 1 {
			tx = &compiler.ColRef{Field: s.EventTime, Join: j}
		}
		t := f.expr(tx)
		if !t.nonNull {
			f.emit(jen.If(t.n).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
				jen.Id("Field"):  jen.Lit(s.EventTime.Name),
				jen.Id("Reason"): jen.Lit("NULL event time in a join of two streams"),
			}))))
		}
		ts := f.tmp("ts")
		f.emit(jen.Id(ts).Op(":=").Add(t.v))
		if side == 0 && q.StageWhere != nil && q.StageWhere[0] != nil {
			f.emit(comment("WHERE", q.StageWhere[0]))
			w := f.expr(q.StageWhere[0])
			cond := jen.Op("!").Add(w.v)
			if !w.nonNull {
				cond = jen.Add(w.n).Op("||").Op("!").Add(w.v)
			}
			f.emit(jen.If(cond).Block(jen.Return(jen.Id("q").Dot("advance").Call(jen.Lit(0), jen.Id(ts)))))
		}
		keys := j.Key
		if side == 1 {
			keys = j.OtherKey
		}
		k := f.tmp("k")
		f.emit(jen.Var().Id(k).Id(joinKeyType(q)))
		var nulls []jen.Code
		for i, kx := range keys {
			v := f.expr(kx)
			if !v.nonNull {
				nulls = append(nulls, v.n)
			}
			f.emit(jen.Id(k).Dot(keyPartField(i)).Op("=").Add(v.v))
		}
		call := jen.List(jen.Id("*late"), jen.Err()).Op("=").Id("q").Dot("ij").Dot("Left").Call(jen.Id(k), jen.Id(ts), jen.Id("r"), on, jen.Id("q").Dot("pair"), outL)
		keep := j.Left
		if side == 1 {
			call = jen.List(jen.Id("*late"), jen.Err()).Op("=").Id("q").Dot("ij").Dot("Right").Call(jen.Id(k), jen.Id(ts), jen.Id("o"), on, jen.Id("q").Dot("pair"), outR)
			keep = j.Right
		}
		f.emit(jen.Var().Err().Error())
		if len(nulls) > 0 {
			// A NULL key meets no row: an outer side's record goes out at once, NULL-extended.
			var nullCase []jen.Code
			nullCase = append(nullCase, jen.Id("*late").Op("=").Id("q").Dot("ij").Dot("Late").Call(jen.Id(ts)))
			if keep {
				only := jen.Id("q").Dot("leftOnly").Call(jen.Id("r"))
				if side == 1 {
					only = jen.Id("q").Dot("rightOnly").Call(jen.Id("o"))
				}
				nullCase = append(nullCase, jen.If(jen.Op("!").Id("*late")).Block(jen.Err().Op("=").Add(only)))
			}
			f.emit(jen.If(orAll(nulls)).Block(nullCase...).Else().Block(call))
		} else {
			f.emit(call)
		}
		f.emit(
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Return(jen.Id("q").Dot("advance").Call(jen.Lit(side), jen.Id(ts))),
		)
		name, param := "process", jen.Id("r").Op("*").Id(recordType(q.Source))
		what := fmt.Sprintf("a record of %s: it meets the rows of %s kept", q.Source.Name, j.Table.Name)
		if side == 1 {
			name, param = "processRight", jen.Id("o").Op("*").Id(recordType(j.Table))
			what = fmt.Sprintf("a row of %s: it meets the records of %s kept", j.Table.Name, q.Source.Name)
		}
		g.f.Comment(commentf("%s runs the join of %s for %s, and is kept itself; it sets *late if its time is behind the watermark.", name, q.Name, what))
		g.f.Func().Params(jen.Id("q").Add(qt)).Id(name).Params(param, jen.Id("late").Op("*").Bool()).Error().Block(body...)
		g.f.Line()
	}

	// The callbacks.
	if j.On != nil {
		var body []jen.Code
		f := &fn{g: g, body: &body, rec: "r", q: q, failFirst: []jen.Code{jen.False()}}
		f.emit(jen.Id(joinFilled(j)).Op(":=").False(), jen.Id("_").Op("=").Id(joinFilled(j)))
		if j.Right {
			f.emit(jen.Id(recordFilled).Op(":=").False(), jen.Id("_").Op("=").Id(recordFilled))
		}
		w := f.expr(j.On)
		if w.nonNull {
			f.emit(jen.Return(w.v, jen.Nil()))
		} else {
			f.emit(jen.Return(jen.Op("!").Add(w.n).Op("&&").Add(w.v), jen.Nil()))
		}
		g.f.Comment(commentf("on tests the rest of ON for a record of %s and a row of %s that meet.", q.Source.Name, j.Table.Name))
		g.f.Func().Params(jen.Id("q").Add(qt)).Id("on").Params(jen.Id("r").Op("*").Id(recordType(q.Source)), jen.Id(joinRow(j)).Op("*").Id(recordType(j.Table))).Params(jen.Bool(), jen.Error()).Block(body...)
		g.f.Line()
	}
	g.f.Comment("pair runs the rest of the query for a record and a row of the other stream that met.")
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("pair").Params(jen.Id("r").Op("*").Id(recordType(q.Source)), jen.Id(joinRow(j)).Op("*").Id(recordType(j.Table))).Error().Block(
		jen.Return(next(jen.Id("r"), jen.False(), jen.Id(joinRow(j)), jen.False())))
	g.f.Line()
	if j.Left {
		g.f.Comment("leftOnly runs the rest of the query for a record that met no row of the other stream.")
		g.f.Func().Params(jen.Id("q").Add(qt)).Id("leftOnly").Params(jen.Id("r").Op("*").Id(recordType(q.Source))).Error().Block(
			jen.Return(next(jen.Id("r"), jen.False(), jen.Op("&").Id(fillVar(q, j)), jen.True())))
		g.f.Line()
	}
	if j.Right {
		g.f.Comment("rightOnly runs the rest of the query for a row of the other stream that met no record.")
		g.f.Func().Params(jen.Id("q").Add(qt)).Id("rightOnly").Params(jen.Id(joinRow(j)).Op("*").Id(recordType(j.Table))).Error().Block(
			jen.Return(next(jen.Op("&").Id(recordFillVar(q)), jen.True(), jen.Id(joinRow(j)), jen.False())))
		g.f.Line()
	}
	g.f.Comment("advance moves the watermark with a record's time on input i (0: the record's stream, 1: the other); the rows whose interval it passes leave the join.")
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("advance").Params(jen.Id("i").Int(), jen.Id("ts").Int64()).Error().Block(
		jen.Id("w").Op(":=").Id("q").Dot("wm0"),
		jen.If(jen.Id("i").Op("==").Lit(1)).Block(jen.Id("w").Op("=").Id("q").Dot("wm1")),
		jen.If(jen.Id("w").Dot("Observe").Call(jen.Id("ts")).Op("&&").Id("q").Dot("jwm").Dot("Set").Call(jen.Id("i"), jen.Id("w").Dot("Current").Call())).Block(
			jen.Return(jen.Id("q").Dot("advanced").Call())),
		jen.Return(jen.Nil()))
	g.f.Line()
	g.f.Comment("tickJoin moves input i's watermark when its partitions go idle or busy without a record, and lets an input that has had no record for its 'idle.timeout' (quiet) stop holding the join's watermark back.")
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("tickJoin").Params(jen.Id("i").Int(), jen.Id("quiet").Bool()).Error().Block(
		jen.Id("w").Op(":=").Id("q").Dot("wm0"),
		jen.If(jen.Id("i").Op("==").Lit(1)).Block(jen.Id("w").Op("=").Id("q").Dot("wm1")),
		jen.Id("moved").Op(":=").Id("w").Dot("Refresh").Call().Op("&&").Id("q").Dot("jwm").Dot("Set").Call(jen.Id("i"), jen.Id("w").Dot("Current").Call()),
		jen.If(jen.Id("quiet")).Block(jen.Id("moved").Op("=").Id("q").Dot("jwm").Dot("Idle").Call(jen.Id("i"), jen.True()).Op("||").Id("moved")),
		jen.If(jen.Id("moved")).Block(jen.Return(jen.Id("q").Dot("advanced").Call())),
		jen.Return(jen.Nil()))
	g.f.Line()
	// ahead: the input's source waits (lockedRecord) while its watermark is further ahead of the join's than the
	// rows the join keeps span (the interval, twice, and the out-of-orderness), so that the join's state stays
	// within that span however much faster one source reads than the other.
	iv := j.Interval
	slack := 2*(max(iv.Before, 0)+max(iv.After, 0)) + max(q.Source.MaxOutOfOrder, j.Table.MaxOutOfOrder) + iv.Grace + 1000
	g.f.Comment(commentf("ahead reports whether input i's watermark is more than %d ms past the join's: its source then waits for the other input before reading on.", slack))
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("ahead").Params(jen.Id("i").Int()).Bool().Block(
		jen.Id("w").Op(":=").Id("q").Dot("wm0"),
		jen.If(jen.Id("i").Op("==").Lit(1)).Block(jen.Id("w").Op("=").Id("q").Dot("wm1")),
		jen.List(jen.Id("c"), jen.Id("j")).Op(":=").List(jen.Id("w").Dot("Current").Call(), jen.Id("q").Dot("jwm").Dot("Current").Call()),
		jen.Return(jen.Id("c").Op("!=").Qual("math", "MinInt64").Op("&&").Parens(jen.Id("j").Op("==").Qual("math", "MinInt64").Op("||").Id("c").Op("-").Id("j").Op(">").Lit(int(slack)))))
	g.f.Line()
	g.f.Comment("ended says that input i has ended: it no longer holds the watermark back.")
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("ended").Params(jen.Id("i").Int()).Error().Block(
		jen.If(jen.Id("q").Dot("jwm").Dot("End").Call(jen.Id("i"))).Block(
			jen.Return(jen.Id("q").Dot("advanced").Call())),
		jen.Return(jen.Nil()))
	g.f.Line()
	// advanced: the rows whose interval the watermark passed leave; the windows reading the join's stream learn
	// its output watermark.
	body := []jen.Code{jen.If(jen.Err().Op(":=").Id("q").Dot("ij").Dot("Advance").Call(jen.Id("q").Dot("jwm").Dot("Current").Call(), outL, outR), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))}
	if s := g.plan.Feeds(q); s != nil {
		for _, r := range g.plan.Readers(s) {
			if r.Follows || r.Relays {
				body = append(body, jen.If(jen.Err().Op(":=").Id("q").Dot(readerField(r)).Dot("follow").Call(jen.Id("q").Dot("ij").Dot("OutWatermark").Call()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			}
		}
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Comment("advanced runs when the watermark moved: the rows whose interval it passed leave the join, and the windows reading its stream follow its output watermark.")
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("advanced").Params().Error().Block(body...)
	g.f.Line()
}

// joinedPairs lists, for rt.Job.Joined, the declared sources that joins of two streams read on either side.
func joinedPairs(p *compiler.Plan) []jen.Code {
	var pairs []jen.Code
	for _, q := range p.Queries {
		if streamJoin(q) == nil {
			continue
		}
		in := compiler.Inputs(q)
		l, r := compiler.Roots(in[0]), compiler.Roots(in[1])
		if len(l) == 1 && len(r) == 1 && l[0] != r[0] {
			pairs = append(pairs, jen.Values(jen.Lit(l[0].Name), jen.Lit(r[0].Name)))
		}
	}
	return pairs
}

// flushInterval is the first statement of the end of a query that joins two streams: every row still kept goes,
// the outer ones that met nothing emitted.
func flushInterval(q *compiler.Query) []jen.Code {
	j := streamJoin(q)
	if j == nil {
		return nil
	}
	outL, outR := jen.Code(jen.Nil()), jen.Code(jen.Nil())
	if j.Left {
		outL = jen.Id("q").Dot("leftOnly")
	}
	if j.Right {
		outR = jen.Id("q").Dot("rightOnly")
	}
	return []jen.Code{
		jen.Comment("both streams have ended: the rows kept meet nothing more"),
		jen.If(jen.Err().Op(":=").Id("q").Dot("ij").Dot("Flush").Call(outL, outR), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	}
}

func keyPartField(i int) string { return fmt.Sprintf("K%d", i) }

// orAll is a || b || ...
func orAll(xs []jen.Code) jen.Code {
	out := xs[0]
	for _, x := range xs[1:] {
		out = jen.Add(out).Op("||").Add(x)
	}
	return out
}
