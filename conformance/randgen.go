// The random query generator: typed expression trees over a data set's columns, each rendered twice, as a velocc
// query and as the DuckDB query that computes the same values under velocc's rules (docs/sql.md).
//
// Every expression is built bottom-up with its velocc type, the precision DuckDB gives it (for DECIMAL), and a
// bound on its magnitude taken from the data set's column ranges, so that a generated query compiles and cannot
// overflow on the data. Where velocc deliberately differs from DuckDB (docs/sql.md, "Deliberate differences"), the
// DuckDB side spells out velocc's rule: exact DECIMAL division and AVG(DECIMAL) are computed in 128-bit integers,
// division and modulo by zero go through NULLIF, SUM of integers is cast back to BIGINT, EXTRACT(EPOCH) floors the
// epoch milliseconds, and TIMESTAMP values are converted with epoch_ms and strftime. Everything else is left as
// it is, so that any other difference shows up as a failure.
package conformance

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/velocc/velocc/compiler"
)

// RandomCases composes n random query pairs over the data set's source: stateless filters and projections,
// grouped aggregations with EMIT FINAL, tumbling-window aggregations, and window functions (randover.go), some of
// them joining the data set's tables (randjoin.go), some of them chains of two queries or UNION ALLs
// (randgraph.go). The same seed gives the same cases.
func RandomCases(ds *Dataset, seed int64, n int) []*Case {
	_, file, line, _ := runtime.Caller(0)
	qs, err := randomQueries(ds, seed, n)
	if err != nil {
		return []*Case{{File: file, Line: line, Name: fmt.Sprintf("random_%d_setup", seed),
			Velocc: "-- " + err.Error(), DuckDB: "SELECT 1"}}
	}
	cases := make([]*Case, len(qs))
	for i, q := range qs {
		cases[i] = &Case{File: file, Line: line, Name: q.name, Velocc: q.velocc, DuckDB: q.duckdb}
	}
	return cases
}

// randomQuery is one generated query pair, with the velocc types the generator expects for its output columns.
type randomQuery struct {
	name           string
	velocc, duckdb string
	shape          string          // "project", "group", "global", "window" or "over"; "+join", "+sub": joins, subqueries; "chain+SHAPE" (the reader's), "union"
	types          []compiler.Type // expected velocc output types, in SELECT order
}

// randomQueries generates the query pairs behind RandomCases.
func randomQueries(ds *Dataset, seed int64, n int) ([]*randomQuery, error) {
	g, err := newGen(ds, seed)
	if err != nil {
		return nil, err
	}
	qs := make([]*randomQuery, n)
	for i := range qs {
		g.jr = joinRand(seed, i)
		qs[i] = g.query()
		if q := g.graphQuery(seed, i); q != nil { // randgraph.go
			qs[i] = q
		}
		qs[i].name = fmt.Sprintf("random_%d_%d", seed, i)
		if len(g.schema.nest) > 0 {
			qs[i].name = fmt.Sprintf("random_nested_%d_%d", seed, i) // random_nested.dataset
		}
	}
	return qs, nil
}

// rcol is a source column as the generator sees it: its type and the range of its generated values.
type rcol struct {
	name     string // as written in SQL (quoted when needed)
	t        compiler.Type
	b        float64 // largest magnitude of a value (TIMESTAMP: of its epoch milliseconds)
	nullable bool
	values   []string // VARCHAR: the values of a choice column, for literals that match rows
	alphabet []rune   // VARCHAR: the code points of a string column
	maxLen   int      // VARCHAR: the longest value, in code points
	digits   bool     // VARCHAR: every value is a non-empty string of at most 9 digits
	tsLo     int64    // TIMESTAMP: range of the generated values (epoch ms)
	tsHi     int64
	lowCard  bool   // few distinct values: a good GROUP BY key
	rel      string // a joined table's column: the join's alias ("" for the stream's columns)
	dname    string // a joined table's column: its name in the DuckDB side's derived table (randjoin.go)
	bare     bool   // never qualified: an UNNEST's element (randnest.go)
}

// gen holds the state of one generator run.
type gen struct {
	r    *rand.Rand
	qual string // qualifier of column references in the current query ("" for none)
	// global: the current query aggregates without GROUP BY or WINDOW (see boolFunc's IS DISTINCT FROM)
	global bool
	// session: the current query has a session window (see aggFunc)
	session bool
	// The current query's joins (randjoin.go), drawn from jr: its columns (the stream's and the joined tables'),
	// the column numbering the records in arrival order (nil when a record may join several rows), and whether an
	// ON condition is being written (its DuckDB side names the tables' own columns).
	jr    *rand.Rand
	joins []*rjoin
	cols  []*rcol
	seq   *rcol
	inOn  bool
	// subq: the current query may hold subqueries over tables (randjoin.go); insub: one is being written; nsub
	// numbers their aliases.
	subq, insub bool
	nsub        int
	// The current query's CROSS JOIN UNNEST in velocc and DuckDB, or "" (randnest.go); nest is the current
	// query's nested values (the schema's, and an UNNEST's element's).
	unnestV, unnestD string
	nest             []*ncol
	*schema
}

// schema is what the generator knows about a data set's source.
type schema struct {
	src    string // the source's name, as written in SQL
	cols   []*rcol
	rows   float64 // records in the data, duplicates included
	all    []*rcol // every source column, in declaration order (SELECT *)
	star   bool    // SELECT * can be compared: every source column is generated and usable
	seq    *rcol   // a column that numbers the records in arrival order (duplicates repeat it), or nil
	evt    *rcol   // the event-time column windows may use, or nil
	tsLo   int64   // range of the TIMESTAMP columns (epoch ms), for literals
	tsHi   int64
	sizes  []int64 // window sizes (ms) that make several windows over the data
	prefix string  // prefix of output column aliases (distinct from every column name)
	tables []*rtable
	others []*schema // the data set's other streams (randgraph.go's UNION ALL reads them)
	nest   []*ncol   // nested values: the source's nested columns and their nested parts (randnest.go)
}

// schemas caches schemaOf by data set.
var schemas sync.Map // *Dataset → *schema

func newGen(ds *Dataset, seed int64) (*gen, error) {
	r := rand.New(rand.NewPCG(uint64(seed), 0x72616e64))
	if s, ok := schemas.Load(ds); ok {
		sc := s.(*schema)
		return &gen{r: r, schema: sc, cols: sc.cols, seq: sc.seq, nest: sc.nest}, nil
	}
	s, err := schemaOf(ds)
	if err != nil {
		return nil, err
	}
	schemas.Store(ds, s)
	return &gen{r: r, schema: s, cols: s.cols, seq: s.seq, nest: s.nest}, nil
}

// schemaOf reads the data set's source and columns, and those of its other streams (schema.others).
func schemaOf(ds *Dataset) (*schema, error) {
	if err := ds.check(); err != nil {
		return nil, err
	}
	plan, diags := compiler.Compile("random.sql", []byte(ds.Source+"\n;\nSELECT * FROM "+quoteIdent(ds.SourceName)+"\n"), nil)
	if diags.HasErrors() {
		return nil, fmt.Errorf("the data set's source does not compile: %v", diags.Errors())
	}
	declared := func(name string) *compiler.Source {
		for _, s := range plan.Sources {
			if !s.IsTable && strings.EqualFold(s.Name, name) {
				return s
			}
		}
		return nil
	}
	g, err := streamSchema(declared(ds.SourceName), ds.Columns, ds.Rows)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, c := range g.all {
		names[strings.ToLower(strings.Trim(c.name, `"`))] = true
	}
	for _, st := range ds.Streams {
		o, err := streamSchema(declared(st.Name), st.Columns, st.Rows)
		if err != nil {
			continue // a stream the generator cannot use: the queries leave it alone
		}
		g.others = append(g.others, o)
		for _, c := range st.Columns {
			names[strings.ToLower(c.Name)] = true
		}
	}
	for _, t := range ds.Tables {
		for _, c := range t.Columns {
			names[strings.ToLower(c.Name)] = true
		}
	}
	g.prefix = aliasPrefix(names)
	if g.tables, err = tablesOf(ds, plan, g); err != nil {
		return nil, err
	}
	for _, o := range g.others {
		o.prefix, o.tables = g.prefix, g.tables
	}
	return g, nil
}

// streamSchema describes a declared stream whose records the data section's columns generate: rows records.
func streamSchema(src *compiler.Source, cols []Column, rows int) (*schema, error) {
	if src == nil {
		return nil, fmt.Errorf("the stream is not declared")
	}
	g := &schema{src: sqlIdent(src.Name), rows: float64(rows)}
	byName := map[string]*Column{}
	for i := range cols {
		byName[strings.ToLower(cols[i].Name)] = &cols[i]
	}
	g.tsLo, g.tsHi = math.MaxInt64, math.MinInt64
	g.star = true
	for _, f := range src.Fields {
		c := &rcol{name: sqlIdent(f.Name), t: f.Type, nullable: true}
		dc := byName[strings.ToLower(f.Name)]
		g.all = append(g.all, c)
		if dc != nil && f.Type.IsNested() {
			g.star = false
			g.nestedColumn(c.name, f.Type, dc, true) // randnest.go
			continue
		}
		if dc == nil || f.Type.Kind == compiler.Timestamp && f.TimeFormat == "epoch_seconds" {
			g.star = false
			continue // not generated (always NULL) or read differently: leave it out
		}
		if dc.typ != f.Type {
			g.star = false
			continue // the data and the source disagree; a case file would say so, the generator stays out
		}
		c.nullable = dc.NullRate > 0
		if !g.describe(c, dc) {
			g.star = false
			continue
		}
		if c.t.Kind == compiler.Timestamp {
			g.tsLo, g.tsHi = min(g.tsLo, c.tsLo), max(g.tsHi, c.tsHi)
		}
		if dc.Gen == "seq" && !c.nullable && len(dc.edges) == 0 && c.t.IsInteger() {
			g.seq = c
		}
		if src.EventTime != nil && strings.EqualFold(src.EventTime.Name, f.Name) && dc.Gen == "time" && dc.StepMs > 0 &&
			c.t.Kind == compiler.Timestamp && !c.nullable && len(dc.edges) == 0 && dc.JitterMs <= src.MaxOutOfOrder {
			// No record is late: a record is at most JitterMs after its slot (slots grow by StepMs), and the
			// watermark trails the largest time seen by at least that much.
			g.evt = c
		}
		g.cols = append(g.cols, c)
	}
	if len(g.cols) == 0 {
		return nil, fmt.Errorf("the data set has no column the generator can use")
	}
	if g.tsLo > g.tsHi {
		g.tsLo, g.tsHi = 1704067200000, 1704067200000+3600_000
	}
	g.setSizes()
	return g, nil
}

// setSizes chooses the window sizes that make several windows over the range of the event-time column; without
// any, the schema has no event time for windows.
func (g *schema) setSizes() {
	g.sizes = nil
	if g.evt == nil {
		return
	}
	span := g.evt.tsHi - g.evt.tsLo
	for _, s := range []int64{100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 3600_000, 86_400_000} {
		if span/s <= 2000 && (span/s >= 2 || s == 3600_000 || s == 86_400_000) {
			g.sizes = append(g.sizes, s)
		}
	}
	if len(g.sizes) == 0 {
		g.evt = nil
	}
}

// aliasPrefix is a prefix for the output aliases (c0, k0, a0, w0) that makes them differ from every column name.
func aliasPrefix(names map[string]bool) string {
	for _, p := range []string{"", "out_", "random_out_"} {
		clash := false
		for n := range names {
			rest, ok := strings.CutPrefix(n, p)
			if ok && len(rest) > 1 && strings.ContainsRune("ckaw", rune(rest[0])) && strings.Trim(rest[1:], "0123456789") == "" {
				clash = true
			}
		}
		if !clash {
			return p
		}
	}
	return "random_out_x_"
}

// describe fills in the range of a column's values from its data-set spec; false means the generator can't use it.
func (g *schema) describe(c *rcol, dc *Column) bool {
	maxAbs := func(vals ...float64) float64 {
		m := 0.0
		for _, v := range vals {
			m = math.Max(m, math.Abs(v))
		}
		return m
	}
	edges := 0.0
	for _, e := range dc.edges {
		switch {
		case e.dec != nil:
			f, _ := new(big.Float).SetInt(e.dec).Float64()
			edges = math.Max(edges, math.Abs(f)/math.Pow10(int(c.t.Scale)))
		case c.t.Kind != compiler.Varchar && c.t.Kind != compiler.Bool:
			f, err := strconv.ParseFloat(strings.Trim(e.json, `"`), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return false // NaN and infinities are not compared reliably; leave such a column out
			}
			edges = math.Max(edges, math.Abs(f))
		}
	}
	switch c.t.Kind {
	case compiler.Bool:
		c.lowCard = true
	case compiler.Int, compiler.BigInt, compiler.Double, compiler.Decimal:
		switch dc.Gen {
		case "int", "seq":
			lo, _ := new(big.Float).SetInt(dc.lo).Float64()
			hi, _ := new(big.Float).SetInt(dc.hi).Float64()
			if dc.Gen == "seq" {
				hi = lo + g.rows
			}
			c.b = maxAbs(lo, hi)
			c.lowCard = dc.Gen == "int" && hi-lo <= 20
		case "decimal":
			lo, _ := new(big.Float).SetInt(dc.lo).Float64()
			hi, _ := new(big.Float).SetInt(dc.hi).Float64()
			c.b = maxAbs(lo, hi) / math.Pow10(int(c.t.Scale))
		case "float":
			c.b = maxAbs(dc.flo, dc.fhi)
		case "choice":
			for _, v := range dc.Values {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
					return false
				}
				c.b = math.Max(c.b, math.Abs(f))
			}
			c.lowCard = len(dc.Values) <= 20
		default:
			return false
		}
		c.b = math.Max(c.b, edges)
		if c.t.Kind == compiler.BigInt && c.b > 1e15 || c.t.Kind == compiler.Int && c.b > 1e9 {
			// Values near the integer limits leave no room for arithmetic: use the column only as it is.
			c.b = math.Inf(1)
		}
	case compiler.Varchar:
		switch dc.Gen {
		case "choice":
			c.values = append(c.values, dc.Values...)
			c.lowCard = len(dc.Values) <= 20
			for _, v := range dc.Values {
				c.maxLen = max(c.maxLen, len([]rune(v)))
			}
		case "string":
			c.alphabet = alphabets[dc.alphabet()]
			c.maxLen = dc.MaxLen
			c.digits = dc.alphabet() == "digits" && dc.MinLen >= 1 && dc.MaxLen <= 9 && len(dc.edges) == 0
		default:
			return false
		}
		for _, e := range dc.Edges {
			c.values = append(c.values, e)
			c.maxLen = max(c.maxLen, len([]rune(e)))
		}
	case compiler.Timestamp:
		switch dc.Gen {
		case "time":
			c.tsLo = dc.start
			c.tsHi = dc.start + int64(g.rows)*dc.StepMs + dc.JitterMs
			if dc.StepMs < 0 {
				c.tsLo, c.tsHi = dc.start+int64(g.rows)*dc.StepMs, dc.start+dc.JitterMs
			}
		case "int", "seq":
			c.tsLo, c.tsHi = dc.lo.Int64(), dc.hi.Int64()
			if dc.Gen == "seq" {
				c.tsHi = c.tsLo + int64(g.rows)
			}
		default:
			return false
		}
		for _, e := range dc.edges {
			ms, _ := strconv.ParseInt(e.json, 10, 64)
			c.tsLo, c.tsHi = min(c.tsLo, ms), max(c.tsHi, ms)
		}
		c.b = maxAbs(float64(c.tsLo), float64(c.tsHi))
		if c.b > 1e13 {
			return false // beyond year 2286: strftime and EXTRACT would need care the generator does not take
		}
	default:
		return false
	}
	return true
}

// sqlIdent writes a column or source name for both dialects: bare when it is a plain lower-case identifier that
// neither reserves, quoted otherwise.
func sqlIdent(name string) string {
	plain := name != ""
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			plain = false
		}
	}
	if plain && !reservedWords[strings.ToUpper(name)] {
		return name
	}
	return quoteIdent(name)
}

// reservedWords are velocc's reserved words and a few more that DuckDB reserves.
var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`AND AS BETWEEN BY CASE CAST CREATE CROSS DISTINCT ELSE EMIT EXTRACT FALSE FROM FULL
		GROUP HAVING IN INNER INSERT INTERVAL INTO IS JOIN LEFT LIKE LIMIT NOT NULL ON OR ORDER OUTER OVER PRIMARY RIGHT
		SELECT THEN TRUE UNION WHEN WHERE WITH WINDOW TUMBLING END ALL ANY ARRAY ASC DESC CHECK COLUMN CONSTRAINT
		DEFAULT DO FETCH FOR FOREIGN GRANT LATERAL OFFSET ONLY PLACING QUALIFY REFERENCES RETURNING SOME TABLE TO
		USING VARIADIC WINDOW PIVOT UNPIVOT ASOF POSITIONAL SEMI ANTI`) {
		m[w] = true
	}
	return m
}()

// expr is a generated expression: its velocc type and both renderings. Composite expressions are fully
// parenthesized, so precedence never depends on the dialect.
type expr struct {
	t    compiler.Type
	dw   int32   // DECIMAL: the precision of DuckDB's type for the value (DuckDB keeps 18 digits where it can)
	v, d string  // velocc and DuckDB SQL
	b    float64 // bound on the magnitude (numbers; TIMESTAMP: epoch ms); +Inf when unknown (DOUBLE only)
	flags
}

// flags are properties an expression inherits from its operands.
type flags struct {
	agg   bool // holds an aggregate
	ref   bool // refers to a column, key, aggregate or window bound (is not a constant)
	heavy int  // exact DECIMAL divisions inside: each makes the DuckDB text several times longer
	// inexact: a DOUBLE that velocc and DuckDB may compute a last bit apart (POWER, aggregates of DOUBLEs whose
	// summing order or algorithm differs); compared within tolerance, but never rounded, cut by %, or printed.
	inexact bool
}

func (f flags) with(o flags) flags {
	return flags{agg: f.agg || o.agg, ref: f.ref || o.ref, heavy: f.heavy + o.heavy, inexact: f.inexact || o.inexact}
}

// scope says what an expression may refer to.
type scope struct {
	group  bool    // group context: keys, aggregates and window bounds (else the record's columns)
	keys   []*expr // the GROUP BY keys
	window *window // the query's window, or nil
	items  []*expr // HAVING: the SELECT items, referable by alias
}

// window is a query's tumbling or hopping window.
type window struct {
	size  int64
	sizeV []string // spellings of the size in velocc
	adv   int64    // hopping: the advance (0 for a tumbling window)
	// session: the gap is size; DuckDB numbers each key's sessions (startD) and keeps the record's time (msCol)
	session bool
	advV    []string // hopping: spellings of the advance
	timeV   string   // the window's time column in velocc (empty: TUMBLING(size))
	msD     string   // DuckDB: the record's event time in epoch ms
	startD  string   // DuckDB: the window start column of the subquery
}

var rowScope = &scope{}

// decOf is the DECIMAL an integer operand counts as in DECIMAL arithmetic. This and the functions below mirror
// velocc's type rules (docs/sql.md, "Type rules"), so the generator knows every expression's type.
func decOf(t compiler.Type) compiler.Type {
	switch t.Kind {
	case compiler.Int:
		return compiler.Dec(10, 0)
	case compiler.BigInt:
		return compiler.Dec(19, 0)
	}
	return t
}

// duckWidth is the precision DuckDB gives e when it meets a DECIMAL.
func (e *expr) duckWidth() int32 {
	switch e.t.Kind {
	case compiler.Int:
		return 10
	case compiler.BigInt:
		return 19
	}
	return e.dw
}

// decFits reports whether a DECIMAL(p,s) value bounded by b fits both velocc's type and DuckDB's precision dw,
// with a digit to spare.
func decFits(b float64, s, p, dw int32) bool {
	return b*math.Pow10(int(s)) < math.Pow10(int(min(p, dw))-1)
}

// numFits reports whether a value bounded by b stays clear of the limits of type t.
func numFits(t compiler.Type, b float64, dw int32) bool {
	switch t.Kind {
	case compiler.Int:
		return b <= 2e9
	case compiler.BigInt:
		return b <= 4e18
	case compiler.Decimal:
		return decFits(b, t.Scale, t.Prec, dw)
	case compiler.Double:
		return !(b > 1e250) || math.IsInf(b, 1)
	}
	return true
}

// dblSafe reports whether DECIMALs among es convert to the same DOUBLE in velocc and DuckDB: velocc rounds the
// exact value to the nearest DOUBLE, DuckDB divides the unscaled value by 10^s, which agree while the unscaled value
// is exact as a DOUBLE.
func dblSafe(es ...*expr) bool {
	for _, e := range es {
		if e.t.Kind == compiler.Decimal && !(e.b*math.Pow10(int(e.t.Scale)) < 9e15) {
			return false
		}
	}
	return true
}

// inexactDouble reports whether e is a DOUBLE the two engines may compute a last bit apart.
func inexactDouble(es ...*expr) bool {
	for _, e := range es {
		if e.t.Kind == compiler.Double && e.inexact {
			return true
		}
	}
	return false
}

// unifyNum is the type velocc converts numbers to in comparisons, CASE, COALESCE, IN, LEAST and GREATEST. ok is
// false when DECIMALs would need more than 38 digits: velocc then keeps the scale and DuckDB the integer digits.
func unifyNum(a, b compiler.Type) (compiler.Type, bool) {
	switch {
	case a.Kind == compiler.Double || b.Kind == compiler.Double:
		return compiler.TDouble, true
	case a.Kind == compiler.Decimal || b.Kind == compiler.Decimal:
		a, b = decOf(a), decOf(b)
		s := max(a.Scale, b.Scale)
		p := max(a.Prec-a.Scale, b.Prec-b.Scale) + s
		return compiler.Dec(p, s), p <= compiler.MaxPrecision
	case a.Kind == compiler.BigInt || b.Kind == compiler.BigInt:
		return compiler.TBigInt, true
	}
	return compiler.TInt, true
}

// unify finds the common type of several expressions; ok is false when there is none the generator trusts.
func unify(es ...*expr) (compiler.Type, bool) {
	for _, e := range es {
		if e.t.Kind == compiler.Double && !dblSafe(es...) {
			return e.t, false
		}
	}
	t := es[0].t
	for _, e := range es[1:] {
		switch {
		case t.IsNumeric() && e.t.IsNumeric():
			var ok bool
			if t, ok = unifyNum(t, e.t); !ok {
				return t, false
			}
		case t.Kind == compiler.Null:
			t = e.t
		case e.t.Kind == compiler.Null:
		case t.Kind != e.t.Kind:
			return t, false
		}
	}
	return t, true
}

// merged is the expression holding values of es converted to their common type t.
func merged(t compiler.Type, v, d string, es ...*expr) *expr {
	m := &expr{t: t, v: v, d: d}
	for _, e := range es {
		m.b = math.Max(m.b, e.b)
		m.flags = m.flags.with(e.flags)
	}
	if t.Kind == compiler.Decimal {
		m.dw = duckCommon(t, es...)
	}
	return m
}

// duckCommon is the precision of the DECIMAL type t that DuckDB unifies the numbers among es to: DuckDB keeps
// the widths it gave them, which may be narrower than velocc's.
func duckCommon(t compiler.Type, es ...*expr) int32 {
	w := int32(0)
	for _, e := range es {
		if e.t.IsNumeric() && e.t.Kind != compiler.Double {
			w = max(w, e.duckWidth()-decOf(e.t).Scale)
		}
	}
	return min(w+t.Scale, t.Prec)
}

func (g *gen) pct(p int) bool        { return g.r.IntN(100) < p }
func (g *gen) pick(n int) int        { return g.r.IntN(n) }
func pickOf[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// category of a value: the generators below make one of these.
type category int

const (
	catNum category = iota
	catStr
	catBool
	catTime
)

func catOf(t compiler.Type) category {
	switch t.Kind {
	case compiler.Varchar:
		return catStr
	case compiler.Bool:
		return catBool
	case compiler.Timestamp:
		return catTime
	}
	return catNum
}

func (g *gen) anyCat() category {
	switch n := g.pick(100); {
	case n < 45:
		return catNum
	case n < 70:
		return catStr
	case n < 85:
		return catBool
	}
	return catTime
}

// of makes an expression of category c.
func (g *gen) of(sc *scope, c category, d int) *expr {
	switch c {
	case catStr:
		return g.str(sc, d)
	case catBool:
		return g.boolean(sc, d)
	case catTime:
		return g.ts(sc, d)
	}
	return g.num(sc, d)
}

// colsOf lists the columns of a category.
func (g *gen) colsOf(c category) []*rcol {
	var out []*rcol
	for _, col := range g.cols {
		if catOf(col.t) == c {
			out = append(out, col)
		}
	}
	return out
}

// col is a reference to column c, qualified when the query names its source; a joined table's column is qualified
// by its join's alias (and is a column of the derived table on the DuckDB side, outside ON).
func (g *gen) col(c *rcol) *expr {
	name := c.name
	if g.qual != "" && !c.bare {
		name = g.qual + "." + c.name
	}
	d := name
	if c.rel != "" {
		name = c.rel + "." + c.name
		d = name
		if !g.inOn {
			d = g.qual + "." + c.dname
		}
	}
	e := &expr{t: c.t, v: name, d: d, b: c.b, flags: flags{ref: true}}
	if c.t.Kind == compiler.Decimal {
		e.dw = c.t.Prec
	}
	return e
}

// leaf is a column, key, aggregate or window bound of category c, or nil when the scope has none.
func (g *gen) leaf(sc *scope, c category, d int) *expr {
	if !sc.group && g.subq && !g.insub && !g.inOn && g.pct(12) {
		if e := g.subquery(c); e != nil {
			return e
		}
	}
	if !sc.group {
		if len(g.nest) > 0 && g.pct(20) {
			if e := g.nestFunc(c); e != nil { // randnest.go
				return e
			}
		}
		if cols := g.colsOf(c); len(cols) > 0 {
			return g.col(pickOf(g, cols))
		}
		return nil
	}
	var keys []*expr
	for _, k := range sc.keys {
		if catOf(k.t) == c {
			keys = append(keys, k)
		}
	}
	var alias []*expr
	for _, it := range sc.items {
		if catOf(it.t) == c {
			alias = append(alias, it)
		}
	}
	switch n := g.pick(100); {
	case n < 25 && len(keys) > 0:
		return pickOf(g, keys)
	case n < 35 && len(alias) > 0:
		return pickOf(g, alias)
	case n < 45 && c == catTime && sc.window != nil:
		return g.windowBound(sc.window)
	}
	return g.aggregate(c, min(d, 2))
}

// ---- numbers ----

// num makes a numeric expression of depth at most d.
func (g *gen) num(sc *scope, d int) *expr {
	for try := 0; try < 8 && d > 0; try++ {
		if e := g.numOp(sc, d); e != nil && numFits(e.t, e.b, e.dw) && e.heavy <= 1 && len(e.d) < 6000 {
			return e
		}
	}
	if g.pct(75) {
		if e := g.leaf(sc, catNum, d); e != nil && numFits(e.t, e.b, e.dw) {
			return e
		}
	}
	return g.numLit(0)
}

// numLit is a numeric literal; near > 0 asks for a value of about that magnitude.
func (g *gen) numLit(near float64) *expr {
	if near > 0 && !math.IsInf(near, 0) && g.pct(80) {
		return g.litNear(near)
	}
	switch n := g.pick(20); {
	case n < 9:
		v := pickOf(g, []int64{0, 1, 2, 3, 5, 7, 10, 13, 100, 1000, -1, -2, -7, -100})
		e := intLit(v)
		if g.pct(8) && v >= 0 {
			// 7. is a DECIMAL with no digits after the point.
			e.t, e.dw = compiler.Dec(int32(len(e.v)), 0), int32(len(e.v))
			e.v += "."
			e.d = e.v
		}
		return e
	case n < 10:
		return intLit(pickOf(g, []int64{3000000000, -5000000000, 10000000000}))
	case n < 17:
		return g.decLit(float64(g.pick(2000)-1000)/float64(pickOf(g, []int{1, 4, 8, 100, 1000})), int32(1+g.pick(4)))
	}
	f := pickOf(g, []string{"2.5e0", "1e3", "-3.75e-1", "1.5e2", "0.5E1", "1e-2", "-2e0"})
	v, _ := strconv.ParseFloat(f, 64)
	return &expr{t: compiler.TDouble, v: f, d: f, b: math.Abs(v)}
}

func intLit(v int64) *expr {
	t := compiler.TInt
	if v < math.MinInt32 || v > math.MaxInt32 {
		t = compiler.TBigInt
	}
	s := strconv.FormatInt(v, 10)
	return &expr{t: t, v: s, d: s, b: math.Abs(float64(v))}
}

// decLit is a DECIMAL literal of value f with s digits after the point; its type follows velocc's literal rule.
func (g *gen) decLit(f float64, s int32) *expr {
	text := strconv.FormatFloat(math.Abs(f), 'f', int(s), 64)
	intPart, frac, _ := strings.Cut(text, ".")
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
		if g.pct(20) {
			intPart = "" // .5
		}
	}
	text = intPart + "." + frac
	p := int32(len(intPart) + len(frac))
	if intPart == "" {
		p = int32(len(frac))
	}
	v, _ := strconv.ParseFloat(text, 64)
	if f < 0 && v != 0 {
		text = "-" + text
	}
	return &expr{t: compiler.Dec(p, s), dw: p, v: text, d: text, b: v}
}

// litNear is a literal of roughly the magnitude b: an integer, a DECIMAL or a DOUBLE.
func (g *gen) litNear(b float64) *expr {
	f := (g.r.Float64()*2 - 1) * b
	switch n := g.pick(10); {
	case n < 5 && math.Abs(f) < 2e9:
		return intLit(int64(math.Round(f)))
	case n < 9 && math.Abs(f) < 1e12:
		return g.decLit(f, int32(1+g.pick(3)))
	}
	text := strings.Replace(strconv.FormatFloat(f, 'e', 3+g.pick(5), 64), "e+", "e", 1)
	v, _ := strconv.ParseFloat(text, 64)
	return &expr{t: compiler.TDouble, v: text, d: text, b: math.Abs(v)}
}

// numOp makes one composite numeric expression, or nil when the attempt breaks a rule.
func (g *gen) numOp(sc *scope, d int) *expr {
	if g.pct(15) {
		return g.numFunc(sc, d)
	}
	switch n := g.pick(100); {
	case n < 30:
		l := g.num(sc, d-1)
		var r *expr
		if g.pct(35) {
			r = g.numLit(l.b)
		} else {
			r = g.num(sc, d-1)
		}
		if g.pct(50) {
			l, r = r, l
		}
		return g.arith(pickOf(g, []string{"+", "-", "*", "*", "/", "%"}), l, r)
	case n < 34:
		x := g.num(sc, d-1)
		return &expr{t: x.t, dw: x.dw, v: "(- " + x.v + ")", d: "(- " + x.d + ")", b: x.b, flags: x.flags}
	case n < 38:
		x := g.num(sc, d-1)
		return wrap1("ABS", "abs", x, x.t, x.b)
	case n < 44:
		x := g.num(sc, d-1)
		if inexactDouble(x) {
			return nil
		}
		return g.round(x)
	case n < 48:
		x := g.num(sc, d-1)
		if inexactDouble(x) {
			return nil
		}
		fv := pickOf(g, []string{"FLOOR", "CEIL", "CEILING"})
		fd := map[string]string{"FLOOR": "floor", "CEIL": "ceil", "CEILING": "ceil"}[fv]
		t := x.t
		if t.Kind == compiler.Decimal {
			t = compiler.Dec(t.Prec, 0)
		}
		e := wrap1(fv, fd, x, t, x.b+1)
		if t.IsInteger() { // DuckDB's FLOOR of an integer is a DOUBLE; velocc keeps the type
			e.d = fmt.Sprintf("CAST(%s AS %s)", e.d, duckTypeName(t))
		}
		if t.Kind == compiler.Decimal {
			e.dw = x.dw
		}
		return e
	case n < 51:
		x := g.num(sc, d-1)
		if !dblSafe(x) {
			return nil
		}
		e := wrap1("SQRT", "sqrt", &expr{t: x.t, v: "ABS(" + x.v + ")", d: "abs(" + x.d + ")", flags: x.flags}, compiler.TDouble, math.Sqrt(x.b))
		return e
	case n < 54:
		x := g.num(sc, d-1)
		if !dblSafe(x) {
			return nil
		}
		// Go's math.Pow and the C library's pow may differ in the last bit.
		f := x.flags
		f.inexact = true
		if g.pct(50) {
			fn := pickOf(g, []string{"POWER", "POW"})
			return &expr{t: compiler.TDouble, v: fmt.Sprintf("%s(%s, 2)", fn, x.v), d: fmt.Sprintf("pow(%s, 2)", x.d), b: x.b * x.b, flags: f}
		}
		return &expr{t: compiler.TDouble, v: fmt.Sprintf("POWER(ABS(%s), 0.5)", x.v), d: fmt.Sprintf("pow(abs(%s), 0.5)", x.d), b: math.Sqrt(x.b), flags: f}
	case n < 62:
		return g.caseOf(sc, catNum, d)
	case n < 67:
		return g.coalesce(sc, catNum, d)
	case n < 70:
		return g.nullif(sc, catNum, d)
	case n < 74:
		return g.leastGreatest(sc, catNum, d)
	case n < 82:
		return g.castNum(sc, d)
	case n < 85:
		s := g.str(sc, d-1)
		return &expr{t: compiler.TBigInt, v: "LENGTH(" + s.v + ")", d: "length(" + s.d + ")", b: 1e5, flags: s.flags}
	case n < 91:
		return g.extract(g.ts(sc, d-1))
	case n < 94:
		x := g.ts(sc, d-1)
		return &expr{t: compiler.TBigInt, v: g.castV(x.v, "BIGINT"), d: "epoch_ms(" + x.d + ")", b: x.b, flags: x.flags}
	case n < 97:
		l := g.num(sc, d-1)
		r := g.num(sc, d-1)
		return g.arith("MOD", l, r)
	}
	return g.leaf(sc, catNum, d)
}

// wrap1 applies a one-argument function.
func wrap1(fv, fd string, x *expr, t compiler.Type, b float64) *expr {
	e := &expr{t: t, v: fv + "(" + x.v + ")", d: fd + "(" + x.d + ")", b: b, flags: x.flags}
	if t.Kind == compiler.Decimal {
		e.dw = x.dw
	}
	return e
}

// arith applies a binary arithmetic operator (or MOD) under velocc's type rules; nil when the result could
// overflow or the types would need a rule the generator does not trust.
func (g *gen) arith(op string, l, r *expr) *expr {
	e := &expr{flags: l.flags.with(r.flags)}
	opV := op
	e.v = "(" + l.v + " " + op + " " + r.v + ")"
	if op == "MOD" {
		opV = "%"
		e.v = "MOD(" + l.v + ", " + r.v + ")"
	}
	e.d = "(" + l.d + " " + opV + " " + r.d + ")"
	if (opV == "/" || opV == "%") && !r.ref {
		// A constant divisor must be a non-zero literal: DuckDB folds x / NULLIF(0, 0) to a NULL of no type,
		// and its DECIMAL functions then return DOUBLE.
		if f, err := strconv.ParseFloat(strings.TrimSuffix(r.v, "."), 64); err != nil || f == 0 {
			return nil
		}
	}
	if opV == "/" || opV == "%" {
		// Division and modulo by zero are NULL in velocc for every type.
		e.d = "(" + l.d + " " + opV + " NULLIF(" + r.d + ", 0))"
	}
	switch {
	case l.t.Kind == compiler.Double || r.t.Kind == compiler.Double:
		if !dblSafe(l, r) || opV == "%" && inexactDouble(l, r) {
			return nil // a last-bit difference would decide fmod's result
		}
		e.t = compiler.TDouble
		switch opV {
		case "+", "-":
			e.b = l.b + r.b
		case "*":
			e.b = l.b * r.b
		case "/":
			e.b = math.Inf(1)
			if r.t.IsInteger() {
				e.b = l.b
			} else if r.t.Kind == compiler.Decimal {
				e.b = l.b * math.Pow10(int(r.t.Scale))
			}
		case "%":
			e.b = math.Min(l.b, r.b)
		}
		if math.IsNaN(e.b) {
			e.b = math.Inf(1)
		}
	case l.t.Kind == compiler.Decimal || r.t.Kind == compiler.Decimal:
		ld, rd := decOf(l.t), decOf(r.t)
		lw, rw := l.duckWidth(), r.duckWidth()
		switch opV {
		case "+", "-":
			s := max(ld.Scale, rd.Scale)
			req := max(ld.Prec-ld.Scale, rd.Prec-rd.Scale) + s + 1
			e.t = compiler.Dec(min(req, 38), s)
			dreq := max(lw-ld.Scale, rw-rd.Scale) + s + 1
			e.dw = duckClamp(dreq, lw, rw)
			e.b = l.b + r.b
		case "*":
			s := ld.Scale + rd.Scale
			if s > 38 {
				return nil
			}
			e.t = compiler.Dec(min(ld.Prec+rd.Prec, 38), s)
			e.dw = duckClamp(lw+rw, lw, rw)
			e.b = l.b * r.b
		case "/":
			return g.exactDiv(l, r, e)
		case "%":
			ct, ok := unifyNum(l.t, r.t)
			if !ok {
				return nil
			}
			e.t, e.dw = ct, ct.Prec
			e.b = math.Min(l.b, r.b)
		}
		if !decFits(e.b, e.t.Scale, e.t.Prec, e.dw) {
			return nil
		}
	default:
		e.t = compiler.TInt
		if l.t.Kind == compiler.BigInt || r.t.Kind == compiler.BigInt {
			e.t = compiler.TBigInt
		}
		switch opV {
		case "+", "-":
			e.b = l.b + r.b
		case "*":
			e.b = l.b * r.b
		case "/":
			e.t, e.b = compiler.TDouble, l.b
		case "%":
			e.b = math.Min(l.b, r.b)
		}
		if !numFits(e.t, e.b, 0) || math.IsInf(e.b, 0) {
			return nil
		}
	}
	return e
}

// duckClamp is the precision DuckDB gives a DECIMAL sum or product that needs req digits: it stays within 18
// digits (a 64-bit value, checked for overflow) when both operands do.
func duckClamp(req, lw, rw int32) int32 {
	if req > 18 && lw <= 18 && rw <= 18 {
		return 18
	}
	return min(req, 38)
}

// exactDiv is DECIMAL division, velocc's deliberate difference: the true quotient rounded half away from zero to
// max(s1,s2)+6 digits. DuckDB divides DECIMALs as DOUBLEs, so its side computes velocc's rule in 128-bit
// integers: q = round(A·10^k / B) with A, B the unscaled operands, then q·10^-S as DECIMAL(38,S).
func (g *gen) exactDiv(l, r, e *expr) *expr {
	ld, rd := decOf(l.t), decOf(r.t)
	S := min(max(ld.Scale, rd.Scale)+6, 38)
	k := S - ld.Scale + rd.Scale
	// |A·10^k| = |l|·10^(S+rs) must stay inside HUGEINT, doubled.
	if l.b*math.Pow10(int(S+rd.Scale)) > 1e37 || math.IsInf(l.b, 0) {
		return nil
	}
	e.t, e.dw = compiler.Dec(38, S), 38
	e.b = l.b*math.Pow10(int(rd.Scale)) + 1
	e.heavy++
	e.d = exactDivDuck(unscaled(l, ld.Scale), unscaled(r, rd.Scale), k, S)
	return e
}

// exactDivDuck renders round-half-away(A·10^k / B)·10^-S as DuckDB SQL, NULL when B is 0.
func exactDivDuck(a, b string, k, s int32) string {
	n := fmt.Sprintf("(%s * CAST('1%s' AS HUGEINT))", a, strings.Repeat("0", int(k)))
	q := fmt.Sprintf("CASE WHEN %[2]s = 0 THEN NULL ELSE sign(%[1]s) * sign(%[2]s) * ((2 * abs(%[1]s) + abs(%[2]s)) // (2 * abs(%[2]s))) END", n, b)
	// q·10^-S: a product of DECIMALs multiplies the unscaled values and adds the scales, so it is exact.
	unit := "1"
	if s > 0 {
		unit = "0." + strings.Repeat("0", int(s)-1) + "1"
	}
	return fmt.Sprintf("(CAST(%s AS DECIMAL(38,0)) * CAST('%s' AS DECIMAL(38,%d)))", q, unit, s)
}

// unscaled is e's value times 10^s as a DuckDB HUGEINT; e has at most s digits after the point.
func unscaled(e *expr, s int32) string {
	if s == 0 {
		return "CAST(" + e.d + " AS HUGEINT)"
	}
	// Through the text: multiplying by 10^s would keep the scale and square the unscaled value's growth.
	return fmt.Sprintf("CAST(replace(CAST(CAST(%s AS DECIMAL(38,%d)) AS VARCHAR), '.', '') AS HUGEINT)", e.d, s)
}

// round is ROUND(x) or ROUND(x, n).
func (g *gen) round(x *expr) *expr {
	n := int32(g.pick(6) - 2)
	withN := g.pct(70)
	if !withN {
		n = 0
	}
	t := x.t
	b := x.b
	if n < 0 {
		b += 0.5 * math.Pow10(int(-n))
	} else {
		b += 0.5
	}
	if t.Kind == compiler.Decimal {
		if n < 0 && -n >= x.dw-t.Scale {
			// DuckDB's ROUND of a DECIMAL to a position at or left of its first integer digit is 0 (a DuckDB
			// bug: ROUND(9.61, -1) is 0 there), so leave such roundings out.
			return nil
		}
		t = compiler.Dec(t.Prec, min(t.Scale, max(n, 0)))
	}
	e := &expr{t: t, dw: x.dw, b: b, flags: x.flags}
	if withN {
		e.v = fmt.Sprintf("ROUND(%s, %d)", x.v, n)
		e.d = fmt.Sprintf("round(%s, %d)", x.d, n)
	} else {
		e.v, e.d = "ROUND("+x.v+")", "round("+x.d+")"
	}
	return e
}

// extract is EXTRACT(part FROM ts), a BIGINT. EPOCH is velocc's floored whole seconds (DuckDB's has a fraction).
func (g *gen) extract(x *expr) *expr {
	part := pickOf(g, []string{"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DOW", "DOY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "EPOCH"})
	b := map[string]float64{"YEAR": 3000, "QUARTER": 4, "MONTH": 12, "WEEK": 53, "DAY": 31, "DOW": 6, "DOY": 366,
		"HOUR": 23, "MINUTE": 59, "SECOND": 59, "MILLISECOND": 59999, "EPOCH": x.b/1000 + 1}[part]
	e := &expr{t: compiler.TBigInt, b: b, flags: x.flags}
	e.v = fmt.Sprintf("EXTRACT(%s FROM %s)", part, x.v)
	e.d = fmt.Sprintf("extract(%s FROM %s)", strings.ToLower(part), x.d)
	if part == "EPOCH" {
		e.d = fmt.Sprintf("CAST(floor(epoch_ms(%s) / 1000) AS BIGINT)", x.d)
	}
	return e
}

// castV spells CAST(x AS t) in velocc, sometimes as x::t.
func (g *gen) castV(x, t string) string {
	if g.pct(25) {
		return "(" + x + ")::" + t
	}
	return "CAST(" + x + " AS " + t + ")"
}

// veloccTypeName spells a type in velocc, with its synonyms.
func (g *gen) veloccTypeName(t compiler.Type) string {
	switch t.Kind {
	case compiler.Int:
		return pickOf(g, []string{"INT", "INTEGER", "INT4"})
	case compiler.BigInt:
		return pickOf(g, []string{"BIGINT", "BIGINT", "LONG", "INT8"})
	case compiler.Double:
		return pickOf(g, []string{"DOUBLE", "DOUBLE", "FLOAT", "FLOAT8", "REAL"})
	case compiler.Decimal:
		return fmt.Sprintf("%s(%d,%d)", pickOf(g, []string{"DECIMAL", "DECIMAL", "NUMERIC"}), t.Prec, t.Scale)
	case compiler.Varchar:
		return pickOf(g, []string{"VARCHAR", "VARCHAR", "STRING", "TEXT"})
	case compiler.Bool:
		return pickOf(g, []string{"BOOLEAN", "BOOL"})
	case compiler.Timestamp:
		return "TIMESTAMP"
	}
	return t.String()
}

func duckTypeName(t compiler.Type) string {
	switch t.Kind {
	case compiler.Int:
		return "INTEGER"
	case compiler.Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Prec, t.Scale)
	}
	return t.String()
}

// castNum is a CAST to a number type, from a number, a BOOLEAN or a string of digits.
func (g *gen) castNum(sc *scope, d int) *expr {
	var x *expr
	switch n := g.pick(10); {
	case n < 3:
		// Often a DECIMAL: its casts to fewer digits, to integers and through DOUBLE round.
		for try := 0; try < 4 && (x == nil || x.t.Kind != compiler.Decimal); try++ {
			x = g.num(sc, d-1)
		}
	case n < 7:
		x = g.num(sc, d-1)
	case n < 8:
		x = g.boolean(sc, d-1)
	default:
		var digits []*rcol
		for _, c := range g.colsOf(catStr) {
			if c.digits {
				digits = append(digits, c)
			}
		}
		if len(digits) == 0 || sc.group {
			x = g.num(sc, d-1)
		} else {
			x = g.col(pickOf(g, digits))
			x.b = 1e9
		}
	}
	if math.IsInf(x.b, 0) || inexactDouble(x) {
		return nil
	}
	var t compiler.Type
	b := x.b
	if x.t.Kind != compiler.Double && x.t.Kind != compiler.Varchar {
		b = math.Max(b, 1) // BOOLEAN is 0 or 1
	}
	switch n := g.pick(10); {
	case n < 3:
		t = compiler.TInt
		b += 1
	case n < 5:
		t = compiler.TBigInt
		b += 1
	case n < 7:
		t = compiler.TDouble
		if x.t.Kind == compiler.Bool || !dblSafe(x) {
			return nil // BOOLEAN casts only to integers
		}
	default:
		if x.t.Kind == compiler.Bool {
			return nil
		}
		s := int32(pickOf(g, []int{0, 1, 2, 3, 4, 6}))
		if x.t.Kind == compiler.Decimal && x.t.Scale > 0 && dblSafe(x) && g.pct(70) {
			// A DECIMAL through a DOUBLE back to fewer digits: the DOUBLE is rarely the decimal value exactly, and
			// the digit that decides the rounding is then the one the two engines might read differently.
			s = x.t.Scale - 1
			if g.pct(30) {
				s = int32(g.pick(int(x.t.Scale)))
			}
			dv := g.castV(x.v, g.veloccTypeName(compiler.TDouble))
			x = &expr{t: compiler.TDouble, v: dv, d: "CAST(" + x.d + " AS DOUBLE)", b: x.b, flags: x.flags}
		}
		intDigits := int32(math.Floor(math.Log10(math.Max(b, 1)))) + 2
		p := intDigits + s + int32(g.pick(3))
		if p > 38 {
			return nil
		}
		t = compiler.Dec(p, s)
		b += 1
	}
	e := &expr{t: t, b: b, flags: x.flags}
	if t.Kind == compiler.Decimal {
		e.dw = t.Prec
	}
	e.v = g.castV(x.v, g.veloccTypeName(t))
	e.d = fmt.Sprintf("CAST(%s AS %s)", x.d, duckTypeName(t))
	if !numFits(t, b, e.dw) {
		return nil
	}
	return e
}

// ---- CASE, COALESCE, NULLIF, LEAST, GREATEST: any category ----

func (g *gen) caseOf(sc *scope, c category, d int) *expr {
	var v, dd strings.Builder
	var operand *expr
	if g.pct(25) {
		// The simple form: CASE x WHEN value THEN ...
		operand = g.of(sc, pickOf(g, []category{catNum, catStr}), d-1)
		v.WriteString("CASE " + operand.v)
		dd.WriteString("CASE " + operand.d)
	} else {
		v.WriteString("CASE")
		dd.WriteString("CASE")
	}
	var thens, conds []*expr
	for i := 0; i < 1+g.pick(3); i++ {
		var cond *expr
		if operand != nil {
			cond = g.of(sc, catOf(operand.t), d-1)
			if g.pct(50) {
				cond = g.constOf(catOf(operand.t), operand)
			}
		} else {
			cond = g.boolean(sc, d-1)
		}
		then := g.of(sc, c, d-1)
		if g.pct(10) {
			then = nullExpr()
		}
		thens, conds = append(thens, then), append(conds, cond)
		fmt.Fprintf(&v, " WHEN %s THEN %s", cond.v, then.v)
		fmt.Fprintf(&dd, " WHEN %s THEN %s", cond.d, then.d)
	}
	if g.pct(80) {
		els := g.of(sc, c, d-1)
		thens = append(thens, els)
		fmt.Fprintf(&v, " ELSE %s", els.v)
		fmt.Fprintf(&dd, " ELSE %s", els.d)
	}
	v.WriteString(" END")
	dd.WriteString(" END")
	t, ok := unify(thens...)
	if !ok || t.Kind == compiler.Null {
		return nil
	}
	if operand != nil {
		for _, cond := range conds {
			if _, ok := unify(operand, cond); !ok {
				return nil
			}
		}
		conds = append(conds, operand)
	}
	e := merged(t, "("+v.String()+")", "("+dd.String()+")", append(thens, conds...)...)
	value := merged(t, "", "", thens...)
	e.b, e.dw = value.b, value.dw
	return e
}

func nullExpr() *expr { return &expr{t: compiler.TNull, v: "NULL", d: "NULL"} }

func (g *gen) coalesce(sc *scope, c category, d int) *expr {
	n := 2 + g.pick(2)
	var es []*expr
	var vs, ds []string
	for i := 0; i < n; i++ {
		e := g.of(sc, c, d-1)
		if i == n-1 && g.pct(50) {
			e = g.constOf(c, e)
		}
		es = append(es, e)
		vs, ds = append(vs, e.v), append(ds, e.d)
	}
	t, ok := unify(es...)
	if !ok {
		return nil
	}
	return merged(t, "COALESCE("+strings.Join(vs, ", ")+")", "coalesce("+strings.Join(ds, ", ")+")", es...)
}

func (g *gen) nullif(sc *scope, c category, d int) *expr {
	a := g.of(sc, c, d-1)
	b := g.of(sc, c, d-1)
	if g.pct(50) {
		b = g.constOf(c, a)
	}
	if _, ok := unify(a, b); !ok {
		return nil
	}
	e := merged(a.t, "NULLIF("+a.v+", "+b.v+")", "nullif("+a.d+", "+b.d+")", a, b)
	e.b = a.b
	if a.t.Kind == compiler.Decimal {
		e.dw = a.dw
	}
	return e
}

func (g *gen) leastGreatest(sc *scope, c category, d int) *expr {
	fn := pickOf(g, []string{"LEAST", "GREATEST"})
	n := 1 + g.pick(3)
	var es []*expr
	var vs, ds []string
	for i := 0; i < n; i++ {
		e := g.of(sc, c, d-1)
		if i > 0 && g.pct(40) {
			e = g.constOf(c, e)
		}
		es = append(es, e)
		vs, ds = append(vs, e.v), append(ds, e.d)
	}
	t, ok := unify(es...)
	if !ok {
		return nil
	}
	return merged(t, fn+"("+strings.Join(vs, ", ")+")", strings.ToLower(fn)+"("+strings.Join(ds, ", ")+")", es...)
}

// constOf is a literal of category c, near the values of like.
func (g *gen) constOf(c category, like *expr) *expr {
	switch c {
	case catStr:
		return g.strLit(like)
	case catBool:
		return boolLit(g.pct(50))
	case catTime:
		return g.tsLit()
	}
	return g.numLit(like.b)
}

// ---- strings ----

func (g *gen) str(sc *scope, d int) *expr {
	for try := 0; try < 6 && d > 0; try++ {
		if e := g.strOp(sc, d); e != nil && e.heavy <= 1 && len(e.d) < 6000 {
			return e
		}
	}
	if g.pct(80) {
		if e := g.leaf(sc, catStr, d); e != nil {
			return e
		}
	}
	return g.strLit(nil)
}

// strLit is a string literal: one of like's column values, a piece of one, or random text of its alphabet.
func (g *gen) strLit(like *expr) *expr {
	s := g.sampleString()
	return &expr{t: compiler.TVarchar, v: sqlString(s), d: sqlString(s)}
}

// sampleString is a string like the data's strings.
func (g *gen) sampleString() string {
	cols := g.colsOf(catStr)
	if len(cols) == 0 || g.pct(10) {
		return pickOf(g, []string{"", "a", "x", "AB", "é", "a b", "O'Neil", "%", "_"})
	}
	c := pickOf(g, cols)
	if len(c.values) > 0 && (len(c.alphabet) == 0 || g.pct(50)) {
		return pickOf(g, c.values)
	}
	if len(c.alphabet) == 0 {
		return "z"
	}
	n := g.pick(min(c.maxLen, 6) + 1)
	rs := make([]rune, n)
	for i := range rs {
		rs[i] = pickOf(g, c.alphabet)
	}
	return string(rs)
}

func (g *gen) strOp(sc *scope, d int) *expr {
	if g.pct(25) {
		return g.strFunc(sc, d)
	}
	switch n := g.pick(100); {
	case n < 14:
		x := g.str(sc, d-1)
		fn := pickOf(g, []string{"UPPER", "LOWER", "TRIM"})
		return wrap1(fn, strings.ToLower(fn), x, compiler.TVarchar, 0)
	case n < 28:
		x := g.str(sc, d-1)
		start := pickOf(g, []int{-8, -5, -3, -2, -1, 0, 1, 1, 2, 3, 5, 12})
		fn := pickOf(g, []string{"SUBSTRING", "SUBSTRING", "SUBSTR"})
		if g.pct(30) {
			return &expr{t: compiler.TVarchar, v: fmt.Sprintf("%s(%s, %d)", fn, x.v, start), d: fmt.Sprintf("substring(%s, %d)", x.d, start), flags: x.flags}
		}
		// DuckDB is not consistent about a start outside the string with a length: a batch of ASCII-only strings
		// clamps the start (SUBSTRING('hello', -10, 2) is 'he'), any other batch lets the positions before the
		// first character use up the length (''), as velocc does. The two agree when the length covers those
		// positions, so a negative start gets a length of at least -start.
		var length string
		switch n := g.pick(100); {
		case n < 15:
			y := g.str(sc, d-1)
			length = "LENGTH(" + y.v + ")"
			lengthD := "length(" + y.d + ")"
			start = max(start, -start)
			return &expr{t: compiler.TVarchar, v: fmt.Sprintf("%s(%s, %d, %s)", fn, x.v, start, length), d: fmt.Sprintf("substring(%s, %d, %s)", x.d, start, lengthD), flags: x.flags.with(y.flags)}
		case n < 35:
			// A negative length counts back from the start; past the end, DuckDB's two ways differ again
			// (ASCII batches clamp the start to the end), so the start is at most 1.
			length = strconv.Itoa(-1 - g.pick(4))
			start = min(start, -start, 1)
		default:
			l := g.pick(7)
			if start < 0 && l < -start {
				l = -start + g.pick(2)
			}
			length = strconv.Itoa(l)
		}
		lengthD := length
		return &expr{t: compiler.TVarchar, v: fmt.Sprintf("%s(%s, %d, %s)", fn, x.v, start, length), d: fmt.Sprintf("substring(%s, %d, %s)", x.d, start, lengthD), flags: x.flags}
	case n < 36:
		x := g.str(sc, d-1)
		from := g.replaceFrom()
		var to *expr
		if g.pct(70) {
			to = g.strLit(nil)
		} else {
			to = g.str(sc, d-1)
		}
		return merged(compiler.TVarchar, fmt.Sprintf("REPLACE(%s, %s, %s)", x.v, from.v, to.v), fmt.Sprintf("replace(%s, %s, %s)", x.d, from.d, to.d), x, to)
	case n < 48:
		k := 1 + g.pick(3)
		var es []*expr
		var vs, ds []string
		for i := 0; i < k; i++ {
			e := g.of(sc, g.anyCat(), d-1)
			if g.pct(20) {
				e = g.strLit(nil)
			}
			es = append(es, e)
			vs, ds = append(vs, e.v), append(ds, g.toVarcharD(e))
		}
		if inexactDouble(es...) {
			return nil // the text would show a last-bit difference
		}
		return merged(compiler.TVarchar, "CONCAT("+strings.Join(vs, ", ")+")", "concat("+strings.Join(ds, ", ")+")", es...)
	case n < 58:
		l := g.of(sc, g.anyCat(), d-1)
		r := g.of(sc, g.anyCat(), d-1)
		if l.t.Kind != compiler.Varchar && r.t.Kind != compiler.Varchar && g.pct(50) {
			r = g.strLit(nil)
		}
		if inexactDouble(l, r) {
			return nil
		}
		return merged(compiler.TVarchar, "("+l.v+" || "+r.v+")", "("+g.toVarcharD(l)+" || "+g.toVarcharD(r)+")", l, r)
	case n < 66:
		x := g.of(sc, pickOf(g, []category{catNum, catNum, catBool, catTime}), d-1)
		if inexactDouble(x) {
			return nil
		}
		return merged(compiler.TVarchar, g.castV(x.v, g.veloccTypeName(compiler.TVarchar)), g.toVarcharD(x), x)
	case n < 74:
		return g.caseOf(sc, catStr, d)
	case n < 80:
		return g.coalesce(sc, catStr, d)
	case n < 83:
		return g.nullif(sc, catStr, d)
	case n < 86:
		return g.leastGreatest(sc, catStr, d)
	}
	return g.leaf(sc, catStr, d)
}

// replaceFrom is the text REPLACE looks for: a piece of the data's strings, now and then empty.
func (g *gen) replaceFrom() *expr {
	s := g.sampleString()
	rs := []rune(s)
	if len(rs) > 2 {
		i := g.pick(len(rs) - 1)
		rs = rs[i : i+1+g.pick(2)]
	}
	if g.pct(3) {
		rs = nil
	}
	return &expr{t: compiler.TVarchar, v: sqlString(string(rs)), d: sqlString(string(rs))}
}

// toVarcharD is e converted to VARCHAR on the DuckDB side the way velocc's CAST does it.
func (g *gen) toVarcharD(e *expr) string {
	switch e.t.Kind {
	case compiler.Varchar:
		return e.d
	case compiler.Null:
		return "CAST(NULL AS VARCHAR)"
	case compiler.Timestamp:
		// velocc writes RFC 3339 with milliseconds (a deliberate difference); DuckDB's own form has a space.
		return "strftime(" + e.d + ", '%Y-%m-%dT%H:%M:%S.%gZ')"
	case compiler.Decimal:
		// The text has as many digits after the point as the type's scale.
		return fmt.Sprintf("CAST(CAST(%s AS DECIMAL(38,%d)) AS VARCHAR)", e.d, e.t.Scale)
	}
	return "CAST(" + e.d + " AS VARCHAR)"
}

// ---- timestamps ----

func (g *gen) ts(sc *scope, d int) *expr {
	for try := 0; try < 6 && d > 0; try++ {
		if e := g.tsOp(sc, d); e != nil && e.heavy <= 1 && e.b <= 1e13 && len(e.d) < 6000 {
			return e
		}
	}
	if g.pct(85) {
		if e := g.leaf(sc, catTime, d); e != nil {
			return e
		}
	}
	return g.tsLit()
}

// tsLit is CAST('…' AS TIMESTAMP) of a time within the data's range.
func (g *gen) tsLit() *expr {
	ms := g.tsNear()
	if g.pct(70) {
		ms -= ms % 1000
	}
	v, d := tsText(ms, g.pick(3))
	return &expr{t: compiler.TTimestamp, v: g.castV(v, "TIMESTAMP"), d: "TIMESTAMP " + d, b: math.Abs(float64(ms))}
}

// tsText spells epoch ms as a velocc timestamp string (in one of its forms) and as DuckDB's TIMESTAMP literal text.
func tsText(ms int64, form int) (v, d string) {
	t := msTime(ms)
	d = "'" + t.Format("2006-01-02 15:04:05.000") + "'"
	switch form {
	case 0:
		v = t.Format("2006-01-02T15:04:05.000Z")
	case 1:
		v = t.Format("2006-01-02 15:04:05.000")
	default:
		v = t.Format("2006-01-02T15:04:05.000-00:00")
	}
	return "'" + v + "'", d
}

// tsNear is a time within the range of one of the TIMESTAMP columns, so comparisons with it select some rows.
func (g *gen) tsNear() int64 {
	lo, hi := g.tsLo, g.tsHi
	if cols := g.colsOf(catTime); len(cols) > 0 {
		c := pickOf(g, cols)
		lo, hi = c.tsLo, c.tsHi
	}
	return lo + g.r.Int64N(hi-lo+1)
}

func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func (g *gen) tsOp(sc *scope, d int) *expr {
	if g.pct(25) {
		return g.tsFunc(sc, d)
	}
	switch n := g.pick(100); {
	case n < 25:
		// CAST(BIGINT AS TIMESTAMP) is epoch milliseconds (a deliberate difference); DuckDB spells it epoch_ms.
		x := g.ts(sc, d-1)
		shift := intLit(int64(g.pick(120_001) - 60_000))
		ms := &expr{t: compiler.TBigInt, v: g.castV(x.v, "BIGINT"), d: "epoch_ms(" + x.d + ")", b: x.b, flags: x.flags}
		sum := g.arith(pickOf(g, []string{"+", "-"}), ms, shift)
		if sum == nil {
			return nil
		}
		return &expr{t: compiler.TTimestamp, v: g.castV(sum.v, "TIMESTAMP"), d: "epoch_ms(" + sum.d + ")", b: sum.b, flags: sum.flags}
	case n < 45:
		return g.caseOf(sc, catTime, d)
	case n < 60:
		return g.coalesce(sc, catTime, d)
	case n < 67:
		return g.nullif(sc, catTime, d)
	case n < 80:
		return g.leastGreatest(sc, catTime, d)
	}
	return g.leaf(sc, catTime, d)
}

// windowBound is the window's start or end: TUMBLE_START(...), HOP_END(), _window_start, WINDOWEND, ...
func (g *gen) windowBound(w *window) *expr {
	end := g.pct(50)
	name := map[bool]string{false: "START", true: "END"}[end]
	fn := "TUMBLE_"
	if w.adv > 0 {
		fn = "HOP_"
	}
	if w.session {
		fn = "SESSION_"
	}
	var v string
	switch g.pick(7) {
	case 0, 1:
		v = "_window_" + strings.ToLower(name)
	case 2:
		v = "WINDOW" + name
	case 3, 4:
		v = fn + name + "()"
	default:
		tcol := w.timeV
		if tcol == "" {
			tcol = g.col(g.evt).v
		}
		if w.session {
			v = fmt.Sprintf("SESSION_%s(%s, %s)", name, tcol, pickOf(g, w.sizeV))
		} else if w.adv > 0 {
			// Flink's order: the time, the advance (slide), the size.
			v = fmt.Sprintf("HOP_%s(%s, %s, %s)", name, tcol, pickOf(g, w.advV), pickOf(g, w.sizeV))
		} else {
			v = fmt.Sprintf("TUMBLE_%s(%s, %s)", name, tcol, pickOf(g, w.sizeV))
		}
	}
	d := "epoch_ms(" + w.startD + ")"
	if end {
		d = fmt.Sprintf("epoch_ms(%s + %d)", w.startD, w.size)
	}
	if w.session {
		// A session runs from its first record's time to its last's.
		d = "epoch_ms(min(" + sessionMs + "))"
		if end {
			d = "epoch_ms(max(" + sessionMs + "))"
		}
	}
	return &expr{t: compiler.TTimestamp, v: v, d: d, b: float64(g.evt.tsHi + w.size), flags: flags{ref: true}}
}

// ---- booleans ----

func (g *gen) boolean(sc *scope, d int) *expr {
	for try := 0; try < 8 && d > 0; try++ {
		if e := g.boolOp(sc, d); e != nil && e.heavy <= 1 && len(e.d) < 8000 {
			return e
		}
	}
	// Boolean columns are few; in a group, most conditions compare aggregates.
	leafPct := 60
	if sc.group {
		leafPct = 35
	}
	if g.pct(leafPct) {
		if e := g.leaf(sc, catBool, d); e != nil {
			return e
		}
	}
	for try := 0; try < 3; try++ {
		if e := g.compare(sc, 0); e != nil {
			return e
		}
	}
	return boolLit(g.pct(50))
}

func boolLit(b bool) *expr {
	s := strings.ToUpper(strconv.FormatBool(b))
	return &expr{t: compiler.TBool, v: s, d: s}
}

func (g *gen) boolOp(sc *scope, d int) *expr {
	if g.pct(15) {
		return g.boolFunc(sc, d)
	}
	switch n := g.pick(100); {
	case n < 30:
		return g.compare(sc, d-1)
	case n < 38:
		x := g.of(sc, g.anyCat(), d-1)
		not := map[bool]string{false: "", true: " NOT"}[g.pct(40)]
		return merged(compiler.TBool, "("+x.v+" IS"+not+" NULL)", "("+x.d+" IS"+not+" NULL)", x)
	case n < 48:
		return g.in(sc, d-1)
	case n < 54:
		return g.between(sc, d-1)
	case n < 62:
		return g.like(sc, d-1)
	case n < 76:
		l, r := g.boolean(sc, d-1), g.boolean(sc, d-1)
		op := pickOf(g, []string{"AND", "OR"})
		return merged(compiler.TBool, "("+l.v+" "+op+" "+r.v+")", "("+l.d+" "+op+" "+r.d+")", l, r)
	case n < 82:
		x := g.boolean(sc, d-1)
		return merged(compiler.TBool, "(NOT "+x.v+")", "(NOT "+x.d+")", x)
	case n < 86:
		return g.caseOf(sc, catBool, d)
	case n < 89:
		return g.coalesce(sc, catBool, d)
	case n < 92:
		x := g.num(sc, d-1)
		if !x.t.IsInteger() {
			return nil
		}
		return merged(compiler.TBool, g.castV(x.v, g.veloccTypeName(compiler.TBool)), "CAST("+x.d+" AS BOOLEAN)", x)
	}
	return g.leaf(sc, catBool, d)
}

// compare is a comparison of two values of one category, often with a literal; or a TIMESTAMP with a string.
func (g *gen) compare(sc *scope, d int) *expr {
	op := pickOf(g, []string{"=", "<>", "!=", "<", "<=", ">", ">="})
	c := g.anyCat()
	l := g.of(sc, c, d)
	var r *expr
	tsString := false
	switch {
	case c == catTime && g.pct(40):
		// A string compared with a TIMESTAMP is read as a timestamp.
		tsString = true
		ms := g.tsNear()
		ms -= ms % 1000
		v, dd := tsText(ms, g.pick(3))
		if g.pct(30) {
			v = "'" + msTime(ms).Format("2006-01-02 15:04:05") + "'"
		}
		r = &expr{t: compiler.TVarchar, v: v, d: "TIMESTAMP " + dd}
	case g.pct(55):
		r = g.constOf(c, l)
	default:
		r = g.of(sc, c, d)
	}
	if g.pct(50) {
		l, r = r, l
	}
	if _, ok := unify(l, r); !ok && !tsString {
		return nil
	}
	if c == catBool && op != "=" && op != "<>" && op != "!=" && g.pct(70) {
		op = "="
	}
	return merged(compiler.TBool, "("+l.v+" "+op+" "+r.v+")", "("+l.d+" "+op+" "+r.d+")", l, r)
}

func (g *gen) in(sc *scope, d int) *expr {
	c := pickOf(g, []category{catNum, catNum, catStr, catStr, catTime})
	x := g.of(sc, c, d)
	n := 1 + g.pick(4)
	es := []*expr{x}
	var vs, ds []string
	for i := 0; i < n; i++ {
		var e *expr
		switch {
		case g.pct(8):
			e = nullExpr()
		case g.pct(80):
			e = g.constOf(c, x)
		default:
			e = g.of(sc, c, d)
		}
		es = append(es, e)
		vs, ds = append(vs, e.v), append(ds, e.d)
	}
	if _, ok := unify(es...); !ok {
		return nil
	}
	not := map[bool]string{false: "", true: " NOT"}[g.pct(30)]
	return merged(compiler.TBool, "("+x.v+not+" IN ("+strings.Join(vs, ", ")+"))", "("+x.d+not+" IN ("+strings.Join(ds, ", ")+"))", es...)
}

func (g *gen) between(sc *scope, d int) *expr {
	c := pickOf(g, []category{catNum, catNum, catStr, catTime})
	x := g.of(sc, c, d)
	lo, hi := g.constOf(c, x), g.constOf(c, x)
	if g.pct(20) {
		lo = g.of(sc, c, d)
	}
	// velocc compares x with each bound on its own; DuckDB may unify all three. Keep DOUBLE on all sides or none.
	dbl := 0
	for _, e := range []*expr{x, lo, hi} {
		if e.t.Kind == compiler.Double {
			dbl++
		}
	}
	if dbl != 0 && dbl != 3 {
		return nil
	}
	if _, ok := unify(x, lo, hi); !ok {
		return nil
	}
	not := map[bool]string{false: "", true: " NOT"}[g.pct(30)]
	return merged(compiler.TBool, "("+x.v+not+" BETWEEN "+lo.v+" AND "+hi.v+")", "("+x.d+not+" BETWEEN "+lo.d+" AND "+hi.d+")", x, lo, hi)
}

func (g *gen) like(sc *scope, d int) *expr {
	x := g.str(sc, d)
	rs := []rune(g.sampleString())
	var p strings.Builder
	if g.pct(40) {
		p.WriteString("%")
	}
	for i, r := range rs {
		switch {
		case g.pct(15):
			p.WriteString("_")
		case g.pct(8):
			p.WriteString("%")
		case i > 3 && g.pct(30):
			// keep patterns short
		default:
			p.WriteRune(r)
		}
	}
	if g.pct(40) {
		p.WriteString("%")
	}
	pat := &expr{t: compiler.TVarchar, v: sqlString(p.String()), d: sqlString(p.String())}
	if g.pct(10) {
		pat = g.str(sc, d)
	}
	not := map[bool]string{false: "", true: " NOT"}[g.pct(30)]
	return merged(compiler.TBool, "("+x.v+not+" LIKE "+pat.v+")", "("+x.d+not+" LIKE "+pat.d+")", x, pat)
}

// ---- aggregates ----

// aggregate is an aggregate call whose value is of category c, or nil.
func (g *gen) aggregate(c category, d int) *expr {
	for try := 0; try < 8; try++ {
		if e := g.aggOnce(c, d); e != nil && e.heavy <= 1 && numFits(e.t, e.b, e.dw) {
			return e
		}
	}
	return nil
}

func (g *gen) countStar() *expr {
	return &expr{t: compiler.TBigInt, v: "COUNT(*)", d: "count(*)", b: g.rows, flags: flags{agg: true, ref: true}}
}

func (g *gen) aggOnce(c category, d int) *expr {
	if g.pct(20) {
		return g.aggFunc(c, d)
	}
	distinct := g.pct(12)
	dv, dd := "", ""
	if distinct {
		dv, dd = "DISTINCT ", "DISTINCT "
	}
	call := func(fv, fd string, x *expr, t compiler.Type, b float64) *expr {
		e := &expr{t: t, v: fv + "(" + dv + x.v + ")", d: fd + "(" + dd + x.d + ")", b: b, flags: flags{agg: true, ref: true, heavy: x.heavy, inexact: x.inexact}}
		if t.Kind == compiler.Decimal {
			e.dw = x.dw
		}
		return e
	}
	firstLast := func(x *expr) *expr {
		if g.seq == nil {
			return nil
		}
		// FIRST_VALUE and LAST_VALUE take arrival order, NULLs included; DuckDB's first/last ordered by the
		// column that numbers the records compute the same (duplicates are written next to each other).
		fv := pickOf(g, []string{"FIRST_VALUE", "LAST_VALUE"})
		fd := map[string]string{"FIRST_VALUE": "first", "LAST_VALUE": "last"}[fv]
		e := &expr{t: x.t, dw: x.dw, v: fv + "(" + x.v + ")", d: fmt.Sprintf("%s(%s ORDER BY %s)", fd, x.d, g.seq.name), b: x.b, flags: flags{agg: true, ref: true, heavy: x.heavy, inexact: x.inexact}}
		return e
	}
	switch c {
	case catStr, catTime:
		x := g.of(rowScope, c, d)
		if g.pct(25) {
			return firstLast(x)
		}
		fn := pickOf(g, []string{"MIN", "MAX"})
		return call(fn, strings.ToLower(fn), x, x.t, x.b)
	case catBool:
		if g.pct(60) {
			x := g.boolean(rowScope, d)
			return firstLast(x)
		}
		return nil // a comparison over aggregates comes from boolean() itself
	}
	switch n := g.pick(100); {
	case n < 12:
		return &expr{t: compiler.TBigInt, v: "COUNT(*)", d: "count(*)", b: g.rows, flags: flags{agg: true, ref: true}}
	case n < 22:
		x := g.of(rowScope, g.anyCat(), d)
		return call("COUNT", "count", x, compiler.TBigInt, g.rows)
	case n < 45:
		x := g.num(rowScope, d)
		switch x.t.Kind {
		case compiler.Int, compiler.BigInt:
			// SUM of integers is BIGINT in velocc (HUGEINT in DuckDB); bounded, the two agree.
			e := call("SUM", "sum", x, compiler.TBigInt, x.b*g.rows)
			e.d = "CAST(" + e.d + " AS BIGINT)"
			if e.b > 4e18 {
				return nil
			}
			return e
		case compiler.Decimal:
			e := call("SUM", "sum", x, compiler.Dec(38, x.t.Scale), x.b*g.rows)
			e.dw = 38
			if !decFits(e.b, e.t.Scale, 38, 38) {
				return nil
			}
			return e
		}
		e := call("SUM", "sum", x, compiler.TDouble, x.b*g.rows)
		e.inexact = true // DISTINCT sums in another order
		return e
	case n < 60:
		x := g.num(rowScope, d)
		if x.t.Kind == compiler.Decimal {
			// AVG(DECIMAL) is exact in velocc (a deliberate difference): the exact sum over the count, rounded
			// half away from zero to s+6 digits; DuckDB's side computes that rule.
			sum := &expr{t: compiler.Dec(38, x.t.Scale), dw: 38, d: "sum(" + dd + x.d + ")", b: x.b * g.rows}
			cnt := &expr{t: compiler.TBigInt, d: "count(" + dd + x.d + ")", b: g.rows}
			e := g.exactDiv(sum, cnt, &expr{flags: flags{agg: true, ref: true, heavy: x.heavy}})
			if e == nil {
				return nil
			}
			e.v = "AVG(" + dv + x.v + ")"
			e.b = x.b + 1
			return e
		}
		e := call("AVG", "avg", x, compiler.TDouble, x.b)
		e.inexact = true
		return e
	case n < 78:
		x := g.num(rowScope, d)
		fn := pickOf(g, []string{"MIN", "MAX"})
		return call(fn, strings.ToLower(fn), x, x.t, x.b)
	case n < 86:
		return firstLast(g.num(rowScope, d))
	}
	x := g.num(rowScope, d)
	fv := pickOf(g, []string{"STDDEV", "STDDEV_SAMP", "STDDEV_POP", "VARIANCE", "VAR_SAMP", "VAR_POP"})
	fd := map[string]string{"STDDEV": "stddev_samp", "STDDEV_SAMP": "stddev_samp", "STDDEV_POP": "stddev_pop",
		"VARIANCE": "var_samp", "VAR_SAMP": "var_samp", "VAR_POP": "var_pop"}[fv]
	b := 2 * x.b
	if strings.HasPrefix(fv, "VAR") {
		b = 4 * x.b * x.b
	}
	if !dblSafe(x) || illConditioned(x) {
		return nil
	}
	e := call(fv, fd, x, compiler.TDouble, b)
	e.inexact = true
	return e
}

// ---- queries ----

// query makes one query pair of a random shape.
func (g *gen) query() *randomQuery {
	// Columns are mostly written bare; sometimes qualified by the source's name or by an alias of it.
	g.qual = ""
	switch n := g.pick(100); {
	case n < 8:
		g.qual = g.src
	case n < 16:
		g.qual = "r"
	}
	n := g.pick(100)
	over := n >= 64 && g.evt != nil && n < 78 && g.schema.seq != nil
	qual := g.qual
	if len(g.schema.nest) > 0 && g.pct(40) {
		return g.nestedQuery() // randnest.go
	}
	q := g.shaped(n, over)
	if over || len(g.tables) == 0 || g.jr.IntN(100) >= 30 {
		return q
	}
	// A query with joins instead, drawn from the join generator alone: the main one has made the query above as it
	// did before the data set had tables, so that the queries without joins stay the same.
	main := g.r
	g.r = g.jr
	defer func() { g.r, g.joins, g.cols, g.seq, g.subq, g.nsub = main, nil, g.schema.cols, g.schema.seq, false, 0 }()
	g.qual = qual
	switch k := g.pick(100); {
	case k < 60:
		g.setupJoins()
	case k < 80:
		g.setupJoins()
		g.subq = true
	default:
		g.subq = true
		if g.qual == "" {
			g.qual = pickOf(g, []string{g.src, "r"})
		}
	}
	q = g.shaped(n, over)
	q.velocc += g.withV()
	if len(g.joins) > 0 {
		q.shape += "+join"
	}
	if g.subq {
		q.shape += "+sub"
	}
	return q
}

// shaped makes a query of the shape n picks (see query).
func (g *gen) shaped(n int, over bool) *randomQuery {
	switch {
	case n < 34:
		return g.projection()
	case n < 40:
		return g.grouped(0)
	case n < 64 || g.evt == nil:
		return g.grouped(1 + g.pick(2))
	case over:
		return g.over()
	}
	return g.windowed()
}

// fromV is the FROM clause's source in velocc, with the alias the query's columns are qualified by, and its joins.
func (g *gen) fromV() string {
	if g.qual == "r" {
		return g.src + pickOf(g, []string{" AS r", " r"}) + g.unnestV + g.joinsV()
	}
	return g.src + g.unnestV + g.joinsV()
}

// fromD is the FROM clause in DuckDB over relation rel (the source, or a subquery of it).
func (g *gen) fromD(rel string) string {
	switch {
	case g.qual == "r":
		return rel + " AS r"
	case rel != g.src:
		return rel + " AS " + g.src
	}
	return rel
}

func (g *gen) alias(kind string, i int) string { return fmt.Sprintf("%s%s%d", g.prefix, kind, i) }

func (g *gen) projection() *randomQuery {
	q := &randomQuery{shape: "project"}
	n := 1 + g.pick(5)
	var vs, ds []string
	for i := 0; i < n; i++ {
		var e *expr
		if g.pct(15) {
			e = g.col(pickOf(g, g.cols))
		} else {
			e = g.of(rowScope, g.anyCat(), 1+g.pick(3))
		}
		a := g.alias("c", i)
		vs = append(vs, e.v+" AS "+a)
		ds = append(ds, e.d+" AS "+a)
		q.types = append(q.types, e.t)
	}
	if g.star && len(g.joins) == 0 && g.pct(6) {
		// SELECT * is every source column, in declaration order.
		var names []string
		var types []compiler.Type
		for _, c := range g.all {
			names, types = append(names, g.col(c).d), append(types, c.t)
		}
		vs = append([]string{"*"}, vs...)
		ds = append([]string{strings.Join(names, ", ")}, ds...)
		q.types = append(types, q.types...)
	}
	q.velocc = "SELECT " + strings.Join(vs, ", ") + " FROM " + g.fromV()
	q.duckdb = "SELECT " + strings.Join(ds, ", ") + " FROM " + g.fromD(g.relD())
	if g.pct(75) {
		w := g.boolean(rowScope, 1+g.pick(3))
		q.velocc += " WHERE " + w.v
		q.duckdb += " WHERE " + w.d
	}
	if g.pct(5) {
		q.velocc += " EMIT FINAL" // no effect on a query that does not aggregate (a warning)
	}
	return q
}

// key is a GROUP BY key: a column with few values, or an expression over columns.
func (g *gen) key() *expr {
	var low []*rcol
	for _, c := range g.cols {
		if c.lowCard {
			low = append(low, c)
		}
	}
	for try := 0; try < 10; try++ {
		var e *expr
		switch n := g.pick(100); {
		case n < 50 && len(low) > 0:
			e = g.col(pickOf(g, low))
		case n < 60:
			e = g.col(pickOf(g, g.cols))
		case n < 70:
			x := g.num(rowScope, 1)
			e = g.arith("%", x, intLit(int64(2+g.pick(5))))
		case n < 78:
			e = g.extract(g.ts(rowScope, 0))
		case n < 85:
			x := g.str(rowScope, 0)
			k := 1 + g.pick(2)
			e = &expr{t: compiler.TVarchar, v: fmt.Sprintf("SUBSTRING(%s, 1, %d)", x.v, k), d: fmt.Sprintf("substring(%s, 1, %d)", x.d, k), flags: x.flags}
		default:
			e = g.of(rowScope, g.anyCat(), 1+g.pick(2))
		}
		if e != nil && e.ref && numFits(e.t, e.b, e.dw) {
			return e
		}
	}
	return g.col(pickOf(g, g.cols))
}

// grouped makes a GROUP BY query with nkeys keys (none: one group over the whole input) and EMIT FINAL.
func (g *gen) grouped(nkeys int) *randomQuery {
	q := &randomQuery{shape: "group"}
	if nkeys == 0 {
		q.shape = "global"
	}
	return g.aggregating(q, nkeys, nil)
}

func (g *gen) windowed() *randomQuery {
	q := &randomQuery{shape: "window"}
	size := pickOf(g, g.sizes)
	w := &window{size: size, sizeV: sizeSpellings(size), startD: "_velocc_w"}
	w.msD = g.evt.name
	if g.evt.t.Kind == compiler.Timestamp {
		w.msD = "epoch_ms(" + g.evt.name + ")"
	}
	switch n := g.pick(100); {
	case n < 40: // TUMBLING(size): the source's event time
	case n < 80:
		w.timeV = g.col(g.evt).v
	default:
		// The time may be an expression: epoch milliseconds as a BIGINT, perhaps shifted.
		w.timeV = g.castV(g.col(g.evt).v, "BIGINT")
		if shift := pickOf(g, []int64{0, 250, -1000, 333}); shift != 0 {
			w.timeV = fmt.Sprintf("(%s + %d)", w.timeV, shift)
			w.msD = fmt.Sprintf("(%s + %d)", w.msD, shift)
		}
	}
	if g.seq != nil && size <= 120_000 && g.pct(25) {
		w.session = true
		return g.aggregating(q, g.pick(3), w)
	}
	if g.pct(50) {
		// A hopping window: an advance that divides the size, or one that does not, or the size itself.
		var advs []int64
		for _, a := range []int64{100, 200, 250, 300, 500, 700, 1000, 2000, 3000, 5000, 7000, 10_000, 15_000, 30_000, 60_000, 120_000, 600_000, 1800_000, 3600_000, 21_600_000} {
			if a <= size && size/a <= 8 && (g.evt.tsHi-g.evt.tsLo)/a <= 3000 {
				advs = append(advs, a)
			}
		}
		if len(advs) > 0 {
			w.adv = pickOf(g, advs)
			w.advV = sizeSpellings(w.adv)
		}
	}
	return g.aggregating(q, g.pick(3), w)
}

// windowClause is the query's WINDOW clause in velocc.
func (g *gen) windowClause(w *window) string {
	if w.session {
		switch {
		case w.timeV != "":
			return fmt.Sprintf("WINDOW SESSION(%s, %s)", w.timeV, pickOf(g, w.sizeV))
		case w.size%1000 == 0 && g.pct(40):
			return fmt.Sprintf("WINDOW SESSION (%s)", ksqlDuration(w.size))
		}
		return fmt.Sprintf("WINDOW SESSION(%s)", pickOf(g, w.sizeV))
	}
	if w.adv == 0 {
		if w.timeV != "" {
			return fmt.Sprintf("WINDOW TUMBLING(%s, %s)", w.timeV, pickOf(g, w.sizeV))
		}
		return fmt.Sprintf("WINDOW %s(%s)", pickOf(g, []string{"TUMBLING", "TUMBLING", "TUMBLE"}), pickOf(g, w.sizeV))
	}
	kind := pickOf(g, []string{"HOPPING", "HOPPING", "SLIDING", "HOP"})
	if w.timeV != "" {
		return fmt.Sprintf("WINDOW %s(%s, %s, %s)", kind, w.timeV, pickOf(g, w.sizeV), pickOf(g, w.advV))
	}
	if w.size%1000 == 0 && w.adv%1000 == 0 && g.pct(40) {
		// ksqlDB's named parameters.
		return fmt.Sprintf("WINDOW HOPPING (SIZE %s, ADVANCE BY %s)", ksqlDuration(w.size), ksqlDuration(w.adv))
	}
	return fmt.Sprintf("WINDOW %s(%s, %s)", kind, pickOf(g, w.sizeV), pickOf(g, w.advV))
}

// ksqlDuration spells a whole number of seconds as ksqlDB does: 5 SECONDS, 1 MINUTE, 2 HOURS.
func ksqlDuration(ms int64) string {
	n, unit := ms/1000, "SECOND"
	for _, u := range []struct {
		ms   int64
		name string
	}{{86_400_000, "DAY"}, {3600_000, "HOUR"}, {60_000, "MINUTE"}} {
		if ms%u.ms == 0 {
			n, unit = ms/u.ms, u.name
			break
		}
	}
	if n != 1 {
		unit += "S"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// sessionMs is the DuckDB column of a session query's subquery that holds the record's time in epoch ms.
const sessionMs = "_velocc_ms"

// sessionFrom is the DuckDB relation of a session query: rel (the source with the keys and the record's time, and
// the WHERE condition applied) with each record's session number per key in column w.startD. A session starts at a
// time more than the gap after the latest earlier time of its key. Records of equal time (duplicates too) see the
// same earlier time and, with RANGE frames, the same running sum, so they share a number whatever their order.
func (g *gen) sessionFrom(rel string, w *window, nkeys int) string {
	var part []string
	for i := 0; i < nkeys; i++ {
		part = append(part, fmt.Sprintf("_velocc_k%d", i))
	}
	over := "ORDER BY " + sessionMs
	if len(part) > 0 {
		over = "PARTITION BY " + strings.Join(part, ", ") + " " + over
	}
	starts := fmt.Sprintf("(SELECT *, CASE WHEN %[1]s - max(%[1]s) OVER (%[2]s RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) <= %[3]d THEN 0 ELSE 1 END AS _velocc_new FROM %[4]s)", sessionMs, over, w.size, rel)
	return fmt.Sprintf("(SELECT *, sum(_velocc_new) OVER (%s RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS %s FROM %s)", over, w.startD, starts)
}

// windowStartD is the DuckDB select item giving each record its window start: for a hopping window, one row per
// window the record is in (the multiples s of the advance with s <= ms < s + size).
func windowStartD(w *window) string {
	if w.session {
		return w.msD + " AS " + sessionMs
	}
	if w.adv == 0 {
		return fmt.Sprintf("%s // %d * %d AS %s", w.msD, w.size, w.size, w.startD)
	}
	return fmt.Sprintf("unnest(generate_series((%[1]s - %[2]d) // %[3]d * %[3]d + %[3]d, %[1]s // %[3]d * %[3]d, %[3]d)) AS %[4]s", w.msD, w.size, w.adv, w.startD)
}

// sizeSpellings are the ways velocc can write a window size.
func sizeSpellings(ms int64) []string {
	out := []string{fmt.Sprintf("INTERVAL '%d' MILLISECOND", ms), fmt.Sprintf("%dms", ms)}
	for _, u := range []struct {
		ms         int64
		name, unit string
	}{{1000, "SECOND", "s"}, {60_000, "MINUTE", "m"}, {3600_000, "HOUR", "h"}, {86_400_000, "DAY", "d"}} {
		if ms%u.ms == 0 {
			n := ms / u.ms
			out = append(out, fmt.Sprintf("INTERVAL '%d' %s", n, u.name), fmt.Sprintf("INTERVAL %d %sS", n, u.name), fmt.Sprintf("%d%s", n, u.unit))
		}
	}
	return out
}

func (g *gen) aggregating(q *randomQuery, nkeys int, w *window) *randomQuery {
	g.global = nkeys == 0 && w == nil
	g.session = w != nil && w.session
	defer func() { g.global, g.session = false, false }()
	sc := &scope{group: true, window: w}
	var keyV, keyD []string
	for i := 0; i < nkeys; i++ {
		k := g.key()
		dup := false
		for _, o := range sc.keys {
			dup = dup || o.v == k.v
		}
		if dup {
			continue
		}
		sc.keys = append(sc.keys, k)
	}
	// DuckDB computes the keys in a subquery and groups by its columns: it then never has to match an expression
	// over the keys (HAVING NOT (a = b) with GROUP BY (a = b)) against the GROUP BY list.
	var inner []string
	for i, k := range sc.keys {
		col := fmt.Sprintf("_velocc_k%d", i)
		inner = append(inner, k.d+" AS "+col)
		kc := *k
		kc.d = col
		sc.keys[i] = &kc
	}
	var vs, ds []string
	var items []*expr
	aliasOfKey := map[int]string{}
	for i, k := range sc.keys {
		if g.pct(85) || len(sc.keys) == 1 && g.pct(50) {
			a := g.alias("k", i)
			vs = append(vs, k.v+" AS "+a)
			ds = append(ds, k.d+" AS "+a)
			q.types = append(q.types, k.t)
			aliasOfKey[i] = a
		}
	}
	for i, k := range sc.keys {
		v := k.v
		// GROUP BY may name the SELECT alias of a key that is an expression.
		if a, ok := aliasOfKey[i]; ok && !isColumnRef(k, g) && g.pct(25) {
			v = a
		}
		keyV, keyD = append(keyV, v), append(keyD, k.d)
	}
	if w != nil {
		for i := 0; i < 1+g.pick(2); i++ {
			b := g.windowBound(w)
			a := g.alias("w", i)
			vs = append(vs, b.v+" AS "+a)
			ds = append(ds, b.d+" AS "+a)
			q.types = append(q.types, b.t)
		}
	}
	nagg := 1 + g.pick(4)
	anyAgg := false
	for i := 0; i < nagg; i++ {
		var e *expr
		if g.pct(55) {
			e = g.aggregate(g.aggCat(), 1+g.pick(2))
		} else {
			e = g.of(sc, g.anyCat(), 1+g.pick(2))
		}
		if e == nil || len(sc.keys) == 0 && w == nil && i == nagg-1 && !anyAgg && !e.agg {
			e = g.countStar() // a query without keys or window aggregates through its SELECT list
		}
		anyAgg = anyAgg || e.agg
		a := g.alias("a", i)
		vs = append(vs, e.v+" AS "+a)
		ds = append(ds, e.d+" AS "+a)
		q.types = append(q.types, e.t)
		items = append(items, &expr{t: e.t, dw: e.dw, v: a, d: "(" + e.d + ")", b: e.b, flags: e.flags})
	}
	if w != nil {
		inner = append(inner, windowStartD(w))
	}
	var wh *expr
	if g.pct(50) {
		wh = g.boolean(rowScope, 1+g.pick(2))
	}
	from := g.fromD(g.relD())
	if len(inner) > 0 {
		src := from
		rel := fmt.Sprintf("(SELECT *, %s FROM %s)", strings.Join(inner, ", "), src)
		if w != nil && w.session {
			// The WHERE condition goes first: a record it drops does not join sessions.
			if wh != nil {
				rel = fmt.Sprintf("(SELECT *, %s FROM %s WHERE %s)", strings.Join(inner, ", "), src, wh.d)
			}
			rel = g.sessionFrom(rel, w, len(sc.keys))
		}
		from = g.fromD(rel)
	}
	q.velocc = "SELECT " + strings.Join(vs, ", ") + " FROM " + g.fromV()
	q.duckdb = "SELECT " + strings.Join(ds, ", ") + " FROM " + from
	if wh != nil {
		q.velocc += " WHERE " + wh.v
		if w == nil || !w.session {
			q.duckdb += " WHERE " + wh.d
		}
	}
	var clauses []string
	if len(keyV) > 0 {
		clauses = append(clauses, "GROUP BY "+strings.Join(keyV, ", "))
	}
	gd := append([]string{}, keyD...)
	if w != nil {
		gd = append(gd, w.startD)
		clauses = append(clauses, g.windowClause(w))
	}
	if len(gd) > 0 {
		q.duckdb += " GROUP BY " + strings.Join(gd, ", ")
	}
	if g.pct(40) {
		hs := &scope{group: true, keys: sc.keys, window: w, items: items}
		h := g.boolean(hs, 1+g.pick(2))
		clauses = append(clauses, "HAVING "+h.v)
		q.duckdb += " HAVING " + h.d
	}
	if w == nil || g.pct(50) {
		clauses = append(clauses, "EMIT FINAL")
	}
	if g.pct(30) {
		g.r.Shuffle(len(clauses), func(i, j int) { clauses[i], clauses[j] = clauses[j], clauses[i] })
	}
	if len(clauses) > 0 {
		q.velocc += " " + strings.Join(clauses, " ")
	}
	return q
}

func (g *gen) aggCat() category {
	switch n := g.pick(100); {
	case n < 70:
		return catNum
	case n < 85:
		return catStr
	case n < 95:
		return catTime
	}
	return catBool
}

func isColumnRef(e *expr, g *gen) bool {
	for _, c := range g.cols {
		if e.v == g.col(c).v {
			return true
		}
	}
	return false
}
