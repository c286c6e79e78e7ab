-- ORDER BY and LIMIT: top-N per window or batch of final rows, top-N of a bounded input; each form that does not
-- work is rejected at its span with what does.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');

-- Accepted: windowed and grouped EMIT FINAL, by alias, position and group expression; stateless top-N and LIMIT.
SELECT symbol, SUM(quantity) AS q FROM orders WINDOW TUMBLING(event_time, 1m) GROUP BY symbol EMIT FINAL ORDER BY q DESC, 1 LIMIT 3;
SELECT symbol, SUM(quantity) AS q FROM orders WINDOW HOPPING(event_time, 2m, 1m) GROUP BY symbol EMIT FINAL ORDER BY MAX(price) NULLS FIRST, symbol LIMIT 3;
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol EMIT FINAL ORDER BY n DESC, symbol;
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol EMIT FINAL LIMIT 2;
SELECT symbol, price FROM orders ORDER BY price DESC NULLS LAST, quantity * 2 LIMIT 5;
SELECT * FROM orders WHERE quantity > 0 LIMIT 5;

-- Rejected.
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol ORDER BY n DESC LIMIT 3; -- ERROR "ORDER BY and LIMIT needs EMIT FINAL in an aggregating query: EMIT CHANGES updates rows as records arrive, which has no order; add EMIT FINAL"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol EMIT CHANGES LIMIT 3; -- ERROR "LIMIT needs EMIT FINAL in an aggregating query"
SELECT symbol, COUNT(*) AS n FROM orders WINDOW SESSION(event_time, 1m) GROUP BY symbol EMIT FINAL ORDER BY n LIMIT 3; -- ERROR "ORDER BY and LIMIT is not supported with SESSION windows, which close per key; use a TUMBLING or HOPPING window"
SELECT symbol, COUNT(*) AS n FROM orders WINDOW TUMBLING(event_time, 1m) GROUP BY symbol EMIT FINAL ORDER BY n LIMIT 3 WITH ('late.data.strategy' = 'update_previous', 'allowed.lateness' = '30s'); -- ERROR "is not supported with 'late.data.strategy' = 'update_previous'"
SELECT symbol, LAG(quantity) OVER (PARTITION BY symbol) AS p FROM orders ORDER BY p LIMIT 3; -- ERROR `ORDER BY and LIMIT is not supported in a query with window functions \(OVER\); ORDER BY ... LIMIT n works in an aggregating query with EMIT FINAL`
SELECT symbol, price FROM orders ORDER BY price; -- ERROR "ORDER BY without LIMIT in a query that does not aggregate would hold the whole input; add LIMIT n for the top n rows"
SELECT symbol, price FROM orders ORDER BY price LIMIT 0; -- ERROR `LIMIT must be a positive whole number, got "0"`
SELECT symbol, price FROM orders LIMIT 2.5; -- ERROR `LIMIT must be a positive whole number, got "2.5"`
SELECT symbol, price FROM orders ORDER BY 3 LIMIT 2; -- ERROR `ORDER BY position 3 is not an output column: the query has 2 \(1 to 2\)`
SELECT symbol, price FROM orders ORDER BY pirce LIMIT 2; -- ERROR `unknown column "pirce"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol EMIT FINAL ORDER BY price LIMIT 2; -- ERROR `column "price" in ORDER BY must appear in GROUP BY or be used in an aggregate function`
SELECT symbol, price FROM orders ORDER BY SUM(price) LIMIT 2; -- ERROR "aggregate SUM is not allowed here"
