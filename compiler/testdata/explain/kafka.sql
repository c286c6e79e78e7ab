CREATE STREAM trades (sym VARCHAR PRIMARY KEY, qty BIGINT, ts TIMESTAMP)
  WITH ('type'='kafka_source', 'topic'='trades.v1', 'event.time.field'='ts',
        'datasource.consumer_config.group.id'='golden', 'auto.offset.reset'='earliest');

CREATE STREAM volume AS
SELECT sym, SUM(qty) AS total, TUMBLE_START(ts, INTERVAL '10' SECOND) AS w
FROM trades GROUP BY sym WINDOW TUMBLING (ts, INTERVAL '10' SECOND)
WITH ('volume.type'='kafka_sink', 'volume.topic'='volume', 'volume.acks'='all', 'volume.headers.origin'='velocc');

SELECT sym, qty, _key IS NULL AS unkeyed, _partition AS p, _offset AS o FROM trades WHERE qty > 4;
