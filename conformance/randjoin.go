// Random stream–table joins: a query of the random generator may LEFT or INNER join one or two of the data set's
// tables, on their whole key (a lookup), part of a compound key or another condition (a scan), or ON true against a
// small table, with the missing-row strategies nulls, skip and defaults. Its expressions then use the tables'
// columns as they use the stream's.
//
// On the DuckDB side the join is a derived table: the stream's columns under their own names, and each joined
// column as _<alias>_<column>, so that the rest of the DuckDB query reads one relation, as for a query without a
// join. A column of a join with defaults is CASE WHEN the join found no row THEN the default ELSE the column END
// there (a table's key columns are never NULL, so only a record without a match has a NULL key column).
package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/velocc/velocc/compiler"
)

// rtable is a table of the data set as the generator sees it.
type rtable struct {
	name  string  // as written in SQL
	key   []*rcol // the primary key's columns (also in cols)
	cols  []*rcol // the columns the generator can use
	small bool    // few rows: ON true and scans stay cheap
}

// rjoin is one join of the current query.
type rjoin struct {
	t        *rtable
	alias    string
	left     bool   // written LEFT JOIN
	missing  string // "" (the default for the join's kind), "nulls", "skip" or "defaults"
	onV, onD string
	cols     []*rcol         // t's columns as this join names them (rel and dname set)
	defaults map[*rcol]*expr // 'defaults': the literal of each column that has one
	order    []*rcol         // the columns of defaults, in the order they are written
	multi    bool            // a record may join several rows (ON does not fix the whole key)
}

// extends reports whether a record without a matching row goes on (with NULLs or defaults).
func (j *rjoin) extends() bool {
	if j.left {
		return j.missing != "skip"
	}
	return j.missing == "nulls" || j.missing == "defaults"
}

// tablesOf reads the data set's tables: their columns (described like the stream's) and keys.
func tablesOf(ds *Dataset, plan *compiler.Plan, s *schema) ([]*rtable, error) {
	var out []*rtable
	for _, dt := range ds.Tables {
		var src *compiler.Source
		for _, p := range plan.Sources {
			if p.IsTable && strings.EqualFold(p.Name, dt.Name) {
				src = p
			}
		}
		if src == nil {
			return nil, fmt.Errorf("table %s is not declared", dt.Name)
		}
		ts := *s
		ts.rows = float64(dt.Rows)
		t := &rtable{name: sqlIdent(src.Name), small: dt.Rows <= 20}
		byName := map[string]*Column{}
		for i := range dt.Columns {
			byName[strings.ToLower(dt.Columns[i].Name)] = &dt.Columns[i]
		}
		for _, f := range src.Fields {
			dc := byName[strings.ToLower(f.Name)]
			if dc == nil || dc.typ != f.Type || f.Type.Kind == compiler.Timestamp && f.TimeFormat == "epoch_seconds" {
				continue
			}
			c := &rcol{name: sqlIdent(f.Name), t: f.Type, nullable: true}
			if !ts.describe(c, dc) {
				continue
			}
			t.cols = append(t.cols, c)
			for _, k := range src.PrimaryKey {
				if k == f {
					t.key = append(t.key, c)
				}
			}
		}
		if len(t.key) != len(src.PrimaryKey) {
			continue // a key column the generator cannot use: no lookups; leave the table out
		}
		out = append(out, t)
	}
	return out, nil
}

// joinRand is the generator of a query's joins: its own stream, so that a query without a join is the same as
// before tables came to the data set.
func joinRand(seed int64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6a6f696e+uint64(i)))
}

// setupJoins joins one or two tables to the next query: the joined columns join g.cols, and the stream's columns
// are qualified (a table's key column has the stream column's name). It draws from g.r, which query has set to the
// join generator.
func (g *gen) setupJoins() {
	if g.qual == "" {
		g.qual = pickOf(g, []string{g.src, "r"})
	}
	stream := g.schema.cols
	g.cols = append([]*rcol(nil), stream...)
	n := 1
	if g.pct(25) {
		n = 2
	}
	for i := 0; i < n; i++ {
		j := g.join(pickOf(g, g.tables), fmt.Sprintf("j%d", i+1), stream)
		g.joins = append(g.joins, j)
		g.cols = append(g.cols, j.cols...)
		if j.multi {
			g.seq = nil // rows of one record differ only in their table columns: no arrival order among them
		}
	}
}

// join makes one join with t: its kind, ON condition and missing-row strategy. ON refers to the stream and t only.
func (g *gen) join(t *rtable, alias string, stream []*rcol) *rjoin {
	j := &rjoin{t: t, alias: alias, left: g.pct(60)}
	for _, c := range t.cols {
		jc := *c
		jc.rel, jc.dname = alias, "_"+alias+"_"+strings.Trim(c.name, `"`)
		j.cols = append(j.cols, &jc)
	}
	var key []*rcol
	for _, k := range t.key {
		for _, c := range j.cols {
			if c.name == k.name {
				key = append(key, c)
			}
		}
	}
	saved := g.cols
	g.inOn = true
	defer func() { g.cols, g.inOn = saved, false }()
	var conds []*expr
	switch n := g.pick(100); {
	case n < 20 && t.small:
		conds = append(conds, boolLit(true))
		j.multi = true
	case n < 35 && (t.small || len(key) > 1):
		// Part of a compound key, or none: every row the condition holds for joins.
		if len(key) > 1 {
			g.cols = stream
			if e := g.keyEq(key[0], stream, false); e != nil {
				conds = append(conds, e)
			}
		}
		if len(conds) == 0 || g.pct(50) {
			g.cols = append(append([]*rcol(nil), stream...), j.cols...)
			conds = append(conds, g.boolean(rowScope, 1+g.pick(2)))
		}
		j.multi = true
	default:
		g.cols = stream
		for _, k := range key {
			e := g.keyEq(k, stream, false)
			if e == nil {
				return g.join(t, alias, stream) // no stream value fits this key; try another kind of ON
			}
			conds = append(conds, e)
		}
		if g.pct(30) {
			g.cols = append(append([]*rcol(nil), stream...), j.cols...)
			conds = append(conds, g.boolean(rowScope, 1))
		}
	}
	g.r.Shuffle(len(conds), func(a, b int) { conds[a], conds[b] = conds[b], conds[a] })
	var vs, ds []string
	for _, c := range conds {
		vs, ds = append(vs, c.v), append(ds, c.d)
	}
	j.onV, j.onD = strings.Join(vs, " AND "), strings.Join(ds, " AND ")
	switch n := g.pick(100); {
	case n < 15:
		j.missing = "nulls"
	case n < 30:
		j.missing = "skip"
	case n < 50:
		j.missing = "defaults"
		j.defaults = map[*rcol]*expr{}
		for k := 0; k < 1+g.pick(3); k++ {
			c := pickOf(g, j.cols)
			if j.defaults[c] == nil {
				j.defaults[c] = g.defaultOf(c)
				j.order = append(j.order, c)
			}
		}
	}
	return j
}

// keyEq is the equality of key column k with a value of the stream: a column of the same name, or another of the
// same kind, or now and then an expression.
//
// exact asks for the key's own type: velocc takes only such an equality as fixing a key column of a scalar
// subquery (an INT key = a BIGINT value is a compile error there).
func (g *gen) keyEq(k *rcol, stream []*rcol, exact bool) *expr {
	var same, like []*rcol
	for _, c := range stream {
		switch {
		case c.name == k.name && catOf(c.t) == catOf(k.t):
			same = append(same, c)
		case c.t == k.t || k.t.IsInteger() && c.t.IsInteger():
			like = append(like, c)
		}
	}
	var x *expr
	switch {
	case len(same) > 0 && g.pct(85):
		x = g.col(same[0])
	case len(like) > 0 && g.pct(80):
		x = g.col(pickOf(g, like))
	case k.t.Kind == compiler.Varchar:
		x = g.str(rowScope, 1)
	case k.t.IsInteger():
		x = g.arith("%", g.num(rowScope, 1), intLit(int64(2+g.pick(8))))
	}
	if x == nil || x.t.Kind == compiler.Null {
		return nil
	}
	if k.t.IsInteger() && !x.t.IsInteger() || k.t.Kind == compiler.Varchar && x.t.Kind != compiler.Varchar || exact && x.t != k.t {
		return nil
	}
	kc := g.col(k)
	if g.pct(50) {
		return &expr{t: compiler.TBool, v: "(" + x.v + " = " + kc.v + ")", d: "(" + x.d + " = " + kc.d + ")", flags: x.flags.with(kc.flags)}
	}
	return &expr{t: compiler.TBool, v: "(" + kc.v + " = " + x.v + ")", d: "(" + kc.d + " = " + x.d + ")", flags: x.flags.with(kc.flags)}
}

// defaultOf is a default for column c of a join: a literal of its type within its range.
func (g *gen) defaultOf(c *rcol) *expr {
	switch c.t.Kind {
	case compiler.Varchar:
		s := pickOf(g, []string{"UNKNOWN", "", "n/a"})
		if len(c.values) > 0 && g.pct(40) {
			s = pickOf(g, c.values)
		}
		return &expr{t: c.t, v: sqlString(s), d: sqlString(s)}
	case compiler.Bool:
		b := g.pct(50)
		return &expr{t: c.t, v: sqlString(fmt.Sprint(b)), d: fmt.Sprint(b)}
	case compiler.Int, compiler.BigInt:
		v := int64(g.pick(int(math.Min(c.b, 100)) + 1))
		if g.pct(30) {
			v = -v
		}
		if v < 0 || g.pct(50) {
			return &expr{t: c.t, v: sqlString(fmt.Sprint(v)), d: fmt.Sprint(v), b: float64(v)}
		}
		return &expr{t: c.t, v: fmt.Sprint(v), d: fmt.Sprint(v), b: float64(v)}
	case compiler.Decimal:
		whole := g.pick(int(math.Min(c.b, 9)) + 1)
		s := fmt.Sprint(whole)
		if c.t.Scale > 0 {
			s = fmt.Sprintf("%d.%0*d", whole, c.t.Scale, g.pick(10))
			if float64(whole)+1 > c.b {
				s = fmt.Sprintf("0.%0*d", c.t.Scale, 1)
			}
		}
		return &expr{t: c.t, v: sqlString(s), d: s}
	case compiler.Double:
		return &expr{t: c.t, v: "'0.5'", d: "0.5"}
	case compiler.Timestamp:
		ms := c.tsLo
		return &expr{t: c.t, v: sqlString(fmt.Sprint(ms)), d: fmt.Sprintf("epoch_ms(%d)", ms)}
	}
	return &expr{t: c.t, v: "NULL", d: "NULL"}
}

// joinsV is the velocc text of the joins, after the stream in FROM.
func (g *gen) joinsV() string {
	var b strings.Builder
	for _, j := range g.joins {
		kind := "JOIN"
		switch {
		case j.left:
			kind = pickOf(g, []string{"LEFT JOIN", "LEFT JOIN", "LEFT OUTER JOIN"})
		case g.pct(30):
			kind = "INNER JOIN"
		}
		as := pickOf(g, []string{" AS ", " "})
		fmt.Fprintf(&b, " %s %s%s%s ON %s", kind, j.t.name, as, j.alias, j.onV)
	}
	return b.String()
}

// withV is the query's WITH clause for the joins' strategies, or "".
func (g *gen) withV() string {
	var ps []string
	for _, j := range g.joins {
		if j.missing == "" {
			continue
		}
		owner := j.alias
		if g.pct(30) && g.onlyJoinOf(j.t) {
			owner = strings.Trim(j.t.name, `"`)
		}
		ps = append(ps, fmt.Sprintf("'%s.join.missing' = '%s'", owner, j.missing))
		for _, c := range j.order {
			ps = append(ps, fmt.Sprintf("'%s.join.default.%s' = %s", owner, strings.Trim(c.name, `"`), j.defaults[c].v))
		}
	}
	if len(ps) == 0 {
		return ""
	}
	return " WITH (" + strings.Join(ps, ", ") + ")"
}

// onlyJoinOf reports whether the query joins t once (so the table's name can own its properties).
func (g *gen) onlyJoinOf(t *rtable) bool {
	n := 0
	for _, j := range g.joins {
		if j.t == t {
			n++
		}
	}
	return n == 1
}

// relD is the DuckDB relation the query reads: the source, or the derived table of its joins (see the file's
// comment), to be aliased by fromD.
func (g *gen) relD() string {
	if len(g.joins) == 0 && g.unnestD != "" {
		// The rows of the UNNEST (randnest.go), the element a column of them.
		from := g.src
		if g.qual == "r" {
			from += " AS r"
		}
		return "(SELECT * FROM " + from + g.unnestD + ")"
	}
	if len(g.joins) == 0 {
		return g.src
	}
	q := g.qual
	from := g.src
	if q == "r" {
		from += " AS r"
	}
	sel := []string{q + ".*"}
	for _, j := range g.joins {
		for _, c := range j.cols {
			col := j.alias + "." + c.name
			if d := j.defaults[c]; d != nil {
				col = fmt.Sprintf("CASE WHEN %s.%s IS NULL THEN CAST(%s AS %s) ELSE %s END", j.alias, j.t.key[0].name, d.d, duckTypeName(c.t), col)
			}
			sel = append(sel, col+" AS "+c.dname)
		}
		kind := "JOIN"
		if j.extends() {
			kind = "LEFT JOIN"
		}
		from += fmt.Sprintf(" %s %s AS %s ON %s", kind, j.t.name, j.alias, j.onD)
	}
	return "(SELECT " + strings.Join(sel, ", ") + " FROM " + from + ")"
}

// subquery is a subquery over a table, as a leaf of category c in a record's context: for BOOLEAN,
// x [NOT] IN (SELECT col FROM tbl [WHERE ...]) or [NOT] EXISTS (SELECT 1 FROM tbl WHERE <key parts> [AND ...]);
// otherwise a scalar (SELECT col FROM tbl WHERE <the whole key> [AND ...]), NULL when no row matches. Both
// dialects spell it alike: the table's columns by the subquery's alias, the stream's by the query's qualifier.
// It is nil when no table has what it needs.
func (g *gen) subquery(c category) *expr {
	t := pickOf(g, g.tables)
	alias := fmt.Sprintf("s%d", g.nsub)
	g.nsub++
	from := t.name + pickOf(g, []string{" AS ", " "}) + alias
	if g.pct(20) && !g.joins2(t) {
		alias, from = t.name, t.name // the table's own name qualifies its columns
	}
	var cols []*rcol
	for _, tc := range t.cols {
		sc := *tc
		sc.rel = alias
		cols = append(cols, &sc)
	}
	saved, savedIn := g.cols, g.inOn
	g.inOn, g.insub = true, true
	defer func() { g.cols, g.inOn, g.insub = saved, savedIn, false }()
	stream := g.schema.cols
	var key []*expr
	for _, k := range t.key {
		for _, sc := range cols {
			if sc.name == k.name {
				g.cols = stream
				if e := g.keyEq(sc, stream, true); e != nil {
					key = append(key, e)
				}
			}
		}
	}
	extra := func(p int) []*expr {
		if !g.pct(p) {
			return nil
		}
		g.cols = append(append([]*rcol(nil), stream...), cols...)
		return []*expr{g.boolean(rowScope, 1)}
	}
	where := func(conds []*expr) (string, string) {
		if len(conds) == 0 {
			return "", ""
		}
		var vs, ds []string
		for _, e := range conds {
			vs, ds = append(vs, e.v), append(ds, e.d)
		}
		return " WHERE " + strings.Join(vs, " AND "), " WHERE " + strings.Join(ds, " AND ")
	}
	pick := func(cat category) *rcol {
		var of []*rcol
		for _, sc := range cols {
			if catOf(sc.t) == cat && sc.t.Kind != compiler.Double {
				of = append(of, sc)
			}
		}
		if len(of) == 0 {
			return nil
		}
		return pickOf(g, of)
	}
	if c != catBool {
		v := pick(c)
		if v == nil || len(key) != len(t.key) {
			return nil
		}
		wv, wd := where(append(key, extra(30)...))
		return &expr{t: v.t, dw: v.t.Prec, b: v.b, v: fmt.Sprintf("(SELECT %s.%s FROM %s%s)", alias, v.name, from, wv),
			d: fmt.Sprintf("(SELECT %s.%s FROM %s%s)", alias, v.name, from, wd), flags: flags{ref: true}}
	}
	not := ""
	if g.pct(40) {
		not = "NOT "
	}
	if g.pct(50) && len(key) > 0 {
		// EXISTS over some of the key's columns (all of them: a lookup), and perhaps more.
		n := 1 + g.pick(len(key))
		wv, wd := where(append(key[:n], extra(40)...))
		return &expr{t: compiler.TBool, v: fmt.Sprintf("(%sEXISTS (SELECT 1 FROM %s%s))", not, from, wv),
			d: fmt.Sprintf("(%sEXISTS (SELECT 1 FROM %s%s))", not, from, wd), flags: flags{ref: true}}
	}
	v := pick(pickOf(g, []category{catStr, catStr, catNum, catNum, catTime, catBool}))
	if v == nil {
		return nil
	}
	g.cols = stream
	x := g.of(rowScope, catOf(v.t), 1)
	switch {
	case x == nil || x.t.Kind == compiler.Null:
		return nil
	case v.t.IsInteger() && x.t.IsInteger(), v.t.Kind == x.t.Kind && v.t.Kind != compiler.Decimal && v.t.Kind != compiler.Double:
	case v.t.Kind == compiler.Decimal && x.t == v.t:
	default:
		return nil
	}
	wv, wd := where(extra(40))
	g.cols = saved
	col := alias + "." + v.name
	return &expr{t: compiler.TBool, v: fmt.Sprintf("(%s %sIN (SELECT %s FROM %s%s))", x.v, not, col, from, wv),
		d: fmt.Sprintf("(%s %sIN (SELECT %s FROM %s%s))", x.d, not, col, from, wd), flags: x.flags.with(flags{ref: true})}
}

// joins2 reports whether the query joins t (a subquery over it then needs an alias of its own).
func (g *gen) joins2(t *rtable) bool {
	for _, j := range g.joins {
		if j.t == t {
			return true
		}
	}
	return false
}
