-- The grammar's window, OVER and function forms that the checker does not support yet: each is rejected at its
-- span with what works instead; the forms it understands are accepted (the last query).

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');

-- OVER in every form velocc computes is accepted; DESC and functions that are no window functions are not.
SELECT symbol, AVG(price) OVER (PARTITION BY symbol ORDER BY event_time DESC NULLS LAST ROWS BETWEEN 19 PRECEDING AND 1 PRECEDING) AS a FROM orders; -- ERROR `ORDER BY ... DESC is not supported over a stream`
SELECT symbol, AVG(price) OVER (PARTITION BY symbol ORDER BY event_time ROWS BETWEEN 19 PRECEDING AND 1 PRECEDING) AS a FROM orders;
SELECT symbol, AVG(price) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY symbol ORDER BY event_time EXPIRE AFTER INTERVAL '5' MINUTE INACTIVITY) AS a FROM orders;
SELECT symbol, SUM(quantity) OVER (ORDER BY event_time RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) AS s FROM orders;
SELECT symbol, COUNT(*) OVER (ROWS UNBOUNDED PRECEDING) AS n FROM orders;
SELECT symbol, TRIM(side) OVER () AS n FROM orders; -- ERROR `TRIM is not a window function`
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol EXPIRE AFTER INTERVAL '1' MINUTE INACTIVITY) AS p FROM orders; -- ERROR `EXPIRE AFTER needs OVER \(ORDER BY event_time\)`
SELECT symbol, NTILE(0) OVER (PARTITION BY symbol ORDER BY event_time) AS q FROM orders; -- ERROR `NTILE's bucket count must be positive`
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol ORDER BY event_time) AS p FROM orders WITH ('late.data.strategy' = 'update_previous'); -- ERROR `'late.data.strategy' "update_previous" does not apply to window functions; use drop or dead_letter`
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol) AS p FROM orders WITH ('late.data.strategy' = 'dead_letter'); -- ERROR `without ORDER BY no row is late`
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol ORDER BY event_time) AS p FROM orders WITH ('late.data.strategy' = 'dead_letter');
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol ORDER BY event_time) AS p FROM orders WITH ('state.ttl' = '10m');
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol ORDER BY event_time) AS p FROM orders WITH ('state.ttl' = 'soon'); -- ERROR `'state.ttl': `
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WITH ('state.ttl' = '10m'); -- ERROR `'state.ttl' applies to window functions ordered by event time`
SELECT symbol, SUM(quantity) OVER (PARTITION BY symbol ORDER BY event_time ROWS BETWEEN 1 PRECEDING AND 3 PRECEDING) AS s FROM orders; -- ERROR `the frame ends before it starts`
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol ORDER BY event_time) AS a, LAG(quantity) OVER (ORDER BY event_time) AS b FROM orders; -- ERROR `every OVER of a query must have the same PARTITION BY and ORDER BY`
SELECT symbol, SUM(quantity) OVER (PARTITION BY symbol ORDER BY event_time ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS s FROM orders; -- WARNING `frames reaching FOLLOWING rows are computed over the rows so far`

-- WITHIN GROUP after an aggregate that is not an ordered-set aggregate, and with NULLS FIRST.
SELECT symbol, SUM(quantity) WITHIN GROUP (ORDER BY price) AS s FROM orders GROUP BY symbol; -- ERROR `WITHIN GROUP \(ORDER BY \.\.\.\) is only for PERCENTILE_CONT and PERCENTILE_DISC`
SELECT symbol, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY price DESC NULLS FIRST) AS p FROM orders GROUP BY symbol; -- ERROR `NULLS FIRST and NULLS LAST are not supported in WITHIN GROUP`

-- ORDER BY with its modifiers, and LIMIT (topn.sql has the rest).
SELECT symbol FROM orders ORDER BY price DESC NULLS FIRST, symbol; -- ERROR "ORDER BY without LIMIT in a query that does not aggregate"
SELECT symbol FROM orders ORDER BY price ASC NULLS LAST LIMIT 3;

-- ksqlDB's window forms.
SELECT symbol, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) GROUP BY symbol; -- ERROR `TUMBLING\(size\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1 MINUTE, RETENTION 1 HOUR);
SELECT symbol, COUNT(*) AS n FROM orders WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY symbol; -- ERROR `HOPPING\(size, advance\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders WINDOW SESSION (5 MINUTES) GROUP BY symbol; -- ERROR `SESSION\(gap\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1 FORTNIGHT); -- ERROR `unknown INTERVAL unit "FORTNIGHT"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, INTERVAL 5); -- ERROR "INTERVAL needs a unit, as in INTERVAL '5' MINUTE"

-- Expressions.
SELECT symbol, POSITION('A' IN symbol) AS p FROM orders; -- POSITION(sub IN s), LEFT, RIGHT and the TRIM forms are functions now
SELECT symbol, LEFT(symbol, 2) AS l, RIGHT(symbol, 1) AS r FROM orders;
SELECT symbol, TRIM('x' FROM symbol) AS t FROM orders;
SELECT symbol, TRIM(LEADING FROM symbol) AS t FROM orders;
SELECT symbol, TRIM(TRAILING '.' FROM symbol) AS t FROM orders;
SELECT symbol, POSITION(quantity IN symbol) AS p FROM orders; -- ERROR "POSITION needs VARCHAR, but this is BIGINT"
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
