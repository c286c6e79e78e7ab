-- Order-flow imbalance, from the Velostream trading demo: per symbol and one-minute tumbling window, the buy and
-- sell volume, and an alert row when the volume is large (> 10000) and one-sided (> 70% BUY or > 70% SELL).
--
-- The generator (gen/) jitters event times by up to 750 ms, so the source allows 2 s of out-of-orderness: the
-- watermark trails the newest event time by 2 s, a window closes 2 s after its end has been seen, and no record
-- arrives late. Without the property the watermark is the newest event time itself and jittered records just
-- behind a minute boundary would be dropped as late.
CREATE STREAM order_book_stream (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
  WITH ('type'='file_source','path'='data/orders.jsonl','format'='jsonl','event.time.field'='event_time',
        'watermark.max_out_of_orderness'='2s');
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
