// Queries over queries: the edge from a query that writes a stream to the queries that read it is a typed call.
// The writer builds a record of the stream from the row it writes and hands it to each reader's process, in the
// goroutine of the writer's own source; nothing is encoded.

package codegen

import (
	"fmt"
	"slices"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

// genStream emits the record struct of a stream that queries of the job write and read.
func (g *gen) genStream(s *compiler.Source) {
	g.f.Comment(commentf("%s is one record of the stream %q, written by the query at %s:%d and read by later queries.", recordType(s), s.Name, s.Loc.File, s.Loc.Line))
	g.f.Type().Id(recordType(s)).Struct(recordFields(s)...)
	g.f.Line()
}

// readerField is the field of a query that writes a stream holding one of the stream's readers.
func readerField(r *compiler.Query) string { return "to" + r.GoName }

// readerFields are the fields of q that hold the queries reading the stream q writes, and, for a query with an
// event time reading a stream several queries write, the inputs its watermark follows (one per writer).
func (g *gen) readerFields(q *compiler.Query) []jen.Code {
	var fields []jen.Code
	if multiInput(q) {
		fields = append(fields, jen.Id("inputs").Op("*").Qual(rtPath, "WatermarkInputs").Comment("the watermark follows the slowest of the queries writing the stream"))
	}
	s := g.plan.Feeds(q)
	if s == nil {
		return fields
	}
	for _, r := range g.plan.Readers(s) {
		fields = append(fields, jen.Id(readerField(r)).Op("*").Id(queryType(r)).Comment(commentf("reads %s", s.Name)))
	}
	return fields
}

// multiInput reports whether q has a watermark over a stream that several queries write: each is an input of the
// watermark, which follows the slowest that has not ended.
func multiInput(q *compiler.Query) bool { return tracksLate(q) && len(q.Source.Writers) > 1 }

// feedRow emits, where q writes a row of the values vals, the record of the stream q writes and its delivery to
// every query that reads the stream, in script order.
func (g *gen) feedRow(f *fn, q *compiler.Query, vals []val) {
	s := g.plan.Feeds(q)
	if s == nil {
		return
	}
	d := f.tmp("d")
	f.emit(jen.Comment(commentf("the row is a record of the stream %s, which later queries read", s.Name)))
	f.emit(jen.Var().Id(d).Id(recordType(s)))
	for i, fl := range s.Fields {
		f.emit(jen.Id(d).Dot(fl.GoName).Op("=").Add(vals[i].v))
		if fl.Nullable {
			f.emit(jen.Id(d).Dot(nullField(fl)).Op("=").Add(vals[i].n))
		}
	}
	for _, r := range g.plan.Readers(s) {
		rv := jen.Id("q").Dot(readerField(r))
		if sj := streamJoin(r); sj != nil && sj.Table == s {
			// The other stream of r's join of two streams (interval.go).
			late := f.tmp("late")
			f.emit(jen.Var().Id(late).Bool())
			f.emit(jen.If(jen.Err().Op(":=").Add(rv).Dot("processRight").Call(jen.Op("&").Id(d), jen.Op("&").Id(late)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			f.emit(jen.If(jen.Id(late)).Block(jen.Id("q").Dot("src").Dot("Late").Call()))
			if r.Source != s {
				continue
			}
		}
		if r.Admit {
			f.emit(jen.If(jen.Err().Op(":=").Add(rv).Dot("admit").Call(jen.Op("&").Id(d)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
		}
		args := []jen.Code{jen.Op("&").Id(d)}
		if multiInput(r) {
			f.emit(jen.Add(rv).Dot("inputs").Dot("From").Call(jen.Lit(slices.Index(s.Writers, q))))
		}
		if tracksLate(r) {
			late := f.tmp("late")
			f.emit(jen.Var().Id(late).Bool())
			args = append(args, jen.Op("&").Id(late))
			f.emit(jen.If(jen.Err().Op(":=").Add(rv).Dot("process").Call(args...), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			f.emit(jen.If(jen.Id(late)).Block(jen.Id("q").Dot("src").Dot("Late").Call()))
			continue
		}
		f.emit(jen.If(jen.Err().Op(":=").Add(rv).Dot("process").Call(args...), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
}

// tracksLate reports whether q's process reports a record too late for its windows (a late *bool parameter).
func tracksLate(q *compiler.Query) bool {
	return q.Window != nil || q.Over != nil && q.Over.Time != nil || streamJoin(q) != nil
}

// depth is how many queries lie between q and a declared source: 0 for a query that reads one.
func depth(q *compiler.Query) int {
	d := 0
	for _, in := range compiler.Inputs(q) {
		for _, w := range in.Writers {
			d = max(d, depth(w)+1)
		}
	}
	return d
}

// byDepth orders queries so that a query writing a stream comes before the queries reading it (script order
// otherwise): the end of bounded input runs them in this order, so a writer's last rows reach its readers before
// they end.
func byDepth(qs []*compiler.Query) []*compiler.Query {
	out := append([]*compiler.Query(nil), qs...)
	sort.SliceStable(out, func(i, j int) bool { return depth(out[i]) < depth(out[j]) })
	return out
}

// wireReaders emits, in setup, the links from each query that writes a stream to the queries that read it, and
// the inputs of the watermarks that follow several writers.
func (g *gen) wireReaders() []jen.Code {
	var code []jen.Code
	for _, q := range g.plan.Queries {
		if multiInput(q) {
			code = append(code, jen.Id(lowerFirst(q.GoName)).Dot("inputs").Op("=").Id(lowerFirst(q.GoName)).Dot("wm").Dot("Inputs").Call(jen.Lit(len(q.Source.Writers))))
		}
	}
	for _, s := range g.plan.Streams {
		for _, w := range s.Writers {
			for _, r := range g.plan.Readers(s) {
				code = append(code, jen.Id(lowerFirst(w.GoName)).Dot(readerField(r)).Op("=").Id(lowerFirst(r.GoName)))
			}
		}
	}
	return code
}

// lockVar is the mutex that the sources of lock group n share.
func lockVar(n int) string { return fmt.Sprintf("lock%d", n) }

// setupLocks emits, in setup, a mutex per group of sources whose records meet in one operator
// (compiler.Source.Lock), and a count of ended inputs per query that several sources drive.
func (g *gen) setupLocks() []jen.Code {
	var code []jen.Code
	seen := map[int]bool{}
	for _, s := range g.plan.Sources {
		if s.Lock > 0 && !seen[s.Lock] {
			seen[s.Lock] = true
			code = append(code, jen.Comment(commentf("the sources of group %d hand their records to the job one at a time: queries they share see one record at a time", s.Lock)),
				jen.Id(lockVar(s.Lock)).Op(":=").New(jen.Qual("sync", "Mutex")))
			if g.aligned(s.Lock) {
				code = append(code, jen.Comment("a source whose event time runs too far ahead of the other input of a join of two streams waits for it"),
					jen.Id(condVar(s.Lock)).Op(":=").Qual("sync", "NewCond").Call(jen.Id(lockVar(s.Lock))))
			}
		}
	}
	for _, q := range g.plan.Queries {
		if n := len(compiler.QueryRoots(q)); n > 1 {
			code = append(code, jen.Var().Id(endedVar(q)).Int().Comment(commentf("how many of the %d sources that drive %s have ended", n, q.Name)))
		}
	}
	return code
}

// locked wraps the body of a handler of s in its group's lock, when it has one; in a group whose sources align
// their event times, the handler wakes the sources waiting (their input may have fallen behind no more).
func (g *gen) locked(s *compiler.Source, body []jen.Code) []jen.Code {
	if s.Lock == 0 {
		return body
	}
	code := []jen.Code{
		jen.Id(lockVar(s.Lock)).Dot("Lock").Call(),
		jen.Defer().Id(lockVar(s.Lock)).Dot("Unlock").Call(),
	}
	if g.aligned(s.Lock) {
		code = append(code, jen.Defer().Id(condVar(s.Lock)).Dot("Broadcast").Call())
	}
	return append(code, body...)
}

// lockedRecord is locked for the record handler of s: before it takes its record, s waits while its input of a
// join of two streams is too far ahead of the other (ahead): its records would only pile up in the join.
func (g *gen) lockedRecord(s *compiler.Source, body []jen.Code) []jen.Code {
	var waits []jen.Code
	for _, a := range g.alignments(s) {
		waits = append(waits, jen.For(jen.Id(srcVarOf(s)).Dot("MayWait").Call().Op("&&").Id(lowerFirst(a.q.GoName)).Dot("ahead").Call(jen.Lit(a.input))).Block(jen.Id(condVar(s.Lock)).Dot("Wait").Call()))
	}
	code := g.locked(s, nil)
	return append(append(code, waits...), body...)
}

func condVar(n int) string { return fmt.Sprintf("cond%d", n) }

// srcVarOf is the variable that holds source s in setup.
func srcVarOf(s *compiler.Source) string { return lowerFirst(s.GoName) + "Src" }

// alignment is one input of a join of two streams that a source drives alone, the other input driven by another.
type alignment struct {
	q     *compiler.Query
	input int
}

// alignments lists the inputs of joins of two streams that s drives, whose other input another source drives.
func (g *gen) alignments(s *compiler.Source) []alignment {
	var out []alignment
	for _, q := range g.plan.Queries {
		if streamJoin(q) == nil {
			continue
		}
		in := compiler.Inputs(q)
		l, r := compiler.Roots(in[0]), compiler.Roots(in[1])
		if len(l) != 1 || len(r) != 1 || l[0] == r[0] {
			continue
		}
		if l[0] == s {
			out = append(out, alignment{q, 0})
		}
		if r[0] == s {
			out = append(out, alignment{q, 1})
		}
	}
	return out
}

// aligned reports whether some source of lock group n waits for another (alignments).
func (g *gen) aligned(n int) bool {
	for _, s := range g.plan.Sources {
		if s.Lock == n && len(g.alignments(s)) > 0 {
			return true
		}
	}
	return false
}

// owner is the source in whose part of setup q is created: the first declared of the sources that drive it.
func (g *gen) owner(q *compiler.Query) *compiler.Source {
	roots := compiler.QueryRoots(q)
	for _, s := range g.plan.Sources {
		if slices.Contains(roots, s) {
			return s
		}
	}
	return roots[0]
}

func endedVar(q *compiler.Query) string { return "ended" + q.GoName }

// endQuery emits, in the end handler of source s, the end of q: at once when s is the only source driving q,
// else once the last of its sources has ended. Before that, a watermark following several writers learns that
// the writers driven by s alone have ended, and closes the windows the others have passed.
func (g *gen) endQuery(s *compiler.Source, q *compiler.Query) []jen.Code {
	qv := lowerFirst(q.GoName)
	var code []jen.Code
	if multiInput(q) {
		for i, w := range q.Source.Writers {
			if rs := compiler.Roots(w.Source); len(rs) == 1 && rs[0] == s {
				code = append(code, jen.Id(qv).Dot("inputs").Dot("End").Call(jen.Lit(i)))
			}
		}
		if len(code) > 0 {
			code = append(code, jen.If(jen.Err().Op(":=").Id(qv).Dot("tick").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
		}
	}
	if retries(q) {
		code = append(code, jen.If(jen.Err().Op(":=").Id(qv).Dot("drain").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	}
	if sj := streamJoin(q); sj != nil {
		// An input of the join whose sources have all ended no longer holds its watermark back.
		for i, in := range compiler.Inputs(q) {
			if rs := compiler.Roots(in); len(rs) == 1 && rs[0] == s {
				code = append(code, jen.If(jen.Err().Op(":=").Id(qv).Dot("ended").Call(jen.Lit(i)), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
			}
		}
	}
	end := jen.If(jen.Err().Op(":=").Id(qv).Dot("end").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	if n := len(compiler.QueryRoots(q)); n > 1 {
		return append(code, jen.Id(endedVar(q)).Op("++"), jen.If(jen.Id(endedVar(q)).Op("==").Lit(n)).Block(end))
	}
	return append(code, end)
}
