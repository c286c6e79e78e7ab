-- Two streams that would each wait for the other to be read to its end: a cycle of loads.

CREATE STREAM a (k VARCHAR, v BIGINT) WITH ('path' = 'a.jsonl');
CREATE STREAM b (k VARCHAR, v BIGINT) WITH ('path' = 'b.jsonl');
CREATE TABLE ta AS SELECT k, SUM(v) AS s FROM a GROUP BY k;
CREATE TABLE tb AS SELECT b.k, SUM(b.v) AS s FROM b JOIN ta ON ta.k = b.k GROUP BY b.k; -- ERROR `these streams would wait for each other to be read to their end: a -> b -> a`
SELECT a.k, tb.s FROM a JOIN tb ON tb.k = a.k;
