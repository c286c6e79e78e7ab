// Table tests for the parser: SQL in, the AST's shape out as an S-expression.
package grammar

import (
	"errors"
	"strings"
	"testing"
)

// exprTests parse "SELECT <sql> FROM t" and compare the first select item.
var exprTests = []struct{ sql, want string }{
	// Precedence: OR < AND < NOT < comparison/IS/IN/BETWEEN/LIKE < || < + - < * / % < unary minus < ::.
	{"a OR b AND c", "(or (col a) (and (col b) (col c)))"},
	{"a AND b OR c", "(or (and (col a) (col b)) (col c))"},
	{"NOT a AND b", "(and (not (col a)) (col b))"},
	{"NOT a = b", "(not (= (col a) (col b)))"},
	{"NOT NOT a", "(not (not (col a)))"},
	{"a = b AND c <> d", "(and (= (col a) (col b)) (<> (col c) (col d)))"},
	{"a != b", "(<> (col a) (col b))"},
	{"a < b OR a <= b OR a > b OR a >= b", "(or (or (or (< (col a) (col b)) (<= (col a) (col b))) (> (col a) (col b))) (>= (col a) (col b)))"},
	{"a || b = c", "(= (|| (col a) (col b)) (col c))"},
	{"a + b || c", "(|| (+ (col a) (col b)) (col c))"},
	{"a + b * c", "(+ (col a) (* (col b) (col c)))"},
	{"a * b + c", "(+ (* (col a) (col b)) (col c))"},
	{"a - b % c / d", "(- (col a) (/ (% (col b) (col c)) (col d)))"},
	{"-a * b", "(* (- (col a)) (col b))"},
	{"-a::int", "(- (cast (col a) INT))"},
	{"a::int::varchar", "(cast (cast (col a) INT) VARCHAR)"},
	{"a + b::double", "(+ (col a) (cast (col b) DOUBLE))"},
	{"a IS NULL AND b IS NOT NULL", "(and (is-null (col a)) (is-not-null (col b)))"},
	{"a + 1 IS NULL", "(is-null (+ (col a) (num 1)))"},
	{"NOT a IS NULL", "(not (is-null (col a)))"},
	{"a || 'x' LIKE 'ab%'", "(like (|| (col a) (str \"x\")) (str \"ab%\"))"},
	{"a NOT LIKE 'x'", "(like not (col a) (str \"x\"))"},
	{"a + 1 BETWEEN 1 AND 2 AND c", "(and (between (+ (col a) (num 1)) (num 1) (num 2)) (col c))"},
	{"c NOT BETWEEN 1 AND 2", "(between not (col c) (num 1) (num 2))"},
	{"b NOT IN (1, 2)", "(in not (col b) (num 1) (num 2))"},
	{"b IN (1 + 1)", "(in (col b) (+ (num 1) (num 1)))"},
	{"NOT b IN ('x') OR c", "(or (not (in (col b) (str \"x\"))) (col c))"},
	// Left associativity.
	{"a - b - c", "(- (- (col a) (col b)) (col c))"},
	{"a / b / c", "(/ (/ (col a) (col b)) (col c))"},
	{"a || b || c", "(|| (|| (col a) (col b)) (col c))"},
	{"a OR b OR c", "(or (or (col a) (col b)) (col c))"},
	{"a AND b AND c", "(and (and (col a) (col b)) (col c))"},
	{"a = b = c", "(= (= (col a) (col b)) (col c))"},
	// Unary minus on any expression.
	{"-(a + b)", "(- (paren (+ (col a) (col b))))"},
	{"- SUM(x)", "(- (call SUM (col x)))"},
	{"a - -b", "(- (col a) (- (col b)))"},
	{"+a", "(+ (col a))"},
	{"- -1", "(- (- (num 1)))"},
	{"-CASE WHEN a THEN 1 END", "(- (case (when (col a) (num 1))))"},
	// Literals.
	{"42", "(num 42)"},
	{"3.25", "(num 3.25)"},
	{".5", "(num .5)"},
	{"1e5", "(num 1e5)"},
	{"2.5E-3", "(num 2.5E-3)"},
	{"'it''s'", `(str "it's")`},
	{"''", `(str "")`},
	{"'a -- not a comment /* nor this */'", `(str "a -- not a comment /* nor this */")`},
	{"TRUE", "(bool true)"},
	{"false", "(bool false)"},
	{"NULL", "null"},
	{"INTERVAL '5' MINUTE", `(interval "5" MINUTE)`},
	{"interval 10 seconds", `(interval "10" SECONDS)`},
	{"INTERVAL 1 HOUR", `(interval "1" HOUR)`},
	{"INTERVAL '2' HOURS", `(interval "2" HOURS)`},
	{"INTERVAL '5 minutes'", `(interval "5" MINUTES)`},
	{"INTERVAL ' 3  day '", `(interval "3" DAY)`},
	{"INTERVAL '1h'", `(interval "1h" )`},
	{"INTERVAL 5", `(interval "5" )`},
	{"CASE WHEN a THEN INTERVAL '1 hour' END", `(case (when (col a) (interval "1" HOUR)))`},
	{"1m", "(dur 1m)"},
	{"100ms", "(dur 100ms)"},
	{"5s", "(dur 5s)"},
	{"2h", "(dur 2h)"},
	{"1d", "(dur 1d)"},
	// CASE, searched and simple, nested.
	{"CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END",
		`(case (when (> (col a) (num 1)) (str "big")) (when (> (col a) (num 0)) (str "small")) (else (str "none")))`},
	{"CASE a WHEN 1 THEN 'one' END", `(case (col a) (when (num 1) (str "one")))`},
	{"CASE a + 1 WHEN 1 THEN CASE WHEN b THEN 1 ELSE 2 END ELSE 3 END",
		"(case (+ (col a) (num 1)) (when (num 1) (case (when (col b) (num 1)) (else (num 2)))) (else (num 3)))"},
	{"case when a then end end", "(case (when (col a) (col end)))"},
	{"CASE WHEN a THEN CASE WHEN b THEN 1 END END", "(case (when (col a) (case (when (col b) (num 1)))))"},
	{"CASE end WHEN end THEN end END", "(case (col end) (when (col end) (col end)))"},
	{"CASE WHEN end THEN end ELSE end END", "(case (when (col end) (col end)) (else (col end)))"},
	// CAST, ::, EXTRACT.
	{"CAST(a AS DECIMAL(10, 2))", "(cast (col a) DECIMAL(10,2))"},
	{"cast(a + 1 as varchar)", "(cast (+ (col a) (num 1)) VARCHAR)"},
	{"CAST(a AS DOUBLE PRECISION)", "(cast (col a) DOUBLE PRECISION)"},
	{"a::DECIMAL(10,2)", "(cast (col a) DECIMAL(10,2))"},
	{"a::double precision", "(cast (col a) DOUBLE PRECISION)"},
	{"(a + b)::bigint", "(cast (paren (+ (col a) (col b))) BIGINT)"},
	{"CAST(ts AS TIMESTAMP)", "(cast (col ts) TIMESTAMP)"},
	{"EXTRACT(HOUR FROM ts)", "(extract HOUR (col ts))"},
	{"EXTRACT(hour FROM o.ts + 1)", "(extract hour (+ (col o.ts) (num 1)))"},
	// Calls.
	{"COUNT(*)", "(call COUNT *)"},
	{"COUNT(DISTINCT x)", "(call COUNT distinct (col x))"},
	{"count(distinct a, b)", "(call count distinct (col a) (col b))"},
	{"SUM(x)", "(call SUM (col x))"},
	{"NOW()", "(call NOW)"},
	{"COALESCE(a, b, 'c', 1 + 2)", `(call COALESCE (col a) (col b) (str "c") (+ (num 1) (num 2)))`},
	{"UPPER(TRIM(a))", "(call UPPER (call TRIM (col a)))"},
	{"ROW_NUMBER() OVER (PARTITION BY a ORDER BY b)", "(call ROW_NUMBER (over (partition-by (col a)) (order-by (col b))))"},
	{"SUM(x) OVER ()", "(call SUM (col x) (over))"},
	{"LAG(x, 1) OVER (ORDER BY ts) + 1", "(+ (call LAG (col x) (num 1) (over (order-by (col ts)))) (num 1))"},
	{"SUM(x) OVER (PARTITION BY UPPER(a) ORDER BY f(g(ts), (1))) * 2",
		"(* (call SUM (col x) (over (partition-by (call UPPER (col a))) (order-by (call f (call g (col ts)) (paren (num 1)))))) (num 2))"},
	// OVER: partitions, sort keys, frames.
	{"SUM(x) OVER (PARTITION BY a, b.c ORDER BY ts DESC NULLS FIRST, k ASC NULLS LAST, j NULLS LAST)",
		"(call SUM (col x) (over (partition-by (col a) (col b.c)) (order-by (sort (col ts) desc nulls-first) (sort (col k) nulls-last) (sort (col j) nulls-last))))"},
	{"STDDEV(price) OVER (PARTITION BY symbol ORDER BY ts ROWS BETWEEN 19 PRECEDING AND 1 PRECEDING)",
		"(call STDDEV (col price) (over (partition-by (col symbol)) (order-by (col ts)) (rows between (preceding (num 19)) (preceding (num 1)))))"},
	{"SUM(x) OVER (ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)",
		"(call SUM (col x) (over (order-by (col ts)) (rows between (preceding (num 5)) current-row)))"},
	{"SUM(x) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
		"(call SUM (col x) (over (rows between unbounded-preceding unbounded-following)))"},
	{"SUM(x) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING)",
		"(call SUM (col x) (over (order-by (col ts)) (rows between current-row (following (num 2)))))"},
	{"SUM(x) OVER (ROWS UNBOUNDED PRECEDING)", "(call SUM (col x) (over (rows unbounded-preceding)))"},
	{"SUM(x) OVER (ROWS 3 PRECEDING)", "(call SUM (col x) (over (rows (preceding (num 3)))))"},
	{"SUM(x) OVER (groups current row)", "(call SUM (col x) (over (groups current-row)))"},
	{"AVG(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)",
		`(call AVG (col x) (over (order-by (col ts)) (range between (preceding (interval "1" HOUR)) current-row)))`},
	{"AVG(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND INTERVAL 30 MINUTES FOLLOWING)",
		`(call AVG (col x) (over (order-by (col ts)) (range between (preceding (interval "1" HOUR)) (following (interval "30" MINUTES)))))`},
	{"SUM(x) OVER (ROWS BETWEEN n + 1 PRECEDING AND current FOLLOWING)",
		"(call SUM (col x) (over (rows between (preceding (+ (col n) (num 1))) (following (col current)))))"},
	// Velostream's OVER (ROWS WINDOW BUFFER n ROWS ...), every part in its order.
	{"AVG(price) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY symbol ORDER BY event_time)",
		"(call AVG (col price) (over (buffer 100) (partition-by (col symbol)) (order-by (col event_time))))"},
	{"AVG(price) OVER (ROWS WINDOW BUFFER 100 ROWS)", "(call AVG (col price) (over (buffer 100)))"},
	{"MAX(price) OVER (ROWS WINDOW BUFFER 500 ROWS PARTITION BY exchange, symbol ORDER BY ts " +
		"ROWS BETWEEN 50 PRECEDING AND CURRENT ROW EMIT ON BUFFER FULL EXPIRE AFTER INTERVAL '10' MINUTES INACTIVITY)",
		`(call MAX (col price) (over (buffer 500) (partition-by (col exchange) (col symbol)) (order-by (col ts)) ` +
			`(rows between (preceding (num 50)) current-row) (emit buffer-full) (expire (interval "10" MINUTES))))`},
	{"LAG(price, 1) OVER (ROWS WINDOW BUFFER 10 ROWS ORDER BY ts EMIT EVERY RECORD EXPIRE AFTER NEVER)",
		"(call LAG (col price) (num 1) (over (buffer 10) (order-by (col ts)) (emit every-record) (expire never)))"},
	// WITHIN GROUP, and both suffixes.
	{"PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x)", "(call PERCENTILE_CONT (num 0.9) (within-group (col x)))"},
	{"percentile_disc(0.5) within group (order by x desc, y)",
		"(call percentile_disc (num 0.5) (within-group (sort (col x) desc) (col y)))"},
	{"PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x) OVER (PARTITION BY k)",
		"(call PERCENTILE_CONT (num 0.9) (within-group (col x)) (over (partition-by (col k))))"},
	// IS [NOT] DISTINCT FROM: a comparison, so it binds tighter than AND and looser than ||.
	{"a IS DISTINCT FROM b", "(is-distinct (col a) (col b))"},
	{"a IS NOT DISTINCT FROM b || 'x' AND c", `(and (is-not-distinct (col a) (|| (col b) (str "x"))) (col c))`},
	{"NOT a + 1 IS DISTINCT FROM NULL", "(not (is-distinct (+ (col a) (num 1)) null))"},
	// CURRENT_TIMESTAMP without parentheses is a call; a qualified column of that name is still a column.
	{"CURRENT_TIMESTAMP", "(call CURRENT_TIMESTAMP no-parens)"},
	{"current_timestamp - ts", "(- (call current_timestamp no-parens) (col ts))"},
	{"CURRENT_TIMESTAMP()", "(call CURRENT_TIMESTAMP)"},
	{"t.current_timestamp", "(col t.current_timestamp)"},
	// POSITION(sub IN s) and TRIM(... FROM s) become ordinary arguments.
	{"POSITION('b' IN s)", `(call POSITION (str "b") (col s))`},
	{"position(a || 'x' IN UPPER(s)) + 1", `(+ (call position (|| (col a) (str "x")) (call UPPER (col s))) (num 1))`},
	{"POSITION(UPPER(a) || 'x' || b, s)", `(call POSITION (|| (|| (call UPPER (col a)) (str "x")) (col b)) (col s))`},
	{"POSITION()", "(call POSITION)"},
	{"TRIM(s, 'xy')", `(call TRIM (col s) (str "xy"))`},
	{"TRIM(FROM s)", "(call TRIM (col s))"},
	{"TRIM('x' FROM s)", `(call TRIM (col s) (str "x"))`},
	{"TRIM(BOTH FROM s)", "(call TRIM (col s))"},
	{"TRIM(BOTH 'x' FROM s)", `(call TRIM (col s) (str "x"))`},
	{"trim(leading FROM s)", "(call LTRIM (col s))"},
	{"TRIM(LEADING '0' FROM s)", `(call LTRIM (col s) (str "0"))`},
	{"TRIM(TRAILING ' .' FROM UPPER(s))", `(call RTRIM (call UPPER (col s)) (str " ."))`},
	{"TRIM(both)", "(call TRIM (col both))"},
	{"TRIM(UPPER(a) || b || c || d)", "(call TRIM (|| (|| (|| (call UPPER (col a)) (col b)) (col c)) (col d)))"},
	{"TRIM(DISTINCT a)", "(call TRIM distinct (col a))"},
	{"TRIM(s) OVER ()", "(call TRIM (col s) (over))"},
	// EXTRACT's and CAST's Velostream forms.
	{"EXTRACT('year', ts)", "(extract year (col ts))"},
	{"EXTRACT(DOW, ts + 1)", "(extract DOW (+ (col ts) (num 1)))"},
	{"EXTRACT('epoch' FROM ts)", "(extract epoch (col ts))"},
	{"CAST(x, 'INTEGER')", "(cast (col x) INTEGER)"},
	{"CAST(a + 1, 'decimal(10, 2)')", "(cast (+ (col a) (num 1)) DECIMAL(10,2))"},
	{"CAST(x, ' double  precision ')", "(cast (col x) DOUBLE PRECISION)"},
	{"CAST(x, 'no such type')", "(cast (col x) NO SUCH TYPE)"},
	{"CAST(x, 'DECIMAL(10')", "(cast (col x) DECIMAL(10)"},
	{"CAST(x, '')", "(cast (col x) )"},
	// IF, IIF, LEFT and RIGHT are calls; LEFT and RIGHT are reserved words elsewhere.
	{"IF(c, a, b)", "(call IF (col c) (col a) (col b))"},
	{"IIF(a > 1, 'x', 'y')", `(call IIF (> (col a) (num 1)) (str "x") (str "y"))`},
	{"LEFT(s, 2) || right(s, 3)", "(|| (call LEFT (col s) (num 2)) (call right (col s) (num 3)))"},
	// Columns and identifiers.
	{"o.price", "(col o.price)"},
	{`"end"`, `(col "end")`},
	{"`x`", `(col "x")`},
	{`"a""b"`, `(col "a"b")`},
	{`o."select"`, `(col o."select")`},
	{"status", "(col status)"},
	{"metrics", "(col metrics)"},
	{"properties", "(col properties)"},
	{"timestamp", "(col timestamp)"},
	{"key", "(col key)"},
	{"value", "(col value)"},
	{"window", "(col window)"},
	{"start", "(col start)"},
	{"end", "(col end)"},
	{"window.start", "(col window.start)"},
	{"stream + table", "(+ (col stream) (col table))"},
	{"key = value AND status <> 'x'", `(and (= (col key) (col value)) (<> (col status) (str "x")))`},
	{"selection", "(col selection)"},
	{"order_id", "(col order_id)"},
	// Subqueries as expressions and in IN.
	{"(SELECT MAX(x) FROM u)", "(subquery (select (items (call MAX (col x))) (from u)))"},
	{"a IN (SELECT b FROM u)", "(in (col a) (select (items (col b)) (from u)))"},
	{"a NOT IN (SELECT b FROM u WHERE c)", "(in not (col a) (select (items (col b)) (from u) (where (col c))))"},
	{"((a))", "(paren (paren (col a)))"},
	// Comments anywhere.
	{"a /* one */ + -- two\n b", "(+ (col a) (col b))"},
	{"SUM(/**/x/**/)", "(call SUM (col x))"},
}

func TestParseExpr(t *testing.T) {
	for _, tt := range exprTests {
		src := "SELECT " + tt.sql + " FROM t"
		s, err := Parse("q.sql", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		sel, ok := s.Statements[0].(*SelectStmt)
		if !ok || len(s.Statements) != 1 || len(sel.Query.Items) != 1 || sel.Query.Items[0].Alias != nil {
			t.Errorf("Parse(%q) = %s, want one select of one unaliased item", src, scriptSexpr(s))
			continue
		}
		if got := sexpr(sel.Query.Items[0].Expr); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", src, got, tt.want)
		}
	}
}

// scriptSexpr prints every statement on its own line.
func scriptSexpr(s *Script) string {
	var lines []string
	for _, st := range s.Statements {
		lines = append(lines, sexpr(st))
	}
	return strings.Join(lines, "\n")
}

// stmtTests parse whole scripts; want holds one S-expression per statement, one a line.
var stmtTests = []struct{ name, sql, want string }{
	{"select star", "SELECT * FROM orders",
		"(select (items *) (from orders))"},
	{"distinct and aliases", "SELECT DISTINCT a AS x, b y, c AS status, o.d AS window FROM orders o",
		"(select distinct (items (as (col a) x) (as (col b) y) (as (col c) status) (as (col o.d) window)) (from orders as o))"},
	{"reserved-looking columns", "SELECT status, metrics, properties, timestamp, key, value, window, start, end FROM t " +
		"WHERE status = 'ok' AND key IS NOT NULL AND end > start GROUP BY status, key, window, start, end, value",
		"(select (items (col status) (col metrics) (col properties) (col timestamp) (col key) (col value) (col window) (col start) (col end)) (from t) " +
			"(where (and (and (= (col status) (str \"ok\")) (is-not-null (col key))) (> (col end) (col start)))) " +
			"(group-by (col status) (col key) (col window) (col start) (col end) (col value)))"},
	{"reserved-looking columns before clauses", "SELECT window, end FROM t GROUP BY window WINDOW TUMBLING(timestamp, 1m) EMIT CHANGES",
		"(select (items (col window) (col end)) (from t) (group-by (col window)) (window TUMBLING (col timestamp) (dur 1m)) (emit changes))"},
	{"where then window", "SELECT a FROM t WHERE status = 'x' WINDOW TUMBLING(ts, INTERVAL '1' MINUTE)",
		"(select (items (col a)) (from t) (where (= (col status) (str \"x\"))) (window TUMBLING (col ts) (interval \"1\" MINUTE)))"},
	{"clauses in ksql order", "SELECT k, COUNT(*) FROM t WINDOW TUMBLING(ts, 1m) GROUP BY k HAVING COUNT(*) > 1 EMIT CHANGES",
		"(select (items (col k) (call COUNT *)) (from t) (group-by (col k)) (having (> (call COUNT *) (num 1))) (window TUMBLING (col ts) (dur 1m)) (emit changes))"},
	{"clauses in any order", "SELECT k FROM t EMIT FINAL HAVING SUM(x) > 0 WINDOW HOPPING(ts, 5m, 1m) GROUP BY k, j",
		"(select (items (col k)) (from t) (group-by (col k) (col j)) (having (> (call SUM (col x)) (num 0))) (window HOPPING (col ts) (dur 5m) (dur 1m)) (emit final))"},
	{"lowercase window", "select k from t window session(ts, 30s) group by k emit changes",
		"(select (items (col k)) (from t) (group-by (col k)) (window SESSION (col ts) (dur 30s)) (emit changes))"},
	{"repeated clauses", "SELECT k FROM t GROUP BY k GROUP BY j EMIT CHANGES EMIT FINAL HAVING a HAVING b WINDOW TUMBLING(ts, 1m) WINDOW TUMBLING(ts, 2m) LIMIT 1 LIMIT 2",
		"(select (items (col k)) (from t) (group-by (col k)) (having (col a)) (window TUMBLING (col ts) (dur 1m)) (emit changes) (limit 1) " +
			"(repeated (group-by (col j)) (emit final) (having (col b)) (window TUMBLING (col ts) (dur 2m)) (limit 2)))"},
	{"order by and limit", "SELECT a FROM t ORDER BY a DESC, b ASC LIMIT 10",
		"(select (items (col a)) (from t) (order-by (sort (col a) desc) (col b)) (limit 10))"},
	{"order by nulls", "SELECT a FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST, UPPER(c) ASC NULLS LAST LIMIT 3",
		"(select (items (col a)) (from t) (order-by (sort (col a) desc nulls-last) (sort (col b) nulls-first) (sort (call UPPER (col c)) nulls-last)) (limit 3))"},
	{"ksql tumbling", "SELECT k, COUNT(*) FROM t WINDOW TUMBLING (SIZE 1 MINUTE, RETENTION 2 HOURS, GRACE PERIOD 10 SECONDS) GROUP BY k EMIT CHANGES",
		`(select (items (col k) (call COUNT *)) (from t) (group-by (col k)) (window TUMBLING (SIZE (interval "1" MINUTE)) (RETENTION (interval "2" HOURS)) (GRACE (interval "10" SECONDS))) (emit changes))`},
	{"ksql hopping before where", "SELECT k FROM t WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) WHERE x > 0 GROUP BY k",
		`(select (items (col k)) (from t) (where (> (col x) (num 0))) (group-by (col k)) (window HOPPING (SIZE (interval "5" MINUTES)) (ADVANCE (interval "1" MINUTE))))`},
	{"ksql session", "SELECT k FROM t WINDOW SESSION (30 SECONDS, GRACE PERIOD 1 MILLISECOND) GROUP BY k",
		`(select (items (col k)) (from t) (group-by (col k)) (window SESSION (interval "30" SECONDS) (GRACE (interval "1" MILLISECOND))))`},
	{"ksql window given twice", "SELECT k FROM t WINDOW SESSION (30 SECONDS) WHERE a WINDOW TUMBLING(1m)",
		`(select (items (col k)) (from t) (where (col a)) (window SESSION (interval "30" SECONDS)) (repeated (window TUMBLING (dur 1m))))`},
	{"named window values as written", "SELECT k FROM t GROUP BY k WINDOW TUMBLING (SIZE INTERVAL '1' MINUTE, GRACE PERIOD 5s, RETENTION (x))",
		`(select (items (col k)) (from t) (group-by (col k)) (window TUMBLING (SIZE (interval "1" MINUTE)) (GRACE (dur 5s)) (RETENTION (paren (col x)))))`},
	{"velostream windows", "SELECT k FROM t GROUP BY k WINDOW SLIDING(5m, 1m); SELECT k FROM t GROUP BY k WINDOW SESSION(ts, 30s, k); " +
		"SELECT k FROM t GROUP BY k WINDOW TUMBLING(INTERVAL 5 MINUTES); SELECT k FROM t GROUP BY k WINDOW HOPPING(ts, 5 MINUTES, 1 MINUTE)",
		"(select (items (col k)) (from t) (group-by (col k)) (window SLIDING (dur 5m) (dur 1m)))\n" +
			"(select (items (col k)) (from t) (group-by (col k)) (window SESSION (col ts) (dur 30s) (col k)))\n" +
			`(select (items (col k)) (from t) (group-by (col k)) (window TUMBLING (interval "5" MINUTES)))` + "\n" +
			`(select (items (col k)) (from t) (group-by (col k)) (window HOPPING (col ts) (interval "5" MINUTES) (interval "1" MINUTE)))`},
	{"columns named like window parameters", "SELECT k FROM t GROUP BY k WINDOW TUMBLING(size, 1m); SELECT k FROM t GROUP BY k WINDOW TUMBLING(size + 1, 60000)",
		"(select (items (col k)) (from t) (group-by (col k)) (window TUMBLING (col size) (dur 1m)))\n" +
			"(select (items (col k)) (from t) (group-by (col k)) (window TUMBLING (+ (col size) (num 1)) (num 60000)))"},
	{"within as an alias", "SELECT COUNT(*) within FROM t; SELECT COUNT(*) within GROUP BY k",
		"(select (items (as (call COUNT *) within)) (from t))\n(select (items (as (call COUNT *) within)) (group-by (col k)))"},
	{"left and right calls beside joins", "SELECT a FROM t LEFT JOIN u ON LEFT(a, 1) = RIGHT(b, 1) RIGHT JOIN v ON TRUE",
		"(select (items (col a)) (from t) (join LEFT (from u) (on (= (call LEFT (col a) (num 1)) (call RIGHT (col b) (num 1))))) (join RIGHT (from v) (on (bool true))))"},
	{"joins", "SELECT o.id FROM orders o JOIN customers c ON o.cid = c.id LEFT OUTER JOIN x ON TRUE CROSS JOIN y WHERE c.ok",
		"(select (items (col o.id)) (from orders as o) (join (from customers as c) (on (= (col o.cid) (col c.id)))) (join LEFT-OUTER (from x) (on (bool true))) (join CROSS (from y)) (where (col c.ok)))"},
	{"exists", "SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM w WHERE w.k = t.a) AND exists(SELECT k FROM w)",
		"(select (items (col a)) (from t) (where (and (not (exists (select (items (num 1)) (from w) (where (= (col w.k) (col t.a)))))) (exists (select (items (col k)) (from w))))))"},
	{"event-time join", "SELECT t.id FROM t JOIN rates FOR SYSTEM_TIME AS OF t.ts AS r ON t.cur = r.cur LEFT JOIN x FOR SYSTEM_TIME AS OF ts y ON TRUE JOIN z FOR SYSTEM_TIME AS OF ts ON TRUE",
		"(select (items (col t.id)) (from t) (join (from rates as r) (as-of (col t.ts)) (on (= (col t.cur) (col r.cur)))) (join LEFT (from x as y) (as-of (col ts)) (on (bool true))) (join (from z) (as-of (col ts)) (on (bool true))))"},
	{"qualified star", "SELECT o.*, c.name, * FROM orders o JOIN customers AS c ON o.cid = c.id",
		"(select (items o.* (col c.name) *) (from orders as o) (join (from customers as c) (on (= (col o.cid) (col c.id)))))"},
	{"no from: parsed, for the checker to say that it is required", "SELECT 1; SELECT a AS b WHERE c EMIT FINAL",
		"(select (items (num 1)))\n(select (items (as (col a) b)) (where (col c)) (emit final))"},
	{"subquery in from", "SELECT a FROM (SELECT a FROM t) AS s",
		"(select (items (col a)) (from (select (items (col a)) (from t)) as s))"},
	{"select with", "SELECT a FROM t WITH ('out.path' = 'x.csv', format = json)",
		`(select (items (col a)) (from t) (with ("out.path" "x.csv") ("format" "json")))`},
	{"create stream", "CREATE STREAM orders (id BIGINT NOT NULL, status VARCHAR, price DECIMAL(10, 2), ts TIMESTAMP) " +
		"WITH (kafka_topic = 'orders', 'value.format' = 'json', out.path = '/tmp/x', partitions = 3, retention = 7d, compact = TRUE)",
		`(create-stream orders (cols (id BIGINT not-null) (status VARCHAR) (price DECIMAL(10,2)) (ts TIMESTAMP)) ` +
			`(with ("kafka_topic" "orders") ("value.format" "json") ("out.path" "/tmp/x") ("partitions" "3") ("retention" "7d") ("compact" "TRUE")))`},
	{"create stream reserved-looking columns", "CREATE STREAM s (status VARCHAR, metrics VARCHAR, properties VARCHAR, timestamp TIMESTAMP, " +
		"key VARCHAR, value DOUBLE, window INT, start BIGINT, end BIGINT, \"select\" INT)",
		`(create-stream s (cols (status VARCHAR) (metrics VARCHAR) (properties VARCHAR) (timestamp TIMESTAMP) (key VARCHAR) (value DOUBLE) (window INT) (start BIGINT) (end BIGINT) ("select" INT)))`},
	{"aliases named like keywords", "SELECT CASE WHEN x THEN 1 END end, a AS window, b AS \"from\" FROM t",
		`(select (items (as (case (when (col x) (num 1))) end) (as (col a) window) (as (col b) "from")) (from t))`},
	{"double precision column", "CREATE STREAM s (a DOUBLE PRECISION NOT NULL, b DOUBLE)",
		"(create-stream s (cols (a DOUBLE PRECISION not-null) (b DOUBLE)))"},
	{"create table inline key", "create table users (id varchar primary key, name varchar null, age int not null)",
		"(create-table users (cols (id VARCHAR primary-key) (name VARCHAR) (age INT not-null)))"},
	{"create table key constraint", "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b)) WITH ('x' = 'y')",
		`(create-table t (cols (a INT) (b INT)) (primary-key a b) (with ("x" "y")))`},
	{"create or replace", "CREATE OR REPLACE STREAM s (a INT)",
		"(create-stream s (cols (a INT)))"},
	{"create as select", "CREATE STREAM big AS SELECT * FROM orders WHERE price > 100 WITH ('out.path' = 'big.csv')",
		`(create-stream-as big (select (items *) (from orders) (where (> (col price) (num 100))) (with ("out.path" "big.csv"))))`},
	{"create table as select", "CREATE TABLE totals AS SELECT k, SUM(x) AS total FROM t GROUP BY k EMIT CHANGES",
		"(create-table-as totals (select (items (col k) (as (call SUM (col x)) total)) (from t) (group-by (col k)) (emit changes)))"},
	{"insert into", "INSERT INTO out WITH ('out.path' = 'o.jsonl') SELECT a FROM s",
		`(insert-into out (with ("out.path" "o.jsonl")) (select (items (col a)) (from s)))`},
	{"select into", "SELECT a INTO out FROM s; SELECT a FROM s WHERE a > 1 INTO out2 WITH ('out2.type' = 'stdout')",
		`(select (items (col a)) (from s) (into out))
(select (items (col a)) (from s) (where (> (col a) (num 1))) (into out2) (with ("out2.type" "stdout")))`},
	{"union all", "SELECT a FROM s UNION ALL SELECT b FROM t WHERE b > 0 UNION ALL SELECT c FROM u WITH ('x.y' = 'z')",
		`(select (items (col a)) (from s) (union-all (select (items (col b)) (from t) (where (> (col b) (num 0))))) (union-all (select (items (col c)) (from u))) (with ("x.y" "z")))`},
	{"join within", "SELECT * FROM a JOIN b WITHIN 10 SECONDS ON a.k = b.k; SELECT * FROM a x LEFT JOIN b y WITHIN (5 SECONDS, 30 SECONDS) GRACE PERIOD 1 MINUTE ON x.k = y.k",
		`(select (items *) (from a) (join (from b) (within (interval "10" SECONDS) (interval "10" SECONDS)) (on (= (col a.k) (col b.k)))))
(select (items *) (from a as x) (join LEFT (from b as y) (within (interval "5" SECONDS) (interval "30" SECONDS) (grace (interval "1" MINUTE))) (on (= (col x.k) (col y.k)))))`},
	{"unsupported", "INSERT INTO t VALUES (1); DROP STREAM s; DELETE FROM t WHERE a; SHOW STREAMS; TERMINATE q1; DESCRIBE s",
		"(unsupported INSERT)\n(unsupported DROP)\n(unsupported DELETE)\n(unsupported SHOW)\n(unsupported TERMINATE)\n(unsupported DESCRIBE)"},
	{"several statements", ";; SELECT a FROM t; ;SELECT b FROM u;\nCREATE STREAM s (x INT);",
		"(select (items (col a)) (from t))\n(select (items (col b)) (from u))\n(create-stream s (cols (x INT)))"},
	{"comments everywhere", "-- leading\n/* block\n comment */ SELECT /* a */ a -- trailing\n FROM /**/ t /* x */ ; -- end\n/* last */",
		"(select (items (col a)) (from t))"},
	{"trailing semicolons", "SELECT a FROM t;;;;;;;;", "(select (items (col a)) (from t))"},
	{"no trailing semicolon", "SELECT a FROM t;\nSELECT b FROM u",
		"(select (items (col a)) (from t))\n(select (items (col b)) (from u))"},
	{"empty script", "  -- nothing\n", ""},
	{"only semicolons", ";;", ""},
}

func TestParseStatements(t *testing.T) {
	for _, tt := range stmtTests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("q.sql", []byte(tt.sql))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.sql, err)
			}
			if got := scriptSexpr(s); got != tt.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tt.sql, got, tt.want)
			}
		})
	}
}

// TestParseFields checks AST fields the S-expressions do not show.
func TestParseFields(t *testing.T) {
	s, err := Parse("q.sql", []byte("SELECT a FROM t; CREATE TABLE x (a INT); CREATE STREAM y AS SELECT a FROM t; insert into t values (1)"))
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "q.sql" || string(s.Src) == "" {
		t.Errorf("File, Src = %q, %q", s.File, s.Src)
	}
	if k := s.Statements[1].(*CreateSource).Kind; k != Table || k.String() != "TABLE" {
		t.Errorf("CREATE TABLE kind = %v", k)
	}
	if k := s.Statements[2].(*CreateAs).Kind; k != Stream || k.String() != "STREAM" {
		t.Errorf("CREATE STREAM kind = %v", k)
	}
	if v := s.Statements[3].(*Unsupported).Verb; v != "INSERT" {
		t.Errorf("verb = %q, want INSERT", v)
	}
}

// errorTests give bad input and the error Parse must return.
var errorTests = []struct{ sql, pos, msg string }{
	{"SELECT FROM x", "q.sql:1:8", `unexpected token "FROM"`},
	{"SELECT a FROM", "q.sql:1:14", "unexpected end of script"},
	{"SELECT a\nFROM t\nWHERE", "q.sql:3:6", "unexpected end of script"},
	{"CREATE STREAM (", "q.sql:1:15", `unexpected token "("`},
	{"SELECT 'abc FROM t", "q.sql:1:8", "unterminated string"},
	{"SELECT a FROM t;\n  SELECT 'x\n FROM t", "q.sql:2:10", "unterminated string"},
	{"SELECT a FROM t WHERE a = = b", "q.sql:1:27", `unexpected token "="`},
	{"SELECT a FROM t GROUP k", "q.sql:1:23", `unexpected token "k"`},
	{"SELECT CASE WHEN a THEN 1 FROM t", "q.sql:1:27", `unexpected token "FROM"`},
	{"SELECT a FROM t\n/* unclosed", "q.sql:2:1", "unterminated comment"},
	{"SELECT 'é' + FROM t", "q.sql:1:14", `unexpected token "FROM"`},
	{"SELECT a FROM t WHERE a ? b", "q.sql:1:25", `unexpected token "?"`},
	{"SELECT \"abc FROM t", "q.sql:1:8", "unterminated quoted identifier"},
	{"INSERT INTO t VALUES ('abc", "q.sql:1:23", "unterminated string"},
	{"SELECT SUM(x) OVER (ORDER BY 'abc", "q.sql:1:30", "unterminated string"},
	{"SELECT SUM(x) OVER ((a) FROM t", "q.sql:1:21", `unexpected token "("`},
	{"SELECT SUM(x) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING) FROM t", "q.sql:1:33", `unexpected token "ROWS"`},
	{"SELECT SUM(x) OVER (ROWS 1) FROM t", "q.sql:1:27", `unexpected token ")"`},
	{"SELECT SUM(x) OVER (ROWS WINDOW BUFFER 100) FROM t", "q.sql:1:43", `unexpected token ")"`},
	{"SELECT SUM(x) OVER (EXPIRE AFTER INTERVAL '1' MINUTE) FROM t", "q.sql:1:53", `unexpected token ")"`},
	{"SELECT SUM(x) OVER w FROM t", "q.sql:1:20", `unexpected token "w"`},
	{"SELECT a IS DISTINCT b FROM t", "q.sql:1:22", `unexpected token "b"`},
	{"SELECT TRIM(LEADING s) FROM t", "q.sql:1:22", `unexpected token ")"`},
	{"SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (x) FROM t", "q.sql:1:43", `unexpected token "x"`},
	{"SELECT a FROM t\nSELECT b FROM u", "q.sql:2:1", `unexpected token "SELECT"`},
	{"CREATE STREAM s (a INT) WITH (x = 1) CREATE STREAM t (b INT)", "q.sql:1:38", `unexpected token "CREATE"`},
	{"SELECT NOW( FROM t", "q.sql:1:13", `unexpected token "FROM"`},
	{"SELECT COUNT(DISTINCT) FROM t", "q.sql:1:22", `unexpected token ")"`},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		_, err := Parse("q.sql", []byte(tt.sql))
		var perr *Error
		if !errors.As(err, &perr) {
			t.Errorf("Parse(%q) error = %v (%T), want *Error", tt.sql, err, err)
			continue
		}
		if got := perr.Pos.String(); got != tt.pos {
			t.Errorf("Parse(%q) error at %s, want %s (%v)", tt.sql, got, tt.pos, err)
		}
		if !strings.HasPrefix(perr.Msg, tt.msg) {
			t.Errorf("Parse(%q) message %q, want prefix %q", tt.sql, perr.Msg, tt.msg)
		}
		if m := perr.Msg; m == "" || strings.HasSuffix(m, ".") || strings.ToLower(m[:1]) != m[:1] {
			t.Errorf("Parse(%q) message %q: want lowercase first letter and no final period", tt.sql, m)
		}
		if internalName.MatchString(perr.Msg) {
			t.Errorf("Parse(%q) message %q names a parse-tree struct", tt.sql, perr.Msg)
		}
		if got, want := err.Error(), perr.Pos.String()+": "+perr.Msg; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}

// spanCorpus is every script of the table tests, for the span and fuzz tests.
var spanCorpus = func() []string {
	var out []string
	for _, tt := range exprTests {
		out = append(out, "SELECT "+tt.sql+" FROM t")
	}
	for _, tt := range stmtTests {
		out = append(out, tt.sql)
	}
	return out
}()

// TestParseFieldsOver checks fields of the window and OVER forms that the S-expressions leave out.
func TestParseFieldsOver(t *testing.T) {
	src := "SELECT SUM(x) OVER (ROWS 2 FOLLOWING), SUM(x) OVER (ORDER BY a, b ASC NULLS LAST EMIT EVERY RECORD EXPIRE AFTER NEVER), " +
		"CURRENT_TIMESTAMP(), EXTRACT('Year', ts), \"TRIM\"(s) FROM t"
	s, err := Parse("q.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	items := s.Statements[0].(*SelectStmt).Query.Items
	f := items[0].Expr.(*Call).Over.Frame
	if f.Unit != "ROWS" || f.Between || f.Start.Kind != Following || f.End.Kind != CurrentRow || f.End.Offset != nil {
		t.Errorf("ROWS 2 FOLLOWING = %+v, start %+v, end %+v; want the short form ending at CURRENT ROW", f, f.Start, f.End)
	}
	o := items[1].Expr.(*Call).Over
	if o.OrderBy[0].NullsFirst != nil || o.OrderBy[0].Desc {
		t.Errorf("ORDER BY a: NullsFirst %v, Desc %v; want nil, false", o.OrderBy[0].NullsFirst, o.OrderBy[0].Desc)
	}
	if nf := o.OrderBy[1].NullsFirst; nf == nil || *nf || o.OrderBy[1].Desc {
		t.Errorf("b ASC NULLS LAST: NullsFirst %v, Desc %v; want false, false", nf, o.OrderBy[1].Desc)
	}
	if o.Emit.BufferFull || o.Expire.After != nil || o.Buffer != nil || o.Frame != nil || o.PartitionBy != nil {
		t.Errorf("OVER = %+v: want EMIT EVERY RECORD, EXPIRE AFTER NEVER and nothing else", o)
	}
	if c := items[2].Expr.(*Call); c.NoParens || c.Args != nil {
		t.Errorf("CURRENT_TIMESTAMP() = %+v, want a call with parentheses and no arguments", c)
	}
	if p := items[3].Expr.(*Extract).Part; p.Name != "Year" || p.Quoted {
		t.Errorf("EXTRACT('Year', ts) part = %+v, want the string's value, unquoted", p)
	}
	if c := items[4].Expr.(*Call); c.Name.Name != "TRIM" || !c.Name.Quoted {
		t.Errorf(`"TRIM"(s) name = %+v, want a quoted identifier`, c.Name)
	}
	for k, want := range map[BoundKind]string{UnboundedPreceding: "UNBOUNDED PRECEDING", Preceding: "PRECEDING",
		CurrentRow: "CURRENT ROW", Following: "FOLLOWING", UnboundedFollowing: "UNBOUNDED FOLLOWING", BoundKind(9): "BoundKind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("BoundKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
