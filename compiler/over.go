// Window functions: f(...) OVER ([PARTITION BY ...] [ORDER BY time] [frame]) in the SELECT list of a query that
// does not aggregate. Every OVER of a query shares one PARTITION BY and ORDER BY; frames may differ.
package compiler

import (
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// Over is the window-function part of a query: the partitioning, the order, and each function.
type Over struct {
	Partition []*Key // PARTITION BY (row expressions)
	// Time is the ORDER BY: an event time in milliseconds (TIMESTAMP or BIGINT). Rows are processed per partition
	// in its order once the watermark passes them. Nil: in arrival order, each row as it comes.
	Time   Expr
	Funcs  []*WinFunc
	Expire int64 // a partition's state is dropped after this many milliseconds of event time without a row; 0: kept
	Lead   int64 // the largest LEAD offset: a row is written once this many rows of its partition follow it
	// Late is what happens to a row older than the watermark when it arrives (with ORDER BY): drop or
	// dead_letter, the query's 'late.data.strategy'.
	Late LateStrategy
	Loc  Loc // the first OVER clause
}

// WinKind is what a window function computes.
type WinKind uint8

// Window function kinds.
const (
	WinRowNumber WinKind = iota
	WinRank
	WinDenseRank
	WinPercentRank
	WinCumeDist
	WinNtile
	WinLag
	WinLead
	WinFirst
	WinLast
	WinNth
	WinAgg // an aggregate over the frame
)

// Frame is the rows a frame-dependent function (an aggregate, FIRST_VALUE, LAST_VALUE, NTH_VALUE) sees: from
// Start before the current row to End before it (End 0: the current row). For ROWS they count rows; for RANGE,
// milliseconds of the ORDER BY time, and the frame includes the current row's peers. Unbounded: from the
// partition's first row.
type Frame struct {
	Range      bool
	Unbounded  bool
	Start, End int64
}

// WinFunc is one window function call.
type WinFunc struct {
	Index   int
	Name    string
	Kind    WinKind
	Arg     Expr  // the value argument (LAG, LEAD, the *_VALUE functions, aggregates); nil otherwise
	Offset  int64 // LAG/LEAD offset, NTH_VALUE's n, NTILE's bucket count
	Default Expr  // LAG/LEAD default (of the function's type); a NULL constant when absent
	Frame   Frame
	Agg     *Agg // WinAgg: the accumulator, as the registry binds it
	T       Type
	Loc     Loc
}

// WinRef reads a window function's value for the current row in a SELECT expression.
type WinRef struct{ Fn *WinFunc }

// Type is the function's result type.
func (e *WinRef) Type() Type { return e.Fn.T }

var winKinds = map[string]WinKind{
	"ROW_NUMBER": WinRowNumber, "RANK": WinRank, "DENSE_RANK": WinDenseRank, "PERCENT_RANK": WinPercentRank,
	"CUME_DIST": WinCumeDist, "NTILE": WinNtile, "LAG": WinLag, "LEAD": WinLead, "FIRST_VALUE": WinFirst,
	"LAST_VALUE": WinLast, "NTH_VALUE": WinNth,
}

// overCall checks a window function call.
func (c *checker) overCall(qc *qctx, v *grammar.Call, m mode) Expr {
	name := strings.ToUpper(v.Name.Name)
	if m != modeRow || !qc.inSelect {
		if m == modeGroup || m == modeHaving {
			c.errorf(CodeAggregateContext, v.Over.Span(), "window functions (OVER) are evaluated after GROUP BY and HAVING: they may not appear in HAVING or inside an aggregate")
		} else {
			c.errorf(CodeAggregateContext, v.Span(), "window function %s is not allowed here; window functions belong in SELECT", name)
		}
		return nil
	}
	if v.Distinct || v.Star && name != "COUNT" {
		c.errorf(CodeUnsupported, v.Span(), "%s(DISTINCT ...) and %s(*) are not supported over a window", name, name)
		return nil
	}
	if !c.overClause(qc, v.Over) {
		return nil
	}
	o := qc.q.Over
	w := &WinFunc{Index: len(o.Funcs), Name: name, Loc: c.loc(v.Span())}
	kind, isWin := winKinds[name]
	e := lookup(name)
	switch {
	case isWin:
		w.Kind = kind
	case e != nil && e.agg != nil:
		w.Kind = WinAgg
	default:
		c.errorf(CodeUnknownFunction, v.Name.Span(), "%s is not a window function; over a window velocc computes ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE and the aggregates", v.Name.Name)
		return nil
	}
	var args []Expr
	for _, a := range v.Args {
		x := c.expr(qc, a, modeAggArg)
		if x == nil {
			return nil
		}
		if x.Type().IsNested() && w.Kind == WinAgg && !nestedAgg(e.names[0], v) {
			c.errorf(CodeTypeMismatch, a.Span(), "%s over %s values is not supported in a window function; aggregate their scalar parts (x.field, x[i])", name, x.Type())
			return nil
		}
		args = append(args, x)
	}
	argc := func(lo, hi int) bool {
		if len(args) < lo || len(args) > hi {
			c.errorf(CodeArgCount, v.Span(), "%s takes %s, got %d", name, strings.TrimSpace(plural(lo, "")+map[bool]string{true: "argument", false: "to " + plural(hi, "arguments")}[lo == hi]), len(args))
			return false
		}
		return true
	}
	constArg := func(i int, what string) (int64, bool) {
		k, ok := args[i].(*Const)
		if !ok || !k.T.IsInteger() || k.Int < 0 {
			c.errorf(CodeTypeMismatch, v.Args[i].Span(), "%s's %s must be a non-negative integer constant", name, what)
			return 0, false
		}
		return k.Int, true
	}
	switch w.Kind {
	case WinRowNumber, WinRank, WinDenseRank:
		if !argc(0, 0) {
			return nil
		}
		w.T = TBigInt
	case WinPercentRank, WinCumeDist:
		if !argc(0, 0) {
			return nil
		}
		w.T = TDouble
	case WinNtile:
		if !argc(1, 1) {
			return nil
		}
		n, ok := constArg(0, "bucket count")
		if !ok || n == 0 {
			if ok {
				c.errorf(CodeTypeMismatch, v.Args[0].Span(), "NTILE's bucket count must be positive")
			}
			return nil
		}
		w.Offset, w.T = n, TBigInt
	case WinLag, WinLead:
		if !argc(1, 3) {
			return nil
		}
		w.Arg, w.Offset, w.T = args[0], 1, args[0].Type()
		if len(args) >= 2 {
			n, ok := constArg(1, "offset")
			if !ok {
				return nil
			}
			w.Offset = n
		}
		w.Default = &Const{T: w.T, Null: true}
		if len(args) == 3 {
			t, ok := commonType(w.T, args[2].Type())
			if !ok {
				c.errorf(CodeTypeMismatch, v.Args[2].Span(), "%s's default is %s, but its value is %s", name, args[2].Type(), w.T)
				return nil
			}
			w.T, w.Arg, w.Default = t, c.convert(args[0], t), c.convert(args[2], t)
		}
		if w.T.Kind == Null {
			w.T, w.Arg, w.Default = TInt, c.convert(w.Arg, TInt), &Const{T: TInt, Null: true}
		}
		switch {
		case w.Offset == 0:
			w.Kind = WinLag // LAG(x, 0) and LEAD(x, 0) are x
		case w.Kind == WinLead:
			o.Lead = max(o.Lead, w.Offset)
		}
	case WinFirst, WinLast, WinNth:
		hi := 1
		if w.Kind == WinNth {
			hi = 2
		}
		if !argc(hi, hi) {
			return nil
		}
		w.Arg, w.T = args[0], args[0].Type()
		if w.T.Kind == Null {
			w.T, w.Arg = TInt, c.convert(w.Arg, TInt)
		}
		if w.Kind == WinNth {
			n, ok := constArg(1, "position")
			if !ok || n == 0 {
				if ok {
					c.errorf(CodeTypeMismatch, v.Args[1].Span(), "NTH_VALUE's position counts from 1")
				}
				return nil
			}
			w.Offset = n
		}
	case WinAgg:
		if lo, hi := e.aggArity(); e.withinGroup || e.distinctOf != "" || lo != 1 || hi != 1 {
			c.errorf(CodeUnsupported, v.Span(), "%s is not supported over a window yet", name)
			return nil
		}
		agg := &Agg{Name: e.names[0], Loc: w.Loc}
		switch {
		case v.Star:
		case len(args) != 1:
			c.errorf(CodeArgCount, v.Span(), "%s takes one argument, got %d", name, len(args))
			return nil
		default:
			agg.Arg = args[0]
			if agg.Arg.Type().Kind == Null {
				agg.Arg = c.convert(agg.Arg, TInt)
			}
		}
		b := &aggBinder{c: c, v: v, name: name, agg: agg, args: args}
		for _, a := range v.Args {
			b.spans = append(b.spans, a.Span())
		}
		if !e.agg(b) {
			return nil
		}
		if i := agg.Impl; i.Add == AddPair || i.Add == AddWithNull || len(i.AddArgs) > 0 || i.TypeArg2 != nil {
			c.errorf(CodeUnsupported, v.Span(), "%s is not supported over a window yet", name)
			return nil
		}
		w.Agg, w.Arg, w.T = agg, agg.Arg, agg.Type
	}
	if !c.frame(qc, v.Over, w) {
		return nil
	}
	o.Funcs = append(o.Funcs, w)
	return &WinRef{Fn: w}
}

// overClause checks PARTITION BY, ORDER BY and EXPIRE of an OVER clause: the first sets the query's, the others
// must repeat them.
func (c *checker) overClause(qc *qctx, ov *grammar.Over) bool {
	var parts []Expr
	var canons []string
	for _, p := range ov.PartitionBy {
		x := c.expr(qc, p, modeRow)
		if x == nil {
			return false
		}
		if x.Type().IsNested() {
			c.errorf(CodeUnsupported, p.Span(), "PARTITION BY a %s value is not supported yet; partition by its scalar parts (x.field, x[i])", x.Type())
			return false
		}
		parts = append(parts, x)
		canons = append(canons, qc.canon(p))
	}
	var t Expr
	tc := ""
	switch len(ov.OrderBy) {
	case 0:
	case 1:
		it := ov.OrderBy[0]
		if it.Desc {
			c.errorf(CodeUnsupported, it.Span(), "ORDER BY ... DESC is not supported over a stream; window functions see rows in ascending event time")
			return false
		}
		x := c.expr(qc, it.Expr, modeRow)
		if x == nil {
			return false
		}
		if k := x.Type().Kind; k != Timestamp && k != BigInt {
			c.errorf(CodeUnsupported, it.Expr.Span(), "OVER (ORDER BY ...) must be an event time (TIMESTAMP, or BIGINT epoch milliseconds), but %q is %s", c.loc(it.Expr.Span()).Text, x.Type())
			return false
		}
		if cr, isCol := x.(*ColRef); isCol {
			x = c.eventTime(cr.Field, c.loc(it.Expr.Span()))
		}
		t, tc = x, qc.canon(it.Expr)
	default:
		c.errorf(CodeUnsupported, ov.OrderBy[1].Span(), "OVER (ORDER BY ...) takes one event-time column")
		return false
	}
	var expire int64
	if ov.Expire != nil && ov.Expire.After != nil {
		ms, ok := c.interval(ov.Expire.After)
		if !ok {
			return false
		}
		expire = ms
		if t == nil {
			c.errorf(CodeUnsupported, ov.Expire.Span(), "EXPIRE AFTER needs OVER (ORDER BY event_time): a partition expires after a span of event time without rows")
			return false
		}
	}
	if qc.q.Over == nil {
		o := &Over{Time: t, Expire: expire, Loc: c.loc(ov.Span())}
		goNames := map[string]int{}
		for i, x := range parts {
			o.Partition = append(o.Partition, &Key{Index: i, Expr: x, Name: canons[i], GoName: uniqueGoName(goNames, "p_"+canons[i])})
		}
		qc.q.Over, qc.overParts, qc.overTime = o, canons, tc
		return true
	}
	same := len(canons) == len(qc.overParts) && tc == qc.overTime
	for i := range canons {
		same = same && canons[i] == qc.overParts[i]
	}
	if !same {
		c.errorf(CodeUnsupported, ov.Span(), "every OVER of a query must have the same PARTITION BY and ORDER BY (frames may differ); this one differs from the first, at %s:%d:%d", qc.q.Over.Loc.File, qc.q.Over.Loc.Line, qc.q.Over.Loc.Col)
		return false
	}
	if expire != 0 {
		qc.q.Over.Expire = expire
	}
	return true
}

// frame checks the frame of a frame-dependent function: ROWS n PRECEDING .. CURRENT ROW or m PRECEDING, ROWS
// UNBOUNDED PRECEDING, RANGE INTERVAL PRECEDING .. CURRENT ROW, RANGE UNBOUNDED PRECEDING, Velostream's ROWS
// WINDOW BUFFER n ROWS. The default: RANGE UNBOUNDED PRECEDING with ORDER BY (the current row's peers included),
// every row so far without.
func (c *checker) frame(qc *qctx, ov *grammar.Over, w *WinFunc) bool {
	frameDependent := w.Kind == WinAgg || w.Kind == WinFirst || w.Kind == WinLast || w.Kind == WinNth
	fr := ov.Frame
	if !frameDependent {
		if fr != nil {
			c.warnf(CodeUnsupported, fr.Span(), "%s does not depend on a frame; this frame has no effect", w.Name)
		}
		return true
	}
	ordered := qc.q.Over.Time != nil
	switch {
	case ov.Buffer != nil && fr == nil:
		n, err := strconv.ParseInt(ov.Buffer.Rows, 10, 64)
		if err != nil || n < 1 {
			c.errorf(CodeBadLiteral, ov.Buffer.Span(), "ROWS WINDOW BUFFER needs a positive number of rows")
			return false
		}
		w.Frame = Frame{Start: n - 1}
		return true
	case fr == nil:
		w.Frame = Frame{Range: ordered, Unbounded: true}
		return true
	}
	if fr.Unit == "GROUPS" {
		c.errorf(CodeUnsupported, fr.Span(), "GROUPS frames are not supported; use ROWS or RANGE")
		return false
	}
	rng := fr.Unit == "RANGE"
	if rng && !ordered {
		c.errorf(CodeUnsupported, fr.Span(), "a RANGE frame needs OVER (ORDER BY event_time)")
		return false
	}
	offset := func(b *grammar.FrameBound) (int64, bool) {
		if rng {
			iv, ok := unparen(b.Offset).(*grammar.Interval)
			if !ok {
				c.errorf(CodeUnsupported, b.Offset.Span(), "a RANGE frame's offset must be an INTERVAL, such as INTERVAL '1' HOUR PRECEDING")
				return 0, false
			}
			return c.interval(iv)
		}
		lit, ok := unparen(b.Offset).(*grammar.Literal)
		n, err := int64(0), error(nil)
		if ok && lit.Kind == grammar.LitNumber {
			n, err = strconv.ParseInt(lit.Text, 10, 64)
		}
		if !ok || lit.Kind != grammar.LitNumber || err != nil || n < 0 {
			c.errorf(CodeBadLiteral, b.Offset.Span(), "a ROWS frame's offset must be a non-negative whole number")
			return 0, false
		}
		return n, true
	}
	f := Frame{Range: rng}
	switch fr.Start.Kind {
	case grammar.UnboundedPreceding:
		f.Unbounded = true
	case grammar.Preceding:
		n, ok := offset(fr.Start)
		if !ok {
			return false
		}
		f.Start = n
	case grammar.CurrentRow:
	default:
		c.errorf(CodeUnsupported, fr.Start.Span(), "a frame that starts after the current row is not supported: a stream's rows are computed as they arrive")
		return false
	}
	switch fr.End.Kind {
	case grammar.CurrentRow:
	case grammar.Preceding:
		if rng {
			c.errorf(CodeUnsupported, fr.End.Span(), "a RANGE frame must end at the CURRENT ROW")
			return false
		}
		n, ok := offset(fr.End)
		if !ok {
			return false
		}
		if !f.Unbounded && n > f.Start {
			c.errorf(CodeBadLiteral, fr.End.Span(), "the frame ends before it starts")
			return false
		}
		f.End = n
	default: // FOLLOWING
		c.warnf(CodeUnsupported, fr.End.Span(), "frames reaching FOLLOWING rows are computed over the rows so far: this frame ends at the CURRENT ROW (see docs/sql.md, Window functions)")
	}
	w.Frame = f
	return true
}

// overLateData reads the 'late.data.strategy' of a query with window functions: a row ordered by event time that
// arrives after the watermark passed it is dropped, or written to the source's dead-letter file as well.
func (c *checker) overLateData(src *Source, q *Query, props []*grammar.Prop) {
	for _, p := range props {
		if !strings.EqualFold(p.Key, "late.data.strategy") {
			c.errorf(CodeBadProperty, p.Span(), "%q applies to windowed queries; this query has no WINDOW", p.Key)
			continue
		}
		if q.Over == nil || q.Over.Time == nil {
			c.errorf(CodeBadProperty, p.Span(), "'late.data.strategy' applies to window functions ordered by event time (OVER (... ORDER BY time)): without ORDER BY no row is late")
			continue
		}
		switch v := strings.ToLower(strings.TrimSpace(p.Value)); v {
		case "drop":
			q.Over.Late = LateDrop
		case "dead_letter":
			q.Over.Late = LateDeadLetter
			src.LateDeadLetter = true
			if src.DeadLetter == "" {
				src.DeadLetter = src.Name + ".dead_letter.jsonl"
			}
		default:
			c.errorf(CodeBadProperty, p.ValueSpan, "'late.data.strategy' %q does not apply to window functions; use drop or dead_letter", p.Value)
		}
	}
}

// stateTTL reads a query's 'state.ttl': how long, in event time, the state of a window function's partition lives
// without rows, as EXPIRE AFTER says in the OVER clause (which wins when both are given); or how long a SELECT
// DISTINCT without a window remembers a row after it was last seen (distinctTTL). It runs once EMIT is known.
func (c *checker) stateTTL(q *Query, p *grammar.Prop) {
	if q.Distinct && q.Over == nil {
		c.distinctTTL(q, p)
		return
	}
	if q.Over == nil || q.Over.Time == nil {
		c.errorf(CodeBadProperty, p.Span(), "'state.ttl' applies to window functions ordered by event time (OVER (... ORDER BY time)), whose partitions it expires, and to SELECT DISTINCT without a window, whose rows it expires")
		return
	}
	if ms, ok := c.ttlValue(p); ok && q.Over.Expire == 0 {
		q.Over.Expire = ms
	}
}

// ttlValue reads the duration of 'state.ttl'.
func (c *checker) ttlValue(p *grammar.Prop) (int64, bool) {
	ms, err := parseDuration(p.Value)
	switch {
	case err != "":
		c.errorf(CodeBadProperty, p.ValueSpan, "'state.ttl': %s", err)
	case ms <= 0:
		c.errorf(CodeBadProperty, p.ValueSpan, "'state.ttl' must be positive, got %q", p.Value)
	default:
		return ms, true
	}
	return 0, false
}

// distinctTTL reads 'state.ttl' of a SELECT DISTINCT: a row is forgotten once the query's watermark (the largest
// event time seen, less the source's lateness) reaches the event time it was last seen plus the TTL, and an equal
// row after that is written again. The query needs an event time, and EMIT CHANGES without a window.
func (c *checker) distinctTTL(q *Query, p *grammar.Prop) {
	src := q.Source
	switch {
	case q.Window != nil:
		c.errorf(CodeBadProperty, p.Span(), "'state.ttl' bounds a SELECT DISTINCT without a window; this one's window bounds its state already: drop 'state.ttl'")
		return
	case q.Emit == EmitFinal:
		c.errorf(CodeBadProperty, p.Span(), "'state.ttl' needs EMIT CHANGES: under EMIT FINAL, SELECT DISTINCT writes each row once, at the end of bounded input; drop EMIT FINAL or 'state.ttl'")
		return
	case len(q.Joins) > 0 && q.Joins[0].Stream:
		c.errorf(CodeUnsupported, p.Span(), "'state.ttl' on a SELECT DISTINCT that joins two streams is not supported yet")
		return
	case len(src.Writers) > 1:
		c.errorf(CodeUnsupported, p.Span(), "'state.ttl' on a SELECT DISTINCT over a stream several queries write is not supported yet")
		return
	case len(src.Writers) == 1 && joinsStreams(src.Writers[0]):
		c.errorf(CodeUnsupported, p.Span(), "'state.ttl' on a SELECT DISTINCT over the stream a join of two streams writes is not supported yet: its rows come out of event-time order")
		return
	case src.EventTime == nil && len(src.Writers) > 0:
		c.errorf(CodeBadProperty, p.Span(), "'state.ttl' expires a distinct row in event time, and the stream %q has none: name its time column with '%s.event.time.field' in the WITH of the statement that writes it", src.Name, src.Name)
		return
	case src.EventTime == nil:
		c.errorf(CodeBadProperty, p.Span(), "'state.ttl' expires a distinct row in event time, and the stream %q declares none: add 'event.time.field' to its WITH", src.Name)
		return
	}
	if ms, ok := c.ttlValue(p); ok {
		q.TTL = ms
		q.TTLTime = c.eventTime(src.EventTime, c.loc(p.Span()))
	}
}
