// Stream–table joins: the tables a job keeps (one rt.Table per joined table, filled by its source), and the stages
// of a joining query's process: one method per JOIN, each finding the rows of its table that match the record
// (a key lookup, or a scan of the table) and calling the next stage per match, the last stage being the query's
// usual work on the joined row (row).
package codegen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/velocc/velocc/compiler"
)

func tableKeyType(s *compiler.Source) string { return lowerFirst(s.GoName) + "TableKey" }
func tableVar(s *compiler.Source) string     { return lowerFirst(s.GoName) + "Table" }
func versionsVar(s *compiler.Source) string  { return lowerFirst(s.GoName) + "Versions" }
func ownRowFunc(s *compiler.Source) string   { return "own" + s.GoName + "Row" }
func joinRow(j *compiler.Join) string        { return fmt.Sprintf("j%d", j.Index) }
func joinFilled(j *compiler.Join) string     { return fmt.Sprintf("x%d", j.Index) }
func joinTable(j *compiler.Join) string      { return fmt.Sprintf("t%d", j.Index) }
func joinScratch(j *compiler.Join) string    { return fmt.Sprintf("s%d", j.Index) }
func fillVar(q *compiler.Query, j *compiler.Join) string {
	return fmt.Sprintf("%sFill%d", lowerFirst(q.GoName), j.Index)
}

// stageFunc is the method that runs the joins from the i-th on (0-based), and row past the last one.
func stageFunc(q *compiler.Query, i int) string {
	switch {
	case i == 0:
		return "process"
	case i == len(q.Joins):
		return "row"
	}
	return fmt.Sprintf("join%d", i+1)
}

// tables returns the sources the queries of p join, in declaration order.
func (g *gen) tables() []*compiler.Source {
	var out []*compiler.Source
	for _, s := range g.plan.Sources {
		if s.IsTable && g.sourceUsed(s) {
			out = append(out, s)
		}
	}
	return out
}

// builtTables returns the tables built by queries (CREATE TABLE ... AS SELECT) that some query reads.
func (g *gen) builtTables() []*compiler.Source {
	var out []*compiler.Source
	for _, t := range g.plan.Tables {
		if g.sourceUsed(t) {
			out = append(out, t)
		}
	}
	return out
}

// genBuiltTable emits the row type of a table built by a query: one field per output column, each nullable.
func (g *gen) genBuiltTable(t *compiler.Source) {
	var fields []jen.Code
	for _, f := range t.Fields {
		fields = append(fields, jen.Id(f.GoName).Add(goType(f.Type)).Comment(commentText(f.Name+" "+f.Type.String())), jen.Id(nullField(f)).Bool())
	}
	g.f.Comment(commentf("%s is one row of table %q, a group of query %s (%s:%d).", recordType(t), t.Name, t.Query.Name, t.Loc.File, t.Loc.Line))
	g.f.Type().Id(recordType(t)).Struct(fields...)
	g.f.Line()
	g.genTable(t)
}

// setupBuiltTable emits, in setup, the table built by a query; the query fills it (see putRow).
func setupBuiltTable(t *compiler.Source) []jen.Code {
	return []jen.Code{
		jen.Comment(commentf("table %s is filled by query %s, which reads %q", t.Name, t.Query.Name, t.Query.Source.Name)),
		jen.Id(tableVar(t)).Op(":=").Qual(rtPath, "NewTable").Types(jen.Id(tableKeyType(t)), jen.Id(recordType(t))).Call(jen.Id("c").Dot("Source").Call(jen.Lit(t.Query.Source.Name))),
		jen.Id(tableVar(t)).Dot("Own").Call(jen.Id(ownRowFunc(t))),
	}
}

// putRow emits, in the emit of a query that builds a table, the upsert of the row of values vals (the deletion of
// its key for a retraction). A group with a NULL key is no row: no lookup could find it.
func (g *gen) putRow(f *fn, q *compiler.Query, vals []val, retract bool) {
	t := q.Table
	if t == nil || !g.sourceUsed(t) {
		return
	}
	key := jen.Dict{}
	var nulls []jen.Code
	for _, k := range t.PrimaryKey {
		v := vals[k.Index]
		key[jen.Id(k.GoName)] = toKey(k.Type, v.v)
		if !v.nonNull {
			nulls = append(nulls, v.n)
		}
	}
	var st jen.Code
	if retract {
		st = jen.Id("q").Dot("table").Dot("Delete").Call(jen.Id(tableKeyType(t)).Values(key))
	} else {
		row := jen.Dict{}
		for i, c := range t.Fields {
			row[jen.Id(c.GoName)] = vals[i].v
			if !vals[i].nonNull {
				row[jen.Id(nullField(c))] = vals[i].n
			}
		}
		st = jen.Id("q").Dot("table").Dot("Put").Call(jen.Id(tableKeyType(t)).Values(key), jen.Op("&").Id(recordType(t)).Values(row))
	}
	f.emit(jen.Comment(commentf("the group is a row of table %s", t.Name)))
	if len(nulls) == 0 {
		f.emit(st)
		return
	}
	cond := nulls[0]
	for _, n := range nulls[1:] {
		cond = jen.Add(cond).Op("||").Add(n)
	}
	f.emit(jen.If(jen.Op("!").Parens(cond)).Block(st))
}

// tableOf returns the table type of s: rt.Table keyed by its primary key.
func tableOf(s *compiler.Source) *jen.Statement {
	return jen.Qual(rtPath, "Table").Types(jen.Id(tableKeyType(s)), storedRow(s))
}

// storedRow is what a table stores per key: its record, or for a table joined FOR SYSTEM_TIME AS OF, the
// history of its records (rt.Versions).
func storedRow(s *compiler.Source) jen.Code {
	if s.VersionTime != nil {
		return jen.Qual(rtPath, "Versions").Types(jen.Id(recordType(s)))
	}
	return jen.Id(recordType(s))
}

// getRow is the call that looks key up in j's table, giving the row the join reads (nil for none): the current
// row, or the version valid at asOf.
func getRow(j *compiler.Join, key jen.Dict, asOf jen.Code) jen.Code {
	return getRowOf(j, jen.Id(tableKeyType(j.Table)).Values(key), asOf)
}

// getRowOf is getRow with the key as an expression.
func getRowOf(j *compiler.Join, key jen.Code, asOf jen.Code) jen.Code {
	get := jen.Id("q").Dot(joinTable(j)).Dot("Get").Call(key, jen.Op("&").Id("q").Dot(joinScratch(j)))
	if j.Table.VersionTime == nil {
		return get
	}
	// Versions' methods take a nil history (no such key): they find no row.
	if asOf != nil {
		return get.Dot("AsOf").Call(asOf)
	}
	return get.Dot("Latest").Call()
}

// atRow is the i-th row of j's table in a scan: its current row.
func atRow(j *compiler.Join, i jen.Code) jen.Code {
	at := jen.Id("q").Dot(joinTable(j)).Dot("At").Call(i, jen.Op("&").Id("q").Dot(joinScratch(j)))
	if j.Table.VersionTime != nil {
		return at.Dot("Latest").Call()
	}
	return at
}

// genTable emits the key type of table s and the function that makes a stored row's strings its own.
func (g *gen) genTable(s *compiler.Source) {
	var fields []jen.Code
	for _, f := range s.PrimaryKey {
		fields = append(fields, jen.Id(f.GoName).Add(tableKeyGoType(f.Type)))
	}
	g.f.Comment(commentf("%s is the primary key of table %q.", tableKeyType(s), s.Name))
	g.f.Type().Id(tableKeyType(s)).Struct(fields...)
	g.f.Line()
	var owns []jen.Code
	for _, f := range s.Fields {
		if f.Type.Kind == compiler.Varchar && (f.Used || s.Query != nil) {
			owns = append(owns, jen.Id("r").Dot(f.GoName).Op("=").Qual(rtPath, "Own").Call(jen.Id("r").Dot(f.GoName)))
		}
	}
	for _, f := range s.PrimaryKey {
		if f.Type.Kind == compiler.Varchar {
			owns = append(owns, jen.Id("k").Dot(f.GoName).Op("=").Id("r").Dot(f.GoName))
		}
	}
	if g.holdsKeys(s) {
		var ownKey []jen.Code
		for _, f := range s.PrimaryKey {
			if f.Type.Kind == compiler.Varchar {
				ownKey = append(ownKey, jen.Id("k").Dot(f.GoName).Op("=").Qual(rtPath, "Own").Call(jen.Id("k").Dot(f.GoName)))
			}
		}
		g.f.Comment(commentf("own copies the strings of a key of %q, which view the record being read, before a query holds it.", s.Name))
		g.f.Func().Params(jen.Id("k").Op("*").Id(tableKeyType(s))).Id("own").Params().Block(ownKey...)
		g.f.Line()
	}
	g.f.Comment(commentf("%s copies the strings of a row of %q, which view the record being read, before the table stores it.", ownRowFunc(s), s.Name))
	g.f.Func().Id(ownRowFunc(s)).Params(jen.Id("k").Op("*").Id(tableKeyType(s)), jen.Id("r").Op("*").Id(recordType(s))).Block(owns...)
	g.f.Line()
}

// tableKeyGoType is how a key column is stored: DOUBLEs as rt.FloatKey bits, so that all NaNs (and -0 and 0) are
// one key, as in GROUP BY.
func tableKeyGoType(t compiler.Type) jen.Code {
	if t.Kind == compiler.Double {
		return jen.Uint64()
	}
	return goType(t)
}

// setupTable emits, in setup, the table of source s and the handler that upserts each of its records.
func (g *gen) setupTable(s *compiler.Source) []jen.Code {
	srcVar := srcVarOf(s)
	tv := tableVar(s)
	key := jen.Dict{}
	for _, f := range s.PrimaryKey {
		key[jen.Id(f.GoName)] = toKey(f.Type, jen.Id("r").Dot(f.GoName))
	}
	if s.VersionTime != nil {
		return g.setupVersions(s, srcVar, tv, key)
	}
	put := []jen.Code{
		jen.Var().Id("r").Id(recordType(s)),
		jen.If(jen.Err().Op(":=").Id(decodeFunc(s)).Call(jen.Id("raw"), jen.Op("&").Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	}
	for _, f := range s.PrimaryKey {
		if !f.Nullable {
			continue
		}
		// A Kafka table's key column: from the message key, else from the value.
		put = append(put, jen.If(jen.Id("r").Dot(nullField(f))).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
			jen.Id("Field"):  jen.Lit(f.Name),
			jen.Id("Reason"): jen.Lit("no primary key: the message has no key, and the value no " + f.Name),
		}))))
	}
	put = append(put,
		jen.Id(tv).Dot("Put").Call(jen.Id(tableKeyType(s)).Values(key), jen.Op("&").Id("r")),
		jen.Return(jen.Nil()))
	code := []jen.Code{
		jen.Id(srcVar).Op(":=").Id("c").Dot("Source").Call(jen.Lit(s.Name)),
		jen.Id(tv).Op(":=").Qual(rtPath, "NewTable").Types(jen.Id(tableKeyType(s)), jen.Id(recordType(s))).Call(jen.Id(srcVar)),
		jen.Id(tv).Dot("Own").Call(jen.Id(ownRowFunc(s))),
		jen.Comment("a row replaces the row of its key that came before it"),
		jen.Id(srcVar).Dot("OnRecord").Call(jen.Func().Params(jen.Id("raw").Op("*").Qual(rtPath, "Raw")).Error().Block(put...)),
	}
	if s.Type == "kafka_source" && (s.KeyField != nil || s.KeyObject) {
		code = append(code, jen.Comment("a tombstone (a message with a key and no value) deletes its key's row"),
			jen.Id(srcVar).Dot("OnDelete").Call(jen.Func().Params(jen.Id("raw").Op("*").Qual(rtPath, "Raw")).Error().Block(g.tableDelete(s)...)))
	}
	return code
}

// tableDelete is the body of a Kafka table's tombstone handler: the message key, parsed as the primary key's
// type, names the row to delete.
func (g *gen) tableDelete(s *compiler.Source) []jen.Code {
	if s.KeyObject {
		key := jen.Dict{}
		for _, f := range s.PrimaryKey {
			key[jen.Id(f.GoName)] = toKey(f.Type, jen.Id("k").Dot(f.GoName))
		}
		return []jen.Code{
			jen.If(jen.Id("raw").Dot("Key").Op("==").Nil()).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
				jen.Id("Reason"): jen.Lit("a tombstone without a message key deletes nothing")}))),
			jen.Var().Id("k").Id(recordType(s)),
			jen.If(jen.Err().Op(":=").Id(keyDecodeFunc(s)).Call(jen.Id("raw").Dot("KeyJSON").Call(), jen.Op("&").Id("k")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual(rtPath, "KeyError").Call(jen.Err()))),
			jen.Id(tableVar(s)).Dot("Delete").Call(jen.Id(tableKeyType(s)).Values(key)),
			jen.Return(jen.Nil()),
		}
	}
	f := s.KeyField
	bad := func(reason jen.Code) jen.Code {
		return jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{jen.Id("Field"): jen.Lit(f.Name), jen.Id("Reason"): reason}))
	}
	body := []jen.Code{jen.If(jen.Id("raw").Dot("Key").Op("==").Nil()).Block(bad(jen.Lit("a tombstone without a message key deletes nothing")))}
	var k jen.Code
	switch f.Type.Kind {
	case compiler.Varchar:
		k = jen.Id("raw").Dot("KeyString").Call()
	default:
		parse := "ParseInt64"
		if f.Type.Kind == compiler.Int {
			parse = "ParseInt32"
		}
		body = append(body,
			jen.List(jen.Id("k"), jen.Id("err")).Op(":=").Qual(rtPath, parse).Call(jen.Id("raw").Dot("Key")),
			jen.If(jen.Err().Op("!=").Nil()).Block(bad(jen.Lit("message key: ").Op("+").Err().Dot("Error").Call())))
		k = jen.Id("k")
	}
	return append(body,
		jen.Id(tableVar(s)).Dot("Delete").Call(jen.Id(tableKeyType(s)).Values(jen.Dict{jen.Id(f.GoName): k})),
		jen.Return(jen.Nil()))
}

// tablesOf returns the joins and the subqueries' tables of q: each has a table field in the query.
func tablesOf(q *compiler.Query) []*compiler.Join {
	var out []*compiler.Join
	for _, j := range append(q.Joins[:len(q.Joins):len(q.Joins)], q.SubTables...) {
		if !j.Stream { // the other stream of a join of two streams is no table (interval.go)
			out = append(out, j)
		}
	}
	return out
}

// asOfTables returns the tables q joins FOR SYSTEM_TIME AS OF that drop the versions behind the watermarks of
// the queries joining them: q publishes its watermark to them.
func (g *gen) asOfTables(q *compiler.Query) []*compiler.Source {
	var out []*compiler.Source
	for _, j := range q.Joins {
		if j.AsOf != nil && g.plan.DropsVersions(j.Table) && !slices.Contains(out, j.Table) {
			out = append(out, j.Table)
		}
	}
	return out
}

// setupAsOf emits, in setup, the watermark of q's lookups FOR SYSTEM_TIME AS OF (qv is q's operator, srcVar its
// stream), published to the tables whose versions it lets go.
func (g *gen) setupAsOf(q *compiler.Query, qv, srcVar string) []jen.Code {
	tables := g.asOfTables(q)
	if len(tables) == 0 {
		return nil
	}
	args := []jen.Code{jen.Id(srcVar), jen.Lit(int(q.Source.MaxOutOfOrder))}
	var names []string
	for _, t := range tables {
		args = append(args, jen.Id(versionsVar(t)))
		names = append(names, t.Name)
	}
	return []jen.Code{
		jen.Comment(commentf("%s keeps only the versions of %s that its records can still reach, on time, behind its watermark", q.Name, strings.Join(names, ", "))),
		jen.Id(qv).Dot("asof").Op("=").Qual(rtPath, "NewAsOfWatermark").Call(args...),
	}
}

// joinFields are the fields a joining query adds to its struct: each join's table and a row to copy into, and
// the watermark of its lookups FOR SYSTEM_TIME AS OF when their tables drop versions behind it.
func (g *gen) joinFields(q *compiler.Query) []jen.Code {
	var out []jen.Code
	if len(g.asOfTables(q)) > 0 {
		out = append(out, jen.Id("asof").Op("*").Qual(rtPath, "AsOfWatermark").Comment("how far its FOR SYSTEM_TIME AS OF lookups can still go back"))
	}
	if q.Table != nil {
		out = append(out, jen.Id("table").Op("*").Add(tableOf(q.Table)).Comment(commentText("the table "+q.Table.Name+" this query builds")))
	}
	if retries(q) {
		out = append(out, jen.Id("hold").Op("*").Qual(rtPath, "Hold").Types(jen.Id(tableKeyType(q.Joins[0].Table)), jen.Id(recordType(q.Source))))
	}
	for _, j := range tablesOf(q) {
		out = append(out,
			jen.Id(joinTable(j)).Op("*").Add(tableOf(j.Table)).Comment(commentText(j.Table.Name)),
			jen.Id(joinScratch(j)).Add(storedRow(j.Table)))
	}
	return out
}

// genJoinFills emits the filler row of each join whose records without a match go on: NULLs, or the defaults.
func (g *gen) genJoinFills(q *compiler.Query) {
	for _, j := range q.Joins {
		if !j.Extends() {
			continue
		}
		d := jen.Dict{}
		for _, f := range j.Table.Fields {
			if k := j.Defaults[f.Index]; k != nil {
				d[jen.Id(f.GoName)] = constVal(k).v
			} else if f.Nullable {
				d[jen.Id(nullField(f))] = jen.True()
			}
		}
		what := "NULL"
		if j.Missing == "defaults" {
			what = "the defaults ('join.default.<column>'; NULL for the others)"
		}
		g.f.Comment(commentf("%s is the row of %q a record of %s without a match joins: %s.", fillVar(q, j), j.Table.Name, q.Name, what))
		g.f.Var().Id(fillVar(q, j)).Op("=").Id(recordType(j.Table)).Values(d)
		g.f.Line()
	}
}

// stageParams are the parameters of stage i: the record, the rows of the joins before it, and late.
func stageParams(q *compiler.Query, i int) []jen.Code {
	ps := []jen.Code{jen.Id("r").Op("*").Id(recordType(q.Source))}
	if fillsRecord(q) && i > 0 {
		ps = append(ps, jen.Id(recordFilled).Bool())
	}
	for _, j := range q.Joins[:i] {
		ps = append(ps, jen.Id(joinRow(j)).Op("*").Id(recordType(j.Table)), jen.Id(joinFilled(j)).Bool())
	}
	if q.Window != nil {
		ps = append(ps, jen.Id("late").Op("*").Bool())
	}
	return ps
}

// stageArgs are the arguments stage i+1 gets from stage i, whose join found row (the filler flag filled).
func stageArgs(q *compiler.Query, i int, row, filled jen.Code) []jen.Code {
	as := []jen.Code{jen.Id("r")}
	if fillsRecord(q) && i > 0 {
		as = append(as, jen.Id(recordFilled))
	}
	for _, j := range q.Joins[:i] {
		as = append(as, jen.Id(joinRow(j)), jen.Id(joinFilled(j)))
	}
	as = append(as, row, filled)
	if q.Window != nil {
		as = append(as, jen.Id("late"))
	}
	return as
}

// genJoinStages emits process and one method per further join; row, the query's work on a joined row, is
// emitted by the caller.
func (g *gen) genJoinStages(q *compiler.Query) {
	for i, j := range q.Joins {
		if j.Stream {
			continue // interval.go
		}
		var body []jen.Code
		f := &fn{g: g, body: &body, rec: "r", q: q}
		next := func(row, filled jen.Code) jen.Code {
			return jen.Id("q").Dot(stageFunc(q, i+1)).Call(stageArgs(q, i, row, filled)...)
		}
		if q.StageWhere != nil {
			// The conditions of WHERE that the rows found so far decide, before this join's lookup.
			var time compiler.Expr
			if q.Window != nil {
				time = q.Window.Time
			}
			g.whereOf(f, q.StageWhere[i], time, func(ts jen.Code) jen.Code { return g.observe(q, ts) })
		}
		if i == 0 {
			g.observeAsOf(f, q)
		}
		f.emit(jen.Comment(commentText(j.Loc.Text)))
		if j.On != nil && j.Extends() {
			// ON reads the table's row itself, never the filler: its columns' NULL flags do not depend on a match.
			f.emit(jen.Id(joinFilled(j)).Op(":=").False(), jen.Id("_").Op("=").Id(joinFilled(j)))
		}
		if j.Key != nil {
			g.joinLookup(f, q, j, next, j.Missing == "retry")
		} else {
			g.joinScan(f, q, j, next)
		}
		what := "process runs %s for one record: its first join."
		if i > 0 {
			what = fmt.Sprintf("%s runs join %d of %%s for a record and the rows of the joins before.", stageFunc(q, i), i+1)
		}
		g.f.Comment(commentf(what, q.Name))
		g.f.Func().Params(jen.Id("q").Op("*").Id(queryType(q))).Id(stageFunc(q, i)).Params(stageParams(q, i)...).Error().Block(body...)
		g.f.Line()
		if j.Missing == "retry" {
			g.genRetry(q, j, next)
		}
	}
}

// observeAsOf emits, first in q's process, the record's event time moving the watermark of q's lookups FOR
// SYSTEM_TIME AS OF (see setupAsOf), when it has one.
func (g *gen) observeAsOf(f *fn, q *compiler.Query) {
	if len(g.asOfTables(q)) == 0 {
		return
	}
	var at compiler.Expr
	for _, j := range q.Joins {
		if j.AsOf != nil && g.plan.DropsVersions(j.Table) {
			at = j.AsOf // the stream's event time
			break
		}
	}
	t := f.expr(at)
	observe := jen.Id("q").Dot("asof").Dot("Observe").Call(t.v)
	f.emit(jen.Comment("the record's event time moves the watermark behind which the AS OF tables drop versions"))
	if t.nonNull {
		f.emit(observe)
	} else {
		f.emit(jen.If(jen.Op("!").Add(t.n)).Block(observe))
	}
}

// genRetry emits the methods of a query whose first join holds records ('join.missing' = 'retry'): released runs
// a held record's join again (a record still without a row then does 'join.retry.then'), retry lets go of the
// records whose key came or whose time is up, and drain of every record still held at the end of the input.
func (g *gen) genRetry(q *compiler.Query, j *compiler.Join, next func(row, filled jen.Code) jen.Code) {
	qt := jen.Op("*").Id(queryType(q))
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r", q: q}
	g.joinLookup(f, q, j, next, false)
	g.f.Comment(commentf("released runs the join of %s again for a record it held.", q.Name))
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("released").Params(jen.Id("r").Op("*").Id(recordType(q.Source)), jen.Id("_").Bool()).Error().Block(body...)
	g.f.Line()
	g.f.Comment(commentf("retry lets the records %s holds go once their key is in %q or their time is up.", q.Name, j.Table.Name))
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("retry").Params().Error().Block(
		jen.Return(jen.Id("q").Dot("hold").Dot("Release").Call(
			jen.Id("q").Dot(joinTable(j)).Dot("Changes").Call(),
			jen.Func().Params(jen.Id("k").Id(tableKeyType(j.Table))).Bool().Block(
				jen.Return(jen.Id("q").Dot(joinTable(j)).Dot("Get").Call(jen.Id("k"), jen.Op("&").Id("q").Dot(joinScratch(j))).Op("!=").Nil())),
			jen.Id("q").Dot("released"))),
	)
	g.f.Line()
	g.f.Comment(commentf("drain lets every record %s still holds go at the end of the input: no key comes any more.", q.Name))
	g.f.Func().Params(jen.Id("q").Add(qt)).Id("drain").Params().Error().Block(
		jen.Return(jen.Id("q").Dot("hold").Dot("All").Call(jen.Func().Params(jen.Id("r").Op("*").Id(recordType(q.Source))).Error().Block(
			jen.Return(jen.Id("q").Dot("released").Call(jen.Id("r"), jen.True()))))),
	)
	g.f.Line()
	var owns []jen.Code
	for _, fl := range append(q.Source.Fields[:len(q.Source.Fields):len(q.Source.Fields)], q.Source.Meta...) {
		if fl.Type.Kind == compiler.Varchar && fl.Used {
			owns = append(owns, jen.Id("r").Dot(fl.GoName).Op("=").Qual(rtPath, "Own").Call(jen.Id("r").Dot(fl.GoName)))
		}
	}
	g.f.Comment(commentf("%s copies the strings of a record %s holds: they view the record being read.", ownHeldFunc(q), q.Name))
	g.f.Func().Id(ownHeldFunc(q)).Params(jen.Id("r").Op("*").Id(recordType(q.Source))).Block(owns...)
	g.f.Line()
}

func ownHeldFunc(q *compiler.Query) string { return "own" + q.GoName + "Held" }

// holdsKeys reports whether a query holds records by keys of table s (see retries).
func (g *gen) holdsKeys(s *compiler.Source) bool {
	for _, q := range g.plan.Queries {
		if retries(q) && q.Joins[0].Table == s {
			return true
		}
	}
	return false
}

// retries reports whether q's first join holds records ('join.missing' = 'retry').
func retries(q *compiler.Query) bool { return len(q.Joins) > 0 && q.Joins[0].Missing == "retry" }

// joinLookup emits a join whose ON fixes the table's primary key: one lookup, then the rest of ON.
// With hold ('join.missing' = 'retry', the first join), a record whose key the table lacks, or whose key has
// records held already, is held (see rt.Hold) while the table may still change.
func (g *gen) joinLookup(f *fn, q *compiler.Query, j *compiler.Join, next func(row, filled jen.Code) jen.Code, hold bool) {
	row := joinRow(j)
	f.emit(jen.Var().Id(row).Op("*").Id(recordType(j.Table)))
	var lookup []jen.Code
	key := jen.Dict{}
	var nulls []jen.Code
	var text jen.Code // the key as text, for 'fail'
	var asOf jen.Code
	if j.AsOf != nil {
		t := f.expr(j.AsOf)
		if !t.nonNull {
			nulls = append(nulls, t.n) // no time, no version
		}
		asOf = t.v
	}
	for i, x := range j.Key {
		v := f.expr(x)
		col := j.Table.PrimaryKey[i]
		key[jen.Id(col.GoName)] = toKey(col.Type, v.v)
		if !v.nonNull {
			nulls = append(nulls, v.n)
		}
		if j.Fill() == "fail" {
			sep := ", "
			if i == 0 {
				sep = "key "
			}
			part := jen.Lit(sep + col.Name + " = ").Op("+").Add(valueText(x.Type(), v))
			if text == nil {
				text = part
			} else {
				text = jen.Add(text).Op("+").Add(part)
			}
		}
	}
	f.keyText = text
	if hold {
		add := []jen.Code{jen.Id("q").Dot("hold").Dot("Add").Call(jen.Id("k"), jen.Id("r")), jen.Return(jen.Nil())}
		lookup = append(lookup,
			jen.Id("k").Op(":=").Id(tableKeyType(j.Table)).Values(key),
			jen.Comment("a record waits behind the held records of its key, so that a key's records keep their order"),
			jen.If(jen.Id("q").Dot("hold").Dot("Held").Call(jen.Id("k"))).Block(add...),
			jen.Id(row).Op("=").Add(getRowOf(j, jen.Id("k"), asOf)),
			jen.Comment("the key may come while the table's source still reads"),
			jen.If(jen.Id(row).Op("==").Nil().Op("&&").Op("!").Id("q").Dot(joinTable(j)).Dot("Complete").Call()).Block(add...),
		)
	} else if asOf != nil && g.plan.DropsVersions(j.Table) {
		// The table drops versions behind the watermark (never for a query that holds records, as with hold).
		lookup = append(lookup,
			jen.Var().Id("gone").Bool(),
			jen.List(jen.Id(row), jen.Id("gone")).Op("=").Id("q").Dot(joinTable(j)).Dot("Get").Call(jen.Id(tableKeyType(j.Table)).Values(key), jen.Op("&").Id("q").Dot(joinScratch(j))).Dot("Find").Call(asOf),
			jen.If(jen.Id("gone")).Block(
				jen.Comment("too late: the version it needs was dropped behind the watermark, so it has no row"),
				jen.Id("q").Dot("src").Dot("Late").Call()),
		)
	} else {
		lookup = append(lookup, jen.Id(row).Op("=").Add(getRow(j, key, asOf)))
	}
	if len(nulls) > 0 {
		// A NULL key matches no row.
		cond := nulls[0]
		for _, n := range nulls[1:] {
			cond = jen.Add(cond).Op("||").Add(n)
		}
		f.emit(jen.If(jen.Op("!").Parens(cond)).Block(lookup...))
	} else {
		f.emit(lookup...)
	}
	if j.On != nil {
		f.emit(jen.If(jen.Id(row).Op("!=").Nil()).Block(f.block(func() {
			on := f.expr(j.On)
			f.emit(jen.If(notTrue(on)).Block(jen.Id(row).Op("=").Nil()))
		})...))
	}
	f.emit(jen.If(jen.Id(row).Op("==").Nil()).Block(g.joinMissing(f, q, j, next)...))
	f.emit(jen.Return(next(jen.Id(row), jen.False())))
}

// joinScan emits a join whose ON does not fix the key: every row of the table is tested, and each that passes
// joins.
func (g *gen) joinScan(f *fn, q *compiler.Query, j *compiler.Join, next func(row, filled jen.Code) jen.Code) {
	row := joinRow(j)
	loop := f.block(func() {
		f.emit(jen.Id(row).Op(":=").Add(atRow(j, jen.Id("i"))))
		if j.On != nil {
			on := f.expr(j.On)
			f.emit(jen.If(notTrue(on)).Block(jen.Continue()))
		}
		f.emit(jen.Id("matched").Op("=").True())
		f.emit(jen.If(jen.Err().Op(":=").Add(next(jen.Id(row), jen.False())), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())))
	})
	f.emit(
		jen.Id("matched").Op(":=").False(),
		jen.For(jen.List(jen.Id("i"), jen.Id("n")).Op(":=").List(jen.Lit(0), jen.Id("q").Dot(joinTable(j)).Dot("Len").Call()), jen.Id("i").Op("<").Id("n"), jen.Id("i").Op("++")).Block(loop...),
		jen.If(jen.Id("matched")).Block(jen.Return(jen.Nil())),
	)
	f.emit(g.joinMissing(f, q, j, next)...)
	f.emit(jen.Return(jen.Nil()))
}

// joinMissing is what a record without a matching row does: go on with the filler row, or leave (skip), or stop
// the job (fail). A record that leaves still moves a windowed query's watermark, as one WHERE filters out does.
func (g *gen) joinMissing(f *fn, q *compiler.Query, j *compiler.Join, next func(row, filled jen.Code) jen.Code) []jen.Code {
	return f.block(func() {
		switch j.Fill() {
		case "nulls", "defaults":
			f.emit(jen.Return(next(jen.Op("&").Id(fillVar(q, j)), jen.True())))
		case "skip":
			if q.Window != nil {
				t := f.expr(q.Window.Time)
				if t.nonNull {
					f.emit(g.observe(q, t.v))
				} else {
					f.emit(jen.If(jen.Op("!").Add(t.n)).Block(g.observe(q, t.v)))
				}
			}
			f.emit(jen.Return(jen.Nil()))
		case "fail":
			what := jen.Lit(fmt.Sprintf("no row of table %q matches the record ('%s.join.missing' = 'fail')", j.Table.Name, j.Table.Name))
			if f.keyText != nil {
				what = jen.Lit(fmt.Sprintf("no row of table %q matches ", j.Table.Name)).Op("+").Add(f.keyText).Op("+").Lit(fmt.Sprintf(" ('%s.join.missing' = 'fail')", j.Table.Name))
			}
			f.emit(f.failWith(j.Loc, what))
		}
	})
}

// notTrue is the condition that a BOOLEAN value is not TRUE (FALSE or NULL).
func notTrue(v val) jen.Code {
	if v.nonNull {
		return jen.Op("!").Add(v.v)
	}
	return jen.Add(v.n).Op("||").Op("!").Add(v.v)
}

// joinCol is a table column in a joined row.
func joinCol(x *compiler.ColRef) val {
	j := x.Join
	r := jen.Id(joinRow(j)).Dot(x.Field.GoName)
	switch {
	case x.Field.Nullable:
		return val{v: r, n: jen.Id(joinRow(j)).Dot(nullField(x.Field))}
	case j.Extends() && j.FillNull(x.Field):
		return val{v: r, n: jen.Id(joinFilled(j))}
	}
	return val{v: r, n: jen.False(), nonNull: true}
}

// sub evaluates a subquery over a table (compiler/subquery.go): a lookup when its WHERE fixes the table's key and
// that key has no NULL, a scan of the table otherwise.
func (f *fn) sub(x *compiler.Sub) val {
	j := x.Join
	row := joinRow(j)
	var lookup func(body func()) []jen.Code // the row the key finds, passing the rest of WHERE, runs body
	var nullKey jen.Code                    // the key has a NULL; nil when it cannot
	if j.Key != nil {
		key := jen.Dict{}
		var nulls []jen.Code
		for i, k := range j.Key {
			v := f.expr(k)
			col := j.Table.PrimaryKey[i]
			key[jen.Id(col.GoName)] = toKey(col.Type, v.v)
			if !v.nonNull {
				nulls = append(nulls, v.n)
			}
		}
		for i, n := range nulls {
			if i == 0 {
				nullKey = n
			} else {
				nullKey = jen.Add(nullKey).Op("||").Add(n)
			}
		}
		lookup = func(body func()) []jen.Code {
			return f.block(func() {
				f.emit(jen.Id(row).Op(":=").Add(getRow(j, key, nil)))
				f.emit(jen.If(jen.Id(row).Op("!=").Nil()).Block(f.block(func() {
					if j.On == nil {
						body()
						return
					}
					on := f.expr(j.On)
					f.emit(jen.If(jen.Op("!").Parens(notTrue(on))).Block(f.block(body)...))
				})...))
			})
		}
	}
	switch x.Kind {
	case compiler.SubExists:
		v := f.tmp("v")
		f.emit(jen.Var().Id(v).Bool())
		if lookup != nil {
			blk := lookup(func() { f.emit(jen.Id(v).Op("=").True()) })
			f.emit(guardNull(nullKey, blk, nil))
		} else {
			f.emit(f.scanRows(j, x.Where, func() { f.emit(jen.Id(v).Op("=").True(), jen.Break()) }))
		}
		if x.Not {
			return val{v: jen.Op("!").Id(v), n: jen.False(), nonNull: true}
		}
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	case compiler.SubScalar:
		v, n := f.decl(x.T)
		f.emit(jen.Id(n).Op("=").True())
		blk := lookup(func() {
			r := f.expr(x.Value)
			f.emit(jen.List(jen.Id(v), jen.Id(n)).Op("=").List(r.v, r.n))
		})
		f.emit(guardNull(nullKey, blk, nil))
		return val{v: jen.Id(v), n: jen.Id(n)}
	}
	if x.Kind == compiler.SubAgg {
		return f.subAgg(x, lookup, nullKey)
	}
	// IN: TRUE when some row passing WHERE holds the value; else NULL when a row's comparison was NULL; else FALSE.
	found, null := f.tmp("found"), f.tmp("null")
	f.emit(jen.Var().Id(found).Bool(), jen.Var().Id(null).Bool())
	eq := func(loop bool) {
		e := f.expr(x.Eq)
		hit := []jen.Code{jen.Id(found).Op("=").True()}
		if loop {
			hit = append(hit, jen.Break())
		}
		if e.nonNull {
			f.emit(jen.If(e.v).Block(hit...))
			return
		}
		f.emit(jen.If(e.n).Block(jen.Id(null).Op("=").True()).Else().If(e.v).Block(hit...))
	}
	scan := f.scanRows(j, x.Where, func() { eq(true) })
	if lookup != nil {
		f.emit(guardNull(nullKey, lookup(func() { eq(false) }), []jen.Code{scan}))
	} else {
		f.emit(scan)
	}
	res := jen.Id(found)
	if x.Not {
		res = jen.Op("!").Id(found)
	}
	return val{v: res, n: jen.Parens(jen.Op("!").Id(found).Op("&&").Id(null))}
}

// guardNull runs then when the key has no NULL (nullKey nil: always), else otherwise (nil: nothing).
func guardNull(nullKey jen.Code, then, otherwise []jen.Code) jen.Code {
	if nullKey == nil {
		return jen.Block(then...)
	}
	st := jen.If(jen.Op("!").Parens(nullKey)).Block(then...)
	if otherwise != nil {
		st = st.Else().Block(otherwise...)
	}
	return st
}

// scanRows is a loop over the rows of j's table that runs body for each row passing where (nil: every row).
func (f *fn) scanRows(j *compiler.Join, where compiler.Expr, body func()) jen.Code {
	i, n := f.tmp("i"), f.tmp("n")
	loop := f.block(func() {
		f.emit(jen.Id(joinRow(j)).Op(":=").Add(atRow(j, jen.Id(i))))
		if where != nil {
			w := f.expr(where)
			f.emit(jen.If(notTrue(w)).Block(jen.Continue()))
		}
		body()
	})
	return jen.For(jen.List(jen.Id(i), jen.Id(n)).Op(":=").List(jen.Lit(0), jen.Id("q").Dot(joinTable(j)).Dot("Len").Call()), jen.Id(i).Op("<").Id(n), jen.Id(i).Op("++")).Block(loop...)
}

// exact converts a value to a key column's type when it has an exact value there, and is NULL otherwise.
func (f *fn) exact(x *compiler.Exact) val {
	a := f.expr(x.X)
	from := x.X.Type()
	v, ok := f.tmp("v"), f.tmp("ok")
	var conv jen.Code
	switch {
	case x.T.Kind == compiler.Decimal:
		conv = jen.Qual(rtPath, "ExactDec").Call(a.v, jen.Lit(int(from.Scale)), jen.Lit(int(x.T.Prec)), jen.Lit(int(x.T.Scale)))
	case from.Kind == compiler.BigInt: // to INT
		conv = jen.Qual(rtPath, "ExactInt32").Call(a.v)
	case from.Kind == compiler.Decimal:
		conv = jen.Qual(rtPath, "ExactDecInt64").Call(a.v, jen.Lit(int(from.Scale)))
	default: // DOUBLE
		conv = jen.Qual(rtPath, "ExactFloatInt64").Call(a.v)
	}
	f.emit(jen.List(jen.Id(v), jen.Id(ok)).Op(":=").Add(conv))
	if x.T.Kind == compiler.Int && from.Kind != compiler.BigInt {
		// to BIGINT first, then to INT
		w, ok2 := f.tmp("v"), f.tmp("ok")
		f.emit(jen.List(jen.Id(w), jen.Id(ok2)).Op(":=").Qual(rtPath, "ExactInt32").Call(jen.Id(v)))
		f.emit(jen.Id(ok).Op("=").Id(ok).Op("&&").Id(ok2))
		v = w
	}
	n := jen.Op("!").Id(ok)
	if !a.nonNull {
		n = jen.Add(a.n).Op("||").Op("!").Id(ok)
	}
	nv := f.tmp("n")
	f.emit(jen.Id(nv).Op(":=").Add(n))
	return val{v: jen.Id(v), n: jen.Id(nv)}
}

// valueText is the text of a value for a message: NULL, a quoted string, or the value as CAST to VARCHAR writes it.
func valueText(t compiler.Type, v val) jen.Code {
	var text jen.Code
	switch t.Kind {
	case compiler.Varchar:
		text = jen.Qual("strconv", "Quote").Call(v.v)
	case compiler.Int, compiler.BigInt:
		text = jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(v.v), jen.Lit(10))
	case compiler.Double:
		text = jen.Qual(rtPath, "FormatDouble").Call(v.v)
	case compiler.Decimal:
		text = jen.Qual(rtPath, "FormatDecimal").Call(v.v, jen.Lit(int(t.Scale)))
	case compiler.Bool:
		text = jen.Qual("strconv", "FormatBool").Call(v.v)
	default:
		text = jen.String().Call(jen.Qual(rtPath, "AppendTimestamp").Call(jen.Nil(), v.v, jen.True()))
	}
	if v.nonNull {
		return text
	}
	return jen.Func().Params().String().Block(
		jen.If(v.n).Block(jen.Return(jen.Lit("NULL"))),
		jen.Return(text),
	).Call()
}

// setupVersions is setupTable for a table joined FOR SYSTEM_TIME AS OF: each record adds a version to its key's
// history, at its event time; a record without one is bad input. The table (rt.VersionedTable) drops the
// versions that the joining queries can no longer reach, when they publish watermarks (setupAsOf).
func (g *gen) setupVersions(s *compiler.Source, srcVar, tv string, key jen.Dict) []jen.Code {
	var body []jen.Code
	f := &fn{g: g, body: &body, rec: "r"}
	f.emit(
		jen.Var().Id("r").Id(recordType(s)),
		jen.If(jen.Err().Op(":=").Id(decodeFunc(s)).Call(jen.Id("raw"), jen.Op("&").Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
	)
	t := f.expr(s.VersionTime)
	if !t.nonNull {
		f.emit(jen.If(t.n).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
			jen.Id("Field"):  jen.Lit(s.EventTime.Name),
			jen.Id("Reason"): jen.Lit("NULL event time in a table joined FOR SYSTEM_TIME AS OF"),
		}))))
	}
	vv := versionsVar(s)
	f.emit(
		jen.Id("k").Op(":=").Id(tableKeyType(s)).Values(key),
		jen.Id(ownRowFunc(s)).Call(jen.Op("&").Id("k"), jen.Op("&").Id("r")),
		jen.Id(vv).Dot("Add").Call(jen.Id("k"), t.v, jen.Op("&").Id("r")),
		jen.Return(jen.Nil()),
	)
	what := "every row is a version of its key, at its event time"
	if g.plan.DropsVersions(s) {
		what += "; versions no joining query can reach any more are dropped"
	}
	return []jen.Code{
		jen.Id(srcVar).Op(":=").Id("c").Dot("Source").Call(jen.Lit(s.Name)),
		jen.Id(vv).Op(":=").Qual(rtPath, "NewVersionedTable").Types(jen.Id(tableKeyType(s)), jen.Id(recordType(s))).Call(jen.Id(srcVar)),
		jen.Id(tv).Op(":=").Id(vv).Dot("Table").Call(),
		jen.Comment(what),
		jen.Id(srcVar).Dot("OnRecord").Call(jen.Func().Params(jen.Id("raw").Op("*").Qual(rtPath, "Raw")).Error().Block(body...)),
	}
}

// subAgg computes a scalar subquery's aggregate over the rows passing its WHERE (all of them, or the one the key
// finds): COUNT counts them (or their non-NULL values), MIN and MAX keep the extreme non-NULL value, NULL when
// there is none.
func (f *fn) subAgg(x *compiler.Sub, lookup func(body func()) []jen.Code, nullKey jen.Code) val {
	var v, n string
	if x.Agg == "COUNT" {
		v = f.tmp("v")
		f.emit(jen.Var().Id(v).Int64())
	} else {
		v, n = f.decl(x.T)
	}
	body := func() {
		if x.Agg == "COUNT" {
			if x.Value == nil {
				f.emit(jen.Id(v).Op("++"))
				return
			}
			a := f.expr(x.Value)
			f.discard(a)
			if a.nonNull {
				f.emit(jen.Id(v).Op("++"))
			} else {
				f.emit(jen.If(jen.Op("!").Add(a.n)).Block(jen.Id(v).Op("++")))
			}
			return
		}
		a := f.expr(x.Value)
		op := compiler.OpLt
		if x.Agg == "MAX" {
			op = compiler.OpGt
		}
		take := jen.If(jen.Id(n).Op("||").Add(f.compare(op, x.T, a.v, jen.Id(v)))).Block(
			jen.List(jen.Id(v), jen.Id(n)).Op("=").List(a.v, jen.False()))
		if a.nonNull {
			f.emit(take)
		} else {
			f.emit(jen.If(jen.Op("!").Add(a.n)).Block(take))
		}
	}
	if x.Agg != "COUNT" {
		f.emit(jen.Id(n).Op("=").True())
	}
	if lookup != nil {
		f.emit(guardNull(nullKey, lookup(body), nil))
	} else {
		f.emit(f.scanRows(x.Join, x.Where, body))
	}
	if x.Agg == "COUNT" {
		return val{v: jen.Id(v), n: jen.False(), nonNull: true}
	}
	return val{v: jen.Id(v), n: jen.Id(n)}
}
func keyDecodeFunc(s *compiler.Source) string { return "decode" + s.GoName + "Key" }

// genKeyDecoder emits the decoder of the message key of a Kafka table with a compound primary key: a JSON object
// of the key's columns, by name, each required and not null; other keys are skipped.
func (g *gen) genKeyDecoder(s *compiler.Source) {
	var cases, after []jen.Code
	for i, f := range s.PrimaryKey {
		cases = append(cases, jen.Case(jen.Lit(f.Name)).Block(
			jen.List(jen.Id("r").Dot(f.GoName), jen.Id("null")).Op("=").Add(readCall("d", f)),
			jen.Id("seen").Index(jen.Lit(i)).Op("=").True(),
			jen.If(jen.Id("null")).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit("null in the primary key")))))
		after = append(after, jen.If(jen.Op("!").Id("seen").Index(jen.Lit(i))).Block(jen.Id("d").Dot("Fail").Call(jen.Lit(f.Name), jen.Lit("missing from the primary key"))))
	}
	cases = append(cases, jen.Default().Block(jen.Id("d").Dot("Skip").Call()))
	body := []jen.Code{
		jen.Var().Id("seen").Index(jen.Lit(len(s.PrimaryKey))).Bool(),
		jen.Var().Id("null").Bool(),
		jen.If(jen.Op("!").Id("d").Dot("BeginObject").Call()).Block(jen.Return(jen.Id("d").Dot("Err").Call())),
		jen.For(jen.Id("d").Dot("NextField").Call()).Block(jen.Switch(jen.String().Call(jen.Id("d").Dot("Key").Call())).Block(cases...)),
	}
	body = append(append(body, after...), jen.Return(jen.Id("d").Dot("Err").Call()))
	g.f.Comment(commentf("%s decodes the message key of %q, a JSON object of its primary key's columns, into r.", keyDecodeFunc(s), s.Name))
	g.f.Func().Id(keyDecodeFunc(s)).Params(jen.Id("d").Op("*").Qual(rtPath, "JSONDecoder"), jen.Id("r").Op("*").Id(recordType(s))).Error().Block(body...)
	g.f.Line()
}

// keyObject is what a Kafka table with a compound primary key does after decoding a value: the key's columns come
// from the message key, a JSON object of them, when there is one; a value that holds a key column too must agree.
func keyObject(s *compiler.Source) []jen.Code {
	set := []jen.Code{
		jen.Var().Id("k").Id(recordType(s)),
		jen.If(jen.Id("kerr").Op(":=").Id(keyDecodeFunc(s)).Call(jen.Id("raw").Dot("KeyJSON").Call(), jen.Op("&").Id("k")), jen.Id("kerr").Op("!=").Nil()).Block(
			jen.Return(jen.Qual(rtPath, "KeyError").Call(jen.Id("kerr")))),
	}
	for _, f := range s.PrimaryKey {
		v, k := jen.Id("r").Dot(f.GoName), jen.Id("k").Dot(f.GoName)
		set = append(set,
			jen.If(jen.Op("!").Id("r").Dot(nullField(f)).Op("&&").Add(toKey(f.Type, v)).Op("!=").Add(toKey(f.Type, k))).Block(jen.Return(jen.Op("&").Qual(rtPath, "RecordError").Values(jen.Dict{
				jen.Id("Field"):  jen.Lit(f.Name),
				jen.Id("Reason"): jen.Lit("the value's key differs from the message key, the table's primary key"),
			}))),
			jen.List(jen.Id("r").Dot(f.GoName), jen.Id("r").Dot(nullField(f))).Op("=").List(jen.Id("k").Dot(f.GoName), jen.False()))
	}
	var names []string
	for _, f := range s.PrimaryKey {
		names = append(names, f.Name)
	}
	return []jen.Code{
		jen.Comment(commentf("%s, the table's primary key, are the message key (a JSON object of them) when there is one; a value that holds them too must agree", strings.Join(names, ", "))),
		jen.If(jen.Id("err").Op("==").Nil().Op("&&").Id("raw").Dot("Key").Op("!=").Nil()).Block(set...),
	}
}
