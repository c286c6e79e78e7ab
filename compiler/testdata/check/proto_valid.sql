-- Protobuf sources and sinks the checker accepts.

CREATE STREAM orders (id BIGINT, symbol VARCHAR, side VARCHAR, price DOUBLE, ts TIMESTAMP, qty BIGINT, flag BOOLEAN, big DECIMAL(38,0), lot BIGINT)
WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = '../proto/orders.proto', 'proto.message' = 'test.Order',
      'wire.format' = 'confluent', 'event.time.field' = 'ts');

CREATE STREAM others WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = '../proto/out.proto');

CREATE STREAM copy AS SELECT symbol, id, ts, price FROM orders
WITH ('copy.type' = 'kafka_sink', 'copy.format' = 'protobuf', 'copy.proto.file' = '../proto/out.proto', 'copy.proto.message' = 'Out');

CREATE STREAM totals AS SELECT symbol, side, SUM(qty) AS q, MAX(ts) AS last, COUNT(*) AS n, flag FROM orders GROUP BY symbol, side, flag
WITH ('totals.type' = 'kafka_sink', 'totals.format' = 'protobuf');

SELECT symbol, price, id FROM others;
