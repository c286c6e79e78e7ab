-- A window reads the rows of a join of two streams through the join's stream, directly or through queries that do
-- not aggregate and pass the join's event time on: its watermark follows the join's. Window functions, a stream
-- whose time is another column, and windows after an aggregation of the join's rows cannot yet.

CREATE STREAM a (symbol VARCHAR, size BIGINT, ts TIMESTAMP) WITH ('path' = 'a.jsonl', 'event.time.field' = 'ts');
CREATE STREAM b (symbol VARCHAR, size BIGINT, ts TIMESTAMP) WITH ('path' = 'b.jsonl', 'event.time.field' = 'ts');

CREATE STREAM pairs AS SELECT a.symbol, a.ts, b.size, b.ts AS bts FROM a JOIN b WITHIN 1 SECOND ON a.symbol = b.symbol;
SELECT symbol, COUNT(*) AS n FROM pairs GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL;
CREATE STREAM pairs_big AS SELECT symbol, ts, size FROM pairs WHERE size > 10;
CREATE STREAM pairs_bigger AS SELECT symbol, ts AS t2 FROM pairs_big WHERE size > 20;
SELECT symbol, COUNT(*) AS n FROM pairs_big GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL;
SELECT symbol, COUNT(*) AS n FROM pairs_bigger GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL;
SELECT symbol, LAG(size) OVER (PARTITION BY symbol ORDER BY ts) AS prev FROM pairs_big; -- ERROR `query select_4 needs event-time order, and the stream it reads comes from a join of two streams`
CREATE STREAM by_b AS SELECT symbol, bts AS _event_time FROM pairs;
SELECT symbol, COUNT(*) AS n FROM by_b GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL; -- ERROR `query select_5 needs event-time order`
CREATE STREAM per_min AS SELECT symbol, COUNT(*) AS n, WINDOWSTART AS ws FROM pairs GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL;
SELECT symbol, SUM(n) AS n FROM per_min GROUP BY symbol WINDOW TUMBLING(5m) EMIT FINAL; -- ERROR `query select_6 needs event-time order`
