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

CREATE STREAM framed_json AS SELECT symbol, id FROM orders WITH ('framed_json.type' = 'kafka_sink', 'framed_json.schema.id' = '7');
CREATE STREAM registered AS SELECT symbol, id FROM orders
WITH ('registered.type' = 'kafka_sink', 'registered.format' = 'protobuf', 'registered.schema.registry.url' = 'https://registry.example:8081');
CREATE STREAM checked WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = '../proto/out.proto', 'schema.registry.url' = 'http://registry:8081');
SELECT symbol FROM checked;

CREATE STREAM everything (id BIGINT, symbol VARCHAR, big DECIMAL(20,0), blob BLOB, tags VARCHAR[], attrs MAP(VARCHAR, BIGINT), nested STRUCT(a INT), tree STRUCT(v INT)) WITH ('type' = 'kafka_source', 'format' = 'protobuf', 'proto.file' = '../proto/orders.proto', 'proto.message' = 'Order');
CREATE STREAM nested_copy AS SELECT id, blob, tags, attrs, nested, tree FROM everything
WITH ('nested_copy.type' = 'kafka_sink', 'nested_copy.format' = 'protobuf', 'nested_copy.proto.file' = '../proto/orders.proto', 'nested_copy.proto.message' = 'Order');
CREATE STREAM nested_derived AS SELECT id, blob, tags, attrs, nested, tree, [{'a': 1}] AS structs, MAP {1: {'b': [1]}} AS m FROM everything
WITH ('nested_derived.type' = 'kafka_sink', 'nested_derived.format' = 'protobuf');
