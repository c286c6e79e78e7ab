CREATE STREAM trades (symbol VARCHAR, qty BIGINT, price DECIMAL(12,4), ts TIMESTAMP)
  WITH ('path' = 'trades.jsonl', 'event.time.field' = 'ts');

SELECT symbol, SUM(qty) AS volume FROM trades WINDOW TUMBLING(ts, INTERVAL '1' MINUTE) GROUP BY symbol
EMIT FINAL ORDER BY volume DESC, AVG(price) NULLS FIRST LIMIT 3;

SELECT symbol, price FROM trades ORDER BY 2 DESC, qty LIMIT 10;

SELECT symbol, qty FROM trades LIMIT 5;
