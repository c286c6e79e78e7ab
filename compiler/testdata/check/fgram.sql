-- The grammar's window, OVER and function forms that the checker does not support yet: each is rejected at its
-- span with what works instead; the forms it understands are accepted (the last query).

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');

-- OVER in every form is one window function, rejected as today.
SELECT symbol, AVG(price) OVER (PARTITION BY symbol ORDER BY event_time DESC NULLS LAST ROWS BETWEEN 19 PRECEDING AND 1 PRECEDING) AS a FROM orders; -- ERROR `window functions \(OVER\) are not supported yet`
SELECT symbol, AVG(price) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY symbol ORDER BY event_time EXPIRE AFTER INTERVAL '5' MINUTE INACTIVITY) AS a FROM orders; -- ERROR `window functions \(OVER\) are not supported yet`
SELECT symbol, SUM(quantity) OVER (ORDER BY event_time RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) AS s FROM orders; -- ERROR `window functions \(OVER\)`
SELECT symbol, COUNT(*) OVER (ROWS UNBOUNDED PRECEDING) AS n FROM orders; -- ERROR `window functions \(OVER\)`
SELECT symbol, TRIM(side) OVER () AS n FROM orders; -- ERROR `window functions \(OVER\)`

-- WITHIN GROUP, even after an aggregate the checker knows.
SELECT symbol, SUM(quantity) WITHIN GROUP (ORDER BY price) AS s FROM orders GROUP BY symbol; -- ERROR `WITHIN GROUP \(ORDER BY \.\.\.\) is not supported yet`
SELECT symbol, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY price DESC) AS p FROM orders GROUP BY symbol; -- ERROR `WITHIN GROUP`

-- ORDER BY with its new modifiers, and LIMIT: rejected as today.
SELECT symbol FROM orders ORDER BY price DESC NULLS FIRST, symbol; -- ERROR "ORDER BY is not supported on a stream"
SELECT symbol FROM orders ORDER BY price ASC NULLS LAST LIMIT 3; -- ERROR "ORDER BY is not supported on a stream" ERROR "LIMIT is not supported on a stream"

-- ksqlDB's window forms.
SELECT symbol, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) GROUP BY symbol; -- ERROR `TUMBLING\(size\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1 MINUTE, RETENTION 1 HOUR);
SELECT symbol, COUNT(*) AS n FROM orders WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY symbol; -- ERROR `HOPPING\(size, advance\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders WINDOW SESSION (5 MINUTES) GROUP BY symbol; -- ERROR `SESSION\(gap\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1 FORTNIGHT); -- ERROR `unknown INTERVAL unit "FORTNIGHT"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, INTERVAL 5); -- ERROR "INTERVAL needs a unit, as in INTERVAL '5' MINUTE"

-- Expressions.
SELECT symbol FROM orders WHERE side IS DISTINCT FROM 'buy'; -- ERROR `IS \[NOT\] DISTINCT FROM is not supported yet`
SELECT symbol, price IS NOT DISTINCT FROM NULL AS x FROM orders; -- ERROR `IS \[NOT\] DISTINCT FROM is not supported yet`
SELECT symbol, CURRENT_TIMESTAMP AS now FROM orders; -- ERROR `CURRENT_TIMESTAMP without parentheses is not supported yet; use NOW\(\)`
SELECT symbol, POSITION('A' IN symbol) AS p FROM orders; -- ERROR "POSITION is not supported yet"
SELECT symbol, LEFT(symbol, 2) AS l, RIGHT(symbol, 1) AS r FROM orders; -- ERROR "LEFT is not supported yet" ERROR "RIGHT is not supported yet"
SELECT symbol, TRIM('x' FROM symbol) AS t FROM orders; -- ERROR `trimming other characters than spaces, or one side only, is not supported yet; use TRIM\(s\)`
SELECT symbol, TRIM(LEADING FROM symbol) AS t FROM orders; -- ERROR "trimming other characters"
SELECT symbol, TRIM(TRAILING '.' FROM symbol) AS t FROM orders; -- ERROR "trimming other characters"
SELECT symbol, CAST(quantity, 'NUMBER') AS q FROM orders; -- ERROR `unknown type "NUMBER"`
SELECT symbol, CAST(quantity, 'DECIMAL(40, 2)') AS q FROM orders; -- ERROR "DECIMAL precision must be between 1 and 38, got 40"
SELECT symbol, EXTRACT('fortnight', event_time) AS f FROM orders; -- ERROR `unknown EXTRACT part "fortnight"`
SELECT symbol, INTERVAL 1 HOUR AS i FROM orders; -- ERROR "INTERVAL values are allowed only as window sizes"

-- The forms the checker understands: TRIM(BOTH FROM s) is TRIM(s), Velostream's CAST(x, 'type') and
-- EXTRACT('part', x), and ksqlDB's bare "1 MINUTE" as a window size.
CREATE STREAM ok AS
SELECT symbol, TRIM(BOTH FROM side) AS s, CAST(quantity, 'double') AS q, EXTRACT('hour', event_time) AS h,
       EXTRACT(minute, event_time) AS m, COUNT(*) AS n
FROM orders WINDOW TUMBLING(event_time, 1 MINUTE) GROUP BY symbol, TRIM(BOTH FROM side), CAST(quantity, 'double'), EXTRACT('hour', event_time), EXTRACT(minute, event_time)
WITH ('ok.type' = 'stdout');
