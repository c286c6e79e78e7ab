-- Sources and sinks: properties, sinks, unsupported connectors.

CREATE STREAM orders (symbol VARCHAR, quantity BIGINT, event_time TIMESTAMP)
WITH ('path' = 'orders.jsonl', 'colour' = 'blue', 'on.error' = 'explode', 'format' = 'xml'); -- WARNING `unknown property "colour" for source "orders" is ignored; known: type, path, topic, format` ERROR `unknown on.error policy "explode"; supported: fail, skip, dead_letter` ERROR `unknown format "xml"; supported: jsonl, csv`
CREATE STREAM kafka_orders (symbol VARCHAR) WITH ('type' = 'kafka_source', 'path' = 'orders.jsonl'); -- ERROR "a kafka source reads a topic, not a file: use 'topic' instead of 'path'"
CREATE STREAM bad_time (symbol VARCHAR, t VARCHAR) WITH ('path' = 'b.jsonl', 'event.time.field' = 't'); -- ERROR `event.time.field "t" must be TIMESTAMP or BIGINT \(epoch milliseconds\), not VARCHAR`
CREATE STREAM bad_time2 (symbol VARCHAR) WITH ('path' = 'b.jsonl', 'event.time.field' = 'tme', 'watermark.max_out_of_orderness' = 'soon'); -- ERROR `event.time.field "tme" is not a column of "bad_time2"` ERROR `watermark.max_out_of_orderness: expected a duration such as 500ms, 5s, 1m, 2h or 1d, got "soon"`
CREATE STREAM no_path (symbol VARCHAR); -- ERROR `file source "no_path" has no 'path'`
SELECT symbol FROM no_schema WITH ('no_schema.path' = 'n.jsonl'); -- ERROR `source "no_schema" has no schema: declare its columns in CREATE STREAM no_schema \(...\) or give schema.fields in its config_file`
CREATE TABLE no_key (symbol VARCHAR) WITH ('path' = 'k.jsonl'); -- ERROR `table "no_key" needs a PRIMARY KEY`

CREATE STREAM no_sink AS SELECT symbol FROM orders; -- ERROR `stream "no_sink" has no sink: add WITH \('no_sink.type' = 'file_sink', 'no_sink.path' = 'out.jsonl'\) or \('no_sink.type' = 'stdout'\)`
CREATE STREAM no_sink_path AS SELECT symbol FROM orders WITH ('no_sink_path.type' = 'file_sink'); -- ERROR `file sink "no_sink_path" has no 'no_sink_path.path'`
CREATE STREAM kafka_out AS SELECT symbol FROM orders WITH ('kafka_out.type' = 'kafka_sink', 'kafka_out.path' = 'o.jsonl'); -- ERROR "a kafka sink writes a topic, not a file: use 'kafka_out.topic' instead of 'kafka_out.path'"
CREATE STREAM odd_out AS SELECT symbol FROM orders WITH ('odd_out.type' = 'pigeon'); -- ERROR `unknown sink type "pigeon"; supported: file_sink, stdout, kafka_sink`
CREATE STREAM out2 AS SELECT symbol FROM orders WITH ('out2.path' = 'o.jsonl', 'out2.colour' = 'red', 'elsewhere.x' = '1', 'nodot' = '2'); -- WARNING `unknown property "out2.colour" for sink "out2" is ignored; known: type, path, topic, format, config_file, timestamp.format` WARNING `property "elsewhere.x" is ignored: "elsewhere" is neither this query's source nor its sink` WARNING `property "nodot" is ignored: in a query's WITH, keys are '<source or sink name>.<key>' or a setting of the job \(max.memory.mb, state.overflow, job.http.address, processing.guarantee\)`
CREATE STREAM out2 AS SELECT symbol FROM orders WITH ('out2.path' = 'o2.jsonl'); -- ERROR `"out2" is already declared`
SELECT symbol FROM orders EMIT CHANGES; -- WARNING "EMIT CHANGES has no effect on a query without aggregation: every matching row is emitted"
SELECT symbol FROM elsewhere WITH ('elsewhere.config_file' = 'missing.yaml'); -- ERROR `cannot read config file "missing.yaml": no such file or directory`
CREATE STREAM long_lines (symbol VARCHAR) WITH ('path' = 'l.jsonl', 'max.line.bytes' = '64k'); -- ERROR `max.line.bytes must be a whole number of bytes from 1 to 1073741824 \(1 GiB\), got "64k"`
CREATE STREAM long_lines2 (symbol VARCHAR) WITH ('path' = 'l.jsonl', 'max.line.bytes' = 0); -- ERROR `max.line.bytes must be a whole number of bytes from 1 to 1073741824 \(1 GiB\), got "0"`
CREATE STREAM long_lines3 (symbol VARCHAR) WITH ('path' = 'l.jsonl', 'max.line.bytes' = 2147483648); -- ERROR `max.line.bytes must be a whole number of bytes from 1`
CREATE STREAM kafka_lines (symbol VARCHAR) WITH ('type' = 'kafka_source', 'max.line.bytes' = 1024); -- WARNING `max.line.bytes is ignored: it bounds the lines of a file source; a kafka source reads whole messages`
