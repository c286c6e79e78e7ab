-- Joins of two streams: a time bound is required (WITHIN, or ON bounding the two event times), and the forms of
-- the bound, the key and the join kinds that are accepted.

CREATE STREAM exchange_a (symbol VARCHAR, bid_price DECIMAL(12,4), bid_size BIGINT, ask_price DECIMAL(12,4), ask_size BIGINT, ts TIMESTAMP)
  WITH ('path' = 'a.jsonl', 'event.time.field' = 'ts', 'watermark.max_out_of_orderness' = '2s');
CREATE STREAM exchange_b (symbol VARCHAR, bid_price DECIMAL(12,4), bid_size BIGINT, ask_price DECIMAL(12,4), ask_size BIGINT, ts TIMESTAMP)
  WITH ('path' = 'b.jsonl', 'event.time.field' = 'ts');
CREATE STREAM untimed (symbol VARCHAR) WITH ('path' = 'u.jsonl');
CREATE TABLE instruments (symbol VARCHAR PRIMARY KEY, sector VARCHAR) WITH ('path' = 'i.csv');

-- Velostream's arbitrage query (its trading demo's shape): without a bound it would keep both streams forever.
CREATE STREAM arbitrage AS
SELECT a.symbol, a.bid_price - b.ask_price AS spread, LEAST(a.bid_size, b.ask_size) AS volume
FROM exchange_a a
JOIN exchange_b b ON a.symbol = b.symbol -- ERROR `a join of two streams without a time bound would keep every row of both forever: add WITHIN, as in JOIN exchange_b WITHIN 10 SECONDS ON \.\.\., or bound the event times in ON: b\.ts BETWEEN a\.ts - INTERVAL '10' SECOND AND a\.ts \+ INTERVAL '10' SECOND`
WHERE a.bid_price > b.ask_price
WITH ('arbitrage.type' = 'stdout');

-- With a bound, it compiles.
CREATE STREAM arbitrage_within AS
SELECT a.symbol, a.bid_price - b.ask_price AS spread, LEAST(a.bid_size, b.ask_size) AS volume
FROM exchange_a a
JOIN exchange_b b WITHIN 5 SECONDS ON a.symbol = b.symbol
WHERE a.bid_price > b.ask_price AND (a.bid_price - b.ask_price) / b.ask_price * 10000 > 10
WITH ('arbitrage_within.type' = 'stdout');

SELECT a.symbol FROM exchange_a a LEFT JOIN exchange_b b ON a.symbol = b.symbol AND b.ts BETWEEN a.ts - INTERVAL '30' SECOND AND a.ts + INTERVAL '30' SECOND;
SELECT a.symbol FROM exchange_a a RIGHT JOIN exchange_b b WITHIN (5 SECONDS, 30 SECONDS) ON a.symbol = b.symbol;
SELECT a.symbol, b.symbol AS bsym FROM exchange_a a FULL OUTER JOIN exchange_b b ON b.symbol = a.symbol AND b.ts >= a.ts AND b.ts < a.ts + INTERVAL '1' MINUTE;
SELECT a.symbol, i.sector FROM exchange_a a JOIN exchange_b b WITHIN 1 SECOND ON a.symbol = b.symbol LEFT JOIN instruments i ON i.symbol = a.symbol;
SELECT a.symbol, COUNT(*) AS n FROM exchange_a a JOIN exchange_b b WITHIN 1 SECOND ON a.symbol = b.symbol GROUP BY a.symbol EMIT FINAL;

SELECT a.symbol FROM exchange_a a JOIN exchange_b b ON a.symbol = b.symbol AND b.ts >= a.ts; -- ERROR `ON bounds the time of b's rows on one side only, so every row would be kept forever: bound both sides`
SELECT a.symbol FROM exchange_a a JOIN exchange_b b WITHIN 5 SECONDS ON a.symbol = b.symbol AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '1' SECOND; -- ERROR `the join has two time bounds, WITHIN and its ON's condition on the event times: give one`
SELECT a.symbol FROM exchange_a a JOIN exchange_b b ON a.symbol = b.symbol AND b.ts BETWEEN a.ts + INTERVAL '5' SECOND AND a.ts + INTERVAL '1' SECOND; -- ERROR `the time bound is empty`
SELECT a.symbol FROM exchange_a a JOIN untimed u WITHIN 5 SECONDS ON a.symbol = u.symbol; -- ERROR `a join of two streams matches rows by event time, and "untimed" has none`
SELECT a.symbol FROM exchange_a a JOIN instruments i WITHIN 5 SECONDS ON a.symbol = i.symbol; -- ERROR `WITHIN bounds a join of two streams in time; "instruments" is a table`
SELECT a.symbol, COUNT(*) AS n FROM exchange_a a JOIN exchange_b b WITHIN 1 SECOND ON a.symbol = b.symbol GROUP BY a.symbol WINDOW TUMBLING(1m); -- ERROR `a window over a join of two streams is not supported yet: write the join as a stream`
SELECT a.symbol FROM exchange_a a LEFT JOIN instruments i ON i.symbol = a.symbol JOIN exchange_b b WITHIN 1 SECOND ON a.symbol = b.symbol; -- ERROR `a join of two streams must be the query's first join`

