// Queries over queries: a stream derived by CREATE STREAM name AS SELECT (or SELECT ... INTO name) that later
// statements of the same script read in FROM. Inside the job the edge is a typed call: the query that writes
// the stream hands each row, as a record of the stream, to the queries that read it, in the goroutine of its own
// source.
package compiler

import (
	"fmt"
	"slices"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// readLater collects the names that statements read in FROM or JOIN (lower-cased): a stream derived by a query
// that a later statement reads needs no sink of its own.
func readLater(script *grammar.Script) map[string]bool {
	names := map[string]bool{}
	var sel func(s *grammar.Select)
	sel = func(s *grammar.Select) {
		if s == nil {
			return
		}
		if s.From != nil {
			if s.From.Name != nil {
				names[strings.ToLower(s.From.Name.Name)] = true
			}
			sel(s.From.Subquery)
		}
		for _, j := range s.Joins {
			if j.Right != nil && j.Right.Name != nil {
				names[strings.ToLower(j.Right.Name.Name)] = true
			}
			if j.Right != nil {
				sel(j.Right.Subquery)
			}
		}
		for _, u := range s.Union {
			sel(u)
		}
	}
	for _, st := range script.Statements {
		switch st := st.(type) {
		case *grammar.CreateAs:
			sel(st.Query)
		case *grammar.SelectStmt:
			sel(st.Query)
		case *grammar.Insert:
			sel(st.Query)
		}
	}
	return names
}

// output is a stream or table a statement writes: its sink, the queries writing it (one, or several with UNION
// ALL, INSERT INTO and SELECT ... INTO an existing name), and, once a later query reads it, the stream as a source.
type output struct {
	name    string
	sink    *Sink
	writers []*Query
	stream  *Source
	table   bool         // written by CREATE TABLE ... AS SELECT: its rows are the table's (ctas.go)
	broken  bool         // a statement writing it has errors
	at      grammar.Span // where it is declared
}

// stmtCtx is what the queries of one statement share: the statement's WITH, the output they write, and, for a
// UNION, which query of it is being checked.
type stmtCtx struct {
	with     []*grammar.Prop
	appendTo *output // the queries write a stream declared before (INSERT INTO, SELECT ... INTO, a UNION's later queries)
	out      *output // the output the statement writes, once known
	part     int     // 1, 2, ... for the queries of a UNION; 0 otherwise
	unify    bool    // a UNION declaring its stream: column types are unified after its last query
	spans    map[*Query]grammar.Span
	inner    map[*grammar.Prop]bool // properties a query read in FROM took (unnest.go)
}

// ownProp reports whether p belongs to query sel of a UNION rather than to the statement: a property of the
// query's own source or joined tables, which each query judges for itself. Properties of the statement (the
// job's, the sink's) are judged by its first query.
func (sc *stmtCtx) ownProp(p *grammar.Prop, sel *grammar.Select) bool {
	i := strings.IndexByte(p.Key, '.')
	if i < 0 {
		return false
	}
	owner := strings.ToLower(p.Key[:i])
	if sel.From != nil && sel.From.Name != nil && strings.EqualFold(sel.From.Name.Name, owner) {
		return true
	}
	for _, j := range sel.Joins {
		if j.Right != nil && j.Right.Name != nil && strings.EqualFold(j.Right.Name.Name, owner) {
			return true
		}
	}
	return false
}

// statement checks a statement that writes rows: CREATE STREAM|TABLE name AS SELECT, SELECT [INTO name], INSERT
// INTO name SELECT; each query of a UNION ALL is a query of its own writing the same output.
func (c *checker) statement(st grammar.Stmt, sel *grammar.Select, name *grammar.Ident, kind grammar.Kind, with []*grammar.Prop, insert bool) {
	for _, sp := range sel.UnionDistinct {
		c.errorf(CodeUnsupported, sp, "UNION without ALL removes duplicate rows, which needs every row of the streams kept: write UNION ALL (and SELECT DISTINCT over its stream if duplicates must go)")
	}
	arms := append([]*grammar.Select{sel}, sel.Union...)
	for _, a := range sel.Union {
		if a.Into != nil {
			c.errorf(CodeUnsupported, a.Into.Span(), "INTO names the stream of the whole UNION: write it once, in the first query")
			return
		}
	}
	if len(arms) > 1 && kind == grammar.Table {
		c.errorf(CodeUnsupported, sel.Union[0].Span(), "a table built by a UNION is not supported: build the table from a stream the UNION writes (CREATE STREAM u AS SELECT ... UNION ALL ...; CREATE TABLE t AS SELECT ... FROM u GROUP BY ...)")
		return
	}
	sc := &stmtCtx{with: append(append([]*grammar.Prop(nil), with...), sel.With...), spans: map[*Query]grammar.Span{}}
	if name != nil {
		if out := c.outputs[strings.ToLower(name.Name)]; out != nil && (insert || sel.Into != nil) {
			if out.table {
				c.errorf(CodeUnsupported, name.Span(), "%q is a table built by a query: its rows are its query's groups, and no other query can write it", out.name)
				return
			}
			sc.appendTo, sc.out = out, out
		} else if insert && c.sources[strings.ToLower(name.Name)] != nil {
			c.errorf(CodeUnsupported, name.Span(), "INSERT INTO %s: %q is a source this job reads; INSERT INTO writes a stream that a query of the script declares (CREATE STREAM %s AS SELECT ..., whose WITH gives its sink)", name.Name, name.Name, name.Name)
			return
		} else if insert {
			c.errorf(CodeUnknownSource, name.Span(), "INSERT INTO %s: no stream of that name is written by this script; declare it first with CREATE STREAM %s AS SELECT ... (or SELECT ... INTO %s)", name.Name, name.Name, name.Name)
			return
		}
	}
	sc.unify = len(arms) > 1 && sc.appendTo == nil
	errs := c.errorCount()
	defer func() {
		if sc.out != nil && c.errorCount() > errs {
			sc.out.broken = true // its columns may be wrong: queries reading it would only add errors that follow
		}
	}()
	for i, a := range arms {
		if len(arms) > 1 {
			sc.part = i + 1
		}
		c.query(st, a, name, kind, sc)
		if sc.out == nil {
			return // the first query failed: the others would write a stream that has no columns
		}
		if len(sc.out.writers) > 0 {
			sc.spans[sc.out.writers[len(sc.out.writers)-1]] = a.Span()
		}
		sc.appendTo = sc.out
	}
	if sc.unify {
		c.unifyColumns(sc)
	}
}

// conform makes the columns of q, one more query writing an output, those of the output: as many, each of a type
// the output's column holds, converted to it. The first query of an output declares its columns, and a UNION's
// are unified after its last query (unifyColumns).
func (c *checker) conform(q *Query, sc *stmtCtx, at grammar.Span) bool {
	out := sc.out
	if len(out.writers) == 1 {
		return true
	}
	cols := out.sink.Columns
	if len(q.Columns) != len(cols) {
		c.errorf(CodeTypeMismatch, at, "this query writes %d columns to %q, which has %d (%s)", len(q.Columns), out.name, len(cols), columnList(cols))
		return false
	}
	if sc.unify {
		return true
	}
	ok := true
	for i, col := range q.Columns {
		t := cols[i].Type
		if ct, fits := commonType(col.Type, t); !fits || ct != t {
			c.errorf(CodeTypeMismatch, at, "column %d (%s) is %s, which column %s of %q (%s) cannot hold", i+1, col.Name, col.Type, cols[i].Name, out.name, t)
			ok = false
			continue
		}
		c.retype(q, col, t)
	}
	return ok
}

// unifyColumns gives the columns of a UNION's queries one type each, as DuckDB does: the type every query's
// value converts to (the wider integer, DECIMAL wide enough for both, DOUBLE over any DOUBLE).
func (c *checker) unifyColumns(sc *stmtCtx) {
	out := sc.out
	for i, col := range out.sink.Columns {
		t := col.Type
		for _, w := range out.writers[1:] {
			if i >= len(w.Columns) {
				return // reported by conform
			}
			u, ok := commonType(t, w.Columns[i].Type)
			if !ok {
				c.errorf(CodeTypeMismatch, sc.spans[w], "column %d of the UNION is %s in its first query (%s) and %s here (%s): they have no common type; CAST one of them", i+1, t, col.Name, w.Columns[i].Type, w.Columns[i].Name)
				return
			}
			t = u
		}
		if t.Kind == Null {
			t = TVarchar // NULL in every query, as a query's bare NULL column is
		}
		for _, w := range out.writers {
			c.retype(w, w.Columns[i], t)
		}
	}
}

// retype converts an output column of q to type t.
func (c *checker) retype(q *Query, col *Column, t Type) {
	if col.Type == t {
		return
	}
	x := c.convert(col.Expr, t)
	if cast, ok := x.(*Cast); ok {
		cast.Loc = q.Loc // a DECIMAL narrowed to 38 digits can overflow
	}
	col.Expr, col.Type = x, t
}

// errorCount returns the number of errors reported so far.
func (c *checker) errorCount() int {
	n := 0
	for _, d := range c.diags {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

func columnList(cols []*Column) string {
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.Name + " " + col.Type.String()
	}
	return strings.Join(names, ", ")
}

// derivedStream returns the stream out, written by queries of the script, as a source that a later query reads,
// creating it on first use. It reports an error at `at` and returns nil when out is not a stream of records
// another query can read: the changing rows of a GROUP BY (EMIT CHANGES) are a table.
func (c *checker) derivedStream(out *output, at grammar.Span) *Source {
	if out.stream != nil {
		return out.stream
	}
	for _, q := range out.writers {
		if q.Grouped && !q.Distinct && q.Emit == EmitChanges || q.Sink.Retracts {
			c.errorf(CodeDerived, at, "%q is written by a GROUP BY that emits changes: each row replaces an earlier row of its group, so it is a table, not a stream of records; make it CREATE TABLE %s AS SELECT ... and join it, or give its query EMIT FINAL", out.name, out.name)
			return nil
		}
	}
	q := out.writers[0]
	s := &Source{Name: out.name, GoName: uniqueGoName(c.goNames, out.name+"_stream"), Type: "query", Loc: q.Loc, Writers: out.writers}
	for _, w := range out.writers {
		s.MaxOutOfOrder = max(s.MaxOutOfOrder, w.Source.MaxOutOfOrder)
	}
	goNames := map[string]int{}
	for i, col := range q.Columns {
		s.Fields = append(s.Fields, &Field{Name: col.Name, GoName: uniqueGoName(goNames, col.Name), Index: i, Type: col.Type, Nullable: true, Used: true})
	}
	s.EventTime = c.derivedTime(q, s)
	out.stream = s
	if out.broken {
		c.broken[s] = true
	}
	c.plan.Streams = append(c.plan.Streams, s)
	return s
}

// Roots returns the declared sources whose records drive s: s itself for a declared source, else the roots of
// the queries that write it (of both inputs of a join of two streams), each once, in script order.
func Roots(s *Source) []*Source {
	if len(s.Writers) == 0 {
		return []*Source{s}
	}
	var roots []*Source
	for _, w := range s.Writers {
		for _, r := range QueryRoots(w) {
			if !containsSource(roots, r) {
				roots = append(roots, r)
			}
		}
	}
	return roots
}

// Inputs returns the streams q reads records from: its own, and the other stream of a join of two streams.
func Inputs(q *Query) []*Source {
	if len(q.Joins) > 0 && q.Joins[0].Stream {
		return []*Source{q.Source, q.Joins[0].Table}
	}
	return []*Source{q.Source}
}

// QueryRoots returns the declared sources whose records drive q, each once.
func QueryRoots(q *Query) []*Source {
	var roots []*Source
	for _, in := range Inputs(q) {
		for _, r := range Roots(in) {
			if !containsSource(roots, r) {
				roots = append(roots, r)
			}
		}
	}
	return roots
}

// Readers returns the queries of p that read the derived stream s, in script order.
func (p *Plan) Readers(s *Source) []*Query {
	var qs []*Query
	for _, q := range p.Queries {
		if slices.Contains(Inputs(q), s) {
			qs = append(qs, q)
		}
	}
	return qs
}

// Feeds returns the derived stream q writes, if a later query reads it; nil otherwise.
func (p *Plan) Feeds(q *Query) *Source {
	for _, s := range p.Streams {
		for _, w := range s.Writers {
			if w == q {
				return s
			}
		}
	}
	return nil
}

// derivedTime finds the column of a derived stream that is its event time: the one named by
// '<name>.event.time.field' where the stream is declared, else a column named _event_time, else the column that
// carries the event time of the writing query's source unchanged, else the start (or end) of its window. It
// returns nil when there is none: the stream then has no event time, and a window over it names its time column.
func (c *checker) derivedTime(q *Query, s *Source) *Field {
	if p := c.timeProps[q]; p != nil {
		f := s.field(p.value)
		switch {
		case f == nil:
			c.errorf(CodeUnknownColumn, p.span, "event.time.field %q is not a column of %q%s", p.value, s.Name, suggest(p.value, fieldNames(s.Fields)))
		case f.Type.Kind != Timestamp && f.Type.Kind != BigInt:
			c.errorf(CodeWindow, p.span, "event.time.field %q must be TIMESTAMP or BIGINT (epoch milliseconds), not %s", p.value, f.Type)
		default:
			return f
		}
		return nil
	}
	if f := s.field("_event_time"); f != nil && (f.Type.Kind == Timestamp || f.Type.Kind == BigInt) {
		return f
	}
	for _, end := range []bool{false, true} {
		for i, col := range q.Columns {
			switch x := col.Expr.(type) {
			case *ColRef:
				if !end && x.Join == nil && q.Source.EventTime != nil && x.Field == q.Source.EventTime {
					s.Fields[i].TimeFormat = x.Field.TimeFormat
					return s.Fields[i]
				}
			case *WindowBound:
				if x.End == end {
					return s.Fields[i]
				}
			}
		}
	}
	return nil
}

// checkGraph reports what the job cannot do safely with its graph: a query that keeps state (groups, windows,
// window functions) over records of several Kafka sources cannot yet say which offsets of each source its state
// depends on, so it could not hold back their commits.
func (c *checker) checkGraph() {
	for _, q := range c.plan.Queries {
		timed := q.Window != nil || q.Over != nil && q.Over.Time != nil
		direct := q.Window != nil && FollowsJoin(q.Source)
		if timed && !direct && afterJoin(q.Source) {
			c.errorf(CodeUnsupported, c.spanOf(q.Loc), "query %s needs event-time order, and the stream it reads comes from a join of two streams, whose rows come out of order: a window may read the join's stream, directly or through queries that do not aggregate and pass its event time on (its watermark then follows the join's); window functions, and windows after an aggregation of the join's rows, are not supported yet", q.Name)
		}
	}
	for _, q := range c.plan.Queries {
		roots := QueryRoots(q)
		if len(roots) < 2 || !q.Grouped && q.Over == nil {
			continue
		}
		for _, r := range roots {
			if r.Type == "kafka_source" {
				c.errorf(CodeUnsupported, c.spanOf(q.Loc), "query %s keeps state over records of several sources, one of them the Kafka source %q: which of each source's offsets the state needs cannot be tracked yet, so commits could pass records it holds; aggregate each source's records in a query of its own, or write the merged stream to a topic and aggregate it in another job", q.Name, r.Name)
				break
			}
		}
	}
}

// lockGroups gives the sources whose records meet in one operator a lock to share (Source.Lock): the roots of a
// stream that several sources' queries write, and the sources whose queries write one sink. Each source is read
// by a goroutine of its own; with the lock, a query with several inputs sees one record at a time.
func lockGroups(p *Plan) {
	group := map[*Source]*Source{} // union-find over roots
	var find func(s *Source) *Source
	find = func(s *Source) *Source {
		if g, ok := group[s]; ok && g != s {
			r := find(g)
			group[s] = r
			return r
		}
		return s
	}
	union := func(ss []*Source) {
		for _, s := range ss[1:] {
			a, b := find(ss[0]), find(s)
			if a != b {
				group[b] = a
			}
		}
	}
	sinkRoots := map[*Sink][]*Source{}
	for _, q := range p.Queries {
		roots := QueryRoots(q)
		if len(roots) > 1 {
			union(roots)
		}
		for _, r := range roots {
			if !containsSource(sinkRoots[q.Sink], r) {
				sinkRoots[q.Sink] = append(sinkRoots[q.Sink], r)
			}
		}
	}
	for _, sk := range p.Sinks {
		if rs := sinkRoots[sk]; len(rs) > 1 {
			union(rs)
		}
	}
	ids := map[*Source]int{}
	for _, s := range p.Sources {
		r := find(s)
		if r == s && !shares(group, find, s) {
			continue
		}
		if ids[r] == 0 {
			ids[r] = len(ids) + 1
		}
		s.Lock = ids[r]
	}
}

// shares reports whether another source is in the group of root r.
func shares(group map[*Source]*Source, find func(*Source) *Source, r *Source) bool {
	for s := range group {
		if s != r && find(s) == r {
			return true
		}
	}
	return false
}

// writeGraph explains the edges between the queries of p: each stream that queries write and others read, and
// the sources that share a lock.
func writeGraph(b *strings.Builder, p *Plan) {
	if len(p.Streams) == 0 && !anyLock(p) {
		return
	}
	b.WriteString("\ngraph (inside the job, each edge a direct call: no encoding):\n")
	for _, s := range p.Streams {
		var writers, readers []string
		for _, w := range s.Writers {
			writers = append(writers, fmt.Sprintf("%s (%s:%d, from %s)", w.Name, w.Loc.File, w.Loc.Line, w.Source.Name))
		}
		for _, r := range p.Readers(s) {
			readers = append(readers, fmt.Sprintf("%s (%s:%d)", r.Name, r.Loc.File, r.Loc.Line))
		}
		fmt.Fprintf(b, "  stream %s: written by %s; read by %s", s.Name, strings.Join(writers, ", "), strings.Join(readers, ", "))
		if s.EventTime != nil {
			fmt.Fprintf(b, "; event time %s", s.EventTime.Name)
		}
		fmt.Fprintf(b, "; also to %s\n", s.Writers[0].Sink.URI)
	}
	groups := map[int][]string{}
	var ids []int
	for _, s := range p.Sources {
		if s.Lock > 0 {
			if groups[s.Lock] == nil {
				ids = append(ids, s.Lock)
			}
			groups[s.Lock] = append(groups[s.Lock], s.Name)
		}
	}
	for _, id := range ids {
		fmt.Fprintf(b, "  sources %s meet in one operator: each read by its own goroutine, they hand it one record at a time\n", strings.Join(groups[id], ", "))
	}
}

func anyLock(p *Plan) bool {
	for _, s := range p.Sources {
		if s.Lock > 0 {
			return true
		}
	}
	return false
}

func sourceNames(ss []*Source) []string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name
	}
	return names
}

// joinsStreams reports whether q joins two streams.
func joinsStreams(q *Query) bool { return len(q.Joins) > 0 && q.Joins[0].Stream }

// FollowsJoin reports whether the records of s come from a join of two streams, directly or through queries that
// do not aggregate and pass the join's event time on unchanged: a window over s follows the join's output
// watermark.
func FollowsJoin(s *Source) bool {
	if len(s.Writers) != 1 || s.EventTime == nil {
		return false
	}
	w := s.Writers[0]
	if joinsStreams(w) {
		return true
	}
	if w.Grouped || w.Over != nil || w.Source.EventTime == nil {
		return false
	}
	for i, col := range w.Columns {
		if r, ok := col.Expr.(*ColRef); ok && r.Join == nil && r.Field == w.Source.EventTime && s.Fields[i] == s.EventTime {
			return FollowsJoin(w.Source)
		}
	}
	return false
}

// afterJoin reports whether some query writing s, or writing what those read, joins two streams.
func afterJoin(s *Source) bool {
	for _, w := range s.Writers {
		if joinsStreams(w) || afterJoin(w.Source) {
			return true
		}
	}
	return false
}

// spanOf turns a location back into a span, for a diagnostic about a whole statement.
func (c *checker) spanOf(l Loc) grammar.Span {
	return grammar.Span{Start: grammar.Pos{File: l.File, Offset: l.Off, Line: l.Line, Col: l.Col}, End: grammar.Pos{File: l.File, Offset: l.End, Line: l.Line, Col: l.Col}}
}
