-- Kafka sources and sinks: topics, settings, message keys and the record metadata columns.

CREATE STREAM trades (symbol VARCHAR, qty BIGINT, price DECIMAL(10,2), ts TIMESTAMP)
WITH ('type' = 'kafka_source', 'topic' = 'trades.v1', 'event.time.field' = '_timestamp', 'group.id' = 'g',
      'auto.offset.reset' = 'latest', 'datasource.consumer_config.bootstrap.servers' = 'k1:9092,k2:9092');
CREATE STREAM bad_topic (symbol VARCHAR) WITH ('type' = 'kafka_source', 'topic' = 'no spaces!'); -- ERROR `invalid kafka topic name "no spaces!": use 1 to 249 letters, digits, '.', '_' and '-'`
CREATE STREAM bad_reset (symbol VARCHAR) WITH ('type' = 'kafka_source', 'auto.offset.reset' = 'middle'); -- ERROR `auto.offset.reset: want one of earliest, latest, got "middle"`
CREATE STREAM bad_wait (symbol VARCHAR) WITH ('type' = 'kafka_source', 'topic.wait.timeout' = 'forever'); -- ERROR `topic.wait.timeout: want a duration such as 500ms, 5s or 1m \(or milliseconds\), got "forever"`
CREATE STREAM bad_outage (symbol VARCHAR) WITH ('type' = 'kafka_source', 'broker.unavailable.timeout' = 'never'); -- ERROR `broker.unavailable.timeout: want a duration such as 500ms, 5s or 1m \(or milliseconds\), got "never"`
CREATE STREAM outage_sink AS SELECT symbol FROM trades WITH ('outage_sink.type' = 'kafka_sink', 'outage_sink.broker.unavailable.timeout' = '1m'); -- WARNING `unknown property "outage_sink.broker.unavailable.timeout" for sink "outage_sink" is ignored`
CREATE STREAM bad_key (symbol VARCHAR, price DOUBLE) WITH ('type' = 'kafka_source', 'key.field' = 'price'); -- ERROR `the message key column "price" must be VARCHAR, INT or BIGINT, not DOUBLE`
CREATE STREAM two_keys (a VARCHAR, b VARCHAR, PRIMARY KEY (a, b)) WITH ('type' = 'kafka_source'); -- ERROR `a kafka source reads one column from the message key; "two_keys" declares a PRIMARY KEY of 2 columns: name the key column with 'key.field'`
CREATE STREAM no_key (symbol VARCHAR) WITH ('type' = 'kafka_source', 'schema.key.field' = 'sym'); -- ERROR `key.field "sym" is not a column of "no_key"`
CREATE STREAM odd_setting (symbol VARCHAR) WITH ('type' = 'kafka_source', 'fetch.min.bytes' = '1'); -- WARNING `unknown property "fetch.min.bytes" for source "odd_setting" is ignored; known: .*auto.offset.reset`
CREATE STREAM files (symbol VARCHAR) WITH ('path' = 'f.jsonl');

-- Dead letters to a topic: 'dead.letter.topic', with a kafka sink's settings prefixed 'dead.letter.'; a file
-- source's dead letters may go to a topic too.
CREATE STREAM dlq (symbol VARCHAR) WITH ('type' = 'kafka_source', 'on.error' = 'dead_letter', 'dead.letter.topic' = 'dlq.v1',
  'dead.letter.topic.create' = 'false', 'dead.letter.retry.initial.delay' = '100ms', 'dead.letter.headers.origin' = 'velocc');
CREATE STREAM file_dlq (symbol VARCHAR) WITH ('path' = 'f.jsonl', 'on.error' = 'dead_letter', 'dead.letter.topic' = 'file_dlq');
CREATE STREAM dlq_both (symbol VARCHAR) WITH ('type' = 'kafka_source', 'dead_letter.path' = 'd.jsonl', 'dead.letter.topic' = 'd'); -- ERROR `source "dlq_both" has both 'dead_letter.path' \("d.jsonl"\) and 'dead.letter.topic': its dead letters go to a file or to a topic; remove one`
CREATE STREAM dlq_name (symbol VARCHAR) WITH ('type' = 'kafka_source', 'dead.letter.topic' = 'no spaces!'); -- ERROR `dead.letter.topic: invalid kafka topic name "no spaces!"`
CREATE STREAM dlq_setting (symbol VARCHAR) WITH ('type' = 'kafka_source', 'dead.letter.topic' = 'd', 'dead.letter.group.id' = 'g', 'dead.letter.acks' = 'most'); -- ERROR `unknown setting "dead.letter.group.id" of the dead-letter topic; it takes a kafka sink's settings, prefixed with 'dead.letter.': .*acks` ERROR `dead.letter.acks: want one of all, -1, 1, 0, got "most"`
CREATE STREAM dlq_orphan (symbol VARCHAR) WITH ('type' = 'kafka_source', 'dead.letter.acks' = '1'); -- WARNING `unknown property "dead.letter.acks" for source "dlq_orphan" is ignored`
SELECT symbol FROM q_dlq WITH ('q_dlq.config_file' = 'trades.yaml', 'q_dlq.dead.letter.topic' = 'q_dlq_topic', 'q_dlq.dead_letter.path' = 'q.jsonl'); -- ERROR `source "q_dlq" has both 'dead_letter.path'`

SELECT symbol, _key, _partition, _offset, _timestamp FROM trades WHERE _partition = 0;
SELECT symbol, _offset FROM files; -- ERROR `unknown column "_offset"`

CREATE STREAM by_col AS SELECT symbol, qty FROM trades
WITH ('by_col.type' = 'kafka_sink', 'by_col.key.field' = 'sym'); -- ERROR `key.field "sym" is not an output column of "by_col"`
CREATE STREAM acks AS SELECT symbol FROM trades WITH ('acks.type' = 'kafka_sink', 'acks.acks' = 'most'); -- ERROR `acks: want one of all, -1, 1, 0, got "most"`
CREATE STREAM zipped AS SELECT symbol FROM trades WITH ('zipped.type' = 'kafka_sink', 'zipped.compression.type' = 'brotli'); -- ERROR `compression.type: want one of none, gzip, snappy, lz4, zstd, got "brotli"`
CREATE STREAM parts AS SELECT symbol FROM trades WITH ('parts.type' = 'kafka_sink', 'parts.topic.partitions' = '0'); -- ERROR `topic.partitions: want a whole number of at least 1, got "0"`
CREATE STREAM retried AS SELECT symbol FROM trades WITH ('retried.type' = 'kafka_sink', 'retried.retry.max.attempts' = '3',
  'retried.retry.initial.delay' = '200ms', 'retried.retry.max.delay' = '5000', 'retried.retry.multiplier' = '1.5',
  'retried.circuit.breaker.failure.threshold' = '2', 'retried.circuit.breaker.recovery.timeout' = '2s',
  'retried.circuit.breaker.success.threshold' = '1');
CREATE STREAM no_tries AS SELECT symbol FROM trades WITH ('no_tries.type' = 'kafka_sink', 'no_tries.retry.max.attempts' = '0'); -- ERROR `retry.max.attempts: want a whole number of at least 1, got "0"`
CREATE STREAM shrink AS SELECT symbol FROM trades WITH ('shrink.type' = 'kafka_sink', 'shrink.retry.multiplier' = '0.5'); -- ERROR `retry.multiplier: want a number of at least 1, got "0.5"`
CREATE STREAM later AS SELECT symbol FROM trades WITH ('later.type' = 'kafka_sink', 'later.circuit.breaker.recovery.timeout' = 'a minute'); -- ERROR `circuit.breaker.recovery.timeout: want a duration such as 500ms, 5s or 1m \(or milliseconds\), got "a minute"`
CREATE STREAM never AS SELECT symbol FROM trades WITH ('never.type' = 'kafka_sink', 'never.circuit.breaker.success.threshold' = 'none'); -- ERROR `circuit.breaker.success.threshold: want a whole number of at least 1, got "none"`
CREATE STREAM reset_sink AS SELECT symbol FROM trades WITH ('reset_sink.type' = 'kafka_sink', 'reset_sink.auto.offset.reset' = 'earliest'); -- WARNING `unknown property "reset_sink.auto.offset.reset" for sink "reset_sink" is ignored`

-- Kafka tables: the message key is the primary key: one VARCHAR, INT or BIGINT column, or a JSON object of the
-- columns of a compound key; no consumer group.
CREATE TABLE prices (symbol VARCHAR PRIMARY KEY, px DECIMAL(12,4)) WITH ('type' = 'kafka_source', 'topic' = 'prices');
CREATE TABLE limits (trader BIGINT, cap BIGINT, PRIMARY KEY (trader)) WITH ('type' = 'kafka_source', 'key.field' = 'trader');
CREATE TABLE pairs (a VARCHAR, b BIGINT, v INT, PRIMARY KEY (a, b)) WITH ('type' = 'kafka_source');
CREATE TABLE pairs_by (a VARCHAR, b VARCHAR, v INT, PRIMARY KEY (a, b)) WITH ('type' = 'kafka_source', 'key.field' = 'a'); -- ERROR `'key.field' names one column; the message key of kafka table "pairs_by", whose PRIMARY KEY has 2 columns, is a JSON object of them`
CREATE TABLE by_value (id INT PRIMARY KEY, v INT) WITH ('type' = 'kafka_source', 'key.field' = 'v'); -- ERROR `a kafka table's message key is its PRIMARY KEY "id": 'key.field' may only name that column`
CREATE TABLE dec_key (px DECIMAL(10,2) PRIMARY KEY, v INT) WITH ('type' = 'kafka_source'); -- ERROR `the primary key "px" of a kafka table is read from the message key: it must be VARCHAR, INT or BIGINT, not DECIMAL\(10,2\)`
CREATE TABLE grouped (id INT PRIMARY KEY) WITH ('type' = 'kafka_source', 'group.id' = 'g'); -- WARNING `group.id is ignored: every instance reads a kafka table's topic whole, from the earliest offsets, without a consumer group`
CREATE TABLE latest (id INT PRIMARY KEY) WITH ('type' = 'kafka_source', 'auto.offset.reset' = 'latest'); -- WARNING `auto.offset.reset is ignored`
CREATE TABLE waits (id INT PRIMARY KEY) WITH ('type' = 'kafka_source', 'wait.timeout' = '1m', 'file.retry.interval' = '1s'); -- WARNING `file.retry.interval is ignored: it is a setting of file tables, and "waits" is read from kafka`

SELECT t.symbol, p.px, l.cap FROM trades t LEFT JOIN prices p ON t.symbol = p.symbol JOIN limits l ON l.trader = t.qty;
SELECT t.symbol, x.v FROM trades t JOIN pairs x ON x.a = t.symbol AND x.b = t.qty;
SELECT symbol FROM trades WHERE symbol IN (SELECT symbol FROM prices) AND (SELECT cap FROM limits WHERE trader = trades.qty) > 0;
