// Stream–table joins: the relations a query reads, how a column names one of them, and each JOIN's plan: a key
// lookup when ON fixes the table's whole primary key, a scan of the table otherwise, and what a record without a
// matching row does ('<table>.join.missing').
package compiler

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// Join is one stream–table join of a query. Each record of the query's stream, with the rows the joins before this
// one found, is matched against Table's rows as they are when the record is processed.
type Join struct {
	Index int // 1-based position among the query's joins
	Table *Source
	Alias string // the name the query gives the table: its alias, or its own name
	Left  bool   // LEFT [OUTER] JOIN
	// Key holds, in the order of the table's primary key, the row expressions (over the stream and the rows of
	// earlier joins) that the key's columns must equal, when ON fixes the whole key: at most one row matches, found
	// by a lookup. Key is nil when ON does not fix it: every row of the table is tried (a scan).
	Key []Expr
	On  Expr // the rest of ON, evaluated with the table's row; nil when nothing is left
	// Missing is what a record without a matching row does: "nulls" (keep it, the table's columns NULL), "skip"
	// (drop it), "defaults" (keep it with Defaults), "fail" (stop the job) or "retry" (hold it until the key
	// appears or RetryTimeout passes, then do Then).
	Missing      string
	RetryTimeout int64  // milliseconds
	Then         string // after a retry times out: nulls, skip, defaults or fail
	// Defaults holds, for Missing = "defaults", the value of each table column (by Field.Index) in a record
	// without a match; nil entries are NULL.
	Defaults []*Const
	// AsOf is the time of FOR SYSTEM_TIME AS OF (a TIMESTAMP row expression): the record joins the version of its
	// key valid then, the latest at or before it. nil joins the key's current row.
	AsOf Expr
	Loc  Loc

	// Stream is set for a join of two streams (interval.go): Table is then the other stream, and Interval says
	// which of its rows meet a record. Key holds the record's side of ON's equalities, OtherKey the other
	// stream's, pairwise; On the rest of ON.
	Stream   bool
	Interval *TimeBound
	OtherKey []Expr
	// Right is set for RIGHT and FULL joins of two streams: the other stream's rows that meet no record are
	// emitted too, with the record's columns NULL.
	Right bool
}

// Fill is what a record that finds no row ends up doing: Missing, or for retry, Then.
func (j *Join) Fill() string {
	if j.Missing == "retry" {
		return j.Then
	}
	return j.Missing
}

// AtEventTime reports whether j looks its table's versions up (FOR SYSTEM_TIME AS OF) at the event time of the
// stream of q, its query: q's watermark then bounds the times q can still look up.
func (j *Join) AtEventTime(q *Query) bool {
	c, ok := j.AsOf.(*ColRef)
	return ok && c.Join == nil && q.Source.EventTime != nil && c.Field == q.Source.EventTime
}

// DropsVersions reports whether the versions of table t that no record can reach any more are dropped: every
// query that joins t FOR SYSTEM_TIME AS OF does so at its stream's event time, and holds no records
// ('join.missing' = 'retry': a held record looks its versions up later, whatever the watermark did meanwhile).
func (p *Plan) DropsVersions(t *Source) bool {
	if t.VersionTime == nil {
		return false
	}
	for _, q := range p.Queries {
		for _, j := range q.Joins {
			if j.Table == t && j.AsOf != nil && (!j.AtEventTime(q) || retries(q)) {
				return false
			}
		}
	}
	return true
}

// retries reports whether q holds records ('join.missing' = 'retry' on its first join).
func retries(q *Query) bool { return len(q.Joins) > 0 && q.Joins[0].Missing == "retry" }

// Extends reports whether a record without a matching row goes on, with filler values for the table's columns.
func (j *Join) Extends() bool { return j.Fill() == "nulls" || j.Fill() == "defaults" }

// FillNull reports whether column f of the table is NULL in a record without a matching row.
func (j *Join) FillNull(f *Field) bool {
	return j.Fill() != "defaults" || j.Defaults[f.Index] == nil
}

// joinMissing lists the values of '<table>.join.missing'.
var joinMissing = []string{"nulls", "skip", "defaults", "fail", "retry"}

// defaultRetryTimeout is how long 'join.missing' = 'retry' holds a record without 'join.retry.timeout'.
const defaultRetryTimeout = 30_000

// rel is one relation a query reads: its stream (join nil) or a joined table.
type rel struct {
	src   *Source
	alias string // as written; "" when none
	join  *Join
}

// named reports whether a qualifier names r: its alias, or its own name.
func (r *rel) named(q string) bool {
	return strings.EqualFold(q, r.alias) || strings.EqualFold(q, r.src.Name)
}

func (r *rel) String() string {
	if r.alias != "" && !strings.EqualFold(r.alias, r.src.Name) {
		return fmt.Sprintf("%q (%s)", r.src.Name, r.alias)
	}
	return strconv.Quote(r.src.Name)
}

// visible returns the relations a column may name: while a JOIN's ON is checked, those up to that join.
func (qc *qctx) visible() []*rel {
	if qc.nvis > 0 {
		return qc.rels[:qc.nvis]
	}
	return qc.rels
}

// relNamed returns the visible relation the qualifier q names, or nil.
func (qc *qctx) relNamed(q string) *rel {
	if qc.inner != nil && qc.inner.named(q) {
		return qc.inner
	}
	vis := qc.visible()
	for _, r := range vis {
		if r.alias != "" && strings.EqualFold(q, r.alias) {
			return r
		}
	}
	for _, r := range vis {
		if r.named(q) {
			return r
		}
	}
	return nil
}

// find looks up an unqualified column among the visible relations: the relation that has it, and the other
// relations that have it too (an ambiguous name).
func (qc *qctx) find(name string) (*rel, *Field, []*rel) {
	if qc.inner != nil {
		if f := qc.inner.src.field(name); f != nil {
			return qc.inner, f, nil // a subquery's table hides the outer query's columns of the same name
		}
	}
	var (
		at    *rel
		found *Field
		also  []*rel
	)
	for _, r := range qc.visible() {
		if f := r.src.field(name); f != nil {
			if found == nil {
				at, found = r, f
			} else {
				also = append(also, r)
			}
		}
	}
	return at, found, also
}

// has reports whether some relation of the query has a column called name.
func (qc *qctx) has(name string) bool {
	_, f, _ := qc.find(name)
	return f != nil
}

// starOf returns the relations a star item expands: o.* names one, * all of them (the stream's columns first).
// An unknown qualifier is reported and gives none.
func (c *checker) starOf(qc *qctx, it *grammar.SelectItem) []*rel {
	if it.StarOf == nil {
		return qc.rels
	}
	if r := qc.relNamed(it.StarOf.Name); r != nil {
		return []*rel{r}
	}
	c.errorf(CodeUnknownSource, it.StarOf.Span(), "unknown qualifier %q: this query reads %s", it.StarOf.Name, qc.relNames())
	return nil
}

// qualifier returns an identifier that names r in the query.
func (r *rel) qualifier() *grammar.Ident {
	if r.alias != "" {
		return &grammar.Ident{Name: r.alias, Quoted: true}
	}
	return &grammar.Ident{Name: r.src.Name, Quoted: true}
}

// relNames lists the visible relations for messages.
func (qc *qctx) relNames() string {
	var names []string
	for _, r := range qc.visible() {
		names = append(names, r.String())
	}
	return strings.Join(names, ", ")
}

// colTag is the part of a column's normal form (canon) that says which relation it reads: "" for the stream's
// columns, "<join index>." for a table's, "?." for a name no relation has. Queries without joins have only "".
func (qc *qctx) colTag(v *grammar.Column) string {
	if len(qc.rels) < 2 && qc.inner == nil {
		return ""
	}
	var r *rel
	if v.Qualifier != nil {
		r = qc.relNamed(v.Qualifier.Name)
	} else {
		r, _, _ = qc.find(v.Name.Name)
	}
	switch {
	case r == nil:
		return "?."
	case r.join == nil:
		return ""
	}
	return strconv.Itoa(r.join.Index) + "."
}

// joins checks the JOIN clauses of sel, after its FROM: each names a table, and its ON sees the stream and the
// tables joined before it. ps holds the query's WITH properties by owner; the join keys of each table are taken
// from it. It reports whether every join is good.
func (c *checker) joins(qc *qctx, sel *grammar.Select, byName map[string]props) bool {
	ok := true
	for i, gj := range sel.Joins {
		j := &Join{Index: i + 1, Loc: c.loc(gj.Span())}
		switch gj.Kind {
		case "", "INNER":
		case "LEFT", "LEFT OUTER":
			j.Left = true
		case "RIGHT", "RIGHT OUTER", "FULL", "FULL OUTER":
			if !c.isStream(gj.Right) {
				c.errorf(CodeUnsupported, gj.Span(), "%s JOIN of a table is not supported: a stream joins a table with JOIN (inner) or LEFT JOIN; a table's rows never drive a stream–table join", gj.Kind)
				ok = false
				continue
			}
			j.Left = strings.HasPrefix(gj.Kind, "FULL")
			j.Right = true
		case "CROSS":
			c.errorf(CodeUnsupported, gj.Span(), "CROSS JOIN is not supported; write JOIN %s ON true to pair every record with every row of the table", gj.Right.Name.Name)
			ok = false
			continue
		default:
			c.errorf(CodeUnsupported, gj.Span(), "%s JOIN is not supported: a stream joins a table with JOIN (inner) or LEFT JOIN; a table's rows never drive a stream–table join", gj.Kind)
			ok = false
			continue
		}
		name := gj.Right.Name.Name
		t := c.sources[strings.ToLower(name)]
		if out := c.outputs[strings.ToLower(name)]; t == nil && out != nil {
			if t = c.derivedStream(out, gj.Right.Name.Span()); t == nil { // graph.go
				ok = false
				continue
			}
		}
		if t == nil {
			t = c.tableFromWith(name, byName, gj.Right.Name.Span())
		}
		switch {
		case t == nil && c.sinks[strings.ToLower(name)]:
			c.errorf(CodeUnsupported, gj.Right.Name.Span(), "%q is the output of a query in this script; joining a derived stream or table is not supported yet", name)
			ok = false
			continue
		case t == nil:
			var tables []string
			for _, s := range c.plan.Sources {
				if s.IsTable {
					tables = append(tables, s.Name)
				}
			}
			c.errorf(CodeUnknownSource, gj.Right.Name.Span(), "unknown table %q: declare it with CREATE TABLE %s (... PRIMARY KEY ...) WITH (...)%s", name, name, suggest(name, tables))
			ok = false
			continue
		case !t.IsTable:
			if !c.streamJoin(qc, gj, j, t, i) { // interval.go
				ok = false
			}
			continue
		case c.broken[t]:
			ok = false
			continue
		case gj.Within != nil:
			c.errorf(CodeUnsupported, gj.Within.Span(), "WITHIN bounds a join of two streams in time; %q is a table, whose rows a record meets as they are when it is processed", name)
			ok = false
			continue
		}
		j.Table = t
		r := &rel{src: t, join: j}
		if gj.Right.Alias != nil {
			r.alias = gj.Right.Alias.Name
		}
		j.Alias = t.Name
		if r.alias != "" {
			j.Alias = r.alias
		}
		for _, o := range qc.rels {
			if strings.EqualFold(o.alias, j.Alias) || o.alias == "" && strings.EqualFold(o.src.Name, j.Alias) {
				c.errorf(CodeDuplicate, gj.Right.Span(), "%q names two relations of this query; give one an alias: JOIN %s AS %s2", j.Alias, name, strings.ToLower(name[:1]))
				ok = false
			}
		}
		if gj.AsOf != nil && !c.joinAsOf(qc, gj, j) {
			ok = false
			continue
		}
		qc.rels = append(qc.rels, r)
		qc.nvis = len(qc.rels)
		if !c.joinOn(qc, gj, j) {
			ok = false
		}
		qc.nvis = 0
		if j.AsOf != nil && j.Key == nil && gj.On != nil {
			c.errorf(CodeUnsupported, gj.On.Span(), "FOR SYSTEM_TIME AS OF looks up the versions of one key: ON must fix the whole primary key of %q", t.Name)
			ok = false
		}
		if !c.joinMissing(j, byName) {
			ok = false
		}
		if j.Missing == "retry" && (i > 0 || j.Key == nil) {
			c.errorf(CodeUnsupported, gj.Span(), "'%s.join.missing' = 'retry' works on the first join of a query, when ON fixes the table's whole primary key", t.Name)
			ok = false
		}
		qc.q.Joins = append(qc.q.Joins, j)
	}
	// The properties of the tables were taken; those of a table the query does not join are reported as unknown
	// owners by the caller.
	return ok
}

// joinOn checks j's ON and splits it into the key lookup and the rest.
func (c *checker) joinOn(qc *qctx, gj *grammar.Join, j *Join) bool {
	if gj.On == nil {
		c.errorf(CodeUnsupported, gj.Span(), "JOIN %s needs ON: ON %s.<key> = <column of the stream>, or ON true for every row", j.Table.Name, j.Alias)
		return false
	}
	if hasAggregate(gj.On) {
		c.errorf(CodeAggregateContext, gj.On.Span(), "aggregate functions are not allowed in ON")
		return false
	}
	if lit, isLit := unparen(gj.On).(*grammar.Literal); isLit && lit.Kind == grammar.LitBool && lit.Text == "true" {
		return true // every row: a scan with nothing to test
	}
	x := c.expr(qc, gj.On, modeRow)
	if x == nil {
		return false
	}
	on := c.wantBool(x, gj.On, "ON")
	if on == nil {
		return false
	}
	parts := map[*Field]Expr{}
	var rest []Expr
	for _, cj := range conjuncts(on) {
		if f, other := keyPart(cj, j); f != nil && parts[f] == nil {
			parts[f] = other
			continue
		}
		rest = append(rest, cj)
	}
	full := len(j.Table.PrimaryKey) > 0
	for _, f := range j.Table.PrimaryKey {
		if parts[f] == nil {
			full = false
		}
	}
	if !full {
		j.On = on
		var key []string
		for _, f := range j.Table.PrimaryKey {
			key = append(key, f.Name)
		}
		c.warnf(CodeJoinScan, gj.On.Span(), "ON does not fix the whole primary key of %q (%s) with equalities to the stream's values: every record is tested against every row of the table, a cost that grows with the table", j.Table.Name, strings.Join(key, ", "))
		return true
	}
	for _, f := range j.Table.PrimaryKey {
		j.Key = append(j.Key, parts[f])
	}
	for _, r := range rest {
		if j.On == nil {
			j.On = r
		} else {
			j.On = &Binary{Op: OpAnd, L: j.On, R: r, T: TBool}
		}
	}
	return true
}

// conjuncts splits x at its top-level ANDs.
func conjuncts(x Expr) []Expr {
	if b, ok := x.(*Binary); ok && b.Op == OpAnd {
		return append(conjuncts(b.L), conjuncts(b.R)...)
	}
	return []Expr{x}
}

// keyPart recognizes `key column = value` in ON: a primary-key column of j's table, as it is (not converted),
// equal to an expression that reads no column of that table. It returns the column and the expression, or nil.
func keyPart(x Expr, j *Join) (*Field, Expr) {
	b, ok := x.(*Binary)
	if !ok || b.Op != OpEq {
		return nil, nil
	}
	for _, side := range [2][2]Expr{{b.L, b.R}, {b.R, b.L}} {
		tab, other := side[0], side[1]
		widened := false
		if c, isCast := tab.(*Cast); isCast {
			tab, widened = c.X, true // the key column, compared in a wider type
		}
		col, isCol := tab.(*ColRef)
		if !isCol || col.Join != j || !isKeyField(j.Table, col.Field) || readsJoin(other, j) {
			continue
		}
		switch {
		case !widened && other.Type() == col.Field.Type:
			return col.Field, other
		case widened && exactTo(other.Type(), col.Field.Type):
			return col.Field, &Exact{X: other, T: col.Field.Type}
		}
	}
	return nil, nil
}

// Exact is X converted to T when X has an exact T value, NULL otherwise: the key value a lookup uses when the key
// column is compared in a wider type (a BIGINT with an INT key, a DECIMAL of another scale). A value with no exact
// key value equals no key.
type Exact struct {
	X Expr
	T Type
}

// Type implements Expr.
func (e *Exact) Type() Type { return e.T }

// exactTo reports whether generated code can convert from to to exactly (Exact).
func exactTo(from, to Type) bool {
	switch {
	case to.Kind == Int:
		return from.Kind == BigInt || from.Kind == Decimal || from.Kind == Double
	case to.Kind == BigInt:
		return from.Kind == Decimal || from.Kind == Double
	case to.Kind == Decimal:
		return from.Kind == Decimal
	}
	return false
}

func isKeyField(s *Source, f *Field) bool {
	for _, k := range s.PrimaryKey {
		if k == f {
			return true
		}
	}
	return false
}

// readsJoin reports whether x reads a column of j's table.
func readsJoin(x Expr, j *Join) bool {
	found := false
	visitExpr(x, func(e Expr) {
		if c, ok := e.(*ColRef); ok && c.Join == j {
			found = true
		}
	})
	return found
}

// joinMissing reads '<table>.join.missing' and '<table>.join.default.<column>' from the query's WITH (the owner
// is the table's name or its alias).
func (c *checker) joinMissing(j *Join, byName map[string]props) bool {
	j.Missing = "skip"
	if j.Left {
		j.Missing = "nulls"
	}
	ps := props{}
	for _, owner := range []string{strings.ToLower(j.Table.Name), strings.ToLower(j.Alias)} {
		for k, p := range byName[owner] {
			if strings.HasPrefix(k, "join.") {
				ps[k] = p
				delete(byName[owner], k)
			}
		}
		if len(byName[owner]) == 0 {
			delete(byName, owner)
		}
	}
	ok := true
	if p := ps["join.missing"]; p != nil {
		p.used = true
		v := strings.ToLower(p.value)
		switch v {
		case "nulls", "skip", "defaults", "fail":
			j.Missing = v
		case "retry":
			j.Missing, j.RetryTimeout, j.Then = v, defaultRetryTimeout, "skip"
			if j.Left {
				j.Then = "nulls"
			}
		default:
			c.errorf(CodeBadProperty, p.span, "unknown %s %q; expected one of: %s", p.key, p.value, strings.Join(joinMissing, ", "))
			ok = false
		}
	}
	// retrySetting returns the property named key when it is given and the join retries; one given without retry
	// is reported.
	retrySetting := func(key string) *prop {
		p := ps[key]
		if p == nil {
			return nil
		}
		p.used = true
		if j.Missing != "retry" {
			c.errorf(CodeBadProperty, p.keySpan, "%s is given but '%s.join.missing' is %q: it applies only with 'retry'", p.key, j.Table.Name, j.Missing)
			ok = false
			return nil
		}
		return p
	}
	if p := retrySetting("join.retry.timeout"); p != nil {
		if ms, msg := parseDuration(p.value); msg != "" || ms <= 0 {
			c.errorf(CodeBadProperty, p.span, "%s must be a positive duration such as 30s, got %q", p.key, p.value)
			ok = false
		} else {
			j.RetryTimeout = ms
		}
	}
	if p := retrySetting("join.retry.then"); p != nil {
		if v := strings.ToLower(p.value); v == "nulls" || v == "skip" || v == "defaults" || v == "fail" {
			j.Then = v
		} else {
			c.errorf(CodeBadProperty, p.span, "unknown %s %q; expected one of: nulls, skip, defaults, fail", p.key, p.value)
			ok = false
		}
	}
	var defaults []*prop
	for k, p := range ps {
		switch {
		case k == "join.missing", k == "join.retry.timeout", k == "join.retry.then":
		case strings.HasPrefix(k, "join.default."):
			defaults = append(defaults, p)
		default:
			c.warnf(CodeUnknownProperty, p.keySpan, "unknown property %q for the join with %q is ignored; known: join.missing, join.default.<column>, join.retry.timeout, join.retry.then", p.key, j.Table.Name)
		}
	}
	slices.SortFunc(defaults, func(a, b *prop) int { return a.keySpan.Start.Offset - b.keySpan.Start.Offset })
	j.Defaults = make([]*Const, len(j.Table.Fields))
	if len(defaults) == 0 {
		if j.Fill() == "defaults" {
			c.warnf(CodeBadProperty, ps["join.missing"].span, "'join.missing' = 'defaults' without any '%s.join.default.<column>': a record without a match gets NULLs, as with 'nulls'", j.Table.Name)
		}
		return ok
	}
	for _, p := range defaults {
		p.used = true
		col := p.key[strings.Index(strings.ToLower(p.key), ".join.default.")+len(".join.default."):]
		f := j.Table.field(col)
		if f == nil || f.Meta != "" {
			c.errorf(CodeUnknownColumn, p.keySpan, "%s: %q is not a column of table %q%s", p.key, col, j.Table.Name, suggest(col, fieldNames(j.Table.Fields)))
			ok = false
			continue
		}
		k, msg := constOf(p.value, f.Type)
		if k == nil {
			c.errorf(CodeBadLiteral, p.span, "%s: %q is not a %s value for column %q: %s", p.key, p.value, f.Type, f.Name, msg)
			ok = false
			continue
		}
		j.Defaults[f.Index] = k
	}
	if j.Fill() != "defaults" {
		c.errorf(CodeBadProperty, defaults[0].keySpan, "%s is given but '%s.join.missing' is %q: defaults apply only with 'join.missing' = 'defaults'", defaults[0].key, j.Table.Name, j.Missing)
		ok = false
	}
	return ok
}

// constOf reads a default value written as text for a column of type t; on failure it says why.
func constOf(text string, t Type) (*Const, string) {
	s := strings.TrimSpace(text)
	switch t.Kind {
	case Varchar:
		return &Const{T: t, Str: text}, ""
	case Bool:
		switch strings.ToLower(s) {
		case "true":
			return &Const{T: t, Bool: true}, ""
		case "false":
			return &Const{T: t}, ""
		}
		return nil, "write true or false"
	case Int, BigInt, Timestamp:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || t.Kind == Int && (n < math.MinInt32 || n > math.MaxInt32) {
			if t.Kind == Timestamp {
				return nil, "write epoch milliseconds"
			}
			return nil, "not an integer in range"
		}
		return &Const{T: t, Int: n}, ""
	case Double:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, "not a number"
		}
		return &Const{T: t, Float: f}, ""
	case Decimal:
		neg := strings.HasPrefix(s, "-")
		digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
		ip, fp, _ := strings.Cut(digits, ".")
		if ip == "" && fp == "" || strings.Trim(ip+fp, "0123456789") != "" {
			return nil, "not a decimal number"
		}
		if ip == "" {
			ip = "0"
		}
		d, _ := new(big.Int).SetString(ip+fp, 10)
		if neg {
			d.Neg(d)
		}
		k, okFold := foldCast(&Const{T: Dec(int32(len(ip)+len(fp)), int32(len(fp))), Dec: d}, t)
		if !okFold {
			return nil, fmt.Sprintf("it does not fit %s exactly", t)
		}
		return k, ""
	}
	return nil, "defaults of this type are not supported"
}

// tableKeys are the properties of a table's source besides a stream's.
var tableKeys = []string{"wait.timeout", "file.wait.timeout", "file.retry.interval"}

// tableWaits reads how long a table's job waits for its load and for its files.
func (c *checker) tableWaits(src *Source, ps props) {
	for _, k := range tableKeys {
		p, ok := ps.get(k)
		if !ok {
			continue
		}
		if src.Type == "kafka_source" && strings.HasPrefix(k, "file.") {
			c.warnf(CodeUnknownProperty, p.keySpan, "%s is ignored: it is a setting of file tables, and %q is read from kafka", p.key, src.Name)
			continue
		}
		ms, msg := parseDuration(p.value)
		if msg != "" || ms <= 0 {
			c.errorf(CodeBadProperty, p.span, "%s must be a positive duration such as 30s or 5m, got %q", p.key, p.value)
			continue
		}
		switch k {
		case "wait.timeout":
			src.WaitTimeout = ms
		case "file.wait.timeout":
			src.FileWaitTimeout = ms
		case "file.retry.interval":
			src.FileRetryInterval = ms
		}
	}
}

// joinAsOf checks FOR SYSTEM_TIME AS OF: the table needs an event time, which orders its versions, and the time
// is a TIMESTAMP of the record (or of the tables joined before).
func (c *checker) joinAsOf(qc *qctx, gj *grammar.Join, j *Join) bool {
	t := j.Table
	if t.Type == "kafka_source" {
		c.errorf(CodeUnsupported, gj.AsOf.Span(), "FOR SYSTEM_TIME AS OF over the Kafka table %q is not supported yet: load its versions from files", t.Name)
		return false
	}
	if t.EventTime == nil {
		c.errorf(CodeUnsupported, gj.AsOf.Span(), "FOR SYSTEM_TIME AS OF needs the versions of %q in event time: give the table an 'event.time.field'", t.Name)
		return false
	}
	qc.nvis = len(qc.rels)
	x := c.expr(qc, gj.AsOf, modeRow)
	qc.nvis = 0
	if x == nil {
		return false
	}
	if k := x.Type().Kind; k != Timestamp {
		c.errorf(CodeTypeMismatch, gj.AsOf.Span(), "FOR SYSTEM_TIME AS OF needs a TIMESTAMP, but this is %s", x.Type())
		return false
	}
	j.AsOf = x
	if t.VersionTime == nil {
		t.VersionTime = c.eventTime(t.EventTime, t.Loc)
	}
	return true
}

// tableFromWith declares a table that a query joins without CREATE TABLE, Velostream's way: from its properties in
// the query's WITH ('<table>.type', '<table>.path', '<table>.config_file', ...), its columns from the config
// file's schema.fields, and its primary key from '<table>.primary_key' or, in the config file, table.primary_key,
// metadata.primary_key or the Kafka key.field. It returns nil when the WITH says nothing of the table (only its
// join.* settings, which the join takes).
func (c *checker) tableFromWith(name string, byName map[string]props, at grammar.Span) *Source {
	owner := strings.ToLower(name)
	ps := props{}
	for k, p := range byName[owner] {
		if !strings.HasPrefix(k, "join.") {
			ps[k] = p
			delete(byName[owner], k)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	t := &Source{Name: name, GoName: uniqueGoName(c.goNames, name), IsTable: true, Loc: c.loc(at)}
	c.configureSource(t, ps, at)
	c.tableWaits(t, ps)
	var keys []string
	for _, k := range []string{"primary_key", "table.primary_key", "metadata.primary_key"} {
		if p, ok := ps.get(k); ok && len(keys) == 0 {
			for _, n := range strings.Split(p.value, ",") {
				if n = strings.Trim(strings.TrimSpace(n), "[]\"' "); n != "" {
					keys = append(keys, n)
				}
			}
		}
	}
	if len(keys) == 0 && t.KeyField != nil {
		keys = []string{t.KeyField.Name}
	}
	if len(keys) == 0 && !c.broken[t] {
		c.errorf(CodeBadProperty, at, "table %q is declared in the query's WITH without a primary key: add '%s.primary_key' = '<column>' (or primary_key in its config file's table: section)", name, name)
	}
	for _, k := range keys {
		f := t.field(k)
		if f == nil || f.Meta != "" {
			if len(t.Fields) > 0 {
				c.errorf(CodeUnknownColumn, at, "primary key %q is not a column of table %q%s", k, name, suggest(k, fieldNames(t.Fields)))
			}
			continue
		}
		f.Nullable = false
		t.PrimaryKey = append(t.PrimaryKey, f)
	}
	known := append(append(sourceKeys[:len(sourceKeys):len(sourceKeys)], tableKeys...), "primary_key", "table.primary_key", "metadata.primary_key")
	c.warnUnused(ps, "table "+strconv.Quote(name), knownKeys(known, t.Type, false))
	c.sources[owner] = t
	c.plan.Sources = append(c.plan.Sources, t)
	return t
}
