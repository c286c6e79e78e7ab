-- Exactly once needs one Kafka stream, whose transaction covers the whole job.

CREATE STREAM orders (symbol VARCHAR, quantity BIGINT) WITH ('type' = 'kafka_source');
CREATE STREAM quotes (symbol VARCHAR, price DOUBLE) WITH ('type' = 'kafka_source');
CREATE STREAM big AS SELECT symbol, quantity FROM orders WITH ('big.type' = 'kafka_sink', 'processing.guarantee' = 'exactly_once'); -- ERROR `needs exactly one Kafka stream, whose transaction covers the whole job; this job reads 2 \(orders, quotes\)`
CREATE STREAM cheap AS SELECT symbol, price FROM quotes WITH ('cheap.type' = 'kafka_sink');
