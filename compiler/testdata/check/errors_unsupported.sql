-- SQL velocc recognises but does not support: each message says what is supported.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');
CREATE TABLE instruments (symbol VARCHAR PRIMARY KEY, name VARCHAR) WITH ('path' = 'instruments.jsonl');

SELECT o.symbol, i.name FROM orders o RIGHT JOIN instruments i ON o.symbol = i.symbol; -- ERROR `RIGHT JOIN of a table is not supported: a stream joins a table with JOIN \(inner\) or LEFT JOIN`
SELECT symbol FROM (SELECT symbol, SUM(quantity) AS q FROM orders GROUP BY symbol); -- ERROR "this subquery aggregates and emits changes"
SELECT 1; -- ERROR "FROM is required: a query reads the records of a declared stream; add FROM and a stream's name, such as FROM orders"
SELECT symbol AS s WHERE price > 1 GROUP BY symbol; -- ERROR "FROM is required"
CREATE STREAM ones AS SELECT 1 AS one WITH ('ones.type' = 'stdout'); -- ERROR "FROM is required"
SELECT symbol FROM orders WHERE symbol IN (SELECT symbol FROM orders); -- ERROR `IN over the stream "orders": a stream never ends, so the set it tests would grow without bound; declare the reference data as a table`
SELECT symbol, SUM(quantity) OVER (PARTITION BY symbol) AS s FROM orders GROUP BY symbol; -- ERROR `window functions \(OVER\) in an aggregating query read its final rows, which EMIT CHANGES does not give`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1m) HAVING SUM(quantity) OVER (PARTITION BY symbol) > 0; -- ERROR `they may not appear in HAVING or inside an aggregate`
SELECT symbol FROM orders ORDER BY symbol; -- ERROR "ORDER BY without LIMIT in a query that does not aggregate would hold the whole input; add LIMIT n"
INSERT INTO orders SELECT * FROM orders; -- ERROR `INSERT INTO orders: "orders" is a source this job reads; INSERT INTO writes a stream that a query of the script declares`
INSERT INTO nowhere SELECT * FROM orders; -- ERROR `INSERT INTO nowhere: no stream of that name is written by this script; declare it first with CREATE STREAM nowhere AS SELECT`
INSERT INTO orders VALUES ('X'); -- ERROR "INSERT statements are not supported; velocc supports CREATE STREAM/TABLE"
SELECT DISTINCT symbol FROM orders GROUP BY symbol; -- ERROR "SELECT DISTINCT with GROUP BY: the groups are distinct already"
SELECT DISTINCT symbol, COUNT(*) AS n FROM orders; -- ERROR "SELECT DISTINCT with an aggregate: use GROUP BY"
SELECT DISTINCT symbol FROM orders HAVING symbol <> 'X'; -- ERROR "SELECT DISTINCT has no HAVING: filter rows with WHERE"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol GROUP BY side; -- ERROR "clause given twice; each of GROUP BY, HAVING, WINDOW and EMIT may appear once"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol EMIT FINAL HAVING COUNT(*) > 1 EMIT CHANGES; -- ERROR "clause given twice"
SELECT symbol FROM instruments; -- ERROR `"instruments" is a TABLE; a query reads a stream, and tables through joins: FROM <stream> JOIN instruments ON ...`
