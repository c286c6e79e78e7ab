// Lowering: the facts codegen needs about a checked plan, computed once after checking so that codegen only
// emits (as protoc-gen-go precomputes a message's flags before generating it): each query's kind, whether it can
// split its input among workers, whether it rejects records, the nullability of keys and output columns, and which
// keys own strings.
package compiler

import (
	"fmt"
	"strconv"
)

// QueryKind is the shape of operator a query compiles to.
type QueryKind uint8

// Query kinds.
const (
	Stateless QueryKind = iota // filters and projects each record
	Grouped                    // aggregates into groups (GROUP BY or aggregates without a window)
	Windowed                   // aggregates into groups per event-time window
	Windowing                  // computes window functions (OVER) per partition
)

// lower fills in the derived facts of every query of p.
func lower(p *Plan) {
	markUsed(p)
	lockGroups(p) // graph.go
	// A column of a stream that queries write and read can be NULL when some writer's can. When every writer
	// comes before every reader, the writers are lowered first and say so; otherwise the columns stay nullable.
	index := map[*Query]int{}
	for i, q := range p.Queries {
		index[q] = i
	}
	for _, s := range p.Streams {
		last := 0
		for _, w := range s.Writers {
			last = max(last, index[w])
		}
		ordered := true
		for _, r := range p.Readers(s) {
			ordered = ordered && index[r] > last
		}
		for _, f := range s.Fields {
			f.Nullable = !ordered
		}
	}
	for _, q := range p.Queries {
		switch {
		case q.Over != nil:
			q.Kind = Windowing
			for _, k := range q.Over.Partition {
				k.Nullable = Nullable(k.Expr)
			}
			q.Admit = q.Over.Time != nil && Nullable(q.Over.Time)
		case !q.Grouped:
			q.Kind = Stateless
		case q.Window != nil:
			q.Kind = Windowed
		default:
			q.Kind = Grouped
		}
		for _, k := range q.Keys {
			k.Nullable = Nullable(k.Expr)
			q.OwnsKeys = q.OwnsKeys || k.Expr.Type().Kind == Varchar || k.Expr.Type().IsNested()
		}
		q.StringKey = q.Grouped && len(q.Keys) == 1 && q.Keys[0].Expr.Type().Kind == Varchar
		q.Admit = q.Admit || q.Window != nil && Nullable(q.Window.Time) || q.TTLTime != nil && Nullable(q.TTLTime)
		q.Follows = q.Window != nil && FollowsJoin(q.Source)
		q.Serial = serialReason(q)
		if len(q.Source.Writers) > 0 {
			q.Serial = fmt.Sprintf("query %s reads the stream %s, which queries of the job write as they run", q.Name, q.Source.Name)
		} else if s := p.Feeds(q); s != nil {
			q.Serial = fmt.Sprintf("query %s writes the stream %s, which later queries read", q.Name, s.Name)
		}
		q.StageWhere = stageWhere(q)
		for _, c := range q.Columns {
			// A retraction writes the columns that read accumulators as NULL.
			c.Nullable = Nullable(c.Expr) || q.Sink.Retracts && readsAgg(c.Expr)
		}
		if s := p.Feeds(q); s != nil {
			for i, c := range q.Columns {
				s.Fields[i].Nullable = s.Fields[i].Nullable || c.Nullable
			}
		}
		lowerOrder(q)
		q.Changelog = changelogged(p, q)
	}
	// A query that passes a join's rows on towards a window relays the join's output watermark (FollowsJoin).
	for i := len(p.Queries) - 1; i >= 0; i-- {
		q := p.Queries[i]
		if s := p.Feeds(q); s != nil && !joinsStreams(q) {
			for _, r := range p.Readers(s) {
				q.Relays = q.Relays || r.Follows || r.Relays
			}
		}
	}
	// A column of a sink that several queries write can be NULL if any of them writes NULL there.
	for _, q := range p.Queries {
		for i, c := range q.Columns {
			if c.Nullable && i < len(q.Sink.Columns) {
				q.Sink.Columns[i].Nullable = true
			}
		}
	}
}

// changelogged reports whether the state of q goes to a changelog topic when it reads Kafka (rt.Changelog): an
// aggregation without a window or with tumbling windows, reading a Kafka stream of its own (not a stream that
// queries write, not records that meet another source's, without 'changelog.enabled' = 'false'), whose state
// stays in memory. Other state is rebuilt
// by replaying the input from the offsets it still needs.
func changelogged(p *Plan, q *Query) bool {
	s := q.Source
	if s.Type != "kafka_source" || s.IsTable || len(s.Writers) > 0 || s.Lock != 0 || p.StateOverflow == "spill" {
		return false
	}
	if v, ok := s.Options["changelog.enabled"]; ok {
		if on, _ := strconv.ParseBool(v); !on {
			return false
		}
	}
	if q.Table != nil || q.TTL > 0 || len(q.Joins) > 0 && q.Joins[0].Stream {
		return false
	}
	switch q.Kind {
	case Grouped:
		return true
	case Windowed:
		return q.Window.Kind == Tumbling && q.Window.Late != LateUpdatePrevious
	}
	return false
}

// serialReason says why q cannot split its input among workers (partial results merged at the end), or "".
func serialReason(q *Query) string {
	if len(q.Joins) > 0 && q.Joins[0].Stream {
		return fmt.Sprintf("query %s joins two streams, whose rows meet in one place", q.Name)
	}
	if len(q.Joins) > 0 {
		return fmt.Sprintf("query %s joins tables, which one goroutine keeps", q.Name)
	}
	switch q.Kind {
	case Stateless:
		return fmt.Sprintf("query %s writes its rows as records arrive, in input order", q.Name)
	case Windowed:
		return fmt.Sprintf("query %s is windowed: its windows close as event time passes", q.Name)
	case Windowing:
		return fmt.Sprintf("query %s computes window functions, which see every row of a partition in order", q.Name)
	}
	if q.Emit != EmitFinal {
		return fmt.Sprintf("query %s emits changes as records arrive", q.Name)
	}
	for _, a := range q.Aggs {
		if a.Distinct {
			return fmt.Sprintf("query %s has %s(DISTINCT ...)", q.Name, a.Name)
		}
	}
	return ""
}

// Nullable reports whether e can be NULL. It is exact for columns, constants and the NULL-aware forms, and
// conservative elsewhere: division and modulo are NULL when the divisor is zero, a function of the OrNull form
// when it says so.
func Nullable(e Expr) bool {
	switch x := e.(type) {
	case *ColRef:
		return x.Field.Nullable || x.Outer || x.Join != nil && x.Join.Extends() && x.Join.FillNull(x.Field)
	case *Const:
		return x.Null
	case *Unary:
		return Nullable(x.X)
	case *Binary:
		if x.Op == OpDiv || x.Op == OpMod {
			return true
		}
		return Nullable(x.L) || Nullable(x.R)
	case *IsNull:
		return false
	case *In:
		return anyNullable(append([]Expr{x.X}, x.List...))
	case *Like:
		return Nullable(x.X) || Nullable(x.Pattern)
	case *Case:
		for _, w := range x.Whens {
			if Nullable(w.Then) {
				return true
			}
		}
		return Nullable(x.Else)
	case *Cast:
		return Nullable(x.X)
	case *NestedCast:
		return Nullable(x.X)
	case *Func:
		switch f := x.Impl.Form; {
		case f == FormConcat || f == FormDistinct || f == FormNotDistinct:
			return false
		case f == FormCoalesce || f == FormLeast || f == FormGreatest:
			return allNullable(x.Args)
		case f == FormConcatWS:
			return Nullable(x.Args[0])
		case f == FormOrNull || f == FormOrNullError:
			return true
		}
		return anyNullable(x.Args)
	case *AggRef:
		return x.Agg.Impl.ResultForm != ResultPlain
	case *KeyRef:
		return x.Key.Nullable
	case *WindowBound, *Construct:
		return false
	case *Sub:
		return x.Kind != SubExists && !(x.Kind == SubAgg && x.Agg == "COUNT")
	case *Exact:
		return true
	case *WinRef:
		switch x.Fn.Kind {
		case WinRowNumber, WinRank, WinDenseRank, WinPercentRank, WinCumeDist, WinNtile:
			return false
		case WinAgg:
			return x.Fn.Agg.Impl.ResultForm != ResultPlain
		}
		return true
	}
	return true
}

// readsAgg reports whether a group expression reads an accumulator.
func readsAgg(e Expr) bool {
	found := false
	visitExpr(e, func(x Expr) {
		if _, ok := x.(*AggRef); ok {
			found = true
		}
	})
	return found
}

func anyNullable(xs []Expr) bool {
	for _, x := range xs {
		if Nullable(x) {
			return true
		}
	}
	return false
}

func allNullable(xs []Expr) bool {
	for _, x := range xs {
		if !Nullable(x) {
			return false
		}
	}
	return true
}

// stageWhere splits the WHERE of a query with joins by the last join each conjunct reads, so that a record is
// dropped as early as it can be: a condition on the record alone before any lookup, one on the first table's
// columns before the second lookup. nil for a query without joins or WHERE.
func stageWhere(q *Query) []Expr {
	if len(q.Joins) == 0 || q.Where == nil {
		return nil
	}
	stages := make([]Expr, len(q.Joins)+1)
	// In a RIGHT or FULL join of two streams, a record that WHERE drops could have met rows of the other stream,
	// which would then come out alone: its conditions are tested after the join, as SQL says.
	first := 0
	if q.Joins[0].Stream && q.Joins[0].Right {
		first = 1
	}
	for _, c := range conjuncts(q.Where) {
		k := first
		visitExpr(c, func(e Expr) {
			if r, ok := e.(*ColRef); ok && r.Join != nil && r.Join.Index <= len(q.Joins) && q.Joins[r.Join.Index-1] == r.Join {
				k = max(k, r.Join.Index)
			}
		})
		if stages[k] == nil {
			stages[k] = c
		} else {
			stages[k] = &Binary{Op: OpAnd, L: stages[k], R: c, T: TBool}
		}
	}
	return stages
}
