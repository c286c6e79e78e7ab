// Stream–stream joins: FROM a JOIN b ON a.k = b.k AND b.ts BETWEEN a.ts - INTERVAL x AND a.ts + INTERVAL y, or
// ksqlDB's FROM a JOIN b WITHIN (x, y) ON a.k = b.k. Each stream's rows are kept until the watermark passes the
// end of their interval, so the time bound is what bounds the join's state: a join of two streams without one is
// an error.
package compiler

import (
	"fmt"
	"math"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// TimeBound is the time bound of a join of two streams: a record at event time t meets the other stream's rows
// whose event time lies in [t - Before, t + After], both ends included. Grace is how much longer than the
// watermark rows wait for a late partner (GRACE PERIOD). Milliseconds.
type TimeBound struct {
	Before, After, Grace int64
}

// isStream reports whether the relation a JOIN names is a stream (declared, or written by a query of the
// script), as opposed to a table or an unknown name.
func (c *checker) isStream(f *grammar.From) bool {
	if f == nil || f.Name == nil {
		return false
	}
	name := strings.ToLower(f.Name.Name)
	if s := c.sources[name]; s != nil {
		return !s.IsTable
	}
	out := c.outputs[name]
	return out != nil && !out.table
}

// streamJoin checks JOIN t, a stream, as the i-th join (from 0) of the query: its ON splits into the equalities
// of the two streams' values (the join key), the time bound, and the rest.
func (c *checker) streamJoin(qc *qctx, gj *grammar.Join, j *Join, t *Source, i int) bool {
	name := gj.Right.Name.Name
	if i > 0 {
		c.errorf(CodeUnsupported, gj.Span(), "a join of two streams must be the query's first join (tables may follow it)")
		return false
	}
	if gj.AsOf != nil {
		c.errorf(CodeUnsupported, gj.AsOf.Span(), "FOR SYSTEM_TIME AS OF reads a table's versions; %q is a stream", name)
		return false
	}
	if c.broken[t] {
		return false
	}
	for _, s := range []*Source{qc.src, t} {
		if s.EventTime == nil {
			c.errorf(CodeWindow, gj.Span(), "a join of two streams matches rows by event time, and %q has none: set its 'event.time.field'", s.Name)
			return false
		}
	}
	j.Stream, j.Table = true, t
	j.Defaults = make([]*Const, len(t.Fields)) // an unmatched row's other side is NULL
	j.Missing = "skip"
	if j.Left {
		j.Missing = "nulls"
	}
	r := &rel{src: t, join: j}
	if gj.Right.Alias != nil {
		r.alias = gj.Right.Alias.Name
	}
	j.Alias = t.Name
	if r.alias != "" {
		j.Alias = r.alias
	}
	if strings.EqualFold(qc.rels[0].alias, j.Alias) || qc.rels[0].alias == "" && strings.EqualFold(qc.src.Name, j.Alias) {
		c.errorf(CodeDuplicate, gj.Right.Span(), "%q names both streams of this join; give one an alias: JOIN %s AS %s2", j.Alias, name, strings.ToLower(name[:1]))
		return false
	}
	qc.rels = append(qc.rels, r)
	var iv *TimeBound
	if w := gj.Within; w != nil {
		before, ok1 := c.interval(w.Before)
		after, ok2 := c.interval(w.After)
		if !ok1 || !ok2 {
			return false
		}
		iv = &TimeBound{Before: before, After: after}
		if w.Grace != nil {
			g, ok := c.interval(w.Grace)
			if !ok {
				return false
			}
			iv.Grace = g
		}
	}
	if gj.On == nil {
		c.errorf(CodeUnsupported, gj.Span(), "JOIN %s needs ON: ON %s.<key> = <column of %s>", name, j.Alias, qc.src.Name)
		return false
	}
	if hasAggregate(gj.On) {
		c.errorf(CodeAggregateContext, gj.On.Span(), "aggregate functions are not allowed in ON")
		return false
	}
	x := c.expr(qc, gj.On, modeRow)
	if x == nil {
		return false
	}
	on := c.wantBool(x, gj.On, "ON")
	if on == nil {
		return false
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64) // the other row's time less the record's: in [lo, hi]
	var rest []Expr
	for _, cj := range conjuncts(on) {
		if l, o := streamKeyPart(cj, j); l != nil {
			j.Key, j.OtherKey = append(j.Key, l), append(j.OtherKey, o)
			continue
		}
		if b, isLow, ok := timeBound(cj, qc.src, j); ok {
			if isLow {
				lo = max(lo, b)
			} else {
				hi = min(hi, b)
			}
			continue
		}
		rest = append(rest, cj)
	}
	if lo != math.MinInt64 || hi != math.MaxInt64 {
		if iv != nil {
			c.errorf(CodeUnsupported, gj.Within.Span(), "the join has two time bounds, WITHIN and its ON's condition on the event times: give one")
			return false
		}
		if lo == math.MinInt64 || hi == math.MaxInt64 {
			c.errorf(CodeUnboundedJoin, gj.On.Span(), "ON bounds the time of %s's rows on one side only, so every row would be kept forever: bound both sides, as in %s.%s BETWEEN %s.%s - INTERVAL '10' SECOND AND %s.%s + INTERVAL '10' SECOND",
				j.Alias, j.Alias, t.EventTime.Name, qc.rels[0].name(), qc.src.EventTime.Name, qc.rels[0].name(), qc.src.EventTime.Name)
			return false
		}
		iv = &TimeBound{Before: -lo, After: hi}
	}
	if iv == nil {
		c.errorf(CodeUnboundedJoin, gj.Span(), "a join of two streams without a time bound would keep every row of both forever: add WITHIN, as in JOIN %s WITHIN 10 SECONDS ON ..., or bound the event times in ON: %s.%s BETWEEN %s.%s - INTERVAL '10' SECOND AND %s.%s + INTERVAL '10' SECOND",
			name, j.Alias, t.EventTime.Name, qc.rels[0].name(), qc.src.EventTime.Name, qc.rels[0].name(), qc.src.EventTime.Name)
		return false
	}
	if iv.Before+iv.After < 0 {
		c.errorf(CodeUnboundedJoin, gj.Span(), "the time bound is empty: no row of %s can meet a record (its interval ends %d ms before it starts)", j.Alias, -(iv.Before + iv.After))
		return false
	}
	j.Interval = iv
	qc.outerRecord = j.Right
	for _, r := range rest {
		if j.On == nil {
			j.On = r
		} else {
			j.On = &Binary{Op: OpAnd, L: j.On, R: r, T: TBool}
		}
	}
	qc.q.Joins = append(qc.q.Joins, j)
	return true
}

// name is how the query names the relation.
func (r *rel) name() string {
	if r.alias != "" {
		return r.alias
	}
	return r.src.Name
}

// streamKeyPart recognizes `record value = other stream's value` in the ON of a join of two streams: one side
// reads the record's columns and the other the other stream's, and neither both. It returns the two sides.
func streamKeyPart(x Expr, j *Join) (mine, other Expr) {
	b, ok := x.(*Binary)
	if !ok || b.Op != OpEq {
		return nil, nil
	}
	for _, side := range [2][2]Expr{{b.L, b.R}, {b.R, b.L}} {
		if ReadsRecord(side[0]) && !readsJoin(side[0], j) && readsJoin(side[1], j) && !readsStream(side[1]) {
			return side[0], side[1]
		}
	}
	return nil, nil
}

// readsStream reports whether x reads a column of the query's own stream.
func readsStream(x Expr) bool {
	found := false
	visitExpr(x, func(e Expr) {
		if c, ok := e.(*ColRef); ok && c.Join == nil {
			found = true
		}
	})
	return found
}

// timeBound recognizes one side of the time bound in ON: a comparison of the two streams' event times, each
// plus or minus a constant interval (b.ts >= a.ts - INTERVAL '10' SECOND; BETWEEN gives two). It returns the bound
// on the other row's time less the record's: low (the difference is at least b) or high (at most b).
func timeBound(x Expr, src *Source, j *Join) (b int64, low, ok bool) {
	cmp, isCmp := x.(*Binary)
	if !isCmp {
		return 0, false, false
	}
	lf, lo, ok1 := eventTimeOffset(cmp.L, src, j)
	rf, ro, ok2 := eventTimeOffset(cmp.R, src, j)
	if !ok1 || !ok2 || lf == rf {
		return 0, false, false
	}
	// other + oOther OP mine + oMine, the other row's time on the left once swapped.
	op, oOther, oMine := cmp.Op, lo, ro
	if !lf {
		op, oOther, oMine = flip(op), ro, lo
	}
	d := oMine - oOther // other OP mine + d
	switch op {
	case OpGe:
		return d, true, true
	case OpGt:
		return d + 1, true, true
	case OpLe:
		return d, false, true
	case OpLt:
		return d - 1, false, true
	}
	return 0, false, false
}

// flip mirrors a comparison: a < b is b > a.
func flip(op Op) Op {
	switch op {
	case OpLt:
		return OpGt
	case OpLe:
		return OpGe
	case OpGt:
		return OpLt
	case OpGe:
		return OpLe
	}
	return op
}

// eventTimeOffset recognizes an event time of one of the two streams plus a constant number of milliseconds (ts,
// ts + INTERVAL, ts - INTERVAL). other says whether it is the joined stream's.
func eventTimeOffset(x Expr, src *Source, j *Join) (other bool, off int64, ok bool) {
	if f, isFunc := x.(*Func); isFunc && f.Name == "DATE_ADD" && len(f.Args) == 3 {
		months, ok1 := f.Args[1].(*Const)
		ms, ok2 := f.Args[2].(*Const)
		if !ok1 || !ok2 || months.Int != 0 {
			return false, 0, false
		}
		other, _, ok := eventTimeOffset(f.Args[0], src, j)
		return other, ms.Int, ok
	}
	col, isCol := x.(*ColRef)
	switch {
	case !isCol:
		return false, 0, false
	case col.Join == nil && col.Field == src.EventTime:
		return false, 0, true
	case col.Join == j && col.Field == j.Table.EventTime:
		return true, 0, true
	}
	return false, 0, false
}

// streamJoinText describes a join of two streams for explain.
func streamJoinText(j *Join) string {
	kind := "INNER"
	switch {
	case j.Left && j.Right:
		kind = "FULL"
	case j.Left:
		kind = "LEFT"
	case j.Right:
		kind = "RIGHT"
	}
	return fmt.Sprintf("%s join of two streams: a row of %s meets a record at t when its event time is in [t - %dms, t + %dms]; rows are kept until the watermark passes the end of their interval",
		kind, j.Alias, j.Interval.Before, j.Interval.After)
}
