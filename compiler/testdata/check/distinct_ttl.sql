-- 'state.ttl' on SELECT DISTINCT without a window: rows expire in event time, so the stream needs one; EMIT FINAL,
-- windows and the shapes not supported yet are rejected on the property.

CREATE STREAM orders (symbol VARCHAR, side VARCHAR, quantity BIGINT, event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');
CREATE STREAM notime (symbol VARCHAR, quantity BIGINT) WITH ('path' = 'notime.jsonl');
CREATE STREAM secs (symbol VARCHAR, at BIGINT) WITH ('path' = 'secs.jsonl', 'event.time.field' = 'at', 'event.time.format' = 'epoch_seconds');

SELECT DISTINCT symbol, side FROM orders WITH ('state.ttl' = '30m');
SELECT DISTINCT * FROM orders WHERE quantity > 0 WITH ('STATE.TTL' = '1h');
SELECT DISTINCT symbol FROM secs WITH ('state.ttl' = '90s');
SELECT DISTINCT symbol FROM orders EMIT CHANGES WITH ('state.ttl' = '500ms');
SELECT DISTINCT symbol FROM notime WITH ('state.ttl' = '30m'); -- ERROR `'state.ttl' expires a distinct row in event time, and the stream "notime" declares none: add 'event.time.field' to its WITH`
SELECT DISTINCT symbol FROM orders EMIT FINAL WITH ('state.ttl' = '30m'); -- ERROR `'state.ttl' needs EMIT CHANGES: under EMIT FINAL`
SELECT DISTINCT symbol FROM orders WINDOW TUMBLING(1m) WITH ('state.ttl' = '30m'); -- ERROR `this one's window bounds its state already: drop 'state.ttl'`
SELECT DISTINCT symbol FROM orders WITH ('state.ttl' = 'never'); -- ERROR `'state.ttl': `
SELECT DISTINCT symbol FROM orders WITH ('state.ttl' = '0s'); -- ERROR `'state.ttl' must be positive`
SELECT symbol FROM orders WITH ('state.ttl' = '30m'); -- ERROR `'state.ttl' applies to window functions ordered by event time .* and to SELECT DISTINCT without a window`

-- A derived stream: its event time is the column its writer names, or none.
CREATE STREAM big AS SELECT symbol, quantity FROM notime WHERE quantity > 100;
SELECT DISTINCT symbol FROM big WITH ('state.ttl' = '30m'); -- ERROR `the stream "big" has none: name its time column with 'big.event.time.field' in the WITH of the statement that writes it`
CREATE STREAM timed AS SELECT symbol, event_time FROM orders WHERE quantity > 100;
SELECT DISTINCT symbol FROM timed WITH ('state.ttl' = '30m');
CREATE STREAM both AS SELECT symbol, event_time FROM orders WHERE quantity > 5;
INSERT INTO both SELECT symbol, event_time FROM orders WHERE quantity < -5;
SELECT DISTINCT symbol FROM both WITH ('state.ttl' = '30m'); -- ERROR `'state.ttl' on a SELECT DISTINCT over a stream several queries write is not supported yet`
