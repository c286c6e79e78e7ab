// Random queries with window functions (OVER): one PARTITION BY and the event time as ORDER BY, shared by every
// function of the query, as velocc requires; each function with its own frame. velocc hands rows to their
// partition in event-time order and keeps arrival order among rows of equal time, so the DuckDB side orders
// row-position functions (ROW_NUMBER, LAG, LEAD, ROWS frames) by (time, position in the file) and peer functions (RANK,
// DENSE_RANK, RANGE frames) by time alone. The data set's jitter is within the watermark's out-of-orderness, so no
// record is late.
package conformance

import (
	"fmt"
	"strings"

	"github.com/velocc/velocc/compiler"
)

// over makes a query with one to four window functions, perhaps with WHERE.
func (g *gen) over() *randomQuery {
	q := &randomQuery{shape: "over"}
	var partV, partD []string
	for range g.pick(3) {
		k := g.key()
		if k.t.Kind == compiler.Double {
			// DuckDB writes -0.0 as 0.0 in a column it partitions by (SELECT CAST(x AS VARCHAR) ... OVER
			// (PARTITION BY x) gives '0.0' for x = -0.0), velocc keeps the value: no DOUBLE partitions.
			continue
		}
		partV, partD = append(partV, k.v), append(partD, k.d)
	}
	ev := g.col(g.evt)
	seq := g.col(g.seq)
	pv, pd := "", ""
	if len(partV) > 0 {
		pv = "PARTITION BY " + strings.Join(partV, ", ") + " "
		pd = "PARTITION BY " + strings.Join(partD, ", ") + " "
	}
	// Ties of equal time are broken by the record's position in the file (rowid): a duplicate record repeats the
	// record-number column, and DuckDB's window operators may order such twins differently from each other.
	o := overClauses{v: pv + "ORDER BY " + ev.v, rows: pd + "ORDER BY " + ev.d + ", rowid", peers: pd + "ORDER BY " + ev.d}
	vs := []string{seq.v + " AS " + g.alias("id", 0)}
	ds := []string{seq.d + " AS " + g.alias("id", 0)}
	q.types = append(q.types, g.seq.t)
	for i := range 1 + g.pick(4) {
		var e *expr
		for e == nil {
			e = g.overFunc(o)
		}
		a := g.alias("o", i)
		vs = append(vs, e.v+" AS "+a)
		ds = append(ds, e.d+" AS "+a)
		q.types = append(q.types, e.t)
	}
	q.velocc = "SELECT " + strings.Join(vs, ", ") + " FROM " + g.fromV()
	q.duckdb = "SELECT " + strings.Join(ds, ", ") + " FROM " + g.fromD(g.src)
	if g.pct(40) {
		w := g.boolean(rowScope, 1+g.pick(2))
		q.velocc += " WHERE " + w.v
		q.duckdb += " WHERE " + w.d
	}
	return q
}

// overClauses is a query's OVER clause in velocc, and in DuckDB ordered for row-position functions and for peer
// functions.
type overClauses struct{ v, rows, peers string }

// overFunc makes one window function call, or nil when the expression drawn does not suit it.
func (g *gen) overFunc(o overClauses) *expr {
	win := func(fv, fd, frameV, frameD string, peers bool, t compiler.Type, b float64) *expr {
		od := o.rows
		if peers {
			od = o.peers
		}
		return &expr{t: t, v: fmt.Sprintf("%s OVER (%s%s)", fv, o.v, frameV), d: fmt.Sprintf("%s OVER (%s%s)", fd, od, frameD), b: b}
	}
	switch n := g.pick(100); {
	case n < 8:
		return win("ROW_NUMBER()", "row_number()", "", "", false, compiler.TBigInt, g.rows)
	case n < 16:
		fn := pickOf(g, []string{"RANK", "DENSE_RANK"})
		return win(fn+"()", strings.ToLower(fn)+"()", "", "", true, compiler.TBigInt, g.rows)
	case n < 38:
		x := g.of(rowScope, g.anyCat(), 1)
		if x.t.Kind == compiler.Null {
			return nil
		}
		fn := pickOf(g, []string{"LAG", "LEAD"})
		args := x.v
		argsD := x.d
		if g.pct(60) {
			off := fmt.Sprint(g.pick(4))
			args, argsD = args+", "+off, argsD+", "+off
			if x.t.Kind == compiler.BigInt && g.pct(50) {
				args, argsD = args+", -1", argsD+", -1"
			}
		}
		return win(fn+"("+args+")", strings.ToLower(fn)+"("+argsD+")", "", "", false, x.t, x.b)
	case n < 48:
		x := g.of(rowScope, g.anyCat(), 1)
		if x.t.Kind == compiler.Null {
			return nil
		}
		fn := pickOf(g, []string{"FIRST_VALUE", "LAST_VALUE"})
		fv, fd := g.rowsFrame(false)
		return win(fn+"("+x.v+")", strings.ToLower(fn)+"("+x.d+")", fv, fd, false, x.t, x.b)
	}
	return g.overAgg(win)
}

// rowsFrame is a ROWS frame in velocc and DuckDB; ending before the current row only when ends is true.
func (g *gen) rowsFrame(ends bool) (string, string) {
	var f string
	switch n := g.pick(100); {
	case n < 30:
		f = fmt.Sprintf(" ROWS BETWEEN %d PRECEDING AND CURRENT ROW", g.pick(6))
	case n < 50:
		f = " ROWS UNBOUNDED PRECEDING"
	case n < 80 && ends:
		a := 1 + g.pick(5)
		f = fmt.Sprintf(" ROWS BETWEEN %d PRECEDING AND %d PRECEDING", a+g.pick(10), a)
	case ends:
		f = fmt.Sprintf(" ROWS BETWEEN UNBOUNDED PRECEDING AND %d PRECEDING", 1+g.pick(3))
	default:
		f = " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
	}
	return f, f
}

// overAgg makes an aggregate over a frame: the default (every row so far with the current row's peers), a ROWS
// frame, or a RANGE frame of a few seconds.
func (g *gen) overAgg(win func(fv, fd, frameV, frameD string, peers bool, t compiler.Type, b float64) *expr) *expr {
	var frameV, frameD string
	peers := false
	switch n := g.pick(100); {
	case n < 25:
		peers = true
	case n < 40:
		s := 1 + g.pick(10)
		frameV = fmt.Sprintf(" RANGE BETWEEN INTERVAL '%d' SECOND PRECEDING AND CURRENT ROW", s)
		frameD = frameV
		peers = true
	default:
		frameV, frameD = g.rowsFrame(true)
	}
	agg := func(fv, fd string, x *expr, t compiler.Type, b float64) *expr {
		return win(fv+"("+x.v+")", fd+"("+x.d+")", frameV, frameD, peers, t, b)
	}
	switch n := g.pick(100); {
	case n < 10:
		return win("COUNT(*)", "count(*)", frameV, frameD, peers, compiler.TBigInt, g.rows)
	case n < 20:
		return agg("COUNT", "count", g.of(rowScope, g.anyCat(), 1), compiler.TBigInt, g.rows)
	case n < 50:
		x := g.num(rowScope, 1)
		switch x.t.Kind {
		case compiler.Int, compiler.BigInt:
			if x.b*g.rows > 4e18 {
				return nil
			}
			// SUM of integers is BIGINT in velocc, HUGEINT in DuckDB: bounded, the two agree.
			e := agg("SUM", "sum", x, compiler.TBigInt, x.b*g.rows)
			if e != nil {
				e.d = "CAST(" + e.d + " AS BIGINT)"
			}
			return e
		case compiler.Decimal:
			if !decFits(x.b*g.rows, x.t.Scale, 38, 38) {
				return nil
			}
			e := agg("SUM", "sum", x, compiler.Dec(38, x.t.Scale), x.b*g.rows)
			if e != nil {
				e.dw = 38
			}
			return e
		}
		return agg("SUM", "sum", x, compiler.TDouble, x.b*g.rows)
	case n < 65:
		x := g.num(rowScope, 1)
		if x.t.Kind == compiler.Decimal {
			return nil // AVG(DECIMAL) is exact in velocc; see aggOnce for the rule DuckDB would need
		}
		return agg("AVG", "avg", x, compiler.TDouble, x.b)
	case n < 85:
		c := pickOf(g, []category{catNum, catNum, catStr, catTime})
		x := g.of(rowScope, c, 1)
		if x.t.Kind == compiler.Null || x.t.Kind == compiler.Bool {
			return nil
		}
		fn := pickOf(g, []string{"MIN", "MAX"})
		return agg(fn, strings.ToLower(fn), x, x.t, x.b)
	}
	x := g.num(rowScope, 1)
	if !dblSafe(x) || illConditioned(x) {
		return nil
	}
	fv := pickOf(g, []string{"STDDEV", "STDDEV_POP", "VARIANCE", "VAR_POP"})
	fd := map[string]string{"STDDEV": "stddev_samp", "STDDEV_POP": "stddev_pop", "VARIANCE": "var_samp", "VAR_POP": "var_pop"}[fv]
	b := 2 * x.b
	if strings.HasPrefix(fv, "VAR") {
		b = 4 * x.b * x.b
	}
	return agg(fv, fd, x, compiler.TDouble, b)
}
