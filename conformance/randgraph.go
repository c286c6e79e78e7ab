// Random queries over queries: about 15% of the random queries become a chain (a random writer as a derived
// stream, CREATE STREAM d AS SELECT ..., then a random query over d; or, 30% of the time, the writer as a subquery
// in the reader's FROM) or a UNION ALL of two or three random
// stateless queries over the stream and the data set's other streams. They draw from generators of their own, so
// the other queries stay as they were.
//
// A writer is stateless (some of the stream's columns passed on, perhaps renamed, computed columns, a WHERE) or an
// EMIT FINAL aggregation (GROUP BY columns with few values, COUNT, SUM, MIN and MAX, perhaps per tumbling window
// with its start as a column). The reader is any random query over the derived stream's columns, as the generator
// describes them: a column passed on keeps its description (range, values), an aggregate gets one from its
// argument's; computed columns the generator cannot describe are written but not read. The derived stream's event
// time is the source's event-time column passed on unchanged, or the writer's window start: readers may window
// over it. The DuckDB twin is WITH d AS (writer) reader, the writer's columns cast to velocc's types so that the
// reader's arithmetic meets the same types in both engines; the CTE also passes rowid on, for window functions
// that order ties by it.
package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"

	"github.com/velocc/velocc/compiler"
)

// graphRand is the generator of query i's graph: its own stream, so that the other queries stay the same.
func graphRand(seed int64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x67726170+uint64(i)))
}

// graphQuery makes query i a chain or a UNION ALL about 15% of the time; nil keeps the query made before.
func (g *gen) graphQuery(seed int64, i int) *randomQuery {
	if len(g.schema.nest) > 0 {
		return nil // derived streams of nested data are not generated (their columns are access paths)
	}
	r := graphRand(seed, i)
	if r.IntN(100) >= 18 { // some attempts give up (no common type, no key): about 15% are made
		return nil
	}
	main, jr := g.r, g.jr
	g.r, g.jr = r, rand.New(rand.NewPCG(uint64(seed), 0x67726171+uint64(i)))
	defer func() { g.r, g.jr = main, jr }()
	if g.pct(35) {
		return g.union()
	}
	// The name differs between the queries of a run, so that every chain of a batch can share one job.
	return g.chain(fmt.Sprintf("d_%d_%d", seed, i))
}

// writer is a derived stream's query and how its columns look to a reader.
type writer struct {
	velocc, duckdb string
	schema         *schema
}

// chain is a random writer as the derived stream name and a random query reading it.
func (g *gen) chain(name string) *randomQuery {
	g.qual, g.joins, g.subq, g.cols, g.seq = "", nil, false, g.schema.cols, g.schema.seq
	var w *writer
	if g.pct(55) {
		w = g.statelessWriter(name)
	} else {
		w = g.finalWriter(name)
	}
	if w == nil {
		return nil
	}
	saved := g.schema
	g.schema, g.cols, g.seq = w.schema, w.schema.cols, w.schema.seq
	defer func() { g.schema, g.cols, g.seq = saved, saved.cols, saved.seq }()
	q := g.query()
	velocc, shape := "CREATE STREAM "+name+" AS "+w.velocc+";\n"+q.velocc, "chain+"
	if from := subqueryFrom(name); g.pct(30) && len(from.FindAllStringIndex(q.velocc, -1)) == 1 && !strings.Contains(q.velocc, "'"+name+".") {
		// The same chain written as a subquery in FROM: a derived stream named after its alias (the reader's, if
		// it gives one).
		m := from.FindStringSubmatch(q.velocc)
		alias := name
		if m[2] != "" {
			alias = m[2]
		}
		velocc, shape = from.ReplaceAllLiteralString(q.velocc, "FROM ("+w.velocc+") AS "+alias), "subquery+"
	}
	return &randomQuery{
		velocc: velocc,
		duckdb: "WITH " + name + " AS (" + w.duckdb + ")\n" + q.duckdb,
		shape:  shape + q.shape,
		types:  q.types,
	}
}

// subqueryFrom matches a reader's FROM of the derived stream name, with its alias if it has one (the generator writes
// aliases in lower case, keywords in upper case).
func subqueryFrom(name string) *regexp.Regexp {
	return regexp.MustCompile(`FROM ` + regexp.QuoteMeta(name) + `( (?:AS )?([a-z][a-z0-9_]*))?\b`)
}

// derivedSchema is the schema of the derived stream name with the columns cols, read by a reader of the source s.
func derivedSchema(s *schema, name string, cols []*rcol) *schema {
	d := &schema{src: name, cols: cols, all: cols, rows: s.rows, tsLo: s.tsLo, tsHi: s.tsHi, tables: s.tables}
	names := map[string]bool{}
	for _, c := range cols {
		names[strings.ToLower(strings.Trim(c.name, `"`))] = true
	}
	for _, t := range s.tables {
		for _, c := range t.cols {
			names[strings.ToLower(strings.Trim(c.name, `"`))] = true
		}
	}
	d.prefix = aliasPrefix(names)
	return d
}

// describeExpr describes a computed column for readers, or returns nil when the generator cannot (strings and
// times of unknown values, DOUBLEs the engines may compute a last bit apart, values without a bound).
func describeExpr(name string, e *expr) *rcol {
	c := &rcol{name: name, t: e.t, b: e.b, nullable: true}
	switch {
	case e.t.Kind == compiler.Bool:
		c.lowCard = true
	case e.t.IsNumeric() && !e.inexact && !math.IsInf(e.b, 0) && !math.IsNaN(e.b) && numFits(e.t, e.b, e.t.Prec):
	default:
		return nil
	}
	return c
}

// statelessWriter passes on some of the stream's columns (the event time and the record number more often than
// not), perhaps renamed, with up to two computed columns, perhaps under a WHERE.
func (g *gen) statelessWriter(name string) *writer {
	src := g.schema
	var vs, ds []string
	var cols []*rcol
	var evt, seq *rcol
	for _, c := range src.cols {
		keep := g.pct(40) || c == src.evt && g.pct(75) || c == src.seq && g.pct(70)
		if !keep {
			continue
		}
		alias := c.name
		if g.pct(20) {
			alias = sqlIdent("p_" + strings.Trim(c.name, `"`))
		}
		e := g.col(c)
		vs, ds = append(vs, e.v+" AS "+alias), append(ds, e.d+" AS "+alias)
		nc := *c
		nc.name, nc.rel, nc.dname = alias, "", ""
		cols = append(cols, &nc)
		if c == src.evt {
			evt = &nc
		}
		if c == src.seq {
			seq = &nc
		}
	}
	for k := range g.pick(3) {
		e := g.of(rowScope, g.anyCat(), 1+g.pick(2))
		if e == nil || e.t.Kind == compiler.Null {
			continue
		}
		alias := fmt.Sprintf("dx%d", k)
		vs = append(vs, e.v+" AS "+alias)
		ds = append(ds, "CAST("+e.d+" AS "+duckTypeName(e.t)+") AS "+alias)
		if c := describeExpr(alias, e); c != nil {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	w := &writer{velocc: "SELECT " + strings.Join(vs, ", ") + " FROM " + src.src,
		duckdb: "SELECT " + strings.Join(ds, ", ") + ", rowid AS rowid FROM " + src.src}
	if g.pct(60) {
		b := g.boolean(rowScope, 1+g.pick(2))
		w.velocc += " WHERE " + b.v
		w.duckdb += " WHERE " + b.d
	}
	w.schema = derivedSchema(src, name, cols)
	w.schema.evt, w.schema.seq = evt, seq
	w.schema.setSizes()
	return w
}

// finalWriter groups the stream by one or two of its columns with few values, perhaps per tumbling window, and
// writes COUNT(*) and some of SUM, MIN and MAX of its columns with EMIT FINAL.
func (g *gen) finalWriter(name string) *writer {
	src := g.schema
	var low []*rcol
	for _, c := range src.cols {
		if c.lowCard && c.t.Kind != compiler.Double {
			low = append(low, c)
		}
	}
	if len(low) == 0 {
		return nil
	}
	var keys []*rcol
	for range 1 + g.pick(2) {
		if k := pickOf(g, low); !containsCol(keys, k) {
			keys = append(keys, k)
		}
	}
	var vs, ds, gv, gd []string
	var cols []*rcol
	for i, k := range keys {
		e := g.col(k)
		alias := k.name
		if g.pct(30) {
			alias = fmt.Sprintf("gk%d", i)
		}
		vs, ds = append(vs, e.v+" AS "+alias), append(ds, e.d+" AS "+alias)
		gv, gd = append(gv, e.v), append(gd, e.d)
		nc := *k
		nc.name = alias
		cols = append(cols, &nc)
	}
	var evt *rcol
	window := ""
	if src.evt != nil && g.pct(40) {
		var sizes []int64
		for _, s := range src.sizes {
			if n := (src.evt.tsHi - src.evt.tsLo) / s; n >= 3 && n <= 200 {
				sizes = append(sizes, s)
			}
		}
		if len(sizes) > 0 {
			size := pickOf(g, sizes)
			window = " WINDOW TUMBLING(" + pickOf(g, sizeSpellings(size)) + ")"
			ms := "epoch_ms(" + g.col(src.evt).d + ")"
			vs = append(vs, "WINDOWSTART AS gws")
			ds = append(ds, fmt.Sprintf("epoch_ms(%s // %d * %d) AS gws", ms, size, size))
			gd = append(gd, fmt.Sprintf("%s // %d", ms, size))
			lo := src.evt.tsLo - src.evt.tsLo%size
			evt = &rcol{name: "gws", t: compiler.TTimestamp, tsLo: lo, tsHi: src.evt.tsHi, b: math.Max(math.Abs(float64(lo)), math.Abs(float64(src.evt.tsHi)))}
			cols = append(cols, evt)
		}
	}
	vs, ds = append(vs, "COUNT(*) AS ga0"), append(ds, "COUNT(*) AS ga0")
	cols = append(cols, &rcol{name: "ga0", t: compiler.TBigInt, b: src.rows})
	for i := 1; i <= 1+g.pick(3); i++ {
		c := pickOf(g, src.cols)
		alias := fmt.Sprintf("ga%d", i)
		e := g.col(c)
		switch {
		case g.pct(50) && (c.t.IsInteger() || c.t.Kind == compiler.Decimal) && !math.IsInf(c.b, 0):
			t := compiler.TBigInt
			if c.t.Kind == compiler.Decimal {
				t = compiler.Dec(compiler.MaxPrecision, c.t.Scale)
			}
			b := c.b * src.rows
			if !numFits(t, b, t.Prec) {
				continue
			}
			vs = append(vs, "SUM("+e.v+") AS "+alias)
			ds = append(ds, "CAST(SUM("+e.d+") AS "+duckTypeName(t)+") AS "+alias)
			cols = append(cols, &rcol{name: alias, t: t, b: b, nullable: true})
		case c.t.Kind != compiler.Double && c.t.Kind != compiler.Bool:
			// MIN and MAX are values of the column: its description holds.
			f := pickOf(g, []string{"MIN", "MAX"})
			vs = append(vs, f+"("+e.v+") AS "+alias)
			ds = append(ds, f+"("+e.d+") AS "+alias)
			nc := *c
			nc.name, nc.nullable = alias, true
			cols = append(cols, &nc)
		}
	}
	w := &writer{velocc: "SELECT " + strings.Join(vs, ", ") + " FROM " + src.src,
		duckdb: "SELECT " + strings.Join(ds, ", ") + " FROM " + src.src}
	if g.pct(40) {
		b := g.boolean(rowScope, 1+g.pick(2))
		w.velocc += " WHERE " + b.v
		w.duckdb += " WHERE " + b.d
	}
	w.velocc += " GROUP BY " + strings.Join(gv, ", ") + window + " EMIT FINAL"
	w.duckdb += " GROUP BY " + strings.Join(gd, ", ")
	w.schema = derivedSchema(src, name, cols)
	w.schema.rows = math.Max(1, src.rows)
	w.schema.evt = evt
	w.schema.setSizes()
	return w
}

func containsCol(cs []*rcol, c *rcol) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// union is a UNION ALL of two or three stateless queries, each over the stream or another stream of the data set,
// whose columns have types that unify (as DuckDB unifies them: the wider integer, a DECIMAL wide enough for both,
// DOUBLE over any DOUBLE).
func (g *gen) union() *randomQuery {
	main := g.schema
	defer func() { g.schema, g.cols, g.seq, g.qual = main, main.cols, main.seq, "" }()
	arms := []*schema{main, main}
	if len(main.others) > 0 && g.pct(65) {
		arms[1] = pickOf(g, main.others)
	}
	if g.pct(25) {
		arms = append(arms, pickOf(g, append([]*schema{main}, main.others...)))
	}
	use := func(s *schema) {
		g.schema, g.cols, g.seq, g.joins, g.subq = s, s.cols, s.seq, nil, false
		g.qual = ""
		if g.pct(15) {
			g.qual = s.src
		}
	}
	n := 1 + g.pick(4)
	exprs := make([][]*expr, len(arms))
	wheres := make([]*expr, len(arms))
	var cats []category
	for a, s := range arms {
		use(s)
		for i := 0; i < n; i++ {
			if a == 0 {
				cats = append(cats, g.anyCat())
			}
			var e *expr
			for try := 0; try < 6 && (e == nil || e.t.Kind == compiler.Null); try++ {
				if g.pct(30) {
					if cs := g.colsOf(cats[i]); len(cs) > 0 {
						e = g.col(pickOf(g, cs))
						continue
					}
				}
				e = g.of(rowScope, cats[i], 1+g.pick(2))
			}
			if e == nil || e.t.Kind == compiler.Null {
				return nil
			}
			exprs[a] = append(exprs[a], e)
		}
		if g.pct(70) {
			wheres[a] = g.boolean(rowScope, 1+g.pick(2))
		}
	}
	q := &randomQuery{shape: "union"}
	for i := 0; i < n; i++ {
		col := make([]*expr, len(arms))
		for a := range arms {
			col[a] = exprs[a][i]
		}
		t, ok := unify(col...)
		if !ok {
			return nil
		}
		q.types = append(q.types, t)
	}
	var vs, ds []string
	for a, s := range arms {
		var v, d []string
		for i, e := range exprs[a] {
			alias := main.prefix + fmt.Sprintf("u%d", i)
			v, d = append(v, e.v+" AS "+alias), append(d, e.d+" AS "+alias)
		}
		av := "SELECT " + strings.Join(v, ", ") + " FROM " + s.src
		ad := "SELECT " + strings.Join(d, ", ") + " FROM " + s.src
		if w := wheres[a]; w != nil {
			av += " WHERE " + w.v
			ad += " WHERE " + w.d
		}
		vs, ds = append(vs, av), append(ds, ad)
	}
	q.velocc = strings.Join(vs, "\nUNION ALL\n")
	q.duckdb = strings.Join(ds, "\nUNION ALL\n")
	return q
}
