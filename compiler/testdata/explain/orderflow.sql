CREATE STREAM order_book_stream (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('type'='file_source','path'='data/orders.jsonl','format'='jsonl','event.time.field'='event_time');

CREATE STREAM order_flow AS
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
EMIT FINAL
WITH ('order_flow.type' = 'file_sink', 'order_flow.path' = 'out/order_flow.jsonl');
