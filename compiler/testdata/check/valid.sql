-- Every supported form: this script must compile with no diagnostics at all.

CREATE STREAM order_book_stream (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('type'='file_source','path'='data/orders.jsonl','format'='jsonl','event.time.field'='event_time');

-- The order-flow seed query: SELECT and HAVING share their accumulators.
SELECT symbol,
       SUM(CASE WHEN side = 'BUY'  THEN quantity ELSE 0 END) AS buy_volume,
       SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) AS sell_volume,
       SUM(quantity) AS total_volume,
       SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) AS buy_ratio,
       TUMBLE_END(event_time, INTERVAL '1' MINUTE) AS analysis_time
FROM order_book_stream
GROUP BY symbol
HAVING SUM(quantity) > 10000
   AND (SUM(CASE WHEN side = 'BUY' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7
        OR SUM(CASE WHEN side = 'SELL' THEN quantity ELSE 0 END) / SUM(quantity) > 0.7)
WINDOW TUMBLING (event_time, INTERVAL '1' MINUTE)
EMIT FINAL;

-- HAVING on a SELECT alias.
SELECT symbol, SUM(quantity) AS total_volume
FROM order_book_stream
GROUP BY symbol
HAVING total_volume > 10000;

-- HAVING over arithmetic of aggregates.
SELECT symbol, SUM(quantity) AS q
FROM order_book_stream
GROUP BY symbol
HAVING (SUM(quantity) + SUM(price)) * 2 > 1000;

SELECT symbol, COUNT(*) AS n
FROM order_book_stream
GROUP BY symbol
HAVING COUNT(*) * AVG(price) > 100;

-- CASE around an aggregate in HAVING, and nested CASE inside and around aggregates.
SELECT symbol,
       SUM(CASE WHEN side = 'BUY' THEN CASE WHEN price > 100 THEN quantity ELSE quantity / 2 END ELSE 0 END) AS weighted,
       CASE WHEN SUM(quantity) > 1000 THEN CASE WHEN MAX(price) > 100 THEN 'big-expensive' ELSE 'big' END ELSE 'small' END AS bucket,
       CASE side WHEN 'BUY' THEN 1 WHEN 'SELL' THEN -1 ELSE 0 END AS direction
FROM order_book_stream
GROUP BY symbol, side
HAVING CASE WHEN SUM(quantity) > 100 THEN 1 ELSE 0 END = 1;

-- GROUP BY expression keys, and an expression over a key in SELECT.
SELECT UPPER(symbol) AS sym, quantity / 100 AS lot, COUNT(*) AS n, UPPER(symbol) || '!' AS shout
FROM order_book_stream
GROUP BY UPPER(symbol), quantity / 100;

-- GROUP BY a SELECT alias.
SELECT LOWER(side) AS s, COUNT(DISTINCT symbol) AS symbols
FROM order_book_stream
GROUP BY s;

-- Every scalar function.
SELECT COALESCE(symbol, 'none') AS c1,
       NULLIF(side, '') AS c2,
       LEAST(quantity, 10) AS c3,
       GREATEST(price, 0.5) AS c4,
       ABS(price) AS c5,
       ROUND(price, 2) AS c6,
       ROUND(price) AS c6b,
       FLOOR(price) AS c7,
       CEIL(price) AS c8,
       SQRT(quantity) AS c9,
       POWER(price, 2) AS c10,
       MOD(quantity, 7) AS c11,
       UPPER(symbol) AS c12,
       LOWER(symbol) AS c13,
       LENGTH(symbol) AS c14,
       SUBSTRING(symbol, 1, 3) AS c15,
       SUBSTRING(symbol, 2) AS c15b,
       TRIM(side) AS c16,
       CONCAT(symbol, '-', side, quantity) AS c17,
       REPLACE(symbol, '.', '_') AS c18,
       EXTRACT(HOUR FROM event_time) AS c19,
       EXTRACT(YEAR FROM event_time) AS c19b,
       NOW() AS c20
FROM order_book_stream;

-- Every aggregate.
SELECT symbol,
       COUNT(*) AS a1, COUNT(side) AS a2, SUM(quantity) AS a3, AVG(price) AS a4,
       MIN(price) AS a5, MAX(price) AS a6, STDDEV(price) AS a7, STDDEV_POP(price) AS a8,
       VARIANCE(quantity) AS a9, VAR_POP(quantity) AS a10,
       FIRST_VALUE(side) AS a11, LAST_VALUE(side) AS a12, COUNT(DISTINCT side) AS a13
FROM order_book_stream
GROUP BY symbol;

-- Predicates and conversions.
SELECT symbol, price::DOUBLE AS p, CAST(quantity AS VARCHAR) AS qs, symbol || '/' || side AS pair
FROM order_book_stream
WHERE quantity BETWEEN 10 AND 1000
  AND quantity NOT BETWEEN 500 AND 600
  AND side IN ('BUY', 'SELL')
  AND symbol NOT IN ('X', 'Y')
  AND symbol LIKE 'A%'
  AND side NOT LIKE '%X'
  AND price IS NOT NULL
  AND NOT (symbol IS NULL)
  AND CAST(price AS DECIMAL(20,2)) > 1.5
  AND event_time > '2024-01-01T00:00:00Z';

-- Window forms: a duration, the one-argument form on the event-time field, and window bounds.
SELECT symbol, COUNT(*) AS n, _window_start AS ws, _window_end AS we
FROM order_book_stream
GROUP BY symbol
WINDOW TUMBLING(event_time, 1m);

SELECT COUNT(*) AS n, TUMBLE_START(event_time, INTERVAL '30' SECOND) AS ws
FROM order_book_stream
WINDOW TUMBLING(INTERVAL '30' SECOND);

SELECT symbol, SUM(quantity) AS q
FROM order_book_stream
GROUP BY symbol
WINDOW TUMBLING(event_time, INTERVAL '2' HOURS)
EMIT CHANGES;

-- Clauses in any order: WINDOW before GROUP BY, EMIT before HAVING.
SELECT symbol, SUM(quantity) AS q, TUMBLE_END(event_time, 5m) AS we
FROM order_book_stream
WINDOW TUMBLING(event_time, 5m)
GROUP BY symbol
EMIT FINAL
HAVING SUM(quantity) > 10;

-- Reserved-ish column names.
CREATE STREAM events (status VARCHAR, key VARCHAR, value DOUBLE, timestamp TIMESTAMP, window INT, start BIGINT, end BIGINT)
WITH ('path' = 'data/events.jsonl', 'event.time.field' = 'timestamp');

SELECT key, status, SUM(value) AS value_sum, MAX(end - start) AS longest, MIN(window) AS w
FROM events
WHERE status <> 'deleted' AND value > 0
GROUP BY key, status
WINDOW TUMBLING(timestamp, 10s);

SELECT e.key, e.value * 2 AS twice, e.timestamp FROM events e WHERE e.end > e.start;

-- A derived stream with a file sink.
CREATE STREAM big_orders AS
SELECT symbol, quantity, price * quantity AS notional
FROM order_book_stream
WHERE quantity > 1000
WITH ('big_orders.type' = 'file_sink', 'big_orders.path' = 'out.jsonl');

CREATE STREAM out AS SELECT symbol, price FROM order_book_stream WITH ('out.type'='file_sink','out.path'='out.jsonl');

-- A source configured entirely by a YAML config file named in the query's WITH.
SELECT symbol, SUM(price * qty) AS notional, TUMBLE_START(ts, 5s) AS ws
FROM trades
GROUP BY symbol
WINDOW TUMBLING(ts, 5s)
WITH ('trades.config_file' = 'trades.yaml');

-- Names whose Go forms collide (a_b, a__b and a_b2) get distinct Go names; VARCHAR(n) is accepted.
CREATE STREAM a_b (x_y INT, x__y INT, x_y2 VARCHAR(20)) WITH ('path' = 'ab.jsonl');
CREATE STREAM a__b (k INT) WITH ('path' = 'ab2.jsonl');
CREATE STREAM a_b2 AS SELECT x_y, x__y, x_y2, x_y + 1 AS "x y" FROM a_b WITH ('a_b2.type' = 'stdout');
SELECT k FROM a__b;
