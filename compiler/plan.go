// The typed plan: the fully resolved description of a job that codegen turns into Go. It holds no grammar nodes.
package compiler

import (
	"math/big"
	"strings"
)

// Plan is a checked script: its sources, sinks and queries.
type Plan struct {
	File    string // script file name as given
	JobName string // base name of the file without extension
	SQL     string // the whole script
	Sources []*Source
	Sinks   []*Sink
	Queries []*Query
	Tables  []*Source // the tables built by queries (Source.Query), in script order
	Streams []*Source // the streams written by queries that later queries read (Source.Writers), in script order
	Kafka   bool      // link the Kafka transport even if no source or sink is declared kafka (velocc build --kafka)

	// Job settings from the queries' WITH (jobprops.go): the memory budget in MiB, 0 for none, and what state
	// beyond it does: "fail" (also "") or "spill".
	MaxMemoryMB   int64
	StateOverflow string
	// HTTPAddress is 'job.http.address': where the job serves its metrics, health and status ("" for nowhere,
	// unless the job's --http says).
	HTTPAddress string
	// Guarantee is 'processing.guarantee' when it is exactly_once: a Kafka job then writes its rows, its state
	// and its offsets in one transaction per commit; "" for at least once.
	Guarantee string

	// Whether the job links its HTTP server (rt/ops, and net/http with it): HTTP says yes (velocc build --http),
	// NoHTTP no (--no-http); otherwise ServesHTTP decides.
	HTTP, NoHTTP bool

	// Values the job computes once when it starts, in the order of their first use.
	Prepared []*Prepared

	// Metrics are the metrics the script's "-- @metric:" annotations declare, in script order (metrics.go).
	Metrics []*Metric
}

// Prepared is a package-level variable of the job, set when it starts by an rt function of constant arguments:
// a constant regular expression, compiled once (rt.MustRegexp). An Impl passes it in place of the constant
// argument it comes from (Impl.Prep).
type Prepared struct {
	Var  string // the Go variable, unique in the job
	Func string // the rt function that computes it: Func(Str, Int)
	Str  string
	Int  int64
	SQL  string // the call that first needs it, for a comment
}

// UsesKafka reports whether the job reads or writes Kafka, and so links rt/kafka.
// ServesHTTP reports whether the job links its HTTP server: a job whose script names an address, a Kafka job
// (a service, watched while it runs; the server adds a seventh to its size), and one built with --http do; a
// file job otherwise does not (the server would more than double its size), nor a job built with --no-http.
func (p *Plan) ServesHTTP() bool {
	if p.NoHTTP {
		return false
	}
	return p.HTTP || p.HTTPAddress != "" || p.UsesKafka()
}

func (p *Plan) UsesKafka() bool {
	if p.Kafka {
		return true
	}
	for _, s := range p.Sources {
		if s.Type == "kafka_source" || strings.HasPrefix(s.DeadLetter, "kafka:") {
			return true
		}
	}
	for _, s := range p.Sinks {
		if s.Type == "kafka_sink" {
			return true
		}
	}
	for _, q := range p.Queries {
		if q.Sink != nil && q.Sink.Type == "kafka_sink" {
			return true
		}
	}
	return false
}

// Loc locates a piece of SQL for runtime error messages and generated comments.
type Loc struct {
	File      string
	Line, Col int
	Text      string // the SQL text of the construct
	Off, End  int    // where Text is in Plan.SQL, as byte offsets
}

// Source is an input relation with a schema.
type Source struct {
	Name    string
	GoName  string // identifier-safe form of Name
	IsTable bool
	Fields  []*Field
	Loc     Loc

	Type       string // "file_source" | "kafka_source"
	URI        string // "file:data/orders.jsonl" (relative paths stay relative to the job's working directory) | "kafka:orders"
	Format     string // "jsonl" | "csv" | "" (from the extension)
	Delimiter  byte   // CSV delimiter
	OnError    string // "fail" | "skip" | "dead_letter"
	DeadLetter string // path of the dead-letter file for on.error = dead_letter, and for late records
	// LateDeadLetter is set when a query writes the source's late records to the dead-letter file.
	LateDeadLetter bool

	EventTime     *Field // nil when the source declares no event time
	MaxOutOfOrder int64  // milliseconds the watermark trails the largest event time seen
	// IdleTimeout ('idle.timeout', milliseconds; 0: none) is how long the source may go without a record before it
	// stops holding back the watermark of a join of two streams that reads it.
	IdleTimeout int64
	PrimaryKey  []*Field
	Avro        *AvroSchema  // the writer schema of an Avro source; nil otherwise
	Proto       *ProtoSchema // the message of a Protobuf source; nil otherwise

	// Kafka sources: the consumer settings (canonical names, see kafkaSettings), the metadata columns (_key,
	// _partition, _offset, _timestamp) not shadowed by declared ones, and the column filled from the message key.
	// File sources: Options holds 'max.line.bytes' when it is given.
	Options  map[string]string
	Meta     []*Field
	KeyField *Field
	// KeyObject is set for a Kafka table whose primary key has several columns: the message key is a JSON object
	// of them, by column name (as a sink writes the key of a GROUP BY on several columns).
	KeyObject bool

	// Tables: how long the job waits for the initial load ('wait.timeout'), and for a file matching the path
	// ('file.wait.timeout', 'file.retry.interval'), in milliseconds; 0 for rt's defaults.
	WaitTimeout, FileWaitTimeout, FileRetryInterval int64
	// Query is set for a table built by a query (CREATE TABLE ... AS SELECT, ctas.go): the query whose groups are
	// its rows. Such a table is fed by Query.Source, has no input of its own, and is not among Plan.Sources.
	Query *Query
	// Lock is set (1, 2, ...) for the sources whose records meet in one operator (lockGroups): sources with the
	// same Lock hand their records, ticks and ends to the job one at a time; 0 for a source that shares nothing.
	Lock int
	// Writers is set for a stream written by queries of the script that later queries read (graph.go): the
	// queries that write it, in script order; each hands its rows to the readers as records of the stream.
	Writers []*Query
	// Wave is when the source loads, for a source other queries wait for: a table with an input of its own (1),
	// or a stream that fills a table built by a query (after what its queries read); 0 for the other streams,
	// which start once every load is done (ctas.go).
	Wave int
	// VersionTime is set for a table some query joins FOR SYSTEM_TIME AS OF: the time of a row's version, in
	// milliseconds (an expression over the table's record). The table then keeps every version of each key.
	VersionTime Expr
}

// Field is one column of a source.
type Field struct {
	Name       string
	GoName     string
	Index      int
	Type       Type
	Nullable   bool
	TimeFormat string // for TIMESTAMP fields and the event-time field: epoch_millis | epoch_seconds | iso8601
	Meta       string // for a Kafka metadata column: "key" | "partition" | "offset" | "timestamp"; Index is -1
	// Used is set when some query reads the column. Decoders skip the values of nullable columns no query reads:
	// they are neither converted nor checked (a NOT NULL column is always checked).
	Used bool
	// Use, for a nested column, says which of its parts queries read, when it is not all of it (uses.go).
	Use *Use
}

// Sink is an output of one query.
type Sink struct {
	Name       string
	Type       string // "file_sink" | "stdout" | "kafka_sink"
	URI        string // "file:out.jsonl" | "stdout:" | "kafka:alerts"
	Format     string
	TimeFormat string // epoch_millis | rfc3339
	Columns    []*Column
	Retracts   bool         // the query can retract rows it emitted
	Avro       *AvroSchema  // the schema an Avro sink writes; nil otherwise
	Proto      *ProtoSchema // the message a Protobuf sink writes; nil otherwise

	// Kafka sinks: the producer settings, and the message key: KeyColumn >= 0 is the output column named by
	// 'key.field'; otherwise a grouped query's GROUP BY keys (and the window start) form the key, named by Key.
	Options   map[string]string
	Key       []string
	KeyColumn int
}

// Emit is when a grouped query emits rows.
type Emit uint8

// Emit modes.
const (
	EmitChanges Emit = iota // every input updates its group's row (and may retract it)
	EmitFinal               // each group's row once: when its window closes, or at the end of bounded input
)

func (e Emit) String() string {
	if e == EmitFinal {
		return "FINAL"
	}
	return "CHANGES"
}

// Query is one streaming query: read Source, filter, optionally group and window, write Sink.
type Query struct {
	Name   string // the derived stream's name, or select_N for a bare SELECT
	GoName string
	Part   int // 1, 2, ...: which query of a UNION ALL it is; 0 outside a UNION
	Loc    Loc // the whole statement
	Source *Source
	Joins  []*Join // the tables the stream's records are joined with, in order (join.go)
	// Table is set when the query builds a table (CREATE TABLE ... AS SELECT): its groups, upserted by key.
	Table *Source
	// StageWhere is, for a query with joins, WHERE split by when each of its conjuncts can be tested (lower.go):
	// [0] on the record before the first join, [k] after join k; nil entries test nothing. Where stays the whole
	// condition, for display.
	StageWhere []Expr
	// SubTables are the tables the query's subqueries read (subquery.go), one per subquery.
	SubTables []*Join
	Where     Expr // row expression; nil when absent

	// Grouped is true when the query aggregates (GROUP BY, an aggregate, or a window).
	Grouped bool
	// Distinct: SELECT DISTINCT, grouped by every SELECT item; under EMIT CHANGES a row is written only when its
	// group is new.
	Distinct bool
	Keys     []*Key // GROUP BY keys (row expressions)
	Aggs     []*Agg // distinct accumulators, shared by SELECT and HAVING
	Window   *Window
	Having   Expr // group expression; nil when absent
	Emit     Emit
	Over     *Over // window functions (over.go); nil when the query has none
	// Explode is the SELECT item UNNEST(x) / EXPLODE(x): one row per element of x (nested.go); nil without one.
	Explode *Explode

	// TTL is the 'state.ttl' of a SELECT DISTINCT without a window, in milliseconds of event time: a distinct row
	// is forgotten once the query's watermark reaches the time it was last seen plus TTL (0: never). TTLTime is
	// then the record's event time in milliseconds (row expression).
	TTL     int64
	TTLTime Expr

	// Columns are the output columns in SELECT order. Their Expr is a row expression for an ungrouped query
	// and a group expression (over KeyRef, AggRef, WindowBound) for a grouped one.
	Columns []*Column
	Sink    *Sink

	// ORDER BY and LIMIT (topn.go): how each batch of rows emitted together is sorted, and how many of its first
	// rows are kept (0: all). A batch is one window's rows, the rows at the end of bounded input, or, in a query
	// that does not aggregate, the whole input.
	Order []*OrderKey
	Limit int64

	// Facts derived after checking (lower.go).
	Kind QueryKind
	// Follows is set for a windowed query reading the stream a join of two streams writes: the join's rows come
	// out of event-time order, so the query's watermark is the join's output watermark, not the largest time seen.
	Follows bool
	// Relays is set for a query that does not aggregate between such a join and such a window: it passes the
	// join's output watermark on to the queries that read its stream (graph.go, FollowsJoin).
	Relays    bool
	Serial    string // why the query cannot split its input among workers; "" when it can (see Context.Parallel)
	Admit     bool   // the query rejects records as bad input before any query runs: its event time may be NULL
	OwnsKeys  bool   // a GROUP BY key is a VARCHAR or nested (its key form), which must be copied when a new group is stored
	StringKey bool   // the query groups by exactly one VARCHAR
	// Changelog is set for a query whose state a Kafka job keeps in a changelog topic instead of replaying its
	// input after a restart (see changelogged).
	Changelog bool
	// Metrics are the metrics of the statement, which every row the query writes updates (metrics.go).
	Metrics []*Metric

	// Batch is set when rows are collected per batch, then sorted and cut to Limit, instead of written as they
	// come: ORDER BY, or LIMIT in an aggregating query. A query that does not aggregate with LIMIT alone writes
	// its first Limit rows as they come.
	Batch bool
}

// Key is one GROUP BY key.
type Key struct {
	Index    int
	Expr     Expr // row expression
	Name     string
	GoName   string
	Nullable bool // derived: the key can be NULL (and so has a NULL flag)
}

// Window is an event-time window: tumbling, hopping or session (see window.go). Durations are milliseconds.
type Window struct {
	Kind    WindowKind
	Size    int64 // the window's length (tumbling, hopping); the gap of a session window
	Advance int64 // hopping: how far each window starts after the one before; 0 for the other kinds
	Grace   int64 // GRACE PERIOD: how much later than the source's watermark this query closes its windows
	Time    Expr  // row expression giving the record's event time in milliseconds (TIMESTAMP or BIGINT)
	Loc     Loc

	// What a record does that arrives after its window closed ('late.data.strategy'), and for how long after
	// closing a window is kept for late updates ('allowed.lateness', update_previous only).
	Late            LateStrategy
	AllowedLateness int64
}

// Column is one output column.
type Column struct {
	Name     string
	GoName   string
	Type     Type
	Expr     Expr
	Nullable bool // derived: the column can be NULL
}

// Agg is one accumulator. Every structurally distinct aggregate call of a query gets exactly one.
type Agg struct {
	Index    int
	Name     string // the aggregate's registry name, upper case: COUNT, SUM, STDDEV_SAMP, ...
	Arg      Expr   // row expression; nil for COUNT(*)
	Arg2     Expr   // the second row expression of a two-argument aggregate (AddPair: CORR, ARG_MIN); else nil
	Distinct bool
	Type     Type // result type
	Impl     *AggImpl
	Loc      Loc
	// Call is the call as written, for explain, when constant arguments or WITHIN GROUP say more than the row
	// arguments (QUANTILE_DISC(v, 0.25)); "" otherwise.
	Call string
}

// Expr is a typed expression of the plan.
type Expr interface {
	Type() Type
}

// Op is a unary or binary operator.
type Op uint8

// Operators. Operands of arithmetic and comparisons have already been converted to one common type by the
// checker (DECIMAL + and - operands to the result scale; DECIMAL * keeps the operand scales and the result
// scale is their sum; DECIMAL / rescales to the result scale at run time).
const (
	OpAdd Op = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAnd
	OpOr
	OpConcat
	OpNeg
	OpNot
)

var opNames = [...]string{"+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "||", "-", "NOT"}

func (o Op) String() string { return opNames[o] }

// ColRef reads a field of the current record, or of the row a join found in a table (Join set).
type ColRef struct {
	Field *Field
	Join  *Join // nil: the stream's record
	// Outer is set for a column of the record in a query whose RIGHT or FULL join of two streams emits the other
	// stream's unmatched rows with the record's columns NULL (interval.go).
	Outer bool
}

// Const is a constant. Null constants have Null set; otherwise the field matching the type's kind holds the
// value: Bool, Int (INT, BIGINT, TIMESTAMP), Float (DOUBLE), Dec (DECIMAL, unscaled), Str (VARCHAR).
type Const struct {
	T     Type
	Null  bool
	Bool  bool
	Int   int64
	Float float64
	Dec   *big.Int
	Str   string
}

// Unary is -x or NOT x.
type Unary struct {
	Op  Op
	X   Expr
	T   Type
	Loc Loc
}

// Binary is a binary operator; see Op for how operand types relate.
type Binary struct {
	Op   Op
	L, R Expr
	T    Type
	Loc  Loc
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// In is x [NOT] IN (list); x and the list share one type.
type In struct {
	X    Expr
	List []Expr
	Not  bool
}

// Like is x [NOT] LIKE pattern.
type Like struct {
	X, Pattern Expr
	Not        bool
}

// When is one arm of a Case.
type When struct {
	Cond, Then Expr
}

// Case is a searched CASE (simple CASE is rewritten to it). Else is a NULL Const when absent.
type Case struct {
	Whens []*When
	Else  Expr
	T     Type
}

// Cast converts X to T. Loc is set for casts that can fail at run time.
type Cast struct {
	X   Expr
	T   Type
	Loc Loc
}

// Func is a scalar built-in function call, bound to one overload of the function registry (registry.go).
type Func struct {
	Name string // the function's name as the registry spells it, upper case; for display
	Args []Expr // converted to the overload's parameter types
	Part string // EXTRACT's part, upper case; for display
	Impl *Impl
	T    Type
	Loc  Loc
}

// AggRef reads an accumulator's result in a group expression.
type AggRef struct {
	Agg *Agg
}

// KeyRef reads a GROUP BY key's value in a group expression.
type KeyRef struct {
	Key *Key
}

// WindowBound is the start or end of the current window in a group expression (TIMESTAMP).
type WindowBound struct {
	End bool
}

// Type implementations.
func (e *ColRef) Type() Type      { return e.Field.Type }
func (e *Const) Type() Type       { return e.T }
func (e *Unary) Type() Type       { return e.T }
func (e *Binary) Type() Type      { return e.T }
func (e *IsNull) Type() Type      { return TBool }
func (e *In) Type() Type          { return TBool }
func (e *Like) Type() Type        { return TBool }
func (e *Case) Type() Type        { return e.T }
func (e *Cast) Type() Type        { return e.T }
func (e *Func) Type() Type        { return e.T }
func (e *AggRef) Type() Type      { return e.Agg.Type }
func (e *KeyRef) Type() Type      { return e.Key.Expr.Type() }
func (e *WindowBound) Type() Type { return TTimestamp }

// markUsed sets Field.Used for every column some query of p reads.
func markUsed(p *Plan) {
	for _, q := range p.Queries {
		exprs := queryExprs(q)
		for _, c := range q.Columns {
			exprs = append(exprs, c.Expr)
		}
		for _, x := range exprs {
			visitExpr(x, func(e Expr) {
				if c, ok := e.(*ColRef); ok {
					c.Field.Used = true
				}
			})
		}
	}
	markUses(p) // uses.go
}

// queryExprs returns the expressions q evaluates besides its output columns, marking as read the columns it
// always reads (join keys, a stream join's event times).
func queryExprs(q *Query) []Expr {
	exprs := []Expr{q.Where, q.Having}
	for _, j := range append(q.Joins[:len(q.Joins):len(q.Joins)], q.SubTables...) {
		exprs = append(exprs, j.Key...)
		exprs = append(exprs, j.OtherKey...)
		exprs = append(exprs, j.On, j.AsOf, j.Table.VersionTime)
		if j.Stream {
			j.Table.EventTime.Used = true // the other stream's rows meet by event time
		}
		for _, f := range j.Table.PrimaryKey {
			f.Used = true // a table's key is always read
		}
	}
	for _, k := range q.Keys {
		exprs = append(exprs, k.Expr)
	}
	for _, a := range q.Aggs {
		exprs = append(exprs, a.Arg, a.Arg2)
	}
	if q.Window != nil {
		exprs = append(exprs, q.Window.Time)
	}
	if q.TTLTime != nil {
		exprs = append(exprs, q.TTLTime)
	}
	if len(q.Joins) > 0 && q.Joins[0].Stream {
		q.Source.EventTime.Used = true
	}
	if q.Over != nil {
		exprs = append(exprs, q.Over.Time)
		for _, k := range q.Over.Partition {
			exprs = append(exprs, k.Expr)
		}
	}
	for _, k := range q.Order {
		exprs = append(exprs, k.Expr)
	}
	return exprs
}

// ReadsRecord reports whether evaluating x reads a column of the current record; false for constants alone.
// A window function's value (WinRef) is computed apart, so the arguments under it do not count.
func ReadsRecord(x Expr) bool {
	found := false
	walkPlanExpr(x, func(e Expr) bool {
		switch e.(type) {
		case *ColRef:
			found = true
		case *WinRef:
			return false
		}
		return true
	})
	return found
}

// ReadsJoin reports whether x reads a column of a joined table.
func ReadsJoin(x Expr) bool {
	found := false
	visitExpr(x, func(e Expr) {
		if c, ok := e.(*ColRef); ok && c.Join != nil {
			found = true
		}
	})
	return found
}

// visitExpr calls fn for x and every expression under it.
func visitExpr(x Expr, fn func(Expr)) { walkPlanExpr(x, func(e Expr) bool { fn(e); return true }) }

// walkPlanExpr calls fn for x and, while fn returns true, for the expressions under it.
func walkPlanExpr(x Expr, fn func(Expr) bool) {
	if x == nil || !fn(x) {
		return
	}
	switch e := x.(type) {
	case *Unary:
		walkPlanExpr(e.X, fn)
	case *Binary:
		walkPlanExpr(e.L, fn)
		walkPlanExpr(e.R, fn)
	case *IsNull:
		walkPlanExpr(e.X, fn)
	case *In:
		walkPlanExpr(e.X, fn)
		for _, y := range e.List {
			walkPlanExpr(y, fn)
		}
	case *Like:
		walkPlanExpr(e.X, fn)
		walkPlanExpr(e.Pattern, fn)
	case *Case:
		for _, w := range e.Whens {
			walkPlanExpr(w.Cond, fn)
			walkPlanExpr(w.Then, fn)
		}
		walkPlanExpr(e.Else, fn)
	case *Cast:
		walkPlanExpr(e.X, fn)
	case *NestedCast:
		walkPlanExpr(e.X, fn) // its parts convert CastParts, which stand for parts of X
	case *Func:
		for _, y := range e.Args {
			walkPlanExpr(y, fn)
		}
	case *AggRef:
		walkPlanExpr(e.Agg.Arg, fn)
		walkPlanExpr(e.Agg.Arg2, fn)
	case *KeyRef:
		walkPlanExpr(e.Key.Expr, fn)
	case *WinRef:
		walkPlanExpr(e.Fn.Arg, fn)
		walkPlanExpr(e.Fn.Default, fn)
	case *Exact:
		walkPlanExpr(e.X, fn)
	case *Sub:
		for _, y := range e.operands() {
			walkPlanExpr(y, fn)
		}
	case *Construct:
		for _, y := range e.Args {
			walkPlanExpr(y, fn)
		}
	case *Explode:
		walkPlanExpr(e.Arg, fn)
	case *FieldOf:
		walkPlanExpr(e.X, fn)
	case *ElemOf:
		walkPlanExpr(e.X, fn)
		walkPlanExpr(e.Index, fn)
	}
}
