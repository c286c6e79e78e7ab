// Fuzz test of the parser: it never panics, and what it accepts has spans inside the input.
package grammar

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT a OR b AND NOT c = d || e + f * -g::int FROM t",
		"SELECT -(a + b), - SUM(x), 1e5, 2.5E-3, 'it''s', TRUE, NULL, INTERVAL '5' MINUTE, 100ms FROM t",
		"SELECT CASE a WHEN 1 THEN CASE WHEN b THEN end END ELSE 'x' END FROM t",
		"SELECT CAST(a AS DECIMAL(10, 2)), a::double precision, EXTRACT(HOUR FROM ts) FROM t",
		"SELECT COUNT(*), COUNT(DISTINCT x), NOW(), COALESCE(a, b, 'c') FROM t",
		"SELECT o.price, \"end\", `x`, status, key, value, window, start, end FROM orders o",
		"SELECT a IS NOT NULL, b NOT IN (1, 2), c BETWEEN 1 AND 2, d NOT LIKE 'x%' FROM t",
		"SELECT a FROM t WHERE a IN (SELECT b FROM u) AND (SELECT MAX(x) FROM u) > 1",
		"SELECT SUM(x) OVER (PARTITION BY UPPER(a) ORDER BY f(ts)) FROM t",
		"-- c\n/* block */ SELECT /* a */ a -- trailing\n FROM t ;; SELECT b FROM u;",
		"CREATE STREAM orders (id BIGINT NOT NULL, status VARCHAR, price DECIMAL(10, 2)) WITH (kafka_topic = 'orders', 'out.path' = 'x', retention = 7d)",
		"CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (a, b)) WITH ('x' = 'y')",
		"CREATE STREAM big AS SELECT * FROM orders WHERE price > 100 WITH ('out.path' = 'big.csv')",
		"SELECT k, COUNT(*) FROM t WINDOW TUMBLING(ts, INTERVAL '1' MINUTE) GROUP BY k HAVING COUNT(*) > 1 EMIT CHANGES",
		"SELECT k FROM t EMIT FINAL HAVING SUM(x) > 0 WINDOW HOPPING(ts, 5m, 1m) GROUP BY k GROUP BY j",
		"SELECT o.id FROM orders o LEFT OUTER JOIN customers c ON o.cid = c.id ORDER BY o.id DESC LIMIT 10",
		"SELECT a FROM (SELECT a FROM t) AS s",
		"INSERT INTO t SELECT * FROM u; DROP STREAM s",
		"SELECT 'é', '日本' || price AS p FROM t",
		"SELECT AVG(p) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY s ORDER BY ts DESC NULLS FIRST ROWS BETWEEN 19 PRECEDING AND CURRENT ROW EMIT ON BUFFER FULL EXPIRE AFTER INTERVAL '5' MINUTE INACTIVITY) FROM t",
		"SELECT SUM(x) OVER (ROWS 3 PRECEDING), AVG(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND UNBOUNDED FOLLOWING) FROM t",
		"SELECT PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x) OVER (PARTITION BY k), a IS NOT DISTINCT FROM b, CURRENT_TIMESTAMP FROM t",
		"SELECT EXTRACT('year', ts), CAST(x, 'decimal(10, 2)'), POSITION('a' IN s), TRIM(LEADING 'x' FROM s), LEFT(s, 2), INTERVAL 5 MINUTES FROM t",
		"SELECT k FROM t WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE, GRACE PERIOD 10 SECONDS) WHERE a GROUP BY k ORDER BY k DESC NULLS LAST",
		"SELECT k FROM t GROUP BY k WINDOW SESSION (5 MINUTES, RETENTION 1 DAY)",
		"SELECT 'abc FROM t /* x",
		"SELECT FROM x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("f.sql", []byte(src))
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %v (%T) is not *Error", src, err, err)
			}
			if msg := checkPos([]byte(src), "f.sql", perr.Pos); msg != "" {
				t.Fatalf("Parse(%q) error %v: position %s", src, err, msg)
			}
			return
		}
		for _, p := range spanProblems(s, "f.sql") {
			t.Errorf("Parse(%q): %s", src, p)
		}
	})
}
