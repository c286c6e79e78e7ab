-- Avro values of Kafka sources and sinks: columns matched to the writer schema's fields, derived from them, and
-- sink schemas derived from the output columns or checked against a schema file.

-- Declared columns: a subset of the fields, in any order and case, of types that hold them exactly.
CREATE STREAM orders (SYMBOL VARCHAR, id BIGINT, side VARCHAR, price DECIMAL(14,4), qty BIGINT, ts TIMESTAMP,
                      note VARCHAR NOT NULL, notional DECIMAL(20,2), ratio DOUBLE, venue_id VARCHAR, settle TIMESTAMP,
                      ts_us TIMESTAMP, flag BOOLEAN)
WITH ('type' = 'kafka_source', 'format' = 'avro', 'value.schema.file' = '../avro/orders.avsc',
      'avro.wire.format' = 'confluent', 'event.time.field' = 'ts');

-- No column list: the columns are the record's fields.
CREATE STREAM derived WITH ('type' = 'kafka_source', 'topic' = 'orders', 'format' = 'avro', 'avro.schema.file' = '../avro/orders.avsc');

-- Velostream's spelling of the format; the message key fills a column the value does not have.
CREATE STREAM keyed (account VARCHAR, id BIGINT, qty DOUBLE) WITH ('type' = 'kafka_source', 'value.serializer' = 'avro',
  'value.schema.file' = '../avro/orders.avsc', 'key.field' = 'account');

-- A schema file on a JSON source is ignored, and says so.
CREATE STREAM plain (id BIGINT) WITH ('type' = 'kafka_source', 'format' = 'json', 'value.schema.file' = '../avro/orders.avsc'); -- WARNING `"value.schema.file" is used only with 'format' = 'avro'; it is ignored`

SELECT symbol, price * 2 AS doubled FROM orders WHERE side = 'BUY';
SELECT id, settle, ts_us FROM derived;
SELECT account, id, qty FROM keyed;
SELECT id FROM plain;

-- A derived writer schema, and one checked against a file.
CREATE STREAM out_derived AS SELECT symbol, SUM(price) AS total, COUNT(*) AS n, NULL AS nothing FROM orders GROUP BY symbol
WITH ('out_derived.type' = 'kafka_sink', 'out_derived.format' = 'avro');
CREATE STREAM out_file AS SELECT id, symbol, side, price, ts FROM orders
WITH ('out_file.type' = 'kafka_sink', 'out_file.format' = 'avro', 'out_file.value.schema.file' = '../avro/out.avsc');
