// Windows beyond the plain tumbling one: hopping windows (a record updates every window that covers it), session
// windows (rt.Sessions), and the late-data strategies other than drop.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// windowPath reports whether q's record handling is generated here rather than by genGroupUpdate's tumbling path:
// any window but a tumbling one whose late records are dropped.
func windowPath(q *compiler.Query) bool {
	w := q.Window
	return w != nil && (w.Kind != compiler.Tumbling || w.Late != compiler.LateDrop)
}

// windowsType is the type of q's window state: rt.Sessions for session windows, rt.Hops for hopping windows that
// it can hold (see hopsByKey), rt.Windows for the others.
func (g *gen) windowsType(q *compiler.Query, kt, st jen.Code) jen.Code {
	switch {
	case q.Window.Kind == compiler.Session:
		return jen.Qual(rtPath, "Sessions").Types(kt, st)
	case g.hopsByKey(q):
		return jen.Qual(rtPath, "Hops").Types(kt, st)
	}
	return jen.Qual(rtPath, "Windows").Types(kt, st)
}

// newWindows creates q's window state.
func (g *gen) newWindows(q *compiler.Query, kt, st jen.Code) jen.Code {
	switch {
	case q.Window.Kind == compiler.Session:
		return jen.Qual(rtPath, "NewSessions").Types(kt, st).Call(jen.Lit(q.Window.Size))
	case g.hopsByKey(q):
		return jen.Qual(rtPath, "NewHops").Types(kt, st).Call(jen.Lit(q.Window.Size), jen.Lit(q.Window.Advance))
	}
	return jen.Qual(rtPath, "NewWindows").Types(kt, st).Call(jen.Lit(q.Window.Size))
}

// hopsByKey reports whether q's hopping windows are held by rt.Hops, which looks a record's key up once for all
// its windows: unless closed windows are kept for late updates or the state may spill, which rt.Windows does.
func (g *gen) hopsByKey(q *compiler.Query) bool {
	w := q.Window
	return w != nil && w.Kind == compiler.Hopping && w.Late != compiler.LateUpdatePrevious &&
		!(g.plan.StateOverflow == "spill" && windowSpills(q))
}

// windowSpills reports whether q's state can go to disk under 'state.overflow' = 'spill': session windows and
// windows kept for late updates stay in memory.
func windowSpills(q *compiler.Query) bool {
	w := q.Window
	return w == nil || w.Kind != compiler.Session && w.Late != compiler.LateUpdatePrevious
}

// windowHashes reports whether q's state has the cache of recent keys (rt.Groups.HashKeys): sessions do not.
func windowHashes(q *compiler.Query) bool {
	return q.Window == nil || q.Window.Kind != compiler.Session
}

// windowSetup is what q's constructor does for its window besides the common setup.
func windowSetup(q *compiler.Query) []jen.Code {
	w := q.Window
	if w == nil {
		return nil
	}
	var out []jen.Code
	if w.Late == compiler.LateUpdatePrevious {
		out = append(out, jen.Comment(commentf("a closed window is kept %dms ('allowed.lateness') for late records to update it", w.AllowedLateness)),
			jen.Id("q").Dot("windows").Dot("Retain").Call(jen.Lit(w.AllowedLateness)))
	}
	if w.Kind == compiler.Session {
		out = append(out, jen.Comment("a record that bridges two sessions merges their accumulators"),
			jen.Id("q").Dot("windows").Dot("Merger").Call(jen.Id("q").Dot("mergeState")))
		if sessionRetracts(q) {
			out = append(out, jen.Comment("a session whose start moves retracts the row of its old start"),
				jen.Id("q").Dot("windows").Dot("Retractor").Call(jen.Id("q").Dot("retract")))
		}
		if w.Late == compiler.LateUpdatePrevious && q.Emit == compiler.EmitChanges {
			out = append(out, jen.Comment("a late update of a closed session withdraws its row, then writes it anew"),
				jen.Id("q").Dot("windows").Dot("RetractCorrected").Call())
		}
	}
	return out
}

// sessionRetracts reports whether q's sessions retract rows: under EMIT CHANGES, and under EMIT FINAL when late
// updates may move the start of, or merge away, a closed session whose row was written.
func sessionRetracts(q *compiler.Query) bool {
	return q.Emit == compiler.EmitChanges || q.Window.Late == compiler.LateUpdatePrevious
}

// closeFn is what q does with each group of a window that closes: emit it (EMIT FINAL), or drop it (EMIT CHANGES
// wrote its rows already).
func (g *gen) closeFn(q *compiler.Query) jen.Code {
	if q.Emit != compiler.EmitChanges {
		return jen.Id("q").Dot("emit")
	}
	if q.Window.Kind == compiler.Session {
		return jen.Nil()
	}
	g.needDropWindow()
	return jen.Id("dropWindow").Types(jen.Id(keyType(q)), jen.Id(stateType(q)))
}

// windowSQL describes q's window in a comment.
func windowSQL(w *compiler.Window) string {
	t := compiler.ExprString(w.Time)
	s := ""
	switch w.Kind {
	case compiler.Hopping:
		s = fmt.Sprintf("WINDOW HOPPING(%s, %dms, %dms)", t, w.Size, w.Advance)
	case compiler.Session:
		s = fmt.Sprintf("WINDOW SESSION(%s, %dms)", t, w.Size)
	default:
		s = fmt.Sprintf("WINDOW TUMBLING(%s, %dms)", t, w.Size)
	}
	if w.Late != compiler.LateDrop {
		s += ", late records: " + w.Late.String()
	}
	return s
}

// genWindowUpdate emits the part of process that places the record in its windows and updates their groups.
func (g *gen) genWindowUpdate(f *fn, q *compiler.Query) {
	w := q.Window
	f.emit(jen.Comment(commentText(windowSQL(w))))
	t := f.expr(w.Time)
	if !t.nonNull {
		f.emit(jen.Comment("admit has rejected records without an event time"))
	}
	f.emit(jen.Id("ts").Op(":=").Add(t.v))
	if w.Kind == compiler.Session {
		g.genSessionUpdate(f, q)
	} else {
		g.genTimeWindowUpdate(f, q)
	}
	f.emit(g.observe(q, jen.Id("ts")), jen.Return(jen.Nil()))
}

// lateBranch is the body of the branch for a record whose windows have all closed ([start, end) is the latest of
// them): drop it, or dead-letter it, as the strategy says. include_in_next is handled by the caller.
func lateBranch(q *compiler.Query, start, end jen.Code) []jen.Code {
	out := []jen.Code{jen.Op("*").Id("late").Op("=").True()}
	if q.Window.Late == compiler.LateDeadLetter {
		return append(out, jen.Comment("the source's dead-letter file gets it, with its window and the watermark"),
			jen.Return(jen.Id("q").Dot("src").Dot("LateDeadLetter").Call(jen.Lit(q.Name), start, end, jen.Id("q").Dot("wm").Dot("Current").Call())))
	}
	return append(out, jen.Comment("the source counts it once"), jen.Return(jen.Nil()))
}

// genTimeWindowUpdate places the record in its tumbling window or its hopping windows.
func (g *gen) genTimeWindowUpdate(f *fn, q *compiler.Query) {
	w := q.Window
	size, adv := jen.Lit(w.Size), jen.Lit(w.Advance)
	hop := w.Kind == compiler.Hopping
	if !hop {
		adv = size
	}
	// The record's windows start from first to last; the last of them closes last.
	last := jen.Id("start")
	if hop {
		last = jen.Id("last")
		f.emit(jen.List(jen.Id("first"), jen.Id("last")).Op(":=").List(
			jen.Qual(rtPath, "HopFirst").Call(jen.Id("ts"), size, adv), jen.Qual(rtPath, "TumbleStart").Call(jen.Id("ts"), adv)))
	} else {
		f.emit(jen.Id("start").Op(":=").Qual(rtPath, "TumbleStart").Call(jen.Id("ts"), size))
	}
	why := "every window of the record has closed"
	if w.Late == compiler.LateUpdatePrevious {
		why = "every window of the record closed more than 'allowed.lateness' ago (or before a restart): drop it"
	}
	end := func(start jen.Code) jen.Code { return jen.Qual(rtPath, "Closing").Call(start, size, jen.Lit(0)) }
	closed := func(start jen.Code) jen.Code { return jen.Id("q").Dot("wm").Dot("Closed").Call(end(start)) }
	// gone is whether the window starting at start has closed and is not kept for late updates.
	gone := func(start jen.Code) jen.Code {
		if w.Late != compiler.LateUpdatePrevious {
			return closed(start)
		}
		return jen.Add(closed(start)).Op("&&").Op("!").Id("q").Dot("wm").Dot("Kept").Call(end(jen.Add(start)), jen.Lit(w.AllowedLateness))
	}
	var lateCase []jen.Code
	if w.Late == compiler.LateIncludeInNext {
		moved := []jen.Code{jen.Comment("'include_in_next': the record goes to the earliest window still open"),
			jen.Id("q").Dot("src").Dot("LateMoved").Call()}
		if hop {
			moved = append(moved, jen.Id("first").Op("=").Id("q").Dot("wm").Dot("EarliestOpen").Call(size, adv), jen.Id("last").Op("=").Id("first"))
		} else {
			moved = append(moved, jen.Id("start").Op("=").Id("q").Dot("wm").Dot("EarliestOpen").Call(size, adv))
		}
		lateCase = moved
	} else {
		lateCase = append([]jen.Code{jen.Comment(why)}, lateBranch(q, jen.Add(last), end(jen.Add(last)))...)
	}
	f.emit(jen.If(gone(last)).Block(lateCase...))
	g.genKey(f, q)

	// one window: start
	update := func() {
		if w.Late == compiler.LateUpdatePrevious {
			if hop {
				f.emit(jen.If(gone(jen.Id("start"))).Block(jen.Continue().Comment("closed more than 'allowed.lateness' ago: gone")))
			}
			f.emit(jen.Id("lateUpdate").Op(":=").Add(closed(jen.Id("start"))).Comment("the window has closed, but is kept for late updates"))
		} else if hop {
			f.emit(jen.If(closed(jen.Id("start"))).Block(jen.Continue().Comment("this window has closed; the record counts in the later ones")))
		}
		if g.hopsByKey(q) {
			f.emit(jen.Id("s").Op(":=").Id("q").Dot("windows").Dot("At").Call(jen.Id("ki"), jen.Id("start")))
		} else {
			f.emit(jen.List(jen.Id("s"), jen.Id("_")).Op(":=").Id("q").Dot("windows").Dot("Get").Call(jen.Id("start"), jen.Id("k")))
		}
		g.genAggUpdates(f, q)
		emit := jen.If(jen.Err().Op(":=").Id("q").Dot("emit").Call(jen.Id("start"), jen.Op("&").Id("k"), jen.Id("s")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		if w.Late == compiler.LateUpdatePrevious {
			var corr []jen.Code
			if hop {
				corr = append(corr, jen.Id("updated").Op("=").True())
			} else {
				corr = append(corr, jen.Id("q").Dot("src").Dot("LateUpdated").Call())
			}
			if q.Emit == compiler.EmitChanges {
				corr = append(corr, jen.Comment("the window's row is withdrawn, then written anew below"),
					jen.If(jen.Err().Op(":=").Id("q").Dot("retract").Call(jen.Id("start"), jen.Op("&").Id("k"), jen.Id("s")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			} else {
				corr = append(corr, jen.Comment("a correction: the window's row again, as it is now"), emit)
			}
			f.emit(jen.If(jen.Id("lateUpdate")).Block(corr...))
		}
		if q.Emit == compiler.EmitChanges {
			f.emit(emit)
		}
	}
	if !hop {
		update()
		return
	}
	// The accumulators' arguments are computed once for all the record's windows.
	f.pre = map[compiler.Expr]val{}
	for _, a := range q.Aggs {
		if a.Arg == nil {
			continue
		}
		if _, done := f.pre[a.Arg]; done {
			continue
		}
		x := f.expr(a.Arg)
		v := f.tmp("h")
		f.emit(jen.Id(v).Op(":=").Add(x.v))
		if x.nonNull {
			f.pre[a.Arg] = val{v: jen.Id(v), n: jen.False(), nonNull: true}
		} else {
			n := f.tmp("hn")
			f.emit(jen.Id(n).Op(":=").Add(x.n))
			f.pre[a.Arg] = val{v: jen.Id(v), n: jen.Id(n)}
		}
	}
	if w.Late == compiler.LateUpdatePrevious {
		f.emit(jen.Id("updated").Op(":=").False())
	}
	if g.hopsByKey(q) {
		f.emit(jen.Comment("the key is looked up once; its state in each window is in the key's ring"),
			jen.Id("ki").Op(":=").Id("q").Dot("windows").Dot("Key").Call(jen.Id("k")))
	}
	body := f.block(update)
	f.pre = nil
	f.emit(jen.Comment("every window that covers the record, in start order"),
		jen.For(
			jen.List(jen.Id("i"), jen.Id("start")).Op(":=").List(jen.Qual(rtPath, "HopCount").Call(jen.Id("first"), jen.Id("last"), adv), jen.Id("first")),
			jen.Id("i").Op(">").Lit(0),
			jen.List(jen.Id("i"), jen.Id("start")).Op("=").List(jen.Id("i").Op("-").Lit(1), jen.Id("start").Op("+").Add(adv)),
		).Block(body...))
	if w.Late == compiler.LateUpdatePrevious {
		f.emit(jen.If(jen.Id("updated")).Block(jen.Id("q").Dot("src").Dot("LateUpdated").Call()))
	}
}

// genSessionUpdate places the record in its key's session.
func (g *gen) genSessionUpdate(f *fn, q *compiler.Query) {
	g.genKey(f, q)
	if q.Window.Late == compiler.LateUpdatePrevious {
		f.emit(jen.Id("behind").Op(":=").Id("q").Dot("wm").Dot("Closed").Call(jen.Qual(rtPath, "Closing").Call(jen.Id("ts"), jen.Lit(1), jen.Lit(0))).Comment("the record is late"))
	}
	f.emit(
		jen.Comment("the session the record joins, grown or merged with the next to cover it, or a new one"),
		jen.List(jen.Id("sess"), jen.Err()).Op(":=").Id("q").Dot("windows").Dot("Get").Call(jen.Id("k"), jen.Id("ts"), jen.Id("q").Dot("wm")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	)
	switch q.Window.Late {
	case compiler.LateUpdatePrevious:
		f.emit(jen.If(jen.Id("sess").Op("==").Nil()).Block(
			jen.Comment("the record's time is more than 'allowed.lateness' behind the watermark (or before a restart): drop it"),
			jen.Op("*").Id("late").Op("=").True(),
			jen.Return(jen.Nil()),
		), jen.If(jen.Id("behind")).Block(
			jen.Comment("late, but within 'allowed.lateness': it went into its session as a record on time would"),
			jen.Id("q").Dot("src").Dot("LateUpdated").Call(),
		))
	case compiler.LateIncludeInNext:
		f.emit(jen.If(jen.Id("sess").Op("==").Nil()).Block(
			jen.Comment("the record's time is behind the watermark: it is late. 'include_in_next': it goes in at the"),
			jen.Comment("watermark's time, joining the key's session the watermark is within gap of, or starting one"),
			jen.Id("q").Dot("src").Dot("LateMoved").Call(),
			jen.List(jen.Id("sess"), jen.Err()).Op("=").Id("q").Dot("windows").Dot("Get").Call(jen.Id("k"), jen.Id("q").Dot("wm").Dot("Current").Call(), jen.Id("q").Dot("wm")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		))
	default:
		f.emit(jen.If(jen.Id("sess").Op("==").Nil()).Block(append([]jen.Code{
			jen.Comment("the record's time is behind the watermark: it is late"),
		}, lateBranch(q, jen.Id("ts"), jen.Id("ts"))...)...))
	}
	f.emit(jen.Id("s").Op(":=").Op("&").Id("sess").Dot("State"))
	g.genAggUpdates(f, q)
	if q.Window.Late == compiler.LateUpdatePrevious && q.Emit == compiler.EmitFinal {
		f.emit(jen.If(jen.Id("sess").Dot("Closed")).Block(
			jen.Comment("a correction: the closed session's row again, as it is now"),
			jen.If(jen.Err().Op(":=").Id("q").Dot("emit").Call(jen.Id("sess").Dot("Start"), jen.Id("sess").Dot("Last"), jen.Op("&").Id("k"), jen.Id("s")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		))
	}
	if q.Emit == compiler.EmitChanges {
		f.emit(jen.If(jen.Err().Op(":=").Id("q").Dot("emit").Call(jen.Id("sess").Dot("Start"), jen.Id("sess").Dot("Last"), jen.Op("&").Id("k"), jen.Id("s")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
}

// genWindowMethods emits what q's window needs besides process and emit: retract, which withdraws a row, and
// mergeState, which merges two sessions' accumulators.
func (g *gen) genWindowMethods(q *compiler.Query) {
	w := q.Window
	if q.Emit == compiler.EmitChanges && (w.Kind == compiler.Session || w.Late == compiler.LateUpdatePrevious) ||
		w.Kind == compiler.Session && sessionRetracts(q) {
		g.genRetract(q)
	}
	if w.Kind == compiler.Session {
		g.genStateMerge(q)
	}
}

// genRetract emits retract, which writes a retraction of the row of a group, if one was written and not
// retracted since.
func (g *gen) genRetract(q *compiler.Query) {
	var body []jen.Code
	f := &fn{g: g, body: &body, key: "k", state: "s", q: q, size: q.Window.Size}
	params := []jen.Code{jen.Id("start").Int64()}
	if q.Window.Kind == compiler.Session {
		f.end = "end"
		params = append(params, jen.Id("end").Int64())
	}
	params = append(params, jen.Id("k").Op("*").Id(keyType(q)), jen.Id("s").Op("*").Id(stateType(q)))
	f.emit(jen.If(jen.Op("!").Id("s").Dot("emitted")).Block(jen.Return(jen.Nil())), jen.Id("s").Dot("emitted").Op("=").False())
	g.writeRow(f, q, true)
	g.f.Comment(commentf("retract withdraws the row %s wrote for a group whose window has changed, if it stands.", q.Name))
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("retract").Params(params...).Error().Block(body...)
	g.f.Line()
}

// genStateMerge emits mergeState, which folds the accumulators of session o into d's when a record bridges them.
// DISTINCT aggregates add the values of o's set that d's lacks.
func (g *gen) genStateMerge(q *compiler.Query) {
	var body []jen.Code
	f := &fn{g: g, body: &body, q: q}
	for _, a := range q.Aggs {
		body = append(body, jen.Comment(commentText(a.Loc.Text)))
		dst, src := jen.Id("d").Dot(aggField(a)), jen.Id("o").Dot(aggField(a))
		if a.Distinct && a.Arg != nil {
			set := fmt.Sprintf("d%d", a.Index)
			v := jen.Id("v")
			if a.Arg.Type().Kind == compiler.Double {
				v = jen.Qual(rtPath, "FloatFromKey").Call(jen.Id("v"))
			}
			add := dst.Clone().Dot("Add").Call()
			if a.Impl.Add != compiler.AddRow {
				add = dst.Clone().Dot("Add").Call(v)
			}
			if a.Impl.AddFail != "" {
				add = jen.If(jen.Op("!").Add(add)).Block(jen.Id("ok").Op("=").False())
			}
			each := jen.Id("o").Dot(set).Dot("Each").Call(jen.Func().Params(jen.Id("v").Add(structField{kind: keyKind(a.Arg.Type())}.goType())).Block(
				jen.If(jen.Id("d").Dot(set).Dot("Add").Call(jen.Id("v"))).Block(add)))
			if a.Impl.AddFail != "" {
				body = append(body, jen.Id("ok").Op(":=").True(), each, jen.If(jen.Op("!").Id("ok")).Block(f.fail(a.Loc, a.Impl.AddFail)))
			} else {
				body = append(body, each)
			}
			continue
		}
		merge := dst.Clone().Dot("Merge").Call(jen.Op("&").Add(src))
		if a.Impl.AddFail != "" {
			merge = jen.If(jen.Op("!").Add(merge)).Block(f.fail(a.Loc, a.Impl.AddFail))
		}
		body = append(body, merge)
	}
	if q.Sink.Retracts {
		body = append(body, jen.Comment("the row of d's start stands if either had one"),
			jen.Id("d").Dot("emitted").Op("=").Id("d").Dot("emitted").Op("||").Id("o").Dot("emitted"))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Comment("mergeState folds the accumulators of session o into d's: a record bridged the two sessions.")
	g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id("mergeState").Params(jen.Id("d"), jen.Id("o").Op("*").Id(stateType(q))).Error().Block(body...)
	g.f.Line()
}
