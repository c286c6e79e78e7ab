// The abstract syntax tree of a velocc script; every node carries the span of source it came from.
package grammar

import "fmt"

// Pos is a position in a script. Line and Col are 1-based; Col counts runes.
type Pos struct {
	File   string
	Offset int // byte offset
	Line   int
	Col    int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// IsValid reports whether p is a real position (the zero Pos is not).
func (p Pos) IsValid() bool { return p.Line > 0 }

// Span is the half-open source range [Start, End) of a node.
type Span struct{ Start, End Pos }

// node is embedded in every AST node; it gives the node its span.
type node struct{ span Span }

// Span returns the source range of the node.
func (n node) Span() Span { return n.span }

// SetSpan places a node that the checker builds when it rewrites a query (a subquery in FROM becomes a stream
// of its own) at the text the node stands for, so that diagnostics about it point there.
func (n *node) SetSpan(s Span) { n.span = s }

// Node is any AST node.
type Node interface{ Span() Span }

// Script is a parsed script: its statements in source order.
type Script struct {
	File       string
	Src        []byte
	Statements []Stmt
}

// Stmt is a statement: *CreateSource, *CreateAs, *SelectStmt, *Insert or *Unsupported.
type Stmt interface {
	Node
	stmt()
}

// Kind distinguishes STREAM from TABLE in CREATE statements.
type Kind int

// The relation kinds.
const (
	Stream Kind = iota
	Table
)

func (k Kind) String() string {
	if k == Table {
		return "TABLE"
	}
	return "STREAM"
}

// CreateSource declares a source with a schema: CREATE STREAM|TABLE name (columns) WITH (...).
type CreateSource struct {
	node
	Kind       Kind
	Name       *Ident
	Columns    []*ColumnDef
	PrimaryKey []*Ident // from a PRIMARY KEY (a, b) constraint
	KeySpan    Span     // span of that constraint
	With       []*Prop
}

// CreateAs declares a derived stream or table: CREATE STREAM|TABLE name AS SELECT ...
type CreateAs struct {
	node
	Kind  Kind
	Name  *Ident
	Query *Select
}

// SelectStmt is a bare SELECT whose rows go to standard output.
type SelectStmt struct {
	node
	Query *Select
}

// Insert is INSERT INTO name [WITH (...)] SELECT ...: a query that writes the stream name, which another statement
// declares (CREATE STREAM name AS SELECT, SELECT ... INTO name) or this one configures in its WITH.
type Insert struct {
	node
	Name  *Ident
	With  []*Prop
	Query *Select
}

// Unsupported is a recognisable statement velocc does not support yet (INSERT, DROP, ...).
type Unsupported struct {
	node
	Verb string
}

func (*CreateSource) stmt() {}
func (*CreateAs) stmt()     {}
func (*SelectStmt) stmt()   {}
func (*Insert) stmt()       {}
func (*Unsupported) stmt()  {}

// Ident is a name; quoted identifiers keep their exact spelling.
type Ident struct {
	node
	Name   string
	Quoted bool
}

// ColumnDef is one column of a source declaration.
type ColumnDef struct {
	node
	Name       *Ident
	Type       *TypeName
	NotNull    bool
	PrimaryKey bool
}

// TypeName is a SQL type as written: VARCHAR, DECIMAL(12, 4), DOUBLE PRECISION, and the nested types: STRUCT(a INT,
// b VARCHAR) or STRUCT<a INT, b VARCHAR>, ARRAY<INT> or INT[], MAP(VARCHAR, INT) or MAP<VARCHAR, INT>. Args holds
// the numbers in parentheses; Params the types (a STRUCT's with their field names); Dims the number of [] after
// the type, each making an array of what comes before.
type TypeName struct {
	node
	Name   string
	Args   []string
	Params []*TypeParam
	Dims   int
}

// TypeParam is a type inside another: ARRAY's element, MAP's key or value, or a STRUCT's field (Field set).
type TypeParam struct {
	node
	Field *Ident
	Type  *TypeName
}

// Prop is one 'key' = value entry of a WITH clause.
type Prop struct {
	node
	Key       string
	Value     string
	ValueSpan Span
}

// Select is a query.
type Select struct {
	node
	Distinct bool
	Items    []*SelectItem
	From     *From // nil when the query has no FROM, which the checker reports
	Joins    []*Join
	Where    Expr
	GroupBy  *GroupBy
	Having   *Having
	Window   *Window
	Emit     *Emit
	OrderBy  *OrderBy
	Limit    *Limit
	// Into names the stream the query writes (SELECT ... INTO name), as CREATE STREAM name AS SELECT does.
	Into *Ident
	// Union lists the queries after UNION, in order; the statement's rows are those of every query. UnionDistinct
	// holds the spans of UNIONs written without ALL (which the checker rejects).
	Union         []*Select
	UnionDistinct []Span
	With          []*Prop
	// Repeated lists clauses given more than once (the first one is kept above).
	Repeated []Node
}

// SelectItem is one output expression, or * (Expr nil, Star true), or o.* (StarOf names the relation too).
type SelectItem struct {
	node
	Star   bool
	StarOf *Ident
	Expr   Expr
	Alias  *Ident
}

// From names the relation a query reads, or holds a subquery, or, as a join's right side, UNNEST(x): the elements
// of an array, one row each, named by Columns (UNNEST(items) AS t(item)).
type From struct {
	node
	Name     *Ident
	Subquery *Select
	Unnest   Expr
	Alias    *Ident
	Columns  []*Ident
}

// Join is one JOIN of a query: Kind is its keywords as written, upper case ("", "LEFT", "LEFT OUTER", "INNER",
// "CROSS", ...), which the checker judges; On is nil when there is no ON.
type Join struct {
	node
	Kind  string
	Right *From
	AsOf  Expr // FOR SYSTEM_TIME AS OF time: the table's version at that time; nil for its current rows
	// Within is ksqlDB's time bound of a stream–stream join; nil when absent.
	Within *Within
	On     Expr
}

// Within is WITHIN size (Before = After = size) or WITHIN (before, after) [GRACE PERIOD grace] of a join: the
// other row's time lies in [t - Before, t + After].
type Within struct {
	node
	Before, After *Interval
	Grace         *Interval // nil when absent
}

// GroupBy is a GROUP BY clause.
type GroupBy struct {
	node
	Exprs []Expr
}

// Having is a HAVING clause.
type Having struct {
	node
	Cond Expr
}

// Window is a WINDOW clause. Positional arguments are in Args, as written: TUMBLING(time_col, INTERVAL '1' MINUTE),
// Velostream's SLIDING(ts, 5m, 1m) and SESSION(ts, 30s), ksqlDB's SESSION (5 MINUTES), where a bare "5 MINUTES"
// is an *Interval. ksqlDB's named parameters are in Named: TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS).
type Window struct {
	node
	Kind  *Ident
	Args  []Expr
	Named []*WindowParam
}

// WindowParam is one of ksqlDB's named window parameters: Name is "SIZE", "ADVANCE" (ADVANCE BY), "RETENTION" or
// "GRACE" (GRACE PERIOD). Value is an *Interval for ksqlDB's "5 MINUTES", else the primary expression as written
// (INTERVAL '5' MINUTE, 5m).
type WindowParam struct {
	node
	Name  string
	Value Expr
}

// Emit is EMIT CHANGES or EMIT FINAL.
type Emit struct {
	node
	Final bool
}

// OrderBy is a query's ORDER BY clause.
type OrderBy struct {
	node
	Items []*OrderItem
}

// OrderItem is one sort key: x [ASC | DESC] [NULLS FIRST | NULLS LAST], in ORDER BY, OVER and WITHIN GROUP.
type OrderItem struct {
	node
	Expr Expr
	Desc bool
	// NullsFirst is nil when NULLS FIRST/LAST is not written, so that the default (DuckDB's NULLS LAST) applies.
	NullsFirst *bool
}

// Limit is parsed so the checker can reject it with a clear message.
type Limit struct {
	node
	N string
}

// Expr is an expression node.
type Expr interface {
	Node
	expr()
}

// LitKind is the kind of a literal.
type LitKind int

// Literal kinds.
const (
	LitNumber   LitKind = iota // Text holds the digits as written: 12, 1.5, 1e3
	LitString                  // Text holds the unescaped value
	LitBool                    // Text is "true" or "false"
	LitNull                    // NULL
	LitDuration                // Text is a duration such as 5m or 100ms
)

// Literal is a constant.
type Literal struct {
	node
	Kind LitKind
	Text string
}

// Interval is INTERVAL '5' MINUTE, INTERVAL 5 MINUTES, INTERVAL '5 minutes' (the string split into value and unit),
// or ksqlDB's bare "5 MINUTES" in a WINDOW clause. Unit is upper case as written, singular or plural; it is "" when
// none is written (INTERVAL 5), which the checker reports.
type Interval struct {
	node
	Value string
	Unit  string
}

// Column is a column reference, optionally qualified: price, o.price.
type Column struct {
	node
	Qualifier *Ident
	Name      *Ident
}

// Unary is -x, +x or NOT x.
type Unary struct {
	node
	Op string
	X  Expr
}

// Binary is a binary operator: OR AND = <> < <= > >= || + - * / %.
type Binary struct {
	node
	Op   string
	L, R Expr
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	node
	X   Expr
	Not bool
}

// IsDistinct is x IS [NOT] DISTINCT FROM y.
type IsDistinct struct {
	node
	X, Y Expr
	Not  bool
}

// In is x [NOT] IN (list) or x [NOT] IN (subquery).
type In struct {
	node
	X    Expr
	Not  bool
	List []Expr
	Sub  *Select
}

// Between is x [NOT] BETWEEN low AND high.
type Between struct {
	node
	X, Low, High Expr
	Not          bool
}

// Like is x [NOT] LIKE pattern.
type Like struct {
	node
	X, Pattern Expr
	Not        bool
}

// When is one WHEN ... THEN ... arm of a CASE.
type When struct {
	node
	Cond, Then Expr
}

// Case is a searched (Operand nil) or simple CASE.
type Case struct {
	node
	Operand Expr
	Whens   []*When
	Else    Expr
}

// Cast is CAST(x AS type), x::type or Velostream's CAST(x, 'type'). In the last form the string is parsed with the
// same type grammar and Type's span is the string's; a string that is no type becomes a TypeName holding the
// string, upper case, for the checker to report.
type Cast struct {
	node
	X    Expr
	Type *TypeName
}

// Extract is EXTRACT(part FROM x), or Velostream's EXTRACT(part, x) and EXTRACT('part', x); a string part becomes
// Part with the string's value and span.
type Extract struct {
	node
	Part *Ident
	X    Expr
}

// Call is a function or aggregate call. The standard's special argument syntaxes become ordinary arguments:
// POSITION(sub IN s) is POSITION(sub, s); TRIM([LEADING | TRAILING | BOTH] [chars] FROM s) is TRIM, LTRIM or RTRIM
// with Args [s] or [s, chars] (Name then spells the function meant while its span covers the word TRIM).
// CURRENT_TIMESTAMP written without parentheses is a Call with no arguments and NoParens set. LEFT(s, n) and
// RIGHT(s, n) are calls although LEFT and RIGHT are reserved words.
type Call struct {
	node
	Name        *Ident
	Star        bool
	Distinct    bool
	Args        []Expr
	NoParens    bool
	WithinGroup *WithinGroup // PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x)
	Over        *Over        // set when an OVER clause follows: a window function
}

// WithinGroup is an ordered-set aggregate's WITHIN GROUP (ORDER BY ...).
type WithinGroup struct {
	node
	OrderBy []*OrderItem
}

// Over is a window function's OVER (...): [buffer] [PARTITION BY ...] [ORDER BY ...] [frame] [emit] [expire], in
// that order, as Velostream writes them; the standard has only the middle three.
type Over struct {
	node
	Buffer      *BufferSpec // Velostream's ROWS WINDOW BUFFER n ROWS
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *Frame
	Emit        *OverEmit // Velostream's EMIT EVERY RECORD | EMIT ON BUFFER FULL
	Expire      *Expire   // Velostream's EXPIRE AFTER INTERVAL ... INACTIVITY | EXPIRE AFTER NEVER
}

// BufferSpec is Velostream's ROWS WINDOW BUFFER n ROWS: a partition keeps its last n rows.
type BufferSpec struct {
	node
	Rows string // the number as written
}

// OverEmit is Velostream's EMIT EVERY RECORD or EMIT ON BUFFER FULL inside OVER.
type OverEmit struct {
	node
	BufferFull bool
}

// Expire is Velostream's EXPIRE AFTER INTERVAL ... INACTIVITY (After set) or EXPIRE AFTER NEVER (After nil).
type Expire struct {
	node
	After *Interval
}

// Frame is a window frame: ROWS | RANGE | GROUPS, then BETWEEN start AND end, or the short form with one bound,
// which means BETWEEN start AND CURRENT ROW: End is then a CurrentRow bound that spans the whole frame, and
// Between is false.
type Frame struct {
	node
	Unit       string // "ROWS", "RANGE" or "GROUPS"
	Between    bool
	Start, End *FrameBound
}

// BoundKind is the kind of a frame bound.
type BoundKind int

// The frame bound kinds.
const (
	UnboundedPreceding BoundKind = iota
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

func (k BoundKind) String() string {
	switch k {
	case UnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case Preceding:
		return "PRECEDING"
	case CurrentRow:
		return "CURRENT ROW"
	case Following:
		return "FOLLOWING"
	case UnboundedFollowing:
		return "UNBOUNDED FOLLOWING"
	}
	return fmt.Sprintf("BoundKind(%d)", int(k))
}

// FrameBound is one end of a frame. Offset is set for Preceding and Following: a number, an INTERVAL, or any
// expression as written (the checker decides what it accepts).
type FrameBound struct {
	node
	Kind   BoundKind
	Offset Expr
}

// Subquery is a parenthesised SELECT used as an expression: a scalar subquery, or EXISTS (SELECT ...).
type Subquery struct {
	node
	Query  *Select
	Exists bool
}

// ArrayLit is ARRAY[a, b, ...] or [a, b, ...].
type ArrayLit struct {
	node
	Elems []Expr
}

// StructLit is {'name': value, ...} (Map false), or MAP {key: value, ...} (Map true). For a STRUCT each key is a
// string literal or a bare name (a Column without qualifier) naming the field.
type StructLit struct {
	node
	Map    bool
	Keys   []Expr
	Values []Expr
}

// Access reads into a nested value X: a STRUCT's field (x.field, or ksqlDB's x->field: Field set, Arrow for ->),
// or an ARRAY's element or a MAP's value (x[i], m['k']: Index set). A qualified column (o.customer) is a Column;
// what follows it is an Access.
type Access struct {
	node
	X     Expr
	Field *Ident
	Arrow bool
	Index Expr
}

// Paren is a parenthesised expression; it is kept so spans cover the parentheses.
type Paren struct {
	node
	X Expr
}

func (*Literal) expr()    {}
func (*Interval) expr()   {}
func (*Column) expr()     {}
func (*Unary) expr()      {}
func (*Binary) expr()     {}
func (*IsNull) expr()     {}
func (*IsDistinct) expr() {}
func (*In) expr()         {}
func (*Between) expr()    {}
func (*Like) expr()       {}
func (*Case) expr()       {}
func (*Cast) expr()       {}
func (*Extract) expr()    {}
func (*Call) expr()       {}
func (*Subquery) expr()   {}
func (*Access) expr()     {}
func (*ArrayLit) expr()   {}
func (*StructLit) expr()  {}
func (*Paren) expr()      {}
