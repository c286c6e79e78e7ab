-- Enrichment and compliance over the order book, against reference tables (see README.md). The tables load before
-- the job reads its first order, so no order is joined with a half-loaded table.
CREATE STREAM order_book_stream (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
  WITH ('type'='file_source','path'='data/orders.jsonl','format'='jsonl','event.time.field'='event_time',
        'watermark.max_out_of_orderness'='2s');
CREATE TABLE instruments (symbol VARCHAR PRIMARY KEY, sector VARCHAR, tick_size DECIMAL(10,4))
  WITH ('type'='file_source','path'='data/instruments.csv','format'='csv');
CREATE TABLE watchlist (symbol VARCHAR PRIMARY KEY, cleared_for_size BOOLEAN)
  WITH ('type'='file_source','path'='data/watchlist.csv','format'='csv');
CREATE TABLE schedule (symbol VARCHAR PRIMARY KEY, session VARCHAR)
  WITH ('type'='file_source','path'='data/schedule.csv','format'='csv');

-- Enrichment: every order with its sector and its price on the instrument's tick grid, to a file. An order for a
-- symbol the instruments table lacks keeps its columns, with sector 'UNLISTED' and no tick price.
CREATE STREAM enriched_orders AS
SELECT o.symbol, i.sector, o.side, o.quantity, o.price,
       FLOOR(o.price / i.tick_size) * i.tick_size AS tick_price, o.event_time
FROM order_book_stream o LEFT JOIN instruments i ON o.symbol = i.symbol
WITH ('enriched_orders.type'='file_sink', 'enriched_orders.path'='data/enriched_orders.jsonl',
      'instruments.join.missing'='defaults', 'instruments.join.default.sector'='UNLISTED');

-- Volume per sector, from the same join.
SELECT i.sector, COUNT(*) AS orders, SUM(o.quantity) AS shares
FROM order_book_stream o LEFT JOIN instruments i ON o.symbol = i.symbol
GROUP BY i.sector
EMIT FINAL
WITH ('instruments.join.missing'='defaults', 'instruments.join.default.sector'='UNLISTED');

-- Compliance: large orders (1900 shares or more) in symbols of the regular session that the watchlist has not
-- cleared for size, per symbol.
SELECT o.symbol, COUNT(*) AS large_orders, SUM(o.quantity) AS shares
FROM order_book_stream o
WHERE o.quantity >= 1900
  AND o.symbol IN (SELECT symbol FROM schedule WHERE session = 'regular')
  AND NOT EXISTS (SELECT 1 FROM watchlist w WHERE w.symbol = o.symbol AND w.cleared_for_size)
GROUP BY o.symbol
EMIT FINAL;
