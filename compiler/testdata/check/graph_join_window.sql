-- A window reads the rows of a join of two streams through the join's stream, directly: its watermark follows
-- the join's. Further down the graph it cannot yet.

CREATE STREAM a (symbol VARCHAR, size BIGINT, ts TIMESTAMP) WITH ('path' = 'a.jsonl', 'event.time.field' = 'ts');
CREATE STREAM b (symbol VARCHAR, size BIGINT, ts TIMESTAMP) WITH ('path' = 'b.jsonl', 'event.time.field' = 'ts');

CREATE STREAM pairs AS SELECT a.symbol, a.ts, b.size FROM a JOIN b WITHIN 1 SECOND ON a.symbol = b.symbol;
SELECT symbol, COUNT(*) AS n FROM pairs GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL;
CREATE STREAM pairs_big AS SELECT symbol, ts FROM pairs WHERE size > 10;
SELECT symbol, COUNT(*) AS n FROM pairs_big GROUP BY symbol WINDOW TUMBLING(1m) EMIT FINAL; -- ERROR `query select_2 needs event-time order, and the stream it reads comes from a join of two streams`
