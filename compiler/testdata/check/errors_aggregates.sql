-- Aggregates in the wrong place, and columns that are neither grouped nor aggregated.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');

SELECT symbol FROM orders WHERE SUM(quantity) > 10; -- ERROR "aggregate SUM is not allowed here; aggregates belong in SELECT and HAVING"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY SUM(quantity); -- ERROR "aggregate functions are not allowed in GROUP BY"
SELECT symbol, SUM(COUNT(*)) AS n FROM orders GROUP BY symbol; -- ERROR "aggregate COUNT cannot be nested inside another aggregate"
SELECT symbol, price, SUM(quantity) AS q FROM orders GROUP BY symbol; -- ERROR `column "price" in SELECT must appear in GROUP BY or be used in an aggregate function`
SELECT symbol, SUM(quantity) AS q FROM orders GROUP BY symbol HAVING price > 10; -- ERROR `column "price" in HAVING must appear in GROUP BY or be used in an aggregate function`
SELECT symbol FROM orders HAVING quantity > 10; -- ERROR "HAVING needs aggregation: add GROUP BY or use WHERE to filter rows"
SELECT *, COUNT(*) AS n FROM orders; -- ERROR `SELECT \* cannot be used in an aggregating query; list grouped columns and aggregates`
SELECT symbol, SUM(*) AS s FROM orders GROUP BY symbol; -- ERROR `SUM\(\*\) is not allowed; only COUNT\(\*\)`
SELECT symbol, SUM(quantity, price) AS s FROM orders GROUP BY symbol; -- ERROR "SUM takes one argument, got 2"
SELECT symbol, UPPER(DISTINCT symbol) AS u FROM orders GROUP BY symbol; -- ERROR `UPPER is not an aggregate; \* and DISTINCT are allowed only in aggregates`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol HAVING COUNT(*); -- ERROR "HAVING needs a BOOLEAN condition, but this is BIGINT"
SELECT symbol, AVG(side) AS a FROM orders GROUP BY symbol HAVING total > 3; -- ERROR `AVG needs a numeric argument, but "side" is VARCHAR` ERROR `unknown column "total"`
SELECT side, SUM(quantity) AS q FROM orders GROUP BY symbol; -- ERROR `column "side" in SELECT must appear in GROUP BY`
SELECT UPPER(symbol) AS u, COUNT(*) AS n FROM orders GROUP BY LOWER(symbol); -- ERROR `column "symbol" in SELECT must appear in GROUP BY`
SELECT symbol, SUM(quantity) AS q
FROM orders
GROUP BY symbol
HAVING SUM(quantity) > 10 AND side = 'BUY'; -- ERROR `column "side" in HAVING must appear in GROUP BY`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY 1; -- ERROR "GROUP BY positions are not supported; name the column or repeat the expression"
SELECT symbol, SUM(side) AS s FROM orders GROUP BY symbol HAVING s > 1; -- ERROR `SUM needs a numeric argument, but "side" is VARCHAR`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbl; -- ERROR `unknown column "symbl" in "orders"; did you mean "symbol"\?`
