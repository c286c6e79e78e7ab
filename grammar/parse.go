// Parse trees as participle builds them, and the entry point that turns them into the AST.
package grammar

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// reserved words cannot be used as bare identifiers; every other keyword-like word ("status", "key", "value",
// "timestamp", "window", "start", "end", ...) lexes as an identifier and is matched by the grammar as a literal
// where it has a meaning, so users can name columns after it.
var reserved = []string{
	"SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "EMIT", "WITH", "CREATE", "AS", "AND", "OR", "NOT",
	"IS", "NULL", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE", "CAST", "TRUE", "FALSE", "DISTINCT",
	"JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "ON", "OVER", "ORDER", "LIMIT", "UNION",
	"INTERVAL", "INSERT", "INTO", "PRIMARY", "EXTRACT",
}

var sqlLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `--[^\n]*|/\*([^*]|\*+[^*/])*\*+/`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "Keyword", Pattern: `(?i)\b(` + strings.Join(reserved, "|") + `)\b`},
	{Name: "String", Pattern: `'([^']|'')*'`},
	{Name: "QuotedIdent", Pattern: "\"([^\"]|\"\")*\"|`[^`]*`"},
	// Unterminated matches a string, quoted identifier or comment that runs to the end of the script, so Parse
	// can say so instead of complaining about a stray quote.
	{Name: "Unterminated", Pattern: "(?s)'.*|\".*|`.*|/\\*.*"},
	{Name: "Duration", Pattern: `\d+(ms|s|m|h|d)\b`},
	{Name: "Number", Pattern: `(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Operator", Pattern: `<>|!=|<=|>=|\|\||::|:=|->|[-+*/%(),;.=<>\[\]{}:]`},
	{Name: "Unknown", Pattern: `[^\s]`},
})

var parserOptions = []participle.Option{
	participle.Lexer(sqlLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.CaseInsensitive("Keyword", "Ident"),
	participle.UseLookahead(4),
}

var parser = participle.MustBuild[pScript](parserOptions...)

// typeParser reads the type inside Velostream's CAST(x, 'type') with the grammar of CAST(x AS type).
var typeParser = participle.MustBuild[pType](parserOptions...)

// exprParser reads one expression: the condition of a metric, which the script holds in a comment (ParseExpr).
var exprParser = participle.MustBuild[pExpr](parserOptions...)

// EBNF returns the grammar in EBNF form; a golden test keeps every grammar change visible in review.
func EBNF() string { return parser.String() }

// Error is a syntax error at a position of the script.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// Parse parses a whole script. A syntax error stops parsing and is returned as *Error.
func Parse(filename string, src []byte) (script *Script, err error) {
	defer func() {
		// participle panics on some inputs instead of returning an error; Parse never panics.
		if v := recover(); v != nil {
			pe, ok := v.(participle.Error)
			if !ok {
				panic(v)
			}
			script, err = nil, &Error{Pos: posOf(pe.Position()), Msg: "cannot parse here: " + cleanMessage(pe.Message())}
		}
	}()
	tree, err := parser.ParseBytes(filename, src)
	if err != nil {
		if tok, ok := findUnterminated(filename, src); ok {
			// A lexical error comes first: whatever the parser tripped over is a consequence of it.
			return nil, &Error{Pos: posOf(tok.Pos), Msg: unterminatedMessage(tok.Value)}
		}
		var perr participle.Error
		if errors.As(err, &perr) {
			return nil, &Error{Pos: posOf(perr.Position()), Msg: cleanMessage(perr.Message())}
		}
		return nil, &Error{Pos: Pos{File: filename, Line: 1, Col: 1}, Msg: err.Error()}
	}
	return convertScript(filename, tree, src), nil
}

// ParseExpr parses the expression that src[start:end] holds, where src is the script: the text around it is read
// as blanks, so that the expression's spans are positions in the script. The compiler reads the condition of a
// "-- @metric_condition:" annotation with it.
func ParseExpr(filename string, src []byte, start, end int) (x Expr, err error) {
	buf := make([]byte, end)
	for i := range buf {
		switch {
		case i >= start || src[i] == '\n':
			buf[i] = src[i]
		default:
			buf[i] = ' '
		}
	}
	defer func() {
		if v := recover(); v != nil {
			pe, ok := v.(participle.Error)
			if !ok {
				panic(v)
			}
			x, err = nil, &Error{Pos: posOf(pe.Position()), Msg: "cannot parse here: " + cleanMessage(pe.Message())}
		}
	}()
	tree, err := exprParser.ParseBytes(filename, buf)
	if err != nil {
		if tok, ok := findUnterminated(filename, buf); ok {
			return nil, &Error{Pos: posOf(tok.Pos), Msg: unterminatedMessage(tok.Value)}
		}
		var perr participle.Error
		if errors.As(err, &perr) {
			return nil, &Error{Pos: posOf(perr.Position()), Msg: cleanMessage(perr.Message())}
		}
		return nil, &Error{Pos: Pos{File: filename, Line: 1, Col: 1}, Msg: err.Error()}
	}
	return convertExpr(tree), nil
}

var unterminated = sqlLexer.Symbols()["Unterminated"]

// findUnterminated returns the script's unterminated string, quoted identifier or comment, if it has one.
func findUnterminated(filename string, src []byte) (lexer.Token, bool) {
	lx, err := sqlLexer.LexString(filename, string(src))
	if err != nil {
		return lexer.Token{}, false
	}
	for {
		tok, err := lx.Next()
		if err != nil || tok.EOF() {
			return lexer.Token{}, false
		}
		if tok.Type == unterminated {
			return tok, true
		}
	}
}

func unterminatedMessage(tok string) string {
	switch {
	case strings.HasPrefix(tok, "'"):
		return "unterminated string"
	case strings.HasPrefix(tok, "/*"):
		return "unterminated comment"
	default:
		return "unterminated quoted identifier"
	}
}

// internalName matches the names of the parse-tree structs (PSelectItem, PExpr) that participle puts in its
// "expected" lists; they mean nothing to a user.
var internalName = regexp.MustCompile(`\bP[A-Z]`)

// cleanMessage rewrites participle's messages into the project's style: lowercase, no final period, and no
// "(expected ...)" list that names parse-tree structs.
func cleanMessage(m string) string {
	m = strings.TrimSuffix(m, ".")
	m = strings.ReplaceAll(m, "unexpected token \"<EOF>\"", "unexpected end of script")
	if i := strings.Index(m, " (expected "); i >= 0 && internalName.MatchString(m[i:]) {
		m = m[:i]
	}
	return m
}

// pScript requires a ";" between statements; without one, a forgotten separator would silently run two
// statements together.
type pScript struct {
	Statements []*pStatement `parser:"\";\"* (@@ (\";\"+ @@?)*)?"`
}

type pStatement struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Create *pCreate `parser:"  @@"`
	Select *pSelect `parser:"| @@"`
	Insert *pInsert `parser:"| @@"`
	Other  *pOther  `parser:"| @@"`
}

// pOther captures recognisable statements we do not support yet, so the checker can reject them by name.
type pOther struct {
	Pos  lexer.Position
	Verb string   `parser:"@(\"INSERT\" | \"DROP\" | \"DELETE\" | \"UPDATE\" | \"TERMINATE\" | \"SHOW\" | \"DESCRIBE\")"`
	Rest []string `parser:"@(~(\";\" | Unterminated))*"`
}

// pInsert is INSERT INTO name [WITH (...)] SELECT ...: one more query writing the stream name.
type pInsert struct {
	Pos   lexer.Position
	Name  *pIdent  `parser:"\"INSERT\" \"INTO\" @@"`
	With  *pWith   `parser:"@@?"`
	Query *pSelect `parser:"@@"`
}

type pCreate struct {
	Pos     lexer.Position
	Replace bool      `parser:"\"CREATE\" (@\"OR\" \"REPLACE\")?"`
	Kind    string    `parser:"@(\"STREAM\" | \"TABLE\")"`
	Name    *pIdent   `parser:"@@"`
	Query   *pSelect  `parser:"( \"AS\" @@"`
	Columns *pColumns `parser:"| (?= \"(\" | \"WITH\") @@?"`
	With    *pWith    `parser:"  @@? )"`
	EndPos  lexer.Position
}

type pColumns struct {
	Items []*pColumnItem `parser:"\"(\" @@ (\",\" @@)* \")\""`
}

type pColumnItem struct {
	Key    *pKeyConstraint `parser:"  @@"`
	Column *pColumnDef     `parser:"| @@"`
}

type pKeyConstraint struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Cols   []*pIdent `parser:"\"PRIMARY\" \"KEY\" \"(\" @@ (\",\" @@)* \")\""`
}

type pColumnDef struct {
	Pos        lexer.Position
	EndPos     lexer.Position
	Name       *pIdent `parser:"@@"`
	Type       *pType  `parser:"@@"`
	NotNull    bool    `parser:"( @(\"NOT\" \"NULL\")"`
	Null       bool    `parser:"| @\"NULL\" )?"`
	PrimaryKey bool    `parser:"@(\"PRIMARY\" \"KEY\")?"`
}

type pType struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@Ident"`
	// Precision marks DOUBLE PRECISION; a separate field because participle would glue both words into Name.
	Precision bool `parser:"@\"PRECISION\"?"`
	// Params are what follows the name in parentheses (DECIMAL(12, 4), STRUCT(a INT), MAP(VARCHAR, INT)) or in
	// angle brackets (ksqlDB's STRUCT<a INT>, ARRAY<INT>, MAP<VARCHAR, INT>); Dims counts the [] after it (INT[]).
	Params []*pTypeParam `parser:"( \"(\" @@ (\",\" @@)* \")\" | \"<\" @@ (\",\" @@)* \">\" )?"`
	Dims   []string      `parser:"( @\"[\" \"]\" )*"`
}

// pTypeParam is one parameter of a type: a number (DECIMAL's precision and scale), a type (ARRAY's element, MAP's
// key and value), or a field name and its type (STRUCT's fields). A name is a field's when a type follows it.
type pTypeParam struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Number string  `parser:"  @Number"`
	Field  *pIdent `parser:"| ( @@ (?= Ident) )?"`
	Type   *pType  `parser:"  @@"`
}

type pWith struct {
	Pos   lexer.Position
	Props []*pProp `parser:"\"WITH\" \"(\" (@@ (\",\" @@)*)? \")\""`
}

type pProp struct {
	Pos    lexer.Position
	Key    string      `parser:"(@String | @Ident (@\".\" @Ident)*)"`
	Value  *pPropValue `parser:"\"=\" @@"`
	EndPos lexer.Position
}

// pPropValue is a struct of its own so participle records where the value starts and ends.
type pPropValue struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@(String | Number | Ident | Duration | \"TRUE\" | \"FALSE\")"`
}

type pIdent struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@(Ident | QuotedIdent)"`
}

type pSelect struct {
	Pos      lexer.Position
	Distinct bool           `parser:"\"SELECT\" @\"DISTINCT\"?"`
	Items    []*pSelectItem `parser:"@@ (\",\" @@)*"`
	Into     *pIdent        `parser:"(\"INTO\" @@)?"` // SELECT ... INTO name FROM ...
	From     *pFrom         `parser:"(\"FROM\" @@)?"` // optional here so that the checker can say that it is required
	Joins    []*pJoin       `parser:"@@*"`
	Early    *pClause       `parser:"((?= \"WINDOW\") @@)?"` // ksqlDB writes WINDOW before WHERE
	Where    *pExpr         `parser:"(\"WHERE\" @@)?"`
	Clauses  []*pClause     `parser:"@@*"`
	Union    *pUnion        `parser:"@@?"`
	With     *pWith         `parser:"@@?"`
	EndPos   lexer.Position
}

// pUnion is UNION [ALL] and the query after it, which may have a UNION of its own.
type pUnion struct {
	Pos    lexer.Position
	All    bool     `parser:"\"UNION\" @\"ALL\"?"`
	Select *pSelect `parser:"@@"`
}

type pSelectItem struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Star   bool    `parser:"( @\"*\""`
	StarOf *pIdent `parser:"| @@ \".\" \"*\""` // o.*: every column of one relation
	Expr   *pExpr  `parser:"| @@ )"`
	Alias  *pIdent `parser:"( \"AS\" @@ | (?! \"WINDOW\" | \"EMIT\" | \"TUMBLING\") @@ )?"`
}

type pFrom struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Subquery *pSelect `parser:"( \"(\" @@ \")\""`
	Unnest   *pExpr   `parser:"| \"UNNEST\" \"(\" @@ \")\""`
	Name     *pIdent  `parser:"| @@ )"`
	Alias    *pIdent  `parser:"( \"AS\" @@ | (?! \"WINDOW\" | \"EMIT\" | \"FOR\" | \"WITHIN\") @@ )?"`
	// Columns name what UNNEST(x) AS t(col) gives.
	Columns []*pIdent `parser:"( \"(\" @@ (\",\" @@)* \")\" )?"`
}

type pJoin struct {
	Pos   lexer.Position
	Kind  []string `parser:"@(\"INNER\" | \"LEFT\" | \"RIGHT\" | \"FULL\" | \"OUTER\" | \"CROSS\")* \"JOIN\""`
	Right *pFrom   `parser:"@@"`
	// Flink's event-time join: JOIN rates FOR SYSTEM_TIME AS OF o.ts [AS] r; the alias follows the clause.
	AsOf    *pExpr  `parser:"( \"FOR\" \"SYSTEM_TIME\" \"AS\" \"OF\" @@"`
	AsAlias *pIdent `parser:"  ( \"AS\" @@ | (?! \"ON\" | \"WITHIN\") @@ )? )?"`
	// ksqlDB's time bound of a stream–stream join: WITHIN 10 SECONDS, or WITHIN (5 SECONDS, 30 SECONDS).
	Within *pJoinWithin `parser:"@@?"`
	On     *pExpr       `parser:"(\"ON\" @@)?"`
}

type pJoinWithin struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Before *pBareInterval `parser:"\"WITHIN\" ( \"(\" @@ \",\""`
	After  *pBareInterval `parser:"  @@ \")\""`
	Size   *pBareInterval `parser:"| @@ )"`
	Grace  *pBareInterval `parser:"(\"GRACE\" \"PERIOD\" @@)?"`
}

// pClause is one of the clauses Velostream accepts in any order after FROM/WHERE.
type pClause struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	GroupBy []*pExpr  `parser:"  \"GROUP\" \"BY\" @@ (\",\" @@)*"`
	Having  *pExpr    `parser:"| \"HAVING\" @@"`
	Window  *pWindow  `parser:"| \"WINDOW\" @@"`
	Emit    string    `parser:"| \"EMIT\" @(\"CHANGES\" | \"FINAL\")"`
	OrderBy []*pOrder `parser:"| \"ORDER\" \"BY\" @@ (\",\" @@)*"`
	Limit   string    `parser:"| \"LIMIT\" @Number"`
	Into    *pIdent   `parser:"| \"INTO\" @@"` // Velostream: SELECT ... FROM ... INTO sink
}

type pOrder struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Expr   *pExpr `parser:"@@"`
	Dir    string `parser:"@(\"ASC\" | \"DESC\")?"`
	Nulls  string `parser:"(\"NULLS\" @(\"FIRST\" | \"LAST\"))?"`
}

type pWindow struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Kind   string        `parser:"@Ident"`
	Args   []*pWindowArg `parser:"\"(\" (@@ (\",\" @@)*)? \")\""`
}

// pWindowArg is a positional argument of a window, or one of ksqlDB's named parameters (SIZE 5 MINUTES). When the
// first branch fails on the value (a column named size), participle keeps Param: Value tells the branch taken.
type pWindowArg struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Param  string         `parser:"(  ( @\"SIZE\" | @\"RETENTION\" | @\"ADVANCE\" \"BY\" | @\"GRACE\" \"PERIOD\" )"`
	Value  *pWindowValue  `parser:"   @@"`
	Bare   *pBareInterval `parser:"| @@"`
	Expr   *pExpr         `parser:"| @@ )"`
}

// pWindowValue is a named window parameter's value: ksqlDB's 5 MINUTES, or a primary such as INTERVAL '5' MINUTE.
type pWindowValue struct {
	Bare    *pBareInterval `parser:"  @@"`
	Primary *pPrimary      `parser:"| @@"`
}

// pBareInterval is ksqlDB's duration: a number and a unit without INTERVAL.
type pBareInterval struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Value  string `parser:"@Number"`
	Unit   string `parser:"@Ident"`
}

type pExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pAnd   `parser:"@@"`
	Rest   []*pAnd `parser:"(\"OR\" @@)*"`
}

type pAnd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pNot   `parser:"@@"`
	Rest   []*pNot `parser:"(\"AND\" @@)*"`
}

type pNot struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *pNot `parser:"  \"NOT\" @@"`
	Cmp    *pCmp `parser:"| @@"`
}

type pCmp struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pConcat    `parser:"@@"`
	Tails  []*pCmpTail `parser:"@@*"`
}

type pCmpTail struct {
	Compare *pCompare `parser:"  @@"`
	Is      *pIs      `parser:"| @@"`
	Pred    *pPred    `parser:"| @@"`
}

type pCompare struct {
	Op    string   `parser:"@(\"=\" | \"<>\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\")"`
	Right *pConcat `parser:"@@"`
}

// pIs is IS [NOT] NULL or IS [NOT] DISTINCT FROM y.
type pIs struct {
	EndPos   lexer.Position
	Not      bool     `parser:"\"IS\" @\"NOT\"?"`
	Null     bool     `parser:"( @\"NULL\""`
	Distinct *pConcat `parser:"| \"DISTINCT\" \"FROM\" @@ )"`
}

type pPred struct {
	EndPos lexer.Position
	Not    bool     `parser:"@\"NOT\"?"`
	InSub  *pSelect `parser:"( \"IN\" \"(\" ( @@"`
	In     []*pExpr `parser:"           | @@ (\",\" @@)* ) \")\""`
	Low    *pConcat `parser:"| \"BETWEEN\" @@"`
	High   *pConcat `parser:"  \"AND\" @@"`
	Like   *pConcat `parser:"| \"LIKE\" @@ )"`
}

type pConcat struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pAdd   `parser:"@@"`
	Rest   []*pAdd `parser:"(\"||\" @@)*"`
}

type pAdd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pMul     `parser:"@@"`
	Rest   []*pAddOp `parser:"@@*"`
}

type pAddOp struct {
	Op    string `parser:"@(\"+\" | \"-\")"`
	Right *pMul  `parser:"@@"`
}

type pMul struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *pUnary   `parser:"@@"`
	Rest   []*pMulOp `parser:"@@*"`
}

type pMulOp struct {
	Op    string  `parser:"@(\"*\" | \"/\" | \"%\")"`
	Right *pUnary `parser:"@@"`
}

type pUnary struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Op      string     `parser:"(  @(\"-\" | \"+\")"`
	Operand *pUnary    `parser:"   @@"`
	Primary *pPrimary  `parser:"| @@"`
	Access  []*pAccess `parser:"  @@*"`
	Casts   []*pType   `parser:"  (\"::\" @@)* )"`
}

// pAccess reads into a nested value: .field, ksqlDB's ->field, or [index] (an array's element, a map's value).
type pAccess struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Dot    *pIdent `parser:"  \".\" @@"`
	Arrow  *pIdent `parser:"| \"->\" @@"`
	Index  *pExpr  `parser:"| \"[\" @@ \"]\""`
}

type pPrimary struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Number   *string    `parser:"  @Number"`
	String   *string    `parser:"| @String"`
	True     bool       `parser:"| @\"TRUE\""`
	False    bool       `parser:"| @\"FALSE\""`
	Null     bool       `parser:"| @\"NULL\""`
	Interval *pInterval `parser:"| @@"`
	TypedLit *pTypedLit `parser:"| @@"`
	Case     *pCase     `parser:"| @@"`
	Cast     *pCast     `parser:"| @@"`
	Extract  *pExtract  `parser:"| @@"`
	Exists   *pSelect   `parser:"| \"EXISTS\" \"(\" @@ \")\""`
	Subquery *pSelect   `parser:"| \"(\" @@ \")\""`
	Paren    *pExpr     `parser:"| \"(\" @@ \")\""`
	Array    *pArrayLit `parser:"| @@"`
	Pack     *pPack     `parser:"| @@"`
	Struct   *pBraces   `parser:"| @@"`
	Call     *pCall     `parser:"| @@"`
	Now      *pIdent    `parser:"| (?= (\"CURRENT_TIMESTAMP\" | \"CURRENT_DATE\" | \"CURRENT_TIME\") (?! \"(\")) @@"` // without parentheses, a call
	Column   *pColumn   `parser:"| @@"`
	Duration *string    `parser:"| @Duration"`
}

// pTypedLit is a typed literal, DATE '2024-01-31', TIME '12:34:56', TIMESTAMP '2024-01-31 12:00:00' or
// BLOB '\xAA': the string cast to the type.
type pTypedLit struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Type   *pType `parser:"(?= (\"DATE\" | \"TIME\" | \"TIMESTAMP\" | \"BLOB\" | \"BYTES\") String) @@"`
	Value  *pStr  `parser:"@@"`
}

// pArrayLit is an array constructor: ARRAY[a, b, ...] or DuckDB's [a, b, ...].
type pArrayLit struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Open   string   `parser:"( \"ARRAY\" )? @\"[\""`
	Elems  []*pExpr `parser:"( @@ (\",\" @@)* )? \"]\""`
}

// pBraces is DuckDB's struct constructor {'name': value, ...}, or with MAP before it a map constructor
// MAP {key: value, ...}.
type pBraces struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Map     bool        `parser:"@\"MAP\"? \"{\""`
	Entries []*pBraceKV `parser:"( @@ (\",\" @@)* )? \"}\""`
}

// pPack is DuckDB's struct constructor with named arguments: STRUCT_PACK(name := value, ...), also spelled STRUCT.
type pPack struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string     `parser:"@(\"STRUCT_PACK\" | \"STRUCT\") \"(\""`
	Entries []*pPackKV `parser:"@@ (\",\" @@)* \")\""`
}

// pPackKV is one name := value of STRUCT_PACK.
type pPackKV struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   *pIdent `parser:"@@ \":=\""`
	Value  *pExpr  `parser:"@@"`
}

// pBraceKV is one entry of a constructor in braces: a STRUCT's field name (a string or a name) or a MAP's key,
// then its value.
type pBraceKV struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Key    *pExpr `parser:"@@ \":\""`
	Value  *pExpr `parser:"@@"`
}

// pInterval's unit is optional so that INTERVAL '5 minutes' parses; the words that may follow an interval in a
// frame bound, an EXPIRE clause or a CASE are not units.
type pInterval struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Value  string `parser:"\"INTERVAL\" @(String | Number)"`
	Unit   string `parser:"((?! \"PRECEDING\" | \"FOLLOWING\" | \"INACTIVITY\" | \"END\") @Ident)?"`
}

type pCase struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Operand *pExpr   `parser:"\"CASE\" ((?! \"WHEN\") @@)?"`
	Whens   []*pWhen `parser:"@@+"`
	Else    *pExpr   `parser:"(\"ELSE\" @@)?"`
	End     string   `parser:"@\"END\""`
}

type pWhen struct {
	Pos  lexer.Position
	Cond *pExpr `parser:"\"WHEN\" @@"`
	Then *pExpr `parser:"\"THEN\" @@"`
}

type pCast struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Expr    *pExpr `parser:"\"CAST\" \"(\" @@"`
	Type    *pType `parser:"(  \"AS\" @@"`
	TypeStr *pStr  `parser:" | \",\" @@ ) \")\""` // Velostream's CAST(x, 'type')
}

// pExtract is EXTRACT(part FROM x), or Velostream's EXTRACT(part, x) and EXTRACT('part', x).
type pExtract struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Part    *pIdent `parser:"\"EXTRACT\" \"(\" ( @@"`
	PartStr *pStr   `parser:"| @@ )"`
	From    *pExpr  `parser:"(\"FROM\" | \",\") @@ \")\""`
}

// pStr is a string literal with its position.
type pStr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string `parser:"@String"`
}

type pCall struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Trim     *pTrim     `parser:"(  @@"`
	Position *pPosition `parser:" | @@"`
	Name     *pFuncName `parser:" | @@ \"(\""`
	// The argument list is ( "*" | DISTINCT? args )? rather than ( "*" | DISTINCT? args? ): participle panics
	// when a branch of a disjunction matches without consuming a token, as NOW() would.
	Star     bool     `parser:"  ( @\"*\""`
	Distinct bool     `parser:"  | @\"DISTINCT\"?"`
	Args     []*pExpr `parser:"    @@ (\",\" @@)* )? \")\" )"`
	Within   *pWithin `parser:"@@?"`
	Over     *pOver   `parser:"@@?"`
}

// pFuncName is a function's name: an identifier, or LEFT and RIGHT, which are reserved for joins.
type pFuncName struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@(Ident | QuotedIdent | \"LEFT\" | \"RIGHT\")"`
}

// pTrim is TRIM([LEADING | TRAILING | BOTH] [chars] FROM s). Its plain forms TRIM(s) and TRIM(s, chars) are parsed
// here too: were they left to the general call, a long first argument followed by ")" instead of FROM would fail
// this branch further ahead than the parser backtracks.
type pTrim struct {
	Name     *pIdent    `parser:"(?= \"TRIM\" \"(\") @@ \"(\""`
	Side     string     `parser:"(  @(\"LEADING\" | \"TRAILING\" | \"BOTH\")"`
	SideFrom *pTrimFrom `parser:"   @@"`
	Src      *pExpr     `parser:" | \"FROM\" @@"`
	First    *pExpr     `parser:" | @@"`
	From     *pExpr     `parser:"   ( \"FROM\" @@"`
	More     []*pExpr   `parser:"   | (\",\" @@)+ )? ) \")\""`
}

// pTrimFrom is what follows LEADING, TRAILING or BOTH: FROM s, or chars FROM s.
type pTrimFrom struct {
	Src      *pExpr `parser:"  \"FROM\" @@"`
	Chars    *pExpr `parser:"| @@ \"FROM\""`
	CharsSrc *pExpr `parser:"  @@"`
}

// pPosition is POSITION(sub IN s), and the plain POSITION(a, b, ...) for the same reason as pTrim.
type pPosition struct {
	Name  *pIdent  `parser:"(?= \"POSITION\" \"(\") @@ \"(\""`
	First *pExpr   `parser:"@@"`
	In    *pConcat `parser:"( \"IN\" @@"`
	More  []*pExpr `parser:"| (\",\" @@)+ )? \")\""`
}

// pWithin is an ordered-set aggregate's WITHIN GROUP (ORDER BY ...).
type pWithin struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Items  []*pOrder `parser:"\"WITHIN\" \"GROUP\" \"(\" \"ORDER\" \"BY\" @@ (\",\" @@)* \")\""`
}

// pOver is a window specification, its parts in the order Velostream accepts them: ROWS WINDOW BUFFER n ROWS,
// PARTITION BY, ORDER BY, the frame, EMIT and EXPIRE AFTER. The standard's are the middle three.
type pOver struct {
	Pos       lexer.Position
	EndPos    lexer.Position
	Buffer    *pBuffer   `parser:"\"OVER\" \"(\" @@?"`
	Partition []*pExpr   `parser:"(\"PARTITION\" \"BY\" @@ (\",\" @@)*)?"`
	OrderBy   []*pOrder  `parser:"(\"ORDER\" \"BY\" @@ (\",\" @@)*)?"`
	Frame     *pFrame    `parser:"@@?"`
	Emit      *pOverEmit `parser:"@@?"`
	Expire    *pExpire   `parser:"@@? \")\""`
}

type pBuffer struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Rows   string `parser:"\"ROWS\" \"WINDOW\" \"BUFFER\" @Number \"ROWS\""`
}

type pFrame struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Unit   string  `parser:"@(\"ROWS\" | \"RANGE\" | \"GROUPS\")"`
	Start  *pBound `parser:"(  \"BETWEEN\" @@"`
	End    *pBound `parser:"   \"AND\" @@"`
	Single *pBound `parser:" | @@ )"`
}

type pBound struct {
	Pos       lexer.Position
	EndPos    lexer.Position
	Unbounded string   `parser:"(  \"UNBOUNDED\" @(\"PRECEDING\" | \"FOLLOWING\")"`
	Current   bool     `parser:" | @(\"CURRENT\" \"ROW\")"`
	Offset    *pConcat `parser:" | @@"`
	Dir       string   `parser:"   @(\"PRECEDING\" | \"FOLLOWING\") )"`
}

type pOverEmit struct {
	Pos        lexer.Position
	EndPos     lexer.Position
	Every      bool `parser:"\"EMIT\" ( @(\"EVERY\" \"RECORD\")"`
	BufferFull bool `parser:"| @(\"ON\" \"BUFFER\" \"FULL\") )"`
}

type pExpire struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Never  bool       `parser:"\"EXPIRE\" \"AFTER\" ( @\"NEVER\""`
	After  *pInterval `parser:"| @@ \"INACTIVITY\" )"`
}

type pColumn struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*pIdent `parser:"@@ (\".\" @@)?"`
}
