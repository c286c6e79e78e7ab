-- The further aggregates as explain shows them: constant arguments and WITHIN GROUP as written, two-argument
-- aggregates with both arguments, COUNT_DISTINCT as COUNT(DISTINCT ...).
CREATE STREAM t (g VARCHAR, v INT, d DECIMAL(12,4), x DOUBLE, s VARCHAR, ts TIMESTAMP) WITH ('path' = 't.jsonl');
SELECT g, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY d DESC) AS p, QUANTILE_DISC(v,   0.25) AS q, MEDIAN(v) AS m,
  STRING_AGG(s, '|') AS sa, LISTAGG(s) AS la, ARG_MIN(s, v) AS am, CORR(x, v) AS c, COUNT_DISTINCT(s) AS cd,
  LATEST_BY_OFFSET(s, FALSE) AS l, APPROX_COUNT_DISTINCT(x) AS a
FROM t GROUP BY g EMIT FINAL;
