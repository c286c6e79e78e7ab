-- Windows: time columns, sizes and window bounds.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl');

SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(symbol, 1m); -- ERROR `WINDOW needs a time column of type TIMESTAMP or BIGINT \(epoch milliseconds\), but "symbol" is VARCHAR`
SELECT symbol, TUMBLE_END(event_time, INTERVAL '1' MINUTE) AS we FROM orders GROUP BY symbol; -- ERROR `TUMBLE_END needs a WINDOW clause, e.g. WINDOW TUMBLING\(event_time, INTERVAL '1' MINUTE\)`
SELECT symbol, TUMBLE_END(event_time, INTERVAL '5' MINUTE) AS we FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, INTERVAL '1' MINUTE); -- ERROR "TUMBLE_END size 300000ms differs from the WINDOW size 60000ms"
SELECT symbol, TUMBLE_START(event_time, 1h) AS ws FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 30m); -- ERROR "TUMBLE_START size 3600000ms differs from the WINDOW size 1800000ms"
SELECT symbol, _window_start AS ws FROM orders GROUP BY symbol; -- ERROR "window bounds need a WINDOW clause"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m); -- ERROR `TUMBLING\(size\) needs the source's 'event.time.field'`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 0m); -- ERROR `bad window size "0m"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, INTERVAL 'x' MINUTE); -- ERROR `INTERVAL value must be a positive whole number, got "x"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, INTERVAL '1' FORTNIGHT); -- ERROR `unknown INTERVAL unit "FORTNIGHT"; supported: MILLISECOND, SECOND, MINUTE, HOUR, DAY`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, quantity); -- ERROR "window size must be an INTERVAL such as INTERVAL '1' MINUTE or a duration such as 1m"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(event_time); -- ERROR "window size must be an INTERVAL"
SELECT symbol FROM orders WHERE _window_end > 0; -- ERROR "window bounds need a WINDOW clause"
SELECT symbol, COUNT(*) AS n FROM orders WHERE _window_end > 0 GROUP BY symbol WINDOW TUMBLING(event_time, 1m); -- ERROR "window bounds can be used only in the SELECT list and HAVING of a windowed query"
SELECT symbol, TUMBLE_END(side, 1m) AS we FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1m); -- ERROR `TUMBLE_END must name the WINDOW's time column "event_time", not "side"`
SELECT symbol, TUMBLE_START(evt_time, 1m) AS ws FROM orders GROUP BY symbol WINDOW TUMBLING(event_time, 1m); -- ERROR `unknown column "evt_time" in "orders"; did you mean "event_time"\?`
