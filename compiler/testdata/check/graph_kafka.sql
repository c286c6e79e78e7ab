-- A query that keeps state over the records of several sources, one of them on Kafka, cannot hold back the
-- sources' commits yet: it is rejected. Stateless queries over them, and joins of two streams, are fine.

CREATE STREAM a (k VARCHAR, v BIGINT, ts TIMESTAMP) WITH ('type' = 'kafka_source', 'event.time.field' = 'ts');
CREATE STREAM b (k VARCHAR, v BIGINT, ts TIMESTAMP) WITH ('path' = 'b.jsonl', 'event.time.field' = 'ts');

CREATE STREAM both_ AS SELECT k, v, ts FROM a UNION ALL SELECT k, v, ts FROM b;
SELECT k, v FROM both_ WHERE v > 0;
SELECT a.k, a.v + b.v AS s FROM a JOIN b WITHIN 1 SECOND ON a.k = b.k;
SELECT k, COUNT(*) AS n FROM both_ GROUP BY k EMIT FINAL; -- ERROR `query select_3 keeps state over records of several sources, one of them the Kafka source "a"`
