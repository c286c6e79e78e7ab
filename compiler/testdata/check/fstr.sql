-- The string, regular expression and hash functions: the calls the checker accepts, and what it rejects.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, n INT, price DECIMAL(12,4), ok BOOLEAN, event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');

-- Accepted.
SELECT LPAD(symbol, n, '*') AS a, RPAD(symbol, quantity, side) AS b, LEFT(symbol, n) AS c, RIGHT(symbol, -2) AS d, STRPOS(symbol, 'A') AS e, INSTR(symbol, side) AS f FROM orders;
SELECT SPLIT_PART(symbol, '.', -1) AS a, STARTS_WITH(symbol, 'A') AS b, PREFIX(symbol, side) AS c, ENDS_WITH(symbol, 'Z') AS d, SUFFIX(symbol, NULL) AS e, CONTAINS(symbol, side) AS f FROM orders;
SELECT REVERSE(symbol) AS a, REPEAT(symbol, n) AS b, INITCAP(side) AS c, ASCII(symbol) + 1 AS d, CHR(quantity) AS e, CONCAT_WS(side, symbol, quantity, price, ok, event_time) AS f FROM orders;
SELECT LTRIM(symbol) AS a, RTRIM(symbol, 'xy') AS b, TRIM(symbol, side) AS c, TRIM(BOTH 'x' FROM symbol) AS d, MD5(symbol) AS e, SHA256(side) AS f FROM orders;
SELECT HASH(symbol) AS a, HASH(quantity) AS b, HASH(n) AS c, HASH(price) AS d, HASH(ok) AS e, HASH(event_time) AS f, HASH(1.5e0) AS g, HASH(NULL) AS h FROM orders;
SELECT REGEXP_MATCHES(symbol, '^A.*') AS a, REGEXP_MATCHES(symbol, side, 'i') AS b, REGEXP_REPLACE(symbol, '(A)', '\1\1', 'gi') AS c, REGEXP_EXTRACT(symbol, '(A)(B)?', 2) AS d, REGEXP_EXTRACT(symbol, side, NULL, 's') AS e FROM orders;
SELECT REGEXP_MATCHES(symbol, NULL) AS a, REGEXP_REPLACE(symbol, 'a', 'b', NULL) AS b, REGEXP_MATCHES(symbol, '^A', ' c m ') AS c FROM orders WHERE REGEXP_MATCHES(side, 'buy|sell', 'i');

-- Rejected: argument types and counts.
SELECT LPAD(symbol, price, '*') AS a FROM orders; -- ERROR `LPAD needs an integer, but this is DECIMAL\(12,4\)`
SELECT LEFT(symbol, side) AS a FROM orders; -- ERROR "LEFT needs an integer, but this is VARCHAR"
SELECT REVERSE(quantity) AS a FROM orders; -- ERROR "REVERSE needs VARCHAR, but this is BIGINT"
SELECT CONCAT_WS('-') AS a FROM orders; -- ERROR "CONCAT_WS takes at least two arguments, got 1"
SELECT HASH(symbol, side) AS a FROM orders; -- ERROR "HASH takes one argument, got 2"
SELECT REGEXP_MATCHES(quantity, 'a') AS a FROM orders; -- ERROR "REGEXP_MATCHES needs VARCHAR, but this is BIGINT"
SELECT REGEXP_REPLACE(symbol, 'a') AS a FROM orders; -- ERROR "REGEXP_REPLACE takes three to four arguments, got 2"

-- Rejected: patterns, options and groups.
SELECT REGEXP_MATCHES(symbol, '(') AS a FROM orders; -- ERROR `invalid regular expression "\(": missing closing \)`
SELECT REGEXP_EXTRACT(symbol, 'a{2,1}') AS a FROM orders; -- ERROR "invalid regular expression .*invalid repeat count"
SELECT REGEXP_MATCHES(symbol, 'a', 'x') AS a FROM orders; -- ERROR `unknown regular expression option "x"; the options are c, i, l, m, n, p, s, and g for REGEXP_REPLACE`
SELECT REGEXP_MATCHES(symbol, 'a', 'g') AS a FROM orders; -- ERROR `option 'g' \(replace every match\) is valid only for REGEXP_REPLACE`
SELECT REGEXP_MATCHES(symbol, 'a', NULL) AS a FROM orders; -- ERROR "REGEXP_MATCHES's options must not be NULL"
SELECT REGEXP_MATCHES(symbol, 'a', side) AS a FROM orders; -- ERROR "REGEXP_MATCHES's options argument must be a string constant"
SELECT REGEXP_EXTRACT(symbol, '(a)', n) AS a FROM orders; -- ERROR "REGEXP_EXTRACT's group argument must be an integer constant"
SELECT REGEXP_EXTRACT(symbol, '(a)', 10) AS a FROM orders; -- ERROR "REGEXP_EXTRACT's group must be from 0 to 9, not 10"
SELECT REGEXP_EXTRACT(symbol, '(a)', -1) AS a FROM orders; -- ERROR "REGEXP_EXTRACT's group must be from 0 to 9, not -1"
SELECT REGEXP_EXTRACT(symbol, '(a)', 1, NULL) AS a FROM orders; -- ERROR "REGEXP_EXTRACT's options must not be NULL"
