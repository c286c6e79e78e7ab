-- A graph: a UNION ALL of two sources, one more writer (INSERT INTO), readers of the stream, and a join of two streams.
CREATE STREAM nyse (symbol VARCHAR, price DECIMAL(10,2), ts TIMESTAMP) WITH ('path' = 'nyse.jsonl', 'event.time.field' = 'ts');
CREATE STREAM lse (sym VARCHAR, px DOUBLE, qty INT, ts TIMESTAMP) WITH ('path' = 'lse.jsonl', 'event.time.field' = 'ts');

CREATE STREAM quotes AS
SELECT symbol, price, 'NYSE' AS venue, ts FROM nyse
UNION ALL
SELECT sym, px, 'LSE', ts FROM lse WHERE qty > 0;

INSERT INTO quotes SELECT symbol, price * 2, 'X', ts FROM nyse WHERE symbol = 'A';

SELECT venue, COUNT(*) AS n, SUM(price) AS total FROM quotes GROUP BY venue EMIT FINAL;
SELECT * FROM quotes WHERE price > 10;

SELECT n.symbol, n.price - l.px AS diff FROM nyse n LEFT JOIN lse l WITHIN (2 SECONDS, 1 SECOND) ON n.symbol = l.sym;
