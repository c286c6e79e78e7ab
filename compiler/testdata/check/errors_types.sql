-- Type errors.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP, ok BOOLEAN)
WITH ('path' = 'orders.jsonl');

SELECT 'a' + 1 AS x FROM orders; -- ERROR `operator \+ needs numbers, but got VARCHAR and INT; use \|\| to concatenate strings`
SELECT symbol, SUM(symbol) AS s FROM orders GROUP BY symbol; -- ERROR `SUM needs a numeric argument, but "symbol" is VARCHAR`
SELECT symbol FROM orders WHERE quantity; -- ERROR "WHERE needs a BOOLEAN condition, but this is BIGINT"
SELECT symbol FROM orders WHERE symbol = 1; -- ERROR "cannot compare VARCHAR with INT"
SELECT symbol FROM orders WHERE NOT quantity; -- ERROR "NOT needs a BOOLEAN operand, but this is BIGINT"
SELECT -symbol AS n FROM orders; -- ERROR "unary - needs a number, but this is VARCHAR"
SELECT UPPER(quantity) AS u FROM orders; -- ERROR "UPPER needs VARCHAR, but this is BIGINT"
SELECT ABS(symbol) AS a FROM orders; -- ERROR "ABS needs a number, but this is VARCHAR"
SELECT ROUND() AS r FROM orders; -- ERROR "ROUND takes one to two arguments, got 0"
SELECT SUBSTRING(symbol) AS r FROM orders; -- ERROR "SUBSTRING takes two to three arguments, got 1"
SELECT ROUND(price, quantity) AS r FROM orders; -- ERROR "ROUND's second argument must be an integer constant"
SELECT CASE WHEN ok THEN 1 ELSE 'one' END AS c FROM orders; -- ERROR "CASE branches have different types: INT and VARCHAR"
SELECT CASE WHEN quantity THEN 1 END AS c FROM orders; -- ERROR "WHEN needs a BOOLEAN condition, but this is BIGINT"
SELECT COALESCE(symbol, quantity) AS c FROM orders; -- ERROR "COALESCE arguments have different types: VARCHAR and BIGINT"
SELECT CAST(event_time AS BOOLEAN) AS c FROM orders; -- ERROR "cannot cast TIMESTAMP to BOOLEAN"
SELECT CAST(price AS DECIMAL(40,2)) AS c FROM orders; -- ERROR "DECIMAL precision must be between 1 and 38, got 40"
SELECT symbol FROM orders WHERE quantity IN (1, 'two'); -- ERROR "IN list value of type VARCHAR does not match BIGINT"
SELECT symbol FROM orders WHERE quantity LIKE 'a%'; -- ERROR "LIKE needs VARCHAR, but this is BIGINT"
SELECT EXTRACT(HOUR FROM symbol) AS h FROM orders; -- ERROR "EXTRACT needs a TIMESTAMP, DATE or TIME, but this is VARCHAR"
SELECT EXTRACT(FORTNIGHT FROM event_time) AS h FROM orders; -- ERROR `unknown EXTRACT part "FORTNIGHT"; supported: YEAR, .*EPOCH`
SELECT symbol, MAX(ok) AS m FROM orders GROUP BY symbol; -- ERROR "MAX of a BOOLEAN is not supported"
SELECT symbol FROM orders WHERE quantity > 99999999999999999999999999999999999999999; -- ERROR "integer 9+ has more than 38 digits"
SELECT INTERVAL '1' MINUTE AS i FROM orders; -- ERROR "INTERVAL values are allowed only as window sizes, in WINDOW TUMBLING, TUMBLE_START and TUMBLE_END"
SELECT symbol FROM orders WHERE INTERVAL '1' MINUTE IS NULL OR CAST(INTERVAL '2' HOUR AS VARCHAR) = ''; -- ERROR "INTERVAL values are allowed only as window sizes"
SELECT symbol, MIN(INTERVAL '1' MINUTE) AS m FROM orders GROUP BY symbol HAVING m IS NULL; -- ERROR "INTERVAL values are allowed only as window sizes"
SELECT 5m AS d FROM orders; -- ERROR "a duration such as 5m is allowed only as a window size"
SELECT symbol FROM orders WHERE ok AND quantity; -- ERROR "AND needs BOOLEAN operands, but this is BIGINT"
-- Bad column types are reported once, at the declaration, not again at every use.
CREATE STREAM bad_types (a DECIMAL(40,2), b DECIMAL(5,6), c BLUB, d INT(3), f VARCHAR(20)) WITH ('path' = 'b.jsonl'); -- ERROR "DECIMAL precision must be between 1 and 38, got 40" ERROR "DECIMAL scale must be between 0 and the precision 5, got 6" ERROR `unknown type "BLUB"; supported: BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL\(p,s\), VARCHAR, TIMESTAMP, DATE, TIME, BYTES` ERROR "type INT takes no arguments"
SELECT a + 1 AS x, b, c, d, UPPER(f) AS g FROM bad_types;
