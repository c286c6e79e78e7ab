-- Hopping, sliding and session windows, ksqlDB's window parameters, the window bound functions and pseudo-columns,
-- and the late-data strategies: what is accepted, and each mistake at its span.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');
CREATE STREAM plain (symbol VARCHAR, ts TIMESTAMP, windowstart BIGINT) WITH ('path' = 'plain.jsonl');

-- Accepted: every spelling of the three kinds.
SELECT symbol, COUNT(*) AS n, HOP_START(event_time, 10s, 1m) AS hs, HOP_END(event_time, 1m, 10s) AS he FROM orders GROUP BY symbol WINDOW HOPPING(event_time, 1m, 10s);
SELECT symbol, COUNT(*) AS n, HOP_START() AS hs FROM orders GROUP BY symbol WINDOW SLIDING(INTERVAL '5' MINUTE, INTERVAL '1' MINUTE);
SELECT symbol, COUNT(*) AS n, WINDOWSTART AS ws, WINDOWEND AS we FROM orders WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE, GRACE PERIOD 0 SECONDS, RETENTION 1 HOUR) GROUP BY symbol EMIT CHANGES;
SELECT symbol, COUNT(*) AS n, SESSION_START(event_time, 30s) AS ss, SESSION_END() AS se FROM orders GROUP BY symbol WINDOW SESSION(event_time, 30s);
SELECT symbol, COUNT(*) AS n, _window_end AS we FROM orders WINDOW SESSION (5 MINUTES, GRACE PERIOD 10 SECONDS) GROUP BY symbol EMIT CHANGES;
SELECT symbol, SUM(quantity) AS q FROM orders WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) GROUP BY symbol;
SELECT symbol, SUM(quantity) AS q FROM orders WINDOW TUMBLING (event_time, SIZE 1 MINUTE) GROUP BY symbol;
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW HOPPING(event_time, 1m, 1m);
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW HOP(event_time, 1m, 7s);
SELECT windowstart, COUNT(*) AS n FROM plain GROUP BY windowstart WINDOW TUMBLING(ts, 1m);

-- Late-data strategies.
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'drop');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'DEAD_LETTER');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW HOPPING(1m, 10s) EMIT CHANGES WITH ('late.data.strategy' = 'update_previous', 'allowed.lateness' = '30s');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'include_in_next');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW SESSION(1m) WITH ('late.data.strategy' = 'dead_letter');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('allowed.lateness' = '5s'); -- WARNING "'allowed.lateness' is ignored"

-- Mistakes.
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW ROLLING(event_time, 1m); -- ERROR `unknown window type "ROLLING"; supported: TUMBLING, HOPPING \(also SLIDING\) and SESSION`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW HOPPING(event_time, 1m); -- ERROR `HOPPING takes \(time_column, size, advance\) or \(size, advance\)`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW HOPPING(event_time, 1m, 2m); -- ERROR `a hopping window's advance \(2m\) must not be longer than its size \(1m\)`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW SESSION(event_time, 30s, symbol); -- ERROR `SESSION takes \(time_column, gap\) or \(gap\), e.g. SESSION\(event_time, INTERVAL '5' MINUTE\); for a session per key, GROUP BY the key`
SELECT symbol, COUNT(*) AS n FROM orders WINDOW SESSION (SIZE 5 MINUTES) GROUP BY symbol; -- ERROR "a SESSION window has a gap, not a SIZE"
SELECT symbol, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 5 MINUTES, ADVANCE BY 1 MINUTE) GROUP BY symbol; -- ERROR "ADVANCE BY belongs to HOPPING windows; a TUMBLING window has none"
SELECT symbol, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 5 MINUTES, SIZE 1 MINUTE) GROUP BY symbol; -- ERROR "SIZE is given twice in this window"
SELECT symbol, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 5 MINUTES, RETENTION 1 MINUTE) GROUP BY symbol; -- ERROR `RETENTION \(1m\) must be at least the window's size plus its grace period \(5m\)`
SELECT symbol, COUNT(*) AS n FROM orders WINDOW HOPPING (SIZE 5 MINUTES, ADVANCE BY 0 MINUTES) GROUP BY symbol; -- ERROR `INTERVAL value must be a positive whole number, got "0"`
SELECT symbol, COUNT(*) AS n FROM plain GROUP BY symbol WINDOW SESSION(30s); -- ERROR `SESSION\(gap\) needs the source's 'event.time.field'; or name the time column: SESSION\(event_time, gap\)`
SELECT symbol, TUMBLE_START() AS ws FROM orders GROUP BY symbol WINDOW HOPPING(1m, 10s); -- ERROR "TUMBLE_START belongs to TUMBLING windows, but this query's window is HOPPING; use _window_start"
SELECT symbol, SESSION_END(event_time) AS se FROM orders GROUP BY symbol WINDOW SESSION(1m); -- ERROR `SESSION_END takes \(time_column, gap\) or no arguments`
SELECT symbol, SESSION_END(event_time, 2m) AS se FROM orders GROUP BY symbol WINDOW SESSION(1m); -- ERROR "SESSION_END gap 120000ms differs from the WINDOW gap 60000ms"
SELECT symbol, HOP_END(event_time, 10s, 2m) AS he FROM orders GROUP BY symbol WINDOW HOPPING(1m, 10s); -- ERROR `HOP_END slide and size \(10s, 2m\) differ from the WINDOW's advance and size \(10s, 1m\)`
SELECT symbol, HOP_START(event_time, 1m) AS hs FROM orders GROUP BY symbol WINDOW HOPPING(1m, 10s); -- ERROR `HOP_START takes \(time_column, slide, size\) or no arguments`
SELECT symbol, HOP_START(symbol, 10s, 1m) AS hs FROM orders GROUP BY symbol WINDOW HOPPING(1m, 10s); -- ERROR `HOP_START must name the WINDOW's time column "event_time", not "symbol"`
SELECT symbol, SESSION_START() AS ss FROM orders GROUP BY symbol; -- ERROR `SESSION_START needs a WINDOW clause, e.g. WINDOW SESSION\(event_time, INTERVAL '5' MINUTE\)`
SELECT symbol, WINDOWEND AS we FROM orders GROUP BY symbol; -- ERROR "window bounds need a WINDOW clause"
SELECT symbol FROM orders WHERE windowstart > 0; -- ERROR "window bounds need a WINDOW clause"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WITH ('late.data.strategy' = 'drop'); -- ERROR `"late.data.strategy" applies to windowed queries; this query has no WINDOW`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'keep'); -- ERROR `unknown 'late.data.strategy' "keep"; use drop, dead_letter, update_previous or include_in_next`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'update_previous'); -- ERROR "'late.data.strategy' = 'update_previous' needs 'allowed.lateness'"
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'update_previous', 'allowed.lateness' = 'soon'); -- ERROR `'allowed.lateness': expected a duration such as 500ms, 5s, 1m, 2h or 1d, got "soon"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW TUMBLING(1m) WITH ('late.data.strategy' = 'update_previous', 'allowed.lateness' = '0s'); -- ERROR `'allowed.lateness' must be positive, got "0s"`
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW SESSION(1m) WITH ('late.data.strategy' = 'include_in_next');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW SESSION(1m) WITH ('late.data.strategy' = 'update_previous', 'allowed.lateness' = '30s');
SELECT symbol, COUNT(*) AS n FROM orders GROUP BY symbol WINDOW SESSION(1m) WITH ('late.data.strategy' = 'update_previous'); -- ERROR "'late.data.strategy' = 'update_previous' needs 'allowed.lateness'"
