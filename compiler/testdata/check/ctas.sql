-- Tables built by queries: their keys, what they may not be, and streams that would wait for each other.

CREATE STREAM trades (trader VARCHAR, symbol VARCHAR, qty BIGINT, event_time TIMESTAMP) WITH ('path' = 'trades.jsonl', 'event.time.field' = 'event_time');
CREATE STREAM orders (id BIGINT, trader VARCHAR, symbol VARCHAR, qty BIGINT) WITH ('path' = 'orders.jsonl');
CREATE TABLE positions AS SELECT trader, symbol, SUM(qty) AS net FROM trades GROUP BY trader, symbol;
CREATE TABLE books AS SELECT trader, COUNT(*) AS n FROM trades GROUP BY trader WITH ('books.path' = 'books.jsonl');
SELECT o.id, p.net, b.n FROM orders o LEFT JOIN positions p ON p.trader = o.trader AND p.symbol = o.symbol LEFT JOIN books b ON b.trader = o.trader;

CREATE TABLE flat AS SELECT trader, qty FROM trades; -- ERROR `a table built by a query needs GROUP BY: its keys are the table's primary key`
CREATE TABLE hidden AS SELECT SUM(qty) AS q FROM trades GROUP BY trader; -- ERROR `GROUP BY key trader must be a column of the SELECT list`
CREATE TABLE final AS SELECT trader, SUM(qty) AS q FROM trades GROUP BY trader EMIT FINAL; -- ERROR `use EMIT CHANGES \(the default\), not EMIT FINAL`
CREATE TABLE per_minute AS SELECT trader, COUNT(*) AS n FROM trades GROUP BY trader WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE); -- ERROR `a table built by a windowed query is not supported yet`
