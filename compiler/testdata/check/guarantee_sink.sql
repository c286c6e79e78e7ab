-- Exactly once needs every sink on Kafka: a row written to stdout is outside any transaction.

CREATE STREAM orders (symbol VARCHAR, quantity BIGINT) WITH ('type' = 'kafka_source');
CREATE STREAM big AS SELECT symbol, quantity FROM orders WHERE quantity > 100 WITH ('big.type' = 'kafka_sink');
SELECT symbol FROM orders WITH ('processing.guarantee' = 'exactly_once'); -- ERROR `'processing.guarantee' = 'exactly_once' \(Kafka transactions\) needs every sink on Kafka; select_1 writes stdout:, outside any transaction`
